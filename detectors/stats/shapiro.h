/* Shapiro–Wilk normality test (Royston 1995, algorithm AS R94) in double precision.
 * n = 3..5000 as R's shapiro.test; larger n still gives W, with p only approximate.
 * The coefficients a_i depend on n alone and are cached in the workspace: they are
 * recomputed only when a test runs with a different n than the previous one. */
#ifndef IG_SHAPIRO_H
#define IG_SHAPIRO_H

#include <stdint.h>

#define IG_SW_NMIN 3u
#define IG_SW_NMAX 5000u

struct ig_sw {
    uint32_t nmax;      /* largest n this workspace accepts */
    uint32_t n;         /* n of the cached coefficients, 0 = none */
    double  *a;         /* nmax/2 + 1 coefficients, a[1..n/2] used (a[0] unused) */
    double   ssa;       /* sum of the full coefficient vector's squares, 2 sum a[1..n/2]^2 */
    double  *af;        /* the full vector for n: -a[half..1], (0), a[1..half] (nmax values) */
    double  *x;         /* nmax values: the sort buffer of ig_sw_test (on its first use) */
    uint64_t coeff_builds;   /* how often coefficients were computed (tests check caching) */
};

/* Allocates a workspace for samples up to <nmax>. Not for the hot path. IG_OK / IG_ENOMEM. */
int  ig_sw_init(struct ig_sw *sw, uint32_t nmax);
void ig_sw_free(struct ig_sw *sw);

/* Tests the <n> values at <x> (any order; copied and sorted in the workspace). Writes W
 * and the p-value. Returns IG_OK, IG_ELIMIT for n < 3 or n > nmax, IG_EPARSE when the
 * values are all equal (range below 1e-10 of scale, as R) or not finite, IG_ENOMEM when
 * its sort buffer (allocated on first use) cannot be. */
int  ig_sw_test(struct ig_sw *sw, const double *x, uint32_t n, double *w, double *p);
/* Same on values already sorted ascending; reads <x> in place. */
int  ig_sw_test_sorted(struct ig_sw *sw, const double *x, uint32_t n, double *w, double *p);

/* The cached coefficients for <n> (a[1..n/2], largest first); builds them if needed. */
const double *ig_sw_coefficients(struct ig_sw *sw, uint32_t n);

/* m[i] = Φ⁻¹((i − 3/8)/(n + 1/4)) for i = 1..n/2 (m[0] untouched): the normal scores the
 * coefficients start from, bit for bit gsl_cdf_ugaussian_Pinv's values. */
void ig_sw_normal_scores(uint32_t n, double *m);

#endif
