/* extraction.prada decides alike on every CPU: the same streams run once per kernel path
 * this machine has (scalar, avx2, avx512: INFERGUARD_SIMD, read once per process, so each
 * path is a fresh run of this program with --emit) and every finding, each score's bits
 * included (Shapiro-Wilk W and p), must be the same on all of them. Paper mode with delta
 * just under 1 reports W at every test, so every distance the detector measured feeds a
 * compared number. Before kernels.h fixed one summation order for squared L2, the paths'
 * W differed from about the 8th digit (efficacy captures, s15 review). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <inferguard/detector.h>
#include <inferguard/rules.h>

#include "kernels/kernels.h"
#include "test_skip.h"
#include "test_util.h"
#include "test_prada_helpers.h"
#include "rng.h"

#define MAXDIM 64

static void on_finding(void *ctx, const struct ig_finding *f)
{
    FILE *out = ctx;
    fprintf(out, "q=%llu sev=%d", (unsigned long long)f->queries_seen, f->severity);
    for (uint32_t i = 0; i < f->nscores; i++)
        fprintf(out, " %s=%a", f->scores[i].key, f->scores[i].value);
    fputc('\n', out);
}

/* One client's stream of <n> rows of <dim>: <ncls> classes, clustered (clusters != 0) or
 * uniform, one row per event. */
static void stream(FILE *out, const char *params, uint32_t dim, uint32_t n, uint32_t ncls,
                   int clusters, uint64_t seed)
{
    uint64_t rs = seed;
    float centres[16][MAXDIM];
    for (uint32_t c = 0; c < 16; c++)
        for (uint32_t f = 0; f < dim; f++)
            centres[c][f] = ig_rng_xs_float(&rs) * 40.0f - 20.0f;
    float *xs = malloc((size_t)n * dim * sizeof(float));
    int32_t *lab = malloc(n * sizeof(int32_t));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)(ig_rng_xs_float(&rs) * 16) % 16;
        lab[i] = (int32_t)(i % ncls);
        for (uint32_t f = 0; f < dim; f++) {
            float u = ig_rng_xs_float(&rs);
            xs[(size_t)i * dim + f] = clusters ? centres[c][f] + 3.0f * (u - 0.5f) : 7.0f * u;
        }
    }
    char yaml[1024];
    snprintf(yaml, sizeof(yaml), "- detector: extraction.prada\n  params:\n%s", params);
    struct ig_rules *rules = tst_rules_load(yaml);
    struct ig_emit emit = { on_finding, out };
    struct ig_call call;
    fprintf(out, "stream dim=%u n=%u classes=%u clusters=%d\n", dim, n, ncls, clusters);
    prada_open(&call, rules, &emit);
    prada_feed(&call, xs, lab, n, dim, 1);
    prada_close(&call);
    ig_rules_free(rules);
    free(xs);
    free(lab);
}

/* --emit: this process's path, then the findings of every stream. */
static int emit_all(void)
{
    printf("path %s\n", ig_kern()->name);
    const char *paper = "    mode: paper\n    delta: 0.99999\n    period: 7\n    min_pool: 20\n"
                        "    min_class: 5\n";
    char bf16[256];
    snprintf(bf16, sizeof bf16, "%s    storage: bf16\n", paper);
    /* odd and even dims, around the 16-feature checks of the pruned search; classes past
     * 512 vectors (the int8 prefilter's range) in the long ones; bf16 storage */
    const uint32_t dims[] = { 3, 5, 16, 17, 33, 64 };
    for (size_t k = 0; k < sizeof(dims) / sizeof(dims[0]); k++)
        stream(stdout, paper, dims[k], 700, 3, (int)(k % 2), 0x9e3779b97f4a7c15ull + k);
    stream(stdout, paper, 64, 1300, 2, 0, 77);
    stream(stdout, paper, 24, 1300, 2, 1, 78);
    stream(stdout, bf16, 17, 700, 3, 1, 79);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* Runs this program with --emit under INFERGUARD_SIMD=<level>; its output (malloc'd). */
static char *run_path(const char *level)
{
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        setenv("INFERGUARD_SIMD", level, 1);
        execl("/proc/self/exe", "test_prada_paths", "--emit", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
        ssize_t got = read(fd[0], buf + len, cap - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    buf[len] = 0;
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("INFERGUARD_SIMD=%s: the --emit run failed (status %d)", level, status);
    return buf;
}

static unsigned count_lines(const char *s, const char *prefix)
{
    unsigned n = 0;
    size_t pl = strlen(prefix);
    for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        n += strncmp(p, prefix, pl) == 0;
    return n;
}

static void test_same_findings_on_every_path(void **state)
{
    (void)state;
    const struct ig_kern_ops *ops[4];
    int np = ig_kern_all(ops);
    /* the levels INFERGUARD_SIMD selects (avx512 picks the VNNI table when the CPU has it) */
    const char *levels[3];
    int nl = 0;
    for (int i = 0; i < np; i++)
        if (strcmp(ops[i]->name, "avx512vnni") != 0)
            levels[nl++] = ops[i]->name;
    if (nl < 2)
        IG_SKIP("this CPU has one kernel path only (%s): nothing to compare", levels[0]);
    char *ref = run_path(levels[0]);
    const char *ref_body = strchr(ref, '\n') + 1;
    unsigned nf = count_lines(ref_body, "q=");
    fprintf(stderr, "%s: %u findings (every test's W)\n", levels[0], nf);
    assert_true(nf >= 500);   /* the comparison has substance */
    for (int i = 0; i < nl; i++) {
        char *got = run_path(levels[i]);
        char want_head[64];
        snprintf(want_head, sizeof want_head, "path %s", levels[i]);
        if (strncmp(got, want_head, strlen(want_head)) != 0)
            fail_msg("INFERGUARD_SIMD=%s ran %.*s", levels[i], (int)strcspn(got, "\n"), got);
        const char *body = strchr(got, '\n') + 1;
        if (strcmp(body, ref_body) != 0) {
            const char *a = ref_body, *b = body;
            while (*a && *a == *b)
                a++, b++;
            while (a > ref_body && a[-1] != '\n')
                a--, b--;
            fail_msg("%s and %s differ from:\n  %.*s\n  %.*s", levels[0], levels[i],
                     (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
        }
        fprintf(stderr, "%s: the same %u findings, bit for bit\n", levels[i], nf);
        free(got);
    }
    free(ref);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--emit") == 0)
        return emit_all();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_findings_on_every_path),
    };
    IG_RUN_TESTS(tests);
}
