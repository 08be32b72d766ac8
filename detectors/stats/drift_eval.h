/* Drift evaluation: the tests of a range of recent rows (a column-major ring, each row with
 * its client cell) against a frozen reference, per column and as a verdict over the columns,
 * and the split of the drifted columns' PSI by client. The drift detector (det_drift_features.c)
 * decides what to test and when; this file only measures. Nothing here allocates. */
#ifndef IG_DRIFT_EVAL_H
#define IG_DRIFT_EVAL_H

#include "stats/drift_profile.h"
#include "stats/drift_stats.h"

enum ig_drift_test { IG_DRIFT_PSI, IG_DRIFT_KS, IG_DRIFT_JS, IG_DRIFT_W1 };

/* What earlier tests of one range and one exclusion found, column by column, so a later
 * evaluation of the same rows does not test a column again (drift.features decides whether
 * a window could drift, then judges it: the same columns). v[c]: IG_DRIFT_UNTESTED, -1 (no
 * values), 0 or 1 (drifted); n[c] values counted; psi, js (NaN unless the PSI or JS test
 * computed them), ks_d, ks_p (NaN unless KS ran: the cheap test did not settle it). */
#define IG_DRIFT_UNTESTED ((int8_t)-2)
struct ig_drift_memo {
    int8_t   *v;
    uint32_t *n;
    double   *psi, *js, *ks_d, *ks_p;
};

/* Every column untested. */
void ig_drift_memo_clear(struct ig_drift_memo *mm, uint32_t ncols);

/* What one evaluation reads. Borrowed: the caller keeps every pointer alive. */
struct ig_drift_eval {
    enum ig_drift_test test;
    double   threshold;                  /* of the test (a p-value for KS) */
    double   share;                      /* drifted share of the columns for a verdict */
    double   eps;                        /* PSI: empty proportions become eps */
    double   significance;               /* KS level other tests also need (Bonferroni) */
    const struct ig_drift_profile *ref;  /* frozen */
    const struct ig_drift_index *ix;     /* per column, with psum: NULL = merge path */
    const double *psum;
    const size_t *psum_off;
    uint32_t nfeat, ncols;               /* features first, then scores */
    const float *win;                    /* ncols x cap values, column c at c * cap */
    const uint16_t *cell;                /* client cell of each ring slot, < ncells */
    uint32_t cap;
    uint32_t ncells;
    float   *sbuf, *tmp;                 /* scratch: max(cap, reference rows) floats each */
    bool     w1;                         /* W1 of every column (a report shows it); else
                                          * only when it is the test, w1n NaN otherwise */
    double  *attr_cnt;                   /* scratch: ncells x IG_DRIFT_BINS */
    struct ig_drift_memo *memo;          /* NULL, or what earlier tests of exactly these rows
                                          * [r0, r1) and exclusion <ex> found (the caller
                                          * keys it and clears it when either changes):
                                          * read and filled by every call below but
                                          * ig_drift_eval_cols and ig_drift_attribute */
};

struct ig_drift_eval_sum {
    uint32_t nd_feat, nt_feat, nd_out, nt_out;   /* drifted / tested features and scores */
    uint64_t rows;                               /* rows whose cell is not excluded */
    double   share;                              /* nd_feat / nt_feat (0 when none) */
    bool     feat;                               /* share >= the verdict's share */
};

/* Ring slot of row number <row>. */
static inline size_t ig_drift_slot(const struct ig_drift_eval *e, uint64_t row)
{
    return (size_t)(row % e->cap);
}

/* Rows of [r0, r1) whose cell is not in <ex>. */
uint64_t ig_drift_eval_rows(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                            const uint8_t *ex);

/* Tests every column over rows [r0, r1) whose cell is not excluded (ex[cell] != 0) into
 * res[c] (column order): PSI and JS on the reference-quantile bins, KS D and p, W1 over the
 * reference std; PSI, JS and W1 drift only with a KS p <= significance / ncols as well.
 * <full>: histograms of the drifted columns (all columns when ncols <= 4) for the report. */
void ig_drift_eval_cols(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                        const uint8_t *ex, struct ig_drift_col_result *res, bool full,
                        struct ig_drift_eval_sum *o);

/* ig_drift_eval_cols without the work no finding reads: <o>, and each column's drifted,
 * index, is_score, n_ref, n_cur and stat (what a finding counts, names and orders by) and
 * psi and js, exactly as ig_drift_eval_cols gives them; a column the PSI (JS) test settles
 * under its threshold is neither sorted nor tested by KS (ks_d, ks_p, w1n NaN), every other
 * column has all of ig_drift_eval_cols' measures. No histograms. */
void ig_drift_eval_ranked(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                          const uint8_t *ex, struct ig_drift_col_result *res,
                          struct ig_drift_eval_sum *o);

/* The verdict of ig_drift_eval_cols decided with as little work as it takes: a column
 * whose PSI (JS) is below the threshold is not drifted whatever KS says, so KS, the sort
 * and W1 are skipped for it, and the columns stop as soon as the verdict is certain.
 * Returns false when, by ig_drift_eval_cols, neither o->feat nor the scores' drifted share
 * would reach the verdict's share; true when one of them might (run ig_drift_eval_cols). */
bool ig_drift_eval_maybe(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                         const uint8_t *ex);

/* What ig_drift_eval_cols gives in <o> and in res[c].drifted, exactly, without the
 * measures behind them (res's other statistics are NaN, no histograms): each column decided
 * by the cheap test first (no sort under the PSI or JS threshold, KS D without W1). */
void ig_drift_eval_drifted(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                           const uint8_t *ex, struct ig_drift_col_result *res,
                           struct ig_drift_eval_sum *o);

/* The two verdicts of ig_drift_eval_cols over rows [r0, r1) without the cells in <ex>:
 * o->feat, and whether the scores' drifted share reaches the verdict's share; decided as
 * ig_drift_eval_maybe decides them (cheap test first, no sort for a column under the PSI or
 * JS threshold, columns stop once the verdict is certain). Only the verdicts asked for
 * (want_feat, want_scores) are decided; the others come back false. */
void ig_drift_eval_verdicts(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                            const uint8_t *ex, bool want_feat, bool want_scores, bool *feat,
                            bool *scores);

/* Each cell's part of the drifted columns' PSI over rows [r0, r1) (rows of excluded cells
 * left out): PSI = sum_b (c_b - r_b) ln(c_b / r_b), and c_b - r_b splits exactly by cell k
 * into (n_kb - n_k r_b) / n, so the parts add up to the PSI. <res> in column order;
 * contrib[] and crows[] (rows per cell) hold ncells entries. */
void ig_drift_attribute(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                        const uint8_t *ex, const struct ig_drift_col_result *res,
                        double *contrib, uint64_t *crows);

#endif
