/* The spool: see spool.h for the on-disk format and the guarantees. */
#include "spool.h"

#include <inferguard/fs.h>
#include <inferguard/log.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#define SPOOL_MAGIC 0x31534749u   /* "IGS1" little-endian */
#define HDR 24u
#define MAX_SEGS 4096u

struct seg {
    uint64_t first, last, nrec, bytes;
};

struct ig_spool {
    char dir[512];
    uint64_t max_bytes, seg_bytes, total;
    enum ig_spool_fsync fsync;
    struct seg segs[MAX_SEGS];   /* oldest first; the last one takes appends */
    uint32_t nsegs;
    int wfd, cfd, rfd;
    bool dirty, commit_dirty;
    uint64_t next_seq, committed;
    uint32_t gen;
    uint32_t rseg;               /* read cursor: segment index and byte offset */
    uint64_t roff, peek_bytes;
    int rfd_seg;                 /* index rfd belongs to, -1 none */
    struct ig_spool_stats st;
};

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint32_t get32(const uint8_t *p) { uint32_t v = 0; for (int i = 3; i >= 0; i--) v = v << 8 | p[i]; return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }

bool ig_spool_fsync_parse(const char *s, enum ig_spool_fsync *out)
{
    if (!s || !*s || strcmp(s, "batch") == 0) *out = IG_SPOOL_FSYNC_BATCH;
    else if (strcmp(s, "always") == 0) *out = IG_SPOOL_FSYNC_ALWAYS;
    else if (strcmp(s, "never") == 0) *out = IG_SPOOL_FSYNC_NEVER;
    else return false;
    return true;
}

static void seg_path(const struct ig_spool *s, uint64_t first, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/seg-%020llu.log", s->dir, (unsigned long long)first);
}

static uint32_t rec_crc(const uint8_t *hdr, const void *p, size_t n)
{
    uint32_t c = (uint32_t)crc32(0L, hdr, 16);
    return (uint32_t)crc32(c, p, (uInt)n);
}

static int write_commit(struct ig_spool *s)
{
    uint8_t slot[16];
    s->gen++;
    put64(slot, s->committed);
    put32(slot + 8, s->gen);
    put32(slot + 12, (uint32_t)crc32(0L, slot, 12));
    if (pwrite(s->cfd, slot, 16, (off_t)(s->gen & 1) * 16) != 16)
        return IG_EIO;
    if (s->fsync == IG_SPOOL_FSYNC_ALWAYS)
        fdatasync(s->cfd);
    else
        s->commit_dirty = true;
    return IG_OK;
}

static void read_commit(struct ig_spool *s)
{
    uint8_t b[32];
    ssize_t n = pread(s->cfd, b, 32, 0);
    for (int i = 0; i < 2; i++) {
        if (n < (i + 1) * 16)
            break;
        const uint8_t *slot = b + 16 * i;
        if (get32(slot + 12) != (uint32_t)crc32(0L, slot, 12))
            continue;   /* torn or never written */
        uint32_t gen = get32(slot + 8);
        if (gen >= s->gen) {
            s->gen = gen;
            s->committed = get64(slot);
        }
    }
}

static void close_rfd(struct ig_spool *s)
{
    if (s->rfd >= 0)
        close(s->rfd);
    s->rfd = -1;
    s->rfd_seg = -1;
}

/* Removes segment 0 (never the active one) and keeps the read cursor on the same record. */
static void remove_first(struct ig_spool *s)
{
    char path[600];
    seg_path(s, s->segs[0].first, path, sizeof path);
    unlink(path);
    s->total -= s->segs[0].bytes;
    memmove(&s->segs[0], &s->segs[1], (s->nsegs - 1) * sizeof s->segs[0]);
    s->nsegs--;
    close_rfd(s);
    if (s->rseg > 0) {
        s->rseg--;
    } else {
        s->roff = 0;
    }
}

static void drop_oldest(struct ig_spool *s)
{
    struct seg *g = &s->segs[0];
    uint64_t lost = 0;
    if (g->nrec && g->last > s->committed) {
        uint64_t from = g->first > s->committed + 1 ? g->first : s->committed + 1;
        lost = g->last - from + 1;
    }
    s->st.dropped_segments++;
    s->st.dropped_records += lost;
    if (lost && (s->st.dropped_segments == 1 || s->st.dropped_segments % 100 == 0))
        IG_LOG_WARN("spool", "spool full (%llu bytes cap): dropped the oldest segment with %llu "
                    "undelivered findings (%llu dropped so far); raise kafka.spool_max_bytes or "
                    "fix the broker", (unsigned long long)s->max_bytes,
                    (unsigned long long)lost, (unsigned long long)s->st.dropped_records);
    if (g->nrec && g->last > s->committed) {
        s->committed = g->last;
        write_commit(s);
    }
    remove_first(s);
}

static int new_segment(struct ig_spool *s)
{
    char path[600];
    if (s->wfd >= 0) {
        if (s->fsync != IG_SPOOL_FSYNC_NEVER && s->dirty)
            fdatasync(s->wfd);
        close(s->wfd);
        s->wfd = -1;
        s->dirty = false;
    }
    while (s->nsegs >= MAX_SEGS)
        drop_oldest(s);
    seg_path(s, s->next_seq, path, sizeof path);
    s->wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
    if (s->wfd < 0)
        return IG_EIO;
    s->segs[s->nsegs++] = (struct seg){ .first = s->next_seq };
    return IG_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Scans one segment file; cuts it at the first bad record. Returns false when empty. */
static bool recover_segment(struct ig_spool *s, uint64_t first, uint8_t **buf, size_t *bufcap,
                            uint64_t *prev_seq)
{
    char path[600];
    seg_path(s, first, path, sizeof path);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct seg g = { .first = first };
    uint64_t off = 0;
    for (;;) {
        uint8_t h[HDR];
        ssize_t r = pread(fd, h, HDR, (off_t)off);
        if (r == 0)
            break;
        uint32_t len = r == HDR ? get32(h + 4) : 0;
        uint64_t seq = r == HDR ? get64(h + 8) : 0;
        bool ok = r == HDR && get32(h) == SPOOL_MAGIC && len <= IG_SPOOL_MAX_RECORD && seq > *prev_seq;
        if (ok && len > *bufcap) {
            uint8_t *nb = realloc(*buf, len);
            if (!nb)
                ok = false;
            else {
                *buf = nb;
                *bufcap = len;
            }
        }
        if (ok)
            ok = pread(fd, *buf, len, (off_t)(off + HDR)) == (ssize_t)len &&
                 rec_crc(h, *buf, len) == get32(h + 16);
        if (!ok) {
            /* a torn append (crash mid-write) or damage: nothing after it can be trusted */
            s->st.torn++;
            if (ftruncate(fd, (off_t)off) != 0)
                IG_LOG_WARN("spool", "cannot cut torn record in %s", path);
            break;
        }
        if (g.nrec == 0)
            g.first = seq;
        g.last = seq;
        g.nrec++;
        *prev_seq = seq;
        off += HDR + len;
        if (seq > s->committed)
            s->st.recovered++;
    }
    close(fd);
    g.bytes = off;
    if (g.nrec == 0 || g.last <= s->committed) {
        unlink(path);
        return false;
    }
    if (g.first != first) {
        /* keep file names equal to the first seq they hold */
        char np[600];
        seg_path(s, g.first, np, sizeof np);
        if (rename(path, np) != 0)
            return false;
    }
    s->segs[s->nsegs++] = g;
    s->total += g.bytes;
    return true;
}

int ig_spool_open(const struct ig_spool_opts *o, struct ig_spool **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!o->dir || !*o->dir || strlen(o->dir) >= 480) {
        snprintf(err, errlen, "kafka.spool_dir is empty or too long");
        return IG_ECONF;
    }
    if (o->max_bytes < 4096) {
        snprintf(err, errlen, "kafka.spool_max_bytes must be at least 4096");
        return IG_ECONF;
    }
    struct ig_spool *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory for the spool");
        return IG_ENOMEM;
    }
    snprintf(s->dir, sizeof s->dir, "%s", o->dir);
    s->max_bytes = o->max_bytes;
    s->seg_bytes = o->segment_bytes ? o->segment_bytes : o->max_bytes / 16;
    s->seg_bytes = IG_MAX(s->seg_bytes, (uint64_t)4096);
    s->seg_bytes = IG_MIN(s->seg_bytes, (uint64_t)64 << 20);
    s->fsync = o->fsync;
    s->wfd = s->cfd = s->rfd = -1;
    s->rfd_seg = -1;

    char path[600];
    uint64_t *firsts = NULL;
    uint8_t *buf = NULL;
    size_t bufcap = 0, nf = 0, capf = 0;
    if (ig_mkdir_p(s->dir, 0750, NULL, 0) != 0) {
        snprintf(err, errlen, "cannot create spool directory %s: %s", s->dir, strerror(errno));
        goto fail;
    }
    snprintf(path, sizeof path, "%s/committed", s->dir);
    s->cfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (s->cfd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    read_commit(s);

    DIR *d = opendir(s->dir);
    if (!d) {
        snprintf(err, errlen, "cannot read spool directory %s: %s", s->dir, strerror(errno));
        goto fail;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        unsigned long long first;
        char tail[8];
        if (sscanf(de->d_name, "seg-%20llu.%4s", &first, tail) != 2 || strcmp(tail, "log") != 0)
            continue;
        if (nf == capf) {
            capf = capf ? capf * 2 : 64;
            uint64_t *nfp = realloc(firsts, capf * sizeof *firsts);
            if (!nfp) {
                closedir(d);
                snprintf(err, errlen, "out of memory reading the spool");
                goto fail;
            }
            firsts = nfp;
        }
        firsts[nf++] = first;
    }
    closedir(d);
    if (nf)
        qsort(firsts, nf, sizeof *firsts, cmp_u64);
    uint64_t prev = 0;
    for (size_t i = 0; i < nf; i++) {
        if (s->nsegs >= MAX_SEGS - 1)
            drop_oldest(s);
        recover_segment(s, firsts[i], &buf, &bufcap, &prev);
    }
    free(firsts);
    free(buf);
    firsts = NULL;
    buf = NULL;
    s->next_seq = IG_MAX(prev, s->committed) + 1;
    while (s->total > s->max_bytes && s->nsegs > 0)
        drop_oldest(s);
    if (new_segment(s) != IG_OK) {
        snprintf(err, errlen, "cannot create a spool segment in %s: %s", s->dir, strerror(errno));
        goto fail;
    }
    if (s->st.recovered)
        IG_LOG_INFO("spool", "recovered %llu undelivered findings from %s (%llu torn records ignored)",
                    (unsigned long long)s->st.recovered, s->dir, (unsigned long long)s->st.torn);
    *out = s;
    return IG_OK;
fail:
    free(firsts);
    free(buf);
    if (s->cfd >= 0)
        close(s->cfd);
    free(s);
    return IG_EIO;
}

int ig_spool_append(struct ig_spool *s, const void *p, size_t n, uint64_t *seq)
{
    uint64_t rec = HDR + (uint64_t)n;
    if (n > IG_SPOOL_MAX_RECORD || rec > s->max_bytes) {
        s->st.dropped_records++;
        return IG_ELIMIT;
    }
    struct seg *a = &s->segs[s->nsegs - 1];
    if (a->nrec && a->bytes + rec > s->seg_bytes) {
        if (new_segment(s) != IG_OK)
            return IG_EIO;
    }
    while (s->total + rec > s->max_bytes && s->nsegs > 1)
        drop_oldest(s);
    if (s->total + rec > s->max_bytes) {
        /* only the active segment is left and it is full: start a fresh one, drop the old */
        if (new_segment(s) != IG_OK)
            return IG_EIO;
        drop_oldest(s);
    }
    a = &s->segs[s->nsegs - 1];
    uint8_t h[HDR];
    put32(h, SPOOL_MAGIC);
    put32(h + 4, (uint32_t)n);
    put64(h + 8, s->next_seq);
    put32(h + 16, rec_crc(h, p, n));
    put32(h + 20, 0);
    struct iovec iov[2] = { { h, HDR }, { (void *)p, n } };
    ssize_t w = writev(s->wfd, iov, 2);
    if (w != (ssize_t)rec) {
        /* leave no half record behind for the reader */
        if (ftruncate(s->wfd, (off_t)a->bytes) != 0)
            IG_LOG_WARN("spool", "cannot undo a short write: %s", strerror(errno));
        return IG_EIO;
    }
    if (a->nrec == 0)
        a->first = s->next_seq;
    a->last = s->next_seq;
    a->nrec++;
    a->bytes += rec;
    s->total += rec;
    *seq = s->next_seq++;
    s->st.appended++;
    if (s->fsync == IG_SPOOL_FSYNC_ALWAYS)
        fdatasync(s->wfd);
    else
        s->dirty = true;
    return IG_OK;
}

int ig_spool_peek(struct ig_spool *s, void *buf, size_t cap, size_t *n, uint64_t *seq)
{
    for (;;) {
        if (s->rseg >= s->nsegs)
            return IG_DONE;
        struct seg *g = &s->segs[s->rseg];
        if (s->roff >= g->bytes) {
            if (s->rseg + 1 >= s->nsegs)
                return IG_DONE;
            s->rseg++;
            s->roff = 0;
            close_rfd(s);
            continue;
        }
        if (s->rfd_seg != (int)s->rseg) {
            char path[600];
            close_rfd(s);
            seg_path(s, g->first, path, sizeof path);
            if ((s->rfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
                return IG_EIO;
            s->rfd_seg = (int)s->rseg;
        }
        uint8_t h[HDR];
        uint32_t len = 0;
        bool ok = pread(s->rfd, h, HDR, (off_t)s->roff) == HDR && get32(h) == SPOOL_MAGIC &&
                  (len = get32(h + 4)) <= IG_SPOOL_MAX_RECORD && s->roff + HDR + len <= g->bytes;
        uint64_t sq = ok ? get64(h + 8) : 0;
        if (ok && sq <= s->committed) {
            s->roff += HDR + len;   /* done before: skip */
            continue;
        }
        if (ok && len > cap) {
            *n = len;
            s->peek_bytes = HDR + len;   /* the caller may skip it with ig_spool_advance */
            return IG_ELIMIT;
        }
        if (ok)
            ok = pread(s->rfd, buf, len, (off_t)(s->roff + HDR)) == (ssize_t)len &&
                 rec_crc(h, buf, len) == get32(h + 16);
        if (!ok) {
            /* damaged after recovery checked it (disk trouble): skip the rest of the
             * segment, counted, rather than stall or loop */
            s->st.torn++;
            s->roff = g->bytes;
            continue;
        }
        *n = len;
        *seq = sq;
        s->peek_bytes = HDR + len;
        return IG_OK;
    }
}

void ig_spool_advance(struct ig_spool *s)
{
    s->roff += s->peek_bytes;
    s->peek_bytes = 0;
}

int ig_spool_commit(struct ig_spool *s, uint64_t seq)
{
    if (seq >= s->next_seq)
        seq = s->next_seq - 1;
    if (seq <= s->committed)
        return IG_OK;
    s->committed = seq;
    int rc = write_commit(s);
    while (s->nsegs > 1 && (s->segs[0].nrec == 0 || s->segs[0].last <= s->committed))
        remove_first(s);
    return rc;
}

uint64_t ig_spool_committed(const struct ig_spool *s) { return s->committed; }
uint64_t ig_spool_next_seq(const struct ig_spool *s) { return s->next_seq; }

int ig_spool_sync(struct ig_spool *s)
{
    int rc = IG_OK;
    if (s->fsync == IG_SPOOL_FSYNC_NEVER)
        return IG_OK;
    if (s->dirty && s->wfd >= 0 && fdatasync(s->wfd) != 0)
        rc = IG_EIO;
    if (s->commit_dirty && fdatasync(s->cfd) != 0)
        rc = IG_EIO;
    s->dirty = s->commit_dirty = false;
    return rc;
}

void ig_spool_stats(const struct ig_spool *s, struct ig_spool_stats *out)
{
    *out = s->st;
    out->bytes = s->total;
}

void ig_spool_close(struct ig_spool *s)
{
    if (!s)
        return;
    ig_spool_sync(s);
    close_rfd(s);
    if (s->wfd >= 0)
        close(s->wfd);
    /* an empty active segment is not worth keeping */
    if (s->nsegs && s->segs[s->nsegs - 1].nrec == 0) {
        char path[600];
        seg_path(s, s->segs[s->nsegs - 1].first, path, sizeof path);
        unlink(path);
    }
    close(s->cfd);
    free(s);
}
