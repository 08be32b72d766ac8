/* findings.suppress: which findings an entry matches (analytic exact, by family and *;
 * source addresses by IPv4 and IPv6 CIDR, IPv4-mapped peers, the address a trusted proxy
 * forwarded; client and model exact or by prefix; expiry on the finding's clock; the
 * first matching entry counts), and the findings stage with a list: suppressed findings
 * are never published nor throttled, every other one is as without the list, and each is
 * counted per entry; a list read again (SIGHUP) replaces the running one at the next finding.
 * Records are captured by a real ig_sink table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/config.h>
#include "findings/findings.h"
#include "findings/suppress.h"

#define T0 1767225600000000ull   /* 2026-01-01T00:00:00Z */
#define SEC 1000000ull

static struct ig_config *cfg_with(const char *yaml)
{
    static struct ig_config c;
    char err[512] = "";
    ig_config_defaults(&c);
    if (ig_config_load_buf("cfg.yaml", yaml, strlen(yaml), &c, err, sizeof err) != IG_OK)
        fail_msg("config: %s", err);
    return &c;
}

/* A finding as a detector raises it from an event of <ip> (text, v4 or v6). */
static void finding(struct ig_finding *f, const char *analytic, const char *ip, const char *client,
                    const char *model, uint64_t t_us)
{
    ig_finding_init(f, analytic, NULL);
    f->title = "Test finding";
    f->time_us = t_us;
    f->client_id = client;
    f->id_kind = IG_ID_SOURCE_IP;
    f->model = model;
    if (ip && inet_pton(AF_INET, ip, f->src.addr) == 1)
        f->src.family = 4;
    else if (ip && inet_pton(AF_INET6, ip, f->src.addr) == 1)
        f->src.family = 6;
}

static int match(struct ig_suppressor *s, const char *analytic, const char *ip, const char *client,
                 const char *model, uint64_t t_us)
{
    struct ig_finding f;
    finding(&f, analytic, ip, client, model, t_us);
    return ig_suppressor_match(s, &f);
}

static struct ig_suppressor *compile(const char *yaml)
{
    static struct ig_suppressor s;
    char err[256] = "";
    if (ig_suppressor_init(&s, cfg_with(yaml), err, sizeof err) != IG_OK)
        fail_msg("suppress: %s", err);
    return &s;
}

static void test_analytic(void **st)
{
    (void)st;
    struct ig_suppressor *s = compile(
        "findings.suppress:\n"
        "  - {analytic: extraction.prada, source: 10.0.0.1}\n"
        "  - {analytic: adversarial.*, source: 10.0.0.2}\n"
        "  - {analytic: \"*\", source: 10.0.0.3}\n");
    assert_int_equal(match(s, "extraction.prada", "10.0.0.1", "10.0.0.1", "m", T0), 0);
    assert_int_equal(match(s, "extraction.coverage", "10.0.0.1", "10.0.0.1", "m", T0), -1);
    assert_int_equal(match(s, "extraction.prada_x", "10.0.0.1", "10.0.0.1", "m", T0), -1);
    assert_int_equal(match(s, "adversarial.boundary", "10.0.0.2", "10.0.0.2", "m", T0), 1);
    assert_int_equal(match(s, "adversarial.fingerprint", "10.0.0.2", "10.0.0.2", "m", T0), 1);
    assert_int_equal(match(s, "abuse.rate", "10.0.0.2", "10.0.0.2", "m", T0), -1);
    /* a family is "adversarial." and no other name starting with the same letters */
    assert_int_equal(match(s, "adversarialx.boundary", "10.0.0.2", "10.0.0.2", "m", T0), -1);
    assert_int_equal(match(s, "abuse.rate", "10.0.0.3", "10.0.0.3", "m", T0), 2);
    assert_int_equal(match(s, "drift.features", "10.0.0.3", "10.0.0.3", "m", T0), 2);
    assert_int_equal(match(s, "abuse.rate", "10.0.0.4", "10.0.0.4", "m", T0), -1);
}

static void test_source_cidr(void **st)
{
    (void)st;
    struct ig_suppressor *s = compile(
        "findings.suppress:\n"
        "  - {analytic: extraction.*, source: 10.1.0.0/16}\n"
        "  - {analytic: extraction.*, source: \"2001:db8:5::/48\"}\n"
        "  - {analytic: extraction.*, source: \"fd00::7\"}\n");
    assert_int_equal(match(s, "extraction.prada", "10.1.0.0", "x", "m", T0), 0);
    assert_int_equal(match(s, "extraction.prada", "10.1.255.255", "x", "m", T0), 0);
    assert_int_equal(match(s, "extraction.prada", "10.2.0.1", "x", "m", T0), -1);
    assert_int_equal(match(s, "extraction.prada", "10.0.255.255", "x", "m", T0), -1);
    /* an IPv4 peer on a dual-stack socket: ::ffff:10.1.2.3 */
    assert_int_equal(match(s, "extraction.prada", "::ffff:10.1.2.3", "x", "m", T0), 0);
    assert_int_equal(match(s, "extraction.prada", "2001:db8:5:ffff::1", "x", "m", T0), 1);
    assert_int_equal(match(s, "extraction.prada", "2001:db8:6::1", "x", "m", T0), -1);
    assert_int_equal(match(s, "extraction.prada", "fd00::7", "x", "m", T0), 2);
    assert_int_equal(match(s, "extraction.prada", "fd00::8", "x", "m", T0), -1);
    /* a finding without an address (model-wide) matches no source */
    assert_int_equal(match(s, "extraction.prada", NULL, "", "m", T0), -1);
}

/* Behind a trusted proxy the TCP peer is the proxy; the client address it forwarded (the
 * identity, or the stable source of an API-key client behind it) is the source too. */
static void test_source_forwarded(void **st)
{
    (void)st;
    struct ig_suppressor *s = compile(
        "findings.suppress:\n"
        "  - {analytic: extraction.*, source: 192.0.2.0/24}\n"
        "  - {analytic: extraction.*, source: \"2001:db8::/32\"}\n");
    struct ig_finding f;
    finding(&f, "extraction.prada", "127.0.0.6", "192.0.2.9", "m", T0);
    assert_int_equal(ig_suppressor_match(s, &f), -1);   /* a source_ip id is the peer's */
    f.id_kind = IG_ID_FORWARDED;
    assert_int_equal(ig_suppressor_match(s, &f), 0);
    finding(&f, "extraction.prada", "127.0.0.6", "key:0123456789abcdef", "m", T0);
    f.id_kind = IG_ID_API_KEY;
    f.group_kind = IG_ID_FORWARDED;
    f.group_id = "192.0.2.77";
    assert_int_equal(ig_suppressor_match(s, &f), 0);
    f.group_id = "198.51.100.1";
    assert_int_equal(ig_suppressor_match(s, &f), -1);
    /* an IPv6 source group is its /64: inside a /32, not inside a narrower prefix even
     * where that prefix holds the /64's first address */
    f.group_id = "2001:db8:1:2::/64";
    assert_int_equal(ig_suppressor_match(s, &f), 1);
    struct ig_suppressor *t = compile("findings.suppress: [{analytic: extraction.*, source: \"2001:db8:1:2::/80\"}]");
    assert_int_equal(ig_suppressor_match(t, &f), -1);
    /* a group the proxy did not forward (a SPIFFE workload) is no address */
    f.group_kind = IG_ID_SPIFFE;
    f.group_id = "192.0.2.77";
    assert_int_equal(ig_suppressor_match(s, &f), -1);
}

static void test_client_model_expiry(void **st)
{
    (void)st;
    struct ig_suppressor *s = compile(
        "findings.suppress:\n"
        "  - {analytic: extraction.*, client: \"key:0123456789abcdef\"}\n"
        "  - {analytic: extraction.*, client: \"spiffe://cluster.local/ns/explain/*\", model: \"wine*\"}\n"
        "  - {analytic: leakage.scores, model: iris, expires: \"2026-01-01T00:00:10Z\", comment: trial}\n"
        "  - {analytic: extraction.*, source: 10.9.0.0/16, client: \"key:aaaa\"}\n");
    assert_int_equal(match(s, "extraction.transfer", "10.0.0.1", "key:0123456789abcdef", "m", T0), 0);
    assert_int_equal(match(s, "extraction.transfer", "10.0.0.1", "key:0123456789abcde", "m", T0), -1);
    assert_int_equal(match(s, "extraction.transfer", "10.0.0.1", "spiffe://cluster.local/ns/explain/sa/lime",
                           "wine-v2", T0), 1);
    assert_int_equal(match(s, "extraction.transfer", "10.0.0.1", "spiffe://cluster.local/ns/explain/sa/lime",
                           "iris", T0), -1);
    assert_int_equal(match(s, "extraction.transfer", "10.0.0.1", "spiffe://cluster.local/ns/other/sa/x",
                           "wine", T0), -1);
    /* expiry on the finding's (capture) clock: up to the instant, not from it */
    assert_int_equal(match(s, "leakage.scores", "10.0.0.1", "c", "iris", T0 + 9 * SEC), 2);
    assert_int_equal(match(s, "leakage.scores", "10.0.0.1", "c", "iris", T0 + 10 * SEC), -1);
    assert_int_equal(match(s, "leakage.scores", "10.0.0.1", "c", "iris", T0 + 5 * SEC), 2);
    /* every field an entry sets must match */
    assert_int_equal(match(s, "extraction.prada", "10.9.1.1", "key:aaaa", "m", T0), 3);
    assert_int_equal(match(s, "extraction.prada", "10.9.1.1", "key:bbbb", "m", T0), -1);
    assert_int_equal(match(s, "extraction.prada", "10.8.1.1", "key:aaaa", "m", T0), -1);
}

static void test_unknown_analytic(void **st)
{
    (void)st;
    struct ig_suppressor s;
    char err[256] = "";
    assert_int_equal(ig_suppressor_init(&s, cfg_with("findings.suppress: [{analytic: extration.*, model: m}]"),
                                        err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "findings.suppress entry 1: no analytic of this build is in family 'extration'"));
    assert_int_equal(ig_suppressor_init(&s, cfg_with("findings.suppress: [{analytic: abuse.rate, model: m}, "
                                                     "{analytic: extraction.prda, model: m}]"),
                                        err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "findings.suppress entry 2: 'extraction.prda' is not an analytic"));
    /* names a detector emits besides its own are known */
    assert_int_equal(ig_suppressor_init(&s, cfg_with("findings.suppress: [{analytic: leakage.pii, model: m}, "
                                                     "{analytic: drift.predictions, model: m}]"),
                                        err, sizeof err), IG_OK);
    /* and the findings stage refuses the list as a whole */
    assert_null(ig_findings_new(cfg_with("findings.suppress: [{analytic: extration.*, model: m}]"), NULL,
                                err, sizeof err));
    assert_non_null(strstr(err, "extration"));
}

/* ---- the findings stage ---- */

#define MAXREC 32
static struct { char rec[MAXREC][8192]; int n; } g_cap;
static int cap_write(void *st, const struct ig_record *r)
{
    (void)st;
    assert_true(g_cap.n < MAXREC && r->value.n < sizeof g_cap.rec[0]);
    memcpy(g_cap.rec[g_cap.n], r->value.p, r->value.n);
    g_cap.rec[g_cap.n++][r->value.n] = 0;
    return 0;
}
static int cap_close(void *st, int t) { (void)st; (void)t; return 0; }
static const struct ig_sink cap_sink = { .name = "capture", .write = cap_write, .close = cap_close,
                                         .encodings = IG_SINK_JSON };

static void raise_from(struct ig_findings *fs, const char *analytic, const char *ip, uint64_t t_us)
{
    struct ig_finding f;
    finding(&f, analytic, ip, ip, "wine", t_us);
    ig_emit_finding(ig_findings_emit(fs), &f);
}

static int published(const char *analytic, const char *client)
{
    char a[96], c[96];
    snprintf(a, sizeof a, "\"name\":\"%s\"", analytic);
    snprintf(c, sizeof c, "\"uid\":\"%s\"", client);
    int n = 0;
    for (int i = 0; i < g_cap.n; i++)
        n += strstr(g_cap.rec[i], a) && strstr(g_cap.rec[i], c);
    return n;
}

/* The run summary's "suppressed" line for <st> and <cfg> (malloc'd; "" when it says nothing). */
static char *summary_of(const struct ig_findings_stats *st, const struct ig_config *cfg)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ig_findings_suppress_summary(st, cfg, f);
    fclose(f);
    return buf;
}

static void test_stage(void **st)
{
    (void)st;
    const struct ig_config *cfg = cfg_with(
        "findings.suppress:\n"
        "  - {analytic: extraction.*, source: 10.1.0.0/16, comment: LIME explainer}\n"
        "  - {analytic: \"*\", source: 10.1.0.5}\n"
        "  - {analytic: abuse.rate, source: 10.3.0.0/16}\n");
    char err[256] = "";
    memset(&g_cap, 0, sizeof g_cap);
    struct ig_findings *fs = ig_findings_new(cfg, NULL, err, sizeof err);
    assert_non_null(fs);
    assert_int_equal(ig_findings_add_sink(fs, &cap_sink, NULL), 0);
    for (int i = 0; i < 3; i++) {
        raise_from(fs, "extraction.prada", "10.1.0.5", T0 + (uint64_t)i * SEC);      /* entry 1, first wins */
        raise_from(fs, "extraction.coverage", "10.1.7.7", T0 + (uint64_t)i * SEC);   /* entry 1 */
        raise_from(fs, "leakage.scores", "10.1.0.5", T0 + (uint64_t)i * SEC);        /* entry 2 */
        raise_from(fs, "extraction.prada", "10.2.0.1", T0 + (uint64_t)i * SEC);      /* none */
        raise_from(fs, "leakage.scores", "10.1.7.7", T0 + (uint64_t)i * SEC);        /* none */
    }
    /* what is not suppressed is published and throttled as ever: one Create each so far */
    assert_int_equal(g_cap.n, 2);
    assert_int_equal(published("extraction.prada", "10.2.0.1"), 1);
    assert_int_equal(published("leakage.scores", "10.1.7.7"), 1);
    ig_findings_close(fs, T0 + 120 * SEC, 0);
    /* ... and their Updates (count 3) at the close; nothing of the suppressed ones */
    assert_int_equal(g_cap.n, 4);
    assert_int_equal(published("extraction.prada", "10.2.0.1"), 2);
    assert_int_equal(published("leakage.scores", "10.1.7.7"), 2);
    assert_int_equal(published("extraction.prada", "10.1.0.5") + published("extraction.coverage", "10.1.7.7") +
                     published("leakage.scores", "10.1.0.5"), 0);
    const struct ig_findings_stats *s = ig_findings_stats(fs);
    assert_int_equal(s->raised, 15);
    assert_int_equal(s->suppressed, 9);
    assert_int_equal(s->suppress_entries, 3);
    assert_int_equal(s->suppressed_by[0], 6);
    assert_int_equal(s->suppressed_by[1], 3);
    assert_int_equal(s->suppressed_by[2], 0);
    assert_int_equal(s->emitted, 4);
    assert_int_equal(s->throttled, 4);

    /* the summary names every entry with its count */
    char *buf = summary_of(s, cfg);
    assert_string_equal(buf, "  suppressed  9 findings by findings.suppress (not published; the detectors ran as "
                             "ever): #1 extraction.* source 10.1.0.0/16 (LIME explainer): 6; #2 * source 10.1.0.5: 3; "
                             "#3 abuse.rate source 10.3.0.0/16: 0\n");
    free(buf);
    ig_findings_free(fs);
}

/* Without a list nothing changes and the summary says nothing. */
static void test_stage_without_list(void **st)
{
    (void)st;
    const struct ig_config *cfg = cfg_with("");
    char err[256] = "";
    memset(&g_cap, 0, sizeof g_cap);
    struct ig_findings *fs = ig_findings_new(cfg, NULL, err, sizeof err);
    assert_non_null(fs);
    assert_int_equal(ig_findings_add_sink(fs, &cap_sink, NULL), 0);
    raise_from(fs, "extraction.prada", "10.1.0.5", T0);
    assert_int_equal(g_cap.n, 1);
    assert_int_equal(ig_findings_stats(fs)->suppressed, 0);
    char *buf = summary_of(ig_findings_stats(fs), cfg);
    assert_string_equal(buf, "");
    free(buf);
    ig_findings_free(fs);
}

/* A list read again (SIGHUP): handed over from any thread, taken at the stage's next
 * finding; a list handed over and replaced before it was taken is freed (ASan); the new
 * entries apply from that finding on, the old ones no longer; the total carries on, the
 * per-entry counts are the new list's; a list emptied turns suppression off. */
static void test_stage_list_replaced(void **st)
{
    (void)st;
    char err[256] = "";
    memset(&g_cap, 0, sizeof g_cap);
    struct ig_findings *fs = ig_findings_new(cfg_with("findings.suppress: [{analytic: extraction.*, source: 10.1.0.0/16}]"),
                                             NULL, err, sizeof err);
    assert_non_null(fs);
    assert_int_equal(ig_findings_add_sink(fs, &cap_sink, NULL), 0);
    raise_from(fs, "extraction.prada", "10.1.0.5", T0);   /* suppressed by the first list */
    raise_from(fs, "abuse.rate", "10.2.0.1", T0);         /* published */
    assert_int_equal(g_cap.n, 1);

    struct ig_suppressor *never = ig_suppressor_new(cfg_with("findings.suppress: [{analytic: \"*\", model: \"*\"}]"), err, sizeof err);
    assert_non_null(never);
    ig_findings_replace_suppress(fs, never);   /* replaced before any finding took it */
    const struct ig_config *cfg2 = cfg_with("findings.suppress:\n"
                                            "  - {analytic: leakage.*, source: 10.9.0.0/16}\n"
                                            "  - {analytic: abuse.rate, source: 10.2.0.1}\n");
    struct ig_suppressor *next = ig_suppressor_new(cfg2, err, sizeof err);
    struct ig_suppressor *again = ig_suppressor_new(cfg2, err, sizeof err);   /* for the close */
    assert_non_null(next);
    assert_non_null(again);
    ig_findings_replace_suppress(fs, next);
    /* nothing changes until the next finding takes it: the stats still hold the first list */
    assert_int_equal(ig_findings_stats(fs)->suppress_entries, 1);
    raise_from(fs, "extraction.prada", "10.1.0.5", T0 + SEC);   /* the old entry is gone: published */
    raise_from(fs, "abuse.rate", "10.2.0.1", T0 + SEC);         /* now entry 2: suppressed */
    raise_from(fs, "leakage.scores", "10.9.1.1", T0 + SEC);     /* entry 1 */
    const struct ig_findings_stats *s = ig_findings_stats(fs);
    assert_int_equal(g_cap.n, 2);
    assert_int_equal(published("extraction.prada", "10.1.0.5"), 1);
    assert_int_equal(s->suppressed, 3);
    assert_int_equal(s->suppress_entries, 2);
    assert_int_equal(s->suppressed_by[0], 1);
    assert_int_equal(s->suppressed_by[1], 1);
    assert_int_equal(s->suppress_reloads, 2);
    char *buf = summary_of(s, cfg2);
    assert_string_equal(buf, "  suppressed  3 findings by findings.suppress (not published; the detectors ran as "
                             "ever); the list read again 2 times, its entries counted since: "
                             "#1 leakage.* source 10.9.0.0/16: 1; #2 abuse.rate source 10.2.0.1: 1\n");
    free(buf);

    /* an empty list turns it off; the close takes a list handed over after the last finding */
    struct ig_suppressor *none = ig_suppressor_new(cfg_with(""), err, sizeof err);
    assert_non_null(none);
    ig_findings_replace_suppress(fs, none);
    raise_from(fs, "leakage.scores", "10.9.1.1", T0 + 2 * SEC);
    assert_int_equal(published("leakage.scores", "10.9.1.1"), 1);
    ig_findings_replace_suppress(fs, again);
    ig_findings_close(fs, T0 + 120 * SEC, 0);
    assert_int_equal(ig_findings_stats(fs)->suppress_reloads, 4);
    assert_int_equal(ig_findings_stats(fs)->suppress_entries, 2);
    assert_int_equal(ig_findings_stats(fs)->suppressed, 3);
    ig_findings_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analytic),
        cmocka_unit_test(test_source_cidr),
        cmocka_unit_test(test_source_forwarded),
        cmocka_unit_test(test_client_model_expiry),
        cmocka_unit_test(test_unknown_analytic),
        cmocka_unit_test(test_stage),
        cmocka_unit_test(test_stage_without_list),
        cmocka_unit_test(test_stage_list_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
