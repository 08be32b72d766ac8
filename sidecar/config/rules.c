/* The rules loader: the *.yaml files of a rules directory, each a YAML list of items — detector settings
 * ("- detector: NAME"), named lists, macros and pattern rules. Format: rules/README.md.
 * Loading collects every error ("file:line: reason") and keeps going, so that
 * `inferguard rules check` can report them all at once. A loaded set is immutable. */
#include <inferguard/rules.h>
#include <inferguard/finding.h>
#include <inferguard/log.h>

#include "core/hmac_sha256.h"
#include "rules_priv.h"
#include "embedded_files.h"
#include "units.h"
#include "yaml_doc.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ITEMS_COPIED 1000000u   /* aliases can make a small file name huge lists */
#define MAX_LIST_DEPTH 16
#define LIST_REF '\x01'             /* raw item "\x01NAME" = {list: NAME}, expanded at the end */

/* ---- a bump pool: the whole set is freed at once ---- */

struct pchunk { struct pchunk *next; size_t used, cap; _Alignas(16) unsigned char data[]; };

static void *pool_alloc(struct pchunk **head, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct pchunk *c = *head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = *head;
        c->used = 0;
        c->cap = cap;
        *head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

static char *pool_strndup(struct pchunk **head, const char *s, size_t n)
{
    char *p = pool_alloc(head, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* ---- the set ---- */

struct param {
    const char *key, *value;       /* value NULL when a list */
    struct ig_strv list;           /* raw until finalize, then expanded */
    bool is_list;
    const char *file;
    unsigned line;
};

struct det {
    const char *name, *file;
    unsigned line;
    int enabled;                   /* -1 unset */
    int severity;                  /* 0 unset */
    bool has_throttle;
    uint64_t throttle_us;
    struct param *params;
    uint32_t nparams, cparams;
};

struct list {
    const char *name, *file;
    unsigned line;
    struct ig_strv items;          /* raw, then expanded */
    int state;                     /* expansion: 0 todo, 1 in progress, 2 done */
};

struct macro { const char *name, *condition, *file; unsigned line; };

struct rule_ent {
    struct ig_rule r;
    uint64_t set;                  /* bit per ig_rule_fields[] row given in YAML */
    unsigned file_no;
};

struct ig_rules {
    struct pchunk *pool;
    struct det *dets;
    uint32_t ndets, cdets;
    struct list *lists;
    uint32_t nlists, clists;
    struct macro *macros;
    uint32_t nmacros, cmacros;
    struct rule_ent *rules;
    uint32_t nrules, crules;
    const char *origin;            /* "embedded", the directory or the buffer's name */
    char sha256[65];               /* of every file read (atlas.yaml too), in name order */
};

struct loader {
    struct ig_rules *rs;
    struct ig_ydoc *d;
    const char *file;              /* pooled copy of the name */
    unsigned file_no;
    struct ig_rules_reporter rep;
    uint64_t copied;
    struct ig_sha256 hash;
};

/* The set's identity: each file's name, length and bytes, in the order read, so the same
 * files give the same hash whether embedded or read from a directory. */
static void hash_file(struct loader *L, const char *path, const uint8_t *p, size_t n)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
    ig_sha256_update(&L->hash, base, strlen(base) + 1);
    ig_sha256_update(&L->hash, len, sizeof len);
    ig_sha256_update(&L->hash, p, n);
}

void ig_rules_report(struct ig_rules_reporter *R, const char *msg)
{
    R->errors++;
    if (R->report)
        R->report(R->ctx, msg);
}

void ig_rules_report_at(struct ig_rules_reporter *R, const char *file, unsigned line,
                        const char *fmt, ...)
{
    char msg[512], full[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s:%u: %s", file, line, msg);
    ig_rules_report(R, full);
}
#define err_at(L, ...) ig_rules_report_at(&(L)->rep, __VA_ARGS__)
#define ERR(L, node, ...) err_at(L, (L)->file, ig_ydoc_line(node), __VA_ARGS__)

static bool grow(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
    if (n < *cap)
        return true;
    uint32_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, (size_t)nc * elem);
    if (!p)
        return false;
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(nc - *cap) * elem);
    *arr = p;
    *cap = nc;
    return true;
}

static const char *pstr(struct loader *L, const yaml_node_t *n)
{
    return pool_strndup(&L->rs->pool, ig_ydoc_str(n), n->data.scalar.length);
}

/* ---- severities ---- */

static const char *const sev_names[] = { "unknown", "info", "low", "medium", "high", "critical", "fatal" };

int ig_severity_parse(const char *s)
{
    for (int i = IG_SEV_INFO; i <= IG_SEV_CRITICAL; i++)
        if (strcmp(s, sev_names[i]) == 0)
            return i;
    return -1;
}

const char *ig_severity_name(int sev)
{
    return sev >= 0 && sev < (int)IG_ARRAY_LEN(sev_names) ? sev_names[sev] : "unknown";
}

/* ---- scalar helpers with messages ---- */

static const char *scalar(struct loader *L, const yaml_node_t *v, const char *key)
{
    if (v->type != YAML_SCALAR_NODE) {
        ERR(L, v, "'%s' expects a value, got %s", key, ig_ydoc_kind(v));
        return NULL;
    }
    if (ig_ydoc_is_null(v)) {
        ERR(L, v, "'%s' has no value", key);
        return NULL;
    }
    if (strlen(ig_ydoc_str(v)) != v->data.scalar.length) {
        ERR(L, v, "'%s' contains a NUL byte", key);
        return NULL;
    }
    return ig_ydoc_str(v);
}

static bool get_severity(struct loader *L, const yaml_node_t *v, int *out)
{
    const char *s = scalar(L, v, "severity");
    if (!s)
        return false;
    int sev = ig_severity_parse(s);
    if (sev < 0) {
        ERR(L, v, "severity '%s' is not one of info|low|medium|high|critical", s);
        return false;
    }
    *out = sev;
    return true;
}

static bool get_duration(struct loader *L, const yaml_node_t *v, const char *key, uint64_t *out)
{
    const char *s = scalar(L, v, key);
    if (!s)
        return false;
    if (!ig_parse_duration_us(s, 1000000, out)) {
        ERR(L, v, "'%s': '%s' is not a duration (e.g. 10s, 500ms, 5m)", key, s);
        return false;
    }
    return true;
}

static bool get_bool(struct loader *L, const yaml_node_t *v, const char *key, bool *out)
{
    const char *s = scalar(L, v, key);
    if (!s)
        return false;
    if (!ig_parse_bool(s, out)) {
        ERR(L, v, "'%s': '%s' is not true or false", key, s);
        return false;
    }
    return true;
}

/* A {list: NAME} reference inside a list of strings. */
static const char *list_ref(struct loader *L, const yaml_node_t *m)
{
    if (m->data.mapping.pairs.top - m->data.mapping.pairs.start != 1)
        return NULL;
    yaml_node_t *k = ig_ydoc_node(L->d, m->data.mapping.pairs.start->key);
    yaml_node_t *v = ig_ydoc_node(L->d, m->data.mapping.pairs.start->value);
    if (!k || !v || k->type != YAML_SCALAR_NODE || strcmp(ig_ydoc_str(k), "list") != 0 ||
        v->type != YAML_SCALAR_NODE || ig_ydoc_is_null(v))
        return NULL;
    return ig_ydoc_str(v);
}

/* A list of strings; items may be {list: NAME}, expanded after every file is read. */
static bool get_strv(struct loader *L, const yaml_node_t *v, const char *key, struct ig_strv *out)
{
    if (v->type == YAML_SCALAR_NODE && ig_ydoc_is_null(v)) {
        *out = (struct ig_strv){ 0 };
        return true;
    }
    if (v->type != YAML_SEQUENCE_NODE) {
        ERR(L, v, "'%s' expects a list, got %s", key, ig_ydoc_kind(v));
        return false;
    }
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    L->copied += n;
    if (L->copied > MAX_ITEMS_COPIED) {
        ERR(L, v, "more than %u list items in all", MAX_ITEMS_COPIED);
        return false;
    }
    const char **arr = pool_alloc(&L->rs->pool, (n ? n : 1) * sizeof *arr);
    if (!arr) {
        ERR(L, v, "out of memory");
        return false;
    }
    bool ok = true;
    uint32_t k = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = ig_ydoc_node(L->d, *it);
        if (!e)
            continue;
        if (e->type == YAML_MAPPING_NODE) {
            const char *ref = list_ref(L, e);
            if (!ref) {
                ERR(L, e, "'%s': an item that is a map must be {list: NAME}", key);
                ok = false;
                continue;
            }
            char *s = pool_alloc(&L->rs->pool, strlen(ref) + 2);
            if (!s)
                return false;
            s[0] = LIST_REF;
            strcpy(s + 1, ref);
            arr[k++] = s;
            continue;
        }
        if (e->type != YAML_SCALAR_NODE || ig_ydoc_is_null(e)) {
            ERR(L, e, "'%s': items must be strings", key);
            ok = false;
            continue;
        }
        if (strlen(ig_ydoc_str(e)) != e->data.scalar.length || ig_ydoc_str(e)[0] == LIST_REF) {
            ERR(L, e, "'%s': item contains a control byte", key);
            ok = false;
            continue;
        }
        arr[k++] = pstr(L, e);
    }
    *out = (struct ig_strv){ arr, k };
    return ok;
}

static bool get_params(struct loader *L, const yaml_node_t *v, struct param **ps, uint32_t *np, uint32_t *cp)
{
    if (v->type != YAML_MAPPING_NODE) {
        ERR(L, v, "'params' expects a map, got %s", ig_ydoc_kind(v));
        return false;
    }
    bool ok = true;
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
        if (!kn || !vn)
            continue;
        if (kn->type != YAML_SCALAR_NODE || ig_ydoc_is_null(kn)) {
            ERR(L, kn, "param names must be plain names");
            ok = false;
            continue;
        }
        struct param np_ = { .key = pstr(L, kn), .file = L->file, .line = ig_ydoc_line(vn) };
        if (vn->type == YAML_SEQUENCE_NODE) {
            np_.is_list = true;
            if (!get_strv(L, vn, np_.key, &np_.list)) {
                ok = false;
                continue;
            }
        } else if (vn->type == YAML_SCALAR_NODE) {
            const char *s = scalar(L, vn, np_.key);
            if (!s) {
                ok = false;
                continue;
            }
            np_.value = pstr(L, vn);
        } else {
            ERR(L, vn, "param '%s' must be a number, string or list, not a map", np_.key);
            ok = false;
            continue;
        }
        /* A later value for the same key replaces the earlier one (overrides). */
        uint32_t i;
        for (i = 0; i < *np; i++)
            if (strcmp((*ps)[i].key, np_.key) == 0)
                break;
        if (i == *np) {
            if (!grow((void **)ps, cp, *np, sizeof **ps)) {
                ERR(L, vn, "out of memory");
                return false;
            }
            (*np)++;
        }
        (*ps)[i] = np_;
    }
    return ok;
}

static bool atlas_form(const char *s)
{
    /* AML.T0000 or AML.T0000.000 */
    if (strncmp(s, "AML.T", 5) != 0)
        return false;
    s += 5;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    s += 4;
    if (!*s)
        return true;
    if (s[0] != '.')
        return false;
    for (int i = 1; i <= 3; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return s[4] == 0;
}

static bool name_form(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr("._-", *s)))
            return false;
    return true;
}

/* ---- rule fields: one row per YAML key of a "- rule:" item ---- */

enum rft { R_STR, R_STRV, R_ATLAS, R_SEV, R_DUR, R_BOOL, R_NUM, R_SCAN, R_PARAMS };

struct rule_field {
    const char *name;
    enum rft type;
    size_t off;
    double min, max;
};

#define RF(n, t, f) { n, t, offsetof(struct ig_rule, f), 0, 0 }
static const struct rule_field ig_rule_fields[] = {
    RF("rule", R_STR, name),
    RF("detector", R_STR, detector),
    RF("desc", R_STR, desc),
    RF("condition", R_STR, condition),
    RF("patterns", R_STRV, patterns),
    RF("validators", R_STRV, validators),
    RF("atlas", R_ATLAS, atlas),
    RF("tags", R_STRV, tags),
    RF("models", R_STRV, models),
    RF("routes", R_STRV, routes),
    RF("positives", R_STRV, positives),
    RF("negatives", R_STRV, negatives),
    RF("severity", R_SEV, severity),
    RF("throttle", R_DUR, throttle_us),
    { "weight", R_NUM, offsetof(struct ig_rule, weight), 0, 1e6 },
    RF("scan", R_SCAN, scan),
    RF("enabled", R_BOOL, enabled),
    RF("params", R_PARAMS, params_),
};

static bool rule_field(struct loader *L, const struct rule_field *f, const yaml_node_t *v, struct ig_rule *r)
{
    char *at = (char *)r + f->off;
    switch (f->type) {
    case R_STR: {
        const char *s = scalar(L, v, f->name);
        if (!s)
            return false;
        const char *p = pstr(L, v);
        memcpy(at, &p, sizeof p);
        return true;
    }
    case R_STRV:
    case R_ATLAS: {
        struct ig_strv sv;
        if (!get_strv(L, v, f->name, &sv))
            return false;
        if (f->type == R_ATLAS)
            for (uint32_t i = 0; i < sv.n; i++)
                if (sv.v[i][0] != LIST_REF && !atlas_form(sv.v[i])) {
                    ERR(L, v, "atlas '%s' is not a technique id like AML.T0051 or AML.T0024.002", sv.v[i]);
                    return false;
                }
        memcpy(at, &sv, sizeof sv);
        return true;
    }
    case R_SEV: {
        int sev;
        if (!get_severity(L, v, &sev))
            return false;
        memcpy(at, &sev, sizeof sev);
        return true;
    }
    case R_DUR: {
        uint64_t us;
        if (!get_duration(L, v, f->name, &us))
            return false;
        memcpy(at, &us, sizeof us);
        return true;
    }
    case R_BOOL: {
        bool b;
        if (!get_bool(L, v, f->name, &b))
            return false;
        memcpy(at, &b, sizeof b);
        return true;
    }
    case R_NUM: {
        const char *s = scalar(L, v, f->name);
        double x;
        if (!s)
            return false;
        if (!ig_parse_double(s, &x) || x < f->min || x > f->max) {
            ERR(L, v, "'%s': '%s' is not a number in [%g, %g]", f->name, s, f->min, f->max);
            return false;
        }
        memcpy(at, &x, sizeof x);
        return true;
    }
    case R_SCAN: {
        const char *s = scalar(L, v, f->name);
        if (!s)
            return false;
        uint32_t scan = strcmp(s, "request") == 0 ? IG_SCAN_REQUEST
                      : strcmp(s, "response") == 0 ? IG_SCAN_RESPONSE
                      : strcmp(s, "both") == 0 ? IG_SCAN_BOTH : 0;
        if (!scan) {
            ERR(L, v, "scan '%s' is not one of request|response|both", s);
            return false;
        }
        memcpy(at, &scan, sizeof scan);
        return true;
    }
    case R_PARAMS: {
        struct param *ps = NULL;
        uint32_t np = 0, cp = 0;
        bool ok = get_params(L, v, &ps, &np, &cp);
        /* Move into the pool so that the set frees everything at once. */
        struct param *pooled = np ? pool_alloc(&L->rs->pool, np * sizeof *ps) : NULL;
        if (np && pooled)
            memcpy(pooled, ps, np * sizeof *ps);
        free(ps);
        r->params_ = pooled;
        r->nparams_ = pooled ? np : 0;
        return ok;
    }
    }
    return false;
}

static struct rule_ent *find_rule(struct ig_rules *rs, const char *name)
{
    for (uint32_t i = 0; i < rs->nrules; i++)
        if (strcmp(rs->rules[i].r.name, name) == 0)
            return &rs->rules[i];
    return NULL;
}

static void item_rule(struct loader *L, const yaml_node_t *m)
{
    struct rule_ent e = { .r = { .weight = 1.0, .scan = IG_SCAN_BOTH, .enabled = true },
                          .file_no = L->file_no };
    bool ok = true;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
        if (!kn || !vn)
            continue;
        size_t i;
        for (i = 0; i < IG_ARRAY_LEN(ig_rule_fields); i++)
            if (kn->type == YAML_SCALAR_NODE && strcmp(ig_ydoc_str(kn), ig_rule_fields[i].name) == 0)
                break;
        if (i == IG_ARRAY_LEN(ig_rule_fields)) {
            ERR(L, kn, "rule: unknown key '%s'", kn->type == YAML_SCALAR_NODE ? ig_ydoc_str(kn) : "?");
            ok = false;
            continue;
        }
        if (!rule_field(L, &ig_rule_fields[i], vn, &e.r))
            ok = false;
        else
            e.set |= 1ull << i;
    }
    if (!e.r.name)
        return;   /* its error is already reported */
    /* A rule with errors is still recorded (the set is discarded anyway) so that a
     * duplicate of it is reported too. */
    e.r.file = L->file;
    e.r.line = ig_ydoc_line(m);
    struct rule_ent *old = find_rule(L->rs, e.r.name);
    if (!e.r.detector) {
        /* No detector: an override of fields of a rule defined earlier. */
        if (!old) {
            ERR(L, m, "rule '%s' has no 'detector' (and overrides no earlier rule)", e.r.name);
            return;
        }
        if (!ok)
            return;
        for (size_t i = 0; i < IG_ARRAY_LEN(ig_rule_fields); i++)
            if ((e.set >> i) & 1) {
                const struct rule_field *f = &ig_rule_fields[i];
                size_t sz = f->type == R_STR ? sizeof(char *)
                          : f->type == R_STRV || f->type == R_ATLAS ? sizeof(struct ig_strv)
                          : f->type == R_SEV ? sizeof(int) : f->type == R_DUR ? sizeof(uint64_t)
                          : f->type == R_BOOL ? sizeof(bool) : f->type == R_NUM ? sizeof(double)
                          : f->type == R_SCAN ? sizeof(uint32_t) : 0;
                if (f->type == R_PARAMS) {
                    old->r.params_ = e.r.params_;
                    old->r.nparams_ = e.r.nparams_;
                } else if (strcmp(f->name, "rule") != 0)
                    memcpy((char *)&old->r + f->off, (char *)&e.r + f->off, sz);
            }
        old->set |= e.set;
        return;
    }
    if (!name_form(e.r.detector)) {
        ERR(L, m, "rule '%s': detector '%s' is not a name like leakage.secrets", e.r.name, e.r.detector);
        ok = false;
    }
    if (!e.r.patterns.n && !e.r.condition) {
        ERR(L, m, "rule '%s' has neither 'patterns' nor 'condition'", e.r.name);
        ok = false;
    }
    if (old && old->file_no == L->file_no) {
        ERR(L, m, "rule '%s' is defined twice (first at line %u)", e.r.name, old->r.line);
        return;
    }
    if (old) {              /* a later file redefines it */
        *old = e;
        return;
    }
    if (!grow((void **)&L->rs->rules, &L->rs->crules, L->rs->nrules, sizeof e)) {
        ERR(L, m, "out of memory");
        return;
    }
    L->rs->rules[L->rs->nrules++] = e;
}

static struct det *find_det(const struct ig_rules *rs, const char *name)
{
    if (!rs || !name)
        return NULL;
    for (uint32_t i = 0; i < rs->ndets; i++)
        if (strcmp(rs->dets[i].name, name) == 0)
            return &rs->dets[i];
    return NULL;
}

static void item_detector(struct loader *L, const yaml_node_t *m, const char *name)
{
    struct det *d = find_det(L->rs, name);
    if (!name_form(name)) {
        ERR(L, m, "detector '%s' is not a name like abuse.rate", name);
        return;
    }
    if (!d) {
        if (!grow((void **)&L->rs->dets, &L->rs->cdets, L->rs->ndets, sizeof *d)) {
            ERR(L, m, "out of memory");
            return;
        }
        d = &L->rs->dets[L->rs->ndets++];
        *d = (struct det){ .name = pool_strndup(&L->rs->pool, name, strlen(name)), .file = L->file,
                           .line = ig_ydoc_line(m), .enabled = -1 };
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
        if (!kn || !vn || kn->type != YAML_SCALAR_NODE)
            continue;
        const char *k = ig_ydoc_str(kn);
        if (strcmp(k, "detector") == 0 || strcmp(k, "desc") == 0) {
            (void)scalar(L, vn, k);
        } else if (strcmp(k, "enabled") == 0) {
            bool b;
            if (get_bool(L, vn, k, &b))
                d->enabled = b;
        } else if (strcmp(k, "severity") == 0) {
            get_severity(L, vn, &d->severity);
        } else if (strcmp(k, "throttle") == 0) {
            if (get_duration(L, vn, k, &d->throttle_us))
                d->has_throttle = true;
        } else if (strcmp(k, "params") == 0) {
            get_params(L, vn, &d->params, &d->nparams, &d->cparams);
        } else {
            ERR(L, kn, "detector '%s': unknown key '%s' (enabled, severity, throttle, params, desc)", name, k);
        }
    }
}

static void item_list(struct loader *L, const yaml_node_t *m, const char *name)
{
    struct list l = { .name = pool_strndup(&L->rs->pool, name, strlen(name)), .file = L->file,
                      .line = ig_ydoc_line(m) };
    bool have_items = false, ok = true;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
        if (!kn || !vn || kn->type != YAML_SCALAR_NODE)
            continue;
        const char *k = ig_ydoc_str(kn);
        if (strcmp(k, "list") == 0 || strcmp(k, "desc") == 0)
            continue;
        if (strcmp(k, "items") == 0) {
            have_items = true;
            ok &= get_strv(L, vn, k, &l.items);
        } else {
            ERR(L, kn, "list '%s': unknown key '%s' (items, desc)", name, k);
            ok = false;
        }
    }
    if (!have_items) {
        ERR(L, m, "list '%s' has no 'items'", name);
        return;
    }
    for (uint32_t i = 0; i < L->rs->nlists; i++)
        if (strcmp(L->rs->lists[i].name, name) == 0) {
            if (ok)
                L->rs->lists[i] = l;   /* a later definition replaces it */
            return;
        }
    if (!ok || !grow((void **)&L->rs->lists, &L->rs->clists, L->rs->nlists, sizeof l))
        return;
    L->rs->lists[L->rs->nlists++] = l;
}

static void item_macro(struct loader *L, const yaml_node_t *m, const char *name)
{
    struct macro mc = { .name = pool_strndup(&L->rs->pool, name, strlen(name)), .file = L->file,
                        .line = ig_ydoc_line(m) };
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
        if (!kn || !vn || kn->type != YAML_SCALAR_NODE)
            continue;
        const char *k = ig_ydoc_str(kn);
        if (strcmp(k, "macro") == 0 || strcmp(k, "desc") == 0)
            continue;
        if (strcmp(k, "condition") == 0) {
            if (scalar(L, vn, k))
                mc.condition = pstr(L, vn);
        } else
            ERR(L, kn, "macro '%s': unknown key '%s' (condition, desc)", name, k);
    }
    if (!mc.condition) {
        ERR(L, m, "macro '%s' has no 'condition'", name);
        return;
    }
    for (uint32_t i = 0; i < L->rs->nmacros; i++)
        if (strcmp(L->rs->macros[i].name, name) == 0) {
            L->rs->macros[i] = mc;
            return;
        }
    if (grow((void **)&L->rs->macros, &L->rs->cmacros, L->rs->nmacros, sizeof mc))
        L->rs->macros[L->rs->nmacros++] = mc;
}

/* Which kind of item: the first of rule, detector, list, macro present (a rule names its
 * detector too, so "rule" wins). */
static void item(struct loader *L, const yaml_node_t *m)
{
    static const char *const kinds[] = { "rule", "detector", "list", "macro" };
    if (m->type != YAML_MAPPING_NODE) {
        ERR(L, m, "each item must be a map (- rule: / - detector: / - list: / - macro:), got %s",
            ig_ydoc_kind(m));
        return;
    }
    for (size_t k = 0; k < IG_ARRAY_LEN(kinds); k++)
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            yaml_node_t *kn = ig_ydoc_node(L->d, p->key), *vn = ig_ydoc_node(L->d, p->value);
            if (!kn || !vn || kn->type != YAML_SCALAR_NODE || strcmp(ig_ydoc_str(kn), kinds[k]) != 0)
                continue;
            const char *name = k == 0 ? "" : scalar(L, vn, kinds[k]);
            if (!name)
                return;
            if (k == 0)
                item_rule(L, m);
            else if (k == 1)
                item_detector(L, m, name);
            else if (k == 2)
                item_list(L, m, name);
            else
                item_macro(L, m, name);
            return;
        }
    ERR(L, m, "item has none of 'rule', 'detector', 'list', 'macro'");
}

static void load_one(struct loader *L, const char *name, const uint8_t *p, size_t n)
{
    char err[512];
    struct ig_ydoc d;
    L->file = pool_strndup(&L->rs->pool, name, strlen(name));
    if (!L->file) {
        L->rep.errors++;
        return;
    }
    if (ig_ydoc_load(&d, name, p, n, err, sizeof err)) {
        ig_rules_report(&L->rep, err);
        return;
    }
    L->d = &d;
    yaml_node_t *root = ig_ydoc_root(&d);
    if (root && !ig_ydoc_is_null(root)) {
        if (root->type != YAML_SEQUENCE_NODE)
            ERR(L, root, "a rules file is a list of items, got %s", ig_ydoc_kind(root));
        else
            for (yaml_node_item_t *it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
                yaml_node_t *m = ig_ydoc_node(&d, *it);
                if (m)
                    item(L, m);
            }
    }
    L->d = NULL;
    ig_ydoc_free(&d);
    L->file_no++;
}

/* ---- list expansion, after every file is read ---- */

static struct list *find_list(const struct ig_rules *rs, const char *name)
{
    for (uint32_t i = 0; i < rs->nlists; i++)
        if (strcmp(rs->lists[i].name, name) == 0)
            return &rs->lists[i];
    return NULL;
}

static bool expand(struct loader *L, struct ig_strv *sv, const char *file, unsigned line, int depth);

static bool expand_list(struct loader *L, struct list *l, int depth)
{
    if (l->state == 2)
        return true;
    if (l->state == 1 || depth > MAX_LIST_DEPTH) {
        err_at(L, l->file, l->line, "list '%s' includes itself", l->name);
        return false;
    }
    l->state = 1;
    bool ok = expand(L, &l->items, l->file, l->line, depth + 1);
    l->state = 2;
    if (!ok)
        l->items = (struct ig_strv){ 0 };
    return ok;
}

static bool expand(struct loader *L, struct ig_strv *sv, const char *file, unsigned line, int depth)
{
    size_t total = 0;
    bool refs = false, ok = true;
    for (uint32_t i = 0; i < sv->n; i++) {
        if (sv->v[i][0] != LIST_REF) {
            total++;
            continue;
        }
        refs = true;
        struct list *l = find_list(L->rs, sv->v[i] + 1);
        if (!l) {
            err_at(L, file, line, "unknown list '%s'", sv->v[i] + 1);
            ok = false;
            continue;
        }
        if (!expand_list(L, l, depth)) {
            ok = false;
            continue;
        }
        total += l->items.n;
    }
    if (!refs || !ok)
        return ok;
    L->copied += total;
    if (L->copied > MAX_ITEMS_COPIED) {
        err_at(L, file, line, "lists expand to more than %u items in all", MAX_ITEMS_COPIED);
        return false;
    }
    const char **out = pool_alloc(&L->rs->pool, (total ? total : 1) * sizeof *out);
    if (!out)
        return false;
    size_t k = 0;
    for (uint32_t i = 0; i < sv->n; i++) {
        if (sv->v[i][0] != LIST_REF) {
            out[k++] = sv->v[i];
            continue;
        }
        struct list *l = find_list(L->rs, sv->v[i] + 1);
        for (uint32_t j = 0; j < l->items.n; j++)
            out[k++] = l->items.v[j];
    }
    *sv = (struct ig_strv){ out, (uint32_t)k };
    return true;
}

static void finalize(struct loader *L)
{
    struct ig_rules *rs = L->rs;
    for (uint32_t i = 0; i < rs->nlists; i++)
        expand_list(L, &rs->lists[i], 0);
    for (uint32_t i = 0; i < rs->ndets; i++)
        for (uint32_t j = 0; j < rs->dets[i].nparams; j++) {
            struct param *p = &rs->dets[i].params[j];
            if (p->is_list)
                expand(L, &p->list, p->file, p->line, 0);
        }
    for (uint32_t i = 0; i < rs->nrules; i++) {
        struct ig_rule *r = &rs->rules[i].r;
        struct ig_strv *fields[] = { &r->patterns, &r->validators, &r->atlas, &r->tags, &r->models,
                                     &r->routes, &r->positives, &r->negatives };
        for (size_t f = 0; f < IG_ARRAY_LEN(fields); f++)
            expand(L, fields[f], r->file, r->line, 0);
        struct param *ps = (struct param *)r->params_;
        for (uint32_t j = 0; j < r->nparams_; j++)
            if (ps[j].is_list)
                expand(L, &ps[j].list, ps[j].file, ps[j].line, 0);
    }
}

/* ---- directory walking and entry points ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_path(struct loader *L, const char *path)
{
    char err[512];
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, sizeof err, "%s: cannot open: %s", path, strerror(errno));
        goto report;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    if (S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (!dir) {
            snprintf(err, sizeof err, "%s: cannot open: %s", path, strerror(errno));
            goto report;
        }
        struct dirent *de;
        while ((de = readdir(dir))) {
            size_t len = strlen(de->d_name);
            if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 || de->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                char **nn = realloc(names, cap * sizeof *names);
                if (!nn)
                    break;
                names = nn;
            }
            size_t plen = strlen(path) + len + 2;
            if (!(names[n] = malloc(plen)))
                break;
            snprintf(names[n++], plen, "%s/%s", path, de->d_name);
        }
        closedir(dir);
        qsort(names, n, sizeof *names, cmp_str);
    } else {
        names = malloc(sizeof *names);
        if (names && (names[0] = strdup(path)))
            n = 1;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t *buf;
        size_t len;
        if (ig_ydoc_read_file(names[i], &buf, &len, err, sizeof err) == IG_OK) {
            hash_file(L, names[i], buf, len);
            /* atlas.yaml shares the directory: the findings stage's ATLAS table, not rules. */
            const char *slash = strrchr(names[i], '/');
            if (strcmp(slash ? slash + 1 : names[i], "atlas.yaml") != 0)
                load_one(L, names[i], buf, len);
            free(buf);
        } else {
            ig_rules_report(&L->rep, err);
        }
        free(names[i]);
    }
    free(names);
    return;
report:
    ig_rules_report(&L->rep, err);
}

void ig_rules_free(struct ig_rules *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; i < r->ndets; i++)
        free(r->dets[i].params);
    free(r->dets);
    free(r->lists);
    free(r->macros);
    free(r->rules);
    for (struct pchunk *c = r->pool, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(r);
}

struct first_err { char *buf; size_t len; bool have; };

static void keep_first(void *ctx, const char *msg)
{
    struct first_err *fe = ctx;
    if (!fe->have && fe->len)
        snprintf(fe->buf, fe->len, "%s", msg);
    fe->have = true;
}

static void load_embedded(struct loader *L)
{
    char name[128];
    for (const struct ig_embedded_file *f = ig_embedded_rules; f->name; f++) {
        hash_file(L, f->name, f->data, f->len);
        if (strcmp(f->name, "atlas.yaml") == 0)
            continue;
        snprintf(name, sizeof name, "<embedded>/%s", f->name);
        load_one(L, name, f->data, f->len);
    }
}

const struct ig_embedded_file *ig_embedded_rules_find(const char *name)
{
    for (const struct ig_embedded_file *f = ig_embedded_rules; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* <path>, <buf> or (both NULL) the embedded set. Returns the number of errors; *out only
 * when 0 and out. */
static int run(const char *path, const char *name, const void *buf, size_t n, struct ig_rules **out,
               void (*report)(void *ctx, const char *msg), void *ctx)
{
    struct ig_rules *rs = calloc(1, sizeof *rs);
    if (!rs) {
        if (report)
            report(ctx, "out of memory");
        return 1;
    }
    struct loader L = { .rs = rs, .rep = { report, ctx, 0 } };
    ig_sha256_init(&L.hash);
    const char *origin = path ? path : buf ? name : "embedded";
    rs->origin = pool_strndup(&rs->pool, origin, strlen(origin));
    if (path)
        load_path(&L, path);
    else if (buf)
        load_one(&L, name, buf, n);
    else
        load_embedded(&L);
    if (buf)
        hash_file(&L, name, buf, n);
    uint8_t md[32];
    ig_sha256_final(&L.hash, md);
    for (int i = 0; i < 32; i++)
        snprintf(rs->sha256 + 2 * i, 3, "%02x", md[i]);
    finalize(&L);
    if (L.rep.errors || !out) {
        ig_rules_free(rs);
        return L.rep.errors;
    }
    *out = rs;
    return 0;
}

int ig_rules_load_dir(const char *dir, struct ig_rules **out, char *err, size_t errlen)
{
    struct first_err fe = { err, errlen, false };
    *out = NULL;
    int n = run(dir, NULL, NULL, 0, out, keep_first, &fe);
    return n ? IG_ECONF : IG_OK;
}

int ig_rules_load_embedded(struct ig_rules **out, char *err, size_t errlen)
{
    struct first_err fe = { err, errlen, false };
    *out = NULL;
    return run(NULL, NULL, NULL, 0, out, keep_first, &fe) ? IG_ECONF : IG_OK;
}

int ig_rules_check_embedded(void (*report)(void *ctx, const char *msg), void *ctx)
{
    return run(NULL, NULL, NULL, 0, NULL, report, ctx);
}

const char *ig_rules_origin(const struct ig_rules *r)
{
    return r && r->origin ? r->origin : "none";
}

const char *ig_rules_sha256(const struct ig_rules *r)
{
    return r ? r->sha256 : "";
}

int ig_rules_load_buf(const char *name, const void *p, size_t n, struct ig_rules **out,
                      char *err, size_t errlen)
{
    struct first_err fe = { err, errlen, false };
    *out = NULL;
    return run(NULL, name, p, n, out, keep_first, &fe) ? IG_ECONF : IG_OK;
}

int ig_rules_check_dir(const char *dir, void (*report)(void *ctx, const char *msg), void *ctx)
{
    return run(dir, NULL, NULL, 0, NULL, report, ctx);
}

int ig_rules_check_buf(const char *name, const void *p, size_t n,
                       void (*report)(void *ctx, const char *msg), void *ctx)
{
    return run(NULL, name, p, n, NULL, report, ctx);
}

/* ---- accessors: init-time, linear scans are fine ---- */

static const struct param *find_param(const struct param *ps, uint32_t n, const char *key)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(ps[i].key, key) == 0)
            return &ps[i];
    return NULL;
}

static const struct param *det_param(const struct ig_rules *r, const char *detector, const char *key)
{
    const struct det *d = find_det(r, detector);
    return d ? find_param(d->params, d->nparams, key) : NULL;
}

bool ig_rules_enabled(const struct ig_rules *r, const char *detector, bool def)
{
    const struct det *d = find_det(r, detector);
    return d && d->enabled >= 0 ? d->enabled : def;
}

static double param_num(const struct param *p, const char *owner, double def)
{
    double x;
    if (!p)
        return def;
    if (p->value && ig_parse_double(p->value, &x))
        return x;
    IG_LOG_WARN("rules", "%s:%u: %s.%s is not a number; using %g", p->file, p->line, owner, p->key, def);
    return def;
}

double ig_rules_num(const struct ig_rules *r, const char *detector, const char *param, double def)
{
    return param_num(det_param(r, detector, param), detector, def);
}

const char *ig_rules_str(const struct ig_rules *r, const char *detector, const char *param, const char *def)
{
    const struct param *p = det_param(r, detector, param);
    return p && p->value ? p->value : def;
}

bool ig_rules_bool(const struct ig_rules *r, const char *detector, const char *param, bool def)
{
    const struct param *p = det_param(r, detector, param);
    bool b;
    if (!p)
        return def;
    if (p->value && ig_parse_bool(p->value, &b))
        return b;
    IG_LOG_WARN("rules", "%s:%u: %s.%s is not true/false; using %s", p->file, p->line, detector,
                param, def ? "true" : "false");
    return def;
}

uint64_t ig_rules_duration_us(const struct ig_rules *r, const char *detector, const char *param,
                              uint64_t def)
{
    const struct param *p = det_param(r, detector, param);
    uint64_t us;
    if (!p)
        return def;
    if (p->value && ig_parse_duration_us(p->value, 1000000, &us))
        return us;
    IG_LOG_WARN("rules", "%s:%u: %s.%s is not a duration; using %lluus", p->file, p->line,
                detector, param, (unsigned long long)def);
    return def;
}

size_t ig_rules_strlist(const struct ig_rules *r, const char *detector, const char *param,
                        const char *const **items)
{
    const struct param *p = det_param(r, detector, param);
    *items = NULL;
    if (!p)
        return 0;
    if (!p->is_list) {
        *items = &p->value;
        return 1;
    }
    *items = p->list.v;
    return p->list.n;
}

bool ig_rules_block_param(const struct ig_rules *r, const char *block, size_t i,
                          struct ig_rules_pv *out)
{
    const struct det *d = find_det(r, block);
    if (!d || i >= d->nparams)
        return false;
    const struct param *p = &d->params[i];
    *out = (struct ig_rules_pv){ .key = p->key, .value = p->value, .value_ref = &p->value, .list = p->list,
                                 .is_list = p->is_list, .file = p->file, .line = p->line };
    return true;
}

bool ig_rule_param_at(const struct ig_rule *ru, size_t i, struct ig_rules_pv *out)
{
    const struct param *ps = ru ? ru->params_ : NULL;
    if (!ps || i >= ru->nparams_)
        return false;
    const struct param *p = &ps[i];
    *out = (struct ig_rules_pv){ .key = p->key, .value = p->value, .value_ref = &p->value, .list = p->list,
                                 .is_list = p->is_list, .file = p->file, .line = p->line };
    return true;
}

int ig_rules_severity(const struct ig_rules *r, const char *detector, int def)
{
    const struct det *d = find_det(r, detector);
    return d && d->severity ? d->severity : def;
}

uint64_t ig_rules_throttle_us(const struct ig_rules *r, const char *detector, uint64_t def)
{
    const struct det *d = find_det(r, detector);
    return d && d->has_throttle ? d->throttle_us : def;
}

void ig_rules_each_detector(const struct ig_rules *r,
                            void (*fn)(void *ctx, const char *detector, const char *file, unsigned line),
                            void *ctx)
{
    if (!r)
        return;
    for (uint32_t i = 0; i < r->ndets; i++)
        fn(ctx, r->dets[i].name, r->dets[i].file, r->dets[i].line);
    for (uint32_t i = 0; i < r->nrules; i++) {
        const struct ig_rule *ru = &r->rules[i].r;
        bool seen = find_det(r, ru->detector) != NULL;
        for (uint32_t j = 0; j < i && !seen; j++)
            seen = strcmp(r->rules[j].r.detector, ru->detector) == 0;
        if (!seen)
            fn(ctx, ru->detector, ru->file, ru->line);
    }
}

size_t ig_rules_count(const struct ig_rules *r, const char *detector)
{
    size_t n = 0;
    for (uint32_t i = 0; r && i < r->nrules; i++)
        n += !detector || strcmp(r->rules[i].r.detector, detector) == 0;
    return n;
}

const struct ig_rule *ig_rules_get(const struct ig_rules *r, const char *detector, size_t k)
{
    for (uint32_t i = 0; r && i < r->nrules; i++)
        if (!detector || strcmp(r->rules[i].r.detector, detector) == 0) {
            if (k == 0)
                return &r->rules[i].r;
            k--;
        }
    return NULL;
}

const struct ig_rule *ig_rules_find(const struct ig_rules *r, const char *name)
{
    for (uint32_t i = 0; r && i < r->nrules; i++)
        if (strcmp(r->rules[i].r.name, name) == 0)
            return &r->rules[i].r;
    return NULL;
}

static bool glob_any(const struct ig_strv *sv, const char *s)
{
    if (!sv->n)
        return true;
    for (uint32_t i = 0; i < sv->n; i++)
        if (fnmatch(sv->v[i], s ? s : "", 0) == 0)
            return true;
    return false;
}

bool ig_rule_applies(const struct ig_rule *rule, const char *model, const char *route)
{
    return glob_any(&rule->models, model) && glob_any(&rule->routes, route);
}

double ig_rule_num(const struct ig_rule *rule, const char *param, double def)
{
    return param_num(find_param(rule->params_, rule->nparams_, param), rule->name, def);
}

const char *ig_rule_str(const struct ig_rule *rule, const char *param, const char *def)
{
    const struct param *p = find_param(rule->params_, rule->nparams_, param);
    return p && p->value ? p->value : def;
}

size_t ig_rules_list(const struct ig_rules *r, const char *name, const char *const **items)
{
    const struct list *l = r ? find_list(r, name) : NULL;
    *items = l ? l->items.v : NULL;
    return l ? l->items.n : 0;
}

const char *ig_rules_macro(const struct ig_rules *r, const char *name)
{
    for (uint32_t i = 0; r && i < r->nmacros; i++)
        if (strcmp(r->macros[i].name, name) == 0)
            return r->macros[i].condition;
    return NULL;
}
