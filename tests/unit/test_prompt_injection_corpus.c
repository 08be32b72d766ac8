/* prompt_injection.signature on the held-out split of tests/corpus/prompt_injection
 * (attacks.tsv, benign.tsv: prompts never looked at while the detector was written), with
 * the shipped rules, each prompt from its own client: precision >= 0.99 and recall >= 0.9
 * (issue #15). Also on every prompt, so a regression on the tune split shows too, and per
 * style: no injection style and no benign style may collapse. bench_prompt_injection prints
 * the same tables (bench/RESULTS.md figure 10). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_llm_helpers.h"

extern const struct ig_detector ig_det_prompt_injection_signature;

struct tally { char style[32]; unsigned tp, fn, fp, tn; };

static struct tally tallies[64];
static size_t ntallies;

static struct tally *tally_of(const char *style)
{
    for (size_t i = 0; i < ntallies; i++)
        if (!strcmp(tallies[i].style, style))
            return &tallies[i];
    if (ntallies == IG_ARRAY_LEN(tallies))
        fail_msg("more than %zu styles", IG_ARRAY_LEN(tallies));
    struct tally *t = &tallies[ntallies++];
    memset(t, 0, sizeof *t);
    snprintf(t->style, sizeof t->style, "%s", style);
    return t;
}

/* Runs one corpus file; <split> NULL = every prompt. Returns the prompts run. */
static unsigned run_file(struct lfx *fx, const char *name, bool attack, const char *split, unsigned *client)
{
    const char *src = getenv("IG_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/corpus/prompt_injection/%s", src ? src : ".", name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    char *line = NULL, text[8192], id[32];
    size_t cap = 0;
    ssize_t n;
    unsigned ran = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (!n || line[0] == '#')
            continue;
        char *style = strtok(line, "\t"), *lang = strtok(NULL, "\t"), *sp = strtok(NULL, "\t"),
             *prompt = strtok(NULL, "");
        if (!style || !lang || !sp || !prompt)
            fail_msg("%s: a line lacks its 4 fields", path);
        if (split && strcmp(sp, split))
            continue;
        size_t o = 0;
        for (const char *p = prompt; *p && o + 1 < sizeof text; p++) {
            if (p[0] == '\\' && p[1] == 'n') {
                text[o++] = '\n';
                p++;
            } else {
                text[o++] = *p;
            }
        }
        text[o] = 0;
        int before = fx->got->n;
        snprintf(id, sizeof id, "c%u", (*client)++);
        lh_chat(fx, id, T0 + *client * SEC, text, "ok", NULL);
        bool fired = fx->got->n > before;
        if (fx->got->n >= 60)
            fx->got->n = 0;   /* only the count matters */
        struct tally *t = tally_of(style);
        if (attack)
            fired ? t->tp++ : t->fn++;
        else
            fired ? t->fp++ : t->tn++;
        ran++;
    }
    free(line);
    fclose(f);
    return ran;
}

static void totals(unsigned *tp, unsigned *fn, unsigned *fp, unsigned *tn)
{
    *tp = *fn = *fp = *tn = 0;
    for (size_t i = 0; i < ntallies; i++) {
        *tp += tallies[i].tp;
        *fn += tallies[i].fn;
        *fp += tallies[i].fp;
        *tn += tallies[i].tn;
    }
}

static void evaluate(const char *split, double min_p, double min_r, double min_style_r,
                     double max_style_fp)
{
    struct lfx fx = lh_setup(&ig_det_prompt_injection_signature, true, NULL);
    ntallies = 0;
    unsigned client = 0;
    unsigned na = run_file(&fx, "attacks.tsv", true, split, &client);
    unsigned nb = run_file(&fx, "benign.tsv", false, split, &client);
    lh_teardown(&fx);
    assert_true(na >= 40 && nb >= 40);   /* the corpora are there and split */
    unsigned tp, fn, fp, tn;
    totals(&tp, &fn, &fp, &tn);
    double p = tp + fp ? (double)tp / (tp + fp) : 1, r = (double)tp / (tp + fn);
    print_message("%s: %u injections, %u caught; %u benign, %u flagged; precision %.3f recall %.3f\n",
                  split ? split : "all", tp + fn, tp, fp + tn, fp, p, r);
    for (size_t i = 0; i < ntallies; i++) {
        const struct tally *t = &tallies[i];
        if (t->tp + t->fn && (double)t->tp / (t->tp + t->fn) < min_style_r)
            fail_msg("%s: style %s: %u of %u injections caught", split ? split : "all", t->style,
                     t->tp, t->tp + t->fn);
        if (t->fp + t->tn && (double)t->fp / (t->fp + t->tn) > max_style_fp)
            fail_msg("%s: style %s: %u of %u benign prompts flagged", split ? split : "all", t->style,
                     t->fp, t->fp + t->tn);
    }
    if (p < min_p || r < min_r)
        fail_msg("%s: precision %.3f (target %.2f), recall %.3f (target %.2f)", split ? split : "all",
                 p, min_p, r, min_r);
}

static void test_held_out_targets(void **st)
{
    (void)st;
    evaluate("held", 0.99, 0.90, 0.6, 0.10);
}

/* The second held-out set (session 11: written before the lexicon was read, in styles and
 * languages the first sets covered thinly). Where it stands, not the #15 target yet:
 * a floor against regressions (bench/RESULTS.md figure 10 has the measured values). */
static void test_held2(void **st)
{
    (void)st;
    evaluate("held2", 0.99, 0.88, 0, 0.10);   /* 0.897 since session 15 */
}

/* The third blind set (session 12: languages none of the other sets has - cs da ro fi hu el
 * ca he fa th sw tl - and polite, translation-wrapped, summarised-document, retrieved-page,
 * role-play and multi-turn injections beside their benign look-alikes). The #15 targets
 * since session 14 (0.926 recall there; bench/RESULTS.md figure 10). */
static void test_held3(void **st)
{
    (void)st;
    evaluate("held3", 0.99, 0.90, 0, 0.10);
}

/* The tuning set of session 13 (fi hu he fa th sw tl ca da cs el tr: suffixed and prefixed
 * nouns, a script without spaces, polite verb forms, benign look-alikes in the same
 * languages): the #15 targets. */
static void test_tune3(void **st)
{
    (void)st;
    evaluate("tune3", 0.99, 0.90, 0, 0.10);
}

/* The tuning set of session 14 (English polite requests to drop the rules, personas and
 * role play, games, multi-turn splits, authority claims, and look-alikes: security
 * questions about those wordings, polite requests about the user's own instructions,
 * ordinary role play): the #15 targets. */
static void test_tune5(void **st)
{
    (void)st;
    evaluate("tune5", 0.99, 0.90, 0, 0.10);
}

/* The fourth blind set (session 15: 18 languages, written before any run of that session;
 * never looked at while tuning, only its totals read). Where it stands, not the #15 target:
 * a floor against regressions (0.967 / 0.817 at session 15's end, 0.964 / 0.761 before its
 * changes; 1.000 / 0.873 since session 16, whose lead had its two flagged look-alikes, the
 * user's own earlier formatting rules, read and fixed; bench/RESULTS.md figure 10). */
static void test_held4(void **st)
{
    (void)st;
    evaluate("held4", 0.99, 0.89, 0, 0.15);   /* 1.000 / 0.901 since session 19 */
}

/* The fifth blind set (session 16: 23 languages, 26 styles, written before any run of that
 * session; never looked at while tuning, only its totals read): a floor against
 * regressions, not the #15 target (0.967 / 0.776 at its first run, 0.969 / 0.816 after
 * session 16's changes). */
static void test_held5(void **st)
{
    (void)st;
    evaluate("held5", 0.99, 0.87, 0, 1.0);   /* 1.000 / 0.882 since session 20 (misses read by class) */
}

/* The sixth blind set (session 17: 19 languages, all 32 styles, written before any run of that
 * session; never looked at while tuning, only its totals and its per-style counts read): a
 * floor against regressions, not the #15 target (0.938 / 0.763 at its first run, 0.939 /
 * 0.959 / 0.797 after session 17's changes). */
static void test_held6(void **st)
{
    (void)st;
    evaluate("held6", 0.99, 0.84, 0, 1.0);   /* 1.000 / 0.848 since session 20 */
}

/* The seventh blind set (session 18: 23 languages, all 32 styles, security questions quoting
 * attacks, red-team logs, translations of orders for people, policies, prompt-template reviews;
 * written before any run of that session). Its first run (0.945 / 0.869) was blind; its flagged
 * look-alikes and its misses by class were then read, so it is a floor against regressions
 * (1.000 / 0.929 after session 18's changes), no longer a blind measure. */
static void test_held7(void **st)
{
    (void)st;
    evaluate("held7", 0.99, 0.93, 0, 1.0);   /* 1.000 / 0.939 since session 20 */
}

/* The eighth blind set (session 19: 22 languages, 29 styles, policies, customer-support
 * scripts, prompt-template reviews, 'forget my previous question' in 19 languages; written
 * before any run of that session). Its first run (rules of 4edc9c7, blind): 0.972 / 0.881;
 * its flagged look-alikes and misses by class were then read, so it is a floor against
 * regressions (1.000 / 0.932 after session 19's changes), no longer a blind measure. */
static void test_held8(void **st)
{
    (void)st;
    evaluate("held8", 0.99, 0.93, 0, 1.0);   /* 1.000 / 0.941 since session 20 */
}

/* The ninth blind set (session 20: 126 injections, 138 look-alikes in 40 languages, 16 of
 * them new: ciphers, code-switched and romanised text, memory poisoning, orders in subtitles,
 * calendar invites, commits, CVs and LaTeX comments; written before any run of that
 * session). Its first run (rules of a328899, blind): 0.986 / 0.548; its flagged look-alike
 * and misses by class were then read, so it is a floor against regressions (1.000 / 0.849
 * after session 20's changes), no longer a blind measure. */
static void test_held9(void **st)
{
    (void)st;
    evaluate("held9", 0.99, 0.84, 0, 1.0);
}

/* The tenth blind set (session 21: 123 injections, 152 look-alikes in 42 languages, 27 of
 * them new, and code-switched text: orders in JSON reviews, YAML comments, CSV cells and
 * markdown tables, tool results and tool-call arguments, e-mails and web pages handed over,
 * payload splitting, multi-turn code words, fiction that ends in an order; look-alikes most
 * of the same shape with the order given to people; written before any run of that session).
 * Its first run (rules of dd62790, blind): 0.900 / 0.585; its flagged look-alikes and misses
 * by class were then read, so it is a floor against regressions (1.000 / 0.886 after
 * session 21's changes). */
static void test_held10(void **st)
{
    (void)st;
    evaluate("held10", 0.99, 0.88, 0, 1.0);
}

/* The eleventh blind set (session 22: 148 injections, 162 look-alikes in 25 languages, new
 * weight on sw tl vi fa he bn: RAG chunks and retrieved pages, code comments, commit
 * messages and YAML, calendar invites, OCR'd receipts, translate-and-obey, role play that
 * ends in an order, base32/hex/percent, confusables, right-to-left text; written before any
 * run of that session and before its author read the lexicon or the code). Its first run
 * (rules of 0400124, blind): 0.945 / 0.696; its flagged look-alikes and misses by class
 * were then read, so it is a floor against regressions (1.000 / 0.872 after session 22's
 * changes). */
static void test_held11(void **st)
{
    (void)st;
    evaluate("held11", 0.99, 0.86, 0, 1.0);
}

/* The twelfth blind set (session 23: 138 injections in 31 styles, 152 look-alikes; 26 languages:
 * forwarded mail threads, spreadsheet cells, markdown tables, YAML/JSON values, alt text and
 * aria labels, transcripts quoting a system turn, acrostics, payloads split across turns,
 * leetspeak and homoglyph mixes, new weight on th tr pl uk id am ur fa; look-alikes with
 * Persian ZWNJ, Indic and emoji ZWJ, employee policies, imperative recipes and manuals;
 * written before any run of that session and before its author read the lexicon or the
 * code). Its first run (rules of 1b80915, blind): 0.955 / 0.761; its flagged look-alikes and
 * misses by class were then read, so it is a floor against regressions (0.992 / 0.891 after
 * session 23's changes). */
static void test_held12(void **st)
{
    (void)st;
    evaluate("held12", 0.99, 0.88, 0, 1.0);
}

/* The thirteenth blind set (session 24: 143 injections in 31 styles, 189 look-alikes in 18;
 * vi he el sw tl bn ro nl cs and English: orders to the AI in code and SQL comments, commits,
 * log lines, calendar invites, reviews, OCR'd receipts, SRT subtitles, LaTeX, robots.txt and
 * package.json, query strings, base32/hex/percent encodings, mixed scripts, developer-mode
 * variants, multi-step hijacks, markdown-image exfiltration; look-alikes of the same shapes
 * whose orders are for people; written before any run of that session and before its author
 * read the lexicon, the rules or the code). Its first run (rules of ffd59e4, blind): 0.966 /
 * 0.594; its flagged look-alikes and misses by class were then read, so it is a floor
 * against regressions (0.992 / 0.874 after session 24's changes; bench/RESULTS.md figure 10,
 * rules/schema.md "Session 24"). */
static void test_held13(void **st)
{
    (void)st;
    evaluate("held13", 0.99, 0.87, 0, 1.0);
}

/* Session 17's tuning set (no-refusal demands, operator notices, task hijacks, games that void
 * the rules, in 15 languages; code, runbooks, tool results and logs whose orders are for
 * people; probes of each rule): where it stands (0.980 / 0.889 with every batch, 0.781 / 0.463
 * with the rules before session 17; the one flagged look-alike, a reply to a landlord "without
 * refusing outright", was flagged before session 17 too). */
static void test_tune8(void **st)
{
    (void)st;
    evaluate("tune8", 0.97, 0.85, 0, 1.0);
}

/* Session 16's tuning set (orders to the AI in tool results and documents, fake headers,
 * compounds and separable verbs, authority notices, and probes of those changes): precision
 * at the #15 target, recall where it stands (0.880; extraction in fr es ru ko and a Japanese
 * notice are still missed). */
static void test_tune7(void **st)
{
    (void)st;
    evaluate("tune7", 0.99, 0.85, 0, 0.10);
}

/* The tuning set of session 15 (polite, persona, game, multi-turn, document and tool-result
 * injections in 19 languages, written before any run of that session, and look-alikes that
 * quote or discuss those attacks in the same languages): the #15 targets. */
static void test_tune6(void **st)
{
    (void)st;
    evaluate("tune6", 0.99, 0.90, 0, 0.10);
}

static void test_all_prompts(void **st)
{
    (void)st;
    evaluate(NULL, 0.99, 0.90, 0.6, 0.10);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_held_out_targets),
        cmocka_unit_test(test_held2),
        cmocka_unit_test(test_held3),
        cmocka_unit_test(test_held4),
        cmocka_unit_test(test_held5),
        cmocka_unit_test(test_held6),
        cmocka_unit_test(test_held7),
        cmocka_unit_test(test_held8),
        cmocka_unit_test(test_held9),
        cmocka_unit_test(test_held10),
        cmocka_unit_test(test_held11),
        cmocka_unit_test(test_held12),
        cmocka_unit_test(test_held13),
        cmocka_unit_test(test_tune8),
        cmocka_unit_test(test_tune7),
        cmocka_unit_test(test_tune3),
        cmocka_unit_test(test_tune5),
        cmocka_unit_test(test_tune6),
        cmocka_unit_test(test_all_prompts),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
