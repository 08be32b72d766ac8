/* IPv4/IPv6 prefixes (see cidr.h). */
#include "core/cidr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ig_cidr_parse(const char *s, struct ig_cidr *out)
{
    char buf[64];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof(buf))
        return IG_EPARSE;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    unsigned long long bits = 0;
    if (slash) {
        char *end;
        *slash = '\0';
        if (slash[1] < '0' || slash[1] > '9')
            return IG_EPARSE;
        errno = 0;
        bits = strtoull(slash + 1, &end, 10);
        if (errno || *end)
            return IG_EPARSE;
    }
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, buf, out->addr) == 1)
        out->family = 4;
    else if (inet_pton(AF_INET6, buf, out->addr) == 1)
        out->family = 6;
    else
        return IG_EPARSE;
    unsigned max = out->family == 4 ? 32 : 128;
    if (!slash)
        bits = max;
    if (bits > max)
        return IG_EPARSE;
    out->bits = (uint8_t)bits;
    /* Clear host bits so that matching is a plain masked compare. */
    size_t len = out->family == 4 ? 4 : 16;
    for (size_t i = 0; i < len; i++) {
        int keep = (int)bits - (int)(i * 8);
        if (keep <= 0)
            out->addr[i] = 0;
        else if (keep < 8)
            out->addr[i] &= (uint8_t)(0xff << (8 - keep));
    }
    return IG_OK;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, b, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

bool ig_cidr_match(const struct ig_cidr *c, uint8_t family, const uint8_t *addr)
{
    static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (family == 6 && c->family == 4 && memcmp(addr, v4mapped, 12) == 0)
        return prefix_match(c->addr, addr + 12, c->bits);   /* ::ffff:a.b.c.d */
    if (family != c->family)
        return false;
    return prefix_match(c->addr, addr, c->bits);
}
