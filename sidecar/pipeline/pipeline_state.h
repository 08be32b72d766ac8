/* The parsing side's state, shared by pipeline.c (the data path), summary.c and snapshot.c
 * (reporting). The detection side is behind struct ig_detect (detect_stage.h). */
#ifndef IG_PIPELINE_STATE_H
#define IG_PIPELINE_STATE_H

#include <inferguard/event.h>
#include <inferguard/load.h>

#include "capture/clock.h"
#include "core/jsonw.h"
#include "identity/identity.h"
#include "pipeline/counters.h"
#include "pipeline/detect_stage.h"
#include "pipeline/drop_reasons.h"
#include "pipeline/pipeline.h"
#include "pipeline/shards.h"
#include "pipeline/snapshot.h"

/* APP_WAIT: a mid-stream flow off capture.ports whose first bytes were not a message start,
 * waiting for one (pipeline.c, attach_app). */
enum { APP_NONE = 0, APP_HTTP = 1, APP_IGNORED = 2, APP_H2 = 3, APP_WAIT = 4 };

#define TICK_US 1000000ull   /* detectors and flows tick once per capture second */

struct ig_pipeline {
    const struct ig_config *cfg;
    struct ig_flow_table *flows;
    struct ig_flow *cur_flow;  /* the flow whose bytes the HTTP stage is parsing, or NULL */
    struct ig_http *http;
    struct ig_h2 *h2;          /* HTTP/2 and gRPC (http2/h2_conn.h) */
    struct ig_identity_cfg identity;
    struct ig_detect *detect;  /* everything after the event (detect_stage.h) */
    struct ig_scratch scratch;
    struct ig_event ev;

    FILE *events_out;          /* --events, or NULL */
    bool events_close;         /* we opened it (not stdout) */
    struct ig_jsonw events_json;
    void (*event_hook)(void *ctx, const struct ig_event *ev);
    void *event_hook_ctx;
    void (*tick_hook)(void *ctx, uint64_t now_us);
    void *tick_hook_ctx;

    uint64_t last_us, next_tick_us;
    struct ig_capture_clock clock;   /* packet time that does not step back */
    struct ig_decode_stats capture;
    struct ig_parse_stats parse;
    uint64_t events_by_proto[IG_PROTO__COUNT];
    struct ig_drop_reasons drops;
    struct ig_sensor_load load;    /* what was given up (evasion.overload, /metrics, /readyz) */
    bool load_ready;
    uint64_t affected_mark;        /* ig_http_affected() position already published */
    uint64_t kernel_drops_live;    /* run: the capture's kernel drops so far */
    /* The rule set in use (summary, /metrics). */
    char rules_origin[256], rules_sha256[65];
    /* Parse shards (shards.h): the coordinator's shards, or NULL; a shard's own parse-only
     * pipeline has parser_only set, shard = its shard, and closing says what ends its
     * flows (0 a packet, 1 a tick, 2 the end of input). */
    struct ig_shards *shards;
    bool parser_only;
    void *shard;
    int closing;
};

/* The parsing side's counters, summed over the parse shards when there are some. */
struct ig_parse_view {
    struct ig_decode_stats capture;
    struct ig_shard_counts c;
};
void ig_pipeline_parse_view(const struct ig_pipeline *p, struct ig_parse_view *v);

/* A parse-only pipeline for a parse shard (flows, HTTP, adapters, identity; no detection,
 * no outputs): its events go to ig_shard_event(shard). */
struct ig_pipeline *ig_pipeline_new_parser(const struct ig_config *cfg, void *shard, char *err,
                                           size_t errlen);
/* Coordinator, in the merged order: an event (borrowed), and the end of a tick with what
 * the shards gave up at it. */
void ig_pipeline_event_merged(struct ig_pipeline *p, const struct ig_event *ev);
void ig_pipeline_tick_merged(struct ig_pipeline *p, uint64_t now_us, const struct ig_shard_load *l);

/* Every drop counter with its reason (the summary's list), zero ones skipped: the counter
 * table's drop rows read from <src>, then the reasons counted by name. */
void ig_pipeline_each_drop(const struct ig_parse_view *v, const struct ig_counter_src *src,
                           void (*fn)(void *ctx, const char *reason, uint64_t n), void *ctx);
/* The counter table's sources: the parsing side's stats <v> and <det> (collected). */
void ig_pipeline_counter_src(const struct ig_parse_view *v, const struct ig_detect_stats *det,
                             struct ig_counter_src *src);

#endif
