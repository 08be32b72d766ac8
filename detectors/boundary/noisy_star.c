/* adversarial.boundary, noisy_star.c: a step kept behind noise (rows judged together). */
#include "boundary.h"

/* A step kept behind noise (session 23). An attacker adding noise to every query (a few %
 * of each feature's spread) leaves no single row to serve as a base: SimBA's probes are
 * x +- eps e_j around a point x it never sends again as it is, and on a model whose answers
 * are piecewise constant (boosted trees, forests) it probes one x for many rows before a
 * probe helps. Judged against single noisy rows (bd_stars(), bd_relations()), a probe's parent
 * is whichever noisy row is nearest: on 30 features the noise of the wide coordinates adds
 * up to about one step, and a probe around the kept step joined the old centre's star as
 * often as the new one's (efficacy blind seed 14, breast cancer's boosted trees: caught at
 * its 147th row, its first step at its 2nd). Here the rows are judged together: the
 * client's recent rows since its last jump (a segment: each row within noise of the one
 * before beside at most two coordinates, most coordinates moved: noise, not a lattice)
 * give each coordinate a centre (the median) and a noise sd (ns_centre(): a coordinate is
 * probed in a few rows only, so both are the noise's own, whatever scale the features
 * have). Against them, a row is *on* along a coordinate NS_ON noise sd or more off its
 * centre. The evidence, all in the segment:
 *  - one search: no row on along more than two coordinates;
 *  - a kept step: a coordinate k whose level changes once, at row t0, and holds for
 *    NS_AFTER rows up to q (an old level of one row only right after a jump), t0 on along
 *    k alone against the old level (a probe of the old centre), toward the boundary (its
 *    label changed, or the answer's mass off the label above the median of the rows
 *    before);
 *  - the search went on from there: the rows after t0 probe another coordinate each (two
 *    thirds of them at least, 2 or more);
 *  - a star: min_star coordinates (around the old centre or the new) probed on both sides
 *    by one length (x - e then x + e: opposite, their sum within NS_MIRROR noise sd, at
 *    most one spread long).
 * A local sensitivity analysis behind noise probes a record and goes on to the next
 * record (a jump: no step kept), a what-if slider sweeps one feature over several values
 * (no mirror), a sensor updating channels in turn changes the level of coordinate after
 * coordinate (rows on along many) and a quantised sensor moves few coordinates (no noise).
 * Returns the coordinates mirrored, 0 without the rest of the evidence; min_star fire
 * (below 5 features dim - 1: the kept coordinate is no mirror, so on 4 features at most 3).
 * Below 8 features (session 24) a coordinate is probed in a quarter of the rows or more
 * and its own rows are too few to measure its noise: ns_sd_few(); and the kept step
 * is probe-sized (ns_kept()). Only rows of 4 to NZ_MAXDIM features with a model's scale;
 * reads the kept inputs and their answers (no state of its own). */
#define NS_ROWS 16      /* rows judged together (at most; the ring's slots bound it) */
#define NS_MIN 6        /* ... at least */
#define NS_ON 6.0       /* noise sd off a coordinate's centre that is a probe */
#define NS_AFTER 3      /* rows at the new level, the kept row first */
#define NS_MIRROR 4.5   /* a mirror pair's sum, in noise sd (sqrt 2 of one row's) */
#define NS_GATE 24.0    /* q's two largest squared moves off the row before, against the
                         * others' mean square (model's scale), below which it is not judged */
/* The median of v[0..n) (v reordered) as a float: stats/floats.h's, the
 * same value as sorting (the middle two's float sum halved, which is exact or rounds once as
 * 0.5f * (a + b) does) */
static inline float ns_median(float *v, uint32_t n)
{
    return (float)ig_median_f(v, n);
}

/* Coordinate c's centre over rows r[0..n) (the median) and its noise sd: the median
 * absolute difference of consecutive rows is 0.6745 sqrt(2) sd; a probe pair (x - e, x + e)
 * makes three large differences of a coordinate, a kept step one; the median absolute
 * deviation from the centre is robust to the first, the differences to the second (the
 * kept coordinate's values sit at two levels): the smaller of the two. <v>: NS_ROWS floats */
static void ns_centre(const float *const *r, uint32_t n, uint32_t c, float *v, float *med,
                      float *sd)
{
    for (uint32_t t = 0; t < n; t++)
        v[t] = r[t][c];
    *med = ns_median(v, n);
    for (uint32_t t = 0; t + 1 < n; t++)
        v[t] = fabsf(r[t][c] - r[t + 1][c]);
    float sdd = ns_median(v, n - 1) / (0.6745f * 1.41421356f);
    for (uint32_t t = 0; t < n; t++)
        v[t] = fabsf(r[t][c] - *med);
    float sdm = ns_median(v, n) / 0.6745f;
    *sd = sdd < sdm ? sdd : sdm;
}

/* Below 8 features, each coordinate's noise sd over rows r[0..n) (newest first): on 4
 * features SimBA probes each coordinate in 2 rows of 8 and a kept step moves one, so a
 * coordinate's own values (ns_centre()) are a probe or a level in a third of the rows or
 * more, and its sd came out up to several times the noise (iris, boosted trees: a probe of
 * 10 noise sd measured 4; its own differences without the probes are ~2 of 16 rows, too few
 * to measure it either). The noise is measured on the differences of consecutive rows,
 * each difference's two largest moves in the model's scale left out (a probe and its
 * return), pooled over the coordinates in the model's scale (the median of ~2 x n values):
 * one noise for all, each coordinate's in the model's units. An attacker's noise in its
 * own units is uneven in the model's; a coordinate much noisier than the pool (3 times:
 * the unit test's lookalikes) is on now and then by chance, which breaks a level or makes
 * a third coordinate on (no search) more often than it makes a mirror. */
static void ns_sd_few(const float *const *r, uint32_t n, uint32_t dim, const float *inv,
                      float *sd)
{
    float all[8 * NS_ROWS];
    uint32_t na = 0;
    for (uint32_t t = 0; t + 1 < n; t++) {
        double z1 = -1, z2 = -1;
        uint32_t c1 = dim, c2 = dim;
        for (uint32_t c = 0; c < dim; c++) {
            double z = ((double)r[t][c] - r[t + 1][c]) * inv[c];
            if (z * z > z1)
                z2 = z1, c2 = c1, z1 = z * z, c1 = c;
            else if (z * z > z2)
                z2 = z * z, c2 = c;
        }
        for (uint32_t c = 0; c < dim; c++)
            if (c != c1 && c != c2)
                all[na++] = fabsf(r[t][c] - r[t + 1][c]) * inv[c];
    }
    /* (all[]: up to 6 x 15 values; the median of |difference| of two rows is 0.6745 sqrt 2 sd) */
    float pool = na ? ns_median(all, na) / (0.6745f * 1.41421356f) : 0;
    for (uint32_t c = 0; c < dim; c++)
        sd[c] = inv[c] > 0 ? pool / inv[c] : 0;
}

/* bd_noisy_kept_star()'s judgement of a kept step along coordinate kc at row t0 (rows oldest
 * first: t is r[n - 1 - t]; on/zon: each row's coordinates on and their offsets in noise sd):
 * the kept row is a probe of the old centre along kc alone (against the old level: the
 * median for a suffix, the prefix's value otherwise), toward the boundary; the rows after
 * it probe another coordinate each (two thirds of them at least, 2 or more: a channel
 * flickering to one value for a few readings, the others quiet, holds a level alone).
 * Below 8 features (<few>) the kept step is also probe-sized: at least half the shortest
 * mirrored probe and at most twice the longest (model's scale), as SimBA's kept step is one
 * of its probes (*Probes in several units*, rules/schema.md); a what-if scenario (one field
 * of a record set to a value a user types, 0.3-1.5 spreads off) and its local sensitivity
 * analysis (the other fields moved up and down by a small delta around it) hold a level
 * and mirrors on every other coordinate of 4, by construction.
 * Returns the coordinates mirrored around the old centre or the new, 0 when the rest
 * fails. */
static uint32_t ns_kept(uint32_t n, int (*on)[2], float (*zon)[2], const float *sd,
                        const float *inv, const float *pf, const int *lb, int kc, uint32_t t0,
                        bool few)
{
    for (int i = 0; i < 2; i++)
        if (on[t0][i] >= 0 && on[t0][i] != kc)
            return 0;
    float v[NS_ROWS];
    uint32_t same = 0;
    int lk = lb[n - 1 - t0];
    for (uint32_t t = 0; t < t0; t++) {
        v[t] = pf[n - 1 - t];
        same += lb[n - 1 - t] == lk;
    }
    bool flip = 2 * same < t0;
    bool up = pf[n - 1 - t0] >= 0 && v[0] >= 0 && pf[n - 1 - t0] > ns_median(v, t0);
    if (!flip && !up)
        return 0;
    uint32_t went = 0, mir = 0;
    double pmin = INFINITY, pmax = 0;   /* the mirrored probes' lengths (model's scale) */
    float first_z[NZ_MAXDIM];
    int8_t first_blk[NZ_MAXDIM];   /* -1 none, 0 before t0, 1 from t0; 2 mirrored */
    memset(first_blk, -1, sizeof first_blk);
    for (uint32_t t = 0; t < n; t++) {
        int j = -1;
        float z = 0;
        uint32_t k = 0;
        for (int i = 0; i < 2; i++)
            if (on[t][i] >= 0 && on[t][i] != kc)
                j = on[t][i], z = zon[t][i], k++;
        /* (a probe is local, at most one spread long, as bd_noisy_mirror() has it: a what-if
         * grid over a feature's range around a record meets its mirror image by chance) */
        if (k != 1 || fabs((double)z * sd[j] * inv[j]) > 1.0)
            continue;
        int8_t blk = t >= t0;
        went += t > t0;
        if (first_blk[j] == blk && (first_z[j] > 0) != (z > 0) &&
            fabsf(first_z[j] + z) <= NS_MIRROR * 1.41421356f) {
            first_blk[j] = 2;
            mir++;
            double len = 0.5 * ((double)fabsf(first_z[j]) + fabsf(z)) * sd[j] * inv[j];
            pmin = len < pmin ? len : pmin;
            pmax = len > pmax ? len : pmax;
        } else if (first_blk[j] != blk && first_blk[j] != 2) {
            first_blk[j] = blk, first_z[j] = z;
        }
    }
    if (few && mir) {
        double zk = 0;   /* the kept step: kc's on rows off the other level */
        uint32_t nk = 0;
        for (uint32_t t = 0; t < n; t++)
            for (int i = 0; i < 2; i++)
                if (on[t][i] == kc)
                    zk += fabsf(zon[t][i]), nk++;
        double klen = nk ? zk / nk * sd[kc] * inv[kc] : 0;
        if (klen < 0.5 * pmin || klen > 2.0 * pmax)
            return 0;
    }
    return went >= 2 && 3 * went >= 2 * (n - 1 - t0) ? mir : 0;
}

uint32_t bd_noisy_kept_star(const struct bd_state *st, const float *q, uint32_t dim,
                            const float *inv, int label, float poff)
{
    if (!inv || dim < 4 || dim > NZ_MAXDIM || st->rows < NS_MIN)
        return 0;
    uint32_t cap = st->rel_n < NS_ROWS ? st->rel_n : NS_ROWS;
    const float *r[NS_ROWS];
    float pf[NS_ROWS];
    int lb[NS_ROWS];
    /* the segment, newest first: q, then back while each row is within noise of the next
     * (beside its two largest coordinates, RMS at most NOISE_MAX spreads; most coordinates
     * moved) */
    uint32_t n = 1, top[2] = { 0, 0 };
    bool bounded = false;   /* the segment starts after a jump (else: the window's edge) */
    r[0] = q, pf[0] = poff, lb[0] = label;
    while (n < cap && n < st->rows) {   /* (q is in the ring already: bd_rel_push()) */
        uint32_t slot = (uint32_t)((st->rows - 1 - n) % st->rel_n);
        const float *a = rel_at(st, dim, slot), *b = r[n - 1];
        double t1 = 0, t2 = 0, sum = 0;
        uint32_t mv = 0, c1 = 0, c2 = 0;
        for (uint32_t c = 0; c < dim; c++) {
            double z = ((double)b[c] - a[c]) * inv[c], z2 = z * z;
            mv += a[c] != b[c];
            sum += z2;
            if (z2 > t1)
                t2 = t1, c2 = c1, t1 = z2, c1 = c;
            else if (z2 > t2)
                t2 = z2, c2 = c;
        }
        if (n == 1)
            top[0] = c1, top[1] = c2;
        if (2 * mv < dim || sum - t1 - t2 > NOISE_MAX * NOISE_MAX * (dim - 2)) {
            bounded = true;
            break;
        }
        /* (cost: q itself moves one or two coordinates far beyond the others off the row
         * before it, as a probe does off the probe before; noisy copies of one point, camera
         * frames, do not, and are not judged further: the medians below cost ~dim x 50
         * comparisons a row) */
        if (n == 1 && t1 + t2 < NS_GATE * (sum - t1 - t2) / (dim - 2))
            return 0;
        r[n] = a, pf[n] = st->rel_u[slot], lb[n] = st->rel_lab[slot];
        n++;
    }
    if (n < NS_MIN)
        return 0;
    /* oldest first from here: row t is r[n - 1 - t] */
    float med[NZ_MAXDIM], sd[NZ_MAXDIM], v[NS_ROWS];
    uint32_t quiet = 0;
    /* (cost: first the two coordinates q moved most off the row before: unless q or that
     * row is on along one of them, a probe or a kept level, nothing more is judged) */
    bool any = false, few = dim < 8;
    float sdc;
    if (few)   /* (every coordinate's noise at once; ns_centre()'s own sd unused) */
        ns_sd_few(r, n, dim, inv, sd);
    for (int i = 0; i < 2; i++) {
        uint32_t c = top[i];
        ns_centre(r, n, c, v, &med[c], few ? &sdc : &sd[c]);
        for (uint32_t t = 0; t < 2; t++)
            any |= sd[c] > 0 && fabs(((double)r[t][c] - med[c]) / sd[c]) >= NS_ON;
    }
    if (!any)
        return 0;
    for (uint32_t c = 0; c < dim; c++) {
        if (c != top[0] && c != top[1])
            ns_centre(r, n, c, v, &med[c], few ? &sdc : &sd[c]);
        quiet += !(sd[c] > 0);
    }
    if (4 * quiet > dim)
        return 0;   /* a lattice or exact copies, not noise */
    /* each row's coordinates on (at most two; a third: no one search) */
    int on[NS_ROWS][2];
    float zon[NS_ROWS][2];
    for (uint32_t t = 0; t < n; t++) {
        const float *x = r[n - 1 - t];
        uint32_t k = 0;
        on[t][0] = on[t][1] = -1;
        for (uint32_t c = 0; c < dim; c++) {
            if (!(sd[c] > 0))
                continue;
            double z = ((double)x[c] - med[c]) / sd[c];
            if (fabs(z) < NS_ON)
                continue;
            if (k == 2)
                return 0;
            on[t][k] = (int)c, zon[t][k] = (float)z;
            k++;
        }
    }
    /* the kept step: coordinate k on in rows [t0, n) only, or in [0, t0) only (the median
     * then took the new level), on one side within that block (a probe pair x - e, x + e
     * at either end is none), NS_AFTER rows or more from t0; every such coordinate is
     * tried (ns_kept()), the most mirrors count */
    uint32_t best = 0;
    uint64_t tried = 0;
    for (uint32_t t = 0; t < n; t++)
        for (int i = 0; i < 2; i++) {
            int c = on[t][i];
            if (c < 0 || (tried >> (c % 64) & 1))
                continue;
            tried |= 1ull << (c % 64);
            /* c's on rows: a prefix or a suffix of the segment, at one level? */
            uint32_t first = n, last = 0, cnt = 0;
            float zlo = INFINITY, zhi = -INFINITY;
            for (uint32_t u = 0; u < n; u++)
                for (int w = 0; w < 2; w++)
                    if (on[u][w] == c) {
                        first = u < first ? u : first;
                        last = u;
                        cnt++;
                        zlo = zon[u][w] < zlo ? zon[u][w] : zlo;
                        zhi = zon[u][w] > zhi ? zon[u][w] : zhi;
                    }
            if (cnt != last - first + 1 || (zlo < 0) != (zhi < 0))
                continue;
            /* (an old level of one row on at the window's edge is a probe whose mirror fell
             * out of the window: a stuck search probing its start, from 16 rows on, had its
             * first row taken for a start left; after a jump, the search's start is that row) */
            uint32_t s0 = 0;
            if (last == n - 1 && first > 0)
                s0 = first;
            else if (first == 0 && last + 1 < n && (last > 0 || bounded || n == st->rows))
                s0 = last + 1;
            else
                continue;
            if (n - s0 < NS_AFTER)
                continue;
            uint32_t m = ns_kept(n, on, zon, sd, inv, pf, lb, c, s0, few);
            best = m > best ? m : best;
        }
    return best;
}
