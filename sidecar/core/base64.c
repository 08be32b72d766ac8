/* Base64 decoding (see base64.h). */
#include <inferguard/base64.h>

int ig_b64_val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
}

long ig_b64_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
    while (n && p[n - 1] == '=')
        n--;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = ig_b64_val(p[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return (long)o;
}

long ig_b64url_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
    while (n && p[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return -1;
    return ig_b64_decode(p, n, out, cap);
}
