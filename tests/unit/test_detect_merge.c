/* The model lane merges what the model-side lane and a client lane found on one event into
 * the order one engine emits it in: ascending key, the client's stream (keys < 256) before
 * the principal group's, each by the detector's registry position. Both lanes' lists are
 * already in that order; the merge keeps every finding once and interleaves them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/detect_impl.h"

static struct ig_held *list(struct ig_held *pool, const uint32_t *keys, size_t n)
{
    struct ig_held *head = NULL, **tail = &head;
    for (size_t i = 0; i < n; i++) {
        memset(&pool[i], 0, sizeof pool[i]);
        pool[i].key = keys[i];
        *tail = &pool[i];
        tail = &pool[i].next;
    }
    return head;
}

static void expect(const struct ig_held *h, const uint32_t *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_non_null(h);
        assert_int_equal(h->key, keys[i]);
        h = h->next;
    }
    assert_null(h);
}

static void test_interleaves_streams_and_positions(void **state)
{
    (void)state;
    struct ig_held pa[4], pb[4];
    /* model side: prada (3) and coverage (4) on the client's stream, coverage on the group's;
     * client lane: a text detector (2), fingerprint (9) on the client's, one on the group's */
    const uint32_t a[] = { 3, 4, 256 | 4 }, b[] = { 2, 9, 256 | 1 };
    const uint32_t want[] = { 2, 3, 4, 9, 256 | 1, 256 | 4 };
    expect(ig_held_merge(list(pa, a, 3), list(pb, b, 3)), want, 6);
}

static void test_one_side_empty(void **state)
{
    (void)state;
    struct ig_held pa[3];
    const uint32_t a[] = { 1, 5, 300 };
    expect(ig_held_merge(list(pa, a, 3), NULL), a, 3);
    expect(ig_held_merge(NULL, list(pa, a, 3)), a, 3);
    assert_null(ig_held_merge(NULL, NULL));
}

static void test_long_runs(void **state)
{
    (void)state;
    struct ig_held pa[64], pb[64];
    uint32_t a[64], b[64], want[128];
    size_t na = 0, nb = 0;
    for (uint32_t k = 0; k < 128; k++) {   /* runs of 1..5 keys from one side, then the other */
        if ((k / 3 + k / 7) % 2 && na < 64)
            a[na++] = k;
        else if (nb < 64)
            b[nb++] = k;
        else
            a[na++] = k;
        want[k] = k;
    }
    expect(ig_held_merge(list(pa, a, na), list(pb, b, nb)), want, 128);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interleaves_streams_and_positions),
        cmocka_unit_test(test_one_side_empty),
        cmocka_unit_test(test_long_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
