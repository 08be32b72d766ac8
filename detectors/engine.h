/* The detector engine: one client table (memory budget, LRU eviction, counted), one model
 * table, and the registry's detectors called in order for each event. Single-threaded: a
 * detection worker owns one engine (clients are sharded by identity across workers). */
#ifndef IG_ENGINE_H
#define IG_ENGINE_H

#include <inferguard/detector.h>
#include <inferguard/config.h>

struct ig_engine_stats {
    uint64_t events, clients_active, clients_created, clients_evicted, models_active;
    uint64_t bytes_per_client, memory_used, memory_cap;
    uint64_t findings[64];           /* per detector, registry order */
    uint64_t observe_errors[64];
    uint64_t clients_cap;            /* effective: min(detection.max_clients, what memcap allows) */
    uint64_t models_overflow;        /* events of models beyond the model table, pooled */
    uint64_t models_memory;          /* bytes of per-model entries (not in memory_used) */
    uint64_t scratch_overflows;      /* scratch allocations refused (detectors saw NULL) */
    uint64_t sources_active, sources_evicted, sources_memory;   /* stable sources tracked */
    uint64_t clients_deferred;       /* new identities kept out of the table (per-source rate/cap) */
    uint64_t group_events, group_findings;   /* events / findings on principal groups' streams */
    uint64_t models_evicted;         /* model entries reused: idle, or never-served names pushed out */
};

#define IG_ENGINE_MAX_DETECTORS 64
#define IG_ENGINE_MAX_MODELS 1024

struct ig_engine;

/* Builds every enabled detector from <rules> (may be NULL) and <env> (what the process
 * lends detectors, handed to each init(); NULL: nothing). Findings go to <emit>.
 * On error writes one sentence naming the detector into err and returns NULL. */
struct ig_engine *ig_engine_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                const struct ig_env *env, const struct ig_emit *emit,
                                char *err, size_t errlen);
/* The same with an explicit NULL-terminated detector list instead of ig_detectors[]
 * (tests, the template detector). */
struct ig_engine *ig_engine_new_with(const struct ig_config *cfg, const struct ig_rules *rules,
                                     const struct ig_env *env, const struct ig_emit *emit,
                                     const struct ig_detector *const *list,
                                     char *err, size_t errlen);
/* Finds or creates the client (id_kind, client_id) — evicting the least recently used one
 * when the table is full — and the model entry, then calls observe() of every enabled
 * detector whose wants bits are all in ev->flags (IG_EV_ANY or 0: every event).
 * Models beyond IG_ENGINE_MAX_MODELS share one overflow entry (counted), so traffic naming
 * random models can neither grow memory nor flush real models' baselines. */
void ig_engine_observe(struct ig_engine *e, const struct ig_event *ev);
/* The same, for an engine running some of the detectors (a lane of the detect stage):
 * <cflags> / <gflags> are the IG_CLIENT_FLAGGED_* marks the other detectors' findings on
 * this event set on the client's / the principal group's entry (ig_engine_finding_flag),
 * merged into this engine's entries before the client's / the group's detectors run. */
void ig_engine_observe_flagged(struct ig_engine *e, const struct ig_event *ev, uint32_t cflags,
                               uint32_t gflags);
/* The IG_CLIENT_FLAGGED_* family a finding marks its client with (0: none): severity >= low,
 * about a client, not drift. The engine's own rule, for findings raised by another lane. */
uint32_t ig_engine_finding_flag(const struct ig_finding *f);
/* While a finding is being forwarded to the engine's emit: the index (as for
 * ig_engine_detector_name) of the detector that raised it; -1 otherwise. */
int ig_engine_emitting(const struct ig_engine *e);
/* Marks a client already in the table as flagged by <analytic> (a finding raised about it
 * elsewhere: another aggregator member, a pod), as the engine does for its own detectors'
 * findings (severity >= low, not drift.*), so that drift keeps its rows out. Whatever its
 * identity kind; a client not in the table is left alone. */
void ig_engine_flag_client(struct ig_engine *e, const char *client_id, const char *analytic,
                           uint8_t severity);
/* The flags a client in the table carries (0: none, or not in the table), any identity kind. */
uint32_t ig_engine_client_flags(struct ig_engine *e, const char *client_id);
/* Drives windows on the capture clock; call at least once per second of capture time.
 * A detector with model_size > 0 gets one tick per model entry (call.model set, in order
 * of first appearance); others get one tick with call.model NULL. call.client is NULL. */
void ig_engine_tick(struct ig_engine *e, uint64_t now_us);
/* End of input: every detector's finish() (open windows evaluated, their findings emitted)
 * in tick order. Once; later calls do nothing. Call before reading totals and freeing. */
void ig_engine_finish(struct ig_engine *e, uint64_t now_us);
/* Where the engine publishes clients evicted and model pressure, and what its detectors'
 * ticks read (evasion.overload). May be NULL; not owned. */
struct ig_sensor_load;
void ig_engine_set_load(struct ig_engine *e, struct ig_sensor_load *load);
const struct ig_engine_stats *ig_engine_stats(const struct ig_engine *e);
/* Name of detector <i> in registry order, or NULL past the end / disabled ones skipped. */
const char *ig_engine_detector_name(const struct ig_engine *e, size_t i);
size_t ig_engine_detector_count(const struct ig_engine *e);
/* Detector <i>'s own counters (its stats hook) into out[0..IG_DET_MAX_COUNTERS); returns
 * how many (0: none, or no such detector). */
size_t ig_engine_detector_counters(const struct ig_engine *e, size_t i, struct ig_det_counter *out);
/* Calls every detector's evict for each client still in the table, then frees it all. */
void ig_engine_free(struct ig_engine *e);

#endif
