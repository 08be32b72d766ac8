/* Hyperscan rule databases: scan points, one callback per validated candidate with its
 * offsets, validators gate candidates, "once per rule" and "stop" from the callback,
 * model/route limits, forms, disabled rules, empty databases, build errors naming the rule,
 * and reload (a new database from new rules, used through the same scratch). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "text/hsdb.h"

#include <stdio.h>
#include <string.h>

struct rec { int n; char name[16][32]; size_t from[16], to[16]; int ret; };

static int on_m(void *ctx, const struct ig_hsdb_match *m)
{
    struct rec *r = ctx;
    if (r->n < 16) {
        snprintf(r->name[r->n], 32, "%s", m->rule->name);
        r->from[r->n] = m->from;
        r->to[r->n] = m->to;
        r->n++;
    }
    return r->ret;
}

static struct ig_rules *load(const char *y)
{
    struct ig_rules *r = NULL;
    char err[512];
    if (ig_rules_load_buf("t.yaml", y, strlen(y), &r, err, sizeof err) != IG_OK)
        fail_msg("%s", err);
    return r;
}

static const char *Y =
    "- rule: card\n  detector: leakage.secrets\n  patterns: ['\\b\\d{16}\\b']\n  validators: [luhn]\n  scan: response\n"
    "- rule: word\n  detector: leakage.secrets\n  patterns: ['secret', 'hidden']\n  scan: both\n"
    "- rule: req_only\n  detector: leakage.secrets\n  patterns: ['please']\n  scan: request\n"
    "- rule: chat_only\n  detector: leakage.secrets\n  patterns: ['zebra']\n  routes: ['/v1/chat/*']\n"
    "- rule: off\n  detector: leakage.secrets\n  patterns: ['secret']\n  enabled: false\n"
    "- rule: other\n  detector: other.det\n  patterns: ['secret']\n"
    "- rule: wordsform\n  detector: leakage.secrets\n  patterns: ['ignore previous']\n  params: {form: words}\n";

static void test_points_offsets_validators(void **st)
{
    (void)st;
    struct ig_rules *r = load(Y);
    const char *const dets[] = { "leakage.secrets", NULL };
    struct ig_hsdb *db = NULL;
    struct ig_hsdb_scratch *s = NULL;
    char err[256];
    assert_int_equal(ig_hsdb_build(NULL, r, dets, "raw", &db, err, sizeof err), IG_OK);
    assert_int_equal(ig_hsdb_rules(db), 4);          /* off, other, wordsform excluded */
    assert_int_equal(ig_hsdb_patterns(db, IG_SCAN_RESPONSE), 4);
    assert_int_equal(ig_hsdb_patterns(db, IG_SCAN_REQUEST), 4);
    assert_int_equal(ig_hsdb_scratch_fit(db, &s), IG_OK);
    const char *t = "a secret 4111111111111111 and 4111111111111112 please";
    struct rec rc = { .ret = 0 };
    assert_int_equal(ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)t, strlen(t), NULL,
                                  "/v1/completions", s, on_m, &rc), IG_OK);
    assert_int_equal(rc.n, 2);                      /* secret, the valid card; not please */
    assert_string_equal(rc.name[0], "word");
    assert_int_equal(rc.from[0], 2);
    assert_int_equal(rc.to[0], 8);
    assert_string_equal(rc.name[1], "card");
    assert_int_equal(rc.from[1], 9);
    assert_int_equal(rc.to[1], 25);
    memset(&rc, 0, sizeof rc);
    assert_int_equal(ig_hsdb_scan(db, IG_SCAN_REQUEST, (const uint8_t *)t, strlen(t), NULL, NULL,
                                  s, on_m, &rc), IG_OK);
    assert_int_equal(rc.n, 2);                      /* secret, please; no card rule */
    assert_string_equal(rc.name[1], "req_only");
    /* routes limit; once-per-rule; stop */
    const char *z = "zebra zebra hidden secret";
    memset(&rc, 0, sizeof rc);
    ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)z, strlen(z), NULL, "/v1/embeddings", s, on_m, &rc);
    assert_int_equal(rc.n, 2);
    assert_string_equal(rc.name[0], "word");
    memset(&rc, 0, sizeof rc);
    ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)z, strlen(z), NULL, "/v1/chat/completions", s, on_m, &rc);
    assert_int_equal(rc.n, 4);
    memset(&rc, 0, sizeof rc);
    rc.ret = 1;
    ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)z, strlen(z), NULL, "/v1/chat/x", s, on_m, &rc);
    assert_int_equal(rc.n, 2);                      /* zebra once, word once */
    memset(&rc, 0, sizeof rc);
    rc.ret = 2;
    ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)z, strlen(z), NULL, "/v1/chat/x", s, on_m, &rc);
    assert_int_equal(rc.n, 1);
    /* empty text, NULL db */
    assert_int_equal(ig_hsdb_scan(db, IG_SCAN_RESPONSE, NULL, 0, NULL, NULL, s, on_m, &rc), IG_OK);
    assert_int_equal(ig_hsdb_scan(NULL, IG_SCAN_RESPONSE, (const uint8_t *)z, 3, NULL, NULL, s, on_m, &rc), IG_OK);
    assert_true(ig_hsdb_validate(db, 0, (const uint8_t *)t, 9, 25));
    assert_false(ig_hsdb_validate(db, 0, (const uint8_t *)t, 30, 46));

    /* reload: new rules, new database, same scratch grown to fit, old one freed */
    struct ig_rules *r2 = load("- rule: only\n  detector: leakage.secrets\n  patterns: ['zebra', 'secret', 'x{3,}']\n");
    struct ig_hsdb *db2 = NULL;
    assert_int_equal(ig_hsdb_build(NULL, r2, dets, NULL, &db2, err, sizeof err), IG_OK);
    assert_int_equal(ig_hsdb_scratch_fit(db2, &s), IG_OK);
    ig_hsdb_free(db);
    ig_rules_free(r);
    memset(&rc, 0, sizeof rc);
    ig_hsdb_scan(db2, IG_SCAN_RESPONSE, (const uint8_t *)z, strlen(z), NULL, NULL, s, on_m, &rc);
    assert_int_equal(rc.n, 3);
    assert_string_equal(rc.name[0], "only");
    ig_hsdb_free(db2);
    ig_rules_free(r2);
    ig_hsdb_scratch_free(s);
}

static void test_forms_and_empty(void **st)
{
    (void)st;
    struct ig_rules *r = load(Y);
    const char *const dets[] = { "leakage.secrets", NULL };
    struct ig_hsdb *db = NULL;
    char err[256];
    assert_int_equal(ig_hsdb_build(NULL, r, dets, "words", &db, err, sizeof err), IG_OK);
    assert_int_equal(ig_hsdb_rules(db), 1);
    ig_hsdb_free(db);
    const char *const none[] = { "nobody", NULL };
    assert_int_equal(ig_hsdb_build(NULL, r, none, NULL, &db, err, sizeof err), IG_OK);
    assert_int_equal(ig_hsdb_rules(db), 0);
    struct rec rc = { 0 };
    assert_int_equal(ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)"secret", 6, NULL, NULL, NULL, on_m, &rc), IG_OK);
    assert_int_equal(rc.n, 0);
    ig_hsdb_free(db);
    assert_int_equal(ig_hsdb_build(NULL, NULL, NULL, NULL, &db, err, sizeof err), IG_OK);
    ig_hsdb_free(db);
    ig_rules_free(r);
}

static void test_build_errors(void **st)
{
    (void)st;
    char err[256];
    struct ig_hsdb *db = (struct ig_hsdb *)1;
    struct ig_rules *r = load("- rule: lookbehind\n  detector: d\n  patterns: ['ok', '(?<=a)b']\n");
    assert_int_equal(ig_hsdb_build(NULL, r, NULL, NULL, &db, err, sizeof err), IG_ECONF);
    assert_null(db);
    assert_non_null(strstr(err, "t.yaml:1: rule lookbehind: pattern '(?<=a)b'"));
    ig_rules_free(r);
    r = load("- rule: ctx\n  detector: d\n  patterns: ['x']\n  validators: [context]\n");
    assert_int_equal(ig_hsdb_build(NULL, r, NULL, NULL, &db, err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "needs params.context"));
    ig_rules_free(r);
}

static void test_extend_left(void **st)
{
    (void)st;
    struct ig_rules *r = load("- rule: mail\n  detector: d\n  patterns: ['[a-z.]@b\\.com']\n"
                              "  params: {extend_left: 'a-z.', max_len: 16}\n");
    struct ig_hsdb *db = NULL;
    struct ig_hsdb_scratch *s = NULL;
    char err[256];
    assert_int_equal(ig_hsdb_build(NULL, r, NULL, NULL, &db, err, sizeof err), IG_OK);
    assert_int_equal(ig_hsdb_scratch_fit(db, &s), IG_OK);
    const char *t = "mail: jane.doe@b.com, averyveryverylongname@b.com";
    struct rec rc = { 0 };
    ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)t, strlen(t), NULL, NULL, s, on_m, &rc);
    assert_int_equal(rc.n, 2);
    assert_int_equal(rc.from[0], 6);        /* the whole address, not just "e@b.com" */
    assert_int_equal(rc.to[0], 20);
    assert_int_equal(rc.to[1] - rc.from[1], 16);   /* capped at max_len */
    ig_hsdb_scratch_free(s);
    ig_hsdb_free(db);
    ig_rules_free(r);
    /* trim_left: the match starts at the context word, the report at the digits */
    r = load("- rule: ssn\n  detector: d\n  patterns: ['ssn\\D{0,10}\\d{9}']\n"
             "  validators: [ssn]\n  params: {trim_left: '^0-9'}\n");
    s = NULL;
    assert_int_equal(ig_hsdb_build(NULL, r, NULL, NULL, &db, err, sizeof err), IG_OK);
    assert_int_equal(ig_hsdb_scratch_fit(db, &s), IG_OK);
    t = "my ssn: 219099999";
    memset(&rc, 0, sizeof rc);
    ig_hsdb_scan(db, IG_SCAN_RESPONSE, (const uint8_t *)t, strlen(t), NULL, NULL, s, on_m, &rc);
    assert_int_equal(rc.n, 1);
    assert_int_equal(rc.from[0], 8);
    assert_int_equal(rc.to[0], 17);
    ig_hsdb_scratch_free(s);
    ig_hsdb_free(db);
    ig_rules_free(r);
}

static void count_report(void *ctx, const char *msg)
{
    (void)msg;
    ++*(int *)ctx;
}

static void test_check(void **st)
{
    (void)st;
    struct ig_rules *r = load("- rule: a\n  detector: d\n  patterns: ['ok', '(?<=a)b', '[']\n"
                              "  validators: [luhn, nope]\n  enabled: false\n"
                              "- rule: b\n  detector: d\n  patterns: ['x']\n  validators: [context]\n"
                              "- rule: c\n  detector: d\n  patterns: ['fine']\n");
    int seen = 0;
    assert_int_equal(ig_hsdb_check(r, count_report, &seen), 4);
    assert_int_equal(seen, 4);
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_points_offsets_validators), cmocka_unit_test(test_forms_and_empty),
        cmocka_unit_test(test_build_errors), cmocka_unit_test(test_check),
        cmocka_unit_test(test_extend_left),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
