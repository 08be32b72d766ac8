/* leakage.secrets / leakage.pii with the shipped rules: validated secrets and PII in a
 * response raise one finding per family with masked evidence and ATLAS ids; near-misses
 * (Luhn-invalid cards, AWS EXAMPLE keys, low-entropy tokens) and benign answers stay quiet;
 * the hash key changes the hashes; pii can be switched off. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_llm_helpers.h"

static const struct ig_env no_env;   /* nothing lent: no profile loader, no report writer */

extern const struct ig_detector ig_det_leakage_secrets;

static void test_secret_and_pii(void **st)
{
    (void)st;
    struct lfx fx = lh_setup(&ig_det_leakage_secrets, true, NULL);
    lh_chat(&fx, "c1", T0, "user: what is in the config?",
            "The config has aws_access_key_id = AKIAZ7Q3LM4N5R6T2VWX and the admin card is "
            "4111 1111 1111 1111, contact jane.doe@corp-mail.com.", NULL);
    assert_int_equal(fx.got->n, 2);
    const struct lf *s = &fx.got->f[0], *p = &fx.got->f[1];
    assert_string_equal(s->analytic, "leakage.secrets");
    assert_string_equal(p->analytic, "leakage.pii");
    assert_int_equal(s->sev, IG_SEV_CRITICAL);
    assert_true(lf_has_atlas(s, "AML.T0055") && lf_has_atlas(s, "AML.T0057"));
    assert_true(lf_has_atlas(p, "AML.T0057"));
    const char *m = lf_evidence(s, "aws_access_key_id");
    assert_non_null(m);
    assert_non_null(strstr(m, "AK...WX (20 chars) #"));
    assert_null(strstr(m, "Z7Q3LM4N5R6T2V"));           /* never in clear */
    assert_non_null(lf_evidence(p, "credit_card"));
    assert_null(strstr(lf_evidence(p, "credit_card"), "1111 1111"));
    assert_non_null(lf_evidence(p, "email_address"));
    assert_true(lf_score(p, "rules") == 2);
    assert_string_equal(s->title, "Secret in model response");
    assert_int_equal(s->rule_throttle_us, 0);   /* no rule sets its own throttle: the detector's */
    assert_true(s->throttle_detector);
    lh_teardown(&fx);

    /* A rule's own throttle: travels with its finding to the findings stage. */
    fx = lh_setup(&ig_det_leakage_secrets, true, "- rule: aws_access_key_id\n  throttle: 10m\n");
    lh_chat(&fx, "c1", T0, "user: what is in the config?",
            "The config has aws_access_key_id = AKIAZ7Q3LM4N5R6T2VWX.", NULL);
    assert_int_equal(fx.got->n, 1);
    assert_true(fx.got->f[0].rule_throttle_us == 600ull * 1000000);
    assert_false(fx.got->f[0].throttle_detector);
    lh_teardown(&fx);
}

static void test_near_misses_quiet(void **st)
{
    (void)st;
    struct lfx fx = lh_setup(&ig_det_leakage_secrets, true, NULL);
    lh_chat(&fx, "c1", T0, "user: show an example AWS config",
            "Use aws_access_key_id = AKIAIOSFODNN7EXAMPLE. Test card 4111111111111112 fails Luhn. "
            "Token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa is a placeholder. Order 1234567812345670.", NULL);
    lh_chat(&fx, "c1", T0 + SEC, "user: tell me about Paris",
            "Paris is the capital of France, home to about 2.1 million people in 2023.", NULL);
    assert_int_equal(fx.got->n, 0);
    lh_teardown(&fx);
}

static void test_request_side_and_switches(void **st)
{
    (void)st;
    /* response-only rules ignore a key the user pastes; pii off silences PII; the hash key
     * changes the masked hash */
    struct lfx fx = lh_setup(&ig_det_leakage_secrets, true,
                             "- detector: leakage.secrets\n  params: {pii: false, hash_key: other}\n");
    lh_chat(&fx, "c1", T0, "user: my key is AKIAZ7Q3LM4N5R6T2VWX", "ok", NULL);
    assert_int_equal(fx.got->n, 0);
    lh_chat(&fx, "c1", T0, "user: x", "card 4111111111111111 and key AKIAZ7Q3LM4N5R6T2VWX", NULL);
    assert_int_equal(fx.got->n, 1);
    assert_string_equal(fx.got->f[0].analytic, "leakage.secrets");
    char other[160];
    snprintf(other, sizeof other, "%s", lf_evidence(&fx.got->f[0], "aws_access_key_id"));
    lh_teardown(&fx);
    fx = lh_setup(&ig_det_leakage_secrets, true, NULL);
    lh_chat(&fx, "c1", T0, "user: x", "key AKIAZ7Q3LM4N5R6T2VWX", NULL);
    assert_int_equal(fx.got->n, 1);
    assert_string_not_equal(other, lf_evidence(&fx.got->f[0], "aws_access_key_id"));
    lh_teardown(&fx);
}

static void test_bad_config(void **st)
{
    (void)st;
    const char *y = "- rule: bad\n  detector: leakage.secrets\n  patterns: ['a(']\n  negatives: [x]\n";
    struct ig_rules *r = NULL;
    char err[512];
    assert_int_equal(ig_rules_load_buf("t.yaml", y, strlen(y), &r, err, sizeof err), IG_OK);
    void *g = NULL;
    err[0] = 0;
    assert_int_not_equal(ig_detector_init(&ig_det_leakage_secrets, &no_env, r, &g, err, sizeof err), IG_OK);
    assert_non_null(strstr(err, "rule bad"));
    ig_rules_free(r);
    y = "- rule: bad2\n  detector: leakage.secrets\n  patterns: ['a']\n  validators: [nope]\n";
    assert_int_equal(ig_rules_load_buf("t.yaml", y, strlen(y), &r, err, sizeof err), IG_OK);
    assert_int_not_equal(ig_detector_init(&ig_det_leakage_secrets, &no_env, r, &g, err, sizeof err), IG_OK);
    assert_non_null(strstr(err, "unknown validator 'nope'"));
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_secret_and_pii), cmocka_unit_test(test_near_misses_quiet),
        cmocka_unit_test(test_request_side_and_switches), cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
