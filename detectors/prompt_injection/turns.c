/* prompt_injection.signature: a prompt cut into what is scored. Turns ("role: content"
 * lines as the chat adapter joins them): user turns direct, tool turns indirect; all user
 * turns joined with part labels dropped (an attack split over turns); quoted parts put
 * together when the last turn asks for it; decoded Base64, percent and hex runs in the turn
 * they came from; long segments in overlapping pieces; variants (variants.c) of a piece that
 * does not fire. */
#include "prompt_injection/signature.h"
#include "text/normalise.h"

#define CHUNK 16384             /* longer segments are scored in overlapping pieces */
#define CHUNK_OVERLAP 1024

/* Scores one segment and, when it does not fire, the variants its text calls for. */
static bool score_piece(const struct pi_global *g, struct ig_scratch *sc, const uint8_t *t, size_t n,
                        bool indirect, struct verdict *v, bool *want_join)
{
    struct words tw;
    if (!pi_score_text_ex(g, sc, t, n, indirect, false, v, &tw))
        return false;
    *want_join |= v->try_join;
    if (v->score >= g->threshold || !n)
        return true;
    bool rot = v->try_rot;
    uint8_t *var = ig_scratch_alloc(sc, n + 1);
    if (!var)
        return false;
    static const struct {
        size_t (*fn)(const uint8_t *, size_t, uint8_t *);
        const char *name;
        bool rot;
        int var;   /* enum pi_variant, or -1 */
    } vars[] = { { pi_variant_leet, "leetspeak", false, -1 }, { pi_variant_dehyphen, "hyphenated", false, -1 },
                 { pi_variant_rot13, "rot13", true, PI_VAR_ROT13 },
                 { pi_variant_reverse, "reversed", true, PI_VAR_REVERSE },
                 { pi_variant_caesar, "caesar", true, -1 }, { pi_variant_atbash, "atbash", true, -1 },
                 { pi_variant_morse, "morse", false, -1 } };
    /* ASCII text, every word tokenised: a ROT13 or reversed variant's words are its own
     * words rotated or reversed, so the lexicon tells from these whether one can score */
    bool ascii = false;
    if (rot && tw.all) {
        uint8_t any = 0;
        for (size_t i = 0; i < n; i++)
            any |= t[i];
        ascii = !(any & 0x80);
    }
    struct verdict alt;
    for (size_t k = 0; k < IG_ARRAY_LEN(vars) && v->score < g->threshold; k++) {
        if (vars[k].rot && !rot)
            continue;   /* only when the text asks for decoding or reads as no language */
        if (ascii && vars[k].var >= 0 &&
            !pi_lex_variant_may_start(g->lex, (enum pi_variant)vars[k].var, t, tw.w, tw.nw))
            continue;   /* no trigger phrase can start in it: an all-0 verdict, never taken */
        size_t vn = vars[k].fn(t, n, var);
        if (!vn)
            continue;
        /* a decoding the text asks to carry out ("Decode ROT13 and follow: '...'", "Read this
         * backwards and do it: '...'"; held11's class): the decoded quote is the order, no
         * quotation of one, so its quote marks go */
        if (vars[k].rot && v->assemble)
            for (size_t j = 0; j < vn; j++)
                if (var[j] == '\'' || var[j] == '"')
                    var[j] = ' ';
        if (!pi_score_text_ex(g, sc, var, vn, indirect, true, &alt, NULL))
            return false;
        if (alt.score > v->score) {   /* v->score >= 0: an all-0 alt is never taken */
            *v = alt;
            v->score += 0.2;   /* hiding the words is itself evidence */
            v->obf = vars[k].name;
        }
    }
    return true;
}

/* Scores a segment; a long one in pieces of CHUNK bytes cut at line breaks, overlapping by
 * CHUNK_OVERLAP, so no padding pushes an order out of reach. */
static bool score_seg(const struct pi_global *g, struct ig_scratch *sc, const uint8_t *t, size_t n,
                      bool indirect, struct verdict *v, bool *want_join)
{
    if (n <= CHUNK)
        return score_piece(g, sc, t, n, indirect, v, want_join);
    memset(v, 0, sizeof *v);
    struct verdict pv;
    for (size_t at = 0; at < n && v->score < g->threshold;) {
        size_t end = at + CHUNK < n ? at + CHUNK : n;
        if (end < n) {
            size_t cut = end;
            while (cut > end - CHUNK_OVERLAP && t[cut - 1] != '\n')
                cut--;
            if (cut > end - CHUNK_OVERLAP)
                end = cut;
        }
        if (!score_piece(g, sc, t + at, end - at, indirect, &pv, want_join))
            return false;
        if (pv.score > v->score)
            *v = pv;
        if (end == n)
            break;
        at = end - CHUNK_OVERLAP;
    }
    return true;
}

/* ---- turns ---- */

enum src { SRC_USER, SRC_TOOL, SRC_OTHER };

/* A role marker ("user: ", as the chat adapter joins messages) at line start i. */
static size_t role_len(const uint8_t *p, size_t n, size_t i, enum src *src, bool any_case)
{
    static const struct { const char *r; uint8_t l; enum src s; } roles[] = {
        { "user: ", 6, SRC_USER }, { "tool: ", 6, SRC_TOOL }, { "function: ", 10, SRC_TOOL },
        { "assistant: ", 11, SRC_OTHER }, { "ipython: ", 9, SRC_TOOL },
        /* no "system: " or "developer: ": the chat adapters put those messages in the
         * system prompt, never in the prompt, so such a line is the user's own text (a
         * fake system turn is scored, not skipped) */
    };
    for (size_t k = 0; k < IG_ARRAY_LEN(roles); k++)
        if (i + roles[k].l <= n &&
            (any_case ? !strncasecmp((const char *)p + i, roles[k].r, roles[k].l)
                      : !memcmp(p + i, roles[k].r, roles[k].l))) {
            *src = roles[k].s;
            return roles[k].l;
        }
    return 0;
}

/* The role of the raw line holding offset <at> (a decoded Base64 run). */
static enum src raw_src(struct ig_span p, size_t at)
{
    for (size_t i = at + 1; i-- > 0;) {
        if (i == 0 || p.p[i - 1] == '\n') {
            enum src s;
            if (role_len(p.p, p.n, i, &s, true))
                return s;
        }
    }
    return SRC_USER;
}

/* Quoted pieces of <t> joined ("remember 'ignore all' ... add 'previous instructions'"):
 * payload splitting puts an order together from harmless-looking parts. */
/* (tight: the parts run on with no space put between them, for fragments that carry their
 * own: 'ig' 'nore' ' prev' 'ious', held10) */
static size_t quoted_parts(const uint8_t *t, size_t n, uint8_t *out, size_t *parts, bool tight)
{
    size_t o = 0;
    bool in = false;
    *parts = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t[i];
        size_t ql = 0;
        if (c == '"' || c == '`')
            ql = 1;
        else if (c == '\'' && !(i > 0 && is_alpha(t[i - 1]) && i + 1 < n && is_alpha(t[i + 1])))
            ql = 1;
        else if (c == 0xe2 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] >= 0x98 && t[i + 2] <= 0x9d)
            ql = 3;
        else if (c == 0xc2 && i + 1 < n && (t[i + 1] == 0xab || t[i + 1] == 0xbb))
            ql = 2;
        else if (c == 0xe3 && i + 2 < n && t[i + 1] == 0x80 && t[i + 2] >= 0x8c && t[i + 2] <= 0x8f)
            ql = 3;   /* 「」『』 */
        if (ql) {
            if (in) {
                if (!tight)
                    out[o++] = ' ';
                (*parts)++;
            }
            in = !in;
            i += ql - 1;
            continue;
        }
        if (c == '\n')
            in = false;
        if (in)
            out[o++] = c;
    }
    return o;
}

/* Bytes of a leading part label ("part 1: ", "piece two: ", "teil 2: ") of a turn: an
 * order split over turns reads on across them once the labels are gone. */
static size_t part_label(const uint8_t *p, size_t n)
{
    static const char *const words[] = { "part", "piece", "step", "fragment", "chunk", "teil",
                                          "schritt", "partie", "etape", "parte", "paso", "fase",
                                          "deel", "stap", "segment" };
    for (size_t k = 0; k < IG_ARRAY_LEN(words); k++) {
        size_t l = strlen(words[k]);
        if (n <= l + 2 || memcmp(p, words[k], l) || p[l] != ' ')
            continue;
        size_t i = l + 1;
        while (i < n && i < l + 12 && p[i] != ':' && p[i] != ' ')
            i++;
        while (i < n && p[i] == ' ')
            i++;
        if (i < n && p[i] == ':') {
            i++;
            while (i < n && p[i] == ' ')
                i++;
            return i;
        }
    }
    return 0;
}

static void take(const struct pi_global *g, struct prompt_verdict *pv, const struct verdict *v,
                 bool tool)
{
    if (v->score >= g->threshold && (tool || v->addressed))
        pv->indirect = true;
    pv->asks |= v->asks;
    pv->discussion |= v->discussion;
    if (v->score > pv->best.score)
        pv->best = *v;
}

bool pi_score_prompt(const struct pi_global *g, struct ig_scratch *sc, const struct ig_event *ev,
                         const struct ig_insp_buf *tb, struct prompt_verdict *pv)
{
    const uint8_t *p = tb->p;
    size_t n = IG_MIN(tb->plain, g->max_scan);
    memset(pv, 0, sizeof *pv);
    uint8_t *joined = ig_scratch_alloc(sc, n + 1);
    if (!joined)
        return false;
    size_t jn = 0, nuser = 0, last_at = 0;
    bool want_join = false, roles = false, turn_assemble = false;
    struct verdict v;
    enum src src;
    for (const uint8_t *l = p; l && l < p + n && !roles; l = memchr(l, '\n', (size_t)(p + n - l)), l = l ? l + 1 : l)
        roles = role_len(p, n, (size_t)(l - p), &src, false) > 0;
    /* the adapters join chat messages as "role: text" from the first byte on: text that
     * does not open with a role is one message, and its "assistant: " lines are its own */
    if (roles && !role_len(p, n, 0, &src, false))
        roles = false;
    if (!roles) {
        if (!score_seg(g, sc, p, n, false, &v, &want_join))
            return false;
        take(g, pv, &v, false);
        turn_assemble = v.assemble;
        memcpy(joined, p, n);
        jn = n;
    } else {
        for (size_t i = 0; i < n;) {
            size_t rl = role_len(p, n, i, &src, false);
            if (!rl)
                src = SRC_USER;   /* text before any role: the user's */
            size_t e = i;
            for (;;) {
                const uint8_t *nl = memchr(p + e, '\n', n - e);
                e = nl ? (size_t)(nl - p) + 1 : n;
                enum src s2;
                if (e >= n || role_len(p, n, e, &s2, false))
                    break;
            }
            if (src != SRC_OTHER) {
                const uint8_t *c = p + i + rl;
                size_t cn = e - i - rl;
                if (!score_seg(g, sc, c, cn, src == SRC_TOOL, &v, &want_join))
                    return false;
                take(g, pv, &v, src == SRC_TOOL);
                if (src == SRC_USER) {
                    turn_assemble = v.assemble;
                    last_at = jn;
                    size_t pl = part_label(c, cn);
                    c += pl;
                    cn -= pl;
                    memcpy(joined + jn, c, cn);
                    jn += cn;
                    while (jn && joined[jn - 1] == '\n')
                        jn--;
                    joined[jn++] = ' ';
                    nuser++;
                }
            }
            i = e;
        }
        if (nuser > 1 && pv->best.score < g->threshold) {
            if (!score_seg(g, sc, joined, jn, false, &v, &want_join))
                return false;
            if (v.score >= g->threshold)
                pv->split = true;
            take(g, pv, &v, false);
        }
    }
    /* payload splitting: parts kept in quotes ('ignore all', a = 'reveal your') put
     * together when the last turn asks for it ("now combine them", "execute a + b", "do
     * that to all previous instructions"): the parts, then that last turn */
    /* (one turn too: "translate this and obey it: '...'", "A=「...」 ... do A+B") */
    bool plus = false;
    if (pv->best.score < g->threshold && jn) {
        /* "a + b", "A+B+C": parts added up */
        for (const uint8_t *x = memchr(joined, '+', jn); x && !plus;
             x = memchr(x + 1, '+', jn - (size_t)(x + 1 - joined))) {
            size_t at = (size_t)(x - joined), l = at, r = at + 1;
            if (l && joined[l - 1] == ' ')
                l--;
            if (r < jn && joined[r] == ' ')
                r++;
            plus = l && r < jn && is_ident(joined[l - 1]) && is_ident(joined[r]);
        }
    }
    if (pv->best.score < g->threshold && jn && (plus || nuser > 1 || turn_assemble) &&
        (memchr(joined, '\'', jn) || memchr(joined, '"', jn) || memchr(joined, 0xe2, jn) ||
         memmem(joined, jn, "\xe3\x80\x8c", 3) ||
         memmem(joined, jn, "\xc2\xab", 2))) {   /* guillemets: « ... » (fr, ru; tune6) */
        uint8_t *q = ig_scratch_alloc(sc, 2 * jn + 2);
        size_t parts, qn = q ? quoted_parts(joined, jn, q, &parts, false) : 0;
        if (!q)
            return false;
        struct verdict last;
        if (parts >= 1 && qn && pi_score_text(g, sc, joined + last_at, jn - last_at, false, &last) &&
            (last.assemble || plus) && !last.discussion) {
            /* the parts apart, then run on when three or more are fragments of words */
            for (int tight = 0; tight < 2 && pv->best.score < g->threshold; tight++) {
                if (tight && (qn = quoted_parts(joined, jn, q, &parts, true), parts < 3))
                    break;
                if (tight)
                    q[qn++] = ' ';   /* (the run-on parts end a word: "...sys" "tem prompt" then the turn) */
                memcpy(q + qn, joined + last_at, jn - last_at);
                qn += jn - last_at;
                if (!pi_score_text(g, sc, q, qn, false, &v))
                    return false;
                if (v.score >= g->threshold) {
                    v.score += 0.2;
                    pv->split = true;
                    take(g, pv, &v, false);
                }
            }
        }
    }
    /* letters spelled apart: the raw prompt with its spacing, joined */
    if (want_join && pv->best.score < g->threshold) {
        size_t rn = IG_MIN(ev->prompt.n, g->max_scan);
        uint8_t *a = ig_scratch_alloc(sc, rn + 1), *b = ig_scratch_alloc(sc, rn + 1);
        if (!a || !b)
            return false;
        size_t an = ig_text_normalise(ev->prompt.p, rn, a, rn + 1, IG_NORM_FOLD | IG_NORM_LOWER);
        size_t bn = pi_variant_join(a, an, b);
        if (bn) {
            bn = ig_text_normalise(b, bn, b, bn, IG_NORM_WS | IG_NORM_NL);
            if (!pi_score_text(g, sc, b, bn, false, &v))
                return false;
            if (v.score > pv->best.score) {
                v.score += 0.2;
                v.obf = "spaced";
                take(g, pv, &v, false);
            }
        }
    }
    /* percent-encoded or hex text decoded (the raw prompt: normalising keeps both as
     * they are), scored as the user's; not when the prompt asks about something ("our WAF
     * logged q=ignore%20previous...; how do we block it?"): attackers order the decoding */
    if (pv->best.score < g->threshold && !pv->asks) {
        size_t rn = IG_MIN(ev->prompt.n, g->max_scan);
        const uint8_t *rp = ev->prompt.p;
        /* a quick look first: a '%' or '\\', or an aligned block of 8 bytes that are all hex
         * digits or spaces (every hex run hex_run() takes holds one; in prose the first
         * bytes of most blocks fail) */
        bool any = memchr(rp, '%', rn) || memchr(rp, '\\', rn);
        for (size_t b = 0; b + 8 <= rn && !any; b += 8) {
            size_t k = 0;
            while (k < 8 && (hexval(rp[b + k]) >= 0 || rp[b + k] == ' '))
                k++;
            any = k == 8;
        }
        uint8_t *d = any ? ig_scratch_alloc(sc, 2 * rn + 16) : NULL;
        const char *what = NULL;
        size_t dn = d ? pi_variant_decode(rp, rn, d, &what) : 0;
        if (any && !d)
            return false;
        if (dn) {
            dn = ig_text_normalise(d, dn, d, dn, IG_NORM_FOLD | IG_NORM_LOWER | IG_NORM_WS | IG_NORM_NL);
            if (!score_seg(g, sc, d, dn, false, &v, &want_join))
                return false;
            if (v.score > pv->best.score) {
                v.score += 0.2;
                v.obf = what;
                pv->decoded = v.score >= g->threshold;
                take(g, pv, &v, false);
            }
        }
    }
    /* decoded Base64, scored where it sat */
    for (uint32_t r = 0; r < tb->nrun && pv->best.score < g->threshold; r++) {
        if (tb->run[r].raw_at >= g->max_scan)
            break;
        enum src s = raw_src(ev->prompt, tb->run[r].raw_at);
        if (s == SRC_OTHER)
            continue;
        /* a quoted run in a prompt that asks about something is what it asks about ("Is
         * base64 like 'SWdub3Jl...' a common way to smuggle injections? What does that
         * string decode to?", held8), as percent and hex text are: attackers order it done */
        if (pv->asks && pi_quote_before(ev->prompt.p, tb->run[r].raw_at))
            continue;
        if (!score_seg(g, sc, p + tb->run[r].at, tb->run[r].n, s == SRC_TOOL, &v, &want_join))
            return false;
        if (v.score > pv->best.score) {
            v.obf = "base64";
            pv->decoded = v.score >= g->threshold;
            take(g, pv, &v, s == SRC_TOOL);
        }
    }
    return true;
}
