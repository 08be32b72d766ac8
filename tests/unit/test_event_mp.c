/* The fleet's msgpack event record: what a pod publishes is what the aggregator's detectors
 * get back (who, what, when, tensors, labels, flags), text only when configured, half
 * floats within their precision, and malformed records refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "fleet/event_mp.h"

static const float X[6] = { 0.5f, -1.25f, 3.0e-3f, 1000.0f, -0.0f, 65504.0f };
static const float Y[4] = { 0.1f, 0.9f, 0.75f, 0.25f };
static const int32_t L[2] = { 1, -1 };

static void fill(struct ig_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->req_time_us = 1700000000123456ull;
    ev->resp_time_us = ev->req_time_us + 2500;
    ev->latency_us = 2500;
    ev->src.family = 4;
    memcpy(ev->src.addr, "\x7f\x00\x00\x15", 4);
    ev->src.port = 40000;
    ev->dst.family = 6;
    ev->dst.addr[15] = 1;
    ev->dst.port = 8080;
    ev->id_kind = IG_ID_API_KEY;
    strcpy(ev->client_id, "apikey:3f2a");
    ev->id_basis = IG_BASIS_CREDENTIAL;
    ev->id_flags = IG_IDF_CLAIMED;
    strcpy(ev->claimed_id, "jwt:mallory");
    ev->group_kind = IG_ID_SOURCE_IP;
    strcpy(ev->group_id, "127.0.0.21");
    ev->protocol = IG_PROTO_OIP_V2;
    strcpy(ev->model, "wine");
    strcpy(ev->model_version, "3");
    strcpy(ev->method, "POST");
    strcpy(ev->route, "/v2/models/wine/infer");
    ev->status = 200;
    ev->flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS | IG_EV_TEXT;
    ev->evasion = IG_EVA_DUPLICATE_KEYS;
    strcpy(ev->evasion_note, "dup");
    ev->rows = 2;
    ev->features = 3;
    ev->outputs = 2;
    ev->inputs = X;
    ev->scores = Y;
    ev->labels = L;
    ev->prompt = (struct ig_span){ (const uint8_t *)"ignore previous", 15 };
    ev->prompt_tokens = 7;
    ev->req_bytes = 123;
    ev->resp_bytes = 456;
}

static void test_roundtrip(void **state)
{
    (void)state;
    struct ig_event ev;
    fill(&ev);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    struct ig_evmp_opts o = { .text = true };
    assert_int_equal(ig_evmp_encode(&ev, &o, &sb), IG_OK);
    struct ig_evmp_decoded d = { 0 };
    const char *why = NULL;
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    const struct ig_event *g = &d.ev;
    assert_int_equal(g->req_time_us, ev.req_time_us);
    assert_int_equal(g->resp_time_us, ev.resp_time_us);
    assert_int_equal(g->latency_us, 2500);
    assert_memory_equal(&g->src, &ev.src, sizeof ev.src);
    assert_memory_equal(&g->dst, &ev.dst, sizeof ev.dst);
    assert_int_equal(g->id_kind, IG_ID_API_KEY);
    assert_string_equal(g->client_id, "apikey:3f2a");
    assert_int_equal(g->id_basis, IG_BASIS_CREDENTIAL);
    assert_int_equal(g->id_flags, IG_IDF_CLAIMED);
    assert_string_equal(g->claimed_id, "jwt:mallory");
    assert_string_equal(g->group_id, "127.0.0.21");
    assert_int_equal(g->protocol, IG_PROTO_OIP_V2);
    assert_string_equal(g->model, "wine");
    assert_string_equal(g->model_version, "3");
    assert_string_equal(g->route, "/v2/models/wine/infer");
    assert_int_equal(g->status, 200);
    assert_int_equal(g->flags, ev.flags);
    assert_int_equal(g->evasion, IG_EVA_DUPLICATE_KEYS);
    assert_int_equal(g->rows, 2);
    assert_int_equal(g->features, 3);
    assert_int_equal(g->outputs, 2);
    assert_memory_equal(g->inputs, X, sizeof X);
    assert_memory_equal(g->scores, Y, sizeof Y);
    assert_memory_equal(g->labels, L, sizeof L);
    assert_int_equal(g->prompt.n, 15);
    assert_memory_equal(g->prompt.p, "ignore previous", 15);
    assert_int_equal(g->prompt_tokens, 7);
    assert_int_equal(g->req_bytes, 123);
    assert_int_equal(g->resp_bytes, 456);
    /* the same struct decodes the next record (buffers reused) */
    ev.rows = 1;
    assert_int_equal(ig_evmp_encode(&ev, &o, &sb), IG_OK);
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    assert_int_equal(d.ev.rows, 1);
    assert_memory_equal(d.ev.inputs, X, 3 * sizeof(float));
    ig_evmp_decoded_free(&d);
    msgpack_sbuffer_destroy(&sb);
}

static void test_no_text_unless_configured(void **state)
{
    (void)state;
    struct ig_event ev;
    fill(&ev);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    struct ig_evmp_opts o = { 0 };
    assert_int_equal(ig_evmp_encode(&ev, &o, &sb), IG_OK);
    assert_null(memmem(sb.data, sb.size, "ignore previous", 15));
    struct ig_evmp_decoded d = { 0 };
    const char *why;
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    assert_int_equal(d.ev.prompt.n, 0);
    assert_false(d.ev.flags & IG_EV_TEXT);
    assert_true(d.ev.flags & IG_EV_TENSOR);
    ig_evmp_decoded_free(&d);
    msgpack_sbuffer_destroy(&sb);
}

static void test_f16(void **state)
{
    (void)state;
    struct ig_event ev;
    fill(&ev);
    msgpack_sbuffer sb, sb32;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_init(&sb32);
    struct ig_evmp_opts o = { .f16 = true }, o32 = { 0 };
    assert_int_equal(ig_evmp_encode(&ev, &o, &sb), IG_OK);
    assert_int_equal(ig_evmp_encode(&ev, &o32, &sb32), IG_OK);
    assert_true(sb.size < sb32.size);   /* 10 floats: 20 bytes fewer, less the "q" field */
    struct ig_evmp_decoded d = { 0 };
    const char *why;
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    for (int i = 0; i < 6; i++)
        assert_true(fabsf(d.ev.inputs[i] - X[i]) <= fabsf(X[i]) * (1.0f / 1024) + 1e-7f);
    for (int i = 0; i < 4; i++)
        assert_true(fabsf(d.ev.scores[i] - Y[i]) <= 1.0f / 2048);
    ig_evmp_decoded_free(&d);
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_destroy(&sb32);
    /* exact and special values */
    const float exact[] = { 0.0f, 1.0f, -2.0f, 0.5f, 65504.0f, 6.103515625e-05f, 5.960464477539063e-08f };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        assert_true(ig_f16_to_f32(ig_f32_to_f16(exact[i])) == exact[i]);
    assert_true(isinf(ig_f16_to_f32(ig_f32_to_f16(1e6f))));
    assert_true(isnan(ig_f16_to_f32(ig_f32_to_f16(NAN))));
    assert_true(ig_f16_to_f32(ig_f32_to_f16(1e-9f)) == 0.0f);
    assert_int_equal(ig_f32_to_f16(1.0f + 1.0f / 2048), 0x3c00);   /* tie to even */
    assert_int_equal(ig_f32_to_f16(1.0f + 3.0f / 2048), 0x3c02);
}

static void test_malformed(void **state)
{
    (void)state;
    struct ig_event ev;
    fill(&ev);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    struct ig_evmp_opts o = { 0 };
    assert_int_equal(ig_evmp_encode(&ev, &o, &sb), IG_OK);
    struct ig_evmp_decoded d = { 0 };
    const char *why = NULL;
    /* cut short */
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size / 2, &why), IG_EPARSE);
    assert_non_null(why);
    /* rows that do not match the tensor bytes */
    ev.rows = 2;
    ev.features = 4;   /* x carries 8 floats, X only has 6: use a bigger buffer */
    float big[8] = { 0 };
    ev.inputs = big;
    assert_int_equal(ig_evmp_encode(&ev, &o, &sb), IG_OK);
    char *p = memmem(sb.data, sb.size, "\xa2" "fe\x04", 4);   /* "fe": 4 -> 3 */
    assert_non_null(p);
    p[3] = 3;
    why = NULL;
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_EPARSE);
    assert_non_null(strstr(why, "inputs"));
    /* not a map, unknown version */
    assert_int_equal(ig_evmp_decode(&d, "\x93\x01\x02\x03", 4, &why), IG_EPARSE);
    assert_int_equal(ig_evmp_decode(&d, "\x81\xa1v\x07", 4, &why), IG_EPARSE);
    assert_non_null(strstr(why, "version"));
    /* the smallest valid record: a version and nothing else */
    assert_int_equal(ig_evmp_decode(&d, "\x81\xa1v\x01", 4, &why), IG_OK);
    assert_null(d.ev.inputs);
    ig_evmp_decoded_free(&d);
    msgpack_sbuffer_destroy(&sb);
}

/* The pod's watermark: an event record carries it (`wm`), a watermark record is nothing
 * but it (and whether the pod stopped); an aggregator older than watermark records finds
 * no version in one and skips it as undecodable, never as an empty event. */
static void test_watermark_records(void **state)
{
    (void)state;
    struct ig_event ev;
    fill(&ev);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    struct ig_evmp_decoded d = { 0 };
    const char *why = NULL;
    struct ig_evmp_opts o = { .wm = 1700000000123456ull };
    assert_int_equal(ig_evmp_encode(&ev, &o, &sb), IG_OK);
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    assert_false(d.heartbeat);
    assert_int_equal(d.wm, 1700000000123456ull);
    assert_int_equal(d.ev.req_time_us, ev.req_time_us);
    struct ig_evmp_opts none = { 0 };
    assert_int_equal(ig_evmp_encode(&ev, &none, &sb), IG_OK);
    assert_null(memmem(sb.data, sb.size, "\xa2" "wm", 3));   /* no watermark, no key */
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    assert_int_equal(d.wm, 0);

    assert_int_equal(ig_evmp_encode_heartbeat(1700000000999999ull, false, &sb), IG_OK);
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    assert_true(d.heartbeat);
    assert_false(d.bye);
    assert_int_equal(d.wm, 1700000000999999ull);
    assert_int_equal(d.ev.req_time_us, 0);
    assert_int_equal(d.ev.client_id[0], 0);
    assert_int_equal(ig_evmp_encode_heartbeat(1700000001000000ull, true, &sb), IG_OK);
    assert_int_equal(ig_evmp_decode(&d, sb.data, sb.size, &why), IG_OK);
    assert_true(d.heartbeat);
    assert_true(d.bye);
    /* what an older decoder checks first: no version */
    assert_null(memmem(sb.data, sb.size, "\xa1v", 2));
    /* a watermark record without its watermark, and a bye on an event, say nothing */
    assert_int_equal(ig_evmp_decode(&d, "\x81\xa2hb\xc3", 5, &why), IG_EPARSE);
    assert_non_null(strstr(why, "wm"));
    assert_int_equal(ig_evmp_decode(&d, "\x82\xa1v\x01\xa3" "bye\xc3", 9, &why), IG_OK);
    assert_false(d.bye);
    assert_false(d.heartbeat);
    ig_evmp_decoded_free(&d);
    msgpack_sbuffer_destroy(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_no_text_unless_configured),
        cmocka_unit_test(test_f16),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_watermark_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
