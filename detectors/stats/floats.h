/* Small float helpers the detectors share. */
#ifndef IG_STATS_FLOATS_H
#define IG_STATS_FLOATS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"

/* qsort comparator, ascending (NaN-free input). */
static inline int ig_cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The k-th smallest of v[0..n) (k < n), v reordered so that v[k] holds it, with no
 * larger value before it and no smaller one after: Wirth's selection (Algorithms + Data
 * Structures = Programs, 1976). NaN-free input (ig_median_f checks). */
static inline float ig_select_f(float *v, uint32_t n, uint32_t k)
{
    int32_t l = 0, m = (int32_t)n - 1, kk = (int32_t)k;
    while (l < m) {
        float x = v[kk];
        int32_t i = l, j = m;
        do {
            while (v[i] < x)
                i++;
            while (x < v[j])
                j--;
            if (i <= j) {
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < kk)
            l = i;
        if (kk < i)
            m = j;
    }
    return v[kk];
}

/* The median of v[0..n) (n > 0; the mean of the middle two for even n), v reordered: the
 * value qsort's order (ig_cmp_float) gives, by selection: PRADA's calibration takes three
 * medians of up to 63 values at every test, and qsort's indirect comparator made them ~2 %
 * of that detector's time. With a NaN it sorts as before (the comparator then decides). */
static inline double ig_median_f(float *v, uint32_t n)
{
    bool nan = false;
    for (uint32_t i = 0; i < n; i++)
        nan |= v[i] != v[i];
    if (nan) {
        qsort(v, n, sizeof(float), ig_cmp_float);
        return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
    if (n % 2)
        return ig_select_f(v, n, n / 2);
    float a = ig_select_f(v, n, n / 2 - 1);
    /* the next order statistic: the smallest of the values after a's place */
    float b = v[n / 2];
    for (uint32_t i = n / 2 + 1; i < n; i++)
        b = v[i] < b ? v[i] : b;
    return 0.5 * (a + b);
}

/* Every value of x[0..n) is finite (ig_kern_finite: branch-free, vectorised). */
static inline bool ig_row_finite(const float *x, uint32_t n)
{
    return ig_kern_finite(x, n);
}

/* A 32-bit hash of the bits of x[0..n): equal rows hash equal (an exact repeat), others
 * collide about once in 2^32. Four FNV-1a lanes side by side (a single chain waits on
 * every multiply: ~1 us at 784 features), folded and mixed (splitmix64's finaliser). */
static inline uint32_t ig_row_hash(const float *x, uint32_t n)
{
    uint64_t h[4] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull, 0x2325cbf29ce48422ull,
                      0xcbf2222325ce4849ull };
    const uint64_t prime = 0x100000001b3ull;
    uint32_t k = 0, w;
    for (; k + 4 <= n; k += 4)
        for (uint32_t u = 0; u < 4; u++) {
            memcpy(&w, x + k + u, 4);
            h[u] = (h[u] ^ w) * prime;
        }
    for (; k < n; k++) {
        memcpy(&w, x + k, 4);
        h[0] = (h[0] ^ w) * prime;
    }
    uint64_t z = h[0] ^ (h[1] << 16 | h[1] >> 48) ^ (h[2] << 32 | h[2] >> 32) ^
                 (h[3] << 48 | h[3] >> 16) ^ n;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (uint32_t)(z ^ (z >> 32));
}

#endif
