/* extraction.prada's int8 prefilter (prefilter: int8, the default) changes no decision:
 * on streams where it is active (classes past 512 vectors, d = 64) every finding, with
 * every score, is the one the detector emits with prefilter: none, in both modes, on
 * uniform inputs (where it does the work) and clustered ones (where pivots do). The
 * kernel-level proof (bit-identical minimum distances on every path) is test_kernels. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <inferguard/detector.h>
#include <inferguard/rules.h>

#include "test_util.h"
#include "test_prada_helpers.h"
#include "rng.h"

static uint64_t rs = 0x2545f4914f6cdd1dull;
static float frand(void) { return ig_rng_xs_float(&rs); }

#define DIM 64
#define MAXF 4096

/* Everything a finding says that a decision could change. */
struct rec {
    uint64_t q;
    int sev;
    uint32_t nscores;
    char keys[8][24];
    double vals[8];
};

struct log {
    uint32_t n;
    struct rec r[MAXF];
};

static void on_finding(void *ctx, const struct ig_finding *f)
{
    struct log *l = ctx;
    if (l->n >= MAXF)
        return;
    struct rec *r = &l->r[l->n++];
    memset(r, 0, sizeof(*r));
    r->q = f->queries_seen;
    r->sev = f->severity;
    r->nscores = f->nscores < 8 ? f->nscores : 8;
    for (uint32_t i = 0; i < r->nscores; i++) {
        snprintf(r->keys[i], sizeof(r->keys[i]), "%s", f->scores[i].key);
        r->vals[i] = f->scores[i].value;
    }
}

static struct ig_rules *rules_with(const char *params)
{
    char yaml[1024];
    snprintf(yaml, sizeof(yaml), "- detector: extraction.prada\n  params:\n%s", params);
    return tst_rules_load(yaml);
}

static void run(const struct ig_rules *rules, const float *xs, const int32_t *lab, uint32_t n,
                struct log *out)
{
    struct ig_emit emit = { on_finding, out };
    struct ig_call call;
    prada_open(&call, rules, &emit);
    prada_feed(&call, xs, lab, n, DIM, 1);
    prada_close(&call);
}

static void same_findings(const char *what, const struct log *a, const struct log *b)
{
    if (a->n != b->n)
        fail_msg("%s: %u findings with int8, %u without", what, a->n, b->n);
    for (uint32_t i = 0; i < a->n; i++) {
        const struct rec *x = &a->r[i], *y = &b->r[i];
        assert_int_equal(x->q, y->q);
        assert_int_equal(x->sev, y->sev);
        assert_int_equal(x->nscores, y->nscores);
        for (uint32_t k = 0; k < x->nscores; k++) {
            assert_string_equal(x->keys[k], y->keys[k]);
            if (memcmp(&x->vals[k], &y->vals[k], sizeof(double)) != 0)
                fail_msg("%s: finding %u score %s: %.17g vs %.17g", what, i, x->keys[k], x->vals[k],
                         y->vals[k]);
        }
    }
}

static void check_stream(const char *what, const float *xs, const int32_t *lab, uint32_t n,
                         const char *mode_params, uint32_t min_findings)
{
    static struct log with, without;
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s    prefilter: int8\n", mode_params);
    snprintf(p2, sizeof p2, "%s    prefilter: none\n", mode_params);
    struct ig_rules *r1 = rules_with(p1), *r2 = rules_with(p2);
    memset(&with, 0, sizeof(with));
    memset(&without, 0, sizeof(without));
    run(r1, xs, lab, n, &with);
    run(r2, xs, lab, n, &without);
    fprintf(stderr, "%s: %u findings either way\n", what, with.n);
    assert_true(with.n >= min_findings);   /* the comparison has substance */
    same_findings(what, &with, &without);
    ig_rules_free(r1);
    ig_rules_free(r2);
}

static void test_prefilter_changes_no_finding(void **state)
{
    (void)state;
    const uint32_t n = 2400;
    float *xs = malloc((size_t)n * DIM * sizeof(float));
    int32_t *lab = malloc(n * sizeof(int32_t));
    static float centres[16][DIM];
    for (int c = 0; c < 16; c++)
        for (int f = 0; f < DIM; f++)
            centres[c][f] = frand() * 4.0f - 2.0f;
    /* every test reports its W (delta just under 1): each distance feeds a compared score */
    const char *paper = "    mode: paper\n    delta: 0.99999\n    period: 5\n    min_pool: 20\n"
                        "    min_class: 5\n    max_growing: 2000\n";
    const char *robust = "    max_growing: 2000\n    period: 5\n";
    for (int shape = 0; shape < 2; shape++) {
        for (uint32_t i = 0; i < n; i++) {
            lab[i] = (int32_t)(i % 2);   /* two classes of 1200: past 512, the prefilter's range */
            uint32_t c = (uint32_t)(frand() * 16) % 16;
            for (int f = 0; f < DIM; f++)
                xs[(size_t)i * DIM + f] = shape == 0 ? frand()
                                                     : centres[c][f] + 0.2f * (frand() - 0.5f);
        }
        check_stream(shape == 0 ? "uniform paper" : "clusters paper", xs, lab, n, paper, 100);
        check_stream(shape == 0 ? "uniform robust" : "clusters robust", xs, lab, n, robust, 0);
    }
    free(xs);
    free(lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefilter_changes_no_finding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
