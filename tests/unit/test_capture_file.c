/* Capture files: classic pcap files in this machine's byte order are read from a mapping
 * (capture.c), and give exactly the packets libpcap gives for the same file: timestamps
 * (microsecond and nanosecond files), records cut at the snapshot length, a file cut
 * mid-record (an error at the end, after the whole records), files it leaves to
 * libpcap (byte-swapped), and a file truncated by another process while it is read (a
 * read error, not SIGBUS killing the sensor). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/map_guard.h"
#include "pcapw.h"

static char dir[] = "/tmp/ig_capfile_XXXXXX";
static uint8_t *orig;
static size_t orig_n;

struct pk { uint64_t ts; uint32_t l3_len, payload_len; uint8_t l3[2048]; };

static void spill(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Reads <path> whole; returns the number of packets, *end the last status, and the file
 * offset after the first packet in *off1. */
static size_t read_all(const char *path, bool map, struct pk *out, size_t max, int *end, uint64_t *off1)
{
    ig_capture_file_map = map;
    struct ig_capture *c;
    char err[256];
    assert_int_equal(ig_capture_open_file(&c, path, err, sizeof err), IG_OK);
    ig_capture_file_map = true;
    struct ig_packet p;
    size_t n = 0;
    int rc;
    while ((rc = ig_capture_next(c, &p)) == IG_OK) {
        assert_true(n < max);
        assert_true(p.l3_len <= sizeof out[n].l3);
        out[n].ts = p.ts_us;
        out[n].l3_len = p.l3_len;
        out[n].payload_len = p.payload_len;
        memcpy(out[n].l3, p.l3, p.l3_len);
        if (n++ == 0)
            *off1 = ig_capture_file_offset(c);
    }
    *end = rc;
    ig_capture_close(c);
    return n;
}

static struct pk a[64], b[64];

/* Both readers agree on <bytes>; returns the packet count. <mapped>: the mapping is used
 * (its offset after the first packet is that packet's record end, not stdio's buffer). */
static size_t same(const uint8_t *bytes, size_t n, int want_end, bool mapped)
{
    char path[64];
    snprintf(path, sizeof path, "%s/v.pcap", dir);
    spill(path, bytes, n);
    int e0, e1;
    uint64_t o0 = 0, o1 = 0;
    size_t n0 = read_all(path, false, a, 64, &e0, &o0);
    size_t n1 = read_all(path, true, b, 64, &e1, &o1);
    assert_int_equal(n0, n1);
    assert_int_equal(e0, want_end);
    assert_int_equal(e1, want_end);
    for (size_t i = 0; i < n0; i++) {
        assert_int_equal(a[i].ts, b[i].ts);
        assert_int_equal(a[i].l3_len, b[i].l3_len);
        assert_int_equal(a[i].payload_len, b[i].payload_len);
        assert_memory_equal(a[i].l3, b[i].l3, a[i].l3_len);
    }
    if (n0) {
        uint32_t cap0;
        memcpy(&cap0, bytes + 24 + 8, 4);
        if (mapped)
            assert_int_equal(o1, 24 + 16 + cap0);
        else
            assert_int_not_equal(o1, 24 + 16 + cap0);
    }
    return n0;
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    char path[64];
    snprintf(path, sizeof path, "%s/orig.pcap", dir);
    struct ig_pcapw *w = ig_pcapw_open(path, 1 /* en10mb */);
    struct ig_tcpconv c;
    if (!w || ig_tcpconv_init(&c, w, "10.0.0.1", 40000, "10.0.0.2", 8080, 1, 1,
                              1767225600000000ull + 123456) != 0)
        return -1;
    char body[3000];
    memset(body, 'x', sizeof body);
    if (ig_tcpconv_handshake(&c) || ig_tcpconv_client_send(&c, body, sizeof body) ||
        ig_tcpconv_server_send(&c, "ok", 2) || ig_tcpconv_fin(&c, false) || ig_pcapw_close(w))
        return -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    orig_n = (size_t)ftell(f);
    rewind(f);
    orig = malloc(orig_n);
    if (fread(orig, 1, orig_n, f) != orig_n)
        return -1;
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(orig);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void test_microseconds(void **state)
{
    (void)state;
    size_t n = same(orig, orig_n, IG_DONE, true);
    assert_true(n >= 8);
    assert_int_equal(a[0].ts, 1767225600000000ull + 123456);
}

static void test_nanoseconds(void **state)
{
    (void)state;
    uint8_t *v = malloc(orig_n);
    memcpy(v, orig, orig_n);
    uint32_t magic = 0xa1b23c4du;
    memcpy(v, &magic, 4);
    for (size_t off = 24; off + 16 <= orig_n;) {
        int32_t frac;
        uint32_t cap;
        memcpy(&frac, v + off + 4, 4);
        frac = frac * 1000 + 999;   /* truncated to the microsecond */
        memcpy(v + off + 4, &frac, 4);
        memcpy(&cap, v + off + 8, 4);
        off += 16 + cap;
    }
    same(v, orig_n, IG_DONE, true);
    assert_int_equal(b[0].ts, 1767225600000000ull + 123456);
    free(v);
}

static void test_snaplen_and_cuts(void **state)
{
    (void)state;
    uint8_t *v = malloc(orig_n);
    memcpy(v, orig, orig_n);
    uint32_t snap = 60;                  /* records longer than this are cut to it */
    memcpy(v + 16, &snap, 4);
    size_t n = same(v, orig_n, IG_DONE, true);
    assert_true(n > 0);
    free(v);
    /* cut inside a record's data, then inside a record header: the whole records, then
     * an error */
    uint32_t cap0;
    memcpy(&cap0, orig + 32, 4);
    size_t rec2 = 24 + 16 + cap0;
    assert_int_equal(same(orig, rec2 + 16 + 5, IG_EIO, true), 1);
    assert_int_equal(same(orig, rec2 + 7, IG_EIO, true), 1);
    assert_int_equal(same(orig, 24, IG_DONE, true), 0);
    /* a record claiming more than libpcap's maximum snapshot length: an error */
    v = malloc(orig_n);
    memcpy(v, orig, orig_n);
    uint32_t huge = 262145;
    memcpy(v + rec2 + 8, &huge, 4);
    assert_int_equal(same(v, orig_n, IG_EIO, true), 1);
    free(v);
}

static void test_swapped_left_to_libpcap(void **state)
{
    (void)state;
    /* the same file in the other byte order: every header field swapped */
    uint8_t *v = malloc(orig_n);
    memcpy(v, orig, orig_n);
    static const int hdr_fields[] = { 4, 2, 2, 4, 4, 4, 4 };
    size_t off = 0;
    for (size_t i = 0; i < 7; i++) {
        uint8_t *p = v + off;
        for (int k = 0; k < hdr_fields[i] / 2; k++) {
            uint8_t t = p[k];
            p[k] = p[hdr_fields[i] - 1 - k];
            p[hdr_fields[i] - 1 - k] = t;
        }
        off += (size_t)hdr_fields[i];
    }
    while (off + 16 <= orig_n) {
        uint32_t cap;
        memcpy(&cap, orig + off + 8, 4);
        for (int f = 0; f < 4; f++) {
            uint8_t *p = v + off + 4 * f;
            uint8_t t0 = p[0], t1 = p[1];
            p[0] = p[3], p[1] = p[2], p[2] = t1, p[3] = t0;
        }
        off += 16 + cap;
    }
    size_t n = same(v, orig_n, IG_DONE, false);
    assert_true(n >= 8);
    assert_int_equal(a[0].ts, 1767225600000000ull + 123456);
    free(v);
}

/* A file of <reps> copies of orig's records (~<reps> x 3.3 KB). */
static size_t write_long(const char *path, int reps, size_t *rec_ends, size_t max_ends, size_t *n_ends)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(orig, 1, 24, f), 24);
    size_t len = 24;
    *n_ends = 0;
    for (int r = 0; r < reps; r++) {
        for (size_t off = 24; off + 16 <= orig_n;) {
            uint32_t cap;
            memcpy(&cap, orig + off + 8, 4);
            assert_int_equal(fwrite(orig + off, 1, 16 + cap, f), 16 + cap);
            off += 16 + cap;
            len += 16 + cap;
            if (*n_ends < max_ends)
                rec_ends[(*n_ends)++] = len;
        }
    }
    fclose(f);
    return len;
}

/* Truncated under the reader: the records wholly before the cut come out as they were,
 * then a read error (the process is not killed by SIGBUS). */
static void test_truncated_while_read(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/shrinks.pcap", dir);
    static size_t ends[4096];
    size_t n_ends;
    size_t len = write_long(path, 40, ends, 4096, &n_ends);
    long pg = sysconf(_SC_PAGESIZE);
    assert_true(len > (size_t)pg * 8);
    static struct pk whole[4096];
    ig_capture_file_map = false;
    struct ig_capture *c;
    char err[256];
    /* what libpcap reads from the whole file, to compare with */
    assert_int_equal(ig_capture_open_file(&c, path, err, sizeof err), IG_OK);
    ig_capture_file_map = true;
    struct ig_packet p;
    size_t n_whole = 0;
    while (ig_capture_next(c, &p) == IG_OK && n_whole < 4096) {
        whole[n_whole].l3_len = p.l3_len;
        memcpy(whole[n_whole].l3, p.l3, p.l3_len);
        n_whole++;
    }
    ig_capture_close(c);

    size_t cut = (size_t)pg * 4;          /* page-aligned: every byte past it faults */
    assert_int_equal(ig_capture_open_file(&c, path, err, sizeof err), IG_OK);
    assert_int_equal(ig_capture_next(c, &p), IG_OK);
    assert_int_equal(truncate(path, (off_t)cut), 0);
    size_t n = 1;
    int rc;
    while ((rc = ig_capture_next(c, &p)) == IG_OK) {
        assert_true(n < n_whole);
        assert_int_equal(p.l3_len, whole[n].l3_len);
        assert_memory_equal(p.l3, whole[n].l3, p.l3_len);
        n++;
    }
    assert_int_equal(rc, IG_EIO);
    ig_capture_close(c);
    /* every record that ends before the cut decodes to a packet (setup's conversation has
     * no frame that fails to decode) */
    size_t before = 0;
    while (before < n_ends && ends[before] <= cut)
        before++;
    assert_int_equal(n, before);

    /* cut mid-page: the bytes past the end of its last page read as zeros (the kernel's
     * rule), the next page faults; a read error, not a crash */
    write_long(path, 40, ends, 4096, &n_ends);
    assert_int_equal(ig_capture_open_file(&c, path, err, sizeof err), IG_OK);
    assert_int_equal(ig_capture_next(c, &p), IG_OK);
    assert_int_equal(truncate(path, (off_t)(pg * 5 + 123)), 0);
    while ((rc = ig_capture_next(c, &p)) == IG_OK || rc == IG_AGAIN)
        ;
    assert_int_equal(rc, IG_EIO);
    ig_capture_close(c);
}

/* A SIGBUS outside every guarded mapping is not swallowed: it goes to the action that was
 * there before the guard (here the default: the process dies of it). */
static void test_foreign_sigbus_not_swallowed(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "%s/foreign.bin", dir);
    long pg = sysconf(_SC_PAGESIZE);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static char other[1];
        signal(SIGBUS, SIG_DFL);       /* not cmocka's handler, which would longjmp */
        if (ig_map_guard_add(other, sizeof other) < 0)   /* the handler is installed */
            _exit(3);
        FILE *f = fopen(path, "wb");
        if (!f)
            _exit(4);
        for (long i = 0; i < 2 * pg; i++)
            fputc('x', f);
        fclose(f);
        FILE *r = fopen(path, "rb");
        const volatile char *m = mmap(NULL, (size_t)(2 * pg), PROT_READ, MAP_PRIVATE, fileno(r), 0);
        if (m == MAP_FAILED || truncate(path, 0) != 0)
            _exit(5);
        (void)m[pg + 1];               /* past the end: SIGBUS */
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGBUS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_microseconds),
        cmocka_unit_test(test_nanoseconds),
        cmocka_unit_test(test_snaplen_and_cuts),
        cmocka_unit_test(test_swapped_left_to_libpcap),
        cmocka_unit_test(test_truncated_while_read),
        cmocka_unit_test(test_foreign_sigbus_not_swallowed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
