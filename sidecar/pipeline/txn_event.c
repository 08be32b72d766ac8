/* A transaction -> its inference event (what the parsing side's on_txn did inline), and the
 * deep copy that lets the detection thread do it instead: see txn_event.h. */
#include "pipeline/txn_event.h"

#include <string.h>

#include "adapters/ad_common.h"

static void copy_span(char *dst, size_t cap, struct ig_span s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
}

void ig_txn_event(const struct ig_txn_decoder *dc, const struct ig_adapter *ad,
                  const struct ig_http_txn *t, const struct ig_txn_flow *fl,
                  struct ig_event *ev, struct ig_txn_outcome *out)
{
    memset(ev, 0, sizeof *ev);
    out->malformed = NULL;
    out->raw_inspected = false;
    struct ig_decode_ctx dctx = { .cfg = dc->cfg, .scratch = dc->scratch, .evasion = &ev->evasion };
    ev->req_time_us = t->req_time_us;
    ev->resp_time_us = t->resp_time_us;
    if (t->resp_time_us >= t->req_time_us && t->status)
        ev->latency_us = t->resp_time_us - t->req_time_us;
    ev->src = t->client;
    ev->dst = t->server;
    ev->protocol = ad->protocol;
    ev->status = t->status;
    if (t->status >= 400)
        ev->flags |= IG_EV_ERROR;
    ev->req_bytes = t->req_wire_bytes;
    ev->resp_bytes = t->resp_wire_bytes;
    copy_span(ev->method, sizeof ev->method, t->method);
    copy_span(ev->route, sizeof ev->route, t->path);
    ig_identity_resolve(dc->identity, t, ev);

    ev->evasion = t->evasion;
    if (fl->evasion) {
        /* transport tricks seen on this connection so far (flow/) */
        ev->evasion |= fl->evasion;
        if (fl->note)
            snprintf(ev->evasion_note, sizeof ev->evasion_note, "%s", fl->note);
    }
    if (t->req_body_truncated || t->resp_body_truncated)
        ev->evasion |= IG_EVA_TRUNCATED;
    const char *reason = NULL;
    int st = ad->decode(&dctx, t, ev, &reason);
    if (st < 0) {
        /* Keep the event (rate and error detectors still count it) without payload. */
        ev->flags = (ev->flags & IG_EV_ERROR) | IG_EV_MALFORMED;
        ev->malformed_reason = reason ? reason : "undecodable payload";
        if (t->req_body_truncated)
            ev->malformed_reason = "request body over http.request_body_limit";
        ev->rows = ev->features = ev->outputs = 0;
        ev->inputs = ev->scores = NULL;
        ev->labels = NULL;
        ev->prompt = ev->completion = ev->system_prompt = (struct ig_span){ NULL, 0 };
        /* Undecodable is not uninspected: the text detectors read the body's strings
         * (a cut or mangled body is exactly where an attacker would hide a prompt).
         * Tensor limits (IG_ELIMIT on a well-formed body) are not that case. */
        if ((st == IG_EPARSE || t->req_body_truncated) && t->req_body.n) {
            struct ig_ad_text raw;
            size_t cap = IG_MIN(t->req_body.n + 1, (size_t)dc->cfg->max_string);
            if (ig_ad_text_init(&raw, dc->scratch, cap) == IG_OK) {
                ig_ad_raw_text(t->req_body, &raw);
                if (raw.n) {
                    ev->prompt = ig_ad_text_span(&raw);
                    ev->flags |= IG_EV_TEXT;
                    ev->evasion |= IG_EVA_RAW_BODY;
                    out->raw_inspected = true;
                }
            }
        }
    }
    if (fl->midstream)
        ev->flags |= IG_EV_MIDSTREAM;   /* the connection predates the capture (flow/) */
    out->protocol = ev->protocol;
    if (ev->flags & IG_EV_MALFORMED)
        out->malformed = ev->malformed_reason ? ev->malformed_reason : "malformed payload";
}

void ig_txn_count(const struct ig_txn_outcome *o, struct ig_parse_stats *ps, uint64_t *by_proto,
                  struct ig_drop_reasons *drops)
{
    by_proto[o->protocol < IG_PROTO__COUNT ? o->protocol : 0]++;
    if (o->raw_inspected)
        ps->events_raw_inspected++;
    if (o->malformed) {
        ps->events_malformed++;
        ig_drop_count(drops, o->malformed);
    }
}

#define CHUNK(n) (((size_t)(n) + 15) & ~(size_t)15)

static size_t span_bytes(struct ig_span s) { return s.p ? CHUNK(s.n + 1) : 0; }

size_t ig_txn_bytes(const struct ig_http_txn *t)
{
    size_t n = span_bytes(t->method) + span_bytes(t->uri) + span_bytes(t->path) +
               span_bytes(t->query) + span_bytes(t->req_body) + span_bytes(t->resp_body);
    n += CHUNK((size_t)t->n_req_headers * sizeof *t->req_headers);
    n += CHUNK((size_t)t->n_resp_headers * sizeof *t->resp_headers);
    for (uint32_t i = 0; i < t->n_req_headers; i++)
        n += span_bytes(t->req_headers[i].name) + span_bytes(t->req_headers[i].value);
    for (uint32_t i = 0; i < t->n_resp_headers; i++)
        n += span_bytes(t->resp_headers[i].name) + span_bytes(t->resp_headers[i].value);
    return n;
}

static const struct ig_http_header *put_headers(uint8_t **at, const struct ig_http_header *h, uint32_t n)
{
    if (!h)
        return NULL;
    struct ig_http_header *d = (struct ig_http_header *)(void *)*at;
    *at += CHUNK((size_t)n * sizeof *h);
    for (uint32_t i = 0; i < n; i++) {
        d[i].name = ig_span_copy_at(at, h[i].name);
        d[i].value = ig_span_copy_at(at, h[i].value);
    }
    return d;
}

void ig_txn_copy(struct ig_http_txn *dst, const struct ig_http_txn *t, void *data)
{
    uint8_t *at = data;
    *dst = *t;
    dst->method = ig_span_copy_at(&at, t->method);
    dst->uri = ig_span_copy_at(&at, t->uri);
    dst->path = ig_span_copy_at(&at, t->path);
    dst->query = ig_span_copy_at(&at, t->query);
    dst->req_headers = put_headers(&at, t->req_headers, t->n_req_headers);
    dst->resp_headers = put_headers(&at, t->resp_headers, t->n_resp_headers);
    dst->req_body = ig_span_copy_at(&at, t->req_body);
    dst->resp_body = ig_span_copy_at(&at, t->resp_body);
}
