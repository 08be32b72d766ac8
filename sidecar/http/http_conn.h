/* HTTP/1.x over one reassembled TCP connection, parsed by libhtp in both directions:
 * keep-alive, pipelining, chunked, gzip/deflate, 100-continue. Each complete request/response
 * pair is handed to the transaction callback as a struct ig_http_txn. */
#ifndef IG_HTTP_CONN_H
#define IG_HTTP_CONN_H

#include <inferguard/http.h>
#include <inferguard/config.h>

typedef void (*ig_http_txn_fn)(void *ctx, const struct ig_http_txn *t);

struct ig_http_stats {
    uint64_t conns, txns, requests_only, parse_errors, gaps_dropped_txns, body_truncated,
             decompress_errors, resyncs;
    uint64_t pipeline_early;     /* handed out without response: past http.pipeline_depth */
    uint64_t resync_rejected;    /* resynchronised after a request libhtp rejected */
    uint64_t inflate_capped;     /* decompression stopped at a cap (bomb) */
    uint64_t ws_squeezed;        /* whitespace bytes squeezed out of bodies (padding) */
    uint64_t memcap_given_up;    /* body growth refused at http.memcap */
    uint64_t memcap_bodies_given_up, memcap_bytes_given_up;  /* largest bodies handed out early at http.memcap */
    uint64_t pipeline_shed;      /* parser rebuilt: over 2 x http.pipeline_depth requests unanswered */
    uint64_t pipeline_shed_answered;  /* late responses to shed requests, skipped correctly */
    uint64_t pipeline_responses_off;  /* connections whose responses are no longer paired (shed 3 times unanswered) */
    uint64_t txns_held_max;      /* most requests one connection held in libhtp at once */
    uint64_t fast_txns;          /* handed out by the strict fast path (libhtp not involved) */
    uint64_t fast_handovers;     /* connections handed to libhtp by a message the fast path declined */
    uint64_t pool_bytes;         /* now: buffer bytes kept by closed connections' pooled state (<= 4 MiB) */
};

struct ig_http;        /* shared: libhtp config, stats */
struct ig_http_conn;   /* one TCP connection */

struct ig_http *ig_http_new(const struct ig_config *cfg, ig_http_txn_fn fn, void *ctx);
void ig_http_free(struct ig_http *h);
const struct ig_http_stats *ig_http_stats(const struct ig_http *h);
/* Connections whose data was given up (http.memcap, pipelining bound), the most recent
 * IG_HTTP_AFFECTED of them: calls <fn> for those recorded after <since> (a value this
 * returned before; 0 at first) and returns the new mark. */
#define IG_HTTP_AFFECTED 8
uint64_t ig_http_affected(const struct ig_http *h, uint64_t since,
                          void (*fn)(void *ctx, const struct ig_endpoint *client,
                                     const struct ig_endpoint *server),
                          void *ctx);

/* Strict fast path (on by default): connections start on a parser of our own that takes only
 * unambiguous HTTP/1.1 (see http_fast.inc) and hands a connection to libhtp, replaying every
 * byte not yet handed out, at the first message it does not take. Off: libhtp only (the
 * differential fuzzer compares the two). Applies to connections opened afterwards. */
void ig_http_set_fast(struct ig_http *h, bool on);

struct ig_http_conn *ig_http_conn_new(struct ig_http *h, const struct ig_endpoint *client,
                                      const struct ig_endpoint *server, uint64_t ts_us);
/* dir 0 = client to server. Returns IG_OK, or IG_EPARSE when the connection is no longer
 * HTTP (caller may close it). */
int  ig_http_conn_data(struct ig_http_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts_us);
/* Bytes lost in <dir>: the transaction in progress is dropped and counted; parsing resumes
 * when a new request or response line is found. */
void ig_http_conn_gap(struct ig_http_conn *c, enum ig_flow_dir dir, uint64_t missing, uint64_t ts_us);
/* End of connection: completes what can be completed (e.g. a response ended by close). */
void ig_http_conn_close(struct ig_http_conn *c, uint64_t ts_us);

#endif
