/* Bounded SPSC ring: see ring.h. Each index is written by one side only; the other side
 * reads it with acquire and keeps a cached copy so the common case touches no shared line.
 * Sleeping uses the Dekker pattern: a side sets its "sleeps" flag, fences, then re-checks
 * the other index; the other side stores its index, fences, then checks the flag. One of
 * the two always sees the other's store, so a wake-up is never lost. A sleeper is woken
 * with hysteresis: the producer when half the ring is free, the consumer when a quarter is
 * queued (or at once for ig_ring_publish_now and ig_ring_kick, and at the latest 10 ms
 * after it began to sleep, whatever woke it meanwhile), so a slow side does not pay one
 * wake-up per slot.
 * The fence is kept where a wake-up is due at once (ig_ring_publish_now, ig_ring_kick) and
 * where a side is about to sleep; the per-slot ig_ring_publish and ig_ring_release check
 * the flag without it. The fence there waited for the index's cache line to come back from
 * the other core, on every slot: ~0.25 us each, a few % of a two-thread run. Without it the
 * flag may be read a moment stale, so the one slot that reaches the threshold can miss a
 * sleeper; the next slot's check sees it. Should no next slot come, the side about to
 * sleep itself wakes the other first (both sleeping would be the only real loss), and a
 * quiet producer's consumer waits at most the timed wait, as it already may with less
 * than a quarter queued. */
#include "core/ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SPINS 256
#define SLEEP_NS 10000000L   /* 10 ms: bounds the cost of a wake-up that would be lost */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

int ig_ring_init(struct ig_ring *r, uint32_t slots, size_t slot_size)
{
    memset(r, 0, sizeof *r);
    uint64_t n = 2;
    while (n < slots)
        n <<= 1;
    slot_size = (slot_size + IG_RING_CACHELINE - 1) & ~(size_t)(IG_RING_CACHELINE - 1);
    if (slot_size == 0 || n > SIZE_MAX / slot_size)
        return IG_ENOMEM;
    /* calloc, not aligned_alloc + memset: a large block comes zeroed from the kernel, page
     * by page as it is first touched, and most of a slot's arena never is (16 MiB by
     * default: writing it all cost ~11 ms of the producer's CPU at start). */
    if ((size_t)n * slot_size > SIZE_MAX - IG_RING_CACHELINE)
        return IG_ENOMEM;
    r->raw = calloc(1, (size_t)n * slot_size + IG_RING_CACHELINE);
    if (!r->raw)
        return IG_ENOMEM;
    r->mem = (uint8_t *)(((uintptr_t)r->raw + IG_RING_CACHELINE - 1) & ~(uintptr_t)(IG_RING_CACHELINE - 1));
    r->slot_size = slot_size;
    r->mask = n - 1;
    r->sleep_ns = SLEEP_NS;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->producer_sleeps, 0);
    atomic_init(&r->consumer_sleeps, 0);
    atomic_init(&r->urgent, 0);
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r->raw);
        r->mem = r->raw = NULL;
        return IG_ENOMEM;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&r->moved, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        pthread_mutex_destroy(&r->lock);
        free(r->raw);
        r->mem = r->raw = NULL;
        return IG_ENOMEM;
    }
    return IG_OK;
}

void ig_ring_free(struct ig_ring *r)
{
    if (!r->mem)
        return;
    pthread_cond_destroy(&r->moved);
    pthread_mutex_destroy(&r->lock);
    free(r->raw);
    r->mem = r->raw = NULL;
}

uint32_t ig_ring_capacity(const struct ig_ring *r) { return (uint32_t)(r->mask + 1); }

void ig_ring_set_sleep_ns(struct ig_ring *r, long ns) { r->sleep_ns = ns > 0 ? ns : SLEEP_NS; }

uint64_t ig_ring_published_count(const struct ig_ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire);
}

uint64_t ig_ring_released_count(const struct ig_ring *r)
{
    return atomic_load_explicit(&r->tail, memory_order_acquire);
}

void *ig_ring_at(const struct ig_ring *r, uint64_t i)
{
    return r->mem + (size_t)(i & r->mask) * r->slot_size;
}

static inline void *slot_at(const struct ig_ring *r, uint64_t i)
{
    return r->mem + (size_t)(i & r->mask) * r->slot_size;
}

/* Slots published and not yet released, as seen from either side. */
static inline uint64_t queued(const struct ig_ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire) -
           atomic_load_explicit(&r->tail, memory_order_acquire);
}

/* Wakes the other side if it said it sleeps and <enough> holds for it. Called right after
 * our index store; with <fence> the check pairs with the sleeper's (see the top of this
 * file), without it the flag may be read a moment stale. */
static void wake_if_sleeping(struct ig_ring *r, _Atomic int *flag, bool producer_side, bool now,
                             bool fence)
{
    if (fence)
        atomic_thread_fence(memory_order_seq_cst);
    if (!atomic_load_explicit(flag, memory_order_relaxed))
        return;
    if (!now) {
        uint64_t q = queued(r);
        if (producer_side ? q < (r->mask + 1) / 4 : q > (r->mask + 1) / 2)
            return;
    }
    pthread_mutex_lock(&r->lock);
    pthread_cond_broadcast(&r->moved);
    pthread_mutex_unlock(&r->lock);
}

static void deadline_in(struct timespec *ts, long ns)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_nsec += ns;
    while (ts->tv_nsec >= 1000000000L) {
        ts->tv_nsec -= 1000000000L;
        ts->tv_sec++;
    }
}

/* Waits on the ring's condition until <deadline>; true once it has passed. The deadline is
 * set once per sleep, not per wake: a wake that does not satisfy the sleeper (a kick, the
 * other side's own pre-sleep wake) must not put its timeout off, or wakes a few ms apart
 * would hold it for ever. After a timeout the next period starts, so a side that still
 * finds nothing sleeps again instead of spinning on an expired deadline. */
static bool timed_wait(struct ig_ring *r, struct timespec *deadline, uint64_t *timeouts)
{
    if (pthread_cond_timedwait(&r->moved, &r->lock, deadline) != ETIMEDOUT)
        return false;
    (*timeouts)++;
    deadline_in(deadline, r->sleep_ns);
    return true;
}

void *ig_ring_try_claim(struct ig_ring *r)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (h - r->tail_cache > r->mask) {
        r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h - r->tail_cache > r->mask)
            return NULL;
    }
    return slot_at(r, h);
}

void *ig_ring_claim(struct ig_ring *r)
{
    void *s = ig_ring_try_claim(r);
    if (likely(s != NULL))
        return s;
    r->full_waits++;
    for (int i = 0; i < SPINS; i++) {
        cpu_relax();
        if ((s = ig_ring_try_claim(r)) != NULL)
            return s;
    }
    pthread_mutex_lock(&r->lock);
    struct timespec deadline;
    deadline_in(&deadline, r->sleep_ns);
    for (bool late = false;; ) {
        atomic_store_explicit(&r->producer_sleeps, 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_seq_cst);
        if ((late || queued(r) <= (r->mask + 1) / 2) && (s = ig_ring_try_claim(r)) != NULL)
            break;
        /* A consumer asleep though the ring is full missed a wake-up (a publication's
         * unfenced check, see the top): we hold the lock, so it is in its wait. */
        if (atomic_load_explicit(&r->consumer_sleeps, memory_order_relaxed))
            pthread_cond_broadcast(&r->moved);
        /* After a timeout any free slot will do. */
        late |= timed_wait(r, &deadline, &r->full_timeouts);
    }
    atomic_store_explicit(&r->producer_sleeps, 0, memory_order_relaxed);
    pthread_mutex_unlock(&r->lock);
    return s;
}

void ig_ring_kick(struct ig_ring *r)
{
    /* Counted as urgent, or the woken consumer would find less than a quarter queued and
     * sleep on: the kick is for the few slots it holds. */
    atomic_fetch_add_explicit(&r->urgent, 1, memory_order_release);
    wake_if_sleeping(r, &r->consumer_sleeps, false, true, true);
}

void ig_ring_kick_producer(struct ig_ring *r)
{
    wake_if_sleeping(r, &r->producer_sleeps, false, true, true);
}

void ig_ring_publish(struct ig_ring *r)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
    r->published++;
    wake_if_sleeping(r, &r->consumer_sleeps, true, false, false);
}

void ig_ring_publish_now(struct ig_ring *r)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    /* Bumped before head: a consumer that sees the new head also sees the bump. */
    atomic_fetch_add_explicit(&r->urgent, 1, memory_order_relaxed);
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
    r->published++;
    wake_if_sleeping(r, &r->consumer_sleeps, true, true, true);
}

void *ig_ring_try_peek(struct ig_ring *r)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t == r->head_cache) {
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t == r->head_cache)
            return NULL;
    }
    return slot_at(r, t);
}

void *ig_ring_peek(struct ig_ring *r)
{
    void *s = ig_ring_try_peek(r);
    if (likely(s != NULL))
        return s;
    r->empty_waits++;
    for (int i = 0; i < SPINS; i++) {
        cpu_relax();
        if ((s = ig_ring_try_peek(r)) != NULL)
            return s;
    }
    pthread_mutex_lock(&r->lock);
    struct timespec deadline;
    deadline_in(&deadline, r->sleep_ns);
    for (bool late = false;; ) {
        atomic_store_explicit(&r->consumer_sleeps, 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_seq_cst);
        bool enough = late || queued(r) >= (r->mask + 1) / 4 ||
                      r->urgent_seen != atomic_load_explicit(&r->urgent, memory_order_acquire);
        if (enough && (s = ig_ring_try_peek(r)) != NULL)
            break;
        /* A producer asleep on a ring it saw full, which we have since emptied, missed a
         * wake-up (a release's unfenced check): wake it. */
        if (atomic_load_explicit(&r->producer_sleeps, memory_order_relaxed))
            pthread_cond_broadcast(&r->moved);
        /* After a timeout a single slot will do: latency stays bounded. */
        late |= timed_wait(r, &deadline, &r->empty_timeouts);
    }
    atomic_store_explicit(&r->consumer_sleeps, 0, memory_order_relaxed);
    r->urgent_seen = atomic_load_explicit(&r->urgent, memory_order_acquire);
    pthread_mutex_unlock(&r->lock);
    return s;
}

void *ig_ring_peek_ahead(struct ig_ring *r, uint32_t k)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed) + k;
    if (t >= r->head_cache) {
        r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t >= r->head_cache)
            return NULL;
    }
    return slot_at(r, t);
}

void ig_ring_release(struct ig_ring *r)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
    wake_if_sleeping(r, &r->producer_sleeps, false, false, false);
}

void ig_ring_stats(const struct ig_ring *r, struct ig_ring_stats *st)
{
    st->published = r->published;
    st->full_waits = r->full_waits;
    st->empty_waits = r->empty_waits;
    st->full_timeouts = r->full_timeouts;
    st->empty_timeouts = r->empty_timeouts;
}
