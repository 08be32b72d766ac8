/* Per-feature robust scaling of a model's inputs, learned from its first rows, for the
 * distance-based detectors (extraction.prada, adversarial.boundary, adversarial.fingerprint).
 *
 * Tabular features come in their own units (breast-cancer-like tables span 0.001 to 4000),
 * and a raw L2 distance is then the distance along the one or two largest-unit features.
 * The model slice learns, from the first rows the model receives (at most per_client of
 * them from any one client, so an early client cannot own it), each feature's median and
 * robust spread (IQR / 1.349, else 1.2533 x mean absolute deviation, else the median
 * spread of the others for a constant feature). Inputs are then compared as
 * z_j = (x_j - median_j) / spread_j.
 *
 * Same-unit inputs (images, embeddings, tables whose features share a unit) are left
 * alone: when the 90th percentile of the spreads is within same_ratio (8) of their median
 * the scale is the identity (no centring either), so distances are the raw ones. Inputs
 * wider than IG_FSCALE_MAXDIM are always the identity (images) and need no learning.
 *
 * Fixed size, no allocation: it lives in a detector's per-model slice (~9 KiB). */
#ifndef IG_STATS_FSCALE_H
#define IG_STATS_FSCALE_H

#include <inferguard/base.h>

#define IG_FSCALE_MAXDIM 64        /* wider inputs: identity */
#define IG_FSCALE_ROWS 32          /* rows learned at most */
#define IG_FSCALE_PER_CLIENT 12    /* rows any one client may give */
#define IG_FSCALE_MIN_ROWS 12      /* freeze with this many once the model saw 2x as many */

enum ig_fscale_mode { IG_FSCALE_LEARNING = 0, IG_FSCALE_IDENTITY, IG_FSCALE_SCALED };

struct ig_fscale {
    uint32_t dim;                  /* 0 = nothing seen yet */
    uint32_t n;                    /* rows learned */
    uint64_t seen;                 /* rows offered while learning */
    uint8_t  mode;                 /* enum ig_fscale_mode */
    float    unit;                 /* typical per-feature spread in the compared space */
    float    center[IG_FSCALE_MAXDIM], inv[IG_FSCALE_MAXDIM];
    float    buf[IG_FSCALE_ROWS][IG_FSCALE_MAXDIM];
};

/* Offers one row of <dim> finite values from a client that has already taught
 * *client_taught rows (incremented when taken). A width other than the first one seen is
 * ignored. Returns the mode after the row (IDENTITY at once for dim > IG_FSCALE_MAXDIM). */
enum ig_fscale_mode ig_fscale_learn(struct ig_fscale *s, const float *x, uint32_t dim,
                                    uint32_t *client_taught);

/* Writes the compared form of <x> (dim values) into <out>: scaled, or a copy for the
 * identity. Only once the mode is not LEARNING. */
void ig_fscale_apply(const struct ig_fscale *s, const float *x, uint32_t dim, float *out);

#endif
