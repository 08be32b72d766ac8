/* The Prometheus text format (0.0.4) of the pipeline snapshot. Families are written whole
 * (HELP, TYPE, then every sample), label values escaped as the format requires. */
#include "daemon/metrics.h"

#include <inferguard/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct out {
    struct evbuffer *b;
    int failed;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (evbuffer_add_vprintf(o->b, fmt, ap) < 0)
        o->failed = 1;
    va_end(ap);
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
    put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label value escaping: backslash, double quote and newline. */
static void put_label(struct out *o, const char *v)
{
    char buf[512];
    size_t k = 0;
    for (; *v && k < sizeof buf - 3; v++) {
        if (*v == '\\' || *v == '"') {
            buf[k++] = '\\';
            buf[k++] = *v;
        } else if (*v == '\n') {
            buf[k++] = '\\';
            buf[k++] = 'n';
        } else {
            buf[k++] = *v;
        }
    }
    buf[k] = '\0';
    put(o, "%s", buf);
}

static void one(struct out *o, const char *name, const char *type, const char *help, uint64_t v)
{
    family(o, name, type, help);
    put(o, "%s %llu\n", name, (unsigned long long)v);
}

static void labelled(struct out *o, const char *name, const char *label, const char *value, uint64_t v)
{
    put(o, "%s{%s=\"", name, label);
    put_label(o, value);
    put(o, "\"} %llu\n", (unsigned long long)v);
}

#define C "counter"
#define G "gauge"

/* Every family of the counter table (pipeline/counters.h), its rows together wherever
 * they stand in the table. */
static void table(struct out *o, const struct ig_counter_src *src)
{
    for (size_t i = 0; i < ig_counters_n; i++) {
        const struct ig_counter_def *d = &ig_counters[i];
        size_t j = 0;
        if (!d->metric)
            continue;
        while (j < i && !(ig_counters[j].metric && strcmp(ig_counters[j].metric, d->metric) == 0))
            j++;
        if (j < i)
            continue;   /* family written with its first row */
        family(o, d->metric, d->kind == IG_KIND_GAUGE ? G : C, d->help);
        for (size_t k = i; k < ig_counters_n; k++) {
            const struct ig_counter_def *r = &ig_counters[k];
            uint64_t v;
            if (!r->metric || strcmp(r->metric, d->metric) != 0 || !ig_counter_value(r, src, &v))
                continue;
            if (!r->label) {
                put(o, "%s %llu\n", r->metric, (unsigned long long)v);
                continue;
            }
            char key[32];
            const char *eq = strchr(r->label, '=');
            snprintf(key, sizeof key, "%.*s", (int)(eq - r->label), r->label);
            labelled(o, r->metric, key, eq + 1, v);
        }
    }
}

/* Families whose rows are known only at run time: protocols, load kinds, events by wire
 * protocol. */
static void parsing(struct out *o, const struct ig_pipeline_snapshot *s)
{
    family(o, "inferguard_flows_by_protocol_total", C, "Closed flows by nDPI protocol.");
    for (size_t i = 0; i < s->n_protos; i++)
        labelled(o, "inferguard_flows_by_protocol_total", "protocol", s->protos[i].name, s->protos[i].flows);
    family(o, "inferguard_overload_given_up_total", C,
           "What the sensor gave up under load, by kind (evasion.overload findings report it).");
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        labelled(o, "inferguard_overload_given_up_total", "kind", ig_load_kind_name((enum ig_load_kind)k),
                 s->load[k]);
    family(o, "inferguard_events_total", C, "Inference events by wire protocol.");
    for (int i = 0; i < IG_PROTO__COUNT; i++)
        labelled(o, "inferguard_events_total", "protocol", ig_protocol_name((enum ig_protocol)i),
                 s->events_by_proto[i]);
}

static void detection(struct out *o, const struct ig_pipeline_snapshot *s)
{
    const struct ig_detect_stats *d = &s->det;
    family(o, "inferguard_findings_total", C, "Findings raised, by detector (before throttling).");
    for (size_t i = 0; i < d->n_detectors; i++)
        labelled(o, "inferguard_findings_total", "detector", d->detector_names[i], d->engine.findings[i]);
    if (d->findings.suppress_entries) {
        /* findings.suppress, per entry: "1" is the first in the configuration */
        family(o, "inferguard_findings_suppressed_by_entry_total", C,
               "Findings a findings.suppress entry kept back, by entry (1 = the first configured).");
        for (uint64_t i = 0; i < d->findings.suppress_entries && i < IG_CONFIG_MAX_SUPPRESS; i++) {
            char no[24];
            snprintf(no, sizeof no, "%llu", (unsigned long long)i + 1);
            labelled(o, "inferguard_findings_suppressed_by_entry_total", "entry", no, d->findings.suppressed_by[i]);
        }
    }
    family(o, "inferguard_sink_records_total", C, "Finding records per sink and outcome.");
    for (size_t i = 0; i < d->n_sinks; i++) {
        const struct ig_sink_stats *st = &d->sinks[i].st;
        struct { const char *what; uint64_t n; } rows[] = {
            { "written", st->written }, { "delivered", st->delivered }, { "failed", st->failed },
            { "retried", st->retried }, { "spooled", st->spooled }, { "replayed", st->replayed },
            { "dropped", st->dropped },
        };
        for (size_t k = 0; k < IG_ARRAY_LEN(rows); k++) {
            put(o, "inferguard_sink_records_total{sink=\"");
            put_label(o, d->sinks[i].name);
            put(o, "\",outcome=\"%s\"} %llu\n", rows[k].what, (unsigned long long)rows[k].n);
        }
    }
    /* Detectors' own counters (stats hook): one family, by detector and counter name. */
    family(o, "inferguard_detector_counter_total", C,
           "What a detector refused or skipped (per-client state over memory_mb, rows it cannot read), "
           "by detector and counter.");
    for (size_t i = 0; i < d->counters.n; i++) {
        put(o, "inferguard_detector_counter_total{detector=\"");
        put_label(o, d->counters.row[i].detector);
        put(o, "\",counter=\"");
        put_label(o, d->counters.row[i].c.name);
        put(o, "\"} %llu\n", (unsigned long long)d->counters.row[i].c.value);
    }
    /* The memory_mb budgets of per-client detector state (the detect stage's book). */
    family(o, "inferguard_detector_budget_bytes", G,
           "Bytes of per-client state charged to a detector's memory_mb budget now, by detector.");
    for (size_t i = 0; i < d->n_budgets; i++)
        labelled(o, "inferguard_detector_budget_bytes", "detector", d->budgets[i].owner, d->budgets[i].used);
    family(o, "inferguard_detector_budget_cap_bytes", G,
           "A detector's memory_mb budget (over its client lanes), by detector.");
    for (size_t i = 0; i < d->n_budgets; i++)
        labelled(o, "inferguard_detector_budget_cap_bytes", "detector", d->budgets[i].owner, d->budgets[i].cap);
    family(o, "inferguard_detector_budget_refused_total", C,
           "Per-client states refused for lack of room in a detector's memory_mb budget, by detector.");
    for (size_t i = 0; i < d->n_budgets; i++)
        labelled(o, "inferguard_detector_budget_refused_total", "detector", d->budgets[i].owner,
                 d->budgets[i].refused);
    family(o, "inferguard_drift_reports_total", C, "Drift reports written, by result.");
    labelled(o, "inferguard_drift_reports_total", "result", "written", d->reports);
    labelled(o, "inferguard_drift_reports_total", "result", "failed", d->report_failures);
}

int ig_metrics_render(const struct ig_pipeline_snapshot *s, const struct ig_daemon_stats *d,
                      struct evbuffer *out)
{
    struct out o = { out, 0 };
    one(&o, "inferguard_up", G, "1 while the sidecar runs.", 1);
    one(&o, "inferguard_ready", G, "1 once capture is open and rules are loaded.", d->ready ? 1 : 0);
    one(&o, "inferguard_start_time_seconds", G, "Start time, seconds since the epoch.", d->start_time_s);
    one(&o, "inferguard_workers", G, "Pipeline threads (1, or 2 = parsing | detection).", s->det.threads);
    struct ig_counter_src src = { .at = {
        [IG_AT_CAPTURE] = &s->capture, [IG_AT_FLOW] = &s->flow, [IG_AT_HTTP] = &s->http,
        [IG_AT_PARSE] = &s->parse, [IG_AT_ENGINE] = &s->det.engine, [IG_AT_FINDINGS] = &s->det.findings,
    } };
    table(&o, &src);
    parsing(&o, s);
    detection(&o, s);
    family(&o, "inferguard_drops_total", C, "Data dropped or cut, by reason (as in the run summary).");
    for (size_t i = 0; i < s->n_drops; i++)
        labelled(&o, "inferguard_drops_total", "reason", s->drops[i].reason, s->drops[i].n);
    if (s->det.handoff.on) {
        one(&o, "inferguard_ring_handoffs_total", C, "Events and ticks handed to the detection thread.",
            s->det.handoff.published);
        one(&o, "inferguard_ring_full_waits_total", C, "Times the parser waited on a full ring.",
            s->det.handoff.full_waits);
    }
    family(&o, "inferguard_rules_info", G, "The rule set in use: origin (embedded or its directory) "
           "and SHA-256 of its files, as in findings' metadata.labels.");
    put(&o, "inferguard_rules_info{origin=\"");
    put_label(&o, s->rules_origin);
    put(&o, "\",sha256=\"");
    put_label(&o, s->rules_sha256);
    put(&o, "\"} 1\n");
    one(&o, "inferguard_rules_reloads_total", C, "Rules reloads applied (SIGHUP).", d->reloads);
    one(&o, "inferguard_rules_reload_failures_total", C, "Rules reloads refused (invalid rules kept out).",
        d->reload_failures);
    one(&o, "inferguard_rules_last_reload_seconds", G, "Time of the last applied reload, 0 = none.",
        d->last_reload_s);
    one(&o, "inferguard_rules_reload_clients_dropped_total", C,
        "Client entries discarded by reloads (detector state starts afresh).",
        s->det.reload_clients_dropped);
    const struct ig_pattern_cache_stats hc = s->det.patterns;
    one(&o, "inferguard_pattern_cache_hits_total", C,
        "Hyperscan databases loaded from rules.cache_dir (start-up and reloads).", hc.hits);
    one(&o, "inferguard_pattern_cache_misses_total", C, "Hyperscan databases compiled.", hc.misses);
    one(&o, "inferguard_pattern_cache_bad_total", C,
        "Damaged or stale cache files refused and replaced.", hc.bad);
    one(&o, "inferguard_http_requests_total", C, "Requests to this HTTP endpoint.", d->http_requests);
    return o.failed ? -1 : 0;
}
