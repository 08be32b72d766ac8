/* libFuzzer: the YAML configuration loader on arbitrary bytes. Any input must end in
 * IG_OK or IG_ECONF with a message, never a crash, leak or hang; a failed load must
 * leave the configuration as it was. A loaded findings.suppress list must print and load
 * back to the same entries, compile for the findings stage (IG_OK, or IG_ECONF naming an
 * analytic this build does not raise) and match findings without fault. */
#include <inferguard/config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/suppress.h"

static void check_suppress(const struct ig_config *c)
{
    static struct ig_config alone, back;
    static struct ig_suppressor s;
    char err[512];
    ig_config_defaults(&alone);
    memcpy(alone.suppress, c->suppress, sizeof alone.suppress);
    alone.n_suppress = c->n_suppress;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return;
    ig_config_print(&alone, f);
    fclose(f);
    ig_config_defaults(&back);
    if (ig_config_load_buf("printed", buf, n, &back, err, sizeof err) != IG_OK ||
        back.n_suppress != c->n_suppress || memcmp(back.suppress, c->suppress, sizeof back.suppress) != 0)
        abort();
    free(buf);
    int rc = ig_suppressor_init(&s, c, err, sizeof err);
    if (rc != IG_OK && (rc != IG_ECONF || !err[0]))
        abort();
    if (rc != IG_OK)
        return;
    static const char *const analytics[] = { "extraction.prada", "abuse.rate", "drift.features", "" };
    static const char *const ids[] = { "10.1.2.3", "key:0123456789abcdef", "2001:db8::1/64", "" };
    for (int i = 0; i < 4; i++) {
        struct ig_finding fd;
        ig_finding_init(&fd, analytics[i], NULL);
        fd.time_us = 1767225600000000ull + (uint64_t)i * 86400000000ull * 400;
        fd.client_id = ids[i];
        fd.group_id = ids[(i + 1) % 4];
        fd.id_kind = i & 1 ? IG_ID_FORWARDED : IG_ID_API_KEY;
        fd.group_kind = IG_ID_FORWARDED;
        fd.model = ids[(i + 2) % 4];
        fd.src.family = i & 1 ? 6 : 4;
        fd.src.addr[0] = 10;
        fd.src.addr[3] = (uint8_t)i;
        int m = ig_suppressor_match(&s, &fd);
        if (m < -1 || m >= (int)s.n)
            abort();
    }
}

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
    if (rc == IG_OK && c.n_suppress)
        check_suppress(&c);
    return 0;
}
