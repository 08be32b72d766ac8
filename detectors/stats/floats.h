/* Small float helpers the detectors share. */
#ifndef IG_STATS_FLOATS_H
#define IG_STATS_FLOATS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* qsort comparator, ascending (NaN-free input). */
static inline int ig_cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Every value of x[0..n) is finite. Branch-free, so the compiler vectorises it (rows are
 * almost always finite, and isfinite's branch per value cost ~1 ns per feature): an
 * exponent of all ones is an infinity or a NaN. */
static inline bool ig_row_finite(const float *x, uint32_t n)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, x + i, sizeof(u));
        bad |= (~u & 0x7f800000u) == 0;
    }
    return !bad;
}

#endif
