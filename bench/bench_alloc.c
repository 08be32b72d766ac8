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
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"
#include "pipeline/pipeline.h"
#include "trafficgen.h"
#include <inferguard/config.h>
#include <inferguard/rules.h>

#if defined(__SANITIZE_ADDRESS__)
#define IG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IG_ASAN 1
#endif
#endif

enum who { OURS, HTP, OTHER, ALL, WHO__COUNT };
static const char *const who_name[WHO__COUNT] = { "inferguard", "libhtp", "other_libs",
                                                  "all_callers" };

static uint64_t allocs[WHO__COUNT], frees[WHO__COUNT];
static int counting;
static uintptr_t exe_lo, exe_hi, htp_lo, htp_hi;   /* text ranges */
static uintptr_t exe_base;                          /* load address, for addr2line */
#define WHERE_MAX 64
static uintptr_t where[WHERE_MAX];
static uint64_t where_n[WHERE_MAX];
static int where_on;

static enum who who_of(uintptr_t ra)
{
    if (ra >= exe_lo && ra < exe_hi) return OURS;
    if (ra >= htp_lo && ra < htp_hi) return HTP;
    return OTHER;
}

static inline void note(uint64_t *tab, void *ra)
{
    enum who w = who_of((uintptr_t)ra);
    tab[w]++;
    if (w == OURS && where_on)
        for (int i = 0; i < WHERE_MAX; i++)
            if (where[i] == (uintptr_t)ra || !where[i]) {
                where[i] = (uintptr_t)ra;
                where_n[i]++;
                break;
            }
}

#ifdef IG_ASAN
/* from <sanitizer/allocator_interface.h> (libasan exports it; the header is not always installed) */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
static void asan_malloc_hook(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    if (counting) allocs[ALL]++;
}
static void asan_free_hook(const volatile void *p)
{
    if (p && counting) frees[ALL]++;
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

void *malloc(size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_malloc(n);
}
void *calloc(size_t a, size_t b)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t al, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_memalign(al, n);
}
void *memalign(size_t al, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_memalign(al, n);
}
int posix_memalign(void **out, size_t al, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    void *p = __libc_memalign(al, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
void free(void *p)
{
    if (p && counting) note(frees, __builtin_return_address(0));
    __libc_free(p);
}
#endif

/* Executable segments of the main program and of libhtp. */
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    (void)ctx;
    bool exe = info->dlpi_name == NULL || info->dlpi_name[0] == '\0';
    bool htp = !exe && strstr(info->dlpi_name, "libhtp") != NULL;
    if (!exe && !htp)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (exe) { exe_lo = lo; exe_hi = hi; exe_base = info->dlpi_addr; }
        else     { htp_lo = lo; htp_hi = hi; }
    }
    return 0;
}

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
    memset(allocs, 0, sizeof allocs);
    memset(frees, 0, sizeof frees);
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
            counting = 1;
        }
    }
    counting = 0;
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
#ifdef IG_ASAN
    const int w0 = ALL, w1 = ALL + 1;
#else
    const int w0 = OURS, w1 = ALL;
#endif
    printf("%-12s %llu events counted:", name, (unsigned long long)ev);
    for (int w = w0; w < w1; w++)
        printf("  %s %.3f allocs + %.3f frees", who_name[w], (double)allocs[w] / (double)ev,
               (double)frees[w] / (double)ev);
    printf("\n");
    for (int w = w0; w < w1; w++)
        printf("RESULT metric=heap_calls_per_event_%s_%s value=%.4f unit=calls/event better=lower\n",
               name, who_name[w], (double)(allocs[w] + frees[w]) / (double)ev);
    return 0;
}

int main(void)
{
#ifdef IG_ASAN
    __sanitizer_install_malloc_and_free_hooks(asan_malloc_hook, asan_free_hook);
    printf("bench_alloc: AddressSanitizer build: heap calls counted for all callers together\n");
#endif
    dl_iterate_phdr(phdr_cb, NULL);
    const char *q = getenv("IG_BENCH_QUICK");
    bool quick = q && *q && strcmp(q, "0") != 0;
    const char *w = getenv("IG_BENCH_ALLOC_WHERE");
    where_on = w && *w == '1';
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
    for (int i = 0; where_on && i < WHERE_MAX && where[i]; i++)
        printf("inferguard call site 0x%lx: %llu calls\n", (unsigned long)(where[i] - exe_base),
               (unsigned long long)where_n[i]);
    return rc;
}
