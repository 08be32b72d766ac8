/* Mirror ingest: inference traffic as KServe's payload logger (the "agent" container)
 * mirrors it, one CloudEvent per request and one per response, over HTTP
 * (CloudEvents 1.0, HTTP protocol binding, binary and structured content modes).
 *
 * What the agent sends (binary mode), per request/response of the predictor:
 *   ce-specversion 1.0, ce-id (the request's id: pairs request and response),
 *   ce-type org.kubeflow.serving.inference.request | .response, ce-source, ce-time (RFC 3339),
 *   ce-inferenceservicename, ce-namespace, ce-component, ce-endpoint,
 *   ce-metadata (JSON {"Header-Name": ["value", ...]} of allow-listed request headers),
 *   Content-Type (the request's, on both events), and the body exactly as the predictor
 *   read or wrote it (still gzip-encoded when the client sent it so).
 * The agent sends a response only for HTTP 200, and sends the two events from a worker
 * pool, so the response may arrive first or never.
 *
 * Three layers: parsing (pure, fuzzed), pairing (bounded table keyed by source + id,
 * handing paired transactions to a callback as struct ig_http_txn so that the same
 * adapters, identity resolvers and detectors as for packets apply), and the evhttp
 * endpoint of `inferguard run --cloudevents`. */
#ifndef IG_MIRROR_CLOUDEVENTS_H
#define IG_MIRROR_CLOUDEVENTS_H

#include <inferguard/config.h>
#include <inferguard/http.h>
#include <stdio.h>

#define IG_CE_TYPE_REQUEST  "org.kubeflow.serving.inference.request"
#define IG_CE_TYPE_RESPONSE "org.kubeflow.serving.inference.response"

enum ig_ce_kind { IG_CE_KIND_OTHER = 0, IG_CE_KIND_REQUEST, IG_CE_KIND_RESPONSE };

/* One parsed CloudEvent. Spans point into the caller's headers/body or into the scratch
 * arena given to the parser; valid while both are. Absent attributes are empty spans. */
struct ig_ce {
    struct ig_span specversion, id, type, source, time;
    struct ig_span isvc, ns, component, endpoint;   /* KServe extension attributes */
    struct ig_span metadata;      /* JSON object of request headers, as sent */
    struct ig_span sourceip;      /* optional extension: the client's address */
    struct ig_span content_type;  /* binary: Content-Type; structured: datacontenttype */
    struct ig_span data;          /* the payload (structured data_base64: decoded) */
    enum ig_ce_kind kind;
    uint64_t time_us;             /* ce-time as µs since the epoch; 0 when absent */
};

/* A header as the HTTP layer hands it over (NUL-terminated name and value). */
struct ig_ce_header { const char *name, *value; };

/* Binary content mode: the attributes are ce-* headers (percent-decoded into <s> when
 * they hold %XX), the body is the data. Checks the required attributes (specversion 1.0,
 * id, source, type) and ce-time's format. Returns IG_OK, or IG_EPARSE with *reason a
 * static sentence. */
int ig_ce_parse_binary(const struct ig_ce_header *h, size_t n_headers,
                       const uint8_t *body, size_t body_len, struct ig_scratch *s,
                       struct ig_ce *out, const char **reason);

/* Structured content mode (application/cloudevents+json): one JSON object holding the
 * attributes and data (a JSON value, a string, or data_base64). Uses <s> for the parse and
 * for decoded base64. Returns IG_OK, IG_EPARSE (*reason set) or IG_ENOMEM. */
int ig_ce_parse_structured(const uint8_t *body, size_t n, struct ig_scratch *s,
                           struct ig_ce *out, const char **reason);

/* RFC 3339 date-time ("2026-12-04T21:05:00.123456789Z", "...+01:00") to µs since the
 * epoch. Returns IG_OK or IG_EPARSE. */
int ig_ce_parse_time(struct ig_span t, uint64_t *out_us);

/* ce-metadata ({"Authorization": ["Bearer ..."], ...}; a plain string value is accepted too)
 * into request headers: at most <max> entries in <out>, spans into <json> or <s>.
 * Sets *n. Returns IG_OK, IG_EPARSE (*reason set; not an object of strings/arrays of
 * strings) or IG_ENOMEM. Empty metadata gives no headers. */
int ig_ce_metadata_headers(struct ig_span json, struct ig_scratch *s, struct ig_http_header *out,
                           uint32_t max, uint32_t *n, const char **reason);

/* The inference protocol a request body has the shape of (the agent does not send the
 * path), as the canonical path the adapters recognise for it, with <model> in it:
 * "/v2/models/M/infer", "/v1/models/M:predict", "/v1/chat/completions",
 * "/v1/completions", "/v1/embeddings". Writes into buf; returns false when the body has
 * none of these shapes (not JSON, or another API). */
bool ig_ce_sniff_path(struct ig_span body, const char *model, char *buf, size_t cap);

/* Counters of the ingest, for the summary and /metrics. */
struct ig_ce_stats {
    uint64_t received;            /* POSTs carrying a CloudEvent we accepted (2xx) */
    uint64_t requests, responses; /* by ce-type */
    uint64_t paired;              /* request and response met */
    uint64_t unpaired_requests;   /* no response within pair_timeout (or evicted): event without response */
    uint64_t unpaired_responses;  /* response whose request never came: dropped */
    uint64_t duplicates;          /* same source + id + type again: acknowledged, ignored */
    uint64_t malformed;           /* 4xx: not a CloudEvent, attributes missing or bad */
    uint64_t ignored_types;       /* well-formed event of another type: acknowledged, ignored */
    uint64_t too_large;           /* data over http.*_body_limit: cut, event flagged */
    uint64_t gzip_errors;         /* gzip body that did not inflate */
    uint64_t not_inference;       /* paired bodies of no known protocol shape */
    uint64_t evicted;             /* pending entries pushed out by max_pending / memcap */
    uint64_t pending, pending_bytes;   /* now */
};

/* ---- pairing ---- */

struct ig_ce_pairer;
/* Receives each paired (or timed-out request-only) transaction; everything is borrowed for
 * the call. */
typedef void (*ig_ce_txn_fn)(void *ctx, const struct ig_http_txn *t);

/* Limits from cfg: ingest.cloudevents.pair_timeout, .max_pending, .pending_memcap,
 * http.request_body_limit / response_body_limit, ingest.cloudevents.model_name. */
struct ig_ce_pairer *ig_ce_pairer_new(const struct ig_config *cfg, ig_ce_txn_fn fn, void *ctx);
/* One event received at <now_us> (the receiver's monotonic clock, for timeouts) from
 * <peer> (the logger's TCP address). Copies what it keeps. Returns IG_OK, or IG_ELIMIT
 * when the data was over the body limit (it is kept cut and the event flagged). */
int  ig_ce_pairer_add(struct ig_ce_pairer *pr, const struct ig_ce *ev, const struct ig_endpoint *peer,
                      uint64_t now_us);
/* Times out pending entries older than pair_timeout at <now_us>. */
void ig_ce_pairer_tick(struct ig_ce_pairer *pr, uint64_t now_us);
/* Emits every pending request (end of run). */
void ig_ce_pairer_flush(struct ig_ce_pairer *pr);
struct ig_ce_stats *ig_ce_pairer_stats(struct ig_ce_pairer *pr);
void ig_ce_pairer_free(struct ig_ce_pairer *pr);

/* ---- the HTTP endpoint (libevent evhttp, on the run loop's thread) ---- */

struct event_base;
struct evbuffer;
struct ig_ce_server;

/* Listens on <listen> ("PORT" = all IPv4 addresses, "HOST:PORT", "[V6]:PORT"; port 0 =
 * any free one). Paired transactions go to <fn>. IG_ECONF / IG_EIO with one sentence in
 * err. */
int  ig_ce_server_start(struct event_base *base, const char *listen, const struct ig_config *cfg,
                        ig_ce_txn_fn fn, void *ctx, struct ig_ce_server **out, char *err, size_t errlen);
const char *ig_ce_server_address(const struct ig_ce_server *s);   /* "127.0.0.1:8181" */
/* Once a second (wall clock): pair timeouts. */
void ig_ce_server_tick(struct ig_ce_server *s, uint64_t wall_us);
/* The event clock for the timer of a mirror-only run: sets *now to the latest ce-time seen
 * plus the wall time passed since it was seen (windows keep moving between live events)
 * and returns true; returns false (leave the clock alone) before the first event and when
 * events lag the wall clock by more than a minute (a replay of past traffic, or a logger
 * with a wrong clock), whose time moves only with its events, however fast or stalled
 * they are sent. */
bool ig_ce_server_clock(const struct ig_ce_server *s, uint64_t wall_us, uint64_t *now);
const struct ig_ce_stats *ig_ce_server_stats(const struct ig_ce_server *s);
/* One summary line (the run's end) and the /metrics families. */
void ig_ce_server_summary(const struct ig_ce_server *s, FILE *out);
int  ig_ce_server_metrics(const struct ig_ce_server *s, struct evbuffer *out);
/* Stops accepting and emits every pending request. */
void ig_ce_server_finish(struct ig_ce_server *s);
void ig_ce_server_free(struct ig_ce_server *s);

#endif
