/* Header lookup on a paired transaction (include/inferguard/http.h). */
#include <inferguard/http.h>

#include <strings.h>
#include <string.h>

const struct ig_span *ig_http_header(const struct ig_http_txn *t, int dir, const char *name)
{
    const struct ig_http_header *h = dir == 0 ? t->req_headers : t->resp_headers;
    uint32_t n = dir == 0 ? t->n_req_headers : t->n_resp_headers;
    size_t len = strlen(name);
    for (uint32_t i = 0; i < n; i++)
        if (h[i].name.n == len && strncasecmp((const char *)h[i].name.p, name, len) == 0)
            return &h[i].value;
    return NULL;
}
