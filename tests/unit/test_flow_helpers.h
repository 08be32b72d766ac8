/* Hand-built IPv4/IPv6 TCP packets and a recording flow consumer, shared by the flow and
 * reassembly tests. Packets go through the real decoder (DLT_RAW), then the flow table. */
#ifndef TEST_FLOW_HELPERS_H
#define TEST_FLOW_HELPERS_H

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/dlt.h>

#include <inferguard/config.h>
#include "capture/capture.h"
#include "flow/flow.h"

#define TF_FIN 0x01
#define TF_SYN 0x02
#define TF_RST 0x04
#define TF_PSH 0x08
#define TF_ACK 0x10

/* Writes an IPv4 (family 4) or IPv6 (family 6) TCP packet into buf; returns its length. */
static inline uint32_t tf_build(uint8_t *buf, int family, const char *src, uint16_t sport,
                                const char *dst, uint16_t dport, uint32_t seq, uint32_t ack,
                                uint8_t flags, const void *payload, uint32_t n)
{
    uint32_t ipl = family == 6 ? 40 : 20;
    uint8_t *tcp = buf + ipl;
    memset(buf, 0, ipl + 20);
    if (family == 6) {
        buf[0] = 0x60;
        buf[4] = (uint8_t)((20 + n) >> 8);
        buf[5] = (uint8_t)(20 + n);
        buf[6] = IPPROTO_TCP;
        buf[7] = 64;
        inet_pton(AF_INET6, src, buf + 8);
        inet_pton(AF_INET6, dst, buf + 24);
    } else {
        uint32_t tot = 40 + n;
        buf[0] = 0x45;
        buf[2] = (uint8_t)(tot >> 8);
        buf[3] = (uint8_t)tot;
        buf[6] = 0x40;              /* DF */
        buf[8] = 64;
        buf[9] = IPPROTO_TCP;
        inet_pton(AF_INET, src, buf + 12);
        inet_pton(AF_INET, dst, buf + 16);
    }
    tcp[0] = (uint8_t)(sport >> 8); tcp[1] = (uint8_t)sport;
    tcp[2] = (uint8_t)(dport >> 8); tcp[3] = (uint8_t)dport;
    tcp[4] = (uint8_t)(seq >> 24); tcp[5] = (uint8_t)(seq >> 16); tcp[6] = (uint8_t)(seq >> 8); tcp[7] = (uint8_t)seq;
    tcp[8] = (uint8_t)(ack >> 24); tcp[9] = (uint8_t)(ack >> 16); tcp[10] = (uint8_t)(ack >> 8); tcp[11] = (uint8_t)ack;
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    tcp[14] = 0xff; tcp[15] = 0xff;
    if (n)
        memcpy(tcp + 20, payload, n);
    /* correct checksums (capture.checksums verifies them); tests corrupt them on purpose */
    uint64_t sum = family == 6 ? ig_csum_add(0, buf + 8, 32) : ig_csum_add(0, buf + 12, 8);
    sum += IPPROTO_TCP + 20 + n;
    sum = ig_csum_add(sum, tcp, 20 + n);
    uint16_t ck = (uint16_t)~ig_csum_fold(sum);
    tcp[16] = (uint8_t)(ck >> 8); tcp[17] = (uint8_t)ck;
    if (family == 4) {
        ck = (uint16_t)~ig_csum_fold(ig_csum_add(0, buf, 20));
        buf[10] = (uint8_t)(ck >> 8); buf[11] = (uint8_t)ck;
    }
    return ipl + 20 + n;
}

/* What the consumer saw, per direction. */
struct tf_rec {
    uint8_t *buf[2];
    size_t   len[2], cap[2];
    uint64_t gaps[2], gap_bytes[2];
    int      closes, data_calls;
    bool     http_at_first_data;
    bool     first_seen;
    struct ig_flow last_flow;    /* copy at close */
    struct ig_flow_table *t;
};

static inline void tf_on_data(void *ctx, struct ig_flow *f, enum ig_flow_dir dir,
                              const uint8_t *p, size_t n, uint64_t ts)
{
    (void)ts;
    struct tf_rec *r = ctx;
    if (!r->first_seen) {
        r->first_seen = true;
        r->http_at_first_data = ig_flow_is_http(r->t, f);
    }
    r->data_calls++;
    if (r->len[dir] + n > r->cap[dir]) {
        r->cap[dir] = (r->len[dir] + n) * 2;
        r->buf[dir] = realloc(r->buf[dir], r->cap[dir]);
    }
    memcpy(r->buf[dir] + r->len[dir], p, n);
    r->len[dir] += n;
}

static inline void tf_on_gap(void *ctx, struct ig_flow *f, enum ig_flow_dir dir,
                             uint64_t missing, uint64_t ts)
{
    (void)f; (void)ts;
    struct tf_rec *r = ctx;
    r->gaps[dir]++;
    r->gap_bytes[dir] += missing;
}

static inline void tf_on_close(void *ctx, struct ig_flow *f, uint64_t ts)
{
    (void)ts;
    struct tf_rec *r = ctx;
    r->closes++;
    r->last_flow = *f;
}

static inline struct ig_flow_table *tf_table(struct tf_rec *r, struct ig_config *cfg)
{
    memset(r, 0, sizeof(*r));
    struct ig_flow_callbacks cb = { r, tf_on_data, tf_on_gap, tf_on_close };
    r->t = ig_flow_table_new(cfg, &cb);
    return r->t;
}

static inline void tf_rec_free(struct tf_rec *r)
{
    free(r->buf[0]);
    free(r->buf[1]);
}

/* Decodes a raw IP packet and feeds it to the table; returns the decoder's status. */
static inline int tf_feed(struct ig_flow_table *t, const uint8_t *pkt, uint32_t len, uint64_t ts)
{
    struct ig_decode_stats st = { 0 };
    struct ig_packet p;
    int rc = ig_decode_packet(DLT_RAW, pkt, len, ts, &p, &st);
    if (rc == IG_OK)
        ig_flow_packet(t, &p);
    return rc;
}

/* One TCP conversation between a client and a server (IPv4 loopback by default). */
struct tf_conn {
    int family;
    const char *cli, *srv;
    uint16_t cport, sport;
    uint32_t cseq, sseq;     /* next sequence number of each side */
    uint64_t ts;
    struct ig_flow_table *t;
    bool bad_csum;           /* the next packet sent gets a wrong TCP checksum */
};

static inline void tf_maybe_corrupt(struct tf_conn *c, uint8_t *pkt)
{
    if (!c->bad_csum)
        return;
    pkt[(c->family == 6 ? 40 : 20) + 16] ^= 0x5a;
    c->bad_csum = false;
}

static inline void tf_send(struct tf_conn *c, bool from_client, uint8_t flags,
                           const void *data, uint32_t n)
{
    static uint8_t pkt[70000];
    uint32_t len;
    if (from_client)
        len = tf_build(pkt, c->family, c->cli, c->cport, c->srv, c->sport, c->cseq, c->sseq, flags, data, n);
    else
        len = tf_build(pkt, c->family, c->srv, c->sport, c->cli, c->cport, c->sseq, c->cseq, flags, data, n);
    tf_maybe_corrupt(c, pkt);
    tf_feed(c->t, pkt, len, c->ts);
    c->ts += 1000;
}

/* Sends a segment at an explicit sequence number without moving the side's counter. */
static inline void tf_send_at(struct tf_conn *c, bool from_client, uint32_t seq, uint8_t flags,
                              const void *data, uint32_t n)
{
    static uint8_t pkt[70000];
    uint32_t len;
    if (from_client)
        len = tf_build(pkt, c->family, c->cli, c->cport, c->srv, c->sport, seq, c->sseq, flags, data, n);
    else
        len = tf_build(pkt, c->family, c->srv, c->sport, c->cli, c->cport, seq, c->cseq, flags, data, n);
    tf_maybe_corrupt(c, pkt);
    tf_feed(c->t, pkt, len, c->ts);
    c->ts += 1000;
}

static inline void tf_handshake(struct tf_conn *c)
{
    tf_send(c, true, TF_SYN, NULL, 0);
    c->cseq++;
    tf_send(c, false, TF_SYN | TF_ACK, NULL, 0);
    c->sseq++;
    tf_send(c, true, TF_ACK, NULL, 0);
}

static inline void tf_data(struct tf_conn *c, bool from_client, const void *data, uint32_t n)
{
    tf_send(c, from_client, TF_ACK | TF_PSH, data, n);
    if (from_client)
        c->cseq += n;
    else
        c->sseq += n;
}

static inline void tf_fin(struct tf_conn *c, bool from_client)
{
    tf_send(c, from_client, TF_ACK | TF_FIN, NULL, 0);
    if (from_client)
        c->cseq++;
    else
        c->sseq++;
}

static inline void tf_cfg(struct ig_config *cfg)
{
    ig_config_defaults(cfg);
}

#endif
