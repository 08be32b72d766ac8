/* leakage.system_prompt: a response that leaks the system prompt. Signals, any one fires:
 *   canary   - a canary string (params.canaries, planted by the operator in the system
 *              prompt) appears in the response (Rebuff's canary check);
 *   overlap  - the response shares >= min_overlap word n-grams (ngram words each, after
 *              normalisation) with a registered system prompt (params.system_prompts) or
 *              the request's own system prompt, or covers min_overlap_share of its n-grams;
 *              a prompt shorter than ngram words counts when it appears whole;
 *   answered - the request matched an extraction rule (sp_* scan: request) and the
 *              response matched a disclosure rule (scan: response).
 * Attempts that are not answered are prompt_injection.signature's job. */
#include <inferguard/detector.h>

#include "text/hsdb.h"
#include "text/inspect.h"
#include "text/normalise.h"
#include "text/validators.h"
#include "text/words.h"

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "leakage.system_prompt"
#define MAX_WORDS_HASHED 65536

struct sp_prompt {
    uint64_t *grams;              /* sorted n-gram hashes */
    size_t n;
    char *whole;                  /* normalised text, for prompts shorter than one n-gram */
    size_t whole_n;
};

struct sp_global {
    struct ig_hsdb *db;
    struct ig_hsdb_scratch *hs;
    const char *const *canaries;
    size_t ncanaries;
    struct sp_prompt *prompts;
    size_t nprompts;
    uint32_t ngram, min_overlap;
    double min_share;
    int sev;
    uint8_t key[16];
};

/* The rules block's params (rules/schema.md's table is generated from sp_params[]). */
struct sp_cfg {
    struct ig_strv canaries, prompts;
    uint32_t ngram, min_overlap;
    double min_share;
};

#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct sp_cfg, f), __VA_ARGS__ }
static const struct ig_param sp_params[] = {
    ROW("canaries", IG_PT_STRLIST, canaries, .help = "marker strings (≥ 8 characters) planted in system prompts"),
    ROW("system_prompts", IG_PT_STRLIST, prompts, .help = "registered system prompts"),
    ROW("ngram", IG_PT_U32, ngram, .def = 8, .min = 3, .max = 64, .help = "words per n-gram"),
    ROW("min_overlap", IG_PT_U32, min_overlap, .def = 3, .min = 1, .max = 1e6,
        .help = "shared n-grams that make a leak"),
    ROW("min_overlap_share", IG_PT_DOUBLE, min_share, .def = 0.5, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "or this share of the prompt's n-grams"),
    { 0 },
};
#undef ROW

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Word start offsets of normalised text t (single spaces), at most max; returns count. */
static size_t word_starts(const uint8_t *t, size_t n, size_t *at, size_t max)
{
    return ig_text_word_starts(t, n, at, max);   /* text/words.h: SIMD where it can */
}

#define GRAM_P 0x9e3779b97f4a7c15ull   /* odd multiplier of the rolling polynomial */

/* Hashes every n-gram of normalised t into out (room for nw): one hash per word, then a
 * rolling polynomial over g words, so each n-gram costs O(1). Returns the count. */
static size_t grams(const uint8_t *t, size_t n, const size_t *at, size_t nw, uint32_t g,
                    uint64_t *out)
{
    if (nw < g)
        return 0;
    ig_text_word_hashes(t, n, at, nw, out);   /* per word: FNV-1a, then a finaliser */
    uint64_t pg = 1, h = 0;   /* pg = P^(g-1) */
    for (uint32_t k = 0; k < g; k++) {
        h = h * GRAM_P + out[k];
        if (k)
            pg *= GRAM_P;
    }
    size_t m = nw - g + 1;
    for (size_t i = 0; i < m; i++) {
        uint64_t wi = out[i];
        out[i] = h;
        if (i + g < nw)
            h = (h - wi * pg) * GRAM_P + out[i + g];
    }
    return m;
}

static int build_prompt(struct sp_prompt *p, const char *s, uint32_t g)
{
    size_t n = strlen(s);
    uint8_t *buf = malloc(n + 1);
    size_t *at = malloc((n / 2 + 1) * sizeof *at);
    if (!buf || !at) {
        free(buf);
        free(at);
        return IG_ENOMEM;
    }
    size_t m = ig_text_normalise((const uint8_t *)s, n, buf, n, IG_NORM_WORDS);
    size_t nw = word_starts(buf, m, at, n / 2 + 1);
    p->grams = malloc((nw + 1) * sizeof *p->grams);
    if (!p->grams) {
        free(buf);
        free(at);
        return IG_ENOMEM;
    }
    p->n = grams(buf, m, at, nw, g, p->grams);
    qsort(p->grams, p->n, sizeof *p->grams, cmp_u64);
    buf[m] = 0;
    p->whole = (char *)buf;
    p->whole_n = nw >= 4 ? m : 0;     /* too short to be telling */
    free(at);
    return IG_OK;
}

static void sp_free(void *v)
{
    struct sp_global *g = v;
    if (!g)
        return;
    for (size_t i = 0; i < g->nprompts; i++) {
        free(g->prompts[i].grams);
        free(g->prompts[i].whole);
    }
    free(g->prompts);
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->db);
    free(g);
}

static int sp_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    const struct sp_cfg *c = env->params;
    struct sp_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    const char *const me[] = { NAME, NULL };
    int rc = ig_hsdb_build(env->patterns, r, me, "words", &g->db, err, errlen);
    if (rc != IG_OK)
        goto fail;
    if (ig_hsdb_rules(g->db) && ig_hsdb_scratch_fit(g->db, &g->hs) != IG_OK) {
        rc = IG_ENOMEM;
        snprintf(err, errlen, "out of memory for the pattern scratch");
        goto fail;
    }
    g->ngram = c->ngram;
    g->min_overlap = c->min_overlap;
    g->min_share = c->min_share;
    g->canaries = c->canaries.v;
    g->ncanaries = c->canaries.n;
    for (size_t i = 0; i < g->ncanaries; i++)
        if (strlen(g->canaries[i]) < 8) {
            char at[256];
            snprintf(err, errlen, "%s%s.canaries: '%s' is shorter than 8 characters",
                     ig_rules_param_where(r, NAME, "canaries", at, sizeof at), NAME, g->canaries[i]);
            rc = IG_ECONF;
            goto fail;
        }
    const char *const *sp = c->prompts.v;
    size_t nsp = c->prompts.n;
    if (nsp && !(g->prompts = calloc(nsp, sizeof *g->prompts))) {
        rc = IG_ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nsp; i++, g->nprompts++)
        if (build_prompt(&g->prompts[i], sp[i], g->ngram) != IG_OK) {
            rc = IG_ENOMEM;
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    g->sev = ig_rules_severity(r, NAME, IG_SEV_HIGH);
    if ((rc = ig_evidence_key(r, g->key, err, errlen)) != IG_OK)   /* leakage.secrets' */
        goto fail;
    *global = g;
    return IG_OK;
fail:
    sp_free(g);
    return rc;
}

static bool contains(const uint8_t *h, size_t hn, const void *nd, size_t nn)
{
    return nn && hn >= nn && memmem(h, hn, nd, nn) != NULL;
}

/* Shared n-grams between the response grams (unsorted) and a prompt's (sorted). */
static size_t shared(const uint64_t *resp, size_t nr, const uint64_t *pg, size_t np)
{
    size_t k = 0;
    for (size_t i = 0; i < nr; i++)
        if (np && bsearch(&resp[i], pg, np, sizeof *pg, cmp_u64))
            k++;
    return k;
}

/* The same count against unsorted grams through an open-addressing set in scratch (the
 * request's own system prompt changes per event; qsort would allocate). SIZE_MAX when
 * scratch is exhausted. */
static size_t shared_set(struct ig_scratch *sc, const uint64_t *resp, size_t nr,
                         const uint64_t *pg, size_t np)
{
    if (!np || !nr)
        return 0;
    size_t cap = 16;
    while (cap < 2 * np)
        cap <<= 1;
    uint64_t *set = ig_scratch_alloc(sc, cap * sizeof *set);
    if (!set)
        return SIZE_MAX;
    memset(set, 0, cap * sizeof *set);
    bool zero = false;   /* 0 marks an empty slot; a zero hash is kept aside */
    for (size_t i = 0; i < np; i++) {
        if (!pg[i]) {
            zero = true;
            continue;
        }
        size_t j = (size_t)(pg[i] * 0x9e3779b97f4a7c15ull >> 32) & (cap - 1);
        while (set[j] && set[j] != pg[i])
            j = (j + 1) & (cap - 1);
        set[j] = pg[i];
    }
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        if (!resp[i]) {
            k += zero;
            continue;
        }
        size_t j = (size_t)(resp[i] * 0x9e3779b97f4a7c15ull >> 32) & (cap - 1);
        while (set[j] && set[j] != resp[i])
            j = (j + 1) & (cap - 1);
        k += set[j] == resp[i];
    }
    return k;
}

struct sp_rules { const struct ig_rule *req, *resp; };

static int on_req(void *ctx, const struct ig_hsdb_match *m)
{
    ((struct sp_rules *)ctx)->req = m->rule;
    return 2;
}

static int on_resp(void *ctx, const struct ig_hsdb_match *m)
{
    ((struct sp_rules *)ctx)->resp = m->rule;
    return 2;
}

static int sp_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct sp_global *g = call->global;
    if (!ev->completion.n)
        return IG_OK;
    const char *canary = NULL;
    for (size_t i = 0; i < g->ncanaries && !canary; i++)
        if (contains(ev->completion.p, ev->completion.n, g->canaries[i], strlen(g->canaries[i])))
            canary = g->canaries[i];

    /* the response, normalised, as n-grams */
    size_t rn = IG_MIN(ev->completion.n, (size_t)MAX_WORDS_HASHED * 8);
    uint8_t *rb = ig_scratch_alloc(call->scratch, rn + 1);
    size_t *at = ig_scratch_alloc(call->scratch, (rn / 2 + 1) * sizeof *at);
    uint64_t *rg = ig_scratch_alloc(call->scratch, (rn / 2 + 1) * sizeof *rg);
    if (!rb || !at || !rg)
        return IG_ENOMEM;
    size_t rm = ig_text_normalise(ev->completion.p, rn, rb, rn, IG_NORM_WORDS);
    size_t nw = word_starts(rb, rm, at, rn / 2 + 1);
    size_t nrg = grams(rb, rm, at, nw, g->ngram, rg);

    size_t best = 0, best_total = 0;
    bool whole = false;
    for (size_t i = 0; i < g->nprompts; i++) {
        size_t k = shared(rg, nrg, g->prompts[i].grams, g->prompts[i].n);
        if (k > best || (k == best && !best_total)) {
            best = k;
            best_total = g->prompts[i].n;
        }
        if (!g->prompts[i].n && contains(rb, rm, g->prompts[i].whole, g->prompts[i].whole_n))
            whole = true;
    }
    if (ev->system_prompt.n) {
        size_t sn = IG_MIN(ev->system_prompt.n, (size_t)MAX_WORDS_HASHED * 8);
        uint8_t *sb = ig_scratch_alloc(call->scratch, sn + 1);
        size_t *sat = ig_scratch_alloc(call->scratch, (sn / 2 + 1) * sizeof *sat);
        uint64_t *sg = ig_scratch_alloc(call->scratch, (sn / 2 + 1) * sizeof *sg);
        if (!sb || !sat || !sg)
            return IG_ENOMEM;
        size_t sm = ig_text_normalise(ev->system_prompt.p, sn, sb, sn, IG_NORM_WORDS);
        size_t snw = word_starts(sb, sm, sat, sn / 2 + 1);
        size_t nsg = grams(sb, sm, sat, snw, g->ngram, sg);
        size_t k = shared_set(call->scratch, rg, nrg, sg, nsg);
        if (k == SIZE_MAX)
            return IG_ENOMEM;
        if (k > best) {
            best = k;
            best_total = nsg;
        }
        if (!nsg && snw >= 4 && contains(rb, rm, sb, sm))
            whole = true;
    }
    bool overlap = whole || best >= g->min_overlap ||
                   (best_total && (double)best / (double)best_total >= g->min_share);

    struct sp_rules sr = { 0 };
    if (ig_hsdb_rules(g->db) && ev->prompt.n) {
        /* the event's shared inspection buffer (built once for every detector) */
        const struct ig_insp_buf *pb = ig_inspect(call->scratch, ev, IG_INSP_PROMPT_WORDS);
        if (!pb)
            return IG_ENOMEM;
        ig_hsdb_scan(g->db, IG_SCAN_REQUEST, pb->p, pb->n, ev->model, ev->route, g->hs, on_req, &sr);
        if (sr.req)
            ig_hsdb_scan(g->db, IG_SCAN_RESPONSE, rb, rm, ev->model, ev->route, g->hs, on_resp, &sr);
    }
    bool answered = sr.req && sr.resp;
    if (!canary && !overlap && !answered)
        return IG_OK;

    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = canary ? "System prompt canary in response" : "System prompt leaked in response";
    f.desc = "The response reproduces the system prompt (canary, long overlap, or an answered "
             "extraction request).";
    f.remediation = "Treat the system prompt as public or filter outputs for it; rotate canaries "
                    "and any secrets it holds.";
    f.severity = (uint8_t)(canary ? IG_MAX(g->sev, IG_SEV_HIGH) : g->sev);
    f.confidence_id = canary || overlap ? 3 : 2;
    f.analytic_type = 1;
    f.queries_seen = call->client_queries;
    f.atlas[0] = "AML.T0056";
    f.atlas[1] = "AML.T0057";
    char masked[96];
    if (canary) {
        ig_text_mask(canary, strlen(canary), g->key, masked, sizeof masked);
        ig_finding_evidence(&f, "canary", masked);
    }
    ig_finding_rule(&f, 0);   /* the overlap and canaries are the detector's own */
    if (sr.req) {
        ig_finding_evidence(&f, "request_rule", sr.req->name);
        ig_finding_rule(&f, sr.req->throttle_us);
    }
    if (sr.resp) {
        ig_finding_evidence(&f, "response_rule", sr.resp->name);
        ig_finding_rule(&f, sr.resp->throttle_us);
    }
    ig_finding_score(&f, "shared_ngrams", (double)best);
    ig_finding_score(&f, "prompt_ngrams", (double)best_total);
    ig_finding_score(&f, "canary", canary != NULL);
    ig_finding_score(&f, "overlap", overlap);
    ig_finding_score(&f, "answered_extraction", answered);
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_leakage_system_prompt = {
    .name = NAME,
    .wants = IG_EV_TEXT,
    .init = sp_init,
    .observe = sp_observe,
    .free = sp_free,
    .params = sp_params,
    .params_size = sizeof(struct sp_cfg),
};
