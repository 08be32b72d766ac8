/* The detect stage's one choice of run mode, and its operations (see detect_stage.h). */
#include "pipeline/detect_impl.h"

#include <stdlib.h>

/* The one place that reads detection.workers: 0 (unset) and 1 run inline; 2 threaded
 * (parsing | detection) with a shared model-side lane (no thread of its own: whichever of
 * the two threads is less busy runs it, detect_thread.c); N >= 3 threaded with N - 2 lanes
 * (the first model-side, the others client lanes: detect_impl.h). *shared: the core gets
 * one lane more than there are lane threads. */
static const struct ig_detect_ops *pick(const struct ig_config *cfg, uint32_t *lanes, bool *shared)
{
    uint32_t w = cfg->detection_workers;
    *lanes = 0;
    *shared = false;
    if (w <= 1)
        return &ig_detect_inline;
    if (w - 2 > IG_DETECT_MAX_LANES)
        return NULL;
    *lanes = w - 2;
    *shared = w == 2;
    return &ig_detect_threaded;
}

static size_t scratch_cap(const struct ig_config *cfg, const struct ig_detect_ops *ops)
{
    /* memory.events: decoding one event (tensors, texts), shared with the copies of events
     * the run mode holds besides (the threaded mode's overflow buffer). Unset: 8 x the
     * request body limit + 64 MiB. */
    if (cfg->events_memcap)
        return (size_t)IG_MAX(cfg->events_memcap / ops->event_copies, 1u << 20);
    return (size_t)cfg->http_request_body_limit * 8 + (64u << 20);
}

size_t ig_detect_scratch_cap(const struct ig_config *cfg)
{
    uint32_t lanes;
    bool shared;
    const struct ig_detect_ops *ops = pick(cfg, &lanes, &shared);
    return scratch_cap(cfg, ops ? ops : &ig_detect_inline);
}

struct ig_detect *ig_detect_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                struct ig_sensor_load *load, struct ig_drop_reasons *drops,
                                char *err, size_t errlen)
{
    uint32_t lanes;
    bool shared;
    const struct ig_detect_ops *ops = pick(cfg, &lanes, &shared);
    if (!ops) {
        snprintf(err, errlen, "detection.workers: 1 to %d", IG_DETECT_MAX_LANES + 2);
        return NULL;
    }
    struct ig_detect *d = ops->alloc(cfg, drops, lanes);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->ops = ops;
    d->cfg = cfg;
    d->lanes = lanes;
    d->scratch_cap = scratch_cap(cfg, ops);
    struct ig_sensor_load *engine_load = ops->engine_load ? ops->engine_load(d, load) : load;
    if (ig_detect_core_init(&d->core, cfg, rules, engine_load, lanes + shared, err, errlen) < 0 ||
        (ops->start && ops->start(d, err, errlen) < 0)) {
        ig_detect_free(d);
        return NULL;
    }
    return d;
}

void ig_detect_observe(struct ig_detect *d, const struct ig_event *ev) { d->ops->observe(d, ev); }
void ig_detect_tick(struct ig_detect *d, uint64_t now_us) { d->ops->tick(d, now_us); }

bool ig_detect_defer_txn(struct ig_detect *d, const struct ig_adapter *ad, const struct ig_http_txn *t,
                         const struct ig_identity_cfg *id, const struct ig_txn_flow *fl)
{
    return d->ops->defer_txn && d->ops->defer_txn(d, ad, t, id, fl);
}

void ig_detect_add_decoded(const struct ig_detect *d, struct ig_parse_stats *ps, uint64_t *by_proto,
                           struct ig_drop_reasons *drops)
{
    if (d->ops->add_decoded)
        d->ops->add_decoded(d, ps, by_proto, drops);
}
void ig_detect_finish(struct ig_detect *d, uint64_t now_us) { d->ops->finish(d, now_us); }

int ig_detect_reload(struct ig_detect *d, const struct ig_rules *rules, char *err, size_t errlen)
{
    return d->ops->reload(d, rules, err, errlen);
}

void ig_detect_replace_suppress(struct ig_detect *d, struct ig_suppressor *s)
{
    ig_findings_replace_suppress(d->core.findings, s);
}

void ig_detect_collect(const struct ig_detect *d, struct ig_detect_stats *out)
{
    d->ops->collect(d, out);
    out->threads = d->ops->threads + d->lanes;
    out->lanes = d->lanes;
}

uint64_t ig_detect_findings(const struct ig_detect *d) { return d->ops->findings(d); }

void ig_detect_summary(const struct ig_detect *d, FILE *out)
{
    if (d->ops->summary)
        d->ops->summary(d, out);
}

void ig_detect_free(struct ig_detect *d)
{
    if (!d)
        return;
    if (d->ops->stop)
        d->ops->stop(d);   /* the detection thread stopped: the core is ours again */
    ig_detect_core_fini(&d->core);
    if (d->ops->release)
        d->ops->release(d);
    free(d);
}
