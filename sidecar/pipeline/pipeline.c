/* The pipeline of one worker: packets → flows → HTTP transactions → inference events →
 * detectors → findings → sinks, each arrow one call on this thread. */
#include "pipeline/pipeline.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <inferguard/adapter.h>
#include <inferguard/log.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/ad_common.h"
#include "adapters/event_json.h"
#include "core/jsonw.h"
#include "flow/flow.h"
#include "http/http_conn.h"
#include "http/http_resync.h"
#include "http2/h2_conn.h"
#include "identity/identity.h"
#include "pipeline/detect_stage.h"
#include "pipeline/pipeline_state.h"
#include "pipeline/txn_event.h"

/* HTTP request or status line at the start of a direction's bytes. */
static bool looks_like_http(enum ig_flow_dir dir, const uint8_t *p, size_t n)
{
    if (dir == IG_DIR_TO_CLIENT)
        return n >= 5 && memcmp(p, "HTTP/", 5) == 0;
    static const char *const methods[] = { "GET ", "POST ", "PUT ", "HEAD ", "DELETE ",
                                           "OPTIONS ", "PATCH " };
    for (size_t i = 0; i < IG_ARRAY_LEN(methods); i++) {
        size_t m = strlen(methods[i]);
        if (n >= m && memcmp(p, methods[i], m) == 0)
            return true;
    }
    return false;
}

static bool is_model_port(const struct ig_config *cfg, uint16_t port)
{
    for (uint32_t i = 0; i < cfg->n_model_ports; i++)
        if (cfg->model_ports[i] == port)
            return true;
    return false;
}

/* HTTP/2 on the first bytes of a flow: the client preface (prior knowledge, which is how
 * the flow layer classifies HTTP/2) or the server's SETTINGS frame that may precede it
 * (RFC 9113 3.4: both sides send their preface at once, and gRPC servers do), an HTTP/1.1
 * `Upgrade: h2c` request, or, picked up mid-way on a model port, bytes that parse as
 * HTTP/2 frames. */
static bool attach_h2(struct ig_pipeline *p, struct ig_flow *f, enum ig_flow_dir dir,
                      const uint8_t *data, size_t n, uint64_t ts_us)
{
    enum ig_h2_start start;
    bool from_start = ig_flow_from_start(p->flows, f);
    if (dir == IG_DIR_TO_SERVER && ig_h2_is_preface(data, n))
        start = IG_H2_PRIOR_KNOWLEDGE;
    else if (dir == IG_DIR_TO_CLIENT && from_start && ig_h2_is_settings(data, n))
        start = IG_H2_PRIOR_KNOWLEDGE;
    else if (dir == IG_DIR_TO_SERVER && ig_h2_is_upgrade(data, n))
        start = IG_H2_UPGRADE;
    else if (!from_start && !looks_like_http(dir, data, n) &&
             (ig_flow_is_http2(p->flows, f) ||
              (is_model_port(p->cfg, f->server.port) && ig_h2_is_frame_start(data, n))))
        start = IG_H2_MIDSTREAM;
    else
        return false;
    f->app = ig_h2_conn_new(p->h2, &f->client, &f->server, start, ts_us);
    if (!f->app) {
        ig_drop_count(&p->drops, "http2: out of memory for connection state");
        f->app_kind = APP_IGNORED;
        return true;
    }
    f->app_kind = APP_H2;
    return true;
}

/* The HTTP stage for <f>, told to look for the next message start unless <at_start>
 * (<swapped>: the flow's client is its .server). False when out of memory (counted). */
static bool attach_http(struct ig_pipeline *p, struct ig_flow *f, bool swapped, bool at_start, uint64_t ts_us)
{
    f->app = swapped ? ig_http_conn_new(p->http, &f->server, &f->client, ts_us)
                     : ig_http_conn_new(p->http, &f->client, &f->server, ts_us);
    if (!f->app) {
        ig_drop_count(&p->drops, "http: out of memory for connection state");
        return false;
    }
    f->app_kind = APP_HTTP;
    f->app_swapped = swapped;
    /* Picked up mid-message: make the parser look for the next message start. */
    if (!at_start)
        ig_http_conn_gap(f->app, IG_DIR_TO_SERVER, 0, ts_us);
    return true;
}

/* A mid-stream flow waits for a message start this long per direction: 1 KiB units, each
 * segment at least one, so 4 MiB or 4,096 segments (a large tensor body the capture came
 * in on passes; a long-lived flow of another protocol is let go). */
#define MIDSTREAM_WAIT_KIB 4096u

/* A whole request line at p[0] in one segment: a known method, a target, " HTTP/1.d" and
 * the line's end. Stricter than the resync matcher (which finds a message start inside
 * bytes known to be HTTP): here it decides whether a flow is HTTP at all. */
static bool starts_request(const uint8_t *p, size_t n)
{
    if (ig_http_resync_match(IG_DIR_TO_SERVER, p, n) != 1)
        return false;
    const uint8_t *nl = memchr(p, '\n', IG_MIN(n, (size_t)8192));
    if (!nl)
        return false;
    size_t len = (size_t)(nl - p);
    if (len && p[len - 1] == '\r')
        len--;
    return len > 14 && memcmp(p + len - 9, " HTTP/1.", 8) == 0 && p[len - 1] >= '0' && p[len - 1] <= '9';
}

/* A status line at p[0]: "HTTP/1.d ddd" then a space or the line's end. */
static bool starts_status(const uint8_t *p, size_t n)
{
    return ig_http_resync_match(IG_DIR_TO_CLIENT, p, n) == 1;
}

/* A mid-stream flow off capture.ports (APP_WAIT) is attached at the first segment that
 * starts an HTTP/1 message in either direction: a request from the side the ports guessed
 * as the server, or a status line to it, means the guess was wrong and the roles swap.
 * nDPI calling it HTTP is not enough (it does not say which side asked); nDPI naming
 * another protocol, or a wait past MIDSTREAM_WAIT_KIB, lets the flow go. */
static void wait_app(struct ig_pipeline *p, struct ig_flow *f, enum ig_flow_dir dir,
                     const uint8_t *data, size_t n, uint64_t ts_us)
{
    bool req = starts_request(data, n), status = !req && starts_status(data, n);
    if (req || status) {
        bool swapped = (req && dir == IG_DIR_TO_CLIENT) || (status && dir == IG_DIR_TO_SERVER);
        if (attach_http(p, f, swapped, false, ts_us)) {
            p->parse.midstream_later++;
            p->parse.midstream_swapped += swapped;
            return;
        }
    } else if ((!f->ndpi_master && !f->ndpi_app) || ig_flow_is_http(p->flows, f)) {
        uint32_t w = f->app_wait[dir] + 1u + (uint32_t)(n >> 10);
        f->app_wait[dir] = (uint16_t)IG_MIN(w, MIDSTREAM_WAIT_KIB);
        if (w < MIDSTREAM_WAIT_KIB)
            return;
        p->parse.midstream_given_up++;
    }
    f->app_kind = APP_IGNORED;
    p->parse.non_http_flows++;
}

/* Decides, on a flow's first bytes, whether the HTTP stage gets it. A flow picked up
 * mid-stream off capture.ports whose first bytes start no message from the side the ports
 * guessed waits for one instead (wait_app): they are usually inside a body. */
static void attach_app(struct ig_pipeline *p, struct ig_flow *f, enum ig_flow_dir dir,
                       const uint8_t *data, size_t n, uint64_t ts_us)
{
    if (attach_h2(p, f, dir, data, n, ts_us))
        return;
    bool http_start = looks_like_http(dir, data, n);
    if (f->midstream && !http_start && !is_model_port(p->cfg, f->server.port)) {
        f->app_kind = APP_WAIT;
        wait_app(p, f, dir, data, n, ts_us);
        return;
    }
    if ((http_start || ig_flow_is_http(p->flows, f) || is_model_port(p->cfg, f->server.port)) &&
        attach_http(p, f, false, http_start, ts_us))
        return;
    f->app_kind = APP_IGNORED;
    p->parse.non_http_flows++;
}

static void on_data(void *ctx, struct ig_flow *f, enum ig_flow_dir dir,
                    const uint8_t *data, size_t n, uint64_t ts_us)
{
    struct ig_pipeline *p = ctx;
    if (f->app_kind == APP_NONE)
        attach_app(p, f, dir, data, n, ts_us);
    else if (f->app_kind == APP_WAIT && !attach_h2(p, f, dir, data, n, ts_us))
        wait_app(p, f, dir, data, n, ts_us);
    p->cur_flow = f;   /* transactions completed by these bytes carry the flow's evasion marks */
    if (f->app_kind == APP_H2) {
        ig_h2_conn_data(f->app, dir, data, n, ts_us);
        p->cur_flow = NULL;
        return;
    }
    if (f->app_swapped)
        dir = !dir;
    int rc = f->app_kind == APP_HTTP ? ig_http_conn_data(f->app, dir, data, n, ts_us) : IG_OK;
    p->cur_flow = NULL;
    if (rc == IG_EPARSE) {
        /* Not HTTP after all: stop parsing this connection. */
        ig_http_conn_close(f->app, ts_us);
        f->app = NULL;
        f->app_kind = APP_IGNORED;
        ig_drop_count(&p->drops, "http: connection stopped parsing as HTTP");
    }
}

static void on_gap(void *ctx, struct ig_flow *f, enum ig_flow_dir dir, uint64_t missing, uint64_t ts_us)
{
    struct ig_pipeline *p = ctx;
    p->cur_flow = f;
    if (f->app_kind == APP_HTTP)
        ig_http_conn_gap(f->app, f->app_swapped ? !dir : dir, missing, ts_us);
    else if (f->app_kind == APP_H2)
        ig_h2_conn_gap(f->app, dir, missing, ts_us);
    p->cur_flow = NULL;
}

static void on_close(void *ctx, struct ig_flow *f, uint64_t ts_us)
{
    struct ig_pipeline *p = ctx;
    if (p->shard && p->closing)   /* a tick or the end: where this flow's events belong */
        ig_shard_close_order(p->shard, ig_flow_close_order(f, p->closing == 2));
    p->cur_flow = f;
    if (f->app_kind == APP_WAIT)
        p->parse.non_http_flows++;   /* ended before a message start */
    else if (f->app_kind == APP_HTTP)
        ig_http_conn_close(f->app, ts_us);
    else if (f->app_kind == APP_H2)
        ig_h2_conn_close(f->app, ts_us);
    p->cur_flow = NULL;
    f->app = NULL;
    f->app_kind = APP_IGNORED;
}

static void write_event(struct ig_pipeline *p, const struct ig_event *ev)
{
    ig_jsonw_reset(&p->events_json);
    ig_event_to_json(ev, &p->events_json, true);
    if (p->events_json.oom) {
        ig_drop_count(&p->drops, "events: out of memory encoding an event");
        return;
    }
    fwrite(p->events_json.buf, 1, p->events_json.len, p->events_out);
    fputc('\n', p->events_out);
}

/* One paired HTTP transaction: an inference event if an adapter understands it. With two
 * workers the detection thread may take the decoding over (it copies the transaction);
 * the event is the same whichever thread builds it (txn_event.h). */
static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    struct ig_pipeline *p = ctx;
    p->parse.txns++;
    struct ig_decode_ctx dctx = { .cfg = p->cfg, .scratch = &p->scratch, .evasion = &p->ev.evasion };
    const struct ig_adapter *ad = ig_adapter_select(&dctx, t);
    if (!ad) {
        p->parse.not_inference++;
        return;
    }
    struct ig_txn_flow fl = { 0 };   /* what the connection carries into its events (flow/) */
    if (p->cur_flow)
        fl = (struct ig_txn_flow){ p->cur_flow->evasion, p->cur_flow->evasion_note, p->cur_flow->midstream };
    p->parse.events++;   /* malformed or not, one event (its protocol: once decoded) */
    /* Only where nothing on this side needs the event: no events output, no hook, no
     * shards' merge. */
    if (!p->parser_only && !p->events_out && !p->event_hook &&
        ig_detect_defer_txn(p->detect, ad, t, &p->identity, &fl))
        return;
    struct ig_event *ev = &p->ev;
    struct ig_txn_outcome o;
    struct ig_txn_decoder dc = { .cfg = p->cfg, .identity = &p->identity, .scratch = &p->scratch };
    ig_txn_event(&dc, ad, t, &fl, ev, &o);
    ig_txn_count(&o, &p->parse, p->events_by_proto, &p->drops);
    if (!p->parser_only)
        ig_pipeline_event_merged(p, ev);
    else if (p->shard)
        ig_shard_event(p->shard, ev);   /* copied out: the coordinator merges it */
    ig_scratch_reset(&p->scratch);
}

/* What follows the decoded event, in capture order (one parser, or merged from the shards). */
void ig_pipeline_event_merged(struct ig_pipeline *p, const struct ig_event *ev)
{
    if (p->events_out)
        write_event(p, ev);
    if (p->event_hook)
        p->event_hook(p->event_hook_ctx, ev);
    ig_detect_observe(p->detect, ev);   /* borrowed: scratch and HTTP buffers are reused next */
}

/* Records which rule set is in use (origin and hash) for the summary and /metrics. */
static void note_rules(struct ig_pipeline *p, const struct ig_rules *rules)
{
    snprintf(p->rules_origin, sizeof p->rules_origin, "%s", ig_rules_origin(rules));
    snprintf(p->rules_sha256, sizeof p->rules_sha256, "%s", ig_rules_sha256(rules));
}

/* The parsing stages: decoding scratch, identity, then (<flows>) HTTP, HTTP/2 and flows;
 * a coordinator of parse shards decodes only the mirror's transactions itself. */
static int parser_init(struct ig_pipeline *p, bool flows, char *err, size_t errlen)
{
    const struct ig_config *cfg = p->cfg;
    if (ig_scratch_init(&p->scratch, 1 << 20, ig_detect_scratch_cap(cfg)) < 0) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    if (ig_identity_cfg_init(&p->identity, cfg, err, errlen) < 0)
        return IG_ECONF;
    if (!flows)
        return IG_OK;
    p->http = ig_http_new(cfg, on_txn, p);
    if (!p->http) {
        snprintf(err, errlen, "cannot set up the HTTP parser");
        return IG_ENOMEM;
    }
    p->h2 = ig_h2_new(cfg, on_txn, p);
    if (!p->h2) {
        snprintf(err, errlen, "cannot set up the HTTP/2 parser");
        return IG_ENOMEM;
    }
    struct ig_flow_callbacks cb = { .ctx = p, .data = on_data, .gap = on_gap, .close = on_close };
    p->flows = ig_flow_table_new(cfg, &cb);
    if (!p->flows) {
        snprintf(err, errlen, "cannot set up the flow table (nDPI initialisation failed?)");
        return IG_ENOMEM;
    }
    return IG_OK;
}

struct ig_pipeline *ig_pipeline_new_parser(const struct ig_config *cfg, void *shard, char *err,
                                           size_t errlen)
{
    struct ig_pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->cfg = cfg;
    p->parser_only = true;
    p->shard = shard;
    ig_drop_init(&p->drops);
    ig_jsonw_init(&p->events_json, 1 << 10);
    if (parser_init(p, true, err, errlen) < 0) {
        ig_pipeline_free(p);
        return NULL;
    }
    return p;
}

struct ig_pipeline *ig_pipeline_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                    char *err, size_t errlen)
{
    struct ig_pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->cfg = cfg;
    ig_load_init(&p->load);
    p->load_ready = true;
    note_rules(p, rules);
    ig_drop_init(&p->drops);
    ig_jsonw_init(&p->events_json, 1 << 16);
    p->detect = ig_detect_new(cfg, rules, &p->load, &p->drops, err, errlen);
    if (!p->detect)
        goto fail;
    if (parser_init(p, cfg->parse_shards <= 1, err, errlen) < 0)
        goto fail;
    if (cfg->events_path[0]) {
        if (strcmp(cfg->events_path, "-") == 0) {
            p->events_out = stdout;
        } else {
            /* events carry raw prompts and completions: readable by the owner only, also
             * when the file was there before (a regular file; never chmod a device) */
            int fd = open(cfg->events_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            struct stat st;
            if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) &&
                fchmod(fd, 0600) != 0) {
                snprintf(err, errlen, "cannot make %s private (0600): %s", cfg->events_path,
                         strerror(errno));
                close(fd);
                goto fail;
            }
            p->events_out = fd >= 0 ? fdopen(fd, "w") : NULL;
            if (!p->events_out && fd >= 0)
                close(fd);
            if (!p->events_out) {
                snprintf(err, errlen, "cannot write events to %s: %s", cfg->events_path, strerror(errno));
                goto fail;
            }
            p->events_close = true;
        }
    }
    /* Last: the shards' merged events go to the outputs and the detect stage above. */
    if (cfg->parse_shards > 1) {
        static const struct ig_shard_ops ops = { ig_pipeline_new_parser, ig_pipeline_free,
                                                 ig_pipeline_event_merged, ig_pipeline_tick_merged };
        p->shards = ig_shards_new(p, &ops, cfg, cfg->parse_shards, err, errlen);
        if (!p->shards)
            goto fail;
    }
    return p;
fail:
    ig_pipeline_free(p);
    return NULL;
}

static void endpoint_text(const struct ig_endpoint *e, char *out, size_t cap)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->addr, ip, sizeof ip);
    snprintf(out, cap, e->family == 6 ? "[%s]:%u" : "%s:%u", ip, e->port);
}

static void publish_affected(void *ctx, const struct ig_endpoint *client, const struct ig_endpoint *server)
{
    char a[64], b[64], what[IG_LOAD_AFFECTED_LEN];
    endpoint_text(client, a, sizeof a);
    endpoint_text(server, b, sizeof b);
    snprintf(what, sizeof what, "%.54s > %.54s", a, b);
    ig_load_affected(ctx, what);
}

/* What the parsing side gave up, as running totals for evasion.overload and /metrics:
 * <l> the flow and HTTP totals (summed over the shards), then the affected connections. */
static void publish_totals(struct ig_pipeline *p, const struct ig_shard_load *l)
{
    ig_load_set(&p->load, IG_LOAD_KERNEL_DROPS, p->capture.kernel_drops + p->kernel_drops_live);
    ig_load_set(&p->load, IG_LOAD_FLOW_MEMCAP, l->flow_memcap);
    ig_load_set(&p->load, IG_LOAD_FLOWS_EVICTED, l->flows_evicted);
    ig_load_set(&p->load, IG_LOAD_HTTP_BODIES, l->http_bodies);
    ig_load_set(&p->load, IG_LOAD_HTTP_UNPAIRED, l->http_unpaired);
    struct ig_detect_stats ds;
    ig_detect_collect(p->detect, &ds);
    ig_load_set(&p->load, IG_LOAD_EVENTS_DROPPED, ds.handoff.events_dropped);
}

static void publish_load(struct ig_pipeline *p)
{
    const struct ig_flow_stats *f = ig_flow_stats(p->flows);
    const struct ig_http_stats *h = ig_http_stats(p->http);
    struct ig_shard_load l = {
        .flow_memcap = f->memcap_drops + f->stream_cap_drops,
        .flows_evicted = f->flows_evicted,
        .http_bodies = h->memcap_bodies_given_up + h->memcap_given_up,
        .http_unpaired = h->pipeline_shed,
    };
    publish_totals(p, &l);
    p->affected_mark = ig_http_affected(p->http, p->affected_mark, publish_affected, &p->load);
}

void ig_pipeline_tick_merged(struct ig_pipeline *p, uint64_t now_us, const struct ig_shard_load *l)
{
    publish_totals(p, l);
    for (uint32_t i = 0; i < l->n_affected; i++)
        publish_affected(&p->load, &l->affected[i][0], &l->affected[i][1]);
    ig_detect_tick(p->detect, now_us);
    if (p->tick_hook)
        p->tick_hook(p->tick_hook_ctx, now_us);
}

void ig_pipeline_note_kernel_drops(struct ig_pipeline *p, uint64_t total)
{
    p->kernel_drops_live = total;
}

void ig_pipeline_load_text(struct ig_pipeline *p, char *out, size_t cap)
{
    size_t o = 0;
    if (cap)
        out[0] = 0;
    for (int k = 0; k < IG_LOAD__COUNT && o < cap; k++) {
        uint64_t v = atomic_load(&p->load.total[k]);
        if (!v)
            continue;
        int w = snprintf(out + o, cap - o, "%s%s=%llu", o ? ", " : "partly blind: ",
                         ig_load_kind_name((enum ig_load_kind)k), (unsigned long long)v);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

void ig_pipeline_tick(struct ig_pipeline *p, uint64_t now_us)
{
    if (now_us < p->last_us)
        now_us = p->last_us;   /* the capture clock never runs backwards for detectors */
    p->last_us = now_us;
    p->clock.tick_us = now_us;   /* a live capture's first packet after an idle hour is no leap */
    p->next_tick_us = now_us + TICK_US;
    if (p->shards) {
        ig_shards_tick(p->shards, now_us);   /* the rest once merged: ig_pipeline_tick_merged */
        return;
    }
    ig_flow_tick(p->flows, now_us);
    publish_load(p);
    ig_detect_tick(p->detect, now_us);   /* after the events flow_tick produced */
    if (p->tick_hook)
        p->tick_hook(p->tick_hook_ctx, now_us);
}

uint64_t ig_pipeline_clock_offset(const struct ig_pipeline *p)
{
    return p->clock.offset_us;
}

void ig_pipeline_packet(struct ig_pipeline *p, const struct ig_packet *pkt)
{
    struct ig_packet moved;
    uint64_t ts = ig_capture_clock_fix(&p->clock, pkt->ts_us, &p->capture);
    if (ts != pkt->ts_us) {   /* after a step back or a leap (capture/clock.h): rare, a copy */
        moved = *pkt;
        moved.ts_us = ts;
        pkt = &moved;
    }
    if (pkt->ts_us > p->last_us)
        p->last_us = pkt->ts_us;
    if (p->shards)
        ig_shards_packet(p->shards, pkt);
    else
        ig_flow_packet(p->flows, pkt);
    if (p->last_us >= p->next_tick_us)
        ig_pipeline_tick(p, p->last_us);
}

void ig_pipeline_txn(struct ig_pipeline *p, const struct ig_http_txn *t)
{
    uint64_t ts = IG_MAX(t->req_time_us, t->resp_time_us);
    if (ts > p->last_us)
        p->last_us = ts;
    if (p->shards)
        ig_shards_drain(p->shards);   /* after every event of the packets before it */
    on_txn(p, t);
    if (p->last_us >= p->next_tick_us)
        ig_pipeline_tick(p, p->last_us);
}

void ig_pipeline_add_capture_stats(struct ig_pipeline *p, const struct ig_decode_stats *st)
{
    uint64_t *dst = (uint64_t *)&p->capture;
    const uint64_t *src = (const uint64_t *)st;
    for (size_t i = 0; i < sizeof *st / sizeof(uint64_t); i++)
        dst[i] += src[i];
}

void ig_pipeline_finish(struct ig_pipeline *p)
{
    if (p->shards) {
        ig_shards_flush(p->shards, p->last_us);
        ig_pipeline_tick(p, p->last_us);
        ig_shards_stop(p->shards);   /* merges what is left, then the threads end */
    } else {
        ig_flow_flush(p->flows, p->last_us);
        ig_pipeline_tick(p, p->last_us);
    }
    if (p->events_out)
        fflush(p->events_out);
    ig_detect_finish(p->detect, p->last_us);
}

uint64_t ig_pipeline_findings(const struct ig_pipeline *p)
{
    return ig_detect_findings(p->detect);
}

uint64_t ig_pipeline_events(const struct ig_pipeline *p)
{
    if (!p->shards)
        return p->parse.events;
    struct ig_parse_view v;
    ig_pipeline_parse_view(p, &v);
    return v.c.parse.events;
}

static void view_proto(void *ctx, uint32_t rank, const char *proto, uint64_t flows)
{
    ig_shard_counts_proto(ctx, rank, proto, flows);
}

void ig_pipeline_parse_view(const struct ig_pipeline *p, struct ig_parse_view *v)
{
    memset(v, 0, sizeof *v);
    v->capture = p->capture;
    struct ig_shard_counts *c = &v->c;
    if (p->flows) {
        c->flow = *ig_flow_stats(p->flows);
        c->http = *ig_http_stats(p->http);
        c->h2 = *ig_h2_stats(p->h2);
        ig_flow_proto_counts_ranked(p->flows, view_proto, c);
    }
    c->parse = p->parse;
    memcpy(c->events_by_proto, p->events_by_proto, sizeof c->events_by_proto);
    c->drops = p->drops;
    if (p->detect)   /* what the detection thread decoded for this side (two workers) */
        ig_detect_add_decoded(p->detect, &c->parse, c->events_by_proto, &c->drops);
    if (p->shards)   /* the coordinator's own events are the mirror's (ig_pipeline_txn) */
        ig_shards_counts(p->shards, c);
}

void ig_pipeline_set_event_hook(struct ig_pipeline *p, void (*fn)(void *ctx, const struct ig_event *ev),
                                void *ctx)
{
    p->event_hook = fn;
    p->event_hook_ctx = ctx;
}

void ig_pipeline_set_tick_hook(struct ig_pipeline *p, void (*fn)(void *ctx, uint64_t now_us), void *ctx)
{
    p->tick_hook = fn;
    p->tick_hook_ctx = ctx;
}

void ig_pipeline_replace_suppress(struct ig_pipeline *p, struct ig_suppressor *s)
{
    ig_detect_replace_suppress(p->detect, s);
}

void ig_pipeline_free(struct ig_pipeline *p)
{
    if (!p)
        return;
    ig_shards_free(p->shards);   /* first: what they still hold is merged into the outputs */
    if (p->flows)
        ig_flow_table_free(p->flows);
    if (p->http)
        ig_http_free(p->http);
    if (p->h2)
        ig_h2_free(p->h2);
    ig_detect_free(p->detect);   /* a detection thread still running is stopped first */
    if (p->events_close)
        fclose(p->events_out);
    ig_jsonw_free(&p->events_json);
    ig_scratch_free(&p->scratch);
    ig_identity_cfg_free(&p->identity);
    if (p->load_ready)
        ig_load_destroy(&p->load);
    free(p);
}

int ig_pipeline_reload(struct ig_pipeline *p, const struct ig_rules *rules, char *err, size_t errlen)
{
    if (p->shards)
        ig_shards_drain(p->shards);   /* the old engine sees every event before the reload */
    int rc = ig_detect_reload(p->detect, rules, err, errlen);
    if (rc == IG_OK)
        note_rules(p, rules);
    return rc;
}
