/*
 * testutil.h - helpers the unit tests share. Include after <cmocka.h>.
 */
#ifndef TOCSIN_TESTS_TESTUTIL_H
#define TOCSIN_TESTS_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* A new empty directory /tmp/tocsin-NAME-XXXXXX into dir[size]. */
static inline void
test_tmpdir(char *dir, size_t size, const char *name)
{
    assert_true((size_t)snprintf(dir, size, "/tmp/tocsin-%s-XXXXXX", name) <
                size);
    assert_non_null(mkdtemp(dir));
}

static inline int
test_rm_entry(const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove the tree at dir, as rm -rf would. */
static inline void
test_rmtree(const char *dir)
{
    nftw(dir, test_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
