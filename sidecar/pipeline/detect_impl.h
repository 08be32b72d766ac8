/* Inside the detect stage (detect_stage.h): the operations a run mode implements, and the
 * core both run on, which does the detection work on whichever thread calls it. Included by
 * detect_stage.c (the picker), detect_core.c (core and inline mode) and detect_thread.c
 * (threaded mode) only. */
#ifndef IG_PIPELINE_DETECT_IMPL_H
#define IG_PIPELINE_DETECT_IMPL_H

#include "pipeline/detect_stage.h"

#include <pthread.h>

/* Lanes (detection.workers >= 2; with 2 the model-side lane alone, on no thread of its own:
 * detect_thread.c): besides the detection thread (the model lane), which
 * runs every detector not placed elsewhere over every event in capture order and merges the
 * others' findings into the one order a single engine would emit them in, two kinds of
 * lane run detectors in engines of their own:
 *  - a model-side lane (the first lane) runs some detectors with per-model state (the
 *    costly ones without a clock: IG_MODEL_SIDE below) over EVERY event, in capture order,
 *    ticks included: the partition is by detector, not by client, so each of these
 *    detectors sees exactly the calls it sees in one engine;
 *  - client lanes (the others) run the detectors that keep no per-model state and no clock
 *    (detect_core.c: on_model_lane), each lane owning the clients of its stable sources
 *    (principal group, else the client id); with no client lane (3 workers) the model-side
 *    lane runs them.
 * The ownership rule: every detector's state (client slices, model slices, global) is
 * written by one thread only; what crosses threads is an event's findings and the client
 * marks they set, merged by the model lane. */
#define IG_DETECT_MAX_LANES 14

/* A finding a client lane raised, held (one allocation, strings included) until the model
 * lane merges it. */
struct ig_held {
    struct ig_held *next;
    uint32_t key;                 /* (group stream << 8) | the detector's registry position */
    struct ig_finding f;
};

/* One list of held findings in ascending key order from two (a detector runs on one lane
 * only, so the lists share no key; were they to, <a>'s would come first). */
struct ig_held *ig_held_merge(struct ig_held *a, struct ig_held *b);

/* What a client lane's detectors made of one event. */
struct ig_lane_out {
    struct ig_held *found;        /* in emission order (ascending key), or NULL */
    uint32_t cflags, gflags;      /* marks their findings set on the client / group entry */
};

struct ig_detect_lane {
    struct ig_engine *engine;     /* the client-lane detectors; owned by the lane's thread */
    struct ig_emit emit;          /* holds its findings in *out */
    uint8_t pos[IG_ENGINE_MAX_DETECTORS];   /* engine index -> registry position */
    struct ig_lane_out *out;      /* the event being observed */
    struct ig_held **tail;
    /* The lane's counters as of its last tick (collect reads these from another thread). */
    pthread_mutex_t lock;
    bool lock_ready;
    struct ig_engine_stats st;
    const char *names[IG_ENGINE_MAX_DETECTORS];
    size_t n;
    struct ig_det_counters counters;
};

/* The detection work proper, single-threaded: whoever owns it calls it. */
struct ig_detect_core {
    const struct ig_config *cfg;
    struct ig_engine *engine;             /* NULL after finish */
    struct ig_findings *findings;
    struct ig_sensor_load *load;
    struct ig_env env;                    /* what detectors are lent (engine init, reloads) */
    struct ig_drift_writer *drift_writer; /* drift.reports_dir, or NULL */
    /* What engines replaced by reloads counted, by detector name, so totals never go back. */
    struct ig_engine_stats carry;
    const char *carry_names[IG_ENGINE_MAX_DETECTORS];
    size_t n_carry;
    struct ig_det_counters carry_counters;
    uint64_t engine_swaps, reload_clients_dropped;
    struct ig_detect_stats final;         /* every counter, kept at finish */
    bool finished;
    /* Lanes (0: one engine runs every detector): lanes[0, nmlanes) model-side, the rest
     * client lanes (nclanes). */
    uint32_t nlanes, nmlanes, nclanes;
    struct ig_detect_lane lanes[IG_DETECT_MAX_LANES];
    uint8_t mpos[IG_ENGINE_MAX_DETECTORS];  /* the model lane's engine index -> registry position */
    /* For the summary: the model-side lane's model-scoped detectors, and how many per-client
     * ones it runs besides (without client lanes). */
    const char *side[IG_ENGINE_MAX_DETECTORS];
    size_t nside, nside_client;
    const char *order[IG_ENGINE_MAX_DETECTORS];   /* enabled detectors in registry order */
    size_t norder;
    struct ig_held *pending;              /* the event's client-lane findings not merged yet */
    struct ig_emit merge;                 /* the model lane's emit: merges <pending> in */
    struct ig_budget_book book;           /* lends env.budget: every detector budget, listed */
    struct ig_budget_ops lane_budget;     /* the book's budgets, memory_mb split over the lanes */
    struct ig_env lane_env;               /* what the lanes' detectors are lent */
    uint64_t held_lost;                   /* client-lane findings lost (out of memory) */
};

/* <lanes> client lanes (0: none, one engine). */
int  ig_detect_core_init(struct ig_detect_core *c, const struct ig_config *cfg,
                         const struct ig_rules *rules, struct ig_sensor_load *load,
                         uint32_t lanes, char *err, size_t errlen);
void ig_detect_core_observe(struct ig_detect_core *c, const struct ig_event *ev);
/* With client lanes: the lane that owns <ev>'s client (any thread; the core is not written);
 * UINT32_MAX without client lanes. */
uint32_t ig_detect_core_lane_of(const struct ig_detect_core *c, const struct ig_event *ev);
/* On lane <k>'s thread: its detectors observe <ev>; what they found into *out. */
void ig_detect_core_observe_lane(struct ig_detect_core *c, uint32_t k, const struct ig_event *ev,
                                 struct ig_lane_out *out);
/* On model-side lane <k>'s thread: the capture clock reached now_us (its model table). */
void ig_detect_core_tick_lane(struct ig_detect_core *c, uint32_t k, uint64_t now_us);
/* On the model lane's thread, in capture order: the model lane's detectors observe <ev>,
 * the findings of in[0, n) (the event's model-side lanes' and client lane's) merged in
 * registry order (and freed). */
void ig_detect_core_observe_merged(struct ig_detect_core *c, const struct ig_event *ev,
                                   struct ig_lane_out *in, uint32_t n);
/* On lane <k>'s thread, once the model lane is done with its engine (after finish or a
 * stop): frees it there, so that what detectors keep per thread goes with it. */
void ig_detect_core_lane_free(struct ig_detect_core *c, uint32_t k);
/* On lane <k>'s thread (or while it is parked): its counters for collect. */
void ig_detect_core_lane_publish(struct ig_detect_core *c, uint32_t k);
void ig_detect_core_tick(struct ig_detect_core *c, uint64_t now_us);
void ig_detect_core_finish(struct ig_detect_core *c, uint64_t now_us);
int  ig_detect_core_reload(struct ig_detect_core *c, const struct ig_rules *rules, char *err, size_t errlen);
void ig_detect_core_collect(const struct ig_detect_core *c, struct ig_detect_stats *out);
uint64_t ig_detect_core_findings(const struct ig_detect_core *c);
void ig_detect_core_fini(struct ig_detect_core *c);

/* A run mode. Each implementation embeds struct ig_detect first in its own state. */
struct ig_detect_ops {
    uint32_t threads;                     /* 1, or 2 = parsing | detection (+ client lanes) */
    uint32_t event_copies;                /* decoded events held at once: scratch (+ overflow) */
    /* Allocates the mode's state with calloc (struct ig_detect first), or NULL. */
    struct ig_detect *(*alloc)(const struct ig_config *cfg, struct ig_drop_reasons *drops, uint32_t lanes);
    /* The load record the engine writes and its detectors read, given the stage's shared
     * one. NULL: the shared one. */
    struct ig_sensor_load *(*engine_load)(struct ig_detect *d, struct ig_sensor_load *shared);
    /* After the core is built: e.g. starts the detection thread. May be NULL. */
    int  (*start)(struct ig_detect *d, char *err, size_t errlen);
    void (*observe)(struct ig_detect *d, const struct ig_event *ev);
    /* ig_detect_defer_txn / ig_detect_add_decoded; may be NULL (never deferred). */
    bool (*defer_txn)(struct ig_detect *d, const struct ig_adapter *ad, const struct ig_http_txn *t,
                      const struct ig_identity_cfg *id, const struct ig_txn_flow *fl);
    void (*add_decoded)(const struct ig_detect *d, struct ig_parse_stats *ps, uint64_t *by_proto,
                        struct ig_drop_reasons *drops);
    void (*tick)(struct ig_detect *d, uint64_t now_us);
    void (*finish)(struct ig_detect *d, uint64_t now_us);
    int  (*reload)(struct ig_detect *d, const struct ig_rules *rules, char *err, size_t errlen);
    void (*collect)(const struct ig_detect *d, struct ig_detect_stats *out);
    uint64_t (*findings)(const struct ig_detect *d);
    void (*summary)(const struct ig_detect *d, FILE *out);   /* may be NULL */
    /* Stops what start started (the core is the caller's again). May be NULL. */
    void (*stop)(struct ig_detect *d);
    /* After the core is freed: releases what the mode holds besides the allocation itself.
     * May be NULL. */
    void (*release)(struct ig_detect *d);
};

struct ig_detect {
    const struct ig_detect_ops *ops;
    uint32_t lanes;                       /* client lanes (pick()) */
    const struct ig_config *cfg;
    struct ig_detect_core core;
    size_t scratch_cap;                   /* ig_detect_scratch_cap(cfg) */
};

extern const struct ig_detect_ops ig_detect_inline, ig_detect_threaded;

#endif
