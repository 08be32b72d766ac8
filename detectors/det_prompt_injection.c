/* prompt_injection.signature: prompt-injection and jailbreak signatures in requests.
 * The prompt is normalised (normalise.h: NFKC subset, zero-width removal, look-alike
 * folding, lower case, whitespace; Base64 runs decoded and appended) and then:
 *   - the override grammar (Rebuff's heuristic) runs as a small automaton over the words:
 *     an imperative verb, then within a few words optional "all", a qualifier and an
 *     object, optionally "and start over"; score 0.5 + 0.5 * parts / 5 as Rebuff does;
 *     a phrase scoring >= 0.75 adds grammar_weight, a weaker one weak_grammar_weight;
 *   - pattern rules (rules/prompt_injection.yaml) run in one Hyperscan pass per form
 *     ("words": punctuation as spaces; "folded": punctuation kept, for fake delimiters),
 *     each adding its weight once.
 * A request fires when the sum reaches threshold, so one weak phrase is not an alert.
 * When the plain text (no folding, no Base64) would not have fired, the finding adds
 * AML.T0068 (prompt obfuscation). When the content of a tool/function message fires on its
 * own, the injection is indirect: AML.T0051.001 instead of .000. */
#include <inferguard/detector.h>

#include "text/hsdb.h"
#include "text/normalise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "prompt_injection.signature"
#define MAX_RULES 16

struct pi_global {
    struct ig_hsdb *db[2];              /* [0] words, [1] folded */
    struct ig_hsdb_scratch *hs;         /* one engine per worker: one scratch per global */
    double threshold, grammar_w, weak_w;
    size_t max_scan;
    int sev;
};

struct pi_hits {
    uint32_t n;
    const struct ig_rule *rule[MAX_RULES];
};

struct pi_grammar {
    double score;                       /* Rebuff-style, 0 when nothing matched */
    size_t at, len;                     /* phrase in the words text */
};

static int pi_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct pi_global *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    const char *const dets[] = { NAME, NULL };
    static const char *const forms[2] = { "words", "folded" };
    int rc;
    for (int i = 0; i < 2; i++) {
        if ((rc = ig_hsdb_build(env->patterns, r, dets, forms[i], &g->db[i], err, errlen)) != IG_OK)
            goto fail;
        if (ig_hsdb_rules(g->db[i]) && ig_hsdb_scratch_fit(g->db[i], &g->hs) != IG_OK) {
            snprintf(err, errlen, "out of memory for the pattern scratch");
            rc = IG_ENOMEM;
            goto fail;
        }
    }
    g->threshold = ig_rules_num(r, NAME, "threshold", 1.0);
    g->grammar_w = ig_rules_num(r, NAME, "grammar_weight", 1.0);
    g->weak_w = ig_rules_num(r, NAME, "weak_grammar_weight", 0.4);
    double ms = ig_rules_num(r, NAME, "max_scan_bytes", 65536);
    if (!(g->threshold > 0 && g->threshold <= 100) || !(g->grammar_w >= 0 && g->grammar_w <= 100) ||
        !(g->weak_w >= 0 && g->weak_w <= 100) || !(ms >= 64 && ms <= (1u << 26))) {
        snprintf(err, errlen, "threshold must be in (0,100], weights in [0,100], "
                              "max_scan_bytes in [64, 2^26]");
        rc = IG_ECONF;
        goto fail;
    }
    g->max_scan = (size_t)ms;
    g->sev = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    *global = g;
    return IG_OK;
fail:
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->db[0]);
    ig_hsdb_free(g->db[1]);
    free(g);
    return rc;
}

static void pi_free(void *p)
{
    struct pi_global *g = p;
    if (!g)
        return;
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->db[0]);
    ig_hsdb_free(g->db[1]);
    free(g);
}

/* ---- the override grammar ---- */

static bool word_in(const uint8_t *w, size_t n, const char *const *set)
{
    for (; *set; set++)
        if (strlen(*set) == n && !memcmp(*set, w, n))
            return true;
    return false;
}

static const char *const verbs[] = { "ignore", "disregard", "skip", "forget", "neglect",
    "overlook", "omit", "bypass", "override", "discard", NULL };
/* multi-word verbs, matched as word sequences */
static const char *const verbs2[] = { "pay no attention to", "do not follow", "do not obey",
    "dont follow", "dont obey", "stop following", NULL };
/* a subject before the verb makes it a statement, not an order */
static const char *const subjects[] = { "i", "we", "they", "he", "she", "it", "people",
    "users", "someone", "somebody", "who", "which", "to", "never", "not", "dont", "didnt",
    "cannot", "cant", "wont", "shouldnt", "attackers", "hackers", "might", "may", NULL };
static const char *const fillers[] = { "the", "your", "my", "of", "these", "those", "that",
    "this", "what", "you", "were", "was", "been", "given", "told", "to", "me", "its", "our",
    "their", "said", "just", NULL };
static const char *const alls[] = { "all", "any", "every", "everything", "each", NULL };
static const char *const quals[] = { "prior", "previous", "preceding", "above", "foregoing",
    "earlier", "initial", "original", "system", "former", "old", "existing", "current",
    "default", NULL };
static const char *const objects[] = { "instruction", "instructions", "directive",
    "directives", "command", "commands", "content", "text", "context", "conversation",
    "input", "inputs", "data", "message", "messages", "communication", "response",
    "responses", "request", "requests", "rules", "guidelines", "prompt", "prompts",
    "guidance", "orders", "restrictions", "policies", "programming", NULL };

struct tok { size_t at, n; };

/* Words of the normalised text (single spaces between them), at most <max>. */
static size_t tokenise(const uint8_t *t, size_t n, struct tok *out, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        while (i < n && (t[i] == ' ' || t[i] == '\n'))
            i++;
        size_t s = i;
        while (i < n && t[i] != ' ' && t[i] != '\n')
            i++;
        if (i > s)
            out[k++] = (struct tok){ s, i - s };
    }
    return k;
}

static bool tok_is(const uint8_t *t, const struct tok *w, const char *s)
{
    return strlen(s) == w->n && !memcmp(t + w->at, s, w->n);
}

/* Length in words of a verb starting at word i, 0 if none. */
static size_t verb_at(const uint8_t *t, const struct tok *w, size_t i, size_t nw)
{
    if (word_in(t + w[i].at, w[i].n, verbs))
        return 1;
    for (const char *const *v = verbs2; *v; v++) {
        const char *p = *v;
        size_t k = 0;
        while (*p && i + k < nw) {
            const char *sp = strchr(p, ' ');
            size_t len = sp ? (size_t)(sp - p) : strlen(p);
            if (w[i + k].n != len || memcmp(t + w[i + k].at, p, len))
                break;
            k++;
            p += len + (sp ? 1 : 0);
            if (!sp) {
                p = "";
                break;
            }
        }
        if (!*p)
            return k;
    }
    return 0;
}

static struct pi_grammar grammar(const uint8_t *t, size_t n, struct tok *w, size_t maxw)
{
    struct pi_grammar best = { 0, 0, 0 };
    size_t nw = tokenise(t, n, w, maxw);
    for (size_t i = 0; i < nw; i++) {
        size_t vl = verb_at(t, w, i, nw);
        if (!vl)
            continue;
        if (i > 0 && word_in(t + w[i - 1].at, w[i - 1].n, subjects))
            continue;
        int parts = 1;
        bool all = false, qual = false, obj = false;
        size_t j = i + vl, end = i + vl;
        for (size_t skipped = 0; j < nw && skipped <= 4; j++) {
            const uint8_t *x = t + w[j].at;
            size_t xn = w[j].n;
            if (!obj && word_in(x, xn, objects)) {
                obj = true;
                end = j + 1;
                break;
            } else if (!qual && word_in(x, xn, quals)) {
                qual = true;
                end = j + 1;
            } else if (!all && word_in(x, xn, alls)) {
                all = true;
                end = j + 1;
            } else if (word_in(x, xn, fillers))
                skipped++;
            else
                break;
        }
        if (!obj && !qual)
            continue;
        parts += all + qual + obj;
        /* "and start over / anew / from scratch" */
        for (size_t k = end; k + 1 < nw && k < end + 4; k++)
            if (tok_is(t, &w[k], "start") &&
                (tok_is(t, &w[k + 1], "over") || tok_is(t, &w[k + 1], "anew") ||
                 tok_is(t, &w[k + 1], "from") || tok_is(t, &w[k + 1], "fresh"))) {
                parts++;
                break;
            }
        double s = 0.5 + 0.5 * parts / 5.0;
        if (s > best.score) {
            best.score = s;
            best.at = w[i].at;
            best.len = w[end - 1].at + w[end - 1].n - w[i].at;
        }
    }
    return best;
}

/* ---- scoring ---- */

static int on_rule(void *ctx, const struct ig_hsdb_match *m)
{
    struct pi_hits *h = ctx;
    if (h->n < MAX_RULES)
        h->rule[h->n++] = m->rule;
    return 1;   /* a rule counts once */
}

/* Scores the prompt normalised with <extra> flags on top of each form's own. */
static double score(const struct pi_global *g, struct ig_scratch *sc, struct ig_span p,
                    unsigned extra_fold, const struct ig_event *ev, struct pi_hits *hits,
                    struct pi_grammar *gr, char *phrase, size_t phlen)
{
    size_t n = IG_MIN(p.n, g->max_scan), cap = 2 * n + 16;
    uint8_t *buf = ig_scratch_alloc(sc, cap);
    struct tok *w = ig_scratch_alloc(sc, (n / 2 + 1) * sizeof *w);
    if (!buf || !w)
        return -1;
    const unsigned base = IG_NORM_LOWER | IG_NORM_WS | extra_fold;
    double s = 0;
    hits->n = 0;
    for (int f = 0; f < 2; f++) {
        unsigned fl = base | (f == 0 ? IG_NORM_PUNCT : 0);
        size_t m = ig_text_normalise(p.p, n, buf, cap, fl);
        ig_hsdb_scan(g->db[f], IG_SCAN_REQUEST, buf, m, ev->model, ev->route, g->hs, on_rule, hits);
        if (f == 0) {
            *gr = grammar(buf, m, w, n / 2 + 1);
            if (gr->score >= 0.75)
                s += g->grammar_w;
            else if (gr->score > 0)
                s += g->weak_w;
            if (phrase && gr->score > 0)
                snprintf(phrase, phlen, "%.*s", (int)IG_MIN(gr->len, 120), (const char *)buf + gr->at);
        }
    }
    for (uint32_t i = 0; i < hits->n; i++)
        s += hits->rule[i]->weight;
    return s;
}

/* Does a line of the prompt start with this role ("tool: ...")? */
static bool role_at(const uint8_t *p, size_t n, size_t i, const char *role)
{
    size_t l = strlen(role);
    return (i == 0 || p[i - 1] == '\n') && i + l <= n && !memcmp(p + i, role, l);
}

static bool is_tool_line(const uint8_t *p, size_t n, size_t i)
{
    return role_at(p, n, i, "tool: ") || role_at(p, n, i, "function: ");
}

static bool is_turn_line(const uint8_t *p, size_t n, size_t i)
{
    return is_tool_line(p, n, i) || role_at(p, n, i, "user: ") || role_at(p, n, i, "assistant: ");
}

/* Indirect injection: does the content of a tool/function message (retrieved documents,
 * tool output) reach the threshold on its own? The adapter joins messages as
 * "role: content" lines. */
static bool indirect(const struct pi_global *g, struct ig_scratch *sc, struct ig_span p,
                     const struct ig_event *ev)
{
    for (size_t i = 0; i < p.n; i++) {
        if (!is_tool_line(p.p, p.n, i))
            continue;
        size_t e = i + 1;
        while (e < p.n && !is_turn_line(p.p, p.n, e))
            e++;
        struct pi_hits h;
        struct pi_grammar gr;
        struct ig_span seg = { p.p + i, e - i };
        if (score(g, sc, seg, IG_NORM_FOLD | IG_NORM_B64, ev, &h, &gr, NULL, 0) >= g->threshold)
            return true;
        i = e - 1;
    }
    return false;
}

static void add_atlas(struct ig_finding *f, const char *id)
{
    for (int k = 0; k < IG_FINDING_MAX_ATTACKS; k++) {
        if (!f->atlas[k]) {
            f->atlas[k] = id;
            return;
        }
        if (!strcmp(f->atlas[k], id))
            return;
    }
}

static int pi_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct pi_global *g = call->global;
    if (!ev->prompt.n)
        return IG_OK;
    struct pi_hits hits;
    struct pi_grammar gr;
    char phrase[128] = "";
    double s = score(g, call->scratch, ev->prompt, IG_NORM_FOLD | IG_NORM_B64, ev, &hits, &gr,
                     phrase, sizeof phrase);
    if (s < 0)
        return IG_ENOMEM;
    if (s < g->threshold)
        return IG_OK;
    /* would the plain text have fired? If not, the attack relied on obfuscation */
    struct pi_hits plain_hits;
    struct pi_grammar plain_gr;
    double plain = score(g, call->scratch, ev->prompt, 0, ev, &plain_hits, &plain_gr, NULL, 0);
    bool ind = indirect(g, call->scratch, ev->prompt, ev);

    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = "Prompt injection attempt";
    f.desc = "The request carries prompt-injection or jailbreak signatures (override grammar, "
             "personas, fake delimiters or system-prompt extraction).";
    f.remediation = "Keep untrusted text out of instruction positions, enforce output filters, "
                    "and review this client's conversations.";
    f.severity = (uint8_t)(s >= 2 * g->threshold ? IG_MAX(g->sev, IG_SEV_HIGH) : g->sev);
    f.confidence_id = s >= 2 * g->threshold ? 3 : 2;
    f.analytic_type = 1;
    f.queries_seen = call->client_queries;
    /* injected through tool output or retrieved content: indirect, not direct */
    const char *inj = ind ? "AML.T0051.001" : "AML.T0051.000";
    if (ind || gr.score >= 0.75 || (gr.score > 0 && hits.n == 0))
        add_atlas(&f, inj);
    for (uint32_t i = 0; i < hits.n; i++)
        for (uint32_t a = 0; a < hits.rule[i]->atlas.n; a++)
            add_atlas(&f, strcmp(hits.rule[i]->atlas.v[a], "AML.T0051.000") ? hits.rule[i]->atlas.v[a] : inj);
    if (plain < g->threshold)
        add_atlas(&f, "AML.T0068");
    char names[256] = "";
    size_t o = 0;
    for (uint32_t i = 0; i < hits.n && o < sizeof names; i++)
        o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? "," : "", hits.rule[i]->name);
    if (hits.n)
        ig_finding_evidence(&f, "rules", names);
    if (gr.score > 0)
        ig_finding_evidence(&f, "override_phrase", phrase);
    ig_finding_evidence(&f, "source", ind ? "tool_or_retrieved_content" : "user");
    ig_finding_score(&f, "score", s);
    ig_finding_score(&f, "threshold", g->threshold);
    ig_finding_score(&f, "grammar", gr.score);
    ig_finding_score(&f, "rules", hits.n);
    ig_finding_score(&f, "plain_score", plain);
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_prompt_injection = {
    .name = NAME,
    .wants = IG_EV_TEXT,
    .init = pi_init,
    .observe = pi_observe,
    .free = pi_free,
};
