/* adversarial.boundary, toward.c: lines toward one point (the Boundary attack's walk). */
#include "boundary.h"

/* Lines toward one point: the Boundary Attack (s23-walk). Brendel et al. (ICLR 2018), as
 * its authors' code runs it (foolbox 3), makes each candidate from the last adversarial
 * point b: an orthogonal step on the sphere around the original x0 (the spherical
 * candidate), then a step of the distance toward x0 (the candidate); every 10th step it
 * queries the spherical candidate too, to adapt its orthogonal step to the share that
 * stays adversarial (the paper's step-size rule). The candidate lies exactly on the line
 * from the spherical candidate to x0: the two consecutive rows (candidate, spherical
 * candidate) of every such step span a line through the one original, whatever the
 * metric, the step sizes or the answers, and x0 need not be sent. Three such lines meeting
 * in one point far beyond their own rows (MEET_FAR of each line's step at least; 1 %
 * steps: ~100), each pair of rows on its own line (the rows before them off it: an
 * interpolation path holds many rows), the lines dense and apart at their rows on many
 * coordinates by far more than rounding, is exact arithmetic toward one point. A grid in
 * one plane (brightness x contrast) meets lines by construction: the row before the
 * new pair must lie off the plane of the lines. */
#define MEET_FAR 4.0     /* the point at least this many of each line's own steps off */
#define MEET_TOL (16.0 * 0x1p-24)   /* float32 rounding per unit of value, with room */
#define MEET_INFO 10.0   /* a coordinate informs when the pairs differ there by this many
                          * tolerances */
#define TOWARD_NEAR 0.35 /* the lines' rows at most this share of their distance to the point
                          * apart */
#define TOWARD_STEP 0.1 /* a walk's step, as a share of its distance to the point */
#define TOWARD_CLOSER 0.95   /* ... and the newest this much nearer it than the oldest, or
                              * on the boundary */

static inline double meet_tol(const float *p, const float *q, double t, uint32_t i)
{
    return MEET_TOL * (1.0 + fabs(t)) * (fabs((double)p[i]) + fabs((double)q[i]));
}

/* r on the line through p and q, up to rounding */
static bool on_line(const float *r, const float *p, const float *q, uint32_t dim, uint32_t i0)
{
    double lam = ((double)r[i0] - p[i0]) / ((double)q[i0] - p[i0]);
    for (uint32_t i = 0; i < dim; i++) {
        double e = (double)r[i] - p[i] - lam * ((double)q[i] - p[i]);
        if (fabs(e) > meet_tol(p, q, lam, i) + MEET_TOL * fabs((double)r[i]))
            return false;
    }
    return true;
}

/* The lines p->q and a->b meet exactly (float32 rounding aside) at p + t (q - p) =
 * a + s (b - a), |t| and |s| at least MEET_FAR, on min(4, dim) informative coordinates or
 * more; *t. ix: q - p's three largest moves (a first 2 x 2 solve on two of them, the third
 * checked loosely: most pairs of lines stop there). */
static bool lines_meet(const float *p, const float *q, const float *a, const float *b,
                       uint32_t dim, const uint32_t ix[3], double *tp)
{
    uint32_t i = ix[0], j = ix[1], k = ix[2];
    double ui = (double)q[i] - p[i], uj = (double)q[j] - p[j];
    double vi = (double)b[i] - a[i], vj = (double)b[j] - a[j];
    double wi = (double)a[i] - p[i], wj = (double)a[j] - p[j];
    double det = vi * uj - ui * vj;
    /* sn: the sine of the angle between the lines on those two coordinates */
    double sn2 = det * det / ((ui * ui + uj * uj) * (vi * vi + vj * vj));
    double t, s;
    if (sn2 >= 1e-6) {   /* (else nearly parallel there: straight to every coordinate) */
        double sn = sqrt(sn2);
        t = (vi * wj - wi * vj) / det, s = (ui * wj - uj * wi) / det;
        if (fabs(t) < MEET_FAR || fabs(s) < MEET_FAR)
            return false;
        double ek = (double)p[k] + t * ((double)q[k] - p[k]) -
                    ((double)a[k] + s * ((double)b[k] - a[k]));
        if (fabs(ek) > (2.0 + 2.0 / sn) * (meet_tol(p, q, t, k) + meet_tol(a, b, s, k)))
            return false;
    }
    /* the least-squares meeting point, every coordinate */
    double uu = 0, vv = 0, uv = 0, wu = 0, wv = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double u = (double)q[c] - p[c], v = (double)b[c] - a[c], w = (double)a[c] - p[c];
        uu += u * u, vv += v * v, uv += u * v, wu += w * u, wv += w * v;
    }
    double den = uu * vv - uv * uv;
    if (!(den > 1e-12 * uu * vv))
        return false;
    t = (wu * vv - wv * uv) / den;
    s = (wu * uv - wv * uu) / den;
    if (fabs(t) < MEET_FAR || fabs(s) < MEET_FAR)
        return false;
    uint32_t info = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double x1 = (double)p[c] + t * ((double)q[c] - p[c]);
        double x2 = (double)a[c] + s * ((double)b[c] - a[c]);
        double tol = meet_tol(p, q, t, c) + meet_tol(a, b, s, c);
        if (fabs(x1 - x2) > tol)
            return false;
        info += fabs((double)p[c] - a[c]) > MEET_INFO * tol;
    }
    *tp = t;
    return info >= IG_MIN(4u, dim - 1);
}

/* r off the plane through X = p + t (q - p) spanned by u = q - p and v = b - a, by more
 * than rounding: r - X less its projections on e1 = u / |u| and e2, v's part off u,
 * normalised (Gram-Schmidt in doubles, coordinate by coordinate: the two lines of a walk
 * are nearly parallel, and the normal equations lose the residue to cancellation), each
 * coordinate in units of its own rounding tolerance (a plane stays a plane; a table's
 * large features would hide the residue of its small ones) */
static inline double plane_w(const float *r, const float *p, const float *q, double t, uint32_t c)
{
    return 1.0 / (meet_tol(p, q, t, c) + MEET_TOL * (fabs((double)r[c]) + 1e-6));
}

static bool off_plane(const float *r, const float *p, const float *q, const float *a,
                      const float *b, double t, uint32_t dim)
{
    double uu = 0, uv = 0, yu = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double k = plane_w(r, p, q, t, c);
        double u = ((double)q[c] - p[c]) * k, v = ((double)b[c] - a[c]) * k;
        double y = ((double)r[c] - ((double)p[c] + t * ((double)q[c] - p[c]))) * k;
        uu += u * u, uv += u * v, yu += y * u;
    }
    if (!(uu > 0))
        return false;
    double ku = uv / uu, ww = 0, yw = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double k = plane_w(r, p, q, t, c);
        double u = ((double)q[c] - p[c]) * k, w = ((double)b[c] - a[c]) * k - ku * u;
        double y = ((double)r[c] - ((double)p[c] + t * ((double)q[c] - p[c]))) * k;
        ww += w * w, yw += y * w;
    }
    if (!(ww > 0))
        return false;
    double res = 0, cu = yu / uu, cw = yw / ww;
    for (uint32_t c = 0; c < dim; c++) {
        double k = plane_w(r, p, q, t, c);
        double u = ((double)q[c] - p[c]) * k, w = ((double)b[c] - a[c]) * k - ku * u;
        double y = ((double)r[c] - ((double)p[c] + t * ((double)q[c] - p[c]))) * k - cu * u - cw * w;
        res += y * y;
    }
    return res > 16.0 * dim;   /* 4 tolerances RMS; rounding: ~0.2 */
}

/* Lines meeting in X = p + t (q - p), the oldest of them through the kept row in slot
 * <as> (distances in the model's scale <inv>, raw without one): a search toward X when the client walks there in small steps -- p lies within
 * TOWARD_STEP of its distance to X of an earlier row (the candidate is a step of its base,
 * or a sibling of it); records each scaled toward one point (brightness or contrast
 * test-time augmentation) lie about as far from each other as from it -- its lines' rows
 * lie within TOWARD_NEAR of it of each other, and the rows either come nearer X (a walk
 * keeps each step toward the original) or sit on the decision boundary (a label changed,
 * or a margin below <lowm>, since that oldest row). */
static bool toward_search(const struct bd_state *st, const float *p, const float *q,
                          double t, uint32_t as, uint32_t dim, const float *inv, int label,
                          double margin, double lowm)
{
    const float *a = rel_at(st, dim, as);
    double px = 0, ax = 0, pa = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double w = inv ? inv[c] : 1.0, x = (double)p[c] + t * ((double)q[c] - p[c]);
        double dp = ((double)p[c] - x) * w, da = ((double)a[c] - x) * w, d = ((double)p[c] - a[c]) * w;
        px += dp * dp, ax += da * da, pa += d * d;
    }
    if (pa > TOWARD_NEAR * TOWARD_NEAR * px)
        return false;
    bool edge = margin >= 0 && margin < lowm, step = false;
    for (uint64_t row = st->rel_row[as]; row + 1 < st->rows; row++) {
        uint32_t k = (uint32_t)(row % st->rel_n);
        if (k >= st->rel_cap || st->rel_row[k] != row)
            continue;
        edge |= (label >= 0 && st->rel_lab[k] >= 0 && st->rel_lab[k] != label) ||
                (st->rel_margin[k] >= 0 && st->rel_margin[k] < lowm);
        if (!step) {
            const float *y = rel_at(st, dim, k);
            double d2 = 0;
            for (uint32_t c = 0; c < dim; c++) {
                double d = ((double)y[c] - p[c]) * (inv ? inv[c] : 1.0);
                d2 += d * d;
            }
            step = d2 <= TOWARD_STEP * TOWARD_STEP * px;
        }
    }
    return step && (edge || px <= TOWARD_CLOSER * TOWARD_CLOSER * ax);
}

/* Lines through the original (s24): the Boundary attack's walk toward an original the client
 * asked about. A decision-based attacker needs the original's label and asks the model for
 * it (ART's BoundaryAttack predicts its originals first; a script around foolbox asks the
 * endpoint what x0 is), so x0 is often among the client's kept rows when the walk begins.
 * The walk's 10th step's pair (candidate c, spherical candidate s: c = s + lambda (x0 - s))
 * then lies on a line exactly through that row, 1 / lambda - 1 of its own steps beyond
 * (~99 at foolbox's 1 %), the first pair of the walk: 10 steps in, where three pairs'
 * lines meeting (above) take 30. Exact as the meetings are (a line through a point that was
 * sent, in any metric), and far: x0 at least MEET_FAR of the pair's steps off, apart from
 * p on min(4, dim - 1) coordinates by MEET_INFO tolerances or more. And a search toward it
 * (origin_walk()): the rows since x0 step in small steps (p within TOWARD_STEP of its
 * distance to x0 of one of them), and from the oldest of them near p (within TOWARD_NEAR
 * of that distance, ORIGIN_ROWS rows before p at least) they came TOWARD_CLOSER nearer x0
 * or sat on the decision boundary (a label other than q's, a low margin). Records each
 * followed by a copy scaled toward a point that was sent (a black frame, a mid-grey image,
 * mixup's fixed image) lie far from each other (no small steps) or, as frames of a steady
 * scene, neither come nearer it nor change label. Searched only for a client in a run of
 * near-duplicates, as the meetings are. An original sent more than the relations' last
 * rows before the 10th step (a batch of originals predicted at once, then attacked one by
 * one) is out of reach: the three lines remain. */
#define ORIGIN_ROWS 4    /* rows from the oldest row near p to p, at least */

/* x (slot xs) lies on the line p -> q, exactly up to rounding, at p + t (q - p) with |t|
 * at least MEET_FAR, apart from p on min(4, dim - 1) informative coordinates; *tp */
static bool through_row(const float *x, const float *p, const float *q, uint32_t dim,
                        const uint32_t ix[3], double *tp)
{
    uint32_t i = ix[0], j = ix[1];
    double t = ((double)x[i] - p[i]) / ((double)q[i] - p[i]);
    if (!(fabs(t) >= MEET_FAR))
        return false;
    /* (a second coordinate first: most rows are off the line there) */
    double ej = (double)x[j] - p[j] - t * ((double)q[j] - p[j]);
    if (fabs(ej) > meet_tol(p, q, t, j) + MEET_TOL * fabs((double)x[j]))
        return false;
    uint32_t info = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double tol = meet_tol(p, q, t, c) + MEET_TOL * fabs((double)x[c]);
        if (fabs((double)x[c] - p[c] - t * ((double)q[c] - p[c])) > tol)
            return false;
        info += fabs((double)x[c] - p[c]) > MEET_INFO * tol;
    }
    *tp = t;
    return info >= IG_MIN(4u, dim - 1);
}

/* The rows since row <xrow> (the original x) search toward it (see above). */
static bool origin_walk(const struct bd_state *st, const float *p, const float *x,
                        uint64_t xrow, uint32_t dim, const float *inv, int label, double margin,
                        double lowm)
{
    double px = 0;
    for (uint32_t c = 0; c < dim; c++) {
        double d = ((double)p[c] - x[c]) * (inv ? inv[c] : 1.0);
        px += d * d;
    }
    bool edge = margin >= 0 && margin < lowm, step = false, near = false;
    double ax = 0;
    uint64_t arow = 0;
    for (uint64_t row = xrow + 1; row + 1 < st->rows; row++) {
        uint32_t k = (uint32_t)(row % st->rel_n);
        if (k >= st->rel_cap || st->rel_row[k] != row)
            continue;
        const float *y = rel_at(st, dim, k);
        double yp = 0, yx = 0;
        for (uint32_t c = 0; c < dim; c++) {
            double w = inv ? inv[c] : 1.0, d = ((double)y[c] - p[c]) * w, e = ((double)y[c] - x[c]) * w;
            yp += d * d, yx += e * e;
        }
        step |= yp <= TOWARD_STEP * TOWARD_STEP * px;
        if (!near && yp <= TOWARD_NEAR * TOWARD_NEAR * px)
            near = true, ax = yx, arow = row;
        if (near)
            edge |= (label >= 0 && st->rel_lab[k] >= 0 && st->rel_lab[k] != label) ||
                    (st->rel_margin[k] >= 0 && st->rel_margin[k] < lowm);
    }
    return step && near && st->rows - 1 - arow >= ORIGIN_ROWS &&
           (edge || px <= TOWARD_CLOSER * TOWARD_CLOSER * ax);
}

/* The row q (raw, before bd_rel_row() keeps it; its answer's label and margin): true when the
 * step from the client's last row to q lies on a line meeting two earlier pairs' lines in
 * one point, far off, and the rows search toward it (see above); *iso: that step is a
 * pair's line (dense, the row before off it); *met: it met an earlier one. */
enum bd_kind bd_toward_row(const struct bd_params *pp, const struct bd_state *st, const float *q,
                           uint32_t dim, const float *inv, int label, double margin, bool *iso,
                           bool *met, bool *origin)
{
    *iso = *met = *origin = false;
    if (dim < 3 || !st->rel || st->rows < 4)
        return BD_NONE;
    uint32_t n = (uint32_t)IG_MIN(st->rows, (uint64_t)st->rel_n);
    uint32_t ps = (uint32_t)((st->rows - 1) % st->rel_n), rs = (uint32_t)((st->rows - 2) % st->rel_n);
    if (ps >= st->rel_cap || rs >= st->rel_cap)
        return BD_NONE;
    const float *p = rel_at(st, dim, ps), *r = rel_at(st, dim, rs);
    /* q - p's three largest moves; dense: min(3, dim) coordinates moved at least */
    uint32_t ix[3] = { 0, 0, 0 }, moved = 0;
    double top[3] = { -1, -1, -1 };
    for (uint32_t c = 0; c < dim; c++) {
        double d = fabs((double)q[c] - p[c]);
        moved += d > 0;
        if (d > top[2]) {
            int at = d > top[0] ? 0 : d > top[1] ? 1 : 2;
            for (int m = 2; m > at; m--)
                top[m] = top[m - 1], ix[m] = ix[m - 1];
            top[at] = d, ix[at] = c;
        }
    }
    if (moved < 3 || on_line(r, p, q, dim, ix[0]))
        return BD_NONE;
    *iso = true;
    /* a walk's rows are near-duplicates of each other (steps of ~1 % of its distance to
     * the original): only a client in a run of them (st->run) is searched for meetings,
     * which spares the pairs of every client sending unrelated records */
    if (!st->run)
        return BD_NONE;
    /* a kept row the pair's line passes through, far off: the original (lines through the
     * original, above) */
    for (uint32_t back = 3; back <= n; back++) {
        uint32_t xs = (uint32_t)((st->rows - back) % st->rel_n);
        double t;
        if (xs >= st->rel_cap || st->rel_row[xs] != st->rows - back ||
            !through_row(rel_at(st, dim, xs), p, q, dim, ix, &t))
            continue;
        *origin = true;
        if (origin_walk(st, p, rel_at(st, dim, xs), st->rows - back, dim, inv, label, margin,
                        pp->margin))
            return BD_ORIGIN;
    }
    double ts[8];
    uint32_t nt = 0, sa[8];
    for (uint32_t back = 2; back + 1 <= n; back++) {
        uint32_t bs = (uint32_t)((st->rows - back) % st->rel_n);
        uint32_t as = (uint32_t)((st->rows - back - 1) % st->rel_n);
        if (bs >= st->rel_cap || as >= st->rel_cap || !(st->rel_judged[bs] & ISO) ||
            st->rel_row[bs] != st->rows - back || st->rel_row[as] != st->rows - back - 1)
            continue;
        const float *a = rel_at(st, dim, as), *b = rel_at(st, dim, bs);
        double t;
        if (!lines_meet(p, q, a, b, dim, ix, &t))
            continue;
        *met = true;
        if (!off_plane(r, p, q, a, b, t, dim))
            continue;   /* a plane's grid: its rows meet by construction */
        for (uint32_t m = 0; m < nt; m++)
            if (fabs(t - ts[m]) <= 1e-2 * fabs(ts[m]) &&
                toward_search(st, p, q, t, sa[m], dim, inv, label, margin, pp->margin))
                return BD_TOWARD;   /* a third line through the same point */
        if (nt < 8)
            ts[nt] = t, sa[nt++] = as;
    }
    return BD_NONE;
}
