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
};

struct ig_decode_stats {
    uint64_t packets, bytes;
    uint64_t unknown_linktype, truncated, bad_ip, bad_tcp, non_ip, fragments, other_l4;
    uint64_t bad_udp;            /* UDP length field inconsistent: skipped */
    uint64_t tcp_bad_options;    /* option list malformed: packet still used (stacks accept it) */
    uint64_t truncated_payload;  /* headers complete, payload cut by snaplen: used, flagged */
    uint64_t kernel_drops;       /* live: packets the kernel ring or interface dropped */
};

/* Link types accepted besides libpcap's DLT_* values (LINKTYPE_RAW as stored in files). */
#define IG_LINKTYPE_RAW 101

/* Decodes one frame of DLT <linktype>. Returns IG_OK with *out filled, or a negative
 * status after counting the reason in <st> (the caller skips the packet). */
int ig_decode_packet(int linktype, const uint8_t *frame, uint32_t caplen, uint64_t ts_us,
                     struct ig_packet *out, struct ig_decode_stats *st);

struct ig_capture;
/* Opens a pcap or pcapng file. */
int  ig_capture_open_file(struct ig_capture **c, const char *path, char *err, size_t errlen);
/* Opens a live interface: non-blocking, immediate mode, snaplen from config; bpf may be "". */
int  ig_capture_open_live(struct ig_capture **c, const char *iface, uint32_t snaplen,
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
