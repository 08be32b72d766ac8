/* Path checks for /reports: the request is matched against a strict character set and
 * segment rules before any file system call, so traversal ("..", encoded or not, absolute
 * paths, NUL, backslashes) never reaches open(); symlinks are refused by the server. */
#include "daemon/report_path.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool allowed(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("._-+@=,~", c) != NULL;
}

int ig_report_path(const char *root, const char *rel, char *out, size_t cap)
{
    size_t n = strlen(rel);
    if (n > 1024)
        return -1;
    if (n == 0) {
        int w = snprintf(out, cap, "%s/index.html", root);
        return w < 0 || (size_t)w >= cap ? -1 : 0;
    }
    /* Segment by segment: non-empty, no leading dot (covers ".", ".." and hidden files). */
    size_t seg = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = rel[i];
        if (c == '/' || c == '\0') {
            if (i == seg)
                return -1;
            seg = i + 1;
            continue;
        }
        if (!allowed(c))
            return -1;
        if (i == seg && c == '.')
            return -1;
    }
    int w = snprintf(out, cap, "%s/%s", root, rel);
    return w < 0 || (size_t)w >= cap ? -1 : 0;
}

const char *ig_report_content_type(const char *path)
{
    static const struct { const char *ext, *type; } types[] = {
        { ".html", "text/html; charset=utf-8" },
        { ".json", "application/json" },
        { ".svg", "image/svg+xml" },
        { ".css", "text/css; charset=utf-8" },
        { ".txt", "text/plain; charset=utf-8" },
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}
