/* Leading-atom gate for class-only patterns (gate.h): prefix parsing, the reference check
 * and dispatch. */
#include <string.h>

#include <inferguard/cpu.h>
#include "gate.h"

static void set_add(uint8_t *s, unsigned c)
{
    s[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static void set_range(uint8_t *s, unsigned lo, unsigned hi)
{
    for (unsigned c = lo; c <= hi; c++)
        set_add(s, c);
}

static bool is_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* \d \s \w and their complements (PCRE's byte meanings, which Hyperscan follows without
 * UTF-8/UCP flags); false for other letters. */
static bool esc_class(int e, uint8_t *s)
{
    uint8_t t[32] = { 0 };
    switch (e | 0x20) {
    case 'd': set_range(t, '0', '9'); break;
    case 's': set_add(t, ' '); set_range(t, '\t', '\r'); break;   /* \t \n \v \f \r */
    case 'w': set_range(t, '0', '9'); set_range(t, 'a', 'z'); set_range(t, 'A', 'Z'); set_add(t, '_'); break;
    default: return false;
    }
    bool neg = e >= 'A' && e <= 'Z';
    for (int i = 0; i < 32; i++)
        s[i] |= neg ? (uint8_t)~t[i] : t[i];
    return true;
}

/* One escaped byte: \n \t \r \f \v or a punctuation character; -1 otherwise. */
static int esc_byte(int e)
{
    switch (e) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return e && !is_alnum(e) && (unsigned char)e < 128 ? e : -1;
    }
}

/* A bracket class starting at p[*i] == '['; false when it uses syntax not handled here. */
static bool bracket(const char *p, size_t *i, uint8_t *s)
{
    size_t j = *i + 1;
    bool neg = p[j] == '^';
    if (neg)
        j++;
    uint8_t t[32] = { 0 };
    bool first = true;
    while (p[j] && (p[j] != ']' || first)) {
        first = false;
        int lo;
        if (p[j] == '[')
            return false;   /* [:alpha:] and friends */
        if (p[j] == '\\') {
            if (esc_class(p[j + 1], t)) {
                j += 2;
                continue;
            }
            if ((lo = esc_byte(p[j + 1])) < 0)
                return false;
            j += 2;
        } else {
            lo = (unsigned char)p[j++];
        }
        if (p[j] == '-' && p[j + 1] && p[j + 1] != ']') {
            int hi;
            if (p[j + 1] == '\\') {
                if ((hi = esc_byte(p[j + 2])) < 0)
                    return false;
                j += 3;
            } else if (p[j + 1] == '[') {
                return false;
            } else {
                hi = (unsigned char)p[j + 1];
                j += 2;
            }
            if (hi < lo)
                return false;
            set_range(t, (unsigned)lo, (unsigned)hi);
        } else {
            set_add(t, (unsigned)lo);
        }
    }
    if (p[j] != ']')
        return false;
    for (int k = 0; k < 32; k++)
        s[k] = neg ? (uint8_t)~t[k] : t[k];
    *i = j + 1;
    return true;
}

/* One atom at p[*i] into s; false at anything that ends the prefix. */
static bool atom(const char *p, size_t *i, uint8_t *s)
{
    char c = p[*i];
    if (c == '\\') {
        if (esc_class(p[*i + 1], s)) {
            *i += 2;
            return true;
        }
        int b = esc_byte(p[*i + 1]);
        if (b < 0)
            return false;
        set_add(s, (unsigned)b);
        *i += 2;
        return true;
    }
    if (c == '[')
        return bracket(p, i, s);
    if (!c || strchr("()|.^$?*+{}", c))
        return false;
    set_add(s, (unsigned char)c);
    (*i)++;
    return true;
}

static bool digits(const char *p, size_t *i, unsigned *v)
{
    if (p[*i] < '0' || p[*i] > '9')
        return false;
    unsigned x = 0;
    while (p[*i] >= '0' && p[*i] <= '9') {
        x = x * 10 + (unsigned)(p[*i] - '0');
        if (x > 100000)
            return false;
        (*i)++;
    }
    *v = x;
    return true;
}

/* A quantifier at p[*i] (none: exactly once); false when malformed. */
static bool quant(const char *p, size_t *i, unsigned *min, bool *var)
{
    *min = 1;
    *var = false;
    char c = p[*i];
    if (c == '?' || c == '*' || c == '+') {
        *min = c == '+';
        *var = true;
        (*i)++;
    } else if (c == '{') {
        size_t j = *i + 1;
        unsigned m, n;
        if (!digits(p, &j, &m))
            return false;
        if (p[j] == ',') {
            j++;
            *var = true;
            if (p[j] != '}') {
                if (!digits(p, &j, &n) || n < m)
                    return false;
                *var = n != m;
            }
        }
        if (p[j] != '}')
            return false;
        *min = m;
        *i = j + 1;
    } else {
        return true;
    }
    if (p[*i] == '?' || p[*i] == '+')   /* lazy, possessive: same matches' starts */
        (*i)++;
    return true;
}

/* '|' outside any group or class: then a prefix says nothing about the other branch. */
static bool top_alternation(const char *p)
{
    int depth = 0;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] == '\\') {
            if (p[i + 1])
                i++;
        } else if (p[i] == '[') {
            size_t j = i + 1;
            if (p[j] == '^')
                j++;
            if (p[j] == ']')
                j++;
            while (p[j] && p[j] != ']')
                j += p[j] == '\\' && p[j + 1] ? 2 : 1;
            if (!p[j])
                return true;   /* unterminated: say nothing */
            i = j;
        } else if (p[i] == '(') {
            depth++;
        } else if (p[i] == ')') {
            depth--;
        } else if (p[i] == '|' && depth == 0) {
            return true;
        }
    }
    return false;
}

int ig_gate_prefix(const char *p, uint8_t sets[IG_GATE_ATOMS][32])
{
    if (!p || top_alternation(p))
        return 0;
    size_t i = 0;
    while (p[i] == '\\' && p[i + 1] == 'b')   /* zero-width: the match starts after it */
        i += 2;
    int k = 0;
    while (k < IG_GATE_ATOMS && p[i]) {
        uint8_t s[32] = { 0 };
        size_t j = i;
        unsigned min;
        bool var;
        if (!atom(p, &j, s) || !quant(p, &j, &min, &var) || min == 0)
            break;
        for (unsigned r = 0; r < min && k < IG_GATE_ATOMS; r++)
            memcpy(sets[k++], s, 32);
        if (var)
            break;
        i = j;
    }
    return k;
}

static int members(const uint8_t *s)
{
    int n = 0;
    for (int i = 0; i < 32; i++)
        n += __builtin_popcount(s[i]);
    return n;
}

bool ig_gate_add(struct ig_gate *g, const char *pattern)
{
    uint8_t sets[IG_GATE_ATOMS][32];
    int k = ig_gate_prefix(pattern, sets);
    if (k < 4 || g->npat >= IG_GATE_PATTERNS)
        return false;
    /* two single-byte atoms in a row are a literal Hyperscan anchors on: leave it there */
    for (int a = 0; a + 1 < k; a++)
        if (members(sets[a]) == 1 && members(sets[a + 1]) == 1)
            return false;
    uint8_t idx[IG_GATE_ATOMS];
    uint32_t ncls = g->ncls;
    for (int a = 0; a < k; a++) {
        /* the SIMD check classifies bytes >= 128 as one: each set holds all or none */
        for (int b = 17; b < 32; b++)
            if (sets[a][b] != sets[a][16] || (sets[a][16] != 0 && sets[a][16] != 0xff))
                return false;
        uint32_t c = 0;
        while (c < ncls && memcmp(g->cls[c], sets[a], 32))
            c++;
        if (c == ncls) {
            if (ncls == 8)
                return false;   /* nothing changed yet: g->ncls is written below */
            memcpy(g->cls[ncls++], sets[a], 32);
        }
        idx[a] = (uint8_t)c;
    }
    g->ncls = ncls;
    g->len[g->npat] = (uint8_t)k;
    memcpy(g->atom[g->npat], idx, (size_t)k);
    g->npat++;
    for (uint32_t j = 0; j < IG_GATE_ATOMS; j++)
        for (uint32_t p = 0; p < 8; p++)
            g->idx[j][p] = p >= g->npat ? 9 : j < g->len[p] ? g->atom[p][j] : 8;
    memset(g->tbl, 0, sizeof g->tbl);
    for (uint32_t c = 0; c < g->ncls; c++)
        for (unsigned b = 0; b < 256; b++)
            if (g->cls[c][b >> 3] & (1u << (b & 7)))
                g->tbl[b] |= (uint8_t)(1u << c);
    return true;
}

bool ig_gate_scalar(const struct ig_gate *g, const uint8_t *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (uint32_t p = 0; p < g->npat; p++) {
            if (i + g->len[p] > n)
                continue;
            uint32_t j = 0;
            while (j < g->len[p] && (g->tbl[t[i + j]] >> g->atom[p][j] & 1))
                j++;
            if (j == g->len[p])
                return true;
        }
    return false;
}

ig_gate_check_fn ig_gate_fn(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (ig_cpu_level() >= IG_CPU_AVX512 && __builtin_cpu_supports("avx512vbmi") &&
        __builtin_cpu_supports("gfni"))
        return ig_gate_vbmi;
#endif
    return NULL;
}
