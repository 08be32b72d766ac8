/* Decoding cost on bodies an attacker shapes to make the sensor work: µs per KB of body
 * through the KServe v1 adapter (JSON parse, duplicate-key index, instances decoding) for
 * each shape, beside the same adapter on an ordinary request of similar size. Every shape
 * must stay linear: a quadratic path (the old O(keys^2) instances matching) shows as a
 * ratio growing with the body size, so each shape is measured at 256 KB and 4 MB and the
 * 4 MB / 256 KB cost per KB is printed too (about 1 when linear).
 * RESULT lines: metric=<shape>_us_per_kb (peer: the ordinary request), <shape>_growth. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapters/ad_common.h"

extern const struct ig_adapter ig_ad_kserve_v1;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct buf { char *p; size_t n, cap; };

static void put(struct buf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->n + l + 1 > b->cap) {
        b->cap = (b->n + l + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            exit(1);
    }
    memcpy(b->p + b->n, s, l + 1);
    b->n += l;
}

/* Bodies of about <target> bytes. */
static void make(const char *shape, size_t target, struct buf *b)
{
    char tmp[128];
    b->n = 0;
    if (strcmp(shape, "ordinary") == 0) {            /* instances of 16 named floats */
        put(b, "{\"instances\":[");
        for (size_t i = 0; b->n < target; i++) {
            put(b, i ? ",{" : "{");
            for (int k = 0; k < 16; k++) {
                snprintf(tmp, sizeof tmp, "%s\"f%d\":%d.%03d", k ? "," : "", k, (int)(i % 7), (int)(i * 31 % 1000));
                put(b, tmp);
            }
            put(b, "}");
        }
        put(b, "]}");
    } else if (strcmp(shape, "many_keys") == 0) {   /* one instance with distinct keys */
        put(b, "{\"instances\":[{");
        for (size_t i = 0; b->n < target; i++) {
            snprintf(tmp, sizeof tmp, "%s\"k%zu\":1", i ? "," : "", i);
            put(b, tmp);
        }
        put(b, "}]}");
    } else if (strcmp(shape, "instances_key_shuffle") == 0) {   /* each instance's keys in another order */
        put(b, "{\"instances\":[");
        for (size_t i = 0; b->n < target; i++) {
            put(b, i ? ",{" : "{");
            for (int k = 0; k < 64; k++) {
                snprintf(tmp, sizeof tmp, "%s\"f%d\":1", k ? "," : "", (int)((k * 37 + i * 11) % 64));
                put(b, tmp);
            }
            put(b, "}");
        }
        put(b, "]}");
    } else if (strcmp(shape, "duplicate_keys") == 0) {  /* the same key again and again */
        put(b, "{\"instances\":[{\"x\":1");
        while (b->n < target)
            put(b, ",\"x\":2");
        put(b, "}]}");
    } else if (strcmp(shape, "deep_nesting") == 0) {    /* arrays nested up to the depth limit, repeated */
        put(b, "{\"instances\":[");
        for (size_t i = 0; b->n < target; i++) {
            put(b, i ? "," : "");
            for (int d = 0; d < 60; d++)
                put(b, "[");
            put(b, "1");
            for (int d = 0; d < 60; d++)
                put(b, "]");
        }
        put(b, "]}");
    } else if (strcmp(shape, "long_string") == 0) {     /* one string of escapes */
        put(b, "{\"instances\":[\"");
        while (b->n < target)
            put(b, "\\u0041\\n\\\"ab");
        put(b, "\"]}");
    } else {                                              /* nonfinite: NaN everywhere */
        put(b, "{\"instances\":[[");
        for (size_t i = 0; b->n < target; i++)
            put(b, i ? ",NaN" : "NaN");
        put(b, "]]}");
    }
}

/* µs per KB, best of <reps> (CPU noise only adds). */
static double cost(const struct buf *b, struct ig_config *cfg, struct ig_scratch *s, int reps)
{
    struct ig_http_txn t = { 0 };
    const char *path = "/v1/models/m:predict";
    t.method = (struct ig_span){ (const uint8_t *)"POST", 4 };
    t.path = (struct ig_span){ (const uint8_t *)path, strlen(path) };
    t.req_body = (struct ig_span){ (const uint8_t *)b->p, b->n };
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        struct ig_event ev;
        memset(&ev, 0, sizeof ev);
        const char *reason = NULL;
        struct ig_decode_ctx ctx = { .cfg = cfg, .scratch = s };
        double t0 = now_s();
        (void)ig_ad_kserve_v1.decode(&ctx, &t, &ev, &reason);
        double el = now_s() - t0;
        ig_scratch_reset(s);
        if (el < best)
            best = el;
    }
    return best * 1e6 / ((double)b->n / 1024.0);
}

int main(void)
{
    static const char *const shapes[] = { "many_keys", "instances_key_shuffle", "duplicate_keys",
                                          "deep_nesting", "long_string", "nonfinite" };
    bool quick = getenv("IG_BENCH_QUICK") && strcmp(getenv("IG_BENCH_QUICK"), "1") == 0;
    int reps = quick ? 2 : 7;
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    cfg.max_values = 1u << 24;
    cfg.max_features = 1u << 24;
    struct ig_scratch s;
    if (ig_scratch_init(&s, 1 << 20, 1u << 30) != IG_OK)
        return 1;
    struct buf b = { 0 };
    make("ordinary", 4u << 20, &b);
    double base = cost(&b, &cfg, &s, reps);
    printf("RESULT metric=ordinary_us_per_kb value=%.3f unit=us/KB better=lower\n", base);
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        make(shapes[i], 256u << 10, &b);
        double small = cost(&b, &cfg, &s, reps);
        make(shapes[i], 4u << 20, &b);
        double big = cost(&b, &cfg, &s, reps);
        printf("RESULT metric=%s_us_per_kb value=%.3f unit=us/KB peer=ordinary_request peer_value=%.3f "
               "better=lower\n", shapes[i], big, base);
        printf("RESULT metric=%s_growth_4MB_vs_256KB value=%.2f unit=x better=lower\n", shapes[i],
               big / small);
    }
    free(b.p);
    ig_scratch_free(&s);
    return 0;
}
