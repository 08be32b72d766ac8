/* adversarial.boundary, relations.c: exact relations (lines, mirrors, parallelograms) and
 * their rounding tests. */
#include "boundary.h"

/* ---- exact relations between a row and the client's earlier raw inputs ----
 * Attack code builds its queries from earlier ones by arithmetic: a binary search puts the
 * next query exactly between two earlier ones on a line (HopSkipJump, Boundary attack,
 * Sign-OPT, RayS), SimBA tries x - e then x + e around its base, ZOO and NES send antithetic
 * pairs x + e, x - e (four of them make a parallelogram). Natural near-duplicates (frames,
 * sensor noise, noisy records) obey no such identity beyond float rounding, and the ones that
 * do (what-if sliders sweeping one feature over a grid) move a single coordinate and are left
 * out. All tests are exact up to float32 rounding of the attacker's float64 arithmetic, so
 * per-feature scale does not matter: they run on the raw inputs from the first row. */

#if BD_SSE2
/* Lanes of v (two values as doubles) off a multiple of 1 / s: |t - rint(t)| > t rel + lim
 * for t = |v s|, as the scalar test (|v - rint(v)| is |t - rint(t)|). rint(t) is
 * (t + 2^52) - 2^52 below 2^52 (rounded to nearest, ties to even, as rint in the default
 * mode); at or above it t is an integer and that sum is within 2 ulp(t) of t, under
 * t 2^-22: such a lane passes as with rint, so no select for it */
static inline __m128d off_step(__m128d v, __m128d s, __m128d rel, __m128d lim)
{
    const __m128d big = _mm_set1_pd(0x1p52);
    __m128d t = abs_pd(_mm_mul_pd(v, s));
    __m128d d = abs_pd(_mm_sub_pd(t, _mm_sub_pd(_mm_add_pd(t, big), big)));
    return _mm_cmpgt_pd(d, _mm_add_pd(_mm_mul_pd(t, rel), lim));
}
#endif

/* The decimal step a row was written with: 10^-k for the smallest k <= 6 at which every
 * value is a multiple of it (a client printing "%.4f", integer pixel counts, a table of
 * measurements with two decimals), 0 for full float precision. The relations allow half a
 * step of rounding per input on top of float32's. */
float bd_decimal_quantum(const float *x, uint32_t dim)
{
    /* First a value no step can pass: a multiple of 10^-k within the tolerance below is
     * one of 10^-6 within |v| 2^-22 + 10^(6-k) 1e-9 at v = x 10^6 (the double products
     * are exact to 2^-53), so a value farther than |v| 2^-22 (1 + 2^-13) + 1.001e-3 from
     * an integer there fails every k. Among the first four values only: a row at full
     * float precision with one of them below ~2 in magnitude is settled at once instead
     * of by seven passes (iris's searches), and a row whose values all pass costs one
     * register more, not a pass (64 features above 2: every one passes) */
    const uint32_t head = dim < 4 ? dim : 4;
#if BD_SSE2
    if (head == 4) {
        const __m128 f = _mm_loadu_ps(x);
        const __m128d m6 = _mm_set1_pd(1e6), rel = _mm_set1_pd(0x1p-22 + 0x1p-35),
                      abs_lim = _mm_set1_pd(1.001e-3);
        /* (t at or above 2^52 passes both ways: see off_step()) */
        if (_mm_movemask_pd(_mm_or_pd(off_step(_mm_cvtps_pd(f), m6, rel, abs_lim),
                                      off_step(_mm_cvtps_pd(_mm_movehl_ps(f, f)), m6, rel,
                                               abs_lim))))
            return 0.0f;
    } else
#endif
    for (uint32_t j = 0; j < head; j++) {
        double v = fabs((double)x[j] * 1e6);
        if (v < 0x1p52 && fabs(v - rint(v)) > v * (0x1p-22 + 0x1p-35) + 1.001e-3)
            return 0.0f;
    }
    double s = 1.0;
    for (int k = 0; k <= 6; k++, s *= 10.0) {
        uint32_t j = 0;
#if BD_SSE2
        /* four values at a time in the same double arithmetic (off_step()) */
        const __m128d sv = _mm_set1_pd(s), rel = _mm_set1_pd(0x1p-22),
                      abs_lim = _mm_set1_pd(1e-9);
        bool off = false;
        for (; j + 4 <= dim && !off; j += 4) {
            const __m128 f = _mm_loadu_ps(x + j);
            off = _mm_movemask_pd(_mm_or_pd(off_step(_mm_cvtps_pd(f), sv, rel, abs_lim),
                                            off_step(_mm_cvtps_pd(_mm_movehl_ps(f, f)), sv,
                                                     rel, abs_lim))) != 0;
        }
        if (off)
            continue;
#endif
        for (; j < dim; j++) {
            double v = (double)x[j] * s;
            if (fabs(v - rint(v)) > fabs(v) * 0x1p-22 + 1e-9)
                break;
        }
        if (j == dim)
            return (float)(1.0 / s);
    }
    return 0.0f;
}

#if BD_SSE2

/* moved() of features k .. k + 3 as bits 0-3, in the same double arithmetic (x86-64's
 * SSE2 baseline: two features per register, no fused operations), so the same answers
 * without a hard-to-predict branch per feature */
static inline unsigned moved4(const float *a, const float *b, float qe)
{
    const __m128 fa = _mm_loadu_ps(a), fb = _mm_loadu_ps(b);
    const __m128d tol = _mm_set1_pd(64.0 * 4.0 * ULP), tiny = _mm_set1_pd(1e-30),
                  half = _mm_set1_pd(0.5 * qe);
    unsigned m = 0;
    for (int h = 0; h < 2; h++) {
        __m128d x = _mm_cvtps_pd(h ? _mm_movehl_ps(fa, fa) : fa),
                y = _mm_cvtps_pd(h ? _mm_movehl_ps(fb, fb) : fb);
        __m128d d = abs_pd(_mm_sub_pd(x, y));
        __m128d c = _mm_and_pd(_mm_cmpgt_pd(d, _mm_mul_pd(tol, _mm_add_pd(abs_pd(x), abs_pd(y)))),
                               _mm_and_pd(_mm_cmpgt_pd(d, tiny), _mm_cmpgt_pd(d, half)));
        m |= (unsigned)_mm_movemask_pd(c) << (2 * h);
    }
    return m;
}
#endif

/* bits set in a 4-bit mask */
#define NIB_POP(m) ((uint32_t)(0x4332322132212110ull >> (4u * (m))) & 15u)

/* bd_nnz_diff() from feature k (a multiple of 4 below dim & ~3, or the end of the blocks)
 * on, with n features counted before it, the first of them *first. */
static uint32_t nnz_from(const float *a, const float *b, float qe, uint32_t dim, uint32_t cap,
                         uint32_t k, uint32_t n, int *first)
{
#if BD_SSE2
    for (; k + 4 <= dim && n < cap; k += 4) {
        unsigned m = moved4(a + k, b + k, qe);
        if (!m)
            continue;
        if (n == 0)
            *first = (int)k + __builtin_ctz(m);
        n += NIB_POP(m);
    }
    if (n >= cap)
        return cap;
#endif
    for (; k < dim && n < cap; k++)
        if (moved(a[k], b[k], qe)) {
            if (n++ == 0)
                *first = (int)k;
        }
    return n;
}

/* How many features a and b differ in beyond rounding (moved()), counting up to <cap>;
 * *first = the first such feature (-1 none). */
uint32_t bd_nnz_diff(const float *a, const float *b, float qe, uint32_t dim, uint32_t cap,
                     int *first)
{
    *first = -1;
    return nnz_from(a, b, qe, dim, cap, 0, 0, first);
}

/* bd_nnz_diff(q, row i, ...) of the n row-major rows into qn[i], qf[i], up to the first row
 * equal to q (qn 0: false, the rows after it left out): the kernels' moved_rows, the same
 * test as moved() (an AVX2 path where the CPU has one, one row's four features a
 * register). */
static bool nnz_rows(const float *q, const float *rows, uint32_t n, float qe, uint32_t dim,
                     uint32_t cap, uint32_t *qn, int *qf)
{
    return ig_kern()->moved_rows(q, rows, n, dim, qe, cap, qn, qf);
}

/* a and b differ somewhere by at least 8 decimal steps: a step that rounding to qe cannot
 * have made (readings printed as coarsely as their noise move by a step or two, and
 * coincide by chance). */
bool bd_coarse(const float *a, const float *b, float qe, uint32_t dim)
{
    if (qe <= 0)
        return true;
    for (uint32_t k = 0; k < dim; k++)
        if (fabs((double)a[k] - (double)b[k]) >= 8.0 * qe)
            return true;
    return false;
}

/* q - ri and q - rj move one coordinate the same way, each by more than 4.1 times the
 * rounding the line test below allows there: then that test fails at that coordinate
 * whatever the norms si, sj > 0 (|ui sj + uj si| = |ui| sj + |uj| si exceeds
 * 1e-2 (|ui| sj + |uj| si) + 4 r (si + sj) when |ui|, |uj| > 4 r / 0.99), so the pair is
 * settled without them. Two unrelated earlier inputs are usually settled at their first
 * coordinates; the norms (8 x dim sums in double: 1.5 of bench_detectors' 7.3 us per
 * event at d = 784) are then not needed at all. */
static bool off_line(const float *q, const float *ri, const float *rj, uint32_t dim, float qe)
{
    uint32_t k0 = 0;
#if BD_SSE2
    /* four features at a time in the same double arithmetic (SSE2, no fused operations):
     * one predictable branch per four instead of a coin toss per feature */
    const __m128d f4 = _mm_set1_pd(4.0 * ULP), f41 = _mm_set1_pd(4.1),
                  slack = _mm_set1_pd(1.5 * qe), zero = _mm_setzero_pd();
    for (; k0 + 4 <= dim; k0 += 4) {
        const __m128 fq = _mm_loadu_ps(q + k0), fi = _mm_loadu_ps(ri + k0), fj = _mm_loadu_ps(rj + k0);
        for (int h = 0; h < 2; h++) {
            __m128d x = _mm_cvtps_pd(h ? _mm_movehl_ps(fq, fq) : fq),
                    a = _mm_cvtps_pd(h ? _mm_movehl_ps(fi, fi) : fi),
                    b = _mm_cvtps_pd(h ? _mm_movehl_ps(fj, fj) : fj);
            __m128d ui = _mm_sub_pd(x, a), uj = _mm_sub_pd(x, b);
            __m128d r = _mm_add_pd(_mm_mul_pd(f4, _mm_add_pd(_mm_add_pd(abs_pd(x), abs_pd(a)), abs_pd(b))),
                                   slack);
            __m128d lim = _mm_mul_pd(f41, r);
            __m128d c = _mm_and_pd(_mm_cmpgt_pd(_mm_mul_pd(ui, uj), zero),
                                   _mm_and_pd(_mm_cmpgt_pd(abs_pd(ui), lim),
                                              _mm_cmpgt_pd(abs_pd(uj), lim)));
            if (_mm_movemask_pd(c))
                return true;
        }
    }
#endif
    for (uint32_t k = k0; k < dim; k++) {
        double ui = (double)q[k] - ri[k], uj = (double)q[k] - rj[k];
        double r = 4.0 * ULP * (fabs((double)q[k]) + fabs((double)ri[k]) + fabs((double)rj[k])) +
                   1.5 * qe;
        if (ui * uj > 0 && fabs(ui) > 4.1 * r && fabs(uj) > 4.1 * r)
            return true;
    }
    return false;
}

/* nrm[k] = |q - r[k]| for the m (<= REL_LINE_N) rows r[k], each a sum in double in
 * feature order (the same bits as the plain loop). At d = 784 these eight sums were half
 * of the detector's time, waiting on each add: here the eight rows run side by side, two
 * per SSE2 register (x86-64's baseline: no fused multiply-add, so each lane rounds as the
 * scalar code does), four features of four rows transposed at a time. */
static void line_norms(const float *q, const float *const *r, uint32_t m, uint32_t dim, double *nrm)
{
    uint32_t k0 = 0;
#if BD_SSE2
    if (m == REL_LINE_N) {
        __m128d acc[4] = { _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd() };
        uint32_t c = 0;
        for (; c + 4 <= dim; c += 4) {
            /* a_j: feature c + j of rows 0-3, b_j: of rows 4-7 */
            __m128 a0 = _mm_loadu_ps(r[0] + c), a1 = _mm_loadu_ps(r[1] + c),
                   a2 = _mm_loadu_ps(r[2] + c), a3 = _mm_loadu_ps(r[3] + c);
            __m128 b0 = _mm_loadu_ps(r[4] + c), b1 = _mm_loadu_ps(r[5] + c),
                   b2 = _mm_loadu_ps(r[6] + c), b3 = _mm_loadu_ps(r[7] + c);
            _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
            _MM_TRANSPOSE4_PS(b0, b1, b2, b3);
            const __m128 av[4] = { a0, a1, a2, a3 }, bv[4] = { b0, b1, b2, b3 };
            for (int j = 0; j < 4; j++) {
                const __m128d x = _mm_set1_pd((double)q[c + (uint32_t)j]);
                __m128d u;
                u = _mm_sub_pd(x, _mm_cvtps_pd(av[j]));
                acc[0] = _mm_add_pd(acc[0], _mm_mul_pd(u, u));
                u = _mm_sub_pd(x, _mm_cvtps_pd(_mm_movehl_ps(av[j], av[j])));
                acc[1] = _mm_add_pd(acc[1], _mm_mul_pd(u, u));
                u = _mm_sub_pd(x, _mm_cvtps_pd(bv[j]));
                acc[2] = _mm_add_pd(acc[2], _mm_mul_pd(u, u));
                u = _mm_sub_pd(x, _mm_cvtps_pd(_mm_movehl_ps(bv[j], bv[j])));
                acc[3] = _mm_add_pd(acc[3], _mm_mul_pd(u, u));
            }
        }
        double s[REL_LINE_N];
        for (int j = 0; j < 4; j++)
            _mm_storeu_pd(s + 2 * j, acc[j]);
        for (; c < dim; c++)
            for (uint32_t k = 0; k < REL_LINE_N; k++) {
                double u = (double)q[c] - r[k][c];
                s[k] += u * u;
            }
        for (uint32_t k = 0; k < REL_LINE_N; k++)
            nrm[k] = sqrt(s[k]);
        return;
    }
#endif
    for (; k0 < m; k0++) {
        double n2 = 0;
        for (uint32_t c = 0; c < dim; c++) {
            double u = (double)q[c] - r[k0][c];
            n2 += u * u;
        }
        nrm[k0] = sqrt(n2);
    }
}

/* The parallelogram filter's bound (bd_relations()) for q's value <qv> and the n values v[]
 * at one coordinate: 7.01 ULP x (|qv| + 3 max |v|) + ptol + 1e-30, rounded up into float32
 * (the factor 1 + 2^-20 covers the conversion's half an ulp); false (no bound) when that
 * sum passes 1e37, where float32 sums of the values could overflow. */
static inline bool para_bound(const float *v, uint32_t n, float qv, double ptol, float *b)
{
    float mx = 0;
    uint32_t t = 0;
#if BD_SSE2
    /* (max of magnitudes: exact in any order) */
    const __m128 mag = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    __m128 m4 = _mm_setzero_ps();
    for (; t + 4 <= n; t += 4)
        m4 = _mm_max_ps(m4, _mm_and_ps(_mm_loadu_ps(v + t), mag));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    mx = _mm_cvtss_f32(_mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1)));
#endif
    for (; t < n; t++)
        mx = fabsf(v[t]) > mx ? fabsf(v[t]) : mx;
    const double smax = fabs((double)qv) + 3.0 * (double)mx;
    *b = (float)((7.01 * ULP * smax + ptol + 1e-30) * (1.0 + 0x1p-20));
    return smax <= 1e37;
}

/* Bit k (k < n <= 32) set where |v[k] - r| <= b in float32 (v readable up to n rounded up
 * to four; lanes past n may hold anything): the parallelogram search's filter (bd_relations()),
 * four values a step */
static inline uint32_t para_near(const float *v, uint32_t n, float r, float b)
{
    uint32_t in = 0;
#if BD_SSE2
    const __m128 vr = _mm_set1_ps(r), vb = _mm_set1_ps(b),
                 mag = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    for (uint32_t k = 0; k < n; k += 4)
        in |= (uint32_t)_mm_movemask_ps(
                  _mm_cmple_ps(_mm_and_ps(_mm_sub_ps(_mm_loadu_ps(v + k), vr), mag), vb)) << k;
#else
    for (uint32_t k = 0; k < n; k++)
        in |= (uint32_t)(fabsf(v[k] - r) <= b) << k;
#endif
    return n >= 32 ? in : in & ((1u << n) - 1u);
}

/* q and a mirror each other around b (q + a == 2b, zero_comb()'s tolerance) on every
 * coordinate but those where one of them was clipped to the inputs' range: there that one
 * sits at the lowest (highest) value of the three rows and the other's mirror image lies
 * beyond it. Attack code clips each query to the valid input range (images in [0, 1],
 * digits in 0..16): SimBA's x - e q on a black pixel is 0, not -e q, and with ART's DCT
 * directions every pixel moves, so on a digit about half of every pair's coordinates are
 * clipped. Needs min(3, dim) coordinates moved and mirrored exactly and one clipped at least
 * (without clipping: zero_comb()). */
bool bd_mirror_clipped(const float *q, const float *a, const float *b, float qe, uint32_t dim)
{
    float lo = q[0], hi = q[0];
    for (uint32_t k = 0; k < dim; k++) {
        float m0 = q[k] < a[k] ? q[k] : a[k], m1 = q[k] < a[k] ? a[k] : q[k];
        m0 = b[k] < m0 ? b[k] : m0;
        m1 = b[k] > m1 ? b[k] : m1;
        lo = m0 < lo ? m0 : lo;
        hi = m1 > hi ? m1 : hi;
    }
    if (!(lo < hi))
        return false;
    double qtol = 0.5 * qe * 4.0 * 1.0001;
    uint32_t exact = 0, clipped = 0;
    for (uint32_t k = 0; k < dim; k++) {
        double v = (double)q[k] + a[k] - 2.0 * b[k];
        double tol = 4.0 * ULP * (fabs((double)q[k]) + fabs((double)a[k]) + 2.0 * fabs((double)b[k])) +
                     qtol + 1e-30;
        if (fabs(v) <= tol) {
            exact += q[k] != b[k];
            continue;
        }
        /* one side at the range's end, the other's mirror image beyond it */
        double rq = 2.0 * b[k] - a[k], ra = 2.0 * b[k] - q[k];
        bool ok = (q[k] == lo && rq < lo - tol) || (q[k] == hi && rq > hi + tol) ||
                  (a[k] == lo && ra < lo - tol) || (a[k] == hi && ra > hi + tol);
        if (!ok)
            return false;
        clipped++;
    }
    return clipped > 0 && exact >= IG_MIN(3u, dim);
}

/* q + a == b + c (slots ai, bi, ci: three distinct kept inputs, all distinct from q) within
 * rounding, and the two sides a probe's (bd_relations()): sets h's parallelogram. */
static inline bool para_try(const float *q, const struct bd_state *st, uint32_t ai, uint32_t bi,
                            uint32_t ci, const uint32_t *qn, const int *qf, float qe, uint32_t dim,
                            uint32_t dense, struct rel_hit *h)
{
    const float *a = rel_at(st, dim, ai), *b = rel_at(st, dim, bi), *c = rel_at(st, dim, ci);
    if (!zero_comb(q, a, 1.0, b, -1.0, c, -1.0, qe, dim))
        return false;
    int f2;
    if (!bd_nnz_diff(a, b, qe, dim, 1, &f2) || !bd_nnz_diff(a, c, qe, dim, 1, &f2) ||
        !bd_nnz_diff(b, c, qe, dim, 1, &f2))
        return false;
    /* both sides (q - b and q - c) move several coordinates: antithetic pairs around one
     * centre. A side along one coordinate is the same slider step taken on two records (a
     * what-if tool's grid), not a probe. */
    uint32_t side = qn[bi] < qn[ci] ? qn[bi] : qn[ci];
    if (side < 2 || !bd_coarse(q, b, qe, dim) || !bd_coarse(q, c, qe, dim) ||
        !bd_coarse(q, a, qe, dim))   /* q a rounding step from a: b, c mirror a, no pair
                                   * (integer records: 0 and 16 around 8) */
        return false;
    h->synth = h->two = true;
    h->coord = side >= dense && dense >= 2 ? -1 : qf[bi];
    h->para = (int)ai;
    h->anti = (int)ai;
    return true;
}

void bd_relations(const struct bd_params *p, const struct bd_state *st, const float *q,
                  float qq, uint32_t dim, int label, double margin, const float *inv,
                  struct rel_hit *h)
{
    memset(h, 0, sizeof(*h));
    h->coord = -2;
    h->base = h->step = -1;
    h->qe = qq;
    h->rest = -1;
    h->swept = -1;
    h->nearest = -1;
    h->para = -1;
    h->anti = -1;
    h->far_all = -1;
    h->same = -1;
    h->newest_d2 = -1.0f;
    uint32_t slots = st->rel_n;
    uint32_t n = st->rows < slots ? (uint32_t)st->rows : slots;
    if (n < 1)
        return;
    uint32_t dense = dim < 3 ? dim : 3;
    /* The decimal step the client writes with: the smallest of its kept rows' (a client
     * that rounds its output rounds every row; one that does not sends its computed points
     * at full precision, and its integer or two-decimal records are then exact). */
    float qe = qq;
    uint32_t i0 = 0;
#if BD_SSE2
    /* four at a time: the steps are 0 or powers of ten, never NaN, so minps is the same
     * minimum in any order (the scalar loop waited on each compare: ~1 % of a run) */
    __m128 qv = _mm_set1_ps(qq);
    for (; i0 + 4 <= n; i0 += 4)
        qv = _mm_min_ps(_mm_loadu_ps(st->rel_quant + i0), qv);
    qv = _mm_min_ps(qv, _mm_movehl_ps(qv, qv));
    qv = _mm_min_ss(qv, _mm_shuffle_ps(qv, qv, 1));
    qe = _mm_cvtss_f32(qv);
#endif
    for (uint32_t i = i0; i < n; i++)
        qe = st->rel_quant[i] < qe ? st->rel_quant[i] : qe;
    h->qe = qe;
    /* distinctness from q and distance, once per slot */
    uint32_t qn[REL_N];
    int qf[REL_N];
    float d2[REL_N];
    int nearest = -1;
    if (!nnz_rows(q, st->rel, n, qe, dim, dense, qn, qf)) {
        for (uint32_t i = 0; i < n; i++)   /* (qn 0: the first row equal to q) */
            if (qn[i] == 0) {
                h->same = (int)i;
                break;
            }
        return;   /* a repeat (retry, re-score) adds no structure */
    }
    /* squared distance of q to each kept row, per feature scaled by inv (NULL: raw
     * units); for ranking only, in float, the same bits on every kernel path */
    ig_kern()->l2sq_rows(q, st->rel, inv, dim, n, d2);
    uint32_t j0 = 0;
#if BD_SSE2
    /* the first of the smallest, four at a time: minps passes a NaN by (as the scalar
     * loop's < does, but for a NaN in slot 0, which that loop keeps: left to it), then the
     * first slot holding that minimum (the scalar loop waited on each compare) */
    if (n >= 4 && d2[0] == d2[0]) {
        __m128 mv = _mm_set1_ps(INFINITY);
        for (; j0 + 4 <= n; j0 += 4)
            mv = _mm_min_ps(_mm_loadu_ps(d2 + j0), mv);
        mv = _mm_min_ps(mv, _mm_movehl_ps(mv, mv));
        mv = _mm_min_ps(mv, _mm_shuffle_ps(mv, mv, 0x55));
        mv = _mm_shuffle_ps(mv, mv, 0);
        for (uint32_t i = 0; i < j0; i += 4) {
            unsigned eq = (unsigned)_mm_movemask_ps(_mm_cmpeq_ps(_mm_loadu_ps(d2 + i), mv));
            if (eq) {
                nearest = (int)(i + (uint32_t)__builtin_ctz(eq));
                break;
            }
        }
    }
#endif
    for (uint32_t i = j0; i < n; i++)   /* the rest, or every slot */
        if (nearest < 0 || d2[i] < d2[nearest])
            nearest = (int)i;
    /* below 8 features (no stars): a stale nearest input gives way to a fresh one, one
     * coordinate off q, at most twice as far. A search that kept a step probes around it,
     * and each probe x1 +- e_k is one coordinate and as far from the old base's probe
     * x0 +- e_k (stale once a pass of 8 requests went by) as from x1 */
    if (dim < 8 && !fresh(st, (uint32_t)nearest)) {
        int nf = -1;
        for (uint32_t i = 0; i < n; i++)
            if (qn[i] == 1 && fresh(st, i) && (nf < 0 || d2[i] < d2[nf]))
                nf = (int)i;
        if (nf >= 0 && d2[nf] <= 4.0f * d2[nearest])
            nearest = nf;
    }
    h->nearest = nearest;
    h->near_d2 = d2[nearest];
    h->newest_d2 = d2[(st->rows - 1) % slots];
    h->near_nnz = qn[nearest];
    h->near_first = qf[nearest];
    /* (h->far_all: in the candidates' pass below) */

    /* siblings: q moves one coordinate of its nearest earlier input b, and b already had
     * such a child along another coordinate (SimBA trying coordinate after coordinate
     * around its base, ZOO's coordinate probes around one point). A sensor updating
     * channels in turn makes a chain (each reading the child of the previous one); a slider
     * sweep moves one coordinate; quantisation flicker moves a few at a time. A second
     * child along b's first child's coordinate that is not its mirror (x - e, then x + e)
     * sets that feature to another value of a grid: b is swept, as a one-at-a-time
     * sensitivity analysis (ICE curves, a tornado chart: several values of each feature in
     * turn, the others held) does, and its later children are no siblings. A search
     * probes one coordinate once or twice, the second time the mirror of the first. */
    if (dim >= 4 && qn[nearest] == 1 && fresh(st, (uint32_t)nearest) &&
        bd_coarse(q, rel_at(st, dim, (uint32_t)nearest), qe, dim)) {
        uint32_t bi = (uint32_t)nearest;
        h->base = nearest;
        h->step = qf[nearest];
        int32_t ch = st->rel_child[bi];
        if (ch && ch - 1 != qf[nearest] && !(st->rel_judged[bi] & SWEPT)) {
            h->synth = true;
            h->coord = qf[nearest];
        } else if (ch && ch - 1 == qf[nearest]) {
            int c = st->rel_kid[bi];
            if (c >= 0 && st->rel_row[c] == st->rel_kid_row[bi] &&
                !zero_comb(q, rel_at(st, dim, (uint32_t)c), 1.0, rel_at(st, dim, bi), -2.0, NULL,
                           0, qe, dim))
                h->swept = (int)bi;
        }
    }

    /* the noise on q against its nearest fresh input: its move off the largest coordinate
     * (the client's noise floor learns it, bd_noise_learn()) */
    if (dim >= 4 && fresh(st, (uint32_t)nearest)) {
        const float *b = rel_at(st, dim, (uint32_t)nearest);
        double top = 0, sum = 0;
        for (uint32_t k = 0; k < dim; k++) {
            double z = ((double)q[k] - b[k]) * (inv ? inv[k] : 1.0f), z2 = z * z;
            sum += z2;
            top = z2 > top ? z2 : top;
        }
        h->rest = (sum - top) / (dim - 1);
    }

    /* the same through noise an attacker adds to every query: q moves one coordinate of
     * its nearest earlier input far more than the others. It is a relation when b's first
     * child moved the same coordinate the other way by the same length up to the noise
     * (SimBA's x - e, dropped, then x + e); a second child along another coordinate is
     * what a sensor updating channels in turn makes by chance (a reading's nearest earlier
     * one is not always the one before). */
    /* ... and with the client's noise per coordinate known, when q is no such step of its
     * nearest fresh input in the model's scale, its nearest fresh input in that noise's
     * units, if another, is tried (the noise of a few wide coordinates decides the former:
     * SimBA behind noise on breast cancer, the base's dropped sibling taken for nearest), as
     * a step of one coordinate only: no second one moving half as far (two steps, a
     * grandchild of it, are no child) */
    int nb = -1;
    if (h->base < 0 && inv && dim >= 8 && nz_ready(st)) {
        double best = INFINITY;
        for (uint32_t i = 0; i < n; i++) {
            if (!fresh(st, i) || qn[i] < dense)
                continue;
            const float *r = rel_at(st, dim, i);
            double w = 0;
            for (uint32_t k = 0; k < dim && w < best; k++) {
                double z = ((double)q[k] - r[k]) * inv[k];
                w += z * z / nz_var(st, k);
            }
            if (w < best) {
                best = w;
                nb = (int)i;
            }
        }
    }
    for (int t = 0; t < 2 && h->base < 0 && dim >= 4; t++) {
        int bi = t ? nb : nearest;
        if (bi < 0 || (t && bi == nearest) || qn[bi] < dense || !fresh(st, (uint32_t)bi))
            continue;
        double v;
        const float *b = rel_at(st, dim, (uint32_t)bi);
        int k = bd_dominant(q, b, inv, qe, dim, st, &v);
        if (k >= 0 && t) {
            double u1 = 0, u2 = 0;
            for (uint32_t c = 0; c < dim; c++) {
                double z = ((double)q[c] - b[c]) * inv[c], z2 = z * z / nz_var(st, c);
                if (z2 > u1) {
                    u2 = u1;
                    u1 = z2;
                } else if (z2 > u2) {
                    u2 = z2;
                }
            }
            if (4.0 * u2 >= u1)
                k = -1;
        }
        if (k >= 0) {
            h->base = bi;
            h->step = k;
            h->approx = true;
            int c = st->rel_kid[bi];
            h->asynth = st->rel_child[bi] - 1 == k && c >= 0 &&
                        st->rel_row[c] == st->rel_kid_row[bi] &&
                        bd_noisy_mirror(v, (double)rel_at(st, dim, (uint32_t)c)[k] - b[k], inv, k,
                                        nz_floor(st, inv, dim, k));
        }
    }

    /* mirror around its nearest earlier input b: q - b == -(a - b), a sent after b
     * (SimBA's x - e then x + e around its base; ZOO's and NES's antithetic pairs after
     * their centre, also when other targets' rows come between). In a grid sweep the
     * nearest earlier input is the previous grid value, sent between the two. */
    if (!h->synth && fresh(st, (uint32_t)nearest) &&
        bd_coarse(q, rel_at(st, dim, (uint32_t)nearest), qe, dim)) {
        uint32_t bi = (uint32_t)nearest;
        const float *b = rel_at(st, dim, bi);
        /* zero_comb()'s first coordinate, a superset first in float32 (as the parallelogram
         * filter below): e = a - (2b - q) rounds twice (2b is exact) by at most 2^-24 of
         * S = |q| + |a| + 2|b| each, so a pass there (|q + a - 2b| <= 4 ULP S + qtol +
         * 1e-30) has |e| <= 6.01 ULP S + qtol + 1e-30 (S <= 1e37, else no filter) */
        const double mq = fabs((double)q[0]) + 2.0 * fabs((double)b[0]),
                     mt = 0.5 * qe * (1.0 + 1.0 + 2.0) * 1.0001 + 1e-30;
        const float r0 = 2.0f * b[0] - q[0];
        const bool mfilt = mq <= 1e37;
        for (uint32_t ai = 0; ai < n; ai++) {
            if (ai == bi || !qn[ai] || st->rel_row[ai] <= st->rel_row[bi])
                continue;
            const float *a = rel_at(st, dim, ai);
            if (mfilt && fabs((double)a[0]) <= 1e37 &&
                (double)fabsf(a[0] - r0) > (6.01 * ULP * (mq + fabs((double)a[0])) + mt) * (1.0 + 0x1p-20))
                continue;
            if (zero_comb(q, a, 1.0, b, -2.0, NULL, 0, qe, dim)) {
                h->synth = h->two = true;
                h->coord = qn[bi] >= dense && dense >= 2 ? -1 : qf[bi];
                h->anti = (int)ai;
                break;
            }
        }
        /* ... or up to clipping (bd_mirror_clipped()): dense pairs of wide rows only */
        for (uint32_t ai = 0; ai < n && !h->synth && dim >= 8 && qn[bi] >= dense; ai++) {
            if (ai == bi || !qn[ai] || st->rel_row[ai] <= st->rel_row[bi])
                continue;
            if (bd_mirror_clipped(q, rel_at(st, dim, ai), b, qe, dim)) {
                h->synth = h->two = h->clipped = true;
                h->coord = -1;
                h->anti = (int)ai;
            }
        }
    }
    /* parallelogram q + a == b + c of four distinct inputs among q's nearest, both sides
     * over several coordinates (ZOO's and NES's antithetic pairs around one centre) */
    uint32_t cand[REL_NEAR + 1], nc = 0, all[REL_N], nall = 0;
    int far = -1;   /* the fresh input farthest from q: its antipode when NES sends x + s u
                     * and x - s u around a centre it never sends */
    float cd[REL_NEAR];   /* d2 of each of cand (the insertion below reads them directly) */
    int far_all = -1;     /* (h->far_all, in the same pass; a local: h's ints may alias qn) */
    for (uint32_t i = 0; i < n; i++) {
        const float di = d2[i];
        if (qn[i] >= dense && (far_all < 0 || di > d2[far_all]))
            far_all = (int)i;
        if (!qn[i] || !fresh(st, i))
            continue;
        all[nall++] = i;
        if (far < 0 || di > d2[far])
            far = (int)i;
        uint32_t k = nc < REL_NEAR ? nc++ : REL_NEAR;
        if (k == REL_NEAR) {
            if (di >= cd[REL_NEAR - 1])
                continue;
            k = REL_NEAR - 1;
        }
        while (k > 0 && cd[k - 1] > di) {
            cand[k] = cand[k - 1];
            cd[k] = cd[k - 1];
            k--;
        }
        cand[k] = i;
        cd[k] = di;
    }
    h->far_all = far_all;
    h->far_d2 = far_all >= 0 ? d2[far_all] : 0.0f;
    uint32_t na = nc;   /* candidates for a: the nearest, and the farthest */
    if (far >= 0) {
        uint32_t k = 0;
        while (k < nc && cand[k] != (uint32_t)far)
            k++;
        if (k == nc)
            cand[na++] = (uint32_t)far;
    }
    /* The triples tried are those that may pass zero_comb(q, a, 1, b, -1, c, -1) at its
     * first two coordinates (the first below 2 features); any superset of them tried in the
     * same order finds the same first parallelogram, as para_try() only writes h on
     * success. The filter runs in float32 on the inputs' own values (they are float32):
     * with e = (a + q) - (b + c), or c - ((q + a) - b), each operation rounded to float32
     * (3 roundings of at most 2^-24 of S = |q| + |a| + |b| + |c| each), a triple that
     * zero_comb() passes there (|q + a - b - c| <= 4 ULP S + ptol + 1e-30, its double sum
     * within 3 x 2^-53 S of the exact one) has |e| <= 7.000001 ULP S + ptol + 1e-30, where S
     * is at most |q| + 3 x the largest |value| among the inputs searched (para_bound()).
     * The first coordinate four values a step, the second only for what it lets through.
     * The windows before (the first coordinate alone, in double, two values a step, a pass
     * over the candidates per pair) cost, with the triples they let through, 17 % of the
     * detector on replay_x1 (iris rows: 40 % of them with 32 fresh inputs, 28 pairs and 8
     * antipode passes over 32 values a row); on iris's 0.1 cm lattice the first coordinate
     * alone let 7 triples a row through to zero_comb(), 1 % of them parallelograms. Values
     * beyond 1e37 (float32 sums could overflow): no filter, every triple tried. */
    const double ptol = 0.5 * qe * (1.0 + 1.0 + 1.0 + 1.0) * 1.0001;
    const uint32_t nk = dim < 2 ? dim : 2;
    /* With a, b and c all among the nearest: the pairs (b, c) at positions y < z of cand,
     * p-th in the order (0, 1), (0, 2) ... (6, 7), their sums s[p]; the positions x of the
     * candidates a with (a + q) - s[p] within the bound at coordinate 0, then 1: tri[x] bit
     * 8y + z; then tried in the order (x, y, z) the (a, b) loop took them in before (a,
     * then b, then c by position), so the first that passes is the same. */
    _Static_assert(REL_NEAR == 8, "a candidate's triples are one 64-bit mask, 28 pairs");
    static const uint8_t pair_bit[28] = { 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 19, 20,
                                          21, 22, 23, 28, 29, 30, 31, 37, 38, 39, 46, 47, 55 };
    static const uint32_t pair_of[REL_NEAR] = { 0x7fu, 0x1f81u, 0x3e082u, 0x3c2104u, 0x1c44208u,
                                                0x6488410u, 0xa910820u, 0xd221040u };
    static const uint32_t pairs_below[REL_NEAR + 1] = { 0x0u, 0x0u, 0x1u, 0x83u, 0x2187u,
                                                        0x4638fu, 0x4ce79fu, 0x2ddefbfu,
                                                        0xfffffffu };
    uint64_t tri[REL_NEAR] = { 0 };
    if (nc >= 3 && !h->synth) {
        float fc[2][REL_NEAR] = { { 0 } }, fq[2] = { 0, 0 }, bnd[2];
        bool filt = true;
        for (uint32_t k = 0; k < nk; k++) {
            for (uint32_t t = 0; t < nc; t++)
                fc[k][t] = rel_at(st, dim, cand[t])[k];
            fq[k] = q[k];
            filt = para_bound(fc[k], REL_NEAR, fq[k], ptol, &bnd[k]) && filt;
        }
        /* pair (y, z) is p = y (15 - y) / 2 - y - 1 + z */
        float ps[32] = { 0 };
        for (uint32_t y = 0, b = (uint32_t)-1; y + 1 < nc; b += 6 - y, y++)
            for (uint32_t z = y + 1; z < nc; z++)
                ps[b + z] = fc[0][y] + fc[0][z];
        const uint32_t valid = pairs_below[nc];
        for (uint32_t x = 0; x < nc; x++) {
            uint32_t pm = valid & ~pair_of[x];
            if (filt)
                pm &= para_near(ps, 28, fc[0][x] + fq[0], bnd[0]);
            for (; pm; pm &= pm - 1) {
                uint32_t yz = pair_bit[__builtin_ctz(pm)];
                if (filt && nk > 1 &&
                    !(fabsf((fc[1][x] + fq[1]) - (fc[1][yz >> 3] + fc[1][yz & 7])) <= bnd[1]))
                    continue;
                tri[x] |= 1ull << yz;
            }
        }
    }
    for (uint32_t x = 0; x < nc && !h->synth; x++)
        for (uint64_t t = tri[x]; t && !h->synth; t &= t - 1) {
            uint32_t yz = (uint32_t)__builtin_ctzll(t);
            para_try(q, st, cand[x], cand[yz >> 3], cand[yz & 7], qn, qf, qe, dim, dense, h);
        }
    /* with q's antipode as a, b's is c, anywhere: on a sphere around the centre b and
     * its antipode are never both near q (|q - b|^2 + |q - c|^2 is fixed) */
    if (na > nc && !h->synth) {
        float fa[2][REL_N], ab[2] = { 0, 0 };
        bool filt = true;
        for (uint32_t k = 0; k < nk; k++) {
            for (uint32_t t = 0; t < nall; t++)
                fa[k][t] = rel_at(st, dim, all[t])[k];
            for (uint32_t t = nall; t < ((nall + 3) & ~3u); t++)
                fa[k][t] = 0.0f;   /* (lanes past nall: masked off, 0 for the maximum) */
            filt = para_bound(fa[k], (nall + 3) & ~3u, q[k], ptol, &ab[k]) && filt;
        }
        const uint32_t ai = cand[nc];
        for (uint32_t y = 0; y < nc && !h->synth; y++) {
            const uint32_t bi = cand[y];
            const float *av = rel_at(st, dim, ai), *bv = rel_at(st, dim, bi);
            uint32_t pass = nall >= 32 ? ~0u : (1u << nall) - 1u;
            if (filt)
                pass &= para_near(fa[0], nall, ((float)q[0] + av[0]) - bv[0], ab[0]);
            for (; pass && !h->synth; pass &= pass - 1) {
                uint32_t t = (uint32_t)__builtin_ctz(pass), ci = all[t];
                if (ci == ai || ci == bi)
                    continue;
                if (filt && nk > 1 && !(fabsf(fa[1][t] - ((q[1] + av[1]) - bv[1])) <= ab[1]))
                    continue;
                para_try(q, st, ai, bi, ci, qn, qf, qe, dim, dense, h);
            }
        }
    }
    /* bisection: q strictly between two earlier inputs on one line of a dense direction */
    if (dim < 3)
        return;
    uint32_t m = n < REL_LINE_N ? n : REL_LINE_N;
    uint32_t newest[REL_LINE_N];
    double nrm[REL_LINE_N];   /* |q - r| of each */
    for (uint32_t k = 0; k < m; k++)
        newest[k] = (uint32_t)((st->rows - 1 - k) % slots);
    const float *lr[REL_LINE_N];
    for (uint32_t k = 0; k < m; k++)
        lr[k] = rel_at(st, dim, newest[k]);
    bool have_nrm = false;   /* the norms only for a pair that off_line() cannot settle */
    uint32_t side[REL_LINE_N] = { 0 };
#if BD_SSE2
    /* off_line()'s first four features, settled per row: bit f (f < 4) of side[k] when
     * q - r_k > L at feature f, bit 4 + f when q - r_k < -L, where L is at least the bound
     * off_line() gives any pair with r_k there (4.1 x (4 ULP x (|q| + |r_k| + |r_j|) + 1.5
     * qe), with |r_j| the largest of the m rows', a share 2^-30 above it for the rounding
     * of the other order). A pair whose sides share a bit is not between at that feature
     * and off_line() would say so; most pairs are settled there, the rest go to
     * off_line(). (Per pair this was ~20 SSE2 operations, 28 pairs a row.) */
    if (dim >= 4) {
        const __m128d f4 = _mm_set1_pd(4.0 * ULP), f41 = _mm_set1_pd(4.1),
                      slack = _mm_set1_pd(1.5 * qe), up = _mm_set1_pd(1.0 + 0x1p-30),
                      sign = _mm_set1_pd(-0.0);
        const __m128 fq = _mm_loadu_ps(q);
        const __m128d xq[2] = { _mm_cvtps_pd(fq), _mm_cvtps_pd(_mm_movehl_ps(fq, fq)) };
        __m128d big[2] = { _mm_setzero_pd(), _mm_setzero_pd() };
        __m128 fr[REL_LINE_N];
        for (uint32_t k = 0; k < m; k++) {
            fr[k] = _mm_loadu_ps(lr[k]);
            big[0] = _mm_max_pd(big[0], abs_pd(_mm_cvtps_pd(fr[k])));
            big[1] = _mm_max_pd(big[1], abs_pd(_mm_cvtps_pd(_mm_movehl_ps(fr[k], fr[k]))));
        }
        for (uint32_t k = 0; k < m; k++)
            for (int hh = 0; hh < 2; hh++) {
                __m128d a = _mm_cvtps_pd(hh ? _mm_movehl_ps(fr[k], fr[k]) : fr[k]);
                __m128d u = _mm_sub_pd(xq[hh], a);   /* q - r, as off_line() */
                __m128d lim = _mm_add_pd(_mm_add_pd(abs_pd(xq[hh]), abs_pd(a)), big[hh]);
                lim = _mm_mul_pd(_mm_mul_pd(f41, _mm_add_pd(_mm_mul_pd(f4, lim), slack)), up);
                side[k] |= (uint32_t)_mm_movemask_pd(_mm_cmpgt_pd(u, lim)) << (2 * hh) |
                           (uint32_t)_mm_movemask_pd(_mm_cmplt_pd(u, _mm_xor_pd(lim, sign)))
                               << (4 + 2 * hh);
            }
    }
#endif
    /* the pairs (x, y), y > x, of rows q moved off in `dense` coordinates or more whose
     * sides share no bit, as masks of y (in the same order: x, then y ascending); the
     * pair loop's tests took ~13 instructions a pair, 28 pairs a row (figure 1's
     * oip_v2_d64: 2.6 % of the detector) */
    _Static_assert(REL_LINE_N <= 8, "two registers of sides");
    uint32_t okm = 0;
    for (uint32_t k = 0; k < m; k++)
        okm |= (uint32_t)(qn[newest[k]] >= dense) << k;
#if BD_SSE2
    const __m128i s_lo = _mm_loadu_si128((const __m128i *)(const void *)side),
                  s_hi = _mm_loadu_si128((const __m128i *)(const void *)(side + 4)),
                  z128 = _mm_setzero_si128();
#endif
    for (uint32_t xm = okm; xm && !h->line; xm &= xm - 1) {
        const uint32_t x = (uint32_t)__builtin_ctz(xm), i = newest[x];
        const float *ri = rel_at(st, dim, i);
#if BD_SSE2
        const __m128i sx = _mm_set1_epi32((int)side[x]);
        uint32_t apart = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(
                             _mm_cmpeq_epi32(_mm_and_si128(s_lo, sx), z128))) |
                         (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(
                             _mm_cmpeq_epi32(_mm_and_si128(s_hi, sx), z128))) << 4;
#else
        uint32_t apart = 0;
        for (uint32_t k = 0; k < m; k++)
            apart |= (uint32_t)!(side[x] & side[k]) << k;
#endif
        for (uint32_t ym = okm & apart & ~((2u << x) - 1); ym; ym &= ym - 1) {
            const uint32_t y = (uint32_t)__builtin_ctz(ym), j = newest[y];
            const float *rj = rel_at(st, dim, j);
            /* q between them on a line: (q - ri) |q - rj| == -(q - rj) |q - ri| for every
             * coordinate; most pairs fail this at their first coordinate */
            if (off_line(q, ri, rj, dim, qe))
                continue;
            if (!have_nrm) {
                line_norms(q, lr, m, dim, nrm);
                have_nrm = true;
            }
            double si = nrm[x], sj = nrm[y];
            uint32_t k = 0;
            for (; k < dim; k++) {
                double ui = (double)q[k] - ri[k], uj = (double)q[k] - rj[k];
                double r = 4.0 * ULP * (fabs((double)q[k]) + fabs((double)ri[k]) + fabs((double)rj[k])) +
                           1.5 * qe;
                if (fabs(ui * sj + uj * si) > 1e-2 * (fabs(ui) * sj + fabs(uj) * si) + 4.0 * r * (si + sj))
                    break;
            }
            if (k < dim)
                continue;
            double dot = 0, ni = 0, nj = 0, e2 = 0;
            for (k = 0; k < dim; k++) {
                double ui = (double)q[k] - ri[k], uj = (double)q[k] - rj[k];
                dot += ui * uj;
                ni += ui * ui;
                nj += uj * uj;
                double r = 4.0 * ULP * (fabs((double)q[k]) + fabs((double)ri[k]) + fabs((double)rj[k])) +
                           1.5 * qe;
                e2 += r * r;
            }
            if (dot >= 0)
                continue;   /* not between */
            double ns = ni < nj ? ni : nj, nl = ni < nj ? nj : ni;
            if (ns < 1e4 * e2)
                continue;   /* too close to tell from rounding */
            double perp2 = ns - dot * dot / nl;
            if (perp2 > 1e-8 * ns + 4.0 * e2)
                continue;
            h->line = true;
            uint64_t ai = st->rows - st->rel_row[i], aj = st->rows - st->rel_row[j];
            h->line_chain = (ai >= 1 && ai <= 32 && ((st->line_m >> (ai - 1)) & 1)) ||
                            (aj >= 1 && aj <= 32 && ((st->line_m >> (aj - 1)) & 1));
            int32_t li = st->rel_lab[i], lj = st->rel_lab[j];
            h->line_evid = (label >= 0 && ((li >= 0 && li != label) || (lj >= 0 && lj != label))) ||
                           (margin >= 0 && margin < p->margin) ||
                           (st->rel_margin[i] >= 0 && st->rel_margin[i] < p->margin) ||
                           (st->rel_margin[j] >= 0 && st->rel_margin[j] < p->margin);
            break;
        }
    }
}
