/* The configuration loader: one table names every key, its default, its type, where it
 * lives in struct ig_config and its range; YAML maps are flattened to dotted keys on the way in
 * ("flow: {idle_timeout: 60s}" and "flow.idle_timeout: 60s" are the same key). */
#include <inferguard/config.h>

#include "core/cidr.h"
#include "units.h"
#include "yaml_doc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cfg_type {
    FT_U32, FT_U64,
    FT_STR,          /* char[size] */
    FT_ENUM,         /* char[size], one of choices */
    FT_SECRET,       /* char[size], never printed */
    FT_DUR_S,        /* uint32_t seconds; bare number = seconds */
    FT_DUR_MS,       /* uint32_t milliseconds; bare number = milliseconds */
    FT_SIZE32, FT_SIZE64,   /* bytes; "256MiB" */
    FT_PORTS,        /* uint16_t[max_items] + uint32_t count */
    FT_LIST,         /* char[max_items][size] + uint32_t count */
    FT_KV,           /* struct ig_kv[max_items] + uint32_t count: any string map */
    FT_ROUTES,       /* struct ig_generic_route[max_items] + count: list of route maps */
    FT_SUPPRESS,     /* struct ig_suppress[max_items] + count: list of suppression entries */
};

enum { LIST_LOWER = 1, LIST_CIDR = 2 };

struct cfg_key {
    const char *name;
    const char *def;            /* the default, as YAML would give it; NULL = empty / 0 */
    enum cfg_type type;
    size_t off, size, count_off;
    uint32_t max_items;
    uint64_t min, max;          /* in the key's unit: count, seconds, ms or bytes */
    const char *choices;        /* "a|b|c" for FT_ENUM and checked FT_LIST items */
    unsigned flags;
    const char *help;
    uint32_t cap_bit;           /* IG_CAP_*: derived from memory.limit unless set */
};

#define OFF(f) offsetof(struct ig_config, f)
#define SZ(f) sizeof(((struct ig_config *)0)->f)
#define NUM(n, d, t, f, lo, hi, h)   { n, d, t, OFF(f), SZ(f), 0, 0, lo, hi, NULL, 0, h, 0 }
#define STR(n, d, t, f, ch, h)       { n, d, t, OFF(f), SZ(f), 0, 0, 0, 0, ch, 0, h, 0 }
#define LIST(n, d, f, cnt, ch, fl, h) { n, d, FT_LIST, OFF(f), SZ(f[0]), OFF(cnt), IG_CONFIG_MAX_LIST, 0, 0, ch, fl, h, 0 }

#define CAPK(n, d, t, f, lo, hi, bit, h) { n, d, t, OFF(f), SZ(f), 0, 0, lo, hi, NULL, 0, h, bit }

#define KiB 1024ull
#define MiB (1024ull * 1024)
#define GiB (1024ull * 1024 * 1024)

static const struct cfg_key keys[] = {
    CAPK("memory.limit", "1GiB", FT_SIZE64, memory_limit, 0, 1024 * GiB, IG_CAP_LIMIT,
         "bounds everything an attacker can grow; the caps marked (derived) follow from it unless set; 0 = off"),
    CAPK("memory.events", NULL, FT_SIZE64, events_memcap, 0, 64 * GiB, IG_CAP_EVENTS,
         "(derived) events in flight: decoding scratch and queued events; 0 = 8 x body limit + 64MiB"),
    NUM("capture.snaplen", "262144", FT_U32, capture_snaplen, 64, 262144,
        "bytes captured per packet (live)"),
    STR("capture.bpf", NULL, FT_STR, capture_bpf, NULL, "BPF filter; empty = derived from capture.ports"),
    { "capture.ports", "[80, 8000, 8001, 8080, 8500, 8501, 9000]", FT_PORTS, OFF(model_ports), sizeof(uint16_t), OFF(n_model_ports),
      IG_CONFIG_MAX_PORTS, 1, 65535, NULL, 0,
        "model servers' TCP ports (8001 Triton gRPC, 8500 TF Serving gRPC)", 0 },
    NUM("capture.buffer_size", "64MiB", FT_SIZE64, capture_buffer, 1 * MiB, 4 * GiB,
        "kernel capture ring (live); larger rides out bursts, drops are counted and reported (evasion.overload)"),
    STR("capture.checksums", "auto", FT_ENUM, capture_checksums, "auto|on|off",
        "IPv4 header and TCP checksums; a bad segment never reaches reassembly (counted); auto skips a flow direction whose checksums are all wrong from its first packet (offload on this host)"),
    CAPK("defrag.memcap", "32MiB", FT_SIZE64, defrag_memcap, 64 * KiB, 64 * GiB, IG_CAP_DEFRAG,
        "(derived) IP fragments held at once; oldest incomplete datagram dropped (counted)"),
    NUM("defrag.timeout", "30s", FT_DUR_S, defrag_timeout_s, 1, 600,
        "an incomplete datagram is dropped (Linux ipfrag_time)"),
    STR("defrag.policy", "linux", FT_ENUM, defrag_policy, "linux|linux-old|bsd|first|last|windows|solaris",
        "overlapping fragments resolved as the protected host does"),
    CAPK("flow.max_flows", "65536", FT_U32, flow_max, 1, 1u << 24, IG_CAP_FLOWS,
        "(derived) established flows tracked at once; least recently used evicted (counted)"),
    NUM("flow.idle_timeout", "2m", FT_DUR_S, flow_idle_timeout_s, 1, 86400,
        "a flow idle this long is closed (capture clock)"),
    CAPK("flow.memcap", "256MiB", FT_SIZE64, flow_memcap, 1 * MiB, 1024 * GiB, IG_CAP_FLOW,
        "(derived) flow entries + queued out-of-order bytes, all flows"),
    NUM("flow.stream_max_bytes", "4MiB", FT_SIZE32, flow_stream_max, 4 * KiB, 1 * GiB,
        "out-of-order bytes queued per direction"),
    NUM("flow.embryonic_max", "16384", FT_U32, flow_embryonic_max, 1, 1u << 24,
        "flows whose SYN is unanswered, on their own list: a SYN flood evicts only these (counted), never established flows"),
    NUM("flow.embryonic_timeout", "10s", FT_DUR_S, flow_embryonic_timeout_s, 1, 86400,
        "an unanswered SYN is forgotten after this"),
    NUM("flow.parse_shards", "1", FT_U32, parse_shards, 1, 8,
        "threads parsing flows (TCP, HTTP, payloads), each owning the flows between the address pairs "
        "hashed to it; 1 = on the capture thread; events and findings as with 1 (--parse-shards)"),
    CAPK("http.request_body_limit", "8MiB", FT_SIZE32, http_request_body_limit, 1 * KiB, 1 * GiB, IG_CAP_REQ_BODY,
         "(derived) request bodies beyond this: the head is inspected, the event flagged truncated"),
    CAPK("http.response_body_limit", "8MiB", FT_SIZE32, http_response_body_limit, 1 * KiB, 1 * GiB, IG_CAP_RESP_BODY,
         "(derived) response bodies beyond this: the head is inspected"),
    NUM("http.pipeline_depth", "64", FT_U32, http_pipeline_depth, 1, 4096,
        "requests awaiting a response per connection; older ones are handed out without their response (flagged, counted)"),
    STR("http.parser", "fast", FT_ENUM, http_parser, "fast|libhtp",
        "fast: unambiguous HTTP/1.1 (Content-Length framing, strict chunked responses) by a strict parser of our own, everything else by libhtp (a connection goes to libhtp at its first other message, all its bytes replayed); libhtp: libhtp only"),
    CAPK("http.memcap", "512MiB", FT_SIZE64, http_memcap, 1 * MiB, 1024 * GiB, IG_CAP_HTTP,
        "(derived) body buffers of all connections; at the cap the largest is given up first (head inspected, counted)"),
    NUM("http.decompress_body_limit", "16MiB", FT_SIZE32, http_inflate_body_limit, 1 * KiB, 1 * GiB,
        "inflated bytes per body before decompression stops (bomb)"),
    NUM("http.decompress_conn_limit", "256MiB", FT_SIZE64, http_inflate_conn_limit, 1 * KiB, 1024 * GiB,
        "inflated bytes per connection before decompression stops"),
    NUM("http.decompress_max_ratio", "300", FT_U32, http_inflate_ratio, 2, 100000,
        "inflated:compressed ratio (judged past 1 MiB) that stops decompression"),
    NUM("http2.max_streams", "256", FT_U32, http2_max_streams, 1, 1u << 20,
        "HTTP/2 streams tracked at once per connection; more are counted and skipped"),
    NUM("http2.max_header_list_size", "64KiB", FT_SIZE32, http2_max_header_list_size, 1 * KiB, 64 * MiB,
        "decoded header list of one stream (RFC 9113 sizes); beyond it the stream is skipped"),
    NUM("http2.max_message_size", "8MiB", FT_SIZE32, http2_max_message_size, 1 * KiB, 1 * GiB,
        "one gRPC message as sent; larger ones are counted, the event flagged malformed"),
    NUM("http2.max_decompressed_size", "8MiB", FT_SIZE32, http2_max_decompressed_size, 1 * KiB, 1 * GiB,
        "one gRPC message after gzip/deflate; beyond it the message is not decoded"),
    NUM("http2.conn_memcap", "64MiB", FT_SIZE64, http2_conn_memcap, 64 * KiB, 1024 * GiB,
        "message and body bytes buffered per HTTP/2 connection"),
    NUM("adapters.max_rows", "65536", FT_U32, max_rows, 1, 1u << 24, "rows per tensor"),
    NUM("adapters.max_features", "1048576", FT_U32, max_features, 1, 1u << 24, "features per row"),
    NUM("adapters.max_values", "4194304", FT_U32, max_values, 1, 1u << 28, "values per tensor (rows x features)"),
    NUM("adapters.max_depth", "64", FT_U32, max_depth, 1, 1024, "JSON nesting depth"),
    NUM("adapters.max_string", "1MiB", FT_SIZE32, max_string, 16, 256 * MiB, "longest JSON string (prompts)"),
    LIST("identity.order", "[spiffe, jwt, api_key, jwt_unverified, forwarded, source_ip]", identity_order, n_identity_order,
         "spiffe|jwt|api_key|jwt_unverified|forwarded|source_ip", 0,
         "identity sources, first match wins"),
    LIST("identity.api_key_headers", "[x-api-key]", api_key_headers, n_api_key_headers, NULL, LIST_LOWER,
         "headers carrying an API key (hashed, never stored)"),
    STR("identity.hash_secret", NULL, FT_SECRET, identity_secret, NULL,
        "key for hashing API keys; default $INFERGUARD_ID_SECRET; never printed"),
    LIST("identity.trusted_proxies", "[127.0.0.6/32, \"::6/128\"]", trusted_proxies, n_trusted_proxies, NULL, LIST_CIDR,
         "CIDRs of proxies whose identity headers (XFCC, JWT, XFF) are believed"),
    STR("identity.jwt.jwks_file", NULL, FT_STR, jwt_jwks_file, NULL,
        "JWKS JSON verifying bearer JWTs, reread when it changes; empty = none verified"),
    LIST("identity.jwt.issuers", NULL, jwt_issuers, n_jwt_issuers, NULL, 0, "accepted iss values; [] = any"),
    LIST("identity.jwt.audiences", NULL, jwt_audiences, n_jwt_audiences, NULL, 0,
        "one aud must be listed; [] = any"),
    NUM("identity.jwt.leeway", "60s", FT_DUR_S, jwt_leeway_s, 0, 86400,
        "skew allowed on exp/nbf (capture clock)"),
    NUM("identity.rotation.window", "5m", FT_DUR_S, rotation_window_s, 10, 86400,
        "sliding window over which identities per source are counted"),
    NUM("identity.rotation.threshold", "32", FT_U32, rotation_threshold, 2, 1000000,
        "distinct identities from one source in the window that raise abuse.identity_rotation"),
    NUM("identity.rotation.max_queries_per_identity", "4", FT_U32, rotation_max_qpi, 1, 1000000,
        "... when the source also sent at most this many queries per identity"),
    NUM("identity.sources.max", "16384", FT_U32, sources_max, 16, 16777216,
        "stable sources tracked (LRU), ~1.1 KiB each (18 MiB)"),
    NUM("identity.sources.new_clients_per_min", "60", FT_U32, sources_new_per_min, 1, 1000000,
        "new identities one source may add to the client table per minute"),
    NUM("identity.sources.new_clients_burst", "32", FT_U32, sources_new_burst, 1, 1000000,
        "... and at once"),
    NUM("identity.sources.max_clients", "64", FT_U32, sources_max_clients, 1, 100000000,
        "live client entries one source may hold"),
    NUM("detection.max_clients", "100000", FT_U32, clients_max, 1, 100000000,
        "clients tracked; LRU evicted (counted)"),
    CAPK("detection.memcap", "512MiB", FT_SIZE64, clients_memcap, 64 * KiB, 1024 * GiB, IG_CAP_CLIENTS,
         "(derived) client table memory (every detector's per-client state)"),
    CAPK("detection.max_models", "1024", FT_U32, max_models, 1, 1024, IG_CAP_MODELS,
        "(derived) models with their own state; never-served names give way to each other, never to a served model"),
    NUM("detection.model_idle_timeout", "1h", FT_DUR_S, model_idle_s, 1, 30 * 86400,
        "a model unseen this long gives its slot (and its state) up"),
    NUM("detection.workers", "1", FT_U32, detection_workers, 1, 16,
        "1 = one thread; 2 = parsing and detection on two threads, sharing the model-side lane "
        "(detection.model_side); N >= 3: also a model-side lane on its own thread "
        "(PRADA, coverage over every event; the per-client detectors too while there is no client lane) "
        "and N - 3 client lanes running the per-client detectors, "
        "sharded by source (--workers)"),
    STR("detection.model_side", "auto", FT_ENUM, detection_model_side, "auto|parsing|detection",
        "with 2 workers, which thread runs the model-side lane (PRADA, coverage, the per-client "
        "detectors): auto = the parsing thread while detection is behind and has used more CPU, "
        "else detection; parsing = the parsing thread once it has queued the event (detection "
        "where it gets there first); the same findings either way"),
    STR("detection.decode", "auto", FT_ENUM, detection_decode, "auto|parsing|detection",
        "with 2 workers, which thread turns transactions into events (the adapters: JSON, SSE, "
        "tensors): auto = the detection thread while the parsing thread has used more CPU, "
        "detection keeps up (at most a quarter of the ring queued) and the parsing thread "
        "has not run the model-side lane lately (the transaction copied over), else parsing; detection = the "
        "detection thread whenever the transaction fits a ring slot; not with --events; the "
        "same events and findings either way"),
    NUM("detection.ring_slots", "256", FT_U32, ring_slots, 2, 65536, "events queued between the two threads"),
    CAPK("detection.ring_slot_bytes", "64KiB", FT_SIZE32, ring_slot_bytes, 4 * KiB, 64 * MiB, IG_CAP_RING,
        "(derived) one queued event's tensors and text; larger ones use a shared overflow buffer (counted)"),
    STR("findings.encoding", "json", FT_ENUM, findings_encoding, "json|msgpack",
        "finding encoding (msgpack: Kafka only)"),
    { "findings.suppress", NULL, FT_SUPPRESS, OFF(suppress), sizeof(struct ig_suppress), OFF(n_suppress),
      IG_CONFIG_MAX_SUPPRESS, 0, 0, NULL, 0,
        "findings not published, only counted (summary, /metrics): [{analytic, source, client, model, expires, comment}], see below", 0 },
    STR("output.findings", "\"-\"", FT_STR, findings_path, NULL,
        "findings JSONL file; - = stdout (--findings)"),
    STR("output.events", NULL, FT_STR, events_path, NULL,
        "events JSONL file; empty = off (--events)"),
    STR("rules.dir", NULL, FT_STR, rules_dir, NULL,
        "(--rules) a directory replacing the embedded rules; empty = the shipped rules/ compiled in"),
    STR("rules.cache_dir", "auto", FT_STR, rules_cache_dir, NULL,
        "compiled pattern databases; auto = $XDG_CACHE_HOME/inferguard or ~/.cache/inferguard; empty = off"),
    STR("kafka.brokers", NULL, FT_STR, kafka_brokers, NULL,
        "bootstrap servers; empty = Kafka off (--kafka)"),
    STR("kafka.topic", "inferguard.findings", FT_STR, kafka_topic, NULL, "findings topic (--topic)"),
    { "kafka.properties", NULL, FT_KV, OFF(kafka_props), sizeof(struct ig_kv), OFF(n_kafka_props),
      IG_CONFIG_MAX_KV, 0, 0, NULL, 0,
        "any librdkafka property (security.protocol, sasl.*, ssl.*, ...)", 0 },
    STR("kafka.spool_dir", "/var/lib/inferguard/spool", FT_STR, spool_dir, NULL,
        "findings kept here while the broker is away"),
    NUM("kafka.spool_max_bytes", "256MiB", FT_SIZE64, spool_max_bytes, 0, 1024 * GiB,
        "spool cap; beyond it the oldest are dropped (counted, logged)"),
    STR("kafka.spool_fsync", "batch", FT_ENUM, spool_fsync, "always|batch|never", "spool durability"),
    NUM("kafka.flush_timeout", "10s", FT_DUR_MS, flush_timeout_ms, 0, 600000,
        "wait for delivery at shutdown, then spool"),
    STR("kafka.events_topic", NULL, FT_STR, kafka_events_topic, NULL,
        "publish every inference event (msgpack) here for `inferguard aggregate`; empty = off (--events-topic)"),
    STR("kafka.events_text", "false", FT_ENUM, kafka_events_text, "false|true",
        "events carry prompt, completion and system prompt text"),
    STR("kafka.events_quantise", "none", FT_ENUM, kafka_events_quantise, "none|f16",
        "tensors in events as float32 or half floats"),
    NUM("kafka.events_heartbeat", "250ms", FT_DUR_MS, kafka_events_heartbeat_ms, 0, 60000,
        "a watermark record to every partition of the events topic this often (of the pod's event time), so an idle pod does not hold the aggregator back; 0 = off"),
    STR("drift.reports_dir", NULL, FT_STR, reports_dir, NULL,
        "drift reports written here; empty = off (--reports)"),
    STR("http.listen", NULL, FT_STR, http_listen, NULL,
        "run: HOST:PORT of /healthz /readyz /metrics /reports; empty = off (--listen)"),
    STR("ingest.cloudevents.listen", NULL, FT_STR, ce_listen, NULL,
        "run: [HOST:]PORT receiving KServe payload-logger CloudEvents; empty = off (--cloudevents)"),
    NUM("ingest.cloudevents.pair_timeout", "30s", FT_DUR_S, ce_pair_timeout_s, 1, 3600,
        "a request whose response has not come by then is analysed alone"),
    NUM("ingest.cloudevents.max_pending", "16384", FT_U32, ce_max_pending, 1, 1u << 22,
        "events waiting for their pair; oldest pushed out (counted)"),
    CAPK("ingest.cloudevents.pending_memcap", "128MiB", FT_SIZE64, ce_pending_memcap, 1 * MiB, 1024 * GiB, IG_CAP_CE,
         "(derived) bytes of events waiting for their pair; oldest pushed out (counted)"),
    NUM("ingest.cloudevents.max_body", "64MiB", FT_SIZE64, ce_max_body, 64 * KiB, 4 * GiB,
        "largest POST body read (whitespace padding squeezed after); larger: 413, unseen"),
    STR("ingest.cloudevents.model_name", "isvc", FT_ENUM, ce_model_name, "isvc|namespace/isvc",
        "model of a mirrored event: the InferenceService name, or namespace/name"),
    STR("http.reports_auth", "token", FT_ENUM, http_reports_auth, "token|off",
        "/reports (production feature distributions) needs the bearer token of http.reports_token_file"),
    STR("http.reports_token_file", NULL, FT_STR, http_reports_token_file, NULL,
        "file holding the /reports bearer token (a Secret); reread when it changes"),
    STR("run.user", NULL, FT_STR, run_user, NULL,
        "UID[:GID] or NAME[:GROUP] run switches to once capture is open (started as root); empty = stay"),
    STR("run.seccomp", "on", FT_ENUM, run_seccomp, "on|log|off",
        "after start-up: no_new_privs and a seccomp allow-list (log = allow all, log the rest)"),
    { "adapters.generic", NULL, FT_ROUTES, OFF(generic_routes), sizeof(struct ig_generic_route),
      OFF(n_generic_routes), IG_ARRAY_LEN(((struct ig_config *)0)->generic_routes), 0, 0, NULL, 0,
        "per-route generic JSON adapter: [{route, model, features, scores, label, scores_kind}], see below", 0 },
};

static void set_str(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s);
}

static int load_into(const char *name, const void *p, size_t n, struct ig_config *c, uint32_t *set_caps,
                     char *err, size_t errlen);

/* Every key's default from the table: the same loader reads them as a file ("key: default"
 * per line), so a default is checked like any value and a new key is one row. */
static void static_defaults(struct ig_config *c)
{
    char doc[8192];
    size_t o = 0;
    for (size_t i = 0; i < IG_ARRAY_LEN(keys); i++)
        if (keys[i].def)
            o += (size_t)snprintf(doc + o, sizeof doc - o, "%s: %s\n", keys[i].name, keys[i].def);
    IG_ASSERT(o < sizeof doc);
    memset(c, 0, sizeof *c);
    char err[256];
    uint32_t caps;
    int rc = load_into("<defaults>", doc, o, c, &caps, err, sizeof err);
    IG_ASSERT(rc == IG_OK);   /* the table's own defaults always load */
    (void)rc;
    const char *secret = getenv("INFERGUARD_ID_SECRET");
    if (secret)
        set_str(c->identity_secret, sizeof c->identity_secret, secret);
}

void ig_config_defaults(struct ig_config *c)
{
    static_defaults(c);
    char err[8];
    (void)ig_config_derive(c, err, sizeof err);   /* the defaults always fit */
}

/* ---- memory.limit ---- */

/* Bytes held per tracked flow beyond reassembly: the flow entry, nDPI's flow state, the
 * HTTP connection with libhtp's parser and a few transaction slots (measured with
 * bench_memory's flow flood; rounded up). */
#define FLOW_STATE_BYTES (8 * KiB)
/* Per-model entry (every model-keyed detector's slice; drift dominates). */
#define MODEL_STATE_BYTES (256 * KiB)

int ig_config_derive(struct ig_config *c, char *err, size_t errlen)
{
    struct ig_config d;
    static_defaults(&d);
    uint32_t ex = c->explicit_caps;
#define KEEP(bit, f) do { if (!(ex & (bit))) c->f = d.f; } while (0)
    KEEP(IG_CAP_FLOW, flow_memcap);
    KEEP(IG_CAP_FLOWS, flow_max);
    KEEP(IG_CAP_HTTP, http_memcap);
    KEEP(IG_CAP_CLIENTS, clients_memcap);
    KEEP(IG_CAP_EVENTS, events_memcap);
    KEEP(IG_CAP_CE, ce_pending_memcap);
    KEEP(IG_CAP_MODELS, max_models);
    KEEP(IG_CAP_REQ_BODY, http_request_body_limit);
    KEEP(IG_CAP_RESP_BODY, http_response_body_limit);
    KEEP(IG_CAP_RING, ring_slot_bytes);
    KEEP(IG_CAP_DEFRAG, defrag_memcap);
#undef KEEP
    uint64_t L = c->memory_limit;
    if (L == 0)
        return IG_OK;
    if (L < 128 * MiB) {
        snprintf(err, errlen, "memory.limit: %llu bytes is below the 128MiB minimum",
                 (unsigned long long)L);
        return IG_ECONF;
    }
    /* The process itself (code, Hyperscan databases, nDPI, libraries) and allocator
     * slack take a fixed part and an eighth; the rest is shared out below. Caps set
     * explicitly are taken off first, the derived ones share what is left. */
    uint64_t reserve = 64 * MiB + L / 8, budget = L - reserve;
    static const struct { uint32_t bit; unsigned pct; } share[] = {
        { IG_CAP_HTTP, 30 }, { IG_CAP_FLOW, 20 }, { IG_CAP_CLIENTS, 25 }, { IG_CAP_EVENTS, 12 },
        { IG_CAP_CE, 6 }, { IG_CAP_MODELS, 3 }, { IG_CAP_DEFRAG, 4 },
    };
    uint64_t fixed = 0;
    unsigned pct_free = 0;
    for (size_t i = 0; i < IG_ARRAY_LEN(share); i++) {
        uint64_t v = 0;
        if (!(ex & share[i].bit)) {
            pct_free += share[i].pct;
            continue;
        }
        switch (share[i].bit) {
        case IG_CAP_HTTP: v = c->http_memcap; break;
        case IG_CAP_FLOW: v = c->flow_memcap; break;
        case IG_CAP_CLIENTS: v = c->clients_memcap; break;
        case IG_CAP_EVENTS: v = c->events_memcap; break;
        case IG_CAP_CE: v = c->ce_pending_memcap; break;
        case IG_CAP_MODELS: v = (uint64_t)c->max_models * MODEL_STATE_BYTES; break;
        case IG_CAP_DEFRAG: v = c->defrag_memcap; break;
        default: v = budget * share[i].pct / 100; break;
        }
        fixed += v;
    }
    if (fixed > budget && (ex & IG_CAP_LIMIT)) {
        snprintf(err, errlen, "memory.limit: %lluMiB leaves %lluMiB for the caps, but those set "
                 "explicitly take %lluMiB", (unsigned long long)(L / MiB),
                 (unsigned long long)(budget / MiB), (unsigned long long)(fixed / MiB));
        return IG_ECONF;
    }
    /* (Explicit caps over the default limit: the derived ones get their floors.) */
    uint64_t rest = fixed < budget ? budget - fixed : 0;
#define SHARE(pct) (pct_free ? rest * (pct) / pct_free / MiB * MiB : 0)
    if (!(ex & IG_CAP_HTTP))
        c->http_memcap = IG_MAX(SHARE(30), 1 * MiB);
    if (!(ex & IG_CAP_FLOW))
        c->flow_memcap = IG_MAX(SHARE(20), 1 * MiB);
    if (!(ex & IG_CAP_CLIENTS))
        c->clients_memcap = IG_MAX(SHARE(25), 64 * KiB);
    if (!(ex & IG_CAP_EVENTS))
        c->events_memcap = IG_MAX(SHARE(12), 4 * MiB);
    if (!(ex & IG_CAP_CE))
        c->ce_pending_memcap = IG_MAX(SHARE(6), 1 * MiB);
    if (!(ex & IG_CAP_DEFRAG))
        c->defrag_memcap = IG_MAX(SHARE(4), 1 * MiB);
    if (!(ex & IG_CAP_MODELS))
        c->max_models = (uint32_t)IG_MAX(IG_MIN(SHARE(3) / MODEL_STATE_BYTES, (uint64_t)d.max_models), 16);
#undef SHARE
    /* Flows: their state beyond reassembly counts against flow.memcap too. */
    if (!(ex & IG_CAP_FLOWS))
        c->flow_max = (uint32_t)IG_MAX(IG_MIN(c->flow_memcap / FLOW_STATE_BYTES, (uint64_t)d.flow_max), 64);
    /* A body is decoded into scratch (tensors, text: up to ~4x its size) and must fit in
     * http.memcap several times over. */
    uint64_t body = IG_MIN(c->events_memcap / 6, c->http_memcap / 4) / (64 * KiB) * (64 * KiB);
    if (!(ex & IG_CAP_REQ_BODY))
        c->http_request_body_limit = (uint32_t)IG_MAX(IG_MIN(body, (uint64_t)d.http_request_body_limit), 64 * KiB);
    if (!(ex & IG_CAP_RESP_BODY))
        c->http_response_body_limit = (uint32_t)IG_MAX(IG_MIN(body, (uint64_t)d.http_response_body_limit), 64 * KiB);
    /* With two workers the ring holds ring_slots events: a quarter of the events budget. */
    if (!(ex & IG_CAP_RING))
        c->ring_slot_bytes = (uint32_t)IG_MAX(IG_MIN(c->events_memcap / 4 / IG_MAX(c->ring_slots, 1u) / KiB * KiB,
                                                     (uint64_t)d.ring_slot_bytes), 4 * KiB);
    return IG_OK;
}

/* ---- loading ---- */

struct loader {
    struct ig_ydoc *d;
    const char *name;
    struct ig_config *c;
    char *err;
    size_t errlen;
    unsigned set_line[IG_ARRAY_LEN(keys)];   /* where each key was set: a second time is an error */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct loader *L, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(L->err, L->errlen, "%s:%u: %s", L->name, ig_ydoc_line(n), msg);
    return IG_ECONF;
}

static const struct cfg_key *find_key(const char *path)
{
    for (size_t i = 0; i < IG_ARRAY_LEN(keys); i++)
        if (strcmp(keys[i].name, path) == 0)
            return &keys[i];
    return NULL;
}

static bool is_section(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < IG_ARRAY_LEN(keys); i++)
        if (strncmp(keys[i].name, path, n) == 0 && keys[i].name[n] == '.')
            return true;
    return false;
}

static bool in_choices(const char *choices, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0)
            return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

static bool valid_cidr(const char *s)
{
    struct ig_cidr c;
    return ig_cidr_parse(s, &c) == IG_OK;
}

static int need_scalar(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
    if (v->type != YAML_SCALAR_NODE)
        return fail(L, v, "%s: expected a value, got %s", k->name, ig_ydoc_kind(v));
    if (ig_ydoc_is_null(v) && k->type != FT_STR && k->type != FT_SECRET)
        return fail(L, v, "%s: missing value", k->name);
    return IG_OK;
}

static int set_number(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
    const char *s = ig_ydoc_str(v), *what;
    uint64_t x;
    bool ok;
    switch (k->type) {
    case FT_DUR_S:
        what = "a duration (e.g. 120s, 5m)";
        ok = ig_parse_duration_us(s, 1000000, &x);
        if (ok && x % 1000000)
            return fail(L, v, "%s: '%s' is not a whole number of seconds", k->name, s);
        x /= 1000000;
        break;
    case FT_DUR_MS:
        what = "a duration (e.g. 500ms, 10s)";
        ok = ig_parse_duration_us(s, 1000, &x);
        if (ok && x % 1000)
            return fail(L, v, "%s: '%s' is not a whole number of milliseconds", k->name, s);
        x /= 1000;
        break;
    case FT_SIZE32:
    case FT_SIZE64:
        what = "a size (e.g. 8MiB, 512k, 4096)";
        ok = ig_parse_size(s, &x);
        break;
    default:
        what = "a whole number";
        ok = ig_parse_u64(s, &x);
        break;
    }
    if (!ok)
        return fail(L, v, "%s: '%s' is not %s", k->name, s, what);
    if (x < k->min || x > k->max)
        return fail(L, v, "%s: %s is out of range [%llu, %llu]", k->name, s,
                    (unsigned long long)k->min, (unsigned long long)k->max);
    uint8_t *base = (uint8_t *)L->c;
    if (k->type == FT_U64 || k->type == FT_SIZE64)
        memcpy(base + k->off, &x, sizeof x);
    else {
        uint32_t y = (uint32_t)x;
        memcpy(base + k->off, &y, sizeof y);
    }
    return IG_OK;
}

static int set_string(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
    const char *s = ig_ydoc_is_null(v) ? "" : ig_ydoc_str(v);
    size_t n = v->data.scalar.length;
    if (ig_ydoc_is_null(v))
        n = 0;
    if (memchr(s, 0, n) || strlen(s) != n)
        return fail(L, v, "%s: contains a NUL byte", k->name);
    if (n >= k->size)
        return fail(L, v, "%s: longer than %zu bytes", k->name, k->size - 1);
    if (k->type == FT_ENUM && !in_choices(k->choices, s))
        return fail(L, v, "%s: '%s' is not one of %s", k->name, s, k->choices);
    memcpy((char *)L->c + k->off, s, n + 1);
    return IG_OK;
}

static int set_list(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
    uint8_t *base = (uint8_t *)L->c;
    uint32_t count = 0;
    if (v->type == YAML_SCALAR_NODE && ig_ydoc_is_null(v))
        goto done;
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(L, v, "%s: expected a list, got %s", k->name, ig_ydoc_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = ig_ydoc_node(L->d, *it);
        if (!e || e->type != YAML_SCALAR_NODE || ig_ydoc_is_null(e))
            return fail(L, e ? e : v, "%s: list items must be values", k->name);
        if (count == k->max_items)
            return fail(L, e, "%s: more than %u items", k->name, k->max_items);
        const char *s = ig_ydoc_str(e);
        if (k->type == FT_PORTS) {
            uint64_t port;
            if (!ig_parse_u64(s, &port) || port < k->min || port > k->max)
                return fail(L, e, "%s: '%s' is not a port (1-65535)", k->name, s);
            uint16_t p16 = (uint16_t)port;
            memcpy(base + k->off + count * sizeof p16, &p16, sizeof p16);
        } else {
            size_t n = e->data.scalar.length;
            if (n >= k->size || strlen(s) != n)
                return fail(L, e, "%s: item longer than %zu bytes", k->name, k->size - 1);
            if (k->choices && !in_choices(k->choices, s))
                return fail(L, e, "%s: '%s' is not one of %s", k->name, s, k->choices);
            if ((k->flags & LIST_CIDR) && !valid_cidr(s))
                return fail(L, e, "%s: '%s' is not an address or CIDR", k->name, s);
            char *dst = (char *)base + k->off + count * k->size;
            for (size_t i = 0; i <= n; i++)
                dst[i] = (k->flags & LIST_LOWER) ? (char)tolower((unsigned char)s[i]) : s[i];
        }
        count++;
    }
done:
    memcpy(base + k->count_off, &count, sizeof count);
    return IG_OK;
}

static int set_kv(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
    struct ig_kv *kv = (struct ig_kv *)((uint8_t *)L->c + k->off);
    uint32_t count = 0;
    if (v->type == YAML_SCALAR_NODE && ig_ydoc_is_null(v))
        goto done;
    if (v->type != YAML_MAPPING_NODE)
        return fail(L, v, "%s: expected a map, got %s", k->name, ig_ydoc_kind(v));
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
        if (!kn || !vn || kn->type != YAML_SCALAR_NODE || vn->type != YAML_SCALAR_NODE)
            return fail(L, kn ? kn : v, "%s: keys and values must be plain values", k->name);
        if (count == k->max_items)
            return fail(L, kn, "%s: more than %u properties", k->name, k->max_items);
        const char *ks = ig_ydoc_str(kn), *vs = ig_ydoc_is_null(vn) ? "" : ig_ydoc_str(vn);
        if (!*ks || strlen(ks) >= sizeof kv->key || strlen(ks) != kn->data.scalar.length)
            return fail(L, kn, "%s: bad property name", k->name);
        if (strlen(vs) >= sizeof kv->value)
            return fail(L, vn, "%s.%s: value longer than %zu bytes", k->name, ks, sizeof kv->value - 1);
        set_str(kv[count].key, sizeof kv[count].key, ks);
        set_str(kv[count].value, sizeof kv[count].value, vs);
        count++;
    }
done:
    memcpy((uint8_t *)L->c + k->count_off, &count, sizeof count);
    return IG_OK;
}

/* One field of an adapters.generic item: where it goes and whether it must be there. */
struct route_field { const char *name; size_t off, size; bool required; const char *choices; };

static int set_routes(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
#define RF(n, f, req, ch) { n, offsetof(struct ig_generic_route, f), \
                            sizeof(((struct ig_generic_route *)0)->f), req, ch }
    static const struct route_field fields[] = {
        RF("route", route_prefix, true, NULL), RF("model", model, false, NULL),
        RF("features", features_path, true, NULL), RF("scores", scores_path, false, NULL),
        RF("label", label_path, false, NULL),
        RF("scores_kind", scores_kind, false, "auto|probabilities|logits"),
    };
#undef RF
    struct ig_generic_route *r = (struct ig_generic_route *)((uint8_t *)L->c + k->off);
    uint32_t count = 0;
    if (v->type == YAML_SCALAR_NODE && ig_ydoc_is_null(v))
        goto done;
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(L, v, "%s: expected a list of routes, got %s", k->name, ig_ydoc_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = ig_ydoc_node(L->d, *it);
        if (!e || e->type != YAML_MAPPING_NODE)
            return fail(L, e ? e : v, "%s: each route is a map (route, features, ...)", k->name);
        if (count == k->max_items)
            return fail(L, e, "%s: more than %u routes", k->name, k->max_items);
        struct ig_generic_route *dst = &r[count];
        memset(dst, 0, sizeof *dst);
        set_str(dst->scores_kind, sizeof dst->scores_kind, "auto");
        bool seen[IG_ARRAY_LEN(fields)] = { false };
        for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
            yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
            if (!kn || !vn || kn->type != YAML_SCALAR_NODE || vn->type != YAML_SCALAR_NODE)
                return fail(L, kn ? kn : e, "%s: route fields are plain values", k->name);
            size_t f = 0;
            while (f < IG_ARRAY_LEN(fields) && strcmp(fields[f].name, ig_ydoc_str(kn)) != 0)
                f++;
            if (f == IG_ARRAY_LEN(fields))
                return fail(L, kn, "%s: unknown route field '%s'", k->name, ig_ydoc_str(kn));
            if (seen[f])
                return fail(L, kn, "%s: '%s' is set twice in one route", k->name, fields[f].name);
            seen[f] = true;
            const char *val = ig_ydoc_is_null(vn) ? "" : ig_ydoc_str(vn);
            if (strlen(val) >= fields[f].size)
                return fail(L, vn, "%s.%s: longer than %zu bytes", k->name, fields[f].name, fields[f].size - 1);
            if (fields[f].choices && !in_choices(fields[f].choices, val))
                return fail(L, vn, "%s.%s: '%s' is not one of %s", k->name, fields[f].name, val,
                            fields[f].choices);
            set_str((char *)dst + fields[f].off, fields[f].size, val);
        }
        for (size_t f = 0; f < IG_ARRAY_LEN(fields); f++)
            if (fields[f].required && (!seen[f] || !((char *)dst + fields[f].off)[0]))
                return fail(L, e, "%s: a route needs '%s'", k->name, fields[f].name);
        count++;
    }
done:
    memcpy((uint8_t *)L->c + k->count_off, &count, sizeof count);
    return IG_OK;
}

/* An analytic as a suppression names it: "family.detector", "family.*" or "*". */
static bool valid_analytic(const char *s)
{
    if (strcmp(s, "*") == 0)
        return true;
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || strchr(dot + 1, '.'))
        return false;
    for (const char *p = s; p < dot; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
            return false;
    if (strcmp(dot + 1, "*") == 0)
        return true;
    if (!dot[1])
        return false;
    for (const char *p = dot + 1; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

/* A name matched exactly, or by its prefix with one trailing '*' (nowhere else). */
static bool valid_pattern(const char *s)
{
    const char *star = strchr(s, '*');
    return *s && (!star || star[1] == '\0');
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD" (00:00 UTC that day) or RFC 3339 "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)",
 * to µs since the epoch; false on anything else (no fractions, years 1970-9999). */
static bool parse_when(const char *s, uint64_t *out)
{
    static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    size_t n = strlen(s);
    if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return false;
    const char *p = s + 10;
    if (*p) {
        if ((*p != 'T' && *p != 't' && *p != ' ') || !digits(p + 1, 2, &h) || p[3] != ':' ||
            !digits(p + 4, 2, &mi))
            return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &sec))
                return false;
            p += 3;
        }
        if (h > 23 || mi > 59 || sec > 59)
            return false;
        if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
            off = 0;
        } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
            int oh, om;
            if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
                return false;
            off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        } else {
            return false;
        }
    }
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    if (t <= 0)
        return false;
    *out = (uint64_t)t * 1000000u;
    return true;
}

static int set_suppress(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
#define SF(n, f) { n, offsetof(struct ig_suppress, f), sizeof(((struct ig_suppress *)0)->f), false, NULL }
    static const struct route_field fields[] = {
        SF("analytic", analytic), SF("source", source), SF("client", client), SF("model", model),
        SF("expires", expires), SF("comment", comment),
    };
#undef SF
    enum { F_ANALYTIC, F_SOURCE, F_CLIENT, F_MODEL, F_EXPIRES, F_COMMENT };
    struct ig_suppress *r = (struct ig_suppress *)((uint8_t *)L->c + k->off);
    uint32_t count = 0;
    if (v->type == YAML_SCALAR_NODE && ig_ydoc_is_null(v))
        goto done;
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(L, v, "%s: expected a list of entries ({analytic, source, ...}), got %s", k->name,
                    ig_ydoc_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = ig_ydoc_node(L->d, *it);
        unsigned no = count + 1;
        if (!e || e->type != YAML_MAPPING_NODE)
            return fail(L, e ? e : v, "%s entry %u: each entry is a map (analytic, source, client, model, "
                        "expires, comment)", k->name, no);
        if (count == k->max_items)
            return fail(L, e, "%s: more than %u entries", k->name, k->max_items);
        struct ig_suppress *dst = &r[count];
        memset(dst, 0, sizeof *dst);
        bool seen[IG_ARRAY_LEN(fields)] = { false };
        for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
            yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
            if (!kn || !vn || kn->type != YAML_SCALAR_NODE || vn->type != YAML_SCALAR_NODE)
                return fail(L, kn ? kn : e, "%s entry %u: fields are plain values", k->name, no);
            const char *fname = ig_ydoc_str(kn);
            size_t f = 0;
            while (f < IG_ARRAY_LEN(fields) && strcmp(fields[f].name, fname) != 0)
                f++;
            if (f == IG_ARRAY_LEN(fields) || strlen(fname) != kn->data.scalar.length)
                return fail(L, kn, "%s entry %u: unknown field '%s' (analytic, source, client, model, "
                            "expires, comment)", k->name, no, fname);
            if (seen[f])
                return fail(L, kn, "%s entry %u: '%s' is set twice", k->name, no, fields[f].name);
            seen[f] = true;
            const char *val = ig_ydoc_is_null(vn) ? "" : ig_ydoc_str(vn);
            size_t vlen = ig_ydoc_is_null(vn) ? 0 : vn->data.scalar.length;
            if (strlen(val) != vlen)
                return fail(L, vn, "%s entry %u: %s contains a NUL byte", k->name, no, fields[f].name);
            if (vlen >= fields[f].size)
                return fail(L, vn, "%s entry %u: %s longer than %zu bytes", k->name, no, fields[f].name,
                            fields[f].size - 1);
            if (!*val && f != F_COMMENT)
                return fail(L, vn, "%s entry %u: %s is empty (leave it out to match any)", k->name, no,
                            fields[f].name);
            switch (f) {
            case F_ANALYTIC:
                if (!valid_analytic(val))
                    return fail(L, vn, "%s entry %u: analytic '%s' is not a name (extraction.prada), a "
                                "family (extraction.*) or *", k->name, no, val);
                break;
            case F_SOURCE:
                if (!valid_cidr(val))
                    return fail(L, vn, "%s entry %u: source '%s' is not an address or CIDR", k->name, no, val);
                break;
            case F_CLIENT:
            case F_MODEL:
                if (!valid_pattern(val))
                    return fail(L, vn, "%s entry %u: %s '%s': '*' only at the end (a prefix)", k->name, no,
                                fields[f].name, val);
                break;
            case F_EXPIRES:
                if (!parse_when(val, &dst->expires_us))
                    return fail(L, vn, "%s entry %u: expires '%s' is not a date (2027-01-31) or an RFC 3339 "
                                "time (2027-01-31T18:00:00Z)", k->name, no, val);
                break;
            default:
                break;
            }
            set_str((char *)dst + fields[f].off, fields[f].size, val);
        }
        if (!seen[F_ANALYTIC])
            return fail(L, e, "%s entry %u: needs analytic (extraction.prada, extraction.* or *)", k->name, no);
        if (!seen[F_SOURCE] && !seen[F_CLIENT] && !seen[F_MODEL])
            return fail(L, e, "%s entry %u: needs source, client or model (to turn an analytic off "
                        "everywhere, set enabled: false in its rules block)", k->name, no);
        count++;
    }
done:
    memcpy((uint8_t *)L->c + k->count_off, &count, sizeof count);
    return IG_OK;
}

static int set_key(struct loader *L, const struct cfg_key *k, const yaml_node_t *v)
{
    switch (k->type) {
    case FT_PORTS:
    case FT_LIST:
        return set_list(L, k, v);
    case FT_KV:
        return set_kv(L, k, v);
    case FT_ROUTES:
        return set_routes(L, k, v);
    case FT_SUPPRESS:
        return set_suppress(L, k, v);
    default:
        break;
    }
    int rc = need_scalar(L, k, v);
    if (rc)
        return rc;
    if (k->type == FT_STR || k->type == FT_ENUM || k->type == FT_SECRET)
        return set_string(L, k, v);
    return set_number(L, k, v);
}

static int walk(struct loader *L, const yaml_node_t *map, const char *prefix, int depth)
{
    if (depth > IG_YAML_MAX_DEPTH)
        return fail(L, map, "nested too deeply");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
        if (!kn || !vn)
            return fail(L, map, "broken YAML document");
        if (kn->type != YAML_SCALAR_NODE)
            return fail(L, kn, "keys must be plain names, got %s", ig_ydoc_kind(kn));
        char path[256];
        int n = snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", ig_ydoc_str(kn));
        if (n < 0 || (size_t)n >= sizeof path || strlen(ig_ydoc_str(kn)) != kn->data.scalar.length)
            return fail(L, kn, "key too long");
        const struct cfg_key *k = find_key(path);
        int rc;
        if (k && L->set_line[k - keys])
            rc = fail(L, kn, "'%s' is set twice (first at line %u)", path, L->set_line[k - keys]);
        else if (k) {
            L->set_line[k - keys] = ig_ydoc_line(kn);
            rc = set_key(L, k, vn);
        }
        else if (is_section(path)) {
            if (vn->type == YAML_MAPPING_NODE)
                rc = walk(L, vn, path, depth + 1);
            else if (ig_ydoc_is_null(vn))
                rc = IG_OK;
            else
                rc = fail(L, vn, "'%s' is a section: expected a map, got %s", path, ig_ydoc_kind(vn));
        } else
            rc = fail(L, kn, "unknown key '%s'", path);
        if (rc)
            return rc;
    }
    return IG_OK;
}

/* Reads a document's keys into <c> (which it changes only on success); *set_caps gets the
 * IG_CAP_* bits of the caps it sets. No derivation. */
static int load_into(const char *name, const void *p, size_t n, struct ig_config *c, uint32_t *set_caps,
                     char *err, size_t errlen)
{
    struct ig_ydoc d;
    int rc = ig_ydoc_load(&d, name, p, n, err, errlen);
    if (rc)
        return rc == IG_ENOMEM ? rc : IG_ECONF;
    /* Work on a copy so that a failed load leaves <c> as it was. */
    struct ig_config *tmp = malloc(sizeof *tmp);
    if (!tmp) {
        ig_ydoc_free(&d);
        snprintf(err, errlen, "%s: out of memory", name);
        return IG_ENOMEM;
    }
    *tmp = *c;
    struct loader L = { &d, name, tmp, err, errlen, { 0 } };
    yaml_node_t *root = ig_ydoc_root(&d);
    if (!root || ig_ydoc_is_null(root))
        rc = IG_OK;
    else if (root->type != YAML_MAPPING_NODE)
        rc = fail(&L, root, "expected a map of settings, got %s", ig_ydoc_kind(root));
    else
        rc = walk(&L, root, "", 0);
    *set_caps = 0;
    if (rc == IG_OK) {
        for (size_t i = 0; i < IG_ARRAY_LEN(keys); i++)
            if (L.set_line[i] && keys[i].cap_bit)
                *set_caps |= keys[i].cap_bit;
        *c = *tmp;
    }
    free(tmp);
    ig_ydoc_free(&d);
    return rc;
}

int ig_config_load_buf(const char *name, const void *p, size_t n, struct ig_config *c,
                       char *err, size_t errlen)
{
    struct ig_config *tmp = malloc(sizeof *tmp);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", name);
        return IG_ENOMEM;
    }
    *tmp = *c;
    uint32_t caps;
    int rc = load_into(name, p, n, tmp, &caps, err, errlen);
    if (rc == IG_OK) {
        tmp->explicit_caps |= caps;
        rc = ig_config_derive(tmp, err, errlen);
        if (rc && strncmp(err, "memory.limit", 12) == 0) {
            char msg[320];
            snprintf(msg, sizeof msg, "%s", err);
            snprintf(err, errlen, "%s: %s", name, msg);
        }
    }
    if (rc == IG_OK)
        *c = *tmp;
    free(tmp);
    return rc;
}

int ig_config_load(const char *path, struct ig_config *c, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t n;
    if (ig_ydoc_read_file(path, &buf, &n, err, errlen))
        return IG_ECONF;
    int rc = ig_config_load_buf(path, buf, n, c, err, errlen);
    free(buf);
    return rc;
}

/* ---- printing ---- */

static void print_scaled(FILE *out, uint64_t v, const char *const *units, const uint64_t *mul, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (v && v % mul[i] == 0) {
            fprintf(out, "%llu%s", (unsigned long long)(v / mul[i]), units[i]);
            return;
        }
    fprintf(out, "%llu%s", (unsigned long long)v, units[0]);
}

/* A YAML double-quoted scalar: backslash and quote escaped, control bytes as \xHH, and as
 * \uXXXX the code points a YAML reader would not give back as they are: the line breaks NEL,
 * LS and PS (a reader folds them, as it does a newline; the loader's "\N", "\L" and "\P"
 * escapes put them in a string), the other C1 controls, the byte-order mark and U+FFFE/FFFF
 * (not printable). The strings are libyaml's, so valid UTF-8. */
static void print_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        unsigned cp = 0;
        int len = 0;
        if (c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f) {
            cp = c[1];
            len = 2;
        } else if (c[0] == 0xe2 && c[1] == 0x80 && (c[2] == 0xa8 || c[2] == 0xa9)) {
            cp = 0x2000u | (c[2] & 0x3fu);
            len = 3;
        } else if (c[0] == 0xef && ((c[1] == 0xbb && c[2] == 0xbf) || (c[1] == 0xbf && c[2] >= 0xbe))) {
            cp = 0xf000u | ((c[1] & 0x3fu) << 6) | (c[2] & 0x3fu);
            len = 3;
        }
        if (len) {
            fprintf(out, "\\u%04x", cp);
            c += len - 1;
        } else if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(out, "\\x%02x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void print_value(FILE *out, const struct ig_config *c, const struct cfg_key *k)
{
    static const char *const size_u[] = { "", "KiB", "MiB", "GiB" };
    static const uint64_t size_m[] = { 1, KiB, MiB, GiB };
    static const char *const ms_u[] = { "ms", "s", "m", "h" };
    static const uint64_t ms_m[] = { 1, 1000, 60000, 3600000 };
    const uint8_t *base = (const uint8_t *)c + k->off;
    uint32_t u32, count = 0;
    uint64_t u64;
    if (k->count_off)
        memcpy(&count, (const uint8_t *)c + k->count_off, sizeof count);
    switch (k->type) {
    case FT_U32: memcpy(&u32, base, 4); fprintf(out, "%u", u32); break;
    case FT_U64: memcpy(&u64, base, 8); fprintf(out, "%llu", (unsigned long long)u64); break;
    case FT_DUR_S: memcpy(&u32, base, 4); print_scaled(out, (uint64_t)u32 * 1000, ms_u, ms_m, 4); break;
    case FT_DUR_MS: memcpy(&u32, base, 4); print_scaled(out, u32, ms_u, ms_m, 4); break;
    case FT_SIZE32: memcpy(&u32, base, 4); print_scaled(out, u32, size_u, size_m, 4); break;
    case FT_SIZE64: memcpy(&u64, base, 8); print_scaled(out, u64, size_u, size_m, 4); break;
    case FT_SECRET: fprintf(out, "%s", *(const char *)base ? "\"<set>\"" : "\"\""); break;
    case FT_STR:
    case FT_ENUM: fprintf(out, "\"%s\"", (const char *)base); break;
    case FT_PORTS:
        fputc('[', out);
        for (uint32_t i = 0; i < count; i++) {
            uint16_t p;
            memcpy(&p, base + i * sizeof p, sizeof p);
            fprintf(out, "%s%u", i ? ", " : "", p);
        }
        fputc(']', out);
        break;
    case FT_LIST:
        fputc('[', out);
        for (uint32_t i = 0; i < count; i++) {
            const char *item = (const char *)base + i * k->size;
            fputs(i ? ", " : "", out);
            /* Plain when YAML reads it back as is; quoted otherwise (::6/128, URLs). */
            if (item[0] && strspn(item, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789._/-") == strlen(item)) {
                fputs(item, out);
            } else {
                fputc('"', out);
                for (const char *c = item; *c; c++) {
                    if (*c == '"' || *c == '\\')
                        fputc('\\', out);
                    fputc(*c, out);
                }
                fputc('"', out);
            }
        }
        fputc(']', out);
        break;
    case FT_KV: {
        const struct ig_kv *kv = (const struct ig_kv *)base;
        fputc('{', out);
        for (uint32_t i = 0; i < count; i++)
            fprintf(out, "%s\"%s\": \"%s\"", i ? ", " : "", kv[i].key, kv[i].value);
        fputc('}', out);
        break;
    }
    case FT_ROUTES: {
        const struct ig_generic_route *r = (const struct ig_generic_route *)base;
        fputc('[', out);
        for (uint32_t i = 0; i < count; i++)
            fprintf(out, "%s{route: \"%s\", model: \"%s\", features: \"%s\", scores: \"%s\", "
                    "label: \"%s\", scores_kind: %s}", i ? ", " : "", r[i].route_prefix, r[i].model,
                    r[i].features_path, r[i].scores_path, r[i].label_path, r[i].scores_kind);
        fputc(']', out);
        break;
    }
    case FT_SUPPRESS: {
        const struct ig_suppress *r = (const struct ig_suppress *)base;
        fputc('[', out);
        for (uint32_t i = 0; i < count; i++) {
            fprintf(out, "%s{analytic: ", i ? ", " : "");
            print_quoted(out, r[i].analytic);
            static const char *const names[] = { "source", "client", "model", "expires", "comment" };
            const char *vals[] = { r[i].source, r[i].client, r[i].model, r[i].expires, r[i].comment };
            for (size_t f = 0; f < IG_ARRAY_LEN(names); f++)
                if (vals[f][0]) {
                    fprintf(out, ", %s: ", names[f]);
                    print_quoted(out, vals[f]);
                }
            fputc('}', out);
        }
        fputc(']', out);
        break;
    }
    }
}

void ig_config_print(const struct ig_config *c, FILE *out)
{
    for (size_t i = 0; i < IG_ARRAY_LEN(keys); i++) {
        /* A value memory.limit derived is shown commented out: written back as a key it
         * would be fixed and no longer follow the limit. */
        bool derived = keys[i].cap_bit && keys[i].cap_bit != IG_CAP_LIMIT && c->memory_limit &&
                       !(c->explicit_caps & keys[i].cap_bit);
        fprintf(out, "%s%s: ", derived ? "# " : "", keys[i].name);
        print_value(out, c, &keys[i]);
        if (keys[i].choices)
            fprintf(out, "  # %s; %s\n", keys[i].choices, keys[i].help);
        else
            fprintf(out, "  # %s\n", keys[i].help);
    }
}

void ig_config_print_defaults(FILE *out)
{
    struct ig_config *c = malloc(sizeof *c);
    if (!c)
        return;
    ig_config_defaults(c);
    c->identity_secret[0] = 0;   /* the environment is not a default */
    ig_config_print(c, out);
    free(c);
}
