/* The findings stage: takes struct ig_finding from detectors, holds back (counts, never
 * publishes) those a findings.suppress entry matches (suppress.h), throttles repeats of the same
 * (client, analytic, model) within a window into one finding with a count, enriches it
 * (ATLAS names and tactics from rules/atlas.yaml's table, pod metadata from the Kubernetes
 * downward API environment), encodes it as an OCSF Detection Finding (JSON or msgpack),
 * and writes it to every open sink. */
#ifndef IG_FINDINGS_H
#define IG_FINDINGS_H

#include <inferguard/config.h>
#include <inferguard/finding.h>
#include <inferguard/sink.h>
#include <inferguard/rules.h>

#include <stdio.h>

struct ig_findings_stats {
    uint64_t raised;          /* findings detectors raised */
    uint64_t emitted;         /* OCSF records written (Creates + Updates) */
    uint64_t throttled;       /* raises folded into an open group (reported by its Update) */
    uint64_t updates;         /* Update records (activity_id 2) for groups with count > 1 */
    uint64_t evicted;         /* groups closed early because the throttle table was full */
    uint64_t encode_errors;   /* findings that could not be encoded (too large): dropped */
    uint64_t atlas_unknown;   /* ATLAS ids not in the table (kept as bare uids) */
    /* findings.suppress: raises matched by an entry, never published (in raised, not in
     * emitted); per entry in configuration order (suppress_entries of them) */
    uint64_t suppressed;
    uint64_t suppress_entries;
    uint64_t suppressed_by[IG_CONFIG_MAX_SUPPRESS];
    uint64_t suppress_reloads;   /* lists handed to ig_findings_replace_suppress (as of the last one taken) */
};

struct ig_findings;
/* The findings stage's rules block and its params (max_groups), checked with the detectors'. */
extern const struct ig_param_block ig_findings_throttle;
/* Reads the ATLAS table from <cfg->rules_dir>/atlas.yaml (built-in copy when absent), the
 * pod metadata from the environment, findings.encoding from cfg and the throttle windows
 * from <rules> (ig_rules_throttle_us, default 60 s; 0 = no throttling for that analytic;
 * detector block "findings.throttle" param max_groups, default 1024). rules is borrowed and must outlive <f>.
 * Returns NULL with one sentence in err on a bad atlas.yaml or encoding. */
struct ig_findings *ig_findings_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                    char *err, size_t errlen);
/* Adds a sink (takes ownership of the opened state). */
int  ig_findings_add_sink(struct ig_findings *f, const struct ig_sink *sink, void *state);
/* The ig_emit to hand to the engine. */
const struct ig_emit *ig_findings_emit(struct ig_findings *f);
/* Flushes throttle windows that ended before <now_us>, polls sinks. */
void ig_findings_tick(struct ig_findings *f, uint64_t now_us);
/* Flushes everything (end of analyze / shutdown) within timeout_ms and closes the sinks. */
void ig_findings_close(struct ig_findings *f, uint64_t now_us, int timeout_ms);
/* Waits up to timeout_ms until no finding is in flight to any sink (the sinks' poll with a
 * timeout), without closing anything: what was told is on the broker (aggregate, before it
 * hands partitions to another member). */
void ig_findings_flush(struct ig_findings *f, int timeout_ms);
const struct ig_findings_stats *ig_findings_stats(const struct ig_findings *f);
/* Sink counters, for the summary: calls <fn> per sink. */
void ig_findings_sink_stats(const struct ig_findings *f,
                            void (*fn)(void *ctx, const char *sink, const struct ig_sink_stats *s),
                            void *ctx);
void ig_findings_free(struct ig_findings *f);
/* findings.suppress read again (SIGHUP in `run`): <s> (a compiled list, owned by the stage
 * from now on) replaces the running list at the stage's next finding, tick or close, on the
 * thread that emits findings; any thread may call this (a list not yet taken is replaced).
 * The total suppressed count carries on; per-entry counts start at zero for the new entries. */
struct ig_suppressor;
void ig_findings_replace_suppress(struct ig_findings *f, struct ig_suppressor *s);
/* The run summary's "suppressed" line, one count per findings.suppress entry of <cfg>
 * (nothing when it has none). */
void ig_findings_suppress_summary(const struct ig_findings_stats *st, const struct ig_config *cfg, FILE *out);
/* The rule set findings name from now on (metadata.labels "rules_sha256:<hex>"); called at
 * start and by a rules reload, on the thread that emits findings. */
void ig_findings_set_rules(struct ig_findings *f, const struct ig_rules *rules);

/* An encoder for tools, tests and benches: the built-in ATLAS table and the pod metadata
 * of the environment, read when it is made. NULL with one sentence in err. Read-only once
 * made: threads may share one. */
struct ig_finding_encoder;
struct ig_finding_encoder *ig_finding_encoder_new(char *err, size_t errlen);
void ig_finding_encoder_free(struct ig_finding_encoder *e);

/* Encodes one finding as OCSF JSON (one line, no newline, NUL-terminated) into buf, with
 * <e>'s ATLAS table and pod metadata. Returns the length, or 0 when
 * it does not fit. count/first/last describe a throttled group: count 1 = a Create
 * (activity_id 1), count > 1 = the group's Update (activity_id 2). Allocates; not for hot
 * paths (the stage reuses its buffers). Fields: docs/ocsf-finding.md. */
size_t ig_finding_to_ocsf_json(const struct ig_finding_encoder *e, const struct ig_finding *f,
                               uint64_t count, uint64_t first_us, uint64_t last_us, char *buf,
                               size_t cap);
/* The same object as msgpack (a map), for findings.encoding: msgpack. Same return rule. */
size_t ig_finding_to_ocsf_msgpack(const struct ig_finding_encoder *e, const struct ig_finding *f,
                                  uint64_t count, uint64_t first_us, uint64_t last_us, char *buf,
                                  size_t cap);

#endif
