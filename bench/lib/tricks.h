/* inferguard bench/tests: crafted evasion captures, one per transport trick (issue #13).
 * Each capture is one connection from 127.0.0.1:43210 (::1 for ip6_*) to port 8000
 * carrying a chat-completions request with a prompt injection, wrapped in the trick; the
 * bytes Linux assembles always hold the injection (info->attack), a sensor that resolves
 * the trick otherwise sees info->decoy or nothing. */
#ifndef IG_TRICKS_H
#define IG_TRICKS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* plain, stale_fin, rst_out_of_window, rst_in_window, bad_checksum, syn_new_isn,
 * tcp_overlap_ooo, tcp_overlap_retx, ip_frag, ip_frag_reorder, ip_frag_overlap,
 * ip_frag_dup, tiny_frags, ip6_frag, ip6_frag_reorder; NULL-terminated. */
extern const char *const ig_gen_tricks[];

struct ig_trick_info {
    const char *attack, *decoy;
    char request[1024];
};

/* Writes the capture of <trick> (Ethernet pcap) to <path>. Returns 0, or IG_ECONF
 * (unknown trick) / IG_EIO with one sentence in <err>. */
int ig_gen_trick(const char *trick, const char *path, struct ig_trick_info *info, char *err, size_t errlen);

#endif
