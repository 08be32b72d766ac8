/* KServe v1 / TF Serving REST adapter: fixtures from the TF Serving REST API and KServe v1
 * protocol documents, checked value by value; plus the shared output helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_adapter_helpers.h"

static const struct ig_decode_ctx probe_ctx;   /* no configured routes */

extern const struct ig_adapter ig_ad_kserve_v1;


static int setup(void **state)
{
    (void)state;
    return adapter_setup();
}

/* Decodes one POST <path> with <req>/<resp> bodies (resp NULL = no response). */
static int run(const char *path, const char *req, const char *resp)
{
    post(path, req, resp);
    assert_int_equal(ig_ad_kserve_v1.probe(&probe_ctx, &txn), 90);
    ev.evasion = 0;
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &scratch, .evasion = &ev.evasion };
    return ig_ad_kserve_v1.decode(&ctx, &txn, &ev, &reason);
}

static void expect_floats(const float *got, const char *const *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float w = strtof(want[i], NULL);
        if (memcmp(&got[i], &w, sizeof w) != 0)
            fail_msg("value %zu: got %.9g want %s", i, got[i], want[i]);
    }
}

static void test_probe(void **state)
{
    (void)state;
    struct ig_http_txn t = { .method = sp("POST"), .path = sp("/v1/models/m:predict") };
    assert_int_equal(ig_ad_kserve_v1.probe(&probe_ctx, &t), 90);
    t.path = sp("/v1/models/m/versions/2:classify");
    assert_int_equal(ig_ad_kserve_v1.probe(&probe_ctx, &t), 90);
    t.path = sp("/v1/models/m");          /* model status, not inference */
    assert_int_equal(ig_ad_kserve_v1.probe(&probe_ctx, &t), 0);
    t.path = sp("/v2/models/m/infer");
    assert_int_equal(ig_ad_kserve_v1.probe(&probe_ctx, &t), 0);
    t.method = sp("GET");
    t.path = sp("/v1/models/m:predict");
    assert_int_equal(ig_ad_kserve_v1.probe(&probe_ctx, &t), 0);
}

static void test_instances_rows(void **state)
{
    (void)state;
    assert_int_equal(run("/v1/models/iris/versions/3:predict",
                         "{\"signature_name\":\"serving_default\",\"instances\":"
                         "[[5.1, 3.5, 1.4e0, 0.2],[6.7,3.0,5.2,-2.3E-1]]}",
                         "{\"predictions\":[[0.9,0.05,0.05],[0.1,0.2,0.7]]}"), IG_OK);
    assert_string_equal(ev.model, "iris");
    assert_string_equal(ev.model_version, "3");
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 4);
    static const char *const in[] = { "5.1", "3.5", "1.4e0", "0.2", "6.7", "3.0", "5.2", "-2.3E-1" };
    expect_floats(ev.inputs, in, 8);
    assert_int_equal(ev.outputs, 3);
    static const char *const out[] = { "0.9", "0.05", "0.05", "0.1", "0.2", "0.7" };
    expect_floats(ev.scores, out, 6);
    assert_int_equal(ev.labels[0], 0);
    assert_int_equal(ev.labels[1], 2);
    assert_int_equal(ev.flags & (IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS | IG_EV_LOGITS |
                                 IG_EV_MALFORMED),
                     IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS);

    /* A list of scalars is one feature per instance; integer predictions are labels. */
    assert_int_equal(run("/v1/models/m/labels/canary:predict", "{\"instances\":[1.0,2.0,5.0]}",
                         "{\"predictions\":[3, 0, 12]}"), IG_OK);
    assert_string_equal(ev.model, "m");
    assert_string_equal(ev.model_version, "canary");
    assert_int_equal(ev.rows, 3);
    assert_int_equal(ev.features, 1);
    assert_null(ev.scores);
    assert_int_equal(ev.labels[0], 3);
    assert_int_equal(ev.labels[1], 0);
    assert_int_equal(ev.labels[2], 12);

    /* Non-integer scalars are regression values: one output, no label. */
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[1,2],[3,4]]}",
                         "{\"predictions\":[0.25, 17.5]}"), IG_OK);
    assert_int_equal(ev.outputs, 1);
    assert_float_equal(ev.scores[1], 17.5, 0);
    assert_null(ev.labels);
    assert_false(ev.flags & IG_EV_LABELS);

    /* Images: [batch][h][w] flattens per row. */
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[[1,2],[3,4]],[[5,6],[7,8]]]}",
                         NULL), IG_OK);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 4);
    assert_float_equal(ev.inputs[7], 8, 0);
}

static void test_named_instances(void **state)
{
    (void)state;
    assert_int_equal(run("/v1/models/census:predict",
                         "{\"instances\":[{\"age\":[1.5,2],\"tag\":\"a\",\"hours\":40,"
                         "\"img\":{\"b64\":\"aGk=\"}},{\"hours\":38.5,\"tag\":\"b\",\"age\":[3,4],"
                         "\"img\":{\"b64\":\"aGk=\"}}]}",
                         "{\"predictions\":[{\"scores\":[0.2,0.8],\"classes\":[\"no\",\"yes\"]},"
                         "{\"classes\":[\"no\",\"yes\"],\"scores\":[0.6,0.4]}]}"), IG_OK);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 3);   /* age (2) + hours (1), in the first instance's order */
    static const char *const in[] = { "1.5", "2", "40", "3", "4", "38.5" };
    expect_floats(ev.inputs, in, 6);
    assert_int_equal(ev.outputs, 2);
    static const char *const out[] = { "0.2", "0.8", "0.6", "0.4" };
    expect_floats(ev.scores, out, 4);
    assert_int_equal(ev.labels[0], 1);
    assert_int_equal(ev.labels[1], 0);
    assert_false(ev.flags & IG_EV_MALFORMED);

    /* A later instance missing an input: flagged, never a shifted vector. */
    assert_int_equal(run("/v1/models/m:predict",
                         "{\"instances\":[{\"a\":1,\"b\":2},{\"a\":3}]}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.inputs);
    assert_string_equal(ev.malformed_reason, "instances differ in inputs or shape");

    /* Image bytes only ({"b64": ...}): a valid request without a tensor, not malformed. */
    assert_int_equal(run("/v1/models/resnet:predict",
                         "{\"instances\":[{\"b64\":\"aGVsbG8=\"},{\"b64\":\"d29ybGQ=\"}]}",
                         "{\"predictions\":[[0.1,0.9],[0.8,0.2]]}"), IG_OK);
    assert_false(ev.flags & (IG_EV_MALFORMED | IG_EV_TENSOR));
    assert_null(ev.inputs);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.labels[0], 1);

    /* Text instances go to the prompt. */
    assert_int_equal(run("/v1/models/sentiment:predict", "{\"instances\":[\"good\",\"b\\u00e4d\"]}",
                         "{\"predictions\":[[0.9,0.1],[0.2,0.8]]}"), IG_OK);
    assert_true(ev.flags & IG_EV_TEXT);
    assert_int_equal(ev.prompt.n, 9);
    assert_memory_equal(ev.prompt.p, "good\nb\xc3\xa4" "d", 9);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.labels[1], 1);
}

static void test_columnar(void **state)
{
    (void)state;
    assert_int_equal(run("/v1/models/m:predict",
                         "{\"inputs\":{\"tag\":[\"foo\",\"bar\"],\"signal\":[[1,2,3],[4,5,6]],"
                         "\"sensor\":[[[1,2],[3,4]],[[5,6],[7,8]]]}}",
                         "{\"outputs\":{\"scores\":[[2.5,-1.0],[0.5,0.25]],\"ids\":[1,0]}}"), IG_OK);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 7);
    static const char *const in[] = { "1", "2", "3", "1", "2", "3", "4",
                                      "4", "5", "6", "5", "6", "7", "8" };
    expect_floats(ev.inputs, in, 14);
    assert_int_equal(ev.outputs, 2);
    assert_true(ev.flags & IG_EV_LOGITS);   /* 2.5 is no probability */
    assert_float_equal(ev.scores[0], 2.5, 0);
    assert_int_equal(ev.labels[0], 0);
    assert_int_equal(ev.labels[1], 0);

    /* One unnamed columnar tensor; outputs as a plain array; logits by name. */
    assert_int_equal(run("/v1/models/m:predict", "{\"inputs\":[[0.5,1]]}",
                         "{\"outputs\":[[0.3,0.7]]}"), IG_OK);
    assert_int_equal(ev.rows, 1);
    assert_int_equal(ev.features, 2);
    assert_int_equal(ev.labels[0], 1);
    assert_false(ev.flags & IG_EV_LOGITS);
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[1],[2]]}",
                         "{\"predictions\":[{\"logits\":[0.1,0.2]},{\"logits\":[0.4,0.3]}]}"), IG_OK);
    assert_true(ev.flags & IG_EV_LOGITS);   /* named logits, though inside [0,1] */
    assert_int_equal(ev.labels[1], 0);

    assert_int_equal(run("/v1/models/m:predict",
                         "{\"inputs\":{\"a\":[[1,2],[3,4]],\"b\":[1,2,3]}}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_string_equal(ev.malformed_reason, "columnar inputs differ in batch size");
}

static void test_classify_regress(void **state)
{
    (void)state;
    assert_int_equal(run("/v1/models/m/versions/1:classify",
                         "{\"signature_name\":\"\",\"context\":{\"c\":1},"
                         "\"examples\":[{\"x\":1.5,\"y\":[2,3]},{\"x\":-1,\"y\":[0,0]}]}",
                         "{\"results\":[[[\"cat\",0.7],[\"dog\",0.3]],[[\"cat\",0.125],[\"dog\",0.875]]]}"),
                     IG_OK);
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 3);
    assert_float_equal(ev.inputs[3], -1, 0);
    assert_int_equal(ev.outputs, 2);
    static const char *const out[] = { "0.7", "0.3", "0.125", "0.875" };
    expect_floats(ev.scores, out, 4);
    assert_int_equal(ev.labels[0], 0);
    assert_int_equal(ev.labels[1], 1);

    assert_int_equal(run("/v1/models/m:regress", "{\"examples\":[{\"x\":1},{\"x\":2}]}",
                         "{\"results\":[0.5, 1.75]}"), IG_OK);
    assert_int_equal(ev.outputs, 1);
    assert_float_equal(ev.scores[0], 0.5, 0);
    assert_float_equal(ev.scores[1], 1.75, 0);
    assert_null(ev.labels);
    /* Regression values outside [0, 1] are not logits (leakage.scores would count them). */
    assert_false(ev.flags & IG_EV_LOGITS);
}

static void test_bad_input(void **state)
{
    (void)state;
    assert_true(run("/v1/models/m:predict", "{\"instances\":[[1,2]", NULL) < 0);
    assert_non_null(reason);
    /* NaN is accepted as Python accepts it: the event is flagged, no tensor reaches detectors. */
    run("/v1/models/m:predict", "{\"instances\":[[NaN,2]]}", NULL);
    assert_true(ev.evasion & IG_EVA_NONFINITE);
    assert_false(ev.flags & IG_EV_TENSOR);
    assert_true(run("/v1/models/m:predict", "[1,2]", NULL) < 0);
    assert_string_equal(reason, "request is not a JSON object");
    assert_true(run("/v1/models/m:predict", "{\"foo\":1}", NULL) < 0);
    /* float32 overflow: never a silent inf. */
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[1e39]]}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.inputs);
    /* Ragged rows. */
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[1,2],[3]]}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.inputs);
    /* Outputs that do not match the inputs: inputs kept, scores dropped, flagged. */
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[1,2],[3,4]]}",
                         "{\"predictions\":[[0.5,0.5]]}"), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_non_null(ev.inputs);
    assert_null(ev.scores);
    assert_string_equal(ev.malformed_reason, "output rows differ from input rows");
    /* Broken response JSON: flagged, inputs kept. */
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[1,2]]}", "{\"pred"), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_non_null(ev.inputs);
    /* Limits. */
    cfg.max_rows = 2;
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[1,2,3]}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    cfg.max_rows = 65536;
    cfg.max_features = 2;
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[{\"a\":[1,2],\"b\":3}]}", NULL), IG_OK);
    assert_string_equal(ev.malformed_reason, "tensor features over adapters.max_features");
    cfg.max_features = 1048576;
    /* Error responses carry nothing to decode. */
    assert_int_equal(run("/v1/models/m:predict", "{\"instances\":[[1]]}", "{\"error\":\"x\"}"), IG_OK);
    assert_false(ev.flags & IG_EV_MALFORMED);
}

static void test_helpers(void **state)
{
    (void)state;
    float logits[] = { 1.0f, 3.0f, 2.0f }, p[3];
    ig_ad_softmax(logits, p, 3);
    double e1 = exp(1), e2 = exp(2), e3 = exp(3), s = e1 + e2 + e3;
    assert_float_equal(p[0], e1 / s, 1e-6);
    assert_float_equal(p[1], e3 / s, 1e-6);
    assert_float_equal(ig_ad_top1_margin(logits, 3, true), (e3 - e2) / s, 1e-6);
    float probs[] = { 0.1f, 0.6f, 0.3f };
    assert_float_equal(ig_ad_top1_margin(probs, 3, false), 0.3, 1e-6);
    assert_int_equal(ig_ad_argmax(probs, 3), 1);
    float big[] = { 1000.0f, 999.0f };   /* stable: no inf/nan */
    assert_float_equal(ig_ad_top1_margin(big, 2, true), (1 - exp(-1)) / (1 + exp(-1)), 1e-6);
    float one = 0.8f;
    assert_float_equal(ig_ad_top1_margin(&one, 1, false), 0.6, 1e-6);
    assert_false(ig_ad_scores_are_logits(probs, 1, 3));
    float off[] = { 0.5f, 0.6f };
    assert_true(ig_ad_scores_are_logits(off, 1, 2));   /* sums to 1.1 */
    float neg[] = { -0.5f };
    assert_true(ig_ad_scores_are_logits(neg, 1, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_instances_rows),
        cmocka_unit_test(test_named_instances),
        cmocka_unit_test(test_columnar),
        cmocka_unit_test(test_classify_regress),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
