/* libFuzzer target for the KServe v1 / TF Serving adapter.
 * Input: one byte choosing the route and status, then the request body, a NUL byte, and
 * the response body. Every tensor the event points to is read back in full. */

#include "fuzz_adapter.h"

extern const struct ig_adapter ig_ad_kserve_v1;

static const char *const paths[] = {
    "/v1/models/m:predict", "/v1/models/m/versions/7:classify",
    "/v1/models/m/labels/x:regress", "/v1/models/:predict",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct ig_scratch s;
    static int ready;
    if (!ready) {
        fuzz_adapter_init(&cfg, &s);
        ready = 1;
    }
    return fuzz_adapter_input(&ig_ad_kserve_v1, &cfg, &s, paths, false, data, size);
}
