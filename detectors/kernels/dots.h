/* Dot products of a few query vectors with every vector of a stored float32 set (the
 * blocked layout of kernels.h), for searches that expand |x - y|^2 as
 * |x|^2 + |y|^2 - 2 x.y: one multiply-add per feature and query instead of a subtraction
 * and a multiply-add, and one load of each stored row for all the queries at once; and
 * the candidate filter that extraction.coverage's interpolation test runs on them.
 *
 * Numbers: float32 sums per lane; the SIMD paths fuse the multiply-adds and split a
 * block's sum over two partial sums for one query. On every path
 *     |computed - exact| <= (dim + 1) * 2^-24 * sum_f |x_f y_f|   (dim <= 4096)
 * so callers that need exact decisions pick candidates with margins wider than that and
 * decide them with their own arithmetic (det_extraction_coverage.c does).
 * A scalar reference and AVX2 / AVX-512 versions; ig_dots() is chosen once from
 * ig_cpu_level() (INFERGUARD_SIMD caps it), never re-checked per call. */
#ifndef IG_DOTS_H
#define IG_DOTS_H

#include "kernels.h"

#define IG_DOTS_MAXQ 4

/* One sample z, one of its nearest earlier rows a (extraction.coverage, judge_fast). */
struct ig_seg_query {
    float zz, aa, uu;         /* |z|^2, |a|^2, |z - a|^2 */
    float step_lo, tol2_hi;   /* the smallest step, the residual bound (with their slack) */
};

struct ig_dots_ops {
    const char *name;
    /* out[q * s->count + i] = xs[q] . (vector i of s), for q < nq (1..IG_DOTS_MAXQ) and
     * i < s->count. Float32 sets only. */
    void (*dots)(const struct ig_vset *s, const float *const *xs, uint32_t nq, float *out);
    /* For i < n: with V = aa + nb[i] - 2 ab[i] (|b - a|^2) and D = dz[i] (|z - b|^2),
     * ab[i] becomes 1 when b may complete a segment a-b through z within the margins of
     * det_extraction_coverage.c (judge_fast), else 0. Returns whether any is 1. The same
     * C on every path (dots_body.h), compiled for each instruction set. */
    int  (*seg_filter)(const float *nb, const float *dz, float *ab, uint32_t n,
                       const struct ig_seg_query *q);
};

const struct ig_dots_ops *ig_dots(void);
/* The path of one ig_cpu_level (tests, benches); NULL when this CPU lacks it. */
const struct ig_dots_ops *ig_dots_for(int level);

#endif
