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

/* The stable source (principal group) of the event, as the engine counts it. */
struct ig_source_view {
    const char *id;              /* group id (ig_event.group_id) */
    enum ig_identity_kind kind;
    uint64_t identities;         /* distinct identities seen from it in the window (estimate) */
    uint64_t queries;            /* its events in the same window */
    uint64_t window_us;          /* identity.rotation.window */
    uint64_t deferred;           /* new identities kept out of the client table (rate/cap) */
    bool rotating;               /* identities >= identity.rotation.threshold and at most
                                  * identity.rotation.max_queries_per_identity queries each */
    uint32_t nsample;
    const char *sample[4];       /* the first identities seen in the window, kind-prefixed */
};

/* Which streams a detector observes. AUTO: every client; and, when the detector keeps
 * per-client state (client_size > 0), also the stream of a stable source that carries more
 * than one identity (the principal group), so rotating identities sheds nothing. */
enum ig_det_scope { IG_SCOPE_AUTO = 0, IG_SCOPE_CLIENT, IG_SCOPE_GROUP };
struct ig_sensor_load;

struct ig_call {                 /* built by the engine for each call */
    const void        *global;   /* from init(); read-only, shared, swapped on reload */
    void              *client;   /* this detector's slice of the client entry, zeroed, engine-owned */
    void              *model;    /* this detector's slice of the per-model entry (baselines, drift) */
    struct ig_scratch *scratch;  /* per worker, reset per event */
    const struct ig_emit *emit;  /* findings out; never blocks */
    uint64_t           client_queries;  /* events seen from this client, this one included */
    const struct ig_source_view *source; /* the event's stable source, or NULL (none) */
    bool               group;    /* this call is for the principal group's stream: client is
                                  * the group's slice and the event's client_id the group id */
    uint32_t           client_flags;    /* IG_CLIENT_FLAGGED_* families that raised a finding
                                         * (severity >= low) about this client so far */
    const struct ig_sensor_load *load;  /* tick: what the sensor gave up (load.h), may be NULL */
};

/* Families of client_flags, set by the engine from the analytic name of what a detector
 * emitted while observing that client's event (drift keeps those clients out of its
 * reference and windows). */
#define IG_CLIENT_FLAGGED_EXTRACTION  (1u << 0)
#define IG_CLIENT_FLAGGED_ADVERSARIAL (1u << 1)   /* query-based evasion */
#define IG_CLIENT_FLAGGED_ABUSE       (1u << 2)
#define IG_CLIENT_FLAGGED_LEAKAGE     (1u << 3)
#define IG_CLIENT_FLAGGED_INJECTION   (1u << 4)
#define IG_CLIENT_FLAGGED_OTHER       (1u << 5)

/* One counter a detector keeps about work it refused or skipped (per-client state over
 * its memory budget, rows it cannot read): reported by the stats hook, shown in the run
 * summary and in /metrics (inferguard_detector_counter_total{detector,counter}). Totals
 * since the detector's init; the engine adds those of detectors replaced by reloads. */
struct ig_det_counter {
    const char *name;            /* static, snake_case: "refused", "skipped_wide", ... */
    uint64_t    value;
};
#define IG_DET_MAX_COUNTERS 8

/* What the process lends its detectors, built by the sidecar and handed to init() by the
 * engine (never NULL; a member left NULL means "not available here"). Detectors reach the
 * sidecar only through it: no globals either way. Outlives every engine built with it. */
struct ig_drift_profile;
struct ig_drift_report;
struct ig_pattern_cache;

/* Memory budgets for per-client state (a rules memory_mb): state is allocated lazily, on a
 * client's first usable query, charged to the budget before it exists and uncharged when
 * the client leaves the table, so a flood of clients is refused (counted) instead of
 * growing memory. Lent by the process (one place accounts for every budget); charging is
 * lock-free, workers share a budget. */
struct ig_budget;
struct ig_budget_ops {
    void *ctx;   /* the lender's own (its book of budgets, the client lanes' share), for open */
    /* An empty budget of <cap> bytes for <owner> (the detector's name, a static string);
     * NULL: no memory. The detector opens it with ig_budget_open and closes it in free(). */
    struct ig_budget *(*open)(void *ctx, const char *owner, uint64_t cap);
    void  (*close)(struct ig_budget *b);               /* NULL b: nothing */
    /* Charges <n> bytes if they fit under the cap; false (nothing charged) otherwise. */
    bool  (*charge)(struct ig_budget *b, uint64_t n);
    void  (*uncharge)(struct ig_budget *b, uint64_t n);
    /* Charges <bytes>, then make(ctx) allocates the state (all or nothing). Returns it, or
     * NULL with the charge undone and the refusal counted. Uncharge <bytes> on release. */
    void *(*alloc)(struct ig_budget *b, uint64_t bytes, void *(*make)(const void *ctx),
                   const void *ctx);
    uint64_t (*refused)(const struct ig_budget *b);    /* alloc calls refused so far */
};

static inline struct ig_budget *ig_budget_open(const struct ig_budget_ops *o, const char *owner,
                                               uint64_t cap)
{
    return o->open(o->ctx, owner, cap);
}

struct ig_env {
    /* Loads every drift reference profile of <path>, frozen; the caller frees each
     * (ig_drift_profile_free) and the array (free). IG_EPARSE / IG_EIO + one sentence. */
    int  (*profile_load)(const char *path, struct ig_drift_profile ***out, uint32_t *n,
                         char *err, size_t errlen);
    /* Takes a drift window's report (borrowed for the call), e.g. to write it to disk. */
    void (*report)(void *ctx, const struct ig_drift_report *r);
    void *report_ctx;
    /* Compiled pattern databases (rules.cache_dir) for ig_hsdb_build; NULL: compile. */
    struct ig_pattern_cache *patterns;
    /* Memory budgets; never NULL in init (ig_detector_init lends its own when the env has
     * none). */
    const struct ig_budget_ops *budget;
    /* During init only: the detector's params struct (params_size bytes) as ig_detector_init
     * filled it from the detector's params table and the rules; copy what you keep. NULL
     * when the detector has no table. */
    const void *params;
};

struct ig_detector {
    const char *name;            /* "extraction.prada": rules key and finding analytic name */
    uint32_t    wants;           /* IG_EV_* mask: observe() only sees events having all these bits */
    uint32_t    client_size, model_size;   /* bytes of per-client / per-model slice, may be 0 */
    uint8_t     scope;           /* enum ig_det_scope; 0 = AUTO */
    /* Builds shared read-only state from rules (r may be NULL: defaults) and what env lends
     * (never NULL). Writes one sentence into err on failure. May leave *global NULL. */
    int  (*init)(const struct ig_env *env, const struct ig_rules *r, void **global,
                 char *err, size_t errlen);
    int  (*observe)(const struct ig_call *call, const struct ig_event *ev);
    /* Periodic work on the capture clock (windows, reports); call->client is NULL. May be NULL. */
    int  (*tick)(const struct ig_call *call, uint64_t now_us);
    /* The client leaves the table (LRU or idle): release anything the slice points to. May be NULL. */
    void (*evict)(const struct ig_call *call);
    void (*free)(void *global);  /* may be NULL */
    /* End of input (analyze done, run stopping, rules reload): close open windows and emit
     * what they hold, like a last tick. Called per model as tick, before free. May be NULL. */
    int  (*finish)(const struct ig_call *call, uint64_t now_us);
    /* The engine releases a model entry (call.model set, call.client NULL): the entry is
     * reused for another name (idle, or a never-served name pushed out), freed when idle,
     * or the engine is freed (every entry, before free(global)). Release anything the model
     * slice points to; the slice is zeroed after. The overflow entry pools every name past
     * detection.max_models, so its slice may see several names. May be NULL. */
    void (*model_free)(const struct ig_call *call);
    /* Reads the counters the detector keeps in <global> into out[0..IG_DET_MAX_COUNTERS)
     * and returns how many (the same names in the same order on every call). Called on the
     * thread that owns the engine, between calls. May be NULL. */
    size_t (*stats)(const void *global, struct ig_det_counter *out);
    /* The params of the detector's rules block: one row each (name, type, default, range,
     * field, help), ending with a row whose name is NULL; NULL = none. The engine fills a
     * params_size-byte struct from them (rules/schema.md's tables are generated from them),
     * and an unknown param, a bad value or one out of range is an error naming it. */
    const struct ig_param *params;
    uint32_t    params_size;
};

/* Builds detector <d>: fills its params struct from its table and <r> (defaults where r
 * sets nothing; an unknown param, a bad value or one out of range fails naming its
 * file:line), then calls d->init with env->params pointing at it. The engine builds every
 * detector this way; tests use it too. Returns init's status, or IG_ECONF / IG_ENOMEM with
 * one sentence in err. */
int ig_detector_init(const struct ig_detector *d, const struct ig_env *env, const struct ig_rules *r,
                     void **global, char *err, size_t errlen);

/* The only list of detectors, NULL-terminated, in call order (detectors/registry.c). */
extern const struct ig_detector *const ig_detectors[];

#endif
