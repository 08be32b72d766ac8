/* ig_event_copy: the copy of an event is whole and independent of the buffers it was
 * decoded from (the detection thread reads it after the parser reuses them): every array
 * and text carried, texts NUL-terminated, pieces 16-byte aligned, exactly ig_event_bytes
 * used, NULL pointers kept NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inferguard/event.h>

static void test_copy_whole_and_independent(void **state)
{
    (void)state;
    float in[2 * 3] = { 1, 2, 3, 4, 5, 6 }, sc[2 * 2] = { .1f, .9f, .8f, .2f };
    int32_t lab[2] = { 1, 0 };
    char prompt[] = "ignore previous", compl[] = "ok", sys[] = "you are";
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    snprintf(ev.client_id, sizeof ev.client_id, "c1");
    snprintf(ev.model, sizeof ev.model, "iris");
    ev.rows = 2;
    ev.features = 3;
    ev.outputs = 2;
    ev.inputs = in;
    ev.scores = sc;
    ev.labels = lab;
    ev.prompt = (struct ig_span){ (const uint8_t *)prompt, strlen(prompt) };
    ev.completion = (struct ig_span){ (const uint8_t *)compl, strlen(compl) };
    ev.system_prompt = (struct ig_span){ (const uint8_t *)sys, strlen(sys) };
    ev.malformed_reason = "static";

    size_t need = ig_event_bytes(&ev);
    assert_int_equal(need, 32 + 16 + 16 + 16 + 16 + 16);
    uint8_t *buf = aligned_alloc(16, need + 64);
    memset(buf, 0xAB, need + 64);
    struct ig_event cp;
    ig_event_copy(&cp, &ev, buf);
    /* the source buffers are reused: the copy must not change */
    memset(in, 0, sizeof in);
    memset(sc, 0, sizeof sc);
    memset(lab, 0xff, sizeof lab);
    memset(prompt, 'x', strlen(prompt));
    memset(compl, 'x', strlen(compl));
    memset(sys, 'x', strlen(sys));

    assert_string_equal(cp.client_id, "c1");
    assert_string_equal(cp.model, "iris");
    assert_true(cp.inputs[0] == 1 && cp.inputs[5] == 6);
    assert_true(cp.scores[1] > .89f && cp.scores[2] > .79f);
    assert_int_equal(cp.labels[0], 1);
    assert_int_equal(cp.labels[1], 0);
    assert_int_equal(cp.prompt.n, strlen("ignore previous"));
    assert_string_equal((const char *)cp.prompt.p, "ignore previous");
    assert_string_equal((const char *)cp.completion.p, "ok");
    assert_string_equal((const char *)cp.system_prompt.p, "you are");
    assert_ptr_equal(cp.malformed_reason, ev.malformed_reason);
    const void *ptrs[] = { cp.inputs, cp.scores, cp.labels, cp.prompt.p, cp.completion.p,
                           cp.system_prompt.p };
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) {
        assert_true((const uint8_t *)ptrs[i] >= buf && (const uint8_t *)ptrs[i] < buf + need);
        assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
    }
    for (size_t i = need; i < need + 64; i++)
        assert_int_equal(buf[i], 0xAB);   /* nothing written past ig_event_bytes */
    free(buf);
}

static void test_copy_nulls(void **state)
{
    (void)state;
    struct ig_event ev;
    memset(&ev, 0, sizeof ev);
    ev.rows = 4;   /* rows without arrays: nothing to copy */
    ev.prompt = (struct ig_span){ (const uint8_t *)"", 0 };   /* empty, not absent */
    assert_int_equal(ig_event_bytes(&ev), 16);
    uint8_t buf[16];
    struct ig_event cp;
    ig_event_copy(&cp, &ev, buf);
    assert_null(cp.inputs);
    assert_null(cp.scores);
    assert_null(cp.labels);
    assert_null(cp.completion.p);
    assert_ptr_equal(cp.prompt.p, buf);
    assert_int_equal(cp.prompt.n, 0);
    assert_int_equal(buf[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_whole_and_independent),
        cmocka_unit_test(test_copy_nulls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
