/* adversarial.boundary, row.c: one row judged against the client's earlier rows (bd_rel_row). */
#include "boundary.h"

enum bd_kind bd_rel_row(struct bd_global *g, struct bd_state *st, const float *x,
                        uint32_t dim, int label, double margin, float poff,
                        const float *inv, uint64_t key, bool strict, bool repeat)
{
    const struct bd_params *p = &g->p;
    struct rel_hit h;
    float qq = bd_decimal_quantum(x, dim);
    bd_rel_room(g, st);
    bd_early_keep(st);   /* a client's early ring rows still in the slot bd_rel_push overwrites */
    if (inv && st->w2_key != key) {   /* once per scale (key names it) */
        double w2 = 0;
        for (uint32_t k = 0; k < dim; k++)
            w2 += (double)inv[k] * inv[k];
        st->hv_w2 = w2;
        st->w2_key = key;
    }
    /* (bd_relations() and bd_halving_step() only read the state: the repeat is known first) */
    bd_relations(p, st, x, qq, dim, label, margin, inv, &h);
    struct hv_narrow nw = { 0 };
    /* A bisection's midpoints are inputs it has not sent: an input sent again (a kept row
     * repeated) is no halving step. A busy client resending a few dozen records of iris,
     * whose classes lie along one line, met three chance midpoints in a row, the last two
     * of them records it had sent a few rows before (efficacy seed 14, logistic regression
     * and boosted trees: flagged at its 1,174th row) */
    int hv = st->halv_hold || h.same >= 0 ? 0 : bd_halving_step(p, st, x, qq, dim, inv, key, &nw);
    st->halv_hold = false;
    if (nw.joins)   /* the narrow step before showed its line with this one: it joins */
        st->halv_run = 1, st->halv_rev = st->halv_crev;
    st->halv_run = hv ? st->halv_run + 1 : 0;
    st->halv_narrow = hv == 2 || hv == -2;
    st->halv_cand = nw.cand, st->halv_crev = nw.rev, st->halv_ctop = nw.top, st->halv_cr2 = nw.r2;
    st->halv_rev = hv ? (st->halv_rev << 1) | (hv < 0) : 0;
    bool halve = hv && bd_halving_chain(p, st, label);
    /* an input sent again while it is fresh stays fresh, with its links (its base, its
     * children): a search whose probes clamp to its bounds sends its base again (SimBA on
     * digits' pixels: x - e of a pixel at 0 is x), and its base went stale while its
     * probes went on, its next children judged against nothing (the authors' SimBA on
     * digits caught at its 20th row, its first target fooled at its 11th). A stale input
     * sent again (a sensor's reading flickering back, a canary record) is not refreshed;
     * below 8 features neither is a fresh one (a quantised sensor of 4 channels flickering
     * back within 4 readings kept its readings fresh and met chance relations: flagged,
     * test_quantised_sensor_4_features_quiet; there a probed base stays fresh by its
     * exact children, bd_rel_push()) */
    if (!strict && dim >= 8 && h.same >= 0 && fresh(st, (uint32_t)h.same))
        st->rel_req[h.same] = st->requests;
    st->hv_at = h.newest_d2 >= 0 ? st->rows : UINT64_MAX;
    st->hv_d2 = h.newest_d2;
    st->hv_key = key;
    bd_noise_learn(st, h.rest);
    /* the centre q probes around moved (bd_centre_moved()): its base's, or for a mirror
     * without one its nearest input's; a parallelogram's centre is (q + a) / 2 itself
     * (bd_para_centre(): the samples of a cloud around one record are small dense moves of
     * each other, and one of them taken for a moved centre made a record's antithetic
     * samples a search) */
    if (h.base >= 0)
        h.moved = bd_centre_moved(st, x, dim, h.base, h.step, inv);
    else if (h.synth && h.nearest >= 0 && h.para < 0)
        h.moved = bd_centre_moved(st, x, dim, h.nearest, h.near_nnz == 1 ? h.near_first : -1, inv);
    if (h.moved)
        h.centre = st->rel_row[h.base >= 0 ? h.base : h.nearest];
    if (h.para >= 0)
        bd_para_centre(g, st, x, rel_at(st, dim, (uint32_t)h.para), dim, inv, &h);
    /* an antithetic cloud (bd_cloud_pair()): its pairs in new directions around one centre,
     * on the client's own stream (rows of many users cannot make one, but a search over
     * many addresses is judged by the rules below) */
    uint32_t pairs = !strict && !repeat && h.two && h.coord == -1 && h.anti >= 0
                     ? bd_cloud_pair(g, st, x, rel_at(st, dim, (uint32_t)h.anti),
                                     h.para < 0 ? rel_at(st, dim, (uint32_t)h.nearest) : NULL,
                                     dim, inv, h.qe) : 0;
    if (!strict && !repeat && !pairs && dim >= 3) {
        int ai = st->pcen && st->cloud_n ? bd_cloud_antipode(st, x, dim, h.qe) : -1;
        /* (a seed's a is within the cloud's reach in the model's scale: ordinary records'
         * farthest input is not, and their rows skip the search; without a scale, no seed) */
        if (ai < 0 && inv && h.far_all >= 0 && 0.25 * h.far_d2 <= 1.01 * CLOUD_R * CLOUD_R * dim)
            ai = bd_cloud_seed(st, x, dim, h.qe, h.far_all);
        if (ai >= 0)
            pairs = bd_cloud_pair(g, st, x, rel_at(st, dim, (uint32_t)ai), NULL, dim, inv, h.qe);
    }
    /* q is a small dense move (bd_dense_move(): not a sparse step, also through noise; at
     * most CENTRE_MOVE spreads per coordinate (RMS) in the model's scale, without one
     * near_rel of the input's norm) of a probed input (one with a sparse child, or one
     * itself), toward the boundary (bd_toward()): a search's next centre. ZOO's Adam and
     * NES's sign steps move each coordinate by ~1-3 % of its range a round; a local
     * prober's next record is further (iris's successive records, on a 0.1 cm lattice:
     * 0.13 spreads RMS, where 0.25 let one stream of 9 through). Two probes of one
     * record (x + d e_j, x + d e_k) move two coordinates, not a dense move. A step the
     * noise test took for one coordinate's (bd_dominant(): 16 of 1,024 moved alike pass it)
     * is judged here too. And on the client's own stream the move is larger than its noise
     * (bd_move_beyond_noise(): a noisy frame is a dense move of the frame before). */
    bool dmove = false;
    if ((h.base < 0 || h.approx) && !repeat && h.nearest >= 0 && h.near_d2 > 0 &&
        h.near_nnz >= IG_MIN(3u, dim) &&
        (st->rel_child[h.nearest] || (st->rel_judged[h.nearest] & CHILD))) {
        dmove = h.near_d2 <= bd_move_radius2(x, inv, dim, p->near_rel) &&
                bd_toward(st, h.nearest, label, poff) &&
                bd_dense_move(x, rel_at(st, dim, (uint32_t)h.nearest), inv, dim) &&
                (strict || bd_move_beyond_noise(st, x, h.nearest, inv, dim));
    }
    if (h.base >= 0 && !st->star && (dim >= 8 || strict))
        bd_star_room(g, st);   /* before its first star can be made */
    /* below 8 features a star is kept for a stream across clients only, and only for its
     * split pairs (hs: its other effects -- a moved centre, a child, the star rule -- stay
     * as they were without stars there) */
    struct rel_hit hs;
    const struct rel_hit *hx = &h;
    if (dim >= 8) {
        bd_stars(st, x, h.qe, dim, inv, &h);
    } else if (strict) {
        hs = h;
        bd_stars(st, x, h.qe, dim, inv, &hs);
        hx = &hs;
    }
    /* across clients: q mirrors the row just before it, that star's first child along
     * q's coordinate, and another client sent it (a search's x - e then x + e, the pair
     * split over its addresses; see the strict test below) */
    bool split = strict && hx->star_new && st->first_coord == hx->star_coord &&
                 st->first_base == hx->star_base && st->who != st->who_prev;
    st->split_m = (st->split_m << 1) | split;
    st->first_coord = hx->star_child && hx->star_first ? hx->star_coord : -1;
    st->first_base = hx->star_base;
    /* ... or q is the first child of a ring input, which is no star yet: the star its
     * mirror makes (bd_stars(): a base with a child) then holds q as that first child */
    if (strict && !hx->star_child && h.base >= 0 && !h.approx && h.step >= 0 &&
        !st->rel_child[h.base]) {
        st->first_coord = h.step;
        st->first_base = st->rel_row[h.base];
    }
    st->who_prev = st->who;
    /* a kept step: a child toward the boundary along one coordinate alone (through noise,
     * no second coordinate moving half as far: two probes of one record, x + d e_j and
     * x + d e_k, are two) of a base that was being probed: it had a child before, along
     * another coordinate, or the mirror of this one (SimBA tries coordinates around its
     * base until one helps, x - e then x + e). A local prober may send x + d e_j, then
     * x - d e_j, then the record x as is: x is then a child of its own probe, halfway to
     * that probe's first child along the same coordinate. */
    /* ... judged against q's fresh base only: judged against the (stale) base of the star
     * q is a child of, a local prober's probe that changed the label, re-probed with
     * another delta around a record whose feature it barely moved, became a kept step and
     * its record's probes a search (efficacy, wine labels only) */
    /* a step kept off a star: on a model whose answers are piecewise constant (trees: a
     * forest's probabilities are multiples of 1/trees) most probes change nothing, so a
     * search probes one base for many requests and it is no longer fresh when a probe
     * finally helps; the star it is (probed on both sides) keeps it current. A one-coordinate
     * child of its nearest input, that star's base, toward the boundary is then the child of
     * that base (a kept step, as off a fresh base; evidence: SimBA on a 50-tree forest,
     * efficacy wine seed 0, probed its start 11 rows, kept a step and probed it 25 rows:
     * never a moved centre before, so never caught) */
    if (h.base < 0 && !strict && !repeat && h.star_child && h.star >= 1 && h.nearest >= 0) {
        /* exact: the star's base is q's nearest input, one coordinate apart; through noise
         * (SimBA behind 1 % noise) the base is the star's, its step the dominant one (the
         * kept test below) */
        int sb = -1;
        if (!h.star_approx)
            sb = st->rel_row[h.nearest] == h.star_base && h.near_nnz == 1 &&
                 h.near_first == h.star_coord ? h.nearest : -1;
        else
            for (uint32_t i = 0; i < st->rel_n && i < st->rows; i++)
                if (st->rel_row[i] == h.star_base)
                    sb = (int)i;
        if (sb >= 0 && st->rel_child[sb] && bd_toward(st, sb, label, poff) &&
            bd_star_probe_sized(st, x, rel_at(st, dim, (uint32_t)sb), inv, h.star_base,
                                h.star_coord)) {
            h.base = sb;
            h.step = h.star_coord;
            h.approx = h.star_approx;
        }
    }
    int kb = h.base, ks = h.step;
    bool ka = h.approx;
    bool kept = kb >= 0 && !repeat && st->rel_child[kb] && bd_toward(st, kb, label, poff);
    if (kept && st->rel_child[kb] - 1 == ks) {
        int c = st->rel_kid[kb];
        kept = c >= 0 && st->rel_row[c] == st->rel_kid_row[kb] &&
               (ka ? bd_noisy_mirror((double)x[ks] - rel_at(st, dim, (uint32_t)kb)[ks],
                                        (double)rel_at(st, dim, (uint32_t)c)[ks] -
                                            rel_at(st, dim, (uint32_t)kb)[ks],
                                        inv, ks, nz_floor(st, inv, dim, ks))
                         : zero_comb(x, rel_at(st, dim, (uint32_t)c), 1.0,
                                     rel_at(st, dim, (uint32_t)kb), -2.0, NULL, 0, h.qe, dim));
    }
    if (kept && ka) {
        const float *b = rel_at(st, dim, (uint32_t)kb);
        bool nz = inv && dim >= 8 && nz_ready(st);
        double t1 = 0, t2 = 0, u1 = 0, u2 = 0;   /* (u: in the client's noise units) */
        for (uint32_t c = 0; c < dim; c++) {
            double z = ((double)x[c] - b[c]) * (inv ? inv[c] : 1.0f), z2 = z * z;
            if (z2 > t1) {
                t2 = t1;
                t1 = z2;
            } else if (z2 > t2) {
                t2 = z2;
            }
            if (nz) {
                z2 /= nz_var(st, c);
                if (z2 > u1) {
                    u2 = u1;
                    u1 = z2;
                } else if (z2 > u2) {
                    u2 = z2;
                }
            }
        }
        kept = 4.0 * t2 < t1 || (nz && 4.0 * u2 < u1);
    }
    if (h.rest > 0 && h.rest <= NOISE_MAX * NOISE_MAX && inv && dim >= 8 && dim <= NZ_MAXDIM)
        bd_nz_learn(g, st, x, rel_at(st, dim, (uint32_t)h.nearest), inv, dim);
    /* below 8 features: a step of a coarse lattice (bd_lattice_step(), before bd_rel_push() takes
     * the oldest slot, which may be the nearest's) */
    bool lat = dim < 8 && inv && h.nearest >= 0 && h.near_d2 > 0 &&
               bd_lattice_step(x, rel_at(st, dim, (uint32_t)h.nearest), inv, dim);
    /* ... or a recombination of values the client sent (bd_recombined()) */
    bool rec = dim < 8 && h.synth && h.nearest >= 0 && bd_recombined(st, x, (uint32_t)h.nearest, dim);
    bd_rel_push(st, x, qq, dim, label, margin, poff, &h,
                (uint8_t)((kept ? KEPT : 0) | (dmove ? MOVED : 0)));
    st->run_synth += h.synth && !lat;
    st->run_moved += h.moved;
    uint32_t lines = pop32(st->line_m & 0xffff);
    uint32_t levid = pop32(st->levid_m & 0xffff);
    uint32_t synth = pop32(st->synth_m & 0xffff);
    uint32_t dense = 0, coords = synth ? bd_synth_spread(st, &dense) : 0;
    uint32_t need = dim < 3 ? dim : 3;
    bool line = h.line && h.line_chain && lines >= p->min_line &&
                (levid >= 1 || lines >= 2 * p->min_line);
    /* siblings count only beside a two-sided relation in the same 16 rows: a search that
     * probes a coordinate and gets nothing tries the other side (SimBA's x + e after x - e,
     * ZOO's and NES's pairs) before it moves on; one-sided children of one record along
     * coordinate after coordinate, each to another value of that feature's range, are a
     * one-at-a-time sensitivity analysis (ICE curves, a tornado chart) */
    /* ... and around a centre that moved in those 16 rows (bd_centre_moved(): a probe of a
     * record as it is, a local sensitivity analysis, is no search) */
    bool syn = h.synth && synth >= p->min_synth && (st->two_m & 0xffff) &&
               (st->moved_m & 0xffff) &&
               ((coords >= need && bd_steps_spread(st)) || dense >= p->min_synth);
    /* a greedy walk: its choices all follow the probability, with one exact
     * relation (a dropped step's mirror or sibling), its steps moving as many
     * different coordinates as choices (a quantised sensor flickers on a few
     * channels; below 8 features the lattice of a coarse sensor makes exact
     * relations by chance, and the other tests are left to judge) */
    uint32_t desc = pop32(st->desc_m & 0xffff);
    uint32_t asyn = pop32(st->asyn_m & 0xffff);
    bool greedy = dim >= 4 && h.base >= 0 && desc >= p->min_descent &&
                  !(st->asc_m & 0xffff) && synth + asyn >= 1 && bd_steps_spread(st) &&
                  bd_step_distinct(st) >= IG_MIN(p->min_descent, dim);
    /* a star: one base probed on both sides along many coordinates (ZOO's and NES's
     * antithetic probes, SimBA's x - e then x + e), with a probe around a moved centre in
     * the same 16 rows (the search went on from there): a record probed as it is
     * (x +- d e_j, a local sensitivity analysis) is no search. SimBA
     * whose answers saturate keeps no step and probes its start so, as such a probe
     * does: it learns nothing from them, and is judged once it keeps a step. */
    /* mirrored coordinates are counted over the stars probed in the last STAR_IDLE rows: a
     * search probes around one centre until a step helps, then around the next */
    uint32_t mirrored = 0;
    for (uint32_t s = 0; h.star_child && s < STAR_N; s++)
        if (st->star_last[s] && st->rows - st->star_last[s] < STAR_IDLE)
            mirrored += pop64(st->star_mir[s]);
    st->star_now = mirrored;
    bool star = h.star_child && mirrored >= p->min_star && (st->moved_m & 0xffff);
    bool rel2 = syn;   /* two-sided relations over several coordinates (above) */
    /* a cloud of min_antithetic antithetic pairs around one centre: a gradient estimated
     * there (NES's first request), without a moved centre: no ordinary client sends exact
     * mirror images around a point in many directions (bd_cloud_pair()) */
    bool cloud = pairs >= IG_MIN(p->min_antithetic, dim);
    /* a step kept behind noise, judged over the client's recent rows together
     * (bd_noisy_kept_star()) */
    uint32_t nmir = !strict && !repeat && !syn && !greedy && !star && !cloud
                    ? bd_noisy_kept_star(st, x, dim, inv, label, poff) : 0;
    /* (below 5 features dim - 1 mirrored coordinates: the kept one is none) */
    bool nkept = nmir > 0 && nmir >= IG_MIN(p->min_star, dim - 1);
    if (nkept && nmir > st->star_now)
        st->star_now = nmir;   /* (its score: the coordinates mirrored, star_coords) */
    syn = syn || greedy || star || cloud || nkept;
    /* below 8 features, a row written on a lattice coarse against the features'
     * spread (a decimal step of 5 % of it or more on half of them: z-scores printed
     * with one decimal) meets mirrors and parallelograms of earlier rows by chance */
    if (syn && dim < 8 && inv) {
        uint32_t coarse_k = 0;
        for (uint32_t c = 0; c < dim; c++)
            coarse_k += (double)qq * inv[c] >= 0.05;
        syn = 2 * coarse_k < dim && !lat && !rec;   /* (bd_lattice_step(): any resolution) */
    }
    /* across clients, the row that completes the evidence must carry its part: a greedy
     * choice of its own (an ordinary user's row can join a search's stream, as images of
     * one digit share cells, and must not inherit its choices), or a new mirrored
     * coordinate of a star (a user's edit of a record another client probed is a child of
     * that star, not a probe of it), and a star's search moved through two centres at
     * least in its 16 rows (the other users' rows of a record one user probes -- the record
     * sent again, edits of it -- can make one look like a step kept off a probe). Below 8
     * features greedy choices need twice the evidence, 2 x min_descent of the last 16 rows,
     * none against: there ordinary records of several clients meet as exact children of
     * each other by chance (iris's, measured on a 1 mm lattice: three ordinary clients'
     * rows made 5 greedy choices in a row in one replay), each a coin toss on the
     * probability, while a search spread over many addresses keeps choosing greedily (its
     * streams reached 10 within ~10 rows; with none below 8 features SimBA over 64
     * addresses on iris took up to 89 rows, behind 1 % noise it was never caught) */
    /* ... or, without a moved centre, a star whose mirrored pairs (x - e, then x + e at
     * once) were split over clients: min_star such pairs in the last 16 rows, and those
     * rows sent by 2 x min_star clients or more, about one probe each. A local
     * sensitivity analysis is one analyst's job and comes from one client; a probe of one
     * record spread over a pool of addresses is hiding. SimBA whose answers saturate
     * (breast_cancer: the label's probability is 0.99999994 in float32 whatever it tries)
     * keeps no step and probes its start coordinate after coordinate: over 64 addresses it
     * was never caught (efficacy seed 9). Chance mirrors (users editing a field of a
     * popular record to another record's value: 0 and 16 around a pixel of 8) come
     * neither in a row nor one after another. */
    uint32_t nsplit = IG_MIN(p->min_star, dim);
    bool split_star = strict && hx->star_new && (st->split_m & 1) &&
                      pop32(st->split_m & 0xffff) >= nsplit && st->live >= 2 * nsplit;
    if (split_star && dim < 8 && inv) {   /* the lattice test above, for the same reason */
        uint32_t coarse_k = 0;
        for (uint32_t c = 0; c < dim; c++)
            coarse_k += (double)qq * inv[c] >= 0.05;
        split_star = 2 * coarse_k < dim;
    }
    if (strict)
        syn = (greedy && (dim >= 8 || desc >= 2 * p->min_descent) && (st->desc_m & 1)) ||
              (star && h.star_new && bd_moved_centres(st) >= 2) ||
              (rel2 && h.moved && bd_moved_centres(st) >= 2) || split_star;
    return line ? BD_LINE : syn ? BD_SYNTH : halve ? BD_HALVE : BD_NONE;
}
