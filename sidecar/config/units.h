/* Private to sidecar/config: strict parsing of the scalar forms that configuration and
 * rules share. Each returns false on anything it does not fully consume. */
#ifndef IG_UNITS_H
#define IG_UNITS_H

#include <inferguard/base.h>

/* Decimal integer, no sign, no spaces, fits in uint64_t. */
bool ig_parse_u64(const char *s, uint64_t *out);
/* Duration: a number with unit us, ms, s, m, h or d ("500ms", "5m", "1.5s"); a bare
 * number is <bare_unit_us> microseconds each. Result in µs. */
bool ig_parse_duration_us(const char *s, uint64_t bare_unit_us, uint64_t *out);
/* Size in bytes: bare bytes, or k/K/Ki/KiB, M/Mi/MiB, G/Gi/GiB (powers of 1024),
 * kB/KB, MB, GB (powers of 1000). */
bool ig_parse_size(const char *s, uint64_t *out);
/* true/false, yes/no, on/off (any case). */
bool ig_parse_bool(const char *s, bool *out);
/* Finite double, whole string. */
bool ig_parse_double(const char *s, double *out);

#endif
