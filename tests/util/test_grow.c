/* Tests of util/grow.h: the room of a growing array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/grow.h"

/* From nothing: first, then doubling; the values kept across each move. */
static void
test_doubling(void **state)
{
    int *v = NULL, *p;
    size_t cap = 0, n, seen[4] = {0}, k = 0;

    (void)state;
    for (n = 0; n < 100; n++) {
        size_t before = cap;

        p = grow(v, &cap, n + 1, sizeof(*v), 8);
        assert_non_null(p);
        v = p;
        if (cap != before && k < 4)
            seen[k++] = cap;
        v[n] = (int)n * 3;
    }
    assert_int_equal(seen[0], 8);
    assert_int_equal(seen[1], 16);
    assert_int_equal(seen[2], 32);
    assert_int_equal(seen[3], 64);
    assert_int_equal(cap, 128);
    for (n = 0; n < 100; n++)
        assert_int_equal(v[n], (int)n * 3);
    free(v);
}

/* Room already there: the same array, cap as it was. */
static void
test_room_enough(void **state)
{
    size_t cap = 10;
    char *v = malloc(cap), *p;

    (void)state;
    assert_non_null(v);
    p = grow(v, &cap, 10, 1, 4);
    assert_ptr_equal(p, v);
    assert_int_equal(cap, 10);
    free(v);
}

/* A need past twice the room: exactly the need. */
static void
test_big_need(void **state)
{
    size_t cap = 4;
    double *v = malloc(cap * sizeof(*v)), *p;

    (void)state;
    assert_non_null(v);
    v[3] = 1.5;
    p = grow(v, &cap, 1000, sizeof(*v), 4);
    assert_non_null(p);
    assert_int_equal(cap, 1000);
    assert_true(p[3] == 1.5);
    free(p);
}

/* More than a size_t can count: NULL, and the caller keeps its array. */
static void
test_overflow(void **state)
{
    size_t cap = 2;
    uint64_t *v = malloc(cap * sizeof(*v)), *p;

    (void)state;
    assert_non_null(v);
    v[1] = 7;
    p = grow(v, &cap, SIZE_MAX / 4, sizeof(*v), 2);
    assert_null(p);
    assert_int_equal(cap, 2);
    assert_int_equal(v[1], 7);
    p = grow(v, &cap, 3, 0, 2);
    assert_null(p);
    free(v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubling),
        cmocka_unit_test(test_room_enough),
        cmocka_unit_test(test_big_need),
        cmocka_unit_test(test_overflow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
