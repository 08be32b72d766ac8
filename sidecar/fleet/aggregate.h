/* The fleet's detect stage (`inferguard aggregate`): events of every pod, as they arrive
 * from the events topic, put back in event-time order within a bounded lateness window and
 * handed to one detector engine, whose findings are marked fleet findings (unmapped.scope
 * "fleet", unmapped.pods) and held back when a pod, or an earlier run of the aggregator,
 * already reported the same client and analytic within the analytic's throttle window
 * (a pod's finding: before this one, or at most the lateness window after it).
 * Kafka-free: cmd_aggregate.c feeds it from the consumer (and tests feed it directly). */
#ifndef IG_FLEET_AGGREGATE_H
#define IG_FLEET_AGGREGATE_H

#include <stdio.h>
#include <inferguard/config.h>
#include <inferguard/event.h>
#include <inferguard/rules.h>

#define IG_FLEET_MAX_PARTITIONS 1024

/* A lag distribution in ms: log-spaced buckets (8 per doubling, ~9 % wide), so summaries can
 * say the median and the 99th percentile without keeping samples. */
#define IG_FLEET_LAG_BUCKETS 192
struct ig_fleet_lag {
    uint64_t n, sum, max;
    uint32_t hist[IG_FLEET_LAG_BUCKETS];
};
void ig_fleet_lag_add(struct ig_fleet_lag *l, uint64_t ms);
/* The upper edge (ms) of the bucket holding quantile q in [0, 1], at most the maximum seen. */
uint64_t ig_fleet_lag_q(const struct ig_fleet_lag *l, double q);
/* "<what> N: median M, p99 P, mean A, max X ms" */
void ig_fleet_lag_print(FILE *out, const char *what, const struct ig_fleet_lag *l);

struct ig_fleet_stats {
    uint64_t events, released, late, replayed, bad_records, dropped_revoked;
    uint64_t raised, emitted, held_told, held_replay;
    uint64_t pod_findings, clients, clients_full, buffered_max;
    uint64_t told_msgpack, told_unreadable;   /* findings-topic records: msgpack ones read, others skipped */
    uint64_t left_to_role;                    /* findings this role leaves to the other (below) */
    uint64_t released_idle;                   /* released by the wall clock (ig_fleet_agg_clock) */
    /* flags (a member's or a pod's finding) for a client this engine had not seen yet,
     * applied after its first event here; dropped: the table was full */
    uint64_t flags_late, flags_dropped;
    /* flags applied on receipt though their event time was not released yet (too many
     * waiting): earlier than one sensor would */
    uint64_t flags_early;
    /* live (not replayed) events at their release to the detectors: the wall clock less
     * their request time on the pod's wire (needs ig_fleet_agg_clock) */
    struct ig_fleet_lag inspect_lag;
    /* pods' watermarks (ig_fleet_agg_pod_mark): watermark records read, pods seen, pods that
     * said they stopped, pods no longer waited for (silent or behind past the pod timeout)
     * and pods back after that; (pod, partition) pairs beyond the table (not waited for) */
    uint64_t wm_records, pods, pods_left, pods_timed_out, pods_back, marks_full;
    /* the most the pods' minimum held the release behind the partitions' own (µs) */
    uint64_t wm_held_max_us;
};

/* What an aggregator instance runs (docs/fleet.md, "Per-model state"):
 * - ALL: every detector, every finding (one process seeing every partition; tests);
 * - CLIENTS: a member's per-client detectors over its partitions: every detector except the
 *   model-scope ones (extraction.coverage, drift, abuse.rate), and no model-wide finding;
 * - MODELS: the model owner's (the member assigned the events topic's partition 0): the
 *   model-scope detectors over every partition, whose reference and windows are then the
 *   whole fleet's, plus the model-wide finding (no client) of detectors that also count
 *   every client (leakage.scores). */
enum ig_fleet_role { IG_FLEET_ALL, IG_FLEET_CLIENTS, IG_FLEET_MODELS };

struct ig_fleet_agg;

/* Builds the findings stage (sinks from cfg, as analyze) and the engine from rules.
 * lateness_us: how long an event waits for earlier ones from other pods. NULL + err. */
struct ig_fleet_agg *ig_fleet_agg_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                      uint64_t lateness_us, char *err, size_t errlen);
/* The same for one role. <share>: use that instance's findings stage (one output, one
 * throttle, one Kafka producer per process); it must outlive this one and finish after it. */
struct ig_fleet_agg *ig_fleet_agg_new_role(const struct ig_config *cfg, const struct ig_rules *rules,
                                           uint64_t lateness_us, enum ig_fleet_role role,
                                           struct ig_fleet_agg *share, char *err, size_t errlen);
/* Per-client findings <a> raises also mark the client flagged in <to>'s engine from the
 * finding's time on, the raising event included (drift on the model owner keeps flagged
 * clients' rows out, as one sensor does), and <to> releases
 * no event newer than what <a> inspected while <a> has events waiting or partitions still
 * being read, so those flags come first. NULL: none. */
void ig_fleet_agg_flag_to(struct ig_fleet_agg *a, struct ig_fleet_agg *to);
/* One record of the findings topic was msgpack (read) or unreadable (skipped): counted. */
void ig_fleet_agg_count_told(struct ig_fleet_agg *a, bool msgpack, bool unreadable);
/* One event from <pod> (copied). <replay>: the partition is being re-read up to its
 * committed offset to rebuild detector state: fed to the detectors, findings held back.
 * partition/offset say where it came from (commits, revocation). */
void ig_fleet_agg_event(struct ig_fleet_agg *a, const struct ig_event *ev, const char *pod,
                        bool replay, int32_t partition, int64_t offset);
/* A finding already on the findings topic: a pod's own (fleet = false) or a fleet finding
 * (fleet = true: an earlier aggregator run, another member). time_us: its time. The client
 * is marked flagged by it (severity: OCSF severity_id) once this instance has released the
 * events up to that time, as one sensor flags it at the event that raised the finding. */
void ig_fleet_agg_told(struct ig_fleet_agg *a, const char *client, const char *analytic,
                       uint64_t time_us, bool fleet, uint8_t severity);
/* The flags this instance's engine holds for <client> (0: none, or not seen yet). */
uint32_t ig_fleet_agg_client_flags(const struct ig_fleet_agg *a, const char *client);
/* A pod's watermark as <partition> carries it (an event record's `wm`, or a watermark
 * record: heartbeat or, <bye>, the pod stopped): every event of <pod> that completed before
 * wm_us was published to that partition ahead of this record. The release then waits for
 * the minimum over the pods still publishing (docs/fleet.md "Event time"): a pod is no
 * longer waited for at a partition once it said bye, once nothing came from it there for
 * the pod timeout (wall clock), or once its watermark is more than the pod timeout behind
 * the newest watermark; counted and logged, and waited for again at its next record. */
void ig_fleet_agg_pod_mark(struct ig_fleet_agg *a, const char *pod, int32_t partition, uint64_t wm_us, bool bye,
                           int64_t offset);
/* The pod timeout (default 10 s); 0: pods' watermarks are not waited for (the release
 * follows the partitions' newest event times alone, as before watermarks). */
void ig_fleet_agg_pod_timeout(struct ig_fleet_agg *a, uint64_t timeout_us);
/* <partition> was assigned: until it delivers an event or ends, nothing newer than what it
 * delivered before is released (its events may be the oldest). */
void ig_fleet_agg_partition_start(struct ig_fleet_agg *a, int32_t partition);
/* The consumer reached the end of <partition> (what is there was read): it stops holding
 * back the release of other partitions' events until its next event. */
void ig_fleet_agg_partition_end(struct ig_fleet_agg *a, int32_t partition);
/* The findings topic is being read (ig_fleet_agg_told): findings raised while replaying are
 * then held back only when that topic says they were told already; without it, every
 * finding raised on a replayed event is held back. */
void ig_fleet_agg_told_known(struct ig_fleet_agg *a);
/* The wall clock now (µs since the epoch; set before each advance). While no partition is
 * being read (every one at its end: the consumer has caught up), event time is taken to go
 * on with the wall clock from the arrival of the newest event, so a stream that goes quiet
 * has its last <lateness> of events (and their findings) released <lateness> after it
 * stopped, not held until traffic resumes. Never set: event time only (batch, tests). */
void ig_fleet_agg_clock(struct ig_fleet_agg *a, uint64_t wall_us);
/* Releases every event older than the newest event time minus the lateness window, in
 * event-time order, and ticks the detectors. "Newest" is the newest event time of the
 * partition furthest behind among those still being read, and no later than the lowest
 * watermark of the pods still publishing. <all>: release everything (idle, end). */
void ig_fleet_agg_advance(struct ig_fleet_agg *a, bool all);
/* The offset to commit for <partition>: the oldest event of it still waiting, else one past
 * the last released; -1 when nothing was seen. */
int64_t ig_fleet_agg_commit_offset(const struct ig_fleet_agg *a, int32_t partition);
/* The partition was revoked: its waiting events are dropped (the next owner reads them
 * from the committed offset). Returns the last offset released to the detectors (-1 none):
 * the engine's state of its clients goes up to there. */
int64_t ig_fleet_agg_revoke(struct ig_fleet_agg *a, int32_t partition);
/* Polls the sinks (delivery reports). */
void ig_fleet_agg_poll(struct ig_fleet_agg *a);
/* Waits up to timeout_ms for the findings told so far to be delivered (before partitions
 * go to another member, which reads them back to hold back its repeats). */
void ig_fleet_agg_flush(struct ig_fleet_agg *a, int timeout_ms);
/* End: everything released, detectors finish, findings flushed (kafka.flush_timeout) and
 * sinks closed. Then the summary. */
void ig_fleet_agg_finish(struct ig_fleet_agg *a);
void ig_fleet_agg_summary(const struct ig_fleet_agg *a, FILE *out);
/* findings.suppress read again (SIGHUP): the compiled list (findings/suppress.h, owned from
 * now on) replaces the one of the findings stage this member's aggregators share, from the
 * next fleet finding on (ig_findings_replace_suppress). */
struct ig_suppressor;
void ig_fleet_agg_replace_suppress(struct ig_fleet_agg *a, struct ig_suppressor *s);
const struct ig_fleet_stats *ig_fleet_agg_stats(const struct ig_fleet_agg *a);
void ig_fleet_agg_free(struct ig_fleet_agg *a);

#endif
