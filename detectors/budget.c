/* Memory budgets for per-client detector state; see budget.h. */
#include "budget.h"

#include <stddef.h>
#include <stdlib.h>

bool ig_budget_charge(struct ig_budget *b, uint64_t n)
{
    uint64_t cur = atomic_load(&b->used);
    do {
        if (cur + n > b->cap)
            return false;
    } while (!atomic_compare_exchange_weak(&b->used, &cur, cur + n));
    return true;
}

void ig_budget_uncharge(struct ig_budget *b, uint64_t n)
{
    atomic_fetch_sub(&b->used, n);
}

void *ig_budget_alloc(struct ig_budget *b, uint64_t bytes, void *(*make)(const void *ctx),
                      const void *ctx)
{
    void *st = NULL;
    if (ig_budget_charge(b, bytes) && !(st = make(ctx)))
        ig_budget_uncharge(b, bytes);
    if (!st)
        atomic_fetch_add(&b->refused, 1);
    return st;
}

static struct ig_budget *budget_open(const char *owner, uint64_t cap)
{
    (void)owner;
    struct ig_budget *b = calloc(1, sizeof *b);
    if (b)
        b->cap = cap;
    return b;
}

static void budget_close(struct ig_budget *b)
{
    free(b);
}

static uint64_t budget_refused(const struct ig_budget *b)
{
    return atomic_load(&((struct ig_budget *)b)->refused);
}

const struct ig_budget_ops ig_budget_lender = {
    .open = budget_open,
    .close = budget_close,
    .charge = ig_budget_charge,
    .uncharge = ig_budget_uncharge,
    .alloc = ig_budget_alloc,
    .refused = budget_refused,
};
