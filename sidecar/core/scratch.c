/* Bump allocator for per-event and per-transaction memory. A round that outgrows the
 * block chains extra chunks (earlier pointers stay valid); reset frees them and grows the
 * block to the round's size, so after warm-up no round allocates. Over <cap>: NULL, counted. */
#include <inferguard/base.h>

#include <stdlib.h>

/* 32-byte header keeps data[] 16-byte aligned (malloc returns 16-aligned memory). */
struct chunk { struct chunk *next; size_t size, used, pad_; uint8_t data[]; };

int ig_scratch_init(struct ig_scratch *s, size_t initial, size_t cap)
{
    *s = (struct ig_scratch){ .cap = cap };
    if (initial > cap)
        initial = cap;
    if (initial < 64)
        initial = 64;
    s->base = malloc(initial);
    if (!s->base)
        return IG_ENOMEM;
    s->size = initial;
    return IG_OK;
}

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

void *ig_scratch_alloc(struct ig_scratch *s, size_t n)
{
    size_t off = align16(s->used);
    if (likely(n <= s->size && off <= s->size - n)) {
        s->used = off + n;
        s->round_bytes += n;
        return s->base + off;
    }
    if (unlikely(n > s->cap || s->round_bytes + n > s->cap)) {
        s->overflows++;
        return NULL;
    }
    struct chunk *c = s->chunks;
    if (c) {
        size_t coff = align16(c->used);
        if (n <= c->size && coff <= c->size - n) {
            c->used = coff + n;
            s->round_bytes += n;
            return c->data + coff;
        }
    }
    size_t csize = n > s->size ? n : s->size;
    c = malloc(sizeof *c + csize);
    if (!c) {
        s->overflows++;
        return NULL;
    }
    c->next = s->chunks;
    c->size = csize;
    c->used = n;
    s->chunks = c;
    s->round_bytes += n;
    return c->data;
}

void ig_scratch_reset(struct ig_scratch *s)
{
    if (unlikely(s->chunks != NULL)) {
        for (struct chunk *c = s->chunks, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        s->chunks = NULL;
        size_t want = s->round_bytes * 2;
        if (want > s->cap)
            want = s->cap;
        if (want > s->size) {
            uint8_t *p = realloc(s->base, want);
            if (p) {
                s->base = p;
                s->size = want;
            }
        }
    }
    s->used = 0;
    s->round_bytes = 0;
    s->memo = NULL;
}

void ig_scratch_free(struct ig_scratch *s)
{
    ig_scratch_reset(s);
    free(s->base);
    *s = (struct ig_scratch){ 0 };
}
