/* The adapter table: the highest probe score wins; on a tie, the earlier entry. */
#include <inferguard/adapter.h>

extern const struct ig_adapter ig_ad_oip_v2;
extern const struct ig_adapter ig_ad_kserve_v1;
extern const struct ig_adapter ig_ad_openai;
extern const struct ig_adapter ig_ad_generic;
extern const struct ig_adapter ig_ad_oip_grpc;
extern const struct ig_adapter ig_ad_tfs_grpc;

const struct ig_adapter *const ig_adapters[] = {
    &ig_ad_oip_v2,
    &ig_ad_oip_grpc,
    &ig_ad_tfs_grpc,
    &ig_ad_kserve_v1,
    &ig_ad_openai,
    &ig_ad_generic,
    NULL,
};

const struct ig_adapter *ig_adapter_select(const struct ig_decode_ctx *ctx,
                                           const struct ig_http_txn *t)
{
    const struct ig_adapter *best = NULL;
    int best_score = 0;
    for (size_t i = 0; ig_adapters[i]; i++) {
        int s = ig_adapters[i]->probe(ctx, t);
        if (s > best_score) {
            best_score = s;
            best = ig_adapters[i];
        }
    }
    return best;
}
