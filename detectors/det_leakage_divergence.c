/* leakage.divergence: the repeat-a-token-forever attack (Nasr et al. 2023). Signals:
 *   request  - a div_* pattern rule (asks for endless repetition; rules/llm_abuse.yaml) or
 *              one token repeated min_request_run times in a row;
 *   response - one token repeated min_response_run times in a row, then at least
 *              min_tail_bytes of other text whose character entropy exceeds the run's by
 *              entropy_jump bits: the model diverged. The tail is scanned with the
 *              leakage.secrets rules; hits raise severity and are listed, masked.
 * A request signal alone is a low-severity attempt; a diverged response is the finding. */
#include <inferguard/detector.h>

#include "text/hsdb.h"
#include "text/inspect.h"
#include "text/normalise.h"
#include "text/runs.h"
#include "text/validators.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "leakage.divergence"

struct dv_global {
    struct ig_hsdb *req_db, *leak_db;
    struct ig_hsdb_scratch *hs;
    uint32_t min_req_run, min_resp_run, min_tail;
    double jump;
    int sev;
    uint8_t key[16];
};

/* The rules block's params (rules/schema.md's table is generated from dv_params[]). */
struct dv_cfg {
    uint32_t min_req_run, min_resp_run, min_tail;
    double jump;
};

#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct dv_cfg, f), __VA_ARGS__ }
static const struct ig_param dv_params[] = {
    ROW("min_request_run", IG_PT_U32, min_req_run, .def = 20, .min = 2, .max = 1e6,
        .help = "repeated tokens in a request"),
    ROW("min_response_run", IG_PT_U32, min_resp_run, .def = 30, .min = 2, .max = 1e6,
        .help = "repeated tokens in a response"),
    ROW("min_tail_bytes", IG_PT_U32, min_tail, .def = 40, .min = 1, .max = 1e6,
        .help = "text after the run"),
    ROW("entropy_jump", IG_PT_DOUBLE, jump, .def = 1.0, .min = 0, .max = 8,
        .help = "bits/char the tail must exceed the run by"),
    { 0 },
};
#undef ROW

static int dv_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct dv_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    const char *const me[] = { NAME, NULL }, *const leak[] = { "leakage.secrets", NULL };
    int rc;
    if ((rc = ig_hsdb_build(env->patterns, r, me, "words", &g->req_db, err, errlen)) != IG_OK ||
        (rc = ig_hsdb_build(env->patterns, r, leak, "raw", &g->leak_db, err, errlen)) != IG_OK)
        goto fail;
    if ((ig_hsdb_rules(g->req_db) && ig_hsdb_scratch_fit(g->req_db, &g->hs) != IG_OK) ||
        (ig_hsdb_rules(g->leak_db) && ig_hsdb_scratch_fit(g->leak_db, &g->hs) != IG_OK)) {
        snprintf(err, errlen, "out of memory for the pattern scratch");
        rc = IG_ENOMEM;
        goto fail;
    }
    const struct dv_cfg *c = env->params;
    g->min_req_run = c->min_req_run;
    g->min_resp_run = c->min_resp_run;
    g->min_tail = c->min_tail;
    g->jump = c->jump;
    g->sev = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    if ((rc = ig_evidence_key(r, g->key, err, errlen)) != IG_OK)   /* leakage.secrets' */
        goto fail;
    *global = g;
    return IG_OK;
fail:
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->req_db);
    ig_hsdb_free(g->leak_db);
    free(g);
    return rc;
}

static void dv_free(void *p)
{
    struct dv_global *g = p;
    if (!g)
        return;
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->req_db);
    ig_hsdb_free(g->leak_db);
    free(g);
}

static int on_req(void *ctx, const struct ig_hsdb_match *m)
{
    *(const struct ig_rule **)ctx = m->rule;
    return 2;
}

struct tail_hits {
    uint32_t n;
    const struct ig_rule *rule;
    char masked[96];
    const uint8_t *text;
    const uint8_t *key;
};

static int on_leak(void *ctx, const struct ig_hsdb_match *m)
{
    struct tail_hits *h = ctx;
    if (h->n++ == 0) {
        h->rule = m->rule;
        ig_text_mask((const char *)h->text + m->from, m->to - m->from, h->key, h->masked,
                     sizeof h->masked);
    }
    return 1;
}

static int dv_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct dv_global *g = call->global;
    const struct ig_rule *req_rule = NULL;
    struct ig_text_run rq = { 0 }, rs = { 0 };
    if (ev->prompt.n) {
        /* the event's shared inspection buffer (built once for every detector) */
        const struct ig_insp_buf *b = ig_inspect(call->scratch, ev, IG_INSP_PROMPT_WORDS);
        if (!b)
            return IG_ENOMEM;
        ig_hsdb_scan(g->req_db, IG_SCAN_REQUEST, b->p, b->n, ev->model, ev->route, g->hs, on_req, &req_rule);
        rq = ig_text_longest_run(ev->prompt.p, ev->prompt.n);
    }
    bool req_sig = req_rule || rq.count >= g->min_req_run;
    bool diverged = false;
    double h_run = 0, h_tail = 0;
    size_t tail_at = 0, tail_n = 0;
    struct tail_hits th = { .text = ev->completion.p, .key = g->key };
    if (ev->completion.n) {
        rs = ig_text_longest_run(ev->completion.p, ev->completion.n);
        if (rs.count >= g->min_resp_run) {
            tail_at = rs.end;
            tail_n = ev->completion.n - rs.end;
            const char *t = (const char *)ev->completion.p;
            h_run = ig_entropy(t + rs.start, rs.end - rs.start);
            h_tail = ig_entropy(t + tail_at, tail_n);
            diverged = tail_n >= g->min_tail && h_tail - h_run >= g->jump;
            /* only the tail: hits elsewhere are leakage.secrets' business */
            th.text = ev->completion.p + tail_at;
            if (diverged)
                ig_hsdb_scan(g->leak_db, IG_SCAN_RESPONSE, th.text, tail_n, ev->model,
                             ev->route, g->hs, on_leak, &th);
        }
    }
    if (!req_sig && !diverged)
        return IG_OK;
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = diverged ? "Model diverged after a repeated-token run" : "Divergence attack attempt";
    f.desc = diverged ? "The response repeats one token many times and then switches to other "
                        "text, the signature of training-data extraction by divergence."
                      : "The request asks the model to repeat a token endlessly or carries a "
                        "long single-token run.";
    f.remediation = "Cap repetition and output length, and filter responses for memorised data.";
    f.severity = (uint8_t)(th.n ? IG_MAX(g->sev, IG_SEV_HIGH) : diverged ? g->sev : IG_SEV_LOW);
    f.confidence_id = diverged ? 3 : 2;
    f.analytic_type = 1;
    f.queries_seen = call->client_queries;
    f.atlas[0] = "AML.T0057";
    if (th.n)
        f.atlas[1] = "AML.T0055";
    ig_finding_rule(&f, 0);   /* the runs and the divergence are the detector's own */
    if (req_rule) {
        ig_finding_evidence(&f, "request_rule", req_rule->name);
        ig_finding_rule(&f, req_rule->throttle_us);
    }
    if (th.n) {
        ig_finding_evidence(&f, th.rule->name, th.masked);
        ig_finding_rule(&f, th.rule->throttle_us);
    }
    ig_finding_score(&f, "request_run", rq.count);
    ig_finding_score(&f, "response_run", rs.count);
    if (diverged) {
        ig_finding_score(&f, "run_entropy", h_run);
        ig_finding_score(&f, "tail_entropy", h_tail);
        ig_finding_score(&f, "tail_bytes", (double)tail_n);
    }
    ig_finding_score(&f, "tail_leaks", th.n);
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_leakage_divergence = {
    .name = NAME,
    .wants = IG_EV_TEXT,
    .init = dv_init,
    .observe = dv_observe,
    .free = dv_free,
    .params = dv_params,
    .params_size = sizeof(struct dv_cfg),
};
