/* ig_kern_ops.cq8_near and .cq8_pairs (kernels/kernels.h, struct ig_cq8): extraction.coverage's
 * int8 passes on every path this CPU runs. Rows are coded here as the detector codes them
 * (levels at a scale, an error bound from double sums), with values beyond the scale's
 * reach (clamped: a large error) among them; the answers are checked against double
 * arithmetic on the stored floats and the float sums the detector decides with. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <inferguard/base.h>
#include "../../detectors/kernels/kernels.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

#define MAXN 512
#define MAXF 32

struct q8case {
    uint32_t nf, n, groups;
    float scale;
    float rows[MAXN][MAXF], z[MAXF];
    int8_t *codes;   /* groups planes of cap * 4 bytes */
    size_t plane;
    int32_t norm[MAXN];
    float err[MAXN], piv[MAXN];
    struct ig_cq8 s;
};

/* levels, c and err as det_extraction_coverage.c computes them */
static int32_t levels(const float *x, uint32_t nf, uint32_t groups, float scale, uint8_t *lv, int32_t *c,
                      float *err)
{
    double e2 = 0;
    int32_t sum = 0, sq = 0;
    for (uint32_t f = 0; f < nf; f++) {
        double t = ((double)x[f] + 128.0 * scale) / scale;
        t = t > 0 ? t : 0;
        t = t < 255 ? t : 255;
        int l = (int)(t + 0.5);
        double r = (double)x[f] - (double)scale * (l - 128);
        e2 += r * r;
        lv[f] = (uint8_t)l;
        sum += l;
        sq += l * l;
    }
    for (uint32_t f = nf; f < 4 * groups; f++)
        lv[f] = 0;
    *c = sq - 256 * sum;
    *err = (float)(sqrt(e2) * (1 + 1e-6) + 1e-6 * scale);
    return sq;
}

static void put_row(struct q8case *k, uint32_t i)
{
    uint8_t lv[MAXF];
    int32_t c;
    k->norm[i] = levels(k->rows[i], k->nf, k->groups, k->scale, lv, &c, &k->err[i]);
    for (uint32_t f = 0; f < 4 * k->groups; f++)
        k->codes[(f / 4) * k->plane + 4 * (size_t)i + f % 4] = (int8_t)(lv[f] - 128);
}

/* n rows of nf features in sd units within +-2, a few beyond the scale's reach, every fifth
 * near z */
static void make(struct q8case *k, uint32_t nf, uint32_t n, double spread)
{
    k->nf = nf;
    k->n = n;
    k->groups = (nf + 3) / 4;
    k->scale = 2.0f / 127;
    const uint32_t cap = (n + 15) / 16 * 16;
    k->plane = (size_t)cap * 4;
    k->codes = calloc(k->groups, k->plane);
    for (uint32_t f = 0; f < nf; f++)
        k->z[f] = (float)(spread * (2 * urand() - 1));
    for (uint32_t i = 0; i < n; i++) {
        double near = i % 5 == 0 ? 0.05 * urand() : 1;
        for (uint32_t f = 0; f < nf; f++)
            k->rows[i][f] = (float)(near < 1 ? k->z[f] + near * (2 * urand() - 1) : spread * (2 * urand() - 1));
        if (i % 11 == 3)
            k->rows[i][i % nf] = (float)(5 * (2 * urand() - 1) * spread);   /* clamped */
        put_row(k, i);
    }
    k->s = (struct ig_cq8){ .codes = k->codes, .plane = k->plane, .norm = k->norm, .err = k->err,
                            .n = n, .groups = k->groups, .scale = k->scale };
}

/* the detector's float distance (dist2: a float sum in feature order) */
static float dist2f(const float *x, const float *y, uint32_t nf)
{
    float s = 0;
    for (uint32_t f = 0; f < nf; f++)
        s += (x[f] - y[f]) * (x[f] - y[f]);
    return s;
}

static double dist2d(const float *x, const float *y, uint32_t nf)
{
    double s = 0;
    for (uint32_t f = 0; f < nf; f++)
        s += ((double)x[f] - y[f]) * ((double)x[f] - y[f]);
    return s;
}

/* cq8_near: lo <= the float and the double distance <= hi for every row, every row up to
 * the third smallest distance a candidate, no bit past n, and few candidates on 512 rows. */
static void test_near_every_path(void **state)
{
    (void)state;
    const uint32_t nfs[] = { 1, 2, 3, 4, 5, 13, 16, 31, 32 };
    const uint32_t counts[] = { 1, 2, 3, 4, 7, 16, 17, 33, 100, 512 };
    const struct ig_kern_ops *all[4];
    int nt = ig_kern_all(all);
    static struct q8case k;
    static float lo[MAXN], hi[MAXN];
    static uint16_t cand[MAXN / 16];
    for (int round = 0; round < 2; round++)
        for (size_t a = 0; a < sizeof nfs / sizeof nfs[0]; a++)
            for (size_t b = 0; b < sizeof counts / sizeof counts[0]; b++) {
                make(&k, nfs[a], counts[b], round ? 0.5 : 1.5);
                const uint32_t n = k.n, nblk = (n + 15) / 16;
                double third[3] = { INFINITY, INFINITY, INFINITY }, ex[MAXN];
                for (uint32_t i = 0; i < n; i++) {
                    ex[i] = dist2f(k.z, k.rows[i], k.nf);
                    if (ex[i] < third[2]) {
                        third[2] = ex[i];
                        for (int j = 2; j > 0 && third[j] < third[j - 1]; j--) {
                            double t = third[j];
                            third[j] = third[j - 1];
                            third[j - 1] = t;
                        }
                    }
                }
                uint8_t zl[MAXF];
                struct ig_cq8_q qz = { .lv = zl };
                levels(k.z, k.nf, k.groups, k.scale, zl, &qz.c, &qz.e);
                for (int t = 0; t < nt; t++) {
                    memset(cand, 0xff, sizeof cand);
                    all[t]->cq8_near(&k.s, &qz, lo, hi, cand);
                    uint32_t flagged = 0;
                    for (uint32_t i = 0; i < n; i++) {
                        double dd = dist2d(k.z, k.rows[i], k.nf);
                        if (!(lo[i] <= ex[i] && ex[i] <= hi[i] && lo[i] <= dd && dd <= hi[i]))
                            fail_msg("%s nf %u n %u row %u: [%g, %g] misses %g (double %g)", all[t]->name, k.nf,
                                     n, i, lo[i], hi[i], ex[i], dd);
                        int bit = cand[i / 16] >> (i % 16) & 1;
                        flagged += (uint32_t)bit;
                        if (ex[i] <= third[2] && !bit)
                            fail_msg("%s nf %u n %u: row %u (%g, third nearest %g) not a candidate", all[t]->name,
                                     k.nf, n, i, ex[i], third[2]);
                    }
                    if (n % 16)
                        assert_int_equal(cand[nblk - 1] >> (n % 16), 0);
                    if (n == 512 && k.nf >= 16 && flagged > n / 4)
                        fail_msg("%s nf %u: %u of %u rows candidates", all[t]->name, k.nf, flagged, n);
                }
                free(k.codes);
            }
}

/* Pivots as the detector keeps them: each row's nearest of <np> pivots, an upper bound on
 * its distance to it packed with its index; per query a, its lift. */
#define NPIV 5
static void pivots(struct q8case *k, float piv[NPIV][MAXF])
{
    for (uint32_t i = 0; i < k->n; i++) {
        double bd = INFINITY;
        uint32_t which = 0;
        for (uint32_t p = 0; p < NPIV; p++) {
            double d2 = dist2d(k->rows[i], piv[p], k->nf);
            if (d2 < bd) {
                bd = d2;
                which = p;
            }
        }
        k->piv[i] = ig_seg_pivot_pack((float)(sqrt(bd) * (1 + 0x1p-12)), which);
    }
    k->s.piv = k->piv;
}

/* cq8_pairs: with z planted on segments between rows (t over [0.1, 0.9], residuals up to
 * the tolerance), every pair that meets the exact conditions (double arithmetic on the
 * stored floats: t in [0.1, 0.9], residual <= tol2 and <= 0.0225 |b - a|^2, |b - a|^2 >=
 * 0.25 nf) is flagged on every path, with and without pivots; no bit past n; the returned
 * set says which queries have one; random rows are mostly left out. */
static void test_pairs_every_path(void **state)
{
    (void)state;
    const uint32_t nfs[] = { 3, 4, 8, 13, 17, 32 };
    const uint32_t counts[] = { 8, 16, 17, 100, 512 };
    const struct ig_kern_ops *all[4];
    int nt = ig_kern_all(all);
    static struct q8case k;
    static float lo[MAXN], hi[MAXN];
    static uint16_t cand[MAXN / 16], mask[3 * MAXN / 16];
    uint64_t met = 0, flagged = 0, rows = 0;
    for (int round = 0; round < 6; round++)
        for (size_t a = 0; a < sizeof nfs / sizeof nfs[0]; a++)
            for (size_t b = 0; b < sizeof counts / sizeof counts[0]; b++) {
                const double spread = round % 2 ? 0.3 : 1.5;
                make(&k, nfs[a], counts[b], spread);
                const uint32_t n = k.n, nf = k.nf, nblk = (n + 15) / 16;
                const float tol2 = 0.0225f * nf;
                const uint32_t ka[3] = { 1, 3, 5 };
                double t0 = 0.1 + 0.8 * urand();
                for (uint32_t f = 0; f < nf; f++)
                    k.z[f] = (float)(k.rows[1][f] + t0 * (k.rows[2][f] - k.rows[1][f]) + 0.1 * (2 * urand() - 1));
                for (uint32_t i = 6; i < n; i += 7) {   /* b beyond z from a row a_k */
                    const float *ar = k.rows[ka[i % 3]];
                    double t = 0.08 + 0.84 * urand();
                    for (uint32_t f = 0; f < nf; f++)
                        k.rows[i][f] = (float)(ar[f] + (k.z[f] - ar[f]) / t + 0.1 * (2 * urand() - 1));
                    put_row(&k, i);
                }
                float piv[NPIV][MAXF] = { { 0 } }, lift[3][IG_SEG_PIVOTS] = { { 0 } };
                for (int p = 1; p < NPIV; p++)
                    for (uint32_t f = 0; f < nf; f++)
                        piv[p][f] = p == 1 ? k.z[f] + (float)(0.3 * (2 * urand() - 1)) : (float)(spread * (2 * urand() - 1));
                if (round >= 3)
                    pivots(&k, piv);
                uint8_t zl[MAXF], al[3][MAXF];
                struct ig_cq8_q qz = { .lv = zl }, qa[3];
                levels(k.z, nf, k.groups, k.scale, zl, &qz.c, &qz.e);
                for (int j = 0; j < 3; j++) {
                    const float *ar = k.rows[ka[j]];
                    qa[j] = (struct ig_cq8_q){ .lv = al[j], .uu = dist2f(k.z, ar, nf), .lift = lift[j] };
                    levels(ar, nf, k.groups, k.scale, al[j], &qa[j].c, &qa[j].e);
                    for (int p = 0; p < NPIV; p++) {   /* as judge_fast computes them */
                        float ac = dist2f(ar, piv[p], nf), zc = dist2f(k.z, piv[p], nf);
                        lift[j][p] = ac - zc + 1e-4f * (ac + zc + qa[j].uu);
                    }
                }
                for (int t = 0; t < nt; t++) {
                    all[t]->cq8_near(&k.s, &qz, lo, hi, cand);
                    for (uint32_t na = 1; na <= 3; na++) {
                        memset(mask, 0xff, sizeof mask);
                        unsigned any = all[t]->cq8_pairs(&k.s, qa, na, 0.25f * nf, tol2, lo, hi, mask);
                        for (uint32_t j = 0; j < na; j++) {
                            unsigned some = 0;
                            for (uint32_t bb = 0; bb < nblk; bb++)
                                some |= mask[j * nblk + bb];
                            assert_int_equal(any >> j & 1, some != 0);
                            if (n % 16)
                                assert_int_equal(mask[j * nblk + nblk - 1] >> (n % 16), 0);
                            for (uint32_t i = 0; i < n; i++) {
                                const float *ar = k.rows[ka[j]], *br = k.rows[i];
                                double vv = 0, uv = 0, uu = 0;
                                for (uint32_t f = 0; f < nf; f++) {
                                    double v = (double)br[f] - ar[f], u = (double)k.z[f] - ar[f];
                                    vv += v * v;
                                    uv += u * v;
                                    uu += u * u;
                                }
                                int bit = mask[j * nblk + i / 16] >> (i % 16) & 1;
                                rows += t == 0;
                                flagged += (uint64_t)(t == 0 && bit);
                                if (vv < 0.25 * nf)
                                    continue;
                                double tt = uv / vv, res = uu - uv * tt;
                                if (tt >= 0.1 && tt <= 0.9 && res <= tol2 && res <= 0.0225 * vv) {
                                    met += t == 0;
                                    if (!bit)
                                        fail_msg("%s nf %u n %u na %u%s: query %u row %u meets the test (t %g, "
                                                 "residual %g) but is not flagged", all[t]->name, nf, n, na,
                                                 round >= 3 ? " pivots" : "", j, i, tt, res);
                                }
                            }
                        }
                    }
                }
                free(k.codes);
            }
    print_message("pairs: %llu of %llu rows flagged, %llu meet the exact test\n", (unsigned long long)flagged,
                  (unsigned long long)rows, (unsigned long long)met);
    assert_true(met > 50 && flagged < rows / 4);   /* both outcomes, and the filter prunes */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_near_every_path),
        cmocka_unit_test(test_pairs_every_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
