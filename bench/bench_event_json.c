/* The --events writer: MB/s of whole event JSON (ig_event_to_json with tensors: 4 rows x 64
 * input features and 4 x 10 scores per event); then the event's tensors alone written as
 * ig_event_to_json writes them (the float formatter written here, core/fmt_float.c, a row at a
 * time) against the same writer using the former printf form (smallest of "%.6g".."%.9g" that
 * strtof reads back, value by value) as the peer, in the same run (CPU time). Then a check: a random
 * sample of float32 bit patterns (10^8; 10^6 with IG_BENCH_QUICK) must each read back (strtof)
 * to the same bits; the count of mismatches is printed and the program fails on any. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapters/event_json.h"
#include "core/fmt_float.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* CPU time: the machine is shared */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The peer: the former ig_jsonw_f32 body, writing into the same buffer. */
static void printf_f32(struct ig_jsonw *w, float v)
{
    char b[32];
    int n = 0;
    for (int prec = 6; prec <= 9; prec++) {
        n = snprintf(b, sizeof b, "%.*g", prec, (double)v);
        if (strtof(b, NULL) == v)
            break;
    }
    ig_jsonw_raw(w, b, (size_t)n);
}

/* The event's tensors: ours as ig_event_to_json writes them (a row at a time, room reserved
 * once per row: ig_jsonw_f32_array), the peer value by value through the same writer. */
static void matrix(struct ig_jsonw *w, const float *v, uint32_t rows, uint32_t cols, bool peer)
{
    ig_jsonw_arr_open(w);
    for (uint32_t r = 0; r < rows; r++) {
        if (!peer) {
            ig_jsonw_f32_array(w, v + (size_t)r * cols, cols);
            continue;
        }
        ig_jsonw_arr_open(w);
        for (uint32_t c = 0; c < cols; c++)
            printf_f32(w, v[(size_t)r * cols + c]);
        ig_jsonw_arr_close(w);
    }
    ig_jsonw_arr_close(w);
}

int main(void)
{
    const char *quick = getenv("IG_BENCH_QUICK");
    bool q = quick && *quick && strcmp(quick, "0");
    enum { ROWS = 4, FEAT = 64, OUT = 10 };
    static float in[ROWS * FEAT], sc[ROWS * OUT];
    for (int i = 0; i < ROWS * FEAT; i++)       /* model inputs: standardised features */
        in[i] = (float)(((double)(xr() >> 11) / 9007199254740992.0 - 0.5) * 8.0);
    for (int r = 0; r < ROWS; r++) {            /* scores: a softmax row */
        double sum = 0, e[OUT];
        for (int c = 0; c < OUT; c++) { e[c] = exp((double)(xr() % 1000) / 200.0); sum += e[c]; }
        for (int c = 0; c < OUT; c++) sc[r * OUT + c] = (float)(e[c] / sum);
    }
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    strcpy(ev.model, "fraud-detector");
    strcpy(ev.client_id, "10.1.2.3");
    ev.flags = IG_EV_TENSOR | IG_EV_SCORES;
    ev.rows = ROWS; ev.features = FEAT; ev.outputs = OUT;
    ev.inputs = in; ev.scores = sc;
    ev.req_time_us = 1700000000000000ull;

    int events = q ? 20000 : 200000;
    struct ig_jsonw w;
    ig_jsonw_init(&w, 1 << 16);
    size_t bytes = 0;
    double t = now_s();
    for (int i = 0; i < events; i++) {
        ig_jsonw_reset(&w);
        ig_event_to_json(&ev, &w, true);
        bytes += w.len;
        in[i % (ROWS * FEAT)] += 1e-3f;   /* not the same floats every time */
    }
    t = now_s() - t;
    printf("ig_event_to_json         %8.1f MB/s  %7.0f events/s  %5zu bytes/event\n",
           (double)bytes / t / 1e6, events / t, bytes / (size_t)events);
    printf("RESULT metric=event_json_writer value=%.1f unit=MB/s better=higher\n", (double)bytes / t / 1e6);

    double mbs[2] = { 0, 0 };
    for (int peer = 0; peer < 2; peer++) {
        bytes = 0;
        t = now_s();
        for (int i = 0; i < events; i++) {
            ig_jsonw_reset(&w);
            ig_jsonw_obj_open(&w);
            ig_jsonw_key(&w, "inputs"); matrix(&w, in, ROWS, FEAT, peer);
            ig_jsonw_key(&w, "scores"); matrix(&w, sc, ROWS, OUT, peer);
            ig_jsonw_obj_close(&w);
            bytes += w.len;
            in[i % (ROWS * FEAT)] += 1e-3f;
        }
        t = now_s() - t;
        mbs[peer] = (double)bytes / t / 1e6;
        printf("tensors, %-16s %8.1f MB/s  %5zu bytes/event\n",
               peer ? "printf (peer)" : "ig_fmt_f32", mbs[peer], bytes / (size_t)events);
    }
    ig_jsonw_free(&w);
    printf("RESULT metric=event_tensor_json value=%.1f unit=MB/s peer=printf_shortest_g "
           "peer_value=%.1f better=higher\n", mbs[0], mbs[1]);

    /* floats alone: ns per float, same values */
    char b[IG_FMT_F32_MAX];
    size_t sink = 0;
    int nf = q ? 1000000 : 20000000;
    t = now_s();
    for (int i = 0; i < nf; i++)
        sink += ig_fmt_f32(b, in[i & (ROWS * FEAT - 1)] * (float)(1 + (i >> 8)));
    double ns = (now_s() - t) * 1e9 / nf;
    printf("ig_fmt_f32 %.1f ns/float (%zu bytes)\n", ns, sink);
    printf("RESULT metric=fmt_f32 value=%.1f unit=ns/float better=lower\n", ns);

    /* round trip over a random sample of bit patterns */
    unsigned long long n = q ? 1000000ull : 100000000ull, bad = 0, finite = 0;
    for (unsigned long long i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)(xr() >> 32);
        float v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        finite++;
        char s[IG_FMT_F32_MAX + 1];
        s[ig_fmt_f32(s, v)] = 0;
        float back = strtof(s, NULL);
        if (memcmp(&back, &v, sizeof v) != 0 && bad++ < 5)
            fprintf(stderr, "bench_event_json: %08x printed %s reads back differently\n", bits, s);
    }
    printf("round trip: %llu random finite float32 checked with strtof, %llu mismatches\n", finite, bad);
    printf("RESULT metric=fmt_f32_round_trip_mismatches_of_%llu value=%llu unit=floats better=lower\n",
           finite, bad);
    return bad ? 1 : 0;
}
