/* Skips that reach ctest as skips. cmocka's skip() alone exits 0, so ctest would count the
 * test as passed; IG_SKIP() records the reason and IG_RUN_TESTS() exits 77 (the unit tests'
 * SKIP_RETURN_CODE, tests/CMakeLists.txt) when anything was skipped and nothing failed.
 * Only for what a machine legitimately lacks (the ../shared corpus, capture permission);
 * a missing tool is installed by scripts/install-deps.sh test, or the test fails. */
#ifndef IG_TEST_SKIP_H
#define IG_TEST_SKIP_H

#include <stdio.h>

static int ig_test_skipped;

#define IG_SKIP(...)                                  \
    do {                                              \
        printf("# skipped: " __VA_ARGS__);            \
        printf("\n");                                 \
        ig_test_skipped = 1;                          \
        skip();                                       \
    } while (0)

#define IG_RUN_TESTS(tests)                                              \
    do {                                                                 \
        int ig_failed_ = cmocka_run_group_tests(tests, NULL, NULL);      \
        return ig_failed_ ? ig_failed_ : ig_test_skipped ? 77 : 0;       \
    } while (0)

#endif
