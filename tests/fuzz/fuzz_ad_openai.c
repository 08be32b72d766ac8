/* libFuzzer target for the OpenAI-style adapter (JSON and SSE).
 * Input: one byte choosing the route, status and (bit 6) an event-stream response, then
 * the request body, a NUL byte, and the response body. Every tensor the event points to is read back in full. */

#include "fuzz_adapter.h"

extern const struct ig_adapter ig_ad_openai;

static const char *const paths[] = {
    "/v1/chat/completions", "/v1/completions", "/v1/embeddings",
    "/openai/deployments/d/chat/completions",
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
    return fuzz_adapter_input(&ig_ad_openai, &cfg, &s, paths, true, data, size);
}
