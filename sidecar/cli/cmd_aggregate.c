/* inferguard aggregate: the fleet's detectors, a Kafka consumer-group member reading the
 * events topic that every pod's sensor publishes (run/analyze --events-topic).
 *
 * State and restarts: the events topic is the changelog. On assignment a partition is read
 * from its committed offset; a partition this process never owned is first re-read from up
 * to --replay events before the committed offset with findings held back, which rebuilds
 * its clients' detector state (what a restart or a rebalance would otherwise forget); a
 * partition owned before resumes where this process stopped (the gap up to the committed
 * offset, if another member moved it, is replayed the same way). Offsets are committed only
 * for events the detectors have seen.
 *
 * Per-model state: the member assigned partition 0 of the events topic (Kafka's group
 * coordinator picks it; a rebalance moves it) is the model owner. It reads every partition
 * with a second consumer (no group: manual assignment) and runs the detectors whose state
 * is the model's (coverage reference, drift, rate limits relative to the model's clients)
 * over the whole fleet's events; every member
 * runs the per-client detectors over its own partitions. A new owner rebuilds the model
 * state from up to --replay events per partition before the group's committed offsets.
 * docs/fleet.md has the details and the limits. */
#include <getopt.h>
#include <inferguard/log.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/units.h"
#include "fleet/aggregate.h"
#include "fleet/event_mp.h"
#include "fleet/told.h"
#include "findings/suppress.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard aggregate --kafka BROKERS --events-topic NAME [options]\n"
        "Runs the detectors over every pod's inference events (published by run/analyze\n"
        "--events-topic) as a member of a Kafka consumer group: partitions are keyed by source\n"
        "(else client), so each source's events from all replicas, whatever identities it\n"
        "rotates through, meet in one member. Findings are fleet\n"
        "findings (unmapped.scope \"fleet\", unmapped.pods), held back when a pod already\n"
        "reported the same client and analytic within the analytic's throttle window.\n\n"
        "options:\n"
        "  -k, --kafka BROKERS      bootstrap servers (host:port,...)\n"
        "      --events-topic NAME  the events topic to consume\n"
        "  -g, --group ID           consumer group (default: inferguard-aggregate)\n"
        "  -f, --findings PATH      findings output, '-' = stdout (default: -)\n"
        "  -t, --topic NAME         findings topic: fleet findings are published there, and the\n"
        "                           pods' findings read from it to hold back repeats\n"
        "      --until-idle DURATION  end when no event arrived for DURATION since the last\n"
        "                           partition assignment (batch runs, tests; waits up to 60 s\n"
        "                           for the first assignment, and for the next one after a\n"
        "                           revocation)\n"
        "      --lateness DURATION  how long an event waits for earlier ones from other pods\n"
        "                           beyond their watermarks (default: 2s)\n"
        "      --pod-timeout DURATION  a pod silent (or its watermark behind the newest) for\n"
        "                           this long is no longer waited for (default: 10s; 0 = pods'\n"
        "                           watermarks not followed)\n"
        "      --max-events N       stop (as on SIGTERM) after N events (controlled restarts)\n"
        "      --replay N           events per newly assigned partition re-read before its\n"
        "                           committed offset to rebuild state (default: 100000; 0 = off)\n"
        "      --no-model-owner     run every detector on this member's partitions (per-model\n"
        "                           state then learned from them only); by default the member\n"
        "                           holding partition 0 also reads every partition for the\n"
        "                           detectors whose state is the model's (coverage, drift,\n"
        "                           rate limits relative to the model's clients)\n"
        "      --reports DIR        write drift reports (JSON + HTML) into DIR (the model owner's,\n"
        "                           or this member's with --no-model-owner)\n"
        "  -c, --config FILE        YAML configuration (kafka.*, detection, ...)\n"
        "  -r, --rules DIR          rules directory (default: rules.dir)\n"
        "  -q, --quiet / -v, --verbose\n"
        "  -h, --help               this text\n\n"
        "Stops on SIGINT/SIGTERM (or --until-idle): waiting events are inspected, offsets\n"
        "committed, findings flushed, then a summary on stderr. SIGHUP reads the config\n"
        "file's findings.suppress list again (an invalid list is refused, the running one kept).\n"
        "exit codes: 0 ok, 1 runtime failure (Kafka), 2 usage, 3 configuration or rules\n");
}

static volatile sig_atomic_t g_stop, g_hup;
static void on_signal(int sig) { (void)sig; g_stop = 1; }
static void on_hup(int sig) { (void)sig; g_hup = 1; }

/* SIGHUP: the configuration file's findings.suppress list read again and checked as at
 * start; a valid list replaces the running one (and <cfg>'s copy, which the summary names),
 * an invalid one is refused with one error line. The rest of the file is read at start only. */
static void suppress_reread(struct ig_fleet_agg *agg, const char *path, struct ig_config *cfg)
{
    if (!path) {
        IG_LOG_WARN("reload", "SIGHUP: no configuration file (-c) to read findings.suppress from");
        return;
    }
    char err[512];
    struct ig_suppressor *sup = ig_suppressor_reread(path, err, sizeof err);
    if (!sup) {
        IG_LOG_ERROR("reload", "findings.suppress not read again, the running list kept: %s", err);
        return;
    }
    ig_suppressor_to_config(sup, cfg);
    IG_LOG_INFO("reload", "findings.suppress read again from %s: %u entries", path, (unsigned)sup->n);
    ig_fleet_agg_replace_suppress(agg, sup);   /* the stage's from now on */
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Where the member's loop spends its time (µs), to tell a slow consumer from a slow path. */
struct loop_time {
    uint64_t events, owner, advance, told, rebalance;
};

struct part_state {
    bool assigned, owned_before, quiet;
    uint64_t last_msg_us;    /* wall clock of its last message or assignment */
    int64_t replay_until;    /* offsets below are replays (-1: none) */
    int64_t last_fed;        /* released to the detectors when it was last revoked */
};

struct told_reader;

/* The model owner's side (this member holds partition 0): every partition read, the
 * model-scope detectors fed. */
struct model_owner {
    rd_kafka_t *rk;                 /* manual assignment: every partition of the events topic */
    struct ig_fleet_agg *agg;       /* IG_FLEET_MODELS, findings through the member's stage */
    int32_t np;
    int64_t replay_until[IG_FLEET_MAX_PARTITIONS];
    uint64_t last_msg_us[IG_FLEET_MAX_PARTITIONS];
    bool quiet[IG_FLEET_MAX_PARTITIONS];
    struct ig_evmp_decoded dec;
    struct ig_fleet_stats done;     /* totals of earlier terms (ownership lost, regained) */
};

struct agg_run {
    rd_kafka_t *rk;
    struct ig_fleet_agg *agg;
    const char *topic, *group;
    const struct ig_config *cfg;    /* the consumers' */
    const struct ig_config *fcfg;   /* the findings stage's */
    const struct ig_rules *rules;
    uint64_t replay_n, lateness_us, pod_timeout_us;
    struct part_state parts[IG_FLEET_MAX_PARTITIONS];
    uint64_t rebalances, assigned_at;
    uint64_t revoked_at;            /* mono_us of the last revocation (0: none) */
    bool failed;
    /* commits: the last one at revocation failed (a broker may refuse commits while the
     * group rebalances): partitions that come back are committed again once assigned;
     * those that moved are re-read by their new owner from the older offset, and what they
     * raise again is held back through the findings topic (told) */
    bool revoke_commit_failed;
    uint64_t commits, commits_failed, commits_retried;
    /* the model owner */
    bool owner_wanted, model_owner_on;   /* --no-model-owner turns it off */
    struct model_owner mo;
    uint64_t owner_terms, owner_events, model_last_msg;
    struct told_reader *told;
    bool told_sync;                 /* partitions were assigned: read the findings topic up to now */
    /* lag of each record at its receipt, ms (docs/fleet.md, "Lag"): records read for the
     * first time (live) behind the producer's timestamp (the Kafka path) and behind their
     * request on the pod's wire (the pod's capture, parsing and publishing too); replays
     * (state rebuilt from history) and records read again (their waiting copy was dropped
     * at a revocation) are old by design, counted apart; the model owner's consumer apart */
    struct ig_fleet_lag lag_live, lag_wire, lag_again, lag_owner;
    int64_t rx_max[IG_FLEET_MAX_PARTITIONS];   /* highest offset received (-1 none) */
    struct loop_time lt;
};

/* Lag of one record received now (wall clock, ms). */
static void lag_note(struct agg_run *r, const rd_kafka_message_t *m, const struct ig_event *ev, bool again,
                     bool owner, uint64_t now)
{
    rd_kafka_timestamp_type_t tt;
    int64_t ts = rd_kafka_message_timestamp(m, &tt);
    if (ts > 0 && tt == RD_KAFKA_TIMESTAMP_CREATE_TIME)
        ig_fleet_lag_add(again ? &r->lag_again : owner ? &r->lag_owner : &r->lag_live,
                         now > (uint64_t)ts ? now - (uint64_t)ts : 0);
    uint64_t t = (ev->req_time_us ? ev->req_time_us : ev->resp_time_us) / 1000;
    if (!again && !owner && t)
        ig_fleet_lag_add(&r->lag_wire, now > t ? now - t : 0);
}

/* Commits, for every assigned partition, the offset below which the detectors have seen
 * every event (never below a replay's end: those were committed before). Returns false
 * when the broker refused it (a sync commit: any partition). */
static bool commit_offsets(struct agg_run *r, bool sync)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
    for (int32_t p = 0; p < IG_FLEET_MAX_PARTITIONS; p++) {
        if (!r->parts[p].assigned)
            continue;
        int64_t off = ig_fleet_agg_commit_offset(r->agg, p);
        if (off < 0 || off < r->parts[p].replay_until)
            continue;
        rd_kafka_topic_partition_list_add(l, r->topic, p)->offset = off;
    }
    bool ok = true;
    if (l->cnt) {
        rd_kafka_resp_err_t e = rd_kafka_commit(r->rk, l, sync ? 0 : 1);
        r->commits++;
        if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
            ok = false;
            r->commits_failed++;
            IG_LOG_INFO("aggregate", "offset commit: %s", rd_kafka_err2str(e));
        }
        /* a synchronous commit reports each partition's own result too */
        for (int i = 0; ok && sync && i < l->cnt; i++)
            if (l->elems[i].err) {
                ok = false;
                r->commits_failed++;
                IG_LOG_INFO("aggregate", "offset commit of %s[%d]: %s", r->topic, (int)l->elems[i].partition,
                            rd_kafka_err2str(l->elems[i].err));
            }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return ok;
}

static void model_stop(struct agg_run *r);

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
                         void *opaque)
{
    struct agg_run *r = opaque;
    uint64_t t_cb = mono_us();
    r->rebalances++;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        rd_kafka_committed(rk, parts, 10000);
        for (int i = 0; i < parts->cnt; i++) {
            rd_kafka_topic_partition_t *tp = &parts->elems[i];
            if (tp->partition < 0 || tp->partition >= IG_FLEET_MAX_PARTITIONS)
                continue;
            struct part_state *ps = &r->parts[tp->partition];
            int64_t committed = tp->offset;   /* RD_KAFKA_OFFSET_INVALID when none */
            ps->assigned = true;
            ps->quiet = false;
            ps->last_msg_us = mono_us();
            ps->replay_until = -1;
            ig_fleet_agg_partition_start(r->agg, tp->partition);
            if (ps->owned_before && (committed < 0 || ps->last_fed + 1 >= committed)) {
                tp->offset = ps->last_fed + 1;   /* our state goes up to there already */
            } else if (ps->owned_before) {
                tp->offset = ps->last_fed + 1;   /* another member moved on: replay the gap */
                ps->replay_until = committed;
            } else if (committed >= 0 && r->replay_n) {
                int64_t lo = 0, hi = 0;
                rd_kafka_query_watermark_offsets(rk, tp->topic, tp->partition, &lo, &hi, 5000);
                int64_t start = committed > (int64_t)r->replay_n ? committed - (int64_t)r->replay_n : 0;
                tp->offset = start > lo ? start : lo;
                ps->replay_until = committed;
            } else if (committed < 0) {
                tp->offset = RD_KAFKA_OFFSET_BEGINNING;
            }
            IG_LOG_INFO("aggregate", "assigned %s[%d] from offset %lld (replay below %lld)", tp->topic,
                        (int)tp->partition, (long long)tp->offset, (long long)ps->replay_until);
        }
        rd_kafka_assign(rk, parts);
        r->assigned_at = mono_us();
        r->told_sync = true;   /* what other members told before handing these over */
        if (r->revoke_commit_failed) {
            /* the commit at revocation was refused: commit again what came back to us */
            r->revoke_commit_failed = false;
            r->commits_retried++;
            commit_offsets(r, false);
        }
        bool zero = false;
        for (int i = 0; i < parts->cnt; i++)
            zero |= parts->elems[i].partition == 0;
        if (zero && r->model_owner_on)
            r->owner_wanted = true;   /* started from the main loop, or still running */
        else
            model_stop(r);            /* partition 0 went to another member */
        r->lt.rebalance += mono_us() - t_cb;
        return;
    }
    /* revoked: what was told goes out before another member reads these partitions (it
     * holds back what the findings topic says was told); commit what the detectors saw;
     * what waits is left to the next owner */
    ig_fleet_agg_flush(r->agg, 5000);
    if (!commit_offsets(r, true))
        r->revoke_commit_failed = true;
    for (int i = 0; i < parts->cnt; i++) {
        int32_t p = parts->elems[i].partition;
        if (p < 0 || p >= IG_FLEET_MAX_PARTITIONS)
            continue;
        r->parts[p].assigned = false;
        r->parts[p].last_fed = ig_fleet_agg_revoke(r->agg, p);
        r->parts[p].owned_before = r->parts[p].last_fed >= 0;
        if (p == 0)
            r->owner_wanted = false;   /* the owner runs on until the next assignment says
                                        * where partition 0 went: an eager rebalance
                                        * revokes everything, and most often gives it back */
    }
    rd_kafka_assign(rk, NULL);
    r->revoked_at = mono_us();
    r->lt.rebalance += mono_us() - t_cb;
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    if (level <= 4)
        IG_LOG_WARN("kafka", "%s: %s", fac, buf);
    else
        IG_LOG_DEBUG("kafka", "%s: %s", fac, buf);
}

static rd_kafka_t *consumer_new(const struct ig_config *cfg, const char *group, struct agg_run *r,
                                char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char e[256];                           /* librdkafka's messages are one short line */
    /* our default, before the user's properties: a broker that does not answer a fetch
     * when a record arrives (librdkafka's mock cluster; Kafka does) holds it for
     * fetch.wait.max.ms (500) at the end of a partition, which was most of the live lag;
     * on Kafka it only costs idle fetches (10/s per broker) */
    if (rd_kafka_conf_set(conf, "fetch.wait.max.ms", "100", e, sizeof e) != RD_KAFKA_CONF_OK) {
        snprintf(err, errlen, "kafka property fetch.wait.max.ms: %.400s", e);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    for (uint32_t i = 0; i < cfg->n_kafka_props; i++)
        if (rd_kafka_conf_set(conf, cfg->kafka_props[i].key, cfg->kafka_props[i].value, e, sizeof e) !=
            RD_KAFKA_CONF_OK) {
            snprintf(err, errlen, "kafka property %s: %.400s", cfg->kafka_props[i].key, e);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    const char *kv[][2] = {
        { "bootstrap.servers", cfg->kafka_brokers }, { "group.id", group },
        { "enable.auto.commit", "false" }, { "auto.offset.reset", "earliest" },
        { "enable.auto.offset.store", "false" }, { "client.id", "inferguard-aggregate" },
        { "enable.partition.eof", "true" },
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (rd_kafka_conf_set(conf, kv[i][0], kv[i][1], e, sizeof e) != RD_KAFKA_CONF_OK) {
            snprintf(err, errlen, "kafka property %s: %.400s", kv[i][0], e);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    rd_kafka_conf_set_log_cb(conf, on_log);
    if (r) {
        rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
        rd_kafka_conf_set_opaque(conf, r);
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, e, sizeof e);
    if (!rk) {
        snprintf(err, errlen, "cannot create the Kafka consumer: %.400s", e);
        return NULL;
    }
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

/* ---- the findings topic: what pods (and earlier runs) already told ---- */

struct told_reader {
    rd_kafka_t *rk;
    const char *topic;
    int32_t np;
    struct ig_fleet_told_parser parser;
    bool parser_ready;
};

static void told_one(struct agg_run *r, const char *client, const char *analytic, uint64_t time_us,
                     bool fleet, uint8_t sev)
{
    /* one table for both roles (the model owner's shares it); flags reach both engines */
    ig_fleet_agg_told(r->agg, client, analytic, time_us, fleet, sev);
}

static void told_record(struct told_reader *t, struct agg_run *r, const rd_kafka_message_t *m)
{
    struct ig_fleet_told_rec rec;
    if (ig_fleet_told_parse(&t->parser, m->payload, m->len, &rec) != IG_OK) {
        ig_fleet_agg_count_told(r->agg, false, true);   /* foreign records */
        return;
    }
    ig_fleet_agg_count_told(r->agg, rec.msgpack, false);
    told_one(r, rec.client, rec.analytic, rec.time_us, rec.fleet, rec.severity);
}

/* Reads the findings topic up to its end as of this call (bounded by <wait_us>): what
 * pods, earlier runs and other members told is known before the next event. */
static void told_catch_up(struct told_reader *t, struct agg_run *r, uint64_t wait_us)
{
    if (!t->rk || t->np <= 0)
        return;
    int64_t *end = calloc((size_t)t->np, sizeof *end);
    if (!end)
        return;
    for (int32_t p = 0; p < t->np; p++) {
        int64_t lo = 0, hi = 0;
        if (rd_kafka_query_watermark_offsets(t->rk, t->topic, p, &lo, &hi, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR)
            end[p] = hi;
    }
    uint64_t deadline = mono_us() + wait_us;
    for (;;) {
        bool caught_up = true;
        rd_kafka_topic_partition_list_t *pos = rd_kafka_topic_partition_list_new(t->np);
        for (int32_t p = 0; p < t->np; p++)
            rd_kafka_topic_partition_list_add(pos, t->topic, p);
        rd_kafka_position(t->rk, pos);
        for (int32_t p = 0; p < t->np; p++)
            if (end[p] > 0 && pos->elems[p].offset < end[p])
                caught_up = false;
        rd_kafka_topic_partition_list_destroy(pos);
        if (caught_up || mono_us() > deadline || g_stop)
            break;
        rd_kafka_message_t *m = rd_kafka_consumer_poll(t->rk, 100);
        if (m) {
            if (!m->err)
                told_record(t, r, m);
            rd_kafka_message_destroy(m);
        }
    }
    free(end);
}

/* Reads the findings topic from its start (all partitions, no group), so an earlier run's
 * findings are known before the first event. */
static int told_open(struct told_reader *t, const struct ig_config *cfg, const char *topic,
                     struct agg_run *r, char *err, size_t errlen)
{
    char group[128];
    snprintf(group, sizeof group, "inferguard-aggregate-told-%ld", (long)getpid());
    t->topic = topic;
    t->parser_ready = true;
    if (ig_fleet_told_parser_init(&t->parser, cfg) != IG_OK) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    if (!(t->rk = consumer_new(cfg, group, NULL, err, errlen)))
        return IG_ECONF;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(t->rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(t->rk, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    if (e || !md || md->topic_cnt != 1 || md->topics[0].err) {
        /* no such topic yet: nothing was told */
        if (md)
            rd_kafka_metadata_destroy(md);
        return IG_OK;
    }
    t->np = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(t->np);
    for (int32_t p = 0; p < t->np; p++)
        rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(t->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    told_catch_up(t, r, 15000000u);
    return IG_OK;
}

static void told_drain(struct told_reader *t, struct agg_run *r)
{
    if (!t->rk)
        return;
    for (int i = 0; i < 1000; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(t->rk, 0);
        if (!m)
            return;
        if (!m->err)
            told_record(t, r, m);
        rd_kafka_message_destroy(m);
    }
}

static void told_close(struct told_reader *t)
{
    if (t->rk) {
        rd_kafka_consumer_close(t->rk);
        rd_kafka_destroy(t->rk);
    }
    if (t->parser_ready)
        ig_fleet_told_parser_free(&t->parser);
}

/* ---- the command ---- */

static void header_str(const rd_kafka_message_t *m, const char *name, char *out, size_t cap)
{
    rd_kafka_headers_t *h = NULL;
    const void *v = NULL;
    size_t n = 0;
    out[0] = 0;
    if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        rd_kafka_header_get_last(h, name, &v, &n) == RD_KAFKA_RESP_ERR_NO_ERROR && v)
        snprintf(out, cap, "%.*s", (int)IG_MIN(n, cap - 1), (const char *)v);
}

/* ---- the model owner ---- */

static void stats_add(struct ig_fleet_stats *to, const struct ig_fleet_stats *s)
{
    to->events += s->events;
    to->released += s->released;
    to->late += s->late;
    to->replayed += s->replayed;
    to->raised += s->raised;
    to->emitted += s->emitted;
    to->held_told += s->held_told;
    to->held_replay += s->held_replay;
    to->left_to_role += s->left_to_role;
    to->released_idle += s->released_idle;
    to->flags_late += s->flags_late;
    to->flags_dropped += s->flags_dropped;
    to->flags_early += s->flags_early;
    struct ig_fleet_lag *l = &to->inspect_lag;
    l->n += s->inspect_lag.n;
    l->sum += s->inspect_lag.sum;
    l->max = IG_MAX(l->max, s->inspect_lag.max);
    for (int b = 0; b < IG_FLEET_LAG_BUCKETS; b++)
        l->hist[b] += s->inspect_lag.hist[b];
}

/* This member now holds partition 0: read every partition of the events topic with a
 * consumer of its own (no group: it must see them all), from up to --replay events before
 * the group's committed offsets (those rebuild the model state: a replay, findings held
 * back as for a member's replay), or from the start when nothing was committed. */
static void model_start(struct agg_run *r)
{
    struct model_owner *mo = &r->mo;
    char err[512], group[300];
    if (mo->rk)
        return;
    snprintf(group, sizeof group, "%s.model-owner", r->group);
    /* a second longer than the members' window: their findings (through the findings
     * topic) flag clients before the owner's drift sees those clients' events */
    mo->agg = ig_fleet_agg_new_role(r->fcfg, r->rules, r->lateness_us + 1000000, IG_FLEET_MODELS, r->agg,
                                    err, sizeof err);
    if (mo->agg)
        ig_fleet_agg_pod_timeout(mo->agg, r->pod_timeout_us);
    if (!mo->agg || !(mo->rk = consumer_new(r->cfg, group, NULL, err, sizeof err))) {
        IG_LOG_WARN("aggregate", "model owner: %s; per-model detectors off", err);
        ig_fleet_agg_free(mo->agg);
        mo->agg = NULL;
        r->owner_wanted = false;
        return;
    }
    ig_fleet_agg_flag_to(r->agg, mo->agg);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(r->rk, r->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(r->rk, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    mo->np = !e && md && md->topic_cnt == 1 && !md->topics[0].err ? md->topics[0].partition_cnt : 0;
    if (md)
        rd_kafka_metadata_destroy(md);
    if (mo->np > IG_FLEET_MAX_PARTITIONS)
        mo->np = IG_FLEET_MAX_PARTITIONS;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(mo->np > 0 ? mo->np : 1);
    for (int32_t p = 0; p < mo->np; p++)
        rd_kafka_topic_partition_list_add(l, r->topic, p);
    if (mo->np > 0)
        rd_kafka_committed(r->rk, l, 10000);   /* the group's offsets: what members inspected */
    uint64_t now = mono_us();
    for (int i = 0; i < l->cnt; i++) {
        rd_kafka_topic_partition_t *tp = &l->elems[i];
        int32_t p = tp->partition;
        int64_t committed = tp->err ? -1 : tp->offset;
        mo->replay_until[p] = -1;
        mo->last_msg_us[p] = now;
        mo->quiet[p] = false;
        if (committed >= 0) {
            int64_t lo = 0, hi = 0;
            rd_kafka_query_watermark_offsets(r->rk, r->topic, p, &lo, &hi, 5000);
            int64_t start = committed > (int64_t)r->replay_n ? committed - (int64_t)r->replay_n : 0;
            tp->offset = start > lo ? start : lo;
            mo->replay_until[p] = committed;
        } else {
            tp->offset = RD_KAFKA_OFFSET_BEGINNING;
        }
        tp->err = RD_KAFKA_RESP_ERR_NO_ERROR;
        ig_fleet_agg_partition_start(mo->agg, p);
    }
    rd_kafka_assign(mo->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    r->owner_terms++;
    r->model_last_msg = now;
    IG_LOG_INFO("aggregate", "model owner: reading the %d partitions of %s", (int)mo->np, r->topic);
}

/* Partition 0 went to another member, or the end: the model state goes with it (the next
 * owner rebuilds it from the topic); events waiting here are left to it. */
static void model_stop(struct agg_run *r)
{
    struct model_owner *mo = &r->mo;
    if (!mo->rk)
        return;
    IG_LOG_INFO("aggregate", "model owner: partition 0 went to another member (or this one stops); model-scope detectors stop here");
    ig_fleet_agg_flag_to(r->agg, NULL);
    ig_fleet_agg_flush(r->agg, 5000);
    stats_add(&mo->done, ig_fleet_agg_stats(mo->agg));
    rd_kafka_consumer_close(mo->rk);
    rd_kafka_destroy(mo->rk);
    mo->rk = NULL;
    ig_fleet_agg_free(mo->agg);
    mo->agg = NULL;
}

/* Up to <max> records of the model owner's consumer; returns how many were events. */
static int model_poll(struct agg_run *r, int max)
{
    struct model_owner *mo = &r->mo;
    int got = 0;
    if (!mo->rk)
        return 0;
    struct ig_evmp_decoded *d = &mo->dec;
    uint64_t now = mono_us();
    for (int i = 0; i < max; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(mo->rk, 0);
        if (!m)
            break;
        ig_fleet_agg_clock(mo->agg, wall_ms() * 1000);
        int32_t p = m->partition;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            ig_fleet_agg_partition_end(mo->agg, p);
        } else if (!m->err && p >= 0 && p < IG_FLEET_MAX_PARTITIONS) {
            const char *why;
            mo->last_msg_us[p] = now;
            mo->quiet[p] = false;
            if (ig_evmp_decode(d, m->payload, m->len, &why) == IG_OK) {
                char pod[128];
                header_str(m, "pod", pod, sizeof pod);
                if (d->heartbeat) {
                    ig_fleet_agg_pod_mark(mo->agg, pod, p, d->wm, d->bye, m->offset);
                } else {
                    r->model_last_msg = now;   /* busy: an event, not a pod's heartbeat */
                    bool replay = m->offset < mo->replay_until[p];
                    lag_note(r, m, &d->ev, replay, true, wall_ms());
                    ig_fleet_agg_event(mo->agg, &d->ev, pod, replay, p, m->offset);
                    ig_fleet_agg_pod_mark(mo->agg, pod, p, d->wm, false, -1);
                    got++;
                }
            }
        } else if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
            IG_LOG_WARN("aggregate", "model owner's consumer: %s", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
    }
    for (int32_t p = 0; p < mo->np; p++)
        if (!mo->quiet[p] && now - mo->last_msg_us[p] > 2 * IG_MAX(r->lateness_us, (uint64_t)1000000)) {
            mo->quiet[p] = true;
            ig_fleet_agg_partition_end(mo->agg, p);
        }
    r->owner_events += (uint64_t)got;
    return got;
}

int ig_cmd_aggregate(int argc, char **argv)
{
    static const struct option opts[] = {
        IG_CLI_COMMON_OPTIONS, { "help", no_argument, 0, 'h' }, { "group", required_argument, 0, 'g' },
        { "until-idle", required_argument, 0, 'I' }, { "lateness", required_argument, 0, 'L' },
        { "replay", required_argument, 0, 'P' }, { "max-events", required_argument, 0, 'X' },
        { "no-model-owner", no_argument, 0, 'N' }, { "pod-timeout", required_argument, 0, 'T' },
        { 0, 0, 0, 0 },
    };
    struct ig_cli_common o = { 0 };
    const char *group = "inferguard-aggregate";
    uint64_t idle_us = 0, lateness_us = 2000000, replay_n = 100000, max_events = 0, pod_timeout_us = 10000000;
    bool model_owner = true;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hk:g:t:" IG_CLI_COMMON_SHORT, opts, NULL)) != -1) {
        int taken = ig_cli_common_opt(&o, c, optarg, "inferguard aggregate");
        if (taken < 0)
            return IG_EXIT_USAGE;
        if (taken)
            continue;
        switch (c) {
        case 'h': usage(stdout); return IG_EXIT_OK;
        case 'g': group = optarg; break;
        case 'N': model_owner = false; break;
        case 'I':
        case 'L':
        case 'T':
            if (!ig_parse_duration_us(optarg, 1000000, c == 'I' ? &idle_us : c == 'L' ? &lateness_us : &pod_timeout_us)) {
                fprintf(stderr, "inferguard aggregate: --%s: a duration such as 5s or 500ms\n",
                        c == 'I' ? "until-idle" : c == 'L' ? "lateness" : "pod-timeout");
                return IG_EXIT_USAGE;
            }
            break;
        case 'X':
            if (!ig_parse_u64(optarg, &max_events) || !max_events) {
                fprintf(stderr, "inferguard aggregate: --max-events: a number of events > 0\n");
                return IG_EXIT_USAGE;
            }
            break;
        case 'P':
            if (!ig_parse_u64(optarg, &replay_n)) {
                fprintf(stderr, "inferguard aggregate: --replay: a number of events\n");
                return IG_EXIT_USAGE;
            }
            break;
        default: usage(stderr); return IG_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "inferguard aggregate: unexpected argument '%s' (try --help)\n", argv[optind]);
        return IG_EXIT_USAGE;
    }
    if (o.events) {
        fprintf(stderr, "inferguard aggregate: --events is not an option of aggregate\n");
        return IG_EXIT_USAGE;
    }
    static struct ig_config cfg;
    struct ig_rules *rules;
    int rc = ig_cli_load(&o, "inferguard aggregate", &cfg, &rules);
    if (rc)
        return rc;
    if (!cfg.kafka_brokers[0] || !cfg.kafka_events_topic[0]) {
        fprintf(stderr, "inferguard aggregate: --kafka and --events-topic are required (or kafka.brokers and "
                        "kafka.events_topic)\n");
        ig_rules_free(rules);
        return IG_EXIT_USAGE;
    }
    /* findings go to Kafka only with a findings topic named (--topic / kafka.topic set in
     * the config file counts: the default is only a default) */
    static struct ig_config fcfg;
    fcfg = cfg;
    if (!o.topic && !(o.config_path && strcmp(cfg.kafka_topic, "inferguard.findings") != 0))
        fcfg.kafka_brokers[0] = 0;
    fcfg.kafka_events_topic[0] = 0;

    char err[512];
    /* with the model owner, this member's engine runs the per-client detectors only; the
     * model-scope ones run where partition 0 is (possibly here too) */
    struct ig_fleet_agg *agg = ig_fleet_agg_new_role(&fcfg, rules, lateness_us,
                                                     model_owner ? IG_FLEET_CLIENTS : IG_FLEET_ALL, NULL,
                                                     err, sizeof err);
    if (!agg) {
        fprintf(stderr, "inferguard aggregate: %s\n", err);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    static struct agg_run r;
    memset(&r, 0, sizeof r);
    for (int32_t p = 0; p < IG_FLEET_MAX_PARTITIONS; p++)
        r.rx_max[p] = -1;
    r.agg = agg;
    r.topic = cfg.kafka_events_topic;
    r.group = group;
    r.cfg = &cfg;
    r.fcfg = &fcfg;
    r.rules = rules;
    r.replay_n = replay_n;
    r.lateness_us = lateness_us;
    r.pod_timeout_us = pod_timeout_us;
    ig_fleet_agg_pod_timeout(agg, pod_timeout_us);
    r.model_owner_on = model_owner;
    static struct told_reader told;
    memset(&told, 0, sizeof told);
    r.told = &told;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_hup);
    if (fcfg.kafka_brokers[0])
        ig_fleet_agg_told_known(agg);
    if (fcfg.kafka_brokers[0] && told_open(&told, &cfg, cfg.kafka_topic, &r, err, sizeof err) != IG_OK) {
        fprintf(stderr, "inferguard aggregate: findings topic: %s\n", err);
        told_close(&told);
        ig_fleet_agg_free(agg);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    r.rk = consumer_new(&cfg, group, &r, err, sizeof err);
    if (!r.rk) {
        fprintf(stderr, "inferguard aggregate: %s\n", err);
        told_close(&told);
        ig_fleet_agg_free(agg);
        ig_rules_free(rules);
        return IG_EXIT_CONFIG;
    }
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, cfg.kafka_events_topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(r.rk, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    if (e) {
        fprintf(stderr, "inferguard aggregate: subscribe to %s: %s\n", cfg.kafka_events_topic, rd_kafka_err2str(e));
        rd_kafka_destroy(r.rk);
        told_close(&told);
        ig_fleet_agg_free(agg);
        ig_rules_free(rules);
        return IG_EXIT_RUNTIME;
    }
    if (o.verbosity >= 0)
        fprintf(stderr, "inferguard aggregate: group %s consuming %s\n", group, cfg.kafka_events_topic);

    struct ig_evmp_decoded d = { 0 };
    uint64_t t0 = mono_us(), last_msg = t0, last_commit = t0, last_advance = t0;
    uint64_t bad = 0, first_us = 0, last_us = 0, first_wall = 0, last_wall = 0, got = 0;
    int owner_busy = 0;
    while (!g_stop) {
        if (g_hup) {
            g_hup = 0;
            suppress_reread(agg, o.config_path, &fcfg);   /* the findings stage's, which the summary names */
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(r.rk, owner_busy ? 0 : 50);
        uint64_t now = mono_us(), tl = now;
        ig_fleet_agg_clock(agg, wall_ms() * 1000);
        if (r.mo.agg)
            ig_fleet_agg_clock(r.mo.agg, wall_ms() * 1000);
        if (m) {
            if (!m->err) {
                const char *why = "";
                bool ok = ig_evmp_decode(&d, m->payload, m->len, &why) == IG_OK, mark = ok && d.heartbeat;
                if (!mark) {   /* a pod's watermark record is no event: not counted, --until-idle goes on */
                    last_msg = now;
                    if (!got++) {
                        first_us = now;
                        first_wall = wall_ms();
                    }
                    last_us = now;
                }
                last_wall = wall_ms();
                int32_t p = m->partition;
                bool replay = p >= 0 && p < IG_FLEET_MAX_PARTITIONS && m->offset < r.parts[p].replay_until;
                if (p >= 0 && p < IG_FLEET_MAX_PARTITIONS) {
                    r.parts[p].last_msg_us = now;
                    r.parts[p].quiet = false;
                }
                if (ok) {
                    char pod[128];
                    header_str(m, "pod", pod, sizeof pod);
                    bool again = replay;
                    if (p >= 0 && p < IG_FLEET_MAX_PARTITIONS) {
                        again |= m->offset <= r.rx_max[p];
                        if (m->offset > r.rx_max[p])
                            r.rx_max[p] = m->offset;
                    }
                    if (mark) {
                        ig_fleet_agg_pod_mark(agg, pod, p, d.wm, d.bye, m->offset);
                    } else {
                        lag_note(&r, m, &d.ev, again, false, last_wall);
                        ig_fleet_agg_event(agg, &d.ev, pod, replay, p, m->offset);
                        ig_fleet_agg_pod_mark(agg, pod, p, d.wm, false, -1);
                    }
                } else if (bad++ % 1000 == 0) {
                    IG_LOG_WARN("aggregate", "undecodable event record at %s[%d]@%lld: %s (%llu so far)",
                                cfg.kafka_events_topic, (int)p, (long long)m->offset, why,
                                (unsigned long long)bad);
                }
            } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                IG_LOG_DEBUG("aggregate", "end of %s[%d] at %lld; %llu events inspected so far",
                             cfg.kafka_events_topic, (int)m->partition, (long long)m->offset,
                             (unsigned long long)ig_fleet_agg_stats(agg)->released);
                ig_fleet_agg_partition_end(agg, m->partition);
            } else {
                IG_LOG_WARN("aggregate", "consumer: %s", rd_kafka_message_errstr(m));
                if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
                    r.failed = true;
                    g_stop = 1;
                }
            }
            rd_kafka_message_destroy(m);
        }
        uint64_t t1 = mono_us();
        r.lt.events += t1 - tl;
        /* partitions newly assigned: first learn what other members told before them */
        if (r.told_sync) {
            r.told_sync = false;
            told_catch_up(&told, &r, 5000000u);
        }
        uint64_t t2 = mono_us();
        r.lt.told += t2 - t1;
        if (r.owner_wanted && !r.mo.rk)
            model_start(&r);
        owner_busy = model_poll(&r, 500);
        uint64_t t3 = mono_us();
        r.lt.owner += t3 - t2;
        /* a partition that delivers nothing for a while (no traffic, or an end the consumer
         * did not report) stops holding back the others' events */
        for (int32_t p = 0; p < IG_FLEET_MAX_PARTITIONS; p++)
            if (r.parts[p].assigned && !r.parts[p].quiet &&
                now - r.parts[p].last_msg_us > 2 * IG_MAX(lateness_us, (uint64_t)1000000)) {
                r.parts[p].quiet = true;
                ig_fleet_agg_partition_end(agg, p);
            }
        told_drain(&told, &r);
        uint64_t t4 = mono_us();
        r.lt.told += t4 - t3;
        if (now - last_advance >= 50000 || !m) {
            ig_fleet_agg_advance(agg, false);
            if (r.mo.agg)
                ig_fleet_agg_advance(r.mo.agg, false);
            ig_fleet_agg_poll(agg);
            last_advance = now;
        }
        r.lt.advance += mono_us() - t4;
        if (now - last_commit >= 1000000) {
            commit_offsets(&r, false);
            last_commit = now;
        }
        if (r.assigned_at > last_msg)
            last_msg = r.assigned_at;   /* idle counts from the last assignment on */
        if (r.mo.rk && r.model_last_msg > last_msg)
            last_msg = r.model_last_msg;   /* the model owner still reading counts as busy */
        if (idle_us && !r.assigned_at && now - t0 < 60000000u)
            continue;   /* not in the group yet (a join waits for other members' timeouts) */
        /* Revoked and not assigned again yet (a rebalance in progress, e.g. another member
         * left when its own idle time ran out): the revoked partitions' waiting events were
         * dropped for their next owner, most often this member again. Ending now would
         * leave them to nobody: idle time counts from the next assignment (waits up to 60 s). */
        bool rebalancing = r.revoked_at > r.assigned_at && now < r.revoked_at + 60000000u;
        if (idle_us && !rebalancing && now > last_msg && now - last_msg >= idle_us)
            break;
        if (max_events && ig_fleet_agg_stats(agg)->events - ig_fleet_agg_stats(agg)->replayed >= max_events)
            break;
    }
    /* the end: every waiting event inspected, its offset committed; the model owner's
     * events too (its findings go through this member's findings stage, closed last) */
    ig_fleet_agg_advance(agg, true);
    commit_offsets(&r, true);
    struct ig_fleet_stats owner = r.mo.done;
    if (r.mo.agg) {
        ig_fleet_agg_flag_to(agg, NULL);
        ig_fleet_agg_finish(r.mo.agg);
        stats_add(&owner, ig_fleet_agg_stats(r.mo.agg));
        rd_kafka_consumer_close(r.mo.rk);
        rd_kafka_destroy(r.mo.rk);
        r.mo.rk = NULL;
        ig_fleet_agg_free(r.mo.agg);
        r.mo.agg = NULL;
    }
    rd_kafka_consumer_close(r.rk);
    rd_kafka_destroy(r.rk);
    told_close(&told);
    ig_evmp_decoded_free(&d);
    ig_evmp_decoded_free(&r.mo.dec);
    ig_fleet_agg_finish(agg);
    if (o.verbosity >= 0) {
        fprintf(stderr, "inferguard aggregate: %.1f s, %llu rebalance callbacks, %llu undecodable records\n",
                (double)(mono_us() - t0) / 1e6, (unsigned long long)r.rebalances, (unsigned long long)bad);
        double span = (double)(last_us - first_us) / 1e6;
        fprintf(stderr, "  consumed    %llu records in %.3f s from the first to the last (%.0f/s); "
                        "first at %llu ms, last at %llu ms (Unix time)\n", (unsigned long long)got, span,
                span > 0 ? (double)got / span : 0.0, (unsigned long long)first_wall,
                (unsigned long long)last_wall);
        ig_fleet_lag_print(stderr, "  lag         records read the first time, behind the producer's timestamp:", &r.lag_live);
        ig_fleet_lag_print(stderr, "; behind their request on the pod's wire:", &r.lag_wire);
        ig_fleet_lag_print(stderr, "\n              inspected, behind their request on the wire:", &ig_fleet_agg_stats(agg)->inspect_lag);
        fprintf(stderr, " (%llu released by the clock while every partition was read)",
                (unsigned long long)ig_fleet_agg_stats(agg)->released_idle);
        ig_fleet_lag_print(stderr, "\n              model owner's records behind the producer:", &r.lag_owner);
        ig_fleet_lag_print(stderr, "; inspected by it, behind their request:", &owner.inspect_lag);
        ig_fleet_lag_print(stderr, "\n              replayed or read again (old by design):", &r.lag_again);
        double wall = (double)(mono_us() - t0) / 1e6;
        fprintf(stderr, "\n  loop        %.1f s busy of %.1f s: events %.1f s, model owner %.1f s, advance %.1f s, "
                        "findings topic %.1f s, rebalance callbacks %.1f s\n",
                (double)(r.lt.events + r.lt.owner + r.lt.advance + r.lt.told) / 1e6, wall,
                (double)r.lt.events / 1e6, (double)r.lt.owner / 1e6, (double)r.lt.advance / 1e6,
                (double)r.lt.told / 1e6, (double)r.lt.rebalance / 1e6);
        fprintf(stderr, "  commits     %llu, %llu refused by the broker, %llu again after a rebalance\n",
                (unsigned long long)r.commits, (unsigned long long)r.commits_failed,
                (unsigned long long)r.commits_retried);
        ig_fleet_agg_summary(agg, stderr);
        if (!model_owner)
            fprintf(stderr, "  model owner off (--no-model-owner): every detector ran on this member's partitions\n");
        else
            fprintf(stderr, "  model owner %llu term(s) (partition 0 held): %llu events of every partition "
                            "(%llu replayed to rebuild state), %llu inspected; findings %llu raised, %llu out, "
                            "held back %llu told + %llu replay, %llu left to members; members' flags for "
                            "clients it had not seen yet: %llu applied at their first event, %llu dropped\n",
                    (unsigned long long)r.owner_terms, (unsigned long long)owner.events,
                    (unsigned long long)owner.replayed, (unsigned long long)owner.released,
                    (unsigned long long)owner.raised, (unsigned long long)owner.emitted,
                    (unsigned long long)owner.held_told, (unsigned long long)owner.held_replay,
                    (unsigned long long)owner.left_to_role, (unsigned long long)owner.flags_late,
                    (unsigned long long)owner.flags_dropped);
    }
    ig_fleet_agg_free(agg);
    ig_rules_free(rules);
    return r.failed ? IG_EXIT_RUNTIME : IG_EXIT_OK;
}
