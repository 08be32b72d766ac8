/* libFuzzer: the admission webhook's review handling on arbitrary bodies. Any input ends in
 * IG_OK with an AdmissionReview response or an error with a message, never a crash, leak or
 * hang; a response is one JSON object and carries a patch only when it says it does. */
#include "k8s/webhook.h"

#include <inferguard/base.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > IG_WEBHOOK_MAX_REVIEW)
        return 0;
    struct ig_inject_opts opts = { 0 };
    struct ig_jsonw out;
    ig_jsonw_init(&out, 1024);
    char err[256] = "";
    int patched = 0;
    int rc = ig_webhook_review((const char *)data, size, &opts, &out, &patched, err, sizeof err);
    if (rc != IG_OK && !err[0])
        abort();
    if (rc == IG_OK) {
        if (out.len < 2 || out.buf[0] != '{' || out.buf[out.len - 1] != '}')
            abort();
        bool has = memmem(out.buf, out.len, "\"patchType\":\"JSONPatch\"", 23) != NULL;
        if (has != (patched != 0))
            abort();
    }
    ig_jsonw_free(&out);
    return 0;
}
