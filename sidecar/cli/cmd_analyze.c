/* inferguard analyze: pcap/pcapng files in, findings (and events) out, summary on stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture/merge.h"
#include "cli/cli.h"
#include "fleet/publish.h"
#include "pipeline/pipeline.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard analyze [options] FILE...\n"
        "Reads pcap and pcapng captures, turns inference API traffic into events, runs the\n"
        "detectors and writes findings (OCSF Detection Finding JSON lines).\n\n"
        "Files are read one after another; with --merge they are read as one capture,\n"
        "packets in timestamp order (as mergecap does): the captures of a model's replicas\n"
        "replayed through one sensor on one clock.\n\n"
        "options:\n"
        "  -c, --config FILE     YAML configuration (every key has a default)\n"
        "  -r, --rules DIR       rules directory (default: rules.dir)\n"
        "  -f, --findings PATH   findings output, '-' = stdout (default: -)\n"
        "  -e, --events PATH     also write one JSON line per inference event ('-' = stdout)\n"
        "      --reports DIR     write drift reports (JSON + HTML) into DIR\n"
        "      --kafka BROKERS   also publish findings to Kafka (host:port,...)\n"
        "      --topic NAME      Kafka topic (default: inferguard.findings)\n"
        "      --events-topic NAME  also publish every inference event (msgpack) to this\n"
        "                        Kafka topic, for `inferguard aggregate` (needs --kafka)\n"
        "      --workers N       1: one thread (default: detection.workers); 2: parsing and\n"
        "                        detection on separate threads; 3-16: also a model-side\n"
        "                        lane (PRADA, coverage) and N-3 client lanes (per-client\n"
        "                        detectors sharded by source); same findings\n"
        "      --parse-shards N  1-8 threads parsing flows (TCP, HTTP, payloads), each owning\n"
        "                        the flows of its address pairs; events merged back into\n"
        "                        capture order: same events and findings (default:\n"
        "                        flow.parse_shards)\n"
        "      --merge           merge the files by packet time instead of reading them in turn\n"
        "  -q, --quiet           no summary, warnings only as errors\n"
        "  -v, --verbose         debug logging\n"
        "  -h, --help            this text\n\n"
        "A progress line is shown while stderr is a terminal.\n"
        "exit codes: 0 ok, 1 runtime failure, 2 usage, 3 configuration or rules, 4 input file\n");
}

struct progress {
    bool on;
    struct timespec last;
    uint64_t total_bytes, done_bytes;   /* files before the current one */
    size_t file, nfiles;
};

static double since(const struct timespec *a)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_show(struct progress *pr, uint64_t offset, const struct ig_pipeline *p)
{
    if (!pr->on || since(&pr->last) < 0.5)
        return;
    clock_gettime(CLOCK_MONOTONIC, &pr->last);
    uint64_t done = pr->done_bytes + offset;
    double pct = pr->total_bytes ? 100.0 * (double)done / (double)pr->total_bytes : 0;
    fprintf(stderr, "\r\033[K  file %zu/%zu  %5.1f%%  %.1f MB  %llu events  %llu findings",
            pr->file + 1, pr->nfiles, pct, (double)done / 1e6,
            (unsigned long long)ig_pipeline_events(p), (unsigned long long)ig_pipeline_findings(p));
    fflush(stderr);
}

/* Reads one capture file to the end; a damaged tail is reported, not fatal. */
static int read_file(const char *path, struct ig_pipeline *p, struct progress *pr)
{
    char err[512];
    struct ig_capture *cap;
    if (ig_capture_open_file(&cap, path, err, sizeof err) < 0) {
        fprintf(stderr, "inferguard analyze: %s\n", err);
        return IG_EXIT_INPUT;
    }
    struct ig_packet pkt;
    uint64_t n = 0;
    for (;;) {
        int rc = ig_capture_next(cap, &pkt);
        if (rc == IG_OK) {
            ig_pipeline_packet(p, &pkt);
            if ((++n & 1023) == 0)
                progress_show(pr, ig_capture_file_offset(cap), p);
        } else if (rc == IG_AGAIN) {
            continue;
        } else if (rc == IG_DONE) {
            break;
        } else {
            fprintf(stderr, "inferguard analyze: %s: read error after %llu packets; the rest of the file is skipped\n",
                    path, (unsigned long long)n);
            break;
        }
    }
    ig_pipeline_add_capture_stats(p, ig_capture_stats(cap));
    ig_capture_close(cap);
    return IG_EXIT_OK;
}

/* --merge: every file at once, packets in time order; a file that fails to read ends
 * there (reported) while the others go on. */
static int read_merged(const char *const *paths, size_t n, struct ig_pipeline *p, struct progress *pr)
{
    char err[512];
    struct ig_capture_merge *m;
    if (ig_capture_merge_open(&m, paths, n, err, sizeof err) < 0) {
        fprintf(stderr, "inferguard analyze: %s\n", err);
        return IG_EXIT_INPUT;
    }
    struct ig_packet pkt;
    uint64_t k = 0;
    size_t bad;
    for (;;) {
        int rc = ig_capture_merge_next(m, &pkt, &bad);
        if (rc == IG_OK) {
            ig_pipeline_packet(p, &pkt);
            if ((++k & 1023) == 0)
                progress_show(pr, ig_capture_merge_offset(m), p);
        } else if (rc == IG_EIO) {
            fprintf(stderr, "inferguard analyze: %s: read error; the rest of the file is skipped\n",
                    paths[bad]);
        } else {
            break;
        }
    }
    struct ig_decode_stats st;
    ig_capture_merge_stats(m, &st);
    ig_pipeline_add_capture_stats(p, &st);
    ig_capture_merge_close(m);
    return IG_EXIT_OK;
}

int ig_cmd_analyze(int argc, char **argv)
{
    static const struct option opts[] = {
        IG_CLI_COMMON_OPTIONS, { "help", no_argument, 0, 'h' }, { "merge", no_argument, 0, 'M' },
        { 0, 0, 0, 0 },
    };
    struct ig_cli_common o = { 0 };
    bool merge = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h" IG_CLI_COMMON_SHORT, opts, NULL)) != -1) {
        int taken = ig_cli_common_opt(&o, c, optarg, "inferguard analyze");
        if (taken < 0)
            return IG_EXIT_USAGE;
        if (taken)
            continue;
        if (c == 'h') {
            usage(stdout);
            return IG_EXIT_OK;
        }
        if (c == 'M') {
            merge = true;
            continue;
        }
        usage(stderr);
        return IG_EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "inferguard analyze: no capture file given (try --help)\n");
        return IG_EXIT_USAGE;
    }

    /* Every input must be readable before any output is written. */
    struct progress pr = { .nfiles = (size_t)(argc - optind) };
    for (int i = optind; i < argc; i++) {
        struct stat st;
        char err[512];
        struct ig_capture *cap;
        if (stat(argv[i], &st) < 0 || !S_ISREG(st.st_mode) || access(argv[i], R_OK) < 0) {
            fprintf(stderr, "inferguard analyze: cannot read capture file '%s'\n", argv[i]);
            return IG_EXIT_INPUT;
        }
        if (ig_capture_open_file(&cap, argv[i], err, sizeof err) < 0) {
            fprintf(stderr, "inferguard analyze: %s\n", err);
            return IG_EXIT_INPUT;
        }
        ig_capture_close(cap);
        pr.total_bytes += (uint64_t)st.st_size;
    }

    static struct ig_config cfg;
    struct ig_rules *rules;
    int rc = ig_cli_load(&o, "inferguard analyze", &cfg, &rules);
    if (rc)
        return rc;

    char err[512];
    struct ig_pipeline *p = ig_pipeline_new(&cfg, rules, err, sizeof err);
    if (!p) {
        fprintf(stderr, "inferguard analyze: %s\n", err);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    struct ig_fleet_pub *pub = ig_fleet_pub_open(&cfg, err, sizeof err);
    if (!pub && err[0]) {
        fprintf(stderr, "inferguard analyze: events topic: %s\n", err);
        ig_pipeline_free(p);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    if (pub) {
        ig_pipeline_set_event_hook(p, ig_fleet_pub_hook, pub);
        ig_pipeline_set_tick_hook(p, ig_fleet_pub_tick_hook, pub);
    }
    pr.on = o.verbosity >= 0 && isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &pr.last);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    if (merge) {
        rc = read_merged((const char *const *)argv + optind, (size_t)(argc - optind), p, &pr);
    } else {
        for (int i = optind; i < argc && rc == IG_EXIT_OK; i++, pr.file++) {
            rc = read_file(argv[i], p, &pr);
            struct stat st;
            if (stat(argv[i], &st) == 0)
                pr.done_bytes += (uint64_t)st.st_size;
        }
    }
    if (pr.on)
        fprintf(stderr, "\r\033[K");
    ig_pipeline_finish(p);
    if (o.verbosity >= 0) {
        double secs = since(&t0);
        fprintf(stderr, "inferguard analyze: %zu file(s), %.1f MB in %.2f s (%.1f MB/s)\n",
                pr.nfiles, (double)pr.total_bytes / 1e6, secs,
                secs > 0 ? (double)pr.total_bytes / 1e6 / secs : 0.0);
        ig_pipeline_summary(p, stderr);
    }
    ig_fleet_pub_close(pub, (int)cfg.flush_timeout_ms, o.verbosity >= 0 ? stderr : NULL);
    ig_pipeline_free(p);
    ig_rules_free(rules);
    return rc;
}
