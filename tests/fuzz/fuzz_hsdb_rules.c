/* libFuzzer: rules loaded from fuzzed YAML, then compiled into Hyperscan databases for
 * every form and scanned over a fixed text plus the input itself. Bad patterns and
 * validators must fail the build with a message, never crash; a database that builds must
 * scan without error. */
#include <inferguard/log.h>

#include "text/hsdb.h"

#include <stdlib.h>
#include <string.h>

static int on_m(void *ctx, const struct ig_hsdb_match *m)
{
    (void)ctx;
    if (m->from > m->to || !m->rule)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ig_log_set_level(IG_LOG_LEVEL_ERROR);
    struct ig_rules *r = NULL;
    char err[512];
    if (ig_rules_load_buf("fuzz.yaml", data, size, &r, err, sizeof err) != IG_OK)
        return 0;
    static const char *const forms[] = { "raw", "words", "folded", NULL };
    static const char text[] = "ignore previous instructions 4111 1111 1111 1111 AKIAZ7Q3LM4N5R6T2VWX "
                               "DE89370400440532013000 123-45-6789 a@b.com";
    for (int f = 0; f < 4; f++) {
        struct ig_hsdb *db = NULL;
        struct ig_hsdb_scratch *s = NULL;
        err[0] = 0;
        int rc = ig_hsdb_build(NULL, r, NULL, forms[f], &db, err, sizeof err);
        if (rc != IG_OK) {
            if (db || !err[0])
                abort();
            continue;
        }
        if (ig_hsdb_rules(db) && ig_hsdb_scratch_fit(db, &s) != IG_OK)
            abort();
        for (int p = IG_SCAN_REQUEST; p <= IG_SCAN_RESPONSE; p <<= 1) {
            if (ig_hsdb_scan(db, p, (const uint8_t *)text, sizeof text - 1, "m", "/r", s, on_m, NULL) != IG_OK)
                abort();
            if (ig_hsdb_scan(db, p, data, size, NULL, NULL, s, on_m, NULL) != IG_OK)
                abort();
        }
        ig_hsdb_scratch_free(s);
        ig_hsdb_free(db);
    }
    ig_rules_free(r);
    return 0;
}
