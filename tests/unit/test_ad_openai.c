/* OpenAI-style adapter: chat (plain and streamed), completions with logprobs, embeddings,
 * and the SSE reassembler under every split of its input. Fixtures follow the OpenAI API
 * reference (chat.completion, chat.completion.chunk, text_completion, embedding objects). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_adapter_helpers.h"
#include "adapters/ad_openai_sse.h"

static const struct ig_decode_ctx probe_ctx;   /* no configured routes */

extern const struct ig_adapter ig_ad_openai;

static struct ig_http_header resp_hdr[1];

static int setup(void **state)
{
    (void)state;
    return adapter_setup();
}

static int run(const char *path, const char *req, const char *resp, const char *ctype)
{
    post(path, req, resp);
    if (ctype) {
        resp_hdr[0].name = sp("Content-Type");
        resp_hdr[0].value = sp(ctype);
        txn.resp_headers = resp_hdr;
        txn.n_resp_headers = 1;
    }
    assert_int_equal(ig_ad_openai.probe(&probe_ctx, &txn), 80);
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &scratch };
    return ig_ad_openai.decode(&ctx, &txn, &ev, &reason);
}

static void expect_text(struct ig_span got, const char *want)
{
    if (got.n != strlen(want) || memcmp(got.p, want, got.n) != 0)
        fail_msg("got '%.*s' want '%s'", (int)got.n, (const char *)got.p, want);
}

static const char chat_req[] =
    "{\"model\":\"gpt-4o-mini\",\"messages\":["
    "{\"role\":\"system\",\"content\":\"You are helpful.\"},"
    "{\"role\":\"user\",\"content\":\"Hi\"},"
    "{\"role\":\"assistant\",\"content\":\"Hello!\"},"
    "{\"role\":\"developer\",\"content\":\"Be brief.\"},"
    "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is 2+2?\"},"
    "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
    "{\"type\":\"text\",\"text\":\"Answer\\nbriefly.\"}]}],\"temperature\":0}";

static void test_probe(void **state)
{
    (void)state;
    struct ig_http_txn t = { .method = sp("POST") };
    static const char *const yes[] = { "/v1/chat/completions", "/chat/completions",
        "/v1/completions", "/completions", "/v1/embeddings", "/embeddings",
        "/openai/deployments/gpt4/chat/completions", "/openai/deployments/e/embeddings" };
    for (size_t i = 0; i < IG_ARRAY_LEN(yes); i++) {
        t.path = sp(yes[i]);
        assert_int_equal(ig_ad_openai.probe(&probe_ctx, &t), 80);
    }
    t.path = sp("/v1/models");
    assert_int_equal(ig_ad_openai.probe(&probe_ctx, &t), 0);
    t.path = sp("/v1/chat/completions");
    t.method = sp("GET");
    assert_int_equal(ig_ad_openai.probe(&probe_ctx, &t), 0);
}

static void test_chat(void **state)
{
    (void)state;
    assert_int_equal(run("/v1/chat/completions", chat_req,
        "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion\",\"created\":1677652288,"
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\","
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        "\"4. \\\"Four\\\" \\u2713\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        "\"usage\":{\"prompt_tokens\":41,\"completion_tokens\":7,\"total_tokens\":48}}", NULL), IG_OK);
    assert_int_equal(ev.protocol, IG_PROTO_OPENAI_CHAT);
    assert_string_equal(ev.model, "gpt-4o-mini");
    expect_text(ev.prompt, "user: Hi\nassistant: Hello!\nuser: What is 2+2? Answer\nbriefly.");
    expect_text(ev.system_prompt, "You are helpful.\nBe brief.");
    expect_text(ev.completion, "4. \"Four\" \xe2\x9c\x93");
    assert_int_equal(ev.prompt_tokens, 41);
    assert_int_equal(ev.completion_tokens, 7);
    assert_false(ev.streamed);
    assert_int_equal(ev.flags, IG_EV_TEXT);
    assert_null(ev.scores);

    /* Azure: the deployment names the model; logprobs of the chosen tokens. */
    assert_int_equal(run("/openai/deployments/prod-gpt4/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"logprobs\":true}",
        "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hey there\"},"
        "\"logprobs\":{\"content\":[{\"token\":\"Hey\",\"logprob\":-0.31,\"bytes\":[72,101,121],"
        "\"top_logprobs\":[]},{\"token\":\" there\",\"logprob\":-1.25e-3,\"bytes\":null,"
        "\"top_logprobs\":[]}]},\"finish_reason\":\"stop\"}]}", NULL), IG_OK);
    assert_string_equal(ev.model, "prod-gpt4");
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.outputs, 1);
    assert_true(ev.scores[0] == (float)exp(-0.31));
    assert_true(ev.scores[1] == (float)exp(-1.25e-3));
    assert_null(ev.labels);
    assert_false(ev.flags & IG_EV_LOGITS);
}

/* The stream OpenAI sends for the chat above, with a usage chunk (stream_options). */
static const char chat_stream[] =
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
    "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
    "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
    ": keep-alive comment\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"lo \\\"w\\u00f6rld\\\"\\n\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
    "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}}\n\n"
    "data: [DONE]\n\n";

static void test_chat_stream(void **state)
{
    (void)state;
    char req[] = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":"
                 "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    assert_int_equal(run("/v1/chat/completions", req, chat_stream, "text/event-stream; charset=utf-8"),
                     IG_OK);
    assert_true(ev.streamed);
    expect_text(ev.completion, "Hello \"w\xc3\xb6rld\"\n");
    expect_text(ev.prompt, "user: Hi");
    assert_int_equal(ev.prompt_tokens, 9);
    assert_int_equal(ev.completion_tokens, 4);
    assert_false(ev.flags & IG_EV_MALFORMED);

    /* Same stream with CRLF line ends, no content-type, stream flag only in the request. */
    char crlf[sizeof chat_stream * 2];
    size_t o = 0;
    for (const char *p = chat_stream; *p; p++) {
        if (*p == '\n')
            crlf[o++] = '\r';
        crlf[o++] = *p;
    }
    crlf[o] = '\0';
    assert_int_equal(run("/v1/chat/completions", req, crlf, NULL), IG_OK);
    expect_text(ev.completion, "Hello \"w\xc3\xb6rld\"\n");
    assert_int_equal(ev.completion_tokens, 4);

    /* A broken chunk in the middle: flagged, the rest still reassembled. */
    assert_int_equal(run("/v1/chat/completions", req,
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
        "data: {\"choices\":[{\"delta\":{\"cont\n\n"
        "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n", "text/event-stream"), IG_OK);
    expect_text(ev.completion, "ab");
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_string_equal(ev.malformed_reason, "stream event is not valid JSON");
}

/* Chunks equal but for their text are taken from the last parsed one (a template) without
 * a parse: the same event as parsing each, also when the bytes between the template's
 * prefix and suffix are not one string body (a second key, a control byte, an escaped
 * closing quote). */
#define TPL_PRE "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," \
                "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
#define TPL_SUF "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
static const char tpl_stream[] =
    TPL_PRE "Hel" TPL_SUF
    TPL_PRE "lo " TPL_SUF
    TPL_PRE "\\\"w\\u00f6rld\\\"\\n" TPL_SUF
    TPL_PRE "x\",\"content\":\"y" TPL_SUF            /* duplicate key: the last one wins */
    TPL_PRE "bad\x01" TPL_SUF                        /* control byte: not JSON */
    TPL_PRE "a\\" TPL_SUF                            /* escapes the closing quote: not JSON */
    TPL_PRE " end" TPL_SUF
    "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}\n\n"
    TPL_PRE " more" TPL_SUF
    "data: [DONE]\n\n";

static void test_stream_template(void **state)
{
    (void)state;
    const char req[] = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    char text[2][128], why[2][64];
    size_t n[2];
    for (int on = 0; on < 2; on++) {
        ig_ad_openai_chunk_template = on;
        assert_int_equal(run("/v1/chat/completions", req, tpl_stream, "text/event-stream"), IG_OK);
        expect_text(ev.completion, "Hello \"w\xc3\xb6rld\"\ny end more");
        assert_string_equal(ev.model, "m");
        assert_int_equal(ev.prompt_tokens, 3);
        assert_int_equal(ev.completion_tokens, 5);
        assert_true(ev.flags & IG_EV_MALFORMED);
        n[on] = ev.completion.n;
        memcpy(text[on], ev.completion.p, n[on]);
        snprintf(why[on], sizeof why[on], "%s", ev.malformed_reason);
    }
    assert_int_equal(n[0], n[1]);
    assert_memory_equal(text[0], text[1], n[0]);
    assert_string_equal(why[0], why[1]);
    assert_string_equal(why[1], "stream event is not valid JSON");
}

static void test_completions_logprobs(void **state)
{
    (void)state;
    assert_int_equal(run("/v1/completions",
        "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":[\"Say this\",\"is a test\"],"
        "\"logprobs\":1,\"max_tokens\":3,\"echo\":false}",
        "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"gpt-3.5-turbo-instruct\","
        "\"choices\":[{\"text\":\"\\n\\nThis\",\"index\":0,\"logprobs\":{\"tokens\":[\"\\n\",\"\\n\",\"This\"],"
        "\"token_logprobs\":[-0.1,-0.25,-1.5],\"top_logprobs\":[{\"\\n\":-0.1},{\"\\n\":-0.25},"
        "{\"This\":-1.5}],\"text_offset\":[8,9,10]},\"finish_reason\":\"length\"},"
        "{\"text\":\" is\",\"index\":1,\"logprobs\":{\"tokens\":[\"x\"],\"token_logprobs\":[null],"
        "\"top_logprobs\":[null],\"text_offset\":[0]},\"finish_reason\":\"length\"}],"
        "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}", NULL), IG_OK);
    assert_int_equal(ev.protocol, IG_PROTO_OPENAI_COMPLETIONS);
    expect_text(ev.prompt, "Say this\nis a test");
    expect_text(ev.completion, "\n\nThis\n is");
    assert_int_equal(ev.rows, 3);   /* the null (echoed prompt token) has no probability */
    assert_int_equal(ev.outputs, 1);
    assert_true(ev.scores[0] == (float)exp(-0.1));
    assert_true(ev.scores[1] == (float)exp(-0.25));
    assert_true(ev.scores[2] == (float)exp(-1.5));
    assert_int_equal(ev.prompt_tokens, 5);
    assert_int_equal(ev.completion_tokens, 6);

    /* Streamed completions: choices[].text per chunk. */
    assert_int_equal(run("/v1/completions", "{\"model\":\"m\",\"prompt\":\"Once\",\"stream\":true}",
        "data: {\"choices\":[{\"text\":\" upon\",\"index\":0,\"logprobs\":null}],\"model\":\"m\"}\n\n"
        "data: {\"choices\":[{\"text\":\" a time\",\"index\":0,\"logprobs\":null}],\"model\":\"m\"}\n\n"
        "data: [DONE]\n\n", "text/event-stream"), IG_OK);
    expect_text(ev.completion, " upon a time");
    assert_true(ev.streamed);
}

static void test_embeddings(void **state)
{
    (void)state;
    assert_int_equal(run("/v1/embeddings",
        "{\"input\":[\"The food was delicious\",\"and the waiter\"],\"model\":\"text-embedding-3-small\"}",
        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
        "[0.0023064255,-0.009327292,0.015797347]},{\"object\":\"embedding\",\"index\":1,"
        "\"embedding\":[-0.0028842222,0.5,-1e-7]}],\"model\":\"text-embedding-3-small\","
        "\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}", NULL), IG_OK);
    assert_int_equal(ev.protocol, IG_PROTO_OPENAI_EMBEDDINGS);
    expect_text(ev.prompt, "The food was delicious\nand the waiter");
    assert_int_equal(ev.rows, 2);
    assert_int_equal(ev.outputs, 3);
    assert_true(ev.scores[1] == strtof("-0.009327292", NULL));
    assert_true(ev.scores[5] == strtof("-1e-7", NULL));
    assert_null(ev.labels);
    assert_int_equal(ev.prompt_tokens, 8);

    /* encoding_format base64: little-endian float32. */
    assert_int_equal(run("/embeddings", "{\"input\":\"x\",\"model\":\"e\",\"encoding_format\":\"base64\"}",
        "{\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"AACAPwAAIMA=\"}]}", NULL), IG_OK);
    assert_int_equal(ev.rows, 1);
    assert_int_equal(ev.outputs, 2);
    assert_true(ev.scores[0] == 1.0f && ev.scores[1] == -2.5f);

    assert_int_equal(run("/v1/embeddings", "{\"input\":\"x\"}",
        "{\"data\":[{\"embedding\":[1,2]},{\"embedding\":[1]}]}", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_null(ev.scores);
}

static void test_bad_input(void **state)
{
    (void)state;
    assert_true(run("/v1/chat/completions", "not json", NULL, NULL) < 0);
    assert_true(run("/v1/chat/completions", "[]", NULL, NULL) < 0);
    assert_int_equal(run("/v1/chat/completions", "{\"messages\":5}", "{\"choices\":7}", NULL), IG_OK);
    assert_int_equal(ev.prompt.n, 0);
    assert_int_equal(run("/v1/chat/completions", "{\"messages\":[]}", "{\"choi", NULL), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
    assert_int_equal(run("/v1/chat/completions", "{\"stream\":true}", "garbage", "text/event-stream"), IG_OK);
    assert_true(ev.flags & IG_EV_MALFORMED);
}

/* ---- SSE reassembly under arbitrary splits ---- */

struct collect { char buf[8192]; size_t n; int events; };

static int collect_fn(void *ctx, struct ig_span d)
{
    struct collect *c = ctx;
    assert_true(c->n + d.n + 1 < sizeof c->buf);
    memcpy(c->buf + c->n, d.p, d.n);
    c->n += d.n;
    c->buf[c->n++] = '|';
    c->events++;
    return IG_OK;
}

static void sse_run(const char *in, const size_t *cuts, size_t ncuts, struct collect *c)
{
    struct ig_sse sse;
    ig_scratch_reset(&scratch);
    assert_int_equal(ig_sse_init(&sse, &scratch, 4096), IG_OK);
    memset(c, 0, sizeof *c);
    size_t n = strlen(in), prev = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        assert_int_equal(ig_sse_feed(&sse, (const uint8_t *)in + prev, end - prev, collect_fn, c), IG_OK);
        prev = end;
    }
    assert_int_equal(ig_sse_end(&sse, collect_fn, c), IG_OK);
}

static void test_sse_splits(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        chat_stream,
        "data: a\r\ndata:b\r\n\r\nevent: x\rdata:  c\r\rdata\n\nid: 1\nretry: 5\n\n:c\ndata: {\"d\":1}",
    };
    static const char *const want[] = {
        NULL,
        "a\nb| c||{\"d\":1}|",
    };
    for (size_t k = 0; k < IG_ARRAY_LEN(inputs); k++) {
        struct collect whole, part;
        sse_run(inputs[k], NULL, 0, &whole);
        if (want[k]) {
            assert_int_equal(whole.n, strlen(want[k]));
            assert_memory_equal(whole.buf, want[k], whole.n);
        } else {
            assert_int_equal(whole.events, 6);
        }
        size_t n = strlen(inputs[k]);
        /* Every single split point, then every pair of split points, then byte by byte. */
        for (size_t i = 0; i <= n; i++) {
            sse_run(inputs[k], &i, 1, &part);
            assert_int_equal(part.n, whole.n);
            assert_memory_equal(part.buf, whole.buf, whole.n);
        }
        for (size_t i = 0; i <= n; i += 7)
            for (size_t j = i; j <= n; j += 3) {
                size_t cuts[2] = { i, j };
                sse_run(inputs[k], cuts, 2, &part);
                assert_memory_equal(part.buf, whole.buf, whole.n);
            }
        size_t *cuts = malloc(n * sizeof *cuts);
        for (size_t i = 0; i < n; i++)
            cuts[i] = i;
        sse_run(inputs[k], cuts, n, &part);
        assert_memory_equal(part.buf, whole.buf, whole.n);
        free(cuts);
    }
}

static void test_sse_oversize(void **state)
{
    (void)state;
    struct ig_sse sse;
    struct collect c = { .n = 0 };
    ig_scratch_reset(&scratch);
    assert_int_equal(ig_sse_init(&sse, &scratch, 8), IG_OK);
    const char in[] = "data: 0123456789abc\n\ndata: ok\n\n";
    assert_int_equal(ig_sse_feed(&sse, (const uint8_t *)in, sizeof in - 1, collect_fn, &c), IG_OK);
    assert_int_equal(ig_sse_end(&sse, collect_fn, &c), IG_OK);
    assert_int_equal(c.events, 1);
    assert_memory_equal(c.buf, "ok|", 3);
    assert_int_equal(sse.dropped_oversize, 1);

    /* At the edge: an event's data takes its newline's byte too, so 7 bytes fit in 8 and 8
     * do not, whether the input comes whole (a one-line event is handed out from it) or
     * byte by byte (copied). */
    const char edge[] = "data: 1234567\r\n\r\ndata: 12345678\n\ndata: 7654321\r\r";
    for (int split = 0; split < 2; split++) {
        ig_scratch_reset(&scratch);
        assert_int_equal(ig_sse_init(&sse, &scratch, 8), IG_OK);
        memset(&c, 0, sizeof c);
        size_t n = sizeof edge - 1;
        for (size_t i = 0; i < n; i += split ? 1 : n)
            assert_int_equal(ig_sse_feed(&sse, (const uint8_t *)edge + i, split ? 1 : n, collect_fn, &c), IG_OK);
        assert_int_equal(ig_sse_end(&sse, collect_fn, &c), IG_OK);
        assert_int_equal(c.events, 2);
        assert_int_equal(c.n, 16);
        assert_memory_equal(c.buf, "1234567|7654321|", 16);
        assert_int_equal(sse.dropped_oversize, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_chat),
        cmocka_unit_test(test_chat_stream),
        cmocka_unit_test(test_stream_template),
        cmocka_unit_test(test_completions_logprobs),
        cmocka_unit_test(test_embeddings),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_sse_splits),
        cmocka_unit_test(test_sse_oversize),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
