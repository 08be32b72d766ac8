/* The compiled-pattern cache: a second compile of the same patterns loads the file the
 * first wrote and matches the same; other patterns get another file; damaged, truncated
 * or foreign files are refused (counted) and replaced; an unsafe or unusable directory
 * and "" turn the cache off; compile errors are never cached; files unused for 30 days
 * are pruned at start-up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "text/hs_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <inferguard/base.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[64];
static struct ig_pattern_cache *cache;

/* A fresh cache on <d> (what a process start does). */
static void use_dir(const char *d)
{
    ig_pattern_cache_free(cache);
    cache = ig_pattern_cache_new(d);
    assert_non_null(cache);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ig_hs_cache.XXXXXX");
    assert_non_null(mkdtemp(dir));
    chmod(dir, 0700);
    use_dir(dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    ig_pattern_cache_free(cache);
    cache = NULL;
    return 0;
}

/* Names of the cache files in dir, count returned; first name in *first. */
static int files(char *first, size_t cap)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "hs-", 3)) {
            if (n++ == 0 && first) {
                int w = snprintf(first, cap, "%s/%s", dir, e->d_name);
                assert_true(w > 0 && (size_t)w < cap);   /* a cut path would test another file */
            }
        }
    closedir(d);
    return n;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from, (void)flags;
    int *seen = ctx;
    seen[id] = (int)to;
    return 0;
}

/* Compiles <pats> through the cache; returns where each pattern matched <text> (end offsets). */
static hs_error_t compile_and_scan(const char *const *pats, unsigned n, const char *text, int *seen)
{
    unsigned flags[4] = { 0 }, ids[4] = { 0, 1, 2, 3 };
    hs_database_t *db = NULL;
    hs_compile_error_t *ce = NULL;
    hs_error_t rc = ig_hs_compile_multi(cache, pats, flags, ids, n, &db, &ce);
    if (rc != HS_SUCCESS) {
        hs_free_compile_error(ce);
        return rc;
    }
    hs_scratch_t *s = NULL;
    assert_int_equal(hs_alloc_scratch(db, &s), HS_SUCCESS);
    memset(seen, 0, 4 * sizeof *seen);
    assert_int_equal(hs_scan(db, text, (unsigned)strlen(text), 0, s, on_match, seen), HS_SUCCESS);
    hs_free_scratch(s);
    hs_free_database(db);
    return rc;
}

static struct ig_pattern_cache_stats stats(void)
{
    struct ig_pattern_cache_stats s;
    ig_pattern_cache_stats(cache, &s);
    return s;
}

static const char *const P1[] = { "secret", "key=[0-9a-f]{8}" };
static const char *const P2[] = { "secret", "key=[0-9a-f]{9}" };
static const char *const TEXT = "the secret is key=deadbeef!";

static void test_second_compile_loads_the_file(void **state)
{
    (void)state;
    struct ig_pattern_cache_stats s0 = stats();
    int a[4], b[4];
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(files(NULL, 0), 1);
    assert_int_equal(compile_and_scan(P1, 2, TEXT, b), HS_SUCCESS);
    struct ig_pattern_cache_stats s1 = stats();
    assert_int_equal(s1.misses - s0.misses, 1);
    assert_int_equal(s1.hits - s0.hits, 1);
    assert_int_equal(s1.bad, s0.bad);
    assert_int_equal(a[0], 10);   /* "secret" ends at 10 */
    assert_int_equal(a[1], 26);   /* "key=deadbeef" ends at 26 */
    assert_memory_equal(a, b, sizeof a);
    /* other patterns (even one character apart) are another database */
    assert_int_equal(compile_and_scan(P2, 2, TEXT, b), HS_SUCCESS);
    assert_int_equal(b[1], 0);
    assert_int_equal(files(NULL, 0), 2);
    assert_int_equal(stats().misses - s0.misses, 2);
}

static void corrupt(const char *path, long at, int truncate_to)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    if (truncate_to >= 0) {
        assert_int_equal(ftruncate(fileno(f), truncate_to), 0);
    } else {
        fseek(f, at, SEEK_SET);
        int c = fgetc(f);
        fseek(f, at, SEEK_SET);
        fputc(c ^ 0x5a, f);
    }
    fclose(f);
}

static void test_damaged_files_are_refused_and_replaced(void **state)
{
    (void)state;
    int a[4];
    char path[256];
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(files(path, sizeof path), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    const long where[] = { 0, 9, 25, 33, 40 + 40, (long)st.st_size - 1 };   /* magic, key, length, hash, blob */
    for (size_t i = 0; i < sizeof where / sizeof where[0] + 2; i++) {
        if (i < sizeof where / sizeof where[0])
            corrupt(path, where[i], -1);
        else
            corrupt(path, 0, i == sizeof where / sizeof where[0] ? 20 : 0);   /* truncated, empty */
        struct ig_pattern_cache_stats s0 = stats();
        assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
        assert_int_equal(a[1], 26);
        struct ig_pattern_cache_stats s1 = stats();
        assert_int_equal(s1.bad - s0.bad, 1);
        assert_int_equal(s1.misses - s0.misses, 1);
        /* ...and the fresh compile replaced it */
        assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
        assert_int_equal(stats().hits - s1.hits, 1);
    }
}

static void test_parse_checks_the_key(void **state)
{
    (void)state;
    int a[4];
    char path[256];
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(files(path, sizeof path), 1);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    uint8_t key[16];
    memcpy(key, buf + 8, 16);
    hs_database_t *db = NULL;
    assert_int_equal(ig_hs_cache_parse(buf, n, key, &db), IG_OK);
    hs_free_database(db);
    key[3] ^= 1;
    assert_int_equal(ig_hs_cache_parse(buf, n, key, &db), IG_EPARSE);
    assert_null(db);
    key[3] ^= 1;
    assert_int_equal(ig_hs_cache_parse(buf, n - 1, key, &db), IG_EPARSE);
    assert_int_equal(ig_hs_cache_parse(buf, 10, key, &db), IG_EPARSE);
}

static void test_compile_errors_are_not_cached(void **state)
{
    (void)state;
    const char *const bad[] = { "ok", "unbalanced(" };
    int a[4];
    assert_int_equal(compile_and_scan(bad, 2, TEXT, a), HS_COMPILER_ERROR);
    assert_int_equal(files(NULL, 0), 0);
}

static void test_unsafe_or_absent_directory_turns_it_off(void **state)
{
    (void)state;
    int a[4];
    chmod(dir, 0777);                 /* anyone could plant byte code here */
    use_dir(dir);
    struct ig_pattern_cache_stats s0 = stats();
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(stats().misses - s0.misses, 2);
    assert_int_equal(files(NULL, 0), 0);
    chmod(dir, 0700);
    use_dir("");          /* off */
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(files(NULL, 0), 0);
    char sub[128];                    /* created (with parents) when missing */
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    use_dir(sub);
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stats().hits - s0.hits, 0);
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(stats().hits - s0.hits, 1);
    use_dir(dir);
}

static void test_unused_files_are_pruned(void **state)
{
    (void)state;
    int a[4];
    char path[256];
    assert_int_equal(compile_and_scan(P1, 2, TEXT, a), HS_SUCCESS);
    assert_int_equal(files(path, sizeof path), 1);
    use_dir(dir);         /* recent: kept */
    assert_int_equal(files(NULL, 0), 1);
    struct timespec old[2] = { { time(NULL) - 31 * 86400, 0 }, { time(NULL) - 31 * 86400, 0 } };
    assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
    use_dir(dir);
    assert_int_equal(files(NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test_setup_teardown(test_second_compile_loads_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files_are_refused_and_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_checks_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compile_errors_are_not_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsafe_or_absent_directory_turns_it_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unused_files_are_pruned, setup, teardown),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
