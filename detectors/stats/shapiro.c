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
    sw->a = calloc(nmax / 2 + 1, sizeof(double));
    sw->x = malloc(nmax * sizeof(double));
    if (!sw->a || !sw->x) {
        ig_sw_free(sw);
        return IG_ENOMEM;
    }
    sw->nmax = nmax;
    return IG_OK;
}

void ig_sw_free(struct ig_sw *sw)
{
    free(sw->a);
    free(sw->x);
    memset(sw, 0, sizeof(*sw));
}

static void build_coefficients(struct ig_sw *sw, uint32_t n)
{
    uint32_t half = n / 2;
    double *a = sw->a;
    sw->coeff_builds++;
    sw->n = n;
    if (n == 3) {
        a[1] = sqrt(0.5);
        return;
    }
    /* m_i = Φ⁻¹((i − 3/8)/(n + 1/4)) for the lower half (negative), stored in a[] first */
    double an25 = n + 0.25, summ2 = 0.0;
    for (uint32_t i = 1; i <= half; i++) {
        a[i] = gsl_cdf_ugaussian_Pinv((i - 0.375) / an25);
        summ2 += a[i] * a[i];
    }
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

int ig_sw_test_sorted(struct ig_sw *sw, const double *x, uint32_t n, double *w, double *p)
{
    if (n < IG_SW_NMIN || n > sw->nmax)
        return IG_ELIMIT;
    double range = x[n - 1] - x[0];
    if (!isfinite(range) || !isfinite(x[0]))
        return IG_EPARSE;
    double scale = fmax(fabs(x[0]), fabs(x[n - 1]));
    if (range < 1e-10 * (scale > 1.0 ? scale : 1.0))
        return IG_EPARSE;
    const double *a = ig_sw_coefficients(sw, n);

    /* W = (Σ a_i x_(i))² / Σ (x_i − x̄)², computed as 1 − (1 − r²) on range-scaled,
     * centred values for accuracy when W is close to 1. The full coefficient vector is
     * antisymmetric: −a[half..1], (0), a[1..half]. */
    /* multiply by 1/range: n divisions cost more than the test's other work together, and
     * the scaled values differ from divided ones only in the last bit */
    double inv = 1.0 / range, mean = 0.0;
    for (uint32_t i = 0; i < n; i++)
        mean += x[i] * inv;
    mean /= n;
    double sax = 0.0, ssa = 0.0, ssx = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = n - 1 - i;
        double ai = 0.0;
        if (i < j)
            ai = -a[i + 1];
        else if (i > j)
            ai = a[j + 1];
        double xi = x[i] * inv - mean;
        sax += ai * xi;
        ssa += ai * ai;
        ssx += xi * xi;
    }
    double r = sqrt(ssa * ssx);
    double w1 = (r - sax) * (r + sax) / (ssa * ssx);
    *w = 1.0 - w1;
    *p = sw_pvalue(*w, n);
    return IG_OK;
}

int ig_sw_test(struct ig_sw *sw, const double *x, uint32_t n, double *w, double *p)
{
    if (n < IG_SW_NMIN || n > sw->nmax)
        return IG_ELIMIT;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return IG_EPARSE;
        sw->x[i] = x[i];
    }
    qsort(sw->x, n, sizeof(double), cmp_double);
    return ig_sw_test_sorted(sw, sw->x, n, w, p);
}
