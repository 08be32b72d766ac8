/* inferguard: runtime configuration. One YAML file (ConfigMap friendly); every key has a
 * default, so no file is needed. Unknown keys are an error naming the key and line.
 * Keys and defaults are documented in README.md ("Configuration"); the loader's table
 * (sidecar/config/config.c) is the single source of truth for names, types and ranges. */
#ifndef INFERGUARD_CONFIG_H
#define INFERGUARD_CONFIG_H

#include <inferguard/base.h>

#include <stdio.h>

#define IG_CONFIG_PATH_MAX 512
#define IG_CONFIG_MAX_PORTS 16
#define IG_CONFIG_MAX_KV 32
#define IG_CONFIG_MAX_LIST 16
#define IG_CONFIG_MAX_SUPPRESS 64

struct ig_kv { char key[128]; char value[512]; };

/* One findings.suppress entry (README "Suppressing findings"): findings of <analytic> whose
 * source, client and model all match what is set are not published, only counted. The
 * loader checks every field; the findings stage matches them (sidecar/findings/suppress.c). */
struct ig_suppress {
    char     analytic[64];    /* "extraction.prada", "extraction.*" or "*" */
    char     source[64];      /* address or CIDR (IPv4/IPv6), "" = any */
    char     client[128];     /* actor.user.uid as findings name it; a trailing * = prefix; "" = any */
    char     model[96];       /* model name; a trailing * = prefix; "" = any */
    char     expires[32];     /* as written: YYYY-MM-DD or an RFC 3339 time; "" = never */
    uint64_t expires_us;      /* the same in µs since the epoch (capture clock); 0 = never */
    char     comment[128];    /* why (named in the summary and the debug log) */
};

struct ig_config {
    /* memory.*: one limit from which the caps below are derived (README "Memory budget") */
    uint64_t memory_limit;       /* memory.limit, 1 GiB; 0 = off (each cap as set or its default) */
    uint64_t events_memcap;      /* memory.events: events in flight (decoding scratch, queued events); 0 = from the body limit */
    uint32_t explicit_caps;      /* IG_CAP_* set in the file: kept, never derived */

    /* capture.* */
    uint32_t capture_snaplen;                       /* capture.snaplen, 262144 */
    char     capture_bpf[IG_CONFIG_PATH_MAX];       /* capture.bpf, "" = derive from ports */
    uint16_t model_ports[IG_CONFIG_MAX_PORTS];      /* capture.ports, [80, 8000, 8001, 8080, 8500, 8501, 9000] */
    uint32_t n_model_ports;
    char     capture_checksums[8];   /* capture.checksums: auto | on | off, "auto" */

    /* defrag.*: IP fragment reassembly */
    uint64_t defrag_memcap;          /* defrag.memcap, 32 MiB: fragments held at once */
    uint32_t defrag_timeout_s;       /* defrag.timeout, 30 s (Linux ipfrag_time) */
    char     defrag_policy[16];      /* defrag.policy: linux | linux-old | bsd | first | last | windows | solaris */
    uint64_t capture_buffer;                        /* capture.buffer_size, 64 MiB kernel ring (live) */

    /* flow.* */
    uint32_t flow_max;                /* flow.max_flows, 65536 */
    uint32_t flow_idle_timeout_s;     /* flow.idle_timeout, 120 s */
    uint64_t flow_memcap;             /* flow.memcap, 256 MiB: all reassembly buffers */
    uint32_t flow_stream_max;         /* flow.stream_max_bytes, 4 MiB queued out-of-order per direction */
    uint32_t flow_embryonic_max;      /* flow.embryonic_max, 16384: unanswered SYNs tracked */
    uint32_t flow_embryonic_timeout_s; /* flow.embryonic_timeout, 10 s */
    uint32_t parse_shards;            /* flow.parse_shards, 1: threads parsing flows (by address pair) */

    /* http.* */
    uint32_t http_request_body_limit;   /* http.request_body_limit, 8 MiB */
    uint32_t http_response_body_limit;  /* http.response_body_limit, 8 MiB */
    uint32_t http_pipeline_depth;       /* http.pipeline_depth, 64 requests awaiting a response */
    char     http_parser[8];         /* http.parser: fast | libhtp, "fast" */
    uint64_t http_memcap;               /* http.memcap, 512 MiB: bodies buffered, all connections */
    uint32_t http_inflate_body_limit;   /* http.decompress_body_limit, 16 MiB inflated per body */
    uint64_t http_inflate_conn_limit;   /* http.decompress_conn_limit, 256 MiB inflated per connection */
    uint32_t http_inflate_ratio;        /* http.decompress_max_ratio, 300 inflated : compressed */

    /* http2.* (HTTP/2 and gRPC) */
    uint32_t http2_max_streams;            /* http2.max_streams, 256 per connection */
    uint32_t http2_max_header_list_size;   /* http2.max_header_list_size, 64 KiB */
    uint32_t http2_max_message_size;       /* http2.max_message_size, 8 MiB (gRPC message on the wire) */
    uint32_t http2_max_decompressed_size;  /* http2.max_decompressed_size, 8 MiB */
    uint64_t http2_conn_memcap;            /* http2.conn_memcap, 64 MiB buffered per connection */

    /* adapters.* */
    uint32_t max_rows;          /* adapters.max_rows, 65536 */
    uint32_t max_features;      /* adapters.max_features, 1048576 (per row) */
    uint32_t max_values;        /* adapters.max_values, 4194304 (rows x features per tensor) */
    uint32_t max_depth;         /* adapters.max_depth, 64 */
    uint32_t max_string;        /* adapters.max_string, 1 MiB */
    /* adapters.generic: in-house JSON model servers, one entry per route (list, max 8) */
    struct ig_generic_route {
        char route_prefix[128];   /* .route: request path prefix, e.g. "/score" */
        char model[64];           /* .model: model name, "" = the route */
        char features_path[128];  /* .features: dot path in the request, e.g. "data.features", "rows[].x" */
        char scores_path[128];    /* .scores: dot path in the response, "" = none */
        char label_path[128];     /* .label: dot path to integer label(s), "" = argmax of scores */
        char scores_kind[16];     /* .scores_kind: auto | probabilities | logits, "auto" */
    } generic_routes[8];
    uint32_t n_generic_routes;

    /* identity.* */
    char     identity_order[IG_CONFIG_MAX_LIST][16];  /* identity.order: spiffe, jwt, api_key, jwt_unverified, forwarded, source_ip */
    uint32_t n_identity_order;
    char     api_key_headers[IG_CONFIG_MAX_LIST][64]; /* identity.api_key_headers: [x-api-key] */
    uint32_t n_api_key_headers;
    char     identity_secret[256];  /* identity.hash_secret or $INFERGUARD_ID_SECRET */
    char     trusted_proxies[IG_CONFIG_MAX_LIST][64]; /* identity.trusted_proxies: [127.0.0.6/32, ::6/128] */
    uint32_t n_trusted_proxies;
    char     jwt_jwks_file[256];    /* identity.jwt.jwks_file, "" = no verification */
    char     jwt_issuers[IG_CONFIG_MAX_LIST][128];    /* identity.jwt.issuers, [] = any */
    uint32_t n_jwt_issuers;
    char     jwt_audiences[IG_CONFIG_MAX_LIST][128];  /* identity.jwt.audiences, [] = any */
    uint32_t n_jwt_audiences;
    uint32_t jwt_leeway_s;          /* identity.jwt.leeway, 60 s (exp/nbf skew) */
    uint32_t rotation_window_s;     /* identity.rotation.window, 300 s */
    uint32_t rotation_threshold;    /* identity.rotation.threshold, 32 distinct identities */
    uint32_t rotation_max_qpi;      /* identity.rotation.max_queries_per_identity, 4 */
    uint32_t sources_max;           /* identity.sources.max, 16384 stable sources tracked */
    uint32_t sources_new_per_min;   /* identity.sources.new_clients_per_min, 60 */
    uint32_t sources_new_burst;     /* identity.sources.new_clients_burst, 32 */
    uint32_t sources_max_clients;   /* identity.sources.max_clients, 64 live clients per source */

    /* detection.* */
    uint32_t clients_max;        /* detection.max_clients, 100000 */
    uint64_t clients_memcap;     /* detection.memcap, 512 MiB */
    uint32_t max_models;         /* detection.max_models, 1024: per-model state slots */
    uint32_t model_idle_s;       /* detection.model_idle_timeout, 1 h: idle models give their slot up */
    uint32_t detection_workers;  /* detection.workers, 1 (2 = detection on its own thread) */
    char     detection_model_side[16];   /* detection.model_side: auto | parsing | detection */
    char     detection_decode[16];       /* detection.decode: auto | parsing | detection */
    uint32_t ring_slots;         /* detection.ring_slots, 256 */
    uint32_t ring_slot_bytes;    /* detection.ring_slot_bytes, 64 KiB */

    /* findings.* and outputs */
    char     findings_encoding[16];   /* findings.encoding: json | msgpack */
    struct ig_suppress suppress[IG_CONFIG_MAX_SUPPRESS];   /* findings.suppress, [] */
    uint32_t n_suppress;
    char     findings_path[IG_CONFIG_PATH_MAX];  /* output.findings, "-" */
    char     events_path[IG_CONFIG_PATH_MAX];    /* output.events, "" = off */
    char     rules_dir[IG_CONFIG_PATH_MAX];      /* rules.dir, installed default */
    char     rules_cache_dir[IG_CONFIG_PATH_MAX]; /* rules.cache_dir, "auto"; "" = off */

    /* kafka.* */
    char     kafka_brokers[IG_CONFIG_PATH_MAX];  /* kafka.brokers, "" = off */
    char     kafka_topic[256];                   /* kafka.topic, "inferguard.findings" */
    struct ig_kv kafka_props[IG_CONFIG_MAX_KV];  /* kafka.properties: any librdkafka property */
    uint32_t n_kafka_props;
    char     spool_dir[IG_CONFIG_PATH_MAX];      /* kafka.spool_dir, "/var/lib/inferguard/spool" */
    uint64_t spool_max_bytes;                    /* kafka.spool_max_bytes, 256 MiB */
    char     spool_fsync[16];                    /* kafka.spool_fsync: always | batch | never */
    uint32_t flush_timeout_ms;                   /* kafka.flush_timeout, 10000 ms */
    /* the fleet's events topic (sidecar/fleet/): every inference event, msgpack */
    char     kafka_events_topic[256];            /* kafka.events_topic, "" = off */
    char     kafka_events_text[8];               /* kafka.events_text: false | true */
    char     kafka_events_quantise[8];           /* kafka.events_quantise: none | f16 */
    uint32_t kafka_events_heartbeat_ms;          /* kafka.events_heartbeat, 1000 ms; 0 = off */

    /* drift.* */
    char     reports_dir[IG_CONFIG_PATH_MAX];    /* drift.reports_dir, "" = off */

    /* http.* (inferguard run) */
    char     http_listen[128];   /* http.listen: /healthz /readyz /metrics /reports, "" = off */

    /* ingest.cloudevents.* (inferguard run --cloudevents): KServe payload-logger mirror */
    char     ce_listen[128];             /* ingest.cloudevents.listen: [HOST:]PORT, "" = off */
    uint32_t ce_pair_timeout_s;          /* ingest.cloudevents.pair_timeout, 30 s */
    uint32_t ce_max_pending;             /* ingest.cloudevents.max_pending, 16384 */
    uint64_t ce_pending_memcap;          /* ingest.cloudevents.pending_memcap, 128 MiB */
    char     ce_model_name[16];          /* ingest.cloudevents.model_name: isvc | namespace/isvc */
    uint64_t ce_max_body;                /* ingest.cloudevents.max_body, 64 MiB */
    char     http_reports_auth[8];                  /* http.reports_auth: token | off */
    char     http_reports_token_file[IG_CONFIG_PATH_MAX]; /* bearer token for /reports */

    /* run.* (privileges of the daemon) */
    char     run_user[64];       /* run.user: UID[:GID] or NAME[:GROUP] to switch to; "" = stay */
    char     run_seccomp[8];     /* run.seccomp: on | log | off */
};

/* Caps derived from memory.limit unless set explicitly (explicit_caps bits). */
enum ig_cap_bits {
    IG_CAP_FLOW = 1u << 0, IG_CAP_FLOWS = 1u << 1, IG_CAP_HTTP = 1u << 2, IG_CAP_CLIENTS = 1u << 3,
    IG_CAP_EVENTS = 1u << 4, IG_CAP_CE = 1u << 5, IG_CAP_MODELS = 1u << 6, IG_CAP_DEFRAG = 1u << 7,
    IG_CAP_REQ_BODY = 1u << 8, IG_CAP_RESP_BODY = 1u << 9, IG_CAP_RING = 1u << 10,
    IG_CAP_LIMIT = 1u << 11,     /* memory.limit itself was set */
};

void ig_config_defaults(struct ig_config *c);
/* Recomputes the caps memory.limit governs (those not in explicit_caps). Returns IG_OK, or
 * IG_ECONF with a sentence in err when the limit cannot hold the explicit caps. Called by
 * ig_config_defaults and the loaders. */
int  ig_config_derive(struct ig_config *c, char *err, size_t errlen);
/* Loads <path> over the defaults already in <c>. Returns IG_OK, or IG_ECONF with
 * "path:line: reason" in err. */
int  ig_config_load(const char *path, struct ig_config *c, char *err, size_t errlen);
/* The same from memory; <name> stands for the file in messages. On error <c> is unchanged. */
int  ig_config_load_buf(const char *name, const void *p, size_t n, struct ig_config *c,
                        char *err, size_t errlen);
/* Writes every key as "key: value  # help" (YAML, dotted keys), secrets masked. */
void ig_config_print(const struct ig_config *c, FILE *out);
/* The same for the built-in defaults: `inferguard config --defaults`, README. */
void ig_config_print_defaults(FILE *out);

#endif
