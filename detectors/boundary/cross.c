/* adversarial.boundary, cross.c: the model's view across clients. */
#include "boundary.h"

/* ---- the model's view across clients (Blacklight, Li et al., USENIX Security 2022) ----
 * An attacker that spreads one search over many source addresses or identities leaves each
 * client a few unrelated-looking rows; the model sees them all. Every scaled row gets XS
 * probabilistic fingerprints: each hashes XK of its coordinates quantised to cells of half
 * a spread with a random offset, so near-duplicates (a step of a search, a few % of noise,
 * rounding) share most of them and unrelated records almost none. As Blacklight scores a
 * query, a row is scored against each of the model's recent rows (fingerprints shared: the
 * last XWIN of each lane, below) and matches the one sharing most, XMATCH at least (an
 * exact repeat of a recent row -- a popular record, a shared cache miss, a retry --
 * matches nothing: it adds no step). A
 * match with another client's row is a cross-client link. A chain of two links (three
 * rows from two clients at least; a noisy copy of a record another client sent, or a
 * user's edit of a popular record, is one link: the record it matched came as an exact
 * repeat) starts a cross stream with those rows; a row whose match is in a stream joins
 * it. Each stream is judged like a client's (rel_row), strictly: a bisection line, a
 * halving chain turning back, greedy choices, a star of mirrored probes; not one-sided
 * siblings (many users each editing one field of a popular record make those). Up to XC
 * streams per model and lane; a short stream that stopped growing goes first. */
/* A row's id: its number in its lane (from 1, mod 2^31) and the lane in bit 0; 0 none. */
static inline uint32_t xid(uint32_t n, uint32_t lane)
{
    return n << 1 | lane;
}

/* How many rows its lane took since row <id>. */
static inline uint32_t xage(const struct bd_cross *x, uint32_t id)
{
    return (x->lrows[id & 1] - (id >> 1)) & 0x7fffffffu;
}

/* Where row <id> is kept (rec, raw). */
static inline uint32_t xpos(uint32_t id)
{
    /* the id's low bits: one AND on every index hit of cross_match() (lane-major
     * places cost four more operations, ~2 % of the detector's instructions on iris) */
    _Static_assert(XL == 2 && (XR & (XR - 1)) == 0, "an id's low bits are its place");
    return id & (XL * XR - 1);
}

static uint64_t cross_bytes(uint32_t dim)
{
    return sizeof(struct bd_cross) + (uint64_t)XL * XR * dim * sizeof(float) +
           (dim > IG_FSCALE_MAXDIM ? (uint64_t)XP * XM * sizeof(uint32_t) : 0);
}

void bd_cross_free(struct bd_global *g, struct bd_cross *x)
{
    if (!x)
        return;
    for (uint32_t k = 0; k < XL * XC; k++)
        bd_state_free(g, x->s[k].st);
    g->mem_ops->uncharge(g->mem, cross_bytes(x->dim));
    free(x->raw);
    free(x);
}

static void *cross_make(const void *ctx)
{
    uint32_t dim = *(const uint32_t *)ctx;
    size_t extra = dim > IG_FSCALE_MAXDIM ? (size_t)XP * XM : 0;   /* pidx, after raw */
    /* cache-line aligned: an index look-up reads one line (struct bd_xslot) */
    struct bd_cross *x = aligned_alloc(_Alignof(struct bd_cross), sizeof(struct bd_cross));
    if (x)
        memset(x, 0, sizeof(*x));
    if (x && !(x->raw = calloc((size_t)XL * XR * dim + extra, sizeof(float)))) {
        free(x);
        return NULL;
    }
    if (x && extra)
        x->pidx = (uint32_t *)(x->raw + (size_t)XL * XR * dim);
    return x;
}

struct bd_cross *bd_cross_new(struct bd_global *g, uint32_t dim)
{
    struct bd_cross *x = g->mem_ops->alloc(g->mem, cross_bytes(dim), cross_make, &dim);
    if (!x)
        return NULL;
    x->dim = dim;
    /* coordinates and offsets from a fixed stream: the cells only find near-duplicates,
     * the decision rests on the arithmetic between the rows */
    uint64_t z = 0x9e3779b97f4a7c15ull ^ dim;
    uint32_t width = x->pidx ? XP : dim;
    for (uint32_t j = 0; j < XS; j++)
        for (uint32_t k = 0; k < XK; k++) {
            z = ig_fnv1a_step(z, (uint8_t)(j * XK + k)) * 0x2545f4914f6cdd1dull;
            x->coord[j][k] = (uint16_t)((z >> 17) % width);
            x->off[j][k] = (float)((z >> 40) & 0xffff) / 65536.0f;
        }
    for (uint32_t i = 0; x->pidx && i < XP * XM; i++) {
        z = (z ^ (z >> 29)) * 0xbf58476d1ce4e5b9ull + i;
        x->pidx[i] = (uint32_t)((z >> 24) % dim) << 1 | (uint32_t)(z >> 63);
    }
    return x;
}

/* x's scaled coordinate k: (x - centre) / spread, or x / unit for same-unit features */
static inline float xz(const struct ig_fscale *fs, const float *x, uint32_t k)
{
    return fs->mode == IG_FSCALE_SCALED ? (x[k] - fs->center[k]) * fs->inv[k] : x[k] / fs->unit;
}

/* Fingerprint j of <row>: XK cells hashed (bd_cross_fps() computes the same, four at a time;
 * this is its path without SSE2). */
__attribute__((unused))
static inline uint32_t cross_fp(const struct bd_cross *x, const struct ig_fscale *fs,
                                const float *row, uint32_t j)
{
    uint64_t h = IG_FNV1A_BASIS ^ j;
    for (uint32_t k = 0; k < XK; k++) {
        int32_t cell = (int32_t)floorf(XCELL * xz(fs, row, x->coord[j][k]) + x->off[j][k]);
        h = ig_fnv1a_step(h, (uint32_t)cell);
    }
    uint32_t v = (uint32_t)(h ^ (h >> 32));
    return v ? v : 1;
}

/* Row <x> into the view's ring of last rows: a wide row by non-temporal stores where the
 * target has them (x86-64: SSE2), as the ring (512 rows: 1.6 MiB at 784 features) is far
 * larger than a cache and read back only when a match finds the row. */
static void raw_put(float *dst, const float *x, uint32_t dim)
{
#if BD_SSE2
    if (dim > IG_FSCALE_MAXDIM) {
        uint32_t k = 0;
        while (k < dim && ((uintptr_t)(dst + k) & 15))
            dst[k] = x[k], k++;
        for (; k + 4 <= dim; k += 4)
            _mm_stream_ps(dst + k, _mm_loadu_ps(x + k));
        for (; k < dim; k++)
            dst[k] = x[k];
        _mm_sfence();
        return;
    }
#endif
    memcpy(dst, x, (size_t)dim * sizeof(float));
}

/* The XP projections of wide row <row> into <y>. */
static void cross_project(const struct bd_cross *x, const float *row, float *y)
{
    for (uint32_t p = 0; p < XP; p++) {
        const uint32_t *ix = x->pidx + (size_t)p * XM;
        float a = 0, b = 0;   /* two chains: the loads overlap */
        for (uint32_t t = 0; t < XM; t += 2) {
            float u = row[ix[t] >> 1], v = row[ix[t + 1] >> 1];
            a += (ix[t] & 1) ? -u : u;
            b += (ix[t + 1] & 1) ? -v : v;
        }
        y[p] = a + b;
    }
}

/* (xprobe_live() computes it four entries at a time with SSE2) */
__attribute__((unused))
static inline bool xstale(const struct bd_cross *x, const struct bd_xslot *s)
{
    return !s->fp || xage(x, s->row) >= XWIN;
}

/* The XS fingerprints of <fpv> (a row, or a wide row's projections, on scale <fs>) into
 * fp[]. The index is cold (every client's rows share it): their entries are asked for
 * here, all at once, so the misses overlap one another and, when the caller does this
 * before the client's relations, that work too. */
void bd_cross_fps(struct bd_cross *x, const struct ig_fscale *fs, const float *fpv,
                  uint32_t *fp)
{
#if BD_SSE2
    if (x->gfs != fs) {
        for (uint32_t j = 0; j < XS; j++)
            for (uint32_t k = 0; k < XK; k++) {
                uint32_t c = x->coord[j][k];
                x->gcen[j][k] = fs->mode == IG_FSCALE_SCALED ? fs->center[c] : 0.0f;
                x->ginv[j][k] = fs->mode == IG_FSCALE_SCALED ? fs->inv[c] : 0.0f;
            }
        x->gfs = fs;
    }
    /* cross_fp()'s cells, four coordinates at a time in the same float arithmetic;
     * floorf's integer by truncation less one where that rounded up, and INT32_MIN where
     * the conversion has no integer, as the scalar conversion gives */
    _Static_assert(XK == 4, "one register of cells a fingerprint");
    const bool scaled = fs->mode == IG_FSCALE_SCALED;
    const __m128 cell = _mm_set1_ps(XCELL), unit = _mm_set1_ps(fs->unit),
                 lo = _mm_set1_ps(-0x1p31f);
    for (uint32_t j = 0; j < XS; j++) {
        const uint16_t *c = x->coord[j];
        __m128 v = _mm_setr_ps(fpv[c[0]], fpv[c[1]], fpv[c[2]], fpv[c[3]]);
        v = scaled ? _mm_mul_ps(_mm_sub_ps(v, _mm_loadu_ps(x->gcen[j])), _mm_loadu_ps(x->ginv[j]))
                   : _mm_div_ps(v, unit);
        v = _mm_add_ps(_mm_mul_ps(cell, v), _mm_loadu_ps(x->off[j]));
        __m128i t = _mm_cvttps_epi32(v);
        __m128 up = _mm_and_ps(_mm_cmpgt_ps(_mm_cvtepi32_ps(t), v), _mm_cmpge_ps(v, lo));
        t = _mm_add_epi32(t, _mm_castps_si128(up));   /* -1 where it rounded up */
        uint32_t cs[XK];
        _mm_storeu_si128((__m128i *)(void *)cs, t);
        uint64_t h = IG_FNV1A_BASIS ^ j;
        for (uint32_t k = 0; k < XK; k++)
            h = ig_fnv1a_step(h, cs[k]);
        uint32_t w = (uint32_t)(h ^ (h >> 32));
        fp[j] = w ? w : 1;
#else
    for (uint32_t j = 0; j < XS; j++) {
        fp[j] = cross_fp(x, fs, fpv, j);
#endif
        for (uint32_t l = 0; l < XL; l++) {
            uint32_t i = (uint32_t)(ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE));
            __builtin_prefetch(&x->slot[l][i]);
        }
    }
}

/* The repeat count's slot of <hash>: its entry, or the free one where it would go. */
static uint32_t rep_find(const struct bd_cross *x, uint32_t hash)
{
    uint32_t i = (hash * 0x9e3779b1u) >> 20;   /* XREP = 2^12 */
    while (x->rep[i].n && x->rep[i].hash != hash)
        i = (i + 1) & (XREP - 1);
    return i;
}

static void rep_add(struct bd_cross *x, uint32_t hash, uint32_t pos)
{
    _Static_assert(XL * XR <= UINT16_MAX, "a count and a place in 16 bits");
    uint32_t i = rep_find(x, hash);
    x->rep[i].hash = hash;
    x->rep[i].n++;
    x->rep[i].last = (uint16_t)pos;
}

/* One row with <hash> fewer; a freed entry is filled by the later ones of its probe run
 * that may move back (backward shift), so no look-up stops short of its key. */
static void rep_del(struct bd_cross *x, uint32_t hash)
{
    uint32_t i = rep_find(x, hash);
    if (!x->rep[i].n || --x->rep[i].n)
        return;
    for (uint32_t j = (i + 1) & (XREP - 1); x->rep[j].n; j = (j + 1) & (XREP - 1)) {
        uint32_t home = (x->rep[j].hash * 0x9e3779b1u) >> 20;
        /* j's entry may fill the hole at i when its home is not in (i, j] (cyclically) */
        if (((j - home) & (XREP - 1)) >= ((j - i) & (XREP - 1))) {
            x->rep[i] = x->rep[j];
            x->rep[j].n = 0;
            i = j;
        }
    }
}

/* Entries of the XPROBE at <sl>, a line of lane <lane>'s index, whose fingerprint is <fp>
 * and that are not stale (xstale()): bit t for entry t; *stale: the stale ones. A lane's
 * lines hold its own rows only (cross_match() indexes a row in its lane), so their ages
 * are by that lane's count alone (xage() picks it by the row's bit 0: the same count). */
static inline uint32_t xprobe_live(const struct bd_cross *x, const struct bd_xslot *sl,
                                   uint32_t lane, uint32_t fp, uint32_t *stale)
{
#if BD_SSE2
    /* four 16-byte loads of two entries each; the fingerprints (even words) and rows (odd)
     * of four entries gathered into a register each */
    const __m128i f = _mm_set1_epi32((int)fp), zero = _mm_setzero_si128(),
                  lr = _mm_set1_epi32((int)x->lrows[lane]), m31 = _mm_set1_epi32(0x7fffffff),
                  win = _mm_set1_epi32(XWIN - 1);
    const float *p = (const float *)(const void *)sl;
    uint32_t hit = 0, old = 0;
    for (uint32_t q = 0; q < XPROBE / 4; q++) {
        __m128 a = _mm_load_ps(p + 8 * q), b = _mm_load_ps(p + 8 * q + 4);
        __m128i fps = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
        __m128i rows = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        __m128i age = _mm_and_si128(_mm_sub_epi32(lr, _mm_srli_epi32(rows, 1)), m31);
        __m128i st = _mm_or_si128(_mm_cmpeq_epi32(fps, zero), _mm_cmpgt_epi32(age, win));
        hit |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(fps, f))) << (4 * q);
        old |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(st)) << (4 * q);
    }
    *stale = old;
    return hit & ~old;
#else
    (void)lane;
    uint32_t hit = 0, old = 0;
    for (uint32_t t = 0; t < XPROBE; t++) {
        hit |= (uint32_t)(sl[t].fp == fp) << t;
        old |= (uint32_t)xstale(x, &sl[t]) << t;
    }
    *stale = old;
    return hit & ~old;
#endif
}

/* xprobe_live()'s return alone (cross_match()'s scan), the entries' rows into rw[]: an
 * entry with fingerprint fp != 0 is not empty, so only its age is tested */
static inline uint32_t xprobe_hits(const struct bd_cross *x, const struct bd_xslot *sl,
                                   uint32_t lane, uint32_t fp, uint32_t *rw)
{
#if BD_SSE2
    const __m128i f = _mm_set1_epi32((int)fp), lr = _mm_set1_epi32((int)x->lrows[lane]),
                  m31 = _mm_set1_epi32(0x7fffffff), win = _mm_set1_epi32(XWIN - 1);
    const float *p = (const float *)(const void *)sl;
    uint32_t hit = 0;
    for (uint32_t q = 0; q < XPROBE / 4; q++) {
        __m128 a = _mm_load_ps(p + 8 * q), b = _mm_load_ps(p + 8 * q + 4);
        __m128i fps = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
        __m128i rows = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        __m128i age = _mm_and_si128(_mm_sub_epi32(lr, _mm_srli_epi32(rows, 1)), m31);
        _mm_storeu_si128((__m128i *)(void *)(rw + 4 * q), rows);
        hit |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(
                   _mm_andnot_si128(_mm_cmpgt_epi32(age, win), _mm_cmpeq_epi32(fps, f)))) << (4 * q);
    }
    return hit;
#else
    uint32_t old;
    for (uint32_t t = 0; t < XPROBE; t++)
        rw[t] = sl[t].row;
    return xprobe_live(x, sl, lane, fp, &old);
#endif
}

/* The index hits live row <row> gets from fingerprints fp[] (cross_match()'s count of it):
 * the entries of its lane's XS lines that hold it with the fingerprint looked up there. */
static uint32_t xhits(const struct bd_cross *x, const uint32_t *fp, uint32_t row)
{
    const struct bd_xslot *ls = x->slot[row & 1];
    uint32_t c = 0;
    for (uint32_t j = 0; j < XS; j++) {
        const struct bd_xslot *sl = &ls[ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE)];
#if BD_SSE2
        /* an entry is two words: both equal, two adjacent bits of the mask */
        const __m128i e = _mm_setr_epi32((int)fp[j], (int)row, (int)fp[j], (int)row);
        uint32_t m = 0;
        for (uint32_t q = 0; q < XPROBE / 2; q++)
            m |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(
                     _mm_load_si128((const __m128i *)(const void *)(sl + 2 * q)), e))) << (4 * q);
        c += pop32(m & m >> 1 & 0x55555555u);
#else
        for (uint32_t t = 0; t < XPROBE; t++)
            c += sl[t].fp == fp[j] && sl[t].row == row;
#endif
    }
    return c;
}

/* The first of the XPROBE entries at <sl> whose row is the oldest (xage()); all live. */
static inline uint32_t xprobe_oldest(const struct bd_cross *x, const struct bd_xslot *sl,
                                     uint32_t lane)
{
#if BD_SSE2
    /* xprobe_live()'s ages (lane <lane>'s line), four entries a register; their largest
     * (ages are below 2^31: signed compares order them), then the first entry that has it */
    const __m128i lr = _mm_set1_epi32((int)x->lrows[lane]), m31 = _mm_set1_epi32(0x7fffffff);
    const float *p = (const float *)(const void *)sl;
    __m128i age[XPROBE / 4];
    for (uint32_t q = 0; q < XPROBE / 4; q++) {
        __m128 a = _mm_load_ps(p + 8 * q), b = _mm_load_ps(p + 8 * q + 4);
        __m128i rows = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        age[q] = _mm_and_si128(_mm_sub_epi32(lr, _mm_srli_epi32(rows, 1)), m31);
    }
    _Static_assert(XPROBE == 8, "two registers of ages");
    __m128i gt = _mm_cmpgt_epi32(age[1], age[0]);
    __m128i mx = _mm_or_si128(_mm_and_si128(gt, age[1]), _mm_andnot_si128(gt, age[0]));
    for (int sh = 0; sh < 2; sh++) {
        __m128i o = sh ? _mm_shuffle_epi32(mx, _MM_SHUFFLE(2, 3, 0, 1))
                       : _mm_shuffle_epi32(mx, _MM_SHUFFLE(1, 0, 3, 2));
        gt = _mm_cmpgt_epi32(o, mx);
        mx = _mm_or_si128(_mm_and_si128(gt, o), _mm_andnot_si128(gt, mx));
    }
    uint32_t at = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(age[0], mx))) |
                  (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(age[1], mx))) << 4;
    return (uint32_t)__builtin_ctz(at);
#else
    (void)lane;
    uint32_t use = 0, oldest = xage(x, sl[0].row);
    for (uint32_t k = 1; k < XPROBE; k++) {
        uint32_t a = xage(x, sl[k].row);
        use = a > oldest ? k : use;
        oldest = a > oldest ? a : oldest;
    }
    return use;
#endif
}

/* q is the midpoint of p and r, as a binary search's next row is of its bracket's two ends
 * (which are then equally near it: the best match is one, the other is where 2q - p points):
 * |2q - p - r| within BRACKET_TOL of |p - r| in the model's scale, plus what rounding to qe
 * makes, and p - r a step along several coordinates (participation ratio >= 1.5: not one
 * field edited to two values, nor a slider). The tolerance is the arithmetic's, not noise's:
 * a row is tried against every recent row it shares a fingerprint with, and on 4 features
 * (iris) three near rows of a crowd meet a 40 % tolerance by chance (HopSkipJump over 64
 * addresses beside 8 busy clients was then caught 30 rows later: the chance rows took its
 * stream); a search behind noise is left to the halving chains. */
#define BRACKET_TOL 0.05
static bool bracket_mid(const float *q, const float *pv, const float *rv, const float *inv,
                        uint32_t dim, double tol, double qe)
{
    double n0 = 0, n4 = 0, res = 0, w2 = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double w = inv ? inv[k] : 1.0;
        double z = ((double)pv[k] - rv[k]) * w, z2 = z * z;
        double e = (2.0 * q[k] - pv[k] - rv[k]) * w;
        n0 += z2;
        n4 += z2 * z2;
        res += e * e;
        w2 += w * w;
    }
    return n0 > 0 && n0 * n0 >= 1.5 * n4 && res <= tol * tol * n0 + 2.0 * qe * qe * w2;
}

/* Scores one finite row of client <who>, fingerprinted as fp[] (bd_cross_fps()), against the
 * recent rows of both lanes and indexes it in lane <lane> (1: a thin client's row).
 * <exact> is the row's values' hash (ig_row_hash()). Sets *id to the row's id, *mrow to the
 * recent row it matches best (0 none), *repeat when the row repeats one of the lanes' last
 * XR rows exactly, and
 * returns the cross stream the row joins: its match's, or a new one when the match is
 * another client's row and in none (0: the row stays out). Without <follow> (a busy
 * client's row that joins no stream, bd_observe) only *id, *mrow, *link and *repeat are
 * asked for: no stream is looked up or numbered and no bisection's other end is searched
 * (*mid 0, 0 returned). Those were ~10 % of the detector's instructions on the 20-fold
 * replay of iris (bracket_mid() 1.6 M times for 376 k rows, 90 % of them for rows that
 * joined nothing); a stream's number is only ever compared for equality, so leaving
 * unused ones out changes no decision. */
static uint32_t cross_match(struct bd_cross *x, const uint32_t *fp, const float *row,
                            uint32_t who, uint32_t lane, const float *inv, double tol,
                            uint32_t *id, uint32_t *mrow, uint32_t *link, uint32_t *mid,
                            uint32_t exact, bool *repeat, bool follow)
{
    enum { XV = XL * XS * XPROBE };
    /* per row met, in the order met (one spare: each hit writes there, a new row keeps it) */
    uint32_t vrow[XV + 1], vpos[XV + 1], vn[XV], nv = 0;
    _Static_assert(XV < 256, "vcnt counts a row's hits");
    if (!(++x->lrows[lane] & 0x7fffffffu))
        x->lrows[lane]++;   /* id 0 is none */
    *id = xid(x->lrows[lane] & 0x7fffffffu, lane);
    /* An exact repeat of a recent row that every fingerprint still finds (copy, below) is
     * matched to nothing, whatever else the index holds: the last row added with the same
     * values' hash, if it is still live and all XS of its hits are there, settles that
     * without the pass over every row met (38 % of the rows on iris, whose 4 features put
     * ~80 hits over ~37 rows on each; the pass is the test's definition otherwise). */
    const struct bd_xrep *rp = &x->rep[rep_find(x, exact)];
    const uint32_t lrow = x->rec[rp->last].row;
    bool copy = rp->n && lrow && x->xwho[rp->last].hash == exact && xage(x, lrow) < XWIN &&
                xhits(x, fp, lrow) == XS;
    /* entries in the order lane 0's XPROBE, then lane 1's (i is XPROBE-aligned: no wrap) */
    for (uint32_t j = 0; j < XS && !copy; j++) {
        uint32_t i = (uint32_t)(ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE));
        for (uint32_t l = 0; l < XL; l++) {
            uint32_t rw[XPROBE];
            for (uint32_t hits = xprobe_hits(x, &x->slot[l][i], l, fp[j], rw); hits;
                 hits &= hits - 1) {
                /* a live row (xprobe_live()) is the only one kept at its place; no
                 * branch on whether it is new (about half the hits are) */
                uint32_t row = rw[__builtin_ctz(hits)], pos = xpos(row), c = x->vcnt[pos];
                vrow[nv] = row;
                vpos[nv] = pos;
                x->vcnt[pos] = (uint8_t)(c + 1);
                nv += !c;
            }
        }
    }
    /* each row met is live (younger than XWIN = XR rows in its lane), so rec (xwho) still
     * holds its client and values' hash (bd_observe() writes them there as it is indexed) */
    /* ... and the best-matching recent row (the newest in its lane on a tie), as Blacklight
     * scores a query, in the same pass */
    uint32_t best = XV;
    for (uint32_t v = 0; v < nv; v++) {
        uint32_t c = x->vcnt[vpos[v]];
        vn[v] = c;
        x->vcnt[vpos[v]] = 0;
        copy |= x->xwho[vpos[v]].hash == exact && c == XS;
        if (c >= XMATCH && (best == XV || c > vn[best] ||
                            (c == vn[best] && xage(x, vrow[v]) < xage(x, vrow[best]))))
            best = v;
    }
    uint32_t sid = 0;
    *mrow = *link = *mid = 0;
    /* an exact repeat of a recent row (a popular record, a shared cache miss, a retry)
     * adds no step to any search */
    if (copy)
        best = XV;
    /* ... nor does one of an older row: the index keeps XPROBE rows per fingerprint, and a
     * popular record's copies crowd each other out there, so the lanes' last XR rows' hashes
     * say (a record one user probed and another sends again must not look like a step) */
    /* (the rows rec holds, less the one this row replaces: XR rows old) */
    const struct bd_xrow *gone = &x->rec[xpos(*id)];
    uint32_t n = rp->n;
    *repeat = n > (uint32_t)(gone->row && gone->hash == exact && xage(x, gone->row) >= XR);
    /* the match is another client's row with other values: a cross-client link */
    const bool bcross = best < XV && x->xwho[vpos[best]].client != who &&
                        x->xwho[vpos[best]].hash != exact;
    if (best < XV) {
        *mrow = vrow[best];
        *link = bcross ? vrow[best] : 0;
    }
    if (best < XV && follow) {
        /* the match's stream, if it is still followed */
        const struct bd_xrow *o = &x->rec[xpos(vrow[best])];
        for (uint32_t k = 0; k < XL * XC && !sid; k++)
            if (o->row == vrow[best] && o->sid && x->s[k].sid == o->sid)
                sid = o->sid;
        /* the other end of a bisection the row is the midpoint of: among the recent rows
         * it shares a fingerprint with, the one 2q - p points to (a binary search spread
         * over many addresses: its first near-duplicate rows split between the bracket's
         * two ends, and its stream began at one of them, without the other, so the
         * bisection lines its own client's stream sees from its 5th row went unseen). A
         * third client's: a reading settling on a set point another client sent is the
         * midpoint of that record and its own previous reading, every tick */
        if (bcross && o->row == vrow[best] && xage(x, vrow[best]) < XR) {
            const float *pv = x->raw + (size_t)xpos(vrow[best]) * x->dim;
            double qe = -1;
            uint32_t got = XV;
            for (uint32_t v = 0; v < nv; v++) {
                const struct bd_xrow *r = &x->rec[xpos(vrow[v])];
                if (v == best || x->xwho[vpos[v]].hash == exact || r->row != vrow[v] ||
                    xage(x, vrow[v]) >= XR || r->hash == o->hash || r->client == who ||
                    (got < XV && vn[v] <= vn[got]))
                    continue;
                if (qe < 0)
                    qe = bd_decimal_quantum(row, x->dim);
                if (bracket_mid(row, pv, x->raw + (size_t)xpos(vrow[v]) * x->dim, inv, x->dim,
                                tol, qe))
                    got = v;
            }
            *mid = got < XV ? vrow[got] : 0;
        }
        /* a new stream takes a chain of two such links, three rows from two clients at
         * least: a noisy copy of a record another client sent, a user's edit of a popular
         * record, match a row whose own best match was the same values (exact repeats
         * are no link), and go no further; or the row and the two ends of a bisection it
         * is the midpoint of */
        if (!sid && bcross && o->row == vrow[best] && (o->link || *mid))
            sid = ++x->next_sid ? x->next_sid : ++x->next_sid;
    }
    struct bd_xslot *ls = x->slot[lane];
    for (uint32_t j = 0; j < XS; j++) {
        uint32_t i = (uint32_t)(ig_fnv1a_step(fp[j], j) & (XSLOTS - XPROBE)), use = i, old;
        /* the first free or stale entry, else the oldest (the first of equals) */
        xprobe_live(x, &ls[i], lane, fp[j], &old);
        use = i + (old ? (uint32_t)__builtin_ctz(old) : xprobe_oldest(x, &ls[i], lane));
        ls[use] = (struct bd_xslot){ fp[j], *id };
    }
    return sid;
}

/* How much stream s can be spared: rows its lane took since it was last fed, less 32 per
 * row it holds (up to 16): a pair of near-duplicates that went nowhere goes before a long
 * search. By its lane's clock: the ordinary volume of busy clients (lane 0) ages the
 * streams they start, not a search over thin clients. */
static int64_t cross_spare(const struct bd_cross *x, const struct bd_xstream *s)
{
    if (!s->sid)
        return INT64_MAX;
    uint64_t n = s->st ? s->st->rows : 0;
    return (int64_t)((x->lrows[s->lane] - s->last) & 0x7fffffffu) - 32 * (int64_t)(n < 16 ? n : 16);
}

/* The cross stream <sid>: followed already, else made for a row of lane <lane> over a free
 * one or the best spared of a lane: its own when it holds its share (XC) already, else
 * one over its share. A stream is in the lane of the row that last joined it: streams of
 * busy clients' rows (ordinary noisy copies of popular records among them, also those a
 * client started while new) never push a search over thin clients out. */
static struct bd_xstream *cross_stream(struct bd_global *g, struct bd_cross *x, uint32_t sid,
                                       uint32_t lane)
{
    uint32_t held = 0;
    struct bd_xstream *lru = NULL;
    for (uint32_t k = 0; k < XL * XC; k++) {
        if (x->s[k].sid == sid)
            return &x->s[k];
        if (!x->s[k].sid)
            lru = &x->s[k];
        held += x->s[k].sid && x->s[k].lane == lane;
    }
    for (uint32_t k = 0; k < XL * XC && !(lru && !lru->sid); k++)
        if ((x->s[k].lane == lane) == (held >= XC) &&
            (!lru || cross_spare(x, &x->s[k]) > cross_spare(x, lru)))
            lru = &x->s[k];
    if (!lru)
        return NULL;
    bd_state_free(g, lru->st);
    memset(lru, 0, sizeof(*lru));
    if (!(lru->st = bd_state_new(g, x->dim)))
        return NULL;
    lru->sid = sid;
    lru->lane = lane;
    return lru;
}

static uint32_t distinct16(const uint32_t *c, uint32_t n);

/* Recent row i of the model goes into stream s. */
static enum bd_kind cross_feed(struct bd_global *g, struct bd_cross *x,
                               struct bd_xstream *s, uint32_t i, const float *vals,
                               const float *inv, uint64_t key, uint32_t live)
{
    struct bd_xrow *o = &x->rec[i];
    s->st->who = o->client;
    s->st->live = live;
    o->sid = s->sid;
    s->lane = o->row & 1;
    s->last = x->lrows[s->lane];
    if (s->last_ev != x->events) {
        s->last_ev = x->events;
        s->st->requests++;
    }
    s->recent[s->nrecent++ % 16] = o->client;
    if (live)   /* split pairs (rel_row): the clients of all its last 16 rows */
        s->st->live = distinct16(s->recent, s->nrecent);
    return bd_rel_row(g, s->st, vals, x->dim, o->label, o->margin, o->poff, inv, key, true, o->repeat);
}

/* Distinct clients among the first min(n, 16) of c[] (a ring of 16; 0: none). */
static uint32_t distinct16(const uint32_t *c, uint32_t n)
{
    uint32_t d = 0, m = n < 16 ? n : 16;
    for (uint32_t i = 0; i < m; i++) {
        uint32_t j = 0;
        while (j < i && c[j] != c[i])
            j++;
        d += j == i && c[i];
    }
    return d;
}

/* Distinct clients among the stream's last 16 rows. */
static uint32_t cross_clients(const struct bd_xstream *s)
{
    return distinct16(s->recent, s->nrecent);
}

/* Row <x> (of <ev>, from the client <cl> hashed to <who>; its label, margin and mass off the
 * label; <inv> and <key> its scale) through the model's view across clients <xv>: a narrow
 * row's fingerprints <fp> and <hash> are computed already (bd_observe, so their index
 * entries load meanwhile), a wide row's here from its projections once their scale is
 * known. The row joins the cross stream of the recent row it matches best; a stream's
 * evidence raises its finding on the client whose row completed it. */
void bd_cross_row(const struct ig_call *call, const struct ig_event *ev, const float *x, int label,
                  double margin, float poff, const float *inv, uint64_t key, uint32_t *fp,
                  uint32_t hash, uint32_t who)
{
    struct bd_global *g = (struct bd_global *)call->global;
    const struct bd_params *p = &g->p;
    struct bd_model *m = call->model;
    struct bd_client *cl = call->client;
    struct bd_state *st = cl->st;
    struct bd_cross *xv = m->x;   /* (bd_observe calls this with m->x of the row's width) */
    const uint32_t dim = ev->features;
    const bool wide = dim > IG_FSCALE_MAXDIM;
    /* a wide row goes by its projections, once their scale is known (the model's
     * first ~24 rows through the view teach it, at most 12 from any one client) */
    float y[XP];
    const float *fpv = x;
    const struct ig_fscale *xfs = m ? &m->fs : NULL;
    if (xv && wide) {
        cross_project(xv, x, y);
        fpv = y;
        xfs = &xv->pfs;
    }
    if (xv && (!wide || ig_fscale_learn(&xv->pfs, y, XP, &cl->taught) != IG_FSCALE_LEARNING)) {
        /* the model's view across clients: the row joins the cross stream of the recent
         * row it matches best, with that row when it was in none */
        if (wide)
            bd_cross_fps(xv, xfs, fpv, fp);
        bool again;
        uint32_t id, mrow, link, mid;
        if (wide)
            hash = ig_row_hash(x, dim);
        /* a client with few rows of its own: the thin lane (XTHIN) */
        /* (joins below: a thin client's row, or one of a client its stream named) */
        bool thin = st->rows <= XTHIN;
        uint32_t sid = cross_match(xv, fp, x, who, thin, wide ? NULL : inv, BRACKET_TOL, &id,
                                      &mrow, &link, &mid, hash, &again, thin || st->alarmed);
        uint32_t i = xpos(id);
        if (xv->rec[i].row)
            rep_del(xv, xv->rec[i].hash);
        rep_add(xv, hash, i);
        xv->rec[i] = (struct bd_xrow){ id, who, label, (float)margin, poff, 0, link, again,
                                       hash };
        xv->xwho[i].client = who;
        xv->xwho[i].hash = hash;
        raw_put(xv->raw + (size_t)i * dim, x, dim);
        /* The view is there for thin clients (lane 1). A busy client's rows are judged
         * by its own stream (rel_row above) and join no cross stream, unless that stream
         * found a search (a searcher's rows are a search's, whoever else sends them):
         * a busy ordinary client's near-duplicates join other streams by chance and
         * bury a search's steps among theirs (digits, 8 busy clients beside SimBA over
         * 64 addresses: 10 of their rows per step of the search, which was named at its
         * 85th row, and an imputed record of one of them completed its descent links and
         * was named instead). (Keeping a busy client's row from completing evidence
         * alone named the search at its 46th row; holding that evidence for the
         * stream's next thin row named thin ordinary clients of crowded streams.) */
        bool joins = (id & 1) || st->alarmed;
        struct bd_xstream *xs = sid && joins ? cross_stream(g, xv, sid, id & 1) : NULL;
        if (xs) {
            /* a new stream starts with the chain: the match's own match, then the
             * recent rows of the match's lane that linked to it as the match did (a
             * search's first steps all near its start: HopSkipJump's first binary
             * search toward x0 matched x0 row after row, and the stream began only at
             * its 10th row, after the bisection it could have seen), oldest first, up
             * to XSIB, the match among them */
            uint32_t k = xpos(mrow), k2 = xpos(xv->rec[k].link);
            bool fresh_chain = xv->rec[k].sid != sid && xv->rec[k].link &&
                               xage(xv, xv->rec[k].link) < XR &&
                               xv->rec[k2].row == xv->rec[k].link;
            if (fresh_chain && xv->rec[k2].sid != sid)
                cross_feed(g, xv, xs, k2, xv->raw + (size_t)k2 * dim, inv, key, 0);
            uint32_t ml = mrow & 1, nsib = 0;
            for (uint32_t a = XR - 1; fresh_chain && a >= 1 && nsib < XSIB; a--) {
                uint32_t n = (xv->lrows[ml] - a) & 0x7fffffffu, pos = xpos(xid(n, ml));
                struct bd_xrow *o = &xv->rec[pos];
                if (n && o->row == xid(n, ml) && o->row != mrow && o->link == xv->rec[k].link &&
                    !o->sid && pos != i) {
                    cross_feed(g, xv, xs, pos, xv->raw + (size_t)pos * dim, inv, key, 0);
                    nsib++;
                }
                if (o->row == mrow && xv->rec[k].sid != sid) {
                    cross_feed(g, xv, xs, k, xv->raw + (size_t)k * dim, inv, key, 0);
                    break;
                }
            }
            /* the bisection's other end, in the order the two ends came (the older
             * first: a halving step is q against the last two rows; by their lanes'
             * clocks, so only roughly when the two are in different lanes) */
            uint32_t kr = mid ? xpos(mid) : 0;
            bool rfeed = mid && xage(xv, mid) < XR && xv->rec[kr].row == mid &&
                         xv->rec[kr].sid != sid;
            if (rfeed && (xage(xv, mid) > xage(xv, mrow) || xv->rec[k].sid == sid))
                cross_feed(g, xv, xs, kr, xv->raw + (size_t)kr * dim, inv, key, 0);
            if (xage(xv, mrow) < XR && xv->rec[k].row == mrow && xv->rec[k].sid != sid)
                cross_feed(g, xv, xs, k, xv->raw + (size_t)k * dim, inv, key, 0);
            if (rfeed && xv->rec[kr].sid != sid)
                cross_feed(g, xv, xs, kr, xv->raw + (size_t)kr * dim, inv, key, 0);
            /* q against the two ends just taken is no halving step of one search: a
             * turn back there would be the order they were taken in */
            xs->st->halv_hold = rfeed;
            xs->live[xs->nlive++ % 16] = st->alarmed ? 0 : who;
            enum bd_kind kind = cross_feed(g, xv, xs, i, x, inv, key, distinct16(xs->live, xs->nlive));
            uint32_t ncl = cross_clients(xs);
            /* Several clients must send into the stream, and the view names those its
             * own stream has not: a thin client's own readings after the record of
             * another client it started from (the stream's first rows) are its own
             * stream's to judge (rel_row above): a round-robin sensor on digits, its
             * stream no longer filled by busy clients' rows, was named a distributed
             * search at its 12th row. A client named by its own stream (a busy one
             * always is, to be in a stream) completes no evidence and does not count:
             * on iris, HopSkipJump from one address took the first finding of the
             * stream it shared with HopSkipJump over 64 addresses, which waited for
             * the stream's 10th; and an ordinary user bisecting a feature of a record
             * SimBA with rotating keys searched from is no search across clients. */
            if (distinct16(xs->live, xs->nlive) < 2 || st->alarmed)
                kind = BD_NONE;
            if (kind != BD_NONE && ncl >= 2) {
                /* first alarm, then at 10, 100 and every 1000; and the first of each
                 * kind of evidence: searches can share one stream (on iris's 4
                 * features SimBA over 64 addresses, HopSkipJump from one and over 64
                 * met in one), and the finding goes to the client whose row completed
                 * the evidence, so another search's first (bisection lines after
                 * greedy choices) does not wait for the stream's 10th alarm */
                xs->st->rel_alarms++;
                if (xs->st->rel_alarms == 1 || xs->st->rel_alarms == 10 ||
                    xs->st->rel_alarms == 100 || xs->st->rel_alarms % 1000 == 0 ||
                    !(xs->kinds & 1u << kind))
                    bd_alarm(call, ev, p, xs->st, kind, ncl);
                xs->kinds |= 1u << kind;
            }
        }
    }
}
