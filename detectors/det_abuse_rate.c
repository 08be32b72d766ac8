/* abuse.rate: per-client request rate over a sliding window on the capture clock.
 * One finding when a client first goes over max_requests in a window, and again only if
 * it climbs to a higher level (2x, heavy_factor x, 10x the limit) or a window later while
 * still over; the findings stage throttles anything beyond. Params: rules/schema.md. */
#include <inferguard/detector.h>

#include "stats/window.h"

#include <stdio.h>
#include <stdlib.h>

#define NAME "abuse.rate"

struct rate_global {
    uint64_t window_us, width_us;
    uint64_t max_requests;
    double heavy_factor;              /* at this multiple: cost harvesting / denial of service */
    int severity;                     /* at the limit; each level above adds one */
};

struct rate_client {
    struct ig_wcount w;
    uint64_t last_fire_us;
    uint32_t level;                   /* highest level reported in this episode */
};

static int rate_init(const struct ig_rules *r, void **global, char *err, size_t errlen)
{
    struct rate_global g = {
        .window_us = ig_rules_duration_us(r, NAME, "window", 10000000),
        .heavy_factor = ig_rules_num(r, NAME, "heavy_factor", 5),
        .severity = ig_rules_severity(r, NAME, IG_SEV_LOW),
    };
    double max = ig_rules_num(r, NAME, "max_requests", 100);
    if (g.window_us < 1000 || g.window_us > 86400000000ull) {
        snprintf(err, errlen, "window must be between 1ms and 24h");
        return IG_ECONF;
    }
    if (!(max >= 1 && max <= 1e12) || max != (double)(uint64_t)max) {
        snprintf(err, errlen, "max_requests must be a whole number >= 1");
        return IG_ECONF;
    }
    if (!(g.heavy_factor >= 1 && g.heavy_factor <= 1e6)) {
        snprintf(err, errlen, "heavy_factor must be between 1 and 1e6");
        return IG_ECONF;
    }
    g.max_requests = (uint64_t)max;
    g.width_us = ig_wcount_width(g.window_us);
    struct rate_global *p = malloc(sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    *p = g;
    *global = p;
    return IG_OK;
}

/* 0 under the limit, 1 over it, 2 at 2x, 3 at heavy_factor x, 4 at 10x. */
static uint32_t level_of(const struct rate_global *g, uint64_t n)
{
    if (n <= g->max_requests)
        return 0;
    double ratio = (double)n / (double)g->max_requests;
    uint32_t lvl = 1;
    if (ratio >= 2)
        lvl = 2;
    if (ratio >= g->heavy_factor && ratio >= 2)
        lvl = 3;
    if (ratio >= 10 && lvl == 3)
        lvl = 4;
    return lvl;
}

static int rate_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct rate_global *g = call->global;
    struct rate_client *c = call->client;
    uint64_t t = ev->req_time_us ? ev->req_time_us : ev->resp_time_us;

    ig_wcount_add(&c->w, g->width_us, t, 1);
    uint64_t n = c->w.total;
    if (c->level && t >= c->last_fire_us + g->window_us)
        c->level = 0;   /* a window has passed: report afresh if still over */
    uint32_t lvl = level_of(g, n);
    if (lvl <= c->level)
        return IG_OK;
    c->level = lvl;
    c->last_fire_us = t;

    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = "Client request rate over limit";
    f.desc = lvl >= 3 ? "A client is sending requests far above its limit: cost harvesting or denial of ML service."
                      : "A client is sending more requests per window than its limit allows.";
    f.remediation = "Enforce per-client quotas and rate limits at the gateway (AML.M0004).";
    int sev = g->severity + (int)lvl - 1;
    f.severity = (uint8_t)IG_MIN(sev, (int)IG_SEV_CRITICAL);
    f.confidence_id = 3;
    f.analytic_type = 1;
    f.atlas[0] = "AML.T0040";
    if (lvl >= 3) {
        f.atlas[1] = "AML.T0034";
        f.atlas[2] = "AML.T0029";
    }
    f.queries_seen = call->client_queries;
    double window_s = (double)g->window_us / 1e6;
    ig_finding_score(&f, "rate", (double)n / window_s);
    ig_finding_score(&f, "requests", (double)n);
    ig_finding_score(&f, "threshold", (double)g->max_requests);
    ig_finding_score(&f, "window_s", window_s);
    ig_finding_score(&f, "ratio", (double)n / (double)g->max_requests);
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_abuse_rate = {
    .name = NAME,
    .wants = 0,                      /* every request counts, malformed and failed ones too */
    .client_size = sizeof(struct rate_client),
    .init = rate_init,
    .observe = rate_observe,
    .free = free,
};
