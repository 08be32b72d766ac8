/* Validators that decide whether a pattern hit is a real card, IBAN, SSN, JWT or key:
 * the brief's reference values, near-misses, separators and junk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "text/validators.h"

#include <string.h>

#define S(x) x, strlen(x)

static void test_luhn_cards(void **st)
{
    (void)st;
    assert_true(ig_valid_card(S("4111111111111111")));
    assert_true(ig_valid_card(S("378282246310005")));
    assert_true(ig_valid_card(S("5555555555554444")));
    assert_true(ig_valid_card(S("2223003122003222")));
    assert_true(ig_valid_card(S("4111 1111 1111 1111")));
    assert_true(ig_valid_card(S("4111-1111-1111-1111")));
    assert_true(ig_valid_card(S("6011111111111117")));        /* Discover */
    assert_true(ig_valid_card(S("3530111333300000")));        /* JCB */
    assert_true(ig_valid_card(S("30569309025904")));          /* Diners */
    assert_false(ig_valid_card(S("4111111111111112")));       /* Luhn fails */
    assert_false(ig_valid_card(S("1234567812345670")));       /* Luhn ok, no IIN */
    assert_true(ig_luhn(S("1234567812345670")));
    assert_false(ig_valid_card(S("37828224631000")));         /* Amex needs 15 */
    assert_false(ig_valid_card(S("411111111111")));           /* too short */
    assert_false(ig_valid_card(S("4111x111111111111")));
    assert_false(ig_valid_card(S("41111111111111111111111")));
    assert_false(ig_luhn(S("")));
}

static void test_iban(void **st)
{
    (void)st;
    assert_true(ig_valid_iban(S("DE89370400440532013000")));
    assert_true(ig_valid_iban(S("GB82WEST12345698765432")));
    assert_true(ig_valid_iban(S("GB82 WEST 1234 5698 7654 32")));
    assert_true(ig_valid_iban(S("FR1420041010050500013M02606")));
    assert_false(ig_valid_iban(S("GB82WEST12345698765431")));  /* mod 97 */
    assert_false(ig_valid_iban(S("DE8937040044053201300")));   /* DE length */
    assert_false(ig_valid_iban(S("1289370400440532013000")));
    assert_false(ig_valid_iban(S("DE89")));
    assert_false(ig_valid_iban(S("DE89370400440532013000DE89370400440532013000")));
}

static void test_ssn(void **st)
{
    (void)st;
    assert_true(ig_valid_ssn(S("123-45-6789")));
    assert_true(ig_valid_ssn(S("123 45 6789")));
    assert_true(ig_valid_ssn(S("123456789")));
    assert_false(ig_valid_ssn(S("123-45 6789")));   /* mixed separators */
    assert_false(ig_valid_ssn(S("000-12-3456")));
    assert_false(ig_valid_ssn(S("666-12-3456")));
    assert_false(ig_valid_ssn(S("912-12-3456")));
    assert_false(ig_valid_ssn(S("123-00-4567")));
    assert_false(ig_valid_ssn(S("123-45-0000")));
    assert_false(ig_valid_ssn(S("111-11-1111")));
    assert_false(ig_valid_ssn(S("12-345-6789")));
    assert_false(ig_valid_ssn(S("123-45-67890")));
}

static void test_entropy_jwt_aws(void **st)
{
    (void)st;
    assert_true(ig_entropy(S("aaaaaaaa")) < 0.01);
    assert_true(ig_entropy(S("abcd")) > 1.99 && ig_entropy(S("abcd")) < 2.01);
    assert_true(ig_entropy(S("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9a8s7Hq3")) > 4.0);
    assert_true(ig_entropy("", 0) == 0);
    /* {"alg":"HS256","typ":"JWT"} . {"sub":"1234567890","name":"John Doe","iat":1516239022} */
    const char *jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"
                      "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    assert_true(ig_valid_jwt(S(jwt)));
    assert_false(ig_valid_jwt(S("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJub3QganNvbg.sig")));
    assert_false(ig_valid_jwt(S("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9")));
    assert_false(ig_valid_jwt(S("eyJ.eyJ.x")));
    assert_true(ig_aws_example(S("AKIAIOSFODNN7EXAMPLE")));
    assert_false(ig_aws_example(S("AKIAZ7Q3LM4N5R6T2VWX")));
    assert_true(ig_has_context(S("my Social Security number is"), "ssn|social security"));
    assert_false(ig_has_context(S("order number"), "ssn|social security"));
}

/* RFC 2606's documentation domains and their subdomains, any case; not look-alikes. */
static void test_reserved_email(void **st)
{
    (void)st;
    const char *yes[] = { "jane.doe@example.com", "it@mail.example.org", "a@EXAMPLE.NET" };
    const char *no[] = { "jane@example.co.uk", "x@myexample.com", "x@example.com.evil.io",
                         "example.com", "x@corp-mail.com" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(ig_reserved_email(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(ig_reserved_email(no[i], strlen(no[i])));
}

static void test_mask(void **st)
{
    (void)st;
    uint8_t k1[16] = { 1 }, k2[16] = { 2 };
    char a[96], b[96];
    ig_text_mask(S("AKIAZ7Q3LM4N5R6T2VWX"), k1, a, sizeof a);
    assert_non_null(strstr(a, "AK...WX (20 chars) #"));
    assert_null(strstr(a, "Z7Q3LM4N5R6T2V"));
    ig_text_mask(S("AKIAZ7Q3LM4N5R6T2VWX"), k2, b, sizeof b);
    assert_string_not_equal(a, b);          /* keyed */
    ig_text_mask(S("AKIAZ7Q3LM4N5R6T2VWX"), k1, b, sizeof b);
    assert_string_equal(a, b);              /* stable */
    ig_text_mask(S("1234"), k1, a, sizeof a);
    assert_null(strstr(a, "1234"));
    /* SipHash-2-4 reference vector: key 00..0f, empty message */
    uint8_t key[16];
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    assert_true(ig_siphash(key, "", 0) == 0x726fdb47dd0e0e31ull);
    uint8_t msg[15];
    for (int i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    assert_true(ig_siphash(key, msg, 15) == 0xa129ca6149be45e5ull);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_luhn_cards), cmocka_unit_test(test_iban),
        cmocka_unit_test(test_ssn), cmocka_unit_test(test_entropy_jwt_aws),
        cmocka_unit_test(test_mask), cmocka_unit_test(test_reserved_email),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
