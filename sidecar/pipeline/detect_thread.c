/* The threaded run mode of the detect stage (detection.workers = 2): the parsing side stays
 * on the calling thread; the detect core (engine, findings, sinks, drift reports) runs on one
 * detection thread, fed through a bounded SPSC ring. Each event is copied into its slot
 * (ig_event_copy: struct + tensors + labels + texts in the slot's arena); ticks, reloads and
 * the end of input travel through the same ring as markers, so the core sees exactly the
 * call sequence of the inline mode and writes byte-identical findings. What the parsing
 * side gave up under load (evasion.overload reads it at ticks) travels with each tick, so
 * the detectors see the totals of that moment, not the parser's later ones. The parsing thread
 * owns the producer side of the ring and the overflow buffer while it is free; the
 * detection thread owns the consumer side and the core.
 * With lanes (detection.workers >= 3), each lane's thread reads the same ring ahead of the
 * detection thread (the model lane) with its own engine: the model-side lane observes every
 * event and tick, a client lane the events of its clients; each leaves what it found in the
 * slot. The model lane takes an event only once its lanes have passed it, and releases a
 * slot only once every lane has. At a reload, the
 * end of input or a stop, each lane parks at the marker until the model lane has swapped or
 * freed the lanes' engines.
 * With two workers the model-side lane has no thread of its own: it is shared. Its engine
 * passes the ring's slots in order, one at a time under a lock, on whichever thread gets
 * there: the parsing thread takes it up while the detection thread is far behind (the
 * ring more than half full, until it is down to a quarter), else the detection thread runs
 * it on each slot before its own detectors. The lane's detectors see the same calls in the
 * same order whoever runs them, so findings stay byte-identical; only the CPU moves to the
 * thread with time to spare (issue #20: detection was the bottleneck of two threads on
 * tensor traffic, parsing on LLM traffic). */
#include "pipeline/detect_impl.h"

#include <inferguard/log.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <inferguard/load.h>

#include "adapters/ad_common.h"
#include "core/ring.h"
#include "pipeline/handover.h"
#include "pipeline/txn_event.h"

enum slot_kind { SLOT_EVENT = 1, SLOT_TICK, SLOT_FINISH, SLOT_STOP, SLOT_RELOAD, SLOT_TXN };

struct slot {
    uint32_t kind;
    uint32_t big;              /* the event's data lives in t->big, not in the arena */
    uint32_t bytes;            /* of the arena in use (0: none, or the data is in t->big) */
    uint64_t now_us;           /* SLOT_TICK / SLOT_FINISH */
    uint32_t lane;             /* SLOT_EVENT with client lanes: the lane owning its client */
    /* What the lanes' detectors found: [0] the model-side lane's, [1] the client lane's
     * (each written by its lane). */
    struct ig_lane_out out[2];
    struct ig_event ev;        /* pointers aimed at the arena (or t->big) */
    /* SLOT_TXN: a transaction whose decoding the parsing thread handed over (its strings and
     * bodies in the arena); the detection thread builds <ev> from it, then treats the slot as
     * an event. The shared lane's parsing-thread runs stop at such a slot. */
    const struct ig_adapter *ad;
    uint32_t flow_evasion;
    bool has_note, midstream;
    char flow_note[IG_EVASION_NOTE_MAX];
    struct ig_http_txn txn;
};

#define ARENA_OFF (((sizeof(struct slot) + 63) / 64) * 64)
/* Bytes of a slot the detection thread prefetches ahead (its arena beyond is read cold). */
#define PREFETCH_MAX (16u << 10)

/* A tick's copy of the shared load record (in the slot's arena): the totals, and the
 * affected flows the parsing side added since the previous tick (the newest that fit). */
struct load_carry {
    uint64_t total[IG_LOAD__COUNT];
    uint64_t added;                    /* entries added since the previous tick */
    uint32_t n;                        /* of which the newest n are here */
    char affected[IG_LOAD_AFFECTED][IG_LOAD_AFFECTED_LEN];
};
_Static_assert(sizeof(struct load_carry) <= 4096, "a tick's load must fit the smallest slot arena "
                                                  "(detection.ring_slot_bytes >= 4 KiB)");
#define CHUNK(n) (((size_t)(n) + 15) & ~(size_t)15)   /* ig_event_copy's alignment */

struct threaded;

/* One client lane's thread and how far it has read the ring. */
struct lane {
    _Alignas(64) _Atomic uint64_t pos;   /* slots passed */
    _Atomic uint64_t parked;           /* marker slot + 1 it waits at */
    struct threaded *t;
    uint32_t k;
    pthread_t thread;
    bool running;
    double cpu_s;
};

struct threaded {
    struct ig_detect d;                /* first: the stage's view */
    uint32_t nlanes;                   /* lane threads */
    struct lane lane[IG_DETECT_MAX_LANES];
    /* The shared model-side lane (2 workers: the core's lane 0 without a thread). What each
     * thread writes per event sits on cache lines of its own (the _Alignas below), so that
     * one thread's counter does not take the line the other's is on. */
    bool share;
    _Alignas(64) _Atomic uint64_t s_pos;   /* slots its engine has passed */
    pthread_mutex_t s_lock;            /* held while its engine runs (either thread) */
    bool s_lock_ready;
    /* The parsing thread's. */
    _Alignas(64) char help;            /* detection.model_side: a(uto), p(arsing), d(etection) */
    bool helping;                      /* parsing thread: it takes the lane up */
    uint32_t help_hi, help_lo;         /* queued slots where it starts / stops */
    uint32_t cpu_every;                /* parser_help calls until the next look at the clocks */
    clockid_t det_clock;               /* the detection thread's CPU clock */
    bool det_clock_ok;
    uint64_t s_parser;                 /* events it ran the lane on (s_detect: the other's) */
    bool busier;                       /* the parsing thread has used more CPU than detection */
    /* Decoding handed over (shared mode): detection.decode a(uto), p(arsing), d(etection). */
    char decode;
    uint64_t deferred;                 /* parsing thread: transactions handed over */
    /* Parsing thread: the ring position of its last lane step and last hand-over (UINT64_MAX:
     * none yet). It does one or the other, not both within a ring's length: moving work
     * both ways at once would only pay two hand-offs for nothing. */
    uint64_t helped_at, deferred_at;
    bool identity_ready;               /* <identity> below is taken */
    /* The detection thread's: its lane count, what its decoding counted (a copy at each
     * tick for the parsing side, under pub_lock) and its decoding scratch. */
    _Alignas(64) uint64_t s_detect;
    struct decoded { struct ig_parse_stats ps; uint64_t by_proto[IG_PROTO__COUNT];
                     struct ig_drop_reasons drops; } dec, dec_pub;
    struct ig_scratch dscratch;
    bool dscratch_ready;
    /* The detection thread's copy of the parsing side's identity settings (taken before the
     * first hand-over): resolving writes a cache of recent API keys, so each thread has its
     * own; same secret, same ids. */
    struct ig_identity_cfg identity;
    _Alignas(64) _Atomic uint64_t go;  /* the model lane is done with marker slot go - 1 */
    uint64_t lanes_min;                /* the model lane's last view of min(lane pos) */
    struct ig_drop_reasons *drops;     /* the parsing side's */
    struct ig_sensor_load *shared;     /* the stage's load record: the parsing side writes it */
    struct ig_sensor_load det_load;    /* the engine's, fed from the ticks (detection thread) */
    bool det_load_ready;
    uint64_t affected_sent;            /* shared->affected_seq already carried by a tick */
    struct ig_ring ring;
    bool ring_ready, running;
    pthread_t thread;
    size_t slot_arena;                 /* bytes of tensors/text one slot holds */
    uint8_t *big;                      /* overflow buffer for events larger than a slot */
    size_t big_cap, big_max;
    _Atomic int big_busy;              /* a queued slot points into <big> */
    _Atomic uint64_t findings_seen;    /* emitted count published by the detection thread */
    uint64_t events_big, events_dropped, big_waits;
    struct ig_ring_stats ring_final;
    double parse_cpu_s, detect_cpu_s;  /* CPU seconds of each thread, for sizing */
    /* The detection thread's counters, copied at each tick (collect reads this copy). */
    pthread_mutex_t pub_lock;
    bool pub_lock_ready;
    struct ig_detect_stats pub;
    /* The reload handshake: the parser queues SLOT_RELOAD and waits for reload_done. */
    const struct ig_rules *reload_rules;
    _Atomic int reload_done;
    int reload_rc;
    char reload_err[256];
};

static inline struct threaded *T(struct ig_detect *d) { return (struct threaded *)d; }
static inline const struct threaded *CT(const struct ig_detect *d) { return (const struct threaded *)d; }
static inline uint8_t *slot_arena(struct slot *s) { return (uint8_t *)s + ARENA_OFF; }

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void publish(struct threaded *t)
{
    /* The engine's own kinds (clients evicted, model pressure) for /metrics and /readyz. */
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        ig_load_set(t->shared, (enum ig_load_kind)k, atomic_load(&t->det_load.total[k]));
    atomic_store_explicit(&t->findings_seen, ig_detect_core_findings(&t->d.core), memory_order_relaxed);
    /* Every counter, for /metrics: a few KB copied once per tick, never per event. */
    struct ig_detect_stats st;
    ig_detect_core_collect(&t->d.core, &st);
    pthread_mutex_lock(&t->pub_lock);
    t->pub = st;
    t->dec_pub = t->dec;
    pthread_mutex_unlock(&t->pub_lock);
}

/* Detection thread: the tick's load into the engine's record, as the inline mode's engine
 * would find the shared one at that tick. */
static void take_load(struct threaded *t, const struct load_carry *lc)
{
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        ig_load_set(&t->det_load, (enum ig_load_kind)k, lc->total[k]);
    if (lc->added > lc->n) {
        pthread_mutex_lock(&t->det_load.lock);
        t->det_load.affected_seq += lc->added - lc->n;   /* pushed out before this tick */
        pthread_mutex_unlock(&t->det_load.lock);
    }
    for (uint32_t i = 0; i < lc->n; i++)
        ig_load_affected(&t->det_load, lc->affected[i]);
}

/* Waiting on another thread's progress: spin briefly, then yield, then sleep 50 us doubling
 * up to 1 ms (the lanes poll the ring; waits are short while events flow, and an idle lane
 * costs at most ~1000 wake-ups a second). */
static void backoff(unsigned *n)
{
    if (*n < 32) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    } else if (*n < 48) {
        sched_yield();
    } else {
        unsigned k = *n - 48 < 5 ? *n - 48 : 5;
        struct timespec ts = { 0, IG_MIN(50000L << k, 1000000L) };
        nanosleep(&ts, NULL);
    }
    (*n)++;
}

/* A client lane's thread: its clients' events, in ring order, ahead of the model lane. */
static void *lane_main(void *arg)
{
    struct lane *ln = arg;
    struct threaded *t = ln->t;
    struct ig_detect_core *c = &t->d.core;
    for (uint64_t i = 0;; i++) {
        for (unsigned w = 0; ig_ring_published_count(&t->ring) <= i;)
            backoff(&w);
        struct slot *s = ig_ring_at(&t->ring, i);
        uint32_t kind = s->kind;
        bool model_side = ln->k < c->nmlanes;
        if (kind == SLOT_EVENT && (model_side || s->lane == ln->k)) {
            ig_detect_core_observe_lane(c, ln->k, &s->ev, &s->out[model_side ? 0 : 1]);
        } else if (kind == SLOT_TICK) {
            if (model_side)
                ig_detect_core_tick_lane(c, ln->k, s->now_us);
            ig_detect_core_lane_publish(c, ln->k);
        } else if (kind == SLOT_RELOAD || kind == SLOT_FINISH || kind == SLOT_STOP) {
            /* The model lane swaps or frees our engine meanwhile. */
            ig_detect_core_lane_publish(c, ln->k);
            atomic_store_explicit(&ln->parked, i + 1, memory_order_release);
            for (unsigned w = 0; atomic_load_explicit(&t->go, memory_order_acquire) < i + 1;)
                backoff(&w);
            if (kind != SLOT_RELOAD) {
                ig_detect_core_lane_free(c, ln->k);   /* the model lane is done with it */
                ln->cpu_s = thread_cpu_s();   /* read after join */
                atomic_store_explicit(&ln->pos, i + 1, memory_order_release);
                return NULL;
            }
        }
        atomic_store_explicit(&ln->pos, i + 1, memory_order_release);
    }
}

/* Model lane: waits until lane <k> has passed slot <i>. */
static void wait_lane(struct threaded *t, uint32_t k, uint64_t i)
{
    for (unsigned w = 0; atomic_load_explicit(&t->lane[k].pos, memory_order_acquire) <= i;)
        backoff(&w);
}

/* Model lane: waits until every lane has passed slot <i> (then it may be released). */
static void wait_lanes(struct threaded *t, uint64_t i)
{
    if (t->lanes_min > i)
        return;
    uint64_t m = UINT64_MAX;
    for (uint32_t k = 0; k < t->nlanes; k++) {
        wait_lane(t, k, i);
        m = IG_MIN(m, atomic_load_explicit(&t->lane[k].pos, memory_order_acquire));
    }
    t->lanes_min = m;
}

/* Model lane at marker slot <i>: waits until every lane is parked there. */
static void wait_parked(struct threaded *t, uint64_t i)
{
    for (uint32_t k = 0; k < t->nlanes; k++)
        for (unsigned w = 0; atomic_load_explicit(&t->lane[k].parked, memory_order_acquire) < i + 1;)
            backoff(&w);
}

/* The shared lane passes slot <i> (the caller holds s_lock and s_pos == i): an event's
 * model-side detectors into the slot's out[0], a tick, or at a marker its counters. */
static void shared_step(struct threaded *t, uint64_t i)
{
    struct ig_detect_core *c = &t->d.core;
    struct slot *s = ig_ring_at(&t->ring, i);
    if (s->kind == SLOT_EVENT || s->kind == SLOT_TXN) {   /* a TXN: decoded by now */
        ig_detect_core_observe_lane(c, 0, &s->ev, &s->out[0]);
    } else {
        if (s->kind == SLOT_TICK)
            ig_detect_core_tick_lane(c, 0, s->now_us);
        ig_detect_core_lane_publish(c, 0);
    }
    atomic_store_explicit(&t->s_pos, i + 1, memory_order_release);
}

/* Detection thread, at slot <i>: the shared lane has passed it (run here if not yet). */
static void shared_catch_up(struct threaded *t, uint64_t i)
{
    if (atomic_load_explicit(&t->s_pos, memory_order_acquire) > i)
        return;
    pthread_mutex_lock(&t->s_lock);
    for (uint64_t p = atomic_load_explicit(&t->s_pos, memory_order_relaxed); p <= i; p++) {
        shared_step(t, p);
        uint32_t kind = ((struct slot *)ig_ring_at(&t->ring, p))->kind;
        t->s_detect += kind == SLOT_EVENT || kind == SLOT_TXN;
    }
    pthread_mutex_unlock(&t->s_lock);
}

/* Parsing thread: whether it has used more CPU than the detection thread so far (two clock
 * reads every 16 calls, not per event). Thread CPU, not the ring's fill: on a busy machine
 * a full or empty ring may only mean that a thread was not scheduled. */
static bool parser_busier(struct threaded *t)
{
    if (t->cpu_every-- == 0) {
        t->cpu_every = 15;
        struct timespec ts;
        if (t->det_clock_ok && clock_gettime(t->det_clock, &ts) == 0)
            t->busier = thread_cpu_s() > (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    }
    return t->busier;
}

/* Parsing thread: <at> (a ring position, UINT64_MAX: never) is more than a ring's length
 * before <head>. */
static bool long_ago(uint64_t at, uint64_t head, const struct threaded *t)
{
    return ig_handover_long_ago(at, head, ig_ring_capacity(&t->ring));
}

/* Parsing thread, after publishing: while the detection thread is far behind, the shared
 * lane's work on what is queued is done here. The slots it passes are published and not
 * yet released (the detection thread releases a slot only once the lane has passed it).
 * It yields the lane as soon as the detection thread holds it (it has caught up), and
 * never passes a marker (reload, end: the detection thread handles those while the
 * parsing thread waits). */
static void parser_help(struct threaded *t)
{
    uint64_t head = ig_ring_published_count(&t->ring);
    uint64_t q = head - ig_ring_released_count(&t->ring);
    if (t->help == 'd')
        return;
    if (t->help == 'p')
        goto run;
    if (!t->helping) {
        if (q < t->help_hi)
            return;
        t->helping = true;
    } else if (q <= t->help_lo) {
        t->helping = false;
        return;
    }
    if (!long_ago(t->deferred_at, head, t))
        return;
    /* A full ring alone may only mean that the detection thread was not scheduled (a busy
     * machine): help only while this thread has used no more CPU than it. */
    if (parser_busier(t))
        return;
run:
    while (atomic_load_explicit(&t->s_pos, memory_order_relaxed) < head) {
        if (pthread_mutex_trylock(&t->s_lock) != 0)
            return;
        uint64_t p = atomic_load_explicit(&t->s_pos, memory_order_relaxed);
        bool go = p < head;
        if (go) {
            uint32_t kind = ((struct slot *)ig_ring_at(&t->ring, p))->kind;
            go = kind == SLOT_EVENT || kind == SLOT_TICK;
            if (go) {
                shared_step(t, p);
                t->s_parser += kind == SLOT_EVENT;
                t->helped_at = head;
            }
        }
        pthread_mutex_unlock(&t->s_lock);
        if (!go)
            return;
    }
}

/* Detection thread: a handed-over transaction's event, built as the parsing thread would
 * have (txn_event.h) into the slot's event, its data in the decoding scratch (kept until the
 * next one: the slot is done with by then) or the slot's arena; counted as the parsing side
 * would. */
static void decode_txn(struct threaded *t, struct slot *s)
{
    ig_scratch_reset(&t->dscratch);
    struct ig_txn_decoder dc = { .cfg = t->d.cfg, .identity = &t->identity, .scratch = &t->dscratch };
    struct ig_txn_outcome o;
    struct ig_txn_flow fl = { s->flow_evasion, s->has_note ? s->flow_note : NULL, s->midstream };
    ig_txn_event(&dc, s->ad, &s->txn, &fl, &s->ev, &o);
    ig_txn_count(&o, &t->dec.ps, t->dec.by_proto, &t->dec.drops);
    t->dec.ps.events++;
}

/* Detection thread, at the oldest slot: asks for the next slots' lines before they are
 * needed. The parsing thread's core wrote them, so each line the detectors touch would
 * otherwise be a miss served from the other core (an event reads ~30 lines: the struct's
 * identity, model and route fields, then its texts or tensors), paid one after another
 * while the detectors wait. The slot after next: the line holding its kind and size; the
 * next: the rest of the header its kind uses and the arena it filled. Only slots already
 * published: a prefetch of one being written would take its lines from the writer. */
static void prefetch_ahead(struct threaded *t)
{
    struct slot *n = ig_ring_peek_ahead(&t->ring, 1);
    if (!n)
        return;
    struct slot *after = ig_ring_peek_ahead(&t->ring, 2);
    if (after)
        __builtin_prefetch(after);
    size_t head = n->kind == SLOT_TXN ? ARENA_OFF : offsetof(struct slot, ad);
    for (size_t o = 64; o < head; o += 64)
        __builtin_prefetch((const uint8_t *)n + o);
    const uint8_t *a = slot_arena(n);
    for (size_t o = 0, end = IG_MIN((size_t)n->bytes, (size_t)PREFETCH_MAX); o < end; o += 64)
        __builtin_prefetch(a + o);
}

/* The detection thread: the same core calls, in the same order, as the inline mode. */
static void *detect_main(void *arg)
{
    struct threaded *t = arg;
    struct ig_detect_core *c = &t->d.core;
    for (uint64_t i = 0;; i++) {
        struct slot *s = ig_ring_peek(&t->ring);
        prefetch_ahead(t);
        uint32_t kind = s->kind;
        if (kind == SLOT_TXN) {
            decode_txn(t, s);   /* before the shared lane runs on it (it stops at a TXN) */
            kind = SLOT_EVENT;  /* (s->kind stays: the parsing thread may read it) */
        }
        bool park = t->nlanes && (kind == SLOT_RELOAD || kind == SLOT_FINISH || kind == SLOT_STOP);
        if (park)
            wait_parked(t, i);
        if (t->share)
            shared_catch_up(t, i);
        switch (kind) {
        case SLOT_EVENT:
            if (t->share) {
                ig_detect_core_observe_merged(c, &s->ev, s->out, 1);
            } else if (t->nlanes) {
                for (uint32_t k = 0; k < c->nmlanes; k++)
                    wait_lane(t, k, i);
                if (s->lane != UINT32_MAX)
                    wait_lane(t, s->lane, i);
                ig_detect_core_observe_merged(c, &s->ev, c->nmlanes ? s->out : s->out + 1,
                                              (c->nmlanes ? 1 : 0) + (s->lane != UINT32_MAX));
            } else {
                ig_detect_core_observe(c, &s->ev);
            }
            if (s->big)
                atomic_store_explicit(&t->big_busy, 0, memory_order_release);
            break;
        case SLOT_TICK:
            take_load(t, (const struct load_carry *)slot_arena(s));
            ig_detect_core_tick(c, s->now_us);
            publish(t);
            break;
        case SLOT_RELOAD:
            t->reload_rc = ig_detect_core_reload(c, t->reload_rules, t->reload_err, sizeof t->reload_err);
            publish(t);
            atomic_store_explicit(&t->reload_done, 1, memory_order_release);
            break;
        case SLOT_FINISH:
            ig_detect_core_finish(c, s->now_us);
            publish(t);
            if (t->share)
                ig_detect_core_lane_free(c, 0);   /* (what it kept per thread goes with the threads) */
            break;
        default:
            break;
        }
        if (park)
            atomic_store_explicit(&t->go, i + 1, memory_order_release);
        if (t->nlanes)
            wait_lanes(t, i);
        ig_ring_release(&t->ring);
        if (kind == SLOT_FINISH || kind == SLOT_STOP) {
            t->detect_cpu_s = thread_cpu_s();   /* read by the parser after join */
            ig_ad_thread_exit();   /* the adapters' per-thread scratch of handed-over decoding */
            return NULL;
        }
    }
}

static struct ig_detect *threaded_alloc(const struct ig_config *cfg, struct ig_drop_reasons *drops,
                                        uint32_t lanes)
{
    (void)cfg;
    /* aligned_alloc, not calloc: its _Alignas(64) members need the block on a cache line
     * (malloc only promises 16 bytes); sizeof is a multiple of 64 for the same reason */
    struct threaded *t = aligned_alloc(_Alignof(struct threaded), sizeof *t);
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->drops = drops;
    t->nlanes = IG_MIN(lanes, (uint32_t)IG_DETECT_MAX_LANES);
    atomic_init(&t->go, 0);
    atomic_init(&t->s_pos, 0);
    for (uint32_t k = 0; k < IG_DETECT_MAX_LANES; k++) {
        atomic_init(&t->lane[k].pos, 0);
        atomic_init(&t->lane[k].parked, 0);
        t->lane[k].t = t;
        t->lane[k].k = k;
    }
    atomic_init(&t->big_busy, 0);
    atomic_init(&t->findings_seen, 0);
    atomic_init(&t->reload_done, 0);
    return &t->d;
}

static struct ig_sensor_load *threaded_engine_load(struct ig_detect *d, struct ig_sensor_load *shared)
{
    struct threaded *t = T(d);
    t->shared = shared;
    ig_load_init(&t->det_load);
    t->det_load_ready = true;
    return &t->det_load;
}

static int threaded_start(struct ig_detect *d, char *err, size_t errlen)
{
    struct threaded *t = T(d);
    const struct ig_config *cfg = d->cfg;
    /* Two threads writing one stream would interleave events and findings differently
     * from run to run (and split lines). */
    if (strcmp(cfg->events_path, "-") == 0 &&
        strcmp(cfg->findings_path[0] ? cfg->findings_path : "-", "-") == 0) {
        snprintf(err, errlen, "two workers need events and findings on different outputs "
                              "(both are stdout: give --events or --findings a file)");
        return IG_ECONF;
    }
    t->slot_arena = CHUNK(cfg->ring_slot_bytes);
    if (ig_ring_init(&t->ring, cfg->ring_slots, ARENA_OFF + t->slot_arena) < 0) {
        snprintf(err, errlen, "out of memory for the detection ring (detection.ring_slots x ring_slot_bytes)");
        return IG_ENOMEM;
    }
    t->ring_ready = true;
    t->share = d->core.nlanes > t->nlanes;
    if (t->share) {
        if (pthread_mutex_init(&t->s_lock, NULL) != 0) {
            snprintf(err, errlen, "cannot create the shared lane's lock");
            return IG_ENOMEM;
        }
        t->s_lock_ready = true;
        t->help = cfg->detection_model_side[0] ? cfg->detection_model_side[0] : 'a';
        uint32_t cap = ig_ring_capacity(&t->ring);
        t->help_hi = IG_MAX(cap / 2, 1u);
        t->help_lo = cap / 4;
        /* The detection thread decodes what is handed over with the parsing side's cap, so
         * a transaction decodes alike on either (and only one that fits a slot, so it
         * holds little). */
        t->decode = cfg->detection_decode[0] ? cfg->detection_decode[0] : 'a';
        if (ig_scratch_init(&t->dscratch, 1 << 16, d->scratch_cap) < 0) {
            snprintf(err, errlen, "out of memory for the detection thread's decoding scratch");
            return IG_ENOMEM;
        }
        t->dscratch_ready = true;
    }
    /* No event can outgrow what its producers are allowed: the adapters' scratch cap plus
     * the three texts, which may point into the request and response bodies. */
    size_t body = IG_MAX(cfg->http_request_body_limit, cfg->http_response_body_limit);
    t->big_max = d->scratch_cap + 3 * CHUNK(body + 1) + 64;
    if (pthread_mutex_init(&t->pub_lock, NULL) != 0) {
        snprintf(err, errlen, "cannot create the detection stats lock");
        return IG_ENOMEM;
    }
    t->pub_lock_ready = true;
    ig_detect_core_collect(&d->core, &t->pub);   /* before the thread exists: no lock needed */
    /* From here on the lanes' threads own their engines and the detection thread the rest. */
    for (uint32_t k = 0; k < t->nlanes; k++) {
        if (pthread_create(&t->lane[k].thread, NULL, lane_main, &t->lane[k]) != 0) {
            /* Those started leave at a stop marker nobody else reads. */
            atomic_store_explicit(&t->go, UINT64_MAX, memory_order_release);
            struct slot *s = ig_ring_claim(&t->ring);
            s->kind = SLOT_STOP;
            ig_ring_publish_now(&t->ring);
            for (uint32_t j = 0; j < k; j++) {
                pthread_join(t->lane[j].thread, NULL);
                t->lane[j].running = false;
            }
            snprintf(err, errlen, "cannot start a client lane's thread");
            return IG_ENOMEM;
        }
        t->lane[k].running = true;
    }
    if (pthread_create(&t->thread, NULL, detect_main, t) != 0) {
        atomic_store_explicit(&t->go, UINT64_MAX, memory_order_release);
        struct slot *s = ig_ring_claim(&t->ring);
        s->kind = SLOT_STOP;
        ig_ring_publish_now(&t->ring);
        for (uint32_t j = 0; j < t->nlanes; j++) {
            pthread_join(t->lane[j].thread, NULL);
            t->lane[j].running = false;
        }
        snprintf(err, errlen, "cannot start the detection thread");
        return IG_ENOMEM;
    }
    t->running = true;
    if (t->share) {
        t->det_clock_ok = pthread_getcpuclockid(t->thread, &t->det_clock) == 0;
        t->busier = false;   /* until the first look at the clocks */
        t->helped_at = t->deferred_at = UINT64_MAX;
    }
    return IG_OK;
}

/* The overflow buffer is in use until the detection thread has observed its event. Rare
 * (events larger than a slot), so a polite poll is enough. */
static void wait_big_free(struct threaded *t)
{
    if (!atomic_load_explicit(&t->big_busy, memory_order_acquire))
        return;
    t->big_waits++;
    struct timespec ts = { 0, 20000 };
    for (int spins = 0; atomic_load_explicit(&t->big_busy, memory_order_acquire); spins++) {
        if (spins < 64)
            sched_yield();
        else
            nanosleep(&ts, NULL);
    }
}

/* Copies <ev> (and all it points to) into the next slot; waits while the ring is full. An
 * event larger than a slot goes through the one overflow buffer (counted); one larger than
 * that buffer's cap is dropped (counted). */
static void threaded_observe(struct ig_detect *d, const struct ig_event *ev)
{
    struct threaded *t = T(d);
    size_t need = ig_event_bytes(ev);
    bool big = need > t->slot_arena;
    if (unlikely(big)) {
        if (need > t->big_max) {
            t->events_dropped++;
            ig_drop_count(t->drops, "detection: event over the handoff overflow cap (not analysed)");
            return;
        }
        wait_big_free(t);
        if (need > t->big_cap) {
            /* Grows to the largest event seen, at most big_max: amortised, never per event. */
            size_t cap = IG_MAX(need, t->big_cap * 2);
            cap = IG_MIN(cap, t->big_max);
            uint8_t *nb = realloc(t->big, cap);
            if (!nb) {
                t->events_dropped++;
                ig_drop_count(t->drops, "detection: out of memory for a large event (not analysed)");
                return;
            }
            t->big = nb;
            t->big_cap = cap;
        }
        t->events_big++;
    }
    struct slot *s = ig_ring_claim(&t->ring);
    s->kind = SLOT_EVENT;
    s->big = big;
    s->now_us = 0;
    s->lane = ig_detect_core_lane_of(&d->core, ev);
    s->bytes = big ? 0 : (uint32_t)need;
    if (big)
        atomic_store_explicit(&t->big_busy, 1, memory_order_relaxed);   /* published by the ring */
    ig_event_copy(&s->ev, ev, big ? t->big : slot_arena(s));
    ig_ring_publish(&t->ring);
    if (t->share)
        parser_help(t);
}

/* Parsing thread (shared mode): hands the decoding of <txn> over by handover.h's rule (this
 * thread the busier by CPU, the lane not run here lately, the detection thread keeping up:
 * at most a quarter of the ring queued), so the work follows measured load, whatever the
 * traffic; should that make detection the busier one, the clocks turn and this side decodes
 * again. Only a copy that fits a slot. */
static bool threaded_defer_txn(struct ig_detect *d, const struct ig_adapter *ad, const struct ig_http_txn *txn,
                               const struct ig_identity_cfg *id, const struct ig_txn_flow *fl)
{
    struct threaded *t = T(d);
    if (!t->share || t->decode == 'p')
        return false;
    if (t->decode == 'a' && !ig_handover_decode(&t->ring, parser_busier(t), t->helped_at))
        return false;
    if (ig_txn_bytes(txn) > t->slot_arena)
        return false;
    if (!t->identity_ready) {
        /* A JWKS file is reread by the thread that resolves: that one stays the only one. */
        if (id->jwks)
            return false;
        t->identity = *id;   /* published to the detection thread with the slot below */
        t->identity.key_cache = &t->identity.key_cache_store;
        t->identity_ready = true;
    }
    struct slot *s = ig_ring_claim(&t->ring);
    s->kind = SLOT_TXN;
    s->big = 0;
    s->now_us = 0;
    s->lane = UINT32_MAX;   /* shared mode: no client lanes */
    s->bytes = (uint32_t)ig_txn_bytes(txn);
    s->ad = ad;
    s->flow_evasion = fl->evasion;
    s->has_note = fl->note != NULL;
    s->midstream = fl->midstream;
    if (fl->note)
        snprintf(s->flow_note, sizeof s->flow_note, "%s", fl->note);
    ig_txn_copy(&s->txn, txn, slot_arena(s));
    ig_ring_publish(&t->ring);
    t->deferred++;
    t->deferred_at = ig_ring_published_count(&t->ring);
    parser_help(t);
    return true;
}

static void threaded_add_decoded(const struct ig_detect *d, struct ig_parse_stats *ps, uint64_t *by_proto,
                                 struct ig_drop_reasons *drops)
{
    const struct threaded *t = CT(d);
    if (!t->share)
        return;
    struct decoded *dec = malloc(sizeof *dec);
    if (!dec)
        return;
    if (t->running) {
        pthread_mutex_lock((pthread_mutex_t *)&t->pub_lock);
        *dec = t->dec_pub;
        pthread_mutex_unlock((pthread_mutex_t *)&t->pub_lock);
    } else {
        *dec = t->dec;   /* joined (or never started): ours to read */
    }
    ps->events_malformed += dec->ps.events_malformed;
    ps->events_raw_inspected += dec->ps.events_raw_inspected;
    for (int k = 0; k < IG_PROTO__COUNT; k++)
        by_proto[k] += dec->by_proto[k];
    for (uint32_t i = 0; i < dec->drops.nrows; i++)
        ig_drop_add(drops, dec->drops.row[i].reason, dec->drops.row[i].n);
    drops->other += dec->drops.other;
    free(dec);
}

static void send_marker(struct threaded *t, uint32_t kind, uint64_t now_us)
{
    struct slot *s = ig_ring_claim(&t->ring);
    s->kind = kind;
    s->big = 0;
    s->bytes = 0;
    s->now_us = now_us;
    ig_ring_publish_now(&t->ring);   /* time and the end of input are never held back */
}

/* Parsing thread: the shared load record as it stands at this tick. */
static void put_load(struct threaded *t, struct load_carry *lc)
{
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        lc->total[k] = atomic_load(&t->shared->total[k]);
    pthread_mutex_lock(&t->shared->lock);
    lc->added = t->shared->affected_seq - t->affected_sent;
    lc->n = (uint32_t)IG_MIN(lc->added, (uint64_t)t->shared->n_affected);
    for (uint32_t i = 0; i < lc->n; i++)
        memcpy(lc->affected[i], t->shared->affected[t->shared->n_affected - lc->n + i], IG_LOAD_AFFECTED_LEN);
    t->affected_sent = t->shared->affected_seq;
    pthread_mutex_unlock(&t->shared->lock);
}

static void threaded_tick(struct ig_detect *d, uint64_t now_us)
{
    struct threaded *t = T(d);
    struct slot *s = ig_ring_claim(&t->ring);
    s->kind = SLOT_TICK;
    s->big = 0;
    s->bytes = (uint32_t)sizeof(struct load_carry);
    s->now_us = now_us;
    put_load(t, (struct load_carry *)slot_arena(s));
    ig_ring_publish_now(&t->ring);   /* time is never held back */
}

static void join(struct threaded *t)
{
    t->parse_cpu_s = thread_cpu_s();
    pthread_join(t->thread, NULL);
    for (uint32_t k = 0; k < t->nlanes; k++)
        if (t->lane[k].running) {
            pthread_join(t->lane[k].thread, NULL);
            t->lane[k].running = false;
        }
    t->running = false;
    ig_ring_stats(&t->ring, &t->ring_final);
}

/* Queues the end of input and waits for the detection thread to finish the core. */
static void threaded_finish(struct ig_detect *d, uint64_t now_us)
{
    struct threaded *t = T(d);
    if (!t->running)
        return;
    send_marker(t, SLOT_FINISH, now_us);
    join(t);
}

/* Queues a reload and waits until the detection thread has swapped the engine (or failed:
 * err, old engine kept). Rare and operator-driven: waiting for the queued events is fine. */
static int threaded_reload(struct ig_detect *d, const struct ig_rules *rules, char *err, size_t errlen)
{
    struct threaded *t = T(d);
    if (!t->running) {
        snprintf(err, errlen, "the pipeline has finished");
        return IG_ECONF;
    }
    t->reload_rules = rules;
    atomic_store_explicit(&t->reload_done, 0, memory_order_relaxed);
    send_marker(t, SLOT_RELOAD, 0);   /* the ring publishes reload_rules with the slot */
    struct timespec ts = { 0, 1000000 };
    while (!atomic_load_explicit(&t->reload_done, memory_order_acquire))
        nanosleep(&ts, NULL);
    if (t->reload_rc < 0)
        snprintf(err, errlen, "%s", t->reload_err);
    return t->reload_rc;
}

static void threaded_collect(const struct ig_detect *d, struct ig_detect_stats *out)
{
    const struct threaded *t = CT(d);
    if (t->running) {
        /* The detection thread's live state is its own: read its last published copy. */
        pthread_mutex_lock((pthread_mutex_t *)&t->pub_lock);
        *out = t->pub;
        pthread_mutex_unlock((pthread_mutex_t *)&t->pub_lock);
    } else {
        ig_detect_core_collect(&d->core, out);   /* joined (or never started): ours to read */
    }
    /* Producer-side counters: this is the producer's thread. */
    out->handoff.on = true;
    if (t->ring_ready) {
        out->handoff.published = t->ring.published;
        out->handoff.full_waits = t->ring.full_waits;
    }
    out->handoff.events_big = t->events_big;
    out->handoff.events_dropped = t->events_dropped;
}

static uint64_t threaded_findings(const struct ig_detect *d)
{
    return atomic_load_explicit(&CT(d)->findings_seen, memory_order_relaxed);
}

static void threaded_summary(const struct ig_detect *d, FILE *out)
{
    const struct threaded *t = CT(d);
    fprintf(out, "  workers     %u (parsing | detection%s", 2 + t->nlanes,
            t->nlanes > 1 ? " | model side | client lanes" : t->nlanes ? " | model side" : "");
    for (size_t i = 0; i < t->d.core.nside; i++)
        fprintf(out, "%s%s", i ? ", " : t->share ? "; model side, shared: " : "; model side: ",
                t->d.core.side[i]);
    if (t->d.core.nside_client)
        fprintf(out, "%s%zu per-client detectors", t->d.core.nside ? " and " :
                t->share ? "; model side, shared: " : "; model side: ", t->d.core.nside_client);
    if (t->share)
        fprintf(out, ", run by the parsing thread on %llu of %llu events; %llu "
                "transactions decoded by the detection thread", (unsigned long long)t->s_parser, (unsigned long long)(t->s_parser + t->s_detect),
                (unsigned long long)t->deferred);
    fprintf(out, "): %llu events and ticks handed over in a ring of "
                 "%u slots x %zu bytes, %llu events through the overflow buffer, "
                 "parser held back %llu times by a full ring; CPU %.3f s parsing, %.3f s detection",
            (unsigned long long)t->ring_final.published, t->ring_ready ? ig_ring_capacity(&t->ring) : 0u,
            t->slot_arena, (unsigned long long)t->events_big, (unsigned long long)t->ring_final.full_waits,
            t->parse_cpu_s, t->detect_cpu_s);
    for (uint32_t k = 0; k < t->nlanes; k++)
        fprintf(out, "%s%.3f", k ? " " : " (model lane), lanes ", t->lane[k].cpu_s);
    fputs(t->nlanes ? " s\n" : "\n", out);
}

/* Stops the thread without finishing (error paths): the core is the stage's again. */
static void threaded_stop(struct ig_detect *d)
{
    struct threaded *t = T(d);
    if (t->running) {
        send_marker(t, SLOT_STOP, 0);
        join(t);
    }
}

/* After the core is freed: the ring, the buffers, the engine's load record. */
static void threaded_release(struct ig_detect *d)
{
    struct threaded *t = T(d);
    if (t->ring_ready)
        ig_ring_free(&t->ring);
    free(t->big);
    if (t->pub_lock_ready)
        pthread_mutex_destroy(&t->pub_lock);
    if (t->s_lock_ready)
        pthread_mutex_destroy(&t->s_lock);
    if (t->dscratch_ready)
        ig_scratch_free(&t->dscratch);
    if (t->identity_ready)
        ig_identity_cfg_free(&t->identity);   /* (no JWKS of its own; wipes the keys it cached) */
    if (t->det_load_ready)
        ig_load_destroy(&t->det_load);
}

const struct ig_detect_ops ig_detect_threaded = {
    .threads = 2,
    .event_copies = 2,
    .alloc = threaded_alloc,
    .engine_load = threaded_engine_load,
    .start = threaded_start,
    .observe = threaded_observe,
    .defer_txn = threaded_defer_txn,
    .add_decoded = threaded_add_decoded,
    .tick = threaded_tick,
    .finish = threaded_finish,
    .reload = threaded_reload,
    .collect = threaded_collect,
    .findings = threaded_findings,
    .summary = threaded_summary,
    .stop = threaded_stop,
    .release = threaded_release,
};
