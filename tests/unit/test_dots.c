/* ig_kern_ops.dots_split and .seg_filter (kernels/kernels.h) on every path this CPU has: a
 * split set gives back every stored float bit for bit, the dot products of 1..4 queries
 * with its hi plane are within the documented bound, IG_VSPLIT_EPS sum_f |x_f y_f|, of the
 * exact ones (double), for widths and counts around the 16-vector blocks and values of
 * mixed signs and scales; and the candidate filter of extraction.coverage (one C body
 * compiled per path) gives the scalar path's flags on every path (random inputs of that
 * detector's scale, where no value sits within rounding of an edge). */
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

static uint64_t rng = 0x2545f4914f6cdd1dull;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* The exact dot product of x with a stored row (double sums of float products: exact
 * enough for these widths) and its magnitude sum_f |x_f y_f|, which the error bounds scale. */
static double exact_dot(const float *x, const float *y, uint32_t dim, double *mag)
{
    double dot = 0, m = 0;
    for (uint32_t f = 0; f < dim; f++) {
        double p = (double)x[f] * y[f];
        dot += p;
        m += fabs(p);
    }
    *mag = m;
    return dot;
}

/* A split set (kernels.h, struct ig_vsplit) gives back every stored float bit for bit,
 * and its aux floats, across growth (realloc, planes moved) and overwrites, for odd and
 * even widths; dots_split is within
 * IG_VSPLIT_EPS sum_f |x_f y_f| of the exact dot products with the stored floats on every
 * path, and no closer bound holds: some estimate is off by more than the float32 one's. */
static void test_split_exact_and_within_bound(void **state)
{
    (void)state;
    const uint32_t dims[] = { 1, 2, 3, 5, 16, 31, 32, 33, 64 };
    const uint32_t counts[] = { 1, 7, 16, 17, 33, 100, 512 };
    int levels[] = { IG_CPU_SCALAR, IG_CPU_AVX2, IG_CPU_AVX512 };
    double worst = 0;
    for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++) {
        for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
            uint32_t dim = dims[di], n = counts[ci];
            struct ig_vsplit s;
            assert_int_equal(ig_vsplit_init(&s, dim, 2), IG_OK);
            float *rows = malloc(sizeof(float) * dim * n), *back = malloc(sizeof(float) * dim);
            float *xs[IG_DOTS_MAXQ], *out = malloc(sizeof(float) * n * IG_DOTS_MAXQ);
            double scale = di % 2 ? 1e3 : 1;
            for (uint32_t i = 0; i < n; i++) {
                if (i >= s.cap) {
                    uint32_t was = s.cap;
                    assert_int_equal(ig_vsplit_reserve(&s, 2 * s.cap), IG_OK);
                    assert_int_equal((uintptr_t)s.hi % 64, 0);   /* SIMD loads of blocks */
                    for (uint32_t k = was; k < s.cap; k++)       /* new slots start at zero */
                        assert_true(ig_vsplit_aux(&s)[k] == 0);
                }
                for (uint32_t f = 0; f < dim; f++)   /* a first value, then the kept one */
                    rows[(size_t)i * dim + f] = (float)(-scale * urand());
                ig_vsplit_put(&s, i, rows + (size_t)i * dim);
                for (uint32_t f = 0; f < dim; f++)
                    rows[(size_t)i * dim + f] = (float)(scale * (2 * urand() - 1));
                ig_vsplit_put(&s, i, rows + (size_t)i * dim);
                ig_vsplit_aux(&s)[i] = (float)i + 0.5f;
            }
            s.count = n;
            for (uint32_t i = 0; i < n; i++) {   /* rows and aux kept across every growth */
                ig_vsplit_prefetch(&s, i);
                ig_vsplit_get(&s, i, back);
                assert_memory_equal(back, rows + (size_t)i * dim, sizeof(float) * dim);
                assert_true(ig_vsplit_aux(&s)[i] == (float)i + 0.5f);
            }
            for (int q = 0; q < IG_DOTS_MAXQ; q++) {
                xs[q] = malloc(sizeof(float) * dim);
                for (uint32_t f = 0; f < dim; f++)
                    xs[q][f] = (float)((q + 1) * (2 * urand() - 1));
            }
            for (size_t li = 0; li < 3; li++) {
                const struct ig_kern_ops *ops = ig_kern_for(levels[li]);
                if (!ops)
                    continue;
                for (uint32_t nq = 1; nq <= IG_DOTS_MAXQ; nq++) {
                    ops->dots_split(&s, (const float *const *)xs, nq, out);
                    for (uint32_t q = 0; q < nq; q++)
                        for (uint32_t i = 0; i < n; i++) {
                            double mag, exact = exact_dot(xs[q], rows + (size_t)i * dim, dim, &mag);
                            double err = fabs(out[(size_t)q * n + i] - exact);
                            if (err > IG_VSPLIT_EPS * mag + 1e-30)
                                fail_msg("%s dim %u n %u nq %u: query %u row %u: %g, exact %g",
                                         ops->name, dim, n, nq, q, i, out[(size_t)q * n + i], exact);
                            if (mag > 0 && err / mag > worst)
                                worst = err / mag;
                        }
                }
            }
            for (int q = 0; q < IG_DOTS_MAXQ; q++)
                free(xs[q]);
            free(out);
            free(back);
            free(rows);
            ig_vsplit_free(&s);
        }
    }
    assert_true(worst > 65 * ldexp(1, -24));   /* the rounding shows: not a float32 sum */
}

/* Every bit pattern comes back: ties at bit 15, carries into the exponent, the largest
 * floats, infinities, NaNs, subnormals, signed zeros and random words. */
static void test_split_every_pattern_back(void **state)
{
    (void)state;
    const uint32_t special[] = { 0, 0x80000000u, 0x00008000u, 0x3f808000u, 0x3f818000u,
                                 0x3f7fffffu, 0x3f7f8000u, 0x7f7fffffu, 0xff7fffffu, 0x7f800000u,
                                 0xff800000u, 0x7fc00000u, 0x7fffffffu, 0xffffffffu, 0xffff8000u,
                                 0x00000001u, 0x807fffffu, 0x0000ffffu, 0x00007fffu };
    enum { DIM = 7, N = 300 };
    struct ig_vsplit s;
    assert_int_equal(ig_vsplit_init(&s, DIM, N), IG_OK);
    static uint32_t in[N][DIM];
    uint32_t back[DIM];
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t f = 0; f < DIM; f++) {
            uint32_t k = i * DIM + f;
            in[i][f] = k < sizeof special / sizeof special[0] ? special[k]
                                                              : (uint32_t)(urand() * 4294967296.0);
        }
    for (uint32_t i = 0; i < N; i++)
        ig_vsplit_put(&s, i, (const float *)in[i]);
    for (uint32_t i = 0; i < N; i++) {
        ig_vsplit_get(&s, i, (float *)back);
        for (uint32_t f = 0; f < DIM; f++)
            if (back[f] != in[i][f])
                fail_msg("row %u feature %u: %08x back as %08x", i, f, in[i][f], back[f]);
    }
    ig_vsplit_free(&s);
}

/* The filter: flags equal to scalar's on random inputs of the coverage test's scale. */
static void test_seg_filter_paths_agree(void **state)
{
    (void)state;
    const struct ig_kern_ops *ref = ig_kern_for(IG_CPU_SCALAR);
    int levels[] = { IG_CPU_AVX2, IG_CPU_AVX512 };
    enum { N = 1000 };
    static float nb[N], dz[N], ab[N], a0[N], a1[N];
    int kept = 0, dropped = 0;
    for (int round = 0; round < 50; round++) {
        struct ig_seg_query q = { .zz = (float)(32 * urand() + 1), .aa = (float)(32 * urand() + 1),
                                  .uu = (float)(20 * urand()), .step_lo = 8 * 0.9999f,
                                  .tol2_hi = 0.72f * 1.0001f, .rel = 1e-4f };
        for (int i = 0; i < N; i++) {
            nb[i] = (float)(40 * urand());
            dz[i] = (float)(80 * urand());
            ab[i] = (float)(20 * (2 * urand() - 1));
        }
        memcpy(a0, ab, sizeof ab);
        int any = ref->seg_filter(nb, dz, a0, N, &q);
        int k0 = kept;
        for (int i = 0; i < N; i++) {
            kept += a0[i] != 0;
            dropped += a0[i] == 0;
        }
        assert_int_equal(any, kept > k0);
        for (size_t li = 0; li < 2; li++) {
            const struct ig_kern_ops *ops = ig_kern_for(levels[li]);
            if (!ops)
                continue;
            memcpy(a1, ab, sizeof ab);
            assert_int_equal(ops->seg_filter(nb, dz, a1, N, &q), any);
            for (int i = 0; i < N; i++)
                if (a1[i] != a0[i])
                    fail_msg("%s: row %d flag %g, scalar %g", ops->name, i, a1[i], a0[i]);
        }
    }
    assert_true(kept > 0 && dropped > 0);   /* the inputs reach both outcomes */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seg_filter_paths_agree),
        cmocka_unit_test(test_split_exact_and_within_bound),
        cmocka_unit_test(test_split_every_pattern_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
