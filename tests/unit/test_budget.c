/* Memory budgets for per-client detector state (detectors/budget.h, lent to detectors through struct ig_env): charges stay
 * within the cap, a refusal charges nothing and is counted, a state whose allocation fails
 * gives its charge back, and threads charging together never overshoot the cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "budget.h"

static void test_charge_within_cap(void **state)
{
    (void)state;
    struct ig_budget b = { .cap = 100 };
    assert_true(ig_budget_charge(&b, 60));
    assert_false(ig_budget_charge(&b, 41));   /* 101 > 100: nothing charged */
    assert_int_equal(atomic_load(&b.used), 60);
    assert_true(ig_budget_charge(&b, 40));    /* exactly the cap */
    ig_budget_uncharge(&b, 100);
    assert_int_equal(atomic_load(&b.used), 0);
}

static int made;
static void *make_ok(const void *ctx)
{
    made++;
    return calloc(1, *(const size_t *)ctx);
}
static void *make_fail(const void *ctx)
{
    (void)ctx;
    made++;
    return NULL;
}

static void test_alloc_refuses_and_gives_back(void **state)
{
    (void)state;
    struct ig_budget b = { .cap = 100 };
    size_t n = 32;
    made = 0;
    void *a = ig_budget_alloc(&b, 64, make_ok, &n);
    assert_non_null(a);
    assert_int_equal(atomic_load(&b.used), 64);
    /* no room: make() is not even called, the refusal is counted */
    assert_null(ig_budget_alloc(&b, 64, make_ok, &n));
    assert_int_equal(made, 1);
    assert_int_equal(atomic_load(&b.refused), 1);
    /* room, but the allocation fails: the charge is undone */
    assert_null(ig_budget_alloc(&b, 16, make_fail, NULL));
    assert_int_equal(made, 2);
    assert_int_equal(atomic_load(&b.used), 64);
    assert_int_equal(atomic_load(&b.refused), 2);
    ig_budget_uncharge(&b, 64);
    free(a);
    assert_int_equal(atomic_load(&b.used), 0);
}

static struct ig_budget shared = { .cap = 5000 };
static _Atomic uint64_t granted;
static void *charger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10000; i++)
        if (ig_budget_charge(&shared, 3))
            atomic_fetch_add(&granted, 3);
    return NULL;
}

static void test_threads_never_overshoot(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, charger, NULL), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&shared.used), atomic_load(&granted));
    assert_int_equal(atomic_load(&shared.used), 4998);   /* the largest multiple of 3 <= 5000 */
}

/* The lender ig_detector_init hands detectors: budgets of their own cap, refusals counted. */
static void test_lender(void **state)
{
    (void)state;
    const struct ig_budget_ops *o = &ig_budget_lender;
    struct ig_budget *a = ig_budget_open(o, "test.a", 100), *b = ig_budget_open(o, "test.b", 10);
    assert_non_null(a);
    assert_non_null(b);
    size_t n = 8;
    void *s = o->alloc(a, 64, make_ok, &n);
    assert_non_null(s);
    assert_null(o->alloc(b, 64, make_ok, &n));   /* b's cap, not a's */
    assert_int_equal(o->refused(a), 0);
    assert_int_equal(o->refused(b), 1);
    assert_true(o->charge(a, 36));
    assert_false(o->charge(a, 1));
    o->uncharge(a, 100);
    free(s);
    o->close(a);
    o->close(b);
    o->close(NULL);
}

/* The process's book: every budget listed while open, one row per owner (a detector on
 * several lanes adds up), refusals of closed budgets kept. */
static void test_book(void **state)
{
    (void)state;
    struct ig_budget_book k;
    ig_budget_book_init(&k);
    const struct ig_budget_ops *o = &k.ops;
    struct ig_budget *a1 = ig_budget_open(o, "det.a", 100), *a2 = ig_budget_open(o, "det.a", 50);
    struct ig_budget *b = ig_budget_open(o, "det.b", 10);
    assert_true(a1 && a2 && b);
    size_t n = 8;
    void *s = o->alloc(a1, 64, make_ok, &n);
    assert_non_null(s);
    assert_true(o->charge(a2, 20));
    assert_null(o->alloc(b, 64, make_ok, &n));
    assert_null(o->alloc(a2, 64, make_ok, &n));
    struct ig_budget_row r[4];
    assert_int_equal(ig_budget_book_rows(&k, r, 4), 2);
    assert_string_equal(r[0].owner, "det.a");
    assert_int_equal(r[0].used, 84);
    assert_int_equal(r[0].cap, 150);
    assert_int_equal(r[0].refused, 1);
    assert_string_equal(r[1].owner, "det.b");
    assert_int_equal(r[1].used, 0);
    assert_int_equal(r[1].refused, 1);
    assert_int_equal(ig_budget_book_rows(&k, r, 1), 1);   /* no more than asked for */
    /* a reload: the old budgets close, a new one opens; refusals still count */
    o->uncharge(a2, 20);
    o->close(a2);
    o->close(b);
    struct ig_budget *b2 = ig_budget_open(o, "det.b", 10);
    assert_int_equal(ig_budget_book_rows(&k, r, 4), 2);
    assert_int_equal(r[0].used, 64);
    assert_int_equal(r[0].cap, 100);
    assert_int_equal(r[0].refused, 1);
    assert_int_equal(r[1].cap, 10);
    assert_int_equal(r[1].refused, 1);
    o->uncharge(a1, 64);
    free(s);
    o->close(a1);
    o->close(b2);
    assert_int_equal(ig_budget_book_rows(&k, r, 4), 2);
    assert_int_equal(r[0].used + r[0].cap + r[1].used + r[1].cap, 0);
    assert_int_equal(r[0].refused + r[1].refused, 2);
    ig_budget_book_fini(&k);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_charge_within_cap),
        cmocka_unit_test(test_alloc_refuses_and_gives_back),
        cmocka_unit_test(test_threads_never_overshoot),
        cmocka_unit_test(test_lender),
        cmocka_unit_test(test_book),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
