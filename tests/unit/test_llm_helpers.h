/* Shared fixture for the LLM detector tests: an engine with one detector, rules from the
 * shipped rules dir ($IG_SRC/rules) plus optional extra YAML, findings copied out. */
#ifndef TEST_LLM_HELPERS_H
#define TEST_LLM_HELPERS_H

#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 978307200000000ull
#define SEC 1000000ull

struct lf {
    char analytic[48], client[64], title[96];
    int sev, natlas, nev;
    char atlas[4][24];
    char ev_key[8][48], ev_val[8][160];
    int nscore;
    char score_key[12][32];
    double score[12];
    uint64_t rule_throttle_us;   /* ig_finding_rule's marks */
    bool throttle_detector;
};

struct lgot { int n; struct lf f[64]; };

static void lh_sink(void *ctx, const struct ig_finding *f)
{
    struct lgot *g = ctx;
    if (g->n >= 64)
        return;
    struct lf *o = &g->f[g->n++];
    memset(o, 0, sizeof *o);
    snprintf(o->analytic, sizeof o->analytic, "%s", f->analytic);
    snprintf(o->client, sizeof o->client, "%s", f->client_id ? f->client_id : "");
    snprintf(o->title, sizeof o->title, "%s", f->title ? f->title : "");
    o->sev = f->severity;
    o->rule_throttle_us = f->rule_throttle_us;
    o->throttle_detector = f->throttle_detector;
    for (int i = 0; i < IG_FINDING_MAX_ATTACKS && f->atlas[i]; i++)
        snprintf(o->atlas[o->natlas++], 24, "%s", f->atlas[i]);
    for (uint32_t i = 0; i < f->nevidence && i < 8; i++) {
        snprintf(o->ev_key[i], 48, "%s", f->evidence[i].key);
        snprintf(o->ev_val[i], 160, "%s", f->evidence[i].value);
        o->nev++;
    }
    for (uint32_t i = 0; i < f->nscores && i < 12; i++) {
        snprintf(o->score_key[i], 32, "%s", f->scores[i].key);
        o->score[i] = f->scores[i].value;
        o->nscore++;
    }
}

static inline bool lf_has_atlas(const struct lf *f, const char *id)
{
    for (int i = 0; i < f->natlas; i++)
        if (!strcmp(f->atlas[i], id))
            return true;
    return false;
}

static inline double lf_score(const struct lf *f, const char *k)
{
    for (int i = 0; i < f->nscore; i++)
        if (!strcmp(f->score_key[i], k))
            return f->score[i];
    return -1;
}

static inline const char *lf_evidence(const struct lf *f, const char *k)
{
    for (int i = 0; i < f->nev; i++)
        if (!strcmp(f->ev_key[i], k))
            return f->ev_val[i];
    return NULL;
}

struct lfx { struct ig_engine *e; struct ig_rules *r; struct lgot *got; };

/* Loads $IG_SRC/rules, or only <extra> when shipped is false; <extra> (may be NULL) is
 * written as zz-test.yaml next to a copy so it overrides shipped settings. */
static struct lfx lh_setup(const struct ig_detector *d, bool shipped, const char *extra)
{
    struct lfx fx = { 0 };
    char err[512] = "";
    if (shipped) {
        const char *src = getenv("IG_SRC");
        char dir[128], cmd[1400];
        snprintf(dir, sizeof dir, "/tmp/ig-llm-rules.XXXXXX");
        if (!mkdtemp(dir))
            fail_msg("cannot create a rules directory");
        snprintf(cmd, sizeof cmd, "cp %.400s/rules/*.yaml %s/", src ? src : ".", dir);
        if (system(cmd) != 0)
            fail_msg("cannot copy rules");
        if (extra) {
            char p[600];
            snprintf(p, sizeof p, "%s/zz-test.yaml", dir);
            FILE *fp = fopen(p, "w");
            fputs(extra, fp);
            fclose(fp);
        }
        if (ig_rules_load_dir(dir, &fx.r, err, sizeof err) != IG_OK)
            fail_msg("%s", err);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0)
            fail_msg("cannot remove %s", dir);
    } else if (extra) {
        if (ig_rules_load_buf("t.yaml", extra, strlen(extra), &fx.r, err, sizeof err) != IG_OK)
            fail_msg("%s", err);
    }
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    fx.got = calloc(1, sizeof *fx.got);
    struct ig_emit emit = { lh_sink, fx.got };
    const struct ig_detector *const list[] = { d, NULL };
    fx.e = ig_engine_new_with(&cfg, fx.r, NULL, &emit, list, err, sizeof err);
    if (!fx.e)
        fail_msg("%s", err);
    return fx;
}

static void lh_teardown(struct lfx *fx)
{
    ig_engine_free(fx->e);
    ig_rules_free(fx->r);
    free(fx->got);
}

/* One chat exchange from <client> at <t>. */
static void lh_chat(struct lfx *fx, const char *client, uint64_t t, const char *prompt,
                    const char *completion, const char *system)
{
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.client_id, sizeof ev.client_id, "%s", client);
    snprintf(ev.model, sizeof ev.model, "gpt-test");
    snprintf(ev.method, sizeof ev.method, "POST");
    snprintf(ev.route, sizeof ev.route, "/v1/chat/completions");
    ev.protocol = IG_PROTO_OPENAI_CHAT;
    ev.req_time_us = t;
    ev.resp_time_us = t + 1000;
    ev.status = 200;
    ev.flags = IG_EV_TEXT;
    if (prompt)
        ev.prompt = (struct ig_span){ (const uint8_t *)prompt, strlen(prompt) };
    if (completion)
        ev.completion = (struct ig_span){ (const uint8_t *)completion, strlen(completion) };
    if (system)
        ev.system_prompt = (struct ig_span){ (const uint8_t *)system, strlen(system) };
    ig_engine_observe(fx->e, &ev);
}

#endif
