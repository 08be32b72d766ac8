/* The pipeline's state, shared by pipeline.c (the data path) and summary.c (reporting). */
#ifndef IG_PIPELINE_STATE_H
#define IG_PIPELINE_STATE_H

#include <inferguard/event.h>
#include <inferguard/load.h>
#include <pthread.h>
#include <stdatomic.h>

#include "core/jsonw.h"
#include "core/ring.h"
#include "engine.h"
#include "identity/identity.h"
#include "pipeline/drop_reasons.h"
#include "pipeline/pipeline.h"
#include "pipeline/snapshot.h"

enum { APP_NONE = 0, APP_HTTP = 1, APP_IGNORED = 2, APP_H2 = 3 };

#define TICK_US 1000000ull   /* detectors and flows tick once per capture second */

struct ig_pipeline {
    const struct ig_config *cfg;
    struct ig_flow_table *flows;
    struct ig_flow *cur_flow;  /* the flow whose bytes the HTTP stage is parsing, or NULL */
    struct ig_http *http;
    struct ig_h2 *h2;          /* HTTP/2 and gRPC (http2/h2_conn.h) */
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
    uint64_t events_raw_inspected;   /* undecodable bodies whose strings the text detectors read */
    struct ig_drop_reasons drops;
    struct ig_sensor_load load;    /* what was given up (evasion.overload, /metrics, /readyz) */
    bool load_ready;
    uint64_t affected_mark;        /* ig_http_affected() position already published */
    uint64_t kernel_drops_live;    /* run: the capture's kernel drops so far */
    /* What the summary needs from the engine, kept when finish() frees it. */
    struct ig_engine_stats engine_final;
    const char *detector_names[64];
    size_t n_detectors;
    struct ig_det_counters counters_final;
    struct ig_env env;         /* what detectors are lent (engine init, reloads) */
    struct ig_drift_writer *drift_writer;   /* drift.reports_dir, or NULL */
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

    /* Rules reload (snapshot.c), on the thread that owns the engine: what replaced engines
     * counted, by detector name, so totals never go backwards. */
    struct ig_engine_stats carry;
    const char *carry_names[IG_ENGINE_MAX_DETECTORS];
    size_t n_carry;
    struct ig_det_counters carry_counters;
    uint64_t engine_swaps, reload_clients_dropped;
    /* The rule set in use (summary, /metrics): written on the parsing thread only. */
    char rules_origin[256], rules_sha256[65];
    /* detection.workers = 2: the detection thread's counters, copied at each tick. */
    pthread_mutex_t pub_lock;
    bool pub_lock_ready;
    struct ig_pipeline_det_stats pub;
    /* The reload handshake: the parser queues SLOT_RELOAD and waits for reload_done. */
    const struct ig_rules *reload_rules;
    _Atomic int reload_done;
    int reload_rc;
    char reload_err[256];
};

/* The decoding scratch cap: memory.events, or 8 x the request body limit + 64 MiB. */
size_t ig_pipeline_scratch_cap(const struct ig_config *cfg);
/* Engine counters of <e> plus those of engines replaced by reloads; names[] (static
 * strings) index st->findings. Call on the thread that owns the engine. */
void ig_pipeline_engine_totals(const struct ig_pipeline *p, const struct ig_engine *e,
                               struct ig_engine_stats *st, const char **names, size_t *n);
/* Detectors' own counters of <e> plus those of engines replaced by reloads. Owning thread. */
void ig_pipeline_counter_totals(const struct ig_pipeline *p, const struct ig_engine *e,
                                struct ig_det_counters *out);
/* Fills <out> from the engine, findings and drift writer. Owning thread only. */
void ig_pipeline_det_collect(const struct ig_pipeline *p, struct ig_pipeline_det_stats *out);
/* Builds an engine from <rules> and replaces the current one (owning thread only). The old
 * engine's clients are dropped (their detector state is lost). IG_ECONF + err on failure,
 * and the current engine stays. */
int  ig_pipeline_swap_engine(struct ig_pipeline *p, const struct ig_rules *rules, char *err, size_t errlen);
/* Records which rule set is in use (origin and hash) for the summary and /metrics. */
void ig_pipeline_note_rules(struct ig_pipeline *p, const struct ig_rules *rules);
/* Every drop counter with its reason (the summary's list), zero ones skipped. */
void ig_pipeline_each_drop(const struct ig_pipeline *p, const struct ig_decode_stats *c,
                           const struct ig_flow_stats *f, const struct ig_http_stats *h,
                           const struct ig_engine_stats *e, const struct ig_findings_stats *fs,
                           void (*fn)(void *ctx, const char *reason, uint64_t n), void *ctx);

#endif
