/* Drift, sidecar side: reference profile files (msgpack), the offline baseline builder,
 * and drift reports (JSON + self-contained HTML, one directory per model, an index page).
 * Generation only: serving the reports directory over HTTP is the daemon's job.
 *
 * Start-up: ig_drift_env() lends the profile loader and a report writer to the drift
 * detector through struct ig_env before ig_engine_new(), so it can load a reference
 * profile (rules: drift.features.reference) and hand its window reports to the writer;
 * free the writer after ig_engine_free() (which writes the last partial window's report). */
#ifndef IG_DRIFT_H
#define IG_DRIFT_H

#include <stdio.h>
#include <inferguard/event.h>
#include "stats/drift_profile.h"
#include "core/jsonw.h"

/* Writes each report a detector hands it under <reports_dir> (created if missing; its
 * index page rewritten). Returns NULL with one sentence in err (IG_EIO, IG_ECONF). */
struct ig_drift_writer;
struct ig_drift_writer *ig_drift_writer_new(const char *reports_dir, char *err, size_t errlen);
void ig_drift_writer_free(struct ig_drift_writer *w);
/* Reports written / failed by <w> (NULL: none). */
void ig_drift_report_counts(const struct ig_drift_writer *w, uint64_t *written, uint64_t *failed);
/* Lends the profile loader and, when <w> is not NULL, its report writer to detectors. */
struct ig_env;
void ig_drift_env(struct ig_env *env, struct ig_drift_writer *w);

/* Profile files. Format (msgpack map, format 1): see rules/schema.md "Drift". */
int ig_drift_profiles_save(const char *path, struct ig_drift_profile *const *p, uint32_t n,
                           char *err, size_t errlen);
/* Loads every profile of <path>, frozen; the caller frees each (ig_drift_profile_free) and
 * the array (free). IG_EPARSE / IG_EIO with one sentence in err. */
int ig_drift_profiles_load(const char *path, struct ig_drift_profile ***out, uint32_t *n,
                           char *err, size_t errlen);
/* Same on a memory buffer (fuzzing, tests). */
int ig_drift_profiles_decode(const void *buf, size_t len, struct ig_drift_profile ***out,
                             uint32_t *n, char *err, size_t errlen);

/* Offline baseline (inferguard baseline build): feed every event, then save. */
struct ig_baseline;
/* <reservoir> rows kept per model (0: 5000), at most <max_models> models (0: 64). */
struct ig_baseline *ig_baseline_new(uint32_t reservoir, uint32_t max_models);
/* Adds an event (skips malformed and error events). Returns IG_OK, or IG_ELIMIT when the
 * model cap is hit (counted, not fatal), IG_ENOMEM. */
int  ig_baseline_add(struct ig_baseline *b, const struct ig_event *ev);
uint32_t ig_baseline_models(const struct ig_baseline *b);
uint64_t ig_baseline_rows(const struct ig_baseline *b);
/* Freezes and writes every model's profile to <path>. IG_EIO/IG_ECONF (no events) + err. */
int  ig_baseline_save(struct ig_baseline *b, const char *path, char *err, size_t errlen);
void ig_baseline_free(struct ig_baseline *b);

/* Report rendering. JSON: stable schema "inferguard.drift.report/1" (rules/schema.md). */
void ig_drift_report_json(const struct ig_drift_report *r, struct ig_jsonw *w);
/* One self-contained HTML page (inline CSS and SVG, no scripts, no fetches). 0 or -1. */
int  ig_drift_report_html(const struct ig_drift_report *r, FILE *f);
/* Writes DIR/<model>/<window-start>.json and .html, then rewrites DIR/index.html.
 * <model> is the model name with characters outside [A-Za-z0-9._-] replaced by '_';
 * <window-start> is UTC "YYYY-MM-DDTHHMMSS.uuuuuuZ". IG_OK or IG_EIO + err. */
int  ig_drift_write_report(const char *dir, const struct ig_drift_report *r,
                           char *err, size_t errlen);
/* Rewrites DIR/index.html listing every report under DIR, newest first per model. */
int  ig_drift_write_index(const char *dir, char *err, size_t errlen);

#endif
