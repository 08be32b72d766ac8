/* Drift statistics against SciPy: golden files from tests/golden/gen_drift.py and the
 * brief's check values. KS D must match exactly; p, PSI, JS and W1 within 1e-9 relative. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/drift_stats.h"
#include "stats/floats.h"

static void assert_close(double got, double want, double rel, double abs_tol, const char *what)
{
    double tol = fmax(abs_tol, rel * fabs(want));
    if (!(fabs(got - want) <= tol)) {
        print_error("%s: got %.17g want %.17g\n", what, got, want);
        fail();
    }
}

static FILE *open_golden(const char *name)
{
    const char *src = getenv("IG_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/%s", src ? src : ".", name);
    FILE *f = fopen(path, "r");
    if (!f)
        print_error("cannot open %s (set IG_SRC)\n", path);
    assert_non_null(f);
    return f;
}

static size_t read_floats(FILE *f, char tag, float *x, size_t n)
{
    char t[4];
    assert_int_equal(fscanf(f, "%3s", t), 1);
    assert_int_equal(t[0], tag);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(fscanf(f, "%f", &x[i]), 1);
    return n;
}

static void test_golden_samples(void **state)
{
    (void)state;
    FILE *f = open_golden("drift_samples.txt");
    char line[256], name[64];
    int ncases = 0;
    while (fscanf(f, " %255[^\n]", line) == 1) {
        if (line[0] == '#')
            continue;
        size_t na, nb;
        double d, p, psi, js, w1, w1n;
        assert_int_equal(sscanf(line, "case %63s %zu %zu %lf %lf %lf %lf %lf %lf", name, &na, &nb,
                                &d, &p, &psi, &js, &w1, &w1n), 9);
        float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
        float *tmp = malloc((na > nb ? na : nb) * sizeof *tmp);
        read_floats(f, 'a', a, na);
        read_floats(f, 'b', b, nb);

        double mean, sd;
        ig_drift_mean_std(a, na, &mean, &sd);   /* before sorting: order must not matter */
        ig_drift_sort_f32(a, tmp, na);
        ig_drift_sort_f32(b, tmp, nb);
        for (size_t i = 1; i < na; i++)
            assert_true(a[i - 1] <= a[i]);

        double gd = ig_drift_ks_d(a, na, b, nb);
        if (gd != d) {
            print_error("%s: KS D %.17g != scipy %.17g\n", name, gd, d);
            fail();
        }
        assert_close(ig_drift_ks_p(gd, na, nb), p, 1e-9, 1e-300, name);

        double edges[9], rp[10], cp[10];
        uint32_t rc[10], cc[10], cc2[10];
        ig_drift_quantile_edges(a, na, 10, edges);
        ig_drift_bin_counts_sorted(a, na, edges, 10, rc);
        ig_drift_bin_counts_sorted(b, nb, edges, 10, cc);
        ig_drift_bin_counts(b, nb, edges, 10, cc2);
        assert_memory_equal(cc, cc2, sizeof cc);
        for (int i = 0; i < 10; i++) {
            rp[i] = (double)rc[i] / (double)na;
            cp[i] = (double)cc[i] / (double)nb;
        }
        assert_close(ig_drift_psi(rp, cp, 10, 1e-4), psi, 1e-9, 1e-12, name);
        assert_close(ig_drift_js(rp, cp, 10), js, 1e-9, 1e-12, name);
        double gw = ig_drift_w1(a, na, b, nb);
        assert_close(gw, w1, 1e-9, 1e-12, name);
        assert_close(gw / sd, w1n, 1e-9, 1e-12, name);
        free(a);
        free(b);
        free(tmp);
        ncases++;
    }
    fclose(f);
    assert_true(ncases >= 8);
}

static void test_golden_chi2(void **state)
{
    (void)state;
    FILE *f = open_golden("drift_chi2.txt");
    char tag[16];
    int ncases = 0;
    while (fscanf(f, " %15s", tag) == 1) {
        if (tag[0] == '#') {
            assert_int_equal(fscanf(f, "%*[^\n]"), 0);
            continue;
        }
        unsigned k;
        double obs[64], exp[64], st, p, gp;
        assert_int_equal(fscanf(f, "%u", &k), 1);
        assert_true(k <= 64);
        for (unsigned i = 0; i < k; i++)
            assert_int_equal(fscanf(f, "%lf", &obs[i]), 1);
        for (unsigned i = 0; i < k; i++)
            assert_int_equal(fscanf(f, "%lf", &exp[i]), 1);
        assert_int_equal(fscanf(f, "%lf %lf", &st, &p), 2);
        assert_close(ig_drift_chi2(obs, exp, k, &gp), st, 1e-12, 1e-12, "chi2 stat");
        assert_close(gp, p, 1e-8, 1e-15, "chi2 p");
        ncases++;
    }
    fclose(f);
    assert_true(ncases >= 4);
}

/* The check values of detectors-brief.md D7. */
static void test_brief_check_values(void **state)
{
    (void)state;
    double r[4] = { .25, .25, .25, .25 }, c[4] = { .1, .2, .3, .4 };
    assert_close(ig_drift_psi(r, c, 4, 1e-4), 0.228217, 0, 5e-7, "psi");
    assert_close(ig_drift_js(r, c, 4), 0.166930, 0, 5e-7, "js");
    float a[3] = { 0, 1, 3 }, b[3] = { 5, 6, 8 };
    assert_close(ig_drift_w1(a, 3, b, 3), 5.0, 0, 1e-12, "w1");
    double o[4] = { 30, 20, 25, 25 }, e[4] = { 25, 25, 25, 25 }, p;
    assert_close(ig_drift_chi2(o, e, 4, &p), 2.0, 0, 1e-12, "chi2");
    assert_close(p, 0.572407, 0, 5e-7, "chi2 p");
    /* Identical samples: no distance at all. */
    assert_close(ig_drift_ks_d(a, 3, a, 3), 0.0, 0, 0, "ks self");
    assert_close(ig_drift_ks_p(0.0, 3, 3), 1.0, 0, 0, "ks p self");
    assert_close(ig_drift_w1(b, 3, b, 3), 0.0, 0, 0, "w1 self");
}

static void test_kolmogorov_sf(void **state)
{
    (void)state;
    /* scipy.stats.kstwobign.sf at a few points, both branches of the series. */
    assert_close(ig_drift_kolmogorov_sf(0.5), 0.9639452436648751, 1e-12, 0, "sf .5");
    assert_close(ig_drift_kolmogorov_sf(1.0), 0.26999967167735456, 1e-12, 0, "sf 1");
    assert_close(ig_drift_kolmogorov_sf(1.36), 0.049485876755377876, 1e-10, 0, "sf 1.36");
    assert_close(ig_drift_kolmogorov_sf(3.0), 3.045995948942526e-08, 1e-10, 0, "sf 3");
    assert_close(ig_drift_kolmogorov_sf(0.0), 1.0, 0, 0, "sf 0");
    assert_close(ig_drift_kolmogorov_sf(0.2), 0.999999999999495, 0, 1e-15, "sf .2");
}

static void test_sort_edge_cases(void **state)
{
    (void)state;
    enum { N = 3000 };
    static float x[N], tmp[N];
    uint32_t s = 1;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = ((float)(s >> 8) / 16777216.0f - 0.5f) * 1e6f;
    }
    x[0] = -0.0f; x[1] = 0.0f; x[2] = -INFINITY; x[3] = INFINITY; x[4] = -1e-38f; x[5] = 1e-38f;
    ig_drift_sort_f32(x, tmp, N);
    assert_true(x[0] == -INFINITY);
    assert_true(x[N - 1] == INFINITY);
    for (int i = 1; i < N; i++)
        assert_true(x[i - 1] <= x[i]);
    float in[5] = { 1, NAN, 2, INFINITY, 3 }, out[5];
    assert_int_equal(ig_drift_finite_f32(in, 5, out), 3);
}

static void test_page_hinkley_and_cusum(void **state)
{
    (void)state;
    struct ig_drift_ph ph;
    ig_drift_ph_init(&ph, 0.005, 50, 1 - 1e-4, 30);
    uint32_t s = 7;
    int first = -1;
    for (int i = 0; i < 2000; i++) {
        s = s * 1103515245u + 12345u;
        double noise = ((double)(s >> 8) / 16777216.0 - 0.5);
        double x = (i < 1000 ? 0.0 : 2.0) + noise;
        if (ig_drift_ph_update(&ph, x)) {
            if (first < 0)
                first = i;
        }
        if (i < 1000)
            assert_int_equal(first, -1);   /* no alarm on a stable stream */
    }
    assert_true(first >= 1000 && first < 1100);

    struct ig_drift_cusum c;
    ig_drift_cusum_init(&c, 0.0, 1.0, 0.5, 5.0);
    int alarm = 0, at = -1;
    for (int i = 0; i < 200 && !alarm; i++) {
        alarm = ig_drift_cusum_update(&c, i < 100 ? 0.0 : -1.5);
        at = i;
    }
    assert_int_equal(alarm, -1);
    assert_true(at > 100 && at < 110);
}

static int cmp_f(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The indexed KS / W1 (the detector's path) against the merge (the reference path, itself
 * checked against SciPy above): D exactly, W1 to 1e-9 relative, on continuous data, heavy
 * ties (discrete features), disjoint and one-sided samples, odd sizes and offsets; the radix
 * sort against qsort. */
static void test_fast_ks_matches_merge(void **state)
{
    (void)state;
    uint64_t rs = 99;
    for (int t = 0; t < 800; t++) {
        ig_drift_simd = t < 400;   /* AVX2 (where the CPU has it), SSE2, then scalar */
        ig_drift_avx2 = t < 200 ? -1 : 0;
        size_t na = 1 + (size_t)(t * 37 % 3000), nb = 1 + (size_t)(t * 53 % 1500);
        float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b), *c = malloc(nb * sizeof *c);
        float *tmp = malloc((na > nb ? na : nb) * sizeof *tmp);
        double *sum = malloc((na + 1) * sizeof *sum);
        uint32_t *cells = malloc(ig_drift_index_cells(na) * sizeof *cells);
        int kind = t % 5;
        double off = (t % 7) * 1000.0 - 3000.0, shift = (t % 3) * 0.3;
        for (size_t i = 0; i < na + nb; i++) {
            rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
            double u = (double)(rs >> 11) / 9007199254740992.0;
            double v = kind == 0 ? u : kind == 1 ? floor(u * 4) : kind == 2 ? (i < na ? u : u + 2)
                     : kind == 3 ? (i < na ? 1.0 : u) : floor(u * 50) / 7;
            if (i < na)
                a[i] = (float)(off + v);
            else
                b[i - na] = c[i - na] = (float)(off + v + (kind == 1 || kind == 4 ? 0 : shift));
        }
        ig_drift_sort_f32(a, tmp, na);
        ig_drift_sort_f32(b, tmp, nb);
        qsort(c, nb, sizeof *c, cmp_f);
        assert_memory_equal(b, c, nb * sizeof *b);
        double d0, w0, d1, w1;
        ig_drift_ks_w1(a, na, b, nb, &d0, &w0);
        struct ig_drift_index ix;
        ig_drift_index_build(&ix, a, na, cells);
        ig_drift_prefix_sums(a, na, sum);
        ig_drift_ks_w1_fast(&ix, sum, b, nb, &d1, &w1);
        if (d0 != d1 || fabs(w0 - w1) > 1e-9 * fmax(fabs(w0), 1e-3)) {
            print_error("case %d (kind %d, %zu/%zu): D %.17g vs %.17g, W1 %.17g vs %.17g\n", t,
                        kind, na, nb, d0, d1, w0, w1);
            fail();
        }
        assert_true(ig_drift_ks_d(a, na, b, nb) == d0);
        free(a); free(b); free(c); free(tmp); free(sum); free(cells);
    }
    ig_drift_simd = true;
    ig_drift_avx2 = -1;
}

/* Bin counts (bin = number of edges <= the value, numpy searchsorted side='right'), sorted
 * and unsorted, SIMD and scalar, against the definition: values on the edges, repeated
 * edges, doubles between two floats, every sample size from 0. */
static void test_bin_counts(void **state)
{
    (void)state;
    uint64_t rs = 5;
    for (int t = 0; t < 600; t++) {
        ig_drift_simd = t % 2 == 0;
        size_t n = (size_t)t % 97;
        float x[97], sorted[97], tmp[97];
        double edges[9];
        for (int k = 0; k < 9; k++)
            edges[k] = (k - 4) * 0.5 + (t % 3 == 0 ? 1e-9 : 0);   /* 1e-9: no float equals it */
        if (t % 5 == 0)
            edges[4] = edges[3];                              /* an empty bin */
        for (size_t i = 0; i < n; i++) {
            rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
            int u = (int)(rs >> 40) % 21;
            x[i] = (float)((u - 10) * 0.25);                  /* many values on the edges */
            if (rs & 1)
                x[i] = nextafterf(x[i], (rs & 2) ? INFINITY : -INFINITY);
            sorted[i] = x[i];
        }
        ig_drift_sort_f32(sorted, tmp, n);
        uint32_t want[10] = { 0 }, a[10], b[10];
        for (size_t i = 0; i < n; i++) {
            int k = 0;
            for (int e = 0; e < 9; e++)
                k += edges[e] <= (double)x[i];
            want[k]++;
        }
        ig_drift_bin_counts(x, n, edges, 10, a);
        ig_drift_bin_counts_sorted(sorted, n, edges, 10, b);
        assert_memory_equal(want, a, sizeof want);
        assert_memory_equal(want, b, sizeof want);
    }
    ig_drift_simd = true;
}

/* A ring column gathered and sorted in one go: the slots from k wrapping at cap, excluded
 * cells and non-finite values left out, in the order of ig_drift_sort_f32. */
static void test_gather_sorted(void **state)
{
    (void)state;
    enum { CAP = 300 };
    float col[CAP], out[CAP], tmp[CAP], want[CAP], wtmp[CAP];
    uint16_t cell[CAP];
    uint8_t ex[4] = { 0, 1, 0, 0 };
    uint64_t rs = 11;
    for (int t = 0; t < 40; t++) {
        for (int i = 0; i < CAP; i++) {
            rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
            col[i] = (float)((double)(rs >> 11) / 9007199254740992.0 - 0.5);
            if ((rs & 15) == 0)
                col[i] = (rs & 16) ? NAN : INFINITY;
            if ((rs & 63) == 1)
                col[i] = (rs & 64) ? -0.0f : 0.0f;
            cell[i] = (uint16_t)((rs >> 8) & 3);
        }
        size_t k = (size_t)(t * 37) % CAP, count = (size_t)(t * 53) % (CAP + 1), n = 0;
        for (size_t r = 0; r < count; r++) {
            size_t s = (k + r) % CAP;
            if (!ex[cell[s]] && isfinite(col[s]))
                want[n++] = col[s];
        }
        ig_drift_sort_f32(want, wtmp, n);
        size_t got = ig_drift_gather_sorted(col, cell, ex, k, CAP, count, out, tmp);
        assert_int_equal(got, n);
        assert_memory_equal(out, want, n * sizeof *out);
    }
}

/* The CUSUM block sums: every instruction set gives the scalar loop's bits, non-finite
 * values and a zero std included. */
static void test_block_add(void **state)
{
    (void)state;
    enum { N = 37 };
    float row[N];
    double mu[N], sd[N], s0[N] = { 0 }, q0[N] = { 0 }, s1[N] = { 0 }, q1[N] = { 0 };
    uint64_t rs = 3;
    for (int f = 0; f < N; f++) {
        mu[f] = f * 0.3 - 2;
        sd[f] = f % 7 == 0 ? 0.0 : 0.5 + f * 0.1;
    }
    for (int t = 0; t < 300; t++) {
        for (int f = 0; f < N; f++) {
            rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
            row[f] = (float)((double)(rs >> 11) / 9007199254740992.0 * 10 - 5);
            if ((rs & 31) == 0)
                row[f] = (rs & 32) ? NAN : ((rs & 64) ? INFINITY : -INFINITY);
        }
        ig_drift_simd = false;
        ig_drift_block_add(row, N, mu, sd, s0, q0);
        ig_drift_simd = true;
        ig_drift_avx2 = t % 2 ? 0 : -1;   /* SSE2, then AVX2 where the CPU has it */
        ig_drift_block_add(row, N, mu, sd, s1, q1);
        assert_memory_equal(s0, s1, sizeof s0);
        assert_memory_equal(q0, q1, sizeof q0);
    }
    ig_drift_avx2 = -1;
}

/* ig_median_f (PRADA's peer calibration): the same value, bit for bit, as the median of
 * the qsort order it replaced, for every n up to 64, with ties, zeros of both signs, and a
 * NaN (then it sorts as before). */
static void test_median_f_matches_qsort(void **state)
{
    (void)state;
    uint64_t r = 0x243f6a8885a308d3ull;
    float v[64], w[64];
    for (int rep = 0; rep < 400; rep++) {
        for (uint32_t n = 1; n <= 64; n++) {
            for (uint32_t i = 0; i < n; i++) {
                r ^= r << 13; r ^= r >> 7; r ^= r << 17;
                uint32_t u = (uint32_t)(r >> 40);
                /* few distinct values in some draws: many ties */
                v[i] = rep % 3 == 0 ? (float)(u % 5) * 0.25f : (float)u / 16777216.0f;
                if (rep % 7 == 0 && u % 4 == 0)
                    v[i] = (u & 8) ? -0.0f : 0.0f;
            }
            if (rep % 50 == 49)
                v[(uint32_t)r % n] = NAN;
            memcpy(w, v, n * sizeof(float));
            qsort(w, n, sizeof(float), ig_cmp_float);
            double want = n % 2 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]);
            double got = ig_median_f(v, n);
            if (!(got == want || (isnan(got) && isnan(want))))
                fail_msg("n=%u rep=%d: %.9g vs %.9g", n, rep, got, want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_samples),
        cmocka_unit_test(test_bin_counts),
        cmocka_unit_test(test_block_add),
        cmocka_unit_test(test_gather_sorted),
        cmocka_unit_test(test_golden_chi2),
        cmocka_unit_test(test_brief_check_values),
        cmocka_unit_test(test_kolmogorov_sf),
        cmocka_unit_test(test_sort_edge_cases),
        cmocka_unit_test(test_page_hinkley_and_cusum),
        cmocka_unit_test(test_fast_ks_matches_merge),
        cmocka_unit_test(test_median_f_matches_qsort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
