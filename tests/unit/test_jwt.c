/* JWKS parsing and JWS verification against the published examples: RFC 7515 appendices
 * A.1 (HS256), A.2 (RS256), A.3 (ES256) and RFC 8037 A.4 (Ed25519); then JWT claims
 * (iss, aud, exp, nbf with leeway) on tokens signed here, and the JWKS file reread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity/jwt.h"
#include "test_jwt_helpers.h"

static struct ig_span sp(const char *s) { return (struct ig_span){ (const uint8_t *)s, strlen(s) }; }

/* ---- the published vectors (line breaks of the RFCs removed) ---- */

#define RFC7515_PAYLOAD "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt" \
                        "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"

static const char a1_key[] =
    "{\"kty\":\"oct\",\r\n \"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0"
    "iPS4hcgUuTwjAzZr1Z9CAow\"}";
static const char a1_input[] = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." RFC7515_PAYLOAD;
static const char a1_sig[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

static const char a2_key[] =
    "{\"kty\":\"RSA\",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-"
    "4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0L"
    "OL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwK"
    "h9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\","
    "\"e\":\"AQAB\"}";
static const char a2_input[] = "eyJhbGciOiJSUzI1NiJ9." RFC7515_PAYLOAD;
static const char a2_sig[] =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5"
    "jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb"
    "1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QO"
    "YEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

static const char a3_key[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
static const char a3_input[] = "eyJhbGciOiJFUzI1NiJ9." RFC7515_PAYLOAD;
static const char a3_sig[] =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

static const char ed_key[] =
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
static const char ed_input[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
static const char ed_sig[] =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

static struct ig_jwks *parse(const char *json)
{
    char err[256] = "";
    struct ig_jwks *ks = ig_jwks_parse((const uint8_t *)json, strlen(json), err, sizeof err);
    if (!ks)
        fail_msg("jwks parse: %s", err);
    return ks;
}

/* Verifies <sig> over <input>; then again with one bit of the input and of the signature
 * flipped, which must fail. */
static void check_vector(const struct ig_jwks *ks, const char *alg, const char *input,
                         const char *sig_b64)
{
    uint8_t sig[600];
    long sn = ig_b64url_decode((const uint8_t *)sig_b64, strlen(sig_b64), sig, sizeof sig);
    assert_true(sn > 0);
    struct ig_span s = { sig, (size_t)sn };
    assert_int_equal(ig_jws_verify(ks, alg, NULL, sp(input), s), IG_OK);

    char *bad = strdup(input);
    bad[strlen(bad) - 3] ^= 1;
    assert_int_equal(ig_jws_verify(ks, alg, NULL, sp(bad), s), IG_EIO);
    free(bad);
    sig[sn / 2] ^= 0x40;
    assert_int_equal(ig_jws_verify(ks, alg, NULL, sp(input), s), IG_EIO);
}

static void test_rfc7515_a1_hs256(void **state)
{
    (void)state;
    struct ig_jwks *ks = parse(a1_key);
    assert_int_equal(ig_jwks_count(ks), 1);
    check_vector(ks, "HS256", a1_input, a1_sig);
    /* The key fits HS256 only. */
    uint8_t sig[64];
    long sn = ig_b64url_decode((const uint8_t *)a1_sig, strlen(a1_sig), sig, sizeof sig);
    assert_int_equal(ig_jws_verify(ks, "RS256", NULL, sp(a1_input), (struct ig_span){ sig, (size_t)sn }),
                     IG_EPARSE);
    ig_jwks_free(ks);
}

static void test_rfc7515_a2_rs256(void **state)
{
    (void)state;
    struct ig_jwks *ks = parse(a2_key);
    check_vector(ks, "RS256", a2_input, a2_sig);
    ig_jwks_free(ks);
}

static void test_rfc7515_a3_es256(void **state)
{
    (void)state;
    struct ig_jwks *ks = parse(a3_key);
    check_vector(ks, "ES256", a3_input, a3_sig);
    ig_jwks_free(ks);
}

static void test_rfc8037_a4_ed25519(void **state)
{
    (void)state;
    struct ig_jwks *ks = parse(ed_key);
    check_vector(ks, "EdDSA", ed_input, ed_sig);
    ig_jwks_free(ks);
}

/* ---- the JWKS parser ---- */

static void expect_refused(const char *json, const char *why)
{
    char err[256] = "";
    struct ig_jwks *ks = ig_jwks_parse((const uint8_t *)json, strlen(json), err, sizeof err);
    if (ks)
        fail_msg("accepted: %s", json);
    if (!strstr(err, why))
        fail_msg("error '%s' lacks '%s'", err, why);
}

static void test_jwks_parser(void **state)
{
    (void)state;
    /* A set with all four kinds, kids, an encryption key (skipped) and an unknown curve. */
    char set[4096];
    snprintf(set, sizeof set,
             "{\"keys\":[%.*s,\"kid\":\"h\"},%.*s,\"kid\":\"r\",\"alg\":\"RS256\",\"use\":\"sig\"},"
             "%.*s,\"kid\":\"e\"},%.*s,\"kid\":\"d\"},"
             "{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
             "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"},"
             "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AA\"}]}",
             (int)strlen(a1_key) - 1, a1_key, (int)strlen(a2_key) - 1, a2_key,
             (int)strlen(a3_key) - 1, a3_key, (int)strlen(ed_key) - 1, ed_key);
    struct ig_jwks *ks = parse(set);
    assert_int_equal(ig_jwks_count(ks), 4);
    uint8_t sig[600];
    long sn = ig_b64url_decode((const uint8_t *)a2_sig, strlen(a2_sig), sig, sizeof sig);
    struct ig_span s = { sig, (size_t)sn };
    assert_int_equal(ig_jws_verify(ks, "RS256", "r", sp(a2_input), s), IG_OK);
    assert_int_equal(ig_jws_verify(ks, "RS256", "nope", sp(a2_input), s), IG_EPARSE);  /* kid */
    assert_int_equal(ig_jws_verify(ks, "PS256", NULL, sp(a2_input), s), IG_EPARSE);    /* alg */
    ig_jwks_free(ks);

    expect_refused("", "not valid JSON");
    expect_refused("[]", "not a JSON object");
    expect_refused("{\"keys\":{}}", "not an array");
    expect_refused("{\"keys\":[]}", "no usable signing key");
    expect_refused("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
                   "no usable signing key");
    expect_refused("{\"keys\":[\"x\"]}", "not a JSON object");
    expect_refused("{\"keys\":[{\"n\":\"AQAB\"}]}", "no kty");
    expect_refused("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}", "2048 bits");
    expect_refused("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"!!\",\"e\":\"AQAB\"}]}", "malformed");
    expect_refused("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}]}",
                   "32 bytes");
    /* A point not on the curve: OpenSSL refuses it. */
    expect_refused("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
                   "\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
                   "\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}]}", "not a valid key");
    expect_refused("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2hvcnQ\"}]}", "16 bytes");
}

/* ---- tokens ---- */

static const char hs_secret[] = "0123456789abcdef0123456789abcdef";   /* 32 bytes */

/* An HS256 token over <hdr>.<payload> signed with <secret>. */
static void mktok(const char *hdr, const char *payload, const char *secret, char *out)
{
    tst_hs256_token("", hdr, payload, secret, out);
}

static struct ig_jwks *hs_set(void)
{
    char k[64], json[256];
    tst_b64url((const uint8_t *)hs_secret, strlen(hs_secret), k);
    snprintf(json, sizeof json, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"%s\"}]}", k);
    return parse(json);
}

#define NOW_US (1700000000ull * 1000000ull)

static enum ig_jwt_status check(const struct ig_jwks *ks, const struct ig_jwt_policy *pol,
                                const char *tok, char *id)
{
    size_t n;
    return ig_jwt_check(ks, pol, sp(tok), NOW_US, id, IG_JWT_ID_MAX, &n);
}

static void test_jwt_claims(void **state)
{
    (void)state;
    struct ig_jwks *ks = hs_set();
    struct ig_jwt_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.leeway_us = 60000000;
    char tok[4096], id[IG_JWT_ID_MAX];
    const char *hdr = "{\"alg\":\"HS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}";

    mktok(hdr, "{\"iss\":\"https://idp\",\"sub\":\"alice\",\"exp\":1700000100}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_VERIFIED);
    assert_string_equal(id, "https://idp|alice");
    /* No keys: the same token can only be unverifiable, id still read. */
    assert_int_equal(check(NULL, &pol, tok, id), IG_JWT_UNVERIFIABLE);
    assert_string_equal(id, "https://idp|alice");

    /* Expired, inside and beyond the leeway; not yet valid. */
    mktok(hdr, "{\"sub\":\"bob\",\"exp\":1699999950}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_VERIFIED);
    mktok(hdr, "{\"sub\":\"bob\",\"exp\":1699999900.5}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_EXPIRED);
    mktok(hdr, "{\"sub\":\"bob\",\"nbf\":1700000300}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_EXPIRED);
    mktok(hdr, "{\"sub\":\"bob\",\"exp\":\"tomorrow\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_NOT_JWT);

    /* Forged: signed with another secret; alg none; unknown kid; crit. */
    mktok(hdr, "{\"sub\":\"alice\"}", "another-secret-another-secret!!", tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_INVALID);
    mktok("{\"alg\":\"none\"}", "{\"sub\":\"alice\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_INVALID);
    mktok("{\"alg\":\"HS256\",\"kid\":\"k9\"}", "{\"sub\":\"alice\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_UNVERIFIABLE);
    mktok("{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}", "{\"sub\":\"alice\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_INVALID);
    /* An RS256 header over an HMAC: no RSA key, so nothing verifies it (no alg confusion). */
    mktok("{\"alg\":\"RS256\"}", "{\"sub\":\"alice\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_UNVERIFIABLE);

    /* iss and aud allow lists. */
    strcpy(pol.issuers[0], "https://idp");
    pol.n_issuers = 1;
    strcpy(pol.audiences[0], "models");
    pol.n_audiences = 1;
    mktok(hdr, "{\"iss\":\"https://idp\",\"sub\":\"a\",\"aud\":[\"x\",\"models\"]}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_VERIFIED);
    mktok(hdr, "{\"iss\":\"https://idp\",\"sub\":\"a\",\"aud\":\"models\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_VERIFIED);
    mktok(hdr, "{\"iss\":\"https://idp\",\"sub\":\"a\",\"aud\":\"other\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_INVALID);
    mktok(hdr, "{\"iss\":\"https://evil\",\"sub\":\"a\",\"aud\":\"models\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_INVALID);
    mktok(hdr, "{\"sub\":\"a\",\"aud\":\"models\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_INVALID);

    /* Not tokens. */
    assert_int_equal(check(ks, &pol, "sk-live-abc", id), IG_JWT_NOT_JWT);
    assert_int_equal(check(ks, &pol, "a.b.c.d", id), IG_JWT_NOT_JWT);
    mktok(hdr, "{\"iss\":\"x\"}", hs_secret, tok);
    assert_int_equal(check(ks, &pol, tok, id), IG_JWT_NOT_JWT);
    ig_jwks_free(ks);
}

static void test_jwks_file_reread(void **state)
{
    (void)state;
    char dir[] = "/tmp/ig_jwks_XXXXXX", path[64], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/jwks.json", dir);
    FILE *f = fopen(path, "w");
    fputs(a1_key, f);
    fclose(f);
    struct ig_jwks_file *jf = ig_jwks_file_open(path, err, sizeof err);
    assert_non_null(jf);
    assert_int_equal(ig_jwks_count(ig_jwks_file_get(jf)), 1);

    /* Rotated: two keys now (the file is replaced, as a ConfigMap update does). */
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%s/new.json", dir);
    f = fopen(tmp, "w");
    fprintf(f, "{\"keys\":[%s,%s]}", a2_key, ed_key);
    fclose(f);
    assert_int_equal(rename(tmp, path), 0);
    sleep(1);
    usleep(100000);
    assert_int_equal(ig_jwks_count(ig_jwks_file_get(jf)), 2);
    uint64_t errors;
    assert_int_equal(ig_jwks_file_reloads(jf, &errors), 1);

    /* Broken: the previous keys stay, the failure is counted. */
    f = fopen(tmp, "w");
    fputs("{\"keys\":[", f);
    fclose(f);
    assert_int_equal(rename(tmp, path), 0);
    sleep(1);
    usleep(100000);
    assert_int_equal(ig_jwks_count(ig_jwks_file_get(jf)), 2);
    ig_jwks_file_reloads(jf, &errors);
    assert_int_equal(errors, 1);
    ig_jwks_file_free(jf);

    assert_null(ig_jwks_file_open("/nonexistent/jwks.json", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/jwks.json"));
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc7515_a1_hs256),
        cmocka_unit_test(test_rfc7515_a2_rs256),
        cmocka_unit_test(test_rfc7515_a3_es256),
        cmocka_unit_test(test_rfc8037_a4_ed25519),
        cmocka_unit_test(test_jwks_parser),
        cmocka_unit_test(test_jwt_claims),
        cmocka_unit_test(test_jwks_file_reread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
