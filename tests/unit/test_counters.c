/* The counter table (sidecar/pipeline/counters.c) is what /metrics, the drop list and the
 * summary's drop section are written from: each row reads the field it names, families are
 * well formed (help once, one kind, counters named *_total), drop reasons are distinct, and
 * the drop list skips zero counters and stages that are absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pipeline/counters.h"

static const size_t sizes[IG_AT__COUNT] = {
    [IG_AT_CAPTURE] = sizeof(struct ig_decode_stats), [IG_AT_FLOW] = sizeof(struct ig_flow_stats),
    [IG_AT_HTTP] = sizeof(struct ig_http_stats), [IG_AT_H2] = sizeof(struct ig_h2_stats),
    [IG_AT_PARSE] = sizeof(struct ig_parse_stats), [IG_AT_ENGINE] = sizeof(struct ig_engine_stats),
    [IG_AT_FINDINGS] = sizeof(struct ig_findings_stats),
};

static void test_rows_well_formed(void **state)
{
    (void)state;
    assert_true(ig_counters_n > 50);
    for (size_t i = 0; i < ig_counters_n; i++) {
        const struct ig_counter_def *d = &ig_counters[i];
        assert_true(d->metric || d->drop || d->line);   /* a row nobody reads is a defect */
        assert_true(d->line < IG_SUM__COUNT);
        if (d->line) {   /* one %llu, then maybe one %s */
            const char *u = strstr(d->say, "%llu");
            assert_non_null(u);
            assert_null(strstr(u + 1, "%llu"));
            const char *pct = d->say;
            int conv = 0;
            while ((pct = strchr(pct, '%')) != NULL) {
                conv++;
                assert_true(strncmp(pct, "%llu", 4) == 0 || (pct > u && strncmp(pct, "%s", 2) == 0));
                pct++;
            }
            assert_true(conv <= 2);
            for (size_t j = 0; j < i; j++)   /* one row per place */
                assert_false(ig_counters[j].line == d->line && ig_counters[j].pos == d->pos);
        }
        assert_true(d->where < IG_AT__COUNT);
        assert_true(d->off % 8 == 0 && (size_t)d->off + 8 <= sizes[d->where]);
        assert_true(d->minus == IG_COUNTER_NONE || (size_t)d->minus + 8 <= sizes[d->where]);
        for (size_t j = 0; j < i; j++)
            if (d->drop && ig_counters[j].drop)
                assert_string_not_equal(d->drop, ig_counters[j].drop);
        if (!d->metric)
            continue;
        size_t first = 0;
        while (!(ig_counters[first].metric && strcmp(ig_counters[first].metric, d->metric) == 0))
            first++;
        if (first == i) {
            assert_non_null(d->help);
        } else {
            assert_null(d->help);                             /* help once per family */
            assert_int_equal(d->kind, ig_counters[first].kind);
            assert_non_null(d->label);                        /* rows of a family differ by label */
            assert_non_null(ig_counters[first].label);
        }
        size_t n = strlen(d->metric);
        bool total = n > 6 && strcmp(d->metric + n - 6, "_total") == 0;
        assert_int_equal(total, d->kind == IG_KIND_COUNTER);
        if (d->label)
            assert_non_null(strchr(d->label, '='));
    }
}

static const struct ig_counter_def *row(const char *metric, const char *label, const char *drop)
{
    for (size_t i = 0; i < ig_counters_n; i++) {
        const struct ig_counter_def *d = &ig_counters[i];
        if ((metric ? d->metric && strcmp(d->metric, metric) == 0 : !d->metric) &&
            (label ? d->label && strcmp(d->label, label) == 0 : !d->label) &&
            (drop ? d->drop && strcmp(d->drop, drop) == 0 : true))
            return d;
    }
    fail_msg("no row %s %s %s", metric ? metric : "-", label ? label : "-", drop ? drop : "-");
    return NULL;
}

struct seen { const char *reason[16]; uint64_t n[16]; size_t k; };

static void take(void *ctx, const char *reason, uint64_t n)
{
    struct seen *s = ctx;
    assert_true(s->k < 16);
    s->reason[s->k] = reason;
    s->n[s->k++] = n;
}

static void test_values_and_drops(void **state)
{
    (void)state;
    struct ig_decode_stats c = { .packets = 7, .kernel_drops = 3 };
    struct ig_flow_stats f = { .flows_created = 9, .flows_evicted = 5, .embryonic_evicted = 2 };
    f.defrag.timeouts = 4;
    struct ig_http_stats h = { .body_truncated = 6 };
    struct ig_parse_stats p = { .not_inference = 11 };
    struct ig_engine_stats e = { .clients_active = 12 };
    struct ig_findings_stats fs = { .emitted = 13 };
    struct ig_counter_src src = { .at = {
        [IG_AT_CAPTURE] = &c, [IG_AT_FLOW] = &f, [IG_AT_HTTP] = &h, [IG_AT_PARSE] = &p,
        [IG_AT_ENGINE] = &e, [IG_AT_FINDINGS] = &fs } };   /* no HTTP/2 stage */
    uint64_t v;
    assert_true(ig_counter_value(row("inferguard_packets_total", NULL, NULL), &src, &v));
    assert_int_equal(v, 7);
    assert_true(ig_counter_value(row("inferguard_flows_total", "state=created", NULL), &src, &v));
    assert_int_equal(v, 9);
    assert_true(ig_counter_value(row("inferguard_http_not_inference_total", NULL, NULL), &src, &v));
    assert_int_equal(v, 11);
    assert_true(ig_counter_value(row("inferguard_clients_tracked", NULL, NULL), &src, &v));
    assert_int_equal(v, 12);
    assert_true(ig_counter_value(row("inferguard_findings_emitted_total", NULL, NULL), &src, &v));
    assert_int_equal(v, 13);
    assert_false(ig_counter_value(row(NULL, NULL, "http2: malformed frame"), &src, &v));

    struct seen s = { 0 };
    ig_counters_each_drop(&src, take, &s);
    /* nonzero drops only, in table order; evictions of unanswered SYNs counted apart */
    assert_int_equal(s.k, 5);
    assert_string_equal(s.reason[0], "capture: dropped by the kernel (capture ring full)");
    assert_int_equal(s.n[0], 3);
    assert_string_equal(s.reason[1], "defrag: datagram incomplete at defrag.timeout");
    assert_int_equal(s.n[1], 4);
    assert_string_equal(s.reason[2], "flow: evicted at flow.max_flows or flow.memcap");
    assert_int_equal(s.n[2], 3);
    assert_string_equal(s.reason[3], "flow: unanswered SYN evicted at flow.embryonic_max");
    assert_int_equal(s.n[3], 2);
    assert_string_equal(s.reason[4], "http: body over http.*_body_limit (truncated)");
    assert_int_equal(s.n[4], 6);
}

static char *say(const struct ig_counter_src *src, enum ig_summary_line l, const char *arg)
{
    static char buf[1024];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    bool shown = ig_summary_line_print(f, src, l, arg);
    fclose(f);
    return shown ? buf : NULL;
}

/* The summary's counter lines come from the table: every line's places are 0..n-1, a line
 * reads its rows in place order, and a line shown only when its first (or any) counter is
 * not zero stays out otherwise. */
static void test_summary_lines(void **state)
{
    (void)state;
    for (int l = IG_SUM_NONE + 1; l < IG_SUM__COUNT; l++) {
        assert_non_null(ig_summary_lines[l].head);
        size_t n = 0, maxpos = 0;
        for (size_t i = 0; i < ig_counters_n; i++)
            if (ig_counters[i].line == l) {
                n++;
                maxpos = ig_counters[i].pos > maxpos ? ig_counters[i].pos : maxpos;
            }
        assert_true(n > 0);
        assert_int_equal(maxpos + 1, n);   /* no hole: a hole would end the line early */
    }
    struct ig_decode_stats c = { .packets = 7, .bytes = 700, .other_l4 = 1 };
    struct ig_flow_stats f = { .non_tcp = 2, .csum_bad = 3, .rst_ignored = 1 };
    struct ig_parse_stats p = { 0 };
    struct ig_engine_stats e = { 0 };
    struct ig_findings_stats fs = { .emitted = 5, .raised = 6, .throttled = 2, .updates = 1 };
    struct ig_http_stats h = { 0 };
    struct ig_counter_src src = { .at = {
        [IG_AT_CAPTURE] = &c, [IG_AT_FLOW] = &f, [IG_AT_HTTP] = &h, [IG_AT_PARSE] = &p,
        [IG_AT_ENGINE] = &e, [IG_AT_FINDINGS] = &fs } };   /* no HTTP/2 stage */
    assert_string_equal(say(&src, IG_SUM_PACKETS, NULL),
                        "  packets     7 (700 bytes), 2 not TCP (1 UDP/other transport, not analysed)");
    assert_string_equal(say(&src, IG_SUM_FINDINGS, NULL),
                        "  findings    5 emitted (6 raised, 2 folded by throttling into 1 updates)");
    const char *ts = say(&src, IG_SUM_TCP_STATE, "verified (auto)");
    assert_non_null(strstr(ts, ": 1 RST, 0 FIN, 0 SYN; 3 bad checksums dropped; checksums verified (auto); "));
    assert_null(say(&src, IG_SUM_DEFRAG, "linux"));       /* no fragment */
    assert_null(say(&src, IG_SUM_HTTP2, NULL));           /* no HTTP/2 stage */
    assert_null(say(&src, IG_SUM_CHECKSUMS, NULL));
    f.csum_merged = 4;                                    /* any of its counters shows it */
    assert_non_null(strstr(say(&src, IG_SUM_CHECKSUMS, NULL), "nor in 4 segments over 1500 bytes"));
    f.defrag.fragments = 3;
    assert_non_null(strstr(say(&src, IG_SUM_DEFRAG, "bsd"), "3 IP fragments, 0 datagrams reassembled "
                                                           "(defrag.policy bsd)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_well_formed),
        cmocka_unit_test(test_values_and_drops),
        cmocka_unit_test(test_summary_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
