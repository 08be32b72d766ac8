/* inferguard: what the sensor had to give up under load, for evasion.overload, /metrics
 * and /readyz. The parsing side (pipeline tick) and the engine store running totals;
 * the detector reads them on the detection thread, so the totals are atomics and the
 * list of affected flows sits behind a lock (touched once per tick, not per packet). */
#ifndef INFERGUARD_LOAD_H
#define INFERGUARD_LOAD_H

#include <inferguard/base.h>

#include <pthread.h>
#include <stdatomic.h>

enum ig_load_kind {
    IG_LOAD_KERNEL_DROPS,     /* packets the kernel ring or interface dropped (live) */
    IG_LOAD_FLOW_MEMCAP,      /* reassembly given up at flow.memcap / stream cap */
    IG_LOAD_FLOWS_EVICTED,    /* flows pushed out at flow.max_flows / flow.memcap */
    IG_LOAD_HTTP_BODIES,      /* bodies given up or cut at http.memcap */
    IG_LOAD_HTTP_UNPAIRED,    /* requests handed out unanswered past the pipelining bound */
    IG_LOAD_CLIENTS_EVICTED,  /* clients (and their detector state) evicted at detection caps */
    IG_LOAD_MODELS_OVERFLOW,  /* events of models past detection.max_models (shared entry) */
    IG_LOAD_MODEL_NAMES,      /* never-served model names pushing each other out of a full table */
    IG_LOAD_EVENTS_DROPPED,   /* events too large for memory.events / the ring */
    IG_LOAD__COUNT
};

#define IG_LOAD_AFFECTED 8
#define IG_LOAD_AFFECTED_LEN 112

struct ig_sensor_load {
    _Atomic uint64_t total[IG_LOAD__COUNT];
    pthread_mutex_t lock;                     /* guards the fields below */
    char affected[IG_LOAD_AFFECTED][IG_LOAD_AFFECTED_LEN];   /* "client > server (what)", newest last */
    uint32_t n_affected;
    uint64_t affected_seq;                    /* entries ever added */
};

void ig_load_init(struct ig_sensor_load *l);
void ig_load_destroy(struct ig_sensor_load *l);
/* Raises total <k> to <v> (a running total from a stats struct; never lowers it). */
void ig_load_set(struct ig_sensor_load *l, enum ig_load_kind k, uint64_t v);
void ig_load_add(struct ig_sensor_load *l, enum ig_load_kind k, uint64_t n);
/* Records one affected flow or client (text, cut to fit). */
void ig_load_affected(struct ig_sensor_load *l, const char *what);
/* Copies the affected list, newest last, as "a, b, c" into <out>; returns entries ever added. */
uint64_t ig_load_affected_list(struct ig_sensor_load *l, char *out, size_t cap);
/* "kernel_drops", "flow_memcap", ... */
const char *ig_load_kind_name(enum ig_load_kind k);

#endif
