/* Each SIMD kernel path against the scalar reference on random and edge inputs.
 * Squared-L2 distances, minima and argmins: bit-exact on every path and equal to kernels.h's
 * definition (even and odd features in two fused sums, added at the end), so that what
 * detectors decide from them does not depend on the CPU. Quantise and bins: bit-exact. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inferguard/base.h>
#include <inferguard/cpu.h>
#include "kernels/kernels.h"
#include "kernels/vidx.h"
#include "rng.h"

static const uint32_t dims[] = { 1, 3, 15, 16, 17, 64, 784, 3072 };
static const uint32_t counts[] = { 0, 1, 7, 16, 17, 33, 250 };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static float frand(void) { return ig_rng_xs_float(&rng); }

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

static bool same_float(float a, float b)
{
    return memcmp(&a, &b, sizeof(a)) == 0;
}

/* kernels.h's squared L2, written out: even and odd features in two fused sums. */
static float l2sq_def(const float *x, const float *y, uint32_t dim)
{
    float a[2] = { 0.0f, 0.0f };
    for (uint32_t f = 0; f < dim; f++) {
        float t = x[f] - y[f];
        a[f & 1] = fmaf(t, t, a[f & 1]);
    }
    return a[0] + a[1];
}

/* Compares all paths with scalar and with the definition on one set and one query: the
 * same bits everywhere. */
static void compare_set(const struct ig_vset *s, const float *x)
{
    const struct ig_kern_ops *ref = ig_kern_for(IG_CPU_SCALAR);
    float *want = malloc((s->count + 1) * sizeof(float)), *got = malloc((s->count + 1) * sizeof(float));
    float *y = malloc(s->dim * sizeof(float));
    ref->l2sq_all(s, x, want);
    for (uint32_t i = 0; i < s->count; i++) {
        ig_vset_get(s, i, y);
        float d = l2sq_def(x, y, s->dim);
        if (!same_float(want[i], d))
            fail_msg("scalar l2sq_all d=%u n=%u i=%u: %a, definition %a", s->dim, s->count, i,
                     (double)want[i], (double)d);
    }
    int32_t ia, ib, la, lb;
    float ma = ref->l2sq_min(s, x, &ia);
    float na = ref->linf_min(s, x, &la);
    for (int p = 0; p < npaths; p++) {
        const struct ig_kern_ops *o = paths[p];
        o->l2sq_all(s, x, got);
        for (uint32_t i = 0; i < s->count; i++)
            if (!same_float(want[i], got[i]))
                fail_msg("%s l2sq_all d=%u n=%u i=%u: %a vs scalar %a", o->name, s->dim, s->count,
                         i, (double)got[i], (double)want[i]);
        float mb = o->l2sq_min(s, x, &ib);
        if (!same_float(ma, mb) || ia != ib)
            fail_msg("%s l2sq_min d=%u n=%u: %a@%d vs scalar %a@%d", o->name, s->dim, s->count,
                     (double)mb, ib, (double)ma, ia);
        float nb = o->linf_min(s, x, &lb);
        assert_true(nb == na);     /* max of exact |a-b| is exact on every path */
        assert_int_equal(la, lb);
    }
    free(want);
    free(got);
    free(y);
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

/* Every path (scalar too) with its own l2sq_all as the reference. */
/* Every table this CPU runs: scalar, avx2, avx512 (int8 prefilter by vpmaddwd) and
 * avx512vnni (by vpdpbusd) when the CPU has them. */
static int all_paths(const struct ig_kern_ops **out)
{
    return ig_kern_all(out);
}

/* l2sq_row: one vector without a set gives, bit for bit, the distance l2sq_min gives on a
 * set holding that vector alone (float32 and bf16 sets), so that extraction.prada's
 * one-vector classes decide as if they had an index; on every path, kernels.h's sum. */
static void test_row_exact(void **state)
{
    (void)state;
    const struct ig_kern_ops *ops[4];
    int np = all_paths(ops);
    const uint32_t rdims[] = { 1, 2, 3, 7, 16, 17, 31, 64, 65, 784 };
    for (size_t di = 0; di < sizeof(rdims) / sizeof(rdims[0]); di++) {
        uint32_t d = rdims[di];
        float *x = malloc(d * sizeof(float)), *y = malloc(d * sizeof(float));
        float *yb = malloc(d * sizeof(float));
        for (int rep = 0; rep < 20; rep++) {
            float scale = rep % 3 == 0 ? 1e-3f : rep % 3 == 1 ? 1.0f : 1e3f;
            for (uint32_t f = 0; f < d; f++) {
                x[f] = (frand() - 0.5f) * scale;
                y[f] = (frand() - 0.5f) * scale;
            }
            for (int e = 0; e < 2; e++) {
                struct ig_vset s;
                assert_int_equal(ig_vset_init_ex(&s, d, 1, e ? IG_VSET_BF16 : IG_VSET_F32), IG_OK);
                assert_int_equal(ig_vset_append(&s, y), IG_OK);
                ig_vset_get(&s, 0, yb);   /* as stored */
                float def = l2sq_def(x, yb, d);
                for (int k = 0; k < np; k++) {
                    float a = ops[k]->l2sq_row(x, yb, d), b = ops[k]->l2sq_min(&s, x, NULL);
                    if (!same_float(a, b) || !same_float(a, def))
                        fail_msg("%s d=%u %s: l2sq_row %.9g vs l2sq_min %.9g, definition %.9g",
                                 ops[k]->name, d, e ? "bf16" : "f32", a, b, def);
                }
                ig_vset_free(&s);
            }
        }
        free(x);
        free(y);
        free(yb);
    }
}

/* l2sq_rows: on every path, each row's scaled squared distance equals, bit for bit, the
 * plain float loop in feature order (adversarial.boundary ranks its kept inputs with it
 * and must decide alike on every machine); with and without weights, every count of rows
 * around the paths' groups of 8, 16 and 32, dims around their 8-feature steps, values of
 * several scales. */
static void test_rows_exact(void **state)
{
    (void)state;
    const struct ig_kern_ops *ops[4];
    int np = all_paths(ops);
    const uint32_t rdims[] = { 1, 3, 4, 5, 7, 8, 9, 12, 16, 31, 64, 65, 784 };
    for (size_t di = 0; di < sizeof(rdims) / sizeof(rdims[0]); di++) {
        uint32_t d = rdims[di];
        uint32_t nmax = 41;
        float *rows = malloc((size_t)nmax * d * sizeof(float)), *q = malloc(d * sizeof(float));
        float *w = malloc(d * sizeof(float)), out[41], ref[41];
        for (int rep = 0; rep < 6; rep++) {
            float scale = rep % 3 == 0 ? 1e-3f : rep % 3 == 1 ? 1.0f : 1e3f;
            for (uint32_t f = 0; f < d; f++) {
                q[f] = (frand() - 0.5f) * scale;
                w[f] = 0.1f + 3.0f * frand();
            }
            for (size_t e = 0; e < (size_t)nmax * d; e++)
                rows[e] = (frand() - 0.5f) * scale;
            for (uint32_t n = 0; n <= nmax; n++) {
                for (int wi = 0; wi < 2; wi++) {
                    const float *ww = wi ? w : NULL;
                    for (uint32_t i = 0; i < n; i++) {
                        float a = 0;
                        for (uint32_t f = 0; f < d; f++) {
                            float t = (q[f] - rows[(size_t)i * d + f]) * (ww ? ww[f] : 1.0f);
                            a += t * t;
                        }
                        ref[i] = a;
                    }
                    for (int k = 0; k < np; k++) {
                        memset(out, 0xff, sizeof out);
                        ops[k]->l2sq_rows(q, rows, ww, d, n, out);
                        for (uint32_t i = 0; i < n; i++)
                            if (!same_float(out[i], ref[i]))
                                fail_msg("%s d=%u n=%u row %u %s: %.9g vs %.9g", ops[k]->name, d, n,
                                         i, ww ? "weighted" : "raw", out[i], ref[i]);
                        if (n < nmax)
                            assert_true(isnan(out[n]));   /* nothing written past n */
                    }
                }
            }
        }
        free(rows);
        free(q);
        free(w);
    }
}

/* moved_rows: on every path, per row the features moved (capped) and the first of them,
 * and the stop at the first row that moves none, as the definition in kernels.h says it
 * (written here as three separate bars), for rows whose features sit on each side of
 * each bar (float rounding 2^-16 (|a| + |b|), half the decimal step, 1e-30), rows equal
 * to q anywhere, every dim around the 4-feature registers and caps 1 to 5. */
static uint32_t moved_def(const float *q, const float *r, uint32_t dim, float qe, uint32_t cap,
                          int32_t *first)
{
    uint32_t c = 0;
    *first = -1;
    for (uint32_t k = 0; k < dim; k++) {
        double d = fabs((double)q[k] - (double)r[k]);
        if (d > 0x1p-16 * (fabs((double)q[k]) + fabs((double)r[k])) && d > 1e-30 &&
            d > 0.5 * (double)qe) {
            if (c == 0)
                *first = (int32_t)k;
            c++;
        }
    }
    return c < cap ? c : cap;
}

static float moved_probe(float a, float qe)
{
    switch (ig_rng_below(&rng, 10)) {
    case 0: case 1: return a;                                        /* the same */
    case 2: return a + (frand() - 0.5f) * 4.0f;                      /* far */
    case 3: return a * (1.0f + (float)((int)ig_rng_below(&rng, 9) - 4) * 0x1p-15f); /* rounding bar */
    case 4: return nextafterf(a, (frand() < 0.5f) ? -INFINITY : INFINITY);
    case 5: { float h = 0.5f * qe * (1.0f + (frand() - 0.5f) * 1e-6f);   /* step bar */
              return frand() < 0.5f ? a + h : a - h; }
    case 6: return (frand() - 0.5f) * 4e-30f;                        /* tiny bar */
    case 7: return a + (float)(ig_rng_below(&rng, 5)) * qe;        /* on the grid */
    case 8: return -a;
    default: return a + (frand() - 0.5f) * 1e-3f;
    }
}

static void test_moved_rows_exact(void **state)
{
    (void)state;
    const struct ig_kern_ops *ops[4];
    int np = all_paths(ops);
    const uint32_t mdims[] = { 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 64 };
    const float qes[] = { 0.0f, 1e-31f, 1e-4f, 0.01f, 0.5f, 1.0f };
    enum { NR = 37 };
    for (size_t di = 0; di < sizeof(mdims) / sizeof(mdims[0]); di++) {
        uint32_t d = mdims[di];
        float *rows = malloc((size_t)NR * d * sizeof(float)), *q = malloc(d * sizeof(float));
        for (int rep = 0; rep < 40; rep++) {
            float qe = qes[rep % 6];
            for (uint32_t f = 0; f < d; f++) {
                q[f] = rep % 4 == 0 ? (float)(int)(frand() * 20.0f) * (qe > 0 ? qe : 1.0f)
                                    : (frand() - 0.5f) * (rep % 3 == 0 ? 1e-29f : 10.0f);
                if (ig_rng_below(&rng, 8) == 0)
                    q[f] = 0.0f;
            }
            for (uint32_t i = 0; i < NR; i++)
                for (uint32_t f = 0; f < d; f++)
                    rows[(size_t)i * d + f] = moved_probe(q[f], qe);
            uint32_t nrep = ig_rng_below(&rng, 3);   /* exact repeats of q */
            for (uint32_t k = 0; k < nrep; k++)
                memcpy(rows + (size_t)(ig_rng_below(&rng, NR)) * d, q, d * sizeof(float));
            for (uint32_t cap = 1; cap <= 5; cap++) {
                uint32_t want[NR];
                int32_t wf[NR];
                uint32_t stop = NR;   /* rows written */
                bool all = true;
                for (uint32_t i = 0; i < NR; i++) {
                    want[i] = moved_def(q, rows + (size_t)i * d, d, qe, cap, &wf[i]);
                    if (!want[i]) {
                        stop = i + 1;
                        all = false;
                        break;
                    }
                }
                for (int k = 0; k < np; k++) {
                    uint32_t cnt[NR + 1];
                    int32_t first[NR + 1];
                    memset(cnt, 0xab, sizeof cnt);
                    memset(first, 0xab, sizeof first);
                    bool got = ops[k]->moved_rows(q, rows, NR, d, qe, cap, cnt, first);
                    if (got != all)
                        fail_msg("%s d=%u cap=%u qe=%g: returned %d, want %d", ops[k]->name, d,
                                 cap, qe, got, all);
                    for (uint32_t i = 0; i < stop; i++)
                        if (cnt[i] != want[i] || first[i] != wf[i])
                            fail_msg("%s d=%u cap=%u qe=%g row %u: %u moved from %d, want %u from %d",
                                     ops[k]->name, d, cap, qe, i, cnt[i], first[i], want[i], wf[i]);
                    for (uint32_t i = stop; i <= NR; i++)
                        assert_true(cnt[i] == 0xabababab);   /* nothing written past the stop */
                }
            }
        }
        free(rows);
        free(q);
    }
}

/* l2sq_min_blocks: over any block list and any starting best, the result is the fold of
 * the path's own l2sq_all distances, bit for bit, abandoned blocks or not. */
static void test_min_blocks_exact(void **state)
{
    (void)state;
    const struct ig_kern_ops *all[4];
    int na = all_paths(all);
    const uint32_t bdims[] = { 1, 3, 16, 17, 31, 33, 64, 784 };
    for (size_t di = 0; di < IG_ARRAY_LEN(bdims); di++) {
        for (int bf = 0; bf < 2; bf++) {
            uint32_t d = bdims[di], n = 16 * 9 + 5;
            struct ig_vset s;
            assert_int_equal(ig_vset_init_ex(&s, d, n, bf ? IG_VSET_BF16 : IG_VSET_F32), IG_OK);
            float *v = malloc(d * sizeof(float)), *dist = malloc((n + 16) * sizeof(float));
            for (uint32_t i = 0; i < n; i++) {
                for (uint32_t f = 0; f < d; f++)
                    v[f] = frand() * 4.0f - 2.0f + (float)(i % 5);
                assert_int_equal(ig_vset_append(&s, v), IG_OK);
            }
            uint32_t nblk = (n + 15) / 16, list[32];
            for (int q = 0; q < 6; q++) {
                for (uint32_t f = 0; f < d; f++)
                    v[f] = frand() * 4.0f - 2.0f + (float)(q % 5);
                /* a shuffled subset of blocks, repeats allowed, plus one past the end */
                uint32_t nl = 0;
                for (uint32_t b = 0; b < nblk; b++)
                    if (frand() < 0.7f)
                        list[nl++] = (b * 7 + (uint32_t)q) % nblk;
                list[nl++] = nblk + 3;
                for (int p = 0; p < na; p++) {
                    all[p]->l2sq_all(&s, v, dist);
                    const float starts[] = { INFINITY, dist[q * 11 % n], 0.5f * dist[q * 11 % n],
                                             0.0f };
                    for (size_t si = 0; si < IG_ARRAY_LEN(starts); si++) {
                        float want = starts[si];
                        int32_t wa = si == 0 ? -1 : 1000000;
                        for (uint32_t k = 0; k < nl; k++)
                            for (uint32_t l = 0; l < 16; l++) {
                                uint32_t slot = list[k] * 16 + l;
                                if (slot >= n)
                                    continue;
                                if (dist[slot] < want ||
                                    (dist[slot] == want && (wa < 0 || (int32_t)slot < wa))) {
                                    want = dist[slot];
                                    wa = (int32_t)slot;
                                }
                            }
                        int32_t ga = si == 0 ? -1 : 1000000;
                        float got = all[p]->l2sq_min_blocks(&s, v, list, nl, starts[si], &ga);
                        if (!same_float(got, want) || ga != wa)
                            fail_msg("%s blocks d=%u bf16=%d start %zu: %a@%d vs %a@%d", all[p]->name,
                                     d, bf, si, (double)got, ga, (double)want, wa);
                    }
                    /* the whole set from +inf is l2sq_min exactly */
                    for (uint32_t b = 0; b < nblk; b++)
                        list[b] = b;
                    int32_t ia = -1, ib;
                    float a = all[p]->l2sq_min_blocks(&s, v, list, nblk, INFINITY, &ia);
                    float b = all[p]->l2sq_min(&s, v, &ib);
                    assert_true(same_float(a, b));
                    assert_int_equal(ia, ib);
                    nl = 0;
                    for (uint32_t bb = 0; bb < nblk; bb++)
                        if (frand() < 0.7f)
                            list[nl++] = (bb * 7 + (uint32_t)q) % nblk;
                    list[nl++] = nblk + 3;
                }
            }
            free(v);
            free(dist);
            ig_vset_free(&s);
        }
    }
}

/* The int8 prefilter kernel is exact integer arithmetic: every path equals the scalar one
 * and the plain definition (sum of squared level differences), extremes included. */
static void test_q8_kernel_exact(void **state)
{
    (void)state;
    const struct ig_kern_ops *all[4];
    int na = all_paths(all);
    const uint32_t qdims[] = { 1, 3, 4, 5, 16, 17, 29, 32, 63, 64, 784, IG_Q8_MAXDIM };
    for (size_t di = 0; di < IG_ARRAY_LEN(qdims); di++) {
        uint32_t d = qdims[di], g = (d + 3) / 4, nb = d > 1000 ? 3 : 9;
        int8_t *codes = aligned_alloc(64, (size_t)nb * g * 64);
        int32_t *norm = malloc((size_t)nb * 16 * sizeof(int32_t));
        uint8_t *qx = calloc((size_t)g * 4, 1);
        uint8_t *lv = malloc((size_t)nb * 16 * g * 4);
        for (int round = 0; round < 7; round++) {
            /* round 0: random; 1: query all 255, codes all level 0; 2: the reverse; 3: equal;
             * even query levels (what vidx and PRADA send: the AVX2 vpmaddubsw body) in 4:
             * random, 5: all 254 against codes all level 0 (the largest products, -128 * 127
             * twice per pair), 6: all 254 against level 255 */
            for (uint32_t f = 0; f < d; f++)
                qx[f] = round == 0   ? (uint8_t)(frand() * 256)
                        : round == 1 ? 255
                        : round == 2 ? 0
                        : round == 3 ? 77
                        : round == 4 ? (uint8_t)(2 * (int)(frand() * 128))
                                     : 254;
            memset(codes, 0x80, (size_t)nb * g * 64);
            memset(lv, 0, (size_t)nb * 16 * g * 4);
            for (uint32_t b = 0; b < nb; b++)
                for (uint32_t l = 0; l < 16; l++) {
                    int32_t nrm = 0;
                    for (uint32_t f = 0; f < d; f++) {
                        int q = round == 0 || round == 4 ? (int)(frand() * 256)
                                : round == 1 || round == 5   ? 0
                                : round == 2 || round == 6   ? 255
                                                             : 77;
                        lv[((size_t)b * 16 + l) * g * 4 + f] = (uint8_t)q;
                        codes[IG_Q8_AT(b, g, f / 4, l, f % 4)] = (int8_t)(q - 128);
                        nrm += q * q;
                    }
                    norm[b * 16 + l] = (b == 1 && l < 15) ? 1 << 30 : nrm;   /* free lanes */
                }
            int64_t nx = 0, sx = 0;
            for (uint32_t f = 0; f < d; f++) {
                nx += qx[f] * qx[f];
                sx += qx[f];
            }
            int32_t c = (int32_t)(nx - 256 * sx);
            uint32_t list[12];
            uint32_t nl = 0;
            for (uint32_t b = nb; b-- > 0;)
                list[nl++] = b;
            list[nl++] = 0;   /* repeated */
            int32_t want[12], got[12];
            for (uint32_t i = 0; i < nl; i++) {
                int64_t m = INT64_MAX;
                for (uint32_t l = 0; l < 16; l++) {
                    int64_t dd = 0;
                    if (list[i] == 1 && l < 15)
                        dd = (int64_t)nx + (1 << 30);
                    else
                        for (uint32_t f = 0; f < d; f++) {
                            int64_t t = (int64_t)qx[f] - lv[((size_t)list[i] * 16 + l) * g * 4 + f];
                            dd += t * t;
                        }
                    if (dd < m)
                        m = dd;
                }
                want[i] = (int32_t)m;
            }
            for (int p = 0; p < na; p++) {
                memset(got, 0, sizeof(got));
                all[p]->q8_min_blocks(codes, g, norm, qx, c, list, nl, got);
                for (uint32_t i = 0; i < nl; i++)
                    if (got[i] != want[i])
                        fail_msg("%s q8 d=%u round %d block %u: %d vs %d", all[p]->name, d, round,
                                 list[i], got[i], want[i]);
            }
            /* q8_lanes: every lane of blocks 0 .. nb - 1 (odd and even counts: the VNNI body
             * takes two blocks at a time), each the plain definition */
            int32_t lanes[9 * 16];
            for (uint32_t nbl = nb; nbl + 1 >= nb && nbl > 0; nbl--)
                for (int p = 0; p < na; p++) {
                    memset(lanes, 0x55, sizeof(lanes));
                    int32_t mn = all[p]->q8_lanes(codes, g, norm, qx, c, nbl, lanes), wmn = INT32_MAX;
                    for (uint32_t b = 0; b < nbl; b++)
                        for (uint32_t l = 0; l < 16; l++) {
                            /* kernels.h's definition: c + norm - 2 qx.code (the squared
                             * level distance where norm is the lane's; free lanes 2^30 more) */
                            int64_t dot = 0;
                            for (uint32_t f = 0; f < d; f++)
                                dot += (int64_t)qx[f] * ((int)lv[((size_t)b * 16 + l) * g * 4 + f] - 128);
                            int64_t dd = (int64_t)c + norm[b * 16 + l] - 2 * dot;
                            wmn = (int32_t)dd < wmn ? (int32_t)dd : wmn;
                            if (lanes[b * 16 + l] != (int32_t)dd)
                                fail_msg("%s q8_lanes d=%u round %d nb %u lane %u/%u: %d vs %lld",
                                         all[p]->name, d, round, nbl, b, l, lanes[b * 16 + l],
                                         (long long)dd);
                        }
                    if (mn != wmn)
                        fail_msg("%s q8_lanes d=%u round %d nb %u: smallest %d vs %d", all[p]->name, d,
                                 round, nbl, mn, wmn);
                    if (nbl < 9 && lanes[nbl * 16] != 0x55555555)
                        fail_msg("%s q8_lanes wrote past block %u", all[p]->name, nbl);
                }
        }
        free(codes);
        free(norm);
        free(qx);
        free(lv);
    }
}

/* q8_levels (the int8 prefilter's levels of a stored vector or a query) is the plain double
 * arithmetic of kernels.h on every path: the same levels, level sums and squared-level sums,
 * and the same bits of the error sum (four partial sums by feature mod 4, no fused
 * operations), on random values, values beyond the range (clamped), halfway levels,
 * -0, NaN and infinities, and dims not a multiple of 4. */
static void test_q8_levels_exact(void **state)
{
    (void)state;
    const struct ig_kern_ops *all[4];
    int na = all_paths(all);
    const uint32_t ldims[] = { 1, 3, 4, 5, 16, 17, 63, 64, 784 };
    for (size_t di = 0; di < IG_ARRAY_LEN(ldims); di++) {
        uint32_t d = ldims[di];
        float *x = malloc(d * sizeof(float));
        double *off = malloc(d * sizeof(double));
        uint8_t *want = malloc(d), *got = malloc(d);
        for (int round = 0; round < 8; round++) {
            const double step = round == 0 ? 1.0 / 255 : 0.01 + frand() * 0.2, inv = 1.0 / step;
            for (uint32_t f = 0; f < d; f++) {
                off[f] = frand() * 2.0 - 1.0;
                float r = frand();
                x[f] = (float)(off[f] + (frand() * 300.0 - 20.0) * step);   /* some out of range */
                if (round == 1)   /* exactly halfway between two levels */
                    x[f] = (float)(off[f] + ((double)(f % 200) + 0.5) * step);
                if (round == 2 && r < 0.3f)
                    x[f] = r < 0.1f ? NAN : r < 0.2f ? -0.0f : (r < 0.25f ? INFINITY : -INFINITY);
            }
            double e[4] = { 0 };
            int32_t wn = 0, ws = 0;
            for (uint32_t f = 0; f < d; f++) {
                double xo = (double)x[f] - off[f];
                double t = xo * inv;
                t = t > 0.0 ? t : 0.0;
                t = t < 255.0 ? t : 255.0;
                int l = (int)(t + 0.5);
                double r = xo - step * l;
                double r2 = r * r;
                e[f % 4] = e[f % 4] + r2;
                want[f] = (uint8_t)l;
                wn += l * l;
                ws += l;
            }
            double we = (e[0] + e[1]) + (e[2] + e[3]);
            for (int p = 0; p < na; p++) {
                int32_t gs = -1;
                double ge = -1;
                memset(got, 0xee, d);
                int32_t gn = all[p]->q8_levels(x, off, d, inv, step, got, &gs, &ge);
                bool same_err = isnan(we) ? isnan(ge) : memcmp(&ge, &we, sizeof(ge)) == 0;   /* NaN: any payload */
                if (gn != wn || gs != ws || memcmp(got, want, d) != 0 || !same_err)
                    fail_msg("%s q8_levels d=%u round %d: norm %d/%d sum %d/%d err2 %a/%a", all[p]->name, d,
                             round, gn, wn, gs, ws, ge, we);
            }
        }
        free(x);
        free(off);
        free(want);
        free(got);
    }
}

enum shape { SH_CLUSTERS, SH_UNIFORM, SH_LINE, SH_DUPES, SH_TINY, SH_HUGE, SH_SPREAD, SH_DRIFT };

/* One vector of a test distribution; <i> varies the cluster or the position. */
static void draw(enum shape sh, uint32_t d, uint32_t i, const float *centres, float *v)
{
    for (uint32_t f = 0; f < d; f++) {
        float u = frand() - 0.5f;
        switch (sh) {
        case SH_CLUSTERS: v[f] = centres[(i % 12) * d + f] + 0.05f * u; break;
        case SH_UNIFORM:  v[f] = u; break;
        case SH_LINE:     v[f] = centres[f] * (float)i * 0.01f + 0.001f * u; break;
        case SH_DUPES:    v[f] = centres[(i % 3) * d + f]; break;
        case SH_TINY:     v[f] = centres[(i % 12) * d + f] * 1e-19f + 1e-21f * u; break;
        case SH_HUGE:     v[f] = centres[(i % 12) * d + f] * 1e17f + 1e15f * u; break;
        case SH_SPREAD:   v[f] = u * (float)(1u << (i % 24)); break;
        /* leaves the range the levels were chosen on: clamped codes, larger errors */
        case SH_DRIFT:    v[f] = centres[(i % 12) * d + f] + u * (1.0f + (float)i * 0.01f); break;
        }
    }
}

/* A query's levels (vidx.h ig_q8_query_levels, what vidx and PRADA measure with): on the
 * paths whose q8 kernels want even levels (q8_even: AVX2 and AVX-512 without VNNI) the
 * plain double arithmetic of q8_levels at step 2 s, clamped to 127 and doubled: every level
 * even and at most 254, the same sums and the same bits of the error sum, values at the
 * top of the range and beyond it (the clamped case) included; elsewhere q8_levels' own. */
static void test_q8_query_levels_even(void **state)
{
    (void)state;
    const struct ig_kern_ops *all[4];
    int na = all_paths(all);
    for (int p = 0; p < na; p++)   /* the AVX2 bodies want even levels; scalar's do not care */
        assert_int_equal(all[p]->q8_even, strcmp(all[p]->name, "avx2") == 0 || strcmp(all[p]->name, "avx512") == 0);
    const uint32_t ldims[] = { 1, 5, 16, 63, 64, 784 };
    for (size_t di = 0; di < IG_ARRAY_LEN(ldims); di++) {
        uint32_t d = ldims[di];
        float *x = malloc(d * sizeof(float));
        double *off = malloc(d * sizeof(double));
        uint8_t *want = malloc(d), *got = malloc(d);
        for (int round = 0; round < 6; round++) {
            /* 0-1: inside the range; 2: at its top (a level of 2 s rounds to 128); 3-5: some
             * beyond either end */
            const double step = round == 0 ? 1.0 / 255 : 0.01 + frand() * 0.2, s2 = 2 * step, inv2 = 1.0 / s2;
            for (uint32_t f = 0; f < d; f++) {
                off[f] = frand() * 2.0 - 1.0;
                double lv = round < 2 ? frand() * 255.0 : round == 2 ? 255.0 + frand() * 0.9 : frand() * 300.0 - 20.0;
                x[f] = (float)(off[f] + lv * step);
            }
            double e[4] = { 0 };
            int32_t wn = 0, ws = 0;
            for (uint32_t f = 0; f < d; f++) {
                double xo = (double)x[f] - off[f];
                double t = xo * inv2;
                t = t > 0.0 ? t : 0.0;
                t = t < 127.0 ? t : 127.0;
                int l = (int)(t + 0.5);
                double r = xo - s2 * l;
                e[f % 4] = e[f % 4] + r * r;
                want[f] = (uint8_t)(2 * l);
                wn += 4 * l * l;
                ws += 2 * l;
            }
            double we = (e[0] + e[1]) + (e[2] + e[3]);
            for (int p = 0; p < na; p++) {
                int32_t gs = -1;
                double ge = -1;
                memset(got, 0xee, d);
                int32_t gn = ig_q8_query_levels(all[p], x, off, d, step, got, &gs, &ge);
                if (!all[p]->q8_even) {
                    uint8_t lv[784];
                    int32_t ls = -1;
                    double le = -1;
                    int32_t ln = all[p]->q8_levels(x, off, d, 1.0 / step, step, lv, &ls, &le);
                    if (gn != ln || gs != ls || memcmp(got, lv, d) != 0 || memcmp(&ge, &le, sizeof(ge)) != 0)
                        fail_msg("%s q8 query levels d=%u round %d: not q8_levels'", all[p]->name, d, round);
                    continue;
                }
                if (gn != wn || gs != ws || memcmp(got, want, d) != 0 || memcmp(&ge, &we, sizeof(ge)) != 0)
                    fail_msg("%s q8 query levels d=%u round %d: norm %d/%d sum %d/%d err2 %a/%a", all[p]->name,
                             d, round, gn, wn, gs, ws, ge, we);
            }
        }
        free(x);
        free(off);
        free(want);
        free(got);
    }
}

/* The index answers exactly what a full scan of the same vectors answers on each path:
 * the same float (bit for bit) and an argmin at that distance; growing like PRADA does
 * (16, 32, ... by reserve: the block grown in place, or a new one past 1 MiB of vectors)
 * and made at full size (re-chosen pivots on doubling). */
static void check_vidx(uint32_t d, uint32_t n, enum shape sh, enum ig_vset_elem elem, bool grow,
                       unsigned flags)
{
    const struct ig_kern_ops *all[4];
    int na = all_paths(all);
    float *centres = malloc(12 * d * sizeof(float)), *v = malloc(d * sizeof(float));
    float *dist = malloc((n + 16) * sizeof(float));
    for (uint32_t i = 0; i < 12 * d; i++)
        centres[i] = frand() * 4.0f - 2.0f;
    struct ig_vidx ix;
    struct ig_vset flat;
    assert_int_equal(ig_vidx_init_ex(&ix, d, grow ? 16 : n, elem, flags), IG_OK);
    assert_int_equal(ig_vset_init_ex(&flat, d, n, elem), IG_OK);
    for (uint32_t i = 0; i < n; i++) {
        draw(sh, d, i, centres, v);
        if (grow && ix.n == ix.cap)
            assert_int_equal(ig_vidx_reserve(&ix, ix.cap * 2), IG_OK);
        assert_int_equal(ig_vidx_append(&ix, v), IG_OK);
        assert_int_equal(ig_vset_append(&flat, v), IG_OK);
        bool probe = i + 1 == n || (i & (i + 1)) == 0 || i % 97 == 0;
        for (int q = 0; probe && q < 3; q++) {
            if (q == 0)
                draw(sh, d, i + 7, centres, v);
            else if (q == 1)
                ig_vset_get(&flat, i / 2, v);   /* a stored vector: distance 0 */
            else
                draw(sh, d, (uint32_t)(frand() * 1000), centres, v);
            for (int p = 0; p < na; p++) {
                int32_t ia, ib;
                float want = all[p]->l2sq_min(&flat, v, &ia);
                float got = ig_vidx_l2sq_min(&ix, all[p], v, &ib);
                if (!same_float(got, want))
                    fail_msg("%s vidx d=%u n=%u shape %d elem %u grow %d flags %u: %a vs %a",
                             all[p]->name, d, i + 1, sh, elem, grow, flags, (double)got, (double)want);
                all[p]->l2sq_all(&flat, v, dist);
                assert_true(ib >= 0 && (uint32_t)ib <= i);
                assert_true(same_float(dist[ib], want));
            }
        }
    }
    /* the int8 prefilter does its job where pivots cannot: few float32 blocks scanned */
    if ((flags & IG_VIDX_Q8) && sh == SH_UNIFORM && d >= 64 && n >= 1000) {
        fprintf(stderr, "vidx q8 d=%u n=%u uniform: %.1f%% of float32 blocks scanned\n", d, n,
                100.0 * (double)ix.blocks_scanned / (double)ix.blocks_total);
        assert_true(ix.blocks_scanned * 5 < ix.blocks_total && ix.q8_scanned > 0);
    }
    /* the shadow does its job where pivots cannot: most float32 blocks skipped */
    if ((flags & IG_VIDX_SHADOW) && sh == SH_UNIFORM && d >= 64)
        assert_true(ix.blocks_scanned * 2 < ix.blocks_total && ix.shadow_scanned > 0);
    /* every vector is held once under its insertion number */
    assert_int_equal(ix.n, n);
    float *back = malloc(d * sizeof(float));
    for (uint32_t i = 0; i < n; i += 1 + n / 50) {
        ig_vset_get(&flat, i, v);
        assert_true(ig_vidx_get(&ix, i, back));
        assert_memory_equal(v, back, d * sizeof(float));
    }
    assert_false(ig_vidx_get(&ix, n, back));
    if (!grow) {
        while (ix.n < ix.cap)
            assert_int_equal(ig_vidx_append(&ix, v), IG_OK);
        assert_int_equal(ig_vidx_append(&ix, v), IG_ELIMIT);
        int32_t at;
        assert_true(ig_vidx_l2sq_min(&ix, ig_kern(), v, &at) == 0.0f && at >= 0);
    }
    free(back);
    free(centres);
    free(v);
    free(dist);
    ig_vidx_free(&ix);
    ig_vset_free(&flat);
}

static void test_vidx_exact(void **state)
{
    (void)state;
    const enum shape shapes[] = { SH_CLUSTERS, SH_UNIFORM, SH_LINE, SH_DUPES, SH_TINY, SH_HUGE,
                                  SH_SPREAD, SH_DRIFT };
    for (size_t si = 0; si < IG_ARRAY_LEN(shapes); si++)
        for (int g = 0; g < 2; g++) {
            check_vidx(64, 1100, shapes[si], IG_VSET_F32, g, 0);
            check_vidx(64, 1100, shapes[si], IG_VSET_F32, g, IG_VIDX_SHADOW);
            check_vidx(64, 1100, shapes[si], IG_VSET_F32, g, IG_VIDX_Q8);
            check_vidx(17, 700, shapes[si], IG_VSET_BF16, g, 0);
            check_vidx(17, 700, shapes[si], IG_VSET_BF16, g, IG_VIDX_Q8);
        }
    check_vidx(64, 1100, SH_UNIFORM, IG_VSET_F32, false, IG_VIDX_Q8 | IG_VIDX_SHADOW);
    check_vidx(3, 2000, SH_CLUSTERS, IG_VSET_F32, true, IG_VIDX_Q8);
    check_vidx(784, 400, SH_UNIFORM, IG_VSET_F32, false, IG_VIDX_Q8);
    check_vidx(32, 600, SH_CLUSTERS, IG_VSET_F32, true, IG_VIDX_Q8);
    check_vidx(IG_Q8_MAXDIM + 1, 300, SH_UNIFORM, IG_VSET_F32, false, IG_VIDX_Q8);   /* too wide: off */
    check_vidx(3, 2000, SH_CLUSTERS, IG_VSET_F32, true, 0);
    check_vidx(3, 2000, SH_UNIFORM, IG_VSET_F32, true, IG_VIDX_SHADOW);
    check_vidx(784, 400, SH_CLUSTERS, IG_VSET_F32, false, 0);
    check_vidx(784, 400, SH_UNIFORM, IG_VSET_F32, false, IG_VIDX_SHADOW);
    /* re-laid from the old block into a new one: too large to copy (vidx.c VIDX_COPY_MAX) */
    check_vidx(784, 600, SH_CLUSTERS, IG_VSET_F32, true, IG_VIDX_Q8);
    check_vidx(1, 300, SH_UNIFORM, IG_VSET_F32, true, 0);
    check_vidx(1, 300, SH_SPREAD, IG_VSET_F32, true, IG_VIDX_SHADOW);
    check_vidx(5, 10, SH_UNIFORM, IG_VSET_F32, false, IG_VIDX_SHADOW);
}

/* Empty, NaN and inf queries answer as l2sq_min does; well-separated clusters are
 * actually pruned (the point of the index). */
static void test_vidx_edges(void **state)
{
    (void)state;
    struct ig_vidx ix;
    assert_int_equal(ig_vidx_init(&ix, 0, 16, IG_VSET_F32), IG_ECONF);
    assert_int_equal(ig_vidx_init_ex(&ix, 8, 16, IG_VSET_BF16, IG_VIDX_SHADOW), IG_ECONF);
    assert_int_equal(ig_vidx_init(&ix, 8, 4000, IG_VSET_F32), IG_OK);
    float v[8] = { 0 }, nanq[8] = { NAN }, infq[8] = { INFINITY };
    int32_t at;
    assert_true(isinf(ig_vidx_l2sq_min(&ix, ig_kern(), v, &at)) && at == -1);
    float centres[10][8];
    for (int c = 0; c < 10; c++)
        for (int f = 0; f < 8; f++)
            centres[c][f] = (frand() - 0.5f) * 100.0f;
    for (uint32_t i = 0; i < 4000; i++) {
        for (int f = 0; f < 8; f++)
            v[f] = centres[i % 10][f] + frand() - 0.5f;
        assert_int_equal(ig_vidx_append(&ix, v), IG_OK);
    }
    const struct ig_kern_ops *all[4];
    int na = all_paths(all);
    for (int p = 0; p < na; p++) {
        assert_true(isinf(ig_vidx_l2sq_min(&ix, all[p], nanq, &at)) && at == -1);
        float m = ig_vidx_l2sq_min(&ix, all[p], infq, &at);
        assert_true(isinf(m) && at >= 0);
    }
    uint64_t s0 = ix.blocks_scanned, t0 = ix.blocks_total;
    for (int q = 0; q < 100; q++) {
        for (int f = 0; f < 8; f++)
            v[f] = centres[q % 10][f] + frand() - 0.5f;
        ig_vidx_l2sq_min(&ix, ig_kern(), v, NULL);
    }
    double frac = (double)(ix.blocks_scanned - s0) / (double)(ix.blocks_total - t0);
    fprintf(stderr, "vidx: 10 clusters, d=8, n=4000: %.1f%% of blocks scanned\n", 100 * frac);
    assert_true(frac < 0.5);
    ig_vidx_free(&ix);
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
        cmocka_unit_test(test_min_blocks_exact),
        cmocka_unit_test(test_row_exact),
        cmocka_unit_test(test_rows_exact),
        cmocka_unit_test(test_moved_rows_exact),
        cmocka_unit_test(test_q8_kernel_exact),
        cmocka_unit_test(test_q8_levels_exact),
        cmocka_unit_test(test_q8_query_levels_even),
        cmocka_unit_test(test_vidx_exact),
        cmocka_unit_test(test_vidx_edges),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
