/* A validating one-pass JSON parser for inference payloads, into the scratch arena.
 *
 * Inference bodies are dominated by number arrays, so an array whose leaves are all
 * numbers (flat, or nested and rectangular such as [[1,2],[3,4]]) is not expanded into
 * nodes: it is validated, its shape recorded, its raw text kept, and its values decoded
 * to float32 in the same pass (bit-identical to glibc strtof) into the scratch arena;
 * ig_json_f32_array() hands them out, ig_json_f64_array() decodes the raw text again.
 * Everything else becomes a small DOM of struct ig_json nodes in the scratch arena.
 *
 * Usage:
 *   struct ig_json_limits lim; ig_json_limits_from_config(&lim, cfg);
 *   const struct ig_json *root; const char *why;
 *   if (ig_json_parse(body.p, body.n, &lim, scratch, &root, &why) < 0) -> drop, reason why
 *   const struct ig_json *inputs = ig_json_get(root, "inputs");      (NULL if absent)
 *   for (const struct ig_json *in = ig_json_first(inputs); in; in = ig_json_next(in)) {
 *       struct ig_span name; ig_json_str(ig_json_get(in, "name"), scratch, &name);
 *       const struct ig_json *data = ig_json_get(in, "data");
 *       if (ig_json_is_numeric(data)) {
 *           size_t n; float *v = ig_scratch_alloc(scratch, data->count * sizeof *v);
 *           if (ig_json_f32_array(data, v, data->count, &n, &why) < 0) -> malformed
 *       }
 *   }
 * Nodes, and the raw spans they hold, point into the input text and the scratch arena:
 * they stay valid while both do. Numbers that overflow float32 (strtof gives +-inf) make
 * ig_json_f32_array fail with a reason.
 * The document is read as the model server reads it (Python's json, Go's encoding/json,
 * pydantic): NaN, Infinity and -Infinity are accepted as numbers (IG_JSON_F_NONFINITE;
 * the numeric getters and array decoders refuse them with a reason), and with duplicate
 * keys the last one wins (ig_json_get), the object marked IG_JSON_F_DUPKEYS.
 * ig_json_parse_ex reports both for the whole document.
 * Strings are checked for JSON escapes and control characters, not for valid UTF-8. */
#ifndef IG_ADAPTERS_JSON_H
#define IG_ADAPTERS_JSON_H

#include <inferguard/base.h>
#include <inferguard/config.h>

#include <string.h>

enum ig_json_type {
    IG_JSON_NULL = 0, IG_JSON_FALSE, IG_JSON_TRUE, IG_JSON_NUMBER, IG_JSON_STRING,
    IG_JSON_ARRAY, IG_JSON_OBJECT,
};

#define IG_JSON_MAX_DIMS 8

enum ig_json_node_flags {
    IG_JSON_F_NUMERIC     = 1u << 0,  /* array: all leaves numbers, rectangular; lazy, no child nodes */
    IG_JSON_F_ESCAPED     = 1u << 1,  /* string value contains backslash escapes */
    IG_JSON_F_KEY_ESCAPED = 1u << 2,  /* member key contains backslash escapes */
    IG_JSON_F_INTEGER     = 1u << 3,  /* number: no fraction or exponent; numeric array: all leaves so */
    IG_JSON_F_OVERFLOW    = 1u << 4,  /* numeric array: a value overflows float32 */
    IG_JSON_F_NONFINITE   = 1u << 5,  /* number, or numeric array holding, NaN/Infinity/-Infinity */
    IG_JSON_F_DUPKEYS     = 1u << 6,  /* object: some key appears more than once */
};

/* What ig_json_parse_ex saw anywhere in the document. */
enum ig_json_doc_flags {
    IG_JSON_DOC_DUPKEYS   = 1u << 0,
    IG_JSON_DOC_NONFINITE = 1u << 1,
};

struct ig_json {
    uint8_t  type;        /* enum ig_json_type */
    uint8_t  flags;       /* enum ig_json_node_flags */
    uint8_t  ndim;        /* numeric array: number of dimensions (1..IG_JSON_MAX_DIMS) */
    uint32_t count;       /* array: elements (outer dimension); object: members;
                           * numeric array: total number of leaves (product of shape) */
    uint32_t shape[IG_JSON_MAX_DIMS];  /* numeric array only */
    struct ig_span raw;   /* number: its text; string: contents without quotes, still escaped;
                           * numeric array: the text from '[' to ']' */
    struct ig_span key;   /* member of an object: key without quotes, still escaped */
    const float *f32;             /* numeric array: the <count> values as float32, row-major */
    const struct ig_json *child;  /* first element / member (NULL for numeric arrays) */
    const struct ig_json *next;   /* next sibling in the parent array / object */
};

struct ig_json_limits {
    uint32_t max_depth;     /* nesting of arrays and objects */
    uint32_t max_string;    /* bytes of one string (escaped form) */
    uint32_t max_values;    /* elements of one array; leaves of one numeric array */
    uint32_t max_rows;      /* numeric array with >= 2 dims: shape[0] */
    uint32_t max_features;  /* numeric array with >= 2 dims: product of shape[1..] */
};

/* Copies adapters.* limits from <cfg>; cfg == NULL gives the documented defaults. */
void ig_json_limits_from_config(struct ig_json_limits *l, const struct ig_config *cfg);

/* Parses and validates the whole of <p, n> (one value, optional surrounding whitespace).
 * On IG_OK sets *root. Otherwise returns IG_EPARSE (malformed), IG_ELIMIT (over a limit)
 * or IG_ENOMEM (scratch full), with *reason a static string. Never allocates outside
 * <s>; recursion is bounded by lim->max_depth. */
int ig_json_parse(const uint8_t *p, size_t n, const struct ig_json_limits *lim,
                  struct ig_scratch *s, const struct ig_json **root, const char **reason);
/* The same; *doc (may be NULL) gets enum ig_json_doc_flags, also when parsing fails
 * (what was seen before the failure). Duplicate keys are found with a hash index per
 * object (seeded per process), so the work stays linear in the input. */
int ig_json_parse_ex(const uint8_t *p, size_t n, const struct ig_json_limits *lim,
                     struct ig_scratch *s, const struct ig_json **root, const char **reason,
                     uint32_t *doc);

/* Object member by key (compared after unescaping); NULL when <obj> is NULL, not an
 * object, or has no such key. With duplicate keys the last one wins, as in the servers. */
const struct ig_json *ig_json_get(const struct ig_json *obj, const char *key);
/* The same with the key's length given (ig_json_get passes strlen, folded for literals). */
const struct ig_json *ig_json_get_n(const struct ig_json *obj, const char *key, size_t n);
#define ig_json_get(obj, key) ig_json_get_n((obj), (key), strlen(key))

/* Hash index of an object's members by unescaped key, for many lookups in one object
 * (linear instead of members x lookups). Built in <s>; the last of duplicate keys wins.
 * ig_json_index_build returns IG_OK (sets *dups to the number of repeated keys when
 * dups != NULL) or IG_ENOMEM. */
struct ig_json_index {
    const struct ig_json **member;   /* by ordinal */
    struct ig_span *key;             /* unescaped key by ordinal */
    uint32_t *hash;                  /* by ordinal */
    uint32_t *slot;                  /* ordinal + 1, 0 = empty; mask + 1 entries */
    uint32_t mask;
};
int ig_json_index_build(const struct ig_json *obj, struct ig_scratch *s, struct ig_json_index *ix,
                        uint32_t *dups);
/* Member whose unescaped key is <key>, or NULL. */
const struct ig_json *ig_json_index_get(const struct ig_json_index *ix, struct ig_span key);
/* Unescaped key of member <m> (into <s> only when escaped). IG_OK or IG_ENOMEM. */
int ig_json_key(const struct ig_json *m, struct ig_scratch *s, struct ig_span *out);

/* Iteration over an array's elements or an object's members (ig_json.key); numeric
 * arrays have no nodes, so ig_json_first() returns NULL for them: use their decoders. */
static inline const struct ig_json *ig_json_first(const struct ig_json *v)
{
    return v && (v->type == IG_JSON_ARRAY || v->type == IG_JSON_OBJECT) ? v->child : NULL;
}
static inline const struct ig_json *ig_json_next(const struct ig_json *v) { return v->next; }

static inline bool ig_json_is_numeric(const struct ig_json *v)
{
    return v && v->type == IG_JSON_ARRAY && (v->flags & IG_JSON_F_NUMERIC);
}
/* Number of elements of an array (outer dimension) or members of an object; 0 otherwise. */
uint32_t ig_json_len(const struct ig_json *v);

/* Decodes every leaf of a numeric array, row-major, into out[0..max), each float32
 * bit-identical to strtof on the same text. Sets *n to the number written. Returns
 * IG_OK, IG_ELIMIT when count > max, IG_EPARSE when <v> is not a numeric array or a
 * value overflows float32 (*reason set). Also accepts a single number (count 1). */
int ig_json_f32_array(const struct ig_json *v, float *out, size_t max, size_t *n,
                      const char **reason);
/* Same, as double (strtod-exact); integers up to 2^53 are exact. */
int ig_json_f64_array(const struct ig_json *v, double *out, size_t max, size_t *n,
                      const char **reason);

/* Scalar getters. Return IG_OK, or IG_EPARSE when <v> is NULL, not a number, or (for
 * the integer getters) not an integer in range. */
int ig_json_f64(const struct ig_json *v, double *out);
int ig_json_i64(const struct ig_json *v, int64_t *out);
int ig_json_u64(const struct ig_json *v, uint64_t *out);

/* String value, unescaped (into <s> only when it has escapes; invalid surrogates become
 * U+FFFD). Returns IG_OK, IG_EPARSE when <v> is not a string, IG_ENOMEM. */
int ig_json_str(const struct ig_json *v, struct ig_scratch *s, struct ig_span *out);
/* True when <v> is a string equal (after unescaping) to <lit>. */
bool ig_json_str_eq(const struct ig_json *v, const char *lit);
/* Copies the unescaped string into buf (NUL-terminated, truncated to len-1 bytes).
 * Returns the untruncated length, or -1 when <v> is not a string. */
long ig_json_str_copy(const struct ig_json *v, char *buf, size_t len);

/* Validates the body of a JSON string at <p> (just after its opening quote) within
 * [p, end), as the parser does (escapes, no control bytes, at most <max_string> bytes).
 * Returns IG_OK with *len the body's length (the closing quote is p[*len]) and *escaped,
 * or IG_EPARSE / IG_ELIMIT. */
int ig_json_string_body(const uint8_t *p, const uint8_t *end, uint32_t max_string,
                        size_t *len, bool *escaped);

/* Parses one float exactly like strtof (round to nearest even), from JSON number text
 * <p, n> that is followed in memory by a byte that cannot continue a number.
 * Exposed for tests and benches. */
float ig_json_parse_f32(const char *p, size_t n);

#endif
