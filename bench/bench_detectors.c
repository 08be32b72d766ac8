/* bench_detectors: ns per event of each registered detector, alone behind the engine, on
 * one client's stream of benign-looking queries (Gaussian mixture around 10 class
 * centroids, σ = 0.08, probabilities and labels, a short prompt and completion for the
 * text detectors), at d = 64 and 784, after 1 000 and after 10 000 earlier queries from
 * the same client (the history the detector keeps). "engine" is the engine alone (no
 * detector): subtract it for a detector's own cost. Shipped rules unless --rules DIR.
 * No query repeats (a replaying client is what PRADA and the fingerprints look for), so
 * the findings count printed beside each row is a false-positive count on this stream.
 *
 *   bench_detectors [--rules DIR] [--only NAME]    IG_BENCH_QUICK=1: histories 100 and 1 000
 * --only NAME: that detector (and the engine row) alone, e.g. while profiling it.
 * Prints a table and per (detector, d, history) two RESULT lines: ns/event (CPU time of this
 * thread) and the false positives (findings on the benign stream). */
#include "engine.h"

#include <inferguard/log.h>
#include <inferguard/rules.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLASSES 10
#define MAX_HISTORY 10000
#define TIMED 2000
#define POOL 16384   /* >= MAX_HISTORY + TIMED: no query is ever replayed */
_Static_assert(MAX_HISTORY + TIMED <= POOL, "the stream must not replay queries");

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);   /* CPU time: the machine is shared */
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static double urand(void)
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return (double)(rs >> 11) / 9007199254740992.0;
}
static double nrand(void)
{
    return sqrt(-2.0 * log(urand() + 1e-300)) * cos(6.283185307179586 * urand());
}

static uint64_t nfindings;
static void sink(void *ctx, const struct ig_finding *f) { (void)ctx; (void)f; nfindings++; }

struct stream {
    uint32_t d;
    float *x;                  /* POOL x d inputs */
    float p[POOL][CLASSES];
    int32_t label[POOL];
};

static void stream_init(struct stream *s, uint32_t d)
{
    float *cent = malloc(sizeof(float) * CLASSES * d);
    s->d = d;
    s->x = malloc(sizeof(float) * POOL * d);
    if (!cent || !s->x) {
        fprintf(stderr, "bench_detectors: out of memory\n");
        exit(1);
    }
    for (uint32_t i = 0; i < CLASSES * d; i++)
        cent[i] = (float)(0.2 + 0.6 * urand());
    for (uint32_t q = 0; q < POOL; q++) {
        int k = (int)(urand() * CLASSES) % CLASSES;
        for (uint32_t f = 0; f < d; f++)
            s->x[(size_t)q * d + f] = cent[k * d + f] + (float)(0.08 * nrand());
        double sum = 0, e[CLASSES];
        for (int j = 0; j < CLASSES; j++) {
            double dist = 0;
            for (uint32_t f = 0; f < d; f++) {
                double t = s->x[(size_t)q * d + f] - cent[j * d + f];
                dist += t * t;
            }
            sum += e[j] = exp(-dist / (0.02 * d));
        }
        s->label[q] = 0;
        for (int j = 0; j < CLASSES; j++) {
            s->p[q][j] = (float)(e[j] / (sum > 0 ? sum : 1));
            if (s->p[q][j] > s->p[q][s->label[q]])
                s->label[q] = j;
        }
    }
    free(cent);
}

static const char prompt[] = "Summarise the attached quarterly report in three bullet points "
                             "for the finance team, keeping the numbers exact.";
static const char completion[] = "- Revenue grew 4.2% quarter on quarter to 18.3M.\n- Operating "
                                 "costs fell 1.1%.\n- Cash runway is 26 months at the current burn.";

/* Feeds <n> queries of <s> from one client into <e>, from query number <from> on. */
static void feed(struct ig_engine *e, struct ig_event *ev, struct stream *s, uint64_t from, uint64_t n)
{
    for (uint64_t i = from; i < from + n; i++) {
        uint32_t q = (uint32_t)(i % POOL);   /* i < POOL: every query distinct */
        float *x = s->x + (size_t)q * s->d;
        ev->inputs = x;
        ev->scores = s->p[q];
        ev->labels = &s->label[q];
        ev->req_time_us = 1700000000000000ull + i * 100000;   /* 10 queries/s */
        ev->resp_time_us = ev->req_time_us + 5000;
        ig_engine_observe(e, ev);
        if (i % 10 == 9)
            ig_engine_tick(e, ev->resp_time_us);
    }
}

static void bench_one(const struct ig_detector *det, const struct ig_rules *rules, struct stream *s,
                      uint64_t history, uint64_t timed)
{
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    struct ig_emit emit = { sink, NULL };
    const struct ig_detector *const list[] = { det, NULL };
    char err[256];
    struct ig_engine *e = ig_engine_new_with(&cfg, rules, NULL, &emit, list, err, sizeof err);
    if (!e) {
        printf("%-26s d=%-4u history=%-6llu not run: %s\n", det ? det->name : "engine", s->d,
               (unsigned long long)history, err);
        return;
    }
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    ev.id_kind = IG_ID_API_KEY;
    strcpy(ev.client_id, "key:bench");
    ev.protocol = IG_PROTO_OIP_V2;
    strcpy(ev.model, "fraud-detector");
    strcpy(ev.method, "POST");
    strcpy(ev.route, "/v2/models/fraud-detector/infer");
    ev.status = 200;
    ev.flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS | IG_EV_TEXT;
    ev.rows = 1;
    ev.features = s->d;
    ev.outputs = CLASSES;
    ev.prompt = (struct ig_span){ (const uint8_t *)prompt, sizeof prompt - 1 };
    ev.completion = (struct ig_span){ (const uint8_t *)completion, sizeof completion - 1 };
    ev.prompt_tokens = 30;
    ev.completion_tokens = 40;
    ev.req_bytes = 10 + 9 * s->d;
    ev.resp_bytes = 200;
    ev.latency_us = 5000;
    uint64_t f0 = nfindings;
    feed(e, &ev, s, 0, history);
    double t0 = cpu_s();
    feed(e, &ev, s, history, timed);
    double ns = (cpu_s() - t0) * 1e9 / (double)timed;
    const char *name = det ? det->name : "engine";
    char h[24];
    snprintf(h, sizeof h, history % 1000 ? "%llu" : "%lluk",
             (unsigned long long)(history % 1000 ? history : history / 1000));
    printf("%-26s d=%-4u history=%-6llu %10.0f ns/event  (%llu findings)\n", name, s->d,
           (unsigned long long)history, ns, (unsigned long long)(nfindings - f0));
    printf("RESULT metric=%s_d%u_history_%s value=%.0f unit=ns/event better=lower\n", name, s->d, h, ns);
    /* the stream is benign: every finding on it is a false positive, and RESULTS.md shows it */
    if (det)
        printf("RESULT metric=%s_d%u_history_%s_false_positives value=%llu unit=findings better=lower\n",
               name, s->d, h, (unsigned long long)(nfindings - f0));
    ig_engine_free(e);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: bench_detectors [--rules DIR] [--only NAME]\n");
            return 2;
        }
    }
    struct ig_rules *rules = NULL;
    char err[256];
    if (dir && ig_rules_load_dir(dir, &rules, err, sizeof err) != IG_OK) {
        fprintf(stderr, "bench_detectors: %s\n", err);
        return 1;
    }
    /* Each engine has one detector: the rules naming the others would warn every time. */
    ig_log_set_level(IG_LOG_LEVEL_ERROR);
    const char *q = getenv("IG_BENCH_QUICK");
    int quick = q && *q && strcmp(q, "0");
    const uint64_t hist[2] = { quick ? 100 : 1000, quick ? 1000 : MAX_HISTORY };
    const uint64_t timed = quick ? 200 : TIMED;
    const uint32_t dims[2] = { 64, 784 };
    printf("bench_detectors: rules %s, %llu timed queries after the history, one client\n",
           dir ? dir : "built-in defaults", (unsigned long long)timed);
    static struct stream s;
    for (int di = 0; di < 2; di++) {
        stream_init(&s, dims[di]);
        for (int hi = 0; hi < 2; hi++) {
            bench_one(NULL, rules, &s, hist[hi], timed);
            for (size_t k = 0; ig_detectors[k]; k++)
                if (!only || !strcmp(only, ig_detectors[k]->name))
                    bench_one(ig_detectors[k], rules, &s, hist[hi], timed);
        }
        free(s.x);
    }
    ig_rules_free(rules);
    return 0;
}
