/* CloudEvents 1.0 parsing: the HTTP protocol binding's binary and structured content
 * modes (github.com/cloudevents/spec, cloudevents/bindings/http-protocol-binding.md and
 * formats/json-format.md), KServe's extension attributes, ce-metadata, RFC 3339 times,
 * and the protocol a body has the shape of. */
#include "mirror/cloudevents.h"

#include <string.h>
#include <strings.h>

#include "adapters/json.h"
#include <inferguard/base64.h>

static bool span_eq(struct ig_span s, const char *lit)
{
    return ig_span_eq_str(s, lit, strlen(lit));
}

static struct ig_span cspan(const char *s)
{
    return (struct ig_span){ (const uint8_t *)s, strlen(s) };
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The binding percent-encodes header values outside printable ASCII (and '"', '%', ' ');
 * decoding a value that was sent raw changes nothing unless it holds "%XX". */
static struct ig_span pct_decode(const char *v, struct ig_scratch *s)
{
    struct ig_span in = cspan(v);
    if (!memchr(in.p, '%', in.n) || !s)
        return in;
    uint8_t *o = ig_scratch_alloc(s, in.n);
    if (!o)
        return in;
    size_t k = 0;
    for (size_t i = 0; i < in.n; i++) {
        int hi, lo;
        if (in.p[i] == '%' && i + 2 < in.n && (hi = hexval(in.p[i + 1])) >= 0 &&
            (lo = hexval(in.p[i + 2])) >= 0) {
            o[k++] = (uint8_t)(hi << 4 | lo);
            i += 2;
        } else {
            o[k++] = in.p[i];
        }
    }
    return (struct ig_span){ o, k };
}

static int check_required(struct ig_ce *c, const char **reason)
{
    if (!c->specversion.n) {
        *reason = "CloudEvent without specversion";
        return IG_EPARSE;
    }
    if (!span_eq(c->specversion, "1.0")) {
        *reason = "CloudEvent specversion is not 1.0";
        return IG_EPARSE;
    }
    if (!c->id.n) {
        *reason = "CloudEvent without id";
        return IG_EPARSE;
    }
    if (!c->source.n) {
        *reason = "CloudEvent without source";
        return IG_EPARSE;
    }
    if (!c->type.n) {
        *reason = "CloudEvent without type";
        return IG_EPARSE;
    }
    if (c->time.n && ig_ce_parse_time(c->time, &c->time_us) < 0) {
        *reason = "CloudEvent time is not an RFC 3339 date-time";
        return IG_EPARSE;
    }
    if (span_eq(c->type, IG_CE_TYPE_REQUEST))
        c->kind = IG_CE_KIND_REQUEST;
    else if (span_eq(c->type, IG_CE_TYPE_RESPONSE))
        c->kind = IG_CE_KIND_RESPONSE;
    else
        c->kind = IG_CE_KIND_OTHER;
    return IG_OK;
}

/* Attribute name -> member of struct ig_ce. */
static struct ig_span *attr_slot(struct ig_ce *c, const char *name, size_t n)
{
    static const struct { const char *name; size_t off; } tab[] = {
        { "specversion", offsetof(struct ig_ce, specversion) },
        { "id", offsetof(struct ig_ce, id) },
        { "type", offsetof(struct ig_ce, type) },
        { "source", offsetof(struct ig_ce, source) },
        { "time", offsetof(struct ig_ce, time) },
        { "inferenceservicename", offsetof(struct ig_ce, isvc) },
        { "namespace", offsetof(struct ig_ce, ns) },
        { "component", offsetof(struct ig_ce, component) },
        { "endpoint", offsetof(struct ig_ce, endpoint) },
        { "metadata", offsetof(struct ig_ce, metadata) },
        { "sourceip", offsetof(struct ig_ce, sourceip) },
    };
    for (size_t i = 0; i < IG_ARRAY_LEN(tab); i++)
        if (strlen(tab[i].name) == n && strncasecmp(tab[i].name, name, n) == 0)
            return (struct ig_span *)((char *)c + tab[i].off);
    return NULL;
}

int ig_ce_parse_binary(const struct ig_ce_header *h, size_t n_headers, const uint8_t *body,
                       size_t body_len, struct ig_scratch *s, struct ig_ce *out, const char **reason)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n_headers; i++) {
        const char *name = h[i].name;
        if (strncasecmp(name, "ce-", 3) == 0) {
            struct ig_span *slot = attr_slot(out, name + 3, strlen(name + 3));
            if (slot) {
                if (slot->n) {
                    *reason = "CloudEvent attribute given twice";
                    return IG_EPARSE;
                }
                *slot = pct_decode(h[i].value, s);
            }
        } else if (strcasecmp(name, "content-type") == 0) {
            out->content_type = cspan(h[i].value);
        }
    }
    out->data = (struct ig_span){ body, body_len };
    return check_required(out, reason);
}

/* ---- structured mode ---- */

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* Skips one JSON string starting at '"'; returns the byte after the closing quote. */
static const uint8_t *skip_string(const uint8_t *p, const uint8_t *e)
{
    for (p++; p < e; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return e;
}

/* Skips one JSON value of text already validated; returns the byte after it. */
static const uint8_t *skip_value(const uint8_t *p, const uint8_t *e)
{
    if (p >= e)
        return e;
    if (*p == '"')
        return skip_string(p, e);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < e) {
            if (*p == '"') {
                p = skip_string(p, e);
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if ((*p == '}' || *p == ']') && --depth == 0)
                return p + 1;
            p++;
        }
        return e;
    }
    while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' &&
           *p != '\r' && *p != '\t')
        p++;
    return p;
}

/* The raw text of top-level member <key> (no escapes in the key) of a validated JSON
 * object, or an empty span. */
static struct ig_span member_raw(const uint8_t *p, size_t n, const char *key)
{
    if (!n)
        return (struct ig_span){ 0 };
    const uint8_t *e = p + n;
    size_t kl = strlen(key);
    p = skip_ws(p, e);
    if (p >= e || *p != '{')
        return (struct ig_span){ 0 };
    p++;
    while (p < e) {
        p = skip_ws(p, e);
        if (p >= e || *p != '"')
            break;
        const uint8_t *ks = p + 1, *ke = skip_string(p, e) - 1;
        p = skip_ws(ke + 1, e);
        if (p >= e || *p != ':')
            break;
        p = skip_ws(p + 1, e);
        const uint8_t *vs = p;
        p = skip_value(p, e);
        if ((size_t)(ke - ks) == kl && memcmp(ks, key, kl) == 0)
            return (struct ig_span){ vs, (size_t)(p - vs) };
        p = skip_ws(p, e);
        if (p < e && *p == ',')
            p++;
    }
    return (struct ig_span){ 0 };
}

/* RFC 4648 base64 (standard or URL alphabet, padding optional, at most two '='). */
static int b64_decode(struct ig_span in, struct ig_scratch *s, struct ig_span *out)
{
    size_t cap = in.n / 4 * 3 + 3, pad = 0;
    uint8_t *o = ig_scratch_alloc(s, cap);
    if (!o)
        return IG_ENOMEM;
    while (pad < in.n && in.p[in.n - 1 - pad] == '=')
        pad++;
    long k = pad > 2 ? -1 : ig_b64_decode(in.p, in.n - pad, o, cap);
    if (k < 0)
        return IG_EPARSE;
    *out = (struct ig_span){ o, (size_t)k };
    return IG_OK;
}

static bool json_media_type(struct ig_span ct)
{
    /* application/json, text/json, application/foo+json; parameters after ';'. */
    size_t n = 0;
    while (n < ct.n && ct.p[n] != ';' && ct.p[n] != ' ')
        n++;
    if (n == 0)
        return true;   /* no datacontenttype: the JSON format says application/json */
    return (n >= 5 && strncasecmp((const char *)ct.p + n - 5, "/json", 5) == 0) ||
           (n >= 5 && strncasecmp((const char *)ct.p + n - 5, "+json", 5) == 0);
}

int ig_ce_parse_structured(const uint8_t *body, size_t n, struct ig_scratch *s,
                           struct ig_ce *out, const char **reason)
{
    memset(out, 0, sizeof *out);
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, NULL);
    lim.max_string = UINT32_MAX;   /* data may be a long string; the body size bounds it */
    const struct ig_json *root;
    int rc = ig_json_parse(body, n, &lim, s, &root, reason);
    if (rc == IG_ENOMEM)
        return rc;
    if (rc < 0 || root->type != IG_JSON_OBJECT) {
        if (rc >= 0)
            *reason = "structured CloudEvent is not a JSON object";
        return IG_EPARSE;
    }
    for (const struct ig_json *m = ig_json_first(root); m; m = ig_json_next(m)) {
        if (m->flags & IG_JSON_F_KEY_ESCAPED)
            continue;
        struct ig_span *slot = attr_slot(out, (const char *)m->key.p, m->key.n);
        if (!slot && m->key.n == 15 && memcmp(m->key.p, "datacontenttype", 15) == 0)
            slot = &out->content_type;
        if (!slot)
            continue;
        if (m->type != IG_JSON_STRING) {
            *reason = "CloudEvent attribute is not a string";
            return IG_EPARSE;
        }
        if (ig_json_str(m, s, slot) < 0) {
            *reason = "scratch memory exhausted";
            return IG_ENOMEM;
        }
    }
    const struct ig_json *b64 = ig_json_get(root, "data_base64");
    const struct ig_json *data = ig_json_get(root, "data");
    if (b64 && data) {
        *reason = "CloudEvent has both data and data_base64";
        return IG_EPARSE;
    }
    if (b64) {
        if (b64->type != IG_JSON_STRING || (b64->flags & IG_JSON_F_ESCAPED) ||
            (rc = b64_decode(b64->raw, s, &out->data)) == IG_EPARSE) {
            *reason = "CloudEvent data_base64 is not base64";
            return IG_EPARSE;
        }
        if (rc < 0)
            return rc;
    } else if (data) {
        if (data->type == IG_JSON_STRING && !json_media_type(out->content_type)) {
            /* Text data of a non-JSON media type is carried as a JSON string. */
            if (ig_json_str(data, s, &out->data) < 0)
                return IG_ENOMEM;
        } else {
            out->data = member_raw(body, n, "data");
        }
    }
    return check_required(out, reason);
}

/* ---- RFC 3339 ---- */

static bool digits(const uint8_t *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int ig_ce_parse_time(struct ig_span t, uint64_t *out_us)
{
    const uint8_t *p = t.p;
    size_t n = t.n;
    int Y, M, D, h, mi, sec;
    if (n < 20 || !digits(p, 4, &Y) || p[4] != '-' || !digits(p + 5, 2, &M) || p[7] != '-' ||
        !digits(p + 8, 2, &D) || (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
        !digits(p + 11, 2, &h) || p[13] != ':' || !digits(p + 14, 2, &mi) || p[16] != ':' ||
        !digits(p + 17, 2, &sec))
        return IG_EPARSE;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || mi > 59 || sec > 60)
        return IG_EPARSE;
    size_t i = 19;
    uint64_t frac_us = 0;
    if (i < n && p[i] == '.') {
        i++;
        size_t start = i;
        uint64_t scale = 100000;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            frac_us += (uint64_t)(p[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == start)
            return IG_EPARSE;
    }
    int64_t off_s = 0;
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        i++;
    } else if (i + 6 == n && (p[i] == '+' || p[i] == '-')) {
        int oh, om;
        if (!digits(p + i + 1, 2, &oh) || p[i + 3] != ':' || !digits(p + i + 4, 2, &om) ||
            oh > 23 || om > 59)
            return IG_EPARSE;
        off_s = (int64_t)(oh * 3600 + om * 60) * (p[i] == '+' ? 1 : -1);
        i += 6;
    } else {
        return IG_EPARSE;
    }
    if (i != n)
        return IG_EPARSE;
    int64_t secs = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + (sec > 59 ? 59 : sec) - off_s;
    if (secs < 0)
        return IG_EPARSE;
    *out_us = (uint64_t)secs * 1000000u + frac_us;
    return IG_OK;
}

/* ---- ce-metadata ---- */

int ig_ce_metadata_headers(struct ig_span json, struct ig_scratch *s, struct ig_http_header *out,
                           uint32_t max, uint32_t *n, const char **reason)
{
    *n = 0;
    if (json.n == 0 || skip_ws(json.p, json.p + json.n) == json.p + json.n ||
        (json.n == 4 && memcmp(json.p, "null", 4) == 0))
        return IG_OK;
    struct ig_json_limits lim;
    ig_json_limits_from_config(&lim, NULL);
    const struct ig_json *root;
    int rc = ig_json_parse(json.p, json.n, &lim, s, &root, reason);
    if (rc == IG_ENOMEM)
        return rc;
    if (rc < 0 || root->type != IG_JSON_OBJECT) {
        *reason = "ce-metadata is not a JSON object";
        return IG_EPARSE;
    }
    for (const struct ig_json *m = ig_json_first(root); m; m = ig_json_next(m)) {
        struct ig_span name = m->key;
        if (m->flags & IG_JSON_F_KEY_ESCAPED)
            continue;   /* no header name needs escapes */
        const struct ig_json *v = m->type == IG_JSON_STRING ? m : ig_json_first(m);
        if ((m->type != IG_JSON_STRING && m->type != IG_JSON_ARRAY) || ig_json_is_numeric(m)) {
            *reason = "ce-metadata values must be strings or arrays of strings";
            return IG_EPARSE;
        }
        for (; v; v = m->type == IG_JSON_STRING ? NULL : ig_json_next(v)) {
            if (v->type != IG_JSON_STRING) {
                *reason = "ce-metadata values must be strings or arrays of strings";
                return IG_EPARSE;
            }
            if (*n >= max)
                return IG_OK;   /* beyond the table: ignored, like headers past a parser's cap */
            out[*n].name = name;
            if (ig_json_str(v, s, &out[*n].value) < 0)
                return IG_ENOMEM;
            (*n)++;
        }
    }
    return IG_OK;
}

/* ---- protocol by shape ---- */

bool ig_ce_sniff_path(struct ig_span body, const char *model, char *buf, size_t cap)
{
    if (!body.n)
        return false;
    const uint8_t *p = skip_ws(body.p, body.p + body.n), *e = body.p + body.n;
    if (p >= e || *p != '{')
        return false;
    bool messages = false, prompt = false, input = false, instances = false;
    bool inputs = false, inputs_objects = false, datatype = false;
    p++;
    while (p < e) {
        p = skip_ws(p, e);
        if (p >= e || *p != '"')
            break;
        const uint8_t *ks = p + 1, *ke = skip_string(p, e) - 1;
        size_t kl = ke > ks ? (size_t)(ke - ks) : 0;
        p = skip_ws(ke + 1, e);
        if (p >= e || *p != ':')
            break;
        p = skip_ws(p + 1, e);
        const uint8_t *vs = p;
        p = skip_value(p, e);
#define KEY(lit) (kl == sizeof(lit) - 1 && memcmp(ks, lit, kl) == 0)
        if (KEY("messages"))
            messages = true;
        else if (KEY("prompt"))
            prompt = true;
        else if (KEY("input"))
            input = true;
        else if (KEY("instances"))
            instances = true;
        else if (KEY("inputs")) {
            inputs = true;
            /* OIP v2: a list of tensor objects {"name", "shape", "datatype", "data"}. */
            const uint8_t *q = vs < e && *vs == '[' ? skip_ws(vs + 1, p) : NULL;
            if (q && q < p && *q == '{') {
                inputs_objects = true;
                struct ig_span first = { q, (size_t)(skip_value(q, p) - q) };
                datatype = member_raw(first.p, first.n, "datatype").n > 0 ||
                           member_raw(first.p, first.n, "shape").n > 0;
            }
        }
#undef KEY
        p = skip_ws(p, e);
        if (p < e && *p == ',')
            p++;
    }
    int w;
    if (messages)
        w = snprintf(buf, cap, "/v1/chat/completions");
    else if (inputs && inputs_objects && datatype)
        w = snprintf(buf, cap, "/v2/models/%s/infer", model);
    else if (instances || inputs)
        w = snprintf(buf, cap, "/v1/models/%s:predict", model);
    else if (prompt)
        w = snprintf(buf, cap, "/v1/completions");
    else if (input)
        w = snprintf(buf, cap, "/v1/embeddings");
    else
        return false;
    return w > 0 && (size_t)w < cap;
}
