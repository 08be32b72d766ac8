/* File-system helpers (see include/inferguard/fs.h). */
#include <inferguard/fs.h>

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

int ig_mkdir_p(const char *path, mode_t mode, char *failed, size_t cap)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p)
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST) {
            int e = errno;
            if (failed && cap)
                snprintf(failed, cap, "%s", buf);
            errno = e;
            return -1;
        }
        *p = c;
        if (!c)
            return 0;
    }
}
