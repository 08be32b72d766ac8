/* Drift statistics (see drift_stats.h for the conventions each one follows). */
#include "stats/drift_stats.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

/* Order-preserving map from float bits to unsigned: negatives flip all bits, positives
 * flip the sign bit, so unsigned order equals float order (-0 sorts before +0). */
static inline uint32_t f2key(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

static void insertion_sort(float *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        float v = x[i];
        size_t j = i;
        while (j > 0 && x[j - 1] > v) {
            x[j] = x[j - 1];
            j--;
        }
        x[j] = v;
    }
}

void ig_drift_sort_f32(float *x, float *tmp, size_t n)
{
    if (n < 64) {
        insertion_sort(x, n);
        return;
    }
    /* Three passes of 11, 11 and 10 bits: histograms first, then scatter. */
    uint32_t h[3][2048];
    memset(h, 0, sizeof h);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = f2key(x[i]);
        h[0][k & 2047]++;
        h[1][(k >> 11) & 2047]++;
        h[2][k >> 22]++;
    }
    for (int p = 0; p < 3; p++) {
        uint32_t sum = 0;
        for (int b = 0; b < 2048; b++) {
            uint32_t c = h[p][b];
            h[p][b] = sum;
            sum += c;
        }
    }
    float *src = x, *dst = tmp;
    for (int p = 0; p < 3; p++) {
        int shift = p * 11;
        for (size_t i = 0; i < n; i++) {
            uint32_t k = f2key(src[i]);
            uint32_t b = p == 2 ? k >> 22 : (k >> shift) & 2047;
            dst[h[p][b]++] = src[i];
        }
        float *t = src;
        src = dst;
        dst = t;
    }
    /* Odd number of passes: the result sits in tmp. */
    memcpy(x, src, n * sizeof *x);
}

size_t ig_drift_finite_f32(const float *x, size_t n, float *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            out[m++] = x[i];
    return m;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static inline int64_t iabs64(int64_t x)
{
    return x < 0 ? -x : x;
}

void ig_drift_ks_w1(const float *a, size_t na, const float *b, size_t nb, double *d, double *w1)
{
    /* Walks the values of b in order and, between two of them, runs through a in a tight
     * loop (mispredicted branches: about one per value of b, not one per value). At each
     * step (i, j) count the values <= the current one; |Fa - Fb| is compared in integers
     * (i nb - j na), which keeps D exact, and multiplied by the gap to the next value for
     * the Wasserstein integral. Within a run of ties in a alone the extra comparisons are
     * harmless: |i nb - j na| is convex in i, so its maximum sits at the run's ends. */
    if (na == 0 || nb == 0) {
        *d = 0.0;
        *w1 = NAN;
        return;
    }
    const int64_t sna = (int64_t)na, snb = (int64_t)nb;
    size_t i = 0, j = 0;
    int64_t m = 0;
    double w = 0.0, prev = a[0] < b[0] ? a[0] : b[0];
    while (j < nb) {
        const float v = b[j];
        const int64_t jn = (int64_t)j * sna;
        while (i < na && a[i] < v) {
            double x = a[i];
            w += (double)iabs64((int64_t)i * snb - jn) * (x - prev);
            prev = x;
            i++;
            int64_t diff = iabs64((int64_t)i * snb - jn);
            m = diff > m ? diff : m;
        }
        w += (double)iabs64((int64_t)i * snb - jn) * ((double)v - prev);
        prev = v;
        while (i < na && a[i] == v)
            i++;
        while (j < nb && b[j] == v)
            j++;
        int64_t diff = iabs64((int64_t)i * snb - (int64_t)j * sna);
        m = diff > m ? diff : m;
    }
    /* b is exhausted: Fb = 1 and |Fa - Fb| only shrinks; the integral still runs on. */
    const int64_t full = snb * sna;
    for (; i < na; i++) {
        double x = a[i];
        w += (double)iabs64((int64_t)i * snb - full) * (x - prev);
        prev = x;
    }
    uint64_t g = gcd_u64(na, nb), lcm = (uint64_t)(na / g) * nb;
    *d = (double)((uint64_t)m / g) / (double)lcm;
    *w1 = w / ((double)na * (double)nb);
}

double ig_drift_ks_d(const float *a, size_t na, const float *b, size_t nb)
{
    double d, w;
    ig_drift_ks_w1(a, na, b, nb, &d, &w);
    return d;
}

double ig_drift_kolmogorov_sf(double lambda)
{
    if (!(lambda > 0.0))
        return 1.0;
    if (lambda < 1.0) {
        /* Small lambda: the theta-function form of the CDF converges fast. */
        double s = 0.0, c = -M_PI * M_PI / (8.0 * lambda * lambda);
        for (int k = 1; k < 64; k++) {
            double t = exp(c * (double)((2 * k - 1) * (2 * k - 1)));
            s += t;
            if (t < 1e-17 * s)
                break;
        }
        return 1.0 - sqrt(2.0 * M_PI) / lambda * s;
    }
    double s = 0.0;
    for (int k = 1; k < 128; k++) {
        double t = exp(-2.0 * (double)k * (double)k * lambda * lambda);
        s += (k & 1) ? t : -t;
        if (t < 1e-300)
            break;
    }
    s *= 2.0;
    return s < 0.0 ? 0.0 : (s > 1.0 ? 1.0 : s);
}

double ig_drift_ks_p(double d, size_t na, size_t nb)
{
    if (na == 0 || nb == 0)
        return 1.0;
    double en = sqrt((double)na * (double)nb / (double)(na + nb));
    return ig_drift_kolmogorov_sf(en * d);
}

void ig_drift_quantile_edges(const float *sorted, size_t n, uint32_t nbins, double *edges)
{
    for (uint32_t i = 1; i < nbins; i++) {
        if (n == 0) {
            edges[i - 1] = 0.0;
            continue;
        }
        /* numpy 'linear': virtual index q (n-1), lerp as numpy's _lerp does. */
        double vi = (double)i / (double)nbins * (double)(n - 1);
        size_t lo = (size_t)floor(vi);
        if (lo >= n - 1) {
            edges[i - 1] = sorted[n - 1];
            continue;
        }
        double t = vi - (double)lo, a = sorted[lo], b = sorted[lo + 1], diff = b - a;
        edges[i - 1] = t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
    }
}

static uint32_t bin_of(double x, const double *edges, uint32_t nedges)
{
    uint32_t lo = 0, hi = nedges;   /* first edge > x */
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (edges[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void ig_drift_bin_counts(const float *x, size_t n, const double *edges, uint32_t nbins,
                         uint32_t *counts)
{
    memset(counts, 0, nbins * sizeof *counts);
    for (size_t i = 0; i < n; i++)
        counts[bin_of(x[i], edges, nbins - 1)]++;
}

void ig_drift_bin_counts_sorted(const float *sorted, size_t n, const double *edges,
                                uint32_t nbins, uint32_t *counts)
{
    memset(counts, 0, nbins * sizeof *counts);
    uint32_t j = 0;
    for (size_t i = 0; i < n; i++) {
        double v = sorted[i];
        while (j < nbins - 1 && edges[j] <= v)
            j++;
        counts[j]++;
    }
}

double ig_drift_psi(const double *ref, const double *cur, uint32_t n, double eps)
{
    double s = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        double r = ref[i] == 0.0 ? eps : ref[i];
        double c = cur[i] == 0.0 ? eps : cur[i];
        s += (c - r) * log(c / r);
    }
    return s;
}

double ig_drift_js(const double *p, const double *q, uint32_t n)
{
    double sp = 0.0, sq = 0.0, js = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        sp += p[i];
        sq += q[i];
    }
    if (sp <= 0.0 || sq <= 0.0)
        return NAN;
    for (uint32_t i = 0; i < n; i++) {
        double a = p[i] / sp, b = q[i] / sq, m = 0.5 * (a + b);
        if (a > 0.0)
            js += a * log(a / m);
        if (b > 0.0)
            js += b * log(b / m);
    }
    js *= 0.5;
    return js > 0.0 ? sqrt(js) : 0.0;
}

double ig_drift_w1(const float *a, size_t na, const float *b, size_t nb)
{
    double d, w;
    ig_drift_ks_w1(a, na, b, nb, &d, &w);
    return w;
}

void ig_drift_mean_std(const float *x, size_t n, double *mean, double *std)
{
    double m = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m = n ? m / (double)n : 0.0;
    for (size_t i = 0; i < n; i++)
        s += ((double)x[i] - m) * ((double)x[i] - m);
    *mean = m;
    *std = n ? sqrt(s / (double)n) : 0.0;
}

double ig_drift_chi2(const double *obs, const double *exp, uint32_t k, double *p)
{
    double s = 0.0;
    uint32_t used = 0;
    for (uint32_t i = 0; i < k; i++) {
        if (exp[i] <= 0.0)
            continue;
        double d = obs[i] - exp[i];
        s += d * d / exp[i];
        used++;
    }
    if (p)
        *p = used < 2 ? 1.0 : gsl_cdf_chisq_Q(s, (double)(used - 1));
    return s;
}

void ig_drift_ph_init(struct ig_drift_ph *ph, double delta, double threshold, double alpha,
                      uint32_t min_n)
{
    memset(ph, 0, sizeof *ph);
    ph->delta = delta;
    ph->threshold = threshold;
    ph->alpha = alpha;
    ph->min_n = min_n;
    ph->min_inc = INFINITY;
    ph->max_dec = -INFINITY;
}

bool ig_drift_ph_update(struct ig_drift_ph *ph, double x)
{
    ph->n++;
    ph->mean += (x - ph->mean) / (double)ph->n;
    double dev = x - ph->mean;
    ph->sum_inc = ph->alpha * ph->sum_inc + dev - ph->delta;
    ph->sum_dec = ph->alpha * ph->sum_dec + dev + ph->delta;
    if (ph->sum_inc < ph->min_inc)
        ph->min_inc = ph->sum_inc;
    if (ph->sum_dec > ph->max_dec)
        ph->max_dec = ph->sum_dec;
    if (ph->n < ph->min_n)
        return false;
    if (ph->sum_inc - ph->min_inc > ph->threshold || ph->max_dec - ph->sum_dec > ph->threshold) {
        ig_drift_ph_init(ph, ph->delta, ph->threshold, ph->alpha, ph->min_n);
        return true;
    }
    return false;
}

void ig_drift_cusum_init(struct ig_drift_cusum *c, double mu, double sigma, double k, double h)
{
    c->mu = mu;
    c->sigma = sigma > 0.0 ? sigma : 1.0;
    c->k = k;
    c->h = h;
    c->pos = c->neg = 0.0;
}

int ig_drift_cusum_update(struct ig_drift_cusum *c, double x)
{
    double z = (x - c->mu) / c->sigma;
    c->pos = fmax(0.0, c->pos + z - c->k);
    c->neg = fmax(0.0, c->neg - z - c->k);
    int r = c->pos > c->h ? 1 : (c->neg > c->h ? -1 : 0);
    if (r)
        c->pos = c->neg = 0.0;
    return r;
}
