/* Shapiro–Wilk W and p-value after Royston's AS R94 (1995), written from the paper's
 * description: coefficients from normal order-statistic approximations with polynomial
 * corrections of the two largest, W as the squared correlation of the coefficients with
 * the ordered sample, p from Royston's normalising transformations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include <inferguard/base.h>
#include "shapiro.h"
#include "kernels/blkpool.h"

/* Polynomial c[0] + c[1] x + ... + c[k-1] x^(k-1). */
static double poly(const double *c, int k, double x)
{
    double r = c[k - 1];
    for (int i = k - 2; i >= 0; i--)
        r = r * x + c[i];
    return r;
}

/* Royston's constants (AS R94). */
static const double C1[6] = { 0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056 };
static const double C2[6] = { 0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633 };
static const double C3[4] = { 0.5440, -0.39978, 0.025054, -6.714e-4 };
static const double C4[4] = { 1.3822, -0.77857, 0.062767, -0.0020322 };
static const double C5[4] = { -1.5861, -0.31082, -0.083751, 0.0038915 };
static const double C6[3] = { -0.4803, -0.082676, 0.0030302 };
static const double G[2] = { -2.273, 0.459 };

int ig_sw_init(struct ig_sw *sw, uint32_t nmax)
{
    memset(sw, 0, sizeof(*sw));
    if (nmax < IG_SW_NMIN)
        nmax = IG_SW_NMIN;
    sw->a = ig_blk_calloc((nmax / 2 + 1) * sizeof(double));   /* the block pool: slots regrown */
    sw->af = ig_blk_alloc(nmax * sizeof(double));
    if (!sw->a || !sw->af) {
        ig_sw_free(sw);
        return IG_ENOMEM;
    }
    sw->nmax = nmax;
    return IG_OK;
}

void ig_sw_free(struct ig_sw *sw)
{
    ig_blk_free(sw->a);
    ig_blk_free(sw->af);
    ig_blk_free(sw->x);
    memset(sw, 0, sizeof(*sw));
}

/* The full antisymmetric vector and Σ a_i², once per n instead of once per test. */
static void coeff_norm(struct ig_sw *sw, uint32_t half)
{
    double s = 0.0;
    uint32_t n = sw->n;
    for (uint32_t i = 1; i <= half; i++) {
        s += sw->a[i] * sw->a[i];
        sw->af[i - 1] = -sw->a[i];
        sw->af[n - i] = sw->a[i];
    }
    if (n & 1)
        sw->af[half] = 0.0;
    sw->ssa = 2.0 * s;
}

/* Φ⁻¹ by Wichura's AS 241 (PPND16, Applied Statistics 37, 1988): a ratio of two degree-7
 * polynomials in 0.180625 − q² for |q| = |p − 1/2| <= 0.425, else in sqrt(−log p) − 1.6
 * (AS 241 has a third pair beyond 5, for p < exp(−25): no n below 2^32 reaches it, as
 * p >= 0.625 / (n + 0.25) here). Each polynomial by Horner's rule and then one division,
 * which is how gsl_cdf_ugaussian_Pinv evaluates it too: the values are bit for bit GSL's
 * (test_shapiro compares every p that coefficients of n = 3..IG_SW_NMAX use). */
static const double PP_A[8] = { 3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
                                13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
                                33430.575583588128105, 2509.0809287301226727 };
static const double PP_B[8] = { 1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
                                21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
                                5226.495278852854561 };
static const double PP_C[8] = { 1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
                                3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
                                0.0227238449892691845833, 7.7454501427834140764e-4 };
static const double PP_D[8] = { 1.0, 2.05319162663775882187, 1.6763848301838038494,
                                0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966,
                                5.475938084995344946e-4, 1.05075007164441684324e-9 };

static inline double ratio8(const double *u, const double *v, double x)
{
    double a = u[7], b = v[7];
    for (int k = 6; k >= 0; k--) {
        a = x * a + u[k];
        b = x * b + v[k];
    }
    return a / b;
}

/* m[i] = Φ⁻¹((i − 3/8) / an25) for i = 1..half, all below the median. Building the
 * coefficients called gsl_cdf_ugaussian_Pinv once per i (~17 ns each: ~40 µs for n =
 * 4,500, rebuilt for most tests while a client's D fills: 2,934 builds on the figure-1
 * gRPC capture); the central values (85 % of them) need no log and are independent, so
 * the loop over them runs several at a time. */
static void lower_quantiles(double *m, uint32_t half, double an25)
{
    uint32_t i = 1;
    double di = 1.0;
    /* the tail (p < 0.075): sqrt(−log p) <= 5, as GSL; p grows with i */
    for (; i <= half; i++, di += 1.0) {
        double p = (di - 0.375) / an25;
        if (fabs(p - 0.5) <= 0.425)
            break;
        double r = sqrt(-log(p));
        m[i] = -ratio8(PP_C, PP_D, r - 1.6);
    }
    /* i from an int32 (exact, half < 2^31): a loop the compiler vectorises (a double
     * counter carried across iterations it would not) */
    for (; i <= half; i++) {
        double q = ((double)(int32_t)i - 0.375) / an25 - 0.5;
        m[i] = q * ratio8(PP_A, PP_B, 0.180625 - q * q);
    }
}

void ig_sw_normal_scores(uint32_t n, double *m)
{
    lower_quantiles(m, n / 2, n + 0.25);
}

static void build_coefficients(struct ig_sw *sw, uint32_t n)
{
    uint32_t half = n / 2;
    double *a = sw->a;
    sw->coeff_builds++;
    sw->n = n;
    if (n == 3) {
        a[1] = sqrt(0.5);
        coeff_norm(sw, half);
        return;
    }
    /* m_i = Φ⁻¹((i − 3/8)/(n + 1/4)) for the lower half (negative), stored in a[] first */
    double an25 = n + 0.25, summ2 = 0.0;
    lower_quantiles(a, half, an25);
    for (uint32_t i = 1; i <= half; i++)
        summ2 += a[i] * a[i];
    summ2 *= 2.0;
    double ssumm2 = sqrt(summ2), rsn = 1.0 / sqrt((double)n);
    double m1 = a[1], m2 = half >= 2 ? a[2] : 0.0;
    double a1 = poly(C1, 6, rsn) - m1 / ssumm2;
    uint32_t first;
    double fac;
    if (n > 5) {
        double a2 = -m2 / ssumm2 + poly(C2, 6, rsn);
        fac = sqrt((summ2 - 2.0 * m1 * m1 - 2.0 * m2 * m2) / (1.0 - 2.0 * a1 * a1 - 2.0 * a2 * a2));
        a[2] = a2;
        first = 3;
    } else {
        fac = sqrt((summ2 - 2.0 * m1 * m1) / (1.0 - 2.0 * a1 * a1));
        first = 2;
    }
    a[1] = a1;
    for (uint32_t i = first; i <= half; i++)
        a[i] = -a[i] / fac;
    coeff_norm(sw, half);
}

const double *ig_sw_coefficients(struct ig_sw *sw, uint32_t n)
{
    if (n < IG_SW_NMIN || n > sw->nmax)
        return NULL;
    if (sw->n != n)
        build_coefficients(sw, n);
    return sw->a;
}

/* p-value of W for sample size n (Royston's approximations). */
static double sw_pvalue(double w, uint32_t n)
{
    if (n == 3) {
        /* exact: 6/π (asin √W − asin √¾) */
        double pw = (6.0 / M_PI) * (asin(sqrt(w)) - asin(sqrt(0.75)));
        return pw < 0.0 ? 0.0 : pw;
    }
    if (w >= 1.0)
        return 1.0;
    double y = log(1.0 - w), m, s;
    if (n <= 11) {
        double gamma = poly(G, 2, (double)n);
        if (y >= gamma)
            return 1e-99;   /* as R: W so small the transformation has no meaning */
        y = -log(gamma - y);
        m = poly(C3, 4, (double)n);
        s = exp(poly(C4, 4, (double)n));
    } else {
        double xx = log((double)n);
        m = poly(C5, 4, xx);
        s = exp(poly(C6, 3, xx));
    }
    return gsl_cdf_ugaussian_Q((y - m) / s);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* W = (Σ a_i x_(i))² / Σ (x_i − x̄)², computed as 1 − (1 − r²) on centred values for
 * accuracy when W is close to 1 (W does not depend on the scale: none is applied unless
 * squares could overflow or underflow). The full antisymmetric coefficient vector is kept
 * per n, so one forward pass takes both sums; four partial sums each, because a single
 * running sum is bound by the latency of its additions (a test on 5000 values cost ~4x). */
static int sw_sorted(struct ig_sw *sw, const double *x, uint32_t n, double mean, double *w, double *p)
{
    (void)ig_sw_coefficients(sw, n);
    const double *af = sw->af;
    double sax[4] = { 0 }, ssx[4] = { 0 };
    /* values far from 1 in magnitude are scaled by 1/range (squares could overflow) */
    double range = x[n - 1] - x[0];
    double sc = range > 1e100 || range < 1e-100 ? 1.0 / range : 1.0;
    uint32_t i = 0;
    if (sc != 1.0) {
        for (; i < n; i++) {
            double t = (x[i] - mean) * sc;
            sax[0] += af[i] * t;
            ssx[0] += t * t;
        }
    }
    /* one forward pass: x and the coefficients side by side */
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    for (; i + 4 <= n; i += 4) {
        double t0 = x[i] - mean, t1 = x[i + 1] - mean, t2 = x[i + 2] - mean, t3 = x[i + 3] - mean;
        a0 += af[i] * t0;
        a1 += af[i + 1] * t1;
        a2 += af[i + 2] * t2;
        a3 += af[i + 3] * t3;
        q0 += t0 * t0;
        q1 += t1 * t1;
        q2 += t2 * t2;
        q3 += t3 * t3;
    }
    sax[0] += a0;
    sax[1] += a1;
    sax[2] += a2;
    sax[3] += a3;
    ssx[0] += q0;
    ssx[1] += q1;
    ssx[2] += q2;
    ssx[3] += q3;
    for (; i < n; i++) {
        double t = x[i] - mean;
        sax[0] += af[i] * t;
        ssx[0] += t * t;
    }
    double sa = (sax[0] + sax[1]) + (sax[2] + sax[3]);
    double sx = (ssx[0] + ssx[1]) + (ssx[2] + ssx[3]);
    double ssa = sw->ssa;
    double r = sqrt(ssa * sx);
    double w1 = (r - sa) * (r + sa) / (ssa * sx);
    *w = 1.0 - w1;
    *p = sw_pvalue(*w, n);
    return IG_OK;
}

/* The checks of both entry points: size, finite, not all equal (as R). */
static int sw_check(const struct ig_sw *sw, const double *x, uint32_t n)
{
    if (n < IG_SW_NMIN || n > sw->nmax)
        return IG_ELIMIT;
    double range = x[n - 1] - x[0];
    if (!isfinite(range) || !isfinite(x[0]))
        return IG_EPARSE;
    double scale = fmax(fabs(x[0]), fabs(x[n - 1]));
    if (range < 1e-10 * (scale > 1.0 ? scale : 1.0))
        return IG_EPARSE;
    return IG_OK;
}

int ig_sw_test_sorted(struct ig_sw *sw, const double *x, uint32_t n, double *w, double *p)
{
    int rc = sw_check(sw, x, n);
    if (rc != IG_OK)
        return rc;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
    }
    for (; i < n; i++)
        s0 += x[i];
    double mean = ((s0 + s1) + (s2 + s3)) / n;
    if (!isfinite(mean)) {   /* the sum overflowed (values near DBL_MAX): average scaled */
        mean = 0.0;
        for (i = 0; i < n; i++)
            mean += x[i] / n;
    }
    return sw_sorted(sw, x, n, mean, w, p);
}

int ig_sw_test(struct ig_sw *sw, const double *x, uint32_t n, double *w, double *p)
{
    if (n < IG_SW_NMIN || n > sw->nmax)
        return IG_ELIMIT;
    if (!sw->x && !(sw->x = ig_blk_alloc(sw->nmax * sizeof(double))))
        return IG_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return IG_EPARSE;
        sw->x[i] = x[i];
    }
    qsort(sw->x, n, sizeof(double), cmp_double);
    return ig_sw_test_sorted(sw, sw->x, n, w, p);
}
