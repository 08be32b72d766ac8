/* Parse shards (flow.parse_shards >= 2): flows, TCP reassembly, HTTP and the adapters run on
 * N shard threads instead of the calling thread, which only reads packets, deals them out
 * and merges what the shards made of them back into the one order a single parser emits.
 *
 * The ownership rule: a shard owns every flow between two addresses (a symmetric hash of
 * the address pair, so IP fragments, which carry no ports, meet their flow), with its flow
 * table, reassembly, HTTP/HTTP2 state, identity resolution and decoding scratch; nothing of
 * it is shared. The calling thread (the coordinator) owns the order: it numbers every
 * input (packet, tick, end of input) and hands it to its shard (ticks and the end to all);
 * each shard tags what it emits with the input's number, and for flows ended by a tick or
 * the end with the flow's place in its table's LRU order (ig_flow_close_order), which is
 * the order one table ends them in. The coordinator takes records in (number, place) order
 * once no shard can still emit an earlier one, then writes events, runs the event hook and
 * hands events and ticks to the detect stage exactly as the single parser does, so
 * events, findings and reports are byte for byte the same.
 *
 * What differs: each shard gets 1/N of flow.max_flows, flow.memcap, flow.embryonic_max,
 * defrag.memcap and http.memcap, so once those limits bite (eviction, memcaps), what is
 * given up depends on the shard's share; a capture whose packets' timestamps run backwards
 * across flows may see idle flows time out in another order. */
#ifndef IG_PIPELINE_SHARDS_H
#define IG_PIPELINE_SHARDS_H

#include <stdio.h>
#include <inferguard/config.h>

#include "capture/capture.h"
#include "flow/flow.h"
#include "http/http_conn.h"
#include "http2/h2_conn.h"
#include "pipeline/counters.h"
#include "pipeline/drop_reasons.h"

#define IG_SHARDS_MAX 8
#define IG_SHARD_PROTOS 16

struct ig_pipeline;
struct ig_event;
struct ig_shards;

/* One shard's counters as of its last tick (all of them once it has stopped). */
struct ig_shard_counts {
    struct ig_flow_stats flow;
    struct ig_http_stats http;
    struct ig_h2_stats h2;
    struct ig_parse_stats parse;
    uint64_t events_by_proto[IG_PROTO__COUNT];
    struct ig_drop_reasons drops;
    struct { uint32_t rank; char name[32]; uint64_t n; } proto[IG_SHARD_PROTOS];   /* by rank */
    uint32_t nproto;
};
/* Adds <n> flows of protocol <name> at <rank> (ig_flow_proto_counts_ranked) to <c>, kept in
 * rank order. */
void ig_shard_counts_proto(struct ig_shard_counts *c, uint32_t rank, const char *name, uint64_t n);

/* What a shard gave up, as totals at one tick (the parsing side's part of evasion.overload). */
struct ig_shard_load {
    uint64_t flow_memcap, flows_evicted, http_bodies, http_unpaired;
    uint32_t n_affected;                  /* newest first-come entries below */
    struct ig_endpoint affected[IG_HTTP_AFFECTED][2];
};

/* What the coordinator's pipeline lends the shards (pipeline.c): how a shard's parse-only
 * pipeline is made and freed, and where the merged records go. Lent rather than called by
 * name, so that the pipeline uses the shards and not the other way round too. */
struct ig_shard_ops {
    struct ig_pipeline *(*new_parser)(const struct ig_config *cfg, void *shard, char *err, size_t errlen);
    void (*free_parser)(struct ig_pipeline *p);
    void (*event)(struct ig_pipeline *coord, const struct ig_event *ev);
    void (*tick)(struct ig_pipeline *coord, uint64_t now_us, const struct ig_shard_load *l);
};

/* Starts <n> shard threads, each with a parse-only pipeline made by ops->new_parser from its
 * share of <cfg> (kept here). <coord> receives the merged records through ops->event and
 * ops->tick. NULL with one sentence in err. */
struct ig_shards *ig_shards_new(struct ig_pipeline *coord, const struct ig_shard_ops *ops,
                                const struct ig_config *cfg, uint32_t n, char *err, size_t errlen);
/* Coordinator: one packet to its shard, then whatever can be merged. */
void ig_shards_packet(struct ig_shards *s, const struct ig_packet *pkt);
/* Coordinator: every shard ticks its flows at now_us; once merged, ops->tick runs. */
void ig_shards_tick(struct ig_shards *s, uint64_t now_us);
/* Coordinator: every shard ends all its flows (end of input). */
void ig_shards_flush(struct ig_shards *s, uint64_t now_us);
/* Coordinator: waits until everything handed out so far is merged. */
void ig_shards_drain(struct ig_shards *s);
/* Coordinator: drains, stops and joins the threads (their counters stay readable). */
void ig_shards_stop(struct ig_shards *s);
/* Any thread: the sum of the shards' published counters added into <out>. */
void ig_shards_counts(const struct ig_shards *s, struct ig_shard_counts *out);
/* The summary's line (threads, CPU seconds each after stop); on the coordinator's thread,
 * whose CPU seconds so far it gives too. */
void ig_shards_summary(const struct ig_shards *s, FILE *out);
void ig_shards_free(struct ig_shards *s);

/* Shard side, called by a shard's own pipeline (pipeline.c): an event it decoded
 * (borrowed for the call), and where its flow-closing records belong. */
void ig_shard_event(void *shard, const struct ig_event *ev);
void ig_shard_close_order(void *shard, uint64_t order);

#endif
