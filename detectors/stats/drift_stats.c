/* Drift statistics (see drift_stats.h for the conventions each one follows). */
#include "stats/drift_stats.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

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

static inline uint32_t key2bits(uint32_t k)
{
    return (k & 0x80000000u) ? (k & 0x7fffffffu) : ~k;
}

static inline uint32_t ld32(const float *p)
{
    uint32_t u;
    memcpy(&u, p, 4);
    return u;
}

static inline void st32(float *p, uint32_t u)
{
    memcpy(p, &u, 4);
}

/* The passes of the radix sort over keys x[0..n) with their byte histograms h; the result
 * is the floats, ascending, in x. */
static void radix_passes(float *x, float *tmp, size_t n, uint32_t h[4][256])
{
    float *src = x, *dst = tmp;
    uint32_t k0 = ld32(x);
    int last = -1;
    for (int p = 0; p < 4; p++)
        if (h[p][(k0 >> (8 * p)) & 255] != n)
            last = p;
    for (int p = 0; p <= last; p++) {
        int shift = 8 * p;
        if (h[p][(k0 >> shift) & 255] == n)
            continue;
        uint32_t sum = 0;
        for (int b = 0; b < 256; b++) {
            uint32_t c = h[p][b];
            h[p][b] = sum;
            sum += c;
        }
        if (p == last) {                 /* the last pass writes the floats back */
            for (size_t i = 0; i < n; i++) {
                uint32_t k = ld32(src + i);
                st32(dst + h[p][(k >> shift) & 255]++, key2bits(k));
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                uint32_t k = ld32(src + i);
                st32(dst + h[p][(k >> shift) & 255]++, k);
            }
        }
        float *t = src;
        src = dst;
        dst = t;
    }
    if (last < 0)                        /* every key equal */
        for (size_t i = 0; i < n; i++)
            st32(x + i, key2bits(ld32(x + i)));
    else if (src != x)
        memcpy(x, src, n * sizeof *x);
}

void ig_drift_sort_f32(float *x, float *tmp, size_t n)
{
    if (n < 64) {
        insertion_sort(x, n);
        return;
    }
    /* Keys in place (the order-preserving bit map), then up to four passes of 8 bits:
     * 256-entry histograms stay in L1 and windows of a few thousand values fill them well;
     * a pass whose byte is the same for every key (common for the top byte) is skipped. */
    uint32_t h[4][256];
    memset(h, 0, sizeof h);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = f2key(x[i]);
        st32(x + i, k);
        h[0][k & 255]++;
        h[1][(k >> 8) & 255]++;
        h[2][(k >> 16) & 255]++;
        h[3][k >> 24]++;
    }
    radix_passes(x, tmp, n, h);
}

size_t ig_drift_gather_sorted(const float *col, const uint16_t *cell, const uint8_t *ex,
                              size_t k, size_t cap, uint64_t count, float *out, float *tmp)
{
    /* the gather and the sort's first pass (keys and histograms) in one loop: a value is
     * written whatever it is, and kept (n advances, histograms count it) when it counts */
    uint32_t h[4][256];
    memset(h, 0, sizeof h);
    size_t n = 0;
    for (uint64_t r = 0; r < count; r++) {
        float v = col[k];
        uint32_t ok = !ex[cell[k]] && isfinite(v), key = f2key(v);
        st32(out + n, key);
        h[0][key & 255] += ok;
        h[1][(key >> 8) & 255] += ok;
        h[2][(key >> 16) & 255] += ok;
        h[3][key >> 24] += ok;
        n += ok;
        k = k + 1 == cap ? 0 : k + 1;
    }
    if (n < 64) {
        for (size_t i = 0; i < n; i++)
            st32(out + i, key2bits(ld32(out + i)));
        insertion_sort(out, n);
    } else {
        radix_passes(out, tmp, n, h);
    }
    return n;
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

/* Number of values of the ascending a[i..na) below v (or <= v with <le>), from i. Eight
 * compares at a time (SSE2, part of every x86-64; a scalar loop elsewhere): the loop exits
 * on a well-predicted branch instead of one mispredicted exit per value of b. Sorted input
 * makes the compare mask a prefix, so its population count is the step. */
bool ig_drift_simd = true;

static inline size_t advance(const float *a, size_t na, size_t i, float v, bool le)
{
#if defined(__SSE2__)
    const __m128 vv = _mm_set1_ps(v);
    while (ig_drift_simd && i + 8 <= na) {
        __m128 x0 = _mm_loadu_ps(a + i), x1 = _mm_loadu_ps(a + i + 4);
        __m128 c0 = le ? _mm_cmple_ps(x0, vv) : _mm_cmplt_ps(x0, vv);
        __m128 c1 = le ? _mm_cmple_ps(x1, vv) : _mm_cmplt_ps(x1, vv);
        unsigned mask = (unsigned)_mm_movemask_ps(c0) | ((unsigned)_mm_movemask_ps(c1) << 4);
        if (mask != 0xffu)
            return i + (size_t)__builtin_ctz(~mask);   /* mask is a prefix of ones */
        i += 8;
    }
#endif
    while (i < na && (le ? a[i] <= v : a[i] < v))
        i++;
    return i;
}

double ig_drift_ks_d(const float *a, size_t na, const float *b, size_t nb)
{
    /* Only the steps of b matter: between two values of b, Fb is constant and |Fa - Fb|
     * is monotone in Fa, so its largest value sits just before the next b (a < v) or just
     * after the previous one (a <= v). Walking a is then one compare per value. */
    if (na == 0 || nb == 0)
        return 0.0;
    const int64_t sna = (int64_t)na, snb = (int64_t)nb;
    size_t i = 0, j = 0;
    int64_t m = 0;
    while (j < nb) {
        const float v = b[j];
        i = advance(a, na, i, v, false);
        int64_t d1 = iabs64((int64_t)i * snb - (int64_t)j * sna);
        i = advance(a, na, i, v, true);
        j = advance(b, nb, j, v, true);   /* past b's ties of v, eight at a time */
        int64_t d2 = iabs64((int64_t)i * snb - (int64_t)j * sna);
        m = d1 > m ? d1 : m;
        m = d2 > m ? d2 : m;
    }
    uint64_t g = gcd_u64(na, nb), lcm = (uint64_t)(na / g) * nb;
    return (double)((uint64_t)m / g) / (double)lcm;
}

void ig_drift_prefix_sums(const float *a, size_t na, double *s)
{
    /* Offset by the middle value: the sums stay small, so differences of them keep
     * their digits whatever the column's location. */
    double off = na ? a[na / 2] : 0.0, acc = 0.0;
    s[0] = 0.0;
    for (size_t i = 0; i < na; i++) {
        acc += (double)a[i] - off;
        s[i + 1] = acc;
    }
}

size_t ig_drift_index_cells(size_t na)
{
    size_t m = 16;
    while (2 * m < na && m < (1u << 20))
        m <<= 1;
    return m + 1;
}

/* Linear buckets over the sample's range, in float arithmetic (every step is monotone in
 * v, which is all the index needs); out-of-range values clamp to the end buckets. */
static inline uint32_t bucket_of(const struct ig_drift_index *ix, float v)
{
    float k = (v - ix->lo) * ix->scale;
    k = k > 0.0f ? k : 0.0f;
    k = k < ix->top ? k : ix->top;
    return (uint32_t)k;
}

void ig_drift_index_build(struct ig_drift_index *ix, const float *a, size_t na, uint32_t *cells)
{
    /* cells[k] = how many values of a fall in buckets below k. bucket_of is monotone in v,
     * so a value in a lower bucket than v is below v: a search for v starts at
     * cells[bucket_of(v)] and only walks v's own bucket. */
    ix->a = a;
    ix->na = na;
    ix->t = cells;
    ix->m = (uint32_t)(ig_drift_index_cells(na) - 1);
    ix->lo = na ? a[0] : 0.0f;
    double span = na ? (double)a[na - 1] - (double)a[0] : 0.0;
    ix->scale = span > 0 ? (float)((double)ix->m / span) : 0.0f;
    ix->top = (float)(ix->m - 1);
    ix->ndistinct = 0;
    for (size_t k = 0; k < na; k++)
        ix->ndistinct += k == 0 || a[k] != a[k - 1];
    size_t i = 0;
    for (uint32_t k = 0; k <= ix->m; k++) {
        while (i < na && bucket_of(ix, a[i]) < k)
            i++;
        cells[k] = (uint32_t)i;
    }
}

/* Both counts from a[i..hi) on, where every value from hi on is above v: binary searches
 * (the answers lie in [i, hi]). A bucket crowded by ties holds hundreds of one value (the
 * iris capture x20: 1,000 reference rows of a few dozen values per feature); the walk over
 * them was two thirds of drift.features' KS time there (x20, drift alone: the scalar walk
 * 475 M of ks_w1_fast's 700 M instructions). */
static inline size_t count_below(const float *a, size_t i, size_t hi, float v, bool le)
{
    size_t n = hi - i;
    if (!n)
        return i;
    const float *base = a + i;
    while (n > 1) {                      /* the answer stays in [base, base + n] */
        size_t half = n / 2;
        float x = base[half - 1];
        base += (le ? x <= v : x < v) ? half : 0;
        n -= half;
    }
    return (size_t)(base - a) + (le ? base[0] <= v : base[0] < v);
}

static inline void rank_rest(const struct ig_drift_index *ix, uint32_t k, size_t i, float v,
                             size_t *lt, size_t *le)
{
    size_t hi = ix->t[k + 1];            /* later buckets hold values above v */
    *lt = count_below(ix->a, i, hi, v, false);
    *le = count_below(ix->a, *lt, hi, v, true);
}

/* lt = number of values of a below v, le = at most v. From the start of v's bucket: a value
 * in a later bucket is above v (bucket_of is monotone), so one compare of the next eight
 * values gives both counts unless all eight are <= v (a crowded bucket, or ties): then
 * binary searches within the bucket. Branch-free in the common case, and each value of b
 * independent of the previous one, so the loads of successive values overlap. */
static inline void rank2(const struct ig_drift_index *ix, float v, size_t *lt, size_t *le)
{
    const float *a = ix->a;
    const size_t na = ix->na;
    uint32_t k = bucket_of(ix, v);
    size_t i = ix->t[k];
#if defined(__SSE2__)
    if (ig_drift_simd && i + 8 <= na) {
        const __m128 vv = _mm_set1_ps(v);
        __m128 x0 = _mm_loadu_ps(a + i), x1 = _mm_loadu_ps(a + i + 4);
        unsigned ml = (unsigned)_mm_movemask_ps(_mm_cmplt_ps(x0, vv)) |
                      ((unsigned)_mm_movemask_ps(_mm_cmplt_ps(x1, vv)) << 4);
        unsigned me = (unsigned)_mm_movemask_ps(_mm_cmple_ps(x0, vv)) |
                      ((unsigned)_mm_movemask_ps(_mm_cmple_ps(x1, vv)) << 4);
        if (me != 0xffu) {                     /* both masks are prefixes of ones */
            *lt = i + (size_t)__builtin_ctz(~ml);   /* prefix: count = trailing ones */
            *le = i + (size_t)__builtin_ctz(~me);
            return;
        }
        i = ml == 0xffu ? i + 8 : i;
    }
#endif
    (void)na;
    rank_rest(ix, k, i, v, lt, le);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define IG_HAVE_AVX2 1
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,bmi"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,bmi")
#endif
/* rank2 with the eight values in one 256-bit compare */
static inline void rank2_avx2(const struct ig_drift_index *ix, float v, size_t *lt, size_t *le)
{
    const float *a = ix->a;
    const size_t na = ix->na;
    uint32_t k = bucket_of(ix, v);
    size_t i = ix->t[k];
    if (i + 8 <= na) {
        const __m256 vv = _mm256_set1_ps(v), x = _mm256_loadu_ps(a + i);
        unsigned ml = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(x, vv, _CMP_LT_OQ));
        unsigned me = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(x, vv, _CMP_LE_OQ));
        if (me != 0xffu) {
            *lt = i + (size_t)__builtin_ctz(~ml);
            *le = i + (size_t)__builtin_ctz(~me);
            return;
        }
        i = ml == 0xffu ? i + 8 : i;
    }
    rank_rest(ix, k, i, v, lt, le);
}
#define IG_KS_NAME ks_w1_fast_avx2
#define IG_KS_RANK rank2_avx2
#include "stats/drift_ks_loop.h"
#undef IG_KS_NAME
#undef IG_KS_RANK
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
#define IG_HAVE_AVX2 0
#endif

#define IG_KS_NAME ks_w1_fast_base
#define IG_KS_RANK rank2
#include "stats/drift_ks_loop.h"
#undef IG_KS_NAME
#undef IG_KS_RANK

int ig_drift_avx2 = -1;

void ig_drift_ks_w1_fast(const struct ig_drift_index *ix, const double *s, const float *b,
                         size_t nb, double *d, double *w1)
{
    /* KS as ig_drift_ks_d, but each value of b finds its rank in a by itself (bucket, then a
     * short SIMD walk), so the searches do not wait on each other. W1 = integral of
     * |Fa - Fb|: on [x0, x1) between two values of b, Fb = c is constant and Fa crosses c
     * once, at the k*-th value of a (k* = ceil(c na)); with G(x) = sum over a <= x of
     * (x - a_i) = cnt x - S[cnt], each side is a difference of G: O(1) per value of b
     * (prefix sums S from ig_drift_prefix_sums; skipped when s is NULL). */
#if IG_HAVE_AVX2
    if (ig_drift_avx2 < 0)
        ig_drift_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
    if (ig_drift_avx2 > 0 && ig_drift_simd) {
        ks_w1_fast_avx2(ix, s, b, nb, d, w1);
        return;
    }
#endif
    ks_w1_fast_base(ix, s, b, nb, d, w1);
}

/* ig_drift_block_add: x = the value, or mu when it is not finite; z = (x - mu) / sd (0 when
 * sd is not > 0); sum += x; sq += z * z, or 1 when not finite. The vector paths do the
 * same IEEE operations per lane (finite: x - x == 0), so every path gives the same bits. */
static void block_add_scalar(const float *row, uint32_t n, const double *mu, const double *sd,
                             double *sum, double *sq)
{
    for (uint32_t f = 0; f < n; f++) {
        double x = isfinite(row[f]) ? row[f] : mu[f];
        double z = sd[f] > 0 ? (x - mu[f]) / sd[f] : 0;
        sum[f] += x;
        sq[f] += isfinite(row[f]) ? z * z : 1.0;
    }
}

#if IG_HAVE_AVX2
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
static void block_add_avx2(const float *row, uint32_t n, const double *mu, const double *sd,
                           double *sum, double *sq)
{
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    uint32_t f = 0;
    for (; f + 4 <= n; f += 4) {
        __m256d r = _mm256_cvtps_pd(_mm_loadu_ps(row + f));
        __m256d m = _mm256_loadu_pd(mu + f), s = _mm256_loadu_pd(sd + f);
        __m256d fin = _mm256_cmp_pd(_mm256_sub_pd(r, r), zero, _CMP_EQ_OQ);
        __m256d x = _mm256_blendv_pd(m, r, fin);
        __m256d z = _mm256_and_pd(_mm256_cmp_pd(s, zero, _CMP_GT_OQ),
                                  _mm256_div_pd(_mm256_sub_pd(x, m), s));
        __m256d zz = _mm256_blendv_pd(one, _mm256_mul_pd(z, z), fin);
        _mm256_storeu_pd(sum + f, _mm256_add_pd(_mm256_loadu_pd(sum + f), x));
        _mm256_storeu_pd(sq + f, _mm256_add_pd(_mm256_loadu_pd(sq + f), zz));
    }
    block_add_scalar(row + f, n - f, mu + f, sd + f, sum + f, sq + f);
}
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

void ig_drift_block_add(const float *row, uint32_t n, const double *mu, const double *sd,
                        double *sum, double *sq)
{
#if IG_HAVE_AVX2
    if (ig_drift_avx2 < 0)
        ig_drift_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
    if (ig_drift_avx2 > 0 && ig_drift_simd) {
        block_add_avx2(row, n, mu, sd, sum, sq);
        return;
    }
#endif
    uint32_t f = 0;
#if defined(__SSE2__)
    if (ig_drift_simd) {
        const __m128d zero = _mm_setzero_pd(), one = _mm_set1_pd(1.0);
        for (; f + 2 <= n; f += 2) {
            __m128d r = _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(row + f))));
            __m128d m = _mm_loadu_pd(mu + f), s = _mm_loadu_pd(sd + f);
            __m128d fin = _mm_cmpeq_pd(_mm_sub_pd(r, r), zero);
            __m128d x = _mm_or_pd(_mm_and_pd(fin, r), _mm_andnot_pd(fin, m));
            __m128d z = _mm_and_pd(_mm_cmpgt_pd(s, zero), _mm_div_pd(_mm_sub_pd(x, m), s));
            __m128d zz = _mm_or_pd(_mm_and_pd(fin, _mm_mul_pd(z, z)), _mm_andnot_pd(fin, one));
            _mm_storeu_pd(sum + f, _mm_add_pd(_mm_loadu_pd(sum + f), x));
            _mm_storeu_pd(sq + f, _mm_add_pd(_mm_loadu_pd(sq + f), zz));
        }
    }
#endif
    block_add_scalar(row + f, n - f, mu + f, sd + f, sum + f, sq + f);
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
        /* the terms fall faster than geometrically: once one is below a quarter of s's
         * last place, no later one changes s */
        if (t < 1e-300 || t < 1e-17 * fabs(s))
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

/* For a float v and a double edge e, v >= e exactly when v >= the smallest float >= e: the
 * edges become float thresholds once, and each value is compared against all of them with
 * no search. The counts of values at or above each edge give the bins by differences. */
static float float_ceil(double e)
{
    float f = (float)e;
    if ((double)f < e)
        f = nextafterf(f, INFINITY);
    return f;
}

void ig_drift_bin_counts(const float *x, size_t n, const double *edges, uint32_t nbins,
                         uint32_t *counts)
{
    memset(counts, 0, nbins * sizeof *counts);
    if (nbins > 64 || nbins < 2) {
        for (size_t i = 0; i < n; i++)
            counts[bin_of(x[i], edges, nbins - 1)]++;
        return;
    }
    const uint32_t ne = nbins - 1;
    float t[64];
    uint32_t ge[64];             /* values >= edge b */
    for (uint32_t b = 0; b < ne; b++) {
        t[b] = float_ceil(edges[b]);
        ge[b] = 0;
    }
    size_t i = 0;
#if defined(__SSE2__)
    if (ig_drift_simd) {
        __m128i acc[64];
        __m128 tv[64];
        for (uint32_t b = 0; b < ne; b++) {
            acc[b] = _mm_setzero_si128();
            tv[b] = _mm_set1_ps(t[b]);
        }
        /* lanes count up to n / 4 each: no overflow below 2^34 values */
        for (; i + 4 <= n; i += 4) {
            __m128 v = _mm_loadu_ps(x + i);
            for (uint32_t b = 0; b < ne; b++)
                acc[b] = _mm_sub_epi32(acc[b], _mm_castps_si128(_mm_cmpge_ps(v, tv[b])));
        }
        for (uint32_t b = 0; b < ne; b++) {
            uint32_t l[4];
            _mm_storeu_si128((__m128i *)l, acc[b]);
            ge[b] = l[0] + l[1] + l[2] + l[3];
        }
    }
#endif
    for (; i < n; i++)
        for (uint32_t b = 0; b < ne; b++)
            ge[b] += x[i] >= t[b];
    counts[0] = (uint32_t)n - ge[0];
    for (uint32_t b = 1; b < ne; b++)
        counts[b] = ge[b - 1] - ge[b];
    counts[ne] = ge[ne - 1];
}

void ig_drift_bin_counts_sorted(const float *sorted, size_t n, const double *edges,
                                uint32_t nbins, uint32_t *counts)
{
    /* A value's bin is the number of edges <= it, so the values in bins >= k are those
     * >= edges[k-1]: one branch-free binary search per edge instead of a pass with an
     * increment per value. */
    size_t ge_prev = n;                  /* values in bins >= 0 */
    for (uint32_t k = 1; k < nbins; k++) {
        const double e = edges[k - 1];
        const float *base = sorted;
        size_t len = n;
        while (len > 1) {                /* the first value >= e is in [base, base + len] */
            size_t half = len / 2;
            base = (double)base[half - 1] < e ? base + half : base;
            len -= half;
        }
        size_t lo = (size_t)(base - sorted) + (len == 1 && (double)base[0] < e);
        size_t ge = n - lo;              /* values in bins >= k */
        counts[k - 1] = (uint32_t)(ge_prev - ge);
        ge_prev = ge;
    }
    counts[nbins - 1] = (uint32_t)ge_prev;
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
