/* Maps a /reports/... request path onto a file under the reports directory, refusing
 * anything that could leave it. */
#ifndef IG_DAEMON_REPORT_PATH_H
#define IG_DAEMON_REPORT_PATH_H

#include <stddef.h>

/* <rel> is the decoded path after "/reports/" ("" = the index). Accepts only segments of
 * [A-Za-z0-9._-+@=,~] (no "." or ".." segment, no empty segment, no leading dot), at most
 * 1024 bytes. Writes "<root>/<rel>" (or "<root>/index.html") into out. Returns 0, or -1
 * when the path is refused or does not fit. */
int ig_report_path(const char *root, const char *rel, char *out, size_t cap);
/* Content type for a served file by its suffix (.html, .json, .svg, .css, .txt), or NULL
 * when files of that kind are not served. */
const char *ig_report_content_type(const char *path);

#endif
