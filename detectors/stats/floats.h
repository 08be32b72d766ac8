/* Small float helpers the detectors share. */
#ifndef IG_STATS_FLOATS_H
#define IG_STATS_FLOATS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

/* qsort comparator, ascending (NaN-free input). */
static inline int ig_cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Every value of x[0..n) is finite. */
static inline bool ig_row_finite(const float *x, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return false;
    return true;
}

#endif
