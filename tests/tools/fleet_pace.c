/* fleet_pace: a pod publishing inference events at a fixed rate, for bench/fleet.sh's lag
 * at a given load (a capture replayed by `analyze` publishes flat out, which measures the
 * aggregator's ceiling, not its lag under a steady load).
 * Each event is a tabular request timed when it is due (as a live sensor stamps it), from one of
 * --clients sources, with --features inputs and three class scores, through the same
 * publisher as `run --events-topic` (sidecar/fleet/publish.c: spool, idempotent producer).
 * The pod's watermark (publish.h) follows its clock between events; --behind S sets that
 * clock S seconds behind (events and watermark). A pod stopped (SIGSTOP) and continued
 * publishes its backlog late, each event stamped when it was due: a pod whose publishing
 * stalled (test_fleet_late_pod).
 * Usage: fleet_pace --kafka BROKERS --events-topic NAME --spool DIR [--rate N/s (1000)]
 *        [--seconds S (10)] [--clients K (200)] [--features D (16)] [--pod NAME] [--behind S]
 * Prints one line: published N events in T s (R/s). Exit codes: 0 ok, 1 Kafka, 2 usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <inferguard/config.h>
#include <inferguard/event.h>
#include "fleet/publish.h"

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void usage(FILE *out)
{
    fputs("usage: fleet_pace --kafka BROKERS --events-topic NAME --spool DIR [--rate N] [--seconds S]\n"
          "                  [--clients K] [--features D] [--pod NAME] [--behind S]\n"
          "Publishes inference events at N per second for S seconds (bench/fleet.sh).\n"
          "exit codes: 0 ok, 1 Kafka, 2 usage\n", out);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "kafka", required_argument, 0, 'k' }, { "events-topic", required_argument, 0, 't' },
        { "spool", required_argument, 0, 's' }, { "rate", required_argument, 0, 'r' },
        { "seconds", required_argument, 0, 'S' }, { "clients", required_argument, 0, 'c' },
        { "features", required_argument, 0, 'f' }, { "pod", required_argument, 0, 'p' },
        { "behind", required_argument, 0, 'b' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    static struct ig_config cfg;
    ig_config_defaults(&cfg);
    double rate = 1000, seconds = 10, behind = 0;
    int clients = 200, features = 16, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': snprintf(cfg.kafka_brokers, sizeof cfg.kafka_brokers, "%s", optarg); break;
        case 't': snprintf(cfg.kafka_events_topic, sizeof cfg.kafka_events_topic, "%s", optarg); break;
        case 's': snprintf(cfg.spool_dir, sizeof cfg.spool_dir, "%s", optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'S': seconds = atof(optarg); break;
        case 'c': clients = atoi(optarg); break;
        case 'f': features = atoi(optarg); break;
        case 'p': setenv("POD_NAME", optarg, 1); break;
        case 'b': behind = atof(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!cfg.kafka_brokers[0] || !cfg.kafka_events_topic[0] || rate <= 0 || seconds <= 0 || clients < 1 ||
        features < 1 || features > 4096 || behind < 0) {
        usage(stderr);
        return 2;
    }
    snprintf(cfg.spool_fsync, sizeof cfg.spool_fsync, "batch");
    char err[512];
    struct ig_fleet_pub *pub = ig_fleet_pub_open(&cfg, err, sizeof err);
    if (!pub) {
        fprintf(stderr, "fleet_pace: %s\n", err);
        return 1;
    }
    float *x = malloc((size_t)features * sizeof *x);
    if (!x)
        return 1;
    float y[3];
    int32_t label;
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    ev.src.family = 4;
    ev.dst.family = 4;
    memcpy(ev.dst.addr, "\x7f\x00\x00\x01", 4);
    ev.dst.port = 8080;
    ev.id_kind = IG_ID_SOURCE_IP;
    ev.protocol = IG_PROTO_OIP_V2;
    snprintf(ev.model, sizeof ev.model, "fraud");
    snprintf(ev.method, sizeof ev.method, "POST");
    snprintf(ev.route, sizeof ev.route, "/v2/models/fraud/infer");
    ev.status = 200;
    ev.rows = 1;
    ev.features = (uint32_t)features;
    ev.outputs = 3;
    ev.inputs = x;
    ev.scores = y;
    ev.labels = &label;
    uint64_t n = (uint64_t)(rate * seconds), seed = 0x9e3779b97f4a7c15ull;
    uint64_t t0 = mono_us(), behind_us = (uint64_t)(behind * 1e6);
    uint64_t w0 = wall_us() - behind_us;   /* the pod's clock at t0 */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t due = t0 + (uint64_t)((double)i * 1e6 / rate);
        for (uint64_t now; (now = mono_us()) < due;) {
            ig_fleet_pub_position(pub, w0 + (now - t0));   /* time passes between events */
            ig_fleet_pub_poll(pub);
            uint64_t wait = due - now;
            struct timespec ts = { 0, (long)(wait > 1000 ? 1000000 : wait * 1000) };
            nanosleep(&ts, NULL);
        }
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t who = (uint32_t)(seed >> 33) % (uint32_t)clients;
        ev.src.addr[0] = 10;
        ev.src.addr[1] = 0;
        ev.src.addr[2] = (uint8_t)(who >> 8);
        ev.src.addr[3] = (uint8_t)who;
        ev.src.port = (uint16_t)(40000 + who % 20000);
        snprintf(ev.client_id, sizeof ev.client_id, "10.0.%u.%u", who >> 8 & 255, who & 255);
        snprintf(ev.group_id, sizeof ev.group_id, "%s", ev.client_id);
        ev.group_kind = IG_ID_SOURCE_IP;
        for (int k = 0; k < features; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            x[k] = (float)((seed >> 40) & 0xffff) / 65536.0f;
        }
        y[0] = 0.7f;
        y[1] = 0.2f;
        y[2] = 0.1f;
        label = 0;
        ev.req_time_us = w0 + (due - t0);   /* when due: a stopped pod's backlog is late */
        ev.resp_time_us = ev.req_time_us + 2000;
        ev.latency_us = 2000;
        ig_fleet_pub_event(pub, &ev);
    }
    double took = (double)(mono_us() - t0) / 1e6;
    int rc = ig_fleet_pub_close(pub, 30000, NULL);
    printf("published %llu events in %.2f s (%.0f/s)%s\n", (unsigned long long)n, took, (double)n / took,
           rc ? "; some left in the spool" : "");
    free(x);
    return rc ? 1 : 0;
}
