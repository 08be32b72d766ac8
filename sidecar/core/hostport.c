/* "HOST:PORT" (see hostport.h). */
#include "core/hostport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ig_split_hostport(const char *s, char *host, size_t hcap, uint16_t *port, const char *bare_host)
{
    const char *colon, *h = s;
    size_t hn;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':')
            return -1;
        h = s + 1;
        hn = (size_t)(end - h);
        colon = end + 1;
    } else if ((colon = strrchr(s, ':')) != NULL) {
        hn = (size_t)(colon - s);
    } else if (bare_host) {
        h = bare_host;
        hn = strlen(h);
        colon = s - 1;
    } else {
        return -1;
    }
    if (hn == 0 || hn >= hcap)
        return -1;
    memcpy(host, h, hn);
    host[hn] = '\0';
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || errno || p > 65535)
        return -1;
    *port = (uint16_t)p;
    return 0;
}
