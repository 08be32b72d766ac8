/* Loads rules/atlas.yaml (format in the file's header comment) with libyaml's document API. */
#include "atlas.h"

#include "config/embedded_files.h"
#include "config/yaml_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

struct ld {
    yaml_document_t *doc;
    const char *path;
    char *err;
    size_t errlen;
};

static int fail(struct ld *l, const yaml_node_t *n, const char *what)
{
    snprintf(l->err, l->errlen, "%s:%zu: %s", l->path, n ? n->start_mark.line + 1 : 0, what);
    return IG_ECONF;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool copy_str(char *dst, size_t cap, const char *s)
{
    if (!s || !*s || strlen(s) >= cap)
        return false;
    memcpy(dst, s, strlen(s) + 1);
    return true;
}

static int load_tactics(struct ld *l, yaml_node_t *seq, struct ig_atlas *a)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(l, seq, "'tactics' must be a list");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *m = yaml_document_get_node(l->doc, *it);
        if (!m || m->type != YAML_MAPPING_NODE)
            return fail(l, m, "a tactic must be a map {uid, name}");
        if (a->ntactics >= IG_ARRAY_LEN(a->tactic_uid))
            return fail(l, m, "too many tactics");
        const char *uid = NULL, *name = NULL;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            const char *k = scalar(yaml_document_get_node(l->doc, p->key));
            const char *v = scalar(yaml_document_get_node(l->doc, p->value));
            if (k && strcmp(k, "uid") == 0) uid = v;
            else if (k && strcmp(k, "name") == 0) name = v;
            else return fail(l, m, "unknown key in tactic (expected uid, name)");
        }
        if (!copy_str(a->tactic_uid[a->ntactics], sizeof a->tactic_uid[0], uid) ||
            !copy_str(a->tactic_name[a->ntactics], sizeof a->tactic_name[0], name))
            return fail(l, m, "tactic needs a uid and a name");
        a->ntactics++;
    }
    return IG_OK;
}

static int add_tactic(struct ld *l, yaml_node_t *n, struct ig_atlas *a, struct ig_atlas_technique *t)
{
    const char *uid = scalar(n);
    if (!uid)
        return fail(l, n, "tactic ids must be strings");
    if (t->ntactics >= IG_ATLAS_MAX_TACTICS)
        return fail(l, n, "too many tactics for one technique");
    for (uint32_t j = 0; j < a->ntactics; j++)
        if (strcmp(a->tactic_uid[j], uid) == 0) {
            t->tactics[t->ntactics++] = j;
            return IG_OK;
        }
    return fail(l, n, "unknown tactic (list it under 'tactics' first)");
}

static int load_techniques(struct ld *l, yaml_node_t *seq, struct ig_atlas *a)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(l, seq, "'techniques' must be a list");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *m = yaml_document_get_node(l->doc, *it);
        if (!m || m->type != YAML_MAPPING_NODE)
            return fail(l, m, "a technique must be a map {uid, name, tactics}");
        if (a->ntechniques >= IG_ARRAY_LEN(a->techniques))
            return fail(l, m, "too many techniques");
        struct ig_atlas_technique *t = &a->techniques[a->ntechniques];
        memset(t, 0, sizeof *t);
        t->parent = UINT32_MAX;
        const char *uid = NULL, *name = NULL;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            const char *k = scalar(yaml_document_get_node(l->doc, p->key));
            yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
            if (k && strcmp(k, "uid") == 0) uid = scalar(v);
            else if (k && strcmp(k, "name") == 0) name = scalar(v);
            else if (k && strcmp(k, "tactics") == 0) {
                if (!v || v->type != YAML_SEQUENCE_NODE)
                    return fail(l, v, "'tactics' must be a list of tactic ids");
                for (yaml_node_item_t *ti = v->data.sequence.items.start; ti < v->data.sequence.items.top; ti++) {
                    int rc = add_tactic(l, yaml_document_get_node(l->doc, *ti), a, t);
                    if (rc) return rc;
                }
            } else
                return fail(l, m, "unknown key in technique (expected uid, name, tactics)");
        }
        if (!copy_str(t->uid, sizeof t->uid, uid) || !copy_str(t->name, sizeof t->name, name))
            return fail(l, m, "technique needs a uid and a name");
        if (strncmp(t->uid, "AML.T", 5) != 0)
            return fail(l, m, "technique uid must start with AML.T");
        if (t->ntactics == 0)
            return fail(l, m, "technique needs at least one tactic");
        if (ig_atlas_find(a, t->uid))
            return fail(l, m, "duplicate technique uid");
        const char *dot = strchr(t->uid + 4, '.');
        if (dot) {
            size_t plen = (size_t)(dot - t->uid);
            for (uint32_t p = 0; p < a->ntechniques; p++)
                if (strlen(a->techniques[p].uid) == plen && memcmp(a->techniques[p].uid, t->uid, plen) == 0)
                    t->parent = p;
            if (t->parent == UINT32_MAX)
                return fail(l, m, "sub-technique listed before its parent technique");
        }
        a->ntechniques++;
    }
    return IG_OK;
}

/* Parses one atlas document from <p, n>; <path> names it in messages. */
static int atlas_parse(const char *path, const unsigned char *p, size_t n, struct ig_atlas *a,
                       char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, p, n);
    int rc = IG_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "%s:%zu: %s", path, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "YAML syntax error");
        yaml_parser_delete(&parser);
        return IG_ECONF;
    }
    struct ld l = { &doc, path, err, errlen };
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    bool have_t = false, have_q = false;
    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = fail(&l, root, "expected a map with version, tactics, techniques");
        goto out;
    }
    /* tactics first, whatever the key order, so techniques can refer to them */
    for (int pass = 0; pass < 2 && rc == IG_OK; pass++)
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top && rc == IG_OK; p++) {
            yaml_node_t *kn = yaml_document_get_node(&doc, p->key);
            yaml_node_t *v = yaml_document_get_node(&doc, p->value);
            const char *k = scalar(kn);
            if (!k || !v) { rc = fail(&l, kn, "bad key"); break; }
            if (strcmp(k, "version") == 0) {
                if (pass == 0 && !copy_str(a->version, sizeof a->version, scalar(v)))
                    rc = fail(&l, v, "'version' must be a short string");
            } else if (strcmp(k, "tactics") == 0) {
                if (pass == 0) { rc = load_tactics(&l, v, a); have_t = true; }
            } else if (strcmp(k, "techniques") == 0) {
                if (pass == 1) { rc = load_techniques(&l, v, a); have_q = true; }
            } else
                rc = fail(&l, kn, "unknown key (expected version, tactics, techniques)");
        }
    if (rc == IG_OK && (!have_t || !have_q || !a->version[0]))
        rc = fail(&l, root, "version, tactics and techniques are all required");
out:
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

int ig_atlas_load_file(const char *path, struct ig_atlas *a, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    memset(a, 0, sizeof *a);
    if (ig_ydoc_read_file(path, &buf, &len, err, errlen) != IG_OK)
        return IG_ECONF;
    int rc = atlas_parse(path, buf, len, a, err, errlen);
    free(buf);
    return rc;
}

int ig_atlas_load_embedded(struct ig_atlas *a, char *err, size_t errlen)
{
    const struct ig_embedded_file *f = ig_embedded_rules_find("atlas.yaml");
    if (!f) {
        memset(a, 0, sizeof *a);
        snprintf(err, errlen, "this binary was built without rules/atlas.yaml");
        return IG_ECONF;
    }
    return atlas_parse("<embedded>/atlas.yaml", f->data, f->len, a, err, errlen);
}

int ig_atlas_load(const char *rules_dir, struct ig_atlas *a, bool *from_file,
                  char *err, size_t errlen)
{
    char path[1024];
    *from_file = false;
    if (rules_dir && *rules_dir) {
        snprintf(path, sizeof path, "%s/atlas.yaml", rules_dir);
        if (access(path, F_OK) == 0) {
            *from_file = true;
            return ig_atlas_load_file(path, a, err, errlen);
        }
    }
    return ig_atlas_load_embedded(a, err, errlen);
}

const struct ig_atlas_technique *ig_atlas_find(const struct ig_atlas *a, const char *uid)
{
    if (!uid)
        return NULL;
    for (uint32_t i = 0; i < a->ntechniques; i++)
        if (strcmp(a->techniques[i].uid, uid) == 0)
            return &a->techniques[i];
    return NULL;
}
