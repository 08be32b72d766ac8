/* The schema of rules params: a table fills a params struct (defaults, then the rules'
 * values, type- and range-checked); an unknown param, a bad value or one out of range is an
 * error naming file:line and the param; ig_rules_validate knows this build's blocks (the
 * detectors' and findings.throttle) for `rules check`, reload and analyze/run; the engine
 * refuses a detector whose params do not check; every registered table is well formed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <inferguard/detector.h>
#include <inferguard/rules.h>

#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- a table of every type ---- */

struct demo {
    double d;
    float f;
    uint32_t u;
    uint64_t big;
    bool b;
    uint64_t dur;
    const char *s;
    uint32_t e;
    struct ig_strv list;
    double open;
    double whole;
};

#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct demo, f), __VA_ARGS__ }
static const struct ig_param demo_params[] = {
    ROW("d", IG_PT_DOUBLE, d, .def = 0.5, .min = 0, .max = 1),
    ROW("f", IG_PT_FLOAT, f, .def = 50, .min = 1, .max = 255),
    ROW("u", IG_PT_U32, u, .def = 7),
    ROW("big", IG_PT_U64, big, .def = 1e10, .min = 1, .max = 1e12),
    ROW("b", IG_PT_BOOL, b, .def = 1),
    ROW("dur", IG_PT_DURATION, dur, .def = 10e6, .min = 1e3, .max = 86400e6),
    ROW("s", IG_PT_STR, s, .def_str = "dflt"),
    ROW("e", IG_PT_ENUM, e, .def = 1, .choices = "psi|ks|js"),
    ROW("list", IG_PT_STRLIST, list),
    ROW("open", IG_PT_DOUBLE, open, .def = 0.5, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN | IG_PARAM_LT_MAX),
    ROW("whole", IG_PT_DOUBLE, whole, .def = -1, .min = 1, .max = 100, .flags = IG_PARAM_WHOLE),
    { .name = "key", .type = IG_PT_SECRET },
    { 0 },
};
#undef ROW

static void test_fill_defaults_and_values(void **state)
{
    (void)state;
    struct demo v;
    char err[512] = "";
    memset(&v, 0xa5, sizeof v);
    assert_int_equal(ig_params_fill(demo_params, NULL, "x.demo", &v, err, sizeof err), IG_OK);
    assert_true(v.d == 0.5 && v.f == 50.0f && v.u == 7 && v.big == 10000000000ull && v.b);
    assert_true(v.dur == 10000000 && v.e == 1 && v.list.n == 0 && v.whole == -1);
    assert_string_equal(v.s, "dflt");

    struct ig_rules *r = tst_rules_load(
        "- detector: x.demo\n"
        "  params:\n"
        "    d: 1\n"
        "    f: 2.5\n"
        "    u: 9.9\n"                    /* a count is truncated, as before */
        "    big: 123\n"
        "    b: off\n"
        "    dur: 500ms\n"
        "    s: hello\n"
        "    e: js\n"
        "    list: [a, b, c]\n"
        "    open: 0.25\n"
        "    whole: 42\n"
        "    key: secret\n"
        "    key_file: /dev/null\n");
    assert_int_equal(ig_params_fill(demo_params, r, "x.demo", &v, err, sizeof err), IG_OK);
    assert_true(v.d == 1 && v.f == 2.5f && v.u == 9 && v.big == 123 && !v.b && v.dur == 500000);
    assert_string_equal(v.s, "hello");
    assert_int_equal(v.e, 2);
    assert_int_equal(v.list.n, 3);
    assert_string_equal(v.list.v[2], "c");
    assert_true(v.open == 0.25 && v.whole == 42);
    ig_rules_free(r);

    /* A scalar reads as a one-item list. */
    r = tst_rules_load("- detector: x.demo\n  params: {list: only}\n");
    assert_int_equal(ig_params_fill(demo_params, r, "x.demo", &v, err, sizeof err), IG_OK);
    assert_int_equal(v.list.n, 1);
    assert_string_equal(v.list.v[0], "only");
    ig_rules_free(r);
}

static void test_every_param_error_named(void **state)
{
    (void)state;
    struct ig_rules *r = tst_rules_load(
        "- detector: x.demo\n"            /* 1 */
        "  params:\n"
        "    d: 1.5\n"                    /* 3: out of [0, 1] */
        "    f: lots\n"                   /* 4: not a number */
        "    u: -1\n"                     /* 5: a count cannot be negative */
        "    b: maybe\n"                  /* 6 */
        "    dur: 0s\n"                   /* 7: below 1ms */
        "    e: chi\n"                    /* 8 */
        "    open: 1\n"                   /* 9: must be < 1 */
        "    whole: 2.5\n"                /* 10 */
        "    windw: 3\n"                  /* 11: unknown */
        "    s: [a, b]\n");               /* 12: a list for a value */
    struct tst_msgs ms = { .n = 0 };
    int n = ig_params_check(demo_params, r, "x.demo", tst_collect, &ms);
    TST_EXPECT_MSG(&ms, "t.yaml:3: x.demo.d: 1.5 is out of range [0, 1]");
    TST_EXPECT_MSG(&ms, "t.yaml:4: x.demo.f: 'lots' is not a number");
    TST_EXPECT_MSG(&ms, "t.yaml:5: x.demo.u: -1 is out of range");
    TST_EXPECT_MSG(&ms, "t.yaml:6: x.demo.b: 'maybe' is not true or false");
    TST_EXPECT_MSG(&ms, "t.yaml:7: x.demo.dur: 0s is out of range [1ms, 24h]");
    TST_EXPECT_MSG(&ms, "t.yaml:8: x.demo.e: 'chi' is not one of psi|ks|js");
    TST_EXPECT_MSG(&ms, "t.yaml:9: x.demo.open: 1 is out of range (0, 1)");
    TST_EXPECT_MSG(&ms, "t.yaml:10: x.demo.whole: 2.5 is not a whole number");
    TST_EXPECT_MSG(&ms, "t.yaml:11: x.demo: unknown param 'windw'");
    TST_EXPECT_MSG(&ms, "t.yaml:12: x.demo.s expects one value, not a list");
    assert_int_equal(n, 10);

    /* Fill stops at the same errors and names the first. */
    struct demo v;
    char err[512] = "";
    assert_int_equal(ig_params_fill(demo_params, r, "x.demo", &v, err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "t.yaml:3: x.demo.d"));
    ig_rules_free(r);

    /* No table: every param is unknown. */
    r = tst_rules_load("- detector: x.none\n  params: {a: 1}\n");
    ms.n = 0;
    assert_int_equal(ig_params_check(NULL, r, "x.none", tst_collect, &ms), 1);
    TST_EXPECT_MSG(&ms, "t.yaml:2: x.none: unknown param 'a'");
    ig_rules_free(r);
}

/* ---- this build's blocks ---- */

static void test_validate_this_build(void **state)
{
    (void)state;
    struct ig_rules *r = NULL;
    char err[512];
    struct tst_msgs ms = { .n = 0 };
    assert_int_equal(ig_rules_load_embedded(&r, err, sizeof err), IG_OK);
    assert_int_equal(ig_rules_validate(r, false, tst_collect, &ms), 0);
    ig_rules_free(r);

    r = tst_rules_load(
        "- detector: abuse.rate\n"               /* 1 */
        "  params:\n"
        "    windw: 10s\n"                       /* 3 */
        "    window: 0s\n"                       /* 4 */
        "- detector: no.such\n"                  /* 5 */
        "  enabled: false\n"
        "- detector: findings.throttle\n"        /* 7 */
        "  params: {max_groups: -5}\n"           /* 8 */
        "- detector: evasion.http\n"             /* 9: no params at all */
        "  params: {window: 5s}\n"               /* 10 */
        "- rule: r1\n"                           /* 11 */
        "  detector: nowhere.at_all\n"
        "  patterns: [abc]\n");
    ms.n = 0;
    int n = ig_rules_validate(r, false, tst_collect, &ms);
    TST_EXPECT_MSG(&ms, "t.yaml:3: abuse.rate: unknown param 'windw'");
    TST_EXPECT_MSG(&ms, "t.yaml:4: abuse.rate.window: 0s is out of range [1ms, 24h]");
    TST_EXPECT_MSG(&ms, "t.yaml:5: unknown detector 'no.such'");
    TST_EXPECT_MSG(&ms, "t.yaml:8: findings.throttle.max_groups: -5 is out of range [0, 1e6]");
    TST_EXPECT_MSG(&ms, "t.yaml:10: evasion.http: unknown param 'window'");
    TST_EXPECT_MSG(&ms, "t.yaml:11: unknown detector 'nowhere.at_all'");
    assert_int_equal(n, 6);
    ig_rules_free(r);

    /* A pattern rule's own params have their table too. */
    r = tst_rules_load(
        "- rule: r2\n"                            /* 1 */
        "  detector: leakage.secrets\n"
        "  patterns: [abc]\n"
        "  params:\n"
        "    min_len: 20\n"                       /* 5 */
        "    max_len: 8\n"                        /* 6 */
        "    form: fold\n");                      /* 7 */
    ms.n = 0;
    n = ig_rules_validate(r, false, tst_collect, &ms);
    TST_EXPECT_MSG(&ms, "t.yaml:5: rule r2: unknown param 'min_len'");
    TST_EXPECT_MSG(&ms, "t.yaml:6: rule r2.max_len: 8 is out of range [16, 65536]");
    TST_EXPECT_MSG(&ms, "t.yaml:7: rule r2.form: 'fold' is not one of raw|folded|words");
    assert_int_equal(n, 3);
    ig_rules_free(r);

    /* findings.throttle is a block this build knows. */
    r = tst_rules_load("- detector: findings.throttle\n  params: {max_groups: 8}\n");
    ms.n = 0;
    assert_int_equal(ig_rules_validate(r, false, tst_collect, &ms), 0);
    ig_rules_free(r);

    /* Params that stand against each other (.vs) are checked by `rules check` and reload
     * as well, at the line that sets either; a default on the other side counts. */
    r = tst_rules_load(
        "- detector: adversarial.fingerprint\n"  /* 1 */
        "  params:\n"
        "    top: 30\n"                           /* 3: threshold keeps its default, 25 */
        "    window: 400\n"                       /* 4: above min_features' default, 256 */
        "- detector: drift.features\n"            /* 5 */
        "  params:\n"
        "    window_rows: 50\n"                   /* 7: below min_window_rows' default */
        "- detector: abuse.rate\n"                /* 8 */
        "  params:\n"
        "    flood_requests: 100\n"               /* 10: below min_requests' default */
        "    min_requests: 100\n");               /* 11: ... set equal: fine */
    ms.n = 0;
    n = ig_rules_validate(r, false, tst_collect, &ms);
    TST_EXPECT_MSG(&ms, "t.yaml:4: adversarial.fingerprint.min_features (256) must be at least window (400)");
    TST_EXPECT_MSG(&ms, "t.yaml:7: drift.features.min_window_rows (100) must be at most window_rows (50)");
    assert_int_equal(n, 2);   /* threshold 25 < top 30 holds */
    ig_rules_free(r);
}

static void test_engine_refuses_bad_params(void **state)
{
    (void)state;
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    static const struct ig_emit emit = { NULL, NULL };
    char err[512] = "";
    struct ig_rules *r = tst_rules_load("- detector: extraction.prada\n  params:\n    delta: 1\n");
    struct ig_engine *e = ig_engine_new(&cfg, r, NULL, &emit, err, sizeof err);
    assert_null(e);
    /* Before the table, five detectors said "a parameter is out of range" and no more. */
    assert_non_null(strstr(err, "t.yaml:3: extraction.prada.delta: 1 is out of range (0, 1)"));
    ig_rules_free(r);

    r = tst_rules_load("- detector: adversarial.fingerprint\n  params:\n    threshold: 60\n");
    e = ig_engine_new(&cfg, r, NULL, &emit, err, sizeof err);
    assert_null(e);
    /* What spans several params names where the rules set it. */
    assert_non_null(strstr(err, "t.yaml:3: adversarial.fingerprint.threshold (60) must be below top (50)"));
    ig_rules_free(r);

    r = tst_rules_load("- detector: abuse.rate\n  params:\n    min_requests: 500\n    flood_requests: 200\n");
    e = ig_engine_new(&cfg, r, NULL, &emit, err, sizeof err);
    assert_null(e);
    assert_non_null(strstr(err, "t.yaml:4: abuse.rate.flood_requests (200) must be at least min_requests (500)"));
    ig_rules_free(r);

    /* A disabled detector is not built, and its params are not the engine's business. */
    r = tst_rules_load("- detector: extraction.prada\n  enabled: false\n  params: {delta: 1}\n");
    e = ig_engine_new(&cfg, r, NULL, &emit, err, sizeof err);
    assert_non_null(e);
    ig_engine_free(e);
    ig_rules_free(r);
}

/* Every table of this build: unique names, fields inside the params struct, defaults in
 * their own range (a default outside it says so in doc_default), enum defaults among the
 * choices, and every detector builds from its defaults alone. */
static size_t width(enum ig_param_type t)
{
    switch (t) {
    case IG_PT_DOUBLE: return sizeof(double);
    case IG_PT_FLOAT: return sizeof(float);
    case IG_PT_U32: case IG_PT_ENUM: return sizeof(uint32_t);
    case IG_PT_U64: case IG_PT_DURATION: return sizeof(uint64_t);
    case IG_PT_BOOL: return sizeof(bool);
    case IG_PT_STR: return sizeof(const char *);
    case IG_PT_STRLIST: return sizeof(struct ig_strv);
    case IG_PT_SECRET: return 0;
    }
    return 0;
}

static void test_tables_well_formed(void **state)
{
    (void)state;
    for (size_t i = 0; ig_detectors[i]; i++) {
        const struct ig_detector *d = ig_detectors[i];
        for (const struct ig_param *p = d->params; p && p->name; p++) {
            for (const struct ig_param *q = d->params; q < p; q++)
                if (!strcmp(q->name, p->name))
                    fail_msg("%s: param '%s' twice", d->name, p->name);
            if (p->offset + width(p->type) > d->params_size)
                fail_msg("%s.%s: field outside params_size", d->name, p->name);
            if (!p->help || !p->help[0])
                fail_msg("%s.%s: no help", d->name, p->name);
            bool numeric = p->type == IG_PT_DOUBLE || p->type == IG_PT_FLOAT || p->type == IG_PT_U32 ||
                           p->type == IG_PT_U64 || p->type == IG_PT_DURATION;
            if (numeric && p->min < p->max && !p->doc_default &&
                !(p->def >= p->min && p->def <= p->max))
                fail_msg("%s.%s: default %g outside its range", d->name, p->name, p->def);
            if (p->vs) {   /* a number against another number of the table, by name */
                const struct ig_param *q = d->params;
                while (q->name && strcmp(q->name, p->vs) != 0)
                    q++;
                if (!numeric || !q->name || q == p || p->vs_op == IG_VS_NONE || p->vs_op > IG_VS_GT)
                    fail_msg("%s.%s: bad .vs '%s'", d->name, p->name, p->vs);
                /* the defaults hold: an error is only reported where the rules set a side */
                double a = p->def, b = q->def;
                bool ok = p->vs_op == IG_VS_LT ? a < b : p->vs_op == IG_VS_LE ? a <= b
                        : p->vs_op == IG_VS_GE ? a >= b : a > b;
                if (!ok)
                    fail_msg("%s.%s: defaults break .vs %s", d->name, p->name, p->vs);
            }
            if (p->type == IG_PT_ENUM) {
                int n = 1;
                for (const char *c = p->choices; *c; c++)
                    n += *c == '|';
                if (!(p->def >= 0 && p->def < n))
                    fail_msg("%s.%s: default choice %g of %d", d->name, p->name, p->def, n);
            }
        }
        static const struct ig_env env;
        void *g = NULL;
        char err[512] = "";
        if (ig_detector_init(d, &env, NULL, &g, err, sizeof err) != IG_OK)
            fail_msg("%s does not build from its defaults: %s", d->name, err);
        if (d->free)
            d->free(g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_defaults_and_values),
        cmocka_unit_test(test_every_param_error_named),
        cmocka_unit_test(test_validate_this_build),
        cmocka_unit_test(test_engine_refuses_bad_params),
        cmocka_unit_test(test_tables_well_formed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
