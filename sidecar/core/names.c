/* Names of protocols, identity kinds and endpoints as they appear in events and findings. */
#include <inferguard/event.h>

#include <arpa/inet.h>
#include <stdio.h>

const char *ig_protocol_name(enum ig_protocol p)
{
    static const char *const names[IG_PROTO__COUNT] = {
        [IG_PROTO_UNKNOWN] = "unknown",
        [IG_PROTO_KSERVE_V1] = "kserve_v1",
        [IG_PROTO_OIP_V2] = "oip_v2",
        [IG_PROTO_OIP_V2_BINARY] = "oip_v2_binary",
        [IG_PROTO_OPENAI_CHAT] = "openai_chat",
        [IG_PROTO_OPENAI_COMPLETIONS] = "openai_completions",
        [IG_PROTO_OPENAI_EMBEDDINGS] = "openai_embeddings",
        [IG_PROTO_GENERIC_JSON] = "generic_json",
        [IG_PROTO_OIP_V2_GRPC] = "oip_v2_grpc",
        [IG_PROTO_TFS_GRPC] = "tfserving_grpc",
    };
    return (unsigned)p < IG_PROTO__COUNT && names[p] ? names[p] : "unknown";
}

const char *ig_identity_kind_name(enum ig_identity_kind k)
{
    static const char *const names[IG_ID__COUNT] = {
        [IG_ID_SOURCE_IP] = "source_ip",
        [IG_ID_FORWARDED] = "forwarded",
        [IG_ID_API_KEY] = "api_key",
        [IG_ID_JWT] = "jwt",
        [IG_ID_SPIFFE] = "spiffe",
        [IG_ID_JWT_UNVERIFIED] = "jwt_unverified",
    };
    return (unsigned)k < IG_ID__COUNT && names[k] ? names[k] : "unknown";
}

const char *ig_id_basis_name(unsigned b)
{
    static const char *const names[IG_BASIS__COUNT] = {
        [IG_BASIS_NETWORK] = "network", [IG_BASIS_FORWARDED] = "forwarded",
        [IG_BASIS_CREDENTIAL] = "credential", [IG_BASIS_VERIFIED] = "verified",
        [IG_BASIS_SOURCE] = "source",
    };
    return b < IG_BASIS__COUNT && names[b] ? names[b] : "unknown";
}

/* Dotted quad without printf (inet_ntop formats IPv4 with sprintf; this runs twice per
 * event). Same text as inet_ntop. */
static size_t ip4_text(const uint8_t a[4], char out[16])
{
    char *o = out;
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (v >= 100) { *o++ = (char)('0' + v / 100); v %= 100; *o++ = (char)('0' + v / 10); }
        else if (v >= 10) *o++ = (char)('0' + v / 10);
        *o++ = (char)('0' + v % 10);
        *o++ = '.';
    }
    o[-1] = '\0';
    return (size_t)(o - out - 1);
}

char *ig_ip_str(uint8_t family, const uint8_t *addr, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (family == 4 && len >= 16)
        ip4_text(addr, buf);
    else if (family == 4)
        inet_ntop(AF_INET, addr, buf, (socklen_t)len);
    else if (family == 6)
        inet_ntop(AF_INET6, addr, buf, (socklen_t)len);
    return buf;
}

char *ig_endpoint_ip_str(const struct ig_endpoint *e, char *buf, size_t len)
{
    return ig_ip_str(e->family, e->addr, buf, len);
}

const char *ig_evasion_name(uint32_t bit)
{
    switch (bit) {
    case IG_EVA_DUPLICATE_KEYS: return "duplicate_keys";
    case IG_EVA_NONFINITE: return "nonfinite_numbers";
    case IG_EVA_RAW_BODY: return "raw_body";
    case IG_EVA_TRUNCATED: return "truncated";
    case IG_EVA_PADDING: return "padding";
    case IG_EVA_PIPELINE_DEPTH: return "pipeline_depth";
    case IG_EVA_HTTP_RESYNC: return "http_resync";
    case IG_EVA_DECOMPRESS_CAP: return "decompression_cap";
    case IG_EVA_STREAM_OVERLAP: return "tcp_overlap_conflict";
    case IG_EVA_STREAM_CONTROL: return "tcp_control_ignored";
    case IG_EVA_STREAM_CSUM: return "bad_checksum_insertion";
    case IG_EVA_FRAG_OVERLAP: return "fragment_overlap_conflict";
    case IG_EVA_FRAG_DROPPED: return "fragments_discarded_by_host";
    default: return NULL;
    }
}
