/* Multilingual lexicon of prompt-injection cues, matched on whole words of normalised
 * text (normalise.h: folded, lower case), for prompt_injection.signature.
 *
 * Each entry is a phrase of 1..6 words with one concept class. Phrases are normalised at
 * build time with the same flags as the text, so accents and look-alike folding agree.
 * Languages: English, French, German, Spanish, Italian, Portuguese, Dutch, Russian,
 * Polish, Turkish, Swedish (Norwegian, Danish), Indonesian, Vietnamese, Ukrainian, Hindi,
 * Arabic, Romanian, Czech, Greek, Finnish, Hungarian, Hebrew, Persian, Swahili, Tagalog,
 * Catalan, Urdu, Slovak, Serbo-Croatian, Bulgarian, Estonian, Lithuanian, Latvian, Slovenian,
 * Bengali, Tamil, Marathi, Nepali, Afrikaans, Azerbaijani, Albanian, Icelandic, Basque, Welsh,
 * Georgian, Armenian, Kazakh, Yoruba, Hausa, Zulu, Somali, Amharic, Telugu, Malayalam,
 * Punjabi, Gujarati, Uzbek, Pashto (Malay with Indonesian, Galician with Portuguese; session
 * 21, the 64 slots full: Belarusian with Ukrainian, Luxembourgish with German, Haitian Creole
 * with French, Cebuano with Tagalog, Javanese with Indonesian, Tajik with Persian, Kyrgyz and
 * Mongolian with Kazakh, Kurmanji with Turkish, Maltese and Latin with Italian, Esperanto with
 * Spanish, Irish with Welsh, Sinhala with Tamil)
 * (words; a phrase ending in '*' is a stem: any word starting with it; a stem is one word),
 * Chinese, Japanese, Thai, Burmese, Khmer (substrings: no spaces to split on) and Korean (substrings:
 * particles attach to words; a phrase of several words may run on past the word it starts
 * in). */
#ifndef IG_TEXT_PI_LEXICON_H
#define IG_TEXT_PI_LEXICON_H

#include <inferguard/base.h>

enum pi_class {
    PI_OVERRIDE = 0,   /* ignore, disregard, forget, set aside ...                   */
    PI_INSTR,          /* instructions, rules, guidelines, prompt ...                 */
    PI_PRIOR,          /* previous, above, all, your, original ...                    */
    PI_REVEAL,         /* reveal, print, show, repeat ...                             */
    PI_SECRET,         /* system prompt, hidden instructions, everything above ...   */
    PI_PERSONA,        /* DAN, developer mode, jailbroken ...                         */
    PI_UNBOUND,        /* no restrictions, without filters, unfiltered ...            */
    PI_ROLECUE,        /* you are now, from now on, act as, pretend ...               */
    PI_ADDRESS,        /* AI assistant, language model, "if you are an AI" ...        */
    PI_EXFIL,          /* send to, forward to, upload, webhook ...                    */
    PI_META,           /* prompt injection, jailbreak (noun), attack, example ...    */
    PI_ASK,            /* what, how, why, explain ... (a question about something)    */
    PI_REQUEST,        /* can you, could you, please, i need you to ... (a request)   */
    PI_THIRD,          /* someone, users, attackers, to, if, when ... (not an order)  */
    PI_DECODE,         /* decode, rot13, reversed, base64, cipher ...                  */
    PI_NEWTASK,        /* instead, new instructions, your real task ...               */
    PI_FUNC,           /* the, and, to, of ... (plain-language function words)        */
    PI_YOU,            /* your, you, votre, dein ... (second person: the assistant)   */
    PI_WEAK,           /* drop, remove, skip, lift ... (override verbs with other uses) */
    PI_VOID,           /* suspended, disabled, no longer apply ... (passive override) */
    PI_RESPOND,        /* answer, respond, reply, proceed ... (imperative to respond)  */
    PI_PRIVATE,        /* chat history, the user's data, api key ... (what is stolen) */
    PI_DEST,           /* http, https, ftp, url, webhook ... (where it goes)          */
    PI_COVERT,         /* without telling the user, silently ... (hide the act)       */
    PI_ASSEMBLE,       /* combine, concatenate, a + b, do what it says ... (payload splitting) */
    PI_COMPL,          /* on, about, regarding, printed ... (a topic narrows an object) */
    PI_PRONOUN,        /* them, those, it ... (an override of rules named before)     */
    PI_AINAME,         /* assistant, agent, chatbot, model ... (vocative when followed by , or :) */
    PI_MINE,           /* my, our, "I sent" ... (the speaker's own instructions)      */
    PI_ENABLE,         /* enable, activate, switch to ... (right before a persona)     */
    PI_SCOPE,          /* this conversation, the rest, now ... (a span of time, not a topic) */
    PI_GIVEN,          /* you were given, you received ... (the assistant's own)     */
    PI_BEFORE,         /* before our chat, before my first message ... (the prompt)  */
    PI_TASKOBJ,        /* the user, the task ... (what addressed text tells the AI to drop) */
    PI_TASKV,          /* summarise, translate, here is ... (a task over a document) */
    PI_COND,           /* if, when, wenn ... (a conditional clause)                   */
    PI_NOTE,           /* note to, message for, hinweis an ... (before a vocative)    */
    PI_ABOVE,          /* everything above, the words above ... (may be the prompt)   */
    PI_VERBATIM,       /* verbatim, word for word, in a code block ... (a full copy)  */
    PI_HALT,           /* stop everything, nevermind ... (drop the current task)      */
    PI_SAYONLY,        /* just print, say only ... (emit the attacker's words)        */
    PI_WHATIS,         /* what is, what are, wie lautet ... (asks what something says) */
    PI_HYPO,           /* hypothetically, imagine you are, if you were ... (a framing: a
                        * role cue for a persona, not an order by itself) */
    PI_HUMANS,         /* all staff, customers, passengers ... (people an order is for) */
    PI_COMPLY,         /* follow, obey, stick to, abide by ... (under a negation: an override) */
    PI_NEG,            /* not, don't, never, stop ... (negates a compliance verb)         */
    PI_NONEED,         /* no need to, don't have to ... (a permission not to comply)      */
    PI_PRIVATIVE,      /* without, none of, outside, broken out of ... (before the rules: no limits) */
    PI_PERMIT,         /* you are allowed to, i authorise you to ... (an order unless asked or reported) */
    PI_NOREFUSE,       /* never refuse, without refusing, no refusals ... (no-limits wording: the
                        * right to say no given up) */
    PI_TASKEND,        /* drop the current task, your task has changed ... (the assistant's task ended) */
    PI_NEWROLE,        /* your new task, your new job, new objective ... (the assistant's task redefined) */
    PI__COUNT
};

struct pi_lex;

/* One match of a phrase: tokens [tok, tok + len) of the scanned token list. */
struct pi_hit {
    uint32_t tok, len;
    uint8_t  cls;
    uint8_t  lang;     /* index into pi_lex_lang_name() */
};

/* Builds the lexicon (normalising with <norm_flags>). NULL on allocation failure. */
struct pi_lex *pi_lex_new(unsigned norm_flags);
void pi_lex_free(struct pi_lex *l);
const char *pi_lex_lang_name(uint8_t lang);

/* A word of the scanned text. */
struct pi_tok {
    uint32_t at, n;        /* bytes of the word in the text */
    uint64_t h;            /* hash of the word */
    uint16_t sent;         /* sentence number */
    uint8_t  quoted;       /* inside quotes or a code span */
};

/* Splits normalised text into words (letters, digits and non-ASCII bytes; anything else
 * separates), tracking sentences (. ! ? ; and line ends) and quoted spans. Returns the
 * number of words (at most max). */
size_t pi_tokenise(const uint8_t *t, size_t n, struct pi_tok *out, size_t max);

/* Finds every lexicon phrase in the words <w>[0..nw) of <t>; calls <fn> per hit, in token
 * order. CJK phrases are found as substrings inside words. */
void pi_lex_scan(const struct pi_lex *l, const uint8_t *t, const struct pi_tok *w, size_t nw,
                 void (*fn)(void *ctx, const struct pi_hit *h), void *ctx);

/* Compounds of German, Dutch and Swedish, written as one word: reports, for each word of
 * 8 bytes or more that ends in (at least 3 bytes more than) a one-word instruction, secret,
 * private-data or AI noun of those languages, a hit of that noun's class on the word
 * ("systemanweisungen", "gesprachsverlauf", "taalassistent"). */
void pi_lex_heads(const struct pi_lex *l, const uint8_t *t, const struct pi_tok *w, size_t nw,
                  void (*fn)(void *ctx, const struct pi_hit *h), void *ctx);

/* Bit per language (pi_lex_lang_name index) whose compounds pi_lex_heads() reads. */
uint64_t pi_lex_compound_langs(void);

/* False when pi_lex_scan() over the same words cannot report a phrase of a class in the
 * bit set <cls> (a first word of such a phrase, or a CJK word where one may sit, is
 * missing); true when it may. */
bool pi_lex_may_start(const struct pi_lex *l, const uint8_t *t, const struct pi_tok *w, size_t nw,
                      uint64_t cls);

/* Obfuscation variants of ASCII text whose words stay in place (ROT13: the same words,
 * letters rotated; reversal: the words reversed, in reverse order). */
enum pi_variant { PI_VAR_ROT13, PI_VAR_REVERSE, PI_VAR__N };

/* Indexes, for each variant, the words of a text that the variant turns into the first word
 * of a phrase of a class in the bit set <cls>. 0, or -1 on allocation failure. */
int pi_lex_index_variants(struct pi_lex *l, uint64_t cls);

/* <w>[0..nw): every word of ASCII-only text <t> (pi_tokenise not cut short by its max).
 * False when variant <v> of that text has no first word of an indexed phrase, so that
 * pi_lex_may_start() over the variant's words with the indexed classes is false too (a
 * word-for-word correspondence: ROT13 and reversal keep ASCII word boundaries). True when
 * it may, or when nothing is indexed. */
bool pi_lex_variant_may_start(const struct pi_lex *l, enum pi_variant v, const uint8_t *t, const struct pi_tok *w,
                              size_t nw);

/* Is the word at p[0..n) in a script written without spaces between words (CJK, kana,
 * Hangul, Thai)? Phrases are found inside such words as substrings. */
bool pi_nospace(const uint8_t *p, size_t n);

#endif
