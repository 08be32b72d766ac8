/* findings.suppress at run time: the configuration's entries (struct ig_suppress, checked by
 * the loader) compiled once, and the test the findings stage puts every raised finding to
 * before it throttles, encodes or publishes it. A suppressed finding is counted (per entry)
 * and, at debug level, logged; detectors and their state never see the difference: they
 * raised it, the engine counted it and flagged the client (drift keeps its rows out) as
 * for any other finding. README "Suppressing findings". */
#ifndef IG_FINDINGS_SUPPRESS_H
#define IG_FINDINGS_SUPPRESS_H

#include <inferguard/config.h>
#include <inferguard/finding.h>

#include "core/cidr.h"

struct ig_suppress_rule {
    struct ig_suppress e;       /* the entry as configured */
    uint8_t kind;               /* 0 every analytic (*), 1 a family (prefix "family."), 2 one name */
    size_t alen;                /* analytic bytes compared (kind 1: up to and with the dot) */
    bool has_src;
    struct ig_cidr src;
    bool expiry_told;           /* "expired" logged once */
};

struct ig_suppressor {
    uint32_t n;
    struct ig_suppress_rule r[IG_CONFIG_MAX_SUPPRESS];
};

/* Compiles cfg->suppress into <s>. Each analytic must be one this build raises (a
 * detector's name or a name a detector also emits) or a family of them; IG_ECONF with one
 * sentence naming the entry otherwise. */
int ig_suppressor_init(struct ig_suppressor *s, const struct ig_config *cfg, char *err, size_t errlen);
/* The same, on the heap (a list read again, for ig_findings_replace_suppress); NULL with
 * one sentence in err. */
struct ig_suppressor *ig_suppressor_new(const struct ig_config *cfg, char *err, size_t errlen);
/* The findings.suppress list of configuration file <path> read again (SIGHUP, a changed
 * file) and compiled as at start; nothing else of the file is used. NULL with one sentence in
 * err. */
struct ig_suppressor *ig_suppressor_reread(const char *path, char *err, size_t errlen);
/* <s>'s entries as cfg->suppress (the list the run summary names). */
void ig_suppressor_to_config(const struct ig_suppressor *s, struct ig_config *cfg);
/* The index of the first entry that matches <f> (all that the entry sets: analytic, source
 * address, client, model; not past its expiry on the finding's clock), or -1. */
int ig_suppressor_match(struct ig_suppressor *s, const struct ig_finding *f);
/* "#2 extraction.* source 10.0.0.0/8 (LIME explainer)": entry <i> for the summary and logs. */
void ig_suppress_describe(const struct ig_suppress *e, uint32_t i, char *buf, size_t cap);

#endif
