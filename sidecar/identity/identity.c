/* Client identity resolution (see identity.h for the order and what each resolver trusts). */
#include "identity/identity.h"

#include <inferguard/log.h>

#include <arpa/inet.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XFF_MAX_HOPS 32

/* ---- small text helpers ------------------------------------------------------------- */

static struct ig_span span_trim(struct ig_span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

static bool span_ieq(struct ig_span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && strncasecmp((const char *)s.p, lit, n) == 0;
}

/* Next request header named <name> after index *i (start with *i = 0): every one of a
 * repeated header (ig_http_header gives the first). */
static const struct ig_span *header_next(const struct ig_http_txn *t, const char *name,
                                         uint32_t *i)
{
    for (; *i < t->n_req_headers; (*i)++) {
        const struct ig_http_header *h = &t->req_headers[*i];
        if (span_ieq(h->name, name)) {
            (*i)++;
            return &h->value;
        }
    }
    return NULL;
}

static void hex16(const uint8_t *md, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hx[md[i] >> 4];
        out[2 * i + 1] = hx[md[i] & 15];
    }
    out[16] = '\0';
}

static void keyed_hash(const struct ig_identity_cfg *ic, const uint8_t *p, size_t n,
                       uint8_t md[32])
{
    ig_hmac_sha256(&ic->key, p, n, md);
}

/* Stores <p,n> as the client id. Ids too long for the event keep a prefix (cut at a UTF-8
 * boundary) plus a hash of the whole, so two long ids never collide by truncation. */
static void set_id(const struct ig_identity_cfg *ic, struct ig_event *ev,
                   enum ig_identity_kind kind, const char *p, size_t n)
{
    ev->id_kind = kind;
    if (n < IG_CLIENT_ID_MAX) {
        memcpy(ev->client_id, p, n);
        ev->client_id[n] = '\0';
        return;
    }
    size_t keep = IG_CLIENT_ID_MAX - 1 - 1 - 16;
    while (keep && ((uint8_t)p[keep] & 0xc0) == 0x80)
        keep--;
    uint8_t md[32];
    keyed_hash(ic, (const uint8_t *)p, n, md);
    memcpy(ev->client_id, p, keep);
    ev->client_id[keep] = '~';
    hex16(md, ev->client_id + keep + 1);
}

static bool is_trusted(const struct ig_identity_cfg *ic, uint8_t family, const uint8_t *addr)
{
    for (uint32_t i = 0; i < ic->n_proxies; i++)
        if (ig_cidr_match(&ic->proxies[i], family, addr))
            return true;
    return false;
}

/* ---- configuration -------------------------------------------------------------------- */

int ig_identity_cfg_init(struct ig_identity_cfg *ic, const struct ig_config *c,
                         char *err, size_t errlen)
{
    memset(ic, 0, sizeof(*ic));
    bool seen[IG_ID__COUNT] = { false };
    for (uint32_t i = 0; i < c->n_identity_order; i++) {
        int k = -1;
        for (int j = 0; j < IG_ID__COUNT; j++)
            if (strcmp(c->identity_order[i], ig_identity_kind_name((enum ig_identity_kind)j)) == 0)
                k = j;
        if (k < 0) {
            snprintf(err, errlen, "identity.order: unknown resolver '%s' (spiffe, jwt, "
                     "api_key, jwt_unverified, forwarded, source_ip)", c->identity_order[i]);
            return IG_ECONF;
        }
        if (!seen[k] && ic->n_order < IG_IDENTITY_MAX_ORDER) {
            seen[k] = true;
            ic->order[ic->n_order++] = (enum ig_identity_kind)k;
        }
    }
    if (c->n_identity_order == 0) {
        static const enum ig_identity_kind dflt[] = { IG_ID_SPIFFE, IG_ID_JWT, IG_ID_API_KEY,
                                                      IG_ID_JWT_UNVERIFIED, IG_ID_FORWARDED,
                                                      IG_ID_SOURCE_IP };
        memcpy(ic->order, dflt, sizeof(dflt));
        ic->n_order = IG_ARRAY_LEN(dflt);
    }

    for (uint32_t i = 0; i < c->n_api_key_headers && i < IG_CONFIG_MAX_LIST; i++) {
        if (!c->api_key_headers[i][0])
            continue;
        snprintf(ic->key_headers[ic->n_key_headers++], sizeof(ic->key_headers[0]), "%s",
                 c->api_key_headers[i]);
    }

    for (uint32_t i = 0; i < c->n_trusted_proxies && i < IG_CONFIG_MAX_LIST; i++) {
        if (ig_cidr_parse(c->trusted_proxies[i], &ic->proxies[ic->n_proxies]) != IG_OK) {
            snprintf(err, errlen, "identity.trusted_proxies: '%s' is not an IPv4/IPv6 address "
                     "or CIDR", c->trusted_proxies[i]);
            return IG_ECONF;
        }
        ic->n_proxies++;
    }

    for (uint32_t i = 0; i < c->n_jwt_issuers && i < IG_CONFIG_MAX_LIST; i++)
        snprintf(ic->jwt.issuers[ic->jwt.n_issuers++], sizeof ic->jwt.issuers[0], "%s",
                 c->jwt_issuers[i]);
    for (uint32_t i = 0; i < c->n_jwt_audiences && i < IG_CONFIG_MAX_LIST; i++)
        snprintf(ic->jwt.audiences[ic->jwt.n_audiences++], sizeof ic->jwt.audiences[0], "%s",
                 c->jwt_audiences[i]);
    ic->jwt.leeway_us = (uint64_t)c->jwt_leeway_s * 1000000u;
    if (c->jwt_jwks_file[0] && !(ic->jwks = ig_jwks_file_open(c->jwt_jwks_file, err, errlen)))
        return IG_ECONF;

    /* $INFERGUARD_ID_SECRET is the configuration's default (config.c reads it once). */
    const char *secret = c->identity_secret;
    if (secret[0]) {
        ig_hmac_sha256_key(&ic->key, secret, strnlen(secret, sizeof c->identity_secret));
    } else {
        /* No configured secret: a per-process random one keeps keys unguessable, at the
         * price of API-key ids that change between runs. */
        uint8_t rnd[32];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            snprintf(err, errlen, "identity: cannot draw a random hash secret; set "
                     "identity.hash_secret or INFERGUARD_ID_SECRET");
            ig_identity_cfg_free(ic);
            return IG_ECONF;
        }
        ig_hmac_sha256_key(&ic->key, rnd, sizeof rnd);
        memset(rnd, 0, sizeof rnd);
        ic->secret_random = true;
        IG_LOG_WARN("identity", "no identity.hash_secret or INFERGUARD_ID_SECRET: API-key "
                    "ids use a random secret and differ between runs");
    }
    ic->key_cache = &ic->key_cache_store;
    return IG_OK;
}

void ig_identity_cfg_free(struct ig_identity_cfg *ic)
{
    ig_jwks_file_free(ic->jwks);
    ic->jwks = NULL;
    memset(&ic->key_cache_store, 0, sizeof ic->key_cache_store);   /* it holds raw keys */
    ic->key_cache = NULL;
}

/* ---- spiffe: x-forwarded-client-cert -------------------------------------------------- */

/* XFCC is "elem,elem,..." with elem "Key=value;Key=value"; values may be double-quoted
 * (and then contain , ; =, with \" escapes). The last element is the hop nearest to us. */
/* Returns 0 without an XFCC header, 1 with one that names no spiffe URI, 2 with the URI in
 * uri (NUL-terminated, *un bytes). */
static int xfcc_uri(const struct ig_http_txn *t, char *uri, size_t cap, size_t *un)
{
    const struct ig_span *h = ig_http_header(t, IG_DIR_TO_SERVER, "x-forwarded-client-cert");
    if (!h || !h->n)
        return 0;
    const uint8_t *p = h->p, *end = h->p + h->n;

    /* Find the start of the last element, honouring quotes. */
    const uint8_t *last = p;
    bool q = false;
    for (const uint8_t *s = p; s < end; s++) {
        if (q && *s == '\\' && s + 1 < end)
            s++;
        else if (*s == '"')
            q = !q;
        else if (!q && *s == ',')
            last = s + 1;
    }

    const uint8_t *s = last;
    while (s < end) {
        const uint8_t *k = s;
        while (s < end && *s != '=' && *s != ';')
            s++;
        struct ig_span key = span_trim((struct ig_span){ k, (size_t)(s - k) });
        if (s >= end)
            break;
        if (*s == ';') {
            s++;
            continue;
        }
        s++;   /* '=' */
        char val[IG_CLIENT_ID_MAX * 4];
        size_t vn = 0;
        bool overflow = false;
        if (s < end && *s == '"') {
            for (s++; s < end && *s != '"'; s++) {
                if (*s == '\\' && s + 1 < end)
                    s++;
                if (vn < sizeof(val)) val[vn++] = (char)*s; else overflow = true;
            }
            if (s < end)
                s++;
            while (s < end && *s != ';')
                s++;
        } else {
            for (; s < end && *s != ';'; s++) {
                if (vn < sizeof(val)) val[vn++] = (char)*s; else overflow = true;
            }
        }
        if (s < end)
            s++;   /* ';' */
        if (span_ieq(key, "URI") && !overflow && vn > 9 && strncmp(val, "spiffe://", 9) == 0) {
            while (vn && (val[vn - 1] == ' ' || val[vn - 1] == '\t'))
                vn--;
            vn = IG_MIN(vn, cap - 1);
            memcpy(uri, val, vn);
            uri[vn] = '\0';
            *un = vn;
            return 2;
        }
    }
    return 1;
}

/* ---- jwt ------------------------------------------------------------------------------ */

/* Splits "Scheme credentials". */
static bool auth_split(const struct ig_span *h, struct ig_span *scheme, struct ig_span *cred)
{
    struct ig_span v = span_trim(*h);
    const uint8_t *sp = memchr(v.p, ' ', v.n);
    if (!sp)
        return false;
    *scheme = (struct ig_span){ v.p, (size_t)(sp - v.p) };
    *cred = span_trim((struct ig_span){ sp + 1, v.n - (size_t)(sp + 1 - v.p) });
    return cred->n > 0;
}

static bool bearer(const struct ig_http_txn *t, struct ig_span *tok)
{
    const struct ig_span *h = ig_http_header(t, IG_DIR_TO_SERVER, "authorization");
    struct ig_span scheme;
    return h && auth_split(h, &scheme, tok) && span_ieq(scheme, "bearer");
}

/* ---- api keys ------------------------------------------------------------------------- */

/* Recent API keys and the first 8 bytes of their keyed digest. A client sends the same key
 * on every request, and the HMAC is two SHA-256 compressions per request (~3.5 % of an
 * analyze run with keys); a direct-mapped table of exact keys (compared in full, so an id
 * is never wrong) skips them. Longer keys are hashed every time. */
#define KEY_CACHE_SLOTS IG_ID_KEY_CACHE_SLOTS
#define KEY_CACHE_KEY_MAX IG_ID_KEY_CACHE_KEY_MAX

static uint32_t key_slot(struct ig_span k)
{
    uint64_t h = ig_fnv1a(0x9e3779b97f4a7c15ull ^ k.n, k.p, k.n);   /* an index only */
    /* mixed before the slot is taken: unmixed, keys that differ only in their last byte
     * (figure 1's gRPC clients, x-api-key bench-client-1 to 8) had one slot, evicted each
     * other, and 29,318 of 30,000 requests paid the HMAC */
    return (uint32_t)ig_fnv1a_mix(h) & (KEY_CACHE_SLOTS - 1);
}

static void key_digest(const struct ig_identity_cfg *ic, struct ig_span key, uint8_t md8[8])
{
    struct ig_key_cache *kc = ic->key_cache;
    uint8_t md[32];
    if (!kc || key.n == 0 || key.n > KEY_CACHE_KEY_MAX) {   /* kc NULL: after free */
        keyed_hash(ic, key.p, key.n, md);
        memcpy(md8, md, 8);
        return;
    }
    uint32_t i = key_slot(key);
    if (kc->e[i].n == key.n && memcmp(kc->e[i].key, key.p, key.n) == 0) {
        memcpy(md8, kc->e[i].md, 8);
        return;
    }
    keyed_hash(ic, key.p, key.n, md);
    memcpy(md8, md, 8);
    kc->e[i].n = (uint8_t)key.n;
    memcpy(kc->e[i].key, key.p, key.n);
    memcpy(kc->e[i].md, md, 8);
}

static void set_key_id(const struct ig_identity_cfg *ic, struct ig_event *ev, struct ig_span key)
{
    uint8_t md[8];
    char id[4 + 17];
    key_digest(ic, key, md);
    memcpy(id, "key:", 4);
    hex16(md, id + 4);
    set_id(ic, ev, IG_ID_API_KEY, id, 20);
    ev->id_basis = IG_BASIS_CREDENTIAL;
}

static bool resolve_api_key(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                            struct ig_event *ev, bool is_jwt)
{
    /* Dedicated key headers first: configured names are the operator's explicit intent. */
    for (uint32_t i = 0; i < ic->n_key_headers + 2; i++) {
        const char *name = i < ic->n_key_headers ? ic->key_headers[i]
                         : i == ic->n_key_headers ? "x-api-key" : "api-key";
        const struct ig_span *h = ig_http_header(t, IG_DIR_TO_SERVER, name);
        if (h) {
            struct ig_span v = span_trim(*h);
            if (v.n) {
                set_key_id(ic, ev, v);
                return true;
            }
        }
    }
    const struct ig_span *h = ig_http_header(t, IG_DIR_TO_SERVER, "authorization");
    struct ig_span scheme, cred;
    if (!h || !auth_split(h, &scheme, &cred))
        return false;
    if (span_ieq(scheme, "bearer") && is_jwt)
        return false;   /* a JWT with a subject is a user, not a key */
    set_key_id(ic, ev, cred);
    return true;
}

/* ---- forwarded ------------------------------------------------------------------------ */

/* Parses one hop: "a.b.c.d", "a.b.c.d:port", "v6", "[v6]", "[v6]:port", optionally quoted. */
static bool parse_hop(struct ig_span s, uint8_t *family, uint8_t addr[16])
{
    char buf[64];
    s = span_trim(s);
    if (s.n >= 2 && s.p[0] == '"' && s.p[s.n - 1] == '"')
        s.p++, s.n -= 2;
    if (s.n == 0 || s.n >= sizeof(buf))
        return false;
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    char *a = buf;
    if (a[0] == '[') {
        char *rb = strchr(a, ']');
        if (!rb)
            return false;
        *rb = '\0';
        a++;
    } else {
        char *c1 = strchr(a, ':');
        if (c1 && !strchr(c1 + 1, ':'))
            *c1 = '\0';   /* exactly one colon: IPv4 with a port */
    }
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, a, addr) == 1) {
        *family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, a, addr) == 1) {
        *family = 6;
        return true;
    }
    return false;
}

static void set_ip_id(const struct ig_identity_cfg *ic, struct ig_event *ev,
                      enum ig_identity_kind kind, uint8_t family, const uint8_t *addr)
{
    char buf[INET6_ADDRSTRLEN];
    if (family == 4 || family == 6) {
        ig_ip_str(family, addr, buf, sizeof buf);
    } else {
        snprintf(buf, sizeof(buf), "unknown");
    }
    set_id(ic, ev, kind, buf, strlen(buf));
}

/* The client address a trusted proxy forwarded: X-Forwarded-For (first untrusted hop from
 * the right), else X-Real-IP, else X-Envoy-External-Address. The caller checks that the
 * TCP peer is trusted: anyone can write these headers. */
static bool forwarded_addr(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                           uint8_t *fam, uint8_t addr[16])
{
    /* Every X-Forwarded-For header, in order, as one list; keep the rightmost hops. */
    struct ig_span hops[XFF_MAX_HOPS];
    uint32_t nh, total = 0, i = 0;
    const struct ig_span *h;
    while ((h = header_next(t, "x-forwarded-for", &i))) {
        const uint8_t *s = h->p, *e = h->p + h->n;
        while (s <= e) {
            const uint8_t *c = memchr(s, ',', (size_t)(e - s));
            if (!c)
                c = e;
            hops[total++ % XFF_MAX_HOPS] = (struct ig_span){ s, (size_t)(c - s) };
            s = c + 1;
        }
    }
    nh = IG_MIN(total, XFF_MAX_HOPS);
    for (uint32_t k = 0; k < nh; k++) {
        struct ig_span hop = hops[(total - 1 - k) % XFF_MAX_HOPS];
        if (!parse_hop(hop, fam, addr))
            break;   /* garbage in the chain: nothing left of it can be trusted */
        if (!is_trusted(ic, *fam, addr) || k == total - 1)
            return true;
    }
    static const char *const single[] = { "x-real-ip", "x-envoy-external-address" };
    for (size_t k = 0; k < IG_ARRAY_LEN(single); k++) {
        h = ig_http_header(t, IG_DIR_TO_SERVER, single[k]);
        if (h && parse_hop(*h, fam, addr))
            return true;
    }
    return false;
}

/* ---- resolve -------------------------------------------------------------------------- */

/* A source address as a group id: IPv4 as is, IPv6 as its /64 (one host is handed a whole
 * /64 and can rotate through it for free, RFC 8981). */
static void set_group_ip(struct ig_event *ev, enum ig_identity_kind kind, uint8_t family,
                         const uint8_t *addr)
{
    char buf[INET6_ADDRSTRLEN + 4];
    ev->group_kind = kind;
    if (family == 4) {
        ig_ip_str(4, addr, buf, sizeof buf);
    } else if (family == 6) {
        static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (memcmp(addr, v4mapped, 12) == 0) {
            ig_ip_str(4, addr + 12, buf, sizeof buf);
        } else {
            uint8_t net[16] = { 0 };
            memcpy(net, addr, 8);
            inet_ntop(AF_INET6, net, buf, sizeof buf);
            strcat(buf, "/64");
        }
    } else {
        memcpy(buf, "unknown", 8);
    }
    size_t n = IG_MIN(strlen(buf), sizeof ev->group_id - 1);
    memcpy(ev->group_id, buf, n);
    ev->group_id[n] = '\0';
}

static void set_group_text(struct ig_event *ev, enum ig_identity_kind kind, const char *p, size_t n)
{
    ev->group_kind = kind;
    n = IG_MIN(n, sizeof ev->group_id - 1);
    memcpy(ev->group_id, p, n);
    ev->group_id[n] = '\0';
}

/* Records the first identity we did not believe (the highest ranked is the most telling). */
static void claim(struct ig_event *ev, enum ig_identity_kind kind, const char *id, size_t n)
{
    if (ev->id_flags & IG_IDF_CLAIMED)
        return;
    ev->id_flags |= IG_IDF_CLAIMED;
    ev->claimed_kind = kind;
    n = IG_MIN(n, sizeof ev->claimed_id - 1);
    memcpy(ev->claimed_id, id, n);
    ev->claimed_id[n] = '\0';
}

/* What one request offers: every header identity is looked at once, whatever the order, so
 * that what was not believed is recorded and the stable source is known. */
struct offer {
    const struct ig_identity_cfg *ic;
    const struct ig_http_txn *t;
    bool trusted;            /* the TCP peer is a trusted proxy */
    int xfcc;                /* xfcc_uri(): 0 none, 1 without a spiffe URI, 2 uri */
    char uri[IG_CLIENT_ID_MAX * 2];
    size_t un;
    bool fwd;                /* a trusted proxy forwarded ffam/faddr */
    uint8_t ffam, faddr[16];
    enum ig_jwt_status js;   /* the bearer token, id jid */
    char jid[IG_JWT_ID_MAX];
    size_t jn;
};

/* A resolver: sets the event's identity and returns true, or returns false (next one). */
typedef bool (*resolver_fn)(const struct offer *o, struct ig_event *ev);

static bool by_spiffe(const struct offer *o, struct ig_event *ev)
{
    if (o->xfcc != 2 || !o->trusted)
        return false;
    set_id(o->ic, ev, IG_ID_SPIFFE, o->uri, o->un);
    ev->id_basis = IG_BASIS_FORWARDED;
    return true;
}

/* Verified: believed from any peer, the signature is the proof. */
static bool by_jwt(const struct offer *o, struct ig_event *ev)
{
    if (o->js != IG_JWT_VERIFIED)
        return false;
    set_id(o->ic, ev, IG_ID_JWT, o->jid, o->jn);
    ev->id_basis = IG_BASIS_VERIFIED;
    return true;
}

static bool by_api_key(const struct offer *o, struct ig_event *ev)
{
    return resolve_api_key(o->ic, o->t, ev, o->js != IG_JWT_NOT_JWT);
}

/* Relayed by a trusted proxy (which may have checked it) and not checkable here. A token
 * that failed our check, or any token while we hold keys, is not. */
static bool by_jwt_unverified(const struct offer *o, struct ig_event *ev)
{
    if (o->js != IG_JWT_UNVERIFIABLE || o->ic->jwks || !o->trusted)
        return false;
    set_id(o->ic, ev, IG_ID_JWT_UNVERIFIED, o->jid, o->jn);
    ev->id_basis = IG_BASIS_FORWARDED;
    return true;
}

static bool by_forwarded(const struct offer *o, struct ig_event *ev)
{
    if (!o->fwd)
        return false;
    set_ip_id(o->ic, ev, IG_ID_FORWARDED, o->ffam, o->faddr);
    ev->id_basis = IG_BASIS_FORWARDED;
    return true;
}

/* Always succeeds: resolvers after it are never reached. */
static bool by_source_ip(const struct offer *o, struct ig_event *ev)
{
    set_ip_id(o->ic, ev, IG_ID_SOURCE_IP, o->t->client.family, o->t->client.addr);
    ev->id_basis = IG_BASIS_NETWORK;
    return true;
}

/* identity.order names these (ig_identity_kind_name). */
static const resolver_fn resolvers[IG_ID__COUNT] = {
    [IG_ID_SPIFFE] = by_spiffe, [IG_ID_JWT] = by_jwt, [IG_ID_API_KEY] = by_api_key,
    [IG_ID_JWT_UNVERIFIED] = by_jwt_unverified, [IG_ID_FORWARDED] = by_forwarded,
    [IG_ID_SOURCE_IP] = by_source_ip,
};

void ig_identity_resolve(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                         struct ig_event *ev)
{
    struct offer o = { .ic = ic, .t = t, .js = IG_JWT_NOT_JWT };
    o.trusted = is_trusted(ic, t->client.family, t->client.addr);
    ev->client_id[0] = ev->claimed_id[0] = ev->group_id[0] = '\0';
    ev->id_kind = ev->claimed_kind = ev->group_kind = IG_ID_SOURCE_IP;
    ev->id_basis = IG_BASIS_NETWORK;
    ev->id_flags = 0;

    o.xfcc = xfcc_uri(t, o.uri, sizeof o.uri, &o.un);
    o.fwd = o.trusted && forwarded_addr(ic, t, &o.ffam, o.faddr);
    struct ig_span tok;
    const struct ig_jwks *ks = ig_jwks_file_get(ic->jwks);
    if (bearer(t, &tok))
        o.js = ig_jwt_check(ks, &ic->jwt, tok, t->req_time_us, o.jid, sizeof o.jid, &o.jn);
    if (o.js == IG_JWT_INVALID || o.js == IG_JWT_EXPIRED || (o.js == IG_JWT_UNVERIFIABLE && ic->jwks))
        ev->id_flags |= IG_IDF_JWT_BAD | (o.js == IG_JWT_EXPIRED ? IG_IDF_JWT_EXPIRED : 0);

    /* The stable source: the peer outside a mesh; behind a trusted proxy the address it
     * forwarded, else the workload it authenticated, else none. */
    if (!o.trusted)
        set_group_ip(ev, IG_ID_SOURCE_IP, t->client.family, t->client.addr);
    else if (o.fwd)
        set_group_ip(ev, IG_ID_FORWARDED, o.ffam, o.faddr);
    else if (o.xfcc == 2)
        set_group_text(ev, IG_ID_SPIFFE, o.uri, o.un);

    if (o.xfcc && !o.trusted) {
        /* A mesh identity from outside the mesh: a spoof, or a misconfigured proxy. */
        ev->id_flags |= IG_IDF_MESH_SPOOF;
        if (o.xfcc == 2)
            claim(ev, IG_ID_SPIFFE, o.uri, o.un);
        else
            claim(ev, IG_ID_SPIFFE, "xfcc", 4);
    }

    for (uint32_t i = 0; i < ic->n_order; i++)
        if (resolvers[ic->order[i]](&o, ev))
            break;
    if (!ev->client_id[0])
        by_source_ip(&o, ev);

    /* What was asserted and not keyed on: a JWT (unverified from an untrusted peer, or
     * failing verification), and forwarding headers from an untrusted peer. */
    if (o.jn && ev->id_kind != IG_ID_JWT && ev->id_kind != IG_ID_JWT_UNVERIFIED && o.js != IG_JWT_NOT_JWT)
        claim(ev, o.js == IG_JWT_VERIFIED ? IG_ID_JWT : IG_ID_JWT_UNVERIFIED, o.jid, o.jn);
    uint8_t ffam, faddr[16];
    if (!o.trusted && forwarded_addr(ic, t, &ffam, faddr)) {
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(ffam == 4 ? AF_INET : AF_INET6, faddr, buf, sizeof buf);
        claim(ev, IG_ID_FORWARDED, buf, strlen(buf));
    }
}
