/* Texts already found quiet: a detector whose verdict on a text is a pure function of its
 * bytes (and the rules) remembers the texts it scored below its threshold, so a prompt sent
 * again (a retry, a template, the conversation history every chat turn repeats, a replayed
 * capture) costs a digest instead of a second scoring. Keys are two SipHash-2-4 values
 * under random per-process keys: a sender who cannot read the keys cannot make an attack
 * text collide with a remembered quiet one. Fixed size, direct-mapped: an entry evicts the
 * one in its slot; nothing is allocated after ig_quiet_set_new(). Not thread-safe: one per
 * engine (one engine per worker). */
#ifndef IG_TEXT_QUIET_SET_H
#define IG_TEXT_QUIET_SET_H

#include <inferguard/base.h>

struct ig_quiet_set;
struct ig_quiet_digest { uint64_t a, b; };

/* A set of 2^bits entries (16 B each), keys from getrandom(); NULL when out of memory or
 * without randomness. */
struct ig_quiet_set *ig_quiet_set_new(unsigned bits);
void ig_quiet_set_free(struct ig_quiet_set *s);
/* The digest of text[0..n) in a context (e.g. the model and route the rules are scoped
 * by: texts alike in different contexts are different keys). */
struct ig_quiet_digest ig_quiet_digest(const struct ig_quiet_set *s, const void *text, size_t n,
                                       const void *ctx, size_t ctxn);
bool ig_quiet_set_has(struct ig_quiet_set *s, struct ig_quiet_digest d);
void ig_quiet_set_add(struct ig_quiet_set *s, struct ig_quiet_digest d);
/* Lookups answered from the set, and made, since it was made. */
uint64_t ig_quiet_set_hits(const struct ig_quiet_set *s);
uint64_t ig_quiet_set_lookups(const struct ig_quiet_set *s);

#endif
