/* Finding where HTTP starts again after a gap: a request line ("METHOD /..." with a
 * known method) or a status line ("HTTP/1.x ddd"), anywhere in the data (a message
 * usually follows the previous body's last byte directly). */
#ifndef IG_HTTP_RESYNC_H
#define IG_HTTP_RESYNC_H

#include <inferguard/base.h>

/* Longest prefix the matcher may need to decide; shorter tails are carried over. */
#define IG_HTTP_RESYNC_CARRY 64

/* Does a request (dir 0) or status (dir 1) line start at p[0]? Returns 1 yes, 0 no,
 * -1 when <n> bytes are too few to tell. */
int ig_http_resync_match(enum ig_flow_dir dir, const uint8_t *p, size_t n);

/* Scans p[0..n) for the first position that matches: anywhere, or with <lines_only> only
 * at the start of a line (p[0] counts as one when <at_line_start>). Returns the offset of
 * the match, or -1; sets *partial to the offset of an undecided candidate at the end (or
 * n if none). Linear in n. */
long ig_http_resync_scan(enum ig_flow_dir dir, const uint8_t *p, size_t n, bool at_line_start, size_t *partial,
                         bool lines_only);

#endif
