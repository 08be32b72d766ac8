/* Inference event -> one JSON object (schema in event_json.h). */
#include "adapters/event_json.h"

#include <string.h>

static void endpoint(struct ig_jsonw *w, const struct ig_endpoint *e)
{
    char ip[64];
    ig_jsonw_key(w, "ip");
    if (e->family)
        ig_jsonw_str(w, ig_endpoint_ip_str(e, ip, sizeof ip));
    else
        ig_jsonw_null(w);
    ig_jsonw_key(w, "port");
    ig_jsonw_u64(w, e->port);
}

static void matrix(struct ig_jsonw *w, const char *key, const float *v, uint32_t rows, uint32_t cols)
{
    ig_jsonw_key(w, key);
    ig_jsonw_arr_open(w);
    for (uint32_t r = 0; r < rows; r++)
        ig_jsonw_f32_array(w, v + (size_t)r * cols, cols);
    ig_jsonw_arr_close(w);
}

static void text(struct ig_jsonw *w, const char *key, struct ig_span s)
{
    if (!s.p)
        return;
    ig_jsonw_key(w, key);
    ig_jsonw_strn(w, (const char *)s.p, s.n);
}

static const struct { uint32_t bit; const char *name; } flag_names[] = {
    { IG_EV_TENSOR, "tensor" }, { IG_EV_SCORES, "scores" }, { IG_EV_LABELS, "labels" },
    { IG_EV_TEXT, "text" }, { IG_EV_MALFORMED, "malformed" }, { IG_EV_LOGITS, "logits" },
    { IG_EV_ERROR, "error" }, { IG_EV_MIDSTREAM, "midstream" },
};

void ig_event_to_json(const struct ig_event *ev, struct ig_jsonw *w, bool with_tensors)
{
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "time");
    ig_jsonw_u64(w, ev->req_time_us);
    ig_jsonw_key(w, "resp_time");
    ig_jsonw_u64(w, ev->resp_time_us);
    ig_jsonw_key(w, "latency_us");
    ig_jsonw_u64(w, ev->latency_us);

    ig_jsonw_key(w, "client");
    ig_jsonw_obj_open(w);
    ig_jsonw_key(w, "kind");
    ig_jsonw_str(w, ig_identity_kind_name(ev->id_kind));
    ig_jsonw_key(w, "id");
    ig_jsonw_strn(w, ev->client_id, strnlen(ev->client_id, sizeof ev->client_id));
    ig_jsonw_key(w, "basis");
    ig_jsonw_str(w, ig_id_basis_name(ev->id_basis));
    if (ev->claimed_id[0]) {
        ig_jsonw_key(w, "claimed_kind");
        ig_jsonw_str(w, ig_identity_kind_name(ev->claimed_kind));
        ig_jsonw_key(w, "claimed_id");
        ig_jsonw_strn(w, ev->claimed_id, strnlen(ev->claimed_id, sizeof ev->claimed_id));
    }
    if (ev->group_id[0]) {
        ig_jsonw_key(w, "source_kind");
        ig_jsonw_str(w, ig_identity_kind_name(ev->group_kind));
        ig_jsonw_key(w, "source_id");
        ig_jsonw_strn(w, ev->group_id, strnlen(ev->group_id, sizeof ev->group_id));
    }
    if (ev->id_flags & (IG_IDF_MESH_SPOOF | IG_IDF_JWT_BAD)) {
        ig_jsonw_key(w, "flags");
        ig_jsonw_arr_open(w);
        if (ev->id_flags & IG_IDF_MESH_SPOOF)
            ig_jsonw_str(w, "mesh_identity_from_untrusted_peer");
        if (ev->id_flags & IG_IDF_JWT_EXPIRED)
            ig_jsonw_str(w, "jwt_expired");
        else if (ev->id_flags & IG_IDF_JWT_BAD)
            ig_jsonw_str(w, "jwt_invalid");
        ig_jsonw_arr_close(w);
    }
    endpoint(w, &ev->src);
    ig_jsonw_obj_close(w);
    ig_jsonw_key(w, "server");
    ig_jsonw_obj_open(w);
    endpoint(w, &ev->dst);
    ig_jsonw_obj_close(w);

    ig_jsonw_key(w, "protocol");
    ig_jsonw_str(w, ig_protocol_name(ev->protocol));
    ig_jsonw_key(w, "model");
    ig_jsonw_strn(w, ev->model, strnlen(ev->model, sizeof ev->model));
    ig_jsonw_key(w, "version");
    ig_jsonw_strn(w, ev->model_version, strnlen(ev->model_version, sizeof ev->model_version));
    ig_jsonw_key(w, "method");
    ig_jsonw_strn(w, ev->method, strnlen(ev->method, sizeof ev->method));
    ig_jsonw_key(w, "route");
    ig_jsonw_strn(w, ev->route, strnlen(ev->route, sizeof ev->route));
    ig_jsonw_key(w, "status");
    ig_jsonw_u64(w, ev->status);

    ig_jsonw_key(w, "flags");
    ig_jsonw_arr_open(w);
    for (size_t i = 0; i < IG_ARRAY_LEN(flag_names); i++)
        if (ev->flags & flag_names[i].bit)
            ig_jsonw_str(w, flag_names[i].name);
    ig_jsonw_arr_close(w);
    if (ev->flags & IG_EV_MALFORMED) {
        ig_jsonw_key(w, "malformed");
        ig_jsonw_str(w, ev->malformed_reason ? ev->malformed_reason : "malformed payload");
    }
    if (ev->evasion) {
        ig_jsonw_key(w, "evasion");
        ig_jsonw_arr_open(w);
        for (uint32_t b = 1; b; b <<= 1)
            if ((ev->evasion & b) && ig_evasion_name(b))
                ig_jsonw_str(w, ig_evasion_name(b));
        ig_jsonw_arr_close(w);
    }

    ig_jsonw_key(w, "rows");
    ig_jsonw_u64(w, ev->rows);
    ig_jsonw_key(w, "features");
    ig_jsonw_u64(w, ev->features);
    ig_jsonw_key(w, "outputs");
    ig_jsonw_u64(w, ev->outputs);
    if (ev->labels) {
        ig_jsonw_key(w, "labels");
        ig_jsonw_arr_open(w);
        for (uint32_t r = 0; r < ev->rows; r++)
            ig_jsonw_i64(w, ev->labels[r]);
        ig_jsonw_arr_close(w);
    }
    if (with_tensors && ev->inputs)
        matrix(w, "inputs", ev->inputs, ev->rows, ev->features);
    if (with_tensors && ev->scores)
        matrix(w, "scores", ev->scores, ev->rows, ev->outputs);

    if (ev->flags & IG_EV_TEXT || ev->prompt_tokens || ev->completion_tokens) {
        ig_jsonw_key(w, "prompt_tokens");
        ig_jsonw_u64(w, ev->prompt_tokens);
        ig_jsonw_key(w, "completion_tokens");
        ig_jsonw_u64(w, ev->completion_tokens);
        ig_jsonw_key(w, "streamed");
        ig_jsonw_bool(w, ev->streamed);
        ig_jsonw_key(w, "prompt_bytes");
        ig_jsonw_u64(w, ev->prompt.n);
        ig_jsonw_key(w, "completion_bytes");
        ig_jsonw_u64(w, ev->completion.n);
        if (with_tensors) {
            text(w, "prompt", ev->prompt);
            text(w, "completion", ev->completion);
            text(w, "system_prompt", ev->system_prompt);
        }
    }
    ig_jsonw_key(w, "req_bytes");
    ig_jsonw_u64(w, ev->req_bytes);
    ig_jsonw_key(w, "resp_bytes");
    ig_jsonw_u64(w, ev->resp_bytes);
    ig_jsonw_obj_close(w);
}
