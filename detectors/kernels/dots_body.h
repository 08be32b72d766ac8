/* Private to dots*.c: extraction.coverage's searches (struct ig_kern_ops, cov_near and
 * cov_pairs) as one C body, the scalar path; dots_avx2.c runs the same per-row steps eight
 * lanes at a time, operation for operation (test_dots compares them bit for bit), and
 * dots_avx512.c fuses the same steps. The margins are explained in
 * det_extraction_coverage.c (judge_fast). */
#ifndef IG_DOTS_BODY_H
#define IG_DOTS_BODY_H

#include <math.h>
#include "kern_impl.h"

typedef void (*ig_dots_fn)(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                           float *out);

/* Absolute part of the margins (kernels.h) */
#define IG_COV_TINY 1e-30f

/* Whether b (squared length nbi, estimated a.b ab, estimated |z - b|^2 D) may complete a
 * segment a-b through z: every condition of the exact test, each loosened by the margin m
 * (and the residual's by what m does to it). */
static inline int ig_seg_maybe(const struct ig_seg_query *q, float nbi, float ab, float D)
{
    float V = q->aa + nbi - 2 * ab;
    float m = q->rel * (q->zz + q->aa + 2 * nbi + q->uu) + IG_COV_TINY;
    float uv = 0.5f * (q->uu + V - D), Vp = V + m;
    float c = 0.0225f * 1.0001f * Vp, thr = (c < q->tol2_hi ? c : q->tol2_hi) + 1e-4f * (q->uu + Vp);
    return (V >= q->step_lo - m) & (uv >= 0.1f * V - m) & (uv <= 0.9f * V + m) &
           (q->uu * V - uv * uv <= Vp * thr + (q->uu + 2 * fabsf(uv) + m) * m);
}

/* The third smallest of v[0..n) (INFINITY when n < 3). */
static inline float ig_third_smallest(const float *v, uint32_t n)
{
    float a = INFINITY, b = INFINITY, c = INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        float t = v[i];
        if (t < c) {
            if (t < b) {
                c = b;
                if (t < a) {
                    b = a;
                    a = t;
                } else {
                    b = t;
                }
            } else {
                c = t;
            }
        }
    }
    return c;
}

static inline void ig_cov_near_body(ig_dots_fn dots, const struct ig_vsplit *s, const float *z,
                                    float zz, const float *nb, float est, float *d, uint16_t *cand)
{
    const uint32_t n = s->count;
    const float *q[1] = { z };
    dots(s, q, 1, d);
    /* per lane of 16, the three smallest upper bounds d + e */
    float m0[16], m1[16], m2[16];
    for (int l = 0; l < 16; l++)
        m0[l] = m1[l] = m2[l] = INFINITY;
    for (uint32_t i = 0; i < n; i += 16) {
        uint32_t g = n - i < 16 ? n - i : 16;
        for (uint32_t l = 0; l < g; l++) {
            float sum = zz + nb[i + l], e = est * sum + IG_COV_TINY;
            float v = sum - 2 * d[i + l], t = v + e;
            d[i + l] = v;
            float a0 = m0[l] < t ? m0[l] : t;
            t = m0[l] < t ? t : m0[l];
            float a1 = m1[l] < t ? m1[l] : t;
            t = m1[l] < t ? t : m1[l];
            m2[l] = m2[l] < t ? m2[l] : t;
            m0[l] = a0;
            m1[l] = a1;
        }
    }
    float all[48];
    for (int l = 0; l < 16; l++) {
        all[l] = m0[l];
        all[16 + l] = m1[l];
        all[32 + l] = m2[l];
    }
    const float h3 = ig_third_smallest(all, 48);
    for (uint32_t i = 0; i < n; i += 16) {
        uint32_t g = n - i < 16 ? n - i : 16, bits = 0;
        for (uint32_t l = 0; l < g; l++) {
            float sum = zz + nb[i + l], e = est * sum + IG_COV_TINY;
            bits |= (uint32_t)(d[i + l] - e <= h3) << l;
        }
        cand[i / 16] = (uint16_t)bits;
    }
}

/* The second pass's bound (kernels.h, cov_pairs), per query: a pair the reference accepts
 * has (z - a).(b - a) >= g |b - a| with g ~ sqrt(uu - tol2) (its residual is at most tol2),
 * so by the law of cosines |b - a| >= g + sqrt(g^2 + |z - b|^2 - uu) when |z - b|^2 >= uu.
 * And for any point c, |b - a|^2 = |z - b|^2 + |a - c|^2 - |z - c|^2 + 2 (z - a).(b - c)
 * <= |z - b|^2 + |a - c|^2 - |z - c|^2 + 2 sqrt(uu) |b - c|. A row whose largest |b - a|^2
 * falls short of the smallest one needed cannot complete a segment with a, and a block
 * whose every row is out needs no products. c is the row's pivot (q->lift: the origin or
 * a class centre; the row's bound on |b - c| in aux plane IG_SEG_PIVOT_PLANE), else the
 * origin (|b| from nb). Every bound is loosened by 1e-4 of the values involved, which
 * covers the reference's float arithmetic and this one's (fused or not), and d's error by
 * the first pass's margin. The AVX-512 path (dots_avx512.c) fuses the same steps; the
 * scalar body and the AVX2 path run them operation for operation alike. */
struct ig_cov_bound {
    float g, g2, g4x, uu1, two_su, base;   /* g <= 0: not used */
};

static inline struct ig_cov_bound ig_cov_bound_of(const struct ig_seg_query *q)
{
    struct ig_cov_bound c = { .g = -1 };
    float G = (q->uu - q->tol2_hi) * (1 - 1e-4f);
    if (G > 0)
        c.g = sqrtf(G) - 1e-4f * sqrtf(q->uu);
    c.g2 = c.g * c.g;
    c.g4x = 4 * c.g2;
    c.uu1 = q->uu * (1 + 1e-4f);
    c.two_su = 2 * sqrtf(q->uu) * (1 + 0x1p-12f);   /* the AVX-512 path's rsqrt14 error on |b| */
    c.base = q->aa - q->zz + 1e-4f * (q->zz + q->aa + q->uu);
    return c;
}

/* Whether the bound keeps one row: rr = |b - c|^2 (or at least it), r an upper bound on
 * |b - c|, base = |a - c|^2 - |z - c|^2 with its slack, dlo / dhi = bounds on |z - b|^2. */
static inline int ig_cov_keep1(const struct ig_cov_bound *c, float rr, float r, float base, float dlo,
                               float dhi)
{
    if (!(c->g > 0))
        return 1;
    float x = dlo - c->uu1;
    float vmax = (c->two_su * r + dhi) + (1e-4f * (rr + dhi) + base);
    float L = vmax - (2 * c->g2 + x);
    int out = (L < 0.0f) | (L * L < c->g4x * (c->g2 + x));
    return !(out & (x >= 0.0f));
}

/* d's bounds: the first pass's margin (est = 1e-4 + IG_VSPLIT_EPS), then 1e-4 more below */
static inline void ig_cov_dbounds(float zz, float nbi, float D, float *dlo, float *dhi)
{
    const float est = 1e-4f + IG_VSPLIT_EPS;
    float e = est * (zz + nbi) + IG_COV_TINY;
    *dhi = D + e;
    *dlo = (D - e) - 1e-4f * (*dhi + zz);
}

/* The row's pivot bound r, r^2 and the query's lift for its pivot (piv: the pivot plane),
 * or without pivots the row's length (exact square root of nb) and nb. */
static inline void ig_cov_row_c(const float *piv, uint32_t i, float nbi, const float *lift, float cbase,
                                float *r, float *rr, float *base)
{
    if (piv) {
        uint32_t b;
        __builtin_memcpy(&b, &piv[i], 4);
        *r = piv[i];
        *rr = *r * *r;
        *base = lift[b & (IG_SEG_PIVOTS - 1)];
    } else {
        *r = sqrtf(nbi);
        *rr = nbi;
        *base = cbase;
    }
}

/* Per query, the rows of the block at row i (g of them) that the bound keeps (bit l) */
static inline void ig_cov_block_keep(uint32_t i, uint32_t g, uint32_t nq, const struct ig_cov_bound *cb,
                                     const struct ig_seg_query *q, const float *nb, const float *d,
                                     const float *piv, uint16_t *keep)
{
    const float zz = q[0].zz;
    for (uint32_t j = 0; j < nq; j++)
        keep[j] = 0;
    for (uint32_t l = 0; l < g; l++) {
        float dlo, dhi;
        ig_cov_dbounds(zz, nb[i + l], d[i + l], &dlo, &dhi);
        for (uint32_t j = 0; j < nq; j++) {
            float r, rr, base;
            ig_cov_row_c(piv, i + l, nb[i + l], q[j].lift, cb[j].base, &r, &rr, &base);
            keep[j] |= (uint16_t)(ig_cov_keep1(&cb[j], rr, r, base, dlo, dhi) << l);
        }
    }
}

/* Rows i .. i + 15 (or to the end) of the set as a set of their own: the same products */
static inline struct ig_vsplit ig_vsplit_block(const struct ig_vsplit *s, uint32_t i)
{
    struct ig_vsplit v = *s;
    v.hi = s->hi + (size_t)i * s->pairs;
    v.count = s->count - i < 16 ? s->count - i : 16;
    return v;
}

/* The blocks the bound looks at before choosing: when it keeps more than half of the
 * (block, query) pairs there (rows spread so that |b - a| could reach), the plain sweep. */
#define IG_COV_PROBE 4
/* Fewer features: the scalar and AVX2 paths take the plain sweep without the bound, whose
 * cost per row does not shrink with the width while the products' does (replay_x1, iris's
 * 4 features: this pass cost 25 % more with it; oip_v2_d64's 32 sampled features: 38 % less) */
#define IG_COV_BOUND_MINDIM 16

static inline unsigned ig_cov_pairs_body(ig_dots_fn dots, const struct ig_vsplit *s,
                                         const float *const *xs, uint32_t nq, const float *nb,
                                         const float *d, const struct ig_seg_query *q,
                                         float *work, uint16_t *mask)
{
    const uint32_t n = s->count, nblk = (n + 15) / 16;
    const bool narrow = s->dim < IG_COV_BOUND_MINDIM;
    struct ig_cov_bound cb[IG_DOTS_MAXQ];
    for (uint32_t k = 0; k < nq && !narrow; k++)
        cb[k] = ig_cov_bound_of(&q[k]);
    const float *piv = q[0].lift && s->naux > IG_SEG_PIVOT_PLANE ? ig_vsplit_aux_plane(s, IG_SEG_PIVOT_PLANE)
                                                                 : NULL;
    uint16_t keep[IG_DOTS_MAXQ];
    uint32_t probe = nblk < IG_COV_PROBE ? nblk : IG_COV_PROBE, busy = 0;
    for (uint32_t b = 0; b < probe && !narrow; b++) {
        ig_cov_block_keep(16 * b, n - 16 * b < 16 ? n - 16 * b : 16, nq, cb, q, nb, d, piv, keep);
        for (uint32_t k = 0; k < nq; k++)
            busy += keep[k] != 0;
    }
    unsigned any = 0;
    if (narrow || 2 * busy > probe * nq) {   /* the plain sweep: every row's products */
        dots(s, xs, nq, work);
        for (uint32_t k = 0; k < nq; k++) {
            const float *ab = work + (size_t)k * n;
            for (uint32_t i = 0; i < n; i += 16) {
                uint32_t g = n - i < 16 ? n - i : 16, bits = 0;
                for (uint32_t l = 0; l < g; l++)
                    bits |= (uint32_t)ig_seg_maybe(&q[k], nb[i + l], ab[i + l], d[i + l]) << l;
                mask[k * nblk + i / 16] = (uint16_t)bits;
                any |= (bits != 0) << k;
            }
        }
        return any;
    }
    for (uint32_t i = 0; i < n; i += 16) {
        const uint32_t g = n - i < 16 ? n - i : 16;
        ig_cov_block_keep(i, g, nq, cb, q, nb, d, piv, keep);
        const float *xq[IG_DOTS_MAXQ];
        uint32_t act[IG_DOTS_MAXQ], na = 0;
        for (uint32_t k = 0; k < nq; k++) {
            mask[k * nblk + i / 16] = 0;
            if (keep[k]) {
                act[na] = k;
                xq[na++] = xs[k];
            }
        }
        if (!na)
            continue;
        const struct ig_vsplit v = ig_vsplit_block(s, i);
        dots(&v, xq, na, work);   /* work[a * g + l] */
        for (uint32_t a = 0; a < na; a++) {
            const uint32_t k = act[a];
            uint32_t bits = 0;
            for (uint32_t l = 0; l < g; l++)
                if (keep[k] >> l & 1)
                    bits |= (uint32_t)ig_seg_maybe(&q[k], nb[i + l], work[a * g + l], d[i + l]) << l;
            mask[k * nblk + i / 16] = (uint16_t)bits;
            any |= (bits != 0) << k;
        }
    }
    return any;
}

#endif
