/* The sensor-load totals (include/inferguard/load.h). */
#include <inferguard/load.h>

#include <stdio.h>
#include <string.h>

static const char *const names[IG_LOAD__COUNT] = {
    "kernel_drops", "flow_memcap", "flows_evicted", "http_bodies", "http_unpaired",
    "clients_evicted", "models_overflow", "model_names", "events_dropped",
};

const char *ig_load_kind_name(enum ig_load_kind k)
{
    return (unsigned)k < IG_LOAD__COUNT ? names[k] : "?";
}

void ig_load_init(struct ig_sensor_load *l)
{
    memset(l, 0, sizeof *l);
    for (int i = 0; i < IG_LOAD__COUNT; i++)
        atomic_init(&l->total[i], 0);
    pthread_mutex_init(&l->lock, NULL);
}

void ig_load_destroy(struct ig_sensor_load *l)
{
    pthread_mutex_destroy(&l->lock);
}

void ig_load_set(struct ig_sensor_load *l, enum ig_load_kind k, uint64_t v)
{
    uint64_t cur = atomic_load_explicit(&l->total[k], memory_order_relaxed);
    while (v > cur && !atomic_compare_exchange_weak(&l->total[k], &cur, v))
        ;
}

void ig_load_add(struct ig_sensor_load *l, enum ig_load_kind k, uint64_t n)
{
    atomic_fetch_add_explicit(&l->total[k], n, memory_order_relaxed);
}

void ig_load_affected(struct ig_sensor_load *l, const char *what)
{
    pthread_mutex_lock(&l->lock);
    if (l->n_affected == IG_LOAD_AFFECTED) {
        memmove(l->affected[0], l->affected[1], (IG_LOAD_AFFECTED - 1) * sizeof l->affected[0]);
        l->n_affected--;
    }
    snprintf(l->affected[l->n_affected++], IG_LOAD_AFFECTED_LEN, "%s", what);
    l->affected_seq++;
    pthread_mutex_unlock(&l->lock);
}

uint64_t ig_load_affected_list(struct ig_sensor_load *l, char *out, size_t cap)
{
    size_t o = 0;
    if (cap)
        out[0] = 0;
    pthread_mutex_lock(&l->lock);
    for (uint32_t i = 0; i < l->n_affected && o < cap; i++) {
        int w = snprintf(out + o, cap - o, "%s%s", i ? ", " : "", l->affected[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    uint64_t seq = l->affected_seq;
    pthread_mutex_unlock(&l->lock);
    return seq;
}
