/* extraction.coverage's int8 passes (kernels.h, cq8_near and cq8_pairs), AVX-512 VNNI: one
 * vpdpbusd per group of 4 features multiplies a query's 4 levels (broadcast) by 16 rows'
 * codes; the bounds and filters of covq8_body.h in registers, 16 rows at a time. Only
 * called when the CPU has AVX512_VNNI. */
#include <immintrin.h>

#include <inferguard/base.h>
#include "covq8_body.h"

static inline __mmask16 lanes(uint32_t left)
{
    return left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
}

static inline __m512i bcast4(const uint8_t *x)
{
    int32_t w;
    __builtin_memcpy(&w, x, 4);
    return _mm512_set1_epi32(w);
}

/* ig_cq8_bounds on 16 rows, sqrt(Q) as Q / sqrt(Q) from vrsqrt14ps (relative error below
 * 2^-14, inside the bounds' widening of 2^-10; Q = 0 gives 0) */
static inline void bounds16(__m512 scale, __m512i q, __m512 g, __m512 *lo, __m512 *hi)
{
    __m512 qf = _mm512_cvtepi32_ps(q);
    __m512 r = _mm512_mul_ps(scale, _mm512_mul_ps(qf, _mm512_rsqrt14_ps(_mm512_max_ps(qf, _mm512_set1_ps(1)))));
    __m512 up = _mm512_add_ps(_mm512_mul_ps(r, _mm512_set1_ps(IG_CQ8_UP)), g);
    __m512 dn = _mm512_sub_ps(_mm512_mul_ps(r, _mm512_set1_ps(IG_CQ8_DN)), g);
    *hi = _mm512_mul_ps(_mm512_mul_ps(up, up), _mm512_set1_ps(IG_CQ8_UP));
    dn = _mm512_max_ps(dn, _mm512_setzero_ps());
    *lo = _mm512_mul_ps(_mm512_mul_ps(dn, dn), _mm512_set1_ps(IG_CQ8_DN));
}

void ig_kern_cq8_near_avx512vnni(const struct ig_cq8 *s, const struct ig_cq8_q *z, float *lo, float *hi,
                                 uint16_t *cand)
{
    IG_ASSERT(s->groups >= 1 && s->groups <= IG_CQ8_MAXGROUPS);
    const uint32_t n = s->n, G = s->groups;
    const __m512 scale = _mm512_set1_ps(s->scale), inf = _mm512_set1_ps(INFINITY),
                 ez = _mm512_set1_ps(z->e), pad = _mm512_set1_ps(IG_CQ8_EPAD);
    const __m512i cz = _mm512_set1_epi32(z->c);
    __m512 b0 = inf, b1 = inf, b2 = inf;   /* per lane, the three smallest hi */
    for (uint32_t i = 0; i < n; i += 16) {
        const int8_t *run = s->codes + (size_t)i * 4;
        __m512i a0 = _mm512_setzero_si512(), a1 = a0;
        uint32_t g = 0;
        for (; g + 2 <= G; g += 2) {
            a0 = _mm512_dpbusd_epi32(a0, bcast4(z->lv + 4 * g), _mm512_loadu_si512(run + g * s->plane));
            a1 = _mm512_dpbusd_epi32(a1, bcast4(z->lv + 4 * g + 4), _mm512_loadu_si512(run + (g + 1) * s->plane));
        }
        if (g < G)
            a0 = _mm512_dpbusd_epi32(a0, bcast4(z->lv + 4 * g), _mm512_loadu_si512(run + g * s->plane));
        __m512i dot = _mm512_add_epi32(a0, a1);
        __m512i q = _mm512_sub_epi32(_mm512_add_epi32(cz, _mm512_loadu_si512(s->norm + i)), _mm512_add_epi32(dot, dot));
        __m512 gsum = _mm512_mul_ps(_mm512_add_ps(ez, _mm512_loadu_ps(s->err + i)), pad);
        __m512 l, h;
        bounds16(scale, q, gsum, &l, &h);
        /* lo and hi hold n rounded up to 16 */
        _mm512_storeu_ps(lo + i, l);
        _mm512_storeu_ps(hi + i, h);
        __m512 t = _mm512_mask_blend_ps(lanes(n - i), inf, h);
        __m512 c0 = _mm512_min_ps(b0, t);
        t = _mm512_max_ps(t, b0);
        __m512 c1 = _mm512_min_ps(b1, t);
        t = _mm512_max_ps(t, b1);
        b2 = _mm512_min_ps(b2, t);
        b0 = c0;
        b1 = c1;
    }
    float all[48];
    _mm512_storeu_ps(all, b0);
    _mm512_storeu_ps(all + 16, b1);
    _mm512_storeu_ps(all + 32, b2);
    float t0 = INFINITY, t1 = INFINITY, t2 = INFINITY;
    for (int k = 0; k < 48; k++) {
        float h = all[k];
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
    const __m512 th = _mm512_set1_ps(t2);
    for (uint32_t i = 0; i < n; i += 16)
        cand[i / 16] = _mm512_mask_cmp_ps_mask(lanes(n - i), _mm512_loadu_ps(lo + i), th, _CMP_LE_OQ);
}

/* ig_cq8_seg_maybe on 16 rows */
static inline __mmask16 seg16(__mmask16 k, float uu, __m512 vlo, __m512 vhi, __m512 dlo, __m512 dhi,
                              float step, float tol2)
{
    const __m512 vuu = _mm512_set1_ps(uu), uuh = _mm512_set1_ps(uu * (1 + IG_CQ8_SLACK)),
                 uul = _mm512_set1_ps(uu * (1 - IG_CQ8_SLACK)), half = _mm512_set1_ps(0.5f),
                 p8 = _mm512_set1_ps(0.8f);
    __m512 big = _mm512_add_ps(_mm512_add_ps(vuu, vhi), dhi);
    __m512 sl = _mm512_mul_ps(_mm512_set1_ps(IG_CQ8_SLACK), big);
    __m512 uvlo = _mm512_mul_ps(half, _mm512_sub_ps(_mm512_add_ps(uul, vlo), dhi));
    __m512 uvhi = _mm512_mul_ps(half, _mm512_sub_ps(_mm512_add_ps(uuh, vhi), dlo));
    __m512 m = _mm512_max_ps(_mm512_abs_ps(uvlo), _mm512_abs_ps(uvhi));
    __m512 thr = _mm512_min_ps(_mm512_mul_ps(_mm512_set1_ps(0.0225f), vhi), _mm512_set1_ps(tol2));
    k = _mm512_mask_cmp_ps_mask(k, vhi, _mm512_set1_ps(step * (1 - IG_CQ8_SLACK)), _CMP_GE_OQ);
    k = _mm512_mask_cmp_ps_mask(k, _mm512_sub_ps(_mm512_add_ps(uuh, _mm512_mul_ps(p8, vhi)), dlo),
                                _mm512_sub_ps(_mm512_setzero_ps(), sl), _CMP_GE_OQ);
    k = _mm512_mask_cmp_ps_mask(k, _mm512_sub_ps(_mm512_sub_ps(uul, _mm512_mul_ps(p8, vhi)), dhi), sl,
                                _CMP_LE_OQ);
    __m512 lhs = _mm512_sub_ps(_mm512_mul_ps(uul, vlo), _mm512_mul_ps(m, m));
    __m512 rhs = _mm512_add_ps(_mm512_mul_ps(vhi, thr), _mm512_mul_ps(sl, big));
    return _mm512_mask_cmp_ps_mask(k, lhs, rhs, _CMP_LE_OQ);
}

/* cov_pairs' bound (dots_avx512.c, cov_bound_of and cov_keep), with D's bounds from the
 * first pass: a pair the reference accepts has (z - a).(y - a) >= g |y - a| with g ~ sqrt(uu
 * - tol2), so |y - a| >= g + sqrt(g^2 + D - uu) when D >= uu; and |y - a|^2 <= D + |a - c|^2
 * - |z - c|^2 + 2 sqrt(uu) |y - c| for any point c (the row's pivot). Rows whose largest
 * |y - a|^2 falls short of the smallest one needed cannot complete a segment with a. */
struct cq8_bound {
    float g, g2, g4x, uu1, two_su;   /* g <= 0: not used */
};

static inline struct cq8_bound cq8_bound_of(float uu, float tol2)
{
    struct cq8_bound c = { .g = -1 };
    float G = (uu - tol2 * 1.0001f) * (1 - 1e-4f);
    if (G > 0)
        c.g = sqrtf(G) - 1e-4f * sqrtf(uu);
    c.g2 = c.g * c.g;
    c.g4x = 4 * c.g2;
    c.uu1 = uu * (1 + 1e-4f);
    c.two_su = 2 * sqrtf(uu) * (1 + 0x1p-12f);
    return c;
}

/* Rows of the block (mask k) the bound leaves: rr = |y - c|^2 (upper), r its root, base =
 * the query's lift at each row's pivot */
static inline __mmask16 cq8_keep(__mmask16 k, const struct cq8_bound *c, __m512 rr, __m512 r, __m512 base,
                                 __m512 dlo, __m512 dhi)
{
    if (!(c->g > 0))
        return k;
    __m512 x = _mm512_sub_ps(dlo, _mm512_set1_ps(c->uu1));
    __m512 vmax = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(c->two_su), r, dhi),
                                _mm512_fmadd_ps(_mm512_set1_ps(1e-4f), _mm512_add_ps(rr, dhi), base));
    __m512 L = _mm512_sub_ps(vmax, _mm512_add_ps(_mm512_set1_ps(2 * c->g2), x));
    __mmask16 out = _mm512_cmp_ps_mask(L, _mm512_setzero_ps(), _CMP_LT_OQ) |
                    _mm512_cmp_ps_mask(_mm512_mul_ps(L, L),
                                       _mm512_mul_ps(_mm512_set1_ps(c->g4x), _mm512_add_ps(_mm512_set1_ps(c->g2), x)),
                                       _CMP_LT_OQ);
    out &= _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    return k & (__mmask16)~out;
}

unsigned ig_kern_cq8_pairs_avx512vnni(const struct ig_cq8 *s, const struct ig_cq8_q *a, uint32_t na,
                                      float step, float tol2, const float *lo, const float *hi,
                                      uint16_t *mask)
{
    IG_ASSERT(na >= 1 && na <= 3 && s->groups >= 1 && s->groups <= IG_CQ8_MAXGROUPS);
    const uint32_t n = s->n, G = s->groups, nblk = (n + 15) / 16;
    const __m512 scale = _mm512_set1_ps(s->scale), pad = _mm512_set1_ps(IG_CQ8_EPAD);
    struct cq8_bound cb[3];
    __m512 llo[3], lhi[3];
    for (uint32_t k = 0; k < na; k++) {
        cb[k] = cq8_bound_of(a[k].uu, tol2);
        if (s->piv) {
            llo[k] = _mm512_loadu_ps(a[k].lift);
            lhi[k] = _mm512_loadu_ps(a[k].lift + 16);
        }
    }
    unsigned any = 0;
    for (uint32_t i = 0; i < n; i += 16) {
        const __mmask16 live = lanes(n - i);
        __m512 dlo = _mm512_loadu_ps(lo + i), dhi = _mm512_loadu_ps(hi + i);
        __mmask16 keep[3] = { live, live, live };
        if (s->piv) {   /* the bound on |y - c| and, in its low bits, which pivot c is */
            __m512 r = _mm512_loadu_ps(s->piv + i);
            __m512i p = _mm512_castps_si512(r);   /* permutex2var reads the low 5 bits */
            __m512 rr = _mm512_mul_ps(r, r);
            for (uint32_t k = 0; k < na; k++)
                keep[k] = cq8_keep(live, &cb[k], rr, r, _mm512_permutex2var_ps(llo[k], p, lhi[k]), dlo, dhi);
        }
        uint32_t act[3], nact = 0;
        for (uint32_t k = 0; k < na; k++) {
            mask[k * nblk + i / 16] = 0;
            if (keep[k])
                act[nact++] = k;
        }
        if (!nact)
            continue;
        const int8_t *run = s->codes + (size_t)i * 4;
        __m512i acc[3] = { _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512() };
        for (uint32_t g = 0; g < G; g++) {
            __m512i c = _mm512_loadu_si512(run + g * s->plane);
            for (uint32_t j = 0; j < nact; j++)
                acc[j] = _mm512_dpbusd_epi32(acc[j], bcast4(a[act[j]].lv + 4 * g), c);
        }
        __m512i nrm = _mm512_loadu_si512(s->norm + i);
        __m512 err = _mm512_loadu_ps(s->err + i);
        for (uint32_t j = 0; j < nact; j++) {
            const uint32_t k = act[j];
            __m512i q = _mm512_sub_epi32(_mm512_add_epi32(_mm512_set1_epi32(a[k].c), nrm),
                                         _mm512_add_epi32(acc[j], acc[j]));
            __m512 vlo, vhi;
            bounds16(scale, q, _mm512_mul_ps(_mm512_add_ps(_mm512_set1_ps(a[k].e), err), pad), &vlo, &vhi);
            __mmask16 f = seg16(keep[k], a[k].uu, vlo, vhi, dlo, dhi, step, tol2);
            mask[k * nblk + i / 16] = f;
            any |= (unsigned)(f != 0) << k;
        }
    }
    return any;
}
