/* The scan gate's oracle, shared by test_gate and fuzz_gate: one pattern compiled alone by
 * Hyperscan, so that a text it matches can be held against the gate (text/gate.h), whose
 * promise is never to say "cannot match" where Hyperscan finds a match. */
#ifndef TEST_GATE_ORACLE_H
#define TEST_GATE_ORACLE_H

#include <hs.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gate_oracle {
    hs_database_t *db;
    hs_scratch_t *s;
};

/* <pat> compiled for block scans; false (nothing to close) when Hyperscan refuses it. */
static inline bool gate_oracle_open(struct gate_oracle *o, const char *pat)
{
    hs_compile_error_t *ce = NULL;
    o->db = NULL;
    o->s = NULL;
    if (hs_compile(pat, 0, HS_MODE_BLOCK, NULL, &o->db, &ce) != HS_SUCCESS) {
        hs_free_compile_error(ce);
        return false;
    }
    if (hs_alloc_scratch(o->db, &o->s) != HS_SUCCESS) {
        hs_free_database(o->db);
        return false;
    }
    return true;
}

static inline int gate_oracle_on_match(unsigned id, unsigned long long from, unsigned long long to,
                                       unsigned flags, void *c)
{
    (void)id;
    (void)from;
    (void)to;
    (void)flags;
    *(bool *)c = true;
    return 1;   /* one match is enough */
}

/* Whether the pattern matches somewhere in t[0..n). */
static inline bool gate_oracle_matches(const struct gate_oracle *o, const uint8_t *t, size_t n)
{
    bool match = false;
    hs_scan(o->db, (const char *)t, (unsigned)n, 0, o->s, gate_oracle_on_match, &match);
    return match;
}

static inline void gate_oracle_close(struct gate_oracle *o)
{
    hs_free_scratch(o->s);
    hs_free_database(o->db);
}

#endif
