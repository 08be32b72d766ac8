/* prompt_injection.signature: prompt injection and jailbreaks in requests, scored from
 * evidence rather than a single pattern hit.
 *
 * The prompt comes from the event's shared inspection buffer (text/inspect.h: normalised
 * once per event, line breaks kept, decoded Base64 runs after it). It is cut into turns
 * ("role: content" lines, as the chat adapter joins them): user turns (direct),
 * tool/function turns (indirect: retrieved documents, tool output), all user turns joined
 * with part labels dropped (an attack split over turns), quoted parts put together when the
 * last turn asks for it (payload splitting), and each decoded Base64 run in the turn it
 * came from. Each is cut into words and sentences with quoted spans marked and matched
 * against a multilingual lexicon (text/pi_lexicon.h, 80 languages in 64 slots; compounds of de nl sv by
 * their head noun, separable verbs of de nl by their closing particle). Families:
 *   override  an override verb and the assistant's instructions (ignore ... previous
 *             instructions; verb-final "alle Anweisungen ignorieren"; passive "your rules are
 *             suspended"; a pronoun for rules named before); weak verbs (drop, skip) and
 *             objects narrowed by a topic or owned by the speaker ("my instructions",
 *             "constraints on word count") weigh less
 *   extract   a reveal verb and the system prompt / hidden or given instructions / the text
 *             before the conversation, or a question about what *your* instructions say
 *   persona   a jailbreak persona or no-limits wording with a role cue ("you are now",
 *             "pretend") or an imperative to respond ("answer without restrictions")
 *   newtask   "instead", "your new task", an authority claim; the task dropped for the
 *             attacker's quoted words (goal hijacking)
 *   address   text that speaks to an AI ("Note to the AI:", "Assistant,") and tells it to act;
 *             in a tool result or a handed-over document, where text is written for people,
 *             a header naming the AI or an order in the addressed clause is the injection
 *   exfil     send/append/upload + private data + a destination or covert wording
 * Discussing an attack is not performing it: a phrase in quotes, after a third-party cue
 * ("users type ...", "a regex that matches ..."), in a question about it, or in a sentence
 * that opens with a condition not about the assistant counts mention_weight (0.3) of its
 * weight; after a request ("can you", "please", "your task is to") or a role cue it is an
 * order; text addressed to an AI is an order even in quotes, and makes the injection
 * indirect (AML.T0051.001). In a document the user hands over ("Summarise this email:\n")
 * an order that does not address the AI weighs 0.6. Family weights add up (each family
 * once, +0.2 per further family ≥ 0.4); the prompt fires at threshold (1.0).
 * Obfuscation: when a turn does not fire, variants are scored too: leetspeak folded inside
 * words, letters spelled apart joined (from the raw spacing), and (when the turn mentions
 * decoding or reads as no language) ROT13 and reversed text, words cut by hyphens joined;
 * percent-encoded and hex text decoded; winning through a variant adds 0.2. JSON values and
 * CSV cells in double quotes are data, not quotations. AML.T0068 when a variant or decoded Base64 won or the raw prompt hides characters.
 * The pattern rules of rules/prompt_injection.yaml (fake delimiters, markdown-image
 * exfiltration) add their weights, scaled like mentions when the prompt discusses attacks
 * or only asks a question. Measured per style and language: bench_prompt_injection.
 * This file is the detector's glue (parameters, pattern rules, hidden characters, the
 * finding); the scoring is in detectors/prompt_injection/ (signature.h says which file
 * does what). */
#include <inferguard/detector.h>

#include "prompt_injection/signature.h"
#include "text/hsdb.h"
#include "text/inspect.h"
#include "text/normalise.h"
#include "text/pi_lexicon.h"
#include "text/quiet_set.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME "prompt_injection.signature"
#define MAX_RULES 16

static const char *const fam_names[F__N] = { "override", "extract", "persona", "newtask",
                                             "address", "exfil" };

/* The rules block's params (rules/schema.md's table is generated from pi_params[]). */
struct pi_cfg {
    double threshold, mention_w, max_scan;
};

#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct pi_cfg, f), __VA_ARGS__ }
static const struct ig_param pi_params[] = {
    ROW("threshold", IG_PT_DOUBLE, threshold, .def = 1.0, .min = 0, .max = 100, .flags = IG_PARAM_GT_MIN,
        .help = "score that fires"),
    ROW("mention_weight", IG_PT_DOUBLE, mention_w, .def = 0.3, .min = 0, .max = 1,
        .help = "share of its weight a mentioned (quoted, reported, asked-about) phrase keeps"),
    ROW("max_scan_bytes", IG_PT_DOUBLE, max_scan, .def = 65536, .min = 64, .max = 1u << 26,
        .help = "longer prompts are cut"),
    { 0 },
};
#undef ROW

struct pi_hits {
    uint32_t n;
    const struct ig_rule *rule[MAX_RULES];
    bool named[MAX_RULES];   /* every match so far a token quoted on its own */
    const uint8_t *p;        /* the buffer scanned */
    size_t pn;
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
    g->lex = pi_lex_new(IG_NORM_FOLD | IG_NORM_LOWER | IG_NORM_WS);
    if (!g->lex || pi_lex_index_variants(g->lex, TRIGGERS) < 0) {
        snprintf(err, errlen, "out of memory for the lexicon");
        rc = IG_ENOMEM;
        goto fail;
    }
    /* 4096 prompts (64 KiB): a verdict is a pure function of the prompt, its model and
     * route, so a prompt sent again is not scored again (quiet_set.h) */
    if (!(g->quiet = ig_quiet_set_new(12))) {
        snprintf(err, errlen, "out of memory (or no randomness) for the quiet-prompt set");
        rc = IG_ENOMEM;
        goto fail;
    }
    const struct pi_cfg *c = env->params;
    g->threshold = c->threshold;
    g->mention_w = c->mention_w;
    g->max_scan = (size_t)c->max_scan;
    g->sev = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    *global = g;
    return IG_OK;
fail:
    ig_hsdb_scratch_free(g->hs);
    ig_hsdb_free(g->db[0]);
    ig_hsdb_free(g->db[1]);
    pi_lex_free(g->lex);
    ig_quiet_set_free(g->quiet);
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
    pi_lex_free(g->lex);
    ig_quiet_set_free(g->quiet);
    free(g);
}

static size_t pi_stats(const void *global, struct ig_det_counter *out)
{
    const struct pi_global *g = global;
    /* prompts not scored again: sent before and found quiet then */
    out[0] = (struct ig_det_counter){ "known_quiet", ig_quiet_set_hits(g->quiet) };
    return 1;
}

/* Does the match ending at p[to] end a quote that opened on its line at most 48 bytes
 * before, with no other quote mark between ("removes '<system>' and '</user_input>' tags",
 * "what does [INST] mean", held10's pytest request)? A token quoted on its own is named,
 * not used: a fake delimiter does its work bare, before the text it pretends to open. */
static bool named_token(const uint8_t *p, size_t n, size_t to)
{
    if (!pi_quote_at(p, n, to))
        return false;
    for (size_t k = to; k > 0 && to - k < 48; k--) {
        if (p[k - 1] == '\n')
            return false;
        if (pi_quote_before(p, k))
            return k < to;
    }
    return false;
}

static int on_rule(void *ctx, const struct ig_hsdb_match *m)
{
    struct pi_hits *h = ctx;
    bool named = h->p && named_token(h->p, h->pn, m->to);
    for (uint32_t i = 0; i < h->n; i++)
        if (h->rule[i] == m->rule) {
            h->named[i] &= named;
            return h->named[i] ? 0 : 1;
        }
    if (h->n < MAX_RULES) {
        h->named[h->n] = named;
        h->rule[h->n++] = m->rule;
    }
    return named ? 0 : 1;   /* a rule counts once: at full weight when a match is used bare */
}

/* Pattern rules over the whole prompt (both inspection buffers); weights scaled down when
 * the prompt discusses attacks. */
static double rules_score(const struct pi_global *g, struct ig_scratch *sc, const struct ig_event *ev,
                          bool discussion, struct pi_hits *hits)
{
    hits->n = 0;
    for (int f = 0; f < 2; f++) {
        if (!ig_hsdb_rules(g->db[f]))
            continue;
        const struct ig_insp_buf *b = ig_inspect(sc, ev, f == 0 ? IG_INSP_PROMPT_WORDS : IG_INSP_PROMPT_TEXT);
        if (!b)
            return 0;
        hits->p = b->p;
        hits->pn = b->n;
        ig_hsdb_scan(g->db[f], IG_SCAN_REQUEST, b->p, b->n, ev->model, ev->route, g->hs, on_rule, hits);
    }
    double s = 0;
    for (uint32_t i = 0; i < hits->n; i++)
        s += hits->rule[i]->weight * (hits->named[i] && !discussion ? g->mention_w : 1);
    return discussion ? s * g->mention_w : s;
}

/* Scripts whose spelling uses ZWNJ and ZWJ (U+200C, U+200D): Arabic-script languages (a
 * Persian plural or verb prefix is joined with ZWNJ in every sentence; Urdu, Kurdish, Pashto),
 * Syriac, N'Ko, the Brahmic scripts (Hindi half forms, Malayalam chillus, Sinhala yansaya),
 * Myanmar, Khmer, Mongolian, and emoji sequences (a ZWJ between pictographs, variation
 * selectors, skin tones: the family and rainbow-flag emoji). A joiner next to one of these is
 * spelling, not hiding (session 23: Persian prose was reported as zero-width obfuscation). */
static bool joiner_script(int32_t cp)
{
    return (cp >= 0x600 && cp <= 0x8ff) || (cp >= 0x900 && cp <= 0xdff) || (cp >= 0x1000 && cp <= 0x109f) ||
           (cp >= 0x1780 && cp <= 0x18af) || (cp >= 0xa8e0 && cp <= 0xa8ff) || (cp >= 0xfb50 && cp <= 0xfdff) ||
           (cp >= 0xfe70 && cp <= 0xfeff) || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x2600 && cp <= 0x27bf) ||
           cp == 0x2b1b || cp == 0x2b50 || (cp >= 0x1f000 && cp <= 0x1faff);
}

/* What the raw prompt hides from a reader: zero-width, tag and format characters,
 * fullwidth or mathematical letters, a word mixing Latin with Cyrillic or Greek letters. */
static const char *hidden_chars(struct ig_span p)
{
    uint8_t any = 0;
    for (size_t i = 0; i < p.n; i++)
        any |= p.p[i];
    if (!(any & 0x80))
        return NULL;     /* ASCII only */
    bool latin = false, other = false;
    int32_t prev = 0;   /* the code point before this one */
    for (size_t i = 0; i < p.n;) {
        if (p.p[i] < 0x80) {
            prev = p.p[i];
            uint8_t c = p.p[i++] | 0x20;
            if (c >= 'a' && c <= 'z') {
                latin = true;
            } else {
                if (latin && other)
                    return "homoglyphs";
                latin = other = false;
            }
            continue;
        }
        size_t l;
        int32_t cp = ig_utf8_next(p.p + i, p.n - i, &l), before = prev;
        i += l;
        prev = cp;
        if (cp < 0)
            continue;
        if (cp >= 0xe0000 && cp <= 0xe007f)
            return "tag_characters";
        if (cp == 0x200c || cp == 0x200d) {
            /* a joiner next to a script that spells with it is no hiding */
            size_t nl = 0;
            int32_t next = i < p.n ? ig_utf8_next(p.p + i, p.n - i, &nl) : -1;
            if (joiner_script(before) || joiner_script(next))
                continue;
            return "zero_width";
        }
        if (cp == 0xad || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff)
            return "zero_width";
        /* full-width letters and digits, not the full-width punctuation (？！：（）) that
         * Chinese and Japanese text uses every day */
        if ((cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a) ||
            (cp >= 0xff41 && cp <= 0xff5a) || (cp >= 0x1d400 && cp <= 0x1d7ff) ||
            (cp >= 0x24b6 && cp <= 0x24e9))
            return "compatibility_letters";
        bool lat = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
        bool look = (cp >= 0x391 && cp <= 0x3c9) || (cp >= 0x400 && cp <= 0x45f);
        if (!lat && !look) {
            if (latin && other)
                return "homoglyphs";
            latin = other = false;
            continue;
        }
        latin |= lat;
        other |= look;
    }
    return latin && other ? "homoglyphs" : NULL;
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
    /* the rules are scoped by model and route: part of the key */
    char ctx[sizeof ev->model + 1 + sizeof ev->route];
    size_t mn = strnlen(ev->model, sizeof ev->model), rn = strnlen(ev->route, sizeof ev->route);
    memcpy(ctx, ev->model, mn);
    ctx[mn] = 0;
    memcpy(ctx + mn + 1, ev->route, rn);
    struct ig_quiet_digest qd = ig_quiet_digest(g->quiet, ev->prompt.p, ev->prompt.n, ctx, mn + 1 + rn);
    if (ig_quiet_set_has(g->quiet, qd))
        return IG_OK;
    uint64_t overflows = call->scratch->overflows;
    const struct ig_insp_buf *tb = ig_inspect(call->scratch, ev, IG_INSP_PROMPT_TEXT);
    struct prompt_verdict pv;
    if (!tb || !pi_score_prompt(g, call->scratch, ev, tb, &pv))
        return IG_ENOMEM;
    struct pi_hits hits;
    /* a question with no order in it ("What does [INST] mean?") mentions what the
     * patterns match */
    bool discussing = pv.discussion || (pv.asks && pv.best.score < 0.4);
    double rs = rules_score(g, call->scratch, ev, discussing, &hits);
    double s = pv.best.score + rs;
    if (s < g->threshold) {
        /* remembered only when scored whole: a step the scratch refused may have
         * skipped evidence */
        if (call->scratch->overflows == overflows)
            ig_quiet_set_add(g->quiet, qd);
        return IG_OK;
    }
    const struct verdict *v = &pv.best;
    const char *obf = v->obf;
    if (!obf)
        obf = hidden_chars((struct ig_span){ ev->prompt.p, IG_MIN(ev->prompt.n, g->max_scan) });

    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.title = "Prompt injection attempt";
    f.desc = "The request carries a prompt injection or jailbreak (override of instructions, "
             "system-prompt extraction, jailbreak persona, exfiltration, fake delimiters or "
             "instructions hidden in a document or tool result), scored from evidence in any "
             "of 80 languages and after decoding.";
    f.remediation = "Keep untrusted text out of instruction positions, enforce output filters, "
                    "and review this client's conversations.";
    f.severity = (uint8_t)(s >= 2 * g->threshold ? IG_MAX(g->sev, IG_SEV_HIGH) : g->sev);
    f.confidence_id = s >= 2 * g->threshold ? 3 : 2;
    f.analytic_type = 1;
    f.queries_seen = call->client_queries;
    const char *inj = pv.indirect ? "AML.T0051.001" : "AML.T0051.000";
    if (pv.indirect || v->fam[F_OVERRIDE] > 0 || v->fam[F_NEWTASK] > 0 || v->fam[F_ADDRESS] > 0 ||
        v->fam[F_EXFIL] > 0)
        add_atlas(&f, inj);
    if (v->fam[F_PERSONA] > 0)
        add_atlas(&f, "AML.T0054");
    if (v->fam[F_EXTRACT] > 0)
        add_atlas(&f, "AML.T0056");
    if (v->fam[F_EXFIL] > 0)
        add_atlas(&f, "AML.T0057");
    for (uint32_t i = 0; i < hits.n; i++)
        for (uint32_t a = 0; a < hits.rule[i]->atlas.n; a++)
            add_atlas(&f, strcmp(hits.rule[i]->atlas.v[a], "AML.T0051.000") ? hits.rule[i]->atlas.v[a] : inj);
    if (!f.atlas[0])
        add_atlas(&f, inj);
    if (obf)
        add_atlas(&f, "AML.T0068");
    char names[256] = "";
    size_t o = 0;
    for (uint32_t i = 0; i < hits.n && o < sizeof names; i++)
        o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? "," : "", hits.rule[i]->name);
    ig_finding_rule(&f, 0);   /* the score rests on the lexicon too */
    for (uint32_t i = 0; i < hits.n; i++)
        ig_finding_rule(&f, hits.rule[i]->throttle_us);
    if (hits.n)
        ig_finding_evidence(&f, "rules", names);
    char fams[96] = "";
    o = 0;
    for (int k = 0; k < F__N && o < sizeof fams; k++)
        if (v->fam[k] > 0)
            o += (size_t)snprintf(fams + o, sizeof fams - o, "%s%s", o ? "," : "", fam_names[k]);
    if (fams[0])
        ig_finding_evidence(&f, "families", fams);
    if (v->phrase[0])
        ig_finding_evidence(&f, "override_phrase", v->phrase);
    ig_finding_evidence(&f, "language", pi_lex_lang_name(v->lang));
    ig_finding_evidence(&f, "source", pv.indirect ? "tool_or_retrieved_content" : "user");
    if (obf)
        ig_finding_evidence(&f, "obfuscation", obf);
    if (pv.split)
        ig_finding_evidence(&f, "assembled", "split_turns_or_parts");
    ig_finding_score(&f, "score", s);
    ig_finding_score(&f, "threshold", g->threshold);
    ig_finding_score(&f, "grammar", v->override_strength);
    ig_finding_score(&f, "rules", hits.n);
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_prompt_injection_signature = {
    .name = NAME,
    .wants = IG_EV_TEXT,
    .init = pi_init,
    .observe = pi_observe,
    .free = pi_free,
    .stats = pi_stats,
    .params = pi_params,
    .params_size = sizeof(struct pi_cfg),
};
