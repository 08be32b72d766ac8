/* The detect stage's core (detect_impl.h) and the inline run mode, which calls the core on
 * the parsing thread. The finish sequence and the reload swap are written here once; the
 * threaded mode (detect_thread.c) calls the same functions on its detection thread. */
#include "pipeline/detect_impl.h"

#include <inferguard/log.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "drift/drift.h"
#include "sinks/sinks.h"

static void add_det_counters(struct ig_det_counters *rows, const struct ig_engine *e);

/* A client lane's memory budgets: each detector's memory_mb split evenly between the lanes,
 * so all lanes together stay within it (a lane whose sources bring more clients refuses
 * earlier than one engine would: under budget pressure findings may differ). */
static struct ig_budget *lane_open(void *ctx, const char *owner, uint64_t cap)
{
    const struct ig_detect_core *c = ctx;
    return ig_budget_open(&c->book.ops, owner, cap / (c->nclanes ? c->nclanes : 1));
}

/* ---- client lanes: which detector runs where, and the merge ---- */

/* With client lanes, a detector with per-model state or a clock (tick, finish, model
 * entries) runs on the model lane, which sees every event in capture order; one whose state
 * is per client (or none) runs on the lane that owns the client. drift.features, the only
 * reader of client_flags, runs last on the model lane: the marks the client lanes' findings
 * set on an event reach it on that event, as in one engine. */
static bool on_model_lane(const struct ig_detector *d)
{
    return d->model_size || d->tick || d->finish || d->model_free;
}

/* The detectors a model-side lane takes from the model lane: per-model state but no clock
 * (no tick, no finish), so they emit only while observing an event and their findings merge
 * like a client lane's; and they read no client_flags (only drift.features does). Chosen by
 * cost (bench/RESULTS.md figure 3 and a profile of the figure-6 captures: together about
 * half of the model lane's work at d = 64, the rest being boundary, drift, transfer and the
 * cheap ones), so that the two model-scoped threads carry similar loads. Which detectors
 * are here changes only speed, never findings. */
static bool model_side(const struct ig_detector *d)
{
    static const char *const names[] = { "extraction.coverage", "extraction.prada" };
    if (d->tick || d->finish)
        return false;
    for (size_t i = 0; i < IG_ARRAY_LEN(names); i++)
        if (strcmp(d->name, names[i]) == 0)
            return true;
    return false;
}

uint32_t ig_detect_core_lane_of(const struct ig_detect_core *c, const struct ig_event *ev)
{
    if (!c->nclanes)
        return UINT32_MAX;
    /* The stable source when there is one: its identities, its principal-group entry and
     * its admission bucket stay on one lane. FNV-1a: the same lanes on every run. */
    const char *id = ev->group_id[0] ? ev->group_id : ev->client_id;
    uint64_t h = ig_fnv1a_str(IG_FNV1A_BASIS, id, IG_CLIENT_ID_MAX);
    return c->nmlanes + (uint32_t)((h ^ (h >> 32)) % c->nclanes);
}

static void held_len(void *need, const char **s)
{
    if (*s)
        *(size_t *)need += strlen(*s) + 1;
}

static void held_put(void *at, const char **s)
{
    if (!*s)
        return;
    size_t n = strlen(*s) + 1;
    char **to = at;
    memcpy(*to, *s, n);
    *s = *to;
    *to += n;
}

/* A deep copy of <f>: detectors lend their strings for the call only. */
static struct ig_held *held_new(const struct ig_finding *f, uint32_t key)
{
    struct ig_finding sized = *f;
    size_t need = sizeof(struct ig_held);
    ig_finding_each_string(&sized, held_len, &need);
    struct ig_held *h = malloc(need);
    if (!h)
        return NULL;
    h->next = NULL;
    h->key = key;
    h->f = *f;
    char *at = (char *)(h + 1);
    ig_finding_each_string(&h->f, held_put, &at);
    return h;
}

/* Merge order: the client's stream before the principal group's (the engine dispatches
 * them in that order), then the detector's registry position. */
static uint32_t merge_key(const struct ig_finding *f, const uint8_t *pos, int idx)
{
    return (f->group_identities > 0 ? 256u : 0u) | (idx >= 0 ? pos[idx] : 255u);
}

/* A client lane's emit: held for the model lane, with the marks it sets. */
static void lane_emit(void *ctx, const struct ig_finding *f)
{
    struct ig_detect_lane *l = ctx;
    if (!l->out)
        return;   /* not while observing: client-lane detectors emit from observe only */
    uint32_t mark = ig_engine_finding_flag(f);
    if (f->group_identities > 0)
        l->out->gflags |= mark;
    else
        l->out->cflags |= mark;
    struct ig_held *h = held_new(f, merge_key(f, l->pos, ig_engine_emitting(l->engine)));
    if (!h) {
        l->out->cflags |= 1u << 31;   /* one lost: counted by the model lane */
        return;
    }
    *l->tail = h;
    l->tail = &h->next;
}

/* Emits the held findings that come before <key>. */
static void flush_until(struct ig_detect_core *c, uint32_t key)
{
    const struct ig_emit *out = ig_findings_emit(c->findings);
    while (c->pending && c->pending->key < key) {
        struct ig_held *h = c->pending;
        c->pending = h->next;
        ig_emit_finding(out, &h->f);
        free(h);
    }
}

/* The model lane's emit: what the client lanes found before this finding goes out first. */
static void merge_emit(void *ctx, const struct ig_finding *f)
{
    struct ig_detect_core *c = ctx;
    if (c->pending)
        flush_until(c, merge_key(f, c->mpos, ig_engine_emitting(c->engine)));
    ig_emit_finding(ig_findings_emit(c->findings), f);
}

/* Registry position of detector <name> (past the end if unknown). */
static size_t order_of(const struct ig_detect_core *c, const char *name)
{
    size_t k = 0;
    while (k < c->norder && strcmp(c->order[k], name) != 0)
        k++;
    return k;
}

/* Registry positions of <e>'s detectors in c->order. */
static void positions(const struct ig_detect_core *c, const struct ig_engine *e, uint8_t *pos)
{
    size_t n = ig_engine_detector_count(e);
    for (size_t i = 0; i < n && i < IG_ENGINE_MAX_DETECTORS; i++) {
        const char *name = ig_engine_detector_name(e, i);
        pos[i] = 255;
        for (size_t k = 0; k < c->norder; k++)
            if (strcmp(c->order[k], name) == 0) {
                pos[i] = (uint8_t)k;
                break;
            }
    }
}

/* The engines of one rule set: the model lane's (or the only one) and each client lane's. */
struct engines {
    struct ig_engine *m;
    struct ig_engine *lane[IG_DETECT_MAX_LANES];
    const char *order[IG_ENGINE_MAX_DETECTORS];
    size_t norder;
    const char *side[IG_ENGINE_MAX_DETECTORS];   /* the model-side lane's model-scoped detectors */
    size_t nside, nside_client;                  /* ... and how many per-client ones it runs */
};

static void engines_free(struct engines *es)
{
    ig_engine_free(es->m);
    for (uint32_t k = 0; k < IG_DETECT_MAX_LANES; k++)
        ig_engine_free(es->lane[k]);
    memset(es, 0, sizeof *es);
}

static int engines_new(struct ig_detect_core *c, const struct ig_rules *rules, struct engines *es,
                       char *err, size_t errlen)
{
    memset(es, 0, sizeof *es);
    if (!c->nlanes) {
        es->m = ig_engine_new(c->cfg, rules, &c->env, ig_findings_emit(c->findings), err, errlen);
        if (!es->m)
            return IG_ECONF;
        ig_engine_set_load(es->m, c->load);
        return IG_OK;
    }
    const struct ig_detector *ml[IG_ENGINE_MAX_DETECTORS + 1], *sl[IG_ENGINE_MAX_DETECTORS + 1],
                             *cl[IG_ENGINE_MAX_DETECTORS + 1];
    size_t nm = 0, ns = 0, nc = 0;
    uint64_t bm = 128, bs = 128, bc = 128;   /* per-client bytes of each entry (~header + slices) */
    for (size_t i = 0; ig_detectors[i]; i++) {
        const struct ig_detector *d = ig_detectors[i];
        if (!ig_rules_enabled(rules, d->name, true))
            continue;
        if (es->norder == IG_ENGINE_MAX_DETECTORS) {
            snprintf(err, errlen, "engine: more than %d detectors enabled", IG_ENGINE_MAX_DETECTORS);
            return IG_ECONF;
        }
        es->order[es->norder++] = d->name;
        /* Without client lanes the per-client detectors run on the model-side lane: it sees
         * every event too, and the model lane keeps the merge and the clocks. */
        uint64_t b = (d->client_size + 15) & ~15u;
        bool model = on_model_lane(d);
        if (model && !model_side(d)) {
            ml[nm++] = d;
            bm += b;
        } else if (model || !c->nclanes) {
            sl[ns++] = d;
            bs += b;
            if (model)
                es->side[es->nside++] = d->name;
            else
                es->nside_client++;
        } else {
            cl[nc++] = d;
            bc += b;
        }
    }
    ml[nm] = sl[ns] = cl[nc] = NULL;
    if (!c->nmlanes)
        bs = 0;
    if (!c->nclanes)
        bc = 0;
    /* detection.memcap in proportion to each engine's per-client bytes; each client lane may
     * hold up to its whole share (a skewed source mix can put most clients on one lane). */
    struct ig_config mcfg = *c->cfg, scfg = *c->cfg, lcfg = *c->cfg;
    uint64_t unit = c->cfg->clients_memcap / (bm + bs + bc);
    mcfg.clients_memcap = IG_MAX(unit * bm, (uint64_t)64 << 10);
    scfg.clients_memcap = IG_MAX(unit * bs, (uint64_t)64 << 10);
    lcfg.clients_memcap = IG_MAX(unit * bc, (uint64_t)64 << 10);
    /* The client lanes' detectors share the process's env but split their budgets. */
    c->lane_budget = c->book.ops;
    c->lane_budget.ctx = c;
    c->lane_budget.open = lane_open;
    c->lane_env = c->env;
    c->lane_env.budget = &c->lane_budget;
    es->m = ig_engine_new_with(&mcfg, rules, &c->env, &c->merge, ml, err, errlen);
    if (!es->m)
        return IG_ECONF;
    for (uint32_t k = 0; k < c->nmlanes; k++) {
        /* The model lane and a model-side lane see the same clients in the same order: with
         * tables of the same size they evict the same ones (the smaller size for both). */
        uint64_t cap = ig_engine_stats(es->m)->clients_cap;
        scfg.clients_max = cap;
        es->lane[k] = ig_engine_new_with(&scfg, rules, &c->env, &c->lanes[k].emit, sl, err, errlen);
        if (!es->lane[k]) {
            engines_free(es);
            return IG_ECONF;
        }
        uint64_t scap = ig_engine_stats(es->lane[k])->clients_cap;
        if (scap < cap) {
            ig_engine_free(es->m);
            mcfg.clients_max = scap;
            if (!(es->m = ig_engine_new_with(&mcfg, rules, &c->env, &c->merge, ml, err, errlen))) {
                engines_free(es);
                return IG_ECONF;
            }
            for (uint32_t j = 0; j < k; j++) {   /* (one model-side lane today) */
                ig_engine_free(es->lane[j]);
                scfg.clients_max = scap;
                if (!(es->lane[j] = ig_engine_new_with(&scfg, rules, &c->env, &c->lanes[j].emit, sl,
                                                       err, errlen))) {
                    engines_free(es);
                    return IG_ECONF;
                }
            }
        }
    }
    ig_engine_set_load(es->m, c->load);
    for (uint32_t k = c->nmlanes; k < c->nlanes; k++) {
        es->lane[k] = ig_engine_new_with(&lcfg, rules, &c->lane_env, &c->lanes[k].emit, cl, err, errlen);
        if (!es->lane[k]) {
            engines_free(es);
            return IG_ECONF;
        }
    }
    return IG_OK;
}

/* Makes <es> the core's engines (the previous ones already taken out). */
static void engines_take(struct ig_detect_core *c, struct engines *es)
{
    c->engine = es->m;
    if (c->nlanes) {
        memcpy(c->order, es->order, sizeof c->order);
        c->norder = es->norder;
        positions(c, c->engine, c->mpos);
        for (uint32_t k = 0; k < c->nlanes; k++) {
            c->lanes[k].engine = es->lane[k];
            positions(c, es->lane[k], c->lanes[k].pos);
        }
        memcpy(c->side, es->side, sizeof c->side);
        c->nside = es->nside;
        c->nside_client = es->nside_client;
    }
    memset(es, 0, sizeof *es);
}

void ig_detect_core_observe_lane(struct ig_detect_core *c, uint32_t k, const struct ig_event *ev,
                                 struct ig_lane_out *out)
{
    struct ig_detect_lane *l = &c->lanes[k];
    *out = (struct ig_lane_out){ 0 };
    l->out = out;
    l->tail = &out->found;
    ig_engine_observe(l->engine, ev);
    l->out = NULL;
}

void ig_detect_core_tick_lane(struct ig_detect_core *c, uint32_t k, uint64_t now_us)
{
    ig_engine_tick(c->lanes[k].engine, now_us);
}

struct ig_held *ig_held_merge(struct ig_held *a, struct ig_held *b)
{
    struct ig_held *head = NULL, **tail = &head;
    while (a && b) {
        struct ig_held **from = a->key <= b->key ? &a : &b;
        *tail = *from;
        tail = &(*from)->next;
        *from = (*from)->next;
    }
    *tail = a ? a : b;
    return head;
}

void ig_detect_core_observe_merged(struct ig_detect_core *c, const struct ig_event *ev,
                                   struct ig_lane_out *in, uint32_t n)
{
    uint32_t cflags = 0, gflags = 0;
    c->pending = NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (in[i].cflags >> 31)
            c->held_lost++;
        cflags |= in[i].cflags;
        gflags |= in[i].gflags;
        c->pending = ig_held_merge(c->pending, in[i].found);
        in[i].found = NULL;
    }
    ig_engine_observe_flagged(c->engine, ev, cflags & 0xffffu, gflags);
    flush_until(c, UINT32_MAX);
}

/* Adds the per-detector counts of <src> (detectors named src_names) into <dst>, and, for a
 * client lane's engine, what it holds besides. */
static void add_lane(struct ig_engine_stats *dst, const char **names, size_t *n,
                     const struct ig_engine_stats *src, const char *const *src_names, size_t src_n,
                     bool lane)
{
    for (size_t i = 0; i < src_n; i++) {
        size_t k = 0;
        while (k < *n && strcmp(names[k], src_names[i]) != 0)
            k++;
        if (k == *n) {
            if (*n == IG_ENGINE_MAX_DETECTORS)
                continue;
            names[(*n)++] = src_names[i];
        }
        dst->findings[k] += src->findings[i];
        dst->observe_errors[k] += src->observe_errors[i];
    }
    if (lane) {
        dst->group_findings += src->group_findings;
        dst->scratch_overflows += src->scratch_overflows;
        dst->memory_used += src->memory_used;
        dst->memory_cap += src->memory_cap;
    }
}

void ig_detect_core_lane_publish(struct ig_detect_core *c, uint32_t k)
{
    struct ig_detect_lane *l = &c->lanes[k];
    if (!l->engine)
        return;
    struct ig_det_counters rows = { .n = 0 };
    size_t n = IG_MIN(ig_engine_detector_count(l->engine), (size_t)IG_ENGINE_MAX_DETECTORS);
    pthread_mutex_lock(&l->lock);
    l->st = *ig_engine_stats(l->engine);
    l->n = n;
    for (size_t i = 0; i < n; i++)
        l->names[i] = ig_engine_detector_name(l->engine, i);
    pthread_mutex_unlock(&l->lock);
    add_det_counters(&rows, l->engine);
    pthread_mutex_lock(&l->lock);
    l->counters = rows;
    pthread_mutex_unlock(&l->lock);
}

int ig_detect_core_init(struct ig_detect_core *c, const struct ig_config *cfg,
                        const struct ig_rules *rules, struct ig_sensor_load *load,
                        uint32_t lanes, char *err, size_t errlen)
{
    c->cfg = cfg;
    c->load = load;
    /* Every budget of every engine built here is listed in one book (/metrics). */
    ig_budget_book_init(&c->book);
    c->env.budget = &c->book.ops;
    c->nlanes = IG_MIN(lanes, (uint32_t)IG_DETECT_MAX_LANES);
    c->nmlanes = c->nlanes ? 1 : 0;   /* the first lane is model-side, the others client lanes */
    c->nclanes = c->nlanes - c->nmlanes;
    c->merge = (struct ig_emit){ merge_emit, c };
    for (uint32_t k = 0; k < c->nlanes; k++) {
        c->lanes[k].emit = (struct ig_emit){ lane_emit, &c->lanes[k] };
        if (pthread_mutex_init(&c->lanes[k].lock, NULL) != 0) {
            snprintf(err, errlen, "cannot create a lane's stats lock");
            return IG_ENOMEM;
        }
        c->lanes[k].lock_ready = true;
    }
    /* Drift reference profiles and report writing live in the sidecar; the detector
     * reaches them through the env lent to every engine built here. */
    if (cfg->reports_dir[0] && !(c->drift_writer = ig_drift_writer_new(cfg->reports_dir, err, errlen)))
        return IG_ECONF;
    ig_drift_env(&c->env, c->drift_writer);
    if (!(c->env.patterns = ig_pattern_cache_new(cfg->rules_cache_dir))) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    c->findings = ig_findings_new(cfg, rules, err, errlen);
    if (!c->findings)
        return IG_ECONF;
    if (ig_sinks_open_all(c->findings, cfg, err, errlen) < 0)
        return IG_ECONF;
    struct engines es;
    if (engines_new(c, rules, &es, err, errlen) != IG_OK)
        return IG_ECONF;
    engines_take(c, &es);
    return IG_OK;
}

void ig_detect_core_observe(struct ig_detect_core *c, const struct ig_event *ev)
{
    if (!c->nlanes) {
        ig_engine_observe(c->engine, ev);
        return;
    }
    struct ig_lane_out o[2];
    uint32_t n = 0;
    for (uint32_t k = 0; k < c->nmlanes; k++)
        ig_detect_core_observe_lane(c, k, ev, &o[n++]);
    if (c->nclanes)
        ig_detect_core_observe_lane(c, ig_detect_core_lane_of(c, ev), ev, &o[n++]);
    ig_detect_core_observe_merged(c, ev, o, n);
}

/* The model lane's engine; a model-side lane's ticks on its own thread (tick_lane). */
void ig_detect_core_tick(struct ig_detect_core *c, uint64_t now_us)
{
    ig_engine_tick(c->engine, now_us);
    ig_findings_tick(c->findings, now_us);
}

/* Index of <name> in names[0..*n), appended when missing and there is room; -1 if full. */
static int name_slot(const char **names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (names[i] == name || strcmp(names[i], name) == 0)
            return (int)i;
    if (*n == IG_ENGINE_MAX_DETECTORS)
        return -1;
    names[*n] = name;
    return (int)(*n)++;
}

/* Adds the monotonic counters of <src> (detectors named src_names) into <dst>. */
static void add_counters(struct ig_engine_stats *dst, const char **names, size_t *n,
                         const struct ig_engine_stats *src, const char *const *src_names, size_t src_n)
{
    dst->events += src->events;
    dst->clients_created += src->clients_created;
    dst->clients_evicted += src->clients_evicted;
    dst->models_overflow += src->models_overflow;
    dst->scratch_overflows += src->scratch_overflows;
    dst->clients_deferred += src->clients_deferred;
    dst->group_events += src->group_events;
    dst->group_findings += src->group_findings;
    dst->sources_evicted += src->sources_evicted;
    for (size_t i = 0; i < src_n; i++) {
        int k = name_slot(names, n, src_names[i]);
        if (k < 0)
            continue;
        dst->findings[k] += src->findings[i];
        dst->observe_errors[k] += src->observe_errors[i];
    }
}

/* Adds the stats-hook counters of <e>'s detectors into <rows>, by detector and name. */
static void add_det_counters(struct ig_det_counters *rows, const struct ig_engine *e)
{
    size_t nd = ig_engine_detector_count(e);
    for (size_t i = 0; i < nd; i++) {
        struct ig_det_counter c[IG_DET_MAX_COUNTERS];
        size_t nc = ig_engine_detector_counters(e, i, c);
        const char *det = ig_engine_detector_name(e, i);
        for (size_t k = 0; k < nc; k++) {
            size_t j = 0;
            while (j < rows->n && !(strcmp(rows->row[j].detector, det) == 0 &&
                                    strcmp(rows->row[j].c.name, c[k].name) == 0))
                j++;
            if (j == rows->n) {
                if (rows->n == IG_DETECT_MAX_COUNTERS)
                    continue;
                rows->row[j].detector = det;
                rows->row[j].c = c[k];
                rows->row[j].c.value = 0;
                rows->n++;
            }
            rows->row[j].c.value += c[k].value;
        }
    }
}

struct sink_ctx { struct ig_detect_stats *out; };

static void take_sink(void *ctx, const char *sink, const struct ig_sink_stats *s)
{
    struct ig_detect_stats *out = ((struct sink_ctx *)ctx)->out;
    if (out->n_sinks == IG_DETECT_MAX_SINKS)
        return;
    snprintf(out->sinks[out->n_sinks].name, sizeof out->sinks[0].name, "%s", sink);
    out->sinks[out->n_sinks++].st = *s;
}

void ig_detect_core_collect(const struct ig_detect_core *c, struct ig_detect_stats *out)
{
    if (c->finished) {
        *out = c->final;
        return;
    }
    memset(out, 0, sizeof *out);
    const struct ig_engine *e = c->engine;
    if (e && c->nlanes) {
        /* Every detector in registry order, its counts from whichever lane runs it; the
         * client table's own counts from the model lane (it sees every client). */
        memcpy(out->detector_names, c->order, sizeof c->order);
        out->n_detectors = c->norder;
        out->engine = *ig_engine_stats(e);
        memset(out->engine.findings, 0, sizeof out->engine.findings);
        memset(out->engine.observe_errors, 0, sizeof out->engine.observe_errors);
        const char *mn[IG_ENGINE_MAX_DETECTORS];
        size_t nm = IG_MIN(ig_engine_detector_count(e), (size_t)IG_ENGINE_MAX_DETECTORS);
        for (size_t i = 0; i < nm; i++)
            mn[i] = ig_engine_detector_name(e, i);
        add_lane(&out->engine, out->detector_names, &out->n_detectors, ig_engine_stats(e), mn, nm, false);
        out->counters = c->carry_counters;
        add_det_counters(&out->counters, e);
        for (uint32_t k = 0; k < c->nlanes; k++) {
            struct ig_detect_lane *l = (struct ig_detect_lane *)&c->lanes[k];
            pthread_mutex_lock(&l->lock);
            add_lane(&out->engine, out->detector_names, &out->n_detectors, &l->st, l->names, l->n, true);
            /* a client has an entry in the model lane, each model-side lane and one client lane */
            if (k < c->nmlanes || k == c->nmlanes)
                out->engine.bytes_per_client += l->st.bytes_per_client;
            struct ig_det_counters *rows = &out->counters;
            for (size_t r = 0; r < l->counters.n; r++) {
                size_t j = 0;
                while (j < rows->n && !(strcmp(rows->row[j].detector, l->counters.row[r].detector) == 0 &&
                                        strcmp(rows->row[j].c.name, l->counters.row[r].c.name) == 0))
                    j++;
                if (j == rows->n) {
                    if (rows->n == IG_DETECT_MAX_COUNTERS)
                        continue;
                    rows->row[rows->n++] = l->counters.row[r];
                } else {
                    rows->row[j].c.value += l->counters.row[r].c.value;
                }
            }
            pthread_mutex_unlock(&l->lock);
        }
        /* The detectors' own counters in registry order, as one engine lists them. */
        struct ig_det_counters *rows = &out->counters;
        for (size_t i = 1; i < rows->n; i++) {
            for (size_t j = i; j > 0 && order_of(c, rows->row[j].detector) <
                                            order_of(c, rows->row[j - 1].detector); j--) {
                __typeof__(rows->row[0]) tmp = rows->row[j];
                rows->row[j] = rows->row[j - 1];
                rows->row[j - 1] = tmp;
            }
        }
        out->findings_held_lost = c->held_lost;
        if (c->engine_swaps)
            add_counters(&out->engine, out->detector_names, &out->n_detectors, &c->carry,
                         c->carry_names, c->n_carry);
    } else if (e) {
        /* Detectors only the replaced engines had are appended after the current ones;
         * names are static strings. */
        out->engine = *ig_engine_stats(e);
        out->n_detectors = IG_MIN(ig_engine_detector_count(e), (size_t)IG_ENGINE_MAX_DETECTORS);
        for (size_t i = 0; i < out->n_detectors; i++)
            out->detector_names[i] = ig_engine_detector_name(e, i);
        if (c->engine_swaps)
            add_counters(&out->engine, out->detector_names, &out->n_detectors, &c->carry,
                         c->carry_names, c->n_carry);
        out->counters = c->carry_counters;
        add_det_counters(&out->counters, e);
    }
    if (c->findings) {
        out->findings = *ig_findings_stats(c->findings);
        struct sink_ctx sc = { out };
        ig_findings_sink_stats(c->findings, take_sink, &sc);
    }
    ig_drift_report_counts(c->drift_writer, &out->reports, &out->report_failures);
    ig_pattern_cache_stats(c->env.patterns, &out->patterns);
    out->n_budgets = ig_budget_book_rows((struct ig_budget_book *)&c->book, out->budgets,
                                         IG_ARRAY_LEN(out->budgets));
    out->engine_swaps = c->engine_swaps;
    out->reload_clients_dropped = c->reload_clients_dropped;
}

void ig_detect_core_finish(struct ig_detect_core *c, uint64_t now_us)
{
    if (c->finished || !c->engine)
        return;
    ig_engine_finish(c->engine, now_us);   /* open drift windows: findings too */
    for (uint32_t k = 0; k < c->nmlanes; k++)
        ig_engine_finish(c->lanes[k].engine, now_us);   /* no finish hooks there: no findings */
    for (uint32_t k = 0; k < c->nlanes; k++)
        ig_detect_core_lane_publish(c, k);   /* the lanes' threads are parked or gone */
    struct ig_detect_stats totals;
    ig_detect_core_collect(c, &totals);    /* the engine's, before it goes */
    ig_engine_free(c->engine);             /* detectors finish: last partial drift window reported */
    c->engine = NULL;
    /* The lanes' engines are freed by their own threads (ig_detect_core_lane_free), or by
     * fini: a detector frees its thread's own workspace when freed (PRADA's). */
    ig_findings_close(c->findings, now_us, (int)c->cfg->flush_timeout_ms);
    ig_detect_core_collect(c, &c->final);  /* findings, sinks and reports after the close */
    c->final.engine = totals.engine;
    memcpy(c->final.detector_names, totals.detector_names, sizeof totals.detector_names);
    c->final.n_detectors = totals.n_detectors;
    c->final.counters = totals.counters;
    c->finished = true;
}

int ig_detect_core_reload(struct ig_detect_core *c, const struct ig_rules *rules, char *err, size_t errlen)
{
    if (c->finished || !c->engine) {
        snprintf(err, errlen, "the pipeline has finished");
        return IG_ECONF;
    }
    struct engines es;
    if (engines_new(c, rules, &es, err, errlen) != IG_OK)
        return IG_ECONF;
    struct ig_engine *old = c->engine;
    /* Detectors finish as at the end of a run (drift: open windows, their findings);
     * 0 = each detector's own last capture time. */
    ig_engine_finish(old, 0);
    const struct ig_engine_stats *os = ig_engine_stats(old);
    const char *names[IG_ENGINE_MAX_DETECTORS];
    size_t n = IG_MIN(ig_engine_detector_count(old), (size_t)IG_ENGINE_MAX_DETECTORS);
    for (size_t i = 0; i < n; i++)
        names[i] = ig_engine_detector_name(old, i);
    add_counters(&c->carry, c->carry_names, &c->n_carry, os, names, n);
    add_det_counters(&c->carry_counters, old);
    c->reload_clients_dropped += os->clients_active;
    for (uint32_t k = 0; k < c->nlanes; k++) {
        struct ig_detect_lane *l = &c->lanes[k];   /* its thread is parked */
        ig_detect_core_lane_publish(c, k);
        add_lane(&c->carry, c->carry_names, &c->n_carry, &l->st, l->names, l->n, false);
        add_det_counters(&c->carry_counters, l->engine);
        ig_engine_free(l->engine);
        l->engine = NULL;
    }
    ig_engine_free(old);   /* drift reports its partial window */
    engines_take(c, &es);
    c->engine_swaps++;
    ig_findings_set_rules(c->findings, rules);
    return IG_OK;
}

void ig_detect_core_lane_free(struct ig_detect_core *c, uint32_t k)
{
    ig_engine_free(c->lanes[k].engine);
    c->lanes[k].engine = NULL;
}

uint64_t ig_detect_core_findings(const struct ig_detect_core *c)
{
    return ig_findings_stats(c->findings)->emitted;
}

void ig_detect_core_fini(struct ig_detect_core *c)
{
    if (c->engine)
        ig_engine_free(c->engine);
    c->engine = NULL;
    for (uint32_t k = 0; k < c->nlanes; k++) {
        ig_engine_free(c->lanes[k].engine);
        c->lanes[k].engine = NULL;
        if (c->lanes[k].lock_ready)
            pthread_mutex_destroy(&c->lanes[k].lock);
        c->lanes[k].lock_ready = false;
    }
    for (struct ig_held *h = c->pending, *n; h; h = n) {
        n = h->next;
        free(h);
    }
    c->pending = NULL;
    ig_drift_writer_free(c->drift_writer);
    c->drift_writer = NULL;
    ig_pattern_cache_free(c->env.patterns);
    c->env.patterns = NULL;
    if (c->findings)
        ig_findings_free(c->findings);
    c->findings = NULL;
    if (c->env.budget)   /* every engine, so every budget, is closed */
        ig_budget_book_fini(&c->book);
    c->env.budget = NULL;
}

/* ---- the inline mode: the core on the calling thread ---- */

static struct ig_detect *inline_alloc(const struct ig_config *cfg, struct ig_drop_reasons *drops,
                                      uint32_t lanes)
{
    (void)cfg;
    (void)drops;
    (void)lanes;
    return calloc(1, sizeof(struct ig_detect));
}

static void inline_observe(struct ig_detect *d, const struct ig_event *ev) { ig_detect_core_observe(&d->core, ev); }
static void inline_tick(struct ig_detect *d, uint64_t now_us) { ig_detect_core_tick(&d->core, now_us); }
static void inline_finish(struct ig_detect *d, uint64_t now_us) { ig_detect_core_finish(&d->core, now_us); }

static int inline_reload(struct ig_detect *d, const struct ig_rules *rules, char *err, size_t errlen)
{
    return ig_detect_core_reload(&d->core, rules, err, errlen);
}

static void inline_collect(const struct ig_detect *d, struct ig_detect_stats *out)
{
    ig_detect_core_collect(&d->core, out);
}

static uint64_t inline_findings(const struct ig_detect *d) { return ig_detect_core_findings(&d->core); }

const struct ig_detect_ops ig_detect_inline = {
    .threads = 1,
    .event_copies = 1,
    .alloc = inline_alloc,
    .observe = inline_observe,
    .tick = inline_tick,
    .finish = inline_finish,
    .reload = inline_reload,
    .collect = inline_collect,
    .findings = inline_findings,
};
