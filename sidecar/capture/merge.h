/* Several capture files read as one, packets in timestamp order (as mergecap does): the
 * captures of a fleet's pods replayed through one sensor on one clock. */
#ifndef IG_CAPTURE_MERGE_H
#define IG_CAPTURE_MERGE_H

#include "capture/capture.h"

struct ig_capture_merge;

/* Opens every file of paths[0..n). IG_OK, or a negative status with one sentence in err
 * naming the file. */
int  ig_capture_merge_open(struct ig_capture_merge **m, const char *const *paths, size_t n,
                           char *err, size_t errlen);
/* The earliest packet among the files' next packets; ties go to the file given first. A
 * packet stays valid until the next call. Returns IG_OK, IG_DONE when every file ended,
 * or IG_EIO when a file failed to read (*failed = its index); that file is then left out
 * and the next call goes on with the others. */
int  ig_capture_merge_next(struct ig_capture_merge *m, struct ig_packet *out, size_t *failed);
/* Bytes read so far over all files (progress). */
uint64_t ig_capture_merge_offset(const struct ig_capture_merge *m);
/* Decode counters summed over every file. */
void ig_capture_merge_stats(struct ig_capture_merge *m, struct ig_decode_stats *out);
void ig_capture_merge_close(struct ig_capture_merge *m);

#endif
