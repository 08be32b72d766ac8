/* JSON Web Tokens: a JWK Set parser (RFC 7517) and JWS compact verification (RFC 7515)
 * for RS256, ES256 (RFC 7518), EdDSA/Ed25519 (RFC 8037) and HS256, through OpenSSL, then
 * the claims (RFC 7519): iss and aud against allow lists, exp and nbf against the capture
 * clock with a leeway. A passive sensor cannot ask the issuer, so the key set comes from a
 * file (a Secret or ConfigMap mount), reread when it changes. */
#ifndef IG_IDENTITY_JWT_H
#define IG_IDENTITY_JWT_H

#include <inferguard/base.h>
#include <inferguard/config.h>
#include <inferguard/base64.h>    /* ig_b64url_decode */

#define IG_JWT_ID_MAX 513            /* "iss|sub", each claim at most 256 bytes */
#define IG_JWKS_MAX_KEYS 64
#define IG_JWKS_MAX_BYTES (1u << 20) /* a JWKS file larger than this is refused */

struct ig_jwt_policy {
    char     issuers[IG_CONFIG_MAX_LIST][128];   /* accepted iss; none = any */
    uint32_t n_issuers;
    char     audiences[IG_CONFIG_MAX_LIST][128]; /* one of aud must be here; none = any */
    uint32_t n_audiences;
    uint64_t leeway_us;                          /* skew allowed on exp and nbf */
};

enum ig_jwt_status {
    IG_JWT_VERIFIED = 0,     /* signature, iss, aud, exp, nbf all good */
    IG_JWT_UNVERIFIABLE,     /* no key set, or none of its keys fits the token (kid, alg) */
    IG_JWT_INVALID,          /* bad signature, alg none/unsupported, iss or aud refused */
    IG_JWT_EXPIRED,          /* signature good but exp passed or nbf not reached */
    IG_JWT_NOT_JWT,          /* not a JWS compact token with a string sub claim */
};
const char *ig_jwt_status_name(enum ig_jwt_status s);

struct ig_jwks;              /* parsed, immutable key set */

/* Parses a JWK Set ({"keys":[...]}) or a single JWK. Keys of unknown kty/crv or with
 * use != "sig" are skipped; a set with no usable key is an error. Returns the set, or NULL
 * with one sentence in err. */
struct ig_jwks *ig_jwks_parse(const uint8_t *p, size_t n, char *err, size_t errlen);
void   ig_jwks_free(struct ig_jwks *ks);
size_t ig_jwks_count(const struct ig_jwks *ks);

/* Checks the compact token <tok>. Whatever the status (but NOT_JWT), writes the token's
 * "iss|sub" (or "sub") into id (cap >= IG_JWT_ID_MAX) and its length into *idn. <ks> may
 * be NULL (then the best is UNVERIFIABLE). <now_us> is the capture time of the request. */
enum ig_jwt_status ig_jwt_check(const struct ig_jwks *ks, const struct ig_jwt_policy *pol,
                                struct ig_span tok, uint64_t now_us,
                                char *id, size_t cap, size_t *idn);

/* Verifies the JWS signature <sig> over <input> with the key set's key <kid> (NULL: any
 * key fitting <alg>) for algorithm <alg> ("RS256", "ES256", "EdDSA", "HS256"). Returns
 * IG_OK when it verifies, IG_EPARSE when no key fits, IG_EIO when it does not verify.
 * Exposed for the RFC test vectors. */
int ig_jws_verify(const struct ig_jwks *ks, const char *alg, const char *kid,
                  struct ig_span input, struct ig_span sig);
/* True for the algorithms ig_jws_verify knows ("RS256", "ES256", "EdDSA", "HS256"). */
bool ig_jws_alg_supported(const char *alg);

/* A JWKS file reread when it changes (mtime, size, inode; checked at most once a second
 * of wall time). A reread that fails keeps the previous set and is counted. */
struct ig_jwks_file;
struct ig_jwks_file *ig_jwks_file_open(const char *path, char *err, size_t errlen);
const struct ig_jwks *ig_jwks_file_get(struct ig_jwks_file *f);
uint64_t ig_jwks_file_reloads(const struct ig_jwks_file *f, uint64_t *errors);
void   ig_jwks_file_free(struct ig_jwks_file *f);

#endif
