/* JSON parser: strtof bit-exactness on millions of numbers, shapes of numeric arrays,
 * limits, malformed input, strings and lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/json.h"

static struct ig_scratch S;
static struct ig_json_limits LIM;

static int setup(void **st)
{
    (void)st;
    ig_json_limits_from_config(&LIM, NULL);
    return ig_scratch_init(&S, 1 << 20, (size_t)1 << 31);
}
static int teardown(void **st)
{
    (void)st;
    ig_scratch_free(&S);
    return 0;
}

static const struct ig_json *parse_ok(const char *txt)
{
    const struct ig_json *root;
    const char *why;
    int st = ig_json_parse((const uint8_t *)txt, strlen(txt), &LIM, &S, &root, &why);
    if (st != IG_OK)
        fail_msg("parse failed (%d: %s) on: %.200s", st, why, txt);
    return root;
}

static int parse_status(const char *txt, const char **why)
{
    const struct ig_json *root;
    ig_scratch_reset(&S);
    return ig_json_parse((const uint8_t *)txt, strlen(txt), &LIM, &S, &root, why);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Writes one random number in one of several textual styles. */
static int random_number(char *b, size_t cap)
{
    uint64_t r = next_rand();
    switch (r % 8) {
    case 0: {   /* any finite float, shortest-ish */
        uint32_t bits = (uint32_t)(r >> 32);
        float f;
        memcpy(&f, &bits, 4);
        if (!isfinite(f))
            f = 1.5f;
        return snprintf(b, cap, "%.9g", f);
    }
    case 1: {   /* any finite double printed long: stresses rounding to float */
        uint64_t bits = next_rand();
        double d;
        memcpy(&d, &bits, 8);
        if (!isfinite(d) || fabs(d) > 3e38)
            d = 0.25;
        return snprintf(b, cap, "%.17g", d);
    }
    case 2:     /* typical model inputs; half of them fixed-point at 1..18 places of values
                 * down to 1e-12, so fractions with 0..17 leading zeros (the lexer takes them
                 * as digits, and past 19 digits hands the number on) */
        if ((r >> 3) & 1) {
            double x = ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 2 * pow(10, -(double)(next_rand() % 13));
            return snprintf(b, cap, "%.*f", 1 + (int)(next_rand() % 18), x);
        }
        return snprintf(b, cap, "%.6f", ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 20);
    case 3: {   /* random digit strings, 1..30 digits, exponent -45..38 */
        int nd = 1 + (int)(next_rand() % 30), k = 0;
        if (r & 1)
            b[k++] = '-';
        b[k++] = (char)('1' + next_rand() % 9);
        if (nd > 1)
            b[k++] = '.';
        for (int i = 1; i < nd; i++)
            b[k++] = (char)('0' + next_rand() % 10);
        int e = (int)(next_rand() % 84) - 45;
        return k + snprintf(b + k, cap - (size_t)k, "e%d", e);
    }
    case 4: {   /* float midpoints and their neighbours: the double-rounding trap */
        uint32_t bits = (uint32_t)(r >> 33) & 0x7effffff;
        float f;
        memcpy(&f, &bits, 4);
        float g = nextafterf(f, INFINITY);
        double mid = ((double)f + (double)g) / 2;
        int which = (int)(next_rand() % 5);
        if (which == 0)
            return snprintf(b, cap, "%.17g", mid);
        if (which >= 3)   /* <= 2^53 significand: the division-free fast path's guard */
            return snprintf(b, cap, which == 3 ? "%.15g" : "%.14g", mid);
        return snprintf(b, cap, "%.25g", which == 1 ? nextafter(mid, 0) : nextafter(mid, INFINITY));
    }
    case 5:     /* integers; half of them of 1..7 digits (pixel values, counts: the
                 * lexer's whole-number path) */
        if ((r >> 3) & 1) {   /* (r % 8 fixes the low bits) */
            static const long long p10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
            long long v = (long long)(next_rand() % (unsigned long long)p10[1 + next_rand() % 7]);
            return snprintf(b, cap, "%s%lld", (r >> 4) & 1 ? "-" : "", v);
        }
        return snprintf(b, cap, "%lld", (long long)(next_rand() % 100000000) - 50000000);
    case 6: {   /* subnormal and tiny */
        uint32_t bits = (uint32_t)(r >> 41);   /* < 2^23: subnormal floats */
        float f;
        memcpy(&f, &bits, 4);
        return snprintf(b, cap, "%.12e", (double)f * (1 + (double)(next_rand() % 3) / 7));
    }
    default: {  /* up to 19 significant digits with small exponents: the fast path */
        unsigned long long m = next_rand() % 10000000000000000000ull;
        int e = (int)(next_rand() % 45) - 22;
        return snprintf(b, cap, "%llue%d", m, e);
    }
    }
}

static void check_text(const char *txt)
{
    char doc[128];
    snprintf(doc, sizeof doc, "[%s]", txt);
    ig_scratch_reset(&S);
    const struct ig_json *v = parse_ok(doc);
    float f, want = strtof(txt, NULL);
    size_t n;
    const char *why;
    int st = ig_json_f32_array(v, &f, 1, &n, &why);
    if (isinf(want)) {
        if (st != IG_EPARSE)
            fail_msg("%s: overflow not reported", txt);
        return;
    }
    if (st != IG_OK || n != 1)
        fail_msg("%s: decode failed: %s", txt, why);
    if (memcmp(&f, &want, 4) != 0)
        fail_msg("%s: got %a want %a", txt, (double)f, (double)want);
}

static void test_edge_numbers(void **st)
{
    (void)st;
    static const char *edge[] = {
        "0", "-0", "0.0", "-0.0", "0e0", "0E+5", "-0e-999", "1", "-1", "0.1", "0.2", "0.3",
        "1e-45", "1.4e-45", "1.401298464324817e-45", "7e-46", "7.1e-46", "7.006492321624085e-46",
        "7.006492321624086e-46", "1e-46", "1e-50", "1.1754942e-38", "1.17549435e-38",
        "1.1754943508222875e-38", "1.1754942106924411e-38", "3.4028235e38", "3.40282346638528859811704183484516925440e+38",
        "3.4028235677973366e38", "3.4028235677973365e38", "3.4028236e38", "1e39", "-1e39", "1e308",
        "16777216", "16777217", "16777218", "16777219", "33554435", "9007199254740993",
        "9007199254740992", "18446744073709551615", "18446744073709551616", "12345678901234567890123",
        "0.000000000000000000000000000000000000000000001", "1.00000005960464477539062",
        "1.000000059604644775390625", "1.0000000596046447753906250001", "1.00000017881393432617187499",
        "2.5e-45", "3.5e-45", "1e22", "1e23", "1.5e22", "123456789e22", "123456789012345e22",
        "4.9406564584124654e-324", "2.2250738585072014e-308", "1e-400", "-1e-400", "1e+38",
        "0.1e1", "10e-1", "1234.5678e-2", "0.00000000000000000000000000000000000000001175494351",
        "340282356779733661637539395458142568448", "340282356779733661637539395458142568447",
        /* fractions whose leading zeros fill one or two 8-digit chunks */
        "0.7747", "0.0847", "-0.0001", "-0.0000", "0.00000001", "0.000000001", "0.00000000123456789",
        "0.0000000000000001", "0.00000000000000001", "0.0000000000000000123", "0.123456789",
        "-0.0123456789", "9.99999999999999999", "0.9999999999999999999", "1.0000000000000000000001",
    };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        check_text(edge[i]);
}

/* >= 2 million random numbers, decoded in large arrays and compared with strtof. */
static void test_random_bit_exact(void **st)
{
    (void)st;
    enum { PER = 250000, ROUNDS = 9 };
    size_t cap = (size_t)PER * 48 + 16;
    char *doc = malloc(cap);
    char (*txt)[48] = malloc((size_t)PER * 48);
    float *got = malloc(PER * sizeof *got);
    assert_non_null(doc);
    assert_non_null(txt);
    assert_non_null(got);
    uint64_t total = 0, slow = 0;
    for (int r = 0; r < ROUNDS; r++) {
        size_t k = 0;
        doc[k++] = '[';
        for (int i = 0; i < PER; i++) {
            int m = random_number(txt[i], sizeof txt[i]);
            if (i) {
                if (i % 7 == 0)
                    doc[k++] = '\n';
                doc[k++] = ',';
                if (i % 5 == 0)
                    doc[k++] = ' ';   /* Python's ", " separator */
                if (i % 11 == 0)
                    doc[k++] = '\t';
            }
            memcpy(doc + k, txt[i], (size_t)m);
            k += (size_t)m;
        }
        doc[k++] = ']';
        ig_scratch_reset(&S);
        const struct ig_json *root;
        const char *why;
        assert_int_equal(ig_json_parse((uint8_t *)doc, k, &LIM, &S, &root, &why), IG_OK);
        assert_true(ig_json_is_numeric(root));
        assert_int_equal(root->count, PER);
        size_t n;
        int rc = ig_json_f32_array(root, got, PER, &n, &why);
        assert_int_equal(n, PER);
        bool any_inf = false;
        for (int i = 0; i < PER; i++) {
            float want = strtof(txt[i], NULL);
            if (isinf(want)) {
                any_inf = true;
                continue;
            }
            if (memcmp(&got[i], &want, 4) != 0)
                fail_msg("'%s': got %a want %a", txt[i], (double)got[i], (double)want);
            total++;
        }
        assert_int_equal(rc, any_inf ? IG_EPARSE : IG_OK);
        (void)slow;
    }
    assert_true(total >= 2000000);
    free(doc);
    free(txt);
    free(got);
}

/* Short arrays: their numbers lie within the last IG_JSON_PAD bytes of the text, which the
 * parser decodes from a zero-padded copy; same bits as strtof, and a number cut by the end
 * of the text is still an error. */
static void test_tail_bit_exact(void **st)
{
    (void)st;
    char txt[4][48], doc[256];
    uint64_t total = 0;
    for (int r = 0; r < 100000; r++) {
        int n = 1 + (int)(next_rand() % 4);
        size_t k = 0;
        doc[k++] = '[';
        for (int i = 0; i < n; i++) {
            int m = random_number(txt[i], sizeof txt[i]);
            if (i) {
                doc[k++] = ',';
                if (next_rand() % 2)
                    doc[k++] = ' ';
            }
            memcpy(doc + k, txt[i], (size_t)m);
            k += (size_t)m;
        }
        ig_scratch_reset(&S);
        const struct ig_json *root;
        const char *why;
        /* without the closing bracket: truncated, whatever the last number looks like */
        assert_int_equal(ig_json_parse((uint8_t *)doc, k, &LIM, &S, &root, &why), IG_EPARSE);
        doc[k++] = ']';
        ig_scratch_reset(&S);
        assert_int_equal(ig_json_parse((uint8_t *)doc, k, &LIM, &S, &root, &why), IG_OK);
        float got[4];
        size_t cnt;
        int rc = ig_json_f32_array(root, got, 4, &cnt, &why);
        assert_int_equal(cnt, (size_t)n);
        bool any_inf = false;
        for (int i = 0; i < n; i++) {
            float want = strtof(txt[i], NULL);
            if (isinf(want)) {
                any_inf = true;
                continue;
            }
            if (memcmp(&got[i], &want, 4) != 0)
                fail_msg("'%s' in '%.*s': got %a want %a", txt[i], (int)k, doc, (double)got[i], (double)want);
            total++;
        }
        assert_int_equal(rc, any_inf ? IG_EPARSE : IG_OK);
    }
    assert_true(total > 200000);
}

static void test_f64_and_ints(void **st)
{
    (void)st;
    ig_scratch_reset(&S);
    const struct ig_json *v = parse_ok("{\"a\": 9007199254740993, \"b\": -9223372036854775808,"
                                       " \"c\": 18446744073709551615, \"d\": 1.5, \"e\": 9223372036854775808}");
    int64_t i;
    uint64_t u;
    double d;
    assert_int_equal(ig_json_i64(ig_json_get(v, "a"), &i), IG_OK);
    assert_true(i == 9007199254740993LL);
    assert_int_equal(ig_json_i64(ig_json_get(v, "b"), &i), IG_OK);
    assert_true(i == INT64_MIN);
    assert_int_equal(ig_json_u64(ig_json_get(v, "c"), &u), IG_OK);
    assert_true(u == UINT64_MAX);
    assert_int_equal(ig_json_i64(ig_json_get(v, "c"), &i), IG_EPARSE);
    assert_int_equal(ig_json_i64(ig_json_get(v, "e"), &i), IG_EPARSE);
    assert_int_equal(ig_json_i64(ig_json_get(v, "d"), &i), IG_EPARSE);
    assert_int_equal(ig_json_f64(ig_json_get(v, "d"), &d), IG_OK);
    assert_true(d == 1.5);
    assert_int_equal(ig_json_f64(ig_json_get(v, "zz"), &d), IG_EPARSE);

    /* f64 arrays match strtod. */
    const char *nums[] = { "0.1", "1e-320", "2.2250738585072011e-308", "9007199254740993",
                           "1.7976931348623157e308", "123456789012345678901234567890e-10" };
    for (size_t k = 0; k < 6; k++) {
        char doc[96];
        snprintf(doc, sizeof doc, "[%s]", nums[k]);
        ig_scratch_reset(&S);
        const struct ig_json *a = parse_ok(doc);
        double out;
        size_t n;
        const char *why;
        assert_int_equal(ig_json_f64_array(a, &out, 1, &n, &why), IG_OK);
        double want = strtod(nums[k], NULL);
        assert_memory_equal(&out, &want, 8);
    }
    /* Whole-number arrays (shapes, token ids) are read from their float32 values below 2^24
     * and from the text above: same doubles as strtod either way. */
    static const char *ints[] = { "[1, 64]", "[-0, 0, 16777215, -16777215]", "[[3, 4], [5, 6]]",
                                  "[7, 16777216]", "[16777217, 2]", "[-16777219]",
                                  "[9007199254740993, 1]", "[]" };
    for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
        ig_scratch_reset(&S);
        const struct ig_json *a = parse_ok(ints[k]);
        double out[8], want[8];
        size_t n, m = 0;
        const char *why;
        assert_int_equal(ig_json_f64_array(a, out, 8, &n, &why), IG_OK);
        for (const char *p = ints[k]; *p; p++)
            if (*p == '-' || (*p >= '0' && *p <= '9')) {
                char *e;
                want[m++] = strtod(p, &e);
                p = e - 1;
            }
        assert_int_equal(n, m);
        assert_memory_equal(out, want, n * sizeof out[0]);
    }
    /* A top-level number decodes too. */
    ig_scratch_reset(&S);
    v = parse_ok("  -2.5e-3");
    assert_int_equal(ig_json_f64(v, &d), IG_OK);
    assert_true(d == -2.5e-3);
}

static void test_shapes(void **st)
{
    (void)st;
    ig_scratch_reset(&S);
    const struct ig_json *v = parse_ok("[[1, 2, 3], [4.5, -6, 7e1]]");
    assert_true(ig_json_is_numeric(v));
    assert_int_equal(v->ndim, 2);
    assert_int_equal(v->shape[0], 2);
    assert_int_equal(v->shape[1], 3);
    assert_int_equal(v->count, 6);
    assert_int_equal(ig_json_len(v), 2);
    assert_null(ig_json_first(v));
    assert_false(v->flags & IG_JSON_F_INTEGER);
    float f[6];
    size_t n;
    const char *why;
    assert_int_equal(ig_json_f32_array(v, f, 6, &n, &why), IG_OK);
    assert_int_equal(n, 6);
    assert_true(f[0] == 1 && f[3] == 4.5f && f[4] == -6 && f[5] == 70);
    assert_int_equal(ig_json_f32_array(v, f, 5, &n, &why), IG_ELIMIT);

    v = parse_ok("[[[1],[2]],[[3],[4]],[[5],[6]]]");
    assert_true(ig_json_is_numeric(v));
    assert_int_equal(v->ndim, 3);
    assert_int_equal(v->shape[0], 3);
    assert_int_equal(v->shape[1], 2);
    assert_int_equal(v->shape[2], 1);
    assert_true(v->flags & IG_JSON_F_INTEGER);

    v = parse_ok("[]");
    assert_true(ig_json_is_numeric(v));
    assert_int_equal(v->count, 0);
    v = parse_ok("[[],[]]");
    assert_true(ig_json_is_numeric(v));
    assert_int_equal(v->ndim, 2);
    assert_int_equal(v->shape[0], 2);
    assert_int_equal(v->shape[1], 0);

    /* Ragged: not numeric as a whole, its rows are. */
    v = parse_ok("[[1,2],[3]]");
    assert_false(ig_json_is_numeric(v));
    assert_int_equal(ig_json_len(v), 2);
    assert_true(ig_json_is_numeric(ig_json_first(v)));
    assert_int_equal(ig_json_first(v)->count, 2);
    assert_int_equal(ig_json_next(ig_json_first(v))->count, 1);
    assert_int_equal(ig_json_f32_array(v, f, 6, &n, &why), IG_EPARSE);

    /* Mixed depth and mixed types. */
    v = parse_ok("[1,[2]]");
    assert_false(ig_json_is_numeric(v));
    v = parse_ok("[[1],2]");
    assert_false(ig_json_is_numeric(v));
    v = parse_ok("[1, true, \"x\", null, {\"a\": [1, 2]}]");
    assert_false(ig_json_is_numeric(v));
    assert_int_equal(ig_json_len(v), 5);
    const struct ig_json *c = ig_json_first(v);
    assert_int_equal(c->type, IG_JSON_NUMBER);
    c = ig_json_next(c);
    assert_int_equal(c->type, IG_JSON_TRUE);
    c = ig_json_next(c);
    assert_true(ig_json_str_eq(c, "x"));
    c = ig_json_next(c);
    assert_int_equal(c->type, IG_JSON_NULL);
    c = ig_json_next(c);
    assert_true(ig_json_is_numeric(ig_json_get(c, "a")));
    assert_null(ig_json_next(c));
}

/* Read as Python's json reads it: NaN / Infinity / -Infinity accepted and reported,
 * duplicate keys found (pairwise and through the index) with the last value winning. */
static void test_server_semantics(void **st)
{
    (void)st;
    ig_scratch_reset(&S);
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, NULL);
    const struct ig_json *v;
    const char *why;
    uint32_t doc = 0;
    const char *nf = "{\"temperature\": NaN, \"x\": [1, -Infinity], \"y\": Infinity, "
                     "\"z\": [NaN, 2], \"messages\": \"hi\"}";
    assert_int_equal(ig_json_parse_ex((const uint8_t *)nf, strlen(nf), &lim, &S, &v, &why, &doc), IG_OK);
    assert_int_equal(doc, IG_JSON_DOC_NONFINITE);
    assert_true(ig_json_str_eq(ig_json_get(v, "messages"), "hi"));
    double d;
    assert_int_equal(ig_json_get(v, "temperature")->type, IG_JSON_NUMBER);
    assert_true(ig_json_get(v, "temperature")->flags & IG_JSON_F_NONFINITE);
    assert_int_equal(ig_json_f64(ig_json_get(v, "temperature"), &d), IG_EPARSE);
    float f[4];
    size_t n;
    assert_true(ig_json_is_numeric(ig_json_get(v, "x")));
    assert_int_equal(ig_json_f32_array(ig_json_get(v, "x"), f, 4, &n, &why), IG_EPARSE);
    assert_non_null(why);
    double dd[4];
    assert_int_equal(ig_json_f64_array(ig_json_get(v, "x"), dd, 4, &n, &why), IG_EPARSE);

    /* Small object: pairwise. The second "messages" is the one the server uses. */
    const char *dup = "{\"messages\": \"benign\", \"model\": \"m\", \"messages\": \"evil\"}";
    doc = 0;
    assert_int_equal(ig_json_parse_ex((const uint8_t *)dup, strlen(dup), &lim, &S, &v, &why, &doc), IG_OK);
    assert_int_equal(doc, IG_JSON_DOC_DUPKEYS);
    assert_true(ig_json_str_eq(ig_json_get(v, "messages"), "evil"));
    /* Escaped spelling of the same key is the same key. */
    const char *esc = "{\"messages\": 1, \"m\\u0065ssages\": 2}";
    doc = 0;
    assert_int_equal(ig_json_parse_ex((const uint8_t *)esc, strlen(esc), &lim, &S, &v, &why, &doc), IG_OK);
    assert_int_equal(doc, IG_JSON_DOC_DUPKEYS);
    int64_t i;
    assert_int_equal(ig_json_i64(ig_json_get(v, "messages"), &i), IG_OK);
    assert_int_equal(i, 2);
    /* Large object: the hash index; no false duplicates among 2000 distinct keys. */
    char *big = malloc(64 * 2100);
    size_t o = 0;
    o += (size_t)sprintf(big + o, "{");
    for (int k = 0; k < 2000; k++)
        o += (size_t)sprintf(big + o, "%s\"k%d\": %d", k ? "," : "", k, k);
    doc = 0;
    sprintf(big + o, "}");
    assert_int_equal(ig_json_parse_ex((const uint8_t *)big, strlen(big), &lim, &S, &v, &why, &doc), IG_OK);
    assert_int_equal(doc, 0);
    assert_int_equal(ig_json_i64(ig_json_get(v, "k1999"), &i), IG_OK);
    assert_int_equal(i, 1999);
    sprintf(big + o, ", \"k7\": -1}");
    doc = 0;
    assert_int_equal(ig_json_parse_ex((const uint8_t *)big, strlen(big), &lim, &S, &v, &why, &doc), IG_OK);
    assert_int_equal(doc, IG_JSON_DOC_DUPKEYS);
    assert_int_equal(ig_json_i64(ig_json_get(v, "k7"), &i), IG_OK);
    assert_int_equal(i, -1);
    struct ig_json_index ix;
    uint32_t dups = 0;
    assert_int_equal(ig_json_index_build(v, &S, &ix, &dups), IG_OK);
    assert_int_equal(dups, 1);
    assert_int_equal(ig_json_i64(ig_json_index_get(&ix, (struct ig_span){ (const uint8_t *)"k7", 2 }), &i), IG_OK);
    assert_int_equal(i, -1);
    assert_null(ig_json_index_get(&ix, (struct ig_span){ (const uint8_t *)"k2000", 5 }));
    free(big);
}

static void test_malformed(void **st)
{
    (void)st;
    static const char *bad[] = {
        "", " ", "[", "]", "[1,]", "[,1]", "[1 2]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
        "{a:1}", "[nan]", "-NaN", "Inf", "[1, -Inf]", "NaNx", "[Infinit]", "[01]", "[1.]", "[.5]",
        "[+1]", "[1e]", "[1e+]", "[-]", "[--1]", "\"abc", "\"a\x01\"", "\"\\x\"", "\"\\u12g4\"",
        "\"\\u12\"", "[1] x", "[1][2]", "tru", "nul", "falsy", "[[1,2],[3,4]", "{\"a\":[1,2}",
        "[\"a\" \"b\"]", "{\"a\" 1}", "[1,2,3,", "\"\\", "[123456789012345678901234", "[1e400", "[0.1e", "[1.5E+",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = NULL;
        int stt = parse_status(bad[i], &why);
        if (stt != IG_EPARSE)
            fail_msg("'%s': status %d, want IG_EPARSE", bad[i], stt);
        assert_non_null(why);
    }
    const char *why;
    assert_int_equal(parse_status("[NaN", &why), IG_EPARSE);
    /* Overflowing float32 is valid JSON but not a float32 tensor. */
    ig_scratch_reset(&S);
    const struct ig_json *v = parse_ok("[1, 3.5e38]");
    float f[2];
    size_t n;
    assert_int_equal(ig_json_f32_array(v, f, 2, &n, &why), IG_EPARSE);
    assert_string_equal(why, "number out of float32 range");
}

static void test_limits(void **st)
{
    (void)st;
    struct ig_json_limits saved = LIM;
    const char *why;
    LIM.max_depth = 3;
    assert_int_equal(parse_status("[[[1]]]", &why), IG_OK);
    assert_int_equal(parse_status("[[[[1]]]]", &why), IG_ELIMIT);
    assert_int_equal(parse_status("{\"a\":{\"b\":{\"c\":{}}}}", &why), IG_ELIMIT);
    assert_int_equal(parse_status("[[[[\"x\"]]]]", &why), IG_ELIMIT);
    LIM = saved;

    LIM.max_string = 4;
    assert_int_equal(parse_status("\"abcd\"", &why), IG_OK);
    assert_int_equal(parse_status("\"abcde\"", &why), IG_ELIMIT);
    assert_int_equal(parse_status("{\"abcde\": 1}", &why), IG_ELIMIT);
    LIM = saved;

    LIM.max_values = 3;
    assert_int_equal(parse_status("[1,2,3]", &why), IG_OK);
    assert_int_equal(parse_status("[1,2,3,4]", &why), IG_ELIMIT);
    assert_int_equal(parse_status("[[1,2],[3,4]]", &why), IG_ELIMIT);   /* 4 leaves */
    assert_int_equal(parse_status("[\"a\",\"b\",\"c\",\"d\"]", &why), IG_ELIMIT);
    assert_int_equal(parse_status("{\"a\":1,\"b\":1,\"c\":1,\"d\":1}", &why), IG_ELIMIT);
    LIM = saved;

    LIM.max_rows = 2;
    LIM.max_features = 3;
    assert_int_equal(parse_status("[[1,2,3],[4,5,6]]", &why), IG_OK);
    assert_int_equal(parse_status("[[1],[2],[3]]", &why), IG_ELIMIT);
    assert_string_equal(why, "tensor has more rows than adapters.max_rows");
    assert_int_equal(parse_status("[[1,2,3,4]]", &why), IG_ELIMIT);
    assert_int_equal(parse_status("[[[1,2],[3,4]]]", &why), IG_ELIMIT);   /* 1 x 4 */
    LIM = saved;

    /* Deep nesting far beyond the limit is refused quickly, without recursion blow-up. */
    size_t deep = 200000;
    char *d = malloc(deep * 2 + 1);
    memset(d, '[', deep);
    memset(d + deep, ']', deep);
    d[deep * 2] = 0;
    assert_int_equal(parse_status(d, &why), IG_ELIMIT);
    LIM.max_depth = 100000;   /* the parser's own hard cap still applies */
    assert_int_equal(parse_status(d, &why), IG_ELIMIT);
    memset(d, '{', deep);
    d[deep] = 0;
    assert_true(parse_status(d, &why) < 0);
    LIM = saved;
    free(d);

    /* Scratch exhaustion is IG_ENOMEM, not a crash. */
    struct ig_scratch tiny;
    assert_int_equal(ig_scratch_init(&tiny, 64, 256), IG_OK);
    const struct ig_json *root;
    const char *big = "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]";
    assert_int_equal(ig_json_parse((const uint8_t *)big, strlen(big), &LIM, &tiny, &root, &why),
                     IG_ENOMEM);
    ig_scratch_free(&tiny);
}

/* Where a string stops, at every offset of strings up to 70 bytes (the 16-byte SIMD step,
 * its tail and the 8-byte SWAR loop): a quote ends it, an escape is taken, a control byte
 * is an error, bytes 0x20, 0x7f and 0xff are plain. */
static void test_string_stops(void **st)
{
    (void)st;
    static const uint8_t plain[] = { ' ', 0x7f, 0xff, 'a' };
    char doc[160];
    for (size_t len = 0; len <= 70; len++) {
        for (size_t at = 0; at < len; at++) {
            for (int kind = 0; kind < 4; kind++) {
                size_t k = 0;
                doc[k++] = '"';
                for (size_t i = 0; i < len; i++)
                    doc[k++] = (char)(i == at ? (kind == 0 ? 0x01 : kind == 1 ? 0x1f : (char)plain[(at + len) % 4])
                                              : 'x');
                if (kind == 3) {   /* an escape at <at> instead */
                    doc[1 + at] = '\\';
                    doc[k++] = 'x';   /* so the escape does not take the closing quote */
                    doc[2 + at] = 'n';
                }
                doc[k++] = '"';
                ig_scratch_reset(&S);
                const struct ig_json *v;
                const char *why;
                int rc = ig_json_parse((const uint8_t *)doc, k, &LIM, &S, &v, &why);
                if (kind < 2) {
                    assert_int_equal(rc, IG_EPARSE);
                    continue;
                }
                assert_int_equal(rc, IG_OK);
                assert_int_equal(v->type, IG_JSON_STRING);
                assert_int_equal(v->raw.n, k - 2);
                assert_int_equal(!!(v->flags & IG_JSON_F_ESCAPED), kind == 3);
            }
            /* a quote at <at> ends the string early: what follows is trailing data */
            size_t k = 0;
            doc[k++] = '"';
            for (size_t i = 0; i < len; i++)
                doc[k++] = i == at ? '"' : 'x';
            doc[k++] = '"';
            ig_scratch_reset(&S);
            const struct ig_json *v;
            const char *why;
            assert_int_equal(ig_json_parse((const uint8_t *)doc, k, &LIM, &S, &v, &why), IG_EPARSE);
        }
    }
}

static void test_strings(void **st)
{
    (void)st;
    ig_scratch_reset(&S);
    const struct ig_json *v = parse_ok(
        "{\"plain\": \"hello\", \"esc\": \"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\","
        " \"lone\": \"x\\ud800y\", \"k\\u0065y\": 7, \"key\": 8, \"empty\": \"\"}");
    struct ig_span s;
    assert_int_equal(ig_json_str(ig_json_get(v, "plain"), &S, &s), IG_OK);
    assert_true(ig_span_eq_str(s, "hello", 5));
    assert_int_equal(ig_json_str(ig_json_get(v, "esc"), &S, &s), IG_OK);
    const char want[] = "a\"b\\c/d\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    assert_int_equal(s.n, sizeof want - 1);
    assert_memory_equal(s.p, want, sizeof want - 1);
    assert_true(ig_json_str_eq(ig_json_get(v, "esc"), want));
    assert_int_equal(ig_json_str(ig_json_get(v, "lone"), &S, &s), IG_OK);
    assert_true(ig_span_eq_str(s, "x\xef\xbf\xbdy", 5));
    /* Escaped key matches, and the last of duplicates wins (as Python's json does). */
    int64_t i;
    assert_int_equal(ig_json_i64(ig_json_get(v, "key"), &i), IG_OK);
    assert_int_equal(i, 8);
    assert_true(v->flags & IG_JSON_F_DUPKEYS);
    assert_int_equal(ig_json_str(ig_json_get(v, "empty"), &S, &s), IG_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(ig_json_str(ig_json_get(v, "key"), &S, &s), IG_EPARSE);
    char buf[8];
    assert_int_equal(ig_json_str_copy(ig_json_get(v, "esc"), buf, sizeof buf), (long)sizeof want - 1);
    assert_string_equal(buf, "a\"b\\c/d");
    assert_int_equal(ig_json_str_copy(ig_json_get(v, "key"), buf, sizeof buf), -1);
    assert_null(ig_json_get(v, "missing"));
    assert_null(ig_json_get(ig_json_get(v, "plain"), "x"));
    assert_null(ig_json_get(NULL, "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_numbers),
        cmocka_unit_test(test_random_bit_exact),
        cmocka_unit_test(test_tail_bit_exact),
        cmocka_unit_test(test_f64_and_ints),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_server_semantics),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_string_stops),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
