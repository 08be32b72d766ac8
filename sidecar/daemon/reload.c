/* Rules validation: ig_rules_validate, the one check behind `inferguard rules check`, reload
 * and the rules analyze/run load (which blocks this build knows, their params, patterns),
 * and reload's use of it: a bad edit to a ConfigMap never replaces rules that work. */
#include "daemon/reload.h"

#include <inferguard/detector.h>
#include <stdio.h>
#include <string.h>

#include <inferguard/patterns.h>

#include "findings/findings.h"

int ig_rules_validate(const struct ig_rules *r, bool patterns,
                      void (*report)(void *ctx, const char *msg), void *ctx)
{
    /* Blocks that are not a detector's: the findings stage's. */
    static const struct ig_param_block *const others[] = { &ig_findings_throttle, NULL };
    int n = ig_rules_validate_with(r, ig_detectors, others, report, ctx);
    /* Every pattern rule's own params (all rules are the text detectors' pattern rules). */
    for (size_t i = 0, nr = ig_rules_count(r, NULL); i < nr; i++)
        n += ig_rule_params_check(ig_pattern_rule_params, ig_rules_get(r, NULL, i), report, ctx);
    if (patterns)
        n += ig_hsdb_check(r, report, ctx);
    return n;
}

struct first_err {
    char msg[384];
    int n;
};

static void note(void *ctx, const char *msg)
{
    struct first_err *fe = ctx;
    if (fe->n++ == 0)
        snprintf(fe->msg, sizeof fe->msg, "%s", msg);
}

int ig_daemon_rules_load(const char *dir, struct ig_rules **out, char *err, size_t errlen)
{
    struct first_err fe = { "", 0 };
    bool embedded = !dir || !dir[0];
    *out = NULL;
    if ((embedded ? ig_rules_check_embedded(note, &fe) : ig_rules_check_dir(dir, note, &fe)) == 0) {
        struct ig_rules *r;
        if ((embedded ? ig_rules_load_embedded(&r, err, errlen) : ig_rules_load_dir(dir, &r, err, errlen)) < 0)
            return IG_ECONF;
        (void)ig_rules_validate(r, true, note, &fe);
        if (fe.n == 0) {
            *out = r;
            return IG_OK;
        }
        ig_rules_free(r);
    }
    if (fe.n == 0)
        fe.n = 1;   /* check_dir counted an error it did not describe */
    snprintf(err, errlen, "%s (%d error%s in %s)", fe.msg[0] ? fe.msg : "invalid rules",
             fe.n, fe.n == 1 ? "" : "s", embedded ? "the embedded rules" : dir);
    return IG_ECONF;
}
