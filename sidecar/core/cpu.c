/* CPU feature detection for run-time SIMD dispatch. The level is computed once; the
 * INFERGUARD_SIMD environment variable can only lower it (tests force each path). */
#include <inferguard/cpu.h>

#include <stdlib.h>
#include <string.h>

static enum ig_cpu_level detect(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    /* __builtin_cpu_supports checks OS support of the AVX register state too (XGETBV). */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return IG_CPU_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("bmi2"))
        return IG_CPU_AVX2;
    if (__builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt"))
        return IG_CPU_SSE42;
#endif
    return IG_CPU_SCALAR;
}

static const char *const names[] = { "scalar", "sse42", "avx2", "avx512" };

const char *ig_cpu_level_name(enum ig_cpu_level l)
{
    return (unsigned)l < 4 ? names[l] : "unknown";
}

enum ig_cpu_level ig_cpu_level(void)
{
    static int cached = -1;
    if (cached >= 0)
        return (enum ig_cpu_level)cached;
    enum ig_cpu_level l = detect();
    const char *want = getenv("INFERGUARD_SIMD");
    if (want && *want) {
        for (int i = 0; i < 4; i++)
            if (strcmp(want, names[i]) == 0 && (enum ig_cpu_level)i < l)
                l = (enum ig_cpu_level)i;
    }
    cached = (int)l;
    return l;
}
