/* abuse.volume: LLM cost and availability abuse per client, on the capture clock.
 *   tokens    - prompt + completion tokens over a sliding window (usage fields, else text
 *               bytes / chars_per_token) above max_tokens: cost harvesting (AML.T0034.000),
 *               denial of AI service (AML.T0029) from 5x;
 *   errors    - more than max_errors 4xx responses in the window: probing the API
 *               (AML.T0040, AML.T0034);
 *   oversized - one prompt above max_prompt_bytes or max_prompt_tokens: resource-intensive
 *               queries (AML.T0034.001, AML.T0029).
 * Each kind is reported once per window per client (the findings stage throttles too).
 * Request floods are abuse.rate's job.
 *
 * Memory: the client slice holds one pointer. The windows (~0.3 KiB) are allocated at the
 * client's first 4xx or first event with text or token counts, charged to memory_mb and
 * freed in evict: a tensor client that never errs (most of a million idle ones) carries
 * none. A client the budget refuses is not counted (refused); oversized prompts are still
 * reported. */
#include <inferguard/detector.h>

#include "kernels/blkpool.h"
#include "stats/window.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define NAME "abuse.volume"

enum { K_TOKENS, K_ERRORS, K_OVERSIZE, K__N };

struct av_global {
    uint64_t window_us, width_us;
    uint64_t max_tokens, max_errors, max_bytes, max_ptokens;
    double chars_per_token;
    double memory_mb;
    int sev;
    const struct ig_budget_ops *mem_ops;   /* lent by the env */
    struct ig_budget *mem;    /* memory_mb: the clients' windows */
};

/* The rules block's params fill the first fields of av_global (rules/schema.md's table is
 * generated from av_params[]). */
#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct av_global, f), __VA_ARGS__ }
static const struct ig_param av_params[] = {
    ROW("window", IG_PT_DURATION, window_us, .def = 60e6, .min = 1e3, .max = 86400e6,
        .help = "sliding window"),
    ROW("max_tokens", IG_PT_U64, max_tokens, .def = 200000, .min = 1, .max = 1e12,
        .help = "tokens per window → \"LLM token budget exceeded\", AML.T0034.000 (+ AML.T0029 and severity ≥ high at 5×)"),
    ROW("max_errors", IG_PT_U64, max_errors, .def = 20, .min = 1, .max = 1e9,
        .help = "4xx responses per window → \"Burst of client errors (API probing)\", AML.T0040, AML.T0034"),
    ROW("max_prompt_bytes", IG_PT_U64, max_bytes, .def = 65536, .min = 1, .max = 1e12,
        .help = "one prompt (+ system prompt) larger → \"Oversized LLM input\", AML.T0034.001, AML.T0029"),
    ROW("max_prompt_tokens", IG_PT_U64, max_ptokens, .def = 16384, .min = 1, .max = 1e12,
        .help = "or more prompt tokens (usage)"),
    ROW("chars_per_token", IG_PT_DOUBLE, chars_per_token, .def = 4, .min = 1, .max = 16,
        .help = "estimate when usage is absent"),
    ROW("memory_mb", IG_PT_DOUBLE, memory_mb, .def = 128, .min = 1, .max = INFINITY,
        .help = "budget for all clients' windows (~0.3 KiB each, only for clients with text, tokens or a 4xx: ~400k clients)"),
    { 0 },
};
#undef ROW

struct av_state {
    struct ig_wcount tokens, errors;
    uint64_t last_report[K__N];    /* capture time of the last finding per kind, 0 = never */
};

struct av_client {
    struct av_state *st;           /* NULL until the client's first 4xx, text or tokens */
};

static int av_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct av_global *g = malloc(sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    *g = *(const struct av_global *)env->params;
    g->width_us = ig_wcount_width(g->window_us);
    g->sev = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    g->mem_ops = env->budget;
    if (!(g->mem = ig_budget_open(g->mem_ops, NAME, (uint64_t)(g->memory_mb * 1048576.0)))) {
        free(g);
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    *global = g;
    return IG_OK;
}

static void av_free(void *global)
{
    struct av_global *g = global;
    if (g)
        g->mem_ops->close(g->mem);
    free(g);
}

static size_t av_stats(const void *global, struct ig_det_counter *out)
{
    const struct av_global *g = global;
    /* refused: clients whose windows memory_mb had no room for (tokens and errors not
     * counted for them) */
    out[0] = (struct ig_det_counter){ "refused", g->mem_ops->refused(g->mem) };
    return 1;
}

static void *state_make(const void *ctx)
{
    (void)ctx;
    return ig_blk_calloc(sizeof(struct av_state));   /* the block pool: no heap call per new client */
}

/* The client's windows, allocated on first use; NULL when the budget refuses. */
static struct av_state *state_of(const struct av_global *g, struct av_client *c)
{
    if (!c->st)
        c->st = g->mem_ops->alloc(g->mem, sizeof(struct av_state), state_make, NULL);
    return c->st;
}

static void av_evict(const struct ig_call *call)
{
    const struct av_global *g = call->global;
    struct av_client *c = call->client;
    if (c->st) {
        g->mem_ops->uncharge(g->mem, sizeof(struct av_state));
        ig_blk_free(c->st);
        c->st = NULL;
    }
}

static uint64_t estimate(const struct av_global *g, size_t bytes)
{
    return (uint64_t)((double)bytes / g->chars_per_token + 0.999);
}

static void report(const struct ig_call *call, const struct ig_event *ev, int kind,
                   double value, double limit, int sev)
{
    static const char *const titles[K__N] = { "LLM token budget exceeded",
        "Burst of client errors (API probing)", "Oversized LLM input" };
    static const char *const keys[K__N] = { "tokens", "errors", "prompt_size" };
    const struct av_global *g = call->global;
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = titles[kind];
    f.desc = kind == K_TOKENS ? "A client used more tokens in the window than its budget."
           : kind == K_ERRORS ? "A client drew many 4xx responses in a short window."
                              : "A single prompt far larger than the configured limit.";
    f.remediation = "Enforce per-key token budgets, request size limits and rate limits at the gateway.";
    f.severity = (uint8_t)sev;
    f.confidence_id = 3;
    f.analytic_type = 3;
    f.queries_seen = call->client_queries;
    if (kind == K_TOKENS) {
        f.atlas[0] = "AML.T0034.000";
        if (value >= 5 * limit)
            f.atlas[1] = "AML.T0029";
    } else if (kind == K_ERRORS) {
        f.atlas[0] = "AML.T0040";
        f.atlas[1] = "AML.T0034";
    } else {
        f.atlas[0] = "AML.T0034.001";
        f.atlas[1] = "AML.T0029";
    }
    ig_finding_score(&f, keys[kind], value);
    ig_finding_score(&f, "limit", limit);
    ig_finding_score(&f, "ratio", value / limit);
    ig_finding_score(&f, "window_s", (double)g->window_us / 1e6);
    ig_emit_finding(call->emit, &f);
}

/* <c> NULL (refused): always due, the findings stage throttles. */
static bool due(struct av_state *c, int kind, uint64_t now, uint64_t window)
{
    if (!c)
        return true;
    if (c->last_report[kind] && now < c->last_report[kind] + window)
        return false;
    c->last_report[kind] = now ? now : 1;
    return true;
}

static int av_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct av_global *g = call->global;
    uint64_t t = ev->resp_time_us ? ev->resp_time_us : ev->req_time_us;
    bool text = ev->flags & IG_EV_TEXT;
    bool err = ev->status >= 400 && ev->status < 500;
    if (!err && !text && !ev->prompt_tokens && !ev->completion_tokens)
        return IG_OK;
    struct av_state *c = state_of(g, call->client);

    if (err && c) {
        ig_wcount_add(&c->errors, g->width_us, t, 1);
        uint64_t n = ig_wcount_sum(&c->errors, g->width_us, t);
        if (n > g->max_errors && due(c, K_ERRORS, t, g->window_us))
            report(call, ev, K_ERRORS, (double)n, (double)g->max_errors, g->sev);
    }
    if (!text && !ev->prompt_tokens && !ev->completion_tokens)
        return IG_OK;
    uint64_t pt = ev->prompt_tokens ? ev->prompt_tokens : estimate(g, ev->prompt.n + ev->system_prompt.n);
    uint64_t ct = ev->completion_tokens ? ev->completion_tokens : estimate(g, ev->completion.n);
    uint64_t sum = 0;
    if (c) {
        ig_wcount_add(&c->tokens, g->width_us, t, pt + ct);
        sum = ig_wcount_sum(&c->tokens, g->width_us, t);
    }
    if (sum > g->max_tokens && due(c, K_TOKENS, t, g->window_us)) {
        double ratio = (double)sum / (double)g->max_tokens;
        int sev = ratio >= 5 ? IG_MAX(g->sev, IG_SEV_HIGH) : g->sev;
        report(call, ev, K_TOKENS, (double)sum, (double)g->max_tokens, sev);
    }
    uint64_t bytes = ev->prompt.n + ev->system_prompt.n;
    if (bytes > g->max_bytes && due(c, K_OVERSIZE, t, g->window_us))
        report(call, ev, K_OVERSIZE, (double)bytes, (double)g->max_bytes, g->sev);
    else if (ev->prompt_tokens > g->max_ptokens && due(c, K_OVERSIZE, t, g->window_us))
        report(call, ev, K_OVERSIZE, (double)ev->prompt_tokens, (double)g->max_ptokens, g->sev);
    return IG_OK;
}

const struct ig_detector ig_det_abuse_volume = {
    .name = NAME,
    .wants = 0,                     /* every event: errors arrive without text */
    .client_size = sizeof(struct av_client),
    .init = av_init,
    .observe = av_observe,
    .evict = av_evict,
    .free = av_free,
    .stats = av_stats,
    .params = av_params,
    .params_size = sizeof(struct av_global),
};
