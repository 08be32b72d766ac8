/* Fuzzes spool recovery: the input becomes a spool directory as a crash or a damaged disk
 * could leave it (bytes 0..31 = the committed-offset file when the input starts with 'C',
 * the rest = one segment file), then the spool is opened, read to the end, appended to and
 * reopened. Bad bytes must end as counted torn records, never a crash or a hang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#include "sinks/spool.h"

static char g_dir[64];

static void put_file(const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    if (n)
        fwrite(p, 1, n, fp);
    fclose(fp);
}

static void clear_dir(void)
{
    DIR *d = opendir(g_dir);
    struct dirent *de;
    char path[512];
    if (!d)
        return;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", g_dir, de->d_name);
            unlink(path);
        }
    closedir(d);
}

static void drain(struct ig_spool *s)
{
    static uint8_t buf[1 << 16];
    size_t n;
    uint64_t seq, last = 0;
    for (int i = 0; i < 100000; i++) {
        int rc = ig_spool_peek(s, buf, sizeof buf, &n, &seq);
        if (rc != 0)
            break;
        last = seq;
        ig_spool_advance(s);
    }
    if (last)
        ig_spool_commit(s, last / 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_dir[0]) {
        snprintf(g_dir, sizeof g_dir, "/tmp/ig-fuzz-spool.XXXXXX");
        if (!mkdtemp(g_dir))
            abort();
    }
    clear_dir();
    if (size >= 33 && data[0] == 'C') {
        put_file("committed", data + 1, 32);
        data += 33;
        size -= 33;
    }
    put_file("seg-00000000000000000001.log", data, size);
    struct ig_spool_opts o = { g_dir, 1 << 20, 4096, IG_SPOOL_FSYNC_NEVER };
    struct ig_spool *s;
    char err[256];
    if (ig_spool_open(&o, &s, err, sizeof err) != 0)
        return 0;
    drain(s);
    uint64_t seq;
    ig_spool_append(s, "after", 5, &seq);
    ig_spool_close(s);
    if (ig_spool_open(&o, &s, err, sizeof err) == 0) {
        drain(s);
        ig_spool_close(s);
    }
    return 0;
}
