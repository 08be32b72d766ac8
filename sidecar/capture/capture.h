/* Capture: pcap/pcapng files and live interfaces through libpcap, and link-layer to
 * transport decoding. Unknown link types and malformed packets are counted, never fatal. */
#ifndef IG_CAPTURE_H
#define IG_CAPTURE_H

#include <inferguard/base.h>

/* One decoded packet; pointers are into the capture buffer, valid until the next packet. */
struct ig_packet {
    uint64_t ts_us;
    uint8_t  family;            /* 4 or 6 */
    uint8_t  ip_proto;          /* IPPROTO_TCP, IPPROTO_UDP, ... */
    uint8_t  src[16], dst[16];  /* network order; IPv4 in the first 4 bytes */
    uint16_t sport, dport;      /* host order */
    uint8_t  tcp_flags;         /* TH_FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10 */
    uint32_t seq, ack;          /* host order */
    const uint8_t *l3;          /* IP header, for nDPI */
    uint32_t l3_len;            /* captured bytes from l3 on */
    const uint8_t *payload;     /* transport payload */
    uint32_t payload_len;       /* captured payload bytes (may be < on-wire when truncated) */
    uint32_t payload_wire_len;  /* on-wire payload bytes from the IP length (>= payload_len) */
    bool     truncated;         /* snaplen cut this packet's payload */
    const uint8_t *l4;          /* transport header (TCP/UDP), for checksums */
    uint32_t l4_len, l4_wire;   /* captured / on-wire bytes from l4 on */
    uint16_t win;               /* TCP window field as sent (unscaled) */
    uint8_t  wscale;            /* TCP window scale option (RFC 7323), 0xff = absent */
    /* IP fragment (IPv4 MF or offset, IPv6 fragment header): payload is the fragment's
     * data, ip_proto the protocol it carries, ports and TCP fields unset. The flow table
     * reassembles fragments (flow/defrag.c) and feeds the datagram back as a packet. */
    bool     is_frag;
    bool     frag_mf;           /* more fragments follow */
    uint32_t frag_off;          /* byte offset of this fragment's data */
    uint32_t frag_id;           /* IPv4 identification or IPv6 fragment id */
    /* Set on a reassembled datagram by defrag: IG_EVA_* bits and evidence text (valid
     * until the next packet), or 0 / NULL. */
    uint32_t evasion;
    const char *evasion_note;
    bool     reassembled;       /* rebuilt from IP fragments by defrag */
};

struct ig_decode_stats {
    uint64_t packets, bytes;
    uint64_t unknown_linktype, truncated, bad_ip, bad_tcp, non_ip, fragments, other_l4;
    uint64_t bad_udp;            /* UDP length field inconsistent: skipped */
    uint64_t tcp_bad_options;    /* option list malformed: packet still used (stacks accept it) */
    uint64_t truncated_payload;  /* headers complete, payload cut by snaplen: used, flagged */
    uint64_t kernel_drops;       /* live: packets the kernel ring or interface dropped */
    uint64_t clock_steps;        /* timestamps stepped back over 1 s (capture/clock.h) */
    uint64_t clock_step_ms;      /* ... by this much in all: later packets moved forward */
    uint64_t clock_outliers;     /* single packets stamped over 60 s ahead: held at the latest time */
};

/* Checksums of a decoded packet: IPv4 header, and TCP/UDP over the pseudo-header (RFC 793,
 * RFC 768, RFC 8200 8.1). Returns 1 when all verify, 0 when one is wrong, -1 when it
 * cannot be told (L4 bytes not all captured, fragment, other protocol). */
int ig_packet_csum(const struct ig_packet *p);
/* Internet checksum (RFC 1071) partial sum of <n> bytes, to be folded by the caller. */
uint64_t ig_csum_add(uint64_t sum, const uint8_t *p, size_t n);
uint16_t ig_csum_fold(uint64_t sum);

/* Link types accepted besides libpcap's DLT_* values (LINKTYPE_RAW as stored in files). */
#define IG_LINKTYPE_RAW 101

/* Decodes one frame of DLT <linktype>. Returns IG_OK with *out filled, or a negative
 * status after counting the reason in <st> (the caller skips the packet). */
int ig_decode_packet(int linktype, const uint8_t *frame, uint32_t caplen, uint64_t ts_us,
                     struct ig_packet *out, struct ig_decode_stats *st);

struct ig_capture;
/* Opens a pcap or pcapng file. Classic pcap files in this machine's byte order are read
 * from a mapping of the file (same packets as libpcap gives; ig_capture_file_map = false,
 * for tests, has libpcap read every file). */
extern bool ig_capture_file_map;
/* Opens a pcap or pcapng file. */
int  ig_capture_open_file(struct ig_capture **c, const char *path, char *err, size_t errlen);
/* Opens a live interface: non-blocking, block mode, snaplen and kernel ring size
 * (capture.buffer_size; 0 = 64 MiB) from config; bpf may be "". */
int  ig_capture_open_live(struct ig_capture **c, const char *iface, uint32_t snaplen, uint64_t buffer_bytes,
                          const char *bpf, char *err, size_t errlen);
/* Reads the next frame and decodes it; frames that do not decode are counted in the
 * stats and skipped. Returns IG_OK (packet in *out), IG_AGAIN (live: nothing buffered
 * now; also after 4096 skipped frames in a row — call again), IG_DONE (end of file or
 * ig_capture_break), or IG_EIO (read error; a file cut mid-record ends this way). */
int  ig_capture_next(struct ig_capture *c, struct ig_packet *out);
int  ig_capture_fd(struct ig_capture *c);           /* live: selectable fd, else -1 */
void ig_capture_break(struct ig_capture *c);
/* Counters so far; for a live capture also reads the kernel's drop counters. */
const struct ig_decode_stats *ig_capture_stats(struct ig_capture *c);
uint64_t ig_capture_file_offset(const struct ig_capture *c);   /* for progress; 0 live */
void ig_capture_close(struct ig_capture *c);

#endif
