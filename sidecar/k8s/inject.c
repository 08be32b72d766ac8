/* See inject.h. Works on libyaml's document graph: nodes are addressed by id, since adding a
 * node may move them all. The sidecar container and the volumes it mounts are taken from
 * deploy/model-with-inferguard.yaml (compiled in), given this pod's values, and deep-copied
 * into the manifest's document. */
#include "k8s/inject.h"

#include <inferguard/base.h>
#include "config/embedded_files.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define NAME "inferguard"

static yaml_node_t *N(yaml_document_t *d, int id) { return id ? yaml_document_get_node(d, id) : NULL; }

static const char *scalar(yaml_document_t *d, int id)
{
    yaml_node_t *n = N(d, id);
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int map_get(yaml_document_t *d, int map, const char *key)
{
    yaml_node_t *m = N(d, map);
    if (!m || m->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(d, p->key);
        if (k && strcmp(k, key) == 0)
            return p->value;
    }
    return 0;
}

static int add_str(yaml_document_t *d, const char *s)
{
    return yaml_document_add_scalar(d, NULL, (const yaml_char_t *)s, (int)strlen(s), YAML_ANY_SCALAR_STYLE);
}

/* The value of <key> in <map>, created as an empty mapping or sequence when absent. */
static int ensure(yaml_document_t *d, int map, const char *key, yaml_node_type_t type)
{
    int v = map_get(d, map, key);
    if (v)
        return N(d, v)->type == type ? v : 0;
    v = type == YAML_MAPPING_NODE ? yaml_document_add_mapping(d, NULL, YAML_ANY_MAPPING_STYLE)
                                  : yaml_document_add_sequence(d, NULL, YAML_ANY_SEQUENCE_STYLE);
    int k = add_str(d, key);
    if (!v || !k || !yaml_document_append_mapping_pair(d, map, k, v))
        return 0;
    return v;
}

static int copy_node(yaml_document_t *dst, yaml_document_t *src, int id)
{
    yaml_node_t *n = N(src, id);
    if (!n)
        return 0;
    if (n->type == YAML_SCALAR_NODE)
        return yaml_document_add_scalar(dst, NULL, n->data.scalar.value, (int)n->data.scalar.length,
                                        n->data.scalar.style);
    if (n->type == YAML_SEQUENCE_NODE) {
        int out = yaml_document_add_sequence(dst, NULL, n->data.sequence.style);
        int cnt = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
        for (int i = 0; out && i < cnt; i++) {
            int item = N(src, id)->data.sequence.items.start[i];
            int c = copy_node(dst, src, item);
            if (!c || !yaml_document_append_sequence_item(dst, out, c))
                return 0;
        }
        return out;
    }
    int out = yaml_document_add_mapping(dst, NULL, n->data.mapping.style);
    int cnt = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    for (int i = 0; out && i < cnt; i++) {
        yaml_node_pair_t p = N(src, id)->data.mapping.pairs.start[i];
        int k = copy_node(dst, src, p.key), v = copy_node(dst, src, p.value);
        if (!k || !v || !yaml_document_append_mapping_pair(dst, out, k, v))
            return 0;
    }
    return out;
}

static bool parse_text(const char *text, yaml_document_t *doc)
{
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    bool ok = yaml_parser_load(&p, doc) && yaml_document_get_root_node(doc);
    yaml_parser_delete(&p);
    return ok;
}

/* <s> as the sidecar gets it: control characters become spaces, and it is cut where its
 * YAML double-quoted form (with \" and \\ escapes) would reach cap bytes. */
static void value_text(char *out, size_t cap, const char *s)
{
    size_t o = 1, k = 0;   /* o: length of the quoted form so far, opening quote included */
    for (; *s && cap >= 3 && o + 4 < cap; s++) {
        o += *s == '"' || *s == '\\' ? 2 : 1;
        out[k++] = (unsigned char)*s < 0x20 ? ' ' : *s;
    }
    out[k] = 0;
}

/* Makes the value at <slot> (a mapping pair's value or a sequence item of <d>) a new
 * double-quoted scalar <v>; v NULL: the scalar already there (the shipped default). */
static bool set_value(yaml_document_t *d, int *slot, const char *v)
{
    if (slot && !v)
        v = scalar(d, *slot);
    int id = slot && v ? yaml_document_add_scalar(d, NULL, (const yaml_char_t *)v, (int)strlen(v),
                                                  YAML_DOUBLE_QUOTED_SCALAR_STYLE) : 0;
    if (id)
        *slot = id;
    return id != 0;
}

/* The value slot of <key> in mapping <map>, NULL when absent. */
static int *map_slot(yaml_document_t *d, int map, const char *key)
{
    yaml_node_t *m = N(d, map);
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(d, p->key);
        if (k && strcmp(k, key) == 0)
            return &p->value;
    }
    return NULL;
}

static int seq_len(yaml_document_t *d, int seq)
{
    yaml_node_t *n = N(d, seq);
    return n && n->type == YAML_SEQUENCE_NODE ? (int)(n->data.sequence.items.top - n->data.sequence.items.start) : 0;
}

static int *seq_slot(yaml_document_t *d, int seq, int i) { return &N(d, seq)->data.sequence.items.start[i]; }

/* The item of sequence <seq> whose <key> is <val>, 0 when none. */
static int seq_find(yaml_document_t *d, int seq, const char *key, const char *val)
{
    for (int i = 0; i < seq_len(d, seq); i++) {
        const char *v = scalar(d, map_get(d, *seq_slot(d, seq, i), key));
        if (v && strcmp(v, val) == 0)
            return *seq_slot(d, seq, i);
    }
    return 0;
}

/* The sidecar as deploy/model-with-inferguard.yaml (compiled in) runs it, with this pod's
 * values (image, cm and sec NULL: the file's own): in <t> (parsed from that file) sets
 * *container to its container and *volumes to the pod's volumes list. False when the file
 * lacks a slot (a broken build). */
static bool sidecar_template(yaml_document_t *t, const char *image, const char *bpf, const char *first,
                             const char *cm, const char *sec, int *container, int *volumes)
{
    if (!parse_text((const char *)ig_embedded_deploy[0].data, t))
        return false;
    int spec = map_get(t, map_get(t, map_get(t, 1, "spec"), "template"), "spec");
    int c = seq_find(t, map_get(t, spec, "containers"), "name", NAME);
    int args = map_get(t, c, "args"), env = map_get(t, c, "env");
    int *bpf_slot = NULL;
    for (int i = 0; i + 1 < seq_len(t, args); i++) {
        const char *a = scalar(t, *seq_slot(t, args, i));
        if (a && strcmp(a, "--bpf") == 0)
            bpf_slot = seq_slot(t, args, i + 1);
    }
    int secret_ref = map_get(t, map_get(t, seq_find(t, env, "name", "INFERGUARD_ID_SECRET"), "valueFrom"),
                             "secretKeyRef");
    bool ok = c && set_value(t, map_slot(t, c, "image"), image) && set_value(t, bpf_slot, bpf) &&
         set_value(t, map_slot(t, seq_find(t, env, "name", "CONTAINER_NAME"), "value"), first) &&
         set_value(t, map_slot(t, secret_ref, "name"), sec);
    int vols = map_get(t, spec, "volumes");
    for (int i = 0; ok && i < seq_len(t, vols); i++) {
        int v = *seq_slot(t, vols, i);
        if (map_get(t, v, "configMap"))
            ok = set_value(t, map_slot(t, map_get(t, v, "configMap"), "name"), cm);
        else if (map_get(t, v, "secret"))
            ok = set_value(t, map_slot(t, map_get(t, v, "secret"), "secretName"), sec);
    }
    *container = c;
    *volumes = vols;
    return ok && vols;
}


/* "tcp port A or tcp port B" over the containers' containerPorts (TCP), or "". */
static void ports_bpf(yaml_document_t *d, int containers, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = 0;
    yaml_node_t *cs = N(d, containers);
    int nc = (int)(cs->data.sequence.items.top - cs->data.sequence.items.start);
    for (int i = 0; i < nc; i++) {
        int ports = map_get(d, N(d, containers)->data.sequence.items.start[i], "ports");
        yaml_node_t *ps = N(d, ports);
        if (!ps || ps->type != YAML_SEQUENCE_NODE)
            continue;
        int np = (int)(ps->data.sequence.items.top - ps->data.sequence.items.start);
        for (int j = 0; j < np; j++) {
            int pe = N(d, ports)->data.sequence.items.start[j];
            const char *port = scalar(d, map_get(d, pe, "containerPort"));
            const char *proto = scalar(d, map_get(d, pe, "protocol"));
            char *end;
            long v = port ? strtol(port, &end, 10) : 0;
            if (!port || *end || v < 1 || v > 65535 || (proto && strcmp(proto, "TCP") != 0))
                continue;
            char one[32];
            snprintf(one, sizeof one, "tcp port %ld", v);
            if (strstr(out, one))
                continue;
            int w = snprintf(out + o, cap - o, "%s%s", o ? " or " : "", one);
            if (w < 0 || (size_t)w >= cap - o)
                return;
            o += (size_t)w;
        }
    }
}

/* Injects into the pod spec <spec> whose template metadata is <meta> (0 for a bare Pod's
 * own metadata). Returns 1 injected, 0 left as it is, -1 error. */
static int inject_spec(yaml_document_t *d, int meta, int spec, const struct ig_inject_opts *o,
                       struct ig_inject_stats *st, struct ig_inject_added *a)
{
    struct ig_inject_added none;
    if (!a)
        a = &none;
    memset(a, 0, sizeof *a);
    st->templates++;
    const char *opt = scalar(d, map_get(d, map_get(d, meta, "annotations"), "inferguard.io/inject"));
    if (opt && strcmp(opt, "false") == 0) {
        st->opted_out++;
        return 0;
    }
    int containers = map_get(d, spec, "containers");
    yaml_node_t *cs = N(d, containers);
    if (!cs || cs->type != YAML_SEQUENCE_NODE)
        return 0;   /* not a pod spec we understand: leave it */
    int nc = (int)(cs->data.sequence.items.top - cs->data.sequence.items.start);
    for (int i = 0; i < nc; i++) {
        const char *name = scalar(d, map_get(d, N(d, containers)->data.sequence.items.start[i], "name"));
        if (name && strcmp(name, NAME) == 0) {
            st->already++;
            return 0;
        }
    }
    char bpf[1024], vbpf[2100], vimage[600], vcm[300], vsec[300], vfirst[300];
    if (o->bpf)
        snprintf(bpf, sizeof bpf, "%s", o->bpf);
    else
        ports_bpf(d, containers, bpf, sizeof bpf);
    if (!bpf[0])
        snprintf(bpf, sizeof bpf, "tcp");   /* no declared port: every TCP flow of the pod */
    const char *first = nc ? scalar(d, map_get(d, N(d, containers)->data.sequence.items.start[0], "name")) : NULL;
    value_text(vbpf, sizeof vbpf, bpf);
    value_text(vimage, sizeof vimage, o->image ? o->image : "");
    value_text(vcm, sizeof vcm, o->configmap ? o->configmap : "");
    value_text(vsec, sizeof vsec, o->secret ? o->secret : "");
    value_text(vfirst, sizeof vfirst, first ? first : "");
    yaml_document_t t;
    int tc, tvols;
    if (!sidecar_template(&t, o->image ? vimage : NULL, vbpf, vfirst, o->configmap ? vcm : NULL,
                          o->secret ? vsec : NULL, &tc, &tvols)) {
        yaml_document_delete(&t);
        return -1;
    }
    int cid = copy_node(d, &t, tc);
    if (!cid || !yaml_document_append_sequence_item(d, containers, cid)) {
        yaml_document_delete(&t);
        return -1;
    }
    a->container = cid;
    a->volumes_created = !map_get(d, spec, "volumes");
    int vols = ensure(d, spec, "volumes", YAML_SEQUENCE_NODE);
    int mounts = map_get(&t, tc, "volumeMounts");
    int nv = vols ? seq_len(&t, tvols) : 0;
    for (int i = 0; i < nv; i++) {
        int item = *seq_slot(&t, tvols, i);
        const char *vname = scalar(&t, map_get(&t, item, "name"));
        if (!vname || !seq_find(&t, mounts, "name", vname))
            continue;   /* the model's own volumes in the shipped manifest */
        bool have = seq_find(d, vols, "name", vname) != 0;
        int cp = have ? 1 : copy_node(d, &t, item);
        if (!cp || (!have && !yaml_document_append_sequence_item(d, vols, cp))) {
            yaml_document_delete(&t);
            return -1;
        }
        if (!have && a->nvol < (int)IG_ARRAY_LEN(a->volumes))
            a->volumes[a->nvol++] = cp;
    }
    yaml_document_delete(&t);
    if (!vols)
        return -1;
    a->volumes_node = vols;
    st->injected++;
    return 1;
}

/* The pod template(s) of one document, by kind. */
static int inject_doc(yaml_document_t *d, const struct ig_inject_opts *o, struct ig_inject_stats *st)
{
    int root = 1;
    const char *kind = scalar(d, map_get(d, root, "kind"));
    if (!kind)
        return 0;
    int spec = map_get(d, root, "spec");
    if (strcmp(kind, "Pod") == 0)
        return inject_spec(d, map_get(d, root, "metadata"), spec, o, st, NULL);
    static const char *const templated[] = { "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" };
    int tmpl = 0;
    for (size_t i = 0; i < IG_ARRAY_LEN(templated); i++)
        if (strcmp(kind, templated[i]) == 0)
            tmpl = map_get(d, spec, "template");
    if (strcmp(kind, "CronJob") == 0)
        tmpl = map_get(d, map_get(d, map_get(d, spec, "jobTemplate"), "spec"), "template");
    if (!tmpl)
        return 0;
    return inject_spec(d, map_get(d, tmpl, "metadata"), map_get(d, tmpl, "spec"), o, st, NULL);
}

int ig_inject_pod(yaml_document_t *d, int pod, const struct ig_inject_opts *o, struct ig_inject_added *a)
{
    struct ig_inject_stats st = { 0 };
    memset(a, 0, sizeof *a);
    yaml_node_t *n = N(d, pod);
    if (!n || n->type != YAML_MAPPING_NODE)
        return 0;
    return inject_spec(d, map_get(d, pod, "metadata"), map_get(d, pod, "spec"), o, &st, a);
}

int ig_inject_map_get(yaml_document_t *d, int map, const char *key) { return map_get(d, map, key); }

/* A plain YAML 1.1 scalar the inject template means as a number, boolean or null. */
static bool plain_json_literal(const char *s, size_t n)
{
    if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0) ||
        (n == 4 && memcmp(s, "null", 4) == 0))
        return true;
    size_t i = s[0] == '-';
    if (i >= n || n - i > 18 || (s[i] == '0' && n - i > 1))
        return false;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

void ig_inject_node_json(struct ig_jsonw *w, yaml_document_t *d, int id)
{
    yaml_node_t *n = N(d, id);
    if (!n) {
        ig_jsonw_null(w);
        return;
    }
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = (const char *)n->data.scalar.value;
        size_t len = n->data.scalar.length;
        if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && len && plain_json_literal(s, len))
            ig_jsonw_raw(w, s, len);
        else
            ig_jsonw_strn(w, s, len);
        return;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        ig_jsonw_arr_open(w);
        int cnt = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
        for (int i = 0; i < cnt; i++)
            ig_inject_node_json(w, d, N(d, id)->data.sequence.items.start[i]);
        ig_jsonw_arr_close(w);
        return;
    }
    ig_jsonw_obj_open(w);
    int cnt = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    for (int i = 0; i < cnt; i++) {
        yaml_node_pair_t p = N(d, id)->data.mapping.pairs.start[i];
        const char *k = scalar(d, p.key);
        ig_jsonw_key(w, k ? k : "");
        ig_inject_node_json(w, d, p.value);
    }
    ig_jsonw_obj_close(w);
}

static int write_handler(void *data, unsigned char *buf, size_t size)
{
    return fwrite(buf, 1, size, data) == size;
}

#define MAX_INPUT (64u << 20)
#define MAX_FLOW_DEPTH 64

/* libyaml's time grows steeply with flow nesting ("[[[[..."; minutes at 1 MB), so deep
 * nesting is refused before it parses. Brackets inside quotes and comments do not count. */
static bool flow_depth_ok(const char *p, size_t n, size_t *line)
{
    int depth = 0;
    char quote = 0;
    bool comment = false;
    *line = 1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '\n') {
            (*line)++;
            comment = false;
            if (quote == '\'')
                continue;
        }
        if (comment)
            continue;
        if (quote) {
            if (c == '\\' && quote == '"' && i + 1 < n)
                i++;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '"' || c == '\'')
            quote = c;
        else if (c == '#' && (i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t' || p[i - 1] == '\n'))
            comment = true;
        else if ((c == '[' || c == '{') && ++depth > MAX_FLOW_DEPTH)
            return false;
        else if ((c == ']' || c == '}') && depth > 0)
            depth--;
    }
    return true;
}

int ig_inject_stream(FILE *in, const char *name, FILE *out, const struct ig_inject_opts *o,
                     struct ig_inject_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    /* Read whole (manifests are small) so the input can be checked before libyaml sees it. */
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = cap <= MAX_INPUT ? realloc(buf, cap) : NULL;
            if (!nb) {
                free(buf);
                snprintf(err, errlen, "%s: over %u MiB of manifests", name, MAX_INPUT >> 20);
                return IG_EPARSE;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(in)) {
        free(buf);
        snprintf(err, errlen, "%s: read error", name);
        return IG_EPARSE;
    }
    size_t line;
    if (!flow_depth_ok(buf, n, &line)) {
        free(buf);
        snprintf(err, errlen, "%s:%zu: flow collections nested deeper than %d", name, line, MAX_FLOW_DEPTH);
        return IG_EPARSE;
    }
    yaml_parser_t p;
    yaml_emitter_t e;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, n);
    yaml_emitter_initialize(&e);
    yaml_emitter_set_output(&e, write_handler, out);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_width(&e, -1);
    int rc = IG_OK;
    if (!yaml_emitter_open(&e)) {
        snprintf(err, errlen, "%s: cannot write the output", name);
        rc = IG_EIO;
    }
    while (rc == IG_OK) {
        yaml_document_t d;
        if (!yaml_parser_load(&p, &d)) {
            snprintf(err, errlen, "%s:%zu: %s", name, p.problem_mark.line + 1,
                     p.problem ? p.problem : "YAML syntax error");
            rc = IG_EPARSE;
            break;
        }
        if (!yaml_document_get_root_node(&d)) {
            yaml_document_delete(&d);
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&d);
        if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0) {
            yaml_document_delete(&d);   /* an empty document ("---" alone) says nothing */
            continue;
        }
        st->documents++;
        if (inject_doc(&d, o, st) < 0) {
            snprintf(err, errlen, "%s: document %u: cannot inject (out of memory)", name, st->documents);
            yaml_document_delete(&d);
            rc = IG_ENOMEM;
            break;
        }
        /* explicit "---" between documents, as kubectl writes them */
        d.start_implicit = st->documents == 1;
        if (!yaml_emitter_dump(&e, &d)) {   /* dump frees the document */
            snprintf(err, errlen, "%s: cannot write document %u", name, st->documents);
            rc = IG_EIO;
        }
    }
    if (rc == IG_OK && (!yaml_emitter_close(&e) || !yaml_emitter_flush(&e))) {
        snprintf(err, errlen, "%s: cannot write the output", name);
        rc = IG_EIO;
    }
    yaml_emitter_delete(&e);
    yaml_parser_delete(&p);
    free(buf);
    return rc;
}
