/* The pipeline's state, shared by pipeline.c (the data path) and summary.c (reporting). */
#ifndef IG_PIPELINE_STATE_H
#define IG_PIPELINE_STATE_H

#include <inferguard/event.h>
#include <pthread.h>
#include <stdatomic.h>

#include "core/jsonw.h"
#include "core/ring.h"
#include "engine.h"
#include "identity/identity.h"
#include "pipeline/drop_reasons.h"
#include "pipeline/pipeline.h"

enum { APP_NONE = 0, APP_HTTP = 1, APP_IGNORED = 2 };

#define TICK_US 1000000ull   /* detectors and flows tick once per capture second */

struct ig_pipeline {
    const struct ig_config *cfg;
    struct ig_flow_table *flows;
    struct ig_http *http;
    struct ig_identity_cfg identity;
    struct ig_engine *engine;
    struct ig_findings *findings;
    struct ig_scratch scratch;
    struct ig_event ev;

    FILE *events_out;          /* --events, or NULL */
    bool events_close;         /* we opened it (not stdout) */
    struct ig_jsonw events_json;

    uint64_t last_us, next_tick_us;
    struct ig_decode_stats capture;
    uint64_t txns, events, events_by_proto[IG_PROTO__COUNT], events_malformed;
    uint64_t not_inference, non_http_flows;
    struct ig_drop_reasons drops;
    /* What the summary needs from the engine, kept when finish() frees it. */
    struct ig_engine_stats engine_final;
    const char *detector_names[64];
    size_t n_detectors;
    bool drift_ready;          /* ig_drift_setup() done: teardown owed */
    void (*event_hook)(void *ctx, const struct ig_event *ev);
    void *event_hook_ctx;

    /* detection.workers = 2 (handoff.c); all zero with one worker. */
    uint32_t workers;
    struct ig_ring ring;
    bool ring_ready, det_running;
    pthread_t det_thread;
    size_t slot_arena;             /* bytes of tensors/text one slot holds */
    uint8_t *big;                  /* overflow buffer for events larger than a slot */
    size_t big_cap, big_max;
    _Atomic int big_busy;          /* a queued slot points into <big> */
    _Atomic uint64_t findings_seen;  /* emitted count published by the detection thread */
    uint64_t events_big, events_too_big, big_waits;
    struct ig_ring_stats ring_final;
    double parse_cpu_s, detect_cpu_s;   /* CPU seconds of each thread, for sizing */
};

#endif
