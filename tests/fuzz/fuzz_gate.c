/* libFuzzer: the scan gate's pattern prefix parser (text/gate.h) on fuzzed patterns, and
 * its promise: input = pattern NUL text. When the gate takes the pattern and Hyperscan
 * compiles it, a match in the text with the gate saying "no" is a bug (abort), and so is
 * the SIMD check disagreeing with the scalar one. */
#include <stdlib.h>
#include <string.h>

#include "text/gate.h"
#include "../unit/test_gate_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t plen = nul ? (size_t)(nul - data) : size;
    if (plen > 512)
        return 0;
    char pat[513];
    memcpy(pat, data, plen);
    pat[plen] = 0;
    const uint8_t *text = nul ? nul + 1 : data;
    size_t tn = nul ? size - plen - 1 : size;
    uint8_t sets[IG_GATE_ATOMS][32];
    int k = ig_gate_prefix(pat, sets);
    if (k < 0 || k > IG_GATE_ATOMS)
        abort();
    struct ig_gate g;
    memset(&g, 0, sizeof g);
    if (!ig_gate_add(&g, pat))
        return 0;
    bool gs = ig_gate_scalar(&g, text, tn);
    ig_gate_check_fn simd = ig_gate_fn();
    if (simd && simd(&g, text, tn) != gs)
        abort();
    struct gate_oracle o;
    if (!gate_oracle_open(&o, pat))
        return 0;
    if (gate_oracle_matches(&o, text, tn) && !gs)
        abort();
    gate_oracle_close(&o);
    return 0;
}
