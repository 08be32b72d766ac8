/* Small helpers the unit tests share: a whole file into memory, and a string compressed
 * with zlib (gzip or zlib "deflate" framing, as a sender would). */
#ifndef IG_TEST_UTIL_H
#define IG_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The file at <path>, NUL-terminated, in malloc'd memory; its length in *n (may be NULL). */
static inline char *tst_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    s[len] = '\0';
    fclose(f);
    if (n)
        *n = (size_t)len;
    return s;
}

/* <s> deflated into out (cap bytes, which must hold it all); window_bits as deflateInit2
 * takes them: 16 + MAX_WBITS gzip, MAX_WBITS zlib. Returns the compressed length. */
static inline size_t tst_deflate(const char *s, uint8_t *out, size_t cap, int window_bits)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)strlen(s);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

#endif
