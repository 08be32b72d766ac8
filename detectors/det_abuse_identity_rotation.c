/* abuse.identity_rotation: one stable source (TCP peer outside a mesh, the forwarded address
 * or workload behind a proxy) carried identity.rotation.threshold or more distinct
 * identities in identity.rotation.window, at most max_queries_per_identity queries each:
 * identities minted to shed per-client detection and quotas. Runs on the principal group's
 * stream (the engine's source view says whether the source rotates); raised when it starts
 * and again at most once per window while it lasts. */
#include <inferguard/detector.h>

#include <stdio.h>

#define NAME_ROTATION "abuse.identity_rotation"

struct rot_client {
    uint64_t last_fire_us;
    uint64_t fired_at_identities;
};

static int rot_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct ig_source_view *v = call->source;
    struct rot_client *c = call->client;
    if (!v || !call->group || !v->rotating)
        return IG_OK;
    uint64_t t = ev->req_time_us;
    if (c->last_fire_us && t < c->last_fire_us + v->window_us &&
        v->identities < 2 * c->fired_at_identities)
        return IG_OK;   /* once per window, unless the rotation doubled since */
    c->last_fire_us = t ? t : 1;
    c->fired_at_identities = v->identities;

    struct ig_finding f;
    char window[32];
    ig_finding_init(&f, NAME_ROTATION, ev);
    f.title = "Client identities rotated from one source";
    f.desc = "One source sent requests under many distinct identities (API keys, tokens, "
             "forwarded addresses), few queries each: identities minted to evade per-client "
             "detection and quotas. The source's whole stream is also analysed as one client.";
    f.remediation = "Rate-limit and authenticate per source as well as per key; revoke the "
                    "keys or tokens; require verified JWTs (identity.jwt.jwks_file).";
    f.severity = IG_SEV_HIGH;
    f.confidence_id = v->queries <= v->identities * 2 ? 3 : 2;
    f.analytic_type = 3;
    f.atlas[0] = "AML.T0040";
    f.atlas[1] = "AML.T0034";
    f.queries_seen = call->client_queries;
    ig_finding_score(&f, "identities", (double)v->identities);
    ig_finding_score(&f, "queries", (double)v->queries);
    ig_finding_score(&f, "queries_per_identity", (double)v->queries / (double)v->identities);
    ig_finding_score(&f, "deferred_identities", (double)v->deferred);
    snprintf(window, sizeof window, "%llus", (unsigned long long)(v->window_us / 1000000u));
    ig_finding_evidence(&f, "window", window);
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_abuse_identity_rotation = {
    .name = NAME_ROTATION,
    .wants = 0,
    .scope = IG_SCOPE_GROUP,
    .client_size = sizeof(struct rot_client),
    .observe = rot_observe,
};
