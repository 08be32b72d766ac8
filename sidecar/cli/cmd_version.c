/* inferguard version: the program's and its libraries' versions, and the SIMD level. */
#include <librdkafka/rdkafka.h>
#include <ndpi/ndpi_api.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include <inferguard/cpu.h>

#ifndef IG_VERSION
#define IG_VERSION "0.1.0"
#endif

int ig_cmd_version(int argc, char **argv)
{
    if (argc > 1) {
        bool help = strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0;
        fprintf(help ? stdout : stderr,
                "usage: inferguard version\n"
                "Prints inferguard's version, the SIMD level in use and the versions of libpcap,\n"
                "nDPI and librdkafka.\n"
                "exit codes: 0 ok, 2 usage\n");
        return help ? IG_EXIT_OK : IG_EXIT_USAGE;
    }
    printf("inferguard %s\n", IG_VERSION);
    printf("  simd      %s\n", ig_cpu_level_name(ig_cpu_level()));
    printf("  libpcap   %s\n", pcap_lib_version());
    printf("  nDPI      %s\n", ndpi_revision());
    printf("  librdkafka %s\n", rd_kafka_version_str());
    return IG_EXIT_OK;
}
