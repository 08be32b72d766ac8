/* k-way merge of capture files by packet time. Each file keeps one decoded packet ahead;
 * its pointers stay valid because they point into that file's own libpcap buffer, which
 * only moves when that file is read again. Fleets have a handful of pods, so the minimum
 * is found by a linear scan. */
#include "capture/merge.h"

#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

struct merge_src {
    struct ig_capture *cap;
    struct ig_packet pkt;
    bool have, done;
};

struct ig_capture_merge {
    struct merge_src *src;
    size_t n;
};

int ig_capture_merge_open(struct ig_capture_merge **out, const char *const *paths, size_t n,
                          char *err, size_t errlen)
{
    struct ig_capture_merge *m = calloc(1, sizeof *m);
    if (!m || !(m->src = calloc(n ? n : 1, sizeof *m->src))) {
        free(m);
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        if (ig_capture_open_file(&m->src[i].cap, paths[i], err, errlen) < 0) {
            ig_capture_merge_close(m);
            return IG_EIO;
        }
    }
    *out = m;
    return IG_OK;
}

/* Makes file i hold its next packet (or end). IG_EIO on a read error. */
static int fill(struct merge_src *s)
{
    while (!s->have && !s->done) {
        int rc = ig_capture_next(s->cap, &s->pkt);
        if (rc == IG_OK)
            s->have = true;
        else if (rc == IG_AGAIN)
            continue;   /* a run of undecodable frames: go on reading */
        else {
            s->done = true;
            if (rc != IG_DONE)
                return IG_EIO;
        }
    }
    return IG_OK;
}

int ig_capture_merge_next(struct ig_capture_merge *m, struct ig_packet *out, size_t *failed)
{
    for (size_t i = 0; i < m->n; i++) {
        if (fill(&m->src[i]) != IG_OK) {
            if (failed)
                *failed = i;
            return IG_EIO;
        }
    }
    ssize_t best = -1;
    for (size_t i = 0; i < m->n; i++)
        if (m->src[i].have && (best < 0 || m->src[i].pkt.ts_us < m->src[best].pkt.ts_us))
            best = (ssize_t)i;
    if (best < 0)
        return IG_DONE;
    *out = m->src[best].pkt;
    m->src[best].have = false;   /* read again at the next call, after the caller is done */
    return IG_OK;
}

uint64_t ig_capture_merge_offset(const struct ig_capture_merge *m)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < m->n; i++)
        sum += ig_capture_file_offset(m->src[i].cap);
    return sum;
}

void ig_capture_merge_stats(struct ig_capture_merge *m, struct ig_decode_stats *out)
{
    memset(out, 0, sizeof *out);
    uint64_t *dst = (uint64_t *)out;
    for (size_t i = 0; i < m->n; i++) {
        const uint64_t *src = (const uint64_t *)ig_capture_stats(m->src[i].cap);
        for (size_t k = 0; k < sizeof *out / sizeof(uint64_t); k++)
            dst[k] += src[k];
    }
}

void ig_capture_merge_close(struct ig_capture_merge *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        if (m->src[i].cap)
            ig_capture_close(m->src[i].cap);
    free(m->src);
    free(m);
}
