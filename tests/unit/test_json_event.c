/* The --events line: every documented field, read back with the JSON parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "adapters/event_json.h"
#include "adapters/json.h"

static struct ig_scratch S;

static const struct ig_json *roundtrip(const struct ig_event *ev, bool tensors, struct ig_jsonw *w)
{
    ig_jsonw_reset(w);
    ig_event_to_json(ev, w, tensors);
    assert_false(w->oom);
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, NULL);
    const struct ig_json *root;
    const char *why;
    ig_scratch_reset(&S);
    if (ig_json_parse((const uint8_t *)w->buf, w->len, &lim, &S, &root, &why) != IG_OK)
        fail_msg("invalid JSON (%s): %.*s", why, (int)w->len, w->buf);
    return root;
}

static int64_t num(const struct ig_json *o, const char *k)
{
    int64_t v = -12345;
    assert_int_equal(ig_json_i64(ig_json_get(o, k), &v), IG_OK);
    return v;
}

static void test_tensor_event(void **st)
{
    (void)st;
    static const float in[] = { 0.5f, -1.25f, 3.0f, 0.1f, 2.0f, 1e-7f };
    static const float sc[] = { 0.2f, 0.8f, 0.9f, 0.1f };
    static const int32_t lb[] = { 1, 0 };
    struct ig_event ev = {
        .req_time_us = 1767225600000001, .resp_time_us = 1767225600000501, .latency_us = 500,
        .src = { .family = 4, .addr = { 127, 1, 0, 2 }, .port = 40000 },
        .dst = { .family = 6, .addr = { [15] = 1 }, .port = 8080 },
        .id_kind = IG_ID_API_KEY, .protocol = IG_PROTO_OIP_V2, .status = 200,
        .flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS,
        .rows = 2, .features = 3, .outputs = 2, .inputs = in, .scores = sc, .labels = lb,
        .req_bytes = 120, .resp_bytes = 80,
    };
    strcpy(ev.client_id, "key:ab12\"q");
    strcpy(ev.model, "iris");
    strcpy(ev.model_version, "3");
    strcpy(ev.method, "POST");
    strcpy(ev.route, "/v2/models/iris/versions/3/infer");
    struct ig_jsonw w;
    ig_jsonw_init(&w, 64);
    const struct ig_json *o = roundtrip(&ev, true, &w);
    assert_int_equal(num(o, "time"), 1767225600000001);
    assert_int_equal(num(o, "resp_time"), 1767225600000501);
    assert_int_equal(num(o, "latency_us"), 500);
    const struct ig_json *c = ig_json_get(o, "client");
    assert_true(ig_json_str_eq(ig_json_get(c, "kind"), "api_key"));
    assert_true(ig_json_str_eq(ig_json_get(c, "id"), "key:ab12\"q"));
    assert_true(ig_json_str_eq(ig_json_get(c, "ip"), "127.1.0.2"));
    assert_int_equal(num(c, "port"), 40000);
    const struct ig_json *s = ig_json_get(o, "server");
    assert_true(ig_json_str_eq(ig_json_get(s, "ip"), "::1"));
    assert_int_equal(num(s, "port"), 8080);
    assert_true(ig_json_str_eq(ig_json_get(o, "protocol"), "oip_v2"));
    assert_true(ig_json_str_eq(ig_json_get(o, "model"), "iris"));
    assert_true(ig_json_str_eq(ig_json_get(o, "version"), "3"));
    assert_true(ig_json_str_eq(ig_json_get(o, "method"), "POST"));
    assert_true(ig_json_str_eq(ig_json_get(o, "route"), "/v2/models/iris/versions/3/infer"));
    assert_int_equal(num(o, "status"), 200);
    assert_int_equal(ig_json_len(ig_json_get(o, "flags")), 3);
    assert_null(ig_json_get(o, "malformed"));
    assert_int_equal(num(o, "rows"), 2);
    assert_int_equal(num(o, "features"), 3);
    assert_int_equal(num(o, "outputs"), 2);
    const struct ig_json *l = ig_json_get(o, "labels");
    float f[8];
    size_t n;
    const char *why;
    assert_int_equal(ig_json_f32_array(l, f, 8, &n, &why), IG_OK);
    assert_int_equal(n, 2);
    assert_true(f[0] == 1 && f[1] == 0);
    /* values round-trip exactly (%.9g) and keep the row structure */
    const struct ig_json *vi = ig_json_get(o, "inputs");
    assert_int_equal(vi->ndim, 2);
    assert_int_equal(vi->shape[0], 2);
    assert_int_equal(vi->shape[1], 3);
    assert_int_equal(ig_json_f32_array(vi, f, 8, &n, &why), IG_OK);
    assert_memory_equal(f, in, sizeof in);
    const struct ig_json *vs = ig_json_get(o, "scores");
    assert_int_equal(vs->shape[1], 2);
    assert_int_equal(ig_json_f32_array(vs, f, 8, &n, &why), IG_OK);
    assert_memory_equal(f, sc, sizeof sc);
    assert_null(ig_json_get(o, "prompt_tokens"));
    assert_int_equal(num(o, "req_bytes"), 120);
    assert_int_equal(num(o, "resp_bytes"), 80);

    /* without tensors: counts and labels stay, values go */
    o = roundtrip(&ev, false, &w);
    assert_null(ig_json_get(o, "inputs"));
    assert_null(ig_json_get(o, "scores"));
    assert_non_null(ig_json_get(o, "labels"));
    assert_int_equal(num(o, "features"), 3);
    ig_jsonw_free(&w);
}

static void test_text_and_malformed(void **st)
{
    (void)st;
    struct ig_event ev = {
        .protocol = IG_PROTO_OPENAI_CHAT, .status = 200,
        .flags = IG_EV_TEXT | IG_EV_MALFORMED, .malformed_reason = "tensor data does not match its shape",
        .prompt = { (const uint8_t *)"Hi \xff there", 10 }, .completion = { (const uint8_t *)"Hello", 5 },
        .prompt_tokens = 3, .completion_tokens = 1, .streamed = true,
    };
    struct ig_jsonw w;
    ig_jsonw_init(&w, 64);
    const struct ig_json *o = roundtrip(&ev, true, &w);
    assert_true(ig_json_str_eq(ig_json_get(o, "malformed"), "tensor data does not match its shape"));
    assert_int_equal(num(o, "prompt_tokens"), 3);
    assert_int_equal(num(o, "completion_tokens"), 1);
    assert_int_equal(ig_json_get(o, "streamed")->type, IG_JSON_TRUE);
    assert_int_equal(num(o, "prompt_bytes"), 10);
    assert_true(ig_json_str_eq(ig_json_get(o, "completion"), "Hello"));
    assert_non_null(ig_json_get(o, "prompt"));   /* invalid UTF-8 replaced, still valid JSON */
    assert_null(ig_json_get(o, "system_prompt"));
    assert_null(ig_json_get(o, "labels"));
    /* unknown endpoints are null, not garbage */
    assert_int_equal(ig_json_get(ig_json_get(o, "client"), "ip")->type, IG_JSON_NULL);
    o = roundtrip(&ev, false, &w);
    assert_null(ig_json_get(o, "prompt"));
    assert_int_equal(num(o, "prompt_bytes"), 10);
    ig_jsonw_free(&w);
}

int main(void)
{
    ig_scratch_init(&S, 1 << 16, 1 << 24);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tensor_event),
        cmocka_unit_test(test_text_and_malformed),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ig_scratch_free(&S);
    return rc;
}
