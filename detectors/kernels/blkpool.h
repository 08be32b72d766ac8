/* The detectors' block pool: storage for per-client sets that grow with a client's history
 * (extraction.prada's rows, distance ring and indexes, extraction.coverage's split sets,
 * the Shapiro-Wilk work arrays) without a heap call per growth.
 *
 * Blocks are 64-byte aligned and come in size classes (64-byte steps to 256 bytes, then four
 * a power of two: at most 25 % over the size asked), carved from chunks the pool takes from
 * the heap. A freed block goes on its class's free list and serves the next request of that
 * class; a request finding its list empty takes a larger free block and splits it (no
 * coalescing), and only when there is none carves the current chunk. A chunk is at least
 * 1 MiB and half of all the pool holds (at most 64 MiB): the pool makes O(log bytes) heap
 * calls in all, where a realloc per doubling made O(log rows) per client. Blocks above the
 * largest class (1 MiB: a set of thousands of rows) are the heap's, as before: glibc maps
 * them, grows them by remapping and gives them back on free, so a client's set costs the
 * pool at most ~1 MiB of smaller blocks left free on its way up, which later clients growing
 * through those sizes reuse. Memory given back to the pool stays in it until the process
 * ends; the detectors' budgets charge what they ask, the class rounding is the pool's own.
 *
 * Thread-safe (one lock, taken only to allocate and free: growth is rare). Under
 * AddressSanitizer free blocks, uncarved chunk space and a block's slack past the size asked
 * are poisoned. */
#ifndef IG_KERNELS_BLKPOOL_H
#define IG_KERNELS_BLKPOOL_H

#include <stddef.h>
#include <stdint.h>

/* A block of at least <n> bytes (n > 0), 64-byte aligned; NULL when out of memory. */
void *ig_blk_alloc(size_t n);
/* As ig_blk_alloc, zeroed. */
void *ig_blk_calloc(size_t n);
/* As realloc: the first min(old, n) bytes kept; grows in place while the class holds <n>.
 * NULL (p unchanged, still valid) when out of memory. p NULL: ig_blk_alloc. */
void *ig_blk_realloc(void *p, size_t n);
/* Returns <p> (from ig_blk_alloc/calloc/realloc, or NULL) to the pool. */
void ig_blk_free(void *p);
/* Usable bytes of the block <p> (its class's size). */
size_t ig_blk_size(const void *p);

struct ig_blk_stats {
    uint64_t chunks;        /* heap calls the pool made for chunks */
    uint64_t chunk_bytes;   /* bytes of all chunks */
    uint64_t free_bytes;    /* in free lists and uncarved */
    uint64_t large;         /* blocks above the largest class (the heap's) allocated */
};
void ig_blk_stats(struct ig_blk_stats *out);

#endif
