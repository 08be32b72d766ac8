/* Pruned exact nearest-neighbour index (vidx.h): pivots, per-block distance rings,
 * l2sq_min_blocks for the blocks the bounds cannot rule out. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/base.h>
#include "vidx.h"
#include "kernels/blkpool.h"

#define NONE UINT32_MAX

static uint32_t round_cap(uint32_t cap)
{
    if (cap == 0)
        cap = IG_VSET_BLOCK;
    return (cap + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK * IG_VSET_BLOCK;
}

/* Pivots for a capacity: none below 512 vectors (a scan of 32 blocks is cheaper than
 * bounding them and re-laying the set out; with pivots and codes from 256, PRADA alone
 * cost 0.47 s of CPU on the figure-1 OIP v2 capture, whose classes stop at 128-255
 * vectors, and 0.42 s without: 9 alternating runs each), then about sqrt(cap): K pivot
 * distances cost K/16 blocks, buckets hold about sqrt(cap)/16 blocks. */
static uint32_t max_pivots(uint32_t cap)
{
    if (cap < 512)
        return 0;
    uint32_t k = (uint32_t)sqrt((double)cap);
    return k > 256 ? 256 : k;
}

/* Codes are kept from this capacity on (with the pivots), so smaller indexes neither keep
 * nor charge them: below it every block is scanned in float32, which on sets of a few
 * hundred vectors costs less than making the codes at the re-layout and measuring them.
 * Measured again with codes from 64 (levels from 32 vectors) on the figure-1 OIP v2
 * capture, PRADA alone: float32 blocks read fell 437k -> 108k (426k measured in int8), but
 * the process took 0.439 s against 0.407 s (9 alternating runs): each query still reads
 * ~1.9 whole float32 blocks to refine, one at a time (twice the cost per block of the
 * paired streaming scan), plus codes, re-layouts and query levels.
 * Session 12 tried that float32 copy (branch s12-prada-rows, ad64fa1): every coded set also
 * row-major, each lane of a block the int8 pass leaves bounded by its own integer distance
 * and read from its row, rows that may hold the minimum prefetched. Exact (the seven shared
 * captures unchanged) but no gain, PRADA alone, 7 alternating runs each (medians): gRPC
 * 0.71 -> 0.74 s (0.71 without the prefetch); OIP v2 with codes from 64 or 128 vectors
 * 0.41 -> 0.46 or 0.44 s; bench_prada int8 rows line/clusters/uniform 1.3/4.6/7.0 ->
 * 1.9/6.8/8.9 us. A row read alone is a cache miss that costs about what a streamed block
 * does (~280 against ~315 ns on gRPC: latency, not bytes); prefetching them moves that cost
 * into the bookkeeping, and on small sets making codes (appends, query levels, re-layouts,
 * page faults of the bigger index) costs as much as the float32 scans it replaces.
 * Session 18 again, codes from 128 (levels from 64) with the levels by the q8_levels kernel
 * (a scalar loop of doubles before, ~0.3 us a vector): a program replaying the figure-1 OIP
 * v2 shape (64 x 4 indexes growing to ~230 vectors, d = 64, random order, every query
 * appended) took 1.96-2.11 us a query against 1.78-1.96 from 512 (2.34-2.44 with the scalar
 * levels); the float32 blocks' share fell 2848 -> 1130 perf samples, but the int8 pass (573),
 * the levels (437: the per-feature offsets are one more cold line per 8 features), re-layouts
 * with codes (254) and the one-block-at-a-time refines cost more. That shape is bound by
 * memory: a search of 120 vectors took 0.42-0.65 us with 4 such indexes (in L2) and
 * 1.46-1.78 us with 256 (7.9 MB), the same code. */
#define Q8_MIN_VECTORS 512u
/* Levels are chosen at a re-layout of at least this many vectors: the growth to a
 * capacity of 512 re-lays out 256. Vectors added later are coded with the same levels
 * (clamped, their error in the block's qerr). */
#define Q8_MIN_LEVELS 128u

static bool q8_on(uint32_t dim, uint32_t cap, unsigned flags)
{
    return (flags & IG_VIDX_Q8) && dim <= IG_Q8_MAXDIM && cap >= Q8_MIN_VECTORS;
}

static uint32_t q8_groups(uint32_t dim)
{
    return (dim + 3) / 4;
}

size_t ig_vidx_bytes_ex(uint32_t dim, uint32_t cap, enum ig_vset_elem elem, unsigned flags)
{
    size_t b = ig_vidx_bytes(dim, cap, elem);
    if ((flags & IG_VIDX_SHADOW) && elem == IG_VSET_F32)
        b += ig_vset_bytes_ex(dim, cap, IG_VSET_BF16);
    if (q8_on(dim, round_cap(cap), flags)) {
        size_t c = round_cap(cap), g = q8_groups(dim);
        b += c * g * 4 + c * sizeof(int32_t) + (size_t)dim * sizeof(double) + g * 4 +
             c / IG_VSET_BLOCK * (sizeof(int32_t) * 2 + sizeof(uint32_t));
    }
    return b;
}

size_t ig_vidx_bytes(uint32_t dim, uint32_t cap, enum ig_vset_elem elem)
{
    cap = round_cap(cap);
    uint32_t nb = cap / IG_VSET_BLOCK, k = max_pivots(cap);
    size_t b = ig_vset_bytes_ex(dim, cap, elem) + (size_t)cap * 2 * sizeof(uint32_t) +
               (size_t)nb * (sizeof(struct ig_vblock) + sizeof(uint32_t)) + (size_t)dim * sizeof(float);
    if (k)
        b += ig_vset_bytes(dim, k) + (size_t)k * (sizeof(float) * 2 + sizeof(uint32_t) * 2);
    return b;
}

static void fill_inf(struct ig_vset *s)
{
    size_t n = (size_t)s->cap * s->dim;
    if (s->elem == IG_VSET_BF16) {
        uint16_t *d = s->data;
        for (size_t i = 0; i < n; i++)
            d[i] = 0x7f80;
    } else {
        float *d = s->data;
        for (size_t i = 0; i < n; i++)
            d[i] = INFINITY;
    }
}

static void release(struct ig_vidx *ix)
{
    ig_blk_free(ix->mem);
}

/* Pieces of one allocation: the vector sets and int8 codes at 64 bytes (SIMD loads of whole
 * blocks), the rest at 16 like malloc's. With <c->base> NULL only the size is summed. */
struct carve { uint8_t *base; size_t off; };

static void *take(struct carve *c, size_t n, size_t align)
{
    c->off = (c->off + align - 1) & ~(align - 1);
    void *p = c->base ? c->base + c->off : NULL;
    c->off += n;
    return p;
}

static void take_vset(struct carve *c, struct ig_vset *s, uint32_t dim, uint32_t cap, enum ig_vset_elem elem)
{
    s->dim = dim;
    s->elem = elem;
    s->cap = round_cap(cap);
    s->count = 0;
    s->data = take(c, ig_vset_bytes_ex(dim, s->cap, elem), 64);
}

/* Lays every array of an empty index of capacity <cap> out in <c> (see alloc_empty). */
static void lay_out(struct ig_vidx *ix, struct carve *c, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                    unsigned flags)
{
    uint32_t nb = cap / IG_VSET_BLOCK;
    take_vset(c, &ix->set, dim, cap, elem);
    if (flags & IG_VIDX_SHADOW)
        take_vset(c, &ix->shadow, dim, cap, IG_VSET_BF16);
    ix->id = take(c, (size_t)cap * sizeof(uint32_t), 16);
    ix->slot = take(c, (size_t)cap * sizeof(uint32_t), 16);
    ix->blk = take(c, (size_t)nb * sizeof(struct ig_vblock), 16);
    ix->list = take(c, (size_t)nb * sizeof(uint32_t), 16);
    ix->vtmp = take(c, (size_t)dim * sizeof(float), 16);
    if (q8_on(dim, cap, flags)) {
        uint32_t g = q8_groups(dim);
        ix->qgroups = g;
        ix->q8 = take(c, (size_t)cap * g * 4, 64);   /* a multiple of 64: whole blocks */
        ix->qnorm = take(c, (size_t)cap * sizeof(int32_t), 16);
        ix->qoff = take(c, (size_t)dim * sizeof(double), 16);
        ix->qx = take(c, (size_t)g * 4, 16);
        ix->qmin = take(c, (size_t)nb * sizeof(int32_t), 16);
        ix->cand = take(c, (size_t)nb * sizeof(uint32_t), 16);
        ix->cmin = take(c, (size_t)nb * sizeof(int32_t), 16);
    }
    if (ix->maxpiv) {
        uint32_t k = ix->maxpiv;
        take_vset(c, &ix->piv, dim, k, IG_VSET_F32);
        ix->pmax = take(c, k * sizeof(float), 16);
        ix->dq = take(c, round_cap(k) * sizeof(float), 16);
        ix->phead = take(c, k * sizeof(uint32_t), 16);
        ix->popen = take(c, k * sizeof(uint32_t), 16);
    }
}

/* Bytes to allocate for an index laid out as <ix> says (flags, maxpiv) at capacity <cap>:
 * 63 more to start on a 64-byte boundary (malloc and realloc promise 16 at most). */
static size_t alloc_bytes(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                          unsigned flags)
{
    struct carve c = { NULL, 0 };
    lay_out(ix, &c, dim, cap, elem, flags);
    return c.off + 63;
}

static bool bad_params(uint32_t dim, enum ig_vset_elem elem, unsigned flags)
{
    return dim == 0 || (elem != IG_VSET_F32 && elem != IG_VSET_BF16) ||
           ((flags & IG_VIDX_SHADOW) && elem != IG_VSET_F32);
}

/* An empty index of capacity <cap> in <raw> (alloc_bytes of it): nothing stored, no
 * pivots yet. */
static void init_at(struct ig_vidx *ix, void *raw, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                    unsigned flags)
{
    memset(ix, 0, sizeof(*ix));
    ix->flags = flags;
    cap = round_cap(cap);
    ix->cap = cap;
    ix->maxpiv = max_pivots(cap);
    ix->mem = raw;
    struct carve c = { (uint8_t *)raw + ((64 - ((uintptr_t)raw & 63)) & 63), 0 };
    lay_out(ix, &c, dim, cap, elem, flags);
    fill_inf(&ix->set);
    if (flags & IG_VIDX_SHADOW) {
        fill_inf(&ix->shadow);
        ix->shadow.count = cap;
    }
    if (ix->q8) {
        memset(ix->q8, 0x80, (size_t)cap * ix->qgroups * 4);   /* level 0 */
        for (uint32_t i = 0; i < cap; i++)
            ix->qnorm[i] = 1 << 30;
        memset(ix->qoff, 0, (size_t)dim * sizeof(double));
        memset(ix->qx, 0, (size_t)ix->qgroups * 4);
    }
}

/* Empty index of capacity <cap>: everything in one block of the detectors' block pool (one
 * pool call to grow, one to free: an index re-laid at each doubling of a client's history
 * made ~35 heap calls). */
static int alloc_empty(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                       unsigned flags)
{
    memset(ix, 0, sizeof(*ix));
    if (bad_params(dim, elem, flags))
        return IG_ECONF;
    ix->maxpiv = max_pivots(round_cap(cap));
    void *raw = ig_blk_alloc(alloc_bytes(ix, dim, round_cap(cap), elem, flags));
    if (!raw) {
        memset(ix, 0, sizeof(*ix));
        return IG_ENOMEM;
    }
    init_at(ix, raw, dim, cap, elem, flags);
    return IG_OK;
}

int ig_vidx_init(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem)
{
    return alloc_empty(ix, dim, cap, elem, 0);
}

int ig_vidx_init_ex(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                    unsigned flags)
{
    return alloc_empty(ix, dim, cap, elem, flags);
}

void ig_vidx_free(struct ig_vidx *ix)
{
    release(ix);
    memset(ix, 0, sizeof(*ix));
}

static void add_pivot(struct ig_vidx *ix, const float *p)
{
    uint32_t k = ix->npiv++;
    ig_vset_append(&ix->piv, p);
    ix->pmax[k] = 0.0f;
    ix->phead[k] = NONE;
    ix->popen[k] = NONE;
}

/* Distance of stored vector <g> (its values as stored) to pivot <p>, in double: four
 * partial sums (one running sum waits on each addition; the bounds built on it carry
 * float margins far above double rounding in any order). */
static double pivot_dist(struct ig_vidx *ix, const float *g, uint32_t p)
{
    const float *pv = (const float *)ix->piv.data +
                      (size_t)(p / IG_VSET_BLOCK) * ix->set.dim * IG_VSET_BLOCK + p % IG_VSET_BLOCK;
    const uint32_t dim = ix->set.dim;
    double s[4] = { 0 };
    uint32_t f = 0;
    for (; f + 4 <= dim; f += 4)
        for (int j = 0; j < 4; j++) {
            double t = (double)g[f + j] - pv[(size_t)(f + j) * IG_VSET_BLOCK];
            s[j] += t * t;
        }
    for (; f < dim; f++) {
        double t = (double)g[f] - pv[(size_t)f * IG_VSET_BLOCK];
        s[0] += t * t;
    }
    return sqrt((s[0] + s[1]) + (s[2] + s[3]));
}

/* |v - v'| computed in double, widened for that computation's own rounding: relative
 * ~1e-16 per term, and absolute ~2^-52 * 255 s per coordinate for values in range. */
static inline double q8_slack(const struct ig_vidx *ix, double e)
{
    return e * (1.0 + 1e-9) + ix->set.dim * 1e-12 * ix->qscale;
}

/* Writes the codes of stored lane <slot>, whose values as stored (bf16 widened) are <g>,
 * and its norm; returns |g - g'| rounded up (+inf for a vector that is not finite). The
 * levels by the kernels' q8_levels (four features a register on the SIMD paths; a scalar
 * loop of doubles here cost ~0.3 us a vector), through ix->qx (the query's scratch: no query
 * runs during an append or a re-layout; only its first dim bytes are written, the padding
 * stays level 0, code -128, as before). */
static float put_codes(struct ig_vidx *ix, uint32_t slot, const float *g)
{
    const uint32_t dim = ix->set.dim, b = slot / IG_VSET_BLOCK, l = slot % IG_VSET_BLOCK;
    int32_t sum;
    double e2;
    int32_t norm = ig_kern()->q8_levels(g, ix->qoff, dim, 1.0 / ix->qscale, ix->qscale, ix->qx, &sum, &e2);
    for (uint32_t grp = 0; grp < ix->qgroups; grp++) {
        uint32_t w;   /* four levels; a code is its level minus 128: the top bit flipped */
        memcpy(&w, ix->qx + grp * 4, 4);
        w ^= 0x80808080u;
        memcpy(ix->q8 + IG_Q8_AT(b, ix->qgroups, grp, l, 0), &w, 4);
    }
    ix->qnorm[slot] = norm;
    double err = q8_slack(ix, sqrt(e2));
    if (!(err < INFINITY))
        return INFINITY;
    return nextafterf((float)err, INFINITY);
}

/* Where a re-layout reads the vectors (in slot order) and their insertion numbers: a
 * row-major copy, or the old index itself. */
struct relay_src {
    const float *rows;        /* n x dim, or NULL: */
    const uint32_t *ids;
    const struct ig_vidx *old;
    const uint32_t *slot;     /* old's used slots */
};

static inline const float *src_row(const struct relay_src *r, uint32_t i, uint32_t dim, float *v)
{
    if (r->rows)
        return r->rows + (size_t)i * dim;
    ig_vset_get(&r->old->set, r->slot[i], v);
    return v;
}

static inline uint32_t src_id(const struct relay_src *r, uint32_t i)
{
    return r->rows ? r->ids[i] : r->old->id[r->slot[i]];
}

/* Levels of the vectors of <r>: per feature its finite values' range widened by a tenth
 * each side, whose low end is level 0; one step is the widest feature's (widened) range /
 * 255 (a shared step keeps |qx - qg| a plain integer distance). Leaves qscale 0 (no codes) below Q8_MIN_LEVELS vectors or when nothing is
 * finite. */
static void choose_levels(struct ig_vidx *ix, const struct relay_src *r, uint32_t n, float *v,
                          double *hi)
{
    uint32_t dim = ix->set.dim;
    ix->qscale = 0;
    if (!ix->q8 || n < Q8_MIN_LEVELS)
        return;
    for (uint32_t f = 0; f < dim; f++) {
        ix->qoff[f] = INFINITY;
        hi[f] = -INFINITY;
    }
    for (uint32_t i = 0; i < n; i++) {
        const float *x = src_row(r, i, dim, v);
        for (uint32_t f = 0; f < dim; f++)
            if (isfinite(x[f])) {
                if (x[f] < ix->qoff[f])
                    ix->qoff[f] = x[f];
                if (x[f] > hi[f])
                    hi[f] = x[f];
            }
    }
    double range = 0.0;
    for (uint32_t f = 0; f < dim; f++) {
        if (!(hi[f] >= ix->qoff[f])) {   /* no finite value */
            ix->qoff[f] = 0.0;
            continue;
        }
        /* room for vectors added before the next re-layout: one beyond the range is
         * clamped, and its error (several steps) widens the bound of its whole block.
         * A tenth of the range each side: on the figure-1 gRPC capture (N(0, 1) inputs)
         * float32 blocks scanned after the int8 pass fell 303,587 -> 218,208 (5 % and
         * 20 %: 239,377 and 218,446; 30 %: 231,692); any levels give the same answers */
        double room = 0.1 * (hi[f] - ix->qoff[f]);
        ix->qoff[f] -= room;
        hi[f] += room;
        if (hi[f] - ix->qoff[f] > range)
            range = hi[f] - ix->qoff[f];
    }
    ix->qscale = range > 0 && isfinite(range) ? range / 255.0 : 1.0;
    if (!(ix->qscale > 0) || !isfinite(1.0 / ix->qscale))
        ix->qscale = 0;   /* denormal range: no codes */
}

static uint32_t new_block(struct ig_vidx *ix, uint32_t p)
{
    uint32_t b = ix->nblocks++;
    ix->set.count = ix->nblocks * IG_VSET_BLOCK;
    struct ig_vblock *B = &ix->blk[b];
    B->rmin = INFINITY;
    B->rmax = 0.0f;
    B->err = 0.0f;
    B->qerr = 0.0f;
    B->piv = p;
    B->fill = 0;
    B->next = NONE;
    if (p != NONE) {
        B->next = ix->phead[p];
        ix->phead[p] = b;
        ix->popen[p] = b;
    }
    return b;
}

/* Stores <x> with insertion number <id> near pivot <p> (NONE without pivots): p's open
 * block, else a new block, else (capacity spent on partial blocks) the partial block whose
 * pivot is nearest. A block's ring is always measured to its own pivot. */
static void place(struct ig_vidx *ix, const float *x, uint32_t id, uint32_t p)
{
    uint32_t b = NONE;
    if (p == NONE) {
        if (ix->nblocks && ix->blk[ix->nblocks - 1].fill < IG_VSET_BLOCK)
            b = ix->nblocks - 1;
    } else if (ix->popen[p] != NONE && ix->blk[ix->popen[p]].fill < IG_VSET_BLOCK) {
        b = ix->popen[p];
    }
    if (b == NONE && ix->nblocks < ix->cap / IG_VSET_BLOCK)
        b = new_block(ix, p);
    if (b == NONE) {
        /* rare: only when every block is taken; dq holds x's pivot distances */
        float bestd = INFINITY;
        for (uint32_t i = 0; i < ix->nblocks; i++) {
            if (ix->blk[i].fill >= IG_VSET_BLOCK)
                continue;
            uint32_t q = ix->blk[i].piv;
            float d = q == NONE ? 0.0f : ix->dq[q];
            if (b == NONE || d < bestd) {
                b = i;
                bestd = d;
            }
        }
    }
    struct ig_vblock *B = &ix->blk[b];
    uint32_t slot = b * IG_VSET_BLOCK + B->fill++;
    ig_vset_put(&ix->set, slot, x);
    if (ix->flags & IG_VIDX_SHADOW) {
        /* how far the bf16 copy is from the vector: widens the bound taken from it */
        ig_vset_put(&ix->shadow, slot, x);
        ig_vset_get(&ix->shadow, slot, ix->vtmp);
        double e = 0.0;
        for (uint32_t f = 0; f < ix->set.dim; f++) {
            double t = (double)x[f] - ix->vtmp[f];
            e += t * t;
        }
        float ef = nextafterf((float)sqrt(e), INFINITY);
        if (ef > B->err)
            B->err = ef;
    }
    /* the vector as stored: x itself in a float32 set (no read-back from the blocked
     * layout, a strided gather of dim values), else widened from bf16 */
    const float *g = x;
    if (ix->set.elem != IG_VSET_F32 && (ix->qscale > 0 || B->piv != NONE)) {
        ig_vset_get(&ix->set, slot, ix->vtmp);
        g = ix->vtmp;
    }
    if (ix->qscale > 0) {
        B->qerr = fmaxf(B->qerr, put_codes(ix, slot, g));
        ix->qerr_max = fmaxf(ix->qerr_max, B->qerr);
    }
    ix->id[slot] = id;
    ix->slot[id] = slot;
    ix->n++;
    if (B->piv != NONE) {
        float r = (float)pivot_dist(ix, g, B->piv);
        /* rounding the double to float must not shrink rmax nor grow rmin */
        float up = nextafterf(r, INFINITY), dn = nextafterf(r, 0.0f);
        if (dn < B->rmin)
            B->rmin = dn;
        if (up > B->rmax)
            B->rmax = up;
        if (up > ix->pmax[B->piv])
            ix->pmax[B->piv] = up;
    }
}

static uint32_t nearest_pivot(struct ig_vidx *ix, const float *x)
{
    int32_t a = -1;
    ig_kern()->l2sq_all(&ix->piv, x, ix->dq);
    float m = INFINITY;
    for (uint32_t k = 0; k < ix->npiv; k++)
        if (ix->dq[k] < m || a < 0) {
            m = ix->dq[k];
            a = (int32_t)k;
        }
    for (uint32_t k = 0; k < ix->npiv; k++)
        ix->dq[k] = sqrtf(ix->dq[k]);
    return (uint32_t)a;
}

/* The re-layout's scratch: one block per thread, grown to the largest asked for (a power
 * of two) and kept, so that growing an index costs no heap call for it. Freed when the
 * thread ends (the key's destructor). */
static _Thread_local struct { void *p; size_t n; } tl_scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_key_make(void)
{
    (void)pthread_key_create(&scratch_key, free);
}

static void *relayout_scratch(size_t n)
{
    if (n <= tl_scratch.n)
        return tl_scratch.p;
    size_t want = 4096;
    while (want < n)
        want *= 2;
    free(tl_scratch.p);
    tl_scratch.p = aligned_alloc(64, want);
    tl_scratch.n = tl_scratch.p ? want : 0;
    (void)pthread_once(&scratch_once, scratch_key_make);
    (void)pthread_setspecific(scratch_key, tl_scratch.p);
    return tl_scratch.p;
}

/* An index's vectors re-laid at most this large (bytes of their float32 copy) are first
 * copied into the thread's scratch, so the index grows by one ig_blk_realloc (the block
 * pool; past 1 MiB the heap's realloc, which remaps large blocks) or, at the same
 * capacity, with no allocation at all;
 * larger ones (a few per client at most, d = 784 from 320 vectors) are re-laid from the
 * old index into a new block, which costs its allocation and the old one's free, and keep
 * no copy of that size per thread. */
#define VIDX_COPY_MAX (1u << 20)

/* Scratch of one re-layout of <n> vectors with <K> pivots, laid out (or, base NULL,
 * measured) from c->off on. */
struct relay_tmp { double *sum, *hi; float *v; uint32_t *asg, *sorted, *cnt; };

static void take_tmp(struct carve *c, struct relay_tmp *t, uint32_t n, uint32_t K, uint32_t dim)
{
    t->sum = take(c, (size_t)(K ? K : 1) * dim * sizeof(double), 64);
    t->hi = take(c, (size_t)dim * sizeof(double), 16);
    t->v = take(c, (size_t)dim * sizeof(float), 64);
    t->asg = take(c, (size_t)n * sizeof(uint32_t), 16);
    t->sorted = take(c, (size_t)n * sizeof(uint32_t), 16);
    t->cnt = take(c, (size_t)(K + 1) * sizeof(uint32_t), 16);
}

/* Re-lays <n> vectors from <r> into the empty <ix>: K pivots from a strided sample, one
 * k-means step, then bucket by bucket so that each bucket's blocks are tight. */
static void relayout(struct ig_vidx *ix, const struct relay_src *r, uint32_t n, struct relay_tmp *t)
{
    uint32_t dim = ix->set.dim, K = ix->maxpiv < n ? ix->maxpiv : n;
    ix->laid_n = n;
    if (n == 0)
        return;
    double *sum = t->sum;
    float *v = t->v;
    uint32_t *asg = t->asg, *sorted = t->sorted, *cnt = t->cnt;
    memset(sum, 0, (size_t)(K ? K : 1) * dim * sizeof(double));
    memset(cnt, 0, (K + 1) * sizeof(uint32_t));
    choose_levels(ix, r, n, v, t->hi);
    if (K == 0) {
        for (uint32_t i = 0; i < n; i++)
            place(ix, src_row(r, i, dim, v), src_id(r, i), NONE);
        return;
    }
    for (uint32_t k = 0; k < K; k++)
        add_pivot(ix, src_row(r, (uint32_t)((uint64_t)k * n / K), dim, v));
    const struct ig_kern_ops *kern = ig_kern();
    for (uint32_t i = 0; i < n; i++) {
        int32_t a;
        const float *x = src_row(r, i, dim, v);
        kern->l2sq_min(&ix->piv, x, &a);
        if (a < 0)
            a = 0;
        cnt[a]++;
        for (uint32_t f = 0; f < dim; f++)
            sum[(size_t)a * dim + f] += x[f];
    }
    for (uint32_t k = 0; k < K; k++) {
        if (!cnt[k])
            continue;
        for (uint32_t f = 0; f < dim; f++)
            v[f] = (float)(sum[(size_t)k * dim + f] / cnt[k]);
        ig_vset_put(&ix->piv, k, v);
    }
    memset(cnt, 0, (K + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) {
        int32_t a;
        kern->l2sq_min(&ix->piv, src_row(r, i, dim, v), &a);
        asg[i] = a < 0 ? 0 : (uint32_t)a;
        cnt[asg[i] + 1]++;
    }
    /* counting sort by pivot, stable in slot order */
    for (uint32_t k = 0; k < K; k++)
        cnt[k + 1] += cnt[k];
    for (uint32_t i = 0; i < n; i++)
        sorted[cnt[asg[i]]++] = i;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t o = sorted[i];
        const float *x = src_row(r, o, dim, v);
        if (ix->nblocks == ix->cap / IG_VSET_BLOCK)
            nearest_pivot(ix, x);   /* dq for place()'s fallback */
        place(ix, x, src_id(r, o), asg[o]);
    }
}

/* The counters a new layout <nx> takes over from the index <ix> it replaces: the benches'
 * pruning rates and the running share that picks the int8 pass over the pivots. */
static void keep_counters(struct ig_vidx *nx, const struct ig_vidx *ix)
{
    nx->queries = ix->queries;
    nx->blocks_scanned = ix->blocks_scanned;
    nx->blocks_total = ix->blocks_total;
    nx->shadow_scanned = ix->shadow_scanned;
    nx->q8_scanned = ix->q8_scanned;
    nx->q8_listed = ix->q8_listed;
}

/* Growth of an index that has neither pivots nor codes before or after (capacity below
 * 512): a re-layout would put every vector back in its own slot (without pivots, blocks
 * fill in insertion order) and measure the same block fields again, so the used blocks,
 * their fields and the slot maps move as they are (one copy each way through the thread's
 * scratch) instead of being re-laid vector by vector. Same result; unchanged on IG_ENOMEM. */
static int grow_flat(struct ig_vidx *ix, uint32_t cap)
{
    const uint32_t n = ix->n, dim = ix->set.dim, nb = ix->nblocks;
    const enum ig_vset_elem elem = (enum ig_vset_elem)ix->set.elem;
    const unsigned flags = ix->flags;
    const size_t vb = ig_vset_bytes_ex(dim, nb * IG_VSET_BLOCK, elem);
    const size_t hb = flags & IG_VIDX_SHADOW ? ig_vset_bytes_ex(dim, nb * IG_VSET_BLOCK, IG_VSET_BF16) : 0;
    const size_t bb = (size_t)nb * sizeof(struct ig_vblock), mb = (size_t)n * sizeof(uint32_t);
    struct carve c = { NULL, 0 };
    uint8_t *tv = NULL, *th = NULL, *tb = NULL, *ti = NULL, *ts = NULL;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !(c = (struct carve){ relayout_scratch(c.off), 0 }).base)
            return IG_ENOMEM;
        tv = take(&c, vb, 64);
        th = take(&c, hb, 64);
        tb = take(&c, bb, 16);
        ti = take(&c, mb, 16);
        ts = take(&c, mb, 16);
    }
    memcpy(tv, ix->set.data, vb);
    if (hb)
        memcpy(th, ix->shadow.data, hb);
    memcpy(tb, ix->blk, bb);
    memcpy(ti, ix->id, mb);
    memcpy(ts, ix->slot, mb);
    struct ig_vidx sz = { .maxpiv = 0 };
    void *raw = ig_blk_realloc(ix->mem, alloc_bytes(&sz, dim, cap, elem, flags));
    if (!raw)
        return IG_ENOMEM;   /* the block realloc leaves is the index, unchanged */
    struct ig_vidx nx;
    init_at(&nx, raw, dim, cap, elem, flags);
    memcpy(nx.set.data, tv, vb);
    if (hb)
        memcpy(nx.shadow.data, th, hb);
    memcpy(nx.blk, tb, bb);
    memcpy(nx.id, ti, mb);
    memcpy(nx.slot, ts, mb);
    nx.nblocks = nb;
    nx.set.count = nb * IG_VSET_BLOCK;
    nx.n = n;
    nx.laid_n = n;
    keep_counters(&nx, ix);
    *ix = nx;
    return IG_OK;
}

/* A fresh layout at capacity <cap> (>= the current one); unchanged on IG_ENOMEM. */
static int rebuild(struct ig_vidx *ix, uint32_t cap)
{
    const uint32_t n = ix->n, dim = ix->set.dim;
    const enum ig_vset_elem elem = (enum ig_vset_elem)ix->set.elem;
    const unsigned flags = ix->flags;
    cap = round_cap(cap);
    uint32_t K = max_pivots(cap);
    K = K < n ? K : n;
    const size_t copy = (size_t)n * dim * sizeof(float);
    const bool in_place = copy <= VIDX_COPY_MAX;
    if (in_place && cap > ix->cap && max_pivots(cap) == 0 && !q8_on(dim, cap, flags))
        return grow_flat(ix, cap);
    /* the thread's scratch: the used slots, the copy (in place), the re-layout's arrays */
    struct carve c = { NULL, 0 };
    uint32_t *slot;
    float *rows = NULL;
    uint32_t *ids = NULL;
    struct relay_tmp t;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !(c = (struct carve){ relayout_scratch(c.off), 0 }).base)
            return IG_ENOMEM;
        slot = take(&c, (size_t)n * sizeof(uint32_t), 16);
        if (in_place) {
            rows = take(&c, copy, 64);
            ids = take(&c, (size_t)n * sizeof(uint32_t), 16);
        }
        take_tmp(&c, &t, n, K, dim);
    }
    uint32_t j = 0;
    for (uint32_t s = 0; s < ix->set.count; s++)
        if (s % IG_VSET_BLOCK < ix->blk[s / IG_VSET_BLOCK].fill)
            slot[j++] = s;
    struct ig_vidx nx;
    if (in_place) {
        for (uint32_t i = 0; i < n; i++) {
            ig_vset_get(&ix->set, slot[i], rows + (size_t)i * dim);
            ids[i] = ix->id[slot[i]];
        }
        void *raw = ix->mem;
        if (cap != ix->cap) {
            struct ig_vidx sz = { .maxpiv = max_pivots(cap) };
            if (!(raw = ig_blk_realloc(ix->mem, alloc_bytes(&sz, dim, cap, elem, flags))))
                return IG_ENOMEM;   /* the block realloc leaves is the index, unchanged */
        }
        init_at(&nx, raw, dim, cap, elem, flags);
        relayout(&nx, &(struct relay_src){ .rows = rows, .ids = ids }, n, &t);
    } else {
        int rc = alloc_empty(&nx, dim, cap, elem, flags);
        if (rc != IG_OK)
            return rc;
        relayout(&nx, &(struct relay_src){ .old = ix, .slot = slot }, n, &t);
        release(ix);
    }
    keep_counters(&nx, ix);
    *ix = nx;
    return IG_OK;
}

int ig_vidx_init_rows(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                      unsigned flags, const float *rows, uint32_t n)
{
    cap = round_cap(cap);
    if (n > cap)
        return IG_ECONF;
    uint32_t K = max_pivots(cap);
    K = K < n ? K : n;
    /* the re-layout's arrays and the insertion numbers in the thread's scratch, as rebuild */
    struct carve c = { NULL, 0 };
    uint32_t *ids = NULL;
    struct relay_tmp t;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && !(c = (struct carve){ relayout_scratch(c.off), 0 }).base)
            return IG_ENOMEM;
        ids = take(&c, (size_t)n * sizeof(uint32_t), 16);
        take_tmp(&c, &t, n, K, dim);
    }
    int rc = alloc_empty(ix, dim, cap, elem, flags);
    if (rc != IG_OK)
        return rc;
    for (uint32_t i = 0; i < n; i++)
        ids[i] = i;
    relayout(ix, &(struct relay_src){ .rows = rows, .ids = ids }, n, &t);
    return IG_OK;
}

int ig_vidx_reserve(struct ig_vidx *ix, uint32_t cap)
{
    cap = round_cap(cap);
    if (cap <= ix->cap)
        return IG_OK;
    return rebuild(ix, cap);
}

int ig_vidx_append(struct ig_vidx *ix, const float *x)
{
    if (ix->n >= ix->cap)
        return IG_ELIMIT;
    /* pivots chosen on few vectors go stale as the set grows: re-choose at each doubling
     * (reserve does it when the capacity doubles; this covers sets made at full size) */
    if (ix->maxpiv && ix->n >= 256 && ix->n >= 2 * ix->laid_n)
        (void)rebuild(ix, ix->cap);   /* out of memory: keep the old layout */
    uint32_t p = NONE;
    if (ix->maxpiv) {
        if (ix->npiv == 0)
            add_pivot(ix, x);
        p = nearest_pivot(ix, x);
    }
    place(ix, x, ix->n, p);
    return IG_OK;
}

bool ig_vidx_get(const struct ig_vidx *ix, uint32_t id, float *out)
{
    if (id >= ix->n)
        return false;
    ig_vset_get(&ix->set, ix->slot[id], out);
    return true;
}

/* The exact minimum over the listed blocks. With the bf16 shadow, a block is first
 * measured in bf16 (half the bytes) against the threshold its lanes would need for their
 * float32 distance to reach <best>: |x - g| >= |x - h| - err (h the bf16 copy, err the
 * block's largest |g - h|), with the rounding margin <eps> on both sides; only blocks
 * with a lane under it are scanned in float32. */
static float scan(struct ig_vidx *ix, const struct ig_kern_ops *k, const float *x,
                  const uint32_t *list, uint32_t nl, float best, int32_t *am)
{
    if (!(ix->flags & IG_VIDX_SHADOW) || !(best < INFINITY)) {
        if (!(ix->flags & IG_VIDX_SHADOW) || nl == 0) {
            ix->blocks_scanned += nl;
            return k->l2sq_min_blocks(&ix->set, x, list, nl, best, am);
        }
        /* no minimum yet: the first block in float32 gives one */
        best = k->l2sq_min_blocks(&ix->set, x, list, 1, best, am);
        ix->blocks_scanned++;
        list++;
        nl--;
    }
    const double eps = (ix->set.dim + 8) * 0x1p-22;
    const double tiny = ix->set.dim * 0x1p-126;
    for (uint32_t i = 0; i < nl; i++) {
        uint32_t b = list[i];
        double r = sqrt(((double)best + tiny) / (1 - eps)) + ix->blk[b].err;
        float thr = nextafterf((float)((1 + eps) * r * r), INFINITY);
        int32_t hit = -1;
        k->l2sq_min_blocks(&ix->shadow, x, &b, 1, thr, &hit);
        ix->shadow_scanned++;
        if (hit < 0)
            continue;   /* every lane's float32 distance exceeds best */
        best = k->l2sq_min_blocks(&ix->set, x, &b, 1, best, am);
        ix->blocks_scanned++;
    }
    return best;
}

int32_t ig_q8_query_levels(const struct ig_kern_ops *k, const float *x, const double *off,
                           uint32_t dim, double step, uint8_t *qx, int32_t *sum, double *err2)
{
    if (!k->q8_even)
        return k->q8_levels(x, off, dim, 1.0 / step, step, qx, sum, err2);
    /* levels of step 2 s by the kernel (bit-identical on every path), then doubled */
    const double s2 = 2 * step, inv2 = 1.0 / s2;
    int32_t n = k->q8_levels(x, off, dim, inv2, s2, qx, sum, err2);
    uint8_t top = 0;
    for (uint32_t f = 0; f < dim; f++)
        top |= qx[f];
    if (top & 0x80) {
        /* a level above 127 (a value at the top of the range or beyond): clamped, and the
         * error of every feature again in the kernel's order (rare; plain C, the same on
         * every path) */
        double e[4] = { 0 };
        n = 0;
        *sum = 0;
        for (uint32_t f = 0; f < dim; f++) {
            double xo = (double)x[f] - off[f];
            double t = xo * inv2;
            t = t > 0.0 ? t : 0.0;
            t = t < 127.0 ? t : 127.0;
            int l = (int)(t + 0.5);
            double r = xo - s2 * l;
            e[f % 4] += r * r;
            qx[f] = (uint8_t)l;
            n += l * l;
            *sum += l;
        }
        *err2 = (e[0] + e[1]) + (e[2] + e[3]);
    }
    for (uint32_t f = 0; f < dim; f++)
        qx[f] = (uint8_t)(2 * qx[f]);
    *sum *= 2;
    return 4 * n;
}

/* The query's levels into ix->qx (ig_q8_query_levels: even ones where the path's q8
 * kernels want them); false when x is not finite (then no prefilter). */
static bool q8_query(struct ig_vidx *ix, const struct ig_kern_ops *k, const float *x, int32_t *c,
                     double *ex)
{
    const uint32_t dim = ix->set.dim;
    if (!ig_kern_finite(x, dim))
        return false;
    int32_t sx;
    double e2;
    int32_t nx = ig_q8_query_levels(k, x, ix->qoff, dim, ix->qscale, ix->qx, &sx, &e2);
    /* in [-16384 dim, 0]; nx <= 64516 dim and sx <= 254 dim fit int32 for dim <= IG_Q8_MAXDIM */
    *c = nx - 256 * sx;
    *ex = q8_slack(ix, sqrt(e2));
    return isfinite(*ex);
}

/* Whether block <b> with smallest integer distance <I> can hold a lane whose float32
 * distance is <= best, given r = sqrt((best + tiny) / (1 - eps)): by the bound of vidx.h,
 * s sqrt(I) - e_x - e_b <= |x - g|, so it cannot when s^2 I > (r + e_x + e_b)^2. */
static inline bool q8_may(const struct ig_vidx *ix, uint32_t b, int32_t I, double r, double ex)
{
    double rb = r + ex + ix->blk[b].qerr;
    return ix->qscale * ix->qscale * (double)I <= rb * rb * (1 + 1e-9);
}

/* The exact minimum over the listed blocks, folded into <best>: all of them measured in
 * int8 at once, then scanned in float32 only while their bound may reach the minimum,
 * the smallest integer distance first (it usually holds the minimum, which then rules
 * out the rest). <list> is reordered. */
static float q8_scan(struct ig_vidx *ix, const struct ig_kern_ops *k, const float *x,
                     uint32_t *list, uint32_t nl, float best, int32_t *am, int32_t c, double ex)
{
    if (nl == 0)
        return best;
    /* eps and tiny as in ig_vidx_l2sq_min, plus the double arithmetic of the bounds */
    const double eps = (ix->set.dim + 8) * 0x1p-22 + 1e-9;
    const double tiny = ix->set.dim * 0x1p-126;
    const double s2 = ix->qscale * ix->qscale;
    int32_t *qm = ix->qmin;
    k->q8_min_blocks(ix->q8, ix->qgroups, ix->qnorm, ix->qx, c, list, nl, qm);
    ix->q8_scanned += nl;
    float done = NAN;   /* best when the list was last narrowed */
    for (;;) {
        if (best < INFINITY && !(best == done)) {
            /* keep the blocks that may still hold the minimum: an integer cut with the
             * largest block error first (cheap, a superset), then each block's own bound */
            double r = sqrt(((double)best + tiny) / (1 - eps));
            double t = (r + ex + ix->qerr_max) * (r + ex + ix->qerr_max) * (1 + 1e-9) / s2;
            int32_t cut = t < 0x1p30 ? (int32_t)t + 1 : INT32_MAX - 1;
            uint32_t m = 0;
            for (uint32_t i = 0; i < nl; i++)
                if (qm[i] <= cut && q8_may(ix, list[i], qm[i], r, ex)) {
                    list[m] = list[i];
                    qm[m++] = qm[i];
                }
            nl = m;
            done = best;
        }
        if (nl == 0)
            return best;
        /* the smallest integer distance left */
        uint32_t at = 0;
        for (uint32_t i = 1; i < nl; i++)
            if (qm[i] < qm[at])
                at = i;
        uint32_t b = list[at];
        list[at] = list[--nl];
        qm[at] = qm[nl];
        best = k->l2sq_min_blocks(&ix->set, x, &b, 1, best, am);
        ix->blocks_scanned++;
    }
}

float ig_vidx_l2sq_min(struct ig_vidx *ix, const struct ig_kern_ops *k, const float *x,
                       int32_t *argmin)
{
    int32_t am = -1;
    float best = INFINITY;
    uint32_t nl = 0;
    ix->queries++;
    ix->blocks_total += ix->nblocks;
    if (ix->n == 0) {
        if (argmin)
            *argmin = -1;
        return INFINITY;
    }
    int32_t qc = 0;
    double ex = 0;
    const bool q8 = ix->qscale > 0 && q8_query(ix, k, x, &qc, &ex);
#define SCAN(list, nl) (q8 ? q8_scan(ix, k, x, list, nl, best, &am, qc, ex) \
                           : scan(ix, k, x, list, nl, best, &am))
    /* Where the pivot bounds leave most blocks anyway (uniform data in high dimension),
     * measuring every block in int8 in one pass is cheaper than bounding them: then only
     * every 64th query goes through the pivots, to notice when they prune again. */
    bool flat = q8 && ix->npiv && ix->q8_listed > 0.5f && (ix->q8_ctr++ & 63) != 0;
    uint64_t q0 = ix->q8_scanned;
    if (ix->npiv == 0 || flat) {
        for (uint32_t b = 0; b < ix->nblocks; b++)
            ix->list[nl++] = b;
        best = SCAN(ix->list, nl);
    } else {
        k->l2sq_all(&ix->piv, x, ix->dq);
        uint32_t p0 = 0;
        for (uint32_t p = 1; p < ix->npiv; p++)
            if (ix->dq[p] < ix->dq[p0])
                p0 = p;
        /* relative margin for float32 rounding of the pivot distances and of the block
         * sums (at most about 2(d + 1) ulps), four times over; absolute for underflow */
        const double eps = (ix->set.dim + 8) * 0x1p-22;
        const double tiny = ix->set.dim * 0x1p-126;
        /* first the one block of the nearest pivot with the lowest bound: a good minimum
         * early lets the bounds rule out most of the rest, that bucket's blocks too */
        double dq0 = sqrt((double)ix->dq[p0]), lb0 = INFINITY;
        uint32_t b0 = NONE;
        for (uint32_t b = ix->phead[p0]; b != NONE; b = ix->blk[b].next) {
            const struct ig_vblock *B = &ix->blk[b];
            double lb = dq0 - B->rmax;
            if (B->rmin - dq0 > lb)
                lb = B->rmin - dq0;
            if (b0 == NONE || lb < lb0) {
                lb0 = lb;
                b0 = b;
            }
        }
        if (b0 != NONE) {
            best = SCAN(&b0, 1);
        }
        for (uint32_t i = 0; i < ix->npiv; i++) {
            uint32_t p = i == 0 ? p0 : (i == p0 ? 0 : i);
            double dq = sqrt((double)ix->dq[p]);
            bool bounded = isfinite(dq);   /* an overflowed distance bounds nothing */
            double lbp = dq - ix->pmax[p] - eps * (dq + ix->pmax[p]);
            if (bounded && lbp > 0 && lbp * lbp * (1 - eps) > (double)best + tiny)
                continue;
            nl = 0;
            for (uint32_t b = ix->phead[p]; b != NONE; b = ix->blk[b].next) {
                const struct ig_vblock *B = &ix->blk[b];
                if (b == b0)
                    continue;
                double lb = dq - B->rmax;
                if (B->rmin - dq > lb)
                    lb = B->rmin - dq;
                lb -= eps * (dq + B->rmax);
                if (bounded && lb > 0 && lb * lb * (1 - eps) > (double)best + tiny)
                    continue;
                ix->list[nl++] = b;
            }
            /* pivot by pivot: each minimum found tightens the bounds of the next */
            best = SCAN(ix->list, nl);
        }
        if (q8) {
            ix->q8_listed = 0.8f * ix->q8_listed +
                            0.2f * (float)(ix->q8_scanned - q0) / (float)ix->nblocks;
        }
    }
#undef SCAN
    if (argmin)
        *argmin = am >= 0 ? (int32_t)ix->id[am] : -1;
    return best;
}
