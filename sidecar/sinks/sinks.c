/* The one table of sinks, and opening the configured ones. */
#include "sinks.h"
#include "findings/findings.h"

#include <string.h>

const struct ig_sink *const ig_sinks[] = {
    &ig_sink_file,
    &ig_sink_kafka,
    NULL,
};

const struct ig_sink *ig_sink_find(const char *name)
{
    for (size_t i = 0; ig_sinks[i]; i++)
        if (strcmp(ig_sinks[i]->name, name) == 0)
            return ig_sinks[i];
    return NULL;
}

static int open_one(struct ig_findings *f, const struct ig_sink *s, const struct ig_config *cfg,
                    char *err, size_t errlen)
{
    void *state = NULL;
    int rc = s->open(cfg, &state, err, errlen);
    if (rc < 0)
        return rc;
    rc = ig_findings_add_sink(f, s, state);
    if (rc < 0) {
        s->close(state, 0);
        snprintf(err, errlen, "too many sinks");
    }
    return rc;
}

int ig_sinks_open_all(struct ig_findings *f, const struct ig_config *cfg, char *err, size_t errlen)
{
    int n = 0, rc;
    for (size_t i = 0; ig_sinks[i]; i++) {
        if (!ig_sinks[i]->wanted || !ig_sinks[i]->wanted(cfg))
            continue;
        if ((rc = open_one(f, ig_sinks[i], cfg, err, errlen)) < 0)
            return rc;
        n++;
    }
    return n;
}
