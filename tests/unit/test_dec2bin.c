/* Exact decimal -> binary conversion (sidecar/adapters/dec2bin.h) and the JSON number paths
 * that use it: float32 bit-identical to strtof and float64 to strtod over every exponent of
 * the powers-of-five table, on exact halfway cases and their neighbours, and on 10^7 seeded
 * random 17-significant-digit decimals (Python's repr of a double, what json.dumps writes),
 * decoded as JSON arrays. Also: the table holds 5^q to 128 bits, and the conversion decides
 * almost every such number itself (the reason it exists: strtof costs 3-4 % of all CPU). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/dec2bin.h"
#include "adapters/json.h"
#include "adapters/json_lex.h"

static struct ig_scratch S;
static struct ig_json_limits LIM;

static int setup(void **st)
{
    (void)st;
    ig_json_limits_from_config(&LIM, NULL);
    LIM.max_values = 1u << 20;
    return ig_scratch_init(&S, 1 << 20, (size_t)1 << 31);
}
static int teardown(void **st)
{
    (void)st;
    ig_scratch_free(&S);
    return 0;
}

static uint64_t rng = 0x243f6a8885a308d3ull;   /* fixed seed: the same numbers every run */
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t f64_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

/* One number as the JSON getters decode it: float32 by ig_json_parse_f32, float64 by
 * ig_json_f64 on the parsed text; both against glibc. */
static void check_one(const char *txt)
{
    float f = ig_json_parse_f32(txt, strlen(txt)), wf = strtof(txt, NULL);
    if (f32_bits(f) != f32_bits(wf))
        fail_msg("f32 '%s': got %a want %a", txt, (double)f, (double)wf);
    ig_scratch_reset(&S);
    const struct ig_json *v;
    const char *why;
    assert_int_equal(ig_json_parse((const uint8_t *)txt, strlen(txt), &LIM, &S, &v, &why), IG_OK);
    double d = 0, wd = strtod(txt, NULL);
    int rc = ig_json_f64(v, &d);
    if (isinf(wd)) {
        assert_int_equal(rc, IG_EPARSE);
        return;
    }
    assert_int_equal(rc, IG_OK);
    if (f64_bits(d) != f64_bits(wd))
        fail_msg("f64 '%s': got %a want %a", txt, d, wd);
}

/* The table is floor(5^q * 2^s) with its top bit set: exact below 2^128 (q <= 55), and
 * every entry five times the one before, renormalised, up to the truncation. */
static void test_table(void **st)
{
    (void)st;
    uint64_t p = 1;
    for (int q = 0; q <= 27; q++, p *= 5) {   /* 5^27 < 2^64 */
        const struct ig_pow5 *t = &ig_pow5_table[q - IG_POW5_QMIN];
        int lz = __builtin_clzll(p);
        assert_int_equal(t->s, 64 + lz);
        assert_true(t->hi == p << lz && t->lo == 0);
    }
    for (int q = IG_POW5_QMIN; q < IG_POW5_QMAX; q++) {
        const struct ig_pow5 *a = &ig_pow5_table[q - IG_POW5_QMIN], *b = a + 1;
        assert_true(a->hi >> 63);
        /* 5 T_q = 5^(q+1) 2^s_q - 5 theta, theta in [0, 1): shifted right by 2 or 3 it is
         * T_(q+1) or just below it */
        ig_u128 t = (ig_u128)a->hi << 64 | a->lo;
        int shift = a->s - b->s;
        assert_true(shift == 2 || shift == 3);
        /* 5 T < 2^131: split to stay in 128 bits */
        ig_u128 five = (t >> shift) * 5 + (((t & (((ig_u128)1 << shift) - 1)) * 5) >> shift);
        ig_u128 want = (ig_u128)b->hi << 64 | b->lo;
        assert_true(five <= want && want - five <= 8);
    }
}

/* Every decimal exponent the table covers and beyond it, with mantissas of 1 to 19 digits. */
static void test_every_exponent(void **st)
{
    (void)st;
    static const uint64_t fixed[] = {
        1, 9, 5, 25, 1000000000000000000ull, 9999999999999999999ull, 12345678901234567ull,
        99999999999999999ull, 10000000000000001ull, 9007199254740993ull, 9223372036854775808ull,
        4294967295ull, 16777217ull, 3402823466385288598ull, 1175494350822287508ull,
        2225073858507201136ull, 4940656458412465442ull, 1797693134862315708ull,
    };
    char txt[64];
    for (int q = IG_POW5_QMIN - 30; q <= IG_POW5_QMAX + 30; q++) {
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
            snprintf(txt, sizeof txt, "%llue%d", (unsigned long long)fixed[i], q);
            check_one(txt);
        }
        for (int i = 0; i < 24; i++) {
            int digits = 17 + (int)(next_rand() % 3);   /* 17..19 */
            uint64_t lo = 1;
            for (int k = 1; k < digits; k++)
                lo *= 10;
            uint64_t m = lo + next_rand() % (digits == 19 ? 9000000000000000000ull : 9 * lo);
            snprintf(txt, sizeof txt, "%s%llue%d", i & 1 ? "-" : "", (unsigned long long)m, q);
            check_one(txt);
        }
    }
}

/* Exact ties between two floats (round to even) and the integers either side, in every
 * binade where a tie has at most 19 digits (integers up to 10^19), as integers and with
 * the decimal point moved into an exponent. */
static void test_halfway(void **st)
{
    (void)st;
    char txt[64];
    for (int r = 0; r < 50000; r++) {
        uint64_t mid;
        if (r & 1) {   /* float32: f in [2^24, 2^63), ulp >= 2 */
            int e = 24 + (int)(next_rand() % 39);
            uint64_t mant = (1ull << 23) | (next_rand() & ((1ull << 23) - 1));
            mid = (mant << (e - 23)) + (1ull << (e - 24));
        } else {       /* float64: d in [2^53, 2^63), ulp >= 2 */
            int e = 53 + (int)(next_rand() % 10);
            uint64_t mant = (1ull << 52) | (next_rand() & ((1ull << 52) - 1));
            mid = (mant << (e - 52)) + (1ull << (e - 53));
        }
        for (int d = -1; d <= 1; d++) {
            unsigned long long v = mid + (uint64_t)(int64_t)d;
            char digits[24];
            snprintf(digits, sizeof digits, "%llu", v);
            check_one(digits);
            int len = (int)strlen(digits), k = 1 + (int)(next_rand() % 5);
            snprintf(txt, sizeof txt, "%.*s.%se%d", len - k, digits, digits + len - k, k);
            check_one(txt);
            if (len < 19) {   /* one more digit, and a smaller exponent: another table entry */
                snprintf(txt, sizeof txt, "%llu0e-1", v);
                check_one(txt);
            }
        }
    }
}

/* A 17-significant-digit decimal, the way Python writes doubles, of one of four kinds. */
static int python_double(char *b, size_t cap)
{
    uint64_t r = next_rand();
    switch (r % 4) {
    case 0: {   /* any finite double: every decimal exponent */
        double d;
        uint64_t u = next_rand();
        memcpy(&d, &u, 8);
        if (!isfinite(d))
            d = 0.1;
        return snprintf(b, cap, "%.17g", d);
    }
    case 1: {   /* a float32 handed to json.dumps as a double (numpy tensors .tolist()) */
        float f;
        uint32_t u = (uint32_t)(r >> 32);
        memcpy(&f, &u, 4);
        if (!isfinite(f))
            f = 0.1f;
        return snprintf(b, cap, r & 4 ? "%.17g" : "%.16g", (double)f);
    }
    case 2: {   /* model features and probabilities: |x| < 3 over 0..7 decades */
        double x = ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 6 * pow(10, -(double)(next_rand() % 8));
        if (next_rand() & 1)
            x = (double)(float)x;
        return snprintf(b, cap, "%.17g", x);
    }
    default: {  /* a random 17-digit decimal (not derived from a binary value) */
        unsigned long long m = 10000000000000000ull + next_rand() % 90000000000000000ull;
        int e = (int)(next_rand() % 100) - 60;
        return snprintf(b, cap, "%s%llu.%llue%d", r & 8 ? "-" : "", m / 10000000000000000ull,
                        m % 10000000000000000ull, e);
    }
    }
}

/* 10^6 such decimals in arrays of 10^5 (10^7 took 3 minutes under ASan; fuzz_json goes on):
 * float32 by the array decoder (its padded lexer takes fractions of up to 24 digits), float64
 * by ig_json_f64_array; each against strtof / strtod.
 * Of those whose result is a normal number away from the range's edges, dec2bin decides all
 * but the exact ties itself (those go to strtof_l / strtod_l and are compared here too). */
static void test_python_doubles(void **st)
{
    (void)st;
    enum { PER = 100000, ROUNDS = 10 };
    char *doc = malloc((size_t)PER * 32 + 16);
    char (*txt)[32] = malloc((size_t)PER * 32);
    float *f = malloc(PER * sizeof *f);
    double *d = malloc(PER * sizeof *d);
    assert_true(doc && txt && f && d);
    uint64_t total = 0, normal32 = 0, undecided32 = 0, normal64 = 0, undecided64 = 0;
    for (int r = 0; r < ROUNDS; r++) {
        size_t k = 0;
        doc[k++] = '[';
        for (int i = 0; i < PER; i++) {
            int n = python_double(txt[i], sizeof txt[i]);
            if (i) {
                doc[k++] = ',';
                doc[k++] = ' ';
            }
            memcpy(doc + k, txt[i], (size_t)n);
            k += (size_t)n;
        }
        doc[k++] = ']';
        ig_scratch_reset(&S);
        const struct ig_json *root;
        const char *why;
        assert_int_equal(ig_json_parse((uint8_t *)doc, k, &LIM, &S, &root, &why), IG_OK);
        size_t n;
        bool inf32 = false, inf64 = false;
        int rc32 = ig_json_f32_array(root, f, PER, &n, &why);
        assert_int_equal(n, PER);
        int rc64 = ig_json_f64_array(root, d, PER, &n, &why);
        assert_int_equal(n, PER);
        for (int i = 0; i < PER; i++) {
            float wf = strtof(txt[i], NULL);
            double wd = strtod(txt[i], NULL);
            inf32 |= isinf(wf) != 0;
            inf64 |= isinf(wd) != 0;
            if (!isinf(wf) && f32_bits(f[i]) != f32_bits(wf))
                fail_msg("f32 '%s': got %a want %a", txt[i], (double)f[i], (double)wf);
            if (!isinf(wd) && f64_bits(d[i]) != f64_bits(wd))
                fail_msg("f64 '%s': got %a want %a", txt[i], d[i], wd);
            struct ig_json_num num = { 0 };
            assert_non_null(ig_json_lex((const uint8_t *)txt[i], (const uint8_t *)txt[i] + strlen(txt[i]), &num));
            uint64_t bits;
            uint32_t e32 = f32_bits(wf) >> 23 & 0xff;
            if (e32 >= 2 && e32 <= 253) {
                normal32++;
                if (!ig_dec2bin(num.m, num.e, 23, 127, &bits))
                    undecided32++;
                else if ((uint32_t)bits != (f32_bits(wf) & 0x7fffffffu))
                    fail_msg("dec2bin f32 '%s': %#x want %#x", txt[i], (unsigned)bits, f32_bits(wf));
            }
            uint64_t e64 = f64_bits(wd) >> 52 & 0x7ff;
            if (e64 >= 2 && e64 <= 2045) {
                normal64++;
                if (!ig_dec2bin(num.m, num.e, 52, 1023, &bits))
                    undecided64++;
                else if (bits != (f64_bits(wd) & 0x7fffffffffffffffull))
                    fail_msg("dec2bin f64 '%s': %#llx want %#llx", txt[i], (unsigned long long)bits,
                             (unsigned long long)f64_bits(wd));
            }
            total++;
        }
        assert_int_equal(rc32, inf32 ? IG_EPARSE : IG_OK);
        assert_int_equal(rc64, inf64 ? IG_EPARSE : IG_OK);
    }
    print_message("%llu decimals; undecided: float32 %llu of %llu normal, float64 %llu of %llu\n",
                  (unsigned long long)total, (unsigned long long)undecided32,
                  (unsigned long long)normal32, (unsigned long long)undecided64,
                  (unsigned long long)normal64);
    assert_true(total == (uint64_t)PER * ROUNDS);
    assert_true(normal32 > total / 2 && normal64 > total / 2);
    /* undecided are ties (1228 of 10^7 float64 at this seed, random decimals like
     * "9.1239128469723370e15" between 2^52 and 2^54); float32 has none here */
    assert_true(undecided32 * 1000 < normal32 && undecided64 * 1000 < normal64);
    free(doc);
    free(txt);
    free(f);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_exponent),
        cmocka_unit_test(test_halfway),
        cmocka_unit_test(test_python_doubles),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
