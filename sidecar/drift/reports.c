/* Drift reports on disk: DIR/<model>/<window-start>.{json,html} and DIR/index.html, plus
 * what the sidecar lends the drift detector (profile loader, this writer) in its env. Files
 * are written under a temporary name and renamed, so a server never reads half a page. */
#include "drift/drift.h"

#include <inferguard/fs.h>

#include <dirent.h>
#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <inferguard/detector.h>
#include <inferguard/log.h>

#define INDEX_MAX_PER_MODEL 500

struct ig_drift_writer {
    char dir[4096];
    uint64_t written, failed;
};

static int mkdir_p(const char *path, char *err, size_t errlen)
{
    char failed[4096];
    if (ig_mkdir_p(path, 0755, failed, sizeof failed) == 0)
        return IG_OK;
    snprintf(err, errlen, "%s: %s", failed, strerror(errno));
    return IG_EIO;
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

/* One line per window in <model>/timeline.txt, what the index draws its charts from:
 * start_us end_us index rows drift_share share_threshold features_drifted
 * predictions_drifted class_tvd attribution change_us report-stem top-drifted-features
 * (tab-separated; fields never contain tabs). */
static void timeline_append(const char *mdir, const char *stem, const struct ig_drift_report *r)
{
    char path[3400], top[160] = "";
    snprintf(path, sizeof path, "%.3200s/timeline.txt", mdir);
    size_t len = 0;
    for (uint32_t i = 0, k = 0; i < r->ncols && k < 3; i++) {
        const struct ig_drift_col_result *c = &r->cols[i];
        if (!c->drifted || c->is_score)
            continue;
        len += (size_t)snprintf(top + len, sizeof top - len, "%sf%u", k ? "," : "", c->index);
        k++;
    }
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    fprintf(f, "%llu\t%llu\t%llu\t%llu\t%.6f\t%.6f\t%d\t%d\t%.6f\t%s\t%llu\t%s\t%s\n",
            (unsigned long long)r->start_us, (unsigned long long)r->end_us,
            (unsigned long long)r->window_index, (unsigned long long)r->rows, r->share,
            r->share_threshold, r->features_drifted, r->predictions_drifted,
            isnan(r->class_tvd) ? 0.0 : r->class_tvd, r->attribution ? r->attribution : "none",
            (unsigned long long)r->change_us, stem, top[0] ? top : "-");
    fclose(f);
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
    timeline_append(mdir, ts, r);
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

struct tl_row {
    uint64_t start, end, index, rows, change;
    double   share, share_thr, tvd;
    int      feat, pred;
    char     attribution[24], stem[64], top[64];
};

static int tl_cmp(const void *a, const void *b)
{
    const struct tl_row *x = a, *y = b;
    return x->start < y->start ? -1 : (x->start > y->start);
}

/* The last INDEX_MAX_PER_MODEL windows of <mdir>/timeline.txt, oldest first. */
static struct tl_row *timeline_read(const char *mdir, size_t *n)
{
    char path[4500], line[512];
    snprintf(path, sizeof path, "%.4400s/timeline.txt", mdir);
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct tl_row *v = calloc(INDEX_MAX_PER_MODEL, sizeof *v);
    size_t total = 0;
    while (v && fgets(line, sizeof line, f)) {
        struct tl_row t;
        unsigned long long a, b, c, d, e;
        if (sscanf(line, "%llu\t%llu\t%llu\t%llu\t%lf\t%lf\t%d\t%d\t%lf\t%23[^\t]\t%llu\t%63[^\t]\t%63[^\t\n]",
                   &a, &b, &c, &d, &t.share, &t.share_thr, &t.feat, &t.pred, &t.tvd,
                   t.attribution, &e, t.stem, t.top) != 13)
            continue;
        t.start = a, t.end = b, t.index = c, t.rows = d, t.change = e;
        v[total++ % INDEX_MAX_PER_MODEL] = t;   /* a ring: the newest are kept */
    }
    fclose(f);
    *n = total < INDEX_MAX_PER_MODEL ? total : INDEX_MAX_PER_MODEL;
    if (v)
        qsort(v, *n, sizeof *v, tl_cmp);
    return v;
}

/* One SVG chart over the windows: y = share (or TVD), red dots where the verdict fired, each
 * dot a link to its window's report; a dashed line at <thr>. */
static void timeline_chart(FILE *f, const char *model, const struct tl_row *t, size_t n,
                           bool tvd, const char *title, const char *cls)
{
    const int W = 900, H = 170, L = 44, R = 12, T = 12, B = 28;
    uint64_t t0 = t[0].start, t1 = t[n - 1].end > t0 ? t[n - 1].end : t0 + 1;
    double ymax = 1.0;
    if (tvd) {
        ymax = 0.3;
        for (size_t i = 0; i < n; i++)
            ymax = fmax(ymax, t[i].tvd * 1.1);
    }
    fprintf(f, "<figure class=\"chart %s\"><figcaption>%s</figcaption>"
               "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
            cls, title, W, H, W, H);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", L, H - B, W - R, H - B);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", L, T, L, H - B);
    for (int k = 0; k <= 4; k++) {
        double y = T + (H - T - B) * (1.0 - k / 4.0);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%.2f</text>",
                L - 4, y + 3, ymax * k / 4.0);
    }
    double thr = tvd ? 0.1 : t[n - 1].share_thr;
    double ythr = T + (H - T - B) * (1.0 - fmin(thr / ymax, 1.0));
    fprintf(f, "<line class=\"threshold\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
               "stroke=\"#d33\" stroke-dasharray=\"4 3\"/>", L, ythr, W - R, ythr);
    fputs("<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\"", f);
    for (size_t i = 0; i < n; i++) {
        double x = L + (W - L - R) * (double)(t[i].start - t0) / (double)(t1 - t0);
        double v = tvd ? t[i].tvd : t[i].share;
        fprintf(f, "%.1f,%.1f ", x, T + (H - T - B) * (1.0 - fmin(v / ymax, 1.0)));
    }
    fputs("\"/>", f);
    for (size_t i = 0; i < n; i++) {
        double x = L + (W - L - R) * (double)(t[i].start - t0) / (double)(t1 - t0);
        double v = tvd ? t[i].tvd : t[i].share;
        bool hit = tvd ? t[i].pred : t[i].feat;
        fputs("<a href=\"", f);
        esc(f, model);
        fputc('/', f);
        esc(f, t[i].stem);
        fprintf(f, ".html\"><circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\">"
                   "<title>window %llu: %s %.3f</title></circle></a>",
                hit ? "win drifted" : "win", x, T + (H - T - B) * (1.0 - fmin(v / ymax, 1.0)),
                hit ? 4 : 3, hit ? "#d33" : "#36c", (unsigned long long)t[i].index,
                tvd ? "class TVD" : "drift share", v);
    }
    char a[32], b[32];
    time_t s0 = (time_t)(t0 / 1000000u), s1 = (time_t)(t1 / 1000000u);
    struct tm tm;
    gmtime_r(&s0, &tm);
    strftime(a, sizeof a, "%Y-%m-%d %H:%M:%S", &tm);
    gmtime_r(&s1, &tm);
    strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>"
               "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s UTC</text>",
            L, H - 8, a, W - R, H - 8, b);
    fputs("</svg></figure>", f);
}

static void timeline_table(FILE *f, const char *model, const struct tl_row *t, size_t n)
{
    fputs("<table class=\"timeline\"><thead><tr><th>window</th><th>start (UTC)</th><th>rows</th>"
          "<th>drift share</th><th>top drifted features</th><th>prediction drift (TVD)</th>"
          "<th>attribution</th><th>change (UTC)</th></tr></thead><tbody>", f);
    for (size_t k = n; k-- > 0;) {
        char a[32], c[32] = "";
        time_t s = (time_t)(t[k].start / 1000000u);
        struct tm tm;
        gmtime_r(&s, &tm);
        strftime(a, sizeof a, "%Y-%m-%d %H:%M:%S", &tm);
        if (t[k].change) {
            s = (time_t)(t[k].change / 1000000u);
            gmtime_r(&s, &tm);
            strftime(c, sizeof c, "%H:%M:%S", &tm);
        }
        fprintf(f, "<tr class=\"%s\"><td><a href=\"", t[k].feat || t[k].pred ? "drifted" : "ok");
        esc(f, model);
        fputc('/', f);
        esc(f, t[k].stem);
        fprintf(f, ".html\">%llu</a></td><td>%s</td><td>%llu</td><td>%.2f%s</td><td>",
                (unsigned long long)t[k].index, a, (unsigned long long)t[k].rows, t[k].share,
                t[k].feat ? " &#9888;" : "");
        esc(f, strcmp(t[k].top, "-") ? t[k].top : "");
        fprintf(f, "</td><td>%.3f%s</td><td>", t[k].tvd, t[k].pred ? " &#9888;" : "");
        esc(f, t[k].attribution);
        fprintf(f, "</td><td>%s</td></tr>", c);
    }
    fputs("</tbody></table>", f);
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
          "margin:24px}h2{font-size:17px;margin-top:24px}li{margin:2px 0}figure{margin:8px 0}"
          "figcaption{font-weight:600}table.timeline{border-collapse:collapse;font-size:13px}"
          "table.timeline td,table.timeline th{border-bottom:1px solid #ddd;padding:2px 8px;"
          "text-align:left}tr.drifted td{background:#fdecea}</style></head><body>"
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
        fputs("</h2>", f);
        size_t nt = 0;
        struct tl_row *tl = timeline_read(mdir, &nt);
        if (nt) {
            fputs("<div class=\"timeline\">", f);
            timeline_chart(f, models[i], tl, nt, false,
                           "Drift share per window (share of input features drifted; dashed: "
                           "the verdict's threshold)", "drift-share");
            timeline_chart(f, models[i], tl, nt, true,
                           "Prediction drift per window (total variation distance of the "
                           "predicted classes from the reference)", "prediction-drift");
            timeline_table(f, models[i], tl, nt);
            fputs("</div>", f);
        }
        free(tl);
        fprintf(f, "<p>%zu report%s, newest first</p><ul>", nr, nr == 1 ? "" : "s");
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
    struct ig_drift_writer *w = ctx;
    char err[512];
    if (ig_drift_write_report(w->dir, r, err, sizeof err) == IG_OK) {
        w->written++;
        return;
    }
    /* Rate-limited: the first failure and then every 100th. */
    if (w->failed++ % 100 == 0)
        IG_LOG_WARN("drift", "report not written: %s", err);
}

struct ig_drift_writer *ig_drift_writer_new(const char *reports_dir, char *err, size_t errlen)
{
    if (!reports_dir || !reports_dir[0]) {
        snprintf(err, errlen, "drift.reports_dir is empty");
        return NULL;
    }
    if (strlen(reports_dir) > 3000) {
        snprintf(err, errlen, "drift.reports_dir is too long");
        return NULL;
    }
    if (mkdir_p(reports_dir, err, errlen) != IG_OK)
        return NULL;
    struct ig_drift_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(w->dir, sizeof w->dir, "%s", reports_dir);
    if (ig_drift_write_index(reports_dir, err, errlen) != IG_OK) {
        free(w);
        return NULL;
    }
    return w;
}

void ig_drift_report_counts(const struct ig_drift_writer *w, uint64_t *written, uint64_t *failed)
{
    *written = w ? w->written : 0;
    *failed = w ? w->failed : 0;
}

void ig_drift_writer_free(struct ig_drift_writer *w)
{
    free(w);
}

void ig_drift_env(struct ig_env *env, struct ig_drift_writer *w)
{
    env->profile_load = ig_drift_profiles_load;
    env->report = w ? on_report : NULL;
    env->report_ctx = w;
}
