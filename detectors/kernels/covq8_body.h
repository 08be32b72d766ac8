/* Private to covq8*.c: extraction.coverage's int8 passes (kernels.h, cq8_near and cq8_pairs)
 * as one C body over a per-path function that gives a block's integer dot products; the
 * AVX-512 VNNI file fuses the same steps. The bounds are those kernels.h states; why they
 * hold against the detector's float arithmetic is said at each. */
#ifndef IG_COVQ8_BODY_H
#define IG_COVQ8_BODY_H

#include <math.h>
#include "kern_impl.h"

/* Integer Q <= 64 groups x 4 x 255^2 < 2^24: exact as a float. */
#define IG_CQ8_MAXGROUPS 64
/* Widening of a bound: 2^-10 of it covers the float rounding of the bound itself (a few
 * ulps), the reference's float distances (nf <= 32 terms: < 1e-5 relative) and sqrt. */
#define IG_CQ8_UP (1.0f + 0x1p-10f)
#define IG_CQ8_DN (1.0f - 0x1p-10f)
/* The errors' sum rounded up far beyond a float addition's rounding */
#define IG_CQ8_EPAD 1.0001f
/* The pair filter's slack per unit of uu + V + D (the reference's float segment test and
 * this one's arithmetic err by ~1e-5 of those) */
#define IG_CQ8_SLACK 0x1p-9f

/* Bounds on a squared distance from the exact level distance Q and the two errors' sum g:
 * |x - y| within scale sqrt(Q) +- g. */
static inline void ig_cq8_bounds(float scale, int32_t q, float g, float *lo, float *hi)
{
    float r = scale * sqrtf((float)q);
    float up = r * IG_CQ8_UP + g, dn = r * IG_CQ8_DN - g;
    *hi = up * up * IG_CQ8_UP;
    *lo = dn > 0 ? dn * dn * IG_CQ8_DN : 0;
}

/* Whether a pair a-y with V in [vlo, vhi], D = |z - y|^2 in [dlo, dhi] and uu = |z - a|^2 may
 * pass the reference's segment test. Each of its conditions is necessary, at the bounds'
 * most favourable corner: V >= step; t >= 0.1, i.e. (uu + V - D) / 2 >= 0.1 V, i.e. uu +
 * 0.8 V - D >= 0; t <= 0.9: uu - 0.8 V - D <= 0; residual uu - uv^2 / V <= min(tol2, 0.0225
 * V), i.e. uu V - uv^2 <= V min(tol2, 0.0225 V), with uv = (uu + V - D) / 2 at most m in
 * magnitude. */
static inline int ig_cq8_seg_maybe(float uu, float vlo, float vhi, float dlo, float dhi, float step,
                                   float tol2)
{
    const float big = uu + vhi + dhi, sl = IG_CQ8_SLACK * big;
    const float uuh = uu * (1 + IG_CQ8_SLACK), uul = uu * (1 - IG_CQ8_SLACK);
    float uvlo = 0.5f * (uul + vlo - dhi), uvhi = 0.5f * (uuh + vhi - dlo);
    float m = fabsf(uvlo) > fabsf(uvhi) ? fabsf(uvlo) : fabsf(uvhi);
    float c = 0.0225f * vhi, thr = c < tol2 ? c : tol2;
    return (vhi >= step * (1 - IG_CQ8_SLACK)) & (uuh + 0.8f * vhi - dlo >= -sl) &
           (uul - 0.8f * vhi - dhi <= sl) & (uul * vlo - m * m <= vhi * thr + sl * big);
}

/* cq8_pairs' bound from the rows' pivots (kernels.h, struct ig_cq8.piv; the AVX-512 path's
 * cq8_keep, in the same terms): a pair the reference accepts has (z - a).(y - a) >= g |y - a|
 * with g ~ sqrt(uu - tol2), so |y - a| >= g + sqrt(g^2 + D - uu) when D >= uu; and |y - a|^2
 * <= D + |a - c|^2 - |z - c|^2 + 2 sqrt(uu) |y - c| for any point c (the row's pivot, r an
 * upper bound on |y - c|, base the query's lift there). False: y cannot complete a segment
 * with a. */
struct ig_cq8_bound {
    float g, g2, g4x, uu1, two_su;   /* g <= 0: not used */
};

static inline struct ig_cq8_bound ig_cq8_bound_of(float uu, float tol2)
{
    struct ig_cq8_bound c = { .g = -1 };
    float G = (uu - tol2 * 1.0001f) * (1 - 1e-4f);
    if (G > 0)
        c.g = sqrtf(G) - 1e-4f * sqrtf(uu);
    c.g2 = c.g * c.g;
    c.g4x = 4 * c.g2;
    c.uu1 = uu * (1 + 1e-4f);
    c.two_su = 2 * sqrtf(uu) * (1 + 0x1p-12f);
    return c;
}

static inline int ig_cq8_keep(const struct ig_cq8_bound *c, float r, float base, float dlo, float dhi)
{
    float x = dlo - c->uu1;
    if (!(c->g > 0) || !(x >= 0))
        return 1;
    float vmax = (c->two_su * r + dhi) + (1e-4f * (r * r + dhi) + base);
    float L = vmax - (2 * c->g2 + x);
    return !(L < 0 || L * L < c->g4x * (c->g2 + x));
}

/* A path's integer dot products of block b: out[q][l] = sum_f lv[q][f] code(16 b + l)[f]. */
typedef void (*ig_cq8_blk_fn)(const struct ig_cq8 *s, uint32_t b, const uint8_t *const *lv,
                              uint32_t nq, int32_t out[][16]);

static inline void ig_cq8_near_body(ig_cq8_blk_fn blk, const struct ig_cq8 *s, const struct ig_cq8_q *z,
                                    float *lo, float *hi, uint16_t *cand)
{
    const uint32_t n = s->n;
    float t0 = INFINITY, t1 = INFINITY, t2 = INFINITY;   /* the three smallest hi */
    for (uint32_t i = 0; i < n; i += 16) {
        int32_t p[1][16];
        blk(s, i / 16, &z->lv, 1, p);
        uint32_t g = n - i < 16 ? n - i : 16;
        for (uint32_t l = 0; l < g; l++) {
            int32_t q = z->c + s->norm[i + l] - 2 * p[0][l];
            float h;
            ig_cq8_bounds(s->scale, q, (z->e + s->err[i + l]) * IG_CQ8_EPAD, &lo[i + l], &h);
            hi[i + l] = h;
            if (h < t2) {
                if (h < t1) {
                    t2 = t1;
                    if (h < t0) {
                        t1 = t0;
                        t0 = h;
                    } else {
                        t1 = h;
                    }
                } else {
                    t2 = h;
                }
            }
        }
    }
    for (uint32_t i = 0; i < n; i += 16) {
        uint32_t g = n - i < 16 ? n - i : 16, bits = 0;
        for (uint32_t l = 0; l < g; l++)
            bits |= (uint32_t)(lo[i + l] <= t2) << l;
        cand[i / 16] = (uint16_t)bits;
    }
}

static inline unsigned ig_cq8_pairs_body(ig_cq8_blk_fn blk, const struct ig_cq8 *s,
                                         const struct ig_cq8_q *a, uint32_t na, float step, float tol2,
                                         const float *lo, const float *hi, uint16_t *mask)
{
    const uint32_t n = s->n, nblk = (n + 15) / 16;
    const uint8_t *lv[3];
    struct ig_cq8_bound cb[3];
    for (uint32_t k = 0; k < na; k++) {
        lv[k] = a[k].lv;
        cb[k] = ig_cq8_bound_of(a[k].uu, tol2);
    }
    unsigned any = 0;
    for (uint32_t i = 0; i < n; i += 16) {
        uint32_t g = n - i < 16 ? n - i : 16, keep[3] = { 0, 0, 0 }, busy = 0;
        for (uint32_t k = 0; k < na; k++) {
            for (uint32_t l = 0; l < g; l++) {
                uint32_t b, pv = 0;
                float r = 0;
                if (s->piv) {
                    r = s->piv[i + l];
                    __builtin_memcpy(&b, &r, 4);
                    pv = b & (IG_SEG_PIVOTS - 1);
                }
                keep[k] |= (uint32_t)(!s->piv || ig_cq8_keep(&cb[k], r, a[k].lift[pv], lo[i + l], hi[i + l])) << l;
            }
            busy |= keep[k];
        }
        if (!busy) {
            for (uint32_t k = 0; k < na; k++)
                mask[k * nblk + i / 16] = 0;
            continue;
        }
        int32_t p[3][16];
        blk(s, i / 16, lv, na, p);
        for (uint32_t k = 0; k < na; k++) {
            uint32_t bits = 0;
            for (uint32_t l = 0; l < g; l++) {
                if (!(keep[k] >> l & 1))
                    continue;
                int32_t q = a[k].c + s->norm[i + l] - 2 * p[k][l];
                float vlo, vhi;
                ig_cq8_bounds(s->scale, q, (a[k].e + s->err[i + l]) * IG_CQ8_EPAD, &vlo, &vhi);
                bits |= (uint32_t)ig_cq8_seg_maybe(a[k].uu, vlo, vhi, lo[i + l], hi[i + l], step, tol2) << l;
            }
            mask[k * nblk + i / 16] = (uint16_t)bits;
            any |= (bits != 0) << k;
        }
    }
    return any;
}

#endif
