/* Finding the first byte of a small class in a buffer, 8 bytes at a time (SWAR), for the
 * byte loops of the parsing path (JSON strings, body whitespace, SSE lines). For each class
 * the word trick "has a zero byte" ((x - 0x01..) & ~x & 0x80..) sets the top bit of every
 * matching byte and, through borrows, possibly of bytes above a match, never below the
 * first one: so the lowest set bit marks the first match. Little-endian loads (x86-64,
 * aarch64): the lowest byte is the first in memory. */
#ifndef IG_CORE_BYTESCAN_H
#define IG_CORE_BYTESCAN_H

#include <stdint.h>
#include <string.h>

#define IG_BS_ONES  0x0101010101010101ull
#define IG_BS_HIGHS 0x8080808080808080ull

static inline uint64_t ig_bs_load(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* top bit of each byte equal to c (exact for the lowest one) */
static inline uint64_t ig_bs_eq(uint64_t v, uint8_t c)
{
    uint64_t x = v ^ (IG_BS_ONES * c);
    return (x - IG_BS_ONES) & ~x & IG_BS_HIGHS;
}

/* top bit of each byte below n (n <= 128; exact for the lowest one) */
static inline uint64_t ig_bs_lt(uint64_t v, uint8_t n)
{
    return (v - IG_BS_ONES * n) & ~v & IG_BS_HIGHS;
}

#define IG_BS_FIND(p, e, MASK, MATCH)                                            \
    do {                                                                         \
        while ((e) - (p) >= 8) {                                                 \
            uint64_t v_ = ig_bs_load(p), m_ = (MASK);                            \
            if (m_)                                                              \
                return (p) + (__builtin_ctzll(m_) >> 3);                         \
            (p) += 8;                                                            \
        }                                                                        \
        while ((p) < (e) && !(MATCH))                                            \
            (p)++;                                                               \
        return (p);                                                              \
    } while (0)

/* First '"', '\\' or control byte (< 0x20) in [p, e), or e: where a JSON string's plain
 * run ends. */
static inline const uint8_t *ig_find_json_string_stop(const uint8_t *p, const uint8_t *e)
{
    IG_BS_FIND(p, e, ig_bs_eq(v_, '"') | ig_bs_eq(v_, '\\') | ig_bs_lt(v_, 0x20),
               *p == '"' || *p == '\\' || *p < 0x20);
}

/* First JSON whitespace byte (' ', '\n', '\r', '\t') in [p, e), or e. */
static inline const uint8_t *ig_find_ws(const uint8_t *p, const uint8_t *e)
{
    IG_BS_FIND(p, e, ig_bs_eq(v_, ' ') | ig_bs_eq(v_, '\n') | ig_bs_eq(v_, '\r') | ig_bs_eq(v_, '\t'),
               *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t');
}

/* First '\r' or '\n' in [p, e), or e. */
static inline const uint8_t *ig_find_eol(const uint8_t *p, const uint8_t *e)
{
    IG_BS_FIND(p, e, ig_bs_eq(v_, '\r') | ig_bs_eq(v_, '\n'), *p == '\r' || *p == '\n');
}

#endif
