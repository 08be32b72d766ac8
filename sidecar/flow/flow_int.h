/* Flow table internals shared by the table (flow.c), reassembly (reasm.c) and nDPI
 * classification (classify.c). Not a contract: only sidecar/flow/ includes it. */
#ifndef IG_FLOW_INT_H
#define IG_FLOW_INT_H

#include "flow/flow.h"
#include "flow/defrag.h"

/* Out-of-order bytes are queued in fixed blocks from a free list: a 64 KiB loopback segment
 * takes several blocks, a 1460-byte one takes one, and no allocation happens per packet. */
#define IG_BLK_SIZE 2048u
#define IG_BLK_DATA (IG_BLK_SIZE - 16u)
struct ig_blk {
    struct ig_blk *next;   /* sorted by seq, never overlapping */
    uint32_t seq;
    uint32_t len;
    uint8_t  data[IG_BLK_DATA];
};

enum { IG_HALF_KNOWN = 1, IG_HALF_FIN = 2, IG_HALF_DONE = 4, IG_HALF_SYN = 8 };
/* Checksum state of one direction (capture.checksums: auto). */
enum { IG_CK_UNKNOWN = 0, IG_CK_VERIFY = 1, IG_CK_OFFLOAD = 2 };
/* The last bytes delivered per direction, to compare retransmissions against. */
#define IG_HIST 128u

/* One direction of a TCP connection. */
struct ig_half {
    struct ig_blk *q;      /* queued out-of-order bytes */
    uint32_t next_seq;     /* next byte to deliver */
    uint32_t fin_seq;      /* sequence number of the FIN, when IG_HALF_FIN */
    uint32_t q_bytes;      /* data bytes queued */
    uint32_t q_blocks;     /* blocks queued: their memory counts against flow.stream_max_bytes */
    uint32_t isn;          /* when IG_HALF_SYN */
    uint32_t ack;          /* last ACK this side sent (its RCV.NXT), when ack_known */
    uint16_t win;          /* last window this side advertised, unscaled */
    uint8_t  wscale;       /* window scale from this side's SYN, 0xff = none/unknown */
    uint8_t  state;
    uint8_t  csum;         /* IG_CK_* */
    uint8_t  csum_good;    /* good data segments in a row while IG_CK_OFFLOAD */
    bool     bad_pending;  /* a data segment with a bad checksum was dropped: [bad_seq, bad_end) */
    uint32_t bad_seq, bad_end;
    char     bad_ex[40];   /* its first bytes, for the evidence */
    bool     ack_known;
    uint16_t hist_len;     /* valid bytes in hist, up to IG_HIST */
    uint8_t  hist[IG_HIST];   /* delivered bytes [next_seq - hist_len, next_seq), ring by seq */
};

struct ndpi_flow_struct;

struct ig_flow_entry {
    struct ig_flow pub;                    /* what callbacks see; first member */
    struct ig_flow_entry *hnext;           /* hash chain */
    struct ig_flow_entry *lprev, *lnext;   /* LRU list, least recent first */
    uint32_t hash;
    struct ig_half half[2];                /* indexed by enum ig_flow_dir */
    struct ndpi_flow_struct *ndpi;         /* while classifying only */
    uint16_t ndpi_payload_pkts;
    uint8_t  proto;                        /* enum ig_flow_proto once known */
    bool     http2;
    uint8_t  lru;                          /* 0 = established list, 1 = embryonic list */
    bool     rst_in_window;                /* an in-window RST was ignored (challenge ACK) */
    bool     syn_pending;                  /* a SYN with a new ISN was ignored: pending_isn */
    uint8_t  ctl_pending;                  /* an ignored RST/FIN/SYN that data followed = trick */
    uint32_t pending_isn;
    char     ctl_what[120];                 /* what was ignored, for the evidence */
    uint64_t lru_seq;                      /* the table's seq when last appended to its LRU list */
};

struct ig_lru { struct ig_flow_entry *head, *tail; uint32_t n; };

struct ig_slab { struct ig_slab *next; };

struct ig_flow_table {
    struct ig_flow_callbacks cb;
    uint32_t max_flows;
    uint64_t idle_us;
    uint64_t memcap;
    uint32_t stream_max;
    uint16_t model_ports[16];
    uint32_t n_model_ports;
    uint32_t seed;

    uint32_t embryonic_max;
    uint64_t embryonic_us;
    uint8_t  csum_mode;                    /* 0 auto, 1 on, 2 off */
    struct ig_defrag *defrag;

    struct ig_flow_entry **buckets;
    uint32_t mask;
    struct ig_lru lru[2];                  /* [0] established (and mid-stream), [1] embryonic */

    struct ig_flow_entry *free_entries;
    struct ig_blk *free_blks;
    struct ig_slab *slabs;
    uint64_t blk_mem;                      /* bytes in blocks in use; with the live entries,
                                            * what flow.memcap bounds */

    struct ig_classifier *cls;
    struct ig_flow_stats st;
    uint64_t seq;                          /* the caller's input position (ig_flow_set_seq) */
};

/* TCP sequence numbers compared in serial-number arithmetic (RFC 1982): a - b. */
static inline int32_t ig_seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

/* Evasion bookkeeping (evasion.c), for the table and reassembly alike. */
/* Marks <e> as the target of an evasion trick (IG_EVA_* bit); the first note is kept. */
void ig_flow_evasion(struct ig_flow_table *t, struct ig_flow_entry *e, uint32_t bit, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Printable excerpt of bytes for evidence (\xNN escapes); returns dst. */
char *ig_flow_excerpt(char *dst, size_t cap, const uint8_t *p, size_t n);
/* The receive window of the side that gets <dir>'s segments, in bytes; when the handshake
 * was not seen the scale is unknown and the largest one is assumed. */
uint64_t ig_flow_rcv_window(const struct ig_flow_entry *e, enum ig_flow_dir dir);
/* Is a RST from <dir> with <seq> one Linux acts on? Exactly at RCV.NXT (RFC 5961 3.2), or
 * RCV.NXT - 1 after a FIN (tcp_reset_check()). Sets *in_window for the challenge-ACK case.
 * With nothing known of the sender, it is believed. */
bool ig_flow_rst_acceptable(const struct ig_flow_entry *e, enum ig_flow_dir dir, uint32_t seq, bool *in_window);
/* Whether a FIN placing the end of <dir> at <fpos> is one the receiver acts on: at or after
 * what was delivered and inside the receive window (RFC 793 3.9 "SEGMENT ARRIVES"); counts
 * and remembers it when not. */
bool ig_flow_fin_acceptable(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir, uint32_t fpos);
/* A TCP control segment the server would ignore: counted in *counter, remembered; the trick
 * is reported once data follows on the connection (a real stray RST ends the talk). */
void ig_flow_ctl_ignored(struct ig_flow_entry *e, uint64_t *counter, const char *what, uint32_t seq, uint32_t expect);

/* Reassembly (reasm.c). */
void ig_flow_reasm_segment(struct ig_flow_table *t, struct ig_flow_entry *e,
                           enum ig_flow_dir dir, const struct ig_packet *pkt);
/* Delivers what is queued in <dir>, reporting holes as gaps (closing time). */
void ig_flow_reasm_drain_all(struct ig_flow_table *t, struct ig_flow_entry *e,
                             enum ig_flow_dir dir, uint64_t ts_us);
/* Returns every queued block of both directions to the pool without delivering. */
void ig_flow_reasm_release(struct ig_flow_table *t, struct ig_flow_entry *e);
struct ig_blk *ig_flow_blk_get(struct ig_flow_table *t);
void ig_flow_blk_put(struct ig_flow_table *t, struct ig_blk *b);

/* nDPI classification (classify.c). */
struct ig_classifier;
struct ig_classifier *ig_flow_cls_new(void);
void ig_flow_cls_free(struct ig_classifier *c);
/* Runs nDPI on <pkt> when <e> is still being classified; called before its payload is
 * delivered so that the first data callback already knows the protocol. */
void ig_flow_cls_packet(struct ig_flow_table *t, struct ig_flow_entry *e, const struct ig_packet *pkt,
                        enum ig_flow_dir dir);
/* Final verdict at close (nDPI give-up when still undecided), counted per protocol. */
void ig_flow_cls_finish(struct ig_flow_table *t, struct ig_flow_entry *e);
void ig_flow_cls_counts_ranked(const struct ig_classifier *c,
                               void (*fn)(void *ctx, uint32_t rank, const char *proto, uint64_t flows),
                               void *ctx);
void ig_flow_cls_counts(const struct ig_classifier *c,
                        void (*fn)(void *ctx, const char *proto, uint64_t flows), void *ctx);

#endif
