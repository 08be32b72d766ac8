/* The CloudEvents endpoint of `inferguard run --cloudevents`: libevent evhttp on the run
 * loop's thread. Every POST is parsed, paired and answered at once (200: KServe's agent
 * treats any other status as an error), so the agent never waits on detection beyond the
 * one event's decoding. 4xx only for what the sender can fix: 400 not a CloudEvent or bad
 * attributes, 405 not POST, 413 body over the HTTP layer's cap, 415 batched mode. */
#include "mirror/cloudevents.h"
#include "core/hostport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <inferguard/log.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>

#define MAX_HEADERS 128

struct ig_ce_server {
    struct evhttp *http;
    struct ig_ce_pairer *pairer;
    struct ig_scratch scratch;    /* per POST: structured parse, percent-decoding */
    char address[96];
    uint64_t last_ce_us, last_ce_wall_us;   /* the event clock */
};

static uint64_t wall_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *msg)
{
    struct evbuffer *b = NULL;
    if (msg && (b = evbuffer_new()) != NULL) {
        evbuffer_add_printf(b, "%s\n", msg);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain; charset=utf-8");
    }
    evhttp_send_reply(req, code, reason, b);
    if (b)
        evbuffer_free(b);
}

static void peer_endpoint(struct evhttp_request *req, struct ig_endpoint *ep)
{
    memset(ep, 0, sizeof *ep);
    struct evhttp_connection *c = evhttp_request_get_connection(req);
    const struct sockaddr *sa = c ? evhttp_connection_get_addr(c) : NULL;
    if (!sa)
        return;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        ep->family = 4;
        memcpy(ep->addr, &s4->sin_addr, 4);
        ep->port = ntohs(s4->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        /* An IPv4 client on a dual-stack socket is an IPv4 client. */
        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
            ep->family = 4;
            memcpy(ep->addr, s6->sin6_addr.s6_addr + 12, 4);
        } else {
            ep->family = 6;
            memcpy(ep->addr, &s6->sin6_addr, 16);
        }
        ep->port = ntohs(s6->sin6_port);
    }
}

static bool media_is(const char *ct, const char *type)
{
    size_t n = strlen(type);
    return ct && strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct ig_ce_server *s = arg;
    struct ig_ce_stats *st = ig_ce_pairer_stats(s->pairer);
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
        reply(req, 405, "Method Not Allowed", "CloudEvents are POSTed");
        st->malformed++;
        return;
    }
    struct ig_ce_header h[MAX_HEADERS];
    size_t nh = 0;
    const char *ctype = NULL;
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    for (struct evkeyval *kv = in->tqh_first; kv; kv = kv->next.tqe_next) {
        if (strcasecmp(kv->key, "content-type") == 0)
            ctype = kv->value;
        if (nh < MAX_HEADERS && (strncasecmp(kv->key, "ce-", 3) == 0 || strcasecmp(kv->key, "content-type") == 0))
            h[nh++] = (struct ig_ce_header){ kv->key, kv->value };
    }
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    size_t blen = evbuffer_get_length(body);
    const uint8_t *bp = blen ? evbuffer_pullup(body, -1) : (const uint8_t *)"";
    if (!bp) {
        reply(req, 500, "Internal Server Error", "out of memory");
        return;
    }

    struct ig_ce ev;
    const char *why = "not a CloudEvent";
    int rc;
    if (media_is(ctype, "application/cloudevents-batch+json")) {
        st->malformed++;
        reply(req, 415, "Unsupported Media Type", "batched CloudEvents are not accepted; send one event per request");
        return;
    }
    if (media_is(ctype, "application/cloudevents+json"))
        rc = ig_ce_parse_structured(bp, blen, &s->scratch, &ev, &why);
    else if (evhttp_find_header(in, "ce-specversion"))
        rc = ig_ce_parse_binary(h, nh, bp, blen, &s->scratch, &ev, &why);
    else
        rc = IG_EPARSE, why = "not a CloudEvent: no ce-specversion header and not application/cloudevents+json";
    if (rc < 0) {
        ig_scratch_reset(&s->scratch);
        if (rc == IG_ENOMEM) {
            reply(req, 503, "Service Unavailable", "out of memory");
            return;
        }
        st->malformed++;
        reply(req, 400, "Bad Request", why);
        return;
    }
    if (ev.kind != IG_CE_KIND_OTHER && ev.metadata.n) {
        /* Checked here so that the sender hears of it; used again at pairing time. */
        struct ig_http_header mh[64];
        uint32_t nmh;
        if (ig_ce_metadata_headers(ev.metadata, &s->scratch, mh, 64, &nmh, &why) == IG_EPARSE) {
            ig_scratch_reset(&s->scratch);
            st->malformed++;
            reply(req, 400, "Bad Request", why);
            return;
        }
    }
    st->received++;
    uint64_t now = wall_us();
    if (ev.time_us > s->last_ce_us) {
        s->last_ce_us = ev.time_us;
        s->last_ce_wall_us = now;
    }
    struct ig_endpoint peer;
    peer_endpoint(req, &peer);
    rc = ig_ce_pairer_add(s->pairer, &ev, &peer, now);
    ig_scratch_reset(&s->scratch);
    if (rc == IG_ENOMEM) {
        reply(req, 503, "Service Unavailable", "out of memory");
        return;
    }
    reply(req, 200, "OK", NULL);
}

int ig_ce_server_start(struct event_base *base, const char *listen, const struct ig_config *cfg,
                       ig_ce_txn_fn fn, void *ctx, struct ig_ce_server **out, char *err, size_t errlen)
{
    char host[128];
    uint16_t port;
    *out = NULL;
    if (ig_split_hostport(listen, host, sizeof host, &port, "0.0.0.0" /* bare PORT: every IPv4 address (a Service in front) */) < 0) {
        snprintf(err, errlen, "ingest.cloudevents.listen: '%s' is not [HOST:]PORT (e.g. 8181, 127.0.0.1:8181, [::1]:8181)",
                 listen);
        return IG_ECONF;
    }
    struct ig_ce_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    size_t limit = IG_MAX(cfg->http_request_body_limit, cfg->http_response_body_limit);
    s->pairer = ig_ce_pairer_new(cfg, fn, ctx);
    if (!s->pairer || ig_scratch_init(&s->scratch, 1 << 16, 2 * limit + (4u << 20)) < 0 ||
        !(s->http = evhttp_new(base))) {
        snprintf(err, errlen, "out of memory");
        ig_ce_server_free(s);
        return IG_ENOMEM;
    }
    /* evhttp reads a whole body before the callback: max_body bounds that, and must leave
     * room for padding (squeezed out afterwards, as the HTTP stage does) and for structured
     * events' base64 (4/3). Bodies over it are refused with 413 by evhttp, unseen by us.
     * Data over the body limit itself is accepted, cut and flagged like a captured body. */
    evhttp_set_max_body_size(s->http, (ev_ssize_t)IG_MAX(cfg->ce_max_body, (uint64_t)2 * limit + 65536));
    evhttp_set_max_headers_size(s->http, 256 * 1024);   /* ce-metadata may carry JWTs */
    evhttp_set_timeout(s->http, 60);
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_POST | EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
                                         EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
    evhttp_set_gencb(s->http, on_request, s);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(s->http, host, port);
    if (!bs) {
        snprintf(err, errlen, "ingest.cloudevents.listen: cannot listen on %s: %s", listen, strerror(errno));
        ig_ce_server_free(s);
        return IG_EIO;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char ip[INET6_ADDRSTRLEN] = "?";
    if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
            snprintf(s->address, sizeof s->address, "[%s]:%u", ip, ntohs(s6->sin6_port));
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
            snprintf(s->address, sizeof s->address, "%s:%u", ip, ntohs(s4->sin_port));
        }
    }
    *out = s;
    return IG_OK;
}

const char *ig_ce_server_address(const struct ig_ce_server *s) { return s->address; }

void ig_ce_server_tick(struct ig_ce_server *s, uint64_t wall)
{
    ig_ce_pairer_tick(s->pairer, wall);
}

/* Events whose ce-time lags the wall clock by more than this are a replay (or a logger with
 * a wrong clock): their time moves only with them. */
#define REPLAY_LAG_US (60ull * 1000000u)

bool ig_ce_server_clock(const struct ig_ce_server *s, uint64_t wall, uint64_t *now)
{
    if (!s->last_ce_us)
        return false;   /* no event yet: no time of the events' own to move */
    if (s->last_ce_wall_us > s->last_ce_us + REPLAY_LAG_US)
        return false;   /* a replay: its events move its clock, a stalled sender does not */
    /* Live: the logger's clock, kept moving by the wall clock between events. */
    *now = s->last_ce_us + (wall > s->last_ce_wall_us ? wall - s->last_ce_wall_us : 0);
    return true;
}

const struct ig_ce_stats *ig_ce_server_stats(const struct ig_ce_server *s)
{
    return ig_ce_pairer_stats(s->pairer);
}

#define U(x) ((unsigned long long)(x))

void ig_ce_server_summary(const struct ig_ce_server *s, FILE *out)
{
    const struct ig_ce_stats *st = ig_ce_pairer_stats(s->pairer);
    fprintf(out, "  cloudevents %llu received (%llu requests, %llu responses), %llu paired, "
                 "%llu requests unpaired, %llu responses unpaired, %llu malformed, %llu over body limit, "
                 "%llu other types, %llu not inference, %llu gzip errors, %llu evicted\n",
            U(st->received), U(st->requests), U(st->responses), U(st->paired), U(st->unpaired_requests),
            U(st->unpaired_responses), U(st->malformed), U(st->too_large), U(st->ignored_types),
            U(st->not_inference), U(st->gzip_errors), U(st->evicted));
}

int ig_ce_server_metrics(const struct ig_ce_server *s, struct evbuffer *out)
{
    const struct ig_ce_stats *st = ig_ce_pairer_stats(s->pairer);
    static const struct { const char *name, *type, *help; size_t off; } fam[] = {
#define F(n, t, h, m) { "inferguard_cloudevents_" n, t, h, offsetof(struct ig_ce_stats, m) }
        F("received_total", "counter", "CloudEvents accepted (answered 200)", received),
        F("requests_total", "counter", "inference request events", requests),
        F("responses_total", "counter", "inference response events", responses),
        F("paired_total", "counter", "requests paired with their response by source and id", paired),
        F("unpaired_requests_total", "counter", "requests whose response did not come within the pair timeout (analysed alone)", unpaired_requests),
        F("unpaired_responses_total", "counter", "responses whose request never came (dropped)", unpaired_responses),
        F("malformed_total", "counter", "POSTs refused with 4xx: not a CloudEvent, bad or missing attributes", malformed),
        F("over_limit_total", "counter", "event data over http.*_body_limit (cut, event flagged)", too_large),
        F("other_types_total", "counter", "well-formed events of another type (ignored)", ignored_types),
        F("not_inference_total", "counter", "paired bodies of no known inference protocol shape", not_inference),
        F("gzip_errors_total", "counter", "gzip bodies that did not inflate", gzip_errors),
        F("evicted_total", "counter", "pending events pushed out by max_pending or pending_memcap", evicted),
        F("pending", "gauge", "events waiting for their pair", pending),
        F("pending_bytes", "gauge", "bytes held by events waiting for their pair", pending_bytes),
#undef F
    };
    for (size_t i = 0; i < IG_ARRAY_LEN(fam); i++) {
        uint64_t v = *(const uint64_t *)((const char *)st + fam[i].off);
        if (evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", fam[i].name, fam[i].help,
                                fam[i].name, fam[i].type, fam[i].name, U(v)) < 0)
            return -1;
    }
    return 0;
}

void ig_ce_server_finish(struct ig_ce_server *s)
{
    if (s->http) {
        evhttp_free(s->http);
        s->http = NULL;
    }
    ig_ce_pairer_flush(s->pairer);
}

void ig_ce_server_free(struct ig_ce_server *s)
{
    if (!s)
        return;
    if (s->http)
        evhttp_free(s->http);
    ig_ce_pairer_free(s->pairer);
    ig_scratch_free(&s->scratch);
    free(s);
}
