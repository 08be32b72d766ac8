/* Shortest round-trip decimal text of a float32, written here without printf (fmt_float.c).
 * The text reads back (strtof) to the same bits; it has the fewest significant digits that do,
 * the closest to the value among those; the layout is %g's (precision max(6, digits)).
 * Not NUL-terminated. Infinities and NaN give "inf"/"nan" (JSON callers write null). */
#ifndef IG_FMT_FLOAT_H
#define IG_FMT_FLOAT_H

#include <inferguard/base.h>

#define IG_FMT_F32_MAX 32          /* text <= 15 ("-1.23456789e-38"); the rest is room for wide stores */

size_t ig_fmt_f32(char out[IG_FMT_F32_MAX], float v);
/* The n values as ig_fmt_f32 writes them, separated by ',', non-finite ones as null (JSON):
 * out holds n * (IG_FMT_F32_MAX + 1) bytes. One call per tensor row, the formatter inlined. */
size_t ig_fmt_f32_list(char *out, const float *v, size_t n);

/* Exposed for the unit test, which checks them against exact arithmetic. */
uint64_t ig_fmt_f32_g(int k);
int ig_flog10pow2(int q);
int ig_flog10tqpow2(int q);
int ig_flog2pow10(int e);

#endif
