/* The findings stage: throttling into groups with a count, Create then Update, nothing lost
 * (bounded table evicts by writing the group out), sinks receive every record, per-analytic
 * windows from rules, encoding selection. Records are captured by a real ig_sink table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <msgpack.h>

#include <inferguard/config.h>
#include <inferguard/rules.h>
#include "findings/findings.h"

#define MAXREC 64
struct cap { char rec[MAXREC][8192]; size_t len[MAXREC]; char enc[MAXREC][8]; char key[MAXREC][64]; int n; int polls; };
static struct cap g_cap;

static int cap_open(const struct ig_config *c, void **st, char *e, size_t el) { (void)c; (void)e; (void)el; *st = &g_cap; return 0; }
static int cap_write(void *st, const struct ig_record *r)
{
    struct cap *c = st;
    assert_true(c->n < MAXREC);
    assert_true(r->value.n < sizeof c->rec[0]);
    memcpy(c->rec[c->n], r->value.p, r->value.n);
    c->rec[c->n][r->value.n] = 0;
    c->len[c->n] = r->value.n;
    snprintf(c->enc[c->n], sizeof c->enc[0], "%s", r->encoding);
    snprintf(c->key[c->n], sizeof c->key[0], "%.*s", (int)r->key.n, (const char *)r->key.p);
    assert_string_equal(r->schema, "ocsf.detection_finding");
    assert_string_equal(r->schema_version, "1.3.0");
    c->n++;
    return 0;
}
static int cap_poll(void *st, int t) { (void)t; ((struct cap *)st)->polls++; return 0; }
static int cap_close(void *st, int t) { (void)st; (void)t; return 0; }
static void cap_stats(void *st, struct ig_sink_stats *o) { memset(o, 0, sizeof *o); o->written = (uint64_t)((struct cap *)st)->n; }
static const struct ig_sink cap_sink = {
    .name = "capture", .open = cap_open, .write = cap_write, .poll = cap_poll, .close = cap_close,
    .stats = cap_stats, .encodings = IG_SINK_JSON | IG_SINK_MSGPACK,
};

static struct ig_findings *mk(const char *enc, const struct ig_rules *rules)
{
    static struct ig_config cfg;
    char err[256] = "";
    ig_config_defaults(&cfg);
    snprintf(cfg.findings_encoding, sizeof cfg.findings_encoding, "%s", enc);
    snprintf(cfg.rules_dir, sizeof cfg.rules_dir, "%s/rules", getenv("IG_SRC") ? getenv("IG_SRC") : ".");
    memset(&g_cap, 0, sizeof g_cap);
    struct ig_findings *f = ig_findings_new(&cfg, rules, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(ig_findings_add_sink(f, &cap_sink, &g_cap), 0);
    return f;
}

static void raise(struct ig_findings *fs, const char *analytic, const char *client, const char *model,
                  uint64_t t_us, double score)
{
    struct ig_finding f;
    ig_finding_init(&f, analytic, NULL);
    f.title = "Test finding";
    f.client_id = client;
    f.model = model;
    f.model_version = "1";
    f.method = "POST";
    f.route = "/v2/models/m/infer";
    f.time_us = t_us;
    f.atlas[0] = "AML.T0040";
    ig_finding_score(&f, "rate", score);
    ig_emit_finding(ig_findings_emit(fs), &f);
}

static bool has(int i, const char *needle) { return strstr(g_cap.rec[i], needle) != NULL; }

static void uid_of(int i, char *out, size_t cap)
{
    const char *p = strstr(g_cap.rec[i], "\"uid\":\"ig-");
    assert_non_null(p);
    p += 7;
    size_t n = strcspn(p, "\"");
    snprintf(out, cap, "%.*s", (int)n, p);
}

#define T0 1767225600000000ull
#define SEC 1000000ull

static void test_first_immediately_then_update_with_count(void **st)
{
    (void)st;
    struct ig_findings *fs = mk("json", NULL);
    raise(fs, "abuse.rate", "c-1", "m", T0, 1);
    assert_int_equal(g_cap.n, 1);
    assert_true(has(0, "\"activity_id\":1,"));
    assert_true(has(0, "\"count\":1,"));
    assert_string_equal(g_cap.key[0], "c-1");
    for (int i = 1; i <= 4; i++)
        raise(fs, "abuse.rate", "c-1", "m", T0 + (uint64_t)i * SEC, 1 + i);
    assert_int_equal(g_cap.n, 1);                       /* folded */
    ig_findings_tick(fs, T0 + 59 * SEC);
    assert_int_equal(g_cap.n, 1);                       /* window still open */
    ig_findings_tick(fs, T0 + 60 * SEC);
    assert_int_equal(g_cap.n, 2);
    assert_true(has(1, "\"activity_id\":2,"));
    assert_true(has(1, "\"type_uid\":200402,"));
    assert_true(has(1, "\"count\":5,"));
    assert_true(has(1, "\"first_seen_time\":1767225600000,"));
    assert_true(has(1, "\"last_seen_time\":1767225604000}"));
    assert_true(has(1, "\"time\":1767225604000,"));
    assert_true(has(1, "\"rate\":5}"));                 /* latest repeat's scores */
    char u0[96], u1[96];
    uid_of(0, u0, sizeof u0);
    uid_of(1, u1, sizeof u1);
    assert_string_equal(u0, u1);                         /* Update refers to its Create */
    const struct ig_findings_stats *s = ig_findings_stats(fs);
    assert_int_equal(s->raised, 5);
    assert_int_equal(s->emitted, 2);
    assert_int_equal(s->throttled, 4);
    assert_int_equal(s->updates, 1);
    /* after the window a repeat starts a new group: a new Create */
    raise(fs, "abuse.rate", "c-1", "m", T0 + 61 * SEC, 1);
    assert_int_equal(g_cap.n, 3);
    assert_true(has(2, "\"activity_id\":1,"));
    char u2[96];
    uid_of(2, u2, sizeof u2);
    assert_string_not_equal(u0, u2);
    ig_findings_close(fs, T0 + 61 * SEC, 0);
    assert_int_equal(g_cap.n, 3);                       /* single finding: no Update */
    ig_findings_free(fs);
}

static void test_groups_are_per_client_analytic_model(void **st)
{
    (void)st;
    struct ig_findings *fs = mk("json", NULL);
    raise(fs, "abuse.rate", "c-1", "m", T0, 1);
    raise(fs, "abuse.rate", "c-2", "m", T0, 1);
    raise(fs, "abuse.rate", "c-1", "m2", T0, 1);
    raise(fs, "extraction.prada", "c-1", "m", T0, 1);
    raise(fs, "abuse.rate", "c-1", "m", T0 + 1, 1);
    assert_int_equal(g_cap.n, 4);
    ig_findings_close(fs, T0 + 2, 0);                   /* close flushes the open group */
    assert_int_equal(g_cap.n, 5);
    assert_true(has(4, "\"count\":2,"));
    assert_string_equal(g_cap.key[4], "c-1");
    ig_findings_free(fs);
}


/* Identities rotated from one source fold into one throttle group per (source, analytic,
 * model): 200 findings from 200 minted identities are one Create and one Update, whose uid
 * matches; another source is its own group. */
static void test_groups_fold_by_source(void **st)
{
    (void)st;
    struct ig_findings *fs = mk("json", NULL);
    for (int i = 0; i < 200; i++) {
        char id[32];
        snprintf(id, sizeof id, "key:%016d", i);
        struct ig_finding f;
        ig_finding_init(&f, "extraction.prada", NULL);
        f.client_id = id;
        f.id_kind = IG_ID_API_KEY;
        f.group_id = "127.0.0.66";
        f.group_kind = IG_ID_SOURCE_IP;
        f.model = "m";
        f.time_us = T0 + (uint64_t)i * 1000;
        ig_emit_finding(ig_findings_emit(fs), &f);
    }
    raise(fs, "extraction.prada", "key:other", "m", T0 + 5, 1);   /* no source: its own */
    assert_int_equal(g_cap.n, 2);
    assert_true(has(0, "\"groups\":[{\"uid\":\"127.0.0.66\",\"name\":\"source\",\"type\":\"source_ip\"}]"));
    assert_true(has(0, "\"source_id\":\"127.0.0.66\""));
    ig_findings_close(fs, T0 + SEC, 0);
    assert_int_equal(g_cap.n, 3);
    assert_true(has(2, "\"count\":200,"));
    assert_true(has(2, "key:0000000000000199"));          /* the latest repeat's identity */
    char u0[96], u2[96];
    uid_of(0, u0, sizeof u0);
    uid_of(2, u2, sizeof u2);
    assert_string_equal(u0, u2);
    ig_findings_free(fs);
}

static void test_repeat_after_deadline_without_tick(void **st)
{
    (void)st;
    struct ig_findings *fs = mk("json", NULL);
    raise(fs, "abuse.rate", "c-1", "m", T0, 1);
    raise(fs, "abuse.rate", "c-1", "m", T0 + SEC, 1);
    raise(fs, "abuse.rate", "c-1", "m", T0 + 70 * SEC, 1);   /* no tick in between */
    assert_int_equal(g_cap.n, 3);
    assert_true(has(1, "\"count\":2,"));                /* the old group's Update first */
    assert_true(has(2, "\"activity_id\":1,"));
    ig_findings_free(fs);
}

static char g_dir[256];

static struct ig_rules *rules_with(const char *yaml)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/ig-test-findings.XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    char path[300], err[512] = "";
    snprintf(path, sizeof path, "%s/t.yaml", g_dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(yaml, fp);
    fclose(fp);
    struct ig_rules *r = NULL;
    int rc = ig_rules_load_dir(g_dir, &r, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "rules: %s\n", err);
    assert_int_equal(rc, 0);
    return r;
}

static void test_window_and_cap_from_rules(void **st)
{
    (void)st;
    struct ig_rules *r = rules_with(
        "- detector: abuse.rate\n  throttle: 10s\n"
        "- detector: extraction.prada\n  throttle: 0s\n"
        "- detector: findings.throttle\n  params:\n    max_groups: 2\n");
    struct ig_findings *fs = mk("json", r);
    raise(fs, "abuse.rate", "c-1", "m", T0, 1);
    raise(fs, "abuse.rate", "c-1", "m", T0 + SEC, 1);
    ig_findings_tick(fs, T0 + 10 * SEC);                /* 10 s window from rules */
    assert_int_equal(g_cap.n, 2);
    assert_true(has(1, "\"count\":2,"));
    /* throttle 0: every finding goes out */
    raise(fs, "extraction.prada", "c-1", "m", T0 + 11 * SEC, 1);
    raise(fs, "extraction.prada", "c-1", "m", T0 + 11 * SEC, 1);
    assert_int_equal(g_cap.n, 4);
    /* cap 2: a third group closes the oldest early, writing its count */
    raise(fs, "abuse.rate", "a", "m", T0 + 12 * SEC, 1);
    raise(fs, "abuse.rate", "a", "m", T0 + 12 * SEC, 1);
    raise(fs, "abuse.rate", "b", "m", T0 + 13 * SEC, 1);
    raise(fs, "abuse.rate", "c", "m", T0 + 14 * SEC, 1);
    assert_int_equal(g_cap.n, 8);                       /* a, b, a's Update, c */
    assert_true(has(6, "\"count\":2,"));
    assert_string_equal(g_cap.key[6], "a");
    assert_int_equal(ig_findings_stats(fs)->evicted, 1);
    ig_findings_free(fs);
    ig_rules_free(r);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    assert_int_equal(system(cmd), 0);
}

static void raise_rule(struct ig_findings *fs, uint64_t t_us, uint64_t rule_us, bool detector_too)
{
    struct ig_finding f;
    ig_finding_init(&f, "leakage.secrets", NULL);
    f.title = "Secret in model response";
    f.client_id = "c-1";
    f.model = "m";
    f.time_us = t_us;
    ig_finding_rule(&f, rule_us);
    if (detector_too)
        ig_finding_rule(&f, 0);
    ig_emit_finding(ig_findings_emit(fs), &f);
}

/* A rule's own `throttle:` (carried by the finding, ig_finding_rule) replaces its detector's
 * window (leakage.secrets: the default 60 s here); when the detector's window counts too
 * (a rule without one, or the detector's own evidence), the shorter one applies. */
static void test_rule_throttle(void **st)
{
    (void)st;
    struct ig_findings *fs = mk("json", NULL);
    raise_rule(fs, T0, 600 * SEC, false);
    raise_rule(fs, T0 + 120 * SEC, 600 * SEC, false);   /* inside the rule's 10 min */
    assert_int_equal(g_cap.n, 1);
    ig_findings_tick(fs, T0 + 599 * SEC);
    assert_int_equal(g_cap.n, 1);
    ig_findings_tick(fs, T0 + 600 * SEC);
    assert_int_equal(g_cap.n, 2);
    assert_true(has(1, "\"count\":2,"));
    /* the detector's 60 s counts too: the shorter wins */
    raise_rule(fs, T0 + 700 * SEC, 600 * SEC, true);
    raise_rule(fs, T0 + 770 * SEC, 600 * SEC, true);    /* past 60 s: a new Create */
    assert_int_equal(g_cap.n, 4);
    /* a rule shorter than its detector */
    raise_rule(fs, T0 + 900 * SEC, 5 * SEC, false);
    raise_rule(fs, T0 + 906 * SEC, 5 * SEC, false);
    assert_int_equal(g_cap.n, 6);
    ig_findings_free(fs);
}

static void test_msgpack_encoding_reaches_sinks(void **st)
{
    (void)st;
    struct ig_findings *fs = mk("msgpack", NULL);
    raise(fs, "abuse.rate", "c-9", "m", T0, 3.5);
    assert_int_equal(g_cap.n, 1);
    assert_string_equal(g_cap.enc[0], "msgpack");
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    assert_int_equal(msgpack_unpack_next(&u, g_cap.rec[0], g_cap.len[0], &off), MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(off, g_cap.len[0]);
    assert_int_equal(u.data.type, MSGPACK_OBJECT_MAP);
    msgpack_unpacked_destroy(&u);
    ig_findings_free(fs);
}

static void test_bad_encoding_and_bad_atlas_are_config_errors(void **st)
{
    (void)st;
    struct ig_config cfg;
    char err[512] = "";
    ig_config_defaults(&cfg);
    snprintf(cfg.findings_encoding, sizeof cfg.findings_encoding, "xml");
    assert_null(ig_findings_new(&cfg, NULL, err, sizeof err));
    assert_non_null(strstr(err, "findings.encoding"));

    snprintf(g_dir, sizeof g_dir, "/tmp/ig-test-atlas.XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "printf 'version: x\\ntactics: [\\n' > %s/atlas.yaml", g_dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cfg.findings_encoding, sizeof cfg.findings_encoding, "json");
    snprintf(cfg.rules_dir, sizeof cfg.rules_dir, "%s", g_dir);
    assert_null(ig_findings_new(&cfg, NULL, err, sizeof err));
    assert_non_null(strstr(err, "atlas.yaml:"));
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_immediately_then_update_with_count),
        cmocka_unit_test(test_groups_are_per_client_analytic_model),
        cmocka_unit_test(test_groups_fold_by_source),
        cmocka_unit_test(test_repeat_after_deadline_without_tick),
        cmocka_unit_test(test_window_and_cap_from_rules),
        cmocka_unit_test(test_rule_throttle),
        cmocka_unit_test(test_msgpack_encoding_reaches_sinks),
        cmocka_unit_test(test_bad_encoding_and_bad_atlas_are_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
