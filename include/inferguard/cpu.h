/* inferguard: CPU feature detection for run-time SIMD dispatch. Kernels fill their pointer tables
 * once at start-up from ig_cpu_level(); nothing tests CPU flags per call. */
#ifndef INFERGUARD_CPU_H
#define INFERGUARD_CPU_H

enum ig_cpu_level { IG_CPU_SCALAR = 0, IG_CPU_SSE42 = 1, IG_CPU_AVX2 = 2, IG_CPU_AVX512 = 3 };

/* Highest level this CPU (and OS, for AVX state) supports, capped by the environment
 * variable INFERGUARD_SIMD=scalar|sse42|avx2|avx512 so tests can force the scalar path. */
enum ig_cpu_level ig_cpu_level(void);
const char *ig_cpu_level_name(enum ig_cpu_level l);

#endif
