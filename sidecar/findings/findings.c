/* The findings stage: throttle, enrich, encode, fan out to sinks. See findings.h.
 * Throttling: the first finding of a (client, analytic, model) group is written at once
 * (activity Create, count 1); repeats inside the window are folded into the group; when the
 * window ends (on the capture clock) a group with count > 1 is written again as an Update
 * with the total count and last_seen_time, carrying the latest repeat's scores and evidence.
 * The table is bounded: when full, the oldest group is closed early (its Update written)
 * and counted, so nothing that fired is lost. */
#include "findings.h"
#include "ocsf.h"
#include "enc.h"
#include "suppress.h"

#include <inferguard/log.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IG_FINDINGS_MAX_SINKS 8
#define IG_FINDINGS_STRBUF 3072
#define IG_FINDINGS_DEFAULT_WINDOW_US (60ull * 1000000ull)
#define IG_FINDINGS_POLL_US 50000ull

/* A finding deep-copied into fixed storage (no allocation per finding). */
struct group {
    struct ig_finding f;          /* latest repeat; strings point into buf */
    char buf[IG_FINDINGS_STRBUF];
    size_t used;
    uint64_t hash, count, first_us, last_us, deadline_us;
    int32_t next;                 /* hash chain or free list */
    bool live;
};

struct out_sink {
    const struct ig_sink *sink;
    void *state;
    bool json_only;               /* the sink does not take msgpack: JSON whatever the encoding */
};

struct ig_findings {
    const struct ig_rules *rules;
    bool msgpack;
    struct ig_atlas atlas;
    struct ig_ocsf_env env;
    struct ig_emit emit;
    struct out_sink sinks[IG_FINDINGS_MAX_SINKS];
    struct ig_sink_stats closed_stats[IG_FINDINGS_MAX_SINKS];  /* kept for the summary */
    uint32_t nsinks;
    bool closed;

    struct group *groups;
    uint32_t ngroups, nlive;
    int32_t *buckets;             /* nbuckets heads, -1 = empty */
    uint32_t nbuckets;
    int32_t free_head;
    uint64_t next_deadline_us, last_poll_us, last_now_us;
    bool written_since_poll;

    struct ig_jsonw json;
    msgpack_sbuffer mp_buf;
    msgpack_packer mp;
    struct ig_enc enc;
    struct ig_findings_stats stats;
    struct ig_suppressor suppress;   /* findings.suppress */
    /* a list read again (SIGHUP) by another thread, taken by the one that emits findings */
    _Atomic(struct ig_suppressor *) next_suppress;
    _Atomic uint64_t suppress_handed;   /* lists handed over (a list replaced before it was taken too) */
};

static uint64_t str_hash(uint64_t h, const char *s)
{
    return ig_fnv1a_step(ig_fnv1a_str(h, s, SIZE_MAX), 0x1f);   /* 0x1f: field separator */
}

/* Throttling key: the stable source when there is one, so that identities rotated from
 * one source fold into one finding per analytic and model instead of flooding the sinks. */
static const char *throttle_who(const struct ig_finding *f)
{
    return f->group_id && *f->group_id ? f->group_id : f->client_id;
}

static uint64_t group_hash(const struct ig_finding *f)
{
    uint64_t h = IG_FNV1A_BASIS;
    return str_hash(str_hash(str_hash(h, throttle_who(f)), f->analytic), f->model);
}

static bool str_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Copies <s> into the group's buffer; a string that no longer fits becomes "" (the fixed
 * buffer is far larger than any detector's strings; truncation beats allocation). */
static const char *keep(struct group *g, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    if (n > sizeof g->buf - g->used)
        return "";
    char *d = g->buf + g->used;
    memcpy(d, s, n);
    g->used += n;
    return d;
}

static void keep_one(void *g, const char **s)
{
    *s = keep(g, *s);
}

static void group_copy(struct group *g, const struct ig_finding *f)
{
    g->used = 0;
    g->f = *f;
    g->f.nscores = IG_MIN(f->nscores, (uint32_t)IG_FINDING_MAX_SCORES);
    g->f.nevidence = IG_MIN(f->nevidence, (uint32_t)IG_FINDING_MAX_EVIDENCE);
    ig_finding_each_string(&g->f, keep_one, g);   /* every string, into the group's buffer */
}

/* ---- encoding and fan-out ---- */

static bool encode_json(struct ig_findings *fs, const struct ig_finding *f, const struct ig_ocsf_group *g)
{
    ig_jsonw_reset(&fs->json);
    fs->enc.json = &fs->json;
    ig_enc_begin(&fs->enc, IG_ENC_JSON);
    ig_ocsf_write(&fs->enc, &fs->atlas, &fs->env, f, g);
    return !fs->json.oom;
}

static bool encode_msgpack(struct ig_enc *enc, msgpack_sbuffer *sb, msgpack_packer *pk,
                           const struct ig_atlas *atlas, const struct ig_ocsf_env *env,
                           const struct ig_finding *f, const struct ig_ocsf_group *g)
{
    ig_enc_begin(enc, IG_ENC_COUNT);
    ig_ocsf_write(enc, atlas, env, f, g);
    if (enc->overflow)
        return false;
    msgpack_sbuffer_clear(sb);
    enc->pk = pk;
    ig_enc_begin(enc, IG_ENC_MSGPACK);
    ig_ocsf_write(enc, atlas, env, f, g);
    return !enc->overflow;
}

static void count_unknown_atlas(struct ig_findings *fs, const struct ig_finding *f)
{
    for (int i = 0; i < IG_FINDING_MAX_ATTACKS && f->atlas[i]; i++)
        if (!ig_atlas_find(&fs->atlas, f->atlas[i]))
            fs->stats.atlas_unknown++;
}

static void publish(struct ig_findings *fs, const struct ig_finding *f, const struct ig_ocsf_group *g)
{
    bool need_mp = false;
    for (uint32_t i = 0; i < fs->nsinks; i++)
        need_mp |= fs->msgpack && !fs->sinks[i].json_only;
    if (!encode_json(fs, f, g) ||
        (need_mp && !encode_msgpack(&fs->enc, &fs->mp_buf, &fs->mp, &fs->atlas, &fs->env, f, g))) {
        fs->stats.encode_errors++;
        return;
    }
    /* key = client id keeps a client's findings in one partition; findings about a model
     * (drift) have no client and are keyed "model:<name>" so they stay ordered too */
    char key[IG_CLIENT_ID_MAX + IG_MODEL_NAME_MAX + 8];
    if (f->client_id && *f->client_id)
        snprintf(key, sizeof key, "%s", f->client_id);
    else
        snprintf(key, sizeof key, "model:%s", f->model ? f->model : "");
    struct ig_record rec = {
        .key = { (const uint8_t *)key, strlen(key) },
        .schema = IG_OCSF_SCHEMA, .schema_version = IG_OCSF_VERSION,
    };
    for (uint32_t i = 0; i < fs->nsinks; i++) {
        struct out_sink *s = &fs->sinks[i];
        if (fs->msgpack && !s->json_only) {
            rec.value = (struct ig_span){ (const uint8_t *)fs->mp_buf.data, fs->mp_buf.size };
            rec.encoding = "msgpack";
        } else {
            rec.value = (struct ig_span){ (const uint8_t *)fs->json.buf, fs->json.len };
            rec.encoding = "json";
        }
        s->sink->write(s->state, &rec);   /* never fails from our view: the sink spools or counts */
    }
    fs->stats.emitted++;
    if (g->activity_id == 2)
        fs->stats.updates++;
    fs->written_since_poll = true;
}

/* ---- the throttle table ---- */

static void group_unlink(struct ig_findings *fs, int32_t idx)
{
    struct group *g = &fs->groups[idx];
    int32_t *pp = &fs->buckets[g->hash % fs->nbuckets];
    while (*pp != idx)
        pp = &fs->groups[*pp].next;
    *pp = g->next;
    g->live = false;
    g->next = fs->free_head;
    fs->free_head = idx;
    fs->nlive--;
}

/* Ends a group: writes its Update when repeats were folded in, then frees the slot. */
static void group_close(struct ig_findings *fs, int32_t idx)
{
    struct group *g = &fs->groups[idx];
    if (g->count > 1) {
        struct ig_ocsf_group og = { 2, g->count, g->first_us, g->last_us };
        publish(fs, &g->f, &og);
    }
    group_unlink(fs, idx);
}

static void recompute_deadline(struct ig_findings *fs)
{
    fs->next_deadline_us = UINT64_MAX;
    for (uint32_t i = 0; i < fs->ngroups; i++)
        if (fs->groups[i].live && fs->groups[i].deadline_us < fs->next_deadline_us)
            fs->next_deadline_us = fs->groups[i].deadline_us;
}

static void expire(struct ig_findings *fs, uint64_t now_us)
{
    if (now_us < fs->next_deadline_us)
        return;
    for (uint32_t i = 0; i < fs->ngroups; i++)
        if (fs->groups[i].live && fs->groups[i].deadline_us <= now_us)
            group_close(fs, (int32_t)i);
    recompute_deadline(fs);
}

static int32_t group_find(struct ig_findings *fs, const struct ig_finding *f, uint64_t h)
{
    for (int32_t i = fs->buckets[h % fs->nbuckets]; i >= 0; i = fs->groups[i].next) {
        const struct group *g = &fs->groups[i];
        if (g->hash == h && str_eq(throttle_who(&g->f), throttle_who(f)) &&
            str_eq(g->f.analytic, f->analytic) && str_eq(g->f.model, f->model))
            return i;
    }
    return -1;
}

static void evict_oldest(struct ig_findings *fs)
{
    int32_t oldest = -1;
    for (uint32_t i = 0; i < fs->ngroups; i++)
        if (fs->groups[i].live && (oldest < 0 || fs->groups[i].first_us < fs->groups[oldest].first_us))
            oldest = (int32_t)i;
    if (oldest >= 0) {
        group_close(fs, oldest);
        fs->stats.evicted++;
    }
}

/* A list handed over by ig_findings_replace_suppress replaces the running one here, on the
 * thread that emits findings: per-entry counts start at zero with the new entries. */
static void take_suppress(struct ig_findings *fs)
{
    if (!atomic_load_explicit(&fs->next_suppress, memory_order_relaxed))
        return;
    struct ig_suppressor *s = atomic_exchange_explicit(&fs->next_suppress, NULL, memory_order_acquire);
    if (!s)
        return;
    fs->suppress = *s;
    free(s);
    fs->stats.suppress_entries = fs->suppress.n;
    memset(fs->stats.suppressed_by, 0, sizeof fs->stats.suppressed_by);
    fs->stats.suppress_reloads = atomic_load_explicit(&fs->suppress_handed, memory_order_relaxed);
}

void ig_findings_replace_suppress(struct ig_findings *f, struct ig_suppressor *s)
{
    atomic_fetch_add_explicit(&f->suppress_handed, 1, memory_order_relaxed);
    free(atomic_exchange_explicit(&f->next_suppress, s, memory_order_acq_rel));
}

static void on_finding(void *ctx, const struct ig_finding *f)
{
    struct ig_findings *fs = ctx;
    take_suppress(fs);
    fs->stats.raised++;
    count_unknown_atlas(fs, f);
    if (f->time_us > fs->last_now_us)
        fs->last_now_us = f->time_us;
    if (fs->suppress.n) {
        int si = ig_suppressor_match(&fs->suppress, f);
        if (si >= 0) {
            fs->stats.suppressed++;
            fs->stats.suppressed_by[si]++;
            if (ig_log_get_level() >= IG_LOG_LEVEL_DEBUG) {
                char d[512];
                ig_suppress_describe(&fs->suppress.r[si].e, (uint32_t)si, d, sizeof d);
                ig_log(IG_LOG_LEVEL_DEBUG, "findings", "suppressed %s of client %s, model %s, by findings.suppress %s",
                       f->analytic ? f->analytic : "", f->client_id ? f->client_id : "",
                       f->model ? f->model : "", d);
            }
            return;
        }
    }
    uint64_t window = ig_rules_throttle_us(fs->rules, f->analytic ? f->analytic : "",
                                           IG_FINDINGS_DEFAULT_WINDOW_US);
    /* Raised by rules with their own throttle: the shortest window of what raised it. */
    if (f->rule_throttle_us)
        window = f->throttle_detector ? IG_MIN(window, f->rule_throttle_us) : f->rule_throttle_us;
    struct ig_ocsf_group create = { 1, 1, f->time_us, f->time_us };
    if (window == 0 || fs->ngroups == 0) {
        publish(fs, f, &create);
        return;
    }
    uint64_t h = group_hash(f);
    int32_t idx = group_find(fs, f, h);
    if (idx >= 0) {
        struct group *g = &fs->groups[idx];
        if (f->time_us < g->deadline_us) {
            g->count++;
            if (f->time_us > g->last_us)
                g->last_us = f->time_us;
            group_copy(g, f);
            fs->stats.throttled++;
            return;
        }
        group_close(fs, idx);
    }
    if (fs->nlive == fs->ngroups)
        evict_oldest(fs);
    idx = fs->free_head;
    struct group *g = &fs->groups[idx];
    fs->free_head = g->next;
    group_copy(g, f);
    g->hash = h;
    g->count = 1;
    g->first_us = g->last_us = f->time_us;
    g->deadline_us = f->time_us + window;
    g->live = true;
    g->next = fs->buckets[h % fs->nbuckets];
    fs->buckets[h % fs->nbuckets] = idx;
    fs->nlive++;
    if (g->deadline_us < fs->next_deadline_us)
        fs->next_deadline_us = g->deadline_us;
    publish(fs, f, &create);
}

/* ---- public ---- */

/* The findings stage's own rules block ("- detector: findings.throttle"). */
struct throttle_params {
    uint32_t max_groups;
};

static const struct ig_param throttle_params[] = {
    { .name = "max_groups", .type = IG_PT_U32, .def = 1024, .min = 0, .max = 1000000,
      .offset = offsetof(struct throttle_params, max_groups),
      .help = "open throttle groups (client, analytic, model); a full table closes its oldest early (counted)" },
    { 0 },
};

const struct ig_param_block ig_findings_throttle = { "findings.throttle", throttle_params };

struct ig_findings *ig_findings_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                    char *err, size_t errlen)
{
    struct ig_findings *fs = calloc(1, sizeof *fs);
    if (!fs) {
        snprintf(err, errlen, "out of memory for the findings stage");
        return NULL;
    }
    fs->rules = rules;
    atomic_init(&fs->next_suppress, NULL);
    atomic_init(&fs->suppress_handed, 0);
    const char *enc = cfg && cfg->findings_encoding[0] ? cfg->findings_encoding : "json";
    if (strcmp(enc, "msgpack") == 0)
        fs->msgpack = true;
    else if (strcmp(enc, "json") != 0) {
        snprintf(err, errlen, "findings.encoding must be json or msgpack, not '%s'", enc);
        goto fail;
    }
    bool from_file;
    if (ig_atlas_load(cfg ? cfg->rules_dir : NULL, &fs->atlas, &from_file, err, errlen) != IG_OK)
        goto fail;
    if (!from_file)
        IG_LOG_DEBUG("findings", "ATLAS table: the embedded rules/atlas.yaml");
    ig_ocsf_env_read(&fs->env);
    ig_findings_set_rules(fs, rules);
    if (ig_suppressor_init(&fs->suppress, cfg, err, errlen) != IG_OK)
        goto fail;
    fs->stats.suppress_entries = fs->suppress.n;

    struct throttle_params tp;
    if (ig_params_fill(ig_findings_throttle.params, rules, ig_findings_throttle.name, &tp, err,
                       errlen) != IG_OK)
        goto fail;
    fs->ngroups = tp.max_groups;
    fs->nbuckets = fs->ngroups ? fs->ngroups * 2 : 1;
    fs->groups = calloc(fs->ngroups ? fs->ngroups : 1, sizeof *fs->groups);
    fs->buckets = malloc(fs->nbuckets * sizeof *fs->buckets);
    if (!fs->groups || !fs->buckets) {
        snprintf(err, errlen, "out of memory for %u throttle groups", fs->ngroups);
        goto fail;
    }
    for (uint32_t i = 0; i < fs->nbuckets; i++)
        fs->buckets[i] = -1;
    for (uint32_t i = 0; i < fs->ngroups; i++)
        fs->groups[i].next = i + 1 < fs->ngroups ? (int32_t)(i + 1) : -1;
    fs->free_head = fs->ngroups ? 0 : -1;
    fs->next_deadline_us = UINT64_MAX;

    ig_jsonw_init(&fs->json, 4096);
    msgpack_sbuffer_init(&fs->mp_buf);
    msgpack_packer_init(&fs->mp, &fs->mp_buf, msgpack_sbuffer_write);
    fs->emit = (struct ig_emit){ on_finding, fs };
    return fs;
fail:
    free(fs->groups);
    free(fs->buckets);
    free(fs);
    return NULL;
}

int ig_findings_add_sink(struct ig_findings *f, const struct ig_sink *sink, void *state)
{
    if (f->nsinks >= IG_FINDINGS_MAX_SINKS || f->closed)
        return IG_ELIMIT;
    f->sinks[f->nsinks++] = (struct out_sink){ sink, state, !(sink->encodings & IG_SINK_MSGPACK) };
    return IG_OK;
}

const struct ig_emit *ig_findings_emit(struct ig_findings *f)
{
    return &f->emit;
}

void ig_findings_tick(struct ig_findings *f, uint64_t now_us)
{
    if (f->closed)
        return;
    take_suppress(f);
    if (now_us > f->last_now_us)
        f->last_now_us = now_us;
    expire(f, now_us);
    /* poll sinks when something was written, else at most every 50 ms of capture time */
    if (f->written_since_poll || now_us - f->last_poll_us >= IG_FINDINGS_POLL_US) {
        for (uint32_t i = 0; i < f->nsinks; i++)
            if (f->sinks[i].sink->poll)
                f->sinks[i].sink->poll(f->sinks[i].state, 0);
        f->last_poll_us = now_us;
        f->written_since_poll = false;
    }
}

void ig_findings_flush(struct ig_findings *f, int timeout_ms)
{
    if (f->closed)
        return;
    for (uint32_t i = 0; i < f->nsinks; i++)
        if (f->sinks[i].sink->poll)
            f->sinks[i].sink->poll(f->sinks[i].state, timeout_ms);
}

void ig_findings_close(struct ig_findings *f, uint64_t now_us, int timeout_ms)
{
    if (f->closed)
        return;
    (void)now_us;
    take_suppress(f);   /* the summary names the entries last handed over */
    /* every open group ends now: folded repeats are reported, not lost */
    for (uint32_t i = 0; i < f->ngroups; i++)
        if (f->groups[i].live)
            group_close(f, (int32_t)i);
    f->next_deadline_us = UINT64_MAX;
    /* poll with a timeout waits for what is in flight (sinks.h); all sinks share the one
     * flush budget; the counters are read before close frees the state */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint32_t i = 0; i < f->nsinks; i++) {
        struct out_sink *s = &f->sinks[i];
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long spent = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        int left = timeout_ms > spent ? (int)(timeout_ms - spent) : 0;
        if (s->sink->poll)
            s->sink->poll(s->state, left);
        if (s->sink->stats)
            s->sink->stats(s->state, &f->closed_stats[i]);
        s->sink->close(s->state, 0);
        s->state = NULL;
    }
    f->closed = true;
}

const struct ig_findings_stats *ig_findings_stats(const struct ig_findings *f)
{
    return &f->stats;
}

void ig_findings_sink_stats(const struct ig_findings *f,
                            void (*fn)(void *ctx, const char *sink, const struct ig_sink_stats *s),
                            void *ctx)
{
    for (uint32_t i = 0; i < f->nsinks; i++) {
        struct ig_sink_stats st = { 0 };
        if (f->closed)
            st = f->closed_stats[i];
        else if (f->sinks[i].sink->stats)
            f->sinks[i].sink->stats(f->sinks[i].state, &st);
        fn(ctx, f->sinks[i].sink->name, &st);
    }
}

void ig_findings_free(struct ig_findings *f)
{
    if (!f)
        return;
    if (!f->closed)
        ig_findings_close(f, f->last_now_us, 0);
    ig_jsonw_free(&f->json);
    msgpack_sbuffer_destroy(&f->mp_buf);
    free(f->groups);
    free(f->buckets);
    free(atomic_load(&f->next_suppress));
    free(f);
}

void ig_findings_suppress_summary(const struct ig_findings_stats *st, const struct ig_config *cfg, FILE *out)
{
    uint32_t n = cfg ? IG_MIN(cfg->n_suppress, (uint32_t)IG_CONFIG_MAX_SUPPRESS) : 0;
    if (!n && !st->suppressed)
        return;
    fprintf(out, "  suppressed  %llu findings by findings.suppress (not published; the detectors ran as ever)",
            (unsigned long long)st->suppressed);
    if (st->suppress_reloads)
        fprintf(out, "; the list read again %llu times, its entries counted since",
                (unsigned long long)st->suppress_reloads);
    fputc(n ? ':' : ';', out);
    if (!n)
        fprintf(out, " no entries now");
    for (uint32_t i = 0; i < n; i++) {
        char d[512];
        ig_suppress_describe(&cfg->suppress[i], i, d, sizeof d);
        fprintf(out, "%s %s: %llu", i ? ";" : "", d,
                (unsigned long long)(i < st->suppress_entries ? st->suppressed_by[i] : 0));
    }
    fputc('\n', out);
}

void ig_findings_set_rules(struct ig_findings *f, const struct ig_rules *rules)
{
    snprintf(f->env.rules_sha256, sizeof f->env.rules_sha256, "%s", rules ? ig_rules_sha256(rules) : "");
}

/* ---- one-shot encoders (built-in ATLAS table, environment enrichment) ---- */

struct ig_finding_encoder {
    struct ig_atlas atlas;
    struct ig_ocsf_env env;
};

struct ig_finding_encoder *ig_finding_encoder_new(char *err, size_t errlen)
{
    struct ig_finding_encoder *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (ig_atlas_load_embedded(&e->atlas, err, errlen) != IG_OK) {
        free(e);
        return NULL;
    }
    ig_ocsf_env_read(&e->env);
    return e;
}

void ig_finding_encoder_free(struct ig_finding_encoder *e)
{
    free(e);
}

size_t ig_finding_to_ocsf_json(const struct ig_finding_encoder *e, const struct ig_finding *f,
                               uint64_t count, uint64_t first_us, uint64_t last_us, char *buf,
                               size_t cap)
{
    const struct ig_atlas *atlas = &e->atlas;
    const struct ig_ocsf_env *env = &e->env;
    struct ig_ocsf_group g = { count > 1 ? 2 : 1, count ? count : 1, first_us, last_us };
    struct ig_jsonw w;
    struct ig_enc enc = { .json = &w };
    ig_jsonw_init(&w, 2048);
    ig_enc_begin(&enc, IG_ENC_JSON);
    ig_ocsf_write(&enc, atlas, env, f, &g);
    size_t n = 0;
    if (!w.oom && w.len < cap) {
        memcpy(buf, w.buf, w.len);
        buf[w.len] = '\0';
        n = w.len;
    }
    ig_jsonw_free(&w);
    return n;
}

size_t ig_finding_to_ocsf_msgpack(const struct ig_finding_encoder *e, const struct ig_finding *f,
                                  uint64_t count, uint64_t first_us, uint64_t last_us, char *buf,
                                  size_t cap)
{
    const struct ig_atlas *atlas = &e->atlas;
    const struct ig_ocsf_env *env = &e->env;
    struct ig_ocsf_group g = { count > 1 ? 2 : 1, count ? count : 1, first_us, last_us };
    struct ig_enc *enc = calloc(1, sizeof *enc);
    msgpack_sbuffer sb;
    msgpack_packer pk;
    size_t n = 0;
    if (!enc)
        return 0;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    if (encode_msgpack(enc, &sb, &pk, atlas, env, f, &g) && sb.size <= cap) {
        memcpy(buf, sb.data, sb.size);
        n = sb.size;
    }
    msgpack_sbuffer_destroy(&sb);
    free(enc);
    return n;
}
