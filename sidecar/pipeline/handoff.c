/* The parse → detect handoff of detection.workers = 2 (see handoff.h). The parser owns the
 * producer side of the ring and the overflow buffer while it is free; the detection thread
 * owns the consumer side, the engine, the findings stage and its sinks. */
#include "pipeline/handoff.h"

#include <inferguard/log.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "findings/findings.h"
#include "pipeline/pipeline_state.h"

enum slot_kind { SLOT_EVENT = 1, SLOT_TICK, SLOT_FINISH, SLOT_STOP, SLOT_RELOAD };

struct slot {
    uint32_t kind;
    uint32_t big;              /* the event's data lives in p->big, not in the arena */
    uint64_t now_us;           /* SLOT_TICK / SLOT_FINISH */
    struct ig_event ev;        /* pointers aimed at the arena (or p->big) */
};

#define ARENA_OFF (((sizeof(struct slot) + 63) / 64) * 64)
#define CHUNK(n) (((size_t)(n) + 15) & ~(size_t)15)   /* ig_event_copy's alignment */

static inline uint8_t *slot_arena(struct slot *s) { return (uint8_t *)s + ARENA_OFF; }

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void publish_findings(struct ig_pipeline *p)
{
    atomic_store_explicit(&p->findings_seen, ig_findings_stats(p->findings)->emitted,
                          memory_order_relaxed);
    /* Every counter, for /metrics: a ~2 KB copy once per tick, never per event. */
    struct ig_pipeline_det_stats st;
    ig_pipeline_det_collect(p, &st);
    pthread_mutex_lock(&p->pub_lock);
    p->pub = st;
    pthread_mutex_unlock(&p->pub_lock);
}

/* The detection thread: the same calls, in the same order, as the one-thread path. */
static void *detect_main(void *arg)
{
    struct ig_pipeline *p = arg;
    for (;;) {
        struct slot *s = ig_ring_peek(&p->ring);
        uint32_t kind = s->kind;
        switch (kind) {
        case SLOT_EVENT:
            ig_engine_observe(p->engine, &s->ev);
            if (s->big)
                atomic_store_explicit(&p->big_busy, 0, memory_order_release);
            break;
        case SLOT_TICK:
            ig_engine_tick(p->engine, s->now_us);
            ig_findings_tick(p->findings, s->now_us);
            publish_findings(p);
            break;
        case SLOT_RELOAD:
            p->reload_rc = ig_pipeline_swap_engine(p, p->reload_rules, p->reload_err,
                                                   sizeof p->reload_err);
            publish_findings(p);
            atomic_store_explicit(&p->reload_done, 1, memory_order_release);
            break;
        case SLOT_FINISH:
            /* Totals over engines replaced by rules reloads too; names are static strings. */
            ig_engine_finish(p->engine, s->now_us);   /* open drift windows: findings too */
            ig_pipeline_engine_totals(p, p->engine, &p->engine_final, p->detector_names, &p->n_detectors);
            ig_pipeline_counter_totals(p, p->engine, &p->counters_final);
            ig_engine_free(p->engine);   /* detectors finish: last partial drift window reported */
            p->engine = NULL;
            ig_findings_close(p->findings, s->now_us, (int)p->cfg->flush_timeout_ms);
            publish_findings(p);
            break;
        default:
            break;
        }
        ig_ring_release(&p->ring);
        if (kind == SLOT_FINISH || kind == SLOT_STOP) {
            p->detect_cpu_s = thread_cpu_s();   /* read by the parser after join */
            return NULL;
        }
    }
}

int ig_handoff_start(struct ig_pipeline *p, char *err, size_t errlen)
{
    const struct ig_config *cfg = p->cfg;
    p->slot_arena = CHUNK(cfg->ring_slot_bytes);
    if (ig_ring_init(&p->ring, cfg->ring_slots, ARENA_OFF + p->slot_arena) < 0) {
        snprintf(err, errlen, "out of memory for the detection ring (detection.ring_slots x ring_slot_bytes)");
        return IG_ENOMEM;
    }
    p->ring_ready = true;
    /* No event can outgrow what its producers are allowed: the adapters' scratch cap plus
     * the three texts, which may point into the request and response bodies. */
    size_t body = IG_MAX(cfg->http_request_body_limit, cfg->http_response_body_limit);
    p->big_max = ig_pipeline_scratch_cap(cfg) + 3 * CHUNK(body + 1) + 64;
    atomic_init(&p->big_busy, 0);
    atomic_init(&p->findings_seen, 0);
    atomic_init(&p->reload_done, 0);
    if (pthread_mutex_init(&p->pub_lock, NULL) != 0) {
        snprintf(err, errlen, "cannot create the detection stats lock");
        return IG_ENOMEM;
    }
    p->pub_lock_ready = true;
    ig_pipeline_det_collect(p, &p->pub);   /* before the thread exists: no lock needed */
    if (pthread_create(&p->det_thread, NULL, detect_main, p) != 0) {
        snprintf(err, errlen, "cannot start the detection thread");
        return IG_ENOMEM;
    }
    p->det_running = true;
    return IG_OK;
}

/* The overflow buffer is in use until the detection thread has observed its event. Rare
 * (events larger than a slot), so a polite poll is enough. */
static void wait_big_free(struct ig_pipeline *p)
{
    if (!atomic_load_explicit(&p->big_busy, memory_order_acquire))
        return;
    p->big_waits++;
    struct timespec ts = { 0, 20000 };
    for (int spins = 0; atomic_load_explicit(&p->big_busy, memory_order_acquire); spins++) {
        if (spins < 64)
            sched_yield();
        else
            nanosleep(&ts, NULL);
    }
}

void ig_handoff_event(struct ig_pipeline *p, const struct ig_event *ev)
{
    size_t need = ig_event_bytes(ev);
    uint8_t *at;
    bool big = need > p->slot_arena;
    if (unlikely(big)) {
        if (need > p->big_max) {
            p->events_too_big++;
            ig_drop_count(&p->drops, "detection: event over the handoff overflow cap (not analysed)");
            return;
        }
        wait_big_free(p);
        if (need > p->big_cap) {
            /* Grows to the largest event seen, at most big_max: amortised, never per event. */
            size_t cap = IG_MAX(need, p->big_cap * 2);
            cap = IG_MIN(cap, p->big_max);
            uint8_t *nb = realloc(p->big, cap);
            if (!nb) {
                p->events_too_big++;
                ig_drop_count(&p->drops, "detection: out of memory for a large event (not analysed)");
                return;
            }
            p->big = nb;
            p->big_cap = cap;
        }
        p->events_big++;
    }
    struct slot *s = ig_ring_claim(&p->ring);
    s->kind = SLOT_EVENT;
    s->big = big;
    s->now_us = 0;
    at = big ? p->big : slot_arena(s);
    if (big)
        atomic_store_explicit(&p->big_busy, 1, memory_order_relaxed);   /* published by the ring */
    ig_event_copy(&s->ev, ev, at);
    ig_ring_publish(&p->ring);
}

static void send_marker(struct ig_pipeline *p, uint32_t kind, uint64_t now_us)
{
    struct slot *s = ig_ring_claim(&p->ring);
    s->kind = kind;
    s->big = 0;
    s->now_us = now_us;
    ig_ring_publish_now(&p->ring);   /* time and the end of input are never held back */
}

void ig_handoff_tick(struct ig_pipeline *p, uint64_t now_us)
{
    send_marker(p, SLOT_TICK, now_us);
}

static void join(struct ig_pipeline *p)
{
    p->parse_cpu_s = thread_cpu_s();
    pthread_join(p->det_thread, NULL);
    p->det_running = false;
    ig_ring_stats(&p->ring, &p->ring_final);
}

void ig_handoff_finish(struct ig_pipeline *p, uint64_t now_us)
{
    if (!p->det_running)
        return;
    send_marker(p, SLOT_FINISH, now_us);
    join(p);
}

void ig_handoff_stop(struct ig_pipeline *p)
{
    if (!p->det_running)
        return;
    send_marker(p, SLOT_STOP, 0);
    join(p);
}

int ig_handoff_reload(struct ig_pipeline *p, const struct ig_rules *rules, char *err, size_t errlen)
{
    p->reload_rules = rules;
    atomic_store_explicit(&p->reload_done, 0, memory_order_relaxed);
    send_marker(p, SLOT_RELOAD, 0);   /* the ring publishes reload_rules with the slot */
    /* Rare and operator-driven: waiting for the events already queued is fine. */
    struct timespec ts = { 0, 1000000 };
    while (!atomic_load_explicit(&p->reload_done, memory_order_acquire))
        nanosleep(&ts, NULL);
    if (p->reload_rc < 0)
        snprintf(err, errlen, "%s", p->reload_err);
    return p->reload_rc;
}

void ig_handoff_free(struct ig_pipeline *p)
{
    if (p->ring_ready)
        ig_ring_free(&p->ring);
    p->ring_ready = false;
    free(p->big);
    p->big = NULL;
    if (p->pub_lock_ready)
        pthread_mutex_destroy(&p->pub_lock);
    p->pub_lock_ready = false;
}

uint64_t ig_handoff_findings(const struct ig_pipeline *p)
{
    return atomic_load_explicit(&p->findings_seen, memory_order_relaxed);
}
