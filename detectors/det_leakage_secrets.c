/* leakage.secrets and leakage.pii: credentials and personal data in model responses (and,
 * for rules with scan: both or request, in requests). All rules name leakage.secrets; those
 * tagged pii report as leakage.pii (configured in the same detector block). One Hyperscan pass per text over all
 * enabled rules of both detectors; validators confirm each candidate; evidence is masked
 * (first and last two characters, length, keyed SipHash). One finding per analytic per
 * event, listing each rule that hit. Rules: rules/leakage.yaml; params: rules/schema.md. */
#include <inferguard/detector.h>

#include "text/hsdb.h"
#include "text/validators.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "leakage.secrets"
#define NAME_PII "leakage.pii"
#define MAX_HITS 8

struct ls_global {
    struct ig_hsdb *db;
    struct ig_hsdb_scratch *hs;   /* one engine per worker, so one scratch per global */
    uint8_t key[16];
    size_t max_scan;
    int sev[2];                   /* detector severity: [0] secrets, [1] pii */
    bool pii;                     /* report rules tagged pii (as leakage.pii) */
    uint64_t truncated;           /* texts cut at max_scan_bytes */
};

/* The rules block's params (rules/schema.md's table is generated from ls_params[]). */
struct ls_cfg {
    double max_scan;
    bool pii;
    uint32_t pii_severity;        /* index in "info|low|medium|high|critical" */
};

#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct ls_cfg, f), __VA_ARGS__ }
static const struct ig_param ls_params[] = {
    { .name = "hash_key", .type = IG_PT_SECRET, .doc_default = "none shipped",
      .help = "keys the evidence hashes (also of `leakage.system_prompt` and `leakage.divergence`): from `hash_key_file` (path, first line), else `$INFERGUARD_EVIDENCE_KEY`, else random per process (one warning; same key = same hash across runs). A public key would let anyone reverse the hash of a short secret (SSN, card) by brute force" },
    ROW("max_scan_bytes", IG_PT_DOUBLE, max_scan, .def = 1 << 20, .min = 64, .max = 1u << 30,
        .help = "longer texts are scanned up to this size (counted)"),
    ROW("pii", IG_PT_BOOL, pii, .def = 1, .help = "report rules tagged `pii` (as `leakage.pii`)"),
    ROW("pii_severity", IG_PT_ENUM, pii_severity, .def = IG_SEV_MEDIUM - IG_SEV_INFO,
        .choices = "info|low|medium|high|critical", .help = "`leakage.pii` base severity"),
    { 0 },
};
#undef ROW

struct ls_hit {
    const struct ig_rule *rule;
    bool pii;
    uint32_t count;
    bool in_request;
    char masked[96];
};

struct ls_scan {
    const struct ls_global *g;
    const uint8_t *text;
    bool request;
    uint32_t n;
    struct ls_hit hit[MAX_HITS];
};

static int ls_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    const struct ls_cfg *c = env->params;
    struct ls_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    const char *const dets[] = { NAME, NULL };
    int rc = ig_hsdb_build(env->patterns, r, dets, "raw", &g->db, err, errlen);
    if (rc != IG_OK)
        goto fail;
    if (ig_hsdb_rules(g->db) && ig_hsdb_scratch_fit(g->db, &g->hs) != IG_OK) {
        snprintf(err, errlen, "out of memory for the pattern scratch");
        rc = IG_ENOMEM;
        goto fail;
    }
    if ((rc = ig_evidence_key(r, g->key, err, errlen)) != IG_OK)
        goto fail;
    g->max_scan = (size_t)c->max_scan;
    g->sev[0] = ig_rules_severity(r, NAME, IG_SEV_HIGH);
    g->pii = c->pii;
    g->sev[1] = IG_SEV_INFO + (int)c->pii_severity;
    *global = g;
    return IG_OK;
fail:
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->db);
    free(g);
    return rc;
}

static void ls_free(void *p)
{
    struct ls_global *g = p;
    if (!g)
        return;
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->db);
    free(g);
}

static int on_match(void *ctx, const struct ig_hsdb_match *m)
{
    struct ls_scan *s = ctx;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->hit[i].rule == m->rule) {
            s->hit[i].count++;
            return 0;
        }
    if (s->n == MAX_HITS)
        return 0;
    bool pii = false;
    for (uint32_t t = 0; t < m->rule->tags.n; t++)
        pii |= strcmp(m->rule->tags.v[t], "pii") == 0;
    if (pii && !s->g->pii)
        return 1;
    struct ls_hit *h = &s->hit[s->n++];
    h->rule = m->rule;
    h->pii = pii;
    h->count = 1;
    h->in_request = s->request;
    ig_text_mask((const char *)s->text + m->from, m->to - m->from, s->g->key, h->masked,
                 sizeof h->masked);
    return 0;
}

static void emit_family(const struct ig_call *call, const struct ig_event *ev,
                        const struct ls_scan *s, bool pii)
{
    const struct ls_global *g = call->global;
    struct ig_finding f;
    uint32_t rules = 0, total = 0;
    bool in_resp = false;
    int sev = 0;
    ig_finding_init(&f, pii ? NAME_PII : NAME, ev);
    for (uint32_t i = 0; i < s->n; i++) {
        const struct ls_hit *h = &s->hit[i];
        if (h->pii != pii)
            continue;
        rules++;
        total += h->count;
        in_resp |= !h->in_request;
        int rs = h->rule->severity ? h->rule->severity : g->sev[pii];
        sev = IG_MAX(sev, rs);
        ig_finding_evidence(&f, h->rule->name, h->masked);
        ig_finding_rule(&f, h->rule->throttle_us);
        for (uint32_t a = 0; a < h->rule->atlas.n; a++) {
            int k = 0;
            while (k < IG_FINDING_MAX_ATTACKS && f.atlas[k] && strcmp(f.atlas[k], h->rule->atlas.v[a]))
                k++;
            if (k < IG_FINDING_MAX_ATTACKS && !f.atlas[k])
                f.atlas[k] = h->rule->atlas.v[a];
        }
    }
    if (!rules)
        return;
    if (!f.atlas[0])
        f.atlas[0] = "AML.T0057";
    f.title = pii ? (in_resp ? "Personal data in model response" : "Personal data in request")
                  : (in_resp ? "Secret in model response" : "Secret in request");
    f.desc = pii ? "Text matching personal-data rules (validated) crossed the inference API."
                 : "A credential matching secret rules (validated) crossed the inference API.";
    f.remediation = pii ? "Filter PII from training data and responses; review the conversation."
                        : "Revoke the credential, find where the model learned or retrieved it, "
                          "and filter outputs.";
    f.severity = (uint8_t)sev;
    f.confidence_id = 3;          /* validators passed */
    f.analytic_type = 1;
    f.queries_seen = call->client_queries;
    ig_finding_score(&f, "rules", rules);
    ig_finding_score(&f, "matches", total);
    ig_emit_finding(call->emit, &f);
}

static int ls_observe(const struct ig_call *call, const struct ig_event *ev)
{
    struct ls_global *g = (struct ls_global *)call->global;
    if (!ig_hsdb_rules(g->db))
        return IG_OK;
    struct ls_scan s = { .g = g };
    const struct ig_span txt[2] = { ev->prompt, ev->completion };
    int rc = IG_OK;
    for (int i = 0; i < 2; i++) {
        if (!txt[i].n)
            continue;
        size_t n = txt[i].n;
        if (n > g->max_scan) {
            n = g->max_scan;
            g->truncated++;
        }
        s.text = txt[i].p;
        s.request = i == 0;
        if (ig_hsdb_scan(g->db, i ? IG_SCAN_RESPONSE : IG_SCAN_REQUEST, txt[i].p, n, ev->model,
                         ev->route, g->hs, on_match, &s) != IG_OK)
            rc = IG_EPARSE;
    }
    emit_family(call, ev, &s, false);
    emit_family(call, ev, &s, true);
    return rc;
}

const struct ig_detector ig_det_leakage_secrets = {
    .name = NAME,
    .wants = IG_EV_TEXT,
    .init = ls_init,
    .observe = ls_observe,
    .free = ls_free,
    .params = ls_params,
    .params_size = sizeof(struct ls_cfg),
};
