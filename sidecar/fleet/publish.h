/* The events topic: every inference event of this sensor, as a compact msgpack record
 * (event_mp.h), published to Kafka for `inferguard aggregate` (kafka.events_topic,
 * --events-topic). Key = the stable source (ig_event.group_id) when there is one, else
 * the client's identity, so every pod's events of one source (all its identities) land in
 * one partition; headers pod, node, model. Same producer, delivery rules and spool as
 * the findings (sidecar/sinks/sink_kafka.c), with its own spool directory
 * <kafka.spool_dir>/events and cap kafka.spool_max_bytes: beyond it the oldest events are
 * dropped and counted.
 *
 * The pod's watermark: its position in event time (the capture clock it has processed up
 * to: every event that completed before it is published). Each event record carries it
 * (`wm`), and every kafka.events_heartbeat of that position a watermark record goes to
 * every partition of the topic (an idle pod still moves the aggregator's minimum over
 * pods; docs/fleet.md "Event time"); at the end one saying the pod stopped (`bye`). */
#ifndef IG_FLEET_PUBLISH_H
#define IG_FLEET_PUBLISH_H

#include <stdio.h>
#include <inferguard/config.h>
#include <inferguard/event.h>
#include <inferguard/sink.h>

struct ig_fleet_pub;

/* NULL without error when cfg->kafka_events_topic is empty (publishing off); NULL with one
 * sentence in err when it cannot start (no brokers, bad spool directory). */
struct ig_fleet_pub *ig_fleet_pub_open(const struct ig_config *cfg, char *err, size_t errlen);
/* Encodes and hands one event to the producer (spooled first; never blocks). */
void ig_fleet_pub_event(struct ig_fleet_pub *p, const struct ig_event *ev);
/* The pipeline's event hook (ig_pipeline_set_event_hook): ctx is the publisher. */
void ig_fleet_pub_hook(void *ctx, const struct ig_event *ev);
/* The pod has processed its capture up to <now_us> (its event time): every event that
 * completed before it was handed to ig_fleet_pub_event. Moves the watermark (never back)
 * and sends the watermark records when a heartbeat is due. */
void ig_fleet_pub_position(struct ig_fleet_pub *p, uint64_t now_us);
/* The pipeline's tick hook (ig_pipeline_set_tick_hook): ctx is the publisher; the tick's
 * time is the pod's position (every event before it was merged and published). */
void ig_fleet_pub_tick_hook(void *ctx, uint64_t now_us);
/* Serves delivery reports (call from the main loop now and then). */
void ig_fleet_pub_poll(struct ig_fleet_pub *p);
/* Sends the last watermark records (`bye`: the pod stopped publishing, the aggregator stops
 * waiting for it), flushes within timeout_ms (what is left stays in the spool for the next run), writes one
 * summary line to <out> (may be NULL) and frees. Returns IG_OK or IG_AGAIN (left in spool). */
int  ig_fleet_pub_close(struct ig_fleet_pub *p, int timeout_ms, FILE *out);
/* published = events handed over; encode_errors = events that could not be encoded. */
void ig_fleet_pub_stats(const struct ig_fleet_pub *p, struct ig_sink_stats *st, uint64_t *published,
                        uint64_t *encode_errors);

#endif
