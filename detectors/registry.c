/* The only list of detectors. Order = call order for each event.
 * To add a detector: one line "X(name) \" below, for the symbol ig_det_<name> it exports
 * from det_<name>.c, <name> being the analytic it emits (family_detector for family.detector;
 * leakage.secrets also emits leakage.pii; test_hygiene checks symbol and file agree). Disable one at run time with "- detector: NAME /
 * enabled: false" in rules, not here. det_template.c is deliberately not listed (a skeleton
 * to copy). */
#include <inferguard/detector.h>

#define IG_REGISTRY(X) \
    X(abuse_rate) \
    X(extraction_prada) \
    X(adversarial_fingerprint) \
    X(adversarial_boundary) \
    X(leakage_secrets) \
    X(prompt_injection_signature) \
    X(leakage_divergence) \
    X(leakage_system_prompt) \
    X(abuse_volume) \
    X(extraction_coverage) \
    X(extraction_transfer) \
    X(leakage_scores) \
    X(evasion_http) \
    X(evasion_payload) \
    X(identity_spoofing) \
    X(abuse_identity_rotation) \
    X(evasion_stream) \
    X(evasion_fragment) \
    X(evasion_overload) \
    X(drift_features)   /* last: sees this event's findings from the others (flagged clients) */ \
    /* end of list: add lines above this one */

#define IG_DECLARE(n) extern const struct ig_detector ig_det_##n;
#define IG_ENTRY(n) &ig_det_##n,

IG_REGISTRY(IG_DECLARE)

const struct ig_detector *const ig_detectors[] = {
    IG_REGISTRY(IG_ENTRY)
    NULL,
};
