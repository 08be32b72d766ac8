/* Heap-call counting for bench_alloc (bench/alloc/alloc_count.c defines the allocator
 * functions; link it into bench_alloc only). */
#ifndef IG_BENCH_ALLOC_COUNT_H
#define IG_BENCH_ALLOC_COUNT_H

#include <stdbool.h>
#include <stdint.h>

/* Who made a call: the executable (inferguard, linked in statically), libhtp, any other
 * library; ALL is every caller together (the only one an ASan build counts). */
enum who { OURS, HTP, OTHER, ALL, WHO__COUNT };
extern const char *const ig_alloc_who_name[WHO__COUNT];

/* Finds the text ranges (and installs ASan's hooks); <keep_sites> keeps inferguard's call sites. */
void ig_alloc_count_init(bool keep_sites);
/* False under ASan: only ALL is counted. */
bool ig_alloc_count_by_caller(void);
/* Counting from zero, until stop hands the counts over. */
void ig_alloc_count_start(void);
void ig_alloc_count_stop(uint64_t allocs[WHO__COUNT], uint64_t frees[WHO__COUNT]);
/* The i-th kept call site of inferguard's own code: offset from the load address (for
 * addr2line) and its calls; false past the last. */
bool ig_alloc_count_site(int i, uintptr_t *offset, uint64_t *calls);

#endif
