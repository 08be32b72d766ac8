/* Core helpers: JSON writer output is valid and exact, scratch arena keeps earlier
 * allocations valid while growing and honours its cap, drop reasons are counted, FNV-1a
 * gives the reference values (lanes, table keys and finding uids depend on them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/base.h>
#include <inferguard/event.h>
#include "core/jsonw.h"
#include "core/bytescan.h"
#include "pipeline/drop_reasons.h"

static void test_jsonw_nesting_and_commas(void **state)
{
    (void)state;
    struct ig_jsonw w;
    ig_jsonw_init(&w, 8);   /* tiny start: forces growth */
    ig_jsonw_obj_open(&w);
    ig_jsonw_key(&w, "a"); ig_jsonw_u64(&w, 1);
    ig_jsonw_key(&w, "b"); ig_jsonw_arr_open(&w);
    ig_jsonw_i64(&w, -2); ig_jsonw_bool(&w, true); ig_jsonw_null(&w);
    ig_jsonw_obj_open(&w); ig_jsonw_obj_close(&w);
    ig_jsonw_arr_close(&w);
    ig_jsonw_key(&w, "c"); ig_jsonw_f64(&w, 0.1);
    ig_jsonw_key(&w, "d"); ig_jsonw_f32(&w, 0.1f);
    ig_jsonw_key(&w, "e"); ig_jsonw_f64(&w, NAN);
    ig_jsonw_obj_close(&w);
    assert_string_equal(w.buf, "{\"a\":1,\"b\":[-2,true,null,{}],\"c\":0.1,\"d\":0.1,\"e\":null}");
    assert_false(w.oom);
    ig_jsonw_free(&w);
}

/* Integers at every digit count, the extremes included, each exactly as printf writes it,
 * with the commas between them; a 1-byte start makes every one grow the buffer. */
static void test_jsonw_integers(void **state)
{
    (void)state;
    struct ig_jsonw w;
    ig_jsonw_init(&w, 1);
    char want[2048];
    size_t n = 0;
    want[n++] = '[';
    ig_jsonw_arr_open(&w);
    uint64_t v = 0;
    for (int i = 0; i <= 20; i++) {
        uint64_t u = i == 20 ? UINT64_MAX : v;
        int64_t s = i == 20 ? INT64_MIN : -(int64_t)(v / 2) - 1;
        ig_jsonw_u64(&w, u);
        ig_jsonw_i64(&w, s);
        n += (size_t)snprintf(want + n, sizeof want - n, "%s%llu,%lld", i ? "," : "",
                              (unsigned long long)u, (long long)s);
        v = v * 10 + 9;
    }
    ig_jsonw_i64(&w, INT64_MAX);
    n += (size_t)snprintf(want + n, sizeof want - n, ",%lld]", (long long)INT64_MAX);
    ig_jsonw_arr_close(&w);
    assert_false(w.oom);
    assert_int_equal(w.len, n);
    assert_string_equal(w.buf, want);
    /* random values of every magnitude (digits eight at a time: zeros inside the groups) */
    uint64_t r = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        r ^= r << 13; r ^= r >> 7; r ^= r << 17;
        uint64_t u = r >> (r % 64);
        ig_jsonw_reset(&w);
        ig_jsonw_u64(&w, u);
        ig_jsonw_i64(&w, (int64_t)u);
        snprintf(want, sizeof want, "%llu,%lld", (unsigned long long)u, (long long)(int64_t)u);
        assert_string_equal(w.buf, want);
    }
    ig_jsonw_free(&w);
}

static void test_jsonw_escapes_and_invalid_utf8(void **state)
{
    (void)state;
    struct ig_jsonw w;
    ig_jsonw_init(&w, 64);
    ig_jsonw_strn(&w, "q\"b\\n\n\x01\xc3\xa9\xff", 10);
    /* quote, backslash, newline and control escaped; é kept; stray 0xff replaced by U+FFFD */
    assert_string_equal(w.buf, "\"q\\\"b\\\\n\\n\\u0001\xc3\xa9\xef\xbf\xbd\"");
    ig_jsonw_reset(&w);
    ig_jsonw_str(&w, "\xed\xa0\x80");   /* UTF-16 surrogate encoded in UTF-8: invalid */
    assert_string_equal(w.buf, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    ig_jsonw_free(&w);
}

/* Keys and strings with nothing to escape take a one-copy path (comma, quotes and colon
 * written with them); mixed with escaped ones, empty ones and containers, from a buffer
 * that must grow, the text is the same as the general path's. */
static void test_jsonw_plain_and_escaped_strings_mixed(void **state)
{
    (void)state;
    struct ig_jsonw w;
    ig_jsonw_init(&w, 4);
    ig_jsonw_obj_open(&w);
    ig_jsonw_key(&w, "k"); ig_jsonw_str(&w, "v");
    ig_jsonw_key(&w, "a\"b"); ig_jsonw_str(&w, "x");
    ig_jsonw_key(&w, "arr"); ig_jsonw_arr_open(&w);
    ig_jsonw_str(&w, "p"); ig_jsonw_str(&w, "q\n"); ig_jsonw_strn(&w, NULL, 3); ig_jsonw_str(&w, "r");
    ig_jsonw_arr_close(&w);
    ig_jsonw_key(&w, "e"); ig_jsonw_obj_open(&w); ig_jsonw_key(&w, "n"); ig_jsonw_u64(&w, 7);
    ig_jsonw_obj_close(&w);
    ig_jsonw_keyn(&w, "", 0); ig_jsonw_str(&w, "a long value, longer than one 8-byte word");
    ig_jsonw_key(&w, "t\tab"); ig_jsonw_str(&w, "");
    ig_jsonw_obj_close(&w);
    assert_string_equal(w.buf, "{\"k\":\"v\",\"a\\\"b\":\"x\",\"arr\":[\"p\",\"q\\n\",\"\",\"r\"],"
                               "\"e\":{\"n\":7},\"\":\"a long value, longer than one 8-byte word\","
                               "\"t\\tab\":\"\"}");
    assert_int_equal(w.len, strlen(w.buf));
    assert_false(w.oom);
    ig_jsonw_free(&w);
}

/* The word-at-a-time scan for text with nothing to escape: one byte that needs escaping
 * at every position of a 40-byte string, found wherever it falls in the words. */
static void test_jsonw_escape_at_every_position(void **state)
{
    (void)state;
    static const struct { char c; const char *want; } special[] = {
        { '"', "\\\"" }, { '\\', "\\\\" }, { '\n', "\\n" }, { '\x01', "\\u0001" },
        { '\x1f', "\\u001f" }, { (char)0xff, "\xef\xbf\xbd" },
    };
    struct ig_jsonw w;
    ig_jsonw_init(&w, 16);
    char in[40], want[160];
    for (size_t k = 0; k < sizeof special / sizeof special[0]; k++)
        for (size_t pos = 0; pos < sizeof in; pos++) {
            for (size_t i = 0; i < sizeof in; i++)
                in[i] = (char)('a' + i % 26);
            in[pos] = special[k].c;
            snprintf(want, sizeof want, "\"%.*s%s%.*s\"", (int)pos, in, special[k].want,
                     (int)(sizeof in - pos - 1), in + pos + 1);
            ig_jsonw_reset(&w);
            ig_jsonw_strn(&w, in, sizeof in);
            assert_string_equal(w.buf, want);
        }
    /* every length 0..40 (the short strings' two-load path up to 16 bytes, the SIMD scan
     * and its tail beyond), plain and with one special byte at every position, as keys too */
    for (size_t len = 0; len <= sizeof in; len++) {
        for (size_t i = 0; i < len; i++)
            in[i] = (char)('a' + (i * 7) % 26);
        ig_jsonw_reset(&w);
        ig_jsonw_strn(&w, in, len);
        snprintf(want, sizeof want, "\"%.*s\"", (int)len, in);
        assert_string_equal(w.buf, want);
        for (size_t k = 0; k < sizeof special / sizeof special[0]; k++)
            for (size_t pos = 0; pos < len; pos++) {
                for (size_t i = 0; i < len; i++)
                    in[i] = (char)('a' + (i * 7) % 26);
                in[pos] = special[k].c;
                snprintf(want, sizeof want, "{\"%.*s%s%.*s\":\"%.*s%s%.*s\"}", (int)pos, in,
                         special[k].want, (int)(len - pos - 1), in + pos + 1, (int)pos, in,
                         special[k].want, (int)(len - pos - 1), in + pos + 1);
                ig_jsonw_reset(&w);
                ig_jsonw_obj_open(&w);
                ig_jsonw_keyn(&w, in, len);
                ig_jsonw_strn(&w, in, len);
                ig_jsonw_obj_close(&w);
                assert_string_equal(w.buf, want);
            }
    }
    ig_jsonw_reset(&w);
    ig_jsonw_strn(&w, "0123456789abcdef~ !#", 20);   /* plain, incl. the edges 0x20, 0x7e */
    assert_string_equal(w.buf, "\"0123456789abcdef~ !#\"");
    ig_jsonw_free(&w);
}

/* The SIMD scan for text that needs no escaping and the word-at-a-time scan under it (the
 * path without SSE2, and the SIMD scan's tail), against a byte loop: random buffers over an
 * alphabet rich in the bytes that need escaping and their neighbours, every length 0..70
 * and every start offset. */
static void test_jsonw_plain_prefix_matches_byte_loop(void **state)
{
    (void)state;
    static const uint8_t alpha[] = { 0x00, 0x01, 0x1f, 0x20, 0x21, '"', '\\', 0x5b, 0x5d, 0x7e,
                                     0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xff };
    uint8_t buf[96];
    uint32_t x = 777;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            /* mostly plain, so the first special byte falls anywhere, often in a later block */
            buf[i] = (x >> 16) % 16 ? (uint8_t)('a' + (x >> 20) % 26) : alpha[(x >> 20) % sizeof alpha];
        }
        for (size_t off = 0; off < 16; off++)
            for (size_t n = 0; off + n <= 86; n++) {
                const uint8_t *p = buf + off;
                size_t want = 0;
                while (want < n && p[want] >= 0x20 && p[want] < 0x80 && p[want] != '"' && p[want] != '\\')
                    want++;
                assert_int_equal(ig_jsonw_plain_prefix(p, n), want);
                assert_int_equal(ig_jsonw_plain_prefix_scalar(p, n), want);
            }
    }
}

/* The word-at-a-time finders against byte loops: random buffers over an alphabet rich in
 * the bytes they look for, every length 0..40 and every start offset (unaligned loads). */
static void test_bytescan_finders_match_byte_loops(void **state)
{
    (void)state;
    static const uint8_t alpha[] = { 'a', 'Z', '0', ' ', '\n', '\r', '\t', '"', '\\', 0x00,
                                     0x1f, 0x20, 0x21, 0x7f, 0x80, 0xc3, 0xff, 0x0b, ':' };
    uint8_t buf[64];
    uint32_t x = 12345;
    for (int round = 0; round < 3000; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            /* mostly plain bytes, so runs cross whole words */
            buf[i] = (x >> 16) % 4 ? (uint8_t)('a' + (x >> 20) % 26) : alpha[(x >> 20) % sizeof alpha];
        }
        for (size_t off = 0; off < 8; off++)
            for (size_t n = 0; off + n <= 48; n++) {
                const uint8_t *p = buf + off, *e = p + n, *q;
                for (q = p; q < e && *q != '"' && *q != '\\' && *q >= 0x20; q++) {}
                assert_ptr_equal(ig_find_json_string_stop(p, e), q);
                for (q = p; q < e && !(*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'); q++) {}
                assert_ptr_equal(ig_find_ws(p, e), q);
                for (q = p; q < e && *q != '\r' && *q != '\n'; q++) {}
                assert_ptr_equal(ig_find_eol(p, e), q);
            }
    }
}

static void test_jsonw_floats_round_trip(void **state)
{
    (void)state;
    struct ig_jsonw w;
    ig_jsonw_init(&w, 64);
    const double d[] = { 1.0 / 3, 1e-300, 123456789.123456789, -0.0, 5e-324 };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        ig_jsonw_reset(&w);
        ig_jsonw_f64(&w, d[i]);
        assert_true(strtod(w.buf, NULL) == d[i]);
    }
    const float f[] = { 1.0f / 3, 1e-45f, 3.4028235e38f, 0.7f };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        ig_jsonw_reset(&w);
        ig_jsonw_f32(&w, f[i]);
        assert_true(strtof(w.buf, NULL) == f[i]);
    }
    ig_jsonw_free(&w);
}

static void test_scratch_grows_keeping_pointers(void **state)
{
    (void)state;
    struct ig_scratch s;
    assert_int_equal(ig_scratch_init(&s, 64, 1 << 20), IG_OK);
    uint8_t *a = ig_scratch_alloc(&s, 48);
    memset(a, 0xab, 48);
    uint8_t *b = ig_scratch_alloc(&s, 4096);   /* outgrows the block: chained chunk */
    assert_non_null(b);
    memset(b, 0xcd, 4096);
    for (int i = 0; i < 48; i++)
        assert_int_equal(a[i], 0xab);           /* earlier allocation untouched */
    assert_int_equal((uintptr_t)b % 16, 0);
    ig_scratch_reset(&s);
    assert_true(s.size >= 4096);                 /* next round fits in one block */
    void *c = ig_scratch_alloc(&s, 4096);
    assert_ptr_equal(c, s.base);
    assert_null(ig_scratch_alloc(&s, 2u << 20)); /* over cap: refused and counted */
    assert_int_equal(s.overflows, 1);
    ig_scratch_free(&s);
}

static void test_drop_reasons_counted(void **state)
{
    (void)state;
    struct ig_drop_reasons d;
    ig_drop_init(&d);
    char dyn[] = "json: bad";
    ig_drop_count(&d, "json: bad");
    ig_drop_count(&d, dyn);           /* same text, different pointer */
    ig_drop_count(&d, "other");
    assert_int_equal(d.nrows, 2);
    assert_int_equal(d.row[0].n, 2);
    static char many[IG_DROP_REASONS_MAX + 5][16];
    for (int i = 0; i < IG_DROP_REASONS_MAX + 5; i++) {
        snprintf(many[i], sizeof many[i], "r%d", i);
        ig_drop_count(&d, many[i]);
    }
    assert_int_equal(d.nrows, IG_DROP_REASONS_MAX);
    assert_int_equal(d.other, 7);
}

static void test_endpoint_and_names(void **state)
{
    (void)state;
    struct ig_endpoint e = { .family = 4, .addr = { 127, 0, 0, 6 }, .port = 80 };
    char buf[64];
    assert_string_equal(ig_endpoint_ip_str(&e, buf, sizeof buf), "127.0.0.6");
    struct ig_endpoint e6 = { .family = 6, .addr = { [15] = 1 } };
    assert_string_equal(ig_endpoint_ip_str(&e6, buf, sizeof buf), "::1");
    assert_string_equal(ig_protocol_name(IG_PROTO_OIP_V2), "oip_v2");
    assert_string_equal(ig_protocol_name((enum ig_protocol)99), "unknown");
    assert_string_equal(ig_identity_kind_name(IG_ID_API_KEY), "api_key");
}

/* The FNV reference vectors (draft-eastlake-fnv, FNV-1a 64): a change here would move every
 * client to another lane and every finding to another uid. */
static void test_fnv1a_reference_values(void **state)
{
    (void)state;
    assert_true(ig_fnv1a(IG_FNV1A_BASIS, NULL, 0) == 0xcbf29ce484222325ull);
    assert_true(ig_fnv1a(IG_FNV1A_BASIS, "a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(ig_fnv1a(IG_FNV1A_BASIS, "foobar", 6) == 0x85944171f73967e8ull);
    /* chained calls equal one call; the string form stops at NUL or max; NULL is "" */
    assert_true(ig_fnv1a(ig_fnv1a(IG_FNV1A_BASIS, "foo", 3), "bar", 3) == 0x85944171f73967e8ull);
    assert_true(ig_fnv1a_str(IG_FNV1A_BASIS, "foobar", SIZE_MAX) == 0x85944171f73967e8ull);
    assert_true(ig_fnv1a_str(IG_FNV1A_BASIS, "foobarbaz", 6) == 0x85944171f73967e8ull);
    assert_true(ig_fnv1a_str(IG_FNV1A_BASIS, NULL, 8) == IG_FNV1A_BASIS);
    assert_true(ig_fnv1a_step(IG_FNV1A_BASIS, 'a') == 0xaf63dc4c8601ec8cull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonw_nesting_and_commas),
        cmocka_unit_test(test_jsonw_integers),
        cmocka_unit_test(test_fnv1a_reference_values),
        cmocka_unit_test(test_jsonw_escapes_and_invalid_utf8),
        cmocka_unit_test(test_jsonw_escape_at_every_position),
        cmocka_unit_test(test_jsonw_plain_and_escaped_strings_mixed),
        cmocka_unit_test(test_bytescan_finders_match_byte_loops),
        cmocka_unit_test(test_jsonw_plain_prefix_matches_byte_loop),
        cmocka_unit_test(test_jsonw_floats_round_trip),
        cmocka_unit_test(test_scratch_grows_keeping_pointers),
        cmocka_unit_test(test_drop_reasons_counted),
        cmocka_unit_test(test_endpoint_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
