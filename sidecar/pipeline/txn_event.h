/* One HTTP transaction an adapter understands -> its inference event, and the deep copy of a
 * transaction that lets another thread do that later (two workers: the parsing thread hands
 * the decoding to the detection thread while it is the busier one, detect_thread.c). The
 * event depends on the transaction, the configuration and the identity settings only, so
 * it is the same whichever thread builds it. */
#ifndef IG_PIPELINE_TXN_EVENT_H
#define IG_PIPELINE_TXN_EVENT_H

#include <inferguard/adapter.h>
#include <inferguard/event.h>
#include <inferguard/http.h>

#include "identity/identity.h"
#include "pipeline/counters.h"
#include "pipeline/drop_reasons.h"

/* What decoding made of a transaction, for the parsing side's counters. */
struct ig_txn_outcome {
    const char *malformed;        /* the drop reason when the event is malformed, else NULL */
    bool raw_inspected;           /* an undecodable body's strings were kept for the text detectors */
    enum ig_protocol protocol;    /* the event's (an adapter may refine its own) */
};

/* What decoding needs besides the transaction: all read-only but the scratch. */
struct ig_txn_decoder {
    const struct ig_config *cfg;
    const struct ig_identity_cfg *identity;
    struct ig_scratch *scratch;   /* tensors and texts; the caller resets it per transaction */
};

/* What the transaction's connection carries into its event (flow/). */
struct ig_txn_flow {
    uint32_t evasion;             /* transport tricks seen on it so far */
    const char *note;             /* their evidence, or NULL */
    bool midstream;               /* picked up without its handshake */
};

/* Builds <ev> from <t> with adapter <ad> (ig_adapter_select's) and its connection's marks. */
void ig_txn_event(const struct ig_txn_decoder *dc, const struct ig_adapter *ad,
                  const struct ig_http_txn *t, const struct ig_txn_flow *fl,
                  struct ig_event *ev, struct ig_txn_outcome *out);
/* Counts <o> into the parsing side's counters: <by_proto>[IG_PROTO__COUNT], malformed and
 * raw-inspected events, drop reasons (the event itself is counted by the caller). */
void ig_txn_count(const struct ig_txn_outcome *o, struct ig_parse_stats *ps, uint64_t *by_proto,
                  struct ig_drop_reasons *drops);

/* Bytes ig_txn_copy needs for what <t> points to (strings, headers, bodies). */
size_t ig_txn_bytes(const struct ig_http_txn *t);
/* Copies <t> into <dst> and what it points to into <data> (16-byte aligned, ig_txn_bytes(t)
 * bytes), so the copy outlives the HTTP stage's buffers. */
void ig_txn_copy(struct ig_http_txn *dst, const struct ig_http_txn *t, void *data);

#endif
