/* The MITRE ATLAS mapping table (data v5.6): technique or sub-technique uid -> name, parent
 * technique and tactics. One table, kept in rules/atlas.yaml and loaded at start; when the
 * file is absent the compiled-in copy of the same data is used (test_findings_atlas checks
 * both agree). A file that exists but is malformed is a configuration error. */
#ifndef IG_FINDINGS_ATLAS_H
#define IG_FINDINGS_ATLAS_H

#include <inferguard/base.h>

#define IG_ATLAS_MAX_TACTICS 4
#define IG_ATLAS_NAME_MAX 96

struct ig_atlas_technique {
    char uid[24];                          /* "AML.T0024.002" */
    char name[IG_ATLAS_NAME_MAX];          /* "Extract AI Model" */
    uint32_t parent;                       /* index of the parent technique, UINT32_MAX if none */
    uint32_t ntactics;
    uint32_t tactics[IG_ATLAS_MAX_TACTICS];/* indexes into ig_atlas.tactic_* */
};

struct ig_atlas {
    char version[32];                      /* "ATLAS 5.6" */
    uint32_t ntactics, ntechniques;
    char tactic_uid[32][24];
    char tactic_name[32][IG_ATLAS_NAME_MAX];
    struct ig_atlas_technique techniques[96];
};

/* Loads <rules_dir>/atlas.yaml into <a>; the embedded copy (rules/atlas.yaml compiled in) when
 * rules_dir is empty or has no atlas.yaml (sets *from_file false). Returns IG_OK or IG_ECONF
 * with "file:line: reason". */
int ig_atlas_load(const char *rules_dir, struct ig_atlas *a, bool *from_file,
                  char *err, size_t errlen);
/* Loads one YAML file. */
int ig_atlas_load_file(const char *path, struct ig_atlas *a, char *err, size_t errlen);
/* The embedded rules/atlas.yaml. */
int ig_atlas_load_embedded(struct ig_atlas *a, char *err, size_t errlen);
/* Technique by uid, or NULL. */
const struct ig_atlas_technique *ig_atlas_find(const struct ig_atlas *a, const char *uid);

#endif
