/* Shortest float32 formatting (core/fmt_float.c): its scale table and exponent estimates are
 * exact (checked here with big-integer arithmetic), every output reads back to the same bits,
 * and it has the digits of the smallest "%.6g".."%.9g" that reads back (the writer's former
 * form), except where that form was not the shortest (subnormals, some powers of two). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fmt_float.h"

/* Just enough unsigned big-integer arithmetic: 32-bit limbs, little-endian. */
#define LIMBS 24
struct big { uint32_t l[LIMBS]; };

static void big_set(struct big *b, uint64_t v)
{
    memset(b, 0, sizeof *b);
    b->l[0] = (uint32_t)v;
    b->l[1] = (uint32_t)(v >> 32);
}

static void big_mul_small(struct big *b, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        uint64_t x = (uint64_t)b->l[i] * m + carry;
        b->l[i] = (uint32_t)x;
        carry = x >> 32;
    }
    assert_true(carry == 0);
}

static void big_shl(struct big *b, int n)
{
    while (n-- > 0)
        big_mul_small(b, 2);
}

static void big_pow10(struct big *b, int n)
{
    while (n-- > 0)
        big_mul_small(b, 10);
}

static int big_cmp(const struct big *a, const struct big *b)
{
    for (int i = LIMBS - 1; i >= 0; i--)
        if (a->l[i] != b->l[i])
            return a->l[i] < b->l[i] ? -1 : 1;
    return 0;
}

/* Compares m1 * 10^e10 * 2^e2 with m2 (exponents of either sign; both sides scaled up). */
static int cmp_scaled(uint64_t m1, int e10, int e2, uint64_t m2)
{
    struct big a, b;
    big_set(&a, m1);
    big_set(&b, m2);
    if (e10 >= 0) big_pow10(&a, e10); else big_pow10(&b, -e10);
    if (e2 >= 0) big_shl(&a, e2); else big_shl(&b, -e2);
    return big_cmp(&a, &b);
}

static void test_exponent_estimates_are_exact(void **state)
{
    (void)state;
    for (int q = -149; q <= 104; q++) {
        int k = ig_flog10pow2(q);          /* 10^k <= 2^q < 10^(k+1) */
        assert_true(cmp_scaled(1, k, -q, 1) <= 0);
        assert_true(cmp_scaled(1, k + 1, -q, 1) > 0);
        k = ig_flog10tqpow2(q);            /* 10^k <= 3 * 2^(q-2) < 10^(k+1) */
        assert_true(cmp_scaled(1, k, 2 - q, 3) <= 0);
        assert_true(cmp_scaled(1, k + 1, 2 - q, 3) > 0);
    }
    for (int e = -50; e <= 50; e++) {
        int f = ig_flog2pow10(e);          /* 2^f <= 10^e < 2^(f+1) */
        assert_true(cmp_scaled(1, -e, f, 1) <= 0);
        assert_true(cmp_scaled(1, -e, f + 1, 1) > 0);
    }
}

static void test_scale_table_is_exact(void **state)
{
    (void)state;
    for (int k = -45; k <= 31; k++) {
        /* g - 1 = floor(10^-k * 2^(63 - e)): (g-1) * 10^k * 2^(e-63) <= 1 < g * 10^k * 2^(e-63) */
        int e = ig_flog2pow10(-k);
        uint64_t g = ig_fmt_f32_g(k);
        assert_true(g > (1ull << 63));
        assert_true(cmp_scaled(g - 1, k, e - 63, 1) <= 0);
        assert_true(cmp_scaled(g, k, e - 63, 1) > 0);
    }
}

static int ndigits(const char *s)
{
    int n = 0;
    bool lead = true;
    for (; *s && *s != 'e'; s++) {
        if (*s < '0' || *s > '9') continue;
        if (lead && *s == '0') continue;
        lead = false;
        n++;
    }
    /* trailing zeros of an integer form are not significant */
    return n;
}

static bool is_pow2_or_subnormal(float v)
{
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return ((b >> 23) & 0xff) == 0 || (b & 0x7fffff) == 0;
}

static unsigned checked, shorter;

static void check_one(uint32_t bits)
{
    float v;
    memcpy(&v, &bits, sizeof v);
    if (!isfinite(v))
        return;
    char got[IG_FMT_F32_MAX + 1], old[32];
    size_t n = ig_fmt_f32(got, v);
    assert_true(n < IG_FMT_F32_MAX);
    got[n] = 0;
    float back = strtof(got, NULL);
    uint32_t bb;
    memcpy(&bb, &back, sizeof bb);
    if (bb != bits)
        fail_msg("%08x printed as %s reads back as %08x", bits, got, bb);
    for (int p = 6; p <= 9; p++) {
        snprintf(old, sizeof old, "%.*g", p, (double)v);
        if (strtof(old, NULL) == v)
            break;
    }
    if (strcmp(got, old) != 0) {
        /* only where the former form was longer than needed */
        if (!is_pow2_or_subnormal(v) || ndigits(got) >= ndigits(old))
            fail_msg("%08x: %s, former form %s", bits, got, old);
        shorter++;
    }
    checked++;
}

static void test_round_trips_and_matches_printf_form(void **state)
{
    (void)state;
    uint32_t x = 0x9e3779b9u;
    for (uint32_t sign = 0; sign < 2; sign++)
        for (uint32_t be = 0; be < 255; be++) {
            uint32_t base = sign << 31 | be << 23;
            check_one(base);
            check_one(base | 1);
            check_one(base | 0x7fffff);
            check_one(base | 0x400000);
            for (int i = 0; i < 200; i++) {
                x ^= x << 13; x ^= x >> 17; x ^= x << 5;
                check_one(base | (x & 0x7fffff));
            }
        }
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        check_one(x);
    }
    /* values events carry: small decimals, integers, probabilities */
    for (int i = -2000; i <= 2000; i++) {
        float v = (float)i / 1000.0f;
        uint32_t b;
        memcpy(&b, &v, sizeof b);
        check_one(b);
    }
    assert_true(checked > 400000);
    print_message("checked %u floats, %u shorter than the former form\n", checked, shorter);
}

static void test_layout_is_printf_g(void **state)
{
    (void)state;
    const struct { float v; const char *want; } cases[] = {
        { 0.0f, "0" }, { -0.0f, "-0" }, { 1.0f, "1" }, { 0.1f, "0.1" }, { -2.5f, "-2.5" },
        { 100000.0f, "100000" }, { 1000000.0f, "1e+06" }, { 16777216.0f, "16777216" },
        { 123456792.0f, "1.2345679e+08" }, { 0.0001f, "0.0001" }, { 0.00001f, "1e-05" },
        { 3.4028235e38f, "3.4028235e+38" }, { 1.17549435e-38f, "1.1754944e-38" },
        { 1e-45f, "1e-45" }, { 0.33333334f, "0.33333334" }, { 1234567.5f, "1234567.5" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char b[IG_FMT_F32_MAX + 1];
        size_t n = ig_fmt_f32(b, cases[i].v);
        b[n] = 0;
        assert_string_equal(b, cases[i].want);
    }
}

/* Whole numbers take a shortcut (fmt_float.c): every one up to 2^17 and either side of the
 * edges where it stops (10^6, and 2^24 where floats stop holding every integer), a sample
 * between, both signs: the same text as the interval search, i.e. the former form. */
static void test_whole_numbers(void **state)
{
    (void)state;
    checked = 0;
    uint32_t x = 0x2545f491u;
    for (int sign = 0; sign < 2; sign++) {
        for (uint32_t i = 1; i <= 131072; i++) {
            float v = sign ? -(float)i : (float)i;
            uint32_t b;
            memcpy(&b, &v, sizeof b);
            check_one(b);
        }
        const float edges[] = { 999999.0f, 999999.5f, 1000000.0f, 1000001.0f, 16777215.0f,
                                16777216.0f, 16777218.0f, 0.5f, 1.5f, 1e-45f };
        for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
            float v = sign ? -edges[i] : edges[i];
            uint32_t b;
            memcpy(&b, &v, sizeof b);
            check_one(b);
        }
        for (int i = 0; i < 20000; i++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            float v = (float)(x % 2000000u);
            if (sign)
                v = -v;
            uint32_t b;
            memcpy(&b, &v, sizeof b);
            check_one(b);
        }
    }
    char b[IG_FMT_F32_MAX + 1];
    b[ig_fmt_f32(b, 255.0f)] = 0;
    assert_string_equal(b, "255");
    b[ig_fmt_f32(b, -100000.0f)] = 0;
    assert_string_equal(b, "-100000");
    b[ig_fmt_f32(b, 999999.0f)] = 0;
    assert_string_equal(b, "999999");
    b[ig_fmt_f32(b, 1000000.0f)] = 0;
    assert_string_equal(b, "1e+06");
}

/* A row as the event writer writes it: the values' texts joined by ',', non-finite ones as
 * null, inside the room the header promises (the bytes past it untouched). */
static void test_list(void **state)
{
    (void)state;
    const float v[] = { 0.0f, -0.0f, 3.0f, 0.25f, -1.5e-7f, NAN, INFINITY, -INFINITY,
                        3.4028235e38f, 1e-45f, 255.0f, 0.33333334f };
    enum { N = sizeof v / sizeof v[0] };
    char out[N * (IG_FMT_F32_MAX + 1) + 8];
    memset(out, 'x', sizeof out);
    size_t n = ig_fmt_f32_list(out, v, N);
    assert_true(n <= N * (IG_FMT_F32_MAX + 1));
    for (size_t i = N * (IG_FMT_F32_MAX + 1); i < sizeof out; i++)
        assert_int_equal(out[i], 'x');
    out[n] = 0;
    assert_string_equal(out, "0,-0,3,0.25,-1.5e-07,null,null,null,3.4028235e+38,1e-45,255,0.33333334");
    assert_int_equal(ig_fmt_f32_list(out, v, 0), 0);
    n = ig_fmt_f32_list(out, v + 2, 1);
    out[n] = 0;
    assert_string_equal(out, "3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exponent_estimates_are_exact),
        cmocka_unit_test(test_scale_table_is_exact),
        cmocka_unit_test(test_layout_is_printf_g),
        cmocka_unit_test(test_round_trips_and_matches_printf_form),
        cmocka_unit_test(test_whole_numbers),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
