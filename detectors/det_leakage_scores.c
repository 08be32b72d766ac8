/* leakage.scores: clients harvesting confidence scores for repeated inputs (brief D4).
 * Membership-inference and model-inversion attacks need the model's confidences, many of
 * them, for repeated copies of the same inputs; a model that returns probabilities or
 * logits hands them out (AML.T0063).
 *
 * Per client, in tumbling windows of the capture clock: rows answered with a score vector
 * (>= 2 outputs from a model that grades its answers: some value strictly between 0 and 1,
 * or logits), and rows whose input is at least the third copy among the client's last
 * repeat_recent (4) inputs (exact hash of the float bits): membership probing asks for
 * copies of one record in a burst, while busy clients re-scoring their records repeat at
 * longer distances, a retry sends a request once more (a pair, not a burst), and a client
 * drawing its records from a small pool meets one earlier copy by chance
 * (1 - (1 - 1/pool)^4: 24 % for 15 records) but two only rarely (~2.5 %). An earlier copy
 * counts only when it tells the prober something: it sits in the same request (copies
 * batched together), or the service answered it differently (scores with noise, which
 * repeated asking averages out). A copy in an earlier request answered with the same
 * scores is what a client library's retries send, also several in a row when it backs
 * off: a deterministic model's repeated answer tells nothing new. A finding fires once per
 * window when score rows reach min_rows and the repeat share reaches repeat_share: volume
 * alone is what busy benign clients look like too.
 * Coarse scores count as scores: a 100-tree forest's vote shares are multiples of 0.01,
 * the same answers a server rounding to 2 decimals gives, and both still tell a member
 * (confidence 1.0 on its own record) from a non-member (Shokri et al. 2017 found
 * coarsened outputs barely slowed the attack); the finding says which it saw
 * (full_precision_rows, score_rows). A model that only ever answers one-hot vectors gives
 * labels, not scores, and counts nothing.
 * Per model, once: an info finding that the model returns full-precision scores at all
 * (more than `decimals` decimals, or logits), with the hardening advice of the brief.
 * Fixed slices (176 B per client, 16 B per model); nothing is allocated. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/detector.h>

#define NAME "leakage.scores"
#define LS_RECENT 16   /* repeat_recent at most: the ring holds no more (8 B each, per client) */

struct ls_params {
    uint64_t window_us, min_rows;
    uint32_t repeat_recent;   /* a repeat counts when the input is among the last this many */
    double repeat_share, quantum;
    double decimals;
    int severity;
};

/* The rules block's params fill ls_params (rules/schema.md's table is generated from these rows). */
#define ROW(n, t, f, ...) { .name = n, .type = t, .offset = offsetof(struct ls_params, f), __VA_ARGS__ }
static const struct ig_param ls_param_rows[] = {
    ROW("window", IG_PT_DURATION, window_us, .def = 600e6, .min = 1e6, .max = INFINITY, .help = "tumbling window"),
    ROW("min_rows", IG_PT_U64, min_rows, .def = 100, .min = 1, .max = INFINITY,
        .help = "score rows in a window (per model: full-precision rows, for the exposure finding)"),
    ROW("decimals", IG_PT_DOUBLE, decimals, .def = 3, .min = 0, .max = 7,
        .help = "more decimals than this is full precision"),
    ROW("repeat_share", IG_PT_DOUBLE, repeat_share, .def = 0.2, .min = 0, .max = 1, .flags = IG_PARAM_GT_MIN,
        .help = "share of rows that are a third copy of a recent input that fires"),
    ROW("repeat_recent", IG_PT_U32, repeat_recent, .def = 4, .min = 1, .max = LS_RECENT,
        .help = "how recent (inputs back) a repeat must be"),
    { 0 },
};
#undef ROW

struct ls_model {
    uint64_t full;            /* full-precision rows answered, all clients */
    bool reported;
    bool graded;              /* some answer held a value strictly between 0 and 1: scores, not labels */
};

struct ls_client {
    uint64_t window_start, rows, full, repeats;
    uint64_t scored;          /* rows answered with a score vector (full precision or coarse) */
    bool alarmed;
    uint32_t next;
    uint64_t recent[LS_RECENT];   /* per input: its hash, the low 16 bits its answer's */
};

static int ls_init(const struct ig_env *env, const struct ig_rules *r, void **global,
                   char *err, size_t errlen)
{
    struct ls_params *p = malloc(sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "%s: out of memory", NAME);
        return IG_ENOMEM;
    }
    *p = *(const struct ls_params *)env->params;
    p->severity = ig_rules_severity(r, NAME, IG_SEV_MEDIUM);
    p->quantum = pow(10.0, -p->decimals);
    *global = p;
    return IG_OK;
}

static void ls_free(void *global)
{
    free(global);
}

/* True when some score carries more precision than <quantum> (float32 noise allowed). A
 * nonzero score below half the quantum is full precision too: rounding would have made it
 * 0, and a saturated answer ([1, 2e-9]) is what a confident model returns for the records
 * membership probing asks about; the relative float32 tolerance alone took it for 0. */
static bool full_precision(const float *s, uint32_t n, double quantum)
{
    for (uint32_t k = 0; k < n; k++) {
        if (s[k] != 0 && fabs(s[k]) < 0.5 * quantum)
            return true;
        double v = s[k] / quantum;
        if (fabs(v - nearbyint(v)) > 1e-5 * fmax(1.0, fabs(v)))
            return true;
    }
    return false;
}

/* True when some output lies strictly between 0 and 1: a confidence, not a one-hot label.
 * Logits are flagged by the protocol layer and need no test here. */
static bool graded_row(const float *s, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        if (s[k] > 0 && s[k] < 1)
            return true;
    return false;
}

static uint64_t row_hash(const float *x, uint32_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &x[i], 4);
        h = ig_fnv1a_step(h, b);
        h ^= h >> 29;
    }
    return h | 1;   /* 0 marks an empty slot */
}

static const char ls_remediation[] =
    "Return labels or top-k only, round scores (e.g. 2 decimals), never return logits, and "
    "set per-client quotas (AML.M0002, AML.M0004); label-only attacks still work, so keep "
    "detecting.";

static void alarm(const struct ig_call *call, const struct ig_event *ev, const struct ls_params *p,
                  const struct ls_client *c)
{
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    double share = c->rows ? (double)c->repeats / c->rows : 0;
    bool coarse = c->full < p->min_rows;
    f.title = coarse ? "Confidence scores harvested for repeated inputs (membership probing)"
                     : "Full-precision scores harvested for repeated inputs (membership probing)";
    f.desc = coarse ? "The client collects the model's confidence scores (coarse: rounded or few-valued, "
                      "such as a forest's vote shares) for the same inputs again and again, what "
                      "membership-inference attacks need; coarse scores still tell members apart."
                    : "The client collects the model's full-precision confidence scores for the same "
                      "inputs again and again, what membership-inference and model-inversion attacks need.";
    f.remediation = ls_remediation;
    f.atlas[0] = "AML.T0063";
    f.atlas[1] = "AML.T0024.000";
    f.atlas[2] = "AML.T0024.001";
    f.queries_seen = call->client_queries;
    int sev = p->severity + (share >= 2 * p->repeat_share) + (c->scored >= 10 * p->min_rows);
    f.severity = (uint8_t)(sev > IG_SEV_CRITICAL ? IG_SEV_CRITICAL : sev);
    f.confidence_id = share >= 2 * p->repeat_share ? 3 : 2;
    ig_finding_score(&f, "full_precision_rows", (double)c->full);
    ig_finding_score(&f, "score_rows", (double)c->scored);
    ig_finding_score(&f, "rows", (double)c->rows);
    ig_finding_score(&f, "repeat_share", share);
    ig_finding_score(&f, "window_s", p->window_us / 1e6);
    ig_finding_score(&f, "logits", (ev->flags & IG_EV_LOGITS) ? 1 : 0);
    ig_emit_finding(call->emit, &f);
}

/* Once per model: it answers with full-precision scores. Not about any one client. */
static void exposure(const struct ig_call *call, const struct ig_event *ev, const struct ls_model *m)
{
    struct ig_finding f;
    ig_finding_init(&f, NAME, ev);
    f.client_id = "";
    memset(&f.src, 0, sizeof(f.src));
    f.title = "Model returns full-precision scores";
    f.desc = "The model answers with full-precision probability vectors or logits, which "
             "membership-inference, inversion and extraction attacks feed on.";
    f.remediation = ls_remediation;
    f.severity = IG_SEV_INFO;
    f.confidence_id = 3;
    f.analytic_type = 1;
    f.atlas[0] = "AML.T0063";
    ig_finding_score(&f, "full_precision_rows", (double)m->full);
    ig_finding_score(&f, "logits", (ev->flags & IG_EV_LOGITS) ? 1 : 0);
    ig_emit_finding(call->emit, &f);
}

static int ls_observe(const struct ig_call *call, const struct ig_event *ev)
{
    const struct ls_params *p = call->global;
    struct ls_client *c = call->client;
    struct ls_model *m = call->model;
    if (!ev->scores || ev->rows == 0 || ev->outputs == 0)
        return IG_OK;
    uint64_t t = ev->req_time_us;
    if (c->window_start == 0 || t >= c->window_start + p->window_us || t < c->window_start) {
        c->window_start = t ? t : 1;
        c->rows = c->full = c->scored = c->repeats = 0;
        c->alarmed = false;
    }
    uint32_t first = c->next;   /* ring position of this request's first row */
    for (uint32_t r = 0; r < ev->rows; r++) {
        const float *s = ev->scores + (size_t)r * ev->outputs;
        bool logits = ev->flags & IG_EV_LOGITS;
        bool full = logits || (ev->outputs >= 2 && full_precision(s, ev->outputs, p->quantum));
        /* a one-hot answer from a model that grades others is a confidence of 1.0 (what a
         * member's record often gets), so it counts once the model is known to grade */
        bool graded = logits || (ev->outputs >= 2 && graded_row(s, ev->outputs));
        if (m && graded)
            m->graded = true;
        bool scored = graded || (ev->outputs >= 2 && m && m->graded);
        c->rows++;
        c->full += full;
        c->scored += scored;
        if (m)
            m->full += full;
        if (ev->inputs && ev->features) {
            uint64_t h = (row_hash(ev->inputs + (size_t)r * ev->features, ev->features) & ~0xffffull) |
                         (row_hash(s, ev->outputs) & 0xffff);
            /* copies in a burst (the same record asked again and again at once): a third
             * copy, not a retry's second one nor a small pool's chance meeting (above);
             * copies in earlier requests with the same answer are retries */
            uint32_t copies = 0, need = p->repeat_recent >= 2 ? 2 : 1;
            for (uint32_t i = 1; i <= p->repeat_recent && i <= c->next && copies < need; i++) {
                uint64_t o = c->recent[(c->next - i) % LS_RECENT];
                copies += (o ^ h) >> 16 == 0 && (c->next - i >= first || o != h);
            }
            c->repeats += copies >= need;
            c->recent[c->next++ % LS_RECENT] = h;
        }
    }
    if (m && !m->reported && m->full >= p->min_rows) {
        m->reported = true;
        exposure(call, ev, m);
    }
    if (!c->alarmed && c->scored >= p->min_rows && c->repeats >= p->repeat_share * c->rows) {
        c->alarmed = true;
        alarm(call, ev, p, c);
    }
    return IG_OK;
}

const struct ig_detector ig_det_leakage_scores = {
    .name = NAME,
    .wants = IG_EV_SCORES,
    .client_size = sizeof(struct ls_client),
    .model_size = sizeof(struct ls_model),
    .init = ls_init,
    .observe = ls_observe,
    .free = ls_free,
    .params = ls_param_rows,
    .params_size = sizeof(struct ls_params),
};
