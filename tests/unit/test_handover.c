/* Two workers: the rule by which the parsing thread hands a transaction's decoding over to
 * the detection thread (pipeline/handover.h, detection.decode: auto), on a real ring filled
 * and drained by hand: no threads, no clocks. Decoding moves only while the parsing thread
 * is the busier one, has not run the model-side lane within a ring's length, and the
 * detection thread keeps up: at most a quarter of the ring queued. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/ring.h"
#include "pipeline/handover.h"

struct item { uint64_t seq; };

static void publish(struct ig_ring *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct item *it = ig_ring_try_claim(r);
        assert_non_null(it);
        it->seq = ig_ring_published_count(r);
        ig_ring_publish(r);
    }
}

static void release(struct ig_ring *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        assert_non_null(ig_ring_try_peek(r));
        ig_ring_release(r);
    }
}

/* <n> slots through the ring one at a time (its counters move on, past the wrap). */
static void cycle(struct ig_ring *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        publish(r, 1);
        release(r, 1);
    }
}

static uint64_t queued(const struct ig_ring *r)
{
    return ig_ring_published_count(r) - ig_ring_released_count(r);
}

/* On a ring of <slots>: every fill level from empty to full, after <laps> slots went
 * through (the counters past the wrap), with the other two conditions met. */
static void quarter_of(uint32_t slots, uint32_t laps)
{
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, slots, sizeof(struct item)), IG_OK);
    uint32_t cap = ig_ring_capacity(&r);
    assert_int_equal(cap, slots);
    cycle(&r, laps);
    for (uint32_t q = 0; q <= cap; q++) {
        assert_int_equal(queued(&r), q);
        bool want = q <= cap / 4;
        if (ig_handover_decode(&r, true, UINT64_MAX) != want)
            fail_msg("ring of %u, %u queued: %s, want %s", cap, q, want ? "kept" : "handed over",
                     want ? "handed over" : "kept");
        if (q < cap)
            publish(&r, 1);
    }
    /* the detection thread catches up: hand-overs resume at a quarter, not before */
    release(&r, cap - cap / 4 - 1);
    assert_false(ig_handover_decode(&r, true, UINT64_MAX));
    release(&r, 1);
    assert_true(ig_handover_decode(&r, true, UINT64_MAX));
    release(&r, (uint32_t)queued(&r));
    ig_ring_free(&r);
}

static void test_only_while_a_quarter_or_less_is_queued(void **state)
{
    (void)state;
    quarter_of(8, 0);
    quarter_of(16, 5);
    quarter_of(256, 1000);   /* detection.ring_slots' default */
}

static void test_only_while_the_parser_is_busier(void **state)
{
    (void)state;
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, 16, sizeof(struct item)), IG_OK);
    assert_false(ig_handover_decode(&r, false, UINT64_MAX));   /* empty ring, idle detection */
    publish(&r, 2);
    assert_false(ig_handover_decode(&r, false, UINT64_MAX));
    assert_true(ig_handover_decode(&r, true, UINT64_MAX));
    ig_ring_free(&r);
}

/* Not within a ring's length of the parsing thread's last model-side lane step: work never
 * moves both ways at once. */
static void test_not_while_the_parser_ran_the_lane_lately(void **state)
{
    (void)state;
    struct ig_ring r;
    assert_int_equal(ig_ring_init(&r, 16, sizeof(struct item)), IG_OK);
    cycle(&r, 98);
    publish(&r, 2);   /* 2 queued: slack enough */
    uint64_t head = ig_ring_published_count(&r);
    assert_false(ig_handover_decode(&r, true, head));
    assert_false(ig_handover_decode(&r, true, head - 16));   /* exactly a ring's length */
    assert_true(ig_handover_decode(&r, true, head - 17));
    assert_true(ig_handover_decode(&r, true, UINT64_MAX));   /* never */
    assert_true(ig_handover_long_ago(UINT64_MAX, 0, 16));
    assert_false(ig_handover_long_ago(0, 16, 16));
    assert_true(ig_handover_long_ago(0, 17, 16));
    release(&r, 2);
    ig_ring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_while_a_quarter_or_less_is_queued),
        cmocka_unit_test(test_only_while_the_parser_is_busier),
        cmocka_unit_test(test_not_while_the_parser_ran_the_lane_lately),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
