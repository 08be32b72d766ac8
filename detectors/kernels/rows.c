/* Scaled squared distances of one query to a few row-major rows (kernels.h,
 * ig_kern_ops.l2sq_rows) and the features each moves (moved_rows): the scalar references;
 * the AVX2 paths (also the AVX-512 tables') are rows_avx2.c. */
#include "kern_impl.h"

/* Each product is rounded before its add, as the other paths do: clang contracts a * b + c
 * into one fused operation by default (-ffp-contract=on) wherever the target has one
 * (this file's -mfma, or -march=native); GCC in C11 mode does not. */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

void ig_kern_l2sq_rows_scalar(const float *q, const float *rows, const float *w, uint32_t dim,
                              uint32_t n, float *out)
{
    /* four rows side by side: four independent chains instead of one waiting on every add;
     * each row's sum still runs in feature order */
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float *r0 = rows + (size_t)i * dim, *r1 = r0 + dim, *r2 = r1 + dim, *r3 = r2 + dim;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (uint32_t k = 0; k < dim; k++) {
            float x = q[k], s = w ? w[k] : 1.0f;
            float d0 = (x - r0[k]) * s, d1 = (x - r1[k]) * s, d2 = (x - r2[k]) * s,
                  d3 = (x - r3[k]) * s;
            a0 += d0 * d0;
            a1 += d1 * d1;
            a2 += d2 * d2;
            a3 += d3 * d3;
        }
        out[i] = a0;
        out[i + 1] = a1;
        out[i + 2] = a2;
        out[i + 3] = a3;
    }
    for (; i < n; i++) {
        const float *r = rows + (size_t)i * dim;
        float a = 0;
        for (uint32_t k = 0; k < dim; k++) {
            float d = (q[k] - r[k]) * (w ? w[k] : 1.0f);
            a += d * d;
        }
        out[i] = a;
    }
}

bool ig_kern_moved_rows_scalar(const float *q, const float *rows, uint32_t n, uint32_t dim,
                               float qe, uint32_t cap, uint32_t *cnt, int32_t *first)
{
    const double bar = ig_kern_moved_bar(qe);
    for (uint32_t i = 0; i < n; i++) {
        const float *r = rows + (size_t)i * dim;
        uint32_t c = 0;
        int32_t f = -1;
        for (uint32_t k = 0; k < dim && c < cap; k++)
            if (ig_kern_moved1(q[k], r[k], bar) && c++ == 0)
                f = (int32_t)k;
        cnt[i] = c;
        first[i] = f;
        if (!c)
            return false;
    }
    return true;
}
