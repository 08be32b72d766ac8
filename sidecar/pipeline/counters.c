/* The counter table (see counters.h). Rows are in the drop list's order; /metrics groups
 * the rows of one family wherever they stand. */
#include "pipeline/counters.h"

#include <stddef.h>
#include <string.h>

#define C IG_KIND_COUNTER
#define G IG_KIND_GAUGE
#define NONE IG_COUNTER_NONE
#define CAP(f) IG_AT_CAPTURE, (uint16_t)offsetof(struct ig_decode_stats, f)
#define FLW(f) IG_AT_FLOW, (uint16_t)offsetof(struct ig_flow_stats, f)
#define HTP(f) IG_AT_HTTP, (uint16_t)offsetof(struct ig_http_stats, f)
#define H2(f) IG_AT_H2, (uint16_t)offsetof(struct ig_h2_stats, f)
#define PRS(f) IG_AT_PARSE, (uint16_t)offsetof(struct ig_parse_stats, f)
#define ENG(f) IG_AT_ENGINE, (uint16_t)offsetof(struct ig_engine_stats, f)
#define FND(f) IG_AT_FINDINGS, (uint16_t)offsetof(struct ig_findings_stats, f)
#define FLWX(f) (uint16_t)offsetof(struct ig_flow_stats, f)

const struct ig_counter_def ig_counters[] = {
    /* capture */
    { "inferguard_packets_total", NULL, "Packets captured.", C, CAP(packets), NONE, NULL },
    { "inferguard_bytes_total", NULL, "Bytes captured (frame lengths).", C, CAP(bytes), NONE, NULL },
    { NULL, NULL, NULL, C, CAP(unknown_linktype), NONE, "capture: unknown link type" },
    { NULL, NULL, NULL, C, CAP(truncated), NONE, "capture: truncated packet" },
    { NULL, NULL, NULL, C, CAP(truncated_payload), NONE, "capture: payload cut by snaplen" },
    { NULL, NULL, NULL, C, CAP(kernel_drops), NONE, "capture: dropped by the kernel (capture ring full)" },
    { NULL, NULL, NULL, C, CAP(bad_udp), NONE, "capture: bad UDP header" },
    { NULL, NULL, NULL, C, CAP(bad_ip), NONE, "capture: bad IP header" },
    { NULL, NULL, NULL, C, CAP(bad_tcp), NONE, "capture: bad TCP header" },
    { NULL, NULL, NULL, C, CAP(non_ip), NONE, "capture: not IP" },
    /* IP defragmentation */
    { "inferguard_defrag_total", "what=fragments", "IP fragment reassembly.", C, FLW(defrag.fragments), NONE, NULL },
    { "inferguard_defrag_total", "what=reassembled", NULL, C, FLW(defrag.reassembled), NONE, NULL },
    { "inferguard_defrag_total", "what=timeouts", NULL, C, FLW(defrag.timeouts), NONE,
      "defrag: datagram incomplete at defrag.timeout" },
    { "inferguard_defrag_total", "what=memcap_drops", NULL, C, FLW(defrag.memcap_drops), NONE,
      "defrag: datagram dropped at defrag.memcap" },
    { "inferguard_defrag_total", "what=overlap_conflicts", NULL, C, FLW(defrag.conflicts), NONE, NULL },
    { "inferguard_defrag_total", "what=overlap_discards", NULL, C, FLW(defrag.overlap_discards), NONE,
      "defrag: datagram discarded for overlapping fragments (as the host does)" },
    { NULL, NULL, NULL, C, FLW(defrag.bad), NONE,
      "defrag: bad fragment (lengths, past 65535 bytes, cut by snaplen)" },
    { "inferguard_defrag_held_bytes", NULL, "Bytes of IP fragments held now.", G, FLW(defrag.bytes_held), NONE, NULL },
    /* flows and TCP */
    { "inferguard_tcp_bad_checksum_total", NULL, "TCP segments dropped for a wrong checksum.", C, FLW(csum_bad),
      NONE, "tcp: bad checksum (segment ignored, capture.checksums)" },
    { "inferguard_flows_total", "state=created", "TCP flows by what happened to them.", C, FLW(flows_created),
      NONE, NULL },
    { "inferguard_flows_total", "state=closed", NULL, C, FLW(flows_closed), NONE, NULL },
    { "inferguard_flows_total", "state=timed_out", NULL, C, FLW(flows_timed_out), NONE, NULL },
    { "inferguard_flows_total", "state=evicted", NULL, C, FLW(flows_evicted), NONE, NULL },
    { "inferguard_flows_total", "state=midstream", NULL, C, FLW(flows_midstream), NONE, NULL },
    { NULL, NULL, NULL, C, FLW(flows_evicted), FLWX(embryonic_evicted),
      "flow: evicted at flow.max_flows or flow.memcap" },
    { NULL, NULL, NULL, C, FLW(embryonic_evicted), NONE, "flow: unanswered SYN evicted at flow.embryonic_max" },
    { NULL, NULL, NULL, C, FLW(gaps), NONE, "tcp: gap in stream (bytes missing from capture)" },
    { NULL, NULL, NULL, C, FLW(gap_bytes), NONE, "tcp: bytes lost in gaps" },
    { NULL, NULL, NULL, C, FLW(stream_cap_drops), NONE, "tcp: out-of-order queue over flow.stream_max_bytes" },
    { NULL, NULL, NULL, C, FLW(memcap_drops), NONE, "tcp: reassembly memory over flow.memcap" },
    { "inferguard_flows_active", NULL, "TCP flows tracked now.", G, FLW(active_flows), NONE, NULL },
    { "inferguard_flow_buffered_bytes", NULL, "Bytes held by TCP reassembly now.", G, FLW(bytes_buffered), NONE, NULL },
    { "inferguard_tcp_segments_total", NULL, "TCP segments seen.", C, FLW(segments), NONE, NULL },
    { "inferguard_tcp_bytes_total", NULL, "TCP payload bytes delivered in order.", C, FLW(bytes_delivered), NONE, NULL },
    { "inferguard_tcp_retransmits_total", NULL, "TCP retransmissions.", C, FLW(retransmits), NONE, NULL },
    { "inferguard_tcp_out_of_order_total", NULL, "TCP segments arriving out of order.", C, FLW(out_of_order), NONE, NULL },
    { "inferguard_tcp_control_ignored_total", "flag=rst",
      "RST/FIN/SYN segments ignored as the server's stack would (RFC 5961).", C, FLW(rst_ignored), NONE, NULL },
    { "inferguard_tcp_control_ignored_total", "flag=fin", NULL, C, FLW(fin_ignored), NONE, NULL },
    { "inferguard_tcp_control_ignored_total", "flag=syn", NULL, C, FLW(syn_ignored), NONE, NULL },
    { "inferguard_checksum_offload_directions_total", NULL,
      "Flow directions not checksum-verified (all wrong from the start: offload).", C, FLW(csum_offload_dirs), NONE, NULL },
    { "inferguard_flows_embryonic", NULL, "Flows whose SYN is not answered yet.", G, FLW(embryonic_active), NONE, NULL },
    { "inferguard_evasion_flows_total", NULL, "Connections that carried TCP/IP evasion tricks.", C, FLW(evasion_flows),
      NONE, NULL },
    /* HTTP/1.x */
    { "inferguard_http_connections_total", NULL, "HTTP connections parsed.", C, HTP(conns), NONE, NULL },
    { "inferguard_http_transactions_total", NULL, "HTTP request/response pairs.", C, HTP(txns), NONE, NULL },
    { "inferguard_http_not_inference_total", NULL, "HTTP transactions no adapter took.", C, PRS(not_inference),
      NONE, NULL },
    { "inferguard_http_requests_only_total", NULL, "Requests handed out without a response.", C, HTP(requests_only),
      NONE, NULL },
    { "inferguard_http_resync_rejected_total", NULL,
      "Requests resynchronised after one the parser rejected (evasion.http).", C, HTP(resync_rejected), NONE, NULL },
    { "inferguard_http_whitespace_squeezed_bytes_total", NULL, "Whitespace bytes squeezed out of bodies (padding).",
      C, HTP(ws_squeezed), NONE, NULL },
    { NULL, NULL, NULL, C, HTP(parse_errors), NONE, "http: parse error" },
    { NULL, NULL, NULL, C, HTP(gaps_dropped_txns), NONE,
      "http: transaction dropped (capture gap, parser reset, cut at close)" },
    { "inferguard_http_pipeline_early_total", NULL,
      "Requests handed out without waiting for their response (pipelining depth).", C, HTP(pipeline_early), NONE,
      "http: response not awaited (request past http.pipeline_depth, inspected alone)" },
    { "inferguard_http_inflate_capped_total", NULL, "Decompressions stopped at a cap (bomb).", C,
      HTP(inflate_capped), NONE, "http: decompression stopped at http.decompress_* (bomb)" },
    { NULL, NULL, NULL, C, HTP(memcap_given_up), NONE, "http: body buffer refused at http.memcap (body cut)" },
    { "inferguard_http_memcap_bodies_given_up_total", NULL, "Bodies given up at http.memcap (largest first).", C,
      HTP(memcap_bodies_given_up), NONE, "http: body given up at http.memcap (the largest; head inspected)" },
    { "inferguard_http_pipeline_shed_total", NULL,
      "Parsers rebuilt: over 2 x http.pipeline_depth requests unanswered.", C, HTP(pipeline_shed), NONE,
      "http: parser rebuilt (over 2 x http.pipeline_depth requests unanswered)" },
    { NULL, NULL, NULL, C, HTP(pipeline_responses_off), NONE,
      "http: connection's responses no longer paired (unanswered too long)" },
    { "inferguard_http_bodies_truncated_total", NULL,
      "Bodies cut at http.*_body_limit or http.memcap (head inspected).", C, HTP(body_truncated), NONE,
      "http: body over http.*_body_limit (truncated)" },
    { NULL, NULL, NULL, C, HTP(decompress_errors), NONE, "http: content decoding failed" },
    /* events */
    { "inferguard_events_malformed_total", NULL, "Inference events whose payload did not decode.", C,
      PRS(events_malformed), NONE, NULL },
    /* detection */
    { "inferguard_clients_evicted_total", NULL, "Clients evicted at detection.max_clients or memcap.", C,
      ENG(clients_evicted), NONE, "detection: client evicted at detection.max_clients/memcap" },
    { NULL, NULL, NULL, C, ENG(models_overflow), NONE,
      "detection: events of models past detection.max_models (shared entry)" },
    { "inferguard_detection_events_total", NULL, "Events the detectors observed.", C, ENG(events), NONE, NULL },
    { "inferguard_clients_tracked", NULL, "Clients in the detection table now.", G, ENG(clients_active), NONE, NULL },
    { "inferguard_clients_capacity", NULL, "Clients the table holds (max_clients within memcap).", G,
      ENG(clients_cap), NONE, NULL },
    { "inferguard_clients_created_total", NULL, "Client entries created.", C, ENG(clients_created), NONE, NULL },
    { "inferguard_clients_deferred_total", NULL,
      "New identities kept out of the client table by their source's admission rate or cap.", C,
      ENG(clients_deferred), NONE, NULL },
    { "inferguard_sources_tracked", NULL, "Stable sources (principal groups) tracked now.", G, ENG(sources_active),
      NONE, NULL },
    { "inferguard_group_events_total", NULL,
      "Events also observed on a principal group's stream (a source with several identities).", C,
      ENG(group_events), NONE, NULL },
    { "inferguard_clients_memory_bytes", NULL, "Client table memory in use.", G, ENG(memory_used), NONE, NULL },
    { "inferguard_models_tracked", NULL, "Models with detector state now.", G, ENG(models_active), NONE, NULL },
    /* findings */
    { "inferguard_findings_emitted_total", NULL, "OCSF finding records written to the sinks.", C, FND(emitted),
      NONE, NULL },
    { "inferguard_findings_throttled_total", NULL, "Findings folded into an open throttle group.", C,
      FND(throttled), NONE, NULL },
    { NULL, NULL, NULL, C, FND(encode_errors), NONE, "findings: encoding failed" },
    { NULL, NULL, NULL, C, FND(evicted), NONE, "findings: throttle group closed early (table full)" },
    { NULL, NULL, NULL, C, FND(atlas_unknown), NONE, "findings: ATLAS id not in rules/atlas.yaml (kept bare)" },
    /* HTTP/2 and gRPC */
    { NULL, NULL, NULL, C, H2(midstream), NONE, "http2: connection picked up mid-way (HPACK state unknown, skipped)" },
    { NULL, NULL, NULL, C, H2(upgrades_refused), NONE, "http2: h2c upgrade refused (connection not followed)" },
    { NULL, NULL, NULL, C, H2(frames_malformed), NONE, "http2: malformed frame" },
    { NULL, NULL, NULL, C, H2(hpack_errors), NONE, "http2: HPACK error (direction skipped until a safe point)" },
    { NULL, NULL, NULL, C, H2(header_lists_over_limit), NONE, "http2: header list over http2.max_header_list_size" },
    { NULL, NULL, NULL, C, H2(streams_over_limit), NONE, "http2: stream over http2.max_streams" },
    { NULL, NULL, NULL, C, H2(streams_refused), NONE, "http2: stream refused by GOAWAY" },
    { NULL, NULL, NULL, C, H2(bodies_truncated), NONE, "http2: body over http.*_body_limit (truncated)" },
    { NULL, NULL, NULL, C, H2(memcap_drops), NONE, "http2: buffered bytes over http2.conn_memcap" },
    { NULL, NULL, NULL, C, H2(grpc_over_limit), NONE, "grpc: message over http2.max_message_size" },
    { NULL, NULL, NULL, C, H2(grpc_over_decompressed_limit), NONE, "grpc: message over http2.max_decompressed_size" },
    { NULL, NULL, NULL, C, H2(grpc_decompress_errors), NONE, "grpc: decompression failed" },
    { NULL, NULL, NULL, C, H2(grpc_unknown_encoding), NONE, "grpc: unknown grpc-encoding" },
    { NULL, NULL, NULL, C, H2(grpc_unpaired_responses), NONE, "grpc: response message without a request message" },
};
const size_t ig_counters_n = sizeof ig_counters / sizeof ig_counters[0];

bool ig_counter_value(const struct ig_counter_def *d, const struct ig_counter_src *src, uint64_t *v)
{
    const uint8_t *base = src->at[d->where];
    if (!base)
        return false;
    uint64_t x;
    memcpy(&x, base + d->off, sizeof x);
    if (d->minus != IG_COUNTER_NONE) {
        uint64_t y;
        memcpy(&y, base + d->minus, sizeof y);
        x -= y;
    }
    *v = x;
    return true;
}

void ig_counters_each_drop(const struct ig_counter_src *src,
                           void (*fn)(void *ctx, const char *reason, uint64_t n), void *ctx)
{
    uint64_t v;
    for (size_t i = 0; i < ig_counters_n; i++)
        if (ig_counters[i].drop && ig_counter_value(&ig_counters[i], src, &v) && v)
            fn(ctx, ig_counters[i].drop, v);
}
