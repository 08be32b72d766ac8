/* Hyperscan databases for pattern rules; see hsdb.h. */
#include "hsdb.h"
#include "gate.h"
#include "hs_cache.h"
#include "validators.h"

#include <hs.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hs_rule {
    const struct ig_rule *rule;
    uint32_t validators;     /* enum ig_hsdb_validator */
    double min_entropy;
    const char *context;
    uint32_t context_window;
    bool som;                /* report match starts */
    uint32_t max_len;        /* longest match the start search looks back over */
    hs_database_t *som_db;   /* the rule's patterns with start tracking, run on a window */
    uint8_t *extend;         /* params.extend_left as a 256-byte set, or NULL */
    uint8_t *trim;           /* params.trim_left as a 256-byte set, or NULL */
};

struct hs_point {
    hs_database_t *db;
    uint32_t npat;
    uint32_t *rule_of;       /* pattern id -> rule index */
    /* gate.h: the patterns without a literal to anchor on are left out of <fast>, which
     * is scanned instead of <db> when none of their leading atoms occur in the text */
    hs_database_t *fast;
    struct ig_gate gate;
};

struct ig_hsdb {
    struct ig_pattern_cache *cache;   /* while building; may be NULL */
    uint32_t nrules;
    struct hs_rule *rules;
    struct hs_point pt[2];   /* [0] request, [1] response */
    ig_gate_check_fn gate_fn; /* NULL: never the fast database */
};

struct ig_hsdb_scratch {
    hs_scratch_t *hs;
    hs_scratch_t *hs2;       /* for the start search, which runs inside a match callback */
    uint32_t nbits;
    uint64_t *done;          /* rules silenced for the current scan */
};

static const struct { const char *name; uint32_t bit; } val_names[] = {
    { "luhn", IG_VAL_LUHN }, { "iban", IG_VAL_IBAN }, { "ssn", IG_VAL_SSN },
    { "entropy", IG_VAL_ENTROPY }, { "jwt", IG_VAL_JWT }, { "not_example", IG_VAL_NOT_EXAMPLE },
    { "not_reserved", IG_VAL_NOT_RESERVED },
    { "context", IG_VAL_CONTEXT },
};

/* A pattern rule's own params (rules/schema.md's "Pattern rule params" table is generated
 * from these rows; `rules check`, reload and analyze/run check every rule against them). */
struct rule_params {
    uint32_t form;               /* index in "raw|folded|words" */
    double min_entropy;
    const char *context, *extend_left, *trim_left;
    uint32_t max_len, context_window;
};

#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct rule_params, f), __VA_ARGS__ }
const struct ig_param ig_pattern_rule_params[] = {
    ROW("form", IG_PT_ENUM, form, .def = 0, .choices = "raw|folded|words",
        .help = "the text the rule sees (table above)"),
    ROW("min_entropy", IG_PT_DOUBLE, min_entropy, .def = 3.0,
        .help = "validator `entropy`: Shannon entropy in bits/char a match must reach"),
    ROW("context", IG_PT_STR, context, .doc_default = "none",
        .help = "validator `context`: words (`a\\|b`, case-insensitive), one of which must be near the match"),
    ROW("context_window", IG_PT_U32, context_window, .def = 64, .min = 0, .max = 4096,
        .help = "validator `context`: bytes before or inside the match searched for a context word"),
    ROW("max_len", IG_PT_U32, max_len, .def = 1024, .min = 16, .max = 65536,
        .help = "longest match: bytes before a match's end searched for its start"),
    ROW("extend_left", IG_PT_STR, extend_left, .doc_default = "none",
        .help = "characters (a set such as `A-Za-z0-9._%+-`) the start moves left over"),
    ROW("trim_left", IG_PT_STR, trim_left, .doc_default = "none",
        .help = "characters (`^0-9`: a leading `^` negates) the start moves right over"),
    { 0 },
};
#undef ROW

static bool wanted(const struct ig_rule *ru, const char *const *detectors, const char *form)
{
    if (!ru->enabled || ru->patterns.n == 0)
        return false;
    if (detectors) {
        bool hit = false;
        for (const char *const *d = detectors; *d && !hit; d++)
            hit = ru->detector && !strcmp(ru->detector, *d);
        if (!hit)
            return false;
    }
    return !form || !strcmp(ig_rule_str(ru, "form", "raw"), form);
}

static int compile_point(struct ig_hsdb *db, int pi, char *err, size_t errlen)
{
    uint32_t point = pi == 0 ? IG_SCAN_REQUEST : IG_SCAN_RESPONSE;
    struct hs_point *pt = &db->pt[pi];
    uint32_t n = 0;
    for (uint32_t i = 0; i < db->nrules; i++)
        if (db->rules[i].rule->scan & point)
            n += db->rules[i].rule->patterns.n;
    if (n == 0)
        return IG_OK;
    const char **expr = calloc(n, sizeof *expr);
    unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
    pt->rule_of = calloc(n, sizeof *pt->rule_of);
    int rc = IG_ENOMEM;
    if (!expr || !flags || !ids || !pt->rule_of) {
        snprintf(err, errlen, "out of memory compiling patterns");
        goto out;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < db->nrules; i++) {
        const struct ig_rule *ru = db->rules[i].rule;
        if (!(ru->scan & point))
            continue;
        for (uint32_t j = 0; j < ru->patterns.n; j++, k++) {
            expr[k] = ru->patterns.v[j];
            /* no start tracking here: with it, a pattern such as an e-mail address whose
             * match may start at any word character scans 25x slower; starts are found
             * afterwards, only for candidates (find_start) */
            flags[k] = 0;
            ids[k] = k;
            pt->rule_of[k] = i;
        }
    }
    hs_compile_error_t *ce = NULL;
    if (ig_hs_compile_multi(db->cache, expr, flags, ids, n, &pt->db, &ce) != HS_SUCCESS) {
        if (ce && ce->expression >= 0 && (uint32_t)ce->expression < n) {
            const struct ig_rule *ru = db->rules[pt->rule_of[ce->expression]].rule;
            snprintf(err, errlen, "%s:%u: rule %s: pattern '%s': %s", ru->file ? ru->file : "?",
                     ru->line, ru->name, expr[ce->expression], ce->message);
        } else
            snprintf(err, errlen, "pattern database: %s", ce ? ce->message : "compile failed");
        hs_free_compile_error(ce);
        pt->db = NULL;
        rc = IG_ECONF;
        goto out;
    }
    pt->npat = n;
    rc = IG_OK;
    /* the fast database: every pattern the gate cannot vouch for, same ids */
    uint32_t nf = 0;
    for (k = 0; k < n; k++)
        if (!ig_gate_add(&pt->gate, expr[k])) {
            expr[nf] = expr[k];
            flags[nf] = flags[k];
            ids[nf++] = ids[k];
        }
    if (pt->gate.npat && nf) {
        ce = NULL;
        if (ig_hs_compile_multi(db->cache, expr, flags, ids, nf, &pt->fast, &ce) != HS_SUCCESS) {
            hs_free_compile_error(ce);
            pt->fast = NULL;   /* no gating: always the whole database */
        }
    }
out:
    free(expr);
    free(flags);
    free(ids);
    return rc;
}

/* A character set such as "A-Za-z0-9._%+-" (ranges a-b, a trailing '-' literal, a
 * leading '^' negates) as a 256-byte table in *out; NULL spec leaves *out NULL. */
static int char_set(const char *spec, uint8_t **out)
{
    *out = NULL;
    if (!spec)
        return IG_OK;
    uint8_t *t = calloc(256, 1);
    if (!t)
        return IG_ENOMEM;
    bool neg = spec[0] == '^';
    for (size_t k = neg; spec[k]; k++) {
        uint8_t a = (uint8_t)spec[k], b = a;
        if (spec[k + 1] == '-' && spec[k + 2]) {
            b = (uint8_t)spec[k + 2];
            k += 2;
        }
        for (unsigned c = a; c <= b; c++)
            t[c] = 1;
    }
    if (neg)
        for (int c = 0; c < 256; c++)
            t[c] = !t[c];
    *out = t;
    return IG_OK;
}

/* The rule's own start-tracking database, searched only around candidate matches. */
static int compile_som(struct ig_pattern_cache *cache, struct hs_rule *h, char *err, size_t errlen)
{
    const struct ig_rule *ru = h->rule;
    uint32_t n = ru->patterns.n;
    unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
    if (!flags || !ids) {
        free(flags);
        free(ids);
        snprintf(err, errlen, "out of memory compiling patterns");
        return IG_ENOMEM;
    }
    for (uint32_t k = 0; k < n; k++)
        flags[k] = HS_FLAG_SOM_LEFTMOST;
    hs_compile_error_t *ce = NULL;
    int rc = IG_OK;
    if (ig_hs_compile_multi(cache, (const char *const *)ru->patterns.v, flags, ids, n, &h->som_db,
                            &ce) != HS_SUCCESS) {
        snprintf(err, errlen, "%s:%u: rule %s: start tracking: %s", ru->file ? ru->file : "?",
                 ru->line, ru->name, ce ? ce->message : "compile failed");
        hs_free_compile_error(ce);
        h->som_db = NULL;
        rc = IG_ECONF;
    }
    free(flags);
    free(ids);
    return rc;
}

int ig_hsdb_build(struct ig_pattern_cache *cache, const struct ig_rules *r,
                  const char *const *detectors, const char *form, struct ig_hsdb **out,
                  char *err, size_t errlen)
{
    *out = NULL;
    if (hs_valid_platform() != HS_SUCCESS) {
        snprintf(err, errlen, "this CPU lacks SSSE3, which Hyperscan needs for pattern rules");
        return IG_ECONF;
    }
    struct ig_hsdb *db = calloc(1, sizeof *db);
    size_t total = ig_rules_count(r, NULL);
    if (!db || !(db->rules = calloc(total ? total : 1, sizeof *db->rules))) {
        free(db);
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    db->cache = cache;
    db->gate_fn = ig_gate_fn();
    int rc = IG_ECONF;
    for (size_t i = 0; i < total; i++) {
        const struct ig_rule *ru = ig_rules_get(r, NULL, i);
        if (!wanted(ru, detectors, form))
            continue;
        struct hs_rule *h = &db->rules[db->nrules++];
        h->rule = ru;
        for (uint32_t v = 0; v < ru->validators.n; v++) {
            uint32_t bit = 0;
            for (size_t k = 0; k < IG_ARRAY_LEN(val_names); k++)
                if (!strcmp(ru->validators.v[v], val_names[k].name))
                    bit = val_names[k].bit;
            if (!bit) {
                snprintf(err, errlen, "%s:%u: rule %s: unknown validator '%s'",
                         ru->file ? ru->file : "?", ru->line, ru->name, ru->validators.v[v]);
                goto fail;
            }
            h->validators |= bit;
        }
        struct rule_params rp;
        if (ig_rule_params_fill(ig_pattern_rule_params, ru, &rp, err, errlen) != IG_OK) {
            rc = IG_ECONF;
            goto fail;
        }
        h->som = h->validators || rp.form == 0;
        h->min_entropy = rp.min_entropy;
        h->context = rp.context;
        if (char_set(rp.extend_left, &h->extend) != IG_OK || char_set(rp.trim_left, &h->trim) != IG_OK) {
            snprintf(err, errlen, "out of memory");
            rc = IG_ENOMEM;
            goto fail;
        }
        h->max_len = rp.max_len;
        h->context_window = rp.context_window;
        if ((h->validators & IG_VAL_CONTEXT) && !h->context) {
            snprintf(err, errlen, "%s:%u: rule %s: validator context needs params.context",
                     ru->file ? ru->file : "?", ru->line, ru->name);
            goto fail;
        }
    }
    for (int p = 0; p < 2; p++)
        if ((rc = compile_point(db, p, err, errlen)) != IG_OK)
            goto fail;
    for (uint32_t i = 0; i < db->nrules; i++)
        if (db->rules[i].som && (rc = compile_som(cache, &db->rules[i], err, errlen)) != IG_OK)
            goto fail;
    db->cache = NULL;   /* borrowed for the build only */
    *out = db;
    return IG_OK;
fail:
    ig_hsdb_free(db);
    return rc;
}

int ig_hsdb_check(const struct ig_rules *r, void (*report)(void *ctx, const char *msg), void *ctx)
{
    int errors = 0;
    char msg[768];
    for (size_t i = 0, n = ig_rules_count(r, NULL); i < n; i++) {
        const struct ig_rule *ru = ig_rules_get(r, NULL, i);
        const char *file = ru->file ? ru->file : "?";
        bool som = ru->validators.n > 0 || !strcmp(ig_rule_str(ru, "form", "raw"), "raw");
        for (uint32_t v = 0; v < ru->validators.n; v++) {
            bool known = false;
            for (size_t k = 0; k < IG_ARRAY_LEN(val_names); k++)
                known |= !strcmp(ru->validators.v[v], val_names[k].name);
            if (!known || (!strcmp(ru->validators.v[v], "context") && !ig_rule_str(ru, "context", NULL))) {
                snprintf(msg, sizeof msg, "%s:%u: rule %s: %s '%s'", file, ru->line, ru->name,
                         known ? "validator needs params.context:" : "unknown validator",
                         ru->validators.v[v]);
                report(ctx, msg);
                errors++;
            }
        }
        for (uint32_t k = 0; k < ru->patterns.n; k++) {
            for (int pass = 0; pass < 1 + som; pass++) {
                hs_database_t *d = NULL;
                hs_compile_error_t *ce = NULL;
                if (hs_compile(ru->patterns.v[k], pass ? HS_FLAG_SOM_LEFTMOST : 0, HS_MODE_BLOCK,
                               NULL, &d, &ce) == HS_SUCCESS) {
                    hs_free_database(d);
                    continue;
                }
                snprintf(msg, sizeof msg, "%s:%u: rule %s: pattern '%s': %s%s", file, ru->line,
                         ru->name, ru->patterns.v[k], pass ? "with start tracking: " : "",
                         ce ? ce->message : "compile failed");
                hs_free_compile_error(ce);
                report(ctx, msg);
                errors++;
                break;
            }
        }
    }
    return errors;
}

void ig_hsdb_free(struct ig_hsdb *db)
{
    if (!db)
        return;
    for (int p = 0; p < 2; p++) {
        hs_free_database(db->pt[p].db);
        hs_free_database(db->pt[p].fast);
        free(db->pt[p].rule_of);
    }
    for (uint32_t i = 0; i < db->nrules; i++) {
        hs_free_database(db->rules[i].som_db);
        free(db->rules[i].extend);
        free(db->rules[i].trim);
    }
    free(db->rules);
    free(db);
}

uint32_t ig_hsdb_gated(const struct ig_hsdb *db, enum ig_rule_scan point)
{
    if (!db || (point != IG_SCAN_REQUEST && point != IG_SCAN_RESPONSE))
        return 0;
    const struct hs_point *pt = &db->pt[point == IG_SCAN_RESPONSE];
    return pt->fast ? pt->gate.npat : 0;
}

void ig_hsdb_gate(struct ig_hsdb *db, bool on)
{
    db->gate_fn = on ? ig_gate_fn() : NULL;
}

uint32_t ig_hsdb_rules(const struct ig_hsdb *db)
{
    return db ? db->nrules : 0;
}

const struct ig_rule *ig_hsdb_rule(const struct ig_hsdb *db, uint32_t idx)
{
    return db && idx < db->nrules ? db->rules[idx].rule : NULL;
}

uint32_t ig_hsdb_patterns(const struct ig_hsdb *db, enum ig_rule_scan point)
{
    if (!db || (point != IG_SCAN_REQUEST && point != IG_SCAN_RESPONSE))
        return 0;
    return db->pt[point == IG_SCAN_RESPONSE].npat;
}

int ig_hsdb_scratch_fit(const struct ig_hsdb *db, struct ig_hsdb_scratch **sp)
{
    struct ig_hsdb_scratch *s = *sp;
    if (!s && !(s = *sp = calloc(1, sizeof *s)))
        return IG_ENOMEM;
    for (int p = 0; p < 2; p++)
        if ((db->pt[p].db && hs_alloc_scratch(db->pt[p].db, &s->hs) != HS_SUCCESS) ||
            (db->pt[p].fast && hs_alloc_scratch(db->pt[p].fast, &s->hs) != HS_SUCCESS))
            return IG_ENOMEM;
    for (uint32_t i = 0; i < db->nrules; i++)
        if (db->rules[i].som_db && hs_alloc_scratch(db->rules[i].som_db, &s->hs2) != HS_SUCCESS)
            return IG_ENOMEM;
    if (s->nbits < db->nrules) {
        uint32_t words = (db->nrules + 63) / 64;
        uint64_t *d = realloc(s->done, words * sizeof *d);
        if (!d)
            return IG_ENOMEM;
        s->done = d;
        s->nbits = words * 64;
    }
    return IG_OK;
}

void ig_hsdb_scratch_free(struct ig_hsdb_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    hs_free_scratch(s->hs2);
    free(s->done);
    free(s);
}

bool ig_hsdb_validate(const struct ig_hsdb *db, uint32_t idx, const uint8_t *text, size_t from,
                      size_t to)
{
    const struct hs_rule *h = &db->rules[idx];
    const char *p = (const char *)text + from;
    size_t n = to - from;
    uint32_t v = h->validators;
    if ((v & IG_VAL_LUHN) && !ig_valid_card(p, n))
        return false;
    if ((v & IG_VAL_IBAN) && !ig_valid_iban(p, n))
        return false;
    if ((v & IG_VAL_SSN) && !ig_valid_ssn(p, n))
        return false;
    if ((v & IG_VAL_ENTROPY) && ig_entropy(p, n) < h->min_entropy)
        return false;
    if ((v & IG_VAL_JWT) && !ig_valid_jwt(p, n))
        return false;
    if ((v & IG_VAL_NOT_EXAMPLE) && ig_aws_example(p, n))
        return false;
    if ((v & IG_VAL_NOT_RESERVED) && ig_reserved_email(p, n))
        return false;
    if (v & IG_VAL_CONTEXT) {
        size_t s = from > h->context_window ? from - h->context_window : 0;
        if (!ig_has_context((const char *)text + s, to - s, h->context))
            return false;
    }
    return true;
}

struct scan_ctx {
    const struct ig_hsdb *db;
    const struct hs_point *pt;
    const uint8_t *text;
    const char *model, *route;
    struct ig_hsdb_scratch *s;
    ig_hsdb_match_fn fn;
    void *ctx;
};

struct som_ctx { unsigned long long end, from; bool found; };

static int on_som(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                  void *arg)
{
    (void)id;
    (void)flags;
    struct som_ctx *c = arg;
    if (to == c->end && (!c->found || from < c->from)) {
        c->from = from;
        c->found = true;
    }
    return 0;
}

/* Leftmost start of a match of rule <h> ending at <to>, searched over the max_len bytes
 * before it; false if none (cannot happen unless the match is longer than max_len). */
static bool find_start(const struct hs_rule *h, const uint8_t *text, unsigned long long to,
                       hs_scratch_t *s2, unsigned long long *from)
{
    unsigned long long ws = to > h->max_len ? to - h->max_len : 0;
    struct som_ctx c = { to - ws, 0, false };
    if (hs_scan(h->som_db, (const char *)text + ws, (unsigned)(to - ws), 0, s2, on_som, &c) != HS_SUCCESS ||
        !c.found)
        return false;
    *from = ws + c.from;
    /* patterns anchored on a cheap literal (an e-mail's '@') reach back here instead */
    while (h->extend && *from > 0 && to - *from < h->max_len && h->extend[text[*from - 1]])
        --*from;
    /* patterns anchored on context words ("ssn: ...") report only the value after them */
    while (h->trim && *from < to && h->trim[text[*from]])
        ++*from;
    return *from < to;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
                    unsigned flags, void *arg)
{
    (void)flags;
    struct scan_ctx *c = arg;
    uint32_t ri = c->pt->rule_of[id];
    if (c->s->done[ri / 64] & (1ull << (ri % 64)))
        return 0;
    const struct ig_rule *ru = c->db->rules[ri].rule;
    if ((ru->models.n || ru->routes.n) && !ig_rule_applies(ru, c->model, c->route)) {
        c->s->done[ri / 64] |= 1ull << (ri % 64);
        return 0;
    }
    const struct hs_rule *h = &c->db->rules[ri];
    if (!h->som)
        from = to;
    else if (!c->s->hs2 || !find_start(h, c->text, to, c->s->hs2, &from) ||
             !ig_hsdb_validate(c->db, ri, c->text, (size_t)from, (size_t)to))
        return 0;
    struct ig_hsdb_match m = { ru, ri, (size_t)from, (size_t)to };
    int r = c->fn(c->ctx, &m);
    if (r == 1)
        c->s->done[ri / 64] |= 1ull << (ri % 64);
    return r == 2;
}

int ig_hsdb_scan(const struct ig_hsdb *db, enum ig_rule_scan point, const uint8_t *text,
                 size_t n, const char *model, const char *route, struct ig_hsdb_scratch *s,
                 ig_hsdb_match_fn fn, void *ctx)
{
    if (!db || (point != IG_SCAN_REQUEST && point != IG_SCAN_RESPONSE))
        return IG_OK;
    const struct hs_point *pt = &db->pt[point == IG_SCAN_RESPONSE];
    if (!pt->db || n == 0)
        return IG_OK;
    if (!s || !s->hs || s->nbits < db->nrules)
        return IG_EPARSE;
    memset(s->done, 0, (db->nrules + 63) / 64 * sizeof *s->done);
    struct scan_ctx c = { db, pt, text, model, route, s, fn, ctx };
    /* Hyperscan takes an unsigned length; no LLM text comes near 4 GB, the rest is cut */
    const char *p = (const char *)(text ? text : (const uint8_t *)"");
    const hs_database_t *use = pt->db;
    if (pt->fast && db->gate_fn && !db->gate_fn(&pt->gate, (const uint8_t *)p, n))
        use = pt->fast;   /* no gated pattern can match: the same matches, faster */
    hs_error_t e = hs_scan(use, p, (unsigned)IG_MIN(n, 0xffffffffu), 0, s->hs, on_match, &c);
    return e == HS_SUCCESS || e == HS_SCAN_TERMINATED ? IG_OK : IG_EPARSE;
}
