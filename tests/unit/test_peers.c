/* detectors/stats/peers.h: the peer table abuse.rate and extraction.transfer share (slots,
 * eviction of the one updated longest ago, who counts as active), and its medians against
 * a sort on random and edge inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "stats/peers.h"

#include <stdlib.h>
#include <string.h>

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_put_and_others(void **state)
{
    (void)state;
    struct ig_peers t;
    memset(&t, 0, sizeof t);
    /* 64 clients fill the table; a 65th takes the slot updated longest ago */
    for (uint64_t k = 1; k <= IG_PEERS; k++)
        assert_int_equal(ig_peers_put(&t, k, 100 + k, (double)k, 1, IG_PEERS), k - 1);
    uint32_t s = ig_peers_put(&t, 7, 500, 70, 1, 3);     /* a wrong hint: found by the scan */
    assert_int_equal(s, 6);
    assert_int_equal(ig_peers_put(&t, 7, 501, 71, 5, 6), 6);
    assert_int_equal(ig_peers_put(&t, 1000, 502, 1, 1, IG_PEERS), 0);   /* key 1 was the oldest */
    double v[IG_PEERS], w[IG_PEERS];
    /* active since 150: keys 50..64 (at 150..164), 7 and 1000; not the asker */
    uint32_t n = ig_peers_others(&t, 1000, 150, v, w);
    assert_int_equal(n, 16);
    double sum = 0, wsum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum += v[i];
        wsum += w[i];
    }
    assert_true(sum == 71 + (50 + 64) * 15 / 2.0);
    assert_true(wsum == 15 + 5);
    assert_int_equal(ig_peers_others(&t, 0, 0, v, NULL), IG_PEERS);
}

/* The self-weighted median by definition: sorted, the first value at which the running
 * sum reaches half the total. */
static double wmedian_ref(const double *x, uint32_t n)
{
    double s[IG_PEERS], total = 0, run = 0;
    memcpy(s, x, n * sizeof *x);
    qsort(s, n, sizeof *s, cmp_d);
    for (uint32_t i = 0; i < n; i++)
        total += s[i];
    for (uint32_t i = 0; i < n; i++) {
        run += s[i];
        if (run >= 0.5 * total)
            return s[i];
    }
    return s[n - 1];
}

static void test_medians_against_sort(void **state)
{
    (void)state;
    srand(7);
    for (int trial = 0; trial < 20000; trial++) {
        uint32_t n = 1 + (uint32_t)rand() % IG_PEERS;
        int spread = 1 + rand() % (trial % 3 ? 1000 : 4);   /* many ties in a third */
        double x[IG_PEERS], a[IG_PEERS], b[IG_PEERS];
        for (uint32_t i = 0; i < n; i++)
            x[i] = (double)(rand() % spread + (trial % 5 == 0 ? 0 : 1));
        memcpy(a, x, sizeof x);
        memcpy(b, x, sizeof x);
        qsort(a, n, sizeof *a, cmp_d);
        double med = n % 2 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
        memcpy(a, x, sizeof x);
        assert_true(ig_median_d(a, n) == med);
        double total = 0;
        for (uint32_t i = 0; i < n; i++)
            total += x[i];
        double want = total > 0 ? wmedian_ref(x, n) : med;
        assert_true(ig_wmedian_self_d(b, n) == want);
        /* with separate weights: against the same definition on a sort of the pairs */
        double wv[IG_PEERS], ww[IG_PEERS], pv[IG_PEERS], wt = 0;
        uint32_t idx[IG_PEERS];
        for (uint32_t i = 0; i < n; i++) {
            wv[i] = x[i];
            ww[i] = (double)(rand() % 50) + (i == 0);   /* some zero weights, never all */
            wt += ww[i];
            idx[i] = i;
        }
        for (uint32_t i = 1; i < n; i++)             /* indices by value */
            for (uint32_t j = i; j > 0 && x[idx[j - 1]] > x[idx[j]]; j--) {
                uint32_t s = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = s;
            }
        for (int qi = 0; qi < 3; qi++) {             /* the median and two other quantiles */
            const double q = qi == 0 ? 0.5 : qi == 1 ? 0.25 : 0.9;
            double run = 0, wwant = x[idx[n - 1]], qw[IG_PEERS];
            for (uint32_t i = 0; i < n; i++) {
                run += ww[idx[i]];
                if (run >= q * wt) {
                    wwant = x[idx[i]];
                    break;
                }
            }
            memcpy(pv, wv, sizeof pv);
            memcpy(qw, ww, sizeof qw);
            assert_true((qi == 0 ? ig_wmedian_d(pv, qw, n) : ig_wquantile_d(pv, qw, n, q)) == wwant);
        }
    }
}

/* What the weighted median is for: 50 light clients at 4 requests and a few ordinary ones
 * at 25-200; the plain median is a light client's count, the weighted one an ordinary
 * client's, as long as the light ones send less than half of the requests. */
static void test_light_clients(void **state)
{
    (void)state;
    double v[IG_PEERS];
    uint32_t n = 0;
    for (; n < 50; n++)
        v[n] = 4;                                /* 200 requests */
    double ordinary[] = { 25, 25, 25, 25, 30, 100, 100, 180, 200 };   /* 710 */
    for (uint32_t i = 0; i < sizeof ordinary / sizeof *ordinary; i++)
        v[n++] = ordinary[i];
    double w[IG_PEERS];
    memcpy(w, v, sizeof v);
    assert_true(ig_median_d(w, n) == 4);
    memcpy(w, v, sizeof v);
    assert_true(ig_wmedian_self_d(w, n) == 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_and_others),
        cmocka_unit_test(test_medians_against_sort),
        cmocka_unit_test(test_light_clients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
