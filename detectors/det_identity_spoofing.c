/* identity.spoofing: a request from a peer outside identity.trusted_proxies carried an
 * x-forwarded-client-cert header, i.e. claimed a mesh workload's identity that only the
 * mesh proxy may assert. The finding names the peer (the identity we keyed on) and the
 * claimed workload. One per event; the findings stage throttles repeats per source.
 * (abuse.identity_rotation, the other finding about who a client is, is
 * det_abuse_identity_rotation.c.) */
#include <inferguard/detector.h>

#define NAME_SPOOFING "identity.spoofing"

static int spoof_observe(const struct ig_call *call, const struct ig_event *ev)
{
    if (!(ev->id_flags & IG_IDF_MESH_SPOOF))
        return IG_OK;
    struct ig_finding f;
    ig_finding_init(&f, NAME_SPOOFING, ev);
    f.title = "Mesh identity presented by a peer outside the mesh";
    f.desc = "A request from a peer that is not a trusted proxy carried an "
             "x-forwarded-client-cert header claiming a mesh workload's identity. The claim "
             "was not believed: the client is identified by its own address.";
    f.remediation = "Only the mesh proxy may reach the model server: enforce mTLS (Istio "
                    "PeerAuthentication STRICT) or a NetworkPolicy; check "
                    "identity.trusted_proxies if the peer is a legitimate proxy.";
    f.severity = IG_SEV_HIGH;
    f.confidence_id = 3;
    f.analytic_type = 1;
    f.atlas[0] = "AML.T0040";
    f.queries_seen = call->client_queries;
    ig_finding_evidence(&f, "claimed_identity", ev->claimed_id[0] ? ev->claimed_id : "xfcc");
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_identity_spoofing = {
    .name = NAME_SPOOFING,
    .wants = 0,
    .scope = IG_SCOPE_CLIENT,
    .observe = spoof_observe,
};
