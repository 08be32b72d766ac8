/* What the gRPC adapters (ad_oip_grpc.c, ad_tfs_grpc.c) share: recognising a gRPC call,
 * protobuf-c allocating from the transaction's scratch arena, and the reasons given for a
 * message the HTTP/2 stage could not hand over whole. */
#ifndef IG_ADAPTERS_AD_GRPC_H
#define IG_ADAPTERS_AD_GRPC_H

#include <inferguard/adapter.h>
#include <protobuf-c/protobuf-c.h>

/* content-type application/grpc (any +suffix or parameters). */
bool ig_ad_is_grpc(const struct ig_http_txn *t);

/* protobuf-c allocates from <s>; nothing is freed one by one (the arena is reset). */
ProtobufCAllocator ig_ad_pb_allocator(struct ig_scratch *s);

extern const char ig_ad_grpc_request_undecodable[];   /* with the request dropped */
extern const char ig_ad_grpc_response_undecodable[];  /* with the event flagged malformed */

#endif
