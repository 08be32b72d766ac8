/* Drift evaluation of a range of ring rows (see drift_eval.h). */
#include "stats/drift_eval.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Copies the values of column <c> of rows [r0, r1) not excluded into out; returns how many. */
static size_t gather(const struct ig_drift_eval *e, uint32_t c, uint64_t r0, uint64_t r1,
                     const uint8_t *ex, float *out)
{
    const float *col = e->win + (size_t)c * e->cap;
    size_t n = 0, k = ig_drift_slot(e, r0);
    for (uint64_t r = r0; r < r1; r++) {
        float v = col[k];
        out[n] = v;                      /* kept when the row counts: no branch */
        n += !ex[e->cell[k]] && isfinite(v);
        k = k + 1 == e->cap ? 0 : k + 1;
    }
    return n;
}

static void col_hist(struct ig_drift_col_result *r, const float *a, size_t na, const float *b,
                     size_t nb)
{
    double lo = fmin(a[0], b[0]), hi = fmax(a[na - 1], b[nb - 1]);
    if (!(hi > lo))
        hi = lo + 1.0;
    r->hist_lo = lo;
    r->hist_hi = hi;
    double w = (hi - lo) / IG_DRIFT_HIST_BINS;
    memset(r->ref_hist, 0, sizeof r->ref_hist);
    memset(r->cur_hist, 0, sizeof r->cur_hist);
    for (size_t i = 0; i < na; i++) {
        int k = (int)((a[i] - lo) / w);
        r->ref_hist[k < 0 ? 0 : (k >= IG_DRIFT_HIST_BINS ? IG_DRIFT_HIST_BINS - 1 : k)] += 1.0 / na;
    }
    for (size_t i = 0; i < nb; i++) {
        int k = (int)((b[i] - lo) / w);
        r->cur_hist[k < 0 ? 0 : (k >= IG_DRIFT_HIST_BINS ? IG_DRIFT_HIST_BINS - 1 : k)] += 1.0 / nb;
    }
    r->has_hist = true;
}

static double col_alpha(const struct ig_drift_eval *e)
{
    /* PSI, JS and W1 are effect sizes: a column also needs a significant KS difference,
     * Bonferroni over the columns, so small references or windows do not drift by noise. */
    return e->significance / (e->ncols ? e->ncols : 1);
}

/* KS D and W1 of the ascending window sbuf[0..n) against reference column c: through the
 * rank index when there is one, else the merge. <w1> NULL: D only. */
static void ks_w1(const struct ig_drift_eval *e, uint32_t c, size_t n, double *d, double *w1)
{
    const struct ig_drift_column *rc = &e->ref->col[c];
    if (e->ix && !w1 && e->ix[c].ndistinct * 4 <= e->ix[c].na) {
        /* D alone of a reference of few values (ties): the merge walks both samples eight
         * values at a time and ranks once per distinct value; the index ranks every
         * distinct value of the window with a search through its ties (x20, iris's
         * standardised features and scores: KS 344 M -> 299 M instructions). The same D. */
        *d = ig_drift_ks_d(rc->x, rc->n, e->sbuf, n);
    } else if (e->ix && e->psum) {
        ig_drift_ks_w1_fast(&e->ix[c], w1 ? e->psum + e->psum_off[c] : NULL, e->sbuf, n, d, w1);
    } else {
        double w;
        ig_drift_ks_w1(rc->x, rc->n, e->sbuf, n, d, &w);
        if (w1)
            *w1 = w;
    }
}

uint64_t ig_drift_eval_rows(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                            const uint8_t *ex)
{
    uint64_t n = 0;
    size_t k = ig_drift_slot(e, r0);
    for (uint64_t r = r0; r < r1; r++, k = k + 1 == e->cap ? 0 : k + 1)
        n += !ex[e->cell[k]];
    return n;
}

/* A column's result before its tests: which column it is, nothing measured yet. */
static void col_reset(const struct ig_drift_eval *e, uint32_t c, struct ig_drift_col_result *r)
{
    memset(r, 0, offsetof(struct ig_drift_col_result, hist_lo));
    r->has_hist = false;
    r->is_score = c >= e->nfeat;
    r->index = r->is_score ? c - e->nfeat : c;
}

/* PSI and JS of column c over the n unsorted values in sbuf (the counts of the sorted
 * count, without the sort). */
static void psi_js(const struct ig_drift_eval *e, const struct ig_drift_column *rc, size_t n,
                   double *psi, double *js)
{
    uint32_t cnt[IG_DRIFT_BINS];
    double cp[IG_DRIFT_BINS];
    ig_drift_bin_counts(e->sbuf, n, rc->edges, IG_DRIFT_BINS, cnt);
    for (int b = 0; b < IG_DRIFT_BINS; b++)
        cp[b] = (double)cnt[b] / (double)n;
    *psi = ig_drift_psi(rc->prop, cp, IG_DRIFT_BINS, e->eps);
    *js = ig_drift_js(rc->prop, cp, IG_DRIFT_BINS);
}

/* A tested column in the sum: tested and drifted, as a model output or a feature. */
static void count_col(struct ig_drift_eval_sum *o, const struct ig_drift_col_result *r)
{
    if (r->is_score) {
        o->nt_out++;
        o->nd_out += r->drifted;
    } else {
        o->nt_feat++;
        o->nd_feat += r->drifted;
    }
}

/* ig_drift_eval_cols; <quick>: a column whose PSI (JS) is under the threshold under the
 * PSI (JS) test keeps psi, js and stat only (see ig_drift_eval_ranked). */
static void eval_cols(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                      const uint8_t *ex, struct ig_drift_col_result *res, bool full, bool quick,
                      struct ig_drift_eval_sum *o)
{
    memset(o, 0, sizeof *o);
    double alpha = col_alpha(e);
    o->rows = ig_drift_eval_rows(e, r0, r1, ex);
    quick = quick && (e->test == IG_DRIFT_PSI || e->test == IG_DRIFT_JS);
    for (uint32_t c = 0; c < e->ncols; c++) {
        const struct ig_drift_column *rc = &e->ref->col[c];
        struct ig_drift_col_result *r = &res[c];
        col_reset(e, c, r);
        const struct ig_drift_memo *mm = e->memo;
        if (quick && mm && mm->v[c] != IG_DRIFT_UNTESTED && !e->w1) {
            /* an earlier call's test of this column: its measures are these (KS D without
             * W1, as here without e->w1) */
            r->n_ref = rc->n;
            r->n_cur = mm->n[c];
            if (mm->v[c] < 0) {
                r->psi = r->ks_d = r->ks_p = r->js = r->w1n = r->stat = NAN;
                continue;
            }
            r->psi = mm->psi[c];
            r->js = mm->js[c];
            r->ks_d = mm->ks_d[c];
            r->ks_p = mm->ks_p[c];
            r->w1n = NAN;
            r->stat = e->test == IG_DRIFT_PSI ? r->psi : r->js;
            r->drifted = mm->v[c];
            count_col(o, r);
            continue;
        }
        if (quick && rc->n) {
            size_t n = gather(e, c, r0, r1, ex, e->sbuf);
            if (n) {
                double psi, js;
                psi_js(e, rc, n, &psi, &js);
                double st = e->test == IG_DRIFT_PSI ? psi : js;
                if (!(st >= e->threshold)) {
                    /* not drifted whatever KS says: no sort, no KS, no W1 */
                    r->n_ref = rc->n;
                    r->n_cur = (uint32_t)n;
                    r->psi = psi;
                    r->js = js;
                    r->stat = st;
                    r->ks_d = r->ks_p = r->w1n = NAN;
                    count_col(o, r);
                    continue;
                }
            }
        }
        size_t n = ig_drift_gather_sorted(e->win + (size_t)c * e->cap, e->cell, ex,
                                          ig_drift_slot(e, r0), e->cap, r1 - r0, e->sbuf, e->tmp);
        r->n_ref = rc->n;
        r->n_cur = (uint32_t)n;
        if (!n || !rc->n) {
            r->psi = r->ks_d = r->ks_p = r->js = r->w1n = r->stat = NAN;
            continue;
        }
        uint32_t cnt[IG_DRIFT_BINS];
        double cp[IG_DRIFT_BINS];
        ig_drift_bin_counts_sorted(e->sbuf, n, rc->edges, IG_DRIFT_BINS, cnt);
        for (int b = 0; b < IG_DRIFT_BINS; b++)
            cp[b] = (double)cnt[b] / (double)n;
        r->psi = ig_drift_psi(rc->prop, cp, IG_DRIFT_BINS, e->eps);
        r->js = ig_drift_js(rc->prop, cp, IG_DRIFT_BINS);
        /* W1 is half of the KS loop's work (efficacy captures: 12 % of drift.features);
         * no verdict reads it unless it is the test */
        double w1 = NAN;
        bool want_w1 = e->w1 || e->test == IG_DRIFT_W1;
        ks_w1(e, c, n, &r->ks_d, want_w1 ? &w1 : NULL);
        r->ks_p = ig_drift_ks_p(r->ks_d, rc->n, n);
        r->w1n = !want_w1 ? NAN : rc->std > 0 ? w1 / rc->std : (w1 > 0 ? INFINITY : 0.0);
        switch (e->test) {
        case IG_DRIFT_PSI: r->stat = r->psi; r->drifted = r->psi >= e->threshold; break;
        case IG_DRIFT_KS:  r->stat = r->ks_d; r->drifted = r->ks_p <= e->threshold; break;
        case IG_DRIFT_JS:  r->stat = r->js; r->drifted = r->js >= e->threshold; break;
        case IG_DRIFT_W1:  r->stat = r->w1n; r->drifted = r->w1n >= e->threshold; break;
        }
        if (e->test != IG_DRIFT_KS)
            r->drifted = r->drifted && r->ks_p <= alpha;
        count_col(o, r);
        if (full && (r->drifted || e->ncols <= 4))
            col_hist(r, rc->x, rc->n, e->sbuf, n);
    }
    o->share = o->nt_feat ? (double)o->nd_feat / o->nt_feat : 0.0;
    o->feat = o->nt_feat && o->share >= e->share;
}

void ig_drift_eval_cols(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                        const uint8_t *ex, struct ig_drift_col_result *res, bool full,
                        struct ig_drift_eval_sum *o)
{
    eval_cols(e, r0, r1, ex, res, full, false, o);
}

void ig_drift_eval_ranked(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                          const uint8_t *ex, struct ig_drift_col_result *res,
                          struct ig_drift_eval_sum *o)
{
    eval_cols(e, r0, r1, ex, res, false, true, o);
}

void ig_drift_memo_clear(struct ig_drift_memo *mm, uint32_t ncols)
{
    memset(mm->v, IG_DRIFT_UNTESTED, ncols);
}

/* Whether column c drifts over rows [r0, r1) not excluded, as ig_drift_eval_cols would say,
 * doing the cheap test first; from e->memo when an earlier call tested it (and into it
 * when not). -1: not tested (no values). */
static int col_verdict(const struct ig_drift_eval *e, uint32_t c, uint64_t r0, uint64_t r1,
                       const uint8_t *ex, double alpha)
{
    struct ig_drift_memo *mm = e->memo;
    if (mm && mm->v[c] != IG_DRIFT_UNTESTED)
        return mm->v[c];
    size_t n = gather(e, c, r0, r1, ex, e->sbuf);
    const struct ig_drift_column *rc = &e->ref->col[c];
    double psi = NAN, js = NAN, d = NAN, p = NAN;
    int v;
    if (!n || !rc->n) {
        v = -1;
        goto out;
    }
    if (e->test == IG_DRIFT_PSI || e->test == IG_DRIFT_JS) {
        /* the same counts as the sorted count of ig_drift_eval_cols, without the sort */
        psi_js(e, rc, n, &psi, &js);
        double st = e->test == IG_DRIFT_PSI ? psi : js;
        if (!(st >= e->threshold)) {
            v = 0;
            goto out;
        }
    }
    ig_drift_sort_f32(e->sbuf, e->tmp, n);
    double w1 = 0;
    ks_w1(e, c, n, &d, e->test == IG_DRIFT_W1 ? &w1 : NULL);
    p = ig_drift_ks_p(d, rc->n, n);
    switch (e->test) {
    case IG_DRIFT_KS:
        v = p <= e->threshold;
        break;
    case IG_DRIFT_W1: {
        double w1n = rc->std > 0 ? w1 / rc->std : (w1 > 0 ? INFINITY : 0.0);
        v = w1n >= e->threshold && p <= alpha;
        break;
    }
    default:
        v = p <= alpha;
    }
out:
    if (mm) {
        mm->v[c] = (int8_t)v;
        mm->n[c] = (uint32_t)n;
        mm->psi[c] = psi;
        mm->js[c] = js;
        mm->ks_d[c] = d;
        mm->ks_p[c] = p;
    }
    return v;
}

/* Share verdict bounds: with <left> columns still to test, the share nd/nt can end anywhere
 * between nd/(nt+left) and (nd+left)/(nt+left). 1: certainly reached, 0: certainly not,
 * -1: open. Same double arithmetic as the final share, so the bound is exact. */
static int share_decided(uint32_t nd, uint32_t nt, uint32_t left, double share)
{
    if (nt + left == 0 || (double)(nd + left) / (double)(nt + left) < share)
        return 0;
    if (nd && (double)nd / (double)(nt + left) >= share)
        return 1;
    return left ? -1 : ((double)nd / (double)nt >= share);
}

bool ig_drift_eval_maybe(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                         const uint8_t *ex)
{
    double alpha = col_alpha(e);
    uint32_t nd[2] = { 0, 0 }, nt[2] = { 0, 0 };
    uint32_t left[2] = { e->nfeat, e->ncols - e->nfeat };
    int dec[2] = { share_decided(0, 0, left[0], e->share), share_decided(0, 0, left[1], e->share) };
    for (uint32_t c = 0; c < e->ncols; c++) {
        int k = c >= e->nfeat;
        if (dec[k] == 1)
            return true;
        if (dec[0] == 0 && dec[1] == 0)
            return false;
        left[k]--;
        if (dec[k] == 0)
            continue;
        int v = col_verdict(e, c, r0, r1, ex, alpha);
        if (v >= 0) {
            nt[k]++;
            nd[k] += (uint32_t)v;
        }
        dec[k] = share_decided(nd[k], nt[k], left[k], e->share);
    }
    return dec[0] == 1 || dec[1] == 1;
}

void ig_drift_eval_drifted(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                           const uint8_t *ex, struct ig_drift_col_result *res,
                           struct ig_drift_eval_sum *o)
{
    memset(o, 0, sizeof *o);
    double alpha = col_alpha(e);
    o->rows = ig_drift_eval_rows(e, r0, r1, ex);
    for (uint32_t c = 0; c < e->ncols; c++) {
        struct ig_drift_col_result *r = &res[c];
        col_reset(e, c, r);
        r->psi = r->ks_d = r->ks_p = r->js = r->w1n = r->stat = NAN;
        int v = col_verdict(e, c, r0, r1, ex, alpha);
        if (v < 0)
            continue;
        r->drifted = v;
        if (r->is_score) {
            o->nt_out++;
            o->nd_out += (uint32_t)v;
        } else {
            o->nt_feat++;
            o->nd_feat += (uint32_t)v;
        }
    }
    o->share = o->nt_feat ? (double)o->nd_feat / o->nt_feat : 0.0;
    o->feat = o->nt_feat && o->share >= e->share;
}

void ig_drift_eval_verdicts(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                            const uint8_t *ex, bool want_feat, bool want_scores, bool *feat,
                            bool *scores)
{
    double alpha = col_alpha(e);
    uint32_t nd[2] = { 0, 0 }, nt[2] = { 0, 0 };
    uint32_t left[2] = { e->nfeat, e->ncols - e->nfeat };
    int dec[2] = { want_feat ? share_decided(0, 0, left[0], e->share) : 0,
                   want_scores ? share_decided(0, 0, left[1], e->share) : 0 };
    for (uint32_t c = 0; c < e->ncols && (dec[0] < 0 || dec[1] < 0); c++) {
        int k = c >= e->nfeat;
        left[k]--;
        if (dec[k] >= 0)
            continue;
        int v = col_verdict(e, c, r0, r1, ex, alpha);
        if (v >= 0) {
            nt[k]++;
            nd[k] += (uint32_t)v;
        }
        dec[k] = share_decided(nd[k], nt[k], left[k], e->share);
    }
    *feat = dec[0] == 1;
    *scores = dec[1] == 1;
}

static int bin_index(double v, const double *edges)
{
    int b = 0;
    while (b < IG_DRIFT_BINS - 1 && edges[b] <= v)
        b++;
    return b;
}

void ig_drift_attribute(const struct ig_drift_eval *e, uint64_t r0, uint64_t r1,
                        const uint8_t *ex, const struct ig_drift_col_result *res,
                        double *contrib, uint64_t *crows)
{
    memset(contrib, 0, e->ncells * sizeof *contrib);
    memset(crows, 0, e->ncells * sizeof *crows);
    size_t i0 = ig_drift_slot(e, r0), i = i0;
    for (uint64_t r = r0; r < r1; r++, i = i + 1 == e->cap ? 0 : i + 1) {
        uint16_t k = e->cell[i];
        crows[k] += !ex[k];
    }
    /* Only cells with rows counted have counts: the others' rows of attr_cnt are neither
     * cleared nor read (x20: clearing all 128 x 10 per drifted column, and the loop over
     * them, cost 68 M instructions more). Ascending, as the loop was. */
    uint16_t live[1024];                 /* the detector has 128 cells; more: all of them */
    uint32_t nlive = 0;
    bool all = e->ncells > sizeof live / sizeof live[0];
    for (uint32_t k = 0; !all && k < e->ncells; k++)
        if (crows[k])
            live[nlive++] = (uint16_t)k;
    for (uint32_t c = 0; c < e->ncols; c++) {
        if (!res[c].drifted)
            continue;
        const struct ig_drift_column *rc = &e->ref->col[c];
        const float *col = e->win + (size_t)c * e->cap;
        if (all)
            memset(e->attr_cnt, 0, (size_t)e->ncells * IG_DRIFT_BINS * sizeof *e->attr_cnt);
        for (uint32_t j = 0; j < nlive; j++)
            memset(e->attr_cnt + (size_t)live[j] * IG_DRIFT_BINS, 0,
                   IG_DRIFT_BINS * sizeof *e->attr_cnt);
        double tot[IG_DRIFT_BINS] = { 0 }, n = 0;
        i = i0;
        for (uint64_t r = r0; r < r1; r++, i = i + 1 == e->cap ? 0 : i + 1) {
            uint16_t k = e->cell[i];
            if (ex[k] || !isfinite(col[i]))
                continue;
            int b = bin_index(col[i], rc->edges);
            e->attr_cnt[(size_t)k * IG_DRIFT_BINS + b] += 1;
            tot[b] += 1;
            n += 1;
        }
        if (n <= 0)
            continue;
        double lr[IG_DRIFT_BINS], rp[IG_DRIFT_BINS];
        for (int b = 0; b < IG_DRIFT_BINS; b++) {
            double cb = tot[b] / n, rb = rc->prop[b];
            rp[b] = rb;
            lr[b] = log((cb > 0 ? cb : e->eps) / (rb > 0 ? rb : e->eps));
        }
        for (uint32_t j = 0; j < (all ? e->ncells : nlive); j++) {
            uint32_t k = all ? j : live[j];
            const double *ck = e->attr_cnt + (size_t)k * IG_DRIFT_BINS;
            double nk = 0, s = 0;
            for (int b = 0; b < IG_DRIFT_BINS; b++)
                nk += ck[b];
            if (nk <= 0)
                continue;
            for (int b = 0; b < IG_DRIFT_BINS; b++)
                s += (ck[b] - nk * rp[b]) / n * lr[b];
            contrib[k] += s;
        }
    }
}
