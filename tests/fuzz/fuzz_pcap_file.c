/* libFuzzer target for capture files: the input is the file. It is read twice, once from
 * the mapping capture.c reads classic pcap files from and once by libpcap alone
 * (ig_capture_file_map off), and both must give the same packets, the same end (done or
 * error) and the same counters. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/capture.h"

#define MAX_PACKETS 4096

struct rec {
    uint64_t ts;
    uint32_t l3_len, payload_len;
    uint8_t family, ip_proto, flags;
    uint32_t seq;
    uint64_t sum;   /* of the L3 bytes, weighted by position */
};

static struct rec recs[MAX_PACKETS];

static uint64_t weigh(const uint8_t *p, uint32_t n)
{
    uint64_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s = s * 1000003u + p[i];
    return s;
}

/* Reads the file; fills recs when <check> is false, compares with them when true. */
static int read_all(const char *path, bool map, bool check, int *end, size_t *count,
                    struct ig_decode_stats *st)
{
    struct ig_capture *c;
    char err[256];
    ig_capture_file_map = map;
    if (ig_capture_open_file(&c, path, err, sizeof err) < 0)
        return -1;
    struct ig_packet p;
    size_t n = 0;
    int rc;
    while ((rc = ig_capture_next(c, &p)) == IG_OK || rc == IG_AGAIN) {
        if (rc == IG_AGAIN || n >= MAX_PACKETS)
            continue;
        struct rec r = { p.ts_us, p.l3_len, p.payload_len, p.family, p.ip_proto, p.tcp_flags,
                         p.seq, weigh(p.l3, p.l3_len) };
        if (check && memcmp(&recs[n], &r, sizeof r) != 0)
            __builtin_trap();
        recs[n++] = r;
    }
    *end = rc;
    *count = n;
    *st = *ig_capture_stats(c);
    ig_capture_close(c);
    return 0;
}

static char path[64];

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    if (fd < 0) {
        snprintf(path, sizeof path, "/tmp/ig_fuzz_pcap_XXXXXX");
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        atexit(remove_file);   /* the file the inputs are written to, one per process */
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    int end[2];
    size_t count[2];
    struct ig_decode_stats st[2];
    memset(recs, 0, sizeof recs);
    memset(st, 0, sizeof st);
    int ok0 = read_all(path, false, false, &end[0], &count[0], &st[0]);
    int ok1 = read_all(path, true, true, &end[1], &count[1], &st[1]);
    ig_capture_file_map = true;
    if (ok0 != ok1)
        __builtin_trap();
    if (ok0 == 0 && (end[0] != end[1] || count[0] != count[1] || memcmp(&st[0], &st[1], sizeof st[0]) != 0))
        __builtin_trap();
    return 0;
}
