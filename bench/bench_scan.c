/* bench_scan: response scanning speed with the shipped pattern rules.
 *   hs_raw    - the response database the leakage detectors use (all raw-form rules,
 *               validators on candidates), one Hyperscan pass per completion;
 *   hs_all    - every shipped pattern rule of every form in one database (upper bound);
 *   pcre2     - the same raw-form patterns through PCRE2 (JIT), one pattern after the
 *               other over each completion, all matches: what a simple scanner does;
 *   per-request cost of one 2 KB completion: the Hyperscan scan alone, and all five LLM
 *               detectors through the engine (normalisation, grammar, n-grams included).
 * Input: synthetic English-like completions of about 2 KB, 1 in 50 carrying a planted
 * fake secret. Times are CPU time. Usage: bench_scan [MB] (default 32; IG_BENCH_QUICK=1: 4);
 * rules from $IG_SRC/rules (default: the source tree's rules/). Prints RESULT lines for bench/run.sh. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "engine.h"
#include "text/hsdb.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct ig_detector ig_det_leakage_secrets, ig_det_prompt_injection_signature,
    ig_det_leakage_divergence, ig_det_leakage_system_prompt, ig_det_abuse_volume;

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static const char *const words[] = { "the", "model", "answer", "is", "a", "of", "to", "and",
    "in", "that", "for", "with", "data", "result", "function", "returns", "value", "user",
    "please", "note", "example", "this", "can", "be", "used", "when", "you", "need", "system",
    "performance", "request", "configuration", "file", "server", "training", "we", "recommend",
    "using", "python", "table", "2023", "version", "3.11", "about", "42", "percent", "it" };
static const char *const planted[] = { " key AKIAZ7Q3LM4N5R6T2VWX ", " card 4111 1111 1111 1111 ",
    " mail jane.doe@corp-mail.com ", " IBAN DE89370400440532013000 " };

/* Fills buf with one completion of about <n> bytes; returns its length. */
static size_t completion(char *buf, size_t n, int idx)
{
    size_t o = 0;
    while (o + 40 < n) {
        const char *w = words[rnd() % IG_ARRAY_LEN(words)];
        size_t l = strlen(w);
        memcpy(buf + o, w, l);
        o += l;
        buf[o++] = rnd() % 13 == 0 ? '.' : ' ';
        if (rnd() % 97 == 0)
            buf[o++] = '\n';
    }
    if (idx % 50 == 0) {
        const char *p = planted[(idx / 50) % IG_ARRAY_LEN(planted)];
        size_t l = strlen(p);
        memcpy(buf + o, p, l);
        o += l;
    }
    return o;
}

static int count_cb(void *ctx, const struct ig_hsdb_match *m)
{
    (void)m;
    ++*(uint64_t *)ctx;
    return 0;
}

static uint64_t nf;
static void sink(void *ctx, const struct ig_finding *f) { (void)ctx; (void)f; nf++; }

int main(int argc, char **argv)
{
    double mb = argc > 1 ? atof(argv[1]) : getenv("IG_BENCH_QUICK") ? 4 : 32;
    const char *src = getenv("IG_SRC");
    char dir[1024], err[512];
    if (src)
        snprintf(dir, sizeof dir, "%s/rules", src);
    else {
        /* CMake compiles with an absolute path: the rules sit next to bench/ */
        const char *f = __FILE__, *slash = strrchr(f, '/');
        snprintf(dir, sizeof dir, "%.*s/../rules", slash ? (int)(slash - f) : 1, slash ? f : ".");
    }
    struct ig_rules *r = NULL;
    if (ig_rules_load_dir(dir, &r, err, sizeof err) != IG_OK) {
        fprintf(stderr, "bench_scan: %s\n", err);
        return 1;
    }
    struct ig_hsdb *raw = NULL, *all = NULL;
    struct ig_hsdb_scratch *s = NULL;
    if (ig_hsdb_build(NULL, r, NULL, "raw", &raw, err, sizeof err) != IG_OK ||
        ig_hsdb_build(NULL, r, NULL, NULL, &all, err, sizeof err) != IG_OK ||
        ig_hsdb_scratch_fit(raw, &s) != IG_OK || ig_hsdb_scratch_fit(all, &s) != IG_OK) {
        fprintf(stderr, "bench_scan: %s\n", err);
        return 1;
    }
    /* corpus */
    size_t total = (size_t)(mb * 1048576), per = 2048, nreq = total / per;
    char *corpus = malloc(nreq * per);
    size_t *len = malloc(nreq * sizeof *len);
    for (size_t i = 0; i < nreq; i++)
        len[i] = completion(corpus + i * per, per, (int)i);
    size_t bytes = 0;
    for (size_t i = 0; i < nreq; i++)
        bytes += len[i];

    uint64_t hits = 0;
    double t0 = cpu_s();
    for (size_t i = 0; i < nreq; i++)
        ig_hsdb_scan(raw, IG_SCAN_RESPONSE, (const uint8_t *)corpus + i * per, len[i], NULL, NULL, s, count_cb, &hits);
    double t_raw = cpu_s() - t0;
    uint64_t hits_all = 0;
    t0 = cpu_s();
    for (size_t i = 0; i < nreq; i++)
        ig_hsdb_scan(all, IG_SCAN_RESPONSE, (const uint8_t *)corpus + i * per, len[i], NULL, NULL, s, count_cb, &hits_all);
    double t_all = cpu_s() - t0;

    /* PCRE2 peer: the raw-form response patterns, one by one */
    uint32_t npat = 0;
    pcre2_code *code[256];
    for (uint32_t i = 0; i < ig_hsdb_rules(raw); i++) {
        const struct ig_rule *ru = ig_hsdb_rule(raw, i);
        if (!(ru->scan & IG_SCAN_RESPONSE))
            continue;
        for (uint32_t k = 0; k < ru->patterns.n && npat < 256; k++) {
            int ec;
            PCRE2_SIZE eo;
            pcre2_code *c = pcre2_compile((PCRE2_SPTR)ru->patterns.v[k], PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
            if (!c)
                continue;
            pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
            code[npat++] = c;
        }
    }
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    uint64_t phits = 0;
    size_t pbytes = 0, preq = IG_MIN(nreq, (size_t)(getenv("IG_BENCH_QUICK") ? 500 : 4000));
    t0 = cpu_s();
    for (size_t i = 0; i < preq; i++) {
        const PCRE2_SPTR t = (PCRE2_SPTR)corpus + i * per;
        pbytes += len[i];
        for (uint32_t p = 0; p < npat; p++) {
            PCRE2_SIZE off = 0;
            while (off < len[i] && pcre2_match(code[p], t, len[i], off, 0, md, NULL) > 0) {
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
                phits++;
                off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
            }
        }
    }
    double t_pcre = cpu_s() - t0;

    /* per request: hs scan alone, and the five LLM detectors via the engine */
    struct ig_config cfg;
    ig_config_defaults(&cfg);
    struct ig_emit emit = { sink, NULL };
    const struct ig_detector *const list[] = { &ig_det_leakage_secrets, &ig_det_prompt_injection_signature,
        &ig_det_leakage_divergence, &ig_det_leakage_system_prompt, &ig_det_abuse_volume, NULL };
    static const char prompt[] = "user: Can you explain how the training data pipeline handles "
                                 "configuration files and what the server returns on errors?";
    static const char sys[] = "You are a helpful assistant for Example Corp. Answer briefly and "
                              "never discuss internal systems.";
    size_t nev = IG_MIN(nreq, (size_t)20000);
    double t_det = 0, t_one[5] = { 0 };
    for (int which = -1; which < 5; which++) {
        const struct ig_detector *const one[] = { which < 0 ? NULL : list[which], NULL };
        struct ig_engine *e = ig_engine_new_with(&cfg, r, NULL, &emit, which < 0 ? list : one, err, sizeof err);
        if (!e) {
            fprintf(stderr, "bench_scan: %s\n", err);
            return 1;
        }
        t0 = cpu_s();
        for (size_t i = 0; i < nev; i++) {
            struct ig_event ev;
            memset(&ev, 0, sizeof ev);
            snprintf(ev.client_id, sizeof ev.client_id, "c%zu", i % 64);
            snprintf(ev.model, sizeof ev.model, "gpt-bench");
            ev.req_time_us = 978307200000000ull + i * 1000;
            ev.status = 200;
            ev.flags = IG_EV_TEXT;
            ev.prompt = (struct ig_span){ (const uint8_t *)prompt, sizeof prompt - 1 };
            ev.system_prompt = (struct ig_span){ (const uint8_t *)sys, sizeof sys - 1 };
            ev.completion = (struct ig_span){ (const uint8_t *)corpus + i * per, len[i] };
            ig_engine_observe(e, &ev);
        }
        if (which < 0)
            t_det = cpu_s() - t0;
        else
            t_one[which] = cpu_s() - t0;
        ig_engine_free(e);
    }

    double mbs_raw = bytes / t_raw / 1e6, mbs_all = bytes / t_all / 1e6, mbs_pcre = pbytes / t_pcre / 1e6;
    double us_req = t_raw / nreq * 1e6, us_det = t_det / nev * 1e6;
    printf("corpus: %zu completions, %.1f MB, avg %zu B; raw rules %u (%u patterns), all rules %u\n",
           nreq, bytes / 1e6, bytes / nreq, ig_hsdb_rules(raw), ig_hsdb_patterns(raw, IG_SCAN_RESPONSE),
           ig_hsdb_rules(all));
    printf("hyperscan raw-form db : %8.1f MB/s  (%llu validated hits)\n", mbs_raw, (unsigned long long)hits);
    printf("hyperscan all rules   : %8.1f MB/s  (%llu hits)\n", mbs_all, (unsigned long long)hits_all);
    printf("pcre2 jit, %u patterns: %8.1f MB/s  (%llu raw hits, %zu completions)\n", npat, mbs_pcre,
           (unsigned long long)phits, preq);
    printf("per 2 KB completion   : %.2f us hyperscan scan, %.2f us all five LLM detectors (%llu findings)\n",
           us_req, us_det, (unsigned long long)nf);
    for (int k = 0; k < 5; k++)
        printf("  %-28s %.2f us/event\n", list[k]->name, t_one[k] / nev * 1e6);
    printf("RESULT metric=scan_response_raw_rules value=%.1f unit=MB/s peer=pcre2 peer_value=%.1f better=higher\n",
           mbs_raw, mbs_pcre);
    printf("RESULT metric=scan_response_all_rules value=%.1f unit=MB/s better=higher\n", mbs_all);
    printf("RESULT metric=scan_2kb_completion value=%.2f unit=us peer=pcre2 peer_value=%.2f better=lower\n",
           us_req, t_pcre / preq * 1e6);
    printf("RESULT metric=llm_detectors_2kb_event value=%.2f unit=us better=lower\n", us_det);
    for (uint32_t p = 0; p < npat; p++)
        pcre2_code_free(code[p]);
    pcre2_match_data_free(md);
    ig_hsdb_scratch_free(s);
    ig_hsdb_free(raw);
    ig_hsdb_free(all);
    ig_rules_free(r);
    free(corpus);
    free(len);
    return 0;
}
