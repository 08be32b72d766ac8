/* The analysers' packet time (capture/clock.h): reorderings up to a second pass as they are;
 * a step back past that (files concatenated, a host clock stepped back) moves every later
 * packet forward so that time goes on one microsecond after the latest time seen and the
 * intervals after the step keep their length; each step is counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "capture/clock.h"

static void test_forward_and_small_reorder_unchanged(void **state)
{
    (void)state;
    struct ig_capture_clock c = { 0 };
    struct ig_decode_stats st;
    memset(&st, 0, sizeof st);
    const uint64_t ts[] = { 5000000, 5000100, 4999000, 5200000, 4200001, 5300000, 60000000 };
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        assert_int_equal(ig_capture_clock_fix(&c, ts[i], &st), ts[i]);
    assert_int_equal(st.clock_steps, 0);
    assert_int_equal(c.max_us, 60000000);
}

static void test_step_back_is_absorbed(void **state)
{
    (void)state;
    struct ig_capture_clock c = { 0 };
    struct ig_decode_stats st;
    memset(&st, 0, sizeof st);
    /* a 300 s capture appended to itself: the copy starts at its own first time again */
    for (uint64_t t = 1000000; t < 301000000; t += 50000000)
        assert_int_equal(ig_capture_clock_fix(&c, t, &st), t);
    assert_int_equal(ig_capture_clock_fix(&c, 301000000, &st), 301000000);
    assert_int_equal(ig_capture_clock_fix(&c, 1000000, &st), 301000001);
    assert_int_equal(st.clock_steps, 1);
    assert_int_equal(st.clock_step_ms, 300000);
    /* later packets keep their distance from the step's first one */
    assert_int_equal(ig_capture_clock_fix(&c, 1500000, &st), 301500001);
    /* a small reorder after the step passes with the same offset */
    assert_int_equal(ig_capture_clock_fix(&c, 1400000, &st), 301400001);
    for (uint64_t t = 51000000; t < 301000000; t += 50000000)
        assert_int_equal(ig_capture_clock_fix(&c, t, &st), t + 300000001);
    assert_int_equal(ig_capture_clock_fix(&c, 301000000, &st), 601000001);
    /* and a second copy: a second step */
    assert_int_equal(ig_capture_clock_fix(&c, 1000000, &st), 601000002);
    assert_int_equal(st.clock_steps, 2);
    assert_int_equal(st.clock_step_ms, 600000);
}

/* A clock that has seen one packet at t0, and zeroed counters. */
static struct ig_capture_clock started(uint64_t t0, struct ig_decode_stats *st)
{
    struct ig_capture_clock c = { 0 };
    memset(st, 0, sizeof *st);
    ig_capture_clock_fix(&c, t0, st);
    return c;
}

static void test_step_threshold(void **state)
{
    (void)state;
    struct ig_decode_stats st;
    struct ig_capture_clock c = started(10000000, &st);
    /* exactly one step's worth back: still a reorder */
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 - IG_CLOCK_STEP_US, &st), 10000000 - IG_CLOCK_STEP_US);
    assert_int_equal(st.clock_steps, 0);
    /* one microsecond more: a step */
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 - IG_CLOCK_STEP_US - 1, &st), 10000001);
    assert_int_equal(st.clock_steps, 1);
}

static void test_one_record_far_ahead_is_held(void **state)
{
    (void)state;
    struct ig_decode_stats st;
    struct ig_capture_clock c = started(10000000, &st);
    const uint64_t year = 365ull * 86400 * 1000000;
    /* a corrupt record ten years ahead: held at the latest time */
    assert_int_equal(ig_capture_clock_fix(&c, 10000100 + 10 * year, &st), 10000000);
    /* the next packet comes back: it was an outlier; time goes on unmoved */
    assert_int_equal(ig_capture_clock_fix(&c, 10000200, &st), 10000200);
    assert_int_equal(st.clock_outliers, 1);
    assert_int_equal(st.clock_steps, 0);
    assert_int_equal(c.offset_us, 0);
    assert_int_equal(c.max_us, 10000200);
    /* just under the leap: passes as it is */
    assert_int_equal(ig_capture_clock_fix(&c, 10000200 + IG_CLOCK_LEAP_US, &st), 10000200 + IG_CLOCK_LEAP_US);
    assert_int_equal(st.clock_outliers, 1);
}

static void test_real_gap_goes_on_at_the_second_packet(void **state)
{
    (void)state;
    struct ig_decode_stats st;
    struct ig_capture_clock c = started(10000000, &st);
    const uint64_t hour = 3600ull * 1000000;
    /* traffic resumes after an hour: the first packet is held, the second confirms */
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 + hour, &st), 10000000);
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 + hour - 500000, &st), 10000000 + hour - 500000);
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 + hour + 100, &st), 10000000 + hour + 100);
    assert_int_equal(st.clock_outliers, 0);
    assert_int_equal(st.clock_steps, 0);
    assert_int_equal(c.offset_us, 0);
}

static void test_idle_live_capture_is_no_leap(void **state)
{
    (void)state;
    struct ig_decode_stats st;
    struct ig_capture_clock c = started(10000000, &st);
    const uint64_t hour = 3600ull * 1000000;
    c.tick_us = 10000000 + hour - 1000000;   /* the wall clock's ticks went on while idle */
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 + hour, &st), 10000000 + hour);
    assert_int_equal(st.clock_outliers, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_and_small_reorder_unchanged),
        cmocka_unit_test(test_step_back_is_absorbed),
        cmocka_unit_test(test_step_threshold),
        cmocka_unit_test(test_one_record_far_ahead_is_held),
        cmocka_unit_test(test_real_gap_goes_on_at_the_second_packet),
        cmocka_unit_test(test_idle_live_capture_is_no_leap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
