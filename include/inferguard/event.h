/* inferguard: the normalised inference event, the single seam between parsing and detection.
 * Adapters fill it; detectors only read it. Nothing after the adapters knows which wire
 * protocol carried the request. An event and everything it points to lives only for the
 * ig_engine_observe() call it is handed to: copy what you keep. */
#ifndef INFERGUARD_EVENT_H
#define INFERGUARD_EVENT_H

#include <inferguard/base.h>

#define IG_CLIENT_ID_MAX 128
#define IG_MODEL_NAME_MAX 96
#define IG_MODEL_VERSION_MAX 32
#define IG_ROUTE_MAX 256

enum ig_protocol {
    IG_PROTO_UNKNOWN = 0,
    IG_PROTO_KSERVE_V1,        /* KServe v1 / TF Serving REST :predict, :classify, :regress */
    IG_PROTO_OIP_V2,           /* Open Inference Protocol v2 REST JSON (KServe v2, Triton, MLServer) */
    IG_PROTO_OIP_V2_BINARY,    /* Triton binary tensor extension */
    IG_PROTO_OPENAI_CHAT,
    IG_PROTO_OPENAI_COMPLETIONS,
    IG_PROTO_OPENAI_EMBEDDINGS,
    IG_PROTO_GENERIC_JSON,
    IG_PROTO_OIP_V2_GRPC,      /* Open Inference Protocol v2 over gRPC (ModelInfer, ModelStreamInfer) */
    IG_PROTO_TFS_GRPC,         /* TF Serving PredictionService/Predict over gRPC */
    IG_PROTO__COUNT
};
const char *ig_protocol_name(enum ig_protocol p);   /* "oip_v2", ... never NULL */

/* How the client was identified; order of resolution is configurable (identity.order).
 * IG_ID_JWT is a token whose signature, issuer, audience and times were checked against
 * identity.jwt.jwks_file; IG_ID_JWT_UNVERIFIED a token relayed by a trusted proxy that we
 * could not check (ranks below API keys, never merged with verified ids). */
enum ig_identity_kind {
    IG_ID_SOURCE_IP = 0, IG_ID_FORWARDED, IG_ID_API_KEY, IG_ID_JWT, IG_ID_SPIFFE,
    IG_ID_JWT_UNVERIFIED,
    IG_ID__COUNT
};
const char *ig_identity_kind_name(enum ig_identity_kind k);  /* "source_ip", "forwarded", ... */

/* What the client identity rests on, so a SIEM can weigh it. */
enum ig_id_basis {
    IG_BASIS_NETWORK = 0,      /* the TCP peer's address: cannot be forged, can be rotated */
    IG_BASIS_FORWARDED,        /* a header written by a trusted proxy (XFCC, XFF, relayed JWT) */
    IG_BASIS_CREDENTIAL,       /* a credential the server checks (API key, hashed) */
    IG_BASIS_VERIFIED,         /* a JWT we verified (signature, iss, aud, exp, nbf) */
    IG_BASIS_SOURCE,           /* the stable source itself (a principal group's stream) */
    IG_BASIS__COUNT
};
const char *ig_id_basis_name(unsigned b);   /* "network", "forwarded", ... never NULL */

/* Identity flags on an event (ig_event.id_flags). */
enum ig_id_flags {
    IG_IDF_CLAIMED     = 1u << 0,  /* claimed_id holds a header identity we did not believe */
    IG_IDF_MESH_SPOOF  = 1u << 1,  /* an untrusted peer sent XFCC (a mesh workload identity) */
    IG_IDF_JWT_BAD     = 1u << 2,  /* a JWT failed verification (signature, iss, aud, time) */
    IG_IDF_JWT_EXPIRED = 1u << 3,  /* ... because it had expired or was not yet valid */
};

struct ig_endpoint {
    uint8_t  family;          /* 4 or 6; 0 = unknown */
    uint8_t  addr[16];        /* IPv4 in the first 4 bytes, network order */
    uint16_t port;            /* host order */
};
/* Writes the address (no port) as text into buf (>= 46 bytes). Returns buf. */
char *ig_endpoint_ip_str(const struct ig_endpoint *e, char *buf, size_t len);
/* An address as text, as inet_ntop writes it (family 4 or 6; "" otherwise). */
char *ig_ip_str(uint8_t family, const uint8_t *addr, char *buf, size_t len);

/* What an event carries; detectors declare the subset they want (ig_detector.wants). */
enum ig_event_flags {
    IG_EV_TENSOR    = 1u << 0,   /* inputs (rows x features) present */
    IG_EV_SCORES    = 1u << 1,   /* outputs (rows x outputs) present */
    IG_EV_LABELS    = 1u << 2,   /* predicted label per row present */
    IG_EV_TEXT      = 1u << 3,   /* prompt and/or completion text present */
    IG_EV_MALFORMED = 1u << 4,   /* payload could not be fully decoded; see malformed_reason */
    IG_EV_LOGITS    = 1u << 5,   /* scores are logits, not probabilities */
    IG_EV_ERROR     = 1u << 6,   /* HTTP status >= 400 */
    IG_EV_MIDSTREAM = 1u << 7,   /* its connection was picked up without the handshake: open
                                  * before the capture or the sensor started (flow/) */
    IG_EV_ANY       = 0xffffffffu,
};

/* How the request was dressed to get past a sensor, as far as parsing could tell
 * (ig_event.evasion). The event is still inspected; detectors of the evasion.* family
 * turn these into findings naming the trick. Names: ig_evasion_name(). */
enum ig_evasion_flags {
    IG_EVA_DUPLICATE_KEYS  = 1u << 0,  /* a JSON object repeats a key; the last value was used */
    IG_EVA_NONFINITE       = 1u << 1,  /* NaN / Infinity / -Infinity tokens (accepted, as Python does) */
    IG_EVA_RAW_BODY        = 1u << 2,  /* payload undecodable: text detectors saw the raw body */
    IG_EVA_TRUNCATED       = 1u << 3,  /* a body over http.*_body_limit: only its head was inspected */
    IG_EVA_PADDING         = 1u << 4,  /* long whitespace runs squeezed out of the body */
    IG_EVA_PIPELINE_DEPTH  = 1u << 5,  /* request beyond http.pipeline_depth: inspected without its response */
    IG_EVA_HTTP_RESYNC     = 1u << 6,  /* the connection carried a request the parser rejected; resynchronised */
    IG_EVA_DECOMPRESS_CAP  = 1u << 7,  /* inflation stopped at a decompression cap (bomb) */
    /* Transport (flow/, capture/): the connection carried a trick the server's stack
     * resolved; ig_event.evasion_note holds the evidence of the first one. */
    IG_EVA_STREAM_OVERLAP  = 1u << 16, /* TCP data overlapping delivered/queued bytes with other bytes */
    IG_EVA_STREAM_CONTROL  = 1u << 17, /* a RST/FIN/SYN the server ignores (RFC 5961) followed by data */
    IG_EVA_STREAM_CSUM     = 1u << 18, /* a TCP segment with a bad checksum (insertion), ignored */
    IG_EVA_FRAG_OVERLAP    = 1u << 19, /* IP fragments overlapping with other bytes */
    IG_EVA_FRAG_DROPPED    = 1u << 20, /* fragments the host discards (overlap, bad lengths) */
};
#define IG_EVASION_NOTE_MAX 256
/* "duplicate_keys", ... for one bit; NULL for an unknown bit. */
const char *ig_evasion_name(uint32_t bit);

struct ig_event {
    uint64_t req_time_us, resp_time_us;   /* capture clock, µs since epoch; resp 0 if none */
    uint64_t latency_us;                  /* first request byte to last response byte */
    struct ig_endpoint src, dst;          /* src = client side of the TCP connection */

    enum ig_identity_kind id_kind;
    char     client_id[IG_CLIENT_ID_MAX]; /* opaque, never a raw secret (API keys are hashed) */
    uint8_t  id_basis;                    /* enum ig_id_basis */
    uint32_t id_flags;                    /* enum ig_id_flags */
    /* An identity the request asserted that was not believed (an untrusted peer's XFCC, JWT
     * or forwarding header; a JWT that failed verification): recorded, never keyed on. */
    enum ig_identity_kind claimed_kind;
    char     claimed_id[IG_CLIENT_ID_MAX];   /* "" = none */
    /* The stable source (principal group): the TCP peer outside a mesh (IPv6: its /64), the
     * trusted forwarded address or SPIFFE workload behind a trusted proxy. Identities rotated
     * from one source all share it; the engine counts them and also runs the stream
     * detectors keyed by it. "" = none (a trusted proxy that forwarded no address). */
    enum ig_identity_kind group_kind;
    char     group_id[IG_CLIENT_ID_MAX];

    enum ig_protocol protocol;
    char     model[IG_MODEL_NAME_MAX];
    char     model_version[IG_MODEL_VERSION_MAX];
    char     method[8];
    char     route[IG_ROUTE_MAX];         /* path without query string */
    uint16_t status;                      /* HTTP status, 0 if no response */
    uint32_t flags;                       /* enum ig_event_flags */
    const char *malformed_reason;         /* static string when IG_EV_MALFORMED */
    uint32_t evasion;                     /* enum ig_evasion_flags */

    /* Tensors, row-major float32. */
    uint32_t rows, features, outputs;
    const float   *inputs;                /* rows * features, or NULL */
    const float   *scores;                /* rows * outputs (probabilities unless IG_EV_LOGITS), or NULL */
    const int32_t *labels;                /* rows, predicted class per row (-1 unknown), or NULL */

    /* LLM traffic. Text is UTF-8 as sent; the completion of a streamed response is reassembled. */
    struct ig_span prompt, completion, system_prompt;
    uint32_t prompt_tokens, completion_tokens;   /* from usage, or 0 */
    bool     streamed;

    uint64_t req_bytes, resp_bytes;       /* body sizes on the wire (before decoding) */

    /* Evidence of the first transport trick (IG_EVA_STREAM_*, IG_EVA_FRAG_*): printable
     * text such as both copies of overlapping bytes; "" when none. */
    char     evasion_note[IG_EVASION_NOTE_MAX];
};

/* Bytes that what <ev> points to (tensors, labels, texts) takes once copied by
 * ig_event_copy: each piece 16-byte aligned, texts NUL-terminated. */
size_t ig_event_bytes(const struct ig_event *ev);
/* Copies <ev> into <dst> and what it points to into <data> (16-byte aligned, at least
 * ig_event_bytes(ev) bytes), so the copy outlives the call it was handed to; NULL pointers
 * stay NULL. A new pointer in struct ig_event fails a _Static_assert in
 * sidecar/core/event_copy.c until it is copied there too. */
void ig_event_copy(struct ig_event *dst, const struct ig_event *ev, void *data);
/* <s>'s bytes copied to *at and NUL-terminated, *at moved past them (rounded up to 16
 * bytes); returns the span aimed at the copy (a NULL span stays NULL). How ig_event_copy
 * lays out texts; the HTTP transaction's deep copy (pipeline/txn_event.c) uses it too. */
struct ig_span ig_span_copy_at(uint8_t **at, struct ig_span s);

#endif
