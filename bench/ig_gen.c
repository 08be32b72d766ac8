/* ig_gen: writes a pcap of generated inference traffic for a scenario (see bench/README.md).
 * Deterministic from --seed; prints a JSON manifest (clients, roles, counts) with
 * --manifest, and its write speed on stderr. */
#include "trafficgen.h"
#include "pcapw.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: ig_gen --scenario NAME --out FILE [--seed N] [--clients N] [--requests N]\n"
        "              [--dim D] [--classes K] [--batch B] [--duration S]\n"
        "              [--protocol oip_v2|oip_v2_bin|kserve_v1|openai|mixed] [--model NAME]\n"
        "              [--proxy] [--gzip] [--chunked] [--pipeline] [--chaos]\n"
        "              [--linktype en10mb|raw|sll|sll2|null] [--manifest FILE|-] [--quiet]\n"
        "              [--drift none|mean|scale|brightness|prior] [--drift-at FRACTION]\n"
        "              [--drift-rows N] [--drift-ramp N]   (drift after N benign rows; gradual over N)\n"
        "              [--model-seed N]   (the model's own seed; default --seed)\n"
        "scenarios: demo, benign, extraction, evasion, leakage, flood, mixed\n");
}

static int parse_u32(const char *name, const char *s, uint32_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || v > 0xffffffffull) {
        fprintf(stderr, "ig_gen: --%s wants a non-negative integer, got '%s'\n", name, s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    struct ig_gen_opts o;
    ig_gen_opts_default(&o);
    const char *out = NULL, *manifest = NULL;
    bool quiet = false, clients_set = false;
    static const struct option lo[] = {
        { "scenario", 1, 0, 's' }, { "out", 1, 0, 'o' }, { "seed", 1, 0, 'S' },
        { "clients", 1, 0, 'c' }, { "requests", 1, 0, 'r' }, { "dim", 1, 0, 'd' },
        { "classes", 1, 0, 'k' }, { "batch", 1, 0, 'b' }, { "duration", 1, 0, 'D' },
        { "protocol", 1, 0, 'p' }, { "model", 1, 0, 'm' }, { "proxy", 0, 0, 'P' },
        { "gzip", 0, 0, 'z' }, { "chunked", 0, 0, 'C' }, { "pipeline", 0, 0, 'L' },
        { "chaos", 0, 0, 'X' }, { "linktype", 1, 0, 'l' }, { "manifest", 1, 0, 'M' },
        { "quiet", 0, 0, 'q' }, { "drift", 1, 0, 'F' }, { "drift-at", 1, 0, 'A' }, { "drift-rows", 1, 0, 'R' }, { "drift-ramp", 1, 0, 'G' }, { "model-seed", 1, 0, 'E' }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "s:o:h", lo, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 's': o.scenario = optarg; break;
        case 'o': out = optarg; break;
        case 'S': {
            char *end;
            o.seed = strtoull(optarg, &end, 10);
            bad = !*optarg || *end;
            if (bad)
                fprintf(stderr, "ig_gen: --seed wants an integer, got '%s'\n", optarg);
            break;
        }
        case 'c': bad = parse_u32("clients", optarg, &o.clients); clients_set = true; break;
        case 'r': bad = parse_u32("requests", optarg, &o.requests); break;
        case 'd': bad = parse_u32("dim", optarg, &o.dim); break;
        case 'k': bad = parse_u32("classes", optarg, &o.classes); break;
        case 'b': bad = parse_u32("batch", optarg, &o.batch); break;
        case 'D': bad = parse_u32("duration", optarg, &o.duration_s); break;
        case 'p': {
            int p = ig_gen_proto_parse(optarg);
            if (p < 0) {
                fprintf(stderr, "ig_gen: unknown protocol '%s'\n", optarg);
                bad = 1;
            }
            o.protocol = (enum ig_gen_proto)p;
            break;
        }
        case 'm': o.model = optarg; break;
        case 'P': o.proxy = true; break;
        case 'z': o.gzip = true; break;
        case 'C': o.chunked = true; break;
        case 'L': o.pipeline = true; break;
        case 'X': o.chaos = true; break;
        case 'l':
            if (!strcmp(optarg, "en10mb")) o.linktype = IG_PCAPW_EN10MB;
            else if (!strcmp(optarg, "raw")) o.linktype = IG_PCAPW_RAW;
            else if (!strcmp(optarg, "sll")) o.linktype = IG_PCAPW_LINUX_SLL;
            else if (!strcmp(optarg, "sll2")) o.linktype = IG_PCAPW_LINUX_SLL2;
            else if (!strcmp(optarg, "null")) o.linktype = IG_PCAPW_NULL;
            else {
                fprintf(stderr, "ig_gen: unknown linktype '%s'\n", optarg);
                bad = 1;
            }
            break;
        case 'M': manifest = optarg; break;
        case 'q': quiet = true; break;
        case 'F': {
            int d = ig_gen_drift_parse(optarg);
            bad = d <= 0;
            if (bad)
                fprintf(stderr, "ig_gen: unknown drift '%s' (none, mean, scale, brightness, "
                                "prior)\n", optarg);
            o.drift = (enum ig_gen_drift)(bad ? 0 : d);
            break;
        }
        case 'A': {
            char *end;
            o.drift_at = strtod(optarg, &end);
            bad = !*optarg || *end || !(o.drift_at >= 0 && o.drift_at < 1);
            if (bad)
                fprintf(stderr, "ig_gen: --drift-at wants a fraction in [0, 1), got '%s'\n",
                        optarg);
            break;
        }
        case 'E': {
            char *end;
            o.model_seed = strtoull(optarg, &end, 10);
            bad = !*optarg || *end;
            if (bad)
                fprintf(stderr, "ig_gen: --model-seed wants an integer, got '%s'\n", optarg);
            break;
        }
        case 'R': case 'G': {
            uint32_t v = 0;
            bad = parse_u32(ch == 'R' ? "drift-rows" : "drift-ramp", optarg, &v);
            if (ch == 'R')
                o.drift_rows = v;
            else
                o.drift_ramp = v;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (bad)
            return 2;
    }
    if (!out || optind != argc) {
        usage(stderr);
        return 2;
    }
    (void)clients_set;

    struct ig_gen_stats *st = malloc(sizeof(*st));
    if (!st)
        return 1;
    char err[256] = "";
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = ig_gen_run(&o, out, st, err, sizeof(err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != 0) {
        fprintf(stderr, "ig_gen: %s\n", err);
        free(st);
        return rc == -4 ? 2 : 1;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!quiet)
        fprintf(stderr, "ig_gen: %s: %llu requests, %llu packets, %.1f MB in %.3f s "
                        "(%.0f MB/s), capture span %.0f s\n",
                out, (unsigned long long)st->requests, (unsigned long long)st->packets,
                (double)st->bytes / 1e6, secs, (double)st->bytes / 1e6 / (secs > 0 ? secs : 1e-9),
                (double)(st->end_us - st->start_us) / 1e6);
    if (manifest) {
        FILE *f = strcmp(manifest, "-") == 0 ? stdout : fopen(manifest, "w");
        if (!f) {
            fprintf(stderr, "ig_gen: cannot write %s\n", manifest);
            free(st);
            return 1;
        }
        ig_gen_stats_json(st, &o, f);
        if (f != stdout)
            fclose(f);
    }
    free(st);
    return 0;
}
