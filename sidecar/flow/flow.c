/* The flow table: symmetric 5-tuple hash, LRU list on the capture clock for idle timeout
 * and eviction, client/server roles, and the one place flows end (flow_end), so the close
 * callback fires exactly once per flow. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include <inferguard/config.h>
#include "flow/flow_int.h"

#define IG_ENTRY_SLAB 64u

enum ig_end_reason { IG_END_CLOSED, IG_END_TIMEOUT, IG_END_EVICTED, IG_END_FLUSH };

static uint32_t mix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x7feb352dU;
    h ^= h >> 15;
    h *= 0x846ca68bU;
    h ^= h >> 16;
    return h;
}

static uint32_t endpoint_hash(uint32_t seed, const uint8_t *addr, uint8_t family, uint16_t port)
{
    uint32_t h = seed ^ port ^ ((uint32_t)family << 16);
    uint32_t words = family == 6 ? 4 : 1;
    for (uint32_t i = 0; i < words; i++) {
        uint32_t w;
        memcpy(&w, addr + 4 * i, 4);
        h = mix32(h ^ w) + 0x9e3779b9U;
    }
    return mix32(h);
}

/* Symmetric: both directions of a connection hash alike. */
static uint32_t tuple_hash(const struct ig_flow_table *t, const struct ig_packet *p)
{
    uint32_t a = endpoint_hash(t->seed, p->src, p->family, p->sport);
    uint32_t b = endpoint_hash(t->seed, p->dst, p->family, p->dport);
    return mix32(a + b);
}

static bool ep_eq(const struct ig_endpoint *e, const uint8_t *addr, uint16_t port, uint8_t family)
{
    return e->port == port && e->family == family &&
           memcmp(e->addr, addr, family == 6 ? 16 : 4) == 0;
}

static void lru_unlink(struct ig_flow_table *t, struct ig_flow_entry *e)
{
    if (e->lprev) e->lprev->lnext = e->lnext; else t->lru_head = e->lnext;
    if (e->lnext) e->lnext->lprev = e->lprev; else t->lru_tail = e->lprev;
    e->lprev = e->lnext = NULL;
}

static void lru_append(struct ig_flow_table *t, struct ig_flow_entry *e)
{
    e->lprev = t->lru_tail;
    e->lnext = NULL;
    if (t->lru_tail) t->lru_tail->lnext = e; else t->lru_head = e;
    t->lru_tail = e;
}

struct ig_flow_table *ig_flow_table_new(const struct ig_config *cfg,
                                        const struct ig_flow_callbacks *cb)
{
    struct ig_flow_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cb = *cb;
    t->max_flows = cfg->flow_max ? cfg->flow_max : 1;
    t->idle_us = (uint64_t)(cfg->flow_idle_timeout_s ? cfg->flow_idle_timeout_s : 1) * 1000000u;
    t->memcap = cfg->flow_memcap;
    t->stream_max = cfg->flow_stream_max;
    t->n_model_ports = IG_MIN(cfg->n_model_ports, (uint32_t)IG_ARRAY_LEN(t->model_ports));
    memcpy(t->model_ports, cfg->model_ports, t->n_model_ports * sizeof(uint16_t));
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t->seed = mix32((uint32_t)ts.tv_nsec ^ (uint32_t)(uintptr_t)t);   /* against crafted collisions */

    uint32_t nb = 1024;
    while (nb < t->max_flows && nb < (1u << 24))
        nb <<= 1;
    t->buckets = calloc(nb, sizeof(*t->buckets));
    t->mask = nb - 1;
    t->cls = ig_flow_cls_new();
    if (!t->buckets || !t->cls) {
        ig_flow_table_free(t);
        return NULL;
    }
    return t;
}

static struct ig_flow_entry *entry_get(struct ig_flow_table *t)
{
    if (!t->free_entries) {
        struct ig_slab *s = malloc(16 + IG_ENTRY_SLAB * sizeof(struct ig_flow_entry));
        if (!s)
            return NULL;
        s->next = t->slabs;
        t->slabs = s;
        struct ig_flow_entry *arr = (struct ig_flow_entry *)((uint8_t *)s + 16);
        for (uint32_t i = 0; i < IG_ENTRY_SLAB; i++) {
            arr[i].hnext = t->free_entries;
            t->free_entries = &arr[i];
        }
    }
    struct ig_flow_entry *e = t->free_entries;
    t->free_entries = e->hnext;
    memset(e, 0, sizeof(*e));
    return e;
}

/* The only way a flow leaves the table. */
static void flow_end(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_end_reason why,
                     uint64_t ts)
{
    /* whatever the reason, the consumer gets what is queued (holes become gaps) before
     * close, so a transaction in progress can still complete */
    ig_flow_reasm_drain_all(t, e, IG_DIR_TO_SERVER, ts);
    ig_flow_reasm_drain_all(t, e, IG_DIR_TO_CLIENT, ts);
    ig_flow_reasm_release(t, e);
    ig_flow_cls_finish(t, e);
    if (t->cb.close)
        t->cb.close(t->cb.ctx, &e->pub, ts);

    struct ig_flow_entry **pp = &t->buckets[e->hash & t->mask];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(t, e);
    t->st.flows_closed++;
    if (why == IG_END_TIMEOUT)
        t->st.flows_timed_out++;
    else if (why == IG_END_EVICTED)
        t->st.flows_evicted++;
    t->st.active_flows--;
    e->hnext = t->free_entries;
    t->free_entries = e;
}

static bool is_model_port(const struct ig_flow_table *t, uint16_t port)
{
    for (uint32_t i = 0; i < t->n_model_ports; i++)
        if (t->model_ports[i] == port)
            return true;
    return false;
}

/* Who is the client when the handshake was not seen: the side not on a model port, else
 * the side with the higher (ephemeral) port, else the sender. */
static bool sender_is_client_guess(const struct ig_flow_table *t, const struct ig_packet *p)
{
    bool s_model = is_model_port(t, p->sport), d_model = is_model_port(t, p->dport);
    if (s_model != d_model)
        return d_model;
    if (p->sport != p->dport)
        return p->sport > p->dport;
    return true;
}

static struct ig_flow_entry *flow_create(struct ig_flow_table *t, const struct ig_packet *p, uint32_t hash)
{
    /* SYN alone: the sender opens; SYN-ACK: the sender answers; anything else is a guess */
    bool syn = p->tcp_flags & 0x02, ack = p->tcp_flags & 0x10;
    bool sender_client;
    if (syn)
        sender_client = !ack;
    else
        sender_client = sender_is_client_guess(t, p);

    /* flow.max_flows, and flow.memcap over flow entries plus queued blocks: the least
     * recently used flows make room (their queued bytes are delivered first) */
    while (t->lru_head &&
           (t->st.active_flows >= t->max_flows ||
            t->blk_mem + (t->st.active_flows + 1) * sizeof(struct ig_flow_entry) > t->memcap))
        flow_end(t, t->lru_head, IG_END_EVICTED, p->ts_us);
    struct ig_flow_entry *e = entry_get(t);
    if (!e)
        return NULL;
    struct ig_endpoint s = { .family = p->family, .port = p->sport };
    struct ig_endpoint d = { .family = p->family, .port = p->dport };
    memcpy(s.addr, p->src, 16);
    memcpy(d.addr, p->dst, 16);
    if (p->family == 4) {
        memset(s.addr + 4, 0, 12);
        memset(d.addr + 4, 0, 12);
    }
    e->pub.client = sender_client ? s : d;
    e->pub.server = sender_client ? d : s;
    e->pub.first_us = e->pub.last_us = p->ts_us;
    e->hash = hash;
    struct ig_flow_entry **b = &t->buckets[hash & t->mask];
    e->hnext = *b;
    *b = e;
    lru_append(t, e);
    t->st.flows_created++;
    t->st.active_flows++;
    if (!syn)
        t->st.flows_midstream++;
    return e;
}

void ig_flow_packet(struct ig_flow_table *t, const struct ig_packet *pkt)
{
    if (pkt->ip_proto != IPPROTO_TCP || (pkt->family != 4 && pkt->family != 6)) {
        t->st.non_tcp++;
        return;
    }
    uint32_t hash = tuple_hash(t, pkt);
    struct ig_flow_entry *e = t->buckets[hash & t->mask];
    enum ig_flow_dir dir = IG_DIR_TO_SERVER;
    for (; e; e = e->hnext) {
        if (e->hash != hash)
            continue;
        if (ep_eq(&e->pub.client, pkt->src, pkt->sport, pkt->family) &&
            ep_eq(&e->pub.server, pkt->dst, pkt->dport, pkt->family)) {
            dir = IG_DIR_TO_SERVER;
            break;
        }
        if (ep_eq(&e->pub.server, pkt->src, pkt->sport, pkt->family) &&
            ep_eq(&e->pub.client, pkt->dst, pkt->dport, pkt->family)) {
            dir = IG_DIR_TO_CLIENT;
            break;
        }
    }
    bool syn_only = (pkt->tcp_flags & 0x12) == 0x02;
    bool rst = pkt->tcp_flags & 0x04;
    if (e && syn_only) {
        /* a SYN with another ISN, or any SYN where we already saw data without one:
         * the old connection is gone and the tuple was reused */
        struct ig_half *h = &e->half[dir];
        bool other_isn = (h->state & IG_HALF_SYN) ? h->isn != pkt->seq : (h->state & IG_HALF_KNOWN);
        if (other_isn) {
            t->st.syn_reuse++;
            flow_end(t, e, IG_END_CLOSED, pkt->ts_us);
            e = NULL;
        }
    }
    if (!e) {
        /* only a SYN or data starts a flow: stray ACKs/FINs after a close must not */
        if (rst || (!(pkt->tcp_flags & 0x02) && pkt->payload_wire_len == 0))
            return;
        e = flow_create(t, pkt, hash);
        if (!e)
            return;
        dir = IG_DIR_TO_SERVER;
        if (!ep_eq(&e->pub.client, pkt->src, pkt->sport, pkt->family))
            dir = IG_DIR_TO_CLIENT;
    }
    if (pkt->ts_us > e->pub.last_us)
        e->pub.last_us = pkt->ts_us;
    if (t->lru_tail != e) {
        lru_unlink(t, e);
        lru_append(t, e);
    }
    ig_flow_cls_packet(t, e, pkt, dir);
    if (rst) {
        flow_end(t, e, IG_END_CLOSED, pkt->ts_us);
        return;
    }
    ig_flow_reasm_segment(t, e, dir, pkt);
    if ((e->half[0].state & IG_HALF_DONE) && (e->half[1].state & IG_HALF_DONE))
        flow_end(t, e, IG_END_CLOSED, pkt->ts_us);
}

void ig_flow_tick(struct ig_flow_table *t, uint64_t now_us)
{
    while (t->lru_head && t->lru_head->pub.last_us + t->idle_us <= now_us)
        flow_end(t, t->lru_head, IG_END_TIMEOUT, now_us);
}

void ig_flow_flush(struct ig_flow_table *t, uint64_t now_us)
{
    while (t->lru_head)
        flow_end(t, t->lru_head, IG_END_FLUSH, now_us);
}

const struct ig_flow_stats *ig_flow_stats(const struct ig_flow_table *t)
{
    return &t->st;
}

void ig_flow_proto_counts(const struct ig_flow_table *t,
                          void (*fn)(void *ctx, const char *proto, uint64_t flows), void *ctx)
{
    ig_flow_cls_counts(t->cls, fn, ctx);
}

bool ig_flow_is_http(const struct ig_flow_table *t, const struct ig_flow *f)
{
    (void)t;
    const struct ig_flow_entry *e = (const struct ig_flow_entry *)f;
    return e->proto == IG_FP_HTTP;
}

void ig_flow_table_free(struct ig_flow_table *t)
{
    if (!t)
        return;
    /* flows still open end here so their owners can release f->app */
    if (t->buckets && t->lru_tail)
        ig_flow_flush(t, t->lru_tail->pub.last_us);
    while (t->slabs) {
        struct ig_slab *s = t->slabs;
        t->slabs = s->next;
        free(s);
    }
    ig_flow_cls_free(t->cls);
    free(t->buckets);
    free(t);
}
