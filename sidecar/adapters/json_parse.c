/* One-pass validating JSON parser into the scratch arena (see json.h). Arrays are first
 * scanned as numeric arrays (numbers only, rectangular), decoding each number to float32
 * as it is validated; when that fails on a non-number token or a ragged shape, the same
 * array is parsed again into nodes. The rescan is
 * bounded by the nesting depth, and only mixed arrays pay for it. */
#include "adapters/json.h"
#include "adapters/json_lex.h"
#include "core/bytescan.h"

#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Our recursion depth never exceeds this, whatever the configuration says. */
#define JP_HARD_DEPTH 512

struct jp {
    const uint8_t *p, *end;
    const struct ig_json_limits *lim;
    struct ig_scratch *s;
    const char *reason;
    uint32_t max_depth;
    uint32_t doc;            /* enum ig_json_doc_flags */
};

static int fail(struct jp *j, int st, const char *why)
{
    j->reason = why;
    return st;
}

static inline void skip_ws(struct jp *j)
{
    /* one compare for the usual case, a structural or value byte (all above ' ') */
    while (j->p < j->end && *j->p <= ' ' &&
           (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

/* Validates a JSON number at j->p and advances past it. *integer is cleared when the
 * number has a fraction or exponent. NaN, Infinity and -Infinity are taken as Python's
 * json takes them (its default, and what json.dumps writes): returns 1 with *nf set. */
static int scan_number(struct jp *j, bool *integer, struct ig_json_num *num, float *nf)
{
    const uint8_t *q = ig_json_lex(j->p, j->end, num);
    if (unlikely(!q)) {
        static const struct { const char *tok; size_t n; float v; } nonfinite[] = {
            { "NaN", 3, NAN }, { "Infinity", 8, INFINITY }, { "-Infinity", 9, -INFINITY },
        };
        size_t left = (size_t)(j->end - j->p);
        for (size_t i = 0; i < IG_ARRAY_LEN(nonfinite); i++) {
            if (left >= nonfinite[i].n && memcmp(j->p, nonfinite[i].tok, nonfinite[i].n) == 0) {
                j->p += nonfinite[i].n;
                j->doc |= IG_JSON_DOC_NONFINITE;
                *integer = false;
                *nf = nonfinite[i].v;
                return 1;
            }
        }
        return fail(j, IG_EPARSE, "invalid number");
    }
    *integer &= num->integer;
    j->p = q;
    return IG_OK;
}

/* Growable float buffer in scratch for a numeric array being decoded. */
struct fbuf {
    float *v;
    uint32_t n, cap;
};

static bool fbuf_grow(struct jp *j, struct fbuf *b)
{
    uint32_t cap = b->cap ? b->cap * 2 : 64;
    float *v = ig_scratch_alloc(j->s, (size_t)cap * sizeof *v);
    if (!v)
        return false;
    if (b->n)
        memcpy(v, b->v, (size_t)b->n * sizeof *v);
    b->v = v;
    b->cap = cap;
    return true;
}

/* Decodes a run of numbers "1.5,-2, 3e4" starting at j->p (a '-' or a digit) into <out>
 * with the unchecked lexer of json_lex.h, at most <room> of them. The last IG_JSON_PAD
 * bytes of the text are read from a zero-padded copy, so numbers near the end take the
 * same path (a zero byte ends a number as the end of the text does). Stops at the first
 * number that lexer does not take, or after a number not followed by ',' [' '] and a
 * number. Returns how many were taken; j->p is after the last one, or with *cont set, at
 * the next number of the run (after its ','), which the caller takes. */
static inline uint32_t run_fast(struct jp *j, float *out, uint32_t room, bool *integer, bool *cont)
{
    const uint8_t *p = j->p, *end = j->end, *org = NULL;
    uint8_t tail[2 * IG_JSON_PAD];
    uint32_t k = 0;
    size_t sep = 1;
    *cont = false;
    for (;;) {
        if (unlikely(end - p < IG_JSON_PAD) && !org) {
            size_t left = (size_t)(end - p);
            memcpy(tail, p, left);
            memset(tail + left, 0, sizeof tail - left);
            org = p;
            p = tail;
            end = tail + sizeof tail;   /* what may be read; the copy ends at tail + left */
        }
        float f;
        const uint8_t *q = ig_json_lex_f32_padded(p, &f, integer);
        if (unlikely(!q)) {
            *cont = k > 0;
            break;
        }
        out[k++] = f;
        p = q;
        if (likely(end - p >= 3 && p[0] == ',')) {
            /* The next number starts <sep> bytes on: the run's separator, "," or ", ",
             * taken as the last one was, and corrected by a branch when it changes. The
             * next start then hangs on p alone, not on a load of p[1]: the numbers of a
             * run are a chain, and that load was a link of it. */
            const uint8_t *r = p + sep;
            if (unlikely((p[1] == ' ') != (sep == 2))) {
                sep ^= 3;
                r = p + sep;
            }
            if (likely(*r == '-' || (unsigned)(*r - '0') < 10)) {
                p = r;
                if (likely(k < room))
                    continue;
                *cont = true;
            }
        }
        break;
    }
    j->p = org ? org + (p - tail) : p;
    return k;
}

/* Tries to take the array at j->p ('[') as a numeric array. Returns 1 and fills <v> on
 * success, 0 (position unchanged) when the array is not numeric or not rectangular, or
 * a negative status on malformed input. */
static int scan_numeric(struct jp *j, struct ig_json *v, uint32_t depth)
{
    const uint8_t *start = j->p;
    uint32_t count[IG_JSON_MAX_DIMS] = {0};
    uint32_t shape[IG_JSON_MAX_DIMS];
    bool known[IG_JSON_MAX_DIMS] = {false};
    int ndim = 0;            /* 0 until the first leaf or empty array fixes it */
    int d = 0;               /* current open level (0-based) */
    uint64_t leaves = 0;
    bool integer = true, overflow = false, nonfinite = false;
    uint32_t max_values = j->lim->max_values;
    /* Decoded values; a failed attempt leaves its buffer unused in the scratch arena. */
    struct fbuf fb = { NULL, 0, 0 };

    j->p++;                  /* '[' */
    for (;;) {
        skip_ws(j);
        if (unlikely(j->p >= j->end))
            return fail(j, IG_EPARSE, "truncated array");
        uint8_t c = *j->p;
        if (c == ']') {
            if (ndim == 0)
                ndim = d + 1;          /* empty innermost array fixes the rank */
            if (d != ndim - 1 && count[d] == 0)
                goto not_numeric;      /* [] where an array of arrays was expected */
            if (known[d] && shape[d] != count[d])
                goto not_numeric;      /* ragged */
            shape[d] = count[d];
            known[d] = true;
            j->p++;
            if (d == 0)
                break;
            d--;
            goto after_value;
        }
        /* An element of level d. */
        if (unlikely(++count[d] > max_values)) {
            j->p = start;
            return fail(j, IG_ELIMIT, "array longer than adapters.max_values");
        }
        if (c == '[') {
            if (ndim != 0 && d + 1 >= ndim)
                goto not_numeric;      /* array where a number was expected */
            if (d + 1 >= IG_JSON_MAX_DIMS || depth + d + 1 >= j->max_depth)
                goto not_numeric;      /* let the general parser judge the depth */
            d++;
            count[d] = 0;
            j->p++;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            if (ndim == 0)
                ndim = d + 1;
            else if (d != ndim - 1)
                goto not_numeric;
            for (;;) {
                /* The first number (or the next, after a stop of the run) is counted in
                 * count[d]; the run stays within max_values and the decoded buffer. */
                if (unlikely(fb.n == fb.cap) && leaves < max_values && !fbuf_grow(j, &fb))
                    return fail(j, IG_ENOMEM, "scratch memory exhausted");
                uint32_t room = IG_MIN(fb.cap - fb.n, (uint32_t)IG_MIN(max_values - leaves,
                                                                       (uint64_t)max_values - count[d] + 1));
                if (likely(room)) {
                    bool cont;
                    uint32_t k = run_fast(j, fb.v + fb.n, room, &integer, &cont);
                    if (likely(k)) {
                        fb.n += k;
                        leaves += k;
                        count[d] += k - 1;
                        if (!cont)
                            break;
                        if (unlikely(++count[d] > max_values)) {
                            j->p = start;
                            return fail(j, IG_ELIMIT, "array longer than adapters.max_values");
                        }
                    }
                }
                const uint8_t *text = j->p;
                struct ig_json_num num;
                float nf, f = 0.0f;
                int st;
                /* Common shapes far from the end: no bounds checks (json_lex.h). */
                const uint8_t *q0 = likely(j->end - text >= IG_JSON_PAD)
                                        ? ig_json_lex_f32_padded(text, &f, &integer) : NULL;
                if (likely(q0 != NULL)) {
                    j->p = q0;
                    st = 2;
                } else if ((st = scan_number(j, &integer, &num, &nf)) < 0) {
                    return st;
                }
                if (unlikely(++leaves > max_values)) {
                    j->p = start;
                    return fail(j, IG_ELIMIT, "numeric array has more than adapters.max_values values");
                }
                if (unlikely(fb.n == fb.cap) && !fbuf_grow(j, &fb))
                    return fail(j, IG_ENOMEM, "scratch memory exhausted");
                if (likely(st == 2)) {
                    /* decoded above */
                } else if (unlikely(st == 1)) {
                    f = nf;
                    nonfinite = true;
                } else if (unlikely(!ig_json_fast_f32(&num, &f))) {
                    /* strtof needs a byte after the number that cannot continue it */
                    if (j->p >= j->end)
                        return fail(j, IG_EPARSE, "truncated array");
                    f = ig_json_slow_f32((const char *)text);
                    overflow |= (f - f != 0);
                }
                fb.v[fb.n++] = f;
                /* Fast path for runs like "1.5,-2,3e4" or "1.5, -2" (Python's json.dumps):
                 * the next number right after ',' and at most one space. */
                const uint8_t *q = j->p;
                if (likely(j->end - q >= 3 && q[0] == ',')) {
                    q += 1 + (q[1] == ' ');
                    if (likely(*q == '-' || (unsigned)(*q - '0') < 10)) {
                        j->p = q;
                        if (unlikely(++count[d] > max_values)) {
                            j->p = start;
                            return fail(j, IG_ELIMIT, "array longer than adapters.max_values");
                        }
                        continue;
                    }
                }
                break;
            }
        } else {
            goto not_numeric;
        }
after_value:
        skip_ws(j);
        if (unlikely(j->p >= j->end))
            return fail(j, IG_EPARSE, "truncated array");
        if (*j->p == ',') {
            j->p++;
            skip_ws(j);
            if (j->p < j->end && *j->p == ']')
                return fail(j, IG_EPARSE, "trailing comma in array");
            continue;
        }
        if (*j->p != ']')
            return fail(j, IG_EPARSE, "expected ',' or ']' in array");
    }

    /* Rank and limits. */
    v->type = IG_JSON_ARRAY;
    v->flags = IG_JSON_F_NUMERIC | (integer ? IG_JSON_F_INTEGER : 0) |
               (overflow ? IG_JSON_F_OVERFLOW : 0) | (nonfinite ? IG_JSON_F_NONFINITE : 0);
    v->f32 = fb.v;
    v->ndim = (uint8_t)ndim;
    memcpy(v->shape, shape, sizeof(uint32_t) * (size_t)ndim);
    v->count = (uint32_t)leaves;
    v->raw = (struct ig_span){ start, (size_t)(j->p - start) };
    v->child = NULL;
    if (ndim >= 2) {
        uint64_t feat = 1;
        for (int i = 1; i < ndim; i++)
            feat *= shape[i];
        if (shape[0] > j->lim->max_rows)
            return fail(j, IG_ELIMIT, "tensor has more rows than adapters.max_rows");
        if (feat > j->lim->max_features)
            return fail(j, IG_ELIMIT, "tensor row has more values than adapters.max_features");
    }
    return 1;

not_numeric:
    j->p = start;
    return 0;
}

/* First '"', '\\' or control byte (< 0x20) in [p, e), or e. SSE2 (part of x86-64 itself, no
 * run-time choice) takes 16 bytes a step, so most keys and short values in one; the tail,
 * and other machines, take bytescan.h's 8-byte SWAR loop. */
static inline const uint8_t *string_stop(const uint8_t *p, const uint8_t *e)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));   /* v <= 0x1f */
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    return ig_find_json_string_stop(p, e);
}

/* Validates a string body after the opening quote; leaves j->p after the closing quote. */
static __attribute__((noinline)) int scan_string_any(struct jp *j, struct ig_span *out, bool *escaped)
{
    const uint8_t *start = j->p, *p = j->p, *e = j->end;
    *escaped = false;
    for (;;) {
        p = string_stop(p, e);
        if (unlikely(p >= e))
            return fail(j, IG_EPARSE, "unterminated string");
        if (*p == '"')
            break;
        if (*p < 0x20)
            return fail(j, IG_EPARSE, "control character in string");
        *escaped = true;
        if (p + 1 >= e)
            return fail(j, IG_EPARSE, "unterminated string");
        switch (p[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p += 2;
            break;
        case 'u':
            if (e - p < 6)
                return fail(j, IG_EPARSE, "truncated \\u escape");
            for (int i = 2; i < 6; i++) {
                uint8_t h = p[i];
                if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                    return fail(j, IG_EPARSE, "invalid \\u escape");
            }
            p += 6;
            break;
        default:
            return fail(j, IG_EPARSE, "invalid escape in string");
        }
    }
    if ((size_t)(p - start) > j->lim->max_string)
        return fail(j, IG_ELIMIT, "string longer than adapters.max_string");
    *out = (struct ig_span){ start, (size_t)(p - start) };
    j->p = p + 1;
    return IG_OK;
}

/* scan_string_any() for a string whose closing quote is among its next 16 bytes with no
 * escape or control byte before it (keys, names, datatypes: nearly every string of a
 * tensor document), inline: the general function's set-up (its SWAR constants, six saved
 * registers) cost more than the scan of such a string. */
static inline int scan_string(struct jp *j, struct ig_span *out, bool *escaped)
{
#ifdef __SSE2__
    const uint8_t *p = j->p;
    if (likely(j->end - p >= 16)) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                              _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (likely(mask)) {
            unsigned n = (unsigned)__builtin_ctz(mask);
            if (likely(p[n] == '"' && n <= j->lim->max_string)) {
                *escaped = false;
                *out = (struct ig_span){ p, n };
                j->p = p + n + 1;
                return IG_OK;
            }
        }
    }
#endif
    return scan_string_any(j, out, escaped);
}

int ig_json_string_body(const uint8_t *p, const uint8_t *end, uint32_t max_string,
                        size_t *len, bool *escaped)
{
    struct ig_json_limits lim = { .max_string = max_string };
    struct jp j = { .p = p, .end = end, .lim = &lim };
    struct ig_span out;
    int st = scan_string(&j, &out, escaped);
    if (st < 0)
        return st;
    *len = out.n;
    return IG_OK;
}

/* Zeroes a node in 16-byte stores: gcc's generic tuning turns a memset of its 96 bytes into
 * rep stos, whose start-up cost was a quarter of the parser's own time on small documents
 * (OpenAI stream chunks, one per token). */
static inline void zero_node(struct ig_json *n)
{
#ifdef __SSE2__
    _Static_assert(sizeof *n % 16 == 0, "ig_json: a whole number of 16-byte stores");
    __m128i z = _mm_setzero_si128();
    for (size_t i = 0; i < sizeof *n; i += 16)
        _mm_storeu_si128((__m128i *)(void *)((char *)n + i), z);
#else
    memset(n, 0, sizeof *n);
#endif
}

static struct ig_json *new_node(struct jp *j)
{
    struct ig_json *n = ig_scratch_alloc(j->s, sizeof *n);
    if (n)
        zero_node(n);
    return n;
}

static int parse_value(struct jp *j, struct ig_json *v, uint32_t depth);

static int parse_array(struct jp *j, struct ig_json *v, uint32_t depth)
{
    int st = scan_numeric(j, v, depth);
    if (st != 0)
        return st < 0 ? st : IG_OK;

    const uint8_t *start = j->p;
    v->type = IG_JSON_ARRAY;
    j->p++;
    struct ig_json **tail = (struct ig_json **)&v->child;
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        v->raw = (struct ig_span){ start, (size_t)(j->p - start) };
        return IG_OK;
    }
    for (;;) {
        if (unlikely(v->count >= j->lim->max_values))
            return fail(j, IG_ELIMIT, "array longer than adapters.max_values");
        struct ig_json *c = new_node(j);
        if (!c)
            return fail(j, IG_ENOMEM, "scratch memory exhausted");
        if ((st = parse_value(j, c, depth + 1)) < 0)
            return st;
        *tail = c;
        tail = (struct ig_json **)&c->next;
        v->count++;
        skip_ws(j);
        if (j->p >= j->end)
            return fail(j, IG_EPARSE, "truncated array");
        if (*j->p == ']') {
            j->p++;
            break;
        }
        if (*j->p != ',')
            return fail(j, IG_EPARSE, "expected ',' or ']' in array");
        j->p++;
    }
    v->raw = (struct ig_span){ start, (size_t)(j->p - start) };
    return IG_OK;
}

/* Same unescaped key? Escaped keys are short in practice; a long one is decoded in scratch. */
static bool same_key(struct jp *j, const struct ig_json *a, const struct ig_json *b)
{
    if (!((a->flags | b->flags) & IG_JSON_F_KEY_ESCAPED))
        return a->key.n == b->key.n &&
               (a->key.n == 0 || (a->key.p[0] == b->key.p[0] && memcmp(a->key.p, b->key.p, a->key.n) == 0));
    struct ig_span ka, kb;
    if (ig_json_key(a, j->s, &ka) < 0 || ig_json_key(b, j->s, &kb) < 0)
        return true;   /* cannot tell: assume repeated, so lookups scan every member */
    return ka.n == kb.n && memcmp(ka.p, kb.p, ka.n) == 0;
}

/* Marks <v> (a complete object) IG_JSON_F_DUPKEYS when a key repeats: pairwise for small
 * objects, through a hash index (linear) for larger ones. */
static void check_dups(struct jp *j, struct ig_json *v)
{
    bool dup = false;
    if (v->count < 2)
        return;
    if (v->count <= 8) {
        for (const struct ig_json *a = v->child; a && !dup; a = a->next)
            for (const struct ig_json *b = a->next; b && !dup; b = b->next)
                dup = same_key(j, a, b);
    } else {
        struct ig_json_index ix;
        uint32_t d = 0;
        dup = ig_json_index_build(v, j->s, &ix, &d) < 0 || d > 0;
    }
    if (dup) {
        v->flags |= IG_JSON_F_DUPKEYS;
        j->doc |= IG_JSON_DOC_DUPKEYS;
    }
}

static int parse_object(struct jp *j, struct ig_json *v, uint32_t depth)
{
    const uint8_t *start = j->p;
    int st;
    v->type = IG_JSON_OBJECT;
    j->p++;
    struct ig_json **tail = (struct ig_json **)&v->child;
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        v->raw = (struct ig_span){ start, (size_t)(j->p - start) };
        return IG_OK;
    }
    for (;;) {
        if (unlikely(v->count >= j->lim->max_values))
            return fail(j, IG_ELIMIT, "object has more members than adapters.max_values");
        skip_ws(j);
        if (j->p >= j->end || *j->p != '"')
            return fail(j, IG_EPARSE, "expected string key in object");
        j->p++;
        struct ig_span key;
        bool kesc;
        if ((st = scan_string(j, &key, &kesc)) < 0)
            return st;
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':')
            return fail(j, IG_EPARSE, "expected ':' after key");
        j->p++;
        struct ig_json *c = new_node(j);
        if (!c)
            return fail(j, IG_ENOMEM, "scratch memory exhausted");
        if ((st = parse_value(j, c, depth + 1)) < 0)
            return st;
        c->key = key;
        if (kesc)
            c->flags |= IG_JSON_F_KEY_ESCAPED;
        *tail = c;
        tail = (struct ig_json **)&c->next;
        v->count++;
        skip_ws(j);
        if (j->p >= j->end)
            return fail(j, IG_EPARSE, "truncated object");
        if (*j->p == '}') {
            j->p++;
            break;
        }
        if (*j->p != ',')
            return fail(j, IG_EPARSE, "expected ',' or '}' in object");
        j->p++;
    }
    v->raw = (struct ig_span){ start, (size_t)(j->p - start) };
    check_dups(j, v);
    return IG_OK;
}

static int literal(struct jp *j, const char *lit, size_t n, struct ig_json *v, uint8_t type)
{
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return fail(j, IG_EPARSE, "invalid literal");
    v->type = type;
    v->raw = (struct ig_span){ j->p, n };
    j->p += n;
    return IG_OK;
}

static int parse_value(struct jp *j, struct ig_json *v, uint32_t depth)
{
    skip_ws(j);
    if (j->p >= j->end)
        return fail(j, IG_EPARSE, "expected a value");
    uint8_t c = *j->p;
    switch (c) {
    case '{':
    case '[':
        if (depth + 1 > j->max_depth)
            return fail(j, IG_ELIMIT, "nesting deeper than adapters.max_depth");
        return c == '{' ? parse_object(j, v, depth) : parse_array(j, v, depth);
    case '"': {
        bool esc;
        j->p++;
        int st = scan_string(j, &v->raw, &esc);
        if (st < 0)
            return st;
        v->type = IG_JSON_STRING;
        if (esc)
            v->flags |= IG_JSON_F_ESCAPED;
        return IG_OK;
    }
    case 't': return literal(j, "true", 4, v, IG_JSON_TRUE);
    case 'f': return literal(j, "false", 5, v, IG_JSON_FALSE);
    case 'n': return literal(j, "null", 4, v, IG_JSON_NULL);
    default: {
        const uint8_t *start = j->p;
        bool integer = true;
        struct ig_json_num num;
        float nf;
        int st = scan_number(j, &integer, &num, &nf);
        if (st < 0)
            return st;
        v->type = IG_JSON_NUMBER;
        v->raw = (struct ig_span){ start, (size_t)(j->p - start) };
        v->count = 1;
        if (st == 1)
            v->flags |= IG_JSON_F_NONFINITE;
        else if (integer)
            v->flags |= IG_JSON_F_INTEGER;
        return IG_OK;
    }
    }
}

void ig_json_limits_from_config(struct ig_json_limits *l, const struct ig_config *cfg)
{
    if (!cfg) {
        *l = (struct ig_json_limits){ .max_depth = 64, .max_string = 1u << 20,
                                      .max_values = 4194304, .max_rows = 65536,
                                      .max_features = 1048576 };
        return;
    }
    *l = (struct ig_json_limits){ .max_depth = cfg->max_depth, .max_string = cfg->max_string,
                                  .max_values = cfg->max_values, .max_rows = cfg->max_rows,
                                  .max_features = cfg->max_features };
}

int ig_json_parse(const uint8_t *p, size_t n, const struct ig_json_limits *lim,
                  struct ig_scratch *s, const struct ig_json **root, const char **reason)
{
    return ig_json_parse_ex(p, n, lim, s, root, reason, NULL);
}

int ig_json_parse_ex(const uint8_t *p, size_t n, const struct ig_json_limits *lim,
                     struct ig_scratch *s, const struct ig_json **root, const char **reason,
                     uint32_t *doc)
{
    struct jp j = { .p = p, .end = p + n, .lim = lim, .s = s, .reason = NULL,
                    .max_depth = IG_MIN(lim->max_depth, JP_HARD_DEPTH) };
    *root = NULL;
    struct ig_json *v = new_node(&j);
    if (!v) {
        *reason = "scratch memory exhausted";
        return IG_ENOMEM;
    }
    int st = parse_value(&j, v, 0);
    if (st >= 0) {
        skip_ws(&j);
        if (j.p != j.end)
            st = fail(&j, IG_EPARSE, "trailing data after JSON value");
    }
    if (st >= 0 && v->type == IG_JSON_NUMBER) {
        /* Number decoders may read one byte past a number's text; give a top-level
         * number (which may end the buffer) a terminated copy. */
        char *copy = ig_scratch_alloc(s, v->raw.n + 1);
        if (!copy)
            st = fail(&j, IG_ENOMEM, "scratch memory exhausted");
        else {
            memcpy(copy, v->raw.p, v->raw.n);
            copy[v->raw.n] = '\0';
            v->raw.p = (const uint8_t *)copy;
        }
    }
    if (doc)
        *doc = j.doc;
    if (st < 0) {
        *reason = j.reason ? j.reason : "malformed JSON";
        return st;
    }
    *root = v;
    *reason = NULL;
    return IG_OK;
}
