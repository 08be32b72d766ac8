/* The detector engine: one client table (chained hash, entries carved from slabs sized
 * by the enabled detectors' slices, LRU list, capped by count and by memory), one small
 * model table, and the detectors called in registry order for each event. */
#include "engine.h"
#include "budget.h"

#include <inferguard/load.h>
#include <inferguard/log.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define SLAB_ENTRIES 256
#define SCRATCH_INITIAL (64u << 10)
#define SCRATCH_CAP (64u << 20)

#define TAG_GROUP 0x80             /* client-table key tag of a principal group's entry */
#define HLL_P 7                      /* HyperLogLog with 2^7 registers: ~9% standard error */
#define HLL_M (1u << HLL_P)
#define NSAMPLE 4
#define EXACT_IDS 48                 /* identities counted exactly per half before the HLL */

/* An entry is known by its (tag, id) through two independent keyed SipHash-2-4 values of
 * the id (Aumasson, Bernstein 2012), not by a copy of its text (up to 128 bytes, two
 * thirds of the header): under a secret random key a sender cannot make two ids meet in
 * 128 bits, and nothing reads the text back. */
struct client {                      /* header; detector slices follow at slot offsets */
    struct client *hnext;            /* hash chain */
    struct client *prev, *next;      /* LRU: head = most recent */
    uint64_t hash, hash2, queries;
    uint64_t src_hash;               /* the source that brought it in (0 = none) */
    uint32_t flags;                  /* IG_CLIENT_FLAGGED_* */
    uint8_t  kind;                   /* identity kind | TAG_GROUP for a group's entry */
    uint8_t  idlen;
};

/* A stable source (principal group, ig_event.group_id): how many identities it carried over
 * a sliding window of two halves (HyperLogLog, Flajolet et al. 2007, small-range linear
 * counting), how many of them sit in the client table and how fast new ones may enter. */
struct source {
    struct source *hnext, *prev, *next;
    uint64_t hash;
    uint8_t  kind, idlen;
    char     id[IG_CLIENT_ID_MAX];
    uint64_t half_start_us;
    uint8_t  cur;                    /* index of the current half */
    uint8_t  hll[2][HLL_M];
    uint32_t ids[2][EXACT_IDS];      /* exact set (32-bit fingerprints) while it fits */
    uint8_t  nids[2];
    bool     over[2];                /* the exact set overflowed: the HLL estimate counts */
    uint64_t queries[2];
    double   tokens;                 /* admission bucket: new client entries */
    uint64_t refill_us;
    uint64_t live, deferred;
    uint32_t nsample;
    char     sample[NSAMPLE][64];
};

struct model {
    uint64_t hash;
    uint64_t last_us;                /* capture time of its last event */
    bool served;                     /* a 2xx response was seen: a real model */
    char name[IG_MODEL_NAME_MAX];
    _Alignas(16) uint8_t slices[];
};

struct slot {                        /* one enabled detector */
    const struct ig_detector *d;
    void *global;
    size_t coff, moff;               /* offsets of its slices */
    struct ig_emit emit;             /* counts, then forwards to the engine's emit */
    struct ig_emit gemit;            /* the same for a group's stream: names the identities */
    struct ig_engine *e;
    uint32_t idx;
    bool on_client, on_group;        /* which streams it observes (ig_detector.scope) */
};

struct slab { struct slab *next; _Alignas(16) uint8_t data[]; };

struct ig_engine {
    struct slot slots[IG_ENGINE_MAX_DETECTORS];
    uint32_t nslots;
    struct ig_emit out;
    struct ig_scratch scratch;
    uint64_t key[2];                 /* hash key: client ids can be chosen by the sender */
    uint64_t key2[2];                /* the second, independent one (struct client) */

    size_t entry_size, model_size;
    struct client **buckets;
    uint64_t nbuckets;               /* power of two */
    struct client *lru_head, *lru_tail, *free_list;
    struct slab *slabs;
    uint64_t allocated, cap;

    /* stable sources */
    struct source **sbuckets;
    uint64_t nsbuckets, nsources, sources_cap;
    struct source *s_head, *s_tail;
    uint64_t window_us, rot_threshold, rot_max_qpi, new_burst, src_max_clients;
    double   new_per_us;
    struct ig_source_view view;      /* of the event being dispatched */
    char     sample_text[NSAMPLE * 72 + 64];

    struct model *models[IG_ENGINE_MAX_MODELS + 1];   /* last one: overflow */
    uint32_t nmodels, max_models;
    uint64_t model_idle_us;
    struct model *last_model;
    struct client *cur;              /* the client whose event is being observed */
    int emitting;                    /* slot whose finding is being forwarded, or -1 */
    bool finished;                   /* ig_engine_finish ran */
    struct ig_sensor_load *load;     /* may be NULL */

    struct ig_engine_stats st;
};

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

/* SipHash-2-4 of <p,n> under key k, the tag (identity kind) folded into the key: keeps
 * chains short whatever ids a sender picks. */
#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
                      v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                    \
                      v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                    \
                      v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); } while (0)
static uint64_t siphash(const uint64_t k[2], uint8_t tag, const void *p, size_t n)
{
    uint64_t k0 = k[0] ^ ((uint64_t)tag * 0x9e3779b97f4a7c15ull), k1 = k[1];
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    const uint8_t *s = p;
    uint64_t m;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&m, s + i, 8);
        v3 ^= m; SIPROUND; SIPROUND; v0 ^= m;
    }
    uint8_t tail[8] = { 0 };
    memcpy(tail, s + i, n - i);
    memcpy(&m, tail, 8);
    m |= (uint64_t)(n & 0xff) << 56;
    v3 ^= m; SIPROUND; SIPROUND; v0 ^= m;
    v2 ^= 0xff;
    SIPROUND; SIPROUND; SIPROUND; SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

static uint32_t family_flag(const char *analytic)
{
    static const struct { const char *prefix; uint32_t flag; } fam[] = {
        { "extraction.", IG_CLIENT_FLAGGED_EXTRACTION }, { "adversarial.", IG_CLIENT_FLAGGED_ADVERSARIAL },
        { "evasion.", IG_CLIENT_FLAGGED_ADVERSARIAL }, { "abuse.", IG_CLIENT_FLAGGED_ABUSE },
        { "leakage.", IG_CLIENT_FLAGGED_LEAKAGE }, { "prompt_injection.", IG_CLIENT_FLAGGED_INJECTION },
    };
    for (size_t i = 0; analytic && i < IG_ARRAY_LEN(fam); i++)
        if (strncmp(analytic, fam[i].prefix, strlen(fam[i].prefix)) == 0)
            return fam[i].flag;
    return IG_CLIENT_FLAGGED_OTHER;
}

uint32_t ig_engine_finding_flag(const struct ig_finding *f)
{
    if (!f->client_id || !f->client_id[0] || f->severity < IG_SEV_LOW ||
        strncmp(f->analytic ? f->analytic : "", "drift.", 6) == 0)
        return 0;
    return family_flag(f->analytic);
}

static void count_emit(void *ctx, const struct ig_finding *f)
{
    struct slot *s = ctx;
    s->e->st.findings[s->idx]++;
    /* A finding about the client being observed marks it for the detectors after it. */
    struct client *c = s->e->cur;
    if (c)
        c->flags |= ig_engine_finding_flag(f);
    int was = s->e->emitting;
    s->e->emitting = (int)s->idx;
    ig_emit_finding(&s->e->out, f);
    s->e->emitting = was;
}

/* A finding on a group's stream names the source (actor) and the identities seen. */
static void group_emit(void *ctx, const struct ig_finding *f)
{
    struct slot *s = ctx;
    struct ig_engine *e = s->e;
    struct ig_finding g = *f;
    const struct ig_source_view *v = &e->view;
    size_t o = (size_t)snprintf(e->sample_text, sizeof e->sample_text, "%llu distinct",
                                (unsigned long long)v->identities);
    for (uint32_t i = 0; i < v->nsample && o < sizeof e->sample_text; i++)
        o += (size_t)snprintf(e->sample_text + o, sizeof e->sample_text - o, "%s%s",
                              i ? ", " : ": ", v->sample[i]);
    g.group_identities = v->identities;
    g.group_sample = e->sample_text;
    e->st.group_findings++;
    count_emit(ctx, &g);
}

static bool wanted(uint32_t wants, uint32_t flags)
{
    return wants == 0 || wants == IG_EV_ANY || (flags & wants) == wants;
}

int ig_detector_init(const struct ig_detector *d, const struct ig_env *env, const struct ig_rules *r,
                     void **global, char *err, size_t errlen)
{
    static const struct ig_env no_env;
    struct ig_env de = env ? *env : no_env;
    void *params = NULL;
    *global = NULL;
    if (d->params) {
        /* 16-byte aligned and zeroed: the table fills what it names. */
        params = calloc(1, d->params_size ? d->params_size : 1);
        if (!params) {
            snprintf(err, errlen, "out of memory");
            return IG_ENOMEM;
        }
        if (ig_params_fill(d->params, r, d->name, params, err, errlen) != IG_OK) {
            free(params);
            return IG_ECONF;
        }
    }
    de.params = params;
    if (!de.budget)
        de.budget = &ig_budget_lender;
    int rc = d->init ? d->init(&de, r, global, err, errlen) : IG_OK;
    free(params);
    return rc;
}

struct ig_engine *ig_engine_new_with(const struct ig_config *cfg, const struct ig_rules *rules,
                                     const struct ig_env *env, const struct ig_emit *emit,
                                     const struct ig_detector *const *list,
                                     char *err, size_t errlen)
{
    static const struct ig_env no_env;
    if (!env)
        env = &no_env;
    struct ig_engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "engine: out of memory");
        return NULL;
    }
    e->out = *emit;
    e->emitting = -1;
    if (getrandom(e->key, sizeof e->key, 0) != (ssize_t)sizeof e->key ||
        getrandom(e->key2, sizeof e->key2, 0) != (ssize_t)sizeof e->key2) {
        e->key[0] = 0x9e3779b97f4a7c15ull;   /* no entropy: still correct, only less robust */
        e->key[1] = (uint64_t)(uintptr_t)e;
        e->key2[0] = 0xc2b2ae3d27d4eb4full;
        e->key2[1] = ~(uint64_t)(uintptr_t)e;
    }
    if (ig_scratch_init(&e->scratch, SCRATCH_INITIAL, SCRATCH_CAP)) {
        snprintf(err, errlen, "engine: out of memory");
        goto fail;
    }
    size_t coff = align16(sizeof(struct client)), moff = 0;
    for (size_t i = 0; list[i]; i++) {
        const struct ig_detector *d = list[i];
        if (!ig_rules_enabled(rules, d->name, true))
            continue;
        if (e->nslots == IG_ENGINE_MAX_DETECTORS) {
            snprintf(err, errlen, "engine: more than %d detectors enabled", IG_ENGINE_MAX_DETECTORS);
            goto fail;
        }
        struct slot *s = &e->slots[e->nslots];
        *s = (struct slot){ .d = d, .coff = coff, .moff = moff, .e = e, .idx = e->nslots,
                            .emit = { count_emit, s }, .gemit = { group_emit, s } };
        /* Stream detectors (per-client state) also watch groups; per-event ones would only
         * repeat the client's finding. */
        s->on_client = d->scope != IG_SCOPE_GROUP;
        s->on_group = d->scope == IG_SCOPE_GROUP || (d->scope == IG_SCOPE_AUTO && d->client_size > 0);
        char derr[256] = "";
        if (ig_detector_init(d, env, rules, &s->global, derr, sizeof derr) != IG_OK) {
            snprintf(err, errlen, "detector %s: %s", d->name, derr[0] ? derr : "init failed");
            goto fail;
        }
        e->nslots++;
        coff += align16(d->client_size);
        moff += align16(d->model_size);
    }

    e->entry_size = coff;
    e->model_size = moff;
    /* The cap: no more clients than configured, and table + slabs within the memcap. */
    uint64_t want = cfg->clients_max ? cfg->clients_max : 1;
    want = IG_MAX(1, IG_MIN(want, cfg->clients_memcap / e->entry_size));
    e->nbuckets = 1;
    while (e->nbuckets < want)
        e->nbuckets <<= 1;
    uint64_t bucket_bytes = e->nbuckets * sizeof(struct client *);
    uint64_t memcap = cfg->clients_memcap;
    uint64_t room = memcap > bucket_bytes ? memcap - bucket_bytes : 0;
    uint64_t per_slab = sizeof(struct slab) * ((want + SLAB_ENTRIES - 1) / SLAB_ENTRIES);
    room = room > per_slab ? room - per_slab : 0;
    e->cap = IG_MIN(want, room / e->entry_size);
    if (e->cap == 0) {
        snprintf(err, errlen, "engine: detection.memcap (%llu bytes) is too small for one client "
                 "(%zu bytes each plus a %llu-byte table)", (unsigned long long)memcap,
                 e->entry_size, (unsigned long long)bucket_bytes);
        goto fail;
    }
    e->buckets = calloc(e->nbuckets, sizeof *e->buckets);
    if (!e->buckets) {
        snprintf(err, errlen, "engine: out of memory for %llu client buckets", (unsigned long long)e->nbuckets);
        goto fail;
    }
    /* 0 (a config not from ig_config_defaults) means the documented default. */
#define DFLT(v, d) ((v) ? (v) : (d))
    e->sources_cap = IG_MAX(16u, DFLT(cfg->sources_max, 16384u));
    e->nsbuckets = 1;
    while (e->nsbuckets < e->sources_cap)
        e->nsbuckets <<= 1;
    e->sbuckets = calloc(e->nsbuckets, sizeof *e->sbuckets);
    if (!e->sbuckets) {
        snprintf(err, errlen, "engine: out of memory for %llu source buckets", (unsigned long long)e->nsbuckets);
        goto fail;
    }
    e->window_us = (uint64_t)DFLT(cfg->rotation_window_s, 300u) * 1000000u;
    e->rot_threshold = IG_MAX(2u, DFLT(cfg->rotation_threshold, 32u));
    e->rot_max_qpi = DFLT(cfg->rotation_max_qpi, 4u);
    e->new_burst = DFLT(cfg->sources_new_burst, 32u);
    e->new_per_us = (double)DFLT(cfg->sources_new_per_min, 60u) / 60e6;
    e->src_max_clients = DFLT(cfg->sources_max_clients, 64u);
#undef DFLT
    e->st.bytes_per_client = e->entry_size;
    e->st.memory_cap = memcap;
    e->st.memory_used = bucket_bytes;
    e->st.clients_cap = e->cap;
    e->max_models = cfg->max_models && cfg->max_models < IG_ENGINE_MAX_MODELS ? cfg->max_models
                                                                              : IG_ENGINE_MAX_MODELS;
    e->model_idle_us = (uint64_t)(cfg->model_idle_s ? cfg->model_idle_s : 3600) * 1000000u;
    return e;
fail:
    ig_engine_free(e);
    return NULL;
}

struct ig_engine *ig_engine_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                const struct ig_env *env, const struct ig_emit *emit,
                                char *err, size_t errlen)
{
    return ig_engine_new_with(cfg, rules, env, emit, ig_detectors, err, errlen);
}

static void lru_unlink(struct ig_engine *e, struct client *c)
{
    if (c->prev) c->prev->next = c->next; else e->lru_head = c->next;
    if (c->next) c->next->prev = c->prev; else e->lru_tail = c->prev;
    c->prev = c->next = NULL;
}

static void lru_push_front(struct ig_engine *e, struct client *c)
{
    c->prev = NULL;
    c->next = e->lru_head;
    if (e->lru_head) e->lru_head->prev = c; else e->lru_tail = c;
    e->lru_head = c;
}

static struct source *src_by_hash(struct ig_engine *e, uint64_t h);

static void call_evict(struct ig_engine *e, struct client *c)
{
    for (uint32_t i = 0; i < e->nslots; i++) {
        struct slot *s = &e->slots[i];
        if (!s->d->evict)
            continue;
        struct ig_call call = { .global = s->global, .client = (uint8_t *)c + s->coff,
                                .scratch = &e->scratch, .emit = &s->emit, .client_queries = c->queries };
        s->d->evict(&call);
    }
}

static void evict_lru(struct ig_engine *e)
{
    struct client *c = e->lru_tail;
    call_evict(e, c);
    if (c->src_hash) {
        struct source *s = src_by_hash(e, c->src_hash);
        if (s && s->live)
            s->live--;
    }
    lru_unlink(e, c);
    struct client **pp = &e->buckets[c->hash & (e->nbuckets - 1)];
    while (*pp != c)
        pp = &(*pp)->hnext;
    *pp = c->hnext;
    c->hnext = e->free_list;
    e->free_list = c;
    e->st.clients_evicted++;
    e->st.clients_active--;
}

/* A free entry: from the free list, a new slab while under the cap, or the LRU victim. */
static struct client *entry_get(struct ig_engine *e)
{
    if (!e->free_list) {
        if (e->allocated < e->cap) {
            uint64_t n = IG_MIN((uint64_t)SLAB_ENTRIES, e->cap - e->allocated);
            size_t bytes = sizeof(struct slab) + n * e->entry_size;
            struct slab *sl = malloc(bytes);
            if (sl) {
                sl->next = e->slabs;
                e->slabs = sl;
                for (uint64_t i = n; i-- > 0;) {
                    struct client *c = (struct client *)(sl->data + i * e->entry_size);
                    c->hnext = e->free_list;
                    e->free_list = c;
                }
                e->allocated += n;
                e->st.memory_used += bytes;
            }
        }
        if (!e->free_list) {
            if (!e->lru_tail)
                return NULL;   /* no memory and nobody to evict */
            evict_lru(e);
        }
    }
    struct client *c = e->free_list;
    e->free_list = c->hnext;
    memset(c, 0, e->entry_size);
    return c;
}

/* The id's second hash, computed only when a chain holds an entry of the first one. */
static bool same_id(struct ig_engine *e, const struct client *c, uint8_t tag, const char *id,
                    size_t idlen, uint64_t h, uint64_t *h2)
{
    if (c->hash != h || c->kind != tag || c->idlen != idlen)
        return false;
    if (!*h2)
        *h2 = siphash(e->key2, tag, id, idlen) | 1;
    return c->hash2 == *h2;
}

/* The client entry keyed (tag, id), or NULL; moved to the LRU head when found. */
static struct client *client_find(struct ig_engine *e, uint8_t tag, const char *id, size_t idlen,
                                  uint64_t h)
{
    struct client **b = &e->buckets[h & (e->nbuckets - 1)];
    uint64_t h2 = 0;
    for (struct client *c = *b; c; c = c->hnext)
        if (same_id(e, c, tag, id, idlen, h, &h2)) {
            if (c != e->lru_head) {
                lru_unlink(e, c);
                lru_push_front(e, c);
            }
            return c;
        }
    return NULL;
}

static struct client *client_new(struct ig_engine *e, uint8_t tag, const char *id, size_t idlen,
                                 uint64_t h)
{
    struct client *c = entry_get(e);
    if (!c)
        return NULL;
    struct client **b = &e->buckets[h & (e->nbuckets - 1)];
    c->hash = h;
    c->hash2 = siphash(e->key2, tag, id, idlen) | 1;
    c->kind = tag;
    c->idlen = (uint8_t)idlen;
    /* entry_get may have evicted from this very bucket: take the head again. */
    c->hnext = *b;
    *b = c;
    lru_push_front(e, c);
    e->st.clients_created++;
    e->st.clients_active++;
    return c;
}

/* ---- stable sources ---- */

static void src_unlink_lru(struct ig_engine *e, struct source *s)
{
    if (s->prev) s->prev->next = s->next; else e->s_head = s->next;
    if (s->next) s->next->prev = s->prev; else e->s_tail = s->prev;
    s->prev = s->next = NULL;
}

static void src_push_front(struct ig_engine *e, struct source *s)
{
    s->prev = NULL;
    s->next = e->s_head;
    if (e->s_head) e->s_head->prev = s; else e->s_tail = s;
    e->s_head = s;
}

static struct source *src_by_hash(struct ig_engine *e, uint64_t h)
{
    for (struct source *s = e->sbuckets[h & (e->nsbuckets - 1)]; s; s = s->hnext)
        if (s->hash == h)
            return s;
    return NULL;
}

static void src_free_one(struct ig_engine *e, struct source *s)
{
    struct source **pp = &e->sbuckets[s->hash & (e->nsbuckets - 1)];
    while (*pp != s)
        pp = &(*pp)->hnext;
    *pp = s->hnext;
    src_unlink_lru(e, s);
    free(s);
    e->nsources--;
    e->st.sources_active = e->nsources;
}

static struct source *src_get(struct ig_engine *e, const struct ig_event *ev)
{
    size_t n = strnlen(ev->group_id, IG_CLIENT_ID_MAX - 1);
    uint8_t kind = (uint8_t)ev->group_kind;
    uint64_t h = siphash(e->key, (uint8_t)(kind | TAG_GROUP), ev->group_id, n) | 1;
    for (struct source *s = e->sbuckets[h & (e->nsbuckets - 1)]; s; s = s->hnext)
        if (s->hash == h && s->kind == kind && s->idlen == n && memcmp(s->id, ev->group_id, n) == 0) {
            if (s != e->s_head) {
                src_unlink_lru(e, s);
                src_push_front(e, s);
            }
            return s;
        }
    struct source *s;
    if (e->nsources >= e->sources_cap) {
        /* Full: the least recently seen source's memory is reused, no allocation. */
        s = e->s_tail;
        struct source **pp = &e->sbuckets[s->hash & (e->nsbuckets - 1)];
        while (*pp != s)
            pp = &(*pp)->hnext;
        *pp = s->hnext;
        src_unlink_lru(e, s);
        memset(s, 0, sizeof *s);
        e->nsources--;
        e->st.sources_evicted++;
    } else if (!(s = calloc(1, sizeof *s))) {
        return NULL;
    }
    s->hash = h;
    s->kind = kind;
    s->idlen = (uint8_t)n;
    memcpy(s->id, ev->group_id, n);
    s->half_start_us = ev->req_time_us;
    s->tokens = (double)e->new_burst;
    s->refill_us = ev->req_time_us;
    s->hnext = e->sbuckets[h & (e->nsbuckets - 1)];
    e->sbuckets[h & (e->nsbuckets - 1)] = s;
    src_push_front(e, s);
    e->nsources++;
    e->st.sources_active = e->nsources;
    e->st.sources_memory = e->nsources * sizeof *s;
    return s;
}

static double hll_estimate(const uint8_t *a, const uint8_t *b)
{
    double sum = 0;
    unsigned zeros = 0;
    for (unsigned j = 0; j < HLL_M; j++) {
        uint8_t r = IG_MAX(a[j], b[j]);
        sum += 1.0 / (double)(1ull << r);
        zeros += r == 0;
    }
    double m = HLL_M, est = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
    if (est <= 2.5 * m && zeros)
        est = m * log(m / zeros);   /* linear counting: exact enough for small counts */
    return est;
}

/* Accounts one event of identity <idh> (text <kind>:<id>) to source <s> at <t>. */
static void src_note(struct ig_engine *e, struct source *s, const struct ig_event *ev, uint64_t idh)
{
    uint64_t t = ev->req_time_us, half = e->window_us / 2;
    if (t >= s->half_start_us + half) {
        bool gap = t >= s->half_start_us + 2 * half;
        s->cur ^= 1;
        unsigned c = s->cur;
        memset(s->hll[c], 0, HLL_M);
        s->queries[c] = 0;
        s->nids[c] = 0;
        s->over[c] = false;
        if (gap) {               /* a whole window of silence: start afresh */
            unsigned o = c ^ 1;
            memset(s->hll[o], 0, HLL_M);
            s->queries[o] = 0;
            s->nids[o] = 0;
            s->over[o] = false;
            s->nsample = 0;
        }
        s->half_start_us = t - (t - s->half_start_us) % half;
    }
    unsigned c = s->cur;
    s->queries[c]++;
    unsigned j = (unsigned)(idh & (HLL_M - 1));
    uint64_t w = idh >> HLL_P;
    uint8_t rho = (uint8_t)(w ? __builtin_ctzll(w) + 1 : 64 - HLL_P + 1);
    if (rho > s->hll[c][j])
        s->hll[c][j] = rho;
    uint32_t fp = (uint32_t)(idh >> 32) | 1;
    bool fresh = false;
    if (!s->over[c]) {
        bool have = false;
        for (unsigned i = 0; i < s->nids[c] && !have; i++)
            have = s->ids[c][i] == fp;
        if (!have) {
            fresh = true;
            if (s->nids[c] < EXACT_IDS)
                s->ids[c][s->nids[c]++] = fp;
            else
                s->over[c] = true;
        }
    }
    if (!fresh || s->nsample >= NSAMPLE)
        return;   /* the text is only built for a new identity while samples are wanted */
    char text[64];
    snprintf(text, sizeof text, "%s:%.*s", ig_identity_kind_name(ev->id_kind), 48, ev->client_id);
    for (uint32_t i = 0; i < s->nsample; i++)
        if (strcmp(s->sample[i], text) == 0)
            return;
    memcpy(s->sample[s->nsample++], text, sizeof text);
}

/* Distinct identities over both halves: exact while both sets fit, else HyperLogLog. */
static uint64_t src_count(const struct source *s)
{
    if (s->over[0] || s->over[1])
        return IG_MAX((uint64_t)(hll_estimate(s->hll[0], s->hll[1]) + 0.5), (uint64_t)EXACT_IDS);
    uint64_t n = s->nids[0];
    for (unsigned i = 0; i < s->nids[1]; i++) {
        bool dup = false;
        for (unsigned j = 0; j < s->nids[0] && !dup; j++)
            dup = s->ids[0][j] == s->ids[1][i];
        n += !dup;
    }
    return n;
}

static bool src_multi(const struct source *s)
{
    return s->over[0] || s->over[1] || s->nids[0] + s->nids[1] >= 2;   /* cheap pre-check */
}

static void src_view(struct ig_engine *e, const struct source *s)
{
    struct ig_source_view *v = &e->view;
    v->id = s->id;
    v->kind = (enum ig_identity_kind)s->kind;
    v->identities = src_multi(s) ? src_count(s) : 1;
    v->queries = s->queries[0] + s->queries[1];
    v->window_us = e->window_us;
    v->deferred = s->deferred;
    v->rotating = v->identities >= e->rot_threshold &&
                  v->queries <= v->identities * e->rot_max_qpi;
    v->nsample = s->nsample;
    for (uint32_t i = 0; i < s->nsample; i++)
        v->sample[i] = s->sample[i];
}

/* May source <s> add one more client entry now? A token bucket on the capture clock and a
 * cap on its live entries: rotation neither evicts other clients nor spends their
 * detector budgets (each entry's budgets are bounded by the detectors). */
static bool src_admit(struct ig_engine *e, struct source *s, uint64_t t)
{
    if (t > s->refill_us) {
        s->tokens = IG_MIN((double)e->new_burst, s->tokens + (double)(t - s->refill_us) * e->new_per_us);
        s->refill_us = t;
    }
    if (s->live >= e->src_max_clients || s->tokens < 1.0) {
        s->deferred++;
        e->st.clients_deferred++;
        return false;
    }
    s->tokens -= 1.0;
    return true;
}

static struct model *model_new(struct ig_engine *e, const char *name, size_t n, uint64_t h)
{
    struct model *m = calloc(1, sizeof *m + e->model_size);
    if (!m)
        return NULL;
    m->hash = h;
    memcpy(m->name, name, n);
    e->st.models_memory += sizeof *m + e->model_size;
    return m;
}

/* Every detector's model_free on entry <m>, whose slices are zeroed after. */
static void model_release(struct ig_engine *e, struct model *m)
{
    for (uint32_t i = 0; i < e->nslots; i++) {
        struct slot *s = &e->slots[i];
        if (!s->d->model_free || !s->d->model_size)
            continue;
        struct ig_call call = { .global = s->global, .model = m->slices + s->moff,
                                .scratch = &e->scratch, .emit = &s->emit };
        s->d->model_free(&call);
    }
    memset(m->slices, 0, e->model_size);
}

static void model_evict(struct ig_engine *e, struct model *m)
{
    model_release(e, m);
    e->st.models_evicted++;
    if (e->last_model == m)
        e->last_model = NULL;
}

/* The entry a new name may take in a full table: a name the server never answered with a
 * 2xx (a guess, a typo, a flood of fake names), least recently seen first; else a real
 * model idle past detection.model_idle_timeout. Never a served, active model: a flood of
 * names cannot squat the slots of the models that are really served. */
static struct model *model_victim(struct ig_engine *e, uint64_t now_us)
{
    struct model *v = NULL;
    for (uint32_t i = 0; i < e->nmodels; i++) {
        struct model *m = e->models[i];
        if (!m->served && (!v || v->served || m->last_us < v->last_us))
            v = m;
        else if (m->served && (!v || v->served) && m->last_us + e->model_idle_us < now_us &&
                 (!v || m->last_us < v->last_us))
            v = m;
    }
    return v;
}

static void note_name_flood(struct ig_engine *e, const struct ig_event *ev)
{
    if (!e->load)
        return;
    ig_load_add(e->load, IG_LOAD_MODEL_NAMES, 1);
    char what[IG_LOAD_AFFECTED_LEN];
    snprintf(what, sizeof what, "%.60s (model names)", ev->client_id[0] ? ev->client_id : "?");
    ig_load_affected(e->load, what);
}

static struct model *model_get(struct ig_engine *e, const struct ig_event *ev)
{
    const char *name = ev->model;
    uint64_t now = IG_MAX(ev->req_time_us, ev->resp_time_us);
    bool ok = ev->status >= 200 && ev->status < 300;
    size_t n = strnlen(name, IG_MODEL_NAME_MAX - 1);
    struct model *lm = e->last_model;
    if (lm && strncmp(lm->name, name, IG_MODEL_NAME_MAX) == 0 && lm->name[n] == 0) {
        lm->last_us = IG_MAX(lm->last_us, now);
        lm->served |= ok;
        return lm;
    }
    uint64_t h = siphash(e->key, 0, name, n);
    for (uint32_t i = 0; i < e->nmodels; i++) {
        struct model *m = e->models[i];
        if (m->hash == h && memcmp(m->name, name, n) == 0 && m->name[n] == 0) {
            m->last_us = IG_MAX(m->last_us, now);
            m->served |= ok;
            return e->last_model = m;
        }
    }
    struct model *m = NULL;
    if (e->nmodels < e->max_models) {
        m = model_new(e, name, n, h);
        if (m) {
            e->models[e->nmodels++] = m;
            e->st.models_active = e->nmodels;
        }
    } else if ((m = model_victim(e, now)) != NULL) {
        /* A full table pushed out a never-served name (or an idle model): squatting
         * pressure when the newcomer is not served either. */
        if (!m->served && !ok)
            note_name_flood(e, ev);
        model_evict(e, m);
        m->hash = h;
        memset(m->name, 0, sizeof m->name);
        memcpy(m->name, name, n);
    }
    if (m) {
        m->last_us = now;
        m->served = ok;
        return e->last_model = m;
    }
    /* Full of served, active models (or out of memory): pool the rest in one entry. */
    e->st.models_overflow++;
    if (!ok)
        note_name_flood(e, ev);
    if (!e->models[IG_ENGINE_MAX_MODELS])
        e->models[IG_ENGINE_MAX_MODELS] = model_new(e, "", 0, 0);
    return e->models[IG_ENGINE_MAX_MODELS];
}

static void dispatch(struct ig_engine *e, struct client *c, struct model *m,
                     const struct ig_event *ev, bool group, const struct ig_source_view *v,
                     uint32_t extra_flags)
{
    c->queries++;
    ig_scratch_reset(&e->scratch);
    e->cur = c;
    for (uint32_t i = 0; i < e->nslots; i++) {
        struct slot *s = &e->slots[i];
        if (!(group ? s->on_group : s->on_client) || !wanted(s->d->wants, ev->flags) || !s->d->observe)
            continue;
        struct ig_call call = { .global = s->global, .client = (uint8_t *)c + s->coff,
                                .model = m->slices + s->moff, .scratch = &e->scratch,
                                .emit = group ? &s->gemit : &s->emit,
                                .client_queries = c->queries, .source = v, .group = group,
                                .client_flags = c->flags | extra_flags };
        if (s->d->observe(&call, ev) < 0)
            e->st.observe_errors[i]++;
    }
    e->cur = NULL;
}

void ig_engine_set_load(struct ig_engine *e, struct ig_sensor_load *load)
{
    e->load = load;
}

void ig_engine_flag_client(struct ig_engine *e, const char *client_id, const char *analytic,
                           uint8_t severity)
{
    struct ig_finding f = { .analytic = analytic, .client_id = client_id, .severity = severity };
    uint32_t flag = ig_engine_finding_flag(&f);   /* the engine's own rule */
    if (!flag)
        return;
    size_t idlen = strnlen(client_id, IG_CLIENT_ID_MAX - 1);
    for (uint8_t tag = 0; tag < IG_ID__COUNT; tag++) {
        uint64_t h = siphash(e->key, tag, client_id, idlen);
        struct client **b = &e->buckets[h & (e->nbuckets - 1)];
        uint64_t h2 = 0;
        for (struct client *c = *b; c; c = c->hnext)
            if (same_id(e, c, tag, client_id, idlen, h, &h2))
                c->flags |= flag;   /* no LRU move: not the client's traffic */
    }
}

uint32_t ig_engine_client_flags(struct ig_engine *e, const char *client_id)
{
    uint32_t flags = 0;
    size_t idlen = strnlen(client_id, IG_CLIENT_ID_MAX - 1);
    for (uint8_t tag = 0; tag < IG_ID__COUNT; tag++) {
        uint64_t h = siphash(e->key, tag, client_id, idlen);
        uint64_t h2 = 0;
        for (struct client *c = e->buckets[h & (e->nbuckets - 1)]; c; c = c->hnext)
            if (same_id(e, c, tag, client_id, idlen, h, &h2))
                flags |= c->flags;
    }
    return flags;
}

void ig_engine_observe(struct ig_engine *e, const struct ig_event *ev)
{
    ig_engine_observe_flagged(e, ev, 0, 0);
}

void ig_engine_observe_flagged(struct ig_engine *e, const struct ig_event *ev, uint32_t lane_cflags,
                               uint32_t lane_gflags)
{
    e->st.events++;
    struct model *m = model_get(e, ev);
    size_t idlen = strnlen(ev->client_id, IG_CLIENT_ID_MAX - 1);
    uint8_t tag = (uint8_t)(ev->id_kind & 0x7f);
    uint64_t h = siphash(e->key, tag, ev->client_id, idlen);
    struct source *src = ev->group_id[0] ? src_get(e, ev) : NULL;
    const struct ig_source_view *v = NULL;
    if (src) {
        src_note(e, src, ev, h);
        src_view(e, src);
        v = &e->view;
    }
    struct client *c = client_find(e, tag, ev->client_id, idlen, h);
    if (!c && (!src || src_admit(e, src, ev->req_time_us))) {
        c = client_new(e, tag, ev->client_id, idlen, h);
        if (c && src) {
            c->src_hash = src->hash;
            src->live++;
        }
    }
    if (unlikely(!m)) {
        for (uint32_t i = 0; i < e->nslots; i++)
            e->st.observe_errors[i]++;
        return;
    }
    /* Flags raised on the principal group count for its identities too. */
    uint32_t gflags = 0;
    if (c && src && src_multi(src)) {
        size_t gn = strnlen(ev->group_id, IG_CLIENT_ID_MAX - 1);
        uint8_t gtag = (uint8_t)((ev->group_kind & 0x7f) | TAG_GROUP);
        struct client *g = client_find(e, gtag, ev->group_id, gn,
                                       siphash(e->key, gtag, ev->group_id, gn));
        gflags = g ? g->flags : 0;
    }
    if (c) {
        c->flags |= lane_cflags;
        dispatch(e, c, m, ev, false, v, gflags);
    } else if (!src) {
        for (uint32_t i = 0; i < e->nslots; i++)
            e->st.observe_errors[i]++;
    }

    /* The principal group: once a source carries more than one identity, the stream
     * detectors also see all of its events under its own key, so that rotating identities
     * (or spreading queries over many keys) sheds nothing. */
    if (src && v->identities >= 2) {
        struct ig_event gev = *ev;
        gev.id_kind = ev->group_kind;
        memcpy(gev.client_id, ev->group_id, sizeof gev.client_id);
        gev.id_basis = IG_BASIS_SOURCE;
        size_t gn = strnlen(gev.client_id, IG_CLIENT_ID_MAX - 1);
        uint8_t gtag = (uint8_t)((ev->group_kind & 0x7f) | TAG_GROUP);
        uint64_t gh = siphash(e->key, gtag, gev.client_id, gn);
        struct client *g = client_find(e, gtag, gev.client_id, gn, gh);
        if (!g)
            g = client_new(e, gtag, gev.client_id, gn, gh);
        if (g) {
            g->flags |= lane_gflags;
            e->st.group_events++;
            dispatch(e, g, m, &gev, true, v, 0);
        }
    }
    e->st.scratch_overflows = e->scratch.overflows;
}

static void each_model(struct ig_engine *e, uint64_t now_us, bool finish)
{
    /* Models idle past detection.model_idle_timeout give their entry up (their state is
     * released, the slot reused by the next new name). Swap-remove keeps the list dense. */
    for (uint32_t i = 0; i < e->nmodels && !finish;) {
        struct model *m = e->models[i];
        if (m->last_us + e->model_idle_us < now_us) {
            model_evict(e, m);
            e->st.models_memory -= sizeof *m + e->model_size;
            free(m);
            e->models[i] = e->models[--e->nmodels];
            e->models[e->nmodels] = NULL;
            e->st.models_active = e->nmodels;
            continue;
        }
        i++;
    }
    if (e->load) {
        ig_load_set(e->load, IG_LOAD_CLIENTS_EVICTED, e->st.clients_evicted);
        ig_load_set(e->load, IG_LOAD_MODELS_OVERFLOW, e->st.models_overflow);
    }
    for (uint32_t i = 0; i < e->nslots; i++) {
        struct slot *s = &e->slots[i];
        int (*fn)(const struct ig_call *, uint64_t) = finish ? s->d->finish : s->d->tick;
        if (!fn)
            continue;
        struct ig_call call = { .global = s->global, .scratch = &e->scratch, .emit = &s->emit,
                                .load = e->load };
        if (!s->d->model_size) {
            ig_scratch_reset(&e->scratch);
            fn(&call, now_us);
            continue;
        }
        for (uint32_t k = 0; k <= IG_ENGINE_MAX_MODELS; k++) {
            /* Entries in order of first appearance, then the overflow entry. */
            struct model *m = k < e->nmodels ? e->models[k]
                            : k == IG_ENGINE_MAX_MODELS ? e->models[k] : NULL;
            if (!m) {
                if (k < IG_ENGINE_MAX_MODELS)
                    k = IG_ENGINE_MAX_MODELS - 1;
                continue;
            }
            call.model = m->slices + s->moff;
            ig_scratch_reset(&e->scratch);
            fn(&call, now_us);
        }
    }
}

void ig_engine_tick(struct ig_engine *e, uint64_t now_us)
{
    each_model(e, now_us, false);
}

void ig_engine_finish(struct ig_engine *e, uint64_t now_us)
{
    if (e && !e->finished) {
        e->finished = true;
        each_model(e, now_us, true);
    }
}

const struct ig_engine_stats *ig_engine_stats(const struct ig_engine *e)
{
    return &e->st;
}

const char *ig_engine_detector_name(const struct ig_engine *e, size_t i)
{
    return i < e->nslots ? e->slots[i].d->name : NULL;
}

size_t ig_engine_detector_count(const struct ig_engine *e)
{
    return e->nslots;
}

int ig_engine_emitting(const struct ig_engine *e)
{
    return e->emitting;
}

size_t ig_engine_detector_counters(const struct ig_engine *e, size_t i, struct ig_det_counter *out)
{
    if (i >= e->nslots || !e->slots[i].d->stats)
        return 0;
    size_t n = e->slots[i].d->stats(e->slots[i].global, out);
    return IG_MIN(n, (size_t)IG_DET_MAX_COUNTERS);
}

void ig_engine_free(struct ig_engine *e)
{
    if (!e)
        return;
    for (struct client *c = e->lru_head; c; c = c->next)
        call_evict(e, c);
    for (uint32_t k = 0; k <= IG_ENGINE_MAX_MODELS; k++)
        if (e->models[k])
            model_release(e, e->models[k]);
    for (uint32_t i = 0; i < e->nslots; i++)
        if (e->slots[i].d->free)
            e->slots[i].d->free(e->slots[i].global);
    for (struct slab *s = e->slabs, *n; s; s = n) {
        n = s->next;
        free(s);
    }
    for (uint32_t k = 0; k <= IG_ENGINE_MAX_MODELS; k++)
        free(e->models[k]);
    free(e->buckets);
    if (e->sbuckets)
        while (e->s_head)
            src_free_one(e, e->s_head);
    free(e->sbuckets);
    ig_scratch_free(&e->scratch);
    free(e);
}
