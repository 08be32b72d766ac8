/* extraction.coverage's int8 passes (kernels.h, cq8_near and cq8_pairs), AVX2: a block's
 * codes widened to 16 bits and multiplied by the query's levels in pairs (vpmaddwd: 255 x
 * 128 x 2 does not fit a signed 16-bit sum, so vpmaddubsw would saturate); the bounds and
 * filters of covq8_body.h eight rows at a time. Serves the AVX-512 table without VNNI too. */
#include <immintrin.h>

#include <inferguard/base.h>
#include "covq8_body.h"

/* A query's levels of group g as 16-bit words, [l0 l1 l2 l3] four times (one vpbroadcastq) */
static inline __m256i group_words(const uint8_t *lv, uint32_t g)
{
    const uint8_t *x = lv + 4 * g;
    return _mm256_set1_epi64x((int64_t)((uint64_t)x[0] | (uint64_t)x[1] << 16 | (uint64_t)x[2] << 32 |
                                        (uint64_t)x[3] << 48));
}

/* Block b's dot products with nq queries whose group words are w[q * groups + g] */
static inline void blk_avx2(const struct ig_cq8 *s, uint32_t b, const __m256i *w, uint32_t nq, int32_t out[][16])
{
    __m256i acc[3][4];
    for (uint32_t q = 0; q < nq; q++)
        for (int r = 0; r < 4; r++)
            acc[q][r] = _mm256_setzero_si256();
    for (uint32_t g = 0; g < s->groups; g++) {
        const int8_t *run = s->codes + g * s->plane + (size_t)b * 64;
        __m256i c[4];
        for (int r = 0; r < 4; r++)   /* rows 4r .. 4r + 3, 16 codes */
            c[r] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(run + 16 * r)));
        for (uint32_t q = 0; q < nq; q++)
            for (int r = 0; r < 4; r++)
                acc[q][r] = _mm256_add_epi32(acc[q][r], _mm256_madd_epi16(c[r], w[q * s->groups + g]));
    }
    for (uint32_t q = 0; q < nq; q++) {
        /* acc[r] holds rows 4r .. 4r + 3 as two partial sums each */
        __m256i a = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[q][0], acc[q][1]), 0xd8);
        __m256i c = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[q][2], acc[q][3]), 0xd8);
        _mm256_storeu_si256((__m256i *)out[q], a);
        _mm256_storeu_si256((__m256i *)(out[q] + 8), c);
    }
}

/* Lanes of rows i .. i + 7 below n */
static inline __m256 live8(uint32_t n, uint32_t i)
{
    int32_t left = i >= n ? 0 : (int32_t)(n - i < 8 ? n - i : 8);
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
}

/* ig_cq8_bounds on 8 rows */
static inline void bounds8(__m256 scale, __m256i q, __m256 g, __m256 *lo, __m256 *hi)
{
    __m256 r = _mm256_mul_ps(scale, _mm256_sqrt_ps(_mm256_cvtepi32_ps(q)));
    __m256 up = _mm256_add_ps(_mm256_mul_ps(r, _mm256_set1_ps(IG_CQ8_UP)), g);
    __m256 dn = _mm256_sub_ps(_mm256_mul_ps(r, _mm256_set1_ps(IG_CQ8_DN)), g);
    *hi = _mm256_mul_ps(_mm256_mul_ps(up, up), _mm256_set1_ps(IG_CQ8_UP));
    dn = _mm256_max_ps(dn, _mm256_setzero_ps());
    *lo = _mm256_mul_ps(_mm256_mul_ps(dn, dn), _mm256_set1_ps(IG_CQ8_DN));
}

void ig_kern_cq8_near_avx2(const struct ig_cq8 *s, const struct ig_cq8_q *z, float *lo, float *hi,
                           uint16_t *cand)
{
    IG_ASSERT(s->groups >= 1 && s->groups <= IG_CQ8_MAXGROUPS);
    const uint32_t n = s->n;
    const __m256 scale = _mm256_set1_ps(s->scale), inf = _mm256_set1_ps(INFINITY), ez = _mm256_set1_ps(z->e),
                 pad = _mm256_set1_ps(IG_CQ8_EPAD);
    const __m256i cz = _mm256_set1_epi32(z->c);
    __m256i w[IG_CQ8_MAXGROUPS];
    for (uint32_t g = 0; g < s->groups; g++)
        w[g] = group_words(z->lv, g);
    __m256 b0 = inf, b1 = inf, b2 = inf;   /* per lane, the three smallest hi */
    for (uint32_t i = 0; i < n; i += 16) {
        int32_t p[1][16];
        blk_avx2(s, i / 16, w, 1, p);
        for (uint32_t h = 0; h < 16 && i + h < n; h += 8) {
            __m256i dot = _mm256_loadu_si256((const __m256i *)(p[0] + h));
            __m256i q = _mm256_sub_epi32(_mm256_add_epi32(cz, _mm256_loadu_si256((const __m256i *)(s->norm + i + h))),
                                         _mm256_add_epi32(dot, dot));
            __m256 l, u;
            bounds8(scale, q, _mm256_mul_ps(_mm256_add_ps(ez, _mm256_loadu_ps(s->err + i + h)), pad), &l, &u);
            _mm256_storeu_ps(lo + i + h, l);   /* lo and hi hold n rounded up to 16 */
            _mm256_storeu_ps(hi + i + h, u);
            __m256 t = _mm256_blendv_ps(inf, u, live8(n, i + h));
            __m256 c0 = _mm256_min_ps(b0, t);
            t = _mm256_max_ps(t, b0);
            __m256 c1 = _mm256_min_ps(b1, t);
            t = _mm256_max_ps(t, b1);
            b2 = _mm256_min_ps(b2, t);
            b0 = c0;
            b1 = c1;
        }
    }
    float all[24];
    _mm256_storeu_ps(all, b0);
    _mm256_storeu_ps(all + 8, b1);
    _mm256_storeu_ps(all + 16, b2);
    float t0 = INFINITY, t1 = INFINITY, t2 = INFINITY;
    for (int k = 0; k < 24; k++) {
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
    const __m256 th = _mm256_set1_ps(t2);
    for (uint32_t i = 0; i < n; i += 16) {
        uint32_t bits = 0;
        for (uint32_t h = 0; h < 16 && i + h < n; h += 8) {
            __m256 le = _mm256_and_ps(_mm256_cmp_ps(_mm256_loadu_ps(lo + i + h), th, _CMP_LE_OQ), live8(n, i + h));
            bits |= (uint32_t)_mm256_movemask_ps(le) << h;
        }
        cand[i / 16] = (uint16_t)bits;
    }
}

/* ig_cq8_keep on 8 rows (r: the rows' packed pivot bounds, lift: the query's) */
static inline __m256 keep8(const struct ig_cq8_bound *c, __m256 r, const float *lift, __m256 dlo, __m256 dhi)
{
    const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    if (!(c->g > 0))
        return all;
    __m256i pv = _mm256_and_si256(_mm256_castps_si256(r), _mm256_set1_epi32(IG_SEG_PIVOTS - 1));
    __m256 base = _mm256_i32gather_ps(lift, pv, 4);
    __m256 x = _mm256_sub_ps(dlo, _mm256_set1_ps(c->uu1));
    __m256 vmax = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(c->two_su), r), dhi),
                                _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(1e-4f), _mm256_add_ps(_mm256_mul_ps(r, r), dhi)),
                                              base));
    __m256 L = _mm256_sub_ps(vmax, _mm256_add_ps(_mm256_set1_ps(2 * c->g2), x));
    __m256 out = _mm256_or_ps(_mm256_cmp_ps(L, _mm256_setzero_ps(), _CMP_LT_OQ),
                              _mm256_cmp_ps(_mm256_mul_ps(L, L),
                                            _mm256_mul_ps(_mm256_set1_ps(c->g4x), _mm256_add_ps(_mm256_set1_ps(c->g2), x)),
                                            _CMP_LT_OQ));
    out = _mm256_and_ps(out, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
    return _mm256_andnot_ps(out, all);
}

/* ig_cq8_seg_maybe on 8 rows */
static inline __m256 seg8(float uu, __m256 vlo, __m256 vhi, __m256 dlo, __m256 dhi, float step, float tol2)
{
    const __m256 vuu = _mm256_set1_ps(uu), uuh = _mm256_set1_ps(uu * (1 + IG_CQ8_SLACK)),
                 uul = _mm256_set1_ps(uu * (1 - IG_CQ8_SLACK)), half = _mm256_set1_ps(0.5f), p8 = _mm256_set1_ps(0.8f),
                 sign = _mm256_set1_ps(-0.0f);
    __m256 big = _mm256_add_ps(_mm256_add_ps(vuu, vhi), dhi);
    __m256 sl = _mm256_mul_ps(_mm256_set1_ps(IG_CQ8_SLACK), big);
    __m256 uvlo = _mm256_mul_ps(half, _mm256_sub_ps(_mm256_add_ps(uul, vlo), dhi));
    __m256 uvhi = _mm256_mul_ps(half, _mm256_sub_ps(_mm256_add_ps(uuh, vhi), dlo));
    __m256 m = _mm256_max_ps(_mm256_andnot_ps(sign, uvlo), _mm256_andnot_ps(sign, uvhi));
    __m256 thr = _mm256_min_ps(_mm256_mul_ps(_mm256_set1_ps(0.0225f), vhi), _mm256_set1_ps(tol2));
    __m256 k = _mm256_cmp_ps(vhi, _mm256_set1_ps(step * (1 - IG_CQ8_SLACK)), _CMP_GE_OQ);
    k = _mm256_and_ps(k, _mm256_cmp_ps(_mm256_sub_ps(_mm256_add_ps(uuh, _mm256_mul_ps(p8, vhi)), dlo),
                                       _mm256_sub_ps(_mm256_setzero_ps(), sl), _CMP_GE_OQ));
    k = _mm256_and_ps(k, _mm256_cmp_ps(_mm256_sub_ps(_mm256_sub_ps(uul, _mm256_mul_ps(p8, vhi)), dhi), sl, _CMP_LE_OQ));
    __m256 lhs = _mm256_sub_ps(_mm256_mul_ps(uul, vlo), _mm256_mul_ps(m, m));
    __m256 rhs = _mm256_add_ps(_mm256_mul_ps(vhi, thr), _mm256_mul_ps(sl, big));
    return _mm256_and_ps(k, _mm256_cmp_ps(lhs, rhs, _CMP_LE_OQ));
}

unsigned ig_kern_cq8_pairs_avx2(const struct ig_cq8 *s, const struct ig_cq8_q *a, uint32_t na,
                                float step, float tol2, const float *lo, const float *hi,
                                uint16_t *mask)
{
    IG_ASSERT(na >= 1 && na <= 3 && s->groups >= 1 && s->groups <= IG_CQ8_MAXGROUPS);
    const uint32_t n = s->n, nblk = (n + 15) / 16;
    const __m256 scale = _mm256_set1_ps(s->scale), pad = _mm256_set1_ps(IG_CQ8_EPAD);
    __m256i w[3 * IG_CQ8_MAXGROUPS];
    struct ig_cq8_bound cb[3];
    for (uint32_t k = 0; k < na; k++) {
        for (uint32_t g = 0; g < s->groups; g++)
            w[k * s->groups + g] = group_words(a[k].lv, g);
        cb[k] = ig_cq8_bound_of(a[k].uu, tol2);
    }
    unsigned any = 0;
    for (uint32_t i = 0; i < n; i += 16) {
        __m256 keep[3][2];
        int busy = 0;
        for (uint32_t h = 0; h < 16; h += 8) {
            const __m256 live = live8(n, i + h);
            __m256 dlo = _mm256_loadu_ps(lo + i + h), dhi = _mm256_loadu_ps(hi + i + h);
            __m256 r = s->piv ? _mm256_loadu_ps(s->piv + i + h) : _mm256_setzero_ps();
            for (uint32_t k = 0; k < na; k++) {
                keep[k][h / 8] = s->piv ? _mm256_and_ps(live, keep8(&cb[k], r, a[k].lift, dlo, dhi)) : live;
                busy |= _mm256_movemask_ps(keep[k][h / 8]);
            }
        }
        if (!busy) {
            for (uint32_t k = 0; k < na; k++)
                mask[k * nblk + i / 16] = 0;
            continue;
        }
        int32_t p[3][16];
        blk_avx2(s, i / 16, w, na, p);
        __m256 vlo[3][2], vhi[3][2];
        for (uint32_t h = 0; h < 16; h += 8) {
            __m256i nrm = _mm256_loadu_si256((const __m256i *)(s->norm + i + h));
            __m256 err = _mm256_loadu_ps(s->err + i + h);
            for (uint32_t k = 0; k < na; k++) {
                __m256i dot = _mm256_loadu_si256((const __m256i *)(p[k] + h));
                __m256i q = _mm256_sub_epi32(_mm256_add_epi32(_mm256_set1_epi32(a[k].c), nrm), _mm256_add_epi32(dot, dot));
                bounds8(scale, q, _mm256_mul_ps(_mm256_add_ps(_mm256_set1_ps(a[k].e), err), pad), &vlo[k][h / 8],
                        &vhi[k][h / 8]);
            }
        }
        for (uint32_t k = 0; k < na; k++) {
            uint32_t bits = 0;
            for (uint32_t h = 0; h < 16; h += 8) {
                __m256 f = _mm256_and_ps(keep[k][h / 8], seg8(a[k].uu, vlo[k][h / 8], vhi[k][h / 8],
                                                              _mm256_loadu_ps(lo + i + h), _mm256_loadu_ps(hi + i + h),
                                                              step, tol2));
                bits |= (uint32_t)_mm256_movemask_ps(f) << h;
            }
            mask[k * nblk + i / 16] = (uint16_t)bits;
            any |= (bits != 0) << k;
        }
    }
    return any;
}
