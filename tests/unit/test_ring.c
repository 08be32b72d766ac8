/* The SPSC ring between the parsing and detection threads: slots come out in the order they
 * went in, unchanged, none lost or duplicated; a full ring holds the producer back (never
 * drops); a sleeping side is woken by the other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ring.h"

struct item { uint64_t seq; uint32_t len; uint8_t data[200]; };

static void fill(struct item *it, uint64_t seq)
{
    it->seq = seq;
    it->len = (uint32_t)(seq % sizeof it->data);
    for (uint32_t i = 0; i < it->len; i++)
        it->data[i] = (uint8_t)(seq * 31 + i);
}

static void check(const struct item *it, uint64_t seq)
{
    assert_int_equal(it->seq, seq);
    assert_int_equal(it->len, seq % sizeof it->data);
    for (uint32_t i = 0; i < it->len; i++)
        assert_int_equal(it->data[i], (uint8_t)(seq * 31 + i));
}

static void test_capacity_order_and_bounds(void **state)
{
    (void)state;
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, 5, sizeof(struct item)), IG_OK);
    assert_int_equal(ig_ring_capacity(&r), 8);   /* rounded up to a power of two */
    assert_null(ig_ring_try_peek(&r));           /* empty */
    uint8_t *prev = NULL;
    for (uint64_t i = 0; i < 8; i++) {
        struct item *it = ig_ring_try_claim(&r);
        assert_non_null(it);
        assert_int_equal((uintptr_t)it % IG_RING_CACHELINE, 0);
        if (prev)
            assert_true((uint8_t *)it - prev >= (ptrdiff_t)sizeof(struct item));
        prev = (uint8_t *)it;
        fill(it, i);
        ig_ring_publish(&r);
    }
    assert_null(ig_ring_try_claim(&r));          /* full: nothing overwritten */
    for (uint64_t i = 0; i < 3; i++) {
        struct item *it = ig_ring_try_peek(&r);
        assert_non_null(it);
        check(it, i);
        ig_ring_release(&r);
    }
    for (uint64_t i = 8; i < 11; i++) {          /* wraps around */
        struct item *it = ig_ring_try_claim(&r);
        assert_non_null(it);
        fill(it, i);
        ig_ring_publish(&r);
    }
    assert_null(ig_ring_try_claim(&r));
    for (uint64_t i = 3; i < 11; i++) {
        struct item *it = ig_ring_try_peek(&r);
        assert_non_null(it);
        check(it, i);
        ig_ring_release(&r);
    }
    assert_null(ig_ring_try_peek(&r));
    struct ig_ring_stats st;
    ig_ring_stats(&r, &st);
    assert_int_equal(st.published, 11);
    ig_ring_free(&r);
}

#define N_ITEMS 200000u

struct run { struct ig_ring *r; uint64_t n; uint64_t bad; int delay_us; };

static void *consumer(void *arg)
{
    struct run *x = arg;
    for (uint64_t i = 0; i < x->n; i++) {
        if (x->delay_us && i % 1000 == 0) {
            struct timespec ts = { 0, x->delay_us * 1000L };
            nanosleep(&ts, NULL);   /* a slow consumer: the producer must wait, not drop */
        }
        struct item *it = ig_ring_peek(x->r);
        uint64_t seq = i;
        int ok = it->seq == seq && it->len == seq % sizeof it->data;
        for (uint32_t j = 0; ok && j < it->len; j++)
            ok = it->data[j] == (uint8_t)(seq * 31 + j);
        if (!ok)
            x->bad++;
        ig_ring_release(x->r);
    }
    return NULL;
}

static void stream(uint32_t slots, int delay_us)
{
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, slots, sizeof(struct item)), IG_OK);
    struct run x = { &r, N_ITEMS, 0, delay_us };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, consumer, &x), 0);
    for (uint64_t i = 0; i < N_ITEMS; i++) {
        struct item *it = ig_ring_claim(&r);
        fill(it, i);
        ig_ring_publish(&r);
    }
    pthread_join(t, NULL);
    assert_int_equal(x.bad, 0);
    assert_null(ig_ring_try_peek(&r));           /* nothing extra */
    struct ig_ring_stats st;
    ig_ring_stats(&r, &st);
    assert_int_equal(st.published, N_ITEMS);
    if (delay_us)
        assert_true(st.full_waits > 0);          /* back-pressure was exercised */
    ig_ring_free(&r);
}

static void test_two_threads_small_ring(void **state) { (void)state; stream(2, 0); }
static void test_two_threads_slow_consumer(void **state) { (void)state; stream(16, 2000); }

/* The consumer goes to sleep on an empty ring; one publish much later must wake it. */
static void *one_peek(void *arg)
{
    struct ig_ring *r = arg;
    struct item *it = ig_ring_peek(r);
    uint64_t *seen = malloc(sizeof *seen);
    *seen = it->seq;
    ig_ring_release(r);
    return seen;
}

static void sleeper(uint32_t slots, bool now)
{
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, slots, sizeof(struct item)), IG_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, one_peek, &r), 0);
    struct timespec ts = { 0, 50 * 1000000L };
    nanosleep(&ts, NULL);
    struct item *it = ig_ring_claim(&r);
    fill(it, 42);
    if (now)
        ig_ring_publish_now(&r);
    else
        ig_ring_publish(&r);
    void *res;
    pthread_join(t, &res);
    assert_int_equal(*(uint64_t *)res, 42);
    free(res);
    struct ig_ring_stats st;
    ig_ring_stats(&r, &st);
    assert_int_equal(st.empty_waits, 1);
    ig_ring_free(&r);
}

static void test_sleeping_consumer_is_woken(void **state) { (void)state; sleeper(4, false); }
/* One slot in a large ring is below the wake-up threshold: delivered anyway (timed wait). */
static void test_lone_slot_still_delivered(void **state) { (void)state; sleeper(1024, false); }
static void test_publish_now_wakes(void **state) { (void)state; sleeper(1024, true); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_order_and_bounds),
        cmocka_unit_test(test_two_threads_small_ring),
        cmocka_unit_test(test_two_threads_slow_consumer),
        cmocka_unit_test(test_sleeping_consumer_is_woken),
        cmocka_unit_test(test_lone_slot_still_delivered),
        cmocka_unit_test(test_publish_now_wakes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
