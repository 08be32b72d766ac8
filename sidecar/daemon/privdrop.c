/* See privdrop.h. The seccomp allow-list is what `run` and its libraries (libpcap, libevent,
 * librdkafka, Hyperscan, zlib, glibc's resolver) call after start-up, found with strace over
 * the daemon's tests; anything else fails with EPERM (a feature error, visible, not a crash),
 * and the calls an exploit needs first (execve, ptrace, process_vm_*) kill the process. */
#include "daemon/privdrop.h"

#include <inferguard/base.h>

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define IG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IG_SANITIZED 1
#endif
#endif

static const char *const allowed_calls[] = {
    /* files: config and rules rereads, spool, reports, pattern cache, findings/events */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
    "open", "openat", "close", "close_range", "lseek", "fstat", "stat", "lstat", "newfstatat",
    "statx", "fstatfs", "statfs", "access", "faccessat", "faccessat2", "readlink", "readlinkat",
    "getdents64", "getcwd", "mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink",
    "unlinkat", "rmdir", "link", "linkat", "fchmod", "fchmodat", "chmod", "ftruncate",
    "truncate", "fsync", "fdatasync", "fallocate", "flock", "fcntl", "dup", "dup2", "dup3",
    "pipe", "pipe2", "utimensat", "umask", "inotify_init1", "inotify_add_watch",
    "inotify_rm_watch",
    /* memory */
    "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "msync", "mincore",
    /* signals, time, event loop */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait", "sigaltstack",
    "tgkill", "tkill", "restart_syscall", "poll", "ppoll", "select", "pselect6",
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
    "eventfd", "eventfd2", "timerfd_create", "timerfd_settime", "timerfd_gettime",
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "setitimer", "getitimer",
    /* network: HTTP endpoint, Kafka, DNS (socket() itself is limited by family below) */
    "connect", "bind", "listen", "accept", "accept4", "getsockname", "getpeername",
    "getsockopt", "setsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
    "recvmmsg", "shutdown", "socketpair", "ioctl",
    /* threads (librdkafka, the detection worker) and process facts */
    "futex", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "clone",
    "clone3", "exit", "exit_group", "getpid", "gettid", "getppid", "getuid", "geteuid",
    "getgid", "getegid", "getgroups", "getresuid", "getresgid", "getrandom", "uname",
    "sysinfo", "getrusage", "times", "prlimit64", "getrlimit", "sched_yield",
    "sched_getaffinity", "sched_getparam", "sched_getscheduler", "prctl", "arch_prctl",
    "getcpu", "membarrier",
#ifdef IG_SANITIZED
    /* LeakSanitizer stops the world with ptrace from a helper task at exit (test builds). */
    "ptrace", "wait4", "waitpid", "process_vm_readv", "getdents", "sched_setaffinity",
#endif
};

static const char *const fatal_calls[] = {
    "execve", "execveat",
#ifndef IG_SANITIZED
    "ptrace", "process_vm_readv",
#endif
    "process_vm_writev",
};

static const int socket_families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };

int ig_privdrop_parse_user(const char *spec, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
    char user[64], group[64] = "";
    const char *colon = strchr(spec, ':');
    size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (ulen == 0 || ulen >= sizeof user || (colon && (!colon[1] || strlen(colon + 1) >= sizeof group))) {
        snprintf(err, errlen, "run.user '%s' is not UID[:GID] or NAME[:GROUP]", spec);
        return IG_ECONF;
    }
    memcpy(user, spec, ulen);
    user[ulen] = 0;
    if (colon)
        snprintf(group, sizeof group, "%s", colon + 1);
    char *end;
    unsigned long n = strtoul(user, &end, 10);
    bool have_gid = false;
    if (*end == 0 && n < 0xffffffffu) {
        *uid = (uid_t)n;
        *gid = (gid_t)n;
    } else {
        struct passwd *pw = getpwnam(user);
        if (!pw) {
            snprintf(err, errlen, "run.user: no user '%s'", user);
            return IG_ECONF;
        }
        *uid = pw->pw_uid;
        *gid = pw->pw_gid;
        have_gid = true;
    }
    (void)have_gid;
    if (group[0]) {
        n = strtoul(group, &end, 10);
        if (*end == 0 && n < 0xffffffffu) {
            *gid = (gid_t)n;
        } else {
            struct group *gr = getgrnam(group);
            if (!gr) {
                snprintf(err, errlen, "run.user: no group '%s'", group);
                return IG_ECONF;
            }
            *gid = gr->gr_gid;
        }
    }
    if (*uid == 0) {
        snprintf(err, errlen, "run.user '%s' is root: name the unprivileged user to run as", spec);
        return IG_ECONF;
    }
    return IG_OK;
}

/* Empties the permitted, effective and inheritable sets and the ambient set. */
static int drop_caps(char *err, size_t errlen)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        snprintf(err, errlen, "cannot clear ambient capabilities: %s", strerror(errno));
        return IG_EIO;
    }
    if (syscall(SYS_capset, &h, d) != 0) {
        snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
        return IG_EIO;
    }
    return IG_OK;
}

static int install_seccomp(bool log_only, unsigned *allowed, char *err, size_t errlen)
{
    scmp_filter_ctx ctx = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(EPERM));
    if (!ctx) {
        snprintf(err, errlen, "seccomp: cannot create a filter");
        return IG_EIO;
    }
    int rc = 0;
    *allowed = 0;
    for (size_t i = 0; i < IG_ARRAY_LEN(allowed_calls) && rc == 0; i++) {
        int nr = seccomp_syscall_resolve_name(allowed_calls[i]);
        if (nr == __NR_SCMP_ERROR)
            continue;   /* not on this architecture */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
        *allowed += rc == 0;
    }
    /* New sockets only of the families the daemon uses: never a packet socket again. */
    for (size_t i = 0; i < IG_ARRAY_LEN(socket_families) && rc == 0; i++)
    {
        struct scmp_arg_cmp family = { .arg = 0, .op = SCMP_CMP_EQ,
                                       .datum_a = (scmp_datum_t)socket_families[i], .datum_b = 0 };
        rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, &family);
    }
    if (!log_only)
        for (size_t i = 0; i < IG_ARRAY_LEN(fatal_calls) && rc == 0; i++) {
            int nr = seccomp_syscall_resolve_name(fatal_calls[i]);
            if (nr != __NR_SCMP_ERROR)
                rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, nr, 0);
        }
    if (rc == 0)
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0) {
        snprintf(err, errlen, "seccomp: cannot install the filter: %s", strerror(-rc));
        return IG_EIO;
    }
    return IG_OK;
}

int ig_privdrop_apply(const char *user, const char *seccomp, struct ig_privdrop_result *out,
                      char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (user && *user) {
        uid_t uid;
        gid_t gid;
        if (ig_privdrop_parse_user(user, &uid, &gid, err, errlen) != IG_OK)
            return IG_ECONF;
        if (geteuid() == 0) {
            /* Groups first (needs CAP_SETGID), then the uid: leaving uid 0 clears the
             * permitted and effective capability sets. */
            if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) {
                snprintf(err, errlen, "cannot switch to %s (uid %u gid %u): %s (the container needs "
                         "CAP_SETUID and CAP_SETGID)", user, (unsigned)uid, (unsigned)gid, strerror(errno));
                return IG_ECONF;
            }
            out->switched = true;
        } else if (geteuid() != uid) {
            snprintf(err, errlen, "run.user %s: started as uid %u, not root, so it cannot switch",
                     user, (unsigned)geteuid());
            return IG_ECONF;
        }
        if (setuid(0) == 0 || seteuid(0) == 0) {
            snprintf(err, errlen, "could regain root after switching to %s: refusing to run", user);
            return IG_EIO;
        }
    }
    if (drop_caps(err, errlen) != IG_OK)
        return IG_EIO;
    out->uid = geteuid();
    out->gid = getegid();
    if (!seccomp || strcmp(seccomp, "off") == 0)
        return IG_OK;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
        return IG_EIO;
    }
    if (install_seccomp(strcmp(seccomp, "log") == 0, &out->allowed, err, errlen) != IG_OK)
        return IG_EIO;
    out->seccomp = true;
    return IG_OK;
}
