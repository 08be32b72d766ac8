/* A copy of every pipeline counter, for /metrics. The parsing side's counters are read on
 * the thread that drives the pipeline; the detection side's (engine, findings, sinks,
 * drift reports) come from the detect stage's collect operation (detect_stage.h), which in
 * the threaded mode reads the copy its detection thread publishes at each tick. */
#ifndef IG_PIPELINE_SNAPSHOT_H
#define IG_PIPELINE_SNAPSHOT_H

#include <inferguard/event.h>
#include <inferguard/load.h>
#include <inferguard/sink.h>

#include "capture/capture.h"
#include "flow/flow.h"
#include "http/http_conn.h"
#include "pipeline/counters.h"
#include "pipeline/detect_stage.h"

#define IG_SNAP_MAX_PROTOS 32
#define IG_SNAP_MAX_DROPS 96

struct ig_pipeline_snapshot {
    struct ig_decode_stats capture;
    struct ig_flow_stats flow;
    struct { char name[32]; uint64_t flows; } protos[IG_SNAP_MAX_PROTOS];   /* nDPI names */
    size_t n_protos;
    struct ig_http_stats http;
    struct ig_parse_stats parse;
    uint64_t events_by_proto[IG_PROTO__COUNT];
    struct { const char *reason; uint64_t n; } drops[IG_SNAP_MAX_DROPS];   /* static strings */
    size_t n_drops;
    char rules_origin[256], rules_sha256[65];   /* "embedded" or the directory; "" hash = none */
    struct ig_detect_stats det;           /* the detect stage's (run mode, handoff too) */
    uint64_t load[IG_LOAD__COUNT];   /* given up under load, by kind (include/inferguard/load.h) */
};

#endif
