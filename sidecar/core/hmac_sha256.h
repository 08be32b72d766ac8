/* HMAC-SHA256 (RFC 2104, FIPS 180-4) with the key's inner and outer states computed once,
 * so hashing one API key costs two compressions and never allocates. Written here rather
 * than taken from libcrypto because OpenSSL 3's one-shot HMAC() allocates and fetches per
 * call (~3 us); this runs per request on the hot path. */
#ifndef IG_CORE_HMAC_SHA256_H
#define IG_CORE_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct ig_sha256 {
    uint32_t h[8];
    uint64_t len;          /* bytes absorbed */
    uint8_t  buf[64];
    size_t   nbuf;
};

struct ig_hmac_key {
    struct ig_sha256 inner, outer;   /* states after absorbing key^ipad / key^opad */
};

void ig_sha256_init(struct ig_sha256 *s);
void ig_sha256_update(struct ig_sha256 *s, const void *p, size_t n);
void ig_sha256_final(struct ig_sha256 *s, uint8_t out[32]);

void ig_hmac_sha256_key(struct ig_hmac_key *k, const void *key, size_t n);
void ig_hmac_sha256(const struct ig_hmac_key *k, const void *p, size_t n, uint8_t out[32]);

#endif
