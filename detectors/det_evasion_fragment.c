/* evasion.fragment: IP fragments that overlap with other bytes, or that the protected host
 * discards (Linux: any partial overlap, RFC 5722), reassembled with defrag.policy. */
#include "evasion_transport.h"

#define NAME "evasion.fragment"

static const struct evasion_trick tricks[] = {
    { IG_EVA_FRAG_OVERLAP, "IP fragments overlapped with different bytes; they were resolved with the host's policy (defrag.policy)." },
    { IG_EVA_FRAG_DROPPED, "IP fragments the host discards were sent (overlap or contradicting lengths); nothing from them was used." },
};

static int ef_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    (void)env;
    return evt_init(r, NAME, global, err, errlen);
}

static int ef_observe(const struct ig_call *call, const struct ig_event *ev)
{
    evt_observe(call, ev, NAME, "IP fragmentation evasion attempt", IG_EVA_FRAG_OVERLAP | IG_EVA_FRAG_DROPPED,
                tricks, IG_ARRAY_LEN(tricks));
    return IG_OK;
}

const struct ig_detector ig_det_evasion_fragment = {
    .name = NAME,
    .wants = 0,
    .init = ef_init,
    .observe = ef_observe,
    .free = free,
};
