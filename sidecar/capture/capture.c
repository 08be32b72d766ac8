/* libpcap glue: files (pcap and pcapng) and live interfaces, frames handed to the decoder. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pcap/pcap.h>

#include "capture/capture.h"
#include "capture/map_guard.h"

/* Kernel ring for live capture: bursts of large bodies must not overflow it between polls. */
/* Packets wait at most this long in the kernel ring before libpcap hands them over. */
#define IG_CAPTURE_TIMEOUT_MS 50
#define IG_CAPTURE_MAX_SKIP 4096
/* Files are read through stdio with a buffer this large: libpcap freads each record, and
 * stdio's default (one file-system block, 4 KiB) made one read(2) per ~2.5 full-size
 * packets, 17,500 system calls for a 70 MB capture; this makes ~280. */
#define IG_CAPTURE_FILE_BUF (256u << 10)

/* Classic pcap files in this machine's byte order are read from a mapping instead of
 * through libpcap's stdio reads (two copies of every byte and a call per record: 5 % of
 * a run on large captures). libpcap still opens the file and checks its header; the
 * records are read here with libpcap's own rules (sf-pcap.c), which fuzz_pcap_file.c
 * compares packet by packet. Pages behind the reader are dropped every MAP_DROP bytes,
 * so the mapping adds little to the resident set. A file cut short while it is read
 * (another process truncating it) would raise SIGBUS: map_guard.c turns that into zeros
 * and a mark, and the record is withheld with a read error. */
#define MAP_DROP (8u << 20)
#define MAP_MAX_SNAPLEN 262144u      /* libpcap's MAXIMUM_SNAPLEN for the link types below */
#define MAP_PREFETCH 2048u           /* bytes of the next record fetched ahead */

bool ig_capture_file_map = true;

struct ig_capture {
    pcap_t *p;
    int     linktype;
    bool    live;
    char   *fbuf;                /* the file's stdio buffer, freed after pcap_close */
    const uint8_t *map;          /* mapped pcap file, or NULL (libpcap reads) */
    int     guard;               /* its map_guard slot */
    size_t  map_len, pos, dropped;
    uint32_t snap;               /* the file's snapshot length, as libpcap adjusts it */
    bool    nsec;                /* nanosecond timestamps */
    volatile sig_atomic_t brk;   /* ig_capture_break on a mapped file */
    struct ig_decode_stats st;
};

static int capture_new(struct ig_capture **c, pcap_t *p, bool live)
{
    struct ig_capture *cap = calloc(1, sizeof(*cap));
    if (!cap)
        return IG_ENOMEM;
    cap->p = p;
    cap->live = live;
    cap->linktype = pcap_datalink(p);
    *c = cap;
    return IG_OK;
}

/* Maps <f> when it is a classic pcap file (version 2.4) in this machine's byte order with
 * a link type our decoder reads (none that libpcap post-processes, all with its default
 * maximum snapshot length); otherwise libpcap keeps reading it. */
static void map_file(struct ig_capture *c, FILE *f)
{
    struct stat sb;
    int fd = fileno(f);
    switch (c->linktype) {
    case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW:
    case DLT_IPV4: case DLT_IPV6: case DLT_NULL: case DLT_LOOP:
        break;
    default:
        return;
    }
    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < 24 ||
        (uint64_t)sb.st_size > SIZE_MAX)
        return;
    size_t len = (size_t)sb.st_size;
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return;
    int guard = ig_map_guard_add(m, len);
    if (guard < 0) {
        munmap(m, len);
        return;
    }
    uint32_t magic;
    uint16_t major, minor;
    memcpy(&magic, m, 4);
    memcpy(&major, (const uint8_t *)m + 4, 2);
    memcpy(&minor, (const uint8_t *)m + 6, 2);
    if ((magic != 0xa1b2c3d4u && magic != 0xa1b23c4du) || major != 2 || minor != 4 ||
        ig_map_guard_cut(guard)) {
        ig_map_guard_remove(guard);
        munmap(m, len);
        return;
    }
    c->guard = guard;
    madvise(m, len, MADV_SEQUENTIAL);
    c->map = m;
    c->map_len = len;
    c->pos = 24;
    c->nsec = magic == 0xa1b23c4du;
    c->snap = (uint32_t)pcap_snapshot(c->p);
}

/* The next record of a mapped file, as libpcap's pcap_next_ex gives it: 1 with a packet,
 * PCAP_ERROR_BREAK at the end, PCAP_ERROR on a cut or insane record. */
static int map_next(struct ig_capture *c, const uint8_t **data, uint32_t *caplen, uint64_t *ts)
{
    if (c->brk) {
        c->brk = 0;
        return PCAP_ERROR_BREAK;            /* as libpcap's break_loop */
    }
    if (c->pos - c->dropped >= MAP_DROP) {
        size_t to = c->pos & ~(size_t)4095;   /* the previous packet is no longer used */
        madvise((void *)(uintptr_t)(c->map + c->dropped), to - c->dropped, MADV_DONTNEED);
        c->dropped = to;
    }
    size_t left = c->map_len - c->pos;
    if (left == 0)
        return PCAP_ERROR_BREAK;
    if (left < 16)
        return PCAP_ERROR;                  /* truncated record header */
    const uint8_t *h = c->map + c->pos;
    int32_t sec, frac;
    uint32_t cap;
    memcpy(&sec, h, 4);
    memcpy(&frac, h + 4, 4);
    memcpy(&cap, h + 8, 4);
    if (cap > MAP_MAX_SNAPLEN || cap > left - 16)
        return PCAP_ERROR;                  /* insane length, or cut short */
    /* libpcap: struct timeval from the signed 32-bit fields, nanoseconds scaled down */
    /* every page of the record read once before it is handed on: a file cut short under
     * us faults here (zeros and the guard's mark), not in the decoder */
    for (uintptr_t pg = ((uintptr_t)h | 4095) + 1; pg < (uintptr_t)(h + 16 + cap); pg += 4096)
        (void)*(const volatile uint8_t *)pg;
    if (ig_map_guard_cut(c->guard))
        return PCAP_ERROR;                  /* the file shrank while being read */
    int64_t usec = c->nsec ? (int64_t)frac / 1000 : (int64_t)frac;
    *ts = (uint64_t)(int64_t)sec * 1000000u + (uint64_t)usec;
    *data = h + 16;
    *caplen = cap > c->snap ? c->snap : cap;   /* beyond the snapshot length: skipped */
    c->pos += 16 + (size_t)cap;
    /* The next record while this one is processed: the mapping's pages are not contiguous
     * in memory, so the hardware prefetcher stops at each 4 KiB page, and the checksum
     * over the packet (the first to read it) waited on every line. */
    size_t ahead = IG_MIN(c->map_len - c->pos, (size_t)MAP_PREFETCH);
    for (size_t i = 0; i < ahead; i += 64)
        __builtin_prefetch(c->map + c->pos + i);
    return 1;
}

int ig_capture_open_file(struct ig_capture **c, const char *path, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    *c = NULL;
    bool std_in = strcmp(path, "-") == 0;   /* as pcap_open_offline takes it */
    FILE *f = std_in ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read capture %s: %s", path, strerror(errno));
        return IG_EIO;
    }
    /* stdin keeps its own buffer: it outlives pcap_close, which does not close it */
    char *fbuf = std_in ? NULL : malloc(IG_CAPTURE_FILE_BUF);
    if (fbuf)
        setvbuf(f, fbuf, _IOFBF, IG_CAPTURE_FILE_BUF);
    /* microsecond timestamps whatever the file stores (nanosecond pcaps are scaled) */
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, perr);
    if (!p) {
        if (!std_in)
            fclose(f);               /* libpcap leaves it open on failure */
        free(fbuf);
        snprintf(err, errlen, "cannot read capture %s: %s", path, perr);
        return IG_EIO;
    }
    if (capture_new(c, p, false) != IG_OK) {
        pcap_close(p);
        free(fbuf);
        snprintf(err, errlen, "out of memory opening %s", path);
        return IG_ENOMEM;
    }
    (*c)->fbuf = fbuf;
    if (!std_in && ig_capture_file_map)
        map_file(*c, f);
    return IG_OK;
}

int ig_capture_open_live(struct ig_capture **c, const char *iface, uint32_t snaplen, uint64_t buffer_bytes,
                         const char *bpf, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    struct bpf_program prog;
    *c = NULL;
    pcap_t *p = pcap_create(iface, perr);
    if (!p) {
        snprintf(err, errlen, "cannot open interface %s: %s", iface, perr);
        return IG_EIO;
    }
    if (snaplen == 0 || snaplen > 262144)
        snaplen = 262144;
    pcap_set_snaplen(p, (int)snaplen);
    pcap_set_promisc(p, 0);          /* a sidecar sees its own pod's traffic */
    /* Not immediate mode: on Linux that switches libpcap to fixed ring slots of snaplen
     * bytes, so a 64 MiB ring held only ~256 loopback-sized packets and bursts were lost.
     * Block mode packs packets by size; the timeout bounds how late a quiet link delivers. */
    pcap_set_timeout(p, IG_CAPTURE_TIMEOUT_MS);
    /* capture.buffer_size: the kernel ring that rides out bursts while we parse */
    if (buffer_bytes == 0 || buffer_bytes > (1u << 31) - 1)
        buffer_bytes = buffer_bytes ? (1u << 31) - 1 : 64u << 20;
    pcap_set_buffer_size(p, (int)buffer_bytes);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
    int rc = pcap_activate(p);
    if (rc < 0) {
        snprintf(err, errlen, "cannot capture on %s: %s", iface,
                 rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
        goto fail;
    }
    if (pcap_setnonblock(p, 1, perr) < 0) {
        snprintf(err, errlen, "cannot make capture on %s non-blocking: %s", iface, perr);
        goto fail;
    }
    if (bpf && bpf[0]) {
        if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
            snprintf(err, errlen, "bad BPF filter \"%s\": %s", bpf, pcap_geterr(p));
            goto fail;
        }
        rc = pcap_setfilter(p, &prog);
        pcap_freecode(&prog);
        if (rc < 0) {
            snprintf(err, errlen, "cannot apply BPF filter \"%s\": %s", bpf, pcap_geterr(p));
            goto fail;
        }
    }
    if (capture_new(c, p, true) != IG_OK) {
        snprintf(err, errlen, "out of memory opening %s", iface);
        goto fail;
    }
    return IG_OK;
fail:
    pcap_close(p);
    return IG_EIO;
}

int ig_capture_next(struct ig_capture *c, struct ig_packet *out)
{
    /* Frames that do not decode are counted and skipped here, so that IG_AGAIN almost
     * always means "nothing buffered": libpcap may hold a ring block of packets the fd
     * no longer signals. The bound keeps a flood of junk from starving the caller. */
    for (int skipped = 0; skipped < IG_CAPTURE_MAX_SKIP; skipped++) {
        const u_char *data;
        uint32_t caplen = 0;
        uint64_t ts = 0;
        int rc;
        if (c->map) {
            rc = map_next(c, &data, &caplen, &ts);
        } else {
            struct pcap_pkthdr *h;
            rc = pcap_next_ex(c->p, &h, &data);
            if (rc == 1) {
                caplen = h->caplen;
                ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
            }
        }
        if (rc == 0)
            return IG_AGAIN;             /* live: nothing ready */
        if (rc == PCAP_ERROR_BREAK)
            return IG_DONE;              /* end of file, or ig_capture_break */
        if (rc < 0)
            return IG_EIO;
        if (ig_decode_packet(c->linktype, data, caplen, ts, out, &c->st) == IG_OK)
            return IG_OK;
    }
    return IG_AGAIN;
}

int ig_capture_fd(struct ig_capture *c)
{
    return c->live ? pcap_get_selectable_fd(c->p) : -1;
}

void ig_capture_break(struct ig_capture *c)
{
    c->brk = 1;
    pcap_breakloop(c->p);
}

const struct ig_decode_stats *ig_capture_stats(struct ig_capture *c)
{
    struct pcap_stat ps;
    /* Live: what the kernel dropped (ring full) or the interface lost, since open. */
    if (c->live && pcap_stats(c->p, &ps) == 0)
        c->st.kernel_drops = (uint64_t)ps.ps_drop + (uint64_t)ps.ps_ifdrop;
    return &c->st;
}

uint64_t ig_capture_file_offset(const struct ig_capture *c)
{
    if (c->live)
        return 0;
    if (c->map)
        return c->pos;
    FILE *f = pcap_file(c->p);
    long off = f ? ftell(f) : -1;
    return off < 0 ? 0 : (uint64_t)off;
}

void ig_capture_close(struct ig_capture *c)
{
    if (!c)
        return;
    if (c->map) {
        ig_map_guard_remove(c->guard);
        munmap((void *)(uintptr_t)c->map, c->map_len);
    }
    pcap_close(c->p);
    free(c->fbuf);
    free(c);
}
