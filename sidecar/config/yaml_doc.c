/* One YAML document in memory, with lines kept for messages (see yaml_doc.h). */
#include "yaml_doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ig_ydoc_read_file(const char *path, uint8_t **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return IG_EIO;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        goto oom;
    for (;;) {
        if (len == cap) {
            if (cap >= IG_YAML_FILE_MAX) {
                snprintf(err, errlen, "%s: larger than %u bytes", path, IG_YAML_FILE_MAX);
                goto fail;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb)
                goto oom;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
                goto fail;
            }
            break;
        }
    }
    fclose(f);
    *out = buf;
    *n = len;
    return IG_OK;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
fail:
    free(buf);
    fclose(f);
    return IG_EIO;
}

static void parser_error(const yaml_parser_t *ps, const char *name, char *err, size_t errlen)
{
    const yaml_mark_t *m = ps->problem ? &ps->problem_mark : &ps->context_mark;
    snprintf(err, errlen, "%s:%zu: invalid YAML: %s%s%s", name, m->line + 1,
             ps->problem ? ps->problem : "parse error",
             ps->context ? " " : "", ps->context ? ps->context : "");
}

int ig_ydoc_load(struct ig_ydoc *d, const char *name, const uint8_t *p, size_t n,
                 char *err, size_t errlen)
{
    yaml_parser_t ps;
    memset(d, 0, sizeof *d);
    if (!yaml_parser_initialize(&ps)) {
        snprintf(err, errlen, "%s: out of memory", name);
        return IG_ENOMEM;
    }
    yaml_parser_set_input_string(&ps, p, n);
    if (!yaml_parser_load(&ps, &d->doc)) {
        parser_error(&ps, name, err, errlen);
        yaml_parser_delete(&ps);
        return IG_ECONF;
    }
    d->loaded = true;
    if (yaml_document_get_root_node(&d->doc)) {
        /* A second document would be silently ignored: say so instead. */
        yaml_document_t next;
        if (!yaml_parser_load(&ps, &next)) {
            parser_error(&ps, name, err, errlen);
            goto fail;
        }
        yaml_node_t *r2 = yaml_document_get_root_node(&next);
        unsigned line = r2 ? ig_ydoc_line(r2) : 0;
        yaml_document_delete(&next);
        if (r2) {
            snprintf(err, errlen, "%s:%u: more than one YAML document", name, line);
            goto fail;
        }
    }
    yaml_parser_delete(&ps);
    return IG_OK;
fail:
    yaml_parser_delete(&ps);
    ig_ydoc_free(d);
    return IG_ECONF;
}

void ig_ydoc_free(struct ig_ydoc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    d->loaded = false;
}

yaml_node_t *ig_ydoc_root(struct ig_ydoc *d)
{
    return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

yaml_node_t *ig_ydoc_node(struct ig_ydoc *d, int index)
{
    return yaml_document_get_node(&d->doc, index);
}

bool ig_ydoc_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = ig_ydoc_str(n);
    return s[0] == 0 || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

const char *ig_ydoc_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a map";
    case YAML_SEQUENCE_NODE: return "a list";
    default: return "a scalar";
    }
}
