/* The events topic publisher (publish.h). */
#include "fleet/publish.h"

#include <inferguard/log.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet/event_mp.h"
#include "sinks/sinks.h"

struct ig_fleet_pub {
    void *kafka;
    char topic[256];
    struct ig_evmp_opts opts;
    msgpack_sbuffer sb;
    char pod[128], node[128];
    char hdr[512];
    uint64_t published, encode_errors, polls;
    /* the watermark (publish.h): the position, and that of the last heartbeat */
    uint64_t wm_us, hb_every_us, last_hb_us, wm_records;
};

static void env_or(char *dst, size_t cap, const char *name, const char *fallback)
{
    const char *v = getenv(name);
    snprintf(dst, cap, "%s", v && *v ? v : fallback);
}

struct ig_fleet_pub *ig_fleet_pub_open(const struct ig_config *cfg, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!cfg->kafka_events_topic[0])
        return NULL;
    if (!cfg->kafka_brokers[0]) {
        snprintf(err, errlen, "kafka.events_topic needs kafka.brokers (--kafka)");
        return NULL;
    }
    struct ig_fleet_pub *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(p->topic, sizeof p->topic, "%s", cfg->kafka_events_topic);
    p->opts.f16 = strcmp(cfg->kafka_events_quantise, "f16") == 0;
    p->opts.text = strcmp(cfg->kafka_events_text, "true") == 0;
    p->hb_every_us = (uint64_t)cfg->kafka_events_heartbeat_ms * 1000u;
    char host[128] = "";
    gethostname(host, sizeof host - 1);
    env_or(p->pod, sizeof p->pod, "POD_NAME", host);
    env_or(p->node, sizeof p->node, "NODE_NAME", "");
    msgpack_sbuffer_init(&p->sb);
    char spool[IG_CONFIG_PATH_MAX + 16];
    snprintf(spool, sizeof spool, "%s/events", cfg->spool_dir);
    struct ig_kafka_opts o = {
        .topic = p->topic, .spool_dir = spool, .schema = IG_EVMP_SCHEMA, .schema_version = "1",
        .what = "event", .count_partitions = true,
    };
    if (ig_kafka_open_opts(cfg, &o, &p->kafka, err, errlen) != IG_OK) {
        msgpack_sbuffer_destroy(&p->sb);
        free(p);
        return NULL;
    }
    return p;
}

/* "name\0value\0" pairs; returns the length. */
static size_t put_hdr(char *buf, size_t cap, size_t o, const char *name, const char *val)
{
    size_t nn = strlen(name) + 1, vn = strlen(val) + 1;
    if (o + nn + vn > cap)
        return o;
    memcpy(buf + o, name, nn);
    memcpy(buf + o + nn, val, vn);
    return o + nn + vn;
}

/* The pod and node headers; returns their length. */
static size_t pod_headers(struct ig_fleet_pub *p)
{
    size_t h = put_hdr(p->hdr, sizeof p->hdr, 0, "pod", p->pod);
    if (p->node[0])
        h = put_hdr(p->hdr, sizeof p->hdr, h, "node", p->node);
    return h;
}

/* One watermark record to each partition of the topic (none while the count is unknown:
 * before this pod published its first event the aggregator does not wait for it). */
static void send_watermark(struct ig_fleet_pub *p, bool bye)
{
    int32_t np = ig_kafka_partitions(p->kafka);
    if (np <= 0 || !p->wm_us || ig_evmp_encode_heartbeat(p->wm_us, bye, &p->sb) != IG_OK)
        return;
    size_t h = pod_headers(p);
    for (int32_t part = 0; part < np; part++) {
        struct ig_record rec = {
            .key = { (const uint8_t *)p->pod, strlen(p->pod) },
            .value = { (const uint8_t *)p->sb.data, p->sb.size },
            .encoding = "msgpack", .schema = IG_EVMP_SCHEMA, .schema_version = "1",
            .headers = { (const uint8_t *)p->hdr, h }, .to_partition = true, .partition = part,
        };
        ig_sink_kafka.write(p->kafka, &rec);
        p->wm_records++;
    }
    p->last_hb_us = p->wm_us;
}

void ig_fleet_pub_position(struct ig_fleet_pub *p, uint64_t now_us)
{
    if (!p || now_us <= p->wm_us)
        return;
    p->wm_us = now_us;
    if (p->hb_every_us && p->wm_us - p->last_hb_us >= p->hb_every_us)
        send_watermark(p, false);
}

void ig_fleet_pub_tick_hook(void *ctx, uint64_t now_us)
{
    ig_fleet_pub_position(ctx, now_us);
}

void ig_fleet_pub_event(struct ig_fleet_pub *p, const struct ig_event *ev)
{
    /* the event completed before it was published: the pod's position is at least its
     * times (an event a flow's timeout flushed late keeps the position where it was) */
    uint64_t t = IG_MAX(ev->req_time_us, ev->resp_time_us);
    if (t > p->wm_us)
        p->wm_us = t;
    p->opts.wm = p->wm_us;
    if (ig_evmp_encode(ev, &p->opts, &p->sb) != IG_OK) {
        p->encode_errors++;
        return;
    }
    size_t h = pod_headers(p);
    h = put_hdr(p->hdr, sizeof p->hdr, h, "model", ev->model);
    /* keyed by the stable source (principal group) when the event has one, else by the
     * client, as the pod's client lanes are (detect_core.c ig_detect_core_lane_of): a
     * source's identities, rotated or not, its group entry (abuse.identity_rotation, the
     * stream detectors under the source's key) and its admission bucket meet in one
     * partition, so one aggregator member sees all of them */
    const char *key = ev->group_id[0] ? ev->group_id : ev->client_id;
    struct ig_record rec = {
        .key = { (const uint8_t *)key, strlen(key) },
        .value = { (const uint8_t *)p->sb.data, p->sb.size },
        .encoding = "msgpack", .schema = IG_EVMP_SCHEMA, .schema_version = "1",
        .headers = { (const uint8_t *)p->hdr, h },
    };
    ig_sink_kafka.write(p->kafka, &rec);
    p->published++;
    if (p->hb_every_us && p->wm_us - p->last_hb_us >= p->hb_every_us)
        send_watermark(p, false);
}

void ig_fleet_pub_hook(void *ctx, const struct ig_event *ev)
{
    ig_fleet_pub_event(ctx, ev);
}

void ig_fleet_pub_poll(struct ig_fleet_pub *p)
{
    if (p)
        ig_sink_kafka.poll(p->kafka, 0);
}

void ig_fleet_pub_stats(const struct ig_fleet_pub *p, struct ig_sink_stats *st, uint64_t *published,
                        uint64_t *encode_errors)
{
    ig_sink_kafka.stats(p->kafka, st);
    *published = p->published;
    *encode_errors = p->encode_errors;
}

int ig_fleet_pub_close(struct ig_fleet_pub *p, int timeout_ms, FILE *out)
{
    if (!p)
        return IG_OK;
    ig_sink_kafka.poll(p->kafka, timeout_ms);
    if (p->hb_every_us) {
        /* after the events went out (the partition count is known by then, even when the
         * broker came up late): the aggregator stops waiting for this pod */
        send_watermark(p, true);
        ig_sink_kafka.poll(p->kafka, IG_MIN(timeout_ms, 5000));
    }
    struct ig_sink_stats st;
    ig_sink_kafka.stats(p->kafka, &st);
    if (out)
        fprintf(out, "  events topic %s: published %llu, delivered %llu, failed %llu, spooled %llu, "
                     "replayed %llu, dropped %llu, encode errors %llu; %llu watermark records\n", p->topic,
                (unsigned long long)p->published, (unsigned long long)st.delivered,
                (unsigned long long)st.failed, (unsigned long long)st.spooled,
                (unsigned long long)st.replayed, (unsigned long long)st.dropped,
                (unsigned long long)p->encode_errors, (unsigned long long)p->wm_records);
    int rc = ig_sink_kafka.close(p->kafka, 0);
    msgpack_sbuffer_destroy(&p->sb);
    free(p);
    return rc;
}
