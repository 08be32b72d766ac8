/* inferguard: the memory budgets the process lends its detectors (struct ig_env.budget,
 * include/inferguard/detector.h) for per-client state charged to a rules memory_mb.
 * State is allocated lazily, on a client's first usable query, charged here before it
 * exists and released when the client leaves the table, so a flood of clients is refused
 * (counted) instead of growing memory. Workers share one budget: charging is lock-free
 * (compare-and-swap). The engine and tests see this header; detectors only the ops. */
#ifndef INFERGUARD_DETECTORS_BUDGET_H
#define INFERGUARD_DETECTORS_BUDGET_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <inferguard/detector.h>

struct ig_budget_book;
struct ig_budget {
    _Atomic uint64_t used;      /* bytes charged */
    _Atomic uint64_t refused;   /* ig_budget_alloc calls refused: no room, or out of memory */
    uint64_t cap;               /* bytes */
    const char *owner;          /* the detector's name (static), or NULL */
    struct ig_budget_book *book;   /* the book that lists it, or NULL */
    struct ig_budget *next;     /* in that book */
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
 * the functions above, listed nowhere (ctx NULL). */
extern const struct ig_budget_ops ig_budget_lender;

/* The process's lender (the detect stage's env): the same budgets, each listed in the book
 * while open, so that one place accounts for every budget (/metrics). Budgets of one owner
 * (a detector on several client lanes, or across reloads) add up; refusals of closed budgets
 * are kept, so they count since the book's start. */
#define IG_BUDGET_BOOK_MAX 64
struct ig_budget_row {
    const char *owner;
    uint64_t used, cap;   /* bytes charged now, and the open budgets' caps */
    uint64_t refused;     /* allocations refused since the book's start */
};
struct ig_budget_book {
    struct ig_budget_ops ops;     /* lend these (ops.ctx is the book) */
    pthread_mutex_t lock;         /* the list and the rows: opened and closed by engines'
                                   * threads, read by ig_budget_book_rows */
    struct ig_budget *list;       /* open budgets */
    struct ig_budget_row rows[IG_BUDGET_BOOK_MAX];   /* by owner, in order of first open;
                                                      * refused: of closed budgets */
    size_t nrows;
};
void ig_budget_book_init(struct ig_budget_book *k);
/* After every budget it lent is closed. */
void ig_budget_book_fini(struct ig_budget_book *k);
/* Each owner's totals now into out[0..max), in order of first open; returns the count. */
size_t ig_budget_book_rows(struct ig_budget_book *k, struct ig_budget_row *out, size_t max);

#endif
