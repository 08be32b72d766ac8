/* Client identity resolution (see identity.h for the order and what each resolver trusts). */
#include "identity/identity.h"

#include <inferguard/log.h>

#include <arpa/inet.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define JWT_PAYLOAD_MAX 4096   /* decoded; bigger tokens are treated as opaque keys */
#define CLAIM_MAX 256
#define XFF_MAX_HOPS 32

static const char *const order_names[IG_ID__COUNT] = {
    [IG_ID_SOURCE_IP] = "source_ip", [IG_ID_FORWARDED] = "forwarded",
    [IG_ID_API_KEY] = "api_key", [IG_ID_JWT] = "jwt", [IG_ID_SPIFFE] = "spiffe",
};

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

/* Next request header named <name> after index *i (start with *i = 0). */
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

static const struct ig_span *header_first(const struct ig_http_txn *t, const char *name)
{
    uint32_t i = 0;
    return header_next(t, name, &i);
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

/* ---- CIDRs ---------------------------------------------------------------------------- */

int ig_identity_cidr_parse(const char *s, struct ig_cidr *out)
{
    char buf[64];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof(buf))
        return IG_EPARSE;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    long bits = -1;
    if (slash) {
        char *end;
        *slash = '\0';
        if (!slash[1])
            return IG_EPARSE;
        bits = strtol(slash + 1, &end, 10);
        if (*end || bits < 0)
            return IG_EPARSE;
    }
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, buf, out->addr) == 1) {
        out->family = 4;
        if (bits < 0)
            bits = 32;
        if (bits > 32)
            return IG_EPARSE;
    } else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
        out->family = 6;
        if (bits < 0)
            bits = 128;
        if (bits > 128)
            return IG_EPARSE;
    } else {
        return IG_EPARSE;
    }
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

bool ig_identity_cidr_match(const struct ig_cidr *c, uint8_t family, const uint8_t *addr)
{
    static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (family == 6 && c->family == 4 && memcmp(addr, v4mapped, 12) == 0)
        return prefix_match(c->addr, addr + 12, c->bits);   /* ::ffff:a.b.c.d */
    if (family != c->family)
        return false;
    return prefix_match(c->addr, addr, c->bits);
}

static bool is_trusted(const struct ig_identity_cfg *ic, uint8_t family, const uint8_t *addr)
{
    for (uint32_t i = 0; i < ic->n_proxies; i++)
        if (ig_identity_cidr_match(&ic->proxies[i], family, addr))
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
            if (strcmp(c->identity_order[i], order_names[j]) == 0)
                k = j;
        if (k < 0) {
            snprintf(err, errlen, "identity.order: unknown resolver '%s' (spiffe, jwt, "
                     "api_key, forwarded, source_ip)", c->identity_order[i]);
            return IG_ECONF;
        }
        if (!seen[k] && ic->n_order < IG_IDENTITY_MAX_ORDER) {
            seen[k] = true;
            ic->order[ic->n_order++] = (enum ig_identity_kind)k;
        }
    }
    if (c->n_identity_order == 0) {
        static const enum ig_identity_kind dflt[] = { IG_ID_SPIFFE, IG_ID_JWT, IG_ID_API_KEY,
                                                      IG_ID_FORWARDED, IG_ID_SOURCE_IP };
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
        if (ig_identity_cidr_parse(c->trusted_proxies[i], &ic->proxies[ic->n_proxies]) != IG_OK) {
            snprintf(err, errlen, "identity.trusted_proxies: '%s' is not an IPv4/IPv6 address "
                     "or CIDR", c->trusted_proxies[i]);
            return IG_ECONF;
        }
        ic->n_proxies++;
    }

    const char *secret = c->identity_secret;
    if (!secret[0])
        secret = getenv("INFERGUARD_ID_SECRET");
    if (secret && secret[0]) {
        ig_hmac_sha256_key(&ic->key, secret, strnlen(secret, sizeof c->identity_secret));
    } else {
        /* No configured secret: a per-process random one keeps keys unguessable, at the
         * price of API-key ids that change between runs. */
        uint8_t rnd[32];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            snprintf(err, errlen, "identity: cannot draw a random hash secret; set "
                     "identity.hash_secret or INFERGUARD_ID_SECRET");
            return IG_ECONF;
        }
        ig_hmac_sha256_key(&ic->key, rnd, sizeof rnd);
        memset(rnd, 0, sizeof rnd);
        ic->secret_random = true;
        IG_LOG_WARN("identity", "no identity.hash_secret or INFERGUARD_ID_SECRET: API-key "
                    "ids use a random secret and differ between runs");
    }
    return IG_OK;
}

/* ---- spiffe: x-forwarded-client-cert -------------------------------------------------- */

/* XFCC is "elem,elem,..." with elem "Key=value;Key=value"; values may be double-quoted
 * (and then contain , ; =, with \" escapes). The last element is the hop nearest to us. */
static bool resolve_spiffe(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                           struct ig_event *ev)
{
    const struct ig_span *h = header_first(t, "x-forwarded-client-cert");
    if (!h || !h->n)
        return false;
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
            set_id(ic, ev, IG_ID_SPIFFE, val, vn);
            return true;
        }
    }
    return false;
}

/* ---- jwt ------------------------------------------------------------------------------ */

static int b64_val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
}

/* base64url (padding optional). Returns the decoded length, or -1. */
static long b64url_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
    while (n && p[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val(p[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return (long)o;
}

static const uint8_t *json_ws(const uint8_t *s, const uint8_t *e)
{
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    return s;
}

static size_t utf8_put(uint32_t cp, char *o)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 63));
        o[2] = (char)(0x80 | (cp & 63)); return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 63));
    o[2] = (char)(0x80 | ((cp >> 6) & 63)); o[3] = (char)(0x80 | (cp & 63));
    return 4;
}

static int hex4(const uint8_t *s, const uint8_t *e, uint32_t *v)
{
    if (e - s < 4)
        return -1;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        *v = *v << 4 | (uint32_t)d;
    }
    return 0;
}

/* Parses the JSON string at *ps (on the opening quote), decoding escapes into out (when not
 * NULL). Returns the decoded length or -1 (malformed, or longer than cap). */
static long json_str(const uint8_t **ps, const uint8_t *e, char *out, size_t cap)
{
    const uint8_t *s = *ps + 1;
    size_t o = 0;
    char tmp[4];
    while (s < e && *s != '"') {
        const char *add = (const char *)s;
        size_t an = 1;
        if (*s < 0x20)
            return -1;
        if (*s == '\\') {
            if (++s >= e)
                return -1;
            switch (*s) {
            case '"': case '\\': case '/': add = (const char *)s; break;
            case 'b': add = "\b"; break;
            case 'f': add = "\f"; break;
            case 'n': add = "\n"; break;
            case 'r': add = "\r"; break;
            case 't': add = "\t"; break;
            case 'u': {
                uint32_t cp, lo;
                if (hex4(s + 1, e, &cp))
                    return -1;
                s += 4;
                if (cp >= 0xd800 && cp < 0xdc00) {
                    if (e - s < 7 || s[1] != '\\' || s[2] != 'u' || hex4(s + 3, e, &lo) ||
                        lo < 0xdc00 || lo > 0xdfff)
                        return -1;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    s += 6;
                } else if (cp >= 0xdc00 && cp < 0xe000) {
                    return -1;
                }
                an = utf8_put(cp, tmp);
                add = tmp;
                break;
            }
            default: return -1;
            }
        }
        if (out) {
            if (o + an > cap)
                return -1;
            memcpy(out + o, add, an);
        }
        o += an;
        s++;
    }
    if (s >= e)
        return -1;
    *ps = s + 1;
    return (long)o;
}

/* Skips one JSON value (not validated beyond structure). Returns the end or NULL. */
static const uint8_t *json_skip(const uint8_t *s, const uint8_t *e)
{
    int depth = 0;
    do {
        s = json_ws(s, e);
        if (s >= e)
            return NULL;
        if (*s == '"') {
            if (json_str(&s, e, NULL, 0) < 0)
                return NULL;
        } else if (*s == '{' || *s == '[') {
            if (++depth > 64)
                return NULL;
            s++;
        } else if (*s == '}' || *s == ']') {
            if (--depth < 0)
                return NULL;
            s++;
        } else if (*s == ',' || *s == ':') {
            if (depth == 0)
                return NULL;
            s++;
        } else {
            const uint8_t *b = s;
            while (s < e && *s != ',' && *s != '}' && *s != ']' && *s != ' ' &&
                   *s != '\t' && *s != '\n' && *s != '\r' && *s != '"' && *s != ':')
                s++;
            if (s == b)
                return NULL;
        }
    } while (depth > 0);
    return s;
}

/* Reads the top-level string members "sub" and "iss" of a JSON object. */
static bool jwt_claims(const uint8_t *p, size_t n, char *sub, long *subn, char *iss, long *issn)
{
    const uint8_t *s = json_ws(p, p + n), *e = p + n;
    *subn = *issn = -1;
    if (s >= e || *s != '{')
        return false;
    s = json_ws(s + 1, e);
    if (s < e && *s == '}')
        return false;
    for (;;) {
        char key[8];
        if (s >= e || *s != '"')
            return false;
        long kn = json_str(&s, e, key, sizeof(key));
        if (kn < 0) {
            /* A key longer than ours cannot be sub/iss: skip it. */
            if (!(s = json_skip(s, e)))
                return false;
        }
        s = json_ws(s, e);
        if (s >= e || *s != ':')
            return false;
        s = json_ws(s + 1, e);
        bool is_sub = kn == 3 && memcmp(key, "sub", 3) == 0;
        bool is_iss = kn == 3 && memcmp(key, "iss", 3) == 0;
        if ((is_sub || is_iss) && s < e && *s == '"') {
            long vn = json_str(&s, e, is_sub ? sub : iss, CLAIM_MAX);
            if (vn < 0)
                return false;
            *(is_sub ? subn : issn) = vn;
        } else if (!(s = json_skip(s, e))) {
            return false;
        }
        s = json_ws(s, e);
        if (s < e && *s == ',') {
            s = json_ws(s + 1, e);
            continue;
        }
        if (s < e && *s == '}')
            break;
        return false;
    }
    return *subn > 0;
}

/* Bearer token -> "iss|sub". Returns the id length, or -1 when <tok> is not a JWT with a
 * usable sub claim. The signature is not verified: a passive observer has no keys. */
static long jwt_id(struct ig_span tok, char *out, size_t cap)
{
    const uint8_t *d1 = memchr(tok.p, '.', tok.n);
    if (!d1)
        return -1;
    const uint8_t *pl = d1 + 1, *end = tok.p + tok.n;
    const uint8_t *d2 = memchr(pl, '.', (size_t)(end - pl));
    if (!d2 || d1 == tok.p || memchr(d2 + 1, '.', (size_t)(end - d2 - 1)))
        return -1;
    uint8_t payload[JWT_PAYLOAD_MAX];
    long n = b64url_decode(pl, (size_t)(d2 - pl), payload, sizeof(payload));
    if (n <= 0)
        return -1;
    char sub[CLAIM_MAX], iss[CLAIM_MAX];
    long subn, issn;
    if (!jwt_claims(payload, (size_t)n, sub, &subn, iss, &issn))
        return -1;
    size_t o = 0;
    if (issn > 0) {
        memcpy(out, iss, (size_t)issn);
        o = (size_t)issn;
        out[o++] = '|';
    }
    if (o + (size_t)subn > cap)
        return -1;
    memcpy(out + o, sub, (size_t)subn);
    return (long)(o + (size_t)subn);
}

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

static bool resolve_jwt(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                        struct ig_event *ev)
{
    const struct ig_span *h = header_first(t, "authorization");
    struct ig_span scheme, cred;
    if (!h || !auth_split(h, &scheme, &cred) || !span_ieq(scheme, "bearer"))
        return false;
    char id[2 * CLAIM_MAX + 1];
    long n = jwt_id(cred, id, sizeof(id));
    if (n <= 0)
        return false;
    set_id(ic, ev, IG_ID_JWT, id, (size_t)n);
    return true;
}

/* ---- api keys ------------------------------------------------------------------------- */

static void set_key_id(const struct ig_identity_cfg *ic, struct ig_event *ev, struct ig_span key)
{
    uint8_t md[32];
    char id[4 + 17];
    keyed_hash(ic, key.p, key.n, md);
    memcpy(id, "key:", 4);
    hex16(md, id + 4);
    set_id(ic, ev, IG_ID_API_KEY, id, 20);
}

static bool resolve_api_key(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                            struct ig_event *ev)
{
    /* Dedicated key headers first: configured names are the operator's explicit intent. */
    for (uint32_t i = 0; i < ic->n_key_headers + 2; i++) {
        const char *name = i < ic->n_key_headers ? ic->key_headers[i]
                         : i == ic->n_key_headers ? "x-api-key" : "api-key";
        const struct ig_span *h = header_first(t, name);
        if (h) {
            struct ig_span v = span_trim(*h);
            if (v.n) {
                set_key_id(ic, ev, v);
                return true;
            }
        }
    }
    const struct ig_span *h = header_first(t, "authorization");
    struct ig_span scheme, cred;
    if (!h || !auth_split(h, &scheme, &cred))
        return false;
    if (span_ieq(scheme, "bearer")) {
        char id[2 * CLAIM_MAX + 1];
        if (jwt_id(cred, id, sizeof(id)) > 0)
            return false;   /* a JWT with a subject is a user, not a key */
    }
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
        inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, sizeof(buf));
    } else {
        snprintf(buf, sizeof(buf), "unknown");
    }
    set_id(ic, ev, kind, buf, strlen(buf));
}

static bool resolve_forwarded(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                              struct ig_event *ev)
{
    if (!is_trusted(ic, t->client.family, t->client.addr))
        return false;   /* anyone can write these headers; only our proxies are believed */

    /* Every X-Forwarded-For header, in order, as one list; keep the rightmost hops. */
    struct ig_span hops[XFF_MAX_HOPS];
    uint32_t nh = 0, total = 0, i = 0;
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
    uint8_t fam, addr[16];
    for (uint32_t k = 0; k < nh; k++) {
        struct ig_span hop = hops[(total - 1 - k) % XFF_MAX_HOPS];
        if (!parse_hop(hop, &fam, addr))
            break;   /* garbage in the chain: nothing left of it can be trusted */
        if (!is_trusted(ic, fam, addr) || k == total - 1) {
            set_ip_id(ic, ev, IG_ID_FORWARDED, fam, addr);
            return true;
        }
    }
    static const char *const single[] = { "x-real-ip", "x-envoy-external-address" };
    for (size_t k = 0; k < IG_ARRAY_LEN(single); k++) {
        h = header_first(t, single[k]);
        if (h && parse_hop(*h, &fam, addr)) {
            set_ip_id(ic, ev, IG_ID_FORWARDED, fam, addr);
            return true;
        }
    }
    return false;
}

/* ---- resolve -------------------------------------------------------------------------- */

void ig_identity_resolve(const struct ig_identity_cfg *ic, const struct ig_http_txn *t,
                         struct ig_event *ev)
{
    for (uint32_t i = 0; i < ic->n_order; i++) {
        bool ok = false;
        switch (ic->order[i]) {
        case IG_ID_SPIFFE:    ok = resolve_spiffe(ic, t, ev); break;
        case IG_ID_JWT:       ok = resolve_jwt(ic, t, ev); break;
        case IG_ID_API_KEY:   ok = resolve_api_key(ic, t, ev); break;
        case IG_ID_FORWARDED: ok = resolve_forwarded(ic, t, ev); break;
        case IG_ID_SOURCE_IP: /* always succeeds: resolvers after it are never reached */
        case IG_ID__COUNT: break;
        }
        if (ic->order[i] == IG_ID_SOURCE_IP)
            break;
        if (ok)
            return;
    }
    set_ip_id(ic, ev, IG_ID_SOURCE_IP, t->client.family, t->client.addr);
}
