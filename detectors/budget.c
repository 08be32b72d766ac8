/* Memory budgets for per-client detector state; see budget.h. */
#include "budget.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* The book's row of <owner>, made on first use; NULL when the book is full. Under its lock. */
static struct ig_budget_row *book_row(struct ig_budget_book *k, const char *owner)
{
    for (size_t i = 0; i < k->nrows; i++)
        if (strcmp(k->rows[i].owner, owner) == 0)
            return &k->rows[i];
    if (k->nrows == IG_BUDGET_BOOK_MAX)
        return NULL;
    k->rows[k->nrows] = (struct ig_budget_row){ .owner = owner };
    return &k->rows[k->nrows++];
}

static struct ig_budget *budget_open(void *ctx, const char *owner, uint64_t cap)
{
    struct ig_budget *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->cap = cap;
    b->owner = owner;
    struct ig_budget_book *k = ctx;
    if (k && owner) {
        pthread_mutex_lock(&k->lock);
        if (book_row(k, owner)) {   /* a full book lends unlisted budgets */
            b->book = k;
            b->next = k->list;
            k->list = b;
        }
        pthread_mutex_unlock(&k->lock);
    }
    return b;
}

static void budget_close(struct ig_budget *b)
{
    struct ig_budget_book *k = b ? b->book : NULL;
    if (k) {
        pthread_mutex_lock(&k->lock);
        struct ig_budget **p = &k->list;
        while (*p && *p != b)
            p = &(*p)->next;
        if (*p)
            *p = b->next;
        book_row(k, b->owner)->refused += atomic_load(&b->refused);   /* listed: has a row */
        pthread_mutex_unlock(&k->lock);
    }
    free(b);
}

static uint64_t budget_refused(const struct ig_budget *b)
{
    return atomic_load(&b->refused);
}

const struct ig_budget_ops ig_budget_lender = {
    .open = budget_open,
    .close = budget_close,
    .charge = ig_budget_charge,
    .uncharge = ig_budget_uncharge,
    .alloc = ig_budget_alloc,
    .refused = budget_refused,
};

void ig_budget_book_init(struct ig_budget_book *k)
{
    memset(k, 0, sizeof *k);
    k->ops = ig_budget_lender;
    k->ops.ctx = k;
    pthread_mutex_init(&k->lock, NULL);
}

void ig_budget_book_fini(struct ig_budget_book *k)
{
    pthread_mutex_destroy(&k->lock);
}

size_t ig_budget_book_rows(struct ig_budget_book *k, struct ig_budget_row *out, size_t max)
{
    pthread_mutex_lock(&k->lock);
    size_t n = k->nrows < max ? k->nrows : max;
    memcpy(out, k->rows, n * sizeof *out);
    for (struct ig_budget *b = k->list; b; b = b->next)
        for (size_t i = 0; i < n; i++)
            if (strcmp(out[i].owner, b->owner) == 0) {
                out[i].used += atomic_load(&b->used);
                out[i].cap += b->cap;
                out[i].refused += atomic_load(&b->refused);
                break;
            }
    pthread_mutex_unlock(&k->lock);
    return n;
}
