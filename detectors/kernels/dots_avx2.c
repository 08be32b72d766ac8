/* Dot products of a few queries with a split set, AVX2: a block's 16 vectors are two ymm
 * halves, so each query has independent sums for lanes 0-7 and 8-15. */
#include <immintrin.h>
#include <string.h>

#include <inferguard/base.h>
#include "dots_body.h"


/* A split set's hi plane: one 32-byte load is feature pair p of 8 vectors, widened to the
 * even feature by a shift and to the odd one by a mask. */
static inline void run_split(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                             float *out)
{
    const uint32_t n = s->count, dim = s->dim, pairs = s->pairs, full = dim / 2;
    const __m256i top = _mm256_set1_epi32((int)0xffff0000u);
    for (uint32_t i = 0; i < n; i += 16) {
        const uint32_t *blk = s->hi + (size_t)i * pairs;
        __m256 e0[IG_DOTS_MAXQ], e1[IG_DOTS_MAXQ], o0[IG_DOTS_MAXQ], o1[IG_DOTS_MAXQ];
        for (uint32_t q = 0; q < nq; q++)
            e0[q] = e1[q] = o0[q] = o1[q] = _mm256_setzero_ps();
        for (uint32_t p = 0; p < pairs; p++) {
            __m256i w0 = _mm256_load_si256((const __m256i *)(blk + (size_t)p * 16));
            __m256i w1 = _mm256_load_si256((const __m256i *)(blk + (size_t)p * 16 + 8));
            __m256 ev0 = _mm256_castsi256_ps(_mm256_slli_epi32(w0, 16));
            __m256 ev1 = _mm256_castsi256_ps(_mm256_slli_epi32(w1, 16));
            for (uint32_t q = 0; q < nq; q++) {
                __m256 x = _mm256_set1_ps(xs[q][2 * p]);
                e0[q] = _mm256_fmadd_ps(ev0, x, e0[q]);
                e1[q] = _mm256_fmadd_ps(ev1, x, e1[q]);
            }
            if (p < full) {
                __m256 od0 = _mm256_castsi256_ps(_mm256_and_si256(w0, top));
                __m256 od1 = _mm256_castsi256_ps(_mm256_and_si256(w1, top));
                for (uint32_t q = 0; q < nq; q++) {
                    __m256 x = _mm256_set1_ps(xs[q][2 * p + 1]);
                    o0[q] = _mm256_fmadd_ps(od0, x, o0[q]);
                    o1[q] = _mm256_fmadd_ps(od1, x, o1[q]);
                }
            }
        }
        float tmp[16];
        for (uint32_t q = 0; q < nq; q++) {
            float *o = out + (size_t)q * n + i;
            __m256 lo = _mm256_add_ps(e0[q], o0[q]), hi = _mm256_add_ps(e1[q], o1[q]);
            if (n - i >= 16) {
                _mm256_storeu_ps(o, lo);
                _mm256_storeu_ps(o + 8, hi);
            } else {
                _mm256_storeu_ps(tmp, lo);
                _mm256_storeu_ps(tmp + 8, hi);
                for (uint32_t l = 0; l < n - i; l++)
                    o[l] = tmp[l];
            }
        }
    }
}

void ig_kern_dots_split_avx2(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                             float *out)
{
    IG_ASSERT(nq >= 1 && nq <= IG_DOTS_MAXQ);
    switch (nq) {
    case 1: run_split(s, xs, 1, out); break;
    case 2: run_split(s, xs, 2, out); break;
    case 3: run_split(s, xs, 3, out); break;
    default: run_split(s, xs, 4, out); break;
    }
}

/* ---- extraction.coverage's searches: dots_body.h's per-row steps eight lanes at a time ----
 * The same float operations in the same order as the scalar body (no fused ones: this
 * project builds with -std=c11, which leaves a * b + c unfused), so every estimate, bound
 * and candidate bit is the one the body computes; only the loop runs in registers. The
 * body ran them one row at a time: ~11 instructions a row in the first pass, ~25 a row
 * and query in the second (oip_v2_d64: 1.0 G of coverage's 3.6 G instructions). */

/* min / max as the body's "a < b ? a : b" and "a < b ? b : a": minps returns its second
 * operand unless the first is smaller, maxps unless the first is larger (NaN: the second) */
static inline __m256 lt_min(__m256 a, __m256 b) { return _mm256_min_ps(a, b); }
static inline __m256 lt_max_of(__m256 a, __m256 t) { return _mm256_max_ps(t, a); }

void ig_kern_cov_near_avx2(const struct ig_vsplit *s, const float *z, float zz, const float *nb,
                           float est, float *d, uint16_t *cand)
{
    const uint32_t n = s->count, nfull = n & ~15u;
    const float *q[1] = { z };
    ig_kern_dots_split_avx2(s, q, 1, d);
    const __m256 vzz = _mm256_set1_ps(zz), vest = _mm256_set1_ps(est),
                 tiny = _mm256_set1_ps(IG_COV_TINY), inf = _mm256_set1_ps(INFINITY);
    /* per lane of 16 (two halves), the three smallest upper bounds d + e */
    __m256 m0[2] = { inf, inf }, m1[2] = { inf, inf }, m2[2] = { inf, inf };
    for (uint32_t i = 0; i < nfull; i += 16)
        for (int h = 0; h < 2; h++) {
            float *dp = d + i + 8 * h;
            __m256 sum = _mm256_add_ps(vzz, _mm256_loadu_ps(nb + i + 8 * h));
            __m256 e = _mm256_add_ps(_mm256_mul_ps(vest, sum), tiny);
            __m256 dv = _mm256_loadu_ps(dp);
            __m256 v = _mm256_sub_ps(sum, _mm256_add_ps(dv, dv)), t = _mm256_add_ps(v, e);
            _mm256_storeu_ps(dp, v);
            __m256 a0 = lt_min(m0[h], t);
            t = lt_max_of(m0[h], t);
            __m256 a1 = lt_min(m1[h], t);
            t = lt_max_of(m1[h], t);
            m2[h] = lt_min(m2[h], t);
            m0[h] = a0;
            m1[h] = a1;
        }
    float all[48];
    _mm256_storeu_ps(all, m0[0]);
    _mm256_storeu_ps(all + 8, m0[1]);
    _mm256_storeu_ps(all + 16, m1[0]);
    _mm256_storeu_ps(all + 24, m1[1]);
    _mm256_storeu_ps(all + 32, m2[0]);
    _mm256_storeu_ps(all + 40, m2[1]);
    for (uint32_t l = 0; l < n - nfull; l++) {   /* the last, partial block: the body's loop */
        float sum = zz + nb[nfull + l], e = est * sum + IG_COV_TINY;
        float v = sum - 2 * d[nfull + l], t = v + e;
        d[nfull + l] = v;
        float a0 = all[l] < t ? all[l] : t;
        t = all[l] < t ? t : all[l];
        float a1 = all[16 + l] < t ? all[16 + l] : t;
        t = all[16 + l] < t ? t : all[16 + l];
        all[32 + l] = all[32 + l] < t ? all[32 + l] : t;
        all[l] = a0;
        all[16 + l] = a1;
    }
    const float h3 = ig_third_smallest(all, 48);
    const __m256 vh3 = _mm256_set1_ps(h3);
    for (uint32_t i = 0; i < nfull; i += 16) {
        uint32_t bits = 0;
        for (int h = 0; h < 2; h++) {
            __m256 sum = _mm256_add_ps(vzz, _mm256_loadu_ps(nb + i + 8 * h));
            __m256 e = _mm256_add_ps(_mm256_mul_ps(vest, sum), tiny);
            __m256 lo = _mm256_sub_ps(_mm256_loadu_ps(d + i + 8 * h), e);
            bits |= (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(lo, vh3, _CMP_LE_OQ)) << (8 * h);
        }
        cand[i / 16] = (uint16_t)bits;
    }
    if (nfull < n) {
        uint32_t bits = 0;
        for (uint32_t l = 0; l < n - nfull; l++) {
            float sum = zz + nb[nfull + l], e = est * sum + IG_COV_TINY;
            bits |= (uint32_t)(d[nfull + l] - e <= h3) << l;
        }
        cand[nfull / 16] = (uint16_t)bits;
    }
}

/* ig_seg_maybe (dots_body.h) on eight rows, operation for operation */
static inline uint32_t seg8(const struct ig_seg_query *q, __m256 nbi, __m256 ab, __m256 D)
{
    const __m256 uu = _mm256_set1_ps(q->uu), aa = _mm256_set1_ps(q->aa);
    __m256 V = _mm256_sub_ps(_mm256_add_ps(aa, nbi), _mm256_add_ps(ab, ab));
    __m256 msum = _mm256_add_ps(_mm256_add_ps(_mm256_set1_ps(q->zz + q->aa), _mm256_add_ps(nbi, nbi)), uu);
    __m256 m = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(q->rel), msum), _mm256_set1_ps(IG_COV_TINY));
    __m256 uv = _mm256_mul_ps(_mm256_set1_ps(0.5f), _mm256_sub_ps(_mm256_add_ps(uu, V), D));
    __m256 Vp = _mm256_add_ps(V, m);
    __m256 c = _mm256_mul_ps(_mm256_set1_ps(0.0225f * 1.0001f), Vp);
    __m256 thr = _mm256_add_ps(_mm256_min_ps(c, _mm256_set1_ps(q->tol2_hi)),
                               _mm256_mul_ps(_mm256_set1_ps(1e-4f), _mm256_add_ps(uu, Vp)));
    __m256 auv = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), uv);
    __m256 lhs = _mm256_sub_ps(_mm256_mul_ps(uu, V), _mm256_mul_ps(uv, uv));
    __m256 rhs = _mm256_add_ps(_mm256_mul_ps(Vp, thr),
                               _mm256_mul_ps(_mm256_add_ps(_mm256_add_ps(uu, _mm256_add_ps(auv, auv)), m), m));
    __m256 ok = _mm256_cmp_ps(V, _mm256_sub_ps(_mm256_set1_ps(q->step_lo), m), _CMP_GE_OQ);
    ok = _mm256_and_ps(ok, _mm256_cmp_ps(uv, _mm256_sub_ps(_mm256_mul_ps(_mm256_set1_ps(0.1f), V), m), _CMP_GE_OQ));
    ok = _mm256_and_ps(ok, _mm256_cmp_ps(uv, _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(0.9f), V), m), _CMP_LE_OQ));
    ok = _mm256_and_ps(ok, _mm256_cmp_ps(lhs, rhs, _CMP_LE_OQ));
    return (uint32_t)_mm256_movemask_ps(ok);
}

/* One query's constants of the bound, broadcast once per search (keep16) */
struct keep_q {
    __m256 uu1, two_su, g2x2, g4x, g2, base;
    const float *lift;
    int on;                   /* g > 0: else the bound keeps every row */
};

static inline struct keep_q keep_q_of(const struct ig_cov_bound *c, const struct ig_seg_query *q)
{
    return (struct keep_q){ _mm256_set1_ps(c->uu1), _mm256_set1_ps(c->two_su), _mm256_set1_ps(2 * c->g2),
                            _mm256_set1_ps(c->g4x), _mm256_set1_ps(c->g2), _mm256_set1_ps(c->base), q->lift,
                            c->g > 0 };
}

/* ig_cov_block_keep (dots_body.h) on a full block, eight rows at a time, operation for
 * operation (1e-4 (rr + dhi) is the row's, computed once for every query): per query, the
 * rows of block i the bound keeps */
static inline void keep16(uint32_t i, uint32_t nq, const struct keep_q *kq, __m256 vzz, const float *nb,
                          const float *d, const float *piv, uint16_t *keep)
{
    const __m256 est = _mm256_set1_ps(1e-4f + IG_VSPLIT_EPS), tiny = _mm256_set1_ps(IG_COV_TINY),
                 c4 = _mm256_set1_ps(1e-4f), zero = _mm256_setzero_ps();
    const __m256i low5 = _mm256_set1_epi32(IG_SEG_PIVOTS - 1);
    uint32_t kp[IG_DOTS_MAXQ] = { 0, 0, 0, 0 };
    for (int h = 0; h < 2; h++) {
        const __m256 nbv = _mm256_loadu_ps(nb + i + 8 * h), D = _mm256_loadu_ps(d + i + 8 * h);
        const __m256 e = _mm256_add_ps(_mm256_mul_ps(est, _mm256_add_ps(vzz, nbv)), tiny);
        const __m256 dhi = _mm256_add_ps(D, e);
        const __m256 dlo = _mm256_sub_ps(_mm256_sub_ps(D, e), _mm256_mul_ps(c4, _mm256_add_ps(dhi, vzz)));
        __m256 r, rr;
        __m256i idx = _mm256_setzero_si256();
        if (piv) {
            r = _mm256_loadu_ps(piv + i + 8 * h);
            rr = _mm256_mul_ps(r, r);
            idx = _mm256_and_si256(_mm256_castps_si256(r), low5);
        } else {
            r = _mm256_sqrt_ps(nbv);
            rr = nbv;
        }
        const __m256 slack = _mm256_mul_ps(c4, _mm256_add_ps(rr, dhi));
        for (uint32_t j = 0; j < nq; j++) {
            const struct keep_q *c = &kq[j];
            if (!c->on) {
                kp[j] |= 0xffu << (8 * h);
                continue;
            }
            const __m256 base = piv ? _mm256_i32gather_ps(c->lift, idx, 4) : c->base;
            const __m256 x = _mm256_sub_ps(dlo, c->uu1);
            const __m256 vmax = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(c->two_su, r), dhi),
                                              _mm256_add_ps(slack, base));
            const __m256 L = _mm256_sub_ps(vmax, _mm256_add_ps(c->g2x2, x));
            __m256 out = _mm256_or_ps(_mm256_cmp_ps(L, zero, _CMP_LT_OQ),
                                      _mm256_cmp_ps(_mm256_mul_ps(L, L), _mm256_mul_ps(c->g4x, _mm256_add_ps(c->g2, x)),
                                                    _CMP_LT_OQ));
            out = _mm256_and_ps(out, _mm256_cmp_ps(x, zero, _CMP_GE_OQ));
            kp[j] |= (~(uint32_t)_mm256_movemask_ps(out) & 0xffu) << (8 * h);
        }
    }
    for (uint32_t j = 0; j < nq; j++)
        keep[j] = (uint16_t)kp[j];
}

/* keep16 on the block at row i of n, the partial last one through a copy of its rows' nb, d
 * and pivots padded with zeros (the padding's bits cleared: the body sets none there) */
static inline void keep_any(uint32_t i, uint32_t n, uint32_t nq, const struct keep_q *kq, __m256 vzz,
                            const float *nb, const float *d, const float *piv, uint16_t *keep)
{
    if (n - i >= 16) {
        keep16(i, nq, kq, vzz, nb, d, piv, keep);
        return;
    }
    const uint32_t g = n - i;
    float nb16[16] = { 0 }, d16[16] = { 0 }, piv16[16] = { 0 };
    memcpy(nb16, nb + i, g * sizeof(float));
    memcpy(d16, d + i, g * sizeof(float));
    if (piv)
        memcpy(piv16, piv + i, g * sizeof(float));
    keep16(0, nq, kq, vzz, nb16, d16, piv ? piv16 : NULL, keep);
    for (uint32_t j = 0; j < nq; j++)
        keep[j] &= (uint16_t)((1u << g) - 1);
}

/* The plain sweep: every row's products for every query */
static unsigned pairs_all(const struct ig_vsplit *s, const float *const *xs, uint32_t nq, const float *nb,
                          const float *d, const struct ig_seg_query *q, float *work, uint16_t *mask)
{
    const uint32_t n = s->count, nblk = (n + 15) / 16, nfull = n & ~15u;
    ig_kern_dots_split_avx2(s, xs, nq, work);
    unsigned any = 0;
    for (uint32_t k = 0; k < nq; k++) {
        const float *ab = work + (size_t)k * n;
        for (uint32_t i = 0; i < nfull; i += 16) {
            uint32_t bits = seg8(&q[k], _mm256_loadu_ps(nb + i), _mm256_loadu_ps(ab + i), _mm256_loadu_ps(d + i)) |
                            seg8(&q[k], _mm256_loadu_ps(nb + i + 8), _mm256_loadu_ps(ab + i + 8),
                                 _mm256_loadu_ps(d + i + 8)) << 8;
            mask[k * nblk + i / 16] = (uint16_t)bits;
            any |= (bits != 0) << k;
        }
        if (nfull < n) {
            uint32_t bits = 0;
            for (uint32_t l = 0; l < n - nfull; l++)
                bits |= (uint32_t)ig_seg_maybe(&q[k], nb[nfull + l], ab[nfull + l], d[nfull + l]) << l;
            mask[k * nblk + nfull / 16] = (uint16_t)bits;
            any |= (bits != 0) << k;
        }
    }
    return any;
}

/* ig_cov_pairs_body in registers: the bound per block (keep16; the partial last block as
 * the body does it), the products of the blocks and queries it leaves, their filter */
unsigned ig_kern_cov_pairs_avx2(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                                const float *nb, const float *d, const struct ig_seg_query *q,
                                float *work, uint16_t *mask)
{
    IG_ASSERT(nq >= 1 && nq <= IG_DOTS_MAXQ);
    if (s->dim < IG_COV_BOUND_MINDIM)
        return pairs_all(s, xs, nq, nb, d, q, work, mask);
    const uint32_t n = s->count, nblk = (n + 15) / 16;
    struct keep_q kq[IG_DOTS_MAXQ];
    for (uint32_t k = 0; k < nq; k++) {
        const struct ig_cov_bound cb = ig_cov_bound_of(&q[k]);
        kq[k] = keep_q_of(&cb, &q[k]);
    }
    const __m256 vzz = _mm256_set1_ps(q[0].zz);
    const float *piv = q[0].lift && s->naux > IG_SEG_PIVOT_PLANE ? ig_vsplit_aux_plane(s, IG_SEG_PIVOT_PLANE)
                                                                 : NULL;
    uint16_t keep[IG_DOTS_MAXQ];
    uint32_t probe = nblk < IG_COV_PROBE ? nblk : IG_COV_PROBE, busy = 0;
    for (uint32_t b = 0; b < probe; b++) {
        keep_any(16 * b, n, nq, kq, vzz, nb, d, piv, keep);
        for (uint32_t k = 0; k < nq; k++)
            busy += keep[k] != 0;
    }
    if (2 * busy > probe * nq)
        return pairs_all(s, xs, nq, nb, d, q, work, mask);
    unsigned any = 0;
    for (uint32_t i = 0; i < n; i += 16) {
        const uint32_t g = n - i < 16 ? n - i : 16;
        keep_any(i, n, nq, kq, vzz, nb, d, piv, keep);
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
        ig_kern_dots_split_avx2(&v, xq, na, work);   /* work[a * g + l] */
        for (uint32_t a = 0; a < na; a++) {
            const uint32_t k = act[a];
            const float *ab = work + (size_t)a * g;
            uint32_t bits = 0;
            if (g == 16) {
                bits = (seg8(&q[k], _mm256_loadu_ps(nb + i), _mm256_loadu_ps(ab), _mm256_loadu_ps(d + i)) |
                        seg8(&q[k], _mm256_loadu_ps(nb + i + 8), _mm256_loadu_ps(ab + 8),
                             _mm256_loadu_ps(d + i + 8)) << 8) & keep[k];
            } else {
                for (uint32_t l = 0; l < g; l++)
                    if (keep[k] >> l & 1)
                        bits |= (uint32_t)ig_seg_maybe(&q[k], nb[i + l], ab[l], d[i + l]) << l;
            }
            mask[k * nblk + i / 16] = (uint16_t)bits;
            any |= (bits != 0) << k;
        }
    }
    return any;
}
