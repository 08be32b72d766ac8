/* libFuzzer target: drift reference profile files (msgpack). Any input must decode to
 * profiles or to an error sentence, never crash or leak. */
#include <stdint.h>
#include <stdlib.h>

#include "drift/drift.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ig_drift_profile **p = NULL;
    uint32_t n = 0;
    char err[256];
    if (ig_drift_profiles_decode(data, size, &p, &n, err, sizeof err) == IG_OK) {
        for (uint32_t i = 0; i < n; i++)
            ig_drift_profile_free(p[i]);
        free(p);
    }
    return 0;
}
