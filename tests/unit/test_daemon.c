/* The daemon's pure parts: the /reports path check (what reaches open() never leaves the
 * reports directory) and the /metrics renderer (families whole, labels escaped, counters
 * carried through from the snapshot). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/metrics.h"
#include "daemon/report_path.h"

static void test_report_paths_accepted(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(ig_report_path("/r", "", out, sizeof out), 0);
    assert_string_equal(out, "/r/index.html");
    assert_int_equal(ig_report_path("/r", "iris/2026-11-25T231849.088734Z.html", out, sizeof out), 0);
    assert_string_equal(out, "/r/iris/2026-11-25T231849.088734Z.html");
    assert_int_equal(ig_report_path("/r", "my-model_v2.1/a.json", out, sizeof out), 0);
    assert_string_equal(ig_report_content_type(out), "application/json");
    assert_string_equal(ig_report_content_type("/r/x/a.html"), "text/html; charset=utf-8");
    assert_null(ig_report_content_type("/r/x/a.html.tmp"));
    assert_null(ig_report_content_type("/r/x.d/noext"));
}

static void test_report_paths_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "..", "../x.html", "iris/../../x.html", "iris/..", "./index.html", "/etc/passwd",
        "iris//a.html", "iris/", ".hidden.html", "a\\..\\b.html", "a b.html", "a%2e.html",
        "iris/.", "\xc0\xae\xc0\xae/x.html", "a\nb.html",
    };
    char out[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ig_report_path("/r", bad[i], out, sizeof out) == 0)
            fail_msg("accepted '%s'", bad[i]);
    char longp[2000];
    memset(longp, 'a', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    assert_int_equal(ig_report_path("/r", longp, out, sizeof out), -1);
    /* fits the check but not the buffer */
    assert_int_equal(ig_report_path("/r", "abcdefghij.html", out, 12), -1);
}

static char *render(const struct ig_pipeline_snapshot *s, const struct ig_daemon_stats *d)
{
    struct evbuffer *b = evbuffer_new();
    assert_non_null(b);
    assert_int_equal(ig_metrics_render(s, d, b), 0);
    size_t n = evbuffer_get_length(b);
    char *t = malloc(n + 1);
    evbuffer_remove(b, t, n);
    t[n] = '\0';
    evbuffer_free(b);
    return t;
}

static void test_metrics_render(void **state)
{
    (void)state;
    static struct ig_pipeline_snapshot s;
    memset(&s, 0, sizeof s);
    s.det.threads = 2;
    s.det.handoff.on = true;
    s.capture.packets = 1057;
    s.events_by_proto[IG_PROTO_OIP_V2] = 150;
    s.det.n_detectors = 2;
    s.det.detector_names[0] = "abuse.rate";
    s.det.detector_names[1] = "drift.features";
    s.det.engine.findings[1] = 3;
    s.det.n_sinks = 1;
    snprintf(s.det.sinks[0].name, sizeof s.det.sinks[0].name, "kafka");
    s.det.sinks[0].st.spooled = 7;
    s.det.counters.n = 1;
    s.det.counters.row[0].detector = "adversarial.boundary";
    s.det.counters.row[0].c = (struct ig_det_counter){ "refused", 4 };
    s.det.n_budgets = 1;
    s.det.budgets[0] = (struct ig_budget_row){ "extraction.prada", 4096, 1 << 20, 5 };
    s.n_drops = 1;
    s.drops[0].reason = "odd \"reason\"\\ here\n";
    s.drops[0].n = 2;
    struct ig_daemon_stats d = { .ready = true, .reloads = 2, .reload_failures = 1 };
    char *t = render(&s, &d);
    assert_non_null(strstr(t, "# HELP inferguard_packets_total "));
    assert_non_null(strstr(t, "# TYPE inferguard_packets_total counter\ninferguard_packets_total 1057\n"));
    assert_non_null(strstr(t, "inferguard_events_total{protocol=\"oip_v2\"} 150\n"));
    assert_non_null(strstr(t, "inferguard_findings_total{detector=\"drift.features\"} 3\n"));
    assert_non_null(strstr(t, "inferguard_sink_records_total{sink=\"kafka\",outcome=\"spooled\"} 7\n"));
    assert_non_null(strstr(t, "inferguard_drops_total{reason=\"odd \\\"reason\\\"\\\\ here\\n\"} 2\n"));
    assert_non_null(strstr(t, "inferguard_rules_reloads_total 2\n"));
    assert_non_null(strstr(t, "inferguard_rules_reload_failures_total 1\n"));
    assert_non_null(strstr(t, "inferguard_ready 1\n"));
    assert_non_null(strstr(t, "inferguard_ring_handoffs_total 0\n"));
    assert_non_null(strstr(t, "inferguard_workers 2\n"));
    assert_non_null(strstr(t, "inferguard_detector_counter_total{detector=\"adversarial.boundary\",counter=\"refused\"} 4\n"));
    assert_non_null(strstr(t, "# TYPE inferguard_detector_budget_bytes gauge\n"
                              "inferguard_detector_budget_bytes{detector=\"extraction.prada\"} 4096\n"));
    assert_non_null(strstr(t, "inferguard_detector_budget_cap_bytes{detector=\"extraction.prada\"} 1048576\n"));
    assert_non_null(strstr(t, "inferguard_detector_budget_refused_total{detector=\"extraction.prada\"} 5\n"));
    /* Each family declared once; every line a comment or a sample; ends with a newline. */
    assert_null(strstr(strstr(t, "# TYPE inferguard_findings_total ") + 1, "# TYPE inferguard_findings_total "));
    assert_int_equal(t[strlen(t) - 1], '\n');
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_paths_accepted),
        cmocka_unit_test(test_report_paths_refused),
        cmocka_unit_test(test_metrics_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
