/* Kafka sink (librdkafka): idempotent producer, acks=all, compression, key = client id,
 * headers schema / schema_version / encoding, delivery reports counted.
 *
 * The spool is a write-ahead log: write() appends the record to the spool first, then
 * hands records to librdkafka in spool order while fewer than IG_KAFKA_WINDOW are in flight.
 * A delivery report marks its record done; the spool's committed offset moves over every
 * record done without a gap, and finished segments are deleted. So:
 *  - broker away (before start or mid-run): librdkafka keeps up to the window in memory and
 *    retries (message.timeout.ms defaults to 0 = never give up; idempotence keeps retries
 *    from duplicating); everything beyond waits in the spool, in order;
 *  - a crash or SIGKILL loses nothing the spool holds: the next start replays every record
 *    after the committed offset, in order, before new ones;
 *  - within a run a record is produced exactly once; across a crash the few records that
 *    were delivered but not yet committed are sent again (at-least-once, as Kafka offers);
 *  - close flushes for up to timeout_ms; what is still undelivered stays in the spool.
 * A record that fails for good (permanent broker error) is counted in `failed` and logged;
 * one that librdkafka reports as certainly not persisted is appended again (`retried`). */
#include "sinks.h"
#include "spool.h"

#include <inferguard/log.h>
#include <librdkafka/rdkafka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IG_KAFKA_WINDOW 8192u            /* records in librdkafka's hands at most (power of 2) */
#define IG_KAFKA_MAX_RECORD (1u << 20)   /* bigger findings cannot exist; refuse, counted */
#define IG_KAFKA_BUF (IG_KAFKA_MAX_RECORD + 6 + 2 * 0xffff)   /* one frame: key and headers too */

struct kafka_sink {
    rd_kafka_t *rk;
    char topic[256];
    char schema[64], schema_version[32], what[16];
    struct ig_spool *spool;
    uint8_t *buf;                        /* one framed record (write and replay) */
    uint64_t produced;                   /* highest seq handed to librdkafka */
    uint64_t done;                       /* every seq <= done is finished */
    uint64_t live_seq;                   /* first seq appended by this run */
    uint8_t finished[IG_KAFKA_WINDOW];   /* by seq % window: delivered or failed for good */
    bool closing, eio_logged;
    uint64_t perm_fail_logged;
    struct ig_sink_stats st;
    /* count_partitions: the partitioner librdkafka would use, and the partition count it
     * was last called with (from librdkafka's threads too) */
    int32_t (*partitioner)(const rd_kafka_topic_t *, const void *, size_t, int32_t, void *, void *);
    _Atomic int32_t partitions;
};

/* Spool record framing: [version 1][encoding 0 json / 1 msgpack][key len u16 LE][key][value],
 * or with headers [version 2][encoding][key len u16][headers len u16][key][headers][value]
 * (headers "name\0value\0" pairs), or to a given partition [version 3][encoding][key len
 * u16][headers len u16][partition i32 LE][key][headers][value]. */
static size_t frame(uint8_t *out, const struct ig_record *rec)
{
    size_t kn = IG_MIN(rec->key.n, (size_t)0xffff);
    size_t hn = rec->headers.n <= 0xffff ? rec->headers.n : 0;
    bool part = rec->to_partition && rec->partition >= 0;
    size_t h = part ? 10 : hn ? 6 : 4;
    out[0] = part ? 3 : hn ? 2 : 1;
    out[1] = rec->encoding && strcmp(rec->encoding, "msgpack") == 0;
    out[2] = (uint8_t)kn;
    out[3] = (uint8_t)(kn >> 8);
    if (hn || part) {
        out[4] = (uint8_t)hn;
        out[5] = (uint8_t)(hn >> 8);
    }
    if (part)
        for (int b = 0; b < 4; b++)
            out[6 + b] = (uint8_t)((uint32_t)rec->partition >> (8 * b));
    if (kn) memcpy(out + h, rec->key.p, kn);
    if (hn) memcpy(out + h + kn, rec->headers.p, hn);
    if (rec->value.n) memcpy(out + h + kn + hn, rec->value.p, rec->value.n);
    return h + kn + hn + rec->value.n;
}

/* Parses a spool frame; false when it is not one of ours. *partition: RD_KAFKA_PARTITION_UA
 * (by key) unless the frame names one. */
static bool unframe(const uint8_t *b, size_t n, size_t *kn, size_t *hn, size_t *hdr, int32_t *partition)
{
    *partition = RD_KAFKA_PARTITION_UA;
    if (n < 4 || b[0] < 1 || b[0] > 3)
        return false;
    *hdr = b[0] == 3 ? 10 : b[0] == 2 ? 6 : 4;
    if (n < *hdr)
        return false;
    *kn = (size_t)(b[2] | b[3] << 8);
    *hn = b[0] >= 2 ? (size_t)(b[4] | b[5] << 8) : 0;
    if (b[0] == 3) {
        uint32_t p = (uint32_t)b[6] | (uint32_t)b[7] << 8 | (uint32_t)b[8] << 16 | (uint32_t)b[9] << 24;
        if (p > INT32_MAX)
            return false;
        *partition = (int32_t)p;
    }
    return *hdr + *kn + *hn <= n;
}

/* The record's own headers ("name\0value\0" pairs) added to <h>. */
static void add_headers(rd_kafka_headers_t *h, const uint8_t *p, size_t n)
{
    size_t o = 0;
    while (o < n) {
        const uint8_t *name = p + o, *z = memchr(name, 0, n - o);
        if (!z)
            return;
        o = (size_t)(z - p) + 1;
        const uint8_t *val = p + o, *z2 = o < n ? memchr(val, 0, n - o) : NULL;
        if (!z2)
            return;
        o = (size_t)(z2 - p) + 1;
        rd_kafka_header_add(h, (const char *)name, -1, val, (ssize_t)(z2 - val));
    }
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void mark_finished(struct kafka_sink *k, uint64_t seq)
{
    if (seq <= k->done || seq > k->produced)
        return;
    k->finished[seq % IG_KAFKA_WINDOW] = 1;
    while (k->done < k->produced && k->finished[(k->done + 1) % IG_KAFKA_WINDOW]) {
        k->finished[(k->done + 1) % IG_KAFKA_WINDOW] = 0;
        k->done++;
    }
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    struct kafka_sink *k = opaque;
    uint64_t seq = (uint64_t)(uintptr_t)m->_private;
    (void)rk;
    if (!m->err) {
        k->st.delivered++;
        mark_finished(k, seq);
        return;
    }
    if (k->closing && (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
                       m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT))
        return;   /* still in the spool: the next run sends it */
    rd_kafka_msg_status_t ms = rd_kafka_message_status(m);
    if (ms == RD_KAFKA_MSG_STATUS_NOT_PERSISTED && !k->closing) {
        /* certainly not on the broker: sending it again cannot duplicate it */
        uint64_t nseq;
        size_t kn = m->key_len;
        if (6 + kn + 1024 + m->len <= IG_KAFKA_BUF) {
            rd_kafka_headers_t *hdrs = NULL;
            const void *enc = NULL;
            size_t en = 0;
            bool mp = rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR &&
                      rd_kafka_header_get_last(hdrs, "encoding", &enc, &en) == RD_KAFKA_RESP_ERR_NO_ERROR &&
                      en == 7 && memcmp(enc, "msgpack", 7) == 0;
            /* the record's own headers back as "name\0value\0" pairs */
            uint8_t hb[1024];
            size_t hn = 0;
            const char *name;
            const void *val;
            size_t vn;
            for (size_t i = 0; hdrs && rd_kafka_header_get_all(hdrs, i, &name, &val, &vn) == RD_KAFKA_RESP_ERR_NO_ERROR; i++) {
                size_t nn = strlen(name);
                if (!strcmp(name, "schema") || !strcmp(name, "schema_version") || !strcmp(name, "encoding") ||
                    hn + nn + vn + 2 > sizeof hb)
                    continue;
                memcpy(hb + hn, name, nn + 1);
                hn += nn + 1;
                if (vn) memcpy(hb + hn, val, vn);
                hn += vn;
                hb[hn++] = 0;
            }
            struct ig_record rec = {
                .key = { m->key, kn }, .value = { m->payload, m->len },
                .encoding = mp ? "msgpack" : "json", .headers = { hb, hn },
                .to_partition = m->partition >= 0, .partition = m->partition,   /* where it went */
            };
            size_t n = frame(k->buf, &rec);
            if (ig_spool_append(k->spool, k->buf, n, &nseq) == IG_OK) {
                k->st.retried++;
                mark_finished(k, seq);
                return;
            }
        }
    }
    k->st.failed++;
    if (k->perm_fail_logged++ % 1000 == 0)
        IG_LOG_WARN("kafka", "%s record not delivered to %s: %s (%llu failed so far)", k->what, k->topic,
                    rd_kafka_err2str(m->err), (unsigned long long)k->st.failed);
    mark_finished(k, seq);
}

/* Hands spooled records to librdkafka in order while the window has room. */
static void pump(struct kafka_sink *k)
{
    uint64_t committed = ig_spool_committed(k->spool);
    if (committed > k->done) {
        /* the spool dropped its oldest records (cap): skip them here too */
        for (uint64_t s = k->done + 1; s <= committed && s <= k->done + IG_KAFKA_WINDOW; s++)
            k->finished[s % IG_KAFKA_WINDOW] = 0;
        k->done = committed;
        if (k->produced < committed)
            k->produced = committed;
    }
    while (k->produced - k->done < IG_KAFKA_WINDOW) {
        size_t n;
        uint64_t seq;
        int rc = ig_spool_peek(k->spool, k->buf, IG_KAFKA_BUF, &n, &seq);
        if (rc == IG_ELIMIT) {
            IG_LOG_WARN("kafka", "oversized spool record (%zu bytes) skipped", n);
            ig_spool_advance(k->spool);
            k->st.dropped++;
            continue;
        }
        if (rc == IG_EIO && !k->eio_logged) {
            IG_LOG_WARN("kafka", "cannot read the spool; records wait there for the next run");
            k->eio_logged = true;
        }
        if (rc != IG_OK)
            return;
        if (seq > k->produced + 1) {
            /* the spool skipped damaged records (counted there as torn): they are finished
             * here too, or the committed offset would wait for them forever */
            while (k->produced + 1 < seq && k->produced - k->done < IG_KAFKA_WINDOW - 1) {
                k->produced++;
                k->st.dropped++;
                mark_finished(k, k->produced);
            }
            if (k->produced + 1 < seq)
                return;   /* window full: go on at the next poll */
        }
        size_t kn, hn, h;
        int32_t part;
        if (!unframe(k->buf, n, &kn, &hn, &h, &part)) {
            ig_spool_advance(k->spool);   /* not ours: count, never crash */
            k->st.dropped++;
            k->produced = seq;
            mark_finished(k, seq);
            continue;
        }
        const char *enc = k->buf[1] ? "msgpack" : "json";
        rd_kafka_headers_t *hdrs = rd_kafka_headers_new(3 + (hn ? 4 : 0));
        rd_kafka_header_add(hdrs, "schema", -1, k->schema, -1);
        rd_kafka_header_add(hdrs, "schema_version", -1, k->schema_version, -1);
        rd_kafka_header_add(hdrs, "encoding", -1, enc, -1);
        add_headers(hdrs, k->buf + h + kn, hn);
        size_t vo = h + kn + hn;
        rd_kafka_resp_err_t err = rd_kafka_producev(k->rk,
            RD_KAFKA_V_TOPIC(k->topic),
            RD_KAFKA_V_PARTITION(part),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(kn ? k->buf + h : NULL, kn),
            RD_KAFKA_V_VALUE(k->buf + vo, n - vo),
            RD_KAFKA_V_HEADERS(hdrs),
            RD_KAFKA_V_OPAQUE((void *)(uintptr_t)seq),
            RD_KAFKA_V_END);
        if (err)
            rd_kafka_headers_destroy(hdrs);   /* on success librdkafka owns them */
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return;   /* stays in the spool; the next poll tries again */
        ig_spool_advance(k->spool);
        k->produced = seq;
        if (err) {
            k->st.failed++;
            IG_LOG_WARN("kafka", "cannot produce to %s: %s", k->topic, rd_kafka_err2str(err));
            mark_finished(k, seq);
            continue;
        }
        if (seq < k->live_seq)
            k->st.replayed++;
    }
}

static void commit(struct kafka_sink *k)
{
    if (k->done > ig_spool_committed(k->spool))
        ig_spool_commit(k->spool, k->done);
}

static int set_conf(rd_kafka_conf_t *conf, const char *key, const char *val, char *err, size_t errlen)
{
    char e[256];
    if (rd_kafka_conf_set(conf, key, val, e, sizeof e) != RD_KAFKA_CONF_OK) {
        snprintf(err, errlen, "kafka property %s=%s: %s", key, val, e);
        return IG_ECONF;
    }
    return IG_OK;
}

static bool user_set(const struct ig_config *cfg, const char *key)
{
    for (uint32_t i = 0; i < cfg->n_kafka_props; i++)
        if (strcmp(cfg->kafka_props[i].key, key) == 0)
            return true;
    return false;
}

/* librdkafka's own messages become our JSON log lines (it logs from its threads). */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    if (level <= 4)
        IG_LOG_WARN("kafka", "%s: %s", fac, buf);
    else
        IG_LOG_DEBUG("kafka", "%s: %s", fac, buf);
}

/* The partitioner a "partitioner" property names (librdkafka's own, by name), so counting
 * the partitions does not change where keyed records go. */
typedef int32_t partitioner_fn(const rd_kafka_topic_t *, const void *, size_t, int32_t, void *, void *);

static partitioner_fn *partitioner_named(const char *name)
{
    static const struct {
        const char *name;
        partitioner_fn *fn;
    } table[] = {
        { "random", rd_kafka_msg_partitioner_random },
        { "consistent", rd_kafka_msg_partitioner_consistent },
        { "consistent_random", rd_kafka_msg_partitioner_consistent_random },
        { "murmur2", rd_kafka_msg_partitioner_murmur2 },
        { "murmur2_random", rd_kafka_msg_partitioner_murmur2_random },
        { "fnv1a", rd_kafka_msg_partitioner_fnv1a },
        { "fnv1a_random", rd_kafka_msg_partitioner_fnv1a_random },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].fn;
    return NULL;
}

static int32_t counting_partitioner(const rd_kafka_topic_t *rkt, const void *key, size_t keylen, int32_t cnt,
                                    void *rkt_opaque, void *msg_opaque)
{
    struct kafka_sink *k = rkt_opaque;
    atomic_store_explicit(&k->partitions, cnt, memory_order_relaxed);
    return k->partitioner(rkt, key, keylen, cnt, rkt_opaque, msg_opaque);
}

int32_t ig_kafka_partitions(void *state)
{
    struct kafka_sink *k = state;
    return k ? atomic_load_explicit(&k->partitions, memory_order_relaxed) : 0;
}

/* count_partitions: librdkafka's partitioner (the default, consistent_random, or the one
 * the "partitioner" property names) behind a callback that notes the partition count. */
static int count_partitions(struct kafka_sink *k, rd_kafka_conf_t *conf, char *err, size_t errlen)
{
    char name[64] = "consistent_random";
    size_t len = sizeof name;
    rd_kafka_topic_conf_t *tc = rd_kafka_conf_get_default_topic_conf(conf);
    if (tc && rd_kafka_topic_conf_get(tc, "partitioner", name, &len) != RD_KAFKA_CONF_OK)
        snprintf(name, sizeof name, "consistent_random");
    if (!(k->partitioner = partitioner_named(name))) {
        snprintf(err, errlen, "kafka property partitioner=%s: not one of librdkafka's named partitioners", name);
        return IG_ECONF;
    }
    if (!tc) {
        /* setting a topic-level property creates the default topic configuration */
        if (set_conf(conf, "partitioner", name, err, errlen))
            return IG_ECONF;
        tc = rd_kafka_conf_get_default_topic_conf(conf);
    }
    if (!tc) {
        snprintf(err, errlen, "kafka: no default topic configuration");
        return IG_ECONF;
    }
    rd_kafka_topic_conf_set_partitioner_cb(tc, counting_partitioner);
    rd_kafka_topic_conf_set_opaque(tc, k);
    return IG_OK;
}

int ig_kafka_open_opts(const struct ig_config *cfg, const struct ig_kafka_opts *o, void **state,
                       char *err, size_t errlen)
{
    struct kafka_sink *k = calloc(1, sizeof *k);
    if (!k || !(k->buf = malloc(IG_KAFKA_BUF))) {
        free(k);
        snprintf(err, errlen, "out of memory for the Kafka sink");
        return IG_ENOMEM;
    }
    snprintf(k->topic, sizeof k->topic, "%s", o->topic);
    snprintf(k->schema, sizeof k->schema, "%s", o->schema);
    snprintf(k->schema_version, sizeof k->schema_version, "%s", o->schema_version);
    snprintf(k->what, sizeof k->what, "%s", o->what);

    struct ig_spool_opts so = {
        .dir = o->spool_dir, .max_bytes = cfg->spool_max_bytes,
    };
    if (!ig_spool_fsync_parse(cfg->spool_fsync, &so.fsync)) {
        snprintf(err, errlen, "kafka.spool_fsync must be always, batch or never, not '%s'", cfg->spool_fsync);
        goto fail;
    }
    if (ig_spool_open(&so, &k->spool, err, errlen) != IG_OK)
        goto fail;
    k->done = k->produced = ig_spool_committed(k->spool);
    k->live_seq = ig_spool_next_seq(k->spool);

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* our defaults first, then the user's properties, then what correctness needs */
    if (set_conf(conf, "bootstrap.servers", cfg->kafka_brokers, err, errlen) ||
        set_conf(conf, "compression.type", "lz4", err, errlen) ||
        set_conf(conf, "message.timeout.ms", "0", err, errlen) ||
        set_conf(conf, "linger.ms", "5", err, errlen) ||
        set_conf(conf, "client.id", "inferguard", err, errlen))
        goto fail_conf;
    for (uint32_t i = 0; i < cfg->n_kafka_props; i++)
        if (set_conf(conf, cfg->kafka_props[i].key, cfg->kafka_props[i].value, err, errlen))
            goto fail_conf;
    if (user_set(cfg, "enable.idempotence") || user_set(cfg, "acks"))
        IG_LOG_WARN("kafka", "enable.idempotence and acks are fixed to true and all; ignoring the configured values");
    if (set_conf(conf, "enable.idempotence", "true", err, errlen) ||
        set_conf(conf, "acks", "all", err, errlen))
        goto fail_conf;
    if (o->count_partitions && count_partitions(k, conf, err, errlen))
        goto fail_conf;
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_log_cb(conf, on_log);
    rd_kafka_conf_set_opaque(conf, k);
    char e[512];
    k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, sizeof e);
    if (!k->rk) {
        snprintf(err, errlen, "cannot create the Kafka producer: %s", e);
        goto fail_conf;
    }
    *state = k;
    pump(k);   /* what a previous run left in the spool goes first */
    return IG_OK;
fail_conf:
    rd_kafka_conf_destroy(conf);
fail:
    ig_spool_close(k->spool);
    free(k->buf);
    free(k);
    return IG_ECONF;
}

static int kafka_open(const struct ig_config *cfg, void **state, char *err, size_t errlen)
{
    struct ig_kafka_opts o = {
        .topic = cfg->kafka_topic[0] ? cfg->kafka_topic : "inferguard.findings",
        .spool_dir = cfg->spool_dir, .schema = "ocsf.detection_finding", .schema_version = "1.3.0",
        .what = "finding",
    };
    return ig_kafka_open_opts(cfg, &o, state, err, errlen);
}

static int kafka_write(void *state, const struct ig_record *rec)
{
    struct kafka_sink *k = state;
    uint64_t seq;
    k->st.written++;
    if (rec->value.n > IG_KAFKA_MAX_RECORD) {
        k->st.dropped++;
        return IG_ELIMIT;
    }
    size_t n = frame(k->buf, rec);
    int rc = ig_spool_append(k->spool, k->buf, n, &seq);
    if (rc != IG_OK) {
        if (rc != IG_ELIMIT)
            k->st.dropped++;   /* the spool counts what exceeds its cap itself */
        IG_LOG_WARN("kafka", "cannot spool a finding: %s", rc == IG_EIO ? "write error" : "too large");
        return rc;
    }
    rd_kafka_poll(k->rk, 0);
    pump(k);
    if (k->produced < seq)
        k->st.spooled++;   /* the producer is behind: it waits in the spool */
    return IG_OK;
}

static int kafka_poll(void *state, int timeout_ms)
{
    struct kafka_sink *k = state;
    uint64_t end = mono_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        rd_kafka_poll(k->rk, 0);
        pump(k);
        commit(k);
        if (timeout_ms <= 0 || k->done >= ig_spool_next_seq(k->spool) - 1 || mono_ms() >= end)
            break;
        rd_kafka_poll(k->rk, 20);
    }
    ig_spool_sync(k->spool);
    return IG_OK;
}

static int kafka_close(void *state, int timeout_ms)
{
    struct kafka_sink *k = state;
    if (!k)
        return IG_OK;
    kafka_poll(k, timeout_ms);
    k->closing = true;
    uint64_t left = ig_spool_next_seq(k->spool) - 1 - k->done;
    if (left) {
        IG_LOG_WARN("kafka", "%llu findings not yet delivered to %s stay in the spool for the next run",
                    (unsigned long long)left, k->topic);
    }
    rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(k->rk, 0);
    commit(k);
    rd_kafka_destroy(k->rk);
    ig_spool_close(k->spool);
    free(k->buf);
    free(k);
    return left ? IG_AGAIN : IG_OK;
}

static void kafka_stats(void *state, struct ig_sink_stats *out)
{
    struct kafka_sink *k = state;
    struct ig_spool_stats ss;
    ig_spool_stats(k->spool, &ss);
    *out = k->st;
    out->dropped += ss.dropped_records;   /* spool cap hits */
}

static bool kafka_wanted(const struct ig_config *cfg)
{
    return cfg->kafka_brokers[0] != 0;
}

const struct ig_sink ig_sink_kafka = {
    .name = "kafka", .open = kafka_open, .write = kafka_write, .poll = kafka_poll,
    .close = kafka_close, .stats = kafka_stats,
    .encodings = IG_SINK_JSON | IG_SINK_MSGPACK,
    .wanted = kafka_wanted,
};
