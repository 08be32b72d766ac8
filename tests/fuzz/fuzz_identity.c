/* libFuzzer target for client identity resolution.
 * Input: one byte choosing the peer (trusted proxy or not, IPv4 or IPv6), then request
 * headers as "name: value" lines. The raw value of any API-key header must never be
 * found in the resolved id, and from an untrusted peer no proxy-written header (XFCC,
 * X-Forwarded-For, an unverifiable JWT) may become the identity. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "identity/identity.h"

#define MAXH 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ig_identity_cfg ic;
    static int ready;
    if (!ready) {
        struct ig_config c;
        char err[256];
        ig_config_defaults(&c);
        strcpy(c.identity_secret, "fuzz");
        strcpy(c.trusted_proxies[0], "127.0.0.6");
        strcpy(c.trusted_proxies[1], "::1/128");
        strcpy(c.trusted_proxies[2], "127.1.0.0/16");
        c.n_trusted_proxies = 3;
        if (ig_identity_cfg_init(&ic, &c, err, sizeof err) != IG_OK)
            __builtin_trap();
        ready = 1;
    }
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    /* A private copy so that reads past the end are caught. */
    uint8_t *buf = malloc(size);
    memcpy(buf, data + 1, size - 1);
    const uint8_t *p = buf, *end = buf + size - 1;
    struct ig_http_header h[MAXH];
    uint32_t n = 0;
    while (p < end && n < MAXH) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *le = nl ? nl : end;
        const uint8_t *colon = memchr(p, ':', (size_t)(le - p));
        if (colon) {
            const uint8_t *v = colon + 1;
            if (v < le && *v == ' ')
                v++;
            h[n].name = (struct ig_span){ p, (size_t)(colon - p) };
            h[n].value = (struct ig_span){ v, (size_t)(le - v) };
            n++;
        }
        p = nl ? nl + 1 : end;
    }
    struct ig_http_txn t = { 0 };
    t.req_headers = h;
    t.n_req_headers = n;
    switch (sel % 4) {
    case 0: t.client.family = 4; memcpy(t.client.addr, "\x7f\x00\x00\x06", 4); break;
    case 1: t.client.family = 4; memcpy(t.client.addr, "\x7f\x00\x00\x09", 4); break;
    case 2: t.client.family = 6; t.client.addr[15] = 1; break;
    case 3: t.client.family = 0; break;
    }
    struct ig_event ev;
    memset(&ev, 0xa5, sizeof ev);
    ig_identity_resolve(&ic, &t, &ev);
    size_t idn = strnlen(ev.client_id, sizeof ev.client_id);
    if (idn == sizeof ev.client_id || ev.id_kind >= IG_ID__COUNT ||
        strnlen(ev.claimed_id, sizeof ev.claimed_id) == sizeof ev.claimed_id ||
        strnlen(ev.group_id, sizeof ev.group_id) == sizeof ev.group_id ||
        ev.id_basis >= IG_BASIS__COUNT)
        __builtin_trap();
    /* From an untrusted peer (127.0.0.9, or no address) no header a proxy writes is believed. */
    bool untrusted = sel % 4 == 1 || sel % 4 == 3;
    if (untrusted && (ev.id_kind == IG_ID_SPIFFE || ev.id_kind == IG_ID_FORWARDED ||
                      ev.id_kind == IG_ID_JWT_UNVERIFIED))
        __builtin_trap();
    if (ev.id_kind == IG_ID_API_KEY) {
        /* The id is "key:" + 16 hex digits, nothing of the key itself. */
        if (idn != 20 || memcmp(ev.client_id, "key:", 4) != 0 ||
            strspn(ev.client_id + 4, "0123456789abcdef") != 16)
            __builtin_trap();
    }
    free(buf);
    return 0;
}
