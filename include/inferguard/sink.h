/* inferguard: finding sinks (sidecar/sinks/). write() only enqueues: when the transport
 * cannot take more the record goes to the spool, never to the floor; a drop happens only
 * when the spool's own cap is hit, and is counted. */
#ifndef INFERGUARD_SINK_H
#define INFERGUARD_SINK_H

#include <inferguard/config.h>

/* One encoded finding. key = client id (keeps a client's findings in one partition). */
struct ig_record {
    struct ig_span key, value;
    const char *encoding;          /* "json" or "msgpack" */
    const char *schema;            /* "ocsf.detection_finding" */
    const char *schema_version;    /* "1.3.0" */
    /* More Kafka headers for this record, "name\0value\0" pairs back to back (the fleet's
     * event records name their pod, node and model); empty = none. */
    struct ig_span headers;
    /* Kafka: to this partition, not the key's (the fleet's watermark records go to every
     * partition of the events topic); false = the partitioner picks by key. */
    bool to_partition;
    int32_t partition;
};

/* Encodings a sink's write() takes (ig_record.encoding): findings.encoding picks one; a
 * sink that does not take it gets JSON. */
enum ig_sink_encoding { IG_SINK_JSON = 1u << 0, IG_SINK_MSGPACK = 1u << 1 };

struct ig_sink_stats {
    uint64_t written, delivered, failed, retried, spooled, replayed, dropped;
};

struct ig_sink {
    const char *name;              /* "file", "kafka" */
    int  (*open)(const struct ig_config *cfg, void **state, char *err, size_t errlen);
    int  (*write)(void *state, const struct ig_record *rec);
    /* Serves delivery reports and retries; driven from the event loop or the pcap loop. */
    int  (*poll)(void *state, int timeout_ms);
    /* Flushes or spools everything in flight within timeout_ms, then frees the state. */
    int  (*close)(void *state, int timeout_ms);
    void (*stats)(void *state, struct ig_sink_stats *out);
    uint32_t encodings;            /* enum ig_sink_encoding mask */
    /* Whether <cfg> asks for this sink (findings.path, kafka.brokers set...): the sinks
     * opened are those of the table (sidecar/sinks/sinks.c) that say yes. */
    bool (*wanted)(const struct ig_config *cfg);
};

#endif
