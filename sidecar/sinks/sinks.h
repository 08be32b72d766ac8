/* The sink table and the helper that opens the configured sinks. */
#ifndef IG_SINKS_H
#define IG_SINKS_H

#include <inferguard/sink.h>

struct ig_findings;

/* JSON lines to a file or stdout ("-"). Line-buffered, flushed on poll and close.
 * The file is truncated at open. Always JSON, whatever findings.encoding says. */
extern const struct ig_sink ig_sink_file;
/* Kafka (librdkafka) with the crash-safe spool (sink_kafka.c has the details).
 * poll(timeout_ms > 0) waits up to timeout_ms until nothing is in flight. */
extern const struct ig_sink ig_sink_kafka;

/* A Kafka producer with its own topic and spool for another stream than findings (the
 * fleet's events topic): the same delivery rules and spool as the findings sink, driven
 * through ig_sink_kafka's write/poll/close/stats. */
struct ig_kafka_opts {
    const char *topic;
    const char *spool_dir;                 /* its own directory: a spool has one reader */
    const char *schema, *schema_version;   /* the records' "schema" and "schema_version" headers */
    const char *what;                      /* "events": in log lines */
    bool count_partitions;                 /* learn the topic's partition count (ig_kafka_partitions) */
};
int ig_kafka_open_opts(const struct ig_config *cfg, const struct ig_kafka_opts *o, void **state,
                       char *err, size_t errlen);

/* The topic's partition count as the producer last partitioned a keyed record with it
 * (count_partitions), 0 before that: read from librdkafka's partitioner callback, which
 * knows it without a blocking metadata request. */
int32_t ig_kafka_partitions(void *state);

/* NULL-terminated table of every sink, in opening order. A new sink is one entry here. */
extern const struct ig_sink *const ig_sinks[];
const struct ig_sink *ig_sink_find(const char *name);

/* Opens every sink of ig_sinks[] that <cfg> wants (file: findings.path set; Kafka:
 * kafka.brokers set; several may run at once) and hands them to <f>.
 * Returns the number of sinks opened, or a negative status with one sentence in err. */
int ig_sinks_open_all(struct ig_findings *f, const struct ig_config *cfg, char *err, size_t errlen);

#endif
