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

/* NULL-terminated table of every sink. */
extern const struct ig_sink *const ig_sinks[];
const struct ig_sink *ig_sink_find(const char *name);

/* Opens the file sink when cfg->findings_path is non-empty and the Kafka sink when
 * cfg->kafka_brokers is non-empty (both may run at once) and hands them to <f>.
 * Returns the number of sinks opened, or a negative status with one sentence in err. */
int ig_sinks_open_all(struct ig_findings *f, const struct ig_config *cfg, char *err, size_t errlen);

#endif
