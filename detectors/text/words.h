/* Words of normalised text (ig_text_normalise with IG_NORM_WS: words separated by one
 * ' ' or '\n'): where they start and a 64-bit hash of each, the two per-byte loops of
 * n-gram detectors (leakage.system_prompt), done with AVX-512 masks and four independent
 * hash chains instead of one. */
#ifndef IG_TEXT_WORDS_H
#define IG_TEXT_WORDS_H

#include <stddef.h>
#include <stdint.h>

/* Offsets of the bytes of t[0..n) that are not ' '/'\n' and start the text or follow
 * one, at most <max>; returns how many. */
size_t ig_text_word_starts(const uint8_t *t, size_t n, size_t *at, size_t max);
/* out[i] = hash of the word at t + at[i] (up to the next ' '/'\n' or n): FNV-1a 64, then
 * h ^= h >> 33, h *= 0xff51afd7ed558ccd, h ^= h >> 33 (the finaliser mixes it for rolling
 * n-gram sums). <at>: consecutive word starts, as ig_text_word_starts gives them (a word
 * ends one separator before the next one starts, when only one lies between). */
void ig_text_word_hashes(const uint8_t *t, size_t n, const size_t *at, size_t nw, uint64_t *out);
/* The AVX-512 word-start scan, for words.c (called when the CPU has AVX-512). */
size_t ig_text_word_starts_avx512(const uint8_t *t, size_t n, size_t *at, size_t max);

#endif
