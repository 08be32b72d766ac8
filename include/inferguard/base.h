/* inferguard: status codes, spans, branch hints, assertions, bump scratch, FNV-1a. */
#ifndef INFERGUARD_BASE_H
#define INFERGUARD_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Negative means failure, 0 success, positive tells the caller what next. */
enum ig_status {
    IG_OK = 0, IG_AGAIN = 1, IG_DONE = 2,
    IG_ENOMEM = -1, IG_EPARSE = -2, IG_ELIMIT = -3, IG_ECONF = -4, IG_EIO = -5,
};

/* The one direction type: of a flow's bytes, of an HTTP message (request / response) and of
 * a header lookup. */
enum ig_flow_dir { IG_DIR_TO_SERVER = 0, IG_DIR_TO_CLIENT = 1 };

/* Bytes owned by someone else, valid until the call that handed them out returns. */
struct ig_span {
    const uint8_t *p;
    size_t n;
};

#define IG_SPAN_STR(s) ((struct ig_span){ (const uint8_t *)(s), sizeof(s) - 1 })
#define IG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define IG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define IG_MAX(a, b) ((a) > (b) ? (a) : (b))

#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/* Always-on cheap invariant check: a broken invariant is a bug, never input's fault. */
void ig_assert_fail(const char *expr, const char *file, int line);
#define IG_ASSERT(e) ((e) ? (void)0 : ig_assert_fail(#e, __FILE__, __LINE__))
#ifdef NDEBUG
#define IG_ASSERT_HOT(e) ((void)0)
#else
#define IG_ASSERT_HOT(e) IG_ASSERT(e)
#endif

/* Bump allocator reset per event or transaction: the hot path's only allocator.
 * ig_scratch_alloc returns NULL (never aborts) when the round would exceed <cap>;
 * memory is 16-byte aligned and not zeroed, and stays valid until the next reset.
 * A round that outgrows the block chains extra chunks; reset then folds them into one
 * larger block, so the steady state allocates nothing. */
struct ig_scratch {
    uint8_t *base;
    size_t used, size, cap;   /* size = current block, cap = most bytes one round may use */
    size_t round_bytes;       /* bytes handed out this round, all chunks */
    void  *chunks;            /* extra chunks of this round (freed by reset) */
    uint64_t overflows;       /* allocations refused because of cap */
    void *memo;               /* what this round built once for all its users (the detectors'
                               * shared inspection buffers, detectors/text/inspect.h); reset
                               * clears it */
};
int   ig_scratch_init(struct ig_scratch *s, size_t initial, size_t cap);
void *ig_scratch_alloc(struct ig_scratch *s, size_t n);
void  ig_scratch_reset(struct ig_scratch *s);
void  ig_scratch_free(struct ig_scratch *s);

static inline bool ig_span_eq_str(struct ig_span s, const char *lit, size_t n)
{
    return s.n == n && (n == 0 || __builtin_memcmp(s.p, lit, n) == 0);
}


/* FNV-1a, 64 bit (Fowler, Noll, Vo; draft-eastlake-fnv): the one non-cryptographic hash of
 * table keys, client lanes and finding uids. Never for anything an attacker must not steer
 * (keyed hashes are SipHash/HMAC). Calls chain: pass the last value as <h>. */
#define IG_FNV1A_BASIS 0xcbf29ce484222325ull
#define IG_FNV1A_PRIME 0x100000001b3ull

/* One step over one unit <v>: a byte, or a whole 32-bit word for callers that hash words. */
static inline uint64_t ig_fnv1a_step(uint64_t h, uint64_t v)
{
    return (h ^ v) * IG_FNV1A_PRIME;
}

/* <h> continued over the <n> bytes at <p> (<p> may be NULL when <n> is 0). */
static inline uint64_t ig_fnv1a(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n; i++)
        h = ig_fnv1a_step(h, b[i]);
    return h;
}

/* An FNV-1a value mixed before its bits are used as an index or a sample: FNV's last step
 * multiplies by 2^40 + 0x1b3, so inputs that differ only in their last bytes differ in few
 * bits (keys "client-1" .. "client-8" shared bits 32-39). Half of murmur3's fmix64 (one
 * multiply): high bits folded into low ones and spread again. */
static inline uint64_t ig_fnv1a_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

/* <h> continued over the string <s> up to its NUL or <max> bytes; NULL hashes as "". */
static inline uint64_t ig_fnv1a_str(uint64_t h, const char *s, size_t max)
{
    for (size_t i = 0; s && i < max && s[i]; i++)
        h = ig_fnv1a_step(h, (uint8_t)s[i]);
    return h;
}

#endif
