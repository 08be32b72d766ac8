/* JSON lines to a file or stdout: one finding per line. */
#include "sinks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct file_sink {
    FILE *fp;
    bool is_stdout;
    struct ig_sink_stats st;
};

static int file_open(const struct ig_config *cfg, void **state, char *err, size_t errlen)
{
    struct file_sink *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    const char *path = cfg->findings_path[0] ? cfg->findings_path : "-";
    if (strcmp(path, "-") == 0) {
        s->fp = stdout;
        s->is_stdout = true;
    } else if (!(s->fp = fopen(path, "w"))) {
        snprintf(err, errlen, "cannot open findings output %s: %s", path, strerror(errno));
        free(s);
        return IG_EIO;
    }
    /* a reader (tail -f, a log shipper) sees each finding as soon as it is written */
    setvbuf(s->fp, NULL, _IOLBF, 1 << 16);
    *state = s;
    return IG_OK;
}

static int file_write(void *state, const struct ig_record *rec)
{
    struct file_sink *s = state;
    s->st.written++;
    if (fwrite(rec->value.p, 1, rec->value.n, s->fp) != rec->value.n || fputc('\n', s->fp) == EOF) {
        s->st.failed++;
        return IG_EIO;
    }
    s->st.delivered++;
    return IG_OK;
}

static int file_poll(void *state, int timeout_ms)
{
    struct file_sink *s = state;
    (void)timeout_ms;
    return fflush(s->fp) == 0 ? IG_OK : IG_EIO;
}

static int file_close(void *state, int timeout_ms)
{
    struct file_sink *s = state;
    (void)timeout_ms;
    if (!s)
        return IG_OK;
    int rc = fflush(s->fp) == 0 ? IG_OK : IG_EIO;
    if (!s->is_stdout && fclose(s->fp) != 0)
        rc = IG_EIO;
    free(s);
    return rc;
}

static void file_stats(void *state, struct ig_sink_stats *out)
{
    *out = ((struct file_sink *)state)->st;
}

static bool file_wanted(const struct ig_config *cfg)
{
    return cfg->findings_path[0] != 0;
}

const struct ig_sink ig_sink_file = {
    .name = "file", .open = file_open, .write = file_write, .poll = file_poll,
    .close = file_close, .stats = file_stats,
    .encodings = IG_SINK_JSON,      /* JSON lines whatever findings.encoding says */
    .wanted = file_wanted,
};
