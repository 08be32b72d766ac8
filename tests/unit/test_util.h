/* Small helpers the unit tests share: a whole file into memory, a string compressed with
 * zlib (gzip or zlib "deflate" framing, as a sender would), and the rules tests' error
 * collector and loader. Include after <cmocka.h>. */
#ifndef IG_TEST_UTIL_H
#define IG_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <inferguard/rules.h>

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

/* Messages a report callback (rules check, validate) received. */
struct tst_msgs { char m[32][512]; int n; };

static inline void tst_collect(void *ctx, const char *msg)
{
    struct tst_msgs *ms = ctx;
    if (ms->n < 32)
        snprintf(ms->m[ms->n++], sizeof ms->m[0], "%s", msg);
}

static inline bool tst_has_msg(const struct tst_msgs *ms, const char *needle)
{
    for (int i = 0; i < ms->n; i++)
        if (strstr(ms->m[i], needle))
            return true;
    return false;
}

static inline void tst_dump(const struct tst_msgs *ms)
{
    for (int i = 0; i < ms->n; i++)
        fprintf(stderr, "  %s\n", ms->m[i]);
}

/* Fails the test, listing what was received, unless a message contains <s>. */
#define TST_EXPECT_MSG(ms, s) \
    do { if (!tst_has_msg(ms, s)) { tst_dump(ms); fail_msg("no error '%s'", s); } } while (0)

/* <yaml> loaded as the rules file "t.yaml"; fails the test when it does not load. */
static inline struct ig_rules *tst_rules_load(const char *yaml)
{
    struct ig_rules *r = NULL;
    char err[512] = "";
    if (ig_rules_load_buf("t.yaml", yaml, strlen(yaml), &r, err, sizeof err) != IG_OK)
        fail_msg("load failed: %s", err);
    return r;
}

#endif
