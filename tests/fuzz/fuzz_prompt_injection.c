/* libFuzzer: arbitrary prompt bytes through prompt_injection.signature, leakage.divergence
 * and leakage.system_prompt behind the engine: the shared inspection buffers (normalised
 * text, decoded Base64 runs and their offsets), turn splitting on role lines, the lexicon
 * tokeniser (quotes, CJK runs, sentence marks), the obfuscation variants (leetspeak,
 * letters spelled apart, ROT13, reversed) and payload-part joining. The first byte picks
 * a role prefix so the turn and tool-result paths are reached. */
#include <inferguard/detector.h>
#include <inferguard/config.h>

#include "engine.h"

#include <stdlib.h>
#include <string.h>

extern const struct ig_detector ig_det_prompt_injection_signature, ig_det_leakage_divergence, ig_det_leakage_system_prompt;

static void sink(void *ctx, const struct ig_finding *f)
{
    (void)ctx;
    (void)f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_engine *e;
    static uint64_t t = 1767225600000000ull;
    if (!e) {
        struct ig_config cfg;
        ig_config_defaults(&cfg);
        static struct ig_emit emit = { sink, NULL };
        static const struct ig_detector *const list[] = { &ig_det_prompt_injection_signature, &ig_det_leakage_divergence,
                                                          &ig_det_leakage_system_prompt, NULL };
        char err[256];
        e = ig_engine_new_with(&cfg, NULL, NULL, &emit, list, err, sizeof err);
        if (!e)
            abort();
    }
    if (size < 1)
        return 0;
    static const char *const prefix[] = { "", "user: ", "tool: ", "user: hi\nassistant: ok\nuser: " };
    const char *pre = prefix[data[0] & 3];
    size_t pn = strlen(pre), n = size - 1;
    uint8_t *p = malloc(pn + n + 1);
    if (!p)
        abort();
    memcpy(p, pre, pn);
    memcpy(p + pn, data + 1, n);
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    memcpy(ev.client_id, "fuzz", 5);
    memcpy(ev.model, "chat", 5);
    ev.protocol = IG_PROTO_OPENAI_CHAT;
    ev.req_time_us = t += 1000;
    ev.resp_time_us = t + 500;
    ev.flags = IG_EV_TEXT;
    ev.prompt = (struct ig_span){ p, pn + n };
    ev.completion = (struct ig_span){ data + 1, n };
    ev.system_prompt = (struct ig_span){ data + 1, n / 2 };
    ig_engine_observe(e, &ev);
    free(p);
    return 0;
}
