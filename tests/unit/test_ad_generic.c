/* Generic JSON adapter: routes from config, dot paths with [N] and [], labels, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_adapter_helpers.h"

extern const struct ig_adapter ig_ad_generic;


static void route(const char *prefix, const char *model, const char *features,
                  const char *scores, const char *label, const char *kind)
{
    struct ig_generic_route *r = &cfg.generic_routes[cfg.n_generic_routes++];
    snprintf(r->route_prefix, sizeof r->route_prefix, "%s", prefix);
    snprintf(r->model, sizeof r->model, "%s", model);
    snprintf(r->features_path, sizeof r->features_path, "%s", features);
    snprintf(r->scores_path, sizeof r->scores_path, "%s", scores);
    snprintf(r->label_path, sizeof r->label_path, "%s", label);
    snprintf(r->scores_kind, sizeof r->scores_kind, "%s", kind);
}

static int setup(void **state)
{
    (void)state;
    int rc = adapter_setup();
    route("/score", "", "data.features", "result.probabilities", "", "auto");
    route("/fraud", "fraud-v1", "x", "p", "", "auto");
    route("/fraud/v2", "fraud", "rows[].x", "preds[].p", "preds[].cls", "logits");
    route("/idx", "idx", "inputs[1].data", "score", "", "auto");
    route("/flat", "flat", "[]", "", "classes", "auto");
    return rc;
}

static int run(const char *path, const char *req, const char *resp)
{
    post(path, req, resp);
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &scratch };
    assert_int_equal(ig_ad_generic.probe(&ctx, &txn), 95);
    return ig_ad_generic.decode(&ctx, &txn, &ev, &reason);
}

static void test_probe(void **state)
{
    (void)state;
    struct ig_http_txn t = { .method = sp("POST"), .path = sp("/score/now") };
    const struct ig_decode_ctx ctx = { .cfg = &cfg }, none = { 0 };
    assert_int_equal(ig_ad_generic.probe(&ctx, &t), 95);
    t.path = sp("/other");
    assert_int_equal(ig_ad_generic.probe(&ctx, &t), 0);
    t.path = sp("/score");
    t.method = sp("GET");
    assert_int_equal(ig_ad_generic.probe(&ctx, &t), 0);
    t.method = sp("POST");             /* no configuration: no routes */
    assert_int_equal(ig_ad_generic.probe(&none, &t), 0);
}

static void test_nested_paths(void **state)
{
    (void)state;
    assert_int_equal(run("/score", "{\"data\":{\"id\":7,\"features\":[[1.25,2],[3,-4e-3]]}}",
                         "{\"result\":{\"probabilities\":[[0.1,0.9],[0.6,0.4]]}}"), IG_OK);
    assert_string_equal(ev.model, "/score");
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 2);
    assert_true(ev.inputs[0] == 1.25f && ev.inputs[3] == strtof("-4e-3", NULL));
    assert_int_equal(ev.outputs, 2);
    assert_int_equal(ev.labels[0], 1);
    assert_int_equal(ev.labels[1], 0);
    assert_false(ev.flags & (IG_EV_LOGITS | IG_EV_MALFORMED));

    /* A flat feature array is one row. */
    assert_int_equal(run("/score", "{\"data\":{\"features\":[5,6,7]}}",
                         "{\"result\":{\"probabilities\":[0.2,0.3,0.5]}}"), IG_OK);
    assert_int_equal(ev.rows, 1);
    assert_int_equal(ev.features, 3);
    assert_int_equal(ev.outputs, 3);
    assert_int_equal(ev.labels[0], 2);
}

static void test_mapped_rows_and_labels(void **state)
{
    (void)state;
    /* Longest prefix wins: /fraud/v2 over /fraud. */
    assert_int_equal(run("/fraud/v2/predict",
                         "{\"rows\":[{\"x\":[1,2,3],\"id\":\"a\"},{\"id\":\"b\",\"x\":[4,5,6]}]}",
                         "{\"preds\":[{\"p\":[0.2,0.1],\"cls\":3},{\"cls\":1,\"p\":[0.3,0.9]}]}"), IG_OK);
    assert_string_equal(ev.model, "fraud");
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.features, 3);
    assert_true(ev.inputs[5] == 6.0f);
    assert_int_equal(ev.outputs, 2);
    assert_true(ev.flags & IG_EV_LOGITS);   /* configured, though the values look like probabilities */
    assert_int_equal(ev.labels[0], 3);      /* from .label, not the argmax */
    assert_int_equal(ev.labels[1], 1);

    assert_int_equal(run("/fraud", "{\"x\":[1]}", "{\"p\":[0.3]}"), IG_OK);
    assert_string_equal(ev.model, "fraud-v1");
    assert_int_equal(ev.outputs, 1);
    assert_null(ev.labels);   /* one output: regression or binary score, no label */

    /* Indexed path and a scalar score. */
    assert_int_equal(run("/idx", "{\"inputs\":[{\"data\":[9]},{\"data\":[1,2,3]}]}", "{\"score\":0.87}"),
                     IG_OK);
    assert_int_equal(ev.rows, 1);
    assert_int_equal(ev.features, 3);
    assert_true(ev.inputs[0] == 1.0f);
    assert_true(ev.scores[0] == strtof("0.87", NULL));

    /* The body itself is the list of rows; labels only. */
    assert_int_equal(run("/flat", "[[1,2],[3,4],[5,6]]", "{\"classes\":[0,2,1]}"), IG_OK);
    assert_int_equal(ev.rows, 3);
    assert_int_equal(ev.features, 2);
    assert_null(ev.scores);
    assert_int_equal(ev.labels[1], 2);
}

static void test_bad(void **state)
{
    (void)state;
    assert_int_equal(run("/score", "{\"data\":{}}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_string_equal(ev.malformed_reason, "generic: path not found");
    assert_int_equal(run("/fraud/v2", "{\"rows\":[{\"x\":[1,2]},{\"x\":[1]}]}", NULL), IG_OK);
    assert_string_equal(ev.malformed_reason, "generic: rows differ in shape");
    assert_null(ev.inputs);
    assert_int_equal(run("/flat", "[[1,2]]", "{\"classes\":[0.5]}"), IG_OK);
    assert_string_equal(ev.malformed_reason, "generic: labels must be non-negative integers");
    assert_int_equal(run("/flat", "[[1,2]]", "{\"classes\":[1,2]}"), IG_OK);
    assert_string_equal(ev.malformed_reason, "output rows differ from input rows");
    assert_true(run("/score", "{\"data\":", NULL) < 0);
    assert_int_equal(run("/score", "{\"data\":{\"features\":[[1,\"a\"]]}}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    cfg.max_features = 2;
    assert_int_equal(run("/score", "{\"data\":{\"features\":[1,2,3]}}", NULL), IG_OK);
    assert_string_equal(ev.malformed_reason, "tensor features over adapters.max_features");
    cfg.max_features = 1048576;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_nested_paths),
        cmocka_unit_test(test_mapped_rows_and_labels),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
