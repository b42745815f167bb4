/* Tests of ingest/address.h: postcodes, house numbers, address keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/address.h"
#include "util/limits.h"

/* A literal and its length, NULs inside included. */
#define IN(s) s, sizeof(s) - 1

static int
postcode(const char *s, size_t n, struct buf *out, unsigned *flags)
{
    char *p = test_exact(s, n);
    int rc = postcode_normalize(p, n, out, flags);

    free(p);
    return rc;
}

static int
housenr(const char *num, size_t nlen, const char *suf, size_t slen,
        struct housenr *h, unsigned *flags)
{
    char *pn = test_exact(num, nlen), *ps = test_exact(suf, slen);
    int rc = housenr_parse(pn, nlen, ps, slen, h, flags);

    free(pn);
    free(ps);
    return rc;
}

struct pc_case {
    const char *in;
    size_t len;
    int rc;
    const char *want;
    unsigned flags;
};

static const struct pc_case pc_cases[] = {
    {IN("1234AB"), 0, "1234 AB", 0},
    {IN("1234 AB"), 0, "1234 AB", 0},
    {IN("1234 ab"), 0, "1234 AB", 0},
    {IN("1234ab"), 0, "1234 AB", 0},
    {IN(" 1234-AB "), 0, "1234 AB", 0},
    {IN("1234  AB"), 0, "1234 AB", 0},
    {IN("1234 - ab"), 0, "1234 AB", 0},
    {IN("\t9999zz\r\n"), 0, "9999 ZZ", 0},
    {IN("1234\xc2\240AB"), 0, "1234 AB", 0},
    {IN("\xc2\2402595AN\xc2\xa0"), 0, "2595 AN", 0},
    {IN("1000aa"), 0, "1000 AA", 0},
    {IN("0123AB"), 0, "0123 AB", POSTCODE_INVALID},
    {IN("1234SA"), 0, "1234 SA", POSTCODE_INVALID},
    {IN("1234 sd"), 0, "1234 SD", POSTCODE_INVALID},
    {IN("1234-SS"), 0, "1234 SS", POSTCODE_INVALID},
    {IN("1234 SB"), 0, "1234 SB", 0},
    {IN("1234 AS"), 0, "1234 AS", 0},
    {IN("1000"), 0, "1000", POSTCODE_FOREIGN},
    {IN("10115"), 0, "10115", POSTCODE_FOREIGN},
    {IN("SW1A 1AA"), 0, "SW1A 1AA", POSTCODE_FOREIGN},
    {IN(" sw1a   1aa "), 0, "SW1A 1AA", POSTCODE_FOREIGN},
    {IN("B-1000"), 0, "B-1000", POSTCODE_FOREIGN},
    {IN("75008"), 0, "75008", POSTCODE_FOREIGN},
    {IN("1234 ABC"), 0, "1234 ABC", POSTCODE_FOREIGN},
    {IN("1234 A"), 0, "1234 A", POSTCODE_FOREIGN},
    {IN("12 34AB"), 0, "12 34AB", POSTCODE_FOREIGN},
    {IN("1234--AB"), 0, "1234--AB", POSTCODE_FOREIGN},
    {IN(""), TOCSIN_EFORMAT, "", 0},
    {IN("   "), TOCSIN_EFORMAT, "", 0},
    {IN("---"), TOCSIN_EFORMAT, "", 0},
    {IN("1234AB!"), TOCSIN_EFORMAT, "", 0},
    {IN("1234_AB"), TOCSIN_EFORMAT, "", 0},
    {IN("1234\0AB"), TOCSIN_EFORMAT, "", 0},
    {IN("1234\xc3\204B"), TOCSIN_EFORMAT, "", 0},
    {IN("1234\xc2"), TOCSIN_EFORMAT, "", 0},
};

static void
test_postcode(void **state)
{
    struct buf out;
    unsigned flags;
    size_t i;
    int rc;

    (void)state;
    buf_init(&out, 64);
    for (i = 0; i < sizeof(pc_cases) / sizeof(pc_cases[0]); i++) {
        const struct pc_case *c = &pc_cases[i];

        assert_int_equal(buf_appends(&out, "stale"), 0);
        flags = 99;
        rc = postcode(c->in, c->len, &out, &flags);
        if (rc != c->rc || strcmp(buf_str(&out), c->want) != 0 ||
            flags != c->flags)
            print_message("postcode \"%s\": %d \"%s\" %#x\n", c->in, rc,
                          buf_str(&out), flags);
        assert_int_equal(rc, c->rc);
        assert_string_equal(buf_str(&out), c->want);
        assert_int_equal(flags, c->flags);
    }
    buf_free(&out);
}

static void
test_postcode_limits(void **state)
{
    char big[LIMIT_POSTCODE_INPUT + 1];
    struct buf out, small;
    unsigned flags;

    (void)state;
    buf_init(&out, 256);
    memset(big, ' ', sizeof(big));
    memcpy(big + 30, "1234ab", 6);
    assert_int_equal(postcode(big, LIMIT_POSTCODE_INPUT, &out, &flags), 0);
    assert_string_equal(buf_str(&out), "1234 AB");
    assert_int_equal(postcode(big, LIMIT_POSTCODE_INPUT + 1, &out, &flags),
                     TOCSIN_EFORMAT);
    assert_int_equal(buf_len(&out), 0);
    /* Only len bytes are read. */
    assert_int_equal(postcode("1234AB junk", 6, &out, &flags), 0);
    assert_string_equal(buf_str(&out), "1234 AB");
    /* A buffer too small: its error, output empty. */
    buf_init(&small, 4);
    assert_int_equal(postcode("1234AB", 6, &small, &flags), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&small), 0);
    assert_int_equal(flags, 0);
    assert_int_equal(postcode("SW1A 1AA", 8, &small, &flags), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&small), 0);
    buf_free(&small);
    buf_free(&out);
}

struct hn_case {
    const char *num;
    size_t nlen;
    const char *suf;
    size_t slen;
    int rc;
    int number;
    const char *suffix;
    unsigned flags;
};

#define MOVED HOUSENR_SUFFIX_MOVED

static const struct hn_case hn_cases[] = {
    {IN("12"), IN(""), 0, 12, "", 0},
    {IN(" 12 "), IN(""), 0, 12, "", 0},
    {IN("1"), IN(""), 0, 1, "", 0},
    {IN("99999"), IN(""), 0, 99999, "", 0},
    {IN("007"), IN(""), 0, 7, "", 0},
    {IN("12A"), IN(""), 0, 12, "A", MOVED},
    {IN("12a"), IN(""), 0, 12, "A", MOVED},
    {IN("12 a"), IN(""), 0, 12, "A", MOVED},
    {IN("12-A"), IN(""), 0, 12, "A", MOVED},
    {IN("12 - a "), IN(""), 0, 12, "A", MOVED},
    {IN("12-1"), IN(""), 0, 12, "1", MOVED},
    {IN("12/1"), IN(""), 0, 12, "1", MOVED},
    {IN("12 bis"), IN(""), 0, 12, "BIS", MOVED},
    {IN("12 hs"), IN(""), 0, 12, "HS", MOVED},
    {IN("12-rood"), IN(""), 0, 12, "ROOD", MOVED},
    {IN("12 II"), IN(""), 0, 12, "II", MOVED},
    {IN("12a-1"), IN(""), 0, 12, "A1", MOVED},
    {IN("12 A 1"), IN(""), 0, 12, "A1", MOVED},
    {IN("12a1"), IN(""), 0, 12, "A1", MOVED},
    {IN("12 3 hoog"), IN(""), 0, 12, "3HOOG", MOVED},
    {IN("12 1-2"), IN(""), 0, 12, "1-2", MOVED},
    {IN("12 1 2"), IN(""), 0, 12, "1-2", MOVED},
    {IN("12 a b"), IN(""), 0, 12, "A-B", MOVED},
    {IN("12\xc2\240A"), IN(""), 0, 12, "A", MOVED},
    {IN("12"), IN("A"), 0, 12, "A", 0},
    {IN("12"), IN(" -a "), 0, 12, "A", 0},
    {IN("12"), IN("bis"), 0, 12, "BIS", 0},
    {IN("12"), IN("a 1"), 0, 12, "A1", 0},
    {IN("12"), IN("  "), 0, 12, "", 0},
    {IN("12A"), IN("a"), 0, 12, "A", MOVED | HOUSENR_SUFFIX_TWICE},
    {IN("12A"), IN("1"), 0, 12, "A1", MOVED | HOUSENR_SUFFIX_JOINED},
    {IN("12-1"), IN("2"), 0, 12, "1-2", MOVED | HOUSENR_SUFFIX_JOINED},
    {IN("12 A"), IN("B"), 0, 12, "A-B", MOVED | HOUSENR_SUFFIX_JOINED},
    {IN("12"), IN("ABCDEFGHIJKLMNO"), 0, 12, "ABCDEFGHIJKLMNO", 0},
    /* errors */
    {IN(""), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("  "), IN("A"), TOCSIN_EFORMAT, 0, "", 0},
    {IN("A12"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("-12"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("0"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("00"), IN("A"), TOCSIN_EFORMAT, 0, "", 0},
    {IN("100000"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("1234567890"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("12#"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("12 & 14"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("12"), IN("\xc2\xbd"), TOCSIN_EFORMAT, 0, "", 0},
    {IN("12\0"), IN(""), TOCSIN_EFORMAT, 0, "", 0},
    {IN("12"), IN("ABCDEFGHIJKLMNOP"), TOCSIN_EFORMAT, 0, "", 0},
    {IN("12 ABCDEFGH"), IN("12345678"), TOCSIN_EFORMAT, 0, "", 0},
};

static void
test_housenr(void **state)
{
    struct housenr h;
    unsigned flags;
    size_t i;
    int rc;

    (void)state;
    for (i = 0; i < sizeof(hn_cases) / sizeof(hn_cases[0]); i++) {
        const struct hn_case *c = &hn_cases[i];

        memset(&h, 0x55, sizeof(h));
        flags = 99;
        rc = housenr(c->num, c->nlen, c->suf, c->slen, &h, &flags);
        if (rc != c->rc || h.number != c->number ||
            strcmp(h.suffix, c->suffix) != 0 || flags != c->flags)
            print_message("housenr \"%s\" \"%s\": %d %d \"%s\" %#x\n", c->num,
                          c->suf, rc, h.number, h.suffix, flags);
        assert_int_equal(rc, c->rc);
        assert_int_equal(h.number, c->number);
        assert_string_equal(h.suffix, c->suffix);
        assert_int_equal(flags, c->flags);
    }
}

static void
test_housenr_limits(void **state)
{
    char big[LIMIT_HOUSENR_INPUT + 1];
    struct housenr h;
    unsigned flags;

    (void)state;
    memset(big, ' ', sizeof(big));
    memcpy(big + 40, "12a", 3);
    assert_int_equal(housenr(big, LIMIT_HOUSENR_INPUT, "", 0, &h, &flags), 0);
    assert_int_equal(h.number, 12);
    assert_string_equal(h.suffix, "A");
    assert_int_equal(housenr(big, LIMIT_HOUSENR_INPUT + 1, "", 0, &h, &flags),
                     TOCSIN_EFORMAT);
    assert_int_equal(
        housenr("12", 2, big, LIMIT_HOUSENR_INPUT + 1, &h, &flags),
        TOCSIN_EFORMAT);
    assert_int_equal(housenr("12", 2, big, LIMIT_HOUSENR_INPUT, &h, &flags),
                     0);
    assert_string_equal(h.suffix, "12A");
    /* Only len bytes are read. */
    assert_int_equal(housenr("12abc", 3, "", 0, &h, &flags), 0);
    assert_string_equal(h.suffix, "A");
}

static void
test_address_key(void **state)
{
    struct housenr h;
    struct buf out, small;
    unsigned flags, pflags;

    (void)state;
    buf_init(&out, 64);
    assert_int_equal(housenr("12a", 3, "", 0, &h, &flags), 0);
    assert_int_equal(address_key("1234 AB", 7, &h, &out), 0);
    assert_string_equal(buf_str(&out), "1234AB|12|A");
    /* From raw fields, through both normalisers. */
    assert_int_equal(postcode(" 1234-ab", 8, &out, &pflags), 0);
    assert_int_equal(housenr("12", 2, "A", 1, &h, &flags), 0);
    {
        struct buf key2;
        char pc[16];

        memcpy(pc, buf_str(&out), buf_len(&out) + 1);
        buf_init(&key2, 64);
        assert_int_equal(address_key(pc, strlen(pc), &h, &key2), 0);
        assert_string_equal(buf_str(&key2), "1234AB|12|A");
        buf_free(&key2);
    }
    assert_int_equal(housenr("7", 1, "", 0, &h, &flags), 0);
    assert_int_equal(address_key("1234 AB", 7, &h, &out), 0);
    assert_string_equal(buf_str(&out), "1234AB|7|");
    assert_int_equal(housenr("12 1-2", 6, "", 0, &h, &flags), 0);
    assert_int_equal(address_key("SW1A 1AA", 8, &h, &out), 0);
    assert_string_equal(buf_str(&out), "SW1A1AA|12|1-2");
    assert_int_equal(address_key("B-1000", 6, &h, &out), 0);
    assert_string_equal(buf_str(&out), "B-1000|12|1-2");

    /* Invalid arguments: empty output. */
    assert_int_equal(address_key("", 0, &h, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    assert_int_equal(address_key("  ", 2, &h, &out), TOCSIN_EINVAL);
    assert_int_equal(address_key("1234 ab", 7, &h, &out), TOCSIN_EINVAL);
    assert_int_equal(address_key("1234|AB", 7, &h, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    h.number = 0;
    assert_int_equal(address_key("1234 AB", 7, &h, &out), TOCSIN_EINVAL);
    h.number = 100000;
    assert_int_equal(address_key("1234 AB", 7, &h, &out), TOCSIN_EINVAL);
    h.number = 12;
    memcpy(h.suffix, "a|", 3);
    assert_int_equal(address_key("1234 AB", 7, &h, &out), TOCSIN_EINVAL);
    memset(h.suffix, 'A', sizeof(h.suffix)); /* no NUL */
    assert_int_equal(address_key("1234 AB", 7, &h, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);

    /* Buffer too small. */
    memcpy(h.suffix, "A", 2);
    buf_init(&small, 8);
    assert_int_equal(address_key("1234 AB", 7, &h, &small), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&small), 0);
    buf_free(&small);
    buf_free(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postcode),
        cmocka_unit_test(test_postcode_limits),
        cmocka_unit_test(test_housenr),
        cmocka_unit_test(test_housenr_limits),
        cmocka_unit_test(test_address_key),
    };

    return cmocka_run_group_tests_name("ingest_address", tests, NULL, NULL);
}
