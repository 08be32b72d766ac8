/* SSE reassembly: a byte-at-a-time state machine, so no line is ever buffered twice and
 * any split of the input gives the same events. */
#include "adapters/ad_openai_sse.h"
#include "core/bytescan.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { ST_FIELD = 0, ST_VALUE_START, ST_VALUE };

/* First '\r' or '\n' in [p, e), or e: a data line (a whole stream chunk's JSON) 16 bytes
 * a step with SSE2, part of x86-64 itself (no run-time choice); the tail, and other
 * machines, take bytescan.h's 8-byte loop. */
static inline const uint8_t *line_end(const uint8_t *p, const uint8_t *e)
{
#ifdef __SSE2__
    const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        if (m)
            return p + __builtin_ctz(m);
        p += 16;
    }
#endif
    return ig_find_eol(p, e);
}

int ig_sse_init(struct ig_sse *sse, struct ig_scratch *s, size_t max_event)
{
    memset(sse, 0, sizeof *sse);
    if (max_event == 0)
        return IG_OK;
    sse->data = ig_scratch_alloc(s, max_event);
    if (!sse->data)
        return IG_ENOMEM;
    sse->dcap = max_event;
    return IG_OK;
}

static bool field_is_data(const struct ig_sse *sse)
{
    return sse->flen == 4 && memcmp(sse->field, "data", 4) == 0;
}

static void put(struct ig_sse *sse, uint8_t c)
{
    if (sse->dlen < sse->dcap)
        sse->data[sse->dlen++] = c;
    else
        sse->oversize = true;
}

static int dispatch(struct ig_sse *sse, ig_sse_event_fn fn, void *ctx)
{
    int rc = IG_OK;
    if (sse->has_data) {
        if (sse->oversize) {
            sse->dropped_oversize++;
        } else {
            size_t n = sse->dlen;
            if (n && sse->data[n - 1] == '\n')
                n--;   /* the newline after the last data line is not part of the data */
            sse->events++;
            rc = fn(ctx, (struct ig_span){ sse->data, n });
        }
    }
    sse->dlen = 0;
    sse->has_data = sse->oversize = false;
    return rc < 0 ? rc : IG_OK;
}

/* End of one line: a blank line dispatches, a data line contributes its newline. */
static int end_line(struct ig_sse *sse, ig_sse_event_fn fn, void *ctx)
{
    int rc = IG_OK;
    if (sse->state == ST_FIELD && sse->flen == 0) {
        rc = dispatch(sse, fn, ctx);
    } else if (field_is_data(sse)) {
        sse->has_data = true;
        put(sse, '\n');
    }
    sse->state = ST_FIELD;
    sse->flen = 0;
    return rc;
}

int ig_sse_feed(struct ig_sse *sse, const uint8_t *p, size_t n, ig_sse_event_fn fn, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (sse->after_cr) {
            sse->after_cr = false;
            if (c == '\n')
                continue;
        }
        if (c == '\r' || c == '\n') {
            sse->after_cr = c == '\r';
            int rc = end_line(sse, fn, ctx);
            if (rc < 0)
                return rc;
            continue;
        }
        switch (sse->state) {
        case ST_FIELD:
            if (c == ':') {
                sse->state = ST_VALUE_START;
            } else if (sse->flen < sizeof sse->field) {
                sse->field[sse->flen++] = c;
            } else {
                sse->flen = sizeof sse->field;   /* longer than any field we use */
            }
            break;
        case ST_VALUE_START:
            sse->state = ST_VALUE;
            if (c == ' ')
                break;
            /* fall through */
        case ST_VALUE:
            if (field_is_data(sse)) {
                size_t j = (size_t)(line_end(p + i, p + n) - p);
                /* An event of this one data line, all of it and its blank line in this input (a
                 * stream chunk as servers send them): handed out from the input, as the
                 * copy below would hand it out (its own newline, which needs a byte of
                 * room, dropped). */
                if (!sse->has_data && sse->dlen == 0 && !sse->oversize && j < n && j - i < sse->dcap) {
                    size_t k = j + 1 + (p[j] == '\r' && j + 1 < n && p[j + 1] == '\n');
                    if (k < n && (p[k] == '\r' || p[k] == '\n')) {
                        sse->events++;
                        int rc = fn(ctx, (struct ig_span){ p + i, j - i });
                        sse->dlen = 0;
                        sse->oversize = false;
                        sse->state = ST_FIELD;
                        sse->flen = 0;
                        sse->after_cr = p[k] == '\r';
                        i = k;
                        if (rc < 0)
                            return rc;
                        continue;
                    }
                }
                /* Copy the run up to the end of the line at once. */
                size_t run = j - i, room = sse->dcap - sse->dlen;
                if (run > room) {
                    run = room;
                    sse->oversize = true;
                }
                if (run)
                    memcpy(sse->data + sse->dlen, p + i, run);
                sse->dlen += run;
                i = j - 1;
            }
            break;
        }
    }
    return IG_OK;
}

int ig_sse_end(struct ig_sse *sse, ig_sse_event_fn fn, void *ctx)
{
    int rc = IG_OK;
    if (sse->state != ST_FIELD || sse->flen)
        rc = end_line(sse, fn, ctx);
    if (rc >= 0)
        rc = dispatch(sse, fn, ctx);
    sse->after_cr = false;
    return rc;
}
