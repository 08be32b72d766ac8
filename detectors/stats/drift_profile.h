/* Drift reference profiles and window reports: the data shared between the drift detector
 * (detectors/det_drift_features.c), the offline baseline builder and the report writer
 * (sidecar/drift/). The detector library cannot link against the sidecar library, so the
 * sidecar lends its file loader and report writer to the detector through struct ig_env
 * (include/inferguard/detector.h; sidecar/drift/drift.h fills it). */
#ifndef IG_DRIFT_PROFILE_H
#define IG_DRIFT_PROFILE_H

#include <inferguard/event.h>

#define IG_DRIFT_BINS 10           /* reference-quantile bins for PSI and JS */
#define IG_DRIFT_HIST_BINS 20      /* equal-width bins drawn in reports */
#define IG_DRIFT_MAX_CLASSES 64    /* labels >= 63 share the last cell */
#define IG_DRIFT_MAX_POINTS 240    /* confidence/latency points kept for reports */
#define IG_DRIFT_PROFILE_FORMAT 1

/* One input feature or output score of the reference. */
struct ig_drift_column {
    uint32_t n;                          /* samples held (finite and sorted once frozen) */
    float   *x;                          /* <cap> floats */
    double   mean, std;                  /* population std */
    double   edges[IG_DRIFT_BINS - 1];   /* reference-quantile inner edges */
    double   prop[IG_DRIFT_BINS];        /* reference proportion per bin */
};

/* Running moments of a per-event series (top-1 confidence, entropy, latency in ms). */
struct ig_drift_moments {
    uint64_t n;
    double   sum, sumsq;
};
double ig_drift_moments_mean(const struct ig_drift_moments *m);
double ig_drift_moments_std(const struct ig_drift_moments *m);

struct ig_drift_profile {
    char     model[IG_MODEL_NAME_MAX];
    char     version[IG_MODEL_VERSION_MAX];
    uint32_t nfeat, nout, cap;           /* columns: features then scores; cap = reservoir size */
    struct ig_drift_column *col;         /* nfeat + nout */
    uint64_t class_count[IG_DRIFT_MAX_CLASSES];
    struct ig_drift_moments conf, entropy, latency;
    uint64_t rows, events, first_us, last_us;
    uint64_t rng;                        /* reservoir sampling state (deterministic) */
    bool     frozen;
};

/* New empty profile for a model with <nfeat> inputs and <nout> scores per row, keeping at
 * most <cap> rows (reservoir sampling beyond). NULL on allocation failure. */
struct ig_drift_profile *ig_drift_profile_new(const char *model, const char *version,
                                              uint32_t nfeat, uint32_t nout, uint32_t cap);
void ig_drift_profile_free(struct ig_drift_profile *p);
/* Adds the rows of <ev>; inputs or scores of another width than the profile's are
 * ignored. No allocation. Returns the number of rows taken. */
uint32_t ig_drift_profile_add(struct ig_drift_profile *p, const struct ig_event *ev);
/* The same, telling <on_row> which reservoir slot each row of <ev> went to (-1: none), so
 * a caller can keep per-slot data beside the profile (who sent it, when). */
uint32_t ig_drift_profile_add_rows(struct ig_drift_profile *p, const struct ig_event *ev,
                                   void (*on_row)(void *ctx, uint32_t row, int64_t slot),
                                   void *ctx);
/* Drops non-finite values, sorts each column, computes moments, edges and bin shares.
 * <tmp> holds <cap> floats. Idempotent. */
void ig_drift_profile_freeze(struct ig_drift_profile *p, float *tmp);

/* Per row of scores: top-1 confidence, entropy (nats) and argmax. Logits are softmaxed. */
void ig_drift_row_summary(const float *scores, uint32_t nout, bool logits, double *top1,
                          double *entropy, int32_t *argmax);
/* Class cell of a label: 0..IG_DRIFT_MAX_CLASSES-1, or -1 for unknown (< 0). */
int ig_drift_class_cell(int32_t label);

/* Result for one column of one window. */
struct ig_drift_col_result {
    uint32_t index;                      /* feature index, or score index when is_score */
    bool     is_score, drifted, has_hist;
    uint32_t n_ref, n_cur;
    double   psi, ks_d, ks_p, js, w1n;   /* w1n = Wasserstein-1 / reference std */
    double   stat;                       /* the statistic of the configured test */
    double   hist_lo, hist_hi;           /* equal-width histogram range */
    double   ref_hist[IG_DRIFT_HIST_BINS], cur_hist[IG_DRIFT_HIST_BINS];  /* proportions */
};

/* One point of the confidence/entropy/latency series (mean over a block of events). */
struct ig_drift_point {
    uint64_t t_us;
    float    conf, entropy, latency_ms;  /* NaN when absent */
    uint8_t  change;                     /* bit 0 conf, 1 entropy, 2 latency: change point */
};

/* A client's part in a window's change (PSI decomposed by client over the drifted features). */
struct ig_drift_contrib {
    const char *client;                  /* client id as the finding's actor carries it */
    double   share;                      /* of the drifted statistics, 0..1 */
    double   row_share;                  /* of the window's rows */
    bool     flagged;                    /* has open findings (extraction, evasion, abuse...) */
};
#define IG_DRIFT_MAX_CONTRIB 5

/* A window's drift report, handed to ig_env.report. Everything is borrowed for
 * the call. */
struct ig_drift_report {
    const char *model, *version;
    const char *ref_source;              /* "learned" or the profile file path */
    uint64_t ref_rows, ref_first_us, ref_last_us;
    uint64_t window_index, start_us, end_us, rows, events;
    bool     partial;                    /* end of run: a window that did not fill */
    const char *test;                    /* "psi", "ks", "js" or "wasserstein" */
    double   threshold;                  /* the test's threshold (p-value for ks) */
    double   share, share_threshold;     /* drifted feature share and the verdict's threshold */
    uint32_t nfeat, nout, ncols, n_drifted_feat, n_drifted_out;
    bool     features_drifted, predictions_drifted, confidence_drifted;
    const struct ig_drift_col_result *cols;   /* ncols, sorted by stat, most drifted first */
    uint32_t nclasses;                   /* cells used (highest seen + 1) */
    const double   *ref_class_p;         /* reference class shares, nclasses */
    const uint64_t *cur_class;           /* window class counts, nclasses */
    double   chi2, chi2_p, class_tvd;
    double   conf_ref, conf_cur, entropy_ref, entropy_cur, latency_ref, latency_cur;  /* means */
    uint8_t  changes;                    /* change points this window (bits as in points) */
    const struct ig_drift_point *points; /* oldest first */
    uint32_t npoints;
    const char *notes[4];
    uint32_t nnotes;
    /* added in report/1 (fields only added) */
    const char *ref_how;                 /* how the reference was chosen, one sentence */
    const char *detection;               /* "window" or "sequential" (CUSUM alarm confirmed) */
    uint64_t change_us;                  /* estimated time of change, 0 = none */
    const char *attribution;             /* "population", "flagged_clients", "few_clients" or "none" */
    double   share_all;                  /* drift share with flagged clients' rows kept (NaN: none) */
    uint64_t rows_excluded, clients_excluded;   /* flagged clients' rows left out */
    const struct ig_drift_contrib *contrib;     /* top contributors, largest share first */
    uint32_t ncontrib;
    uint64_t seq_alarms, seq_confirmed;  /* CUSUM alarms so far for this model; confirmed ones */
    double   cusum_h, cusum_k;           /* the CUSUM threshold and reference value in use */
};

#endif
