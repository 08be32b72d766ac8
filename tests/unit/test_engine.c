/* Detector engine: wants filtering, per-client and per-model slices, LRU eviction with
 * evict callbacks, memcap, model overflow, tick, findings counted, determinism. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine.h"
#include <inferguard/load.h>
#include <stdatomic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- test detectors ---- */

struct a_client { uint64_t seen, last_queries; char tag[8]; };
struct a_model { uint64_t seen, ticks; };
struct a_global { uint64_t evicted, evicted_seen_sum, ticks, free_called, model_freed, models_seen; };
static struct a_global a_state;

static int a_init(const struct ig_env *env, const struct ig_rules *r, void **g,
                  char *err, size_t errlen)
{
    (void)env;
    (void)r; (void)err; (void)errlen;
    *g = &a_state;
    return IG_OK;
}
static int a_observe(const struct ig_call *call, const struct ig_event *ev)
{
    (void)ev;
    struct a_client *c = call->client;
    struct a_model *m = call->model;
    c->seen++;
    c->last_queries = call->client_queries;
    m->seen++;
    /* The scratch works and is reset per event. */
    void *p = ig_scratch_alloc(call->scratch, 128);
    assert_non_null(p);
    assert_true(call->scratch->used <= 256);
    return IG_OK;
}
static int a_tick(const struct ig_call *call, uint64_t now)
{
    (void)now;
    assert_null(call->client);
    assert_non_null(call->model);
    ((struct a_model *)call->model)->ticks++;
    a_state.ticks++;
    return IG_OK;
}
static void a_evict(const struct ig_call *call)
{
    struct a_global *g = (struct a_global *)call->global;
    g->evicted++;
    g->evicted_seen_sum += ((struct a_client *)call->client)->seen;
}
/* Every model entry is released through model_free, before free(global). */
static void a_model_free(const struct ig_call *call)
{
    struct a_global *g = (struct a_global *)call->global;
    assert_null(call->client);
    assert_non_null(call->model);
    assert_int_equal(g->free_called, 0);
    g->model_freed++;
    g->models_seen += ((struct a_model *)call->model)->seen;
}
static void a_free(void *g) { ((struct a_global *)g)->free_called++; }

static const struct ig_detector det_a = {
    .name = "test.a", .wants = IG_EV_TENSOR, .client_size = sizeof(struct a_client),
    .model_size = sizeof(struct a_model), .init = a_init, .observe = a_observe, .tick = a_tick,
    .evict = a_evict, .free = a_free, .model_free = a_model_free,
};

static uint64_t b_ticks, b_calls;
static int b_observe(const struct ig_call *call, const struct ig_event *ev)
{
    uint8_t *big = call->client;
    for (int i = 0; i < 1000; i++)
        assert_true(big[i] == 0 || big[i] == 1);   /* zeroed on creation */
    big[0] = 1;
    b_calls++;
    struct ig_finding f;
    ig_finding_init(&f, "test.b", ev);
    ig_emit_finding(call->emit, &f);
    return call->client_queries % 2 ? IG_OK : IG_EPARSE;   /* every second event: an error */
}
static int b_tick(const struct ig_call *call, uint64_t now)
{
    (void)now;
    assert_null(call->client);
    assert_null(call->model);
    b_ticks++;
    return IG_OK;
}
static const struct ig_detector det_b = {
    .name = "test.b", .wants = IG_EV_ANY, .client_size = 1000, .observe = b_observe, .tick = b_tick,
};

static uint64_t c_calls;
static int c_observe(const struct ig_call *call, const struct ig_event *ev)
{
    (void)call; (void)ev;
    c_calls++;
    return IG_OK;
}
static const struct ig_detector det_c = { .name = "test.c", .observe = c_observe };

static int bad_init(const struct ig_env *env, const struct ig_rules *r, void **g,
                    char *err, size_t errlen)
{
    (void)env;
    (void)r; (void)g;
    snprintf(err, errlen, "window must be positive");
    return IG_ECONF;
}
static const struct ig_detector det_bad = { .name = "test.bad", .init = bad_init };

static const struct ig_detector *const list_abc[] = { &det_a, &det_b, &det_c, NULL };

/* ---- helpers ---- */

struct sink { uint64_t n; char log[64][160]; };
static void sink_fn(void *ctx, const struct ig_finding *f)
{
    struct sink *s = ctx;
    if (s->n < 64)
        snprintf(s->log[s->n], sizeof s->log[0], "%s|%s|%llu", f->analytic, f->client_id,
                 (unsigned long long)f->time_us);
    s->n++;
}

static void reset_counters(void)
{
    memset(&a_state, 0, sizeof a_state);
    b_ticks = b_calls = c_calls = 0;
}

static struct ig_config cfg_with(uint32_t max_clients, uint64_t memcap)
{
    struct ig_config c;
    ig_config_defaults(&c);
    c.clients_max = max_clients;
    c.clients_memcap = memcap;
    return c;
}

static struct ig_event ev_for(const char *client, const char *model, uint32_t flags, uint64_t t)
{
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.client_id, sizeof ev.client_id, "%s", client);
    snprintf(ev.model, sizeof ev.model, "%s", model);
    ev.flags = flags;
    ev.req_time_us = t;
    return ev;
}

static struct ig_engine *engine(const struct ig_config *cfg, const struct ig_rules *rules,
                                struct sink *s, const struct ig_detector *const *list)
{
    struct ig_emit emit = { sink_fn, s };
    char err[256] = "";
    struct ig_engine *e = ig_engine_new_with(cfg, rules, NULL, &emit, list, err, sizeof err);
    if (!e)
        fail_msg("engine: %s", err);
    return e;
}

/* ---- tests ---- */

static void test_wants_and_slices(void **state)
{
    (void)state;
    reset_counters();
    struct ig_config cfg = cfg_with(100, 64 << 20);
    struct sink s = { 0 };
    struct ig_engine *e = engine(&cfg, NULL, &s, list_abc);
    assert_int_equal(ig_engine_detector_count(e), 3);
    assert_string_equal(ig_engine_detector_name(e, 1), "test.b");
    assert_null(ig_engine_detector_name(e, 3));

    struct ig_event t1 = ev_for("alice", "m1", IG_EV_TENSOR | IG_EV_SCORES, 1);
    struct ig_event t2 = ev_for("bob", "m2", IG_EV_TENSOR, 2);
    struct ig_event txt = ev_for("alice", "m1", IG_EV_TEXT, 3);
    ig_engine_observe(e, &t1);
    ig_engine_observe(e, &t1);
    ig_engine_observe(e, &t2);
    ig_engine_observe(e, &txt);       /* no tensor: test.a must not see it */
    const struct ig_engine_stats *st = ig_engine_stats(e);
    assert_int_equal(st->events, 4);
    assert_int_equal(st->clients_active, 2);
    assert_int_equal(st->models_active, 2);
    assert_int_equal(b_calls, 4);     /* IG_EV_ANY: everything */
    assert_int_equal(c_calls, 4);     /* wants 0: everything */
    assert_int_equal(st->findings[1], 4);
    assert_int_equal(s.n, 4);
    assert_int_equal(st->observe_errors[1], 1);   /* alice's 2nd query (b fails on even counts) */
    assert_int_equal(st->observe_errors[0], 0);

    /* Same id, other identity kind: another client. */
    struct ig_event k = ev_for("alice", "m1", IG_EV_TENSOR, 4);
    k.id_kind = IG_ID_API_KEY;
    ig_engine_observe(e, &k);
    assert_int_equal(st->clients_active, 3);

    /* Per-model ticks for test.a (two models), one tick for test.b. */
    ig_engine_tick(e, 10);
    assert_int_equal(a_state.ticks, 2);
    assert_int_equal(b_ticks, 1);

    /* Freeing evicts every client through evict() and frees globals. */
    ig_engine_free(e);
    assert_int_equal(a_state.evicted, 3);
    /* alice(source_ip) saw 2 tensor events, bob 1, alice(api_key) 1. */
    assert_int_equal(a_state.evicted_seen_sum, 4);
    assert_int_equal(a_state.free_called, 1);
}

static void test_client_queries(void **state)
{
    (void)state;
    reset_counters();
    struct ig_config cfg = cfg_with(100, 64 << 20);
    struct sink s = { 0 };
    const struct ig_detector *const list[] = { &det_a, NULL };
    struct ig_engine *e = engine(&cfg, NULL, &s, list);
    struct ig_event ev = ev_for("c", "m", IG_EV_TENSOR, 1);
    struct ig_event other = ev_for("d", "m", IG_EV_TEXT, 1);
    for (int i = 0; i < 5; i++) {
        ig_engine_observe(e, &ev);
        ig_engine_observe(e, &other);   /* counted for d, not c */
    }
    ig_engine_free(e);
    assert_int_equal(a_state.evicted_seen_sum, 5);
}

static void test_lru_eviction(void **state)
{
    (void)state;
    reset_counters();
    struct ig_config cfg = cfg_with(3, 64 << 20);
    struct sink s = { 0 };
    const struct ig_detector *const list[] = { &det_a, NULL };
    struct ig_engine *e = engine(&cfg, NULL, &s, list);
    const struct ig_engine_stats *st = ig_engine_stats(e);
    assert_int_equal(st->clients_cap, 3);
    const char *names[] = { "a", "b", "c" };
    for (int i = 0; i < 3; i++) {
        struct ig_event ev = ev_for(names[i], "m", IG_EV_TENSOR, (uint64_t)i);
        for (int k = 0; k <= i; k++)      /* a saw 1, b 2, c 3 */
            ig_engine_observe(e, &ev);
    }
    struct ig_event a = ev_for("a", "m", IG_EV_TENSOR, 10);
    ig_engine_observe(e, &a);             /* a is now the most recent; b is the oldest */
    struct ig_event d = ev_for("d", "m", IG_EV_TENSOR, 11);
    ig_engine_observe(e, &d);
    assert_int_equal(st->clients_evicted, 1);
    assert_int_equal(st->clients_active, 3);
    assert_int_equal(a_state.evicted, 1);
    assert_int_equal(a_state.evicted_seen_sum, 2);   /* b's slice, with b's state */
    /* b comes back: a fresh zeroed slice, and now c is the oldest. */
    struct ig_event b = ev_for("b", "m", IG_EV_TENSOR, 12);
    ig_engine_observe(e, &b);
    assert_int_equal(a_state.evicted, 2);
    assert_int_equal(a_state.evicted_seen_sum, 2 + 3);
    assert_int_equal(st->clients_created, 5);
    ig_engine_free(e);
    /* Left: a (2), d (1), b (1). */
    assert_int_equal(a_state.evicted_seen_sum, 5 + 2 + 1 + 1);
}

static void test_memcap_holds(void **state)
{
    (void)state;
    reset_counters();
    struct ig_config cfg = cfg_with(1000000, 256 << 10);
    struct sink s = { 0 };
    struct ig_engine *e = engine(&cfg, NULL, &s, list_abc);
    const struct ig_engine_stats *st = ig_engine_stats(e);
    assert_true(st->bytes_per_client >= 1000 + sizeof(struct a_client));
    assert_true(st->clients_cap > 10 && st->clients_cap < 256);
    for (int i = 0; i < 5000; i++) {
        char id[32];
        snprintf(id, sizeof id, "10.0.%d.%d", i / 256, i % 256);
        struct ig_event ev = ev_for(id, "m", IG_EV_TENSOR, (uint64_t)i);
        ig_engine_observe(e, &ev);
        assert_true(st->memory_used <= st->memory_cap);
    }
    assert_int_equal(st->clients_active, st->clients_cap);
    assert_int_equal(st->clients_evicted, 5000 - st->clients_cap);
    assert_int_equal(a_state.evicted, 5000 - st->clients_cap);
    ig_engine_free(e);
    assert_int_equal(a_state.evicted, 5000);

    /* Too small for even one client: a clear error. */
    cfg = cfg_with(10, 1000);
    struct ig_emit emit = { sink_fn, &s };
    char err[256] = "";
    assert_null(ig_engine_new_with(&cfg, NULL, NULL, &emit, list_abc, err, sizeof err));
    assert_non_null(strstr(err, "detection.memcap"));
}

static void test_rules_disable_and_init_error(void **state)
{
    (void)state;
    reset_counters();
    struct ig_rules *r = NULL;
    char err[256] = "";
    const char *yaml = "- detector: test.b\n  enabled: false\n";
    assert_int_equal(ig_rules_load_buf("t.yaml", yaml, strlen(yaml), &r, err, sizeof err), IG_OK);
    struct ig_config cfg = cfg_with(100, 64 << 20);
    struct sink s = { 0 };
    struct ig_engine *e = engine(&cfg, r, &s, list_abc);
    assert_int_equal(ig_engine_detector_count(e), 2);
    assert_string_equal(ig_engine_detector_name(e, 1), "test.c");
    struct ig_event ev = ev_for("x", "m", IG_EV_TENSOR, 1);
    ig_engine_observe(e, &ev);
    assert_int_equal(b_calls, 0);
    assert_int_equal(c_calls, 1);
    ig_engine_free(e);
    ig_rules_free(r);

    const struct ig_detector *const list[] = { &det_a, &det_bad, NULL };
    struct ig_emit emit = { sink_fn, &s };
    a_state.free_called = 0;
    assert_null(ig_engine_new_with(&cfg, NULL, NULL, &emit, list, err, sizeof err));
    assert_string_equal(err, "detector test.bad: window must be positive");
    assert_int_equal(a_state.free_called, 1);   /* the ones built before are torn down */
}

/* Model slots cannot be squatted: names the server never answers with a 2xx push each
 * other out, never a served model; a table full of served, active models pools newcomers
 * in one overflow entry; idle models give their slot up; the pressure reaches the sensor
 * load (evasion.overload) with the client that caused it. */
static void test_model_overflow(void **state)
{
    (void)state;
    reset_counters();
    struct ig_config cfg = cfg_with(100, 64 << 20);
    cfg.max_models = 8;
    cfg.model_idle_s = 600;
    struct sink s = { 0 };
    const struct ig_detector *const list[] = { &det_a, NULL };
    struct ig_engine *e = engine(&cfg, NULL, &s, list);
    struct ig_sensor_load load;
    ig_load_init(&load);
    ig_engine_set_load(e, &load);
    char m[32];
    for (int i = 0; i < 4; i++) {   /* four real models */
        snprintf(m, sizeof m, "real-%d", i);
        struct ig_event ev = ev_for("c", m, IG_EV_TENSOR, 1000);
        ev.status = 200;
        ig_engine_observe(e, &ev);
    }
    for (int i = 0; i < 1000; i++) {   /* a flood of fake names (404) */
        snprintf(m, sizeof m, "fake-%d", i);
        struct ig_event ev = ev_for("attacker", m, IG_EV_TENSOR, 2000 + (uint64_t)i);
        ev.status = 404;
        ig_engine_observe(e, &ev);
    }
    const struct ig_engine_stats *st = ig_engine_stats(e);
    assert_int_equal(st->models_active, 8);
    assert_int_equal(st->models_overflow, 0);
    assert_int_equal(st->models_evicted, 1000 - 4);
    uint64_t evicted = st->models_evicted;
    for (int i = 0; i < 4; i++) {   /* the real ones kept their slots */
        snprintf(m, sizeof m, "real-%d", i);
        struct ig_event ev = ev_for("c", m, IG_EV_TENSOR, 5000);
        ev.status = 200;
        ig_engine_observe(e, &ev);
    }
    assert_int_equal(st->models_evicted, evicted);
    assert_true(atomic_load(&load.total[IG_LOAD_MODEL_NAMES]) >= 996);
    char aff[1024];
    ig_load_affected_list(&load, aff, sizeof aff);
    assert_non_null(strstr(aff, "attacker (model names)"));

    /* Full of served, active models: a newcomer shares the overflow entry. */
    for (int i = 0; i < 4; i++) {   /* take the four slots the fake names held */
        snprintf(m, sizeof m, "served-%d", i);
        struct ig_event ev = ev_for("c", m, IG_EV_TENSOR, 6000);
        ev.status = 200;
        ig_engine_observe(e, &ev);
    }
    struct ig_event ev = ev_for("attacker", "one-more", IG_EV_TENSOR, 7000);
    ev.status = 404;
    ig_engine_observe(e, &ev);
    assert_int_equal(st->models_overflow, 1);
    ig_engine_tick(e, 8000);
    assert_int_equal(a_state.ticks, 8 + 1);   /* + the overflow entry */
    /* Idle past detection.model_idle_timeout: slots given up. */
    ig_engine_tick(e, 8000 + 601ull * 1000000);
    assert_int_equal(st->models_active, 0);
    assert_int_equal(a_state.model_freed, 996 + 4 + 8);   /* pushed out (by fakes, by served), then idle */
    ig_engine_free(e);
    assert_int_equal(a_state.model_freed, 996 + 4 + 8 + 1);   /* + the overflow entry */
    assert_int_equal(a_state.models_seen, 4 + 1000 + 4 + 4 + 1);   /* every event's entry */
    assert_int_equal(a_state.free_called, 1);
    ig_load_destroy(&load);
}

static void run_sequence(struct sink *s)
{
    reset_counters();
    struct ig_config cfg = cfg_with(7, 64 << 20);
    struct ig_engine *e = engine(&cfg, NULL, s, list_abc);
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 64; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        char id[16];
        snprintf(id, sizeof id, "c%llu", (unsigned long long)(x % 13));
        struct ig_event ev = ev_for(id, "m", IG_EV_TENSOR, (uint64_t)i * 1000);
        ig_engine_observe(e, &ev);
    }
    ig_engine_free(e);
}

static void test_deterministic(void **state)
{
    (void)state;
    struct sink *s1 = calloc(1, sizeof *s1), *s2 = calloc(1, sizeof *s2);
    run_sequence(s1);
    uint64_t ev1 = a_state.evicted;
    run_sequence(s2);
    assert_int_equal(a_state.evicted, ev1);
    assert_int_equal(s1->n, s2->n);
    assert_memory_equal(s1->log, s2->log, sizeof s1->log);
    free(s1);
    free(s2);
}


/* ---- principal groups ---- */

/* A stream detector that raises once a stream reaches 100 queries (as PRADA needs ~100). */
struct g_client { uint64_t seen; bool fired; };
static int g_observe(const struct ig_call *call, const struct ig_event *ev)
{
    struct g_client *c = call->client;
    if (++c->seen == 100 && !c->fired) {
        c->fired = true;
        struct ig_finding f;
        ig_finding_init(&f, "test.stream", ev);
        ig_emit_finding(call->emit, &f);
    }
    return IG_OK;
}
static const struct ig_detector det_stream = {
    .name = "test.stream", .client_size = sizeof(struct g_client), .observe = g_observe,
};
extern const struct ig_detector ig_det_abuse_identity_rotation;
static const struct ig_detector *const list_group[] = { &det_stream, &ig_det_abuse_identity_rotation,
                                                        &det_c, NULL };

struct gsink { uint64_t n; struct { char analytic[32], client[64], group_sample[200];
                                    uint64_t identities; unsigned basis; } f[16]; };
static void gsink_fn(void *ctx, const struct ig_finding *f)
{
    struct gsink *s = ctx;
    if (s->n < 16) {
        snprintf(s->f[s->n].analytic, 32, "%s", f->analytic);
        snprintf(s->f[s->n].client, 64, "%s", f->client_id);
        snprintf(s->f[s->n].group_sample, 200, "%s", f->group_sample ? f->group_sample : "");
        s->f[s->n].identities = f->group_identities;
        s->f[s->n].basis = f->id_basis;
    }
    s->n++;
}

static struct ig_event ev_src(const char *client, enum ig_identity_kind kind, const char *group,
                              uint64_t t)
{
    struct ig_event ev = ev_for(client, "m", IG_EV_TENSOR, t);
    ev.id_kind = kind;
    if (group) {
        ev.group_kind = IG_ID_SOURCE_IP;
        snprintf(ev.group_id, sizeof ev.group_id, "%s", group);
    }
    return ev;
}

/* 400 queries, a new identity each, from one source: the stream detector still fires on
 * the group's stream (about as soon as on one identity), the rotation finding names the
 * source and samples the identities, and the rotation neither evicts a real client nor
 * takes more than its admission allows. */
static void test_group_catches_rotation(void **state)
{
    (void)state;
    reset_counters();
    struct ig_config cfg = cfg_with(300, 64 << 20);
    struct gsink s = { 0 };
    struct ig_emit emit = { gsink_fn, &s };
    char err[256];
    struct ig_engine *e = ig_engine_new_with(&cfg, NULL, NULL, &emit, list_group, err, sizeof err);
    assert_non_null(e);

    /* A real client from another source, seen before and after. */
    struct ig_event real = ev_src("key:real", IG_ID_API_KEY, "127.0.0.20", 1000);
    ig_engine_observe(e, &real);
    uint64_t first_stream = 0, first_rot = 0;
    for (int i = 0; i < 400; i++) {
        char id[32];
        snprintf(id, sizeof id, "idp|user-%d", i);
        struct ig_event ev = ev_src(id, IG_ID_JWT_UNVERIFIED, "127.0.0.66", 2000 + (uint64_t)i * 100000);
        ig_engine_observe(e, &ev);
        for (uint64_t k = 0; k < s.n && k < 16; k++) {
            if (!first_stream && strcmp(s.f[k].analytic, "test.stream") == 0)
                first_stream = (uint64_t)i + 1;
            if (!first_rot && strcmp(s.f[k].analytic, "abuse.identity_rotation") == 0)
                first_rot = (uint64_t)i + 1;
        }
    }
    /* Group stream starts with the second identity: the 100th query of the group is the
     * 101st of the source. */
    assert_int_equal(first_stream, 101);
    /* Counted exactly up to 48 identities per half window: at the threshold, 32. */
    assert_int_equal(first_rot, 32);
    bool named = false;
    for (uint64_t k = 0; k < s.n && k < 16; k++) {
        if (strcmp(s.f[k].analytic, "test.stream") == 0) {
            assert_string_equal(s.f[k].client, "127.0.0.66");
            assert_int_equal(s.f[k].basis, IG_BASIS_SOURCE);
            assert_true(s.f[k].identities > 80);
            assert_non_null(strstr(s.f[k].group_sample, "jwt_unverified:idp|user-0"));
            named = true;
        }
    }
    assert_true(named);
    const struct ig_engine_stats *st = ig_engine_stats(e);
    /* Admission: a burst of 32 plus 60 a minute over 40 s of capture time (73), and never
     * more than identity.sources.max_clients (64) live at once; the real client and the
     * group's own entry besides. */
    assert_true(st->clients_deferred >= 400 - 64);
    assert_true(st->clients_active <= 1 + 1 + 64);
    assert_int_equal(st->clients_evicted, 0);
    ig_engine_observe(e, &real);
    assert_int_equal(st->clients_evicted, 0);
    ig_engine_free(e);
}

/* Many benign clients each behind their own source: no groups, no rotation, nothing
 * doubled; one source with two identities: the group runs only stream detectors. */
static void test_group_only_when_shared(void **state)
{
    (void)state;
    reset_counters();
    struct ig_config cfg = cfg_with(1000, 64 << 20);
    struct gsink s = { 0 };
    struct ig_emit emit = { gsink_fn, &s };
    char err[256];
    struct ig_engine *e = ig_engine_new_with(&cfg, NULL, NULL, &emit, list_group, err, sizeof err);
    assert_non_null(e);
    for (int i = 0; i < 50; i++) {
        char id[32], src[32];
        snprintf(id, sizeof id, "key:%d", i);
        snprintf(src, sizeof src, "127.0.1.%d", i);
        for (int q = 0; q < 5; q++) {
            struct ig_event ev = ev_src(id, IG_ID_API_KEY, src, 1000 + (uint64_t)q);
            ig_engine_observe(e, &ev);
        }
    }
    const struct ig_engine_stats *st = ig_engine_stats(e);
    assert_int_equal(st->group_events, 0);
    assert_int_equal(c_calls, 250);
    assert_int_equal(s.n, 0);
    /* A second key from 127.0.1.0: group events start; det_c (no client state) is not
     * called for them. */
    struct ig_event ev = ev_src("key:other", IG_ID_API_KEY, "127.0.1.0", 2000);
    ig_engine_observe(e, &ev);
    assert_int_equal(st->group_events, 1);
    assert_int_equal(c_calls, 251);
    ig_engine_free(e);
}

static void test_registry(void **state)
{
    (void)state;
    bool have_rate = false;
    for (size_t i = 0; ig_detectors[i]; i++) {
        assert_non_null(ig_detectors[i]->name);
        assert_true(ig_detectors[i]->observe || ig_detectors[i]->tick);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(ig_detectors[i]->name, ig_detectors[j]->name);
        have_rate |= strcmp(ig_detectors[i]->name, "abuse.rate") == 0;
    }
    assert_true(have_rate);
    /* The real registry builds with no rules and with defaults. */
    struct ig_config cfg = cfg_with(1000, 64 << 20);
    struct sink s = { 0 };
    struct ig_engine *e = engine(&cfg, NULL, &s, ig_detectors);
    struct ig_event ev = ev_for("x", "m", IG_EV_TENSOR | IG_EV_SCORES | IG_EV_LABELS, 1);
    ig_engine_observe(e, &ev);
    ig_engine_tick(e, 2);
    ig_engine_free(e);
}

/* Counters detectors keep about what they skipped reach the engine's caller through the
 * stats hook: rows narrower than adversarial.fingerprint's min_features (256 by default)
 * are counted; drift.features reports its models past max_models. */
static void test_detector_counters(void **state)
{
    (void)state;
    struct ig_config cfg = cfg_with(1000, 64 << 20);
    struct sink s = { 0 };
    struct ig_engine *e = engine(&cfg, NULL, &s, ig_detectors);
    float in[3 * 4] = { 0 };
    struct ig_event ev = ev_for("x", "m", IG_EV_TENSOR, 1000000);
    ev.inputs = in;
    ev.rows = 3;
    ev.features = 4;
    ig_engine_observe(e, &ev);
    ev.rows = 2;
    ev.req_time_us = 2000000;
    ig_engine_observe(e, &ev);
    bool fp = false, drift = false;
    for (size_t i = 0; i < ig_engine_detector_count(e); i++) {
        struct ig_det_counter c[IG_DET_MAX_COUNTERS];
        size_t n = ig_engine_detector_counters(e, i, c);
        assert_true(n <= IG_DET_MAX_COUNTERS);
        const char *name = ig_engine_detector_name(e, i);
        for (size_t k = 0; k < n; k++) {
            if (strcmp(name, "adversarial.fingerprint") == 0 && strcmp(c[k].name, "skipped_narrow") == 0) {
                assert_int_equal(c[k].value, 5);
                fp = true;
            }
            if (strcmp(name, "drift.features") == 0 && strcmp(c[k].name, "models_dropped") == 0) {
                assert_int_equal(c[k].value, 0);   /* one model, far below max_models */
                drift = true;
            }
        }
    }
    assert_true(fp);
    assert_true(drift);
    assert_int_equal(ig_engine_detector_counters(e, 1000, NULL), 0);
    ig_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wants_and_slices),
        cmocka_unit_test(test_client_queries),
        cmocka_unit_test(test_lru_eviction),
        cmocka_unit_test(test_memcap_holds),
        cmocka_unit_test(test_rules_disable_and_init_error),
        cmocka_unit_test(test_model_overflow),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_detector_counters),
        cmocka_unit_test(test_group_catches_rotation),
        cmocka_unit_test(test_group_only_when_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
