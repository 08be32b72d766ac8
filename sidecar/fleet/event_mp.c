/* msgpack encoding of inference events for the fleet topic (event_mp.h). Keys are short
 * strings so that a consumer in any language reads the map without a schema file. */
#include "fleet/event_mp.h"
#include "core/mp_skip.h"

#include <stdlib.h>
#include <string.h>

/* ---- half floats (IEEE 754-2008 binary16) ---- */

uint16_t ig_f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t exp = (x >> 23) & 0xff, man = x & 0x7fffff;
    if (exp == 0xff)   /* inf or NaN (NaN keeps a payload bit) */
        return (uint16_t)(sign | 0x7c00 | (man ? 0x200 : 0));
    int e = (int)exp - 127 + 15;
    if (e >= 31)
        return (uint16_t)(sign | 0x7c00);   /* overflow: infinity */
    if (e <= 0) {
        if (e < -10)
            return sign;                     /* underflow: signed zero */
        man |= 0x800000;                     /* subnormal half */
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t h = man >> shift, rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1)))
            h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = ((uint32_t)e << 10) | (man >> 13), rem = man & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1)))
        h++;                                 /* may carry into the exponent: still right */
    return (uint16_t)(sign | h);
}

float ig_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, x;
    if (exp == 0) {
        if (!man) {
            x = sign;
        } else {   /* subnormal: normalise */
            int e = -1;
            do { man <<= 1; e++; } while (!(man & 0x400));
            x = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 31) {
        x = sign | 0x7f800000 | (man << 13);
    } else {
        x = sign | ((exp - 15 + 127) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &x, 4);
    return f;
}

/* ---- encode ---- */

static void pk_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void pk_key(msgpack_packer *pk, const char *k) { pk_str(pk, k); }

static void pk_span(msgpack_packer *pk, struct ig_span s)
{
    msgpack_pack_str(pk, s.n);
    if (s.n)
        msgpack_pack_str_body(pk, s.p, s.n);
}

static void pk_endpoint(msgpack_packer *pk, const struct ig_endpoint *e)
{
    size_t alen = e->family == 6 ? 16 : e->family == 4 ? 4 : 0;
    msgpack_pack_array(pk, 3);
    msgpack_pack_uint8(pk, e->family);
    msgpack_pack_bin(pk, alen);
    if (alen)
        msgpack_pack_bin_body(pk, e->addr, alen);
    msgpack_pack_uint16(pk, e->port);
}

/* rows x cols float32 as LE float32 or half floats. x86 and arm64 are little-endian; the
 * bytes are written one by one so a big-endian host encodes the same record. */
static void pk_floats(msgpack_packer *pk, const float *v, size_t n, bool f16, uint8_t *tmp)
{
    size_t w = f16 ? 2 : 4;
    msgpack_pack_bin(pk, n * w);
    for (size_t i = 0; i < n; i++) {
        uint32_t x;
        if (f16) {
            x = ig_f32_to_f16(v[i]);
        } else {
            memcpy(&x, &v[i], 4);
        }
        for (size_t b = 0; b < w; b++)
            tmp[b] = (uint8_t)(x >> (8 * b));
        msgpack_pack_bin_body(pk, tmp, w);
    }
}

int ig_evmp_encode(const struct ig_event *ev, const struct ig_evmp_opts *o, msgpack_sbuffer *sb)
{
    msgpack_sbuffer_clear(sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    bool f16 = o && o->f16, text = o && o->text;
    bool has_x = ev->inputs && ev->rows && ev->features;
    bool has_y = ev->scores && ev->rows && ev->outputs;
    bool has_l = ev->labels && ev->rows;
    bool has_text = text && (ev->prompt.n || ev->completion.n || ev->system_prompt.n);
    bool has_wm = o && o->wm;
    uint32_t n = 30 + (has_wm ? 1 : 0) + (has_x ? 1 : 0) + (has_y ? 1 : 0) + (has_l ? 1 : 0) + (has_text ? 3 : 0) +
                 (ev->malformed_reason ? 1 : 0) + (f16 && (has_x || has_y) ? 1 : 0);
    msgpack_pack_map(&pk, n);
    pk_key(&pk, "v"); msgpack_pack_uint8(&pk, IG_EVMP_VERSION);
    pk_key(&pk, "t"); msgpack_pack_uint64(&pk, ev->req_time_us);
    pk_key(&pk, "rt"); msgpack_pack_uint64(&pk, ev->resp_time_us);
    pk_key(&pk, "lat"); msgpack_pack_uint64(&pk, ev->latency_us);
    pk_key(&pk, "src"); pk_endpoint(&pk, &ev->src);
    pk_key(&pk, "dst"); pk_endpoint(&pk, &ev->dst);
    pk_key(&pk, "ik"); msgpack_pack_uint8(&pk, (uint8_t)ev->id_kind);
    pk_key(&pk, "id"); pk_str(&pk, ev->client_id);
    pk_key(&pk, "ib"); msgpack_pack_uint8(&pk, ev->id_basis);
    pk_key(&pk, "if"); msgpack_pack_uint32(&pk, ev->id_flags);
    pk_key(&pk, "ck"); msgpack_pack_uint8(&pk, (uint8_t)ev->claimed_kind);
    pk_key(&pk, "cid"); pk_str(&pk, ev->claimed_id);
    pk_key(&pk, "gk"); msgpack_pack_uint8(&pk, (uint8_t)ev->group_kind);
    pk_key(&pk, "gid"); pk_str(&pk, ev->group_id);
    pk_key(&pk, "p"); msgpack_pack_uint8(&pk, (uint8_t)ev->protocol);
    pk_key(&pk, "m"); pk_str(&pk, ev->model);
    pk_key(&pk, "mv"); pk_str(&pk, ev->model_version);
    pk_key(&pk, "me"); pk_str(&pk, ev->method);
    pk_key(&pk, "r"); pk_str(&pk, ev->route);
    pk_key(&pk, "s"); msgpack_pack_uint16(&pk, ev->status);
    pk_key(&pk, "f"); msgpack_pack_uint32(&pk, ev->flags);
    pk_key(&pk, "ev"); msgpack_pack_uint32(&pk, ev->evasion);
    pk_key(&pk, "en"); pk_str(&pk, ev->evasion_note);
    pk_key(&pk, "rows"); msgpack_pack_uint32(&pk, ev->rows);
    pk_key(&pk, "fe"); msgpack_pack_uint32(&pk, ev->features);
    pk_key(&pk, "out"); msgpack_pack_uint32(&pk, ev->outputs);
    pk_key(&pk, "pt"); msgpack_pack_uint32(&pk, ev->prompt_tokens);
    pk_key(&pk, "ct"); msgpack_pack_uint32(&pk, ev->completion_tokens);
    pk_key(&pk, "st"); ev->streamed ? msgpack_pack_true(&pk) : msgpack_pack_false(&pk);
    pk_key(&pk, "rb"); msgpack_pack_array(&pk, 2);
    msgpack_pack_uint64(&pk, ev->req_bytes);
    msgpack_pack_uint64(&pk, ev->resp_bytes);
    if (has_wm) {
        pk_key(&pk, "wm"); msgpack_pack_uint64(&pk, o->wm);
    }
    uint8_t tmp[4];
    if (f16 && (has_x || has_y)) {
        pk_key(&pk, "q"); pk_str(&pk, "f16");
    }
    if (has_x) {
        pk_key(&pk, "x");
        pk_floats(&pk, ev->inputs, (size_t)ev->rows * ev->features, f16, tmp);
    }
    if (has_y) {
        pk_key(&pk, "y");
        pk_floats(&pk, ev->scores, (size_t)ev->rows * ev->outputs, f16, tmp);
    }
    if (has_l) {
        pk_key(&pk, "l");
        msgpack_pack_bin(&pk, (size_t)ev->rows * 4);
        for (uint32_t i = 0; i < ev->rows; i++) {
            uint32_t x = (uint32_t)ev->labels[i];
            uint8_t b[4] = { (uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24) };
            msgpack_pack_bin_body(&pk, b, 4);
        }
    }
    if (has_text) {
        pk_key(&pk, "pr"); pk_span(&pk, ev->prompt);
        pk_key(&pk, "co"); pk_span(&pk, ev->completion);
        pk_key(&pk, "sp"); pk_span(&pk, ev->system_prompt);
    }
    if (ev->malformed_reason) {
        pk_key(&pk, "mr"); pk_str(&pk, ev->malformed_reason);
    }
    return sb->data ? IG_OK : IG_ENOMEM;
}

int ig_evmp_encode_heartbeat(uint64_t wm_us, bool bye, msgpack_sbuffer *sb)
{
    msgpack_sbuffer_clear(sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, bye ? 3 : 2);
    pk_key(&pk, "hb"); msgpack_pack_true(&pk);
    pk_key(&pk, "wm"); msgpack_pack_uint64(&pk, wm_us);
    if (bye) {
        pk_key(&pk, "bye"); msgpack_pack_true(&pk);
    }
    return sb->data ? IG_OK : IG_ENOMEM;
}

/* ---- decode ---- */

static bool key_is(const msgpack_object *k, const char *s)
{
    size_t n = strlen(s);
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n && memcmp(k->via.str.ptr, s, n) == 0;
}

static bool get_u64(const msgpack_object *o, uint64_t max, uint64_t *out)
{
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > max)
        return false;
    *out = o->via.u64;
    return true;
}

static bool get_str(const msgpack_object *o, char *dst, size_t cap)
{
    if (o->type != MSGPACK_OBJECT_STR)
        return false;
    size_t n = IG_MIN((size_t)o->via.str.size, cap - 1);
    if (n)
        memcpy(dst, o->via.str.ptr, n);
    dst[n] = '\0';
    return true;
}

static bool get_span(const msgpack_object *o, struct ig_span *s)
{
    if (o->type != MSGPACK_OBJECT_STR)
        return false;
    s->p = o->via.str.size ? (const uint8_t *)o->via.str.ptr : NULL;
    s->n = o->via.str.size;
    return true;
}

static bool get_endpoint(const msgpack_object *o, struct ig_endpoint *e)
{
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 3)
        return false;
    const msgpack_object *a = o->via.array.ptr;
    uint64_t fam, port;
    if (!get_u64(&a[0], 6, &fam) || a[1].type != MSGPACK_OBJECT_BIN || !get_u64(&a[2], 65535, &port))
        return false;
    size_t want = fam == 6 ? 16 : fam == 4 ? 4 : 0;
    if ((fam != 0 && fam != 4 && fam != 6) || a[1].via.bin.size != want)
        return false;
    memset(e, 0, sizeof *e);
    e->family = (uint8_t)fam;
    if (want)
        memcpy(e->addr, a[1].via.bin.ptr, want);
    e->port = (uint16_t)port;
    return true;
}

static bool grow(void **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    void *p = realloc(*buf, need);
    if (!p)
        return false;
    *buf = p;
    *cap = need;
    return true;
}

static bool get_floats(const msgpack_object *o, size_t n, bool f16, float **buf, size_t *cap)
{
    size_t w = f16 ? 2 : 4;
    if (o->type != MSGPACK_OBJECT_BIN || n > IG_EVMP_MAX_VALUES || o->via.bin.size != n * w)
        return false;
    if (!grow((void **)buf, cap, (n ? n : 1) * sizeof(float)))
        return false;
    const uint8_t *p = (const uint8_t *)o->via.bin.ptr;
    for (size_t i = 0; i < n; i++) {
        if (f16) {
            (*buf)[i] = ig_f16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
        } else {
            uint32_t x = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                         (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
            memcpy(&(*buf)[i], &x, 4);
        }
    }
    return true;
}

int ig_evmp_decode(struct ig_evmp_decoded *d, const void *buf, size_t n, const char **why)
{
    static const char *const bad_field = "a field has the wrong type or size";
    if (!d->up_ready) {
        msgpack_unpacked_init(&d->up);
        d->up_ready = true;
    }
    size_t off = 0;
    if (!ig_mp_skip(buf, (const uint8_t *)buf + n, 0) ||
        msgpack_unpack_next(&d->up, buf, n, &off) != MSGPACK_UNPACK_SUCCESS) {
        *why = "not a msgpack value";
        return IG_EPARSE;
    }
    const msgpack_object *root = &d->up.data;
    if (root->type != MSGPACK_OBJECT_MAP) {
        *why = "not a msgpack map";
        return IG_EPARSE;
    }
    struct ig_event *ev = &d->ev;
    memset(ev, 0, sizeof *ev);
    d->wm = 0;
    d->heartbeat = d->bye = false;
    const msgpack_object *x = NULL, *y = NULL, *l = NULL;
    bool f16 = false, have_version = false;
    uint64_t u = 0;   /* read only after get_u64 succeeded; set for the compiler */
    for (uint32_t i = 0; i < root->via.map.size; i++) {
        const msgpack_object *k = &root->via.map.ptr[i].key, *v = &root->via.map.ptr[i].val;
        bool ok = true;
        if (key_is(k, "v")) {
            ok = get_u64(v, 255, &u);
            if (ok && u != IG_EVMP_VERSION) {
                *why = "unknown event record version";
                return IG_EPARSE;
            }
            have_version = ok;
        } else if (key_is(k, "t")) ok = get_u64(v, UINT64_MAX, &ev->req_time_us);
        else if (key_is(k, "rt")) ok = get_u64(v, UINT64_MAX, &ev->resp_time_us);
        else if (key_is(k, "lat")) ok = get_u64(v, UINT64_MAX, &ev->latency_us);
        else if (key_is(k, "src")) ok = get_endpoint(v, &ev->src);
        else if (key_is(k, "dst")) ok = get_endpoint(v, &ev->dst);
        else if (key_is(k, "ik")) { ok = get_u64(v, IG_ID__COUNT - 1, &u); ev->id_kind = (enum ig_identity_kind)u; }
        else if (key_is(k, "id")) ok = get_str(v, ev->client_id, sizeof ev->client_id);
        else if (key_is(k, "ib")) { ok = get_u64(v, IG_BASIS__COUNT - 1, &u); ev->id_basis = (uint8_t)u; }
        else if (key_is(k, "if")) { ok = get_u64(v, UINT32_MAX, &u); ev->id_flags = (uint32_t)u; }
        else if (key_is(k, "ck")) { ok = get_u64(v, IG_ID__COUNT - 1, &u); ev->claimed_kind = (enum ig_identity_kind)u; }
        else if (key_is(k, "cid")) ok = get_str(v, ev->claimed_id, sizeof ev->claimed_id);
        else if (key_is(k, "gk")) { ok = get_u64(v, IG_ID__COUNT - 1, &u); ev->group_kind = (enum ig_identity_kind)u; }
        else if (key_is(k, "gid")) ok = get_str(v, ev->group_id, sizeof ev->group_id);
        else if (key_is(k, "p")) { ok = get_u64(v, IG_PROTO__COUNT - 1, &u); ev->protocol = (enum ig_protocol)u; }
        else if (key_is(k, "m")) ok = get_str(v, ev->model, sizeof ev->model);
        else if (key_is(k, "mv")) ok = get_str(v, ev->model_version, sizeof ev->model_version);
        else if (key_is(k, "me")) ok = get_str(v, ev->method, sizeof ev->method);
        else if (key_is(k, "r")) ok = get_str(v, ev->route, sizeof ev->route);
        else if (key_is(k, "s")) { ok = get_u64(v, 65535, &u); ev->status = (uint16_t)u; }
        else if (key_is(k, "f")) { ok = get_u64(v, UINT32_MAX, &u); ev->flags = (uint32_t)u; }
        else if (key_is(k, "ev")) { ok = get_u64(v, UINT32_MAX, &u); ev->evasion = (uint32_t)u; }
        else if (key_is(k, "en")) ok = get_str(v, ev->evasion_note, sizeof ev->evasion_note);
        else if (key_is(k, "rows")) { ok = get_u64(v, IG_EVMP_MAX_VALUES, &u); ev->rows = (uint32_t)u; }
        else if (key_is(k, "fe")) { ok = get_u64(v, IG_EVMP_MAX_VALUES, &u); ev->features = (uint32_t)u; }
        else if (key_is(k, "out")) { ok = get_u64(v, IG_EVMP_MAX_VALUES, &u); ev->outputs = (uint32_t)u; }
        else if (key_is(k, "pt")) { ok = get_u64(v, UINT32_MAX, &u); ev->prompt_tokens = (uint32_t)u; }
        else if (key_is(k, "ct")) { ok = get_u64(v, UINT32_MAX, &u); ev->completion_tokens = (uint32_t)u; }
        else if (key_is(k, "st")) { ok = v->type == MSGPACK_OBJECT_BOOLEAN; ev->streamed = ok && v->via.boolean; }
        else if (key_is(k, "rb")) {
            ok = v->type == MSGPACK_OBJECT_ARRAY && v->via.array.size == 2 &&
                 get_u64(&v->via.array.ptr[0], UINT64_MAX, &ev->req_bytes) &&
                 get_u64(&v->via.array.ptr[1], UINT64_MAX, &ev->resp_bytes);
        } else if (key_is(k, "q")) {
            ok = v->type == MSGPACK_OBJECT_STR && v->via.str.size == 3 && memcmp(v->via.str.ptr, "f16", 3) == 0;
            f16 = ok;
        } else if (key_is(k, "x")) x = v;
        else if (key_is(k, "y")) y = v;
        else if (key_is(k, "l")) l = v;
        else if (key_is(k, "pr")) ok = get_span(v, &ev->prompt);
        else if (key_is(k, "co")) ok = get_span(v, &ev->completion);
        else if (key_is(k, "sp")) ok = get_span(v, &ev->system_prompt);
        else if (key_is(k, "wm")) ok = get_u64(v, UINT64_MAX, &d->wm);
        else if (key_is(k, "hb")) { ok = v->type == MSGPACK_OBJECT_BOOLEAN; d->heartbeat = ok && v->via.boolean; }
        else if (key_is(k, "bye")) { ok = v->type == MSGPACK_OBJECT_BOOLEAN; d->bye = ok && v->via.boolean; }
        else if (key_is(k, "mr")) {
            ok = get_str(v, d->malformed_reason, sizeof d->malformed_reason);
            ev->malformed_reason = d->malformed_reason;
        }
        /* unknown keys: a newer publisher's additions, skipped */
        if (!ok) {
            *why = bad_field;
            return IG_EPARSE;
        }
    }
    if (d->heartbeat) {
        if (!d->wm) {
            *why = "a watermark record without its watermark (wm)";
            return IG_EPARSE;
        }
        memset(ev, 0, sizeof *ev);   /* no event, whatever else the record held */
        return IG_OK;
    }
    d->bye = false;   /* only a watermark record says the pod left */
    if (!have_version) {
        *why = "no record version (v)";
        return IG_EPARSE;
    }
    /* tensors: sizes must agree with rows x features / outputs */
    if (x && (!ev->features || !get_floats(x, (size_t)ev->rows * ev->features, f16, &d->inputs, &d->inputs_cap))) {
        *why = "inputs (x) do not match rows x features";
        return IG_EPARSE;
    }
    if (y && (!ev->outputs || !get_floats(y, (size_t)ev->rows * ev->outputs, f16, &d->scores, &d->scores_cap))) {
        *why = "scores (y) do not match rows x outputs";
        return IG_EPARSE;
    }
    if (l) {
        if (l->type != MSGPACK_OBJECT_BIN || l->via.bin.size != (size_t)ev->rows * 4 ||
            !grow((void **)&d->labels, &d->labels_cap, (ev->rows ? ev->rows : 1) * sizeof(int32_t))) {
            *why = "labels (l) do not match rows";
            return IG_EPARSE;
        }
        const uint8_t *p = (const uint8_t *)l->via.bin.ptr;
        for (uint32_t i = 0; i < ev->rows; i++)
            d->labels[i] = (int32_t)((uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                                     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24);
    }
    if (!ev->rows)
        x = y = l = NULL;   /* empty tensors are no tensors */
    ev->inputs = x ? d->inputs : NULL;
    ev->scores = y ? d->scores : NULL;
    ev->labels = l ? d->labels : NULL;
    /* the flags say what is present; never more than what arrived */
    if (!x) ev->flags &= ~(uint32_t)IG_EV_TENSOR;
    if (!y) ev->flags &= ~(uint32_t)(IG_EV_SCORES | IG_EV_LOGITS);
    if (!l) ev->flags &= ~(uint32_t)IG_EV_LABELS;
    if (!ev->prompt.n && !ev->completion.n && !ev->system_prompt.n)
        ev->flags &= ~(uint32_t)IG_EV_TEXT;
    if ((ev->flags & IG_EV_MALFORMED) && !ev->malformed_reason)
        ev->malformed_reason = "malformed payload";
    return IG_OK;
}

void ig_evmp_decoded_free(struct ig_evmp_decoded *d)
{
    if (d->up_ready)
        msgpack_unpacked_destroy(&d->up);
    free(d->inputs);
    free(d->scores);
    free(d->labels);
    memset(d, 0, sizeof *d);
}
