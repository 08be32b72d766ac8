/* inferguard run: the sidecar daemon. Captures live on an interface until SIGINT/SIGTERM,
 * driven by a libevent loop (packets when the capture fd is readable, a one-second timer
 * for idle timeouts and windows, SIGHUP for a rules reload, and the HTTP endpoint of
 * http.listen), then flushes and prints the same summary as analyze. */
#include <event2/event.h>
#include <getopt.h>
#include <inferguard/log.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "cli/cli.h"
#include "fleet/publish.h"
#include "daemon/http_api.h"
#include "daemon/metrics.h"
#include "daemon/privdrop.h"
#include "daemon/reload.h"
#include "findings/suppress.h"
#include "mirror/cloudevents.h"
#include "pipeline/pipeline.h"
#include "pipeline/snapshot.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard run [options]\n"
        "Captures inference traffic live (passive, libpcap) until SIGINT or SIGTERM, writes\n"
        "findings as they are raised, then flushes and prints a summary.\n\n"
        "options:\n"
        "  -i, --interface IFACE capture interface (default: lo; none with --cloudevents alone)\n"
        "  -b, --bpf EXPR        BPF filter (default: capture.bpf, else 'tcp port P or ...' over capture.ports)\n"
        "  -c, --config FILE     YAML configuration\n"
        "  -r, --rules DIR       rules directory\n"
        "  -f, --findings PATH   findings output, '-' = stdout\n"
        "  -e, --events PATH     also write inference events\n"
        "      --reports DIR     drift reports directory\n"
        "      --kafka BROKERS   publish findings to Kafka\n"
        "      --topic NAME      Kafka topic\n"
        "      --events-topic NAME  also publish every inference event (msgpack) to this\n"
        "                        Kafka topic, for `inferguard aggregate` (needs --kafka)\n"
        "      --workers N       1-16 threads (parsing | detection | model-side lane |\n"
        "                        N-3 client lanes;\n"
        "                        default: detection.workers)\n"
        "      --parse-shards N  1-8 threads parsing flows, each owning the flows of its\n"
        "                        address pairs (default: flow.parse_shards)\n"
        "  -l, --listen ADDR     HTTP endpoint HOST:PORT for /healthz /readyz /metrics /reports\n"
        "                        (default: http.listen; empty = off)\n"
        "      --cloudevents [HOST:]PORT  receive KServe payload-logger CloudEvents (no capture\n"
        "                        privileges needed; beside -i or alone; default: ingest.cloudevents.listen)\n"
        "  -u, --user UID[:GID]  switch to this user once the capture is open (default: run.user);\n"
        "                        every capability is dropped, no_new_privs and a seccomp\n"
        "                        allow-list are set (run.seccomp: on|log|off)\n"
        "  -q, --quiet / -v, --verbose / -h, --help\n\n"
        "signals: SIGINT/SIGTERM flush and stop; SIGHUP reloads the rules directory and the\n"
        "config file's findings.suppress list (invalid ones are refused and the running ones\n"
        "kept; changed rules restart per-client state, unchanged rules keep it); a change of\n"
        "the config file (a ConfigMap update) does the same within a second\n"
        "exit codes: 0 ok, 1 runtime failure, 2 usage, 3 configuration or rules, 4 interface\n");
}

struct run_state {
    struct event_base *base;
    struct ig_capture *cap;
    struct ig_pipeline *p;
    struct ig_config *cfg;          /* findings.suppress follows a reload (the summary names it) */
    const char *config_path;        /* -c FILE: read again for findings.suppress at SIGHUP */
    struct stat config_seen;        /* the file as last read (a change reloads as SIGHUP does) */
    bool config_known;
    struct ig_rules *rules_first;   /* the findings stage keeps these to the end */
    struct ig_rules *rules_now;     /* the engine's: rules_first or the last reload's */
    struct ig_daemon_stats stats;
    struct ig_pipeline_snapshot *snap;   /* one buffer, reused by every /metrics */
    uint64_t last_pkt_us;
    bool drained;                   /* the capture said "nothing more" after its last packet */
    bool failed;
    struct ig_ce_server *ce;        /* --cloudevents, or NULL */
    struct ig_fleet_pub *pub;       /* --events-topic, or NULL */
};

static uint64_t wall_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    (void)fd; (void)what;
    struct run_state *s = arg;
    struct ig_packet pkt;
    /* Bounded batch so timers and signals stay responsive under load. */
    for (int i = 0; i < 4096; i++) {
        int rc = ig_capture_next(s->cap, &pkt);
        if (rc == IG_OK) {
            s->last_pkt_us = pkt.ts_us;
            s->drained = false;
            ig_pipeline_packet(s->p, &pkt);
        } else if (rc == IG_AGAIN) {
            s->drained = true;
            return;
        } else {
            fprintf(stderr, "inferguard run: capture failed; stopping\n");
            s->failed = true;
            event_base_loopbreak(s->base);
            return;
        }
    }
}

static void on_reload(evutil_socket_t sig, short what, void *arg);

/* True when the configuration file is another than the one last read (its inode, size or
 * modification time): a ConfigMap update swaps the mounted file for a new one. Remembers it. */
static bool config_changed(struct run_state *s)
{
    struct stat st;
    if (!s->config_path || stat(s->config_path, &st) != 0)
        return false;   /* gone for now (being replaced): the next tick looks again */
    bool changed = s->config_known &&
                   (st.st_ino != s->config_seen.st_ino || st.st_size != s->config_seen.st_size ||
                    st.st_mtim.tv_sec != s->config_seen.st_mtim.tv_sec ||
                    st.st_mtim.tv_nsec != s->config_seen.st_mtim.tv_nsec);
    s->config_seen = st;
    s->config_known = true;
    return changed;
}

/* Once a second: a changed configuration file reloads as SIGHUP does; live capture: when no
 * packet arrives, time still passes for timeouts and windows. */
static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd; (void)what;
    struct run_state *s = arg;
    if (config_changed(s)) {
        IG_LOG_INFO("reload", "%s changed: reading it and the rules again (as at SIGHUP)", s->config_path);
        on_reload(0, 0, s);
    }
    uint64_t now = wall_us();
    if (s->ce) {
        ig_ce_server_tick(s->ce, now);
        /* mirror only: time is the events' own (ce-time) */
        if (!s->cap && !ig_ce_server_clock(s->ce, now, &now))
            return;
    }
    if (s->cap)
        ig_pipeline_note_kernel_drops(s->p, ig_capture_stats(s->cap)->kernel_drops);
    ig_fleet_pub_poll(s->pub);
    if (s->cap)
        now += ig_pipeline_clock_offset(s->p);   /* on the packets' clock after a step back */
    ig_pipeline_tick(s->p, now);
}

/* The pipeline ticked at <now_us>: the events topic's watermark moves there, unless the
 * capture still holds packets (a timer tick under load runs ahead of them: their events,
 * published later, would fall behind the watermark): then only to the last packet read. */
static void on_tick(void *ctx, uint64_t now_us)
{
    struct run_state *s = ctx;
    if (s->cap && !s->drained && s->last_pkt_us) {
        uint64_t pkt_us = s->last_pkt_us + ig_pipeline_clock_offset(s->p);
        if (pkt_us < now_us)
            now_us = pkt_us;
    }
    ig_fleet_pub_position(s->pub, now_us);
}

static void on_ce_txn(void *ctx, const struct ig_http_txn *t)
{
    ig_pipeline_txn(((struct run_state *)ctx)->p, t);
}

/* SIGHUP: the rules directory and the configuration file's findings.suppress list are
 * checked in full before anything running is touched; an invalid set is refused with one
 * error line and the running rules and list stay. Rules whose content did not change keep
 * the running engine and every detector's state (a new suppression is no reason to forget
 * a client in the middle of an extraction). */
static void on_reload(evutil_socket_t sig, short what, void *arg)
{
    (void)sig; (void)what;
    struct run_state *s = arg;
    char err[512];
    struct ig_rules *r = NULL;
    struct ig_suppressor *sup = NULL;
    const char *dir = s->cfg->rules_dir;
    if (ig_daemon_rules_load(dir, &r, err, sizeof err) < 0)
        goto refused;
    if (s->config_path && !(sup = ig_suppressor_reread(s->config_path, err, sizeof err)))
        goto refused;
    bool same = strcmp(ig_rules_sha256(r), ig_rules_sha256(s->rules_now)) == 0 &&
                strcmp(ig_rules_origin(r), ig_rules_origin(s->rules_now)) == 0;
    if (same) {
        ig_rules_free(r);
        r = NULL;
    } else if (ig_pipeline_reload(s->p, r, err, sizeof err) < 0) {
        goto refused;
    }
    if (sup) {
        ig_suppressor_to_config(sup, s->cfg);
        IG_LOG_INFO("reload", "findings.suppress read again from %s: %u entries", s->config_path,
                    (unsigned)sup->n);
        ig_pipeline_replace_suppress(s->p, sup);   /* the pipeline's from now on */
    }
    s->stats.reloads++;
    s->stats.last_reload_s = wall_us() / 1000000u;
    if (same) {
        IG_LOG_INFO("reload", "rules unchanged (sha256 %.16s): the running engine and its detector "
                    "state kept (reload %llu)", ig_rules_sha256(s->rules_now),
                    (unsigned long long)s->stats.reloads);
        return;
    }
    /* The replaced engine is gone: nothing but the findings stage can hold old rules. */
    if (s->rules_now != s->rules_first)
        ig_rules_free(s->rules_now);
    s->rules_now = r;
    IG_LOG_INFO("reload", "rules reloaded from %s, sha256 %.16s (reload %llu); per-client detector "
                "state starts afresh", ig_rules_origin(r), ig_rules_sha256(r),
                (unsigned long long)s->stats.reloads);
    return;
refused:
    ig_rules_free(r);
    free(sup);
    s->stats.reload_failures++;
    IG_LOG_ERROR("reload", "rules not reloaded, running rules and findings.suppress kept: %s", err);
}

static bool api_ready(void *ctx)
{
    struct run_state *s = ctx;
    return s->stats.ready && !s->failed;
}

static void api_ready_detail(void *ctx, char *out, size_t cap)
{
    ig_pipeline_load_text(((struct run_state *)ctx)->p, out, cap);
}

static int api_metrics(void *ctx, struct evbuffer *out)
{
    struct run_state *s = ctx;
    ig_pipeline_snapshot(s->p, s->snap);
    /* The capture layer's counters are added to the pipeline only at the end: here, live. */
    if (s->cap) {
        const struct ig_decode_stats *c = ig_capture_stats(s->cap);
        uint64_t *dst = (uint64_t *)&s->snap->capture;
        const uint64_t *src = (const uint64_t *)c;
        for (size_t i = 0; i < sizeof *c / sizeof(uint64_t); i++)
            dst[i] += src[i];
    }
    if (ig_metrics_render(s->snap, &s->stats, out) < 0)
        return -1;
    return s->ce ? ig_ce_server_metrics(s->ce, out) : 0;
}

static void api_counted(void *ctx)
{
    ((struct run_state *)ctx)->stats.http_requests++;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    struct run_state *s = arg;
    fprintf(stderr, "inferguard run: %s received, flushing\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    event_base_loopbreak(s->base);
}

/* "tcp port 80 or tcp port 8000 ..." from capture.ports. */
static void default_bpf(const struct ig_config *cfg, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < cfg->n_model_ports && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%stcp port %u", i ? " or " : "", cfg->model_ports[i]);
}

int ig_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        IG_CLI_COMMON_OPTIONS,
        { "interface", required_argument, 0, 'i' }, { "bpf", required_argument, 0, 'b' },
        { "listen", required_argument, 0, 'l' }, { "cloudevents", required_argument, 0, 'C' },
        { "user", required_argument, 0, 'u' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct ig_cli_common o = { 0 };
    const char *iface = NULL, *bpf = NULL, *listen = NULL, *ce_listen = NULL, *user = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:b:l:u:h" IG_CLI_COMMON_SHORT, opts, NULL)) != -1) {
        int taken = ig_cli_common_opt(&o, c, optarg, "inferguard run");
        if (taken < 0)
            return IG_EXIT_USAGE;
        if (taken)
            continue;
        switch (c) {
        case 'i': iface = optarg; break;
        case 'b': bpf = optarg; break;
        case 'l': listen = optarg; break;
        case 'C': ce_listen = optarg; break;
        case 'u': user = optarg; break;
        case 'h': usage(stdout); return IG_EXIT_OK;
        default: usage(stderr); return IG_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "inferguard run: unexpected argument '%s' (try --help)\n", argv[optind]);
        return IG_EXIT_USAGE;
    }

    static struct ig_config cfg;
    struct ig_rules *rules;
    int rc = ig_cli_load(&o, "inferguard run", &cfg, &rules);
    if (rc)
        return rc;
    if (listen)
        snprintf(cfg.http_listen, sizeof cfg.http_listen, "%s", listen);
    if (ce_listen)
        snprintf(cfg.ce_listen, sizeof cfg.ce_listen, "%s", ce_listen);
    /* Mirror ingest alone opens no capture (and needs no capability); -i adds it. */
    if (!iface && !cfg.ce_listen[0])
        iface = "lo";
    if (user)
        snprintf(cfg.run_user, sizeof cfg.run_user, "%s", user);
    char filter[IG_CONFIG_PATH_MAX];
    if (bpf)
        snprintf(filter, sizeof filter, "%s", bpf);
    else if (cfg.capture_bpf[0])
        snprintf(filter, sizeof filter, "%s", cfg.capture_bpf);
    else
        default_bpf(&cfg, filter, sizeof filter);

    char err[512];
    struct run_state s = { 0 };
    if (iface && ig_capture_open_live(&s.cap, iface, cfg.capture_snaplen, cfg.capture_buffer, filter, err, sizeof err) < 0) {
        fprintf(stderr, "inferguard run: %s\n", err);
        ig_rules_free(rules);
        return IG_EXIT_INPUT;
    }
    /* The capture is the one thing that needs privilege: leave it behind before any
     * thread, sink, file or parser exists (daemon/privdrop.h says why this way). */
    struct ig_privdrop_result pd;
    int prc = ig_privdrop_apply(cfg.run_user, cfg.run_seccomp, &pd, err, sizeof err);
    if (prc != IG_OK) {
        fprintf(stderr, "inferguard run: %s\n", err);
        ig_capture_close(s.cap);
        ig_rules_free(rules);
        return prc == IG_ECONF ? IG_EXIT_CONFIG : IG_EXIT_RUNTIME;
    }
    if (o.verbosity >= 0)
        fprintf(stderr, "inferguard run: uid %u gid %u%s, no capabilities%s\n", (unsigned)pd.uid,
                (unsigned)pd.gid, pd.switched ? " (switched from root)" : "",
                pd.seccomp ? ", no_new_privs, seccomp allow-list" : ", seccomp off");
    if (pd.uid == 0 && o.verbosity >= 0)
        IG_LOG_WARN("run", "running as uid 0 (capabilities dropped): set run.user / --user");
    s.p = ig_pipeline_new(&cfg, rules, err, sizeof err);
    if (!s.p) {
        fprintf(stderr, "inferguard run: %s\n", err);
        ig_capture_close(s.cap);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    s.cfg = &cfg;
    s.config_path = o.config_path;
    config_changed(&s);   /* the file as read at start */
    s.pub = ig_fleet_pub_open(&cfg, err, sizeof err);
    if (!s.pub && err[0]) {
        fprintf(stderr, "inferguard run: events topic: %s\n", err);
        ig_pipeline_free(s.p);
        ig_capture_close(s.cap);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    if (s.pub) {
        ig_pipeline_set_event_hook(s.p, ig_fleet_pub_hook, s.pub);
        ig_pipeline_set_tick_hook(s.p, on_tick, &s);
    }
    s.rules_first = s.rules_now = rules;
    s.stats.start_time_s = wall_us() / 1000000u;
    s.snap = calloc(1, sizeof *s.snap);
    s.base = event_base_new();
    struct ig_http_api *api = NULL;
    if (!s.snap || !s.base) {
        fprintf(stderr, "inferguard run: out of memory\n");
        free(s.snap);
        if (s.base)
            event_base_free(s.base);
        ig_pipeline_free(s.p);
        ig_capture_close(s.cap);
        ig_rules_free(rules);
        return IG_EXIT_RUNTIME;
    }
    if (cfg.http_listen[0]) {
        struct ig_http_api_hooks hooks = { &s, api_ready, api_metrics, api_counted, api_ready_detail };
        if (ig_http_api_start(s.base, cfg.http_listen, cfg.reports_dir, &hooks, &api, err, sizeof err) == 0)
            ig_http_api_reports_auth(api, strcmp(cfg.http_reports_auth, "off") == 0,
                                     cfg.http_reports_token_file);
        else {
            fprintf(stderr, "inferguard run: %s\n", err);
            free(s.snap);
            event_base_free(s.base);
            ig_pipeline_free(s.p);
            ig_capture_close(s.cap);
            ig_rules_free(rules);
            return IG_EXIT_CONFIG;
        }
    }
    if (cfg.ce_listen[0] &&
        ig_ce_server_start(s.base, cfg.ce_listen, &cfg, on_ce_txn, &s, &s.ce, err, sizeof err) < 0) {
        fprintf(stderr, "inferguard run: %s\n", err);
        ig_http_api_free(api);
        free(s.snap);
        event_base_free(s.base);
        ig_pipeline_free(s.p);
        ig_capture_close(s.cap);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    struct event *ev_pkt = s.cap ? event_new(s.base, ig_capture_fd(s.cap), EV_READ | EV_PERSIST, on_readable, &s)
                                 : NULL;
    struct event *ev_tick = event_new(s.base, -1, EV_PERSIST, on_timer, &s);
    struct event *ev_int = evsignal_new(s.base, SIGINT, on_signal, &s);
    struct event *ev_term = evsignal_new(s.base, SIGTERM, on_signal, &s);
    struct event *ev_hup = evsignal_new(s.base, SIGHUP, on_reload, &s);
    struct timeval one_sec = { 1, 0 }, poll_ms = { 0, 100000 };
    if (ev_pkt)
        event_add(ev_pkt, NULL);
    event_add(ev_tick, &one_sec);
    event_add(ev_int, NULL);
    event_add(ev_term, NULL);
    event_add(ev_hup, NULL);
    /* Some capture fds are not reliably selectable: poll them on a short timer too. */
    struct event *ev_poll = s.cap ? event_new(s.base, -1, EV_PERSIST, on_readable, &s) : NULL;
    if (ev_poll)
        event_add(ev_poll, &poll_ms);
    s.stats.ready = true;   /* capture open, rules loaded, pipeline built */
    if (o.verbosity >= 0) {
        if (api)
            fprintf(stderr, "inferguard run: serving /healthz /readyz /metrics /reports on http://%s\n",
                    ig_http_api_address(api));
        if (s.ce)
            fprintf(stderr, "inferguard run: receiving CloudEvents on http://%s\n", ig_ce_server_address(s.ce));
        if (s.cap)
            fprintf(stderr, "inferguard run: capturing on %s (filter: %s)\n", iface, filter[0] ? filter : "none");
    }

    event_base_dispatch(s.base);

    if (s.cap) {
        on_readable(-1, 0, &s);   /* what the kernel still buffers */
        ig_pipeline_add_capture_stats(s.p, ig_capture_stats(s.cap));
    }
    if (s.ce)
        ig_ce_server_finish(s.ce);   /* requests still waiting for a response go on alone */
    ig_pipeline_finish(s.p);
    if (o.verbosity >= 0)
        ig_pipeline_summary(s.p, stderr);
    if (s.ce && o.verbosity >= 0)
        ig_ce_server_summary(s.ce, stderr);
    ig_fleet_pub_close(s.pub, (int)cfg.flush_timeout_ms, o.verbosity >= 0 ? stderr : NULL);
    ig_http_api_free(api);
    if (ev_pkt)
        event_free(ev_pkt);
    if (ev_poll)
        event_free(ev_poll);
    event_free(ev_tick); event_free(ev_int); event_free(ev_term);
    ig_ce_server_free(s.ce);
    event_free(ev_hup);
    event_base_free(s.base);
    ig_pipeline_free(s.p);
    ig_capture_close(s.cap);
    if (s.rules_now != s.rules_first)
        ig_rules_free(s.rules_now);
    ig_rules_free(s.rules_first);
    free(s.snap);
    return s.failed ? IG_EXIT_RUNTIME : IG_EXIT_OK;
}
