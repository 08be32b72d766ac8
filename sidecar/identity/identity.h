/* Client identity: who sent a request, as production traffic identifies it. Behind a mesh
 * every request arrives from the local proxy (Istio: 127.0.0.6), so the TCP peer alone says
 * nothing; the resolvers below are tried in a configurable order and the first that yields
 * an identity wins. Headers anyone can write are believed only from identity.trusted_proxies;
 * from any other peer they are recorded as claimed (ig_event.claimed_id), never keyed on.
 *   spiffe          Envoy x-forwarded-client-cert, URI=spiffe://... of the last (nearest)
 *                   element; trusted proxies only (else claimed, and flagged as a spoof)
 *   jwt             Authorization: Bearer <JWT> verified against identity.jwt.jwks_file
 *                   (signature, iss, aud, exp, nbf); any peer: the signature is the proof
 *   api_key         Authorization: Bearer <non-JWT> | Basic | ApiKey | ..., x-api-key, api-key
 *                   and configured header names: id "key:" + 16 hex of HMAC-SHA256(secret,
 *                   key); the raw key is never stored, logged or emitted; any peer
 *   jwt_unverified  a JWT we could not verify (no JWKS, unknown kid), relayed by a trusted
 *                   proxy; id "iss|sub". A JWT that failed verification is never an identity.
 *   forwarded       X-Forwarded-For (first untrusted hop from the right), X-Real-IP,
 *                   X-Envoy-External-Address; trusted proxies only
 *   source_ip       the TCP peer's address (always the last resort)
 * The event also gets its stable source (group_id, see event.h). */
#ifndef IG_IDENTITY_H
#define IG_IDENTITY_H

#include <inferguard/http.h>
#include <inferguard/config.h>
#include "core/cidr.h"
#include "core/hmac_sha256.h"
#include "identity/jwt.h"

#define IG_IDENTITY_MAX_ORDER 8

/* API keys up to this long are remembered with their digest, this many at once. */
#define IG_ID_KEY_CACHE_KEY_MAX 80
#define IG_ID_KEY_CACHE_SLOTS 256

struct ig_identity_cfg {
    enum ig_identity_kind order[IG_IDENTITY_MAX_ORDER];
    uint32_t n_order;
    char     key_headers[IG_CONFIG_MAX_LIST][64];   /* configured API-key header names */
    uint32_t n_key_headers;
    struct ig_hmac_key key;  /* HMAC-SHA256 states derived from the secret */
    bool     secret_random;  /* no secret configured: ids are stable only within one run */
    struct ig_cidr proxies[IG_CONFIG_MAX_LIST];
    uint32_t n_proxies;
    struct ig_jwt_policy jwt;           /* iss/aud allow lists, leeway */
    struct ig_jwks_file *jwks;          /* NULL = no JWKS configured; reread when it changes
                                         * (by the one parsing thread that resolves) */
    /* Recent API keys and their digests (identity.c), written by that same thread through
     * key_cache, which points at key_cache_store (so resolving keeps a const cfg). */
    struct ig_key_cache *key_cache;
    struct ig_key_cache {
        struct { uint8_t n; uint8_t key[IG_ID_KEY_CACHE_KEY_MAX]; uint8_t md[8]; } e[IG_ID_KEY_CACHE_SLOTS];
    } key_cache_store;
};

/* Builds <ic> from identity.* of <c>; the secret comes from identity.hash_secret (whose
 * default is $INFERGUARD_ID_SECRET), else is random for this process (with a warning). Returns IG_OK, or
 * IG_ECONF with one sentence in err (unknown order name, bad CIDR). */
int ig_identity_cfg_init(struct ig_identity_cfg *ic, const struct ig_config *c,
                         char *err, size_t errlen);
void ig_identity_cfg_free(struct ig_identity_cfg *ic);

/* Sets the identity fields of <ev> (id_kind, client_id, id_basis, id_flags, claimed_*,
 * group_*) for transaction <t>. Never fails: falls back to the TCP peer's address. Reads
 * only headers, t->client and t->req_time_us (the capture clock, for exp/nbf). */
void ig_identity_resolve(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                         struct ig_event *ev);

#endif
