/* evasion.stream and evasion.fragment: one finding per event that carries their transport
 * bits, naming the tricks, with the flow stage's evidence; nothing for other bits; the
 * severity from rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine.h"

#include <stdio.h>
#include <string.h>

extern const struct ig_detector ig_det_evasion_stream, ig_det_evasion_fragment;

static int nfound;
static struct ig_finding last;
static char last_tricks[160], last_trick[IG_EVASION_NOTE_MAX];

static void sink(void *ctx, const struct ig_finding *f)
{
    (void)ctx;
    nfound++;
    last = *f;
    last_tricks[0] = last_trick[0] = '\0';
    for (uint32_t i = 0; i < f->nevidence; i++) {
        if (!strcmp(f->evidence[i].key, "tricks"))
            snprintf(last_tricks, sizeof last_tricks, "%s", f->evidence[i].value);
        if (!strcmp(f->evidence[i].key, "trick"))
            snprintf(last_trick, sizeof last_trick, "%s", f->evidence[i].value);
    }
}

static void send(struct ig_engine *e, uint32_t evasion, const char *note, uint64_t t)
{
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.client_id, sizeof ev.client_id, "c1");
    snprintf(ev.model, sizeof ev.model, "m");
    ev.flags = IG_EV_TEXT;
    ev.evasion = evasion;
    if (note)
        snprintf(ev.evasion_note, sizeof ev.evasion_note, "%s", note);
    ev.req_time_us = t;
    ig_engine_observe(e, &ev);
}

static void test_transport_findings(void **state)
{
    (void)state;
    struct ig_rules *r = NULL;
    char err[256] = "";
    const char *yaml = "- detector: evasion.fragment\n  severity: critical\n";
    assert_int_equal(ig_rules_load_buf("t.yaml", yaml, strlen(yaml), &r, err, sizeof err), IG_OK);
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    struct ig_emit emit = { sink, NULL };
    const struct ig_detector *const list[] = { &ig_det_evasion_stream, &ig_det_evasion_fragment, NULL };
    struct ig_engine *e = ig_engine_new_with(&cfg, r, NULL, &emit, list, err, sizeof err);
    assert_non_null(e);

    send(e, 0, NULL, 1);
    send(e, IG_EVA_DUPLICATE_KEYS | IG_EVA_TRUNCATED, NULL, 2);   /* HTTP/payload bits: not theirs */
    assert_int_equal(nfound, 0);

    send(e, IG_EVA_STREAM_OVERLAP | IG_EVA_STREAM_CSUM, "kept \"Ignore all\", other copy \"Hello\"", 3);
    assert_int_equal(nfound, 1);
    assert_string_equal(last.analytic, "evasion.stream");
    assert_int_equal(last.severity, IG_SEV_HIGH);
    assert_string_equal(last.atlas[0], "AML.T0015");
    assert_string_equal(last_tricks, "tcp_overlap_conflict,bad_checksum_insertion");
    assert_non_null(strstr(last_trick, "Ignore all"));
    assert_int_equal(last.time_us, 3);

    send(e, IG_EVA_FRAG_DROPPED | IG_EVA_STREAM_CONTROL, NULL, 4);   /* both families: two findings */
    assert_int_equal(nfound, 3);
    assert_string_equal(last.analytic, "evasion.fragment");
    assert_int_equal(last.severity, IG_SEV_CRITICAL);
    assert_string_equal(last_tricks, "fragments_discarded_by_host");
    assert_string_equal(last_trick, "");
    ig_engine_free(e);
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_transport_findings) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
