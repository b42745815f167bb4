#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

static void
append_and_terminate(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 100);
    assert_string_equal(buf_str(&b), "");
    assert_int_equal(buf_appends(&b, "abc"), TOCSIN_OK);
    assert_int_equal(buf_appendc(&b, 'd'), TOCSIN_OK);
    assert_int_equal(buf_append(&b, "efgh", 2), TOCSIN_OK);
    assert_string_equal(buf_str(&b), "abcdef");
    assert_int_equal(buf_len(&b), 6);
    buf_free(&b);
}

static void
maximum_is_enforced(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 5);
    assert_int_equal(buf_appends(&b, "12345"), TOCSIN_OK);
    assert_int_equal(buf_appendc(&b, '6'), TOCSIN_ELIMIT);
    /* a failed append leaves the buffer as it was */
    assert_string_equal(buf_str(&b), "12345");
    buf_reset(&b);
    assert_int_equal(buf_printf(&b, "%d", 123456), TOCSIN_ELIMIT);
    assert_string_equal(buf_str(&b), "");
    buf_free(&b);
}

static void
printf_grows(void **state)
{
    struct buf b;
    int i;

    (void)state;
    buf_init(&b, 1 << 20);
    for (i = 0; i < 1000; i++)
        assert_int_equal(buf_printf(&b, "%04d,", i), TOCSIN_OK);
    assert_int_equal(buf_len(&b), 5000);
    assert_memory_equal(buf_str(&b) + 4995, "0999,", 5);
    buf_free(&b);
}

/* A printf that does not fit in the room there is grows the buffer and
 * writes it whole; one that would pass the maximum leaves the content as
 * it was, with nothing of the attempt behind its end. */
static void
printf_fits_or_not(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 100);
    assert_int_equal(buf_appends(&b, "ab"), TOCSIN_OK); /* cap 64 */
    assert_int_equal(buf_printf(&b, "%s", "0123456789"), TOCSIN_OK);
    assert_string_equal(buf_str(&b), "ab0123456789");
    assert_int_equal(buf_printf(&b, "%60s|", "x"), TOCSIN_OK); /* grows */
    assert_int_equal(buf_len(&b), 12 + 61);
    assert_memory_equal(buf_str(&b) + 12 + 59, "x|", 3);
    assert_int_equal(buf_printf(&b, "%40s", "y"), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&b), 73);
    assert_int_equal(buf_str(&b)[73], '\0');
    buf_free(&b);
}

static void
truncate_and_detach(void **state)
{
    struct buf b;
    size_t len;
    char *s;

    (void)state;
    buf_init(&b, 64);
    assert_int_equal(buf_appends(&b, "hello world"), TOCSIN_OK);
    buf_truncate(&b, 5);
    assert_string_equal(buf_str(&b), "hello");
    s = buf_detach(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_int_equal(buf_len(&b), 0);
    free(s);
    s = buf_detach(&b, &len); /* an empty buffer detaches "" */
    assert_string_equal(s, "");
    free(s);
}

static int fail_realloc_calls;

static void *
failing_realloc(void *p, size_t n)
{
    (void)p;
    (void)n;
    fail_realloc_calls++;
    return NULL;
}

static void
allocation_failure_is_reported(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 1000);
    buf_set_realloc(failing_realloc);
    assert_int_equal(buf_appends(&b, "x"), TOCSIN_ENOMEM);
    buf_set_realloc(NULL);
    assert_int_equal(fail_realloc_calls, 1);
    assert_int_equal(buf_len(&b), 0);
    assert_int_equal(buf_appends(&b, "x"), TOCSIN_OK);
    buf_wipe(&b);
    assert_null(b.data);
}

static void
overflowing_length_is_refused(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, SIZE_MAX - 1);
    assert_int_equal(buf_appends(&b, "ab"), TOCSIN_OK);
    assert_int_equal(buf_append(&b, "", SIZE_MAX - 1), TOCSIN_ELIMIT);
    buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(append_and_terminate),
        cmocka_unit_test(maximum_is_enforced),
        cmocka_unit_test(printf_grows),
        cmocka_unit_test(printf_fits_or_not),
        cmocka_unit_test(truncate_and_detach),
        cmocka_unit_test(allocation_failure_is_reported),
        cmocka_unit_test(overflowing_length_is_refused),
    };

    return cmocka_run_group_tests_name("util_buf", tests, NULL, NULL);
}
