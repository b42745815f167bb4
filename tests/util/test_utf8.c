/* Tests of util/utf8.h: the UTF-8 sequence check every text path uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "util/utf8.h"

/* utf8_seq() (when valid is NULL) or utf8_valid_prefix() (into *valid)
 * of s[0..n), in a buffer of exactly n bytes: ASan sees any read past n. */
static int
run(const char *s, size_t n, size_t *valid)
{
    unsigned char *p = (unsigned char *)test_exact(s, n);
    int k = 0;

    if (valid != NULL)
        *valid = utf8_valid_prefix(p, n);
    else
        k = utf8_seq(p, n);
    free(p);
    return k;
}

static int
seq(const char *s, size_t n)
{
    return run(s, n, NULL);
}

static size_t
prefix(const char *s, size_t n)
{
    size_t valid;

    run(s, n, &valid);
    return valid;
}

#define SEQ(lit)    seq(lit, sizeof(lit) - 1)
#define PREFIX(lit) prefix(lit, sizeof(lit) - 1)

static void
seq_boundaries(void **state)
{
    (void)state;
    /* two octets: U+0080..U+07FF */
    assert_int_equal(SEQ("\xc2\x80"), 2);
    assert_int_equal(SEQ("\xdf\xbf"), 2);
    assert_int_equal(SEQ("\xc0\x80"), 0); /* overlong U+0000 */
    assert_int_equal(SEQ("\xc1\xbf"), 0); /* overlong U+007F */
    assert_int_equal(SEQ("\xc2\x7f"), 0); /* no continuation */
    assert_int_equal(SEQ("\xc2\xc0"), 0);
    /* three octets: U+0800..U+FFFF without the surrogates */
    assert_int_equal(SEQ("\xe0\xa0\x80"), 3);
    assert_int_equal(SEQ("\xe0\x9f\xbf"), 0); /* overlong U+07FF */
    assert_int_equal(SEQ("\xe0\x80\x80"), 0); /* overlong U+0000 */
    assert_int_equal(SEQ("\xed\x9f\xbf"), 3); /* U+D7FF */
    assert_int_equal(SEQ("\xed\xa0\x80"), 0); /* U+D800 */
    assert_int_equal(SEQ("\xed\xbf\xbf"), 0); /* U+DFFF */
    assert_int_equal(SEQ("\xee\x80\x80"), 3); /* U+E000 */
    assert_int_equal(SEQ("\xef\xbf\xbf"), 3); /* U+FFFF */
    assert_int_equal(SEQ("\xe2\x82\xac"), 3); /* the euro sign */
    assert_int_equal(SEQ("\xe2\x28\xa1"), 0);
    assert_int_equal(SEQ("\xe2\x82\x28"), 0);
    /* four octets: U+10000..U+10FFFF */
    assert_int_equal(SEQ("\xf0\x90\x80\x80"), 4);
    assert_int_equal(SEQ("\xf0\x8f\xbf\xbf"), 0); /* overlong U+FFFF */
    assert_int_equal(SEQ("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
    assert_int_equal(SEQ("\xf4\x90\x80\x80"), 0); /* U+110000 */
    assert_int_equal(SEQ("\xf0\x9f\x98\x80"), 4);
    assert_int_equal(SEQ("\xf0\x9f\x98\x28"), 0);
    /* lead octets that are never valid, stray continuations */
    assert_int_equal(SEQ("\xf5\x80\x80\x80"), 0);
    assert_int_equal(SEQ("\xf5"), 0);
    assert_int_equal(SEQ("\xf8\x88\x80\x80\x80"), 0);
    assert_int_equal(SEQ("\xff"), 0);
    assert_int_equal(SEQ("\x80"), 0);
    assert_int_equal(SEQ("\xbf\xbf"), 0);
    /* only the first sequence counts */
    assert_int_equal(SEQ("\xc3\xa9\xff"), 2);
}

static void
seq_truncated(void **state)
{
    (void)state;
    /* a well-formed start cut off by n: -1 */
    assert_int_equal(SEQ("\xc2"), -1);
    assert_int_equal(SEQ("\xdf"), -1);
    assert_int_equal(SEQ("\xe0"), -1);
    assert_int_equal(SEQ("\xe0\xa0"), -1);
    assert_int_equal(SEQ("\xe2\x82"), -1);
    assert_int_equal(SEQ("\xed\x9f"), -1);
    assert_int_equal(SEQ("\xf0"), -1);
    assert_int_equal(SEQ("\xf0\x90"), -1);
    assert_int_equal(SEQ("\xf0\x90\x80"), -1);
    assert_int_equal(SEQ("\xf4\x8f\xbf"), -1);
    /* a malformed start is malformed, however short */
    assert_int_equal(SEQ("\xe0\x9f"), 0);
    assert_int_equal(SEQ("\xed\xa0"), 0);
    assert_int_equal(SEQ("\xf0\x8f"), 0);
    assert_int_equal(SEQ("\xf4\x90"), 0);
    assert_int_equal(SEQ("\xf0\x90\x28"), 0);
    assert_int_equal(SEQ("\xc0"), 0);
    /* n longer than the sequence: only the sequence is read */
    assert_int_equal(seq("\xe2\x82\xac", 2), -1);
    assert_int_equal(seq("\xe2\x82\xac", 3), 3);
}

static void
valid_prefix(void **state)
{
    (void)state;
    assert_int_equal(prefix("", 0), 0);
    assert_int_equal(PREFIX("plain ascii text longer than eight bytes"), 40);
    assert_int_equal(PREFIX("caf\xc3\xa9"), 5);
    assert_int_equal(PREFIX("\xe2\x82\xac euro"), 8);
    assert_int_equal(PREFIX("\xf0\x9f\x98\x80"), 4);
    assert_int_equal(PREFIX("\xf4\x8f\xbf\xbf"), 4);
    assert_int_equal(PREFIX("\xed\x9f\xbf"), 3);
    assert_int_equal(PREFIX("\xee\x80\x80"), 3);
    /* NUL and other controls are well-formed */
    assert_int_equal(PREFIX("a\0b\x01\x7f"), 5);
    assert_int_equal(PREFIX("abcdefgh\x80"), 8); /* lone continuation */
    assert_int_equal(PREFIX("ab\xc0\x80"), 2);   /* overlong NUL */
    assert_int_equal(PREFIX("\xc1\xbf"), 0);
    assert_int_equal(PREFIX("\xe0\x80\xaf"), 0);
    assert_int_equal(PREFIX("\xf0\x80\x80\xaf"), 0);
    assert_int_equal(PREFIX("\xed\xa0\x80"), 0);      /* surrogate */
    assert_int_equal(PREFIX("x\xf4\x90\x80\x80"), 1); /* above U+10FFFF */
    assert_int_equal(PREFIX("\xf5\x80\x80\x80"), 0);
    assert_int_equal(PREFIX("\xff"), 0);
    assert_int_equal(PREFIX("ok \xc3"), 3);     /* cut short */
    assert_int_equal(PREFIX("ok \xe2\x82"), 3); /* cut short */
    assert_int_equal(PREFIX("\xc3\xa9\xc3"), 2);
    assert_int_equal(PREFIX("0123456789abcdef\xe2\x28\xa1"), 16);
    /* past the word-at-a-time run: every position of the bad octet */
    {
        char s[40];
        size_t i;

        for (i = 0; i < 24; i++) {
            memset(s, 'a', sizeof(s));
            memcpy(s + i, "\xc3\xa9", 2);
            s[i + 2 + (i % 9)] = '\xa9';
            assert_int_equal(prefix(s, sizeof(s)), i + 2 + (i % 9));
        }
    }
}

/* utf8_decode(): the code point and the length of each well-formed
 * sequence; 0 for the malformed and the cut short. */
static void
decode(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        int len;
        uint32_t cp;
    } c[] = {
        {"A", 1, 1, 0x41},
        {"\x7f", 1, 1, 0x7f},
        {"\xc3\xa9", 2, 2, 0xe9},            /* é */
        {"\xc2\x80", 2, 2, 0x80},            /* the first two-octet one */
        {"\xe2\x82\xac", 3, 3, 0x20ac},      /* € */
        {"\xef\xbf\xbd", 3, 3, 0xfffd},      /* the replacement char */
        {"\xf0\x9f\x98\x80", 4, 4, 0x1f600}, /* an emoji */
        {"\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff},
        {"\xc3", 1, 0, 0},             /* cut short */
        {"\xe2\x82", 2, 0, 0},         /* cut short */
        {"\xc0\x80", 2, 0, 0},         /* overlong NUL */
        {"\xed\xa0\x80", 3, 0, 0},     /* a surrogate */
        {"\xf4\x90\x80\x80", 4, 0, 0}, /* above U+10FFFF */
        {"\x80", 1, 0, 0},             /* a stray continuation */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        unsigned char *p = (unsigned char *)test_exact(c[i].s, c[i].n);
        uint32_t cp = 12345;

        assert_int_equal(utf8_decode(p, c[i].n, &cp), c[i].len);
        assert_int_equal(cp, c[i].cp);
        free(p);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seq_boundaries),
        cmocka_unit_test(seq_truncated),
        cmocka_unit_test(valid_prefix),
        cmocka_unit_test(decode),
    };

    return cmocka_run_group_tests_name("util_utf8", tests, NULL, NULL);
}
