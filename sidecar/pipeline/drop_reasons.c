#include "pipeline/drop_reasons.h"

#include <string.h>

void ig_drop_init(struct ig_drop_reasons *d)
{
    memset(d, 0, sizeof *d);
}

/* Pointer equality first (reasons are usually the same static string), text second. */
void ig_drop_count(struct ig_drop_reasons *d, const char *reason)
{
    for (uint32_t i = 0; i < d->nrows; i++) {
        if (d->row[i].reason == reason || strcmp(d->row[i].reason, reason) == 0) {
            d->row[i].n++;
            return;
        }
    }
    if (d->nrows < IG_DROP_REASONS_MAX) {
        d->row[d->nrows].reason = reason;
        d->row[d->nrows].n = 1;
        d->nrows++;
        return;
    }
    d->other++;
}
