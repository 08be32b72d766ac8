/* adversarial.boundary, steps.c: a row's record, greedy descent links and the last rows' steps. */
#include "boundary.h"

/* q - b moves three coordinates or more alike: its third largest move is at least half its
 * largest (in the model's scale). ZOO's and NES's centre updates move many coordinates
 * (sign steps: all alike); two probes of one record (x + d e_j, x + d e_k) move two, the
 * rest only by the noise a client adds. */
bool bd_dense_move(const float *q, const float *b, const float *inv, uint32_t dim)
{
    double t[3] = { 0, 0, 0 };
    for (uint32_t c = 0; c < dim; c++) {
        double z = ((double)q[c] - b[c]) * (inv ? inv[c] : 1.0f), z2 = z * z;
        if (z2 > t[2]) {
            t[2] = z2;
            if (t[2] > t[1]) {
                double u = t[1];
                t[1] = t[2];
                t[2] = u;
                if (t[1] > t[0]) {
                    u = t[0];
                    t[0] = t[1];
                    t[1] = u;
                }
            }
        }
    }
    return dim >= 3 && t[0] > 0 && 4.0 * t[2] >= t[0];
}

/* The mean square of q - b beside its two largest coordinates (model's scale; inv NULL: raw
 * units): what a probe's or a kept step's row moves besides its step, the noise. */
double bd_rest2(const float *q, const float *b, const float *inv, uint32_t dim)
{
    double sum = 0, t1 = 0, t2 = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double z = ((double)q[c] - b[c]) * (inv ? inv[c] : 1.0f), w = z * z;
        sum += w;
        if (w > t1) {
            t2 = t1;
            t1 = w;
        } else if (w > t2) {
            t2 = w;
        }
    }
    return dim > 2 ? (sum - t1 - t2) / (dim - 2) : 0;
}

/* q's dense move off ring slot b is larger than the client's noise there (session 24):
 * beside their two largest coordinates, q moves at least 4 times the mean square (twice
 * the RMS) that the client's other kept inputs within a small move of b (the radius of
 * the dense move itself, CENTRE_MOVE spreads per coordinate RMS) move off b, in the
 * median. A client that adds noise to every row -- camera frames, sensor readings, live
 * records read through measurement noise -- moves every coordinate by its noise between
 * any two rows, which bd_dense_move() takes for a dense move: a frame answered nearer the
 * boundary than the one before became a search's moved centre, and the probes or
 * flickering channels around it a star (channels of a scene flickering behind noise, a
 * local sensitivity analysis of a live record with a random forest's jittering answers:
 * flagged at their 14th to 150th rows). ZOO's and NES's centre moves are arithmetic: b's
 * other rows nearby (its probes, x +- h e_i) are exact one- or two-coordinate moves off
 * it, nothing beside (median 0). From 8 features with a model's scale; without another
 * kept input near b, no reference: the move counts as before. */
bool bd_move_beyond_noise(const struct bd_state *st, const float *q, int b, const float *inv,
                          uint32_t dim)
{
    if (!inv || dim < 8)
        return true;
    const float *bv = rel_at(st, dim, (uint32_t)b);
    double near2 = CENTRE_MOVE * CENTRE_MOVE * dim;
    float r[REL_N];
    uint32_t n = st->rel_n < st->rows ? st->rel_n : (uint32_t)st->rows, k = 0;
    for (uint32_t i = 0; i < n && k < REL_N; i++) {
        const float *v = rel_at(st, dim, i);
        if (i != (uint32_t)b && bd_dist2(v, bv, inv, dim) <= near2)
            r[k++] = (float)bd_rest2(v, bv, inv, dim);
    }
    return !k || bd_rest2(q, bv, inv, dim) >= 4.0 * ig_median_f(r, k);
}

/* Greedy descent (score-based search: SimBA keeps a step only when it lowers the
 * probability of the true class, else it tries the mirror step or the next coordinate
 * from the same base). When q is a sparse child of its base b:
 * - q is b's first child: b has been kept as a base; if b was itself a sparse child of pb,
 *   b is greedy when it lowered the probability of their label;
 * - b already had a child c: c was dropped; c is greedy when it had not lowered it.
 * A sensor updating channels in turn, or flickering between quantised values, keeps its
 * readings whatever their answers, so half its choices go against the greedy rule. */
static bool same_label_p(const struct bd_state *st, uint32_t a, uint32_t b)
{
    return st->rel_u[a] >= 0 && st->rel_u[b] >= 0 && st->rel_lab[a] >= 0 &&
           st->rel_lab[a] == st->rel_lab[b];
}

static void descent_link(struct bd_state *st, const struct rel_hit *h, bool *desc, bool *asc)
{
    *desc = *asc = false;
    if (h->base < 0)
        return;
    uint32_t b = (uint32_t)h->base;
    if (!st->rel_child[b]) {
        int pb = st->rel_par[b];
        if (pb < 0 || st->rel_row[pb] != st->rel_par_row[b] || !same_label_p(st, b, (uint32_t)pb))
            return;
        /* q moves the coordinate b itself moved from pb: b is no kept step but another
         * value of the same field (two users editing one field of a popular record, a
         * slider); a search goes on to the next coordinate */
        if (st->rows - st->rel_row[b] < 32 && st->step_coord[st->rel_row[b] % 32] == h->step)
            return;
        *desc = st->rel_u[b] > st->rel_u[pb];
    } else {
        /* b's first child c is judged once, at b's second child: more children of b (one
         * user editing one field of a record at a time, many users editing a popular one)
         * would count the same choice again and again */
        int c = st->rel_kid[b];
        if (c < 0 || st->rel_row[c] != st->rel_kid_row[b] || (st->rel_judged[b] & 1) ||
            !same_label_p(st, b, (uint32_t)c))
            return;
        st->rel_judged[b] |= 1;
        *desc = st->rel_u[c] <= st->rel_u[b];
    }
    *asc = !*desc;
}

/* A row (label <label>, mass off it <poff>) went toward the boundary from stored input b:
 * its label changed, or its answer's mass off the label grew (a score-based search keeps a
 * step only when it lowered the label's probability). */
bool bd_toward(const struct bd_state *st, int b, int label, float poff)
{
    int32_t lb = st->rel_lab[b];
    if (label < 0 || lb < 0)
        return false;
    return label != lb || (poff >= 0 && st->rel_u[b] >= 0 && poff > st->rel_u[b]);
}

void bd_rel_push(struct bd_state *st, const float *q, float qq, uint32_t dim, int label,
                 double margin, float poff, const struct rel_hit *h, uint8_t flags)
{
    uint32_t slot = (uint32_t)(st->rows % st->rel_n);
    bool desc, asc;
    descent_link(st, h, &desc, &asc);
    st->desc_m = (st->desc_m << 1) | desc;
    st->asc_m = (st->asc_m << 1) | asc;
    bool par = h->base >= 0 && (uint32_t)h->base != slot;
    st->rel_par[slot] = (int16_t)(par ? h->base : -1);
    st->rel_par_row[slot] = par ? st->rel_row[h->base] : 0;
    if (par && !st->rel_child[h->base]) {
        st->rel_kid[h->base] = (int16_t)slot;
        st->rel_kid_row[h->base] = st->rows;
    }
    st->rel_kid[slot] = -1;
    st->rel_judged[slot] = (uint8_t)((par || h->star_child ? CHILD : 0) |
                                     (par ? flags & KEPT : 0) | (flags & MOVED));
    st->rel_u[slot] = poff;
    memcpy(st->rel + (size_t)slot * dim, q, (size_t)dim * sizeof(float));
    st->rel_row[slot] = st->rows;
    st->rel_lab[slot] = label;
    st->rel_margin[slot] = (float)margin;
    st->rel_child[slot] = 0;
    st->rel_req[slot] = st->requests;
    st->rel_quant[slot] = qq;
    if (h->base >= 0 && (uint32_t)h->base != slot && !st->rel_child[h->base])
        st->rel_child[h->base] = h->step + 1;
    /* below 8 features (no stars): a base probed exactly stays fresh while its probes go
     * on (trees: a pass of 8 requests before a probe helps, on iris's 4 features) */
    if (dim < 8 && h->base >= 0 && (uint32_t)h->base != slot && !h->approx)
        st->rel_req[h->base] = st->requests;
    st->line_m = (st->line_m << 1) | h->line;
    st->levid_m = (st->levid_m << 1) | (h->line && h->line_evid);
    st->synth_m = (st->synth_m << 1) | h->synth;
    st->moved_m = (st->moved_m << 1) | h->moved;
    st->moved_c[st->rows % 16] = (uint16_t)h->centre;
    st->asyn_m = (st->asyn_m << 1) | h->asynth;
    st->two_m = (st->two_m << 1) | h->two;
    if (h->swept >= 0 && (uint32_t)h->swept != slot)
        st->rel_judged[h->swept] |= SWEPT;
    st->synth_coord[st->rows % 32] = (int16_t)(h->synth ? h->coord : -2);
    st->step_coord[st->rows % 32] = (int16_t)(h->base >= 0 ? h->step : -2);
    st->rows++;
    if (h->line)
        st->last_line = st->rows;
}

/* Distinct coordinates of the sparse relations in the last 16 rows; dense ones count apart. */
uint32_t bd_synth_spread(const struct bd_state *st, uint32_t *dense)
{
    uint64_t seen = 0;
    uint32_t n = 0;
    *dense = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        if (!((st->synth_m >> k) & 1))
            continue;
        int c = st->synth_coord[(st->rows - 1 - k) % 32];
        if (c == -1) {
            (*dense)++;
        } else if (c >= 0 && !((seen >> (c % 64)) & 1)) {
            seen |= 1ull << (c % 64);
            n++;
        }
    }
    return n;
}

/* Distinct coordinates (mod 64) of the sparse steps in the last 16 rows. */
uint32_t bd_step_distinct(const struct bd_state *st)
{
    uint64_t seen = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        int c = st->step_coord[(st->rows - 1 - k) % 32];
        if (c >= 0)
            seen |= 1ull << (c % 64);
    }
    return pop64(seen);
}

/* Distinct moved centres probed around in the last 16 rows (at most 2 counted). */
uint32_t bd_moved_centres(const struct bd_state *st)
{
    uint32_t n = 0, first = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        if (!((st->moved_m >> k) & 1))
            continue;
        uint32_t c = st->moved_c[(st->rows - 1 - k) % 16];
        if (!n++)
            first = c;
        else if (c != first)
            return 2;
    }
    return n > 0;
}

/* Sparse steps in the last 16 rows, and how often the coordinate changes from one to the
 * next: a search moves a coordinate once or twice and goes on to another (SimBA, ZOO), a
 * slider sweeps one coordinate over many values. */
static uint32_t step_switches(const struct bd_state *st, uint32_t *steps)
{
    uint32_t n = 0;
    int prev = -2;
    *steps = 0;
    for (uint32_t k = 0; k < 16 && k < st->rows; k++) {
        int c = st->step_coord[(st->rows - 1 - k) % 32];
        if (c < 0)
            continue;
        (*steps)++;
        n += prev >= 0 && c != prev;
        prev = c;
    }
    return n;
}

/* A synthetic step from the nearest recent input: sparse (a few coordinates moved, as
 * SimBA's basis steps or Square's patches; the walk must also move many different
 * coordinates, which a sensor updating one channel does not), or dense with (nearly) one
 * magnitude on at least half of the coordinates (sign steps). Natural near-duplicates
 * (video frames, sensor noise, jittered records) move many coordinates by sizes spread
 * over a range. */
bool bd_synthetic_step(struct bd_state *st, const float *a, const float *b, uint32_t dim)
{
    uint32_t nnz = 0;
    float mx = 0;
    for (uint32_t j = 0; j < dim; j++) {
        float d = fabsf(a[j] - b[j]);
        if (d > 1e-6f * (fabsf(a[j]) + fabsf(b[j])) + 1e-30f) {
            nnz++;
            mx = d > mx ? d : mx;
        }
    }
    if (nnz == 0)
        return false;
    uint32_t sparse_max = dim / 8 > 2 ? dim / 8 : 2;
    if (nnz <= sparse_max && nnz < dim) {
        /* sizes are not compared: a tabular attacker scales its step per feature */
        for (uint32_t j = 0; j < dim; j++)
            if (fabsf(a[j] - b[j]) > 1e-6f * (fabsf(a[j]) + fabsf(b[j])) + 1e-30f)
                st->coords |= 1ull << (j % 64);
        return true;
    }
    if (dim < 4)
        return false;
    uint32_t eq = 0;
    for (uint32_t j = 0; j < dim; j++)
        eq += fabsf(a[j] - b[j]) >= 0.98f * mx;
    return 2 * eq >= dim;
}

/* Below 8 features: every coordinate q moves off its nearest kept input b takes a value the
 * client sent on that coordinate in another kept input, bit for bit: q recombines values of
 * rows it sent (Kernel SHAP's coalitions put a record's values and background rows' values
 * side by side; a what-if tool copies another record's value into a field), where a search's
 * step puts a new value there (x_j +- e, a bisection's midpoint, x + s u). On 4 features such
 * rows meet siblings and parallelograms of one another by chance: the values of ~10 records
 * combined in every way (Kernel SHAP against iris, efficacy seed 16: "score-based search" at
 * its 430th row). A search sending a value of another of its rows back (SimBA probing a
 * coordinate again around a kept step, x_j + e - e) sends new values in its other rows. */
bool bd_recombined(const struct bd_state *st, const float *q, uint32_t b, uint32_t dim)
{
    uint32_t n = st->rows < st->rel_n ? (uint32_t)st->rows : st->rel_n;
    const float *bv = rel_at(st, dim, b);
    bool moved = false;
    for (uint32_t j = 0; j < dim; j++) {
        if (q[j] == bv[j])
            continue;
        moved = true;
        bool seen = false;
        for (uint32_t i = 0; i < n && !seen; i++)
            seen = i != b && rel_at(st, dim, i)[j] == q[j];
        if (!seen)
            return false;
    }
    return moved;
}

/* Below 8 features: q's step from its nearest input b is a step of a lattice anchored at 0,
 * coarse against the features' spread (a quantised instrument: readings at a fixed
 * resolution, a tenth of a spread say, not necessarily a decimal one): on each coordinate
 * it moves, q and b are whole multiples of the step (|q_j - b_j|, raw units) and the step
 * is a twentieth of the feature's spread or more. Such rows meet exact relations by chance
 * (bd_decimal_quantum()'s coarse test, for any resolution). A search steps from a record it
 * did not choose to put on its step's lattice. */
bool bd_lattice_step(const float *q, const float *b, const float *inv, uint32_t dim)
{
    uint32_t moved = 0;
    for (uint32_t j = 0; j < dim; j++) {
        double d = fabs((double)q[j] - b[j]);
        if (d == 0)
            continue;
        if (d * inv[j] < 0.05)
            return false;
        /* whole multiples up to float32 rounding of q, b (and so of d); 0 is on every
         * lattice: no evidence */
        double t = q[j] / d, u = b[j] / d,
               tol = 1e-6 + 2.0 * FLT_EPSILON * (1.0 + (fabs(q[j]) + fabs(b[j])) / d);
        if (q[j] == 0 || b[j] == 0 || fabs(t - rint(t)) > tol * (1.0 + fabs(t)) ||
            fabs(u - rint(u)) > tol * (1.0 + fabs(u)))
            return false;
        moved++;
    }
    return moved > 0;
}

/* The last 16 rows' sparse steps go from coordinate to coordinate (not a slider's sweep). */
bool bd_steps_spread(const struct bd_state *st)
{
    uint32_t steps, sw = step_switches(st, &steps);
    return 5 * sw >= 2 * steps;
}
