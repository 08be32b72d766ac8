/* inferguard: the memory budgets the process lends its detectors (struct ig_env.budget,
 * include/inferguard/detector.h) for per-client state charged to a rules memory_mb.
 * State is allocated lazily, on a client's first usable query, charged here before it
 * exists and released when the client leaves the table, so a flood of clients is refused
 * (counted) instead of growing memory. Workers share one budget: charging is lock-free
 * (compare-and-swap). The engine and tests see this header; detectors only the ops. */
#ifndef INFERGUARD_DETECTORS_BUDGET_H
#define INFERGUARD_DETECTORS_BUDGET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <inferguard/detector.h>

struct ig_budget {
    _Atomic uint64_t used;      /* bytes charged */
    _Atomic uint64_t refused;   /* ig_budget_alloc calls refused: no room, or out of memory */
    uint64_t cap;               /* bytes */
};

/* Charges <n> bytes if used + n stays within the cap; false (nothing charged) otherwise. */
bool ig_budget_charge(struct ig_budget *b, uint64_t n);
void ig_budget_uncharge(struct ig_budget *b, uint64_t n);

/* Per-client state: charges <bytes>, then calls make(ctx), which allocates the state (all
 * or nothing) and returns it or NULL. Returns the state, or NULL with the charge undone and
 * the refusal counted. Release with ig_budget_uncharge(b, bytes) when the state is freed. */
void *ig_budget_alloc(struct ig_budget *b, uint64_t bytes, void *(*make)(const void *ctx),
                      const void *ctx);

/* The lender ig_detector_init hands a detector when its env lends none: budgets on the heap,
 * the functions above. */
extern const struct ig_budget_ops ig_budget_lender;

#endif
