/* TCP reassembly of one direction. In-order data goes straight from the packet to the
 * data callback; only out-of-order bytes are copied, into pooled blocks. Overlap policy:
 * Linux's. Delivered bytes are final (a later copy that differs is an evasion, compared
 * against the last IG_HIST delivered bytes); for queued bytes the copy that starts first
 * wins (tcp_data_queue_ofo), and a differing copy is an evasion either way. Sequence
 * numbers are compared in serial-number arithmetic, so wrap-around at 2^32 is ordinary. */
#include <stdlib.h>
#include <string.h>

#include "flow/flow_int.h"

#define IG_BLK_SLAB 32u

struct ig_blk *ig_flow_blk_get(struct ig_flow_table *t)
{
    if (!t->free_blks) {
        /* one slab per 32 blocks: allocation happens while the queue grows, not per packet */
        struct ig_slab *s = malloc(sizeof(struct ig_slab) + 16 + IG_BLK_SLAB * sizeof(struct ig_blk));
        if (!s)
            return NULL;
        s->next = t->slabs;
        t->slabs = s;
        struct ig_blk *b = (struct ig_blk *)((uint8_t *)s + 16);
        for (uint32_t i = 0; i < IG_BLK_SLAB; i++) {
            b[i].next = t->free_blks;
            t->free_blks = &b[i];
        }
    }
    struct ig_blk *b = t->free_blks;
    t->free_blks = b->next;
    b->next = NULL;
    t->blk_mem += sizeof(struct ig_blk);
    return b;
}

void ig_flow_blk_put(struct ig_flow_table *t, struct ig_blk *b)
{
    b->next = t->free_blks;
    t->free_blks = b;
    t->blk_mem -= sizeof(struct ig_blk);
}

static void deliver(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir,
                    const uint8_t *p, size_t n, uint64_t ts)
{
    if (n == 0)
        return;
    /* keep the last IG_HIST bytes: later copies of them are compared (evasion) */
    struct ig_half *h = &e->half[dir];
    size_t from = n > IG_HIST ? n - IG_HIST : 0, k = n - from;
    size_t at = (h->next_seq + (uint32_t)from) % IG_HIST;
    size_t first = IG_MIN(k, IG_HIST - at);    /* two copies, not a byte loop: ~4 % of decoding */
    memcpy(h->hist + at, p + from, first);
    memcpy(h->hist, p + from + first, k - first);
    h->hist_len = (uint16_t)IG_MIN((size_t)h->hist_len + n, (size_t)IG_HIST);
    t->st.bytes_delivered += n;
    if (t->cb.data)
        t->cb.data(t->cb.ctx, &e->pub, dir, p, n, ts);
}

static void report_gap(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir,
                       uint64_t missing, uint64_t ts)
{
    if (missing == 0)
        return;
    e->half[dir].hist_len = 0;       /* the bytes before a hole are no longer contiguous */
    t->st.gaps++;
    t->st.gap_bytes += missing;
    if (t->cb.gap)
        t->cb.gap(t->cb.ctx, &e->pub, dir, missing, ts);
}

static void pop_head(struct ig_flow_table *t, struct ig_half *h)
{
    struct ig_blk *b = h->q;
    h->q = b->next;
    h->q_blocks--;
    h->q_bytes -= b->len;
    t->st.bytes_buffered -= b->len;
    ig_flow_blk_put(t, b);
}

/* Delivers queued blocks that are now contiguous with next_seq. */
static void drain(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir, uint64_t ts)
{
    struct ig_half *h = &e->half[dir];
    while (h->q) {
        struct ig_blk *b = h->q;
        int32_t off = ig_seq_diff(b->seq, h->next_seq);
        if (off > 0)
            break;
        /* a block can start before next_seq only when a truncated segment skipped ahead */
        if ((int64_t)off + b->len > 0) {
            uint32_t skip = h->next_seq - b->seq;   /* -off, without overflow */
            deliver(t, e, dir, b->data + skip, b->len - skip, ts);
            h->next_seq = b->seq + b->len;
        }
        pop_head(t, h);
    }
}

/* Gives up on the hole before the first queued block. */
static void skip_to_head(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir, uint64_t ts)
{
    struct ig_half *h = &e->half[dir];
    int32_t off = ig_seq_diff(h->q->seq, h->next_seq);
    if (off > 0) {
        report_gap(t, e, dir, (uint64_t)off, ts);
        h->next_seq = h->q->seq;
    }
    drain(t, e, dir, ts);
}

/* Bytes [seq, seq+n) of a new copy against the delivered ones still in the history: the
 * receiver kept the first copy; a different second one is a trick aimed at sensors that
 * would keep the last (Ptacek & Newsham 1998, 4.3). */
static void check_delivered(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir,
                            uint32_t seq, const uint8_t *p, uint32_t n)
{
    struct ig_half *h = &e->half[dir];
    uint32_t lo = h->next_seq - h->hist_len;
    if (ig_seq_diff(seq, lo) < 0) {
        uint32_t skip = lo - seq;   /* -ig_seq_diff(seq, lo), without overflow */
        if (skip >= n)
            return;
        seq += skip;
        p += skip;
        n -= skip;
    }
    n = IG_MIN(n, (uint32_t)IG_MAX(ig_seq_diff(h->next_seq, seq), 0));
    for (uint32_t i = 0; i < n; i++) {
        if (h->hist[(seq + i) % IG_HIST] == p[i])
            continue;
        uint8_t kept[24];
        uint32_t k = IG_MIN(n - i, 24u);
        for (uint32_t j = 0; j < k; j++)
            kept[j] = h->hist[(seq + i + j) % IG_HIST];
        char a[100], b[100];
        t->st.stream_conflicts++;
        ig_flow_evasion(t, e, IG_EVA_STREAM_OVERLAP,
                        "TCP %s data at seq %u overlaps delivered bytes with other bytes: kept \"%s\" "
                        "(the receiver's first copy), other copy \"%s\"",
                        dir == IG_DIR_TO_SERVER ? "client" : "server", seq + i,
                        ig_flow_excerpt(a, sizeof a, kept, k), ig_flow_excerpt(b, sizeof b, p + i, k));
        return;
    }
}

/* The queued run (contiguous blocks) containing block <b>: its first and end sequence. */
static void run_bounds(const struct ig_half *h, const struct ig_blk *b, uint32_t *rs, uint32_t *re)
{
    uint32_t start = h->q->seq, end = h->q->seq;
    for (const struct ig_blk *x = h->q; x; x = x->next) {
        if (x->seq != end)
            start = x->seq;
        end = x->seq + x->len;
        if (x == b) {
            for (const struct ig_blk *y = x->next; y && y->seq == end; y = y->next)
                end = y->seq + y->len;
            break;
        }
    }
    *rs = start;
    *re = end;
}

/* Queues [seq, seq+n) minus what is already queued. New bytes right
 * after a block with room are appended to it, so runs of small segments share blocks.
 * Returns false when a cap stops it (what was queued before stays); <*cap_hit> is 1 for
 * flow.stream_max_bytes (block memory of this direction), 2 for flow.memcap. */
static bool enqueue(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir,
                    uint32_t seg_start, uint32_t seg_end, uint32_t seq, const uint8_t *p,
                    uint32_t n, int *cap_hit)
{
    struct ig_half *h = &e->half[dir];
    uint32_t base = h->next_seq;
    uint32_t start = seq - base;
    uint32_t cur = start, end = cur + n;   /* offsets from next_seq, below 2^31 */
    struct ig_blk **link = &h->q, *prev = NULL;
    bool overlapped = false, conflict = false;

    while (cur < end) {
        while (*link && (*link)->seq - base + (*link)->len <= cur) {
            prev = *link;
            link = &prev->next;
        }
        struct ig_blk *b = *link;
        uint32_t boff = b ? b->seq - base : end;
        if (b && boff <= cur) {
            uint32_t stop = IG_MIN(end, boff + b->len);
            uint8_t *q = b->data + (cur - boff);
            const uint8_t *np = p + (cur - start);
            overlapped = true;
            if (memcmp(q, np, stop - cur) != 0) {
                /* Linux's out-of-order queue (tcp_data_queue_ofo): a segment that starts
                 * before a queued run, or at its start and past its end, replaces those
                 * bytes; one starting inside a run loses to it. */
                uint32_t rs, re;
                run_bounds(h, b, &rs, &re);
                bool wins = ig_seq_diff(seg_start, rs) < 0 || (seg_start == rs && ig_seq_diff(seg_end, re) > 0);
                if (!conflict) {
                    uint32_t i = 0;
                    while (q[i] == np[i])
                        i++;
                    uint32_t k = IG_MIN(stop - cur - i, 24u);
                    char a[100], c[100];
                    t->st.stream_conflicts++;
                    ig_flow_evasion(t, e, IG_EVA_STREAM_OVERLAP,
                                    "TCP %s data at seq %u overlaps queued bytes with other bytes: kept \"%s\" "
                                    "(as Linux reassembles), other copy \"%s\"",
                                    dir == IG_DIR_TO_SERVER ? "client" : "server", base + cur + i,
                                    ig_flow_excerpt(a, sizeof a, wins ? np + i : q + i, k),
                                    ig_flow_excerpt(c, sizeof c, wins ? q + i : np + i, k));
                }
                conflict = true;
                if (wins)
                    memcpy(q, np, stop - cur);
            }
            cur = stop;
            continue;
        }
        uint32_t piece_end = IG_MIN(end, boff);
        while (cur < piece_end) {
            if (prev && prev->seq - base + prev->len == cur && prev->len < IG_BLK_DATA) {
                uint32_t take = IG_MIN(piece_end - cur, IG_BLK_DATA - prev->len);
                memcpy(prev->data + prev->len, p + (cur - start), take);
                prev->len += take;
                h->q_bytes += take;
                t->st.bytes_buffered += take;
                cur += take;
                continue;
            }
            if ((uint64_t)(h->q_blocks + 1) * sizeof(struct ig_blk) > t->stream_max) {
                *cap_hit = 1;
                goto out;
            }
            if (t->blk_mem + t->st.active_flows * sizeof(struct ig_flow_entry) +
                sizeof(struct ig_blk) > t->memcap) {
                *cap_hit = 2;
                goto out;
            }
            struct ig_blk *nb = ig_flow_blk_get(t);
            if (!nb) {
                *cap_hit = 2;
                goto out;
            }
            uint32_t len = IG_MIN(piece_end - cur, IG_BLK_DATA);
            nb->seq = base + cur;
            nb->len = len;
            memcpy(nb->data, p + (cur - start), len);
            nb->next = *link;
            *link = nb;
            prev = nb;
            link = &nb->next;
            h->q_blocks++;
            h->q_bytes += len;
            t->st.bytes_buffered += len;
            cur += len;
        }
    }
out:
    if (overlapped)
        t->st.overlaps++;
    if (conflict)
        t->st.overlap_conflicts++;
    return cur >= end;
}

/* Handles the payload of one segment: <cap> captured bytes of <wire> on the wire. */
static void segment_data(struct ig_flow_table *t, struct ig_flow_entry *e, enum ig_flow_dir dir,
                         uint32_t seq, const uint8_t *p, uint32_t cap, uint32_t wire, uint64_t ts)
{
    struct ig_half *h = &e->half[dir];
    const uint32_t seg_start = seq, seg_end = seq + wire;
    for (;;) {
        int32_t rel = ig_seq_diff(seq, h->next_seq);
        if (rel < 0) {
            uint32_t old = h->next_seq - seq;   /* -rel without overflow at INT32_MIN */
            /* a keep-alive (RFC 9293 3.8.4) repeats the last byte with any value: no trick */
            if (!(wire == 1 && old == 1))
                check_delivered(t, e, dir, seq, p, IG_MIN(old, cap));
            if (old >= wire) {
                t->st.retransmits++;
                return;
            }
            t->st.overlaps++;            /* partly old: keep the new tail only */
            uint32_t c = IG_MIN(old, cap);
            p += c;
            cap -= c;
            wire -= old;
            seq += old;
            rel = 0;
        }
        if (rel == 0) {
            /* fast path: straight from the packet up to the first queued byte */
            uint32_t room = h->q ? (uint32_t)IG_MAX(ig_seq_diff(h->q->seq, seq), 0) : wire;
            uint32_t now = IG_MIN(room, wire);
            uint32_t now_cap = IG_MIN(now, cap);
            deliver(t, e, dir, p, now_cap, ts);
            if (now_cap < now && !h->q) {
                /* snaplen cut the segment: those bytes exist but were not captured */
                report_gap(t, e, dir, now - now_cap, ts);
                h->next_seq = seq + now;
            } else {
                h->next_seq = seq + now_cap;
            }
            if (now_cap < now || now == wire) {
                drain(t, e, dir, ts);
                return;
            }
            /* the rest overlaps queued data: enqueue resolves it as Linux does (this
             * segment started first, so it wins) and compares the two copies */
            p += now;
            cap -= now;
            wire -= now;
            seq += now;
        }
        int cap_hit = 0;
        if (enqueue(t, e, dir, seg_start, seg_end, seq, p, IG_MIN(cap, wire), &cap_hit)) {
            drain(t, e, dir, ts);
            return;
        }
        /* over a cap: the oldest hole will not be waited for any longer */
        if (cap_hit == 1)
            t->st.stream_cap_drops++;
        else
            t->st.memcap_drops++;
        if (h->q) {
            skip_to_head(t, e, dir, ts);
        } else {
            report_gap(t, e, dir, (uint64_t)ig_seq_diff(seq, h->next_seq), ts);
            h->next_seq = seq;
        }
    }
}

void ig_flow_reasm_segment(struct ig_flow_table *t, struct ig_flow_entry *e,
                           enum ig_flow_dir dir, const struct ig_packet *pkt)
{
    struct ig_half *h = &e->half[dir];
    uint32_t seq = pkt->seq;
    uint32_t wire = pkt->payload_wire_len;
    bool fin = pkt->tcp_flags & 0x01;

    if (pkt->tcp_flags & 0x02) {
        if (!(h->state & IG_HALF_KNOWN)) {
            h->isn = seq;
            h->next_seq = seq + 1;
            h->state |= IG_HALF_KNOWN | IG_HALF_SYN;
        }
        seq += 1;                         /* data on a SYN (fast open) follows the ISN */
    } else if (!(h->state & IG_HALF_KNOWN)) {
        if (wire == 0 && !fin)
            return;                       /* a bare ACK says nothing reliable yet */
        h->next_seq = seq;                /* mid-stream: start where we came in */
        h->state |= IG_HALF_KNOWN;
    }
    if (h->state & IG_HALF_DONE)
        return;                           /* after FIN: retransmissions only */
    t->st.segments++;
    if (fin && !ig_flow_fin_acceptable(t, e, dir, seq + wire))
        fin = false;                      /* ignored: the bytes it carries still count */
    if (wire > 0) {
        if (ig_seq_diff(seq, h->next_seq) > 0)
            t->st.out_of_order++;
        segment_data(t, e, dir, seq, pkt->payload, IG_MIN(pkt->payload_len, wire), wire, pkt->ts_us);
    }
    if (fin && !(h->state & IG_HALF_FIN)) {
        h->state |= IG_HALF_FIN;
        h->fin_seq = seq + wire;
    }
    if ((h->state & IG_HALF_FIN) && ig_seq_diff(h->next_seq, h->fin_seq) >= 0 && !h->q)
        h->state |= IG_HALF_DONE;
}

void ig_flow_reasm_drain_all(struct ig_flow_table *t, struct ig_flow_entry *e,
                             enum ig_flow_dir dir, uint64_t ts_us)
{
    struct ig_half *h = &e->half[dir];
    while (h->q)
        skip_to_head(t, e, dir, ts_us);
    /* bytes announced by a FIN that never showed up */
    if ((h->state & IG_HALF_FIN) && ig_seq_diff(h->fin_seq, h->next_seq) > 0) {
        report_gap(t, e, dir, (uint32_t)ig_seq_diff(h->fin_seq, h->next_seq), ts_us);
        h->next_seq = h->fin_seq;
    }
    h->state |= IG_HALF_DONE;
}

void ig_flow_reasm_release(struct ig_flow_table *t, struct ig_flow_entry *e)
{
    for (int d = 0; d < 2; d++)
        while (e->half[d].q)
            pop_head(t, &e->half[d]);
}
