/* libFuzzer: inject on arbitrary manifests. Any input ends in IG_OK or an error with a
 * message, never a crash, leak or hang; and injection reaches a fixed point: the output of
 * injecting an output, injected again, is unchanged (the first pass may still normalise
 * what libyaml does not round-trip, such as a lone tag). */
#include "k8s/inject.h"

#include <inferguard/base.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(const uint8_t *p, size_t n, char **out, size_t *outn)
{
    FILE *in = fmemopen((void *)p, n, "rb");
    FILE *o = open_memstream(out, outn);
    if (!in || !o)
        abort();
    struct ig_inject_opts opts = { 0 };
    struct ig_inject_stats st;
    char err[512] = "";
    int rc = ig_inject_stream(in, "fuzz.yaml", o, &opts, &st, err, sizeof err);
    fclose(in);
    fclose(o);
    if (rc != IG_OK && !err[0])
        abort();
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *a = NULL, *b = NULL, *c = NULL;
    size_t an = 0, bn = 0, cn = 0;
    if (run(data, size, &a, &an) == IG_OK && an && run((const uint8_t *)a, an, &b, &bn) == IG_OK && bn) {
        if (run((const uint8_t *)b, bn, &c, &cn) != IG_OK || cn != bn || memcmp(b, c, bn) != 0)
            abort();
    }
    free(a);
    free(b);
    free(c);
    return 0;
}
