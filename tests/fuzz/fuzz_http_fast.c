/* libFuzzer: the strict HTTP fast path against libhtp on the same generated, segmented
 * conversation (see http_fast_diff.h); any difference aborts. */
#include "http_fast_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (hfd_check(data, size, NULL))
        abort();
    return 0;
}
