/* Files compiled into the binary (the generated rules_embedded.c, from rules/<name>.yaml files;
 * deploy_embedded.c, from deploy/model-with-inferguard.yaml). */
#ifndef IG_CONFIG_EMBEDDED_FILES_H
#define IG_CONFIG_EMBEDDED_FILES_H

#include <stddef.h>

struct ig_embedded_file {
    const char *name;                 /* "abuse.yaml" */
    const unsigned char *data;        /* NUL after the last byte */
    size_t len;
};

/* The shipped rules/<name>.yaml files (atlas.yaml included), in name order, ended by { 0 }. */
extern const struct ig_embedded_file ig_embedded_rules[];
extern const size_t ig_embedded_rules_count;

/* deploy/model-with-inferguard.yaml (one file, then { 0 }): the sidecar container of inject. */
extern const struct ig_embedded_file ig_embedded_deploy[];
extern const size_t ig_embedded_deploy_count;

/* The embedded file <name>, or NULL. */
const struct ig_embedded_file *ig_embedded_rules_find(const char *name);

#endif
