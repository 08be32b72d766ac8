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

/* The reference: the event as the writer's generic calls write it (ig_event_to_json before it
 * wrote through a cursor, kept here verbatim), to hold the cursor writer to the same bytes. */
static void ref_endpoint(struct ig_jsonw *w, const struct ig_endpoint *e)
{
    char ip[64];
    ig_jsonw_key(w, "ip");
    if (e->family)
        ig_jsonw_str(w, ig_endpoint_ip_str(e, ip, sizeof ip));
    else
        ig_jsonw_null(w);
    ig_jsonw_key(w, "port");
    ig_jsonw_u64(w, e->port);
}

static void ref_matrix(struct ig_jsonw *w, const char *key, const float *v, uint32_t rows, uint32_t cols)
{
    ig_jsonw_key(w, key);
    ig_jsonw_arr_open(w);
    for (uint32_t r = 0; r < rows; r++)
        ig_jsonw_f32_array(w, v + (size_t)r * cols, cols);
    ig_jsonw_arr_close(w);
}

static void ref_text(struct ig_jsonw *w, const char *key, struct ig_span s)
{
    if (!s.p)
        return;
    ig_jsonw_key(w, key);
    ig_jsonw_strn(w, (const char *)s.p, s.n);
}

static const struct { uint32_t bit; const char *name; } ref_flag_names[] = {
    { IG_EV_TENSOR, "tensor" }, { IG_EV_SCORES, "scores" }, { IG_EV_LABELS, "labels" },
    { IG_EV_TEXT, "text" }, { IG_EV_MALFORMED, "malformed" }, { IG_EV_LOGITS, "logits" },
    { IG_EV_ERROR, "error" }, { IG_EV_MIDSTREAM, "midstream" },
};

static void ref_event_to_json(const struct ig_event *ev, struct ig_jsonw *w, bool with_tensors)
{
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "time");
    ig_jsonw_u64(w, ev->req_time_us);
    ig_jsonw_key(w, "resp_time");
    ig_jsonw_u64(w, ev->resp_time_us);
    ig_jsonw_key(w, "latency_us");
    ig_jsonw_u64(w, ev->latency_us);

    ig_jsonw_key(w, "client");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "kind");
    ig_jsonw_str(w, ig_identity_kind_name(ev->id_kind));
    ig_jsonw_key(w, "id");
    ig_jsonw_strn(w, ev->client_id, strnlen(ev->client_id, sizeof ev->client_id));
    ig_jsonw_key(w, "basis");
    ig_jsonw_str(w, ig_id_basis_name(ev->id_basis));
    if (ev->claimed_id[0]) {
        ig_jsonw_key(w, "claimed_kind");
        ig_jsonw_str(w, ig_identity_kind_name(ev->claimed_kind));
        ig_jsonw_key(w, "claimed_id");
        ig_jsonw_strn(w, ev->claimed_id, strnlen(ev->claimed_id, sizeof ev->claimed_id));
    }
    if (ev->group_id[0]) {
        ig_jsonw_key(w, "source_kind");
        ig_jsonw_str(w, ig_identity_kind_name(ev->group_kind));
        ig_jsonw_key(w, "source_id");
        ig_jsonw_strn(w, ev->group_id, strnlen(ev->group_id, sizeof ev->group_id));
    }
    if (ev->id_flags & (IG_IDF_MESH_SPOOF | IG_IDF_JWT_BAD)) {
        ig_jsonw_key(w, "flags");
        ig_jsonw_arr_open(w);
        if (ev->id_flags & IG_IDF_MESH_SPOOF)
            ig_jsonw_str(w, "mesh_identity_from_untrusted_peer");
        if (ev->id_flags & IG_IDF_JWT_EXPIRED)
            ig_jsonw_str(w, "jwt_expired");
        else if (ev->id_flags & IG_IDF_JWT_BAD)
            ig_jsonw_str(w, "jwt_invalid");
        ig_jsonw_arr_close(w);
    }
    ref_endpoint(w, &ev->src);
    ig_jsonw_obj_close(w);
    ig_jsonw_key(w, "server");
    ig_jsonw_obj_open(w);
    ref_endpoint(w, &ev->dst);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "protocol");
    ig_jsonw_str(w, ig_protocol_name(ev->protocol));
    ig_jsonw_key(w, "model");
    ig_jsonw_strn(w, ev->model, strnlen(ev->model, sizeof ev->model));
    ig_jsonw_key(w, "version");
    ig_jsonw_strn(w, ev->model_version, strnlen(ev->model_version, sizeof ev->model_version));
    ig_jsonw_key(w, "method");
    ig_jsonw_strn(w, ev->method, strnlen(ev->method, sizeof ev->method));
    ig_jsonw_key(w, "route");
    ig_jsonw_strn(w, ev->route, strnlen(ev->route, sizeof ev->route));
    ig_jsonw_key(w, "status");
    ig_jsonw_u64(w, ev->status);

    ig_jsonw_key(w, "flags");
    ig_jsonw_arr_open(w);
    for (size_t i = 0; i < IG_ARRAY_LEN(ref_flag_names); i++)
        if (ev->flags & ref_flag_names[i].bit)
            ig_jsonw_str(w, ref_flag_names[i].name);
    ig_jsonw_arr_close(w);
    if (ev->flags & IG_EV_MALFORMED) {
        ig_jsonw_key(w, "malformed");
        ig_jsonw_str(w, ev->malformed_reason ? ev->malformed_reason : "malformed payload");
    }
    if (ev->evasion) {
        ig_jsonw_key(w, "evasion");
        ig_jsonw_arr_open(w);
        for (uint32_t b = 1; b; b <<= 1)
            if ((ev->evasion & b) && ig_evasion_name(b))
                ig_jsonw_str(w, ig_evasion_name(b));
        ig_jsonw_arr_close(w);
    }

    ig_jsonw_key(w, "rows");
    ig_jsonw_u64(w, ev->rows);
    ig_jsonw_key(w, "features");
    ig_jsonw_u64(w, ev->features);
    ig_jsonw_key(w, "outputs");
    ig_jsonw_u64(w, ev->outputs);
    if (ev->labels) {
        ig_jsonw_key(w, "labels");
        ig_jsonw_arr_open(w);
        for (uint32_t r = 0; r < ev->rows; r++)
            ig_jsonw_i64(w, ev->labels[r]);
        ig_jsonw_arr_close(w);
    }
    if (with_tensors && ev->inputs)
        ref_matrix(w, "inputs", ev->inputs, ev->rows, ev->features);
    if (with_tensors && ev->scores)
        ref_matrix(w, "scores", ev->scores, ev->rows, ev->outputs);

    if (ev->flags & IG_EV_TEXT || ev->prompt_tokens || ev->completion_tokens) {
        ig_jsonw_key(w, "prompt_tokens");
        ig_jsonw_u64(w, ev->prompt_tokens);
        ig_jsonw_key(w, "completion_tokens");
        ig_jsonw_u64(w, ev->completion_tokens);
        ig_jsonw_key(w, "streamed");
        ig_jsonw_bool(w, ev->streamed);
        ig_jsonw_key(w, "prompt_bytes");
        ig_jsonw_u64(w, ev->prompt.n);
        ig_jsonw_key(w, "completion_bytes");
        ig_jsonw_u64(w, ev->completion.n);
        if (with_tensors) {
            ref_text(w, "prompt", ev->prompt);
            ref_text(w, "completion", ev->completion);
            ref_text(w, "system_prompt", ev->system_prompt);
        }
    }
    ig_jsonw_key(w, "req_bytes");
    ig_jsonw_u64(w, ev->req_bytes);
    ig_jsonw_key(w, "resp_bytes");
    ig_jsonw_u64(w, ev->resp_bytes);
    ig_jsonw_obj_close(w);
}

static char *fill(char *b, size_t n, const char *pat)
{
    size_t k = strlen(pat);
    for (size_t i = 0; i < n; i++)
        b[i] = pat[i % k];
    return b;
}

/* Byte for byte the reference's output, for events with every optional part (identity
 * claims and flags, evasion names, labels, long and escaped text, non-ASCII, invalid UTF-8,
 * empty and full-length fixed fields), from a 1-byte buffer (the cursor's room grows at
 * nearly every write) and from a large one, tensors on and off. */
static void test_cursor_writer_matches_generic_calls(void **st)
{
    (void)st;
    static float in[3 * 70], sc[3 * 5];
    static int32_t lb[3] = { -1, 7, 123456 };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        in[i] = (float)((double)i * 0.37 - 20.0) * (i % 7 ? 1.0f : 1e-9f);
    for (size_t i = 0; i < sizeof sc / sizeof sc[0]; i++)
        sc[i] = 1.0f / (float)(i + 1);
    in[5] = __builtin_nanf("");
    in[6] = -__builtin_inff();
    static char longtext[9000], esctext[5000];
    fill(longtext, sizeof longtext, "plain words, no escapes ");
    fill(esctext, sizeof esctext, "line \"one\"\n\ttab \x01 \xc3\xa9t\xc3\xa9 \xe2\x82\xac \xff ");
    for (int variant = 0; variant < 6; variant++) {
        struct ig_event ev = {
            .req_time_us = 1767225600000001ull * (uint64_t)(variant + 1), .resp_time_us = UINT64_MAX,
            .latency_us = (uint64_t)variant * 100000000ull,
            .src = { .family = 4, .addr = { 10, 0, 0, (uint8_t)variant }, .port = 65535 },
            .dst = { .family = (uint8_t)(variant % 2 ? 6 : 0), .addr = { [15] = 1 }, .port = 0 },
            .id_kind = IG_ID_API_KEY, .protocol = IG_PROTO_OPENAI_CHAT, .status = (uint16_t)(variant * 100),
            .flags = variant % 2 ? IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS | IG_EV_MALFORMED
                                 : IG_EV_TEXT | IG_EV_MIDSTREAM | IG_EV_ERROR,
            .malformed_reason = variant == 3 ? NULL : "bad \"shape\"",
            .evasion = variant ? 0xffffffffu >> variant : 0,
            .id_flags = variant == 1 ? IG_IDF_MESH_SPOOF | IG_IDF_JWT_EXPIRED
                      : variant == 2 ? IG_IDF_JWT_BAD : 0,
            .rows = variant % 2 ? 3 : 0, .features = 70, .outputs = 5,
            .inputs = variant % 2 ? in : NULL, .scores = variant % 2 ? sc : NULL,
            .labels = variant % 2 ? lb : NULL,
            .prompt = { (const uint8_t *)(variant % 3 ? longtext : esctext),
                        variant % 3 ? sizeof longtext : sizeof esctext },
            .completion = { (const uint8_t *)(variant == 4 ? "" : esctext), variant == 4 ? 0 : 17 },
            .system_prompt = { variant == 2 ? (const uint8_t *)"be \"brief\"" : NULL, 11 },
            .prompt_tokens = (uint32_t)variant, .completion_tokens = UINT32_MAX, .streamed = variant % 2,
            .req_bytes = 0, .resp_bytes = 1ull << 40,
        };
        memset(ev.client_id, variant == 5 ? 'k' : 0, sizeof ev.client_id);   /* full length: no NUL */
        if (variant != 5)
            strcpy(ev.client_id, variant ? "key:\xce\xb1\xce\xb2\"q" : "");
        if (variant >= 1) {
            ev.claimed_kind = IG_ID_JWT;
            strcpy(ev.claimed_id, "jwt:user\\1");
        }
        if (variant != 4) {
            ev.group_kind = IG_ID_SOURCE_IP;
            strcpy(ev.group_id, "10.0.0.0/24");
        }
        strcpy(ev.model, variant ? "fraud-detector-with-a-long-name" : "m");
        strcpy(ev.model_version, variant == 2 ? "" : "12");
        strcpy(ev.method, "POST");
        fill(ev.route, sizeof ev.route - 1, "/v1/chat/completions/");
        for (int tensors = 0; tensors < 2; tensors++)
            for (size_t start = 1; start <= 1u << 16; start <<= 16) {
                struct ig_jsonw a, b;
                ig_jsonw_init(&a, start);
                ig_jsonw_init(&b, start);
                ig_jsonw_arr_open(&a);   /* inside an array, after a value: the comma */
                ig_jsonw_arr_open(&b);
                ig_jsonw_u64(&a, 1);
                ig_jsonw_u64(&b, 1);
                ig_event_to_json(&ev, &a, tensors);
                ref_event_to_json(&ev, &b, tensors);
                ig_jsonw_arr_close(&a);
                ig_jsonw_arr_close(&b);
                assert_false(a.oom);
                assert_int_equal(a.len, b.len);
                assert_int_equal(a.len, strlen(a.buf));
                assert_memory_equal(a.buf, b.buf, b.len);
                ig_jsonw_free(&a);
                ig_jsonw_free(&b);
            }
    }
}

int main(void)
{
    ig_scratch_init(&S, 1 << 16, 1 << 24);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tensor_event),
        cmocka_unit_test(test_text_and_malformed),
        cmocka_unit_test(test_cursor_writer_matches_generic_calls),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ig_scratch_free(&S);
    return rc;
}
