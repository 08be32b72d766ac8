/* Guards read-only file mappings against the file shrinking while it is read.
 *
 * A page of a mapping past the file's new end raises SIGBUS when touched; unhandled, that
 * kills the sensor on a capture another process truncates or rewrites (a rotating dumpcap
 * ring, a copy cut short). The guard's handler maps zero pages over the rest of the
 * guarded mapping and marks it cut, so the faulting read returns zeros and the reader,
 * which checks ig_map_guard_cut() before handing a record on, stops with an error.
 * A SIGBUS outside every guarded mapping goes to the handler that was there before. */
#ifndef IG_MAP_GUARD_H
#define IG_MAP_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#define IG_MAP_GUARD_SLOTS 64

/* Guards [base, base + len): returns a slot (>= 0), or -1 when every slot is taken or the
 * handler cannot be installed (then the caller reads the file another way). */
int ig_map_guard_add(const void *base, size_t len);
/* True once a read of the slot's mapping has faulted past the file's end. */
bool ig_map_guard_cut(int slot);
/* Before munmap: the range is no longer the guard's. */
void ig_map_guard_remove(int slot);

#endif
