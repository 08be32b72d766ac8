/* Helpers detectors use to fill a struct ig_finding (include/inferguard/finding.h). */
#include <inferguard/finding.h>

#include <string.h>

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
