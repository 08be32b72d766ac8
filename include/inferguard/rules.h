/* inferguard: rules — detector settings and pattern rules loaded from YAML (rules/).
 * A loaded set is immutable and shared; reload builds a new set and swaps it in.
 * Format: rules/README.md. Every accessor accepts r == NULL and then returns <def>,
 * so detectors and tests work without any rules file. */
#ifndef INFERGUARD_RULES_H
#define INFERGUARD_RULES_H

#include <inferguard/base.h>

struct ig_rules;

/* Loads every *.yaml under <dir> (sorted by name). On error writes "file:line: reason"
 * into err and returns IG_ECONF; *out is then NULL. */
int  ig_rules_load_dir(const char *dir, struct ig_rules **out, char *err, size_t errlen);
void ig_rules_free(struct ig_rules *r);

/* Validates <dir> like ig_rules_load_dir but reports every error, one per call of
 * <report> ("file:line: reason"). Returns the number of errors (0 = valid). */
int ig_rules_check_dir(const char *dir, void (*report)(void *ctx, const char *msg), void *ctx);

/* Detector settings from a "- detector: NAME" block. */
bool        ig_rules_enabled(const struct ig_rules *r, const char *detector, bool def);
double      ig_rules_num(const struct ig_rules *r, const char *detector, const char *param, double def);
const char *ig_rules_str(const struct ig_rules *r, const char *detector, const char *param, const char *def);
/* Severity (enum ig_severity) and throttle window (µs) of a detector, or <def>. */
int         ig_rules_severity(const struct ig_rules *r, const char *detector, int def);
uint64_t    ig_rules_throttle_us(const struct ig_rules *r, const char *detector, uint64_t def);

#endif
