/* Link layer to transport decoding. Pure function of the frame: no allocation, no state
 * besides the counters. Every reason a frame is skipped has its own counter. */
#include <string.h>
#include <netinet/in.h>
#include <pcap/dlt.h>

#include "capture/capture.h"

#define ETH_P_IPV4  0x0800
#define ETH_P_IPV6  0x86dd
#define ETH_P_VLAN  0x8100
#define ETH_P_QINQ  0x88a8
#define ETH_P_QINQ2 0x9100
#define IG_MAX_VLAN_TAGS 4
#define IG_MAX_IPV6_EXT 8

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walks TCP options; false when an option runs past the header (the packet is still used).
 * Stores the window scale shift (kind 3) in *wscale, else leaves it. */
static bool tcp_options_ok(const uint8_t *o, uint32_t n, uint8_t *wscale)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t kind = o[i];
        if (kind == 0)          /* end of list */
            return true;
        if (kind == 1) {        /* NOP */
            i++;
            continue;
        }
        if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
            return false;
        if (kind == 3 && o[i + 1] == 3)
            *wscale = IG_MIN(o[i + 2], 14);   /* RFC 7323 2.3: larger shifts mean 14 */
        i += o[i + 1];
    }
    return true;
}

uint64_t ig_csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
    /* The bytes are summed as the machine's own 32-bit halves of 8-byte words, in two
     * 64-bit accumulators (no carry is lost below 2^32 words), and the folded 16-bit sum is
     * put in network order at the end: a one's complement sum does not depend on the byte
     * order it is taken in, but for a byte swap of the result (RFC 1071, 2(B)). */
    uint64_t a = 0, b = 0;
    while (n >= 16) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, p + 8, 8);
        a += (x & 0xffffffffu) + (x >> 32);
        b += (y & 0xffffffffu) + (y >> 32);
        p += 16;
        n -= 16;
    }
    a += b;
    while (n >= 4) {
        uint32_t x;
        memcpy(&x, p, 4);
        a += x;
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        uint16_t x;
        memcpy(&x, p, 2);
        a += x;
        p += 2;
        n -= 2;
    }
    if (n) {                                 /* the last byte, padded with a zero byte */
        uint8_t last[2] = { p[0], 0 };
        uint16_t x;
        memcpy(&x, last, 2);
        a += x;
    }
    uint16_t f = ig_csum_fold(a), be;
    uint8_t o[2];
    memcpy(o, &f, 2);                        /* the folded sum's bytes as they lie in memory */
    be = (uint16_t)(o[0] << 8 | o[1]);       /* ... read in network order */
    return sum + be;
}

uint16_t ig_csum_fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

int ig_packet_csum(const struct ig_packet *p)
{
    if (!p->l3 || p->is_frag)
        return -1;
    uint64_t sum = 0;
    if (p->family == 4) {
        uint32_t hl = (uint32_t)(p->l3[0] & 0x0f) * 4;
        if (ig_csum_fold(ig_csum_add(0, p->l3, hl)) != 0xffff)
            return 0;
        sum = ig_csum_add(0, p->l3 + 12, 8);
    } else {
        sum = ig_csum_add(0, p->l3 + 8, 32);
    }
    if (!p->l4 || (p->ip_proto != IPPROTO_TCP && p->ip_proto != IPPROTO_UDP))
        return p->family == 4 ? 1 : -1;
    if (p->l4_len < p->l4_wire)
        return -1;                       /* snaplen cut it: cannot be verified */
    if (p->ip_proto == IPPROTO_UDP && p->family == 4 && rd16(p->l4 + 6) == 0)
        return 1;                        /* RFC 768: no checksum sent (IPv4 only) */
    sum += p->ip_proto;
    sum += p->l4_wire;
    sum = ig_csum_add(sum, p->l4, p->l4_wire);
    return ig_csum_fold(sum) == 0xffff ? 1 : 0;
}

/* Decodes the transport header. <l4_wire> is the length the IP header claims, <l4_cap>
 * what was captured (<= l4_wire). */
static int decode_l4(const uint8_t *l4, uint32_t l4_cap, uint32_t l4_wire,
                     struct ig_packet *out, struct ig_decode_stats *st)
{
    if (out->ip_proto == IPPROTO_TCP) {
        if (l4_wire < 20) {
            st->bad_tcp++;
            return IG_EPARSE;
        }
        if (l4_cap < 20) {
            st->truncated++;
            return IG_EPARSE;
        }
        uint32_t hl = (uint32_t)(l4[12] >> 4) * 4;
        if (hl < 20 || hl > l4_wire) {
            st->bad_tcp++;
            return IG_EPARSE;
        }
        if (hl > l4_cap) {
            st->truncated++;
            return IG_EPARSE;
        }
        out->wscale = 0xff;
        if (!tcp_options_ok(l4 + 20, hl - 20, &out->wscale))
            st->tcp_bad_options++;
        out->win = rd16(l4 + 14);
        out->sport = rd16(l4);
        out->dport = rd16(l4 + 2);
        out->seq = rd32(l4 + 4);
        out->ack = rd32(l4 + 8);
        out->tcp_flags = l4[13];
        out->payload = l4 + hl;
        out->payload_len = l4_cap - hl;
        out->payload_wire_len = l4_wire - hl;
    } else if (out->ip_proto == IPPROTO_UDP) {
        if (l4_wire < 8) {
            st->bad_udp++;
            return IG_EPARSE;
        }
        if (l4_cap < 8) {
            st->truncated++;
            return IG_EPARSE;
        }
        uint32_t ulen = rd16(l4 + 4);
        /* 0 is legal for IPv6 jumbograms only; trust the IP length then */
        if (ulen == 0)
            ulen = l4_wire;
        if (ulen < 8 || ulen > l4_wire) {
            st->bad_udp++;
            return IG_EPARSE;
        }
        out->sport = rd16(l4);
        out->dport = rd16(l4 + 2);
        out->payload = l4 + 8;
        out->payload_wire_len = ulen - 8;
        out->payload_len = IG_MIN(l4_cap, ulen) - 8;
        l4_wire = ulen;
    } else {
        st->other_l4++;                  /* ICMP, tunnels, ...: handed on, the flow table ignores them */
        out->payload = l4;
        out->payload_len = l4_cap;
        out->payload_wire_len = l4_wire;
    }
    out->l4 = l4;
    out->l4_wire = l4_wire;
    out->l4_len = IG_MIN(l4_cap, l4_wire);
    out->truncated = out->payload_len < out->payload_wire_len;
    if (out->truncated)
        st->truncated_payload++;
    return IG_OK;
}

static int decode_ipv4(const uint8_t *p, uint32_t n, struct ig_packet *out,
                       struct ig_decode_stats *st)
{
    if (n < 20) {
        st->truncated++;
        return IG_EPARSE;
    }
    if ((p[0] >> 4) != 4) {
        st->bad_ip++;
        return IG_EPARSE;
    }
    uint32_t hl = (uint32_t)(p[0] & 0x0f) * 4;
    uint32_t total = rd16(p + 2);
    if (hl < 20 || total < hl) {
        st->bad_ip++;
        return IG_EPARSE;
    }
    if (hl > n) {
        st->truncated++;
        return IG_EPARSE;
    }
    uint16_t frag = rd16(p + 6);
    /* link layers pad short frames: the IP length is the truth, the capture may be shorter */
    uint32_t cap = IG_MIN(n, total);
    out->family = 4;
    out->ip_proto = p[9];
    memcpy(out->src, p + 12, 4);
    memcpy(out->dst, p + 16, 4);
    out->l3 = p;
    out->l3_len = cap;
    if ((frag & 0x3fff) != 0) {      /* MF set or non-zero offset: for the defragmenter */
        st->fragments++;
        out->is_frag = true;
        out->frag_mf = frag & 0x2000;
        out->frag_off = (uint32_t)(frag & 0x1fff) * 8;
        out->frag_id = rd16(p + 4);
        out->payload = p + hl;
        out->payload_len = cap - hl;
        out->payload_wire_len = total - hl;
        out->truncated = out->payload_len < out->payload_wire_len;
        return IG_OK;
    }
    return decode_l4(p + hl, cap - hl, total - hl, out, st);
}

static int decode_ipv6(const uint8_t *p, uint32_t n, struct ig_packet *out,
                       struct ig_decode_stats *st)
{
    if (n < 40) {
        st->truncated++;
        return IG_EPARSE;
    }
    if ((p[0] >> 4) != 6) {
        st->bad_ip++;
        return IG_EPARSE;
    }
    uint32_t plen = rd16(p + 4);
    if (plen == 0) {                 /* jumbogram or bogus: no length to trust */
        st->bad_ip++;
        return IG_EPARSE;
    }
    uint32_t wire = 40 + plen;
    uint32_t cap = IG_MIN(n, wire);
    uint8_t nh = p[6];
    uint32_t off = 40;
    out->family = 6;
    memcpy(out->src, p + 8, 16);
    memcpy(out->dst, p + 24, 16);
    out->l3 = p;
    out->l3_len = cap;
    for (int i = 0; i < IG_MAX_IPV6_EXT; i++) {
        uint32_t len;
        switch (nh) {
        case 0: case 43: case 60: case 135: case 139: case 140:   /* hop, routing, dst, mobility, HIP, shim6 */
        case 44: case 51:                                       /* fragment, AH */
            break;
        default:
            out->ip_proto = nh;
            return decode_l4(p + off, cap - off, wire - off, out, st);
        }
        if (off + 8 > wire) {
            st->bad_ip++;
            return IG_EPARSE;
        }
        if (off + 8 > cap) {
            st->truncated++;
            return IG_EPARSE;
        }
        const uint8_t *h = p + off;
        if (nh == 44) {
            uint16_t fo = rd16(h + 2);
            if ((fo & 0xfff9) != 0) {   /* offset or M flag: a real fragment, for the defragmenter */
                st->fragments++;
                out->is_frag = true;
                out->ip_proto = h[0];
                out->frag_mf = fo & 1;
                out->frag_off = (uint32_t)(fo & 0xfff8);
                out->frag_id = rd32(h + 4);
                out->payload = h + 8;
                out->payload_len = cap - off - 8;
                out->payload_wire_len = wire - off - 8;
                out->truncated = out->payload_len < out->payload_wire_len;
                return IG_OK;
            }
            len = 8;                    /* atomic fragment: carry on */
        } else if (nh == 51) {
            len = ((uint32_t)h[1] + 2) * 4;
        } else {
            len = ((uint32_t)h[1] + 1) * 8;
        }
        if (off + len > wire) {
            st->bad_ip++;
            return IG_EPARSE;
        }
        nh = h[0];
        off += len;
        if (off > cap) {
            st->truncated++;
            return IG_EPARSE;
        }
    }
    st->bad_ip++;                       /* too many extension headers */
    return IG_EPARSE;
}

static int decode_ethertype(uint16_t type, const uint8_t *p, uint32_t n, struct ig_packet *out,
                            struct ig_decode_stats *st)
{
    for (int tags = 0; type == ETH_P_VLAN || type == ETH_P_QINQ || type == ETH_P_QINQ2; tags++) {
        if (tags == IG_MAX_VLAN_TAGS) {
            st->non_ip++;
            return IG_EPARSE;
        }
        if (n < 4) {
            st->truncated++;
            return IG_EPARSE;
        }
        type = rd16(p + 2);
        p += 4;
        n -= 4;
    }
    if (type == ETH_P_IPV4)
        return decode_ipv4(p, n, out, st);
    if (type == ETH_P_IPV6)
        return decode_ipv6(p, n, out, st);
    st->non_ip++;
    return IG_EPARSE;
}

/* Raw IP: the version nibble says which. */
static int decode_ip(const uint8_t *p, uint32_t n, struct ig_packet *out, struct ig_decode_stats *st)
{
    if (n < 1) {
        st->truncated++;
        return IG_EPARSE;
    }
    if ((p[0] >> 4) == 4)
        return decode_ipv4(p, n, out, st);
    if ((p[0] >> 4) == 6)
        return decode_ipv6(p, n, out, st);
    st->bad_ip++;
    return IG_EPARSE;
}

/* BSD loopback: a 4-byte address family in the capturing host's byte order (DLT_NULL) or
 * network order (DLT_LOOP); captures travel between machines, so both orders are tried.
 * AF_INET6 differs per OS: 10 Linux, 23 Windows, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS. */
static int decode_null(const uint8_t *p, uint32_t n, struct ig_packet *out, struct ig_decode_stats *st)
{
    if (n < 4) {
        st->truncated++;
        return IG_EPARSE;
    }
    uint32_t be = rd32(p);
    uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    uint32_t af = be < 256 ? be : le;
    switch (af) {
    case 2:
        return decode_ipv4(p + 4, n - 4, out, st);
    case 10: case 23: case 24: case 28: case 30:
        return decode_ipv6(p + 4, n - 4, out, st);
    default:
        st->non_ip++;
        return IG_EPARSE;
    }
}

int ig_decode_packet(int linktype, const uint8_t *frame, uint32_t caplen, uint64_t ts_us,
                     struct ig_packet *out, struct ig_decode_stats *st)
{
    st->packets++;
    st->bytes += caplen;
    memset(out, 0, sizeof(*out));
    out->ts_us = ts_us;
    switch (linktype) {
    case DLT_EN10MB:
        if (caplen < 14) {
            st->truncated++;
            return IG_EPARSE;
        }
        return decode_ethertype(rd16(frame + 12), frame + 14, caplen - 14, out, st);
    case DLT_LINUX_SLL:
        if (caplen < 16) {
            st->truncated++;
            return IG_EPARSE;
        }
        return decode_ethertype(rd16(frame + 14), frame + 16, caplen - 16, out, st);
    case DLT_LINUX_SLL2:
        if (caplen < 20) {
            st->truncated++;
            return IG_EPARSE;
        }
        return decode_ethertype(rd16(frame), frame + 20, caplen - 20, out, st);
    case DLT_RAW:
    case IG_LINKTYPE_RAW:
#if DLT_RAW != 14
    case 14:        /* DLT_RAW on OpenBSD, seen in files written there */
#endif
        return decode_ip(frame, caplen, out, st);
    case DLT_IPV4:
        return decode_ipv4(frame, caplen, out, st);
    case DLT_IPV6:
        return decode_ipv6(frame, caplen, out, st);
    case DLT_NULL:
    case DLT_LOOP:
        return decode_null(frame, caplen, out, st);
    default:
        st->unknown_linktype++;
        return IG_EPARSE;
    }
}
