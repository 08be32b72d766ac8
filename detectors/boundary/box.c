/* adversarial.boundary, box.c: vertices of one L-inf box. */
#include "boundary.h"

/* Vertices of one L-inf box (s22-walk). The Square Attack (Andriushchenko et al., ECCV 2020:
 * score-based, L-inf) queries its target x, then x + d with every coordinate of d at +a_i
 * or -a_i (the ball's vertices: vertical stripes first, then a window of the row set to one
 * sign, kept when the margin drops), clipped to the input's bounds; so does any random
 * search over the corners of an L-inf ball. Every such row moves nearly every coordinate
 * of the centre by exactly its own a_i, the signs changing from row to row. Ordinary rows
 * meet that only on a lattice (integer pixels, readings at a fixed resolution, a what-if
 * grid: |v_k - c| equal by construction), left out: a box whose ends are, on half of its
 * coordinates, both written on one decimal step, or whose centre's values are whole
 * multiples of the lengths on half of them. A row q is a vertex of the client's current
 * box when it moves at least box_need(dim) coordinates off the centre, each of known
 * half-width by exactly that length (float32 rounding aside; a coordinate not seen moved
 * before, clipped to a bound until now, learns its half-width), and flips the sign of one
 * of the box's first coordinates (moved by both rows that found it) against the first of
 * them: a local probe x + d e_j, x - d e_j of a record that shares values with the centre
 * (digits' zero pixels) moves only coordinates the box learnt, and its record's offsets
 * never flip. A box is found from q and the client's last row v around one of its last 16
 * inputs c: box_need(dim) coordinates moved by both by the same length, the signs differing
 * on one at least, not a lattice. BOX_V new vertices (exact repeats do not count) of one
 * box among the client's last 32 rows fire. */
#define BOX_TOL 1e-5
static uint32_t box_need(uint32_t dim)
{
    uint32_t h = (dim + 1) / 2;
    return h > 3 ? h : 3;
}

static inline bool box_len_eq(double u, double v, double mag)
{
    return fabs(u - v) <= BOX_TOL * fmax(u, v) + 0x1p-21 * mag;
}

/* the decimal step a float32 value is written with (1, 0.1, ... 1e-6), 0 none */
static double value_quantum(float x)
{
    double s = 1.0;
    for (int k = 0; k <= 6; k++, s *= 10.0) {
        double v = (double)x * s;
        if (fabs(v - rint(v)) <= fabs(v) * 0x1p-22 + 1e-9)
            return 1.0 / s;
    }
    return 0;
}

static bool box_lattice(const float *c, const float *q, const float *v, uint32_t dim)
{
    uint32_t n = 0, nz = 0, zero = 0, dec = 0;
    for (uint32_t i = 0; i < dim; i++) {
        double dq = (double)q[i] - c[i], dv = (double)v[i] - c[i];
        if (dq == 0 || dv == 0)
            continue;
        double a = fabs(dq);
        n++;
        if (c[i] != 0) {   /* 0 is on every lattice */
            double r = c[i] / a;
            nz++;
            if (fabs(r - rint(r)) < 1e-3)
                zero++;
        }
        /* both ends written on one decimal step (integer pixels, 2-decimal records) */
        double sc = value_quantum(c[i]), sq = value_quantum(q[i]);
        if (sc > 0 && sq > 0) {
            double t = a / fmax(sc, sq);
            if (fabs(t - rint(t)) < 1e-3 * fmax(1.0, t * 1e-3))
                dec++;
        }
    }
    return (nz && 2 * zero >= nz) || 2 * dec >= n;
}

/* q and v: vertices of one box around c (see above) */
static bool box_pair(const float *q, const float *v, const float *c, uint32_t dim)
{
    uint32_t need = box_need(dim), both = 0, mq = 0, mv = 0;
    bool sign = false;
    for (uint32_t i = 0; i < dim; i++) {
        double dq = (double)q[i] - c[i], dv = (double)v[i] - c[i];
        mq += dq != 0;
        mv += dv != 0;
        if (dq == 0 || dv == 0)
            continue;
        double mag = fabs(c[i]) + fmax(fabs(q[i]), fabs(v[i]));
        if (!box_len_eq(fabs(dq), fabs(dv), mag))
            return false;
        both++;
        sign |= (dq > 0) != (dv > 0);
    }
    return both >= need && mq >= need && mv >= need && sign && !box_lattice(c, q, v, dim);
}

static bool box_vertex(const float *q, const float *box, uint32_t dim)
{
    const float *c = box, *a = box + dim, *f = box + 2 * (size_t)dim;
    uint32_t need = box_need(dim), known = 0;
    bool flip = false;
    for (uint32_t i = 0; i < dim; i++) {
        double d = (double)q[i] - c[i];
        if (d == 0 || a[i] == 0)
            continue;
        if (!box_len_eq(fabs(d), a[i], fabs(c[i]) + fabs(q[i])))
            return false;
        known++;
        flip |= f[i] != 0 && (d > 0) != (f[i] > 0);
    }
    return known >= need && flip;
}

static bool box_repeat(const struct bd_state *st, const float *q, uint32_t dim, uint32_t n)
{
    for (uint32_t j = 0; j < n; j++)
        if (!memcmp(rel_at(st, dim, j), q, (size_t)dim * sizeof(float)))
            return true;
    return false;
}

/* The row q (raw, before bd_rel_row() keeps it): true when the client's current box holds
 * BOX_V new vertices among its last 32 rows, q one of them. */
bool bd_box_row(struct bd_global *g, struct bd_state *st, const float *q, uint32_t dim)
{
    if (dim < 4 || !st->rel || !st->rows)
        return false;
    uint32_t n = (uint32_t)IG_MIN(st->rows, (uint64_t)st->rel_n);
    n = IG_MIN(n, st->rel_cap);
    bool v = false;
    st->box_m <<= 1;
    if (st->box && box_vertex(q, st->box, dim)) {
        if (box_repeat(st, q, dim, n))
            return false;
        float *c = st->box, *a = st->box + dim;
        for (uint32_t i = 0; i < dim; i++)
            if (a[i] == 0 && q[i] != c[i])
                a[i] = fabsf(q[i] - c[i]);
        st->box_m |= 1;
        v = true;
    } else {
        /* a new box: q and the last row around one of the client's last 16 inputs (a
         * random search sends its vertices one after another, its centre first) */
        for (uint32_t back = 1; back <= 1 && back <= n && !v; back++) {
            uint32_t vs = (uint32_t)((st->rows - back) % st->rel_n);
            if (vs >= st->rel_cap)
                continue;
            const float *vr = rel_at(st, dim, vs);
            /* the first coordinate q and v differ on: a centre c either is one of them
             * there or lies halfway (box_pair()'s own test on that coordinate, first: most
             * kept inputs fail it, at a few instructions each); none, no sign differs */
            uint32_t i0 = 0;
            while (i0 < dim && q[i0] == vr[i0])
                i0++;
            if (i0 == dim)
                continue;
            const double q0 = q[i0], v0 = vr[i0], m0 = fmax(fabs(q0), fabs(v0));
            for (uint32_t k = back + 1; k <= n && !v; k++) {
                uint32_t j = (uint32_t)((st->rows - k) % st->rel_n);
                if (j >= st->rel_cap)
                    continue;
                const float *c = rel_at(st, dim, j);
                const double dq0 = q0 - c[i0], dv0 = v0 - c[i0];
                if (dq0 != 0 && dv0 != 0 && !box_len_eq(fabs(dq0), fabs(dv0), fabs(c[i0]) + m0))
                    continue;
                if (!box_pair(q, vr, c, dim))
                    continue;
                if (box_repeat(st, q, dim, n))
                    return false;
                if (!st->box) {
                    uint64_t bytes = 3ull * dim * sizeof(float);
                    if (!bd_charge_st(g, st, bytes))
                        return false;
                    if (!(st->box = malloc(bytes))) {
                        g->mem_ops->uncharge(g->mem, bytes);
                        st->bytes -= bytes;
                        return false;
                    }
                }
                float *bc = st->box, *a = st->box + dim, *f = st->box + 2 * (size_t)dim;
                memcpy(bc, c, (size_t)dim * sizeof(float));
                for (uint32_t i = 0; i < dim; i++) {
                    float dq = q[i] - c[i], dv = vr[i] - c[i];
                    a[i] = dq != 0 ? fabsf(dq) : fabsf(dv);
                    f[i] = dq != 0 && dv != 0 ? dq : 0;
                }
                st->box_m = 1u | 1u << back;
                v = true;
            }
        }
    }
    return v && pop32(st->box_m) >= BOX_V;
}
