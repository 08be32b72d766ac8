/* bench_threads: `inferguard analyze --workers N` against `--workers 1` on the same capture
 * (figure 6). For each capture (ig_gen: OIP v2 tensors, the attack mix, OpenAI chat) it runs
 * analyze with 1, 2, 3 and 4 workers (2 = parsing | detection, the model-side lane shared by
 * the two; 3 gives the model-side lane its own thread, 4 also a client lane), and with 2 and 4 workers plus --parse-shards 2 (the parsing
 * thread's flows on two shard threads, the capture thread merging), and prints, per run:
 *   events/s (wall clock)                 against --workers 1 in the same run;
 *   the two-core bound: the CPU seconds of the one-thread run over the busiest thread's
 *     CPU seconds with N workers, or half the run's CPU seconds if more (the speed-up two
 *     idle cores would give at best, read from the summary's per-thread CPU times (workers
 *     and shards lines), so other load on the machine barely moves it);
 *   the many-core bound: the same over the busiest thread alone (as many idle cores as
 *     threads: what splitting the work can give once the cores are there);
 *   whether the findings are byte-identical to one worker's (0 = identical).
 * The load average at the start is printed too: wall-clock ratios mean little when the
 * machine's cores are busy with other work.
 *
 * Usage: bench_threads [--rules DIR]   (default: $IG_SRC/rules). ig_gen and inferguard are
 * found beside this program (build/bench/ig_gen, build/inferguard). IG_BENCH_QUICK=1: small
 * captures. Exit 0, or 1 when something could not run, 3 when findings differ. */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir_bin[PATH_MAX], work[PATH_MAX], rules[PATH_MAX];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv with stdout to /dev/null and stderr to <errpath> (NULL: /dev/null); returns
 * the exit status (-1: could not run) and the wall seconds in *wall. */
static int run(char *const argv[], const char *errpath, double *wall)
{
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int n = open("/dev/null", O_WRONLY);
        int e = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600) : n;
        if (n < 0 || e < 0)
            _exit(127);
        dup2(n, 1);
        dup2(e, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    if (wall)
        *wall = now_s() - t0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Up to <max> numbers from <p> on into cpu[n...]; returns the new n. */
static int numbers(const char *p, double *cpu, int n, int max)
{
    while (*p && n < max) {
        char *end;
        double v = strtod(p, &end);
        if (end != p) {
            cpu[n++] = v;
            p = end;
        } else {
            p++;
        }
    }
    return n;
}

/* From an analyze summary: the event count and the per-thread CPU seconds of the workers
 * line (parsing, detection, then each lane) and of the shards line (each parse shard);
 * returns the number of CPU values found. */
static int summary(const char *path, uint64_t *events, double cpu[16])
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[4096];
    int n = 0;
    *events = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long ev;
        if (sscanf(line, "  events %llu", &ev) == 1 && !*events)
            *events = ev;
        char *p = strstr(line, "; CPU ");
        if (strncmp(line, "  workers ", 10) == 0 && p)
            n = numbers(p + 6, cpu, n, 8);
        char *q = strstr(line, "), shards ");
        if (strncmp(line, "  shards ", 9) == 0 && q)
            n = numbers(q + 10, cpu, n, 16);   /* the capture thread is the workers line's parsing */
    }
    fclose(f);
    return n;
}

static bool same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            same = false;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

struct capture { const char *name, *protocol, *scenario; int requests; };

int main(int argc, char **argv)
{
    bool quick = getenv("IG_BENCH_QUICK") && strcmp(getenv("IG_BENCH_QUICK"), "1") == 0;
    char self[PATH_MAX];
    snprintf(self, sizeof self, "%s", argv[0]);
    snprintf(dir_bin, sizeof dir_bin, "%s", dirname(self));
    const char *src = getenv("IG_SRC");
    snprintf(rules, sizeof rules, "%s/rules", src ? src : ".");
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--rules") == 0)
            snprintf(rules, sizeof rules, "%s", argv[i + 1]);
    char gen[PATH_MAX + 16], ig[PATH_MAX + 16];
    snprintf(gen, sizeof gen, "%s/ig_gen", dir_bin);
    snprintf(ig, sizeof ig, "%s/../inferguard", dir_bin);
    if (access(gen, X_OK) != 0 || access(ig, X_OK) != 0) {
        fprintf(stderr, "bench_threads: needs %s and %s\n", gen, ig);
        return 1;
    }
    snprintf(work, sizeof work, "/tmp/ig_bench_threads.XXXXXX");
    if (!mkdtemp(work)) {
        perror("bench_threads: mkdtemp");
        return 1;
    }
    /* Stable identities and evidence hashes: the findings of the runs are compared. */
    setenv("INFERGUARD_ID_SECRET", "bench-threads", 1);
    setenv("INFERGUARD_EVIDENCE_KEY", "bench-threads", 1);
    setenv("INFERGUARD_FINGERPRINT_SALT", "bench-threads", 1);
    double load[3] = { 0 };
    if (getloadavg(load, 3) > 0)
        printf("load average at start: %.2f %.2f %.2f on %ld online cores\n", load[0], load[1],
               load[2], sysconf(_SC_NPROCESSORS_ONLN));
    const struct capture caps[] = {
        { "oip_v2_d64", "oip_v2", "benign", quick ? 2000 : 60000 },
        { "mixed_d64", "oip_v2", "mixed", quick ? 1000 : 30000 },
        { "openai_d64", "openai", "benign", quick ? 1000 : 20000 },
    };
    int rc = 0;
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        char pcap[PATH_MAX + 64], req[16];
        snprintf(pcap, sizeof pcap, "%s/%s.pcap", work, caps[c].name);
        snprintf(req, sizeof req, "%d", caps[c].requests);
        char *ga[] = { gen, "--scenario", (char *)caps[c].scenario, "--protocol",
                       (char *)caps[c].protocol, "--clients", "64", "--requests", req, "--dim",
                       "64", "--seed", "1", "--quiet", "--out", pcap, NULL };
        if (run(ga, NULL, NULL) != 0) {
            fprintf(stderr, "bench_threads: ig_gen failed for %s\n", caps[c].name);
            rc = 1;
            continue;
        }
        /* --workers N, and with --parse-shards S (the parsing thread's flows on S threads) */
        static const struct { int w, s; } cfgs[] = { { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 },
                                                      { 2, 2 }, { 4, 2 } };
        enum { NCFG = sizeof cfgs / sizeof cfgs[0] };
        double wall[NCFG] = { 0 }, cpu1 = 0;
        uint64_t events = 0;
        for (int k = 0; k < NCFG; k++) {
            int w = cfgs[k].w, sh = cfgs[k].s;
            char ws[8], ss[8], tag[32], fout[PATH_MAX + 64], eout[PATH_MAX + 64];
            snprintf(ws, sizeof ws, "%d", w);
            snprintf(ss, sizeof ss, "%d", sh);
            if (sh > 1)
                snprintf(tag, sizeof tag, "%d_shards_%d", w, sh);
            else
                snprintf(tag, sizeof tag, "%d", w);
            snprintf(fout, sizeof fout, "%s/%s.w%s.findings", work, caps[c].name, tag);
            snprintf(eout, sizeof eout, "%s/%s.w%s.stderr", work, caps[c].name, tag);
            char *aa[] = { ig, "analyze", "--workers", ws, "--parse-shards", ss, "--rules", rules,
                           "--findings", fout, pcap, NULL };
            struct rusage r0, r1;
            getrusage(RUSAGE_CHILDREN, &r0);
            if (run(aa, eout, &wall[k]) != 0) {
                fprintf(stderr, "bench_threads: analyze --workers %d --parse-shards %d failed on %s\n",
                        w, sh, caps[c].name);
                rc = 1;
                wall[k] = 0;
                continue;
            }
            getrusage(RUSAGE_CHILDREN, &r1);
            double cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
                         (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 +
                         (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
                         (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
            double th[16];
            uint64_t ev = 0;
            int nth = summary(eout, &ev, th);
            if (k == 0) {
                cpu1 = cpu;
                events = ev;
                printf("%s: %llu events, --workers 1: %.3f s wall, %.3f s CPU\n", caps[c].name,
                       (unsigned long long)ev, wall[0], cpu);
                continue;
            }
            double busiest = 0;
            for (int i = 0; i < nth; i++)
                busiest = th[i] > busiest ? th[i] : busiest;
            char f1[PATH_MAX + 64];
            snprintf(f1, sizeof f1, "%s/%s.w1.findings", work, caps[c].name);
            bool same = same_file(f1, fout);
            if (!same)
                rc = 3;
            printf("%s: --workers %d --parse-shards %d: %.3f s wall, %.3f s CPU, busiest thread "
                   "%.3f s CPU (of %d), findings %s\n", caps[c].name, w, sh, wall[k], cpu, busiest, nth,
                   same ? "identical" : "DIFFER");
            if (wall[0] > 0 && wall[k] > 0 && events) {
                printf("RESULT metric=%s_events_per_s_workers_%s value=%.0f unit=events/s "
                       "peer=--workers_1 peer_value=%.0f better=higher\n", caps[c].name, tag,
                       (double)events / wall[k], (double)events / wall[0]);
            }
            if (busiest > 0 && cpu1 > 0) {
                printf("RESULT metric=%s_two_core_bound_workers_%s value=%.2f unit=x "
                       "peer=target_1.8x peer_value=1.8 better=higher\n", caps[c].name, tag,
                       cpu1 / (busiest > cpu / 2 ? busiest : cpu / 2));
                /* with as many idle cores as threads: only the busiest thread bounds it */
                printf("RESULT metric=%s_many_core_bound_workers_%s value=%.2f unit=x "
                       "peer=--workers_1 peer_value=1 better=higher\n", caps[c].name, tag,
                       cpu1 / busiest);
            }
            printf("RESULT metric=%s_findings_differ_workers_%s value=%d unit=bool better=lower\n",
                   caps[c].name, tag, same ? 0 : 1);
        }
        fflush(stdout);
        unlink(pcap);
    }
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_threads: could not remove %s\n", work);
    return rc;
}
