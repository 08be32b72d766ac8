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
#define SAY(line, pos, text) IG_SUM_##line, pos, text
#define NOSAY IG_SUM_NONE, 0, NULL

const struct ig_counter_def ig_counters[] = {
    /* capture */
    { "inferguard_packets_total", NULL, "Packets captured.", C, CAP(packets), NONE, NULL, SAY(PACKETS, 0, "%llu") },
    { "inferguard_bytes_total", NULL, "Bytes captured (frame lengths).", C, CAP(bytes), NONE, NULL, SAY(PACKETS, 1, " (%llu bytes)") },
    { NULL, NULL, NULL, C, CAP(unknown_linktype), NONE, "capture: unknown link type", NOSAY },
    { NULL, NULL, NULL, C, CAP(truncated), NONE, "capture: truncated packet", NOSAY },
    { NULL, NULL, NULL, C, CAP(truncated_payload), NONE, "capture: payload cut by snaplen", NOSAY },
    { NULL, NULL, NULL, C, CAP(kernel_drops), NONE, "capture: dropped by the kernel (capture ring full)", NOSAY },
    { NULL, NULL, NULL, C, CAP(bad_udp), NONE, "capture: bad UDP header", NOSAY },
    { NULL, NULL, NULL, C, CAP(bad_ip), NONE, "capture: bad IP header", NOSAY },
    { NULL, NULL, NULL, C, CAP(bad_tcp), NONE, "capture: bad TCP header", NOSAY },
    { NULL, NULL, NULL, C, CAP(non_ip), NONE, "capture: not IP", NOSAY },
    { NULL, NULL, NULL, C, CAP(other_l4), NONE, NULL,
      SAY(PACKETS, 3, " (%llu UDP/other transport, not analysed)") },
    { "inferguard_capture_clock_steps_total", NULL,
      "Packet timestamps that stepped back by over 1 s (later packets' times moved forward).", C,
      CAP(clock_steps), NONE, NULL, SAY(CLOCK, 0, "packet times stepped back %llu times") },
    { NULL, NULL, NULL, C, CAP(clock_step_ms), NONE, NULL,
      SAY(CLOCK, 1, " (%llu ms in all): later packets' times moved forward by as much") },
    { "inferguard_capture_clock_outliers_total", NULL,
      "Single packets stamped over 60 s ahead of the rest (held at the latest time).", C,
      CAP(clock_outliers), NONE, NULL, SAY(CLOCK, 2, "; %llu single packets stamped over 60 s ahead, held at the latest time") },
    /* IP defragmentation */
    { "inferguard_defrag_total", "what=fragments", "IP fragment reassembly.", C, FLW(defrag.fragments), NONE, NULL, SAY(DEFRAG, 0, "%llu IP fragments") },
    { "inferguard_defrag_total", "what=reassembled", NULL, C, FLW(defrag.reassembled), NONE, NULL, SAY(DEFRAG, 1, ", %llu datagrams reassembled (defrag.policy %s)") },
    { "inferguard_defrag_total", "what=timeouts", NULL, C, FLW(defrag.timeouts), NONE,
      "defrag: datagram incomplete at defrag.timeout", SAY(DEFRAG, 5, ", %llu timed out") },
    { "inferguard_defrag_total", "what=memcap_drops", NULL, C, FLW(defrag.memcap_drops), NONE,
      "defrag: datagram dropped at defrag.memcap", NOSAY },
    { "inferguard_defrag_total", "what=overlap_conflicts", NULL, C, FLW(defrag.conflicts), NONE, NULL, SAY(DEFRAG, 3, " (%llu with other bytes)") },
    { NULL, NULL, NULL, C, FLW(defrag.overlaps), NONE, NULL, SAY(DEFRAG, 2, ", %llu with overlaps") },
    { "inferguard_defrag_total", "what=overlap_discards", NULL, C, FLW(defrag.overlap_discards), NONE,
      "defrag: datagram discarded for overlapping fragments (as the host does)", SAY(DEFRAG, 4, ", %llu discarded for overlaps") },
    { NULL, NULL, NULL, C, FLW(defrag.bad), NONE,
      "defrag: bad fragment (lengths, past 65535 bytes, cut by snaplen)", NOSAY },
    { "inferguard_defrag_held_bytes", NULL, "Bytes of IP fragments held now.", G, FLW(defrag.bytes_held), NONE, NULL, NOSAY },
    /* flows and TCP */
    { "inferguard_tcp_bad_checksum_total", NULL, "TCP segments dropped for a wrong checksum.", C, FLW(csum_bad),
      NONE, "tcp: bad checksum (segment ignored, capture.checksums)", SAY(TCP_STATE, 3, "; %llu bad checksums dropped; checksums %s") },
    { "inferguard_flows_total", "state=created", "TCP flows by what happened to them.", C, FLW(flows_created),
      NONE, NULL, SAY(FLOWS, 0, "%llu created") },
    { "inferguard_flows_total", "state=closed", NULL, C, FLW(flows_closed), NONE, NULL, SAY(FLOWS, 1, ", %llu closed") },
    { "inferguard_flows_total", "state=timed_out", NULL, C, FLW(flows_timed_out), NONE, NULL, SAY(FLOWS, 2, ", %llu timed out") },
    { "inferguard_flows_total", "state=evicted", NULL, C, FLW(flows_evicted), NONE, NULL, SAY(FLOWS, 3, ", %llu evicted") },
    { "inferguard_flows_total", "state=midstream", NULL, C, FLW(flows_midstream), NONE, NULL, SAY(FLOWS, 4, ", %llu picked up mid-stream") },
    { "inferguard_midstream_flows_total", "outcome=later_message",
      "TCP flows picked up mid-stream off capture.ports: parsed from a later HTTP/1 message start, or given up.",
      C, PRS(midstream_later), NONE, NULL, SAY(MIDSTREAM, 0, "%llu flows off capture.ports parsed from a later HTTP/1 message start") },
    { "inferguard_midstream_flows_swapped_total", NULL,
      "Of those parsed from a later message start, flows whose client was the side the ports named the server.",
      C, PRS(midstream_swapped), NONE, NULL,
      SAY(MIDSTREAM, 1, " (%llu of them with client and server the other way round than the ports said)") },
    { "inferguard_midstream_flows_total", "outcome=given_up", NULL, C, PRS(midstream_given_up), NONE,
      "http: mid-stream flow off capture.ports without an HTTP/1 message start in 4 MiB or 4,096 segments of a direction",
      SAY(MIDSTREAM, 2, ", %llu given up") },
    { NULL, NULL, NULL, C, FLW(flows_evicted), FLWX(embryonic_evicted),
      "flow: evicted at flow.max_flows or flow.memcap", NOSAY },
    { NULL, NULL, NULL, C, FLW(embryonic_evicted), NONE, "flow: unanswered SYN evicted at flow.embryonic_max", SAY(TCP_STATE, 5, ", %llu evicted") },
    { NULL, NULL, NULL, C, FLW(gaps), NONE, "tcp: gap in stream (bytes missing from capture)", NOSAY },
    { NULL, NULL, NULL, C, FLW(gap_bytes), NONE, "tcp: bytes lost in gaps", NOSAY },
    { NULL, NULL, NULL, C, FLW(stream_cap_drops), NONE, "tcp: out-of-order queue over flow.stream_max_bytes", NOSAY },
    { NULL, NULL, NULL, C, FLW(memcap_drops), NONE, "tcp: reassembly memory over flow.memcap", NOSAY },
    { "inferguard_flows_active", NULL, "TCP flows tracked now.", G, FLW(active_flows), NONE, NULL, NOSAY },
    { "inferguard_flow_buffered_bytes", NULL, "Bytes held by TCP reassembly now.", G, FLW(bytes_buffered), NONE, NULL, NOSAY },
    { "inferguard_tcp_segments_total", NULL, "TCP segments seen.", C, FLW(segments), NONE, NULL, SAY(TCP, 0, "%llu segments") },
    { "inferguard_tcp_bytes_total", NULL, "TCP payload bytes delivered in order.", C, FLW(bytes_delivered), NONE, NULL, SAY(TCP, 1, ", %llu bytes in order") },
    { "inferguard_tcp_retransmits_total", NULL, "TCP retransmissions.", C, FLW(retransmits), NONE, NULL, SAY(TCP, 2, ", %llu retransmitted") },
    { "inferguard_tcp_out_of_order_total", NULL, "TCP segments arriving out of order.", C, FLW(out_of_order), NONE, NULL, SAY(TCP, 3, ", %llu out of order") },
    { NULL, NULL, NULL, C, FLW(overlaps), NONE, NULL, SAY(TCP, 4, ", %llu overlaps") },
    { NULL, NULL, NULL, C, FLW(overlap_conflicts), NONE, NULL, SAY(TCP, 5, " (%llu conflicting)") },
    { NULL, NULL, NULL, C, FLW(syn_reuse), NONE, NULL, SAY(TCP, 6, ", %llu connections reused") },
    { NULL, NULL, NULL, C, FLW(non_tcp), NONE, NULL, SAY(PACKETS, 2, ", %llu not TCP") },
    { "inferguard_tcp_control_ignored_total", "flag=rst",
      "RST/FIN/SYN segments ignored as the server's stack would (RFC 5961).", C, FLW(rst_ignored), NONE, NULL, SAY(TCP_STATE, 0, "ignored as the server's stack would (RFC 5961): %llu RST") },
    { "inferguard_tcp_control_ignored_total", "flag=fin", NULL, C, FLW(fin_ignored), NONE, NULL, SAY(TCP_STATE, 1, ", %llu FIN") },
    { "inferguard_tcp_control_ignored_total", "flag=syn", NULL, C, FLW(syn_ignored), NONE, NULL, SAY(TCP_STATE, 2, ", %llu SYN") },
    { NULL, NULL, NULL, C, FLW(embryonic_timed_out), NONE, NULL,
      SAY(TCP_STATE, 4, "; %llu unanswered SYNs timed out") },
    { "inferguard_checksum_offload_directions_total", NULL,
      "Flow directions not checksum-verified (all wrong from the start: offload).", C, FLW(csum_offload_dirs), NONE, NULL, SAY(CHECKSUMS, 0, "not verified in %llu flow directions whose data checksums were wrong from the start") },
    { NULL, NULL, NULL, C, FLW(csum_merged), NONE, NULL,
      SAY(CHECKSUMS, 1, ", nor in %llu segments over 1500 bytes (checksum offload, GRO/TSO on the "
          "capturing host; capture.checksums: on checks them all)") },
    { "inferguard_flows_embryonic", NULL, "Flows whose SYN is not answered yet.", G, FLW(embryonic_active), NONE, NULL, NOSAY },
    { "inferguard_evasion_flows_total", NULL, "Connections that carried TCP/IP evasion tricks.", C, FLW(evasion_flows),
      NONE, NULL, SAY(FLOW_EVASION, 0, "%llu connections carried TCP/IP evasion tricks") },
    { NULL, NULL, NULL, C, FLW(stream_conflicts), NONE, NULL,
      SAY(FLOW_EVASION, 1, " (%llu conflicting TCP overlaps): see evasion.* findings") },
    /* HTTP/1.x */
    { "inferguard_http_connections_total", NULL, "HTTP connections parsed.", C, HTP(conns), NONE, NULL, NOSAY },
    { "inferguard_http_transactions_total", NULL, "HTTP request/response pairs.", C, HTP(txns), NONE, NULL, SAY(HTTP, 0, "%llu transactions") },
    { "inferguard_http_not_inference_total", NULL, "HTTP transactions no adapter took.", C, PRS(not_inference),
      NONE, NULL, SAY(HTTP, 2, ", %llu not inference APIs") },
    { "inferguard_http_fast_path_total", NULL, "Transactions handed out by the strict HTTP/1.1 fast path (http.parser: fast).",
      C, HTP(fast_txns), NONE, NULL, NOSAY },
    { "inferguard_http_fast_handovers_total", NULL, "Connections handed to libhtp at a message the fast path does not take.",
      C, HTP(fast_handovers), NONE, NULL, NOSAY },
    { "inferguard_http_requests_only_total", NULL, "Requests handed out without a response.", C, HTP(requests_only),
      NONE, NULL, SAY(HTTP, 1, " (%llu without response)") },
    { "inferguard_http_resync_rejected_total", NULL,
      "Requests resynchronised after one the parser rejected (evasion.http).", C, HTP(resync_rejected), NONE, NULL, SAY(HTTP_EVASION, 0, "%llu requests resynchronised after a rejected one") },
    { "inferguard_http_whitespace_squeezed_bytes_total", NULL, "Whitespace bytes squeezed out of bodies (padding).",
      C, HTP(ws_squeezed), NONE, NULL, SAY(HTTP_EVASION, 1, ", %llu whitespace bytes squeezed") },
    { NULL, NULL, NULL, C, PRS(events_raw_inspected), NONE, NULL,
      SAY(HTTP_EVASION, 2, ", %llu undecodable bodies inspected raw") },
    { NULL, NULL, NULL, C, HTP(parse_errors), NONE, "http: parse error", NOSAY },
    { NULL, NULL, NULL, C, HTP(gaps_dropped_txns), NONE,
      "http: transaction dropped (capture gap, parser reset, cut at close)", NOSAY },
    { "inferguard_http_pipeline_early_total", NULL,
      "Requests handed out without waiting for their response (pipelining depth).", C, HTP(pipeline_early), NONE,
      "http: response not awaited (request past http.pipeline_depth, inspected alone)", NOSAY },
    { "inferguard_http_inflate_capped_total", NULL, "Decompressions stopped at a cap (bomb).", C,
      HTP(inflate_capped), NONE, "http: decompression stopped at http.decompress_* (bomb)", NOSAY },
    { NULL, NULL, NULL, C, HTP(memcap_given_up), NONE, "http: body buffer refused at http.memcap (body cut)", NOSAY },
    { "inferguard_http_memcap_bodies_given_up_total", NULL, "Bodies given up at http.memcap (largest first).", C,
      HTP(memcap_bodies_given_up), NONE, "http: body given up at http.memcap (the largest; head inspected)", NOSAY },
    { "inferguard_http_pipeline_shed_total", NULL,
      "Parsers rebuilt: over 2 x http.pipeline_depth requests unanswered.", C, HTP(pipeline_shed), NONE,
      "http: parser rebuilt (over 2 x http.pipeline_depth requests unanswered)", NOSAY },
    { NULL, NULL, NULL, C, HTP(pipeline_responses_off), NONE,
      "http: connection's responses no longer paired (unanswered too long)", NOSAY },
    { "inferguard_http_bodies_truncated_total", NULL,
      "Bodies cut at http.*_body_limit or http.memcap (head inspected).", C, HTP(body_truncated), NONE,
      "http: body over http.*_body_limit (truncated)", NOSAY },
    { NULL, NULL, NULL, C, HTP(decompress_errors), NONE, "http: content decoding failed", NOSAY },
    /* events */
    { "inferguard_events_malformed_total", NULL, "Inference events whose payload did not decode.", C,
      PRS(events_malformed), NONE, NULL, NOSAY },
    /* detection */
    { "inferguard_clients_evicted_total", NULL, "Clients evicted at detection.max_clients or memcap.", C,
      ENG(clients_evicted), NONE, "detection: client evicted at detection.max_clients/memcap", SAY(CLIENTS, 1, ", %llu evicted") },
    { NULL, NULL, NULL, C, ENG(models_overflow), NONE,
      "detection: events of models past detection.max_models (shared entry)", NOSAY },
    { "inferguard_detection_events_total", NULL, "Events the detectors observed.", C, ENG(events), NONE, NULL, NOSAY },
    { "inferguard_clients_tracked", NULL, "Clients in the detection table now.", G, ENG(clients_active), NONE, NULL, SAY(CLIENTS, 0, "%llu tracked") },
    { NULL, NULL, NULL, G, ENG(bytes_per_client), NONE, NULL, SAY(CLIENTS, 2, " (%llu bytes each)") },
    { "inferguard_clients_capacity", NULL, "Clients the table holds (max_clients within memcap).", G,
      ENG(clients_cap), NONE, NULL, NOSAY },
    { "inferguard_clients_created_total", NULL, "Client entries created.", C, ENG(clients_created), NONE, NULL, NOSAY },
    { "inferguard_clients_deferred_total", NULL,
      "New identities kept out of the client table by their source's admission rate or cap.", C,
      ENG(clients_deferred), NONE, NULL, SAY(SOURCES, 2, "; %llu new identities deferred by their source's rate or cap") },
    { "inferguard_sources_tracked", NULL, "Stable sources (principal groups) tracked now.", G, ENG(sources_active),
      NONE, NULL, SAY(SOURCES, 0, "%llu tracked") },
    { NULL, NULL, NULL, C, ENG(sources_evicted), NONE, NULL, SAY(SOURCES, 1, ", %llu evicted") },
    { "inferguard_group_events_total", NULL,
      "Events also observed on a principal group's stream (a source with several identities).", C,
      ENG(group_events), NONE, NULL, SAY(SOURCES, 3, "; %llu events") },
    { NULL, NULL, NULL, C, ENG(group_findings), NONE, NULL, SAY(SOURCES, 4, ", %llu findings on group streams") },
    { "inferguard_clients_memory_bytes", NULL, "Client table memory in use.", G, ENG(memory_used), NONE, NULL, NOSAY },
    { "inferguard_models_tracked", NULL, "Models with detector state now.", G, ENG(models_active), NONE, NULL, NOSAY },
    /* findings */
    { "inferguard_findings_emitted_total", NULL, "OCSF finding records written to the sinks.", C, FND(emitted),
      NONE, NULL, SAY(FINDINGS, 0, "%llu emitted") },
    { NULL, NULL, NULL, C, FND(raised), NONE, NULL, SAY(FINDINGS, 1, " (%llu raised") },
    { "inferguard_findings_throttled_total", NULL, "Findings folded into an open throttle group.", C,
      FND(throttled), NONE, NULL, SAY(FINDINGS, 2, ", %llu folded by throttling") },
    { NULL, NULL, NULL, C, FND(updates), NONE, NULL, SAY(FINDINGS, 3, " into %llu updates)") },
    { "inferguard_findings_suppressed_total", NULL,
      "Findings matched by a findings.suppress entry: counted, never published.", C, FND(suppressed),
      NONE, NULL, NOSAY },
    { NULL, NULL, NULL, C, FND(encode_errors), NONE, "findings: encoding failed", NOSAY },
    { NULL, NULL, NULL, C, FND(evicted), NONE, "findings: throttle group closed early (table full)", NOSAY },
    { NULL, NULL, NULL, C, FND(atlas_unknown), NONE, "findings: ATLAS id not in rules/atlas.yaml (kept bare)", NOSAY },
    /* HTTP/2 and gRPC */
    { NULL, NULL, NULL, C, H2(conns), NONE, NULL, SAY(HTTP2, 0, "%llu connections") },
    { NULL, NULL, NULL, C, H2(prior_knowledge), NONE, NULL, SAY(HTTP2, 1, " (%llu prior knowledge") },
    { NULL, NULL, NULL, C, H2(upgrades), NONE, NULL, SAY(HTTP2, 2, ", %llu h2c upgrade") },
    { NULL, NULL, NULL, C, H2(resynced), NONE, NULL, SAY(HTTP2, 4, ", %llu resynchronised)") },
    { NULL, NULL, NULL, C, H2(streams), NONE, NULL, SAY(HTTP2, 5, ", %llu streams") },
    { NULL, NULL, NULL, C, H2(txns), NONE, NULL, SAY(HTTP2, 6, ", %llu exchanges") },
    { NULL, NULL, NULL, C, H2(grpc_messages), NONE, NULL, SAY(HTTP2, 7, ", %llu gRPC messages") },
    { NULL, NULL, NULL, C, H2(grpc_errors), NONE, NULL, SAY(HTTP2, 8, " (%llu calls failed)") },
    { NULL, NULL, NULL, C, H2(frames), NONE, NULL, SAY(HTTP2, 9, ", %llu frames") },
    { NULL, NULL, NULL, C, H2(streams_reset), NONE, NULL, SAY(HTTP2, 11, ", %llu resets") },
    { NULL, NULL, NULL, C, H2(goaways), NONE, NULL, SAY(HTTP2, 12, ", %llu GOAWAY") },
    { NULL, NULL, NULL, C, H2(midstream), NONE, "http2: connection picked up mid-way (HPACK state unknown, skipped)", SAY(HTTP2, 3, ", %llu mid-way") },
    { NULL, NULL, NULL, C, H2(upgrades_refused), NONE, "http2: h2c upgrade refused (connection not followed)", NOSAY },
    { NULL, NULL, NULL, C, H2(frames_malformed), NONE, "http2: malformed frame", SAY(HTTP2, 10, " (%llu malformed)") },
    { NULL, NULL, NULL, C, H2(hpack_errors), NONE, "http2: HPACK error (direction skipped until a safe point)", NOSAY },
    { NULL, NULL, NULL, C, H2(header_lists_over_limit), NONE, "http2: header list over http2.max_header_list_size", NOSAY },
    { NULL, NULL, NULL, C, H2(streams_over_limit), NONE, "http2: stream over http2.max_streams", NOSAY },
    { NULL, NULL, NULL, C, H2(streams_refused), NONE, "http2: stream refused by GOAWAY", NOSAY },
    { NULL, NULL, NULL, C, H2(bodies_truncated), NONE, "http2: body over http.*_body_limit (truncated)", NOSAY },
    { NULL, NULL, NULL, C, H2(memcap_drops), NONE, "http2: buffered bytes over http2.conn_memcap", NOSAY },
    { NULL, NULL, NULL, C, H2(grpc_over_limit), NONE, "grpc: message over http2.max_message_size", NOSAY },
    { NULL, NULL, NULL, C, H2(grpc_over_decompressed_limit), NONE, "grpc: message over http2.max_decompressed_size", NOSAY },
    { NULL, NULL, NULL, C, H2(grpc_decompress_errors), NONE, "grpc: decompression failed", NOSAY },
    { NULL, NULL, NULL, C, H2(grpc_unknown_encoding), NONE, "grpc: unknown grpc-encoding", NOSAY },
    { NULL, NULL, NULL, C, H2(grpc_unpaired_responses), NONE, "grpc: response message without a request message", NOSAY },
};
const size_t ig_counters_n = sizeof ig_counters / sizeof ig_counters[0];

const struct ig_summary_line_def ig_summary_lines[IG_SUM__COUNT] = {
    [IG_SUM_PACKETS] = { "  packets     ", IG_SHOW_ALWAYS },
    [IG_SUM_CLOCK] = { "  clock       ", IG_SHOW_IF_ANY },
    [IG_SUM_FLOWS] = { "  flows       ", IG_SHOW_ALWAYS },
    [IG_SUM_MIDSTREAM] = { "  mid-stream  ", IG_SHOW_IF_ANY },
    [IG_SUM_TCP] = { "  tcp         ", IG_SHOW_ALWAYS },
    [IG_SUM_TCP_STATE] = { "  tcp state   ", IG_SHOW_ALWAYS },
    [IG_SUM_CHECKSUMS] = { "  checksums   ", IG_SHOW_IF_ANY },
    [IG_SUM_DEFRAG] = { "  defrag      ", IG_SHOW_IF_FIRST },
    [IG_SUM_FLOW_EVASION] = { "  evasion     ", IG_SHOW_IF_FIRST },
    [IG_SUM_HTTP] = { "  http        ", IG_SHOW_ALWAYS },
    [IG_SUM_HTTP_EVASION] = { "  evasion     ", IG_SHOW_ALWAYS },
    [IG_SUM_HTTP2] = { "  http2       ", IG_SHOW_IF_FIRST },
    [IG_SUM_CLIENTS] = { "  clients     ", IG_SHOW_ALWAYS },
    [IG_SUM_SOURCES] = { "  sources     ", IG_SHOW_ALWAYS },
    [IG_SUM_FINDINGS] = { "  findings    ", IG_SHOW_ALWAYS },
};

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

/* Row <pos> of summary line <line>, or NULL past its last. */
static const struct ig_counter_def *line_row(enum ig_summary_line line, unsigned pos)
{
    for (size_t i = 0; i < ig_counters_n; i++)
        if (ig_counters[i].line == line && ig_counters[i].pos == pos)
            return &ig_counters[i];
    return NULL;
}

bool ig_summary_line_print(FILE *out, const struct ig_counter_src *src, enum ig_summary_line line,
                           const char *arg)
{
    const struct ig_summary_line_def *l = &ig_summary_lines[line];
    const struct ig_counter_def *d;
    uint64_t v;
    bool any = false;
    for (unsigned pos = 0; (d = line_row(line, pos)) != NULL; pos++) {
        bool nz = ig_counter_value(d, src, &v) && v;
        if (pos == 0 && l->show == IG_SHOW_IF_FIRST && !nz)
            return false;
        any |= nz;
    }
    if (l->show == IG_SHOW_IF_ANY && !any)
        return false;
    fputs(l->head, out);
    for (unsigned pos = 0; (d = line_row(line, pos)) != NULL; pos++) {
        if (!ig_counter_value(d, src, &v))
            v = 0;
        /* the table's own words: one %llu, maybe a %s after it */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        fprintf(out, d->say, (unsigned long long)v, arg ? arg : "");
#pragma GCC diagnostic pop
    }
    return true;
}
