/* findings.suppress: matching (see suppress.h). */
#include "findings/suppress.h"

#include <inferguard/detector.h>
#include <inferguard/log.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Analytics a detector emits besides its own name (det_leakage_secrets.c,
 * det_drift_features.c): a suppression may name them too. */
static const char *const extra_analytics[] = { "leakage.pii", "drift.predictions", "drift.confidence" };

static bool known_name(const char *name, size_t n, bool family)
{
    for (size_t i = 0; ig_detectors[i]; i++) {
        const char *d = ig_detectors[i]->name;
        if (family ? strncmp(d, name, n) == 0 : strcmp(d, name) == 0)
            return true;
    }
    for (size_t i = 0; i < IG_ARRAY_LEN(extra_analytics); i++)
        if (family ? strncmp(extra_analytics[i], name, n) == 0 : strcmp(extra_analytics[i], name) == 0)
            return true;
    return false;
}

void ig_suppress_describe(const struct ig_suppress *e, uint32_t i, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "#%u %s", i + 1, e->analytic);
    if (e->source[0] && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, " source %s", e->source);
    if (e->client[0] && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, " client %s", e->client);
    if (e->model[0] && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, " model %s", e->model);
    if (e->expires[0] && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, " until %s", e->expires);
    if (e->comment[0] && n >= 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, " (%s)", e->comment);
}

int ig_suppressor_init(struct ig_suppressor *s, const struct ig_config *cfg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    uint32_t n = cfg ? IG_MIN(cfg->n_suppress, (uint32_t)IG_CONFIG_MAX_SUPPRESS) : 0;
    for (uint32_t i = 0; i < n; i++) {
        struct ig_suppress_rule *r = &s->r[i];
        r->e = cfg->suppress[i];
        const char *a = r->e.analytic;
        size_t len = strlen(a);
        if (strcmp(a, "*") == 0) {
            r->kind = 0;
        } else if (len >= 2 && strcmp(a + len - 2, ".*") == 0) {
            r->kind = 1;
            r->alen = len - 1;   /* "extraction." */
            if (!known_name(a, r->alen, true)) {
                snprintf(err, errlen, "findings.suppress entry %u: no analytic of this build is in "
                         "family '%.*s'", i + 1, (int)(len - 2), a);
                return IG_ECONF;
            }
        } else {
            r->kind = 2;
            r->alen = len;
            if (!known_name(a, len, false)) {
                snprintf(err, errlen, "findings.suppress entry %u: '%s' is not an analytic this build "
                         "raises", i + 1, a);
                return IG_ECONF;
            }
        }
        if (r->e.source[0]) {
            if (ig_cidr_parse(r->e.source, &r->src) != IG_OK) {   /* the loader checked it */
                snprintf(err, errlen, "findings.suppress entry %u: source '%s' is not an address or CIDR",
                         i + 1, r->e.source);
                return IG_ECONF;
            }
            r->has_src = true;
        }
    }
    s->n = n;
    return IG_OK;
}

struct ig_suppressor *ig_suppressor_new(const struct ig_config *cfg, char *err, size_t errlen)
{
    struct ig_suppressor *s = malloc(sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (ig_suppressor_init(s, cfg, err, errlen) != IG_OK) {
        free(s);
        return NULL;
    }
    return s;
}

struct ig_suppressor *ig_suppressor_reread(const char *path, char *err, size_t errlen)
{
    struct ig_config *fresh = malloc(sizeof *fresh);   /* large: not on the stack */
    if (!fresh) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ig_config_defaults(fresh);
    char why[400];
    struct ig_suppressor *s = NULL;
    if (ig_config_load(path, fresh, why, sizeof why) < 0)
        snprintf(err, errlen, "config: %s", why);
    else
        s = ig_suppressor_new(fresh, err, errlen);
    free(fresh);
    return s;
}

void ig_suppressor_to_config(const struct ig_suppressor *s, struct ig_config *cfg)
{
    for (uint32_t i = 0; i < s->n; i++)
        cfg->suppress[i] = s->r[i].e;
    cfg->n_suppress = s->n;
}

/* A name matched exactly, or with a trailing '*' by its prefix; "" = any. */
static bool match_pattern(const char *pat, const char *s)
{
    if (!pat[0])
        return true;
    s = s ? s : "";
    size_t n = strlen(pat);
    if (pat[n - 1] == '*')
        return strncmp(pat, s, n - 1) == 0;
    return strcmp(pat, s) == 0;
}

/* <text> (an address, or an IPv6 /64 as group ids write it) lies inside <c>. */
static bool text_inside(const struct ig_cidr *c, const char *text)
{
    struct ig_cidr a;
    if (!text || !text[0] || ig_cidr_parse(text, &a) != IG_OK)
        return false;
    if (a.family == c->family && a.bits < c->bits)
        return false;   /* wider than the entry: not all of it is inside */
    return ig_cidr_match(c, a.family, a.addr);
}

/* The source address a finding names: the TCP peer (evidences[0].src_endpoint), or the
 * client address a trusted proxy forwarded (the identity, or the stable source). */
static bool match_source(const struct ig_cidr *c, const struct ig_finding *f)
{
    if ((f->src.family == 4 || f->src.family == 6) && ig_cidr_match(c, f->src.family, f->src.addr))
        return true;
    if (f->id_kind == IG_ID_FORWARDED && text_inside(c, f->client_id))
        return true;
    return f->group_kind == IG_ID_FORWARDED && text_inside(c, f->group_id);
}

int ig_suppressor_match(struct ig_suppressor *s, const struct ig_finding *f)
{
    const char *an = f->analytic ? f->analytic : "";
    for (uint32_t i = 0; i < s->n; i++) {
        struct ig_suppress_rule *r = &s->r[i];
        if (r->kind == 1 ? strncmp(an, r->e.analytic, r->alen) != 0
            : r->kind == 2 ? strcmp(an, r->e.analytic) != 0 : false)
            continue;
        if (r->has_src && !match_source(&r->src, f))
            continue;
        if (!match_pattern(r->e.client, f->client_id) || !match_pattern(r->e.model, f->model))
            continue;
        if (r->e.expires_us && f->time_us >= r->e.expires_us) {
            if (!r->expiry_told) {
                r->expiry_told = true;
                char d[512];
                ig_suppress_describe(&r->e, i, d, sizeof d);
                IG_LOG_INFO("findings", "findings.suppress %s has expired: the findings it matched are "
                            "published again", d);
            }
            continue;
        }
        return (int)i;
    }
    return -1;
}
