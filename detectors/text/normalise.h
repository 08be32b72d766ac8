/* Text normalisation for pattern matching on prompts and completions.
 *
 * Covered (one code point at a time, no tables beyond these ranges):
 *   - NFKC for the compatibility ranges attackers use to dodge filters: fullwidth ASCII
 *     (U+FF01-FF5E), ligatures ff fi fl ffi ffl st (U+FB00-FB06), super/subscript digits
 *     and i n (U+00B2 B3 B9, U+2070-209C), circled letters and digits (U+2460-2468,
 *     U+24B6-24E9), mathematical alphanumerics (U+1D400-1D7FF), letterlike symbols
 *     (U+2102-2139 subset), exotic spaces (U+00A0, U+2000-200A, U+202F, U+205F, U+3000).
 *   - zero-width and format characters removed: U+00AD, U+034F, U+180E, U+200B-200F,
 *     U+202A-202E, U+2060-2069, U+FEFF, tags U+E0000-E007F (printable tags
 *     U+E0020-E007E become the ASCII they encode, after a space: ASCII smuggling).
 *   - look-alike folding to ASCII: Cyrillic and Greek letters that look Latin, and Latin-1
 *     and Latin Extended-A accented letters to their base letter (not NFKC, but what a
 *     filter wants; sharp s becomes "ss"); Romanian s/t with comma below and Vietnamese
 *     letters (horned o/u, U+1EA0-1EF9) likewise; combining diacritics (U+0300-036F),
 *     Arabic short vowels and tatweel (U+064B-065F, U+0670, U+0640) removed.
 *   Everything else outside ASCII passes through unchanged; invalid UTF-8 bytes are dropped.
 * Output is never longer than the input, so the work can run in place (out == in). */
#ifndef IG_TEXT_NORMALISE_H
#define IG_TEXT_NORMALISE_H

#include <inferguard/base.h>

enum ig_norm_flags {
    IG_NORM_FOLD  = 1u << 0,   /* NFKC subset, zero-width removal, look-alike folding */
    IG_NORM_LOWER = 1u << 1,   /* lower case: ASCII, Cyrillic and Greek capitals */
    IG_NORM_WS    = 1u << 2,   /* whitespace runs -> one space, leading/trailing trimmed */
    IG_NORM_PUNCT = 1u << 3,   /* ASCII punctuation -> space (apostrophes dropped) */
    IG_NORM_B64   = 1u << 4,   /* append decoded long Base64 runs (normalised) for rescan */
    IG_NORM_NL    = 1u << 5,   /* with WS: a whitespace run holding a line break -> '\n' */
    IG_NORM_WORDS = IG_NORM_FOLD | IG_NORM_LOWER | IG_NORM_WS | IG_NORM_PUNCT,
};

/* Base64 runs shorter than this are left alone (keys and hashes are shorter). */
#define IG_NORM_B64_MIN 24

/* Normalises <n> bytes at <in> into <out> (capacity <cap>; may equal <in> when
 * IG_NORM_B64 is not set). With IG_NORM_B64 the decoded text of each Base64 run of at
 * least IG_NORM_B64_MIN characters that decodes to mostly printable text (Base32 when
 * the run is in its alphabet and Base64 gives no text) is appended
 * after a " \n " separator, normalised with the same flags; <out> then needs room
 * for 2n + 8 bytes or the tail is cut. Returns the bytes written (<= cap). */
size_t ig_text_normalise(const uint8_t *in, size_t n, uint8_t *out, size_t cap, unsigned flags);

/* The same with the AVX-512 VBMI2 path for ASCII runs allowed (<simd>, when the CPU has
 * it: ig_text_normalise's choice) or not: byte-identical output either way (tests). */
size_t ig_text_normalise_path(const uint8_t *in, size_t n, uint8_t *out, size_t cap, unsigned flags,
                              bool simd);
/* The VBMI2 pass over the ASCII run at in[0..n) (up to the first non-ASCII byte, and with
 * IG_NORM_NL the first '\n' or '\r'), writing at out + *o and carrying the "last byte out
 * was a space" state; returns the bytes read. normalise.c's scalar pass calls it. */
size_t ig_norm_ascii_vbmi2(const uint8_t *in, size_t n, uint8_t *out, size_t *o, bool *space,
                           unsigned flags);

/* Finds the next Base64 run of at least IG_NORM_B64_MIN characters in in[*pos..n) that
 * decodes to mostly printable text (as Base64 or, when the run is in Base32's alphabet and
 * Base64 gives no text, as Base32); writes the decoded bytes to <dec> (room for 3n/4 + 3
 * of the longest run) and its offset in <in> to *at. Returns the decoded length, 0 when
 * no run is left; *pos moves past the run. */
size_t ig_text_b64_next(const uint8_t *in, size_t n, size_t *pos, uint8_t *dec, size_t *at);
/* The same, looking at every byte: the reference ig_text_b64_next() is tested against. */
size_t ig_text_b64_next_bytewise(const uint8_t *in, size_t n, size_t *pos, uint8_t *dec, size_t *at);

/* Decodes one UTF-8 code point at <p> (n > 0 bytes). Sets *len to the bytes used (>= 1);
 * returns the code point or -1 for an invalid or truncated sequence. */
int32_t ig_utf8_next(const uint8_t *p, size_t n, size_t *len);

/* Text in the strict sense: nine bytes in ten printable ASCII (tab, line break) or valid
 * UTF-8 beyond ASCII; a decoded hash or random bytes are not. */
bool ig_text_is_utf8_text(const uint8_t *p, size_t n);

/* Maps one code point under IG_NORM_FOLD: returns the ASCII/char replacement written
 * into out[0..3] and its length (0 = remove), or -1 = keep the code point as is. */
int ig_text_fold_cp(uint32_t cp, char out[4]);

#endif
