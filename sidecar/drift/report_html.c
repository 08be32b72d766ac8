/* Drift report as one self-contained HTML page: inline CSS and SVG only, no script and no
 * external reference, so it opens offline and can be served as a static file. Sections
 * carry stable ids (summary, reference, features, histograms, classes, series, notes). */
#include "drift/drift.h"

#include <math.h>
#include <time.h>

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char *iso(uint64_t us, char *b, size_t n)
{
    time_t s = (time_t)(us / 1000000u);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(b, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return b;
}

static void numf(FILE *f, double v)
{
    if (isnan(v))
        fputs("&ndash;", f);
    else if (isinf(v))
        fputs("&infin;", f);
    else if (v != 0 && (fabs(v) < 1e-4 || fabs(v) >= 1e6))
        fprintf(f, "%.3e", v);
    else
        fprintf(f, "%.4f", v);
}

static const char *verdict(bool d)
{
    return d ? "<span class=\"bad\">drift</span>" : "<span class=\"ok\">no drift</span>";
}

static void hist_svg(FILE *f, const struct ig_drift_col_result *c)
{
    const int W = 360, H = 150, pad = 20, nb = IG_DRIFT_HIST_BINS;
    double mx = 1e-12;
    for (int b = 0; b < nb; b++)
        mx = fmax(mx, fmax(c->ref_hist[b], c->cur_hist[b]));
    double bw = (double)(W - 2 * pad) / nb;
    fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", W, H + 20, W, H + 20);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", pad, H, W - pad, H);
    for (int b = 0; b < nb; b++) {
        double x = pad + b * bw, hr = (H - pad) * c->ref_hist[b] / mx, hc = (H - pad) * c->cur_hist[b] / mx;
        fprintf(f, "<rect class=\"ref\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                x + 1, H - hr, bw / 2 - 1, hr);
        fprintf(f, "<rect class=\"cur\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                x + bw / 2, H - hc, bw / 2 - 1, hc);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\">%.3g</text>", pad, H + 14, c->hist_lo);
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"end\">%.3g</text>", W - pad, H + 14, c->hist_hi);
    fputs("</svg>", f);
}

static void classes_svg(FILE *f, const struct ig_drift_report *r)
{
    uint64_t tot = 0;
    for (uint32_t i = 0; i < r->nclasses; i++)
        tot += r->cur_class[i];
    const int H = 160, pad = 24;
    int bw = r->nclasses > 20 ? 14 : 30, W = pad * 2 + (int)r->nclasses * (bw + 6);
    double mx = 1e-12;
    for (uint32_t i = 0; i < r->nclasses; i++)
        mx = fmax(mx, fmax(r->ref_class_p[i], tot ? (double)r->cur_class[i] / tot : 0));
    fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", W, H + 20, W, H + 20);
    for (uint32_t i = 0; i < r->nclasses; i++) {
        double x = pad + i * (bw + 6), hr = (H - pad) * r->ref_class_p[i] / mx;
        double hc = (H - pad) * (tot ? (double)r->cur_class[i] / tot : 0) / mx;
        fprintf(f, "<rect class=\"ref\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"/>", x, H - hr, bw / 2, hr);
        fprintf(f, "<rect class=\"cur\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"/>", x + bw / 2.0, H - hc, bw / 2, hc);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"ax\" text-anchor=\"middle\">%u</text>", x + bw / 2.0, H + 14, i);
    }
    fputs("</svg>", f);
}

static void series_svg(FILE *f, const struct ig_drift_report *r, int s, const char *label, double ref)
{
    const int W = 1100, H = 120, pad = 40;
    double lo = INFINITY, hi = -INFINITY;
    float v[IG_DRIFT_MAX_POINTS];
    for (uint32_t i = 0; i < r->npoints; i++) {
        const struct ig_drift_point *p = &r->points[i];
        v[i] = s == 0 ? p->conf : (s == 1 ? p->entropy : p->latency_ms);
        if (isfinite(v[i])) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
    }
    if (isfinite(ref)) {
        lo = fmin(lo, ref);
        hi = fmax(hi, ref);
    }
    fprintf(f, "<h3>");
    esc(f, label);
    fputs("</h3>", f);
    if (!(hi >= lo)) {
        fputs("<p class=\"muted\">no values</p>", f);
        return;
    }
    if (hi == lo)
        hi = lo + 1;
    double dx = r->npoints > 1 ? (double)(W - 2 * pad) / (r->npoints - 1) : 0;
#define Y(val) (H - 10 - ((val) - lo) / (hi - lo) * (H - 20))
    fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", W, H, W, H);
    fprintf(f, "<text x=\"2\" y=\"12\" class=\"ax\">%.3g</text><text x=\"2\" y=\"%d\" class=\"ax\">%.3g</text>",
            hi, H - 4, lo);
    if (isfinite(ref))
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"refline\"/>", pad, W - pad, Y(ref), Y(ref));
    fputs("<polyline class=\"series\" points=\"", f);
    for (uint32_t i = 0; i < r->npoints; i++)
        if (isfinite(v[i]))
            fprintf(f, "%.1f,%.1f ", pad + i * dx, Y(v[i]));
    fputs("\"/>", f);
    for (uint32_t i = 0; i < r->npoints; i++)
        if ((r->points[i].change >> s) & 1)
            fprintf(f, "<line class=\"cp\" x1=\"%.1f\" x2=\"%.1f\" y1=\"4\" y2=\"%d\"><title>change point</title></line>",
                    pad + i * dx, pad + i * dx, H - 4);
#undef Y
    fputs("</svg>", f);
}

static const char CSS[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}"
    "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}"
    "h3{font-size:14px;margin:10px 0 2px}table{border-collapse:collapse}"
    "td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}"
    "td:first-child,th:first-child{text-align:left}.bad{color:#b00020;font-weight:600}"
    ".ok{color:#1b7f3b;font-weight:600}tr.drift td{background:#fff0f0}.muted{color:#777}"
    ".ref{fill:#4c78a8;opacity:.75}.cur{fill:#f58518;opacity:.85}.ax{font-size:10px;fill:#555}"
    ".series{fill:none;stroke:#4c78a8;stroke-width:1.5}.refline{stroke:#999;stroke-dasharray:4 3}"
    ".cp{stroke:#b00020;stroke-width:2}.hist{display:inline-block;margin:0 16px 12px 0}"
    ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}";

int ig_drift_report_html(const struct ig_drift_report *r, FILE *f)
{
    char a[48], b[48];
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
          "<title>Drift report: ", f);
    esc(f, r->model);
    fprintf(f, "</title><style>%s</style></head><body>\n", CSS);

    fputs("<section id=\"summary\"><h1>Drift report: ", f);
    esc(f, r->model);
    if (r->version && r->version[0]) {
        fputs(" <span class=\"muted\">version ", f);
        esc(f, r->version);
        fputs("</span>", f);
    }
    fputs("</h1><table>", f);
    fprintf(f, "<tr><th>Input features</th><td>%s</td><td>%u of %u drifted (share ",
            verdict(r->features_drifted), r->n_drifted_feat, r->nfeat);
    numf(f, r->share);
    fputs(", threshold ", f);
    numf(f, r->share_threshold);
    fputs(")</td></tr>", f);
    fprintf(f, "<tr><th>Predictions</th><td>%s</td><td>classes &chi;&sup2; = ", verdict(r->predictions_drifted));
    numf(f, r->chi2);
    fputs(", p = ", f);
    numf(f, r->chi2_p);
    fputs(", total variation ", f);
    numf(f, r->class_tvd);
    fprintf(f, "; %u of %u scores drifted</td></tr>", r->n_drifted_out, r->nout);
    fprintf(f, "<tr><th>Confidence / entropy / latency</th><td>%s</td><td>mean top-1 ", verdict(r->confidence_drifted));
    numf(f, r->conf_ref);
    fputs(" &rarr; ", f);
    numf(f, r->conf_cur);
    fputs(", latency ms ", f);
    numf(f, r->latency_ref);
    fputs(" &rarr; ", f);
    numf(f, r->latency_cur);
    fputs("</td></tr></table></section>\n", f);

    fputs("<section id=\"reference\"><h2>Window and reference</h2><table>", f);
    fprintf(f, "<tr><th>Window</th><td>#%llu: %s &ndash; %s, %llu rows in %llu events%s</td></tr>",
            (unsigned long long)r->window_index, iso(r->start_us, a, sizeof a), iso(r->end_us, b, sizeof b),
            (unsigned long long)r->rows, (unsigned long long)r->events,
            r->partial ? " (partial: end of run)" : "");
    fputs("<tr><th>Reference</th><td>", f);
    esc(f, r->ref_source ? r->ref_source : "learned");
    fprintf(f, ": %llu rows, %s &ndash; %s</td></tr>", (unsigned long long)r->ref_rows,
            iso(r->ref_first_us, a, sizeof a), iso(r->ref_last_us, b, sizeof b));
    fprintf(f, "<tr><th>Test</th><td>%s, drifted when %s ", r->test,
            r->test[0] == 'k' ? "p &le;" : "statistic &ge;");
    numf(f, r->threshold);
    fputs("</td></tr></table></section>\n", f);

    fputs("<section id=\"features\"><h2>Features and scores by drift</h2><table><tr><th>Column</th>"
          "<th>Drift</th><th>Test</th><th>Statistic</th><th>p-value</th><th>Threshold</th><th>PSI</th>"
          "<th>KS D</th><th>JS</th><th>W1/&sigma;</th><th>n ref</th><th>n cur</th></tr>", f);
    for (uint32_t i = 0; i < r->ncols; i++) {
        const struct ig_drift_col_result *c = &r->cols[i];
        fprintf(f, "<tr%s><td>%s%u</td><td>%s</td><td>%s</td><td>", c->drifted ? " class=\"drift\"" : "",
                c->is_score ? "score " : "f", c->index, c->drifted ? "yes" : "no", r->test);
        numf(f, c->stat);
        fputs("</td><td>", f);
        numf(f, c->ks_p);
        fputs("</td><td>", f);
        numf(f, r->threshold);
        fputs("</td><td>", f);
        numf(f, c->psi);
        fputs("</td><td>", f);
        numf(f, c->ks_d);
        fputs("</td><td>", f);
        numf(f, c->js);
        fputs("</td><td>", f);
        numf(f, c->w1n);
        fprintf(f, "</td><td>%u</td><td>%u</td></tr>", c->n_ref, c->n_cur);
    }
    fputs("</table></section>\n", f);

    fputs("<section id=\"histograms\"><h2>Reference vs current</h2><p class=\"legend\">"
          "<span class=\"ref\" style=\"background:#4c78a8\"></span>reference"
          "<span style=\"background:#f58518\"></span>current window</p>", f);
    uint32_t shown = 0;
    for (uint32_t i = 0; i < r->ncols; i++) {
        const struct ig_drift_col_result *c = &r->cols[i];
        if (!c->has_hist)
            continue;
        fprintf(f, "<div class=\"hist\"><h3>%s%u%s</h3>", c->is_score ? "score " : "f", c->index,
                c->drifted ? " (drifted)" : "");
        hist_svg(f, c);
        fputs("</div>", f);
        shown++;
    }
    if (!shown)
        fputs("<p class=\"muted\">No drifted column in this window.</p>", f);
    fputs("</section>\n", f);

    fputs("<section id=\"classes\"><h2>Predicted classes</h2>", f);
    if (r->nclasses) {
        fputs("<p class=\"legend\"><span style=\"background:#4c78a8\"></span>reference share"
              "<span style=\"background:#f58518\"></span>window share</p>", f);
        classes_svg(f, r);
    } else {
        fputs("<p class=\"muted\">No predicted labels.</p>", f);
    }
    fputs("</section>\n", f);

    fputs("<section id=\"series\"><h2>Confidence, entropy and latency over time</h2>"
          "<p class=\"muted\">Block means; dashed: reference mean; red: change points (Page&ndash;Hinkley).</p>", f);
    series_svg(f, r, 0, "Mean top-1 confidence", r->conf_ref);
    series_svg(f, r, 1, "Mean output entropy (nats)", r->entropy_ref);
    series_svg(f, r, 2, "Latency (ms)", r->latency_ref);
    fputs("</section>\n<section id=\"notes\"><h2>Notes</h2><ul>", f);
    for (uint32_t i = 0; i < r->nnotes; i++) {
        fputs("<li>", f);
        esc(f, r->notes[i]);
        fputs("</li>", f);
    }
    if (!r->nnotes)
        fputs("<li class=\"muted\">none</li>", f);
    fputs("</ul></section>\n</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
