/* Configuration loader: defaults, every value type, nesting and dotted keys, unknown keys
 * and range/type errors with their line, and that a failed load changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inferguard/config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct ig_config *cfg_new(void)
{
    struct ig_config *c = malloc(sizeof *c);
    assert_non_null(c);
    ig_config_defaults(c);
    return c;
}

static int load(struct ig_config *c, const char *yaml, char *err, size_t errlen)
{
    return ig_config_load_buf("cfg.yaml", yaml, strlen(yaml), c, err, errlen);
}

static void expect_error(const char *yaml, const char *msg)
{
    struct ig_config *c = cfg_new();
    char err[512] = "";
    assert_int_equal(load(c, yaml, err, sizeof err), IG_ECONF);
    if (!strstr(err, msg))
        fail_msg("error '%s' lacks '%s'", err, msg);
    free(c);
}

static void test_defaults(void **state)
{
    (void)state;
    unsetenv("INFERGUARD_ID_SECRET");
    struct ig_config *c = cfg_new();
    assert_int_equal(c->capture_snaplen, 262144);
    assert_string_equal(c->capture_bpf, "");
    assert_int_equal(c->n_model_ports, 7);
    uint16_t ports[] = { 80, 8000, 8001, 8080, 8500, 8501, 9000 };
    for (int i = 0; i < 7; i++)
        assert_int_equal(c->model_ports[i], ports[i]);
    /* memory.limit 1 GiB: the caps it governs are derived from it (README "Memory budget") */
    assert_int_equal(c->memory_limit, 1ull << 30);
    assert_int_equal(c->flow_memcap, 166ull << 20);
    assert_int_equal(c->http_memcap, 249ull << 20);
    assert_int_equal(c->clients_memcap, 208ull << 20);
    assert_int_equal(c->events_memcap, 99ull << 20);
    assert_int_equal(c->ce_pending_memcap, 49ull << 20);
    assert_int_equal(c->max_models, 96);
    assert_int_equal(c->flow_max, (166u << 20) / (8u << 10));
    assert_true(c->flow_memcap + c->http_memcap + c->clients_memcap + c->events_memcap +
                c->ce_pending_memcap + (uint64_t)c->max_models * (256u << 10) <= c->memory_limit);
    assert_int_equal(c->flow_idle_timeout_s, 120);
    assert_int_equal(c->flow_stream_max, 4u << 20);
    assert_int_equal(c->http_request_body_limit, 8u << 20);
    assert_int_equal(c->http_response_body_limit, 8u << 20);
    assert_int_equal(c->max_rows, 65536);
    assert_int_equal(c->max_features, 1048576);
    assert_int_equal(c->max_values, 4194304);
    assert_int_equal(c->max_depth, 64);
    assert_int_equal(c->max_string, 1u << 20);
    assert_int_equal(c->n_identity_order, 6);
    assert_string_equal(c->identity_order[0], "spiffe");
    assert_string_equal(c->identity_order[3], "jwt_unverified");
    assert_string_equal(c->identity_order[5], "source_ip");
    /* Istio's inbound proxy address is trusted out of the box. */
    assert_int_equal(c->n_trusted_proxies, 2);
    assert_string_equal(c->trusted_proxies[0], "127.0.0.6/32");
    assert_string_equal(c->trusted_proxies[1], "::6/128");
    assert_int_equal(c->jwt_leeway_s, 60);
    assert_int_equal(c->rotation_threshold, 32);
    assert_int_equal(c->n_api_key_headers, 1);
    assert_string_equal(c->api_key_headers[0], "x-api-key");
    assert_string_equal(c->identity_secret, "");
    assert_int_equal(c->n_trusted_proxies, 2);
    assert_int_equal(c->clients_max, 100000);
    assert_string_equal(c->findings_encoding, "json");
    assert_string_equal(c->findings_path, "-");
    assert_string_equal(c->events_path, "");
    assert_string_equal(c->rules_dir, "");   /* the embedded set */
    assert_string_equal(c->kafka_brokers, "");
    assert_string_equal(c->kafka_topic, "inferguard.findings");
    assert_int_equal(c->n_kafka_props, 0);
    assert_string_equal(c->spool_dir, "/var/lib/inferguard/spool");
    assert_int_equal(c->spool_max_bytes, 256ull << 20);
    assert_string_equal(c->spool_fsync, "batch");
    assert_int_equal(c->flush_timeout_ms, 10000);
    assert_string_equal(c->reports_dir, "");
    free(c);

    setenv("INFERGUARD_ID_SECRET", "s3cret", 1);
    c = cfg_new();
    assert_string_equal(c->identity_secret, "s3cret");
    free(c);
    unsetenv("INFERGUARD_ID_SECRET");
}

static void test_every_type(void **state)
{
    (void)state;
    struct ig_config *c = cfg_new();
    char err[512] = "";
    const char *yaml =
        "capture:\n"
        "  snaplen: 65535\n"
        "  bpf: \"tcp port 8080\"\n"
        "  ports: [8080, 9000]\n"
        "flow:\n"
        "  idle_timeout: 5m\n"
        "  memcap: 64MiB\n"
        "  stream_max_bytes: 512k\n"
        "http.request_body_limit: 8M\n"          /* dotted key at top level */
        "http:\n"
        "  response_body_limit: 1GB\n"
        "identity:\n"
        "  order: [jwt, source_ip]\n"
        "  api_key_headers: [X-API-Key, Authorization]\n"
        "  trusted_proxies: [10.0.0.0/8, \"fd00::/8\", 127.0.0.1]\n"
        "  hash_secret: abc\n"
        "detection: {max_clients: 500, memcap: 1GiB}\n"
        "findings: {encoding: msgpack}\n"
        "output: {findings: /tmp/f.jsonl, events: ''}\n"
        "kafka:\n"
        "  brokers: 127.0.0.1:9092\n"
        "  properties:\n"
        "    security.protocol: plaintext\n"
        "    linger.ms: 5\n"
        "  spool_fsync: always\n"
        "  flush_timeout: 1.5s\n"
        "  spool_max_bytes: 0\n";
    assert_int_equal(load(c, yaml, err, sizeof err), IG_OK);
    assert_int_equal(c->capture_snaplen, 65535);
    assert_string_equal(c->capture_bpf, "tcp port 8080");
    assert_int_equal(c->n_model_ports, 2);
    assert_int_equal(c->model_ports[1], 9000);
    assert_int_equal(c->flow_idle_timeout_s, 300);
    assert_int_equal(c->flow_memcap, 64ull << 20);
    assert_int_equal(c->flow_stream_max, 512u << 10);
    assert_int_equal(c->http_request_body_limit, 8u << 20);
    assert_int_equal(c->http_response_body_limit, 1000000000u);
    assert_int_equal(c->n_identity_order, 2);
    assert_string_equal(c->identity_order[0], "jwt");
    assert_string_equal(c->api_key_headers[0], "x-api-key");      /* header names fold to lower case */
    assert_string_equal(c->api_key_headers[1], "authorization");
    assert_int_equal(c->n_trusted_proxies, 3);
    assert_string_equal(c->trusted_proxies[1], "fd00::/8");
    assert_string_equal(c->identity_secret, "abc");
    assert_int_equal(c->clients_max, 500);
    assert_int_equal(c->clients_memcap, 1ull << 30);
    assert_string_equal(c->findings_encoding, "msgpack");
    assert_string_equal(c->findings_path, "/tmp/f.jsonl");
    assert_string_equal(c->kafka_brokers, "127.0.0.1:9092");
    assert_int_equal(c->n_kafka_props, 2);
    assert_string_equal(c->kafka_props[0].key, "security.protocol");
    assert_string_equal(c->kafka_props[1].value, "5");
    assert_string_equal(c->spool_fsync, "always");
    assert_int_equal(c->flush_timeout_ms, 1500);
    assert_int_equal(c->spool_max_bytes, 0);
    /* Untouched keys keep their defaults; caps derived from flow.memcap follow it. */
    assert_int_equal(c->flow_max, (64u << 20) / (8u << 10));
    assert_int_equal(c->flow_idle_timeout_s, 300);
    free(c);
}

static void test_unknown_key_line(void **state)
{
    (void)state;
    expect_error("flow:\n  max_flows: 10\n  idle_timeot: 5s\n", "cfg.yaml:3: unknown key 'flow.idle_timeot'");
    expect_error("capture.snaplen: 100\nbogus: 1\n", "cfg.yaml:2: unknown key 'bogus'");
    expect_error("kafka:\n  brokerz: x\n", "cfg.yaml:2: unknown key 'kafka.brokerz'");
}

static void test_range_and_type_errors(void **state)
{
    (void)state;
    expect_error("flow:\n  max_flows: 0\n", "cfg.yaml:2: flow.max_flows: 0 is out of range [1,");
    expect_error("capture:\n  snaplen: 10\n", "capture.snaplen: 10 is out of range");
    expect_error("flow.idle_timeout: abc\n", "cfg.yaml:1: flow.idle_timeout: 'abc' is not a duration");
    expect_error("flow.idle_timeout: 500ms\n", "not a whole number of seconds");
    expect_error("flow.max_flows: -5\n", "flow.max_flows: '-5' is not a whole number");
    expect_error("flow.memcap: 12XB\n", "flow.memcap: '12XB' is not a size");
    expect_error("capture.ports: [80, 70000]\n", "cfg.yaml:1: capture.ports: '70000' is not a port");
    expect_error("capture.ports: 80\n", "capture.ports: expected a list");
    expect_error("identity.order: [jwt, cookie]\n", "'cookie' is not one of spiffe|jwt|api_key|jwt_unverified|forwarded|source_ip");
    expect_error("identity.trusted_proxies: [10.0.0.0/33]\n", "'10.0.0.0/33' is not an address or CIDR");
    expect_error("findings.encoding: xml\n", "findings.encoding: 'xml' is not one of json|msgpack");
    expect_error("kafka.properties: [a, b]\n", "kafka.properties: expected a map");
    expect_error("flow: 5\n", "'flow' is a section");
    expect_error("flow.max_flows:\n", "flow.max_flows: missing value");
    expect_error("flow.max_flows: {a: 1}\n", "flow.max_flows: expected a value, got a map");
    expect_error("- a\n- b\n", "expected a map of settings");
    expect_error("flow:\n  max_flows: 1\nflow.max_flows: 2\n", "cfg.yaml:3: 'flow.max_flows' is set twice (first at line 2)");
    expect_error("flow: {max_flows: 1\n", "cfg.yaml:2: invalid YAML");
    expect_error("a: 1\n---\nb: 2\n", "more than one YAML document");
    char big[700];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    char yaml[800];
    snprintf(yaml, sizeof yaml, "capture.bpf: %s\n", big);
    expect_error(yaml, "capture.bpf: longer than 511 bytes");
    expect_error("capture.ports: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]\n", "more than 16 items");
}

static void test_failed_load_changes_nothing(void **state)
{
    (void)state;
    struct ig_config *c = cfg_new(), *before = cfg_new();
    char err[256];
    assert_int_equal(load(c, "flow.max_flows: 7\nflow.bad: 1\n", err, sizeof err), IG_ECONF);
    assert_memory_equal(c, before, sizeof *c);
    /* Empty and comment-only files are valid and change nothing. */
    assert_int_equal(load(c, "", err, sizeof err), IG_OK);
    assert_int_equal(load(c, "# nothing\n", err, sizeof err), IG_OK);
    assert_memory_equal(c, before, sizeof *c);
    free(c);
    free(before);
}

static void test_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ig_test_config_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *yaml = "detection:\n  max_clients: 42\n";
    assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
    close(fd);
    struct ig_config *c = cfg_new();
    char err[512] = "";
    assert_int_equal(ig_config_load(path, c, err, sizeof err), IG_OK);
    assert_int_equal(c->clients_max, 42);
    unlink(path);
    assert_int_equal(ig_config_load(path, c, err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "cannot open"));
    assert_non_null(strstr(err, path));
    free(c);
}

/* One memory.limit: the caps follow it, an explicit cap is kept and taken off first, a
 * limit that cannot hold the explicit caps is refused, 0 turns derivation off. */
static void test_memory_limit(void **state)
{
    (void)state;
    char err[256] = "";
    struct ig_config *c = cfg_new();
    assert_int_equal(load(c, "memory.limit: 256MiB\n", err, sizeof err), IG_OK);
    uint64_t sum = c->flow_memcap + c->http_memcap + c->clients_memcap + c->events_memcap +
                   c->ce_pending_memcap + (uint64_t)c->max_models * (256u << 10);
    assert_true(sum <= (256ull << 20) - (64ull << 20));
    assert_true(c->http_memcap >= (32ull << 20));
    assert_true(c->http_request_body_limit <= c->http_memcap / 4);
    assert_true(c->flow_max < 65536);
    assert_true(c->max_models >= 16);
    free(c);

    c = cfg_new();
    assert_int_equal(load(c, "memory.limit: 256MiB\nhttp.memcap: 100MiB\n", err, sizeof err), IG_OK);
    assert_int_equal(c->http_memcap, 100ull << 20);
    assert_true(c->flow_memcap < (32ull << 20));   /* the rest shared what remained */
    free(c);

    c = cfg_new();
    assert_int_equal(load(c, "memory.limit: 256MiB\ndetection.memcap: 1GiB\n", err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "memory.limit"));
    free(c);

    c = cfg_new();
    assert_int_equal(load(c, "memory.limit: 0\n", err, sizeof err), IG_OK);
    assert_int_equal(c->flow_memcap, 256ull << 20);
    assert_int_equal(c->http_memcap, 512ull << 20);
    assert_int_equal(c->flow_max, 65536);
    assert_int_equal(c->max_models, 1024);
    free(c);

    c = cfg_new();
    assert_int_equal(load(c, "memory.limit: 64MiB\n", err, sizeof err), IG_ECONF);
    free(c);
}

/* c printed by ig_config_print loads back to the same findings.suppress entries. */
static void expect_suppress_reloads(const struct ig_config *c)
{
    char err[512] = "", *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    ig_config_print(c, f);
    fclose(f);
    struct ig_config *d = cfg_new();
    if (ig_config_load_buf("printed", buf, n, d, err, sizeof err) != IG_OK)
        fail_msg("printed configuration does not load: %s", err);
    assert_int_equal(d->n_suppress, c->n_suppress);
    for (uint32_t i = 0; i < c->n_suppress; i++)
        assert_string_equal(d->suppress[i].comment, c->suppress[i].comment);
    assert_memory_equal(d->suppress, c->suppress, sizeof c->suppress);
    free(buf);
    free(d);
}

/* findings.suppress: every field read and checked, the expiry as a time, errors naming the
 * entry and the field with its line, and the printed list loads back to the same entries. */
static void test_suppress(void **state)
{
    (void)state;
    struct ig_config *c = cfg_new();
    char err[512] = "";
    const char *yaml =
        "findings:\n"
        "  suppress:\n"
        "    - analytic: extraction.*\n"
        "      source: 10.1.0.0/16\n"
        "      comment: LIME explainer \"batch\" service\n"
        "      expires: 2027-03-31\n"
        "    - {analytic: \"*\", client: \"key:0123456789abcdef\", model: \"wine*\"}\n"
        "    - {analytic: adversarial.boundary, source: \"2001:db8::/32\", expires: \"2027-01-31T18:00:00+01:00\"}\n"
        "    - {analytic: leakage.pii, model: m, expires: \"2028-02-29T23:59:59Z\"}\n";
    assert_int_equal(load(c, yaml, err, sizeof err), IG_OK);
    assert_int_equal(c->n_suppress, 4);
    assert_string_equal(c->suppress[0].analytic, "extraction.*");
    assert_string_equal(c->suppress[0].source, "10.1.0.0/16");
    assert_string_equal(c->suppress[0].comment, "LIME explainer \"batch\" service");
    assert_string_equal(c->suppress[0].client, "");
    assert_int_equal(c->suppress[0].expires_us, 1806451200000000ull);   /* 2027-03-31T00:00:00Z */
    assert_string_equal(c->suppress[1].analytic, "*");
    assert_string_equal(c->suppress[1].client, "key:0123456789abcdef");
    assert_string_equal(c->suppress[1].model, "wine*");
    assert_int_equal(c->suppress[1].expires_us, 0);
    assert_int_equal(c->suppress[2].expires_us, 1801414800000000ull);   /* 17:00Z */
    assert_int_equal(c->suppress[3].expires_us, 1835481599000000ull);   /* a leap day */

    /* printed, the list loads back to the same entries */
    expect_suppress_reloads(c);
    free(c);

    expect_error("findings.suppress: [{analytic: extraction, source: 10.0.0.0/8}]",
                 "cfg.yaml:1: findings.suppress entry 1: analytic 'extraction' is not a name");
    expect_error("findings.suppress: [{analytic: Extraction.prada, source: 10.0.0.0/8}]", "is not a name");
    expect_error("findings.suppress: [{analytic: extraction.prada.x, source: 10.0.0.0/8}]", "is not a name");
    expect_error("findings.suppress:\n  - {analytic: abuse.rate, model: m}\n  - {analytic: extraction.*}\n",
                 "cfg.yaml:3: findings.suppress entry 2: needs source, client or model");
    expect_error("findings.suppress: [{source: 10.0.0.0/8}]", "findings.suppress entry 1: needs analytic");
    expect_error("findings.suppress: [{analytic: extraction.*, source: 10.0.0.0/33}]",
                 "findings.suppress entry 1: source '10.0.0.0/33' is not an address or CIDR");
    expect_error("findings.suppress: [{analytic: extraction.*, source: \"2001:db8::/129\"}]",
                 "is not an address or CIDR");
    expect_error("findings.suppress: [{analytic: extraction.*, sourc: 10.0.0.0/8}]",
                 "findings.suppress entry 1: unknown field 'sourc'");
    expect_error("findings.suppress: [{analytic: extraction.*, client: \"a*b\"}]", "'*' only at the end");
    expect_error("findings.suppress: [{analytic: extraction.*, model: m, expires: 2027-02-29}]",
                 "expires '2027-02-29' is not a date");
    expect_error("findings.suppress: [{analytic: extraction.*, model: m, expires: 2027-01-31T25:00:00Z}]",
                 "is not a date");
    expect_error("findings.suppress: [{analytic: extraction.*, model: m, expires: 2027-01-31T10:00:00}]",
                 "is not a date");   /* a time needs its zone */
    expect_error("findings.suppress: [{analytic: extraction.*, model: m, model: n}]", "'model' is set twice");
    expect_error("findings.suppress: [{analytic: extraction.*, model: \"\"}]", "model is empty");
    expect_error("findings.suppress: {analytic: extraction.*, model: m}", "findings.suppress: expected a list");
    expect_error("findings.suppress: [extraction.*]", "findings.suppress entry 1: each entry is a map");
    expect_error("findings.suppress: [{analytic: extraction.*, model: [a, b]}]", "fields are plain values");
}

/* A comment holding what a YAML reader folds or refuses raw -- the line breaks NEL, LS and PS
 * (the "\\N", "\\L", "\\P" escapes), a C1 control, the byte-order mark -- prints escaped and
 * loads back unchanged (fuzz_config found "\\L" folded to a space on the way back). */
static void test_suppress_comment_breaks_round_trip(void **state)
{
    (void)state;
    struct ig_config *c = cfg_new();
    char err[512] = "";
    const char *yaml = "findings:\n"
                       "  suppress:\n"
                       "    - {analytic: extraction.*, source: 10.1.0.0/16,\n"
                       "       comment: \"a\\Lb\\Nc\\Pd\\x80e\\uFEFFf\\uFFFEg\\_h \\\"q\\\" \\\\ \\te\"}\n";
    assert_int_equal(load(c, yaml, err, sizeof err), IG_OK);
    assert_int_equal(c->n_suppress, 1);
    assert_string_equal(c->suppress[0].comment,
                        "a\xe2\x80\xa8" "b\xc2\x85" "c\xe2\x80\xa9" "d\xc2\x80" "e\xef\xbb\xbf" "f\xef\xbf\xbe"
                        "g\xc2\xa0" "h \"q\" \\ \te");
    expect_suppress_reloads(c);
    free(c);
}

static void test_print_defaults(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ig_config_print_defaults(f);
    fclose(f);
    const char *want[] = { "capture.snaplen: 262144", "capture.ports: [80, 8000, 8001, 8080, 8500, 8501, 9000]",
                           "flow.idle_timeout: 2m", "memory.limit: 1GiB", "# flow.memcap: 166MiB",
                           "# detection.memcap: 208MiB", "capture.buffer_size: 64MiB", "# defrag.memcap: 33MiB",
                           "kafka.flush_timeout: 10s", "identity.order: [spiffe, jwt, api_key, jwt_unverified, forwarded, source_ip]",
                           "kafka.properties: {}", "findings.encoding: \"json\"", "identity.hash_secret: \"\"" };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(buf, want[i]))
            fail_msg("defaults lack '%s':\n%s", want[i], buf);
    /* The printed defaults load back to the defaults. */
    struct ig_config *c = cfg_new(), *d = cfg_new();
    char err[256] = "";
    assert_int_equal(ig_config_load_buf("defaults", buf, n, c, err, sizeof err), IG_OK);
    assert_int_equal(c->explicit_caps, IG_CAP_LIMIT);   /* the only key written as a value */
    c->explicit_caps = d->explicit_caps;
    assert_memory_equal(c, d, sizeof *c);
    free(c);
    free(d);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_type),
        cmocka_unit_test(test_unknown_key_line),
        cmocka_unit_test(test_range_and_type_errors),
        cmocka_unit_test(test_failed_load_changes_nothing),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_print_defaults),
        cmocka_unit_test(test_suppress),
        cmocka_unit_test(test_suppress_comment_breaks_round_trip),
        cmocka_unit_test(test_memory_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
