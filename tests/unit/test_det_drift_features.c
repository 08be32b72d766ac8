/* The drift detector on synthetic streams: a shift after the midpoint (a feature's mean,
 * scaling, class prior, confidence) is found after it and never before; a stream without
 * a shift raises nothing. Events are hand-built; the detector is driven as the engine does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <inferguard/detector.h>
#include "stats/drift_profile.h"

extern const struct ig_detector ig_det_drift_features;

#define NF 8
#define NO 3
#define MAXF 64

struct got {
    char analytic[MAXF][32];
    char detection[MAXF][16];
    double change_us[MAXF];
    uint64_t t[MAXF];
    int sev[MAXF];
    int n;
    int reports, partial_reports;
    uint64_t last_window_rows;
    uint64_t excluded[16];           /* rows_excluded of the first 16 full windows */
    char note[192];
    uint64_t sum;                    /* of every finding's fields, scores and evidence */
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001b3ull;
    return h;
}

static void on_finding(void *ctx, const struct ig_finding *f)
{
    struct got *g = ctx;
    if (g->n < MAXF) {
        snprintf(g->analytic[g->n], sizeof g->analytic[0], "%s", f->analytic);
        g->t[g->n] = f->time_us;
        g->sev[g->n] = f->severity;
        g->detection[g->n][0] = 0;
        g->change_us[g->n] = 0;
        for (uint32_t i = 0; i < f->nevidence; i++)
            if (strcmp(f->evidence[i].key, "detection") == 0)
                snprintf(g->detection[g->n], sizeof g->detection[0], "%s", f->evidence[i].value);
        for (uint32_t i = 0; i < f->nscores; i++)
            if (strcmp(f->scores[i].key, "change_time_us") == 0)
                g->change_us[g->n] = f->scores[i].value;
        g->n++;
    }
    uint64_t h = fnv(g->sum ? g->sum : 0xcbf29ce484222325ull, f->analytic, strlen(f->analytic));
    h = fnv(h, &f->time_us, sizeof f->time_us);
    h = fnv(h, &f->severity, sizeof f->severity);
    if (f->title)
        h = fnv(h, f->title, strlen(f->title));
    for (uint32_t i = 0; i < f->nscores; i++) {
        h = fnv(h, f->scores[i].key, strlen(f->scores[i].key));
        h = fnv(h, &f->scores[i].value, sizeof f->scores[i].value);
    }
    for (uint32_t i = 0; i < f->nevidence; i++) {
        h = fnv(h, f->evidence[i].key, strlen(f->evidence[i].key));
        h = fnv(h, f->evidence[i].value, strlen(f->evidence[i].value));
    }
    g->sum = h;
}

static void on_report(void *ctx, const struct ig_drift_report *r)
{
    struct got *g = ctx;
    g->reports++;
    g->partial_reports += r->partial;
    g->last_window_rows = r->rows;
    if (!r->partial && r->window_index < 16)
        g->excluded[r->window_index] = r->rows_excluded;
    if (r->nnotes)
        snprintf(g->note, sizeof g->note, "%s", r->notes[0]);
    /* The columns come sorted, most drifted first. */
    for (uint32_t i = 1; i < r->ncols; i++)
        if (!isnan(r->cols[i].stat))
            assert_true(r->cols[i - 1].stat >= r->cols[i].stat);
}

static uint64_t rs = 12345;
static double urand(void)
{
    rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27;
    return (double)((rs * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0;
}
static double nrand(void)
{
    double u = urand(), v = urand();
    return sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

/* PRIOR1: the class prior moves as in PRIOR, but the scores do not follow the label (the
 * first is the top one) and only the last score moves: one score column of three drifts. */
enum shift { NONE, MEAN, SCALE, PRIOR, CONF, PRIOR1 };
static int tick_every = 100;   /* events between ticks; 0 = never tick */
/* Every attack_every-th event comes from client "attacker" with uniform queries over a
 * wide box (extraction-style); flagged by "another detector" after flag_after of them
 * (never when 0). Others come from six benign clients. */
static int attack_every = 0, flag_after = 0;

struct run {
    void *global;
    struct { void *m; } slice;
    struct ig_emit emit;
    struct ig_call call;
    struct got got;
};

static uint64_t stream_base;   /* rows streamed since run_start: time runs on */
static const char *stream_model = "iris";   /* the model stream() names */
static const char *run_rules;               /* rules YAML for run_start, or NULL: defaults */
static bool no_reports;                     /* run_start without a report consumer */
static void run_start(struct run *r)
{
    memset(r, 0, sizeof *r);
    stream_base = 0;
    const struct ig_env env = { .report = no_reports ? NULL : on_report, .report_ctx = &r->got };
    char err[256];
    struct ig_rules *rules = NULL;
    if (run_rules)
        assert_int_equal(ig_rules_load_buf("t.yaml", run_rules, strlen(run_rules), &rules, err,
                                           sizeof err), IG_OK);
    assert_int_equal(ig_detector_init(&ig_det_drift_features, &env, rules, &r->global, err, sizeof err), IG_OK);
    ig_rules_free(rules);
    assert_int_equal(ig_det_drift_features.model_size, sizeof r->slice);
    r->emit.fn = on_finding;
    r->emit.ctx = &r->got;
    r->call.global = r->global;
    r->call.model = &r->slice;
    r->call.emit = &r->emit;
}

/* Streams <n> single-row events; the shift starts at event <at>. Returns the time of <at>. */
static uint64_t stream(struct run *r, enum shift sh, int n, int at, const char *version)
{
    const uint64_t t0 = 1764000000000000ull + stream_base * 1000;
    stream_base += (uint64_t)n;
    float in[NF], sc[NO];
    int32_t label;
    struct ig_event ev;
    int attacks = 0;
    for (int i = 0; i < n; i++) {
        bool after = i >= at;
        bool atk = attack_every && i % attack_every == attack_every - 1;
        memset(&ev, 0, sizeof ev);
        snprintf(ev.client_id, sizeof ev.client_id, atk ? "attacker" : "10.0.0.%d", i % 6);
        r->call.client_flags = atk && flag_after && attacks >= flag_after
                               ? IG_CLIENT_FLAGGED_EXTRACTION : 0;
        attacks += atk;
        snprintf(ev.model, sizeof ev.model, "%s", stream_model);
        snprintf(ev.model_version, sizeof ev.model_version, "%s", version);
        ev.req_time_us = t0 + (uint64_t)i * 1000;
        ev.resp_time_us = ev.req_time_us + 800;
        ev.latency_us = 800 + (uint64_t)(urand() * 100);
        ev.rows = 1;
        ev.features = NF;
        ev.outputs = NO;
        ev.flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS;
        for (int f = 0; f < NF; f++) {
            double x = nrand();
            if (after && sh == MEAN)
                x += 1.0;
            if (after && sh == SCALE)
                x *= 2.5;
            in[f] = (float)(f * 10 + x);
            if (atk)
                in[f] = (float)(f * 10 - 6 + 12 * urand());
        }
        /* Class prior 0.6/0.3/0.1, moving to 0.2/0.3/0.5. */
        double u = urand();
        if (after && (sh == PRIOR || sh == PRIOR1))
            label = u < 0.2 ? 0 : (u < 0.5 ? 1 : 2);
        else
            label = u < 0.6 ? 0 : (u < 0.9 ? 1 : 2);
        double top = (after && sh == CONF) ? 0.55 + 0.1 * urand() : 0.85 + 0.1 * urand();
        for (int k = 0; k < NO; k++)
            sc[k] = (float)((1.0 - top) / (NO - 1));
        sc[sh == PRIOR1 ? 0 : label] = (float)top;
        if (after && sh == PRIOR1)
            sc[NO - 1] += 0.25f;
        ev.inputs = in;
        ev.scores = sc;
        ev.labels = &label;
        assert_int_equal(ig_det_drift_features.observe(&r->call, &ev), IG_OK);
        if (tick_every && i % tick_every == tick_every - 1)
            ig_det_drift_features.tick(&r->call, ev.req_time_us);
    }
    return t0 + (uint64_t)at * 1000;
}

static int count(const struct got *g, const char *analytic, uint64_t from, uint64_t to)
{
    int c = 0;
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->analytic[i], analytic) == 0 && g->t[i] >= from && g->t[i] < to)
            c++;
    return c;
}

static void check_shift(enum shift sh, const char *analytic)
{
    struct run r;
    run_start(&r);
    /* 1000 reference rows, then 8 windows of 1000 rows: the shift starts at window 5. */
    uint64_t at = stream(&r, sh, 9000, 5000, "1");
    const char *names[] = { "drift.features", "drift.predictions", "drift.confidence" };
    for (int i = 0; i < 3; i++)
        assert_int_equal(count(&r.got, names[i], 0, at), 0);   /* nothing before the shift */
    int after = count(&r.got, analytic, at, UINT64_MAX);
    if (sh == CONF) {
        assert_true(after >= 1);       /* a change point: once */
    } else if (sh == PRIOR) {
        assert_int_equal(after, 4);    /* every window after the shift */
    } else {
        /* every window after the shift, and one sequential finding a few blocks after it,
         * its change time estimated within 100 rows (1 ms a row) */
        assert_int_equal(after, 5);
        int seq = 0;
        for (int i = 0; i < r.got.n; i++)
            if (strcmp(r.got.detection[i], "sequential") == 0) {
                seq++;
                print_message("sequential: %d rows after the shift, change estimated %+.0f rows\n",
                              (int)((r.got.t[i] - at) / 1000), (r.got.change_us[i] - (double)at) / 1000);
                assert_true(r.got.t[i] - at <= 300 * 1000);
                assert_true(fabs(r.got.change_us[i] - (double)at) <= 100 * 1000);
            }
        assert_int_equal(seq, 1);
    }
    assert_int_equal(r.got.reports, 8);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);
}

static void test_mean_shift(void **s) { (void)s; check_shift(MEAN, "drift.features"); }
static void test_scale_shift(void **s) { (void)s; check_shift(SCALE, "drift.features"); }
static void test_class_prior_shift(void **s) { (void)s; check_shift(PRIOR, "drift.predictions"); }
static void test_confidence_shift(void **s) { (void)s; check_shift(CONF, "drift.confidence"); }

static void test_no_shift_no_finding(void **state)
{
    (void)state;
    for (int rep = 0; rep < 3; rep++) {
        struct run r;
        run_start(&r);
        stream(&r, NONE, 11000, 11000, "1");
        for (int i = 0; i < r.got.n; i++)
            print_message("unexpected %s at %d\n", r.got.analytic[i], (int)((r.got.t[i] - 1764000000000000ull) / 1000));
        assert_int_equal(r.got.n, 0);
        assert_int_equal(r.got.reports, 10);
        ig_det_drift_features.model_free(&r.call);
        ig_det_drift_features.free(r.global);
    }
}

static void test_version_change_and_partial_window(void **state)
{
    (void)state;
    struct run r;
    run_start(&r);
    stream(&r, NONE, 2000, 2000, "1");
    stream(&r, NONE, 700, 700, "2");   /* same model, new version: a note and an info finding */
    assert_int_equal(count(&r.got, "drift.predictions", 0, UINT64_MAX), 1);
    assert_int_equal(r.got.sev[0], IG_SEV_INFO);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);     /* the unfinished window is reported at the end */
    assert_int_equal(r.got.partial_reports, 1);
    assert_true(r.got.last_window_rows == 700);
    assert_non_null(strstr(r.got.note, "'1' to '2'"));
}

/* Windows closing faster than ticks arrive (fast traffic, analyze of a dense capture):
 * every window is still reported, none overwritten by the next. */
static void test_reports_without_ticks(void **state)
{
    (void)state;
    struct run r;
    run_start(&r);
    tick_every = 0;
    stream(&r, NONE, 9000, 9000, "1");
    tick_every = 100;
    assert_int_equal(r.got.reports, 7);   /* the 8th is pending until a tick or the end */
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);
    assert_int_equal(r.got.reports, 8);
    assert_int_equal(r.got.partial_reports, 0);
}

static void test_bad_rules_and_odd_events(void **state)
{
    (void)state;
    struct run r;
    run_start(&r);
    /* Malformed, empty and width-changing events are skipped without harm. */
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    ev.rows = 3;
    ev.flags = IG_EV_MALFORMED;
    assert_int_equal(ig_det_drift_features.observe(&r.call, &ev), IG_OK);
    ev.flags = 0;
    ev.rows = 0;
    assert_int_equal(ig_det_drift_features.observe(&r.call, &ev), IG_OK);
    stream(&r, NONE, 1500, 1500, "1");
    float big[2 * 20];
    for (int i = 0; i < 40; i++)
        big[i] = NAN;
    ev.rows = 2;
    ev.features = 20;
    ev.inputs = big;
    snprintf(ev.model, sizeof ev.model, "iris");
    assert_int_equal(ig_det_drift_features.observe(&r.call, &ev), IG_OK);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);
}

/* No baseline and a shift after 100 or 500 rows, inside the default 1000-row reference:
 * the reference is cut at the change, and the change is a finding soon after it. */
static void check_early(int at_row)
{
    struct run r;
    run_start(&r);
    uint64_t at = stream(&r, MEAN, 4000, at_row, "1");
    assert_int_equal(count(&r.got, "drift.features", 0, at), 0);
    int first = -1;
    for (int i = 0; i < r.got.n; i++)
        if (strcmp(r.got.analytic[i], "drift.features") == 0 && first < 0)
            first = i;
    assert_true(first >= 0);
    print_message("shift at %d: first finding (%s) %d rows after, change estimated %+.0f rows\n",
                  at_row, r.got.detection[first], (int)((r.got.t[first] - at) / 1000),
                  (r.got.change_us[first] - (double)at) / 1000);
    assert_true(r.got.t[first] - at <= 400 * 1000);
    assert_true(fabs(r.got.change_us[first] - (double)at) <= 100 * 1000);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);
}
static void test_shift_after_100_rows(void **s) { (void)s; check_early(100); }
static void test_shift_after_500_rows(void **s) { (void)s; check_early(500); }

/* Stationary traffic with an extraction-style client sending uniform queries: flagged by
 * another detector (from its 30th query, or never: one client holding a tenth of the rows),
 * present from the start or not, it raises no drift finding. */
static void test_attacker_is_not_drift(void **state)
{
    (void)state;
    const int flags[] = { 30, 0 };
    for (int k = 0; k < 2; k++) {
        struct run r;
        run_start(&r);
        attack_every = 10;
        flag_after = flags[k];
        stream(&r, NONE, 8000, 8000, "1");
        attack_every = 0;
        ig_det_drift_features.finish(&r.call, 0);
        for (int i = 0; i < r.got.n; i++)
            print_message("unexpected %s (%s)\n", r.got.analytic[i], r.got.detection[i]);
        assert_int_equal(count(&r.got, "drift.features", 0, UINT64_MAX), 0);
        ig_det_drift_features.model_free(&r.call);
        ig_det_drift_features.free(r.global);
    }
}

/* Ordinary clients sending beside the newcomers (all of them in the reference). */
static int ordinary_clients = 6;

/* <nnew> newcomers ("newcomer-J"; one: "newcomer") among <benign> events of
 * <ordinary_clients> ordinary clients: J sends a 50-row batch every <batch_every> events,
 * three events after J-1's, and is flagged from its <flag_batches>-th batch on. */
static void feed_newcomers(struct run *r, int benign, int batch_every, int flag_batches, int nnew)
{
    const uint64_t t0 = 1764000000000000ull + stream_base * 1000;
    stream_base += (uint64_t)benign + 64;
    static float big[50 * NF], sc[50 * NO];
    static int32_t lab[50];
    float in[NF], s1[NO];
    int32_t label;
    struct ig_event ev;
    int batches[4] = { 0 };
    for (int i = 0; i < benign; i++) {
        memset(&ev, 0, sizeof ev);
        snprintf(ev.model, sizeof ev.model, "iris");
        snprintf(ev.model_version, sizeof ev.model_version, "1");
        ev.req_time_us = t0 + (uint64_t)i * 1000;
        ev.resp_time_us = ev.req_time_us + 800;
        ev.latency_us = 800;
        ev.features = NF;
        ev.outputs = NO;
        ev.flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS;
        int who = -1;
        for (int j = 0; j < nnew; j++)
            if (i % batch_every == (batch_every - 1 + j * 3) % batch_every)
                who = j;
        if (who >= 0) {
            if (nnew == 1)
                snprintf(ev.client_id, sizeof ev.client_id, "newcomer");
            else
                snprintf(ev.client_id, sizeof ev.client_id, "newcomer-%d", who);
            r->call.client_flags = batches[who] >= flag_batches ? IG_CLIENT_FLAGGED_EXTRACTION : 0;
            batches[who]++;
            ev.rows = 50;
            for (int k = 0; k < 50; k++) {
                for (int f = 0; f < NF; f++)
                    big[k * NF + f] = (float)(f * 10 - 6 + 12 * urand());
                lab[k] = (int32_t)(urand() * NO) % NO;
                for (int o = 0; o < NO; o++)
                    sc[k * NO + o] = o == lab[k] ? 0.9f : 0.05f;
            }
            ev.inputs = big;
            ev.scores = sc;
            ev.labels = lab;
        } else {
            snprintf(ev.client_id, sizeof ev.client_id, "10.0.0.%d", i % ordinary_clients);
            r->call.client_flags = 0;
            ev.rows = 1;
            for (int f = 0; f < NF; f++)
                in[f] = (float)(f * 10 + nrand());
            double u = urand();
            label = u < 0.6 ? 0 : (u < 0.9 ? 1 : 2);
            for (int o = 0; o < NO; o++)
                s1[o] = o == label ? 0.9f : 0.05f;
            ev.inputs = in;
            ev.scores = s1;
            ev.labels = &label;
        }
        assert_int_equal(ig_det_drift_features.observe(&r->call, &ev), IG_OK);
        if (tick_every && i % tick_every == tick_every - 1)
            ig_det_drift_features.tick(&r->call, ev.req_time_us);
    }
}

/* A newcomer arriving after the reference that sends its uniform queries in batches of 50 rows
 * (an extraction client of the kind in test_attacks_e2e), a batch every 40 events (56 % of the
 * rows), fills a short confirmation range by itself: until another detector flags it (after its
 * third batch) it is a newcomer, not the population, and it raises no drift finding. Over five
 * seeds the detector before a35f5c4 raised one. */
static void feed_newcomer(struct run *r, int benign, int batch_every, int flag_batches)
{
    feed_newcomers(r, benign, batch_every, flag_batches, 1);
}

/* One row of <client> at row <i> (1 ms apart): ordinary inputs, or extraction-style
 * uniform queries over a wide box; flagged by "another detector" when <flagged>. */
static void one_row(struct run *r, const char *client, bool flagged, bool wide, uint64_t i)
{
    float in[NF], sc[NO];
    int32_t label = urand() < 0.6 ? 0 : 1;
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.client_id, sizeof ev.client_id, "%s", client);
    snprintf(ev.model, sizeof ev.model, "mix");
    r->call.client_flags = flagged ? IG_CLIENT_FLAGGED_EXTRACTION : 0;
    ev.req_time_us = 1764000000000000ull + i * 1000;
    ev.resp_time_us = ev.req_time_us + 800;
    ev.latency_us = 800;
    ev.rows = 1;
    ev.features = NF;
    ev.outputs = NO;
    ev.flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS;
    for (int f = 0; f < NF; f++)
        in[f] = wide ? (float)(f * 10 - 6 + 12 * urand()) : (float)(f * 10 + nrand());
    for (int k = 0; k < NO; k++)
        sc[k] = 0.05f;
    sc[label] = 0.9f;
    ev.inputs = in;
    ev.scores = sc;
    ev.labels = &label;
    assert_int_equal(ig_det_drift_features.observe(&r->call, &ev), IG_OK);
}

/* Flagged clients are the population only when nearly every active client is flagged.
 * Six attackers and six ordinary clients, one of which goes quiet (so six of the eleven
 * clients active lately are flagged): the attackers' rows stay out, and their wide
 * queries raise no drift (a bare majority rule counted them as the population once that
 * one client went quiet: every attacker's row in, drift.features raised). Then a load test
 * that trips the limits of five of six active clients sending ordinary rows: those are the
 * population, their rows are kept. */
static void test_flagged_population_rule(void **state)
{
    (void)state;
    char name[32];
    struct run r;
    run_start(&r);
    uint64_t row = 0;
    for (int i = 0; i < 1000; i++, row++) {   /* the reference: six ordinary clients */
        snprintf(name, sizeof name, "10.0.0.%d", i % 6);
        one_row(&r, name, false, false, row);
    }
    for (int i = 0; i < 7000; i++, row++) {   /* 10.0.0.5 quiet from here */
        int k = i % 11;
        snprintf(name, sizeof name, k < 5 ? "10.0.0.%d" : "atk-%d", k < 5 ? k : k - 5);
        one_row(&r, name, k >= 5, k >= 5, row);
    }
    ig_det_drift_features.finish(&r.call, 0);
    for (int i = 0; i < r.got.n; i++)
        print_message("unexpected %s (%s)\n", r.got.analytic[i], r.got.detection[i]);
    assert_int_equal(r.got.n, 0);
    for (int w = 0; w < 7; w++)   /* the six attackers' rows of each window: 6/11 of 1000 */
        assert_true(r.got.excluded[w] >= 540 && r.got.excluded[w] <= 550);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);

    run_start(&r);
    row = 0;
    for (int i = 0; i < 1000; i++, row++) {
        snprintf(name, sizeof name, "10.0.0.%d", i % 6);
        one_row(&r, name, false, false, row);
    }
    /* 10.0.0.0 and five flagged clients; 10.0.0.1-5 quiet (gone from the active clients
     * after 4,000 rows: four windows) */
    for (int i = 0; i < 7000; i++, row++) {
        int k = i % 6;
        snprintf(name, sizeof name, k == 0 ? "10.0.0.0" : "load-%d", k);
        one_row(&r, name, k != 0, false, row);
    }
    ig_det_drift_features.finish(&r.call, 0);
    assert_true(r.got.excluded[0] > 800);   /* five of eleven active: kept out */
    assert_int_equal(r.got.excluded[6], 0);   /* five of six: the population */
    assert_int_equal(r.got.n, 0);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);
}

static void test_batching_newcomer_is_not_drift(void **state)
{
    (void)state;
    const uint64_t seeds[] = { 12345, 777, 4242, 99, 2026 };
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        struct run r;
        run_start(&r);
        rs = seeds[k];
        stream(&r, NONE, 3000, 3000, "1");
        feed_newcomer(&r, 8000, 40, 3);
        ig_det_drift_features.finish(&r.call, 0);
        for (int i = 0; i < r.got.n; i++)
            if (strcmp(r.got.analytic[i], "drift.features") == 0)
                print_message("seed %llu: unexpected %s (%s)\n", (unsigned long long)seeds[k],
                          r.got.analytic[i], r.got.detection[i]);
        assert_int_equal(count(&r.got, "drift.features", 0, UINT64_MAX), 0);
        ig_det_drift_features.model_free(&r.call);
        ig_det_drift_features.free(r.global);
    }
    rs = 12345;
}

/* Two newcomers starting together (the attackers of test_attacks_e2e all start at once),
 * each sending its uniform queries in batches of 50 rows, one every 60 events, three events
 * apart, and flagged by another detector from its second batch: together they hold most
 * rows of a short confirmation range and explain its change, so it is inconclusive until
 * they are flagged, not population drift. The rule for one newcomer alone raised
 * drift.features (sequential) on 11 of these 40 seeds. */
static void test_two_newcomers_are_not_drift(void **state)
{
    (void)state;
    int total = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct run r;
        run_start(&r);
        rs = seed * 7919;
        stream(&r, NONE, 3000, 3000, "1");
        feed_newcomers(&r, 4000, 60, 1, 2);
        ig_det_drift_features.finish(&r.call, 0);
        int n = count(&r.got, "drift.features", 0, UINT64_MAX);
        if (n)
            print_message("seed %llu: %d drift.features\n", (unsigned long long)seed, n);
        total += n;
        ig_det_drift_features.model_free(&r.call);
        ig_det_drift_features.free(r.global);
    }
    assert_int_equal(total, 0);
    rs = 12345;
}

/* Two newcomers starting together beside only two ordinary clients (a service with few
 * callers; in test_fleet_aggregate attackers start together and a 100-row range held three
 * ordinary clients): as many newcomers as established clients in a confirmation range.
 * Counting the established clients, not asking for more of them than of newcomers, the range
 * waits until the newcomers are flagged: no drift.features. Asking for more established
 * clients than newcomers raised it on 11 of these 40 seeds (main at 4edc9c7). */
static void test_newcomers_beside_few_clients_are_not_drift(void **state)
{
    (void)state;
    int total = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct run r;
        run_start(&r);
        rs = seed * 7919;
        stream(&r, NONE, 3000, 3000, "1");
        ordinary_clients = 2;
        feed_newcomers(&r, 4000, 60, 1, 2);
        ordinary_clients = 6;
        ig_det_drift_features.finish(&r.call, 0);
        int n = count(&r.got, "drift.features", 0, UINT64_MAX);
        if (n)
            print_message("seed %llu: %d drift.features\n", (unsigned long long)seed, n);
        total += n;
        ig_det_drift_features.model_free(&r.call);
        ig_det_drift_features.free(r.global);
    }
    assert_int_equal(total, 0);
    rs = 12345;
}

/* The window open at the end (partial, >= min_window_rows) gives its findings on finish. */
static void test_finish_emits_partial_window(void **state)
{
    (void)state;
    struct run r;
    run_start(&r);
    stream(&r, NONE, 1000, 1000, "1");
    r.call.client_flags = 0;
    tick_every = 0;
    /* a shift for 1500 rows: one full window, then 500 rows left open */
    uint64_t at = stream(&r, SCALE, 1500, 0, "1");
    tick_every = 100;
    int before = count(&r.got, "drift.features", 0, UINT64_MAX);
    ig_det_drift_features.finish(&r.call, 0);
    int after = count(&r.got, "drift.features", 0, UINT64_MAX);
    (void)at;
    assert_int_equal(after, before + 1);
    assert_int_equal(r.got.partial_reports, 1);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);   /* nothing more: finish closed it */
    assert_int_equal(r.got.partial_reports, 1);
}

static uint64_t models_dropped(const struct run *r)
{
    struct ig_det_counter c[IG_DET_MAX_COUNTERS];
    size_t n = ig_det_drift_features.stats(r->global, c);
    assert_true(n >= 1);
    assert_string_equal(c[0].name, "models_dropped");
    return c[0].value;
}

/* The engine's overflow entry pools the names past detection.max_models in one slice: each
 * name keeps its own state in it, every one is finished, and model_free releases them all
 * (the detector keeps no list of its own). max_models counts the models alive. */
/* Without a report consumer (no reports_dir) most windows skip the full tests: the findings
 * are the same, field for field, as with reports, on every kind of shift, with flagged
 * attackers and newcomers, attributed changes raised (as info) or not. */
static void test_findings_without_reports(void **state)
{
    (void)state;
    const enum shift shifts[] = { NONE, MEAN, SCALE, PRIOR, CONF, PRIOR1 };
    const char *rules_attr = "- detector: drift.features\n  params:\n    raise_attributed: true\n";
    int total = 0;
    for (int t = 0; t < 6 * 3 * 2 + 2; t++) {
        struct got want = { 0 };
        for (int pass = 0; pass < 2; pass++) {
            struct run r;
            rs = 777 + (uint64_t)t;
            no_reports = pass == 1;
            run_rules = (t / 18) % 2 ? rules_attr : NULL;
            run_start(&r);
            if (t >= 36) {
                feed_newcomers(&r, 8000, 40, t == 36 ? 3 : 1000, 2);
            } else {
                attack_every = t % 3 ? 7 : 0;
                flag_after = t % 3 == 1 ? 30 : 0;
                stream(&r, shifts[t % 6], 9000, 5000, "1");
                attack_every = flag_after = 0;
            }
            ig_det_drift_features.finish(&r.call, 0);
            ig_det_drift_features.model_free(&r.call);
            ig_det_drift_features.free(r.global);
            if (pass == 0) {
                want = r.got;
                continue;
            }
            assert_int_equal(r.got.reports, 0);
            assert_int_equal(r.got.n, want.n);
            assert_true(r.got.sum == want.sum);
            total += want.n;
        }
    }
    print_message("%d findings, the same without reports\n", total);
    assert_true(total >= 20);
    no_reports = false;
    run_rules = NULL;
}

static void test_overflow_entry_models(void **state)
{
    (void)state;
    struct run r;
    run_rules = "- detector: drift.features\n  params:\n    max_models: 2\n";
    run_start(&r);
    run_rules = NULL;
    stream_model = "a";
    stream(&r, NONE, 2000, 2000, "1");          /* 1000 reference rows, one window */
    stream_model = "b";
    stream(&r, NONE, 2000, 2000, "1");
    stream_model = "c";                         /* a third model: past max_models */
    stream(&r, NONE, 100, 100, "1");
    assert_int_equal(models_dropped(&r), 100);
    stream_model = "a";                         /* a kept its reference: one more window */
    stream(&r, NONE, 1000, 1000, "1");
    ig_det_drift_features.finish(&r.call, 0);
    assert_int_equal(r.got.reports, 3);
    assert_int_equal(r.got.partial_reports, 0);
    ig_det_drift_features.model_free(&r.call);
    assert_null(r.slice.m);
    /* Released models free their places: a new one is watched. */
    stream_model = "c";
    stream(&r, NONE, 100, 100, "1");
    assert_int_equal(models_dropped(&r), 100);
    ig_det_drift_features.model_free(&r.call);
    ig_det_drift_features.free(r.global);
    stream_model = "iris";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_shift),
        cmocka_unit_test(test_scale_shift),
        cmocka_unit_test(test_class_prior_shift),
        cmocka_unit_test(test_confidence_shift),
        cmocka_unit_test(test_no_shift_no_finding),
        cmocka_unit_test(test_reports_without_ticks),
        cmocka_unit_test(test_version_change_and_partial_window),
        cmocka_unit_test(test_bad_rules_and_odd_events),
        cmocka_unit_test(test_shift_after_100_rows),
        cmocka_unit_test(test_shift_after_500_rows),
        cmocka_unit_test(test_attacker_is_not_drift),
        cmocka_unit_test(test_finish_emits_partial_window),
        cmocka_unit_test(test_batching_newcomer_is_not_drift),
        cmocka_unit_test(test_two_newcomers_are_not_drift),
        cmocka_unit_test(test_newcomers_beside_few_clients_are_not_drift),
        cmocka_unit_test(test_flagged_population_rule),
        cmocka_unit_test(test_overflow_entry_models),
        cmocka_unit_test(test_findings_without_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
