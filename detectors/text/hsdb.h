/* Pattern rules compiled into Hyperscan databases: one per scan point (request text,
 * response text), built once from every enabled pattern rule of the chosen detectors, and
 * matched in a single pass over the text. Validators (rules.yaml `validators:`) run only on
 * candidate matches. A database is immutable and may be shared; scanning needs a scratch
 * per thread. Reload = build a new database from the new rules and swap the pointer (the
 * detectors do this in init(), which the engine runs on reload). */
#ifndef IG_TEXT_HSDB_H
#define IG_TEXT_HSDB_H

#include <inferguard/patterns.h>
#include <inferguard/rules.h>

struct ig_hsdb;
struct ig_hsdb_scratch;

/* Validator names accepted in rules (anything else is a build error naming the rule):
 *   luhn         payment card IIN range + length + Luhn
 *   iban         IBAN per-country length + mod 97
 *   ssn          US SSN area/group/serial rules
 *   entropy      Shannon entropy >= params.min_entropy (default 3.0 bits/char)
 *   jwt          header and payload decode to JSON objects
 *   not_example  rejects AWS documentation keys ending in EXAMPLE
 *   not_reserved rejects e-mail addresses at documentation domains (example.com/.net/.org)
 *   context      one of params.context ('|' separated words) within params.context_window
 *                bytes (default 64) before the match, or inside it
 * Match starts (for validators and masked evidence) are found only for candidates, by the
 * rule's own start-tracking database over the params.max_len bytes (default 1024) before
 * the match end; a match longer than that is missed. params.extend_left (a character set
 * such as "A-Za-z0-9._%+-") then moves the start left over those characters, so a pattern
 * can begin at a cheap anchor (an e-mail's '@') and still report the whole value;
 * params.trim_left ("^0-9": a leading '^' negates) moves it right over those characters, so
 * a pattern can start with its context words and still report only the value. */
enum ig_hsdb_validator {
    IG_VAL_LUHN = 1u << 0, IG_VAL_IBAN = 1u << 1, IG_VAL_SSN = 1u << 2,
    IG_VAL_ENTROPY = 1u << 3, IG_VAL_JWT = 1u << 4, IG_VAL_NOT_EXAMPLE = 1u << 5,
    IG_VAL_CONTEXT = 1u << 6, IG_VAL_NOT_RESERVED = 1u << 7,
};

struct ig_hsdb_match {
    const struct ig_rule *rule;
    uint32_t idx;            /* rule index in this database, 0..ig_hsdb_rules()-1 */
    size_t from, to;         /* match is text[from..to); from == to when the start is not
                              * tracked (rules with a params.form other than raw and no
                              * validators: Hyperscan's start tracking is costly) */
};

/* Called for each validated match. Return 0 to go on, 1 to hear no more of this rule in
 * this scan, 2 to stop the scan. */
typedef int (*ig_hsdb_match_fn)(void *ctx, const struct ig_hsdb_match *m);

/* Builds from the enabled rules with patterns whose detector is one of <detectors>
 * (NULL-terminated; NULL = every detector) and, if <form> is not NULL, whose params.form
 * equals it (a rule without params.form counts as "raw"), compiling through <cache>
 * (the env's patterns; NULL = compile, uncounted). With no such rule *out is a valid
 * empty database. On error writes "file:line: rule NAME: reason" and returns IG_ECONF
 * (bad pattern or validator) or IG_ENOMEM; fails cleanly when the CPU lacks what
 * Hyperscan needs (SSSE3). */
int  ig_hsdb_build(struct ig_pattern_cache *cache, const struct ig_rules *r,
                   const char *const *detectors, const char *form, struct ig_hsdb **out,
                   char *err, size_t errlen);
void ig_hsdb_free(struct ig_hsdb *db);
/* ig_hsdb_check (rules check): <inferguard/patterns.h>. */
uint32_t ig_hsdb_rules(const struct ig_hsdb *db);
const struct ig_rule *ig_hsdb_rule(const struct ig_hsdb *db, uint32_t idx);
/* Number of patterns compiled for a scan point (IG_SCAN_REQUEST or IG_SCAN_RESPONSE). */
uint32_t ig_hsdb_patterns(const struct ig_hsdb *db, enum ig_rule_scan point);
/* Patterns of a scan point left to the gate (text/gate.h): scanned only when their
 * leading atoms occur. */
uint32_t ig_hsdb_gated(const struct ig_hsdb *db, enum ig_rule_scan point);
/* Tests and benches: off scans the whole database always; on restores the CPU's choice. */
void ig_hsdb_gate(struct ig_hsdb *db, bool on);

/* Makes *s fit <db> (allocating or growing it; call at init, not per event). */
int  ig_hsdb_scratch_fit(const struct ig_hsdb *db, struct ig_hsdb_scratch **s);
void ig_hsdb_scratch_free(struct ig_hsdb_scratch *s);

/* Scans text[0..n) at <point> (IG_SCAN_REQUEST or IG_SCAN_RESPONSE) with the rules that
 * apply to <model>/<route> (NULL = any), calling <fn> per validated match in end-offset
 * order. Returns IG_OK, or IG_EPARSE if Hyperscan failed (counted by the caller). */
int  ig_hsdb_scan(const struct ig_hsdb *db, enum ig_rule_scan point, const uint8_t *text,
                  size_t n, const char *model, const char *route, struct ig_hsdb_scratch *s,
                  ig_hsdb_match_fn fn, void *ctx);

/* Runs rule <idx>'s validators on a candidate text[from..to) (exposed for tests). */
bool ig_hsdb_validate(const struct ig_hsdb *db, uint32_t idx, const uint8_t *text,
                      size_t from, size_t to);

#endif
