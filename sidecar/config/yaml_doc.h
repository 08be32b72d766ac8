/* Private to sidecar/config: loads one YAML document (file or memory) with libyaml's
 * document API, so that every node keeps its line for error messages. Shared by the
 * configuration loader and the rules loader. */
#ifndef IG_YAML_DOC_H
#define IG_YAML_DOC_H

#include <inferguard/base.h>
#include <yaml.h>

#define IG_YAML_FILE_MAX (16u << 20)   /* larger files are refused, not truncated */
#define IG_YAML_MAX_DEPTH 32           /* nesting deeper than this is an error */

struct ig_ydoc {
    yaml_document_t doc;
    bool loaded;
};

/* Reads <path> into a malloc'ed buffer (*out, *n; caller frees). Writes
 * "path: reason" into err and returns IG_EIO on failure. */
int ig_ydoc_read_file(const char *path, uint8_t **out, size_t *n, char *err, size_t errlen);

/* Parses the first document of <p,n>; <name> is used in messages. A second document is an
 * error. Empty input gives a document with no root. On error writes "name:line: reason". */
int ig_ydoc_load(struct ig_ydoc *d, const char *name, const uint8_t *p, size_t n,
                 char *err, size_t errlen);
void ig_ydoc_free(struct ig_ydoc *d);

yaml_node_t *ig_ydoc_root(struct ig_ydoc *d);
yaml_node_t *ig_ydoc_node(struct ig_ydoc *d, int index);
static inline unsigned ig_ydoc_line(const yaml_node_t *n) { return (unsigned)n->start_mark.line + 1; }
static inline const char *ig_ydoc_str(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }
/* Plain "", "~", "null" (any case): a key given without a value. */
bool ig_ydoc_is_null(const yaml_node_t *n);
/* Short name of a node's kind for messages: "a map", "a list", "a scalar". */
const char *ig_ydoc_kind(const yaml_node_t *n);

#endif
