/* Every shipped pattern rule (rules/ in the source tree) fires on each of its positives
 * and stays quiet on each of its negatives, after the normalisation its detector applies
 * (params.form: raw, folded or words), at the scan point it declares. Near-misses live in
 * the negatives: Luhn-invalid cards, AWS ...EXAMPLE keys, prose about instructions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "text/hsdb.h"
#include "text/normalise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ctest sets IG_SRC; run by hand from the source tree otherwise */
#define IG_SOURCE_DIR_FALLBACK "."

struct hit { uint32_t idx; bool found; };

static int on_hit(void *ctx, const struct ig_hsdb_match *m)
{
    struct hit *h = ctx;
    if (m->idx == h->idx)
        h->found = true;
    return 1;
}

static unsigned form_flags(const char *form)
{
    if (!strcmp(form, "words"))
        return IG_NORM_WORDS | IG_NORM_B64;
    if (!strcmp(form, "folded"))
        return IG_NORM_FOLD | IG_NORM_LOWER | IG_NORM_WS | IG_NORM_B64;
    return 0;
}

static bool fires(const struct ig_hsdb *db, struct ig_hsdb_scratch *s, uint32_t idx,
                  const char *form, const char *ex)
{
    const struct ig_rule *ru = ig_hsdb_rule(db, idx);
    size_t n = strlen(ex);
    uint8_t *buf = malloc(2 * n + 16);
    size_t m = n;
    unsigned fl = form_flags(form);
    if (fl)
        m = ig_text_normalise((const uint8_t *)ex, n, buf, 2 * n + 16, fl);
    else
        memcpy(buf, ex, n);
    struct hit h = { idx, false };
    for (uint32_t pt = IG_SCAN_REQUEST; pt <= IG_SCAN_RESPONSE; pt <<= 1)
        if (ru->scan & pt)
            assert_int_equal(ig_hsdb_scan(db, pt, buf, m, NULL, NULL, s, on_hit, &h), IG_OK);
    free(buf);
    return h.found;
}

static void report(void *ctx, const char *msg)
{
    (void)ctx;
    print_error("%s\n", msg);
}

static void test_shipped_examples(void **st)
{
    (void)st;
    const char *src = getenv("IG_SRC");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/rules", src ? src : IG_SOURCE_DIR_FALLBACK);
    assert_int_equal(ig_rules_check_dir(dir, report, NULL), 0);
    struct ig_rules *r = NULL;
    char err[512] = "";
    if (ig_rules_load_dir(dir, &r, err, sizeof err) != IG_OK)
        fail_msg("%s", err);
    assert_int_equal(ig_hsdb_check(r, report, NULL), 0);   /* what `rules check` should run */
    static const char *const forms[] = { "raw", "folded", "words" };
    unsigned rules = 0, pos = 0, neg = 0, bad = 0;
    for (size_t f = 0; f < IG_ARRAY_LEN(forms); f++) {
        struct ig_hsdb *db = NULL;
        struct ig_hsdb_scratch *s = NULL;
        if (ig_hsdb_build(NULL, r, NULL, forms[f], &db, err, sizeof err) != IG_OK)
            fail_msg("%s", err);
        if (ig_hsdb_rules(db))
            assert_int_equal(ig_hsdb_scratch_fit(db, &s), IG_OK);
        for (uint32_t i = 0; i < ig_hsdb_rules(db); i++) {
            const struct ig_rule *ru = ig_hsdb_rule(db, i);
            rules++;
            for (uint32_t k = 0; k < ru->positives.n; k++, pos++)
                if (!fires(db, s, i, forms[f], ru->positives.v[k])) {
                    print_error("%s:%u: rule %s misses positive '%s'\n", ru->file, ru->line,
                                ru->name, ru->positives.v[k]);
                    bad++;
                }
            for (uint32_t k = 0; k < ru->negatives.n; k++, neg++)
                if (fires(db, s, i, forms[f], ru->negatives.v[k])) {
                    print_error("%s:%u: rule %s fires on negative '%s'\n", ru->file, ru->line,
                                ru->name, ru->negatives.v[k]);
                    bad++;
                }
        }
        ig_hsdb_scratch_free(s);
        ig_hsdb_free(db);
    }
    print_message("%u pattern rules, %u positives, %u negatives\n", rules, pos, neg);
    assert_true(rules >= 15);
    assert_int_equal(bad, 0);
    ig_rules_free(r);
}

/* Every enabled pattern rule has at least one negative, and every rule of the leakage
 * detectors has a positive too (the injection ones may rely on weight-only examples). */
static void test_examples_present(void **st)
{
    (void)st;
    const char *src = getenv("IG_SRC");
    char dir[1024], err[512] = "";
    snprintf(dir, sizeof dir, "%s/rules", src ? src : IG_SOURCE_DIR_FALLBACK);
    struct ig_rules *r = NULL;
    if (ig_rules_load_dir(dir, &r, err, sizeof err) != IG_OK)
        fail_msg("%s", err);
    for (size_t i = 0; i < ig_rules_count(r, NULL); i++) {
        const struct ig_rule *ru = ig_rules_get(r, NULL, i);
        if (!ru->patterns.n)
            continue;
        if (!ru->negatives.n)
            fail_msg("rule %s has no negative example", ru->name);
        if (ru->weight >= 1 && !ru->positives.n)
            fail_msg("rule %s has no positive example", ru->name);
    }
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_shipped_examples),
        cmocka_unit_test(test_examples_present),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
