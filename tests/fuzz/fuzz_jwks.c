/* libFuzzer target for the JWK Set parser and the JWT checker.
 * Input: a JWKS document, optionally followed by "\n--\n" and a compact token that is
 * checked against the parsed set (signature, claims). Nothing may crash or leak; a set
 * that parses has at least one key. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "identity/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 4 <= size; i++)
        if (memcmp(data + i, "\n--\n", 4) == 0) {
            sep = data + i;
            break;
        }
    size_t jn = sep ? (size_t)(sep - data) : size;
    /* Private copies so that reads past the end are caught. */
    uint8_t *j = malloc(jn ? jn : 1);
    memcpy(j, data, jn);
    char err[256];
    struct ig_jwks *ks = ig_jwks_parse(j, jn, err, sizeof err);
    if (ks && ig_jwks_count(ks) == 0)
        __builtin_trap();
    if (sep) {
        size_t tn = size - jn - 4;
        uint8_t *t = malloc(tn ? tn : 1);
        memcpy(t, sep + 4, tn);
        struct ig_jwt_policy pol;
        memset(&pol, 0, sizeof pol);
        strcpy(pol.audiences[0], "models");
        pol.n_audiences = (uint32_t)(size & 1);
        pol.leeway_us = 60000000;
        char id[IG_JWT_ID_MAX];
        size_t idn = 0;
        enum ig_jwt_status st = ig_jwt_check(ks, &pol, (struct ig_span){ t, tn },
                                             1700000000000000ull, id, sizeof id, &idn);
        if (st != IG_JWT_NOT_JWT && (idn == 0 || idn >= sizeof id || strlen(id) > idn))
            __builtin_trap();
        free(t);
    }
    ig_jwks_free(ks);
    free(j);
    return 0;
}
