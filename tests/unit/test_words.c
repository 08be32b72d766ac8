/* text/words.h: the AVX-512 word-start scan finds exactly the starts of the plain
 * definition, and the four-chain word hashes equal FNV-1a plus the finaliser word by word
 * (leakage.system_prompt compares n-grams hashed at init with these). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <inferguard/cpu.h>
#include "text/words.h"

static uint64_t ref_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static void test_words_match_definition(void **st)
{
    (void)st;
    static uint8_t t[3000];
    static size_t a[3000], b[3000];
    static uint64_t h[3000];
    uint64_t r = 99;
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(r % 2900);
        for (size_t i = 0; i < n; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t x = (uint32_t)(r >> 33) % 10;
            t[i] = x < 2 ? ' ' : x == 2 ? '\n' : (uint8_t)('a' + (r >> 40) % 26);
        }
        size_t max = round % 7 == 0 ? (size_t)(r % 50) : sizeof a / sizeof *a;
        size_t na = ig_text_word_starts(t, n, a, max);
        size_t nb = 0;
        for (size_t i = 0; i < n && nb < max; i++)
            if (t[i] != ' ' && t[i] != '\n' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\n'))
                b[nb++] = i;
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na * sizeof *a);
        ig_text_word_hashes(t, n, a, na, h);
        for (size_t i = 0; i < na; i++) {
            size_t e = a[i];
            while (e < n && t[e] != ' ' && t[e] != '\n')
                e++;
            assert_true(h[i] == ref_hash(t + a[i], e - a[i]));
        }
    }
    if (ig_cpu_level() >= IG_CPU_AVX512) {
        /* the SIMD scan directly, against the same definition */
        const char *s = "  hello world\nfoo  bar ";
        size_t n = strlen(s), k = ig_text_word_starts_avx512((const uint8_t *)s, n, a, 10);
        assert_int_equal(k, 4);
        assert_int_equal(a[0], 2);
        assert_int_equal(a[1], 8);
        assert_int_equal(a[2], 14);
        assert_int_equal(a[3], 19);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_match_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
