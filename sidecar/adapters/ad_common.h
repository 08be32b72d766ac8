/* Helpers shared by the payload adapters: path matching, bounded copies, tensor decoding
 * from JSON with the adapters.* limits, text accumulation, and the output conventions
 * every adapter follows:
 *   - scores stay as sent; IG_EV_LOGITS is set when the producer says so or when they are
 *     evidently not probabilities (a value outside [0,1], or a row of >= 2 values not
 *     summing to 1 +- 1e-3). ig_ad_softmax() turns a logit row into probabilities.
 *   - label = argmax of each row (first maximum wins) when a row has >= 2 outputs;
 *     one output per row is a regression value (or a binary score) and gets no label.
 *   - top-1 margin = p1 - p2 of the row's probabilities (after softmax for logits);
 *     ig_ad_top1_margin() computes it for detectors. */
#ifndef IG_ADAPTERS_AD_COMMON_H
#define IG_ADAPTERS_AD_COMMON_H

#include <inferguard/adapter.h>
#include "adapters/json.h"

enum ig_ad_score_kind { IG_AD_SCORES_AUTO = 0, IG_AD_SCORES_PROBS, IG_AD_SCORES_LOGITS };

/* ---- text and paths ---- */
bool ig_ad_starts(struct ig_span s, const char *lit);
bool ig_ad_ends(struct ig_span s, const char *lit);
/* Copies <s> into dst as a NUL-terminated string, truncated to cap-1 bytes. */
void ig_ad_copy(char *dst, size_t cap, struct ig_span s);
/* A thread that decoded payloads and now ends (parse shards): frees what the adapters keep
 * per thread (the OpenAI stream chunks' scratch). */
void ig_ad_thread_exit(void);
/* OpenAI streams: chunks equal to the last parsed one but for their text are taken without
 * a parse (default true; tests turn it off to compare the two paths). */
extern bool ig_ad_openai_chunk_template;
/* True when the request header <name> contains <needle> (case-insensitive). */
bool ig_ad_header_has(const struct ig_http_txn *t, enum ig_flow_dir dir, const char *name,
                      const char *needle);

/* Parses a whole body with the adapters.* limits into ctx->scratch. */
int ig_ad_parse(const struct ig_decode_ctx *ctx, struct ig_span body,
                const struct ig_json **root, const char **reason);

/* ---- tensors ---- */
/* Decodes the numeric array <v> into scratch floats as rows x cols: rows = shape[0],
 * cols = product of the other dimensions (1 for a flat array). Checks adapters.max_rows,
 * max_features, max_values. Returns IG_OK or a negative status with *reason. */
int ig_ad_matrix(const struct ig_decode_ctx *ctx, const struct ig_json *v, float **out,
                 uint32_t *rows, uint32_t *cols, const char **reason);
/* Checks a rows x cols tensor against the adapters.* limits. */
int ig_ad_check_shape(const struct ig_config *cfg, uint64_t rows, uint64_t cols,
                      const char **reason);
/* Checks <rows> x <cols> like ig_ad_check_shape, then takes that many floats from the
 * scratch arena into *out. Returns IG_OK, IG_ELIMIT or IG_ENOMEM with *reason set. */
int ig_ad_tensor_alloc(const struct ig_decode_ctx *ctx, uint64_t rows, uint64_t cols, float **out,
                       const char **reason);

/* Sets ev->scores (rows x outputs, kept as sent), ev->outputs, IG_EV_SCORES, IG_EV_LOGITS
 * per <kind>, and for outputs >= 2 the argmax labels (IG_EV_LABELS). When the event already
 * has input rows, output rows must match them; otherwise ev->rows = rows. Returns IG_OK, or
 * IG_EPARSE / IG_ENOMEM with *reason (the event is left without scores). */
int ig_ad_set_scores(const struct ig_decode_ctx *ctx, struct ig_event *ev, const float *scores,
                     uint32_t rows, uint32_t outputs, enum ig_ad_score_kind kind,
                     const char **reason);
/* Marks <ev> malformed with <reason> but keeps what was decoded. */
void ig_ad_malformed(struct ig_event *ev, const char *reason);

bool    ig_ad_scores_are_logits(const float *s, uint32_t rows, uint32_t outputs);
int32_t ig_ad_argmax(const float *row, uint32_t n);
/* Numerically stable softmax of <n> values into out (may equal in). */
void    ig_ad_softmax(const float *in, float *out, uint32_t n);
/* p1 - p2 of one row (softmax first when <logits>); 1 output: |2p - 1| of a binary
 * probability (sigmoid first when <logits>); 0 outputs: 0. Allocates nothing. */
float   ig_ad_top1_margin(const float *row, uint32_t n, bool logits);

/* ---- text ---- */
/* Bounded text accumulator in scratch; bytes past cap are dropped (truncated = true). */
struct ig_ad_text { uint8_t *p; size_t n, cap; bool truncated; };
int  ig_ad_text_init(struct ig_ad_text *b, struct ig_scratch *s, size_t cap);
void ig_ad_text_add(struct ig_ad_text *b, const void *p, size_t n);
void ig_ad_text_addz(struct ig_ad_text *b, const char *z);
/* Appends the unescaped JSON string <v> (ignored when not a string). */
void ig_ad_text_add_json(struct ig_ad_text *b, struct ig_scratch *s, const struct ig_json *v);
/* The text of an undecodable or cut body, for the text detectors: every JSON string
 * literal in <body>, unescaped leniently, one per line (the whole body when it has no
 * quote at all). Bounded by out->cap; linear in body.n. */
int  ig_ad_raw_text(struct ig_span body, struct ig_ad_text *out);
static inline struct ig_span ig_ad_text_span(const struct ig_ad_text *b)
{
    return (struct ig_span){ b->p, b->n };
}

#endif
