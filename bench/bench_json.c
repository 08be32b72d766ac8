/* JSON tensor decoding speed: parse + decode to float32 with adapters/json.h.
 * Cases: (a) one array of 1M floats, (b) 10,000 OIP v2 requests of 64 floats each.
 * One line per case: MB/s of JSON text and floats/s. `bench_json --dump DIR` also writes
 * the payloads (float_array_1M.json, oip_64x10000.jsonl) for the simdjson / cJSON peers
 * in bench/peers/, which print the same line format on the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapters/json.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
/* Model-input-like values: roughly uniform in (-4, 4), printed round-trip ("%.9g"). */
static int put_float(char *b)
{
    float f = (float)(((double)(xr() >> 11) / 9007199254740992.0 - 0.5) * 8.0);
    return sprintf(b, "%.9g", f);
}

/* Thread CPU time, as the peers (bench/peers) measure: other load on the machine slows
 * neither side. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *make_array(size_t n, size_t *len)
{
    char *b = malloc(n * 20 + 16);
    size_t k = 0;
    b[k++] = '[';
    for (size_t i = 0; i < n; i++) {
        if (i)
            b[k++] = ',';
        k += (size_t)put_float(b + k);
    }
    b[k++] = ']';
    b[k] = 0;
    *len = k;
    return b;
}

/* Requests one per line (newline-separated) so the peers can split them the same way. */
static char *make_requests(size_t nreq, size_t per, size_t *len)
{
    char *b = malloc(nreq * (per * 20 + 160));
    size_t k = 0;
    for (size_t r = 0; r < nreq; r++) {
        k += (size_t)sprintf(b + k, "{\"id\":\"%zu\",\"inputs\":[{\"name\":\"input-0\",\"shape\":[1,%zu],"
                             "\"datatype\":\"FP32\",\"data\":[", r, per);
        for (size_t i = 0; i < per; i++) {
            if (i)
                b[k++] = ',';
            k += (size_t)put_float(b + k);
        }
        k += (size_t)sprintf(b + k, "]}]}\n");
    }
    b[k] = 0;
    *len = k;
    return b;
}

static void report(const char *name, size_t bytes, size_t floats, double secs, int iters)
{
    double mb = (double)bytes * iters / secs / 1e6;
    double fps = (double)floats * iters / secs;
    printf("case=%-22s impl=inferguard   MB/s=%8.1f  floats/s=%11.0f  ns/float=%6.2f\n",
           name, mb, fps, 1e9 / fps);
}

int main(int argc, char **argv)
{
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, NULL);
    struct ig_scratch s;
    ig_scratch_init(&s, 1 << 20, (size_t)1 << 30);
    const size_t NA = 1000000, NREQ = 10000, PER = 64;
    size_t alen, rlen;
    char *arr = make_array(NA, &alen);
    char *reqs = make_requests(NREQ, PER, &rlen);
    float *out = malloc(NA * sizeof *out);
    volatile float sink = 0;

    if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/float_array_1M.json", argv[2]);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(arr, 1, alen, f) != alen)
            return 1;
        fclose(f);
        snprintf(path, sizeof path, "%s/oip_64x10000.jsonl", argv[2]);
        f = fopen(path, "wb");
        if (!f || fwrite(reqs, 1, rlen, f) != rlen)
            return 1;
        fclose(f);
    }

    /* (a) 1M floats; IG_BENCH_QUICK=1 (bench/run.sh --quick): best of 2, not 10 */
    const char *quick = getenv("IG_BENCH_QUICK");
    int iters = quick && *quick && strcmp(quick, "0") ? 2 : 10;
    double best = 1e9;
    for (int it = 0; it < iters; it++) {
        double t0 = now_s();
        const struct ig_json *root;
        const char *why;
        size_t n;
        if (ig_json_parse((const uint8_t *)arr, alen, &lim, &s, &root, &why) < 0 ||
            ig_json_f32_array(root, out, NA, &n, &why) < 0 || n != NA) {
            fprintf(stderr, "bench_json: decode failed: %s\n", why);
            return 1;
        }
        sink += out[n - 1];
        ig_scratch_reset(&s);
        double dt = now_s() - t0;
        best = dt < best ? dt : best;
    }
    report("float_array_1M", alen, NA, best, 1);

    /* (b) 10,000 requests of 64 floats: parse, find inputs[0].data, decode. The lines are
     * split before the clock starts, as the simdjson peer splits them (bench/peers). */
    size_t *line_at = malloc(NREQ * sizeof *line_at), *line_n = malloc(NREQ * sizeof *line_n);
    size_t nlines = 0;
    for (const char *p = reqs, *end = reqs + rlen; p < end && nlines < NREQ; nlines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        line_at[nlines] = (size_t)(p - reqs);
        line_n[nlines] = (size_t)(nl - p);
        p = nl + 1;
    }
    best = 1e9;
    for (int it = 0; it < iters; it++) {
        double t0 = now_s();
        size_t done = 0;
        for (size_t l = 0; l < nlines; l++) {
            const char *p = reqs + line_at[l];
            const struct ig_json *root, *data;
            const char *why;
            size_t n;
            if (ig_json_parse((const uint8_t *)p, line_n[l], &lim, &s, &root, &why) < 0)
                return 1;
            data = ig_json_get(ig_json_first(ig_json_get(root, "inputs")), "data");
            if (ig_json_f32_array(data, out, PER, &n, &why) < 0 || n != PER)
                return 1;
            sink += out[0];
            ig_scratch_reset(&s);
            done++;
        }
        double dt = now_s() - t0;
        best = dt < best ? dt : best;
        if (done != NREQ)
            return 1;
    }
    report("oip_64floats_x10000", rlen, NREQ * PER, best, 1);
    (void)sink;
    free(line_at);
    free(line_n);
    free(arr);
    free(reqs);
    free(out);
    ig_scratch_free(&s);
    return 0;
}
