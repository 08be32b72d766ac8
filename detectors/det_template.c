/* det_template.c — the skeleton to copy for a new detector (STYLE.md, "How to add a
 * detector"). It is built and tested (tests/unit/test_det_template.c) but deliberately
 * not in registry.c. What it does, so that every part has a job: it flags a client that
 * sends at least <min_hits> requests with more than <max_rows> rows (oversized batches).
 *
 * Copying it:
 *   1. cp det_template.c det_<name>.c; rename NAME, the tmpl_ prefix and ig_det_template.
 *   2. Put per-client state in struct tmpl_client, per-model state in struct tmpl_model:
 *      fixed size, zeroed by the engine, no pointers you do not free in evict().
 *   3. Describe every param in a table row (name, type, default, range, field, help): the
 *      engine fills the params struct before init() and rejects unknown names and values
 *      out of range; init() checks what spans several params, never per event.
 *   4. Set .wants to the smallest IG_EV_* mask that works.
 *   5. Add X(<name>) to registry.c, add a "<!-- params: <name> -->" section to
 *      rules/schema.md (inferguard rules schema rules/schema.md --write fills its table),
 *      write tests/unit/test_det_<name>.c. */
#include <inferguard/detector.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME "template.big_batch"   /* family.detector: rules key and finding analytic name */

/* Shared, read-only after init: one per engine, reached through call->global. */
struct tmpl_global {
    uint32_t max_rows;
    uint32_t min_hits;
    int severity;
};

/* Its rules block's params: the engine fills this struct from the table below (defaults,
 * then the rules' values, type- and range-checked) and lends it to init() in env->params. */
struct tmpl_params {
    uint32_t max_rows;
    uint32_t min_hits;
};

static const struct ig_param tmpl_params[] = {
    { .name = "max_rows", .type = IG_PT_U32, .offset = offsetof(struct tmpl_params, max_rows),
      .def = 1000, .min = 1, .max = 1e9, .help = "a request with more rows is oversized" },
    { .name = "min_hits", .type = IG_PT_U32, .offset = offsetof(struct tmpl_params, min_hits),
      .def = 3, .min = 1, .max = 1e9, .help = "oversized requests from one client before one finding" },
    { 0 },
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

/* Builds the shared state from the filled params (env->params) and the rules' severity
 * (r may be NULL: defaults). Runs once at start and on reload. */
static int tmpl_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                     char *err, size_t errlen)
{
    const struct tmpl_params *p = env->params;
    struct tmpl_global *g = malloc(sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    g->max_rows = p->max_rows;
    g->min_hits = p->min_hits;
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
    .params = tmpl_params,
    .params_size = sizeof(struct tmpl_params),
};
