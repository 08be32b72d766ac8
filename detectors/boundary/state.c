/* adversarial.boundary, state.c: a client's state, its memory charges and the recent ring. */
#include "boundary.h"

void bd_state_free(struct bd_global *g, struct bd_state *st)
{
    if (!st)
        return;
    g->mem_ops->uncharge(g->mem, st->bytes);
    ig_vset_free(&st->ring);
    free(st->early);
    ig_blk_free(st->rel_row);   /* the relations' block (the detectors' block pool) */
    free(st->star_last);   /* the stars' block */
    free(st->pcen);
    free(st->nzp);
    free(st->box);
    free(st);
}

struct make_ctx { const struct bd_params *p; uint32_t dim; };

static bool rel_on(const struct bd_params *p, uint32_t dim)
{
    return dim <= p->rel_max_dim;
}

/* Raw inputs kept: REL_N up to 64 features, then ~2k values (at least 8 inputs), so a wide
 * row costs about what a 64-feature one does. */
static uint32_t rel_slots(uint32_t dim)
{
    uint32_t n = dim <= 64 ? REL_N : 2048 / dim;
    return n < 8 ? 8 : n > REL_N ? REL_N : n;
}

/* The relations' slots, one block: the 8-byte arrays, the inputs, the 4-byte arrays, the
 * 2-byte ones (each <cap> long), so every array stays aligned. */
static size_t rel_block_bytes(uint32_t dim, uint32_t cap)
{
    return (size_t)cap * (3 * 8 + (size_t)dim * 4 + 6 * 4 + 2 * 2 + 1);
}

/* Makes the block for <cap> slots, the first <old> of each array copied from the current
 * one (the rest zero); false when out of memory (the state unchanged). */
static bool rel_block(struct bd_state *st, uint32_t cap)
{
    uint32_t dim = st->dim, old = st->rel_cap;
    /* the first block (an idle client's) from the heap as before; grown ones from the
     * detectors' block pool: no heap call per doubling (ig_blk_free takes either) */
    uint8_t *b = cap > REL_FIRST ? ig_blk_calloc(rel_block_bytes(dim, cap)) : calloc(1, rel_block_bytes(dim, cap));
    if (!b)
        return false;
    struct bd_state o = *st;
#define ARR(field, n) do { st->field = (void *)b;                                           \
                           if (old) memcpy(b, o.field, (size_t)old * (n) * sizeof(*o.field)); \
                           b += (size_t)cap * (n) * sizeof(*o.field); } while (0)
    ARR(rel_row, 1); ARR(rel_par_row, 1); ARR(rel_kid_row, 1);
    ARR(rel, dim);
    ARR(rel_lab, 1); ARR(rel_margin, 1); ARR(rel_child, 1); ARR(rel_req, 1); ARR(rel_quant, 1);
    ARR(rel_u, 1);
    ARR(rel_par, 1); ARR(rel_kid, 1);
    ARR(rel_judged, 1);
#undef ARR
    ig_blk_free(o.rel_row);   /* the old block starts with rel_row */
    st->rel_cap = cap;
    return true;
}

static void *state_make(const void *ctx)
{
    const struct make_ctx *m = ctx;
    struct bd_state *st = calloc(1, sizeof(*st) + (size_t)m->p->recent * sizeof(int32_t));
    if (!st)
        return NULL;
    st->dim = m->dim;
    st->recent_n = m->p->recent;
    st->first_coord = -1;
    st->hv_at = UINT64_MAX;
    if (rel_on(m->p, m->dim)) {
        st->rel_n = rel_slots(m->dim);
        if (!rel_block(st, st->rel_n < REL_FIRST ? st->rel_n : REL_FIRST)) {
            free(st);
            return NULL;
        }
    }
    return st;
}

struct bd_state *bd_state_new(struct bd_global *g, uint32_t dim)
{
    /* every client that sends rows has one: issue #20's 4 KiB an idle client (bench_memory's
     * all_state rows) has ~1 B to spare at 672, so a new field takes a hole or pays for itself */
    _Static_assert(sizeof(struct bd_state) <= 672, "struct bd_state: keep it packed (pahole)");
    uint64_t bytes = sizeof(struct bd_state) + (uint64_t)g->p.recent * 4;
    if (rel_on(&g->p, dim))
        bytes += rel_block_bytes(dim, IG_MIN(rel_slots(dim), REL_FIRST));
    const struct make_ctx m = { &g->p, dim };
    struct bd_state *st = g->mem_ops->alloc(g->mem, bytes, state_make, &m);
    if (!st)
        return NULL;
    st->bytes = bytes;
    st->next_alarm = g->p.min_run;
    return st;
}

/* Charges <n> more bytes to the client's state; false when the budget refuses. */
bool bd_charge_st(struct bd_global *g, struct bd_state *st, uint64_t n)
{
    if (!g->mem_ops->charge(g->mem, n))
        return false;
    st->bytes += n;
    return true;
}

/* bd_rel_room()'s growth (boundary.h): the block doubles, or the ring wraps at the slots it
 * has when the budget or memory refuses. */
void bd_rel_grow(struct bd_global *g, struct bd_state *st)
{
    uint32_t cap = IG_MIN(2 * st->rel_cap, st->rel_n);
    uint64_t more = rel_block_bytes(st->dim, cap) - rel_block_bytes(st->dim, st->rel_cap);
    if (bd_charge_st(g, st, more)) {
        if (rel_block(st, cap))
            return;
        g->mem_ops->uncharge(g->mem, more);
        st->bytes -= more;
    }
    st->rel_n = st->rel_cap;
}

/* The stars' block (bd_stars() keeps none before the client's first sparse step: a star is
 * made from a ring input with two sparse children). Refused: the client keeps no stars. */
static size_t star_block_bytes(uint32_t dim)
{
    return STAR_N * (4 * 8 + 64 * 4 + (size_t)dim * 4);
}

void bd_star_room(struct bd_global *g, struct bd_state *st)
{
    uint64_t more = star_block_bytes(st->dim);
    if (st->star || !bd_charge_st(g, st, more))
        return;
    uint8_t *b = calloc(1, more);
    if (!b) {
        g->mem_ops->uncharge(g->mem, more);
        st->bytes -= more;
        return;
    }
    st->star_last = (uint64_t *)b;
    st->star_row = st->star_last + STAR_N;
    st->star_has = st->star_row + STAR_N;
    st->star_mir = st->star_has + STAR_N;
    st->star_step = (float (*)[64])(st->star_mir + STAR_N);
    st->star = (float *)(st->star_step + STAR_N);
}

/* ---- the recent ring ----
 * Its first BD_EARLY rows are kept row-major: an idle client's one or two queries cost
 * their own bytes, not a block of 16 (the kernels' layout, ig_vset). A row the ring takes
 * unscaled (same-unit features, images) is the raw input the relations just kept: the
 * slot names that rel row instead of copying it, and is copied out (materialised) before
 * rel overwrites it. l2sq_row is bit for bit a set lane's distance on the same path, and
 * the minimum below keeps l2sq_min's order (the lowest index among equals, NaN never),
 * so the nearest row is the same. */

/* Early slot i's row, or NULL when lost. */
static const float *early_at(const struct bd_state *st, uint32_t i)
{
    int64_t r = st->early_row[i];
    if (r >= 0)
        return st->rel + (size_t)((uint64_t)r % st->rel_n) * st->dim;
    return r == -1 ? st->early + (size_t)i * st->dim : NULL;
}

/* The early buffer allocated to its charged rows; false when out of memory. */
static bool early_alloc(struct bd_state *st)
{
    if (st->early_alloc == st->early_cap)
        return true;
    float *e = realloc(st->early, (size_t)st->early_cap * st->dim * sizeof(float));
    if (!e)
        return false;
    st->early = e;
    st->early_alloc = st->early_cap;
    return true;
}

/* Slot i gets its own copy of <x>; lost when out of memory. */
static void early_copy(struct bd_state *st, uint32_t i, const float *x)
{
    if (!early_alloc(st)) {
        st->early_row[i] = -2;
        return;
    }
    memmove(st->early + (size_t)i * st->dim, x, (size_t)st->dim * sizeof(float));
    st->early_row[i] = -1;
}

/* bd_early_keep()'s copies (boundary.h): the early slots naming rel's slot rows % rel_n
 * copy that row out. */
void bd_early_copy_out(struct bd_state *st)
{
    uint32_t s = (uint32_t)(st->rows % st->rel_n);
    for (uint32_t i = 0, n = ring_count(st); i < n; i++)
        if (st->early_row[i] >= 0 && (uint64_t)st->early_row[i] % st->rel_n == s)
            early_copy(st, i, st->rel + (size_t)s * st->dim);
}

static float ring_min(const struct ig_kern_ops *k, const struct bd_state *st, const float *x,
                      int32_t *at)
{
    if (st->ring.data)
        return k->l2sq_min(&st->ring, x, at);
    float m = INFINITY;
    int32_t a = -1;
    for (uint32_t i = 0, n = ring_count(st); i < n; i++) {
        const float *y = early_at(st, i);
        if (!y)
            continue;
        float d = k->l2sq_row(x, y, st->dim);
        if (d < m || (a < 0 && d == m)) {
            m = d;
            a = (int32_t)i;
        }
    }
    *at = a;
    return m;
}

/* ring_min() when only a row within squared distance <lim2> matters (a near-duplicate):
 * the same d2 and slot when the nearest row is within it, else INFINITY and *at = -1. The
 * blocked ring goes through l2sq_min_blocks with the largest float not above lim2 as its
 * bound: it abandons a block once every lane's partial sum exceeds that bound (partial sums
 * only grow, so no such lane is within lim2) and finishes every other lane bit for bit as
 * l2sq_min, folding the lowest slot among equals, as l2sq_min does. An ordinary client's
 * next row is far from all 16 (oip_v2 d64: the first 16 of 64 features settle every block),
 * so the other 48 features of the ring are neither read nor fetched (bd_observe). */
float bd_ring_near(const struct ig_kern_ops *k, const struct bd_state *st, const float *x,
                   double lim2, int32_t *at)
{
    if (!st->ring.data)
        return ring_min(k, st, x, at);
    float bound = (float)lim2;
    if ((double)bound > lim2)
        bound = nextafterf(bound, 0.0f);
    uint32_t blocks[1024 / IG_VSET_BLOCK], nb = (st->ring.count + IG_VSET_BLOCK - 1) / IG_VSET_BLOCK;
    for (uint32_t b = 0; b < nb; b++)
        blocks[b] = b;
    *at = -1;
    float d2 = k->l2sq_min_blocks(&st->ring, x, blocks, nb, bound, at);
    return *at >= 0 ? d2 : INFINITY;
}

void bd_ring_get(const struct bd_state *st, uint32_t i, float *out)
{
    if (st->ring.data)
        ig_vset_get(&st->ring, i, out);
    else
        memcpy(out, early_at(st, i), (size_t)st->dim * sizeof(float));
}

/* Room for the ring's next row: the row-major buffer (charged) doubles up to BD_EARLY
 * rows, then becomes the blocked set of recent_n. Refused: the ring wraps at the rows it
 * has. */
static void ring_room(struct bd_global *g, struct bd_state *st)
{
    uint32_t n = ring_count(st);
    if (st->ring.data || n >= st->recent_n || n < st->early_cap)
        return;
    size_t row = (size_t)st->dim * sizeof(float);
    if (n < BD_EARLY) {
        uint32_t cap = IG_MIN(IG_MIN(st->early_cap ? 2 * st->early_cap : 1, BD_EARLY), st->recent_n);
        if (bd_charge_st(g, st, (cap - st->early_cap) * row)) {
            st->early_cap = cap;   /* allocated when a row needs its own copy */
            return;
        }
    } else {
        uint64_t set = ig_vset_bytes(st->dim, st->recent_n), had = st->early_cap * row;
        bool ok = false;
        if (bd_charge_st(g, st, set)) {
            ok = ig_vset_init(&st->ring, st->dim, st->recent_n) == IG_OK;
            if (!ok) {
                g->mem_ops->uncharge(g->mem, set);
                st->bytes -= set;
            }
        }
        if (ok) {
            for (uint32_t i = 0; i < n; i++) {
                const float *y = early_at(st, i);
                if (y) {
                    ig_vset_append(&st->ring, y);
                    continue;
                }
                /* lost (out of memory earlier): a lane no query is near (kernels.h layout) */
                float *d = (float *)st->ring.data + (size_t)(i / IG_VSET_BLOCK) * st->dim *
                           IG_VSET_BLOCK + i % IG_VSET_BLOCK;
                for (uint32_t f = 0; f < st->dim; f++)
                    d[(size_t)f * IG_VSET_BLOCK] = INFINITY;
                st->ring.count++;
            }
            free(st->early);
            st->early = NULL;
            st->early_cap = st->early_alloc = 0;
            g->mem_ops->uncharge(g->mem, had);
            st->bytes -= had;
            return;
        }
    }
    st->recent_n = n;
}

/* Puts <x> (label <label>) in the ring as the client's next query; <raw>: x is the input
 * the relations kept as their last row. */
void bd_ring_push(struct bd_global *g, struct bd_state *st, const float *x, bool raw,
                  int32_t label)
{
    ring_room(g, st);
    if (!st->recent_n) {   /* its first row was refused: the client keeps no ring */
        st->queries++;
        return;
    }
    uint32_t slot = (uint32_t)(st->queries % st->recent_n);
    if (!st->ring.data) {
        if (raw && st->rel)
            st->early_row[slot] = (int64_t)st->rows - 1;
        else
            early_copy(st, slot, x);
    } else if (st->ring.count < st->recent_n && slot == st->ring.count) {
        ig_vset_append(&st->ring, x);
    } else {
        ig_vset_put(&st->ring, slot, x);
    }
    st->labels[slot] = label;
    st->queries++;
}
