/* Private to dots*.c: the candidate filter of struct ig_kern_ops, one C body that each
 * path's file compiles for its instruction set (the compiler vectorises it). The margin
 * m and the residual slack are explained in det_extraction_coverage.c (judge_fast). */
#ifndef IG_DOTS_BODY_H
#define IG_DOTS_BODY_H

#include <math.h>
#include "kern_impl.h"

static inline int ig_seg_filter_body(const float *nb, const float *dz, float *ab, uint32_t n,
                                     const struct ig_seg_query *q)
{
    const float zz = q->zz, aa = q->aa, uu = q->uu, step_lo = q->step_lo, tol2_hi = q->tol2_hi,
                rel = q->rel;
    int any = 0;
    for (uint32_t i = 0; i < n; i++) {
        float V = aa + nb[i] - 2 * ab[i], D = dz[i];
        float m = rel * (zz + aa + 2 * nb[i] + uu) + 1e-30f;
        float uv = 0.5f * (uu + V - D), Vp = V + m;
        float c = 0.0225f * 1.0001f * Vp, thr = (c < tol2_hi ? c : tol2_hi) + 1e-4f * (uu + Vp);
        int maybe = (V >= step_lo - m) & (uv >= 0.1f * V - m) & (uv <= 0.9f * V + m) &
                    (uu * V - uv * uv <= Vp * thr + (uu + 2 * fabsf(uv) + m) * m);
        ab[i] = maybe ? 1.0f : 0.0f;
        any |= maybe;
    }
    return any;
}

#endif
