/* Offline drift baseline: one reservoir profile per model over every event fed, saved as
 * a profile file that the drift detector loads at start (rules: drift.features.reference). */
#include "drift/drift.h"

#include <stdlib.h>
#include <string.h>

struct ig_baseline {
    uint32_t reservoir, max_models, n;
    uint64_t rows, skipped, models_dropped;
    struct ig_drift_profile **p;
};

struct ig_baseline *ig_baseline_new(uint32_t reservoir, uint32_t max_models)
{
    struct ig_baseline *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->reservoir = reservoir ? reservoir : 5000;
    b->max_models = max_models ? max_models : 64;
    b->p = calloc(b->max_models, sizeof *b->p);
    if (!b->p) {
        free(b);
        return NULL;
    }
    return b;
}

int ig_baseline_add(struct ig_baseline *b, const struct ig_event *ev)
{
    if (!ev->rows || (ev->flags & (IG_EV_MALFORMED | IG_EV_ERROR)) ||
        (!ev->inputs && !ev->scores && !ev->labels)) {
        b->skipped++;
        return IG_OK;
    }
    const char *name = ev->model[0] ? ev->model : "unknown";
    struct ig_drift_profile *p = NULL;
    for (uint32_t i = 0; i < b->n; i++)
        if (strcmp(b->p[i]->model, name) == 0)
            p = b->p[i];
    if (!p) {
        if (b->n >= b->max_models) {
            b->models_dropped++;
            return IG_ELIMIT;
        }
        /* Widths come from the model's first event, as in the live detector. */
        p = ig_drift_profile_new(name, ev->model_version, ev->inputs ? ev->features : 0,
                                 ev->scores ? ev->outputs : 0, b->reservoir);
        if (!p)
            return IG_ENOMEM;
        b->p[b->n++] = p;
    }
    b->rows += ig_drift_profile_add(p, ev);
    return IG_OK;
}

uint32_t ig_baseline_models(const struct ig_baseline *b)
{
    return b->n;
}

uint64_t ig_baseline_rows(const struct ig_baseline *b)
{
    return b->rows;
}

int ig_baseline_save(struct ig_baseline *b, const char *path, char *err, size_t errlen)
{
    if (!b->n) {
        snprintf(err, errlen, "no inference events with tensors, scores or labels: nothing to build a baseline from");
        return IG_ECONF;
    }
    float *tmp = malloc((size_t)b->reservoir * sizeof *tmp);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    for (uint32_t i = 0; i < b->n; i++)
        ig_drift_profile_freeze(b->p[i], tmp);
    free(tmp);
    return ig_drift_profiles_save(path, b->p, b->n, err, errlen);
}

void ig_baseline_free(struct ig_baseline *b)
{
    if (!b)
        return;
    for (uint32_t i = 0; i < b->n; i++)
        ig_drift_profile_free(b->p[i]);
    free(b->p);
    free(b);
}
