/* OIP v2 gRPC adapter: ModelInferRequest / ModelInferResponse / ModelStreamInferResponse
 * packed with protobuf-c from the same .proto, decoded value by value: every datatype in
 * typed contents and in raw contents, several inputs, classification strings, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/adapter.h>

#include "inference.pb-c.h"

static const struct ig_decode_ctx probe_ctx;   /* no configured routes */

extern const struct ig_adapter ig_ad_oip_grpc;

static struct ig_config cfg;
static struct ig_scratch S;
static struct ig_event ev;
static struct ig_http_header hreq[1];
static struct ig_http_txn T;
static uint8_t reqbuf[1 << 16], respbuf[1 << 16];

static int setup(void **st)
{
    (void)st;
    ig_config_defaults(&cfg);
    return ig_scratch_init(&S, 1 << 16, 1 << 26);
}
static int teardown(void **st)
{
    (void)st;
    ig_scratch_free(&S);
    return 0;
}

static struct ig_span sp(const char *s) { return (struct ig_span){ (const uint8_t *)s, strlen(s) }; }

static void txn(const char *path, size_t req_n, size_t resp_n, uint16_t status)
{
    memset(&T, 0, sizeof T);
    memset(&ev, 0, sizeof ev);
    ig_scratch_reset(&S);
    hreq[0] = (struct ig_http_header){ sp("content-type"), sp("application/grpc") };
    T.method = sp("POST");
    T.path = T.uri = sp(path);
    T.req_headers = hreq;
    T.n_req_headers = 1;
    T.req_body = (struct ig_span){ reqbuf, req_n };
    T.resp_body = (struct ig_span){ resp_n ? respbuf : NULL, resp_n };
    T.status = status;
    ev.status = status;
    ev.protocol = ig_ad_oip_grpc.protocol;
}

static int decode(const char **why)
{
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &S };
    *why = NULL;
    return ig_ad_oip_grpc.decode(&ctx, &T, &ev, why);
}

#define INFER "/inference.GRPCInferenceService/ModelInfer"
#define STREAM "/inference.GRPCInferenceService/ModelStreamInfer"

static void probe(void **st)
{
    (void)st;
    txn(INFER, 0, 0, 200);
    assert_int_equal(ig_adapter_select(&probe_ctx, &T), &ig_ad_oip_grpc);
    T.path = sp(STREAM);
    assert_int_equal(ig_adapter_select(&probe_ctx, &T), &ig_ad_oip_grpc);
    T.path = sp("/inference.GRPCInferenceService/ModelMetadata");
    assert_null(ig_adapter_select(&probe_ctx, &T));
    T.path = sp(INFER);
    hreq[0].value = sp("application/json");
    assert_true(ig_ad_oip_grpc.probe(&probe_ctx, &T) == 0);
}

/* One input tensor of <dt> with 2 x 3 values 1..6 (or their negatives), typed. */
static size_t typed_request(const char *dt, bool negative)
{
    Inference__ModelInferRequest rq = INFERENCE__MODEL_INFER_REQUEST__INIT;
    Inference__ModelInferRequest__InferInputTensor in = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT;
    Inference__ModelInferRequest__InferInputTensor *ins[1] = { &in };
    Inference__InferTensorContents c = INFERENCE__INFER_TENSOR_CONTENTS__INIT;
    int64_t shape[2] = { 2, 3 };
    protobuf_c_boolean b[6] = { 1, 0, 1, 1, 0, 1 };
    int32_t i32[6];
    int64_t i64[6];
    uint32_t u32[6];
    uint64_t u64[6];
    float f32[6];
    double f64[6];
    for (int i = 0; i < 6; i++) {
        int v = negative ? -(i + 1) : i + 1;
        i32[i] = v, i64[i] = v, u32[i] = (uint32_t)(i + 1), u64[i] = (uint64_t)(i + 1);
        f32[i] = (float)v + 0.5f, f64[i] = v + 0.25;
    }
    if (!strcmp(dt, "BOOL")) c.n_bool_contents = 6, c.bool_contents = b;
    else if (!strncmp(dt, "INT", 3) && strcmp(dt, "INT64")) c.n_int_contents = 6, c.int_contents = i32;
    else if (!strcmp(dt, "INT64")) c.n_int64_contents = 6, c.int64_contents = i64;
    else if (!strncmp(dt, "UINT", 4) && strcmp(dt, "UINT64")) c.n_uint_contents = 6, c.uint_contents = u32;
    else if (!strcmp(dt, "UINT64")) c.n_uint64_contents = 6, c.uint64_contents = u64;
    else if (!strcmp(dt, "FP32")) c.n_fp32_contents = 6, c.fp32_contents = f32;
    else if (!strcmp(dt, "FP64")) c.n_fp64_contents = 6, c.fp64_contents = f64;
    rq.model_name = "clf";
    rq.model_version = "7";
    in.name = "x";
    in.datatype = (char *)dt;
    in.n_shape = 2;
    in.shape = shape;
    in.contents = &c;
    rq.n_inputs = 1;
    rq.inputs = ins;
    return inference__model_infer_request__pack(&rq, reqbuf);
}

static void every_typed_datatype(void **st)
{
    (void)st;
    static const char *const dts[] = { "BOOL", "INT8", "INT16", "INT32", "INT64", "UINT8",
                                       "UINT16", "UINT32", "UINT64", "FP32", "FP64" };
    for (size_t k = 0; k < sizeof dts / sizeof *dts; k++) {
        bool neg = dts[k][0] == 'I';
        txn(INFER, typed_request(dts[k], neg), 0, 200);
        const char *why;
        assert_int_equal(decode(&why), IG_OK);
        assert_false(ev.flags & IG_EV_MALFORMED);
        assert_string_equal(ev.model, "clf");
        assert_string_equal(ev.model_version, "7");
        assert_int_equal(ev.rows, 2);
        assert_int_equal(ev.features, 3);
        for (int i = 0; i < 6; i++) {
            float want = !strcmp(dts[k], "BOOL") ? (float)((int[]){ 1, 0, 1, 1, 0, 1 })[i]
                       : !strcmp(dts[k], "FP32") ? (float)(i + 1) + 0.5f
                       : !strcmp(dts[k], "FP64") ? (float)(i + 1.25)
                       : neg ? (float)-(i + 1) : (float)(i + 1);
            assert_true(ev.inputs[i] == want);
        }
    }
}

/* Raw contents, little-endian, every width (FP16 and BF16 only travel raw); two inputs with
 * the same rows are concatenated per row. */
static void raw_contents_and_concat(void **st)
{
    (void)st;
    static const struct { const char *dt; uint8_t raw[16]; size_t n; float want[2]; } cases[] = {
        { "FP16", { 0x00, 0x3c, 0x00, 0xc0 }, 4, { 1.0f, -2.0f } },
        { "BF16", { 0x80, 0x3f, 0x40, 0x40 }, 4, { 1.0f, 3.0f } },
        { "INT8", { 0xff, 0x05 }, 2, { -1.0f, 5.0f } },
        { "UINT16", { 0x01, 0x01, 0xff, 0xff }, 4, { 257.0f, 65535.0f } },
        { "INT32", { 0xfe, 0xff, 0xff, 0xff, 7, 0, 0, 0 }, 8, { -2.0f, 7.0f } },
        { "FP32", { 0, 0, 0x20, 0x40, 0, 0, 0x80, 0xbf }, 8, { 2.5f, -1.0f } },
        { "FP64", { 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0x24, 0x40 }, 16, { 1.5f, 10.0f } },
        { "UINT64", { 9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 }, 16, { 9.0f, 4294967297.0f } },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        Inference__ModelInferRequest rq = INFERENCE__MODEL_INFER_REQUEST__INIT;
        Inference__ModelInferRequest__InferInputTensor a = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT,
                                                       b = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT,
                                                       s = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT;
        Inference__ModelInferRequest__InferInputTensor *ins[3] = { &a, &s, &b };
        int64_t shape[2] = { 2, 1 }, sshape[1] = { 2 };
        float fb[2] = { 100.0f, 200.0f };
        ProtobufCBinaryData raw[3] = { { cases[k].n, (uint8_t *)cases[k].raw },
                                       { 10, (uint8_t *)"\1\0\0\0a\1\0\0\0b" },
                                       { 8, (uint8_t *)fb } };
        a.name = "a", a.datatype = (char *)cases[k].dt, a.n_shape = 2, a.shape = shape;
        s.name = "s", s.datatype = "BYTES", s.n_shape = 1, s.shape = sshape;
        b.name = "b", b.datatype = "FP32", b.n_shape = 2, b.shape = shape;
        rq.model_name = "m";
        rq.n_inputs = 3, rq.inputs = ins;
        rq.n_raw_input_contents = 3, rq.raw_input_contents = raw;
        txn(INFER, inference__model_infer_request__pack(&rq, reqbuf), 0, 200);
        const char *why;
        assert_int_equal(decode(&why), IG_OK);
        assert_false(ev.flags & IG_EV_MALFORMED);
        assert_int_equal(ev.rows, 2);
        assert_int_equal(ev.features, 2);   /* BYTES input is not a feature */
        assert_true(ev.inputs[0] == cases[k].want[0]);
        assert_true(ev.inputs[1] == 100.0f);
        assert_true(ev.inputs[2] == cases[k].want[1]);
        assert_true(ev.inputs[3] == 200.0f);
    }
}

static size_t response(const char *dt, const float *p, size_t rows, size_t cols, bool raw)
{
    Inference__ModelInferResponse rs = INFERENCE__MODEL_INFER_RESPONSE__INIT;
    Inference__ModelInferResponse__InferOutputTensor o = INFERENCE__MODEL_INFER_RESPONSE__INFER_OUTPUT_TENSOR__INIT;
    Inference__ModelInferResponse__InferOutputTensor *outs[1] = { &o };
    Inference__InferTensorContents c = INFERENCE__INFER_TENSOR_CONTENTS__INIT;
    int64_t shape[2] = { (int64_t)rows, (int64_t)cols };
    ProtobufCBinaryData r = { rows * cols * 4, (uint8_t *)p };
    rs.model_name = "served";
    rs.model_version = "3";
    o.name = "out", o.datatype = (char *)dt, o.n_shape = 2, o.shape = shape;
    if (raw) {
        rs.n_raw_output_contents = 1;
        rs.raw_output_contents = &r;
    } else {
        c.n_fp32_contents = rows * cols;
        c.fp32_contents = (float *)p;
        o.contents = &c;
    }
    rs.n_outputs = 1, rs.outputs = outs;
    return inference__model_infer_response__pack(&rs, respbuf);
}

static void scores_and_labels(void **st)
{
    (void)st;
    const float probs[6] = { 0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f };
    for (int raw = 0; raw < 2; raw++) {
        size_t rq = typed_request("FP32", false);
        size_t rn = response("FP32", probs, 2, 3, raw);
        txn(INFER, rq, rn, 200);
        const char *why;
        assert_int_equal(decode(&why), IG_OK);
        assert_false(ev.flags & IG_EV_MALFORMED);
        assert_int_equal(ev.outputs, 3);
        assert_true(ev.flags & IG_EV_SCORES);
        assert_false(ev.flags & IG_EV_LOGITS);
        assert_true(ev.scores[1] == 0.7f);
        assert_int_equal(ev.labels[0], 1);
        assert_int_equal(ev.labels[1], 0);
    }
    /* a failed call: no scores decoded */
    txn(INFER, typed_request("FP32", false), response("FP32", probs, 2, 3, true), 404);
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_false(ev.flags & IG_EV_SCORES);
    /* model name from the response when the request has none */
    Inference__ModelInferRequest e = INFERENCE__MODEL_INFER_REQUEST__INIT;
    txn(INFER, inference__model_infer_request__pack(&e, reqbuf), response("FP32", probs, 2, 3, true), 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_string_equal(ev.model, "served");
    assert_string_equal(ev.model_version, "3");
}

/* Triton's classification extension over gRPC: BYTES "score:index:label", raw. */
static void classification_output(void **st)
{
    (void)st;
    Inference__ModelInferResponse rs = INFERENCE__MODEL_INFER_RESPONSE__INIT;
    Inference__ModelInferResponse__InferOutputTensor o = INFERENCE__MODEL_INFER_RESPONSE__INFER_OUTPUT_TENSOR__INIT;
    Inference__ModelInferResponse__InferOutputTensor *outs[1] = { &o };
    int64_t shape[2] = { 2, 1 };
    uint8_t raw[64];
    size_t n = 0;
    const char *s[2] = { "0.9:2:cat", "0.8:0:dog" };
    for (int i = 0; i < 2; i++) {
        uint32_t l = (uint32_t)strlen(s[i]);
        memcpy(raw + n, &l, 4);
        memcpy(raw + n + 4, s[i], l);
        n += 4 + l;
    }
    ProtobufCBinaryData r = { n, raw };
    o.name = "cls", o.datatype = "BYTES", o.n_shape = 2, o.shape = shape;
    rs.n_outputs = 1, rs.outputs = outs, rs.n_raw_output_contents = 1, rs.raw_output_contents = &r;
    txn(INFER, typed_request("FP32", false), inference__model_infer_response__pack(&rs, respbuf), 200);
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_true(ev.flags & IG_EV_LABELS);
    assert_int_equal(ev.labels[0], 2);
    assert_int_equal(ev.labels[1], 0);
}

static void stream_responses(void **st)
{
    (void)st;
    const float probs[6] = { 0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f };
    uint8_t inner[512];
    size_t in_n = response("FP32", probs, 2, 3, true);
    memcpy(inner, respbuf, in_n);
    Inference__ModelStreamInferResponse sr = INFERENCE__MODEL_STREAM_INFER_RESPONSE__INIT;
    sr.infer_response = inference__model_infer_response__unpack(NULL, in_n, inner);
    assert_non_null(sr.infer_response);
    size_t n = inference__model_stream_infer_response__pack(&sr, respbuf);
    inference__model_infer_response__free_unpacked(sr.infer_response, NULL);
    txn(STREAM, typed_request("FP32", false), n, 200);
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_int_equal(ev.labels[0], 1);
    /* an error reported in the stream message */
    Inference__ModelStreamInferResponse er = INFERENCE__MODEL_STREAM_INFER_RESPONSE__INIT;
    er.error_message = "model not ready";
    txn(STREAM, typed_request("FP32", false), inference__model_stream_infer_response__pack(&er, respbuf), 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_int_equal(ev.status, 500);
    assert_true(ev.flags & IG_EV_ERROR);
    assert_true(ev.flags & IG_EV_TENSOR);
}

static void malformed(void **st)
{
    (void)st;
    const char *why;
    /* not a protobuf: a truncated length-delimited field */
    memcpy(reqbuf, "\x0a\x40" "abc", 5);
    txn(INFER, 5, 0, 200);
    assert_true(decode(&why) < 0);
    assert_non_null(why);
    /* shape and contents disagree */
    size_t n = typed_request("FP32", false);
    Inference__ModelInferRequest *rq = inference__model_infer_request__unpack(NULL, n, reqbuf);
    rq->inputs[0]->shape[1] = 4;
    n = inference__model_infer_request__pack(rq, reqbuf);
    inference__model_infer_request__free_unpacked(rq, NULL);
    txn(INFER, n, 0, 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_false(ev.flags & IG_EV_TENSOR);
    /* unknown datatype */
    txn(INFER, typed_request("FP8", false), 0, 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    /* a message the HTTP/2 stage could not decode */
    txn(INFER, 0, 0, 200);
    T.req_body_truncated = true;
    assert_int_equal(decode(&why), IG_ELIMIT);
    /* raw contents count differs from inputs */
    Inference__ModelInferRequest r2 = INFERENCE__MODEL_INFER_REQUEST__INIT;
    ProtobufCBinaryData raw[2] = { { 4, (uint8_t *)"abcd" }, { 4, (uint8_t *)"efgh" } };
    r2.n_raw_input_contents = 2, r2.raw_input_contents = raw;
    txn(INFER, inference__model_infer_request__pack(&r2, reqbuf), 0, 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    /* non-finite input */
    float nan_in[6] = { 1, 2, NAN, 4, 5, 6 };
    Inference__ModelInferRequest r3 = INFERENCE__MODEL_INFER_REQUEST__INIT;
    Inference__ModelInferRequest__InferInputTensor in = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT;
    Inference__ModelInferRequest__InferInputTensor *ins[1] = { &in };
    int64_t shape[2] = { 2, 3 };
    ProtobufCBinaryData rr = { 24, (uint8_t *)nan_in };
    in.datatype = "FP32", in.n_shape = 2, in.shape = shape;
    r3.n_inputs = 1, r3.inputs = ins, r3.n_raw_input_contents = 1, r3.raw_input_contents = &rr;
    txn(INFER, inference__model_infer_request__pack(&r3, reqbuf), 0, 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    /* NaN, +inf or -inf anywhere in a raw FP32 tensor (first, middle, last value) */
    static const uint32_t bad[] = { 0x7fc00000u, 0x7f800001u, 0xffc00000u, 0x7f800000u, 0xff800000u };
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
        for (int at = 0; at < 6; at++) {
            float v[6] = { 1, 2, 3, 4, 5, 6 };
            memcpy(&v[at], &bad[b], 4);
            rr.data = (uint8_t *)v;
            txn(INFER, inference__model_infer_request__pack(&r3, reqbuf), 0, 200);
            assert_int_equal(decode(&why), IG_OK);
            assert_true(ev.flags & IG_EV_MALFORMED);
            assert_false(ev.flags & IG_EV_TENSOR);
        }
    /* every finite pattern next to them decodes bit for bit: -0, the largest finite, the
     * smallest subnormal, the largest subnormal, the smallest normal (negative) */
    static const uint32_t good[6] = { 0x80000000u, 0x7f7fffffu, 0x00000001u, 0x007fffffu,
                                      0x80800000u, 0x3f800000u };
    float v[6];
    memcpy(v, good, sizeof v);
    rr.data = (uint8_t *)v;
    txn(INFER, inference__model_infer_request__pack(&r3, reqbuf), 0, 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 3);
    assert_memory_equal(ev.inputs, good, sizeof good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probe),
        cmocka_unit_test(every_typed_datatype),
        cmocka_unit_test(raw_contents_and_concat),
        cmocka_unit_test(scores_and_labels),
        cmocka_unit_test(classification_output),
        cmocka_unit_test(stream_responses),
        cmocka_unit_test(malformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
