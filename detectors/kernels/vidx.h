/* Pruned exact nearest-neighbour search over a growing vector set (PRADA's G_c).
 *
 * The vectors live in an ig_vset whose blocks are grouped by pivot: every block belongs to
 * one pivot p and keeps the smallest and largest distance rmin, rmax of its vectors to p.
 * For a query x, the triangle inequality bounds every vector g of the block from below:
 *     |x - g| >= max(|x - p| - rmax, rmin - |x - p|)
 * so a query computes |x - p| for the K pivots (one SIMD scan of K vectors), scans the
 * blocks of its nearest pivot first, then only the blocks whose bound is below the best
 * distance so far, with l2sq_min_blocks abandoning a block once all its 16 partial sums
 * exceed that best. Bounds carry a margin of 4(d + 8) float ulps for the rounding of the
 * float32 sums, so a block is skipped only when none of its computed distances could be
 * below or equal to the minimum: the result is bit-identical to l2sq_min over the same
 * vectors on the same kernel path (the tests check it on every path).
 *
 * Pivots are chosen when capacity grows (ig_vidx_reserve) or the count doubles: a strided
 * sample of the stored vectors refined by one k-means step, K about sqrt(cap) (none below
 * a capacity of 512: every block is scanned, and growing moves the blocks as they are);
 * vectors are re-laid out bucket by bucket. Between growths a new vector joins
 * the open block of its nearest pivot. Clustered data (natural inputs) prunes well; data
 * uniform in high dimension does not (every block's bound falls below the minimum) and
 * costs one full scan plus the K pivot distances.
 *
 * IG_VIDX_Q8 adds an int8 prefilter for the data pivots cannot prune: every vector also
 * kept as 8-bit levels g' = o + s * q (per-feature offset o, one step s for all features,
 * chosen from the stored vectors at each re-layout), with e_g = |g - g'| kept per block as
 * the largest of its vectors. Then for a query x (levels qx, e_x = |x - x'|)
 *     s |qx - qg| - e_x - e_g  <=  |x - g|  <=  s |qx - qg| + e_x + e_g,
 * and |qx - qg|^2 is an exact integer (one VNNI vpdpbusd per 4 features of 16 vectors;
 * on AVX2 the query's levels are even ones, ig_q8_query_levels, multiplied a register of
 * 8 vectors x 4 features at a time: e_x at most doubles, the stored levels are kept).
 * Pivot by pivot, the blocks the bounds leave are measured in int8 (a quarter of the
 * bytes) and scanned in float32 only while their lower bound can still reach the minimum,
 * the smallest integer distance first; each minimum found tightens the pivot bounds of
 * the next (where levels are coarse next to the distances, as on a line, the pivots still
 * do the pruning). Where the pivot bounds leave
 * most blocks anyway (a running share above half), 63 of 64 queries skip them and measure
 * every block in int8. With the same float margins as above the answer is still
 * bit-identical to l2sq_min's on the same path; uniform data in d = 64 then scans a
 * handful of float32 blocks instead of all.
 *
 * Slots are not insertion order: argmin reports the insertion number (0-based). Free
 * lanes hold +inf and never win. An index is used by one thread at a time (its query
 * scratch lives inside it). No allocation except in init/reserve, and there one: the
 * block grown by realloc (the vectors are copied to the thread's re-layout scratch first
 * and re-laid from there); past 1 MiB of vectors (float32) a new block and the old one's
 * free instead, so that no thread keeps a copy that large. */
#ifndef IG_VIDX_H
#define IG_VIDX_H

#include "kernels.h"

struct ig_vblock {
    float    rmin, rmax;  /* distances of its vectors to its pivot */
    uint32_t piv;         /* pivot number */
    uint32_t next;        /* next block of the same pivot, UINT32_MAX ends */
    uint32_t fill;        /* lanes used */
    float    err;         /* shadow only: largest |g - bf16(g)| of its vectors */
    float    qerr;        /* Q8 only: largest |g - g'| of its vectors (rounded up) */
};

struct ig_vidx {
    void    *mem;         /* the one allocation every array below lives in (vidx.c alloc_empty) */
    struct ig_vset set;   /* set.count = 16 * blocks in use; free lanes +inf */
    struct ig_vset shadow; /* IG_VIDX_SHADOW: bf16 copy of set, same slots */
    unsigned flags;
    uint32_t n, cap;      /* vectors held; most it holds (a multiple of 16) */
    uint32_t nblocks;
    uint32_t *id;         /* slot -> insertion number */
    uint32_t *slot;       /* insertion number -> slot */
    struct ig_vblock *blk;
    struct ig_vset piv;   /* pivots, float32 */
    uint32_t npiv, maxpiv;
    uint32_t laid_n;      /* vectors when the pivots were chosen */
    float    *pmax;       /* per pivot: largest rmax of its blocks */
    uint32_t *phead, *popen; /* per pivot: first block, block open for appends */
    float    *dq;         /* scratch: squared distances to the pivots */
    uint32_t *list;       /* scratch: blocks to scan */
    float    *vtmp;       /* scratch: one vector */
    uint64_t queries, blocks_scanned, blocks_total; /* for benches: pruning rate */
    uint64_t shadow_scanned;                        /* blocks measured in bf16 first */
    /* IG_VIDX_Q8: codes (kernels.h IG_Q8_AT; free lanes level 0), squared level norms per
     * slot (free lanes 2^30: never the minimum), level 0 per feature and the step; qscale
     * is 0 while the vectors have no codes yet (until a re-layout of 128 or more vectors at
     * a capacity of 512 or more). */
    int8_t   *q8;
    int32_t  *qnorm;
    double   *qoff;
    double    qscale;
    uint32_t  qgroups;
    uint8_t  *qx;         /* scratch: the query's levels, qgroups * 4 */
    int32_t  *qmin;       /* scratch: per listed block, its smallest integer distance */
    uint32_t *cand;       /* scratch: blocks measured in int8 for this query */
    int32_t  *cmin;       /* scratch: their smallest integer distances */
    float     qerr_max;   /* largest qerr of any block */
    float     q8_listed;  /* running share of blocks the pivot bounds leave (q8 queries) */
    uint32_t  q8_ctr;     /* q8 queries: every 64th measures q8_listed */
    uint64_t q8_scanned;  /* blocks measured in int8 */
};

/* IG_VIDX_SHADOW (float32 sets only): keep a bfloat16 copy too (half again the bytes).
 * Blocks the pivot bounds cannot rule out are measured in bf16 first, and scanned in
 * float32 only when the bf16 distance, widened by the block's rounding error, could reach
 * the minimum: on data that prunes badly (uniform in high dimension) the scan reads about
 * half the bytes, and the answer is still exactly the float32 one. */
#define IG_VIDX_SHADOW 1u

/* IG_VIDX_Q8: keep int8 codes too (a quarter again of a float32 set's bytes, plus 8 bytes
 * per vector) and measure blocks in int8 before float32; exact as above. Ignored when
 * dim > IG_Q8_MAXDIM, and below a capacity of 512 vectors, where codes are never made
 * (then nothing is kept or charged). */
#define IG_VIDX_Q8 2u

/* Bytes held by an index of capacity <cap> (rounded up to a block): what the caller
 * charges to its memory budget. Rebuilding on growth also takes 8 * cap + 12 * K * dim
 * bytes and a float32 copy of the vectors (up to 1 MiB) from the thread's scratch, which
 * the thread keeps at the largest size used; so does an append that doubles the count (at
 * most log2(cap / 128) times in the index's life). */
size_t ig_vidx_bytes(uint32_t dim, uint32_t cap, enum ig_vset_elem elem);
size_t ig_vidx_bytes_ex(uint32_t dim, uint32_t cap, enum ig_vset_elem elem, unsigned flags);
/* IG_OK, IG_ECONF (dim 0, bad elem, shadow of a bf16 set) or IG_ENOMEM. */
int    ig_vidx_init(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem);
int    ig_vidx_init_ex(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                       unsigned flags);
/* Grows to <cap> and re-chooses the pivots; contents and insertion numbers kept. On
 * IG_ENOMEM the index is unchanged. */
int    ig_vidx_reserve(struct ig_vidx *ix, uint32_t cap);
void   ig_vidx_free(struct ig_vidx *ix);
/* An index of capacity <cap> holding the <n> (<= cap) row-major vectors <rows> (values as
 * stored), insertion numbers 0 .. n - 1: the same index, bit for bit, as one that held
 * them in a smaller capacity without pivots and grew to <cap> (ig_vidx_reserve). IG_OK,
 * IG_ECONF or IG_ENOMEM (then *ix is zeroed, nothing to free). */
int    ig_vidx_init_rows(struct ig_vidx *ix, uint32_t dim, uint32_t cap, enum ig_vset_elem elem,
                         unsigned flags, const float *rows, uint32_t n);
/* Stores <x> (rounded to bf16 for such sets). IG_ELIMIT when full. */
int    ig_vidx_append(struct ig_vidx *ix, const float *x);
/* Minimum squared L2 from <x> to the stored vectors with kernel path <k>: equal to
 * k->l2sq_min on a set of the same vectors; *argmin (may be NULL) gets the insertion
 * number of a vector at that distance (the lowest-slot one on ties), -1 when empty or
 * every distance is NaN (then +inf). */
float  ig_vidx_l2sq_min(struct ig_vidx *ix, const struct ig_kern_ops *k, const float *x,
                        int32_t *argmin);
/* A query's levels for the int8 prefilter (g' = off + step * level as q8_levels). On paths
 * with k->q8_even (AVX2, whose q8 kernels take even levels in ~60 % of the instructions)
 * even ones: the nearest multiple of 2 step, at most 254 (the query's own error |x - x'|
 * at most doubles, the stored vectors keep their levels); elsewhere k->q8_levels's own.
 * Writes dim levels into qx, their sum into *sum and the squared error into *err2 (the
 * kernel's order of additions); returns the sum of the squared levels. The same bits on
 * every path of the same kind; the minimum found is the same on all. */
int32_t ig_q8_query_levels(const struct ig_kern_ops *k, const float *x, const double *off,
                           uint32_t dim, double step, uint8_t *qx, int32_t *sum, double *err2);
/* Stored vector number <id> (insertion order) into <out>; false when absent. O(dim). */
bool   ig_vidx_get(const struct ig_vidx *ix, uint32_t id, float *out);

#endif
