/* bench_memory: what the detection stage costs in memory, and whether its limits hold.
 * Drives the detector engine (every detector of the registry, shipped rules) with synthetic
 * OIP-style events (d = 64, 10 classes, two queries per client so every stateful detector
 * builds its per-client state) from distinct clients, and reads the process RSS.
 *
 *   default      shipped config (detection.max_clients 100000, memcap 512 MiB): RSS after
 *                10k / 100k / 1M distinct clients (the table evicts past the cap)
 *   tracked      max_clients 1M, memcap 8 GiB: RSS with 10k / 100k / 1M clients all tracked;
 *                bytes per tracked client = RSS growth / clients, next to the engine's own
 *                per-client accounting (the table entry)
 *   all_state    as tracked, with every detector's memory_mb budget raised so no client's
 *                state is refused: RSS growth / clients is the whole cost of an idle client
 *                (10k, 100k and 1M clients, issue #20's target point; the refusals are
 *                counted and must be 0)
 *   all_state_llm  as all_state, with chat clients instead (two prompt/completion pairs
 *                each, usage counted): the whole cost of an idle LLM client at 1M clients
 *   breakdown    as all_state, each detector alone behind the engine (then the engine with no
 *                detector): heap growth (malloc's in-use bytes) / clients + its slice of the
 *                table entry = what that detector costs per idle client (state_bytes_<name>)
 *   memcap       detection.memcap 16 MiB, max_clients 1M: the engine's memory stays under
 *                the cap and RSS growth under cap + the detectors' own budgets (memory_mb)
 *   max_clients  detection.max_clients 5000: never more than 5000 clients tracked
 *
 * Each scenario runs in its own child process so one's heap never inflates the next one's
 * RSS. IG_BENCH_QUICK=1 divides every client count by 100.
 * Usage: bench_memory [--rules DIR]   (bench/run.sh passes the shipped rules/; without it
 * every detector runs at its built-in defaults) */
#include "engine.h"

#include <inferguard/rules.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIM 64
#define CLASSES 10
#define QUERIES_PER_CLIENT 2

static uint64_t nfindings;
static void sink(void *ctx, const struct ig_finding *f) { (void)ctx; (void)f; nfindings++; }

/* Resident set size in bytes, from /proc/self/statm. */
static uint64_t rss_bytes(void)
{
    unsigned long size = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &res) != 2)
        res = 0;
    fclose(f);
    return (uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE);
}

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
    return *s;
}

struct feed {
    struct ig_engine *e;
    struct ig_event ev;
    float x[DIM], p[CLASSES];
    int32_t label;
    uint64_t now_us, next_tick_us, rng;
    bool llm;                        /* chat events (text, usage) instead of tensors */
};

static void feed_init(struct feed *f, struct ig_engine *e)
{
    memset(f, 0, sizeof *f);
    f->e = e;
    f->rng = 88172645463325252ull;
    f->now_us = 1700000000000000ull;
    f->next_tick_us = f->now_us + 1000000;
    struct ig_event *ev = &f->ev;
    ev->id_kind = IG_ID_SOURCE_IP;
    ev->protocol = IG_PROTO_OIP_V2;
    strcpy(ev->model, "fraud-detector");
    strcpy(ev->method, "POST");
    strcpy(ev->route, "/v2/models/fraud-detector/infer");
    ev->status = 200;
    ev->flags = IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS;
    ev->rows = 1;
    ev->features = DIM;
    ev->outputs = CLASSES;
    ev->inputs = f->x;
    ev->scores = f->p;
    ev->labels = &f->label;
    ev->req_bytes = 700;
    ev->resp_bytes = 300;
}

/* Chat events from here on: an OpenAI chat model, a short prompt and answer with usage. */
static void feed_llm(struct feed *f)
{
    static const char prompt[] = "user: Summarise the attached meeting notes in three bullet points.";
    static const char answer[] = "- Budget approved for Q3.\n- Hiring paused.\n- Next review in May.";
    struct ig_event *ev = &f->ev;
    f->llm = true;
    ev->protocol = IG_PROTO_OPENAI_CHAT;
    strcpy(ev->model, "gpt-4o-mini");
    strcpy(ev->route, "/v1/chat/completions");
    ev->flags = IG_EV_TEXT;
    ev->rows = ev->features = ev->outputs = 0;
    ev->inputs = ev->scores = NULL;
    ev->labels = NULL;
    ev->prompt = (struct ig_span){ (const uint8_t *)prompt, sizeof prompt - 1 };
    ev->completion = (struct ig_span){ (const uint8_t *)answer, sizeof answer - 1 };
    ev->prompt_tokens = 18;
    ev->completion_tokens = 20;
}

/* Clients [from, to): QUERIES_PER_CLIENT queries each, 10 µs of capture time apart. */
static void feed_clients(struct feed *f, uint64_t from, uint64_t to)
{
    struct ig_event *ev = &f->ev;
    for (uint64_t c = from; c < to; c++) {
        snprintf(ev->client_id, sizeof ev->client_id, "10.%u.%u.%u", (unsigned)(c >> 16) & 255,
                 (unsigned)(c >> 8) & 255, (unsigned)c & 255);
        if (c >> 24)
            snprintf(ev->client_id, sizeof ev->client_id, "c%llu", (unsigned long long)c);
        for (int q = 0; q < QUERIES_PER_CLIENT; q++) {
            for (int i = 0; i < DIM && !f->llm; i++)
                f->x[i] = (float)(xs(&f->rng) >> 40) / (float)(1 << 24);
            float sum = 0;
            for (int k = 0; k < CLASSES; k++)
                sum += f->p[k] = 0.01f + (float)(xs(&f->rng) >> 40) / (float)(1 << 24);
            f->label = 0;
            for (int k = 0; k < CLASSES && !f->llm; k++) {
                f->p[k] /= sum;
                if (f->p[k] > f->p[f->label])
                    f->label = k;
            }
            f->now_us += 10;
            ev->req_time_us = f->now_us;
            ev->resp_time_us = f->now_us + 2000;
            ev->latency_us = 2000;
            ig_engine_observe(f->e, ev);
            if (f->now_us >= f->next_tick_us) {
                ig_engine_tick(f->e, f->now_us);
                f->next_tick_us = f->now_us + 1000000;
            }
        }
    }
}

static struct ig_rules *rules;

static struct ig_engine *engine_with(uint32_t max_clients, uint64_t memcap,
                                     const struct ig_detector *const *list)
{
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    if (max_clients)
        cfg.clients_max = max_clients;
    if (memcap)
        cfg.clients_memcap = memcap;
    static struct ig_emit emit = { sink, NULL };
    char err[256];
    struct ig_engine *e = ig_engine_new_with(&cfg, rules, NULL, &emit, list ? list : ig_detectors,
                                             err, sizeof err);
    if (!e) {
        fprintf(stderr, "bench_memory: %s\n", err);
        exit(1);
    }
    return e;
}

static struct ig_engine *engine(uint32_t max_clients, uint64_t memcap)
{
    return engine_with(max_clients, memcap, NULL);
}

#if defined(__SANITIZE_ADDRESS__)
#define IG_ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IG_ASAN_BUILD 1
#endif
#endif
#ifndef IG_ASAN_BUILD
#define IG_ASAN_BUILD 0
#endif

/* The default of detector <d>'s memory_mb param (its budget for per-client state kept
 * outside the engine table), or -1 when it has none. */
static double memory_mb_default(const struct ig_detector *d)
{
    for (const struct ig_param *p = d->params; p && p->name; p++)
        if (!strcmp(p->name, "memory_mb"))
            return p->def;
    return -1;
}

/* Per-client heap budgets of the enabled detectors that keep state outside the engine table. */
static uint64_t detector_budgets(void)
{
    uint64_t sum = 0;
    for (size_t i = 0; ig_detectors[i]; i++) {
        const struct ig_detector *d = ig_detectors[i];
        double def = memory_mb_default(d);
        if (def >= 0 && ig_rules_enabled(rules, d->name, true))
            sum += (uint64_t)(ig_rules_num(rules, d->name, "memory_mb", def) * 1048576.0);
    }
    return sum;
}

static const char *count_name(uint64_t n, char *buf, size_t len)
{
    if (n >= 1000000 && n % 1000000 == 0)
        snprintf(buf, len, "%lluM", (unsigned long long)(n / 1000000));
    else if (n >= 1000 && n % 1000 == 0)
        snprintf(buf, len, "%lluk", (unsigned long long)(n / 1000));
    else
        snprintf(buf, len, "%llu", (unsigned long long)n);
    return buf;
}

static bool growth_llm;   /* scenario_growth feeds chat clients */

/* RSS after each checkpoint of distinct clients. <tracked>: every client stays in the table,
 * so the growth per client is the cost of tracking one. */
static void scenario_growth(const char *label, uint32_t max_clients, uint64_t memcap,
                            const uint64_t *points, size_t npoints, int tracked)
{
    struct ig_engine *e = engine(max_clients, memcap);
    uint64_t base = rss_bytes();   /* after the engine's fixed cost (tables, detector globals) */
    struct feed f;
    feed_init(&f, e);
    if (growth_llm)
        feed_llm(&f);
    uint64_t done = 0;
    char nb[32];
    for (size_t i = 0; i < npoints; i++) {
        feed_clients(&f, done, points[i]);
        done = points[i];
        const struct ig_engine_stats *st = ig_engine_stats(e);
        uint64_t rss = rss_bytes();
        count_name(done, nb, sizeof nb);
        printf("%-8s clients=%-8llu tracked=%-8llu evicted=%-8llu rss=%.1f MiB (+%.1f) "
               "engine=%.1f MiB of cap %.1f MiB\n", label, (unsigned long long)done,
               (unsigned long long)st->clients_active, (unsigned long long)st->clients_evicted,
               rss / 1048576.0, (rss - base) / 1048576.0, st->memory_used / 1048576.0,
               st->memory_cap / 1048576.0);
        printf("RESULT metric=rss_%s_clients_%s value=%.1f unit=MiB better=lower\n", label, nb,
               rss / 1048576.0);
        if (tracked) {
            /* The engine's accounting covers the table entry; detectors' heap state is the rest. */
            bool all = strcmp(label, "tracked") != 0;
            printf("RESULT metric=bytes_per_client_%s%sat_%s value=%.0f unit=B/client%s better=lower\n",
                   all ? label : "", all ? "_" : "", nb, (double)(rss - base) / (double)done,
                   all ? " peer=target_4KiB peer_value=4096" : "");
            if (i == 0 && !all)
                printf("RESULT metric=engine_table_entry value=%llu unit=B/client better=lower\n",
                       (unsigned long long)st->bytes_per_client);
        }
    }
    /* What the detectors' budgets refused (all_state: must be 0, or the figure is low). */
    uint64_t refused = 0;
    for (size_t i = 0; i < ig_engine_detector_count(e); i++) {
        struct ig_det_counter c[IG_DET_MAX_COUNTERS];
        size_t n = ig_engine_detector_counters(e, i, c);
        for (size_t k = 0; k < n; k++)
            if (strncmp(c[k].name, "refused", 7) == 0) {
                refused += c[k].value;
                if (c[k].value)
                    printf("%-8s %s %s %llu\n", label, ig_engine_detector_name(e, i), c[k].name,
                           (unsigned long long)c[k].value);
            }
    }
    if (tracked)
        printf("RESULT metric=%s_detector_state_refused value=%llu unit=clients better=lower\n", label,
               (unsigned long long)refused);
    fflush(stdout);
    ig_engine_free(e);
}

/* Many more clients than the cap allows: the engine's memory stays under detection.memcap
 * and the process grows by at most the cap plus the detectors' budgets. */
static int scenario_memcap(uint64_t memcap, uint64_t clients)
{
    uint64_t base = rss_bytes();
    struct ig_engine *e = engine(2000000, memcap);
    struct feed f;
    feed_init(&f, e);
    feed_clients(&f, 0, clients);
    const struct ig_engine_stats *st = ig_engine_stats(e);
    uint64_t growth = rss_bytes() - base, bound = memcap + detector_budgets();
    /* Under AddressSanitizer RSS also holds its redzones and the quarantine of freed blocks
     * (hundreds of MiB): the growth is shown, not judged. */
    int ok = st->memory_used <= memcap && st->clients_active <= st->clients_cap &&
             (IG_ASAN_BUILD || growth <= bound);
    printf("memcap   cap=%.1f MiB clients=%llu tracked=%llu (cap %llu) evicted=%llu engine=%.1f MiB "
           "rss growth=%.1f MiB (bound cap+detector budgets %.1f MiB%s): %s\n", memcap / 1048576.0,
           (unsigned long long)clients, (unsigned long long)st->clients_active,
           (unsigned long long)st->clients_cap, (unsigned long long)st->clients_evicted,
           st->memory_used / 1048576.0, growth / 1048576.0, bound / 1048576.0,
           IG_ASAN_BUILD ? ", not judged under ASan" : "", ok ? "holds" : "EXCEEDED");
    printf("RESULT metric=memcap_engine_memory value=%.2f unit=MiB peer=detection.memcap "
           "peer_value=%.2f better=lower\n", st->memory_used / 1048576.0, memcap / 1048576.0);
    printf("RESULT metric=memcap_rss_growth value=%.1f unit=MiB peer=memcap+detector_budgets "
           "peer_value=%.1f better=lower\n", growth / 1048576.0, bound / 1048576.0);
    fflush(stdout);
    ig_engine_free(e);
    return ok ? 0 : 3;
}

static int scenario_max_clients(uint32_t max_clients, uint64_t clients)
{
    struct ig_engine *e = engine(max_clients, 0);
    struct feed f;
    feed_init(&f, e);
    feed_clients(&f, 0, clients);
    const struct ig_engine_stats *st = ig_engine_stats(e);
    int ok = st->clients_active <= max_clients && st->clients_evicted >= clients - max_clients;
    printf("maxcl    max_clients=%u clients=%llu tracked=%llu evicted=%llu: %s\n", max_clients,
           (unsigned long long)clients, (unsigned long long)st->clients_active,
           (unsigned long long)st->clients_evicted, ok ? "holds" : "EXCEEDED");
    printf("RESULT metric=max_clients_tracked value=%llu unit=clients peer=detection.max_clients "
           "peer_value=%u better=lower\n", (unsigned long long)st->clients_active, max_clients);
    fflush(stdout);
    ig_engine_free(e);
    return ok ? 0 : 3;
}

/* Runs fn in a child process; returns its exit status (0 = ran and every limit held). */
static int in_child(int (*fn)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_memory: fork");
        return 1;
    }
    if (pid == 0)
        _exit(fn(arg));
    int status = 0;
    if (waitpid(pid, &status, 0) < 0)
        return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static uint64_t scale = 1;

static int run_default(void *a)
{
    (void)a;
    const uint64_t pts[] = { 10000 / scale, 100000 / scale, 1000000 / scale };
    scenario_growth("default", 0, 0, pts, 3, 0);
    return 0;
}

static int run_tracked(void *a)
{
    (void)a;
    const uint64_t pts[] = { 10000 / scale, 100000 / scale, 1000000 / scale };
    scenario_growth("tracked", 1000000, 8ull << 30, pts, 3, 1);
    return 0;
}

/* Every client keeps all its detector state: the rules with each detector's memory_mb
 * budget raised past what the clients need (nothing refused), so RSS growth / clients is
 * the whole cost of an idle client (table entry + every detector's heap state), at 1M
 * clients too (~5 GiB of RSS at ~5 KB each). */
static const char *rules_dir;

/* Replaces the rules with rules_dir's plus every budgeted detector's memory_mb raised past
 * what the clients need, so no client's state is refused. */
static int load_all_state_rules(void)
{
    char tmp[] = "/tmp/ig_bench_memory.XXXXXX", path[sizeof tmp + 64], err[256];
    if (!mkdtemp(tmp))
        return 1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s'/*.yaml '%s'/ 2>/dev/null", rules_dir ? rules_dir : "/nonexistent", tmp);
    if (rules_dir && system(cmd) != 0)
        return 1;
    snprintf(path, sizeof path, "%s/zz-all-state.yaml", tmp);
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    for (size_t i = 0; ig_detectors[i]; i++)
        if (memory_mb_default(ig_detectors[i]) >= 0)
            fprintf(f, "- detector: %s\n  params:\n    memory_mb: 1000000\n", ig_detectors[i]->name);
    fclose(f);
    ig_rules_free(rules);
    rules = NULL;
    int rc = ig_rules_load_dir(tmp, &rules, err, sizeof err);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_memory: could not remove %s\n", tmp);
    if (rc != IG_OK) {
        fprintf(stderr, "bench_memory: %s\n", err);
        return 1;
    }
    return 0;
}

static int run_all_state(void *a)
{
    (void)a;
    if (load_all_state_rules())
        return 1;
    const uint64_t pts[] = { 10000 / scale, 100000 / scale, 1000000 / scale };
    scenario_growth("all_state", 1000000, 64ull << 30, pts, 3, 1);
    return 0;
}

/* The same for chat clients: what an idle LLM client costs (abuse.volume's windows, the
 * text detectors' state; none of the tensor detectors'). */
static int run_all_state_llm(void *a)
{
    (void)a;
    if (load_all_state_rules())
        return 1;
    growth_llm = true;
    const uint64_t pts[] = { 10000 / scale, 100000 / scale, 1000000 / scale };
    scenario_growth("all_state_llm", 1000000, 64ull << 30, pts, 3, 1);
    return 0;
}

/* Bytes malloc hands out now (in-use chunks, mmapped blocks included). */
static uint64_t heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

/* Per-client cost of one detector (NULL: the engine alone) with all its state kept: its
 * slice of the table entry plus the heap it grew per client, the engine's own table and
 * slabs taken out. Deterministic (no page rounding), so the rows add up to about
 * bytes_per_client_all_state (RSS also counts malloc's free pages and fragmentation). */
static const struct ig_detector *breakdown_det;

static int run_breakdown_one(void *a)
{
    (void)a;
    if (load_all_state_rules())
        return 1;
    const struct ig_detector *one[2] = { breakdown_det, NULL };
    uint64_t clients = 10000 / scale;
    uint64_t h0 = heap_bytes();
    struct ig_engine *e = engine_with(1000000, 64ull << 30, one);
    const struct ig_engine_stats *st = ig_engine_stats(e);
    uint64_t h1 = heap_bytes(), t1 = st->memory_used;   /* fixed cost: globals, buckets */
    struct feed f;
    feed_init(&f, e);
    feed_clients(&f, 0, clients);
    uint64_t h2 = heap_bytes(), t2 = st->memory_used;
    uint64_t slabs = t2 - t1;   /* the table entries, slab headers included */
    double heap = ((double)(h2 - h1) - (double)slabs) / (double)clients;
    double entry = (double)slabs / (double)clients;
    const char *name = breakdown_det ? breakdown_det->name : "engine";
    double slice = breakdown_det ? (double)((breakdown_det->client_size + 15) & ~15u) : entry;
    char metric[96];
    snprintf(metric, sizeof metric, "%s", name);
    for (char *p = metric; *p; p++)
        if (*p == '.')
            *p = '_';
    printf("breakdown %-28s slice=%5.0f heap=%7.0f B/client (fixed %.1f KiB)\n", name,
           breakdown_det ? slice : entry, heap, (double)(h1 - h0) / 1024.0);
    printf("RESULT metric=state_bytes_%s value=%.0f unit=B/client better=lower\n", metric,
           (breakdown_det ? slice : entry) + heap);
    fflush(stdout);
    ig_engine_free(e);
    return 0;
}

static int run_breakdown(void *a)
{
    (void)a;
    int rc = 0;
    breakdown_det = NULL;
    if (in_child(run_breakdown_one, NULL))
        rc = 1;
    for (size_t i = 0; ig_detectors[i]; i++) {
        if (!ig_rules_enabled(rules, ig_detectors[i]->name, true))
            continue;
        breakdown_det = ig_detectors[i];
        if (in_child(run_breakdown_one, NULL))
            rc = 1;
    }
    return rc;
}

static int run_memcap(void *a)
{
    (void)a;
    return scenario_memcap(16ull << 20, 300000 / scale);
}

static int run_max_clients(void *a)
{
    (void)a;
    return scenario_max_clients((uint32_t)(5000 / scale), 50000 / scale);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_memory [--rules DIR]\n");
            return 2;
        }
    }
    const char *q = getenv("IG_BENCH_QUICK");
    if (q && *q && strcmp(q, "0"))
        scale = 100;
    char err[256];
    if (dir && ig_rules_load_dir(dir, &rules, err, sizeof err) != IG_OK) {
        fprintf(stderr, "bench_memory: %s\n", err);
        return 1;
    }
    printf("bench_memory: every registered detector (%s), d=%d, %d classes, %d queries per client%s\n",
           dir ? dir : "built-in defaults", DIM, CLASSES, QUERIES_PER_CLIENT,
           scale > 1 ? " (quick: client counts / 100)" : "");
    /* What each detector puts in every client's table entry (its slice, 16-byte aligned). */
    for (size_t i = 0; ig_detectors[i]; i++)
        if (ig_detectors[i]->client_size && ig_rules_enabled(rules, ig_detectors[i]->name, true))
            printf("  slice %-28s %5u bytes per client entry\n", ig_detectors[i]->name,
                   (ig_detectors[i]->client_size + 15) & ~15u);
    int rc = 0, r;
    rules_dir = dir;
    int (*const runs[])(void *) = { run_default, run_tracked, run_all_state, run_all_state_llm,
                                    run_breakdown, run_memcap, run_max_clients };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        if ((r = in_child(runs[i], NULL)) != 0)
            rc = rc ? rc : r;
    ig_rules_free(rules);
    return rc;
}
