/* Inside the detect stage (detect_stage.h): the operations a run mode implements, and the
 * core both run on, which does the detection work on whichever thread calls it. Included by
 * detect_stage.c (the picker), detect_core.c (core and inline mode) and detect_thread.c
 * (threaded mode) only. */
#ifndef IG_PIPELINE_DETECT_IMPL_H
#define IG_PIPELINE_DETECT_IMPL_H

#include "pipeline/detect_stage.h"

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
};

int  ig_detect_core_init(struct ig_detect_core *c, const struct ig_config *cfg,
                         const struct ig_rules *rules, struct ig_sensor_load *load,
                         char *err, size_t errlen);
void ig_detect_core_observe(struct ig_detect_core *c, const struct ig_event *ev);
void ig_detect_core_tick(struct ig_detect_core *c, uint64_t now_us);
void ig_detect_core_finish(struct ig_detect_core *c, uint64_t now_us);
int  ig_detect_core_reload(struct ig_detect_core *c, const struct ig_rules *rules, char *err, size_t errlen);
void ig_detect_core_collect(const struct ig_detect_core *c, struct ig_detect_stats *out);
uint64_t ig_detect_core_findings(const struct ig_detect_core *c);
void ig_detect_core_fini(struct ig_detect_core *c);

/* A run mode. Each implementation embeds struct ig_detect first in its own state. */
struct ig_detect_ops {
    uint32_t threads;                     /* 1, or 2 = parsing | detection */
    uint32_t event_copies;                /* decoded events held at once: scratch (+ overflow) */
    /* Allocates the mode's state with calloc (struct ig_detect first), or NULL. */
    struct ig_detect *(*alloc)(const struct ig_config *cfg, struct ig_drop_reasons *drops);
    /* The load record the engine writes and its detectors read, given the stage's shared
     * one. NULL: the shared one. */
    struct ig_sensor_load *(*engine_load)(struct ig_detect *d, struct ig_sensor_load *shared);
    /* After the core is built: e.g. starts the detection thread. May be NULL. */
    int  (*start)(struct ig_detect *d, char *err, size_t errlen);
    void (*observe)(struct ig_detect *d, const struct ig_event *ev);
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
    const struct ig_config *cfg;
    struct ig_detect_core core;
    size_t scratch_cap;                   /* ig_detect_scratch_cap(cfg) */
};

extern const struct ig_detect_ops ig_detect_inline, ig_detect_threaded;

#endif
