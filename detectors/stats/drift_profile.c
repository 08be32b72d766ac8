/* Drift reference profiles: reservoir of rows per model, frozen into sorted columns with
 * quantile bins; per-row score summaries shared with the detector's windows. */
#include "stats/drift_profile.h"
#include "stats/drift_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double ig_drift_moments_mean(const struct ig_drift_moments *m)
{
    return m->n ? m->sum / (double)m->n : NAN;
}

double ig_drift_moments_std(const struct ig_drift_moments *m)
{
    if (!m->n)
        return NAN;
    double mu = m->sum / (double)m->n, v = m->sumsq / (double)m->n - mu * mu;
    return v > 0.0 ? sqrt(v) : 0.0;
}

static void moments_add(struct ig_drift_moments *m, double x)
{
    if (!isfinite(x))
        return;
    m->n++;
    m->sum += x;
    m->sumsq += x * x;
}

struct ig_drift_profile *ig_drift_profile_new(const char *model, const char *version,
                                              uint32_t nfeat, uint32_t nout, uint32_t cap)
{
    struct ig_drift_profile *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    snprintf(p->model, sizeof p->model, "%s", model ? model : "");
    snprintf(p->version, sizeof p->version, "%s", version ? version : "");
    p->nfeat = nfeat;
    p->nout = nout;
    p->cap = cap ? cap : 1;
    p->rng = 0x9e3779b97f4a7c15ull;
    uint32_t ncol = nfeat + nout;
    if (ncol) {
        p->col = calloc(ncol, sizeof *p->col);
        if (!p->col)
            goto fail;
        for (uint32_t c = 0; c < ncol; c++) {
            p->col[c].x = malloc((size_t)p->cap * sizeof(float));
            if (!p->col[c].x)
                goto fail;
        }
    }
    return p;
fail:
    ig_drift_profile_free(p);
    return NULL;
}

void ig_drift_profile_free(struct ig_drift_profile *p)
{
    if (!p)
        return;
    if (p->col)
        for (uint32_t c = 0; c < p->nfeat + p->nout; c++)
            free(p->col[c].x);
    free(p->col);
    free(p);
}

static uint64_t next_rand(uint64_t *s)
{
    /* xorshift64*: deterministic so that a pcap replays to the same reference. */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

int ig_drift_class_cell(int32_t label)
{
    if (label < 0)
        return -1;
    return label >= IG_DRIFT_MAX_CLASSES ? IG_DRIFT_MAX_CLASSES - 1 : label;
}

void ig_drift_row_summary(const float *s, uint32_t nout, bool logits, double *top1,
                          double *entropy, int32_t *argmax)
{
    double mx = -INFINITY, sum = 0.0, h = 0.0;
    int32_t am = -1;
    for (uint32_t k = 0; k < nout; k++)
        if (s[k] > mx) {
            mx = s[k];
            am = (int32_t)k;
        }
    if (am < 0) {
        *top1 = *entropy = NAN;
        *argmax = -1;
        return;
    }
    if (nout == 1) {
        /* A single score is a binary probability (or its logit). */
        double q = logits ? 1.0 / (1.0 + exp(-(double)s[0])) : (double)s[0];
        q = fmin(fmax(q, 0.0), 1.0);
        *top1 = fmax(q, 1.0 - q);
        *entropy = (q > 0.0 ? -q * log(q) : 0.0) + (q < 1.0 ? -(1 - q) * log(1 - q) : 0.0);
        *argmax = q >= 0.5;
        return;
    }
    for (uint32_t k = 0; k < nout; k++)
        sum += logits ? exp((double)s[k] - mx) : fmax((double)s[k], 0.0);
    if (!(sum > 0.0)) {
        *top1 = *entropy = NAN;
        *argmax = am;
        return;
    }
    for (uint32_t k = 0; k < nout; k++) {
        double q = (logits ? exp((double)s[k] - mx) : fmax((double)s[k], 0.0)) / sum;
        if (q > 0.0)
            h -= q * log(q);
    }
    *top1 = (logits ? 1.0 : mx) / sum;
    *entropy = h;
    *argmax = am;
}

uint32_t ig_drift_profile_add(struct ig_drift_profile *p, const struct ig_event *ev)
{
    return ig_drift_profile_add_rows(p, ev, NULL, NULL);
}

uint32_t ig_drift_profile_add_rows(struct ig_drift_profile *p, const struct ig_event *ev,
                                   void (*on_row)(void *ctx, uint32_t row, int64_t slot),
                                   void *ctx)
{
    const float *in = (ev->inputs && ev->features == p->nfeat) ? ev->inputs : NULL;
    const float *sc = (ev->scores && ev->outputs == p->nout) ? ev->scores : NULL;
    if (!ev->rows)
        return 0;
    if (!p->events++)
        p->first_us = ev->req_time_us;
    p->last_us = ev->req_time_us;
    if (ev->latency_us)
        moments_add(&p->latency, (double)ev->latency_us / 1000.0);
    for (uint32_t r = 0; r < ev->rows; r++) {
        uint64_t seen = p->rows++;
        uint64_t slot = seen;
        if (seen >= p->cap) {
            slot = next_rand(&p->rng) % (seen + 1);
            if (slot >= p->cap)
                slot = UINT64_MAX;
        }
        int32_t label = ev->labels ? ev->labels[r] : -1;
        if (sc) {
            double t, h;
            int32_t am;
            ig_drift_row_summary(sc + (size_t)r * p->nout, p->nout,
                                 (ev->flags & IG_EV_LOGITS) != 0, &t, &h, &am);
            moments_add(&p->conf, t);
            moments_add(&p->entropy, h);
            if (!ev->labels)
                label = am;
        }
        int cell = ig_drift_class_cell(label);
        if (cell >= 0)
            p->class_count[cell]++;
        if (on_row)
            on_row(ctx, r, slot == UINT64_MAX || p->frozen ? -1 : (int64_t)slot);
        if (slot == UINT64_MAX || p->frozen)
            continue;
        /* Columns without a value this row keep NaN, dropped at freeze. */
        for (uint32_t c = 0; c < p->nfeat; c++)
            p->col[c].x[slot] = in ? in[(size_t)r * p->nfeat + c] : NAN;
        for (uint32_t k = 0; k < p->nout; k++)
            p->col[p->nfeat + k].x[slot] = sc ? sc[(size_t)r * p->nout + k] : NAN;
    }
    return ev->rows;
}

void ig_drift_profile_freeze(struct ig_drift_profile *p, float *tmp)
{
    if (p->frozen)
        return;
    uint64_t held = p->rows < p->cap ? p->rows : p->cap;
    for (uint32_t c = 0; c < p->nfeat + p->nout; c++) {
        struct ig_drift_column *col = &p->col[c];
        size_t n = ig_drift_finite_f32(col->x, held, col->x);
        col->n = (uint32_t)n;
        ig_drift_sort_f32(col->x, tmp, n);
        ig_drift_mean_std(col->x, n, &col->mean, &col->std);
        ig_drift_quantile_edges(col->x, n, IG_DRIFT_BINS, col->edges);
        uint32_t cnt[IG_DRIFT_BINS];
        ig_drift_bin_counts_sorted(col->x, n, col->edges, IG_DRIFT_BINS, cnt);
        for (int b = 0; b < IG_DRIFT_BINS; b++)
            col->prop[b] = n ? (double)cnt[b] / (double)n : 0.0;
    }
    p->frozen = true;
}
