/* The sidecar's own HTTP endpoint (libevent evhttp, on the run loop's thread):
 *   GET /healthz    200 while the process runs
 *   GET /readyz     200 once capture is open and rules are loaded, else 503
 *   GET /metrics    Prometheus text format 0.0.4
 *   GET /reports/   the drift reports directory, read-only (index.html, <model>/<window>.html and .json),
 *                   with "Authorization: Bearer <token>" (http.reports_token_file) unless
 *                   http.reports_auth is off: 401 without it, 403 when no token is configured
 * HEAD is accepted too; other methods get 405, other paths 404. */
#ifndef IG_DAEMON_HTTP_API_H
#define IG_DAEMON_HTTP_API_H

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>

struct ig_http_api_hooks {
    void *ctx;
    bool (*ready)(void *ctx);
    /* Appends the /metrics body; returns 0, or -1 (the request gets 500). */
    int  (*metrics)(void *ctx, struct evbuffer *out);
    void (*counted)(void *ctx);          /* one request served (any path) */
    /* /readyz detail: writes "" or one line (e.g. "partly blind: ..."). May be NULL. */
    void (*ready_detail)(void *ctx, char *out, size_t cap);
};

struct ig_http_api;

/* Listens on <listen> ("HOST:PORT", "[V6]:PORT"; port 0 = any free one) on <base>;
 * <reports_dir> ("" = /reports answers 404) is copied. IG_ECONF / IG_EIO with one sentence
 * in err (bad address, port in use). */
int  ig_http_api_start(struct event_base *base, const char *listen, const char *reports_dir,
                       const struct ig_http_api_hooks *hooks, struct ig_http_api **out,
                       char *err, size_t errlen);
/* /reports access: <open> (http.reports_auth: off) or the bearer token in <token_file>
 * (reread when it changes). Until called, /reports answers 403. */
void ig_http_api_reports_auth(struct ig_http_api *a, bool open, const char *token_file);
/* The address actually bound ("127.0.0.1:9464"), for the start-up line. */
const char *ig_http_api_address(const struct ig_http_api *a);
void ig_http_api_free(struct ig_http_api *a);

#endif
