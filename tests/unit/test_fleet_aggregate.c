/* The fleet's detect stage without Kafka: events from several partitions released in event
 * time behind the watermark (slowest partition still read, less the lateness window); fleet
 * findings marked scope fleet with the pods that saw the client; held back when a pod told
 * the same client and analytic first, when an earlier run told it, and (without a findings
 * topic) when raised on replayed events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet/aggregate.h"
#include "fleet/told.h"

#include <msgpack.h>

static char dir[] = "/tmp/ig_fleet_agg_XXXXXX";
static struct ig_config cfg;
static struct ig_rules *rules;
static char out_path[128];

/* abuse.rate with an explicit quota: the 6th request of a client within 10 s raises it */
static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    char rd[160], p[200];
    snprintf(rd, sizeof rd, "%s/rules", dir);
    mkdir(rd, 0700);
    snprintf(p, sizeof p, "%s/abuse.yaml", rd);
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    fputs("- detector: abuse.rate\n  throttle: 30s\n  params:\n    max_requests: 5\n    window: 10s\n", f);
    fclose(f);
    char err[512];
    if (ig_rules_load_dir(rd, &rules, err, sizeof err) < 0) {
        fprintf(stderr, "rules: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ig_rules_free(rules);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct ig_fleet_agg *agg_new(const char *name)
{
    ig_config_defaults(&cfg);
    snprintf(out_path, sizeof out_path, "%s/%s.jsonl", dir, name);
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "%s", out_path);
    char err[512];
    struct ig_fleet_agg *a = ig_fleet_agg_new(&cfg, rules, 2000000, err, sizeof err);
    if (!a)
        fprintf(stderr, "%s\n", err);
    assert_non_null(a);
    return a;
}

static void ev_at(struct ig_event *ev, const char *client, uint64_t t_us)
{
    memset(ev, 0, sizeof *ev);
    ev->req_time_us = t_us;
    ev->resp_time_us = t_us + 1000;
    ev->src.family = 4;
    memcpy(ev->src.addr, "\x7f\x00\x00\x15", 4);
    ev->dst.family = 4;
    memcpy(ev->dst.addr, "\x7f\x00\x00\x01", 4);
    ev->dst.port = 8080;
    ev->id_kind = IG_ID_SOURCE_IP;
    snprintf(ev->client_id, sizeof ev->client_id, "%s", client);
    snprintf(ev->model, sizeof ev->model, "wine");
    snprintf(ev->method, sizeof ev->method, "POST");
    snprintf(ev->route, sizeof ev->route, "/v2/models/wine/infer");
    ev->status = 200;
    ev->rows = 1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static const uint64_t T0 = 1700000000000000ull;

static void test_watermark(void **state)
{
    (void)state;
    struct ig_fleet_agg *a = agg_new("wm");
    struct ig_event ev;
    ig_fleet_agg_partition_start(a, 0);
    ig_fleet_agg_partition_start(a, 1);
    /* partition 0 runs ahead to t0+10 s; partition 1 has said nothing yet: nothing goes */
    for (int i = 0; i <= 10; i++) {
        ev_at(&ev, "10.0.0.1", T0 + (uint64_t)i * 1000000);
        ig_fleet_agg_event(a, &ev, "pod-a", false, 0, i);
    }
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 0);
    assert_int_equal(ig_fleet_agg_commit_offset(a, 0), 0);   /* the oldest still waiting */
    /* partition 1 reaches t0+5 s: events up to t0+3 s (lateness 2 s) are released */
    ev_at(&ev, "10.0.0.2", T0 + 5000000);
    ig_fleet_agg_event(a, &ev, "pod-b", false, 1, 0);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 4);
    assert_int_equal(ig_fleet_agg_commit_offset(a, 0), 4);
    /* partition 1 at its end: only the newest time overall counts, less the lateness */
    ig_fleet_agg_partition_end(a, 1);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 10);   /* t0..t0+8 s and partition 1's */
    /* an event older than what was released is still inspected, counted late */
    ev_at(&ev, "10.0.0.3", T0 + 1000000);
    ig_fleet_agg_event(a, &ev, "pod-c", false, 1, 1);
    assert_int_equal(ig_fleet_agg_stats(a)->late, 1);
    /* revocation drops what waits of that partition and says where the state stands */
    assert_int_equal(ig_fleet_agg_revoke(a, 0), 8);
    assert_int_equal(ig_fleet_agg_stats(a)->dropped_revoked, 2);
    ig_fleet_agg_advance(a, true);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 11);   /* and the late one */
    ig_fleet_agg_finish(a);
    ig_fleet_agg_free(a);
}

/* One record of <pod> at partition 0: an event at <t_us> carrying the pod's watermark
 * <t_us> (as a pod publishes it: fleet/publish.c), at <offset>. */
static void pod_event(struct ig_fleet_agg *a, const char *pod, const char *client, uint64_t t_us, int64_t offset)
{
    struct ig_event ev;
    ev_at(&ev, client, t_us);
    ig_fleet_agg_event(a, &ev, pod, false, 0, offset);
    ig_fleet_agg_pod_mark(a, pod, 0, t_us, false, -1);
}

/* The merge order with a pod publishing late (session 17: pods up to 5.3 s late under
 * load, the window 2 s). pod-a publishes an event every second as it happens; pod-b's events
 * (at .5 s) reach the aggregator 5.5 s after their time. Followed, pod-b's watermark holds
 * the release at its position less the lateness window, exactly: nothing is released
 * ahead of pod-b's events, none arrives late, all are inspected. Not followed (pod timeout
 * 0, the partitions' newest time alone), pod-b's events arrive after later ones went. */
static void run_late_pod(struct ig_fleet_agg *a, bool check)
{
    int64_t off = 0;
    ig_fleet_agg_partition_start(a, 0);
    ig_fleet_agg_pod_mark(a, "pod-b", 0, T0, false, off++);   /* pod-b's heartbeat: known */
    for (int k = 0; k <= 16; k++) {
        if (k <= 10)
            pod_event(a, "pod-a", "10.0.0.1", T0 + (uint64_t)k * 1000000, off++);
        if (k >= 6)   /* pod-b's event of time k - 6 + .5 s arrives now */
            pod_event(a, "pod-b", "10.0.0.2", T0 + (uint64_t)(k - 6) * 1000000 + 500000, off++);
        ig_fleet_agg_advance(a, false);
        if (!check)
            continue;
        /* released: every event at or before min(pod-a, pod-b) - 2 s */
        uint64_t wa = T0 + (uint64_t)IG_MIN(k, 10) * 1000000;
        uint64_t wb = k >= 6 ? T0 + (uint64_t)(k - 6) * 1000000 + 500000 : T0;
        uint64_t upto = IG_MIN(wa, wb), want = 0;
        for (int i = 0; i <= IG_MIN(k, 10); i++)
            want += T0 + (uint64_t)i * 1000000 + 2000000 <= upto;
        for (int j = 0; j <= k - 6; j++)
            want += T0 + (uint64_t)j * 1000000 + 500000 + 2000000 <= upto;
        assert_int_equal(ig_fleet_agg_stats(a)->released, want);
        assert_int_equal(ig_fleet_agg_stats(a)->late, 0);
    }
    ig_fleet_agg_pod_mark(a, "pod-a", 0, T0 + 13000000, true, off++);   /* both stop */
    ig_fleet_agg_pod_mark(a, "pod-b", 0, T0 + 13000000, true, off++);
    ig_fleet_agg_partition_end(a, 0);
    ig_fleet_agg_advance(a, false);
}

static void test_late_pod_waited_for(void **state)
{
    (void)state;
    struct ig_fleet_agg *a = agg_new("latepod");
    run_late_pod(a, true);
    const struct ig_fleet_stats *st = ig_fleet_agg_stats(a);
    assert_int_equal(st->late, 0);
    assert_int_equal(st->released, 11 + 11);   /* both stopped: nothing left to wait for */
    assert_int_equal(st->pods, 2);
    assert_int_equal(st->pods_left, 2);
    assert_int_equal(st->pods_timed_out, 0);
    assert_int_equal(st->wm_records, 3);
    assert_true(st->wm_held_max_us >= 5500000);   /* pod-b's 5.5 s held it back */
    /* the watermark records' offsets are committed past once nothing waits */
    assert_int_equal(ig_fleet_agg_commit_offset(a, 0), 25);
    ig_fleet_agg_finish(a);
    ig_fleet_agg_free(a);

    a = agg_new("latepod0");
    ig_fleet_agg_pod_timeout(a, 0);   /* not followed: as before watermarks */
    run_late_pod(a, false);
    st = ig_fleet_agg_stats(a);
    assert_true(st->late >= 4);   /* pod-b's events behind pod-a's newest by more than 2 s */
    assert_int_equal(st->pods, 0);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 22);   /* late, not lost */
    ig_fleet_agg_free(a);
}

/* A pod that stops publishing without saying so is waited for up to the pod timeout of
 * the wall clock while the other pods' records keep coming (nothing read at all is a
 * stalled consumer, not a silent pod: three pod timeouts then); a pod whose watermark falls more than the pod timeout behind the newest
 * is not waited for either (a replay of history has no wall clock to go by); either is
 * counted, and the pod is waited for again once its next record is within the timeout. */
static void test_pod_timeout(void **state)
{
    (void)state;
    const uint64_t W0 = T0 + 100000;
    struct ig_fleet_agg *a = agg_new("podto");
    ig_fleet_agg_pod_timeout(a, 4000000);
    ig_fleet_agg_partition_start(a, 0);
    ig_fleet_agg_clock(a, W0);
    pod_event(a, "pod-a", "10.0.0.1", T0, 0);
    pod_event(a, "pod-b", "10.0.0.2", T0, 1);
    /* pod-a goes on for 3 s of wall clock and event time; pod-b is silent */
    for (int i = 1; i <= 3; i++) {
        ig_fleet_agg_clock(a, W0 + (uint64_t)i * 1000000);
        pod_event(a, "pod-a", "10.0.0.1", T0 + (uint64_t)i * 1000000, 1 + i);
        ig_fleet_agg_advance(a, false);
    }
    assert_int_equal(ig_fleet_agg_stats(a)->released, 0);   /* held at pod-b's T0 - 2 s */
    assert_int_equal(ig_fleet_agg_stats(a)->pods_timed_out, 0);
    /* 4.5 s with nothing read at all (a stalled consumer, a rebalance): still waited for */
    ig_fleet_agg_clock(a, W0 + 7500000);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->pods_timed_out, 0);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 0);
    /* 4.5 s of silence while pod-a's heartbeat comes: pod-b is no longer waited for;
     * pod-a's events go up to its position - 2 s */
    ig_fleet_agg_pod_mark(a, "pod-a", 0, T0 + 3000000, false, 5);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->pods_timed_out, 1);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 3);   /* T0 (both) and T0 + 1 s */
    /* pod-b's event of T0 + 0.5 s comes now: late, inspected, and pod-b waited for again */
    pod_event(a, "pod-b", "10.0.0.2", T0 + 500000, 6);
    assert_int_equal(ig_fleet_agg_stats(a)->late, 1);
    assert_int_equal(ig_fleet_agg_stats(a)->pods_back, 1);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 3);   /* pod-b holds it at T0 + .5 s - 2 s */
    /* behind by more than the timeout in event time: pod-a at T0 + 9 s, pod-b still at
     * T0 + 0.5 s with a fresh wall clock (it publishes heartbeats, but its events lag) */
    ig_fleet_agg_clock(a, W0 + 8000000);
    ig_fleet_agg_pod_mark(a, "pod-b", 0, T0 + 500000, false, 7);
    pod_event(a, "pod-a", "10.0.0.1", T0 + 9000000, 8);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->pods_timed_out, 2);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 6);   /* up to T0 + 7 s: pod-a's T0+2, +3, pod-b's +.5 */
    /* revoked: its pods' watermarks go with the partition */
    ig_fleet_agg_pod_mark(a, "pod-b", 0, T0 + 8900000, false, 9);
    assert_int_equal(ig_fleet_agg_stats(a)->pods_back, 2);
    /* 12 s with nothing from anyone: every pod gone (three pod timeouts) */
    ig_fleet_agg_clock(a, W0 + 20500000);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->pods_timed_out, 4);
    ig_fleet_agg_revoke(a, 0);
    ig_fleet_agg_finish(a);
    ig_fleet_agg_free(a);
}

/* A pod name longer than the table keeps (63 characters, Kubernetes' limit) is one pod,
 * not a new entry at each record. */
static void test_long_pod_name(void **state)
{
    (void)state;
    struct ig_fleet_agg *a = agg_new("longpod");
    char name[120];
    memset(name, 'p', sizeof name - 1);
    name[sizeof name - 1] = 0;
    for (int i = 0; i < 10; i++)
        ig_fleet_agg_pod_mark(a, name, i % 2, T0 + (uint64_t)i * 1000, false, i / 2);
    assert_int_equal(ig_fleet_agg_stats(a)->pods, 1);
    assert_int_equal(ig_fleet_agg_stats(a)->marks_full, 0);
    ig_fleet_agg_finish(a);
    ig_fleet_agg_free(a);
}

/* A live stream that goes quiet: once every partition is read to its end, event time goes
 * on with the wall clock (ig_fleet_agg_clock) from the newest event's arrival, so the last
 * lateness window of events is inspected that long after the stream stopped, not held until
 * the next event; while a partition is still being read, the clock releases nothing. */
static void test_quiet_stream(void **state)
{
    (void)state;
    struct ig_fleet_agg *a = agg_new("quiet");
    struct ig_event ev;
    const uint64_t W0 = T0 + 500000;   /* the aggregator's clock: events arrive 0.5 s late */
    ig_fleet_agg_partition_start(a, 0);
    ig_fleet_agg_partition_start(a, 1);
    ig_fleet_agg_clock(a, W0 + 3000000);
    for (int i = 0; i <= 3; i++) {
        ev_at(&ev, "10.0.0.1", T0 + (uint64_t)i * 1000000);
        ig_fleet_agg_event(a, &ev, "pod-a", false, 0, i);
    }
    ig_fleet_agg_partition_end(a, 0);
    /* partition 1 still being read (nothing from it yet): the clock moves nothing */
    ig_fleet_agg_clock(a, W0 + 60000000);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 0);
    /* both read to their end; 0.5 s after the last arrival: t0+3.5 s - 2 s: t0, t0+1 s */
    ig_fleet_agg_partition_end(a, 1);
    ig_fleet_agg_clock(a, W0 + 3000000);   /* never backwards: stays at +60 s */
    ev_at(&ev, "10.0.0.2", T0 + 3000000);
    ig_fleet_agg_event(a, &ev, "pod-b", false, 1, 0);   /* arrives at +60 s */
    ig_fleet_agg_partition_end(a, 1);
    ig_fleet_agg_clock(a, W0 + 60500000);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 2);
    assert_int_equal(ig_fleet_agg_stats(a)->released_idle, 0);   /* event time alone did it */
    /* 2 s after the last arrival: everything up to t0+3 s, by the clock */
    ig_fleet_agg_clock(a, W0 + 62000000);
    ig_fleet_agg_advance(a, false);
    assert_int_equal(ig_fleet_agg_stats(a)->released, 5);
    assert_int_equal(ig_fleet_agg_stats(a)->released_idle, 3);
    /* the lag at release, from each event's request time to the clock */
    const struct ig_fleet_lag *l = &ig_fleet_agg_stats(a)->inspect_lag;
    assert_int_equal(l->n, 5);
    assert_true(l->max >= 61000 && l->max <= 62500);
    assert_true(ig_fleet_lag_q(l, 0.5) >= 59000 && ig_fleet_lag_q(l, 0.5) <= 62500 * 1.1);
    /* a new event after the quiet spell is not late: it is newer than what was released */
    ev_at(&ev, "10.0.0.1", T0 + 61000000);
    ig_fleet_agg_event(a, &ev, "pod-a", false, 0, 4);
    assert_int_equal(ig_fleet_agg_stats(a)->late, 0);
    ig_fleet_agg_finish(a);
    ig_fleet_agg_free(a);
}

/* The lag histogram: quantiles within a bucket (~9 %) above the true value, never above the
 * maximum. */
static void test_lag_quantiles(void **state)
{
    (void)state;
    struct ig_fleet_lag l;
    memset(&l, 0, sizeof l);
    for (uint64_t ms = 1; ms <= 1000; ms++)
        ig_fleet_lag_add(&l, ms);
    assert_int_equal(l.n, 1000);
    assert_int_equal(l.max, 1000);
    uint64_t med = ig_fleet_lag_q(&l, 0.5), p99 = ig_fleet_lag_q(&l, 0.99);
    assert_true(med >= 500 && med <= 546);
    assert_true(p99 >= 990 && p99 <= 1000);
    memset(&l, 0, sizeof l);
    ig_fleet_lag_add(&l, 0);
    assert_int_equal(ig_fleet_lag_q(&l, 0.5), 0);
    ig_fleet_lag_add(&l, 100000000);   /* beyond the last bucket's start: kept there */
    assert_int_equal(ig_fleet_lag_q(&l, 1.0), 100000000);
}

/* A client's 8 requests, alternately through three pods, one per 100 ms. */
static void flood(struct ig_fleet_agg *a, const char *client, uint64_t t0, bool replay)
{
    static const char *const pods[] = { "pod-a", "pod-b", "pod-c" };
    struct ig_event ev;
    ig_fleet_agg_partition_start(a, 0);
    for (int i = 0; i < 8; i++) {
        ev_at(&ev, client, t0 + (uint64_t)i * 100000);
        ig_fleet_agg_event(a, &ev, pods[i % 3], replay, 0, i);
    }
    ig_fleet_agg_partition_end(a, 0);
    ig_fleet_agg_advance(a, true);
}

static void test_fleet_finding(void **state)
{
    (void)state;
    struct ig_fleet_agg *a = agg_new("plain");
    flood(a, "10.0.0.9", T0, false);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 1);
    ig_fleet_agg_free(a);
    const char *s = slurp(out_path);
    assert_int_equal(count(s, "\"name\":\"abuse.rate\""), 1);
    assert_non_null(strstr(s, "\"scope\":\"fleet\""));
    assert_non_null(strstr(s, "\"pods\":[\"pod-a\",\"pod-b\",\"pod-c\"]"));
}

/* findings.suppress in the fleet: the aggregator's own findings stage holds the list, so
 * the fleet finding of a suppressed source is counted, never published, and the other
 * client's is published as without the list. */
static void test_suppressed_in_fleet(void **state)
{
    (void)state;
    ig_config_defaults(&cfg);
    char err[512] = "";
    const char *yaml = "findings.suppress:\n  - {analytic: abuse.*, source: 10.7.0.0/16, comment: explainer}\n";
    assert_int_equal(ig_config_load_buf("cfg.yaml", yaml, strlen(yaml), &cfg, err, sizeof err), IG_OK);
    snprintf(out_path, sizeof out_path, "%s/suppress.jsonl", dir);
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "%s", out_path);
    struct ig_fleet_agg *a = ig_fleet_agg_new(&cfg, rules, 2000000, err, sizeof err);
    assert_non_null(a);
    static const char *const pods[] = { "pod-a", "pod-b", "pod-c" };
    static const char *const ips[] = { "10.7.1.2", "10.8.1.2" };
    struct ig_event ev;
    for (int c = 0; c < 2; c++) {
        ig_fleet_agg_partition_start(a, 0);
        for (int i = 0; i < 8; i++) {
            ev_at(&ev, ips[c], T0 + (uint64_t)c * 20000000 + (uint64_t)i * 100000);
            assert_int_equal(inet_pton(AF_INET, ips[c], ev.src.addr), 1);
            ig_fleet_agg_event(a, &ev, pods[i % 3], false, 0, c * 8 + i);
        }
        ig_fleet_agg_partition_end(a, 0);
        ig_fleet_agg_advance(a, true);
    }
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->raised, 2);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ig_fleet_agg_summary(a, f);
    fclose(f);
    if (!strstr(buf, "  suppressed  1 findings by findings.suppress") ||
        !strstr(buf, "#1 abuse.* source 10.7.0.0/16 (explainer): 1\n"))
        fail_msg("summary:\n%s", buf);
    free(buf);
    ig_fleet_agg_free(a);
    const char *s = slurp(out_path);
    assert_int_equal(count(s, "\"name\":\"abuse.rate\""), 1);
    assert_non_null(strstr(s, "\"uid\":\"10.8.1.2\""));
    assert_null(strstr(s, "10.7.1.2"));
}

static void test_held_when_told(void **state)
{
    (void)state;
    /* a pod told it 5 s before: held */
    struct ig_fleet_agg *a = agg_new("pod_first");
    ig_fleet_agg_told(a, "10.0.0.9", "abuse.rate", T0 - 5000000, false, 3);
    flood(a, "10.0.0.9", T0, false);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 0);
    assert_int_equal(ig_fleet_agg_stats(a)->held_told, 1);
    ig_fleet_agg_free(a);
    /* ... and again 50 s later (a pod repeats a window later; replayed, the fleet meets
     * the earlier one after reading both): still held */
    a = agg_new("pod_twice");
    ig_fleet_agg_told(a, "10.0.0.9", "abuse.rate", T0 - 5000000, false, 3);
    ig_fleet_agg_told(a, "10.0.0.9", "abuse.rate", T0 + 50000000, false, 3);
    flood(a, "10.0.0.9", T0, false);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 0);
    ig_fleet_agg_free(a);
    /* a pod told it 40 s later (beyond the lateness window): the fleet was first */
    a = agg_new("pod_later");
    ig_fleet_agg_told(a, "10.0.0.9", "abuse.rate", T0 + 40000000, false, 3);
    flood(a, "10.0.0.9", T0, false);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 1);
    ig_fleet_agg_free(a);
    /* another client's or another analytic's finding does not hold it */
    a = agg_new("other");
    ig_fleet_agg_told(a, "10.0.0.8", "abuse.rate", T0, false, 3);
    ig_fleet_agg_told(a, "10.0.0.9", "extraction.prada", T0, false, 3);
    flood(a, "10.0.0.9", T0, false);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 1);
    ig_fleet_agg_free(a);
    /* an earlier run's fleet finding a little later than this one (a replay in another
     * order): held */
    a = agg_new("restart");
    ig_fleet_agg_told_known(a);
    ig_fleet_agg_told(a, "10.0.0.9", "abuse.rate", T0 + 3000000, true, 3);
    flood(a, "10.0.0.9", T0, true);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 0);
    ig_fleet_agg_free(a);
    /* replayed events with the findings topic known and nothing told: not held (the
     * earlier run never said it) */
    a = agg_new("replay_untold");
    ig_fleet_agg_told_known(a);
    flood(a, "10.0.0.9", T0, true);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 1);
    ig_fleet_agg_free(a);
    /* replayed events without a findings topic: state only */
    a = agg_new("replay_blind");
    flood(a, "10.0.0.9", T0, true);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 0);
    assert_int_equal(ig_fleet_agg_stats(a)->held_replay, 1);
    ig_fleet_agg_free(a);
}

/* A member's per-client engine and the model owner's engine in one process, sharing one
 * findings stage and one table of what was told: abuse.rate (its limit rests on the
 * model's other clients) runs on the owner only, and its finding comes out once. */
static void test_roles(void **state)
{
    (void)state;
    ig_config_defaults(&cfg);
    snprintf(out_path, sizeof out_path, "%s/roles.jsonl", dir);
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "%s", out_path);
    char err[512];
    struct ig_fleet_agg *m = ig_fleet_agg_new_role(&cfg, rules, 2000000, IG_FLEET_CLIENTS, NULL, err, sizeof err);
    assert_non_null(m);
    struct ig_fleet_agg *o = ig_fleet_agg_new_role(&cfg, rules, 3000000, IG_FLEET_MODELS, m, err, sizeof err);
    assert_non_null(o);
    ig_fleet_agg_flag_to(m, o);
    flood(m, "10.0.0.9", T0, false);
    flood(o, "10.0.0.9", T0, false);
    /* told through the member's table: the owner holds the same analytic of that client */
    ig_fleet_agg_told(m, "10.0.0.7", "abuse.rate", T0, false, 3);
    flood(m, "10.0.0.7", T0, false);
    flood(o, "10.0.0.7", T0, false);
    ig_fleet_agg_finish(o);
    ig_fleet_agg_finish(m);
    assert_int_equal(ig_fleet_agg_stats(m)->raised, 0);
    assert_int_equal(ig_fleet_agg_stats(o)->emitted, 1);
    assert_int_equal(ig_fleet_agg_stats(o)->held_told, 1);
    /* told before either engine had seen 10.0.0.7: the flag waited for its first event
     * there (the owner's drift keeps a flagged client's rows out, as one sensor does) */
    assert_int_equal(ig_fleet_agg_stats(o)->flags_late, 1);
    assert_int_equal(ig_fleet_agg_stats(m)->flags_late, 1);
    ig_fleet_agg_free(o);
    ig_fleet_agg_free(m);
    const char *s = slurp(out_path);
    assert_int_equal(count(s, "\"name\":\"abuse.rate\""), 1);
    assert_non_null(strstr(s, "\"uid\":\"10.0.0.9\""));
    assert_non_null(strstr(s, "\"pods\":[\"pod-a\",\"pod-b\",\"pod-c\"]"));
}

/* A pod's finding about a client flags it here from the finding's event time on, not on
 * receipt: rows of that client released before then count as one sensor counts them (the
 * owner's drift windows keep the same rows out). Events 3 s apart stay under the quota. */
static void test_told_at_event_time(void **state)
{
    (void)state;
    struct ig_fleet_agg *a = agg_new("told_time");   /* lateness 2 s */
    struct ig_event ev;
    ig_fleet_agg_partition_start(a, 0);
    ig_fleet_agg_told(a, "10.0.0.7", "extraction.prada", T0 + 7000000, false, 3);
    for (int i = 0; i <= 5; i++) {
        ev_at(&ev, "10.0.0.7", T0 + (uint64_t)i * 3000000);
        ig_fleet_agg_event(a, &ev, "pod-a", false, 0, i);
        ig_fleet_agg_advance(a, false);
        /* released: events up to (newest - 2 s); the one at 9 s, the first after the
         * finding's 7 s, is released once the event at 12 s arrives (i = 4) */
        if (i < 4)
            assert_int_equal(ig_fleet_agg_client_flags(a, "10.0.0.7"), 0);
        else
            assert_int_not_equal(ig_fleet_agg_client_flags(a, "10.0.0.7"), 0);
    }
    /* told after its time was released: flagged at once */
    ig_fleet_agg_told(a, "10.0.0.8", "extraction.prada", T0, false, 3);
    ev_at(&ev, "10.0.0.8", T0 + 16000000);
    ig_fleet_agg_event(a, &ev, "pod-a", false, 0, 6);
    ig_fleet_agg_partition_end(a, 0);
    ig_fleet_agg_advance(a, true);
    assert_int_not_equal(ig_fleet_agg_client_flags(a, "10.0.0.8"), 0);
    assert_int_equal(ig_fleet_agg_stats(a)->flags_early, 0);
    ig_fleet_agg_finish(a);
    assert_int_equal(ig_fleet_agg_stats(a)->emitted, 0);
    ig_fleet_agg_free(a);
}

/* A member's finding flags the client on the owner as of the raising event's REQUEST time,
 * not its completion (the finding's time_us): one sensor flags the client once that event
 * completes, before the client's requests sent while it was answered. Each response here
 * comes 5 s after its request, requests 1 s apart; abuse.volume (per client: the member's)
 * fires on the third 4xx. The owner must count the client flagged from that event on, not
 * 5 s later. */
static void test_member_flag_at_request_time(void **state)
{
    (void)state;
    char rd[160], p[200], err[512];
    snprintf(rd, sizeof rd, "%s/rules_volume", dir);
    mkdir(rd, 0700);
    snprintf(p, sizeof p, "%s/volume.yaml", rd);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("- detector: abuse.volume\n  throttle: 30s\n  params:\n    max_errors: 2\n    window: 60s\n", f);
    fclose(f);
    struct ig_rules *vr = NULL;
    assert_int_equal(ig_rules_load_dir(rd, &vr, err, sizeof err), 0);

    ig_config_defaults(&cfg);
    snprintf(out_path, sizeof out_path, "%s/member_time.jsonl", dir);
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "%s", out_path);
    struct ig_fleet_agg *m = ig_fleet_agg_new_role(&cfg, vr, 2000000, IG_FLEET_CLIENTS, NULL, err, sizeof err);
    assert_non_null(m);
    struct ig_fleet_agg *o = ig_fleet_agg_new_role(&cfg, vr, 3000000, IG_FLEET_MODELS, m, err, sizeof err);
    assert_non_null(o);
    ig_fleet_agg_flag_to(m, o);

    enum { N = 8 };
    struct ig_event ev[N];
    for (int i = 0; i < N; i++) {
        ev_at(&ev[i], "10.0.0.7", T0 + (uint64_t)i * 1000000);
        ev[i].resp_time_us = ev[i].req_time_us + 5000000;
        ev[i].status = 404;
    }
    /* the member inspects all of them first (the owner is gated behind it); note which
     * event raised the finding */
    int raised_at = -1;
    ig_fleet_agg_partition_start(m, 0);
    for (int i = 0; i < N; i++) {
        ig_fleet_agg_event(m, &ev[i], "pod-a", false, 0, i);
        ig_fleet_agg_advance(m, true);
        if (raised_at < 0 && ig_fleet_agg_stats(m)->raised > 0)
            raised_at = i;
    }
    ig_fleet_agg_partition_end(m, 0);
    assert_int_equal(raised_at, 2);   /* the third 4xx */
    /* the owner, one event at a time: the client counts as flagged from the raising event
     * on (its rows from the next one are kept out), not from 5 s after it */
    ig_fleet_agg_partition_start(o, 0);
    for (int i = 0; i < N; i++) {
        ig_fleet_agg_event(o, &ev[i], "pod-a", false, 0, i);
        ig_fleet_agg_advance(o, true);
        uint32_t flags = ig_fleet_agg_client_flags(o, "10.0.0.7");
        if (i < raised_at)
            assert_int_equal(flags, 0);
        else
            assert_int_not_equal(flags, 0);
    }
    ig_fleet_agg_partition_end(o, 0);
    ig_fleet_agg_finish(o);
    ig_fleet_agg_finish(m);
    assert_int_equal(ig_fleet_agg_stats(o)->flags_early, 0);
    ig_fleet_agg_free(o);
    ig_fleet_agg_free(m);
    ig_rules_free(vr);
    const char *s = slurp(out_path);
    assert_int_equal(count(s, "\"name\":\"abuse.volume\""), 1);
}

static void pk_str(msgpack_packer *pk, const char *v)
{
    msgpack_pack_str(pk, strlen(v));
    msgpack_pack_str_body(pk, v, strlen(v));
}

/* Findings-topic records as the hold-back reads them: JSON, the same map as msgpack,
 * a model-wide one, and what is not a finding. */
/* rows_excluded of the drift report of window <index> under <rdir> (-1: no such report) */
static long window_excluded(const char *rdir, int index)
{
    char pat[256], want[32];
    snprintf(pat, sizeof pat, "%s/wine/*.json", rdir);
    snprintf(want, sizeof want, "\"window\":{\"index\":%d,", index);
    glob_t g;
    long out = -1;
    if (glob(pat, 0, NULL, &g) != 0)
        return -1;
    for (size_t i = 0; i < g.gl_pathc && out < 0; i++) {
        const char *s = slurp(g.gl_pathv[i]);
        const char *x = strstr(s, "\"rows_excluded\":");
        if (strstr(s, want) && x)
            out = strtol(x + strlen("\"rows_excluded\":"), NULL, 10);
    }
    globfree(&g);
    return out;
}

/* The fleet's drift keeps a flagged client's rows out of the window as one sensor does
 * when the window closes between the event that raised the finding and the client's next
 * event. One engine (one sensor) marks the client while that event is dispatched, so
 * drift.features, last in the order, sees it flagged on that event; the owner must too,
 * not from the client's next event (which comes after the window closed here: the
 * difference was all of that client's rows in the window, 53 in a CI run of
 * test_fleet_aggregate). 10.0.0.7's third 4xx raises abuse.volume on the member; the
 * 30-row window closes 27 benign rows later. */
static void test_drift_flag_at_raising_event(void **state)
{
    (void)state;
    char rd[160], p[200], err[512];
    snprintf(rd, sizeof rd, "%s/rules_drift", dir);
    mkdir(rd, 0700);
    snprintf(p, sizeof p, "%s/rules.yaml", rd);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("- detector: abuse.volume\n  throttle: 30s\n  params:\n    max_errors: 2\n    window: 60s\n"
          "- detector: drift.features\n  params:\n    reference_rows: 30\n    reference_min_rows: 10\n"
          "    window_rows: 30\n    min_window_rows: 10\n    sequential: false\n", f);
    fclose(f);
    struct ig_rules *dr = NULL;
    assert_int_equal(ig_rules_load_dir(rd, &dr, err, sizeof err), 0);

    enum { N = 75 };
    static struct ig_event ev[N];
    static float in[N][2];
    int n = 0;
    const char *benign[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3" };
    uint64_t t = T0;
    /* the reference: 30 benign rows */
    for (int i = 0; i < 30; i++, n++, t += 100000)
        ev_at(&ev[n], benign[i % 3], t);
    /* window 0: 10.0.0.7's three 4xx (the third raises), then 27 benign rows */
    for (int i = 0; i < 3; i++, n++, t += 100000) {
        ev_at(&ev[n], "10.0.0.7", t);
        ev[n].status = 404;
    }
    for (int i = 0; i < 27; i++, n++, t += 100000)
        ev_at(&ev[n], benign[i % 3], t);
    /* window 1: 10.0.0.7 again, then benign rows */
    for (int i = 0; i < 15; i++, n++, t += 100000)
        ev_at(&ev[n], i == 0 ? "10.0.0.7" : benign[i % 3], t);
    assert_int_equal(n, N);
    for (int i = 0; i < N; i++) {
        in[i][0] = (float)((i * 7919) % 101) / 101.0f;
        in[i][1] = (float)((i * 104729) % 97) / 97.0f;
        ev[i].inputs = in[i];
        ev[i].features = 2;
        ev[i].flags = IG_EV_TENSOR;
    }

    /* one engine seeing everything: the reference */
    ig_config_defaults(&cfg);
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "%s/drift_one.jsonl", dir);
    snprintf(cfg.reports_dir, sizeof cfg.reports_dir, "%s/rep_one", dir);
    struct ig_fleet_agg *one = ig_fleet_agg_new_role(&cfg, dr, 2000000, IG_FLEET_ALL, NULL, err, sizeof err);
    assert_non_null(one);
    ig_fleet_agg_partition_start(one, 0);
    for (int i = 0; i < N; i++)
        ig_fleet_agg_event(one, &ev[i], "pod-a", false, 0, i);
    ig_fleet_agg_partition_end(one, 0);
    ig_fleet_agg_advance(one, true);
    ig_fleet_agg_finish(one);
    ig_fleet_agg_free(one);

    /* a member and the model owner */
    ig_config_defaults(&cfg);
    snprintf(cfg.findings_path, sizeof cfg.findings_path, "%s/drift_pair.jsonl", dir);
    snprintf(cfg.reports_dir, sizeof cfg.reports_dir, "%s/rep_pair", dir);
    struct ig_fleet_agg *m = ig_fleet_agg_new_role(&cfg, dr, 2000000, IG_FLEET_CLIENTS, NULL, err, sizeof err);
    assert_non_null(m);
    struct ig_fleet_agg *o = ig_fleet_agg_new_role(&cfg, dr, 2000000, IG_FLEET_MODELS, m, err, sizeof err);
    assert_non_null(o);
    ig_fleet_agg_flag_to(m, o);
    ig_fleet_agg_partition_start(m, 0);
    ig_fleet_agg_partition_start(o, 0);
    for (int i = 0; i < N; i++) {
        ig_fleet_agg_event(m, &ev[i], "pod-a", false, 0, i);
        ig_fleet_agg_event(o, &ev[i], "pod-a", false, 0, i);
        ig_fleet_agg_advance(m, false);
        ig_fleet_agg_advance(o, false);
    }
    ig_fleet_agg_partition_end(m, 0);
    ig_fleet_agg_partition_end(o, 0);
    ig_fleet_agg_advance(m, true);
    ig_fleet_agg_advance(o, true);
    ig_fleet_agg_finish(o);
    ig_fleet_agg_finish(m);
    assert_int_equal(ig_fleet_agg_stats(m)->raised, 1);   /* abuse.volume, on the member */
    ig_fleet_agg_free(o);
    ig_fleet_agg_free(m);
    ig_rules_free(dr);

    char r1[200], r2[200];
    snprintf(r1, sizeof r1, "%s/rep_one", dir);
    snprintf(r2, sizeof r2, "%s/rep_pair", dir);
    assert_int_equal(window_excluded(r1, 0), 3);   /* the client's three rows */
    assert_int_equal(window_excluded(r2, 0), 3);
    assert_int_equal(window_excluded(r1, 1), 1);
    assert_int_equal(window_excluded(r2, 1), 1);
}

static void test_told_parse(void **state)
{
    (void)state;
    ig_config_defaults(&cfg);
    struct ig_fleet_told_parser p;
    assert_int_equal(ig_fleet_told_parser_init(&p, &cfg), IG_OK);
    struct ig_fleet_told_rec r;
    const char *js = "{\"time\":1700000000123,\"severity_id\":3,\"finding_info\":{\"analytic\":"
                     "{\"name\":\"abuse.rate\"}},\"actor\":{\"user\":{\"uid\":\"10.0.0.9\"}}}";
    assert_int_equal(ig_fleet_told_parse(&p, js, strlen(js), &r), IG_OK);
    assert_string_equal(r.client, "10.0.0.9");
    assert_string_equal(r.analytic, "abuse.rate");
    assert_true(r.time_us == 1700000000123000ull);
    assert_int_equal(r.severity, 3);
    assert_false(r.fleet);
    assert_false(r.msgpack);
    /* the same as msgpack, a fleet finding */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 5);
    pk_str(&pk, "time");
    msgpack_pack_uint64(&pk, 1700000000123ull);
    pk_str(&pk, "severity_id");
    msgpack_pack_uint64(&pk, 4);
    pk_str(&pk, "finding_info");
    msgpack_pack_map(&pk, 1);
    pk_str(&pk, "analytic");
    msgpack_pack_map(&pk, 1);
    pk_str(&pk, "name");
    pk_str(&pk, "extraction.prada");
    pk_str(&pk, "actor");
    msgpack_pack_map(&pk, 1);
    pk_str(&pk, "user");
    msgpack_pack_map(&pk, 1);
    pk_str(&pk, "uid");
    pk_str(&pk, "10.0.0.8");
    pk_str(&pk, "unmapped");
    msgpack_pack_map(&pk, 1);
    pk_str(&pk, "scope");
    pk_str(&pk, "fleet");
    assert_int_equal(ig_fleet_told_parse(&p, sb.data, sb.size, &r), IG_OK);
    assert_true(r.msgpack);
    assert_true(r.fleet);
    assert_string_equal(r.client, "10.0.0.8");
    assert_string_equal(r.analytic, "extraction.prada");
    assert_int_equal(r.severity, 4);
    /* cut short: refused */
    assert_int_equal(ig_fleet_told_parse(&p, sb.data, sb.size - 3, &r), IG_EPARSE);
    msgpack_sbuffer_destroy(&sb);
    /* model-wide: keyed by the model */
    const char *mw = "{\"time\":5,\"finding_info\":{\"analytic\":{\"name\":\"drift.features\"}},"
                     "\"resources\":[{\"name\":\"wine\"}]}";
    assert_int_equal(ig_fleet_told_parse(&p, mw, strlen(mw), &r), IG_OK);
    assert_string_equal(r.client, "model:wine");
    /* not findings */
    assert_int_equal(ig_fleet_told_parse(&p, "{\"time\":5}", 10, &r), IG_EPARSE);
    assert_int_equal(ig_fleet_told_parse(&p, "\x93\x01\x02\x03", 4, &r), IG_EPARSE);
    assert_int_equal(ig_fleet_told_parse(&p, "", 0, &r), IG_EPARSE);
    ig_fleet_told_parser_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watermark),
        cmocka_unit_test(test_quiet_stream),
        cmocka_unit_test(test_late_pod_waited_for),
        cmocka_unit_test(test_pod_timeout),
        cmocka_unit_test(test_long_pod_name),
        cmocka_unit_test(test_lag_quantiles),
        cmocka_unit_test(test_fleet_finding),
        cmocka_unit_test(test_held_when_told),
        cmocka_unit_test(test_suppressed_in_fleet),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_told_at_event_time),
        cmocka_unit_test(test_member_flag_at_request_time),
        cmocka_unit_test(test_drift_flag_at_raising_event),
        cmocka_unit_test(test_told_parse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
