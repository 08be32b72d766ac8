/* Flows and TCP reassembly. The flow table is keyed by the 5-tuple in both directions,
 * has an idle timeout and a memory cap (eviction counted), and a separate list for flows
 * whose SYN is unanswered. IP fragments are reassembled first (defrag.c), checksums
 * verified (capture.checksums), and RST/FIN/SYN act only as on Linux (RFC 5961).
 * Reassembly delivers each direction's bytes in order to the callbacks below with Linux's
 * overlap policy (see reasm.c); tricks mark the flow (ig_flow.evasion). */
#ifndef IG_FLOW_H
#define IG_FLOW_H

#include <inferguard/event.h>
#include "capture/capture.h"
#include "flow/defrag.h"

/* enum ig_flow_dir: <inferguard/base.h> */

struct ig_flow {
    struct ig_endpoint client, server;   /* client = the side that sent SYN (or guessed) */
    uint64_t first_us, last_us;
    uint16_t ndpi_master, ndpi_app;      /* nDPI protocol ids once classified, else 0 */
    bool     classified;
    void    *app;                        /* owned by the flow callbacks' user (HTTP state) */
    uint32_t app_kind;                   /* what app points to; 0 = nothing yet */
    uint32_t evasion;                    /* IG_EVA_* tricks seen on this connection */
    bool     midstream;                  /* picked up without its handshake: it was open
                                          * before the capture or the sensor started */
    bool     app_swapped;                /* for app's owner: its client is .server (the guess
                                          * above was wrong), its directions reversed */
    uint16_t app_wait[2];                /* for app's owner: a mid-stream flow's bytes per
                                          * direction (KiB) while its protocol is undecided */
    char    *evasion_note;               /* evidence of the first one (owned by the table), or NULL */
};

struct ig_flow_callbacks {
    void *ctx;
    /* In-order bytes of one direction. */
    void (*data)(void *ctx, struct ig_flow *f, enum ig_flow_dir dir,
                 const uint8_t *p, size_t n, uint64_t ts_us);
    /* <missing> bytes will never arrive in <dir> (gap in the capture). */
    void (*gap)(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, uint64_t missing, uint64_t ts_us);
    /* Flow ends (FIN both ways, RST, idle timeout, eviction, end of capture): release f->app. */
    void (*close)(void *ctx, struct ig_flow *f, uint64_t ts_us);
};

struct ig_flow_stats {
    uint64_t flows_created, flows_closed, flows_timed_out, flows_evicted, flows_midstream;
    uint64_t segments, bytes_delivered, retransmits, overlaps, overlap_conflicts;
    uint64_t out_of_order, gaps, gap_bytes, stream_cap_drops, memcap_drops, non_tcp;
    uint64_t active_flows, bytes_buffered;
    uint64_t by_proto[8];   /* flows per coarse protocol at close, see ig_flow_proto_names */
    uint64_t syn_reuse;     /* new SYN on a live tuple: old flow closed, new one opened */
    /* control segments the server's stack would not act on (RFC 5961, RFC 793 3.9) */
    uint64_t rst_ignored, fin_ignored, syn_ignored;
    uint64_t csum_bad;             /* segments dropped for a wrong checksum */
    uint64_t csum_offload_dirs;    /* directions not checked (auto: all wrong from the start) */
    uint64_t csum_merged;          /* segments over 1500 bytes (GRO/TSO) with checksums not checked */
    uint64_t embryonic_evicted, embryonic_timed_out, embryonic_active;
    uint64_t evasion_flows;        /* flows marked with an evasion trick */
    uint64_t stream_conflicts;     /* overlapping TCP data with other bytes (with evidence) */
    struct ig_defrag_stats defrag;
};

/* nDPI's allocations while it classifies flows (classify.c): served by the classifier's
 * pool, blocks of it out now, and those that went to the heap (larger than 512 bytes, or a
 * size class used up). */
/* nDPI's blocks: flow data from the classifier's pool (pooled, in use) or the heap; its
 * start-up tables: bytes cut from the classifier's table block, and those that did not fit
 * (heap calls). */
struct ig_flow_ndpi_alloc { uint64_t pooled, in_use, heap, tab_bytes, tab_heap; };

/* Buckets of ig_flow_stats.by_proto (the full per-name list is ig_flow_proto_counts). */
enum ig_flow_proto { IG_FP_UNKNOWN, IG_FP_HTTP, IG_FP_HTTP2, IG_FP_TLS, IG_FP_OTHER, IG_FP_COUNT };
extern const char *const ig_flow_proto_names[IG_FP_COUNT];

struct ig_flow_table;
struct ig_config;
struct ig_flow_table *ig_flow_table_new(const struct ig_config *cfg,
                                        const struct ig_flow_callbacks *cb);
/* Feeds one decoded packet (any protocol; non-TCP is counted). */
void ig_flow_packet(struct ig_flow_table *t, const struct ig_packet *pkt);
/* Times out idle flows on the capture clock. */
void ig_flow_tick(struct ig_flow_table *t, uint64_t now_us);
/* Closes every flow (end of capture / shutdown), delivering what can be delivered. */
void ig_flow_flush(struct ig_flow_table *t, uint64_t now_us);
const struct ig_flow_stats *ig_flow_stats(const struct ig_flow_table *t);
struct ig_flow_ndpi_alloc ig_flow_ndpi_alloc_stats(const struct ig_flow_table *t);
/* Parse shards (pipeline/shards.c): the position of the packet about to be fed in the whole
 * input; a flow remembers the position of the packet that last moved it in the table's
 * LRU order. ig_flow_close_order is then, for a flow being ended by ig_flow_tick (flush:
 * ig_flow_flush), a key that orders the flows of several tables fed from one input exactly
 * as one table fed the whole input would end them. */
void ig_flow_set_seq(struct ig_flow_table *t, uint64_t seq);
uint64_t ig_flow_close_order(const struct ig_flow *f, bool flush);
/* Flow counts per nDPI protocol name, for the summary: calls <fn> once per protocol seen. */
/* The same with each protocol's rank in that list's order (parse shards merge their lists). */
void ig_flow_proto_counts_ranked(const struct ig_flow_table *t,
                                 void (*fn)(void *ctx, uint32_t rank, const char *proto, uint64_t flows),
                                 void *ctx);
void ig_flow_proto_counts(const struct ig_flow_table *t,
                          void (*fn)(void *ctx, const char *proto, uint64_t flows), void *ctx);
/* True when nDPI classified <f> as HTTP (or a protocol carried over HTTP). */
bool ig_flow_is_http(const struct ig_flow_table *t, const struct ig_flow *f);
/* True when <f> was classified as HTTP/2. */
bool ig_flow_is_http2(const struct ig_flow_table *t, const struct ig_flow *f);
/* True when the client's SYN was seen: the first bytes of each direction are the first
 * bytes of the connection. */
bool ig_flow_from_start(const struct ig_flow_table *t, const struct ig_flow *f);
void ig_flow_table_free(struct ig_flow_table *t);

#endif
