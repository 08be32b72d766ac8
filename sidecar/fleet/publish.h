/* The events topic: every inference event of this sensor, as a compact msgpack record
 * (event_mp.h), published to Kafka for `inferguard aggregate` (kafka.events_topic,
 * --events-topic). Key = the stable source (ig_event.group_id) when there is one, else
 * the client's identity, so every pod's events of one source (all its identities) land in
 * one partition; headers pod, node, model. Same producer, delivery rules and spool as
 * the findings (sidecar/sinks/sink_kafka.c), with its own spool directory
 * <kafka.spool_dir>/events and cap kafka.spool_max_bytes: beyond it the oldest events are
 * dropped and counted. */
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
/* Serves delivery reports (call from the main loop now and then). */
void ig_fleet_pub_poll(struct ig_fleet_pub *p);
/* Flushes within timeout_ms (what is left stays in the spool for the next run), writes one
 * summary line to <out> (may be NULL) and frees. Returns IG_OK or IG_AGAIN (left in spool). */
int  ig_fleet_pub_close(struct ig_fleet_pub *p, int timeout_ms, FILE *out);
/* published = events handed over; encode_errors = events that could not be encoded. */
void ig_fleet_pub_stats(const struct ig_fleet_pub *p, struct ig_sink_stats *st, uint64_t *published,
                        uint64_t *encode_errors);

#endif
