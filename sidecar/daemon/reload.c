/* Rules validation for reload: the same checks as `inferguard rules check`, collected into
 * one line, so a bad edit to a ConfigMap never replaces rules that work. */
#include "daemon/reload.h"

#include <inferguard/detector.h>
#include <stdio.h>
#include <string.h>

#include <inferguard/patterns.h>

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

static void check_detector(void *ctx, const char *name, const char *file, unsigned line)
{
    if (strcmp(name, "findings.throttle") == 0)
        return;
    for (size_t i = 0; ig_detectors[i]; i++)
        if (strcmp(ig_detectors[i]->name, name) == 0)
            return;
    char msg[384];
    snprintf(msg, sizeof msg, "%s:%u: unknown detector '%s'", file, line, name);
    note(ctx, msg);
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
        ig_rules_each_detector(r, check_detector, &fe);
        ig_hsdb_check(r, note, &fe);
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
