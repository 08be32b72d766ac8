/* inferguard baseline build: a drift reference profile per model, built offline from
 * captures (through the same pipeline as analyze) or from an --events file, saved as
 * msgpack for the drift detector's `reference` parameter. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/json.h"
#include "cli/cli.h"
#include "drift/drift.h"
#include "pipeline/pipeline.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard baseline build --out FILE [-c CONFIG] PCAP...\n"
        "       inferguard baseline build --out FILE --events EVENTS.jsonl\n"
        "Builds a drift reference profile per model (input features, output scores,\n"
        "predicted classes, confidence, latency) and writes it as msgpack to FILE. Use it\n"
        "with `reference: FILE` under the drift.features params in rules.\n"
        "EVENTS.jsonl is what `inferguard analyze --events` writes.\n"
        "exit codes: 0 ok, 1 could not write FILE, 2 usage, 3 configuration or no usable events, 4 input\n");
}

static void add_event(void *ctx, const struct ig_event *ev)
{
    ig_baseline_add(ctx, ev);
}

static int from_pcaps(struct ig_baseline *b, const struct ig_cli_common *o, char **files, int n)
{
    static struct ig_config cfg;
    struct ig_rules *rules;
    struct ig_cli_common quiet = *o;
    quiet.findings = "";   /* building a reference raises no findings anywhere */
    int rc = ig_cli_load(&quiet, "inferguard baseline", &cfg, &rules);
    if (rc)
        return rc;
    cfg.reports_dir[0] = '\0';
    char err[512];
    struct ig_pipeline *p = ig_pipeline_new(&cfg, rules, err, sizeof err);
    if (!p) {
        fprintf(stderr, "inferguard baseline: %s\n", err);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    ig_pipeline_set_event_hook(p, add_event, b);
    for (int i = 0; i < n && rc == 0; i++) {
        struct ig_capture *cap;
        if (ig_capture_open_file(&cap, files[i], err, sizeof err) < 0) {
            fprintf(stderr, "inferguard baseline: %s\n", err);
            rc = IG_EXIT_INPUT;
            break;
        }
        struct ig_packet pkt;
        int r;
        while ((r = ig_capture_next(cap, &pkt)) == IG_OK || r == IG_AGAIN)
            if (r == IG_OK)
                ig_pipeline_packet(p, &pkt);
        ig_capture_close(cap);
    }
    ig_pipeline_finish(p);
    ig_pipeline_free(p);
    ig_rules_free(rules);
    return rc;
}

/* Rebuilds the tensor part of an event from one --events line. Returns false when the line
 * is not a usable event (counted by the caller). */
static bool parse_event_line(const char *line, size_t len, struct ig_scratch *s, struct ig_event *ev)
{
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, NULL);
    const struct ig_json *root;
    const char *why;
    if (ig_json_parse((const uint8_t *)line, len, &lim, s, &root, &why) < 0)
        return false;
    memset(ev, 0, sizeof *ev);
    struct ig_span sp;
    if (ig_json_str(ig_json_get(root, "model"), s, &sp) == IG_OK)
        snprintf(ev->model, sizeof ev->model, "%.*s", (int)sp.n, (const char *)sp.p);
    if (ig_json_str(ig_json_get(root, "version"), s, &sp) == IG_OK)
        snprintf(ev->model_version, sizeof ev->model_version, "%.*s", (int)sp.n, (const char *)sp.p);
    uint64_t u = 0;
    if (ig_json_u64(ig_json_get(root, "time"), &u) == IG_OK)
        ev->req_time_us = u;
    if (ig_json_u64(ig_json_get(root, "latency_us"), &u) == IG_OK)
        ev->latency_us = u;
    if (ig_json_u64(ig_json_get(root, "status"), &u) == IG_OK)
        ev->status = (uint16_t)u;
    if (ig_json_get(root, "malformed"))
        ev->flags |= IG_EV_MALFORMED;
    if (ev->status >= 400)
        ev->flags |= IG_EV_ERROR;

    const struct ig_json *in = ig_json_get(root, "inputs"), *sc = ig_json_get(root, "scores");
    const struct ig_json *lb = ig_json_get(root, "labels");
    size_t n;
    if (in && ig_json_is_numeric(in) && in->ndim == 2) {
        float *v = ig_scratch_alloc(s, (size_t)in->count * sizeof *v);
        if (!v || ig_json_f32_array(in, v, in->count, &n, &why) < 0)
            return false;
        ev->rows = in->shape[0];
        ev->features = in->shape[1];
        ev->inputs = v;
        ev->flags |= IG_EV_TENSOR;
    }
    if (sc && ig_json_is_numeric(sc) && sc->ndim == 2 && sc->shape[0] == (ev->rows ? ev->rows : sc->shape[0])) {
        float *v = ig_scratch_alloc(s, (size_t)sc->count * sizeof *v);
        if (!v || ig_json_f32_array(sc, v, sc->count, &n, &why) < 0)
            return false;
        ev->rows = sc->shape[0];
        ev->outputs = sc->shape[1];
        ev->scores = v;
        ev->flags |= IG_EV_SCORES;
    }
    if (lb && ig_json_is_numeric(lb) && ev->rows && lb->count == ev->rows) {
        double *d = ig_scratch_alloc(s, (size_t)lb->count * sizeof *d);
        int32_t *l = ig_scratch_alloc(s, (size_t)lb->count * sizeof *l);
        if (!d || !l || ig_json_f64_array(lb, d, lb->count, &n, &why) < 0)
            return false;
        for (size_t i = 0; i < n; i++)
            l[i] = (int32_t)d[i];
        ev->labels = l;
        ev->flags |= IG_EV_LABELS;
    }
    return ev->model[0] && (ev->flags & (IG_EV_TENSOR | IG_EV_SCORES));
}

static int from_events(struct ig_baseline *b, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "inferguard baseline: cannot read events file '%s'\n", path);
        return IG_EXIT_INPUT;
    }
    struct ig_scratch s;
    if (ig_scratch_init(&s, 1 << 20, 1u << 30) < 0) {
        fclose(f);
        return IG_EXIT_RUNTIME;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint64_t lines = 0, unusable = 0;
    struct ig_event ev;
    while ((len = getline(&line, &cap, f)) > 0) {
        lines++;
        if (parse_event_line(line, (size_t)len, &s, &ev))
            ig_baseline_add(b, &ev);
        else
            unusable++;
        ig_scratch_reset(&s);
    }
    free(line);
    fclose(f);
    ig_scratch_free(&s);
    if (unusable)
        fprintf(stderr, "inferguard baseline: %llu of %llu lines were not usable events (need model and tensors)\n",
                (unsigned long long)unusable, (unsigned long long)lines);
    return IG_EXIT_OK;
}

int ig_cmd_baseline(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, 0, 'o' }, { "events", required_argument, 0, 'E' },
        { "config", required_argument, 0, 'c' }, { "rules", required_argument, 0, 'r' },
        { "quiet", no_argument, 0, 'q' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return IG_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "build") != 0) {
        usage(stderr);
        return IG_EXIT_USAGE;
    }
    argc--; argv++;
    struct ig_cli_common o = { 0 };
    const char *out = NULL, *events = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:c:r:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'E': events = optarg; break;
        case 'c': o.config_path = optarg; break;
        case 'r': o.rules_dir = optarg; break;
        case 'q': o.verbosity = -1; break;
        case 'h': usage(stdout); return IG_EXIT_OK;
        default: usage(stderr); return IG_EXIT_USAGE;
        }
    }
    if (!out || (!events && optind >= argc) || (events && optind < argc)) {
        fprintf(stderr, "inferguard baseline: need --out FILE and either captures or --events FILE\n");
        return IG_EXIT_USAGE;
    }
    struct ig_baseline *b = ig_baseline_new(0, 0);
    if (!b) {
        fprintf(stderr, "inferguard baseline: out of memory\n");
        return IG_EXIT_RUNTIME;
    }
    int rc = events ? from_events(b, events) : from_pcaps(b, &o, argv + optind, argc - optind);
    if (rc == IG_EXIT_OK) {
        char err[512];
        int r = ig_baseline_save(b, out, err, sizeof err);
        if (r < 0) {
            fprintf(stderr, "inferguard baseline: %s\n", err);
            rc = r == IG_EIO ? IG_EXIT_RUNTIME : IG_EXIT_CONFIG;
        } else if (o.verbosity >= 0) {
            fprintf(stderr, "inferguard baseline: %u model(s), %llu rows -> %s\n", ig_baseline_models(b),
                    (unsigned long long)ig_baseline_rows(b), out);
        }
    }
    ig_baseline_free(b);
    return rc;
}
