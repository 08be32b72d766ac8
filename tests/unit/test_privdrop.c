/* run's least privilege: user specs parse; after ig_privdrop_apply (in a forked child, since
 * it is for good) no capability is left, NoNewPrivs is set, a packet socket can no longer be
 * opened, ordinary sockets and files still work, and execve kills the process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inferguard/base.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/privdrop.h"

static void test_parse_user(void **st)
{
    (void)st;
    uid_t u;
    gid_t g;
    char err[256];
    assert_int_equal(ig_privdrop_parse_user("65532", &u, &g, err, sizeof err), IG_OK);
    assert_int_equal(u, 65532);
    assert_int_equal(g, 65532);
    assert_int_equal(ig_privdrop_parse_user("65532:100", &u, &g, err, sizeof err), IG_OK);
    assert_int_equal(u, 65532);
    assert_int_equal(g, 100);
    assert_int_equal(ig_privdrop_parse_user("nobody", &u, &g, err, sizeof err), IG_OK);
    assert_int_equal(u, 65534);
    assert_int_equal(ig_privdrop_parse_user("0", &u, &g, err, sizeof err), IG_ECONF);
    assert_non_null(strstr(err, "root"));
    assert_int_equal(ig_privdrop_parse_user("no-such-user-x", &u, &g, err, sizeof err), IG_ECONF);
    assert_int_equal(ig_privdrop_parse_user("1:", &u, &g, err, sizeof err), IG_ECONF);
    assert_int_equal(ig_privdrop_parse_user(":1", &u, &g, err, sizeof err), IG_ECONF);
}

static unsigned long long status_hex(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long v = ~0ull;
    size_t n = strlen(key);
    while (fp && fgets(line, sizeof line, fp))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            v = strtoull(line + n + 1, NULL, 16);
    if (fp)
        fclose(fp);
    return v;
}

/* Child: 0 when every check holds, else the number of the failed check. */
static int child_checks(void)
{
    struct ig_privdrop_result r;
    char err[256];
    if (ig_privdrop_apply("", "on", &r, err, sizeof err) != IG_OK)
        return 1;
    if (!r.seccomp || r.allowed < 50)
        return 2;
    if (status_hex("CapEff") != 0 || status_hex("CapPrm") != 0 || status_hex("CapAmb") != 0)
        return 3;
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return 4;
    errno = 0;
    if (socket(AF_PACKET, SOCK_RAW, 0) >= 0 || errno != EPERM)
        return 5;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return 6;
    close(s);
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0)
        return 7;
    close(fd);
    char *argv[] = { "/bin/true", NULL };
    execv(argv[0], argv);
    return 8;   /* not reached: execve kills */
}

static void test_apply_in_child(void **st)
{
    (void)st;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_checks());
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status))
        fail_msg("child exited with check %d failed (8: execve was not stopped)", WEXITSTATUS(status));
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void test_switch_needs_root(void **st)
{
    (void)st;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ig_privdrop_result r;
        char err[256];
        /* as root, become someone else first: the switch from root itself is
         * test_privileges.sh's (setpriv, as Kubernetes grants capabilities) */
        if (geteuid() == 0 && (setresgid(12345, 12345, 12345) != 0 || setresuid(12345, 12345, 12345) != 0))
            _exit(2);
        _exit(ig_privdrop_apply("65532", "off", &r, err, sizeof err) == IG_ECONF ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_user),
        cmocka_unit_test(test_apply_in_child),
        cmocka_unit_test(test_switch_needs_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
