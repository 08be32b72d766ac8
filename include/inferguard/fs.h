/* Small file-system helpers shared by the sidecar and the detectors. */
#ifndef INFERGUARD_FS_H
#define INFERGUARD_FS_H

#include <stddef.h>
#include <sys/types.h>

/* Creates directory <path> and its missing parents with <mode> (as mkdir -p; existing ones
 * are fine). Returns 0, or -1 with errno set and, when failed != NULL, the directory that
 * could not be made in failed (cap bytes). A path over 4095 bytes is cut there. */
int ig_mkdir_p(const char *path, mode_t mode, char *failed, size_t cap);

#endif
