/* IPv4/IPv6 prefixes ("addr[/bits]"), parsed once for the configuration check
 * (identity.trusted_proxies) and for matching at run time. */
#ifndef IG_CORE_CIDR_H
#define IG_CORE_CIDR_H

#include <inferguard/base.h>

struct ig_cidr {
    uint8_t family;          /* 4 or 6 */
    uint8_t bits;            /* prefix length */
    uint8_t addr[16];        /* network order, host bits cleared */
};

/* Parses "addr[/bits]" (IPv4 or IPv6; bits decimal digits, at most 32 / 128). Returns
 * IG_OK or IG_EPARSE. */
int  ig_cidr_parse(const char *s, struct ig_cidr *out);
/* True when <family>/<addr> (network order, 4 or 16 bytes) lies inside <c>; an IPv4 prefix
 * also holds the IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) of its range. */
bool ig_cidr_match(const struct ig_cidr *c, uint8_t family, const uint8_t *addr);

#endif
