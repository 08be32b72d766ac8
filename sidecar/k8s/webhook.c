/* See webhook.h. The review is parsed with libyaml (JSON is YAML), the Pod is injected by the
 * same code as `inferguard inject`, and the nodes it added become "add" operations. */
#include "k8s/webhook.h"

#include <inferguard/base.h>
#include <inferguard/log.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define C "webhook"

static const char *scalar_at(yaml_document_t *d, int id)
{
    yaml_node_t *n = id ? yaml_document_get_node(d, id) : NULL;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int is_map(yaml_document_t *d, int id)
{
    yaml_node_t *n = id ? yaml_document_get_node(d, id) : NULL;
    return n && n->type == YAML_MAPPING_NODE;
}

static void add_op(struct ig_jsonw *w, const char *path, yaml_document_t *d, int value)
{
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "op");
    ig_jsonw_str(w, "add");
    ig_jsonw_key(w, "path");
    ig_jsonw_str(w, path);
    ig_jsonw_key(w, "value");
    ig_inject_node_json(w, d, value);
    ig_jsonw_obj_close(w);
}

/* The API server sends one JSON object. libyaml takes minutes over deeply nested flow
 * collections (a 1 MiB run of '['), so the nesting is bounded before it sees the body. */
#define MAX_DEPTH 64

static int shape_ok(const char *b, size_t n, char *err, size_t errlen)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    if (i == n || b[i] != '{') {
        snprintf(err, errlen, "not a JSON object");
        return 0;
    }
    int depth = 0, str = 0;
    for (; i < n; i++) {
        char c = b[i];
        if (str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                str = 0;
        } else if (c == '"') {
            str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > MAX_DEPTH) {
                snprintf(err, errlen, "nested deeper than %d", MAX_DEPTH);
                return 0;
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

int ig_webhook_review(const char *body, size_t n, const struct ig_inject_opts *o, struct ig_jsonw *out,
                      int *patched, char *err, size_t errlen)
{
    *patched = 0;
    if (!shape_ok(body, n, err, errlen))
        return IG_EPARSE;
    yaml_parser_t p;
    yaml_document_t d;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)body, n);
    if (!yaml_parser_load(&p, &d)) {
        snprintf(err, errlen, "not JSON: %s at offset %zu", p.problem ? p.problem : "syntax error",
                 p.problem_mark.index);
        yaml_parser_delete(&p);
        return IG_EPARSE;
    }
    yaml_document_t rest;   /* one review per request: anything after it is malformed */
    int more = yaml_parser_load(&p, &rest);
    if (more) {
        more = yaml_document_get_root_node(&rest) != NULL;
        yaml_document_delete(&rest);
    } else {
        more = 1;
    }
    yaml_parser_delete(&p);
    int rc = IG_EPARSE;
    struct ig_jsonw patch;
    ig_jsonw_init(&patch, 4096);
    const char *api = scalar_at(&d, ig_inject_map_get(&d, 1, "apiVersion"));
    const char *kind = scalar_at(&d, ig_inject_map_get(&d, 1, "kind"));
    int req = ig_inject_map_get(&d, 1, "request");
    const char *uid = scalar_at(&d, ig_inject_map_get(&d, req, "uid"));
    int obj = ig_inject_map_get(&d, req, "object");
    if (more) {
        snprintf(err, errlen, "more than one JSON value");
        goto fail;
    }
    if (!is_map(&d, 1) || !api || strcmp(api, "admission.k8s.io/v1") != 0 || !kind ||
        strcmp(kind, "AdmissionReview") != 0) {
        snprintf(err, errlen, "not an admission.k8s.io/v1 AdmissionReview");
        goto fail;
    }
    if (!is_map(&d, req) || !uid || !uid[0] || !is_map(&d, obj)) {
        snprintf(err, errlen, "request.uid or request.object missing");
        goto fail;
    }
    const char *okind = scalar_at(&d, ig_inject_map_get(&d, obj, "kind"));
    struct ig_inject_added a = { 0 };
    int inj = !okind || strcmp(okind, "Pod") == 0 ? ig_inject_pod(&d, obj, o, &a) : 0;
    if (inj < 0)
        IG_LOG_WARN(C, "review %s: the pod cannot be injected (spec.volumes is not a list): allowed unchanged", uid);
    if (inj > 0) {
        ig_jsonw_arr_open(&patch);
        add_op(&patch, "/spec/containers/-", &d, a.container);
        if (a.volumes_created)
            add_op(&patch, "/spec/volumes", &d, a.volumes_node);
        else
            for (int i = 0; i < a.nvol; i++)
                add_op(&patch, "/spec/volumes/-", &d, a.volumes[i]);
        ig_jsonw_arr_close(&patch);
    }
    ig_jsonw_obj_open(out);
    ig_jsonw_key(out, "apiVersion");
    ig_jsonw_str(out, "admission.k8s.io/v1");
    ig_jsonw_key(out, "kind");
    ig_jsonw_str(out, "AdmissionReview");
    ig_jsonw_key(out, "response");
    ig_jsonw_obj_open(out);
    ig_jsonw_key(out, "uid");
    ig_jsonw_str(out, uid);
    ig_jsonw_key(out, "allowed");
    ig_jsonw_bool(out, true);
    if (inj > 0 && !patch.oom) {
        char *b64 = malloc(4 * ((patch.len + 2) / 3) + 1);
        if (!b64) {
            out->oom = true;
        } else {
            EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)patch.buf, (int)patch.len);
            ig_jsonw_key(out, "patchType");
            ig_jsonw_str(out, "JSONPatch");
            ig_jsonw_key(out, "patch");
            ig_jsonw_str(out, b64);
            free(b64);
            *patched = 1;
        }
    }
    ig_jsonw_obj_close(out);
    ig_jsonw_obj_close(out);
    rc = patch.oom || out->oom ? IG_ENOMEM : IG_OK;
    if (rc != IG_OK)
        snprintf(err, errlen, "out of memory");
fail:
    ig_jsonw_free(&patch);
    yaml_document_delete(&d);
    return rc;
}

/* ---- the server ---- */

struct filesig { struct timespec mtime; ino_t ino; off_t size; int ok; };

struct server {
    const struct ig_webhook_opts *o;
    struct event_base *base;
    SSL_CTX *ctx;
    struct filesig cert, key;
    time_t checked;                /* monotonic second of the last look at the files */
    uint64_t served, refused, reloads;
};

static struct filesig sig_of(const char *path)
{
    struct stat st;
    struct filesig s = { 0 };
    if (stat(path, &st) == 0)
        s = (struct filesig){ st.st_mtim, st.st_ino, st.st_size, 1 };
    return s;
}

static int sig_eq(const struct filesig *a, const struct filesig *b)
{
    return a->ok == b->ok && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static SSL_CTX *load_ctx(const char *cert, const char *key, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        snprintf(err, errlen, "cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        unsigned long e = ERR_get_error();
        char why[256];
        ERR_error_string_n(e, why, sizeof why);
        snprintf(err, errlen, "cannot load %s / %s: %s", cert, key, why);
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* cert-manager and kubelet replace the files (a new inode behind a symlink): at most once
 * a second, on a new connection, look; build a new context and keep the old one on failure. */
static void maybe_reload(struct server *s)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec == s->checked)
        return;
    s->checked = now.tv_sec;
    struct filesig c = sig_of(s->o->cert), k = sig_of(s->o->key);
    if (sig_eq(&c, &s->cert) && sig_eq(&k, &s->key))
        return;
    s->cert = c;
    s->key = k;
    char err[512];
    SSL_CTX *ctx = load_ctx(s->o->cert, s->o->key, err, sizeof err);
    if (!ctx) {
        IG_LOG_WARN(C, "certificate files changed but %s: serving the previous certificate", err);
        return;
    }
    SSL_CTX_free(s->ctx);   /* connections in flight hold their own reference */
    s->ctx = ctx;
    s->reloads++;
    IG_LOG_INFO(C, "certificate reloaded from %s", s->o->cert);
}

static struct bufferevent *on_conn(struct event_base *base, void *arg)
{
    struct server *s = arg;
    maybe_reload(s);
    SSL *ssl = SSL_new(s->ctx);
    if (!ssl)
        return NULL;
    return bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *ctype,
                  const char *body, size_t n)
{
    struct evbuffer *b = evbuffer_new();
    if (b)
        evbuffer_add(b, body, n);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
    evhttp_send_reply(req, code, reason, b);
    if (b)
        evbuffer_free(b);
}

static void refuse(struct server *s, struct evhttp_request *req, const char *why)
{
    char *host = NULL;
    ev_uint16_t port = 0;
    struct evhttp_connection *c = evhttp_request_get_connection(req);
    if (c)
        evhttp_connection_get_peer(c, &host, &port);
    s->refused++;
    IG_LOG_WARN(C, "review from %s:%u refused (400): %s", host ? host : "?", port, why);
    char body[600];
    int n = snprintf(body, sizeof body, "bad AdmissionReview: %s\n", why);
    reply(req, HTTP_BADREQUEST, "Bad Request", "text/plain", body, (size_t)IG_MIN(n, (int)sizeof body - 1));
}

static void on_inject(struct evhttp_request *req, void *arg)
{
    struct server *s = arg;
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        reply(req, 405, "Method Not Allowed", "text/plain", "POST an AdmissionReview\n", 24);
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    if (n > IG_WEBHOOK_MAX_REVIEW) {
        char why[96];
        snprintf(why, sizeof why, "%zu bytes, more than %u", n, IG_WEBHOOK_MAX_REVIEW);
        refuse(s, req, why);
        return;
    }
    const char *body = n ? (const char *)evbuffer_pullup(in, -1) : "";
    struct ig_jsonw out;
    ig_jsonw_init(&out, 8192);
    char err[256];
    int patched;
    int rc = ig_webhook_review(body, n, &s->o->inject, &out, &patched, err, sizeof err);
    if (rc == IG_EPARSE) {
        refuse(s, req, err);
    } else if (rc != IG_OK) {
        IG_LOG_ERROR(C, "review: %s", err);
        reply(req, HTTP_INTERNAL, "Internal Server Error", "text/plain", "out of memory\n", 14);
    } else {
        s->served++;
        reply(req, HTTP_OK, "OK", "application/json", out.buf, out.len);
    }
    ig_jsonw_free(&out);
}

static void on_healthz(struct evhttp_request *req, void *arg)
{
    (void)arg;
    reply(req, HTTP_OK, "OK", "text/plain", "ok\n", 3);
}

static void on_other(struct evhttp_request *req, void *arg)
{
    (void)arg;
    reply(req, HTTP_NOTFOUND, "Not Found", "text/plain", "not found: /inject, /healthz\n", 29);
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopexit(arg, NULL);
}

int ig_webhook_serve(const struct ig_webhook_opts *o, char *err, size_t errlen)
{
    struct server s = { .o = o };
    struct evhttp *http = NULL;
    struct event *sigint = NULL, *sigterm = NULL;
    int rc = IG_EIO;
    s.cert = sig_of(o->cert);
    s.key = sig_of(o->key);
    s.ctx = load_ctx(o->cert, o->key, err, errlen);
    if (!s.ctx)
        return IG_ECONF;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    s.checked = now.tv_sec;
    signal(SIGPIPE, SIG_IGN);
    s.base = event_base_new();
    http = s.base ? evhttp_new(s.base) : NULL;
    if (!http) {
        snprintf(err, errlen, "cannot create the HTTP server");
        goto fail;
    }
    evhttp_set_bevcb(http, on_conn, &s);
    /* Bounds: a review is at most 1 MiB (400 beyond); evhttp itself closes a connection whose
     * body passes 4 MiB (413) or whose headers pass 16 KiB, and one idle or slow for 10 s. */
    evhttp_set_max_body_size(http, 4 * IG_WEBHOOK_MAX_REVIEW);
    evhttp_set_max_headers_size(http, 16 * 1024);
    evhttp_set_timeout(http, 10);
    evhttp_set_allowed_methods(http, EVHTTP_REQ_POST | EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_cb(http, "/inject", on_inject, &s);
    evhttp_set_cb(http, "/healthz", on_healthz, &s);
    evhttp_set_gencb(http, on_other, &s);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(http, o->host, (ev_uint16_t)o->port);
    if (!bs) {
        snprintf(err, errlen, "cannot listen on %s:%u", o->host, o->port);
        rc = IG_EIO;
        goto fail;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    unsigned port = o->port;
    if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl) == 0)
        port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
    sigint = evsignal_new(s.base, SIGINT, on_signal, s.base);
    sigterm = evsignal_new(s.base, SIGTERM, on_signal, s.base);
    if (!sigint || !sigterm || event_add(sigint, NULL) || event_add(sigterm, NULL)) {
        snprintf(err, errlen, "cannot install signal handlers");
        goto fail;
    }
    IG_LOG_INFO(C, "listening on %s:%u (TLS), POST /inject, GET /healthz", o->host, port);
    event_base_dispatch(s.base);
    IG_LOG_INFO(C, "stopped: %llu reviews answered, %llu refused, %llu certificate reloads",
                (unsigned long long)s.served, (unsigned long long)s.refused, (unsigned long long)s.reloads);
    rc = IG_OK;
fail:
    if (sigint)
        event_free(sigint);
    if (sigterm)
        event_free(sigterm);
    if (http)
        evhttp_free(http);
    if (s.base)
        event_base_free(s.base);
    SSL_CTX_free(s.ctx);
    return rc;
}
