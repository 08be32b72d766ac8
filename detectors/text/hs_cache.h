/* An on-disk cache of compiled Hyperscan databases. Compiling the shipped pattern rules
 * takes most of a second at every start (and every reload); loading the same databases
 * back takes milliseconds. A database is filed under a 128-bit key hashed from everything
 * that shapes it: the patterns, their flags and ids, the mode, Hyperscan's version and the
 * host's CPU features (so a directory shared by different CPUs keeps one file per kind).
 *
 * File: "<dir>/hs-<32 hex key>.db" = magic "IGHSDB01", the key (16 B), the blob's length
 * (8 B, little endian), a SipHash of the blob under the key (8 B; Hyperscan's own CRC does
 * not cover its padding), the blob from hs_serialize_database. A file that does not match
 * its name's key or its hash, is truncated or that Hyperscan refuses (version, platform)
 * is counted as bad and replaced by a fresh compile. Writes go to a temporary file
 * renamed into place, so concurrent processes never read half a file.
 *
 * Hyperscan trusts a database's byte code, so the directory must be writable only by
 * inferguard's user: a directory not owned by the effective user, or writable by group or
 * others, is not used (one warning). Compile errors are never cached. */
#ifndef IG_TEXT_HS_CACHE_H
#define IG_TEXT_HS_CACHE_H

#include <hs.h>
#include <stddef.h>
#include <stdint.h>

#include <inferguard/patterns.h>   /* struct ig_pattern_cache: new, free, stats */

/* hs_compile_multi through <c> (same arguments, HS_MODE_BLOCK, host platform); <c> NULL:
 * plain hs_compile_multi, not counted. */
hs_error_t ig_hs_compile_multi(struct ig_pattern_cache *c, const char *const *expr,
                               const unsigned *flags, const unsigned *ids, unsigned n,
                               hs_database_t **db, hs_compile_error_t **ce);

/* Parses a cache file's bytes for <key>: IG_OK and *db, or IG_EPARSE (bad file). Exposed
 * for the fuzz target. */
int ig_hs_cache_parse(const uint8_t *buf, size_t len, const uint8_t key[16], hs_database_t **db);

#endif
