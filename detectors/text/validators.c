/* Validators for candidate matches; see validators.h. */
#include "validators.h"

#include <inferguard/base64.h>
#include <inferguard/rules.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

bool ig_luhn(const char *p, size_t n)
{
    unsigned sum = 0, nd = 0;
    for (size_t i = n; i-- > 0;) {
        if (p[i] < '0' || p[i] > '9')
            continue;
        unsigned d = (unsigned)(p[i] - '0');
        if (nd++ & 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return nd >= 2 && sum % 10 == 0;
}

static unsigned prefix(const char *d, unsigned k)
{
    unsigned v = 0;
    for (unsigned i = 0; i < k; i++)
        v = v * 10 + (unsigned)(d[i] - '0');
    return v;
}

bool ig_valid_card(const char *p, size_t n)
{
    char d[20];
    unsigned nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            if (nd == 19)
                return false;
            d[nd++] = p[i];
        } else if (p[i] != ' ' && p[i] != '-')
            return false;
    }
    if (nd < 13)
        return false;
    unsigned p1 = prefix(d, 1), p2 = prefix(d, 2), p3 = prefix(d, 3), p4 = prefix(d, 4);
    bool iin =
        (p1 == 4 && (nd == 13 || nd == 16 || nd == 19)) ||                       /* Visa */
        (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && nd == 16) ||   /* MC */
        ((p2 == 34 || p2 == 37) && nd == 15) ||                                   /* Amex */
        ((p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) && nd >= 16) ||     /* Discover */
        (p4 >= 3528 && p4 <= 3589 && nd >= 16) ||                                 /* JCB */
        (((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) &&
         nd >= 14 && nd <= 19);                                                   /* Diners */
    return iin && ig_luhn(d, nd);
}

/* IBAN lengths by country (ISO 13616 registry, common countries). */
static const struct { char cc[3]; uint8_t len; } iban_len[] = {
    {"AD",24},{"AE",23},{"AT",20},{"AZ",28},{"BA",20},{"BE",16},{"BG",22},{"BH",22},{"BR",29},
    {"CH",21},{"CR",22},{"CY",28},{"CZ",24},{"DE",22},{"DK",18},{"DO",28},{"EE",20},{"ES",24},
    {"FI",18},{"FO",18},{"FR",27},{"GB",22},{"GE",22},{"GI",23},{"GL",18},{"GR",27},{"GT",28},
    {"HR",21},{"HU",28},{"IE",22},{"IL",23},{"IS",26},{"IT",27},{"JO",30},{"KW",30},{"KZ",20},
    {"LB",28},{"LI",21},{"LT",20},{"LU",20},{"LV",21},{"MC",27},{"MD",24},{"ME",22},{"MK",19},
    {"MR",27},{"MT",31},{"MU",30},{"NL",18},{"NO",15},{"PK",24},{"PL",28},{"PS",29},{"PT",25},
    {"QA",29},{"RO",24},{"RS",22},{"SA",24},{"SE",24},{"SI",19},{"SK",24},{"SM",27},{"TN",24},
    {"TR",26},{"UA",29},{"VG",24},{"XK",20},
};

static int iban_val(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    return -1;
}

/* Folds one IBAN character into the running remainder (two digits for letters). */
static unsigned mod97_step(unsigned rem, int v)
{
    return v >= 10 ? (rem * 100 + (unsigned)v) % 97 : (rem * 10 + (unsigned)v) % 97;
}

bool ig_valid_iban(const char *p, size_t n)
{
    char c[34];
    unsigned k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == ' ' || p[i] == '-')
            continue;
        if (iban_val(p[i]) < 0 || k == sizeof c)
            return false;
        c[k++] = p[i];
    }
    if (k < 15 || iban_val(c[0]) < 10 || iban_val(c[1]) < 10 || iban_val(c[2]) > 9 ||
        iban_val(c[3]) > 9)
        return false;
    char cc[3] = { (char)(c[0] & ~0x20), (char)(c[1] & ~0x20), 0 };
    for (size_t i = 0; i < IG_ARRAY_LEN(iban_len); i++)
        if (!memcmp(iban_len[i].cc, cc, 2) && iban_len[i].len != k)
            return false;
    unsigned rem = 0;
    for (unsigned i = 4; i < k + 4; i++)
        rem = mod97_step(rem, iban_val(c[i % k]));
    return rem == 1;
}

bool ig_valid_ssn(const char *p, size_t n)
{
    char d[9];
    unsigned nd = 0;
    char sep = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            if (nd == 9)
                return false;
            d[nd++] = p[i];
        } else if (p[i] == '-' || p[i] == ' ' || p[i] == '.') {
            /* separators only after the area and the group, and the same both times */
            if ((nd != 3 && nd != 5) || (sep && sep != p[i]) || (nd == 5 && !sep))
                return false;
            sep = p[i];
        } else
            return false;
    }
    if (nd != 9)
        return false;
    unsigned area = prefix(d, 3), group = prefix(d + 3, 2), serial = prefix(d + 5, 4);
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
        return false;
    for (unsigned i = 1; i < 9; i++)
        if (d[i] != d[0])
            return true;
    return false;
}

double ig_entropy(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    unsigned cnt[256] = { 0 };
    for (size_t i = 0; i < n; i++)
        cnt[(uint8_t)p[i]]++;
    double h = 0;
    for (int i = 0; i < 256; i++) {
        if (!cnt[i])
            continue;
        double q = (double)cnt[i] / (double)n;
        h -= q * log2(q);
    }
    return h;
}

/* Does the base64url part decode to a JSON object ('{' ... '}', printable)? */
static bool b64u_json(const char *p, size_t n)
{
    if (n < 4 || n % 4 == 1)
        return false;
    uint32_t acc = 0;
    int bits = 0;
    char first = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        int v = ig_b64_val((uint8_t)p[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char c = (char)(uint8_t)(acc >> bits);
            if ((uint8_t)c < 0x20 && c != '\n' && c != '\r' && c != '\t')
                return false;
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
                continue;
            if (!first)
                first = c;
            last = c;
        }
    }
    return first == '{' && last == '}';
}

bool ig_valid_jwt(const char *p, size_t n)
{
    const char *d1 = memchr(p, '.', n);
    if (!d1)
        return false;
    const char *d2 = memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - p));
    if (!d2)
        return false;
    for (const char *q = d2 + 1; q < p + n; q++)
        if (ig_b64_val((uint8_t)*q) < 0 && *q != '=')
            return false;
    return b64u_json(p, (size_t)(d1 - p)) && b64u_json(d1 + 1, (size_t)(d2 - d1 - 1));
}

bool ig_aws_example(const char *p, size_t n)
{
    return n >= 7 && !memcmp(p + n - 7, "EXAMPLE", 7);
}

static bool ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

bool ig_reserved_email(const char *p, size_t n)
{
    const char *at = memchr(p, '@', n);
    if (!at)
        return false;
    const char *d = at + 1;
    size_t dn = n - (size_t)(d - p);
    static const char *const names[] = { "example.com", "example.net", "example.org" };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t l = strlen(names[k]);
        /* the name itself or a subdomain of it: "example.com", "mail.example.com" */
        if (dn >= l && ieq(d + dn - l, names[k], l) && (dn == l || d[dn - l - 1] == '.'))
            return true;
    }
    return false;
}

bool ig_has_context(const char *p, size_t n, const char *words)
{
    while (words && *words) {
        const char *e = strchr(words, '|');
        size_t wl = e ? (size_t)(e - words) : strlen(words);
        for (size_t i = 0; wl && i + wl <= n; i++)
            if (ieq(p + i, words, wl))
                return true;
        words = e ? e + 1 : NULL;
    }
    return false;
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); } while (0)

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

uint64_t ig_siphash(const uint8_t key[16], const void *data, size_t n)
{
    const uint8_t *p = data;
    uint64_t k0 = le64(key), k1 = le64(key + 8);
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    size_t full = n & ~(size_t)7;
    for (size_t i = 0; i < full; i += 8) {
        uint64_t m = le64(p + i);
        v3 ^= m;
        SIPROUND; SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)n << 56;
    for (size_t i = 0; i < (n & 7); i++)
        b |= (uint64_t)p[full + i] << (8 * i);
    v3 ^= b;
    SIPROUND; SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND; SIPROUND; SIPROUND; SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

void ig_text_mask(const char *p, size_t n, const uint8_t key[16], char *out, size_t outlen)
{
    uint64_t h = ig_siphash(key, p, n);
    if (n <= 8)
        snprintf(out, outlen, "*** (%zu chars) #%016llx", n, (unsigned long long)h);
    else
        snprintf(out, outlen, "%c%c...%c%c (%zu chars) #%016llx", p[0], p[1], p[n - 2],
                 p[n - 1], n, (unsigned long long)h);
    /* a masked sample must stay printable JSON-safe text: neutralise odd bytes */
    for (char *q = out; *q; q++)
        if ((uint8_t)*q < 0x20 || (uint8_t)*q >= 0x7f || *q == '"' || *q == '\\')
            *q = '?';
}

int ig_evidence_key(const struct ig_rules *r, uint8_t key[16], char *err, size_t errlen)
{
    char hk[256];   /* none ships (rules/schema.md: hash_key) */
    int rc = ig_rules_secret(r, "leakage.secrets", "hash_key", "INFERGUARD_EVIDENCE_KEY", hk,
                             sizeof hk, err, errlen);
    if (rc != IG_OK)
        return rc;
    static const uint8_t k0[16] = { 0 }, k1[16] = { 1 };
    uint64_t a = ig_siphash(k0, hk, strlen(hk)), b = ig_siphash(k1, hk, strlen(hk));
    memcpy(key, &a, 8);
    memcpy(key + 8, &b, 8);
    return IG_OK;
}
