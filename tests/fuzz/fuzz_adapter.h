/* The JSON adapters' fuzz harness (fuzz_ad_kserve_v1.c, fuzz_ad_openai.c, fuzz_ad_generic.c).
 * Input: one byte choosing the route (bits 0-1), the status (bit 7: 500, else 200) and, where
 * the target allows it, an event-stream response (bit 6); then the request body, a NUL byte,
 * and the response body. Every tensor and text the event points to is read back in full. */
#ifndef IG_FUZZ_ADAPTER_H
#define IG_FUZZ_ADAPTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/ad_common.h"

/* Reads everything the event points to, so a bad pointer or size shows up under ASan. */
static void fuzz_check_event(const struct ig_event *ev)
{
    volatile float fs = 0;
    volatile int32_t ls = 0;
    volatile uint8_t bs = 0;
    if (ev->inputs)
        for (size_t i = 0; i < (size_t)ev->rows * ev->features; i++) fs += ev->inputs[i];
    if (ev->scores)
        for (size_t i = 0; i < (size_t)ev->rows * ev->outputs; i++) fs += ev->scores[i];
    if (ev->labels)
        for (size_t i = 0; i < ev->rows; i++) ls += ev->labels[i];
    for (size_t i = 0; i < ev->prompt.n; i++) bs ^= ev->prompt.p[i];
    for (size_t i = 0; i < ev->completion.n; i++) bs ^= ev->completion.p[i];
    for (size_t i = 0; i < ev->system_prompt.n; i++) bs ^= ev->system_prompt.p[i];
    if (memchr(ev->model, 0, sizeof ev->model) == NULL ||
        memchr(ev->model_version, 0, sizeof ev->model_version) == NULL)
        __builtin_trap();
    if ((ev->flags & IG_EV_MALFORMED) && !ev->malformed_reason)
        __builtin_trap();
    (void)fs, (void)ls, (void)bs;
}

/* The harness's configuration (defaults, 64 Ki values) and a 32 MiB scratch arena. */
static void fuzz_adapter_init(struct ig_config *cfg, struct ig_scratch *s)
{
    ig_config_defaults(cfg);
    cfg->max_values = 1 << 16;
    ig_scratch_init(s, 1 << 16, 32 << 20);
}

/* Called with each decoded event before the scratch is reset (rc: decode's return). */
typedef void (*fuzz_adapter_after_fn)(const struct ig_event *ev, int rc, const char *reason);

static int fuzz_adapter_input_ex(const struct ig_adapter *ad, const struct ig_config *cfg,
                                 struct ig_scratch *s, const char *const paths[4], bool sse,
                                 const uint8_t *data, size_t size, fuzz_adapter_after_fn after);

/* One input through <ad>'s decode on one of <paths> (4 routes). */
static inline int fuzz_adapter_input(const struct ig_adapter *ad, const struct ig_config *cfg,
                                     struct ig_scratch *s, const char *const paths[4], bool sse,
                                     const uint8_t *data, size_t size)
{
    return fuzz_adapter_input_ex(ad, cfg, s, paths, sse, data, size, NULL);
}

static int fuzz_adapter_input_ex(const struct ig_adapter *ad, const struct ig_config *cfg,
                                 struct ig_scratch *s, const char *const paths[4], bool sse,
                                 const uint8_t *data, size_t size, fuzz_adapter_after_fn after)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    data++, size--;
    const uint8_t *nul = memchr(data, 0, size);
    size_t rn = nul ? (size_t)(nul - data) : size;
    struct ig_http_txn t = { 0 };
    const char *path = paths[sel % 4];
    t.method = (struct ig_span){ (const uint8_t *)"POST", 4 };
    t.path = (struct ig_span){ (const uint8_t *)path, strlen(path) };
    /* Bodies are copied so that reads past their end are caught. */
    uint8_t *req = malloc(rn ? rn : 1), *resp = NULL;
    memcpy(req, data, rn);
    t.req_body = (struct ig_span){ req, rn };
    if (nul) {
        size_t pn = size - rn - 1;
        resp = malloc(pn ? pn : 1);
        memcpy(resp, nul + 1, pn);
        t.resp_body = (struct ig_span){ resp, pn };
        t.status = (sel & 0x80) ? 500 : 200;
    }
    struct ig_http_header ct = { { (const uint8_t *)"content-type", 12 },
                                 { (const uint8_t *)"text/event-stream", 17 } };
    if (sse && (sel & 0x40)) {
        t.resp_headers = &ct;
        t.n_resp_headers = 1;
    }
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    const char *reason = NULL;
    struct ig_decode_ctx ctx = { .cfg = cfg, .scratch = s };
    int rc = ad->decode(&ctx, &t, &ev, &reason);
    if (rc < 0) {
        if (!reason)
            __builtin_trap();
    } else {
        fuzz_check_event(&ev);
    }
    if (after)
        after(&ev, rc, reason);
    ig_scratch_reset(s);
    free(req);
    free(resp);
    return 0;
}

#endif
