/* evasion.overload: the sensor says when it is partly blind. Flooding a passive sensor
 * until it drops packets or gives data up is the oldest way past it (Ptacek & Newsham
 * 1998, "denial of service" against the monitor); every cap in inferguard counts what it
 * gives up (include/inferguard/load.h), and this detector turns the counts into a finding:
 * the first tick that sees new losses reports at once, then at most one finding per window
 * carries the counts of that window and the flows or clients last affected. No client and
 * no model: the finding is about the sensor. */
#include <inferguard/detector.h>
#include <inferguard/load.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "evasion.overload"

struct eo_global {
    int sev;
    uint64_t window_us;
    /* Mutable: the engine's one detection thread calls tick, never concurrently. */
    uint64_t base[IG_LOAD__COUNT];   /* totals already reported */
    uint64_t window_start;
    bool started, reported_in_window;
};

/* The rules block's params (rules/schema.md's table is generated from eo_params[]). */
struct eo_cfg {
    uint64_t window_us;
};

static const struct ig_param eo_params[] = {
    { .name = "window", .type = IG_PT_DURATION, .offset = offsetof(struct eo_cfg, window_us), .def = 60e6,
      .help = "at most one finding per window; the first loss of a window is reported at once, the rest at its end (and at the end of input); `0s` = 1s" },
    { 0 },
};

static int eo_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct eo_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    g->sev = ig_rules_severity(r, NAME, IG_SEV_HIGH);
    g->window_us = ((const struct eo_cfg *)env->params)->window_us;
    if (g->window_us == 0)
        g->window_us = 1000000;
    *global = g;
    return IG_OK;
}

static void report(struct eo_global *g, const struct ig_call *call, const uint64_t *delta,
                   uint64_t now_us)
{
    struct ig_finding f;
    char given[256] = "", affected[IG_LOAD_AFFECTED * (IG_LOAD_AFFECTED_LEN + 2)];
    size_t o = 0;
    uint64_t sum = 0;
    for (int k = 0; k < IG_LOAD__COUNT; k++) {
        if (!delta[k])
            continue;
        int w = snprintf(given + o, sizeof given - o, "%s%s=%llu", o ? "," : "",
                         ig_load_kind_name((enum ig_load_kind)k), (unsigned long long)delta[k]);
        if (w > 0 && (size_t)w < sizeof given - o)
            o += (size_t)w;
        sum += delta[k];
    }
    ig_load_affected_list((struct ig_sensor_load *)call->load, affected, sizeof affected);
    ig_finding_init(&f, NAME, NULL);
    f.time_us = now_us;
    f.client_id = "";
    f.title = "Sensor partly blind: data given up under load";
    f.desc = "The sensor dropped packets or gave buffered data up at a memory cap; traffic in that "
             "window was not fully inspected. A flood (connections, pipelined bodies, names, "
             "identities) may be covering an attack.";
    f.remediation = "Raise memory.limit or capture.buffer_size if the load is legitimate; otherwise "
                    "rate-limit the sources named at the gateway.";
    f.severity = (uint8_t)g->sev;
    f.confidence_id = 3;
    f.analytic_type = 1;
    f.atlas[0] = "AML.T0029";
    ig_finding_evidence(&f, "given_up", given);
    if (affected[0])
        ig_finding_evidence(&f, "affected", affected);
    ig_finding_score(&f, "given_up", (double)sum);
    ig_finding_score(&f, "window_s", (double)g->window_us / 1e6);
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        if (delta[k])
            ig_finding_score(&f, ig_load_kind_name((enum ig_load_kind)k), (double)delta[k]);
    ig_emit_finding(call->emit, &f);
}

static int eo_tick(const struct ig_call *call, uint64_t now_us)
{
    struct eo_global *g = (struct eo_global *)call->global;
    if (!call->load)
        return IG_OK;
    uint64_t cur[IG_LOAD__COUNT], delta[IG_LOAD__COUNT];
    bool any = false;
    for (int k = 0; k < IG_LOAD__COUNT; k++) {
        cur[k] = atomic_load(&((struct ig_sensor_load *)call->load)->total[k]);
        delta[k] = cur[k] > g->base[k] ? cur[k] - g->base[k] : 0;
        any |= delta[k] != 0;
    }
    if (!g->started) {
        g->started = true;
        g->window_start = now_us;
    }
    bool window_over = now_us - g->window_start >= g->window_us;
    if (window_over) {
        g->window_start = now_us;
        g->reported_in_window = false;
    }
    /* The first loss of a window is reported at once; later ones wait for the window end. */
    if (any && (!g->reported_in_window || window_over)) {
        report(g, call, delta, now_us);
        memcpy(g->base, cur, sizeof cur);
        g->reported_in_window = true;
    }
    return IG_OK;
}

/* End of input: what was given up since the last finding is reported, window or not. */
static int eo_finish(const struct ig_call *call, uint64_t now_us)
{
    struct eo_global *g = (struct eo_global *)call->global;
    g->reported_in_window = false;
    return eo_tick(call, now_us);
}

const struct ig_detector ig_det_evasion_overload = {
    .name = NAME,
    .wants = 0,
    .init = eo_init,
    .tick = eo_tick,
    .finish = eo_finish,
    .free = free,
    .params = eo_params,
    .params_size = sizeof(struct eo_cfg),
};
