/* detection.workers = 2: the parsing stage (capture, flows, HTTP, adapters, identity, events
 * output) stays on the calling thread; detection (engine, findings, sinks, drift reports)
 * runs on one detection thread, fed through a bounded SPSC ring. Each event is copied into
 * its slot (struct + tensors + labels + text in the slot's arena); ticks travel through the
 * same ring as markers, so detection sees exactly the call sequence of the one-thread path
 * and writes byte-identical findings. */
#ifndef IG_PIPELINE_HANDOFF_H
#define IG_PIPELINE_HANDOFF_H

#include <inferguard/event.h>

struct ig_pipeline;

/* Builds the ring from detection.ring_slots / ring_slot_bytes and starts the detection
 * thread, which from now on owns p->engine and p->findings. Returns IG_OK, or a negative
 * status with one sentence in err. */
int  ig_handoff_start(struct ig_pipeline *p, char *err, size_t errlen);
/* Copies <ev> (and all it points to) into the next slot; waits while the ring is full.
 * An event larger than a slot goes through the one overflow buffer (counted); one larger
 * than that buffer's cap is dropped (counted). */
void ig_handoff_event(struct ig_pipeline *p, const struct ig_event *ev);
/* Queues a tick: the detection thread runs ig_engine_tick and ig_findings_tick at now_us. */
void ig_handoff_tick(struct ig_pipeline *p, uint64_t now_us);
/* Queues the end of input and waits for the detection thread: it keeps the engine's final
 * stats, frees the engine (detectors finish) and closes the findings at now_us. */
void ig_handoff_finish(struct ig_pipeline *p, uint64_t now_us);
/* Stops the detection thread without finishing (error paths); no-op when not running. */
void ig_handoff_stop(struct ig_pipeline *p);
/* Queues a rules reload and waits until the detection thread has built the new engine
 * from <rules> and swapped it in (or failed: err, old engine kept). */
struct ig_rules;
int  ig_handoff_reload(struct ig_pipeline *p, const struct ig_rules *rules, char *err, size_t errlen);
/* Releases the ring and the overflow buffer (thread already stopped). */
void ig_handoff_free(struct ig_pipeline *p);
/* Findings emitted, as last published by the detection thread (progress line). */
uint64_t ig_handoff_findings(const struct ig_pipeline *p);

#endif
