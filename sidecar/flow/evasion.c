/* Evasion bookkeeping of the flow table, used by the table (flow.c) and reassembly
 * (reasm.c) alike: the marks a connection carries once it showed a trick, their printable
 * evidence, and which TCP control segments the server's stack would ignore (RFC 5961,
 * RFC 793 3.9), so a decoy RST or FIN is remembered instead of ending the stream. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "flow/flow_int.h"

char *ig_flow_excerpt(char *dst, size_t cap, const uint8_t *p, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n && w + 5 < cap; i++) {
        uint8_t c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            dst[w++] = (char)c;
        else
            w += (size_t)snprintf(dst + w, cap - w, "\\x%02x", c);
    }
    dst[w] = '\0';
    return dst;
}

void ig_flow_evasion(struct ig_flow_table *t, struct ig_flow_entry *e, uint32_t bit, const char *fmt, ...)
{
    if (!e->pub.evasion)
        t->st.evasion_flows++;
    e->pub.evasion |= bit;
    if (e->pub.evasion_note)
        return;
    e->pub.evasion_note = malloc(IG_EVASION_NOTE_MAX);
    if (!e->pub.evasion_note)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->pub.evasion_note, IG_EVASION_NOTE_MAX, fmt, ap);
    va_end(ap);
}

/* The receive window of the side that gets <dir>'s segments, in bytes; when the
 * handshake was not seen the scale is unknown and the largest one is assumed. */
uint64_t ig_flow_rcv_window(const struct ig_flow_entry *e, enum ig_flow_dir dir)
{
    const struct ig_half *r = &e->half[!dir], *s = &e->half[dir];
    unsigned scale = 14;
    if ((r->state & IG_HALF_SYN) && (s->state & IG_HALF_SYN))
        scale = (r->wscale != 0xff && s->wscale != 0xff) ? r->wscale : 0;   /* RFC 7323 2.2 */
    uint64_t w = (uint64_t)(r->win ? r->win : 65535) << scale;
    return IG_MAX(w, 65535u);   /* slack: a window update may be in flight */
}

bool ig_flow_rst_acceptable(const struct ig_flow_entry *e, enum ig_flow_dir dir, uint32_t seq, bool *in_window)
{
    const struct ig_half *s = &e->half[dir], *r = &e->half[!dir];
    *in_window = false;
    if (!(s->state & IG_HALF_KNOWN))
        return true;
    if (seq == s->next_seq || (r->ack_known && seq == r->ack))
        return true;
    if ((s->state & IG_HALF_FIN) && (seq == s->fin_seq || seq == s->fin_seq + 1))
        return true;
    int32_t d = ig_seq_diff(seq, s->next_seq);
    *in_window = d >= 0 && (uint64_t)d < ig_flow_rcv_window(e, dir);
    return false;
}

void ig_flow_ctl_ignored(struct ig_flow_entry *e, uint64_t *counter, const char *what, uint32_t seq, uint32_t expect)
{
    (*counter)++;
    if (e->ctl_pending)
        return;
    e->ctl_pending = 1;
    snprintf(e->ctl_what, sizeof e->ctl_what, "%s seq %u where the receiver expects %u", what, seq, expect);
}

bool ig_flow_fin_acceptable(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir, uint32_t fpos)
{
    struct ig_half *h = &e->half[dir];
    if ((h->state & IG_HALF_FIN) && fpos == h->fin_seq)
        return true;
    const char *why = NULL;
    if (h->state & IG_HALF_FIN)
        why = "second FIN at another place";
    else if (ig_seq_diff(fpos, h->next_seq) < 0)
        why = "stale FIN (below the bytes already received)";
    else if ((uint64_t)ig_seq_diff(fpos, h->next_seq) > ig_flow_rcv_window(e, dir))
        why = "FIN beyond the receive window";
    if (!why)
        return true;
    ig_flow_ctl_ignored(e, &t->st.fin_ignored, why, fpos, h->next_seq);
    return false;
}
