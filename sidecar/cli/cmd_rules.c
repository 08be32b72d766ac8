/* inferguard rules check DIR: validates every rules file and reports every error. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

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
    if (errors) {
        fprintf(stderr, "inferguard rules check: %d error%s in %s\n", errors, errors == 1 ? "" : "s", argv[2]);
        return IG_EXIT_CONFIG;
    }
    printf("inferguard rules check: %s is valid\n", argv[2]);
    return IG_EXIT_OK;
}
