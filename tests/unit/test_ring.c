/* The SPSC ring between the parsing and detection threads: slots come out in the order they
 * went in, unchanged, none lost or duplicated; a full ring holds the producer back (never
 * drops); a sleeping side is woken by the other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* The consumer's look ahead (prefetching the next events): the k-th slot after the oldest,
 * only once published (a slot the producer is still writing is never handed out), across
 * the wrap, and moving on with each release. */
static void test_peek_ahead_sees_only_published(void **state)
{
    (void)state;
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, 4, sizeof(struct item)), IG_OK);
    assert_null(ig_ring_peek_ahead(&r, 1));
    for (uint64_t i = 0; i < 3; i++) {
        fill(ig_ring_try_claim(&r), i);
        ig_ring_publish(&r);
    }
    assert_non_null(ig_ring_try_peek(&r));
    check(ig_ring_peek_ahead(&r, 1), 1);
    check(ig_ring_peek_ahead(&r, 2), 2);
    assert_null(ig_ring_peek_ahead(&r, 3));
    struct item *claimed = ig_ring_try_claim(&r);   /* claimed, not yet published */
    assert_non_null(claimed);
    assert_null(ig_ring_peek_ahead(&r, 3));
    fill(claimed, 3);
    ig_ring_publish(&r);
    check(ig_ring_peek_ahead(&r, 3), 3);
    for (uint64_t i = 4; i < 7; i++) {          /* wraps around */
        ig_ring_release(&r);
        fill(ig_ring_try_claim(&r), i);
        ig_ring_publish(&r);
        check(ig_ring_try_peek(&r), i - 3);
        check(ig_ring_peek_ahead(&r, 1), i - 2);
        check(ig_ring_peek_ahead(&r, 3), i);
        assert_null(ig_ring_peek_ahead(&r, 4));
    }
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

/* Until that side of <r> has said it sleeps (a busy machine may start a thread late: a fixed
 * pause before publishing made these tests fail now and then). */
static void wait_asleep(_Atomic int *flag)
{
    struct timespec ms = { 0, 1000000L };
    while (!atomic_load(flag))
        nanosleep(&ms, NULL);
}

static void sleeper(uint32_t slots, bool now)
{
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, slots, sizeof(struct item)), IG_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, one_peek, &r), 0);
    wait_asleep(&r.consumer_sleeps);
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

/* The other side pokes a sleeper (the parse-shard coordinator kicks every ~2 ms while it
 * waits) without satisfying its threshold by publishing or releasing more. The ring's timed
 * wait is set to a second here, far longer than any scheduling delay of a loaded machine,
 * so the timeout counters tell what got the sleeper going: the kick, or the timeout. */
#define LONG_SLEEP_NS 1000000000L
#define POKES 4000   /* ~1 ms apart: four timed waits */

struct poked { struct ig_ring *r; _Atomic int done; };

static void *peek_one(void *arg)
{
    struct poked *x = arg;
    struct item *it = ig_ring_peek(x->r);
    check(it, 7);
    ig_ring_release(x->r);
    atomic_store(&x->done, 1);
    return NULL;
}

static void *claim_one(void *arg)
{
    struct poked *x = arg;
    fill(ig_ring_claim(x->r), 99);
    ig_ring_publish(x->r);
    atomic_store(&x->done, 1);
    return NULL;
}

/* A consumer asleep on one slot of a large ring (below its wake threshold) is kicked once:
 * it takes the slot at once. Before, the kick woke it to find less than a quarter queued
 * and it slept on until its timeout. */
static void test_kicked_consumer_takes_a_lone_slot(void **state)
{
    (void)state;
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, 1024, sizeof(struct item)), IG_OK);
    ig_ring_set_sleep_ns(&r, LONG_SLEEP_NS);
    struct poked x = { &r, 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, peek_one, &x), 0);
    wait_asleep(&r.consumer_sleeps);
    fill(ig_ring_claim(&r), 7);
    ig_ring_publish(&r);
    ig_ring_kick(&r);
    pthread_join(t, NULL);
    struct ig_ring_stats st;
    ig_ring_stats(&r, &st);
    assert_int_equal(st.empty_waits, 1);
    assert_int_equal(st.empty_timeouts, 0);   /* the kick, not the timeout, got it going */
    ig_ring_free(&r);
}

/* A producer asleep on a full ring that gets one slot back (below its half-free threshold)
 * and is then only kicked, every millisecond, claims the slot when its timed wait ends,
 * counted from when it fell asleep: once, not restarted by each kick (before, kicks a
 * millisecond apart held it asleep as long as they went on). Nothing is lost. */
static void test_kicked_producer_takes_a_lone_free_slot(void **state)
{
    (void)state;
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, 16, sizeof(struct item)), IG_OK);
    ig_ring_set_sleep_ns(&r, LONG_SLEEP_NS);
    for (uint64_t i = 0; i < 16; i++) {
        fill(ig_ring_try_claim(&r), i);
        ig_ring_publish(&r);
    }
    struct poked x = { &r, 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, claim_one, &x), 0);
    wait_asleep(&r.producer_sleeps);
    check(ig_ring_try_peek(&r), 0);
    ig_ring_release(&r);
    struct timespec ms = { 0, 1000000L };
    for (int n = 0; !atomic_load(&x.done) && n < POKES; n++) {
        ig_ring_kick_producer(&r);
        nanosleep(&ms, NULL);
    }
    assert_true(atomic_load(&x.done));   /* within the pokes: its deadline held */
    pthread_join(t, NULL);
    struct ig_ring_stats st;
    ig_ring_stats(&r, &st);
    assert_int_equal(st.full_timeouts, 1);
    for (uint64_t i = 1; i < 16; i++) {
        check(ig_ring_try_peek(&r), i);
        ig_ring_release(&r);
    }
    check(ig_ring_try_peek(&r), 99);   /* after the 15 before it, nothing lost */
    ig_ring_release(&r);
    assert_null(ig_ring_try_peek(&r));
    ig_ring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_order_and_bounds),
        cmocka_unit_test(test_peek_ahead_sees_only_published),
        cmocka_unit_test(test_two_threads_small_ring),
        cmocka_unit_test(test_two_threads_slow_consumer),
        cmocka_unit_test(test_sleeping_consumer_is_woken),
        cmocka_unit_test(test_lone_slot_still_delivered),
        cmocka_unit_test(test_publish_now_wakes),
        cmocka_unit_test(test_kicked_consumer_takes_a_lone_slot),
        cmocka_unit_test(test_kicked_producer_takes_a_lone_free_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
