/* pcap_record: records live traffic to a pcap file for tests, until SIGINT/SIGTERM.
 * Usage: pcap_record IFACE FILTER OUT.pcap — prints "ready" on stdout once capturing.
 * Tests only point it at the loopback interface. */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t stop;
static pcap_t *g_pcap;

/* pcap_breakloop wakes a capture blocked in poll (libpcap >= 1.10 on Linux), so the
 * recorder ends promptly even when no more packets arrive. */
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
    if (g_pcap)
        pcap_breakloop(g_pcap);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: pcap_record IFACE FILTER OUT.pcap\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(argv[1], err);
    if (!p) {
        fprintf(stderr, "pcap_record: %s\n", err);
        return 1;
    }
    pcap_set_snaplen(p, 262144);
    pcap_set_immediate_mode(p, 1);
    pcap_set_timeout(p, 100);
    /* Loopback segments reach 64 KiB: libpcap's default 2 MiB ring overflows under a burst. */
    pcap_set_buffer_size(p, 64 << 20);
    if (pcap_activate(p) < 0) {
        fprintf(stderr, "pcap_record: %s\n", pcap_geterr(p));
        return 1;
    }
    struct bpf_program prog;
    if (pcap_compile(p, &prog, argv[2], 1, PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(p, &prog) < 0) {
        fprintf(stderr, "pcap_record: filter '%s': %s\n", argv[2], pcap_geterr(p));
        return 1;
    }
    pcap_dumper_t *d = pcap_dump_open(p, argv[3]);
    if (!d) {
        fprintf(stderr, "pcap_record: %s\n", pcap_geterr(p));
        return 1;
    }
    g_pcap = p;
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    while (!stop) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(p, &h, &data);
        if (rc == 1)
            pcap_dump((u_char *)d, h, data);
        else if (rc < 0)   /* PCAP_ERROR_BREAK after a signal, or a real error */
            break;
    }
    pcap_dump_close(d);
    pcap_close(p);
    return 0;
}
