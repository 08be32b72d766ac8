/* inferguard bench: a small deterministic PRNG (splitmix64) so that every generated
 * capture is the same for the same seed on every machine. Header-only, no state besides
 * the caller's uint64_t. */
#ifndef IG_RNG_H
#define IG_RNG_H

#include <stdint.h>
#include <math.h>

static inline uint64_t ig_rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* xorshift64 (Marsaglia 2003): a uniform float in [0, 1) from the top 24 bits. The kernel
 * and PRADA benches and their unit tests draw their vectors from it, each from its own
 * state (never 0); their inputs, and so the figures, depend on this exact stream. */
static inline float ig_rng_xs_float(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (float)((*s >> 40) * (1.0 / 16777216.0));
}

/* Uniform in [0, n); n > 0. The modulo bias is irrelevant for traffic shapes. */
static inline uint32_t ig_rng_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)((ig_rng_next(s) >> 32) % n);
}

/* Uniform double in [0, 1). */
static inline double ig_rng_unit(uint64_t *s)
{
    return (double)(ig_rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* Standard normal (Box-Muller; one of the pair is discarded to keep no state). */
static inline double ig_rng_normal(uint64_t *s)
{
    double u1 = ig_rng_unit(s), u2 = ig_rng_unit(s);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Approximately standard normal, ~20x cheaper than Box-Muller: the Irwin-Hall sum of
 * four 16-bit uniforms from one draw, centred and scaled (tails end at 3.46 sigma), which
 * is plenty for shaping traffic and keeps gigabyte captures fast to write. */
static inline float ig_rng_normal_fast(uint64_t *s)
{
    uint64_t r = ig_rng_next(s);
    uint32_t sum = (uint32_t)(r & 0xffff) + (uint32_t)((r >> 16) & 0xffff) +
                   (uint32_t)((r >> 32) & 0xffff) + (uint32_t)(r >> 48);
    return ((float)sum * (1.0f / 65536.0f) - 2.0f) * 1.7320508f;
}

/* Exponential with mean <mean> (inter-arrival times). */
static inline double ig_rng_exp(uint64_t *s, double mean)
{
    double u = ig_rng_unit(s);
    return -mean * log(1.0 - u);
}

#endif
