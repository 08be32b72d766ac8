/* The scan gate (text/gate.h): what it takes from a pattern, that it never says "cannot
 * match" where Hyperscan finds a match (soundness, per pattern, on planted positives and
 * digit-heavy random text), that the SIMD check equals the scalar definition, and that a
 * gated hsdb scan reports exactly the matches of the whole database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hs.h>
#include <inferguard/base.h>
#include <inferguard/rules.h>
#include "text/gate.h"
#include "text/hsdb.h"
#include "test_gate_oracle.h"

/* The source tree's rules/: $IG_SRC (ctest sets it), else where this file was compiled. */
static const char *rules_dir(void)
{
    static char buf[1024];
    const char *src = getenv("IG_SRC");
    if (src)
        snprintf(buf, sizeof buf, "%s/rules", src);
    else
        snprintf(buf, sizeof buf, "%.*s/../../rules", (int)(strrchr(__FILE__, '/') - __FILE__), __FILE__);
    return buf;
}

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs >> 32);
}

/* Text over an alphabet that makes digit, separator and capital runs likely. */
static void random_text(uint8_t *t, size_t n)
{
    static const char alpha[] = "0123456789012345678901234567  --  ABCDEFGHXYZ abcxyz.\n";
    for (size_t i = 0; i < n; i++)
        t[i] = rnd() % 97 == 0 ? (uint8_t)(128 + rnd() % 128) : (uint8_t)alpha[rnd() % (sizeof alpha - 1)];
}

static void test_prefix(void **state)
{
    (void)state;
    uint8_t sets[IG_GATE_ATOMS][32];
    static const struct { const char *p; int atoms; bool gated; } cases[] = {
        { "\\b[2-6]\\d{12,18}\\b", 8, true },
        { "\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b", 4, true },
        { "\\b\\d{3} \\d{2} \\d{4}\\b", 8, true },
        { "\\b3\\d{3}[ -]\\d{6}[ -]\\d{4,5}\\b", 8, true },
        { "\\bgh[pousr]_[A-Za-z0-9]{36}\\b", 8, false },   /* literal "gh": Hyperscan's */
        { "(?i)\\b(?:ssn|social security)\\b\\D{0,40}\\b\\d{9}\\b", 0, false },
        { "[A-Za-z0-9._%+-]@(?:[a-z]+\\.)+com", 2, false },
        { "\\d{4}|x", 0, false },                          /* alternation: nothing certain */
        { "a?\\d{9}", 0, false },                          /* optional first atom */
        { "\\d+[ab]{2}\\d{5}", 1, false },                 /* variable: stops after its minimum */
        { "[\\d-]{3}[^a-z]\\s\\w", 6, true },
        { "[[:digit:]]{5}", 0, false },
        { "\\x41\\d{5}", 0, false },
        { "\\d{2,2}\\.\\d{3}", 6, true },
        { "", 0, false },
    };
    for (size_t i = 0; i < IG_ARRAY_LEN(cases); i++) {
        int k = ig_gate_prefix(cases[i].p, sets);
        if (k != cases[i].atoms)
            fail_msg("%s: %d atoms, want %d", cases[i].p, k, cases[i].atoms);
        struct ig_gate g;
        memset(&g, 0, sizeof g);
        assert_int_equal(ig_gate_add(&g, cases[i].p), cases[i].gated);
    }
    /* the classes themselves */
    assert_int_equal(ig_gate_prefix("[\\d-]{3}[^a-z]\\s\\w", sets), 6);
    assert_true(sets[0]['7' >> 3] & (1 << ('7' & 7)) && sets[0]['-' >> 3] & (1 << ('-' & 7)));
    assert_false(sets[0]['a' >> 3] & (1 << ('a' & 7)));
    assert_true(sets[3][200 >> 3] & (1 << (200 & 7)));     /* [^a-z] holds bytes >= 128 */
    assert_false(sets[3]['q' >> 3] & (1 << ('q' & 7)));
    assert_true(sets[4]['\v' >> 3] & (1 << ('\v' & 7)));   /* \s */
    assert_true(sets[5]['_' >> 3] & (1 << ('_' & 7)));     /* \w */
}

/* Every pattern of the shipped rules and a few more: wherever Hyperscan matches one the
 * gate (if it took the pattern) fires, and the SIMD check agrees with the scalar one. */
static void test_sound_and_simd_equal(void **state)
{
    (void)state;
    struct ig_rules *r = NULL;
    char err[512];
    assert_int_equal(ig_rules_load_dir(rules_dir(), &r, err, sizeof err), IG_OK);
    const char *pats[256];
    uint32_t np = 0;
    static const char *const extra[] = { "[\\d-]{3}[^a-z]\\s\\w", "\\d{2,2}\\.\\d{3}", "[0-4]{4}[ ]?\\d",
                                         "[A-Z][A-Z]\\d\\d\\d", "\\s\\s\\d\\d\\d" };
    for (size_t i = 0; i < ig_rules_count(r, NULL); i++) {
        const struct ig_rule *ru = ig_rules_get(r, NULL, i);
        for (uint32_t k = 0; k < ru->patterns.n && np < 250; k++)
            pats[np++] = ru->patterns.v[k];
    }
    for (size_t i = 0; i < IG_ARRAY_LEN(extra); i++)
        pats[np++] = extra[i];
    ig_gate_check_fn simd = ig_gate_fn();
    if (!simd)
        fprintf(stderr, "no AVX-512 VBMI/GFNI: the SIMD gate is not compared here\n");
    static const char *const planted[] = { "4111 1111 1111 1111", "5555555555554444", "3782-822463-10005",
                                           "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
                                           "123-45-6789", "219 09 9999" };
    uint32_t gated = 0, fired = 0;
    uint8_t text[700];
    for (uint32_t pi = 0; pi < np; pi++) {
        struct ig_gate g;
        memset(&g, 0, sizeof g);
        if (!ig_gate_add(&g, pats[pi]))
            continue;
        gated++;
        struct gate_oracle o;
        if (!gate_oracle_open(&o, pats[pi]))
            continue;
        for (int round = 0; round < 3000; round++) {
            size_t n = 1 + rnd() % (sizeof text - 1);
            random_text(text, n);
            if (round % 3 == 0) {   /* a planted positive somewhere, maybe cut by the end */
                const char *p = planted[rnd() % IG_ARRAY_LEN(planted)];
                size_t at = rnd() % n, l = strlen(p);
                memcpy(text + at, p, IG_MIN(l, n - at));
            }
            bool match = gate_oracle_matches(&o, text, n);
            bool gs = ig_gate_scalar(&g, text, n);
            if (match && !gs)
                fail_msg("pattern %s matches a text the gate rules out", pats[pi]);
            fired += gs;
            if (simd && simd(&g, text, n) != gs)
                fail_msg("pattern %s: SIMD gate %d, scalar %d (n=%zu)", pats[pi], !gs, gs, n);
        }
        gate_oracle_close(&o);
    }
    fprintf(stderr, "gate: %u of %u patterns gated, fired on %u texts\n", gated, np, fired);
    assert_true(gated >= 6 && fired > 0);
    /* several gated patterns at once, up to the lane limit and the 8-class limit */
    struct ig_gate g;
    memset(&g, 0, sizeof g);
    uint32_t added = 0;
    for (uint32_t pi = 0; pi < np; pi++)
        added += ig_gate_add(&g, pats[pi]);
    assert_true(added >= 6 && g.npat == added && g.npat <= IG_GATE_PATTERNS && g.ncls <= 8);
    for (int round = 0; simd && round < 20000; round++) {
        size_t n = rnd() % sizeof text;
        random_text(text, n);
        if (simd(&g, text, n) != ig_gate_scalar(&g, text, n))
            fail_msg("SIMD and scalar gates differ (n=%zu)", n);
    }
    ig_rules_free(r);
}

struct rec {
    uint32_t n;
    struct { uint32_t rule; size_t from, to; } m[64];
};

static int on_m(void *ctx, const struct ig_hsdb_match *m)
{
    struct rec *r = ctx;
    if (r->n < 64) {
        r->m[r->n].rule = m->idx;
        r->m[r->n].from = m->from;
        r->m[r->n++].to = m->to;
    }
    return 0;
}

/* The shipped response rules through hsdb: gate on or off, the same validated matches in
 * the same order, on texts with and without planted secrets. */
static void test_hsdb_gated_same_matches(void **state)
{
    (void)state;
    struct ig_rules *r = NULL;
    char err[512];
    assert_int_equal(ig_rules_load_dir(rules_dir(), &r, err, sizeof err), IG_OK);
    struct ig_hsdb *db = NULL;
    struct ig_hsdb_scratch *s = NULL;
    assert_int_equal(ig_hsdb_build(NULL, r, NULL, "raw", &db, err, sizeof err), IG_OK);
    assert_int_equal(ig_hsdb_scratch_fit(db, &s), IG_OK);
    assert_true(ig_hsdb_gated(db, IG_SCAN_RESPONSE) >= 4);
    static const char *const planted[] = { " card 4111 1111 1111 1111 ", " IBAN DE89370400440532013000 ",
                                           " SSN: 123-45-6789 ", " key AKIAZ7Q3LM4N5R6T2VWX ",
                                           " jane.doe@corp-mail.com ", " 2023 2023 " };
    uint8_t text[2048];
    uint32_t total = 0;
    for (int round = 0; round < 600; round++) {
        size_t n = 1 + rnd() % sizeof text;
        random_text(text, n);
        for (int k = 0; k < round % 4; k++) {
            const char *p = planted[rnd() % IG_ARRAY_LEN(planted)];
            size_t at = rnd() % n, l = strlen(p);
            memcpy(text + at, p, IG_MIN(l, n - at));
        }
        static struct rec a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        ig_hsdb_gate(db, true);
        assert_int_equal(ig_hsdb_scan(db, IG_SCAN_RESPONSE, text, n, NULL, NULL, s, on_m, &a), IG_OK);
        ig_hsdb_gate(db, false);
        assert_int_equal(ig_hsdb_scan(db, IG_SCAN_RESPONSE, text, n, NULL, NULL, s, on_m, &b), IG_OK);
        assert_int_equal(a.n, b.n);
        assert_memory_equal(a.m, b.m, a.n * sizeof a.m[0]);
        total += a.n;
    }
    fprintf(stderr, "hsdb: %u validated matches, identical with and without the gate\n", total);
    assert_true(total > 100);
    ig_hsdb_scratch_free(s);
    ig_hsdb_free(db);
    ig_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_sound_and_simd_equal),
        cmocka_unit_test(test_hsdb_gated_same_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
