/* Drift: per model, compares tumbling windows of inputs, output scores and predicted
 * classes with a reference (learned from the first rows, or loaded from a profile file),
 * and watches top-1 confidence, output entropy and latency with Page-Hinkley.
 * One detector emitting three analytics: drift.features (share of drifted input features
 * >= share threshold, as Evidently's dataset verdict), drift.predictions (class chi-square
 * with an effect floor, or drifted output scores) and drift.confidence (a change point
 * confirmed by the window's effect size). At most one finding of each per window.
 * Model state is allocated once per model (bounded by max_models), never per event. */
#include <inferguard/detector.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats/drift_profile.h"
#include "stats/drift_stats.h"

enum drift_test { T_PSI, T_KS, T_JS, T_W1 };
static const char *const test_names[] = { "psi", "ks", "js", "wasserstein" };

enum { S_CONF, S_ENT, S_LAT, S_N };

struct drift_params {
    uint32_t ref_rows, reservoir, window_rows, min_window, block, max_models, max_columns;
    uint64_t ref_us, window_us;
    enum drift_test test;
    double   threshold, share, eps;
    double   chi2_p, min_tvd;
    double   ph_delta, ph_lambda, ph_alpha, min_effect;
    uint32_t ph_min;
    bool     on_feat, on_pred, on_conf;
    char    *reference;                  /* profile file, or NULL: learn */
};

struct drift_model;
struct drift_registry {                  /* mutable, reached through the const global */
    struct drift_model *head;
    uint32_t nmodels;
    uint64_t models_dropped, width_mismatch;
    struct ig_drift_profile **loaded;
    uint32_t nloaded;
};

struct drift_global {
    struct drift_params p;
    struct drift_registry *reg;
};

struct drift_model {
    struct drift_model *next;
    char     name[IG_MODEL_NAME_MAX], version[IG_MODEL_VERSION_MAX];
    struct ig_drift_profile *ref;
    bool     ref_owned;
    const char *ref_source;
    uint32_t nfeat, nout, ncols;

    /* current window: column-major, wcap rows per column */
    float   *win;
    uint32_t wcap, wn;
    uint64_t wstart, wend, wevents, wdropped;
    uint64_t wclass[IG_DRIFT_MAX_CLASSES];
    struct ig_drift_moments wm[S_N];

    /* confidence / entropy / latency series in blocks of events */
    struct ig_drift_ph ph[S_N];
    double   bsum[S_N];
    uint32_t bcnt[S_N], bevents;
    uint8_t  wchanges, pending;          /* change points: this window / not yet confirmed */
    uint64_t pending_win[S_N];
    struct ig_drift_point pts[IG_DRIFT_MAX_POINTS], ptsout[IG_DRIFT_MAX_POINTS];
    uint32_t npts, phead;

    /* evaluation buffers and the last report */
    float   *sbuf, *tmp;
    struct ig_drift_col_result *res;
    double   ref_class_p[IG_DRIFT_MAX_CLASSES];
    uint64_t cur_class[IG_DRIFT_MAX_CLASSES];
    struct ig_drift_report rep;
    char     notes[4][192];
    uint32_t nnotes;
    bool     report_pending;
    uint64_t windex;
};

struct drift_slice {
    struct drift_model *m;
};

static double series_floor_std(const struct ig_drift_moments *m)
{
    /* A near-constant reference series (fixed latency) would make every wobble infinite. */
    double mu = ig_drift_moments_mean(m), sd = ig_drift_moments_std(m);
    return fmax(sd, fmax(0.01 * fabs(mu), 1e-6));
}

static int drift_init(const struct ig_rules *r, void **global, char *err, size_t errlen)
{
    struct drift_global *g = calloc(1, sizeof *g);
    if (!g)
        goto oom;
    g->reg = calloc(1, sizeof *g->reg);
    if (!g->reg)
        goto oom;
    struct drift_params *p = &g->p;
    /* One rules block holds every setting: the engine knows this detector as drift.features. */
    const char *F = "drift.features", *P = F, *C = F;
    p->ref_rows = (uint32_t)ig_rules_num(r, F, "reference_rows", 1000);
    p->ref_us = ig_rules_duration_us(r, F, "reference_window", 0);
    p->reservoir = (uint32_t)ig_rules_num(r, F, "reservoir", 5000);
    p->window_rows = (uint32_t)ig_rules_num(r, F, "window_rows", 1000);
    p->window_us = ig_rules_duration_us(r, F, "window", 0);
    p->min_window = (uint32_t)ig_rules_num(r, F, "min_window_rows", 100);
    p->max_models = (uint32_t)ig_rules_num(r, F, "max_models", 64);
    p->max_columns = (uint32_t)ig_rules_num(r, F, "max_columns", 1024);
    p->share = ig_rules_num(r, F, "drift_share", 0.5);
    p->eps = ig_rules_num(r, F, "psi_epsilon", 1e-4);
    const char *t = ig_rules_str(r, F, "test", "psi");
    p->test = T_PSI;
    for (int i = 0; i < 4; i++)
        if (strcmp(t, test_names[i]) == 0)
            p->test = (enum drift_test)i;
    if (strcmp(t, test_names[p->test]) != 0) {
        snprintf(err, errlen, "drift.features: test must be psi, ks, js or wasserstein, not '%s'", t);
        goto fail;
    }
    static const double def_thr[4] = { 0.1, 0.05, 0.1, 0.1 };
    p->threshold = ig_rules_num(r, F, "threshold", def_thr[p->test]);
    p->chi2_p = ig_rules_num(r, P, "chi2_p", 0.05);
    p->min_tvd = ig_rules_num(r, P, "min_tvd", 0.1);
    p->block = (uint32_t)ig_rules_num(r, C, "block_events", 20);
    p->ph_delta = ig_rules_num(r, C, "ph_delta", 0.005);
    p->ph_lambda = ig_rules_num(r, C, "ph_lambda", 50);
    p->ph_alpha = ig_rules_num(r, C, "ph_alpha", 1 - 1e-4);
    p->ph_min = (uint32_t)ig_rules_num(r, C, "ph_min_samples", 30);
    p->min_effect = ig_rules_num(r, C, "min_effect", 0.5);
    p->on_feat = ig_rules_bool(r, F, "features", true);
    p->on_pred = ig_rules_bool(r, P, "predictions", true);
    p->on_conf = ig_rules_bool(r, C, "confidence", true);
    if (p->window_rows < 10 || p->reservoir < 10 || p->min_window < 1 || p->block < 1 ||
        p->max_models < 1 || p->share <= 0 || p->share > 1) {
        snprintf(err, errlen, "drift.features: window_rows and reservoir must be >= 10, "
                 "drift_share in (0, 1], block_events and max_models >= 1");
        goto fail;
    }
    const char *ref = ig_rules_str(r, F, "reference", "");
    if (ref && ref[0]) {
        if (!ig_drift_hooks.load) {
            snprintf(err, errlen, "drift.features: reference '%s' given but no profile loader "
                     "is installed (call ig_drift_setup)", ref);
            goto fail;
        }
        if (ig_drift_hooks.load(ref, &g->reg->loaded, &g->reg->nloaded, err, errlen) != IG_OK)
            goto fail;
        p->reference = strdup(ref);
        if (!p->reference)
            goto oom;
    }
    *global = g;
    return IG_OK;
oom:
    snprintf(err, errlen, "drift: out of memory");
fail:
    if (g && g->reg) {
        for (uint32_t i = 0; i < g->reg->nloaded; i++)
            ig_drift_profile_free(g->reg->loaded[i]);
        free(g->reg->loaded);
    }
    if (g)
        free(g->reg);
    free(g);
    return IG_ECONF;
}

static void model_free(struct drift_model *m)
{
    if (m->ref_owned)
        ig_drift_profile_free(m->ref);
    free(m->win);
    free(m->sbuf);
    free(m->tmp);
    free(m->res);
    free(m);
}

static void series_reset(struct drift_model *m, const struct drift_params *p)
{
    for (int s = 0; s < S_N; s++)
        ig_drift_ph_init(&m->ph[s], p->ph_delta, p->ph_lambda, p->ph_alpha, p->ph_min);
}

static struct drift_model *model_new(const struct drift_global *g, const struct ig_event *ev)
{
    const struct drift_params *p = &g->p;
    struct drift_registry *reg = g->reg;
    const char *name = ev->model[0] ? ev->model : "unknown";
    for (struct drift_model *m = reg->head; m; m = m->next)
        if (strcmp(m->name, name) == 0)
            return m;
    if (reg->nmodels >= p->max_models) {
        reg->models_dropped++;
        return NULL;
    }
    struct drift_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->version, sizeof m->version, "%s", ev->model_version);
    for (uint32_t i = 0; i < reg->nloaded; i++)
        if (strcmp(reg->loaded[i]->model, name) == 0) {
            m->ref = reg->loaded[i];
            m->ref_source = p->reference;
        }
    if (!m->ref) {
        uint32_t nf = ev->inputs ? ev->features : 0, no = ev->scores ? ev->outputs : 0;
        if (nf > p->max_columns)
            nf = 0;
        if (no > p->max_columns)
            no = 0;
        m->ref = ig_drift_profile_new(name, ev->model_version, nf, no, p->reservoir);
        m->ref_owned = true;
        m->ref_source = "learned";
        if (!m->ref)
            goto fail;
    }
    m->nfeat = m->ref->nfeat;
    m->nout = m->ref->nout;
    m->ncols = m->nfeat + m->nout;
    m->wcap = p->window_rows;
    size_t big = IG_MAX(m->wcap, m->ref->cap);
    m->win = malloc(((size_t)m->ncols * m->wcap + 1) * sizeof(float));
    m->sbuf = malloc(big * sizeof(float));
    m->tmp = malloc(big * sizeof(float));
    m->res = calloc(m->ncols + 1, sizeof *m->res);
    if (!m->win || !m->sbuf || !m->tmp || !m->res)
        goto fail;
    series_reset(m, p);
    m->next = reg->head;
    reg->head = m;
    reg->nmodels++;
    return m;
fail:
    model_free(m);
    return NULL;
}

static bool ref_ready(const struct drift_params *p, const struct ig_drift_profile *r)
{
    if (p->ref_us)
        return r->rows >= p->min_window && r->last_us - r->first_us >= p->ref_us;
    return r->rows >= p->ref_rows;
}

static void add_note(struct drift_model *m, const char *fmt, const char *a, const char *b)
{
    if (m->nnotes < IG_ARRAY_LEN(m->notes))
        snprintf(m->notes[m->nnotes++], sizeof m->notes[0], fmt, a, b);
}

static void iso_time(uint64_t us, char *buf, size_t n)
{
    time_t s = (time_t)(us / 1000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void finding_base(struct ig_finding *f, const char *analytic, const struct drift_model *m,
                         uint64_t t)
{
    ig_finding_init(f, analytic, NULL);
    f->time_us = t;
    f->model = m->name;
    f->model_version = m->version;
    f->client_id = "";
    f->analytic_type = 3;
    f->confidence_id = 2;
}

/* Feeds a block mean of each series to Page-Hinkley, in reference standard errors. */
static void series_block(struct drift_model *m, uint64_t t)
{
    struct ig_drift_point pt = { .t_us = t, .conf = NAN, .entropy = NAN, .latency_ms = NAN };
    const struct ig_drift_moments *rm[S_N] = { &m->ref->conf, &m->ref->entropy, &m->ref->latency };
    float *out[S_N] = { &pt.conf, &pt.entropy, &pt.latency_ms };
    for (int s = 0; s < S_N; s++) {
        if (!m->bcnt[s])
            continue;
        double bm = m->bsum[s] / m->bcnt[s];
        *out[s] = (float)bm;
        if (rm[s]->n < 2)
            continue;
        double z = (bm - ig_drift_moments_mean(rm[s])) /
                   (series_floor_std(rm[s]) / sqrt((double)m->bcnt[s]));
        if (ig_drift_ph_update(&m->ph[s], z)) {
            pt.change |= (uint8_t)(1u << s);
            m->pending |= (uint8_t)(1u << s);
            m->pending_win[s] = m->windex;
        }
        m->bsum[s] = 0;
        m->bcnt[s] = 0;
    }
    m->wchanges |= pt.change;
    m->pts[m->phead] = pt;
    m->phead = (m->phead + 1) % IG_DRIFT_MAX_POINTS;
    if (m->npts < IG_DRIFT_MAX_POINTS)
        m->npts++;
    m->bevents = 0;
}

static void window_add(struct drift_model *m, const struct drift_params *p,
                       const struct ig_event *ev, struct drift_registry *reg)
{
    const float *in = ev->inputs && ev->features == m->nfeat ? ev->inputs : NULL;
    const float *sc = ev->scores && ev->outputs == m->nout ? ev->scores : NULL;
    if ((ev->inputs && !in && m->nfeat) || (ev->scores && !sc && m->nout))
        reg->width_mismatch++;
    if (!m->wevents++)
        m->wstart = ev->req_time_us;
    m->wend = ev->req_time_us;
    double csum = 0, esum = 0;
    uint32_t cn = 0;
    for (uint32_t r = 0; r < ev->rows; r++) {
        int32_t label = ev->labels ? ev->labels[r] : -1;
        if (sc) {
            double t, h;
            int32_t am;
            ig_drift_row_summary(sc + (size_t)r * m->nout, m->nout,
                                 (ev->flags & IG_EV_LOGITS) != 0, &t, &h, &am);
            if (isfinite(t)) {
                csum += t;
                esum += h;
                cn++;
                m->wm[S_CONF].n++, m->wm[S_CONF].sum += t;
                m->wm[S_ENT].n++, m->wm[S_ENT].sum += h;
            }
            if (!ev->labels)
                label = am;
        }
        int cell = ig_drift_class_cell(label);
        if (cell >= 0)
            m->wclass[cell]++;
        if (m->wn >= m->wcap) {
            m->wdropped++;
            continue;
        }
        for (uint32_t c = 0; c < m->nfeat; c++)
            m->win[(size_t)c * m->wcap + m->wn] = in ? in[(size_t)r * m->nfeat + c] : NAN;
        for (uint32_t k = 0; k < m->nout; k++)
            m->win[(size_t)(m->nfeat + k) * m->wcap + m->wn] =
                sc ? sc[(size_t)r * m->nout + k] : NAN;
        m->wn++;
    }
    if (cn) {
        m->bsum[S_CONF] += csum / cn, m->bcnt[S_CONF]++;
        m->bsum[S_ENT] += esum / cn, m->bcnt[S_ENT]++;
    }
    if (ev->latency_us) {
        double ms = (double)ev->latency_us / 1000.0;
        m->bsum[S_LAT] += ms, m->bcnt[S_LAT]++;
        m->wm[S_LAT].n++, m->wm[S_LAT].sum += ms;
    }
    if (++m->bevents >= p->block)
        series_block(m, ev->req_time_us);
}

static int cmp_res(const void *a, const void *b)
{
    const struct ig_drift_col_result *x = a, *y = b;
    double sx = isnan(x->stat) ? -INFINITY : x->stat, sy = isnan(y->stat) ? -INFINITY : y->stat;
    if (sx != sy)
        return sx > sy ? -1 : 1;
    if (x->is_score != y->is_score)
        return x->is_score ? 1 : -1;
    return x->index < y->index ? -1 : (x->index > y->index);
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

/* Compares the window with the reference and fills m->rep; no allocation. */
static void evaluate(struct drift_model *m, const struct drift_params *p, bool partial)
{
    struct ig_drift_report *rep = &m->rep;
    uint32_t nd_feat = 0, nd_out = 0, nt_feat = 0, nt_out = 0;
    for (uint32_t c = 0; c < m->ncols; c++) {
        const struct ig_drift_column *rc = &m->ref->col[c];
        struct ig_drift_col_result *r = &m->res[c];
        memset(r, 0, offsetof(struct ig_drift_col_result, hist_lo));
        r->has_hist = false;
        r->is_score = c >= m->nfeat;
        r->index = r->is_score ? c - m->nfeat : c;
        size_t n = ig_drift_finite_f32(m->win + (size_t)c * m->wcap, m->wn, m->sbuf);
        r->n_ref = rc->n;
        r->n_cur = (uint32_t)n;
        if (!n || !rc->n) {
            r->psi = r->ks_d = r->ks_p = r->js = r->w1n = r->stat = NAN;
            continue;
        }
        ig_drift_sort_f32(m->sbuf, m->tmp, n);
        uint32_t cnt[IG_DRIFT_BINS];
        double cp[IG_DRIFT_BINS];
        ig_drift_bin_counts_sorted(m->sbuf, n, rc->edges, IG_DRIFT_BINS, cnt);
        for (int b = 0; b < IG_DRIFT_BINS; b++)
            cp[b] = (double)cnt[b] / (double)n;
        r->psi = ig_drift_psi(rc->prop, cp, IG_DRIFT_BINS, p->eps);
        r->js = ig_drift_js(rc->prop, cp, IG_DRIFT_BINS);
        double w1;
        ig_drift_ks_w1(rc->x, rc->n, m->sbuf, n, &r->ks_d, &w1);
        r->ks_p = ig_drift_ks_p(r->ks_d, rc->n, n);
        r->w1n = rc->std > 0 ? w1 / rc->std : (w1 > 0 ? INFINITY : 0.0);
        switch (p->test) {
        case T_PSI: r->stat = r->psi; r->drifted = r->psi >= p->threshold; break;
        case T_KS:  r->stat = r->ks_d; r->drifted = r->ks_p <= p->threshold; break;
        case T_JS:  r->stat = r->js; r->drifted = r->js >= p->threshold; break;
        case T_W1:  r->stat = r->w1n; r->drifted = r->w1n >= p->threshold; break;
        }
        if (r->is_score) {
            nt_out++;
            nd_out += r->drifted;
        } else {
            nt_feat++;
            nd_feat += r->drifted;
        }
        if (r->drifted || m->ncols <= 4)
            col_hist(r, rc->x, rc->n, m->sbuf, n);
    }
    qsort(m->res, m->ncols, sizeof *m->res, cmp_res);

    /* Predicted classes: chi-square against reference shares scaled to the window total.
     * Reference counts get +0.5 so a class unseen in the reference stays finite. */
    uint32_t k = 0;
    uint64_t rt = 0, ct = 0;
    for (uint32_t i = 0; i < IG_DRIFT_MAX_CLASSES; i++) {
        if (m->ref->class_count[i] || m->wclass[i])
            k = i + 1;
        rt += m->ref->class_count[i];
        ct += m->wclass[i];
    }
    rep->chi2 = rep->chi2_p = rep->class_tvd = NAN;
    rep->predictions_drifted = false;
    if (k >= 2 && rt && ct) {
        double obs[IG_DRIFT_MAX_CLASSES], exp[IG_DRIFT_MAX_CLASSES], tvd = 0;
        for (uint32_t i = 0; i < k; i++) {
            double rp = ((double)m->ref->class_count[i] + 0.5) / ((double)rt + 0.5 * k);
            m->ref_class_p[i] = (double)m->ref->class_count[i] / (double)rt;
            obs[i] = (double)m->wclass[i];
            exp[i] = rp * (double)ct;
            tvd += fabs(obs[i] / (double)ct - m->ref_class_p[i]);
        }
        rep->chi2 = ig_drift_chi2(obs, exp, k, &rep->chi2_p);
        rep->class_tvd = 0.5 * tvd;
        rep->predictions_drifted = rep->chi2_p < p->chi2_p && rep->class_tvd >= p->min_tvd;
    }
    memcpy(m->cur_class, m->wclass, sizeof m->cur_class);
    if (nt_out && (double)nd_out / nt_out >= p->share)
        rep->predictions_drifted = true;

    /* Confidence, entropy, latency: a change point confirmed by the window's effect size. */
    const struct ig_drift_moments *rm[S_N] = { &m->ref->conf, &m->ref->entropy, &m->ref->latency };
    double *refv[S_N] = { &rep->conf_ref, &rep->entropy_ref, &rep->latency_ref };
    double *curv[S_N] = { &rep->conf_cur, &rep->entropy_cur, &rep->latency_cur };
    rep->confidence_drifted = false;
    for (int s = 0; s < S_N; s++) {
        *refv[s] = ig_drift_moments_mean(rm[s]);
        *curv[s] = m->wm[s].n ? m->wm[s].sum / (double)m->wm[s].n : NAN;
        if (!(m->pending & (1u << s)))
            continue;
        double eff = fabs(*curv[s] - *refv[s]) / series_floor_std(rm[s]);
        if (eff >= p->min_effect) {
            rep->confidence_drifted = true;
            m->pending &= (uint8_t)~(1u << s);
        } else if (m->windex > m->pending_win[s] + 1) {
            m->pending &= (uint8_t)~(1u << s);
        }
    }

    rep->model = m->name;
    rep->version = m->version;
    rep->ref_source = m->ref_source;
    rep->ref_rows = m->ref->rows;
    rep->ref_first_us = m->ref->first_us;
    rep->ref_last_us = m->ref->last_us;
    rep->window_index = m->windex;
    rep->start_us = m->wstart;
    rep->end_us = m->wend;
    rep->rows = m->wn;
    rep->events = m->wevents;
    rep->partial = partial;
    rep->test = test_names[p->test];
    rep->threshold = p->threshold;
    rep->share_threshold = p->share;
    rep->nfeat = m->nfeat;
    rep->nout = m->nout;
    rep->ncols = m->ncols;
    rep->n_drifted_feat = nd_feat;
    rep->n_drifted_out = nd_out;
    rep->share = nt_feat ? (double)nd_feat / nt_feat : 0.0;
    rep->features_drifted = nt_feat && rep->share >= p->share;
    rep->cols = m->res;
    rep->nclasses = k;
    rep->ref_class_p = m->ref_class_p;
    rep->cur_class = m->cur_class;
    rep->changes = m->wchanges;
    for (uint32_t i = 0; i < m->npts; i++)
        m->ptsout[i] = m->pts[(m->phead + IG_DRIFT_MAX_POINTS - m->npts + i) % IG_DRIFT_MAX_POINTS];
    rep->points = m->ptsout;
    rep->npoints = m->npts;
    for (uint32_t i = 0; i < m->nnotes; i++)
        rep->notes[i] = m->notes[i];
    rep->nnotes = m->nnotes;
}

static void window_reset(struct drift_model *m)
{
    m->wn = 0;
    m->wevents = 0;
    m->wdropped = 0;
    m->wchanges = 0;
    m->nnotes = 0;
    memset(m->wclass, 0, sizeof m->wclass);
    memset(m->wm, 0, sizeof m->wm);
    m->windex++;
}

static void col_name(const struct ig_drift_col_result *r, char *buf, size_t n)
{
    snprintf(buf, n, r->is_score ? "score[%u]" : "f%u", r->index);
}

static void emit_findings(struct drift_model *m, const struct drift_params *p,
                          const struct ig_emit *emit)
{
    const struct ig_drift_report *rep = &m->rep;
    char win[80], a[32], b[32], top[160] = "";
    iso_time(rep->start_us, a, sizeof a);
    iso_time(rep->end_us, b, sizeof b);
    snprintf(win, sizeof win, "%s/%s", a, b);
    struct ig_finding f;
    if (p->on_feat && rep->features_drifted) {
        double maxpsi = 0, maxd = 0;
        size_t len = 0;
        for (uint32_t i = 0; i < rep->ncols; i++) {
            const struct ig_drift_col_result *r = &rep->cols[i];
            if (!r->drifted || r->is_score)
                continue;
            maxpsi = fmax(maxpsi, r->psi);
            maxd = fmax(maxd, r->ks_d);
            if (len < 100) {
                char nm[24];
                col_name(r, nm, sizeof nm);
                len += (size_t)snprintf(top + len, sizeof top - len, "%s%s", len ? "," : "", nm);
            }
        }
        finding_base(&f, "drift.features", m, rep->end_us);
        f.title = "Input feature drift";
        f.desc = "The share of input features whose distribution moved away from the "
                 "reference reached the drift threshold in this window.";
        f.remediation = "Compare the drift report with the reference; retrain or recalibrate "
                        "if the shift is real, or fix the upstream data pipeline.";
        f.severity = maxpsi >= 0.25 ? IG_SEV_HIGH : (maxpsi >= 0.1 ? IG_SEV_MEDIUM : IG_SEV_LOW);
        ig_finding_score(&f, "drift_share", rep->share);
        ig_finding_score(&f, "drifted_features", rep->n_drifted_feat);
        ig_finding_score(&f, "features", rep->nfeat);
        ig_finding_score(&f, "max_psi", maxpsi);
        ig_finding_score(&f, "max_ks_d", maxd);
        ig_finding_score(&f, "window_rows", (double)rep->rows);
        ig_finding_evidence(&f, "drifted_features", top);
        ig_finding_evidence(&f, "test", rep->test);
        ig_finding_evidence(&f, "window", win);
        ig_finding_evidence(&f, "reference", rep->ref_source);
        ig_emit_finding(emit, &f);
    }
    if (p->on_pred && rep->predictions_drifted) {
        finding_base(&f, "drift.predictions", m, rep->end_us);
        f.title = "Prediction drift";
        f.desc = "The predicted-class distribution or the output scores of this window "
                 "differ from the reference.";
        f.remediation = "Check whether the input population or the model changed; review "
                        "the class distribution in the drift report.";
        double tvd = isnan(rep->class_tvd) ? 0 : rep->class_tvd;
        f.severity = tvd >= 0.2 ? IG_SEV_HIGH : (tvd >= 0.1 ? IG_SEV_MEDIUM : IG_SEV_LOW);
        ig_finding_score(&f, "chi2", rep->chi2);
        ig_finding_score(&f, "chi2_p", rep->chi2_p);
        ig_finding_score(&f, "class_tvd", rep->class_tvd);
        ig_finding_score(&f, "drifted_scores", rep->n_drifted_out);
        ig_finding_score(&f, "window_rows", (double)rep->rows);
        ig_finding_evidence(&f, "window", win);
        ig_finding_evidence(&f, "reference", rep->ref_source);
        ig_emit_finding(emit, &f);
    }
    if (p->on_conf && rep->confidence_drifted) {
        const struct ig_drift_moments *rm[S_N] = { &m->ref->conf, &m->ref->entropy,
                                                   &m->ref->latency };
        double eff = 0;
        double cur[S_N] = { rep->conf_cur, rep->entropy_cur, rep->latency_cur };
        for (int s = 0; s < S_N; s++)
            if (rm[s]->n && isfinite(cur[s]))
                eff = fmax(eff, fabs(cur[s] - ig_drift_moments_mean(rm[s])) /
                                    series_floor_std(rm[s]));
        finding_base(&f, "drift.confidence", m, rep->end_us);
        f.title = "Confidence or latency change";
        f.desc = "A change point in mean top-1 confidence, output entropy or latency, "
                 "confirmed by the window's shift from the reference.";
        f.remediation = "Look at the confidence and latency chart of the drift report.";
        f.severity = eff >= 2 ? IG_SEV_HIGH : (eff >= 1 ? IG_SEV_MEDIUM : IG_SEV_LOW);
        ig_finding_score(&f, "effect_size", eff);
        ig_finding_score(&f, "confidence_ref", rep->conf_ref);
        ig_finding_score(&f, "confidence_cur", rep->conf_cur);
        ig_finding_score(&f, "entropy_ref", rep->entropy_ref);
        ig_finding_score(&f, "entropy_cur", rep->entropy_cur);
        ig_finding_score(&f, "latency_ms_ref", rep->latency_ref);
        ig_finding_score(&f, "latency_ms_cur", rep->latency_cur);
        ig_finding_evidence(&f, "window", win);
        ig_emit_finding(emit, &f);
    }
}

static void deliver(struct drift_model *m, struct drift_registry *reg)
{
    (void)reg;
    if (m->report_pending && ig_drift_hooks.report)
        ig_drift_hooks.report(ig_drift_hooks.report_ctx, &m->rep);
    m->report_pending = false;
}

static void close_window(struct drift_model *m, const struct drift_global *g,
                         const struct ig_emit *emit, bool partial)
{
    if (m->wn >= g->p.min_window) {
        /* A window closing before the tick delivered the previous one (fast traffic,
         * windows of rows): deliver it now, before evaluate() reuses its buffers. */
        deliver(m, g->reg);
        evaluate(m, &g->p, partial);
        if (emit)
            emit_findings(m, &g->p, emit);
        m->report_pending = true;
    }
    window_reset(m);
}

static int drift_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct drift_global *g = call->global;
    struct drift_slice *sl = call->model;
    if (!g || !sl || !ev->rows || (ev->flags & (IG_EV_MALFORMED | IG_EV_ERROR)))
        return IG_OK;
    if (!ev->inputs && !ev->scores && !ev->labels)
        return IG_OK;
    struct drift_model *m = sl->m;
    if (!m || strcmp(m->name, ev->model[0] ? ev->model : "unknown") != 0) {
        m = sl->m = model_new(g, ev);
        if (!m)
            return IG_OK;
    }
    if (ev->model_version[0] && strcmp(ev->model_version, m->version) != 0) {
        if (m->version[0]) {
            struct ig_finding f;
            char was[IG_MODEL_VERSION_MAX];
            snprintf(was, sizeof was, "%s", m->version);
            add_note(m, "model version changed from '%s' to '%s'", was, ev->model_version);
            snprintf(m->version, sizeof m->version, "%s", ev->model_version);
            if (g->p.on_pred) {
                finding_base(&f, "drift.predictions", m, ev->req_time_us);
                f.title = "Model version changed";
                f.desc = "Traffic now reaches a different model version than the reference "
                         "was built for; drift is still measured against the old reference.";
                f.severity = IG_SEV_INFO;
                ig_finding_evidence(&f, "previous_version", was);
                ig_finding_evidence(&f, "version", m->version);
                ig_emit_finding(call->emit, &f);
            }
        } else {
            snprintf(m->version, sizeof m->version, "%s", ev->model_version);
        }
    }
    if (!m->ref->frozen) {
        ig_drift_profile_add(m->ref, ev);
        if (ref_ready(&g->p, m->ref))
            ig_drift_profile_freeze(m->ref, m->tmp);
        return IG_OK;
    }
    window_add(m, &g->p, ev, g->reg);
    if (!g->p.window_us && m->wn >= m->wcap)
        close_window(m, g, call->emit, false);
    return IG_OK;
}

static void tick_model(struct drift_model *m, const struct drift_global *g,
                       const struct ig_call *call, uint64_t now)
{
    if (g->p.window_us && m->wevents && now >= m->wstart + g->p.window_us)
        close_window(m, g, call->emit, false);
    deliver(m, g->reg);
}

static int drift_tick(const struct ig_call *call, uint64_t now_us)
{
    const struct drift_global *g = call->global;
    if (!g)
        return IG_OK;
    /* The engine ticks once per model entry; without one, tick every model. */
    const struct drift_slice *sl = call->model;
    if (sl) {
        if (sl->m)
            tick_model(sl->m, g, call, now_us);
        return IG_OK;
    }
    for (struct drift_model *m = g->reg->head; m; m = m->next)
        tick_model(m, g, call, now_us);
    return IG_OK;
}

/* End of run: pending reports and a last partial window go to the report hook (findings
 * cannot be emitted any more), then everything is released. */
static void drift_free(void *global)
{
    struct drift_global *g = global;
    if (!g)
        return;
    struct drift_model *m = g->reg->head;
    while (m) {
        struct drift_model *next = m->next;
        deliver(m, g->reg);
        if (m->ref->frozen && m->wn >= g->p.min_window) {
            close_window(m, g, NULL, true);
            deliver(m, g->reg);
        }
        model_free(m);
        m = next;
    }
    for (uint32_t i = 0; i < g->reg->nloaded; i++)
        ig_drift_profile_free(g->reg->loaded[i]);
    free(g->reg->loaded);
    free(g->reg);
    free(g->p.reference);
    free(g);
}

const struct ig_detector ig_det_drift = {
    .name = "drift.features",
    .wants = 0,
    .client_size = 0,
    .model_size = sizeof(struct drift_slice),
    .init = drift_init,
    .observe = drift_observe,
    .tick = drift_tick,
    .evict = NULL,
    .free = drift_free,
};
