/* The end-of-run summary on stderr: what was read, what came out, and every drop with
 * its reason, so an operator can tell a quiet capture from a broken one. */
#include "pipeline/pipeline_state.h"

#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "http/http_conn.h"
#include "http2/h2_conn.h"

struct proto_line { FILE *out; int n; };

static void print_proto(void *ctx, const char *proto, uint64_t flows)
{
    struct proto_line *pl = ctx;
    fprintf(pl->out, "%s %s %llu", pl->n++ ? "," : "", proto, (unsigned long long)flows);
}

static void print_sink(FILE *out, const char *sink, const struct ig_sink_stats *s)
{
    fprintf(out,
            "  sink %-7s written %llu, delivered %llu, failed %llu, retried %llu, spooled %llu, "
            "replayed %llu, dropped %llu\n",
            sink, (unsigned long long)s->written, (unsigned long long)s->delivered,
            (unsigned long long)s->failed, (unsigned long long)s->retried,
            (unsigned long long)s->spooled, (unsigned long long)s->replayed,
            (unsigned long long)s->dropped);
}

#define U(x) ((unsigned long long)(x))

struct drop_line { FILE *out; int n; };

static void print_drop(void *ctx, const char *reason, uint64_t n)
{
    struct drop_line *dl = ctx;
    fprintf(dl->out, "%s  %-58s %llu\n", dl->n++ ? "" : "  dropped:\n", reason, U(n));
}

void ig_pipeline_counter_src(const struct ig_parse_view *v, const struct ig_detect_stats *det,
                             struct ig_counter_src *src)
{
    memset(src, 0, sizeof *src);
    src->at[IG_AT_CAPTURE] = &v->capture;
    src->at[IG_AT_FLOW] = &v->c.flow;
    src->at[IG_AT_HTTP] = &v->c.http;
    src->at[IG_AT_H2] = &v->c.h2;
    src->at[IG_AT_PARSE] = &v->c.parse;
    src->at[IG_AT_ENGINE] = &det->engine;
    src->at[IG_AT_FINDINGS] = &det->findings;
}

void ig_pipeline_each_drop(const struct ig_parse_view *v, const struct ig_counter_src *src,
                           void (*fn)(void *ctx, const char *reason, uint64_t n), void *ctx)
{
    static const char other[] = "other reasons";
    ig_counters_each_drop(src, fn, ctx);
    /* Largest first, then by reason: the order says nothing about which thread or parse
     * shard counted a reason first, so one worker and several list alike. */
    const struct ig_drop_reasons *d = &v->c.drops;
    uint32_t ix[IG_DROP_REASONS_MAX], n = 0;
    for (uint32_t i = 0; i < d->nrows && i < IG_DROP_REASONS_MAX; i++) {
        uint32_t j = n++;
        for (; j > 0; j--) {
            const uint32_t k = ix[j - 1];
            if (d->row[k].n > d->row[i].n ||
                (d->row[k].n == d->row[i].n && strcmp(d->row[k].reason, d->row[i].reason) <= 0))
                break;
            ix[j] = k;
        }
        ix[j] = i;
    }
    for (uint32_t j = 0; j < n; j++)
        fn(ctx, d->row[ix[j]].reason, d->row[ix[j]].n);
    if (v->c.drops.other)
        fn(ctx, other, v->c.drops.other);
}

/* A line of counters from the counter table, with its newline when shown. */
static void line(FILE *out, const struct ig_counter_src *src, enum ig_summary_line l, const char *arg)
{
    if (ig_summary_line_print(out, src, l, arg))
        fputc('\n', out);
}

void ig_pipeline_summary(const struct ig_pipeline *p, FILE *out)
{
    struct ig_detect_stats ds;
    ig_detect_collect(p->detect, &ds);
    const struct ig_engine_stats *e = &ds.engine;

    struct ig_parse_view *v = malloc(sizeof *v);   /* a few KB: not on the stack */
    if (!v) {
        fprintf(out, "summary: out of memory\n");
        return;
    }
    ig_pipeline_parse_view(p, v);
    struct ig_counter_src src;
    ig_pipeline_counter_src(v, &ds, &src);

    fprintf(out, "summary:\n");
    line(out, &src, IG_SUM_PACKETS, NULL);
    line(out, &src, IG_SUM_CLOCK, NULL);
    line(out, &src, IG_SUM_FLOWS, NULL);
    line(out, &src, IG_SUM_MIDSTREAM, NULL);
    struct proto_line pl = { out, 0 };
    fprintf(out, "  protocols  ");
    for (uint32_t i = 0; i < v->c.nproto; i++)
        print_proto(&pl, v->c.proto[i].name, v->c.proto[i].n);
    fprintf(out, "%s\n", pl.n ? "" : " none");
    line(out, &src, IG_SUM_TCP, NULL);
    line(out, &src, IG_SUM_TCP_STATE,
         strcmp(p->cfg->capture_checksums, "off") == 0 ? "not verified (capture.checksums: off)" :
         strcmp(p->cfg->capture_checksums, "on") == 0 ? "verified (capture.checksums: on)" : "verified (auto)");
    line(out, &src, IG_SUM_CHECKSUMS, NULL);
    line(out, &src, IG_SUM_DEFRAG, p->cfg->defrag_policy);
    line(out, &src, IG_SUM_FLOW_EVASION, NULL);
    line(out, &src, IG_SUM_HTTP, NULL);
    line(out, &src, IG_SUM_HTTP_EVASION, NULL);
    line(out, &src, IG_SUM_HTTP2, NULL);
    fprintf(out, "  events      %llu", U(v->c.parse.events));
    int n = 0;
    for (int i = 0; i < IG_PROTO__COUNT; i++)
        if (v->c.events_by_proto[i])
            fprintf(out, "%s%s %llu", n++ ? ", " : " (", ig_protocol_name((enum ig_protocol)i),
                    U(v->c.events_by_proto[i]));
    fprintf(out, "%s, %llu malformed\n", n ? ")" : "", U(v->c.parse.events_malformed));
    ig_detect_summary(p->detect, out);   /* the run mode's line, if it has one */
    if (p->shards)
        ig_shards_summary(p->shards, out);
    const struct ig_config *cf = p->cfg;
    if (cf->memory_limit)
        fprintf(out, "  memory      limit %llu MiB: flows %llu MiB (%u flows), http %llu MiB, clients %llu MiB, "
                     "events %llu MiB, mirror %llu MiB, models %u\n",
                U(cf->memory_limit >> 20), U(cf->flow_memcap >> 20), cf->flow_max, U(cf->http_memcap >> 20),
                U(cf->clients_memcap >> 20), U(cf->events_memcap >> 20), U(cf->ce_pending_memcap >> 20),
                cf->max_models);
    line(out, &src, IG_SUM_CLIENTS, NULL);
    fprintf(out, "  rules       %s, sha256 %s\n", p->rules_origin,
            p->rules_sha256[0] ? p->rules_sha256 : "- (detector defaults)");
    line(out, &src, IG_SUM_SOURCES, NULL);
    const struct ig_pattern_cache_stats hc = ds.patterns;
    if (hc.hits + hc.misses) {
        fprintf(out, "  patterns    %llu Hyperscan databases: %llu loaded from rules.cache_dir, %llu compiled",
                U(hc.hits + hc.misses), U(hc.hits), U(hc.misses));
        if (hc.bad)
            fprintf(out, " (%llu damaged cache files replaced)", U(hc.bad));
        fprintf(out, "\n");
    }
    ig_summary_line_print(out, &src, IG_SUM_FINDINGS, NULL);
    n = 0;
    for (size_t i = 0; i < ds.n_detectors; i++)
        if (e->findings[i])
            fprintf(out, "%s %s %llu", n++ ? "," : ";", ds.detector_names[i], U(e->findings[i]));
    fprintf(out, "\n");
    ig_findings_suppress_summary(&ds.findings, p->cfg, out);
    /* What detectors refused or skipped (their stats hook); zero counters are left out. */
    const struct ig_det_counters *dc = &ds.counters;
    const char *last = NULL;
    for (size_t i = 0; i < dc->n; i++) {
        if (!dc->row[i].c.value)
            continue;
        if (last && strcmp(last, dc->row[i].detector) == 0)
            fprintf(out, ", %s %llu", dc->row[i].c.name, U(dc->row[i].c.value));
        else
            fprintf(out, "%s%s %s %llu", last ? "; " : "  detectors   ", dc->row[i].detector,
                    dc->row[i].c.name, U(dc->row[i].c.value));
        last = dc->row[i].detector;
    }
    if (last)
        fprintf(out, "\n");
    if (p->cfg->reports_dir[0])
        fprintf(out, "  reports     %llu drift reports in %s (%llu failed)\n", U(ds.reports),
                p->cfg->reports_dir, U(ds.report_failures));
    for (size_t i = 0; i < ds.n_sinks; i++)
        print_sink(out, ds.sinks[i].name, &ds.sinks[i].st);

    /* Every drop counter, with its reason; zero counters are left out. */
    struct drop_line dl = { out, 0 };
    ig_pipeline_each_drop(v, &src, print_drop, &dl);
    n = dl.n;
    if (!n)
        fprintf(out, "  dropped     nothing\n");
    free(v);
}
