/* Files written by the pcap writer (bench/lib/pcapw.h) read back through ig_capture_*,
 * the decoder and the flow table: every link type and both IP families, scripted
 * conversations with reordering, duplicates, overlaps and late retransmissions, must come
 * out byte for byte; dropped segments must come out as gaps of exactly their size.
 * pcapng is covered by converting the same file with editcap when it is installed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pcapw.h"
#include "test_flow_helpers.h"

#define REQ_BYTES  70000
#define RESP_BYTES 150000

static uint8_t req[REQ_BYTES], resp[RESP_BYTES];

static void fill(uint8_t *b, size_t n, uint32_t salt)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)((i * 131 + salt) ^ (i >> 9));
}

/* Writes <nconv> conversations, each: handshake, request, response, request, response, FIN. */
static void write_capture(const char *path, int linktype, uint16_t vlan, int family,
                          bool chaos, int nconv)
{
    struct ig_pcapw *w = ig_pcapw_open(path, linktype);
    assert_non_null(w);
    ig_pcapw_set_vlan(w, vlan);
    for (int i = 0; i < nconv; i++) {
        struct ig_tcpconv c;
        assert_int_equal(ig_tcpconv_init(&c, w, family == 6 ? "::1" : "127.0.0.1", (uint16_t)(50000 + i),
                                         family == 6 ? "::1" : "127.0.0.3", 8000,
                                         0xffff0000u + (uint32_t)i * 7919u, 42u + (uint32_t)i,
                                         1000000u + (uint64_t)i * 10), 0);
        if (chaos)
            c.chaos = (struct ig_tcpchaos){ .seed = 99u + (uint64_t)i, .reorder_pm = 300, .dup_pm = 200,
                                            .overlap_pm = 200, .retx_pm = 200 };
        assert_int_equal(ig_tcpconv_handshake(&c), 0);
        for (int k = 0; k < 2; k++) {
            assert_int_equal(ig_tcpconv_client_send(&c, req, sizeof(req)), 0);
            assert_int_equal(ig_tcpconv_server_send(&c, resp, sizeof(resp)), 0);
        }
        assert_int_equal(ig_tcpconv_fin(&c, false), 0);
    }
    assert_int_equal(ig_pcapw_close(w), 0);
}

struct pc_rec {
    struct tf_rec r;
    uint64_t bad_bytes[2];   /* delivered bytes that differ from what was sent */
};

/* Reads a capture through the real capture + flow path and checks every stream. */
static struct ig_flow_stats read_and_check(const char *path, int nconv, uint64_t want_gap_bytes)
{
    struct ig_config cfg;
    tf_cfg(&cfg);
    struct tf_rec r;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    char err[256];
    struct ig_capture *cap;
    assert_int_equal(ig_capture_open_file(&cap, path, err, sizeof(err)), IG_OK);
    struct ig_packet p;
    int rc;
    uint64_t last = 0;
    uint64_t prev_off = 0;
    while ((rc = ig_capture_next(cap, &p)) != IG_DONE) {
        assert_int_not_equal(rc, IG_EIO);
        assert_true(ig_capture_file_offset(cap) >= prev_off);
        prev_off = ig_capture_file_offset(cap);
        if (rc == IG_OK) {
            ig_flow_packet(t, &p);
            last = p.ts_us;
        }
    }
    const struct ig_decode_stats *ds = ig_capture_stats(cap);
    assert_true(ds->packets > 0);
    assert_int_equal(ds->truncated + ds->bad_ip + ds->bad_tcp + ds->non_ip + ds->unknown_linktype, 0);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    assert_int_equal(ig_capture_file_offset(cap), (uint64_t)ftell(fp));   /* progress ends at 100% */
    fclose(fp);
    ig_flow_flush(t, last);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->flows_created, nconv);
    assert_int_equal(r.closes, nconv);
    assert_int_equal(st->flows_midstream, 0);
    assert_int_equal(st->gap_bytes, want_gap_bytes);
    assert_int_equal(st->overlap_conflicts, 0);
    if (want_gap_bytes == 0) {
        /* the streams of all conversations, concatenated in the order they closed */
        size_t per_c = 2 * sizeof(req), per_s = 2 * sizeof(resp);
        assert_int_equal(r.len[0], per_c * (size_t)nconv);
        assert_int_equal(r.len[1], per_s * (size_t)nconv);
        for (size_t off = 0; off < r.len[0]; off += sizeof(req))
            assert_memory_equal(r.buf[0] + off, req, sizeof(req));
        for (size_t off = 0; off < r.len[1]; off += sizeof(resp))
            assert_memory_equal(r.buf[1] + off, resp, sizeof(resp));
    }
    struct ig_flow_stats out = *st;
    ig_capture_close(cap);
    ig_flow_table_free(t);
    tf_rec_free(&r);
    return out;
}

/* Captures go to this process's own directory (mkdtemp), removed at exit once emptied. */
static char g_tmpdir[64];
static void rm_tmpdir(void) { rmdir(g_tmpdir); }

static void tmp_path(char *buf, size_t n, const char *tag)
{
    if (!g_tmpdir[0]) {
        snprintf(g_tmpdir, sizeof g_tmpdir, "/tmp/ig-test-flow-pcap.XXXXXX");
        if (!mkdtemp(g_tmpdir))
            fail_msg("mkdtemp failed");
        atexit(rm_tmpdir);
    }
    snprintf(buf, n, "%s/%s.pcap", g_tmpdir, tag);
}

static void test_link_types(void **state)
{
    (void)state;
    const struct { int lt; uint16_t vlan; int family; const char *tag; } cases[] = {
        { IG_PCAPW_EN10MB, 0, 4, "eth4" },      { IG_PCAPW_EN10MB, 0, 6, "eth6" },
        { IG_PCAPW_EN10MB, 42, 4, "vlan4" },    { IG_PCAPW_EN10MB, 7, 6, "vlan6" },
        { IG_PCAPW_NULL, 0, 4, "null4" },       { IG_PCAPW_NULL, 0, 6, "null6" },
        { IG_PCAPW_RAW, 0, 4, "raw4" },         { IG_PCAPW_RAW, 0, 6, "raw6" },
        { IG_PCAPW_LINUX_SLL, 0, 4, "sll4" },   { IG_PCAPW_LINUX_SLL2, 0, 6, "sll2_6" },
    };
    for (size_t i = 0; i < IG_ARRAY_LEN(cases); i++) {
        char path[256];
        tmp_path(path, sizeof(path), cases[i].tag);
        write_capture(path, cases[i].lt, cases[i].vlan, cases[i].family, false, 1);
        read_and_check(path, 1, 0);
        unlink(path);
    }
}

/* Reordering, duplicates, overlaps and late retransmissions on several conversations. */
static void test_chaos(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof(path), "chaos");
    write_capture(path, IG_PCAPW_EN10MB, 0, 4, true, 6);
    struct ig_flow_stats st = read_and_check(path, 6, 0);
    assert_true(st.out_of_order > 0);     /* the faults really happened */
    assert_true(st.retransmits + st.overlaps > 0);
    unlink(path);
}

/* A dropped segment: the gap is exactly its size and the rest of the stream arrives. */
static void test_dropped_segment(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof(path), "drop");
    struct ig_pcapw *w = ig_pcapw_open(path, IG_PCAPW_EN10MB);
    assert_non_null(w);
    struct ig_tcpconv c;
    assert_int_equal(ig_tcpconv_init(&c, w, "127.0.0.1", 50500, "127.0.0.3", 8000, 1, 2, 1000), 0);
    assert_int_equal(ig_tcpconv_handshake(&c), 0);
    assert_int_equal(ig_tcpconv_send_fault(&c, false, req, 10000, IG_TCPF_DROP, 2), 0);
    assert_int_equal(ig_tcpconv_fin(&c, false), 0);
    assert_int_equal(ig_pcapw_close(w), 0);
    uint16_t mss = c.mss ? c.mss : 1460;
    read_and_check(path, 1, mss);
    unlink(path);
}

/* The same capture as pcapng (editcap converts): identical result. */
static void test_pcapng(void **state)
{
    (void)state;
    /* editcap comes with tshark (scripts/install-deps.sh test): missing is a failure */
    if (access("/usr/bin/editcap", X_OK) != 0)
        fail_msg("/usr/bin/editcap not installed (scripts/install-deps.sh test installs tshark)");
    char path[256], ng[300], cmd[700];
    tmp_path(path, sizeof(path), "ng_src");
    snprintf(ng, sizeof(ng), "%s.pcapng", path);
    write_capture(path, IG_PCAPW_EN10MB, 5, 6, true, 2);
    snprintf(cmd, sizeof(cmd), "editcap -F pcapng '%s' '%s'", path, ng);
    assert_int_equal(system(cmd), 0);
    read_and_check(ng, 2, 0);
    unlink(path);
    unlink(ng);
}

static void test_open_errors(void **state)
{
    (void)state;
    char err[256] = "";
    struct ig_capture *c = (struct ig_capture *)1;
    assert_int_equal(ig_capture_open_file(&c, "/nonexistent/x.pcap", err, sizeof(err)), IG_EIO);
    assert_null(c);
    assert_non_null(strstr(err, "/nonexistent/x.pcap"));
    char path[256];
    tmp_path(path, sizeof(path), "garbage");
    FILE *f = fopen(path, "w");
    fputs("this is not a capture file at all, just text\n", f);
    fclose(f);
    assert_int_equal(ig_capture_open_file(&c, path, err, sizeof(err)), IG_EIO);
    assert_non_null(strstr(err, path));
    unlink(path);
}

int main(void)
{
    fill(req, sizeof(req), 1);
    fill(resp, sizeof(resp), 2);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_types),
        cmocka_unit_test(test_chaos),
        cmocka_unit_test(test_dropped_segment),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
