/* libFuzzer target for CloudEvents mirror ingest: parsing in both content modes, ce-metadata,
 * protocol sniffing and pairing (small caps, so eviction and flush run too), and the
 * adapters on every paired transaction.
 * Input: first byte chooses the mode (even = binary, odd = structured) and the event kind
 * fallback; binary mode then holds "name: value" header lines, an empty line, the body.
 * Parsed events accumulate in one pairer across inputs (as on a long-running endpoint). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/adapter.h>

#include "mirror/cloudevents.h"

#define MAXH 32

static struct ig_scratch dec;
static struct ig_config cfg;

static void on_txn(void *ctx, const struct ig_http_txn *t)
{
    (void)ctx;
    struct ig_decode_ctx dctx = { .cfg = &cfg, .scratch = &dec };
    const struct ig_adapter *ad = ig_adapter_select(&dctx, t);
    if (!ad)
        return;
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    const char *why = NULL;
    ad->decode(&dctx, t, &ev, &why);
    ig_scratch_reset(&dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_ce_pairer *pr;
    static struct ig_scratch s;
    static uint64_t now;
    if (!pr) {
        ig_config_defaults(&cfg);
        cfg.ce_max_pending = 8;
        cfg.ce_pending_memcap = 1u << 20;
        cfg.http_request_body_limit = 4096;
        cfg.http_response_body_limit = 4096;
        pr = ig_ce_pairer_new(&cfg, on_txn, NULL);
        if (!pr || ig_scratch_init(&s, 1 << 12, 1 << 22) < 0 || ig_scratch_init(&dec, 1 << 12, 1 << 24) < 0)
            __builtin_trap();
    }
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    /* A private copy with a NUL after it: header values are C strings. */
    char *buf = malloc(size + 1);
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    struct ig_ce ev;
    const char *why = NULL;
    int rc;
    if (sel & 1) {
        rc = ig_ce_parse_structured((const uint8_t *)buf, size - 1, &s, &ev, &why);
    } else {
        struct ig_ce_header h[MAXH];
        size_t nh = 0;
        char *p = buf, *end = buf + size - 1, *body = end;
        while (p < end) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            char *le = nl ? nl : end;
            if (le == p) {   /* empty line: the body follows */
                body = nl ? nl + 1 : end;
                break;
            }
            *le = '\0';
            char *colon = strchr(p, ':');
            if (colon && nh < MAXH) {
                *colon = '\0';
                char *v = colon + 1;
                while (*v == ' ')
                    v++;
                h[nh++] = (struct ig_ce_header){ p, v };
            }
            p = nl ? nl + 1 : end;
            body = end;
        }
        rc = ig_ce_parse_binary(h, nh, (const uint8_t *)body, (size_t)(end - body), &s, &ev, &why);
    }
    if (rc == IG_OK) {
        struct ig_http_header mh[16];
        uint32_t n;
        if (ig_ce_metadata_headers(ev.metadata, &s, mh, 16, &n, &why) != IG_EPARSE) {
            struct ig_endpoint peer = { .family = 4, .addr = { 127, 0, 0, 1 } };
            ig_ce_pairer_add(pr, &ev, &peer, now);
        }
    } else if (rc == IG_EPARSE && !why) {
        __builtin_trap();   /* every refusal names its reason */
    }
    now += 1000000;
    if ((sel & 0x0e) == 0x0e)
        ig_ce_pairer_tick(pr, now);
    if (sel == 0xff)
        ig_ce_pairer_flush(pr);
    const struct ig_ce_stats *st = ig_ce_pairer_stats(pr);
    if (st->pending > 8 || st->pending_bytes > cfg.ce_pending_memcap)
        __builtin_trap();
    ig_scratch_reset(&s);
    free(buf);
    return 0;
}
