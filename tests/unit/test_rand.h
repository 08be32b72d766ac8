/* The unit tests' random numbers: xorshift64 (Marsaglia 2003), uniform in (0, 1) and
 * standard normal (Box-Muller), from the global state rs that a test sets to replay a
 * stream. Define TEST_RAND_SEED before including to start elsewhere than 1. */
#ifndef IG_TEST_RAND_H
#define IG_TEST_RAND_H

#include <math.h>
#include <stdint.h>

#ifndef TEST_RAND_SEED
#define TEST_RAND_SEED 1
#endif

static uint64_t rs = TEST_RAND_SEED;

static inline double urand(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return ((rs >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static inline double nrand(void)
{
    return sqrt(-2.0 * log(urand())) * cos(6.283185307179586 * urand());
}

#endif
