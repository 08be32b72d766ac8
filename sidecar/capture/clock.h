/* Packet time for the analysers: it does not step backwards.
 *
 * Windows, rates, timeouts and drift judge time in the order packets come. A capture whose
 * timestamps step back by more than IG_CLOCK_STEP_US (capture files concatenated, a copy of
 * a capture appended to itself, a host clock stepped back under a live capture) would have
 * them judge the later packets against the earlier ones' time: a rate window that never
 * closes reports a flood, a flow timeout never comes. Such a step is absorbed into an offset
 * added to every later packet, so time goes on from where it was and intervals after the
 * step keep their length (the same as if the later packets had been stamped after the
 * earlier ones). Smaller reorderings (interfaces or queues merged) pass unchanged.
 *
 * The other way, one record stamped far ahead (a corrupt or forged pcap record) would move
 * time on by years: its tick closes every flow and drops every pending fragment, and every
 * later packet counts as a step back. A packet more than IG_CLOCK_LEAP_US ahead of the
 * latest time (and of the latest tick, so an idle live capture's next packet is not one) is
 * held at the latest time; the next packet decides: within a step of it or later, the leap
 * was real and time goes on from there; back near the old time, it was an outlier
 * (counted). A real gap that long costs one packet stamped at the time before the gap. */
#ifndef IG_CAPTURE_CLOCK_H
#define IG_CAPTURE_CLOCK_H

#include "capture/capture.h"

#define IG_CLOCK_STEP_US 1000000u
#define IG_CLOCK_LEAP_US 60000000u   /* the scale of flow.idle_timeout and defrag.timeout */

struct ig_capture_clock {
    uint64_t max_us;      /* the latest corrected time seen */
    uint64_t offset_us;   /* added to every packet's own time */
    uint64_t tick_us;     /* the latest tick's time (live: the wall clock's) */
    uint64_t leap_us;     /* a held packet's own corrected time, 0 when none */
};

/* The corrected time of a packet stamped <ts_us>; a step back is counted in st
 * (clock_steps, clock_step_ms), and so is an outlier far ahead (clock_outliers). */
static inline uint64_t ig_capture_clock_fix(struct ig_capture_clock *c, uint64_t ts_us,
                                            struct ig_decode_stats *st)
{
    uint64_t t = ts_us + c->offset_us;
    uint64_t held = c->leap_us;
    c->leap_us = 0;
    if (held) {
        if (t + IG_CLOCK_STEP_US >= held) {   /* the leap was real: go on from here */
            c->max_us = t;
            return t;
        }
        st->clock_outliers++;
    }
    uint64_t latest = c->max_us > c->tick_us ? c->max_us : c->tick_us;
    if (c->max_us && t > latest + IG_CLOCK_LEAP_US) {
        c->leap_us = t;
        return c->max_us;
    }
    if (t + IG_CLOCK_STEP_US < c->max_us) {
        uint64_t back = c->max_us - t;
        c->offset_us += back + 1;   /* one microsecond after the latest time seen */
        t += back + 1;
        st->clock_steps++;
        st->clock_step_ms += back / 1000;
    }
    if (t > c->max_us)
        c->max_us = t;
    return t;
}

#endif
