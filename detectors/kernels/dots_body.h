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

static inline unsigned ig_cov_pairs_body(ig_dots_fn dots, const struct ig_vsplit *s,
                                         const float *const *xs, uint32_t nq, const float *nb,
                                         const float *d, const struct ig_seg_query *q,
                                         float *work, uint16_t *mask)
{
    const uint32_t n = s->count, nblk = (n + 15) / 16;
    dots(s, xs, nq, work);
    unsigned any = 0;
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

#endif
