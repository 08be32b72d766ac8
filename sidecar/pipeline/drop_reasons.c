#include "pipeline/drop_reasons.h"

#include <string.h>

void ig_drop_init(struct ig_drop_reasons *d)
{
    memset(d, 0, sizeof *d);
}

/* Pointer equality first (reasons are usually the same static string), text second. */
void ig_drop_add(struct ig_drop_reasons *d, const char *reason, uint64_t n)
{
    for (uint32_t i = 0; i < d->nrows; i++) {
        if (d->row[i].reason == reason || strcmp(d->row[i].reason, reason) == 0) {
            d->row[i].n += n;
            return;
        }
    }
    if (d->nrows < IG_DROP_REASONS_MAX) {
        d->row[d->nrows].reason = reason;
        d->row[d->nrows].n = n;
        d->nrows++;
        return;
    }
    d->other += n;
}

void ig_drop_count(struct ig_drop_reasons *d, const char *reason)
{
    ig_drop_add(d, reason, 1);
}
