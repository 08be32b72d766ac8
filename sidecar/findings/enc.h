/* One writer interface, three back ends: JSON (ig_jsonw), msgpack (msgpack-c), and a counting
 * pass. msgpack needs each map's and array's size before its elements, so the OCSF writer runs
 * twice: first into the counter (which records every container's size in open order), then
 * into the packer, which reads the sizes back. No tree is built and nothing is allocated. */
#ifndef IG_FINDINGS_ENC_H
#define IG_FINDINGS_ENC_H

#include <inferguard/base.h>
#include <msgpack.h>
#include "core/jsonw.h"

#define IG_ENC_MAX_CONTAINERS 256
#define IG_ENC_MAX_DEPTH 16

enum ig_enc_kind { IG_ENC_JSON, IG_ENC_COUNT, IG_ENC_MSGPACK };

struct ig_enc {
    enum ig_enc_kind kind;
    struct ig_jsonw *json;          /* IG_ENC_JSON */
    msgpack_packer *pk;             /* IG_ENC_MSGPACK */
    /* Container sizes: written by IG_ENC_COUNT, read by IG_ENC_MSGPACK. */
    uint32_t sizes[IG_ENC_MAX_CONTAINERS];
    uint32_t ncont;                 /* containers opened so far in this pass */
    uint32_t stack[IG_ENC_MAX_DEPTH];
    bool     stack_is_map[IG_ENC_MAX_DEPTH];
    uint32_t depth;
    bool     overflow;              /* too many containers or too deep: output unusable */
};

/* Starts a pass of <kind>; an IG_ENC_MSGPACK pass must follow an IG_ENC_COUNT pass over
 * the same writer calls (sizes are kept). */
void ig_enc_begin(struct ig_enc *e, enum ig_enc_kind kind);
void ig_enc_obj_open(struct ig_enc *e);
void ig_enc_obj_close(struct ig_enc *e);
void ig_enc_arr_open(struct ig_enc *e);
void ig_enc_arr_close(struct ig_enc *e);
void ig_enc_key(struct ig_enc *e, const char *k);
void ig_enc_str(struct ig_enc *e, const char *s);   /* NULL writes "" */
void ig_enc_u64(struct ig_enc *e, uint64_t v);
void ig_enc_f64(struct ig_enc *e, double v);        /* non-finite: null (JSON) / nil */
void ig_enc_bool(struct ig_enc *e, bool v);

/* Writes a msgpack object as JSON the way the JSON back end would have written the same
 * values (for round-trip checks and for kcat-style debugging). Returns false on a msgpack
 * type the OCSF writer never produces. */
bool ig_enc_msgpack_to_json(const msgpack_object *o, struct ig_jsonw *w);

#endif
