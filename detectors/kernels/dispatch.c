/* Kernel dispatch: one pointer table per path, the machine's chosen once on first use. */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <inferguard/cpu.h>
#include "kern_impl.h"

#define IG_KERN_OPS(isa, even)                                               \
    const struct ig_kern_ops ig_kern_##isa##_ops = {                         \
        .name = #isa,                                                        \
        .l2sq_all = ig_kern_l2sq_all_##isa,                                  \
        .l2sq_min = ig_kern_l2sq_min_##isa,                                  \
        .l2sq_min_blocks = ig_kern_l2sq_min_blocks_##isa,                    \
        .linf_min = ig_kern_linf_min_##isa,                                  \
        .quantise = ig_kern_quantise_##isa,                                  \
        .bin_index = ig_kern_bin_index_##isa,                                \
        .q8_min_blocks = ig_kern_q8_min_blocks_##isa,                        \
        .l2sq_row = ig_kern_l2sq_row_##isa,                                  \
        .cov_near = ig_kern_cov_near_##isa,                                  \
        .cov_pairs = ig_kern_cov_pairs_##isa,                                \
        .dots_split = ig_kern_dots_split_##isa,                              \
        .l2sq_rows = ig_kern_l2sq_rows_##isa,                                \
        .moved_rows = ig_kern_moved_rows_##isa,                              \
        .q8_levels = ig_kern_q8_levels_##isa,                                \
        .q8_lanes = ig_kern_q8_lanes_##isa,                                  \
        .q8_even = even,                                                     \
    };

IG_KERN_OPS(scalar, false)
IG_KERN_OPS(avx2, true)     /* q8 by q8_blocks_avx2.h */
IG_KERN_OPS(avx512, true)   /* the same AVX2 q8 bodies */

/* AVX-512 with VNNI (Ice Lake, Zen 4 and later): the same table but the int8 prefilter. */
const struct ig_kern_ops ig_kern_avx512vnni_ops = {
    .name = "avx512vnni",
    .l2sq_all = ig_kern_l2sq_all_avx512,
    .l2sq_min = ig_kern_l2sq_min_avx512,
    .l2sq_min_blocks = ig_kern_l2sq_min_blocks_avx512,
    .linf_min = ig_kern_linf_min_avx512,
    .quantise = ig_kern_quantise_avx512,
    .bin_index = ig_kern_bin_index_avx512,
    .q8_min_blocks = ig_kern_q8_min_blocks_avx512vnni,
    .l2sq_row = ig_kern_l2sq_row_avx512,
    .cov_near = ig_kern_cov_near_avx512,
    .cov_pairs = ig_kern_cov_pairs_avx512,
    .dots_split = ig_kern_dots_split_avx512,
    .l2sq_rows = ig_kern_l2sq_rows_avx2,
    .moved_rows = ig_kern_moved_rows_avx2,
    .q8_levels = ig_kern_q8_levels_avx2,
    .q8_lanes = ig_kern_q8_lanes_avx512vnni,
    .q8_even = false,   /* vpdpbusd takes any levels */
};

static bool have_vnni(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vnni");
#else
    return false;
#endif
}

static const struct ig_kern_ops *chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

static void choose(void)
{
    chosen = ig_kern_for((int)ig_cpu_level());
    if (!chosen)
        chosen = &ig_kern_scalar_ops;
}

const struct ig_kern_ops *ig_kern(void)
{
    pthread_once(&chosen_once, choose);
    return chosen;
}

const struct ig_kern_ops *ig_kern_for(int level)
{
    enum ig_cpu_level have = ig_cpu_level();
    switch (level) {
    case IG_CPU_SCALAR:
    case IG_CPU_SSE42:   /* no SSE4.2 distance kernels: scalar (auto-vectorised SSE2) */
        return &ig_kern_scalar_ops;
    case IG_CPU_AVX2:
        return have >= IG_CPU_AVX2 ? &ig_kern_avx2_ops : NULL;
    case IG_CPU_AVX512:
        if (have < IG_CPU_AVX512)
            return NULL;
        return have_vnni() ? &ig_kern_avx512vnni_ops : &ig_kern_avx512_ops;
    default:
        return NULL;
    }
}

int ig_kern_all(const struct ig_kern_ops *out[4])
{
    enum ig_cpu_level have = ig_cpu_level();
    int n = 0;
    out[n++] = &ig_kern_scalar_ops;
    if (have >= IG_CPU_AVX2)
        out[n++] = &ig_kern_avx2_ops;
    if (have >= IG_CPU_AVX512) {
        out[n++] = &ig_kern_avx512_ops;
        if (have_vnni())
            out[n++] = &ig_kern_avx512vnni_ops;
    }
    return n;
}

void ig_kern_histogram(const float *x, size_t n, float lo, float hi, uint32_t nbins,
                       uint32_t *idx_scratch, uint64_t *counts)
{
    if (nbins == 0 || !(hi > lo))
        return;
    float inv = (float)nbins / (hi - lo);
    ig_kern()->bin_index(x, n, lo, inv, nbins, idx_scratch);
    for (size_t i = 0; i < n; i++)
        counts[idx_scratch[i]]++;
}

bool ig_kern_finite(const float *x, size_t n)
{
    /* branch-free, so the compiler vectorises it (rows are almost always finite, and
     * isfinite's branch per value cost ~1 ns per feature): an exponent of all ones is an
     * infinity or a NaN */
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, x + i, sizeof(u));
        bad |= (~u & 0x7f800000u) == 0;
    }
    return !bad;
}
