/* The label a model gave one row of an event, for the detectors that look at labels near
 * a decision boundary (adversarial.boundary, adversarial.fingerprint). */
#ifndef IG_DETECTORS_ROW_LABEL_H
#define IG_DETECTORS_ROW_LABEL_H

#include <inferguard/event.h>
#include <math.h>

/* Label of row <r> (from labels, else argmax of scores) and its top1 - top2 margin
 * (-1 without probabilities). */
static inline int ig_row_label(const struct ig_event *ev, uint32_t r, double *margin)
{
    *margin = -1.0;
    int label = ev->labels ? ev->labels[r] : -1;
    if (ev->scores && ev->outputs >= 2 && !(ev->flags & IG_EV_LOGITS)) {
        const float *s = ev->scores + (size_t)r * ev->outputs;
        uint32_t b1 = s[1] > s[0], b2 = 1 - b1;
        for (uint32_t k = 2; k < ev->outputs; k++) {
            if (s[k] > s[b1]) {
                b2 = b1;
                b1 = k;
            } else if (s[k] > s[b2]) {
                b2 = k;
            }
        }
        if (isfinite(s[b1]) && isfinite(s[b2]))
            *margin = (double)s[b1] - (double)s[b2];
        if (label < 0)
            label = (int)b1;
    }
    return label;
}

#endif
