/* Parse shards: see shards.h for the ownership rule. Each shard has two SPSC rings with the
 * coordinator: inputs (packets copied in, ticks, the end) and records (decoded events
 * copied out with ig_event_copy, and one "tick done" per tick carrying what the shard gave
 * up). Every input has a number (seq) from one counter; a record's key is (seq, sub): sub
 * is 0 for what a packet produced (one shard, in its order), the flow's close order for
 * flows a tick or the end closed, and ~0 for "tick done", so a k-way merge of the shards'
 * rings by key is the single parser's order.
 *
 * When may the coordinator take the smallest head record, key (s, .)? Once no shard can
 * still emit a smaller key: each shard publishes pos = 2 x seq when it starts an input and
 * 2 x seq + 1 when it is done with it (its records published before), so a shard can no
 * longer emit keys with seq <= s once pos > 2s (it started something later, or finished s)
 * or once it has finished the last input it was given. The coordinator never blocks on a
 * full input ring while it could merge, and the globally smallest record always becomes
 * takeable, so the two sides cannot wait on each other for ever. */
#include "pipeline/shards.h"

#include <errno.h>
#include <inferguard/event.h>
#include <inferguard/log.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapters/ad_common.h"
#include "core/ring.h"
#include "pipeline/pipeline_state.h"

#define IN_SLOTS 512
#define IN_SLOT_BYTES 2048        /* a packet's bytes from l3 on; larger ones are allocated */
#define OUT_SLOTS 128
#define OUT_SLOT_BYTES (16 << 10) /* an event's tensors and text; larger ones are allocated */
#define SUB_TICK_DONE UINT64_MAX
#define MERGE_EVERY 32            /* packets handed out between two merges */

enum in_kind { IN_PACKET = 1, IN_TICK, IN_FLUSH, IN_STOP };
enum out_kind { OUT_EVENT = 1, OUT_TICK_DONE };

struct in_rec {
    uint32_t kind;
    uint64_t seq, now_us;
    uint8_t *heap;                /* the packet's bytes when larger than the slot, or NULL */
    struct ig_packet pkt;         /* l3/l4/payload aimed at the bytes after this header */
};
#define IN_OFF (((sizeof(struct in_rec) + 63) / 64) * 64)

struct out_rec {
    uint32_t kind;
    uint64_t seq, sub, now_us;
    void *heap;                   /* the event's data when larger than the slot, or NULL */
    struct ig_shard_load load;    /* OUT_TICK_DONE */
    struct ig_event ev;           /* OUT_EVENT: pointers aimed after this header (or heap) */
};
#define OUT_OFF (((sizeof(struct out_rec) + 63) / 64) * 64)
#define CHUNK16(n) (((size_t)(n) + 15) & ~(size_t)15)

struct ig_shards;

struct shard {
    _Alignas(64) _Atomic uint64_t pos;   /* 2 x seq started, 2 x seq + 1 done */
    struct ig_shards *s;
    uint32_t k;
    struct ig_config cfg;                /* this shard's share of the limits */
    struct ig_pipeline *p;               /* parse-only pipeline, owned by the thread */
    struct ig_ring in, out;
    bool in_ready, out_ready, running;
    pthread_t thread;
    uint64_t cur_seq, cur_sub;           /* key of what is being emitted */
    uint64_t affected_mark;
    uint64_t dispatched;                 /* coordinator: last seq handed to this shard */
    uint64_t big_packets, big_events, events_lost;
    double cpu_s;
    _Atomic int ready;                   /* 0 starting, 1 running, -1 could not start */
    char err[256];
    pthread_mutex_t pub_lock;
    bool pub_ready;
    struct ig_shard_counts pub;          /* counters as of the last tick / the stop */
};

struct ig_shards {
    struct ig_pipeline *coord;
    struct ig_shard_ops ops;
    uint32_t n;
    uint64_t seq;                        /* last number handed out */
    uint32_t since_merge;                /* packets handed out since the last merge */
    struct shard sh[IG_SHARDS_MAX];
    /* Coordinator sleeps here when no shard moved; shards wake it (Dekker: see ring.c). */
    _Alignas(64) _Atomic int coord_sleeps;
    pthread_mutex_t lock;
    pthread_cond_t moved;
    bool lock_ready;
    /* A tick being merged: the shards' "tick done" records seen so far, summed. */
    uint32_t tick_parts;
    struct ig_shard_load tick_load;
    uint64_t waits;
};

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- shard side ---- */

void ig_shard_counts_proto(struct ig_shard_counts *c, uint32_t rank, const char *name, uint64_t n)
{
    uint32_t k = 0;
    while (k < c->nproto && c->proto[k].rank < rank)
        k++;
    if (k < c->nproto && c->proto[k].rank == rank) {
        c->proto[k].n += n;
        return;
    }
    if (c->nproto == IG_SHARD_PROTOS)
        return;
    memmove(&c->proto[k + 1], &c->proto[k], (c->nproto - k) * sizeof c->proto[0]);
    c->proto[k].rank = rank;
    snprintf(c->proto[k].name, sizeof c->proto[k].name, "%s", name);
    c->proto[k].n = n;
    c->nproto++;
}

static void take_proto(void *ctx, uint32_t rank, const char *proto, uint64_t flows)
{
    ig_shard_counts_proto(ctx, rank, proto, flows);
}

static void shard_publish(struct shard *sh)
{
    struct ig_pipeline *p = sh->p;
    struct ig_shard_counts c;
    memset(&c, 0, sizeof c);
    c.flow = *ig_flow_stats(p->flows);
    c.http = *ig_http_stats(p->http);
    c.h2 = *ig_h2_stats(p->h2);
    c.parse = p->parse;
    memcpy(c.events_by_proto, p->events_by_proto, sizeof c.events_by_proto);
    c.drops = p->drops;
    if (sh->events_lost)
        ig_drop_add(&c.drops, "parse shards: out of memory for a large event", sh->events_lost);
    ig_flow_proto_counts_ranked(p->flows, take_proto, &c);
    pthread_mutex_lock(&sh->pub_lock);
    sh->pub = c;
    pthread_mutex_unlock(&sh->pub_lock);
}

static void take_affected(void *ctx, const struct ig_endpoint *client, const struct ig_endpoint *server)
{
    struct ig_shard_load *l = ctx;
    if (l->n_affected == IG_HTTP_AFFECTED) {   /* keep the newest */
        memmove(l->affected[0], l->affected[1], sizeof l->affected - sizeof l->affected[0]);
        l->n_affected--;
    }
    l->affected[l->n_affected][0] = *client;
    l->affected[l->n_affected][1] = *server;
    l->n_affected++;
}

static struct out_rec *out_claim(struct shard *sh)
{
    return ig_ring_claim(&sh->out);
}

void ig_shard_close_order(void *shard, uint64_t order)
{
    ((struct shard *)shard)->cur_sub = order;
}

void ig_shard_event(void *shard, const struct ig_event *ev)
{
    struct shard *sh = shard;
    size_t need = ig_event_bytes(ev);
    struct out_rec *r = out_claim(sh);
    void *data = (uint8_t *)r + OUT_OFF;
    r->heap = NULL;
    if (need > OUT_SLOT_BYTES - OUT_OFF) {
        r->heap = aligned_alloc(16, CHUNK16(need));
        if (!r->heap) {
            sh->events_lost++;   /* the slot stays claimed, unpublished: reused next */
            return;
        }
        data = r->heap;
        sh->big_events++;
    }
    r->kind = OUT_EVENT;
    r->seq = sh->cur_seq;
    r->sub = sh->cur_sub;
    ig_event_copy(&r->ev, ev, data);
    ig_ring_publish(&sh->out);
}

static void set_pos(struct shard *sh, uint64_t v, bool wake)
{
    atomic_store_explicit(&sh->pos, v, memory_order_release);
    if (!wake)
        return;
    atomic_thread_fence(memory_order_seq_cst);
    struct ig_shards *s = sh->s;
    if (atomic_load_explicit(&s->coord_sleeps, memory_order_relaxed)) {
        pthread_mutex_lock(&s->lock);
        pthread_cond_broadcast(&s->moved);
        pthread_mutex_unlock(&s->lock);
    }
}

static void shard_tick(struct shard *sh, uint64_t seq, uint64_t now_us)
{
    struct ig_pipeline *p = sh->p;
    p->closing = 1;
    ig_flow_tick(p->flows, now_us);
    p->closing = 0;
    struct out_rec *r = out_claim(sh);
    memset(r, 0, OUT_OFF);
    r->kind = OUT_TICK_DONE;
    r->seq = seq;
    r->sub = SUB_TICK_DONE;
    r->now_us = now_us;
    const struct ig_flow_stats *f = ig_flow_stats(p->flows);
    const struct ig_http_stats *h = ig_http_stats(p->http);
    r->load.flow_memcap = f->memcap_drops + f->stream_cap_drops;
    r->load.flows_evicted = f->flows_evicted;
    r->load.http_bodies = h->memcap_bodies_given_up + h->memcap_given_up;
    r->load.http_unpaired = h->pipeline_shed;
    sh->affected_mark = ig_http_affected(p->http, sh->affected_mark, take_affected, &r->load);
    ig_ring_publish_now(&sh->out);
    shard_publish(sh);
}

static void shard_ready(struct shard *sh, int state)
{
    struct ig_shards *s = sh->s;
    pthread_mutex_lock(&s->lock);
    atomic_store(&sh->ready, state);
    pthread_cond_broadcast(&s->moved);
    pthread_mutex_unlock(&s->lock);
}

/* The shard's parse-only pipeline is built and freed on its own thread: nDPI's set-up and
 * tear-down are a visible share of a short run's CPU, and the capture thread is the one to
 * spare. */
/* Set-up and tear-down of the shards' pipelines one at a time: nDPI's and libhtp's
 * initialisation were only ever run on one thread; their data path is per table. */
static pthread_mutex_t life_lock = PTHREAD_MUTEX_INITIALIZER;

static void *shard_main(void *arg)
{
    struct shard *sh = arg;
    pthread_mutex_lock(&life_lock);
    sh->p = sh->s->ops.new_parser(&sh->cfg, sh, sh->err, sizeof sh->err);
    pthread_mutex_unlock(&life_lock);
    shard_ready(sh, sh->p ? 1 : -1);
    if (!sh->p)
        return NULL;
    struct ig_pipeline *p = sh->p;
    for (;;) {
        struct in_rec *r = ig_ring_peek(&sh->in);
        uint32_t kind = r->kind;
        set_pos(sh, 2 * r->seq, false);
        sh->cur_seq = r->seq;
        sh->cur_sub = 0;
        if (kind == IN_PACKET) {
            ig_flow_set_seq(p->flows, r->seq);
            ig_flow_packet(p->flows, &r->pkt);
            free(r->heap);
        } else if (kind == IN_TICK) {
            shard_tick(sh, r->seq, r->now_us);
        } else if (kind == IN_FLUSH) {
            p->closing = 2;
            ig_flow_flush(p->flows, r->now_us);
            p->closing = 0;
        }
        uint64_t seq = r->seq;
        ig_ring_release(&sh->in);
        if (kind == IN_STOP) {
            shard_publish(sh);
            p->shard = NULL;   /* flows still open end without events */
            pthread_mutex_lock(&life_lock);
            sh->s->ops.free_parser(p);
            pthread_mutex_unlock(&life_lock);
            sh->p = NULL;
            ig_ad_thread_exit();
            sh->cpu_s = thread_cpu_s();
            set_pos(sh, 2 * seq + 1, true);
            return NULL;
        }
        set_pos(sh, 2 * seq + 1, true);
    }
}

/* ---- coordinator side ---- */

static void take_record(struct ig_shards *s, struct out_rec *r)
{
    if (r->kind == OUT_EVENT) {
        s->ops.event(s->coord, &r->ev);
        free(r->heap);
        return;
    }
    struct ig_shard_load *t = &s->tick_load;
    t->flow_memcap += r->load.flow_memcap;
    t->flows_evicted += r->load.flows_evicted;
    t->http_bodies += r->load.http_bodies;
    t->http_unpaired += r->load.http_unpaired;
    for (uint32_t i = 0; i < r->load.n_affected; i++) {
        if (t->n_affected == IG_HTTP_AFFECTED) {
            memmove(t->affected[0], t->affected[1], sizeof t->affected - sizeof t->affected[0]);
            t->n_affected--;
        }
        memcpy(t->affected[t->n_affected++], r->load.affected[i], sizeof t->affected[0]);
    }
    if (++s->tick_parts == s->n) {
        s->ops.tick(s->coord, r->now_us, t);
        memset(t, 0, sizeof *t);
        s->tick_parts = 0;
    }
}

/* Takes every record that can be taken now; returns how many. */
static size_t merge(struct ig_shards *s)
{
    size_t taken = 0;
    for (;;) {
        uint64_t pos[IG_SHARDS_MAX];
        for (uint32_t j = 0; j < s->n; j++)
            pos[j] = atomic_load_explicit(&s->sh[j].pos, memory_order_acquire);
        struct out_rec *best = NULL;
        uint32_t bj = 0;
        for (uint32_t j = 0; j < s->n; j++) {
            struct out_rec *r = ig_ring_try_peek(&s->sh[j].out);
            if (r && (!best || r->seq < best->seq || (r->seq == best->seq && r->sub < best->sub))) {
                best = r;
                bj = j;
            }
        }
        if (!best)
            return taken;
        for (uint32_t j = 0; j < s->n; j++)
            if (j != bj && s->sh[j].running && pos[j] <= 2 * best->seq &&
                pos[j] != 2 * s->sh[j].dispatched + 1)
                return taken;   /* shard j may still emit something earlier */
        take_record(s, best);
        ig_ring_release(&s->sh[bj].out);
        taken++;
    }
}

static uint64_t pos_sum(const struct ig_shards *s)
{
    uint64_t v = 0;
    for (uint32_t j = 0; j < s->n; j++)
        v += atomic_load_explicit(&s->sh[j].pos, memory_order_acquire);
    return v;
}

/* Nothing could be merged or handed out: wait until a shard moves (its pos changes). */
static void wait_shards(struct ig_shards *s, uint64_t seen)
{
    s->waits++;
    for (uint32_t j = 0; j < s->n; j++) {
        ig_ring_kick(&s->sh[j].in);   /* a shard asleep on a few queued inputs */
        ig_ring_kick_producer(&s->sh[j].out);   /* or on a full output whose wake we missed */
    }
    for (int i = 0; i < 64; i++) {
        if (pos_sum(s) != seen)
            return;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    pthread_mutex_lock(&s->lock);
    atomic_store_explicit(&s->coord_sleeps, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_seq_cst);
    if (pos_sum(s) == seen) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 2000000L;   /* safety net only */
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_nsec -= 1000000000L;
            ts.tv_sec++;
        }
        pthread_cond_timedwait(&s->moved, &s->lock, &ts);
    }
    atomic_store_explicit(&s->coord_sleeps, 0, memory_order_relaxed);
    pthread_mutex_unlock(&s->lock);
}

/* A free input slot of shard j, merging (and waiting) while its ring is full. */
static struct in_rec *in_claim(struct ig_shards *s, uint32_t j)
{
    struct in_rec *r;
    while (!(r = ig_ring_try_claim(&s->sh[j].in))) {
        uint64_t seen = pos_sum(s);
        if (!merge(s))
            wait_shards(s, seen);
    }
    return r;
}

static void in_publish(struct ig_shards *s, uint32_t j, bool now)
{
    s->sh[j].dispatched = s->seq;
    if (now)
        ig_ring_publish_now(&s->sh[j].in);
    else
        ig_ring_publish(&s->sh[j].in);
}

/* Symmetric in the two addresses, so both directions (and fragments) meet. */
static uint32_t shard_of(const struct ig_shards *s, const struct ig_packet *pkt)
{
    size_t n = pkt->family == 6 ? 16 : 4;
    uint64_t a = 1469598103934665603ull, b = a;
    for (size_t i = 0; i < n; i++) {
        a = (a ^ pkt->src[i]) * 1099511628211ull;
        b = (b ^ pkt->dst[i]) * 1099511628211ull;
    }
    uint64_t h = (a ^ b) + (a & b) * 0x9e3779b97f4a7c15ull;   /* commutative mix */
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)(h % s->n);
}

static const uint8_t *rebase(const uint8_t *ptr, const uint8_t *from, uint8_t *to, size_t n)
{
    if (!ptr || ptr < from || ptr > from + n)
        return ptr;
    return to + (ptr - from);
}

void ig_shards_packet(struct ig_shards *s, const struct ig_packet *pkt)
{
    uint32_t j = shard_of(s, pkt);
    struct in_rec *r = in_claim(s, j);
    r->kind = IN_PACKET;
    r->seq = ++s->seq;
    r->heap = NULL;
    r->pkt = *pkt;
    /* l4 and payload lie inside the captured bytes from l3 on: copy those once. */
    size_t n = pkt->l3 ? pkt->l3_len : 0;
    uint8_t *dst = (uint8_t *)r + IN_OFF;
    if (n > IN_SLOT_BYTES) {
        r->heap = malloc(n);
        if (!r->heap) {
            ig_drop_count(&s->coord->drops, "parse shards: out of memory for a large packet");
            s->seq--;
            return;
        }
        dst = r->heap;
        s->sh[j].big_packets++;
    }
    if (n) {
        memcpy(dst, pkt->l3, n);
        r->pkt.l3 = dst;
        r->pkt.l4 = rebase(pkt->l4, pkt->l3, dst, n);
        r->pkt.payload = rebase(pkt->payload, pkt->l3, dst, n);
    }
    in_publish(s, j, false);
    /* Merging reads every shard's position and ring head, cache lines the shards keep
     * writing: once per batch of packets, not per packet (a full input ring merges too). */
    if (++s->since_merge >= MERGE_EVERY) {
        s->since_merge = 0;
        merge(s);
    }
}

static void broadcast(struct ig_shards *s, enum in_kind kind, uint64_t now_us)
{
    s->seq++;
    for (uint32_t j = 0; j < s->n; j++) {
        if (!s->sh[j].running)
            continue;
        struct in_rec *r = in_claim(s, j);
        r->kind = kind;
        r->seq = s->seq;
        r->now_us = now_us;
        r->heap = NULL;
        in_publish(s, j, true);
    }
    merge(s);
}

void ig_shards_tick(struct ig_shards *s, uint64_t now_us) { broadcast(s, IN_TICK, now_us); }
void ig_shards_flush(struct ig_shards *s, uint64_t now_us) { broadcast(s, IN_FLUSH, now_us); }

static bool all_done(const struct ig_shards *s)
{
    for (uint32_t j = 0; j < s->n; j++) {
        if (!s->sh[j].running)
            continue;
        if (atomic_load_explicit(&s->sh[j].pos, memory_order_acquire) != 2 * s->sh[j].dispatched + 1)
            return false;
    }
    return true;
}

void ig_shards_drain(struct ig_shards *s)
{
    for (;;) {
        uint64_t seen = pos_sum(s);
        bool done = all_done(s);   /* read before the merge: then nothing is left after it */
        size_t took = merge(s);
        if (done && !took && !merge(s))
            return;
        if (!took && !done)
            wait_shards(s, seen);
    }
}

void ig_shards_stop(struct ig_shards *s)
{
    bool any = false;
    for (uint32_t j = 0; j < s->n; j++)
        any |= s->sh[j].running;
    if (!any)
        return;
    ig_shards_drain(s);
    broadcast(s, IN_STOP, 0);
    ig_shards_drain(s);
    for (uint32_t j = 0; j < s->n; j++) {
        if (s->sh[j].running) {
            pthread_join(s->sh[j].thread, NULL);
            s->sh[j].running = false;
        }
    }
}

static void add_u64s(void *dst, const void *src, size_t bytes)
{
    uint64_t *d = dst;
    const uint64_t *a = src;
    for (size_t i = 0; i < bytes / sizeof(uint64_t); i++)
        d[i] += a[i];
}

void ig_shards_counts(const struct ig_shards *s, struct ig_shard_counts *out)
{
    _Static_assert(sizeof(struct ig_flow_stats) % 8 == 0 && sizeof(struct ig_http_stats) % 8 == 0 &&
                   sizeof(struct ig_h2_stats) % 8 == 0 && sizeof(struct ig_parse_stats) % 8 == 0,
                   "counter structs are arrays of uint64_t");
    for (uint32_t j = 0; j < s->n; j++) {
        struct shard *sh = (struct shard *)&s->sh[j];
        pthread_mutex_lock(&sh->pub_lock);
        const struct ig_shard_counts *c = &sh->pub;
        uint64_t held_max = IG_MAX(out->http.txns_held_max, c->http.txns_held_max);
        add_u64s(&out->flow, &c->flow, sizeof c->flow);
        add_u64s(&out->http, &c->http, sizeof c->http);
        out->http.txns_held_max = held_max;   /* a maximum, not a count */
        add_u64s(&out->h2, &c->h2, sizeof c->h2);
        add_u64s(&out->parse, &c->parse, sizeof c->parse);
        add_u64s(out->events_by_proto, c->events_by_proto, sizeof c->events_by_proto);
        for (uint32_t i = 0; i < c->drops.nrows; i++)
            ig_drop_add(&out->drops, c->drops.row[i].reason, c->drops.row[i].n);
        out->drops.other += c->drops.other;
        for (uint32_t i = 0; i < c->nproto; i++)
            ig_shard_counts_proto(out, c->proto[i].rank, c->proto[i].name, c->proto[i].n);
        pthread_mutex_unlock(&sh->pub_lock);
    }
}

void ig_shards_summary(const struct ig_shards *s, FILE *out)
{
    uint64_t bigp = 0, bige = 0;
    for (uint32_t j = 0; j < s->n; j++) {
        bigp += s->sh[j].big_packets;
        bige += s->sh[j].big_events;
    }
    fprintf(out, "  shards      %u parse shards (flows by address pair): %llu inputs, %llu packets and "
                 "%llu events over a slot, merger waited %llu times; CPU %.3f s capture thread "
                 "(so far), shards",
            s->n, (unsigned long long)s->seq, (unsigned long long)bigp, (unsigned long long)bige,
            (unsigned long long)s->waits, thread_cpu_s());
    for (uint32_t j = 0; j < s->n; j++)
        fprintf(out, " %.3f", s->sh[j].cpu_s);
    fputs(" s\n", out);
}

void ig_shards_free(struct ig_shards *s)
{
    if (!s)
        return;
    ig_shards_stop(s);
    for (uint32_t j = 0; j < s->n; j++) {
        struct shard *sh = &s->sh[j];
        /* what a stopped or never-started shard left queued */
        if (sh->out_ready)
            for (struct out_rec *r; (r = ig_ring_try_peek(&sh->out)); ig_ring_release(&sh->out))
                if (r->kind == OUT_EVENT)
                    free(r->heap);
        if (sh->in_ready)
            for (struct in_rec *r; (r = ig_ring_try_peek(&sh->in)); ig_ring_release(&sh->in))
                if (r->kind == IN_PACKET)
                    free(r->heap);
        if (sh->in_ready)
            ig_ring_free(&sh->in);
        if (sh->out_ready)
            ig_ring_free(&sh->out);
        if (sh->pub_ready)
            pthread_mutex_destroy(&sh->pub_lock);
    }
    if (s->lock_ready) {
        pthread_cond_destroy(&s->moved);
        pthread_mutex_destroy(&s->lock);
    }
    free(s);
}

static uint64_t share64(uint64_t v, uint32_t n, uint64_t floor)
{
    return v ? IG_MAX((v + n - 1) / n, floor) : v;
}

struct ig_shards *ig_shards_new(struct ig_pipeline *coord, const struct ig_shard_ops *ops,
                                const struct ig_config *cfg, uint32_t n, char *err, size_t errlen)
{
    if (n < 2 || n > IG_SHARDS_MAX) {
        snprintf(err, errlen, "flow.parse_shards: 1 to %d", IG_SHARDS_MAX);
        return NULL;
    }
    /* aligned_alloc: the _Alignas(64) members need the block on a cache line */
    struct ig_shards *s = aligned_alloc(_Alignof(struct ig_shards), sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->coord = coord;
    s->ops = *ops;
    s->n = n;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (pthread_mutex_init(&s->lock, NULL) != 0 || pthread_cond_init(&s->moved, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        snprintf(err, errlen, "cannot set up the parse shards' lock");
        free(s);
        return NULL;
    }
    pthread_condattr_destroy(&ca);
    s->lock_ready = true;
    for (uint32_t j = 0; j < n; j++) {
        struct shard *sh = &s->sh[j];
        sh->s = s;
        sh->k = j;
        atomic_init(&sh->pos, 1);   /* "done with input 0": nothing handed out yet */
        atomic_init(&sh->ready, 0);
        sh->cfg = *cfg;
        sh->cfg.flow_max = (uint32_t)share64(cfg->flow_max, n, 1);
        sh->cfg.flow_embryonic_max = (uint32_t)share64(cfg->flow_embryonic_max, n, 1);
        sh->cfg.flow_memcap = share64(cfg->flow_memcap, n, 1 << 20);
        sh->cfg.defrag_memcap = share64(cfg->defrag_memcap, n, 1 << 20);
        sh->cfg.http_memcap = share64(cfg->http_memcap, n, 1 << 20);
        sh->cfg.events_path[0] = '\0';
        if (pthread_mutex_init(&sh->pub_lock, NULL) != 0)
            goto fail_alloc;
        sh->pub_ready = true;
        if (ig_ring_init(&sh->in, IN_SLOTS, IN_OFF + IN_SLOT_BYTES) != IG_OK)
            goto fail_alloc;
        sh->in_ready = true;
        if (ig_ring_init(&sh->out, OUT_SLOTS, OUT_SLOT_BYTES) != IG_OK)
            goto fail_alloc;
        sh->out_ready = true;
    }
    for (uint32_t j = 0; j < n; j++) {
        if (pthread_create(&s->sh[j].thread, NULL, shard_main, &s->sh[j]) != 0) {
            snprintf(err, errlen, "cannot start a parse shard thread: %s", strerror(errno));
            goto fail;
        }
        s->sh[j].running = true;
    }
    /* Each shard says whether its pipeline could be built; one that could not has ended. */
    bool ok = true;
    pthread_mutex_lock(&s->lock);
    for (uint32_t j = 0; j < n; j++) {
        while (!atomic_load(&s->sh[j].ready))
            pthread_cond_wait(&s->moved, &s->lock);
        if (atomic_load(&s->sh[j].ready) < 0 && ok) {
            snprintf(err, errlen, "parse shard: %s", s->sh[j].err);
            ok = false;
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (ok)
        return s;
    for (uint32_t j = 0; j < n; j++) {
        if (atomic_load(&s->sh[j].ready) < 0) {
            pthread_join(s->sh[j].thread, NULL);
            s->sh[j].running = false;
        }
    }
    goto fail;
fail_alloc:
    snprintf(err, errlen, "out of memory for the parse shards");
fail:
    ig_shards_free(s);
    return NULL;
}
