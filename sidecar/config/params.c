/* The schema of rules params: a block's table (struct ig_param rows) says each param's name,
 * type, default, range and field, so that one loop fills a detector's params struct, one
 * loop checks a rule set (`rules check`, reload, analyze/run) and one loop writes the tables
 * of rules/schema.md. Adding a param is adding a row. */
#include <inferguard/detector.h>
#include <inferguard/rules.h>

#include "rules_priv.h"
#include "units.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ig_param *find_row(const struct ig_param *params, const char *key)
{
    for (const struct ig_param *p = params; p && p->name; p++) {
        if (strcmp(p->name, key) == 0)
            return p;
        /* A secret may be given as a file: <name>_file. */
        size_t n = strlen(p->name);
        if (p->type == IG_PT_SECRET && strncmp(key, p->name, n) == 0 && strcmp(key + n, "_file") == 0)
            return p;
    }
    return NULL;
}

/* The index of <s> in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *s)
{
    size_t n = strlen(s);
    int i = 0;
    for (const char *c = choices; c && *c; i++) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, s, n) == 0)
            return i;
        if (!bar)
            break;
        c = bar + 1;
    }
    return -1;
}

static void set_default(const struct ig_param *p, void *out)
{
    char *at = (char *)out + p->offset;
    switch (p->type) {
    case IG_PT_DOUBLE: { double v = p->def; memcpy(at, &v, sizeof v); break; }
    case IG_PT_FLOAT: { float v = (float)p->def; memcpy(at, &v, sizeof v); break; }
    case IG_PT_U32:
    case IG_PT_ENUM: { uint32_t v = (uint32_t)p->def; memcpy(at, &v, sizeof v); break; }
    case IG_PT_U64:
    case IG_PT_DURATION: { uint64_t v = (uint64_t)p->def; memcpy(at, &v, sizeof v); break; }
    case IG_PT_BOOL: { bool v = p->def != 0; memcpy(at, &v, sizeof v); break; }
    case IG_PT_STR: memcpy(at, &p->def_str, sizeof p->def_str); break;
    case IG_PT_STRLIST: { struct ig_strv v = { 0 }; memcpy(at, &v, sizeof v); break; }
    case IG_PT_SECRET: break;
    }
}

/* ---- numbers as rules/schema.md and messages print them ---- */

static void fmt_num(char *buf, size_t cap, double x)
{
    if (isinf(x)) {
        snprintf(buf, cap, "%s∞", x < 0 ? "−" : "");
        return;
    }
    if (x == floor(x) && fabs(x) < 1e15) {
        /* whole: as is, except round powers of ten from a million up (1e6, 1e12) */
        double k = fabs(x) >= 1e6 ? round(log10(fabs(x))) : 0;
        if (k && pow(10, k) == fabs(x))
            snprintf(buf, cap, "%s1e%.0f", x < 0 ? "-" : "", k);
        else
            snprintf(buf, cap, "%.0f", x);
        return;
    }
    char tmp[32];                          /* %.10g needs at most 17 */
    snprintf(tmp, sizeof tmp, "%.10g", x);
    /* 1e+12 -> 1e12 */
    char *e = strstr(tmp, "e+");
    if (e)
        memmove(e + 1, e + 2, strlen(e + 2) + 1);
    snprintf(buf, cap, "%s", tmp);
}

static void fmt_dur(char *buf, size_t cap, double us)
{
    static const struct { double unit; const char *name; } u[] = {
        { 3600e6, "h" }, { 60e6, "m" }, { 1e6, "s" }, { 1e3, "ms" },
    };
    if (isinf(us) || us == 0) {
        if (us == 0)
            snprintf(buf, cap, "0s");
        else
            fmt_num(buf, cap, us);
        return;
    }
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        if (fmod(us, u[i].unit) == 0) {
            snprintf(buf, cap, "%.0f%s", us / u[i].unit, u[i].name);
            return;
        }
    snprintf(buf, cap, "%.0fus", us);
}

static void fmt_val(char *buf, size_t cap, const struct ig_param *p, double x)
{
    if (p->type == IG_PT_DURATION)
        fmt_dur(buf, cap, x);
    else
        fmt_num(buf, cap, x);
}

static bool ranged(const struct ig_param *p)
{
    return p->min < p->max;
}

/* "[1, 1024]", "(0, 1)", "≥ 1", "> 0" */
static void fmt_range(char *buf, size_t cap, const struct ig_param *p)
{
    char lo[48], hi[48];
    fmt_val(lo, sizeof lo, p, p->min);
    fmt_val(hi, sizeof hi, p, p->max);
    bool gt = p->flags & IG_PARAM_GT_MIN, lt = p->flags & IG_PARAM_LT_MAX;
    if (isinf(p->max) && p->max > 0)
        snprintf(buf, cap, "%s %s", gt ? ">" : "≥", lo);
    else if (isinf(p->min) && p->min < 0)
        snprintf(buf, cap, "%s %s", lt ? "<" : "≤", hi);
    else
        snprintf(buf, cap, "%s%s, %s%s", gt ? "(" : "[", lo, hi, lt ? ")" : "]");
}

/* ---- checking and filling ---- */

/* Errors go through the rules loader's own reporter (rules_priv.h). */
struct sink {
    const char *block;
    struct ig_rules_reporter rep;
};
#define bad(S, ...) ig_rules_report_at(&(S)->rep, __VA_ARGS__)

/* Checks one value against its row; fills <out> when not NULL. */
static void one(struct sink *S, const struct ig_param *p, const struct ig_rules_pv *v, void *out)
{
    char *at = out ? (char *)out + p->offset : NULL;
    const char *b = S->block, *k = v->key;
    if (p->type == IG_PT_STRLIST) {
        struct ig_strv sv = v->is_list ? v->list : (struct ig_strv){ v->value_ref, 1 };
        if (at)
            memcpy(at, &sv, sizeof sv);
        return;
    }
    if (v->is_list) {
        bad(S, v->file, v->line, "%s.%s expects one value, not a list", b, k);
        return;
    }
    const char *s = v->value;
    switch (p->type) {
    case IG_PT_SECRET:
        return;
    case IG_PT_STR:
        if (at)
            memcpy(at, &s, sizeof s);
        return;
    case IG_PT_ENUM: {
        int i = choice_index(p->choices, s);
        if (i < 0) {
            bad(S, v->file, v->line, "%s.%s: '%s' is not one of %s", b, k, s, p->choices);
            return;
        }
        uint32_t u = (uint32_t)i;
        if (at)
            memcpy(at, &u, sizeof u);
        return;
    }
    case IG_PT_BOOL: {
        bool x;
        if (!ig_parse_bool(s, &x)) {
            bad(S, v->file, v->line, "%s.%s: '%s' is not true or false", b, k, s);
            return;
        }
        if (at)
            memcpy(at, &x, sizeof x);
        return;
    }
    default:
        break;
    }
    double x;
    uint64_t us = 0;
    if (p->type == IG_PT_DURATION) {
        if (!ig_parse_duration_us(s, 1000000, &us)) {
            bad(S, v->file, v->line, "%s.%s: '%s' is not a duration (e.g. 10s, 500ms, 5m)", b, k, s);
            return;
        }
        x = (double)us;
    } else if (!ig_parse_double(s, &x)) {
        bad(S, v->file, v->line, "%s.%s: '%s' is not a number", b, k, s);
        return;
    }
    bool in = true;
    if (ranged(p)) {
        in = (p->flags & IG_PARAM_GT_MIN ? x > p->min : x >= p->min) &&
             (p->flags & IG_PARAM_LT_MAX ? x < p->max : x <= p->max);
    }
    /* The field's own type bounds the value too (a count cannot be negative). */
    if (p->type == IG_PT_U32)
        in = in && x >= 0 && x <= (double)UINT32_MAX;
    else if (p->type == IG_PT_U64)
        in = in && x >= 0 && x < 18446744073709551616.0;
    else if (p->type == IG_PT_FLOAT)
        in = in && fabs(x) <= 3.4e38;
    if (!in) {
        char r[128] = "";
        if (ranged(p))
            fmt_range(r, sizeof r, p);
        else
            snprintf(r, sizeof r, "%s", p->type == IG_PT_U32 ? "[0, 4294967295]" : "≥ 0");
        bad(S, v->file, v->line, "%s.%s: %s is out of range %s", b, k, s, r);
        return;
    }
    if ((p->flags & IG_PARAM_WHOLE) && x != floor(x)) {
        bad(S, v->file, v->line, "%s.%s: %s is not a whole number", b, k, s);
        return;
    }
    if (!at)
        return;
    switch (p->type) {
    case IG_PT_DOUBLE: memcpy(at, &x, sizeof x); break;
    case IG_PT_FLOAT: { float f = (float)x; memcpy(at, &f, sizeof f); break; }
    case IG_PT_U32: { uint32_t u = (uint32_t)x; memcpy(at, &u, sizeof u); break; }
    case IG_PT_U64: { uint64_t u = (uint64_t)x; memcpy(at, &u, sizeof u); break; }
    case IG_PT_DURATION: memcpy(at, &us, sizeof us); break;
    default: break;
    }
}

/* A number param's value in a filled params struct. */
static double num_at(const struct ig_param *p, const void *buf)
{
    const char *at = (const char *)buf + p->offset;
    switch (p->type) {
    case IG_PT_DOUBLE: { double v; memcpy(&v, at, sizeof v); return v; }
    case IG_PT_FLOAT: { float v; memcpy(&v, at, sizeof v); return v; }
    case IG_PT_U32: case IG_PT_ENUM: { uint32_t v; memcpy(&v, at, sizeof v); return v; }
    case IG_PT_U64: case IG_PT_DURATION: { uint64_t v; memcpy(&v, at, sizeof v); return (double)v; }
    default: return NAN;
    }
}

static const char *const vs_words[] = { "", "below", "at most", "at least", "above" };

static bool vs_holds(uint8_t op, double a, double b)
{
    switch (op) {
    case IG_VS_LT: return a < b;
    case IG_VS_LE: return a <= b;
    case IG_VS_GE: return a >= b;
    case IG_VS_GT: return a > b;
    default: return true;
    }
}

/* Where the rules set each row (the last override), NULL file: not set or not valid. */
struct setat { const char *file; unsigned line; };

/* The params of detector block <block> in <r>, or (ru set) of pattern rule <ru>. */
static int apply(const struct ig_param *params, const struct ig_rules *r, const char *block,
                 const struct ig_rule *ru, void *out, void (*report)(void *ctx, const char *msg),
                 void *ctx)
{
    struct sink S = { block, { report, ctx, 0 } };
    size_t nrows = 0, size = 0;
    bool vs = false;
    for (const struct ig_param *p = params; p && p->name; p++, nrows++) {
        size = IG_MAX(size, p->offset + 16);
        vs |= p->vs != NULL;
    }
    /* Checking alone still reads the values when params stand against each other. */
    void *buf = out ? out : vs ? calloc(1, size) : NULL;
    struct setat *at = vs ? calloc(nrows, sizeof *at) : NULL;
    if (vs && (!buf || !at)) {
        free(at);
        if (!out)
            free(buf);
        ig_rules_report(&S.rep, "out of memory");
        return S.rep.errors;
    }
    if (buf)
        for (const struct ig_param *p = params; p && p->name; p++)
            set_default(p, buf);
    struct ig_rules_pv v;
    for (size_t i = 0; ru ? ig_rule_param_at(ru, i, &v) : ig_rules_block_param(r, block, i, &v); i++) {
        const struct ig_param *p = find_row(params, v.key);
        if (!p) {
            bad(&S, v.file, v.line, "%s: unknown param '%s' (rules/schema.md lists %s's params)",
                block, v.key, block);
            continue;
        }
        int before = S.rep.errors;
        one(&S, p, &v, buf);
        if (at)
            at[p - params] = S.rep.errors == before ? (struct setat){ v.file, v.line }
                                                    : (struct setat){ NULL, 0 };
    }
    for (const struct ig_param *p = params; vs && p->name; p++) {
        const struct ig_param *q = p->vs ? find_row(params, p->vs) : NULL;
        if (!q)
            continue;
        const struct setat *w = at[p - params].file ? &at[p - params] : &at[q - params];
        double a = num_at(p, buf), b = num_at(q, buf);
        if (!w->file || vs_holds(p->vs_op, a, b))
            continue;   /* the defaults hold (test_rules_schema checks every table's) */
        char av[48], bv[48];
        fmt_val(av, sizeof av, p, a);
        fmt_val(bv, sizeof bv, q, b);
        bad(&S, w->file, w->line, "%s.%s (%s) must be %s %s (%s)", block, p->name, av,
            vs_words[p->vs_op], q->name, bv);
    }
    free(at);
    if (!out)
        free(buf);
    return S.rep.errors;
}

struct first { char *buf; size_t len; int n; };

static void keep_first(void *ctx, const char *msg)
{
    struct first *f = ctx;
    if (f->n++ == 0 && f->len)
        snprintf(f->buf, f->len, "%s", msg);
}

int ig_params_fill(const struct ig_param *params, const struct ig_rules *r, const char *block,
                   void *out, char *err, size_t errlen)
{
    struct first f = { err, errlen, 0 };
    return apply(params, r, block, NULL, out, keep_first, &f) ? IG_ECONF : IG_OK;
}

const char *ig_rules_param_where(const struct ig_rules *r, const char *block, const char *param,
                                 char *buf, size_t n)
{
    struct ig_rules_pv v;
    if (n)
        buf[0] = 0;
    for (size_t i = 0; n && ig_rules_block_param(r, block, i, &v); i++)
        if (strcmp(v.key, param) == 0) {
            snprintf(buf, n, "%s:%u: ", v.file, v.line);
            break;
        }
    return buf;
}

int ig_params_check(const struct ig_param *params, const struct ig_rules *r, const char *block,
                    void (*report)(void *ctx, const char *msg), void *ctx)
{
    return apply(params, r, block, NULL, NULL, report, ctx);
}

int ig_rule_params_fill(const struct ig_param *params, const struct ig_rule *ru, void *out,
                        char *err, size_t errlen)
{
    char label[256];
    snprintf(label, sizeof label, "rule %s", ru->name);
    struct first f = { err, errlen, 0 };
    return apply(params, NULL, label, ru, out, keep_first, &f) ? IG_ECONF : IG_OK;
}

int ig_rule_params_check(const struct ig_param *params, const struct ig_rule *ru,
                         void (*report)(void *ctx, const char *msg), void *ctx)
{
    char label[256];
    snprintf(label, sizeof label, "rule %s", ru->name);
    return apply(params, NULL, label, ru, NULL, report, ctx);
}

/* ---- every block of a rule set ---- */

struct vctx {
    const struct ig_detector *const *list;
    const struct ig_param_block *const *others;
    const struct ig_rules *r;
    void (*report)(void *ctx, const char *msg);
    void *ctx;
    int errors;
};

static void check_block(void *c, const char *name, const char *file, unsigned line)
{
    struct vctx *V = c;
    for (size_t i = 0; V->list && V->list[i]; i++)
        if (strcmp(V->list[i]->name, name) == 0) {
            V->errors += ig_params_check(V->list[i]->params, V->r, name, V->report, V->ctx);
            return;
        }
    for (size_t i = 0; V->others && V->others[i]; i++)
        if (strcmp(V->others[i]->name, name) == 0) {
            V->errors += ig_params_check(V->others[i]->params, V->r, name, V->report, V->ctx);
            return;
        }
    char msg[512];
    snprintf(msg, sizeof msg, "%s:%u: unknown detector '%s'", file, line, name);
    V->errors++;
    if (V->report)
        V->report(V->ctx, msg);
}

int ig_rules_validate_with(const struct ig_rules *r, const struct ig_detector *const *list,
                           const struct ig_param_block *const *others,
                           void (*report)(void *ctx, const char *msg), void *ctx)
{
    struct vctx V = { list, others, r, report, ctx, 0 };
    ig_rules_each_detector(r, check_block, &V);
    return V.errors;
}

/* ---- rules/schema.md ---- */

int ig_params_doc(const struct ig_param *params, void *fp)
{
    FILE *out = fp;
    fprintf(out, "| param | default | range | meaning |\n|---|---|---|---|\n");
    for (const struct ig_param *p = params; p && p->name; p++) {
        char def[128] = "", range[160] = "";
        if (p->doc_default)
            snprintf(def, sizeof def, "%s", p->doc_default);
        else
            switch (p->type) {
            case IG_PT_DURATION: {
                char d[48];
                fmt_dur(d, sizeof d, p->def);
                snprintf(def, sizeof def, "`%s`", d);
                break;
            }
            case IG_PT_BOOL:
                snprintf(def, sizeof def, "`%s`", p->def ? "true" : "false");
                break;
            case IG_PT_STR:
                snprintf(def, sizeof def, "`%s`", p->def_str && p->def_str[0] ? p->def_str : "\"\"");
                break;
            case IG_PT_ENUM: {
                const char *c = p->choices;
                for (int i = 0; c && i < (int)p->def && strchr(c, '|'); i++)
                    c = strchr(c, '|') + 1;
                size_t len = c ? strcspn(c, "|") : 0;
                snprintf(def, sizeof def, "`%.*s`", (int)len, c ? c : "");
                break;
            }
            case IG_PT_STRLIST:
                snprintf(def, sizeof def, "`[]`");
                break;
            case IG_PT_SECRET:
                snprintf(def, sizeof def, "none");
                break;
            default: {
                char n[48];
                fmt_num(n, sizeof n, p->def);
                snprintf(def, sizeof def, "`%s`", n);
                break;
            }
            }
        if (p->type == IG_PT_ENUM) {
            size_t o = 0;
            for (const char *c = p->choices; c && *c && o < sizeof range;) {
                size_t len = strcspn(c, "|");
                o += (size_t)snprintf(range + o, sizeof range - o, "%s`%.*s`", o ? ", " : "", (int)len, c);
                c += len;
                if (*c)
                    c++;
            }
        } else if (p->type == IG_PT_BOOL) {
            snprintf(range, sizeof range, "true, false");
        } else if (p->type == IG_PT_STRLIST) {
            snprintf(range, sizeof range, "list");
        } else if (p->type == IG_PT_SECRET) {
            snprintf(range, sizeof range, "also `%s_file`", p->name);
        } else if (ranged(p)) {
            fmt_range(range, sizeof range, p);
        }
        if ((p->flags & IG_PARAM_WHOLE) && strlen(range) + 8 < sizeof range)
            strcat(range, ", whole");
        if (p->vs && p->vs_op) {
            static const char *const sym[] = { "", "<", "≤", "≥", ">" };
            size_t o = strlen(range);
            snprintf(range + o, sizeof range - o, "%s%s `%s`", o ? ", " : "", sym[p->vs_op], p->vs);
        }
        if (fprintf(out, "| `%s` | %s | %s | %s |\n", p->name, def, range, p->help ? p->help : "") < 0)
            return -1;
    }
    return ferror(out) ? -1 : 0;
}
