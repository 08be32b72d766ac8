/* libFuzzer: the rules loader on arbitrary bytes, both the checking path (every error
 * reported) and the loading path, plus the accessors on whatever loads, the params schema
 * (ig_rules_validate over this build's blocks) and each detector's params filled from it. */
#include <inferguard/detector.h>
#include <inferguard/rules.h>
#include <inferguard/log.h>

#include <stdlib.h>
#include <string.h>

static void count(void *ctx, const char *msg)
{
    if (!msg || !*msg)
        abort();
    ++*(int *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int seen = 0;
    ig_log_set_level(IG_LOG_LEVEL_ERROR);   /* "not a number; using default" would drown the run */
    int n = ig_rules_check_buf("fuzz.yaml", data, size, count, &seen);
    if (n != seen)
        abort();
    struct ig_rules *r = NULL;
    char err[512];
    int rc = ig_rules_load_buf("fuzz.yaml", data, size, &r, err, sizeof err);
    if ((rc == IG_OK) != (n == 0) || (rc == IG_OK) != (r != NULL))
        abort();
    if (r) {
        const char *const *items;
        (void)ig_rules_num(r, "abuse.rate", "max_requests", 1);
        (void)ig_rules_duration_us(r, "abuse.rate", "window", 1);
        (void)ig_rules_strlist(r, "abuse.rate", "names", &items);
        for (size_t i = 0, m = ig_rules_count(r, NULL); i < m; i++) {
            const struct ig_rule *ru = ig_rules_get(r, NULL, i);
            for (uint32_t k = 0; k < ru->patterns.n; k++)
                if (!ru->patterns.v[k])
                    abort();
            (void)ig_rule_applies(ru, "m", "/r");
            (void)ig_rule_num(ru, "x", 0);
        }
        /* Every value the params schema parses: reports match the count, and a detector's
         * struct fills exactly when its block checks. */
        int vseen = 0;
        if (ig_rules_validate(r, false, count, &vseen) != vseen)
            abort();
        for (size_t i = 0; ig_detectors[i]; i++) {
            const struct ig_detector *d = ig_detectors[i];
            int bad = ig_params_check(d->params, r, d->name, NULL, NULL);
            void *buf = calloc(1, d->params_size ? d->params_size : 1);
            if (!buf)
                continue;
            if ((ig_params_fill(d->params, r, d->name, buf, err, sizeof err) == IG_OK) != (bad == 0))
                abort();
            free(buf);
        }
        ig_rules_free(r);
    }
    return 0;
}
