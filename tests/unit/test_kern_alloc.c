/* Heap calls of the kernels' growing sets (issue #20: none per event): doubling a split set
 * (extraction.coverage's history) or a pruned index (PRADA's G_c) takes its block from the
 * detectors' block pool, so it makes no heap call but when the pool takes a chunk (O(log
 * bytes) in all) or the block is above the pool's largest class (1 MiB: the heap's, one
 * realloc); an index re-chosen at the same capacity makes none, once the thread's re-layout
 * scratch has grown. Counted with bench_alloc's allocator functions; under
 * AddressSanitizer, whose hooks see a realloc as an allocation and a free, the allocations
 * are counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <inferguard/base.h>
#include "../../bench/alloc/alloc_count.h"
#include "kernels/blkpool.h"
#include "kernels/vidx.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static float frand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)(rng >> 40) / 16777216.0f;
}

struct counted { uint64_t allocs, calls; };

static uint64_t chunks0;

static uint64_t pool_chunks(void)
{
    struct ig_blk_stats s;
    ig_blk_stats(&s);
    return s.chunks;
}

static void start(void)
{
    chunks0 = pool_chunks();
    ig_alloc_count_start();
}

static struct counted stop(void)
{
    uint64_t a[WHO__COUNT], f[WHO__COUNT];
    ig_alloc_count_stop(a, f);
    struct counted c = { 0, 0 };
    for (int w = 0; w < WHO__COUNT; w++) {
        c.allocs += a[w];
        c.calls += a[w] + f[w];
    }
    return c;
}

/* One growth into the block <mem>: no heap call but a chunk the pool took, or one realloc
 * when the block is the heap's (above the pool's largest class). */
static void assert_growth(struct counted c, const char *what, uint32_t cap, const void *mem)
{
    uint64_t want = pool_chunks() - chunks0 + (ig_blk_size(mem) > (1u << 20));
    if ((ig_alloc_count_by_caller() ? c.calls : c.allocs) != want || want > 1)
        fail_msg("%s to %u: %llu heap calls (%llu allocations), %llu expected", what, cap,
                 (unsigned long long)c.calls, (unsigned long long)c.allocs, (unsigned long long)want);
}

static void test_split_set_doubles_without_heap_calls(void **state)
{
    (void)state;
    struct ig_vsplit s;
    assert_int_equal(ig_vsplit_init(&s, 33, 16), IG_OK);
    float x[33];
    for (uint32_t i = 0; i < 2048; i++) {
        if (i == s.cap) {
            start();
            assert_int_equal(ig_vsplit_reserve(&s, 2 * s.cap), IG_OK);
            struct counted c = stop();
            assert_growth(c, "split set", s.cap, s.mem);
        }
        for (int f = 0; f < 33; f++)
            x[f] = frand();
        ig_vsplit_put(&s, i, x);
    }
    ig_vsplit_free(&s);
}

/* PRADA's way: 16 vectors, doubled by reserve when full, appends in between. */
static void grow_index(unsigned flags, uint32_t dim, uint32_t n, bool check)
{
    struct ig_vidx ix;
    assert_int_equal(ig_vidx_init_ex(&ix, dim, 16, IG_VSET_F32, flags), IG_OK);
    float *x = malloc(dim * sizeof(float));
    for (uint32_t i = 0; i < n; i++) {
        if (ix.n == ix.cap) {
            if (check)
                start();
            assert_int_equal(ig_vidx_reserve(&ix, 2 * ix.cap), IG_OK);
            if (check)
                assert_growth(stop(), "index", ix.cap, ix.mem);
        }
        for (uint32_t f = 0; f < dim; f++)
            x[f] = frand() + (float)(i % 7);
        if (check)
            start();
        assert_int_equal(ig_vidx_append(&ix, x), IG_OK);
        if (check) {
            struct counted c = stop();
            if (c.calls)
                fail_msg("append %u: %llu heap calls", i, (unsigned long long)c.calls);
        }
    }
    free(x);
    ig_vidx_free(&ix);
}

static void test_index_doubles_without_heap_calls(void **state)
{
    (void)state;
    grow_index(IG_VIDX_Q8, 64, 4096, false);   /* the thread's scratch grows once */
    grow_index(IG_VIDX_Q8, 64, 4096, true);    /* the last copies 512 KiB of vectors */
    grow_index(IG_VIDX_SHADOW, 17, 3000, true);
}

/* An index made at full size re-chooses its pivots as its count doubles (256, 512, ...):
 * in its own block, no heap call. */
static void test_index_relaid_at_same_capacity_without_calls(void **state)
{
    (void)state;
    grow_index(IG_VIDX_Q8, 64, 4096, false);   /* warm scratch */
    struct ig_vidx ix;
    assert_int_equal(ig_vidx_init_ex(&ix, 64, 2048, IG_VSET_F32, IG_VIDX_Q8), IG_OK);
    float x[64];
    start();
    for (uint32_t i = 0; i < 2048; i++) {
        for (int f = 0; f < 64; f++)
            x[f] = frand();
        assert_int_equal(ig_vidx_append(&ix, x), IG_OK);
    }
    struct counted c = stop();
    assert_true(ix.laid_n >= 1024);   /* re-laid on the way */
    if (c.calls)
        fail_msg("2048 appends with re-layouts: %llu heap calls", (unsigned long long)c.calls);
    ig_vidx_free(&ix);
}

int main(void)
{
    ig_alloc_count_init(false);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_set_doubles_without_heap_calls),
        cmocka_unit_test(test_index_doubles_without_heap_calls),
        cmocka_unit_test(test_index_relaid_at_same_capacity_without_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
