/* The counter table: every scalar counter of the pipeline, once, with where it lives, its
 * /metrics name and help, and, when it counts data given up, its reason in the drop list
 * (the run summary's "dropped:" section and inferguard_drops_total{reason}). A new counter
 * is one row: /metrics, the drop list and the summary's drop section pick it up. */
#ifndef IG_PIPELINE_COUNTERS_H
#define IG_PIPELINE_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/capture.h"
#include "engine.h"
#include "findings/findings.h"
#include "flow/flow.h"
#include "http/http_conn.h"
#include "http2/h2_conn.h"

/* What the parsing side counts itself (pipeline.c). */
struct ig_parse_stats {
    uint64_t txns, events, events_malformed, not_inference, non_http_flows;
    uint64_t events_raw_inspected;   /* undecodable bodies whose strings the text detectors read */
};

/* Where a counter lives: one stats struct per stage. */
enum ig_counter_where {
    IG_AT_CAPTURE, IG_AT_FLOW, IG_AT_HTTP, IG_AT_H2, IG_AT_PARSE, IG_AT_ENGINE, IG_AT_FINDINGS,
    IG_AT__COUNT
};
enum ig_counter_kind { IG_KIND_COUNTER, IG_KIND_GAUGE };

struct ig_counter_def {
    const char *metric;      /* Prometheus family, or NULL: drop list only */
    const char *label;       /* "key=value" of this row within its family, or NULL */
    const char *help;        /* the family's help (its first row's) */
    uint8_t kind;            /* enum ig_counter_kind */
    uint8_t where;           /* enum ig_counter_where */
    uint16_t off;            /* offsetof the uint64_t in its stats struct */
    uint16_t minus;          /* a second field subtracted (same struct), or IG_COUNTER_NONE */
    const char *drop;        /* reason in the drop list, or NULL: not a drop */
};
#define IG_COUNTER_NONE 0xffffu

extern const struct ig_counter_def ig_counters[];
extern const size_t ig_counters_n;

/* The stats structs a reading walks; a NULL one (no HTTP/2 stage) reads as absent. */
struct ig_counter_src { const void *at[IG_AT__COUNT]; };

/* The value of row <d> in <src>; false when its stats struct is absent. */
bool ig_counter_value(const struct ig_counter_def *d, const struct ig_counter_src *src, uint64_t *v);
/* Calls fn for every drop row with a nonzero value, in table order. */
void ig_counters_each_drop(const struct ig_counter_src *src,
                           void (*fn)(void *ctx, const char *reason, uint64_t n), void *ctx);

#endif
