/* Inspection buffers, after Suricata's: the normalised and decoded forms of an event's
 * text, built on first use and shared by every detector that reads them during that event
 * (prompt_injection.signature, leakage.divergence, leakage.system_prompt), so a prompt is
 * normalised and its Base64 decoded once per event, not once per detector. They live in
 * the per-event scratch (found through ig_scratch.memo), so the next event starts afresh. */
#ifndef IG_TEXT_INSPECT_H
#define IG_TEXT_INSPECT_H

#include <inferguard/detector.h>

/* One decoded Base64 run: where it sat in the raw text, where its normalised text is. */
struct ig_insp_run {
    size_t raw_at;
    size_t at, n;
};

struct ig_insp_buf {
    const uint8_t *p;
    size_t n;                  /* the plain text, then each decoded run after a line break */
    size_t plain;              /* bytes of the plain text */
    const struct ig_insp_run *run;
    uint32_t nrun;
};

enum ig_insp_id {
    IG_INSP_PROMPT_TEXT,       /* prompt: NFKC subset, zero-width/tag characters, look-alikes,
                                * lower case, spaces collapsed, line breaks kept
                                * (IG_NORM_FOLD|LOWER|WS|NL); decoded Base64 runs after it */
    IG_INSP_PROMPT_WORDS,      /* the same with punctuation and line breaks as single spaces
                                * (what IG_NORM_WORDS|IG_NORM_B64 gives) */
    IG_INSP__N
};

#define IG_INSP_MAX_RUNS 32

/* Buffer <id> of <ev>, built now unless this event built it already. NULL when the
 * scratch is exhausted. Valid until the scratch is reset (the next event). */
const struct ig_insp_buf *ig_inspect(struct ig_scratch *sc, const struct ig_event *ev,
                                     enum ig_insp_id id);

#endif
