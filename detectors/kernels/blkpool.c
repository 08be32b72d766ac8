/* The detectors' block pool; see blkpool.h. */
#include "kernels/blkpool.h"

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define IG_BLK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IG_BLK_ASAN 1
#endif
#endif
#ifdef IG_BLK_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define GRAN 64u
#define LOG2_MAX 20u                        /* the largest class: 1 MiB */
#define NCLS (4u + (LOG2_MAX - 8u) * 4u)    /* 64, 128, 192, 256, then 4 per power of two */
#define MAX_SIZE ((size_t)1 << LOG2_MAX)
#define CHUNK_MIN ((size_t)1 << 20)
#define CHUNK_MAX ((size_t)1 << 26)
#define MAX_CHUNKS 512u
#define FREE_BIT 0x80u                      /* in a block's map byte while it is free */

struct chunk {
    uint8_t *base;      /* 64-aligned; blocks from here */
    size_t bytes;       /* of blocks (a multiple of 64) */
    uint8_t *map;       /* one byte per 64: at a block's start its class (| FREE_BIT) */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct chunk chunks[MAX_CHUNKS];    /* sorted by base */
static unsigned nchunks;
static struct chunk *cur;                  /* the chunk being carved */
static size_t cur_off;                     /* its first uncarved byte */
static void *freelist[NCLS];
static uint64_t st_chunk_bytes, st_free_bytes, st_large;

static inline unsigned cls_of(size_t n)
{
    size_t s = (n + GRAN - 1) & ~(size_t)(GRAN - 1);
    if (s <= 4 * GRAN)
        return (unsigned)(s / GRAN) - 1;
    unsigned e = 63u - (unsigned)__builtin_clzll((unsigned long long)(s - 1));   /* 2^e < s <= 2^(e+1) */
    size_t r = (s + ((size_t)1 << (e - 2)) - 1) >> (e - 2);                         /* 5..8 */
    return 4 + (e - 8) * 4 + (unsigned)(r - 5);
}

static inline size_t cls_size(unsigned c)
{
    if (c < 4)
        return (size_t)(c + 1) * GRAN;
    unsigned e = 8 + (c - 4) / 4, r = 5 + (c - 4) % 4;
    return (size_t)r << (e - 2);
}

static struct chunk *chunk_of(const void *p)
{
    const uint8_t *b = p;
    unsigned lo = 0, hi = nchunks;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (b < chunks[mid].base)
            hi = mid;
        else if (b >= chunks[mid].base + chunks[mid].bytes)
            lo = mid + 1;
        else
            return &chunks[mid];
    }
    return NULL;
}

/* Free-list links live in a free block's first bytes (poisoned under ASan). */
static inline void *link_get(void *blk)
{
    void *next;
    UNPOISON(blk, sizeof next);
    memcpy(&next, blk, sizeof next);
    POISON(blk, sizeof next);
    return next;
}

static inline void link_set(void *blk, void *next)
{
    UNPOISON(blk, sizeof next);
    memcpy(blk, &next, sizeof next);
    POISON(blk, sizeof next);
}

static void push_free(struct chunk *k, uint8_t *p, unsigned c)
{
    k->map[(size_t)(p - k->base) / GRAN] = (uint8_t)(c | FREE_BIT);
    POISON(p, cls_size(c));
    link_set(p, freelist[c]);
    freelist[c] = p;
    st_free_bytes += cls_size(c);
}

static uint8_t *pop_free(unsigned c, struct chunk **kp)
{
    uint8_t *p = freelist[c];
    if (!p)
        return NULL;
    freelist[c] = link_get(p);
    st_free_bytes -= cls_size(c);
    *kp = chunk_of(p);
    return p;
}

/* [p, p + len) of chunk k (len a multiple of 64) into free blocks, the largest first. */
static void carve_free(struct chunk *k, uint8_t *p, size_t len)
{
    while (len >= GRAN) {
        size_t want = len < MAX_SIZE ? len : MAX_SIZE;
        unsigned c = cls_of(want);
        if (cls_size(c) > want)
            c--;
        push_free(k, p, c);
        p += cls_size(c);
        len -= cls_size(c);
    }
}

static bool new_chunk(size_t need)
{
    if (nchunks == MAX_CHUNKS)
        return false;
    size_t want = (size_t)(st_chunk_bytes / 2);
    want = want < CHUNK_MIN ? CHUNK_MIN : want > CHUNK_MAX ? CHUNK_MAX : want;
    want = want < need ? need : want;
    want = (want + GRAN - 1) & ~(size_t)(GRAN - 1);
    size_t mapb = (want / GRAN + GRAN - 1) & ~(size_t)(GRAN - 1);
    uint8_t *m = aligned_alloc(GRAN, want + mapb);
    if (!m)
        return false;
    if (cur && cur_off < cur->bytes) {   /* what is left of the last chunk: free blocks */
        st_free_bytes -= cur->bytes - cur_off;
        carve_free(cur, cur->base + cur_off, cur->bytes - cur_off);
    }
    unsigned i = nchunks;
    while (i > 0 && chunks[i - 1].base > m) {
        chunks[i] = chunks[i - 1];
        i--;
    }
    chunks[i] = (struct chunk){ .base = m, .bytes = want, .map = m + want };
    nchunks++;
    cur = &chunks[i];
    cur_off = 0;
    st_chunk_bytes += want;
    st_free_bytes += want;
    POISON(m, want);
    return true;
}

static void *large_alloc(size_t n)
{
    void *p = aligned_alloc(GRAN, (n + GRAN - 1) & ~(size_t)(GRAN - 1));
    if (p) {
        pthread_mutex_lock(&lock);
        st_large++;
        pthread_mutex_unlock(&lock);
    }
    return p;
}

void *ig_blk_alloc(size_t n)
{
    if (n == 0)
        n = 1;
    if (n > MAX_SIZE)
        return large_alloc(n);
    const unsigned c = cls_of(n);
    const size_t sz = cls_size(c);
    struct chunk *k = NULL;
    pthread_mutex_lock(&lock);
    uint8_t *p = pop_free(c, &k);
    if (!p && cur && cur->bytes - cur_off >= sz) {
        k = cur;
        p = cur->base + cur_off;
        cur_off += sz;
        st_free_bytes -= sz;
    }
    for (unsigned b = c + 1; !p && b < NCLS; b++) {   /* a larger free block, split */
        if ((p = pop_free(b, &k)))
            carve_free(k, p + sz, cls_size(b) - sz);
    }
    if (!p && new_chunk(sz)) {
        k = cur;
        p = cur->base;
        cur_off = sz;
        st_free_bytes -= sz;
    }
    if (p) {
        k->map[(size_t)(p - k->base) / GRAN] = (uint8_t)c;
        UNPOISON(p, n);
    }
    pthread_mutex_unlock(&lock);
    return p;
}

void *ig_blk_calloc(size_t n)
{
    void *p = ig_blk_alloc(n);
    if (p)
        memset(p, 0, n ? n : 1);
    return p;
}

void ig_blk_free(void *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&lock);
    struct chunk *k = chunk_of(p);
    if (!k) {
        pthread_mutex_unlock(&lock);
        free(p);
        return;
    }
    uint8_t m = k->map[(size_t)((uint8_t *)p - k->base) / GRAN];
    if (m & FREE_BIT || m >= NCLS || ((uintptr_t)p & (GRAN - 1)))
        abort();   /* a double free or a pointer that is not a block's start */
    push_free(k, p, m);
    pthread_mutex_unlock(&lock);
}

size_t ig_blk_size(const void *p)
{
    pthread_mutex_lock(&lock);
    struct chunk *k = chunk_of(p);
    size_t s = k ? cls_size(k->map[(size_t)((const uint8_t *)p - k->base) / GRAN] & ~FREE_BIT)
                 : malloc_usable_size((void *)p);
    pthread_mutex_unlock(&lock);
    return s;
}

void *ig_blk_realloc(void *p, size_t n)
{
    if (!p)
        return ig_blk_alloc(n);
    if (n == 0)
        n = 1;
    size_t had = ig_blk_size(p);
    pthread_mutex_lock(&lock);
    const bool pooled = chunk_of(p) != NULL;
    pthread_mutex_unlock(&lock);
    if (pooled && n <= had) {   /* the class holds it: in place */
        UNPOISON(p, n);
        POISON((uint8_t *)p + n, had - n);
        return p;
    }
    if (!pooled && n > MAX_SIZE) {
        /* the heap's block stays the heap's: glibc remaps a mapped one (an aligned block
         * keeps its offset in the page); realigned by a copy otherwise */
        void *q = realloc(p, (n + GRAN - 1) & ~(size_t)(GRAN - 1));
        if (!q || !((uintptr_t)q & (GRAN - 1)))
            return q;
        void *r = large_alloc(n);
        if (!r)
            return q;   /* out of memory: the moved block, 16-byte aligned, rather than none */
        memcpy(r, q, n);
        free(q);
        return r;
    }
    void *q = ig_blk_alloc(n);
    if (!q)
        return NULL;
    UNPOISON(p, had);
    memcpy(q, p, had < n ? had : n);
    ig_blk_free(p);
    return q;
}

void ig_blk_stats(struct ig_blk_stats *out)
{
    pthread_mutex_lock(&lock);
    out->chunks = nchunks;
    out->chunk_bytes = st_chunk_bytes;
    out->free_bytes = st_free_bytes;
    out->large = st_large;
    pthread_mutex_unlock(&lock);
}
