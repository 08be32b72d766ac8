/* Header lookup on a paired transaction (include/inferguard/http.h). */
#include <inferguard/http.h>

#include <string.h>

/* ASCII case folding as strncasecmp does it in the C locale (letters only: '^' and '~',
 * both token characters, stay apart). */
static inline uint8_t fold(uint8_t c)
{
    return (unsigned)(c - 'A') < 26u ? (uint8_t)(c | 0x20) : c;
}

/* Identity, API-key and protocol checks look up a few names per transaction among a few
 * fields: an inline comparison, not a strncasecmp call per field of the right length. */
const struct ig_span *ig_http_header(const struct ig_http_txn *t, enum ig_flow_dir dir, const char *name)
{
    const struct ig_http_header *h = dir == IG_DIR_TO_SERVER ? t->req_headers : t->resp_headers;
    uint32_t n = dir == IG_DIR_TO_SERVER ? t->n_req_headers : t->n_resp_headers;
    size_t len = strlen(name);
    for (uint32_t i = 0; i < n; i++) {
        if (h[i].name.n != len)
            continue;
        const uint8_t *a = h[i].name.p;
        size_t k = 0;
        while (k < len && fold(a[k]) == fold((uint8_t)name[k]))
            k++;
        if (k == len)
            return &h[i].value;
    }
    return NULL;
}
