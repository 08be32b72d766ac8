/* One inference event as one JSON object (the --events output). Schema, in key order:
 *   time, resp_time, latency_us (capture clock, µs), client {kind, id, ip, port},
 *   server {ip, port}, protocol, model, version, method, route, status, flags [..],
 *   malformed (reason, only when malformed), rows, features, outputs, labels [..],
 *   inputs [[..] per row] and scores [[..] per row] (only with <with_tensors>),
 *   prompt_tokens, completion_tokens, streamed, prompt / completion / system_prompt
 *   (text, only with <with_tensors>), prompt_bytes, completion_bytes, req_bytes, resp_bytes.
 * Absent parts (no tensor, no text) are omitted rather than written as null. */
#ifndef IG_ADAPTERS_EVENT_JSON_H
#define IG_ADAPTERS_EVENT_JSON_H

#include <inferguard/event.h>
#include "core/jsonw.h"

/* Appends the object for <ev> to <w> (no newline). with_tensors adds input values,
 * score values and LLM text; the rest is always written. */
void ig_event_to_json(const struct ig_event *ev, struct ig_jsonw *w, bool with_tensors);

#endif
