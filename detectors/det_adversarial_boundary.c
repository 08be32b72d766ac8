/* adversarial.boundary: query-based evasion, decision-based (Boundary attack, HopSkipJump,
 * label-only probing) and score-based (SimBA, ZOO, NES, Square).
 *
 * First, exact relations: attack code builds its next query from earlier ones by arithmetic
 * (a binary search puts it exactly between two of them on a line; SimBA tries x - e then
 * x + e around its base; ZOO and NES send antithetic pairs around one centre), and that
 * arithmetic survives on the wire up to float32 rounding, whatever the feature scales.
 * Natural near-duplicates (frames, sensor noise, noisy records) obey no such identity, and
 * the benign streams that do (what-if sliders sweeping one feature over a grid) are told
 * apart by which coordinates move and in which order (bd_relations() below). This is what
 * catches a search within its first handful of queries.
 *
 * The Boundary attack's walk steps each candidate from its spherical candidate toward the
 * one original, and every 10th step sends both: lines that all meet in one point far
 * beyond them (bd_toward_row() below).
 *
 * Noise or rounding added to every query hides that arithmetic but not the shape of a
 * binary search: each step about half the one before on one line, turning back as the
 * labels change (halving chains, bd_halving_step() below).
 *
 * Second, near-duplicate runs: per query row, the nearest of the client's last <recent>
 * inputs (L2 in the model's robust scale, SIMD kernel) is a near-duplicate when closer than
 * near_rel x sqrt(dim) x spread. A run is a sequence of near-duplicates that tolerates up
 * to max_gap other queries in a row. Within a run we count low-margin answers (top1 - top2
 * < margin, when scores come back) and label flips (label differs from the nearest recent
 * query's). A run fires when it reaches min_run queries with (low margins + flips) / run >=
 * min_share and the client bisected a line in its last 64 rows (frames of an ambiguous
 * scene flip labels too), again at 10x, 100x ... Score-based walks (long runs of distinct,
 * sparse or sign-structured steps over many coordinates) fire at walk_run. HopSkipJump
 * interleaves its probe batches with a geometric step search and a fresh binary search
 * whose first midpoints are far from everything recent (5-9 rows in a row), hence max_gap 8.
 *
 * Third, the model's view across clients (cross_clients): near-duplicate rows of different
 * clients are chained by Blacklight-style fingerprints into streams judged the same way, so
 * a search spread over many source addresses is seen (see cross_match() below); rows wider
 * than 64 features (up to 4,096) by fingerprints of random projections (cross_project()).
 *
 * Memory: one pointer in the client slice; the state is allocated on the client's first
 * tensor query from a global budget (memory_mb) and freed in evict. It grows with the
 * client's rows, each growth charged: the recent ring keeps its first BD_EARLY rows
 * row-major (dim x 4 B each), then recent x dim x 4 B (blocked, the kernels' layout); the
 * raw inputs for the relations (up to rel_max_dim) double from 2 up to rel_slots(dim),
 * dim x 4 + 52 B each; the stars (STAR_N x (dim x 4 + 288) B) at the client's first
 * sparse step; (7 + min(min_antithetic, dim)) x dim x 4 B at its first parallelogram or
 * antithetic pair (pblock(): the centre, the next, the pair that set it, the antithetic
 * cloud's; 2.8 KiB at d = 64); ~0.4 KiB of scalars. An idle client (a query or two) costs ~1.4 KiB at
 * d = 64, a busy one recent x dim x 4 + 32 x (dim x 4 + 52) + 4 x (dim x 4 + 288) B +
 * 0.4 KiB. A refused growth leaves that ring at the size it has (it wraps there: a shorter
 * memory); refused stars: the client keeps none. Per model, from its first scaled row of
 * up to 4,096 features (cross_clients): ~212 KiB + 2 x 512 x dim x 4 B (fingerprint index,
 * two lanes of last rows; 4 MiB at 1,024 features) + 8 KiB of projection indices above 64
 * features, and up to 2 x XC = 32 streams' states (each a client's), from the same budget,
 * freed with the model entry.
 *
 * Files: detectors/boundary/boundary.h (shared state and helpers), state.c (state, memory,
 * the recent ring), relations.c (exact relations: lines, mirrors, parallelograms), noise.c
 * (noise floors), stars.c, noisy_star.c (a step kept behind noise), steps.c (a row's record,
 * greedy descent), halving.c, cloud.c (parallelogram centres, antithetic clouds), box.c,
 * toward.c (lines toward one point), row.c (one row judged: bd_rel_row()), cross.c (the view
 * across clients); this file: the rules, init, observe, alarm, evict. */
#include "boundary/boundary.h"

#define NAME "adversarial.boundary"

/* The rules block's params fill bd_params (rules/schema.md's table is generated from these rows). */
#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct bd_params, f), __VA_ARGS__ }
static const struct ig_param bd_param_rows[] = {
    ROW("recent", IG_PT_U32, recent, .def = 16, .min = 1, .max = 1024, .help = "recent inputs searched"),
    ROW("near_rel", IG_PT_DOUBLE, near_rel, .def = 0.05, .min = 0, .max = 1,
        .flags = IG_PARAM_GT_MIN | IG_PARAM_LT_MAX,
        .help = "near-duplicate radius (× √dim × spread, or × the input norm)"),
    ROW("max_gap", IG_PT_U32, max_gap, .def = 8,
        .help = "other rows in a row that do not break a run (HopSkipJump puts 5–9 far rows — step search, first binary-search midpoints — between probe batches)"),
    ROW("min_run", IG_PT_U32, min_run, .def = 10, .min = 2, .max = INFINITY, .help = "run length before a finding"),
    ROW("margin", IG_PT_DOUBLE, margin, .def = 0.1, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "low top-1 margin"),
    ROW("min_share", IG_PT_DOUBLE, min_share, .def = 0.3, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "share of low margins + label flips that fires"),
    ROW("walk_run", IG_PT_U32, walk_run, .def = 20, .min = 2, .max = INFINITY,
        .help = "distinct near-duplicates of a synthetic walk that fire with confident answers"),
    ROW("min_line", IG_PT_U32, min_line, .def = 3, .min = 2, .max = 32,
        .help = "bisection rows (exactly between two earlier inputs on a line, dense direction) in the last 16 that fire, on a row whose line ends at an earlier bisection row (a search's next midpoint), with a label change or a low margin on the line"),
    ROW("min_synth", IG_PT_U32, min_synth, .def = 3, .min = 2, .max = 32,
        .help = "rows in the last 16 built from earlier inputs by exact arithmetic (mirror around an older base, parallelogram over several coordinates) that fire"),
    ROW("min_halving", IG_PT_U32, min_halving, .def = 3, .min = 2, .max = 16,
        .help = "consecutive halving steps (each row moves half as far as the one before along the same line, some back) that fire, with a label change among them"),
    ROW("halving_tol", IG_PT_DOUBLE, halving_tol, .def = 0.4, .min = 0, .max = 1,
        .flags = IG_PARAM_GT_MIN | IG_PARAM_LT_MAX,
        .help = "a halving step's residue, as a share of its length (room for noise an attacker adds)"),
    ROW("min_descent", IG_PT_U32, min_descent, .def = 5, .min = 2, .max = 16,
        .help = "greedy choices in the last 16 rows, none against, that fire with one exact relation: a kept base had lowered the probability of its label, a dropped step had not (SimBA keeps only improving steps)"),
    ROW("min_star", IG_PT_U32, min_star, .def = 4, .min = 2, .max = 64,
        .help = "coordinates along which a base was probed on both sides by the same length (x - e and x + e; through noise: within 3 sd of the client's noise floor, a probe at most one spread long), summed over the bases probed in the last 16 rows, that fire with a moved centre, from 8 features; across clients, as many mirrored pairs split over clients (x - e from one, x + e next from another; below min_star features, dim pairs) in 16 rows sent by twice as many clients or more fire without one"),
    ROW("min_antithetic", IG_PT_U32, min_antithetic, .def = 4, .min = 2, .max = 16,
        .help = "antithetic pairs (x + s u, x - s u) around one centre, sent or not, in as many directions, that fire without a moved centre (NES's gradient estimate, its first request): each pair dense (3 coordinates or more), small (half of it at most 0.25 spreads per coordinate RMS), ~25 degrees or more off the span of the earlier ones and not the pair before it's magnitudes with other signs; below min_antithetic features, dim directions"),
    ROW("rel_max_dim", IG_PT_U32, rel_max_dim, .def = 4096, .min = 0, .max = INFINITY,
        .help = "exact relations are looked for up to this width (wider inputs: adversarial.fingerprint)"),
    ROW("scale", IG_PT_BOOL, scale, .def = 1, .help = "per-feature robust scaling"),
    ROW("cross_clients", IG_PT_BOOL, cross, .def = 1,
        .help = "also follow clusters of near-duplicate rows across the model's clients (a search spread over many addresses or identities), up to 4096 features (above 64 by random projections)"),
    ROW("max_dim", IG_PT_U32, max_dim, .def = 262144, .min = 1, .max = INFINITY, .help = "wider inputs are skipped"),
    ROW("memory_mb", IG_PT_DOUBLE, memory_mb, .def = 128, .min = 1, .max = INFINITY,
        .help = "budget for all clients' rings"),
    { 0 },
};
#undef ROW

static int bd_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct bd_global *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    struct bd_params *p = &g->p;
    *p = *(const struct bd_params *)env->params;
    p->severity = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    p->budget = (uint64_t)(p->memory_mb * 1048576.0);
    g->mem_ops = env->budget;
    if (!(g->mem = ig_budget_open(g->mem_ops, NAME, p->budget))) {
        free(g);
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    *global = g;
    return IG_OK;
}

static void bd_free(void *global)
{
    struct bd_global *g = global;
    if (g)
        g->mem_ops->close(g->mem);
    free(g);
}

static size_t bd_stats(const void *global, struct ig_det_counter *out)
{
    struct bd_global *g = (struct bd_global *)global;
    /* refused: clients whose query history memory_mb had no room for (not tracked);
     * skipped: input rows not examined (wider than max_dim, another width than the
     * client's history, non-finite values). */
    out[0] = (struct ig_det_counter){ "refused", g->mem_ops->refused(g->mem) };
    out[1] = (struct ig_det_counter){ "skipped", atomic_load(&g->skipped) };
    return 2;
}

static const char bd_remediation[] =
    "Rate-limit or block this client; return labels only with rounded scores. Decision-based "
    "attacks work from labels alone, so keep this detector on (AML.M0002, AML.M0004).";

void bd_alarm(const struct ig_call *call, const struct ig_event *ev, const struct bd_params *p,
              const struct bd_state *st, enum bd_kind kind, uint32_t clients)
{
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    switch (clients ? BD_NONE : kind) {
    case BD_NONE:
        f.title = "Suspected distributed adversarial search";
        f.desc = "Near-duplicate queries from several clients of one model (a cluster of "
                 "Blacklight-style fingerprints across clients) carry the arithmetic of one "
                 "query-based evasion attack: a binary search for the decision boundary, "
                 "greedy score-based steps or mirrored probes around one base, spread over "
                 "many source addresses or identities.";
        break;
    case BD_WALK:
        f.title = "Suspected score-based adversarial search";
        f.desc = "A walk of small, synthetic (sparse or sign-structured) perturbations of the "
                 "client's own recent inputs across many coordinates: the footprint of a "
                 "score-based adversarial attack (SimBA, Square).";
        break;
    case BD_SYNTH:
        f.title = "Suspected score-based adversarial search";
        f.desc = "Queries built from the client's earlier ones by exact arithmetic over several "
                 "coordinates: mirror steps around a base (x - e, then x + e) and antithetic "
                 "pairs around one centre: the footprint of SimBA, ZOO or NES-style gradient "
                 "estimation.";
        break;
    case BD_LINE:
        f.title = "Suspected decision-boundary search";
        f.desc = "Queries placed exactly between two of the client's earlier queries on one "
                 "line (a binary search), with the answers changing label or sitting on the "
                 "boundary along it: the footprint of a decision-based attack (HopSkipJump, "
                 "Boundary attack, Sign-OPT, RayS).";
        break;
    case BD_TOWARD:
        f.title = "Suspected decision-boundary search";
        f.desc = "Pairs of consecutive queries whose lines all meet exactly in one point far "
                 "beyond them: each candidate stepped from its orthogonal (spherical) "
                 "candidate toward one original input, the footprint of the Boundary attack's "
                 "random walk along the decision boundary (Brendel et al. 2018).";
        break;
    case BD_ORIGIN:
        f.title = "Suspected decision-boundary search";
        f.desc = "A pair of consecutive queries on a line exactly through one of the client's "
                 "earlier queries far beyond them, the queries since stepping toward it: a "
                 "candidate stepped from its orthogonal (spherical) candidate toward the "
                 "original the client asked about, the footprint of the Boundary attack's "
                 "random walk along the decision boundary (Brendel et al. 2018).";
        break;
    case BD_SIGN:
        f.title = "Suspected score-based adversarial search";
        f.desc = "Queries stepping one point by the same length per coordinate each time, in "
                 "directions that turn from step to step, with probes between the steps: the "
                 "footprint of a sign-based score attack (Bandits, signSGD-style NES).";
        break;
    case BD_HALVE:
        f.title = "Suspected decision-boundary search";
        f.desc = "Consecutive queries each moving half as far as the one before along one "
                 "line, turning back as the answers change label: a binary search for the "
                 "decision boundary (HopSkipJump, Boundary attack, Sign-OPT), also when noise "
                 "or rounding hides its exact arithmetic.";
        break;
    default:
        f.title = "Suspected decision-boundary probing";
        f.desc = "A run of near-duplicate queries answered with low margins or flipping labels: "
                 "the footprint of a decision-based adversarial attack (Boundary, HopSkipJump).";
    }
    f.remediation = bd_remediation;
    f.atlas[0] = "AML.T0043.001";
    f.atlas[1] = "AML.T0015";
    bool rel = kind == BD_LINE || kind == BD_SYNTH || kind == BD_HALVE || kind == BD_TOWARD ||
               kind == BD_ORIGIN || kind == BD_SIGN;
    f.queries_seen = rel ? st->rows : st->queries;
    int sev = p->severity;
    if (rel)
        sev += (st->rel_alarms >= 10) + (st->rel_alarms >= 100);
    else
        sev += (st->run >= 10 * p->min_run) + (st->run >= 100 * p->min_run);
    f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
    f.confidence_id = (rel ? st->rel_alarms >= 10 : st->run >= 10 * p->min_run) ? 3 : 2;
    if (rel) {
        uint32_t dense, coords = bd_synth_spread(st, &dense);
        ig_finding_score(&f, "line_rows", pop32(st->line_m & 0xffff));
        ig_finding_score(&f, "line_label_or_margin", pop32(st->levid_m & 0xffff));
        ig_finding_score(&f, "synthetic_rows", pop32(st->synth_m & 0xffff));
        ig_finding_score(&f, "synthetic_coords", coords);
        ig_finding_score(&f, "synthetic_dense", dense);
        ig_finding_score(&f, "halving_chain", st->halv_run);
        ig_finding_score(&f, "descent_links", pop32(st->desc_m & 0xffff));
        ig_finding_score(&f, "star_coords", st->star_now);
        ig_finding_score(&f, "antithetic_pairs", st->cloud_n);
        if (pop32(st->box_m) >= BOX_V)   /* only where a box fired: no key on others */
            ig_finding_score(&f, "box_vertices", pop32(st->box_m));
        if (kind == BD_SIGN)   /* only where a sign walk fired: its three steps */
            ig_finding_score(&f, "sign_steps", 3);
        if (kind == BD_TOWARD) {   /* only where lines toward one point fired */
            uint32_t met = 0, n = (uint32_t)IG_MIN(st->rows, (uint64_t)IG_MIN(st->rel_n, st->rel_cap));
            for (uint32_t i = 0; i < n; i++)
                met += (st->rel_judged[i] & MEET) != 0;
            ig_finding_score(&f, "toward_lines", met);
        }
        if (kind == BD_ORIGIN) {   /* only where lines through the original fired */
            uint32_t org = 0, n = (uint32_t)IG_MIN(st->rows, (uint64_t)IG_MIN(st->rel_n, st->rel_cap));
            for (uint32_t i = 0; i < n; i++)
                org += (st->rel_judged[i] & ORIGIN) != 0;
            ig_finding_score(&f, "origin_lines", org);
        }
        ig_finding_score(&f, "alarmed_rows", (double)st->rel_alarms);
    } else {
        ig_finding_score(&f, "run", st->run);
        ig_finding_score(&f, "low_margin", st->low);
        ig_finding_score(&f, "label_flips", st->flips);
        ig_finding_score(&f, "share", (double)(st->low + st->flips) / st->run);
        ig_finding_score(&f, "distinct", st->distinct);
        ig_finding_score(&f, "structured", st->structured);
        if (st->margin_n)
            ig_finding_score(&f, "mean_margin", st->margin_sum / st->margin_n);
    }
    ig_finding_score(&f, "queries", (double)(rel ? st->rows : st->queries));
    if (clients)
        ig_finding_score(&f, "clients", clients);
    ig_emit_finding(call->emit, &f);
}

static void run_reset(const struct bd_params *p, struct bd_state *st)
{
    st->run = st->low = st->flips = st->distinct = st->margin_n = st->structured = 0;
    st->run_synth = st->run_moved = 0;
    st->margin_sum = 0;
    st->coords = 0;
    st->next_alarm = p->min_run;
}

/* How many coordinates a walk must move (mod 64) before it looks like a search. */
static uint32_t walk_coords(uint32_t dim)
{
    uint32_t need = dim / 2;
    return need > 8 ? 8 : need < 2 ? 2 : need;
}

/* The answer's probability mass off <label> (a score-based search lowers the label's own
 * probability, so it raises this), summed from the small values so that it stays exact when
 * the label's probability rounds to 1 in float32; -1 without probabilities. */
static float off_label(const struct ig_event *ev, uint32_t r, int label)
{
    if (!ev->scores || ev->outputs < 2 || (ev->flags & IG_EV_LOGITS) || label < 0 ||
        (uint32_t)label >= ev->outputs)
        return -1.0f;
    const float *sc = ev->scores + (size_t)r * ev->outputs;
    double u = 0;
    for (uint32_t k = 0; k < ev->outputs; k++)
        if (k != (uint32_t)label)
            u += sc[k];
    return u >= 0 && u < INFINITY ? (float)u : -1.0f;
}

/* The model's number, as the scale its rows are judged in (rel_row's key: a scale is fixed
 * once learnt, so one number names it; a freed model's address may come back, its number
 * never does). */
static uint64_t scale_id(struct bd_global *g, struct bd_model *m)
{
    if (!m->serial)
        m->serial = atomic_fetch_add(&g->serials, 1) + 1;
    return m->serial;
}

/* Asks for the 64-byte lines of <b> .. <b> + n, four a loop step. */
static inline void prefetch_bytes(const char *b, size_t n)
{
    size_t o = 0;
    for (; o + 256 <= n; o += 256) {
        __builtin_prefetch(b + o);
        __builtin_prefetch(b + o + 64);
        __builtin_prefetch(b + o + 128);
        __builtin_prefetch(b + o + 192);
    }
    for (; o < n; o += 64)
        __builtin_prefetch(b + o);
}

static int bd_observe(const struct ig_call *call, const struct ig_event *ev)
{
    struct bd_global *g = (struct bd_global *)call->global;
    const struct bd_params *p = &g->p;
    struct bd_client *cl = call->client;
    struct bd_model *m = call->model;
    if (!ev->inputs || ev->rows == 0 || ev->features == 0)
        return IG_OK;
    if (ev->features > p->max_dim) {
        atomic_fetch_add(&g->skipped, ev->rows);
        return IG_OK;
    }
    if (!cl->st && !(cl->st = bd_state_new(g, ev->features)))
        return IG_OK;
    struct bd_state *st = cl->st;
    if (st->dim != ev->features) {
        atomic_fetch_add(&g->skipped, ev->rows);
        return IG_OK;
    }
    st->requests++;
    /* The client's kept rows are cold (other clients' events came between): ask for them
     * now, so the loads of the relations and the ring search overlap the work before. */
    if (st->rel) {
        const char *b = (const char *)st->rel;
        size_t nb = (size_t)IG_MIN(st->rows, (uint64_t)st->rel_n) * st->dim * sizeof(float);
        prefetch_bytes(b, nb);
        /* and the slots' scalars (rel_block(): before and after the inputs), which
         * bd_relations() reads for every kept row (rel_quant, rel_req, rel_row ...) */
        prefetch_bytes((const char *)st->rel_row, (size_t)st->rel_cap * 3 * 8);
        prefetch_bytes((const char *)(st->rel + (size_t)st->rel_cap * st->dim),
                       (size_t)st->rel_cap * (6 * 4 + 2 * 2 + 1));
    }
    if (st->ring.data) {
        /* of each block, the features bd_ring_near() reads before its first abandon check */
        const char *b = (const char *)st->ring.data;
        size_t blk = (size_t)IG_VSET_BLOCK * st->ring.dim * st->ring.elem,
               head = (size_t)IG_VSET_BLOCK * IG_MIN(st->ring.dim, 16u) * st->ring.elem;
        for (uint32_t i = 0; i < st->ring.count; i += IG_VSET_BLOCK, b += blk)
            prefetch_bytes(b, head);
    }
    const struct ig_kern_ops *k = ig_kern();
    const uint32_t dim = ev->features;
    float zbuf[IG_FSCALE_MAXDIM], nb[IG_FSCALE_MAXDIM], wbuf[IG_FSCALE_MAXDIM];
    /* the nearest recent input, for the step's structure */
    float *nbp = dim <= IG_FSCALE_MAXDIM ? nb
                 : call->scratch ? ig_scratch_alloc(call->scratch, (size_t)dim * sizeof(float)) : NULL;
    bool wset = false;
    /* the model's view across clients: once per event, on scaled rows of up to 64
     * features, or wider rows (same unit) up to XMAXDIM by their projections; for a source
     * that carries several identities, on its principal group's stream (the identity of a
     * key-rotating client is the source), else on the client's */
    bool multi = call->source && call->source->identities > 1;
    struct bd_cross *xv = NULL;
    uint32_t who = 0;
    bool wide = dim > IG_FSCALE_MAXDIM;
    if (p->cross && m && call->group == multi && st->rel && m->fs.dim == dim &&
        (wide ? dim <= XMAXDIM && m->fs.mode == IG_FSCALE_IDENTITY
              : m->fs.mode == IG_FSCALE_SCALED || (m->fs.mode == IG_FSCALE_IDENTITY && m->fs.unit > 0))) {
        who = (uint32_t)ig_fnv1a_str(IG_FNV1A_BASIS, ev->client_id, sizeof ev->client_id);
        /* a wide row's view (~3-4 us an event at 784 features) waits for the model's second
         * client: with one, there is nothing across clients to see */
        if (wide && !m->several) {
            m->several = m->first_who && (who | 1u) != m->first_who;
            m->first_who = m->first_who ? m->first_who : who | 1u;
        }
        if (!m->x && (!wide || m->several))
            m->x = bd_cross_new(g, dim);
        if (m->x && m->x->dim == dim) {
            xv = m->x;
            xv->events++;
        }
    }
    for (uint32_t r = 0; r < ev->rows; r++) {
        const float *x = ev->inputs + (size_t)r * dim;
        if (!ig_kern_finite(x, dim)) {
            atomic_fetch_add(&g->skipped, 1);
            continue;
        }
        double margin;
        int label = ig_row_label(ev, r, &margin);
        const float *inv = m && p->scale && m->fs.mode == IG_FSCALE_SCALED && m->fs.dim == dim
                           ? m->fs.inv : NULL;
        if (!inv && m && p->scale && m->fs.mode == IG_FSCALE_IDENTITY && m->fs.dim == dim &&
            dim <= IG_FSCALE_MAXDIM && m->fs.unit > 0) {
            /* same-unit features: one spread for all, so decimal steps are judged
             * against it (bd_halving_step, the lattice test) */
            if (!wset) {
                float u = 1.0f / m->fs.unit;
                for (uint32_t c = 0; c < dim; c++)
                    wbuf[c] = u;
                wset = true;
            }
            inv = wbuf;
        }
        uint64_t key = inv ? scale_id(g, m) : 0;
        float poff = off_label(ev, r, label);
        /* a narrow row's fingerprints first: their index entries load meanwhile */
        uint32_t fp[XS], hash = 0;
        if (xv && !wide) {
            bd_cross_fps(xv, &m->fs, x, fp);
            /* and the repeat count's line cross_match() reads (rep_find()) */
            hash = ig_row_hash(x, dim);
            __builtin_prefetch(&xv->rep[(hash * 0x9e3779b1u) >> 20]);
        }
        if (st->rel) {
            bool box = bd_box_row(g, st, x, dim);
            bool tiso, tmet, torg;
            enum bd_kind toward = bd_toward_row(p, st, x, dim, inv, label, margin, &tiso, &tmet,
                                                &torg);
            bool walk = bd_sign_walk_row(st, x, dim);
            enum bd_kind kind = bd_rel_row(g, st, x, dim, label, margin, poff, inv, key, false, false);
            uint32_t ts = (uint32_t)((st->rows - 1) % st->rel_n);
            if (ts < st->rel_cap && st->rel_row[ts] == st->rows - 1)
                st->rel_judged[ts] |= (uint8_t)((tiso ? ISO : 0) | (tmet ? MEET : 0) |
                                                (torg ? ORIGIN : 0));
            if (kind == BD_NONE && box)
                kind = BD_SYNTH;
            if (kind == BD_NONE)
                kind = toward;   /* lines toward one point, or through the original */
            if (kind == BD_NONE && walk)
                kind = BD_SIGN;
            if (kind != BD_NONE) {
                st->rel_alarms++;
                /* first alarm, then at 10, 100 and every 1000: the throttle merges the rest */
                if (st->rel_alarms == 1 || st->rel_alarms == 10 || st->rel_alarms == 100 ||
                    st->rel_alarms % 1000 == 0)
                    bd_alarm(call, ev, p, st, kind, 0);
                st->alarmed = true;
            }
        }
        if (xv)
            bd_cross_row(call, ev, x, label, margin, poff, inv, key, fp, hash, who);
        bool scaled = false;
        if (m && p->scale) {
            enum ig_fscale_mode md = ig_fscale_learn(&m->fs, x, dim, &cl->taught);
            if (md == IG_FSCALE_LEARNING)
                continue;   /* the model's scale is not known yet (its first ~24 rows) */
            if (md == IG_FSCALE_SCALED && m->fs.dim == dim) {
                ig_fscale_apply(&m->fs, x, dim, zbuf);
                x = zbuf;
                scaled = true;
            }
        }
        double lim;
        if (m && p->scale && m->fs.dim == dim && dim <= IG_FSCALE_MAXDIM) {
            /* in the model's units: each feature's typical spread is fs.unit (1 when scaled) */
            lim = p->near_rel * (scaled ? 1.0 : m->fs.unit) * sqrt((double)dim);
        } else {
            double norm2 = 0;
            for (uint32_t f = 0; f < dim; f++)
                norm2 += (double)x[f] * x[f];
            lim = p->near_rel * sqrt(norm2 > 1e-12 ? norm2 : 1e-12);
        }
        int32_t at = -1;
        float d2 = ring_count(st) ? bd_ring_near(k, st, x, lim * lim, &at) : INFINITY;
        bool near = at >= 0 && d2 <= lim * lim;
        if (near && d2 == 0) {
            /* an exact retry is neither a step of a search nor a break in one */
        } else if (near) {
            st->run++;
            st->gap = 0;
            if (margin >= 0 && margin < p->margin)
                st->low++;
            if (label >= 0 && st->labels[at] >= 0 && label != st->labels[at])
                st->flips++;
            st->distinct++;
            if (nbp) {
                bd_ring_get(st, (uint32_t)at, nbp);
                st->structured += bd_synthetic_step(st, x, nbp, dim);
            }
            if (margin >= 0) {
                st->margin_sum += margin;
                st->margin_n++;
            }
            if (st->run >= st->next_alarm) {
                /* boundary evidence: labels flip between near-duplicates, or most answers
                 * sit on the boundary; a stable, confident stream never fires this way */
                bool probe = (double)(st->low + st->flips) >= p->min_share * st->run &&
                             (st->flips >= 2 || 2 * st->low >= st->run);
                /* natural near-duplicates next to the boundary (a camera on an ambiguous
                 * scene) flip too: a decision-based search also bisects a line between two
                 * of its queries somewhere in its last 64 rows */
                bool built = !st->rel || (st->last_line && st->rows - st->last_line < 64);
                probe = probe && built;
                /* a search by synthetic steps over many coordinates */
                bool walk = st->distinct >= p->walk_run && 5 * st->structured >= 3 * st->distinct &&
                            pop64(st->coords) >= walk_coords(dim) &&
                            (!st->rel || (st->run_synth >= 2 && st->run_moved &&
                                          5 * st->run_synth >= st->distinct &&
                                          bd_steps_spread(st)));
                if (probe || walk) {
                    bd_alarm(call, ev, p, st, probe ? BD_PROBE : BD_WALK, 0);
                    st->alarmed = true;
                    st->next_alarm = st->run * 10;
                } else {
                    /* not yet: look again after another min_run queries */
                    st->next_alarm = st->run + p->min_run;
                }
            }
        } else if (++st->gap > p->max_gap && st->run) {
            run_reset(p, st);
        }
        bd_ring_push(g, st, x, !scaled, label);
    }
    return IG_OK;
}

static void bd_model_free(const struct ig_call *call)
{
    struct bd_model *m = call->model;
    bd_cross_free((struct bd_global *)call->global, m->x);
    m->x = NULL;
}

static void bd_evict(const struct ig_call *call)
{
    struct bd_client *cl = call->client;
    bd_state_free((struct bd_global *)call->global, cl->st);
    cl->st = NULL;
}

const struct ig_detector ig_det_adversarial_boundary = {
    .name = NAME,
    .wants = IG_EV_TENSOR,
    .client_size = sizeof(struct bd_client),
    .model_size = sizeof(struct bd_model),
    .init = bd_init,
    .observe = bd_observe,
    .evict = bd_evict,
    .model_free = bd_model_free,
    .free = bd_free,
    .stats = bd_stats,
    .params = bd_param_rows,
    .params_size = sizeof(struct bd_params),
};
