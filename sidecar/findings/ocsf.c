/* The OCSF Detection Finding writer. */
#include "ocsf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef IG_VERSION
#define IG_VERSION "0.1.0"
#endif

static void env_copy(char *dst, size_t cap, const char *name)
{
    const char *v = getenv(name);
    snprintf(dst, cap, "%s", v ? v : "");
}

void ig_ocsf_env_read(struct ig_ocsf_env *env)
{
    memset(env, 0, sizeof *env);
    env_copy(env->hostname, sizeof env->hostname, "HOSTNAME");
    if (!env->hostname[0] && gethostname(env->hostname, sizeof env->hostname - 1) != 0)
        env->hostname[0] = '\0';
    env_copy(env->pod, sizeof env->pod, "POD_NAME");
    env_copy(env->ns, sizeof env->ns, "POD_NAMESPACE");
    env_copy(env->node, sizeof env->node, "NODE_NAME");
    env_copy(env->container, sizeof env->container, "CONTAINER_NAME");
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    return ig_fnv1a_step(ig_fnv1a_str(h, s, SIZE_MAX), 0xff);   /* 0xff: field separator */
}

void ig_ocsf_uid(const struct ig_finding *f, uint64_t first_us, char *buf, size_t cap)
{
    char ms[24];
    snprintf(ms, sizeof ms, "%llu", (unsigned long long)(first_us / 1000));
    uint64_t h = IG_FNV1A_BASIS;
    h = fnv1a(h, f->analytic);
    /* The throttle group's key (findings.c): the source when known, so that a Create and
     * its Update share the uid even when the repeat came from another identity. */
    h = fnv1a(h, f->group_id && *f->group_id ? f->group_id : f->client_id);
    h = fnv1a(h, f->model);
    h = fnv1a(h, ms);
    snprintf(buf, cap, "ig-%s-%016llx", f->analytic ? f->analytic : "unknown", (unsigned long long)h);
}

static const char *analytic_type_name(uint8_t t)
{
    switch (t) {
    case 1: return "Rule";
    case 2: return "Behavioral";
    case 3: return "Statistical";
    case 4: return "Learning (ML/DL)";
    case 99: return "Other";
    default: return "Unknown";
    }
}

static const char *severity_name(uint8_t s)
{
    static const char *const n[] = { "Unknown", "Informational", "Low", "Medium", "High",
                                     "Critical", "Fatal" };
    return s < IG_ARRAY_LEN(n) ? n[s] : "Other";
}

static void kv_str(struct ig_enc *e, const char *k, const char *v)
{
    ig_enc_key(e, k);
    ig_enc_str(e, v);
}

static void kv_u64(struct ig_enc *e, const char *k, uint64_t v)
{
    ig_enc_key(e, k);
    ig_enc_u64(e, v);
}

static bool endpoint_known(const struct ig_endpoint *ep)
{
    return ep->family == 4 || ep->family == 6;
}

/* An OCSF network_endpoint; only written when the address is known (the schema requires at
 * least one of ip, uid, name, ... in it). */
static void endpoint(struct ig_enc *e, const char *key, const struct ig_endpoint *ep)
{
    char ip[64];
    if (!endpoint_known(ep))
        return;
    ig_enc_key(e, key);
    ig_enc_obj_open(e);
    kv_str(e, "ip", ig_endpoint_ip_str(ep, ip, sizeof ip));
    if (ep->port)
        kv_u64(e, "port", ep->port);
    ig_enc_obj_close(e);
}

/* A finding about a client (not about a model as a whole, as drift is) names who. */
static bool has_client(const struct ig_finding *f)
{
    return f->client_id && *f->client_id;
}

static bool has_model(const struct ig_finding *f)
{
    return f->model && *f->model;
}

static void observable(struct ig_enc *e, const char *name, unsigned type_id, const char *type,
                       const char *value)
{
    ig_enc_obj_open(e);
    kv_str(e, "name", name);
    kv_u64(e, "type_id", type_id);
    kv_str(e, "type", type);
    kv_str(e, "value", value);
    ig_enc_obj_close(e);
}

/* The values a SIEM pivots on, each naming the attribute that carries it (OCSF 1.3.0
 * observable type_ids: 2 IP Address, 21 User, 10 Resource UID). */
static void observables(struct ig_enc *e, const struct ig_finding *f, const char *model_uid)
{
    char ip[64];
    bool ip_known = endpoint_known(&f->src);
    if (!ip_known && !has_client(f) && !has_model(f))
        return;
    ig_enc_key(e, "observables");
    ig_enc_arr_open(e);
    if (ip_known)
        observable(e, "evidences.src_endpoint.ip", 2, "IP Address",
                   ig_endpoint_ip_str(&f->src, ip, sizeof ip));
    if (has_client(f))
        observable(e, "actor.user", 21, "User", f->client_id);
    if (has_model(f))
        observable(e, "resources.uid", 10, "Resource UID", model_uid);
    ig_enc_arr_close(e);
}

static void user(struct ig_enc *e, const struct ig_finding *f)
{
    ig_enc_key(e, "user");
    ig_enc_obj_open(e);
    kv_str(e, "uid", f->client_id);
    kv_str(e, "type", ig_identity_kind_name(f->id_kind));
    kv_u64(e, "type_id", 99);   /* Other: the caption is how we identified the client */
    if (f->group_id && *f->group_id) {
        /* The stable source the identity came from (principal group). */
        ig_enc_key(e, "groups");
        ig_enc_arr_open(e);
        ig_enc_obj_open(e);
        kv_str(e, "uid", f->group_id);
        kv_str(e, "name", "source");
        kv_str(e, "type", ig_identity_kind_name(f->group_kind));
        ig_enc_obj_close(e);
        ig_enc_arr_close(e);
    }
    ig_enc_obj_close(e);
}

/* unmapped.identity: what the actor's identity rests on, what was claimed and not
 * believed, and for a group's finding the identities it carried. */
static void identity(struct ig_enc *e, const struct ig_finding *f)
{
    ig_enc_key(e, "identity");
    ig_enc_obj_open(e);
    kv_str(e, "basis", ig_id_basis_name(f->id_basis));
    if (f->claimed_id && *f->claimed_id) {
        kv_str(e, "claimed_kind", ig_identity_kind_name(f->claimed_kind));
        kv_str(e, "claimed_id", f->claimed_id);
    }
    if (f->group_id && *f->group_id) {
        kv_str(e, "source_kind", ig_identity_kind_name(f->group_kind));
        kv_str(e, "source_id", f->group_id);
    }
    if (f->group_identities) {
        kv_u64(e, "identities_seen", f->group_identities);
        if (f->group_sample)
            kv_str(e, "identities_sample", f->group_sample);
    }
    ig_enc_obj_close(e);
}

static void uid_name(struct ig_enc *e, const char *key, const char *uid, const char *name)
{
    ig_enc_key(e, key);
    ig_enc_obj_open(e);
    kv_str(e, "uid", uid);
    if (name)
        kv_str(e, "name", name);
    ig_enc_obj_close(e);
}

static void attacks(struct ig_enc *e, const struct ig_atlas *atlas, const struct ig_finding *f)
{
    ig_enc_key(e, "attacks");
    ig_enc_arr_open(e);
    for (int i = 0; i < IG_FINDING_MAX_ATTACKS && f->atlas[i]; i++) {
        const struct ig_atlas_technique *t = ig_atlas_find(atlas, f->atlas[i]);
        if (!t) {
            /* unknown to the table: keep the id so nothing the detector said is lost */
            ig_enc_obj_open(e);
            kv_str(e, "version", atlas->version);
            uid_name(e, "technique", f->atlas[i], NULL);
            ig_enc_obj_close(e);
            continue;
        }
        const struct ig_atlas_technique *tech = t->parent != UINT32_MAX ? &atlas->techniques[t->parent] : t;
        for (uint32_t k = 0; k < t->ntactics; k++) {
            ig_enc_obj_open(e);
            kv_str(e, "version", atlas->version);
            uid_name(e, "tactic", atlas->tactic_uid[t->tactics[k]], atlas->tactic_name[t->tactics[k]]);
            uid_name(e, "technique", tech->uid, tech->name);
            if (tech != t)
                uid_name(e, "sub_technique", t->uid, t->name);
            ig_enc_obj_close(e);
        }
    }
    ig_enc_arr_close(e);
}

static void family(const char *analytic, char *buf, size_t cap)
{
    const char *a = analytic ? analytic : "unknown";
    const char *dot = strchr(a, '.');
    size_t n = dot ? (size_t)(dot - a) : strlen(a);
    snprintf(buf, cap, "%.*s", (int)IG_MIN(n, cap - 1), a);
}

void ig_ocsf_write(struct ig_enc *e, const struct ig_atlas *atlas, const struct ig_ocsf_env *env,
                   const struct ig_finding *f, const struct ig_ocsf_group *g)
{
    char uid[160], op[300], fam[64], msg[512];
    uint64_t time_us = g->activity_id == 1 ? f->time_us : g->last_us;
    ig_ocsf_uid(f, g->first_us, uid, sizeof uid);
    snprintf(op, sizeof op, "%s %s", f->method && *f->method ? f->method : "POST",
             f->route ? f->route : "");
    family(f->analytic, fam, sizeof fam);
    /* "<title>: client C, model M (N times)"; a model-level finding (drift) names no client */
    {
        int n = snprintf(msg, sizeof msg, "%s", f->title ? f->title : f->analytic);
        const char *sep = ": ";
        if (has_client(f) && n >= 0 && (size_t)n < sizeof msg) {
            n += snprintf(msg + n, sizeof msg - n, "%sclient %s", sep, f->client_id);
            sep = ", ";
        }
        if (has_model(f) && n >= 0 && (size_t)n < sizeof msg)
            n += snprintf(msg + n, sizeof msg - n, "%smodel %s", sep, f->model);
        if (g->count > 1 && n >= 0 && (size_t)n < sizeof msg)
            snprintf(msg + n, sizeof msg - n, " (%llu times)", (unsigned long long)g->count);
    }
    char ruid[IG_MODEL_NAME_MAX + IG_MODEL_VERSION_MAX + 2];
    snprintf(ruid, sizeof ruid, "%s%s%s", f->model ? f->model : "",
             f->model_version && *f->model_version ? ":" : "",
             f->model_version ? f->model_version : "");

    ig_enc_obj_open(e);
    kv_u64(e, "activity_id", g->activity_id);
    kv_str(e, "activity_name", g->activity_id == 1 ? "Create" : "Update");
    kv_u64(e, "category_uid", 2);
    kv_str(e, "category_name", "Findings");
    kv_u64(e, "class_uid", 2004);
    kv_str(e, "class_name", "Detection Finding");
    kv_u64(e, "type_uid", 200400 + g->activity_id);
    kv_u64(e, "severity_id", f->severity);
    kv_str(e, "severity", severity_name(f->severity));
    kv_u64(e, "time", time_us / 1000);
    kv_u64(e, "timezone_offset", 0);
    kv_u64(e, "confidence_id", f->confidence_id);
    kv_u64(e, "status_id", 1);
    kv_str(e, "status", "New");
    kv_u64(e, "count", g->count);
    kv_str(e, "message", msg);
    observables(e, f, ruid);

    ig_enc_key(e, "metadata");
    ig_enc_obj_open(e);
    kv_str(e, "version", IG_OCSF_VERSION);
    /* actor and device are attributes of the host profile (OCSF 1.3.0 profiles/host.json);
     * a finding always carries device, so it always declares the profile */
    ig_enc_key(e, "profiles");
    ig_enc_arr_open(e);
    ig_enc_str(e, "host");
    ig_enc_arr_close(e);
    ig_enc_key(e, "product");
    ig_enc_obj_open(e);
    kv_str(e, "uid", "inferguard");
    kv_str(e, "name", "inferguard");
    kv_str(e, "vendor_name", "inferguard");
    kv_str(e, "version", IG_VERSION);
    ig_enc_obj_close(e);
    kv_str(e, "log_name", "inferguard.findings");
    if (env->rules_sha256[0]) {
        /* Which rules produced the finding: the same hash as `rules check` and /metrics. */
        char label[96];
        snprintf(label, sizeof label, "rules_sha256:%s", env->rules_sha256);
        ig_enc_key(e, "labels");
        ig_enc_arr_open(e);
        ig_enc_str(e, label);
        ig_enc_arr_close(e);
    }
    ig_enc_obj_close(e);

    ig_enc_key(e, "finding_info");
    ig_enc_obj_open(e);
    kv_str(e, "uid", uid);
    kv_str(e, "title", f->title ? f->title : f->analytic);
    if (f->desc)
        kv_str(e, "desc", f->desc);
    ig_enc_key(e, "types");
    ig_enc_arr_open(e);
    ig_enc_str(e, fam);
    ig_enc_arr_close(e);
    ig_enc_key(e, "analytic");
    ig_enc_obj_open(e);
    kv_str(e, "name", f->analytic);
    kv_str(e, "uid", f->analytic);
    kv_u64(e, "type_id", f->analytic_type);
    kv_str(e, "type", analytic_type_name(f->analytic_type));
    ig_enc_obj_close(e);
    attacks(e, atlas, f);
    kv_u64(e, "first_seen_time", g->first_us / 1000);
    kv_u64(e, "last_seen_time", g->last_us / 1000);
    ig_enc_obj_close(e);

    if (has_client(f)) {
        ig_enc_key(e, "actor");
        ig_enc_obj_open(e);
        user(e, f);
        ig_enc_obj_close(e);
    }

    ig_enc_key(e, "device");
    ig_enc_obj_open(e);
    kv_u64(e, "type_id", 6);
    kv_str(e, "type", "Virtual");
    kv_str(e, "hostname", env->hostname);
    if (env->pod[0])
        kv_str(e, "name", env->pod);
    ig_enc_obj_close(e);

    if (has_model(f)) {
        ig_enc_key(e, "resources");
        ig_enc_arr_open(e);
        ig_enc_obj_open(e);
        kv_str(e, "type", "ai_model");
        kv_str(e, "name", f->model);
        if (f->model_version && *f->model_version)
            kv_str(e, "version", f->model_version);
        kv_str(e, "uid", ruid);
        ig_enc_obj_close(e);
        ig_enc_arr_close(e);
    }

    ig_enc_key(e, "evidences");
    ig_enc_arr_open(e);
    ig_enc_obj_open(e);
    if (has_client(f)) {
        ig_enc_key(e, "actor");
        ig_enc_obj_open(e);
        user(e, f);
        ig_enc_obj_close(e);
    }
    ig_enc_key(e, "api");
    ig_enc_obj_open(e);
    kv_str(e, "operation", op);
    ig_enc_obj_close(e);
    /* the connection's endpoints: not attributes of Detection Finding 1.3.0 itself */
    endpoint(e, "src_endpoint", &f->src);
    endpoint(e, "dst_endpoint", &f->dst);
    ig_enc_key(e, "data");
    ig_enc_obj_open(e);
    for (uint32_t i = 0; i < f->nevidence && i < IG_FINDING_MAX_EVIDENCE; i++)
        kv_str(e, f->evidence[i].key ? f->evidence[i].key : "evidence", f->evidence[i].value);
    ig_enc_obj_close(e);
    ig_enc_obj_close(e);
    ig_enc_arr_close(e);

    ig_enc_key(e, "unmapped");
    ig_enc_obj_open(e);
    ig_enc_key(e, "scores");
    ig_enc_obj_open(e);
    for (uint32_t i = 0; i < f->nscores && i < IG_FINDING_MAX_SCORES; i++) {
        ig_enc_key(e, f->scores[i].key ? f->scores[i].key : "score");
        ig_enc_f64(e, f->scores[i].value);
    }
    ig_enc_obj_close(e);
    kv_u64(e, "queries_seen", f->queries_seen);
    if (f->client_id && *f->client_id)
        identity(e, f);
    if (f->remediation)
        kv_str(e, "remediation", f->remediation);
    if (f->scope && *f->scope) {
        /* a fleet finding: raised over every pod's events (inferguard aggregate) */
        kv_str(e, "scope", f->scope);
        ig_enc_key(e, "pods");
        ig_enc_arr_open(e);
        for (const char *p = f->pods ? f->pods : ""; *p;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            char pod[128];
            if (n) {
                snprintf(pod, sizeof pod, "%.*s", (int)IG_MIN(n, sizeof pod - 1), p);
                ig_enc_str(e, pod);
            }
            p += n + (c ? 1 : 0);
        }
        ig_enc_arr_close(e);
    }
    if (env->pod[0] || env->ns[0] || env->node[0] || env->container[0]) {
        ig_enc_key(e, "k8s");
        ig_enc_obj_open(e);
        if (env->pod[0]) kv_str(e, "pod_name", env->pod);
        if (env->ns[0]) kv_str(e, "namespace", env->ns);
        if (env->node[0]) kv_str(e, "node_name", env->node);
        if (env->container[0]) kv_str(e, "container_name", env->container);
        ig_enc_obj_close(e);
    }
    ig_enc_obj_close(e);

    ig_enc_obj_close(e);
}
