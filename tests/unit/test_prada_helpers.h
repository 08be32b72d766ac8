/* extraction.prada driven as the engine drives it, one client at a time: shared by
 * test_det_extraction_prada and test_prada_prefilter. Include after <cmocka.h>. */
#ifndef IG_TEST_PRADA_HELPERS_H
#define IG_TEST_PRADA_HELPERS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <inferguard/base.h>
#include <inferguard/detector.h>
#include <inferguard/event.h>

extern const struct ig_detector ig_det_extraction_prada;

/* The detector from <rules> (NULL: its defaults) with one zeroed client; findings go to
 * <emit>, which must outlive the call. */
static inline void prada_open(struct ig_call *call, const struct ig_rules *rules, struct ig_emit *emit)
{
    static const struct ig_env no_env;   /* nothing lent: no profile loader, no report writer */
    void *global = NULL;
    char err[256] = "";
    assert_int_equal(ig_detector_init(&ig_det_extraction_prada, &no_env, rules, &global, err, sizeof(err)), 0);
    *call = (struct ig_call){ .global = global, .emit = emit,
                              .client = calloc(1, ig_det_extraction_prada.client_size) };
    assert_non_null(call->client);
}

/* Feeds <n> queries (xs: n rows of <dim>, lab: n labels), <batch> rows per event, one
 * event a millisecond, as the client's next queries; every observe must succeed. */
static inline void prada_feed(struct ig_call *call, const float *xs, const int32_t *lab, uint32_t n,
                              uint32_t dim, uint32_t batch)
{
    for (uint32_t i = 0; i < n; i += batch) {
        uint32_t rows = IG_MIN(batch, n - i);
        struct ig_event ev = { .req_time_us = 1767225600000000ull + i * 1000ull,
                               .flags = IG_EV_TENSOR | IG_EV_LABELS, .rows = rows,
                               .features = dim, .inputs = xs + (size_t)i * dim, .labels = lab + i };
        snprintf(ev.client_id, sizeof(ev.client_id), "c-42");
        snprintf(ev.model, sizeof(ev.model), "fraud");
        call->client_queries++;
        assert_int_equal(ig_det_extraction_prada.observe(call, &ev), 0);
    }
}

/* Evicts the client (its state back to the budget) and frees it and the detector. */
static inline void prada_close(struct ig_call *call)
{
    ig_det_extraction_prada.evict(call);
    free(call->client);
    ig_det_extraction_prada.free((void *)call->global);
}

#endif
