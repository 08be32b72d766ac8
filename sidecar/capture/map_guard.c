/* SIGBUS guard for file mappings that may shrink under the reader (map_guard.h). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/map_guard.h"

struct guarded {
    atomic_int used;
    atomic_uintptr_t lo, hi;     /* page-rounded range; 0, 0 when free */
    atomic_int cut;
};

static struct guarded slots[IG_MAP_GUARD_SLOTS];
static struct sigaction prev;
static uintptr_t page = 4096;
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    uintptr_t a = (uintptr_t)si->si_addr;
    for (int i = 0; i < IG_MAP_GUARD_SLOTS; i++) {
        uintptr_t lo = atomic_load(&slots[i].lo), hi = atomic_load(&slots[i].hi);
        if (a < lo || a >= hi)
            continue;
        /* zeros from the faulting page to the mapping's end: the read goes on, the reader
         * sees the mark (mmap is a plain system call here, safe in a handler) */
        uintptr_t from = a & ~(page - 1);
        if (mmap((void *)from, hi - from, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 -1, 0) != MAP_FAILED) {
            atomic_store(&slots[i].cut, 1);
            return;
        }
        break;
    }
    /* Not one of ours: whoever handled SIGBUS before us (a sanitizer's report), or the
     * default action once the faulting read runs again. */
    if ((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction) {
        prev.sa_sigaction(sig, si, ctx);
        return;
    }
    if (!(prev.sa_flags & SA_SIGINFO) && prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
        prev.sa_handler(sig);
        return;
    }
    signal(SIGBUS, SIG_DFL);
}

/* Ours is the SIGBUS handler, installed now if someone replaced it since (a test harness
 * that sets its own around each test): theirs becomes the one we pass foreign faults to. */
static bool install(void)
{
    pthread_mutex_lock(&install_lock);
    struct sigaction cur;
    bool ok = sigaction(SIGBUS, NULL, &cur) == 0;
    if (ok && !((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigbus)) {
        long ps = sysconf(_SC_PAGESIZE);
        if (ps > 0)
            page = (uintptr_t)ps;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_sigbus;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        prev = cur;
        ok = sigaction(SIGBUS, &sa, NULL) == 0;
    }
    pthread_mutex_unlock(&install_lock);
    return ok;
}

int ig_map_guard_add(const void *base, size_t len)
{
    if (len == 0 || !install())
        return -1;
    uintptr_t lo = (uintptr_t)base, hi = (lo + len + page - 1) & ~(page - 1);
    for (int i = 0; i < IG_MAP_GUARD_SLOTS; i++) {
        int free_slot = 0;
        if (!atomic_compare_exchange_strong(&slots[i].used, &free_slot, 1))
            continue;
        atomic_store(&slots[i].cut, 0);
        atomic_store(&slots[i].lo, lo);   /* hi last: a half-set slot matches nothing */
        atomic_store(&slots[i].hi, hi);
        return i;
    }
    return -1;
}

bool ig_map_guard_cut(int slot)
{
    return slot >= 0 && slot < IG_MAP_GUARD_SLOTS && atomic_load(&slots[slot].cut);
}

void ig_map_guard_remove(int slot)
{
    if (slot < 0 || slot >= IG_MAP_GUARD_SLOTS)
        return;
    atomic_store(&slots[slot].hi, 0);
    atomic_store(&slots[slot].lo, 0);
    atomic_store(&slots[slot].cut, 0);
    atomic_store(&slots[slot].used, 0);
}
