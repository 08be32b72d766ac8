/* The pipeline of one worker: packets → flows → HTTP transactions → inference events →
 * detectors → findings → sinks. Each arrow is one function call on this thread; no stage
 * reaches back into an earlier one. */
#ifndef IG_PIPELINE_H
#define IG_PIPELINE_H

#include <stdio.h>
#include <inferguard/config.h>
#include <inferguard/rules.h>
#include "capture/capture.h"

struct ig_pipeline;

/* Builds every stage from <cfg> and <rules> (rules may be NULL: defaults). Opens the
 * findings and events outputs named in cfg. On failure writes one sentence into err. */
struct ig_pipeline *ig_pipeline_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                    char *err, size_t errlen);
/* One decoded packet. Drives time-based work (idle flows, windows) on the capture clock,
 * which does not step back (capture/clock.h: a later packet stamped over 1 s before the
 * latest time seen is moved forward, and so are the ones after it). */
void ig_pipeline_packet(struct ig_pipeline *p, const struct ig_packet *pkt);
/* What the capture clock adds to packets' own times since its steps back (0 without). */
uint64_t ig_pipeline_clock_offset(const struct ig_pipeline *p);
/* One request/response pair from a source other than packets (mirror ingest, e.g. KServe
 * payload-logger CloudEvents): the same adapters, identity resolvers, events and detectors
 * as a captured transaction; moves the clock to the transaction's time as a packet does.
 * <t> is borrowed for the call. */
struct ig_http_txn;
void ig_pipeline_txn(struct ig_pipeline *p, const struct ig_http_txn *t);
/* Time passes without packets (live capture): runs timeouts and windows up to <now_us>. */
void ig_pipeline_tick(struct ig_pipeline *p, uint64_t now_us);
/* Decode failures seen by the capture layer, added to the summary. */
void ig_pipeline_add_capture_stats(struct ig_pipeline *p, const struct ig_decode_stats *st);
/* End of input: closes every flow, lets detectors finish (the drift detector writes its
 * last, partial window's report), flushes findings (within kafka.flush_timeout) and closes
 * the sinks. Call once; afterwards only ig_pipeline_summary and ig_pipeline_free. */
void ig_pipeline_finish(struct ig_pipeline *p);
/* run: the live capture's kernel drops so far (evasion.overload sees them at the next tick). */
void ig_pipeline_note_kernel_drops(struct ig_pipeline *p, uint64_t total);
/* Writes "" or "partly blind: kernel_drops=N, ..." (totals of what was given up) into <out>. */
void ig_pipeline_load_text(struct ig_pipeline *p, char *out, size_t cap);
/* Writes the human summary: packets, flows, transactions, events, findings per detector,
 * every drop counter with its reason. */
void ig_pipeline_summary(const struct ig_pipeline *p, FILE *out);
uint64_t ig_pipeline_findings(const struct ig_pipeline *p);
uint64_t ig_pipeline_events(const struct ig_pipeline *p);
/* Also hands every inference event to <fn> (e.g. a baseline builder) before detection. */
struct ig_event;
void ig_pipeline_set_event_hook(struct ig_pipeline *p, void (*fn)(void *ctx, const struct ig_event *ev),
                                void *ctx);
/* Also tells <fn> the time of every tick, once every event of the packets before that time
 * went to the event hook (after the shards' merge): the position the pod has published up
 * to (the fleet's watermark, fleet/publish.h). */
void ig_pipeline_set_tick_hook(struct ig_pipeline *p, void (*fn)(void *ctx, uint64_t now_us), void *ctx);
/* Copies every counter into <out> (see snapshot.h); call on the thread that drives the
 * pipeline, at any time between new and free. */
struct ig_pipeline_snapshot;
void ig_pipeline_snapshot(const struct ig_pipeline *p, struct ig_pipeline_snapshot *out);
/* Rules reload between two packets: builds a new detector engine from <rules> and swaps
 * it in (with two workers, on the detection thread; this call waits for it). Per-client
 * and per-model detector state is not carried over: clients start afresh and drift
 * references are learned again (or reloaded from their profile file). The findings
 * stage keeps the rules it was built with (throttle windows change on restart). <rules>
 * must outlive the pipeline or the next successful reload. Returns IG_OK, or IG_ECONF
 * with one sentence in err, the current engine kept. */
int  ig_pipeline_reload(struct ig_pipeline *p, const struct ig_rules *rules, char *err, size_t errlen);
/* findings.suppress read again (a compiled list, suppress.h, owned by the pipeline from now
 * on): it replaces the running list before the next finding is published; detector state
 * is untouched. Any thread. */
struct ig_suppressor;
void ig_pipeline_replace_suppress(struct ig_pipeline *p, struct ig_suppressor *s);
void ig_pipeline_free(struct ig_pipeline *p);

#endif
