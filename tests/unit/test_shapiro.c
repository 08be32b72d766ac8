/* Shapiro–Wilk against R's shapiro.test: the brief's check values, the golden files made
 * by tests/golden/gen_shapiro.R (|ΔW| <= 1e-8, relative Δp <= 1e-5), caching and errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_cdf.h>

#include <inferguard/base.h>
#include "stats/shapiro.h"

static void test_coefficients_n10(void **state)
{
    (void)state;
    struct ig_sw sw;
    assert_int_equal(ig_sw_init(&sw, 5000), IG_OK);
    const double *a = ig_sw_coefficients(&sw, 10);
    const double want[5] = { .573715, .328970, .214349, .122791, .040089 };
    for (int i = 0; i < 5; i++)
        assert_true(fabs(a[i + 1] - want[i]) < 5e-6);
    ig_sw_free(&sw);
}

/* The normal scores are computed here rather than by gsl_cdf_ugaussian_Pinv (the same
 * AS 241 ratios, several at a time): they must be GSL's to the bit for every p the
 * coefficients of any n the test accepts use, or W would move with the change. */
static void test_normal_scores_bit_exact(void **state)
{
    (void)state;
    double *m = malloc((IG_SW_NMAX / 2 + 1) * sizeof(double));
    assert_non_null(m);
    uint64_t checked = 0;
    for (uint32_t n = IG_SW_NMIN; n <= IG_SW_NMAX; n++) {
        ig_sw_normal_scores(n, m);
        for (uint32_t i = 1; i <= n / 2; i++) {
            double want = gsl_cdf_ugaussian_Pinv((i - 0.375) / (n + 0.25));
            if (memcmp(&want, &m[i], sizeof(want)) != 0)
                fail_msg("n=%u i=%u: %.17g, GSL %.17g", n, i, m[i], want);
            checked++;
        }
    }
    assert_true(checked > 6000000);
    free(m);
}

static void test_check_values(void **state)
{
    (void)state;
    struct ig_sw sw;
    assert_int_equal(ig_sw_init(&sw, 5000), IG_OK);
    const double x[] = { 148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236 };
    double w, p;
    assert_int_equal(ig_sw_test(&sw, x, 11, &w, &p), IG_OK);
    assert_true(fabs(w - 0.788814695) < 1e-9);
    assert_true(fabs(p - 0.00670381) / 0.00670381 < 1e-6);
    const double y[] = { 4, 1, 2 };   /* unsorted on purpose */
    assert_int_equal(ig_sw_test(&sw, y, 3, &w, &p), IG_OK);
    assert_true(fabs(w - 0.964285714) < 1e-9);
    assert_true(fabs(p - 0.636886845) < 1e-9);
    ig_sw_free(&sw);
}

static void test_caching(void **state)
{
    (void)state;
    struct ig_sw sw;
    assert_int_equal(ig_sw_init(&sw, 100), IG_OK);
    double x[50], w, p;
    for (int i = 0; i < 50; i++)
        x[i] = sin(i * 1.7) + i * 0.01;
    for (int k = 0; k < 5; k++)
        assert_int_equal(ig_sw_test(&sw, x, 50, &w, &p), IG_OK);
    assert_int_equal(sw.coeff_builds, 1);
    assert_int_equal(ig_sw_test(&sw, x, 49, &w, &p), IG_OK);
    assert_int_equal(sw.coeff_builds, 2);
    ig_sw_free(&sw);
}

static void test_errors(void **state)
{
    (void)state;
    struct ig_sw sw;
    assert_int_equal(ig_sw_init(&sw, 100), IG_OK);
    double x[101] = { 0 }, w = -1, p = -1;
    assert_int_equal(ig_sw_test(&sw, x, 2, &w, &p), IG_ELIMIT);
    assert_int_equal(ig_sw_test(&sw, x, 101, &w, &p), IG_ELIMIT);
    assert_int_equal(ig_sw_test(&sw, x, 10, &w, &p), IG_EPARSE);   /* all equal */
    x[3] = NAN;
    assert_int_equal(ig_sw_test(&sw, x, 10, &w, &p), IG_EPARSE);
    x[3] = INFINITY;
    assert_int_equal(ig_sw_test(&sw, x, 10, &w, &p), IG_EPARSE);
    ig_sw_free(&sw);
}

/* Reads one golden file and checks every case; returns the number of cases. */
static int check_golden(const char *name)
{
    const char *src = getenv("IG_SRC");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/golden/%s", src ? src : ".", name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (set IG_SRC)", path);
    struct ig_sw sw;
    assert_int_equal(ig_sw_init(&sw, IG_SW_NMAX), IG_OK);
    double *x = malloc(IG_SW_NMAX * sizeof(double));
    char dist[32];
    unsigned n;
    double wr, pr;
    int cases = 0;
    double worst_w = 0, worst_p = 0;
    while (fscanf(f, "%31s %u %lf %lf", dist, &n, &wr, &pr) == 4) {
        assert_true(n >= 3 && n <= IG_SW_NMAX);
        for (unsigned i = 0; i < n; i++)
            assert_int_equal(fscanf(f, "%lf", &x[i]), 1);
        double w, p;
        assert_int_equal(ig_sw_test(&sw, x, n, &w, &p), IG_OK);
        double dw = fabs(w - wr), dp = fabs(p - pr) / (pr > 1e-300 ? pr : 1e-300);
        if (dw > 1e-8 || dp > 1e-5)
            fail_msg("%s n=%u: W %.12g vs R %.12g, p %.10g vs R %.10g", dist, n, w, wr, p, pr);
        worst_w = fmax(worst_w, dw);
        worst_p = fmax(worst_p, dp);
        cases++;
    }
    fprintf(stderr, "%s: %d cases, max |dW| %.3g, max rel dp %.3g\n", name, cases, worst_w, worst_p);
    fclose(f);
    free(x);
    ig_sw_free(&sw);
    return cases;
}

static void test_golden_small(void **state)
{
    (void)state;
    assert_true(check_golden("shapiro_small.txt") > 300);
}

static void test_golden_large(void **state)
{
    (void)state;
    assert_true(check_golden("shapiro_large.txt") >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coefficients_n10),
        cmocka_unit_test(test_normal_scores_bit_exact),
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_caching),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_golden_small),
        cmocka_unit_test(test_golden_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
