/* Deployment secrets (ig_rules_secret): the shipped rules hold none; a deployment's value
 * comes from the rules, a file or the environment, else a random per-process one that every
 * detector naming the same variable shares. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <inferguard/rules.h>
#include <inferguard/base.h>

static struct ig_rules *load(const char *yaml)
{
    struct ig_rules *r = NULL;
    char err[256] = "";
    assert_int_equal(ig_rules_load_buf("t.yaml", yaml, strlen(yaml), &r, err, sizeof err), IG_OK);
    return r;
}

static void test_sources_in_order(void **st)
{
    (void)st;
    char out[128], err[256], dir[] = "/tmp/ig-test-secret.XXXXXX", path[64], yaml[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/key", dir);
    FILE *fp = fopen(path, "w");
    fputs("from-file  \n second line ignored\n", fp);
    fclose(fp);
    setenv("IG_TEST_SECRET_ENV", "from-env", 1);

    struct ig_rules *r = load("- detector: d\n  params:\n    k: literal\n    k_file: /nonexistent\n");
    assert_int_equal(ig_rules_secret(r, "d", "k", "IG_TEST_SECRET_ENV", out, sizeof out, err, sizeof err), IG_OK);
    assert_string_equal(out, "literal");
    ig_rules_free(r);

    snprintf(yaml, sizeof yaml, "- detector: d\n  params:\n    k_file: %s\n", path);
    r = load(yaml);
    assert_int_equal(ig_rules_secret(r, "d", "k", "IG_TEST_SECRET_ENV", out, sizeof out, err, sizeof err), IG_OK);
    assert_string_equal(out, "from-file");   /* first line, trailing blanks trimmed */
    ig_rules_free(r);

    r = load("- detector: d\n  params:\n    other: 1\n");
    assert_int_equal(ig_rules_secret(r, "d", "k", "IG_TEST_SECRET_ENV", out, sizeof out, err, sizeof err), IG_OK);
    assert_string_equal(out, "from-env");

    /* an unreadable or empty file is a configuration error naming the param and the path */
    ig_rules_free(r);
    r = load("- detector: d\n  params:\n    k_file: /nonexistent/key\n");
    assert_int_equal(ig_rules_secret(r, "d", "k", "IG_TEST_SECRET_ENV", out, sizeof out, err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "d.k_file"));
    assert_non_null(strstr(err, "/nonexistent/key"));
    ig_rules_free(r);
    fp = fopen(path, "w");
    fputs("\n", fp);
    fclose(fp);
    r = load(yaml);
    assert_int_equal(ig_rules_secret(r, "d", "k", "IG_TEST_SECRET_ENV", out, sizeof out, err, sizeof err), IG_ECONF);
    ig_rules_free(r);
    unlink(path);
    rmdir(dir);
    unsetenv("IG_TEST_SECRET_ENV");
}

static void test_random_per_process_shared_by_name(void **st)
{
    (void)st;
    char a[128], b[128], c[128], err[256];
    struct ig_rules *r = load("- detector: d\n  params:\n    other: 1\n");
    unsetenv("IG_TEST_SECRET_A");
    unsetenv("IG_TEST_SECRET_B");
    assert_int_equal(ig_rules_secret(r, "d", "k", "IG_TEST_SECRET_A", a, sizeof a, err, sizeof err), IG_OK);
    assert_int_equal(ig_rules_secret(r, "e", "k", "IG_TEST_SECRET_A", b, sizeof b, err, sizeof err), IG_OK);
    assert_int_equal(ig_rules_secret(r, "d", "k", "IG_TEST_SECRET_B", c, sizeof c, err, sizeof err), IG_OK);
    assert_int_equal(strlen(a), 64);          /* 32 random bytes */
    assert_string_equal(a, b);                /* one draw per variable: detectors agree */
    assert_string_not_equal(a, c);            /* another variable, another draw */
    ig_rules_free(r);
}

/* The shipped rules carry no key (a public key makes masked evidence reversible). */
static void test_shipped_rules_hold_no_key(void **st)
{
    (void)st;
    const char *src = getenv("IG_SRC");
    assert_non_null(src);
    char dir[512], err[256] = "";
    snprintf(dir, sizeof dir, "%s/rules", src);
    struct ig_rules *r = NULL;
    assert_int_equal(ig_rules_load_dir(dir, &r, err, sizeof err), IG_OK);
    assert_null(ig_rules_str(r, "adversarial.fingerprint", "salt_key", NULL));
    assert_null(ig_rules_str(r, "leakage.secrets", "hash_key", NULL));
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sources_in_order),
        cmocka_unit_test(test_random_per_process_shared_by_name),
        cmocka_unit_test(test_shipped_rules_hold_no_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
