/* A sliding-window counter on the capture clock: IG_WCOUNT_BUCKETS buckets of
 * width window/IG_WCOUNT_BUCKETS, so the sum covers the last window to within one
 * bucket. Fixed size (no allocation), zero-initialised state is valid; fits in a
 * detector's per-client slice. Used by abuse.rate; suits token budgets and error bursts. */
#ifndef IG_STATS_WINDOW_H
#define IG_STATS_WINDOW_H

#include <inferguard/base.h>

#define IG_WCOUNT_BUCKETS 32

struct ig_wcount {
    uint64_t head;                       /* absolute index of the newest bucket */
    uint64_t total;                      /* sum of b[] */
    uint32_t b[IG_WCOUNT_BUCKETS];
};

/* Bucket width for a window: at least 1 µs. Compute once at init. */
static inline uint64_t ig_wcount_width(uint64_t window_us)
{
    uint64_t w = window_us / IG_WCOUNT_BUCKETS;
    return w ? w : 1;
}

/* Adds <n> at time <t_us>. Time may step back a little (events complete out of order):
 * a late value still inside the window lands in its own bucket; one older than the
 * window is ignored. Saturates per bucket at UINT32_MAX. */
void ig_wcount_add(struct ig_wcount *w, uint64_t width_us, uint64_t t_us, uint64_t n);
/* Sum over the window ending at <now_us> (advances the window; never moves it back). */
uint64_t ig_wcount_sum(struct ig_wcount *w, uint64_t width_us, uint64_t now_us);

#endif
