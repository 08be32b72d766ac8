/* ig_kern_ops.dots_split, .cov_near and .cov_pairs (kernels/kernels.h) on every path this
 * CPU has: a split set gives back every stored float bit for bit, the dot products of 1..4
 * queries with its hi plane are within the documented bound, IG_VSPLIT_EPS sum_f |x_f y_f|,
 * of the exact ones (double), for widths and counts around the 16-vector blocks and values
 * of mixed signs and scales; and extraction.coverage's searches keep every row and pair the
 * exact arithmetic could pick, and leave most others out. */
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
#include "kernels/dots_body.h"

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

/* extraction.coverage's searches (cov_near, cov_pairs) on every table this CPU runs, on a
 * history of that detector's kind (sampled features in sd units, a few rows planted near
 * the query): sets of 1 to 512 rows around the 16-row blocks, odd and even widths. */
struct cov_case {
    uint32_t dim, n;
    float *rows, *nb, *z;
    float zz;
    struct ig_vsplit s;
};

static float sqf(const float *x, uint32_t dim)
{
    float s = 0;
    for (uint32_t f = 0; f < dim; f++)
        s += x[f] * x[f];
    return s;
}

static void cov_make_aux(struct cov_case *c, uint32_t dim, uint32_t n, double spread, uint32_t naux)
{
    c->dim = dim;
    c->n = n;
    c->rows = malloc(sizeof(float) * dim * n);
    c->nb = malloc(sizeof(float) * n);
    c->z = malloc(sizeof(float) * dim);
    for (uint32_t f = 0; f < dim; f++)
        c->z[f] = (float)(3 * (2 * urand() - 1));
    assert_int_equal(ig_vsplit_init_aux(&c->s, dim, n, naux), IG_OK);
    for (uint32_t i = 0; i < n; i++) {
        float *y = c->rows + (size_t)i * dim;
        double near = i % 5 == 0 ? 0.05 * urand() : 1;   /* some rows close to z */
        for (uint32_t f = 0; f < dim; f++)
            y[f] = (float)(near < 1 ? c->z[f] + near * (2 * urand() - 1) : spread * (2 * urand() - 1));
        ig_vsplit_put(&c->s, i, y);
        c->nb[i] = ig_vsplit_aux(&c->s)[i] = sqf(y, dim);
    }
    c->s.count = n;
    c->zz = sqf(c->z, dim);
}

static void cov_make(struct cov_case *c, uint32_t dim, uint32_t n, double spread)
{
    cov_make_aux(c, dim, n, spread, 1);
}

/* Pivots as extraction.coverage keeps them (kernels.h, IG_SEG_PIVOTS): each row's nearest of
 * <np> pivots and an upper bound on its distance to it; per query a, its lift. */
#define TEST_PIVOTS 5
static void cov_pivots(struct cov_case *c, float piv[TEST_PIVOTS][32])
{
    float *packed = ig_vsplit_aux_plane(&c->s, IG_SEG_PIVOT_PLANE);
    for (uint32_t i = 0; i < c->n; i++) {
        const float *y = c->rows + (size_t)i * c->dim;
        double bd = INFINITY;
        uint32_t which = 0;
        for (uint32_t p = 0; p < TEST_PIVOTS; p++) {
            double d2 = 0;
            for (uint32_t f = 0; f < c->dim; f++)
                d2 += ((double)y[f] - piv[p][f]) * ((double)y[f] - piv[p][f]);
            if (d2 < bd) {
                bd = d2;
                which = p;
            }
        }
        packed[i] = ig_seg_pivot_pack((float)(sqrt(bd) * (1 + 0x1p-12)), which);
    }
}

static void cov_free(struct cov_case *c)
{
    free(c->rows);
    free(c->nb);
    free(c->z);
    ig_vsplit_free(&c->s);
}

static double exact_d2(const float *x, const float *y, uint32_t dim)
{
    double s = 0;
    for (uint32_t f = 0; f < dim; f++)
        s += ((double)x[f] - y[f]) * ((double)x[f] - y[f]);
    return s;
}

/* cov_near: every estimate within IG_VSPLIT_EPS (|z|^2 + |y|^2) of the exact squared
 * distance, the rows nearest in exact arithmetic (all up to the third smallest distance)
 * among the candidates, no bit past the last row, and on 512 rows most rows left out. */
static void test_cov_near_every_path(void **state)
{
    (void)state;
    const uint32_t dims[] = { 1, 2, 3, 5, 16, 31, 32 };
    const uint32_t counts[] = { 1, 2, 3, 4, 7, 16, 17, 33, 100, 512 };
    const struct ig_kern_ops *all[4];
    int nt = ig_kern_all(all);
    static float d[512];
    static uint16_t cand[32];
    for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++)
        for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
            struct cov_case c;
            cov_make(&c, dims[di], counts[ci], 3);
            const uint32_t n = c.n, nblk = (n + 15) / 16;
            double ex[512], third[3] = { INFINITY, INFINITY, INFINITY };
            for (uint32_t i = 0; i < n; i++) {
                ex[i] = exact_d2(c.z, c.rows + (size_t)i * c.dim, c.dim);
                if (ex[i] < third[2]) {   /* the three smallest, sorted */
                    third[2] = ex[i];
                    for (int k = 2; k > 0 && third[k] < third[k - 1]; k--) {
                        double t = third[k];
                        third[k] = third[k - 1];
                        third[k - 1] = t;
                    }
                }
            }
            for (int t = 0; t < nt; t++) {
                memset(cand, 0xff, sizeof cand);
                all[t]->cov_near(&c.s, c.z, c.zz, c.nb, 1e-4f + IG_VSPLIT_EPS, d, cand);
                uint32_t flagged = 0;
                for (uint32_t i = 0; i < n; i++) {
                    double bound = (IG_VSPLIT_EPS + 1e-5) * ((double)c.zz + c.nb[i]) + 1e-30;
                    if (fabs(d[i] - ex[i]) > bound)
                        fail_msg("%s dim %u n %u row %u: %g, exact %g", all[t]->name, c.dim, n, i, d[i], ex[i]);
                    int bit = cand[i / 16] >> (i % 16) & 1;
                    flagged += (uint32_t)bit;
                    if (ex[i] <= third[2] && !bit)
                        fail_msg("%s dim %u n %u: row %u (exact %g, third nearest %g) not a candidate",
                                 all[t]->name, c.dim, n, i, ex[i], third[2]);
                }
                if (n % 16)
                    assert_int_equal(cand[nblk - 1] >> (n % 16), 0);
                if (n == 512 && c.dim >= 16 && flagged > n / 4)
                    fail_msg("%s dim %u: %u of %u rows candidates", all[t]->name, c.dim, flagged, n);
            }
            cov_free(&c);
        }
}

/* cov_pairs: with z planted on segments between rows (t over [0.1, 0.9], residuals up to the
 * tolerance), every pair that meets the exact conditions (double arithmetic on the stored
 * floats: t in [0.1, 0.9], residual <= tol2 and <= 0.0225 |b - a|^2, |b - a|^2 >= 0.25 dim)
 * is flagged on every path, no bit past the last row, the returned set says which queries
 * have one, and random rows are mostly left out. */
static void test_cov_pairs_every_path(void **state)
{
    (void)state;
    const uint32_t dims[] = { 3, 8, 17, 32 };
    const uint32_t counts[] = { 8, 16, 17, 100, 512 };
    const struct ig_kern_ops *all[4];
    int nt = ig_kern_all(all);
    static float d[512], work[4 * 512];
    static uint16_t cand[32], mask[4 * 32];
    uint64_t met = 0, flagged = 0, rows = 0;
    for (int round = 0; round < 6; round++)
        for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++)
            for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
                struct cov_case c;
                /* rows near the origin half the time: the bound on |b - a| (every path)
                 * then rules most of them out before their products */
                /* rounds 3-5: rows with pivots (the origin, one near z, three spread) */
                const bool pivots = round >= 3;
                cov_make_aux(&c, dims[di], counts[ci], round % 2 ? 0.3 : 3, pivots ? IG_SEG_PIVOT_PLANE + 1 : 1);
                const uint32_t n = c.n, dim = c.dim, nblk = (n + 15) / 16;
                const float tol2 = 0.0225f * dim;
                /* z on a segment between rows 1 and 2, a few later rows on segments too */
                uint32_t ka[IG_DOTS_MAXQ] = { 1, 3, 5, 4 };
                double t0 = 0.1 + 0.8 * urand();
                for (uint32_t f = 0; f < dim; f++)
                    c.z[f] = (float)(c.rows[dim + f] + t0 * (c.rows[2 * dim + f] - c.rows[dim + f]) +
                                     0.2 * (2 * urand() - 1));
                for (uint32_t i = 6; i < n; i += 7) {   /* b beyond z from a row a_k */
                    const float *a = c.rows + (size_t)ka[i % IG_DOTS_MAXQ] * dim;
                    double t = 0.08 + 0.84 * urand();
                    float *b = c.rows + (size_t)i * dim;
                    for (uint32_t f = 0; f < dim; f++)
                        b[f] = (float)(a[f] + (c.z[f] - a[f]) / t + 0.3 * (2 * urand() - 1));
                    ig_vsplit_put(&c.s, i, b);
                    c.nb[i] = ig_vsplit_aux(&c.s)[i] = sqf(b, dim);
                }
                c.zz = sqf(c.z, dim);
                float piv[TEST_PIVOTS][32] = { { 0 } }, lift[IG_DOTS_MAXQ][IG_SEG_PIVOTS] = { { 0 } };
                for (int p = 1; p < TEST_PIVOTS; p++)
                    for (uint32_t f = 0; f < dim; f++)
                        piv[p][f] = p == 1 ? c.z[f] + (float)(0.3 * (2 * urand() - 1))
                                           : (float)((round % 2 ? 0.3 : 3) * (2 * urand() - 1));
                if (pivots)
                    cov_pivots(&c, piv);
                const float *q[IG_DOTS_MAXQ];
                struct ig_seg_query sq[IG_DOTS_MAXQ];
                for (int k = 0; k < IG_DOTS_MAXQ; k++) {
                    q[k] = c.rows + (size_t)ka[k] * dim;
                    float uu = 0;
                    for (uint32_t f = 0; f < dim; f++)
                        uu += (c.z[f] - q[k][f]) * (c.z[f] - q[k][f]);
                    sq[k] = (struct ig_seg_query){ c.zz, c.nb[ka[k]], uu, 0.25f * dim * 0.9999f,
                                                   tol2 * 1.0001f, 1e-4f + 1.5f * IG_VSPLIT_EPS,
                                                   pivots ? lift[k] : NULL };
                    for (int p = 0; p < TEST_PIVOTS; p++) {   /* as judge_fast computes them */
                        float ac = 0, zc = 0;
                        for (uint32_t f = 0; f < dim; f++) {
                            ac += (q[k][f] - piv[p][f]) * (q[k][f] - piv[p][f]);
                            zc += (c.z[f] - piv[p][f]) * (c.z[f] - piv[p][f]);
                        }
                        lift[k][p] = ac - zc + 1e-4f * (ac + zc + uu);
                    }
                }
                for (int t = 0; t < nt; t++) {
                    all[t]->cov_near(&c.s, c.z, c.zz, c.nb, 1e-4f + IG_VSPLIT_EPS, d, cand);
                    for (uint32_t nq = 1; nq <= IG_DOTS_MAXQ; nq++) {
                        memset(mask, 0xff, sizeof mask);
                        unsigned any = all[t]->cov_pairs(&c.s, q, nq, c.nb, d, sq, work, mask);
                        for (uint32_t k = 0; k < nq; k++) {
                            unsigned some = 0;
                            for (uint32_t b = 0; b < nblk; b++)
                                some |= mask[k * nblk + b];
                            assert_int_equal(any >> k & 1, some != 0);
                            if (n % 16)
                                assert_int_equal(mask[k * nblk + nblk - 1] >> (n % 16), 0);
                            for (uint32_t i = 0; i < n; i++) {
                                const float *a = q[k], *b = c.rows + (size_t)i * dim;
                                double vv = 0, uv = 0, uu = 0;
                                for (uint32_t f = 0; f < dim; f++) {
                                    double v = (double)b[f] - a[f], u = (double)c.z[f] - a[f];
                                    vv += v * v;
                                    uv += u * v;
                                    uu += u * u;
                                }
                                int bit = mask[k * nblk + i / 16] >> (i % 16) & 1;
                                rows += t == 0;
                                flagged += (uint64_t)(t == 0 && bit);
                                if (vv < 0.25 * dim)
                                    continue;
                                double tt = uv / vv, res = uu - uv * tt;
                                if (tt >= 0.1 && tt <= 0.9 && res <= tol2 && res <= 0.0225 * vv) {
                                    met += t == 0;
                                    if (!bit)
                                        fail_msg("%s dim %u n %u nq %u: query %u row %u meets the test "
                                                 "(t %g, residual %g) but is not flagged", all[t]->name,
                                                 dim, n, nq, k, i, tt, res);
                                }
                            }
                        }
                    }
                }
                cov_free(&c);
            }
    print_message("pairs: %llu of %llu rows flagged, %llu meet the exact test\n",
                  (unsigned long long)flagged, (unsigned long long)rows, (unsigned long long)met);
    assert_true(met > 50 && flagged < rows / 4);   /* both outcomes, and the filter prunes */
}

/* The AVX2 searches keep the scalar body's arithmetic (dots_body.h) operation for operation:
 * on the same dot products (the AVX2 table's own) every estimate d, candidate bit and pair
 * bit is the body's, bit for bit, for widths and counts around the 16-row blocks (full
 * blocks in registers, the partial last block as the body does it), rows planted near z and
 * on its segments, ties, and zeros of both signs; the pair bound with the origin and with
 * pivots (rounds 6-7: the lifts gathered per row), which rules blocks out alike. Without AVX2 on this CPU there is nothing
 * to compare (the tests above check each path this CPU has). */
static void test_cov_avx2_is_the_body(void **state)
{
    (void)state;
    const struct ig_kern_ops *all[4], *avx2 = NULL;
    int nt = ig_kern_all(all);
    for (int t = 0; t < nt; t++)
        if (!strcmp(all[t]->name, "avx2"))
            avx2 = all[t];
    if (!avx2) {   /* as the tests above, the paths this CPU has: no AVX2, nothing to compare */
        print_message("no AVX2 table on this CPU\n");
        return;
    }
    const uint32_t dims[] = { 1, 2, 3, 4, 8, 13, 15, 16, 17, 32 };   /* the bound from 16 (IG_COV_BOUND_MINDIM) */
    const uint32_t counts[] = { 1, 5, 15, 16, 17, 31, 32, 33, 100, 512 };
    static float d1[512], d2[512], w1[4 * 512], w2[4 * 512];
    static uint16_t c1[32], c2[32], m1[4 * 32], m2[4 * 32];
    uint64_t bits = 0;
    for (int round = 0; round < 8; round++)
        for (size_t di = 0; di < sizeof dims / sizeof dims[0]; di++)
            for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
                struct cov_case c;
                /* rounds 6-7: rows with pivots (the pair bound's lifts, gathered per row) */
                const bool pivots = round >= 6;
                cov_make_aux(&c, dims[di], counts[ci], round % 2 ? 0.3 : 3, pivots ? IG_SEG_PIVOT_PLANE + 1 : 1);
                const uint32_t n = c.n, dim = c.dim, nblk = (n + 15) / 16;
                float piv[TEST_PIVOTS][32] = { { 0 } }, lift[IG_DOTS_MAXQ][IG_SEG_PIVOTS] = { { 0 } };
                for (int p = 1; p < TEST_PIVOTS; p++)
                    for (uint32_t f = 0; f < dim; f++)
                        piv[p][f] = p == 1 ? c.z[f] + (float)(0.3 * (2 * urand() - 1))
                                           : (float)((round % 2 ? 0.3 : 3) * (2 * urand() - 1));
                if (pivots)
                    cov_pivots(&c, piv);
                if (round == 4 || round == 5)   /* the rows near z all in one lane: its three smallest decide */
                    for (uint32_t i = 0; i < n; i++) {
                        float *y = c.rows + (size_t)i * dim;
                        for (uint32_t f = 0; f < dim; f++)
                            y[f] = i % 16 == 5 ? c.z[f] + (float)(0.05 * (2 * urand() - 1))
                                               : (float)(3 * (2 * urand() - 1));
                        ig_vsplit_put(&c.s, i, y);
                        c.nb[i] = ig_vsplit_aux(&c.s)[i] = sqf(y, dim);
                    }
                if (round == 2 || round == 3)   /* repeated rows (equal estimates) and signed zeros */
                    for (uint32_t i = 0; i < n; i++) {
                        float *y = c.rows + (size_t)i * dim;
                        if (i % 3 == 1)
                            memcpy(y, c.rows, dim * sizeof(float));
                        if (i % 4 == 2)
                            for (uint32_t f = 0; f < dim; f++)
                                y[f] = f % 2 ? -0.0f : 0.0f;
                        ig_vsplit_put(&c.s, i, y);
                        c.nb[i] = ig_vsplit_aux(&c.s)[i] = sqf(y, dim);
                    }
                const float est = 1e-4f + IG_VSPLIT_EPS;
                /* the body on the AVX2 table's own dot products */
                ig_cov_near_body(avx2->dots_split, &c.s, c.z, c.zz, c.nb, est, d1, c1);
                avx2->cov_near(&c.s, c.z, c.zz, c.nb, est, d2, c2);
                assert_memory_equal(d1, d2, n * sizeof(float));
                assert_memory_equal(c1, c2, nblk * sizeof(uint16_t));
                const float *q[IG_DOTS_MAXQ];
                struct ig_seg_query sq[IG_DOTS_MAXQ];
                for (uint32_t k = 0; k < IG_DOTS_MAXQ; k++) {
                    q[k] = c.rows + (size_t)((k * 7) % n) * dim;
                    float uu = 0;
                    for (uint32_t f = 0; f < dim; f++)
                        uu += (c.z[f] - q[k][f]) * (c.z[f] - q[k][f]);
                    sq[k] = (struct ig_seg_query){ c.zz, c.nb[(k * 7) % n], uu, 0.25f * dim * 0.9999f,
                                                   (round % 2 ? 0.5f : 0.0225f) * dim * 1.0001f,
                                                   1e-4f + 1.5f * IG_VSPLIT_EPS, pivots ? lift[k] : NULL };
                    for (int p = 0; p < TEST_PIVOTS; p++) {   /* as judge_fast computes them */
                        float ac = 0, zc = 0;
                        for (uint32_t f = 0; f < dim; f++) {
                            ac += (q[k][f] - piv[p][f]) * (q[k][f] - piv[p][f]);
                            zc += (c.z[f] - piv[p][f]) * (c.z[f] - piv[p][f]);
                        }
                        lift[k][p] = ac - zc + 1e-4f * (ac + zc + uu);
                    }
                }
                for (uint32_t nq = 1; nq <= IG_DOTS_MAXQ; nq++) {
                    unsigned a1 = ig_cov_pairs_body(avx2->dots_split, &c.s, q, nq, c.nb, d1, sq, w1, m1);
                    unsigned a2 = avx2->cov_pairs(&c.s, q, nq, c.nb, d2, sq, w2, m2);
                    assert_int_equal(a1, a2);
                    assert_memory_equal(m1, m2, nq * nblk * sizeof(uint16_t));
                    for (uint32_t b = 0; b < nq * nblk; b++)
                        bits += (uint64_t)__builtin_popcount(m1[b]);
                }
                cov_free(&c);
            }
    assert_true(bits > 0);   /* some pairs pass the filter: the comparison sees both outcomes */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cov_near_every_path),
        cmocka_unit_test(test_cov_pairs_every_path),
        cmocka_unit_test(test_cov_avx2_is_the_body),
        cmocka_unit_test(test_split_exact_and_within_bound),
        cmocka_unit_test(test_split_every_pattern_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
