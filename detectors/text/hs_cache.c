/* On-disk cache of compiled Hyperscan databases; see hs_cache.h. */
#include "hs_cache.h"
#include "validators.h"

#include <inferguard/base.h>
#include <inferguard/fs.h>
#include <inferguard/log.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "IGHSDB01"
#define HEADER 40                       /* magic 8 + key 16 + length 8 + blob hash 8 */
#define MAX_FILE (256u << 20)           /* larger is not one of ours */
#define UNUSED_DAYS 30                  /* files not used for this long are removed */

#define DIR_MAX 4096

struct ig_pattern_cache {
    char dir[DIR_MAX];                  /* "" = no files */
    _Atomic uint64_t hits, misses, bad, write_failed;
};

/* Each rules edit files new databases: those not used (loaded or written) for UNUSED_DAYS,
 * and temporary files a killed process left, go. */
static void prune(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    char path[DIR_MAX + 300];
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        bool db = n > 6 && !strncmp(e->d_name, "hs-", 3) && !strcmp(e->d_name + n - 3, ".db");
        bool tmp = !strncmp(e->d_name, ".hs-", 4);
        struct stat st;
        if ((!db && !tmp) || snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
            lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (now - st.st_mtime > (tmp ? 86400 : UNUSED_DAYS * 86400))
            unlink(path);
    }
    closedir(d);
}

/* The usable directory <dir> names into c->dir, or leaves it "" (logged). */
static void set_dir(struct ig_pattern_cache *c, const char *dir)
{
    if (!dir || !*dir)
        return;
    char path[DIR_MAX];
    bool automatic = !strcmp(dir, "auto");
    if (automatic) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        int w = xdg && *xdg ? snprintf(path, sizeof path, "%s/inferguard", xdg)
              : home && *home ? snprintf(path, sizeof path, "%s/.cache/inferguard", home) : -1;
        if (w < 0 || (size_t)w >= sizeof path)
            return;   /* nowhere to keep it: compile every time */
    } else if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        IG_LOG_WARN("rules", "rules.cache_dir is too long; patterns are compiled at every start");
        return;
    }
    struct stat st;
    if (ig_mkdir_p(path, 0700, NULL, 0) != 0 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        /* "auto" in a container with a read-only home is normal: no warning then */
        if (automatic)
            IG_LOG_INFO("rules", "no pattern cache at '%s' (%s); patterns are compiled at every start",
                        path, strerror(errno));
        else
            IG_LOG_WARN("rules", "pattern cache '%s' unusable (%s); patterns are compiled at every start",
                        path, strerror(errno));
        return;
    }
    /* Hyperscan runs a database's byte code as it finds it: only our own files count. */
    if (st.st_uid != geteuid() || (st.st_mode & 022)) {
        IG_LOG_WARN("rules", "pattern cache '%s' is not owned by this user or is group/world "
                    "writable; not used", path);
        return;
    }
    memcpy(c->dir, path, sizeof c->dir);
    prune(c->dir);
}

struct ig_pattern_cache *ig_pattern_cache_new(const char *dir)
{
    struct ig_pattern_cache *c = calloc(1, sizeof *c);
    if (c)
        set_dir(c, dir);
    return c;
}

void ig_pattern_cache_free(struct ig_pattern_cache *c)
{
    free(c);
}

void ig_pattern_cache_stats(const struct ig_pattern_cache *c, struct ig_pattern_cache_stats *out)
{
    *out = (struct ig_pattern_cache_stats){ 0 };
    if (!c)
        return;
    out->hits = atomic_load(&c->hits);
    out->misses = atomic_load(&c->misses);
    out->bad = atomic_load(&c->bad);
    out->write_failed = atomic_load(&c->write_failed);
}

/* Hyperscan's own CRC leaves parts of the blob (padding) unchecked: ours covers all. */
static uint64_t blob_hash(const uint8_t key[16], const void *blob, size_t len)
{
    return ig_siphash(key, blob, len);
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int ig_hs_cache_parse(const uint8_t *buf, size_t len, const uint8_t key[16], hs_database_t **db)
{
    *db = NULL;
    if (len < HEADER || memcmp(buf, MAGIC, 8) != 0 || memcmp(buf + 8, key, 16) != 0 ||
        get64(buf + 24) != len - HEADER || get64(buf + 32) != blob_hash(key, buf + HEADER, len - HEADER))
        return IG_EPARSE;
    /* Hyperscan checks the blob's CRC, its version and that it fits this CPU. */
    if (hs_deserialize_database((const char *)buf + HEADER, len - HEADER, db) != HS_SUCCESS) {
        *db = NULL;
        return IG_EPARSE;
    }
    return IG_OK;
}

/* The 128-bit key of one compile: two SipHashes of everything that shapes the database. */
static int make_key(const char *const *expr, const unsigned *flags, const unsigned *ids,
                    unsigned n, uint8_t key[16])
{
    hs_platform_info_t plat;
    if (hs_populate_platform(&plat) != HS_SUCCESS)
        return -1;
    char head[256];
    int hl = snprintf(head, sizeof head, "%s|%u|%u|%llu|%u|", hs_version(), plat.tune,
                      (unsigned)HS_MODE_BLOCK, (unsigned long long)plat.cpu_features, n);
    if (hl < 0 || (size_t)hl >= sizeof head)
        return -1;
    size_t len = (size_t)hl;
    for (unsigned i = 0; i < n; i++)
        len += 16 + strlen(expr[i]) + 1;
    uint8_t *m = malloc(len), *p = m;
    if (!m)
        return -1;
    memcpy(p, head, (size_t)hl);
    p += hl;
    for (unsigned i = 0; i < n; i++) {
        put64(p, flags ? flags[i] : 0);
        put64(p + 8, ids ? ids[i] : 0);
        p += 16;
        size_t k = strlen(expr[i]) + 1;   /* with the NUL: "ab","c" differs from "a","bc" */
        memcpy(p, expr[i], k);
        p += k;
    }
    static const uint8_t k0[16] = { 'i', 'g', 'h', 's', 0 }, k1[16] = { 'i', 'g', 'h', 's', 1 };
    uint64_t a = ig_siphash(k0, m, (size_t)(p - m)), b = ig_siphash(k1, m, (size_t)(p - m));
    put64(key, a);
    put64(key + 8, b);
    free(m);
    return 0;
}

static void file_name(const char *dir, const uint8_t key[16], char *out, size_t cap)
{
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    snprintf(out, cap, "%s/hs-%s.db", dir, hex);
}

static hs_database_t *load(struct ig_pattern_cache *c, const char *path, const uint8_t key[16])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;   /* not cached yet */
    struct stat st;
    hs_database_t *db = NULL;
    uint8_t *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEADER ||
        (uint64_t)st.st_size > MAX_FILE || !(buf = malloc((size_t)st.st_size)))
        goto bad;
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r <= 0)
            goto bad;
        got += (size_t)r;
    }
    if (ig_hs_cache_parse(buf, got, key, &db) != IG_OK)
        goto bad;
    futimens(fd, NULL);   /* marks it used, for prune() */
    free(buf);
    close(fd);
    return db;
bad:
    atomic_fetch_add(&c->bad, 1);
    IG_LOG_WARN("rules", "pattern cache file '%s' is damaged or stale; compiling again", path);
    free(buf);
    close(fd);
    return NULL;
}

static void store(struct ig_pattern_cache *c, const char *path, const uint8_t key[16],
                  const hs_database_t *db)
{
    char *blob = NULL, tmp[DIR_MAX + 64];
    size_t len = 0;
    if (hs_serialize_database(db, &blob, &len) != HS_SUCCESS) {
        atomic_fetch_add(&c->write_failed, 1);
        return;
    }
    uint8_t head[HEADER];
    memcpy(head, MAGIC, 8);
    memcpy(head + 8, key, 16);
    put64(head + 24, len);
    put64(head + 32, blob_hash(key, blob, len));
    snprintf(tmp, sizeof tmp, "%s/.hs-XXXXXX", c->dir);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0 && write(fd, head, HEADER) == HEADER && write(fd, blob, len) == (ssize_t)len;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok) {
        if (fd >= 0)
            unlink(tmp);
        atomic_fetch_add(&c->write_failed, 1);
        IG_LOG_DEBUG("rules", "pattern cache: cannot write '%s': %s", path, strerror(errno));
    }
    free(blob);   /* hs_serialize_database allocates with the default (malloc) allocator */
}

hs_error_t ig_hs_compile_multi(struct ig_pattern_cache *c, const char *const *expr,
                               const unsigned *flags, const unsigned *ids, unsigned n,
                               hs_database_t **db, hs_compile_error_t **ce)
{
    if (!c)
        return hs_compile_multi(expr, flags, ids, n, HS_MODE_BLOCK, NULL, db, ce);
    uint8_t key[16];
    char path[DIR_MAX + 64];
    bool cached = c->dir[0] && make_key(expr, flags, ids, n, key) == 0;
    if (cached) {
        file_name(c->dir, key, path, sizeof path);
        if ((*db = load(c, path, key))) {
            atomic_fetch_add(&c->hits, 1);
            *ce = NULL;
            return HS_SUCCESS;
        }
    }
    atomic_fetch_add(&c->misses, 1);
    hs_error_t rc = hs_compile_multi(expr, flags, ids, n, HS_MODE_BLOCK, NULL, db, ce);
    if (rc == HS_SUCCESS && cached)
        store(c, path, key, *db);
    return rc;
}
