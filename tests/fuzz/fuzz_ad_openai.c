/* libFuzzer target for the OpenAI-style adapter (JSON and SSE).
 * Input: one byte choosing the route, status and (bit 6) an event-stream response, then
 * the request body, a NUL byte, and the response body. Every tensor the event points to is read back in full.
 * Each input is decoded twice, with and without the stream chunk template
 * (ig_ad_openai_chunk_template), and the two events must agree. */

#include <stdio.h>

#include "fuzz_adapter.h"

extern const struct ig_adapter ig_ad_openai;

static const char *const paths[] = {
    "/v1/chat/completions", "/v1/completions", "/v1/embeddings",
    "/openai/deployments/d/chat/completions",
};

/* What the first decode gave, to compare the second with. */
static struct {
    int rc;
    uint32_t flags, prompt_tokens, completion_tokens, rows;
    char model[sizeof ((struct ig_event *)0)->model], why[128];
    uint8_t *completion;
    size_t completion_n;
} first;

static void keep(const struct ig_event *ev, int rc, const char *reason)
{
    first.rc = rc;
    first.flags = ev->flags;
    first.prompt_tokens = ev->prompt_tokens;
    first.completion_tokens = ev->completion_tokens;
    first.rows = ev->rows;
    memcpy(first.model, ev->model, sizeof first.model);
    snprintf(first.why, sizeof first.why, "%s", rc < 0 ? reason : ev->malformed_reason ? ev->malformed_reason : "");
    free(first.completion);
    first.completion = malloc(ev->completion.n + 1);
    memcpy(first.completion, ev->completion.p ? (const void *)ev->completion.p : "", ev->completion.n);
    first.completion_n = ev->completion.n;
}

static void compare(const struct ig_event *ev, int rc, const char *reason)
{
    char why[sizeof first.why];
    snprintf(why, sizeof why, "%s", rc < 0 ? reason : ev->malformed_reason ? ev->malformed_reason : "");
    if (rc != first.rc || ev->flags != first.flags || ev->prompt_tokens != first.prompt_tokens ||
        ev->completion_tokens != first.completion_tokens || ev->rows != first.rows ||
        memcmp(ev->model, first.model, sizeof first.model) != 0 || strcmp(why, first.why) != 0 ||
        ev->completion.n != first.completion_n ||
        (first.completion_n && memcmp(ev->completion.p, first.completion, first.completion_n) != 0))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct ig_scratch s;
    static int ready;
    if (!ready) {
        fuzz_adapter_init(&cfg, &s);
        ready = 1;
    }
    ig_ad_openai_chunk_template = false;
    fuzz_adapter_input_ex(&ig_ad_openai, &cfg, &s, paths, true, data, size, keep);
    ig_ad_openai_chunk_template = true;
    return fuzz_adapter_input_ex(&ig_ad_openai, &cfg, &s, paths, true, data, size, compare);
}
