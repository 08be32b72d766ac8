/* Query generators per client role. Each follows the published attack's query pattern
 * (see bench/README.md): the attacker learns labels from the generator's own model,
 * exactly what it would read from the responses. */
#include "gen_internal.h"
#include "rng.h"

#include <inferguard/base.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BENIGN_SIGMA   0.08f
#define LEAK_POOL      50      /* distinct inputs a score harvester cycles through */
#define JBDA_SEEDS     10      /* Papernot et al.: a small labelled seed set... */
#define JBDA_ROUNDS    5       /* ...doubled by each substitute training epoch */
#define JBDA_LAMBDA    0.1f
#define JBDA_TAU       3       /* lambda flips sign every tau rounds */
#define HSJ_BSEARCH    10      /* binary-search queries toward the original */
#define HSJ_GRAD       20      /* gradient-estimation queries around the boundary point */
#define HSJ_DELTA      0.02f
#define HSJ_STEP       0.05f

static float clip01(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

#define DRIFT_MEAN       0.25f
#define DRIFT_GAIN       0.6f
#define DRIFT_BRIGHTNESS 0.15f
#define DRIFT_PRIOR      0.7      /* share of samples drawn from class 0 after the shift */

static void natural(const struct ig_gen_model *m, uint64_t *rng, enum ig_gen_drift drift,
                    float *x)
{
    int cls;
    if (drift == IG_GEN_DRIFT_PRIOR && ig_rng_unit(rng) < DRIFT_PRIOR)
        cls = 0;
    else
        cls = (int)ig_rng_below(rng, m->k);
    ig_gen_model_sample(m, rng, cls, BENIGN_SIGMA, x);
    switch (drift) {
    case IG_GEN_DRIFT_MEAN:
        /* A sensor-style offset on the first half of the features (e.g. a camera's
         * brightness on half of its channels), enough for a model-level verdict. */
        for (uint32_t i = 0; i < (m->d + 1) / 2; i++)
            x[i] = clip01(x[i] + DRIFT_MEAN);
        break;
    case IG_GEN_DRIFT_SCALE:
        for (uint32_t i = 0; i < m->d; i++)
            x[i] *= DRIFT_GAIN;
        break;
    case IG_GEN_DRIFT_BRIGHTNESS:
        for (uint32_t i = 0; i < m->d; i++)
            x[i] = clip01(x[i] + DRIFT_BRIGHTNESS);
        break;
    default:
        break;
    }
}

int ig_gen_attack_init(struct ig_gen_attack *a, enum ig_gen_role role,
                       const struct ig_gen_model *m, uint64_t *rng)
{
    memset(a, 0, sizeof(*a));
    a->role = role;
    a->d = m->d;
    size_t pts = 0;
    switch (role) {
    case IG_ROLE_LEAKAGE: pts = LEAK_POOL; break;
    case IG_ROLE_EXTRACT_JBDA: pts = (size_t)JBDA_SEEDS << JBDA_ROUNDS; break;
    case IG_ROLE_EVASION: pts = 4; break;   /* x0, boundary point, gradient sum, probe */
    default: return IG_OK;
    }
    a->buf = calloc(pts * m->d, sizeof(float));
    if (!a->buf)
        return IG_ENOMEM;
    a->cap = (uint32_t)pts;
    a->home = ig_rng_below(rng, m->k);
    if (role == IG_ROLE_LEAKAGE)
        for (uint32_t i = 0; i < LEAK_POOL; i++)
            natural(m, rng, IG_GEN_DRIFT_NONE, a->buf + (size_t)i * m->d);
    return IG_OK;
}

void ig_gen_attack_free(struct ig_gen_attack *a)
{
    free(a->buf);
    a->buf = NULL;
}

/* Papernot et al. 2017: query the seed set, then for every point x with oracle label y
 * add x + lambda * sign(J_y(x)), and query the new points; lambda alternates in sign. */
static void jbda_next(struct ig_gen_attack *a, const struct ig_gen_model *m, uint64_t *rng,
                      float *x)
{
    uint32_t d = a->d;
    if (a->n == 0) {
        for (uint32_t i = 0; i < JBDA_SEEDS; i++)
            ig_gen_model_sample(m, rng, (int)(i % m->k), BENIGN_SIGMA, a->buf + (size_t)i * d);
        a->n = JBDA_SEEDS;
        a->step = 0;
        a->round = 0;
    }
    if (a->step == a->n) {
        if (a->n * 2 > a->cap) {
            a->n = 0;                   /* set full: a fresh seed set, a new attack epoch */
            jbda_next(a, m, rng, x);
            return;
        }
        float lambda = ((a->round / JBDA_TAU) & 1) ? -JBDA_LAMBDA : JBDA_LAMBDA;
        float probs[256], *sg = x;      /* x doubles as scratch for the gradient sign */
        uint32_t n = a->n;
        for (uint32_t i = 0; i < n; i++) {
            const float *p = a->buf + (size_t)i * d;
            float *q = a->buf + (size_t)(n + i) * d;
            int y = ig_gen_model_predict(m, p, probs);
            ig_gen_model_grad_sign(m, p, probs, y, sg);
            for (uint32_t f = 0; f < d; f++)
                q[f] = clip01(p[f] + lambda * sg[f]);
        }
        a->n = 2 * n;
        a->round++;
    }
    memcpy(x, a->buf + (size_t)a->step * d, sizeof(float) * d);
    a->step++;
}

/* HopSkipJump-style boundary walk (Chen, Jordan, Wainwright 2020): binary search between
 * the original x0 and an adversarial point, gradient estimation by many tiny random
 * perturbations around the boundary point, a step along the estimate; repeat. */
static void hsj_next(struct ig_gen_attack *a, const struct ig_gen_model *m, uint64_t *rng,
                     float *x)
{
    uint32_t d = a->d;
    float *x0 = a->buf, *xb = a->buf + d, *g = a->buf + 2 * (size_t)d;
    float probs[256];
    switch (a->phase) {
    case 0:   /* the original input, of class home */
        ig_gen_model_sample(m, rng, (int)a->home, BENIGN_SIGMA / 2, x0);
        ig_gen_model_sample(m, rng, (int)((a->home + 1) % m->k), BENIGN_SIGMA / 2, xb);
        memcpy(x, x0, sizeof(float) * d);
        a->phase = 1;
        a->step = 0;
        a->lo = 0;
        a->hi = 1;
        return;
    case 1: { /* binary search on the segment x0 -> xb */
        float t = (a->lo + a->hi) / 2;
        for (uint32_t i = 0; i < d; i++)
            x[i] = x0[i] + t * (xb[i] - x0[i]);
        if (ig_gen_model_predict(m, x, probs) != (int)a->home)
            a->hi = t;
        else
            a->lo = t;
        if (++a->step == HSJ_BSEARCH) {
            for (uint32_t i = 0; i < d; i++)
                xb[i] = x0[i] + a->hi * (xb[i] - x0[i]);
            memset(g, 0, sizeof(float) * d);
            a->phase = 2;
            a->step = 0;
        }
        return;
    }
    case 2: { /* gradient estimate: sign of adversarial-ness of xb + delta * u */
        float *u = a->buf + 3 * (size_t)d, nrm = 0;
        for (uint32_t i = 0; i < d; i++) {
            u[i] = (float)ig_rng_normal(rng);
            nrm += u[i] * u[i];
        }
        nrm = sqrtf(nrm) + 1e-12f;
        for (uint32_t i = 0; i < d; i++) {
            u[i] /= nrm;
            x[i] = clip01(xb[i] + HSJ_DELTA * u[i]);
        }
        float s = ig_gen_model_predict(m, x, probs) != (int)a->home ? 1.0f : -1.0f;
        for (uint32_t i = 0; i < d; i++)
            g[i] += s * u[i];
        if (++a->step == HSJ_GRAD) {
            a->phase = 3;
            a->step = 0;
        }
        return;
    }
    default: { /* step along the estimated gradient; keep it if still adversarial */
        float nrm = 0;
        for (uint32_t i = 0; i < d; i++)
            nrm += g[i] * g[i];
        nrm = sqrtf(nrm) + 1e-12f;
        for (uint32_t i = 0; i < d; i++)
            x[i] = clip01(xb[i] + HSJ_STEP * g[i] / nrm);
        if (ig_gen_model_predict(m, x, probs) != (int)a->home)
            memcpy(xb, x, sizeof(float) * d);
        a->phase = 1;
        a->step = 0;
        a->lo = 0;
        a->hi = 1;
        return;
    }
    }
}

void ig_gen_attack_next(struct ig_gen_attack *a, const struct ig_gen_model *m, uint64_t *rng,
                        enum ig_gen_drift drift, float *x)
{
    switch (a->role) {
    case IG_ROLE_EXTRACT_TRAMER:
        /* Tramer et al. 2016: inputs drawn uniformly at random from the feature space. */
        for (uint32_t i = 0; i < a->d; i++)
            x[i] = (float)ig_rng_unit(rng);
        return;
    case IG_ROLE_EXTRACT_JBDA:
        jbda_next(a, m, rng, x);
        return;
    case IG_ROLE_EVASION:
        hsj_next(a, m, rng, x);
        return;
    case IG_ROLE_LEAKAGE:
        memcpy(x, a->buf + (size_t)ig_rng_below(rng, a->cap) * a->d, sizeof(float) * a->d);
        return;
    default:   /* benign and flood: the natural distribution */
        natural(m, rng, drift, x);
        return;
    }
}
