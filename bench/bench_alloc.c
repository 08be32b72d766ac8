/* Heap calls per inference event on the hot path: `analyze --events` (every shipped
 * detector, events written as JSON, findings written) over a generated capture per protocol,
 * with malloc, calloc, realloc, the aligned allocators and free counted by this program
 * (it defines them: the executable's symbols interpose on every library's calls too).
 * Counting starts once half the capture's events have gone by (warm-up: the client table,
 * HTTP slots and scratch arenas have grown to the traffic) and stops before the end of
 * input. Each call is put down to the code that made it, by its return address: inferguard
 * (this executable: the sidecar and detectors are linked in statically), libhtp (its
 * transactions, headers and bstrings), or any other library (libc itself, nDPI, Hyperscan).
 * Target (issue #20): 0 per event from inferguard's own code.
 * IG_BENCH_ALLOC_WHERE=1 also prints the return addresses of inferguard's own calls (for
 * addr2line -f -e bench_alloc). Under AddressSanitizer (which owns malloc) the calls are
 * counted through its allocator hooks, all callers together (no attribution). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc/alloc_count.h"
#include "capture/capture.h"
#include "pipeline/pipeline.h"
#include "trafficgen.h"
#include <inferguard/config.h>
#include <inferguard/rules.h>

static int run_one(enum ig_gen_proto proto, const char *dir, uint32_t requests)
{
    char pcap[4096], err[512];
    snprintf(pcap, sizeof pcap, "%s/%s.pcap", dir, ig_gen_proto_name(proto));
    struct ig_gen_opts go;
    ig_gen_opts_default(&go);
    go.scenario = "benign";
    go.protocol = proto;
    go.clients = 16;
    go.requests = requests;
    go.dim = 64;
    struct ig_gen_stats gs;
    if (ig_gen_run(&go, pcap, &gs, err, sizeof err) < 0) {
        fprintf(stderr, "bench_alloc: generating %s: %s\n", pcap, err);
        return 1;
    }
    static struct ig_config cfg;
    ig_config_defaults(&cfg);
    snprintf(cfg.events_path, sizeof cfg.events_path, "/dev/null");
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "/dev/null");
    struct ig_rules *rules = NULL;
    if (ig_rules_load_embedded(&rules, err, sizeof err) < 0) {
        fprintf(stderr, "bench_alloc: rules: %s\n", err);
        return 1;
    }
    struct ig_pipeline *p = ig_pipeline_new(&cfg, rules, err, sizeof err);
    struct ig_capture *cap = NULL;
    if (!p || ig_capture_open_file(&cap, pcap, err, sizeof err) < 0) {
        fprintf(stderr, "bench_alloc: %s\n", err);
        return 1;
    }
    uint64_t allocs[WHO__COUNT] = { 0 }, frees[WHO__COUNT] = { 0 };
    bool counting = false;
    uint64_t ev0 = 0, ev1 = 0, half = gs.requests / 2;
    struct ig_packet pkt;
    for (;;) {
        int rc = ig_capture_next(cap, &pkt);
        if (rc == IG_AGAIN)
            continue;
        if (rc != IG_OK)
            break;
        ig_pipeline_packet(p, &pkt);
        if (!counting && !ev0 && ig_pipeline_events(p) >= half) {
            ev0 = ig_pipeline_events(p);
            counting = true;
            ig_alloc_count_start();
        }
    }
    if (counting)
        ig_alloc_count_stop(allocs, frees);
    ev1 = ig_pipeline_events(p);
    ig_capture_close(cap);
    ig_pipeline_finish(p);
    ig_pipeline_free(p);
    ig_rules_free(rules);
    unlink(pcap);
    uint64_t ev = ev1 - ev0;
    if (!ev) {
        fprintf(stderr, "bench_alloc: no events counted on %s\n", ig_gen_proto_name(proto));
        return 1;
    }
    const char *name = ig_gen_proto_name(proto);
    const int w0 = ig_alloc_count_by_caller() ? OURS : ALL;
    const int w1 = ig_alloc_count_by_caller() ? ALL : ALL + 1;
    printf("%-12s %llu events counted:", name, (unsigned long long)ev);
    for (int w = w0; w < w1; w++)
        printf("  %s %.3f allocs + %.3f frees", ig_alloc_who_name[w], (double)allocs[w] / (double)ev,
               (double)frees[w] / (double)ev);
    printf("\n");
    for (int w = w0; w < w1; w++)
        printf("RESULT metric=heap_calls_per_event_%s_%s value=%.4f unit=calls/event better=lower\n",
               name, ig_alloc_who_name[w], (double)(allocs[w] + frees[w]) / (double)ev);
    return 0;
}

int main(void)
{
    const char *w = getenv("IG_BENCH_ALLOC_WHERE");
    ig_alloc_count_init(w && *w == '1');
    if (!ig_alloc_count_by_caller())
        printf("bench_alloc: AddressSanitizer build: heap calls counted for all callers together\n");
    const char *q = getenv("IG_BENCH_QUICK");
    bool quick = q && *q && strcmp(q, "0") != 0;
    char dir[] = "/tmp/ig_bench_alloc.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_alloc: mkdtemp");
        return 1;
    }
    static const enum ig_gen_proto protos[] = { IG_GEN_OIP_V2, IG_GEN_OIP_V2_BIN, IG_GEN_KSERVE_V1,
                                                IG_GEN_OPENAI };
    int rc = 0;
    for (size_t i = 0; i < sizeof protos / sizeof protos[0] && !rc; i++)
        rc = run_one(protos[i], dir, quick ? 1000 : 8000);
    rmdir(dir);
    uintptr_t off;
    uint64_t calls;
    for (int i = 0; ig_alloc_count_site(i, &off, &calls); i++)
        printf("inferguard call site 0x%lx: %llu calls\n", (unsigned long)off,
               (unsigned long long)calls);
    return rc;
}
