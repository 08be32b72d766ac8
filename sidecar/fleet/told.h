/* What a findings-topic record told (`inferguard aggregate` reads the findings topic to hold
 * back what pods, earlier runs and other members already told): an OCSF Detection Finding
 * as JSON, or the same map as msgpack (findings.encoding: msgpack). Records come from
 * anyone who can produce to the topic: any input parses or is refused (fuzz_told). */
#ifndef IG_FLEET_TOLD_H
#define IG_FLEET_TOLD_H

#include <inferguard/config.h>
#include <inferguard/event.h>

#include "adapters/json.h"
#include "core/jsonw.h"

struct ig_fleet_told_rec {
    char client[IG_CLIENT_ID_MAX];   /* actor.user.uid, or "model:NAME" for a model-wide one */
    char analytic[128];              /* finding_info.analytic.name */
    uint64_t time_us;                /* time (ms) x 1000 */
    uint8_t severity;                /* severity_id, 0 when absent */
    bool fleet;                      /* unmapped.scope == "fleet" */
    bool msgpack;                    /* the record was msgpack */
};

struct ig_fleet_told_parser {
    struct ig_scratch scratch;
    struct ig_json_limits lim;
    struct ig_jsonw mpjson;          /* a msgpack record rewritten as JSON */
};

/* JSON limits from cfg. IG_OK or IG_ENOMEM. */
int  ig_fleet_told_parser_init(struct ig_fleet_told_parser *p, const struct ig_config *cfg);
void ig_fleet_told_parser_free(struct ig_fleet_told_parser *p);
/* One record. IG_OK with *out filled, or IG_EPARSE (not a finding we can read: no analytic
 * name or no time). */
int  ig_fleet_told_parse(struct ig_fleet_told_parser *p, const void *buf, size_t n,
                         struct ig_fleet_told_rec *out);

#endif
