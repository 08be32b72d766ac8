/* bench_findings: speed of the findings stage and the Kafka sink.
 *  1. OCSF encoding, JSON and msgpack: findings/s, ns/finding, bytes/finding.
 *  2. The stage with throttling: raises/s for repeats folded into 1000 groups.
 *  3. Spool appends per fsync policy: records/s.
 *  4. Kafka sink end to end against librdkafka's mock cluster on loopback: records/s from
 *     write() to the last delivery report (spool fsync batch).
 * Usage: bench_findings [N (default 200000)] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <inferguard/config.h>
#include "findings/findings.h"
#include "sinks/sinks.h"
#include "sinks/spool.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sample(struct ig_finding *f, int i)
{
    static char client[32];
    ig_finding_init(f, "extraction.prada", NULL);
    snprintf(client, sizeof client, "key:%08x", (unsigned)(i % 1000) * 2654435761u);
    f->title = "Suspected model extraction";
    f->desc = "Distances between this client's queries stopped looking natural.";
    f->client_id = client;
    f->model = "fraud";
    f->model_version = "3";
    f->method = "POST";
    f->route = "/v2/models/fraud/infer";
    f->time_us = 1767225600000000ull + (uint64_t)i * 1000;
    f->src = (struct ig_endpoint){ 4, { 127, 0, 0, 9 }, 40000 };
    f->dst = (struct ig_endpoint){ 4, { 127, 0, 0, 1 }, 8000 };
    f->atlas[0] = "AML.T0024.002";
    ig_finding_score(f, "shapiro_w", 0.842);
    ig_finding_score(f, "n", 310);
    ig_finding_evidence(f, "sample", "4111********1111 (hmac 9c1e)");
}

static int null_open(const struct ig_config *c, void **s, char *e, size_t n) { (void)c; (void)e; (void)n; *s = NULL; return 0; }
static int null_write(void *s, const struct ig_record *r) { (void)s; (void)r; return 0; }
static int null_poll(void *s, int t) { (void)s; (void)t; return 0; }
static int null_close(void *s, int t) { (void)s; (void)t; return 0; }
static const struct ig_sink null_sink = {
    .name = "null", .open = null_open, .write = null_write, .poll = null_poll, .close = null_close,
    .encodings = IG_SINK_JSON | IG_SINK_MSGPACK,
};

int main(int argc, char **argv)
{
    const char *quick = getenv("IG_BENCH_QUICK");
    int n = argc > 1 ? atoi(argv[1]) : (quick && *quick && strcmp(quick, "0")) ? 10000 : 200000;
    double enc_ns[2] = { 0, 0 }, enc_bytes[2] = { 0, 0 };
    static char buf[16384];
    struct ig_finding f;
    char eerr[256];
    static struct ig_finding_encoder *enc;   /* reachable until exit */
    enc = ig_finding_encoder_new(eerr, sizeof eerr);
    if (!enc) {
        fprintf(stderr, "bench_findings: %s\n", eerr);
        return 1;
    }

    for (int mp = 0; mp < 2; mp++) {
        size_t bytes = 0;
        double t = now_s();
        for (int i = 0; i < n; i++) {
            sample(&f, i);
            bytes += mp ? ig_finding_to_ocsf_msgpack(enc, &f, 1, f.time_us, f.time_us, buf, sizeof buf)
                        : ig_finding_to_ocsf_json(enc, &f, 1, f.time_us, f.time_us, buf, sizeof buf);
        }
        t = now_s() - t;
        printf("encode %-7s  %9.0f findings/s  %6.0f ns/finding  %4zu bytes/finding (one-shot API)\n",
               mp ? "msgpack" : "json", n / t, t * 1e9 / n, bytes / (size_t)n);
        enc_ns[mp] = t * 1e9 / n;
        enc_bytes[mp] = (double)bytes / n;
        /* msgpack's peer is the JSON encoding of the same findings */
        if (mp)
            printf("RESULT metric=ocsf_encode_msgpack value=%.0f unit=ns/finding peer=json peer_value=%.0f "
                   "better=lower\nRESULT metric=ocsf_size_msgpack value=%.0f unit=B/finding peer=json "
                   "peer_value=%.0f better=lower\n", enc_ns[1], enc_ns[0], enc_bytes[1], enc_bytes[0]);
        else
            printf("RESULT metric=ocsf_encode_json value=%.0f unit=ns/finding better=lower\n", enc_ns[0]);
    }

    struct ig_config cfg;
    char err[256];
    ig_config_defaults(&cfg);
    for (int mp = 0; mp < 2; mp++) {
        snprintf(cfg.findings_encoding, sizeof cfg.findings_encoding, mp ? "msgpack" : "json");
        struct ig_findings *fs = ig_findings_new(&cfg, NULL, err, sizeof err);
        if (!fs) { fprintf(stderr, "%s\n", err); return 1; }
        ig_findings_add_sink(fs, &null_sink, NULL);
        double t = now_s();
        for (int i = 0; i < n; i++) {
            sample(&f, i);
            ig_emit_finding(ig_findings_emit(fs), &f);
        }
        ig_findings_close(fs, f.time_us + 120000000ull, 0);
        t = now_s() - t;
        const struct ig_findings_stats *st = ig_findings_stats(fs);
        printf("stage  %-7s  %9.0f raises/s  (%llu raised, %llu emitted, 1000 groups)\n",
               mp ? "msgpack" : "json", n / t, (unsigned long long)st->raised,
               (unsigned long long)st->emitted);
        printf("RESULT metric=findings_stage_%s value=%.0f unit=raises/s better=higher\n",
               mp ? "msgpack" : "json", n / t);
        ig_findings_free(fs);
    }

    char parent[] = "/tmp/ig-bench-spool.XXXXXX", dir[128], cmd[256];
    if (!mkdtemp(parent))
        return 1;
    snprintf(dir, sizeof dir, "%s/spool", parent);
    const char *pol[] = { "never", "batch", "always" };
    for (int p = 0; p < 3; p++) {
        struct ig_spool_opts o = { dir, 1ull << 30, 0, IG_SPOOL_FSYNC_NEVER };
        ig_spool_fsync_parse(pol[p], &o.fsync);
        struct ig_spool *sp;
        if (ig_spool_open(&o, &sp, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
        sample(&f, 0);
        size_t len = ig_finding_to_ocsf_json(enc, &f, 1, f.time_us, f.time_us, buf, sizeof buf);
        int m = p == 2 ? IG_MIN(n, n < 200000 ? 200 : 2000) : n;   /* an fsync each: small */
        double t = now_s();
        for (int i = 0; i < m; i++) {
            uint64_t seq;
            ig_spool_append(sp, buf, len, &seq);
            if (p == 1 && i % 100 == 99)
                ig_spool_sync(sp);   /* the sink syncs once per poll; ~100 findings a poll */
        }
        t = now_s() - t;
        printf("spool  fsync=%-6s %9.0f appends/s (%d records of %zu bytes)\n", pol[p], m / t, m, len);
        printf("RESULT metric=spool_append_fsync_%s value=%.0f unit=appends/s better=higher\n", pol[p], m / t);
        ig_spool_close(sp);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0) return 1;
    }

    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "test.mock.num.brokers", "1", err, sizeof err);
    rd_kafka_t *host = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
    rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(host);
    rd_kafka_mock_topic_create(mc, "bench", 4, 1);
    snprintf(cfg.kafka_brokers, sizeof cfg.kafka_brokers, "%s", rd_kafka_mock_cluster_bootstraps(mc));
    snprintf(cfg.kafka_topic, sizeof cfg.kafka_topic, "bench");
    snprintf(cfg.spool_dir, sizeof cfg.spool_dir, "%s", dir);
    snprintf(cfg.spool_fsync, sizeof cfg.spool_fsync, "batch");
    cfg.spool_max_bytes = 1ull << 30;
    void *ks;
    if (ig_sink_kafka.open(&cfg, &ks, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    sample(&f, 0);
    size_t len = ig_finding_to_ocsf_json(enc, &f, 1, f.time_us, f.time_us, buf, sizeof buf);
    double t = now_s();
    for (int i = 0; i < n; i++) {
        char key[16];
        snprintf(key, sizeof key, "c-%d", i % 1000);
        struct ig_record r = { { (const uint8_t *)key, strlen(key) }, { (const uint8_t *)buf, len },
                               "json", "ocsf.detection_finding", "1.3.0", { NULL, 0 }, false, 0 };
        ig_sink_kafka.write(ks, &r);
        if (i % 100 == 99)
            ig_sink_kafka.poll(ks, 0);
    }
    ig_sink_kafka.poll(ks, 60000);
    t = now_s() - t;
    struct ig_sink_stats ss;
    ig_sink_kafka.stats(ks, &ss);
    printf("kafka  mock broker  %9.0f records/s write->delivered (%llu of %d delivered, %zu bytes each, lz4, acks=all, idempotent)\n",
           (double)ss.delivered / t, (unsigned long long)ss.delivered, n, len);
    printf("RESULT metric=kafka_mock_delivered value=%.0f unit=records/s better=higher\n",
           (double)ss.delivered / t);
    ig_sink_kafka.close(ks, 1000);
    rd_kafka_destroy(host);
    snprintf(cmd, sizeof cmd, "rm -rf %s", parent);
    return system(cmd) != 0;
}
