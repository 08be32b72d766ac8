/* adversarial.boundary, sign_walk.c: a point stepped by one fixed length per coordinate
 * (sign-based score attacks: Bandits). */
#include "boundary.h"

/* Sign-based score attacks step their current point by lr * sign(g): Bandits (Ilyas,
 * Engstrom and Madry, ICLR 2019: per iteration the point's label, two probes around it,
 * then x + lr sign(prior)), signSGD-style NES. Each step moves every coordinate it moves by
 * the same length as the step before it did (lr times the feature's unit: one length on an
 * image), in directions that change from step to step as the gradient estimate does; a
 * coordinate clipped to the input's range or the attack's eps-ball stops (0). Natural rows
 * do not repeat a dense step's lengths exactly; a quantised instrument flickering by one
 * step on many channels does, on its lattice (values whole multiples of the step); a ramp
 * does, never turning. */
#define WALK_BACK 12   /* rows searched back for each step's start */
/* Below 16 features readings quantised per channel (each at its own resolution, noise of a
 * step or so) repeat a step's lengths by chance: a device's readings on wine's 13 features
 * made such a walk at row 73 (evasion_streams.py sensor_lsb); not judged there. */
#define WALK_MIN_DIM 16

/* |q - r| == |r - s| on every coordinate both steps move (up to float32 rounding: a step
 * rounded to the rows' decimal step is no evidence, integer records differ by equal
 * integers by chance), both dense (half the coordinates, 3 at least); *flips: the
 * coordinates moved both ways, *both: moved by both steps. */
static bool walk_link(const float *q, const float *r, const float *s, uint32_t dim,
                      uint32_t *flips, uint32_t *both)
{
    uint32_t n1 = 0, n2 = 0, f = 0, b = 0, need = IG_MAX(3u, dim / 2);
    for (uint32_t c = 0; c < dim; c++) {
        double d1 = (double)q[c] - r[c], d2 = (double)r[c] - s[c];
        double tol = 8.0 * ULP * (fabs((double)q[c]) + 2.0 * fabs((double)r[c]) + fabs((double)s[c])) +
                     1e-30;
        bool m1 = fabs(d1) > tol, m2 = fabs(d2) > tol;
        n1 += m1;
        n2 += m2;
        if (m1 && m2) {
            if (fabs(fabs(d1) - fabs(d2)) > tol)
                return false;
            b++;
            f += (d1 < 0) != (d2 < 0);
        }
    }
    *flips = f;
    *both = b;
    return n1 >= need && n2 >= need && b >= need;
}

/* Every coordinate the steps move sits on the lattice of its step's length (v / |d| whole
 * for the three rows given): a quantised reading, not a search. */
static bool walk_lattice(const float *q, const float *r, const float *s, uint32_t dim)
{
    for (uint32_t c = 0; c < dim; c++) {
        double d = fabs((double)q[c] - r[c]);
        if (d == 0)
            continue;
        const float v[3] = { q[c], r[c], s[c] };
        for (int k = 0; k < 3; k++) {
            double t = v[k] / d, tol = 1e-5 * (1.0 + fabs(t));
            if (fabs(t - rint(t)) > tol)
                return false;
        }
    }
    return true;
}

/* q ends a walk of three steps among the client's last WALK_BACK rows (q - r1, r1 - r2, r2 -
 * r3: each dense, the same length per coordinate as the step before, probes allowed
 * between them), turning on some coordinates and not on others (a ramp never turns; a
 * sweep back and forth turns all at once), going on (two steps move the point on an eighth
 * of the coordinates, 3 at least), off its steps' lattice, and q new on some coordinate (a
 * two-level flicker only revisits). Only while the client is in a run of
 * near-duplicates (st->run), on rows of WALK_MIN_DIM features or more. */
bool bd_sign_walk_row(const struct bd_state *st, const float *q, uint32_t dim)
{
    if (dim < WALK_MIN_DIM || !st->rel || !st->run || st->rows < 3)
        return false;
    uint32_t n = (uint32_t)IG_MIN(IG_MIN(st->rows, (uint64_t)st->rel_n), (uint64_t)WALK_BACK);
    const float *row[WALK_BACK];
    for (uint32_t k = 0; k < n; k++) {
        uint32_t s = (uint32_t)((st->rows - 1 - k) % st->rel_n);
        if (s >= st->rel_cap || st->rel_row[s] != st->rows - 1 - k)
            return false;
        row[k] = rel_at(st, dim, s);
    }
    for (uint32_t i = 0; i < n; i++) {
        const float *r1 = row[i];
        /* the first coordinate q moves off r1: a cheap test of each r2 there */
        uint32_t c0 = 0;
        while (c0 < dim && q[c0] == r1[c0])
            c0++;
        if (c0 == dim)
            continue;
        double d0 = fabs((double)q[c0] - r1[c0]);
        for (uint32_t j = i + 1; j < n; j++) {
            const float *r2 = row[j];
            double e0 = fabs((double)r1[c0] - r2[c0]);
            if (e0 != 0 && fabs(e0 - d0) > 16.0 * ULP * (fabs((double)q[c0]) + 2.0 * fabs((double)r1[c0]) +
                                                        fabs((double)r2[c0])) + 1e-30)
                continue;
            uint32_t f1, b1;
            if (!walk_link(q, r1, r2, dim, &f1, &b1))
                continue;
            for (uint32_t k = j + 1; k < n; k++) {
                const float *r3 = row[k];
                uint32_t f2, b2;
                if (!walk_link(r1, r2, r3, dim, &f2, &b2))
                    continue;
                /* q - r1 and r2 - r3 alike too where both move (a coordinate r1 - r2 left) */
                bool alike = true;
                for (uint32_t c = 0; c < dim && alike; c++) {
                    double d1 = fabs((double)q[c] - r1[c]), d3 = fabs((double)r2[c] - r3[c]);
                    double tol = 8.0 * ULP * (fabs((double)q[c]) + fabs((double)r1[c]) +
                                              fabs((double)r2[c]) + fabs((double)r3[c])) + 1e-30;
                    alike = d1 <= tol || d3 <= tol || fabs(d1 - d3) <= tol;
                }
                if (!alike)
                    continue;
                /* the walk goes on: two steps move the point on many coordinates (a client
                 * going back and forth between two records, one of them edited in a field,
                 * repeats one step's lengths too: the popular-record pattern) */
                uint32_t on2 = 0, on3 = 0, need = IG_MAX(3u, dim / 8);
                for (uint32_t c = 0; c < dim; c++) {
                    on2 += q[c] != r2[c];
                    on3 += r1[c] != r3[c];
                }
                if (on2 < need || on3 < need)
                    continue;
                bool mixed = (f1 && f1 < b1) || (f2 && f2 < b2);
                if (!mixed || walk_lattice(q, r1, r2, dim) || walk_lattice(r1, r2, r3, dim))
                    continue;
                uint32_t fresh_c = 0;
                for (uint32_t c = 0; c < dim; c++)
                    fresh_c += q[c] != r1[c] && q[c] != r2[c] && q[c] != r3[c];
                if (fresh_c)
                    return true;
            }
        }
    }
    return false;
}
