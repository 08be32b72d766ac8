/* A bounded, crash-safe, append-only on-disk log of records (the Kafka sink's spool).
 *
 * Layout in <dir>: segment files "seg-<first seq, 20 digits>.log" holding records
 *   [magic u32 "IGS1"][len u32][seq u64][crc32 u32 over magic,len,seq and payload][0 u32][payload]
 * (little-endian), and "committed": two 16-byte slots [seq u64][gen u32][crc32 u32] written
 * alternately, so a torn write of one leaves the other valid. Everything with seq <= the
 * committed seq is done (delivered) and its segments are deleted.
 *
 * Recovery (open): segments are scanned in order; a record with a bad magic, length or CRC
 * (a torn last write after a crash) ends its segment: the file is cut there and the record
 * counted in `torn`. Appends then go to a new segment. Reading starts after the committed seq.
 *
 * Cap: when appending would pass max_bytes, the oldest segments are deleted, whether
 * delivered or not; their undelivered records are counted in dropped_records and the first
 * such drop is logged loudly (IG_LOG_WARN), later ones every 100th segment. */
#ifndef IG_SPOOL_H
#define IG_SPOOL_H

#include <inferguard/base.h>

#define IG_SPOOL_MAX_RECORD (16u << 20)

enum ig_spool_fsync {
    IG_SPOOL_FSYNC_ALWAYS,   /* fdatasync after every append and commit */
    IG_SPOOL_FSYNC_BATCH,    /* fdatasync on ig_spool_sync() (the sink's poll) */
    IG_SPOOL_FSYNC_NEVER,    /* the OS decides; survives a process crash, not a power cut */
};

struct ig_spool_opts {
    const char *dir;             /* created if missing */
    uint64_t max_bytes;          /* all segments together */
    uint64_t segment_bytes;      /* 0 = max_bytes / 16, between 4 KiB and 64 MiB */
    enum ig_spool_fsync fsync;
};

struct ig_spool_stats {
    uint64_t appended, dropped_records, dropped_segments, torn, recovered, bytes;
};

struct ig_spool;

/* Parses "always" | "batch" | "never"; returns false on anything else. */
bool ig_spool_fsync_parse(const char *s, enum ig_spool_fsync *out);

/* Opens (and recovers) the spool in o->dir. Returns IG_OK or IG_EIO / IG_ECONF with one
 * sentence in err. stats.recovered = records found not yet committed. */
int  ig_spool_open(const struct ig_spool_opts *o, struct ig_spool **out, char *err, size_t errlen);
/* Appends one record (copied); sets *seq. IG_ELIMIT when the record alone exceeds the cap
 * (counted as a dropped record), IG_EIO on a write error. */
int  ig_spool_append(struct ig_spool *s, const void *p, size_t n, uint64_t *seq);
/* Reads the record at the read cursor without moving it: IG_OK with *n and *seq, IG_DONE
 * when there is nothing more, IG_ELIMIT when cap is too small (*n says how much is needed;
 * ig_spool_advance skips it), IG_EIO when a segment cannot be opened. A record damaged
 * since recovery ends its segment (counted in torn). */
int  ig_spool_peek(struct ig_spool *s, void *buf, size_t cap, size_t *n, uint64_t *seq);
/* Moves the read cursor past the record last peeked. */
void ig_spool_advance(struct ig_spool *s);
/* Marks every record with seq <= <seq> done: persists the offset, deletes finished segments. */
int  ig_spool_commit(struct ig_spool *s, uint64_t seq);
uint64_t ig_spool_committed(const struct ig_spool *s);
/* The seq the next append gets. */
uint64_t ig_spool_next_seq(const struct ig_spool *s);
/* fdatasync of pending appends (the batch policy's sync point). */
int  ig_spool_sync(struct ig_spool *s);
void ig_spool_stats(const struct ig_spool *s, struct ig_spool_stats *out);
void ig_spool_close(struct ig_spool *s);

#endif
