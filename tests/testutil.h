/*
 * testutil.h - helpers the unit tests share. Include after <cmocka.h>.
 */
#ifndef TOCSIN_TESTS_TESTUTIL_H
#define TOCSIN_TESTS_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

/* A malloc'd copy of exactly n bytes, without a terminating NUL, so that
 * ASan reports any read past n by the code under test. Caller frees. */
static inline char *
test_exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);

    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

#endif
