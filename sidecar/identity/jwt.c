/* JWS compact tokens and their JWT claims (RFC 7515, RFC 7519), checked against a key
 * set of jwks.c (see jwt.h). */
#include "identity/jwt.h"
#include "adapters/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PART_MAX 4096        /* decoded header / payload; bigger tokens are not ours to judge */
#define SIG_MAX 1024         /* RSA up to 8192 bits */
#define CLAIM_MAX 256

const char *ig_jwt_status_name(enum ig_jwt_status s)
{
    switch (s) {
    case IG_JWT_VERIFIED: return "verified";
    case IG_JWT_UNVERIFIABLE: return "unverifiable";
    case IG_JWT_INVALID: return "invalid";
    case IG_JWT_EXPIRED: return "expired";
    case IG_JWT_NOT_JWT: return "not_jwt";
    }
    return "unknown";
}

/* ---- the JOSE header and the claims (flat JSON objects, read with adapters/json) ------ */

/* Parses the decoded header or claims <p, n> into <sc>: a JSON object, else NULL. */
static const struct ig_json *jose_object(const uint8_t *p, size_t n, struct ig_scratch *sc)
{
    struct ig_json_limits lim = { .max_depth = 32, .max_string = PART_MAX, .max_values = PART_MAX,
                                  .max_rows = PART_MAX, .max_features = PART_MAX };
    const struct ig_json *root;
    const char *why;
    if (ig_json_parse(p, n, &lim, sc, &root, &why) != IG_OK || root->type != IG_JSON_OBJECT)
        return NULL;
    return root;
}

/* Member <m>'s key is <lit> (after unescaping). */
static bool key_is(const struct ig_json *m, struct ig_scratch *sc, const char *lit)
{
    struct ig_span k;
    return ig_json_key(m, sc, &k) == IG_OK && k.n == strlen(lit) && memcmp(k.p, lit, k.n) == 0;
}

struct jose_header {
    char alg[16], kid[128];
    bool has_alg, crit, bad;
};

/* Every member in order (a repeated one: the last wins). False when alg or kid is not a
 * string. */
static bool header_read(const struct ig_json *o, struct ig_scratch *sc, struct jose_header *h)
{
    for (const struct ig_json *m = ig_json_first(o); m; m = ig_json_next(m)) {
        bool alg = key_is(m, sc, "alg");
        if (alg || key_is(m, sc, "kid")) {
            char *dst = alg ? h->alg : h->kid;
            size_t cap = alg ? sizeof h->alg : sizeof h->kid;
            long n = ig_json_str_copy(m, dst, cap);
            if (n < 0)
                return false;
            if ((size_t)n >= cap)
                h->bad = true;   /* too long: cannot match anything we hold */
            else if (alg)
                h->has_alg = true;
        } else if (key_is(m, sc, "crit")) {
            h->crit = true;      /* RFC 7515 4.1.11: extensions we do not know must be refused */
        }
    }
    return true;
}

struct claims {
    char sub[CLAIM_MAX + 1], iss[CLAIM_MAX + 1];
    long subn, issn;
    bool has_exp, has_nbf;
    double exp, nbf;
    bool has_aud, aud_ok;
};

static bool aud_allowed(const struct ig_jwt_policy *pol, const struct ig_json *a)
{
    char s[CLAIM_MAX + 1];
    long n = ig_json_str_copy(a, s, sizeof s);
    if (n < 0 || n > CLAIM_MAX)
        return false;    /* not a string, or too long: cannot match */
    for (uint32_t i = 0; i < pol->n_audiences; i++)
        if (strlen(pol->audiences[i]) == (size_t)n && memcmp(pol->audiences[i], s, (size_t)n) == 0)
            return true;
    return false;
}

/* The claims we use, every member in order. False when exp or nbf is not a number
 * (RFC 7519 4.1.4: a NumericDate; anything else is invalid) or aud is neither a string nor
 * an array. sub and iss that are not strings, or longer than CLAIM_MAX, are absent (-1). */
static bool claims_read(const struct ig_json *o, struct ig_scratch *sc,
                        const struct ig_jwt_policy *pol, struct claims *c)
{
    for (const struct ig_json *m = ig_json_first(o); m; m = ig_json_next(m)) {
        bool sub = key_is(m, sc, "sub"), exp = key_is(m, sc, "exp");
        if (sub || key_is(m, sc, "iss")) {
            if (m->type != IG_JSON_STRING)
                continue;
            long n = ig_json_str_copy(m, sub ? c->sub : c->iss, CLAIM_MAX + 1);
            *(sub ? &c->subn : &c->issn) = n > CLAIM_MAX ? -2 : n;
        } else if (exp || key_is(m, sc, "nbf")) {
            if (ig_json_f64(m, exp ? &c->exp : &c->nbf) != IG_OK)
                return false;
            *(exp ? &c->has_exp : &c->has_nbf) = true;
        } else if (key_is(m, sc, "aud")) {
            c->has_aud = true;
            if (m->type == IG_JSON_STRING)
                c->aud_ok |= aud_allowed(pol, m);
            else if (m->type != IG_JSON_ARRAY)
                return false;
            for (const struct ig_json *a = ig_json_first(m); a; a = ig_json_next(a))
                c->aud_ok |= aud_allowed(pol, a);
        }
    }
    return true;
}

/* ---- tokens --------------------------------------------------------------------------- */

static bool in_list(const char (*list)[128], uint32_t n, const char *s, size_t sn)
{
    for (uint32_t i = 0; i < n; i++)
        if (strlen(list[i]) == sn && memcmp(list[i], s, sn) == 0)
            return true;
    return false;
}

static enum ig_jwt_status jwt_check(const struct ig_jwks *ks, const struct ig_jwt_policy *pol,
                                    struct ig_span tok, const uint8_t *d1, const uint8_t *d2,
                                    uint8_t *part, size_t n, struct ig_scratch *sc,
                                    uint64_t now_us, char *id, size_t cap, size_t *idn)
{
    const uint8_t *end = tok.p + tok.n;
    struct claims c = { .subn = -1, .issn = -1 };
    const struct ig_json *obj = jose_object(part, n, sc);
    if (!obj || !claims_read(obj, sc, pol, &c) || c.subn <= 0)
        return IG_JWT_NOT_JWT;
    size_t o = 0;
    if (c.issn > 0) {
        memcpy(id, c.iss, (size_t)c.issn);
        o = (size_t)c.issn;
        id[o++] = '|';
    }
    if (o + (size_t)c.subn >= cap)
        return IG_JWT_NOT_JWT;
    memcpy(id + o, c.sub, (size_t)c.subn);
    o += (size_t)c.subn;
    id[o] = '\0';
    *idn = o;

    long hn = ig_b64url_decode(tok.p, (size_t)(d1 - tok.p), part, PART_MAX);
    struct jose_header h = { .alg = "" };
    ig_scratch_reset(sc);
    if (hn <= 0 || !(obj = jose_object(part, (size_t)hn, sc)) || !header_read(obj, sc, &h))
        return IG_JWT_NOT_JWT;
    if (!ks)
        return IG_JWT_UNVERIFIABLE;
    if (!h.has_alg || h.bad || h.crit || strcmp(h.alg, "none") == 0)
        return IG_JWT_INVALID;
    if (!ig_jws_alg_supported(h.alg))
        return IG_JWT_UNVERIFIABLE;
    uint8_t sig[SIG_MAX];
    long sn = ig_b64url_decode(d2 + 1, (size_t)(end - d2 - 1), sig, sizeof sig);
    if (sn <= 0)
        return IG_JWT_INVALID;
    struct ig_span input = { tok.p, (size_t)(d2 - tok.p) };
    int v = ig_jws_verify(ks, h.alg, h.kid, input, (struct ig_span){ sig, (size_t)sn });
    if (v == IG_EPARSE)
        return IG_JWT_UNVERIFIABLE;
    if (v != IG_OK)
        return IG_JWT_INVALID;

    if (pol->n_issuers && (c.issn <= 0 || !in_list(pol->issuers, pol->n_issuers, c.iss, (size_t)c.issn)))
        return IG_JWT_INVALID;
    if (pol->n_audiences && !(c.has_aud && c.aud_ok))
        return IG_JWT_INVALID;
    double now = (double)now_us / 1e6, leeway = (double)pol->leeway_us / 1e6;
    if (c.has_exp && now > c.exp + leeway)
        return IG_JWT_EXPIRED;
    if (c.has_nbf && now + leeway < c.nbf)
        return IG_JWT_EXPIRED;
    return IG_JWT_VERIFIED;
}

enum ig_jwt_status ig_jwt_check(const struct ig_jwks *ks, const struct ig_jwt_policy *pol,
                                struct ig_span tok, uint64_t now_us,
                                char *id, size_t cap, size_t *idn)
{
    *idn = 0;
    const uint8_t *d1 = memchr(tok.p, '.', tok.n);
    if (!d1 || d1 == tok.p)
        return IG_JWT_NOT_JWT;
    const uint8_t *pl = d1 + 1, *end = tok.p + tok.n;
    const uint8_t *d2 = memchr(pl, '.', (size_t)(end - pl));
    if (!d2 || memchr(d2 + 1, '.', (size_t)(end - d2 - 1)))
        return IG_JWT_NOT_JWT;

    uint8_t part[PART_MAX];
    long n = ig_b64url_decode(pl, (size_t)(d2 - pl), part, sizeof part);
    if (n <= 0)
        return IG_JWT_NOT_JWT;
    struct ig_scratch sc;
    if (ig_scratch_init(&sc, 16u << 10, 64u * PART_MAX + (64u << 10)) < 0)
        return IG_JWT_NOT_JWT;
    enum ig_jwt_status st = jwt_check(ks, pol, tok, d1, d2, part, (size_t)n, &sc, now_us, id, cap, idn);
    ig_scratch_free(&sc);
    return st;
}
