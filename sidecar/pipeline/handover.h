/* Two workers sharing the model-side lane (detect_thread.c): when the parsing thread hands
 * a transaction's decoding over to the detection thread (detection.decode: auto). The rule
 * is a function of the ring's counters and two facts the parsing thread keeps, with no
 * clock or thread of its own, so test_handover pins it on a ring driven by hand. */
#ifndef IG_PIPELINE_HANDOVER_H
#define IG_PIPELINE_HANDOVER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ring.h"

/* <at> (a ring position; UINT64_MAX: never) is more than a ring's length before <head>. */
static inline bool ig_handover_long_ago(uint64_t at, uint64_t head, uint32_t capacity)
{
    return at == UINT64_MAX || head - at > capacity;
}

/* Whether the parsing thread hands the decoding of its next transaction over: only while
 *  - it has used more CPU than the detection thread (<parser_busier>: the work follows
 *    measured load),
 *  - it has not run the model-side lane within a ring's length (<lane_at>, the ring position
 *    of its last lane step): work never moves both ways at once, and
 *  - the detection thread keeps up: at most a quarter of the ring queued (published, not
 *    yet released; the mirror of the lane's hand-back, which waits for half). With more
 *    queued the detection thread is the one holding the pipeline up, and a decoding handed
 *    over costs it about twice what it costs the parsing thread (the whole transaction
 *    copied, read from the other core). Without this rule the parsing thread's start-up
 *    (~50 ms of CPU: nDPI, rules, detectors) made it the busier one for thousands of events
 *    on OpenAI chat: it handed decoding over while the ring was full and took the lane back,
 *    work moving both ways all run long (bench_threads' openai_d64: 8,655 transactions
 *    handed over, the lane run on the parsing thread for 2,119 events; 2,790-3,349 and 0-551
 *    with it). */
static inline bool ig_handover_decode(const struct ig_ring *ring, bool parser_busier, uint64_t lane_at)
{
    if (!parser_busier)
        return false;
    uint64_t head = ig_ring_published_count(ring);
    uint32_t cap = ig_ring_capacity(ring);
    return ig_handover_long_ago(lane_at, head, cap) && head - ig_ring_released_count(ring) <= cap / 4;
}

#endif
