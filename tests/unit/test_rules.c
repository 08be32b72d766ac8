/* Rules loader: detector settings, lists (expanded, nested), macros, pattern rules and
 * their overrides; every error reported with file:line; the shipped rules/ are valid. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <inferguard/rules.h>

#include "config/embedded_files.h"
#include <inferguard/finding.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_null_rules_defaults(void **state)
{
    (void)state;
    const char *const *items;
    assert_true(ig_rules_enabled(NULL, "abuse.rate", true));
    assert_false(ig_rules_enabled(NULL, "abuse.rate", false));
    assert_true(ig_rules_num(NULL, "abuse.rate", "max_requests", 100) == 100);
    assert_string_equal(ig_rules_str(NULL, "x.y", "p", "d"), "d");
    assert_int_equal(ig_rules_severity(NULL, "x.y", IG_SEV_HIGH), IG_SEV_HIGH);
    assert_int_equal(ig_rules_throttle_us(NULL, "x.y", 7), 7);
    assert_int_equal(ig_rules_duration_us(NULL, "x.y", "w", 9), 9);
    assert_int_equal(ig_rules_strlist(NULL, "x.y", "p", &items), 0);
    assert_null(items);
    assert_int_equal(ig_rules_count(NULL, NULL), 0);
    assert_null(ig_rules_macro(NULL, "m"));
}

static void test_detector_block(void **state)
{
    (void)state;
    struct ig_rules *r = tst_rules_load(
        "- detector: abuse.rate\n"
        "  enabled: true\n"
        "  severity: high\n"
        "  throttle: 30s\n"
        "  params:\n"
        "    window: 500ms\n"
        "    max_requests: 250\n"
        "    label: fast\n"
        "    strict: yes\n"
        "    names: [a, b]\n"
        "- detector: other.thing\n"
        "  enabled: false\n");
    assert_true(ig_rules_enabled(r, "abuse.rate", false));
    assert_false(ig_rules_enabled(r, "other.thing", true));
    assert_true(ig_rules_enabled(r, "not.mentioned", true));
    assert_int_equal(ig_rules_severity(r, "abuse.rate", IG_SEV_LOW), IG_SEV_HIGH);
    assert_int_equal(ig_rules_severity(r, "other.thing", IG_SEV_LOW), IG_SEV_LOW);
    assert_int_equal(ig_rules_throttle_us(r, "abuse.rate", 0), 30000000);
    assert_int_equal(ig_rules_duration_us(r, "abuse.rate", "window", 0), 500000);
    assert_true(ig_rules_num(r, "abuse.rate", "max_requests", 0) == 250);
    assert_true(ig_rules_num(r, "abuse.rate", "label", -1) == -1);     /* not a number: default */
    assert_string_equal(ig_rules_str(r, "abuse.rate", "label", NULL), "fast");
    assert_true(ig_rules_bool(r, "abuse.rate", "strict", false));
    const char *const *items;
    assert_int_equal(ig_rules_strlist(r, "abuse.rate", "names", &items), 2);
    assert_string_equal(items[1], "b");
    assert_int_equal(ig_rules_strlist(r, "abuse.rate", "label", &items), 1);
    assert_string_equal(items[0], "fast");
    ig_rules_free(r);
}

static void test_lists_macros_rules(void **state)
{
    (void)state;
    struct ig_rules *r = tst_rules_load(
        "- list: aws\n"
        "  items: ['AKIA[0-9A-Z]{16}']\n"
        "- list: cloud_keys\n"
        "  items: [{list: aws}, 'ghp_[A-Za-z0-9]{36}']\n"
        "- macro: is_chat\n"
        "  condition: route startswith /v1/chat\n"
        "- rule: cloud_key_in_output\n"
        "  desc: a cloud credential in a response\n"
        "  detector: leakage.secrets\n"
        "  patterns: ['-----BEGIN PRIVATE KEY-----', {list: cloud_keys}]\n"
        "  validators: [entropy]\n"
        "  severity: critical\n"
        "  atlas: [AML.T0055, AML.T0057]\n"
        "  throttle: 1m\n"
        "  tags: [secrets]\n"
        "  scan: response\n"
        "  models: ['chat-*']\n"
        "  routes: ['/v1/*']\n"
        "  weight: 2.5\n"
        "  params: {min_len: 20, mode: strict}\n"
        "  positives: ['AKIAABCDEFGHIJKLMNOP']\n"
        "  negatives: ['AKIAIOSFODNN7EXAMPLE']\n"
        "- rule: override_me\n"
        "  detector: prompt_injection.signature\n"
        "  condition: is_chat\n");
    const char *const *items;
    assert_int_equal(ig_rules_list(r, "cloud_keys", &items), 2);
    assert_string_equal(items[0], "AKIA[0-9A-Z]{16}");
    assert_string_equal(ig_rules_macro(r, "is_chat"), "route startswith /v1/chat");
    assert_int_equal(ig_rules_count(r, NULL), 2);
    assert_int_equal(ig_rules_count(r, "leakage.secrets"), 1);
    const struct ig_rule *ru = ig_rules_get(r, "leakage.secrets", 0);
    assert_non_null(ru);
    assert_null(ig_rules_get(r, "leakage.secrets", 1));
    assert_string_equal(ru->name, "cloud_key_in_output");
    assert_int_equal(ru->patterns.n, 3);   /* one literal + a list of a list and a literal */
    assert_string_equal(ru->patterns.v[0], "-----BEGIN PRIVATE KEY-----");
    assert_string_equal(ru->patterns.v[1], "AKIA[0-9A-Z]{16}");
    assert_string_equal(ru->patterns.v[2], "ghp_[A-Za-z0-9]{36}");
    assert_int_equal(ru->severity, IG_SEV_CRITICAL);
    assert_int_equal(ru->atlas.n, 2);
    assert_int_equal(ru->throttle_us, 60000000);
    assert_int_equal(ru->scan, IG_SCAN_RESPONSE);
    assert_true(ru->enabled);
    assert_true(ru->weight == 2.5);
    assert_int_equal(ru->line, 7);
    assert_string_equal(ru->file, "t.yaml");
    assert_true(ig_rule_num(ru, "min_len", 0) == 20);
    assert_string_equal(ig_rule_str(ru, "mode", ""), "strict");
    assert_int_equal(ru->negatives.n, 1);
    assert_true(ig_rule_applies(ru, "chat-small", "/v1/chat/completions"));
    assert_false(ig_rule_applies(ru, "fraud", "/v1/chat/completions"));
    assert_false(ig_rule_applies(ru, "chat-small", "/v2/models/x/infer"));
    const struct ig_rule *o = ig_rules_find(r, "override_me");
    assert_non_null(o);
    assert_int_equal(o->scan, IG_SCAN_BOTH);      /* defaults */
    assert_true(o->weight == 1.0);
    assert_int_equal(o->severity, 0);
    assert_int_equal(o->models.n, 0);
    assert_true(ig_rule_applies(o, "anything", "/x"));
    ig_rules_free(r);
}

static void test_dir_order_and_overrides(void **state)
{
    (void)state;
    char dir[] = "/tmp/ig_test_rules_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "10-base.yaml",
               "- detector: abuse.rate\n  severity: low\n  params: {window: 10s, max_requests: 100}\n"
               "- list: words\n  items: [a]\n"
               "- rule: r1\n  detector: leakage.pii\n  patterns: [x]\n  severity: medium\n");
    write_file(dir, "20-local.yaml",
               "- detector: abuse.rate\n  params: {max_requests: 5}\n"
               "- rule: r1\n  enabled: false\n  severity: high\n");
    write_file(dir, "notes.txt", "not: [yaml\n");   /* only *.yaml files are read */
    struct ig_rules *r = NULL;
    char err[512] = "";
    assert_int_equal(ig_rules_load_dir(dir, &r, err, sizeof err), IG_OK);
    assert_true(ig_rules_num(r, "abuse.rate", "max_requests", 0) == 5);      /* later file wins */
    assert_int_equal(ig_rules_duration_us(r, "abuse.rate", "window", 0), 10000000); /* kept */
    assert_int_equal(ig_rules_severity(r, "abuse.rate", 0), IG_SEV_LOW);
    const struct ig_rule *ru = ig_rules_find(r, "r1");
    assert_false(ru->enabled);
    assert_int_equal(ru->severity, IG_SEV_HIGH);
    assert_int_equal(ru->patterns.n, 1);                                      /* kept */
    ig_rules_free(r);

    /* A bad file in the directory: load fails with file:line, *out stays NULL. */
    write_file(dir, "30-bad.yaml", "- detector: abuse.rate\n  severity: extreme\n");
    assert_int_equal(ig_rules_load_dir(dir, &r, err, sizeof err), IG_ECONF);
    assert_null(r);
    char want[600];
    snprintf(want, sizeof want, "%s/30-bad.yaml:2: severity 'extreme'", dir);
    if (!strstr(err, want))
        fail_msg("err '%s' lacks '%s'", err, want);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ig_rules_load_dir(dir, &r, err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "cannot open"));
}

static void test_every_error_reported(void **state)
{
    (void)state;
    const char *yaml =
        "- detector: abuse.rate\n"          /* 1 */
        "  severty: high\n"                 /* 2: unknown key */
        "- rule: r1\n"                      /* 3 */
        "  detector: leakage.pii\n"
        "  patterns: [a]\n"
        "  colour: red\n"                   /* 6: unknown key */
        "  scan: sideways\n"                /* 7 */
        "- rule: r2\n"                      /* 8: no detector, overrides nothing */
        "  enabled: false\n"
        "- rule: r3\n"                      /* 10: neither patterns nor condition */
        "  detector: leakage.pii\n"
        "- rule: r4\n"
        "  detector: leakage.pii\n"
        "  patterns: [{list: nope}]\n"      /* unknown list, reported at the rule: 12 */
        "  atlas: [T0051]\n"                /* 15 */
        "- list: loop\n"                    /* 16 */
        "  items: [{list: loop}]\n"
        "- macro: m\n"                      /* 18: no condition */
        "- 42\n"                            /* 19 */
        "- {hello: world}\n"                /* 20 */
        "- rule: r1\n"                      /* 21: twice in one file */
        "  detector: leakage.pii\n"
        "  patterns: [b]\n"
        "- detector: abuse.rate\n"
        "  throttle: soon\n"                /* 25 */
        "  params: {window: {a: 1}}\n";     /* 26 */
    struct tst_msgs ms = { .n = 0 };
    int n = ig_rules_check_buf("bad.yaml", yaml, strlen(yaml), tst_collect, &ms);
    TST_EXPECT_MSG(&ms, "bad.yaml:2: detector 'abuse.rate': unknown key 'severty'");
    TST_EXPECT_MSG(&ms, "bad.yaml:6: rule: unknown key 'colour'");
    TST_EXPECT_MSG(&ms, "bad.yaml:7: scan 'sideways' is not one of request|response|both");
    TST_EXPECT_MSG(&ms, "bad.yaml:8: rule 'r2' has no 'detector'");
    TST_EXPECT_MSG(&ms, "bad.yaml:10: rule 'r3' has neither 'patterns' nor 'condition'");
    TST_EXPECT_MSG(&ms, "bad.yaml:15: atlas 'T0051' is not a technique id");
    TST_EXPECT_MSG(&ms, "bad.yaml:16: list 'loop' includes itself");
    TST_EXPECT_MSG(&ms, "bad.yaml:18: macro 'm' has no 'condition'");
    TST_EXPECT_MSG(&ms, "bad.yaml:19: each item must be a map");
    TST_EXPECT_MSG(&ms, "bad.yaml:20: item has none of 'rule', 'detector', 'list', 'macro'");
    TST_EXPECT_MSG(&ms, "bad.yaml:21: rule 'r1' is defined twice (first at line 3)");
    TST_EXPECT_MSG(&ms, "bad.yaml:25: 'throttle': 'soon' is not a duration");
    TST_EXPECT_MSG(&ms, "bad.yaml:26: param 'window' must be a number, string or list, not a map");
    assert_int_equal(n, ms.n);
    assert_true(n >= 13);

    /* The unknown-list error names the rule's line once atlas is valid. */
    const char *y2 = "- rule: r4\n  detector: leakage.pii\n  patterns: [{list: nope}]\n";
    ms.n = 0;
    assert_int_equal(ig_rules_check_buf("u.yaml", y2, strlen(y2), tst_collect, &ms), 1);
    TST_EXPECT_MSG(&ms, "u.yaml:1: unknown list 'nope'");

    /* Not a list at top level; invalid YAML. */
    ms.n = 0;
    assert_int_equal(ig_rules_check_buf("m.yaml", "a: 1\n", 5, tst_collect, &ms), 1);
    TST_EXPECT_MSG(&ms, "m.yaml:1: a rules file is a list of items, got a map");
    ms.n = 0;
    assert_int_equal(ig_rules_check_buf("y.yaml", "- [a\n", 5, tst_collect, &ms), 1);
    TST_EXPECT_MSG(&ms, "y.yaml:2: invalid YAML");
    /* Empty file: valid. */
    assert_int_equal(ig_rules_check_buf("e.yaml", "", 0, tst_collect, &ms), 0);
}

static void test_alias_bomb_bounded(void **state)
{
    (void)state;
    /* Each level doubles the items through aliases; the loader must stop, not explode. */
    char yaml[4096];
    size_t o = 0;
    o += (size_t)snprintf(yaml + o, sizeof yaml - o, "- list: l0\n  items: &a0 [x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 40; i++)
        o += (size_t)snprintf(yaml + o, sizeof yaml - o, "- list: l%d\n  items: [{list: l%d}, {list: l%d}]\n",
                              i, i - 1, i - 1);
    o += (size_t)snprintf(yaml + o, sizeof yaml - o, "- list: z\n  items: *a0\n");
    struct tst_msgs ms = { .n = 0 };
    int n = ig_rules_check_buf("bomb.yaml", yaml, o, tst_collect, &ms);
    assert_true(n >= 1);
    TST_EXPECT_MSG(&ms, "lists expand to more than");
}

static void test_shipped_rules_valid(void **state)
{
    (void)state;
    const char *src = getenv("IG_SRC");
    assert_non_null(src);   /* ctest sets it (tests/CMakeLists.txt) */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/rules", src);
    struct tst_msgs ms = { .n = 0 };
    int n = ig_rules_check_dir(dir, tst_collect, &ms);
    if (n) {
        tst_dump(&ms);
        fail_msg("%d errors in shipped rules", n);
    }
    struct ig_rules *r = NULL;
    char err[512];
    assert_int_equal(ig_rules_load_dir(dir, &r, err, sizeof err), IG_OK);
    assert_true(ig_rules_enabled(r, "abuse.rate", false));
    assert_true(ig_rules_num(r, "abuse.rate", "min_requests", 0) == 150);
    assert_true(ig_rules_num(r, "abuse.rate", "max_requests", -1) == -1);   /* no quota: relative limits */
    ig_rules_free(r);
}

/* The set compiled into the binary is exactly the repository's rules/ (every file, byte for
 * byte, both ways), loads as the same rules, and has the directory's hash. */
static void test_embedded_rules_are_the_shipped_files(void **state)
{
    (void)state;
    const char *src = getenv("IG_SRC");
    assert_non_null(src);   /* set by ctest */
    char dir[512], path[700];
    snprintf(dir, sizeof dir, "%s/rules", src);
    size_t seen = 0;
    for (const struct ig_embedded_file *f = ig_embedded_rules; f->name; f++, seen++) {
        snprintf(path, sizeof path, "%s/%s", dir, f->name);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        char *buf = malloc(f->len + 1);
        size_t got = fread(buf, 1, f->len + 1, fp);
        fclose(fp);
        assert_int_equal(got, f->len);
        assert_memory_equal(buf, f->data, f->len);
        free(buf);
    }
    assert_int_equal(seen, ig_embedded_rules_count);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t on_disk = 0;
    for (struct dirent *de; (de = readdir(d));) {
        size_t len = strlen(de->d_name);
        if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0 && de->d_name[0] != '.') {
            on_disk++;
            assert_non_null(ig_embedded_rules_find(de->d_name));
        }
    }
    closedir(d);
    assert_int_equal(on_disk, seen);

    struct ig_rules *emb = NULL, *fromdir = NULL;
    char err[512];
    assert_int_equal(ig_rules_load_embedded(&emb, err, sizeof err), IG_OK);
    assert_int_equal(ig_rules_load_dir(dir, &fromdir, err, sizeof err), IG_OK);
    assert_string_equal(ig_rules_origin(emb), "embedded");
    assert_string_equal(ig_rules_origin(fromdir), dir);
    assert_int_equal(strlen(ig_rules_sha256(emb)), 64);
    assert_string_equal(ig_rules_sha256(emb), ig_rules_sha256(fromdir));
    assert_int_equal(ig_rules_count(emb, NULL), ig_rules_count(fromdir, NULL));
    assert_true(ig_rules_count(emb, "leakage.secrets") > 0);   /* the patterns are in */
    assert_true(ig_rules_count(emb, "prompt_injection.signature") > 0);
    assert_int_equal(ig_rules_check_embedded(tst_collect, &(struct tst_msgs){ .n = 0 }), 0);
    ig_rules_free(emb);
    ig_rules_free(fromdir);
}

/* The hash names the content: one byte changed in any file changes it. */
static void test_rules_hash_follows_content(void **state)
{
    (void)state;
    const char *a = "- detector: abuse.rate\n  params: {max_requests: 100}\n";
    const char *b = "- detector: abuse.rate\n  params: {max_requests: 101}\n";
    struct ig_rules *ra = NULL, *rb = NULL, *ra2 = NULL;
    char err[256];
    assert_int_equal(ig_rules_load_buf("x.yaml", a, strlen(a), &ra, err, sizeof err), IG_OK);
    assert_int_equal(ig_rules_load_buf("x.yaml", b, strlen(b), &rb, err, sizeof err), IG_OK);
    assert_int_equal(ig_rules_load_buf("x.yaml", a, strlen(a), &ra2, err, sizeof err), IG_OK);
    assert_string_not_equal(ig_rules_sha256(ra), ig_rules_sha256(rb));
    assert_string_equal(ig_rules_sha256(ra), ig_rules_sha256(ra2));
    ig_rules_free(ra);
    ig_rules_free(rb);
    ig_rules_free(ra2);
}

static void test_severity_names(void **state)
{
    (void)state;
    assert_int_equal(ig_severity_parse("info"), IG_SEV_INFO);
    assert_int_equal(ig_severity_parse("critical"), IG_SEV_CRITICAL);
    assert_int_equal(ig_severity_parse("High"), -1);
    assert_string_equal(ig_severity_name(IG_SEV_MEDIUM), "medium");
    assert_string_equal(ig_severity_name(99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_rules_defaults),
        cmocka_unit_test(test_detector_block),
        cmocka_unit_test(test_lists_macros_rules),
        cmocka_unit_test(test_dir_order_and_overrides),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_alias_bomb_bounded),
        cmocka_unit_test(test_shipped_rules_valid),
        cmocka_unit_test(test_severity_names),
        cmocka_unit_test(test_embedded_rules_are_the_shipped_files),
        cmocka_unit_test(test_rules_hash_follows_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
