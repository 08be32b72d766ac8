/* inferguard rules check [DIR] | rules show [NAME] [--out DIR]: validates a rule set and
 * reporting every error; prints or writes out the set compiled into the binary. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <inferguard/detector.h>

#include "cli/cli.h"
#include "config/embedded_files.h"
#include <inferguard/patterns.h>

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard rules check [DIR]\n"
        "       inferguard rules show [NAME] [--out DIR]\n"
        "check: validates every *.yaml rules file under DIR (without DIR: the rule set\n"
        "  compiled into this binary, the default) and prints each error as 'file:line: reason',\n"
        "  then the set's SHA-256 (the hash findings carry in metadata.labels).\n"
        "show: prints the embedded rule set (the shipped rules/*.yaml), each file after a\n"
        "  '# ==> NAME <==' line; NAME prints one file; --out DIR writes them as files into DIR\n"
        "  (created; existing files are never overwritten) to start your own rules directory.\n"
        "Format: rules/README.md.\n"
        "exit codes: 0 valid / shown, 2 usage, 3 errors found or cannot write\n");
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

static int check(const char *dir)
{
    const char *what = dir ? dir : "the embedded rule set";
    int errors = dir ? ig_rules_check_dir(dir, report, NULL) : ig_rules_check_embedded(report, NULL);
    char sha[65] = "";
    if (errors == 0) {
        /* The set is well-formed: now what loading alone cannot see — detector names,
         * and every pattern compiled by Hyperscan with its validators. */
        struct ig_rules *r;
        char err[512];
        if ((dir ? ig_rules_load_dir(dir, &r, err, sizeof err)
                 : ig_rules_load_embedded(&r, err, sizeof err)) < 0) {
            fprintf(stderr, "%s\n", err);
            return IG_EXIT_CONFIG;
        }
        ig_rules_each_detector(r, check_detector, &errors);
        errors += ig_hsdb_check(r, report, NULL);
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

int ig_cmd_rules(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return IG_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return show(argc, argv);
    if (argc >= 2 && argc <= 3 && strcmp(argv[1], "check") == 0 &&
        !(argc == 3 && argv[2][0] == '-'))
        return check(argc == 3 ? argv[2] : NULL);
    usage(stderr);
    return IG_EXIT_USAGE;
}
