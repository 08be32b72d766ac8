/* Fuzzes the compiled-pattern cache file reader (detectors/text/hs_cache.c). Byte 0 picks
 * the mode: even = the rest is a cache file as a damaged disk or another process could
 * leave it, read for the key in its own bytes 8..23 (so the key check can pass); odd = the
 * same, but the harness first fixes the length and blob hash fields, so the blob reaches
 * Hyperscan's own checks (CRC, version, platform). Either way: a database or a refusal,
 * never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/hs_cache.h"
#include "text/validators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int fix = data[0] & 1;
    data++, size--;
    uint8_t *buf = malloc(size ? size : 1), key[16] = { 0 };
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    if (size >= 24)
        memcpy(key, buf + 8, 16);
    if (fix && size >= 40) {
        uint64_t len = size - 40, h = ig_siphash(key, buf + 40, size - 40);
        for (int i = 0; i < 8; i++) {
            buf[24 + i] = (uint8_t)(len >> (8 * i));
            buf[32 + i] = (uint8_t)(h >> (8 * i));
        }
    }
    hs_database_t *db = NULL;
    if (ig_hs_cache_parse(buf, size, key, &db) == 0) {
        hs_scratch_t *s = NULL;   /* a database that loads must be usable */
        if (hs_alloc_scratch(db, &s) == HS_SUCCESS)
            hs_free_scratch(s);
        hs_free_database(db);
    }
    free(buf);
    return 0;
}
