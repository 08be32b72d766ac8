/* Inspection buffers (inspect.h). */
#include "text/inspect.h"
#include "text/normalise.h"

#include <string.h>

#define TEXT_FLAGS (IG_NORM_FOLD | IG_NORM_LOWER | IG_NORM_WS | IG_NORM_NL)

struct memo {
    const struct ig_event *ev;
    const uint8_t *src;
    size_t srcn;
    bool built[IG_INSP__N];
    struct ig_insp_buf buf[IG_INSP__N];
    struct ig_insp_run run[IG_INSP_MAX_RUNS];
};

static struct memo *memo_of(struct ig_scratch *sc, const struct ig_event *ev)
{
    struct memo *m = sc->memo;
    if (m && m->ev == ev && m->src == ev->prompt.p && m->srcn == ev->prompt.n)
        return m;
    m = ig_scratch_alloc(sc, sizeof *m);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->ev = ev;
    m->src = ev->prompt.p;
    m->srcn = ev->prompt.n;
    sc->memo = m;
    return m;
}

static bool build_text(struct ig_scratch *sc, const struct ig_event *ev, struct memo *m)
{
    const uint8_t *in = ev->prompt.p;
    size_t n = ev->prompt.n, cap = 2 * n + 16;
    uint8_t *out = ig_scratch_alloc(sc, cap), *dec = ig_scratch_alloc(sc, n / 4 * 3 + 8);
    if (!out || !dec)
        return false;
    size_t o = ig_text_normalise(in, n, out, cap, TEXT_FLAGS), pos = 0, at, dn;
    struct ig_insp_buf *b = &m->buf[IG_INSP_PROMPT_TEXT];
    b->plain = o;
    b->nrun = 0;
    while (b->nrun < IG_INSP_MAX_RUNS && (dn = ig_text_b64_next(in, n, &pos, dec, &at)) > 0) {
        if (o + 1 + dn > cap)
            break;
        out[o++] = '\n';
        size_t w = ig_text_normalise(dec, dn, out + o, cap - o, TEXT_FLAGS);
        m->run[b->nrun++] = (struct ig_insp_run){ at, o, w };
        o += w;
    }
    b->p = out;
    b->n = o;
    b->run = m->run;
    return true;
}

static bool build_words(struct ig_scratch *sc, struct memo *m)
{
    const struct ig_insp_buf *t = &m->buf[IG_INSP_PROMPT_TEXT];
    uint8_t *out = ig_scratch_alloc(sc, t->n + 1);
    if (!out)
        return false;
    /* already folded and lower case: only punctuation and spacing change */
    const unsigned fl = IG_NORM_PUNCT | IG_NORM_WS;
    size_t o = ig_text_normalise(t->p, t->plain, out, t->n + 1, fl);
    struct ig_insp_buf *b = &m->buf[IG_INSP_PROMPT_WORDS];
    b->plain = o;
    for (uint32_t i = 0; i < t->nrun; i++) {
        out[o++] = ' ';
        o += ig_text_normalise(t->p + t->run[i].at, t->run[i].n, out + o, t->n + 1 - o, fl);
    }
    b->p = out;
    b->n = o;
    b->run = NULL;
    b->nrun = 0;
    return true;
}

const struct ig_insp_buf *ig_inspect(struct ig_scratch *sc, const struct ig_event *ev,
                                     enum ig_insp_id id)
{
    struct memo *m = memo_of(sc, ev);
    if (!m || (unsigned)id >= IG_INSP__N)
        return NULL;
    if (!m->built[IG_INSP_PROMPT_TEXT]) {
        if (!build_text(sc, ev, m))
            return NULL;
        m->built[IG_INSP_PROMPT_TEXT] = true;
    }
    if (id == IG_INSP_PROMPT_WORDS && !m->built[id]) {
        if (!build_words(sc, m))
            return NULL;
        m->built[id] = true;
    }
    return &m->buf[id];
}
