/* Counts of drops by reason. Reasons are static strings; the table is small and bounded:
 * past its size, further distinct reasons are folded into one "other" counter. */
#ifndef IG_DROP_REASONS_H
#define IG_DROP_REASONS_H

#include <inferguard/base.h>

#define IG_DROP_REASONS_MAX 48

struct ig_drop_reasons {
    struct { const char *reason; uint64_t n; } row[IG_DROP_REASONS_MAX];
    uint32_t nrows;
    uint64_t other;
};

void ig_drop_init(struct ig_drop_reasons *d);
void ig_drop_count(struct ig_drop_reasons *d, const char *reason);
/* Adds <n> drops of <reason> (folded into other past the table, as above). */
void ig_drop_add(struct ig_drop_reasons *d, const char *reason, uint64_t n);

#endif
