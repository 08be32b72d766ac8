/* inferguard: a memory budget that per-client detector state is charged to (a detector's
 * rules memory_mb). State is allocated lazily, on a client's first usable query, charged
 * here before it exists and released when the client leaves the table, so a flood of
 * clients is refused (counted) instead of growing memory. Workers share one budget:
 * charging is lock-free (compare-and-swap). Zero-initialised = empty. */
#ifndef INFERGUARD_BUDGET_H
#define INFERGUARD_BUDGET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct ig_budget {
    _Atomic uint64_t used;      /* bytes charged */
    _Atomic uint64_t refused;   /* ig_budget_alloc calls refused: no room, or out of memory */
};

/* Charges <n> bytes if used + n stays within <cap>; false (nothing charged) otherwise. */
bool ig_budget_charge(struct ig_budget *b, uint64_t cap, uint64_t n);
void ig_budget_uncharge(struct ig_budget *b, uint64_t n);

/* Per-client state: charges <bytes>, then calls make(ctx), which allocates the state (all
 * or nothing) and returns it or NULL. Returns the state, or NULL with the charge undone and
 * the refusal counted. Release with ig_budget_uncharge(b, bytes) when the state is freed. */
void *ig_budget_alloc(struct ig_budget *b, uint64_t cap, uint64_t bytes,
                      void *(*make)(const void *ctx), const void *ctx);

#endif
