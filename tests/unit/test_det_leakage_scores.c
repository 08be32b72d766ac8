/* leakage.scores: a client harvesting scores for repeated inputs fires once per window
 * (membership / inversion probing), copies batched in one request too, and on coarse scores
 * (rounded, or a forest's vote shares with one-hot answers among them); busy clients with
 * fresh inputs, retries answered the same, one-hot labels and low volume do not; the
 * model's exposure of full-precision scores is reported once; logits count as full precision. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <inferguard/detector.h>

static const struct ig_env no_env;   /* nothing lent: no profile loader, no report writer */

extern const struct ig_detector ig_det_leakage_scores;

#define TEST_RAND_SEED 99
#include "test_rand.h"

struct sink {
    int client, model;        /* per-client findings, per-model exposure findings */
    double full, scored;
    uint64_t at;              /* client_queries when the client finding fired */
    bool coarse_title;
};

static void on_finding(void *ctx, const struct ig_finding *f)
{
    struct sink *s = ctx;
    assert_string_equal(f->atlas[0], "AML.T0063");
    assert_non_null(strstr(f->remediation, "top-k"));
    if (f->client_id[0] == 0) {
        s->model++;
        assert_int_equal(f->severity, IG_SEV_INFO);
        return;
    }
    s->client++;
    assert_string_equal(f->atlas[1], "AML.T0024.000");
    s->coarse_title = !strncmp(f->title, "Confidence scores", 17);
    s->at = f->queries_seen;
    for (uint32_t i = 0; i < f->nscores; i++) {
        if (!strcmp(f->scores[i].key, "full_precision_rows"))
            s->full = f->scores[i].value;
        if (!strcmp(f->scores[i].key, "score_rows"))
            s->scored = f->scores[i].value;
    }
}

struct run {
    void *global, *client, *model;
    struct ig_emit emit;
    struct ig_call call;
    struct sink sink;
    uint64_t t;
};

static void run_open(struct run *r)
{
    memset(r, 0, sizeof(*r));
    char err[256];
    assert_int_equal(ig_detector_init(&ig_det_leakage_scores, &no_env, NULL, &r->global, err, sizeof(err)), 0);
    r->client = calloc(1, ig_det_leakage_scores.client_size);
    r->model = calloc(1, ig_det_leakage_scores.model_size);
    r->emit = (struct ig_emit){ on_finding, &r->sink };
    r->call = (struct ig_call){ .global = r->global, .client = r->client, .model = r->model,
                                .emit = &r->emit };
    r->t = 1767225600000000ull;
}

static void run_close(struct run *r)
{
    free(r->client);
    free(r->model);
    ig_det_leakage_scores.free(r->global);
}

/* One query: 3 scores, full precision or rounded to 2 decimals; input fresh or one of a
 * small pool of repeated inputs. */
static void query(struct run *r, bool full, bool repeat, uint32_t flags, uint64_t dt_us)
{
    float x[4], s[3];
    /* probing asks for each candidate record several times in a burst */
    static int burst;
    int pick = (int)(urand() * 20);
    if (repeat)
        pick = (burst++ / 5) % 20;
    for (int i = 0; i < 4; i++)
        x[i] = repeat ? (float)(pick * 4 + i) : (float)urand();
    double a = urand(), b = (1 - a) * urand();
    s[0] = (float)a;
    s[1] = (float)b;
    s[2] = (float)(1 - a - b);
    if (!full)
        for (int i = 0; i < 3; i++)
            s[i] = (float)(round(s[i] * 100) / 100);
    struct ig_event ev = { .req_time_us = r->t, .flags = IG_EV_TENSOR | IG_EV_SCORES | flags,
                           .rows = 1, .features = 4, .outputs = 3, .inputs = x, .scores = s };
    snprintf(ev.client_id, sizeof(ev.client_id), "c-7");
    r->t += dt_us;
    r->call.client_queries++;
    assert_int_equal(ig_det_leakage_scores.observe(&r->call, &ev), 0);
}

static void test_membership_probing_once_per_window(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    for (int q = 0; q < 1200; q++)
        query(&r, true, q % 2 == 0, 0, 100000);   /* half are repeats of 20 inputs */
    assert_int_equal(r.sink.client, 1);
    assert_true(r.sink.full == 100);
    assert_int_equal(r.sink.model, 1);
    r.t += 700000000ull;                          /* next window */
    for (int q = 0; q < 600; q++)
        query(&r, true, true, 0, 100000);
    assert_int_equal(r.sink.client, 2);
    assert_int_equal(r.sink.model, 1);            /* the model is reported once */
    run_close(&r);
}

/* A busy client re-scoring the same 20 records in turn (a nightly batch, retries) is not
 * probing: its repeats are far apart. */
static void test_rescoring_quiet(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    float x[4], s[3] = { 0.61f, 0.27f, 0.12f };
    for (int q = 0; q < 3000; q++) {
        for (int i = 0; i < 4; i++)
            x[i] = (float)((q % 20) * 4 + i);
        struct ig_event ev = { .req_time_us = r.t, .flags = IG_EV_TENSOR | IG_EV_SCORES,
                               .rows = 1, .features = 4, .outputs = 3, .inputs = x, .scores = s };
        snprintf(ev.client_id, sizeof(ev.client_id), "c-8");
        r.t += 100000;
        assert_int_equal(ig_det_leakage_scores.observe(&r.call, &ev), 0);
    }
    assert_int_equal(r.sink.client, 0);
    run_close(&r);
}

/* Ordinary clients repeat too: one drawing its records at random from a pool of 12 (most of
 * its inputs are one class) meets an earlier copy among its last 4 inputs one time in three,
 * and a flaky network makes it send 30 % of its requests twice. Neither is a burst of
 * copies: no finding. */
static void test_small_pool_and_retries_quiet(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    float x[4], s[3] = { 0.61f, 0.27f, 0.12f };
    for (int q = 0; q < 3000;) {
        int pick = (int)(urand() * 12);
        int times = urand() < 0.3 ? 2 : 1;
        for (int k = 0; k < times; k++, q++) {
            for (int i = 0; i < 4; i++)
                x[i] = (float)(pick * 4 + i);
            struct ig_event ev = { .req_time_us = r.t, .flags = IG_EV_TENSOR | IG_EV_SCORES,
                                   .rows = 1, .features = 4, .outputs = 3, .inputs = x, .scores = s };
            snprintf(ev.client_id, sizeof(ev.client_id), "c-9");
            r.t += 100000;
            assert_int_equal(ig_det_leakage_scores.observe(&r.call, &ev), 0);
        }
    }
    assert_int_equal(r.sink.client, 0);
    run_close(&r);
}

/* One request of <rows> rows: candidate <pick>'s input <rows> times, or fresh inputs
 * (pick < 0); a deterministic model's scores for each input (the same input, the same
 * answer). */
static void request(struct run *r, int pick, uint32_t rows)
{
    float x[16 * 4], s[16 * 3];
    for (uint32_t k = 0; k < rows; k++) {
        double u = pick >= 0 ? 0 : urand();
        for (int i = 0; i < 4; i++)
            x[k * 4 + i] = pick >= 0 ? (float)(pick * 4 + i) : (float)(u * 100 + i);
        double a = fmod((pick >= 0 ? pick * 0.37 : u) + 0.1, 0.8);
        s[k * 3] = (float)a;
        s[k * 3 + 1] = (float)((1 - a) * 0.31);
        s[k * 3 + 2] = (float)(1 - a - (1 - a) * 0.31);
    }
    struct ig_event ev = { .req_time_us = r->t, .flags = IG_EV_TENSOR | IG_EV_SCORES,
                           .rows = rows, .features = 4, .outputs = 3, .inputs = x, .scores = s };
    snprintf(ev.client_id, sizeof(ev.client_id), "c-11");
    r->t += 100000;
    r->call.client_queries += rows;
    assert_int_equal(ig_det_leakage_scores.observe(&r->call, &ev), 0);
}

/* A client library that backs off and retries a failed request up to 4 times sends the
 * same request again and again (the third, fourth copy within a few inputs); a
 * deterministic model answers each the same: retries, not probing. */
static void test_backoff_retries_quiet(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    for (int q = 0; q < 3000; q++) {
        int pick = (int)(urand() * 1000);
        request(&r, pick, 1);
        if (urand() < 0.3)
            for (int k = (int)(urand() * 4); k >= 0; k--)
                request(&r, pick, 1);
    }
    assert_int_equal(r.sink.client, 0);
    assert_int_equal(r.sink.model, 1);
    run_close(&r);
}

/* Probing that batches its copies (each candidate 10 times in one request) learns the same
 * answer 10 times too, but asked for them at once: it fires, deterministic model or not. */
static void test_batched_copies_fire(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    for (int q = 0; q < 30; q++)
        request(&r, q, 10);
    assert_int_equal(r.sink.client, 1);
    run_close(&r);
}

static void test_busy_and_low_volume_quiet(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    for (int q = 0; q < 3000; q++)
        query(&r, true, false, 0, 100000);        /* busy, full precision, fresh inputs */
    assert_int_equal(r.sink.client, 0);
    assert_int_equal(r.sink.model, 1);
    struct run r2;
    run_open(&r2);
    for (int q = 0; q < 90; q++)
        query(&r2, true, true, 0, 100000);        /* probing, below min_rows */
    assert_int_equal(r2.sink.client, 0);
    assert_int_equal(r2.sink.model, 0);
    run_close(&r);
    run_close(&r2);
}

/* Rounding is not a defence against membership probing: the same probing answered with
 * 2-decimal scores fires, titled for coarse scores, and the model is not reported as
 * exposing full-precision scores. */
static void test_rounded_scores_still_probed(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    for (int q = 0; q < 1200; q++)
        query(&r, false, q % 2 == 0, 0, 100000);  /* half are repeats of 20 inputs */
    assert_int_equal(r.sink.client, 1);
    assert_true(r.sink.coarse_title);
    assert_true(r.sink.full == 0);
    assert_true(r.sink.scored == 100);
    assert_int_equal(r.sink.model, 0);
    run_close(&r);
}

/* One single-row event of 4 features and 2 scores from client <id>, 0.1 s after the last. */
static void send_row(struct run *r, const float *x, const float *s, const char *id)
{
    struct ig_event ev = { .req_time_us = r->t, .flags = IG_EV_TENSOR | IG_EV_SCORES,
                           .rows = 1, .features = 4, .outputs = 2, .inputs = x, .scores = s };
    snprintf(ev.client_id, sizeof(ev.client_id), "%s", id);
    r->t += 100000;
    r->call.client_queries++;
    assert_int_equal(ig_det_leakage_scores.observe(&r->call, &ev), 0);
}

/* A 50-tree forest's answers: vote shares (multiples of 0.02, no more than 3 decimals) and,
 * for records every tree agrees on, one-hot vectors: those are confidences of 1.0 from a
 * model that grades, and count: every row after the first graded one does, so the client
 * fires by its ~110th row (counting only the graded two thirds, by its ~160th). The same
 * probing answered by a labels-only model (every answer one-hot) counts nothing. */
static void forest_run(bool labels_only, struct run *r)
{
    run_open(r);
    float x[4], s[2];
    for (int q = 0; q < 600; q++) {
        int cand = q / 10;                          /* each candidate 10 times in a burst */
        for (int i = 0; i < 4; i++)
            x[i] = (float)(cand * 4 + i);
        int votes = cand % 3 == 0 ? 50 : (int)(urand() * 51);
        if (labels_only)
            votes = votes >= 25 ? 50 : 0;
        s[0] = (float)(votes / 50.0);
        s[1] = (float)(1 - votes / 50.0);
        send_row(r, x, s, "c-11");
    }
}

static void test_forest_votes_probed_labels_quiet(void **state)
{
    (void)state;
    struct run r;
    forest_run(false, &r);
    assert_int_equal(r.sink.client, 1);
    assert_true(r.sink.coarse_title);
    assert_true(r.sink.at <= 120);
    assert_int_equal(r.sink.model, 0);
    run_close(&r);
    forest_run(true, &r);
    assert_int_equal(r.sink.client, 0);
    assert_int_equal(r.sink.model, 0);
    run_close(&r);
}

/* A confident model's saturated answers: membership probing of records it is sure about
 * gets [1, 1e-9]-like vectors; the tiny score is unrounded (3 decimals would make it 0), so
 * every row counts and the client is flagged at its 100th row. The same answers rounded
 * ([1, 0] on every answer) are labels, not scores: no finding. */
static void saturated_run(bool rounded, struct run *r)
{
    run_open(r);
    float x[4], s[2];
    for (int q = 0; q < 200; q++) {
        for (int i = 0; i < 4; i++)
            x[i] = (float)((q / 10) * 4 + i);       /* each candidate 10 times in a burst */
        double tiny = pow(10.0, -7 - 6 * urand());  /* 1e-7 .. 1e-13 */
        s[0] = rounded ? 0.0f : (float)tiny;
        s[1] = (float)(1 - tiny);                   /* 1 in float32 */
        send_row(r, x, s, "c-10");
        if (!rounded && q == 98)
            assert_int_equal(r->sink.client, 0);
    }
}

static void test_saturated_scores_full_precision(void **state)
{
    (void)state;
    struct run r;
    saturated_run(false, &r);
    assert_int_equal(r.sink.client, 1);
    assert_int_equal(r.sink.full, 100);
    run_close(&r);
    saturated_run(true, &r);
    assert_int_equal(r.sink.client, 0);
    assert_int_equal(r.sink.model, 0);
    run_close(&r);
}

static void test_logits_count(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    for (int q = 0; q < 500; q++)
        query(&r, false, true, IG_EV_LOGITS, 1000);   /* rounded, but logits */
    assert_int_equal(r.sink.client, 1);
    /* events without scores are ignored */
    struct ig_event ev = { .flags = IG_EV_TENSOR, .rows = 5 };
    assert_int_equal(ig_det_leakage_scores.observe(&r.call, &ev), 0);
    run_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_membership_probing_once_per_window),
        cmocka_unit_test(test_busy_and_low_volume_quiet),
        cmocka_unit_test(test_rounded_scores_still_probed),
        cmocka_unit_test(test_forest_votes_probed_labels_quiet),
        cmocka_unit_test(test_rescoring_quiet),
        cmocka_unit_test(test_small_pool_and_retries_quiet),
        cmocka_unit_test(test_backoff_retries_quiet),
        cmocka_unit_test(test_batched_copies_fire),
        cmocka_unit_test(test_logits_count),
        cmocka_unit_test(test_saturated_scores_full_precision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
