/* A copy of every pipeline counter, for /metrics (see snapshot.h): the parsing side's read
 * here, the detect stage's through its collect operation. */
#include "pipeline/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline_state.h"

struct proto_ctx { struct ig_pipeline_snapshot *s; };

static void take_proto(void *ctx, const char *proto, uint64_t flows)
{
    struct ig_pipeline_snapshot *s = ((struct proto_ctx *)ctx)->s;
    if (s->n_protos == IG_SNAP_MAX_PROTOS)
        return;
    snprintf(s->protos[s->n_protos].name, sizeof s->protos[0].name, "%s", proto);
    s->protos[s->n_protos++].flows = flows;
}

static void take_drop(void *ctx, const char *reason, uint64_t n)
{
    struct ig_pipeline_snapshot *s = ctx;
    if (s->n_drops == IG_SNAP_MAX_DROPS)
        return;
    s->drops[s->n_drops].reason = reason;
    s->drops[s->n_drops++].n = n;
}

void ig_pipeline_snapshot(const struct ig_pipeline *p, struct ig_pipeline_snapshot *out)
{
    memset(out, 0, sizeof *out);
    struct ig_parse_view *v = malloc(sizeof *v);
    if (!v)
        return;   /* all zero */
    ig_pipeline_parse_view(p, v);
    out->capture = v->capture;
    out->flow = v->c.flow;
    struct proto_ctx pc = { out };
    for (uint32_t i = 0; i < v->c.nproto; i++)
        take_proto(&pc, v->c.proto[i].name, v->c.proto[i].n);
    out->http = v->c.http;
    for (int k = 0; k < IG_LOAD__COUNT; k++)
        out->load[k] = atomic_load(&((struct ig_pipeline *)p)->load.total[k]);
    out->parse = v->c.parse;
    memcpy(out->events_by_proto, v->c.events_by_proto, sizeof out->events_by_proto);
    ig_detect_collect(p->detect, &out->det);
    memcpy(out->rules_origin, p->rules_origin, sizeof out->rules_origin);
    memcpy(out->rules_sha256, p->rules_sha256, sizeof out->rules_sha256);
    struct ig_counter_src src;
    ig_pipeline_counter_src(v, &out->det, &src);
    ig_pipeline_each_drop(v, &src, take_drop, out);
    free(v);
}
