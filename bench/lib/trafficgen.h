/* inferguard bench: deterministic generator of inference traffic captures.
 *
 * A scenario is a set of clients, each with a role (benign or one of the attacks below),
 * a rate, a time window and a query budget. A small deterministic classifier (nearest of
 * K centroids, softmax of negative squared distances) answers every query, so the scores
 * and labels in responses are consistent with the inputs. Everything derives from the
 * seed: the same options give the same bytes. */
#ifndef IG_TRAFFICGEN_H
#define IG_TRAFFICGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum ig_gen_proto {
    IG_GEN_OIP_V2 = 0,     /* Open Inference Protocol v2 REST JSON */
    IG_GEN_OIP_V2_BIN,     /* OIP v2 with Triton's binary tensor extension */
    IG_GEN_KSERVE_V1,      /* {"instances": ...} -> {"predictions": ...} */
    IG_GEN_OPENAI,         /* /v1/chat/completions, half of them SSE-streamed */
    IG_GEN_MIXED,          /* each client speaks one of the above, by client index */
    IG_GEN_PROTO__COUNT
};
/* "oip_v2", "oip_v2_bin", "kserve_v1", "openai", "mixed"; -1 when unknown. */
int ig_gen_proto_parse(const char *s);
const char *ig_gen_proto_name(enum ig_gen_proto p);

enum ig_gen_role {
    IG_ROLE_BENIGN = 0,
    IG_ROLE_EXTRACT_TRAMER,   /* uniform random queries (Tramer et al. 2016) */
    IG_ROLE_EXTRACT_JBDA,     /* Jacobian-based dataset augmentation (Papernot et al. 2017) */
    IG_ROLE_EVASION,          /* boundary walk, HopSkipJump-style (Chen et al. 2020) */
    IG_ROLE_LEAKAGE,          /* score harvesting: repeated inputs, full-precision vectors */
    IG_ROLE_FLOOD,            /* one client at a very high rate */
    IG_ROLE__COUNT
};
const char *ig_gen_role_name(enum ig_gen_role r);   /* "benign", "extraction_tramer", ... */

/* How benign inputs shift at opts.drift_at (a fraction of the capture span). */
enum ig_gen_drift {
    IG_GEN_DRIFT_DEFAULT = 0, /* the scenario's own: demo = mean, others = none */
    IG_GEN_DRIFT_NONE,
    IG_GEN_DRIFT_MEAN,        /* +0.25 on the first half of the features (sensor offset) */
    IG_GEN_DRIFT_SCALE,       /* every feature x0.6 (a gain or unit change) */
    IG_GEN_DRIFT_BRIGHTNESS,  /* +0.15 on every feature, clipped (an image getting brighter) */
    IG_GEN_DRIFT_PRIOR,       /* class prior: 70 % of samples from class 0 instead of 1/K */
    IG_GEN_DRIFT__COUNT
};
/* "default", "none", "mean", "scale", "brightness", "prior"; -1 when unknown. */
int ig_gen_drift_parse(const char *s);
const char *ig_gen_drift_name(enum ig_gen_drift d);

struct ig_gen_opts {
    const char *scenario;     /* demo, benign, extraction, evasion, leakage, flood, mixed */
    uint64_t seed;            /* default 1 */
    uint32_t clients;         /* benign clients (default 8; demo: 6) */
    uint32_t requests;        /* benign requests in all (default 10000; demo: from rates) */
    uint32_t dim;             /* features per row (default 16) */
    uint32_t classes;         /* model outputs (default 4) */
    uint32_t batch;           /* rows per request (default 1) */
    uint32_t duration_s;      /* capture time span (default 300) */
    enum ig_gen_proto protocol;
    bool proxy;               /* all clients behind 127.0.0.6 with XFF / Bearer / XFCC */
    bool gzip, chunked;       /* response bodies gzip-encoded / chunked */
    bool pipeline;            /* clients send 1-3 requests before reading responses */
    bool chaos;               /* occasional reordering, duplicates and late retransmissions */
    int linktype;             /* pcapw link type; default Ethernet */
    const char *model;        /* model name (default "demo-classifier") */
    enum ig_gen_drift drift;  /* default: the scenario's own */
    double drift_at;          /* fraction of the capture span where drift starts (0.5) */
    uint64_t drift_rows;      /* >0: drift starts after this many benign rows instead */
    uint64_t model_seed;      /* the model's centroids (default: seed), so that other
                               * traffic of the same model can be drawn */
    uint64_t drift_ramp;      /* >0: gradual; the drifted share of benign rows rises
                               * linearly from 0 to 1 over this many rows */
};

/* Fills the defaults above; scenario "demo". */
void ig_gen_opts_default(struct ig_gen_opts *o);

#define IG_GEN_MAX_CLIENTS_LISTED 64

struct ig_gen_client_info {
    enum ig_gen_role role;
    char ip[16];              /* source (or, behind the proxy, X-Forwarded-For) address */
    char identity[64];        /* bearer key id behind the proxy, else "" */
    uint32_t requests;
    uint64_t first_us, last_us;
};

struct ig_gen_stats {
    uint64_t requests, responses, packets, bytes, connections, rows;
    uint64_t start_us, end_us, drift_at_us;       /* drift_at_us 0 = no drift */
    uint64_t drift_at_row, benign_rows;           /* benign rows before the drift; in all */
    enum ig_gen_drift drift;                      /* the kind in effect (none or a shift) */
    uint32_t clients[IG_ROLE__COUNT];             /* clients per role */
    uint64_t role_requests[IG_ROLE__COUNT];
    uint32_t nlisted;                             /* first IG_GEN_MAX_CLIENTS_LISTED clients */
    struct ig_gen_client_info listed[IG_GEN_MAX_CLIENTS_LISTED];
};

/* Writes the scenario's capture to <path>. Returns 0, or a negative ig_status with one
 * sentence in <err> (unknown scenario, bad option, I/O error). */
int ig_gen_run(const struct ig_gen_opts *o, const char *path, struct ig_gen_stats *st,
               char *err, size_t errlen);

/* Writes <st> as one JSON object (the manifest tests and the bench read). */
void ig_gen_stats_json(const struct ig_gen_stats *st, const struct ig_gen_opts *o, void *file);

#endif
