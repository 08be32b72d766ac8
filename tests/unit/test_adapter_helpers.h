/* What the JSON adapters' unit tests (test_ad_kserve_v1, test_ad_openai, test_ad_generic)
 * share: the configuration, a scratch arena, and one POST transaction at a time. */
#ifndef IG_TEST_ADAPTER_HELPERS_H
#define IG_TEST_ADAPTER_HELPERS_H

#include <string.h>

#include "adapters/ad_common.h"

static struct ig_config cfg;
static struct ig_scratch scratch;
static struct ig_http_txn txn;
static struct ig_event ev;
static const char *reason;

static struct ig_span sp(const char *s) { return (struct ig_span){ (const uint8_t *)s, strlen(s) }; }

/* cfg's defaults (a test may add to them before its setup returns) and the arena. */
static int adapter_setup(void)
{
    ig_config_defaults(&cfg);
    return ig_scratch_init(&scratch, 1 << 16, 64 << 20);
}

static int teardown(void **state)
{
    (void)state;
    ig_scratch_free(&scratch);
    return 0;
}

/* txn := POST <path> with body <req> and, when resp != NULL, a 200 answer <resp>; ev, the
 * arena and reason emptied. */
static void post(const char *path, const char *req, const char *resp)
{
    ig_scratch_reset(&scratch);
    memset(&txn, 0, sizeof txn);
    memset(&ev, 0, sizeof ev);
    txn.method = sp("POST");
    txn.path = sp(path);
    txn.req_body = sp(req);
    if (resp) {
        txn.status = 200;
        txn.resp_body = sp(resp);
    }
    reason = NULL;
}

#endif
