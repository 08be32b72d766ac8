/* adversarial.boundary, cloud.c: parallelogram centres and antithetic clouds. */
#include "boundary.h"

/* The squared radius of a small move of <x>: CENTRE_MOVE spreads per coordinate (RMS) in
 * the model's scale (<inv>), without one <near_rel> of x's norm. */
double bd_move_radius2(const float *x, const float *inv, uint32_t dim, double near_rel)
{
    if (inv)
        return CENTRE_MOVE * CENTRE_MOVE * dim;
    double n2 = 0;
    for (uint32_t c = 0; c < dim; c++)
        n2 += (double)x[c] * x[c];
    return near_rel * near_rel * n2;
}

/* The block of a client's parallelogram centre and antithetic cloud (see pcen): allocated
 * at the first of either, charged to the detector's budget. */
static bool pblock(struct bd_global *g, struct bd_state *st, uint32_t dim)
{
    if (st->pcen)
        return true;
    uint64_t bytes = (7ull + IG_MIN(g->p.min_antithetic, dim)) * dim * sizeof(float);
    if (!bd_charge_st(g, st, bytes))
        return false;
    if (!(st->pcen = malloc(bytes))) {
        g->mem_ops->uncharge(g->mem, bytes);
        st->bytes -= bytes;
        return false;
    }
    st->pcen_n = st->cloud_n = 0;
    return true;
}

/* A parallelogram q + a == b + c: antithetic pairs around the centre (q + a) / 2, which
 * NES and ZOO estimate a gradient at. When that centre is a small dense move (bd_dense_move(),
 * at most CENTRE_MOVE spreads per coordinate RMS in the model's scale; without one near_rel
 * of the input's norm) of the centre of the client's last parallelogram, the search took a
 * step between two rounds of probes: a moved centre, also when the centre itself is never
 * sent (NES queries only x + s u and x - s u). A data scientist's local probes around one
 * record, then another far away, have one centre each: the same, or far apart. The last
 * centre must have been a round: two parallelograms around it at least (NES sends 25
 * pairs a round); a grid symmetric around a record (test-time augmentation by brightness
 * and contrast, x + s 1 + t x) holds parallelograms whose centres hop from one lattice
 * point to the next, each a small dense move of the last (unit test
 * test_noisy_copies_grids_coalitions_quiet). */
void bd_para_centre(struct bd_global *g, struct bd_state *st, const float *q, const float *a,
                    uint32_t dim, const float *inv, struct rel_hit *h)
{
    if (!pblock(g, st, dim))
        return;
    if (!st->pcen_n) {   /* the client's first parallelogram */
        for (uint32_t c = 0; c < dim; c++)
            st->pcen[c] = (float)(0.5 * ((double)q[c] + (double)a[c]));
        memcpy(st->pcen + 2 * (size_t)dim, q, (size_t)dim * sizeof(float));
        memcpy(st->pcen + 3 * (size_t)dim, a, (size_t)dim * sizeof(float));
        st->pcen_n = 1;
        return;
    }
    float *m = st->pcen + dim, *p1 = m + dim, *p2 = p1 + dim;
    /* another pair of the same round (exactly: q + a == p1 + p2 up to rounding) */
    if (zero_comb(q, a, 1.0, p1, -1.0, p2, -1.0, h->qe, dim)) {
        st->pcen_n += st->pcen_n < UINT16_MAX;
        return;
    }
    for (uint32_t c = 0; c < dim; c++)
        m[c] = (float)(0.5 * ((double)q[c] + (double)a[c]));
    int f;
    if (st->pcen_n >= 2 && bd_nnz_diff(m, st->pcen, h->qe, dim, 3, &f) >= IG_MIN(3u, dim)) {
        double d2 = bd_dist2(m, st->pcen, inv, dim);
        if (d2 <= bd_move_radius2(m, inv, dim, g->p.near_rel) && bd_dense_move(m, st->pcen, inv, dim)) {
            h->moved = true;
            h->centre = ++st->pcen_moves;
        }
    }
    memcpy(st->pcen, m, (size_t)dim * sizeof(float));
    memcpy(p1, q, (size_t)dim * sizeof(float));
    memcpy(p2, a, (size_t)dim * sizeof(float));
    st->pcen_n = 1;
}

/* An antithetic cloud: pairs q, a with q + a twice one centre (sent or not), each pair
 * dense (the relation moved min(3, dim) coordinates or more), small (half of |q - a| at
 * most CLOUD_R spreads per coordinate RMS in the model's scale; without one near_rel of
 * q's norm) and in a new direction: at least CLOUD_OFF of its length (~25 degrees) off the
 * span of the cloud's earlier new directions (in the model's scale: test-time
 * augmentation by a brightness and contrast grid symmetric around a record, x + s 1 + t x,
 * pairs in many directions of one plane, spans two), and not the pair before it's
 * magnitudes with other signs (|q - a| equal coordinate by coordinate up to rounding on
 * all but 2: complementary coalitions of a record over one background row, Kernel SHAP's
 * paired samples, and a design of experiments' antipodal corners share a centre that way;
 * so does SPSA's Rademacher estimate, left to the moved centre). That is a gradient
 * estimated by finite differences at the centre: NES's x + s u and x - s u with Gaussian
 * u (Ilyas et al. 2018), ZOO's with random directions; no perturbation-based explainer
 * (LIME, Kernel SHAP, Anchors) nor test-time augmentation by independent noisy copies
 * sends exact mirror images around one point in many directions. Returns the pairs in new
 * directions around the current centre (0: q, a is no such pair). State: the first pair's
 * two rows, the last pair's difference and up to min(min_antithetic, dim) unit
 * directions (model's scale), from the client's first such pair. */
#define CLOUD_OFF 0.4
/* The squared half-length of a small pair around q: CLOUD_R spreads per coordinate RMS in
 * the model's scale (<inv>), without one near_rel of q's norm. */
static double cloud_lim(const struct bd_global *g, const float *q, uint32_t dim, const float *inv)
{
    if (inv)
        return CLOUD_R * CLOUD_R * dim;
    double n2 = 0;
    for (uint32_t c = 0; c < dim; c++)
        n2 += (double)q[c] * q[c];
    return g->p.near_rel * g->p.near_rel * n2;
}

uint32_t bd_cloud_pair(struct bd_global *g, struct bd_state *st, const float *q,
                       const float *a, const float *b, uint32_t dim, const float *inv,
                       float qe)
{
    if (dim < 3)
        return 0;
    double half2 = 0.25 * bd_dist2(q, a, inv, dim);
    if (!(half2 > 0) || half2 > cloud_lim(g, q, dim, inv))
        return 0;
    uint32_t nb = IG_MIN(g->p.min_antithetic, dim);   /* directions kept */
    if (!pblock(g, st, dim))
        return 0;
    float *p1 = st->pcen + 4 * (size_t)dim, *p2 = p1 + dim, *v = p2 + dim, *basis = v + dim;
    bool skip = false;   /* the pair before it's magnitudes with other signs */
    /* With the centre b sent (q, a mirror around it): the cloud's pair around b too, up to
     * clipping; or b is one of the cloud's last pair (the search kept that probe and
     * probes around it: SimBA in a dense basis, ART's DCT directions): the cloud goes on
     * around the moved centre with its directions. A test-time augmentation grid around a
     * record (brightness x contrast) moves so too, in two directions only. */
    bool same_c = st->cloud_n && (zero_comb(q, a, 1.0, p1, -1.0, p2, -1.0, qe, dim) ||
                                  (b && bd_mirror_clipped(p1, p2, b, qe, dim)));
    bool hop = !same_c && st->cloud_n && b &&
               (!memcmp(b, p1, (size_t)dim * sizeof(float)) ||
                !memcmp(b, p2, (size_t)dim * sizeof(float)));
    if (hop) {
        memcpy(p1, q, (size_t)dim * sizeof(float));
        memcpy(p2, a, (size_t)dim * sizeof(float));
    } else if (same_c) {
        uint32_t same = 0;
        for (uint32_t c = 0; c < dim; c++)
            same += !moved(fabsf(q[c] - a[c]), fabsf(v[c]), 2.0f * qe);
        skip = same + 2 >= dim;
    } else {   /* a new centre */
        memcpy(p1, q, (size_t)dim * sizeof(float));
        memcpy(p2, a, (size_t)dim * sizeof(float));
        st->cloud_n = 0;
    }
    for (uint32_t c = 0; c < dim; c++)
        v[c] = q[c] - a[c];
    if (skip || st->cloud_n >= nb)
        return st->cloud_n;
    /* the new direction's residue off the span of the kept ones (Gram-Schmidt in double
     * over float rows: the kept ones are unit vectors) */
    double r2 = 0, n2 = 0;
    float *u = basis + (size_t)st->cloud_n * dim;
    for (uint32_t c = 0; c < dim; c++) {
        u[c] = v[c] * (inv ? inv[c] : 1.0f);
        n2 += (double)u[c] * u[c];
    }
    for (uint32_t k = 0; k < st->cloud_n; k++) {
        const float *e = basis + (size_t)k * dim;
        double t = 0;
        for (uint32_t c = 0; c < dim; c++)
            t += (double)u[c] * e[c];
        for (uint32_t c = 0; c < dim; c++)
            u[c] = (float)(u[c] - t * e[c]);
    }
    for (uint32_t c = 0; c < dim; c++)
        r2 += (double)u[c] * u[c];
    if (!(r2 >= CLOUD_OFF * CLOUD_OFF * n2) || !(r2 > 0))
        return st->cloud_n;
    double inv_r = 1.0 / sqrt(r2);
    for (uint32_t c = 0; c < dim; c++)
        u[c] = (float)(u[c] * inv_r);
    return ++st->cloud_n;
}

/* The kept input a that makes q's pair around the client's antithetic cloud's centre
 * (q + a == p1 + p2 up to rounding, moving min(3, dim) coordinates or more off q), -1 none.
 * The relations find a pair among q's nearest inputs or with its farthest; on few features
 * (iris: 4) a sample's nearest inputs are other samples and its farthest often not its
 * antipode (the samples' lengths vary), so once a cloud has a centre its later pairs are
 * looked up there directly (one first-coordinate test per kept input), fresh or not
 * (bd_cloud_seed()). */
int bd_cloud_antipode(const struct bd_state *st, const float *q, uint32_t dim, float qe)
{
    const float *p1 = st->pcen + 4 * (size_t)dim, *p2 = p1 + dim;
    uint32_t n = st->rows < st->rel_n ? (uint32_t)st->rows : st->rel_n;
    double t = (double)p1[0] + (double)p2[0] - (double)q[0];
    double tol = 8.0 * ULP * (fabs((double)q[0]) + fabs((double)p1[0]) + fabs((double)p2[0]) +
                              fabs(t)) + 2.0 * qe + 1e-30;
    for (uint32_t i = 0; i < n; i++) {
        const float *a = rel_at(st, dim, i);
        int f;
        if (fabs((double)a[0] - t) <= tol &&
            zero_comb(q, a, 1.0, p1, -1.0, p2, -1.0, qe, dim) &&
            bd_nnz_diff(q, a, qe, dim, 3, &f) >= IG_MIN(3u, dim))
            return (int)i;
    }
    return -1;
}

/* A cloud's first pair when the relations found none: q's antipode a is its farthest kept
 * input, fresh or not, and the row before q (or the one before it) is a sample whose own
 * antipode c was kept too (q + a == b + c). The relations look among the inputs of the
 * client's last REL_FRESH requests; NES sending one sample a request, its samples in the
 * order it draws them (x + s u for every u, then x - s u: Ilyas et al.'s code), puts a
 * sample's antipode 25 requests back and was never caught (unit test
 * test_nes_single_rows_alarms). Returns the slot of a, -1 none. */
int bd_cloud_seed(const struct bd_state *st, const float *q, uint32_t dim, float qe, int ai)
{
    uint32_t n = st->rows < st->rel_n ? (uint32_t)st->rows : st->rel_n;
    if (ai < 0 || n < 4)
        return -1;
    const float *a = rel_at(st, dim, (uint32_t)ai);
    for (uint32_t k = 1; k <= 2; k++) {
        uint32_t bi = (uint32_t)((st->rows - k) % st->rel_n);
        if (bi == (uint32_t)ai)
            continue;
        const float *b = rel_at(st, dim, bi);
        double t = (double)q[0] + (double)a[0] - (double)b[0];
        double tol = 8.0 * ULP * (fabs((double)q[0]) + fabs((double)a[0]) + fabs((double)b[0]) +
                                  fabs(t)) + 2.0 * qe + 1e-30;
        for (uint32_t ci = 0; ci < n; ci++) {
            if (ci == bi || ci == (uint32_t)ai || fabs((double)rel_at(st, dim, ci)[0] - t) > tol)
                continue;
            int f;
            const float *c = rel_at(st, dim, ci);
            if (zero_comb(q, a, 1.0, b, -1.0, c, -1.0, qe, dim) &&
                bd_nnz_diff(b, c, qe, dim, 3, &f) >= IG_MIN(3u, dim))
                return ai;
        }
    }
    return -1;
}
