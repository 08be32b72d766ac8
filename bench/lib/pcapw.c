/* Classic pcap writer and scripted TCP conversations (see pcapw.h). */
#include "pcapw.h"
#include "rng.h"

#include <inferguard/base.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCAPW_BUF   (1u << 20)
#define LINK_MAX    24          /* largest link header: Ethernet + 802.1Q = 18, SLL2 = 20 */
#define DLT_RAW_LINUX 12        /* DLT_RAW as <pcap/dlt.h> defines it on Linux */

struct ig_pcapw {
    FILE    *f;
    int      linktype;          /* LINKTYPE_ value recorded in the file */
    uint16_t vlan;
    uint32_t snaplen;
    int      err;
    uint64_t packets, bytes, last_ts;
    size_t   used;
    uint8_t  buf[PCAPW_BUF];    /* own buffer: one memcpy per packet, one write per MiB */
};

static void pcapw_flush(struct ig_pcapw *w)
{
    if (w->used && fwrite(w->buf, 1, w->used, w->f) != w->used)
        w->err = IG_EIO;
    w->used = 0;
}

static void pcapw_put(struct ig_pcapw *w, const void *p, size_t n)
{
    if (w->used + n > sizeof(w->buf))
        pcapw_flush(w);
    memcpy(w->buf + w->used, p, n);
    w->used += n;
    w->bytes += n;
}

struct ig_pcapw *ig_pcapw_open(const char *path, int linktype)
{
    if (linktype == DLT_RAW_LINUX)
        linktype = IG_PCAPW_RAW;
    if (linktype != IG_PCAPW_EN10MB && linktype != IG_PCAPW_NULL && linktype != IG_PCAPW_RAW &&
        linktype != IG_PCAPW_LINUX_SLL && linktype != IG_PCAPW_LINUX_SLL2) {
        errno = EINVAL;
        return NULL;
    }
    struct ig_pcapw *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->f = fopen(path, "wb");
    if (!w->f) {
        free(w);
        return NULL;
    }
    setvbuf(w->f, NULL, _IONBF, 0);   /* we buffer ourselves */
    w->linktype = linktype;
    struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t  thiszone;
        uint32_t sigfigs, snaplen, network;
    } hdr = { 0xa1b2c3d4u, 2, 4, 0, 0, 262144, (uint32_t)linktype };
    pcapw_put(w, &hdr, sizeof(hdr));
    return w;
}

void ig_pcapw_set_vlan(struct ig_pcapw *w, uint16_t vid) { w->vlan = vid & 0x0fff; }
void ig_pcapw_set_snaplen(struct ig_pcapw *w, uint32_t snaplen) { w->snaplen = snaplen; }
uint64_t ig_pcapw_packets(const struct ig_pcapw *w) { return w->packets; }
uint64_t ig_pcapw_bytes(const struct ig_pcapw *w) { return w->bytes; }
uint64_t ig_pcapw_last_ts(const struct ig_pcapw *w) { return w->last_ts; }
int ig_pcapw_linktype(const struct ig_pcapw *w) { return w->linktype; }

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

/* Builds the link header for an IP packet of version <ver>; returns its length. */
static size_t pcapw_link(const struct ig_pcapw *w, int ver, uint8_t *h)
{
    uint16_t etype = ver == 6 ? 0x86dd : 0x0800;
    static const uint8_t mac_dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
    static const uint8_t mac_src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
    switch (w->linktype) {
    case IG_PCAPW_EN10MB:
        memcpy(h, mac_dst, 6);
        memcpy(h + 6, mac_src, 6);
        if (w->vlan) {
            put16(h + 12, 0x8100);
            put16(h + 14, w->vlan);
            put16(h + 16, etype);
            return 18;
        }
        put16(h + 12, etype);
        return 14;
    case IG_PCAPW_LINUX_SLL:
        put16(h, 0);                 /* packet type: to us */
        put16(h + 2, 1);             /* ARPHRD_ETHER */
        put16(h + 4, 6);
        memcpy(h + 6, mac_src, 6);
        put16(h + 12, 0);
        put16(h + 14, etype);
        return 16;
    case IG_PCAPW_LINUX_SLL2:
        put16(h, etype);
        put16(h + 2, 0);
        put32(h + 4, 1);             /* interface index */
        put16(h + 8, 1);             /* ARPHRD_ETHER */
        h[10] = 0;                   /* packet type */
        h[11] = 6;
        memcpy(h + 12, mac_src, 6);
        h[18] = h[19] = 0;
        return 20;
    case IG_PCAPW_NULL: {
        /* DLT_NULL: address family in the writing host's byte order (Linux values). */
        uint32_t af = ver == 6 ? 10 : 2;
        memcpy(h, &af, 4);
        return 4;
    }
    default:
        return 0;                    /* RAW */
    }
}

int ig_pcapw_write_ip(struct ig_pcapw *w, uint64_t ts_us, const uint8_t *ip, size_t n)
{
    if (n == 0 || n > IG_PCAPW_MAX_IP)
        return IG_ELIMIT;
    uint8_t link[LINK_MAX];
    size_t ln = pcapw_link(w, ip[0] >> 4, link);
    uint32_t orig = (uint32_t)(ln + n), incl = orig;
    if (w->snaplen && incl > w->snaplen)
        incl = w->snaplen;
    uint32_t rec[4] = { (uint32_t)(ts_us / 1000000u), (uint32_t)(ts_us % 1000000u), incl, orig };
    pcapw_put(w, rec, sizeof(rec));
    if (incl <= ln) {
        pcapw_put(w, link, incl);
    } else {
        pcapw_put(w, link, ln);
        pcapw_put(w, ip, incl - ln);
    }
    w->packets++;
    w->last_ts = ts_us;
    return w->err;
}

int ig_pcapw_close(struct ig_pcapw *w)
{
    if (!w)
        return 0;
    pcapw_flush(w);
    int rc = w->err;
    if (fclose(w->f) != 0)
        rc = IG_EIO;
    free(w);
    return rc;
}

/* One's-complement sum, not folded; callers chain pseudo header and segment. */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
    while (n >= 2) {
        sum += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        n -= 2;
    }
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t ig_pcapw_csum(const void *p, size_t n, uint32_t seed_sum)
{
    return csum_fold(csum_add(seed_sum, p, n));
}

/* ---- conversations ---- */

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10 };

static void conv_defaults(struct ig_tcpconv *c, struct ig_pcapw *w, uint32_t cli_isn,
                          uint32_t srv_isn, uint64_t ts_us)
{
    c->w = w;
    c->cli_seq = cli_isn;
    c->srv_seq = srv_isn;
    c->ack_for[0] = cli_isn;
    c->ack_for[1] = srv_isn;
    c->mss = 1460;
    c->ts_us = ts_us;
    c->ts_step_us = 10;
    c->push_last = true;
    c->ip_id = (uint16_t)(cli_isn ^ srv_isn);
}

int ig_tcpconv_init(struct ig_tcpconv *c, struct ig_pcapw *w,
                    const char *cli_ip, uint16_t cli_port,
                    const char *srv_ip, uint16_t srv_port,
                    uint32_t cli_isn, uint32_t srv_isn, uint64_t ts_us)
{
    memset(c, 0, sizeof(*c));
    if (inet_pton(AF_INET, cli_ip, c->cli_ip) == 1 && inet_pton(AF_INET, srv_ip, c->srv_ip) == 1)
        c->family = 4;
    else if (inet_pton(AF_INET6, cli_ip, c->cli_ip) == 1 &&
             inet_pton(AF_INET6, srv_ip, c->srv_ip) == 1)
        c->family = 6;
    else
        return IG_ECONF;
    c->cli_port = cli_port;
    c->srv_port = srv_port;
    conv_defaults(c, w, cli_isn, srv_isn, ts_us);
    return IG_OK;
}

void ig_tcpconv_init_v4(struct ig_tcpconv *c, struct ig_pcapw *w,
                        uint32_t cli_ip, uint16_t cli_port, uint32_t srv_ip, uint16_t srv_port,
                        uint32_t cli_isn, uint32_t srv_isn, uint64_t ts_us)
{
    memset(c, 0, sizeof(*c));
    c->family = 4;
    put32(c->cli_ip, cli_ip);
    put32(c->srv_ip, srv_ip);
    c->cli_port = cli_port;
    c->srv_port = srv_port;
    conv_defaults(c, w, cli_isn, srv_isn, ts_us);
}

/* Emits one TCP segment from side <dir> (0 client, 1 server). */
size_t ig_tcpconv_build(struct ig_tcpconv *c, bool from_server, uint8_t flags, uint32_t seq, uint32_t ack,
                        const void *payload, size_t n, uint8_t *pkt)
{
    int dir = from_server;
    const uint8_t *data = payload;
    const uint8_t *src = dir ? c->srv_ip : c->cli_ip, *dst = dir ? c->cli_ip : c->srv_ip;
    size_t iph = c->family == 6 ? 40 : 20;
    size_t th = (flags & TH_SYN) ? 24 : 20;
    if (iph + th + n > IG_PCAPW_MAX_IP)
        return 0;
    uint8_t *t = pkt + iph;
    uint16_t tcplen = (uint16_t)(th + n);
    uint64_t sum;

    if (c->family == 6) {
        put32(pkt, 0x60000000u);
        put16(pkt + 4, tcplen);
        pkt[6] = 6;
        pkt[7] = 64;
        memcpy(pkt + 8, src, 16);
        memcpy(pkt + 24, dst, 16);
        sum = csum_add(0, pkt + 8, 32);
    } else {
        pkt[0] = 0x45;
        pkt[1] = 0;
        put16(pkt + 2, (uint16_t)(iph + tcplen));
        put16(pkt + 4, c->ip_id++);
        put16(pkt + 6, 0x4000);      /* DF */
        pkt[8] = 64;
        pkt[9] = 6;
        put16(pkt + 10, 0);
        memcpy(pkt + 12, src, 4);
        memcpy(pkt + 16, dst, 4);
        put16(pkt + 10, csum_fold(csum_add(0, pkt, 20)));
        sum = csum_add(0, pkt + 12, 8);
    }
    sum += 6 + tcplen;               /* pseudo header: protocol and TCP length */

    put16(t, dir ? c->srv_port : c->cli_port);
    put16(t + 2, dir ? c->cli_port : c->srv_port);
    put32(t + 4, seq);
    put32(t + 8, (flags & TH_ACK) ? ack : 0);
    t[12] = (uint8_t)((th / 4) << 4);
    t[13] = flags;
    put16(t + 14, 64240);
    put16(t + 16, 0);
    put16(t + 18, 0);
    if (flags & TH_SYN) {
        t[20] = 2;
        t[21] = 4;
        put16(t + 22, c->mss);
    }
    if (n)
        memcpy(t + th, data, n);
    put16(t + 16, csum_fold(csum_add(sum, t, tcplen)));
    return iph + tcplen;
}

static int conv_emit(struct ig_tcpconv *c, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
                     const uint8_t *data, size_t n)
{
    uint8_t pkt[IG_PCAPW_MAX_IP];
    size_t len = ig_tcpconv_build(c, dir, flags, seq, ack, data, n, pkt);
    if (!len)
        return IG_ELIMIT;
    int rc = ig_pcapw_write_ip(c->w, c->ts_us, pkt, len);
    c->ts_us += c->ts_step_us;
    c->segments++;
    return rc;
}

static uint32_t *conv_seq(struct ig_tcpconv *c, int dir) { return dir ? &c->srv_seq : &c->cli_seq; }

int ig_tcpconv_handshake(struct ig_tcpconv *c)
{
    int rc = conv_emit(c, 0, TH_SYN, c->cli_seq, 0, NULL, 0);
    c->cli_seq++;
    c->ack_for[0] = c->cli_seq;
    rc |= conv_emit(c, 1, TH_SYN | TH_ACK, c->srv_seq, c->cli_seq, NULL, 0);
    c->srv_seq++;
    c->ack_for[1] = c->srv_seq;
    rc |= conv_emit(c, 0, TH_ACK, c->cli_seq, c->srv_seq, NULL, 0);
    return rc ? IG_EIO : IG_OK;
}

/* State of one send: byte offsets relative to its start keep wrap-around out of the way. */
struct send_ctx {
    struct ig_tcpconv *c;
    int dir;
    const uint8_t *data;
    size_t n, hi;          /* hi = highest end offset emitted */
    size_t hole;           /* offset of the earliest missing byte, or SIZE_MAX */
    uint32_t base;         /* sequence number of offset 0 */
    unsigned since_ack;
    bool stuck;            /* an earlier send left a hole: the receiver keeps acking it */
    int rc;
};

static void send_ack(struct send_ctx *s)
{
    struct ig_tcpconv *c = s->c;
    size_t upto = s->hole != SIZE_MAX && s->hole < s->hi ? s->hole : s->hi;
    uint32_t ack = s->stuck ? c->ack_for[s->dir] : s->base + (uint32_t)upto;
    c->ack_for[s->dir] = ack;
    s->rc |= conv_emit(c, !s->dir, TH_ACK, *conv_seq(c, !s->dir), ack, NULL, 0);
    s->since_ack = 0;
}

static void send_range(struct send_ctx *s, size_t off, size_t len)
{
    struct ig_tcpconv *c = s->c;
    uint8_t fl = TH_ACK;
    if (c->push_last && off + len == s->n)
        fl |= TH_PSH;
    s->rc |= conv_emit(c, s->dir, fl, s->base + (uint32_t)off, c->ack_for[!s->dir],
                       s->data + off, len);
    if (off + len > s->hi)
        s->hi = off + len;
    if (++s->since_ack >= 2)
        send_ack(s);
}

static int conv_send(struct ig_tcpconv *c, int dir, const void *data, size_t n,
                     enum ig_tcp_fault f, unsigned seg)
{
    if (n == 0)
        return IG_OK;
    size_t mss = c->mss ? c->mss : 1460;
    size_t nseg = (n + mss - 1) / mss;
    struct send_ctx s = { c, dir, data, n, 0, SIZE_MAX, *conv_seq(c, dir), 0, false, 0 };
    s.stuck = c->ack_for[dir] != s.base;
    if (seg >= nseg || (nseg < 2 && f != IG_TCPF_DUP && f != IG_TCPF_DROP))
        f = IG_TCPF_NONE;
    if (f != IG_TCPF_NONE)
        c->faults++;
#define SEG_LEN(k) ((k) + 1 == nseg ? n - (k) * mss : mss)

    for (size_t k = 0; k < nseg; k++) {
        size_t off = k * mss, len = SEG_LEN(k);
        if (k == seg && f == IG_TCPF_REORDER && k + 1 < nseg) {
            s.hole = off;
            send_range(&s, off + len, SEG_LEN(k + 1));
            s.hole = SIZE_MAX;
            send_range(&s, off, len);
            k++;
            continue;
        }
        if (k == seg && f == IG_TCPF_DROP) {
            s.hole = off;
            continue;
        }
        if (k == seg && f == IG_TCPF_RETX_LATE) {
            s.hole = off;
            continue;
        }
        send_range(&s, off, len);
        if (k == seg && f == IG_TCPF_DUP)
            send_range(&s, off, len);
        if (f == IG_TCPF_OVERLAP && k == (size_t)seg + 1) {
            /* Spans the second half of segment k-1 and the first half of k. */
            size_t prev = (k - 1) * mss;
            size_t a = prev + mss / 2, b = off + len / 2;
            if (b > a)
                send_range(&s, a, b - a);
        }
    }
    if (f == IG_TCPF_RETX_LATE) {
        size_t off = (size_t)seg * mss;
        c->ts_us += 200 * (uint64_t)c->ts_step_us;  /* a retransmission timeout later */
        s.hole = SIZE_MAX;
        send_range(&s, off, SEG_LEN((size_t)seg));
    }
#undef SEG_LEN
    if (s.since_ack || f == IG_TCPF_RETX_LATE || f == IG_TCPF_DROP)
        send_ack(&s);
    *conv_seq(c, dir) = s.base + (uint32_t)n;
    c->bytes_sent[dir] += n;
    return s.rc ? IG_EIO : IG_OK;
}

/* Picks at most one random fault for a send of <n> bytes (see struct ig_tcpchaos). */
static enum ig_tcp_fault conv_chaos(struct ig_tcpconv *c, size_t n, unsigned *seg)
{
    const struct ig_tcpchaos *k = &c->chaos;
    if (!(k->reorder_pm | k->dup_pm | k->overlap_pm | k->retx_pm | k->drop_pm))
        return IG_TCPF_NONE;
    size_t mss = c->mss ? c->mss : 1460;
    size_t nseg = (n + mss - 1) / mss;
    if (nseg < 2)
        return IG_TCPF_NONE;
    if (!c->rng)
        c->rng = k->seed ^ 0x5bd1e995u;
    const struct { uint16_t pm; enum ig_tcp_fault f; } kinds[] = {
        { k->reorder_pm, IG_TCPF_REORDER }, { k->dup_pm, IG_TCPF_DUP },
        { k->overlap_pm, IG_TCPF_OVERLAP }, { k->retx_pm, IG_TCPF_RETX_LATE },
        { k->drop_pm, IG_TCPF_DROP },
    };
    for (size_t i = 0; i < IG_ARRAY_LEN(kinds); i++) {
        if (kinds[i].pm && ig_rng_below(&c->rng, 1000) < kinds[i].pm) {
            *seg = ig_rng_below(&c->rng, (uint32_t)(nseg - 1));  /* k+1 exists */
            return kinds[i].f;
        }
    }
    return IG_TCPF_NONE;
}

int ig_tcpconv_client_send(struct ig_tcpconv *c, const void *data, size_t n)
{
    unsigned seg = 0;
    enum ig_tcp_fault f = conv_chaos(c, n, &seg);
    return conv_send(c, 0, data, n, f, seg);
}

int ig_tcpconv_server_send(struct ig_tcpconv *c, const void *data, size_t n)
{
    unsigned seg = 0;
    enum ig_tcp_fault f = conv_chaos(c, n, &seg);
    return conv_send(c, 1, data, n, f, seg);
}

int ig_tcpconv_send_fault(struct ig_tcpconv *c, bool from_server, const void *data, size_t n,
                          enum ig_tcp_fault f, unsigned seg)
{
    return conv_send(c, from_server ? 1 : 0, data, n, f, seg);
}

int ig_tcpconv_fin(struct ig_tcpconv *c, bool from_server)
{
    int d = from_server ? 1 : 0;
    uint32_t *me = conv_seq(c, d), *peer = conv_seq(c, !d);
    int rc = conv_emit(c, d, TH_FIN | TH_ACK, *me, c->ack_for[!d], NULL, 0);
    bool clean = c->ack_for[d] == *me;      /* no hole left: the FIN can be acknowledged */
    (*me)++;
    if (clean)
        c->ack_for[d] = *me;
    rc |= conv_emit(c, !d, TH_FIN | TH_ACK, *peer, c->ack_for[d], NULL, 0);
    (*peer)++;
    c->ack_for[!d] = *peer;
    rc |= conv_emit(c, d, TH_ACK, *me, c->ack_for[!d], NULL, 0);
    return rc ? IG_EIO : IG_OK;
}

int ig_tcpconv_rst(struct ig_tcpconv *c, bool from_server)
{
    int d = from_server ? 1 : 0;
    return conv_emit(c, d, TH_RST | TH_ACK, *conv_seq(c, d), c->ack_for[!d], NULL, 0)
               ? IG_EIO : IG_OK;
}
