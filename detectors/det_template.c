/* det_template.c — the skeleton to copy for a new detector (STYLE.md, "How to add a
 * detector"). It is built and tested (tests/unit/test_det_template.c) but deliberately
 * not in registry.c. What it does, so that every part has a job: it flags a client that
 * sends at least <min_hits> requests with more than <max_rows> rows (oversized batches).
 *
 * Copying it:
 *   1. cp det_template.c det_<name>.c; rename NAME, the tmpl_ prefix and ig_det_template.
 *   2. Put per-client state in struct tmpl_client, per-model state in struct tmpl_model:
 *      fixed size, zeroed by the engine, no pointers you do not free in evict().
 *   3. Read every param in init() with a default; reject nonsense there, not per event.
 *   4. Set .wants to the smallest IG_EV_* mask that works.
 *   5. Add X(<name>) to registry.c, document params in rules/schema.md, write
 *      tests/unit/test_det_<name>.c. */
#include <inferguard/detector.h>

#include <stdio.h>
#include <stdlib.h>

#define NAME "template.big_batch"   /* family.detector: rules key and finding analytic name */

/* Shared, read-only after init: one per engine, reached through call->global. */
struct tmpl_global {
    uint32_t max_rows;
    uint32_t min_hits;
    int severity;
};

/* This detector's slice of a client entry. */
struct tmpl_client {
    uint32_t hits;                  /* oversized requests so far */
    bool reported;
};

/* This detector's slice of a model entry. */
struct tmpl_model {
    uint64_t events, oversized;     /* since the last tick */
    uint64_t last_tick_us;
};

/* Reads params (r may be NULL: defaults). Runs once at start and on reload. */
static int tmpl_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                     char *err, size_t errlen)
{
    (void)env;
    double max_rows = ig_rules_num(r, NAME, "max_rows", 1000);
    double min_hits = ig_rules_num(r, NAME, "min_hits", 3);
    if (!(max_rows >= 1 && max_rows <= 1e9) || !(min_hits >= 1 && min_hits <= 1e9)) {
        snprintf(err, errlen, "max_rows and min_hits must be between 1 and 1e9");
        return IG_ECONF;
    }
    struct tmpl_global *g = malloc(sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    g->max_rows = (uint32_t)max_rows;
    g->min_hits = (uint32_t)min_hits;
    g->severity = ig_rules_severity(r, NAME, IG_SEV_LOW);
    *global = g;
    return IG_OK;
}

/* Hot path: no malloc, no locks, no logging. Time is ev's capture time. Returns IG_OK,
 * or a negative status that the engine counts (observe_errors) and otherwise ignores. */
static int tmpl_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct tmpl_global *g = call->global;
    struct tmpl_client *c = call->client;
    struct tmpl_model *m = call->model;

    m->events++;
    if (ev->rows <= g->max_rows)
        return IG_OK;
    m->oversized++;
    if (++c->hits < g->min_hits || c->reported)
        return IG_OK;
    c->reported = true;   /* once per client; the findings stage throttles anyway */

    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);     /* who, what, when: from the event */
    f.title = "Oversized inference batches";
    f.desc = "A client keeps sending batches larger than the configured limit.";
    f.remediation = "Cap batch size at the gateway.";
    f.severity = (uint8_t)g->severity;
    f.confidence_id = 2;
    f.analytic_type = 1;               /* a rule, not a statistic */
    f.atlas[0] = "AML.T0040";
    f.queries_seen = call->client_queries;
    ig_finding_score(&f, "rows", ev->rows);
    ig_finding_score(&f, "max_rows", g->max_rows);
    ig_finding_score(&f, "hits", c->hits);
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

/* Capture-clock housekeeping, once per model entry (call->client is NULL). */
static int tmpl_tick(const struct ig_call *call, uint64_t now_us)
{
    struct tmpl_model *m = call->model;
    m->events = m->oversized = 0;
    m->last_tick_us = now_us;
    return IG_OK;
}

/* The client leaves the table. Nothing to release here: the slice holds no pointers.
 * A detector whose slice points at memory it allocated frees it here. */
static void tmpl_evict(const struct ig_call *call)
{
    (void)call;
}

const struct ig_detector ig_det_template = {
    .name = NAME,
    .wants = IG_EV_TENSOR,           /* only events carrying inputs */
    .client_size = sizeof(struct tmpl_client),
    .model_size = sizeof(struct tmpl_model),
    .init = tmpl_init,
    .observe = tmpl_observe,
    .tick = tmpl_tick,
    .evict = tmpl_evict,
    .free = free,
};
