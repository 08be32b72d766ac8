/* inferguard: the detector interface. A detector is a small table of functions registered
 * in one list (detectors/registry.c). Detectors think per client and per model: the engine
 * (detectors/engine.c) keeps one client table with a memory budget and LRU eviction and
 * hands each detector its own zeroed slice of the client's entry and of the model's entry.
 * Detectors never allocate per event, never block, never print, and read time only from
 * events and ticks (the capture clock), so a pcap replays to the same findings every time. */
#ifndef INFERGUARD_DETECTOR_H
#define INFERGUARD_DETECTOR_H

#include <inferguard/event.h>
#include <inferguard/finding.h>
#include <inferguard/rules.h>

struct ig_call {                 /* built by the engine for each call */
    const void        *global;   /* from init(); read-only, shared, swapped on reload */
    void              *client;   /* this detector's slice of the client entry, zeroed, engine-owned */
    void              *model;    /* this detector's slice of the per-model entry (baselines, drift) */
    struct ig_scratch *scratch;  /* per worker, reset per event */
    const struct ig_emit *emit;  /* findings out; never blocks */
    uint64_t           client_queries;  /* events seen from this client, this one included */
};

struct ig_detector {
    const char *name;            /* "extraction.prada": rules key and finding analytic name */
    uint32_t    wants;           /* IG_EV_* mask: observe() only sees events having all these bits */
    uint32_t    client_size, model_size;   /* bytes of per-client / per-model slice, may be 0 */
    /* Builds shared read-only state from rules (r may be NULL: defaults). Writes one
     * sentence into err on failure. May leave *global NULL. */
    int  (*init)(const struct ig_rules *r, void **global, char *err, size_t errlen);
    int  (*observe)(const struct ig_call *call, const struct ig_event *ev);
    /* Periodic work on the capture clock (windows, reports); call->client is NULL. May be NULL. */
    int  (*tick)(const struct ig_call *call, uint64_t now_us);
    /* The client leaves the table (LRU or idle): release anything the slice points to. May be NULL. */
    void (*evict)(const struct ig_call *call);
    void (*free)(void *global);  /* may be NULL */
};

/* The only list of detectors, NULL-terminated, in call order (detectors/registry.c). */
extern const struct ig_detector *const ig_detectors[];

#endif
