/* libFuzzer: text normalisation on arbitrary bytes with every flag combination, out of
 * place and in place, and the validators on the same bytes. Checks the length contracts:
 * never more than cap; in place never longer than the input; idempotent on its own words
 * output (normalising normalised words changes nothing); Base64 runs reported in order
 * inside the input, decoded to at most 3/4 of their length; the SIMD and scalar passes
 * agree byte for byte. */
#include "text/normalise.h"
#include "text/validators.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0] & 0x3f;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    size_t cap = 2 * n + 8;
    uint8_t *out = malloc(cap + 1), *inplace = malloc(n + 1), *again = malloc(cap + 1);
    if (!out || !inplace || !again)
        abort();
    size_t m = ig_text_normalise(in, n, out, cap, flags);
    if (m > cap)
        abort();
    /* the SIMD pass for ASCII runs (when the CPU has it) writes what the scalar pass does */
    size_t ms = ig_text_normalise_path(in, n, again, cap, flags, false);
    if (ms != m || memcmp(again, out, m) != 0)
        abort();
    /* a small cap is respected too */
    size_t small = ig_text_normalise(in, n, again, n / 3, flags);
    if (small > n / 3)
        abort();
    memcpy(inplace, in, n);
    size_t k = ig_text_normalise(inplace, n, inplace, n, flags & ~IG_NORM_B64);
    if (k > n)
        abort();
    if ((flags & IG_NORM_WORDS) == IG_NORM_WORDS && !(flags & IG_NORM_B64)) {
        size_t k2 = ig_text_normalise(inplace, k, again, cap, flags);
        if (k2 != k || memcmp(again, inplace, k) != 0)
            abort();
    }
    /* Base64 runs: inside the input, in order, decoded within 3/4 of the run */
    uint8_t *dec = malloc(n / 4 * 3 + 8);
    if (!dec)
        abort();
    uint8_t *dec2 = malloc(n / 4 * 3 + 8);
    if (!dec2)
        abort();
    size_t pos = 0, at, dn, last = 0, pos2 = 0, at2 = 0;
    while ((dn = ig_text_b64_next(in, n, &pos, dec, &at)) > 0) {
        if (at < last || at + IG_NORM_B64_MIN > pos || pos > n || dn > (pos - at) / 4 * 3 + 3)
            abort();
        /* the probing scan finds the runs the byte-by-byte one does */
        if (ig_text_b64_next_bytewise(in, n, &pos2, dec2, &at2) != dn || pos2 != pos || at2 != at ||
            memcmp(dec, dec2, dn))
            abort();
        last = pos;
    }
    if (ig_text_b64_next_bytewise(in, n, &pos2, dec2, &at2) != 0 || pos != n || pos2 != n)
        abort();
    free(dec2);
    free(dec);
    uint8_t key[16] = { 0 };
    char masked[96];
    (void)ig_valid_card((const char *)in, n);
    (void)ig_valid_iban((const char *)in, n);
    (void)ig_valid_ssn((const char *)in, n);
    (void)ig_valid_jwt((const char *)in, n);
    (void)ig_entropy((const char *)in, n);
    ig_text_mask((const char *)in, n, key, masked, sizeof masked);
    free(out);
    free(inplace);
    free(again);
    return 0;
}
