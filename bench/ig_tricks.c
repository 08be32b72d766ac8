/* ig_tricks: writes one crafted evasion capture per transport trick (issue #13), for the
 * end-to-end tests and for replay into a real stack. Exit codes: 0 written, 1 write error,
 * 2 usage. */
#include "tricks.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--list"))) {
        if (!strcmp(argv[1], "--list")) {
            for (int i = 0; ig_gen_tricks[i]; i++)
                puts(ig_gen_tricks[i]);
            return 0;
        }
        printf("usage: ig_tricks TRICK OUT.pcap   writes the capture of one trick\n"
               "       ig_tricks --list            names the tricks\n"
               "exit: 0 written, 1 write error, 2 usage or unknown trick\n");
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: ig_tricks TRICK OUT.pcap (ig_tricks --list)\n");
        return 2;
    }
    char err[256];
    struct ig_trick_info info;
    int rc = ig_gen_trick(argv[1], argv[2], &info, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "ig_tricks: %s\n", err);
        return rc == -4 ? 2 : 1;
    }
    return 0;
}
