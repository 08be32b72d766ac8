/* inferguard version: the program's and its libraries' versions, and the SIMD level. */
#include <librdkafka/rdkafka.h>
#include <ndpi/ndpi_api.h>
#include <pcap/pcap.h>
#include <stdio.h>

#include "cli/cli.h"
#include <inferguard/cpu.h>

#ifndef IG_VERSION
#define IG_VERSION "0.1.0"
#endif

int ig_cmd_version(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("inferguard %s\n", IG_VERSION);
    printf("  simd      %s\n", ig_cpu_level_name(ig_cpu_level()));
    printf("  libpcap   %s\n", pcap_lib_version());
    printf("  nDPI      %s\n", ndpi_revision());
    printf("  librdkafka %s\n", rd_kafka_version_str());
    return IG_EXIT_OK;
}
