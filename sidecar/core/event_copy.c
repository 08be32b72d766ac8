/* A deep copy of an inference event (see ig_event_copy in include/inferguard/event.h): the
 * struct, then each array and text it points to, 16-byte aligned, texts NUL-terminated. */
#include <inferguard/event.h>

#include <stddef.h>
#include <string.h>

/* Every pointer of struct ig_event is copied below. A new field changes the struct's size:
 * these asserts then fail until ig_event_bytes and ig_event_copy handle it (a pointer left
 * out would dangle once the event crosses to the detection thread) and the sizes here are
 * updated. Layout of LP64 targets (x86-64, AArch64). */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct ig_event) == 1256,
               "struct ig_event changed: copy its new pointers in ig_event_copy/ig_event_bytes, "
               "then update this size");
_Static_assert(offsetof(struct ig_event, system_prompt) == 952,
               "struct ig_event changed: copy its new pointers in ig_event_copy/ig_event_bytes, "
               "then update this offset of its last pointer");
#endif

#define CHUNK(n) (((size_t)(n) + 15) & ~(size_t)15)

size_t ig_event_bytes(const struct ig_event *ev)
{
    size_t n = 0;
    if (ev->inputs)
        n += CHUNK((size_t)ev->rows * ev->features * sizeof(float));
    if (ev->scores)
        n += CHUNK((size_t)ev->rows * ev->outputs * sizeof(float));
    if (ev->labels)
        n += CHUNK((size_t)ev->rows * sizeof(int32_t));
    if (ev->prompt.p)
        n += CHUNK(ev->prompt.n + 1);
    if (ev->completion.p)
        n += CHUNK(ev->completion.n + 1);
    if (ev->system_prompt.p)
        n += CHUNK(ev->system_prompt.n + 1);
    return n;
}

static const void *put(uint8_t **at, const void *src, size_t n)
{
    uint8_t *dst = *at;
    if (n)
        memcpy(dst, src, n);
    *at += CHUNK(n);
    return dst;
}

struct ig_span ig_span_copy_at(uint8_t **at, struct ig_span s)
{
    if (!s.p)
        return s;
    uint8_t *dst = *at;
    if (s.n)
        memcpy(dst, s.p, s.n);
    dst[s.n] = '\0';
    *at += CHUNK(s.n + 1);
    return (struct ig_span){ dst, s.n };
}

void ig_event_copy(struct ig_event *dst, const struct ig_event *ev, void *data)
{
    uint8_t *at = data;
    *dst = *ev;   /* malformed_reason is a static string: shared, not copied */
    if (ev->inputs)
        dst->inputs = put(&at, ev->inputs, (size_t)ev->rows * ev->features * sizeof(float));
    if (ev->scores)
        dst->scores = put(&at, ev->scores, (size_t)ev->rows * ev->outputs * sizeof(float));
    if (ev->labels)
        dst->labels = put(&at, ev->labels, (size_t)ev->rows * sizeof(int32_t));
    dst->prompt = ig_span_copy_at(&at, ev->prompt);
    dst->completion = ig_span_copy_at(&at, ev->completion);
    dst->system_prompt = ig_span_copy_at(&at, ev->system_prompt);
}
