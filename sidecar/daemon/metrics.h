/* /metrics: every pipeline counter in the Prometheus text exposition format 0.0.4. */
#ifndef IG_DAEMON_METRICS_H
#define IG_DAEMON_METRICS_H

#include <event2/buffer.h>
#include <stdbool.h>
#include <stdint.h>

#include "pipeline/snapshot.h"

/* What the daemon itself counts (the event loop's thread owns it). */
struct ig_daemon_stats {
    uint64_t start_time_s;       /* wall clock, seconds since the epoch */
    bool ready;                  /* capture open and rules loaded */
    uint64_t reloads, reload_failures;   /* SIGHUP rules reloads applied / refused */
    uint64_t last_reload_s;      /* wall clock of the last applied reload, 0 = none */
    uint64_t http_requests;
};

#define IG_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Appends the exposition of <s> and <d> to <out>: one HELP and TYPE line per family,
 * names inferguard_*, counters suffixed _total. Returns 0, or -1 when out of memory. */
int ig_metrics_render(const struct ig_pipeline_snapshot *s, const struct ig_daemon_stats *d,
                      struct evbuffer *out);

#endif
