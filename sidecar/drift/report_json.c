/* Drift report as JSON, schema "inferguard.drift.report/1" (documented in rules/schema.md).
 * Field names and nesting are stable; new fields may be added, none removed or renamed. */
#include "drift/drift.h"

#include <math.h>
#include <time.h>

static void iso(struct ig_jsonw *w, uint64_t us)
{
    char b[40];
    time_t s = (time_t)(us / 1000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t n = strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(b + n, sizeof b - n, ".%06uZ", (unsigned)(us % 1000000u));
    ig_jsonw_str(w, b);
}

static void num(struct ig_jsonw *w, const char *k, double v)
{
    ig_jsonw_key(w, k);
    ig_jsonw_f64(w, v);   /* NaN and infinities become null */
}

static const char *const series_names[3] = { "confidence", "entropy", "latency_ms" };

void ig_drift_report_json(const struct ig_drift_report *r, struct ig_jsonw *w)
{
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "schema"); ig_jsonw_str(w, "inferguard.drift.report/1");
    ig_jsonw_key(w, "model"); ig_jsonw_str(w, r->model);
    ig_jsonw_key(w, "model_version"); ig_jsonw_str(w, r->version);

    ig_jsonw_key(w, "window");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "index"); ig_jsonw_u64(w, r->window_index);
    ig_jsonw_key(w, "start"); iso(w, r->start_us);
    ig_jsonw_key(w, "end"); iso(w, r->end_us);
    ig_jsonw_key(w, "start_us"); ig_jsonw_u64(w, r->start_us);
    ig_jsonw_key(w, "end_us"); ig_jsonw_u64(w, r->end_us);
    ig_jsonw_key(w, "rows"); ig_jsonw_u64(w, r->rows);
    ig_jsonw_key(w, "events"); ig_jsonw_u64(w, r->events);
    ig_jsonw_key(w, "partial"); ig_jsonw_bool(w, r->partial);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "reference");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "source"); ig_jsonw_str(w, r->ref_source ? r->ref_source : "learned");
    ig_jsonw_key(w, "rows"); ig_jsonw_u64(w, r->ref_rows);
    ig_jsonw_key(w, "start"); iso(w, r->ref_first_us);
    ig_jsonw_key(w, "end"); iso(w, r->ref_last_us);
    ig_jsonw_key(w, "how"); ig_jsonw_str(w, r->ref_how && r->ref_how[0] ? r->ref_how : "");
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "verdict");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "features_drifted"); ig_jsonw_bool(w, r->features_drifted);
    ig_jsonw_key(w, "predictions_drifted"); ig_jsonw_bool(w, r->predictions_drifted);
    ig_jsonw_key(w, "confidence_drifted"); ig_jsonw_bool(w, r->confidence_drifted);
    num(w, "drift_share", r->share);
    num(w, "share_threshold", r->share_threshold);
    ig_jsonw_key(w, "features"); ig_jsonw_u64(w, r->nfeat);
    ig_jsonw_key(w, "drifted_features"); ig_jsonw_u64(w, r->n_drifted_feat);
    ig_jsonw_key(w, "scores"); ig_jsonw_u64(w, r->nout);
    ig_jsonw_key(w, "drifted_scores"); ig_jsonw_u64(w, r->n_drifted_out);
    ig_jsonw_key(w, "test"); ig_jsonw_str(w, r->test);
    num(w, "threshold", r->threshold);
    ig_jsonw_key(w, "detection"); ig_jsonw_str(w, r->detection ? r->detection : "window");
    ig_jsonw_key(w, "change_time");
    if (r->change_us)
        iso(w, r->change_us);
    else
        ig_jsonw_null(w);
    ig_jsonw_key(w, "change_us"); ig_jsonw_u64(w, r->change_us);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "sequential");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "alarms"); ig_jsonw_u64(w, r->seq_alarms);
    ig_jsonw_key(w, "confirmed"); ig_jsonw_u64(w, r->seq_confirmed);
    num(w, "cusum_h", r->cusum_h);
    num(w, "cusum_k", r->cusum_k);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "attribution");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "verdict"); ig_jsonw_str(w, r->attribution ? r->attribution : "none");
    num(w, "drift_share_with_flagged", r->share_all);
    ig_jsonw_key(w, "rows_excluded"); ig_jsonw_u64(w, r->rows_excluded);
    ig_jsonw_key(w, "clients_excluded"); ig_jsonw_u64(w, r->clients_excluded);
    ig_jsonw_key(w, "top_contributors");
    ig_jsonw_arr_open(w);
    for (uint32_t i = 0; i < r->ncontrib; i++) {
        ig_jsonw_obj_open(w);
        ig_jsonw_key(w, "client"); ig_jsonw_str(w, r->contrib[i].client);
        num(w, "share", r->contrib[i].share);
        num(w, "row_share", r->contrib[i].row_share);
        ig_jsonw_key(w, "flagged"); ig_jsonw_bool(w, r->contrib[i].flagged);
        ig_jsonw_obj_close(w);
    }
    ig_jsonw_arr_close(w);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "columns");
    ig_jsonw_arr_open(w);
    for (uint32_t i = 0; i < r->ncols; i++) {
        const struct ig_drift_col_result *c = &r->cols[i];
        char name[32];
        snprintf(name, sizeof name, c->is_score ? "score[%u]" : "f%u", c->index);
        ig_jsonw_obj_open(w);
        ig_jsonw_key(w, "name"); ig_jsonw_str(w, name);
        ig_jsonw_key(w, "kind"); ig_jsonw_str(w, c->is_score ? "score" : "feature");
        ig_jsonw_key(w, "index"); ig_jsonw_u64(w, c->index);
        ig_jsonw_key(w, "drifted"); ig_jsonw_bool(w, c->drifted);
        num(w, "stat", c->stat);
        num(w, "psi", c->psi);
        num(w, "ks_d", c->ks_d);
        num(w, "ks_p", c->ks_p);
        num(w, "js", c->js);
        num(w, "wasserstein_norm", c->w1n);
        ig_jsonw_key(w, "n_ref"); ig_jsonw_u64(w, c->n_ref);
        ig_jsonw_key(w, "n_cur"); ig_jsonw_u64(w, c->n_cur);
        if (c->has_hist) {
            ig_jsonw_key(w, "histogram");
            ig_jsonw_obj_open(w);
            num(w, "lo", c->hist_lo);
            num(w, "hi", c->hist_hi);
            ig_jsonw_key(w, "reference");
            ig_jsonw_arr_open(w);
            for (int b = 0; b < IG_DRIFT_HIST_BINS; b++)
                ig_jsonw_f64(w, c->ref_hist[b]);
            ig_jsonw_arr_close(w);
            ig_jsonw_key(w, "current");
            ig_jsonw_arr_open(w);
            for (int b = 0; b < IG_DRIFT_HIST_BINS; b++)
                ig_jsonw_f64(w, c->cur_hist[b]);
            ig_jsonw_arr_close(w);
            ig_jsonw_obj_close(w);
        }
        ig_jsonw_obj_close(w);
    }
    ig_jsonw_arr_close(w);

    ig_jsonw_key(w, "classes");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "reference_share");
    ig_jsonw_arr_open(w);
    for (uint32_t i = 0; i < r->nclasses; i++)
        ig_jsonw_f64(w, r->ref_class_p[i]);
    ig_jsonw_arr_close(w);
    ig_jsonw_key(w, "current_count");
    ig_jsonw_arr_open(w);
    for (uint32_t i = 0; i < r->nclasses; i++)
        ig_jsonw_u64(w, r->cur_class[i]);
    ig_jsonw_arr_close(w);
    num(w, "chi2", r->chi2);
    num(w, "p", r->chi2_p);
    num(w, "tvd", r->class_tvd);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "series");
    ig_jsonw_obj_open(w);
    const double ref[3] = { r->conf_ref, r->entropy_ref, r->latency_ref };
    const double cur[3] = { r->conf_cur, r->entropy_cur, r->latency_cur };
    for (int s = 0; s < 3; s++) {
        ig_jsonw_key(w, series_names[s]);
        ig_jsonw_obj_open(w);
        num(w, "reference_mean", ref[s]);
        num(w, "window_mean", cur[s]);
        ig_jsonw_key(w, "change_point"); ig_jsonw_bool(w, (r->changes >> s) & 1);
        ig_jsonw_obj_close(w);
    }
    ig_jsonw_key(w, "points");
    ig_jsonw_arr_open(w);
    for (uint32_t i = 0; i < r->npoints; i++) {
        const struct ig_drift_point *p = &r->points[i];
        ig_jsonw_obj_open(w);
        ig_jsonw_key(w, "t_us"); ig_jsonw_u64(w, p->t_us);
        num(w, "confidence", p->conf);
        num(w, "entropy", p->entropy);
        num(w, "latency_ms", p->latency_ms);
        ig_jsonw_key(w, "change");
        ig_jsonw_arr_open(w);
        for (int s = 0; s < 3; s++)
            if ((p->change >> s) & 1)
                ig_jsonw_str(w, series_names[s]);
        ig_jsonw_arr_close(w);
        ig_jsonw_obj_close(w);
    }
    ig_jsonw_arr_close(w);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "notes");
    ig_jsonw_arr_open(w);
    for (uint32_t i = 0; i < r->nnotes; i++)
        ig_jsonw_str(w, r->notes[i]);
    ig_jsonw_arr_close(w);
    ig_jsonw_obj_close(w);
}
