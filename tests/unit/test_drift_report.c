/* Drift reference profiles (msgpack round trip, bad files) and reports (JSON + HTML files,
 * index page) produced by the real detector over a stream that shifts halfway.
 * With IG_DRIFT_REPORT_OUT=DIR the reports are left in DIR (the Chromium render test). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <inferguard/detector.h>
#include "drift/drift.h"

extern const struct ig_detector ig_det_drift_features;

#define NF 6
#define NO 3

static uint64_t rs = 99;
static double urand(void)
{
    rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27;
    return (double)((rs * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0;
}
static double nrand(void)
{
    return sqrt(-2.0 * log(urand() + 1e-300)) * cos(2 * M_PI * urand());
}

/* Fills one single-row event; after the shift two features move and the prior changes. */
static void make_event(struct ig_event *ev, float *in, float *sc, int32_t *label, uint64_t i,
                       bool shifted, const char *model)
{
    memset(ev, 0, sizeof *ev);
    snprintf(ev->model, sizeof ev->model, "%s", model);
    snprintf(ev->model_version, sizeof ev->model_version, "3");
    ev->req_time_us = 1764000000000000ull + i * 2000;
    ev->latency_us = (shifted ? 2500 : 1200) + (uint64_t)(urand() * 200);
    ev->rows = 1;
    ev->features = NF;
    ev->outputs = NO;
    ev->flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS;
    for (int f = 0; f < NF; f++)
        in[f] = (float)(nrand() * (f + 1) + (shifted && f < 4 ? 1.5 * (f + 1) : 0));
    double u = urand();
    *label = shifted ? (u < 0.2 ? 0 : (u < 0.4 ? 1 : 2)) : (u < 0.6 ? 0 : (u < 0.9 ? 1 : 2));
    double top = shifted ? 0.6 : 0.9;
    for (int k = 0; k < NO; k++)
        sc[k] = (float)((1 - top) / 2);
    sc[*label] = (float)top;
    ev->inputs = in;
    ev->scores = sc;
    ev->labels = label;
}

static char *tmpdir(void)
{
    char *d = strdup("/tmp/ig-drift-test-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static void test_profile_roundtrip(void **state)
{
    (void)state;
    struct ig_baseline *b = ig_baseline_new(500, 4);
    assert_non_null(b);
    struct ig_event ev;
    float in[NF], sc[NO];
    int32_t label;
    for (uint64_t i = 0; i < 2000; i++) {
        make_event(&ev, in, sc, &label, i, false, i % 2 ? "resnet" : "iris");
        assert_int_equal(ig_baseline_add(b, &ev), IG_OK);
    }
    assert_int_equal(ig_baseline_models(b), 2);
    assert_int_equal(ig_baseline_rows(b), 2000);
    char *d = tmpdir(), path[256], err[256];
    snprintf(path, sizeof path, "%s/ref.msgpack", d);
    assert_int_equal(ig_baseline_save(b, path, err, sizeof err), IG_OK);

    struct ig_drift_profile **p = NULL;
    uint32_t n = 0;
    assert_int_equal(ig_drift_profiles_load(path, &p, &n, err, sizeof err), IG_OK);
    assert_int_equal(n, 2);
    for (uint32_t i = 0; i < n; i++) {
        const struct ig_drift_profile *orig = NULL;
        /* The builder's own profiles are frozen by save(): compare field by field. */
        struct ig_baseline *bb = b;
        (void)bb;
        assert_true(p[i]->frozen);
        assert_int_equal(p[i]->nfeat, NF);
        assert_int_equal(p[i]->nout, NO);
        assert_int_equal(p[i]->rows, 1000);
        assert_int_equal(p[i]->col[0].n, 500);
        assert_string_equal(p[i]->version, "3");
        assert_true(p[i]->class_count[0] > p[i]->class_count[2]);
        assert_int_equal(p[i]->conf.n, 1000);
        assert_true(p[i]->latency.n == 1000);
        for (uint32_t k = 1; k < p[i]->col[2].n; k++)
            assert_true(p[i]->col[2].x[k - 1] <= p[i]->col[2].x[k]);
        (void)orig;
    }
    assert_true(strcmp(p[0]->model, "iris") == 0 || strcmp(p[1]->model, "iris") == 0);
    for (uint32_t i = 0; i < n; i++)
        ig_drift_profile_free(p[i]);
    free(p);
    ig_baseline_free(b);

    /* An empty baseline is an error with a sentence, not an empty file. */
    b = ig_baseline_new(0, 0);
    assert_int_equal(ig_baseline_save(b, path, err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "no inference events"));
    ig_baseline_free(b);
    rm_rf(d);
    free(d);
}

static void test_bad_profiles(void **state)
{
    (void)state;
    struct ig_drift_profile **p = NULL;
    uint32_t n = 0;
    char err[256];
    assert_int_equal(ig_drift_profiles_decode("hello", 5, &p, &n, err, sizeof err), IG_EPARSE);
    assert_null(p);
    /* {"format":1,"kind":"x"} */
    const uint8_t wrong_kind[] = { 0x82, 0xa6, 'f', 'o', 'r', 'm', 'a', 't', 0x01, 0xa4, 'k', 'i', 'n', 'd', 0xa1, 'x' };
    assert_int_equal(ig_drift_profiles_decode(wrong_kind, sizeof wrong_kind, &p, &n, err, sizeof err), IG_EPARSE);
    assert_non_null(strstr(err, "kind"));
    assert_int_equal(ig_drift_profiles_decode("", 0, &p, &n, err, sizeof err), IG_EPARSE);
    assert_int_equal(ig_drift_profiles_load("/nonexistent/ref.msgpack", &p, &n, err, sizeof err), IG_EIO);
    assert_non_null(strstr(err, "/nonexistent/ref.msgpack"));

    /* Every truncation of a valid file fails cleanly. */
    struct ig_baseline *b = ig_baseline_new(50, 1);
    struct ig_event ev;
    float in[NF], sc[NO];
    int32_t label;
    for (uint64_t i = 0; i < 60; i++) {
        make_event(&ev, in, sc, &label, i, false, "m");
        ig_baseline_add(b, &ev);
    }
    char *d = tmpdir(), path[256];
    snprintf(path, sizeof path, "%s/ref.msgpack", d);
    assert_int_equal(ig_baseline_save(b, path, err, sizeof err), IG_OK);
    ig_baseline_free(b);
    FILE *f = fopen(path, "rb");
    static uint8_t buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(len > 100 && len < sizeof buf);
    for (size_t cut = 0; cut < len; cut += 7) {
        int rc = ig_drift_profiles_decode(buf, cut, &p, &n, err, sizeof err);
        assert_true(rc < 0);
    }
    assert_int_equal(ig_drift_profiles_decode(buf, len, &p, &n, err, sizeof err), IG_OK);
    ig_drift_profile_free(p[0]);
    free(p);
    rm_rf(d);
    free(d);
}

static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name), s = strlen(suffix);
        if (l > s && strcmp(e->d_name + l - s, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

static void noop_emit(void *ctx, const struct ig_finding *f)
{
    (*(int *)ctx)++;
    (void)f;
}

static void test_reports_written(void **state)
{
    (void)state;
    const char *keep = getenv("IG_DRIFT_REPORT_OUT");
    char *d = keep ? strdup(keep) : tmpdir(), err[256];
    struct ig_drift_writer *w = ig_drift_writer_new(d, err, sizeof err);
    assert_non_null(w);
    struct ig_env env = { 0 };
    ig_drift_env(&env, w);
    void *global = NULL;
    assert_int_equal(ig_detector_init(&ig_det_drift_features, &env, NULL, &global, err, sizeof err), IG_OK);
    void *slice = NULL;
    int nfind = 0;
    struct ig_emit emit = { noop_emit, &nfind };
    struct ig_call call = { .global = global, .model = &slice, .emit = &emit };
    struct ig_event ev;
    float in[NF], sc[NO];
    int32_t label;
    /* Model name with characters a path must not carry. */
    const char *model = "fraud/<scorer>";
    for (uint64_t i = 0; i < 5500; i++) {
        make_event(&ev, in, sc, &label, i, i >= 3000, model);
        ig_det_drift_features.observe(&call, &ev);
        if (i % 250 == 0)
            ig_det_drift_features.tick(&call, ev.req_time_us);
    }
    ig_det_drift_features.tick(&call, ev.req_time_us);
    ig_det_drift_features.model_free(&call);
    ig_det_drift_features.free(global);   /* writes the partial last window */
    uint64_t written, failed;
    ig_drift_report_counts(w, &written, &failed);
    assert_int_equal(written, 5);
    assert_int_equal(failed, 0);
    ig_drift_writer_free(w);
    assert_true(nfind >= 3);

    char mdir[512], path[1024];
    snprintf(mdir, sizeof mdir, "%s/fraud__scorer_", d);
    assert_int_equal(count_files(mdir, ".json"), 5);
    assert_int_equal(count_files(mdir, ".html"), 5);
    assert_int_equal(count_files(mdir, ".tmp"), 0);
    /* Window 0 starts right after the 1000 reference rows: event 1000. */
    snprintf(path, sizeof path, "%s/2025-11-24T160002.000000Z.json", mdir);
    char *js = tst_slurp(path, NULL);
    assert_non_null(strstr(js, "\"schema\":\"inferguard.drift.report/1\""));
    assert_non_null(strstr(js, "\"features_drifted\":false"));
    free(js);
    /* Window 3 is after the shift (rows 4000-4999). */
    snprintf(path, sizeof path, "%s/2025-11-24T160008.000000Z.json", mdir);
    js = tst_slurp(path, NULL);
    assert_non_null(strstr(js, "\"features_drifted\":true"));
    assert_non_null(strstr(js, "\"predictions_drifted\":true"));
    assert_non_null(strstr(js, "\"histogram\""));
    free(js);
    snprintf(path, sizeof path, "%s/2025-11-24T160008.000000Z.html", mdir);
    char *html = tst_slurp(path, NULL);
    const char *sections[] = { "id=\"summary\"", "id=\"reference\"", "id=\"features\"",
                               "id=\"histograms\"", "id=\"classes\"", "id=\"series\"", "<svg" };
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        assert_non_null(strstr(html, sections[i]));
    assert_null(strstr(html, "<scorer>"));          /* escaped */
    assert_null(strstr(html, "http://"));           /* self-contained */
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<script"));
    free(html);
    snprintf(path, sizeof path, "%s/index.html", d);
    html = tst_slurp(path, NULL);
    assert_non_null(strstr(html, "fraud__scorer_/2025-11-24T160008.000000Z.html"));
    free(html);
    if (!keep)
        rm_rf(d);
    free(d);
}

static void test_detector_loads_reference_file(void **state)
{
    (void)state;
    /* A profile built offline is what the detector compares against from the first window. */
    struct ig_baseline *b = ig_baseline_new(0, 0);
    struct ig_event ev;
    float in[NF], sc[NO];
    int32_t label;
    for (uint64_t i = 0; i < 3000; i++) {
        make_event(&ev, in, sc, &label, i, false, "iris");
        ig_baseline_add(b, &ev);
    }
    char *d = tmpdir(), path[256], err[256];
    snprintf(path, sizeof path, "%s/ref.msgpack", d);
    assert_int_equal(ig_baseline_save(b, path, err, sizeof err), IG_OK);
    ig_baseline_free(b);

    char rules_dir[256], yaml[300];
    snprintf(rules_dir, sizeof rules_dir, "%s/rules", d);
    assert_int_equal(mkdir(rules_dir, 0755), 0);
    snprintf(yaml, sizeof yaml, "%s/drift.yaml", rules_dir);
    FILE *f = fopen(yaml, "w");
    fprintf(f, "- detector: drift.features\n  params:\n    reference: %s\n", path);
    fclose(f);
    struct ig_rules *rules = NULL;
    if (ig_rules_load_dir(rules_dir, &rules, err, sizeof err) != IG_OK) {
        rm_rf(d);
        free(d);
        fail_msg("a drift rule naming a reference no longer loads: %s", err);
    }
    struct ig_env env = { 0 };
    ig_drift_env(&env, NULL);   /* the profile loader, no report writer */
    void *global = NULL;
    assert_int_equal(ig_detector_init(&ig_det_drift_features, &env, rules, &global, err, sizeof err), IG_OK);
    void *slice = NULL;
    int nfind = 0;
    struct ig_emit emit = { noop_emit, &nfind };
    struct ig_call call = { .global = global, .model = &slice, .emit = &emit };
    for (uint64_t i = 0; i < 1000; i++) {      /* shifted from the start: no learning phase */
        make_event(&ev, in, sc, &label, i, true, "iris");
        ig_det_drift_features.observe(&call, &ev);
    }
    assert_true(nfind >= 2);
    ig_det_drift_features.model_free(&call);
    ig_det_drift_features.free(global);
    ig_rules_free(rules);

    /* A reference that does not load names the rules line that gives it. */
    char gone[300], want[700];
    snprintf(gone, sizeof gone, "%s/gone.msgpack", d);
    f = fopen(yaml, "w");
    fprintf(f, "- detector: drift.features\n  params:\n    reference: %s\n", gone);
    fclose(f);
    assert_int_equal(ig_rules_load_dir(rules_dir, &rules, err, sizeof err), IG_OK);
    char ierr[512];
    assert_int_equal(ig_detector_init(&ig_det_drift_features, &env, rules, &global, ierr, sizeof ierr), IG_ECONF);
    snprintf(want, sizeof want, "%s:3: drift.features.reference '%s': ", yaml, gone);
    if (!strstr(ierr, want))
        fail_msg("'%s' does not start with '%s'", ierr, want);
    ig_rules_free(rules);
    rm_rf(d);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_roundtrip),
        cmocka_unit_test(test_bad_profiles),
        cmocka_unit_test(test_reports_written),
        cmocka_unit_test(test_detector_loads_reference_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
