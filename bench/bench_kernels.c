/* bench_kernels: the distance kernels per path (scalar, AVX2, AVX-512) — ns per stored
 * vector and GB/s of the stored set streamed — for sets that fit in L1/L2 and for ones
 * that do not, plus quantisation and bin indexing, and the adversarial.fingerprint
 * detector's ns per query at d = 64, 784 and 3072.
 *
 *   bench_kernels                  all of it
 *   bench_kernels --fingerprint    only the detector part
 *   INFERGUARD_SIMD=avx2     caps the paths offered (as in production)
 *   IG_BENCH_QUICK=1         few repetitions (bench/run.sh --quick)
 * Each SIMD path also prints a RESULT line with the scalar path as its peer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <inferguard/detector.h>
#include <inferguard/rules.h>
#include <inferguard/cpu.h>
#include "kernels/kernels.h"
#include "rng.h"

static const struct ig_env no_env;   /* nothing lent: no profile loader, no report writer */

extern const struct ig_detector ig_det_adversarial_fingerprint;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);   /* CPU time: the machine is shared */
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t rs = 0x2545f4914f6cdd1dull;
static float frand(void) { return ig_rng_xs_float(&rs); }

static int quick;
/* Scalar timings of the current shape: the peer of the SIMD paths' RESULT lines. */
static double scalar_l2_ns, scalar_linf_ns, scalar_q_ns, scalar_b_ns;

static void bench_distance(const struct ig_kern_ops *k, uint32_t dim, uint32_t count)
{
    struct ig_vset s;
    if (ig_vset_init(&s, dim, count))
        return;
    float *x = malloc(dim * sizeof(float));
    for (uint32_t i = 0; i < count; i++) {
        for (uint32_t f = 0; f < dim; f++)
            x[f] = frand();
        ig_vset_append(&s, x);
    }
    double bytes = (double)count * dim * 4;
    int reps = (int)(2e9 / bytes) + 3;
    if (reps > 200000)
        reps = 200000;
    if (quick)
        reps = reps / 50 + 1;
    volatile float sink = 0;
    k->l2sq_min(&s, x, NULL);   /* warm */
    double t0 = now_s();
    for (int r = 0; r < reps; r++) {
        x[r % dim] = frand();
        sink += k->l2sq_min(&s, x, NULL);
    }
    double dt = (now_s() - t0) / reps;
    double t1 = now_s();
    for (int r = 0; r < reps; r++)
        sink += k->linf_min(&s, x, NULL);
    double dl = (now_s() - t1) / reps;
    printf("  %-7s d=%-5u n=%-6u set %8.0f KiB  l2-min %8.2f ns/vec %6.1f GB/s   linf-min %8.2f ns/vec\n",
           k->name, dim, count, bytes / 1024, dt * 1e9 / count, bytes / dt / 1e9, dl * 1e9 / count);
    if (!strcmp(k->name, "scalar")) {
        scalar_l2_ns = dt * 1e9 / count;
        scalar_linf_ns = dl * 1e9 / count;
    } else if (scalar_l2_ns > 0) {
        printf("RESULT metric=l2min_%s_d%u_n%u value=%.3f unit=ns/vec peer=scalar peer_value=%.3f "
               "better=lower\n", k->name, dim, count, dt * 1e9 / count, scalar_l2_ns);
        printf("RESULT metric=linfmin_%s_d%u_n%u value=%.3f unit=ns/vec peer=scalar peer_value=%.3f "
               "better=lower\n", k->name, dim, count, dl * 1e9 / count, scalar_linf_ns);
    }
    (void)sink;
    free(x);
    ig_vset_free(&s);
}

static void bench_quantise(const struct ig_kern_ops *k)
{
    size_t n = 150528;   /* 224 x 224 x 3 */
    float *x = malloc(n * 4), *salt = malloc(n * 4);
    int16_t *q = malloc(n * 2);
    uint32_t *b = malloc(n * 4);
    for (size_t i = 0; i < n; i++) {
        x[i] = frand();
        salt[i] = (float)(int)(frand() * 255);
    }
    int reps = quick ? 10 : 400;
    double t0 = now_s();
    for (int r = 0; r < reps; r++)
        k->quantise(x, salt, n, 50.0f, q);
    double tq = (now_s() - t0) / reps;
    t0 = now_s();
    for (int r = 0; r < reps; r++)
        k->bin_index(x, n, 0.0f, 10.0f, 10, b);
    double tb = (now_s() - t0) / reps;
    printf("  %-7s quantise %6.3f ns/value   bin_index %6.3f ns/value\n", k->name, tq * 1e9 / n,
           tb * 1e9 / n);
    if (!strcmp(k->name, "scalar")) {
        scalar_q_ns = tq * 1e9 / n;
        scalar_b_ns = tb * 1e9 / n;
    } else if (scalar_q_ns > 0) {
        printf("RESULT metric=quantise_%s value=%.3f unit=ns/value peer=scalar peer_value=%.3f "
               "better=lower\n", k->name, tq * 1e9 / n, scalar_q_ns);
        printf("RESULT metric=bin_index_%s value=%.3f unit=ns/value peer=scalar peer_value=%.3f "
               "better=lower\n", k->name, tb * 1e9 / n, scalar_b_ns);
    }
    free(x);
    free(salt);
    free(q);
    free(b);
}

static void on_finding(void *ctx, const struct ig_finding *f)
{
    (void)f;
    ++*(uint64_t *)ctx;
}

static void bench_fingerprint(void)
{
    char dir[] = "/tmp/ig_bench_fp_XXXXXX", path[600];
    if (!mkdtemp(dir))
        return;
    snprintf(path, sizeof(path), "%s/fp.yaml", dir);
    FILE *f = fopen(path, "w");
    fputs("- detector: adversarial.fingerprint\n  params:\n    min_features: 64\n", f);
    fclose(f);
    struct ig_rules *rules = NULL;
    char err[512];
    if (ig_rules_load_dir(dir, &rules, err, sizeof(err)) != 0) {
        fprintf(stderr, "bench_kernels: rules: %s\n", err);
        return;
    }
    unlink(path);
    rmdir(dir);
    const uint32_t dims[] = { 64, 784, 3072 };
    for (int k = 0; k < 3; k++) {
        uint32_t d = dims[k];
        void *g = NULL;
        if (ig_detector_init(&ig_det_adversarial_fingerprint, &no_env, rules, &g, err, sizeof(err)))
            return;
        void *client = calloc(1, ig_det_adversarial_fingerprint.client_size);
        struct ig_scratch scratch;
        ig_scratch_init(&scratch, 1 << 16, 1 << 24);
        uint64_t findings = 0;
        struct ig_emit emit = { on_finding, &findings };
        struct ig_call call = { .global = g, .client = client, .emit = &emit, .scratch = &scratch };
        int nq = quick ? 1000 : 20000;
        float *xs = malloc((size_t)64 * d * 4);
        for (size_t i = 0; i < (size_t)64 * d; i++)
            xs[i] = frand();
        struct ig_event ev = { .flags = IG_EV_TENSOR, .rows = 1, .features = d };
        double t0 = now_s();
        for (int q = 0; q < nq; q++) {
            ev.inputs = xs + (size_t)(q % 64) * d;   /* repeats every 64: the index is busy */
            ig_scratch_reset(&scratch);
            ig_det_adversarial_fingerprint.observe(&call, &ev);
        }
        double dt = (now_s() - t0) / nq;
        printf("  fingerprint d=%-5u %8.0f ns/query (%.2f ns/value, %llu findings)\n", d, dt * 1e9,
               dt * 1e9 / d, (unsigned long long)findings);
        printf("RESULT metric=fingerprint_d%u_history256 value=%.0f unit=ns/event better=lower\n", d,
               dt * 1e9);
        ig_det_adversarial_fingerprint.evict(&call);
        ig_det_adversarial_fingerprint.free(g);
        ig_scratch_free(&scratch);
        free(client);
        free(xs);
    }
    ig_rules_free(rules);
}

int main(int argc, char **argv)
{
    const char *q = getenv("IG_BENCH_QUICK");
    quick = q && *q && strcmp(q, "0");
    if (argc > 1 && !strcmp(argv[1], "--fingerprint")) {
        bench_fingerprint();
        return 0;
    }
    printf("bench_kernels: cpu level %s, dispatch %s\n", ig_cpu_level_name(ig_cpu_level()),
           ig_kern()->name);
    const struct ig_kern_ops *paths[3] = { ig_kern_for(IG_CPU_SCALAR), ig_kern_for(IG_CPU_AVX2),
                                           ig_kern_for(IG_CPU_AVX512) };
    struct { uint32_t dim, count; } shapes[] = {
        { 64, 256 },      /* 64 KiB: L1/L2 */
        { 64, 4096 },     /* 1 MiB: L2 */
        { 64, 10000 },    /* 2.5 MiB: PRADA's bench set */
        { 784, 1024 },    /* 3 MiB */
        { 3072, 256 },    /* 3 MiB */
        { 64, 200000 },   /* 49 MiB: DRAM */
    };
    printf("distance kernels (min over the set; higher GB/s = closer to the machine's limit):\n");
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        scalar_l2_ns = scalar_linf_ns = 0;
        if (quick && shapes[s].count > 10000)
            continue;   /* the DRAM-sized set takes seconds to fill */
        for (int p = 0; p < 3; p++)
            if (paths[p])
                bench_distance(paths[p], shapes[s].dim, shapes[s].count);
    }
    printf("quantise / bins:\n");
    for (int p = 0; p < 3; p++)
        if (paths[p])
            bench_quantise(paths[p]);
    printf("adversarial.fingerprint (q=50, w=20, S=50, history 256; %s kernels):\n", ig_kern()->name);
    bench_fingerprint();
    return 0;
}
