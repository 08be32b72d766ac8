/* adversarial.boundary, halving.c: halving chains (a binary search through noise). */
#include "boundary.h"

/* bd_halving_step's step sums over coordinates k .. dim - 1 on the lattice, in their order
 * (the SSE2 pairs add theirs in the same order): a coordinate the client's rounding leaves
 * without resolution is left out */
static void lattice_sums(const float *p1, const float *p2, const float *inv, double qe,
                         uint32_t k, uint32_t dim, double *n0, double *n4, double *w2)
{
    for (; k < dim; k++) {
        double w = inv[k];
        if (qe * w > 0.25)
            continue;
        double z = ((double)p1[k] - p2[k]) * w, z2 = z * z;
        *n0 += z2;
        *n4 += z2 * z2;
        *w2 += w * w;
    }
}

/* bd_halving_step's residues of q against +-half the step p1 - p2, summed in coordinate order
 * into *ep and *em; true when it left early, both sums above <lim> at the end of a block of
 * 16 coordinates (the sums only grow: both end above lim) */
static bool halving_residues(const float *q, const float *p1, const float *p2, const float *inv,
                             double qe, bool lattice, uint32_t dim, double lim, double *epp,
                             double *emp)
{
    double ep = 0, em = 0;
    uint32_t k0 = 0;
#if BD_SSE2
    /* two coordinates at a time, the sums in order as below; a pair ending a block of 16
     * is where the loop below would leave */
    const __m128d qev = _mm_set1_pd(qe), quarter = _mm_set1_pd(0.25), one = _mm_set1_pd(1.0);
    const __m128d c4 = _mm_set1_pd(4.0 * ULP), two = _mm_set1_pd(2.0), hv = _mm_set1_pd(0.5),
                  zero = _mm_setzero_pd();
    for (; k0 + 2 <= dim; k0 += 2) {
        __m128d w = inv ? ld2(inv + k0) : one;
        __m128d keep = lattice ? _mm_cmple_pd(_mm_mul_pd(qev, w), quarter)
                               : _mm_castsi128_pd(_mm_set1_epi32(-1));
        __m128d vq = ld2(q + k0), v1 = ld2(p1 + k0), v2 = ld2(p2 + k0);
        __m128d a = _mm_mul_pd(c4, _mm_add_pd(_mm_add_pd(abs_pd(vq), _mm_mul_pd(two, abs_pd(v1))),
                                              abs_pd(v2)));
        __m128d d0 = _mm_sub_pd(v1, v2), d1 = _mm_sub_pd(vq, v1);
        __m128d rp = _mm_sub_pd(abs_pd(_mm_sub_pd(d1, _mm_mul_pd(hv, d0))), a),
                rm = _mm_sub_pd(abs_pd(_mm_add_pd(d1, _mm_mul_pd(hv, d0))), a);
        __m128d tp = _mm_and_pd(_mm_mul_pd(_mm_mul_pd(_mm_mul_pd(rp, rp), w), w),
                                _mm_and_pd(_mm_cmpgt_pd(rp, zero), keep));
        __m128d tm = _mm_and_pd(_mm_mul_pd(_mm_mul_pd(_mm_mul_pd(rm, rm), w), w),
                                _mm_and_pd(_mm_cmpgt_pd(rm, zero), keep));
        ep += lo_pd(tp);
        ep += hi_pd(tp);
        em += lo_pd(tm);
        em += hi_pd(tm);
        if (((k0 + 1) & 15) == 15 && ep > lim && em > lim) {
            *epp = ep, *emp = em;
            return true;
        }
    }
#endif
    for (uint32_t k = k0; k < dim; k++) {
        double w = inv ? inv[k] : 1.0;
        if (lattice && qe * w > 0.25)
            continue;
        /* float32 rounding of the attacker's float64 arithmetic: excused outright */
        double a = 4.0 * ULP * (fabs((double)q[k]) + 2.0 * fabs((double)p1[k]) + fabs((double)p2[k]));
        double d0 = (double)p1[k] - p2[k], d1 = (double)q[k] - p1[k];
        double rp = fabs(d1 - 0.5 * d0) - a, rm = fabs(d1 + 0.5 * d0) - a;
        ep += rp > 0 ? rp * rp * w * w : 0.0;
        em += rm > 0 ? rm * rm * w * w : 0.0;
        if ((k & 15) == 15 && ep > lim && em > lim) {
            *epp = ep, *emp = em;
            return true;
        }
    }
    *epp = ep, *emp = em;
    return false;
}

/* A halving step whose participation ratio is below 1.5 (one coordinate dominates it) is
 * still a line through the input space, not a slider, when min(3, dim) coordinates move
 * beyond the noise. Returns the square of the min(3, dim)-th largest move of p1 - p2 in the
 * model's scale (moves under 4 decimal steps count as none; 0 when fewer coordinates are
 * kept), and in *m the coordinates kept. A slider (a user bisecting one feature, a what-if
 * tool) moves its other coordinates by nothing or by noise only. On few features a random
 * line (HopSkipJump's start against a uniform draw) has a participation ratio below 1.5
 * about as often as not. */
static double narrow_third(const float *p1, const float *p2, const float *inv, double qe,
                           bool lattice, uint32_t dim, uint32_t *m)
{
    double top[3] = { 0, 0, 0 };   /* the 3 largest squared moves */
    *m = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double w = inv ? inv[k] : 1.0;
        if (lattice && qe * w > 0.25)
            continue;
        (*m)++;
        double z = ((double)p1[k] - p2[k]) * w, z2 = z * z;
        if (z2 < 16.0 * qe * qe * w * w)   /* under 4 decimal steps: not moving */
            continue;
        if (z2 > top[0]) {
            top[2] = top[1], top[1] = top[0], top[0] = z2;
        } else if (z2 > top[1]) {
            top[2] = top[1], top[1] = z2;
        } else if (z2 > top[2]) {
            top[2] = z2;
        }
    }
    uint32_t need = dim < 3 ? dim : 3;
    return *m >= need ? top[need - 1] : 0.0;
}

/* the pooled test of a narrow halving step's line (bd_halving_step): 25 = 5x the residue's RMS
 * per coordinate */
#define NARROW_K2 25.0

/* ---- halving chains: a binary search seen through noise or rounding ----
 * A binary search for the decision boundary (HopSkipJump, Boundary attack, Sign-OPT, RayS,
 * OPT) sends midpoints: each step is half the one before, along the same line, on toward
 * one end or back toward the other as the answers decide. The relation
 * q - p1 = +-(p1 - p2) / 2 ties three consecutive rows only (no endpoint needs to be kept)
 * and is tested within a share (halving_tol) of the step's length, so noise or rounding
 * added to hide the exact arithmetic hides only the steps shorter than itself, not the
 * first ones. Natural streams do not halve: frames and noisy records step at random, a
 * ramp keeps its step, a reading settling on a new value (first-order response) shrinks
 * its steps but never turns back, a slider moves one coordinate. Measured in the model's
 * scale; coordinates the client's rounding leaves without resolution (a step of a quarter
 * of their spread or more) are left out. Returns +1 (same direction), -1 (turned back), 0;
 * +-2 for a step one coordinate dominates, on a line narrow_third() showed (below). */
int bd_halving_step(const struct bd_params *p, const struct bd_state *st, const float *q,
                    float qq, uint32_t dim, const float *inv, uint64_t key,
                    struct hv_narrow *nw)
{
    if (st->rows < 2)
        return 0;
    uint32_t slots = st->rel_n;
    uint32_t i1 = (uint32_t)((st->rows - 1) % slots), i2 = (uint32_t)((st->rows - 2) % slots);
    const float *p1 = rel_at(st, dim, i1), *p2 = rel_at(st, dim, i2);
    double qe = qq;
    qe = st->rel_quant[i1] > qe ? st->rel_quant[i1] : qe;
    qe = st->rel_quant[i2] > qe ? st->rel_quant[i2] : qe;
    /* two passes: the step's size and shape first (4 independent sums), then the residues
     * of both signs, left as soon as both exceed the bound (most rows are no halving step) */
    double n0 = 0, n4 = 0, w2 = 0;
    bool lattice = qe > 0 && inv;   /* some coordinates may have no resolution left */
    if (!inv && qe > 0.25)
        return 0;
    /* The residues first, when the step's length is known from the row before: bd_relations()
     * measured |p1 - p2|^2 in this scale (float32 sums of float32 terms: each term within 5
     * roundings of its exact value, the sum within 63 more, so n0 <= d2 (1 + 1e-5) + 1e-30
     * whatever coordinates the lattice leaves out), and every coordinate's w^2 bounds w2.
     * Residues past the bound that gives are past the exact one: no halving step, without
     * the step's sums (an ordinary row's residues pass it within 16 coordinates). */
    double ep = 0, em = 0;
    bool have = false;
    if (st->hv_at != UINT64_MAX && st->hv_at + 1 == st->rows && st->hv_key == key) {
        double w2u = inv ? st->hv_w2 * (1.0 + 1e-9) : dim;
        double limu = 0.25 * p->halving_tol * p->halving_tol * ((double)st->hv_d2 * (1.0 + 1e-5) + 1e-30) +
                      4.0 * (3.5 / 12.0) * qe * qe * w2u;
        if (halving_residues(q, p1, p2, inv, qe, lattice, dim, limu, &ep, &em) ||
            (ep > limu && em > limu))
            return 0;
        have = true;   /* ep, em complete */
    }
#if BD_SSE2
    /* The same sums in the same order, each term computed two coordinates at a time (SSE2
     * doubles, no fused operations); a coordinate the lattice leaves out adds +0 (every
     * sum is +0 or more, so it stays as it was). */
    const __m128d qev = _mm_set1_pd(qe), quarter = _mm_set1_pd(0.25), one = _mm_set1_pd(1.0);
    uint32_t k2 = 0;
    if (lattice) {
        for (; k2 + 2 <= dim; k2 += 2) {
            __m128d w = ld2(inv + k2);
            __m128d keep = _mm_cmple_pd(_mm_mul_pd(qev, w), quarter);
            __m128d z = _mm_mul_pd(_mm_sub_pd(ld2(p1 + k2), ld2(p2 + k2)), w);
            __m128d z2 = _mm_and_pd(_mm_mul_pd(z, z), keep);
            __m128d z4 = _mm_mul_pd(z2, z2), ww = _mm_and_pd(_mm_mul_pd(w, w), keep);
            n0 += lo_pd(z2);
            n0 += hi_pd(z2);
            n4 += lo_pd(z4);
            n4 += hi_pd(z4);
            w2 += lo_pd(ww);
            w2 += hi_pd(ww);
        }
    } else {
        __m128d a0 = _mm_setzero_pd(), a1 = a0, b0 = a0, b1 = a0;
        for (; k2 + 4 <= dim; k2 += 4) {
            __m128d w01 = inv ? ld2(inv + k2) : one, w23 = inv ? ld2(inv + k2 + 2) : one;
            __m128d z01 = _mm_mul_pd(_mm_sub_pd(ld2(p1 + k2), ld2(p2 + k2)), w01);
            __m128d z23 = _mm_mul_pd(_mm_sub_pd(ld2(p1 + k2 + 2), ld2(p2 + k2 + 2)), w23);
            z01 = _mm_mul_pd(z01, z01);
            z23 = _mm_mul_pd(z23, z23);
            a0 = _mm_add_pd(a0, z01);
            a1 = _mm_add_pd(a1, z23);
            b0 = _mm_add_pd(b0, _mm_mul_pd(z01, z01));
            b1 = _mm_add_pd(b1, _mm_mul_pd(z23, z23));
        }
        double s0[4] = { lo_pd(a0), hi_pd(a0), lo_pd(a1), hi_pd(a1) },
               s4[4] = { lo_pd(b0), hi_pd(b0), lo_pd(b1), hi_pd(b1) };
        for (uint32_t k = k2; k < dim; k++) {
            double z = ((double)p1[k] - p2[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
            s0[0] += z2;
            s4[0] += z2 * z2;
        }
        n0 = s0[0] + s0[1] + s0[2] + s0[3];
        n4 = s4[0] + s4[1] + s4[2] + s4[3];
        if (inv) {
            uint32_t k = 0;
            for (; k + 2 <= dim; k += 2) {
                __m128d w = ld2(inv + k), ww = _mm_mul_pd(w, w);
                w2 += lo_pd(ww);
                w2 += hi_pd(ww);
            }
            for (; k < dim; k++)
                w2 += (double)inv[k] * inv[k];
        } else {
            w2 = dim;
        }
        k2 = dim;
    }
    /* the lattice's last odd coordinate */
    if (lattice)
        lattice_sums(p1, p2, inv, qe, k2, dim, &n0, &n4, &w2);
#else
    if (!lattice) {
        double s0[4] = { 0 }, s4[4] = { 0 };
        uint32_t k = 0;
        for (; k + 4 <= dim; k += 4)
            for (uint32_t u = 0; u < 4; u++) {
                double z = ((double)p1[k + u] - p2[k + u]) * (inv ? inv[k + u] : 1.0f), z2 = z * z;
                s0[u] += z2;
                s4[u] += z2 * z2;
            }
        for (; k < dim; k++) {
            double z = ((double)p1[k] - p2[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
            s0[0] += z2;
            s4[0] += z2 * z2;
        }
        n0 = s0[0] + s0[1] + s0[2] + s0[3];
        n4 = s4[0] + s4[1] + s4[2] + s4[3];
        if (inv)
            for (k = 0; k < dim; k++)
                w2 += (double)inv[k] * inv[k];
        else
            w2 = dim;
    } else {
        lattice_sums(p1, p2, inv, qe, 0, dim, &n0, &n4, &w2);
    }
#endif
    /* a step along several coordinates (participation ratio >= 1.5: not a slider, or
     * narrow_third() below), and at least 4 decimal steps per coordinate (RMS) when
     * the client rounds (quantised readings flickering by a step or two are not a search) */
    if (n0 <= 0 || n0 < 16.0 * qe * qe * w2)
        return 0;
    bool narrow = n0 * n0 < 1.5 * n4;   /* one coordinate dominates the step */
    if (narrow && dim < 2)
        return 0;
    /* (tol x |d0| / 2)^2, plus 4 x the residue rounding to qe makes on average: each of q,
     * p1, p2 off by a uniform +-qe/2 (variance qe^2/12), weighted 1, 3/2, 1/2 */
    double lim = 0.25 * p->halving_tol * p->halving_tol * n0 + 4.0 * (3.5 / 12.0) * qe * qe * w2;
    if (!have && halving_residues(q, p1, p2, inv, qe, lattice, dim, lim, &ep, &em))
        return 0;
    int s = ep <= lim ? 1 : em <= lim ? -1 : 0;
    /* A narrow step (one coordinate dominates it): a line's when min(3, dim) coordinates
     * move beyond the noise, measured on two consecutive narrow halving steps: the smaller
     * of their min(3, dim)-th largest squared moves at least NARROW_K2 times their pooled
     * residue per coordinate (the noise of 3 rows: ~1.9 sigma a coordinate, against ~1.4
     * sigma of a coordinate's own move through noise alone). One row's residue over 4
     * coordinates is too unsteady a measure of the noise (its chi-square of 4 degrees comes
     * near 0 by chance: a what-if bisection of one feature behind noise passed a single-row
     * test at 4x the RMS in ~0.8 % of its narrow halving steps, at 20x in 3 of ~95,000);
     * pooled over two rows at 5x, 1 of ~125,000 pairs (rules/schema.md). The first
     * of the two joins the chain with the second. A narrow step that halves a narrow line's
     * step (the row before was one) is on that line: later steps shrink into the noise. A
     * wide step does not pass its line on (noise alone makes short steps wide), but one
     * after a narrow step is tried with it (a line near 1.5 is narrow or wide by noise). */
    if (!s || (!narrow && !st->halv_cand))
        return s;
    if (narrow && st->halv_run && st->halv_narrow)
        return 2 * s;   /* +-2: a narrow line's step */
    uint32_t m;
    double t3 = narrow_third(p1, p2, inv, qe, lattice, dim, &m), r2 = s > 0 ? ep : em;
    if (st->halv_cand && t3 > 0) {
        double t = t3 < st->halv_ctop ? t3 : (double)st->halv_ctop;
        if (t > NARROW_K2 * ((double)st->halv_cr2 + r2) / (2.0 * m)) {
            nw->joins = true;
            return 2 * s;
        }
    }
    if (!narrow)
        return s;
    if (t3 > 0)
        nw->cand = true, nw->rev = s < 0, nw->top = (float)t3, nw->r2 = (float)r2;
    return 0;
}

/* The last halving chain (halv_run rows ending at this one, with <label>) turned back at
 * least once and its rows' answers changed label (or none was seen): the answers steer it. */
bool bd_halving_chain(const struct bd_params *p, const struct bd_state *st, int label)
{
    uint32_t n = st->halv_run;
    if (n < p->min_halving)
        return false;
    uint32_t slots = st->rel_n;
    n = n > slots - 1 ? slots - 1 : n;
    if (!(st->halv_rev & ((n >= 32 ? 0u : 1u << n) - 1u)))
        return false;
    /* rows of the chain: this one and the n + 1 before it (all still kept: n + 1 <= slots) */
    int seen = label;
    bool known = label >= 0;
    for (uint32_t k = 0; k <= n; k++) {
        int32_t l = st->rel_lab[(st->rows - 1 - k) % slots];
        if (l < 0)
            continue;
        if (known && l != seen)
            return true;
        seen = l;
        known = true;
    }
    return !known;
}
