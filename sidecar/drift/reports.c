/* Drift reports on disk: DIR/<model>/<window-start>.{json,html} and DIR/index.html, plus
 * the hooks that connect the drift detector to the profile loader and this writer. Files
 * are written under a temporary name and renamed, so a server never reads half a page. */
#include "drift/drift.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <inferguard/log.h>

#define INDEX_MAX_PER_MODEL 500

struct writer {
    char dir[4096];
    uint64_t written, failed;
};
static struct writer *g_writer;

static int mkdir_p(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "%s: %s", buf, strerror(errno));
                return IG_EIO;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    return IG_OK;
}

static void safe_name(const char *s, char *out, size_t n)
{
    size_t j = 0;
    for (; s && *s && j + 1 < n; s++)
        out[j++] = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                    *s == '.' || *s == '_' || *s == '-') ? *s : '_';
    out[j] = 0;
    if (!j || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        snprintf(out, n, "_");
}

static int write_atomic(const char *path, const char *data, size_t len, FILE **keep,
                        char *err, size_t errlen)
{
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return IG_EIO;
    }
    if (data && fwrite(data, 1, len, f) != len)
        goto fail;
    if (keep) {            /* the caller streams the content, then we finish */
        *keep = f;
        return IG_OK;
    }
    if (fclose(f) != 0) {
        f = NULL;
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return IG_EIO;
    }
    return IG_OK;
fail:
    snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
    if (f)
        fclose(f);
    remove(tmp);
    return IG_EIO;
}

static int finish_atomic(const char *path, FILE *f, char *err, size_t errlen)
{
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (ferror(f) | fclose(f)) {
        snprintf(err, errlen, "%s: write failed", tmp);
        remove(tmp);
        return IG_EIO;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return IG_EIO;
    }
    return IG_OK;
}

int ig_drift_write_report(const char *dir, const struct ig_drift_report *r, char *err, size_t errlen)
{
    char model[IG_MODEL_NAME_MAX], mdir[3200], stem[3300], path[3400], ts[64];
    safe_name(r->model, model, sizeof model);
    snprintf(mdir, sizeof mdir, "%.3000s/%s", dir, model);
    if (mkdir_p(mdir, err, errlen) != IG_OK)
        return IG_EIO;
    time_t s = (time_t)(r->start_us / 1000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H%M%S", &tm);
    snprintf(ts + n, sizeof ts - n, ".%06uZ", (unsigned)(r->start_us % 1000000u));
    snprintf(stem, sizeof stem, "%s/%s", mdir, ts);

    struct ig_jsonw w;
    ig_jsonw_init(&w, 1 << 16);
    ig_drift_report_json(r, &w);
    if (w.oom) {
        ig_jsonw_free(&w);
        snprintf(err, errlen, "drift report: out of memory");
        return IG_ENOMEM;
    }
    snprintf(path, sizeof path, "%s.json", stem);
    int rc = write_atomic(path, w.buf, w.len, NULL, err, errlen);
    ig_jsonw_free(&w);
    if (rc != IG_OK)
        return rc;
    FILE *f = NULL;
    snprintf(path, sizeof path, "%s.html", stem);
    if ((rc = write_atomic(path, NULL, 0, &f, err, errlen)) != IG_OK)
        return rc;
    ig_drift_report_html(r, f);
    if ((rc = finish_atomic(path, f, err, errlen)) != IG_OK)
        return rc;
    return ig_drift_write_index(dir, err, errlen);
}

static int cmp_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

static int cmp_asc(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in <path> for which keep() holds, sorted; the caller frees. */
static char **list_dir(const char *path, bool (*keep)(const char *dir, const char *name),
                       size_t *n, int (*cmp)(const void *, const void *))
{
    DIR *d = opendir(path);
    *n = 0;
    if (!d)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !keep(path, e->d_name))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nv = realloc(v, cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        if (!(v[*n] = strdup(e->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof *v, cmp);
    return v;
}

static bool is_subdir(const char *dir, const char *name)
{
    char p[4400];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_report(const char *dir, const char *name)
{
    (void)dir;
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".html") == 0;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
}

int ig_drift_write_index(const char *dir, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/index.html", dir);
    FILE *f = NULL;
    int rc = write_atomic(path, NULL, 0, &f, err, errlen);
    if (rc != IG_OK)
        return rc;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
          "<title>inferguard drift reports</title><style>body{font:14px/1.4 system-ui,sans-serif;"
          "margin:24px}h2{font-size:17px;margin-top:24px}li{margin:2px 0}</style></head><body>"
          "<h1>inferguard drift reports</h1>\n", f);
    size_t nm = 0;
    char **models = list_dir(dir, is_subdir, &nm, cmp_asc);
    if (!nm)
        fputs("<p>No reports yet.</p>", f);
    for (size_t i = 0; i < nm; i++) {
        char mdir[4400];
        snprintf(mdir, sizeof mdir, "%.4000s/%.255s", dir, models[i]);
        size_t nr = 0;
        char **reps = list_dir(mdir, is_report, &nr, cmp_desc);
        fputs("<section class=\"model\"><h2>", f);
        esc(f, models[i]);
        fprintf(f, "</h2><p>%zu report%s, newest first</p><ul>", nr, nr == 1 ? "" : "s");
        for (size_t k = 0; k < nr && k < INDEX_MAX_PER_MODEL; k++) {
            size_t len = strlen(reps[k]);
            fputs("<li><a href=\"", f);
            esc(f, models[i]);
            fputc('/', f);
            esc(f, reps[k]);
            fputs("\">", f);
            fprintf(f, "%.*s", (int)(len - 5), reps[k]);
            fputs("</a> (<a href=\"", f);
            esc(f, models[i]);
            fputc('/', f);
            fprintf(f, "%.*s.json", (int)(len - 5), reps[k]);
            fputs("\">json</a>)</li>", f);
        }
        fputs("</ul></section>\n", f);
        free_list(reps, nr);
    }
    free_list(models, nm);
    fputs("</body></html>\n", f);
    return finish_atomic(path, f, err, errlen);
}

static void on_report(void *ctx, const struct ig_drift_report *r)
{
    struct writer *w = ctx;
    char err[512];
    if (ig_drift_write_report(w->dir, r, err, sizeof err) == IG_OK) {
        w->written++;
        return;
    }
    /* Rate-limited: the first failure and then every 100th. */
    if (w->failed++ % 100 == 0)
        IG_LOG_WARN("drift", "report not written: %s", err);
}

int ig_drift_setup(const char *reports_dir, char *err, size_t errlen)
{
    ig_drift_teardown();
    ig_drift_hooks.load = ig_drift_profiles_load;
    if (!reports_dir || !reports_dir[0])
        return IG_OK;
    if (strlen(reports_dir) > 3000) {
        snprintf(err, errlen, "drift.reports_dir is too long");
        return IG_ECONF;
    }
    if (mkdir_p(reports_dir, err, errlen) != IG_OK)
        return IG_EIO;
    struct writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return IG_ENOMEM;
    }
    snprintf(w->dir, sizeof w->dir, "%s", reports_dir);
    g_writer = w;
    ig_drift_hooks.report = on_report;
    ig_drift_hooks.report_ctx = w;
    return ig_drift_write_index(reports_dir, err, errlen);
}

void ig_drift_report_counts(uint64_t *written, uint64_t *failed)
{
    *written = g_writer ? g_writer->written : 0;
    *failed = g_writer ? g_writer->failed : 0;
}

void ig_drift_teardown(void)
{
    ig_drift_hooks.load = NULL;
    ig_drift_hooks.report = NULL;
    ig_drift_hooks.report_ctx = NULL;
    free(g_writer);
    g_writer = NULL;
}
