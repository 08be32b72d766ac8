/* inferguard: compiled pattern rules as the rest of the program sees them. The sidecar
 * owns one pattern cache (rules.cache_dir) and lends it to detectors through struct ig_env
 * (detector.h); detectors compile their Hyperscan databases through it (detectors/text/).
 * `rules check` and reloads check every pattern here without building a detector. */
#ifndef INFERGUARD_PATTERNS_H
#define INFERGUARD_PATTERNS_H

#include <stdint.h>
#include <inferguard/rules.h>

/* An on-disk cache of compiled databases (detectors/text/hs_cache.h says how). It counts
 * every database compiled through it, cached or not. Safe to share between threads. */
struct ig_pattern_cache;
/* <dir>: NULL or "" = no files (compile every time, still counted); "auto" =
 * $XDG_CACHE_HOME/inferguard, else $HOME/.cache/inferguard. The directory (and its
 * parents) is created with mode 0700 when missing; an unusable one is logged and not used.
 * NULL only when out of memory. */
struct ig_pattern_cache *ig_pattern_cache_new(const char *dir);
void ig_pattern_cache_free(struct ig_pattern_cache *c);

struct ig_pattern_cache_stats {
    uint64_t hits;       /* databases loaded from the cache */
    uint64_t misses;     /* compiled (no file, or no cache) */
    uint64_t bad;        /* files refused: wrong key, truncated, rejected by Hyperscan */
    uint64_t write_failed;
};
/* <c> NULL: all zero. */
void ig_pattern_cache_stats(const struct ig_pattern_cache *c, struct ig_pattern_cache_stats *out);

/* The params a pattern rule may carry ("params: {form: words, max_len: 64}"), one row each;
 * ig_rules_validate checks every rule against them (detectors/text/hsdb.c). */
extern const struct ig_param ig_pattern_rule_params[];

/* For `rules check` and reloads: compiles every pattern of every rule (disabled ones too)
 * on its own, with start tracking where the rule needs it, and checks validators, calling
 * <report> once per error with "file:line: rule NAME: reason". Returns the number of errors. */
int ig_hsdb_check(const struct ig_rules *r, void (*report)(void *ctx, const char *msg), void *ctx);

#endif
