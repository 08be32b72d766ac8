/* adv_replay: replays recorded model queries through the engine with the adversarial
 * detectors only (adversarial.boundary, adversarial.fingerprint) and the rules of a
 * directory (or the embedded ones), then prints, per client, its queries (rows) and the
 * query (1-based row) at which its first adversarial.* finding came. Used by
 * tests/integration/test_evasion_replay.sh to judge attack code and benign streams over many
 * data sets and seeds without servers or captures (bench/python/evasion_streams.py writes
 * the input).
 *
 * Input (little-endian, from stdin): per request a header of five uint32
 *   client, rotate, rows, features, outputs
 * then rows x features float32 inputs, rows x outputs float32 probabilities, rows int32
 * labels. client is a small number; rotate 1 sends every request of that client with a
 * fresh API key from one source address (identity rotation: the engine's principal group
 * then carries the stream), 0 keys the client by its source address, N >= 2 sends its
 * k-th request from address k mod N of a pool of N addresses of its own (an attack spread
 * over many sources, or many ordinary users of one model), keyed by address.
 * Output: one line per client "client queries first_row analytic findings title", where
 * first_row counts the client's rows up to the end of the request whose event raised its
 * first adversarial.* finding (0 and "-" when none), on its own stream or its source's.
 * Usage: adv_replay [--rules DIR] < stream; exit 0 ok, 2 usage, 3 rules, 4 bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/config.h>
#include <inferguard/detector.h>
#include <inferguard/rules.h>
#include "engine.h"

extern const struct ig_detector ig_det_adversarial_boundary, ig_det_adversarial_fingerprint;

#define MAXC 4096

struct who {
    uint64_t queries, first;
    const char *analytic, *title;
    uint32_t findings;
};

static struct who clients[MAXC];
static uint64_t rows_seen[MAXC], requests[MAXC];
static uint32_t cur_client;

static void on_finding(void *ctx, const struct ig_finding *f)
{
    (void)ctx;
    struct who *w = &clients[cur_client];
    w->findings++;
    if (getenv("ADV_REPLAY_SCORES")) {   /* debugging aid: every finding's scores on stderr */
        fprintf(stderr, "client %u row %llu %s:", cur_client, (unsigned long long)rows_seen[cur_client], f->title);
        for (uint32_t i = 0; i < f->nscores; i++)
            fprintf(stderr, " %s=%g", f->scores[i].key, f->scores[i].value);
        fputc('\n', stderr);
    }
    if (w->first == 0) {
        /* the client's rows up to the end of the event that raised it, as figure 9 counts */
        w->first = rows_seen[cur_client];
        w->analytic = f->analytic;
        w->title = f->title;
    }
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: adv_replay [--rules DIR] < STREAM\n"
                   "exit codes: 0 ok, 2 usage, 3 rules, 4 bad input\n");
            return 0;
        } else {
            fprintf(stderr, "adv_replay: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    char err[512];
    struct ig_rules *rules = NULL;
    int rc = dir ? ig_rules_load_dir(dir, &rules, err, sizeof err)
                 : ig_rules_load_embedded(&rules, err, sizeof err);
    if (rc != IG_OK) {
        fprintf(stderr, "adv_replay: %s\n", err);
        return 3;
    }
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    const struct ig_detector *const list[] = { &ig_det_adversarial_boundary, &ig_det_adversarial_fingerprint, NULL };
    struct ig_emit emit = { on_finding, NULL };
    struct ig_engine *e = ig_engine_new_with(&cfg, rules, NULL, &emit, list, err, sizeof err);
    if (!e) {
        fprintf(stderr, "adv_replay: %s\n", err);
        return 3;
    }
    uint32_t h[5], maxc = 0;
    float *in = NULL, *sc = NULL;
    int32_t *lab = NULL;
    uint64_t t = 1700000000000000ull;
    while (fread(h, 4, 5, stdin) == 5) {
        uint32_t c = h[0], rot = h[1], rows = h[2], feat = h[3], outs = h[4];
        if (c >= MAXC || rot > 65536 || rows == 0 || rows > 100000 || feat == 0 || feat > 1u << 20 || outs > 1000) {
            fprintf(stderr, "adv_replay: bad header\n");
            return 4;
        }
        in = realloc(in, (size_t)rows * feat * 4);
        sc = realloc(sc, (size_t)rows * (outs ? outs : 1) * 4);
        lab = realloc(lab, (size_t)rows * 4);
        if (!in || !sc || !lab || fread(in, 4, (size_t)rows * feat, stdin) != (size_t)rows * feat ||
            fread(sc, 4, (size_t)rows * outs, stdin) != (size_t)rows * outs ||
            fread(lab, 4, rows, stdin) != rows) {
            fprintf(stderr, "adv_replay: truncated input\n");
            return 4;
        }
        struct ig_event ev;
        memset(&ev, 0, sizeof ev);
        ev.req_time_us = t;
        ev.resp_time_us = t + 500;
        t += 1000;
        ev.id_kind = IG_ID_SOURCE_IP;
        snprintf(ev.client_id, sizeof ev.client_id, "127.0.%u.%u", c / 250, c % 250 + 1);
        ev.group_kind = IG_ID_SOURCE_IP;
        snprintf(ev.group_id, sizeof ev.group_id, "%s", ev.client_id);
        if (rot >= 2) {   /* the next address of the client's pool */
            uint32_t k = (uint32_t)(requests[c]++ % rot);
            snprintf(ev.client_id, sizeof ev.client_id, "10.%u.%u.%u", c % 250 + 1, k / 250,
                     k % 250 + 1);
            snprintf(ev.group_id, sizeof ev.group_id, "%s", ev.client_id);
        } else if (rot) {   /* a fresh API key per request, one source */
            ev.id_kind = IG_ID_API_KEY;
            snprintf(ev.client_id, sizeof ev.client_id, "key-%u-%llu", c,
                     (unsigned long long)++requests[c]);
        }
        snprintf(ev.model, sizeof ev.model, "m");
        ev.flags = IG_EV_TENSOR | IG_EV_LABELS | (outs ? IG_EV_SCORES : 0);
        ev.rows = rows;
        ev.features = feat;
        ev.outputs = outs;
        ev.inputs = in;
        ev.scores = outs ? sc : NULL;
        ev.labels = lab;
        ev.status = 200;
        cur_client = c;
        clients[c].queries += rows;
        rows_seen[c] += rows;
        ig_engine_observe(e, &ev);
        if (c + 1 > maxc)
            maxc = c + 1;
    }
    ig_engine_finish(e, t);
    for (uint32_t c = 0; c < maxc; c++)
        if (clients[c].queries)
            printf("%u %llu %llu %s %u %s\n", c, (unsigned long long)clients[c].queries,
                   (unsigned long long)clients[c].first,
                   clients[c].analytic ? clients[c].analytic : "-", clients[c].findings,
                   clients[c].title ? clients[c].title : "-");
    ig_engine_free(e);
    ig_rules_free(rules);
    free(in);
    free(sc);
    free(lab);
    return 0;
}
