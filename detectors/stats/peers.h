/* A model's recently active clients, each with one value and the weight of its evidence,
 * so that a client can be judged against its peers (abuse.rate: the client's current
 * window count; extraction.transfer: its share of far-out queries, weighed by the rows it
 * is measured on). Fixed size and no allocation: a client not yet in the
 * table takes the slot of the one updated longest ago. The clock is the caller's (capture
 * time, a count of judged rows); "active" means updated at or after a point of it. */
#ifndef IG_STATS_PEERS_H
#define IG_STATS_PEERS_H

#include <stdint.h>

#define IG_PEERS 64

struct ig_peer {
    uint64_t key;          /* the caller's hash of the client id; 0 = free */
    uint64_t at;           /* the caller's clock at the last update */
    double   value;
    double   weight;       /* what the value can tell: rows it is measured on, ... */
};

struct ig_peers {
    struct ig_peer e[IG_PEERS];
};

/* Sets <key>'s (non-zero) value and weight at <at>; returns its slot. <hint>: the slot the
 * caller found it in last time (any value when unknown): checked first, saving the scan. */
static inline uint32_t ig_peers_put(struct ig_peers *t, uint64_t key, uint64_t at, double value,
                                    double weight, uint32_t hint)
{
    uint32_t i = hint;
    if (i >= IG_PEERS || t->e[i].key != key) {
        uint32_t oldest = 0;
        for (i = 0; i < IG_PEERS; i++) {
            if (t->e[i].key == key)
                break;
            if (t->e[i].at < t->e[oldest].at)
                oldest = i;
        }
        if (i == IG_PEERS)
            i = oldest;
    }
    t->e[i] = (struct ig_peer){ key, at, value, weight };
    return i;
}

/* The values (and, when <w> is not NULL, the weights) of the clients other than <self>
 * updated at or after <since>, into out[] (w[]); returns how many (table order). */
static inline uint32_t ig_peers_others(const struct ig_peers *t, uint64_t self, uint64_t since,
                                       double out[IG_PEERS], double *w)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < IG_PEERS; i++)
        if (t->e[i].key && t->e[i].key != self && t->e[i].at >= since) {
            if (w)
                w[n] = t->e[i].weight;
            out[n++] = t->e[i].value;
        }
    return n;
}

/* Moves the k-th smallest of v[0..n) (k < n) to v[k], smaller ones before it and larger
 * ones after (Hoare's selection): O(n) expected, where a sort of 64 peers per event cost
 * ~7 % of a whole analyze run. NaN-free input. */
static inline void ig_select_d(double *v, uint32_t n, uint32_t k)
{
    uint32_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        uint32_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                double t = v[i]; v[i] = v[j]; v[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break;                          /* v[k] == pivot, in place */
    }
}

/* The median of v[0..n) (n >= 1; even n: the mean of the middle two), reordering v. */
static inline double ig_median_d(double *v, uint32_t n)
{
    uint32_t k = n / 2;
    ig_select_d(v, n, k);
    if (n % 2)
        return v[k];
    double below = v[0];                     /* the largest of the lower half */
    for (uint32_t i = 1; i < k; i++)
        if (v[i] > below) below = v[i];
    return 0.5 * (below + v[k]);
}

/* The self-weighted median of v[0..n) (n >= 1; values >= 0, not all 0): the value v[i] such
 * that values below it sum to less than half the total and values up to it to at least
 * half. With counts of requests, it is the count of the client that sent the model's
 * median request: many light clients pull it down only when together they send most of
 * the traffic. Reorders v. O(n) expected. */
static inline double ig_wmedian_self_d(double *v, uint32_t n)
{
    double total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += v[i];
    if (!(total > 0))
        return ig_median_d(v, n);
    double half = 0.5 * total, below = 0;    /* sum of the values left of v[lo..hi] */
    uint32_t lo = 0, hi = n - 1;
    for (;;) {
        if (lo == hi)
            return v[lo];
        uint32_t k = lo + (hi - lo) / 2;
        ig_select_d(v + lo, hi - lo + 1, k - lo);
        double left = 0;                     /* v[lo..k) */
        for (uint32_t i = lo; i < k; i++)
            left += v[i];
        if (k > lo && below + left >= half)  /* the half falls left of v[k] */
            hi = k - 1;
        else if (below + left + v[k] >= half)
            return v[k];
        else {
            below += left + v[k];
            lo = k + 1;
        }
    }
}

/* The weighted q-quantile of v[0..n) (n >= 1, weights w >= 0, not all 0, 0 < q <= 1): the
 * smallest v[i] such that the values up to it weigh at least q of the total. Reorders v and
 * w (insertion sort: n <= IG_PEERS). */
static inline double ig_wquantile_d(double *v, double *w, uint32_t n, double q)
{
    double total = 0;
    for (uint32_t i = 0; i < n; i++) {
        total += w[i];
        for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double tv = v[j], tw = w[j];
            v[j] = v[j - 1];
            w[j] = w[j - 1];
            v[j - 1] = tv;
            w[j - 1] = tw;
        }
    }
    double run = 0;
    for (uint32_t i = 0; i < n; i++) {
        run += w[i];
        if (run >= q * total)
            return v[i];
    }
    return v[n - 1];
}

static inline double ig_wmedian_d(double *v, double *w, uint32_t n)
{
    return ig_wquantile_d(v, w, n, 0.5);
}

#endif
