/* libFuzzer: bytes -> one OIP v2 transaction. Layout: byte 0 selects binary headers
 * (bit 0 request, bit 1 response) and a status; the rest is split at the first 0xff
 * byte into request and response bodies; with binary headers the JSON header length is
 * taken from bytes 1-2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/adapter.h>
#include "adapters/event_json.h"

extern const struct ig_adapter ig_ad_oip_v2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_scratch s;
    static struct ig_config cfg;
    static struct ig_jsonw w;
    static bool init;
    if (!init) {
        ig_scratch_init(&s, 1 << 16, 1 << 24);
        ig_config_defaults(&cfg);
        cfg.max_values = 100000;
        ig_jsonw_init(&w, 1 << 12);
        init = true;
    }
    if (size < 3)
        return 0;
    uint8_t mode = data[0];
    size_t hlen = (size_t)data[1] | ((size_t)data[2] << 8);
    data += 3;
    size -= 3;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    uint8_t *sep = memchr(copy, 0xff, size);
    size_t nreq = sep ? (size_t)(sep - copy) : size;
    struct ig_http_txn t = {0};
    t.method = (struct ig_span){ (const uint8_t *)"POST", 4 };
    t.path = (struct ig_span){ (const uint8_t *)"/v2/models/fz/versions/1/infer", 30 };
    t.req_body = (struct ig_span){ copy, nreq };
    t.resp_body = sep ? (struct ig_span){ sep + 1, size - nreq - 1 } : (struct ig_span){ copy, 0 };
    t.status = (mode & 4) ? 200 : (mode & 8) ? 400 : 0;
    char len1[24], len2[24];
    snprintf(len1, sizeof len1, "%zu", hlen % (nreq + 2));
    snprintf(len2, sizeof len2, "%zu", hlen % (t.resp_body.n + 2));
    struct ig_http_header hq = { { (const uint8_t *)"Inference-Header-Content-Length", 31 },
                                 { (const uint8_t *)len1, strlen(len1) } };
    struct ig_http_header hr = { { (const uint8_t *)"Inference-Header-Content-Length", 31 },
                                 { (const uint8_t *)len2, strlen(len2) } };
    t.req_headers = &hq;
    t.n_req_headers = (mode & 1) ? 1 : 0;
    t.resp_headers = &hr;
    t.n_resp_headers = (mode & 2) ? 1 : 0;

    struct ig_event ev = {0};
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &s };
    const char *why = NULL;
    if (ig_ad_oip_v2.probe(&ctx, &t) > 0 && ig_ad_oip_v2.decode(&ctx, &t, &ev, &why) == IG_OK) {
        /* what the adapter claims must be readable in full */
        ig_jsonw_reset(&w);
        ig_event_to_json(&ev, &w, true);
    }
    ig_scratch_reset(&s);
    free(copy);
    return 0;
}
