/* The golden rows unit tests replay (the .tsv files in tests/golden: a real client's rows
 * with the scores and labels a real model answered, kept from an efficacy run): one reader
 * for all of them. Include after <cmocka.h>. */
#ifndef IG_TEST_GOLDEN_ROWS_H
#define IG_TEST_GOLDEN_ROWS_H

#include <stdio.h>
#include <stdlib.h>

/* tests/golden/<name> under $IG_SRC (else .): rows of <cols> numbers, each read as scanf's %f
 * reads a float (integer columns too: request numbers, labels and clients are small integers,
 * exact in a float), into out[row * cols + col], at most <max> rows; the test fails when the
 * file cannot be opened. Returns the whole rows read. */
static inline int golden_rows(const char *name, int cols, float *out, int max)
{
    const char *src = getenv("IG_SRC");
    char path[512];
    snprintf(path, sizeof path, "%s/tests/golden/%s", src ? src : ".", name);
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("cannot open %s (set IG_SRC)", path);
    int n = 0;
    for (; n < max; n++) {
        int c = 0;
        while (c < cols && fscanf(fp, "%f", &out[(size_t)n * cols + c]) == 1)
            c++;
        if (c < cols)
            break;
    }
    fclose(fp);
    return n;
}

#endif
