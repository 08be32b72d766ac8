/* Robustness on real traffic: every capture in $IG_SHARED/corpus/pcap-real goes through
 * capture + decode + flow table + reassembly with consumers that checksum every byte.
 * Asserts: each file reads to its end, the flow table ends empty, every flow closes
 * exactly once, and the per-flow byte accounting adds up. Skips when the folder is absent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_skip.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/config.h>
#include "capture/capture.h"
#include "flow/flow.h"

struct corpus_ctx {
    uint64_t sum, bytes, gaps, closes;
};

static void on_data(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, const uint8_t *p, size_t n,
                    uint64_t ts)
{
    (void)f; (void)ts;
    struct corpus_ctx *c = ctx;
    for (size_t i = 0; i < n; i++)
        c->sum = c->sum * 31 + p[i] + dir;
    c->bytes += n;
}

static void on_gap(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, uint64_t missing, uint64_t ts)
{
    (void)f; (void)dir; (void)ts;
    struct corpus_ctx *c = ctx;
    c->gaps += missing;
}

static void on_close(void *ctx, struct ig_flow *f, uint64_t ts)
{
    (void)ts;
    struct corpus_ctx *c = ctx;
    assert_int_equal(f->app_kind, 0);
    f->app_kind = 1;    /* a second close of the same flow would trip the assertion above */
    c->closes++;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_corpus(void **state)
{
    (void)state;
    /* ctest sets IG_SHARED (tests/CMakeLists.txt: ../shared or -DIG_SHARED_DIR) */
    const char *shared = getenv("IG_SHARED");
    const char *src = getenv("IG_SRC");
    char dir[1024];
    if (shared)
        snprintf(dir, sizeof(dir), "%s/corpus/pcap-real", shared);
    else
        snprintf(dir, sizeof(dir), "%s/../shared/corpus/pcap-real", src ? src : ".");
    DIR *d = opendir(dir);
    if (!d)
        IG_SKIP("%s not found (the shared corpus is not beside this checkout)", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof(*names));
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), name_cmp);

    struct ig_config cfg;
    ig_config_defaults(&cfg);
    uint64_t files_ok = 0, packets = 0, flows = 0, read_errors = 0;
    for (size_t i = 0; i < n; i++) {
        char path[2048], err[512];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        struct ig_capture *c;
        if (ig_capture_open_file(&c, path, err, sizeof(err)) != IG_OK) {
            printf("# cannot open %s: %s\n", names[i], err);
            continue;
        }
        struct corpus_ctx ctx = { 0 };
        struct ig_flow_callbacks cb = { &ctx, on_data, on_gap, on_close };
        struct ig_flow_table *t = ig_flow_table_new(&cfg, &cb);
        assert_non_null(t);
        struct ig_packet p;
        uint64_t last = 0;
        int rc;
        while ((rc = ig_capture_next(c, &p)) != IG_DONE) {
            if (rc == IG_EIO) {     /* a file cut mid-record: libpcap says so, we stop there */
                read_errors++;
                break;
            }
            if (rc != IG_OK)
                continue;
            ig_flow_packet(t, &p);
            if (p.ts_us > last)
                last = p.ts_us;
            ig_flow_tick(t, last);
        }
        ig_flow_flush(t, last);
        const struct ig_flow_stats *st = ig_flow_stats(t);
        assert_int_equal(st->active_flows, 0);
        assert_int_equal(st->bytes_buffered, 0);
        assert_int_equal(st->flows_created, st->flows_closed);
        assert_int_equal(ctx.closes, st->flows_created);
        assert_int_equal(ctx.bytes, st->bytes_delivered);
        assert_int_equal(ctx.gaps, st->gap_bytes);
        uint64_t by_proto = 0;
        for (int k = 0; k < IG_FP_COUNT; k++)
            by_proto += st->by_proto[k];
        assert_int_equal(by_proto, st->flows_closed);
        packets += ig_capture_stats(c)->packets;
        flows += st->flows_created;
        files_ok++;
        ig_flow_table_free(t);
        ig_capture_close(c);
    }
    printf("# %llu/%zu files, %llu packets, %llu flows, %llu truncated files\n",
           (unsigned long long)files_ok, n, (unsigned long long)packets, (unsigned long long)flows,
           (unsigned long long)read_errors);
    assert_true(files_ok > 0);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
    };
    IG_RUN_TESTS(tests);
}
