/* Dot products of a few queries with a split set, AVX-512: one zmm holds a feature pair
 * of the 16 vectors of a block. Each query keeps two sums per block (even and odd
 * features), so one load of a stored row serves every query. And extraction.coverage's
 * searches over them (cov_near, cov_pairs), each pass fused into one sweep. */
#include <immintrin.h>

#include <inferguard/base.h>
#include "dots_body.h"

#define BC(q, f) _mm512_set1_ps(xs[q][f])

static inline __mmask16 lanes(uint32_t left)
{
    return left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
}

/* A full block's 16 sums with a plain store, the last partial one masked: the caller
 * reads the sums back at once, and a masked store does not forward to later loads (they
 * wait until it commits: most of extraction.coverage's own time went there). */
static inline void put16(float *o, uint32_t left, __m512 v)
{
    if (left >= 16)
        _mm512_storeu_ps(o, v);
    else
        _mm512_mask_storeu_ps(o, lanes(left), v);
}

/* A split set's hi plane: one zmm load is feature pair p of a block's 16 vectors, widened
 * to the even feature by a shift and to the odd one by a mask; even and odd features keep
 * separate sums (and with one query two pairs at a time: four chains). */
static inline void split_q(const struct ig_vsplit *s, const float *const *xq, const uint32_t NQ,
                           float *out)
{
    const uint32_t n = s->count, dim = s->dim, pairs = s->pairs, full = dim / 2;
    const __m512i top = _mm512_set1_epi32((int)0xffff0000u);
    const float *xs[IG_DOTS_MAXQ];
    for (uint32_t q = 0; q < IG_DOTS_MAXQ; q++)
        xs[q] = xq[q < NQ ? q : 0];
    for (uint32_t i = 0; i < n; i += 16) {
        const uint32_t *blk = s->hi + (size_t)i * pairs;
        __m512 e[IG_DOTS_MAXQ], o[IG_DOTS_MAXQ], e2 = _mm512_setzero_ps(), o2 = e2;
        for (uint32_t q = 0; q < IG_DOTS_MAXQ; q++)
            e[q] = o[q] = _mm512_setzero_ps();
        uint32_t p = 0;
        if (NQ == 1) {
            for (; p + 2 <= full; p += 2) {
                __m512i w = _mm512_load_si512(blk + (size_t)p * 16);
                __m512i v = _mm512_load_si512(blk + (size_t)(p + 1) * 16);
                e[0] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(w, 16)), BC(0, 2 * p), e[0]);
                o[0] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(w, top)), BC(0, 2 * p + 1), o[0]);
                e2 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v, 16)), BC(0, 2 * p + 2), e2);
                o2 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v, top)), BC(0, 2 * p + 3), o2);
            }
        }
        for (; p < full; p++) {
            __m512i w = _mm512_load_si512(blk + (size_t)p * 16);
            __m512 ev = _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
            __m512 od = _mm512_castsi512_ps(_mm512_and_si512(w, top));
            for (uint32_t q = 0; q < NQ; q++) {
                e[q] = _mm512_fmadd_ps(ev, BC(q, 2 * p), e[q]);
                o[q] = _mm512_fmadd_ps(od, BC(q, 2 * p + 1), o[q]);
            }
        }
        if (full < pairs) {   /* odd dim: the last feature alone */
            __m512 ev = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_load_si512(blk + (size_t)full * 16), 16));
            for (uint32_t q = 0; q < NQ; q++)
                e[q] = _mm512_fmadd_ps(ev, BC(q, 2 * full), e[q]);
        }
        e[0] = _mm512_add_ps(e[0], e2);
        o[0] = _mm512_add_ps(o[0], o2);
        for (uint32_t q = 0; q < NQ; q++)
            put16(out + (size_t)q * n + i, n - i, _mm512_add_ps(e[q], o[q]));
    }
}

void ig_kern_dots_split_avx512(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                               float *out)
{
    IG_ASSERT(nq >= 1 && nq <= IG_DOTS_MAXQ);
    switch (nq) {
    case 1: split_q(s, xs, 1, out); break;
    case 2: split_q(s, xs, 2, out); break;
    case 3: split_q(s, xs, 3, out); break;
    default: split_q(s, xs, 4, out); break;
    }
}

/* z.hi(y) for a block's 16 rows: split_q's arithmetic for one query */
static inline __m512 dot1(const uint32_t *blk, const float *z, uint32_t pairs, uint32_t full)
{
    const __m512i top = _mm512_set1_epi32((int)0xffff0000u);
    __m512 e = _mm512_setzero_ps(), o = e, e2 = e, o2 = e;
    uint32_t p = 0;
    for (; p + 2 <= full; p += 2) {
        __m512i w = _mm512_load_si512(blk + (size_t)p * 16);
        __m512i v = _mm512_load_si512(blk + (size_t)(p + 1) * 16);
        e = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(w, 16)), _mm512_set1_ps(z[2 * p]), e);
        o = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(w, top)), _mm512_set1_ps(z[2 * p + 1]), o);
        e2 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v, 16)), _mm512_set1_ps(z[2 * p + 2]), e2);
        o2 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v, top)), _mm512_set1_ps(z[2 * p + 3]), o2);
    }
    for (; p < full; p++) {
        __m512i w = _mm512_load_si512(blk + (size_t)p * 16);
        e = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(w, 16)), _mm512_set1_ps(z[2 * p]), e);
        o = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(w, top)), _mm512_set1_ps(z[2 * p + 1]), o);
    }
    if (full < pairs)   /* odd dim: the last feature alone */
        e = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_load_si512(blk + (size_t)full * 16), 16)),
                            _mm512_set1_ps(z[2 * full]), e);
    return _mm512_add_ps(_mm512_add_ps(e, e2), _mm512_add_ps(o, o2));
}

/* The first pass in one sweep: estimates, their bounds and per lane the three smallest
 * upper bounds in registers; then the candidates' bits from the stored estimates. */
void ig_kern_cov_near_avx512(const struct ig_vsplit *s, const float *z, float zz, const float *nb,
                             float est, float *d, uint16_t *cand)
{
    const uint32_t n = s->count, pairs = s->pairs, full = s->dim / 2;
    const __m512 vzz = _mm512_set1_ps(zz), vest = _mm512_set1_ps(est), tiny = _mm512_set1_ps(IG_COV_TINY),
                 inf = _mm512_set1_ps(INFINITY), m2 = _mm512_set1_ps(-2.0f);
    __m512 b0 = inf, b1 = inf, b2 = inf;
    /* the rows' pivots (kernels.h), read by cov_pairs next: a line asked for per block here
     * arrives in time, where the second pass found them cold */
    const float *piv = s->naux > IG_SEG_PIVOT_PLANE ? ig_vsplit_aux_plane(s, IG_SEG_PIVOT_PLANE) : NULL;
    for (uint32_t i = 0; i < n; i += 16) {
        const __mmask16 k = lanes(n - i);
        if (piv)
            _mm_prefetch((const char *)(piv + i), _MM_HINT_T0);
        __m512 dot = dot1(s->hi + (size_t)i * pairs, z, pairs, full);
        __m512 sum = _mm512_add_ps(vzz, _mm512_maskz_loadu_ps(k, nb + i));
        __m512 v = _mm512_fmadd_ps(m2, dot, sum);
        __m512 t = _mm512_mask_blend_ps(k, inf, _mm512_add_ps(v, _mm512_fmadd_ps(vest, sum, tiny)));
        put16(d + i, n - i, v);
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
    const __m512 h3 = _mm512_set1_ps(ig_third_smallest(all, 48));
    for (uint32_t i = 0; i < n; i += 16) {
        const __mmask16 k = lanes(n - i);
        __m512 sum = _mm512_add_ps(vzz, _mm512_maskz_loadu_ps(k, nb + i));
        __m512 lo = _mm512_sub_ps(_mm512_maskz_loadu_ps(k, d + i), _mm512_fmadd_ps(vest, sum, tiny));
        cand[i / 16] = _mm512_mask_cmp_ps_mask(k, lo, h3, _CMP_LE_OQ);
    }
}

/* ig_seg_maybe (dots_body.h) on 16 rows of one query; acc = its estimates of a.b */
static inline __mmask16 seg16(__mmask16 k, const struct ig_seg_query *q, __m512 nbv, __m512 acc,
                              __m512 D)
{
    const __m512 uu = _mm512_set1_ps(q->uu);
    __m512 V = _mm512_fmadd_ps(_mm512_set1_ps(-2.0f), acc, _mm512_add_ps(_mm512_set1_ps(q->aa), nbv));
    __m512 m = _mm512_fmadd_ps(_mm512_set1_ps(2 * q->rel), nbv,
                               _mm512_set1_ps(q->rel * (q->zz + q->aa + q->uu) + IG_COV_TINY));
    __m512 uv = _mm512_mul_ps(_mm512_set1_ps(0.5f), _mm512_sub_ps(_mm512_add_ps(uu, V), D));
    __m512 Vp = _mm512_add_ps(V, m);
    __m512 thr = _mm512_min_ps(_mm512_mul_ps(_mm512_set1_ps(0.0225f * 1.0001f), Vp), _mm512_set1_ps(q->tol2_hi));
    thr = _mm512_fmadd_ps(_mm512_set1_ps(1e-4f), _mm512_add_ps(uu, Vp), thr);
    __m512 auv = _mm512_abs_ps(uv);
    __m512 lhs = _mm512_fnmadd_ps(uv, uv, _mm512_mul_ps(uu, V));
    __m512 slack = _mm512_mul_ps(_mm512_add_ps(_mm512_add_ps(uu, m), _mm512_add_ps(auv, auv)), m);
    __m512 rhs = _mm512_fmadd_ps(Vp, thr, slack);
    k = _mm512_mask_cmp_ps_mask(k, V, _mm512_sub_ps(_mm512_set1_ps(q->step_lo), m), _CMP_GE_OQ);
    k = _mm512_mask_cmp_ps_mask(k, uv, _mm512_fmsub_ps(_mm512_set1_ps(0.1f), V, m), _CMP_GE_OQ);
    k = _mm512_mask_cmp_ps_mask(k, uv, _mm512_fmadd_ps(_mm512_set1_ps(0.9f), V, m), _CMP_LE_OQ);
    return _mm512_mask_cmp_ps_mask(k, lhs, rhs, _CMP_LE_OQ);
}

/* The bound on |b - a| (dots_body.h, ig_cov_bound_of: per query, what it needs) rules rows
 * out before their products. With c the origin (grpc_d64: 93 % of the blocks out,
 * oip_v2_d64: 26 %); with c the pivot nearest to b (q->lift: the origin and the class
 * centres), natural rows lie around their class's centre, and a segment between two of
 * them passes inside that shell, away from a third (oip_v2_d64: 86 % of the blocks out,
 * and the plain sweep chosen for 3 % of the samples instead of 77 %). Here its steps are
 * fused; the scalar body and the AVX2 path run them unfused (ig_cov_keep1).
 * Rows of the block (mask k) that the bound cannot rule out for this query: rr = |b - c|^2,
 * r = an upper bound on |b - c|, base = |a - c|^2 - |z - c|^2 with its slack (per lane). */
static inline __mmask16 cov_keep(__mmask16 k, const struct ig_cov_bound *c, __m512 rr, __m512 r,
                                 __m512 base, __m512 dlo, __m512 dhi)
{
    if (!(c->g > 0))
        return k;
    /* x = |z - b|^2 - uu (low), vmax = largest |b - a|^2 */
    __m512 x = _mm512_sub_ps(dlo, _mm512_set1_ps(c->uu1));
    __m512 vmax = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(c->two_su), r, dhi),
                                _mm512_fmadd_ps(_mm512_set1_ps(1e-4f), _mm512_add_ps(rr, dhi), base));
    /* vmax < (g + sqrt(g^2 + x))^2 = 2 g^2 + x + 2 g sqrt(g^2 + x): with L = vmax - 2 g^2 - x,
     * L < 0 or L^2 < 4 g^2 (g^2 + x) */
    __m512 L = _mm512_sub_ps(vmax, _mm512_add_ps(_mm512_set1_ps(2 * c->g2), x));
    __mmask16 out = _mm512_cmp_ps_mask(L, _mm512_setzero_ps(), _CMP_LT_OQ) |
                    _mm512_cmp_ps_mask(_mm512_mul_ps(L, L),
                                       _mm512_mul_ps(_mm512_set1_ps(c->g4x), _mm512_add_ps(_mm512_set1_ps(c->g2), x)),
                                       _CMP_LT_OQ);
    out &= _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    return k & (__mmask16)~out;
}

/* z.hi(y) of a block's 16 rows for the NA queries xq (split_q's sums) */
static inline void blk_dots(const uint32_t *blk, uint32_t pairs, uint32_t full, const float *const *xq,
                            const uint32_t NA, __m512 *acc)
{
    const __m512i top = _mm512_set1_epi32((int)0xffff0000u);
    __m512 e[IG_DOTS_MAXQ], o[IG_DOTS_MAXQ];
    for (uint32_t j = 0; j < NA; j++)
        e[j] = o[j] = _mm512_setzero_ps();
    for (uint32_t p = 0; p < full; p++) {
        __m512i w = _mm512_load_si512(blk + (size_t)p * 16);
        __m512 ev = _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
        __m512 od = _mm512_castsi512_ps(_mm512_and_si512(w, top));
        for (uint32_t j = 0; j < NA; j++) {
            e[j] = _mm512_fmadd_ps(ev, _mm512_set1_ps(xq[j][2 * p]), e[j]);
            o[j] = _mm512_fmadd_ps(od, _mm512_set1_ps(xq[j][2 * p + 1]), o[j]);
        }
    }
    if (full < pairs) {
        __m512 ev = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_load_si512(blk + (size_t)full * 16), 16));
        for (uint32_t j = 0; j < NA; j++)
            e[j] = _mm512_fmadd_ps(ev, _mm512_set1_ps(xq[j][2 * full]), e[j]);
    }
    for (uint32_t j = 0; j < NA; j++)
        acc[j] = _mm512_add_ps(e[j], o[j]);
}

/* Without the bound: every block's products for every query. */
static inline unsigned pairs_q(const struct ig_vsplit *s, const float *const *xs, const uint32_t NQ,
                               const float *nb, const float *d, const struct ig_seg_query *q,
                               uint16_t *mask)
{
    const uint32_t n = s->count, pairs = s->pairs, full = s->dim / 2, nblk = (n + 15) / 16;
    unsigned any = 0;
    for (uint32_t i = 0; i < n; i += 16) {
        const __mmask16 k = lanes(n - i);
        __m512 acc[IG_DOTS_MAXQ];
        blk_dots(s->hi + (size_t)i * pairs, pairs, full, xs, NQ, acc);
        __m512 nbv = _mm512_maskz_loadu_ps(k, nb + i), D = _mm512_maskz_loadu_ps(k, d + i);
        for (uint32_t j = 0; j < NQ; j++) {
            __mmask16 f = seg16(k, &q[j], nbv, acc[j], D);
            mask[j * nblk + i / 16] = f;
            any |= (unsigned)(f != 0) << j;
        }
    }
    return any;
}

/* Per query, the rows of block i that the bound leaves (nbv, D: the block's |b|^2 and d);
 * piv: the rows' pivots (kernels.h, ig_seg_pivot_pack) when the queries have lifts (lo, hi:
 * per query, its lift's 32 values in two registers), else NULL */
static inline void block_keep(uint32_t i, uint32_t n, uint32_t nq, const struct ig_cov_bound *cb,
                              const float *nb, const float *d, float zz, const float *piv,
                              const __m512 *lo, const __m512 *hi, __m512 *nbv,
                              __m512 *D, __mmask16 *keep)
{
    const float est = 1e-4f + IG_VSPLIT_EPS;   /* d's error: the first pass's margin */
    const __mmask16 k = lanes(n - i);
    *nbv = _mm512_maskz_loadu_ps(k, nb + i);
    *D = _mm512_maskz_loadu_ps(k, d + i);
    __m512 e = _mm512_fmadd_ps(_mm512_set1_ps(est), _mm512_add_ps(_mm512_set1_ps(zz), *nbv),
                               _mm512_set1_ps(IG_COV_TINY));
    __m512 dhi = _mm512_add_ps(*D, e);
    __m512 dlo = _mm512_sub_ps(_mm512_sub_ps(*D, e),
                               _mm512_mul_ps(_mm512_set1_ps(1e-4f), _mm512_add_ps(dhi, _mm512_set1_ps(zz))));
    if (piv) {   /* the bound on |b - c| and, in its low bits, which pivot c is */
        __m512 r = _mm512_maskz_loadu_ps(k, piv + i);
        __m512i p = _mm512_castps_si512(r);   /* permutex2var reads the low 5 bits */
        __m512 rr = _mm512_mul_ps(r, r);
        for (uint32_t j = 0; j < nq; j++)
            keep[j] = cov_keep(k, &cb[j], rr, r, _mm512_permutex2var_ps(lo[j], p, hi[j]), dlo, dhi);
        return;
    }
    __m512 sqnb = _mm512_mul_ps(*nbv, _mm512_rsqrt14_ps(*nbv));   /* 0 * inf: NaN, kept */
    for (uint32_t j = 0; j < nq; j++)
        keep[j] = cov_keep(k, &cb[j], *nbv, sqnb, _mm512_set1_ps(cb[j].base), dlo, dhi);
}

/* The second pass in one sweep: per block, the bound above rules rows out per query; the
 * hi words are loaded once for the queries with rows left (split_q's sums), each one's
 * filter runs in registers, 16 bits out. When the first blocks show the bound ruling out
 * few of them (rows spread so that |b - a| could reach: oip_v2_d64), the plain sweep. */
static unsigned cov_pairs3(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                           const float *nb, const float *d, const struct ig_seg_query *q,
                           uint16_t *mask)
{
    const uint32_t n = s->count, pairs = s->pairs, full = s->dim / 2, nblk = (n + 15) / 16;
    const float zz = q[0].zz;
    struct ig_cov_bound cb[3];
    for (uint32_t j = 0; j < nq; j++)
        cb[j] = ig_cov_bound_of(&q[j]);
    /* the rows' pivots, when the caller gave them */
    const bool pivots = q[0].lift && s->naux > IG_SEG_PIVOT_PLANE;
    const float *piv = pivots ? ig_vsplit_aux_plane(s, IG_SEG_PIVOT_PLANE) : NULL;
    __m512 lo[3], hi[3];
    for (uint32_t j = 0; j < nq && pivots; j++) {
        lo[j] = _mm512_loadu_ps(q[j].lift);
        hi[j] = _mm512_loadu_ps(q[j].lift + 16);
    }
    __m512 nbv, D;
    __mmask16 keep[3];
    uint32_t probe = nblk < IG_COV_PROBE ? nblk : IG_COV_PROBE, busy = 0;
    for (uint32_t b = 0; b < probe; b++) {
        block_keep(16 * b, n, nq, cb, nb, d, zz, piv, lo, hi, &nbv, &D, keep);
        for (uint32_t j = 0; j < nq; j++)
            busy += keep[j] != 0;
    }
    if (2 * busy > probe * nq) {
        switch (nq) {
        case 1: return pairs_q(s, xs, 1, nb, d, q, mask);
        case 2: return pairs_q(s, xs, 2, nb, d, q, mask);
        default: return pairs_q(s, xs, 3, nb, d, q, mask);
        }
    }
    unsigned any = 0;
    for (uint32_t i = 0; i < n; i += 16) {
        const uint32_t *blk = s->hi + (size_t)i * pairs;
        block_keep(i, n, nq, cb, nb, d, zz, piv, lo, hi, &nbv, &D, keep);
        const float *xq[3];
        uint32_t act[3], na = 0;
        for (uint32_t j = 0; j < nq; j++) {
            mask[j * nblk + i / 16] = 0;
            if (keep[j]) {
                act[na] = j;
                xq[na++] = xs[j];
            }
        }
        __m512 acc[3];
        switch (na) {
        case 0: continue;
        case 1: blk_dots(blk, pairs, full, xq, 1, acc); break;
        case 2: blk_dots(blk, pairs, full, xq, 2, acc); break;
        default: blk_dots(blk, pairs, full, xq, 3, acc); break;
        }
        for (uint32_t a = 0; a < na; a++) {
            uint32_t j = act[a];
            __mmask16 f = seg16(keep[j], &q[j], nbv, acc[a], D);
            mask[j * nblk + i / 16] = f;
            any |= (unsigned)(f != 0) << j;
        }
    }
    return any;
}

unsigned ig_kern_cov_pairs_avx512(const struct ig_vsplit *s, const float *const *xs, uint32_t nq,
                                  const float *nb, const float *d, const struct ig_seg_query *q,
                                  float *work, uint16_t *mask)
{
    (void)work;
    IG_ASSERT(nq >= 1 && nq <= IG_DOTS_MAXQ);
    return nq <= 3 ? cov_pairs3(s, xs, nq, nb, d, q, mask) : pairs_q(s, xs, 4, nb, d, q, mask);
}
