/* The detect stage: everything after the inference event. It owns the detector engine, the
 * findings stage with its sinks, the drift report writer and the counters carried over rules
 * reloads. The parsing side (pipeline.c) drives it through five operations only: observe an
 * event, tick the capture clock, finish, reload rules, collect counters. Two run modes
 * implement the same operations: inline (detection.workers = 1, on the calling thread) and
 * threaded (detection.workers >= 2: a detection thread fed through a ring, detect_thread.c;
 * with 2 workers a model-side lane as below without a thread of its own, run by whichever of
 * the two threads gets to an event; from 3 workers on, workers - 2 lanes: a model-side lane
 * running costly per-model detectors
 * over every event, then client lanes running the detectors without per-model state, each
 * owning the clients of its stable sources; the detection thread (the model lane) merges
 * their findings, detect_impl.h); ig_detect_new is the one place that picks. Every
 * mode gives each detector the same calls in the same order and emits findings in the same
 * order, so findings are byte-identical. */
#ifndef IG_PIPELINE_DETECT_STAGE_H
#define IG_PIPELINE_DETECT_STAGE_H

#include <stdio.h>
#include <inferguard/config.h>
#include <inferguard/event.h>
#include <inferguard/patterns.h>
#include <inferguard/rules.h>
#include <inferguard/sink.h>

#include "engine.h"
#include "findings/findings.h"
#include "budget.h"
#include "pipeline/drop_reasons.h"

#define IG_DETECT_MAX_SINKS 4
#define IG_DETECT_MAX_COUNTERS 32
#define IG_DETECT_MAX_BUDGETS 16

/* The counters detectors keep themselves (their stats hook), by detector and name. */
struct ig_det_counters {
    struct { const char *detector; struct ig_det_counter c; } row[IG_DETECT_MAX_COUNTERS];
    size_t n;
};

/* What the stage counts: totals since start, over engines replaced by reloads. */
struct ig_detect_stats {
    uint32_t threads;                     /* pipeline threads: 1, or 2 = parsing | detection,
                                           * + client lanes */
    uint32_t lanes;                       /* client lanes (detection.workers - 2 from 3 on) */
    uint64_t findings_held_lost;          /* client-lane findings lost for memory (not emitted) */
    struct ig_engine_stats engine;        /* findings[i] / observe_errors[i] of detector_names[i] */
    const char *detector_names[IG_ENGINE_MAX_DETECTORS];   /* static strings */
    size_t n_detectors;
    struct ig_det_counters counters;      /* detectors' own counters (stats hook) */
    struct ig_findings_stats findings;
    struct { char name[16]; struct ig_sink_stats st; } sinks[IG_DETECT_MAX_SINKS];
    size_t n_sinks;
    uint64_t reports, report_failures;    /* drift reports written / failed */
    uint64_t engine_swaps;                /* rules reloads applied */
    uint64_t reload_clients_dropped;      /* client entries a reload discarded */
    struct ig_pattern_cache_stats patterns;   /* rules.cache_dir (start-up and reloads) */
    struct ig_budget_row budgets[IG_DETECT_MAX_BUDGETS];   /* detectors' memory_mb budgets, by detector */
    size_t n_budgets;
    /* The handoff between the threads (threaded mode; all zero inline), as the parsing
     * side counts it. */
    struct {
        bool on;                          /* the run mode hands events between threads */
        uint64_t published, full_waits;   /* events and ticks through the ring; waits on a full one */
        uint64_t events_big, events_dropped;   /* through the overflow buffer; over its cap */
    } handoff;
};

struct ig_detect;
struct ig_sensor_load;

/* Builds the stage from <cfg> and <rules> (may be NULL: defaults) in the run mode
 * detection.workers asks for: what detectors are lent (drift report writer, pattern
 * cache), findings and their sinks, the engine;
 * threaded, also the ring and the detection thread, which from then on owns all of these.
 * The engine publishes what it gives up to <load>; the threaded mode counts the events it
 * cannot hand over in <drops> (the parsing side's table). Neither is owned. NULL with one
 * sentence in err on failure. */
struct ig_detect *ig_detect_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                struct ig_sensor_load *load, struct ig_drop_reasons *drops,
                                char *err, size_t errlen);
/* The cap of the parsing side's decoding scratch (memory.events): with the threaded mode
 * the overflow buffer for big queued events may hold as much again, so each gets half. */
size_t ig_detect_scratch_cap(const struct ig_config *cfg);
/* The event and everything it points to are borrowed for the call (the threaded mode
 * copies them). */
void ig_detect_observe(struct ig_detect *d, const struct ig_event *ev);
/* Two workers (detection.decode): offers the decoding of transaction <t> (<ad> its adapter,
 * <id> the identity settings, <fl> what its connection carries into events) to the
 * detection thread. True: it took a copy and will build and observe the event itself,
 * counting what the decoding counts (ig_detect_add_decoded); false (other run modes, the
 * parsing thread not the busier one, a copy over a slot): decode here and observe. */
struct ig_adapter;
struct ig_http_txn;
struct ig_identity_cfg;
struct ig_txn_flow;
bool ig_detect_defer_txn(struct ig_detect *d, const struct ig_adapter *ad, const struct ig_http_txn *t,
                         const struct ig_identity_cfg *id, const struct ig_txn_flow *fl);
/* Adds what the detection thread's decoding of deferred transactions counted (malformed and
 * raw-inspected events, events by protocol, drop reasons; as of its last tick while it
 * runs) to the parsing side's counters. */
struct ig_parse_stats;
void ig_detect_add_decoded(const struct ig_detect *d, struct ig_parse_stats *ps, uint64_t *by_proto,
                           struct ig_drop_reasons *drops);
/* The capture clock reached now_us: detector windows, findings throttling. */
void ig_detect_tick(struct ig_detect *d, uint64_t now_us);
/* End of input: detectors finish (drift: open windows), the totals are kept, the engine is
 * freed (last partial drift window reported), findings flushed (kafka.flush_timeout) and
 * sinks closed. Once; afterwards collect and free only. */
void ig_detect_finish(struct ig_detect *d, uint64_t now_us);
/* Builds a new engine from <rules> and swaps it in, the old one finished (its clients'
 * state is lost; its counters are carried). IG_ECONF with err on failure or after finish;
 * the current engine stays. <rules> must outlive the stage or the next reload. */
int  ig_detect_reload(struct ig_detect *d, const struct ig_rules *rules, char *err, size_t errlen);
/* A findings.suppress list read again: handed to the findings stage (owned by it from now
 * on), which takes it on the thread that emits findings (ig_findings_replace_suppress). */
void ig_detect_replace_suppress(struct ig_detect *d, struct ig_suppressor *s);
/* Every counter into <out>, from the thread that drives the stage; the threaded mode gives
 * the copy its detection thread published at its last tick. */
void ig_detect_collect(const struct ig_detect *d, struct ig_detect_stats *out);
/* Findings emitted so far (progress line): cheap. */
uint64_t ig_detect_findings(const struct ig_detect *d);
/* The summary's line about the run mode, or nothing (inline). */
void ig_detect_summary(const struct ig_detect *d, FILE *out);
/* Stops the detection thread if still running (without finishing) and frees it all. */
void ig_detect_free(struct ig_detect *d);

#endif
