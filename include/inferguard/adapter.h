/* inferguard: payload adapters turn an HTTP transaction into an inference event.
 * One table in sidecar/adapters/adapters.c; the adapter with the highest probe score
 * decodes. Design note: bodies arrive complete (the HTTP stage buffers them up to the
 * configured caps), so adapters decode in one call instead of resuming per segment. */
#ifndef INFERGUARD_ADAPTER_H
#define INFERGUARD_ADAPTER_H

#include <inferguard/http.h>
#include <inferguard/config.h>

/* Everything an adapter may use while decoding one transaction. */
struct ig_decode_ctx {
    const struct ig_config *cfg;   /* limits: adapters.* */
    struct ig_scratch *scratch;    /* tensors and text go here; reset per transaction */
    uint32_t *evasion;             /* may be NULL; parsing ORs enum ig_evasion_flags in */
};

struct ig_adapter {
    const char *name;              /* "oip_v2" */
    enum ig_protocol protocol;
    /* Reads only method, path and headers (and ctx->cfg: configured routes); returns
     * 0..100; never allocates. */
    int (*probe)(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t);
    /* Fills model, version, tensors, labels, text of <ev> (endpoints, times, status and
     * identity are already set). Returns IG_OK, or a negative status with *reason set to a
     * static string; the caller then counts the drop or flags the event as malformed. */
    int (*decode)(const struct ig_decode_ctx *ctx, const struct ig_http_txn *t,
                  struct ig_event *ev, const char **reason);
};

/* NULL-terminated table, highest priority first (sidecar/adapters/adapters.c). */
extern const struct ig_adapter *const ig_adapters[];

/* Picks the best adapter for <t> under <ctx>, or NULL when none scores above 0. */
const struct ig_adapter *ig_adapter_select(const struct ig_decode_ctx *ctx,
                                           const struct ig_http_txn *t);

#endif
