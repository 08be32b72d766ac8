/* Open Inference Protocol v2 adapter: fixtures written from the KServe v2 / Triton
 * specifications (JSON and binary tensor extension), checked value by value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <inferguard/adapter.h>

static const struct ig_decode_ctx probe_ctx;   /* no configured routes */

extern const struct ig_adapter ig_ad_oip_v2;

static struct ig_config cfg;
static struct ig_scratch S;
static struct ig_event ev;
static struct ig_http_header hreq[2], hresp[2];
static struct ig_http_txn T;

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

static void txn(const char *path, const char *req, size_t req_n, const char *resp, size_t resp_n,
                uint16_t status)
{
    memset(&T, 0, sizeof T);
    memset(&ev, 0, sizeof ev);
    ig_scratch_reset(&S);
    T.method = sp("POST");
    T.path = T.uri = sp(path);
    T.req_body = (struct ig_span){ (const uint8_t *)req, req_n };
    T.resp_body = (struct ig_span){ (const uint8_t *)(resp ? resp : ""), resp ? resp_n : 0 };
    T.status = status;
    T.req_headers = hreq;
    T.resp_headers = hresp;
    ev.protocol = ig_ad_oip_v2.protocol;
}

static int decode(const char **why)
{
    ev.evasion = 0;
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &S, .evasion = &ev.evasion };
    *why = NULL;
    return ig_ad_oip_v2.decode(&ctx, &T, &ev, why);
}

static void json_txn(const char *path, const char *req, const char *resp, uint16_t status)
{
    txn(path, req, strlen(req), resp, resp ? strlen(resp) : 0, status);
}

static void expect_floats(const float *got, const float *want, size_t n)
{
    assert_non_null(got);
    for (size_t i = 0; i < n; i++)
        if (memcmp(&got[i], &want[i], 4) != 0)
            fail_msg("value %zu: got %.9g want %.9g", i, (double)got[i], (double)want[i]);
}

static void test_probe(void **st)
{
    (void)st;
    json_txn("/v2/models/iris/infer", "{}", NULL, 0);
    assert_int_equal(ig_ad_oip_v2.probe(&probe_ctx, &T), 90);
    T.path = sp("/v2/models/iris/versions/2/infer");
    assert_int_equal(ig_ad_oip_v2.probe(&probe_ctx, &T), 90);
    T.path = sp("/v2/models/iris/ready");
    assert_int_equal(ig_ad_oip_v2.probe(&probe_ctx, &T), 0);
    T.path = sp("/v1/models/iris:predict");
    assert_int_equal(ig_ad_oip_v2.probe(&probe_ctx, &T), 0);
    T.path = sp("/v2/models/iris/infer");
    T.method = sp("GET");
    assert_int_equal(ig_ad_oip_v2.probe(&probe_ctx, &T), 0);
    /* the table picks this adapter for v2 inference paths */
    T.method = sp("POST");
    assert_ptr_equal(ig_adapter_select(&probe_ctx, &T), &ig_ad_oip_v2);
}

/* Classification: nested FP32 inputs, probabilities out, version from the path. */
static void test_classification(void **st)
{
    (void)st;
    json_txn("/v2/models/iris/versions/3/infer",
             "{\"id\": \"42\", \"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], \"datatype\": \"FP32\","
             " \"data\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}",
             "{\"model_name\": \"iris\", \"model_version\": \"3\", \"id\": \"42\", \"outputs\": [{\"name\":"
             " \"output-0\", \"shape\": [2, 3], \"datatype\": \"FP32\", \"data\": [0.1, 0.7, 0.2, 0.05, 0.15, 0.8]}]}",
             200);
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_string_equal(ev.model, "iris");
    assert_string_equal(ev.model_version, "3");
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 4);
    assert_int_equal(ev.outputs, 3);
    const float in[] = { 6.8f, 2.8f, 4.8f, 1.4f, 6.0f, 3.4f, 4.5f, 1.6f };
    expect_floats(ev.inputs, in, 8);
    const float out[] = { 0.1f, 0.7f, 0.2f, 0.05f, 0.15f, 0.8f };
    expect_floats(ev.scores, out, 6);
    assert_non_null(ev.labels);
    assert_int_equal(ev.labels[0], 1);
    assert_int_equal(ev.labels[1], 2);
    assert_true(ev.flags & IG_EV_TENSOR);
    assert_true(ev.flags & IG_EV_SCORES);
    assert_true(ev.flags & IG_EV_LABELS);
    assert_false(ev.flags & (IG_EV_LOGITS | IG_EV_MALFORMED));
    assert_int_equal(ev.protocol, IG_PROTO_OIP_V2);
}

/* The spec's two-input example (corrected so that shape and data agree): UINT32 [2,2]
 * and BOOL [2,1] share rows, so they are concatenated per row. */
static void test_several_inputs(void **st)
{
    (void)st;
    json_txn("/v2/models/mymodel/infer",
             "{\"id\": \"42\", \"inputs\": [{\"name\": \"input0\", \"shape\": [2, 2], \"datatype\": \"UINT32\","
             " \"data\": [1, 2, 3, 4]}, {\"name\": \"input1\", \"shape\": [2, 1], \"datatype\": \"BOOL\","
             " \"data\": [true, false]}], \"outputs\": [{\"name\": \"output0\"}]}",
             "{\"id\": \"42\", \"model_name\": \"mymodel\", \"model_version\": \"7\", \"outputs\": [{\"name\": \"output0\","
             " \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [1.0, 1.1, 2.0, 2.1]}]}",
             200);
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 3);
    const float in[] = { 1, 2, 1, 3, 4, 0 };
    expect_floats(ev.inputs, in, 6);
    /* version only in the body; scores outside [0,1] are logits */
    assert_string_equal(ev.model, "mymodel");
    assert_string_equal(ev.model_version, "7");
    assert_true(ev.flags & IG_EV_LOGITS);
    assert_int_equal(ev.labels[0], 1);
    assert_int_equal(ev.labels[1], 1);

    /* rows disagree: the first numeric input alone; BYTES inputs are skipped */
    json_txn("/v2/models/m/infer",
             "{\"inputs\": [{\"name\": \"t\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"hello\"]},"
             " {\"name\": \"a\", \"shape\": [1, 3], \"datatype\": \"INT64\", \"data\": [[7, -8, 9]]},"
             " {\"name\": \"b\", \"shape\": [2, 1], \"datatype\": \"FP64\", \"data\": [0.5, 0.25]}]}", NULL, 0);
    assert_int_equal(decode(&why), IG_OK);
    assert_int_equal(ev.rows, 1);
    assert_int_equal(ev.features, 3);
    const float a[] = { 7, -8, 9 };
    expect_floats(ev.inputs, a, 3);
    assert_null(ev.scores);
    assert_false(ev.flags & IG_EV_MALFORMED);

    /* only BYTES: no feature tensor, not malformed */
    json_txn("/v2/models/m/infer",
             "{\"inputs\": [{\"name\": \"t\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"a\", \"b\"]}]}",
             NULL, 0);
    assert_int_equal(decode(&why), IG_OK);
    assert_null(ev.inputs);
    assert_false(ev.flags & (IG_EV_TENSOR | IG_EV_MALFORMED));
}

/* Every numeric datatype in JSON form: numbers become float32 exactly like strtof. */
static void test_datatypes_json(void **st)
{
    (void)st;
    static const struct { const char *dt, *data; float want[3]; } cases[] = {
        { "BOOL", "[true, false, true]", { 1, 0, 1 } },
        { "INT8", "[-128, 0, 127]", { -128, 0, 127 } },
        { "INT16", "[-32768, 1, 32767]", { -32768, 1, 32767 } },
        { "INT32", "[-2147483648, 16777217, 2147483647]", { -2147483648.0f, 16777216.0f, 2147483648.0f } },
        { "INT64", "[-9223372036854775808, 3, 9007199254740993]", { -9223372036854775808.0f, 3, 9007199254740992.0f } },
        { "UINT8", "[0, 1, 255]", { 0, 1, 255 } },
        { "UINT16", "[0, 65535, 2]", { 0, 65535, 2 } },
        { "UINT32", "[4294967295, 0, 5]", { 4294967296.0f, 0, 5 } },
        { "UINT64", "[18446744073709551615, 0, 1]", { 18446744073709551616.0f, 0, 1 } },
        { "FP16", "[0.5, -2, 65504]", { 0.5f, -2, 65504 } },
        { "FP32", "[0.1, -0.0, 1e-45]", { 0.1f, -0.0f, 1e-45f } },
        { "FP64", "[1e-300, 0.30000000000000004, -1.5]", { 0.0f, 0.3f, -1.5f } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[256];
        snprintf(req, sizeof req, "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 3], \"datatype\": \"%s\","
                 " \"data\": %s}]}", cases[i].dt, cases[i].data);
        json_txn("/v2/models/m/infer", req, NULL, 0);
        const char *why;
        assert_int_equal(decode(&why), IG_OK);
        if (ev.flags & IG_EV_MALFORMED)
            fail_msg("%s: malformed: %s", cases[i].dt, ev.malformed_reason);
        assert_int_equal(ev.rows, 1);
        assert_int_equal(ev.features, 3);
        expect_floats(ev.inputs, cases[i].want, 3);
    }
}

static void test_malformed(void **st)
{
    (void)st;
    const char *why;
    static const struct { const char *req, *reason; } bad[] = {
        { "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 3], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4, 5]}]}",
          "tensor data does not match its shape" },
        { "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [[1, 2], [3]]}]}",
          "tensor data does not match its shape" },
        { "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP17\", \"data\": [1, 2]}]}",
          "missing or unknown tensor datatype" },
        { "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, -2], \"datatype\": \"FP32\", \"data\": [1, 2]}]}",
          "invalid tensor shape" },
        { "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, \"2\"]}]}",
          "tensor data holds a value that is not a number or bool" },
        { "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 1e39]}]}",
          "number out of float32 range" },
        { "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"data\": [1, 2]}]}",
          "missing or invalid tensor shape" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_txn("/v2/models/m/infer", bad[i].req, NULL, 0);
        assert_int_equal(decode(&why), IG_OK);
        if (!(ev.flags & IG_EV_MALFORMED))
            fail_msg("case %zu not flagged malformed", i);
        assert_string_equal(ev.malformed_reason, bad[i].reason);
        assert_null(ev.inputs);
        assert_int_equal(ev.rows, 0);
    }
    /* undecodable request: the adapter fails with a reason */
    json_txn("/v2/models/m/infer", "{\"inputs\": [1, 2", NULL, 0);
    assert_true(decode(&why) < 0);
    assert_non_null(why);
    json_txn("/v2/models/m/infer", "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [NaN]}]}", NULL, 0);
    /* accepted as Python accepts it, flagged; the tensor never reaches detectors */
    decode(&why);
    assert_true(ev.evasion & IG_EVA_NONFINITE);
    assert_false(ev.flags & IG_EV_TENSOR);
    json_txn("/v2/models/m/infer", "{\"id\": 1}", NULL, 0);
    assert_int_equal(decode(&why), IG_EPARSE);

    /* response rows disagree with request rows: inputs kept, event flagged */
    json_txn("/v2/models/m/infer",
             "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 1], \"datatype\": \"FP32\", \"data\": [1, 2]}]}",
             "{\"outputs\": [{\"name\": \"y\", \"shape\": [3, 2], \"datatype\": \"FP32\", \"data\": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]}]}",
             200);
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_non_null(ev.inputs);
    assert_null(ev.scores);

    /* an error response carries no outputs and is not malformed */
    json_txn("/v2/models/m/infer",
             "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 1], \"datatype\": \"FP32\", \"data\": [1]}]}",
             "{\"error\": \"model not ready\"}", 503);
    assert_int_equal(decode(&why), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.scores);
    assert_int_equal(ev.features, 1);
}

/* A single-column integer output is the predicted label. */
static void test_label_output(void **st)
{
    (void)st;
    json_txn("/v2/models/clf/infer",
             "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 2], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4, 5, 6]}]}",
             "{\"outputs\": [{\"name\": \"label\", \"shape\": [3, 1], \"datatype\": \"INT64\", \"data\": [2, 0, 1]}]}",
             200);
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_string_equal(ev.model, "clf");
    assert_null(ev.scores);
    assert_non_null(ev.labels);
    assert_int_equal(ev.labels[0], 2);
    assert_int_equal(ev.labels[1], 0);
    assert_int_equal(ev.labels[2], 1);
    assert_true(ev.flags & IG_EV_LABELS);

    /* probabilities plus an explicit label output: the server's labels win */
    json_txn("/v2/models/clf/infer",
             "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [1, 2]}]}",
             "{\"outputs\": [{\"name\": \"label\", \"shape\": [1], \"datatype\": \"INT32\", \"data\": [0]},"
             " {\"name\": \"probs\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [0.4, 0.6]}]}",
             200);
    assert_int_equal(decode(&why), IG_OK);
    assert_int_equal(ev.outputs, 2);
    assert_int_equal(ev.labels[0], 0);
    assert_false(ev.flags & IG_EV_LOGITS);
}

/* Triton classification extension: BYTES "score:index:label", best first. */
static void test_classification_extension(void **st)
{
    (void)st;
    json_txn("/v2/models/resnet/infer",
             "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}],"
             " \"outputs\": [{\"name\": \"probs\", \"parameters\": {\"classification\": 2}}]}",
             "{\"outputs\": [{\"name\": \"probs\", \"shape\": [2, 2], \"datatype\": \"BYTES\","
             " \"data\": [\"0.8:3:cat\", \"0.1:0:dog\", \"15.5:12\", \"9.0:7\"]}]}",
             200);
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_non_null(ev.labels);
    assert_int_equal(ev.labels[0], 3);
    assert_int_equal(ev.labels[1], 12);
    assert_null(ev.scores);
    /* a shape that disagrees with the strings */
    json_txn("/v2/models/resnet/infer",
             "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 1], \"datatype\": \"FP32\", \"data\": [1]}]}",
             "{\"outputs\": [{\"name\": \"probs\", \"shape\": [1, 3], \"datatype\": \"BYTES\","
             " \"data\": [\"0.8:3:cat\"]}]}", 200);
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.labels);
}

static size_t put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return n;
}

/* Triton binary tensor extension, request and response. */
static void test_binary(void **st)
{
    (void)st;
    static uint8_t req[1024], resp[1024];
    const char *jreq = "{\"inputs\":[{\"name\":\"a\",\"shape\":[2,2],\"datatype\":\"FP32\","
                       "\"parameters\":{\"binary_data_size\":16}},"
                       "{\"name\":\"s\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":9}},"
                       "{\"name\":\"b\",\"shape\":[2,1],\"datatype\":\"FP16\",\"parameters\":{\"binary_data_size\":4}},"
                       "{\"name\":\"c\",\"shape\":[2,1],\"datatype\":\"INT16\",\"data\":[-3,4]}]}";
    size_t n = strlen(jreq);
    memcpy(req, jreq, n);
    const float a[] = { 1.5f, -2.25f, 3.0f, 1e-40f };
    for (int i = 0; i < 4; i++) {
        uint32_t b;
        memcpy(&b, &a[i], 4);
        n += put_le(req + n, b, 4);
    }
    n += put_le(req + n, 5, 4);                 /* BYTES: length-prefixed "hello" */
    memcpy(req + n, "hello", 5);
    n += 5;
    n += put_le(req + n, 0x3c00, 2);            /* FP16 1.0 */
    n += put_le(req + n, 0xc100, 2);            /* FP16 -2.5 */
    char hdrlen[24];
    snprintf(hdrlen, sizeof hdrlen, "%zu", strlen(jreq));

    const char *jresp = "{\"model_name\":\"bin\",\"outputs\":[{\"name\":\"p\",\"shape\":[2,3],\"datatype\":\"FP64\","
                        "\"parameters\":{\"binary_data_size\":48}}]}";
    size_t m = strlen(jresp);
    memcpy(resp, jresp, m);
    const double p[] = { 0.2, 0.3, 0.5, 0.6, 0.3, 0.1 };
    for (int i = 0; i < 6; i++) {
        uint64_t b;
        memcpy(&b, &p[i], 8);
        m += put_le(resp + m, b, 8);
    }
    char rhdrlen[24];
    snprintf(rhdrlen, sizeof rhdrlen, "%zu", strlen(jresp));

    txn("/v2/models/bin/infer", (const char *)req, n, (const char *)resp, m, 200);
    hreq[0] = (struct ig_http_header){ sp("Inference-Header-Content-Length"), sp(hdrlen) };
    T.n_req_headers = 1;
    hresp[0] = (struct ig_http_header){ sp("inference-header-content-length"), sp(rhdrlen) };
    T.n_resp_headers = 1;
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_int_equal(ev.protocol, IG_PROTO_OIP_V2_BINARY);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 4);
    const float in[] = { 1.5f, -2.25f, 1.0f, -3, 3.0f, 1e-40f, -2.5f, 4 };
    expect_floats(ev.inputs, in, 8);
    assert_int_equal(ev.outputs, 3);
    const float out[] = { 0.2f, 0.3f, 0.5f, 0.6f, 0.3f, 0.1f };
    expect_floats(ev.scores, out, 6);
    assert_int_equal(ev.labels[0], 2);
    assert_int_equal(ev.labels[1], 0);
    assert_string_equal(ev.model, "bin");

    /* binary_data_size disagreeing with shape x datatype */
    const char *j2 = "{\"inputs\":[{\"name\":\"a\",\"shape\":[2,2],\"datatype\":\"FP32\","
                     "\"parameters\":{\"binary_data_size\":12}}]}";
    n = strlen(j2);
    memcpy(req, j2, n);
    memset(req + n, 0, 12);
    snprintf(hdrlen, sizeof hdrlen, "%zu", n);
    txn("/v2/models/bin/infer", (const char *)req, n + 12, NULL, 0, 0);
    hreq[0] = (struct ig_http_header){ sp("Inference-Header-Content-Length"), sp(hdrlen) };
    T.n_req_headers = 1;
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_string_equal(ev.malformed_reason, "binary_data_size does not match shape and datatype");
    assert_null(ev.inputs);

    /* binary data shorter than announced */
    txn("/v2/models/bin/infer", (const char *)req, n + 4, NULL, 0, 0);
    T.n_req_headers = 1;
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.inputs);

    /* header length beyond the body */
    snprintf(hdrlen, sizeof hdrlen, "%zu", n + 100);
    txn("/v2/models/bin/infer", (const char *)req, n, NULL, 0, 0);
    T.n_req_headers = 1;
    assert_true(decode(&why) < 0);
}

/* Classification strings in binary (what tritonclient asks for by default): 4-byte
 * little-endian length, then "score:index[:label]". */
static void test_binary_classification(void **st)
{
    (void)st;
    static uint8_t resp[512];
    static const char *const strs[] = { "0.8:3:cat", "0.1:0:dog", "15.5:12", "9.0:7" };
    size_t body = 0;
    for (int i = 0; i < 4; i++)
        body += 4 + strlen(strs[i]);
    char jresp[256];
    snprintf(jresp, sizeof jresp, "{\"outputs\":[{\"name\":\"probs\",\"shape\":[2,2],"
             "\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":%zu}}]}", body);
    size_t m = strlen(jresp);
    memcpy(resp, jresp, m);
    for (int i = 0; i < 4; i++) {
        m += put_le(resp + m, strlen(strs[i]), 4);
        memcpy(resp + m, strs[i], strlen(strs[i]));
        m += strlen(strs[i]);
    }
    char rhdrlen[24];
    snprintf(rhdrlen, sizeof rhdrlen, "%zu", strlen(jresp));
    const char *jreq = "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 2], \"datatype\": \"FP32\","
                       " \"data\": [1, 2, 3, 4]}], \"outputs\": [{\"name\": \"probs\", \"parameters\":"
                       " {\"classification\": 2, \"binary_data\": true}}]}";
    txn("/v2/models/resnet/infer", jreq, strlen(jreq), (const char *)resp, m, 200);
    hresp[0] = (struct ig_http_header){ sp("Inference-Header-Content-Length"), sp(rhdrlen) };
    T.n_resp_headers = 1;
    const char *why;
    assert_int_equal(decode(&why), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
    assert_int_equal(ev.protocol, IG_PROTO_OIP_V2_BINARY);
    assert_non_null(ev.labels);
    assert_int_equal(ev.labels[0], 3);
    assert_int_equal(ev.labels[1], 12);
    assert_null(ev.scores);

    /* a string length running past the binary data: malformed, no labels */
    put_le(resp + strlen(jresp), 200, 4);
    txn("/v2/models/resnet/infer", jreq, strlen(jreq), (const char *)resp, m, 200);
    T.n_resp_headers = 1;
    assert_int_equal(decode(&why), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.labels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_classification),
        cmocka_unit_test(test_several_inputs),
        cmocka_unit_test(test_datatypes_json),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_label_output),
        cmocka_unit_test(test_classification_extension),
        cmocka_unit_test(test_binary_classification),
        cmocka_unit_test(test_binary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
