/* The counter table: every scalar counter of the pipeline, once, with where it lives, its
 * /metrics name and help, when it counts data given up its reason in the drop list (the
 * run summary's "dropped:" section and inferguard_drops_total{reason}), and the words it
 * says in a line of the run summary. A new counter is one row: /metrics, the drop list and
 * the summary pick it up. */
#ifndef IG_PIPELINE_COUNTERS_H
#define IG_PIPELINE_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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
    /* mid-stream flows off capture.ports: parsed from a later message start (of them with
     * client and server the other way round than the ports guessed), given up */
    uint64_t midstream_later, midstream_swapped, midstream_given_up;
};

/* Where a counter lives: one stats struct per stage. */
enum ig_counter_where {
    IG_AT_CAPTURE, IG_AT_FLOW, IG_AT_HTTP, IG_AT_H2, IG_AT_PARSE, IG_AT_ENGINE, IG_AT_FINDINGS,
    IG_AT__COUNT
};
enum ig_counter_kind { IG_KIND_COUNTER, IG_KIND_GAUGE };

/* The run summary's lines made of counters (ig_summary_lines has each one's heading). */
enum ig_summary_line {
    IG_SUM_NONE, IG_SUM_PACKETS, IG_SUM_FLOWS, IG_SUM_TCP, IG_SUM_TCP_STATE, IG_SUM_CHECKSUMS,
    IG_SUM_DEFRAG, IG_SUM_FLOW_EVASION, IG_SUM_HTTP, IG_SUM_HTTP_EVASION, IG_SUM_HTTP2,
    IG_SUM_CLIENTS, IG_SUM_SOURCES, IG_SUM_FINDINGS, IG_SUM_CLOCK, IG_SUM_MIDSTREAM, IG_SUM__COUNT
};

struct ig_counter_def {
    const char *metric;      /* Prometheus family, or NULL: drop list only */
    const char *label;       /* "key=value" of this row within its family, or NULL */
    const char *help;        /* the family's help (its first row's) */
    uint8_t kind;            /* enum ig_counter_kind */
    uint8_t where;           /* enum ig_counter_where */
    uint16_t off;            /* offsetof the uint64_t in its stats struct */
    uint16_t minus;          /* a second field subtracted (same struct), or IG_COUNTER_NONE */
    const char *drop;        /* reason in the drop list, or NULL: not a drop */
    uint8_t line;            /* enum ig_summary_line, or IG_SUM_NONE: not in the summary */
    uint8_t pos;             /* its place in that line, from 0 */
    const char *say;         /* its words there: a format with one %llu (the value), and
                              * maybe a %s after it (the line's text argument) */
};
#define IG_COUNTER_NONE 0xffffu

extern const struct ig_counter_def ig_counters[];
extern const size_t ig_counters_n;

/* When a summary line is shown. */
enum ig_summary_show { IG_SHOW_ALWAYS, IG_SHOW_IF_FIRST, IG_SHOW_IF_ANY };
struct ig_summary_line_def {
    const char *head;        /* "  packets     " */
    uint8_t show;            /* enum ig_summary_show: always, when its first counter is not
                              * zero, when any of its counters is not zero */
};
extern const struct ig_summary_line_def ig_summary_lines[IG_SUM__COUNT];

/* The stats structs a reading walks; a NULL one (no HTTP/2 stage) reads as absent. */
struct ig_counter_src { const void *at[IG_AT__COUNT]; };

/* The value of row <d> in <src>; false when its stats struct is absent. */
bool ig_counter_value(const struct ig_counter_def *d, const struct ig_counter_src *src, uint64_t *v);
/* Calls fn for every drop row with a nonzero value, in table order. */
void ig_counters_each_drop(const struct ig_counter_src *src,
                           void (*fn)(void *ctx, const char *reason, uint64_t n), void *ctx);

/* Writes summary line <line> (its heading, then each row's words in order; no newline) and
 * returns true, or returns false without writing when the line is not to be shown. <arg>
 * fills a %s of the words (NULL: ""). An absent stats struct reads as zero. */
bool ig_summary_line_print(FILE *out, const struct ig_counter_src *src, enum ig_summary_line line,
                           const char *arg);

#endif
