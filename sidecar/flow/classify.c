/* nDPI protocol classification of flows. Each flow gets an ndpi_flow_struct (from a pool)
 * for its first packets only: until nDPI decides, or IG_CLS_MAX_PKTS packets with payload,
 * after which the struct returns to the pool. HTTP/2 with prior knowledge is recognised
 * here from its connection preface (nDPI 4.2 has no HTTP/2 dissector).
 *
 * What nDPI allocates while it classifies a flow (its HTTP dissector copies the URL, the
 * user agent and the content type: 3 blocks per connection, freed with the flow's data)
 * comes from a small pool of the classifier, not the heap. nDPI has one process-wide pair of
 * allocator hooks (set_ndpi_malloc/set_ndpi_free); they find the classifier at work through
 * a thread-local pointer set only while this file calls into nDPI for it, so anything
 * allocated outside those calls stays on the heap. A block is the pool's when its address is
 * inside the classifier's pool region; nDPI frees its flow data only inside those calls
 * (ndpi_free_flow_data here, ndpi_exit_detection_module at the end). nDPI's start-up tables
 * (made inside ig_flow_cls_new's calls) are cut in order from one block of the classifier,
 * which ndpi_exit_detection_module's frees leave alone and which is released whole after it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <ndpi/ndpi_api.h>

#include "flow/flow_int.h"

#define IG_CLS_MAX_PKTS 16
#define IG_CLS_SLAB 16u
#define IG_CLS_IDS 1024u     /* protocol ids counted by name; larger ids land in the last */

/* The pool: one region cut into a range per size class (32, 64, ... 512 bytes); a block's
 * class is the range its address falls in. Pages are touched only as blocks are first used;
 * a class whose range is used up, or a larger request, goes to the heap (counted). */
#define IG_CLS_POOL_CLASSES 5u
#define IG_CLS_POOL_MIN 32u
#define IG_CLS_POOL_RANGE (64u << 10)   /* per class: 2,048 blocks of 32 B .. 128 of 512 B */
/* nDPI 4.2's start-up tables take 5.3 MB (malloc's alignment); only the pages used are touched */
#define IG_CLS_TAB_BYTES ((size_t)8 << 20)

struct ig_cls_slot { struct ig_cls_slot *next; };

struct ig_cls_pool {
    uint8_t *base;                                  /* IG_CLS_POOL_CLASSES ranges */
    struct ig_cls_slot *free[IG_CLS_POOL_CLASSES];  /* freed blocks per class */
    uint32_t bumped[IG_CLS_POOL_CLASSES];           /* blocks handed out from each range so far */
    struct ig_flow_ndpi_alloc st;
    /* nDPI's start-up tables: cut in order from one block while tab_on (its start-up),
     * never freed one by one (a free inside it is a no-op), released whole at the end */
    uint8_t *tab;
    size_t tab_cap, tab_used;
    bool tab_on;
};

struct ig_classifier {
    struct ndpi_detection_module_struct *ndpi;
    struct ig_cls_slot *free;       /* pooled ndpi_flow_struct memory */
    struct ig_slab *slabs;
    size_t flow_size;
    struct ig_cls_pool pool;
    uint64_t by_id[IG_CLS_IDS];
    uint64_t http2;
};

/* The classifier whose nDPI calls this thread is making (see the top of the file). */
static _Thread_local struct ig_cls_pool *tl_pool;

static inline uint32_t pool_class(size_t n)
{
    uint32_t c = 0;
    while ((size_t)IG_CLS_POOL_MIN << c < n)
        c++;
    return c;
}

static void *pool_malloc(size_t n)
{
    struct ig_cls_pool *p = tl_pool;
    if (p && p->tab_on) {
        size_t m = (n + 15) & ~(size_t)15;   /* malloc's alignment */
        if (m <= p->tab_cap - p->tab_used) {
            void *b = p->tab + p->tab_used;
            p->tab_used += m;
            return b;
        }
        p->st.tab_heap++;
        return malloc(n);
    }
    if (p && n <= (size_t)IG_CLS_POOL_MIN << (IG_CLS_POOL_CLASSES - 1)) {
        uint32_t c = pool_class(n);
        struct ig_cls_slot *s = p->free[c];
        if (s) {
            p->free[c] = s->next;
            p->st.in_use++;
            p->st.pooled++;
            return s;
        }
        uint32_t size = IG_CLS_POOL_MIN << c;
        if ((p->bumped[c] + 1) * size <= IG_CLS_POOL_RANGE) {
            void *b = p->base + (size_t)c * IG_CLS_POOL_RANGE + (size_t)p->bumped[c]++ * size;
            p->st.in_use++;
            p->st.pooled++;
            return b;
        }
    }
    if (p)
        p->st.heap++;
    return malloc(n);
}

static void pool_free(void *b)
{
    struct ig_cls_pool *p = tl_pool;
    if (p && (uint8_t *)b >= p->tab && (uint8_t *)b < p->tab + p->tab_cap)
        return;                           /* a start-up table: released with the whole block */
    if (p && (uint8_t *)b >= p->base && (uint8_t *)b < p->base + IG_CLS_POOL_CLASSES * IG_CLS_POOL_RANGE) {
        uint32_t c = (uint32_t)(((uint8_t *)b - p->base) / IG_CLS_POOL_RANGE);
        struct ig_cls_slot *s = b;
        s->next = p->free[c];
        p->free[c] = s;
        p->st.in_use--;
        return;
    }
    free(b);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void hooks_set(void)
{
    set_ndpi_malloc(pool_malloc);
    set_ndpi_free(pool_free);
}

/* Brackets every call into nDPI made for <c>: returns the pool to restore afterwards. */
static inline struct ig_cls_pool *enter(struct ig_classifier *c)
{
    struct ig_cls_pool *prev = tl_pool;
    tl_pool = c->pool.base ? &c->pool : NULL;
    return prev;
}

static inline void leave(struct ig_cls_pool *prev) { tl_pool = prev; }

struct ig_flow_ndpi_alloc ig_flow_ndpi_alloc_stats(const struct ig_flow_table *t)
{
    return t->cls ? t->cls->pool.st : (struct ig_flow_ndpi_alloc){ 0 };
}

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
    pthread_once(&hooks_once, hooks_set);
    /* malloc'd, not calloc'd: its pages are touched only as blocks are handed out. Without
     * it (out of memory) nDPI's blocks simply come from the heap. */
    c->pool.base = malloc(IG_CLS_POOL_CLASSES * IG_CLS_POOL_RANGE);
    /* nDPI's start-up tables (~100,000 blocks, freed one by one at the end: ~35 M
     * instructions of malloc and free) are cut from one block in order instead; one that
     * does not fit, or all of them when this block is missing, come from the heap. */
    c->pool.tab = c->pool.base ? malloc(IG_CLS_TAB_BYTES) : NULL;
    c->pool.tab_cap = c->pool.tab ? IG_CLS_TAB_BYTES : 0;
    c->pool.tab_on = true;
    struct ig_cls_pool *prev = enter(c);
    c->ndpi = ndpi_init_detection_module(ndpi_no_prefs);
    if (c->ndpi) {
        NDPI_PROTOCOL_BITMASK all;
        NDPI_BITMASK_SET_ALL(all);
        ndpi_set_protocol_detection_bitmask2(c->ndpi, &all);
        ndpi_finalize_initialization(c->ndpi);
    }
    leave(prev);
    c->pool.tab_on = false;
    c->pool.st.tab_bytes = c->pool.tab_used;
    if (!c->ndpi) {
        free(c->pool.tab);
        free(c->pool.base);
        free(c);
        return NULL;
    }
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
    struct ig_cls_pool *prev = enter(c);    /* a block nDPI kept in the module returns here */
    ndpi_exit_detection_module(c->ndpi);
    leave(prev);
    free(c->pool.tab);
    free(c->pool.base);
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

static void cls_packet(struct ig_flow_table *t, struct ig_flow_entry *e, const struct ig_packet *pkt,
                       enum ig_flow_dir dir)
{
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

void ig_flow_cls_packet(struct ig_flow_table *t, struct ig_flow_entry *e, const struct ig_packet *pkt,
                        enum ig_flow_dir dir)
{
    if (e->pub.classified || !t->cls)
        return;
    struct ig_cls_pool *prev = enter(t->cls);
    cls_packet(t, e, pkt, dir);
    leave(prev);
}

void ig_flow_cls_finish(struct ig_flow_table *t, struct ig_flow_entry *e)
{
    if (e->ndpi) {                   /* e->ndpi implies t->cls */
        struct ig_cls_pool *prev = enter(t->cls);
        if (!e->pub.classified) {
            uint8_t guessed = 0;
            decided(t, e, ndpi_detection_giveup(t->cls->ndpi, e->ndpi, 0, &guessed));
        }
        if (e->ndpi) {
            flow_put(t->cls, e->ndpi);
            e->ndpi = NULL;
        }
        leave(prev);
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
