/* Fuzzes the /reports path check: any bytes are refused or give "<root>/<rel>" where no
 * segment is empty, "." or "..", and nothing outside the allowed characters appears. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/report_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char rel[2048], out[4096];
    if (size >= sizeof rel)
        size = sizeof rel - 1;
    memcpy(rel, data, size);
    rel[size] = '\0';
    if (ig_report_path("/srv/reports", rel, out, sizeof out) != 0)
        return 0;
    if (strncmp(out, "/srv/reports/", 13) != 0)
        abort();
    const char *p = out + 13;
    if (strstr(p, "//") || strstr(p, "/.") || p[0] == '.' || p[0] == '/')
        abort();
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("._-+@=,~/", *p)))
            abort();
    (void)ig_report_content_type(out);
    return 0;
}
