/* Sliding-window counter (window.h). */
#include "window.h"

#include <string.h>

static void advance(struct ig_wcount *w, uint64_t idx)
{
    if (idx <= w->head)
        return;
    if (idx - w->head >= IG_WCOUNT_BUCKETS) {
        memset(w->b, 0, sizeof w->b);
        w->total = 0;
    } else {
        for (uint64_t i = w->head + 1; i <= idx; i++) {
            uint32_t *slot = &w->b[i % IG_WCOUNT_BUCKETS];
            w->total -= *slot;
            *slot = 0;
        }
    }
    w->head = idx;
}

void ig_wcount_add(struct ig_wcount *w, uint64_t width_us, uint64_t t_us, uint64_t n)
{
    uint64_t idx = t_us / width_us;
    advance(w, idx);
    if (w->head - idx >= IG_WCOUNT_BUCKETS)
        return;
    uint32_t *slot = &w->b[idx % IG_WCOUNT_BUCKETS];
    uint64_t room = UINT32_MAX - *slot;
    if (n > room)
        n = room;
    *slot += (uint32_t)n;
    w->total += n;
}

uint64_t ig_wcount_sum(struct ig_wcount *w, uint64_t width_us, uint64_t now_us)
{
    advance(w, now_us / width_us);
    return w->total;
}
