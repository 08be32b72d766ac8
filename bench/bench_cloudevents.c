/* bench_cloudevents: mirror ingest speed with every shipped detector on.
 * Synthetic OIP v2 traffic (d = 64, 4 classes, 64 clients told apart by bearer tokens in
 * ce-metadata, one of them querying uniformly at random) is sent as KServe's agent sends it
 * (binary CloudEvents, one HTTP POST per request and per response) over loopback to the
 * endpoint of `run --cloudevents` (sidecar/mirror), which pairs, decodes and runs the
 * detectors on its own thread. Several client threads each keep one connection and wait
 * for each answer, as the agent's workers do.
 * Figures: CloudEvents/s and pairs/s end to end, pairs per CPU-second of the ingest thread,
 * and as the peer the same transactions handed straight to the pipeline (no HTTP, no
 * CloudEvents parsing): the detection floor the ingest adds to.
 * Usage: bench_cloudevents [PAIRS (default 40000)] [CONNECTIONS (default 4)] */
#include <arpa/inet.h>
#include <event2/event.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <inferguard/http.h>
#include <inferguard/rules.h>
#include "mirror/cloudevents.h"
#include "pipeline/pipeline.h"

#define D 64
#define K 4
#define CLIENTS 64

struct msg { char *p; size_t n; };
struct pair_msgs { struct msg req, resp; char *req_body, *resp_body; char auth[48]; uint64_t t_us; };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static double urand(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}
static double nrand(void)
{
    double u = urand() + 1e-12, v = urand();
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static char *fmt_time(uint64_t us, char *buf, size_t n)
{
    time_t s = (time_t)(us / 1000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + k, n - k, ".%06uZ", (unsigned)(us % 1000000u));
    return buf;
}

static struct msg http_ce(unsigned id, int response, uint64_t t_us, const char *auth, const char *body)
{
    char tb[40];
    size_t cap = strlen(body) + 1024;
    struct msg m = { malloc(cap), 0 };
    m.n = (size_t)snprintf(m.p, cap,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nce-specversion: 1.0\r\nce-id: %u\r\n"
        "ce-type: org.kubeflow.serving.inference.%s\r\nce-source: http://localhost:9081/\r\n"
        "ce-time: %s\r\nce-inferenceservicename: bench\r\nce-namespace: default\r\n"
        "ce-component: predictor\r\nce-endpoint: default\r\n"
        "ce-metadata: {\"Authorization\":[\"%s\"]}\r\nContent-Type: application/json\r\n"
        "Content-Length: %zu\r\n\r\n%s",
        id, response ? "response" : "request", fmt_time(t_us, tb, sizeof tb), auth, strlen(body), body);
    return m;
}

static void build(struct pair_msgs *pm, unsigned n)
{
    static double cent[K][D];
    for (int k = 0; k < K; k++)
        for (int j = 0; j < D; j++)
            cent[k][j] = 0.2 + 0.6 * urand();
    uint64_t t = 1767225600000000ull;
    for (unsigned i = 0; i < n; i++) {
        unsigned c = (unsigned)(urand() * CLIENTS);
        double x[D];
        int y = (int)(urand() * K);
        for (int j = 0; j < D; j++)
            x[j] = c == 0 ? urand() : cent[y][j] + 0.08 * nrand();
        double p[K], z = 0;
        for (int k = 0; k < K; k++) {
            double d2 = 0;
            for (int j = 0; j < D; j++)
                d2 += (x[j] - cent[k][j]) * (x[j] - cent[k][j]);
            p[k] = exp(-d2 / (0.02 * D));
            z += p[k];
        }
        char *rb = malloc(2048), *sb = malloc(512);
        size_t o = (size_t)snprintf(rb, 2048, "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,%d],\"datatype\":\"FP32\",\"data\":[", D);
        for (int j = 0; j < D; j++)
            o += (size_t)snprintf(rb + o, 2048 - o, "%s%.4f", j ? "," : "", x[j]);
        snprintf(rb + o, 2048 - o, "]}]}");
        o = (size_t)snprintf(sb, 512, "{\"model_name\":\"bench\",\"outputs\":[{\"name\":\"p\",\"shape\":[1,%d],\"datatype\":\"FP32\",\"data\":[", K);
        for (int k = 0; k < K; k++)
            o += (size_t)snprintf(sb + o, 512 - o, "%s%.4f", k ? "," : "", p[k] / z);
        snprintf(sb + o, 512 - o, "]}]}");
        t += 200 + (uint64_t)(urand() * 600);   /* ~2,500 requests per capture second */
        snprintf(pm[i].auth, sizeof pm[i].auth, "Bearer igk_bench_%02u", c);
        pm[i].req = http_ce(i, 0, t, pm[i].auth, rb);
        pm[i].resp = http_ce(i, 1, t + 1500, pm[i].auth, sb);
        pm[i].req_body = rb;
        pm[i].resp_body = sb;
        pm[i].t_us = t;
    }
}

static void on_txn(void *ctx, const struct ig_http_txn *t) { ig_pipeline_txn(ctx, t); }

static _Atomic unsigned clients_done;

/* The ingest runs on the main thread (detectors keep per-thread buffers for the process's
 * life); this timer ends the loop once every client is done. */
static void on_check(evutil_socket_t fd, short what, void *arg)
{
    (void)fd; (void)what;
    unsigned *want = arg;
    if (clients_done == want[0])
        want[1] = 1;
}

struct client { int port; struct pair_msgs *pm; unsigned from, to; unsigned ok; };

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one HTTP response (headers and Content-Length body); returns its status. */
static int read_reply(int fd, char *buf, size_t cap, size_t *have)
{
    for (;;) {
        buf[*have] = '\0';
        char *e = strstr(buf, "\r\n\r\n");
        if (e) {
            size_t hlen = (size_t)(e + 4 - buf), blen = 0;
            char *cl = strcasestr(buf, "content-length:");
            if (cl && cl < e)
                blen = strtoul(cl + 15, NULL, 10);
            if (*have >= hlen + blen) {
                int status = atoi(buf + 9);
                memmove(buf, buf + hlen + blen, *have - hlen - blen);
                *have -= hlen + blen;
                return status;
            }
        }
        if (*have + 1 >= cap)
            return -1;
        ssize_t r = recv(fd, buf + *have, cap - 1 - *have, 0);
        if (r <= 0)
            return -1;
        *have += (size_t)r;
    }
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)c->port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        return NULL;
    static __thread char buf[65536];
    size_t have = 0;
    for (unsigned i = c->from; i < c->to; i++) {
        const struct msg *m[2] = { &c->pm[i].req, &c->pm[i].resp };
        for (int k = 0; k < 2; k++) {
            if (send_all(fd, m[k]->p, m[k]->n) < 0 || read_reply(fd, buf, sizeof buf, &have) != 200)
                goto out;
            c->ok++;
        }
    }
out:
    close(fd);
    clients_done++;
    return NULL;
}

static struct ig_pipeline *new_pipeline(struct ig_config *cfg, struct ig_rules *rules)
{
    char err[512];
    struct ig_pipeline *p = ig_pipeline_new(cfg, rules, err, sizeof err);
    if (!p) {
        fprintf(stderr, "bench_cloudevents: %s\n", err);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    const char *quick = getenv("IG_BENCH_QUICK");
    bool q = quick && *quick && strcmp(quick, "0");
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : q ? 2000 : 40000;
    unsigned conns = argc > 2 ? (unsigned)atoi(argv[2]) : 4;
    if (conns < 1 || conns > 64)
        conns = 4;
    static struct ig_config cfg;
    ig_config_defaults(&cfg);
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "/dev/null");
    cfg.rules_cache_dir[0] = '\0';
    if (!getenv("INFERGUARD_ID_SECRET"))
        snprintf(cfg.identity_secret, sizeof cfg.identity_secret, "bench");
    char err[512];
    struct ig_rules *rules = NULL;
    if (ig_rules_load_embedded(&rules, err, sizeof err) < 0) {
        fprintf(stderr, "bench_cloudevents: rules: %s\n", err);
        return 1;
    }
    struct pair_msgs *pm = calloc(n, sizeof *pm);
    build(pm, n);

    /* Peer: the same transactions straight into a pipeline. */
    struct ig_pipeline *p0 = new_pipeline(&cfg, rules);
    struct ig_http_header h[2] = { { IG_SPAN_STR("authorization"), { 0 } }, { IG_SPAN_STR("content-type"), IG_SPAN_STR("application/json") } };
    struct ig_http_header rh[1] = { { IG_SPAN_STR("content-type"), IG_SPAN_STR("application/json") } };
    char path[] = "/v2/models/bench/infer";
    double t0 = now_s(), c0 = thread_cpu_s();
    for (unsigned i = 0; i < n; i++) {
        struct ig_http_txn t = { 0 };
        t.client = (struct ig_endpoint){ 4, { 127, 0, 0, 1 }, 0 };
        t.req_time_us = pm[i].t_us;
        t.resp_time_us = pm[i].t_us + 1500;
        t.method = IG_SPAN_STR("POST");
        t.uri = t.path = (struct ig_span){ (const uint8_t *)path, sizeof path - 1 };
        h[0].value = (struct ig_span){ (const uint8_t *)pm[i].auth, strlen(pm[i].auth) };
        t.req_headers = h;
        t.n_req_headers = 2;
        t.req_body = (struct ig_span){ (const uint8_t *)pm[i].req_body, strlen(pm[i].req_body) };
        t.status = 200;
        t.resp_headers = rh;
        t.n_resp_headers = 1;
        t.resp_body = (struct ig_span){ (const uint8_t *)pm[i].resp_body, strlen(pm[i].resp_body) };
        ig_pipeline_txn(p0, &t);
    }
    double direct_s = now_s() - t0, direct_cpu = thread_cpu_s() - c0;
    uint64_t direct_events = ig_pipeline_events(p0), direct_findings = ig_pipeline_findings(p0);
    ig_pipeline_finish(p0);
    ig_pipeline_free(p0);

    /* Over HTTP, through the CloudEvents endpoint. */
    struct { struct event_base *base; struct ig_pipeline *p; struct ig_ce_server *ce; double cpu_s; } s = { 0 };
    s.p = new_pipeline(&cfg, rules);
    s.base = event_base_new();
    if (ig_ce_server_start(s.base, "127.0.0.1:0", &cfg, on_txn, s.p, &s.ce, err, sizeof err) < 0) {
        fprintf(stderr, "bench_cloudevents: %s\n", err);
        return 1;
    }
    int port = atoi(strrchr(ig_ce_server_address(s.ce), ':') + 1);
    struct client *cl = calloc(conns, sizeof *cl);
    pthread_t *ct = calloc(conns, sizeof *ct);
    unsigned want[2] = { conns, 0 };
    struct event *check = event_new(s.base, -1, EV_PERSIST, on_check, want);
    struct timeval ms10 = { 0, 10000 };
    event_add(check, &ms10);
    t0 = now_s();
    c0 = thread_cpu_s();
    for (unsigned k = 0; k < conns; k++) {
        cl[k] = (struct client){ port, pm, n * k / conns, n * (k + 1) / conns, 0 };
        pthread_create(&ct[k], NULL, client_main, &cl[k]);
    }
    while (!want[1])
        event_base_loop(s.base, EVLOOP_ONCE);
    s.cpu_s = thread_cpu_s() - c0;
    double http_s = now_s() - t0;
    unsigned ok = 0;
    for (unsigned k = 0; k < conns; k++) {
        pthread_join(ct[k], NULL);
        ok += cl[k].ok;
    }
    event_free(check);
    uint64_t events = ig_pipeline_events(s.p), findings = ig_pipeline_findings(s.p);
    const struct ig_ce_stats *cs = ig_ce_server_stats(s.ce);
    if (ok != 2 * n || cs->paired != n) {
        fprintf(stderr, "bench_cloudevents: %u of %u answered 200, %llu paired\n", ok, 2 * n,
                (unsigned long long)cs->paired);
        return 1;
    }
    fprintf(stderr, "bench_cloudevents: %u pairs over %u connections in %.3f s: %.0f CloudEvents/s, %.0f pairs/s; "
                    "ingest thread %.3f CPU-s (%.0f pairs/CPU-s); direct %.3f s (%.0f pairs/s); "
                    "events %llu/%llu, findings %llu/%llu\n",
            n, conns, http_s, 2 * n / http_s, n / http_s, s.cpu_s, n / s.cpu_s, direct_s, n / direct_s,
            (unsigned long long)events, (unsigned long long)direct_events,
            (unsigned long long)findings, (unsigned long long)direct_findings);
    printf("RESULT metric=cloudevents_ingested value=%.0f unit=CloudEvents/s better=higher\n", 2 * n / http_s);
    printf("RESULT metric=cloudevents_pairs value=%.0f unit=pairs/s peer=pipeline_direct peer_value=%.0f better=higher\n",
           n / http_s, n / direct_s);
    printf("RESULT metric=cloudevents_pairs_per_cpu value=%.0f unit=pairs/CPU-s peer=pipeline_direct peer_value=%.0f better=higher\n",
           n / s.cpu_s, n / direct_cpu);
    ig_ce_server_finish(s.ce);
    ig_pipeline_finish(s.p);
    ig_ce_server_free(s.ce);
    event_base_free(s.base);
    ig_pipeline_free(s.p);
    ig_rules_free(rules);
    for (unsigned i = 0; i < n; i++) {
        free(pm[i].req.p); free(pm[i].resp.p); free(pm[i].req_body); free(pm[i].resp_body);
    }
    free(pm); free(cl); free(ct);
    return 0;
}
