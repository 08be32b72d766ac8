/* The template detector (not registered): built, and working as its comments say, so a
 * copy starts from something correct. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine.h"

#include <stdio.h>
#include <string.h>

extern const struct ig_detector ig_det_template;

static int nfound;
static struct ig_finding last;

static void sink(void *ctx, const struct ig_finding *f)
{
    (void)ctx;
    nfound++;
    last = *f;
}

static void send(struct ig_engine *e, const char *client, uint32_t rows, uint32_t flags, uint64_t t)
{
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.client_id, sizeof ev.client_id, "%s", client);
    snprintf(ev.model, sizeof ev.model, "m");
    ev.rows = rows;
    ev.features = 4;
    ev.flags = flags;
    ev.req_time_us = t;
    ig_engine_observe(e, &ev);
}

static void test_template(void **state)
{
    (void)state;
    struct ig_rules *r = NULL;
    char err[256] = "";
    const char *yaml = "- detector: template.big_batch\n  severity: medium\n  params: {max_rows: 10, min_hits: 2}\n";
    assert_int_equal(ig_rules_load_buf("t.yaml", yaml, strlen(yaml), &r, err, sizeof err), IG_OK);
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    struct ig_emit emit = { sink, NULL };
    const struct ig_detector *const list[] = { &ig_det_template, NULL };
    struct ig_engine *e = ig_engine_new_with(&cfg, r, NULL, &emit, list, err, sizeof err);
    assert_non_null(e);
    nfound = 0;
    send(e, "a", 10, IG_EV_TENSOR, 1);        /* at the limit */
    send(e, "a", 11, IG_EV_TEXT, 2);          /* no tensor: not wanted */
    send(e, "a", 11, IG_EV_TENSOR, 3);        /* 1st oversized */
    send(e, "b", 50, IG_EV_TENSOR, 4);        /* b's 1st */
    assert_int_equal(nfound, 0);
    send(e, "a", 11, IG_EV_TENSOR, 5);        /* a's 2nd: fires */
    assert_int_equal(nfound, 1);
    assert_string_equal(last.analytic, "template.big_batch");
    assert_int_equal(last.severity, IG_SEV_MEDIUM);
    assert_int_equal(last.time_us, 5);
    assert_int_equal(last.queries_seen, 4);   /* a's events, the text one included */
    send(e, "a", 11, IG_EV_TENSOR, 6);        /* once per client */
    assert_int_equal(nfound, 1);
    ig_engine_tick(e, 7);
    ig_engine_free(e);
    ig_rules_free(r);
    /* Nonsense params are refused at init with the detector's name. */
    yaml = "- detector: template.big_batch\n  params: {max_rows: 0}\n";
    assert_int_equal(ig_rules_load_buf("t.yaml", yaml, strlen(yaml), &r, err, sizeof err), IG_OK);
    assert_null(ig_engine_new_with(&cfg, r, NULL, &emit, list, err, sizeof err));
    assert_non_null(strstr(err, "template.big_batch"));
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_template) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
