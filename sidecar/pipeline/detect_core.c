/* The detect stage's core (detect_impl.h) and the inline run mode, which calls the core on
 * the parsing thread. The finish sequence and the reload swap are written here once; the
 * threaded mode (detect_thread.c) calls the same functions on its detection thread. */
#include "pipeline/detect_impl.h"

#include <inferguard/log.h>
#include <stdlib.h>
#include <string.h>

#include "drift/drift.h"
#include "sinks/sinks.h"

static struct ig_engine *engine_new(struct ig_detect_core *c, const struct ig_rules *rules,
                                    char *err, size_t errlen)
{
    struct ig_engine *e = ig_engine_new(c->cfg, rules, &c->env, ig_findings_emit(c->findings), err, errlen);
    if (e)
        ig_engine_set_load(e, c->load);
    return e;
}

int ig_detect_core_init(struct ig_detect_core *c, const struct ig_config *cfg,
                        const struct ig_rules *rules, struct ig_sensor_load *load,
                        char *err, size_t errlen)
{
    c->cfg = cfg;
    c->load = load;
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
    c->engine = engine_new(c, rules, err, errlen);
    return c->engine ? IG_OK : IG_ECONF;
}

void ig_detect_core_observe(struct ig_detect_core *c, const struct ig_event *ev)
{
    ig_engine_observe(c->engine, ev);
}

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
    if (e) {
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
    out->engine_swaps = c->engine_swaps;
    out->reload_clients_dropped = c->reload_clients_dropped;
}

void ig_detect_core_finish(struct ig_detect_core *c, uint64_t now_us)
{
    if (c->finished || !c->engine)
        return;
    ig_engine_finish(c->engine, now_us);   /* open drift windows: findings too */
    struct ig_detect_stats totals;
    ig_detect_core_collect(c, &totals);    /* the engine's, before it goes */
    ig_engine_free(c->engine);             /* detectors finish: last partial drift window reported */
    c->engine = NULL;
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
    struct ig_engine *ne = engine_new(c, rules, err, errlen);
    if (!ne)
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
    ig_engine_free(old);   /* drift reports its partial window */
    c->engine = ne;
    c->engine_swaps++;
    ig_findings_set_rules(c->findings, rules);
    return IG_OK;
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
    ig_drift_writer_free(c->drift_writer);
    c->drift_writer = NULL;
    ig_pattern_cache_free(c->env.patterns);
    c->env.patterns = NULL;
    if (c->findings)
        ig_findings_free(c->findings);
    c->findings = NULL;
}

/* ---- the inline mode: the core on the calling thread ---- */

static struct ig_detect *inline_alloc(const struct ig_config *cfg, struct ig_drop_reasons *drops)
{
    (void)cfg;
    (void)drops;
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
