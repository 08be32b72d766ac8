/* Scalar reference kernels: the definitions the SIMD paths are tested against. */
#include <math.h>

#include "kern_impl.h"

/* Feature f of the 16 lanes of the block starting at vector i, widened to float. */
static inline void load_row(const struct ig_vset *s, uint32_t i, uint32_t f, float *row)
{
    size_t at = (size_t)i * s->dim + (size_t)f * IG_VSET_BLOCK;
    if (s->elem == IG_VSET_BF16)
        for (int l = 0; l < IG_VSET_BLOCK; l++)
            row[l] = ig_bf16_to_f32(((const uint16_t *)s->data)[at + l]);
    else
        for (int l = 0; l < IG_VSET_BLOCK; l++)
            row[l] = ((const float *)s->data)[at + l];
}

/* Feature f's term into its lane sums: even features into a0, odd ones into a1, each a
 * fused multiply-add (fmaf: one rounding, as the SIMD paths' vfmadd; glibc picks the FMA
 * instruction when the CPU has one and an exact software fma otherwise). Kernels.h's one
 * order for squared L2 on every path. */
static inline void add_feature(const float *row, float xf, uint32_t f, float *a0, float *a1)
{
    float *a = f & 1 ? a1 : a0;
    for (int l = 0; l < IG_VSET_BLOCK; l++) {
        float t = xf - row[l];
        a[l] = fmaf(t, t, a[l]);
    }
}

/* Squared L2 of <x> to the 16 lanes of one block in kernels.h's order. */
static void block_l2sq(const struct ig_vset *s, uint32_t i, const float *x, float *acc)
{
    float row[IG_VSET_BLOCK], a0[IG_VSET_BLOCK] = { 0 }, a1[IG_VSET_BLOCK] = { 0 };
    for (uint32_t f = 0; f < s->dim; f++) {
        load_row(s, i, f, row);
        add_feature(row, x[f], f, a0, a1);
    }
    for (int l = 0; l < IG_VSET_BLOCK; l++)
        acc[l] = a0[l] + a1[l];
}

static void block_linf(const struct ig_vset *s, uint32_t i, const float *x, float *acc)
{
    float row[IG_VSET_BLOCK];
    for (int l = 0; l < IG_VSET_BLOCK; l++)
        acc[l] = 0.0f;
    for (uint32_t f = 0; f < s->dim; f++) {
        load_row(s, i, f, row);
        for (int l = 0; l < IG_VSET_BLOCK; l++) {
            float t = fabsf(x[f] - row[l]);
            /* NaN must stick, as in the SIMD paths: max that propagates NaN */
            if (t > acc[l] || t != t)
                acc[l] = t;
        }
    }
}

float ig_kern_l2sq_row_scalar(const float *x, const float *y, uint32_t dim)
{
    return ig_kern_l2sq_lane(x, y, dim);
}

void ig_kern_l2sq_all_scalar(const struct ig_vset *s, const float *x, float *out)
{
    float acc[IG_VSET_BLOCK];
    for (uint32_t i = 0; i < s->count; i += IG_VSET_BLOCK) {
        block_l2sq(s, i, x, acc);
        for (uint32_t l = 0; l < IG_VSET_BLOCK && i + l < s->count; l++)
            out[i + l] = acc[l];
    }
}

static float min_generic(const struct ig_vset *s, const float *x, int32_t *argmin, bool linf)
{
    float acc[IG_VSET_BLOCK], best[IG_VSET_BLOCK];
    int32_t bidx[IG_VSET_BLOCK];
    for (int l = 0; l < IG_VSET_BLOCK; l++) {
        best[l] = __builtin_inff();
        bidx[l] = -1;
    }
    for (uint32_t i = 0; i < s->count; i += IG_VSET_BLOCK) {
        if (linf)
            block_linf(s, i, x, acc);
        else
            block_l2sq(s, i, x, acc);
        for (uint32_t l = 0; l < IG_VSET_BLOCK && i + l < s->count; l++) {
            /* strict < keeps the earliest block per lane and lets NaN never win */
            if (acc[l] < best[l] || (bidx[l] < 0 && acc[l] == best[l])) {
                best[l] = acc[l];
                bidx[l] = (int32_t)(i + l);
            }
        }
    }
    return ig_kern_reduce16(best, bidx, argmin);
}

float ig_kern_l2sq_min_scalar(const struct ig_vset *s, const float *x, int32_t *argmin)
{
    return min_generic(s, x, argmin, false);
}

float ig_kern_linf_min_scalar(const struct ig_vset *s, const float *x, int32_t *argmin)
{
    return min_generic(s, x, argmin, true);
}

/* Features between two abandon checks: a check costs about one feature's work. */
#define IG_KERN_CHECK 16

float ig_kern_l2sq_min_blocks_scalar(const struct ig_vset *s, const float *x,
                                     const uint32_t *blocks, uint32_t nb, float best,
                                     int32_t *argmin)
{
    float acc[IG_VSET_BLOCK], row[IG_VSET_BLOCK], a0[IG_VSET_BLOCK], a1[IG_VSET_BLOCK];
    for (uint32_t k = 0; k < nb; k++) {
        uint32_t i = blocks[k] * IG_VSET_BLOCK;
        if (i >= s->count)
            continue;
        for (int l = 0; l < IG_VSET_BLOCK; l++)
            a0[l] = a1[l] = 0.0f;
        bool dead = false;
        for (uint32_t f = 0; f < s->dim && !dead; f++) {
            load_row(s, i, f, row);
            add_feature(row, x[f], f, a0, a1);
            if ((f + 1) % IG_KERN_CHECK == 0 && f + 1 < s->dim) {
                /* fl(a0 + a1) only grows with a0 and a1: a lower bound of the final sum */
                dead = true;
                for (int l = 0; l < IG_VSET_BLOCK; l++)
                    dead = dead && a0[l] + a1[l] > best;
            }
        }
        if (dead)
            continue;
        for (int l = 0; l < IG_VSET_BLOCK; l++)
            acc[l] = a0[l] + a1[l];
        best = ig_kern_fold16(acc, i, s->count, best, argmin);
    }
    return best;
}

void ig_kern_quantise_scalar(const float *x, const float *salt, size_t n, float step,
                             int16_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = ig_kern_quant1(x[i], salt[i], step);
}

void ig_kern_bin_index_scalar(const float *x, size_t n, float lo, float inv_width,
                              uint32_t nbins, uint32_t *idx)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = ig_kern_bin1(x[i], lo, inv_width, nbins);
}

void ig_kern_q8_min_blocks_scalar(const int8_t *codes, uint32_t groups, const int32_t *norm,
                                  const uint8_t *qx, int32_t c, const uint32_t *blocks,
                                  uint32_t nb, int32_t *out)
{
    for (uint32_t k = 0; k < nb; k++) {
        uint32_t b = blocks[k];
        int32_t m = INT32_MAX;
        for (uint32_t l = 0; l < IG_VSET_BLOCK; l++) {
            int32_t dot = 0;
            for (uint32_t g = 0; g < groups; g++)
                for (uint32_t j = 0; j < 4; j++)
                    dot += (int32_t)qx[g * 4 + j] * codes[IG_Q8_AT(b, groups, g, l, j)];
            int32_t d = c + norm[(size_t)b * IG_VSET_BLOCK + l] - 2 * dot;
            if (d < m)
                m = d;
        }
        out[k] = m;
    }
}

int32_t ig_kern_q8_levels_scalar(const float *x, const double *off, uint32_t dim, double inv,
                                 double step, uint8_t *lv, int32_t *sum, double *err2)
{
    double e[4] = { 0 };
    int32_t norm = 0, sx = 0;
    for (uint32_t f = 0; f < dim; f++) {
        double r;
        int l = ig_kern_q8_level1(x[f], off[f], inv, step, &r);
        e[f % 4] += r * r;
        norm += l * l;
        sx += l;
        lv[f] = (uint8_t)l;
    }
    *sum = sx;
    *err2 = (e[0] + e[1]) + (e[2] + e[3]);
    return norm;
}
