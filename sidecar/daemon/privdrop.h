/* Least privilege for `inferguard run`: once the capture is open (the only step that needs
 * CAP_NET_RAW), switch to run.user, drop every capability, set no_new_privs and install a
 * seccomp allow-list, before any thread, sink or parser exists.
 *
 * Why not file capabilities or ambient ones: Kubernetes puts added capabilities in the
 * permitted and effective sets of a root process but never in a non-root process's
 * ambient set (kubernetes/kubernetes#56374), so a non-root container has no effective
 * NET_RAW. The sidecar therefore starts as uid 0 with only NET_RAW, SETUID and SETGID in
 * its bounding set and leaves root here, for good. */
#ifndef IG_DAEMON_PRIVDROP_H
#define IG_DAEMON_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ig_privdrop_result {
    uid_t uid;
    gid_t gid;
    bool switched;          /* left uid 0 for run.user */
    bool seccomp;           /* a filter is installed */
    unsigned allowed;       /* syscalls the filter allows */
};

/* Parses "UID[:GID]" or "NAME[:GROUP]" (a bare UID or NAME takes its passwd group, or the
 * same number). IG_OK or IG_ECONF with a reason. */
int ig_privdrop_parse_user(const char *spec, uid_t *uid, gid_t *gid, char *err, size_t errlen);

/* <user>: run.user ("" = keep the current ids); <seccomp>: "on" | "log" | "off".
 * Switching user needs uid 0 (else IG_ECONF unless already that user). Afterwards no
 * capability is left in the permitted, effective or ambient sets, and regaining uid 0 is
 * checked to fail. IG_OK, or IG_ECONF / IG_EIO with one line in err. */
int ig_privdrop_apply(const char *user, const char *seccomp, struct ig_privdrop_result *out,
                      char *err, size_t errlen);

#endif
