/* inferguard: passive security monitoring of ML inference traffic. Dispatches to one
 * subcommand; each lives in sidecar/cli/cmd_<name>.c with its own --help. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct { const char *name; int (*fn)(int, char **); const char *what; } cmds[] = {
    { "analyze",  ig_cmd_analyze,  "read pcap/pcapng files, write findings (and events)" },
    { "run",      ig_cmd_run,      "capture live on an interface until SIGINT/SIGTERM (the sidecar)" },
    { "aggregate", ig_cmd_aggregate, "the fleet's detectors: consume every pod's events from Kafka" },
    { "baseline", ig_cmd_baseline, "build a drift reference profile from captures or events" },
    { "rules",    ig_cmd_rules,    "check a rule set, show the embedded one, regenerate rules/schema.md" },
    { "inject",   ig_cmd_inject,   "add the sidecar to the pod templates of Kubernetes manifests" },
    { "webhook",  ig_cmd_webhook,  "mutating admission webhook (TLS) that injects the sidecar into pods" },
    { "config",   ig_cmd_config,   "print every configuration key with its default, or check a file" },
    { "version",  ig_cmd_version,  "print the version" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: inferguard COMMAND [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(out, "  %-10s %s\n", cmds[i].name, cmds[i].what);
    fprintf(out, "\n'inferguard COMMAND --help' describes each command.\n"
                 "exit codes: 0 ok, 1 runtime failure, 2 usage, 3 configuration or rules, 4 input\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return IG_EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return IG_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return ig_cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "inferguard: unknown command '%s' (try 'inferguard --help')\n", argv[1]);
    return IG_EXIT_USAGE;
}
