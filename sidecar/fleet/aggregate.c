/* The fleet's detect stage (aggregate.h).
 *
 * Ordering: events of one client come from several pods whose clocks and publishing delays
 * differ; each waits in a min-heap by event time until the newest event time seen is
 * <lateness> past it, then goes to the engine in time order. Pods say how far they have
 * published (their watermark, per partition: fleet/publish.h), and the release also waits
 * for the lowest watermark of the pods still publishing, so a pod that publishes late
 * (under load, its broker away for a while) holds the fleet back instead of having its
 * events inspected after later ones (session 17 measured pods up to 5.3 s late under load,
 * beyond the 2 s window). A pod silent or behind past the pod timeout stops being waited
 * for (counted, logged). An event that arrives after later ones were released is still
 * inspected (counted late): out of order by at most the delay beyond the window.
 *
 * Hold-back: a table of (client, analytic) -> when it was last told (a pod's finding on the
 * findings topic, or a fleet finding of an earlier run); a fleet finding within that
 * analytic's throttle window of it is held back (counted). Fleet findings of this run pass
 * on to the findings stage, which throttles its own repeats as on a pod. */
#include "fleet/aggregate.h"

#include <inferguard/log.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift/drift.h"
#include "engine.h"
#include "findings/findings.h"
#include "sinks/sinks.h"

#define TICK_US 1000000ull
#define CLIENTS_CAP (1u << 14)
#define TOLD_CAP (1u << 15)
#define PODS_LEN 240
#define DEFAULT_WINDOW_US (60ull * 1000000ull)
#define PENDING_CAP 4096u   /* flags waiting for their client's first event (power of 2) */
#define PODS_CAP 1024u      /* pods whose watermarks are followed */
#define MARKS_CAP (1u << 14)   /* (pod, partition) watermarks followed (~650 KB at the first) */
#define MARKS_IDX (2 * MARKS_CAP)   /* their index (power of 2) */
#define DEFAULT_POD_TIMEOUT_US 10000000ull

/* A pod whose watermarks are followed (ig_fleet_agg_pod_mark). */
struct pod {
    char name[64];
    uint32_t dropped;        /* its partitions no longer waited for (timed out) */
    uint32_t live;           /* its partitions followed (not gone) */
    bool timed_out;          /* counted timed out, until every partition is back */
};

/* One pod's watermark at one partition: Kafka keeps a partition's records in order, so a
 * record with watermark W there follows every event of that pod published there before W
 * (other partitions may still be on their way: each is followed on its own). */
struct pod_mark {
    uint64_t h;
    uint64_t wm, last_wall;
    uint32_t pod;
    int32_t part;
    bool gone;               /* the pod said bye there, or the partition was revoked */
    bool dropped;            /* silent or behind past the pod timeout: not waited for */
};

/* A flag for a client this instance's engine has not seen yet (ig_engine_flag_client only
 * marks clients in its table): another instance (a member, for the model owner) or a pod
 * flagged it before this one inspected its first event, which the owner, one second behind,
 * and a replay often are. Applied right after that first event, so the drift windows keep
 * the client's rows out as one sensor does. */
struct pending_flag {
    uint64_t h;              /* 0 = free */
    uint8_t severity;
    char client[IG_CLIENT_ID_MAX];
    char analytic[48];
};

/* A flag told (a pod's finding, a member's) for an event time this instance has not
 * released yet: one sensor flags a client at the event that raised the finding, so rows
 * of that client inspected before then still count (drift windows, population
 * statistics). Applied when the release passes that time; a min-heap by (t, seq). */
struct due_flag {
    uint64_t t, seq;
    uint8_t severity;
    char client[IG_CLIENT_ID_MAX];
    char analytic[48];
};
#define DUE_CAP (1u << 16)   /* beyond this many waiting, a flag applies at once (counted) */

struct pending {
    uint64_t t, seq;
    struct ig_event *ev;     /* with its data behind it (one allocation) */
    int64_t off;
    int32_t part;
    bool replay;
};

struct client {
    uint64_t h;              /* 0 = empty slot */
    char id[IG_CLIENT_ID_MAX];
    char pods[PODS_LEN];     /* comma-separated, in order first seen */
};

#define TOLD_POD_TIMES 4

struct told {
    uint64_t h;              /* hash of client and analytic; 0 = empty */
    uint64_t time_us;        /* the latest of pod_us and fleet_us (table eviction) */
    uint64_t pod_us[TOLD_POD_TIMES];   /* pods' findings, the newest few (0: none) */
    uint64_t fleet_us;       /* an earlier aggregator run's fleet finding, newest */
    bool own;                /* this run's fleet finding: its repeats go to the throttle */
};

struct ig_fleet_agg {
    const struct ig_config *cfg;
    const struct ig_rules *rules;
    uint64_t lateness_us;
    enum ig_fleet_role role;
    struct ig_findings *findings;   /* the findings stage: own, or borrowed (owns_findings) */
    bool owns_findings;
    const struct ig_emit *out;
    struct ig_fleet_agg *flag_to;   /* per-client findings also flag the client there */
    const struct ig_fleet_agg *gate;   /* release nothing newer than it has inspected */
    struct ig_emit emit;            /* what the engine calls: on_finding below */
    struct ig_env env;
    struct ig_drift_writer *drift_writer;   /* --reports, or NULL */
    struct pending_flag *pflags;    /* PENDING_CAP, allocated at the first one */
    uint32_t npflags;
    struct due_flag *due;           /* flags waiting for the release to reach their time */
    size_t ndue, capdue;
    uint64_t due_seq;
    struct ig_engine *engine;

    struct pending *heap;
    size_t n, cap;
    uint64_t seq, newest_us, released_us, next_tick_us;
    bool replaying;                 /* the event being observed is a replay */
    bool told_known;                /* the findings topic is read (ig_fleet_agg_told_known) */
    const char *cur_pods;           /* pods of the client being observed */

    uint64_t wall_us, arrival_wall_us;   /* ig_fleet_agg_clock; its value at the newest event's arrival */
    int64_t last_released[IG_FLEET_MAX_PARTITIONS];
    bool seen[IG_FLEET_MAX_PARTITIONS];
    /* the watermark: per partition the newest event time read; a partition counts while
     * it has unread messages (not at its end, not revoked) */
    uint64_t part_newest[IG_FLEET_MAX_PARTITIONS];
    bool active[IG_FLEET_MAX_PARTITIONS];
    int64_t last_marked[IG_FLEET_MAX_PARTITIONS];   /* offset of the last watermark record read */
    uint64_t part_arrival[IG_FLEET_MAX_PARTITIONS];  /* wall clock of its last record with a watermark */
    /* pods' watermarks: allocated at the first; midx maps (pod, partition) to marks[i] (i + 1) */
    uint64_t pod_timeout_us, wm_max;
    struct pod *pods;
    uint32_t npods;
    struct pod_mark *marks;
    uint32_t nmarks, *midx;

    struct client *clients;
    struct told *told;              /* own, or the sharing instance's (owns_told) */
    bool owns_told;
    struct ig_fleet_stats st;
    bool finished;
};

static void see_partition(struct ig_fleet_agg *a, int32_t part);

static uint64_t hash_str(uint64_t h, const char *s)
{
    h = ig_fnv1a_step(ig_fnv1a_str(h, s, SIZE_MAX), 0xff);   /* 0xff: field separator */
    return h ? h : 1;
}

/* Flags <client> in this instance's engine now, and again after its next observed event
 * (in case the engine did not know it yet). A full table drops the newest (counted). */
static void flag_client(struct ig_fleet_agg *a, const char *client, const char *analytic, uint8_t severity)
{
    if (!a->engine || !client || !client[0])
        return;
    ig_engine_flag_client(a->engine, client, analytic, severity);
    if (!a->pflags && !(a->pflags = calloc(PENDING_CAP, sizeof *a->pflags)))
        return;
    uint64_t h = hash_str(IG_FNV1A_BASIS, client) | 1;
    for (uint32_t i = 0; i < PENDING_CAP / 4; i++) {   /* short probe: a bounded table */
        struct pending_flag *pf = &a->pflags[(h + i) & (PENDING_CAP - 1)];
        if (pf->h == h && strcmp(pf->client, client) == 0) {
            if (severity > pf->severity)   /* the strongest flag wins, as the engine ORs them */
                pf->severity = severity;
            return;
        }
        if (!pf->h) {
            pf->h = h;
            pf->severity = severity;
            snprintf(pf->client, sizeof pf->client, "%s", client);
            snprintf(pf->analytic, sizeof pf->analytic, "%s", analytic ? analytic : "");
            a->npflags++;
            return;
        }
    }
    a->st.flags_dropped++;
}

static bool due_before(const struct due_flag *x, const struct due_flag *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

/* Flags <client> as of event time <time_us>: now when the release has passed it, else
 * once it does (flag_due). */
static void flag_at(struct ig_fleet_agg *a, const char *client, const char *analytic, uint8_t severity,
                    uint64_t time_us)
{
    if (!a->engine || !client || !client[0])
        return;
    if (time_us <= a->released_us) {
        flag_client(a, client, analytic, severity);
        return;
    }
    if (a->ndue == a->capdue) {
        size_t cap = a->capdue ? a->capdue * 2 : 256;
        struct due_flag *d = cap <= DUE_CAP ? realloc(a->due, cap * sizeof *d) : NULL;
        if (!d) {
            a->st.flags_early++;   /* too many waiting: flagged now, earlier than one sensor would */
            flag_client(a, client, analytic, severity);
            return;
        }
        a->due = d;
        a->capdue = cap;
    }
    struct due_flag f = { .t = time_us, .seq = a->due_seq++, .severity = severity };
    snprintf(f.client, sizeof f.client, "%s", client);
    snprintf(f.analytic, sizeof f.analytic, "%s", analytic ? analytic : "");
    size_t i = a->ndue++;
    while (i) {
        size_t up = (i - 1) / 2;
        if (!due_before(&f, &a->due[up]))
            break;
        a->due[i] = a->due[up];
        i = up;
    }
    a->due[i] = f;
}

/* Applies the waiting flags whose time is at most <upto>, oldest first. */
static void flag_due(struct ig_fleet_agg *a, uint64_t upto)
{
    while (a->ndue && a->due[0].t <= upto) {
        struct due_flag top = a->due[0], last = a->due[--a->ndue];
        size_t i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            const struct due_flag *best = &last;
            if (l < a->ndue && due_before(&a->due[l], best)) {
                m = l;
                best = &a->due[l];
            }
            if (r < a->ndue && due_before(&a->due[r], best))
                m = r;
            if (m == i)
                break;
            a->due[i] = a->due[m];
            i = m;
        }
        if (a->ndue)
            a->due[i] = last;
        flag_client(a, top.client, top.analytic, top.severity);
    }
}

/* The flag waiting for <client> (a flag told before the engine knew it, or since its last
 * event), taken out of the table into <out>; false when none. */
static bool pending_take(struct ig_fleet_agg *a, const char *client, struct pending_flag *out)
{
    if (!a->npflags || !client[0])
        return false;
    uint64_t h = hash_str(IG_FNV1A_BASIS, client) | 1;
    for (uint32_t i = 0; i < PENDING_CAP / 4; i++) {
        struct pending_flag *pf = &a->pflags[(h + i) & (PENDING_CAP - 1)];
        if (!pf->h)
            return false;
        if (pf->h == h && strcmp(pf->client, client) == 0) {
            *out = *pf;
            /* backward-shift delete (linear probing): an entry after the hole moves into
             * it unless its home slot lies cyclically in (hole, entry] */
            const uint32_t mask = PENDING_CAP - 1;
            uint32_t hole = (uint32_t)((h + i) & mask), j = hole;
            for (;;) {
                j = (j + 1) & mask;
                const struct pending_flag *q = &a->pflags[j];
                if (!q->h)
                    break;
                uint32_t home = (uint32_t)(q->h & mask);
                bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
                if (stays)
                    continue;
                a->pflags[hole] = *q;
                hole = j;
            }
            a->pflags[hole].h = 0;
            a->npflags--;
            return true;
        }
    }
    return false;
}

/* Observes one released event with the flags told up to its time already set: one sensor's
 * engine marks a client while the raising event is dispatched, so drift.features (last in
 * the order) sees that event's client flagged, and a drift window closing before the
 * client's next event keeps its rows out. A flag waiting for this client (the engine may
 * not know it yet) goes in with the event; afterwards it is set on every identity the
 * engine knows by that id. */
static void observe_flagged(struct ig_fleet_agg *a, const struct ig_event *ev, uint64_t t)
{
    flag_due(a, t);   /* findings of this instant too: the raising event's own */
    struct pending_flag pf;
    bool waiting = pending_take(a, ev->client_id, &pf);
    uint32_t bits = 0;
    if (waiting) {
        struct ig_finding f = { .analytic = pf.analytic, .client_id = pf.client, .severity = pf.severity };
        bits = ig_engine_finding_flag(&f);
    }
    ig_engine_observe_flagged(a->engine, ev, bits, 0);
    if (waiting) {
        ig_engine_flag_client(a->engine, pf.client, pf.analytic, pf.severity);
        a->st.flags_late++;
    }
}

/* ---- clients and their pods ---- */

static struct client *client_get(struct ig_fleet_agg *a, const char *id, bool add)
{
    uint64_t h = hash_str(IG_FNV1A_BASIS, id);
    for (uint32_t i = 0; i < 64; i++) {
        struct client *c = &a->clients[(h + i) & (CLIENTS_CAP - 1)];
        if (c->h == h && strcmp(c->id, id) == 0)
            return c;
        if (!c->h) {
            if (!add)
                return NULL;
            c->h = h;
            snprintf(c->id, sizeof c->id, "%s", id);
            a->st.clients++;
            return c;
        }
    }
    if (add)
        a->st.clients_full++;   /* the client is inspected; its pods are not listed */
    return NULL;
}

static void client_add_pod(struct client *c, const char *pod)
{
    if (!pod || !*pod)
        return;
    size_t n = strlen(pod);
    for (const char *p = c->pods; *p;) {
        const char *e = strchr(p, ',');
        size_t m = e ? (size_t)(e - p) : strlen(p);
        if (m == n && memcmp(p, pod, n) == 0)
            return;
        p += m + (e ? 1 : 0);
    }
    size_t used = strlen(c->pods);
    if (used + n + 2 > sizeof c->pods)
        return;   /* a long list is cut; the first pods stay */
    if (used)
        c->pods[used++] = ',';
    memcpy(c->pods + used, pod, n + 1);
}

/* ---- what was already told ---- */

static struct told *told_slot(struct ig_fleet_agg *a, const char *client, const char *analytic, bool add)
{
    uint64_t h = hash_str(hash_str(IG_FNV1A_BASIS, client), analytic);
    struct told *oldest = NULL;
    for (uint32_t i = 0; i < 16; i++) {
        struct told *t = &a->told[(h + i) & (TOLD_CAP - 1)];
        if (t->h == h)
            return t;
        if (!t->h) {
            if (!add)
                return NULL;
            memset(t, 0, sizeof *t);
            t->h = h;
            return t;
        }
        if (!oldest || t->time_us < oldest->time_us)
            oldest = t;
    }
    if (!add)
        return NULL;
    memset(oldest, 0, sizeof *oldest);   /* full run: the oldest entry makes room */
    oldest->h = h;
    return oldest;
}

void ig_fleet_agg_told(struct ig_fleet_agg *a, const char *client, const char *analytic,
                       uint64_t time_us, bool fleet, uint8_t severity)
{
    a->st.pod_findings++;
    if (strncmp(client, "model:", 6) != 0) {
        flag_at(a, client, analytic, severity, time_us);
        if (a->flag_to)
            flag_at(a->flag_to, client, analytic, severity, time_us);
    }
    struct told *t = told_slot(a, client, analytic, true);
    if (fleet && t->own)
        return;   /* our own fleet finding read back */
    if (fleet) {
        if (time_us > t->fleet_us)
            t->fleet_us = time_us;
    } else {
        /* the newest few: a pod may tell one client's analytic again a window later, and
         * a replay meets the earlier one after the later was read */
        uint32_t k = 0;
        for (uint32_t i = 0; i < TOLD_POD_TIMES; i++) {
            if (t->pod_us[i] == time_us)
                return;
            if (t->pod_us[i] < t->pod_us[k])
                k = i;
        }
        if (time_us > t->pod_us[k])
            t->pod_us[k] = time_us;
    }
    if (time_us > t->time_us)
        t->time_us = time_us;
}

uint32_t ig_fleet_agg_client_flags(const struct ig_fleet_agg *a, const char *client)
{
    return a->engine ? ig_engine_client_flags(a->engine, client) : 0;
}

/* Already told? A pod's finding counts when it came no later than the lateness window
 * after this one (live, the fleet runs that far behind the pods, so it has read such a
 * finding by now) and at most the throttle window before; an earlier aggregator run's
 * fleet finding (a restart re-reading the same events) within the window either way. */
static bool already_told(const struct ig_fleet_agg *a, const struct told *t, uint64_t now, uint64_t w)
{
    for (uint32_t i = 0; w && i < TOLD_POD_TIMES; i++) {
        uint64_t p = t->pod_us[i];
        if (p && p <= now + a->lateness_us && (now < p || now - p <= w))
            return true;
    }
    if (t->fleet_us && !t->own) {
        /* an analytic without throttling (w = 0) still is not told twice by a restart:
         * re-raised after a replay in another order, it lands near the first */
        uint64_t d = now > t->fleet_us ? now - t->fleet_us : t->fleet_us - now;
        if (d <= (w ? w : DEFAULT_WINDOW_US))
            return true;
    }
    return false;
}

/* Detectors the model owner runs over every partition, because their decisions rest on
 * the model's population: the coverage and transfer references learned from the model's
 * first rows, the drift reference and windows, the rate limit relative to the model's
 * other clients (a member holding a part of the clients would learn another reference,
 * another median). All four are cheap per event. Every other detector runs per member on its partitions; what
 * they keep per model (feature scales, PRADA's peers' median distance) is learned from the
 * member's clients, a sample of the population by client hash. */
static const char *const model_scope[] = { "extraction.coverage", "extraction.transfer", "drift.features",
                                           "abuse.rate", NULL };
/* Detectors with both per-client findings and a model-wide one (no client) that counts
 * every client: the owner runs them too, for the model-wide finding only. */
static const char *const model_wide[] = { "leakage.scores", NULL };

static bool listed(const char *const *list, const char *name)
{
    for (size_t i = 0; name && list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* Is this finding this instance's to tell (its role)? */
static bool role_tells(const struct ig_fleet_agg *a, const struct ig_finding *f)
{
    bool per_client = f->client_id && f->client_id[0];
    switch (a->role) {
    case IG_FLEET_CLIENTS: return per_client;                 /* model-wide: the owner's */
    case IG_FLEET_MODELS: return !per_client || !listed(model_wide, f->analytic);
    default: return true;
    }
}

static void on_finding(void *ctx, const struct ig_finding *f)
{
    struct ig_fleet_agg *a = ctx;
    if (!role_tells(a, f)) {
        a->st.left_to_role++;
        return;
    }
    a->st.raised++;
    /* as of the request time of the event being released, as one sensor flags it: a
     * finding's time is its event's request time (ig_finding_init), and the few dated
     * otherwise (a detector's own clock) are held to no later than that event */
    if (a->flag_to && f->client_id && f->client_id[0])
        flag_at(a->flag_to, f->client_id, f->analytic, f->severity,
                a->released_us ? IG_MIN(a->released_us, f->time_us) : f->time_us);
    if (a->replaying && !a->told_known) {
        /* no findings topic to tell what an earlier run already said: a replay rebuilds
         * state only */
        a->st.held_replay++;
        return;
    }
    char model_key[IG_MODEL_NAME_MAX + 8];
    const char *who = f->client_id ? f->client_id : "";
    if (!*who) {   /* a model-wide finding: keyed by the model, as on the findings topic */
        snprintf(model_key, sizeof model_key, "model:%s", f->model ? f->model : "");
        who = model_key;
    }
    const char *analytic = f->analytic ? f->analytic : "";
    struct told *t = told_slot(a, who, analytic, true);
    if (already_told(a, t, f->time_us, ig_rules_throttle_us(a->rules, analytic, DEFAULT_WINDOW_US))) {
        a->st.held_told++;
        return;
    }
    t->own = true;
    t->time_us = f->time_us;
    struct ig_finding g = *f;
    g.scope = "fleet";
    const struct client *c = f->client_id && *f->client_id ? client_get(a, f->client_id, false) : NULL;
    g.pods = c ? c->pods : a->cur_pods;
    a->st.emitted++;
    ig_emit_finding(a->out, &g);
}

/* ---- the lateness heap ---- */

static bool before(const struct pending *x, const struct pending *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static void heap_push(struct ig_fleet_agg *a, struct pending p)
{
    size_t i = a->n++;
    while (i) {
        size_t up = (i - 1) / 2;
        if (!before(&p, &a->heap[up]))
            break;
        a->heap[i] = a->heap[up];
        i = up;
    }
    a->heap[i] = p;
}

static struct pending heap_pop(struct ig_fleet_agg *a)
{
    struct pending top = a->heap[0], last = a->heap[--a->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const struct pending *best = &last;
        if (l < a->n && before(&a->heap[l], best)) {
            m = l;
            best = &a->heap[l];
        }
        if (r < a->n && before(&a->heap[r], best))
            m = r;
        if (m == i)
            break;
        a->heap[i] = a->heap[m];
        i = m;
    }
    if (a->n)
        a->heap[i] = last;
    return top;
}

static uint64_t ev_time(const struct ig_event *ev)
{
    return ev->req_time_us ? ev->req_time_us : ev->resp_time_us;
}

void ig_fleet_agg_event(struct ig_fleet_agg *a, const struct ig_event *ev, const char *pod,
                        bool replay, int32_t partition, int64_t offset)
{
    a->st.events++;
    if (replay)
        a->st.replayed++;
    if (ev->client_id[0]) {
        struct client *c = client_get(a, ev->client_id, true);
        if (c)
            client_add_pod(c, pod);
    }
    size_t bytes = ig_event_bytes(ev);
    struct ig_event *copy = aligned_alloc(16, (sizeof *copy + 15) / 16 * 16 + (bytes + 15) / 16 * 16);
    if (!copy || (a->n == a->cap && !(a->heap = realloc(a->heap, (a->cap = a->cap ? a->cap * 2 : 1024) * sizeof *a->heap)))) {
        free(copy);
        a->st.bad_records++;
        return;
    }
    ig_event_copy(copy, ev, (uint8_t *)copy + (sizeof *copy + 15) / 16 * 16);
    uint64_t t = ev_time(ev);
    if (t < a->released_us)
        a->st.late++;
    if (t > a->newest_us)
        a->newest_us = t;
    a->arrival_wall_us = a->wall_us;
    int32_t part = partition >= 0 && partition < IG_FLEET_MAX_PARTITIONS ? partition : 0;
    see_partition(a, part);
    if (t > a->part_newest[part])
        a->part_newest[part] = t;
    a->active[part] = true;
    heap_push(a, (struct pending){ t, a->seq++, copy, offset, part, replay });
    if (a->n > a->st.buffered_max)
        a->st.buffered_max = a->n;
}

/* ---- pods' watermarks ---- */

void ig_fleet_agg_pod_timeout(struct ig_fleet_agg *a, uint64_t timeout_us)
{
    a->pod_timeout_us = timeout_us;
}

static struct pod_mark *mark_get(struct ig_fleet_agg *a, const char *pod, int32_t part)
{
    if (!a->marks && (!(a->marks = calloc(MARKS_CAP, sizeof *a->marks)) ||
                      !(a->midx = calloc(MARKS_IDX, sizeof *a->midx)) ||
                      !(a->pods = calloc(PODS_CAP, sizeof *a->pods)))) {
        free(a->marks);
        free(a->midx);
        a->marks = NULL;
        a->midx = NULL;
        return NULL;
    }
    uint64_t h = ig_fnv1a_step(hash_str(IG_FNV1A_BASIS, pod), (uint8_t)part) ^ ((uint64_t)part << 40);
    for (uint32_t i = 0; i < MARKS_IDX; i++) {
        uint32_t *slot = &a->midx[(h + i) & (MARKS_IDX - 1)];
        if (*slot) {
            struct pod_mark *m = &a->marks[*slot - 1];
            if (m->h == h && m->part == part && strcmp(a->pods[m->pod].name, pod) == 0)
                return m;
            continue;
        }
        if (a->nmarks == MARKS_CAP)
            return NULL;
        uint32_t k = 0;
        while (k < a->npods && strcmp(a->pods[k].name, pod) != 0)
            k++;
        if (k == a->npods) {
            if (a->npods == PODS_CAP)
                return NULL;
            snprintf(a->pods[a->npods++].name, sizeof a->pods[0].name, "%s", pod);
            a->st.pods++;
        }
        struct pod_mark *m = &a->marks[a->nmarks++];
        *m = (struct pod_mark){ .h = h, .pod = k, .part = part, .gone = true };
        *slot = a->nmarks;
        return m;
    }
    return NULL;
}

static void see_partition(struct ig_fleet_agg *a, int32_t part)
{
    if (!a->seen[part]) {
        a->seen[part] = true;
        a->last_released[part] = -1;
        a->last_marked[part] = -1;
    }
}

void ig_fleet_agg_pod_mark(struct ig_fleet_agg *a, const char *pod, int32_t partition, uint64_t wm_us, bool bye,
                           int64_t offset)
{
    int32_t part = partition >= 0 && partition < IG_FLEET_MAX_PARTITIONS ? partition : 0;
    if (offset >= 0) {
        /* a watermark record: an empty event at the pod's position for the partition's
         * own bookkeeping (newest time, still being read, offsets to commit) */
        a->st.wm_records++;
        see_partition(a, part);
        if (offset > a->last_marked[part])
            a->last_marked[part] = offset;
        if (wm_us > a->part_newest[part])
            a->part_newest[part] = wm_us;
        if (wm_us > a->newest_us)
            a->newest_us = wm_us;
        a->arrival_wall_us = a->wall_us;
        a->active[part] = true;
    }
    if (!a->pod_timeout_us || !wm_us)
        return;
    char name[sizeof a->pods[0].name];   /* a Kubernetes pod name has at most 63 characters */
    snprintf(name, sizeof name, "%s", pod ? pod : "");
    struct pod_mark *m = mark_get(a, name, part);
    if (!m) {
        a->st.marks_full++;   /* not waited for: its late events are counted late */
        return;
    }
    struct pod *pd = &a->pods[m->pod];
    m->last_wall = a->part_arrival[part] = a->wall_us;
    if (wm_us > a->wm_max)
        a->wm_max = wm_us;
    if (m->dropped && (bye || wm_us + a->pod_timeout_us >= a->wm_max)) {
        m->dropped = false;   /* caught up (or gone): waited for again */
        if (!--pd->dropped && pd->timed_out && !bye) {
            pd->timed_out = false;
            a->st.pods_back++;
            IG_LOG_INFO("aggregate", "pod %s publishes again within the pod timeout: waited for again", pd->name);
        }
    }
    if (bye) {
        if (!m->gone) {
            m->gone = true;
            if (!--pd->live) {   /* its last partition here said so */
                a->st.pods_left++;
                IG_LOG_INFO("aggregate", "pod %s stopped publishing (its last watermark): no longer waited for", pd->name);
            }
        }
        return;
    }
    if (m->gone || wm_us > m->wm)
        m->wm = wm_us;   /* gone: the pod (or the partition) starts again from here */
    if (m->gone)
        pd->live++;
    m->gone = false;
}

/* The lowest watermark of the pods still publishing (UINT64_MAX: none followed). A pod
 * is no longer waited for at a partition once nothing came from it there for the pod
 * timeout while other pods' records kept coming there (wall clock: it stopped without
 * saying so), or for three pod timeouts outright (every pod gone at once); or once its
 * watermark there is more than the pod timeout behind the newest (a pod that far behind,
 * or a clock that far off, would hold every other pod's events for that long). Silence
 * alone is not enough: while the consumer reads nothing at all (librdkafka's mock cluster
 * holds a rebalance for the session timeout, 5 s in test_fleet_aggregate; a stalled
 * loop) every pod looks silent (test_fleet_aggregate's live member dropped all three for
 * 1 s under a 10 s stall). */
static uint64_t pods_low(struct ig_fleet_agg *a)
{
    uint64_t low = UINT64_MAX, to = a->pod_timeout_us;
    if (!to)
        return low;
    for (uint32_t i = 0; i < a->nmarks; i++) {
        struct pod_mark *m = &a->marks[i];
        if (m->gone || m->dropped)
            continue;
        bool silent = a->wall_us && m->last_wall &&
                      (a->part_arrival[m->part] > m->last_wall + to || a->wall_us > m->last_wall + 3 * to);
        bool behind = m->wm + to < a->wm_max;
        if (silent || behind) {
            struct pod *pd = &a->pods[m->pod];
            m->dropped = true;
            pd->dropped++;
            if (!pd->timed_out) {
                pd->timed_out = true;
                a->st.pods_timed_out++;
                IG_LOG_WARN("aggregate", "pod %s: %s at partition %d: no longer waited for (pod timeout %.1f s); "
                            "its events that come later are counted late", pd->name,
                            silent ? "silent" : "its watermark behind the newest by more than the pod timeout",
                            (int)m->part, (double)to / 1e6);
            }
            continue;
        }
        if (m->wm < low)
            low = m->wm;
    }
    return low;
}

static void tick(struct ig_fleet_agg *a, uint64_t now)
{
    if (now < a->next_tick_us)
        return;
    ig_engine_tick(a->engine, now);
    ig_findings_tick(a->findings, now);
    a->next_tick_us = now + TICK_US;
}

void ig_fleet_agg_told_known(struct ig_fleet_agg *a)
{
    a->told_known = true;
}

void ig_fleet_agg_partition_start(struct ig_fleet_agg *a, int32_t partition)
{
    if (partition >= 0 && partition < IG_FLEET_MAX_PARTITIONS)
        a->active[partition] = true;   /* holds the release back until it delivers or ends */
}

void ig_fleet_agg_partition_end(struct ig_fleet_agg *a, int32_t partition)
{
    if (partition >= 0 && partition < IG_FLEET_MAX_PARTITIONS)
        a->active[partition] = false;
}

/* The event time the release follows: the slowest partition still being read sets it
 * (Kafka delivers each partition in order, partitions at their own pace: a replay of
 * history reads one partition far ahead of another); every partition read to its end: the
 * newest event time. */
static uint64_t frontier_events(const struct ig_fleet_agg *a, bool *all_read)
{
    uint64_t low = UINT64_MAX;
    for (int32_t p = 0; p < IG_FLEET_MAX_PARTITIONS; p++)
        if (a->active[p] && a->part_newest[p] < low)
            low = a->part_newest[p];
    *all_read = low == UINT64_MAX;
    return *all_read ? a->newest_us : low;
}

/* Events older than this are released: the event time above, less the lateness window.
 * With every partition read to its end, that time goes on with the wall clock since the
 * newest event arrived (nothing newer is there to say that time has passed). Never past
 * the lowest watermark of the pods still publishing: a pod behind holds it. */
static uint64_t frontier(struct ig_fleet_agg *a, uint64_t *by_events)
{
    bool all_read;
    uint64_t low = frontier_events(a, &all_read);
    *by_events = low;
    if (all_read && a->arrival_wall_us && a->wall_us > a->arrival_wall_us)
        low += a->wall_us - a->arrival_wall_us;
    uint64_t pods = pods_low(a);
    if (pods < low) {
        if (a->n && low - pods > a->st.wm_held_max_us)
            a->st.wm_held_max_us = low - pods;
        low = pods;
    }
    return low > a->lateness_us ? low - a->lateness_us : 0;
}

void ig_fleet_agg_clock(struct ig_fleet_agg *a, uint64_t wall_us)
{
    if (wall_us > a->wall_us)
        a->wall_us = wall_us;   /* never backwards (a stepped clock holds, then goes on) */
}

static bool reading(const struct ig_fleet_agg *a)
{
    for (int32_t p = 0; p < IG_FLEET_MAX_PARTITIONS; p++)
        if (a->active[p])
            return true;
    return false;
}

void ig_fleet_agg_advance(struct ig_fleet_agg *a, bool all)
{
    uint64_t by_events, frontier_us = frontier(a, &by_events);
    /* behind the gate while it has events to inspect or partitions still being read (a
     * replay, a batch run: its consumer may be behind this one): its findings flag clients
     * here first */
    if (a->gate && a->gate->released_us < frontier_us && (a->gate->n || reading(a->gate)))
        frontier_us = a->gate->released_us;
    while (a->n && (all || a->heap[0].t <= frontier_us)) {
        struct pending p = heap_pop(a);
        if (p.t > a->released_us) {
            tick(a, a->released_us);   /* windows that ended before this event */
            flag_due(a, p.t - 1);      /* findings raised before this event's time */
            a->released_us = p.t;
        }
        if (!p.replay && a->wall_us) {
            ig_fleet_lag_add(&a->st.inspect_lag, a->wall_us > p.t ? (a->wall_us - p.t) / 1000 : 0);
            if (!all && p.t + a->lateness_us > by_events)
                a->st.released_idle++;
        }
        a->replaying = p.replay;
        const struct client *c = p.ev->client_id[0] ? client_get(a, p.ev->client_id, false) : NULL;
        a->cur_pods = c ? c->pods : "";
        observe_flagged(a, p.ev, p.t);
        a->replaying = false;
        if (p.off > a->last_released[p.part])
            a->last_released[p.part] = p.off;
        a->st.released++;
        free(p.ev);
    }
    if (a->released_us)
        tick(a, a->released_us);
}

int64_t ig_fleet_agg_commit_offset(const struct ig_fleet_agg *a, int32_t partition)
{
    if (partition < 0 || partition >= IG_FLEET_MAX_PARTITIONS || !a->seen[partition])
        return -1;
    int64_t lo = -1;
    for (size_t i = 0; i < a->n; i++)
        if (a->heap[i].part == partition && (lo < 0 || a->heap[i].off < lo))
            lo = a->heap[i].off;
    if (lo >= 0)
        return lo;
    int64_t last = IG_MAX(a->last_released[partition], a->last_marked[partition]);   /* watermark records too */
    return last >= 0 ? last + 1 : -1;
}

int64_t ig_fleet_agg_revoke(struct ig_fleet_agg *a, int32_t partition)
{
    if (partition < 0 || partition >= IG_FLEET_MAX_PARTITIONS || !a->seen[partition])
        return -1;
    a->active[partition] = false;
    for (uint32_t i = 0; i < a->nmarks; i++)   /* its pods' watermarks go with it */
        if (a->marks[i].part == partition && !a->marks[i].gone) {
            struct pod_mark *m = &a->marks[i];
            m->gone = true;
            a->pods[m->pod].live--;
            if (m->dropped) {
                m->dropped = false;
                a->pods[m->pod].dropped--;
            }
        }
    /* drop the partition's waiting events, then rebuild the heap from what is left */
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->heap[i].part == partition) {
            free(a->heap[i].ev);
            a->st.dropped_revoked++;
        } else {
            a->heap[k++] = a->heap[i];
        }
    }
    size_t n = k;
    a->n = 0;
    for (size_t i = 0; i < n; i++)
        heap_push(a, a->heap[i]);
    return a->last_released[partition];
}

void ig_fleet_agg_poll(struct ig_fleet_agg *a)
{
    ig_findings_tick(a->findings, a->released_us);
}

void ig_fleet_agg_flush(struct ig_fleet_agg *a, int timeout_ms)
{
    ig_findings_flush(a->findings, timeout_ms);
}

struct ig_fleet_agg *ig_fleet_agg_new(const struct ig_config *cfg, const struct ig_rules *rules,
                                      uint64_t lateness_us, char *err, size_t errlen)
{
    return ig_fleet_agg_new_role(cfg, rules, lateness_us, IG_FLEET_ALL, NULL, err, errlen);
}

struct ig_fleet_agg *ig_fleet_agg_new_role(const struct ig_config *cfg, const struct ig_rules *rules,
                                           uint64_t lateness_us, enum ig_fleet_role role,
                                           struct ig_fleet_agg *share, char *err, size_t errlen)
{
    const struct ig_detector *list[IG_ENGINE_MAX_DETECTORS * 2 + 1];
    size_t n = 0;
    for (size_t i = 0; ig_detectors[i] && n + 1 < IG_ARRAY_LEN(list); i++) {
        const char *name = ig_detectors[i]->name;
        bool model = listed(model_scope, name), wide = listed(model_wide, name);
        if (role == IG_FLEET_ALL || (role == IG_FLEET_CLIENTS && !model) ||
            (role == IG_FLEET_MODELS && (model || wide)))
            list[n++] = ig_detectors[i];
    }
    list[n] = NULL;

    struct ig_fleet_agg *a = calloc(1, sizeof *a);
    if (a && share) {
        a->told = share->told;   /* what was told is the findings stage's, one table */
    } else if (a) {
        a->told = calloc(TOLD_CAP, sizeof *a->told);
        a->owns_told = true;
    }
    if (!a || !(a->clients = calloc(CLIENTS_CAP, sizeof *a->clients)) || !a->told) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    a->cfg = cfg;
    a->rules = rules;
    a->lateness_us = lateness_us;
    a->pod_timeout_us = DEFAULT_POD_TIMEOUT_US;
    a->role = role;
    /* drift runs where the model's state is (ALL, MODELS): its window reports, as analyze
     * --reports writes them (reports.dir) */
    if (role != IG_FLEET_CLIENTS && cfg->reports_dir[0] &&
        !(a->drift_writer = ig_drift_writer_new(cfg->reports_dir, err, errlen)))
        goto fail;
    ig_drift_env(&a->env, a->drift_writer);
    if (share) {
        a->findings = share->findings;
        a->told_known = share->told_known;
    } else {
        a->owns_findings = true;
        a->findings = ig_findings_new(cfg, rules, err, errlen);
        if (!a->findings)
            goto fail;
        if (ig_sinks_open_all(a->findings, cfg, err, errlen) < 0)
            goto fail;
    }
    a->out = ig_findings_emit(a->findings);
    a->emit = (struct ig_emit){ on_finding, a };
    a->engine = ig_engine_new_with(cfg, rules, &a->env, &a->emit, list, err, errlen);
    if (!a->engine)
        goto fail;
    return a;
fail:
    ig_fleet_agg_free(a);
    return NULL;
}

void ig_fleet_agg_finish(struct ig_fleet_agg *a)
{
    if (a->finished)
        return;
    a->finished = true;
    ig_fleet_agg_advance(a, true);
    flag_due(a, UINT64_MAX);   /* findings of times after the last event released */
    ig_engine_finish(a->engine, a->released_us);
    ig_engine_free(a->engine);   /* writes the last partial window's report */
    a->engine = NULL;
    ig_drift_writer_free(a->drift_writer);
    a->drift_writer = NULL;
    if (a->owns_findings)
        ig_findings_close(a->findings, a->released_us, (int)a->cfg->flush_timeout_ms);
}

void ig_fleet_agg_flag_to(struct ig_fleet_agg *a, struct ig_fleet_agg *to)
{
    a->flag_to = to;
    if (to)
        to->gate = a;
}

void ig_fleet_agg_count_told(struct ig_fleet_agg *a, bool msgpack, bool unreadable)
{
    a->st.told_msgpack += msgpack;
    a->st.told_unreadable += unreadable;
}

static void sink_line(void *ctx, const char *sink, const struct ig_sink_stats *s)
{
    fprintf(ctx, "  sink %-7s written %llu, delivered %llu, failed %llu, retried %llu, spooled %llu, "
                 "replayed %llu, dropped %llu\n", sink, (unsigned long long)s->written,
            (unsigned long long)s->delivered, (unsigned long long)s->failed,
            (unsigned long long)s->retried, (unsigned long long)s->spooled,
            (unsigned long long)s->replayed, (unsigned long long)s->dropped);
}

void ig_fleet_agg_summary(const struct ig_fleet_agg *a, FILE *out)
{
    const struct ig_fleet_stats *s = &a->st;
    fprintf(out, "  events      %llu received (%llu replayed to rebuild state, %llu late, %llu undecodable, "
                 "%llu dropped at revocation), %llu inspected, at most %llu waiting\n",
            (unsigned long long)s->events, (unsigned long long)s->replayed, (unsigned long long)s->late,
            (unsigned long long)s->bad_records, (unsigned long long)s->dropped_revoked,
            (unsigned long long)s->released, (unsigned long long)s->buffered_max);
    fprintf(out, "  clients     %llu (%llu beyond the pods table); flags for clients not seen yet: %llu applied "
                 "at their first event, %llu dropped (table full), %llu before their event time (too many waiting)\n",
            (unsigned long long)s->clients, (unsigned long long)s->clients_full,
            (unsigned long long)s->flags_late, (unsigned long long)s->flags_dropped,
            (unsigned long long)s->flags_early);
    fprintf(out, "  findings    %llu raised, %llu fleet findings out; held back: %llu already told by a pod "
                 "or an earlier run, %llu during replay; %llu findings read from the findings topic "
                 "(%llu of them msgpack, %llu unreadable); %llu left to the other role (%s)\n",
            (unsigned long long)s->raised, (unsigned long long)s->emitted, (unsigned long long)s->held_told,
            (unsigned long long)s->held_replay, (unsigned long long)s->pod_findings,
            (unsigned long long)s->told_msgpack, (unsigned long long)s->told_unreadable,
            (unsigned long long)s->left_to_role,
            a->role == IG_FLEET_CLIENTS ? "model-wide findings: the model owner's"
            : a->role == IG_FLEET_MODELS ? "per-client findings of the members' detectors" : "none");
    if (a->pod_timeout_us)
        fprintf(out, "  watermarks  %llu records read; %llu pods followed, %llu stopped (bye), %llu no longer waited "
                     "for (silent or behind past the pod timeout, %.1f s), %llu back; %llu beyond the table; "
                     "held the release back by up to %.1f s\n",
                (unsigned long long)s->wm_records, (unsigned long long)s->pods, (unsigned long long)s->pods_left,
                (unsigned long long)s->pods_timed_out, (double)a->pod_timeout_us / 1e6,
                (unsigned long long)s->pods_back, (unsigned long long)s->marks_full,
                (double)s->wm_held_max_us / 1e6);
    else
        fprintf(out, "  watermarks  %llu records read; pods' watermarks not followed (--pod-timeout 0)\n",
                (unsigned long long)s->wm_records);
    if (a->owns_findings) {
        ig_findings_suppress_summary(ig_findings_stats(a->findings), a->cfg, out);
        ig_findings_sink_stats(a->findings, sink_line, out);
    }
}

void ig_fleet_agg_replace_suppress(struct ig_fleet_agg *a, struct ig_suppressor *s)
{
    ig_findings_replace_suppress(a->findings, s);
}

const struct ig_fleet_stats *ig_fleet_agg_stats(const struct ig_fleet_agg *a) { return &a->st; }

void ig_fleet_agg_free(struct ig_fleet_agg *a)
{
    if (!a)
        return;
    if (a->engine)
        ig_engine_free(a->engine);
    ig_drift_writer_free(a->drift_writer);
    if (a->findings && a->owns_findings)
        ig_findings_free(a->findings);
    for (size_t i = 0; i < a->n; i++)
        free(a->heap[i].ev);
    free(a->heap);
    free(a->pflags);
    free(a->due);
    free(a->marks);
    free(a->midx);
    free(a->pods);
    free(a->clients);
    if (a->owns_told)
        free(a->told);
    free(a);
}

/* ---- lag distributions ---- */

/* bucket b holds the lags whose ms + 1 lies in [2^(b/8), 2^((b+1)/8)) */
static unsigned lag_bucket(uint64_t ms)
{
    unsigned b = (unsigned)(8.0 * log2((double)ms + 1.0));
    return b < IG_FLEET_LAG_BUCKETS ? b : IG_FLEET_LAG_BUCKETS - 1;
}

/* the bucket's upper edge in ms (exclusive) */
static uint64_t lag_edge(unsigned b)
{
    return (uint64_t)ceil(exp2((double)(b + 1) / 8.0)) - 1;
}

void ig_fleet_lag_add(struct ig_fleet_lag *l, uint64_t ms)
{
    l->n++;
    l->sum += ms;
    if (ms > l->max)
        l->max = ms;
    l->hist[lag_bucket(ms)]++;
}

uint64_t ig_fleet_lag_q(const struct ig_fleet_lag *l, double q)
{
    uint64_t want = (uint64_t)((double)l->n * q + 0.5), seen = 0;
    if (!want)
        want = 1;
    for (unsigned b = 0; b < IG_FLEET_LAG_BUCKETS; b++) {
        seen += l->hist[b];
        if (seen >= want) {
            uint64_t e = b + 1 < IG_FLEET_LAG_BUCKETS ? lag_edge(b) : l->max;   /* the last: open */
            return e < l->max ? e : l->max;
        }
    }
    return l->max;
}

void ig_fleet_lag_print(FILE *out, const char *what, const struct ig_fleet_lag *l)
{
    fprintf(out, "%s %llu: median %llu, p99 %llu, mean %.1f, max %llu ms", what, (unsigned long long)l->n,
            (unsigned long long)ig_fleet_lag_q(l, 0.5), (unsigned long long)ig_fleet_lag_q(l, 0.99),
            l->n ? (double)l->sum / (double)l->n : 0.0, (unsigned long long)l->max);
}
