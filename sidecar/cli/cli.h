/* The command line: one file per subcommand, sharing option parsing and exit codes. */
#ifndef IG_CLI_H
#define IG_CLI_H

#include <inferguard/config.h>
#include <inferguard/rules.h>

/* Exit codes (documented in README.md and every --help). */
enum ig_exit {
    IG_EXIT_OK = 0,         /* done; findings may or may not have been raised */
    IG_EXIT_RUNTIME = 1,    /* failed while running (capture error, sink could not flush) */
    IG_EXIT_USAGE = 2,      /* unusable arguments */
    IG_EXIT_CONFIG = 3,     /* invalid configuration or rules */
    IG_EXIT_INPUT = 4,      /* an input file or interface cannot be used */
};

/* Options shared by analyze and run; NULL/0 = not given on the command line. */
struct ig_cli_common {
    const char *config_path, *rules_dir, *findings, *events, *kafka, *topic, *reports;
    const char *events_topic;   /* --events-topic: the fleet's events topic */
    int verbosity;          /* -1 quiet, 0 normal, 1 verbose */
    uint32_t workers;       /* 0 = detection.workers from the config */
    uint32_t parse_shards;  /* 0 = flow.parse_shards from the config */
};

/* getopt_long entries of the shared options (put first in a command's table) and their
 * short letters for the optstring. */
#define IG_CLI_OPT_PARSE_SHARDS 1001   /* long option only */
#define IG_CLI_COMMON_OPTIONS \
    { "config", required_argument, 0, 'c' }, { "rules", required_argument, 0, 'r' }, \
    { "findings", required_argument, 0, 'f' }, { "events", required_argument, 0, 'e' }, \
    { "reports", required_argument, 0, 'R' }, { "kafka", required_argument, 0, 'k' }, \
    { "topic", required_argument, 0, 't' }, { "workers", required_argument, 0, 'w' }, \
    { "quiet", no_argument, 0, 'q' }, { "verbose", no_argument, 0, 'v' }, \
    { "events-topic", required_argument, 0, 'E' }, { "parse-shards", required_argument, 0, IG_CLI_OPT_PARSE_SHARDS }
#define IG_CLI_COMMON_SHORT "c:r:f:e:qv"

/* Takes shared option <c> with argument <arg> into <o>. Returns 1 when <c> was a shared
 * option, 0 when it is the command's own, or -1 (a usage error) after printing why. */
int ig_cli_common_opt(struct ig_cli_common *o, int c, const char *arg, const char *prog);

/* Defaults → config file → command line, then the rules. Prints one line and returns an
 * exit code (non-zero) on failure; *rules may be NULL (built-in defaults). */
int ig_cli_load(const struct ig_cli_common *o, const char *prog, struct ig_config *cfg,
                struct ig_rules **rules);

int ig_cmd_analyze(int argc, char **argv);
int ig_cmd_run(int argc, char **argv);
int ig_cmd_aggregate(int argc, char **argv);
int ig_cmd_rules(int argc, char **argv);
int ig_cmd_baseline(int argc, char **argv);
int ig_cmd_config(int argc, char **argv);
int ig_cmd_inject(int argc, char **argv);
int ig_cmd_webhook(int argc, char **argv);
int ig_cmd_version(int argc, char **argv);

#endif
