/* The flow table: symmetric 5-tuple hash, LRU list on the capture clock for idle timeout
 * and eviction, client/server roles, and the one place flows end (flow_end), so the close
 * callback fires exactly once per flow. */
#include <stdio.h>
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
    struct ig_lru *l = &t->lru[e->lru];
    if (e->lprev) e->lprev->lnext = e->lnext; else l->head = e->lnext;
    if (e->lnext) e->lnext->lprev = e->lprev; else l->tail = e->lprev;
    e->lprev = e->lnext = NULL;
    l->n--;
}

static void lru_append(struct ig_flow_table *t, struct ig_flow_entry *e)
{
    struct ig_lru *l = &t->lru[e->lru];
    e->lprev = l->tail;
    e->lnext = NULL;
    e->lru_seq = t->seq;
    if (l->tail) l->tail->lnext = e; else l->head = e;
    l->tail = e;
    l->n++;
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
    t->embryonic_max = cfg->flow_embryonic_max ? cfg->flow_embryonic_max : 1;
    t->embryonic_us = (uint64_t)(cfg->flow_embryonic_timeout_s ? cfg->flow_embryonic_timeout_s : 1) * 1000000u;
    t->csum_mode = strcmp(cfg->capture_checksums, "on") == 0 ? 1 : strcmp(cfg->capture_checksums, "off") == 0 ? 2 : 0;
    int pol = ig_defrag_policy_parse(cfg->defrag_policy[0] ? cfg->defrag_policy : "linux");
    t->defrag = ig_defrag_new(cfg->defrag_memcap ? cfg->defrag_memcap : (32u << 20),
                              (uint64_t)(cfg->defrag_timeout_s ? cfg->defrag_timeout_s : 30) * 1000000u,
                              pol < 0 ? IG_DEFRAG_LINUX : (enum ig_defrag_policy)pol);
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
    if (!t->buckets || !t->cls || !t->defrag) {
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
    if (e->lru == 1) {
        t->st.embryonic_active--;
        if (why == IG_END_TIMEOUT)
            t->st.embryonic_timed_out++;
        else if (why == IG_END_EVICTED)
            t->st.embryonic_evicted++;
    }
    lru_unlink(t, e);
    free(e->pub.evasion_note);
    e->pub.evasion_note = NULL;
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
    /* A SYN nobody answered yet is embryonic: its own list, cap and timeout, so that a SYN
     * flood evicts only other unanswered SYNs, never established flows. */
    uint8_t list = syn && !ack ? 1 : 0;

    /* flow.max_flows (established) / flow.embryonic_max, and flow.memcap over flow entries
     * plus queued blocks: the least recently used flows make room (queued bytes delivered) */
    if (list == 1) {
        while (t->lru[1].head && t->lru[1].n >= t->embryonic_max)
            flow_end(t, t->lru[1].head, IG_END_EVICTED, p->ts_us);
    } else {
        while (t->lru[0].head && t->lru[0].n >= t->max_flows)
            flow_end(t, t->lru[0].head, IG_END_EVICTED, p->ts_us);
    }
    for (;;) {
        if (t->blk_mem + (t->st.active_flows + 1) * sizeof(struct ig_flow_entry) <= t->memcap)
            break;
        struct ig_flow_entry *victim = t->lru[1].head ? t->lru[1].head : t->lru[0].head;
        if (!victim)
            break;
        flow_end(t, victim, IG_END_EVICTED, p->ts_us);
    }
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
    e->half[0].wscale = e->half[1].wscale = 0xff;
    struct ig_flow_entry **b = &t->buckets[hash & t->mask];
    e->hnext = *b;
    *b = e;
    e->lru = list;
    lru_append(t, e);
    if (list == 1)
        t->st.embryonic_active++;
    t->st.flows_created++;
    t->st.active_flows++;
    if (!syn) {
        t->st.flows_midstream++;
        e->pub.midstream = true;
    }
    return e;
}

/* Checksums per capture.checksums; returns false when the segment must not be used. */
static bool csum_ok(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir,
                    const struct ig_packet *pkt, int ck)
{
    if (ck != 0)
        return true;          /* good, or cannot be told */
    if (t->csum_mode == 0) {
        struct ig_half *h = &e->half[dir];
        if (h->csum != IG_CK_VERIFY)
            return true;      /* offloaded, or this direction's first packet: decided below */
    }
    t->st.csum_bad++;
    if (pkt->payload_wire_len > 0) {
        /* Decoy or offload artifact? The peer tells: a good copy of these bytes that
         * follows makes it a decoy (marked then); an ACK past them without one means the
         * receiver took them, so this direction's checksums are not the wire's. */
        struct ig_half *h = &e->half[dir];
        h->bad_pending = true;
        h->bad_seq = pkt->seq;
        h->bad_end = pkt->seq + pkt->payload_wire_len;
        ig_flow_excerpt(h->bad_ex, sizeof h->bad_ex, pkt->payload, IG_MIN(pkt->payload_len, 8u));
    }
    return false;
}

/* Resolves a dropped bad-checksum segment of <h> from what followed (see csum_ok). */
static void csum_followup(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir,
                          const struct ig_packet *pkt)
{
    struct ig_half *h = &e->half[dir], *o = &e->half[!dir];
    if (h->bad_pending && pkt->payload_wire_len > 0 &&
        ig_seq_diff(pkt->seq, h->bad_end) < 0 && ig_seq_diff(pkt->seq + pkt->payload_wire_len, h->bad_seq) > 0) {
        char ex[40];
        h->bad_pending = false;
        ig_flow_evasion(t, e, IG_EVA_STREAM_CSUM,
                        "TCP segment with a bad checksum at seq %u (the server drops it) carried \"%s\"; "
                        "the good copy at seq %u carried \"%s\"", h->bad_seq, h->bad_ex, pkt->seq,
                        ig_flow_excerpt(ex, sizeof ex, pkt->payload, IG_MIN(pkt->payload_len, 8u)));
    }
    if (o->bad_pending && (pkt->tcp_flags & 0x10) && ig_seq_diff(pkt->ack, o->bad_end) >= 0) {
        o->bad_pending = false;
        if (o->csum == IG_CK_VERIFY && t->csum_mode == 0) {
            o->csum = IG_CK_OFFLOAD;
            o->csum_good = 0;
            t->st.csum_offload_dirs++;
        }
    }
}

static struct ig_flow_entry *flow_find(struct ig_flow_table *t, const struct ig_packet *pkt, uint32_t hash,
                                       enum ig_flow_dir *dir)
{
    struct ig_flow_entry *e = t->buckets[hash & t->mask];
    for (; e; e = e->hnext) {
        if (e->hash != hash)
            continue;
        if (ep_eq(&e->pub.client, pkt->src, pkt->sport, pkt->family) &&
            ep_eq(&e->pub.server, pkt->dst, pkt->dport, pkt->family)) {
            *dir = IG_DIR_TO_SERVER;
            return e;
        }
        if (ep_eq(&e->pub.server, pkt->src, pkt->sport, pkt->family) &&
            ep_eq(&e->pub.client, pkt->dst, pkt->dport, pkt->family)) {
            *dir = IG_DIR_TO_CLIENT;
            return e;
        }
    }
    return NULL;
}

static void tcp_packet(struct ig_flow_table *t, const struct ig_packet *pkt);

/* A fragment: held until its datagram is complete, which then goes the normal way. */
static void frag_packet(struct ig_flow_table *t, const struct ig_packet *pkt)
{
    struct ig_defrag_out out;
    int rc = ig_defrag_feed(t->defrag, pkt, &out);
    t->st.defrag = *ig_defrag_stats(t->defrag);
    if (rc != IG_OK)
        return;
    struct ig_decode_stats ds = { 0 };
    struct ig_packet whole;
    if (ig_decode_packet(IG_LINKTYPE_RAW, out.dgram, out.len, pkt->ts_us, &whole, &ds) != IG_OK ||
        whole.is_frag)
        return;
    whole.evasion = out.evasion;
    whole.evasion_note = out.note;
    whole.reassembled = true;
    if (!out.evasion_only) {
        tcp_packet(t, &whole);
        return;
    }
    /* the host discards this datagram: only the flow hears of it */
    if (whole.ip_proto != IPPROTO_TCP)
        return;
    enum ig_flow_dir dir;
    struct ig_flow_entry *e = flow_find(t, &whole, tuple_hash(t, &whole), &dir);
    if (e)
        ig_flow_evasion(t, e, out.evasion, "%s", out.note ? out.note : "IP fragments discarded");
}

void ig_flow_packet(struct ig_flow_table *t, const struct ig_packet *pkt)
{
    if (pkt->is_frag && (pkt->family == 4 || pkt->family == 6)) {
        frag_packet(t, pkt);
        return;
    }
    tcp_packet(t, pkt);
}

static void tcp_packet(struct ig_flow_table *t, const struct ig_packet *pkt)
{
    if (pkt->ip_proto != IPPROTO_TCP || (pkt->family != 4 && pkt->family != 6)) {
        t->st.non_tcp++;
        return;
    }
    int ck = t->csum_mode == 2 ? -1 : ig_packet_csum(pkt);
    if (ck == 0 && t->csum_mode == 0 && !pkt->reassembled &&
        (uint32_t)(pkt->l4 - pkt->l3) + pkt->l4_wire > 1500) {
        /* Larger than an Ethernet frame: segments merged on the capturing host (GRO on
         * receive, TSO on send) whose checksum is not the wire's; not a decoy from the wire. */
        t->st.csum_merged++;
        ck = -1;
    }
    uint32_t hash = tuple_hash(t, pkt);
    enum ig_flow_dir dir = IG_DIR_TO_SERVER;
    struct ig_flow_entry *e = flow_find(t, pkt, hash, &dir);
    bool syn = pkt->tcp_flags & 0x02, ackf = pkt->tcp_flags & 0x10;
    bool syn_only = syn && !ackf;
    bool rst = pkt->tcp_flags & 0x04;

    if (e && pkt->evasion)
        ig_flow_evasion(t, e, pkt->evasion, "%s", pkt->evasion_note ? pkt->evasion_note : "IP fragment trick");
    if (e && ck == 0 && !csum_ok(t, e, dir, pkt, ck))
        return;
    if (!e && ck == 0 && t->csum_mode == 1) {
        t->st.csum_bad++;
        return;
    }
    if (e && syn && !rst) {
        struct ig_half *h = &e->half[dir];
        bool same = (h->state & IG_HALF_SYN) && h->isn == pkt->seq;
        if (syn_only && !same && (h->state & IG_HALF_KNOWN)) {
            /* A SYN with another ISN on a live tuple. A new connection when the old one is
             * over (FIN both ways, an in-window RST) or was never answered; otherwise Linux
             * answers with a challenge ACK (RFC 5961 4.2) and keeps the connection, and so
             * do we until the server's SYN-ACK shows it took the new one. */
            bool over = e->lru == 1 || e->rst_in_window ||
                        ((e->half[0].state & IG_HALF_FIN) && (e->half[1].state & IG_HALF_FIN));
            if (over) {
                t->st.syn_reuse++;
                flow_end(t, e, IG_END_CLOSED, pkt->ts_us);
                e = NULL;
            } else {
                e->syn_pending = true;
                e->pending_isn = pkt->seq;
                ig_flow_ctl_ignored(e, &t->st.syn_ignored, "SYN with a new ISN (connection established)",
                            pkt->seq, h->next_seq);
                return;
            }
        } else if (!syn_only && dir == IG_DIR_TO_CLIENT && e->syn_pending && pkt->ack == e->pending_isn + 1) {
            /* the server answered the new SYN: the old connection was gone after all */
            uint32_t isn = e->pending_isn;
            t->st.syn_reuse++;
            flow_end(t, e, IG_END_CLOSED, pkt->ts_us);
            e = flow_create(t, pkt, hash);
            if (!e)
                return;
            struct ig_half *c = &e->half[IG_DIR_TO_SERVER];
            c->isn = isn;
            c->next_seq = isn + 1;
            c->state |= IG_HALF_KNOWN | IG_HALF_SYN;
            dir = IG_DIR_TO_CLIENT;
        }
    }
    if (!e) {
        /* only a SYN or data starts a flow: stray ACKs/FINs after a close must not */
        if (rst || (!syn && pkt->payload_wire_len == 0))
            return;
        e = flow_create(t, pkt, hash);
        if (!e)
            return;
        dir = IG_DIR_TO_SERVER;
        if (!ep_eq(&e->pub.client, pkt->src, pkt->sport, pkt->family))
            dir = IG_DIR_TO_CLIENT;
    }
    struct ig_half *h = &e->half[dir];
    if (ck >= 0 && pkt->payload_wire_len > 0) {
        /* capture.checksums auto: a direction whose first data segment has a wrong checksum
         * is offloaded (sent by the capturing host: the NIC fills checksums in later). Only
         * data decides: Linux computes SYN, ACK and RST checksums in software even where it
         * offloads data. Two good data segments in a row end the offload guess (a partial
         * checksum matches by chance once in 65536 segments, twice in a row almost never). */
        if (h->csum == IG_CK_UNKNOWN) {
            h->csum = ck == 1 ? IG_CK_VERIFY : IG_CK_OFFLOAD;
            if (ck == 0)
                t->st.csum_offload_dirs++;
        } else if (h->csum == IG_CK_OFFLOAD) {
            h->csum_good = ck == 1 ? (uint8_t)(h->csum_good + 1) : 0;
            if (h->csum_good >= 2) {
                h->csum = IG_CK_VERIFY;
                t->st.csum_offload_dirs--;
            }
        }
    }
    if (t->csum_mode != 2)
        csum_followup(t, e, dir, pkt);
    if (pkt->evasion && !(e->pub.evasion & pkt->evasion))
        ig_flow_evasion(t, e, pkt->evasion, "%s", pkt->evasion_note ? pkt->evasion_note : "IP fragment trick");
    if (pkt->ts_us > e->pub.last_us)
        e->pub.last_us = pkt->ts_us;
    /* the server answered: no longer embryonic */
    if (e->lru == 1 && dir == IG_DIR_TO_CLIENT) {
        lru_unlink(t, e);
        e->lru = 0;
        t->st.embryonic_active--;
        lru_append(t, e);
        while (t->lru[0].n > t->max_flows && t->lru[0].head != e)
            flow_end(t, t->lru[0].head, IG_END_EVICTED, pkt->ts_us);
    } else if (t->lru[e->lru].tail != e) {
        lru_unlink(t, e);
        lru_append(t, e);
    }
    ig_flow_cls_packet(t, e, pkt, dir);
    if (syn)
        h->wscale = pkt->wscale;
    if (ackf) {
        h->ack = pkt->ack;
        h->ack_known = true;
    }
    h->win = pkt->win;
    if (rst) {
        bool in_window;
        if (ig_flow_rst_acceptable(e, dir, pkt->seq, &in_window)) {
            flow_end(t, e, IG_END_CLOSED, pkt->ts_us);
            return;
        }
        if (in_window)
            e->rst_in_window = true;
        ig_flow_ctl_ignored(e, &t->st.rst_ignored, in_window ? "RST in window but not at RCV.NXT" : "RST out of window",
                    pkt->seq, h->next_seq);
        return;
    }
    if (e->ctl_pending == 1 && pkt->payload_wire_len > 0) {
        /* data after a control segment the server ignored: that segment was a decoy */
        e->ctl_pending = 2;
        ig_flow_evasion(t, e, IG_EVA_STREAM_CONTROL, "%s was ignored (RFC 5961 / RFC 793 window check) "
                        "and data followed", e->ctl_what);
    }
    ig_flow_reasm_segment(t, e, dir, pkt);
    if ((e->half[0].state & IG_HALF_DONE) && (e->half[1].state & IG_HALF_DONE))
        flow_end(t, e, IG_END_CLOSED, pkt->ts_us);
}

void ig_flow_tick(struct ig_flow_table *t, uint64_t now_us)
{
    while (t->lru[1].head && t->lru[1].head->pub.last_us + t->embryonic_us <= now_us)
        flow_end(t, t->lru[1].head, IG_END_TIMEOUT, now_us);
    while (t->lru[0].head && t->lru[0].head->pub.last_us + t->idle_us <= now_us)
        flow_end(t, t->lru[0].head, IG_END_TIMEOUT, now_us);
    ig_defrag_tick(t->defrag, now_us);
    t->st.defrag = *ig_defrag_stats(t->defrag);
}

void ig_flow_flush(struct ig_flow_table *t, uint64_t now_us)
{
    for (int l = 0; l < 2; l++)
        while (t->lru[l].head)
            flow_end(t, t->lru[l].head, IG_END_FLUSH, now_us);
}

void ig_flow_set_seq(struct ig_flow_table *t, uint64_t seq) { t->seq = seq; }

uint64_t ig_flow_close_order(const struct ig_flow *f, bool flush)
{
    const struct ig_flow_entry *e = (const struct ig_flow_entry *)f;
    /* ig_flow_tick ends the embryonic list first, ig_flow_flush the established one; each
     * list runs in append order, which is lru_seq order. */
    uint64_t list_rank = flush ? e->lru : (uint64_t)(e->lru == 0);
    return list_rank << 62 | (e->lru_seq & ((1ull << 62) - 1));
}

const struct ig_flow_stats *ig_flow_stats(const struct ig_flow_table *t)
{
    return &t->st;
}

void ig_flow_proto_counts_ranked(const struct ig_flow_table *t,
                                 void (*fn)(void *ctx, uint32_t rank, const char *proto, uint64_t flows),
                                 void *ctx)
{
    ig_flow_cls_counts_ranked(t->cls, fn, ctx);
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
    if (t->buckets) {
        uint64_t last = 0;
        for (int l = 0; l < 2; l++)
            if (t->lru[l].tail && t->lru[l].tail->pub.last_us > last)
                last = t->lru[l].tail->pub.last_us;
        ig_flow_flush(t, last);
    }
    ig_defrag_free(t->defrag);
    while (t->slabs) {
        struct ig_slab *s = t->slabs;
        t->slabs = s->next;
        free(s);
    }
    ig_flow_cls_free(t->cls);
    free(t->buckets);
    free(t);
}
