/* inferguard rules check DIR: validates every rules file and reports every error. */
#include <stdio.h>
#include <string.h>

#include <inferguard/detector.h>

#include "cli/cli.h"
#include "text/hsdb.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard rules check DIR\n"
        "Validates every *.yaml rules file under DIR and prints each error as\n"
        "'file:line: reason'. Format: rules/README.md.\n"
        "exit codes: 0 valid, 2 usage, 3 errors found\n");
}

static void report(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "%s\n", msg);
}

/* A detector block must name a detector this build has (or the findings stage's own block). */
static void check_detector(void *ctx, const char *name, const char *file, unsigned line)
{
    int *errors = ctx;
    if (strcmp(name, "findings.throttle") == 0)
        return;
    for (size_t i = 0; ig_detectors[i]; i++)
        if (strcmp(ig_detectors[i]->name, name) == 0)
            return;
    fprintf(stderr, "%s:%u: unknown detector '%s'\n", file, line, name);
    (*errors)++;
}

int ig_cmd_rules(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return IG_EXIT_OK;
    }
    if (argc != 3 || strcmp(argv[1], "check") != 0) {
        usage(stderr);
        return IG_EXIT_USAGE;
    }
    int errors = ig_rules_check_dir(argv[2], report, NULL);
    if (errors == 0) {
        /* The set is well-formed: now what loading alone cannot see — detector names,
         * and every pattern compiled by Hyperscan with its validators. */
        struct ig_rules *r;
        char err[512];
        if (ig_rules_load_dir(argv[2], &r, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            return IG_EXIT_CONFIG;
        }
        ig_rules_each_detector(r, check_detector, &errors);
        errors += ig_hsdb_check(r, report, NULL);
        ig_rules_free(r);
    }
    if (errors) {
        fprintf(stderr, "inferguard rules check: %d error%s in %s\n", errors, errors == 1 ? "" : "s", argv[2]);
        return IG_EXIT_CONFIG;
    }
    printf("inferguard rules check: %s is valid\n", argv[2]);
    return IG_EXIT_OK;
}
