/* extraction.prada on synthetic streams with known properties: natural clustered queries
 * never alarm, Jacobian-augmentation (JbDA) extraction does, early and with the right
 * finding; memory stays within the budget from the rules and eviction returns it. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <inferguard/detector.h>
#include <inferguard/rules.h>
#include "kernels/kernels.h"
#include "stats/shapiro.h"

static const struct ig_env no_env;   /* nothing lent: no profile loader, no report writer */

/* ---- synthetic data ---- */

#define TEST_RAND_SEED 0
#include "test_rand.h"
#include "test_util.h"
#include "test_prada_helpers.h"
#include "test_golden_rows.h"

#define MAXD 64
#define NCLS 10
static float centres[NCLS][MAXD];

static void make_centres(uint32_t dim)
{
    for (int c = 0; c < NCLS; c++)
        for (uint32_t f = 0; f < dim; f++)
            centres[c][f] = (float)(0.2 + 0.6 * urand());
}

static int nearest(const float *x, uint32_t dim)
{
    int best = 0;
    double bd = INFINITY;
    for (int c = 0; c < NCLS; c++) {
        double d = 0;
        for (uint32_t f = 0; f < dim; f++)
            d += (x[f] - centres[c][f]) * (x[f] - centres[c][f]);
        if (d < bd) {
            bd = d;
            best = c;
        }
    }
    return best;
}

/* benign: samples of one Gaussian cluster per class */
static void natural(float *xs, int32_t *lab, uint32_t n, uint32_t dim)
{
    for (uint32_t i = 0; i < n; i++) {
        int c = (int)(urand() * NCLS);
        for (uint32_t f = 0; f < dim; f++)
            xs[i * dim + f] = centres[c][f] + (float)(0.08 * nrand());
        lab[i] = nearest(xs + i * dim, dim);
    }
}

/* Papernot JbDA: 10 natural seeds, then each round every point spawns x + λ·sign(grad),
 * the gradient sign of the nearest-centre model pointing to another class's centre */
static float lam_scale[128];   /* per-feature factor of lambda (1: one lambda for all) */

static void jbda(float *xs, int32_t *lab, uint32_t n, uint32_t dim)
{
    natural(xs, lab, 10, dim);
    uint32_t have = 10, round = 0;
    float lam = 0.1f;
    if (lam_scale[0] == 0)
        for (int f = 0; f < 128; f++)
            lam_scale[f] = 1;
    while (have < n) {
        uint32_t cur = have;
        for (uint32_t i = 0; i < cur && have < n; i++, have++) {
            int other = (lab[i] + 1 + (int)(urand() * (NCLS - 1))) % NCLS;
            for (uint32_t f = 0; f < dim; f++) {
                float g = centres[other][f] - xs[i * dim + f];
                float v = xs[i * dim + f] + lam * lam_scale[f] * (g > 0 ? 1.0f : (g < 0 ? -1.0f : 0.0f));
                xs[have * dim + f] = v < 0 ? 0 : (v > 1 ? 1 : v);
            }
            lab[have] = nearest(xs + have * dim, dim);
        }
        if (++round % 3 == 0)
            lam = -lam;
    }
}

/* ---- running the detector ---- */

struct sink {
    int n;
    uint64_t first_q;
    double first_w;
    double first_struct;   /* robust mode: the first finding's structured_share */
    int max_sev;
    char atlas[32];
    bool has_scores;
};

static void on_finding(void *ctx, const struct ig_finding *f)
{
    struct sink *s = ctx;
    if (s->n++ == 0) {
        s->first_q = f->queries_seen;
        snprintf(s->atlas, sizeof(s->atlas), "%s", f->atlas[0] ? f->atlas[0] : "");
        bool w = false, d = false, n = false, q = false;
        for (uint32_t i = 0; i < f->nscores; i++) {
            if (!strcmp(f->scores[i].key, "shapiro_w")) {
                w = true;
                s->first_w = f->scores[i].value;
            }
            if (!strcmp(f->scores[i].key, "structured_share"))
                s->first_struct = f->scores[i].value;
            d |= !strcmp(f->scores[i].key, "delta") && f->scores[i].value == 0.9;
            n |= !strcmp(f->scores[i].key, "n") && f->scores[i].value > 30;   /* structured_pool */
            q |= !strcmp(f->scores[i].key, "queries") && f->scores[i].value == (double)f->queries_seen;
        }
        s->has_scores = w && d && n && q && !strcmp(f->analytic, "extraction.prada");
    }
    if (f->severity > s->max_sev)
        s->max_sev = f->severity;
}

struct run {
    struct ig_emit emit;
    struct ig_call call;
    struct sink sink;
};

static void run_open(struct run *r, const struct ig_rules *rules)
{
    memset(r, 0, sizeof(*r));
    r->emit = (struct ig_emit){ on_finding, &r->sink };
    prada_open(&r->call, rules, &r->emit);
}

/* Feeds <n> queries, <batch> rows per event. */
static void run_feed(struct run *r, const float *xs, const int32_t *lab, uint32_t n, uint32_t dim,
                     uint32_t batch)
{
    prada_feed(&r->call, xs, lab, n, dim, batch);
}

static void run_close(struct run *r) { prada_close(&r->call); }

static void test_natural_never_alarms(void **state)
{
    (void)state;
    const uint32_t dims[] = { 8, 16, 64 };
    for (int seed = 1; seed <= 4; seed++)
        for (size_t k = 0; k < 3; k++) {
            uint32_t dim = dims[k], n = 3000;
            rs = 0x1234567ull * seed + k;
            make_centres(dim);
            float *xs = malloc(n * dim * sizeof(float));
            int32_t *lab = malloc(n * sizeof(int32_t));
            natural(xs, lab, n, dim);
            struct run r;
            run_open(&r, NULL);
            run_feed(&r, xs, lab, n, dim, 1 + (seed % 3));
            if (r.sink.n)
                fail_msg("benign stream alarmed: seed %d dim %u at query %llu W=%g", seed, dim,
                         (unsigned long long)r.sink.first_q, r.sink.first_w);
            run_close(&r);
            free(xs);
            free(lab);
        }
}

/* Natural records of binary and one-hot features (flags, categories one-hot encoded): the
 * step between two records is 0 or the same full step on every coordinate that differs,
 * as Jacobian sign steps are. Minimum distances take a few discrete values, so W is low
 * whatever the client; the structure gate must not corroborate it. kind 0: <dim> binary
 * flags, each class with its own probabilities; kind 1: dim/3 categories of 3 levels,
 * one-hot. */
static void binary_records(float *xs, int32_t *lab, uint32_t n, uint32_t dim, int kind)
{
    for (uint32_t i = 0; i < n; i++) {
        int c = (int)(urand() * 4);
        lab[i] = c;
        for (uint32_t f = 0; f < dim; f++) {
            if (kind == 0) {
                double pr = centres[c][f] < 0.5 ? 0.2 : 0.8;
                xs[i * dim + f] = urand() < pr ? 1.0f : 0.0f;
            } else if (f % 3 == 0) {
                /* the class prefers one level of each category */
                int pref = (int)(centres[c][f] * 3) % 3, lev = urand() < 0.6 ? pref : (int)(urand() * 3);
                for (uint32_t l = 0; l < 3 && f + l < dim; l++)
                    xs[i * dim + f + l] = (int)l == lev ? 1.0f : 0.0f;
            }
        }
    }
}

static void test_binary_onehot_natural_quiet(void **state)
{
    (void)state;
    const uint32_t dims[] = { 6, 8, 12, 16, 24 };
    for (int kind = 0; kind < 2; kind++)
        for (int seed = 1; seed <= 3; seed++)
            for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
                uint32_t dim = dims[k], n = 2000;
                rs = 0xb17ull * seed + k + 100 * kind;
                make_centres(dim);
                float *xs = malloc(n * dim * sizeof(float));
                int32_t *lab = malloc(n * sizeof(int32_t));
                binary_records(xs, lab, n, dim, kind);
                struct run r;
                run_open(&r, NULL);
                run_feed(&r, xs, lab, n, dim, 1 + (seed % 3));
                if (r.sink.n)
                    fail_msg("%s records alarmed: seed %d dim %u at query %llu W=%g",
                             kind ? "one-hot" : "binary", seed, dim,
                             (unsigned long long)r.sink.first_q, r.sink.first_w);
                run_close(&r);
                free(xs);
                free(lab);
            }
}

static void test_jbda_alarms(void **state)
{
    (void)state;
    const uint32_t dims[] = { 8, 16, 64 };
    for (int seed = 1; seed <= 4; seed++)
        for (size_t k = 0; k < 3; k++) {
            uint32_t dim = dims[k], n = 1500;
            rs = 0x7654321ull * seed + k;
            make_centres(dim);
            float *xs = malloc(n * dim * sizeof(float));
            int32_t *lab = malloc(n * sizeof(int32_t));
            jbda(xs, lab, n, dim);
            struct run r;
            run_open(&r, NULL);
            run_feed(&r, xs, lab, n, dim, 4);
            if (r.sink.n == 0)
                fail_msg("JbDA not detected: seed %d dim %u", seed, dim);
            /* the first alarm comes at a test query (1, 11, 21, ...); with most steps
             * sign-structured the test starts from structured_pool (30) pooled distances,
             * a class joining from structured_min_class (5): its 10 classes left every
             * class below min_class (10) until ~100 queries, so the first alarm came at
             * 71-101 with those alone */
            assert_true(r.sink.first_q % 10 == 1 && r.sink.first_q <= 61);
            print_message("JbDA seed %d dim %u: first alarm at query %llu\n", seed, dim, (unsigned long long)r.sink.first_q);
            assert_true(r.sink.first_w < 0.90);
            assert_string_equal(r.sink.atlas, "AML.T0024.002");
            assert_true(r.sink.has_scores);
            assert_true(r.sink.max_sev >= IG_SEV_MEDIUM);
            run_close(&r);
            free(xs);
            free(lab);
        }
}

/* JbDA on raw tabular units takes lambda per feature (its own estimate of each feature's
 * spread): one step's magnitudes then differ across features and are not sign-structured,
 * but every step repeats the previous one's magnitudes (only the signs change). */
static void test_jbda_per_feature_lambda_alarms(void **state)
{
    (void)state;
    const uint32_t dims[] = { 8, 16, 64 };
    for (int seed = 1; seed <= 4; seed++)
        for (size_t k = 0; k < 3; k++) {
            uint32_t dim = dims[k], n = 1500;
            rs = 0x5151ull * seed + k;
            make_centres(dim);
            for (uint32_t f = 0; f < 128; f++)
                lam_scale[f] = 0.4f + 0.3f * (float)(f % 5);   /* 0.4 .. 1.6 */
            float *xs = malloc(n * dim * sizeof(float));
            int32_t *lab = malloc(n * sizeof(int32_t));
            jbda(xs, lab, n, dim);
            struct run r;
            run_open(&r, NULL);
            run_feed(&r, xs, lab, n, dim, 4);
            if (r.sink.n == 0)
                fail_msg("JbDA with per-feature lambda not detected: seed %d dim %u", seed, dim);
            assert_true(r.sink.first_q <= 500);
            run_close(&r);
            free(xs);
            free(lab);
            for (uint32_t f = 0; f < 128; f++)
                lam_scale[f] = 1;
        }
}

/* ---- iris: 4 features, real JbDA rows, natural peers of the same model ---- */

/* Iris's classes (setosa, versicolor, virginica): per-feature means and spreads in cm, and
 * the table's mean and spread by which the efficacy runs z-score it. */
static const double iris_mu[3][4] = { { 5.006, 3.428, 1.462, 0.246 }, { 5.936, 2.770, 4.260, 1.326 },
                                      { 6.588, 2.974, 5.552, 2.026 } };
static const double iris_sd[3][4] = { { 0.352, 0.379, 0.174, 0.105 }, { 0.516, 0.314, 0.470, 0.198 },
                                      { 0.636, 0.322, 0.552, 0.275 } };
static const double iris_zmu[4] = { 5.843, 3.057, 3.758, 1.199 }, iris_zsd[4] = { 0.825, 0.434, 1.759, 0.760 };

/* A natural iris-like record, measured to 0.1 cm as iris's are (its steps to the nearest
 * record are multiples of 0.1 cm on every feature: a lattice, as a JbDA set's steps are
 * multiples of lambda), z-scored; labelled by the class it was drawn from. */
static void iris_record(float *x, int32_t *lab)
{
    int c = (int)(urand() * 3);
    for (int f = 0; f < 4; f++) {
        double v = round((iris_mu[c][f] + iris_sd[c][f] * nrand()) * 10) / 10;
        x[f] = (float)((v < 0.1 ? 0.1 : v) - iris_zmu[f]) / (float)iris_zsd[f];
    }
    *lab = c;
}

/* Several clients of one model: the detector with a zeroed model slice (its per-feature
 * scale, its clients' W as peers). */
struct fleet {
    struct ig_emit emit;
    struct sink sink[8];
    void *global, *model, *client[8];
    uint64_t events[8];
};

static void fleet_finding(void *ctx, const struct ig_finding *f)
{
    struct fleet *fl = ctx;
    on_finding(&fl->sink[atoi(f->client_id + 2)], f);
}

static void fleet_feed(struct fleet *fl, int c, const float *x, const int32_t *lab, uint32_t rows)
{
    struct ig_call call = { .global = fl->global, .client = fl->client[c], .model = fl->model, .emit = &fl->emit,
                            .client_queries = ++fl->events[c] };
    struct ig_event ev = { .req_time_us = 1767225600000000ull + fl->events[c] * 1000ull,
                           .flags = IG_EV_TENSOR | IG_EV_LABELS, .rows = rows, .features = 4,
                           .inputs = x, .labels = lab };
    snprintf(ev.client_id, sizeof(ev.client_id), "c-%d", c);
    snprintf(ev.model, sizeof(ev.model), "iris");
    assert_int_equal(ig_det_extraction_prada.observe(&call, &ev), 0);
}

/* Papernot's JbDA on iris (4 features, 3 classes; efficacy blind seed 14, logistic
 * regression; its 640 rows and labels in tests/golden/jbda_iris_rows.tsv: 12 seed records,
 * then 6 rounds of x + lambda sign(grad) of an MLP substitute, lambda 0.3 of each feature's
 * spread) among natural clients of the same model. 450 of its rows repeat earlier ones and
 * on 4 features the nearest admitted query is often not a sample's parent (a child whose
 * label flipped is measured against the other class's set), so only 20 % of its steps
 * repeated one of the last 4 and it missed the strong-structure share (25 %); then δ was
 * the peers': iris's natural W is low (records measured to 0.1 cm tie), δ fell to ~0.5 and
 * the client's W 0.84-0.88 never fired (caught by extraction.coverage at row 384). With the
 * last 16 steps remembered (4 features) 36-39 % repeat: held to δ 0.9, caught at its 41st
 * new sample (before: never, δ 0.56 here). The ordinary clients (records on iris's 0.1 cm
 * lattice, sent again and again with measurement noise) stay quiet: their steps do not
 * repeat, and their own low W is what the peers' δ is for. */
static void test_jbda_iris_among_peers(void **state)
{
    (void)state;
    enum { ROWS = 664, COLS = 7 };   /* 4 features, label, client, request */
    static float T[ROWS * COLS], jx[ROWS * 4];
    static int32_t jl[ROWS], jc[ROWS], jreq[ROWS];
    int nj = golden_rows("jbda_iris_rows.tsv", COLS, T, ROWS);
    assert_int_equal(nj, ROWS);
    for (int i = 0; i < nj; i++) {
        const float *t = T + (size_t)i * COLS;
        memcpy(jx + (size_t)i * 4, t, 4 * sizeof(float));
        jl[i] = (int32_t)t[4];
        jc[i] = (int32_t)t[5];
        jreq[i] = (int32_t)t[6];
    }
    int nteach = 0;   /* the model's first rows (clients 0-2), then the JbDA client's (7) */
    while (jc[nteach] != 7)
        nteach++;
    assert_int_equal(nteach, 24);

    for (int seed = 1; seed <= 3; seed++) {
        struct fleet fl;
        memset(&fl, 0, sizeof fl);
        fl.emit = (struct ig_emit){ fleet_finding, &fl };
        char err[256] = "";
        assert_int_equal(ig_detector_init(&ig_det_extraction_prada, &no_env, NULL, &fl.global, err, sizeof err), 0);
        fl.model = calloc(1, ig_det_extraction_prada.model_size);
        for (int c = 0; c < 8; c++)
            fl.client[c] = calloc(1, ig_det_extraction_prada.client_size);
        /* clients 0-2: the capture's first 24 rows, which taught the model's scale (its
         * unit, 0.575, sets the near-repeat radius); clients 3-6 are ordinary clients of the
         * kind that give iris its low natural W: each sends 400 rows drawn from its own 37
         * records (a held-out split) with measurement noise, 5 % of the spread added (3, 4)
         * or 5 % multiplicative (5, 6), 10 a request */
        for (int i = 0; i < nteach;) {
            int k = i;
            while (k < nteach && jc[k] == jc[i])
                k++;
            fleet_feed(&fl, jc[i], jx + i * 4, jl + i, (uint32_t)(k - i));
            i = k;
        }
        rs = 0x1715ull * seed;
        float x[10 * 4], pool[4][37 * 4];
        int32_t lab[10], pooll[4][37];
        for (int p = 0; p < 4; p++)
            for (int i = 0; i < 37; i++)
                iris_record(pool[p] + i * 4, &pooll[p][i]);
        for (int r = 0; r < 40; r++)
            for (int c = 3; c < 7; c++) {
                for (int i = 0; i < 10; i++) {
                    int k = (int)(urand() * 37);
                    for (int f = 0; f < 4; f++) {
                        float v = pool[c - 3][k * 4 + f];
                        x[i * 4 + f] = c < 5 ? v + (float)(0.05 * nrand()) : v * (1 + (float)(0.05 * nrand()));
                    }
                    lab[i] = pooll[c - 3][k];
                }
                fleet_feed(&fl, c, x, lab, 10);
            }
        /* client 7: the JbDA rows, request by request */
        for (int i = nteach; i < nj;) {
            int k = i;
            while (k < nj && jreq[k] == jreq[i])
                k++;
            fleet_feed(&fl, 7, jx + i * 4, jl + i, (uint32_t)(k - i));
            i = k;
        }
        for (int c = 0; c < 7; c++)
            if (fl.sink[c].n)
                fail_msg("seed %d: natural iris client %d flagged at query %llu", seed, c,
                         (unsigned long long)fl.sink[c].first_q);
        if (fl.sink[7].n == 0)
            fail_msg("seed %d: JbDA on iris not detected", seed);
        print_message("seed %d: JbDA on iris first alarm at sample %llu, W %.3f, structured share %.2f\n", seed,
                      (unsigned long long)fl.sink[7].first_q, fl.sink[7].first_w, fl.sink[7].first_struct);
        assert_true(fl.sink[7].first_q <= 61);
        assert_true(fl.sink[7].first_struct >= 0.25);   /* strong structure: held to delta 0.9 */
        assert_true(fl.sink[7].has_scores);             /* ... whose delta score says 0.9 */
        for (int c = 0; c < 8; c++) {
            struct ig_call call = { .global = fl.global, .client = fl.client[c], .model = fl.model };
            ig_det_extraction_prada.evict(&call);
            free(fl.client[c]);
        }
        free(fl.model);
        ig_det_extraction_prada.free(fl.global);
    }
}

/* Labels may come from score vectors (argmax) instead of label arrays. */
static void test_labels_from_scores(void **state)
{
    (void)state;
    uint32_t dim = 16, n = 1500;
    rs = 99;
    make_centres(dim);
    float *xs = malloc(n * dim * sizeof(float)), *sc = calloc(n * NCLS, sizeof(float));
    int32_t *lab = malloc(n * sizeof(int32_t));
    jbda(xs, lab, n, dim);
    for (uint32_t i = 0; i < n; i++)
        sc[i * NCLS + lab[i]] = 0.9f;
    struct run r;
    run_open(&r, NULL);
    for (uint32_t i = 0; i < n; i++) {
        struct ig_event ev = { .flags = IG_EV_TENSOR | IG_EV_SCORES, .rows = 1, .features = dim,
                               .outputs = NCLS, .inputs = xs + i * dim, .scores = sc + i * NCLS };
        assert_int_equal(ig_det_extraction_prada.observe(&r.call, &ev), 0);
    }
    assert_true(r.sink.n > 0);
    run_close(&r);
    free(xs);
    free(sc);
    free(lab);
}

/* Bad input: NaN rows, no labels, width changes and zero rows are skipped, never fatal. */
static void test_bad_input(void **state)
{
    (void)state;
    struct run r;
    run_open(&r, NULL);
    float x[4] = { NAN, 1, 2, 3 };
    int32_t l = 1, nl = -1;
    struct ig_event ev = { .flags = IG_EV_TENSOR, .rows = 1, .features = 4, .inputs = x, .labels = &l };
    assert_int_equal(ig_det_extraction_prada.observe(&r.call, &ev), 0);
    ev.labels = &nl;
    assert_int_equal(ig_det_extraction_prada.observe(&r.call, &ev), 0);
    ev.labels = NULL;
    assert_int_equal(ig_det_extraction_prada.observe(&r.call, &ev), 0);
    x[0] = 0;
    ev.labels = &l;
    ev.features = 3;
    assert_int_equal(ig_det_extraction_prada.observe(&r.call, &ev), 0);
    ev.features = 2;     /* different width from the first: skipped */
    assert_int_equal(ig_det_extraction_prada.observe(&r.call, &ev), 0);
    ev.rows = 0;
    assert_int_equal(ig_det_extraction_prada.observe(&r.call, &ev), 0);
    assert_int_equal(r.sink.n, 0);
    run_close(&r);
}

/* A rules file sets the parameters; a tiny memory budget refuses clients instead of growing. */
static void test_rules_and_budget(void **state)
{
    (void)state;
    struct ig_rules *rules = tst_rules_load("- detector: extraction.prada\n  params:\n    delta: 0.2\n"
                                            "    memory_mb: 1\n    max_growing: 64\n");
    assert_true(ig_rules_num(rules, "extraction.prada", "delta", 0.9) == 0.2);

    /* delta 0.2: the JbDA stream, whose W stays above that, no longer alarms */
    uint32_t dim = 64, n = 1500;
    rs = 7;
    make_centres(dim);
    float *xs = malloc(n * dim * sizeof(float));
    int32_t *lab = malloc(n * sizeof(int32_t));
    jbda(xs, lab, n, dim);
    struct run r;
    run_open(&r, rules);
    run_feed(&r, xs, lab, n, dim, 1);
    assert_int_equal(r.sink.n, 0);

    /* 1 MiB holds a handful of clients at dim 64 (64 vectors x 10 classes x 256 B each,
     * plus the D ring); the rest are refused, not grown */
    void *others[40];
    int tracked = 0;
    for (int c = 0; c < 40; c++) {
        others[c] = calloc(1, ig_det_extraction_prada.client_size);
        struct ig_call call = r.call;
        call.client = others[c];
        prada_feed(&call, xs, lab, 200, dim, 10);
        if (*(void **)others[c])
            tracked++;
    }
    assert_true(tracked >= 1 && tracked < 40);
    /* evicting releases the budget: a new client fits again */
    for (int c = 0; c < 40; c++) {
        struct ig_call call = r.call;
        call.client = others[c];
        ig_det_extraction_prada.evict(&call);
        assert_null(*(void **)others[c]);
        free(others[c]);
    }
    void *again = calloc(1, ig_det_extraction_prada.client_size);
    struct ig_call call = r.call;
    call.client = again;
    prada_feed(&call, xs, lab, 50, dim, 10);
    assert_non_null(*(void **)again);
    ig_det_extraction_prada.evict(&call);
    free(again);

    run_close(&r);
    ig_rules_free(rules);
    free(xs);
    free(lab);
}

/* State grows with use: within a 1 MiB budget, 1000 clients of one query each (two
 * classes seen, one vector each, at d = 64) are all tracked; when the state was sized
 * for max_classes and max_dists up front (~53 KB a client) about 19 fitted. Evicting
 * returns every byte: the same 1000 fit again. */
static void test_idle_clients_are_small(void **state)
{
    (void)state;
    struct ig_rules *rules = tst_rules_load("- detector: extraction.prada\n  params:\n    memory_mb: 1\n");
    const uint32_t dim = 64, nc = 1000;
    float xs[2 * 64];
    int32_t lab[2] = { 3, 7 };
    rs = 5;
    for (uint32_t j = 0; j < 2 * dim; j++)
        xs[j] = (float)urand();
    struct run r;
    run_open(&r, rules);
    void **cl = calloc(nc, sizeof(void *));
    for (int round = 0; round < 2; round++) {
        for (uint32_t c = 0; c < nc; c++) {
            cl[c] = calloc(1, ig_det_extraction_prada.client_size);
            struct ig_call call = r.call;
            call.client = cl[c];
            prada_feed(&call, xs, lab, 2, dim, 2);
            if (!*(void **)cl[c])
                fail_msg("round %d: client %u of %u refused", round, c, nc);
        }
        for (uint32_t c = 0; c < nc; c++) {
            struct ig_call call = r.call;
            call.client = cl[c];
            ig_det_extraction_prada.evict(&call);
            free(cl[c]);
        }
    }
    free(cl);
    run_close(&r);
    ig_rules_free(rules);
}

/* storage: bf16 halves the stored sets and keeps the verdicts: natural quiet, JbDA fires. */
static void test_bf16_storage(void **state)
{
    (void)state;
    struct ig_rules *rules = tst_rules_load("- detector: extraction.prada\n  params:\n    storage: bf16\n");
    uint32_t dim = 64, n = 2000;
    float *xs = malloc(n * dim * sizeof(float));
    int32_t *lab = malloc(n * sizeof(int32_t));
    for (int kind = 0; kind < 2; kind++) {
        rs = 4711 + kind;
        make_centres(dim);
        if (kind)
            jbda(xs, lab, n, dim);
        else
            natural(xs, lab, n, dim);
        struct run r;
        run_open(&r, rules);
        run_feed(&r, xs, lab, n, dim, 2);
        assert_int_equal(r.sink.n > 0, kind == 1);
        run_close(&r);
    }
    /* an unknown storage is a configuration error */
    ig_rules_free(rules);
    rules = tst_rules_load("- detector: extraction.prada\n  params:\n    storage: fp8\n");
    void *g = NULL;
    char err[512] = "";
    assert_true(ig_detector_init(&ig_det_extraction_prada, &no_env, rules, &g, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "storage"));
    ig_rules_free(rules);
    free(xs);
    free(lab);
}

/* Out-of-range parameters are a configuration error naming the detector. */
static void test_bad_rules(void **state)
{
    (void)state;
    struct ig_rules *rules = tst_rules_load("- detector: extraction.prada\n  params:\n    delta: 1.5\n");
    void *g = NULL;
    char err[512] = "";
    assert_true(ig_detector_init(&ig_det_extraction_prada, &no_env, rules, &g, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "extraction.prada"));
    ig_rules_free(rules);
}

/* ---- the detector against a plain re-implementation with full scans ---- */

struct wlog {
    uint32_t n;
    uint64_t q[4096];
    double w[4096];
};

static void on_w(void *ctx, const struct ig_finding *f)
{
    struct wlog *l = ctx;
    for (uint32_t i = 0; i < f->nscores; i++)
        if (!strcmp(f->scores[i].key, "shapiro_w") && l->n < 4096) {
            l->q[l->n] = f->queries_seen;
            l->w[l->n++] = f->scores[i].value;
        }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define REF_CLS 16
struct ref_prada {
    struct ig_vset g[REF_CLS];
    int32_t label[REF_CLS];
    double t[REF_CLS], dg_sum[REF_CLS], dg_sumsq[REF_CLS];
    uint32_t dg_n[REF_CLS], in_d[REF_CLS], ncls;
    float dv[200];
    int dc[200];
    uint32_t dlen;
    uint64_t queries;
};

/* PRADA of the brief with full scans (l2sq_min on plain sets), D kept oldest first and
 * sorted with qsort: every W the detector reports must be this one, bit for bit. */
static void ref_query(struct ref_prada *r, const float *x, int32_t label, uint32_t dim,
                      uint32_t period, uint32_t maxd, uint32_t cap, struct ig_sw *sw,
                      struct wlog *out)
{
    int c = -1;
    for (uint32_t i = 0; i < r->ncls; i++)
        if (r->label[i] == label)
            c = (int)i;
    r->queries++;
    if (c < 0) {
        c = (int)r->ncls++;
        r->label[c] = label;
        assert_int_equal(ig_vset_init(&r->g[c], dim, cap), IG_OK);
        ig_vset_append(&r->g[c], x);
        r->dg_n[c] = 1;
    } else {
        float d = sqrtf(ig_kern()->l2sq_min(&r->g[c], x, NULL));
        if (r->dlen == maxd) {
            r->in_d[r->dc[0]]--;
            memmove(r->dv, r->dv + 1, (maxd - 1) * sizeof(float));
            memmove(r->dc, r->dc + 1, (maxd - 1) * sizeof(int));
            r->dlen--;
        }
        r->dv[r->dlen] = d;
        r->dc[r->dlen++] = c;
        r->in_d[c]++;
        if ((double)d > r->t[c] && r->g[c].count < cap) {
            ig_vset_append(&r->g[c], x);
            r->dg_n[c]++;
            r->dg_sum[c] += d;
            r->dg_sumsq[c] += (double)d * d;
            double mean = r->dg_sum[c] / r->dg_n[c];
            double var = r->dg_sumsq[c] / r->dg_n[c] - mean * mean;
            double thr = mean - sqrt(var > 0.0 ? var : 0.0);
            if (thr > r->t[c])
                r->t[c] = thr;
        }
    }
    if ((r->queries - 1) % period)
        return;
    double pool[200];
    uint32_t m = 0;
    for (uint32_t i = 0; i < r->dlen; i++)
        if (r->in_d[r->dc[i]] >= 5)
            pool[m++] = r->dv[i];
    if (m <= 20)
        return;
    qsort(pool, m, sizeof(double), cmp_double);
    double sum = 0, ss = 0;
    for (uint32_t i = 0; i < m; i++)
        sum += pool[i];
    double mean = sum / m;
    for (uint32_t i = 0; i < m; i++)
        ss += (pool[i] - mean) * (pool[i] - mean);
    double cut = 3.0 * sqrt(ss / m);
    uint32_t lo = 0, hi = m;
    while (lo < hi && !(fabs(pool[lo] - mean) < cut))
        lo++;
    while (hi > lo && !(fabs(pool[hi - 1] - mean) < cut))
        hi--;
    double w, pv;
    if (hi - lo <= 20 || ig_sw_test_sorted(sw, pool + lo, hi - lo, &w, &pv) != IG_OK)
        return;
    if (w < 0.99999 && out->n < 4096) {
        out->q[out->n] = r->queries;
        out->w[out->n++] = w;
    }
}

/* The pruned index, the incremental ordering of D and the exact cap change nothing:
 * every test's W equals the plain implementation's, over several periods, a D ring that
 * wraps many times, sets past 512 vectors (pivots) and a cap that is not a block multiple. */
static void test_matches_full_scan_reference(void **state)
{
    (void)state;
    const uint32_t dim = 16, n = 2400, maxd = 150;
    rs = 11;
    make_centres(dim);
    float *xs = malloc((size_t)n * dim * sizeof(float));
    int32_t *lab = malloc(n * sizeof(int32_t));
    natural(xs, lab, n / 2, dim);
    jbda(xs + (size_t)(n / 2) * dim, lab + n / 2, n / 2, dim);
    for (uint32_t i = 0; i < n; i++)
        lab[i] %= 3;   /* three big classes: sets reach their cap, and pivots past 512 */
    const uint32_t periods[] = { 1, 3, 10, 37, 400, 10 }, caps[] = { 300, 40, 300, 1000, 40, 300 };
    /* the last run keeps a bf16 shadow of G_c: still exactly the float32 answers */
    const char *const storage[] = { "f32", "f32", "f32", "f32", "f32", "f32_bf16" };
    for (size_t pi = 0; pi < IG_ARRAY_LEN(periods); pi++) {
        uint32_t cap = caps[pi];
        char yaml[512];
        snprintf(yaml, sizeof(yaml), "- detector: extraction.prada\n  params:\n    mode: paper\n    delta: 0.99999\n"
                 "    period: %u\n    max_dists: %u\n    min_pool: 20\n    min_class: 5\n    max_growing: %u\n"
                 "    storage: %s\n",
                 periods[pi], maxd, cap, storage[pi]);
        struct ig_rules *rules = tst_rules_load(yaml);

        static struct wlog got, want;
        memset(&got, 0, sizeof(got));
        memset(&want, 0, sizeof(want));
        struct run r;
        run_open(&r, rules);
        r.emit = (struct ig_emit){ on_w, &got };
        run_feed(&r, xs, lab, n, dim, 7);
        run_close(&r);

        static struct ref_prada ref;
        memset(&ref, 0, sizeof(ref));
        struct ig_sw sw;
        assert_int_equal(ig_sw_init(&sw, IG_SW_NMAX), IG_OK);
        for (uint32_t i = 0; i < n; i++)
            ref_query(&ref, xs + (size_t)i * dim, lab[i], dim, periods[pi], maxd, cap, &sw, &want);
        uint32_t full = 0;
        for (uint32_t c = 0; c < ref.ncls; c++) {
            assert_true(ref.g[c].count <= cap);
            full += ref.g[c].count == cap;
            ig_vset_free(&ref.g[c]);
        }
        ig_sw_free(&sw);
        ig_rules_free(rules);
        if (periods[pi] <= 10)
            assert_true(want.n > 20);   /* the comparison has substance */
        if (cap < 1000)
            assert_true(full > 0);
        assert_int_equal(got.n, want.n);
        for (uint32_t i = 0; i < want.n; i++) {
            assert_int_equal(got.q[i], want.q[i]);
            if (got.w[i] != want.w[i])
                fail_msg("period %u test %u (query %llu): W %.17g vs %.17g", periods[pi], i,
                         (unsigned long long)want.q[i], got.w[i], want.w[i]);
        }
    }
    free(xs);
    free(lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_natural_never_alarms),
        cmocka_unit_test(test_binary_onehot_natural_quiet),
        cmocka_unit_test(test_jbda_alarms),
        cmocka_unit_test(test_jbda_per_feature_lambda_alarms),
        cmocka_unit_test(test_jbda_iris_among_peers),
        cmocka_unit_test(test_labels_from_scores),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_rules_and_budget),
        cmocka_unit_test(test_bf16_storage),
        cmocka_unit_test(test_idle_clients_are_small),
        cmocka_unit_test(test_bad_rules),
        cmocka_unit_test(test_matches_full_scan_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
