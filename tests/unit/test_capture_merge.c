/* analyze --merge: several capture files read as one, in packet-time order (mergecap's
 * rule), ties to the file given first, every packet exactly once, a damaged file does not
 * stop the others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/merge.h"
#include "pcapw.h"

static char dir[] = "/tmp/ig_merge_XXXXXX";

/* One TCP conversation per file, client port = 1000 + file, packets at the given times. */
static void write_file(const char *path, int file, const uint64_t *ts, size_t n)
{
    struct ig_pcapw *w = ig_pcapw_open(path, 1 /* en10mb */);
    assert_non_null(w);
    struct ig_tcpconv c;
    assert_int_equal(ig_tcpconv_init(&c, w, "10.0.0.1", (uint16_t)(1000 + file), "10.0.0.2", 8080,
                                     1, 1, ts[0]), 0);
    c.ts_step_us = 0;
    for (size_t i = 0; i < n; i++) {
        c.ts_us = ts[i];
        assert_int_equal(ig_tcpconv_client_send(&c, "x", 1), 0);
    }
    assert_int_equal(ig_pcapw_close(w), 0);
}

static void test_merge_order(void **state)
{
    (void)state;
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "%s/a.pcap", dir);
    snprintf(b, sizeof b, "%s/b.pcap", dir);
    snprintf(c, sizeof c, "%s/c.pcap", dir);
    static const uint64_t ta[] = { 100, 300, 500, 700 };
    static const uint64_t tb[] = { 200, 300, 400, 800, 900 };
    static const uint64_t tc[] = { 50 };
    write_file(a, 0, ta, 4);
    write_file(b, 1, tb, 5);
    write_file(c, 2, tc, 1);
    const char *paths[] = { a, b, c };
    struct ig_capture_merge *m;
    char err[256];
    assert_int_equal(ig_capture_merge_open(&m, paths, 3, err, sizeof err), IG_OK);
    /* expected: time order; at 300 file a (given first) before file b */
    static const uint64_t want_ts[] = { 50, 100, 200, 300, 300, 400, 500, 700, 800, 900 };
    static const uint16_t want_port[] = { 1002, 1000, 1001, 1000, 1001, 1001, 1000, 1000, 1001, 1001 };
    struct ig_packet p;
    size_t k = 0;
    uint64_t last = 0;
    while (ig_capture_merge_next(m, &p, NULL) == IG_OK) {
        assert_true(p.ts_us >= last);
        last = p.ts_us;
        if (!p.payload_len)
            continue;   /* the pure ACKs the conversation writer adds */
        assert_true(k < 10);
        assert_int_equal(p.ts_us, want_ts[k]);
        assert_int_equal(p.sport, want_port[k]);
        assert_int_equal(p.payload_len, 1);
        assert_int_equal(p.payload[0], 'x');   /* still valid: the file was not read past it */
        k++;
    }
    assert_int_equal(k, 10);
    struct ig_decode_stats st;
    ig_capture_merge_stats(m, &st);
    assert_true(st.packets >= 10);
    ig_capture_merge_close(m);
}

static void test_merge_damaged_file(void **state)
{
    (void)state;
    char a[64], b[64];
    snprintf(a, sizeof a, "%s/d1.pcap", dir);
    snprintf(b, sizeof b, "%s/d2.pcap", dir);
    static const uint64_t ta[] = { 10, 20, 30, 40 };
    static const uint64_t tb[] = { 15, 25, 35 };
    write_file(a, 0, ta, 4);
    write_file(b, 1, tb, 3);
    /* cut the last record of a in half: a read error after its third packet */
    FILE *f = fopen(a, "r+");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    assert_int_equal(truncate(a, len - 20), 0);   /* cuts the last packet (an ACK or data) */
    const char *paths[] = { a, b };
    struct ig_capture_merge *m;
    char err[256];
    assert_int_equal(ig_capture_merge_open(&m, paths, 2, err, sizeof err), IG_OK);
    struct ig_packet p;
    size_t ok = 0, eio = 0, bad = 99;
    int rc;
    uint64_t last = 0;
    while ((rc = ig_capture_merge_next(m, &p, &bad)) != IG_DONE) {
        if (rc == IG_EIO) {
            eio++;
            assert_int_equal(bad, 0);
            continue;
        }
        assert_int_equal(rc, IG_OK);
        assert_true(p.ts_us >= last);
        last = p.ts_us;
        ok += p.payload_len > 0;
    }
    assert_int_equal(eio, 1);
    assert_true(ok == 6 || ok == 7);   /* all 3 of b and what a held before the cut */
    ig_capture_merge_close(m);
}

static void test_merge_open_fails(void **state)
{
    (void)state;
    const char *paths[] = { "/nonexistent/x.pcap" };
    struct ig_capture_merge *m = NULL;
    char err[256] = "";
    assert_true(ig_capture_merge_open(&m, paths, 1, err, sizeof err) < 0);
    assert_non_null(strstr(err, "x.pcap"));
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_order),
        cmocka_unit_test(test_merge_damaged_file),
        cmocka_unit_test(test_merge_open_fails),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return rc;
}
