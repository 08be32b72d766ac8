/* Each SIMD kernel path against the scalar reference on random and edge inputs.
 * Distances: relative 1e-5 (FMA and the AVX-512 two-accumulator split round differently
 * from scalar's mul-then-add in feature order); argmin: exactly equal whenever the best
 * distance beats the runner-up by more than that tolerance. Quantise and bins: bit-exact. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inferguard/base.h>
#include "core/cpu.h"
#include "kernels/kernels.h"

static const uint32_t dims[] = { 1, 3, 15, 16, 17, 64, 784, 3072 };
static const uint32_t counts[] = { 0, 1, 7, 16, 17, 33, 250 };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static float frand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)((rng >> 40) * (1.0 / 16777216.0));
}

static int npaths;
static const struct ig_kern_ops *paths[4];

static int setup(void **state)
{
    (void)state;
    int levels[] = { IG_CPU_AVX2, IG_CPU_AVX512 };
    for (size_t i = 0; i < 2; i++) {
        const struct ig_kern_ops *o = ig_kern_for(levels[i]);
        if (o)
            paths[npaths++] = o;
        else
            fprintf(stderr, "kernel path level %d not available on this CPU: skipped\n", levels[i]);
    }
    return 0;
}

static bool close_rel(float a, float b, float tol)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    return fabsf(a - b) <= tol * fmaxf(1e-30f, fmaxf(fabsf(a), fabsf(b)));
}

/* Compares all paths with scalar on one set and one query. */
static void compare_set(const struct ig_vset *s, const float *x)
{
    const struct ig_kern_ops *ref = ig_kern_for(IG_CPU_SCALAR);
    float *want = malloc((s->count + 1) * sizeof(float)), *got = malloc((s->count + 1) * sizeof(float));
    ref->l2sq_all(s, x, want);
    int32_t ia, ib, la, lb;
    float ma = ref->l2sq_min(s, x, &ia);
    float na = ref->linf_min(s, x, &la);
    /* runner-up gap decides whether argmin must match exactly */
    float second = INFINITY;
    for (uint32_t i = 0; i < s->count; i++)
        if ((int32_t)i != ia && want[i] < second)
            second = want[i];
    bool unique = s->count > 0 && !(second - ma <= 1e-4f * fmaxf(ma, 1e-30f));
    for (int p = 0; p < npaths; p++) {
        const struct ig_kern_ops *o = paths[p];
        o->l2sq_all(s, x, got);
        for (uint32_t i = 0; i < s->count; i++)
            if (!close_rel(want[i], got[i], 1e-5f))
                fail_msg("%s l2sq_all d=%u n=%u i=%u: %g vs %g", o->name, s->dim, s->count, i,
                         (double)got[i], (double)want[i]);
        float mb = o->l2sq_min(s, x, &ib);
        assert_true(close_rel(ma, mb, 1e-5f));
        if (unique || s->count == 0)
            assert_int_equal(ia, ib);
        float nb = o->linf_min(s, x, &lb);
        assert_true(nb == na);     /* max of exact |a-b| is exact on every path */
        assert_int_equal(la, lb);
    }
    free(want);
    free(got);
}

static void test_random_sets(void **state)
{
    (void)state;
    for (size_t di = 0; di < IG_ARRAY_LEN(dims); di++) {
        for (size_t ci = 0; ci < IG_ARRAY_LEN(counts); ci++) {
            uint32_t d = dims[di], n = counts[ci];
            struct ig_vset s;
            assert_int_equal(ig_vset_init(&s, d, n), IG_OK);
            float *v = malloc(d * sizeof(float)), *back = malloc(d * sizeof(float));
            for (uint32_t i = 0; i < n; i++) {
                for (uint32_t f = 0; f < d; f++)
                    v[f] = frand() * 4.0f - 2.0f;
                assert_int_equal(ig_vset_append(&s, v), IG_OK);
                ig_vset_get(&s, i, back);
                assert_memory_equal(v, back, d * sizeof(float));
            }
            for (int q = 0; q < 4; q++) {
                for (uint32_t f = 0; f < d; f++)
                    v[f] = frand() * 4.0f - 2.0f;
                compare_set(&s, v);
            }
            /* a stored vector finds itself at distance 0 */
            if (n > 0) {
                ig_vset_get(&s, n / 2, v);
                int32_t at;
                for (int p = 0; p < npaths; p++) {
                    assert_true(paths[p]->l2sq_min(&s, v, &at) == 0.0f);
                    assert_true(at >= 0 && at <= (int32_t)(n / 2));
                }
                assert_true(ig_kern_for(IG_CPU_SCALAR)->l2sq_min(&s, v, &at) == 0.0f);
            }
            free(v);
            free(back);
            ig_vset_free(&s);
        }
    }
}

/* bfloat16 storage: every path against scalar, and stored values are the rounded ones. */
static void test_bf16_sets(void **state)
{
    (void)state;
    for (size_t di = 0; di < IG_ARRAY_LEN(dims); di++) {
        uint32_t d = dims[di], n = 77;
        struct ig_vset s;
        assert_int_equal(ig_vset_init_ex(&s, d, n, IG_VSET_BF16), IG_OK);
        float *v = malloc(d * sizeof(float)), *back = malloc(d * sizeof(float));
        for (uint32_t i = 0; i < n; i++) {
            for (uint32_t f = 0; f < d; f++)
                v[f] = frand() * 4.0f - 2.0f;
            assert_int_equal(ig_vset_append(&s, v), IG_OK);
            ig_vset_get(&s, i, back);
            for (uint32_t f = 0; f < d; f++) {
                assert_true(back[f] == ig_bf16_to_f32(ig_bf16_from_f32(v[f])));
                assert_true(fabsf(back[f] - v[f]) <= fabsf(v[f]) * (1.0f / 256));
            }
        }
        for (int q = 0; q < 4; q++) {
            for (uint32_t f = 0; f < d; f++)
                v[f] = frand() * 4.0f - 2.0f;
            compare_set(&s, v);
        }
        free(v);
        free(back);
        ig_vset_free(&s);
    }
    /* rounding: to nearest, ties to even; NaN stays NaN; inf stays inf */
    assert_int_equal(ig_bf16_from_f32(1.0f), 0x3f80);
    assert_int_equal(ig_bf16_from_f32(1.00390625f), 0x3f80);   /* 1 + 2^-8: tie, to even */
    assert_int_equal(ig_bf16_from_f32(1.01171875f), 0x3f82);   /* 1 + 3*2^-8: tie, to even */
    assert_int_equal(ig_bf16_from_f32(1.005f), 0x3f81);
    assert_true(isnan(ig_bf16_to_f32(ig_bf16_from_f32(NAN))));
    assert_true(isinf(ig_bf16_to_f32(ig_bf16_from_f32(INFINITY))));
}

static void test_ties_lowest_index(void **state)
{
    (void)state;
    struct ig_vset s;
    assert_int_equal(ig_vset_init(&s, 17, 64), IG_OK);
    float v[17] = { 0 }, far[17];
    for (int f = 0; f < 17; f++)
        far[f] = 5.0f;
    for (int i = 0; i < 40; i++)
        assert_int_equal(ig_vset_append(&s, (i % 3 == 2) ? v : far), IG_OK);
    int32_t at;
    const struct ig_kern_ops *ref = ig_kern_for(IG_CPU_SCALAR);
    assert_true(ref->l2sq_min(&s, v, &at) == 0.0f);
    assert_int_equal(at, 2);
    for (int p = 0; p < npaths; p++) {
        assert_true(paths[p]->l2sq_min(&s, v, &at) == 0.0f);
        assert_int_equal(at, 2);
        assert_true(paths[p]->linf_min(&s, v, &at) == 0.0f);
        assert_int_equal(at, 2);
    }
    ig_vset_free(&s);
}

static void test_nan_inf(void **state)
{
    (void)state;
    struct ig_vset s;
    assert_int_equal(ig_vset_init(&s, 3, 40), IG_OK);
    float a[3] = { 1, 2, 3 }, bad[3] = { NAN, 0, 0 }, inf[3] = { INFINITY, 0, 0 };
    for (int i = 0; i < 20; i++)
        assert_int_equal(ig_vset_append(&s, i == 7 ? bad : (i == 9 ? inf : a)), IG_OK);
    const struct ig_kern_ops *all[5] = { ig_kern_for(IG_CPU_SCALAR) };
    int n = 1;
    for (int p = 0; p < npaths; p++)
        all[n++] = paths[p];
    for (int p = 0; p < n; p++) {
        int32_t at;
        float q[3] = { 1, 2, 3.5f };
        /* NaN stored vector never wins, inf one neither */
        assert_true(all[p]->l2sq_min(&s, q, &at) == 0.25f);
        assert_int_equal(at, 0);
        assert_true(all[p]->linf_min(&s, q, &at) == 0.5f);
        assert_int_equal(at, 0);
        /* NaN query: no finite distance, documented +inf and -1 */
        float m = all[p]->l2sq_min(&s, bad, &at);
        assert_true(isinf(m) && at == -1);
        m = all[p]->linf_min(&s, bad, &at);
        assert_true(isinf(m) && at == -1);
        /* inf query: distances are inf (or NaN against the inf vector): first inf wins */
        m = all[p]->l2sq_min(&s, inf, &at);
        if (!(isinf(m) && at == 0))
            fail_msg("%s inf query: %g at %d", all[p]->name, (double)m, at);
    }
    assert_false(ig_kern_finite(bad, 3));
    assert_false(ig_kern_finite(inf, 3));
    assert_true(ig_kern_finite(a, 3));
    ig_vset_free(&s);
}

static void test_quantise_bitexact(void **state)
{
    (void)state;
    const struct ig_kern_ops *ref = ig_kern_for(IG_CPU_SCALAR);
    size_t n = 3072 + 13;
    float *x = malloc(n * sizeof(float)), *salt = malloc(n * sizeof(float));
    int16_t *want = malloc(n * 2), *got = malloc(n * 2);
    for (size_t i = 0; i < n; i++) {
        x[i] = frand();
        salt[i] = floorf(frand() * 255.0f) + (i % 2 ? 0.5f : 0.0f);
    }
    x[0] = NAN; x[1] = -INFINITY; x[2] = INFINITY; x[3] = -0.0f; x[4] = 1.0f; x[5] = 2.0f;
    x[6] = -3.0f; x[7] = 0.0f;
    const float steps[] = { 1, 10, 50 };
    for (size_t k = 0; k < 3; k++) {
        ref->quantise(x, salt, n, steps[k], want);
        for (size_t i = 0; i < n; i++) {
            assert_true(want[i] >= 0 && want[i] <= 255 + steps[k]);
            assert_true((int)want[i] % (int)steps[k] == 0);
        }
        for (int p = 0; p < npaths; p++) {
            for (size_t len = n; len + 30 > n; len -= 7) {
                memset(got, 0x55, n * 2);
                paths[p]->quantise(x, salt, len, steps[k], got);
                assert_memory_equal(want, got, len * 2);
            }
        }
    }
    /* the documented definition on hand values: 0.5*255 + 200 = 327.5 - 255 = 72.5 -> 50 */
    float hx = 0.5f, hs = 200.0f;
    int16_t hq;
    ref->quantise(&hx, &hs, 1, 50.0f, &hq);
    assert_int_equal(hq, 50);
    free(x); free(salt); free(want); free(got);
}

static void test_bins_bitexact(void **state)
{
    (void)state;
    const struct ig_kern_ops *ref = ig_kern_for(IG_CPU_SCALAR);
    size_t n = 1000 + 5;
    float *x = malloc(n * sizeof(float));
    uint32_t *want = malloc(n * 4), *got = malloc(n * 4);
    for (size_t i = 0; i < n; i++)
        x[i] = frand() * 14.0f - 2.0f;
    x[0] = NAN; x[1] = -INFINITY; x[2] = INFINITY; x[3] = 0.0f; x[4] = 10.0f; x[5] = 9.9999f;
    ref->bin_index(x, n, 0.0f, 1.0f, 10, want);
    assert_int_equal(want[0], 10);
    assert_int_equal(want[1], 0);
    assert_int_equal(want[2], 9);
    assert_int_equal(want[3], 0);
    assert_int_equal(want[4], 9);
    assert_int_equal(want[5], 9);
    for (int p = 0; p < npaths; p++) {
        paths[p]->bin_index(x, n, 0.0f, 1.0f, 10, got);
        assert_memory_equal(want, got, n * 4);
    }
    uint64_t c[11] = { 0 };
    ig_kern_histogram(x, n, 0.0f, 10.0f, 10, got, c);
    uint64_t tot = 0;
    for (int i = 0; i < 11; i++)
        tot += c[i];
    assert_int_equal(tot, n);
    assert_int_equal(c[10], 1);
    free(x); free(want); free(got);
}

static void test_dispatch(void **state)
{
    (void)state;
    const struct ig_kern_ops *k = ig_kern();
    assert_non_null(k);
    assert_ptr_equal(k, ig_kern());
    fprintf(stderr, "dispatch: %s (cpu level %s)\n", k->name, ig_cpu_level_name(ig_cpu_level()));
    assert_ptr_equal(k, ig_kern_for(ig_cpu_level() == IG_CPU_SSE42 ? IG_CPU_SCALAR : ig_cpu_level()));
}

static void test_vset_grow(void **state)
{
    (void)state;
    struct ig_vset s;
    assert_int_equal(ig_vset_init(&s, 5, 16), IG_OK);
    float v[5];
    for (int i = 0; i < 16; i++) {
        for (int f = 0; f < 5; f++)
            v[f] = (float)(i * 10 + f);
        assert_int_equal(ig_vset_append(&s, v), IG_OK);
    }
    assert_int_equal(ig_vset_append(&s, v), IG_ELIMIT);
    assert_int_equal(ig_vset_reserve(&s, 40), IG_OK);
    assert_int_equal(s.cap, 48);
    assert_int_equal(ig_vset_append(&s, v), IG_OK);
    ig_vset_get(&s, 3, v);
    assert_true(v[0] == 30.0f && v[4] == 34.0f);
    /* overwrite in place (recent-query rings) */
    float w[5] = { -1, -2, -3, -4, -5 };
    ig_vset_put(&s, 3, w);
    ig_vset_get(&s, 3, v);
    assert_memory_equal(v, w, sizeof(w));
    int32_t at;
    assert_true(ig_kern()->l2sq_min(&s, w, &at) == 0.0f && at == 3);
    ig_vset_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_sets),
        cmocka_unit_test(test_bf16_sets),
        cmocka_unit_test(test_ties_lowest_index),
        cmocka_unit_test(test_nan_inf),
        cmocka_unit_test(test_quantise_bitexact),
        cmocka_unit_test(test_bins_bitexact),
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_vset_grow),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
