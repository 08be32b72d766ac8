/* inferguard: what a detector raises. The findings stage (sidecar/findings/) throttles,
 * enriches (ATLAS names and tactics, pod metadata) and encodes it as an OCSF Detection
 * Finding; the detector only fills this struct. Strings are borrowed for the call. */
#ifndef INFERGUARD_FINDING_H
#define INFERGUARD_FINDING_H

#include <inferguard/event.h>

#define IG_FINDING_MAX_SCORES 16
#define IG_FINDING_MAX_EVIDENCE 8
#define IG_FINDING_MAX_ATTACKS 4

enum ig_severity {          /* OCSF severity_id */
    IG_SEV_UNKNOWN = 0, IG_SEV_INFO = 1, IG_SEV_LOW = 2, IG_SEV_MEDIUM = 3,
    IG_SEV_HIGH = 4, IG_SEV_CRITICAL = 5, IG_SEV_FATAL = 6,
};

struct ig_score { const char *key; double value; };
struct ig_evidence { const char *key; const char *value; };   /* value already masked */

struct ig_finding {
    const char *analytic;        /* "extraction.prada": family.detector */
    const char *title;           /* "Suspected model extraction" */
    const char *desc;            /* one or two sentences, may be NULL */
    const char *remediation;     /* hardening advice, may be NULL */
    uint8_t  severity;           /* enum ig_severity */
    uint8_t  confidence_id;      /* OCSF 1 low, 2 medium, 3 high */
    uint8_t  analytic_type;      /* OCSF 1 rule, 3 statistical */
    const char *atlas[IG_FINDING_MAX_ATTACKS];   /* technique ids, e.g. "AML.T0024.002"; NULL ends */

    uint64_t time_us;            /* capture time of the event (or tick) that raised it */
    uint64_t queries_seen;       /* the client's queries seen so far */

    /* Who and what. Filled from the event by ig_finding_init(); a tick may fill by hand. */
    enum ig_identity_kind id_kind;
    const char *client_id;
    uint8_t  id_basis;           /* enum ig_id_basis */
    enum ig_identity_kind claimed_kind;
    const char *claimed_id;      /* an identity asserted and not believed, or NULL / "" */
    enum ig_identity_kind group_kind;
    const char *group_id;        /* the stable source (principal group), or NULL / "" */
    uint64_t group_identities;   /* > 0: raised on the group's stream; distinct identities */
    const char *group_sample;    /* ... "N distinct: kind:id, ..." (set by the engine) */
    struct ig_endpoint src, dst;
    const char *model, *model_version;
    const char *method, *route;  /* evidences.api.operation = "METHOD route" */

    /* Who saw it: NULL for this sensor's own finding; "fleet" when `inferguard aggregate`
     * raised it over every pod's events, with <pods> the pods that saw the client
     * (comma-separated). Set by the aggregator only; detectors leave both NULL. */
    const char *scope, *pods;

    /* Pattern rules that raised it (ig_finding_rule): the shortest of their own `throttle:`
     * windows (µs), 0 when none has one; with <throttle_detector> the detector's window
     * counts too. The findings stage throttles the finding with the shortest window. */
    uint64_t rule_throttle_us;
    bool     throttle_detector;

    uint32_t nscores;
    struct ig_score scores[IG_FINDING_MAX_SCORES];
    uint32_t nevidence;
    struct ig_evidence evidence[IG_FINDING_MAX_EVIDENCE];
};

/* Zeroes <f> and copies who/what/time from <ev> (which may be NULL). */
void ig_finding_init(struct ig_finding *f, const char *analytic, const struct ig_event *ev);
/* Appends a score / evidence; silently ignores overflow beyond the fixed caps. */
void ig_finding_score(struct ig_finding *f, const char *key, double value);
void ig_finding_evidence(struct ig_finding *f, const char *key, const char *value);
/* A pattern rule whose own `throttle:` is <throttle_us> (struct ig_rule.throttle_us; 0: it has
 * none, so its detector's window applies) raised <f>. A detector whose finding also rests on
 * its own analysis calls it with 0 as well. */
void ig_finding_rule(struct ig_finding *f, uint64_t throttle_us);

/* Calls fn(ctx, &p) for every string pointer of <f> (score and evidence keys and values up to
 * their counts, capped), always in the same order, so that whoever keeps a finding past the
 * call (the findings stage's throttle groups, the client lanes' held findings) copies each
 * string. A new string field of struct ig_finding fails a _Static_assert in
 * sidecar/core/finding.c until it is listed there. */
void ig_finding_each_string(struct ig_finding *f, void (*fn)(void *ctx, const char **s), void *ctx);

/* Findings out of a detector: never blocks, never fails from the detector's view. */
struct ig_emit {
    void (*fn)(void *ctx, const struct ig_finding *f);
    void *ctx;
};
static inline void ig_emit_finding(const struct ig_emit *e, const struct ig_finding *f)
{
    e->fn(e->ctx, f);
}

#endif
