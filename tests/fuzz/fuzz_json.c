/* libFuzzer: bytes -> ig_json_parse with tight limits, then every accessor on the tree
 * (numeric decoding, strings, lookups). Must never crash, hang or read out of bounds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/json.h"

/* Differential check: every decoded float equals glibc strtof on the same text. */
static void check_exact(const struct ig_json *v)
{
    if (!ig_json_is_numeric(v) || (v->flags & IG_JSON_F_OVERFLOW))
        return;
    const char *p = (const char *)v->raw.p, *e = p + v->raw.n;
    uint32_t k = 0;
    while (p < e) {
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
            char *end;
            float want = strtof(p, &end);
            if (k >= v->count || memcmp(&want, &v->f32[k], sizeof want) != 0) {
                fprintf(stderr, "value %u of '%.*s' differs from strtof\n", k, (int)(end - p), p);
                abort();
            }
            k++;
            p = end;
        } else {
            p++;
        }
    }
    if (k != v->count)
        abort();
}

static void walk(const struct ig_json *v, struct ig_scratch *s, int depth)
{
    if (!v || depth > 80)
        return;
    float f[64];
    double d[64];
    size_t n;
    const char *why;
    int64_t i;
    uint64_t u;
    struct ig_span sp;
    char buf[16];
    check_exact(v);
    ig_json_f32_array(v, f, 64, &n, &why);
    ig_json_f64_array(v, d, 64, &n, &why);
    ig_json_f64(v, d);
    ig_json_i64(v, &i);
    ig_json_u64(v, &u);
    ig_json_str(v, s, &sp);
    ig_json_str_copy(v, buf, sizeof buf);
    ig_json_str_eq(v, "data");
    ig_json_get(v, "inputs");
    ig_json_len(v);
    if (v->type == IG_JSON_OBJECT) {
        /* The index agrees with ig_json_get (last of duplicates wins) on every key, and
         * finds a repeat exactly when the parser marked the object. */
        struct ig_json_index ix;
        uint32_t dups = 0;
        if (ig_json_index_build(v, s, &ix, &dups) == IG_OK) {
            if (dups > 0 && !(v->flags & IG_JSON_F_DUPKEYS))
                abort();
            for (const struct ig_json *c = ig_json_first(v); c; c = ig_json_next(c)) {
                struct ig_span k;
                if (ig_json_key(c, s, &k) != IG_OK)
                    break;
                const struct ig_json *m = ig_json_index_get(&ix, k);
                if (!m)
                    abort();
                if (!(c->flags & IG_JSON_F_KEY_ESCAPED) && k.n < 200 && !memchr(k.p, 0, k.n)) {
                    char key[201];
                    memcpy(key, k.p, k.n);
                    key[k.n] = 0;
                    if (ig_json_get(v, key) != m)
                        abort();
                }
            }
        }
    }
    for (const struct ig_json *c = ig_json_first(v); c; c = ig_json_next(c))
        walk(c, s, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_scratch s;
    static bool init;
    if (!init) {
        ig_scratch_init(&s, 1 << 16, 1 << 24);
        init = true;
    }
    /* A private copy: the parser must not read past <size>. */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct ig_json_limits lim = { .max_depth = 40, .max_string = 4096, .max_values = 100000,
                                  .max_rows = 1000, .max_features = 10000 };
    const struct ig_json *root;
    const char *why;
    uint32_t doc = 0;
    if (ig_json_parse_ex(copy, size, &lim, &s, &root, &why, &doc) == IG_OK)
        walk(root, &s, 0);
    ig_scratch_reset(&s);
    free(copy);
    return 0;
}
