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
};

struct ig_engine;

/* Builds every enabled detector from <rules> (may be NULL). Findings go to <emit>.
 * On error writes one sentence naming the detector into err and returns NULL. */
struct ig_engine *ig_engine_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                const struct ig_emit *emit, char *err, size_t errlen);
void ig_engine_observe(struct ig_engine *e, const struct ig_event *ev);
/* Drives windows on the capture clock; call at least once per second of capture time. */
void ig_engine_tick(struct ig_engine *e, uint64_t now_us);
const struct ig_engine_stats *ig_engine_stats(const struct ig_engine *e);
/* Name of detector <i> in registry order, or NULL past the end / disabled ones skipped. */
const char *ig_engine_detector_name(const struct ig_engine *e, size_t i);
size_t ig_engine_detector_count(const struct ig_engine *e);
void ig_engine_free(struct ig_engine *e);

#endif
