/* IP fragment reassembly. A datagram's fragments are kept as they came (copies, sorted by
 * offset); once the last one is in and the bytes are contiguous, each byte is resolved in
 * arrival order by the configured policy and the datagram is rebuilt with the first
 * fragment's header. Length rules follow Linux's ip_frag_queue(): a last fragment that
 * contradicts the known end, data past the end, or an empty fragment discards the datagram;
 * a non-last fragment's length is cut to a multiple of 8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <inferguard/event.h>
#include "flow/defrag.h"

#define IG_DEFRAG_BUCKETS 4096u
#define IG_DEFRAG_MAX_FRAGS 4096u      /* per datagram: 8-byte fragments of a 32 KiB datagram */
#define IG_DEFRAG_MAX_V4 65535u
#define IG_DEFRAG_MAX_V6 65535u        /* payload length (jumbograms are not fragmented) */
#define OWNER_NONE 0xffffu

struct frag {
    struct frag *next;                 /* sorted by offset, then arrival */
    uint32_t off, len, order;
    uint8_t data[];
};

struct dgram {
    struct dgram *hnext, *lprev, *lnext;
    uint32_t hash;
    uint8_t  family, proto;
    uint8_t  src[16], dst[16];
    uint32_t id;
    uint64_t first_us;
    uint32_t end;                      /* data length once the last fragment is in */
    bool     last_seen, overlap;
    uint32_t nfrags, mem;
    uint8_t  hdr[60];                  /* IP header of the offset-0 fragment */
    uint8_t  hdr_len;
    uint32_t eva;                      /* IG_EVA_* seen on a fragment already dropped */
    struct frag *frags;
    char     note[IG_EVASION_NOTE_MAX];
};

struct ig_defrag {
    uint64_t memcap, timeout_us;
    enum ig_defrag_policy policy;
    uint32_t seed;
    struct dgram *buckets[IG_DEFRAG_BUCKETS];
    struct dgram *lru_head, *lru_tail; /* by creation: the head is the oldest */
    struct ig_defrag_stats st;
    /* work space of one reassembly */
    const struct frag *by_order[IG_DEFRAG_MAX_FRAGS];
    uint16_t owner[65536];
    uint8_t  out[60 + 65536];
    char     note[IG_EVASION_NOTE_MAX];
};

int ig_defrag_policy_parse(const char *s)
{
    static const char *const names[] = { "linux", "linux-old", "bsd", "first", "last", "windows", "solaris" };
    for (int i = 0; i < (int)IG_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static const char *policy_name(enum ig_defrag_policy p)
{
    static const char *const names[] = { "linux", "linux-old", "bsd", "first", "last", "windows", "solaris" };
    return names[p];
}

struct ig_defrag *ig_defrag_new(uint64_t memcap, uint64_t timeout_us, enum ig_defrag_policy policy)
{
    struct ig_defrag *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->memcap = memcap;
    d->timeout_us = timeout_us;
    d->policy = policy;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    d->seed = (uint32_t)ts.tv_nsec * 2654435761u ^ (uint32_t)(uintptr_t)d;
    return d;
}

static void dg_free(struct ig_defrag *d, struct dgram *g)
{
    struct dgram **pp = &d->buckets[g->hash % IG_DEFRAG_BUCKETS];
    while (*pp != g)
        pp = &(*pp)->hnext;
    *pp = g->hnext;
    if (g->lprev) g->lprev->lnext = g->lnext; else d->lru_head = g->lnext;
    if (g->lnext) g->lnext->lprev = g->lprev; else d->lru_tail = g->lprev;
    while (g->frags) {
        struct frag *f = g->frags;
        g->frags = f->next;
        free(f);
    }
    d->st.bytes_held -= g->mem;
    free(g);
}

void ig_defrag_free(struct ig_defrag *d)
{
    if (!d)
        return;
    while (d->lru_head)
        dg_free(d, d->lru_head);
    free(d);
}

void ig_defrag_tick(struct ig_defrag *d, uint64_t now_us)
{
    while (d->lru_head && d->lru_head->first_us + d->timeout_us <= now_us) {
        d->st.timeouts++;
        dg_free(d, d->lru_head);
    }
}

const struct ig_defrag_stats *ig_defrag_stats(const struct ig_defrag *d)
{
    return &d->st;
}

static uint32_t key_hash(const struct ig_defrag *d, const struct ig_packet *p)
{
    uint32_t h = d->seed ^ p->frag_id ^ ((uint32_t)p->family << 24);
    uint32_t words = p->family == 6 ? 4 : 1;
    for (uint32_t i = 0; i < words; i++) {
        uint32_t a, b;
        memcpy(&a, p->src + 4 * i, 4);
        memcpy(&b, p->dst + 4 * i, 4);
        h = (h ^ a) * 0x9e3779b1u;
        h = (h ^ b) * 0x85ebca77u;
        h ^= h >> 15;
    }
    if (p->family == 4)
        h = (h ^ p->ip_proto) * 0xc2b2ae3du;
    return h ^ (h >> 16);
}

static bool key_eq(const struct dgram *g, const struct ig_packet *p)
{
    size_t n = p->family == 6 ? 16 : 4;
    return g->family == p->family && g->id == p->frag_id &&
           (p->family == 6 || g->proto == p->ip_proto) &&
           memcmp(g->src, p->src, n) == 0 && memcmp(g->dst, p->dst, n) == 0;
}

/* Does a later fragment <n> win a byte held by an earlier <o>? (see defrag.h) */
static bool new_wins(enum ig_defrag_policy pol, const struct frag *o, const struct frag *n)
{
    uint32_t oend = o->off + o->len, nend = n->off + n->len;
    switch (pol) {
    case IG_DEFRAG_LAST:      return true;
    case IG_DEFRAG_BSD:       return n->off < o->off;
    case IG_DEFRAG_LINUX_OLD: return n->off <= o->off;
    case IG_DEFRAG_WINDOWS:   return n->off < o->off && nend > oend;
    case IG_DEFRAG_SOLARIS:   return n->off < o->off && nend >= oend;
    case IG_DEFRAG_LINUX:
    case IG_DEFRAG_FIRST:
    default:                  return false;
    }
}

/* Printable excerpt of <n> bytes: \xNN for the rest, quotes escaped. */
static size_t excerpt(char *dst, size_t cap, const uint8_t *p, size_t n)
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
    return w;
}

static void conflict_note(struct ig_defrag *d, const struct dgram *g, uint32_t pos,
                          const uint8_t *kept, const uint8_t *other, uint32_t n, const char *what)
{
    char a[80], b[80];
    n = IG_MIN(n, 24u);
    excerpt(a, sizeof a, kept, n);
    excerpt(b, sizeof b, other, n);
    int w = snprintf(d->note, sizeof d->note,
             "IPv%d fragments id 0x%x overlap at offset %u with different bytes (policy %s, %s): "
             "kept \"%s\", other copy \"%s\"",
             g->family, g->id, pos, policy_name(d->policy), what, a, b);
    (void)w;   /* a long excerpt may be cut: the note is evidence, not data */
}

/* Rebuilds the datagram in d->out: header of the offset-0 fragment, data resolved byte
 * by byte in arrival order. Returns its length; sets out->evasion and the note. */
static uint32_t rebuild(struct ig_defrag *d, struct dgram *g, struct ig_defrag_out *out)
{
    for (const struct frag *f = g->frags; f; f = f->next)
        d->by_order[f->order] = f;
    uint8_t *data = d->out + g->hdr_len;
    bool conflict = false;
    uint32_t cpos = 0, cother = 0;
    if (!g->overlap) {
        for (const struct frag *f = g->frags; f; f = f->next)
            memcpy(data + f->off, f->data, f->len);
    } else {
        for (uint32_t i = 0; i < g->end; i++)
            d->owner[i] = OWNER_NONE;
        for (uint32_t k = 0; k < g->nfrags; k++) {
            const struct frag *f = d->by_order[k];
            if (!f)
                continue;   /* a fragment dropped on the way (not stored) */
            for (uint32_t i = 0; i < f->len; i++) {
                uint32_t b = f->off + i;
                uint16_t o = d->owner[b];
                if (o == OWNER_NONE) {
                    d->owner[b] = (uint16_t)k;
                    continue;
                }
                const struct frag *of = d->by_order[o];
                bool differs = of->data[b - of->off] != f->data[i];
                bool wins = new_wins(d->policy, of, f);
                if (differs && !conflict) {
                    conflict = true;
                    cpos = b;
                    cother = wins ? o : k;   /* the copy that loses */
                }
                if (wins)
                    d->owner[b] = (uint16_t)k;
            }
        }
        for (uint32_t b = 0; b < g->end; b++) {
            const struct frag *f = d->by_order[d->owner[b]];
            data[b] = f->data[b - f->off];
        }
    }
    if (g->eva) {
        out->evasion |= g->eva;
        memcpy(d->note, g->note, sizeof d->note);
        out->note = d->note;
    }
    d->st.overlaps += g->overlap && !g->eva;
    if (conflict) {
        d->st.conflicts++;
        const struct frag *lo = d->by_order[cother];
        uint32_t run = IG_MIN(lo->off + lo->len - cpos, g->end - cpos);
        conflict_note(d, g, cpos, data + cpos, lo->data + (cpos - lo->off), run, "datagram delivered");
        out->evasion |= IG_EVA_FRAG_OVERLAP;
        out->note = d->note;
    }
    for (uint32_t k = 0; k < g->nfrags; k++)
        d->by_order[k] = NULL;
    /* the header: lengths and fragment fields of a whole datagram */
    memcpy(d->out, g->hdr, g->hdr_len);
    uint32_t total = g->hdr_len + g->end;
    if (g->family == 4) {
        d->out[2] = (uint8_t)(total >> 8);
        d->out[3] = (uint8_t)total;
        d->out[6] = 0;
        d->out[7] = 0;
        d->out[10] = d->out[11] = 0;
        uint16_t c = (uint16_t)~ig_csum_fold(ig_csum_add(0, d->out, g->hdr_len));
        d->out[10] = (uint8_t)(c >> 8);
        d->out[11] = (uint8_t)c;
    } else {
        d->out[4] = (uint8_t)(g->end >> 8);
        d->out[5] = (uint8_t)g->end;
        d->out[6] = g->proto;
    }
    return total;
}

/* Drops <g> because its host would; when the offset-0 fragment is known, hands it on
 * (header only) so that the flow it belongs to hears of the trick. */
static int discard(struct ig_defrag *d, struct dgram *g, struct ig_defrag_out *out, uint32_t eva)
{
    int rc = IG_AGAIN;
    const struct frag *f0 = g->frags && g->frags->off == 0 ? g->frags : NULL;
    if (eva && f0 && g->hdr_len) {
        uint32_t n = IG_MIN(f0->len, 60u);
        memcpy(d->out, g->hdr, g->hdr_len);
        memcpy(d->out + g->hdr_len, f0->data, n);
        uint32_t total = g->hdr_len + n;
        if (g->family == 4) {
            d->out[2] = (uint8_t)(total >> 8);
            d->out[3] = (uint8_t)total;
            d->out[6] = d->out[7] = 0;
            d->out[10] = d->out[11] = 0;
            uint16_t c = (uint16_t)~ig_csum_fold(ig_csum_add(0, d->out, g->hdr_len));
            d->out[10] = (uint8_t)(c >> 8);
            d->out[11] = (uint8_t)c;
        } else {
            d->out[4] = 0;
            d->out[5] = (uint8_t)n;
            d->out[6] = g->proto;
        }
        out->dgram = d->out;
        out->len = total;
        out->evasion_only = true;
        out->evasion = eva;
        out->note = d->note;
        rc = IG_OK;
    }
    dg_free(d, g);
    return rc;
}

int ig_defrag_feed(struct ig_defrag *d, const struct ig_packet *p, struct ig_defrag_out *out)
{
    memset(out, 0, sizeof *out);
    d->st.fragments++;
    ig_defrag_tick(d, p->ts_us);
    if (p->payload_len < p->payload_wire_len) {
        d->st.bad++;                     /* snaplen cut it: the datagram cannot be rebuilt */
        return IG_AGAIN;
    }
    uint32_t off = p->frag_off, len = p->payload_wire_len;
    if (p->frag_mf)
        len &= ~7u;
    uint32_t end = off + len;
    uint32_t hl = (uint32_t)(p->payload - p->l3);
    uint32_t limit = p->family == 4 ? IG_DEFRAG_MAX_V4 - 20 : IG_DEFRAG_MAX_V6;

    uint32_t h = key_hash(d, p);
    struct dgram *g = d->buckets[h % IG_DEFRAG_BUCKETS];
    while (g && !(g->hash == h && key_eq(g, p)))
        g = g->hnext;
    if (end > limit) {
        d->st.bad++;
        if (g)
            dg_free(d, g);
        return IG_AGAIN;
    }
    if (!g) {
        if (sizeof *g > d->memcap)
            return IG_AGAIN;
        g = calloc(1, sizeof *g);
        if (!g) {
            d->st.memcap_drops++;
            return IG_AGAIN;
        }
        g->hash = h;
        g->family = p->family;
        g->proto = p->ip_proto;
        memcpy(g->src, p->src, 16);
        memcpy(g->dst, p->dst, 16);
        g->id = p->frag_id;
        g->first_us = p->ts_us;
        g->mem = sizeof *g;
        d->st.bytes_held += g->mem;
        struct dgram **b = &d->buckets[h % IG_DEFRAG_BUCKETS];
        g->hnext = *b;
        *b = g;
        g->lprev = d->lru_tail;
        if (d->lru_tail) d->lru_tail->lnext = g; else d->lru_head = g;
        d->lru_tail = g;
    }
    /* Linux's length rules (ip_frag_queue) */
    if (!p->frag_mf) {
        if ((g->last_seen && end != g->end) || end < g->end) {
            d->st.bad++;
            snprintf(d->note, sizeof d->note, "IPv%d fragments id 0x%x: last fragment ends at %u, "
                     "another at %u: datagram discarded", g->family, g->id, end, g->end);
            return discard(d, g, out, IG_EVA_FRAG_DROPPED);
        }
        g->last_seen = true;
        g->end = end;
    } else if (end > g->end) {
        if (g->last_seen) {
            d->st.bad++;
            snprintf(d->note, sizeof d->note, "IPv%d fragments id 0x%x: data at %u past the end %u: "
                     "datagram discarded", g->family, g->id, end, g->end);
            return discard(d, g, out, IG_EVA_FRAG_DROPPED);
        }
        g->end = end;
    }
    if (end == off || g->nfrags >= IG_DEFRAG_MAX_FRAGS) {
        d->st.bad++;
        dg_free(d, g);
        return IG_AGAIN;
    }

    /* Overlap with what is held: Linux keeps a fragment wholly inside held data out (first
     * copy wins) and discards the datagram for any other overlap (inet_frag_queue_insert). */
    uint32_t covered = 0;
    bool touches = false;
    const struct frag *clash = NULL;
    for (const struct frag *f = g->frags; f; f = f->next) {
        uint32_t a = IG_MAX(f->off, off), b = IG_MIN(f->off + f->len, end);
        if (a >= b)
            continue;
        touches = true;
        covered += b - a;   /* held fragments may overlap each other (other policies) */
        if (!clash && memcmp(f->data + (a - f->off), p->payload + (a - off), b - a) != 0)
            clash = f;
    }
    if (touches) {
        g->overlap = true;
        if (clash) {
            uint32_t a = IG_MAX(clash->off, off), b = IG_MIN(clash->off + clash->len, end);
            uint32_t i = 0;
            while (clash->data[a - clash->off + i] == p->payload[a - off + i])
                i++;   /* clash says some byte of [a, b) differs */
            a += i;
            if (d->policy == IG_DEFRAG_LINUX && covered < len)
                conflict_note(d, g, a, clash->data + (a - clash->off), p->payload + (a - off), b - a,
                              "datagram discarded");
            else if (d->policy == IG_DEFRAG_LINUX)
                conflict_note(d, g, a, clash->data + (a - clash->off), p->payload + (a - off), b - a,
                              "later copy ignored");
        }
        if (d->policy == IG_DEFRAG_LINUX) {
            if (covered >= len) {
                /* a duplicate of held bytes: ignored, like IPFRAG_DUP */
                d->st.overlaps++;
                if (clash && !g->eva) {
                    d->st.conflicts++;
                    /* the datagram may still complete: the note travels with it */
                    g->eva |= IG_EVA_FRAG_OVERLAP;
                    memcpy(g->note, d->note, sizeof g->note);
                }
                return IG_AGAIN;
            }
            d->st.overlaps++;
            d->st.overlap_discards++;
            if (clash)
                d->st.conflicts++;
            else
                snprintf(d->note, sizeof d->note, "IPv%d fragments id 0x%x overlap at offset %u "
                         "(same bytes): datagram discarded (policy linux)", g->family, g->id, off);
            return discard(d, g, out, IG_EVA_FRAG_DROPPED | (clash ? IG_EVA_FRAG_OVERLAP : 0));
        }
    }

    /* store it */
    uint64_t need = sizeof(struct frag) + len;
    while (d->st.bytes_held + need > d->memcap && d->lru_head && d->lru_head != g) {
        d->st.memcap_drops++;
        dg_free(d, d->lru_head);
    }
    if (d->st.bytes_held + need > d->memcap) {
        d->st.memcap_drops++;
        dg_free(d, g);
        return IG_AGAIN;
    }
    struct frag *nf = malloc(need);
    if (!nf) {
        d->st.memcap_drops++;
        dg_free(d, g);
        return IG_AGAIN;
    }
    nf->off = off;
    nf->len = len;
    nf->order = g->nfrags++;
    memcpy(nf->data, p->payload, len);
    struct frag **pp = &g->frags;
    while (*pp && (*pp)->off <= off)
        pp = &(*pp)->next;
    nf->next = *pp;
    *pp = nf;
    g->mem += (uint32_t)need;
    d->st.bytes_held += need;
    if (off == 0) {
        if (p->family == 4) {
            g->hdr_len = (uint8_t)IG_MIN(hl, 60u);
            memcpy(g->hdr, p->l3, g->hdr_len);
        } else {
            g->hdr_len = 40;                 /* extension headers before the fragment header are dropped */
            memcpy(g->hdr, p->l3, 40);
            g->proto = p->ip_proto;          /* RFC 8200 4.5: the offset-0 fragment's next header */
        }
    }
    if (!g->last_seen || !g->hdr_len)
        return IG_AGAIN;
    uint32_t reach = 0;
    for (const struct frag *f = g->frags; f; f = f->next) {
        if (f->off > reach)
            return IG_AGAIN;
        reach = IG_MAX(reach, f->off + f->len);
    }
    if (reach < g->end)
        return IG_AGAIN;
    out->len = rebuild(d, g, out);
    out->dgram = d->out;
    d->st.reassembled++;
    dg_free(d, g);
    return IG_OK;
}
