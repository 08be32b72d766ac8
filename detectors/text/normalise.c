/* Text normalisation: see normalise.h for what is covered and why. */
#include "normalise.h"

#include <string.h>

#include <inferguard/cpu.h>

int32_t ig_utf8_next(const uint8_t *p, size_t n, size_t *len)
{
    uint8_t c = p[0];
    *len = 1;
    if (c < 0x80)
        return c;
    size_t need;
    int32_t cp, min;
    if ((c & 0xe0) == 0xc0) { need = 2; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { need = 3; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { need = 4; cp = c & 0x07; min = 0x10000; }
    else return -1;
    if (n < need)
        return -1;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* overlong forms and surrogates are how filters get bypassed: reject them */
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *len = need;
    return cp;
}

/* Latin-1 Supplement letters U+00C0-00FF to their base letter ('\0' = keep). */
static const char latin1[64] =
    "AAAAAAACEEEEIIII" "DNOOOOO\0OUUUUYTs"
    "aaaaaaaceeeeiiii" "dnooooo\0ouuuuyty";

/* Latin Extended-A U+0100-017F (Polish, Czech, Turkish, Baltic ... letters) to their base
 * letter: "ograniczeń" is "ograniczen", "talimatları" is "talimatlari". */
static const char latin_ext_a[129] =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSs"
    "SsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/* Cyrillic U+0400-045F that look Latin ('\0' = keep). */
static const char cyr[96] = {
    'E', 'E', 0, 0, 0, 'S', 'I', 'I', 'J', 0, 0, 0, 0, 0, 0, 0,
    'A', 0, 'B', 0, 0, 'E', 0, 0, 0, 0, 'K', 0, 'M', 'H', 'O', 0,
    'P', 'C', 'T', 'Y', 0, 'X', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    'a', 0, 0, 0, 0, 'e', 0, 0, 0, 0, 0, 0, 0, 0, 'o', 0,
    'p', 'c', 0, 'y', 0, 'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    'e', 'e', 0, 0, 0, 's', 'i', 'i', 'j', 0, 0, 0, 0, 0, 0, 0,
};

/* Greek U+0391-03C9 that look Latin ('\0' = keep). */
static const char greek[57] = {
    'A', 'B', 0, 0, 'E', 'Z', 'H', 0, 'I', 'K', 0, 'M', 'N', 0, 'O', 0,
    'P', 0, 0, 'T', 'Y', 0, 'X', 0, 0, 0, 0, 0, 0, 0, 0, 0,
    'a', 0, 0, 0, 'e', 0, 0, 0, 'i', 'k', 0, 0, 'v', 0, 'o', 0,
    'p', 0, 0, 't', 'u', 0, 'x', 0, 0,
};

/* A Greek letter with tonos or dialytika (either case) or the final sigma: its plain small
 * letter, or 0. Greek is written with and without accents, and capitals drop them ("ΞΕΧΑΣΕ
 * ΤΟΥΣ ΚΑΝΟΝΕΣ", "ξεχασε τους κανονες", "ξέχασε τους κανόνες" are one phrase); a capital
 * sigma is small "σ" wherever it stands. */
static uint32_t greek_plain(uint32_t cp)
{
    switch (cp) {
    case 0x386: case 0x3ac: return 0x3b1;
    case 0x388: case 0x3ad: return 0x3b5;
    case 0x389: case 0x3ae: return 0x3b7;
    case 0x38a: case 0x3af: case 0x390: case 0x3aa: case 0x3ca: return 0x3b9;
    case 0x38c: case 0x3cc: return 0x3bf;
    case 0x38e: case 0x3cd: case 0x3b0: case 0x3ab: case 0x3cb: return 0x3c5;
    case 0x38f: case 0x3ce: return 0x3c9;
    case 0x3c2: return 0x3c3;
    default: return 0;
    }
}

int ig_text_fold_cp(uint32_t cp, char out[4])
{
    if (cp < 0x80)
        return -1;
    /* removed: soft hyphen, CGJ, Mongolian vowel separator, zero-width, bidi controls,
     * word joiners and invisible operators, BOM, tag characters (the normaliser itself
     * turns printable tag characters into the ASCII they hide) */
    if (cp == 0xad || cp == 0x34f || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
        (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff ||
        (cp >= 0xe0000 && cp <= 0xe007f))
        return 0;
    if (cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000) {
        out[0] = ' ';
        return 1;
    }
    /* removed as accents are: combining diacritics (decomposed accents), Arabic short
     * vowels, shadda, sukun, superscript alef and tatweel (texts write them or not) */
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x64b && cp <= 0x65f) || cp == 0x670 || cp == 0x640)
        return 0;
    char c = 0;
    if (cp == 0xdf) {            /* sharp s: "außer" is "ausser" */
        out[0] = out[1] = 's';
        return 2;
    }
    if (cp >= 0xc0 && cp <= 0xff)
        c = latin1[cp - 0xc0];
    else if (cp >= 0x100 && cp <= 0x17f)
        c = latin_ext_a[cp - 0x100];
    else if (cp == 0xb2 || cp == 0xb3)
        c = (char)('2' + (cp - 0xb2));
    else if (cp == 0xb9)
        c = '1';
    else if (cp >= 0x218 && cp <= 0x21b)   /* Romanian s, t with comma below */
        c = "SsTt"[cp - 0x218];
    else if (cp == 0x1a0 || cp == 0x1a1)   /* Vietnamese horned o, u */
        c = cp == 0x1a0 ? 'O' : 'o';
    else if (cp == 0x1af || cp == 0x1b0)
        c = cp == 0x1af ? 'U' : 'u';
    else if (cp >= 0x1ea0 && cp <= 0x1ef9) {
        /* Vietnamese letters with tone marks (Latin Extended Additional): capital, small,
         * in runs per base letter */
        static const struct { uint16_t to; char b; } vi[] = {
            { 0x1eb7, 'a' }, { 0x1ec7, 'e' }, { 0x1ecb, 'i' }, { 0x1ee3, 'o' }, { 0x1ef1, 'u' }, { 0x1ef9, 'y' },
        };
        for (size_t k = 0; k < IG_ARRAY_LEN(vi); k++)
            if (cp <= vi[k].to) {
                c = (char)((cp & 1) ? vi[k].b : vi[k].b - 32);
                break;
            }
    }
    else if (greek_plain(cp)) {
        uint32_t b = greek_plain(cp);
        c = greek[b - 0x391];
        if (!c) {   /* (no Latin look-alike: the plain Greek letter, 2 bytes as the input) */
            out[0] = (char)(0xc0 | (b >> 6));
            out[1] = (char)(0x80 | (b & 0x3f));
            return 2;
        }
    } else if (cp >= 0x391 && cp <= 0x3c9)
        c = greek[cp - 0x391];
    else if (cp >= 0x400 && cp <= 0x45f)
        c = cyr[cp - 0x400];
    else if (cp == 0x4bb)
        c = 'h';
    else if (cp == 0x4cf || cp == 0x4c0)
        c = 'l';
    else if (cp == 0x501)
        c = 'd';
    else if (cp == 0x51b)
        c = 'q';
    else if (cp == 0x51d)
        c = 'w';
    else if (cp == 0x2070)
        c = '0';
    else if (cp == 0x2071)
        c = 'i';
    else if (cp >= 0x2074 && cp <= 0x2079)
        c = (char)('4' + (cp - 0x2074));
    else if (cp == 0x207f)
        c = 'n';
    else if (cp >= 0x2080 && cp <= 0x2089)
        c = (char)('0' + (cp - 0x2080));
    else if (cp >= 0x2090 && cp <= 0x209c) {
        static const char sub[] = "aeoxehklmnpst";
        c = sub[cp - 0x2090];
    } else if (cp >= 0x2102 && cp <= 0x2139) {
        switch (cp) {
        case 0x2102: case 0x212d: c = 'C'; break;
        case 0x210a: c = 'g'; break;
        case 0x210b: case 0x210c: case 0x210d: c = 'H'; break;
        case 0x210e: c = 'h'; break;
        case 0x2110: case 0x2111: c = 'I'; break;
        case 0x2112: c = 'L'; break;
        case 0x2113: c = 'l'; break;
        case 0x2115: c = 'N'; break;
        case 0x2119: c = 'P'; break;
        case 0x211a: c = 'Q'; break;
        case 0x211b: case 0x211c: case 0x211d: c = 'R'; break;
        case 0x2124: c = 'Z'; break;
        case 0x212c: c = 'B'; break;
        case 0x212f: c = 'e'; break;
        case 0x2130: c = 'E'; break;
        case 0x2131: c = 'F'; break;
        case 0x2133: c = 'M'; break;
        case 0x2134: c = 'o'; break;
        case 0x2139: c = 'i'; break;
        default: break;
        }
    } else if (cp >= 0x2460 && cp <= 0x2468)
        c = (char)('1' + (cp - 0x2460));
    else if (cp >= 0x24b6 && cp <= 0x24cf)
        c = (char)('A' + (cp - 0x24b6));
    else if (cp >= 0x24d0 && cp <= 0x24e9)
        c = (char)('a' + (cp - 0x24d0));
    else if (cp >= 0xfb00 && cp <= 0xfb06) {
        static const char *const lig[] = { "ff", "fi", "fl", "ffi", "ffl", "st", "st" };
        size_t l = strlen(lig[cp - 0xfb00]);
        memcpy(out, lig[cp - 0xfb00], l);
        return (int)l;
    } else if (cp >= 0xff01 && cp <= 0xff5e)
        c = (char)(cp - 0xfee0);
    else if (cp >= 0x1d400 && cp <= 0x1d6a3) {
        /* 13 styled alphabets of 52 letters (a few are holes that Unicode moved to the
         * letterlike block; mapping them anyway is harmless) */
        uint32_t k = (cp - 0x1d400) % 52;
        c = (char)(k < 26 ? 'A' + k : 'a' + (k - 26));
    } else if (cp >= 0x1d7ce && cp <= 0x1d7ff)
        c = (char)('0' + (cp - 0x1d7ce) % 10);
    if (!c)
        return -1;
    out[0] = c;
    return 1;
}

/* Base64 alphabet (standard and URL-safe), as a table: the run scan touches every byte. */
static const uint8_t b64_set[256] = {
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
    ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
    ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
    ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['+'] = 1, ['/'] = 1,
    ['-'] = 1, ['_'] = 1,
};

static inline bool is_b64(uint8_t c)
{
    return b64_set[c];
}

static int b64val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

struct norm_state {
    size_t o;
    bool space;          /* last byte out was whitespace (true at the start: trims) */
};

/* Writes one ASCII byte under <flags>. */
static inline void put_ascii(uint8_t *out, struct norm_state *st, uint8_t c, unsigned flags)
{
    if ((flags & IG_NORM_LOWER) && c >= 'A' && c <= 'Z')
        c = (uint8_t)(c + 32);
    if (flags & IG_NORM_PUNCT) {
        if (c == '\'' || c == '`')
            return;
        if ((c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
            (c >= 0x7b && c <= 0x7e))
            c = ' ';
    }
    if (flags & IG_NORM_WS) {
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            bool nl = (flags & IG_NORM_NL) && (c == '\n' || c == '\r');
            if (st->space) {
                /* one byte per run; a run holding a line break becomes one */
                if (nl && st->o > 0)
                    out[st->o - 1] = '\n';
                return;
            }
            st->space = true;
            out[st->o++] = nl ? '\n' : ' ';
            return;
        }
        st->space = false;
    }
    out[st->o++] = c;
}

/* One pass of the per-character work. <out> may equal <in>: the write position never
 * passes the read position because no mapping grows a code point. ASCII, the common case,
 * skips the UTF-8 decoder. */
static size_t norm_pass(const uint8_t *in, size_t n, uint8_t *out, unsigned flags, bool simd)
{
    struct norm_state st = { 0, true };
    size_t i = 0;
    bool in_tag = false; /* inside a run of tag characters */
    /* with IG_NORM_NL the SIMD pass stops before each line break: those take the scalar
     * rules (a whitespace run holding one becomes '\n') */
    while (i < n) {
        if (simd && in[i] < 0x80) {
            /* the ASCII run up to the next non-ASCII byte, 64 bytes at a time */
            size_t used = ig_norm_ascii_vbmi2(in + i, n - i, out, &st.o, &st.space, flags);
            i += used;
            in_tag = false;
            if (i >= n)
                break;
        }
        if (in[i] < 0x80) {
            put_ascii(out, &st, in[i++], flags);
            in_tag = false;
            continue;
        }
        size_t len;
        char rep[4];
        int rl = -1;
        int32_t cp = ig_utf8_next(in + i, n - i, &len);
        if (cp < 0) {
            i += 1;      /* invalid byte: dropped */
            continue;
        }
        if ((flags & IG_NORM_FOLD) && cp >= 0xe0020 && cp <= 0xe007e) {
            /* tag characters spell hidden ASCII ("ASCII smuggling"): surface it, set
             * apart from the visible text by a space (4 bytes in, at most 2 out) */
            rl = 0;
            if (!in_tag)
                rep[rl++] = ' ';
            rep[rl++] = (char)(cp - 0xe0000);
            in_tag = true;
        } else {
            in_tag = false;
            if (flags & IG_NORM_LOWER) {
                /* Cyrillic, Greek and Armenian capitals (2 bytes either way); the extended
                 * Cyrillic of Kazakh, Tatar, Ukrainian ... (Ұ Қ Ң Ә Ө Ү Ғ Ґ: capital even,
                 * small the next) */
                int32_t lc = cp;
                if (cp >= 0x410 && cp <= 0x42f)
                    lc = cp + 0x20;
                else if (cp >= 0x400 && cp <= 0x40f)
                    lc = cp + 0x50;
                else if (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2)
                    lc = cp + 0x20;
                else if (cp >= 0x531 && cp <= 0x556)
                    lc = cp + 0x30;
                else if (((cp >= 0x490 && cp <= 0x4bf) || (cp >= 0x4d0 && cp <= 0x4ff)) && !(cp & 1))
                    lc = cp + 1;
                if (lc != cp) {
                    cp = lc;
                    if (!(flags & IG_NORM_FOLD) || (rl = ig_text_fold_cp((uint32_t)cp, rep)) < 0) {
                        out[st.o++] = (uint8_t)(0xc0 | (cp >> 6));
                        out[st.o++] = (uint8_t)(0x80 | (cp & 0x3f));
                        i += len;
                        st.space = false;
                        continue;
                    }
                }
            }
            if (rl < 0 && (flags & IG_NORM_FOLD))
                rl = ig_text_fold_cp((uint32_t)cp, rep);
        }
        if (rl < 0) {
            memmove(out + st.o, in + i, len);
            st.o += len;
            i += len;
            st.space = false;
            continue;
        }
        i += len;
        for (int k = 0; k < rl; k++)
            put_ascii(out, &st, (uint8_t)rep[k], flags);
    }
    if ((flags & IG_NORM_WS) && st.o > 0 && (out[st.o - 1] == ' ' || out[st.o - 1] == '\n'))
        st.o--;
    return st.o;
}

/* Decodes the Base64 run in[0..n) into out (room for 3n/4); returns the byte count. */
static size_t b64_decode(const uint8_t *in, size_t n, uint8_t *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val(in[i]);
        if (v < 0)
            break;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return o;
}

/* Mostly printable text (ASCII printable or UTF-8 lead/continuation bytes)? */
static bool mostly_text(const uint8_t *p, size_t n)
{
    size_t good = 0;
    for (size_t i = 0; i < n; i++)
        good += (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\t' || p[i] >= 0x80;
    return n > 0 && good * 10 >= n * 9;
}

/* Base32 (RFC 4648: A-Z, 2-7, '=' padding) decoded into out (room for 5n/8); 0 when
 * in[0..n) holds any other byte. */
static size_t b32_decode(const uint8_t *in, size_t n, uint8_t *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = in[i];
        int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : c == '=' ? -2 : -1;
        if (v == -1)
            return 0;
        if (v == -2)
            continue;
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return o;
}

/* Text in the strict sense: nine bytes in ten printable ASCII or valid UTF-8 beyond ASCII
 * (mostly_text() passes any byte >= 0x80, so random bytes often pass it). */
bool ig_text_is_utf8_text(const uint8_t *p, size_t n)
{
    size_t ok = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            ok += (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\t';
            i++;
            continue;
        }
        size_t len;
        if (ig_utf8_next(p + i, n - i, &len) >= 0x80)
            ok += len;
        i += len;
    }
    return n && ok * 10 >= n * 9;
}

/* A run of the Base64 alphabet decoded: as Base64, or, when that is no text and the run
 * is in Base32's alphabet (upper case and 2-7 only: "JFTW433SMUQG..."), as Base32 when
 * that decodes to text in the strict sense (a run of capitals and digits is common in
 * ids and keys). The decoded bytes, or 0. */
static size_t run_decode(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t dn = b64_decode(in, n, out);
    if (mostly_text(out, dn))
        return dn;
    dn = b32_decode(in, n, out);
    return ig_text_is_utf8_text(out, dn) ? dn : 0;
}

size_t ig_text_b64_next_bytewise(const uint8_t *in, size_t n, size_t *pos, uint8_t *dec, size_t *at)
{
    for (size_t i = *pos; i < n;) {
        if (!is_b64(in[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n && is_b64(in[i]))
            i++;
        if (i - s < IG_NORM_B64_MIN)
            continue;
        size_t dn = run_decode(in + s, i - s, dec);
        if (!dn)
            continue;
        *pos = i;
        *at = s;
        return dn;
    }
    *pos = n;
    return 0;
}

size_t ig_text_b64_next(const uint8_t *in, size_t n, size_t *pos, uint8_t *dec, size_t *at)
{
    /* A run of IG_NORM_B64_MIN or more starting at or after lo covers lo + MIN - 1: probe
     * that byte alone and skip MIN bytes when it is not Base64 (prose: words are short). */
    const size_t L = IG_NORM_B64_MIN;
    for (size_t lo = *pos; lo + L <= n;) {
        size_t p = lo + L - 1;
        if (!is_b64(in[p])) {
            lo = p + 1;
            continue;
        }
        size_t s = p, e = p + 1;
        while (s > lo && is_b64(in[s - 1]))
            s--;
        while (e < n && is_b64(in[e]))
            e++;
        lo = e;
        if (e - s < L)
            continue;
        size_t dn = run_decode(in + s, e - s, dec);
        if (!dn)
            continue;
        *pos = e;
        *at = s;
        return dn;
    }
    *pos = n;
    return 0;
}

static bool have_vbmi2(void)
{
#if defined(__x86_64__)
    return ig_cpu_level() >= IG_CPU_AVX512 && __builtin_cpu_supports("avx512vbmi2");
#else
    return false;
#endif
}

size_t ig_text_normalise(const uint8_t *in, size_t n, uint8_t *out, size_t cap, unsigned flags)
{
    return ig_text_normalise_path(in, n, out, cap, flags, have_vbmi2());
}

size_t ig_text_normalise_path(const uint8_t *in, size_t n, uint8_t *out, size_t cap, unsigned flags,
                              bool simd)
{
    simd = simd && have_vbmi2();
    if (!(flags & IG_NORM_B64) || out == in) {
        size_t m = IG_MIN(n, cap);
        return norm_pass(in, m, out, flags, simd);
    }
    size_t m = IG_MIN(n, cap);
    size_t o = norm_pass(in, m, out, flags, simd);
    for (size_t i = 0; i < n;) {
        if (!is_b64(in[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < n && is_b64(in[i]))
            i++;
        size_t run = i - s;
        if (run < IG_NORM_B64_MIN)
            continue;
        size_t dec = run / 4 * 3 + 3;
        if (o + 3 + dec > cap)
            break;
        uint8_t *d = out + o + 3;
        size_t dn = run_decode(in + s, run, d);
        if (!dn)
            continue;
        memcpy(out + o, " \n ", 3);
        size_t w = norm_pass(d, dn, d, flags, simd);
        o += 3 + w;
    }
    return o;
}
