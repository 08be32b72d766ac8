/* Private to sidecar/config: the raw params of a detector block, for the schema code
 * (params.c) that checks them against a table and fills a detector's params struct. */
#ifndef IG_RULES_PRIV_H
#define IG_RULES_PRIV_H

#include <inferguard/rules.h>

struct ig_rules_pv {
    const char *key;
    const char *value;           /* NULL when a list */
    const char *const *value_ref; /* &value inside the set (a scalar read as a one-item list) */
    struct ig_strv list;         /* expanded */
    bool is_list;
    const char *file;            /* where it was set (the last override) */
    unsigned line;
};

/* Where sidecar/config reports rules errors (the loader, the params schema): each one
 * counted and, when report is set, handed to it as one sentence. */
struct ig_rules_reporter {
    void (*report)(void *ctx, const char *msg);
    void *ctx;
    int errors;
};
/* A message that already says where. */
void ig_rules_report(struct ig_rules_reporter *R, const char *msg);
/* "file:line: " + the formatted message. */
__attribute__((format(printf, 4, 5)))
void ig_rules_report_at(struct ig_rules_reporter *R, const char *file, unsigned line,
                        const char *fmt, ...);

/* The <i>th param <block> sets (override order); false past the end or no such block. */
bool ig_rules_block_param(const struct ig_rules *r, const char *block, size_t i,
                          struct ig_rules_pv *out);

/* The same for the <i>th param of a pattern rule's own params map. */
bool ig_rule_param_at(const struct ig_rule *ru, size_t i, struct ig_rules_pv *out);

#endif
