/* Scaled squared distances of one query to a few row-major rows, AVX2 (kernels.h,
 * ig_kern_ops.l2sq_rows), and the features each moves (moved_rows, at the end). Eight rows ride in the eight lanes of one register: eight
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

/* moved_rows' test of four features (q's, x and |x|, converted once) against the row's at
 * r, as bits 0-3: ig_kern_moved1()'s double arithmetic, four lanes at once. The two bars
 * are one: d > a and d > b is d > max(a, b) (a NaN bar only comes with a NaN d, false
 * either way). */
static inline unsigned moved4(__m256d x, __m256d ax, const float *r, __m256d tol, __m256d bar)
{
    const __m256d mag = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffll));
    const __m256d y = _mm256_cvtps_pd(_mm_loadu_ps(r));
    const __m256d d = _mm256_and_pd(_mm256_sub_pd(x, y), mag);
    const __m256d lim = _mm256_mul_pd(tol, _mm256_add_pd(ax, _mm256_and_pd(y, mag)));
    return (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(d, _mm256_max_pd(lim, bar), _CMP_GT_OQ));
}

/* One row in one register per four features: the SSE2 code it replaced in the detector took
 * two halves of every operation (on iris's four features, nnz_rows was ~10 % of the
 * detector's instructions). Rows are settled by their first four features mostly
 * (unrelated inputs move them all). */
bool ig_kern_moved_rows_avx2(const float *q, const float *rows, uint32_t n, uint32_t dim,
                             float qe, uint32_t cap, uint32_t *cnt, int32_t *first)
{
    if (dim < 4)
        return ig_kern_moved_rows_scalar(q, rows, n, dim, qe, cap, cnt, first);
    const double bar_s = ig_kern_moved_bar(qe);
    const __m256d mag = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffll));
    const __m256d tol = _mm256_set1_pd(0x1p-16), bar = _mm256_set1_pd(bar_s);
    const __m256d x0 = _mm256_cvtps_pd(_mm_loadu_ps(q)), ax0 = _mm256_and_pd(x0, mag);
    for (uint32_t i = 0; i < n; i++) {
        const float *r = rows + (size_t)i * dim;
        unsigned m = moved4(x0, ax0, r, tol, bar);
        uint32_t c = ig_kern_pop4(m);
        int32_t f = m ? (int32_t)__builtin_ctz(m) : -1;
        uint32_t k = 4;
        for (; c < cap && k + 4 <= dim; k += 4) {
            const __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(q + k));
            m = moved4(x, _mm256_and_pd(x, mag), r + k, tol, bar);
            if (m && !c)
                f = (int32_t)(k + (uint32_t)__builtin_ctz(m));
            c += ig_kern_pop4(m);
        }
        for (; c < cap && k < dim; k++)
            if (ig_kern_moved1(q[k], r[k], bar_s) && c++ == 0)
                f = (int32_t)k;
        cnt[i] = c < cap ? c : cap;
        first[i] = f;
        if (!c)
            return false;
    }
    return true;
}
