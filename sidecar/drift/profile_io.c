/* Drift reference profile files in msgpack: a map {format, kind, profiles: [...]}; each
 * profile carries its model name and version, counts, moments and the sorted reference
 * samples of every column as raw little-endian float32. Loading validates every size
 * before allocating and re-derives bins and moments by freezing. */
#include "core/mp_skip.h"
#include "drift/drift.h"

#include <errno.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#define KIND "inferguard.drift.profiles"
#define MAX_COLS (1u << 16)
#define MAX_CAP  (1u << 20)

static void pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void pack_moments(msgpack_packer *pk, const struct ig_drift_moments *m)
{
    msgpack_pack_array(pk, 3);
    msgpack_pack_uint64(pk, m->n);
    msgpack_pack_double(pk, m->sum);
    msgpack_pack_double(pk, m->sumsq);
}

static void pack_profile(msgpack_packer *pk, const struct ig_drift_profile *p)
{
    msgpack_pack_map(pk, 13);
    pack_str(pk, "model"); pack_str(pk, p->model);
    pack_str(pk, "version"); pack_str(pk, p->version);
    pack_str(pk, "features"); msgpack_pack_uint32(pk, p->nfeat);
    pack_str(pk, "outputs"); msgpack_pack_uint32(pk, p->nout);
    pack_str(pk, "cap"); msgpack_pack_uint32(pk, p->cap);
    pack_str(pk, "rows"); msgpack_pack_uint64(pk, p->rows);
    pack_str(pk, "events"); msgpack_pack_uint64(pk, p->events);
    pack_str(pk, "first_us"); msgpack_pack_uint64(pk, p->first_us);
    pack_str(pk, "last_us"); msgpack_pack_uint64(pk, p->last_us);
    uint32_t k = 0;
    for (uint32_t i = 0; i < IG_DRIFT_MAX_CLASSES; i++)
        if (p->class_count[i])
            k = i + 1;
    pack_str(pk, "classes");
    msgpack_pack_array(pk, k);
    for (uint32_t i = 0; i < k; i++)
        msgpack_pack_uint64(pk, p->class_count[i]);
    pack_str(pk, "series");
    msgpack_pack_array(pk, 3);
    pack_moments(pk, &p->conf);
    pack_moments(pk, &p->entropy);
    pack_moments(pk, &p->latency);
    pack_str(pk, "columns");
    msgpack_pack_array(pk, p->nfeat + p->nout);
    for (uint32_t c = 0; c < p->nfeat + p->nout; c++) {
        const struct ig_drift_column *col = &p->col[c];
        msgpack_pack_bin(pk, (size_t)col->n * 4);
        for (uint32_t i = 0; i < col->n; i++) {
            uint32_t u;
            uint8_t b[4];
            memcpy(&u, &col->x[i], 4);
            b[0] = (uint8_t)u; b[1] = (uint8_t)(u >> 8); b[2] = (uint8_t)(u >> 16); b[3] = (uint8_t)(u >> 24);
            msgpack_pack_bin_body(pk, b, 4);
        }
    }
    pack_str(pk, "rng"); msgpack_pack_uint64(pk, p->rng);
}

int ig_drift_profiles_save(const char *path, struct ig_drift_profile *const *p, uint32_t n,
                           char *err, size_t errlen)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    pack_str(&pk, "format"); msgpack_pack_uint32(&pk, IG_DRIFT_PROFILE_FORMAT);
    pack_str(&pk, "kind"); pack_str(&pk, KIND);
    pack_str(&pk, "profiles");
    msgpack_pack_array(&pk, n);
    for (uint32_t i = 0; i < n; i++)
        pack_profile(&pk, p[i]);
    /* Write to a temporary name and rename, so a reader never sees half a file. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = IG_EIO;
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fwrite(sb.data, 1, sb.size, f) != sb.size || fclose(f) != 0) {
        snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    rc = IG_OK;
out:
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

static bool key_is(const msgpack_object *k, const char *s)
{
    size_t n = strlen(s);
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n && memcmp(k->via.str.ptr, s, n) == 0;
}

static bool get_u64(const msgpack_object *o, uint64_t *v)
{
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return false;
    *v = o->via.u64;
    return true;
}

static bool get_f64(const msgpack_object *o, double *v)
{
    if (o->type == MSGPACK_OBJECT_FLOAT64 || o->type == MSGPACK_OBJECT_FLOAT32)
        *v = o->via.f64;
    else if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        *v = (double)o->via.u64;
    else
        return false;
    return true;
}

static bool get_moments(const msgpack_object *o, struct ig_drift_moments *m)
{
    return o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size == 3 &&
           get_u64(&o->via.array.ptr[0], &m->n) && get_f64(&o->via.array.ptr[1], &m->sum) &&
           get_f64(&o->via.array.ptr[2], &m->sumsq);
}

static void copy_str(const msgpack_object *o, char *dst, size_t cap)
{
    size_t n = o->via.str.size < cap - 1 ? o->via.str.size : cap - 1;
    memcpy(dst, o->via.str.ptr, n);
    dst[n] = 0;
}

/* Decodes one profile map; NULL with err on anything out of shape. */
static struct ig_drift_profile *decode_profile(const msgpack_object *o, char *err, size_t errlen)
{
    const msgpack_object *model = NULL, *version = NULL, *classes = NULL, *series = NULL,
                         *columns = NULL;
    uint64_t nf = UINT64_MAX, no = UINT64_MAX, cap = 0, rows = 0, events = 0, f_us = 0, l_us = 0,
             rng = 0;
    if (o->type != MSGPACK_OBJECT_MAP) {
        snprintf(err, errlen, "profile is not a map");
        return NULL;
    }
    for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object *k = &o->via.map.ptr[i].key, *v = &o->via.map.ptr[i].val;
        bool ok = true;
        if (key_is(k, "model")) { model = v; ok = v->type == MSGPACK_OBJECT_STR; }
        else if (key_is(k, "version")) { version = v; ok = v->type == MSGPACK_OBJECT_STR; }
        else if (key_is(k, "features")) ok = get_u64(v, &nf);
        else if (key_is(k, "outputs")) ok = get_u64(v, &no);
        else if (key_is(k, "cap")) ok = get_u64(v, &cap);
        else if (key_is(k, "rows")) ok = get_u64(v, &rows);
        else if (key_is(k, "events")) ok = get_u64(v, &events);
        else if (key_is(k, "first_us")) ok = get_u64(v, &f_us);
        else if (key_is(k, "last_us")) ok = get_u64(v, &l_us);
        else if (key_is(k, "rng")) ok = get_u64(v, &rng);
        else if (key_is(k, "classes")) { classes = v; ok = v->type == MSGPACK_OBJECT_ARRAY; }
        else if (key_is(k, "series")) { series = v; ok = v->type == MSGPACK_OBJECT_ARRAY && v->via.array.size == 3; }
        else if (key_is(k, "columns")) { columns = v; ok = v->type == MSGPACK_OBJECT_ARRAY; }
        if (!ok) {
            snprintf(err, errlen, "profile field %.*s has the wrong type",
                     k->type == MSGPACK_OBJECT_STR ? (int)IG_MIN(k->via.str.size, 40) : 1,
                     k->type == MSGPACK_OBJECT_STR ? k->via.str.ptr : "?");
            return NULL;
        }
    }
    if (!model || !version || !columns || !series || !classes || nf == UINT64_MAX ||
        no == UINT64_MAX) {
        snprintf(err, errlen, "profile lacks model, version, features, outputs, classes, series or columns");
        return NULL;
    }
    if (nf + no > MAX_COLS || cap < 1 || cap > MAX_CAP || columns->via.array.size != nf + no ||
        classes->via.array.size > IG_DRIFT_MAX_CLASSES) {
        snprintf(err, errlen, "profile sizes out of range (features %llu, outputs %llu, cap %llu)",
                 (unsigned long long)nf, (unsigned long long)no, (unsigned long long)cap);
        return NULL;
    }
    char name[IG_MODEL_NAME_MAX], ver[IG_MODEL_VERSION_MAX];
    copy_str(model, name, sizeof name);
    copy_str(version, ver, sizeof ver);
    struct ig_drift_profile *p = ig_drift_profile_new(name, ver, (uint32_t)nf, (uint32_t)no, (uint32_t)cap);
    float *tmp = malloc(cap * sizeof(float));
    if (!p || !tmp) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    p->rows = rows;
    p->events = events;
    p->first_us = f_us;
    p->last_us = l_us;
    p->rng = rng ? rng : p->rng;
    for (uint32_t i = 0; i < classes->via.array.size; i++)
        if (!get_u64(&classes->via.array.ptr[i], &p->class_count[i])) {
            snprintf(err, errlen, "profile classes must be counts");
            goto fail;
        }
    if (!get_moments(&series->via.array.ptr[0], &p->conf) ||
        !get_moments(&series->via.array.ptr[1], &p->entropy) ||
        !get_moments(&series->via.array.ptr[2], &p->latency)) {
        snprintf(err, errlen, "profile series must be [n, sum, sumsq] x 3");
        goto fail;
    }
    uint64_t held = 0;
    for (uint32_t c = 0; c < nf + no; c++) {
        const msgpack_object *b = &columns->via.array.ptr[c];
        if (b->type != MSGPACK_OBJECT_BIN || b->via.bin.size % 4 || b->via.bin.size / 4 > cap) {
            snprintf(err, errlen, "profile column %u must be at most cap float32 values", c);
            goto fail;
        }
        uint32_t n = b->via.bin.size / 4;
        const uint8_t *q = (const uint8_t *)b->via.bin.ptr;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t u = (uint32_t)q[4 * i] | (uint32_t)q[4 * i + 1] << 8 |
                         (uint32_t)q[4 * i + 2] << 16 | (uint32_t)q[4 * i + 3] << 24;
            memcpy(&p->col[c].x[i], &u, 4);
        }
        /* freeze() reads <held> values per column: pad shorter columns with NaN. */
        for (uint64_t i = n; i < cap; i++)
            p->col[c].x[i] = __builtin_nanf("");
        if (n > held)
            held = n;
    }
    /* freeze() takes min(rows, cap) values; make sure every stored value is seen. */
    uint64_t saved_rows = p->rows;
    p->rows = cap;
    ig_drift_profile_freeze(p, tmp);
    p->rows = saved_rows;
    free(tmp);
    return p;
fail:
    free(tmp);
    ig_drift_profile_free(p);
    return NULL;
}

int ig_drift_profiles_decode(const void *buf, size_t len, struct ig_drift_profile ***out,
                             uint32_t *n, char *err, size_t errlen)
{
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    size_t off = 0;
    int rc = IG_EPARSE;
    struct ig_drift_profile **arr = NULL;
    uint32_t cnt = 0;
    *out = NULL;
    *n = 0;
    if (!ig_mp_skip(buf, (const uint8_t *)buf + len, 0) ||
        msgpack_unpack_next(&up, buf, len, &off) != MSGPACK_UNPACK_SUCCESS) {
        snprintf(err, errlen, "not a msgpack document");
        goto out;
    }
    const msgpack_object *root = &up.data, *profiles = NULL;
    uint64_t format = 0;
    bool kind = false;
    if (root->type != MSGPACK_OBJECT_MAP) {
        snprintf(err, errlen, "not a drift profile file (top level is not a map)");
        goto out;
    }
    for (uint32_t i = 0; i < root->via.map.size; i++) {
        const msgpack_object *k = &root->via.map.ptr[i].key, *v = &root->via.map.ptr[i].val;
        if (key_is(k, "format"))
            get_u64(v, &format);
        else if (key_is(k, "kind"))
            kind = key_is(v, KIND);
        else if (key_is(k, "profiles") && v->type == MSGPACK_OBJECT_ARRAY)
            profiles = v;
    }
    if (!kind || !profiles) {
        snprintf(err, errlen, "not a drift profile file (kind must be %s)", KIND);
        goto out;
    }
    if (format != IG_DRIFT_PROFILE_FORMAT) {
        snprintf(err, errlen, "drift profile format %llu is not supported (want %d)",
                 (unsigned long long)format, IG_DRIFT_PROFILE_FORMAT);
        goto out;
    }
    arr = calloc(profiles->via.array.size + 1, sizeof *arr);
    if (!arr) {
        rc = IG_ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < profiles->via.array.size; i++) {
        char perr[200];
        arr[cnt] = decode_profile(&profiles->via.array.ptr[i], perr, sizeof perr);
        if (!arr[cnt]) {
            snprintf(err, errlen, "profile %u: %s", i, perr);
            goto out;
        }
        cnt++;
    }
    *out = arr;
    *n = cnt;
    arr = NULL;
    rc = IG_OK;
out:
    if (arr) {
        for (uint32_t i = 0; i < cnt; i++)
            ig_drift_profile_free(arr[i]);
        free(arr);
    }
    msgpack_unpacked_destroy(&up);
    return rc;
}

int ig_drift_profiles_load(const char *path, struct ig_drift_profile ***out, uint32_t *n,
                           char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return IG_EIO;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = IG_OK;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            if (cap > (size_t)1 << 31) {
                snprintf(err, errlen, "%s: larger than 2 GiB", path);
                rc = IG_ELIMIT;
                break;
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", path);
                rc = IG_ENOMEM;
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (rc == IG_OK) {
        char derr[256];
        rc = ig_drift_profiles_decode(buf, len, out, n, derr, sizeof derr);
        if (rc != IG_OK)
            snprintf(err, errlen, "%s: %s", path, derr);
    }
    free(buf);
    return rc;
}
