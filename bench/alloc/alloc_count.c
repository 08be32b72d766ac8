/* Heap-call counting for bench_alloc: this file defines malloc, calloc, realloc, the aligned
 * allocators and free (an executable's definitions interpose on every library's calls too)
 * and puts each call down to the code that made it, by its return address: the executable
 * itself, libhtp, or any other library. Under AddressSanitizer (which owns malloc) the calls
 * are counted through its allocator hooks, all callers together. It calls nothing of
 * inferguard's, so the allocator it stands for stays at the bottom of the house. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "alloc_count.h"

#include <errno.h>
#include <link.h>
#include <stdbool.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define IG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IG_ASAN 1
#endif
#endif

const char *const ig_alloc_who_name[WHO__COUNT] = { "inferguard", "libhtp", "other_libs",
                                                    "all_callers" };

static uint64_t allocs[WHO__COUNT], frees[WHO__COUNT];
static int counting;
static uintptr_t exe_lo, exe_hi, htp_lo, htp_hi;   /* text ranges */
static uintptr_t exe_base;                          /* load address, for addr2line */
#define WHERE_MAX 64
static uintptr_t where[WHERE_MAX];
static uint64_t where_n[WHERE_MAX];
static int where_on;

#ifndef IG_ASAN   /* under ASan its hooks count, all callers together */
static enum who who_of(uintptr_t ra)
{
    if (ra >= exe_lo && ra < exe_hi) return OURS;
    if (ra >= htp_lo && ra < htp_hi) return HTP;
    return OTHER;
}

static inline void note(uint64_t *tab, void *ra)
{
    enum who w = who_of((uintptr_t)ra);
    tab[w]++;
    if (w == OURS && where_on)
        for (int i = 0; i < WHERE_MAX; i++)
            if (where[i] == (uintptr_t)ra || !where[i]) {
                where[i] = (uintptr_t)ra;
                where_n[i]++;
                break;
            }
}
#endif

#ifdef IG_ASAN
/* from <sanitizer/allocator_interface.h> (libasan exports it; the header is not always installed) */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
static void asan_malloc_hook(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    if (counting) allocs[ALL]++;
}
static void asan_free_hook(const volatile void *p)
{
    if (p && counting) frees[ALL]++;
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

void *malloc(size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_malloc(n);
}
void *calloc(size_t a, size_t b)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t al, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_memalign(al, n);
}
void *memalign(size_t al, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    return __libc_memalign(al, n);
}
int posix_memalign(void **out, size_t al, size_t n)
{
    if (counting) note(allocs, __builtin_return_address(0));
    void *p = __libc_memalign(al, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
void free(void *p)
{
    if (p && counting) note(frees, __builtin_return_address(0));
    __libc_free(p);
}
#endif

/* Executable segments of the main program and of libhtp. */
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    (void)ctx;
    bool exe = info->dlpi_name == NULL || info->dlpi_name[0] == '\0';
    bool htp = !exe && strstr(info->dlpi_name, "libhtp") != NULL;
    if (!exe && !htp)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (exe) { exe_lo = lo; exe_hi = hi; exe_base = info->dlpi_addr; }
        else     { htp_lo = lo; htp_hi = hi; }
    }
    return 0;
}


void ig_alloc_count_init(bool keep_sites)
{
#ifdef IG_ASAN
    __sanitizer_install_malloc_and_free_hooks(asan_malloc_hook, asan_free_hook);
#endif
    dl_iterate_phdr(phdr_cb, NULL);
    where_on = keep_sites;
}

bool ig_alloc_count_by_caller(void)
{
#ifdef IG_ASAN
    return false;
#else
    return true;
#endif
}

void ig_alloc_count_start(void)
{
    memset(allocs, 0, sizeof allocs);
    memset(frees, 0, sizeof frees);
    counting = 1;
}

void ig_alloc_count_stop(uint64_t out_allocs[WHO__COUNT], uint64_t out_frees[WHO__COUNT])
{
    counting = 0;
    memcpy(out_allocs, allocs, sizeof allocs);
    memcpy(out_frees, frees, sizeof frees);
}

bool ig_alloc_count_site(int i, uintptr_t *offset, uint64_t *calls)
{
    if (i < 0 || i >= WHERE_MAX || !where[i])
        return false;
    *offset = where[i] - exe_base;
    *calls = where_n[i];
    return true;
}
