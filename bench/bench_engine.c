/* bench_engine: cost of ig_engine_observe per event — the engine alone (client and model
 * lookup, LRU, slices, dispatch) with a no-op detector, and with abuse.rate — for one
 * client, many clients that fit, and many more clients than the table (every event
 * evicts). Then the stable-source accounting (identity.*): every client its own source (as
 * outside a mesh: the peer address), and a rotation where every event is a new identity from
 * one of 16 sources (admission, exact/HLL counting, the group's second dispatch).
 * Prints events/s and ns/event, and one RESULT line per shape for bench/run.sh.
 * Usage: bench_engine [events]; IG_BENCH_QUICK=1: 200 000 events unless given. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct ig_detector ig_det_abuse_rate;

static int nop_observe(const struct ig_call *call, const struct ig_event *ev)
{
    (void)ev;
    ++*(uint64_t *)call->client;
    return IG_OK;
}
static const struct ig_detector det_nop = { .name = "bench.nop", .client_size = 8, .observe = nop_observe };

static uint64_t nfindings;
static void sink(void *ctx, const struct ig_finding *f) { (void)ctx; (void)f; nfindings++; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum src_mode { SRC_NONE, SRC_OWN, SRC_ROTATE };

static void run(const char *label, const struct ig_detector *det, uint32_t nclients, uint32_t max_clients,
                uint64_t events, char (*ids)[24], enum src_mode src)
{
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    cfg.clients_max = max_clients;
    struct ig_emit emit = { sink, NULL };
    const struct ig_detector *const list[] = { det, NULL };
    char err[256];
    struct ig_engine *e = ig_engine_new_with(&cfg, NULL, NULL, &emit, list, err, sizeof err);
    if (!e) {
        fprintf(stderr, "bench_engine: %s\n", err);
        exit(1);
    }
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    strcpy(ev.model, "fraud-detector");
    ev.flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS;
    uint64_t x = 88172645463325252ull;
    double t0 = now_s();
    for (uint64_t i = 0; i < events; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (src == SRC_ROTATE) {
            snprintf(ev.client_id, sizeof ev.client_id, "key:%016llx", (unsigned long long)i);
            memcpy(ev.group_id, ids[x % 16], 24);
        } else {
            memcpy(ev.client_id, ids[x % nclients], 24);
            if (src == SRC_OWN)
                memcpy(ev.group_id, ev.client_id, 24);
        }
        ev.req_time_us = 1700000000000000ull + i * 100;   /* 10k requests/s of capture time */
        ig_engine_observe(e, &ev);
    }
    double dt = now_s() - t0;
    const struct ig_engine_stats *st = ig_engine_stats(e);
    printf("%-12s clients=%-7u cap=%-7llu events=%llu  %.2f Mevents/s  %.1f ns/event  evicted=%llu "
           "mem=%.1f MiB findings=%llu\n", label, nclients, (unsigned long long)st->clients_cap,
           (unsigned long long)events, events / dt / 1e6, dt * 1e9 / events,
           (unsigned long long)st->clients_evicted, st->memory_used / 1048576.0,
           (unsigned long long)st->findings[0]);
    static const char *const sname[] = { "", "_own_source", "_rotating_16_sources" };
    printf("RESULT metric=engine_%s_clients_%u_cap_%llu%s value=%.1f unit=ns/event better=lower\n",
           det == &det_nop ? "nop" : det->name, nclients, (unsigned long long)st->clients_cap,
           sname[src], dt * 1e9 / events);
    ig_engine_free(e);
}

int main(int argc, char **argv)
{
    const char *quick = getenv("IG_BENCH_QUICK");
    uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10)
                    : (quick && *quick && strcmp(quick, "0")) ? 200000 : 5000000;
    uint32_t maxn = 1000000;
    char (*ids)[24] = calloc(maxn, sizeof *ids);
    if (!ids)
        return 1;
    for (uint32_t i = 0; i < maxn; i++)
        snprintf(ids[i], sizeof ids[i], "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
    const struct { uint32_t n, cap; } shapes[] = { { 1, 100000 }, { 1000, 100000 }, { 100000, 100000 },
                                                   { 1000000, 100000 } };
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        run("engine+nop", &det_nop, shapes[s].n, shapes[s].cap, events, ids, SRC_NONE);
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        run("abuse.rate", &ig_det_abuse_rate, shapes[s].n, shapes[s].cap, events, ids, SRC_NONE);
    /* The same shapes with stable sources: the ratio to the rows above is their cost. */
    run("own-source", &ig_det_abuse_rate, 1000, 100000, events, ids, SRC_OWN);
    run("own-source", &ig_det_abuse_rate, 100000, 100000, events, ids, SRC_OWN);
    run("rotating", &ig_det_abuse_rate, 1000000, 100000, events, ids, SRC_ROTATE);
    free(ids);
    return 0;
}
