/* The fleet's event record: one inference event as a compact msgpack map, published by
 * every pod (`--events-topic`) and read back by `inferguard aggregate`. It carries what the
 * detectors read (who, which model, when, the tensors, status and sizes, evasion marks),
 * not the raw HTTP. Field table: docs/fleet.md. Tensors travel as little-endian float32
 * (or IEEE half floats with kafka.events_quantise: f16); prompt, completion and system
 * prompt text only with kafka.events_text: true. */
#ifndef IG_FLEET_EVENT_MP_H
#define IG_FLEET_EVENT_MP_H

#include <inferguard/event.h>
#include <msgpack.h>

#define IG_EVMP_VERSION 1
#define IG_EVMP_SCHEMA "inferguard.event"
#define IG_EVMP_MAX_VALUES (1u << 24)   /* floats per tensor a decoder accepts */

struct ig_evmp_opts {
    bool f16;    /* quantise inputs and scores to half floats */
    bool text;   /* include prompt, completion and system prompt */
    uint64_t wm; /* the pod's watermark (key `wm`, µs): every event of the pod that completed
                  * before it was published ahead of this record; 0 = none */
};

/* Encodes <ev> into <sb> (cleared first). Returns IG_OK or IG_ENOMEM. */
int ig_evmp_encode(const struct ig_event *ev, const struct ig_evmp_opts *o, msgpack_sbuffer *sb);

/* A watermark record of the events topic (a pod's heartbeat, sent to every partition):
 * `{hb: true, wm: W}`, or with `bye: true` when the pod stops publishing. No `v`: an
 * aggregator older than heartbeats counts it undecodable and skips it. */
int ig_evmp_encode_heartbeat(uint64_t wm_us, bool bye, msgpack_sbuffer *sb);

/* A decoded event: <ev> points into this struct's buffers and the message, which must stay
 * alive (and unchanged) while <ev> is used; the next decode into the same struct reuses
 * them. Zero-initialise before the first decode; ig_evmp_decoded_free releases. */
struct ig_evmp_decoded {
    struct ig_event ev;
    msgpack_unpacked up;
    bool up_ready;
    float *inputs, *scores;
    int32_t *labels;
    size_t inputs_cap, scores_cap, labels_cap;
    char malformed_reason[96];
    uint64_t wm;       /* the record's pod watermark (`wm`), 0 = none */
    bool heartbeat;    /* a watermark record (no event: <ev> is empty) */
    bool bye;          /* ... saying the pod stopped publishing */
};
/* Decodes one record: an event, or a watermark record (d->heartbeat). IG_OK, or IG_EPARSE with one static sentence in *why (not msgpack,
 * not a map, a wrong type or size, an unknown version). */
int  ig_evmp_decode(struct ig_evmp_decoded *d, const void *buf, size_t n, const char **why);
void ig_evmp_decoded_free(struct ig_evmp_decoded *d);

/* IEEE 754 binary16 <-> binary32, round to nearest even (exposed for tests). */
uint16_t ig_f32_to_f16(float f);
float    ig_f16_to_f32(uint16_t h);

#endif
