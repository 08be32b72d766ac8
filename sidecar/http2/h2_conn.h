/* Passive HTTP/2 (RFC 9113) over one reassembled TCP connection, both directions, with gRPC
 * message framing. We only watch: flow control, SETTINGS limits and stream priorities are
 * not enforced, only followed where decoding depends on them (header table size).
 *
 * Frames are parsed by our own code, incrementally (DATA and header-block fragments are
 * never buffered whole); header blocks (HEADERS/PUSH_PROMISE + CONTINUATION, padding and
 * priority fields stripped) go to libnghttp2's HPACK inflater, one per direction, so the
 * dynamic table of each direction stays exactly in step with its encoder. A connection is
 * entered from the client preface (prior knowledge), from an HTTP/1.1 request carrying
 * `Upgrade: h2c` answered by 101, or mid-way (capture started late, or a gap): then the
 * HPACK tables are unknown and nothing is decoded until a safe point (frame boundaries
 * found again and a header block that empties the table with a size update to 0); the
 * connection is counted, never decoded wrongly.
 *
 * Each request/response exchange is handed to the same transaction callback as HTTP/1.x
 * (struct ig_http_txn): pseudo-headers become method/path, :status the status, trailers
 * are appended to the response headers. gRPC streams (content-type application/grpc*) are
 * split into messages (5-byte prefix; gzip/deflate per grpc-encoding, capped); the bodies
 * handed out are then ONE decoded protobuf message each: request message i is paired with
 * response message i (unary: one pair; ModelStreamInfer: one per request), and the status
 * is grpc-status mapped to its HTTP equivalent (0 -> 200, 3 -> 400, 5 -> 404, 8 -> 429,
 * ...). A message that cannot be decoded is handed out empty with its body flagged
 * truncated. Other streams carry their DATA as the body (capped by http.*_body_limit). */
#ifndef IG_H2_CONN_H
#define IG_H2_CONN_H

#include <inferguard/http.h>
#include <inferguard/config.h>

#include "http/http_conn.h"

struct ig_h2_stats {
    uint64_t conns, prior_knowledge, upgrades, upgrades_refused, midstream, resynced;
    uint64_t frames, frames_malformed, hpack_errors, header_lists_over_limit;
    uint64_t streams, streams_over_limit, streams_reset, streams_refused, goaways;
    uint64_t txns, grpc_messages, grpc_over_limit, grpc_decompress_errors,
             grpc_over_decompressed_limit, grpc_unknown_encoding, grpc_errors,
             grpc_unpaired_responses, bodies_truncated, memcap_drops, frames_skipped_lost;
};

struct ig_h2;
struct ig_h2_conn;

enum ig_h2_start {
    IG_H2_PRIOR_KNOWLEDGE = 0,  /* the client's first bytes are the connection preface */
    IG_H2_UPGRADE,              /* the client's first bytes are an HTTP/1.1 Upgrade: h2c request */
    IG_H2_MIDSTREAM,            /* picked up mid-way: HPACK state unknown */
};

struct ig_h2 *ig_h2_new(const struct ig_config *cfg, ig_http_txn_fn fn, void *ctx);
void ig_h2_free(struct ig_h2 *h);
const struct ig_h2_stats *ig_h2_stats(const struct ig_h2 *h);

/* True when <p> (the first client bytes) begins with the HTTP/2 client preface, or with
 * as much of it as <n> bytes hold (n >= 4). */
bool ig_h2_is_preface(const uint8_t *p, size_t n);
/* True when <p> is the start of an HTTP/1.1 request whose header section (as far as <n>
 * bytes hold it) has `Upgrade: h2c`. */
bool ig_h2_is_upgrade(const uint8_t *p, size_t n);

/* True when <p> starts with a plausible HTTP/2 frame header (a connection picked up mid-way). */
bool ig_h2_is_frame_start(const uint8_t *p, size_t n);

/* True when <p> starts with a SETTINGS frame (not an ACK): a server's connection preface. */
bool ig_h2_is_settings(const uint8_t *p, size_t n);

struct ig_h2_conn *ig_h2_conn_new(struct ig_h2 *h, const struct ig_endpoint *client,
                                  const struct ig_endpoint *server, enum ig_h2_start start,
                                  uint64_t ts_us);
/* dir 0 = client to server. Never fails: what cannot be decoded is counted and skipped. */
void ig_h2_conn_data(struct ig_h2_conn *c, enum ig_flow_dir dir, const uint8_t *p, size_t n, uint64_t ts_us);
/* Bytes lost in <dir>: that direction's HPACK state is gone (see "mid-way" above). */
void ig_h2_conn_gap(struct ig_h2_conn *c, enum ig_flow_dir dir, uint64_t missing, uint64_t ts_us);
/* End of connection: hands out what was paired, then frees <c>. */
void ig_h2_conn_close(struct ig_h2_conn *c, uint64_t ts_us);

/* grpc-status code -> the HTTP status a REST server would have answered. */
uint16_t ig_h2_grpc_http_status(int grpc_status);

#endif
