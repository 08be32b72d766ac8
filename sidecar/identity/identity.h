/* Client identity: who sent a request, as production traffic identifies it. Behind a mesh
 * every request arrives from the local proxy (Istio: 127.0.0.6), so the TCP peer alone says
 * nothing; the resolvers below are tried in a configurable order and the first that yields
 * an identity wins:
 *   spiffe     Envoy x-forwarded-client-cert, URI=spiffe://... of the last (nearest) element
 *   jwt        Authorization: Bearer <JWT>: payload base64url-decoded, NOT verified;
 *              id "iss|sub" (or "sub" without iss)
 *   api_key    Authorization: Bearer <non-JWT> | Basic | ApiKey | ..., x-api-key, api-key and
 *              configured header names: id "key:" + 16 hex of HMAC-SHA256(secret, key);
 *              the raw key is never stored, logged or emitted
 *   forwarded  X-Forwarded-For (first untrusted hop from the right), X-Real-IP,
 *              X-Envoy-External-Address; only when the TCP peer is a trusted proxy
 *   source_ip  the TCP peer's address (always the last resort)
 * Config-built, read-only state: build once, share between workers. */
#ifndef IG_IDENTITY_H
#define IG_IDENTITY_H

#include <inferguard/http.h>
#include <inferguard/config.h>
#include "core/hmac_sha256.h"

#define IG_IDENTITY_MAX_ORDER 8

struct ig_cidr {
    uint8_t family;          /* 4 or 6 */
    uint8_t bits;            /* prefix length */
    uint8_t addr[16];        /* network order, host bits cleared */
};

struct ig_identity_cfg {
    enum ig_identity_kind order[IG_IDENTITY_MAX_ORDER];
    uint32_t n_order;
    char     key_headers[IG_CONFIG_MAX_LIST][64];   /* configured API-key header names */
    uint32_t n_key_headers;
    struct ig_hmac_key key;  /* HMAC-SHA256 states derived from the secret */
    bool     secret_random;  /* no secret configured: ids are stable only within one run */
    struct ig_cidr proxies[IG_CONFIG_MAX_LIST];
    uint32_t n_proxies;
};

/* Builds <ic> from identity.* of <c>; the secret comes from identity.hash_secret, else from
 * $INFERGUARD_ID_SECRET, else is random for this process (with a warning). Returns IG_OK, or
 * IG_ECONF with one sentence in err (unknown order name, bad CIDR). */
int ig_identity_cfg_init(struct ig_identity_cfg *ic, const struct ig_config *c,
                         char *err, size_t errlen);

/* Sets ev->id_kind and ev->client_id for transaction <t>. Never fails: falls back to the
 * TCP peer's address. Reads only headers and t->client; allocates nothing. */
void ig_identity_resolve(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                         struct ig_event *ev);

/* Parses "addr[/bits]" (IPv4 or IPv6). Returns IG_OK or IG_EPARSE. */
int  ig_identity_cidr_parse(const char *s, struct ig_cidr *out);
/* True when <family>/<addr> (network order, 4 or 16 bytes) lies inside <c>. */
bool ig_identity_cidr_match(const struct ig_cidr *c, uint8_t family, const uint8_t *addr);

#endif
