/* A bounded single-producer/single-consumer ring of fixed-size slots, the seam between two
 * pipeline threads. The hot path is two atomic indices (release/acquire), no lock: the
 * producer claims a slot, fills it in place and publishes it; the consumer peeks at the
 * oldest published slot, uses it in place and releases it. A side that finds the ring full
 * (producer) or empty (consumer) spins briefly, then sleeps on a condition variable until
 * the other side has moved far enough: back-pressure, never a drop. */
#ifndef IG_RING_H
#define IG_RING_H

#include <inferguard/base.h>

#include <pthread.h>
#include <stdatomic.h>

#define IG_RING_CACHELINE 64

struct ig_ring_stats {
    uint64_t published;       /* slots handed to the consumer */
    uint64_t full_waits;      /* producer found the ring full and waited (back-pressure) */
    uint64_t empty_waits;     /* consumer found the ring empty and waited */
    uint64_t full_timeouts;   /* producer's sleeps that reached their timed wait's end */
    uint64_t empty_timeouts;  /* consumer's sleeps that reached their timed wait's end */
};

struct ig_ring {
    /* Written by the producer, read by the consumer. */
    _Alignas(IG_RING_CACHELINE) _Atomic uint64_t head;
    uint64_t tail_cache;               /* producer's last view of tail */
    uint64_t published, full_waits, full_timeouts;
    /* Written by the consumer, read by the producer. */
    _Alignas(IG_RING_CACHELINE) _Atomic uint64_t tail;
    uint64_t head_cache;               /* consumer's last view of head */
    uint64_t empty_waits, empty_timeouts;
    /* Slow path only: a side about to sleep says so, the other wakes it. */
    _Alignas(IG_RING_CACHELINE) _Atomic int producer_sleeps, consumer_sleeps;
    _Atomic uint64_t urgent;           /* ig_ring_publish_now calls; consumer keeps urgent_seen */
    uint64_t urgent_seen;
    pthread_mutex_t lock;
    pthread_cond_t moved;
    /* Fixed at init. */
    uint8_t *mem;                      /* 64-byte aligned, inside raw */
    void *raw;                         /* the allocation */
    size_t slot_size;                  /* bytes per slot, a multiple of IG_RING_CACHELINE */
    uint64_t mask;                     /* slots - 1; slots is a power of two */
    long sleep_ns;                     /* the timed wait (10 ms unless set) */
};

/* Sets up <slots> slots (rounded up to a power of two, >= 2) of at least <slot_size>
 * bytes each, zeroed and 64-byte aligned. Returns IG_OK or IG_ENOMEM. */
int ig_ring_init(struct ig_ring *r, uint32_t slots, size_t slot_size);
void ig_ring_free(struct ig_ring *r);
uint32_t ig_ring_capacity(const struct ig_ring *r);
/* Sets the timed wait that bounds a sleep whose wake-up never comes (10 ms by default).
 * Call before the two sides start. Tests lengthen it so that a wake-up's effect cannot be
 * mistaken for the timeout's on a loaded machine. */
void ig_ring_set_sleep_ns(struct ig_ring *r, long ns);

/* Producer. Returns the next free slot, waiting while the ring is full. The slot belongs to
 * the producer until ig_ring_publish(). */
void *ig_ring_claim(struct ig_ring *r);
/* The same without waiting: NULL when full. */
void *ig_ring_try_claim(struct ig_ring *r);
/* Hands the claimed slot to the consumer (its writes become visible before the slot). A
 * sleeping consumer is woken once a quarter of the ring is queued, else within 10 ms (no
 * fence: the wake may come a slot late, see ring.c). */
void ig_ring_publish(struct ig_ring *r);
/* The same, waking a sleeping consumer at once (markers: ticks, end of input). */
void ig_ring_publish_now(struct ig_ring *r);

/* Wakes the consumer at once if it sleeps, to take the slots queued however few (the
 * producer is about to wait for what the consumer makes of them). Producer side. */
void ig_ring_kick(struct ig_ring *r);
/* Wakes the producer at once if it sleeps on a full ring (a consumer that only try_peeks
 * is about to wait for something else: ig_ring_release's check may have missed it).
 * Consumer side. */
void ig_ring_kick_producer(struct ig_ring *r);

/* Consumer. Returns the oldest published slot, waiting while the ring is empty. The slot
 * stays valid, unchanged, until ig_ring_release(). */
void *ig_ring_peek(struct ig_ring *r);
/* The same without waiting: NULL when empty. */
void *ig_ring_try_peek(struct ig_ring *r);
/* Consumer: the slot <k> places after the oldest published one (k >= 1) if the consumer
 * already knows it is published (its cached view of head; refreshed only when that view
 * ends before it), else NULL. For prefetching what comes next: the slot is the producer's
 * no more, but it stays the oldest's successor only until ig_ring_release. */
void *ig_ring_peek_ahead(struct ig_ring *r, uint32_t k);
/* Gives the peeked slot back to the producer (a producer asleep on a full ring is woken
 * once half of it is free; no fence, as for ig_ring_publish). */
void ig_ring_release(struct ig_ring *r);

/* Readers besides the consumer (they must not outrun what the consumer releases): slots
 * published so far (acquire), and slot <i> (i < that count) in place. */
uint64_t ig_ring_published_count(const struct ig_ring *r);
/* Slots the consumer has released so far (acquire): with the published count, how far the
 * consumer is behind, as either side sees it. */
uint64_t ig_ring_released_count(const struct ig_ring *r);
void *ig_ring_at(const struct ig_ring *r, uint64_t i);

/* Counters; call from one thread when the other has stopped (or accept a stale view). */
void ig_ring_stats(const struct ig_ring *r, struct ig_ring_stats *st);

#endif
