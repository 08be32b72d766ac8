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
    const uint64_t ts[] = { 5000000, 5000100, 4999000, 5200000, 4200001, 5300000, 90000000 };
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        assert_int_equal(ig_capture_clock_fix(&c, ts[i], &st), ts[i]);
    assert_int_equal(st.clock_steps, 0);
    assert_int_equal(c.max_us, 90000000);
}

static void test_step_back_is_absorbed(void **state)
{
    (void)state;
    struct ig_capture_clock c = { 0 };
    struct ig_decode_stats st;
    memset(&st, 0, sizeof st);
    /* a 300 s capture appended to itself: the copy starts at its own first time again */
    assert_int_equal(ig_capture_clock_fix(&c, 1000000, &st), 1000000);
    assert_int_equal(ig_capture_clock_fix(&c, 301000000, &st), 301000000);
    assert_int_equal(ig_capture_clock_fix(&c, 1000000, &st), 301000001);
    assert_int_equal(st.clock_steps, 1);
    assert_int_equal(st.clock_step_ms, 300000);
    /* later packets keep their distance from the step's first one */
    assert_int_equal(ig_capture_clock_fix(&c, 1500000, &st), 301500001);
    /* a small reorder after the step passes with the same offset */
    assert_int_equal(ig_capture_clock_fix(&c, 1400000, &st), 301400001);
    assert_int_equal(ig_capture_clock_fix(&c, 301000000, &st), 601000001);
    /* and a second copy: a second step */
    assert_int_equal(ig_capture_clock_fix(&c, 1000000, &st), 601000002);
    assert_int_equal(st.clock_steps, 2);
    assert_int_equal(st.clock_step_ms, 600000);
}

static void test_step_threshold(void **state)
{
    (void)state;
    struct ig_capture_clock c = { 0 };
    struct ig_decode_stats st;
    memset(&st, 0, sizeof st);
    ig_capture_clock_fix(&c, 10000000, &st);
    /* exactly one step's worth back: still a reorder */
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 - IG_CLOCK_STEP_US, &st), 10000000 - IG_CLOCK_STEP_US);
    assert_int_equal(st.clock_steps, 0);
    /* one microsecond more: a step */
    assert_int_equal(ig_capture_clock_fix(&c, 10000000 - IG_CLOCK_STEP_US - 1, &st), 10000001);
    assert_int_equal(st.clock_steps, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_and_small_reorder_unchanged),
        cmocka_unit_test(test_step_back_is_absorbed),
        cmocka_unit_test(test_step_threshold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
