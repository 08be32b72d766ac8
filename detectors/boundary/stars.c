/* adversarial.boundary, stars.c: stars (a base probed on both sides along many coordinates). */
#include "boundary.h"

/* One more child of star s along <coord> by <step>: a mirror when the coordinate already
 * had one on the other side by the same length (exactly up to rounding, or through noise:
 * bd_noisy_mirror()). */
static bool star_add(struct bd_state *st, uint32_t s, uint32_t dim, int coord, double step,
                     bool approx, float qe, const float *inv)
{
    bool mirrored = false;
    uint64_t bit = 1ull << (coord % 64);
    float *v0 = &st->star_step[s][coord % 64];
    if (st->star_has[s] & bit) {
        double base = st->star[(size_t)s * dim + (uint32_t)coord];
        double tol = 1e-5 * fabs(step) + 16.0 * ULP * (fabs(base) + fabs(step)) + qe;
        if (approx ? bd_noisy_mirror(step, *v0, inv, coord, nz_floor(st, inv, dim, coord))
                   : step * *v0 < 0 && fabs(step + *v0) <= tol) {
            mirrored = !(st->star_mir[s] & bit);
            st->star_mir[s] |= bit;
        }
    } else {
        st->star_has[s] |= bit;
        *v0 = (float)step;
    }
    st->star_last[s] = st->rows + 1;
    return mirrored;
}

/* Slot b, around which q probes along coordinate <step> (-1: unknown), is a moved centre: the
 * current point of a search, derived from a point it probed before. Either a kept step (b
 * was a sparse child of its own base toward the boundary, along another coordinate than
 * q's, and q keeps that move: SimBA keeps x - e when it lowered the label's probability
 * and probes the next coordinate from there; two probes of one record, x + d e_j and
 * x + d e_k, undo each other's) or a small dense move of a probed input (MOVED: ZOO's and
 * NES's update of their centre between rounds of probes). An attack moves toward and along the boundary; a data
 * scientist's local (x +- d e_j) or one-at-a-time sensitivity analysis probes a record as
 * it is and goes on to the next record, far away: its centres never move, and a slider
 * moving one field again moves the coordinate its base moved.
 * "Keeps that move" is measured against the move itself (session 24), when b's base is
 * still kept: q, and every row sent since b that is a near-duplicate of b as q is (as near
 * it, and beside their two largest coordinates no farther off it than 4 times q is: b's
 * other probes, not a batch's other targets), sit less than half the kept move off b's
 * level on its coordinate. SimBA never goes back to the level it left; channels of a
 * scene flickering up and down (a bistable pixel, a reading on its quantisation
 * threshold) go back in most frames, and one frame answered nearer the boundary, or a
 * label flipping on an ambiguous scene, is no kept level. Measured against q's own step
 * only (as before), uneven steps let a probe of a record undo a step of a narrow feature
 * by a step of a wide one and keep it (a local sensitivity analysis of records read
 * through uneven noise, one probe of a record answered nearer the boundary: flagged). */
bool bd_centre_moved(const struct bd_state *st, const float *q, uint32_t dim, int b,
                     int step, const float *inv)
{
    uint8_t f = st->rel_judged[b];
    if (f & MOVED)
        return true;
    if (!(f & KEPT) || step < 0)
        return false;
    int c = st->step_coord[st->rel_row[b] % 32];
    const float *bv = rel_at(st, dim, (uint32_t)b);
    if (c < 0 || c == step)
        return false;
    double keep = fabs((double)q[c] - bv[c]);
    if (!(2.0 * keep < fabs((double)q[step] - bv[step])))
        return false;
    int pb = st->rel_par[b];
    if (pb < 0 || st->rel_row[pb] != st->rel_par_row[b])
        return true;   /* (b's base gone from the ring: q's own step as the measure) */
    double km = fabs((double)bv[c] - rel_at(st, dim, (uint32_t)pb)[c]);
    if (!(2.0 * keep < km))
        return false;
    double qd = bd_dist2(q, bv, inv, dim), qr = bd_rest2(q, bv, inv, dim);
    uint32_t n = st->rel_n < st->rows ? st->rel_n : (uint32_t)st->rows;
    for (uint32_t i = 0; i < n; i++) {
        if (st->rel_row[i] <= st->rel_row[b])
            continue;
        const float *r = rel_at(st, dim, i);
        if (!(2.0 * fabs((double)r[c] - bv[c]) < km) && bd_dist2(r, bv, inv, dim) <= 4.0 * qd &&
            bd_rest2(r, bv, inv, dim) <= 4.0 * qr)
            return false;
    }
    return true;
}

/* Squared distance of q to b, in the model's scale (inv NULL: raw units). */
double bd_dist2(const float *q, const float *b, const float *inv, uint32_t dim)
{
    double d2 = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double z = ((double)q[c] - b[c]) * (inv ? inv[c] : 1.0f);
        d2 += z * z;
    }
    return d2;
}

/* q joins star s as its child along coordinate k by v (see bd_stars()). */
static void star_join(struct bd_state *st, uint32_t s, uint32_t dim, int k, double v, bool approx,
                      float qe, const float *inv, struct rel_hit *h)
{
    h->star_first = !(st->star_has[s] & (1ull << (k % 64)));
    h->star_new = star_add(st, s, dim, k, v, approx, qe, inv);
    h->star_child = true;
    h->star = pop64(st->star_mir[s]);
    h->star_base = st->star_row[s];
    h->star_coord = k;
    h->star_approx = approx;
    if (!h->moved && ((st->star_moved >> s) & 1)) {
        h->moved = true;
        h->centre = st->star_row[s];
    }
}

/* q's place among the client's stars (see struct bd_state): a child of the one whose base
 * is nearest adds to it; a second child of a ring input (h->base) that is no star yet, and
 * nearer q than every star's base, makes that input one, with its first child. Sets
 * h->star_child and h->star. The nearest base decides: a search's probes are children of
 * its current centre, and the centre before it, one kept step away, sees them as moving
 * that step's coordinate too (through noise a probe's own coordinate can hide, the kept
 * step's then dominates: the probe would join the old centre's star, as a child it is not,
 * and the current centre would never become a star). */
void bd_stars(struct bd_state *st, const float *q, float qe, uint32_t dim, const float *inv,
              struct rel_hit *h)
{
    if (!st->star)
        return;
    uint32_t free_s = STAR_N, old_s = 0, near_s = STAR_N;
    double near_d2 = INFINITY;
    for (uint32_t s = 0; s < STAR_N; s++) {
        if (st->star_last[s] && st->rows + 1 - st->star_last[s] > STAR_IDLE)
            st->star_last[s] = 0;
        if (!st->star_last[s]) {
            free_s = free_s < STAR_N ? free_s : s;
            continue;
        }
        if (st->star_last[s] < st->star_last[old_s] || !st->star_last[old_s])
            old_s = s;
        double d2 = bd_dist2(q, st->star + (size_t)s * dim, inv, dim);
        if (d2 < near_d2) {
            near_d2 = d2;
            near_s = s;
        }
    }
    /* q's own fresh base, with a child already and nearer than every star's base, is the
     * centre q probes: it becomes a star below */
    bool own = h->base >= 0 && st->rel_child[h->base] &&
               (near_s == STAR_N || st->rel_row[h->base] != st->star_row[near_s]) &&
               bd_dist2(q, rel_at(st, dim, (uint32_t)h->base), inv, dim) < near_d2;
    if (near_s < STAR_N && !own) {
        int k;
        double v;
        bool approx;
        /* a row that is an exact one-coordinate child of its nearest input joins a star
         * only exactly: off another base by a second coordinate, up to 30 % in length, is
         * what grid values of several features around one record make (a sensitivity
         * analysis), not noise hiding a probe */
        if (bd_child_of(q, st->star + (size_t)near_s * dim, inv, qe, dim, st, &k, &v, &approx) &&
            !(approx && h->base >= 0 && !h->approx))
            star_join(st, near_s, dim, k, v, approx, qe, inv, h);
    }
    if (h->star_child || h->base < 0 || !st->rel_child[h->base])
        return;
    uint32_t b = (uint32_t)h->base, s = free_s < STAR_N ? free_s : old_s;
    const float *bv = rel_at(st, dim, b);
    memcpy(st->star + (size_t)s * dim, bv, (size_t)dim * sizeof(float));
    st->star_row[s] = st->rel_row[b];
    st->star_has[s] = st->star_mir[s] = 0;
    st->star_last[s] = st->rows + 1;
    st->star_moved = (st->star_moved & ~(1u << s)) |
                     (uint32_t)bd_centre_moved(st, q, dim, (int)b, h->step, inv) << s;
    int c = st->rel_kid[b], k;
    double v;
    bool approx;
    if (c >= 0 && st->rel_row[c] == st->rel_kid_row[b] &&
        bd_child_of(rel_at(st, dim, (uint32_t)c), bv, inv, qe, dim, st, &k, &v, &approx))
        star_add(st, s, dim, k, v, approx, qe, inv);
    if (bd_child_of(q, bv, inv, qe, dim, st, &k, &v, &approx))
        star_join(st, s, dim, k, v, approx, qe, inv, h);
}

/* The exact relations, halving chains, greedy choices and stars of one finite row <x>
 * against stream <st> (a client's, or a cluster's across clients), then the row joins it.
 * Returns what fires, BD_NONE if nothing. <strict> (the cluster view): only evidence no
 * set of ordinary users makes together (a line, a halving chain turning back, greedy
 * choices, a star of mirrored probes), not one-sided siblings (many users each editing
 * one field of a popular record make those). <repeat>: x repeats one of the model's recent
 * rows exactly (another user sending the same record): no step of a search, so never a
 * moved centre (a record probed by one user and sent again by another would look like a
 * step kept off one of its probes). */
/* q's step off the base of the star (base row <row>) along coordinate k is as long as one
 * of that star's probes, within a factor of 2 in the model's scale (at least half the
 * shortest, at most twice the longest): a search steps by a length it probes with (SimBA:
 * eps along every coordinate, the kept step one of its probes); a local prober's next
 * record, a coordinate of which dominates its move off an old record by chance (measured:
 * wine labels only, one such record changed the label and its probes became a search's),
 * is as long as records are apart. The shortest and longest, not their mean: a search
 * probes each feature in its own unit (eps times the feature's spread as the attacker
 * measures it: its standard deviation, its range), and where features are heavy-tailed
 * those units differ from the model's robust ones several-fold (SimBA on breast cancer's
 * gradient-boosted trees, blind efficacy seed 5: probes 0.105 to 0.621 robust spreads, mean
 * 0.21; its kept step along a coordinate of 0.105 was under half the mean and the search
 * was never caught). */
bool bd_star_probe_sized(const struct bd_state *st, const float *q, const float *b,
                         const float *inv, uint64_t row, int k)
{
    for (uint32_t s = 0; s < STAR_N; s++) {
        if (!st->star_last[s] || st->star_row[s] != row)
            continue;
        double lo = INFINITY, hi = 0;
        for (uint32_t c = 0; c < 64; c++) {
            if (!(st->star_has[s] & (1ull << c)) || (int)c == k % 64)
                continue;
            /* a coordinate past 64 shares its bit: its scale is one of those, whichever */
            double l = fabs((double)st->star_step[s][c]) * (inv ? inv[c] : 1.0f);
            lo = l < lo ? l : lo;
            hi = l > hi ? l : hi;
        }
        if (hi <= 0)
            return false;
        double len = fabs((double)q[k] - b[k]) * (inv ? inv[k] : 1.0f);
        return len >= 0.5 * lo && len <= 2.0 * hi;
    }
    return false;
}
