/* The longest run of one word repeated (leakage.divergence's repeat-a-token signal): words
 * are maximal runs of ASCII letters, digits and bytes >= 0x80, compared case-insensitively
 * (byte | 0x20), any separators between them. */
#ifndef IG_TEXT_RUNS_H
#define IG_TEXT_RUNS_H

#include <stddef.h>
#include <stdint.h>

struct ig_text_run {
    uint32_t count;              /* words in the longest run (the first such run) */
    size_t start, end;           /* byte range of the run */
    size_t tok_at, tok_n;        /* the repeated word */
};

/* Word boundaries from 16-byte SSE2 compares, 64 bytes to a mask. */
struct ig_text_run ig_text_longest_run(const uint8_t *t, size_t n);
/* The byte-at-a-time loop: the reference the tests hold the fast one to. */
struct ig_text_run ig_text_longest_run_scalar(const uint8_t *t, size_t n);

#endif
