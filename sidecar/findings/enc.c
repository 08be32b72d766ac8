/* The three back ends of enc.h. */
#include "enc.h"

#include <math.h>
#include <string.h>

void ig_enc_begin(struct ig_enc *e, enum ig_enc_kind kind)
{
    e->kind = kind;
    e->ncont = 0;
    e->depth = 0;
    e->overflow = false;
    if (kind == IG_ENC_COUNT)
        memset(e->sizes, 0, sizeof e->sizes);
}

/* Every value (and every map key) adds one to the enclosing container's size. */
static void count_elem(struct ig_enc *e, bool is_key)
{
    if (e->depth == 0)
        return;
    uint32_t d = e->depth - 1;
    if (e->stack_is_map[d] == is_key)
        e->sizes[e->stack[d]]++;
}

static void open_cont(struct ig_enc *e, bool map)
{
    if (e->kind == IG_ENC_JSON) {
        if (map) ig_jsonw_obj_open(e->json); else ig_jsonw_arr_open(e->json);
        return;
    }
    if (e->ncont >= IG_ENC_MAX_CONTAINERS || e->depth >= IG_ENC_MAX_DEPTH) {
        e->overflow = true;
        return;
    }
    if (e->kind == IG_ENC_COUNT)
        count_elem(e, false);
    uint32_t idx = e->ncont++;
    if (e->kind == IG_ENC_MSGPACK) {
        if (map) msgpack_pack_map(e->pk, e->sizes[idx]);
        else msgpack_pack_array(e->pk, e->sizes[idx]);
    }
    e->stack[e->depth] = idx;
    e->stack_is_map[e->depth] = map;
    e->depth++;
}

static void close_cont(struct ig_enc *e, bool map)
{
    if (e->kind == IG_ENC_JSON) {
        if (map) ig_jsonw_obj_close(e->json); else ig_jsonw_arr_close(e->json);
        return;
    }
    if (e->depth == 0) {
        e->overflow = true;
        return;
    }
    e->depth--;
}

void ig_enc_obj_open(struct ig_enc *e)  { open_cont(e, true); }
void ig_enc_obj_close(struct ig_enc *e) { close_cont(e, true); }
void ig_enc_arr_open(struct ig_enc *e)  { open_cont(e, false); }
void ig_enc_arr_close(struct ig_enc *e) { close_cont(e, false); }

static void pack_strn(msgpack_packer *pk, const char *s, size_t n)
{
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

void ig_enc_key(struct ig_enc *e, const char *k)
{
    switch (e->kind) {
    case IG_ENC_JSON: ig_jsonw_key(e->json, k); break;
    case IG_ENC_COUNT: count_elem(e, true); break;
    case IG_ENC_MSGPACK: pack_strn(e->pk, k, strlen(k)); break;
    }
}

void ig_enc_str(struct ig_enc *e, const char *s)
{
    if (!s)
        s = "";
    switch (e->kind) {
    case IG_ENC_JSON: ig_jsonw_str(e->json, s); break;
    case IG_ENC_COUNT: count_elem(e, false); break;
    case IG_ENC_MSGPACK: pack_strn(e->pk, s, strlen(s)); break;
    }
}

void ig_enc_u64(struct ig_enc *e, uint64_t v)
{
    switch (e->kind) {
    case IG_ENC_JSON: ig_jsonw_u64(e->json, v); break;
    case IG_ENC_COUNT: count_elem(e, false); break;
    case IG_ENC_MSGPACK: msgpack_pack_uint64(e->pk, v); break;
    }
}

void ig_enc_f64(struct ig_enc *e, double v)
{
    switch (e->kind) {
    case IG_ENC_JSON: ig_jsonw_f64(e->json, v); break;
    case IG_ENC_COUNT: count_elem(e, false); break;
    case IG_ENC_MSGPACK:
        if (isfinite(v)) msgpack_pack_double(e->pk, v); else msgpack_pack_nil(e->pk);
        break;
    }
}

void ig_enc_bool(struct ig_enc *e, bool v)
{
    switch (e->kind) {
    case IG_ENC_JSON: ig_jsonw_bool(e->json, v); break;
    case IG_ENC_COUNT: count_elem(e, false); break;
    case IG_ENC_MSGPACK: if (v) msgpack_pack_true(e->pk); else msgpack_pack_false(e->pk); break;
    }
}

bool ig_enc_msgpack_to_json(const msgpack_object *o, struct ig_jsonw *w)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: ig_jsonw_null(w); return true;
    case MSGPACK_OBJECT_BOOLEAN: ig_jsonw_bool(w, o->via.boolean); return true;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: ig_jsonw_u64(w, o->via.u64); return true;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: ig_jsonw_i64(w, o->via.i64); return true;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: ig_jsonw_f64(w, o->via.f64); return true;
    case MSGPACK_OBJECT_STR: ig_jsonw_strn(w, o->via.str.ptr, o->via.str.size); return true;
    case MSGPACK_OBJECT_ARRAY:
        ig_jsonw_arr_open(w);
        for (uint32_t i = 0; i < o->via.array.size; i++)
            if (!ig_enc_msgpack_to_json(&o->via.array.ptr[i], w))
                return false;
        ig_jsonw_arr_close(w);
        return true;
    case MSGPACK_OBJECT_MAP:
        ig_jsonw_obj_open(w);
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object_kv *kv = &o->via.map.ptr[i];
            if (kv->key.type != MSGPACK_OBJECT_STR)
                return false;
            /* keys are NUL-free ASCII in what we write; copy to terminate */
            char k[128];
            size_t n = IG_MIN(kv->key.via.str.size, sizeof k - 1);
            if (n)   /* an empty string may have no pointer */
                memcpy(k, kv->key.via.str.ptr, n);
            k[n] = '\0';
            ig_jsonw_key(w, k);
            if (!ig_enc_msgpack_to_json(&kv->val, w))
                return false;
        }
        ig_jsonw_obj_close(w);
        return true;
    default:
        return false;
    }
}
