/* libFuzzer: the YAML configuration loader on arbitrary bytes. Any input must end in
 * IG_OK or IG_ECONF with a message, never a crash, leak or hang; a failed load must
 * leave the configuration as it was. */
#include <inferguard/config.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_config base, c;
    static bool init;
    if (!init) {
        ig_config_defaults(&base);
        init = true;
    }
    c = base;
    char err[512];
    err[0] = 0;
    int rc = ig_config_load_buf("fuzz.yaml", data, size, &c, err, sizeof err);
    if (rc != IG_OK && rc != IG_ECONF && rc != IG_ENOMEM)
        abort();
    if (rc != IG_OK && (err[0] == 0 || memcmp(&c, &base, sizeof c) != 0))
        abort();
    return 0;
}
