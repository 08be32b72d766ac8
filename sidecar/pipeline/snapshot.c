/* Counters for /metrics and the rules reload: both need to know which thread owns the
 * engine, so they live together. See snapshot.h and ig_pipeline_reload in pipeline.h. */
#include "pipeline/snapshot.h"

#include <inferguard/log.h>
#include <stdio.h>
#include <string.h>

#include "drift/drift.h"
#include "pipeline/handoff.h"
#include "pipeline/pipeline_state.h"

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

void ig_pipeline_engine_totals(const struct ig_pipeline *p, const struct ig_engine *e,
                               struct ig_engine_stats *st, const char **names, size_t *n)
{
    *st = *ig_engine_stats(e);
    *n = IG_MIN(ig_engine_detector_count(e), (size_t)IG_ENGINE_MAX_DETECTORS);
    for (size_t i = 0; i < *n; i++)
        names[i] = ig_engine_detector_name(e, i);
    if (p->engine_swaps == 0)
        return;
    /* Detectors only the replaced engines had are appended after the current ones. */
    add_counters(st, names, n, &p->carry, p->carry_names, p->n_carry);
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
                if (rows->n == IG_SNAP_MAX_DET_COUNTERS)
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

void ig_pipeline_counter_totals(const struct ig_pipeline *p, const struct ig_engine *e,
                                struct ig_det_counters *out)
{
    *out = p->carry_counters;
    add_det_counters(out, e);
}

struct sink_ctx { struct ig_pipeline_det_stats *out; };

static void take_sink(void *ctx, const char *sink, const struct ig_sink_stats *s)
{
    struct ig_pipeline_det_stats *out = ((struct sink_ctx *)ctx)->out;
    if (out->n_sinks == IG_SNAP_MAX_SINKS)
        return;
    snprintf(out->sinks[out->n_sinks].name, sizeof out->sinks[0].name, "%s", sink);
    out->sinks[out->n_sinks++].st = *s;
}

void ig_pipeline_det_collect(const struct ig_pipeline *p, struct ig_pipeline_det_stats *out)
{
    memset(out, 0, sizeof *out);
    if (p->engine) {
        ig_pipeline_engine_totals(p, p->engine, &out->engine, out->detector_names, &out->n_detectors);
        ig_pipeline_counter_totals(p, p->engine, &out->counters);
    } else {
        out->counters = p->counters_final;
        out->engine = p->engine_final;   /* after finish: totals already */
        out->n_detectors = p->n_detectors;
        memcpy(out->detector_names, p->detector_names, p->n_detectors * sizeof p->detector_names[0]);
    }
    if (p->findings) {
        out->findings = *ig_findings_stats(p->findings);
        struct sink_ctx sc = { out };
        ig_findings_sink_stats(p->findings, take_sink, &sc);
    }
    ig_drift_report_counts(p->drift_writer, &out->reports, &out->report_failures);
    out->engine_swaps = p->engine_swaps;
    out->reload_clients_dropped = p->reload_clients_dropped;
}

struct proto_ctx { struct ig_pipeline_snapshot *s; };

static void take_proto(void *ctx, const char *proto, uint64_t flows)
{
    struct ig_pipeline_snapshot *s = ((struct proto_ctx *)ctx)->s;
    if (s->n_protos == IG_SNAP_MAX_PROTOS)
        return;
    snprintf(s->protos[s->n_protos].name, sizeof s->protos[0].name, "%s", proto);
    s->protos[s->n_protos++].flows = flows;
}

static void take_drop(void *ctx, const char *reason, uint64_t n)
{
    struct ig_pipeline_snapshot *s = ctx;
    if (s->n_drops == IG_SNAP_MAX_DROPS)
        return;
    s->drops[s->n_drops].reason = reason;
    s->drops[s->n_drops++].n = n;
}

void ig_pipeline_snapshot(const struct ig_pipeline *p, struct ig_pipeline_snapshot *out)
{
    memset(out, 0, sizeof *out);
    out->workers = p->workers;
    ig_pattern_cache_stats(p->env.patterns, &out->patterns);
    out->capture = p->capture;
    out->flow = *ig_flow_stats(p->flows);
    struct proto_ctx pc = { out };
    ig_flow_proto_counts(p->flows, take_proto, &pc);
    out->http = *ig_http_stats(p->http);
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        out->load[k] = atomic_load(&((struct ig_pipeline *)p)->load.total[k]);
    out->not_inference = p->not_inference;
    out->events = p->events;
    out->events_malformed = p->events_malformed;
    memcpy(out->events_by_proto, p->events_by_proto, sizeof out->events_by_proto);
    if (p->workers == 2 && p->det_running) {
        /* The detection thread's live state is its own: read its last published copy. */
        pthread_mutex_lock((pthread_mutex_t *)&p->pub_lock);
        out->det = p->pub;
        pthread_mutex_unlock((pthread_mutex_t *)&p->pub_lock);
    } else {
        ig_pipeline_det_collect(p, &out->det);
    }
    if (p->ring_ready) {
        /* Producer-side counters only: this is the producer's thread. */
        out->ring_published = p->ring.published;
        out->ring_full_waits = p->ring.full_waits;
    }
    out->events_big = p->events_big;
    memcpy(out->rules_origin, p->rules_origin, sizeof out->rules_origin);
    memcpy(out->rules_sha256, p->rules_sha256, sizeof out->rules_sha256);
    ig_pipeline_each_drop(p, &out->capture, &out->flow, &out->http, &out->det.engine,
                          &out->det.findings, take_drop, out);
}

int ig_pipeline_swap_engine(struct ig_pipeline *p, const struct ig_rules *rules, char *err, size_t errlen)
{
    struct ig_engine *ne = ig_engine_new(p->cfg, rules, &p->env, ig_findings_emit(p->findings), err, errlen);
    if (!ne)
        return IG_ECONF;
    ig_engine_set_load(ne, &((struct ig_pipeline *)p)->load);
    struct ig_engine *old = p->engine;
    if (old) {
        /* Detectors finish as at the end of a run (drift: open windows, their findings);
         * 0 = each detector's own last capture time. */
        ig_engine_finish(old, 0);
        const struct ig_engine_stats *os = ig_engine_stats(old);
        const char *names[IG_ENGINE_MAX_DETECTORS];
        size_t n = IG_MIN(ig_engine_detector_count(old), (size_t)IG_ENGINE_MAX_DETECTORS);
        for (size_t i = 0; i < n; i++)
            names[i] = ig_engine_detector_name(old, i);
        add_counters(&p->carry, p->carry_names, &p->n_carry, os, names, n);
        p->reload_clients_dropped += os->clients_active;
        add_det_counters(&p->carry_counters, old);
        /* Detectors finish as at the end of a run (drift reports its partial window). */
        ig_engine_free(old);
    }
    p->engine = ne;
    p->engine_swaps++;
    ig_findings_set_rules(p->findings, rules);
    return IG_OK;
}

int ig_pipeline_reload(struct ig_pipeline *p, const struct ig_rules *rules, char *err, size_t errlen)
{
    /* With two workers p->engine belongs to the detection thread: not read here. */
    if (p->workers == 2 ? !p->det_running : !p->engine) {
        snprintf(err, errlen, "the pipeline has finished");
        return IG_ECONF;
    }
    int rc = p->workers == 2 ? ig_handoff_reload(p, rules, err, errlen)
                             : ig_pipeline_swap_engine(p, rules, err, errlen);
    if (rc == IG_OK)
        ig_pipeline_note_rules(p, rules);
    return rc;
}

void ig_pipeline_note_rules(struct ig_pipeline *p, const struct ig_rules *rules)
{
    snprintf(p->rules_origin, sizeof p->rules_origin, "%s", ig_rules_origin(rules));
    snprintf(p->rules_sha256, sizeof p->rules_sha256, "%s", ig_rules_sha256(rules));
}
