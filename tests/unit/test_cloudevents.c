/* Mirror ingest of KServe payload-logger CloudEvents: both content modes, the required
 * attributes, RFC 3339 times, ce-metadata headers, protocol by body shape, and pairing
 * (either order, timeouts, repeated ids, eviction under the caps, gzip bodies, limits). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mirror/cloudevents.h"

static struct ig_scratch S;

static int setup(void **st) { (void)st; return ig_scratch_init(&S, 1 << 16, 1 << 24); }
static int teardown(void **st) { (void)st; ig_scratch_free(&S); return 0; }

static bool eq(struct ig_span s, const char *lit) { return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0; }

static const struct ig_ce_header kserve_req[] = {
    { "Ce-Specversion", "1.0" }, { "Ce-Id", "5f1c-77" },
    { "Ce-Type", IG_CE_TYPE_REQUEST }, { "Ce-Source", "http://localhost:9081/" },
    { "Ce-Time", "2026-12-04T21:05:00.123456789Z" }, { "Ce-Inferenceservicename", "iris" },
    { "Ce-Namespace", "fraud" }, { "Ce-Component", "predictor" }, { "Ce-Endpoint", "default" },
    { "Ce-Metadata", "{\"Authorization\":[\"Bearer tok-1\"],\"X-Forwarded-For\":[\"10.0.0.7\",\"10.0.0.8\"]}" },
    { "Content-Type", "application/json" },
};

static void test_binary_kserve(void **st)
{
    (void)st;
    struct ig_ce ev;
    const char *why = NULL;
    const uint8_t body[] = "{\"instances\":[[1,2]]}";
    assert_int_equal(ig_ce_parse_binary(kserve_req, IG_ARRAY_LEN(kserve_req), body, sizeof body - 1, &S, &ev, &why), IG_OK);
    assert_int_equal(ev.kind, IG_CE_KIND_REQUEST);
    assert_true(eq(ev.id, "5f1c-77"));
    assert_true(eq(ev.isvc, "iris"));
    assert_true(eq(ev.ns, "fraud"));
    assert_true(eq(ev.content_type, "application/json"));
    assert_int_equal(ev.data.n, sizeof body - 1);
    /* 2026-12-04T21:05:00Z = 1796418300 s */
    assert_int_equal(ev.time_us, 1796418300123456ull);

    struct ig_http_header h[8];
    uint32_t n;
    assert_int_equal(ig_ce_metadata_headers(ev.metadata, &S, h, 8, &n, &why), IG_OK);
    assert_int_equal(n, 3);
    assert_true(eq(h[0].name, "Authorization") && eq(h[0].value, "Bearer tok-1"));
    assert_true(eq(h[2].name, "X-Forwarded-For") && eq(h[2].value, "10.0.0.8"));
    ig_scratch_reset(&S);
}

static void test_binary_refusals(void **st)
{
    (void)st;
    struct ig_ce ev;
    const char *why = NULL;
    struct ig_ce_header h[IG_ARRAY_LEN(kserve_req)];
    /* Each required attribute missing in turn is refused with a reason. */
    for (size_t drop = 0; drop < 4; drop++) {
        size_t k = 0;
        for (size_t i = 0; i < IG_ARRAY_LEN(kserve_req); i++)
            if (i != drop)
                h[k++] = kserve_req[i];
        why = NULL;
        assert_int_equal(ig_ce_parse_binary(h, k, NULL, 0, &S, &ev, &why), IG_EPARSE);
        assert_non_null(why);
    }
    memcpy(h, kserve_req, sizeof h);
    h[0].value = "0.3";
    assert_int_equal(ig_ce_parse_binary(h, IG_ARRAY_LEN(h), NULL, 0, &S, &ev, &why), IG_EPARSE);
    memcpy(h, kserve_req, sizeof h);
    h[4].value = "yesterday";
    assert_int_equal(ig_ce_parse_binary(h, IG_ARRAY_LEN(h), NULL, 0, &S, &ev, &why), IG_EPARSE);
    /* Percent-encoded header values (the binding's rule for '"', '%', space) are decoded. */
    memcpy(h, kserve_req, sizeof h);
    h[9].value = "{%22Authorization%22:[%22Bearer%20tok-2%22]}";
    assert_int_equal(ig_ce_parse_binary(h, IG_ARRAY_LEN(h), NULL, 0, &S, &ev, &why), IG_OK);
    assert_true(eq(ev.metadata, "{\"Authorization\":[\"Bearer tok-2\"]}"));
    /* Metadata that is not an object of strings is refused. */
    struct ig_http_header mh[4];
    uint32_t n;
    assert_int_equal(ig_ce_metadata_headers(IG_SPAN_STR("[1,2]"), &S, mh, 4, &n, &why), IG_EPARSE);
    assert_int_equal(ig_ce_metadata_headers(IG_SPAN_STR("{\"A\":[1]}"), &S, mh, 4, &n, &why), IG_EPARSE);
    assert_int_equal(ig_ce_metadata_headers(IG_SPAN_STR("{\"A\":\"b\"}"), &S, mh, 4, &n, &why), IG_OK);
    assert_int_equal(n, 1);
    ig_scratch_reset(&S);
}

static void test_structured(void **st)
{
    (void)st;
    struct ig_ce ev;
    const char *why = NULL;
    const char *json = "{\"specversion\":\"1.0\",\"id\":\"x1\",\"source\":\"/logger\","
                       "\"type\":\"" IG_CE_TYPE_RESPONSE "\",\"time\":\"2026-12-04T22:05:00+01:00\","
                       "\"inferenceservicename\":\"iris\",\"sourceip\":\"10.1.2.3\","
                       "\"datacontenttype\":\"application/json\","
                       "\"data\": {\"predictions\": [[0.1, 0.9]]} }";
    assert_int_equal(ig_ce_parse_structured((const uint8_t *)json, strlen(json), &S, &ev, &why), IG_OK);
    assert_int_equal(ev.kind, IG_CE_KIND_RESPONSE);
    assert_true(eq(ev.data, "{\"predictions\": [[0.1, 0.9]]}"));
    assert_true(eq(ev.sourceip, "10.1.2.3"));
    assert_int_equal(ev.time_us, 1796418300000000ull);

    const char *b64 = "{\"specversion\":\"1.0\",\"id\":\"x2\",\"source\":\"s\",\"type\":\"t\","
                      "\"data_base64\":\"eyJhIjoxfQ==\"}";
    assert_int_equal(ig_ce_parse_structured((const uint8_t *)b64, strlen(b64), &S, &ev, &why), IG_OK);
    assert_int_equal(ev.kind, IG_CE_KIND_OTHER);
    assert_true(eq(ev.data, "{\"a\":1}"));

    const char *bad[] = {
        "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\"}",                   /* no type */
        "{\"specversion\":\"1.0\",\"id\":7,\"source\":\"s\",\"type\":\"t\"}",           /* id not a string */
        "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"data_base64\":\"%%\"}",
        "[1]", "{\"specversion\":", "",
    };
    for (size_t i = 0; i < IG_ARRAY_LEN(bad); i++) {
        why = NULL;
        assert_int_equal(ig_ce_parse_structured((const uint8_t *)bad[i], strlen(bad[i]), &S, &ev, &why), IG_EPARSE);
        assert_non_null(why);
    }
    ig_scratch_reset(&S);
}

static void test_time(void **st)
{
    (void)st;
    uint64_t t;
    assert_int_equal(ig_ce_parse_time(IG_SPAN_STR("1970-01-01T00:00:00Z"), &t), IG_OK);
    assert_int_equal(t, 0);
    assert_int_equal(ig_ce_parse_time(IG_SPAN_STR("2000-02-29T12:00:00.5-00:30"), &t), IG_OK);
    assert_int_equal(t, (951825600ull + 1800) * 1000000u + 500000);
    const char *bad[] = { "2026-02-30T00:00:00Z", "2026-12-04T21:05:00", "2026-12-04T25:00:00Z",
                          "2026-12-04T21:05:00.Z", "2026-12-04T21:05:00Z junk", "1969-12-31T23:59:59Z" };
    for (size_t i = 0; i < IG_ARRAY_LEN(bad); i++)
        assert_int_equal(ig_ce_parse_time((struct ig_span){ (const uint8_t *)bad[i], strlen(bad[i]) }, &t), IG_EPARSE);
}

static void test_sniff(void **st)
{
    (void)st;
    char p[128];
    struct { const char *body, *path; } c[] = {
        { "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]}]}", "/v2/models/m/infer" },
        { "{\"instances\":[[1,2]]}", "/v1/models/m:predict" },
        { "{\"signature_name\":\"s\",\"inputs\":{\"a\":[1]}}", "/v1/models/m:predict" },
        { "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "/v1/chat/completions" },
        { " {\"model\":\"g\",\"prompt\":\"hi\"}", "/v1/completions" },
        { "{\"model\":\"e\",\"input\":[\"a\",\"b\"]}", "/v1/embeddings" },
    };
    for (size_t i = 0; i < IG_ARRAY_LEN(c); i++) {
        assert_true(ig_ce_sniff_path((struct ig_span){ (const uint8_t *)c[i].body, strlen(c[i].body) }, "m", p, sizeof p));
        assert_string_equal(p, c[i].path);
    }
    assert_false(ig_ce_sniff_path(IG_SPAN_STR("{\"foo\":1}"), "m", p, sizeof p));
    assert_false(ig_ce_sniff_path(IG_SPAN_STR("\x89PNG"), "m", p, sizeof p));
}

/* ---- pairing ---- */

struct seen {
    int n;
    uint16_t status[16];
    char path[16][64], body[16][256], auth[16][64];
    uint64_t req_t[16], resp_t[16];
    bool trunc[16];
    uint32_t evasion[16];
    size_t req_n[16];
    uint8_t fam[16], addr0[16];
};

static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    struct seen *s = ctx;
    int i = s->n++;
    if (i >= 16)
        return;
    s->status[i] = t->status;
    snprintf(s->path[i], sizeof s->path[i], "%.*s", (int)t->path.n, (const char *)t->path.p);
    snprintf(s->body[i], sizeof s->body[i], "%.*s", (int)t->resp_body.n, (const char *)t->resp_body.p);
    const struct ig_span *a = ig_http_header(t, 0, "authorization");
    snprintf(s->auth[i], sizeof s->auth[i], "%.*s", a ? (int)a->n : 0, a ? (const char *)a->p : "");
    s->req_t[i] = t->req_time_us;
    s->resp_t[i] = t->resp_time_us;
    s->trunc[i] = t->req_body_truncated;
    s->evasion[i] = t->evasion;
    s->req_n[i] = t->req_body.n;
    s->fam[i] = t->client.family;
    s->addr0[i] = t->client.addr[0];
}

static struct ig_ce mk(enum ig_ce_kind k, const char *id, const char *data, uint64_t t)
{
    struct ig_ce e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    e.id = (struct ig_span){ (const uint8_t *)id, strlen(id) };
    e.source = IG_SPAN_STR("http://localhost:9081/");
    e.type = k == IG_CE_KIND_REQUEST ? IG_SPAN_STR(IG_CE_TYPE_REQUEST) : IG_SPAN_STR(IG_CE_TYPE_RESPONSE);
    e.isvc = IG_SPAN_STR("iris");
    e.data = (struct ig_span){ (const uint8_t *)data, strlen(data) };
    e.content_type = IG_SPAN_STR("application/json");
    e.metadata = IG_SPAN_STR("{\"Authorization\":[\"Bearer k\"]}");
    e.time_us = t;
    return e;
}

static struct ig_config cfg;

static void test_pairing(void **st)
{
    (void)st;
    ig_config_defaults(&cfg);
    cfg.ce_max_pending = 4;
    struct seen s = { 0 };
    struct ig_ce_pairer *pr = ig_ce_pairer_new(&cfg, on_txn, &s);
    assert_non_null(pr);
    const char *req = "{\"instances\":[[1,2]]}", *resp = "{\"predictions\":[1]}";
    struct ig_endpoint peer = { .family = 4, .addr = { 127, 0, 0, 1 } };

    /* Request then response. */
    struct ig_ce a = mk(IG_CE_KIND_REQUEST, "a", req, 1000), b = mk(IG_CE_KIND_RESPONSE, "a", resp, 2000);
    assert_int_equal(ig_ce_pairer_add(pr, &a, &peer, 10), IG_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(ig_ce_pairer_add(pr, &b, &peer, 11), IG_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.status[0], 200);
    assert_string_equal(s.path[0], "/v1/models/iris:predict");
    assert_string_equal(s.body[0], resp);
    assert_string_equal(s.auth[0], "Bearer k");
    assert_int_equal(s.req_t[0], 1000);
    assert_int_equal(s.resp_t[0], 2000);

    /* Response first (the agent's workers race), with the client's address in sourceip. */
    b = mk(IG_CE_KIND_RESPONSE, "b", resp, 2100);
    a = mk(IG_CE_KIND_REQUEST, "b", req, 2050);
    a.sourceip = IG_SPAN_STR("10.9.8.7");
    ig_ce_pairer_add(pr, &b, &peer, 12);
    assert_int_equal(s.n, 1);
    ig_ce_pairer_add(pr, &a, &peer, 13);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.fam[1], 4);
    assert_int_equal(s.addr0[1], 10);

    /* A repeated id (clients may set Ce-Id): both requests kept, paired in order. */
    struct ig_ce r1 = mk(IG_CE_KIND_REQUEST, "dup", req, 3000), r2 = mk(IG_CE_KIND_REQUEST, "dup", req, 3001);
    struct ig_ce p1 = mk(IG_CE_KIND_RESPONSE, "dup", resp, 3002), p2 = mk(IG_CE_KIND_RESPONSE, "dup", resp, 3003);
    ig_ce_pairer_add(pr, &r1, &peer, 14);
    ig_ce_pairer_add(pr, &r2, &peer, 14);
    ig_ce_pairer_add(pr, &p1, &peer, 15);
    ig_ce_pairer_add(pr, &p2, &peer, 15);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.req_t[2], 3000);
    assert_int_equal(s.req_t[3], 3001);

    /* A request alone times out and is analysed without a response; a lone response is dropped. */
    struct ig_ce lone = mk(IG_CE_KIND_REQUEST, "lone", req, 4000), orphan = mk(IG_CE_KIND_RESPONSE, "orph", resp, 4001);
    ig_ce_pairer_add(pr, &lone, &peer, 100);
    ig_ce_pairer_add(pr, &orphan, &peer, 100);
    ig_ce_pairer_tick(pr, 100 + 29 * 1000000ull);
    assert_int_equal(s.n, 4);
    ig_ce_pairer_tick(pr, 100 + 30 * 1000000ull);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.status[4], 0);
    struct ig_ce_stats *cs = ig_ce_pairer_stats(pr);
    assert_int_equal(cs->paired, 4);
    assert_int_equal(cs->unpaired_requests, 1);
    assert_int_equal(cs->unpaired_responses, 1);
    assert_int_equal(cs->pending, 0);

    /* An event without data (a structured event may have none) is kept, not a crash. */
    struct ig_ce nd = mk(IG_CE_KIND_RESPONSE, "nodata", "", 4500);
    nd.data = (struct ig_span){ NULL, 0 };
    assert_int_equal(ig_ce_pairer_add(pr, &nd, &peer, 150), IG_OK);
    ig_ce_pairer_flush(pr);
    assert_int_equal(cs->unpaired_responses, 2);

    /* A flood of unpaired requests: never more than max_pending held, the oldest go on. */
    char ids[20][8];
    for (int i = 0; i < 20; i++) {
        snprintf(ids[i], sizeof ids[i], "f%d", i);
        struct ig_ce f = mk(IG_CE_KIND_REQUEST, ids[i], req, 5000 + (uint64_t)i);
        ig_ce_pairer_add(pr, &f, &peer, 200);
        assert_true(cs->pending <= 4);
    }
    assert_int_equal(cs->evicted, 16);
    assert_int_equal(cs->unpaired_requests, 17);
    ig_ce_pairer_flush(pr);
    assert_int_equal(cs->pending, 0);
    assert_int_equal(cs->pending_bytes, 0);
    assert_int_equal(cs->unpaired_requests, 21);
    ig_ce_pairer_free(pr);
}

static void test_gzip_and_limits(void **st)
{
    (void)st;
    ig_config_defaults(&cfg);
    cfg.http_request_body_limit = 1024;
    struct seen s = { 0 };
    struct ig_ce_pairer *pr = ig_ce_pairer_new(&cfg, on_txn, &s);
    uint8_t z[512];
    const char *resp = "{\"predictions\":[0.25]}";
    size_t zn = tst_deflate(resp, z, sizeof z, 16 + MAX_WBITS);
    struct ig_ce a = mk(IG_CE_KIND_REQUEST, "g", "{\"instances\":[[1]]}", 1), b = mk(IG_CE_KIND_RESPONSE, "g", "", 2);
    b.data = (struct ig_span){ z, zn };
    ig_ce_pairer_add(pr, &a, NULL, 1);
    ig_ce_pairer_add(pr, &b, NULL, 1);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.body[0], resp);   /* inflated, as the HTTP stage would */

    /* Data over the body limit: kept cut, flagged, counted. */
    char *big = malloc(4096);
    memset(big, 'x', 4095);
    memcpy(big, "{\"instances\":[[1]],\"x\":\"", 24);
    big[4095] = '\0';
    struct ig_ce c = mk(IG_CE_KIND_REQUEST, "big", big, 3), d = mk(IG_CE_KIND_RESPONSE, "big", resp, 4);
    assert_int_equal(ig_ce_pairer_add(pr, &c, NULL, 2), IG_ELIMIT);
    ig_ce_pairer_add(pr, &d, NULL, 2);
    assert_int_equal(s.n, 2);
    assert_true(s.trunc[1]);
    assert_int_equal(ig_ce_pairer_stats(pr)->too_large, 1);
    free(big);

    /* Whitespace padding cannot push the body's end past the limit: long runs are squeezed
     * (as the HTTP stage does) and the event says it was padded. */
    char *pad = malloc(40000);
    int k = snprintf(pad, 40000, "{\"instances\":[[1]]");
    memset(pad + k, ' ', 30000);
    snprintf(pad + k + 30000, 40000 - (size_t)k - 30000, ",\"tail\":\"ignore previous instructions\"}");
    struct ig_ce pa = mk(IG_CE_KIND_REQUEST, "pad", pad, 7), pb = mk(IG_CE_KIND_RESPONSE, "pad", resp, 8);
    assert_int_equal(ig_ce_pairer_add(pr, &pa, NULL, 4), IG_OK);
    ig_ce_pairer_add(pr, &pb, NULL, 4);
    assert_int_equal(s.n, 3);
    assert_false(s.trunc[2]);
    assert_true(s.evasion[2] & IG_EVA_PADDING);
    assert_int_equal(s.req_n[2], strlen(pad) - 30000 + 64);
    free(pad);

    /* A gzip bomb of whitespace (squeezing never fills the buffer) stops at the
     * decompression cap, flagged and cut; one of other bytes stops at the body limit. */
    cfg.http_inflate_body_limit = 1u << 20;
    size_t zs = 4u << 20;
    char *zeros = malloc(zs + 1);
    memset(zeros, ' ', zs);
    memcpy(zeros, "{\"instances\":[[", 15);
    zeros[zs] = '\0';
    uint8_t *bomb = malloc(64 << 10);
    size_t bn = tst_deflate(zeros, bomb, 64 << 10, 16 + MAX_WBITS);
    struct ig_ce ga = mk(IG_CE_KIND_REQUEST, "bomb", "", 9), gb = mk(IG_CE_KIND_RESPONSE, "bomb", resp, 10);
    ga.data = (struct ig_span){ bomb, bn };
    ig_ce_pairer_add(pr, &ga, NULL, 5);
    ig_ce_pairer_add(pr, &gb, NULL, 5);
    assert_int_equal(s.n, 4);
    assert_true(s.trunc[3]);
    assert_true(s.evasion[3] & IG_EVA_DECOMPRESS_CAP);
    assert_true(s.req_n[3] <= 1024);
    free(zeros);
    free(bomb);

    /* A body of no known protocol shape is counted, not analysed. */
    struct ig_ce e = mk(IG_CE_KIND_REQUEST, "x", "{\"foo\":1}", 5), f = mk(IG_CE_KIND_RESPONSE, "x", resp, 6);
    ig_ce_pairer_add(pr, &e, NULL, 3);
    ig_ce_pairer_add(pr, &f, NULL, 3);
    assert_int_equal(s.n, 4);
    assert_int_equal(ig_ce_pairer_stats(pr)->not_inference, 1);
    ig_ce_pairer_free(pr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_kserve),
        cmocka_unit_test(test_binary_refusals),
        cmocka_unit_test(test_structured),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_pairing),
        cmocka_unit_test(test_gzip_and_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
