/* msgpack-c allocates what a container header declares before reading it, so a 10-byte
 * record could ask for gigabytes: walk the bytes first and require every declared length and
 * element count to fit in what is left (nesting at most 32 deep). Used before
 * msgpack_unpack_next on untrusted input (drift profiles, the fleet's event records). */
#ifndef IG_CORE_MP_SKIP_H
#define IG_CORE_MP_SKIP_H

#include <stddef.h>
#include <stdint.h>

/* Returns the end of the one msgpack object at p, or NULL when it does not fit before end. */
const uint8_t *ig_mp_skip(const uint8_t *p, const uint8_t *end, int depth);

#endif
