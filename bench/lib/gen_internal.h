/* inferguard bench: pieces shared by the traffic generator's files (not a public API). */
#ifndef IG_GEN_INTERNAL_H
#define IG_GEN_INTERNAL_H

#include "trafficgen.h"

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The classifier that answers every generated query: K centroids in [0.2, 0.8]^d,
 * p_j = softmax(-||x - c_j||^2 / temp). Deterministic from the seed. */
struct ig_gen_model {
    uint32_t d, k;
    float   *centroids;       /* k * d */
    float    temp;
};
int  ig_gen_model_init(struct ig_gen_model *m, uint32_t d, uint32_t k, uint64_t seed);
void ig_gen_model_free(struct ig_gen_model *m);
/* Writes k probabilities to <probs>; returns the argmax. */
int  ig_gen_model_predict(const struct ig_gen_model *m, const float *x, float *probs);
/* sign(d p_cls / d x) into <out> (d values in {-1, 0, 1}); <probs> from predict(x). */
void ig_gen_model_grad_sign(const struct ig_gen_model *m, const float *x, const float *probs,
                            int cls, float *out);
/* A "natural" input: centroid of <cls> plus N(0, sigma^2) noise, clipped to [0, 1]. */
void ig_gen_model_sample(const struct ig_gen_model *m, uint64_t *rng, int cls, float sigma,
                         float *x);

/* Per-client query state of an attack (gen_attacks.c). */
struct ig_gen_attack {
    enum ig_gen_role role;
    uint32_t d;
    uint32_t phase, step, round;
    uint32_t home;            /* class of the benign starting point */
    float   *buf;             /* role-specific storage, allocated once at setup */
    uint32_t n, cap;          /* JbDA: points in buf; next to query in [step, n) */
    float    lo, hi, lambda;
};
/* Allocates the attack's storage (once, at scenario setup). Returns 0 or IG_ENOMEM. */
int  ig_gen_attack_init(struct ig_gen_attack *a, enum ig_gen_role role,
                        const struct ig_gen_model *m, uint64_t *rng);
void ig_gen_attack_free(struct ig_gen_attack *a);
/* Writes the next query of the attack into <x> (d floats); <drift> (enum ig_gen_drift,
 * NONE before the shift) changes how benign-like samples are drawn (input drift). */
void ig_gen_attack_next(struct ig_gen_attack *a, const struct ig_gen_model *m, uint64_t *rng,
                        enum ig_gen_drift drift, float *x);

/* One HTTP exchange to render (gen_http.c). */
struct ig_gen_msg {
    enum ig_gen_proto proto;
    const char *model;
    uint32_t rows, d, k;
    const float *x;           /* rows * d */
    const float *probs;       /* rows * k */
    bool full_precision;      /* 8 decimals instead of 4 in scores */
    bool gzip, chunked;
    bool stream;              /* OpenAI: SSE response */
    uint64_t id;
    uint64_t time_s;          /* capture time, for "created" fields */
    const char *host;
    const char *xff, *bearer, *xfcc;   /* identity headers, or NULL */
    uint32_t prompt_seed;     /* OpenAI: which prompt/completion text */
};

/* Renders a message; every buffer comes from struct ig_gen_http, sized once. */
struct ig_gen_http;
struct ig_gen_http *ig_gen_http_new(uint32_t rows, uint32_t d, uint32_t k);
void   ig_gen_http_free(struct ig_gen_http *h);
/* Append the request / response for <m> to <out> (capacity <cap>); return bytes written,
 * or 0 when it does not fit. */
size_t ig_gen_http_request(struct ig_gen_http *h, const struct ig_gen_msg *m, char *out, size_t cap);
size_t ig_gen_http_response(struct ig_gen_http *h, const struct ig_gen_msg *m, char *out, size_t cap);
/* Upper bound of one rendered request or response for these dimensions. */
size_t ig_gen_http_max(uint32_t rows, uint32_t d, uint32_t k);

#endif
