/* The traffic generator's scenarios and scheduler: clients with roles, rates and
 * windows, served in capture-time order from a min-heap; each turn is one keep-alive
 * HTTP exchange (or a pipelined burst) written through a scripted TCP conversation. */
#include "trafficgen.h"
#include "gen_internal.h"
#include "pcapw.h"
#include "rng.h"

#include <inferguard/base.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define START_US     1767225600000000ull   /* 2026-01-01T00:00:00Z: fixed, so output is too */
#define SERVER_IP    0x7f000001u           /* 127.0.0.1 */
#define PROXY_IP     0x7f000006u           /* 127.0.0.6: the mesh sidecar's address */
#define BENIGN_BASE  0x7f010001u           /* 127.1.0.1 + i */
#define ATTACK_BASE  0x7f420001u           /* 127.66.0.1 + i */
#define PIPE_MAX     3
#define FLOOD_CONNS  10                    /* a flood's connections, each with a request out */
#define UNLIMITED    0xffffffffu

struct gen_client {
    enum ig_gen_role role;
    uint32_t ip;                 /* host order; behind the proxy: the X-Forwarded-For value */
    char ipstr[16], bearer[48], xfcc[192];
    enum ig_gen_proto proto;
    uint64_t next_us, end_us;
    double gap_us;
    bool poisson;                /* exponential gaps (people) or steady ones (scripts) */
    uint32_t budget, sent;
    uint64_t rng, first_us, last_us;
    struct ig_gen_attack atk;
    struct ig_tcpconv conv;
    bool open;
    int32_t conv_left;           /* requests left on this keep-alive connection */
    uint32_t sibling_of;         /* another connection of client cl[sibling_of - 1]; 0: none */
    char *pending;               /* a flood's answer not sent yet (the server is saturated) */
    size_t pending_len;
};

struct gen {
    const struct ig_gen_opts *o;
    struct ig_gen_stats *st;
    struct ig_pcapw *w;
    struct ig_gen_model model;
    struct ig_gen_http *http;
    struct gen_client *cl;
    uint32_t ncl, cap;
    uint32_t *heap, nheap;
    float *x, *probs;
    char *req, *resp;
    size_t bufcap;
    uint64_t rng, next_id, drift_at;
    enum ig_gen_drift drift;          /* what happens to benign inputs from drift_at on */
    uint32_t conn_seq, nbenign, nattack;
};

int ig_gen_proto_parse(const char *s)
{
    for (int p = 0; p < IG_GEN_PROTO__COUNT; p++)
        if (strcmp(s, ig_gen_proto_name((enum ig_gen_proto)p)) == 0)
            return p;
    return -1;
}

const char *ig_gen_proto_name(enum ig_gen_proto p)
{
    static const char *const n[] = { "oip_v2", "oip_v2_bin", "kserve_v1", "openai", "mixed" };
    return (unsigned)p < IG_ARRAY_LEN(n) ? n[p] : "unknown";
}

const char *ig_gen_role_name(enum ig_gen_role r)
{
    static const char *const n[] = { "benign", "extraction_tramer", "extraction_jbda",
                                     "evasion_boundary", "leakage_harvest", "flood" };
    return (unsigned)r < IG_ARRAY_LEN(n) ? n[r] : "unknown";
}

void ig_gen_opts_default(struct ig_gen_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->scenario = "demo";
    o->seed = 1;
    o->clients = 8;
    o->requests = 10000;
    o->dim = 16;
    o->classes = 4;
    o->batch = 1;
    o->duration_s = 300;
    o->protocol = IG_GEN_OIP_V2;
    o->linktype = IG_PCAPW_EN10MB;
    o->model = "demo-classifier";
    o->drift_at = 0.5;
}

static const char *const drift_names[IG_GEN_DRIFT__COUNT] = {
    "default", "none", "mean", "scale", "brightness", "prior",
};

int ig_gen_drift_parse(const char *s)
{
    for (int i = 0; i < IG_GEN_DRIFT__COUNT; i++)
        if (strcmp(s, drift_names[i]) == 0)
            return i;
    return -1;
}

const char *ig_gen_drift_name(enum ig_gen_drift d)
{
    return (unsigned)d < IG_GEN_DRIFT__COUNT ? drift_names[d] : "?";
}

/* ---- scheduling: min-heap of client indices by (next_us, index) ---- */

static bool heap_less(const struct gen *g, uint32_t a, uint32_t b)
{
    const struct gen_client *x = &g->cl[a], *y = &g->cl[b];
    return x->next_us < y->next_us || (x->next_us == y->next_us && a < b);
}

static void heap_sift_down(struct gen *g, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < g->nheap && heap_less(g, g->heap[l], g->heap[m]))
            m = l;
        if (r < g->nheap && heap_less(g, g->heap[r], g->heap[m]))
            m = r;
        if (m == i)
            return;
        uint32_t t = g->heap[i];
        g->heap[i] = g->heap[m];
        g->heap[m] = t;
        i = m;
    }
}

static void heap_push(struct gen *g, uint32_t ci)
{
    uint32_t i = g->nheap++;
    g->heap[i] = ci;
    while (i && heap_less(g, g->heap[i], g->heap[(i - 1) / 2])) {
        uint32_t p = (i - 1) / 2, t = g->heap[i];
        g->heap[i] = g->heap[p];
        g->heap[p] = t;
        i = p;
    }
}

static uint64_t next_gap(struct gen_client *c)
{
    if (c->poisson)
        return (uint64_t)ig_rng_exp(&c->rng, c->gap_us) + 1;
    /* steady, with +-10% jitter */
    return (uint64_t)(c->gap_us * (0.9 + 0.2 * ig_rng_unit(&c->rng))) + 1;
}

/* ---- scenario setup ---- */

static int add_client(struct gen *g, enum ig_gen_role role, double start_s, double end_s,
                      uint32_t budget, double rate, bool poisson)
{
    if (g->ncl == g->cap)
        return IG_ELIMIT;
    const struct ig_gen_opts *o = g->o;
    uint32_t i = g->ncl++;
    struct gen_client *c = &g->cl[i];
    memset(c, 0, sizeof(*c));
    c->role = role;
    c->rng = ig_rng_next(&g->rng);
    c->ip = role == IG_ROLE_BENIGN ? BENIGN_BASE + g->nbenign++ : ATTACK_BASE + g->nattack++;
    snprintf(c->ipstr, sizeof(c->ipstr), "%u.%u.%u.%u", c->ip >> 24, (c->ip >> 16) & 255,
             (c->ip >> 8) & 255, c->ip & 255);
    if (o->proxy) {
        /* Behind the mesh every client shares 127.0.0.6; identity is in the headers. */
        snprintf(c->bearer, sizeof(c->bearer), "igk_%s_%08x", ig_gen_role_name(role),
                 (uint32_t)ig_rng_next(&c->rng));
        snprintf(c->xfcc, sizeof(c->xfcc),
                 "By=spiffe://cluster.local/ns/models/sa/server;"
                 "URI=spiffe://cluster.local/ns/apps/sa/%s-%u", ig_gen_role_name(role), i);
    }
    enum ig_gen_proto p = o->protocol;
    if (p == IG_GEN_MIXED)
        p = (enum ig_gen_proto)(i % IG_GEN_MIXED);
    /* Attacks query tensors: on the chat protocol they speak OIP v2 instead. */
    if (role != IG_ROLE_BENIGN && p == IG_GEN_OPENAI)
        p = IG_GEN_OIP_V2;
    c->proto = p;
    c->gap_us = 1e6 / rate;
    c->poisson = poisson;
    c->budget = budget;
    uint64_t start = START_US + (uint64_t)(start_s * 1e6);
    c->end_us = START_US + (uint64_t)(end_s * 1e6);
    c->next_us = start + next_gap(c) % (uint64_t)(c->gap_us + 1);
    g->st->clients[role]++;
    if (ig_gen_attack_init(&c->atk, role, &g->model, &c->rng) != IG_OK)
        return IG_ENOMEM;
    heap_push(g, i);
    return IG_OK;
}

/* A flood: FLOOD_CONNS connections from one address, each sending its next request as soon
 * as the answer to the last came, against a server it saturates (answers come about one
 * cycle later: FLOOD_CONNS requests outstanding at all times), together <rate> requests/s.
 * A single connection at that rate would be a busy client (rules/schema.md, abuse.rate). */
static int add_flood(struct gen *g, double start_s, double end_s, uint32_t budget, double rate)
{
    uint32_t first = g->ncl;
    for (uint32_t k = 0; k < FLOOD_CONNS; k++) {
        int rc = add_client(g, IG_ROLE_FLOOD, start_s, end_s,
                            budget / FLOOD_CONNS + (k < budget % FLOOD_CONNS), rate / FLOOD_CONNS,
                            false);
        if (rc != IG_OK)
            return rc;
        if (k) {   /* the same client: its address and identity, counted once */
            struct gen_client *c = &g->cl[g->ncl - 1], *p = &g->cl[first];
            c->sibling_of = first + 1;
            c->ip = p->ip;
            memcpy(c->ipstr, p->ipstr, sizeof c->ipstr);
            memcpy(c->bearer, p->bearer, sizeof c->bearer);
            memcpy(c->xfcc, p->xfcc, sizeof c->xfcc);
            g->nattack--;
            g->st->clients[IG_ROLE_FLOOD]--;
        }
    }
    return IG_OK;
}

/* Attack clients of a scenario, on top of its benign clients. */
static int plan(struct gen *g, char *err, size_t errlen)
{
    const struct ig_gen_opts *o = g->o;
    const char *s = o->scenario;
    double dur = o->duration_s;
    int rc = IG_OK;

    if (strcmp(s, "demo") == 0) {
        /* The README's first capture: 6 people, one uniform-random extractor at a steady
         * 2/s, a flood of 20/s for 40 s, one boundary walker; input drift at half time
         * unless --drift says otherwise. */
        for (uint32_t i = 0; i < 6 && rc == IG_OK; i++)
            rc = add_client(g, IG_ROLE_BENIGN, 0, dur, UNLIMITED, 0.8, true);
        if (rc == IG_OK)
            rc = add_client(g, IG_ROLE_EXTRACT_TRAMER, dur * 0.2, dur, 400, 2.0, false);
        if (rc == IG_OK)
            rc = add_flood(g, dur * 2 / 3, dur * 2 / 3 + 40, 800, 20.0);
        if (rc == IG_OK)
            rc = add_client(g, IG_ROLE_EVASION, dur / 3, dur, 310, 2.0, false);
        return rc;
    }

    bool ex = strcmp(s, "extraction") == 0, ev = strcmp(s, "evasion") == 0;
    bool lk = strcmp(s, "leakage") == 0, fl = strcmp(s, "flood") == 0;
    bool mx = strcmp(s, "mixed") == 0, bn = strcmp(s, "benign") == 0;
    if (!(ex || ev || lk || fl || mx || bn)) {
        snprintf(err, errlen, "unknown scenario '%s' (demo, benign, extraction, evasion, "
                              "leakage, flood, mixed)", s);
        return IG_ECONF;
    }
    uint32_t per = o->requests / o->clients;
    uint32_t extra = o->requests % o->clients;
    for (uint32_t i = 0; i < o->clients && rc == IG_OK; i++) {
        uint32_t b = per + (i < extra ? 1 : 0);
        if (b)
            rc = add_client(g, IG_ROLE_BENIGN, 0, dur, b, b / dur / (o->pipeline ? 2.0 : 1.0),
                            true);
    }
    double a0 = dur * 0.2;
    if (rc == IG_OK && (ex || mx))
        rc = add_client(g, IG_ROLE_EXTRACT_TRAMER, a0, dur, 400, 2.0, false);
    if (rc == IG_OK && (ex || mx))
        rc = add_client(g, IG_ROLE_EXTRACT_JBDA, a0, dur, 310, 2.0, false);
    if (rc == IG_OK && (ev || mx))
        rc = add_client(g, IG_ROLE_EVASION, a0, dur, 310, 2.0, false);
    if (rc == IG_OK && (lk || mx))
        rc = add_client(g, IG_ROLE_LEAKAGE, a0, dur, 600, 3.0, false);
    if (rc == IG_OK && (fl || mx))
        rc = add_flood(g, a0, a0 + 40, 1000, 25.0);
    return rc;
}

/* ---- one client turn ---- */

static void conv_open(struct gen *g, struct gen_client *c, uint64_t t)
{
    uint32_t src = g->o->proxy ? PROXY_IP : c->ip;
    uint16_t sport = (uint16_t)(20000 + g->conn_seq++ % 40000);
    uint16_t dport = c->proto == IG_GEN_OPENAI ? 8000 : 8080;
    ig_tcpconv_init_v4(&c->conv, g->w, src, sport, SERVER_IP, dport,
                       (uint32_t)ig_rng_next(&c->rng), (uint32_t)ig_rng_next(&c->rng), t);
    if (g->o->chaos)
        c->conv.chaos = (struct ig_tcpchaos){ .seed = c->rng, .reorder_pm = 20, .dup_pm = 20,
                                              .overlap_pm = 10, .retx_pm = 10 };
    ig_tcpconv_handshake(&c->conv);
    c->open = true;
    c->conv_left = 50 + (int32_t)ig_rng_below(&c->rng, 150);
    g->st->connections++;
}

static void conv_close(struct gen_client *c)
{
    if (c->open)
        ig_tcpconv_fin(&c->conv, false);
    c->open = false;
}

static int turn(struct gen *g, struct gen_client *c)
{
    const struct ig_gen_opts *o = g->o;
    uint64_t t = c->next_us;
    uint64_t floor = ig_pcapw_last_ts(g->w) + 10;
    if (t < floor)
        t = floor;   /* one writer, one clock: packets stay in capture order */
    if (c->pending_len) {   /* a flood's late answer; its next request follows at once */
        c->conv.ts_us = t;
        int rc = ig_tcpconv_server_send(&c->conv, c->pending, c->pending_len);
        c->pending_len = 0;
        if (c->conv_left <= 0)
            conv_close(c);
        c->next_us = t + 100 + ig_rng_below(&c->rng, 900);
        return rc ? IG_EIO : IG_OK;
    }
    if (!c->open)
        conv_open(g, c, t);
    else
        c->conv.ts_us = t;

    uint32_t n = o->pipeline ? 1 + ig_rng_below(&c->rng, PIPE_MAX) : 1;
    if (c->budget != UNLIMITED && n > c->budget - c->sent)
        n = c->budget - c->sent;
    size_t rl = 0, sl = 0;
    bool benign = c->role == IG_ROLE_BENIGN;
    for (uint32_t k = 0; k < n; k++) {
        for (uint32_t r = 0; r < o->batch; r++) {
            float *x = g->x + (size_t)r * o->dim;
            enum ig_gen_drift drift = IG_GEN_DRIFT_NONE;
            if (benign && g->drift != IG_GEN_DRIFT_NONE) {
                if (o->drift_rows) {
                    if (g->st->benign_rows >= o->drift_rows) {
                        if (!g->st->drift_at_us) {
                            g->st->drift_at_us = t;
                            g->st->drift_at_row = g->st->benign_rows;
                        }
                        uint64_t since = g->st->benign_rows - o->drift_rows + 1;
                        double share = o->drift_ramp ? (double)since / (double)o->drift_ramp : 1.0;
                        if (share >= 1.0 || ig_rng_unit(&c->rng) < share)
                            drift = g->drift;
                    }
                } else if (g->drift_at && t >= g->drift_at) {
                    if (!g->st->drift_at_row)
                        g->st->drift_at_row = g->st->benign_rows;
                    drift = g->drift;
                }
            }
            if (benign)
                g->st->benign_rows++;
            ig_gen_attack_next(&c->atk, &g->model, &c->rng, drift, x);
            ig_gen_model_predict(&g->model, x, g->probs + (size_t)r * o->classes);
        }
        struct ig_gen_msg m = {
            .proto = c->proto, .model = o->model, .rows = o->batch, .d = o->dim,
            .k = o->classes, .x = g->x, .probs = g->probs,
            .full_precision = c->role == IG_ROLE_LEAKAGE,
            .gzip = o->gzip, .chunked = o->chunked,
            .stream = c->proto == IG_GEN_OPENAI && (ig_rng_next(&c->rng) & 1),
            .id = ++g->next_id, .time_s = t / 1000000u, .host = "127.0.0.1",
            .xff = o->proxy ? c->ipstr : NULL,
            .bearer = o->proxy ? c->bearer : NULL,
            .xfcc = o->proxy ? c->xfcc : NULL,
            .prompt_seed = (uint32_t)ig_rng_next(&c->rng),
        };
        size_t a = ig_gen_http_request(g->http, &m, g->req + rl, g->bufcap - rl);
        size_t b = ig_gen_http_response(g->http, &m, g->resp + sl, g->bufcap - sl);
        if (!a || !b)
            return IG_ELIMIT;
        rl += a;
        sl += b;
        g->st->rows += o->batch;
    }
    int rc = ig_tcpconv_client_send(&c->conv, g->req, rl);
    bool late = c->role == IG_ROLE_FLOOD;
    if (late) {   /* answered about one cycle of this connection later */
        if (!c->pending && !(c->pending = malloc(g->bufcap)))
            return IG_ENOMEM;
        memcpy(c->pending, g->resp, sl);
        c->pending_len = sl;
    } else {
        ig_tcpconv_wait(&c->conv, 200 + ig_rng_below(&c->rng, 1000));   /* model latency */
        rc |= ig_tcpconv_server_send(&c->conv, g->resp, sl);
    }

    if (!c->sent)
        c->first_us = t;
    c->last_us = t;
    c->sent += n;
    g->st->requests += n;
    g->st->responses += n;
    g->st->role_requests[c->role] += n;
    c->conv_left -= (int32_t)n;
    if (c->conv_left <= 0 && !late)
        conv_close(c);
    c->next_us = late ? t + next_gap(c) : c->next_us + next_gap(c);
    return rc ? IG_EIO : IG_OK;
}

static bool client_done(const struct gen_client *c)
{
    return !c->pending_len &&
           ((c->budget != UNLIMITED && c->sent >= c->budget) || c->next_us >= c->end_us);
}

static int validate(const struct ig_gen_opts *o, char *err, size_t errlen)
{
    if (o->dim < 1 || o->dim > 65536 || o->classes < 2 || o->classes > 256 ||
        o->batch < 1 || o->batch > 1024 || o->duration_s < 1 ||
        (o->clients < 1 && strcmp(o->scenario, "demo") != 0) || o->clients > 1000000) {
        snprintf(err, errlen, "options out of range (dim 1..65536, classes 2..256, batch "
                              "1..1024, clients 1..1000000, duration >= 1 s)");
        return IG_ECONF;
    }
    if ((unsigned)o->protocol >= IG_GEN_PROTO__COUNT) {
        snprintf(err, errlen, "unknown protocol");
        return IG_ECONF;
    }
    if ((unsigned)o->drift >= IG_GEN_DRIFT__COUNT || !(o->drift_at >= 0 && o->drift_at < 1)) {
        snprintf(err, errlen, "unknown drift kind, or drift time not in [0, 1)");
        return IG_ECONF;
    }
    return IG_OK;
}

static void list_clients(struct gen *g)
{
    struct ig_gen_stats *st = g->st;
    uint32_t at[IG_GEN_MAX_CLIENTS_LISTED];   /* listed entry of cl[i], for its siblings */
    st->nlisted = 0;
    for (uint32_t i = 0; i < g->ncl; i++) {
        const struct gen_client *c = &g->cl[i];
        if (c->sibling_of) {   /* another connection of a listed client: fold it in */
            uint32_t p = c->sibling_of - 1;
            if (p >= IG_GEN_MAX_CLIENTS_LISTED || at[p] == UNLIMITED)
                continue;
            struct ig_gen_client_info *ci = &st->listed[at[p]];
            ci->requests += c->sent;
            if (c->sent && (!ci->first_us || c->first_us < ci->first_us))
                ci->first_us = c->first_us;
            if (c->last_us > ci->last_us)
                ci->last_us = c->last_us;
            continue;
        }
        if (i < IG_GEN_MAX_CLIENTS_LISTED)
            at[i] = UNLIMITED;
        if (st->nlisted == IG_GEN_MAX_CLIENTS_LISTED)
            continue;
        if (i < IG_GEN_MAX_CLIENTS_LISTED)
            at[i] = st->nlisted;
        struct ig_gen_client_info *ci = &st->listed[st->nlisted++];
        ci->role = c->role;
        memcpy(ci->ip, c->ipstr, sizeof(ci->ip));
        snprintf(ci->identity, sizeof(ci->identity), "%s", c->bearer);
        ci->requests = c->sent;
        ci->first_us = c->first_us;
        ci->last_us = c->last_us;
    }
}

int ig_gen_run(const struct ig_gen_opts *o, const char *path, struct ig_gen_stats *st,
               char *err, size_t errlen)
{
    struct gen g = { .o = o, .st = st, .rng = o->seed * 0x9e3779b97f4a7c15ull + 1 };
    int rc = validate(o, err, errlen);
    if (rc != IG_OK)
        return rc;
    memset(st, 0, sizeof(*st));
    g.cap = o->clients + 16 + FLOOD_CONNS;
    g.cl = calloc(g.cap, sizeof(*g.cl));
    g.heap = calloc(g.cap, sizeof(*g.heap));
    g.x = calloc((size_t)o->batch * o->dim, sizeof(float));
    g.probs = calloc((size_t)o->batch * o->classes, sizeof(float));
    g.bufcap = PIPE_MAX * ig_gen_http_max(o->batch, o->dim, o->classes);
    g.req = malloc(g.bufcap);
    g.resp = malloc(g.bufcap);
    g.http = ig_gen_http_new(o->batch, o->dim, o->classes);
    if (!g.cl || !g.heap || !g.x || !g.probs || !g.req || !g.resp || !g.http ||
        ig_gen_model_init(&g.model, o->dim, o->classes, o->model_seed ? o->model_seed : o->seed) != IG_OK) {
        snprintf(err, errlen, "out of memory for %u clients of dimension %u", o->clients, o->dim);
        rc = IG_ENOMEM;
        goto out;
    }
    g.w = ig_pcapw_open(path, o->linktype);
    if (!g.w) {
        snprintf(err, errlen, "cannot create %s", path);
        rc = IG_EIO;
        goto out;
    }
    rc = plan(&g, err, errlen);
    if (rc != IG_OK) {
        if (rc != IG_ECONF)
            snprintf(err, errlen, "cannot set up scenario '%s'", o->scenario);
        goto out;
    }
    /* The demo drifts by default; other scenarios only when asked. */
    g.drift = o->drift != IG_GEN_DRIFT_DEFAULT ? o->drift
              : strcmp(o->scenario, "demo") == 0 ? IG_GEN_DRIFT_MEAN : IG_GEN_DRIFT_NONE;
    if (g.drift != IG_GEN_DRIFT_NONE && !o->drift_rows)
        g.drift_at = START_US + (uint64_t)(o->drift_at * o->duration_s * 1e6);
    st->start_us = START_US;
    st->drift_at_us = g.drift_at;   /* by rows: set when the row is written */
    st->drift = g.drift;

    while (g.nheap) {
        uint32_t ci = g.heap[0];
        struct gen_client *c = &g.cl[ci];
        rc = turn(&g, c);
        if (rc != IG_OK) {
            snprintf(err, errlen, "writing %s failed", path);
            goto out;
        }
        if (client_done(c)) {
            conv_close(c);
            g.heap[0] = g.heap[--g.nheap];
        }
        heap_sift_down(&g, 0);
    }
    st->end_us = ig_pcapw_last_ts(g.w);
    list_clients(&g);
out:
    if (g.w) {
        st->packets = ig_pcapw_packets(g.w);
        st->bytes = ig_pcapw_bytes(g.w);
        if (ig_pcapw_close(g.w) != 0 && rc == IG_OK) {
            snprintf(err, errlen, "writing %s failed", path);
            rc = IG_EIO;
        }
    }
    for (uint32_t i = 0; i < g.ncl; i++) {
        ig_gen_attack_free(&g.cl[i].atk);
        free(g.cl[i].pending);
    }
    ig_gen_model_free(&g.model);
    ig_gen_http_free(g.http);
    free(g.cl);
    free(g.heap);
    free(g.x);
    free(g.probs);
    free(g.req);
    free(g.resp);
    return rc;
}

void ig_gen_stats_json(const struct ig_gen_stats *st, const struct ig_gen_opts *o, void *file)
{
    FILE *f = file;
    fprintf(f, "{\"scenario\":\"%s\",\"seed\":%llu,\"protocol\":\"%s\",\"dim\":%u,"
               "\"classes\":%u,\"batch\":%u,\"proxy\":%s,\"model\":\"%s\","
               "\"requests\":%llu,\"rows\":%llu,\"packets\":%llu,\"bytes\":%llu,"
               "\"connections\":%llu,\"start_us\":%llu,\"end_us\":%llu,\"drift_at_us\":%llu,"
               "\"drift_at_row\":%llu,\"drift_ramp_rows\":%llu,\"benign_rows\":%llu,"
               "\"drift\":\"%s\",\"clients\":{",
            o->scenario, (unsigned long long)o->seed, ig_gen_proto_name(o->protocol), o->dim,
            o->classes, o->batch, o->proxy ? "true" : "false", o->model,
            (unsigned long long)st->requests, (unsigned long long)st->rows,
            (unsigned long long)st->packets, (unsigned long long)st->bytes,
            (unsigned long long)st->connections, (unsigned long long)st->start_us,
            (unsigned long long)st->end_us, (unsigned long long)st->drift_at_us,
            (unsigned long long)st->drift_at_row, (unsigned long long)o->drift_ramp,
            (unsigned long long)st->benign_rows, ig_gen_drift_name(st->drift));
    for (int r = 0; r < IG_ROLE__COUNT; r++)
        fprintf(f, "%s\"%s\":%u", r ? "," : "", ig_gen_role_name((enum ig_gen_role)r),
                st->clients[r]);
    fprintf(f, "},\"role_requests\":{");
    for (int r = 0; r < IG_ROLE__COUNT; r++)
        fprintf(f, "%s\"%s\":%llu", r ? "," : "", ig_gen_role_name((enum ig_gen_role)r),
                (unsigned long long)st->role_requests[r]);
    fprintf(f, "},\"listed\":[");
    for (uint32_t i = 0; i < st->nlisted; i++) {
        const struct ig_gen_client_info *c = &st->listed[i];
        fprintf(f, "%s{\"role\":\"%s\",\"ip\":\"%s\",\"identity\":\"%s\",\"requests\":%u,"
                   "\"first_us\":%llu,\"last_us\":%llu}",
                i ? "," : "", ig_gen_role_name(c->role), c->ip, c->identity, c->requests,
                (unsigned long long)c->first_us, (unsigned long long)c->last_us);
    }
    fprintf(f, "]}\n");
}
