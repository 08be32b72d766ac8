/* nDPI protocol classification of flows. Each flow gets an ndpi_flow_struct (from a pool)
 * for its first packets only: until nDPI decides, or IG_CLS_MAX_PKTS packets with payload,
 * after which the struct returns to the pool. HTTP/2 with prior knowledge is recognised
 * here from its connection preface (nDPI 4.2 has no HTTP/2 dissector). */
#include <stdlib.h>
#include <string.h>
#include <ndpi/ndpi_api.h>

#include "flow/flow_int.h"

#define IG_CLS_MAX_PKTS 16
#define IG_CLS_SLAB 16u
#define IG_CLS_IDS 1024u     /* protocol ids counted by name; larger ids land in the last */

struct ig_cls_slot { struct ig_cls_slot *next; };

struct ig_classifier {
    struct ndpi_detection_module_struct *ndpi;
    struct ig_cls_slot *free;       /* pooled ndpi_flow_struct memory */
    struct ig_slab *slabs;
    size_t flow_size;
    uint64_t by_id[IG_CLS_IDS];
    uint64_t http2;
};

const char *const ig_flow_proto_names[IG_FP_COUNT] = {
    [IG_FP_UNKNOWN] = "Unknown", [IG_FP_HTTP] = "HTTP", [IG_FP_HTTP2] = "HTTP/2",
    [IG_FP_TLS] = "TLS", [IG_FP_OTHER] = "other",
};

static const char h2_preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct ig_classifier *ig_flow_cls_new(void)
{
    struct ig_classifier *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->ndpi = ndpi_init_detection_module(ndpi_no_prefs);
    if (!c->ndpi) {
        free(c);
        return NULL;
    }
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(c->ndpi, &all);
    ndpi_finalize_initialization(c->ndpi);
    c->flow_size = (SIZEOF_FLOW_STRUCT + 15) & ~(size_t)15;
    return c;
}

void ig_flow_cls_free(struct ig_classifier *c)
{
    if (!c)
        return;
    while (c->slabs) {
        struct ig_slab *s = c->slabs;
        c->slabs = s->next;
        free(s);
    }
    ndpi_exit_detection_module(c->ndpi);
    free(c);
}

static struct ndpi_flow_struct *flow_get(struct ig_classifier *c)
{
    if (!c->free) {
        struct ig_slab *s = malloc(16 + IG_CLS_SLAB * c->flow_size);
        if (!s)
            return NULL;
        s->next = c->slabs;
        c->slabs = s;
        for (uint32_t i = 0; i < IG_CLS_SLAB; i++) {
            struct ig_cls_slot *slot = (struct ig_cls_slot *)((uint8_t *)s + 16 + i * c->flow_size);
            slot->next = c->free;
            c->free = slot;
        }
    }
    struct ig_cls_slot *slot = c->free;
    c->free = slot->next;
    memset(slot, 0, c->flow_size);   /* nDPI requires a zeroed flow */
    return (struct ndpi_flow_struct *)slot;
}

static void flow_put(struct ig_classifier *c, struct ndpi_flow_struct *f)
{
    ndpi_free_flow_data(f);          /* what nDPI allocated inside the flow */
    struct ig_cls_slot *slot = (struct ig_cls_slot *)f;
    slot->next = c->free;
    c->free = slot;
}

static uint8_t bucket_of(uint16_t master, uint16_t app)
{
    uint16_t id = master ? master : app;
    switch (id) {
    case NDPI_PROTOCOL_UNKNOWN:
        return IG_FP_UNKNOWN;
    case NDPI_PROTOCOL_HTTP: case NDPI_PROTOCOL_HTTP_PROXY: case NDPI_PROTOCOL_HTTP_CONNECT:
        return IG_FP_HTTP;
    case NDPI_PROTOCOL_TLS:
        return IG_FP_TLS;
    default:
        return IG_FP_OTHER;
    }
}

static void decided(struct ig_flow_table *t, struct ig_flow_entry *e, ndpi_protocol r)
{
    e->pub.ndpi_master = r.master_protocol;
    e->pub.ndpi_app = r.app_protocol;
    e->pub.classified = true;
    e->proto = e->http2 ? IG_FP_HTTP2 : bucket_of(r.master_protocol, r.app_protocol);
    if (e->ndpi) {
        flow_put(t->cls, e->ndpi);
        e->ndpi = NULL;
    }
}

void ig_flow_cls_packet(struct ig_flow_table *t, struct ig_flow_entry *e, const struct ig_packet *pkt,
                        enum ig_flow_dir dir)
{
    if (e->pub.classified || !t->cls)
        return;
    /* Not only the first payload packet: the server's SETTINGS may come before the preface. */
    if (dir == IG_DIR_TO_SERVER && pkt->payload_len >= 14 && memcmp(pkt->payload, h2_preface, 14) == 0) {
        e->http2 = true;
        decided(t, e, (ndpi_protocol)NDPI_PROTOCOL_NULL);
        return;
    }
    if (!e->ndpi) {
        e->ndpi = flow_get(t->cls);
        if (!e->ndpi)
            return;                  /* out of memory: the flow stays unclassified */
    }
    uint16_t len = (uint16_t)IG_MIN(pkt->l3_len, 65535u);
    ndpi_protocol r = ndpi_detection_process_packet(t->cls->ndpi, e->ndpi, pkt->l3, len,
                                                    pkt->ts_us / 1000);
    if (pkt->payload_len > 0)
        e->ndpi_payload_pkts++;
    if (r.master_protocol != NDPI_PROTOCOL_UNKNOWN || r.app_protocol != NDPI_PROTOCOL_UNKNOWN) {
        decided(t, e, r);
    } else if (e->ndpi_payload_pkts >= IG_CLS_MAX_PKTS) {
        uint8_t guessed = 0;
        decided(t, e, ndpi_detection_giveup(t->cls->ndpi, e->ndpi, 0, &guessed));
    }
}

void ig_flow_cls_finish(struct ig_flow_table *t, struct ig_flow_entry *e)
{
    if (!e->pub.classified && e->ndpi) {
        uint8_t guessed = 0;
        decided(t, e, ndpi_detection_giveup(t->cls->ndpi, e->ndpi, 0, &guessed));
    }
    if (e->ndpi) {
        flow_put(t->cls, e->ndpi);
        e->ndpi = NULL;
    }
    t->st.by_proto[e->proto]++;
    if (!t->cls)
        return;
    if (e->http2) {
        t->cls->http2++;
    } else {
        uint16_t id = e->pub.ndpi_master ? e->pub.ndpi_master : e->pub.ndpi_app;
        t->cls->by_id[IG_MIN(id, IG_CLS_IDS - 1)]++;
    }
}

void ig_flow_cls_counts_ranked(const struct ig_classifier *c,
                               void (*fn)(void *ctx, uint32_t rank, const char *proto, uint64_t flows),
                               void *ctx)
{
    if (!c)
        return;
    for (uint32_t id = 0; id < IG_CLS_IDS; id++) {
        if (!c->by_id[id])
            continue;
        const char *name = id == IG_CLS_IDS - 1 ? "other" : ndpi_get_proto_name(c->ndpi, (uint16_t)id);
        fn(ctx, id, name ? name : "other", c->by_id[id]);
    }
    if (c->http2)
        fn(ctx, IG_CLS_IDS, "HTTP/2", c->http2);
}

struct unranked { void (*fn)(void *ctx, const char *proto, uint64_t flows); void *ctx; };

static void drop_rank(void *ctx, uint32_t rank, const char *proto, uint64_t flows)
{
    (void)rank;
    struct unranked *u = ctx;
    u->fn(u->ctx, proto, flows);
}

void ig_flow_cls_counts(const struct ig_classifier *c,
                        void (*fn)(void *ctx, const char *proto, uint64_t flows), void *ctx)
{
    struct unranked u = { fn, ctx };
    ig_flow_cls_counts_ranked(c, drop_rank, &u);
}

bool ig_flow_is_http2(const struct ig_flow_table *t, const struct ig_flow *f)
{
    (void)t;
    return ((const struct ig_flow_entry *)f)->http2;
}

bool ig_flow_from_start(const struct ig_flow_table *t, const struct ig_flow *f)
{
    (void)t;
    return ((const struct ig_flow_entry *)f)->half[IG_DIR_TO_SERVER].state & IG_HALF_SYN;
}
