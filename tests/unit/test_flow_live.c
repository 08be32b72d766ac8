/* Live capture on the loopback interface: real sockets exchange a request and a response
 * on 127.0.0.1 while ig_capture_open_live (immediate, non-blocking, BPF on the test's port)
 * captures them; the flow table must deliver exactly the bytes the sockets sent, and close
 * the flow once after the FINs. Skips when capturing is not permitted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "test_skip.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "test_flow_helpers.h"

#define REQ_N  200000
#define RESP_N 300000

static uint8_t req[REQ_N], resp[RESP_N], sink[65536];

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void drain_capture(struct ig_capture *cap, struct ig_flow_table *t, uint64_t *last)
{
    struct ig_packet p;
    int rc;
    while ((rc = ig_capture_next(cap, &p)) == IG_OK || rc == IG_AGAIN) {
        if (rc == IG_AGAIN) {
            /* IG_AGAIN also means "frame skipped": stop only when the ring is empty */
            struct pollfd pf = { ig_capture_fd(cap), POLLIN, 0 };
            if (poll(&pf, 1, 0) <= 0)
                return;
            continue;
        }
        ig_flow_packet(t, &p);
        *last = p.ts_us;
    }
    assert_int_not_equal(rc, IG_EIO);
}

static void test_bad_bpf(void **state)
{
    (void)state;
    char err[512] = "";
    struct ig_capture *cap;
    int rc = ig_capture_open_live(&cap, "lo", 0, 0, "tcp port ((nonsense", err, sizeof(err));
    if (rc != IG_OK && strstr(err, "BPF") == NULL)
        IG_SKIP("cannot capture on lo (no CAP_NET_RAW?): %s", err);
    assert_int_equal(rc, IG_EIO);
    assert_non_null(strstr(err, "tcp port ((nonsense"));
    assert_null(strchr(err, '\n'));
    rc = ig_capture_open_live(&cap, "no-such-interface0", 0, 0, "", err, sizeof(err));
    assert_int_equal(rc, IG_EIO);
    assert_non_null(strstr(err, "no-such-interface0"));
}

static void test_loopback_exchange(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(req); i++)
        req[i] = (uint8_t)(i * 7 + (i >> 11));
    for (size_t i = 0; i < sizeof(resp); i++)
        resp[i] = (uint8_t)(i * 13 + (i >> 10));

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(ls >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(ls, 4), 0);
    socklen_t al = sizeof(a);
    assert_int_equal(getsockname(ls, (struct sockaddr *)&a, &al), 0);
    uint16_t port = ntohs(a.sin_port);

    char bpf[64], err[512];
    snprintf(bpf, sizeof(bpf), "tcp port %u", port);
    struct ig_capture *cap;
    if (ig_capture_open_live(&cap, "lo", 262144, 0, bpf, err, sizeof(err)) != IG_OK) {
        close(ls);
        IG_SKIP("cannot capture on lo (no CAP_NET_RAW?): %s", err);
    }
    assert_true(ig_capture_fd(cap) >= 0);
    assert_int_equal(ig_capture_file_offset(cap), 0);

    struct ig_config cfg;
    tf_cfg(&cfg);
    cfg.model_ports[0] = port;
    cfg.n_model_ports = 1;
    struct tf_rec r;
    struct ig_flow_table *t = tf_table(&r, &cfg);
    uint64_t last = 0;

    int cs = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(cs, (struct sockaddr *)&a, sizeof(a)), 0);
    int ss = accept(ls, NULL, NULL);
    assert_true(ss >= 0);
    fcntl(cs, F_SETFL, O_NONBLOCK);
    fcntl(ss, F_SETFL, O_NONBLOCK);

    /* one thread: push both directions a little at a time, capturing as we go */
    size_t sent_req = 0, got_req = 0, sent_resp = 0, got_resp = 0;
    bool cs_shut = false, ss_shut = false;
    uint64_t deadline = now_ms() + 10000;
    while ((got_req < sizeof(req) || got_resp < sizeof(resp)) && now_ms() < deadline) {
        if (sent_req < sizeof(req)) {
            ssize_t k = send(cs, req + sent_req, IG_MIN(sizeof(req) - sent_req, 30000), 0);
            if (k > 0)
                sent_req += (size_t)k;
        } else if (!cs_shut) {
            shutdown(cs, SHUT_WR);
            cs_shut = true;
        }
        ssize_t k = recv(ss, sink, sizeof(sink), 0);
        if (k > 0)
            got_req += (size_t)k;
        if (got_req == sizeof(req) && sent_resp < sizeof(resp)) {
            k = send(ss, resp + sent_resp, IG_MIN(sizeof(resp) - sent_resp, 30000), 0);
            if (k > 0)
                sent_resp += (size_t)k;
        } else if (sent_resp == sizeof(resp) && !ss_shut) {
            shutdown(ss, SHUT_WR);
            ss_shut = true;
        }
        k = recv(cs, sink, sizeof(sink), 0);
        if (k > 0)
            got_resp += (size_t)k;
        drain_capture(cap, t, &last);
    }
    if (!ss_shut)
        shutdown(ss, SHUT_WR);
    assert_int_equal(got_req, sizeof(req));
    assert_int_equal(got_resp, sizeof(resp));
    /* wait for the FIN exchange to show up in the capture */
    while (r.closes == 0 && now_ms() < deadline) {
        struct pollfd pf = { ig_capture_fd(cap), POLLIN, 0 };
        poll(&pf, 1, 50);
        drain_capture(cap, t, &last);
    }
    close(cs);
    close(ss);
    close(ls);

    assert_int_equal(r.closes, 1);
    const struct ig_flow_stats *st = ig_flow_stats(t);
    assert_int_equal(st->flows_created, 1);
    assert_int_equal(st->flows_midstream, 0);
    assert_int_equal(st->gaps, 0);
    assert_int_equal(r.last_flow.server.port, port);
    assert_int_equal(r.len[IG_DIR_TO_SERVER], sizeof(req));
    assert_memory_equal(r.buf[IG_DIR_TO_SERVER], req, sizeof(req));
    assert_int_equal(r.len[IG_DIR_TO_CLIENT], sizeof(resp));
    assert_memory_equal(r.buf[IG_DIR_TO_CLIENT], resp, sizeof(resp));
    const struct ig_decode_stats *ds = ig_capture_stats(cap);
    assert_int_equal(ds->truncated_payload, 0);
    ig_flow_table_free(t);
    ig_capture_close(cap);
    tf_rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_bpf),
        cmocka_unit_test(test_loopback_exchange),
    };
    IG_RUN_TESTS(tests);
}
