/* JWK Sets (RFC 7517) parsed into OpenSSL keys, JWS signature verification (RFC 7515,
 * RFC 7518, RFC 8037) and the JWKS file reread when it changes (see jwt.h). */
#include "identity/jwt.h"
#include "adapters/json.h"

#include <inferguard/log.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KEY_PARAM_MAX 1024   /* decoded n / x / y / k */

enum key_type { KT_RSA = 1, KT_EC256, KT_ED25519, KT_OCT };

struct jwk {
    enum key_type type;
    char kid[128];
    char alg[16];            /* "" = any fitting alg */
    EVP_PKEY *pkey;          /* RSA, EC, Ed25519 */
    uint8_t *secret;         /* oct */
    size_t secret_n;
};

struct ig_jwks {
    size_t n;
    struct jwk k[IG_JWKS_MAX_KEYS];
};

/* ---- keys ----------------------------------------------------------------------------- */

static void jwk_clear(struct jwk *k)
{
    EVP_PKEY_free(k->pkey);
    if (k->secret) {
        OPENSSL_cleanse(k->secret, k->secret_n);
        free(k->secret);
    }
    memset(k, 0, sizeof *k);
}

void ig_jwks_free(struct ig_jwks *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; i < ks->n; i++)
        jwk_clear(&ks->k[i]);
    free(ks);
}

size_t ig_jwks_count(const struct ig_jwks *ks)
{
    return ks ? ks->n : 0;
}

/* A base64url member of a JWK, decoded. Returns its length or -1. */
static long jwk_bytes(const struct ig_json *obj, const char *name, uint8_t *out, size_t cap)
{
    char buf[KEY_PARAM_MAX * 2];
    long n = ig_json_str_copy(ig_json_get(obj, name), buf, sizeof buf);
    if (n <= 0 || (size_t)n >= sizeof buf)
        return -1;
    return ig_b64url_decode((const uint8_t *)buf, (size_t)n, out, cap);
}

static EVP_PKEY *pkey_fromdata(const char *type, OSSL_PARAM *params)
{
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

static EVP_PKEY *rsa_key(const uint8_t *n, size_t nn, const uint8_t *e, size_t en)
{
    EVP_PKEY *pk = NULL;
    BIGNUM *bn = BN_bin2bn(n, (int)nn, NULL), *be = BN_bin2bn(e, (int)en, NULL);
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    if (bn && be && b && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be) &&
        (params = OSSL_PARAM_BLD_to_param(b)))
        pk = pkey_fromdata("RSA", params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    BN_free(bn);
    BN_free(be);
    return pk;
}

static EVP_PKEY *ec256_key(const uint8_t *x, const uint8_t *y)
{
    uint8_t pub[65];
    pub[0] = 4;   /* uncompressed point (SEC 1 2.3.3) */
    memcpy(pub + 1, x, 32);
    memcpy(pub + 33, y, 32);
    char group[] = "prime256v1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub),
        OSSL_PARAM_END,
    };
    return pkey_fromdata("EC", params);
}

/* One JWK object into <k>. Returns 1 usable, 0 skipped (unknown type, not for signing),
 * -1 malformed (err set). */
static int jwk_load(const struct ig_json *o, struct jwk *k, char *err, size_t errlen)
{
    char kty[16] = "", crv[16] = "", use[16] = "";
    uint8_t a[KEY_PARAM_MAX], b[KEY_PARAM_MAX];
    memset(k, 0, sizeof *k);
    if (o->type != IG_JSON_OBJECT) {
        snprintf(err, errlen, "a key is not a JSON object");
        return -1;
    }
    long tn = ig_json_str_copy(ig_json_get(o, "kty"), kty, sizeof kty);
    if (tn <= 0 || (size_t)tn >= sizeof kty) {
        snprintf(err, errlen, "a key has no kty");
        return -1;
    }
    if (ig_json_get(o, "use") && ig_json_str_copy(ig_json_get(o, "use"), use, sizeof use) >= 0 &&
        strcmp(use, "sig") != 0)
        return 0;   /* an encryption key: not ours */
    long kn = ig_json_str_copy(ig_json_get(o, "kid"), k->kid, sizeof k->kid);
    if (kn >= (long)sizeof k->kid)
        k->kid[0] = '\0';
    long an = ig_json_str_copy(ig_json_get(o, "alg"), k->alg, sizeof k->alg);
    if (an >= (long)sizeof k->alg)
        return 0;
    ig_json_str_copy(ig_json_get(o, "crv"), crv, sizeof crv);

    if (strcmp(kty, "RSA") == 0) {
        long nn = jwk_bytes(o, "n", a, sizeof a), en = jwk_bytes(o, "e", b, sizeof b);
        if (nn <= 0 || en <= 0 || en > 8) {
            snprintf(err, errlen, "RSA key '%s': n or e missing or malformed", k->kid);
            return -1;
        }
        if (nn < 256) {
            snprintf(err, errlen, "RSA key '%s': modulus shorter than 2048 bits", k->kid);
            return -1;
        }
        k->type = KT_RSA;
        k->pkey = rsa_key(a, (size_t)nn, b, (size_t)en);
    } else if (strcmp(kty, "EC") == 0) {
        if (strcmp(crv, "P-256") != 0)
            return 0;
        if (jwk_bytes(o, "x", a, sizeof a) != 32 || jwk_bytes(o, "y", b, sizeof b) != 32) {
            snprintf(err, errlen, "EC key '%s': x or y is not 32 bytes", k->kid);
            return -1;
        }
        k->type = KT_EC256;
        k->pkey = ec256_key(a, b);
    } else if (strcmp(kty, "OKP") == 0) {
        if (strcmp(crv, "Ed25519") != 0)
            return 0;
        if (jwk_bytes(o, "x", a, sizeof a) != 32) {
            snprintf(err, errlen, "OKP key '%s': x is not 32 bytes", k->kid);
            return -1;
        }
        k->type = KT_ED25519;
        k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, a, 32);
    } else if (strcmp(kty, "oct") == 0) {
        long sn = jwk_bytes(o, "k", a, sizeof a);
        if (sn < 16) {
            snprintf(err, errlen, "oct key '%s': k missing or shorter than 16 bytes", k->kid);
            return -1;
        }
        k->type = KT_OCT;
        k->secret = malloc((size_t)sn);
        if (!k->secret) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        memcpy(k->secret, a, (size_t)sn);
        k->secret_n = (size_t)sn;
        OPENSSL_cleanse(a, sizeof a);
        return 1;
    } else {
        return 0;
    }
    if (!k->pkey) {
        snprintf(err, errlen, "%s key '%s': OpenSSL refused its parameters (not a valid key)",
                 kty, k->kid);
        return -1;
    }
    return 1;
}

struct ig_jwks *ig_jwks_parse(const uint8_t *p, size_t n, char *err, size_t errlen)
{
    struct ig_scratch sc;
    struct ig_jwks *ks = NULL;
    if (n > IG_JWKS_MAX_BYTES) {
        snprintf(err, errlen, "JWKS larger than %u bytes", IG_JWKS_MAX_BYTES);
        return NULL;
    }
    if (ig_scratch_init(&sc, 64u << 10, 64 * n + (64u << 10)) < 0) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    struct ig_json_limits lim = { .max_depth = 8, .max_string = 2 * KEY_PARAM_MAX + 64,
                                  .max_values = 4096, .max_rows = 4096, .max_features = 4096 };
    const struct ig_json *root;
    const char *why = NULL;
    if (ig_json_parse(p, n, &lim, &sc, &root, &why) != IG_OK) {
        snprintf(err, errlen, "not valid JSON (%s)", why ? why : "malformed");
        goto out;
    }
    if (!root || root->type != IG_JSON_OBJECT) {
        snprintf(err, errlen, "not a JSON object");
        goto out;
    }
    ks = calloc(1, sizeof *ks);
    if (!ks) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    const struct ig_json *keys = ig_json_get(root, "keys");
    const struct ig_json *one = keys ? NULL : root;   /* a bare JWK is a set of one */
    if (keys && keys->type != IG_JSON_ARRAY) {
        snprintf(err, errlen, "\"keys\" is not an array");
        goto fail;
    }
    for (const struct ig_json *o = one ? one : ig_json_first(keys); o; o = one ? NULL : ig_json_next(o)) {
        if (ks->n == IG_JWKS_MAX_KEYS) {
            snprintf(err, errlen, "more than %d keys", IG_JWKS_MAX_KEYS);
            goto fail;
        }
        int r = jwk_load(o, &ks->k[ks->n], err, errlen);
        if (r < 0)
            goto fail;
        if (r > 0)
            ks->n++;
    }
    if (ks->n == 0) {
        snprintf(err, errlen, "no usable signing key (RSA, EC P-256, OKP Ed25519, oct)");
        goto fail;
    }
    goto out;
fail:
    ig_jwks_free(ks);
    ks = NULL;
out:
    ig_scratch_free(&sc);
    return ks;
}

/* ---- signatures ----------------------------------------------------------------------- */

static enum key_type alg_type(const char *alg)
{
    if (strcmp(alg, "RS256") == 0) return KT_RSA;
    if (strcmp(alg, "ES256") == 0) return KT_EC256;
    if (strcmp(alg, "EdDSA") == 0) return KT_ED25519;
    if (strcmp(alg, "HS256") == 0) return KT_OCT;
    return 0;
}

static bool digest_verify(EVP_PKEY *pk, const EVP_MD *md, struct ig_span in,
                          const uint8_t *sig, size_t sn)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) == 1 &&
              EVP_DigestVerify(ctx, sig, sn, in.p, in.n) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static bool key_verifies(const struct jwk *k, struct ig_span in, struct ig_span sig)
{
    switch (k->type) {
    case KT_OCT: {
        uint8_t mac[EVP_MAX_MD_SIZE];
        unsigned ml = 0;
        if (!HMAC(EVP_sha256(), k->secret, (int)k->secret_n, in.p, in.n, mac, &ml))
            return false;
        return sig.n == ml && CRYPTO_memcmp(mac, sig.p, ml) == 0;
    }
    case KT_RSA:
        return digest_verify(k->pkey, EVP_sha256(), in, sig.p, sig.n);
    case KT_ED25519:
        return sig.n == 64 && digest_verify(k->pkey, NULL, in, sig.p, sig.n);
    case KT_EC256: {
        /* JWS carries R || S (RFC 7518 3.4); OpenSSL wants DER. */
        if (sig.n != 64)
            return false;
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(sig.p, 32, NULL), *s = BN_bin2bn(sig.p + 32, 32, NULL);
        if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
            BN_free(r);
            BN_free(s);
            ECDSA_SIG_free(es);
            return false;
        }
        uint8_t *der = NULL;
        int dl = i2d_ECDSA_SIG(es, &der);
        bool ok = dl > 0 && digest_verify(k->pkey, EVP_sha256(), in, der, (size_t)dl);
        OPENSSL_free(der);
        ECDSA_SIG_free(es);
        return ok;
    }
    }
    return false;
}

int ig_jws_verify(const struct ig_jwks *ks, const char *alg, const char *kid,
                  struct ig_span input, struct ig_span sig)
{
    enum key_type t = alg_type(alg);
    bool fit = false;
    if (!ks || !t)
        return IG_EPARSE;
    for (size_t i = 0; i < ks->n; i++) {
        const struct jwk *k = &ks->k[i];
        if (k->type != t || (k->alg[0] && strcmp(k->alg, alg) != 0))
            continue;
        if (kid && kid[0] && strcmp(k->kid, kid) != 0)
            continue;
        fit = true;
        if (key_verifies(k, input, sig))
            return IG_OK;
    }
    return fit ? IG_EIO : IG_EPARSE;
}

bool ig_jws_alg_supported(const char *alg)
{
    return alg_type(alg) != 0;
}

/* ---- the file ------------------------------------------------------------------------- */

struct ig_jwks_file {
    char path[256];
    struct ig_jwks *ks;
    struct timespec mtime;
    off_t size;
    ino_t ino;
    uint64_t next_check_ns, reloads, errors;
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct ig_jwks *load_file(const char *path, struct stat *st, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct ig_jwks *ks = NULL;
    uint8_t *buf = NULL;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "not a regular file");
        goto out;
    }
    if (st->st_size > (off_t)IG_JWKS_MAX_BYTES) {
        snprintf(err, errlen, "larger than %u bytes", IG_JWKS_MAX_BYTES);
        goto out;
    }
    buf = malloc((size_t)st->st_size + 1);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    size_t got = 0;
    while (got < (size_t)st->st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st->st_size - got);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            snprintf(err, errlen, "read failed");
            goto out;
        }
        got += (size_t)r;
    }
    ks = ig_jwks_parse(buf, got, err, errlen);
out:
    free(buf);
    close(fd);
    return ks;
}

struct ig_jwks_file *ig_jwks_file_open(const char *path, char *err, size_t errlen)
{
    struct ig_jwks_file *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    struct stat st;
    char why[256] = "";
    f->ks = load_file(path, &st, why, sizeof why);
    if (!f->ks) {
        snprintf(err, errlen, "identity.jwt.jwks_file %s: %s", path, why);
        free(f);
        return NULL;
    }
    f->mtime = st.st_mtim;
    f->size = st.st_size;
    f->ino = st.st_ino;
    f->next_check_ns = mono_ns() + 1000000000ull;
    return f;
}

const struct ig_jwks *ig_jwks_file_get(struct ig_jwks_file *f)
{
    if (!f)
        return NULL;
    uint64_t now = mono_ns();
    if (now < f->next_check_ns)
        return f->ks;
    f->next_check_ns = now + 1000000000ull;
    /* A Kubernetes volume update swaps a symlink: stat follows it to the new file. */
    struct stat st;
    if (stat(f->path, &st) != 0 ||
        (st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec &&
         st.st_size == f->size && st.st_ino == f->ino))
        return f->ks;
    char why[256] = "";
    struct ig_jwks *ks = load_file(f->path, &st, why, sizeof why);
    f->mtime = st.st_mtim;
    f->size = st.st_size;
    f->ino = st.st_ino;
    if (!ks) {
        f->errors++;
        IG_LOG_WARN("identity", "identity.jwt.jwks_file %s: reread failed (%s); keeping the "
                    "previous keys", f->path, why);
        return f->ks;
    }
    ig_jwks_free(f->ks);
    f->ks = ks;
    f->reloads++;
    IG_LOG_INFO("identity", "identity.jwt.jwks_file %s: reread, %zu keys", f->path, ks->n);
    return f->ks;
}

uint64_t ig_jwks_file_reloads(const struct ig_jwks_file *f, uint64_t *errors)
{
    if (errors)
        *errors = f ? f->errors : 0;
    return f ? f->reloads : 0;
}

void ig_jwks_file_free(struct ig_jwks_file *f)
{
    if (!f)
        return;
    ig_jwks_free(f->ks);
    free(f);
}
