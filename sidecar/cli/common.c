/* Configuration and rules loading shared by the subcommands: defaults, then the config
 * file, then command-line options, so the command line always wins. */
#include "cli/cli.h"

#include <inferguard/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void set_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct rules_err { const char *prog; int n; };

static void rules_err(void *ctx, const char *msg)
{
    struct rules_err *re = ctx;
    re->n++;
    fprintf(stderr, "%s: rules: %s\n", re->prog, msg);
}

/* The loaded set names only blocks this build has, with params they know, in range (the
 * patterns are compiled by the detectors that use them). */
static int validate(const char *prog, struct ig_rules **rules)
{
    struct rules_err re = { prog, 0 };
    if (ig_rules_validate(*rules, false, rules_err, &re) == 0)
        return IG_EXIT_OK;
    ig_rules_free(*rules);
    *rules = NULL;
    return IG_EXIT_CONFIG;
}

int ig_cli_common_opt(struct ig_cli_common *o, int c, const char *arg, const char *prog)
{
    switch (c) {
    case 'c': o->config_path = arg; return 1;
    case 'r': o->rules_dir = arg; return 1;
    case 'f': o->findings = arg; return 1;
    case 'e': o->events = arg; return 1;
    case 'R': o->reports = arg; return 1;
    case 'k': o->kafka = arg; return 1;
    case 't': o->topic = arg; return 1;
    case 'E': o->events_topic = arg; return 1;
    case 'q': o->verbosity = -1; return 1;
    case 'v': o->verbosity = 1; return 1;
    case 'w': {
        char *end = NULL;
        unsigned long w = strtoul(arg, &end, 10);
        if (arg[0] >= '1' && arg[0] <= '9' && end && *end == '\0' && w <= 16) {
            o->workers = (uint32_t)w;
            return 1;
        }
        fprintf(stderr, "%s: --workers: 1 to 16\n", prog);
        return -1;
    }
    case IG_CLI_OPT_PARSE_SHARDS: {
        char *end = NULL;
        unsigned long n = strtoul(arg, &end, 10);
        if (arg[0] >= '1' && arg[0] <= '9' && end && *end == '\0' && n <= 8) {
            o->parse_shards = (uint32_t)n;
            return 1;
        }
        fprintf(stderr, "%s: --parse-shards: 1 to 8\n", prog);
        return -1;
    }
    default:
        return 0;
    }
}

int ig_cli_load(const struct ig_cli_common *o, const char *prog, struct ig_config *cfg,
                struct ig_rules **rules)
{
    char err[512];
    *rules = NULL;
    if (o->verbosity < 0)
        ig_log_set_level(IG_LOG_LEVEL_ERROR);
    else if (o->verbosity > 0)
        ig_log_set_level(IG_LOG_LEVEL_DEBUG);

    ig_config_defaults(cfg);
    if (o->config_path && ig_config_load(o->config_path, cfg, err, sizeof err) < 0) {
        fprintf(stderr, "%s: config: %s\n", prog, err);
        return IG_EXIT_CONFIG;
    }
    if (o->rules_dir)
        set_str(cfg->rules_dir, sizeof cfg->rules_dir, o->rules_dir);
    if (o->findings)
        set_str(cfg->findings_path, sizeof cfg->findings_path, o->findings);
    if (o->events)
        set_str(cfg->events_path, sizeof cfg->events_path, o->events);
    if (o->kafka)
        set_str(cfg->kafka_brokers, sizeof cfg->kafka_brokers, o->kafka);
    if (o->topic)
        set_str(cfg->kafka_topic, sizeof cfg->kafka_topic, o->topic);
    if (o->events_topic)
        set_str(cfg->kafka_events_topic, sizeof cfg->kafka_events_topic, o->events_topic);
    if (o->reports)
        set_str(cfg->reports_dir, sizeof cfg->reports_dir, o->reports);
    if (o->workers)
        cfg->detection_workers = o->workers;
    if (o->parse_shards)
        cfg->parse_shards = o->parse_shards;

    /* No directory: the shipped rules compiled into the binary. A configured directory
     * replaces them and must be usable: never a quiet fall-back to weaker defaults. */
    if (!cfg->rules_dir[0]) {
        if (ig_rules_load_embedded(rules, err, sizeof err) < 0) {
            fprintf(stderr, "%s: embedded rules: %s\n", prog, err);
            return IG_EXIT_CONFIG;
        }
        return validate(prog, rules);
    }
    if (!is_dir(cfg->rules_dir)) {
        fprintf(stderr, "%s: rules: '%s' is not a directory (rules.dir / --rules)\n", prog,
                cfg->rules_dir);
        return IG_EXIT_CONFIG;
    }
    if (ig_rules_load_dir(cfg->rules_dir, rules, err, sizeof err) < 0) {
        fprintf(stderr, "%s: rules: %s\n", prog, err);
        return IG_EXIT_CONFIG;
    }
    return validate(prog, rules);
}
