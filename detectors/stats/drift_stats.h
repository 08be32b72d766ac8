/* Drift statistics: two-sample tests and distances between a reference sample and a
 * current window, plus streaming change detectors. Conventions follow SciPy / Evidently:
 *  - KS: D = max|F1-F2| exactly as scipy.stats.ks_2samp; p from the asymptotic
 *    Kolmogorov distribution (scipy.stats.kstwobign.sf(sqrt(n1 n2/(n1+n2)) D)).
 *  - PSI on reference-quantile bins (numpy 'linear' quantiles), empty bins -> epsilon.
 *  - JS distance, natural log (scipy.spatial.distance.jensenshannon).
 *  - Wasserstein-1 as scipy.stats.wasserstein_distance; callers divide by the reference std.
 *  - chi-square with p from GSL (scipy.stats.chisquare).
 * Nothing here allocates; callers pass the buffers. */
#ifndef IG_DRIFT_STATS_H
#define IG_DRIFT_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Sorts <n> floats ascending (LSD radix sort on the IEEE bit pattern, NaN-free input).
 * <tmp> holds n floats. Stable and O(n); this is what KS, W1 and quantiles stand on. */
void ig_drift_sort_f32(float *x, float *tmp, size_t n);

/* The finite values of <count> ring slots from slot k (wrapping at cap) whose cell is not
 * excluded (ex[cell[slot]] == 0), into out, sorted as ig_drift_sort_f32 sorts them; returns
 * how many. <out> and <tmp> hold count floats. */
size_t ig_drift_gather_sorted(const float *col, const uint16_t *cell, const uint8_t *ex,
                              size_t k, size_t cap, uint64_t count, float *out, float *tmp);

/* Copies the finite values of x[0..n) into out, returns how many were copied. */
size_t ig_drift_finite_f32(const float *x, size_t n, float *out);

/* Two-sample KS statistic D of two ascending samples (both n >= 1). */
double ig_drift_ks_d(const float *a, size_t na, const float *b, size_t nb);
/* Survival function of the Kolmogorov distribution, P(K > lambda). */
double ig_drift_kolmogorov_sf(double lambda);
/* KS D (as ig_drift_ks_d) and Wasserstein-1 (as ig_drift_w1) in one merge pass over both
 * samples: the reference implementation the fast path below is tested against. */
void ig_drift_ks_w1(const float *a, size_t na, const float *b, size_t nb, double *d, double *w1);
/* s[0..na]: prefix sums of the ascending sample a (offset by its middle value), for
 * ig_drift_ks_w1_fast. Computed once per reference column. */
void ig_drift_prefix_sums(const float *a, size_t na, double *s);
/* A bucket index over an ascending sample a (kept by pointer): finds the rank of any value
 * in a with one table read and a short walk. <cells> holds ig_drift_index_cells(na). */
struct ig_drift_index {
    const float *a;
    size_t   na;
    size_t   ndistinct;                  /* distinct values of a */
    float    lo, scale, top;
    uint32_t m;
    uint32_t *t;
};
size_t ig_drift_index_cells(size_t na);
/* The rank walks use SSE2 (every x86-64) when true, the scalar loop when false (tests);
 * ig_drift_ks_w1_fast compares with AVX2 when ig_drift_avx2 is 1 (set from the CPU on
 * first use when -1; tests set 0 to test the SSE2 path). */
extern bool ig_drift_simd;
extern int ig_drift_avx2;
void ig_drift_index_build(struct ig_drift_index *ix, const float *a, size_t na, uint32_t *cells);
/* The same D and W1 as ig_drift_ks_w1 (ascending b), each value of b ranked in a through the
 * index, W1 in O(1) per value of b from a's prefix sums <s> (NULL: D only, *w1 untouched
 * when w1 is NULL). W1 agrees with the merge to ~1e-12 relative. */
void ig_drift_ks_w1_fast(const struct ig_drift_index *ix, const double *s, const float *b,
                         size_t nb, double *d, double *w1);
/* Asymptotic p-value of D for sample sizes na, nb. */
double ig_drift_ks_p(double d, size_t na, size_t nb);

/* nbins-1 inner edges at the i/nbins quantiles of an ascending sample (numpy 'linear'). */
void ig_drift_quantile_edges(const float *sorted, size_t n, uint32_t nbins, double *edges);
/* Counts x[0..n) into nbins bins split by the nbins-1 ascending <edges>: bin = number of
 * edges <= x (numpy searchsorted side='right'). <counts> is zeroed first. */
void ig_drift_bin_counts(const float *x, size_t n, const double *edges, uint32_t nbins,
                         uint32_t *counts);
/* Same for an ascending sample, in one merge pass. */
void ig_drift_bin_counts_sorted(const float *sorted, size_t n, const double *edges,
                                uint32_t nbins, uint32_t *counts);

/* PSI = sum (c - r) ln(c / r) over proportions; proportions equal to 0 become <eps>. */
double ig_drift_psi(const double *ref, const double *cur, uint32_t n, double eps);
/* Jensen-Shannon distance (sqrt of the divergence, natural log); inputs renormalised. */
double ig_drift_js(const double *p, const double *q, uint32_t n);
/* Wasserstein-1 distance between two ascending samples. */
double ig_drift_w1(const float *a, size_t na, const float *b, size_t nb);
/* Mean and population standard deviation. */
void ig_drift_mean_std(const float *x, size_t n, double *mean, double *std);
/* Pearson chi-square of observed vs expected counts over k cells; *p = upper tail with
 * k-1 degrees of freedom (1.0 when k < 2). Cells with expected 0 are skipped. */
double ig_drift_chi2(const double *obs, const double *exp, uint32_t k, double *p);

/* One row into per-feature block sums for a CUSUM on standardised means: x = row[f], or
 * mu[f] when not finite; sum[f] += x; sq[f] += ((x - mu[f]) / sd[f])^2 (0 when sd[f] is
 * not > 0), or 1 when not finite. AVX2 / SSE2 / scalar give the same bits. */
void ig_drift_block_add(const float *row, uint32_t n, const double *mu, const double *sd,
                        double *sum, double *sq);

/* Page-Hinkley (river's variant: two-sided, fading factor alpha, warm-up). */
struct ig_drift_ph {
    double delta, threshold, alpha;
    uint32_t min_n;
    uint64_t n;
    double mean, sum_inc, sum_dec, min_inc, max_dec;
};
void ig_drift_ph_init(struct ig_drift_ph *ph, double delta, double threshold, double alpha,
                      uint32_t min_n);
/* Feeds one value; returns true on a detected change (the detector then restarts). */
bool ig_drift_ph_update(struct ig_drift_ph *ph, double x);

/* Two-sided tabular CUSUM on standardised values: k and h in units of sigma. */
struct ig_drift_cusum {
    double mu, sigma, k, h, pos, neg;
};
void ig_drift_cusum_init(struct ig_drift_cusum *c, double mu, double sigma, double k, double h);
/* Returns +1 (upward change), -1 (downward) or 0; resets its sums on an alarm. */
int  ig_drift_cusum_update(struct ig_drift_cusum *c, double x);

#endif
