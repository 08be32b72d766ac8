/* inferguard bench/tests: a classic-pcap writer and scripted TCP conversations.
 *
 * The writer frames IPv4/IPv6 packets in one of several link layers; a conversation
 * tracks both sides' sequence numbers and turns "client sends these bytes" into
 * MSS-sized segments with ACKs, correct checksums and optional faults (reorder,
 * duplicate, drop, overlap, late retransmission) so reassembly code can be tested
 * against a known byte stream. Nothing here allocates per packet. */
#ifndef IG_PCAPW_H
#define IG_PCAPW_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Link types accepted by ig_pcapw_open (DLT_* values of <pcap/dlt.h>; for DLT_RAW
 * both 12 and LINKTYPE_RAW 101 are accepted). The file records the LINKTYPE_ value. */
#define IG_PCAPW_EN10MB      1
#define IG_PCAPW_NULL        0
#define IG_PCAPW_RAW         101
#define IG_PCAPW_LINUX_SLL   113
#define IG_PCAPW_LINUX_SLL2  276

/* Largest IP packet the writer frames (IP header + TCP + payload). */
#define IG_PCAPW_MAX_IP 65535

struct ig_pcapw;

/* Creates <path> (truncating) and writes the pcap file header with microsecond
 * timestamps. Returns NULL (errno set, EINVAL for an unknown linktype) on failure. */
struct ig_pcapw *ig_pcapw_open(const char *path, int linktype);

/* Tags every following Ethernet frame with an 802.1Q header carrying <vid>
 * (1..4094); 0 turns tagging off. Ignored for non-Ethernet link types. */
void ig_pcapw_set_vlan(struct ig_pcapw *w, uint16_t vid);

/* Appends one packet: <ip> is a complete IPv4 or IPv6 packet of <n> bytes; the writer
 * adds the link header. <snaplen> 0 = whole packet, else the stored capture is
 * truncated to that many bytes of frame (for tests of truncated captures).
 * Returns 0 or IG_EIO / IG_ELIMIT (packet too large). */
int ig_pcapw_write_ip(struct ig_pcapw *w, uint64_t ts_us, const uint8_t *ip, size_t n);
void ig_pcapw_set_snaplen(struct ig_pcapw *w, uint32_t snaplen);

/* Packets and bytes (file bytes, headers included) written so far; last timestamp. */
uint64_t ig_pcapw_packets(const struct ig_pcapw *w);
uint64_t ig_pcapw_bytes(const struct ig_pcapw *w);
uint64_t ig_pcapw_last_ts(const struct ig_pcapw *w);
int      ig_pcapw_linktype(const struct ig_pcapw *w);

/* Flushes and closes; returns 0 or IG_EIO when any write failed. NULL is a no-op. */
int ig_pcapw_close(struct ig_pcapw *w);

/* ---- scripted TCP conversations ---- */

/* One fault applied to one segment of a send (segments numbered from 0). */
enum ig_tcp_fault {
    IG_TCPF_NONE = 0,
    IG_TCPF_REORDER,    /* segment k is emitted after segment k+1 */
    IG_TCPF_DUP,        /* segment k is emitted twice in a row (spurious retransmission) */
    IG_TCPF_DROP,       /* segment k is never emitted: the stream has a gap */
    IG_TCPF_OVERLAP,    /* after k+1, a retransmission spanning the k|k+1 boundary (same bytes) */
    IG_TCPF_RETX_LATE,  /* segment k is lost, then retransmitted after the last segment */
};

/* Random faults for a whole conversation: each send of two or more segments rolls once
 * per kind (per-mille) and the first kind that hits applies to a random segment, so a
 * send has at most one fault. All kinds except drop keep the byte stream intact. */
struct ig_tcpchaos {
    uint64_t seed;
    uint16_t reorder_pm, dup_pm, overlap_pm, retx_pm, drop_pm;
};

struct ig_tcpconv {
    struct ig_pcapw *w;
    uint8_t  family;                 /* 4 or 6 */
    uint8_t  cli_ip[16], srv_ip[16]; /* network order; IPv4 in the first 4 bytes */
    uint16_t cli_port, srv_port;     /* host order */
    uint32_t cli_seq, srv_seq;       /* next sequence number each side sends */
    uint32_t ack_for[2];             /* what the receiver of direction d acknowledges */
    uint16_t mss;                    /* payload bytes per segment, default 1460 */
    uint64_t ts_us;                  /* timestamp of the next packet */
    uint32_t ts_step_us;             /* added after every packet, default 10 */
    uint16_t ip_id;
    bool     push_last;              /* PSH on the last segment of a send (default true) */
    struct ig_tcpchaos chaos;        /* all zero = no random faults */
    uint64_t rng;
    /* counters */
    uint64_t segments, faults, bytes_sent[2];  /* [0] client->server, [1] server->client */
};

/* Sets up a conversation between two textual addresses (both IPv4 or both IPv6).
 * Sequence numbers start at <cli_isn>/<srv_isn>; timestamps at <ts_us>.
 * Returns 0, or IG_ECONF for unparsable or mixed-family addresses. */
int ig_tcpconv_init(struct ig_tcpconv *c, struct ig_pcapw *w,
                    const char *cli_ip, uint16_t cli_port,
                    const char *srv_ip, uint16_t srv_port,
                    uint32_t cli_isn, uint32_t srv_isn, uint64_t ts_us);
/* Same with binary IPv4 addresses (host order), for the generator's hot loop. */
void ig_tcpconv_init_v4(struct ig_tcpconv *c, struct ig_pcapw *w,
                        uint32_t cli_ip, uint16_t cli_port, uint32_t srv_ip, uint16_t srv_port,
                        uint32_t cli_isn, uint32_t srv_isn, uint64_t ts_us);

/* SYN (with MSS option), SYN-ACK, ACK. The ISNs are consumed: data starts at isn+1.
 * Without a handshake the conversation simply starts mid-stream at the ISNs. */
int ig_tcpconv_handshake(struct ig_tcpconv *c);

/* Sends <n> bytes from one side as MSS segments; the peer ACKs every second segment
 * and the last one. Chaos faults, if configured, apply. Returns 0 or IG_EIO. */
int ig_tcpconv_client_send(struct ig_tcpconv *c, const void *data, size_t n);
int ig_tcpconv_server_send(struct ig_tcpconv *c, const void *data, size_t n);
/* Same with one explicit fault on segment <seg> (no chaos for this call);
 * <from_server> picks the direction. A fault on a missing segment is ignored. */
int ig_tcpconv_send_fault(struct ig_tcpconv *c, bool from_server, const void *data, size_t n,
                          enum ig_tcp_fault f, unsigned seg);

/* Builds (does not write) one IP packet of the conversation into <pkt> (IG_PCAPW_MAX_IP
 * bytes): any flags, sequence and acknowledgment numbers, correct checksums, IPv4 DF set
 * and the next IP id. Returns its length, 0 when too large. For crafted tricks
 * (bench/lib/gen_tricks.c); the counters and clock are not touched. */
size_t ig_tcpconv_build(struct ig_tcpconv *c, bool from_server, uint8_t flags, uint32_t seq, uint32_t ack,
                        const void *payload, size_t n, uint8_t *pkt);

/* FIN from one side, FIN-ACK from the other, final ACK. */
int ig_tcpconv_fin(struct ig_tcpconv *c, bool from_server);
/* A single RST from one side. */
int ig_tcpconv_rst(struct ig_tcpconv *c, bool from_server);

/* Moves the conversation's clock forward by <us> (idle time between packets). */
static inline void ig_tcpconv_wait(struct ig_tcpconv *c, uint64_t us) { c->ts_us += us; }

/* Internet checksum helpers, exposed for tests: one's-complement sum over <n> bytes
 * folded into 16 bits and complemented. */
uint16_t ig_pcapw_csum(const void *p, size_t n, uint32_t seed_sum);

#endif
