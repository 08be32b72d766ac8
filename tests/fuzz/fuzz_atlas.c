/* Fuzzes the ATLAS table loader (rules/atlas.yaml): any bytes give IG_OK or IG_ECONF with a
 * message, never a crash; a table that loads has consistent indexes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "findings/atlas.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    static struct ig_atlas a;
    if (!path[0]) {
        char dir[] = "/tmp/ig-fuzz-atlas.XXXXXX";
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/atlas.yaml", dir);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    char err[512];
    if (ig_atlas_load_file(path, &a, err, sizeof err) == IG_OK) {
        for (uint32_t i = 0; i < a.ntechniques; i++) {
            const struct ig_atlas_technique *t = &a.techniques[i];
            if (t->parent != UINT32_MAX && t->parent >= i)
                abort();
            for (uint32_t k = 0; k < t->ntactics; k++)
                if (t->tactics[k] >= a.ntactics)
                    abort();
        }
    } else if (!err[0]) {
        abort();
    }
    return 0;
}
