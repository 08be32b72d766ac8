/* Strict scalar parsing shared by the configuration and rules loaders (units.h). */
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool ig_parse_u64(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool ig_parse_double(const char *s, double *out)
{
    if (!s || !*s || strchr(" \t\n", *s))
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Splits "<number><suffix>" with a non-negative finite number; suffix may be empty. */
static bool split_number(const char *s, double *num, const char **suffix)
{
    if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0)
        return false;
    /* strtod would also take "1e3" or hex: keep it to plain decimals. */
    for (const char *q = s; q < end; q++)
        if (!((*q >= '0' && *q <= '9') || *q == '.'))
            return false;
    *num = v;
    *suffix = end;
    return true;
}

static bool scale(double v, double unit, uint64_t *out)
{
    double r = v * unit;
    if (r >= 18446744073709551615.0)
        return false;
    *out = (uint64_t)(r + 0.5);
    return true;
}

bool ig_parse_duration_us(const char *s, uint64_t bare_unit_us, uint64_t *out)
{
    static const struct { const char *sfx; double us; } units[] = {
        { "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { "m", 60e6 }, { "h", 3600e6 }, { "d", 86400e6 },
    };
    double v;
    const char *sfx;
    if (!split_number(s, &v, &sfx))
        return false;
    if (!*sfx)
        return scale(v, (double)bare_unit_us, out);
    for (size_t i = 0; i < IG_ARRAY_LEN(units); i++)
        if (strcmp(sfx, units[i].sfx) == 0)
            return scale(v, units[i].us, out);
    return false;
}

bool ig_parse_size(const char *s, uint64_t *out)
{
    static const struct { const char *sfx; double mul; } units[] = {
        { "", 1 }, { "B", 1 },
        { "k", 1024.0 }, { "K", 1024.0 }, { "Ki", 1024.0 }, { "KiB", 1024.0 },
        { "M", 1048576.0 }, { "Mi", 1048576.0 }, { "MiB", 1048576.0 },
        { "G", 1073741824.0 }, { "Gi", 1073741824.0 }, { "GiB", 1073741824.0 },
        { "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 },
    };
    double v;
    const char *sfx;
    if (!split_number(s, &v, &sfx))
        return false;
    for (size_t i = 0; i < IG_ARRAY_LEN(units); i++)
        if (strcmp(sfx, units[i].sfx) == 0)
            return scale(v, units[i].mul, out);
    return false;
}

bool ig_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) { *out = true; return true; }
        if (strcasecmp(s, no[i]) == 0) { *out = false; return true; }
    }
    return false;
}
