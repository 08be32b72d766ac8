/* libFuzzer: bytes -> the gRPC adapters (protobuf-c decoding of OIP v2 ModelInferRequest,
 * ModelInferResponse, ModelStreamInferResponse, and TF Serving PredictRequest /
 * PredictResponse). Byte 0 picks the adapter and method (0x10: TF Serving) and the status,
 * bytes 1-2 (big-endian) where the request message ends; the rest is the request message
 * then the response message. */
#include <stdlib.h>
#include <string.h>

#include <inferguard/adapter.h>

extern const struct ig_adapter ig_ad_oip_grpc;
extern const struct ig_adapter ig_ad_tfs_grpc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config cfg;
    static struct ig_scratch s;
    static bool ready;
    if (!ready) {
        ig_config_defaults(&cfg);
        cfg.max_values = 1 << 16;
        ig_scratch_init(&s, 1 << 16, 16u << 20);
        ready = true;
    }
    if (size < 3)
        return 0;
    size_t split = (size_t)(data[1] << 8 | data[2]);
    size_t rest = size - 3;
    if (split > rest)
        split = rest;
    /* private copies so that reads past either message are caught */
    uint8_t *rq = malloc(split ? split : 1), *rs = malloc(rest - split ? rest - split : 1);
    memcpy(rq, data + 3, split);
    memcpy(rs, data + 3 + split, rest - split);
    struct ig_http_header h = { { (const uint8_t *)"content-type", 12 }, { (const uint8_t *)"application/grpc", 16 } };
    bool tfs = data[0] & 0x10;
    const struct ig_adapter *ad = tfs ? &ig_ad_tfs_grpc : &ig_ad_oip_grpc;
    const char *path = tfs ? "/tensorflow.serving.PredictionService/Predict"
                     : data[0] & 1 ? "/inference.GRPCInferenceService/ModelStreamInfer"
                                   : "/inference.GRPCInferenceService/ModelInfer";
    struct ig_http_txn t = {
        .method = { (const uint8_t *)"POST", 4 }, .path = { (const uint8_t *)path, strlen(path) },
        .req_headers = &h, .n_req_headers = 1, .req_body = { rq, split },
        .resp_body = { rs, rest - split }, .status = data[0] & 2 ? 400 : 200,
        .req_body_truncated = (data[0] & 0x0c) == 0x0c,
    };
    t.uri = t.path;
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    struct ig_decode_ctx ctx = { .cfg = &cfg, .scratch = &s };
    const char *why = NULL;
    if (ad->probe(&ctx, &t) > 0 && ad->decode(&ctx, &t, &ev, &why) == IG_OK) {
        volatile float x = 0;
        for (size_t i = 0; ev.inputs && i < (size_t)ev.rows * ev.features; i++)
            x += ev.inputs[i];
        for (size_t i = 0; ev.scores && i < (size_t)ev.rows * ev.outputs; i++)
            x += ev.scores[i];
        for (size_t i = 0; ev.labels && i < ev.rows; i++)
            x += (float)ev.labels[i];
        (void)x;
    }
    ig_scratch_reset(&s);
    free(rq);
    free(rs);
    return 0;
}
