/* adversarial.boundary, noise.c: a client's noise floor and its noise per coordinate; a
 * step that dominates noise. */
#include "boundary.h"

/* q - b moves one coordinate far more than the others, in the model's scale: the move of
 * the largest one squared is at least 12 + 200 / dim times the others' mean square (37x at
 * 8 features, 19x at 30, 15x at 64: Gaussian noise alone passes about once in 1,000
 * steps), and at least 8 decimal steps of the client's rounding. A search that adds noise to every query
 * (a few % of the spread) moves every coordinate a little and its step coordinate a lot;
 * natural near-duplicates move them all alike. Below 8 features the other coordinates are
 * too few to measure the noise on one row (3 of them on iris: their mean square varies
 * 10x from row to row), so the test is against the client's noise floor pooled over its
 * recent rows (<floor>, bd_noise_learn()): at least NOISE_DOM times it (a 5-sigma move: a
 * Gaussian coordinate passes about once in 30,000 rows), and still 6 times this row's
 * others' mean square, from 4 features. And the others move by noise, not by a record's
 * differences: in the model's scale their RMS is at most NOISE_MAX spreads (an attacker's
 * noise is a few % of the spread, two noisy queries' difference ~1.4x it; two different
 * records differ by ~1 spread a coordinate, and their differences are heavy-tailed, not
 * Gaussian: one coordinate of a new record 3.4 spreads off a probe of the record before,
 * the other 29 at 0.75 RMS, passed the ratio on breast cancer, a local prober's next
 * record taken for a kept step's noisy child: a moved centre). Without a scale (wide
 * inputs in raw units) the ratio alone. Returns the coordinate, -1 none. */
#define NOISE_DOM 25.0
#define NZ_W 16          /* rows of the running mean */
#define NZ_PRIOR 4.0
#define NZ_CLIP 4.0      /* a row's square counts at most this many times the mean square */
int bd_dominant(const float *q, const float *b, const float *inv, float qe, uint32_t dim,
                const struct bd_state *st, double *step)
{
    double floor = st->noise;
    double top = 0, sum = 0, wtop = 0, wsum = 0;
    bool nz = inv && dim >= 8 && nz_ready(st);
    int kt = -1, kw = -1;
    uint32_t mv = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double z = ((double)q[k] - b[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
        mv += q[k] != b[k];
        sum += z2;
        if (z2 > top) {
            top = z2;
            kt = (int)k;
        }
        if (nz) {
            double w2 = z2 / nz_var(st, k);
            wsum += w2;
            if (w2 > wtop) {
                wtop = w2;
                kw = (int)k;
            }
        }
    }
    if (kt < 0 || dim < 4)
        return -1;
    /* the largest of dim Gaussian squares grows as 2 ln dim: from ~75 features the bound
     * is 3.5 ln dim (24x at 1,024 features, where 12x passed every other noisy frame) */
    double lim = 12.0 + 200.0 / dim, lg = 3.5 * log((double)dim);
    lim = lim > lg ? lim : lg;
    bool raw = !(inv && sum - top > NOISE_MAX * NOISE_MAX * (dim - 1)) &&
               !(dim < 8 ? floor <= 0 || top < NOISE_DOM * floor || top < 6.0 * (sum - top) / (dim - 1)
                         : top < lim * (sum - top) / (dim - 1));
    /* ... or in the client's noise units (nz_var()), where noise moves most coordinates (a
     * few channels of a quantised sensor moving by one step, the rest as they were, are
     * no step through noise) */
    if (!raw) {
        if (!nz || kw < 0 || 2 * mv < dim)
            return -1;
        double zw = ((double)q[kw] - b[kw]) * inv[kw];
        if (sum - zw * zw > NOISE_MAX * NOISE_MAX * (dim - 1) || wtop < lim * (wsum - wtop) / (dim - 1))
            return -1;
        kt = kw;
    }
    *step = (double)q[kt] - b[kt];
    if (qe > 0 && fabs(*step) < 8.0 * qe)
        return -1;
    return kt;
}

/* q is a child of b along one coordinate: exactly (every other coordinate equal up to
 * rounding), or dominating noise. Sets the coordinate, the step and whether it was exact. */
bool bd_child_of(const float *q, const float *b, const float *inv, float qe, uint32_t dim,
                 const struct bd_state *st, int *coord, double *step, bool *approx)
{
    int first;
    if (bd_nnz_diff(q, b, qe, dim, 2, &first) == 1 && bd_coarse(q, b, qe, dim)) {
        *coord = first;
        *step = (double)q[first] - b[first];
        *approx = false;
        return true;
    }
    *approx = true;
    return (*coord = bd_dominant(q, b, inv, qe, dim, st, step)) >= 0;
}

/* Two children of one base along coordinate k, by <step> and <v0> (raw units), mirror each
 * other through noise: opposite, and of one length up to the noise. Their sum carries the
 * noise of both and twice the base's: 6 sigma^2 per coordinate where the client's floor
 * (noise, model's scale) is 2 sigma^2, so 3 sd is 3 sqrt(3 floor); without a floor yet,
 * 30 % of the step. And the probe is local, at most one spread long: a finite-difference
 * probe (SimBA's eps, ZOO's h, NES's sigma) is a small share of the feature's spread, a
 * sweep over the feature's range is not (a what-if grid around a record meets the record's
 * mirror image by chance). */
bool bd_noisy_mirror(double step, double v0, const float *inv, int k, double floor)
{
    double w = inv ? inv[k] : 1.0;
    if (step * v0 >= 0 || fabs(step) * w > 1.0)
        return false;
    double tol = floor > 0 ? 3.0 * sqrt(3.0 * floor) / w : 0.3 * fabs(step);
    return fabs(step + v0) <= tol;
}

/* The client's noise per coordinate learns q's move off its nearest fresh input b when the
 * move is within noise (beside its largest coordinate, a search's step or the noise's
 * largest, the others' RMS at most NOISE_MAX spreads in the model's scale, and most
 * coordinates moved): a running mean over NZ_W rows, each square winsorised (below); from
 * the client's first such row (2 x dim floats, charged; refused: none, as before). */
void bd_nz_learn(struct bd_global *g, struct bd_state *st, const float *q, const float *b,
                 const float *inv, uint32_t dim)
{
    bool nz = nz_ready(st);
    double top = 0, sum = 0;
    uint32_t kt = 0, mv = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double z = ((double)q[k] - b[k]) * inv[k], z2 = z * z;
        mv += q[k] != b[k];
        sum += z2;
        double w2 = nz ? z2 / nz_var(st, k) : z2;
        if (w2 > top) {
            top = w2;
            kt = k;
        }
    }
    double zt = ((double)q[kt] - b[kt]) * inv[kt];
    if (!(sum > 0) || 2 * mv < dim || sum - zt * zt > NOISE_MAX * NOISE_MAX * (dim - 1))
        return;   /* (noise moves most coordinates: a few channels of a quantised sensor
                   * moving by one step, the rest as they were, are none) */
    if (!st->nzp) {
        if (!bd_charge_st(g, st, 2 * (uint64_t)dim * sizeof(float)))
            return;
        st->nzp = calloc(2 * (size_t)dim, sizeof(float));
        if (!st->nzp) {
            g->mem_ops->uncharge(g->mem, 2 * (uint64_t)dim * sizeof(float));
            st->bytes -= 2 * (uint64_t)dim * sizeof(float);
            return;
        }
    }
    uint32_t n = st->nz_n < NZ_W ? st->nz_n + 1 : NZ_W;
    double m = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double z = ((double)q[k] - b[k]) * inv[k], z2 = z * z;
        if (!st->nz_n) {   /* the first row: its largest coordinate as the others' mean */
            st->nzp[k] = (float)(k == kt ? (sum - zt * zt) / (dim - 1) : z2);
        } else {
            /* winsorised at NZ_CLIP times the coordinate's mean square: a search's step
             * raises its coordinate's by a bounded share, and a coordinate that moves more
             * than learnt (a record drifting along it) still raises it row by row (left
             * out as the largest, one learnt too low early stayed so, its noise then taken
             * for steps: a drifting busy client flagged on breast cancer) */
            double v = st->nzp[k] > 0 ? st->nzp[k] : st->nz_mean;
            if (v > 0 && z2 > NZ_CLIP * v)
                z2 = NZ_CLIP * v;
            st->nzp[k] += (float)((z2 - st->nzp[k]) / n);
        }
        m += st->nzp[k];
    }
    st->nz_mean = (float)(m / dim);
    st->nz_n += st->nz_n < UINT16_MAX;
    /* each coordinate's noise as judged: its own mean square shrunk toward the mean of all
     * by NZ_PRIOR rows' weight (shrunk geometrically instead, a quiet coordinate's noise
     * counted for less and camera frames on breast cancer met chance steps: 2 of 980
     * benign replay streams flagged) */
    double w = st->nz_n < NZ_W ? st->nz_n : NZ_W;
    for (uint32_t k = 0; k < dim; k++)
        st->nzp[dim + k] = (float)((w * st->nzp[k] + NZ_PRIOR * st->nz_mean) / (w + NZ_PRIOR));
}
