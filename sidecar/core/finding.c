/* Helpers detectors use to fill a struct ig_finding (include/inferguard/finding.h). */
#include <inferguard/finding.h>

#include <stddef.h>
#include <string.h>

/* ig_finding_each_string walks every pointer of struct ig_finding. A new field changes the
 * struct's size: these asserts then fail until the walk below handles it (a string left out
 * would dangle once a kept finding outlives the detector's call) and the numbers here are
 * updated. Layout of LP64 targets (x86-64, AArch64). */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct ig_finding) == 648,
               "struct ig_finding changed: walk its new strings in ig_finding_each_string, "
               "then update this size");
_Static_assert(offsetof(struct ig_finding, pods) == 232 && offsetof(struct ig_finding, evidence) == 520,
               "struct ig_finding changed: walk its new strings in ig_finding_each_string, "
               "then update these offsets");
#endif

void ig_finding_init(struct ig_finding *f, const char *analytic, const struct ig_event *ev)
{
    memset(f, 0, sizeof *f);
    f->analytic = analytic;
    f->severity = IG_SEV_MEDIUM;
    f->confidence_id = 2;
    f->analytic_type = 3;
    if (!ev)
        return;
    f->time_us = ev->req_time_us;
    f->id_kind = ev->id_kind;
    f->client_id = ev->client_id;
    f->id_basis = ev->id_basis;
    f->claimed_kind = ev->claimed_kind;
    f->claimed_id = ev->claimed_id;
    f->group_kind = ev->group_kind;
    f->group_id = ev->group_id;
    f->src = ev->src;
    f->dst = ev->dst;
    f->model = ev->model;
    f->model_version = ev->model_version;
    f->method = ev->method;
    f->route = ev->route;
}

void ig_finding_score(struct ig_finding *f, const char *key, double value)
{
    if (f->nscores < IG_FINDING_MAX_SCORES)
        f->scores[f->nscores++] = (struct ig_score){ key, value };
}

void ig_finding_evidence(struct ig_finding *f, const char *key, const char *value)
{
    if (f->nevidence < IG_FINDING_MAX_EVIDENCE)
        f->evidence[f->nevidence++] = (struct ig_evidence){ key, value };
}

void ig_finding_rule(struct ig_finding *f, uint64_t throttle_us)
{
    if (!throttle_us)
        f->throttle_detector = true;
    else if (!f->rule_throttle_us || throttle_us < f->rule_throttle_us)
        f->rule_throttle_us = throttle_us;
}

void ig_finding_each_string(struct ig_finding *f, void (*fn)(void *ctx, const char **s), void *ctx)
{
    fn(ctx, &f->analytic);
    fn(ctx, &f->title);
    fn(ctx, &f->desc);
    fn(ctx, &f->remediation);
    for (int i = 0; i < IG_FINDING_MAX_ATTACKS; i++)
        fn(ctx, &f->atlas[i]);
    fn(ctx, &f->client_id);
    fn(ctx, &f->claimed_id);
    fn(ctx, &f->group_id);
    fn(ctx, &f->group_sample);
    fn(ctx, &f->model);
    fn(ctx, &f->model_version);
    fn(ctx, &f->method);
    fn(ctx, &f->route);
    fn(ctx, &f->scope);
    fn(ctx, &f->pods);
    for (uint32_t i = 0, n = f->nscores < IG_FINDING_MAX_SCORES ? f->nscores : IG_FINDING_MAX_SCORES; i < n; i++)
        fn(ctx, &f->scores[i].key);
    for (uint32_t i = 0, n = f->nevidence < IG_FINDING_MAX_EVIDENCE ? f->nevidence : IG_FINDING_MAX_EVIDENCE;
         i < n; i++) {
        fn(ctx, &f->evidence[i].key);
        fn(ctx, &f->evidence[i].value);
    }
}
