/* The generator's deterministic classifier: nearest of K centroids with softmax of
 * negative squared distances, its input-gradient sign (for JbDA) and natural samples. */
#include "gen_internal.h"
#include "rng.h"

#include <inferguard/base.h>

#include <math.h>
#include <stdlib.h>

int ig_gen_model_init(struct ig_gen_model *m, uint32_t d, uint32_t k, uint64_t seed)
{
    uint64_t rng = seed ^ 0x6d6f64656cull;   /* "model": independent of traffic draws */
    m->d = d;
    m->k = k;
    m->centroids = malloc(sizeof(float) * d * k);
    if (!m->centroids)
        return IG_ENOMEM;
    for (uint32_t i = 0; i < d * k; i++)
        m->centroids[i] = (float)(0.2 + 0.6 * ig_rng_unit(&rng));
    /* Scale with d so that typical squared distances (~ d * 0.06) give soft, not
     * one-hot, probabilities: boundary probing must see low margins. */
    m->temp = 0.02f * (float)d;
    return IG_OK;
}

void ig_gen_model_free(struct ig_gen_model *m)
{
    free(m->centroids);
    m->centroids = NULL;
}

int ig_gen_model_predict(const struct ig_gen_model *m, const float *x, float *probs)
{
    float best = -INFINITY;
    int arg = 0;
    for (uint32_t j = 0; j < m->k; j++) {
        const float *c = m->centroids + (size_t)j * m->d;
        float s = 0;
        for (uint32_t i = 0; i < m->d; i++) {
            float t = x[i] - c[i];
            s += t * t;
        }
        probs[j] = -s / m->temp;
        if (probs[j] > best) {
            best = probs[j];
            arg = (int)j;
        }
    }
    float z = 0;
    for (uint32_t j = 0; j < m->k; j++) {
        probs[j] = expf(probs[j] - best);
        z += probs[j];
    }
    for (uint32_t j = 0; j < m->k; j++)
        probs[j] /= z;
    return arg;
}

void ig_gen_model_grad_sign(const struct ig_gen_model *m, const float *x, const float *probs,
                            int cls, float *out)
{
    /* d p_c / d x = p_c * (-2/T) * ((x - c_c) - sum_j p_j (x - c_j))
     *             = p_c * (-2/T) * (sum_j p_j c_j - c_c);  only the sign matters. */
    const float *cc = m->centroids + (size_t)cls * m->d;
    for (uint32_t i = 0; i < m->d; i++) {
        float mix = 0;
        for (uint32_t j = 0; j < m->k; j++)
            mix += probs[j] * m->centroids[(size_t)j * m->d + i];
        float g = -(mix - cc[i]);
        out[i] = g > 0 ? 1.0f : g < 0 ? -1.0f : 0.0f;
    }
    (void)x;
}

void ig_gen_model_sample(const struct ig_gen_model *m, uint64_t *rng, int cls, float sigma,
                         float *x)
{
    const float *c = m->centroids + (size_t)cls * m->d;
    for (uint32_t i = 0; i < m->d; i++) {
        float v = c[i] + sigma * ig_rng_normal_fast(rng);
        x[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
