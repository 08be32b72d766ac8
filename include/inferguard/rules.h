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

/* Loads the rule set compiled into the binary (the shipped rules/<name>.yaml files): the default
 * when no rules directory is configured. */
int  ig_rules_load_embedded(struct ig_rules **out, char *err, size_t errlen);
int  ig_rules_check_embedded(void (*report)(void *ctx, const char *msg), void *ctx);
/* Where a set came from ("embedded", the directory, or a buffer's name) and the SHA-256
 * (64 hex) of its files: name, length and bytes of each in name order, atlas.yaml included,
 * so a directory holding the shipped files has the embedded set's hash. */
const char *ig_rules_origin(const struct ig_rules *r);
const char *ig_rules_sha256(const struct ig_rules *r);

/* Validates <dir> like ig_rules_load_dir but reports every error, one per call of
 * <report> ("file:line: reason"). Returns the number of errors (0 = valid). */
int ig_rules_check_dir(const char *dir, void (*report)(void *ctx, const char *msg), void *ctx);

/* Same as ig_rules_check_dir for one file or an in-memory buffer (<name> stands for the
 * file in messages); used by tests and the fuzzer. */
int ig_rules_check_buf(const char *name, const void *p, size_t n,
                       void (*report)(void *ctx, const char *msg), void *ctx);
/* Loads one buffer as a whole rule set (tests, fuzzing). */
int ig_rules_load_buf(const char *name, const void *p, size_t n, struct ig_rules **out,
                      char *err, size_t errlen);

/* Detector settings from a "- detector: NAME" block. Later blocks for the same detector
 * (in later files) override the keys they set. A detector reads its params through its
 * table (struct ig_param below, filled by the engine), not with these accessors: a param
 * no table names is rejected by ig_rules_validate, so a new param is one table row. */
bool        ig_rules_enabled(const struct ig_rules *r, const char *detector, bool def);
double      ig_rules_num(const struct ig_rules *r, const char *detector, const char *param, double def);
const char *ig_rules_str(const struct ig_rules *r, const char *detector, const char *param, const char *def);
bool        ig_rules_bool(const struct ig_rules *r, const char *detector, const char *param, bool def);
/* A deployment secret of a detector (a salt, the key of the hashes in masked evidence); the
 * shipped rules hold none. From the param <param> when a deployment's rules set it, else the
 * first line of the file named by <param>_file, else $<env>, else a random value drawn once
 * per process for <env> (every detector naming <env> shares it, also across reloads), with
 * one warning. Writes at most cap-1 bytes and a NUL to <out>. Returns IG_OK, or IG_ECONF with
 * one sentence in <err> when the file cannot be read or its first line is empty. */
int         ig_rules_secret(const struct ig_rules *r, const char *detector, const char *param,
                            const char *env, char *out, size_t cap, char *err, size_t errlen);
/* A duration param ("10s", "500ms", "5m"; a bare number is seconds), in µs. */
uint64_t    ig_rules_duration_us(const struct ig_rules *r, const char *detector, const char *param,
                                 uint64_t def);
/* A list param (lists expanded): sets *items and returns the count; 0 and *items = NULL
 * when absent. A scalar param reads as a one-item list. */
size_t      ig_rules_strlist(const struct ig_rules *r, const char *detector, const char *param,
                             const char *const **items);
/* Severity (enum ig_severity) and throttle window (µs) of a detector, or <def>. */
int         ig_rules_severity(const struct ig_rules *r, const char *detector, int def);
uint64_t    ig_rules_throttle_us(const struct ig_rules *r, const char *detector, uint64_t def);
/* Calls <fn> with the name of every detector named by a detector block or a rule, once
 * each, with the file and line that first named it (so callers can flag unknown names). */
void        ig_rules_each_detector(const struct ig_rules *r,
                                   void (*fn)(void *ctx, const char *detector, const char *file,
                                              unsigned line),
                                   void *ctx);

/* ---- The schema of a block's params: one row per param ---- */

struct ig_rule;

/* What a param holds and what the filled field is. */
enum ig_param_type {
    IG_PT_DOUBLE = 1,  /* double */
    IG_PT_FLOAT,       /* float (read as a double, then narrowed) */
    IG_PT_U32,         /* uint32_t (a number, truncated toward zero) */
    IG_PT_U64,         /* uint64_t (a number, truncated toward zero) */
    IG_PT_BOOL,        /* bool: true/false, yes/no, on/off */
    IG_PT_DURATION,    /* uint64_t µs: "10s", "500ms", "5m"; a bare number is seconds */
    IG_PT_STR,         /* const char * into the rule set (which outlives the detector) */
    IG_PT_ENUM,        /* uint32_t: the index of the value in <choices> ("psi|ks|js") */
    IG_PT_STRLIST,     /* struct ig_strv (lists expanded; a scalar is a one-item list) */
    IG_PT_SECRET,      /* nothing filled: read with ig_rules_secret (<name> and <name>_file) */
};

#define IG_PARAM_GT_MIN  1u   /* the value must be > min (else >= min) */
#define IG_PARAM_LT_MAX  2u   /* the value must be < max (else <= max) */
#define IG_PARAM_WHOLE   4u   /* the value must be a whole number */

/* One param of a "- detector: NAME" block. A table is an array ending with a row whose
 * name is NULL. Defaults fill the struct first; a value set in the rules is checked
 * against the type and the range (when min < max; durations in µs) and replaces it. */
struct ig_param {
    const char *name;
    enum ig_param_type type;
    unsigned flags;              /* IG_PARAM_* */
    double def;                  /* numbers; bool 0/1; durations µs; ENUM the index */
    const char *def_str;         /* IG_PT_STR default (NULL = NULL) */
    double min, max;             /* range, checked only on values the rules set */
    size_t offset;               /* of the field in the block's params struct */
    const char *choices;         /* IG_PT_ENUM: "a|b|c" */
    const char *doc_default;     /* the default as rules/schema.md says it, when def is not
                                  * the whole story ("absent", "by test") */
    const char *help;            /* one line for rules/schema.md */
    /* Numbers: another param of the block this one must stand against (threshold below
     * top), checked once every value is read; the error names the file:line where the
     * rules set either, and rules/schema.md's range column says it. NULL: none. */
    const char *vs;
    uint8_t vs_op;               /* enum ig_param_vs */
};
enum ig_param_vs { IG_VS_NONE, IG_VS_LT, IG_VS_LE, IG_VS_GE, IG_VS_GT };

/* A rules block that is not a detector's (the findings stage's "findings.throttle"). */
struct ig_param_block {
    const char *name;
    const struct ig_param *params;
};

/* Fills <out> (the block's params struct) from the defaults of <params>, then from the
 * values <block> sets in <r> (r may be NULL: defaults only). A param the table does not
 * know, a value of the wrong type or out of range is an error: one sentence naming the
 * file:line and the param in <err>, IG_ECONF. */
int ig_params_fill(const struct ig_param *params, const struct ig_rules *r, const char *block,
                   void *out, char *err, size_t errlen);
/* Checks the params <block> sets in <r> against <params>, reporting every error
 * ("file:line: reason") through <report>. Returns the number of errors. */
int ig_params_check(const struct ig_param *params, const struct ig_rules *r, const char *block,
                    void (*report)(void *ctx, const char *msg), void *ctx);
/* "file:line: " where <block> sets <param> in <r> (its last override), or "" when it is not
 * set there: for errors about params that only make sense together. Writes into buf. */
const char *ig_rules_param_where(const struct ig_rules *r, const char *block, const char *param,
                                 char *buf, size_t n);
/* The same for a pattern rule's own params map ("params: {max_len: 64}"); messages name
 * "rule NAME.param". */
int ig_rule_params_fill(const struct ig_param *params, const struct ig_rule *rule, void *out,
                        char *err, size_t errlen);
int ig_rule_params_check(const struct ig_param *params, const struct ig_rule *rule,
                         void (*report)(void *ctx, const char *msg), void *ctx);
/* Writes the markdown table of <params> (| param | default | range | meaning |) to <out>
 * (a FILE *; void * keeps stdio out of this header). Returns 0, -1 on a write error. */
int ig_params_doc(const struct ig_param *params, void *out);

/* Every block a rule set may hold: each detector of <list> (NULL-terminated, may be NULL)
 * and each of <others> (NULL-terminated, may be NULL). A detector block or a rule naming
 * none of them, and every param error of a known block, is reported ("file:line: reason").
 * Returns the number of errors. */
struct ig_detector;
int ig_rules_validate_with(const struct ig_rules *r, const struct ig_detector *const *list,
                           const struct ig_param_block *const *others,
                           void (*report)(void *ctx, const char *msg), void *ctx);
/* ig_rules_validate_with for this build: the registry's detectors (ig_detectors[]) and the
 * findings stage's block (sidecar/findings). The one check behind `rules check`, reload
 * and the rules that analyze/run load. With <patterns>, also compiles every pattern rule
 * (Hyperscan) and checks its validators. */
int ig_rules_validate(const struct ig_rules *r, bool patterns,
                      void (*report)(void *ctx, const char *msg), void *ctx);

/* ---- Pattern rules ("- rule: NAME"), for detectors that match text. ---- */

struct ig_strv { const char *const *v; uint32_t n; };

enum ig_rule_scan { IG_SCAN_REQUEST = 1, IG_SCAN_RESPONSE = 2, IG_SCAN_BOTH = 3 };

/* One rule, immutable, owned by the rule set. Unset fields are 0 / NULL / empty. */
struct ig_rule {
    const char *name, *detector, *desc;
    const char *condition;        /* free text for the detector to interpret (macros: ig_rules_macro) */
    const char *file;             /* where it was defined, for messages */
    unsigned    line;
    struct ig_strv patterns;      /* {list: NAME} items expanded in place, in order */
    struct ig_strv validators;    /* names, e.g. luhn; the detector checks it knows them */
    struct ig_strv atlas;         /* "AML.T0057", checked for form */
    struct ig_strv tags;
    struct ig_strv models, routes; /* glob patterns the rule is limited to; empty = all */
    struct ig_strv positives, negatives;  /* examples the tests run the rule on */
    int         severity;         /* enum ig_severity; 0 = the detector's */
    uint64_t    throttle_us;      /* 0 = the detector's */
    double      weight;           /* contribution to a detector's score, default 1 */
    uint32_t    scan;             /* enum ig_rule_scan, default IG_SCAN_BOTH */
    bool        enabled;          /* default true */
    const void *params_;          /* read with ig_rule_num / ig_rule_str */
    uint32_t    nparams_;
};

/* Rules of <detector> (NULL = all), in load order, disabled ones included. */
size_t ig_rules_count(const struct ig_rules *r, const char *detector);
const struct ig_rule *ig_rules_get(const struct ig_rules *r, const char *detector, size_t i);
const struct ig_rule *ig_rules_find(const struct ig_rules *r, const char *name);
/* Does <rule> apply to this model and route (glob match on its models/routes)? */
bool ig_rule_applies(const struct ig_rule *rule, const char *model, const char *route);
/* The rule's own params: map ("params: {min_len: 8}"). */
double      ig_rule_num(const struct ig_rule *rule, const char *param, double def);
const char *ig_rule_str(const struct ig_rule *rule, const char *param, const char *def);

/* A named list, expanded: sets *items, returns the count (0 when unknown). */
size_t      ig_rules_list(const struct ig_rules *r, const char *name, const char *const **items);
/* A macro's condition text, or NULL. */
const char *ig_rules_macro(const struct ig_rules *r, const char *name);

/* Severity names info|low|medium|high|critical <-> enum ig_severity; -1 / "unknown". */
int         ig_severity_parse(const char *s);
const char *ig_severity_name(int sev);

#endif
