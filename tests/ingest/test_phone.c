/* Tests of ingest/phone.h: E.164 normal form, kinds, flags and mask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/phone.h"
#include "util/limits.h"

static int
norm(const char *s, size_t n, struct phone *out)
{
    char *p = test_exact(s, n);
    int rc = phone_normalize(p, n, out);

    free(p);
    return rc;
}

struct ok_case {
    const char *in;
    const char *e164;
    int type;
    int cc;
    unsigned flags;
};

static const struct ok_case ok_cases[] = {
    /* Dutch mobile in every real format */
    {"0612345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"06-12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"06 12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"06 1234 5678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"06-1234 5678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"(06) 12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"+31612345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"+31 6 12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"+31 (0)6 12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"+31(0)612345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"+31-6-12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"0031 6 12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"0031612345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {" 06.12.34.56.78 ", "+31612345678", PHONE_MOBILE, 31, 0},
    {"06/12345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"06\xc2\xa0"
     "12345678",
     "+31612345678", PHONE_MOBILE, 31, 0},
    {"tel:+31612345678", "+31612345678", PHONE_MOBILE, 31, 0},
    {"31612345678", "+31612345678", PHONE_MOBILE, 31, PHONE_NO_PLUS},
    {"612345678", "+31612345678", PHONE_MOBILE, 31, PHONE_NO_TRUNK},
    {"+31 06 12345678", "+31612345678", PHONE_MOBILE, 31, PHONE_TRUNK_IN_INTL},
    {"0651234567", "+31651234567", PHONE_MOBILE, 31, 0},
    {"0681234567", "+31681234567", PHONE_MOBILE, 31, 0},
    /* Dutch geographic */
    {"010-1234567", "+31101234567", PHONE_FIXED, 31, 0},
    {"010 123 45 67", "+31101234567", PHONE_FIXED, 31, 0},
    {"(010) 1234567", "+31101234567", PHONE_FIXED, 31, 0},
    {"0101234567", "+31101234567", PHONE_FIXED, 31, 0},
    {"+31 10 1234567", "+31101234567", PHONE_FIXED, 31, 0},
    {"0229-123456", "+31229123456", PHONE_FIXED, 31, 0},
    {"(0229) 12 34 56", "+31229123456", PHONE_FIXED, 31, 0},
    {"020-7654321", "+31207654321", PHONE_FIXED, 31, 0},
    {"0703456789", "+31703456789", PHONE_FIXED, 31, 0},
    {"201234567", "+31201234567", PHONE_FIXED, 31, PHONE_NO_TRUNK},
    /* service and other numbers */
    {"0800-1234", "+318001234", PHONE_SERVICE, 31, 0},
    {"0800-1234567", "+318001234567", PHONE_SERVICE, 31, 0},
    {"0900-1234567", "+319001234567", PHONE_SERVICE, 31, 0},
    {"0906 123 4567", "+319061234567", PHONE_SERVICE, 31, 0},
    {"0909-1234", "+319091234", PHONE_SERVICE, 31, 0},
    {"085-1234567", "+31851234567", PHONE_OTHER, 31, 0},
    {"088-1234567", "+31881234567", PHONE_OTHER, 31, 0},
    {"084-1234567", "+31841234567", PHONE_OTHER, 31, 0},
    {"087-1234567", "+31871234567", PHONE_OTHER, 31, 0},
    {"082-1234567", "+31821234567", PHONE_OTHER, 31, 0},
    {"091 123 4567", "+31911234567", PHONE_OTHER, 31, 0},
    {"066-1234567", "+31661234567", PHONE_OTHER, 31, 0},
    {"0970 1234 5678", "+3197012345678", PHONE_OTHER, 31, 0},
    /* foreign */
    {"+32 470 12 34 56", "+32470123456", PHONE_MOBILE, 32, 0},
    {"0032 470 123456", "+32470123456", PHONE_MOBILE, 32, 0},
    {"+32 (0)470 12 34 56", "+32470123456", PHONE_MOBILE, 32, 0},
    {"+32 2 123 45 67", "+3221234567", PHONE_FOREIGN, 32, 0},
    {"+49 171 1234567", "+491711234567", PHONE_MOBILE, 49, 0},
    {"+49 1512 3456789", "+4915123456789", PHONE_MOBILE, 49, 0},
    {"+49 (0)171 1234567", "+491711234567", PHONE_MOBILE, 49, 0},
    {"+49 0171 1234567", "+491711234567", PHONE_MOBILE, 49,
     PHONE_TRUNK_IN_INTL},
    {"+49 30 1234567", "+49301234567", PHONE_FOREIGN, 49, 0},
    {"+44 20 7946 0958", "+442079460958", PHONE_FOREIGN, 44, 0},
    {"+1 212 555 0123", "+12125550123", PHONE_FOREIGN, 1, 0},
    {"+39 06 1234 5678", "+390612345678", PHONE_FOREIGN, 39, 0},
    {"+599 9 123 4567", "+59991234567", PHONE_FOREIGN, 599, 0},
    {"+297 560 1234", "+2975601234", PHONE_FOREIGN, 297, 0},
    {"+90 532 123 45 67", "+905321234567", PHONE_FOREIGN, 90, 0},
    {"+212 612 345678", "+212612345678", PHONE_FOREIGN, 212, 0},
    /* extensions: stripped and flagged */
    {"010-1234567 x12", "+31101234567", PHONE_FIXED, 31, PHONE_EXTENSION},
    {"010-1234567 tst. 12", "+31101234567", PHONE_FIXED, 31, PHONE_EXTENSION},
    {"0201234567 ext 123", "+31201234567", PHONE_FIXED, 31, PHONE_EXTENSION},
    {"0201234567 tst 12", "+31201234567", PHONE_FIXED, 31, PHONE_EXTENSION},
    {"020 123 4567 #9", "+31201234567", PHONE_FIXED, 31, PHONE_EXTENSION},
    {"0201234567EXT.4", "+31201234567", PHONE_FIXED, 31, PHONE_EXTENSION},
    {"+31 20 1234567 toestel 123456", "+31201234567", PHONE_FIXED, 31,
     PHONE_EXTENSION},
};

static void
test_valid(void **state)
{
    struct phone p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
        const struct ok_case *c = &ok_cases[i];
        int rc = norm(c->in, strlen(c->in), &p);

        if (rc != 0 || strcmp(p.e164, c->e164) != 0 || p.type != c->type ||
            p.flags != c->flags)
            print_error("case %zu '%s': rc %d e164 '%s' type %d flags %#x\n",
                        i, c->in, rc, p.e164, p.type, p.flags);
        assert_int_equal(rc, 0);
        assert_string_equal(p.e164, c->e164);
        assert_int_equal(p.type, c->type);
        assert_int_equal(p.country_code, c->cc);
        assert_int_equal(p.flags, c->flags);
    }
}

struct bad_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
};

static const struct bad_case bad_cases[] = {
    {"", 0},
    {"   ", 0},
    {"-", 0},
    {"06", 0},
    {"0612345", 0},
    {"061234567890", 0},  /* 11 NSN digits */
    {"06123456789", 0},   /* 10 NSN digits */
    {"0601234567", 0},    /* 060: unassigned */
    {"0691234567", 0},    /* 069: unassigned */
    {"0811234567", 0},    /* 081: unassigned */
    {"0971234567", 0},    /* 097 needs 12 digits */
    {"0800-12345", 0},    /* 0800 has 4 or 7 digits after it */
    {"010-123456", 0},    /* 8 NSN digits */
    {"+31 6 1234567", 0}, /* 8 NSN digits */
    {"+31 6 123456789", 0},
    {"6123456789", 0}, /* 10 digits without 0 or 31 */
    {"12345", 0},
    {"0012345678", 0},           /* +1 needs 10 digits */
    {"+999 1234567", 0},         /* no such calling code */
    {"+0031612345678", 0},       /* + then 00 */
    {"+1 555 1234", 0},          /* NANP: 7 digits */
    {"+44 1234", 0},             /* fewer than 6 national digits */
    {"+49 1234567890123456", 0}, /* over 15 digits */
    {"+32", 0},
    {"+", 0},
    {"06-1234567a", 0},
    {"0800-FLOWERS", 0},
    {"06 12345678 mobiel", 0},
    {"mobiel 0612345678", 0},
    {"+31+612345678", 0},
    {"++31612345678", 0},
    {"(06 12345678", 0},
    {"06) 12345678", 0},
    {"((06)) 12345678", 0},
    {"(06) (123) 45678", 0},
    {"() 0612345678", 0},
    {"0612345678,0201234567", 0},
    {"0612345678; 0201234567", 0},
    {"0612345678 x1234567", 0}, /* extension of 7 digits */
    {"0612345678 x", 0},
    {"x12", 0},
    {"0612345678 x 12 b", 0},
    {"06\0"
     "12345678",
     11},
    {"0612345678\0", 11},
    {"+31 6 12345678 ext 12 ext 13", 0},
    {"06_12345678", 0},
};

static void
test_invalid(void **state)
{
    struct phone p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        size_t n = c->len ? c->len : strlen(c->in);
        int rc;

        memset(&p, 0x55, sizeof p);
        rc = norm(c->in, n, &p);
        if (rc != TOCSIN_EFORMAT)
            print_error("case %zu '%s': rc %d e164 '%s'\n", i, c->in, rc,
                        p.e164);
        assert_int_equal(rc, TOCSIN_EFORMAT);
        assert_int_equal(p.type, PHONE_INVALID);
        assert_string_equal(p.e164, "");
        assert_int_equal(p.country_code, 0);
    }
}

static void
test_limits(void **state)
{
    char in[LIMIT_PHONE_INPUT + 2];
    struct phone p;

    (void)state;
    /* blanks count toward the input limit: never cut, never skipped */
    memset(in, ' ', sizeof in);
    memcpy(in, "0612345678", 10);
    assert_int_equal(norm(in, LIMIT_PHONE_INPUT, &p), 0);
    assert_string_equal(p.e164, "+31612345678");
    assert_int_equal(norm(in, LIMIT_PHONE_INPUT + 1, &p), TOCSIN_EFORMAT);
    assert_int_equal(p.type, PHONE_INVALID);

    /* more digits than LIMIT_PHONE_DIGITS */
    memset(in, '1', sizeof in);
    in[0] = '+';
    assert_int_equal(norm(in, LIMIT_PHONE_DIGITS + 2, &p), TOCSIN_EFORMAT);

    /* the length bounds the read: "0612345678" cut to 9 is 061234567 */
    assert_int_equal(norm("0612345678", 9, &p), TOCSIN_EFORMAT);
    assert_int_equal(norm("+31612345678999", 12, &p), 0);
    assert_string_equal(p.e164, "+31612345678");
}

struct mask_case {
    const char *in;
    const char *want;
};

static const struct mask_case mask_cases[] = {
    {"06-12345678", "+31 6 ****5678"},
    {"+31 6 87654321", "+31 6 ****4321"},
    {"010-1234567", "+31 10 ****4567"},
    {"020 765 43 21", "+31 20 ****4321"},
    {"0229-123456", "+31 229 ****3456"},
    {"0800-1234", "+31 800 ****1234"},
    {"0900-1234567", "+31 900 ****4567"},
    {"085-1234567", "+31 85 ****4567"},
    {"0970 1234 5678", "+31 97 ****5678"},
    {"+32 470 12 34 56", "+32 ****3456"},
    {"+49 30 1234567", "+49 ****4567"},
    {"+1 212 555 0123", "+1 ****0123"},
    {"+599 9 123 4567", "+599 ****4567"},
};

static void
test_mask(void **state)
{
    struct phone p;
    struct buf out;
    size_t i;

    (void)state;
    buf_init(&out, 64);
    for (i = 0; i < sizeof mask_cases / sizeof mask_cases[0]; i++) {
        assert_int_equal(norm(mask_cases[i].in, strlen(mask_cases[i].in), &p),
                         0);
        assert_int_equal(phone_mask(&p, &out), 0);
        assert_string_equal(buf_str(&out), mask_cases[i].want);
    }
    assert_int_equal(norm("nonsense", 8, &p), TOCSIN_EFORMAT);
    assert_int_equal(phone_mask(&p, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
}

static void
test_type_name(void **state)
{
    (void)state;
    assert_string_equal(phone_type_name(PHONE_MOBILE), "mobile");
    assert_string_equal(phone_type_name(PHONE_FIXED), "fixed");
    assert_string_equal(phone_type_name(PHONE_SERVICE), "service");
    assert_string_equal(phone_type_name(PHONE_OTHER), "other");
    assert_string_equal(phone_type_name(PHONE_FOREIGN), "foreign");
    assert_string_equal(phone_type_name(PHONE_INVALID), "invalid");
    assert_string_equal(phone_type_name(42), "invalid");
}

/* Every mobile 06-1..06-5 and 06-8 is accepted, 06-0 and 06-9 are not. */
static void
test_mobile_ranges(void **state)
{
    char in[11];
    struct phone p;
    int d;

    (void)state;
    for (d = 0; d <= 9; d++) {
        memcpy(in, "0601234567", 10);
        in[2] = (char)('0' + d);
        if ((d >= 1 && d <= 5) || d == 8) {
            assert_int_equal(norm(in, 10, &p), 0);
            assert_int_equal(p.type, PHONE_MOBILE);
        } else if (d == 6 || d == 7) {
            assert_int_equal(norm(in, 10, &p), 0);
            assert_int_equal(p.type, PHONE_OTHER);
        } else {
            assert_int_equal(norm(in, 10, &p), TOCSIN_EFORMAT);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),     cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_limits),    cmocka_unit_test(test_mask),
        cmocka_unit_test(test_type_name), cmocka_unit_test(test_mobile_ranges),
    };

    return cmocka_run_group_tests_name("ingest_phone", tests, NULL, NULL);
}
