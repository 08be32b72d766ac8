/* Shared by the gRPC adapters (see ad_grpc.h). */
#include "adapters/ad_grpc.h"

#include <string.h>
#include <strings.h>

const char ig_ad_grpc_request_undecodable[] =
    "gRPC request message not decodable (over http2.max_message_size, "
    "unknown grpc-encoding or bad compressed data)";
const char ig_ad_grpc_response_undecodable[] =
    "gRPC response message not decodable (over http2.max_message_size, "
    "unknown grpc-encoding or bad compressed data)";

bool ig_ad_is_grpc(const struct ig_http_txn *t)
{
    const struct ig_span *ct = ig_http_header(t, IG_DIR_TO_SERVER, "content-type");
    return ct && ct->n >= 16 && strncasecmp((const char *)ct->p, "application/grpc", 16) == 0;
}

static void *pb_alloc(void *data, size_t size) { return ig_scratch_alloc(data, size ? size : 1); }
static void pb_free(void *data, void *p) { (void)data; (void)p; }

ProtobufCAllocator ig_ad_pb_allocator(struct ig_scratch *s)
{
    return (ProtobufCAllocator){ pb_alloc, pb_free, s };
}
