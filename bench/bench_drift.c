/* bench_drift: drift evaluation throughput in feature-samples per second (features x window
 * rows / time) at 64 features, a 5 000-row reference and 1 000-row windows, next to the
 * Python reference (bench/python/drift_ref.py: scipy ks_2samp + PSI per feature, what Alibi
 * Detect's KSDrift does).
 *
 *   bench_drift               C (full detector path, and statistics alone) and Python, then
 *                             the run lengths below
 *   bench_drift --no-python   C side only
 *   bench_drift --arl         average run length of the sequential (CUSUM) alarms and of
 *                             drift findings on stationary traffic, against the target
 *
 * "detector" feeds events through the drift detector: copying rows into the window, and at
 * each full window PSI, KS (D and p), JS and W1 for every feature plus the verdict, class
 * chi-square and report preparation. "stats" times only the per-feature tests the Python
 * side runs (sort + PSI + KS D and p) on the same data; as in the detector, the reference
 * columns are sorted and rank-indexed once (ig_drift_index), so KS ranks each window value
 * instead of merging the whole reference. Both sides are timed in CPU time of the process
 * (Python: time.process_time), so other load on a shared machine slows neither. Prints
 * RESULT lines (ns per feature-sample, the Python reference as peer; run lengths, the
 * target as peer) for bench/run.sh; IG_BENCH_QUICK=1 times 4 windows (Python 2) instead
 * of 40 (20). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <inferguard/detector.h>
#include <inferguard/rules.h>
#include "stats/drift_stats.h"
#include "stats/drift_profile.h"

extern const struct ig_detector ig_det_drift_features;

#define F 64
#define REF 5000
#define WIN 1000
static int WINDOWS = 40, PY_WINDOWS = 20;

static uint64_t rs = 7;
static double nrand(void)
{
    double u[2];
    for (int i = 0; i < 2; i++) {
        rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27;
        u[i] = (double)((rs * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0 + 1e-300;
    }
    return sqrt(-2.0 * log(u[0])) * cos(2 * M_PI * u[1]);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int findings;
static void count(void *ctx, const struct ig_finding *f)
{
    (void)ctx; (void)f;
    findings++;
}

/* ---- average run length of the sequential detector on stationary traffic ---- */

static uint64_t arl_alarms, arl_confirmed;
static int arl_findings;
static void arl_report(void *ctx, const struct ig_drift_report *r)
{
    (void)ctx;
    arl_alarms = r->seq_alarms;
    arl_confirmed = r->seq_confirmed;
}
static void arl_count(void *ctx, const struct ig_finding *f)
{
    (void)ctx;
    if (strncmp(f->analytic, "drift.", 6) == 0)
        arl_findings++;
}

/* Streams <rows> stationary N(0,1) rows of <nf> features (one client, 1 ms apart) through
 * the detector with a target of <target> rows between false alarms; prints the measured
 * run lengths (rows per raw CUSUM alarm, per confirmed alarm, per finding of any kind). */
static void arl_run(uint32_t nf, uint64_t rows, double target)
{
    char yaml[256];
    snprintf(yaml, sizeof yaml, "- detector: drift.features\n  params:\n    arl_rows: %.0f\n", target);
    struct ig_rules *rules = NULL;
    char err[256];
    void *global = NULL, *slice = NULL;
    const struct ig_env arl_env = { .report = arl_report };
    if (ig_rules_load_buf("arl", yaml, strlen(yaml), &rules, err, sizeof err) != IG_OK ||
        ig_detector_init(&ig_det_drift_features, &arl_env, rules, &global, err, sizeof err) != IG_OK) {
        fprintf(stderr, "bench_drift: arl: %s\n", err);
        exit(1);
    }
    arl_alarms = arl_confirmed = 0;
    arl_findings = 0;
    struct ig_emit emit = { arl_count, NULL };
    struct ig_call call = { .global = global, .model = &slice, .emit = &emit };
    float *row = malloc(sizeof(float) * nf);
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    strcpy(ev.model, "arl");
    strcpy(ev.client_id, "10.0.0.1");
    ev.rows = 1;
    ev.features = nf;
    ev.inputs = row;
    ev.flags = IG_EV_TENSOR;
    for (uint64_t i = 0; i < rows; i++) {
        for (uint32_t f = 0; f < nf; f++)
            row[f] = (float)nrand();
        ev.req_time_us = 1000u * i;
        ig_det_drift_features.observe(&call, &ev);
        if (i % 1000 == 999)
            ig_det_drift_features.tick(&call, ev.req_time_us);
    }
    ig_det_drift_features.finish(&call, ev.req_time_us);
    ig_det_drift_features.model_free(&call);
    ig_det_drift_features.free(global);
    ig_rules_free(rules);
    free(row);
    double r = (double)rows;
    printf("arl features=%u rows=%llu target_rows=%.0f cusum_alarms=%llu confirmed=%llu findings=%d "
           "arl_alarm_rows=%.0f arl_finding_rows=%.0f\n", nf, (unsigned long long)rows, target,
           (unsigned long long)arl_alarms, (unsigned long long)arl_confirmed, arl_findings,
           arl_alarms ? r / (double)arl_alarms : INFINITY,
           arl_findings ? r / arl_findings : INFINITY);
    /* the target as the peer: ratio >= 1 when false alarms come no more often than it
     * allows (a run without any shows the run's length: a lower bound) */
    printf("RESULT metric=drift_arl_alarm_f%u_target%.0f value=%.0f unit=rows peer=target "
           "peer_value=%.0f better=higher\n", nf, target, arl_alarms ? r / (double)arl_alarms : r,
           target);
    printf("RESULT metric=drift_arl_finding_f%u_target%.0f value=%.0f unit=rows peer=target "
           "peer_value=%.0f better=higher\n", nf, target, arl_findings ? r / arl_findings : r,
           target);
}

int main(int argc, char **argv)
{
    bool python = !(argc > 1 && strcmp(argv[1], "--no-python") == 0);
    if (argc > 1 && strcmp(argv[1], "--arl") == 0) {
        /* Stationary traffic: run lengths against two targets (the default, and a short one
         * that must show alarms to prove the control is not just silent). Rows: 1M each
         * (IG_BENCH_QUICK: 200k). */
        const char *q = getenv("IG_BENCH_QUICK");
        uint64_t rows = q && *q && strcmp(q, "0") ? 200000 : 1000000;
        arl_run(64, rows, 1e6);
        arl_run(64, rows, 2e4);
        return 0;
    }
    const char *quick = getenv("IG_BENCH_QUICK");
    if (quick && *quick && strcmp(quick, "0")) {
        WINDOWS = 4;
        PY_WINDOWS = 2;
    }
    static const char yaml[] = "- detector: drift.features\n  params:\n    reference_rows: 5000\n"
                               "    reservoir: 5000\n    window_rows: 1000\n";
    struct ig_rules *rules = NULL;
    char err[256];
    if (ig_rules_load_buf("bench", yaml, sizeof yaml - 1, &rules, err, sizeof err) != IG_OK) {
        fprintf(stderr, "bench_drift: rules: %s\n", err);
        return 1;
    }
    void *global = NULL;
    /* the report hook counts the CUSUM alarms of the timed run (reports carry the totals) */
    const struct ig_env env = { .report = arl_report };
    if (ig_detector_init(&ig_det_drift_features, &env, rules, &global, err, sizeof err) != IG_OK) {
        fprintf(stderr, "bench_drift: %s\n", err);
        return 1;
    }
    void *slice = NULL;
    struct ig_emit emit = { count, NULL };
    struct ig_call call = { .global = global, .model = &slice, .emit = &emit };
    float row[F];
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    strcpy(ev.model, "bench");
    ev.rows = 1;
    ev.features = F;
    ev.inputs = row;
    ev.flags = IG_EV_TENSOR;
    /* Rows are generated up front so that only the detector is timed. */
    float *rows = malloc(sizeof(float) * F * (size_t)WIN * WINDOWS);
    for (int i = 0; i < REF; i++) {
        for (int f = 0; f < F; f++)
            row[f] = (float)nrand();
        ev.req_time_us = 1000u * (uint64_t)i;
        ig_det_drift_features.observe(&call, &ev);
    }
    for (size_t i = 0; i < (size_t)WIN * WINDOWS; i++)
        for (int f = 0; f < F; f++)
            rows[i * F + f] = (float)(nrand() + 0.1 * ((i / WIN) % 3));
    arl_alarms = arl_confirmed = 0;
    double t0 = now_s();
    for (size_t i = 0; i < (size_t)WIN * WINDOWS; i++) {
        ev.inputs = rows + i * F;
        ev.req_time_us = 1000u * (REF + i);
        ig_det_drift_features.observe(&call, &ev);
    }
    double dt = now_s() - t0, det_rate = (double)F * WIN * WINDOWS / dt;
    printf("c-detector features=%d ref=%d window=%d windows=%d seconds=%.4f feature_samples_per_s=%.0f "
           "ns_per_feature_sample=%.2f findings=%d cusum_alarms=%llu confirmed=%llu\n",
           F, REF, WIN, WINDOWS, dt, det_rate, 1e9 / det_rate, findings,
           (unsigned long long)arl_alarms, (unsigned long long)arl_confirmed);

    /* Statistics alone: sorted reference columns, per window and feature sort + PSI + KS. */
    float *ref = malloc(sizeof(float) * F * REF), *cur = malloc(sizeof(float) * WIN),
          *tmp = malloc(sizeof(float) * REF);
    double edges[F][9], refp[F][10];
    /* The reference is sorted and indexed once, as the detector does at freeze. */
    struct ig_drift_index ix[F];
    uint32_t *cells = malloc(sizeof(uint32_t) * F * ig_drift_index_cells(REF));
    for (int f = 0; f < F; f++) {
        for (int i = 0; i < REF; i++)
            ref[f * REF + i] = (float)nrand();
        ig_drift_sort_f32(ref + f * REF, tmp, REF);
        ig_drift_index_build(&ix[f], ref + f * REF, REF, cells + (size_t)f * ig_drift_index_cells(REF));
        uint32_t c[10];
        ig_drift_quantile_edges(ref + f * REF, REF, 10, edges[f]);
        ig_drift_bin_counts_sorted(ref + f * REF, REF, edges[f], 10, c);
        for (int b = 0; b < 10; b++)
            refp[f][b] = c[b] / (double)REF;
    }
    int drifted = 0;
    double sink = 0;
    t0 = now_s();
    for (int w = 0; w < WINDOWS; w++)
        for (int f = 0; f < F; f++) {
            for (int i = 0; i < WIN; i++)
                cur[i] = rows[((size_t)w * WIN + i) * F + f];
            ig_drift_sort_f32(cur, tmp, WIN);
            uint32_t c[10];
            double cp[10];
            ig_drift_bin_counts_sorted(cur, WIN, edges[f], 10, c);
            for (int b = 0; b < 10; b++)
                cp[b] = c[b] / (double)WIN;
            double psi = ig_drift_psi(refp[f], cp, 10, 1e-4);
            double d;
            ig_drift_ks_w1_fast(&ix[f], NULL, cur, WIN, &d, NULL);
            sink += ig_drift_ks_p(d, REF, WIN);
            drifted += psi >= 0.1;
        }
    dt = now_s() - t0;
    double st_rate = (double)F * WIN * WINDOWS / dt;
    printf("c-stats features=%d ref=%d window=%d windows=%d seconds=%.4f feature_samples_per_s=%.0f "
           "drifted=%d (p-sum %.3g)\n", F, REF, WIN, WINDOWS, dt, st_rate, drifted, sink);
    ig_det_drift_features.model_free(&call);
    ig_det_drift_features.free(global);
    ig_rules_free(rules);
    free(rows);
    free(ref);
    free(cells);
    free(cur);
    free(tmp);
    if (!python) {
        printf("RESULT metric=drift_detector_f%d_win%d value=%.2f unit=ns/feature-sample better=lower\n",
               F, WIN, 1e9 / det_rate);
        printf("RESULT metric=drift_stats_f%d_win%d value=%.2f unit=ns/feature-sample better=lower\n",
               F, WIN, 1e9 / st_rate);
        return 0;
    }

    /* The source tree: $IG_SRC, else where this file was compiled from. */
    char src[512], cmd[1024];
    const char *e = getenv("IG_SRC");
    snprintf(src, sizeof src, "%s", e ? e : __FILE__);
    char *cut = e ? NULL : strstr(src, "/bench/bench_drift.c");
    if (cut)
        *cut = 0;
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/bench/python/drift_ref.py %d %d %d %d",
             src, F, REF, WIN, PY_WINDOWS);
    FILE *p = popen(cmd, "r");
    char line[512];
    double py_rate = 0;
    while (p && fgets(line, sizeof line, p)) {
        fputs(line, stdout);
        char *k = strstr(line, "feature_samples_per_s=");
        if (k)
            py_rate = atof(k + 22);
    }
    if (!p || pclose(p) != 0 || py_rate <= 0) {
        fprintf(stderr, "bench_drift: python reference failed (%s)\n", cmd);
        return 1;
    }
    printf("ratio detector/python=%.1fx stats/python=%.1fx\n", det_rate / py_rate, st_rate / py_rate);
    printf("RESULT metric=drift_detector_f%d_win%d value=%.2f unit=ns/feature-sample peer=python_scipy "
           "peer_value=%.2f better=lower\n", F, WIN, 1e9 / det_rate, 1e9 / py_rate);
    printf("RESULT metric=drift_stats_f%d_win%d value=%.2f unit=ns/feature-sample peer=python_scipy "
           "peer_value=%.2f better=lower\n", F, WIN, 1e9 / st_rate, 1e9 / py_rate);
    /* The run lengths too, so bench/run.sh reports them with the speed. */
    uint64_t arl_rows = WINDOWS == 4 ? 200000 : 1000000;
    rs = 7;                              /* the rows of `bench_drift --arl` */
    arl_run(64, arl_rows, 1e6);
    arl_run(64, arl_rows, 2e4);
    return 0;
}
