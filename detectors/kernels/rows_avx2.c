/* Scaled squared distances of one query to a few row-major rows, AVX2 (kernels.h,
 * ig_kern_ops.l2sq_rows). Eight rows ride in the eight lanes of one register: eight
 * features of eight rows are loaded and transposed (8 x 8, in registers), so every lane
 * keeps its row's sum in feature order. Separate multiplies and adds, never fused (see
 * the pragma below), so each lane rounds as the scalar reference does: bit-identical.
 * The AVX-512 tables use this path too (a row set of a few dozen rows has no 16-row
 * blocks to fill a zmm without a 16 x 16 transpose). */
#include <immintrin.h>

#include "kern_impl.h"

/* Each product is rounded before its add, as the other paths do: clang contracts a * b + c
 * into one fused operation by default (-ffp-contract=on) wherever the target has one
 * (this file's -mfma, or -march=native); GCC in C11 mode does not. */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/* t[j] = feature j of rows v[0..7] (v[i]: eight features of row i) */
static inline void transpose8(__m256 v[8])
{
    __m256 a0 = _mm256_unpacklo_ps(v[0], v[1]), a1 = _mm256_unpackhi_ps(v[0], v[1]);
    __m256 a2 = _mm256_unpacklo_ps(v[2], v[3]), a3 = _mm256_unpackhi_ps(v[2], v[3]);
    __m256 a4 = _mm256_unpacklo_ps(v[4], v[5]), a5 = _mm256_unpackhi_ps(v[4], v[5]);
    __m256 a6 = _mm256_unpacklo_ps(v[6], v[7]), a7 = _mm256_unpackhi_ps(v[6], v[7]);
    __m256 b0 = _mm256_shuffle_ps(a0, a2, 0x44), b1 = _mm256_shuffle_ps(a0, a2, 0xee);
    __m256 b2 = _mm256_shuffle_ps(a1, a3, 0x44), b3 = _mm256_shuffle_ps(a1, a3, 0xee);
    __m256 b4 = _mm256_shuffle_ps(a4, a6, 0x44), b5 = _mm256_shuffle_ps(a4, a6, 0xee);
    __m256 b6 = _mm256_shuffle_ps(a5, a7, 0x44), b7 = _mm256_shuffle_ps(a5, a7, 0xee);
    v[0] = _mm256_permute2f128_ps(b0, b4, 0x20);
    v[1] = _mm256_permute2f128_ps(b1, b5, 0x20);
    v[2] = _mm256_permute2f128_ps(b2, b6, 0x20);
    v[3] = _mm256_permute2f128_ps(b3, b7, 0x20);
    v[4] = _mm256_permute2f128_ps(b0, b4, 0x31);
    v[5] = _mm256_permute2f128_ps(b1, b5, 0x31);
    v[6] = _mm256_permute2f128_ps(b2, b6, 0x31);
    v[7] = _mm256_permute2f128_ps(b3, b7, 0x31);
}

/* Rows i .. i + 8G - 1: G groups of eight rows side by side, so that G chains of adds
 * are in flight (one alone waits on every add's latency). */
static inline void groups(const float *q, const float *rows, const float *w, uint32_t dim,
                          float *out, const int G)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 acc[4] = { _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                      _mm256_setzero_ps() };
    uint32_t k = 0;
    for (; k + 8 <= dim; k += 8) {
        __m256 v[4][8];
        for (int g = 0; g < G; g++) {
            const float *r = rows + (size_t)(8 * g) * dim + k;
            for (int j = 0; j < 8; j++)
                v[g][j] = _mm256_loadu_ps(r + (size_t)j * dim);
            transpose8(v[g]);
        }
        for (int j = 0; j < 8; j++) {
            const __m256 x = _mm256_set1_ps(q[k + (uint32_t)j]);
            const __m256 s = w ? _mm256_set1_ps(w[k + (uint32_t)j]) : one;
            for (int g = 0; g < G; g++) {
                __m256 d = _mm256_mul_ps(_mm256_sub_ps(x, v[g][j]), s);
                acc[g] = _mm256_add_ps(acc[g], _mm256_mul_ps(d, d));
            }
        }
    }
    if (k < dim) {
        /* the last dim - k (< 8) features the same way, each row's by a masked load (none
         * read past the row, nor past the last row): a narrow input (4 features, iris) was
         * all tail, 8 x dim scalar steps a group */
        const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(dim - k)),
                                                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        __m256 v[4][8];
        for (int g = 0; g < G; g++) {
            const float *r = rows + (size_t)(8 * g) * dim + k;
            for (int j = 0; j < 8; j++)
                v[g][j] = _mm256_maskload_ps(r + (size_t)j * dim, tail);
            transpose8(v[g]);
        }
        for (uint32_t j = 0; k + j < dim; j++) {
            const __m256 x = _mm256_set1_ps(q[k + j]);
            const __m256 s = w ? _mm256_set1_ps(w[k + j]) : one;
            for (int g = 0; g < G; g++) {
                __m256 d = _mm256_mul_ps(_mm256_sub_ps(x, v[g][j]), s);
                acc[g] = _mm256_add_ps(acc[g], _mm256_mul_ps(d, d));
            }
        }
    }
    for (int g = 0; g < G; g++)
        _mm256_storeu_ps(out + 8 * g, acc[g]);
}

void ig_kern_l2sq_rows_avx2(const float *q, const float *rows, const float *w, uint32_t dim,
                            uint32_t n, float *out)
{
    uint32_t i = 0;
    for (; i + 32 <= n; i += 32)
        groups(q, rows + (size_t)i * dim, w, dim, out + i, 4);
    if (i + 16 <= n) {
        groups(q, rows + (size_t)i * dim, w, dim, out + i, 2);
        i += 16;
    }
    if (i + 8 <= n) {
        groups(q, rows + (size_t)i * dim, w, dim, out + i, 1);
        i += 8;
    }
    if (i < n)
        ig_kern_l2sq_rows_scalar(q, rows + (size_t)i * dim, w, dim, n - i, out + i);
}
