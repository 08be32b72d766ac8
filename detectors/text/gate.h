/* A cheap necessary condition for patterns with no literal to anchor on (card numbers,
 * IBANs, SSNs: digit and letter classes), so a scan can skip them on text that cannot
 * match them.
 *
 * Hyperscan finds literal-anchored patterns at several GB/s, but a pattern made of
 * character classes only (\b[2-6]\d{12,18}\b) runs a state machine over every byte, and a
 * handful of them in one database slows the whole scan to ~1 GB/s. Every match of such a
 * pattern starts with its mandatory leading atoms, e.g. [2-6]\d\d\d\d\d\d\d: the gate
 * looks for those fixed-width class sequences (up to IG_GATE_ATOMS atoms, at most 8
 * distinct classes over all gated patterns) in one pass, and hsdb scans the database
 * without the gated patterns whenever none occurs: the same matches, since no gated
 * pattern can match there. The prefix is taken from the pattern text for the syntax
 * whose meaning is certain (a leading \b, literals, escapes \d \s \w \D \S \W and
 * punctuation, bracket classes, {m} {m,} {m,n} ? * + quantifiers); anything else (groups,
 * alternation, inline flags, '.', anchors) ends the prefix, and a pattern with fewer than
 * 4 leading atoms, or whose first atom is a single byte (a literal Hyperscan anchors on
 * anyway), is not gated.
 *
 * The check runs with AVX-512 VBMI and GFNI, 64 bytes at a time: one vpermi2b gives each
 * byte its 8 class bits, a GF(2) affine transform and a vpermb turn them into one 64-bit
 * position mask per class, and every pattern (one per qword lane) ANDs the masks of its
 * atoms shifted by their offsets, carried across chunks. Without those instructions hsdb
 * does not gate (ig_gate_fn() is NULL). ig_gate_scalar is the definition the SIMD path is
 * tested against. */
#ifndef IG_TEXT_GATE_H
#define IG_TEXT_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IG_GATE_PATTERNS 8   /* one per 64-bit lane of a zmm */
#define IG_GATE_ATOMS 8

struct ig_gate {
    uint32_t npat, ncls;
    uint8_t len[IG_GATE_PATTERNS];                 /* atoms of each gated pattern */
    uint8_t atom[IG_GATE_PATTERNS][IG_GATE_ATOMS]; /* class number of each atom */
    /* the SIMD check's tables: lane p of row j is the class of pattern p's atom j, 8
     * (always true) past its length, 9 (never) for lanes without a pattern */
    uint64_t idx[IG_GATE_ATOMS][8];
    uint8_t cls[8][32];                            /* class bitsets over bytes */
    uint8_t tbl[256];                              /* byte -> bit c when in class c */
};

/* The mandatory leading atoms of <pattern> as byte sets (at most IG_GATE_ATOMS) into
 * <sets>; returns how many (0 when nothing certain can be said). */
int  ig_gate_prefix(const char *pattern, uint8_t sets[IG_GATE_ATOMS][32]);
/* Adds <pattern> when it can be gated (see above) and room is left: true if added. */
bool ig_gate_add(struct ig_gate *g, const char *pattern);
/* True when some gated pattern's prefix occurs in t[0..n): the reference definition. */
bool ig_gate_scalar(const struct ig_gate *g, const uint8_t *t, size_t n);

typedef bool (*ig_gate_check_fn)(const struct ig_gate *g, const uint8_t *t, size_t n);
/* The SIMD check for this CPU (AVX-512 VBMI + GFNI), or NULL: then do not gate. Capped
 * by INFERGUARD_SIMD like every kernel. */
ig_gate_check_fn ig_gate_fn(void);
bool ig_gate_vbmi(const struct ig_gate *g, const uint8_t *t, size_t n);

#endif
