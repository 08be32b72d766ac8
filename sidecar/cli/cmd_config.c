/* inferguard config --defaults: every configuration key with its default value, and
 * inferguard config check FILE: validates a configuration file. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "findings/suppress.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard config --defaults\n"
        "       inferguard config check FILE\n"
        "Prints every configuration key with its default (YAML), or validates FILE.\n"
        "exit codes: 0 ok, 2 usage, 3 invalid configuration\n");
}

int ig_cmd_config(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--defaults") == 0) {
        ig_config_print_defaults(stdout);
        return IG_EXIT_OK;
    }
    if (argc == 3 && strcmp(argv[1], "check") == 0) {
        static struct ig_config cfg;
        char err[512];
        ig_config_defaults(&cfg);
        if (ig_config_load(argv[2], &cfg, err, sizeof err) < 0) {
            fprintf(stderr, "inferguard config check: %s\n", err);
            return IG_EXIT_CONFIG;
        }
        /* what only the sidecar knows: the analytics this build raises */
        static struct ig_suppressor sup;
        if (ig_suppressor_init(&sup, &cfg, err, sizeof err) != IG_OK) {
            fprintf(stderr, "inferguard config check: %s: %s\n", argv[2], err);
            return IG_EXIT_CONFIG;
        }
        printf("inferguard config check: %s is valid\n", argv[2]);
        return IG_EXIT_OK;
    }
    bool help = argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
    usage(help ? stdout : stderr);
    return help ? IG_EXIT_OK : IG_EXIT_USAGE;
}
