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

static void capture_flows(struct out *o, const struct ig_pipeline_snapshot *s)
{
    one(o, "inferguard_packets_total", C, "Packets captured.", s->capture.packets);
    one(o, "inferguard_bytes_total", C, "Bytes captured (frame lengths).", s->capture.bytes);
    family(o, "inferguard_flows_total", C, "TCP flows by what happened to them.");
    const struct ig_flow_stats *f = &s->flow;
    labelled(o, "inferguard_flows_total", "state", "created", f->flows_created);
    labelled(o, "inferguard_flows_total", "state", "closed", f->flows_closed);
    labelled(o, "inferguard_flows_total", "state", "timed_out", f->flows_timed_out);
    labelled(o, "inferguard_flows_total", "state", "evicted", f->flows_evicted);
    labelled(o, "inferguard_flows_total", "state", "midstream", f->flows_midstream);
    one(o, "inferguard_flows_active", G, "TCP flows tracked now.", f->active_flows);
    one(o, "inferguard_flow_buffered_bytes", G, "Bytes held by TCP reassembly now.", f->bytes_buffered);
    family(o, "inferguard_flows_by_protocol_total", C, "Closed flows by nDPI protocol.");
    for (size_t i = 0; i < s->n_protos; i++)
        labelled(o, "inferguard_flows_by_protocol_total", "protocol", s->protos[i].name, s->protos[i].flows);
    one(o, "inferguard_tcp_segments_total", C, "TCP segments seen.", f->segments);
    one(o, "inferguard_tcp_bytes_total", C, "TCP payload bytes delivered in order.", f->bytes_delivered);
    one(o, "inferguard_tcp_retransmits_total", C, "TCP retransmissions.", f->retransmits);
    one(o, "inferguard_tcp_out_of_order_total", C, "TCP segments arriving out of order.", f->out_of_order);
    family(o, "inferguard_tcp_control_ignored_total", C,
           "RST/FIN/SYN segments ignored as the server's stack would (RFC 5961).");
    labelled(o, "inferguard_tcp_control_ignored_total", "flag", "rst", f->rst_ignored);
    labelled(o, "inferguard_tcp_control_ignored_total", "flag", "fin", f->fin_ignored);
    labelled(o, "inferguard_tcp_control_ignored_total", "flag", "syn", f->syn_ignored);
    one(o, "inferguard_tcp_bad_checksum_total", C, "TCP segments dropped for a wrong checksum.", f->csum_bad);
    one(o, "inferguard_checksum_offload_directions_total", C,
        "Flow directions not checksum-verified (all wrong from the start: offload).", f->csum_offload_dirs);
    one(o, "inferguard_flows_embryonic", G, "Flows whose SYN is not answered yet.", f->embryonic_active);
    one(o, "inferguard_evasion_flows_total", C, "Connections that carried TCP/IP evasion tricks.", f->evasion_flows);
    family(o, "inferguard_defrag_total", C, "IP fragment reassembly.");
    labelled(o, "inferguard_defrag_total", "what", "fragments", f->defrag.fragments);
    labelled(o, "inferguard_defrag_total", "what", "reassembled", f->defrag.reassembled);
    labelled(o, "inferguard_defrag_total", "what", "timeouts", f->defrag.timeouts);
    labelled(o, "inferguard_defrag_total", "what", "memcap_drops", f->defrag.memcap_drops);
    labelled(o, "inferguard_defrag_total", "what", "overlap_conflicts", f->defrag.conflicts);
    labelled(o, "inferguard_defrag_total", "what", "overlap_discards", f->defrag.overlap_discards);
    one(o, "inferguard_defrag_held_bytes", G, "Bytes of IP fragments held now.", f->defrag.bytes_held);
}

static void http_events(struct out *o, const struct ig_pipeline_snapshot *s)
{
    one(o, "inferguard_http_connections_total", C, "HTTP connections parsed.", s->http.conns);
    one(o, "inferguard_http_transactions_total", C, "HTTP request/response pairs.", s->http.txns);
    one(o, "inferguard_http_not_inference_total", C, "HTTP transactions no adapter took.", s->not_inference);
    one(o, "inferguard_http_requests_only_total", C, "Requests handed out without a response.", s->http.requests_only);
    one(o, "inferguard_http_resync_rejected_total", C,
        "Requests resynchronised after one the parser rejected (evasion.http).", s->http.resync_rejected);
    one(o, "inferguard_http_whitespace_squeezed_bytes_total", C,
        "Whitespace bytes squeezed out of bodies (padding).", s->http.ws_squeezed);
    one(o, "inferguard_http_bodies_truncated_total", C,
        "Bodies cut at http.*_body_limit or http.memcap (head inspected).", s->http.body_truncated);
    one(o, "inferguard_http_pipeline_early_total", C,
        "Requests handed out without waiting for their response (pipelining depth).", s->http.pipeline_early);
    one(o, "inferguard_http_pipeline_shed_total", C,
        "Parsers rebuilt: over 2 x http.pipeline_depth requests unanswered.", s->http.pipeline_shed);
    one(o, "inferguard_http_inflate_capped_total", C, "Decompressions stopped at a cap (bomb).",
        s->http.inflate_capped);
    one(o, "inferguard_http_memcap_bodies_given_up_total", C,
        "Bodies given up at http.memcap (largest first).", s->http.memcap_bodies_given_up);
    family(o, "inferguard_overload_given_up_total", C,
           "What the sensor gave up under load, by kind (evasion.overload findings report it).");
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        labelled(o, "inferguard_overload_given_up_total", "kind", ig_load_kind_name((enum ig_load_kind)k),
                 s->load[k]);
    family(o, "inferguard_events_total", C, "Inference events by wire protocol.");
    for (int i = 0; i < IG_PROTO__COUNT; i++)
        labelled(o, "inferguard_events_total", "protocol", ig_protocol_name((enum ig_protocol)i),
                 s->events_by_proto[i]);
    one(o, "inferguard_events_malformed_total", C, "Inference events whose payload did not decode.",
        s->events_malformed);
}

static void detection(struct out *o, const struct ig_pipeline_snapshot *s)
{
    const struct ig_detect_stats *d = &s->det;
    family(o, "inferguard_findings_total", C, "Findings raised, by detector (before throttling).");
    for (size_t i = 0; i < d->n_detectors; i++)
        labelled(o, "inferguard_findings_total", "detector", d->detector_names[i], d->engine.findings[i]);
    one(o, "inferguard_findings_emitted_total", C, "OCSF finding records written to the sinks.",
        d->findings.emitted);
    one(o, "inferguard_findings_throttled_total", C, "Findings folded into an open throttle group.",
        d->findings.throttled);
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
    one(o, "inferguard_detection_events_total", C, "Events the detectors observed.", d->engine.events);
    one(o, "inferguard_clients_tracked", G, "Clients in the detection table now.", d->engine.clients_active);
    one(o, "inferguard_clients_capacity", G, "Clients the table holds (max_clients within memcap).",
        d->engine.clients_cap);
    one(o, "inferguard_clients_created_total", C, "Client entries created.", d->engine.clients_created);
    one(o, "inferguard_clients_evicted_total", C, "Clients evicted at detection.max_clients or memcap.",
        d->engine.clients_evicted);
    one(o, "inferguard_clients_deferred_total", C,
        "New identities kept out of the client table by their source's admission rate or cap.",
        d->engine.clients_deferred);
    one(o, "inferguard_sources_tracked", G, "Stable sources (principal groups) tracked now.",
        d->engine.sources_active);
    one(o, "inferguard_group_events_total", C,
        "Events also observed on a principal group's stream (a source with several identities).",
        d->engine.group_events);
    one(o, "inferguard_clients_memory_bytes", G, "Client table memory in use.", d->engine.memory_used);
    one(o, "inferguard_models_tracked", G, "Models with detector state now.", d->engine.models_active);
    /* Detectors' own counters (stats hook): one family, the help of each in the summary's words. */
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
    capture_flows(&o, s);
    http_events(&o, s);
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
