/* The OCSF Detection Finding writer (class_uid 2004, OCSF 1.3.0) with ATLAS attacks and
 * Kubernetes enrichment. Field table: docs/ocsf-finding.md; JSON Schema:
 * docs/ocsf-finding.schema.json. Writes through enc.h, so JSON and msgpack carry the same
 * object. */
#ifndef IG_FINDINGS_OCSF_H
#define IG_FINDINGS_OCSF_H

#include <inferguard/finding.h>
#include "atlas.h"
#include "enc.h"

#define IG_OCSF_VERSION "1.3.0"
#define IG_OCSF_SCHEMA "ocsf.detection_finding"

/* Where this sidecar runs: the Kubernetes downward API variables, read once at start. */
struct ig_ocsf_env {
    char hostname[128];       /* $HOSTNAME or gethostname() */
    char pod[128];            /* $POD_NAME */
    char ns[128];             /* $POD_NAMESPACE */
    char node[128];           /* $NODE_NAME */
    char container[128];      /* $CONTAINER_NAME */
    char rules_sha256[65];    /* the rule set in use (ig_rules_sha256), "" = none */
};
void ig_ocsf_env_read(struct ig_ocsf_env *env);

/* A throttled group: activity 1 (Create) for the first finding, 2 (Update) for the summary
 * of the repeats folded in during the window. */
struct ig_ocsf_group {
    uint8_t  activity_id;
    uint64_t count, first_us, last_us;
};

/* Writes one finding as one object. */
void ig_ocsf_write(struct ig_enc *e, const struct ig_atlas *atlas, const struct ig_ocsf_env *env,
                   const struct ig_finding *f, const struct ig_ocsf_group *g);

/* finding_info.uid: "ig-<analytic>-<16 hex>", a hash of analytic, client, model and the first
 * time (ms), so the Create and its Update share it and a replay gives the same uid. */
void ig_ocsf_uid(const struct ig_finding *f, uint64_t first_us, char *buf, size_t cap);

#endif
