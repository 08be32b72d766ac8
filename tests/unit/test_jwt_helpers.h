/* Building JWTs in tests: base64url without padding (RFC 7515 2) and HS256 compact tokens
 * signed with OpenSSL's HMAC (independent of the code under test). */
#ifndef IG_TEST_JWT_HELPERS_H
#define IG_TEST_JWT_HELPERS_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* <in, n> as unpadded base64url into out (NUL-terminated; 4 * n / 3 + 2 bytes). */
static inline void tst_b64url(const void *in, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const uint8_t *p = in;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = acc << 8 | p[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = a[(acc >> bits) & 63];
        }
    }
    if (bits)
        out[o++] = a[(acc << (6 - bits)) & 63];
    out[o] = '\0';
}

static inline void tst_b64url_str(const char *s, char *out) { tst_b64url(s, strlen(s), out); }

/* The compact token <hdr>.<payload>.<HMAC-SHA256 with secret> into out, after <prefix>
 * ("" or "Bearer "). */
static inline void tst_hs256_token(const char *prefix, const char *hdr, const char *payload,
                                   const char *secret, char *out)
{
    char h[512], p[2048];
    tst_b64url_str(hdr, h);
    tst_b64url_str(payload, p);
    size_t skip = strlen(prefix), hl = strlen(h), pl = strlen(p);
    memcpy(out, prefix, skip);             /* prefix h '.' p, without sprintf's size guess */
    memcpy(out + skip, h, hl);
    out[skip + hl] = '.';
    memcpy(out + skip + hl + 1, p, pl);
    size_t n = skip + hl + 1 + pl;
    out[n] = '\0';
    uint8_t mac[32];
    unsigned ml = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const uint8_t *)out + skip, n - skip,
         mac, &ml);
    out[n++] = '.';
    tst_b64url(mac, ml, out + n);
}

#endif
