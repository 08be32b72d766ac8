/* The daemon's HTTP endpoints on evhttp. Everything runs on the event loop's thread; the
 * only shared data, the pipeline counters, reaches us through the metrics hook. */
#include "daemon/http_api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <inferguard/config.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hostport.h"
#include "daemon/report_path.h"

#define REPORT_MAX_BYTES (64u << 20)   /* far above any report; bounds one response */

struct ig_http_api {
    struct evhttp *http;
    struct ig_http_api_hooks hooks;
    char reports_dir[IG_CONFIG_PATH_MAX];
    char address[160];
    /* /reports shows production feature distributions: a bearer token guards it. */
    bool reports_open;                    /* http.reports_auth: off */
    char token_file[IG_CONFIG_PATH_MAX];
    char token[256];
    size_t token_len;
    struct timespec token_mtime;          /* reread when the Secret's file changes */
    ino_t token_ino;
};

static void reply_text(struct evhttp_request *req, int code, const char *reason, const char *body);

/* The token file, reread when its inode or mtime changes (kubelet swaps Secret volumes by
 * symlink). Trailing whitespace is not part of the token. false when there is none. */
static bool load_token(struct ig_http_api *a)
{
    struct stat st;
    if (!a->token_file[0] || stat(a->token_file, &st) != 0) {
        a->token_len = 0;
        return false;
    }
    if (a->token_len && st.st_ino == a->token_ino && st.st_mtim.tv_sec == a->token_mtime.tv_sec &&
        st.st_mtim.tv_nsec == a->token_mtime.tv_nsec)
        return true;
    a->token_len = 0;
    int fd = open(a->token_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, a->token, sizeof a->token - 1);
    close(fd);
    while (n > 0 && (a->token[n - 1] == '\n' || a->token[n - 1] == '\r' || a->token[n - 1] == ' '))
        n--;
    if (n <= 0 || n >= (ssize_t)sizeof a->token - 1)
        return false;   /* empty, or too long to be a token we accept */
    a->token[n] = 0;
    a->token_len = (size_t)n;
    a->token_ino = st.st_ino;
    a->token_mtime = st.st_mtim;
    return true;
}

/* Constant time in the token's length: no byte-by-byte timing oracle. */
static bool token_equal(const char *got, size_t n, const char *want, size_t wn)
{
    unsigned char d = n != wn;
    for (size_t i = 0; i < wn; i++)
        d |= (unsigned char)(want[i] ^ (i < n ? got[i] : 0));
    return d == 0;
}

static bool reports_allowed(struct ig_http_api *a, struct evhttp_request *req)
{
    if (a->reports_open)
        return true;
    if (!load_token(a)) {
        reply_text(req, 403, "Forbidden", "/reports needs http.reports_token_file (a bearer token), "
                   "or http.reports_auth: off\n");
        return false;
    }
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    if (h && strncasecmp(h, "Bearer ", 7) == 0 && token_equal(h + 7, strlen(h + 7), a->token, a->token_len))
        return true;
    evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                      "Bearer realm=\"inferguard reports\"");
    reply_text(req, 401, "Unauthorized", "bearer token required\n");
    return false;
}

void ig_http_api_reports_auth(struct ig_http_api *a, bool open, const char *token_file)
{
    a->reports_open = open;
    snprintf(a->token_file, sizeof a->token_file, "%s", token_file ? token_file : "");
    a->token_len = 0;
}

static void reply_text(struct evhttp_request *req, int code, const char *reason, const char *body)
{
    struct evbuffer *b = evbuffer_new();
    if (!b) {
        evhttp_send_error(req, 500, NULL);
        return;
    }
    evbuffer_add(b, body, strlen(body));
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; charset=utf-8");
    evhttp_send_reply(req, code, reason, b);
    evbuffer_free(b);
}

/* HEAD answers with the headers of GET and no body: evhttp drops the body itself. */
static bool method_ok(struct evhttp_request *req)
{
    enum evhttp_cmd_type m = evhttp_request_get_command(req);
    if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD)
        return true;
    evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
    reply_text(req, 405, "Method Not Allowed", "method not allowed\n");
    return false;
}

static void serve_metrics(struct ig_http_api *a, struct evhttp_request *req)
{
    struct evbuffer *b = evbuffer_new();
    if (!b || a->hooks.metrics(a->hooks.ctx, b) < 0) {
        if (b)
            evbuffer_free(b);
        reply_text(req, 500, "Internal Server Error", "metrics unavailable\n");
        return;
    }
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

/* <rel> is still URI-encoded: decoded here, then checked before any file system call. */
static void serve_report(struct ig_http_api *a, struct evhttp_request *req, const char *rel)
{
    if (!a->reports_dir[0]) {
        reply_text(req, 404, "Not Found", "drift reports are off (drift.reports_dir)\n");
        return;
    }
    size_t dlen = 0;
    char *dec = evhttp_uridecode(rel, 0, &dlen);
    char path[IG_CONFIG_PATH_MAX + 1100];
    /* A decoded NUL would cut the path short of what was checked. */
    bool bad = !dec || strlen(dec) != dlen || ig_report_path(a->reports_dir, dec, path, sizeof path) < 0;
    free(dec);
    if (bad) {
        reply_text(req, 404, "Not Found", "no such report\n");
        return;
    }
    const char *type = ig_report_content_type(path);
    int fd = type ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) : -1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > REPORT_MAX_BYTES) {
        if (fd >= 0)
            close(fd);
        reply_text(req, 404, "Not Found", "no such report\n");
        return;
    }
    struct evbuffer *b = evbuffer_new();
    /* evbuffer_add_file takes the fd, also on failure. */
    if (!b || evbuffer_add_file(b, fd, 0, st.st_size) < 0) {
        if (b)
            evbuffer_free(b);
        else
            close(fd);
        reply_text(req, 500, "Internal Server Error", "cannot read the report\n");
        return;
    }
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Type", type);
    evhttp_add_header(h, "Cache-Control", "no-cache");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct ig_http_api *a = arg;
    if (a->hooks.counted)
        a->hooks.counted(a->hooks.ctx);
    if (!method_ok(req))
        return;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    if (!path || !path[0])
        path = "/";
    if (strcmp(path, "/healthz") == 0) {
        reply_text(req, 200, "OK", "ok\n");
    } else if (strcmp(path, "/readyz") == 0) {
        char detail[512] = "", body[600];
        if (a->hooks.ready_detail)
            a->hooks.ready_detail(a->hooks.ctx, detail, sizeof detail);
        /* Ready stays ready when overloaded (restarting would lose all state); the detail
         * says what was given up, for whoever looks. */
        snprintf(body, sizeof body, "ready\n%s%s", detail, detail[0] ? "\n" : "");
        if (a->hooks.ready(a->hooks.ctx))
            reply_text(req, 200, "OK", body);
        else
            reply_text(req, 503, "Service Unavailable", "not ready\n");
    } else if (strcmp(path, "/metrics") == 0) {
        serve_metrics(a, req);
    } else if (strcmp(path, "/reports") == 0) {
        /* The index links relative to /reports/. */
        evhttp_add_header(evhttp_request_get_output_headers(req), "Location", "/reports/");
        reply_text(req, 301, "Moved Permanently", "/reports/\n");
    } else if (strncmp(path, "/reports/", 9) == 0) {
        if (reports_allowed(a, req))
            serve_report(a, req, path + 9);
    } else {
        reply_text(req, 404, "Not Found", "not found\n");
    }
}

static void describe_bound(struct ig_http_api *a, struct evhttp_bound_socket *bs)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
            port = ntohs(s6->sin6_port);
            snprintf(a->address, sizeof a->address, "[%s]:%u", ip, port);
            return;
        }
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
        port = ntohs(s4->sin_port);
    }
    snprintf(a->address, sizeof a->address, "%s:%u", ip, port);
}

int ig_http_api_start(struct event_base *base, const char *listen, const char *reports_dir,
                      const struct ig_http_api_hooks *hooks, struct ig_http_api **out,
                      char *err, size_t errlen)
{
    char host[128];
    uint16_t port;
    *out = NULL;
    if (ig_split_hostport(listen, host, sizeof host, &port, NULL) < 0) {
        snprintf(err, errlen, "http.listen: '%s' is not HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464)", listen);
        return IG_ECONF;
    }
    struct ig_http_api *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    a->hooks = *hooks;
    snprintf(a->reports_dir, sizeof a->reports_dir, "%s", reports_dir ? reports_dir : "");
    a->http = evhttp_new(base);
    if (!a->http) {
        snprintf(err, errlen, "cannot create the HTTP server");
        free(a);
        return IG_ENOMEM;
    }
    /* Small limits: scrapers and probes send tiny requests. */
    evhttp_set_max_headers_size(a->http, 16384);
    evhttp_set_max_body_size(a->http, 4096);
    evhttp_set_timeout(a->http, 10);
    evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
                                        EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
    evhttp_set_gencb(a->http, on_request, a);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(a->http, host, port);
    if (!bs) {
        snprintf(err, errlen, "http.listen: cannot listen on %s: %s", listen, strerror(errno));
        evhttp_free(a->http);
        free(a);
        return IG_EIO;
    }
    describe_bound(a, bs);
    *out = a;
    return IG_OK;
}

const char *ig_http_api_address(const struct ig_http_api *a)
{
    return a->address;
}

void ig_http_api_free(struct ig_http_api *a)
{
    if (!a)
        return;
    evhttp_free(a->http);
    free(a);
}
