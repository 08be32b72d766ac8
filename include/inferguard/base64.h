/* Base64 decoding (RFC 4648 4 and 5). Every reader here accepts both alphabets, standard
 * ("+/") and URL-safe ("-_"): senders mix them up and nothing is lost by it. */
#ifndef INFERGUARD_BASE64_H
#define INFERGUARD_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* The 6-bit value of <c> in either alphabet, or -1 ('=' included). */
int ig_b64_val(uint8_t c);

/* Decodes <p, n> into out (at most cap bytes); trailing '=' padding, any amount, is
 * ignored and left bits are dropped. Returns the decoded length, or -1 when a character is
 * outside both alphabets or the output would pass cap. */
long ig_b64_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap);

/* base64url as JOSE uses it (RFC 7515 2): unpadded (padding tolerated); a length of 4k+1
 * characters cannot be base64 and is refused. Returns the decoded length or -1. */
long ig_b64url_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap);

#endif
