/* Memory budgets for per-client detector state; see include/inferguard/budget.h. */
#include <inferguard/budget.h>

#include <stddef.h>

bool ig_budget_charge(struct ig_budget *b, uint64_t cap, uint64_t n)
{
    uint64_t cur = atomic_load(&b->used);
    do {
        if (cur + n > cap)
            return false;
    } while (!atomic_compare_exchange_weak(&b->used, &cur, cur + n));
    return true;
}

void ig_budget_uncharge(struct ig_budget *b, uint64_t n)
{
    atomic_fetch_sub(&b->used, n);
}

void *ig_budget_alloc(struct ig_budget *b, uint64_t cap, uint64_t bytes,
                      void *(*make)(const void *ctx), const void *ctx)
{
    void *st = NULL;
    if (ig_budget_charge(b, cap, bytes) && !(st = make(ctx)))
        ig_budget_uncharge(b, bytes);
    if (!st)
        atomic_fetch_add(&b->refused, 1);
    return st;
}
