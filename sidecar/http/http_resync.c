/* Resynchronisation after a gap: a strict matcher so that body bytes that merely
 * contain "HTTP/1." do not restart parsing in the middle of a message. */
#include "http/http_resync.h"

#include <string.h>

/* Known methods only: after a gap the new data often starts inside a body, and the
 * next request follows the body's last byte without a line break. */
static const char *const methods[] = {
    "GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
};

static int match_request(const uint8_t *p, size_t n)
{
    bool undecided = false;
    for (size_t m = 0; m < IG_ARRAY_LEN(methods); m++) {
        size_t k = strlen(methods[m]);
        size_t cmp = IG_MIN(k, n);
        if (memcmp(p, methods[m], cmp) != 0)
            continue;
        if (n < k + 2) {
            undecided = true;
            continue;
        }
        if (p[k] != ' ')
            continue;
        uint8_t c = p[k + 1];
        if (c == '/' || c == '*')
            return 1;
        static const char abs[] = "http";
        size_t i = k + 1, j = 0;
        for (; j < 4 && i < n; j++, i++)
            if ((p[i] | 0x20) != abs[j])
                break;
        if (j == 4)
            return 1;
        if (i == n)
            undecided = true;
    }
    return undecided ? -1 : 0;
}

static int match_status(const uint8_t *p, size_t n)
{
    static const char pre[] = "HTTP/1.";
    for (size_t i = 0; i < 7; i++) {
        if (i == n)
            return -1;
        if (p[i] != (uint8_t)pre[i])
            return 0;
    }
    if (n < 13)
        return -1;
    if (p[7] < '0' || p[7] > '9' || p[8] != ' ')
        return 0;
    for (int i = 9; i < 12; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return p[12] == ' ' || p[12] == '\r' || p[12] == '\n' ? 1 : 0;
}

int ig_http_resync_match(enum ig_flow_dir dir, const uint8_t *p, size_t n)
{
    return dir == IG_DIR_TO_SERVER ? match_request(p, n) : match_status(p, n);
}

long ig_http_resync_scan(enum ig_flow_dir dir, const uint8_t *p, size_t n, bool at_line_start, size_t *partial,
                         bool lines_only)
{
    *partial = n;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        /* After a rejected request, a message can only start a line (the bytes are the
         * rejected message's own); after a gap, anywhere (a body ends without a newline). */
        if (lines_only && (i == 0 ? !at_line_start : p[i - 1] != '\n'))
            continue;
        /* first letters of the methods above, or of "HTTP/1." */
        if (dir == IG_DIR_TO_SERVER ? !(c == 'G' || c == 'P' || c == 'H' || c == 'D' || c == 'O' || c == 'T' || c == 'C')
                     : c != 'H')
            continue;
        int r = ig_http_resync_match(dir, p + i, n - i);
        if (r == 1)
            return (long)i;
        if (r < 0) {
            *partial = i;
            return -1;
        }
    }
    return -1;
}
