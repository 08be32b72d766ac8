/* libFuzzer target for the generic JSON adapter (configured routes, dot paths).
 * Input: one byte choosing the route and status, then the request body, a NUL byte, and
 * the response body. Every tensor the event points to is read back in full. */
#include <string.h>

#include "fuzz_adapter.h"

extern const struct ig_adapter ig_ad_generic;

static const char *const paths[] = {
    "/a", "/b/x", "/c", "/d",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct ig_scratch s;
    static int ready;
    if (!ready) {
        fuzz_adapter_init(&cfg, &s);
        static const char *const r[][5] = {
            { "/a", "data.features", "result.probabilities", "", "auto" },
            { "/b", "rows[].x", "preds[].p", "preds[].cls", "logits" },
            { "/c", "inputs[1].data", "score", "", "probabilities" },
            { "/d", "[]", "", "classes", "auto" },
        };
        for (int i = 0; i < 4; i++) {
            struct ig_generic_route *g = &cfg.generic_routes[i];
            strcpy(g->route_prefix, r[i][0]);
            strcpy(g->features_path, r[i][1]);
            strcpy(g->scores_path, r[i][2]);
            strcpy(g->label_path, r[i][3]);
            strcpy(g->scores_kind, r[i][4]);
        }
        cfg.n_generic_routes = 4;
        ready = 1;
    }
    return fuzz_adapter_input(&ig_ad_generic, &cfg, &s, paths, false, data, size);
}
