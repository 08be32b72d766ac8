/* TF Serving gRPC Predict adapter: PredictRequest / PredictResponse packed with protobuf-c
 * from sidecar/grpc/tfserving.proto, decoded value by value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <inferguard/adapter.h>

#include "tfserving.pb-c.h"

static const struct ig_decode_ctx probe_ctx;   /* no configured routes */

extern const struct ig_adapter ig_ad_tfs_grpc;

typedef Tensorflow__Serving__TensorProto TP;

static struct ig_config cfg;
static struct ig_scratch S;
static struct ig_event ev;
static struct ig_http_header hreq[1];
static struct ig_http_txn T;
static uint8_t reqbuf[1 << 14], respbuf[1 << 14];

static int setup(void **st)
{
    (void)st;
    ig_config_defaults(&cfg);
    return ig_scratch_init(&S, 1 << 16, 1 << 24);
}
static int teardown(void **st)
{
    (void)st;
    ig_scratch_free(&S);
    return 0;
}

static struct ig_span sp(const char *s) { return (struct ig_span){ (const uint8_t *)s, strlen(s) }; }

static int run(size_t rq, size_t rs, uint16_t status)
{
    memset(&T, 0, sizeof T);
    memset(&ev, 0, sizeof ev);
    ig_scratch_reset(&S);
    hreq[0] = (struct ig_http_header){ sp("content-type"), sp("application/grpc") };
    T.method = sp("POST");
    T.path = T.uri = sp("/tensorflow.serving.PredictionService/Predict");
    T.req_headers = hreq;
    T.n_req_headers = 1;
    T.req_body = (struct ig_span){ reqbuf, rq };
    T.resp_body = (struct ig_span){ rs ? respbuf : NULL, rs };
    T.status = status;
    assert_int_equal(ig_adapter_select(&probe_ctx, &T), &ig_ad_tfs_grpc);
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &S };
    const char *why = NULL;
    return ig_ad_tfs_grpc.decode(&ctx, &T, &ev, &why);
}

struct shape { Tensorflow__Serving__TensorShapeProto s; Tensorflow__Serving__TensorShapeProto__Dim d[2], *dp[2]; };

static void set_shape(TP *t, struct shape *sh, int64_t a, int64_t b)
{
    tensorflow__serving__tensor_shape_proto__init(&sh->s);
    for (int i = 0; i < 2; i++) {
        tensorflow__serving__tensor_shape_proto__dim__init(&sh->d[i]);
        sh->dp[i] = &sh->d[i];
    }
    sh->d[0].size = a;
    sh->d[1].size = b;
    sh->s.n_dim = 2;
    sh->s.dim = sh->dp;
    t->tensor_shape = &sh->s;
}

static void request_forms(void **st)
{
    (void)st;
    /* three inputs: "b" FP32 typed, "a" HALF bits, "s" strings (not a feature) */
    TP a = TENSORFLOW__SERVING__TENSOR_PROTO__INIT, b = TENSORFLOW__SERVING__TENSOR_PROTO__INIT,
       s = TENSORFLOW__SERVING__TENSOR_PROTO__INIT;
    struct shape sa, sb, ss;
    float fb[4] = { 1.5f, -2.0f, 3.25f, 4.0f };
    int32_t ha[2] = { 0x3c00, 0xc000 };   /* 1.0, -2.0 */
    ProtobufCBinaryData strs[2] = { { 1, (uint8_t *)"x" }, { 1, (uint8_t *)"y" } };
    b.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_FLOAT, b.n_float_val = 4, b.float_val = fb;
    set_shape(&b, &sb, 2, 2);
    a.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_HALF, a.n_half_val = 2, a.half_val = ha;
    set_shape(&a, &sa, 2, 1);
    s.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_STRING, s.n_string_val = 2, s.string_val = strs;
    set_shape(&s, &ss, 2, 1);
    Tensorflow__Serving__PredictRequest__InputsEntry e[3];
    Tensorflow__Serving__PredictRequest__InputsEntry *ep[3] = { &e[0], &e[1], &e[2] };
    const char *keys[3] = { "b", "s", "a" };
    TP *vals[3] = { &b, &s, &a };
    for (int i = 0; i < 3; i++) {
        tensorflow__serving__predict_request__inputs_entry__init(&e[i]);
        e[i].key = (char *)keys[i];
        e[i].value = vals[i];
    }
    Tensorflow__Serving__ModelSpec ms = TENSORFLOW__SERVING__MODEL_SPEC__INIT;
    Tensorflow__Serving__Int64Value ver = TENSORFLOW__SERVING__INT64_VALUE__INIT;
    ver.value = 42;
    ms.name = "housing";
    ms.version_choice_case = TENSORFLOW__SERVING__MODEL_SPEC__VERSION_CHOICE_VERSION;
    ms.version = &ver;
    Tensorflow__Serving__PredictRequest rq = TENSORFLOW__SERVING__PREDICT_REQUEST__INIT;
    rq.model_spec = &ms;
    rq.n_inputs = 3;
    rq.inputs = ep;
    assert_int_equal(run(tensorflow__serving__predict_request__pack(&rq, reqbuf), 0, 200), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_string_equal(ev.model, "housing");
    assert_string_equal(ev.model_version, "42");
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 3);           /* a (1) then b (2), by name */
    const float want[6] = { 1.0f, 1.5f, -2.0f, -2.0f, 3.25f, 4.0f };
    for (int i = 0; i < 6; i++)
        assert_true(ev.inputs[i] == want[i]);

    /* tensor_content (raw INT64) and a single typed value filling its shape */
    TP c = TENSORFLOW__SERVING__TENSOR_PROTO__INIT, one = TENSORFLOW__SERVING__TENSOR_PROTO__INIT;
    struct shape sc, so;
    int64_t raw[2] = { -7, 9 };
    c.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_INT64;
    c.tensor_content = (ProtobufCBinaryData){ 16, (uint8_t *)raw };
    set_shape(&c, &sc, 2, 1);
    float f1 = 0.5f;
    one.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_FLOAT, one.n_float_val = 1, one.float_val = &f1;
    set_shape(&one, &so, 2, 2);
    e[0].key = "c", e[0].value = &c;
    e[1].key = "d", e[1].value = &one;
    rq.n_inputs = 2;
    ms.version_choice_case = TENSORFLOW__SERVING__MODEL_SPEC__VERSION_CHOICE_VERSION_LABEL;
    ms.version_label = "stable";
    assert_int_equal(run(tensorflow__serving__predict_request__pack(&rq, reqbuf), 0, 200), IG_OK);
    assert_string_equal(ev.model_version, "stable");
    assert_int_equal(ev.features, 3);
    const float want2[6] = { -7, 0.5f, 0.5f, 9, 0.5f, 0.5f };
    for (int i = 0; i < 6; i++)
        assert_true(ev.inputs[i] == want2[i]);

    /* contents that disagree with the shape: malformed, no tensor */
    c.tensor_content.len = 8;
    assert_int_equal(run(tensorflow__serving__predict_request__pack(&rq, reqbuf), 0, 200), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_false(ev.flags & IG_EV_TENSOR);
    /* not a protobuf */
    memcpy(reqbuf, "\x12\x7f", 2);
    assert_true(run(2, 0, 200) < 0);
}

static void response_scores_and_classes(void **st)
{
    (void)st;
    TP in = TENSORFLOW__SERVING__TENSOR_PROTO__INIT, sc = TENSORFLOW__SERVING__TENSOR_PROTO__INIT,
       cl = TENSORFLOW__SERVING__TENSOR_PROTO__INIT;
    struct shape si, ss, scl;
    float x[4] = { 1, 2, 3, 4 };
    in.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_FLOAT, in.n_float_val = 4, in.float_val = x;
    set_shape(&in, &si, 2, 2);
    Tensorflow__Serving__PredictRequest__InputsEntry ie = TENSORFLOW__SERVING__PREDICT_REQUEST__INPUTS_ENTRY__INIT, *iep = &ie;
    ie.key = "x", ie.value = &in;
    Tensorflow__Serving__PredictRequest rq = TENSORFLOW__SERVING__PREDICT_REQUEST__INIT;
    rq.n_inputs = 1, rq.inputs = &iep;
    size_t rqn = tensorflow__serving__predict_request__pack(&rq, reqbuf);

    double p[6] = { 0.2, 0.5, 0.3, 0.7, 0.2, 0.1 };
    sc.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_DOUBLE, sc.n_double_val = 6, sc.double_val = p;
    set_shape(&sc, &ss, 2, 3);
    int64_t k[2] = { 1, 0 };
    cl.dtype = TENSORFLOW__SERVING__DATA_TYPE__DT_INT64, cl.n_int64_val = 2, cl.int64_val = k;
    set_shape(&cl, &scl, 2, 1);
    Tensorflow__Serving__PredictResponse__OutputsEntry oe[2], *oep[2] = { &oe[0], &oe[1] };
    for (int i = 0; i < 2; i++)
        tensorflow__serving__predict_response__outputs_entry__init(&oe[i]);
    oe[0].key = "classes", oe[0].value = &cl;
    oe[1].key = "scores", oe[1].value = &sc;
    Tensorflow__Serving__ModelSpec ms = TENSORFLOW__SERVING__MODEL_SPEC__INIT;
    ms.name = "from-response";
    Tensorflow__Serving__PredictResponse rs = TENSORFLOW__SERVING__PREDICT_RESPONSE__INIT;
    rs.n_outputs = 2, rs.outputs = oep, rs.model_spec = &ms;
    size_t rsn = tensorflow__serving__predict_response__pack(&rs, respbuf);
    assert_int_equal(run(rqn, rsn, 200), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_string_equal(ev.model, "from-response");
    assert_int_equal(ev.outputs, 3);
    assert_true(ev.scores[4] == 0.2f);
    assert_int_equal(ev.labels[0], 1);   /* the classes output, not the argmax */
    assert_int_equal(ev.labels[1], 0);
    /* a failed call: no outputs read */
    assert_int_equal(run(rqn, rsn, 503), IG_OK);
    assert_false(ev.flags & IG_EV_SCORES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_forms),
        cmocka_unit_test(response_scores_and_classes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
