/* Inference event -> one JSON object (schema in event_json.h). Written through a cursor
 * (core/jsonw.h): the layout is fixed, so each run of keys, commas and brackets between two
 * values is one literal copy, and room is checked against a pointer held in a register;
 * the generic calls (a comma state per value, the length and a NUL per write) cost about a
 * third of --events on the efficacy iris capture (see the commit). */
#include "adapters/event_json.h"

#include <string.h>

#define LIT(c, s) IG_JSONW_CUR_LIT(c, s)

/* A fixed-size field: its text up to the first NUL. */
#define FIELD(c, f) ig_jsonw_cur_strn((c), (f), strnlen((f), sizeof(f)))

static void endpoint(struct ig_jsonw_cur *c, const struct ig_endpoint *e)
{
    char ip[64];
    LIT(c, "\"ip\":");
    if (e->family)
        ig_jsonw_cur_str(c, ig_endpoint_ip_str(e, ip, sizeof ip));
    else
        LIT(c, "null");
    LIT(c, ",\"port\":");
    ig_jsonw_cur_u64(c, e->port);
}

static void matrix(struct ig_jsonw_cur *c, const float *v, uint32_t rows, uint32_t cols)
{
    LIT(c, "[");
    for (uint32_t r = 0; r < rows; r++) {
        if (r)
            LIT(c, ",");
        ig_jsonw_cur_f32_array(c, v + (size_t)r * cols, cols);
    }
    LIT(c, "]");
}

static const struct { uint32_t bit; const char *name; } flag_names[] = {
    { IG_EV_TENSOR, "tensor" }, { IG_EV_SCORES, "scores" }, { IG_EV_LABELS, "labels" },
    { IG_EV_TEXT, "text" }, { IG_EV_MALFORMED, "malformed" }, { IG_EV_LOGITS, "logits" },
    { IG_EV_ERROR, "error" }, { IG_EV_MIDSTREAM, "midstream" },
};

/* A name in a list: its comma unless it is the first. */
static void list_item(struct ig_jsonw_cur *c, bool *any, const char *name)
{
    if (*any)
        LIT(c, ",");
    *any = true;
    ig_jsonw_cur_str(c, name);
}

void ig_event_to_json(const struct ig_event *ev, struct ig_jsonw *w, bool with_tensors)
{
    ig_jsonw_obj_open(w);
    struct ig_jsonw_cur cur, *c = &cur;
    ig_jsonw_cur_begin(w, c);
    bool any;
    LIT(c, "\"time\":");
    ig_jsonw_cur_u64(c, ev->req_time_us);
    LIT(c, ",\"resp_time\":");
    ig_jsonw_cur_u64(c, ev->resp_time_us);
    LIT(c, ",\"latency_us\":");
    ig_jsonw_cur_u64(c, ev->latency_us);

    LIT(c, ",\"client\":{\"kind\":");
    ig_jsonw_cur_str(c, ig_identity_kind_name(ev->id_kind));
    LIT(c, ",\"id\":");
    FIELD(c, ev->client_id);
    LIT(c, ",\"basis\":");
    ig_jsonw_cur_str(c, ig_id_basis_name(ev->id_basis));
    if (ev->claimed_id[0]) {
        LIT(c, ",\"claimed_kind\":");
        ig_jsonw_cur_str(c, ig_identity_kind_name(ev->claimed_kind));
        LIT(c, ",\"claimed_id\":");
        FIELD(c, ev->claimed_id);
    }
    if (ev->group_id[0]) {
        LIT(c, ",\"source_kind\":");
        ig_jsonw_cur_str(c, ig_identity_kind_name(ev->group_kind));
        LIT(c, ",\"source_id\":");
        FIELD(c, ev->group_id);
    }
    if (ev->id_flags & (IG_IDF_MESH_SPOOF | IG_IDF_JWT_BAD)) {
        LIT(c, ",\"flags\":[");
        any = false;
        if (ev->id_flags & IG_IDF_MESH_SPOOF)
            list_item(c, &any, "mesh_identity_from_untrusted_peer");
        if (ev->id_flags & IG_IDF_JWT_EXPIRED)
            list_item(c, &any, "jwt_expired");
        else if (ev->id_flags & IG_IDF_JWT_BAD)
            list_item(c, &any, "jwt_invalid");
        LIT(c, "]");
    }
    LIT(c, ",");
    endpoint(c, &ev->src);
    LIT(c, "},\"server\":{");
    endpoint(c, &ev->dst);
    LIT(c, "},\"protocol\":");
    ig_jsonw_cur_str(c, ig_protocol_name(ev->protocol));
    LIT(c, ",\"model\":");
    FIELD(c, ev->model);
    LIT(c, ",\"version\":");
    FIELD(c, ev->model_version);
    LIT(c, ",\"method\":");
    FIELD(c, ev->method);
    LIT(c, ",\"route\":");
    FIELD(c, ev->route);
    LIT(c, ",\"status\":");
    ig_jsonw_cur_u64(c, ev->status);

    LIT(c, ",\"flags\":[");
    any = false;
    for (size_t i = 0; i < IG_ARRAY_LEN(flag_names); i++)
        if (ev->flags & flag_names[i].bit)
            list_item(c, &any, flag_names[i].name);
    LIT(c, "]");
    if (ev->flags & IG_EV_MALFORMED) {
        LIT(c, ",\"malformed\":");
        ig_jsonw_cur_str(c, ev->malformed_reason ? ev->malformed_reason : "malformed payload");
    }
    if (ev->evasion) {
        LIT(c, ",\"evasion\":[");
        any = false;
        for (uint32_t b = 1; b; b <<= 1)
            if ((ev->evasion & b) && ig_evasion_name(b))
                list_item(c, &any, ig_evasion_name(b));
        LIT(c, "]");
    }

    LIT(c, ",\"rows\":");
    ig_jsonw_cur_u64(c, ev->rows);
    LIT(c, ",\"features\":");
    ig_jsonw_cur_u64(c, ev->features);
    LIT(c, ",\"outputs\":");
    ig_jsonw_cur_u64(c, ev->outputs);
    if (ev->labels) {
        LIT(c, ",\"labels\":[");
        for (uint32_t r = 0; r < ev->rows; r++) {
            if (r)
                LIT(c, ",");
            ig_jsonw_cur_i64(c, ev->labels[r]);
        }
        LIT(c, "]");
    }
    if (with_tensors && ev->inputs) {
        LIT(c, ",\"inputs\":");
        matrix(c, ev->inputs, ev->rows, ev->features);
    }
    if (with_tensors && ev->scores) {
        LIT(c, ",\"scores\":");
        matrix(c, ev->scores, ev->rows, ev->outputs);
    }

    if (ev->flags & IG_EV_TEXT || ev->prompt_tokens || ev->completion_tokens) {
        LIT(c, ",\"prompt_tokens\":");
        ig_jsonw_cur_u64(c, ev->prompt_tokens);
        LIT(c, ",\"completion_tokens\":");
        ig_jsonw_cur_u64(c, ev->completion_tokens);
        if (ev->streamed)
            LIT(c, ",\"streamed\":true");
        else
            LIT(c, ",\"streamed\":false");
        LIT(c, ",\"prompt_bytes\":");
        ig_jsonw_cur_u64(c, ev->prompt.n);
        LIT(c, ",\"completion_bytes\":");
        ig_jsonw_cur_u64(c, ev->completion.n);
        if (with_tensors) {
            if (ev->prompt.p) {
                LIT(c, ",\"prompt\":");
                ig_jsonw_cur_strn(c, (const char *)ev->prompt.p, ev->prompt.n);
            }
            if (ev->completion.p) {
                LIT(c, ",\"completion\":");
                ig_jsonw_cur_strn(c, (const char *)ev->completion.p, ev->completion.n);
            }
            if (ev->system_prompt.p) {
                LIT(c, ",\"system_prompt\":");
                ig_jsonw_cur_strn(c, (const char *)ev->system_prompt.p, ev->system_prompt.n);
            }
        }
    }
    LIT(c, ",\"req_bytes\":");
    ig_jsonw_cur_u64(c, ev->req_bytes);
    LIT(c, ",\"resp_bytes\":");
    ig_jsonw_cur_u64(c, ev->resp_bytes);
    ig_jsonw_cur_end(c);
    ig_jsonw_obj_close(w);
}
