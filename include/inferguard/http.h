/* inferguard: one HTTP/1.x transaction as the HTTP stage hands it to the adapters:
 * request paired with its response, bodies de-chunked and decompressed, capped by config.
 * Everything is borrowed for the duration of the callback. */
#ifndef INFERGUARD_HTTP_H
#define INFERGUARD_HTTP_H

#include <inferguard/event.h>

struct ig_http_header { struct ig_span name, value; };

struct ig_http_txn {
    struct ig_endpoint client, server;
    uint64_t req_time_us, resp_time_us;  /* first request byte / last response byte seen */
    struct ig_span method, uri, path, query;   /* path excludes '?query' */
    const struct ig_http_header *req_headers;  uint32_t n_req_headers;
    struct ig_span req_body;                   /* decoded (de-chunked, decompressed) */
    uint64_t req_wire_bytes;
    bool     req_body_truncated;               /* hit http.request_body_limit */

    uint16_t status;                           /* 0 when no response was seen */
    const struct ig_http_header *resp_headers; uint32_t n_resp_headers;
    struct ig_span resp_body;
    uint64_t resp_wire_bytes;
    bool     resp_body_truncated;
    uint32_t evasion;                          /* enum ig_evasion_flags seen by the HTTP stage */
};

/* Case-insensitive header lookup; returns NULL when absent. IG_DIR_TO_SERVER: the request's
 * headers, IG_DIR_TO_CLIENT: the response's. */
const struct ig_span *ig_http_header(const struct ig_http_txn *t, enum ig_flow_dir dir, const char *name);

#endif
