/* Server-sent events (text/event-stream) reassembly, as OpenAI-style APIs stream completions:
 * "data: {json}" lines, events separated by a blank line, "data: [DONE]" at the end.
 * Incremental: bytes may arrive in any split (inside a field name, between CR and LF,
 * inside the JSON); events are handed out whole. Follows the WHATWG parsing rules: CRLF, LF
 * or CR end a line; ':' starts a comment; several data lines join with '\n'; one space
 * after the colon is dropped; fields other than data are ignored. */
#ifndef IG_ADAPTERS_AD_OPENAI_SSE_H
#define IG_ADAPTERS_AD_OPENAI_SSE_H

#include <inferguard/base.h>

/* Called with each complete event's data (valid until it returns); < 0 stops feeding. */
typedef int (*ig_sse_event_fn)(void *ctx, struct ig_span data);

struct ig_sse {
    uint8_t *data;            /* the event being assembled (scratch) */
    size_t   dlen, dcap;
    uint8_t  field[8];        /* field name of the current line, first bytes */
    uint8_t  flen;
    uint8_t  state;           /* position within the current line */
    bool     after_cr;        /* last byte was CR: a following LF belongs to it */
    bool     has_data;        /* a data field was seen for this event */
    bool     oversize;        /* this event outgrew dcap: it is dropped */
    uint64_t events, dropped_oversize;
};

/* Takes event buffer space (max_event bytes) from <s>. Returns IG_OK or IG_ENOMEM. */
int  ig_sse_init(struct ig_sse *sse, struct ig_scratch *s, size_t max_event);
/* Feeds <n> bytes; calls <fn> per complete event. Returns IG_OK, or what fn returned
 * when it was negative (feeding stops there). Keeps no pointer to <p>. */
int  ig_sse_feed(struct ig_sse *sse, const uint8_t *p, size_t n, ig_sse_event_fn fn, void *ctx);
/* End of stream: an unterminated last line or event is still delivered (a capture may
 * end before the closing blank line). */
int  ig_sse_end(struct ig_sse *sse, ig_sse_event_fn fn, void *ctx);

#endif
