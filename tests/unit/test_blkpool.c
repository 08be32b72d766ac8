/* The detectors' block pool (kernels/blkpool.h): what the per-client sets that grow with a
 * client's history rely on. A block holds what was asked, 64-byte aligned, in a class at most
 * 25 % (or 64 bytes) larger; realloc keeps the contents; freed blocks serve later requests,
 * of their class or (split) smaller ones, without the pool taking more from the heap; many
 * clients' sets doubling take O(log bytes) chunks in all; two threads may use it at once. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernels/blkpool.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((seed + i * 0x9e3779b1u) >> 7);
}

static void check(const uint8_t *p, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)((seed + i * 0x9e3779b1u) >> 7))
            fail_msg("byte %zu of %zu changed", i, n);
}

static uint64_t chunks(void)
{
    struct ig_blk_stats s;
    ig_blk_stats(&s);
    return s.chunks;
}

static void test_sizes_and_alignment(void **state)
{
    (void)state;
    for (size_t n = 1; n <= (1u << 20); n = n * 5 / 4 + 1 + (next() & 63)) {
        uint8_t *p = ig_blk_alloc(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p & 63, 0);
        size_t s = ig_blk_size(p), r = (n + 63) & ~(size_t)63;
        if (s < n || (r > 256 && s > r + r / 4) || (r <= 256 && s != r))
            fail_msg("%zu bytes asked: a block of %zu", n, s);
        fill(p, n, n);
        check(p, n, n);
        ig_blk_free(p);
    }
    uint8_t *z = ig_blk_calloc(5000);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(z[i], 0);
    ig_blk_free(z);
    ig_blk_free(NULL);
}

/* Grown by doubling as the detectors grow a client's set: contents kept each time. */
static void test_realloc_keeps_contents(void **state)
{
    (void)state;
    size_t n = 40;
    uint8_t *p = ig_blk_realloc(NULL, n);
    fill(p, n, 7);
    for (int i = 0; i < 13; i++) {   /* to at most 580 KB: pooled */
        size_t m = n * 2 + (next() & 31);
        uint8_t *q = ig_blk_realloc(p, m);
        assert_non_null(q);
        check(q, n, 7);
        fill(q, m, 7);
        p = q;
        n = m;
    }
    /* within its class: in place */
    size_t cls = ig_blk_size(p);
    assert_ptr_equal(ig_blk_realloc(p, cls), p);
    assert_ptr_equal(ig_blk_realloc(p, n / 3), p);
    check(p, n / 3, 7);
    ig_blk_free(p);
}

/* A freed block serves the next request of its class; a large freed block, split, serves
 * small ones: no chunk taken. */
static void test_freed_blocks_reused(void **state)
{
    (void)state;
    void *warm = ig_blk_alloc(1 << 20);
    ig_blk_free(warm);
    uint64_t c0 = chunks();
    for (int round = 0; round < 50; round++) {
        void *p = ig_blk_alloc(1 << 20);
        assert_non_null(p);
        ig_blk_free(p);
    }
    void *small[4096];
    for (int i = 0; i < 4096; i++)
        assert_non_null(small[i] = ig_blk_alloc(200));   /* 4096 x 256 B = the 1 MiB block */
    for (int i = 0; i < 4096; i++)
        ig_blk_free(small[i]);
    assert_int_equal(chunks(), c0);
}

/* 100 clients' sets doubling from 64 bytes to 256 KiB (25 MiB at the end), one client at a
 * time as their queries interleave: the pool's chunks are O(log bytes), not one per
 * doubling (100 x 12 reallocs); and another 100 after the first are evicted take none. */
static void test_many_clients_doubling(void **state)
{
    (void)state;
    enum { N = 100 };
    static uint8_t *set[N];
    static size_t cap[N];
    uint64_t c0 = chunks();
    for (int step = 0; step < 12; step++)
        for (int i = 0; i < N; i++) {
            size_t m = (size_t)64 << step;
            uint8_t *q = ig_blk_realloc(set[i], m);
            assert_non_null(q);
            if (cap[i])
                check(q, cap[i], (uint64_t)i);
            fill(q, m, (uint64_t)i);
            set[i] = q;
            cap[i] = m;
        }
    uint64_t taken = chunks() - c0;
    if (taken > 16)
        fail_msg("%llu chunks for 100 sets doubling 12 times", (unsigned long long)taken);
    for (int i = 0; i < N; i++) {
        ig_blk_free(set[i]);
        set[i] = NULL;
        cap[i] = 0;
    }
    uint64_t c1 = chunks();
    for (int step = 0; step < 12; step++)
        for (int i = 0; i < N; i++) {
            set[i] = ig_blk_realloc(set[i], (size_t)64 << step);
            assert_non_null(set[i]);
        }
    assert_int_equal(chunks(), c1);
    for (int i = 0; i < N; i++)
        ig_blk_free(set[i]);
}

/* Above the largest class (1 MiB): the heap's block, still aligned and resizable. */
static void test_large_blocks(void **state)
{
    (void)state;
    struct ig_blk_stats s0, s1;
    ig_blk_stats(&s0);
    size_t n = ((size_t)1 << 20) + 100;
    uint8_t *p = ig_blk_alloc(n);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p & 63, 0);
    fill(p, 4096, 3);
    p[n - 1] = 0x5a;
    uint8_t *q = ig_blk_realloc(p, 1000);   /* back into a class */
    assert_non_null(q);
    check(q, 1000, 3);
    uint8_t *r = ig_blk_realloc(q, n + 4096);
    assert_non_null(r);
    check(r, 1000, 3);
    ig_blk_free(r);
    ig_blk_stats(&s1);
    assert_true(s1.large >= s0.large + 2);
}

static void *worker(void *arg)
{
    uint64_t seed = (uint64_t)(uintptr_t)arg;
    uint8_t *held[64] = { 0 };
    size_t size[64] = { 0 };
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (int it = 0; it < 20000; it++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int i = (int)(x % 64);
        if (held[i]) {
            check(held[i], size[i], seed + (uint64_t)i);
            if (x & 256) {
                ig_blk_free(held[i]);
                held[i] = NULL;
                continue;
            }
            size_t m = size[i] * 2 < 200000 ? size[i] * 2 : 100;
            uint8_t *q = ig_blk_realloc(held[i], m);
            check(q, m < size[i] ? m : size[i], seed + (uint64_t)i);
            held[i] = q;
            size[i] = m;
        } else {
            size[i] = 1 + (size_t)(x >> 40) % 5000;
            held[i] = ig_blk_alloc(size[i]);
        }
        fill(held[i], size[i], seed + (uint64_t)i);
    }
    for (int i = 0; i < 64; i++)
        ig_blk_free(held[i]);
    return NULL;
}

static void test_two_threads(void **state)
{
    (void)state;
    pthread_t t[2];
    for (uintptr_t i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(i + 1)), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_and_alignment),
        cmocka_unit_test(test_realloc_keeps_contents),
        cmocka_unit_test(test_freed_blocks_reused),
        cmocka_unit_test(test_many_clients_doubling),
        cmocka_unit_test(test_large_blocks),
        cmocka_unit_test(test_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
