/* The spool: order, commit and segment deletion, recovery after a crash (torn last record
 * detected by CRC, counted, ignored), the byte cap (oldest dropped, counted), and a damaged
 * committed-offset slot. Real files in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinks/spool.h"

static char g_parent[64], g_dir[128];

/* Each test gets a fresh private directory; the spool creates <parent>/spool itself. */
static int setup(void **st)
{
    (void)st;
    snprintf(g_parent, sizeof g_parent, "/tmp/ig-test-spool.XXXXXX");
    if (!mkdtemp(g_parent))
        return -1;
    snprintf(g_dir, sizeof g_dir, "%s/spool", g_parent);
    return 0;
}
static int teardown(void **st)
{
    (void)st;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_parent);
    return system(cmd);
}

static struct ig_spool *open_sp(uint64_t max, uint64_t segb, struct ig_spool_stats *sst)
{
    struct ig_spool_opts o = { g_dir, max, segb, IG_SPOOL_FSYNC_BATCH };
    struct ig_spool *s = NULL;
    char err[256] = "";
    if (ig_spool_open(&o, &s, err, sizeof err) != IG_OK)
        fprintf(stderr, "%s\n", err);
    assert_non_null(s);
    if (sst)
        ig_spool_stats(s, sst);
    return s;
}

static void put(struct ig_spool *s, int i)
{
    char rec[64];
    int n = snprintf(rec, sizeof rec, "finding-%06d", i);
    uint64_t seq;
    assert_int_equal(ig_spool_append(s, rec, (size_t)n, &seq), IG_OK);
}

/* Reads everything from the cursor; returns count, checks the records are i, i+1, ... */
static int drain(struct ig_spool *s, int expect_first, uint64_t *last_seq)
{
    char buf[256];
    size_t n;
    uint64_t seq, prev = 0;
    int count = 0;
    while (ig_spool_peek(s, buf, sizeof buf, &n, &seq) == IG_OK) {
        char want[64];
        snprintf(want, sizeof want, "finding-%06d", expect_first + count);
        buf[n] = 0;
        assert_string_equal(buf, want);
        assert_true(seq > prev);
        prev = seq;
        ig_spool_advance(s);
        count++;
    }
    if (last_seq)
        *last_seq = prev;
    return count;
}

static int count_segments(void)
{
    DIR *d = opendir(g_dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)))
        n += strncmp(de->d_name, "seg-", 4) == 0;
    closedir(d);
    return n;
}

static void test_order_commit_and_recovery(void **st)
{
    (void)st;
    struct ig_spool *s = open_sp(1 << 20, 4096, NULL);
    for (int i = 0; i < 500; i++)
        put(s, i);
    uint64_t last;
    assert_int_equal(drain(s, 0, &last), 500);
    assert_int_equal(last, 500);
    assert_true(count_segments() > 3);
    assert_int_equal(ig_spool_commit(s, 300), IG_OK);   /* records 0..299 delivered */
    int segs_after = count_segments();
    assert_true(segs_after < 5);
    ig_spool_close(s);

    /* a restart replays exactly the undelivered ones, in order, then continues numbering */
    struct ig_spool_stats sst;
    s = open_sp(1 << 20, 4096, &sst);
    assert_int_equal(sst.recovered, 200);
    assert_int_equal(sst.torn, 0);
    assert_int_equal(ig_spool_committed(s), 300);
    assert_int_equal(drain(s, 300, NULL), 200);
    assert_int_equal(ig_spool_next_seq(s), 501);
    assert_int_equal(ig_spool_commit(s, 500), IG_OK);
    ig_spool_close(s);
    s = open_sp(1 << 20, 4096, &sst);
    assert_int_equal(sst.recovered, 0);
    assert_int_equal(drain(s, 0, NULL), 0);
    ig_spool_close(s);
}

static void last_segment(char *path, size_t cap)
{
    DIR *d = opendir(g_dir);
    struct dirent *de;
    char best[256] = "";
    while ((de = readdir(d)))
        if (strncmp(de->d_name, "seg-", 4) == 0 && strcmp(de->d_name, best) > 0)
            snprintf(best, sizeof best, "%s", de->d_name);
    closedir(d);
    snprintf(path, cap, "%s/%s", g_dir, best);
}

static void test_torn_last_record_is_detected_and_ignored(void **st)
{
    (void)st;
    struct ig_spool *s = open_sp(1 << 20, 0, NULL);
    for (int i = 0; i < 10; i++)
        put(s, i);
    ig_spool_close(s);
    char path[300];
    last_segment(path, sizeof path);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);

    /* a crash mid-append: the last record is cut short */
    assert_int_equal(truncate(path, sb.st_size - 5), 0);
    struct ig_spool_stats sst;
    s = open_sp(1 << 20, 0, &sst);
    assert_int_equal(sst.torn, 1);
    assert_int_equal(sst.recovered, 9);
    assert_int_equal(drain(s, 0, NULL), 9);
    put(s, 9);                                   /* appends go on after the good ones */
    assert_int_equal(drain(s, 9, NULL), 1);
    ig_spool_close(s);

    /* a flipped payload byte in the last record: the CRC catches it */
    last_segment(path, sizeof path);
    assert_int_equal(stat(path, &sb), 0);
    int fd = open(path, O_RDWR);
    char c;
    assert_int_equal(pread(fd, &c, 1, sb.st_size - 1), 1);
    c ^= 0x40;
    assert_int_equal(pwrite(fd, &c, 1, sb.st_size - 1), 1);
    close(fd);
    s = open_sp(1 << 20, 0, &sst);
    assert_int_equal(sst.torn, 1);
    assert_int_equal(sst.recovered, 9);
    assert_int_equal(drain(s, 0, NULL), 9);
    ig_spool_close(s);
}

static void test_cap_drops_oldest_counted(void **st)
{
    (void)st;
    struct ig_spool *s = open_sp(8192, 2048, NULL);
    for (int i = 0; i < 1000; i++)
        put(s, i);
    struct ig_spool_stats sst;
    ig_spool_stats(s, &sst);
    assert_true(sst.bytes <= 8192);
    assert_true(sst.dropped_segments > 0);
    /* what is left is the newest, in order, and dropped + left = all */
    char buf[64];
    size_t n;
    uint64_t seq;
    assert_int_equal(ig_spool_peek(s, buf, sizeof buf, &n, &seq), IG_OK);
    buf[n] = 0;
    int first = atoi(buf + 8);
    int left = drain(s, first, NULL);
    assert_int_equal(first + left, 1000);
    assert_int_equal(sst.dropped_records, (uint64_t)first);
    /* a record bigger than the whole cap is refused and counted, not written */
    static char big[9000];
    assert_int_equal(ig_spool_append(s, big, sizeof big, &seq), IG_ELIMIT);
    ig_spool_close(s);
}

static void test_damaged_commit_slot_falls_back(void **st)
{
    (void)st;
    struct ig_spool *s = open_sp(1 << 20, 0, NULL);
    for (int i = 0; i < 10; i++)
        put(s, i);
    ig_spool_commit(s, 3);   /* gen 1 -> slot 1 */
    ig_spool_commit(s, 6);   /* gen 2 -> slot 0 */
    ig_spool_close(s);
    char path[300];
    snprintf(path, sizeof path, "%s/committed", g_dir);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "XXXX", 4, 2), 4);   /* torn write of the newest slot */
    close(fd);
    struct ig_spool_stats sst;
    s = open_sp(1 << 20, 0, &sst);
    assert_int_equal(ig_spool_committed(s), 3);     /* older valid slot: at-least-once */
    assert_int_equal(drain(s, 3, NULL), 7);
    ig_spool_close(s);
}

static void test_damage_after_open_skips_segment_counted(void **st)
{
    (void)st;
    struct ig_spool *s = open_sp(1 << 20, 0, NULL);
    for (int i = 0; i < 5; i++)
        put(s, i);
    char path[300], buf[8];
    last_segment(path, sizeof path);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    char c = 'X';
    assert_int_equal(pwrite(fd, &c, 1, 2 * (24 + 14) + 24 + 3), 1);   /* payload of record 2 */
    close(fd);
    size_t n;
    uint64_t seq;
    /* too small a buffer: ELIMIT with the size needed, and the record can be skipped */
    assert_int_equal(ig_spool_peek(s, buf, 4, &n, &seq), IG_ELIMIT);
    assert_int_equal(n, 14);
    assert_int_equal(drain(s, 0, NULL), 2);   /* 0 and 1, then the damaged one ends it */
    struct ig_spool_stats sst;
    ig_spool_stats(s, &sst);
    assert_int_equal(sst.torn, 1);
    put(s, 5);
    assert_int_equal(drain(s, 5, NULL), 1);   /* later appends are read again */
    ig_spool_close(s);
}

static void test_options(void **st)
{
    (void)st;
    enum ig_spool_fsync f;
    assert_true(ig_spool_fsync_parse("always", &f) && f == IG_SPOOL_FSYNC_ALWAYS);
    assert_true(ig_spool_fsync_parse("batch", &f) && f == IG_SPOOL_FSYNC_BATCH);
    assert_true(ig_spool_fsync_parse("never", &f) && f == IG_SPOOL_FSYNC_NEVER);
    assert_false(ig_spool_fsync_parse("sometimes", &f));
    struct ig_spool_opts o = { "", 1 << 20, 0, IG_SPOOL_FSYNC_NEVER };
    struct ig_spool *s;
    char err[256];
    assert_int_equal(ig_spool_open(&o, &s, err, sizeof err), IG_ECONF);
    o.dir = "/proc/definitely/not/writable";
    assert_true(ig_spool_open(&o, &s, err, sizeof err) < 0);
    assert_non_null(strstr(err, "spool"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_commit_and_recovery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_last_record_is_detected_and_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_drops_oldest_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_commit_slot_falls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damage_after_open_skips_segment_counted, setup, teardown),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
