/* abuse.volume: token budgets from usage or estimated from text, over a sliding capture-
 * clock window, per client; bursts of 4xx; oversized prompts; one finding per kind per
 * window; normal use stays quiet. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_llm_helpers.h"

static const struct ig_env no_env;   /* nothing lent: no profile loader, no report writer */

extern const struct ig_detector ig_det_abuse_volume;

static const char *Y = "- detector: abuse.volume\n  params: {window: 10s, max_tokens: 1000, "
                       "max_errors: 5, max_prompt_bytes: 2000, max_prompt_tokens: 50000}\n";

static void ev_usage(struct lfx *fx, const char *client, uint64_t t, uint32_t pt, uint32_t ct,
                     uint16_t status)
{
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.client_id, sizeof ev.client_id, "%s", client);
    snprintf(ev.model, sizeof ev.model, "gpt-test");
    ev.req_time_us = t;
    ev.status = status;
    ev.prompt_tokens = pt;
    ev.completion_tokens = ct;
    ev.flags = status >= 400 ? IG_EV_ERROR : IG_EV_TEXT;
    ig_engine_observe(fx->e, &ev);
}

static void test_tokens(void **st)
{
    (void)st;
    struct lfx fx = lh_setup(&ig_det_abuse_volume, false, Y);
    for (int i = 0; i < 10; i++)
        ev_usage(&fx, "a", T0 + (uint64_t)i * SEC, 50, 50, 200);   /* exactly 1000 */
    assert_int_equal(fx.got->n, 0);
    ev_usage(&fx, "a", T0 + 9 * SEC + 1, 1, 0, 200);               /* 1001 */
    assert_int_equal(fx.got->n, 1);
    assert_string_equal(fx.got->f[0].title, "LLM token budget exceeded");
    assert_true(lf_has_atlas(&fx.got->f[0], "AML.T0034.000"));
    assert_true(lf_score(&fx.got->f[0], "tokens") == 1001);
    ev_usage(&fx, "a", T0 + 9 * SEC + 2, 4000, 2000, 200);         /* same window: once */
    assert_int_equal(fx.got->n, 1);
    ev_usage(&fx, "b", T0 + 9 * SEC, 400, 400, 200);               /* other client */
    assert_int_equal(fx.got->n, 1);
    /* next window, 6x over: high severity, denial of service too */
    ev_usage(&fx, "a", T0 + 30 * SEC, 4000, 2500, 200);
    assert_int_equal(fx.got->n, 2);
    assert_int_equal(fx.got->f[1].sev, IG_SEV_HIGH);
    assert_true(lf_has_atlas(&fx.got->f[1], "AML.T0029"));
    lh_teardown(&fx);
}

static void test_estimated_and_oversized(void **st)
{
    (void)st;
    struct lfx fx = lh_setup(&ig_det_abuse_volume, false, Y);
    char *big = malloc(3001);
    memset(big, 'a', 3000);
    big[3000] = 0;
    lh_chat(&fx, "c", T0, big, "short", NULL);      /* 3000 bytes > 2000; ~752 tokens < 1000 */
    assert_int_equal(fx.got->n, 1);
    assert_string_equal(fx.got->f[0].title, "Oversized LLM input");
    assert_true(lf_has_atlas(&fx.got->f[0], "AML.T0034.001"));
    lh_chat(&fx, "c", T0 + SEC, big, "short", NULL); /* tokens now ~1504 estimated */
    assert_int_equal(fx.got->n, 2);
    assert_string_equal(fx.got->f[1].title, "LLM token budget exceeded");
    free(big);
    lh_chat(&fx, "d", T0, "user: hello", "Hello! How can I help?", NULL);
    assert_int_equal(fx.got->n, 2);
    lh_teardown(&fx);
}

static void test_errors(void **st)
{
    (void)st;
    struct lfx fx = lh_setup(&ig_det_abuse_volume, false, Y);
    for (int i = 0; i < 5; i++)
        ev_usage(&fx, "p", T0 + (uint64_t)i * 100000, 0, 0, 401);
    ev_usage(&fx, "p", T0 + SEC, 0, 0, 500);          /* 5xx is not probing */
    assert_int_equal(fx.got->n, 0);
    ev_usage(&fx, "p", T0 + SEC, 0, 0, 404);
    assert_int_equal(fx.got->n, 1);
    assert_string_equal(fx.got->f[0].title, "Burst of client errors (API probing)");
    assert_true(lf_score(&fx.got->f[0], "errors") == 6);
    lh_teardown(&fx);
}

static uint64_t refused(const struct lfx *fx)
{
    struct ig_det_counter c[IG_DET_MAX_COUNTERS];
    size_t n = ig_engine_detector_counters(fx->e, 0, c);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].name, "refused"))
            return c[i].value;
    fail_msg("no refused counter");
    return 0;
}

/* The windows exist only for clients with text, tokens or a 4xx, within memory_mb: tensor
 * clients take none of the budget; past it, a client's tokens are not counted (refused,
 * counted) but its oversized prompt is still reported. */
static void test_budget(void **st)
{
    (void)st;
    struct lfx fx = lh_setup(&ig_det_abuse_volume, false,
                             "- detector: abuse.volume\n  params: {window: 10s, max_tokens: 1000, "
                             "max_errors: 5, max_prompt_bytes: 2000, memory_mb: 1}\n");
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.model, sizeof ev.model, "tabular");
    ev.status = 200;
    ev.flags = IG_EV_TENSOR;
    for (int i = 0; i < 20000; i++) {   /* ~6 MiB of windows, were they kept */
        snprintf(ev.client_id, sizeof ev.client_id, "t%d", i);
        ev.req_time_us = T0 + (uint64_t)i;
        ig_engine_observe(fx.e, &ev);
    }
    assert_int_equal(refused(&fx), 0);
    for (int i = 0; i < 11; i++)
        ev_usage(&fx, "llm", T0 + SEC + (uint64_t)i, 50, 50, 200);
    assert_int_equal(fx.got->n, 1);
    assert_string_equal(fx.got->f[0].title, "LLM token budget exceeded");
    char id[32];
    for (int i = 0; i < 5000 && !refused(&fx); i++) {   /* 1 MiB holds ~3.3k */
        snprintf(id, sizeof id, "u%d", i);
        ev_usage(&fx, id, T0 + 2 * SEC, 10, 10, 200);
    }
    assert_true(refused(&fx) > 0);
    assert_int_equal(fx.got->n, 1);
    for (int i = 0; i < 11; i++)   /* the refused client: its tokens are not counted */
        ev_usage(&fx, id, T0 + 3 * SEC + (uint64_t)i, 50, 50, 200);
    assert_int_equal(fx.got->n, 1);
    char *big = malloc(3001);
    memset(big, 'a', 3000);
    big[3000] = 0;
    lh_chat(&fx, id, T0 + 4 * SEC, big, "short", NULL);
    free(big);
    assert_int_equal(fx.got->n, 2);
    assert_string_equal(fx.got->f[1].title, "Oversized LLM input");
    lh_teardown(&fx);
}

static void test_bad_config(void **st)
{
    (void)st;
    const char *y = "- detector: abuse.volume\n  params: {chars_per_token: 0}\n";
    struct ig_rules *r = NULL;
    char err[256];
    assert_int_equal(ig_rules_load_buf("t.yaml", y, strlen(y), &r, err, sizeof err), IG_OK);
    void *g = NULL;
    assert_int_equal(ig_detector_init(&ig_det_abuse_volume, &no_env, r, &g, err, sizeof err), IG_ECONF);
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_tokens), cmocka_unit_test(test_estimated_and_oversized),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_budget),
        cmocka_unit_test(test_bad_config),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
