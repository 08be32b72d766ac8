/* Findings-topic records for the aggregator's hold-back (told.h). */
#include "fleet/told.h"

#include <msgpack.h>
#include <stdio.h>
#include <string.h>

#include "core/mp_skip.h"
#include "findings/enc.h"

int ig_fleet_told_parser_init(struct ig_fleet_told_parser *p, const struct ig_config *cfg)
{
    memset(p, 0, sizeof *p);
    ig_json_limits_from_config(&p->lim, cfg);
    ig_jsonw_init(&p->mpjson, 4096);
    if (ig_scratch_init(&p->scratch, 1 << 16, 64u << 20) < 0)
        return IG_ENOMEM;
    return IG_OK;
}

void ig_fleet_told_parser_free(struct ig_fleet_told_parser *p)
{
    ig_scratch_free(&p->scratch);
    ig_jsonw_free(&p->mpjson);
}

/* A msgpack map (the OCSF map the findings stage packs) as JSON text in p->mpjson. */
static bool from_msgpack(struct ig_fleet_told_parser *p, const void *buf, size_t n)
{
    const uint8_t b = n ? *(const uint8_t *)buf : 0;
    if (!((b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf))
        return false;   /* not a msgpack map (JSON starts with '{' = 0x7b) */
    /* Every count checked against the bytes there first: msgpack-c allocates a map's or an
     * array's entries from its header before it reads them (a forged 0xdf header asked for
     * 256 GiB). */
    if (ig_mp_skip(buf, (const uint8_t *)buf + n, 0) != (const uint8_t *)buf + n)
        return false;
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    bool ok = msgpack_unpack_next(&up, buf, n, &off) == MSGPACK_UNPACK_SUCCESS && off == n &&
              up.data.type == MSGPACK_OBJECT_MAP;
    if (ok) {
        ig_jsonw_reset(&p->mpjson);
        ok = ig_enc_msgpack_to_json(&up.data, &p->mpjson);
    }
    msgpack_unpacked_destroy(&up);
    return ok;
}

static const struct ig_json *jget(const struct ig_json *o, const char *k)
{
    return o && o->type == IG_JSON_OBJECT ? ig_json_get(o, k) : NULL;
}

int ig_fleet_told_parse(struct ig_fleet_told_parser *p, const void *buf, size_t n,
                        struct ig_fleet_told_rec *out)
{
    memset(out, 0, sizeof *out);
    out->msgpack = from_msgpack(p, buf, n);
    if (out->msgpack) {
        buf = p->mpjson.buf;
        n = p->mpjson.len;
    }
    const struct ig_json *root = NULL;
    const char *why;
    ig_scratch_reset(&p->scratch);
    if (!buf || ig_json_parse(buf, n, &p->lim, &p->scratch, &root, &why) != IG_OK || !root)
        return IG_EPARSE;
    const struct ig_json *uid = jget(jget(jget(root, "actor"), "user"), "uid");
    const struct ig_json *name = jget(jget(jget(root, "finding_info"), "analytic"), "name");
    const struct ig_json *sc = jget(jget(root, "unmapped"), "scope");
    const struct ig_json *res = jget(root, "resources");
    const struct ig_json *model = res && res->type == IG_JSON_ARRAY ? jget(ig_json_first(res), "name") : NULL;
    const struct ig_json *tm = jget(root, "time"), *sv = jget(root, "severity_id");
    uint64_t ms = 0, sev = 0;
    if (!name || ig_json_str_copy(name, out->analytic, sizeof out->analytic) < 0 || !out->analytic[0] ||
        !tm || ig_json_u64(tm, &ms) != IG_OK || ms > UINT64_MAX / 1000)
        return IG_EPARSE;
    out->time_us = ms * 1000;
    if (sv && ig_json_u64(sv, &sev) == IG_OK && sev <= 255)
        out->severity = (uint8_t)sev;
    if (!uid || ig_json_str_copy(uid, out->client, sizeof out->client) < 0 || !out->client[0]) {
        /* a model-wide finding: keyed by the model (as the findings topic's message key) */
        char mn[IG_MODEL_NAME_MAX] = "";
        if (model)
            ig_json_str_copy(model, mn, sizeof mn);
        snprintf(out->client, sizeof out->client, "model:%.*s", (int)(sizeof out->client - 7), mn);
    }
    char scope[16] = "";
    if (sc)
        ig_json_str_copy(sc, scope, sizeof scope);
    out->fleet = strcmp(scope, "fleet") == 0;
    return IG_OK;
}
