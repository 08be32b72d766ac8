/* The Kafka sink against a real Kafka-protocol broker (librdkafka's mock cluster on
 * loopback), read back with kcat: every record arrives once, in order per key, with the
 * headers; broker down before start and mid-run; close with the broker away leaves the
 * records in the spool and the next run delivers them, none twice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <inferguard/config.h>
#include "sinks/sinks.h"
#include "sinks/spool.h"
#include "findings/findings.h"
#include "findings/enc.h"
#include <msgpack.h>
#include <fcntl.h>

static rd_kafka_t *g_host;
static rd_kafka_mock_cluster_t *g_mc;
static char g_boot[256], g_spool[128];

static int setup(void **st)
{
    (void)st;
    char e[256];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "test.mock.num.brokers", "1", e, sizeof e);
    rd_kafka_conf_set(c, "log_level", "2", e, sizeof e);
    g_host = rd_kafka_new(RD_KAFKA_PRODUCER, c, e, sizeof e);
    if (!g_host)
        return -1;
    g_mc = rd_kafka_handle_mock_cluster(g_host);
    snprintf(g_boot, sizeof g_boot, "%s", rd_kafka_mock_cluster_bootstraps(g_mc));
    if (strncmp(g_boot, "127.", 4) != 0)
        return -1;   /* loopback only */
    snprintf(g_spool, sizeof g_spool, "/tmp/ig-test-sinkk.XXXXXX");
    return mkdtemp(g_spool) ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    rd_kafka_destroy(g_host);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_spool);
    return system(cmd);
}

static void cfg_for(struct ig_config *cfg, const char *topic)
{
    ig_config_defaults(cfg);
    snprintf(cfg->kafka_brokers, sizeof cfg->kafka_brokers, "%s", g_boot);
    snprintf(cfg->kafka_topic, sizeof cfg->kafka_topic, "%s", topic);
    snprintf(cfg->spool_dir, sizeof cfg->spool_dir, "%s/%s", g_spool, topic);
    snprintf(cfg->spool_fsync, sizeof cfg->spool_fsync, "batch");
    cfg->spool_max_bytes = 16 << 20;
    /* the mock broker is local: reconnect fast */
    snprintf(cfg->kafka_props[0].key, sizeof cfg->kafka_props[0].key, "reconnect.backoff.max.ms");
    snprintf(cfg->kafka_props[0].value, sizeof cfg->kafka_props[0].value, "200");
    cfg->n_kafka_props = 1;
}

static void *open_sink(const struct ig_config *cfg)
{
    void *st = NULL;
    char err[256] = "";
    int rc = ig_sink_kafka.open(cfg, &st, err, sizeof err);
    if (rc)
        fprintf(stderr, "open: %s\n", err);
    assert_int_equal(rc, 0);
    return st;
}

static void write_n(void *st, int from, int n)
{
    for (int i = from; i < from + n; i++) {
        char key[16], val[64];
        snprintf(key, sizeof key, "c-%d", i % 3);
        int vn = snprintf(val, sizeof val, "{\"i\":%d,\"client\":\"c-%d\"}", i, i % 3);
        struct ig_record r = { { (const uint8_t *)key, strlen(key) }, { (const uint8_t *)val, (size_t)vn },
                               "json", "ocsf.detection_finding", "1.3.0", { NULL, 0 }, false, 0 };
        assert_int_equal(ig_sink_kafka.write(st, &r), 0);
    }
}

/* Reads the topic with kcat; checks each of 0..n-1 arrived exactly once, in order per key,
 * with the headers. */
static void check_topic(const char *topic, int n)
{
    char cmd[512], line[512];
    snprintf(cmd, sizeof cmd, "kcat -b %s -C -t %s -e -q -f '%%k|%%h|%%s\\n' 2>/dev/null", g_boot, topic);
    int *seen = calloc((size_t)n, sizeof *seen), last[3] = { -1, -1, -1 }, total = 0;
    for (int attempt = 0; attempt < 20 && total < n; attempt++) {
        memset(seen, 0, (size_t)n * sizeof *seen);
        last[0] = last[1] = last[2] = -1;
        total = 0;
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        while (fgets(line, sizeof line, p)) {
            int k, i, c;
            char *bar1 = strchr(line, '|'), *bar2 = bar1 ? strrchr(line, '|') : NULL;
            assert_non_null(bar2);
            assert_int_equal(sscanf(line, "c-%d|", &k), 1);
            assert_int_equal(sscanf(bar2 + 1, "{\"i\":%d,\"client\":\"c-%d\"}", &i, &c), 2);
            assert_int_equal(k, c);
            assert_true(i >= 0 && i < n);
            assert_non_null(strstr(line, "schema=ocsf.detection_finding"));
            assert_non_null(strstr(line, "schema_version=1.3.0"));
            assert_non_null(strstr(line, "encoding=json"));
            assert_true(i > last[k]);          /* order per client kept */
            last[k] = i;
            seen[i]++;
            total++;
        }
        pclose(p);
        if (total < n)
            usleep(200000);
    }
    for (int i = 0; i < n; i++) {
        if (seen[i] != 1)
            fprintf(stderr, "record %d seen %d times\n", i, seen[i]);
        assert_int_equal(seen[i], 1);
    }
    assert_int_equal(total, n);
    free(seen);
}

static void test_delivers_every_record_once(void **st)
{
    (void)st;
    struct ig_config cfg;
    cfg_for(&cfg, "t-basic");
    void *s = open_sink(&cfg);
    write_n(s, 0, 200);
    ig_sink_kafka.poll(s, 10000);
    struct ig_sink_stats ss;
    ig_sink_kafka.stats(s, &ss);
    assert_int_equal(ss.written, 200);
    assert_int_equal(ss.delivered, 200);
    assert_int_equal(ss.failed, 0);
    assert_int_equal(ig_sink_kafka.close(s, 5000), 0);
    check_topic("t-basic", 200);
}

static void test_broker_down_before_start_and_mid_run(void **st)
{
    (void)st;
    struct ig_config cfg;
    cfg_for(&cfg, "t-outage");
    /* make sure the topic exists before the outage (auto-create needs a live broker) */
    rd_kafka_mock_topic_create(g_mc, "t-outage", 3, 1);
    rd_kafka_mock_broker_set_down(g_mc, 1);
    void *s = open_sink(&cfg);
    write_n(s, 0, 50);
    ig_sink_kafka.poll(s, 1000);
    struct ig_sink_stats ss;
    ig_sink_kafka.stats(s, &ss);
    assert_int_equal(ss.delivered, 0);
    rd_kafka_mock_broker_set_up(g_mc, 1);
    ig_sink_kafka.poll(s, 15000);
    write_n(s, 50, 50);
    ig_sink_kafka.poll(s, 10000);
    rd_kafka_mock_broker_set_down(g_mc, 1);           /* down mid-run */
    write_n(s, 100, 50);
    ig_sink_kafka.poll(s, 1000);
    rd_kafka_mock_broker_set_up(g_mc, 1);             /* back later */
    ig_sink_kafka.poll(s, 20000);
    ig_sink_kafka.stats(s, &ss);
    assert_int_equal(ss.written, 150);
    assert_int_equal(ss.delivered, 150);
    assert_int_equal(ss.failed, 0);
    assert_int_equal(ig_sink_kafka.close(s, 5000), 0);
    check_topic("t-outage", 150);
}

static void test_close_while_away_then_next_run_delivers(void **st)
{
    (void)st;
    struct ig_config cfg;
    cfg_for(&cfg, "t-restart");
    rd_kafka_mock_topic_create(g_mc, "t-restart", 2, 1);
    void *s = open_sink(&cfg);
    write_n(s, 0, 20);
    ig_sink_kafka.poll(s, 10000);
    rd_kafka_mock_broker_set_down(g_mc, 1);
    write_n(s, 20, 30);
    assert_int_equal(ig_sink_kafka.close(s, 500), IG_AGAIN);   /* 30 left in the spool */
    rd_kafka_mock_broker_set_up(g_mc, 1);
    s = open_sink(&cfg);
    write_n(s, 50, 10);                                /* new ones go after the replay */
    ig_sink_kafka.poll(s, 20000);
    struct ig_sink_stats ss;
    ig_sink_kafka.stats(s, &ss);
    assert_int_equal(ss.replayed, 30);
    assert_int_equal(ss.delivered, 40);
    assert_int_equal(ig_sink_kafka.close(s, 5000), 0);
    check_topic("t-restart", 60);
}

/* A spool left damaged by a crash (a bad record in an old segment): the sink delivers every
 * intact record, in order, and the spool still empties (nothing waits forever). */
static void test_damaged_spool_from_previous_run(void **st)
{
    (void)st;
    struct ig_config cfg;
    cfg_for(&cfg, "t-damaged");
    cfg.spool_max_bytes = 64 * 1024;   /* 4 KiB segments */
    rd_kafka_mock_topic_create(g_mc, "t-damaged", 1, 1);
    struct ig_spool_opts o = { cfg.spool_dir, cfg.spool_max_bytes, 0, IG_SPOOL_FSYNC_NEVER };
    struct ig_spool *sp;
    char err[256];
    assert_int_equal(ig_spool_open(&o, &sp, err, sizeof err), 0);
    for (int i = 0; i < 120; i++) {
        uint8_t rec[128];
        int vn = snprintf((char *)rec + 7, sizeof rec - 7, "{\"i\":%d,\"client\":\"c-0\"}", i);
        rec[0] = 1; rec[1] = 0; rec[2] = 3; rec[3] = 0;
        memcpy(rec + 4, "c-0", 3);
        uint64_t seq;
        assert_int_equal(ig_spool_append(sp, rec, 7 + (size_t)vn, &seq), 0);
    }
    ig_spool_close(sp);
    /* damage record 10 (in the first segment): recovery keeps 0..9 of that segment */
    char path[600];
    snprintf(path, sizeof path, "%s/seg-%020d.log", cfg.spool_dir, 1);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    off_t at = 0;
    for (int i = 0; i < 10; i++) {
        uint8_t h[8];
        assert_int_equal(pread(fd, h, 8, at), 8);
        at += 24 + (h[4] | h[5] << 8);
    }
    assert_int_equal(pwrite(fd, "BAD!", 4, at), 4);
    close(fd);

    void *s = open_sink(&cfg);
    ig_sink_kafka.poll(s, 15000);
    struct ig_sink_stats ss;
    ig_sink_kafka.stats(s, &ss);
    assert_true(ss.replayed > 10 && ss.replayed < 120);
    assert_int_equal(ss.delivered, ss.replayed);
    assert_int_equal(ig_sink_kafka.close(s, 5000), 0);   /* nothing left waiting */
    /* read back: 0..9, then the next segment's records, increasing */
    char cmd[512], line[256];
    snprintf(cmd, sizeof cmd, "kcat -b %s -C -t t-damaged -e -q -f '%%s\\n' 2>/dev/null", g_boot);
    FILE *p = popen(cmd, "r");
    int count = 0, last = -1;
    while (fgets(line, sizeof line, p)) {
        int i;
        assert_int_equal(sscanf(line, "{\"i\":%d", &i), 1);
        assert_true(i > last);
        if (count < 10)
            assert_int_equal(i, count);
        last = i;
        count++;
    }
    pclose(p);
    assert_int_equal(count, (int)ss.delivered);
    assert_int_equal(last, 119);
}

/* findings.encoding: msgpack end to end: the stage writes msgpack to Kafka and JSON lines to
 * the file; each Kafka value, decoded, equals its JSON line; the header says msgpack. */
static void test_msgpack_findings_equal_jsonl(void **st)
{
    (void)st;
    struct ig_config cfg;
    cfg_for(&cfg, "t-msgpack");
    rd_kafka_mock_topic_create(g_mc, "t-msgpack", 1, 1);
    snprintf(cfg.findings_encoding, sizeof cfg.findings_encoding, "msgpack");
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "%s/f.jsonl", g_spool);
    char err[256] = "";
    struct ig_findings *fs = ig_findings_new(&cfg, NULL, err, sizeof err);
    assert_non_null(fs);
    assert_int_equal(ig_sinks_open_all(fs, &cfg, err, sizeof err), 2);
    for (int i = 0; i < 6; i++) {
        struct ig_finding f;
        char client[16];
        snprintf(client, sizeof client, "c-%d", i);
        ig_finding_init(&f, "abuse.rate", NULL);
        f.title = "Client request rate over limit";
        f.client_id = client;
        f.model = "m";
        f.time_us = 1767225600000000ull + (uint64_t)i;
        f.atlas[0] = "AML.T0040";
        ig_finding_score(&f, "rate", 100.5 + i);
        ig_emit_finding(ig_findings_emit(fs), &f);
    }
    ig_findings_close(fs, 1767225600000010ull, 10000);
    ig_findings_free(fs);

    char lines[6][4096];
    FILE *fp = fopen(cfg.findings_path, "r");
    assert_non_null(fp);
    for (int i = 0; i < 6; i++)
        assert_non_null(fgets(lines[i], sizeof lines[i], fp));
    fclose(fp);

    char cmd[512];
    snprintf(cmd, sizeof cmd, "kcat -b %s -C -t t-msgpack -e -q -f '%%S %%h\\n%%s' 2>/dev/null", g_boot);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int got = 0;
    size_t size;
    char hdr[256];
    while (fscanf(p, "%zu %255[^\n]", &size, hdr) == 2 && fgetc(p) == '\n') {
        assert_non_null(strstr(hdr, "encoding=msgpack"));
        char *v = malloc(size);
        assert_int_equal(fread(v, 1, size, p), size);
        msgpack_unpacked u;
        msgpack_unpacked_init(&u);
        size_t off = 0;
        assert_int_equal(msgpack_unpack_next(&u, v, size, &off), MSGPACK_UNPACK_SUCCESS);
        struct ig_jsonw w;
        ig_jsonw_init(&w, 4096);
        assert_true(ig_enc_msgpack_to_json(&u.data, &w));
        assert_true(got < 6);
        assert_int_equal(w.len, strlen(lines[got]) - 1);
        assert_memory_equal(w.buf, lines[got], w.len);   /* one partition: same order */
        ig_jsonw_free(&w);
        msgpack_unpacked_destroy(&u);
        free(v);
        got++;
    }
    pclose(p);
    assert_int_equal(got, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivers_every_record_once),
        cmocka_unit_test(test_broker_down_before_start_and_mid_run),
        cmocka_unit_test(test_close_while_away_then_next_run_delivers),
        cmocka_unit_test(test_damaged_spool_from_previous_run),
        cmocka_unit_test(test_msgpack_findings_equal_jsonl),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
