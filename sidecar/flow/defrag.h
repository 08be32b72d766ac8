/* IPv4 and IPv6 fragment reassembly (RFC 791, RFC 815, RFC 8200 4.5) with the overlap
 * policy of the protected host, a memory cap and a timeout on the capture clock. Owned by
 * the flow table; fragments come in as decoded packets (ig_packet.is_frag). */
#ifndef IG_DEFRAG_H
#define IG_DEFRAG_H

#include "capture/capture.h"

/* How overlapping fragments are resolved (Novak, "Target-Based Fragmentation
 * Reassembly", 2005; the names Snort's frag3 and Suricata use). IG_DEFRAG_LINUX is the
 * kernel of today: since 4.19 (IPv4) and RFC 5722 (IPv6) any overlap that is not an exact
 * duplicate discards the whole datagram, and an exact duplicate keeps the first copy. */
enum ig_defrag_policy {
    IG_DEFRAG_LINUX = 0,
    IG_DEFRAG_LINUX_OLD,   /* frag3 "linux": a later fragment wins unless it starts after */
    IG_DEFRAG_BSD,         /* a later fragment wins where it starts before the earlier one */
    IG_DEFRAG_FIRST,       /* the first copy of every byte wins */
    IG_DEFRAG_LAST,        /* the last copy wins */
    IG_DEFRAG_WINDOWS,     /* a later one wins only where it starts before and ends after */
    IG_DEFRAG_SOLARIS,     /* as windows, also when it ends at the same byte */
};
/* "linux", "linux-old", ...; -1 when unknown. */
int ig_defrag_policy_parse(const char *s);

struct ig_defrag_stats {
    uint64_t fragments;        /* fragments taken in */
    uint64_t reassembled;      /* datagrams completed and handed on */
    uint64_t timeouts;         /* datagrams incomplete at the timeout: dropped */
    uint64_t memcap_drops;     /* datagrams dropped to stay under defrag.memcap */
    uint64_t overlaps;         /* datagrams with overlapping fragments */
    uint64_t conflicts;        /* ... whose copies of a byte differ (evasion) */
    uint64_t overlap_discards; /* datagrams discarded for an overlap (policy linux) */
    uint64_t bad;              /* inconsistent lengths, past 65535 bytes, too many fragments */
    uint64_t bytes_held;       /* now */
};

struct ig_defrag;
/* <memcap> bytes of fragments and trackers; <timeout_us> from a datagram's first fragment. */
struct ig_defrag *ig_defrag_new(uint64_t memcap, uint64_t timeout_us, enum ig_defrag_policy policy);
void ig_defrag_free(struct ig_defrag *d);

/* The result of one fragment. */
struct ig_defrag_out {
    const uint8_t *dgram;      /* an IP datagram (header + all data), valid until the next call */
    uint32_t len;
    bool     evasion_only;     /* the host discards this datagram: dgram holds only the first
                                * fragment, so the flow can be told; its data is not used */
    uint32_t evasion;          /* IG_EVA_FRAG_* bits */
    const char *note;          /* evidence of the trick, or NULL */
};

/* Takes one fragment (pkt->is_frag). Returns IG_OK with *out filled when a datagram is
 * complete (or discarded with evidence: out->evasion_only), IG_AGAIN when more fragments
 * are awaited or the fragment was dropped (counted). Expires old datagrams on the way. */
int  ig_defrag_feed(struct ig_defrag *d, const struct ig_packet *pkt, struct ig_defrag_out *out);
/* Drops datagrams older than the timeout at <now_us>. */
void ig_defrag_tick(struct ig_defrag *d, uint64_t now_us);
const struct ig_defrag_stats *ig_defrag_stats(const struct ig_defrag *d);

#endif
