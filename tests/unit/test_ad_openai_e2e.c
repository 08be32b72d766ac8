/* End to end through `inferguard analyze --events`: a capture of loopback traffic in which
 * every request comes from one mesh proxy address (127.0.0.6) carrying distinct XFCC, JWT,
 * API-key and X-Forwarded-For identities; a streamed chat completion whose chunked
 * encoding and TCP segments split the SSE events at arbitrary places; KServe v1,
 * completions with logprobs and embeddings. Checks the events value by value, and that the
 * raw API key appears nowhere in the output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/json.h"
#include "pcapw.h"
#include "test_jwt_helpers.h"

#define API_KEY "sk-proj-e2eSECRETkey0123456789"

static char dir[256];
static uint16_t next_port = 41000;
static uint64_t clock_us = 1700000000000000ull;

/* One keep-alive-free exchange on its own connection from <cli>. */
static void exchange(struct ig_pcapw *w, const char *cli, const char *req, const char *resp,
                     uint16_t mss)
{
    struct ig_tcpconv c;
    assert_int_equal(ig_tcpconv_init(&c, w, cli, next_port++, "127.0.0.1", 8080, 1000, 9000,
                                     clock_us), 0);
    if (mss)
        c.mss = mss;
    assert_int_equal(ig_tcpconv_handshake(&c), 0);
    assert_int_equal(ig_tcpconv_client_send(&c, req, strlen(req)), 0);
    ig_tcpconv_wait(&c, 2000);
    assert_int_equal(ig_tcpconv_server_send(&c, resp, strlen(resp)), 0);
    assert_int_equal(ig_tcpconv_fin(&c, false), 0);
    clock_us = c.ts_us + 100000;
}

static char *http_req(const char *path, const char *headers, const char *body)
{
    char *s;
    assert_true(asprintf(&s, "POST %s HTTP/1.1\r\nHost: model\r\nContent-Type: application/json\r\n"
                         "%sContent-Length: %zu\r\n\r\n%s", path, headers, strlen(body), body) > 0);
    return s;
}

static char *http_resp(const char *ctype, const char *body)
{
    char *s;
    assert_true(asprintf(&s, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
                         ctype, strlen(body), body) > 0);
    return s;
}

/* Chunked transfer encoding with irregular chunk sizes, so chunk boundaries fall inside
 * SSE field names, JSON strings and between CR and LF. */
static char *http_chunked_sse(const char *body)
{
    static const size_t sizes[] = { 7, 13, 1, 31, 2, 64, 5, 17 };
    size_t n = strlen(body), cap = n * 2 + 4096, o = 0, k = 0;
    char *s = malloc(cap);
    o += (size_t)sprintf(s, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n");
    for (size_t i = 0; i < n; k++) {
        size_t c = IG_MIN(sizes[k % IG_ARRAY_LEN(sizes)], n - i);
        o += (size_t)sprintf(s + o, "%zx\r\n", c);
        memcpy(s + o, body + i, c);
        o += c;
        o += (size_t)sprintf(s + o, "\r\n");
        i += c;
    }
    sprintf(s + o, "0\r\n\r\n");
    return s;
}

static const char sse_body[] =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\r\n\r\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"The capital \"}}]}\r\n\r\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"content\":\"of France is \\\"Paris\\\".\"}}]}\r\n\r\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
    "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":8,\"total_tokens\":22}}\r\n\r\n"
    "data: [DONE]\r\n\r\n";

static void write_capture(const char *pcap)
{
    struct ig_pcapw *w = ig_pcapw_open(pcap, IG_PCAPW_EN10MB);
    assert_non_null(w);
    char jwt_hdr[512], h[128], p[256];
    tst_b64url_str("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", h);
    tst_b64url_str("{\"iss\":\"https://idp.example\",\"sub\":\"user-42\",\"exp\":1900000000}", p);
    snprintf(jwt_hdr, sizeof jwt_hdr, "Authorization: Bearer %s.%s.c2ln\r\n", h, p);

    char *rq, *rs;
    /* 1: SPIFFE identity, KServe v1. */
    rq = http_req("/v1/models/iris/versions/2:predict",
                  "x-forwarded-client-cert: By=spiffe://cluster.local/ns/ml/sa/iris;Hash=ab;"
                  "URI=spiffe://cluster.local/ns/shop/sa/frontend\r\n",
                  "{\"instances\":[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]}");
    rs = http_resp("application/json", "{\"predictions\":[[0.97,0.02,0.01],[0.01,0.09,0.9]]}");
    exchange(w, "127.0.0.6", rq, rs, 0);
    free(rq), free(rs);

    /* 2: JWT identity, streamed chat split everywhere. */
    rq = http_req("/v1/chat/completions", jwt_hdr,
                  "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"system\","
                  "\"content\":\"Answer in one sentence.\"},{\"role\":\"user\",\"content\":"
                  "\"What is the capital of France?\"}]}");
    rs = http_chunked_sse(sse_body);
    exchange(w, "127.0.0.6", rq, rs, 97);
    free(rq), free(rs);

    /* 3: API key, completions with logprobs. */
    rq = http_req("/v1/completions", "x-api-key: " API_KEY "\r\n",
                  "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Say this is a test\",\"logprobs\":1}");
    rs = http_resp("application/json",
                   "{\"choices\":[{\"text\":\" This is a test\",\"index\":0,\"logprobs\":{\"tokens\":"
                   "[\" This\",\" is\"],\"token_logprobs\":[-0.5,-0.125],\"top_logprobs\":null,"
                   "\"text_offset\":[0,5]},\"finish_reason\":\"length\"}],"
                   "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}");
    exchange(w, "127.0.0.6", rq, rs, 0);
    free(rq), free(rs);

    /* 4: forwarded client, embeddings. */
    rq = http_req("/v1/embeddings", "X-Forwarded-For: 127.0.5.5, 127.0.0.6\r\n",
                  "{\"input\":[\"hello\",\"world\"],\"model\":\"text-embedding-3-small\"}");
    rs = http_resp("application/json",
                   "{\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,-0.5]},"
                   "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.125,1e-3]}],"
                   "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}");
    exchange(w, "127.0.0.6", rq, rs, 0);
    free(rq), free(rs);

    /* 5: the same XFF from an untrusted peer: ignored. */
    rq = http_req("/v1/embeddings", "X-Forwarded-For: 127.0.5.5\r\n", "{\"input\":\"x\"}");
    rs = http_resp("application/json", "{\"data\":[{\"embedding\":[1,2]}]}");
    exchange(w, "127.0.0.9", rq, rs, 0);
    free(rq), free(rs);
    assert_int_equal(ig_pcapw_close(w), 0);
}

static const struct ig_json *get(const struct ig_json *o, const char *path)
{
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        memcpy(key, path, n);
        key[n] = '\0';
        o = ig_json_get(o, key);
        path += n + (path[n] == '.');
    }
    return o;
}

static void expect_str(const struct ig_json *o, const char *path, const char *want)
{
    char buf[512];
    long n = ig_json_str_copy(get(o, path), buf, sizeof buf);
    if (n < 0 || strcmp(buf, want) != 0)
        fail_msg("%s: got '%s' want '%s'", path, n < 0 ? "(absent)" : buf, want);
}

static double num(const struct ig_json *o, const char *path)
{
    double d = NAN;
    const struct ig_json *v = get(o, path);
    if (ig_json_f64(v, &d) < 0)
        fail_msg("%s: not a number", path);
    return d;
}

static void test_capture_events(void **state)
{
    (void)state;
    const char *build = getenv("IG_BUILD");
    char bin[512], pcap[300], conf[300], events[300], cmd[4096];
    snprintf(bin, sizeof bin, "%s/inferguard", build ? build : ".");
    assert_int_equal(access(bin, X_OK), 0);
    snprintf(dir, sizeof dir, "/tmp/ig_ad_e2e.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(pcap, sizeof pcap, "%s/in.pcap", dir);
    snprintf(conf, sizeof conf, "%s/config.yaml", dir);
    snprintf(events, sizeof events, "%s/events.jsonl", dir);
    write_capture(pcap);
    FILE *f = fopen(conf, "w");
    fprintf(f, "identity:\n  hash_secret: e2e-secret\n  trusted_proxies: [127.0.0.6/32]\n");
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' analyze -c '%s' --findings '%s/findings.jsonl' --events '%s' '%s' "
             "2>'%s/stderr.txt'", bin, conf, dir, events, pcap, dir);
    assert_int_equal(system(cmd), 0);

    size_t n;
    char *all = tst_slurp(events, &n);
    assert_null(strstr(all, API_KEY));
    assert_null(strstr(all, "e2eSECRET"));

    struct ig_scratch s;
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, NULL);
    assert_int_equal(ig_scratch_init(&s, 1 << 16, 1 << 24), 0);
    int seen = 0;
    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
        const struct ig_json *ev;
        const char *why;
        assert_int_equal(ig_json_parse((const uint8_t *)line, strlen(line), &lim, &s, &ev, &why), 0);
        char route[128], proto[64];
        ig_json_str_copy(get(ev, "route"), route, sizeof route);
        ig_json_str_copy(get(ev, "protocol"), proto, sizeof proto);
        assert_null(get(ev, "malformed"));
        if (strcmp(route, "/v1/models/iris/versions/2:predict") == 0) {
            expect_str(ev, "client.kind", "spiffe");
            expect_str(ev, "client.id", "spiffe://cluster.local/ns/shop/sa/frontend");
            expect_str(ev, "model", "iris");
            expect_str(ev, "version", "2");
            assert_int_equal(num(ev, "rows"), 2);
            assert_int_equal(num(ev, "features"), 4);
            assert_int_equal(num(ev, "outputs"), 3);
            const struct ig_json *l = ig_json_get(ev, "labels");
            size_t nl;
            double lv[2];
            assert_int_equal(ig_json_f64_array(l, lv, 2, &nl, &why), 0);
            assert_true(lv[0] == 0 && lv[1] == 2);
            seen |= 1;
        } else if (strcmp(route, "/v1/chat/completions") == 0) {
            /* Relayed by the trusted proxy, no JWKS configured: unverified. */
            expect_str(ev, "client.kind", "jwt_unverified");
            expect_str(ev, "client.basis", "forwarded");
            expect_str(ev, "client.id", "https://idp.example|user-42");
            expect_str(ev, "completion", "The capital of France is \"Paris\".");
            expect_str(ev, "prompt", "user: What is the capital of France?");
            expect_str(ev, "system_prompt", "Answer in one sentence.");
            assert_true(get(ev, "streamed")->type == IG_JSON_TRUE);
            assert_int_equal(num(ev, "prompt_tokens"), 14);
            assert_int_equal(num(ev, "completion_tokens"), 8);
            seen |= 2;
        } else if (strcmp(route, "/v1/completions") == 0) {
            expect_str(ev, "client.kind", "api_key");
            char id[64];
            ig_json_str_copy(get(ev, "client.id"), id, sizeof id);
            assert_int_equal(strncmp(id, "key:", 4), 0);
            assert_int_equal(strlen(id), 20);
            expect_str(ev, "completion", " This is a test");
            assert_int_equal(num(ev, "rows"), 2);
            assert_int_equal(num(ev, "outputs"), 1);
            seen |= 4;
        } else if (strcmp(route, "/v1/embeddings") == 0) {
            char ip[64];
            ig_json_str_copy(get(ev, "client.ip"), ip, sizeof ip);
            if (strcmp(ip, "127.0.0.6") == 0) {
                expect_str(ev, "client.kind", "forwarded");
                expect_str(ev, "client.id", "127.0.5.5");
                assert_int_equal(num(ev, "rows"), 2);
                assert_int_equal(num(ev, "outputs"), 2);
                expect_str(ev, "protocol", "openai_embeddings");
                seen |= 8;
            } else {
                expect_str(ev, "client.kind", "source_ip");
                expect_str(ev, "client.id", "127.0.0.9");
                seen |= 16;
            }
        } else {
            fail_msg("unexpected event on route %s (%s)", route, proto);
        }
        ig_scratch_reset(&s);
    }
    assert_int_equal(seen, 31);
    ig_scratch_free(&s);
    free(all);

    /* Findings and the summary must not carry the key either. */
    snprintf(cmd, sizeof cmd, "%s/findings.jsonl", dir);
    char *fnd = tst_slurp(cmd, &n);
    assert_null(strstr(fnd, API_KEY));
    free(fnd);
    snprintf(cmd, sizeof cmd, "%s/stderr.txt", dir);
    char *err = tst_slurp(cmd, &n);
    assert_null(strstr(err, API_KEY));
    free(err);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
