/* A copy of every pipeline counter, for /metrics. The parsing side's counters are read on
 * the thread that drives the pipeline; the detection side's (engine, findings, sinks,
 * drift reports) come, with detection.workers = 2, from a copy the detection thread
 * publishes under a mutex at each tick, so the reader never touches its live state. */
#ifndef IG_PIPELINE_SNAPSHOT_H
#define IG_PIPELINE_SNAPSHOT_H

#include <inferguard/event.h>
#include <inferguard/load.h>
#include <inferguard/patterns.h>
#include <inferguard/sink.h>

#include "capture/capture.h"
#include "engine.h"
#include "findings/findings.h"
#include "flow/flow.h"
#include "http/http_conn.h"

#define IG_SNAP_MAX_SINKS 4
#define IG_SNAP_MAX_PROTOS 32
#define IG_SNAP_MAX_DROPS 96
#define IG_SNAP_MAX_DET_COUNTERS 32

/* The counters detectors keep themselves (their stats hook), by detector and name. */
struct ig_det_counters {
    struct { const char *detector; struct ig_det_counter c; } row[IG_SNAP_MAX_DET_COUNTERS];
    size_t n;
};

/* What the detection side counts: totals since start, over engines replaced by reloads. */
struct ig_pipeline_det_stats {
    struct ig_engine_stats engine;        /* findings[i] / observe_errors[i] of detector_names[i] */
    const char *detector_names[IG_ENGINE_MAX_DETECTORS];   /* static strings */
    size_t n_detectors;
    struct ig_findings_stats findings;
    struct { char name[16]; struct ig_sink_stats st; } sinks[IG_SNAP_MAX_SINKS];
    size_t n_sinks;
    uint64_t reports, report_failures;    /* drift reports written / failed */
    uint64_t engine_swaps;                /* rules reloads applied */
    uint64_t reload_clients_dropped;      /* client entries a reload discarded */
    struct ig_det_counters counters;      /* detectors' own counters (stats hook) */
};

struct ig_pipeline_snapshot {
    uint32_t workers;
    struct ig_decode_stats capture;
    struct ig_flow_stats flow;
    struct { char name[32]; uint64_t flows; } protos[IG_SNAP_MAX_PROTOS];   /* nDPI names */
    size_t n_protos;
    struct ig_http_stats http;
    uint64_t not_inference, events, events_malformed, events_by_proto[IG_PROTO__COUNT];
    struct { const char *reason; uint64_t n; } drops[IG_SNAP_MAX_DROPS];   /* static strings */
    size_t n_drops;
    uint64_t ring_published, ring_full_waits, events_big;
    char rules_origin[256], rules_sha256[65];   /* "embedded" or the directory; "" hash = none */
    struct ig_pipeline_det_stats det;
    uint64_t load[IG_LOAD__COUNT];   /* given up under load, by kind (include/inferguard/load.h) */
    struct ig_pattern_cache_stats patterns;   /* rules.cache_dir (start-up and reloads) */
};

#endif
