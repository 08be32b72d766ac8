/* evasion.stream: TCP tricks against a passive sensor that the flow stage resolved as
 * Linux does: overlapping segments with other bytes (kept: the copy the server kept), a
 * RST/FIN/SYN the server ignores (RFC 5961, RFC 793 window check) followed by more data,
 * and bad-checksum decoy segments. */
#include "evasion_transport.h"

#define NAME "evasion.stream"

static const struct evasion_trick tricks[] = {
    { IG_EVA_STREAM_OVERLAP, "TCP data overlapped bytes already received with other bytes; the server's copy was inspected." },
    { IG_EVA_STREAM_CONTROL, "A RST, FIN or SYN the server's stack ignores was sent, then more data; the connection was followed as the server did." },
    { IG_EVA_STREAM_CSUM, "A segment with a bad checksum (which the server drops) carried other bytes; it was ignored." },
};

static int es_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    (void)env;
    return evt_init(r, NAME, global, err, errlen);
}

static int es_observe(const struct ig_call *call, const struct ig_event *ev)
{
    evt_observe(call, ev, NAME, "TCP stream evasion attempt",
                IG_EVA_STREAM_OVERLAP | IG_EVA_STREAM_CONTROL | IG_EVA_STREAM_CSUM, tricks, IG_ARRAY_LEN(tricks));
    return IG_OK;
}

const struct ig_detector ig_det_evasion_stream = {
    .name = NAME,
    .wants = 0,
    .init = es_init,
    .observe = es_observe,
    .free = free,
};
