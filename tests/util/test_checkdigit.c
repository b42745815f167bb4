#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/checkdigit.h"

static void
iban_known_valid(void **state)
{
    static const char *const ibans[] = {
        "NL91ABNA0417164300",
        "NL02ABNA0123456789",
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "BE68539007547034",
        "FR1420041010050500013M02606",
        "CH9300762011623852957",
        "NO9386011117947",
        "MT84MALT011000012345MTLCAST001S",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ibans) / sizeof(ibans[0]); i++)
        assert_int_equal(checkdigit_iban_mod97(ibans[i], strlen(ibans[i])), 1);
}

static void
iban_errors_detected(void **state)
{
    (void)state;
    /* one digit changed */
    assert_int_not_equal(checkdigit_iban_mod97("NL91ABNA0417164301", 18), 1);
    /* two adjacent digits swapped */
    assert_int_not_equal(checkdigit_iban_mod97("NL91ABNA0417163400", 18), 1);
    /* characters outside 0-9 A-Z */
    assert_int_equal(checkdigit_iban_mod97("NL91abna0417164300", 18), -1);
    assert_int_equal(checkdigit_iban_mod97("NL91 ABNA", 9), -1);
    assert_int_equal(checkdigit_iban_mod97("NL91", 4), -1);
}

static void
iban_compute_matches(void **state)
{
    char cd[2];

    (void)state;
    assert_int_equal(checkdigit_iban_compute("NL", "ABNA0417164300", cd), 0);
    assert_memory_equal(cd, "91", 2);
    assert_int_equal(checkdigit_iban_compute("DE", "370400440532013000", cd),
                     0);
    assert_memory_equal(cd, "89", 2);
    assert_int_equal(checkdigit_iban_compute("GB", "WEST12345698765432", cd),
                     0);
    assert_memory_equal(cd, "82", 2);
    assert_int_equal(checkdigit_iban_compute("NL", "abna", cd), -1);
}

static void
bsn_eleven_check(void **state)
{
    (void)state;
    assert_int_equal(checkdigit_bsn_valid("111222333"), 1);
    assert_int_equal(checkdigit_bsn_valid("123456782"), 1);
    assert_int_equal(checkdigit_bsn_valid("123456789"), 0);
    assert_int_equal(checkdigit_bsn_valid("000000000"), 0);
    assert_int_equal(checkdigit_bsn_valid("12345678x"), 0);
    assert_int_equal(checkdigit_bsn_last("12345678"), 2);
    assert_int_equal(checkdigit_bsn_last("11122233"), 3);
    assert_int_equal(checkdigit_bsn_last("1234567a"), -1);
}

static void
bsn_last_always_valid(void **state)
{
    char d[10];
    unsigned i;
    int last, none = 0;

    (void)state;
    for (i = 10000000; i < 10020000; i++) {
        snprintf(d, sizeof(d), "%08u", i);
        last = checkdigit_bsn_last(d);
        if (last < 0) {
            none++;
            continue;
        }
        d[8] = (char)('0' + last);
        d[9] = '\0';
        assert_int_equal(checkdigit_bsn_valid(d), 1);
    }
    /* about one prefix in eleven has no valid last digit */
    assert_in_range(none, 20000 / 11 - 200, 20000 / 11 + 200);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iban_known_valid),
        cmocka_unit_test(iban_errors_detected),
        cmocka_unit_test(iban_compute_matches),
        cmocka_unit_test(bsn_eleven_check),
        cmocka_unit_test(bsn_last_always_valid),
    };

    return cmocka_run_group_tests_name("util_checkdigit", tests, NULL, NULL);
}
