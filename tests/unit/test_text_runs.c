/* text/runs.h: the mask-based longest repeated-word run gives what the byte-at-a-time
 * loop gives (count, byte range, the word) on random texts of few distinct words, mixed
 * case, digits, bytes >= 0x80 and separators, every length across the 64-byte blocks, and
 * on the edges: empty, separators only, one word filling the text, runs to the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text/runs.h"

static void same(const uint8_t *t, size_t n)
{
    struct ig_text_run a = ig_text_longest_run(t, n), b = ig_text_longest_run_scalar(t, n);
    if (a.count != b.count || a.start != b.start || a.end != b.end || a.tok_at != b.tok_at ||
        a.tok_n != b.tok_n) {
        print_error("n %zu: count %u/%u start %zu/%zu end %zu/%zu tok %zu+%zu / %zu+%zu\n", n,
                    a.count, b.count, a.start, b.start, a.end, b.end, a.tok_at, a.tok_n,
                    b.tok_at, b.tok_n);
        fail();
    }
}

static void test_runs_match_scalar(void **st)
{
    (void)st;
    static const char *const words[] = { "poem", "POEM", "Poem", "poems", "the", "a", "9",
                                         "\xc3\xa9t\xc3\xa9", "company", "x1" };
    static const char *const seps[] = { " ", "  ", ", ", "\n", "-", "@", "\x1f", "[" };
    static uint8_t t[4096];
    uint64_t r = 7;
    for (int round = 0; round < 20000; round++) {
        size_t n = 0, want = (size_t)(round % 400);
        if (round % 97 == 0)
            want = 1000 + (size_t)(round % 3000);
        while (n < want) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t x = (uint32_t)(r >> 33);
            /* runs: mostly the last word again */
            const char *w = words[(x % 4 == 0) ? (x >> 8) % 10 : (x >> 8) % 3];
            const char *sp = seps[(x >> 16) % 8];
            size_t lw = strlen(w), ls = strlen(sp);
            if (n + lw + ls > sizeof t)
                break;
            if (!(round % 5 == 0 && n == 0)) {     /* some texts start with a word */
                memcpy(t + n, sp, ls);
                n += ls;
            }
            memcpy(t + n, w, lw);
            n += lw;
            if (x % 31 == 0)                       /* a random byte */
                t[n++] = (uint8_t)(x >> 24);
        }
        for (size_t k = 0; k <= 3 && k <= n; k++)  /* and every shorter end */
            same(t, n - k);
    }
    same(NULL, 0);
    memset(t, ' ', 200);
    for (size_t n = 0; n <= 200; n++)
        same(t, n);
    memset(t, 'Z', 200);
    for (size_t n = 0; n <= 200; n++)
        same(t, n);
    for (size_t i = 0; i < 256; i++)
        t[i] = (uint8_t)i;
    same(t, 256);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_match_scalar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
