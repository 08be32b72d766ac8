/* The loop of ig_drift_ks_w1_fast (drift_stats.c), included once per instruction set:
 * IG_KS_NAME is the function defined, IG_KS_RANK the rank function it calls. Internal. */
static void IG_KS_NAME(const struct ig_drift_index *ix, const double *s, const float *b,
                       size_t nb, double *d, double *w1)
{
    const float *a = ix->a;
    const size_t na = ix->na;
    if (na == 0 || nb == 0) {
        *d = 0.0;
        if (w1)
            *w1 = NAN;
        return;
    }
    const int64_t sna = (int64_t)na, snb = (int64_t)nb;
    const double off = a[na / 2], inv_na = 1.0 / (double)na;
    size_t j = 0, cnt0 = 0;
    int64_t m = 0;
    double w = 0.0, x0 = 0.0;
#define G(cnt, x) ((double)(cnt) * (x) - s[cnt])
    while (j < nb) {
        const float v = b[j];
        size_t lt, le;
        IG_KS_RANK(ix, v, &lt, &le);
        const size_t j0 = j;
        while (j < nb && b[j] == v)
            j++;
        int64_t d1 = iabs64((int64_t)lt * snb - (int64_t)j0 * sna);
        int64_t d2 = iabs64((int64_t)le * snb - (int64_t)j * sna);
        m = d1 > m ? d1 : m;
        m = d2 > m ? d2 : m;
        if (!s)
            continue;
        double x1 = (double)v - off;
        if (j0 == 0) {
            w += G(lt, x1) * inv_na;                       /* Fb = 0 below the first b */
        } else {
            double c = (double)j0 / (double)nb;
            size_t ks = (size_t)(((uint64_t)j0 * na + nb - 1) / nb);   /* ceil(c na) */
            double g0 = G(cnt0, x0), g1 = G(lt, x1);
            if (ks <= cnt0) {
                w += (g1 - g0) * inv_na - c * (x1 - x0);
            } else if (ks > lt) {
                w += c * (x1 - x0) - (g1 - g0) * inv_na;
            } else {
                double xs = (double)a[ks - 1] - off, gs = G(ks, xs);
                w += c * (xs - x0) - (gs - g0) * inv_na;
                w += (g1 - gs) * inv_na - c * (x1 - xs);
            }
        }
        x0 = x1;
        cnt0 = le;
    }
    if (s)
        w += (s[na] - s[cnt0] - (double)(na - cnt0) * x0) * inv_na;   /* Fb = 1 above the last */
#undef G
    uint64_t g = gcd_u64(na, nb), lcm = (uint64_t)(na / g) * nb;
    *d = (double)((uint64_t)m / g) / (double)lcm;
    if (w1)
        *w1 = w;
}
