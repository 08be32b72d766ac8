/* bench_prada: extraction.prada update cost per query at d = 64 with 10 000 stored vectors
 * in the class, next to the machine's distance-kernel limit (one min-L2 scan of the same
 * set) and the Python reference (bench/python/prada_ref.py) on the same stream.
 *
 *   bench_prada                 the benchmark (needs /usr/bin/python3 with numpy/scipy)
 *   bench_prada --no-python     C side only
 *   bench_prada --replay FILE [--bf16]
 *                               runs the detector on a prada_ref.py stream, one query per
 *                               event, and prints first_alarm=<query> alarms=<n> like the
 *                               reference (tests/integration/test_prada_reference.sh);
 *                               --bf16 with storage: bf16
 *
 * The stream walks along a line with noise, so every query lands farther than the
 * threshold and is admitted: after the 10 000-query warm-up the class holds 10 000 vectors
 * (max_growing 10000 from a rules file written here). G_c is a pruned index (vidx.h), and
 * a line is its easiest case, so two more streams run the same way: "clusters" (32
 * Gaussian clusters, natural-looking inputs) and "uniform" (uniform in [0,1]^64, where
 * pruning fails; the int8 prefilter takes over); each is also replayed by the Python
 * reference, and run again with prefilter: none, whose alarms must be the same.
 * The pruned kernel alone (ig_vidx_l2sq_min on 10 000 stored vectors of each shape) is
 * printed next to the full-scan kernel limit, with the share of blocks it scanned, after
 * checking every answer against the full scan. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <inferguard/detector.h>
#include <inferguard/rules.h>
#include "kernels/kernels.h"
#include "kernels/vidx.h"
#include "rng.h"

static const struct ig_env no_env;   /* nothing lent: no profile loader, no report writer */

extern const struct ig_detector ig_det_extraction_prada;

#define DIM 64
/* 10 000 stored, 3 000 timed; IG_BENCH_QUICK=1 (bench/run.sh --quick): 1 000 and 300 */
static int STORED = 10000, TIMED = 3000;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);   /* CPU time: the machine is shared */
    return t.tv_sec + t.tv_nsec * 1e-9;
}

struct counter {
    uint64_t findings, first;
};

static void on_finding(void *ctx, const struct ig_finding *f)
{
    struct counter *c = ctx;
    if (c->findings++ == 0)
        c->first = f->queries_seen;
}

static int read_stream(const char *path, uint32_t *dim, uint32_t *count, int32_t **lab, float **xs)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_prada: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char magic[8];
    uint32_t hd[2];
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "IGPRADA1", 8) || fread(hd, 4, 2, f) != 2 ||
        hd[0] == 0 || hd[0] > 1u << 20 || hd[1] > 1u << 24) {
        fprintf(stderr, "bench_prada: %s: not a PRADA stream\n", path);
        fclose(f);
        return -1;
    }
    *dim = hd[0];
    *count = hd[1];
    *lab = malloc((size_t)hd[1] * sizeof(int32_t));
    *xs = malloc((size_t)hd[1] * hd[0] * sizeof(float));
    for (uint32_t i = 0; i < hd[1]; i++) {
        if (fread(*lab + i, 4, 1, f) != 1 || fread(*xs + (size_t)i * hd[0], 4, hd[0], f) != hd[0]) {
            fprintf(stderr, "bench_prada: %s: truncated at query %u\n", path, i);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

static int write_stream(const char *path, uint32_t dim, uint32_t count, const int32_t *lab,
                        const float *xs)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    uint32_t hd[2] = { dim, count };
    fwrite("IGPRADA1", 1, 8, f);
    fwrite(hd, 4, 2, f);
    for (uint32_t i = 0; i < count; i++) {
        fwrite(lab + i, 4, 1, f);
        fwrite(xs + (size_t)i * dim, 4, dim, f);
    }
    return fclose(f);
}

/* Runs the detector over a stream, one query per event; returns ns per query for queries
 * after <skip>. */
static double run(const struct ig_rules *rules, uint32_t dim, uint32_t count, const int32_t *lab,
                  const float *xs, uint32_t skip, struct counter *cnt)
{
    void *global = NULL;
    char err[256];
    if (ig_detector_init(&ig_det_extraction_prada, &no_env, rules, &global, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench_prada: %s\n", err);
        exit(1);
    }
    void *client = calloc(1, ig_det_extraction_prada.client_size);
    struct ig_emit emit = { on_finding, cnt };
    struct ig_call call = { .global = global, .client = client, .emit = &emit };
    struct ig_event ev = { .flags = IG_EV_TENSOR | IG_EV_LABELS, .rows = 1, .features = dim };
    double t0 = now_s();
    for (uint32_t i = 0; i < count; i++) {
        if (i == skip)
            t0 = now_s();
        ev.inputs = xs + (size_t)i * dim;
        ev.labels = lab + i;
        ig_det_extraction_prada.observe(&call, &ev);
    }
    double dt = now_s() - t0;
    ig_det_extraction_prada.evict(&call);
    ig_det_extraction_prada.free(global);
    free(client);
    return dt * 1e9 / (count > skip ? count - skip : 1);
}

/* Rules with extraction.prada params <yaml_params> (already indented), from a temp dir. */
static struct ig_rules *rules_with(const char *yaml_params)
{
    char dir[] = "/tmp/ig_bench_prada_XXXXXX", path[600], err[512];
    if (!mkdtemp(dir))
        return NULL;
    snprintf(path, sizeof(path), "%s/prada.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fprintf(f, "- detector: extraction.prada\n  params:\n%s", yaml_params);
    fclose(f);
    struct ig_rules *rules = NULL;
    if (ig_rules_load_dir(dir, &rules, err, sizeof(err)) != 0)
        fprintf(stderr, "bench_prada: rules: %s\n", err);
    unlink(path);
    rmdir(dir);
    return rules;
}

static int replay(const char *path, bool bf16)
{
    uint32_t dim, count;
    int32_t *lab;
    float *xs;
    if (read_stream(path, &dim, &count, &lab, &xs))
        return 1;
    struct counter c = { 0 };
    /* the paper's algorithm alone: the robust decision is not the reference's */
    struct ig_rules *rules = rules_with(bf16 ? "    mode: paper\n    storage: bf16\n" : "    mode: paper\n");
    if (!rules)
        return 1;
    run(rules, dim, count, lab, xs, 0, &c);
    ig_rules_free(rules);
    printf("first_alarm=%llu alarms=%llu\n", (unsigned long long)c.first,
           (unsigned long long)c.findings);
    free(lab);
    free(xs);
    return 0;
}

/* The source tree: $IG_SRC, else where this file was compiled from. */
static const char *src_dir(char *buf, size_t len)
{
    const char *e = getenv("IG_SRC");
    if (e)
        return e;
    snprintf(buf, len, "%s", __FILE__);
    char *cut = strstr(buf, "/bench/bench_prada.c");
    if (cut)
        *cut = 0;
    else
        snprintf(buf, len, ".");
    return buf;
}

static uint64_t rs = 88172645463325252ull;
static float frand(void) { return ig_rng_xs_float(&rs); }

enum shape { SH_LINE, SH_CLUSTERS, SH_UNIFORM };
static const char *const shape_name[] = { "line", "clusters", "uniform" };

/* <n> queries of one shape into xs (labels all 0: one class holds them all). */
static void gen_shape(enum shape sh, uint32_t n, float *xs)
{
    static float centres[32][DIM], dir[DIM];
    for (int c = 0; c < 32; c++)
        for (int f = 0; f < DIM; f++)
            centres[c][f] = frand() * 4.0f - 2.0f;
    for (int f = 0; f < DIM; f++)
        dir[f] = frand() - 0.5f;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)(frand() * 32) % 32;
        for (int f = 0; f < DIM; f++) {
            float *v = &xs[(size_t)i * DIM + f];
            if (sh == SH_LINE)
                *v = dir[f] * (float)i * 0.01f + 0.001f * frand();
            else if (sh == SH_CLUSTERS)   /* sum of 3 uniforms: near-Gaussian, sd 0.17 */
                *v = centres[c][f] + 0.3f * (frand() + frand() + frand() - 1.5f);
            else
                *v = frand();
        }
    }
}

/* Pruned kernel vs full scan on STORED vectors of <sh>: every answer checked equal. */
static void pruned_kernel(const struct ig_kern_ops *k, enum shape sh, double scan_ns, const char *hist,
                          unsigned flags)
{
    uint32_t n = STORED + TIMED;
    float *xs = malloc((size_t)n * DIM * sizeof(float));
    gen_shape(sh, n, xs);
    struct ig_vidx ix;
    struct ig_vset flat;
    ig_vidx_init_ex(&ix, DIM, STORED, IG_VSET_F32, flags);
    ig_vset_init(&flat, DIM, STORED);
    for (uint32_t i = 0; i < (uint32_t)STORED; i++) {
        ig_vidx_append(&ix, xs + (size_t)i * DIM);
        ig_vset_append(&flat, xs + (size_t)i * DIM);
    }
    uint32_t bad = 0;
    for (uint32_t i = 0; i < (uint32_t)TIMED; i++) {
        const float *q = xs + (size_t)(STORED + i) * DIM;
        float a = ig_vidx_l2sq_min(&ix, k, q, NULL), b = k->l2sq_min(&flat, q, NULL);
        bad += memcmp(&a, &b, sizeof(a)) != 0;
    }
    uint64_t s0 = ix.blocks_scanned, t0b = ix.blocks_total, h0 = ix.shadow_scanned, q0 = ix.q8_scanned;
    volatile float sink = 0;
    double t0 = now_s();
    for (uint32_t i = 0; i < (uint32_t)TIMED; i++)
        sink += ig_vidx_l2sq_min(&ix, k, xs + (size_t)(STORED + i) * DIM, NULL);
    double ns = (now_s() - t0) * 1e9 / TIMED;
    double frac = (double)(ix.blocks_scanned - s0) / (double)(ix.blocks_total - t0b);
    double hfrac = (double)(ix.shadow_scanned - h0 + ix.q8_scanned - q0) / (double)(ix.blocks_total - t0b);
    bool q8 = flags & IG_VIDX_Q8;
    const char *tag = q8 ? "+int8" : flags ? "+bf16" : "";
    printf("  pruned %-8s%-5s: %8.0f ns/query, %5.1f%% of float32 blocks scanned (%5.1f%% in %s), %5.1fx "
           "the full scan, %u of %d answers differ from it\n", shape_name[sh], tag, ns, 100 * frac,
           100 * hfrac, q8 ? "int8" : "bf16", scan_ns / ns, bad, TIMED);
    printf("RESULT metric=prada_pruned_kernel_%s%s_d%d_%s value=%.0f unit=ns/query peer=full_scan "
           "peer_value=%.0f better=lower\n", shape_name[sh], q8 ? "_int8" : flags ? "_shadow" : "", DIM,
           hist, ns, scan_ns);
    (void)sink;
    ig_vidx_free(&ix);
    ig_vset_free(&flat);
    free(xs);
}

/* Python reference on a stream file: ns/query after <skip> and its first alarm. */
static double python_run(const char *spath, uint32_t skip, char *alarm, size_t alen)
{
    char srcbuf[1024];
    const char *src = src_dir(srcbuf, sizeof(srcbuf));
    char cmd[2048], line[512] = "";
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 %s/bench/python/prada_ref.py run %s --max-growing %d --timing --skip %u",
             src, spath, STORED, skip);
    FILE *p = popen(cmd, "r");
    double py = 0;
    if (p && fgets(line, sizeof(line), p)) {
        const char *ns = strstr(line, "ns_per_query=");
        py = ns ? atof(ns + 13) : 0;
        snprintf(alarm, alen, "%.*s", (int)strcspn(line, " "), line);
    }
    if (p)
        pclose(p);
    return py;
}

/* The detector on a stream of <sh> (prefilter int8, the default; and prefilter none when
 * <rules_none>: its alarms must be the same), beside the Python reference on the same file. */
static void detector_case(const struct ig_rules *rules, const struct ig_rules *rules_none, enum shape sh,
                          const char *spath, bool python, const char *hist)
{
    uint32_t n = STORED + TIMED;
    float *xs = malloc((size_t)n * DIM * sizeof(float));
    int32_t *lab = calloc(n, sizeof(int32_t));
    gen_shape(sh, n, xs);
    struct counter c = { 0 }, c2 = { 0 };
    double c_ns = run(rules, DIM, n, lab, xs, STORED, &c);
    double s_ns = rules_none ? run(rules_none, DIM, n, lab, xs, STORED, &c2) : 0;
    printf("  prada C %-8s: %8.0f ns/query, first_alarm=%llu alarms=%llu", shape_name[sh], c_ns,
           (unsigned long long)c.first, (unsigned long long)c.findings);
    double py = 0;
    char alarm[64] = "";
    if (python && !write_stream(spath, DIM, n, lab, xs))
        py = python_run(spath, STORED, alarm, sizeof alarm);
    if (py > 0)
        printf("; Python %.0f ns/query, %s -> %.1fx\n", py, alarm, py / c_ns);
    else
        printf("\n");
    char pv[64] = "";
    if (py > 0)
        snprintf(pv, sizeof pv, " peer=python_numpy peer_value=%.0f", py);
    printf("RESULT metric=prada_update_%s_d%d_%s value=%.0f unit=ns/event%s better=lower\n",
           shape_name[sh], DIM, hist, c_ns, pv);
    if (rules_none) {
        printf("  prada C %-8s no prefilter: %8.0f ns/query, first_alarm=%llu alarms=%llu%s",
               shape_name[sh], s_ns, (unsigned long long)c2.first, (unsigned long long)c2.findings,
               c2.first == c.first && c2.findings == c.findings ? " (same as int8)" : " (DIFFERS from int8)");
        if (py > 0)
            printf(" -> %.1fx Python", py / s_ns);
        printf("\n");
        printf("RESULT metric=prada_update_%s_no_prefilter_d%d_%s value=%.0f unit=ns/event%s better=lower\n",
               shape_name[sh], DIM, hist, s_ns, pv);
    }
    free(xs);
    free(lab);
}

int main(int argc, char **argv)
{
    bool python = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--replay") && i + 1 < argc)
            return replay(argv[i + 1], i + 2 < argc && !strcmp(argv[i + 2], "--bf16"));
        if (!strcmp(argv[i], "--no-python"))
            python = false;
        else {
            fprintf(stderr, "usage: bench_prada [--no-python] | --replay FILE [--bf16]\n");
            return 2;
        }
    }
    const char *quick = getenv("IG_BENCH_QUICK");
    if (quick && *quick && strcmp(quick, "0")) {
        STORED = 1000;
        TIMED = 300;
    }
    const uint32_t n = STORED + TIMED;
    float *xs = malloc((size_t)n * DIM * sizeof(float));
    int32_t *lab = calloc(n, sizeof(int32_t));
    float dir[DIM];
    for (int f = 0; f < DIM; f++)
        dir[f] = frand() - 0.5f;
    for (uint32_t i = 0; i < n; i++)
        for (int f = 0; f < DIM; f++)
            xs[(size_t)i * DIM + f] = dir[f] * (float)i * 0.01f + 0.001f * frand();

    char params[256];
    snprintf(params, sizeof(params), "    max_growing: %d\n    memory_mb: 64\n", STORED);
    struct ig_rules *rules = rules_with(params);
    snprintf(params, sizeof(params), "    max_growing: %d\n    memory_mb: 64\n    storage: bf16\n", STORED);
    struct ig_rules *rules16 = rules_with(params);
    snprintf(params, sizeof(params), "    max_growing: %d\n    memory_mb: 64\n    prefilter: none\n", STORED);
    struct ig_rules *rules_none = rules_with(params);
    if (!rules || !rules16 || !rules_none)
        return 1;
    char spath[] = "/tmp/ig_bench_prada_stream_XXXXXX";
    int sfd = mkstemp(spath);
    if (sfd < 0)
        return 1;
    close(sfd);

    const struct ig_kern_ops *k = ig_kern();
    printf("bench_prada: d=%d, %d stored vectors in the class, %d timed queries, kernels %s\n",
           DIM, STORED, TIMED, k->name);

    /* the kernel limit: one min-L2 scan of a 10 000 x 64 set */
    struct ig_vset set;
    ig_vset_init(&set, DIM, STORED);
    for (uint32_t i = 0; i < (uint32_t)STORED; i++)
        ig_vset_append(&set, xs + (size_t)i * DIM);
    int reps = TIMED < 2000 ? TIMED : 2000;
    volatile float sink = 0;
    double t0 = now_s();
    for (int r = 0; r < reps; r++)
        sink += k->l2sq_min(&set, xs + (size_t)(STORED + r % TIMED) * DIM, NULL);
    double scan_ns = (now_s() - t0) * 1e9 / reps;
    double gbs = (double)STORED * DIM * 4 / scan_ns;
    printf("  kernel limit : %10.0f ns per scan of %d x %d (%.1f GB/s)\n", scan_ns, STORED, DIM, gbs);
    ig_vset_free(&set);
    ig_vset_init_ex(&set, DIM, STORED, IG_VSET_BF16);
    for (uint32_t i = 0; i < (uint32_t)STORED; i++)
        ig_vset_append(&set, xs + (size_t)i * DIM);
    t0 = now_s();
    for (int r = 0; r < reps; r++)
        sink += k->l2sq_min(&set, xs + (size_t)(STORED + r % TIMED) * DIM, NULL);
    double scan16_ns = (now_s() - t0) * 1e9 / reps;
    printf("  kernel bf16  : %10.0f ns per scan (%.1f GB/s of bf16)\n", scan16_ns,
           (double)STORED * DIM * 2 / scan16_ns);
    ig_vset_free(&set);

    struct counter c = { 0 };
    double c_ns = run(rules, DIM, n, lab, xs, STORED, &c);
    printf("  prada C      : %10.0f ns/query  (%.2fx the kernel limit)\n", c_ns, c_ns / scan_ns);
    double c16_ns = run(rules16, DIM, n, lab, xs, STORED, &c);
    printf("  prada C bf16 : %10.0f ns/query  (%.2fx the bf16 kernel)\n", c16_ns, c16_ns / scan16_ns);

    char hist[16];
    snprintf(hist, sizeof hist, STORED % 1000 ? "%d" : "%dk", STORED % 1000 ? STORED : STORED / 1000);
    double py = 0;
    if (python) {
        if (write_stream(spath, DIM, n, lab, xs)) {
            fprintf(stderr, "bench_prada: cannot write %s\n", spath);
            return 1;
        }
        char srcbuf[1024];
        const char *src = src_dir(srcbuf, sizeof(srcbuf));
        char cmd[2048], line[512] = "";
        snprintf(cmd, sizeof(cmd),
                 "/usr/bin/python3 %s/bench/python/prada_ref.py run %s --max-growing %d --timing --skip %d",
                 src, spath, STORED, STORED);
        FILE *p = popen(cmd, "r");
        if (p && fgets(line, sizeof(line), p)) {
            const char *ns = strstr(line, "ns_per_query=");
            py = ns ? atof(ns + 13) : 0;
            printf("  prada Python : %10.0f ns/query  (numpy/scipy reference, float32)\n", py);
            if (py > 0)
                printf("  speed-up     : %10.1fx (f32), %.1fx (bf16)\n", py / c_ns, py / c16_ns);
        } else {
            printf("  prada Python : not run (%s)\n", cmd);
        }
        if (p)
            pclose(p);
    }
    /* The Python reference (float32) is the peer of both storage modes. */
    const char *peer = py > 0 ? " peer=python_numpy peer_value=" : "";
    char pv[32] = "";
    if (py > 0)
        snprintf(pv, sizeof pv, "%.0f", py);
    printf("RESULT metric=prada_update_d%d_%s value=%.0f unit=ns/event%s%s better=lower\n", DIM, hist,
           c_ns, peer, pv);
    printf("RESULT metric=prada_update_bf16_d%d_%s value=%.0f unit=ns/event%s%s better=lower\n", DIM,
           hist, c16_ns, peer, pv);
    printf("RESULT metric=prada_scan_kernel_d%d_%s value=%.0f unit=ns/scan better=lower\n", DIM, hist,
           scan_ns);
    printf("  pruned kernel (ig_vidx_l2sq_min, exact) on %d stored vectors of each shape:\n", STORED);
    for (int sh = SH_LINE; sh <= SH_UNIFORM; sh++)
        pruned_kernel(k, (enum shape)sh, scan_ns, hist, 0);
    printf("  with the int8 prefilter (prefilter: int8, the default; still exact):\n");
    for (int sh = SH_LINE; sh <= SH_UNIFORM; sh++)
        pruned_kernel(k, (enum shape)sh, scan_ns, hist, IG_VIDX_Q8);
    printf("  with the bf16 shadow (storage: f32_bf16, prefilter: none; still exact):\n");
    for (int sh = SH_LINE; sh <= SH_UNIFORM; sh++)
        pruned_kernel(k, (enum shape)sh, scan_ns, hist, IG_VIDX_SHADOW);
    printf("  detector on the other shapes (same rules, float32):\n");
    detector_case(rules, rules_none, SH_CLUSTERS, spath, python, hist);
    detector_case(rules, rules_none, SH_UNIFORM, spath, python, hist);
    ig_rules_free(rules_none);
    ig_rules_free(rules);
    ig_rules_free(rules16);
    unlink(spath);
    free(xs);
    free(lab);
    (void)sink;
    return 0;
}
