/* OCSF encoding: every kind of finding we emit validates against docs/ocsf-finding.schema.json
 * and the official OCSF 1.3.0 schema (tests/integration/lib/validate_ocsf.py), carries the ATLAS names and tactics of
 * rules/atlas.yaml, and its msgpack form decodes to the same object as its JSON form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <msgpack.h>

#include "findings/findings.h"
#include "findings/atlas.h"
#include "findings/enc.h"
#include "findings/ocsf.h"
#include "core/jsonw.h"

static const char *src_dir(void) { return getenv("IG_SRC") ? getenv("IG_SRC") : "."; }

/* A finding with everything set, and variants that exercise each branch of the writer. */
static void sample(struct ig_finding *f, int variant)
{
    static struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    ev.req_time_us = 1767225600123456ull;
    ev.src = (struct ig_endpoint){ 4, { 127, 0, 0, 9 }, 40000 };
    ev.dst = (struct ig_endpoint){ 4, { 127, 0, 0, 1 }, 8000 };
    ev.id_kind = IG_ID_API_KEY;
    snprintf(ev.client_id, sizeof ev.client_id, "key:3f9a\"quoted\"\\");
    snprintf(ev.model, sizeof ev.model, "fraud");
    snprintf(ev.model_version, sizeof ev.model_version, "3");
    snprintf(ev.method, sizeof ev.method, "POST");
    snprintf(ev.route, sizeof ev.route, "/v2/models/fraud/infer");
    ig_finding_init(f, "extraction.prada", &ev);
    f->title = "Suspected model extraction";
    f->desc = "Distances between this client's queries stopped looking natural.";
    f->remediation = "Return labels only; add per-client quotas.";
    f->severity = IG_SEV_HIGH;
    f->queries_seen = 310;
    f->atlas[0] = "AML.T0024.002";
    ig_finding_score(f, "shapiro_w", 0.842);
    ig_finding_score(f, "n", 310);
    ig_finding_score(f, "delta", 0.9);
    ig_finding_evidence(f, "sample", "4111********1111 (hmac 9c1e)");
    switch (variant) {
    case 1: /* multi-tactic technique, unknown id, no desc/remediation */
        f->atlas[0] = "AML.T0015";
        f->atlas[1] = "AML.T9999";
        f->desc = NULL;
        f->remediation = NULL;
        f->analytic = "abuse.rate";
        f->analytic_type = 1;
        break;
    case 2: /* IPv6, source-IP identity, invalid UTF-8 and control chars, no atlas */
        ev.src = (struct ig_endpoint){ 6, { [15] = 1 }, 5555 };
        ev.dst = (struct ig_endpoint){ 6, { [15] = 1 }, 80 };
        f->src = ev.src;
        f->dst = ev.dst;
        f->id_kind = IG_ID_SOURCE_IP;
        f->client_id = "::1";
        f->atlas[0] = NULL;
        f->evidence[0].value = "bad \xff\xfe utf8 \x01 tab\t";
        f->nscores = 0;
        break;
    case 3: /* nothing known about the endpoints or the model */
        memset(&f->src, 0, sizeof f->src);
        memset(&f->dst, 0, sizeof f->dst);
        f->model = "";
        f->model_version = "";
        f->method = NULL;
        f->route = NULL;
        f->nevidence = 0;
        ig_finding_score(f, "nan", 0.0 / 0.0);
        break;
    case 4: /* about a model as a whole (drift): no client, no client endpoint */
        f->client_id = "";
        memset(&f->src, 0, sizeof f->src);
        f->analytic = "drift.features";
        f->title = "Input feature drift";
        f->atlas[0] = NULL;
        break;
    }
}

static struct ig_finding_encoder *enc;   /* made by main, before the tests */

static size_t json_of(const struct ig_finding *f, uint64_t count, char *buf, size_t cap)
{
    return ig_finding_to_ocsf_json(enc, f, count, f->time_us, f->time_us + 5000000, buf, cap);
}

static void test_fields(void **st)
{
    (void)st;
    struct ig_finding f;
    char buf[16384];
    sample(&f, 0);
    assert_true(json_of(&f, 1, buf, sizeof buf) > 0);
    const char *want[] = {
        "{\"activity_id\":1,", "\"category_uid\":2,", "\"class_uid\":2004,", "\"type_uid\":200401,",
        "\"severity_id\":4,", "\"time\":1767225600123,", "\"metadata\":{\"version\":\"1.3.0\",\"profiles\":[\"host\"],\"product\":{\"uid\":\"inferguard\",\"name\":\"inferguard\",\"vendor_name\":\"inferguard\",",
        "\"log_name\":\"inferguard.findings\"", "\"analytic\":{\"name\":\"extraction.prada\",\"uid\":\"extraction.prada\",\"type_id\":3,\"type\":\"Statistical\"}",
        "\"attacks\":[{\"version\":\"ATLAS 5.6\",\"tactic\":{\"uid\":\"AML.TA0010\",\"name\":\"Exfiltration\"},"
        "\"technique\":{\"uid\":\"AML.T0024\",\"name\":\"Exfiltration via AI Inference API\"},"
        "\"sub_technique\":{\"uid\":\"AML.T0024.002\",\"name\":\"Extract AI Model\"}}]",
        "\"actor\":{\"user\":{\"uid\":\"key:3f9a\\\"quoted\\\"\\\\\",\"type\":\"api_key\"",
        /* the connection lives in the evidence: Detection Finding 1.3.0 has no top-level endpoints */
        "\"api\":{\"operation\":\"POST /v2/models/fraud/infer\"},\"src_endpoint\":{\"ip\":\"127.0.0.9\",\"port\":40000},\"dst_endpoint\":{\"ip\":\"127.0.0.1\",\"port\":8000}",
        "\"observables\":[{\"name\":\"evidences.src_endpoint.ip\",\"type_id\":2,\"type\":\"IP Address\",\"value\":\"127.0.0.9\"},"
        "{\"name\":\"actor.user\",\"type_id\":21,\"type\":\"User\",\"value\":\"key:3f9a\\\"quoted\\\"\\\\\"},"
        "{\"name\":\"resources.uid\",\"type_id\":10,\"type\":\"Resource UID\",\"value\":\"fraud:3\"}]",
        "\"message\":\"Suspected model extraction: client key:3f9a\\\"quoted\\\"\\\\, model fraud\"",
        "\"resources\":[{\"type\":\"ai_model\",\"name\":\"fraud\",\"version\":\"3\",\"uid\":\"fraud:3\"}]",
        "\"api\":{\"operation\":\"POST /v2/models/fraud/infer\"}", "\"data\":{\"sample\":\"4111********1111 (hmac 9c1e)\"}",
        "\"unmapped\":{\"scores\":{\"shapiro_w\":0.842,\"n\":310,\"delta\":0.9},\"queries_seen\":310,",
        "\"first_seen_time\":1767225600123,\"last_seen_time\":1767225605123}", "\"confidence_id\":2,", "\"status_id\":1,",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(buf, want[i]))
            fprintf(stderr, "missing %s\nin %s\n", want[i], buf);
        assert_non_null(strstr(buf, want[i]));
    }
    assert_null(strchr(buf, '\n'));
    /* too small a buffer: 0, never a partial record */
    assert_int_equal(json_of(&f, 1, buf, 100), 0);
    /* the uid is stable: same inputs, same uid; another first time, another uid */
    char b2[16384];
    assert_true(json_of(&f, 1, b2, sizeof b2) > 0);
    assert_string_equal(buf, b2);
}

static void test_k8s_enrichment_from_downward_api(void **st)
{
    (void)st;
    /* an encoder reads the environment when made: one made after the variables are set */
    setenv("POD_NAME", "model-7f9c", 1);
    setenv("POD_NAMESPACE", "fraud", 1);
    setenv("NODE_NAME", "node-3", 1);
    setenv("CONTAINER_NAME", "kserve-container", 1);
    struct ig_ocsf_env env;
    ig_ocsf_env_read(&env);
    struct ig_atlas atlas;
    char aerr[256];
    assert_int_equal(ig_atlas_load_embedded(&atlas, aerr, sizeof aerr), IG_OK);
    struct ig_finding f;
    sample(&f, 0);
    struct ig_jsonw w;
    ig_jsonw_init(&w, 4096);
    struct ig_enc e = { .json = &w };
    ig_enc_begin(&e, IG_ENC_JSON);
    struct ig_ocsf_group g = { 1, 1, f.time_us, f.time_us };
    ig_ocsf_write(&e, &atlas, &env, &f, &g);
    assert_non_null(strstr(w.buf, "\"k8s\":{\"pod_name\":\"model-7f9c\",\"namespace\":\"fraud\",\"node_name\":\"node-3\",\"container_name\":\"kserve-container\"}"));
    assert_non_null(strstr(w.buf, "\"device\":{\"type_id\":6,\"type\":\"Virtual\",\"hostname\":"));
    assert_non_null(strstr(w.buf, "\"name\":\"model-7f9c\"}"));
    ig_jsonw_free(&w);
    unsetenv("POD_NAME"); unsetenv("POD_NAMESPACE"); unsetenv("NODE_NAME"); unsetenv("CONTAINER_NAME");
}

/* The tests' one validation: our JSON Schema and the official OCSF schema ($IG_SHARED). */
static int validate(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/integration/lib/validate_ocsf.py' '%s'",
             src_dir(), path);
    return system(cmd);
}

static void test_every_variant_validates_against_schema(void **st)
{
    (void)st;
    char dir[] = "/tmp/ig-test-ocsf.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/findings.jsonl", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    char buf[16384];
    for (int v = 0; v < 5; v++)
        for (uint64_t count = 1; count <= 3; count += 2) {
            struct ig_finding f;
            sample(&f, v);
            size_t n = json_of(&f, count, buf, sizeof buf);
            assert_true(n > 0);
            fprintf(fp, "%s\n", buf);
        }
    fclose(fp);
    assert_int_equal(validate(path), 0);

    /* the validator really validates: a record without class_uid must fail */
    struct ig_finding f;
    sample(&f, 0);
    json_of(&f, 1, buf, sizeof buf);
    char *p = strstr(buf, "\"class_uid\":2004,");
    assert_non_null(p);
    memmove(p, p + 17, strlen(p + 17) + 1);
    fp = fopen(path, "w");
    fprintf(fp, "%s\n", buf);
    fclose(fp);
    assert_int_not_equal(validate(path), 0);
    unlink(path);
    rmdir(dir);
}

static void test_msgpack_round_trip_equals_json(void **st)
{
    (void)st;
    for (int v = 0; v < 5; v++)
        for (uint64_t count = 1; count <= 7; count += 6) {
            struct ig_finding f;
            char js[16384], mp[16384];
            sample(&f, v);
            size_t jn = ig_finding_to_ocsf_json(enc, &f, count, f.time_us, f.time_us + 1000, js, sizeof js);
            size_t mn = ig_finding_to_ocsf_msgpack(enc, &f, count, f.time_us, f.time_us + 1000, mp, sizeof mp);
            assert_true(jn > 0 && mn > 0);
            assert_true(mn < jn);   /* the compact form is compact */
            msgpack_unpacked u;
            msgpack_unpacked_init(&u);
            size_t off = 0;
            assert_int_equal(msgpack_unpack_next(&u, mp, mn, &off), MSGPACK_UNPACK_SUCCESS);
            assert_int_equal(off, mn);
            struct ig_jsonw w;
            ig_jsonw_init(&w, 4096);
            assert_true(ig_enc_msgpack_to_json(&u.data, &w));
            assert_int_equal(w.len, jn);
            assert_memory_equal(w.buf, js, jn);
            ig_jsonw_free(&w);
            msgpack_unpacked_destroy(&u);
        }
}

static void test_atlas_file_equals_embedded(void **st)
{
    (void)st;
    struct ig_atlas *file = calloc(1, sizeof *file), *built = calloc(1, sizeof *built);
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/rules/atlas.yaml", src_dir());
    assert_int_equal(ig_atlas_load_file(path, file, err, sizeof err), 0);
    assert_int_equal(ig_atlas_load_embedded(built, err, sizeof err), 0);
    assert_int_equal(file->ntechniques, built->ntechniques);
    assert_int_equal(file->ntactics, built->ntactics);
    assert_memory_equal(file, built, sizeof *file);
    const struct ig_atlas_technique *t = ig_atlas_find(file, "AML.T0051.001");
    assert_non_null(t);
    assert_string_equal(file->techniques[t->parent].name, "LLM Prompt Injection");
    assert_string_equal(file->tactic_name[t->tactics[0]], "Execution");
    free(file);
    free(built);
}

static void test_atlas_errors_name_file_and_line(void **st)
{
    (void)st;
    const char *bad[] = {
        "version: x\ntactics: []\ntechniques:\n  - { uid: AML.T0001, name: A, tactics: [AML.TA0099] }\n",
        "version: x\ntactics: [{uid: AML.TA0000, name: A}]\ntechniques:\n  - { uid: AML.T0001.001, name: Sub, tactics: [AML.TA0000] }\n",
        "version: x\ntactics: [{uid: AML.TA0000, name: A}]\ntechniques: []\nextra: 1\n",
        "- just a list\n",
        "version: x\ntactics: [{uid: AML.TA0000}]\ntechniques: []\n",
    };
    char dir[] = "/tmp/ig-test-atlas.XXXXXX", path[64], err[512];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/atlas.yaml", dir);
    struct ig_atlas *a = calloc(1, sizeof *a);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *fp = fopen(path, "w");
        fputs(bad[i], fp);
        fclose(fp);
        err[0] = 0;
        assert_int_equal(ig_atlas_load_file(path, a, err, sizeof err), IG_ECONF);
        assert_non_null(strstr(err, path));
        assert_non_null(strchr(err + strlen(path), ':'));
    }
    unlink(path);
    rmdir(dir);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_k8s_enrichment_from_downward_api),
        cmocka_unit_test(test_every_variant_validates_against_schema),
        cmocka_unit_test(test_msgpack_round_trip_equals_json),
        cmocka_unit_test(test_atlas_file_equals_embedded),
        cmocka_unit_test(test_atlas_errors_name_file_and_line),
    };
    char err[256];
    enc = ig_finding_encoder_new(err, sizeof err);
    if (!enc) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ig_finding_encoder_free(enc);
    return rc;
}
