/* Drift evaluation's shortcuts give ig_drift_eval_cols' answers (stats/drift_eval.h):
 * ig_drift_eval_drifted the same sums and drifted columns, ig_drift_eval_verdicts and
 * ig_drift_eval_maybe the same verdicts, an evaluation without W1 the same results but
 * w1n, and ig_drift_eval_ranked the same sums, verdicts, statistics, PSI and JS (all of a
 * column's measures unless the cheap test settled it); on random windows with shifted
 * clients, NaNs, exclusions and ring wrap-around, for every test, through the rank index
 * and through the merge. drift.features' findings rest
 * on these being equal (it takes the shortcut wherever only the verdict is read). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/drift_eval.h"

enum { NFEAT = 5, NOUT = 3, NCOLS = NFEAT + NOUT, CAP = 1500, NREF = 2000, NCELLS = 12 };

static uint64_t rng = 0x6a09e667f3bcc909ull;   /* fixed seed */
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double uniform(void) { return (double)(next_rand() >> 11) / 9007199254740992.0; }
static double normal(void)
{
    double u = uniform() + 1e-300, v = uniform();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

struct fixture {
    struct ig_drift_profile ref;
    struct ig_drift_column col[NCOLS];
    struct ig_drift_index ix[NCOLS];
    double *psum;
    size_t psum_off[NCOLS];
    uint32_t *cells;
    float *win, *sbuf, *tmp;
    uint16_t cell[CAP];
};

/* Reference columns: normal samples (scores: in [0, 1]), decile edges and proportions. */
static void build_ref(struct fixture *fx)
{
    memset(&fx->ref, 0, sizeof fx->ref);
    fx->ref.nfeat = NFEAT;
    fx->ref.nout = NOUT;
    fx->ref.col = fx->col;
    size_t ncells = ig_drift_index_cells(NREF);
    fx->cells = calloc(NCOLS * ncells, sizeof *fx->cells);
    fx->psum = calloc(NCOLS * (NREF + 1), sizeof *fx->psum);
    assert_true(fx->cells && fx->psum);
    for (int c = 0; c < NCOLS; c++) {
        struct ig_drift_column *rc = &fx->col[c];
        rc->n = NREF;
        rc->x = malloc(NREF * sizeof *rc->x);
        assert_non_null(rc->x);
        double s = 0, ss = 0;
        for (int i = 0; i < NREF; i++) {
            double v = c < NFEAT ? normal() : 1 / (1 + exp(-2 * normal()));
            if (c == 1)
                v = floor(v * 2) / 2;             /* a discrete feature: ties */
            rc->x[i] = (float)v;
            s += rc->x[i];
            ss += (double)rc->x[i] * rc->x[i];
        }
        qsort(rc->x, NREF, sizeof *rc->x, cmp_float);
        rc->mean = s / NREF;
        rc->std = sqrt(fmax(0, ss / NREF - rc->mean * rc->mean));
        for (int b = 0; b < IG_DRIFT_BINS - 1; b++)
            rc->edges[b] = rc->x[(b + 1) * NREF / IG_DRIFT_BINS];
        uint32_t cnt[IG_DRIFT_BINS];
        ig_drift_bin_counts_sorted(rc->x, NREF, rc->edges, IG_DRIFT_BINS, cnt);
        for (int b = 0; b < IG_DRIFT_BINS; b++)
            rc->prop[b] = (double)cnt[b] / NREF;
        ig_drift_index_build(&fx->ix[c], rc->x, NREF, fx->cells + (size_t)c * ncells);
        fx->psum_off[c] = (size_t)c * (NREF + 1);
        ig_drift_prefix_sums(rc->x, NREF, fx->psum + fx->psum_off[c]);
    }
    fx->win = calloc((size_t)NCOLS * CAP, sizeof *fx->win);
    fx->sbuf = calloc(NREF + CAP, sizeof *fx->sbuf);
    fx->tmp = calloc(NREF + CAP, sizeof *fx->tmp);
    assert_true(fx->win && fx->sbuf && fx->tmp);
}

static void free_fixture(struct fixture *fx)
{
    for (int c = 0; c < NCOLS; c++)
        free(fx->col[c].x);
    free(fx->cells);
    free(fx->psum);
    free(fx->win);
    free(fx->sbuf);
    free(fx->tmp);
}

/* A window: each cell a client whose columns are shifted by its own offset (most cells
 * none, some a little, some a lot), a few NaNs. */
static void fill_window(struct fixture *fx, double scale)
{
    double shift[NCELLS][NCOLS];
    for (int k = 0; k < NCELLS; k++)
        for (int c = 0; c < NCOLS; c++)
            shift[k][c] = next_rand() % 3 == 0 ? scale * normal() : 0;
    for (int i = 0; i < CAP; i++) {
        uint16_t k = (uint16_t)(next_rand() % NCELLS);
        fx->cell[i] = k;
        for (int c = 0; c < NCOLS; c++) {
            double v = c < NFEAT ? normal() + shift[k][c] : 1 / (1 + exp(-2 * normal() - shift[k][c]));
            if (c == 1)
                v = floor(v * 2) / 2;
            if (next_rand() % 200 == 0)
                v = NAN;
            fx->win[(size_t)c * CAP + i] = (float)v;
        }
    }
}

static void same_result(const struct ig_drift_col_result *a, const struct ig_drift_col_result *b,
                        bool w1_too)
{
    assert_int_equal(a->index, b->index);
    assert_int_equal(a->is_score, b->is_score);
    assert_int_equal(a->drifted, b->drifted);
    assert_int_equal(a->n_cur, b->n_cur);
    assert_memory_equal(&a->psi, &b->psi, sizeof a->psi);
    assert_memory_equal(&a->ks_d, &b->ks_d, sizeof a->ks_d);
    assert_memory_equal(&a->ks_p, &b->ks_p, sizeof a->ks_p);
    assert_memory_equal(&a->js, &b->js, sizeof a->js);
    assert_memory_equal(&a->stat, &b->stat, sizeof a->stat);
    if (w1_too)
        assert_memory_equal(&a->w1n, &b->w1n, sizeof a->w1n);
}

static void test_shortcuts_agree(void **st)
{
    (void)st;
    struct fixture fx;
    build_ref(&fx);
    static const double thresholds[] = { 0.1, 0.05, 0.1, 0.1 };   /* psi, ks (p), js, w1 */
    static const double shares[] = { 0.2, 0.5, 0.75, 1.0 };
    struct ig_drift_col_result full[NCOLS], lean[NCOLS], drifted[NCOLS], ranked[NCOLS],
                               mdrifted[NCOLS];
    uint32_t outcomes[2][2] = { { 0 } };   /* [feat verdict][scores verdict] seen */
    uint32_t col_drifted = 0, col_clean = 0, col_settled = 0, memo_hits = 0;
    int8_t mv[NCOLS];
    uint32_t mn[NCOLS];
    double md[4][NCOLS];
    struct ig_drift_memo memo = { .v = mv, .n = mn, .psi = md[0], .js = md[1], .ks_d = md[2],
                                  .ks_p = md[3] };
    for (int trial = 0; trial < 400; trial++) {
        fill_window(&fx, trial % 4 == 0 ? 0.0 : 0.3 * (trial % 7));
        struct ig_drift_eval e = {
            .test = (enum ig_drift_test)(trial % 4), .threshold = thresholds[trial % 4],
            .share = shares[(trial / 4) % 4], .eps = 1e-4, .significance = 0.05,
            .ref = &fx.ref, .ix = trial % 3 ? fx.ix : NULL, .psum = trial % 3 ? fx.psum : NULL,
            .psum_off = fx.psum_off, .nfeat = NFEAT, .ncols = NCOLS, .win = fx.win,
            .cell = fx.cell, .cap = CAP, .ncells = NCELLS, .sbuf = fx.sbuf, .tmp = fx.tmp,
        };
        uint8_t ex[NCELLS] = { 0 };
        for (int k = 0; k < NCELLS; k++)
            ex[k] = trial % 2 && next_rand() % 4 == 0;
        /* rows [r0, r1) of the ring, wrapping past its end for most trials */
        uint64_t r0 = 5 * CAP + next_rand() % CAP, r1 = r0 + 200 + next_rand() % (CAP - 200);

        struct ig_drift_eval_sum o_full, o_lean, o_dr;
        e.w1 = true;
        ig_drift_eval_cols(&e, r0, r1, ex, full, false, &o_full);
        e.w1 = false;
        ig_drift_eval_cols(&e, r0, r1, ex, lean, false, &o_lean);
        ig_drift_eval_drifted(&e, r0, r1, ex, drifted, &o_dr);
        assert_memory_equal(&o_full, &o_lean, sizeof o_full);
        assert_memory_equal(&o_full, &o_dr, sizeof o_full);
        /* what a finding reads, without the KS of the columns the cheap test settles; and
         * the same after ig_drift_eval_maybe tested some columns into a memo (no W1: the
         * memo's KS has none) */
        for (int use_memo = 0; use_memo < 2; use_memo++) {
            struct ig_drift_eval_sum o_rk;
            e.w1 = !use_memo;
            if (use_memo) {
                ig_drift_memo_clear(&memo, NCOLS);
                e.memo = &memo;
                assert_int_equal(ig_drift_eval_maybe(&e, r0, r1, ex),
                                 o_full.feat || (o_full.nt_out &&
                                     (double)o_full.nd_out / o_full.nt_out >= e.share));
                for (int c = 0; c < NCOLS; c++)
                    memo_hits += memo.v[c] != IG_DRIFT_UNTESTED;
            }
            ig_drift_eval_ranked(&e, r0, r1, ex, ranked, &o_rk);
            if (use_memo) {                  /* the memo's verdicts are the full test's */
                struct ig_drift_eval_sum o_m;
                ig_drift_eval_drifted(&e, r0, r1, ex, mdrifted, &o_m);
                assert_memory_equal(&o_full, &o_m, sizeof o_full);
                for (int c = 0; c < NCOLS; c++)
                    assert_int_equal(full[c].drifted, mdrifted[c].drifted);
                e.memo = NULL;
            }
            assert_memory_equal(&o_full, &o_rk, sizeof o_full);
            for (int c = 0; c < NCOLS; c++) {
                const struct ig_drift_col_result *a = &full[c], *b = &ranked[c];
                assert_int_equal(a->n_ref, b->n_ref);
                assert_memory_equal(&a->psi, &b->psi, sizeof a->psi);
                assert_memory_equal(&a->js, &b->js, sizeof a->js);
                if (isnan(b->ks_d) && !isnan(a->ks_d)) {   /* settled by PSI / JS alone */
                    assert_true(e.test == IG_DRIFT_PSI || e.test == IG_DRIFT_JS);
                    assert_false(a->drifted);
                    assert_int_equal(a->index, b->index);
                    assert_int_equal(a->is_score, b->is_score);
                    assert_int_equal(a->drifted, b->drifted);
                    assert_int_equal(a->n_cur, b->n_cur);
                    assert_memory_equal(&a->stat, &b->stat, sizeof a->stat);
                    col_settled++;
                } else {
                    same_result(a, b, !use_memo || e.test == IG_DRIFT_W1);
                    if (use_memo && e.test != IG_DRIFT_W1)
                        assert_true(isnan(b->w1n));
                }
            }
        }
        e.w1 = false;
        for (int c = 0; c < NCOLS; c++) {
            same_result(&full[c], &lean[c], e.test == IG_DRIFT_W1);
            if (e.test != IG_DRIFT_W1)
                assert_true(isnan(lean[c].w1n));
            assert_int_equal(full[c].drifted, drifted[c].drifted);
            assert_int_equal(full[c].index, drifted[c].index);
            assert_int_equal(full[c].is_score, drifted[c].is_score);
            col_drifted += full[c].drifted;
            col_clean += !full[c].drifted;
        }
        bool feat = o_full.feat;
        bool scores = o_full.nt_out && (double)o_full.nd_out / o_full.nt_out >= e.share;
        outcomes[feat][scores]++;
        for (int want = 0; want < 4; want++) {
            bool f = true, s = true;
            ig_drift_eval_verdicts(&e, r0, r1, ex, want & 1, want & 2, &f, &s);
            assert_int_equal(f, (want & 1) && feat);
            assert_int_equal(s, (want & 2) && scores);
        }
        assert_int_equal(ig_drift_eval_maybe(&e, r0, r1, ex), feat || scores);
    }
    /* the windows covered every verdict pair and both kinds of column */
    assert_true(outcomes[0][0] && outcomes[0][1] && outcomes[1][0] && outcomes[1][1]);
    assert_true(col_drifted > 100 && col_clean > 100 && col_settled > 100 && memo_hits > 100);
    free_fixture(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shortcuts_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
