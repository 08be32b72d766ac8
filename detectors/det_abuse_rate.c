/* abuse.rate: per-client request rate over a sliding window on the capture clock.
 *
 * Suricata's rate_filter and Zeek's SumStats thresholds are absolute counts per source
 * and interval; here that is the explicit quota (max_requests). Without one, a busy client
 * is not abuse by itself, so the limit a client is held to is relative:
 *   - at least min_requests per window (below it nothing fires);
 *   - own_factor x the client's own typical window (exponentially weighted mean of its
 *     completed windows), once it has one: a flood is a break from its own history;
 *   - once the model has at least 3 other active clients, a flood stands out from them
 *     twice: population_factor x their median count (the typical client) and
 *     traffic_factor x the traffic median, the count of the client behind their median
 *     request (their counts' median weighted by count: the clients that carry the model's
 *     traffic, as heavy-hitter measurement weighs flows by volume, Estan & Varghese,
 *     SIGCOMM 2002). A model's many light clients (a popular app's users, a pool of
 *     addresses) pull the plain median so low that any busy client stands out from it;
 *     they move the traffic median only when together they send most of the requests.
 *     Past flood_requests only the traffic median raises the limit: a client over it is a
 *     flood unless the model's traffic comes from clients within traffic_factor of it;
 *   - with neither (a client's first window on a model nobody else uses), flood_requests.
 * The limit is the largest of those that apply: a client with a history and peers must
 * break from both.
 * Without a quota a rate over the limit is not enough: an ordinary busy client (a batch
 * job, a feature pipeline) sends as fast as it is answered and is as far above its peers
 * as a flood. A finding also needs evidence of aggression or harm:
 *   - concurrency: more than max_concurrency requests outstanding at once on average
 *     (Little's law, L = lambda W: the client's latencies summed over time, decayed). A
 *     closed-loop client (each request sent when the answer came) never has more than
 *     one, a connection pool of N never more than N; a flood opens many;
 *   - refusals: at least refused_share of its recent requests answered 429 or 503 and it
 *     keeps going (RFC 6585 sec. 4: the service is shedding load, a polite client backs off).
 *   - network group: clients known by their address alone, in one /24 (/48) new to the
 *     model, more than max_concurrency of them sending back to back from their onset
 *     together, most of their requests wasted (repeats, errors), are one client over many
 *     addresses (below, "network groups").
 * An explicit quota per network (group_max_requests) holds such a network's clients
 * together, new or known, whatever they send: a flood of new inputs over many addresses
 * is a parallel job on the wire, and only a quota tells them apart.
 * Clients with such evidence are left out of their peers' references, so that two floods
 * do not make each other ordinary. A closed-loop flood on one connection is a busy client
 * by every measure here: a quota is the answer (rules/schema.md).
 * One finding when a client first goes over its limit with evidence, again only if it
 * climbs to a higher level (2x, heavy_factor x, 10x the limit) or a window later while
 * still over; the findings stage throttles anything beyond. Params: rules/schema.md. */
#include <inferguard/detector.h>

#include "stats/peers.h"
#include "stats/window.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "abuse.rate"

struct rate_global {
    uint64_t window_us, width_us;
    uint64_t quota;                   /* explicit max_requests per window; 0 = relative */
    uint64_t group_quota;             /* explicit group_max_requests per network group; 0 = none */
    uint64_t min_requests, flood_requests;
    double own_factor, pop_factor, traffic_factor;
    double heavy_factor;              /* at this multiple: cost harvesting / denial of service */
    double max_conc;                  /* evidence: mean requests outstanding above this; 0 = none needed */
    uint32_t v4_prefix, v6_prefix;    /* network groups' prefix lengths; 0 = no groups */
    double refused_share;             /* evidence: share of 429/503 answers at or above this; 0 = off */
    double group_wasted;              /* a network group's share of wasted requests needed; 0 = none */
    double tau_us;                    /* decay time of the load and refusal estimates */
    int severity;                     /* at the limit; each level above adds one */
};

/* The rules block's params (rules/schema.md's table is generated from rate_params[]). */
struct rate_cfg {
    uint64_t window_us;
    double max_requests, min_requests, flood_requests, own_factor, pop_factor, traffic_factor,
           heavy_factor, max_conc, refused_share, v4_prefix, v6_prefix, group_wasted,
           group_max_requests;
};

#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct rate_cfg, f), __VA_ARGS__ }
static const struct ig_param rate_params[] = {
    ROW("window", IG_PT_DURATION, window_us, .def = 10e6, .min = 1e3, .max = 86400e6,
        .help = "sliding window"),
    ROW("max_requests", IG_PT_DOUBLE, max_requests, .def = -1, .min = 1, .max = 1e12,
        .flags = IG_PARAM_WHOLE, .doc_default = "absent",
        .help = "explicit quota: more requests than this in one window fires; when set, the relative limits are off"),
    ROW("min_requests", IG_PT_DOUBLE, min_requests, .def = 150, .min = 1, .max = 1e12,
        .help = "nothing fires at or below this many requests per window"),
    ROW("own_factor", IG_PT_DOUBLE, own_factor, .def = 10, .min = 1, .max = 1e6,
        .help = "multiple of the client's own typical window"),
    ROW("population_factor", IG_PT_DOUBLE, pop_factor, .def = 15, .min = 1, .max = 1e6,
        .help = "multiple of the median count of the model's other active clients"),
    ROW("traffic_factor", IG_PT_DOUBLE, traffic_factor, .def = 4, .min = 1, .max = 1e6,
        .help = "multiple of the count of the client behind the median request of the model's other active clients (their counts' median weighted by count)"),
    ROW("flood_requests", IG_PT_DOUBLE, flood_requests, .def = 1000, .min = 1, .max = 1e12,
        .vs = "min_requests", .vs_op = IG_VS_GE,
        .help = "limit without history or peers; past it, peers raise the limit only by traffic_factor"),
    ROW("heavy_factor", IG_PT_DOUBLE, heavy_factor, .def = 5, .min = 1, .max = 1e6,
        .help = "at this multiple of the limit the finding adds AML.T0034 and AML.T0029"),
    ROW("max_concurrency", IG_PT_DOUBLE, max_conc, .def = 4, .min = 0, .max = 1e6,
        .help = "without a quota, a client over its limit is reported only with more requests than this outstanding at once on average (or refused_share); 0: the rate alone"),
    ROW("refused_share", IG_PT_DOUBLE, refused_share, .def = 0.1, .min = 0, .max = 1,
        .help = "... or with at least this share of its recent requests answered 429 or 503; 0: off"),
    ROW("group_v4_prefix", IG_PT_DOUBLE, v4_prefix, .def = 24, .min = 0, .max = 32,
        .flags = IG_PARAM_WHOLE,
        .help = "clients known by their IPv4 address alone whose addresses share this prefix form a network group, judged as one client while it is new to the model; 0: off"),
    ROW("group_v6_prefix", IG_PT_DOUBLE, v6_prefix, .def = 48, .min = 0, .max = 128,
        .flags = IG_PARAM_WHOLE, .help = "the same for IPv6 addresses; 0: off"),
    ROW("group_wasted_share", IG_PT_DOUBLE, group_wasted, .def = 0.5, .min = 0, .max = 1,
        .help = "a network group is reported only when at least this share of its requests were wasted: an input the group had sent before, or answered with an error; 0: not needed"),
    ROW("group_max_requests", IG_PT_DOUBLE, group_max_requests, .def = -1, .min = 1, .max = 1e12,
        .flags = IG_PARAM_WHOLE, .doc_default = "absent",
        .help = "explicit quota per network group: more requests than this in one window from the clients of one group_v4_prefix / group_v6_prefix network known by their address alone fires, new to the model or not, whatever they send"),
    { 0 },
};
#undef ROW

struct rate_client {
    struct ig_wcount w;
    uint64_t last_fire_us;
    uint64_t key;                     /* hash of the client id */
    uint64_t win_start, win_n;        /* tumbling window for the client's own history */
    double   typical;                 /* EWMA of completed windows' counts */
    uint32_t level;                   /* highest level reported in this episode */
    uint32_t slot;                    /* its entry in the model's peer table, + 1 */
    uint32_t windows;                 /* completed windows folded into typical */
    uint32_t resp_ahead;
    /* Load (requests outstanding, Little's law) and refusals, decayed with tau_us, as of
     * the newest request time seen (load_t); busy_since starts the current episode,
     * resp_ahead is how far the latest answer lies past load_t (µs). */
    uint64_t load_t, busy_since;
    float    busy_us, reqs, refused;  /* decayed sums: latency, requests, 429/503 answers */
    uint32_t net;                     /* its network group's slot in the model, + 1 (a hint) */
};

/* A network group: the clients identified by nothing but their address whose addresses
 * share a prefix (group_v4_prefix, group_v6_prefix), as one principal (rules/schema.md). */
#define NET_GROUPS  16
#define NET_MEMBERS 16
/* Inputs a group sent, to tell a repeat: fingerprints in an open table filled to at most
 * NET_FP_FILL. All inputs at first; when it fills, only the half whose fingerprints' next
 * top bit is 0 (adaptive distinct sampling, Gibbons, VLDB 2001: a repeat is sampled exactly
 * when its first copy was), down to 1 in 2^NET_FP_LEVELS (~12k distinct inputs' worth). */
#define NET_FP        128
#define NET_FP_FILL   96
#define NET_FP_LEVELS 7

struct net_member {
    uint64_t key, at;                 /* a pressing client and its latest request */
    float    load;
};

struct net_group {
    uint64_t key;                     /* hash of the prefix, | 1; 0 = free */
    uint64_t first_key, first_t;      /* the first client seen from it, and when */
    uint64_t last_t, last_fire_us;
    struct ig_wcount w;               /* the group's requests, all of its clients */
    uint32_t level;
    bool     known;                   /* the model had seen the network before this entry */
    bool     fresh;                   /* new to the model, its first client pressing from its onset */
    /* What the group's requests were worth while it could be judged: all, those answered
     * with an error, and of the sampled ones with an input, how many repeated one. */
    uint32_t asked, errors, sampled, repeats, nfp, fp_level;
    struct net_member m[NET_MEMBERS];
    uint32_t fp[NET_FP];
};

/* The model's active clients' current window counts (sliding, updated per request; the
 * clock is capture time), its network groups, and every network it has seen (a Bloom
 * filter of 4,096 bits, two per network: a network forgotten from net[] stays known; a
 * false "seen" only leaves a group unjudged, and a full filter leaves them all so). */
#define NET_SEEN_BITS 4096
struct rate_model {
    struct ig_peers peers;
    struct net_group net[NET_GROUPS];
    uint64_t seen[NET_SEEN_BITS / 64];
};

static int rate_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                     char *err, size_t errlen)
{
    const struct rate_cfg *c = env->params;
    struct rate_global g = {
        .window_us = c->window_us,
        .heavy_factor = c->heavy_factor,
        .severity = ig_rules_severity(r, NAME, IG_SEV_LOW),
        .own_factor = c->own_factor,
        .pop_factor = c->pop_factor,
        .traffic_factor = c->traffic_factor,
        .max_conc = c->max_conc,
        .refused_share = c->refused_share,
        .tau_us = (double)c->window_us / 4,
        .v4_prefix = (uint32_t)c->v4_prefix,
        .v6_prefix = (uint32_t)c->v6_prefix,
        .group_wasted = c->group_wasted,
    };
    /* flood_requests >= min_requests: the table says so (.vs) */
    g.quota = c->max_requests > 0 ? (uint64_t)c->max_requests : 0;
    g.group_quota = c->group_max_requests > 0 ? (uint64_t)c->group_max_requests : 0;
    g.min_requests = (uint64_t)c->min_requests;
    g.flood_requests = (uint64_t)c->flood_requests;
    g.width_us = ig_wcount_width(g.window_us);
    struct rate_global *p = malloc(sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    *p = g;
    *global = p;
    return IG_OK;
}

/* 0 under the limit, 1 over it, 2 at 2x, 3 at heavy_factor x, 4 at 10x. */
static uint32_t level_of(const struct rate_global *g, uint64_t limit, uint64_t n)
{
    if (n <= limit)
        return 0;
    double ratio = (double)n / (double)limit;
    uint32_t lvl = 1;
    if (ratio >= 2)
        lvl = 2;
    if (ratio >= g->heavy_factor && ratio >= 2)
        lvl = 3;
    if (ratio >= 10 && lvl == 3)
        lvl = 4;
    return lvl;
}

static uint64_t key_of(const char *s)
{
    return ig_fnv1a_str(IG_FNV1A_BASIS, s, SIZE_MAX) | 1;
}

/* Folds the client's completed tumbling windows into its typical count; the first of them
 * not when it ended <over> its limit: a client's own history learns its ordinary windows
 * only, or a flood ramped up over its first window (a connection more every few seconds,
 * its evidence rising only after) would hold itself to own_factor x that window. */
static void roll(const struct rate_global *g, struct rate_client *c, uint64_t t, bool over)
{
    if (!c->win_start) {
        c->win_start = t;
        return;
    }
    if (t < c->win_start + g->window_us)
        return;
    uint64_t done = (t - c->win_start) / g->window_us;
    for (uint64_t k = 0; k < done && k < 8; k++) {
        if (k == 0 && over)
            continue;
        double v = k == 0 ? (double)c->win_n : 0.0;
        c->typical = c->windows ? 0.7 * c->typical + 0.3 * v : v;
        c->windows++;
    }
    c->win_start += done * g->window_us;
    c->win_n = 0;
}

/* Folds the event's latency and answer into the client's decayed sums. Each latency is
 * weighted by the decay at its request time, never later than any instant it covers, so
 * a closed-loop client's sum stays within what one request outstanding at all times
 * gives (load() <= 1). */
static void load_add(const struct rate_global *g, struct rate_client *c, const struct ig_event *ev,
                     uint64_t t)
{
    if (!c->load_t || t > c->load_t + (uint64_t)(4 * g->tau_us)) {
        c->busy_us = c->reqs = c->refused = 0;   /* idle (decayed to < 2 %): a new episode */
        c->busy_since = c->load_t = t;
        c->resp_ahead = 0;
    } else if (t > c->load_t) {
        float k = (float)exp(-(double)(t - c->load_t) / g->tau_us);
        c->busy_us *= k;
        c->reqs *= k;
        c->refused *= k;
        c->resp_ahead = t - c->load_t < c->resp_ahead ? c->resp_ahead - (uint32_t)(t - c->load_t) : 0;
        c->load_t = t;
    }
    if (t < c->busy_since)
        c->busy_since = t;
    float w = t < c->load_t ? (float)exp(-(double)(c->load_t - t) / g->tau_us) : 1.0f;
    uint64_t lat = ev->latency_us;
    if (!lat && ev->resp_time_us > t)
        lat = ev->resp_time_us - t;
    c->busy_us += w * (float)lat;
    c->reqs += w;
    if (ev->status == 429 || ev->status == 503)
        c->refused += w;
    uint64_t end = t + lat;
    if (end > c->load_t + c->resp_ahead)
        c->resp_ahead = (uint32_t)IG_MIN(end - c->load_t, (uint64_t)UINT32_MAX);
}

/* The client's mean requests outstanding over its episode, decayed: its latency sum over
 * the same decay's integral from busy_since to its latest answer. */
static double load_of(const struct rate_global *g, const struct rate_client *c)
{
    double tau = g->tau_us;
    double span = (double)(c->load_t - c->busy_since) + c->resp_ahead;
    double d = tau * exp((double)c->resp_ahead / tau) * -expm1(-span / tau);
    return d > 0 ? c->busy_us / d : 0;
}

/* What makes a client over its limit abuse, not a busy client: NULL if nothing. */
static const char *aggression(const struct rate_global *g, const struct rate_client *c,
                              double load)
{
    if (load > g->max_conc + 1e-3)   /* float sums: a pool of exactly N stays at N */
        return "concurrency";
    if (g->refused_share > 0 && c->refused >= 5 && c->refused >= g->refused_share * c->reqs)
        return "refused";
    return NULL;
}

/* min_requests, or the client's own history when that allows more (limit_for without
 * the population and flood_requests, which only ever raise it). */
static uint64_t own_limit(const struct rate_global *g, const struct rate_client *c,
                          const char **basis)
{
    uint64_t lim = g->min_requests;
    *basis = "min_requests";
    if (c->windows) {
        double own = g->own_factor * c->typical;
        if (own > (double)lim) {
            lim = (uint64_t)own;
            *basis = "own_history";
        }
    }
    return lim;
}

/* Raises <lim> to what the peers' counts v[0..n) allow (n >= 3, else false: no context):
 * the larger of population_factor x their median and traffic_factor x their traffic
 * median, past flood_requests only the latter. Reorders v. */
static bool peer_limit(const struct rate_global *g, double *v, uint32_t n, uint64_t *lim,
                       const char **basis, double *pop_median, double *traffic_median)
{
    if (n < 3)
        return false;
    double w[IG_PEERS];
    memcpy(w, v, n * sizeof *v);
    *pop_median = ig_median_d(v, n);
    *traffic_median = ig_wmedian_self_d(w, n);
    double pop = g->pop_factor * *pop_median;
    double traffic = g->traffic_factor * *traffic_median;
    double flood = (double)g->flood_requests;
    /* the larger of the two; past flood_requests only the traffic median lifts it */
    double peer = pop > traffic ? pop : traffic, cap = traffic > flood ? traffic : flood;
    const char *why = pop > traffic ? "population" : "traffic";
    if (peer > cap) {
        peer = cap;
        why = cap == traffic ? "traffic" : "flood_requests";
    }
    if (peer > (double)*lim) {
        *lim = (uint64_t)peer;
        *basis = why;
    }
    return true;
}

/* The limit this client is held to now, and which rule set it ("quota", ...). */
static uint64_t limit_for(const struct rate_global *g, const struct rate_client *c,
                          const struct rate_model *m, uint64_t t, const char **basis,
                          double *pop_median, double *traffic_median)
{
    *pop_median = *traffic_median = -1;
    if (g->quota) {
        *basis = "quota";
        return g->quota;
    }
    uint64_t lim = own_limit(g, c, basis);
    bool context = c->windows != 0;
    if (m) {
        double v[IG_PEERS], wt[IG_PEERS];
        uint32_t all = ig_peers_others(&m->peers, c->key, t > g->window_us ? t - g->window_us : 0,
                                       v, wt), n = 0;
        for (uint32_t i = 0; i < all; i++)   /* floods are no reference (weight 0) */
            if (wt[i] > 0)
                v[n++] = v[i];
        context |= peer_limit(g, v, n, &lim, basis, pop_median, traffic_median);
    }
    if (!context && g->flood_requests > lim) {
        lim = g->flood_requests;
        *basis = "flood_requests";
    }
    return lim;
}

/* ---- network groups ----
 * A flood from many addresses of one connection each: every address is a closed-loop
 * client at a busy client's rate, under its own limit. Taken together, the addresses of
 * one network new to the model are one client with many requests outstanding, like a
 * flood over many connections from one address. Flash crowds come mostly from networks
 * that had used the site before, floods from new ones (Jung, Krishnamurthy, Rabinovich,
 * WWW 2002): a group is judged only when the model had never seen its network and its
 * first client was pressing (over min_requests with a request outstanding at least half
 * the time) within two windows of its first request; its clients count when they press
 * in an episode begun within those two windows (onset together). Ordinary clients
 * joining a network that was there before (another client's flood or slowdown going on
 * or not) never form one. */

/* The hash of the event's network group (its address masked to the prefix), 0 when it
 * has none: an identity of its own (a key, a token, a forwarded address), a principal
 * group's stream, groups off. <pfx>: the masked address. */
static uint64_t net_key(const struct rate_global *g, const struct ig_call *call,
                        const struct ig_event *ev, uint8_t pfx[16], uint32_t *bits)
{
    if (call->group || ev->id_kind != IG_ID_SOURCE_IP || ev->id_basis != IG_BASIS_NETWORK)
        return 0;
    uint32_t b = ev->src.family == 4 ? g->v4_prefix : ev->src.family == 6 ? g->v6_prefix : 0;
    if (!b)
        return 0;
    memset(pfx, 0, 16);
    memcpy(pfx, ev->src.addr, b / 8);
    if (b % 8)
        pfx[b / 8] = (uint8_t)(ev->src.addr[b / 8] & (0xff00u >> (b % 8)));
    *bits = b;
    return ig_fnv1a(ig_fnv1a(IG_FNV1A_BASIS, &ev->src.family, 1), pfx, 16) | 1;
}

/* Marks network <key> seen in the model's Bloom filter; returns whether it was already. */
static bool net_seen(struct rate_model *m, uint64_t key)
{
    uint32_t b0 = (uint32_t)(key >> 1) % NET_SEEN_BITS, b1 = (uint32_t)(key >> 33) % NET_SEEN_BITS;
    bool known = (m->seen[b0 / 64] >> (b0 % 64) & 1) && (m->seen[b1 / 64] >> (b1 % 64) & 1);
    m->seen[b0 / 64] |= 1ull << (b0 % 64);
    m->seen[b1 / 64] |= 1ull << (b1 % 64);
    return known;
}

/* The model's entry for group <key>, counting the event at <t>: found (the client's hint
 * first), else a free or idle one (nothing for a window) taken; NULL when all are busy
 * (the group is not judged: no finding rather than one on a partial view). A connection
 * picked up mid-stream (no handshake seen) says the network was there before the capture
 * or the sensor started, not whether it was new then: judged as at a fresh start (a flood
 * going on when the sensor restarts is still one; rules/schema.md). */
static struct net_group *net_get(const struct rate_global *g, struct rate_model *m,
                                 struct rate_client *c, uint64_t key, uint64_t t)
{
    uint32_t i = c->net - 1, spare = NET_GROUPS;
    if (i >= NET_GROUPS || m->net[i].key != key) {
        for (i = 0; i < NET_GROUPS; i++) {
            if (m->net[i].key == key)
                break;
            if (spare == NET_GROUPS && (!m->net[i].key || m->net[i].last_t + g->window_us < t))
                spare = i;
        }
        if (i == NET_GROUPS) {
            if (spare == NET_GROUPS)
                return NULL;
            i = spare;
            m->net[i] = (struct net_group){ .key = key, .first_key = c->key, .first_t = t,
                                            .last_t = t, .known = net_seen(m, key) };
        }
    }
    struct net_group *ng = &m->net[i];
    c->net = i + 1;
    if (t > ng->last_t)
        ng->last_t = t;
    ig_wcount_add(&ng->w, g->width_us, t, 1);
    return ng;
}

/* Notes pressing client <key> (its load) in the group: its own slot, else the stalest. */
static void net_press(struct net_group *ng, uint64_t key, uint64_t t, double load)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < NET_MEMBERS; i++) {
        if (ng->m[i].key == key) {
            j = i;
            break;
        }
        if (ng->m[i].at < ng->m[j].at)
            j = i;
    }
    ng->m[j] = (struct net_member){ key, t, (float)load };
}

static bool net_member_of(const struct net_group *ng, uint64_t key)
{
    for (uint32_t i = 0; i < NET_MEMBERS; i++)
        if (ng->m[i].key == key)
            return true;
    return false;
}

/* Fingerprint <fp>'s slot in the group's table: where it is, else the free slot where it
 * goes (the table never fills past NET_FP_FILL < NET_FP). */
static uint32_t net_fp_slot(const struct net_group *ng, uint32_t fp)
{
    uint32_t i = (fp >> 1) % NET_FP;
    while (ng->fp[i] && ng->fp[i] != fp)
        i = (i + 1) % NET_FP;
    return i;
}

/* Whether <fp> is in the sample at the group's level (its top fp_level bits 0). */
static bool net_fp_in(const struct net_group *ng, uint32_t fp)
{
    return !ng->fp_level || !(fp >> (32 - ng->fp_level));
}

/* Counts what request <ev> was worth to the group: wasted when answered with an error
 * (4xx, 5xx: refused, shed, rejected) or when its input is one the group had sent before
 * (judged on the sampled inputs). A job that needs its answers asks each question once;
 * load generation repeats a request or a small set. A request without an input or text to
 * compare (an opaque payload, or one we could not decode that the server answered) counts
 * only in <asked>. */
static void net_worth(struct net_group *ng, const struct ig_event *ev)
{
    ng->asked++;
    if (ev->status >= 400) {
        ng->errors++;
        return;
    }
    const void *p = NULL;
    size_t n = 0;
    if (ev->flags & IG_EV_MALFORMED) {
        return;
    } else if (ev->inputs && ev->rows && ev->features) {
        p = ev->inputs;
        n = (size_t)ev->rows * ev->features * sizeof(float);
    } else if (ev->prompt.p && ev->prompt.n) {
        p = ev->prompt.p;
        n = ev->prompt.n;
    }
    if (!p)
        return;
    /* its length, head and tail: inputs alike there and different in between are rare,
     * and the cost per request stays bounded */
    size_t head = IG_MIN(n, (size_t)256), tail = IG_MIN(n - head, (size_t)256);
    uint64_t h = ig_fnv1a(ig_fnv1a_step(IG_FNV1A_BASIS, n), p, head);
    h = ig_fnv1a(h, (const uint8_t *)p + n - tail, tail);
    h = ig_fnv1a_mix(h) * 0xc4ceb9fe1a85ec53ull;   /* murmur3's whole fmix64 before sampling */
    h ^= h >> 33;
    uint32_t fp = (uint32_t)(h >> 32) | 1;
    if (!net_fp_in(ng, fp))
        return;
    ng->sampled++;
    uint32_t i = net_fp_slot(ng, fp);
    if (ng->fp[i]) {
        ng->repeats++;
        return;
    }
    while (ng->nfp >= NET_FP_FILL && ng->fp_level < NET_FP_LEVELS) {
        uint32_t old[NET_FP];   /* halve the sample: keep the fingerprints still in it */
        memcpy(old, ng->fp, sizeof old);
        memset(ng->fp, 0, sizeof ng->fp);
        ng->nfp = 0;
        ng->fp_level++;
        for (uint32_t k = 0; k < NET_FP; k++)
            if (old[k] && net_fp_in(ng, old[k])) {
                ng->fp[net_fp_slot(ng, old[k])] = old[k];
                ng->nfp++;
            }
    }
    if (ng->nfp >= NET_FP_FILL || !net_fp_in(ng, fp))
        return;   /* past ~12k distinct inputs new ones go unremembered */
    ng->fp[net_fp_slot(ng, fp)] = fp;
    ng->nfp++;
}

/* The share of the group's requests wasted: its errors, and of the others the share of
 * repeats among the sampled inputs (once 8 were sampled; opaque payloads weigh as new). */
static double net_wasted(const struct net_group *ng)
{
    if (!ng->asked)
        return 0;
    double err = (double)ng->errors / ng->asked;
    double rep = ng->sampled >= 8 ? (double)ng->repeats / ng->sampled : 0;
    return err + (1 - err) * rep;
}

/* The group's limit, as limit_for's for a client without history: its peers are the
 * model's clients outside the group's pressing ones. */
static uint64_t net_limit(const struct rate_global *g, const struct rate_model *m,
                          const struct net_group *ng, uint64_t t, const char **basis,
                          double *pop_median, double *traffic_median)
{
    *pop_median = *traffic_median = -1;
    uint64_t lim = g->min_requests, since = t > g->window_us ? t - g->window_us : 0;
    *basis = "min_requests";
    double v[IG_PEERS];
    uint32_t n = 0;
    for (uint32_t i = 0; i < IG_PEERS; i++) {
        const struct ig_peer *p = &m->peers.e[i];
        if (p->key && p->at >= since && p->weight > 0 && !net_member_of(ng, p->key))
            v[n++] = p->value;
    }
    if (!peer_limit(g, v, n, &lim, basis, pop_median, traffic_median) && g->flood_requests > lim) {
        lim = g->flood_requests;
        *basis = "flood_requests";
    }
    return lim;
}

static int rate_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct rate_global *g = call->global;
    struct rate_client *c = call->client;
    struct rate_model *m = call->model;
    uint64_t t = ev->req_time_us ? ev->req_time_us : ev->resp_time_us;

    if (!c->key)
        c->key = key_of(ev->client_id);
    /* a window completes: did the client end it over its limit (then it is no history)? */
    bool over = false;
    if (!g->quota && c->win_start && t >= c->win_start + g->window_us && c->win_n > g->min_requests) {
        const char *b;
        double pm, tm;
        over = c->win_n > limit_for(g, c, m, t, &b, &pm, &tm);
    }
    roll(g, c, t, over);
    c->win_n++;
    ig_wcount_add(&c->w, g->width_us, t, 1);
    load_add(g, c, ev, t);
    uint64_t n = c->w.total;
    /* at or below min_requests nothing fires and the evidence is not needed yet */
    double load = g->quota || n <= g->min_requests ? 0 : load_of(g, c);
    const char *why = g->quota || !g->max_conc ? "" : n <= g->min_requests ? NULL
                    : aggression(g, c, load);

    /* The client's network group: judged as one client while fresh, once more than
     * max_concurrency of its clients press at once (each counted once, however many
     * requests it holds) and their requests together pass the group's limit. */
    struct net_group *grp = NULL;
    uint8_t pfx[16];
    uint32_t bits = 0, press = 0;
    double press_load = 0;
    bool judged = !g->quota && g->max_conc > 0;   /* groups judged on their evidence */
    uint64_t nk = m && (judged || g->group_quota) ? net_key(g, call, ev, pfx, &bits) : 0;
    struct net_group *ng = nk ? net_get(g, m, c, nk, t) : NULL;
    uint64_t onset = ng ? ng->first_t + 2 * g->window_us : 0;
    if (ng && judged && !ng->known && (t < onset || ng->fresh))   /* while it may yet be judged */
        net_worth(ng, ev);
    if (ng && judged && n > g->min_requests && load >= 0.5 && c->busy_since < onset) {
        if (c->key == ng->first_key && t < onset && !ng->known)
            ng->fresh = true;
        net_press(ng, c->key, t, load);
        if (!why && ng->fresh)
            for (uint32_t i = 0; i < NET_MEMBERS; i++)
                if (ng->m[i].key && ng->m[i].at + (uint64_t)g->tau_us >= t) {
                    press++;
                    press_load += ng->m[i].load;
                }
    }
    const char *basis = NULL, *gwhy = NULL;
    double pop_median = -1, traffic_median = -1, wasted = 0;
    uint64_t limit = 0;
    if (ng && g->group_quota && ng->w.total > g->group_quota) {   /* the network's quota */
        gwhy = "network_quota";
        limit = g->group_quota;
        basis = "group_quota";
    } else if ((double)press > g->max_conc) {
        limit = net_limit(g, m, ng, t, &basis, &pop_median, &traffic_median);
        wasted = net_wasted(ng);
        if (ng->w.total > limit && wasted >= g->group_wasted)
            gwhy = "network_group";
    }

    if (m)   /* this client's current count in the model's peer table; a flood weighs 0 */
        c->slot = ig_peers_put(&m->peers, c->key, t, (double)n, (why && *why) || gwhy ? 0 : 1,
                                 c->slot - 1) + 1;
    if (c->level && t >= c->last_fire_us + g->window_us)
        c->level = 0;   /* a window has passed: report afresh if still over */
    if (ng && ng->level && t >= ng->last_fire_us + g->window_us)
        ng->level = 0;
    /* the group when its level rises, else the client on its own evidence */
    if (gwhy && level_of(g, limit, ng->w.total) > ng->level) {
        why = gwhy;
        grp = ng;
    }
    if (!why)
        return IG_OK;   /* a busy client: no finding without evidence beyond its rate */
    uint64_t count = n;
    uint32_t *level = &c->level;
    uint64_t *last_fire = &c->last_fire_us;
    if (grp) {   /* the group's requests against the group's limit, its level */
        count = grp->w.total;
        level = &grp->level;
        last_fire = &grp->last_fire_us;
    } else {
        /* The limit only grows past own_limit (the peers' median, flood_requests) and the
         * level falls as it grows: a client at or below its reported level under own_limit
         * stays there, so the median (a selection over the model's peers) is left out, as
         * most requests are. */
        if (!g->quota && level_of(g, own_limit(g, c, &basis), n) <= c->level)
            return IG_OK;
        limit = limit_for(g, c, m, t, &basis, &pop_median, &traffic_median);
    }
    uint32_t lvl = level_of(g, limit, count);
    if (lvl <= *level)
        return IG_OK;
    *level = lvl;
    *last_fire = t;

    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    bool gquota = grp && !strcmp(why, "network_quota");
    f.title = grp ? "Network group request rate over limit" : "Client request rate over limit";
    f.desc = gquota ? "The addresses of one network are together sending more requests per window than the network's quota allows."
           : grp ? "Many addresses of one network new to the model, each a busy client, are together sending far more than a client's limit: a flood spread over addresses."
           : lvl >= 3 ? "A client is sending requests far above its limit: cost harvesting or denial of ML service."
                      : "A client is sending more requests per window than its limit allows.";
    f.remediation = "Enforce per-client quotas and rate limits at the gateway (AML.M0004).";
    int sev = g->severity + (int)lvl - 1;
    f.severity = (uint8_t)IG_MIN(sev, (int)IG_SEV_CRITICAL);
    f.confidence_id = 3;
    f.analytic_type = (grp ? gquota : g->quota != 0) ? 1 : 3;   /* rule-based: a quota */
    f.atlas[0] = "AML.T0040";
    if (lvl >= 3) {
        f.atlas[1] = "AML.T0034";
        f.atlas[2] = "AML.T0029";
    }
    f.queries_seen = call->client_queries;
    double window_s = (double)g->window_us / 1e6;
    ig_finding_score(&f, "rate", (double)count / window_s);
    ig_finding_score(&f, "requests", (double)count);
    ig_finding_score(&f, "threshold", (double)limit);
    ig_finding_score(&f, "window_s", window_s);
    ig_finding_score(&f, "ratio", (double)count / (double)limit);
    if (c->windows && !grp)
        ig_finding_score(&f, "own_typical", c->typical);
    if (pop_median >= 0)
        ig_finding_score(&f, "population_median", pop_median);
    if (traffic_median >= 0)
        ig_finding_score(&f, "traffic_median", traffic_median);
    ig_finding_evidence(&f, "limit_basis", basis);
    char net[64];
    if (grp) {
        ig_finding_score(&f, "client_requests", (double)n);
        if (!gquota) {
            ig_finding_score(&f, "group_sources", press);
            ig_finding_score(&f, "group_concurrency", press_load);
            ig_finding_score(&f, "group_wasted_share", wasted);
        }
        char ip[48];
        snprintf(net, sizeof net, "%s/%u", ig_ip_str(ev->src.family, pfx, ip, sizeof ip), bits);
        ig_finding_evidence(&f, "network_group", net);
    }
    if (!g->quota) {
        ig_finding_score(&f, "concurrency", load);
        if (c->reqs > 0)
            ig_finding_score(&f, "refused_share", c->refused / c->reqs);
        ig_finding_evidence(&f, "aggression", *why ? why : "rate");
    }
    ig_emit_finding(call->emit, &f);
    return IG_OK;
}

const struct ig_detector ig_det_abuse_rate = {
    .name = NAME,
    .wants = 0,                      /* every request counts, malformed and failed ones too */
    .client_size = sizeof(struct rate_client),
    .model_size = sizeof(struct rate_model),
    .init = rate_init,
    .observe = rate_observe,
    .free = free,
    .params = rate_params,
    .params_size = sizeof(struct rate_cfg),
};
