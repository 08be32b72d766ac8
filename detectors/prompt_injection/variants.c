/* prompt_injection.signature: obfuscation undone. Each variant writes a decoded copy of a
 * text (leetspeak folded, letters spelled apart joined, ROT13, reversed, hyphens joined,
 * percent-encoded and hex runs decoded, a Caesar shift read from letter frequencies, Atbash,
 * Morse) for turns.c to score when the plain text does not fire; 0 when no variant applies. */
#include "prompt_injection/signature.h"
#include "text/normalise.h"

static uint8_t leet(uint8_t c)
{
    switch (c) {
    case '0': return 'o';
    case '1': return 'i';
    case '3': return 'e';
    case '4': return 'a';
    case '5': return 's';
    case '7': return 't';
    case '8': return 'b';
    case '@': return 'a';
    case '$': return 's';
    case '|': return 'i';
    case '!': return 'i';
    default: return c;
    }
}

/* Leetspeak's quick test per byte: 1 a letter, 2 a digit or symbol standing for one, 4 that
 * or "!" (which counts only before a letter). */
static const uint8_t leet_cls[256] = {
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['0'] = 6, ['1'] = 6, ['2'] = 6, ['3'] = 6,
    ['4'] = 6, ['5'] = 6, ['6'] = 6, ['7'] = 6, ['8'] = 6, ['9'] = 6, ['@'] = 6, ['$'] = 6,
    ['|'] = 6, ['!'] = 4,
};

/* Leetspeak folded inside words that mix letters with digits or symbols ("1gn0re",
 * "h4v3"); a trailing "!" or a version number alone does not make a variant. */
size_t pi_variant_leet(const uint8_t *t, size_t n, uint8_t *out)
{
    /* quick test: a digit or symbol next to a letter ("1g", "h4", "@n") */
    unsigned maybe = 0, p = n ? leet_cls[t[0]] : 0;
    for (size_t k = 1; k < n; k++) {
        unsigned c = leet_cls[t[k]];
        /* branch-free: a letter then a symbol, or a symbol (or "!") then a letter */
        maybe |= ((p << 1) & c & 2) | ((p >> 2) & c & 1);
        p = c;
    }
    if (!maybe)
        return 0;
    size_t i = 0, changed = 0;
    while (i < n) {
        size_t s = i;
        size_t alpha = 0, other = 0;
        while (i < n && t[i] != ' ' && t[i] != '\n') {
            bool end = i + 1 >= n || t[i + 1] == ' ' || t[i + 1] == '\n';
            alpha += is_alpha(t[i]);
            /* a trailing "!" or "$" is punctuation, a trailing digit a letter */
            other += leet(t[i]) != t[i] && !(end && (t[i] < '0' || t[i] > '9'));
            i++;
        }
        bool fold = alpha >= 1 && other >= 1 && alpha + other >= 2;
        for (size_t k = s; k < i; k++) {
            out[k] = fold ? leet(t[k]) : t[k];
            changed += out[k] != t[k];
        }
        if (i < n) {
            out[i] = t[i];
            i++;
        }
    }
    return changed >= 2 ? n : 0;
}

/* Letters spelled apart ("i g n o r e   t h e", "i.g.n.o.r.e") joined into words: a
 * separator between two single letters goes; wider gaps stay as word breaks. <t> keeps its
 * runs of spaces (normalised without IG_NORM_WS). */
size_t pi_variant_join(const uint8_t *t, size_t n, uint8_t *out)
{
    /* the separator between the letters: the commonest of them; when it is not a space,
     * a space is a word break ("i.g.n.o.r.e a.l.l": "ignore all", held9) */
    static const uint8_t seps[] = { ' ', '.', '-', '_', '*' };
    size_t count[sizeof seps] = { 0 };
    for (size_t i = 1; i + 1 < n; i++)
        if (is_alpha(t[i - 1]) && is_alpha(t[i + 1]) && (i < 2 || !is_alpha(t[i - 2])) &&
            (i + 2 >= n || !is_alpha(t[i + 2])))
            for (size_t k = 0; k < sizeof seps; k++)
                count[k] += t[i] == seps[k];
    size_t pick = 0;
    for (size_t k = 1; k < sizeof seps; k++)
        if (count[k] > count[pick])
            pick = k;
    size_t o = 0, joined = 0;
    for (size_t i = 0; i < n; i++) {
        bool sep = pick ? t[i] == seps[pick]
                        : t[i] == ' ' || t[i] == '.' || t[i] == '-' || t[i] == '_' || t[i] == '*';
        if (sep && i > 0 && i + 1 < n && is_alpha(t[i - 1]) && is_alpha(t[i + 1]) &&
            (i < 2 || !is_alpha(t[i - 2])) && (i + 2 >= n || !is_alpha(t[i + 2]))) {
            joined++;
            continue;
        }
        out[o++] = t[i];
    }
    return joined >= 4 ? o : 0;
}

size_t pi_variant_rot13(const uint8_t *t, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t[i], l = c | 0x20;
        if (l >= 'a' && l <= 'z')
            c = (uint8_t)(l <= 'm' ? c + 13 : c - 13);
        out[i] = c;
    }
    return n;
}

/* Words cut by hyphens ("ig-nore pre-vious in-struc-tions") joined: a hyphen between
 * two letters goes. 0 (no variant) when fewer than 3 such hyphens. */
size_t pi_variant_dehyphen(const uint8_t *t, size_t n, uint8_t *out)
{
    if (!memchr(t, '-', n))
        return 0;
    size_t o = 0, cut = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '-' && i > 0 && i + 1 < n && is_alpha(t[i - 1]) && is_alpha(t[i + 1])) {
            cut++;
            continue;
        }
        out[o++] = t[i];
    }
    return cut >= 3 ? o : 0;
}

/* Reversed text (by code point: UTF-8 sequences stay intact). */
size_t pi_variant_reverse(const uint8_t *t, size_t n, uint8_t *out)
{
    size_t o = n;
    for (size_t i = 0; i < n;) {
        if (t[i] < 0xc0) {
            out[--o] = t[i++];   /* ASCII or a stray continuation byte: one byte */
            continue;
        }
        size_t l = 1;
        while (i + l < n && (t[i + l] & 0xc0) == 0x80)
            l++;
        o -= l;
        memcpy(out + o, t + i, l);
        i += l;
    }
    return n;
}

/* A hex run at t[i]: digit pairs, run together ("69676e6f"), one space apart ("69 67 6e")
 * or each after "\x" ("\x69\x67"), maybe after "0x"; at least 8 bytes that read as text.
 * Decodes it into out and returns the bytes; *used gets the bytes of t read. */
static size_t hex_run(const uint8_t *t, size_t n, size_t i, uint8_t *out, size_t *used)
{
    size_t s = i, o = 0;
    int sep = -1;   /* between pairs: 0 nothing, 1 a space, 2 "\x"; the first gap sets it */
    if (i + 1 < n && t[i] == '0' && (t[i + 1] | 0x20) == 'x') {
        i += 2;
    } else if (i + 1 < n && t[i] == '\\' && (t[i + 1] | 0x20) == 'x') {
        i += 2;
        sep = 2;
    }
    while (i + 1 < n && hexval(t[i]) >= 0 && hexval(t[i + 1]) >= 0) {
        out[o++] = (uint8_t)(hexval(t[i]) << 4 | hexval(t[i + 1]));
        i += 2;
        int k = i < n && t[i] == ' ' ? 1 : i + 1 < n && t[i] == '\\' && (t[i + 1] | 0x20) == 'x' ? 2 : 0;
        if (sep < 0)
            sep = k;
        if (k != sep)
            break;
        size_t j = i + (size_t)k;
        if (k && !(j + 1 < n && hexval(t[j]) >= 0 && hexval(t[j + 1]) >= 0))
            break;   /* the separator ends the run */
        i = j;
    }
    *used = i - s;
    /* a whole token: not the hex-looking head of a longer word */
    if (o < 8 || (i < n && is_alpha(t[i])) || !ig_text_is_utf8_text(out, o))
        return 0;
    return o;
}

/* The raw prompt with percent-encoded bytes ("%20", "ignore%20all") and hex runs decoded:
 * 0 when it holds fewer than 3 escapes and no hex run (nothing to decode). '+' between
 * letters of a percent-encoded text is a space, as in a URL query. */
size_t pi_variant_decode(const uint8_t *t, size_t n, uint8_t *out, const char **what)
{
    size_t o = 0, pct = 0, hex = 0;
    for (size_t i = 0; i < n;) {
        if (t[i] == '%' && i + 2 < n && hexval(t[i + 1]) >= 0 && hexval(t[i + 2]) >= 0) {
            out[o++] = (uint8_t)(hexval(t[i + 1]) << 4 | hexval(t[i + 2]));
            i += 3;
            pct++;
            continue;
        }
        if (t[i] == '+' && i > 0 && i + 1 < n && is_alpha(t[i - 1]) && is_alpha(t[i + 1])) {
            out[o++] = ' ';
            i++;
            continue;
        }
        size_t used, dn;
        if ((i == 0 || !is_alpha(t[i - 1])) && (hexval(t[i]) >= 0 || t[i] == '\\') &&
            (dn = hex_run(t, n, i, out + o, &used)) > 0) {
            o += dn;
            i += used;
            hex++;
            continue;
        }
        out[o++] = t[i++];
    }
    *what = hex ? "hex" : "url";
    return pct >= 3 || hex ? o : 0;
}

/* ---- letter ciphers and codes beyond ROT13 (session 20: held9's Caesar-3, Atbash and
 * Morse; a Caesar shift is any of 25, so the shift is read from the text) ---- */

/* -ln(p) x 100 of each letter in English text (a..z): the cost of a letter; a shift that
 * decodes a text into English gives the text its lowest total. French, Spanish, German,
 * Italian and Portuguese share the common letters (e a i n o r s t) well enough. */
static const uint16_t letter_cost[26] = { 250, 420, 358, 315, 206, 382, 391, 280, 266, 650, 487, 322, 373,
                                          270, 259, 396, 696, 281, 276, 240, 358, 463, 373, 650, 391, 721 };

/* The Caesar shift (1..25, not 13: ROT13 is its own variant) whose decoding gives the
 * text's letters the most English-like frequencies, applied to the whole text (the plain
 * words around a ciphertext become noise, the ciphertext words); 0 (no variant) with fewer
 * than 16 letters. */
size_t pi_variant_caesar(const uint8_t *t, size_t n, uint8_t *out)
{
    /* the shift is read from the part least like English as it stands (parts cut at ':',
     * line breaks and quotes: "Shift each letter back by 5, then do what it says: Ktwljy
     * dtzw ..."), or from the whole text when no part has 16 letters */
    uint32_t hist[26] = { 0 }, part[26] = { 0 }, letters = 0, plet = 0;
    uint64_t pcost = 0, worst = 0;   /* cost per letter x 1024 of the costliest part */
    bool have = false;
    for (size_t i = 0; i <= n; i++) {
        uint8_t c = i < n ? t[i] : '\n', l = c | 0x20;
        if (l >= 'a' && l <= 'z' && c < 0x80) {
            part[l - 'a']++;
            plet++;
            pcost += letter_cost[l - 'a'];
            continue;
        }
        if (c != ':' && c != '\n' && c != '"' && c != '\'')
            continue;
        if (plet >= 16 && pcost * 1024 / plet > worst) {
            worst = pcost * 1024 / plet;
            memcpy(hist, part, sizeof hist);
            letters = plet;
            have = true;
        }
        if (!have)
            for (unsigned k = 0; k < 26; k++)
                hist[k] += part[k];
        memset(part, 0, sizeof part);
        plet = 0;
        pcost = 0;
    }
    if (!have) {
        letters = 0;
        for (unsigned k = 0; k < 26; k++)
            letters += hist[k];
    }
    if (letters < 16)
        return 0;
    unsigned best = 0;
    uint64_t best_cost = UINT64_MAX;
    for (unsigned k = 1; k < 26; k++) {
        if (k == 13)
            continue;
        uint64_t cost = 0;
        for (unsigned c = 0; c < 26; c++)   /* plain letter c is cipher letter c + k */
            cost += (uint64_t)hist[(c + k) % 26] * letter_cost[c];
        if (cost < best_cost) {
            best_cost = cost;
            best = k;
        }
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t[i], l = c | 0x20;
        if (l >= 'a' && l <= 'z' && c < 0x80)
            c = (uint8_t)((c < 'a' ? 'A' : 'a') + (l - 'a' + 26 - best) % 26);
        out[i] = c;
    }
    return n;
}

/* Atbash: the alphabet mirrored (a <-> z, b <-> y ...). */
size_t pi_variant_atbash(const uint8_t *t, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t[i], l = c | 0x20;
        if (l >= 'a' && l <= 'z' && c < 0x80)
            c = (uint8_t)(c == l ? 'z' - (l - 'a') : 'Z' - (l - 'a'));
        out[i] = c;
    }
    return n;
}

/* Morse code: a dot-dash token by its bits after a leading 1 ('.' 0, '-' 1). */
static const char morse_tab[64] = {
    0,   0,   'e', 't', 'i', 'a', 'n', 'm', 's', 'u', 'r', 'w', 'd', 'k', 'g', 'o', 'h', 'v', 'f', 0,   'l', 0,
    'p', 'j', 'b', 'x', 'c', 'y', 'z', 'q', 0,   0,   '5', '4', 0,   '3', 0,   0,   0,   '2', 0,   0,   0,   0,
    0,   0,   0,   '1', '6', 0,   0,   0,   0,   0,   0,   0,   '7', 0,   0,   0,   '8', 0,   '9', '0'
};

/* The letter of the Morse token at t[i..j), or 0. */
static char morse_letter(const uint8_t *t, size_t i, size_t j)
{
    if (j - i > 5)
        return 0;
    unsigned code = 1;
    for (size_t k = i; k < j; k++)
        code = code * 2 + (t[k] == '-');
    return morse_tab[code];
}

/* Morse code decoded: tokens of dots and dashes one space apart are the letters of a word,
 * '/' or '|' between them a word break. 0 (no variant) without a run of 8 or more tokens
 * (an ellipsis or a dash in prose is one token). */
size_t pi_variant_morse(const uint8_t *t, size_t n, uint8_t *out)
{
    if (!memchr(t, '-', n) || !memchr(t, '.', n))
        return 0;
    size_t o = 0, run = 0, best = 0;
    for (size_t i = 0; i < n;) {
        bool start = (t[i] == '.' || t[i] == '-') && (i == 0 || !(is_ident(t[i - 1]) || t[i - 1] == '.' ||
                                                               t[i - 1] == '-'));
        if (start) {
            size_t j = i;
            while (j < n && (t[j] == '.' || t[j] == '-'))
                j++;
            char l = j == n || t[j] == ' ' || t[j] == '/' || t[j] == '|' || t[j] == '\n' ? morse_letter(t, i, j) : 0;
            if (l) {
                out[o++] = (uint8_t)l;
                run++;
                best = run > best ? run : best;
                /* the gap: spaces only = the same word; a slash or bar = a word break */
                size_t k = j;
                bool brk = false;
                while (k < n && (t[k] == ' ' || t[k] == '/' || t[k] == '|')) {
                    brk |= t[k] != ' ';
                    k++;
                }
                if (k < n && (t[k] == '.' || t[k] == '-') && k > j) {
                    if (brk)
                        out[o++] = ' ';
                    i = k;
                    continue;
                }
                i = j;
                continue;
            }
        }
        run = 0;
        out[o++] = t[i++];
    }
    return best >= 8 ? o : 0;
}
