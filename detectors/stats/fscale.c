/* Per-feature robust scaling learned from a model's first rows (fscale.h). */
#include "stats/fscale.h"
#include "stats/floats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Linear-interpolated quantile of sorted v[0..n). */
static float quantile(const float *v, uint32_t n, double q)
{
    double pos = q * (n - 1);
    uint32_t i = (uint32_t)pos;
    if (i + 1 >= n)
        return v[n - 1];
    double f = pos - i;
    return (float)(v[i] * (1 - f) + v[i + 1] * f);
}

static void freeze(struct ig_fscale *s)
{
    uint32_t d = s->dim, n = s->n;
    float col[IG_FSCALE_ROWS], spread[IG_FSCALE_MAXDIM], pos[IG_FSCALE_MAXDIM];
    uint32_t npos = 0;
    for (uint32_t j = 0; j < d; j++) {
        for (uint32_t i = 0; i < n; i++)
            col[i] = s->buf[i][j];
        qsort(col, n, sizeof(float), ig_cmp_float);
        float med = quantile(col, n, 0.5);
        double sp = (quantile(col, n, 0.75) - quantile(col, n, 0.25)) / 1.349;
        if (!(sp > 0)) {
            /* mostly one value (a flag, a count that is usually 0): mean absolute deviation */
            double mad = 0;
            for (uint32_t i = 0; i < n; i++)
                mad += fabs((double)col[i] - med);
            sp = 1.2533 * mad / n;
        }
        s->center[j] = med;
        spread[j] = (float)sp;
        if (sp > 0 && isfinite(sp))
            pos[npos++] = (float)sp;
    }
    if (npos == 0) {
        s->mode = IG_FSCALE_IDENTITY;
        s->unit = 1;
        return;
    }
    qsort(pos, npos, sizeof(float), ig_cmp_float);
    float med_sp = quantile(pos, npos, 0.5), p90 = quantile(pos, npos, 0.9);
    if (p90 <= 8 * med_sp) {
        /* one unit for all features: leave the inputs as they are */
        s->mode = IG_FSCALE_IDENTITY;
        s->unit = med_sp;
        return;
    }
    for (uint32_t j = 0; j < d; j++) {
        float sp = spread[j] > 0 && isfinite(spread[j]) ? spread[j] : med_sp;
        s->inv[j] = 1.0f / sp;
    }
    s->mode = IG_FSCALE_SCALED;
    s->unit = 1;
}

enum ig_fscale_mode ig_fscale_learn(struct ig_fscale *s, const float *x, uint32_t dim,
                                    uint32_t *client_taught)
{
    if (s->mode != IG_FSCALE_LEARNING)
        return (enum ig_fscale_mode)s->mode;
    if (dim > IG_FSCALE_MAXDIM || dim == 0) {
        if (s->dim == 0) {
            s->dim = dim;
            s->mode = IG_FSCALE_IDENTITY;
            s->unit = 1;
        }
        return (enum ig_fscale_mode)s->mode;
    }
    if (s->dim == 0)
        s->dim = dim;
    if (dim != s->dim)
        return (enum ig_fscale_mode)s->mode;
    s->seen++;
    if (*client_taught < IG_FSCALE_PER_CLIENT && s->n < IG_FSCALE_ROWS) {
        memcpy(s->buf[s->n++], x, dim * sizeof(float));
        (*client_taught)++;
    }
    if (s->n == IG_FSCALE_ROWS || (s->n >= IG_FSCALE_MIN_ROWS && s->seen >= 2 * IG_FSCALE_MIN_ROWS))
        freeze(s);
    return (enum ig_fscale_mode)s->mode;
}

void ig_fscale_apply(const struct ig_fscale *s, const float *x, uint32_t dim, float *out)
{
    if (s->mode != IG_FSCALE_SCALED || dim != s->dim) {
        memcpy(out, x, dim * sizeof(float));
        return;
    }
    for (uint32_t j = 0; j < dim; j++)
        out[j] = (x[j] - s->center[j]) * s->inv[j];
}
