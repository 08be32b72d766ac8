/* Client identity: distinct clients behind one proxy address, untrusted forwarding headers
 * ignored, API keys never kept in clear. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity/identity.h"
#include "test_jwt_helpers.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#define MAXH 8

struct req {
    struct ig_http_txn t;
    struct ig_http_header h[MAXH];
};

static struct ig_span sp(const char *s) { return (struct ig_span){ (const uint8_t *)s, strlen(s) }; }

/* A request from <peer> (IPv4 text) carrying name/value header pairs, NULL-terminated. */
static void mkreq(struct req *r, const char *peer, ...)
{
    memset(r, 0, sizeof(*r));
    r->t.client.family = 4;
    assert_int_equal(inet_pton(AF_INET, peer, r->t.client.addr), 1);
    r->t.client.port = 40000;
    r->t.method = sp("POST");
    r->t.path = sp("/v1/models/m:predict");
    va_list ap;
    va_start(ap, peer);
    const char *n;
    while ((n = va_arg(ap, const char *))) {
        assert_true(r->t.n_req_headers < MAXH);
        r->h[r->t.n_req_headers].name = sp(n);
        r->h[r->t.n_req_headers].value = sp(va_arg(ap, const char *));
        r->t.n_req_headers++;
    }
    va_end(ap);
    r->t.req_headers = r->h;
}

static void cfg_base(struct ig_config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->identity_secret, sizeof(c->identity_secret), "test-secret");
    snprintf(c->trusted_proxies[0], 64, "127.0.0.6");
    snprintf(c->trusted_proxies[1], 64, "127.0.1.0/24");
    snprintf(c->trusted_proxies[2], 64, "::1/128");
    c->n_trusted_proxies = 3;
}

/* ig_identity_cfg_init of <c>, which must succeed. */
static void init_ok(struct ig_identity_cfg *ic, const struct ig_config *c)
{
    char err[256];
    assert_int_equal(ig_identity_cfg_init(ic, c, err, sizeof err), IG_OK);
}

static void resolve(const struct ig_identity_cfg *ic, const struct req *r, struct ig_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ig_identity_resolve(ic, &r->t, ev);
    assert_true(strlen(ev->client_id) < IG_CLIENT_ID_MAX);
}

/* Resolves <r> into <ev>, whose identity must be <kind> <id>. */
static void expect_id(const struct ig_identity_cfg *ic, const struct req *r, struct ig_event *ev,
                      enum ig_identity_kind kind, const char *id)
{
    resolve(ic, r, ev);
    assert_int_equal(ev->id_kind, kind);
    assert_string_equal(ev->client_id, id);
}

static void mkjwt(const char *payload, char *out)
{
    char h[128], p[2048];
    tst_b64url_str("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", h);
    tst_b64url_str(payload, p);
    sprintf(out, "Bearer %s.%s.c2lnbmF0dXJl", h, p);
}

static void test_distinct_clients_behind_proxy(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    cfg_base(&c);
    init_ok(&ic, &c);

    char jwt[4096];
    mkjwt("{\"iss\":\"https://issuer.example\",\"sub\":\"alice\",\"exp\":1900000000}", jwt);
    struct req r[5];
    mkreq(&r[0], "127.0.0.6", "X-Forwarded-Client-Cert",
          "By=spiffe://cluster.local/ns/ml/sa/model;Hash=ab12;Subject=\"CN=a,O=b\";"
          "URI=spiffe://cluster.local/ns/team-a/sa/scorer", NULL);
    mkreq(&r[1], "127.0.0.6", "Authorization", jwt, NULL);
    mkreq(&r[2], "127.0.0.6", "x-api-key", "sk-live-0123456789abcdef", NULL);
    mkreq(&r[3], "127.0.0.6", "X-Forwarded-For", "127.0.5.5, 127.0.1.7", NULL);
    mkreq(&r[4], "127.0.0.6", NULL);

    struct ig_event ev[5];
    for (int i = 0; i < 5; i++)
        resolve(&ic, &r[i], &ev[i]);
    assert_int_equal(ev[0].id_kind, IG_ID_SPIFFE);
    assert_string_equal(ev[0].client_id, "spiffe://cluster.local/ns/team-a/sa/scorer");
    assert_int_equal(ev[1].id_kind, IG_ID_JWT_UNVERIFIED);
    assert_string_equal(ev[1].client_id, "https://issuer.example|alice");
    assert_int_equal(ev[2].id_kind, IG_ID_API_KEY);
    assert_int_equal(strncmp(ev[2].client_id, "key:", 4), 0);
    assert_int_equal(strlen(ev[2].client_id), 20);
    assert_int_equal(ev[3].id_kind, IG_ID_FORWARDED);
    assert_string_equal(ev[3].client_id, "127.0.5.5");   /* 127.0.1.7 is a trusted hop */
    assert_int_equal(ev[4].id_kind, IG_ID_SOURCE_IP);
    assert_string_equal(ev[4].client_id, "127.0.0.6");
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            assert_string_not_equal(ev[i].client_id, ev[j].client_id);
}

static void test_untrusted_forwarding_ignored(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    cfg_base(&c);
    init_ok(&ic, &c);
    struct req r;
    struct ig_event ev;
    mkreq(&r, "127.0.0.9", "X-Forwarded-For", "127.0.5.5", "X-Real-IP", "127.0.5.6",
          "X-Envoy-External-Address", "127.0.5.7", NULL);
    expect_id(&ic, &r, &ev, IG_ID_SOURCE_IP, "127.0.0.9");

    /* Behind a trusted proxy: a forged hop on the left does not win over the real one. */
    mkreq(&r, "127.0.0.6", "X-Forwarded-For", "127.0.9.9", "X-Forwarded-For",
          "127.0.5.5:5555,127.0.1.1", NULL);
    expect_id(&ic, &r, &ev, IG_ID_FORWARDED, "127.0.5.5");

    /* Garbage nearest to us: the chain is not believed, X-Real-IP is used instead. */
    mkreq(&r, "127.0.0.6", "X-Forwarded-For", "127.0.5.5, unknown", "X-Real-IP", "127.0.5.6",
          NULL);
    resolve(&ic, &r, &ev);
    assert_string_equal(ev.client_id, "127.0.5.6");
    mkreq(&r, "127.0.0.6", "X-Envoy-External-Address", "127.0.5.7", NULL);
    resolve(&ic, &r, &ev);
    assert_string_equal(ev.client_id, "127.0.5.7");

    /* Every hop trusted: the leftmost is the client. */
    mkreq(&r, "127.0.0.6", "X-Forwarded-For", "127.0.1.3, 127.0.1.4", NULL);
    resolve(&ic, &r, &ev);
    assert_string_equal(ev.client_id, "127.0.1.3");

    /* IPv6 peer inside ::1/128 with a bracketed IPv6 hop. */
    memset(&r.t.client, 0, sizeof(r.t.client));
    mkreq(&r, "127.0.0.1", "X-Forwarded-For", "[::1]:8080", NULL);
    r.t.client.family = 6;
    memset(r.t.client.addr, 0, 16);
    r.t.client.addr[15] = 1;
    expect_id(&ic, &r, &ev, IG_ID_FORWARDED, "::1");
}

static void test_api_key_never_raw(void **state)
{
    (void)state;
    static const char *const keys[] = { "sk-live-0123456789abcdef", "dXNlcjpwYXNzd29yZA==",
                                        "tok_abcdefghijklmnop" };
    struct ig_config c;
    struct ig_identity_cfg ic;
    cfg_base(&c);
    snprintf(c.api_key_headers[0], 64, "x-model-token");
    c.n_api_key_headers = 1;
    init_ok(&ic, &c);

    struct req r[6];
    char auth0[128], auth1[128];
    sprintf(auth0, "Bearer %s", keys[0]);
    sprintf(auth1, "Basic %s", keys[1]);
    mkreq(&r[0], "127.0.0.6", "Authorization", auth0, NULL);
    mkreq(&r[1], "127.0.0.6", "X-API-Key", keys[0], NULL);
    mkreq(&r[2], "127.0.0.6", "Authorization", auth1, NULL);
    mkreq(&r[3], "127.0.0.6", "x-model-token", keys[2], NULL);
    mkreq(&r[4], "127.0.0.6", "api-key", keys[2], NULL);
    mkreq(&r[5], "127.0.0.6", "Authorization", "ApiKey  tok_abcdefghijklmnop ", NULL);
    struct ig_event ev[6];
    for (int i = 0; i < 6; i++) {
        resolve(&ic, &r[i], &ev[i]);
        assert_int_equal(ev[i].id_kind, IG_ID_API_KEY);
        for (size_t k = 0; k < IG_ARRAY_LEN(keys); k++) {
            /* Not in the event at all, not even a prefix of it. */
            assert_null(memmem(&ev[i], sizeof(ev[i]), keys[k], 8));
        }
    }
    /* Same key, same client, whichever header carried it. */
    assert_string_equal(ev[0].client_id, ev[1].client_id);
    assert_string_equal(ev[3].client_id, ev[4].client_id);
    assert_string_equal(ev[3].client_id, ev[5].client_id);
    assert_string_not_equal(ev[0].client_id, ev[2].client_id);
    assert_string_not_equal(ev[0].client_id, ev[3].client_id);

    /* The id is keyed: another secret gives another id for the same key. */
    struct ig_identity_cfg ic2;
    snprintf(c.identity_secret, sizeof(c.identity_secret), "other-secret");
    init_ok(&ic2, &c);
    struct ig_event e2;
    resolve(&ic2, &r[0], &e2);
    assert_string_not_equal(e2.client_id, ev[0].client_id);
    /* Known value: HMAC-SHA256("test-secret", key), first 8 bytes in hex (python hmac). */
    assert_string_equal(ev[0].client_id, "key:502aec2550529098");
}

static void test_jwt_forms(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    char jwt[4096];
    struct req r;
    struct ig_event ev;
    cfg_base(&c);
    init_ok(&ic, &c);

    /* No iss: sub alone; escapes decoded; nested values skipped; key order irrelevant. */
    mkjwt("{\"aud\":[\"a\",{\"x\":\"}\"}],\"sub\":\"b\\u00f6b\\\"\\/1\",\"n\":-1.5e3,\"t\":true}", jwt);
    mkreq(&r, "127.0.0.6", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_JWT_UNVERIFIED);
    assert_string_equal(ev.client_id, "b\xc3\xb6" "b\"/1");

    /* JWT without sub: not a user; hashed as a bearer key instead. */
    mkjwt("{\"iss\":\"x\"}", jwt);
    mkreq(&r, "127.0.0.6", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_API_KEY);

    /* Broken payload: also a key, never a crash. */
    mkreq(&r, "127.0.0.6", "authorization", "Bearer abc.%%%.def", NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_API_KEY);

    /* A very long subject is cut with a hash, never truncated into a collision. */
    char payload[1200], id1[IG_CLIENT_ID_MAX];
    memset(payload, 0, sizeof(payload));
    strcpy(payload, "{\"sub\":\"");
    memset(payload + 8, 'u', 200);
    strcpy(payload + 208, "1\"}");
    mkjwt(payload, jwt);
    mkreq(&r, "127.0.0.6", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_JWT_UNVERIFIED);
    strcpy(id1, ev.client_id);
    payload[208] = '2';
    mkjwt(payload, jwt);
    mkreq(&r, "127.0.0.6", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_string_not_equal(id1, ev.client_id);
    assert_non_null(strchr(ev.client_id, '~'));
}

static void test_xfcc_last_element(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    struct req r;
    struct ig_event ev;
    cfg_base(&c);
    init_ok(&ic, &c);
    mkreq(&r, "127.0.0.6", "x-forwarded-client-cert",
          "By=spiffe://td/ns/a/sa/gw;URI=spiffe://td/ns/a/sa/edge,"
          "By=spiffe://td/ns/a/sa/model;Subject=\"O=x,CN=\\\"y\\\"\";URI=\"spiffe://td/ns/b/sa/app\"",
          NULL);
    expect_id(&ic, &r, &ev, IG_ID_SPIFFE, "spiffe://td/ns/b/sa/app");

    /* No URI in the nearest element: not a SPIFFE identity. */
    mkreq(&r, "127.0.0.6", "x-forwarded-client-cert", "Hash=00;By=spiffe://td/x", NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SOURCE_IP);
}


/* Header identities from a peer outside identity.trusted_proxies are claimed, not believed;
 * a mesh identity from there is flagged as a spoof; the stable source is the peer. */
static void test_untrusted_peer_claims(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    char jwt[4096];
    struct req r;
    struct ig_event ev;
    cfg_base(&c);
    init_ok(&ic, &c);

    /* A victim's SPIFFE id sent straight to the server. */
    mkreq(&r, "127.0.9.9", "x-forwarded-client-cert",
          "By=spiffe://cluster.local/ns/ml/sa/model;URI=spiffe://cluster.local/ns/pay/sa/victim",
          NULL);
    expect_id(&ic, &r, &ev, IG_ID_SOURCE_IP, "127.0.9.9");
    assert_int_equal(ev.id_basis, IG_BASIS_NETWORK);
    assert_true(ev.id_flags & IG_IDF_MESH_SPOOF);
    assert_int_equal(ev.claimed_kind, IG_ID_SPIFFE);
    assert_string_equal(ev.claimed_id, "spiffe://cluster.local/ns/pay/sa/victim");
    assert_int_equal(ev.group_kind, IG_ID_SOURCE_IP);
    assert_string_equal(ev.group_id, "127.0.9.9");

    /* An unverifiable JWT from outside: claimed; the peer is the client. */
    mkjwt("{\"iss\":\"https://issuer.example\",\"sub\":\"mallory\"}", jwt);
    mkreq(&r, "127.0.9.9", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SOURCE_IP);
    assert_int_equal(ev.claimed_kind, IG_ID_JWT_UNVERIFIED);
    assert_string_equal(ev.claimed_id, "https://issuer.example|mallory");
    assert_false(ev.id_flags & IG_IDF_MESH_SPOOF);

    /* The same from the trusted proxy: an unverified identity, forwarded. */
    mkreq(&r, "127.0.0.6", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_JWT_UNVERIFIED);
    assert_int_equal(ev.id_basis, IG_BASIS_FORWARDED);
    assert_string_equal(ev.client_id, "https://issuer.example|mallory");
    assert_string_equal(ev.claimed_id, "");
    assert_string_equal(ev.group_id, "");   /* the proxy forwarded no address */

    /* An API key plus a made-up bearer JWT: the key, whoever the peer; the JWT claimed. */
    mkreq(&r, "127.0.0.6", "x-api-key", "sk-live-0123456789abcdef", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_API_KEY);
    assert_int_equal(ev.id_basis, IG_BASIS_CREDENTIAL);
    assert_int_equal(ev.claimed_kind, IG_ID_JWT_UNVERIFIED);
    mkreq(&r, "127.0.9.9", "x-api-key", "sk-live-0123456789abcdef", "authorization", jwt, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_API_KEY);
    assert_string_equal(ev.group_id, "127.0.9.9");

    /* Forwarding headers from outside: claimed. */
    mkreq(&r, "127.0.9.9", "X-Forwarded-For", "127.0.5.5", NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SOURCE_IP);
    assert_int_equal(ev.claimed_kind, IG_ID_FORWARDED);
    assert_string_equal(ev.claimed_id, "127.0.5.5");

    /* Behind the proxy, the stable source is the forwarded address (rotating X-Forwarded-For
     * values on the left of the chain change nothing: the proxy appended the real one). */
    mkreq(&r, "127.0.0.6", "x-api-key", "k-1", "X-Forwarded-For", "10.1.2.3, 127.0.5.5", NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_API_KEY);
    assert_int_equal(ev.group_kind, IG_ID_FORWARDED);
    assert_string_equal(ev.group_id, "127.0.5.5");
    mkreq(&r, "127.0.0.6", "X-Forwarded-For", "10.9.9.9, 127.0.5.5", NULL);
    expect_id(&ic, &r, &ev, IG_ID_FORWARDED, "127.0.5.5");
    /* ... and the SPIFFE workload when no address was forwarded. */
    mkreq(&r, "127.0.0.6", "x-api-key", "k-2", "x-forwarded-client-cert",
          "URI=spiffe://td/ns/a/sa/app", NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SPIFFE);
    assert_int_equal(ev.group_kind, IG_ID_SPIFFE);
    assert_string_equal(ev.group_id, "spiffe://td/ns/a/sa/app");
    assert_false(ev.id_flags & IG_IDF_MESH_SPOOF);
}

/* The defaults alone tell clients behind Istio's 127.0.0.6 apart. */
static void test_istio_defaults(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    char uri[128];
    struct req r;
    struct ig_event ev;
    ig_config_defaults(&c);
    snprintf(c.identity_secret, sizeof c.identity_secret, "s");
    init_ok(&ic, &c);
    char seen[15][IG_CLIENT_ID_MAX];
    for (int i = 0; i < 15; i++) {
        snprintf(uri, sizeof uri, "By=spiffe://cluster.local/ns/ml/sa/model;"
                 "URI=spiffe://cluster.local/ns/apps/sa/client-%d", i);
        mkreq(&r, "127.0.0.6", "x-forwarded-client-cert", uri, NULL);
        resolve(&ic, &r, &ev);
        assert_int_equal(ev.id_kind, IG_ID_SPIFFE);
        assert_int_equal(ev.id_basis, IG_BASIS_FORWARDED);
        strcpy(seen[i], ev.client_id);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(seen[i], seen[j]);
    }
    ig_identity_cfg_free(&ic);
}

static void hs256(const char *payload, const char *secret, char *out)
{
    tst_hs256_token("Bearer ", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, secret, out);
}

/* With a JWKS: a verified token is an identity from any peer; an expired or forged one is
 * never one, even relayed by a trusted proxy. */
static void test_jwt_verified(void **state)
{
    (void)state;
    char dir[] = "/tmp/ig_id_XXXXXX", path[64], k[64], err[256], tok[2048];
    const char *secret = "jwks-test-secret-0123456789abcd";
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/jwks.json", dir);
    tst_b64url((const uint8_t *)secret, strlen(secret), k);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"%s\"}]}", k);
    fclose(f);

    struct ig_config c;
    struct ig_identity_cfg ic;
    struct req r;
    struct ig_event ev;
    cfg_base(&c);
    snprintf(c.jwt_jwks_file, sizeof c.jwt_jwks_file, "%s", path);
    snprintf(c.jwt_audiences[0], sizeof c.jwt_audiences[0], "models");
    c.n_jwt_audiences = 1;
    c.jwt_leeway_s = 30;
    init_ok(&ic, &c);

    hs256("{\"iss\":\"idp\",\"sub\":\"carol\",\"aud\":\"models\",\"exp\":1700000600}", secret, tok);
    mkreq(&r, "127.0.9.9", "authorization", tok, NULL);
    r.t.req_time_us = 1700000000ull * 1000000u;
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_JWT);
    assert_int_equal(ev.id_basis, IG_BASIS_VERIFIED);
    assert_string_equal(ev.client_id, "idp|carol");
    assert_int_equal(ev.id_flags & IG_IDF_JWT_BAD, 0);

    /* The same token an hour later: expired (capture clock), not an identity. */
    r.t.req_time_us = 1700003600ull * 1000000u;
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SOURCE_IP);
    assert_true(ev.id_flags & IG_IDF_JWT_EXPIRED);
    assert_int_equal(ev.claimed_kind, IG_ID_JWT_UNVERIFIED);
    assert_string_equal(ev.claimed_id, "idp|carol");
    /* ... nor from the trusted proxy. */
    mkreq(&r, "127.0.0.6", "authorization", tok, NULL);
    r.t.req_time_us = 1700003600ull * 1000000u;
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SOURCE_IP);

    /* Forged (another secret) from the trusted proxy: not believed either. */
    hs256("{\"iss\":\"idp\",\"sub\":\"carol\",\"aud\":\"models\"}", "not-the-secret-not-the-secret!", tok);
    mkreq(&r, "127.0.0.6", "authorization", tok, NULL);
    r.t.req_time_us = 1700000000ull * 1000000u;
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SOURCE_IP);
    assert_true(ev.id_flags & IG_IDF_JWT_BAD);
    assert_false(ev.id_flags & IG_IDF_JWT_EXPIRED);

    /* Wrong audience. */
    hs256("{\"iss\":\"idp\",\"sub\":\"carol\",\"aud\":\"billing\"}", secret, tok);
    mkreq(&r, "127.0.9.9", "authorization", tok, NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_SOURCE_IP);
    ig_identity_cfg_free(&ic);

    /* A JWKS that is not one: a configuration error naming the file. */
    f = fopen(path, "w");
    fputs("{}", f);
    fclose(f);
    assert_int_equal(ig_identity_cfg_init(&ic, &c, err, sizeof(err)), IG_ECONF);
    assert_non_null(strstr(err, path));
    unlink(path);
    rmdir(dir);
}

/* IPv6 sources are grouped by /64: one host owns the whole prefix. */
static void test_ipv6_group(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    struct ig_event ev;
    cfg_base(&c);
    init_ok(&ic, &c);
    struct ig_http_txn t;
    memset(&t, 0, sizeof t);
    t.client.family = 6;
    assert_int_equal(inet_pton(AF_INET6, "2001:db8:1:2:aaaa::7", t.client.addr), 1);
    memset(&ev, 0, sizeof ev);
    ig_identity_resolve(&ic, &t, &ev);
    assert_string_equal(ev.client_id, "2001:db8:1:2:aaaa::7");
    assert_string_equal(ev.group_id, "2001:db8:1:2::/64");
}

static void test_order_and_config(void **state)
{
    (void)state;
    struct ig_config c;
    struct ig_identity_cfg ic;
    char err[256];
    struct req r;
    struct ig_event ev;
    cfg_base(&c);
    snprintf(c.identity_order[0], 16, "forwarded");
    snprintf(c.identity_order[1], 16, "api_key");
    c.n_identity_order = 2;
    init_ok(&ic, &c);
    mkreq(&r, "127.0.0.6", "x-api-key", "k1", "X-Forwarded-For", "127.0.5.5",
          "x-forwarded-client-cert", "URI=spiffe://td/a", NULL);
    resolve(&ic, &r, &ev);
    assert_int_equal(ev.id_kind, IG_ID_FORWARDED);   /* spiffe not in the order: skipped */

    /* source_ip ends the search: nothing after it is consulted. */
    snprintf(c.identity_order[0], 16, "source_ip");
    snprintf(c.identity_order[1], 16, "api_key");
    init_ok(&ic, &c);
    expect_id(&ic, &r, &ev, IG_ID_SOURCE_IP, "127.0.0.6");

    snprintf(c.identity_order[0], 16, "ldap");
    assert_int_equal(ig_identity_cfg_init(&ic, &c, err, sizeof(err)), IG_ECONF);
    assert_non_null(strstr(err, "ldap"));

    cfg_base(&c);
    snprintf(c.trusted_proxies[0], 64, "10.0.0.0/33");
    assert_int_equal(ig_identity_cfg_init(&ic, &c, err, sizeof(err)), IG_ECONF);
    assert_non_null(strstr(err, "10.0.0.0/33"));

    /* The secret from the environment, through the configuration's default (read there
     * once), else random (ids still hashed). */
    setenv("INFERGUARD_ID_SECRET", "test-secret", 1);
    ig_config_defaults(&c);
    unsetenv("INFERGUARD_ID_SECRET");
    init_ok(&ic, &c);
    assert_false(ic.secret_random);
    mkreq(&r, "127.0.0.6", "Authorization", "Bearer sk-live-0123456789abcdef", NULL);
    resolve(&ic, &r, &ev);
    assert_string_equal(ev.client_id, "key:502aec2550529098");
    ig_identity_cfg_free(&ic);
    c.identity_secret[0] = '\0';
    init_ok(&ic, &c);
    assert_true(ic.secret_random);
}

static void hex(const uint8_t *md, char *out)
{
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
}

/* FIPS 180-4 examples and RFC 4231 test cases 1, 2 and 6 (key longer than a block). */
static void test_hmac_sha256_vectors(void **state)
{
    (void)state;
    uint8_t md[32];
    char h[65];
    struct ig_sha256 s;
    ig_sha256_init(&s);
    ig_sha256_update(&s, "abc", 3);
    ig_sha256_final(&s, md);
    hex(md, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ig_sha256_init(&s);
    ig_sha256_update(&s, two, strlen(two));
    ig_sha256_final(&s, md);
    hex(md, h);
    assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* Any split of the input gives the same digest. */
    uint8_t big[300], ref[32];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7 + 3);
    ig_sha256_init(&s);
    ig_sha256_update(&s, big, sizeof big);
    ig_sha256_final(&s, ref);
    for (size_t cut = 0; cut <= sizeof big; cut += 13) {
        ig_sha256_init(&s);
        ig_sha256_update(&s, big, cut);
        ig_sha256_update(&s, big + cut, sizeof big - cut);
        ig_sha256_final(&s, md);
        assert_memory_equal(md, ref, 32);
    }

    struct ig_hmac_key k;
    uint8_t key[131];
    memset(key, 0x0b, 20);
    ig_hmac_sha256_key(&k, key, 20);
    ig_hmac_sha256(&k, "Hi There", 8, md);
    hex(md, h);
    assert_string_equal(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    ig_hmac_sha256_key(&k, "Jefe", 4);
    ig_hmac_sha256(&k, "what do ya want for nothing?", 28, md);
    hex(md, h);
    assert_string_equal(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, 131);
    ig_hmac_sha256_key(&k, key, 131);
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    ig_hmac_sha256(&k, m6, strlen(m6), md);
    hex(md, h);
    assert_string_equal(h, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_cidr(void **state)
{
    (void)state;
    struct ig_cidr c;
    uint8_t a[16];
    assert_int_equal(ig_cidr_parse("2001:db8::/32", &c), IG_OK);
    inet_pton(AF_INET6, "2001:db8:ffff::1", a);
    assert_true(ig_cidr_match(&c, 6, a));
    inet_pton(AF_INET6, "2001:db9::1", a);
    assert_false(ig_cidr_match(&c, 6, a));
    assert_int_equal(ig_cidr_parse("127.0.0.0/8", &c), IG_OK);
    inet_pton(AF_INET, "127.200.1.1", a);
    assert_true(ig_cidr_match(&c, 4, a));
    inet_pton(AF_INET6, "::ffff:127.0.0.6", a);   /* v4-mapped peer on a dual-stack socket */
    assert_true(ig_cidr_match(&c, 6, a));
    assert_int_equal(ig_cidr_parse("127.0.0.1/20", &c), IG_OK);
    inet_pton(AF_INET, "127.0.15.255", a);
    assert_true(ig_cidr_match(&c, 4, a));
    inet_pton(AF_INET, "127.0.16.0", a);
    assert_false(ig_cidr_match(&c, 4, a));
    assert_int_equal(ig_cidr_parse("0.0.0.0/0", &c), IG_OK);
    assert_true(ig_cidr_match(&c, 4, a));
    assert_int_equal(ig_cidr_parse("1.2.3.4/", &c), IG_EPARSE);
    assert_int_equal(ig_cidr_parse("::1/129", &c), IG_EPARSE);
    assert_int_equal(ig_cidr_parse("host", &c), IG_EPARSE);
}

/* Two identity stages of the base configuration: <ic> with its API-key digest cache, <plain>
 * without (every key hashed: the ids the cache must reproduce). */
static void cached_and_plain(struct ig_identity_cfg *ic, struct ig_identity_cfg *plain)
{
    struct ig_config c;
    cfg_base(&c);
    init_ok(ic, &c);
    init_ok(plain, &c);
    plain->key_cache = NULL;
}

/* The digest cache (recent keys) never changes an id: 600 keys through 256 slots, twice
 * in a different order, each id equal to the one computed with the cache off; keys that
 * differ in one byte, and keys longer than the cache keeps, get their own ids. */
static void test_api_key_cache_keeps_ids_exact(void **state)
{
    (void)state;
    static struct ig_identity_cfg ic, plain;
    cached_and_plain(&ic, &plain);
    enum { N = 600 };
    static char keys[N + 2][128];
    static char want[N + 2][IG_CLIENT_ID_MAX];
    for (int i = 0; i < N; i++)
        snprintf(keys[i], sizeof keys[i], "sk-%08d-%s", i * 7919, i % 3 ? "live" : "test");
    snprintf(keys[N], sizeof keys[N], "sk-%08d-live", 7919);    /* == keys[1] */
    memset(keys[N + 1], 'k', 100);                             /* longer than the cache keeps */
    keys[N + 1][100] = '\0';
    struct req r;
    struct ig_event ev;
    for (int i = 0; i < N + 2; i++) {
        mkreq(&r, "127.0.9.9", "x-api-key", keys[i], NULL);
        resolve(&plain, &r, &ev);
        assert_int_equal(ev.id_kind, IG_ID_API_KEY);
        snprintf(want[i], sizeof want[i], "%s", ev.client_id);
    }
    assert_string_equal(want[N], want[1]);
    assert_string_not_equal(want[1], want[4]);
    for (int round = 0; round < 2; round++)
        for (int k = 0; k < N + 2; k++) {
            int i = round ? N + 1 - k : k;
            mkreq(&r, "127.0.9.9", "x-api-key", keys[i], NULL);
            expect_id(&ic, &r, &ev, IG_ID_API_KEY, want[i]);
        }
    ig_identity_cfg_free(&ic);
    ig_identity_cfg_free(&plain);
}

/* Keys that differ only in their last character (a tenant's sequential keys, figure 1's
 * gRPC clients bench-client-1 to 8) each keep their own cache entry: resolved in turn,
 * every one of them is still there after the others, with the digest the uncached path
 * computes. (Before the slot was mixed they all had one slot and evicted each other, and
 * every request paid the HMAC.) */
static void test_api_key_cache_keeps_sequential_keys(void **state)
{
    (void)state;
    static struct ig_identity_cfg ic, plain;
    cached_and_plain(&ic, &plain);
    enum { N = 8 };
    char keys[N][32], want[N][IG_CLIENT_ID_MAX];
    struct req r;
    struct ig_event ev;
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "bench-client-%d", i + 1);
        mkreq(&r, "127.0.9.9", "x-api-key", keys[i], NULL);
        resolve(&plain, &r, &ev);
        snprintf(want[i], sizeof want[i], "%s", ev.client_id);
    }
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < N; i++) {
            mkreq(&r, "127.0.9.9", "x-api-key", keys[i], NULL);
            expect_id(&ic, &r, &ev, IG_ID_API_KEY, want[i]);
        }
    int cached = 0;
    for (int s = 0; s < IG_ID_KEY_CACHE_SLOTS; s++) {
        const size_t n = ic.key_cache_store.e[s].n;
        for (int i = 0; i < N; i++)
            cached += n == strlen(keys[i]) && memcmp(ic.key_cache_store.e[s].key, keys[i], n) == 0;
    }
    assert_int_equal(cached, N);
    ig_identity_cfg_free(&ic);
    ig_identity_cfg_free(&plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_key_cache_keeps_ids_exact),
        cmocka_unit_test(test_api_key_cache_keeps_sequential_keys),
        cmocka_unit_test(test_distinct_clients_behind_proxy),
        cmocka_unit_test(test_untrusted_forwarding_ignored),
        cmocka_unit_test(test_api_key_never_raw),
        cmocka_unit_test(test_jwt_forms),
        cmocka_unit_test(test_xfcc_last_element),
        cmocka_unit_test(test_order_and_config),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_untrusted_peer_claims),
        cmocka_unit_test(test_istio_defaults),
        cmocka_unit_test(test_jwt_verified),
        cmocka_unit_test(test_ipv6_group),
        cmocka_unit_test(test_hmac_sha256_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
