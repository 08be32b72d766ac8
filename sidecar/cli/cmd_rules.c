/* inferguard rules check [DIR] | rules show [NAME] [--out DIR] | rules schema FILE [--write]:
 * validates a rule set reporting every error; prints or writes out the set compiled into the
 * binary; regenerates the param tables of rules/schema.md from the detectors' tables. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <inferguard/detector.h>

#include "cli/cli.h"
#include "config/embedded_files.h"
#include "findings/findings.h"
#include <inferguard/patterns.h>

#define IG_ENGINE_SEEN_MAX 128

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard rules check [DIR]\n"
        "       inferguard rules show [NAME] [--out DIR]\n"
        "       inferguard rules schema FILE [--write]\n"
        "check: validates every *.yaml rules file under DIR (without DIR: the rule set\n"
        "  compiled into this binary, the default) and prints each error as 'file:line: reason',\n"
        "  then the set's SHA-256 (the hash findings carry in metadata.labels).\n"
        "show: prints the embedded rule set (the shipped rules/*.yaml), each file after a\n"
        "  '# ==> NAME <==' line; NAME prints one file; --out DIR writes them as files into DIR\n"
        "  (created; existing files are never overwritten) to start your own rules directory.\n"
        "schema: prints FILE (rules/schema.md) with the table after each\n"
        "  '<!-- params: NAME -->' line regenerated from the params table of block NAME (a\n"
        "  detector, findings.throttle, or 'rule': a pattern rule's own params) up to\n"
        "  '<!-- end params -->'; --write rewrites FILE.\n"
        "  Every block this build has must have its marker.\n"
        "Format: rules/README.md.\n"
        "exit codes: 0 valid / shown / generated, 2 usage, 3 errors found, FILE out of step\n"
        "  (a block without a marker, a marker naming no block) or cannot write\n");
}

static void report(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "%s\n", msg);
}

static int check(const char *dir)
{
    const char *what = dir ? dir : "the embedded rule set";
    int errors = dir ? ig_rules_check_dir(dir, report, NULL) : ig_rules_check_embedded(report, NULL);
    char sha[65] = "";
    if (errors == 0) {
        /* The set is well-formed: now what loading alone cannot see — the blocks this
         * build knows and their params, every pattern compiled with its validators. */
        struct ig_rules *r;
        char err[512];
        if ((dir ? ig_rules_load_dir(dir, &r, err, sizeof err)
                 : ig_rules_load_embedded(&r, err, sizeof err)) < 0) {
            fprintf(stderr, "%s\n", err);
            return IG_EXIT_CONFIG;
        }
        errors += ig_rules_validate(r, true, report, NULL);
        snprintf(sha, sizeof sha, "%s", ig_rules_sha256(r));
        ig_rules_free(r);
    }
    if (errors) {
        fprintf(stderr, "inferguard rules check: %d error%s in %s\n", errors, errors == 1 ? "" : "s", what);
        return IG_EXIT_CONFIG;
    }
    printf("inferguard rules check: %s is valid (sha256 %s)\n", what, sha);
    return IG_EXIT_OK;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int show_out(const char *dir, const char *only)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "inferguard rules show: cannot create %s: %s\n", dir, strerror(errno));
        return IG_EXIT_CONFIG;
    }
    for (const struct ig_embedded_file *f = ig_embedded_rules; f->name; f++) {
        if (only && strcmp(only, f->name) != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, f->name);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "inferguard rules show: cannot create %s: %s\n", path, strerror(errno));
            return IG_EXIT_CONFIG;
        }
        int rc = write_all(fd, f->data, f->len);
        if (close(fd) != 0 || rc != 0) {
            fprintf(stderr, "inferguard rules show: cannot write %s: %s\n", path, strerror(errno));
            return IG_EXIT_CONFIG;
        }
        printf("%s\n", path);
    }
    return IG_EXIT_OK;
}

static int show(int argc, char **argv)
{
    const char *only = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && !only)
            only = argv[i];
        else {
            usage(stderr);
            return IG_EXIT_USAGE;
        }
    }
    if (only && !ig_embedded_rules_find(only)) {
        fprintf(stderr, "inferguard rules show: no embedded file '%s' (try: inferguard rules show)\n", only);
        return IG_EXIT_USAGE;
    }
    if (out)
        return show_out(out, only);
    for (const struct ig_embedded_file *f = ig_embedded_rules; f->name; f++) {
        if (only && strcmp(only, f->name) != 0)
            continue;
        if (!only)
            printf("# ==> %s <==\n", f->name);
        fwrite(f->data, 1, f->len, stdout);
        if (!only && f[1].name)
            printf("\n");
    }
    return fflush(stdout) == 0 ? IG_EXIT_OK : IG_EXIT_CONFIG;
}

/* ---- rules schema: the param tables of rules/schema.md ---- */

#define MARK_BEGIN "<!-- params: "
#define MARK_END "<!-- end params -->"

extern const struct ig_detector ig_det_template;   /* documented, not registered */

static const struct ig_param *block_params(const char *name, bool *found)
{
    *found = true;
    for (size_t i = 0; ig_detectors[i]; i++)
        if (strcmp(ig_detectors[i]->name, name) == 0)
            return ig_detectors[i]->params;
    if (strcmp(ig_det_template.name, name) == 0)
        return ig_det_template.params;
    if (strcmp(ig_findings_throttle.name, name) == 0)
        return ig_findings_throttle.params;
    if (strcmp("rule", name) == 0)        /* a pattern rule's own params */
        return ig_pattern_rule_params;
    *found = false;
    return NULL;
}

static int schema(const char *path, bool write_back)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        fprintf(stderr, "inferguard rules schema: cannot open %s: %s\n", path, strerror(errno));
        return IG_EXIT_CONFIG;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out) {
        fclose(in);
        return IG_EXIT_CONFIG;
    }
    char *line = NULL;
    size_t cap = 0;
    int errors = 0;
    bool skipping = false;
    char seen[IG_ENGINE_SEEN_MAX][64];
    size_t nseen = 0;
    unsigned lineno = 0;
    while (getline(&line, &cap, in) >= 0) {
        lineno++;
        if (skipping) {
            if (strncmp(line, MARK_END, strlen(MARK_END)) != 0)
                continue;
            skipping = false;
        }
        fputs(line, out);
        if (strncmp(line, MARK_BEGIN, strlen(MARK_BEGIN)) != 0)
            continue;
        char name[64];
        if (sscanf(line + strlen(MARK_BEGIN), "%63[^ ]", name) != 1)
            continue;
        bool found;
        const struct ig_param *params = block_params(name, &found);
        if (!found) {
            fprintf(stderr, "%s:%u: no block '%s' in this build\n", path, lineno, name);
            errors++;
            continue;
        }
        if (nseen < IG_ENGINE_SEEN_MAX)
            snprintf(seen[nseen++], sizeof seen[0], "%s", name);
        if (params && params->name)
            ig_params_doc(params, out);
        else
            fprintf(out, "No params.\n");
        skipping = true;
    }
    if (skipping) {
        fprintf(stderr, "%s: a '" MARK_BEGIN "' line without its '" MARK_END "'\n", path);
        errors++;
    }
    free(line);
    fclose(in);
    fclose(out);
    /* Every block this build has is documented. */
    const char *names[IG_ENGINE_SEEN_MAX + 3];
    size_t nnames = 0;
    for (size_t i = 0; ig_detectors[i] && nnames < IG_ENGINE_SEEN_MAX; i++)
        names[nnames++] = ig_detectors[i]->name;
    names[nnames++] = ig_findings_throttle.name;
    names[nnames++] = "rule";
    for (size_t i = 0; i < nnames; i++) {
        size_t j = 0;
        while (j < nseen && strcmp(seen[j], names[i]) != 0)
            j++;
        if (j == nseen) {
            fprintf(stderr, "%s: no '" MARK_BEGIN "%s -->' section for block %s\n", path, names[i], names[i]);
            errors++;
        }
    }
    if (errors) {
        free(text);
        return IG_EXIT_CONFIG;
    }
    int rc = IG_EXIT_OK;
    FILE *dst = write_back ? fopen(path, "w") : stdout;
    if (!dst || fwrite(text, 1, len, dst) != len || fflush(dst) != 0) {
        fprintf(stderr, "inferguard rules schema: cannot write %s\n", write_back ? path : "stdout");
        rc = IG_EXIT_CONFIG;
    }
    if (write_back && dst && fclose(dst) != 0)
        rc = IG_EXIT_CONFIG;
    free(text);
    return rc;
}

int ig_cmd_rules(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return IG_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return show(argc, argv);
    if (argc >= 3 && argc <= 4 && strcmp(argv[1], "schema") == 0 && argv[2][0] != '-' &&
        (argc == 3 || strcmp(argv[3], "--write") == 0))
        return schema(argv[2], argc == 4);
    if (argc >= 2 && argc <= 3 && strcmp(argv[1], "check") == 0 &&
        !(argc == 3 && argv[2][0] == '-'))
        return check(argc == 3 ? argv[2] : NULL);
    usage(stderr);
    return IG_EXIT_USAGE;
}
