/* Files compiled into the binary (the generated rules_embedded.c, from rules/<name>.yaml files). */
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

/* The embedded file <name>, or NULL. */
const struct ig_embedded_file *ig_embedded_rules_find(const char *name);

#endif
