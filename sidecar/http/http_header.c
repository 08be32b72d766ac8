/* Header lookup on a paired transaction (include/inferguard/http.h). */
#include <inferguard/http.h>

#include <strings.h>
#include <string.h>

const struct ig_span *ig_http_header(const struct ig_http_txn *t, enum ig_flow_dir dir, const char *name)
{
    const struct ig_http_header *h = dir == IG_DIR_TO_SERVER ? t->req_headers : t->resp_headers;
    uint32_t n = dir == IG_DIR_TO_SERVER ? t->n_req_headers : t->n_resp_headers;
    size_t len = strlen(name);
    for (uint32_t i = 0; i < n; i++)
        if (h[i].name.n == len && strncasecmp((const char *)h[i].name.p, name, len) == 0)
            return &h[i].value;
    return NULL;
}
