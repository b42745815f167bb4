/* Tests of ingest/date.h: parsing, validation and date arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/date.h"
#include "util/limits.h"

/* A literal and its length, NULs inside included. */
#define IN(s) s, sizeof(s) - 1

/* The reference date of the 2-digit-year cases: the breach export. */
static const struct date ref = {2026, 2, 15};

static int
parse(const char *s, size_t n, int with_ref, struct date *d, unsigned *flags)
{
    char *p = test_exact(s, n);
    int rc = with_ref ? date_parse_ref(p, n, &ref, d, flags)
                      : date_parse(p, n, d, flags);

    free(p);
    return rc;
}

struct parse_case {
    const char *in;
    int y, m, d;
    unsigned flags;
};

/* Accepted by date_parse() (and, identically, by date_parse_ref()). */
static const struct parse_case ok_cases[] = {
    {"1985-03-15", 1985, 3, 15, 0},
    {"1985-3-5", 1985, 3, 5, 0},
    {"1985/03/15", 1985, 3, 15, 0},
    {"1985.03.15", 1985, 3, 15, 0},
    {"15-03-1985", 1985, 3, 15, 0},
    {"15-3-1985", 1985, 3, 15, 0},
    {"5-3-1985", 1985, 3, 5, 0},
    {"05/03/1985", 1985, 3, 5, 0},
    {"5.3.1985", 1985, 3, 5, 0},
    {"19850315", 1985, 3, 15, 0},
    {"  1985-03-15  ", 1985, 3, 15, 0},
    {"\t15-3-1985\r\n", 1985, 3, 15, 0},
    {"1985-03-15T00:00:00", 1985, 3, 15, DATE_TIME_IGNORED},
    {"1985-03-15T10:20:30Z", 1985, 3, 15, DATE_TIME_IGNORED},
    {"1985-03-15T10:20:30.123+01:00", 1985, 3, 15, DATE_TIME_IGNORED},
    {"1985-03-15T10:20+0100", 1985, 3, 15, DATE_TIME_IGNORED},
    {"1985-03-15 00:00:00", 1985, 3, 15, DATE_TIME_IGNORED},
    {"1985-03-15  00:00", 1985, 3, 15, DATE_TIME_IGNORED},
    {"15-3-1985 0:00", 1985, 3, 15, DATE_TIME_IGNORED},
    {"15/03/1985 23:59:60,5", 1985, 3, 15, DATE_TIME_IGNORED},
    {"19850315T12:00-05", 1985, 3, 15, DATE_TIME_IGNORED},
    /* leap years */
    {"1984-02-29", 1984, 2, 29, 0},
    {"2000-02-29", 2000, 2, 29, 0},
    {"29-2-2024", 2024, 2, 29, 0},
    {"1900-02-29", 1900, 2, 29, DATE_IMPOSSIBLE},
    {"2100-02-29", 2100, 2, 29, DATE_IMPOSSIBLE},
    {"1985-02-29", 1985, 2, 29, DATE_IMPOSSIBLE},
    /* impossible values are kept as written */
    {"1985-02-30", 1985, 2, 30, DATE_IMPOSSIBLE},
    {"1985-04-31", 1985, 4, 31, DATE_IMPOSSIBLE},
    {"1985-13-01", 1985, 13, 1, DATE_IMPOSSIBLE},
    {"1985-00-10", 1985, 0, 10, DATE_IMPOSSIBLE},
    {"0-1-1985", 1985, 1, 0, DATE_IMPOSSIBLE},
    {"0000-01-01", 0, 1, 1, DATE_IMPOSSIBLE},
    {"03/15/1985", 1985, 15, 3, DATE_IMPOSSIBLE}, /* never M/D/Y */
    {"15031985", 1503, 19, 85, DATE_IMPOSSIBLE},  /* DDMMYYYY is not read */
    {"99-99-9999", 9999, 99, 99, DATE_IMPOSSIBLE},
    /* placeholders */
    {"0001-01-01", 1, 1, 1, DATE_PLACEHOLDER},
    {"1753-01-01", 1753, 1, 1, DATE_PLACEHOLDER},
    {"30-12-1899", 1899, 12, 30, DATE_PLACEHOLDER},
    {"1899-12-31", 1899, 12, 31, DATE_PLACEHOLDER},
    {"1900-01-01 00:00:00", 1900, 1, 1, DATE_PLACEHOLDER | DATE_TIME_IGNORED},
    {"01-01-1904", 1904, 1, 1, DATE_PLACEHOLDER},
    {"19700101", 1970, 1, 1, DATE_PLACEHOLDER},
    {"9999-12-31", 9999, 12, 31, DATE_PLACEHOLDER},
    {"1970-01-02", 1970, 1, 2, 0},
    {"1901-01-01", 1901, 1, 1, 0},
    {"2000-01-01", 2000, 1, 1, 0},
};

/* Rejected by both with TOCSIN_EFORMAT. */
static const struct {
    const char *s;
    size_t n;
} bad_cases[] = {
    {IN("")},
    {IN("   ")},
    {IN("1985")},
    {IN("abc")},
    {IN("1985-03")},
    {IN("1985-03-15x")},
    {IN("1985-03-15T")},
    {IN("1985-03-15T25:00")},
    {IN("1985-03-15T10:60")},
    {IN("1985-03-15T10")},
    {IN("1985-03-15 10:20:30.")},
    {IN("1985-03-15T10:20Q")},
    {IN("1985-03-15T10:20+1")},
    {IN("1985-03-15T10:20+01:")},
    {IN("1985-03-15T10:20+01:0")},
    {IN("1985-03-15T10:20+0100Z")},
    {IN("1985-03-15T10:20+15")},
    {IN("15-03/1985")},
    {IN("1985/03-15")},
    {IN("15 03 1985")},
    {IN("15-3-198")},
    {IN("15-3-19850")},
    {IN("123-3-1985")},
    {IN("1985-003-15")},
    {IN("1985-03-015")},
    {IN("-15-3-1985")},
    {IN("1985--03-15")},
    {IN("1985031")},
    {IN("198503150")},
    {IN("15,3,1985")},
    {IN("15-3-1985\0")},
    {IN("\xc2\2401985-03-15")},
    {IN("1985\xe2\x80\22003\xe2\x80\22015")},
};

static void
expect(const struct parse_case *c, const struct date *d, unsigned flags)
{
    if (d->year != c->y || d->month != c->m || d->day != c->d ||
        flags != c->flags)
        print_message("\"%s\": got %d-%d-%d flags %#x\n", c->in, d->year,
                      d->month, d->day, flags);
    assert_int_equal(d->year, c->y);
    assert_int_equal(d->month, c->m);
    assert_int_equal(d->day, c->d);
    assert_int_equal(flags, c->flags);
}

static void
test_parse_ok(void **state)
{
    struct date d;
    unsigned flags;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
        const struct parse_case *c = &ok_cases[i];

        assert_int_equal(parse(c->in, strlen(c->in), 0, &d, &flags), 0);
        expect(c, &d, flags);
        assert_int_equal(parse(c->in, strlen(c->in), 1, &d, &flags), 0);
        expect(c, &d, flags);
    }
}

static void
test_parse_bad(void **state)
{
    struct date d;
    unsigned flags;
    size_t i, n;
    int rc;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        n = bad_cases[i].n;
        d.year = d.month = d.day = 7;
        flags = 7;
        rc = parse(bad_cases[i].s, n, 0, &d, &flags);
        if (rc != TOCSIN_EFORMAT)
            print_message("\"%s\" accepted\n", bad_cases[i].s);
        assert_int_equal(rc, TOCSIN_EFORMAT);
        assert_int_equal(d.year, 0);
        assert_int_equal(d.month, 0);
        assert_int_equal(d.day, 0);
        assert_int_equal(flags, 0);
        assert_int_equal(parse(bad_cases[i].s, n, 1, &d, &flags),
                         TOCSIN_EFORMAT);
    }
}

/* Two-digit years: refused without a reference, pivoted with one. */
static void
test_two_digit_years(void **state)
{
    static const struct parse_case cases[] = {
        {"15-3-85", 1985, 3, 15, DATE_2DIGIT_YEAR},
        {"15/03/85", 1985, 3, 15, DATE_2DIGIT_YEAR},
        {"1-1-00", 2000, 1, 1, DATE_2DIGIT_YEAR},
        {"1-1-26", 2026, 1, 1, DATE_2DIGIT_YEAR},
        {"15-2-26", 2026, 2, 15, DATE_2DIGIT_YEAR},
        {"16-2-26", 1926, 2, 16, DATE_2DIGIT_YEAR},
        {"1-3-26", 1926, 3, 1, DATE_2DIGIT_YEAR},
        {"31-12-27", 1927, 12, 31, DATE_2DIGIT_YEAR},
        {"1.1.70", 1970, 1, 1, DATE_2DIGIT_YEAR | DATE_PLACEHOLDER},
        {"30-2-85", 1985, 2, 30, DATE_2DIGIT_YEAR | DATE_IMPOSSIBLE},
        {"1-1-99 00:00", 1999, 1, 1, DATE_2DIGIT_YEAR | DATE_TIME_IGNORED},
    };
    static const struct date bad_ref = {2026, 2, 30};
    struct date d;
    unsigned flags;
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = strlen(cases[i].in);
        assert_int_equal(parse(cases[i].in, n, 0, &d, &flags), TOCSIN_EFORMAT);
        assert_int_equal(parse(cases[i].in, n, 1, &d, &flags), 0);
        expect(&cases[i], &d, flags);
    }
    assert_int_equal(date_parse_ref("1-1-85", 6, &bad_ref, &d, &flags),
                     TOCSIN_EINVAL);
    assert_int_equal(flags, 0);
}

static void
test_overlong(void **state)
{
    char buf[LIMIT_DATE_INPUT + 1];
    struct date d;
    unsigned flags;

    (void)state;
    /* At the limit: a date padded with blanks is fine. */
    memset(buf, ' ', sizeof(buf));
    memcpy(buf + 20, "1985-03-15", 10);
    assert_int_equal(parse(buf, LIMIT_DATE_INPUT, 0, &d, &flags), 0);
    assert_int_equal(d.day, 15);
    /* One byte more: rejected before anything is read. */
    assert_int_equal(parse(buf, LIMIT_DATE_INPUT + 1, 0, &d, &flags),
                     TOCSIN_EFORMAT);
    /* Only len bytes are read: the rest of the buffer is ignored. */
    assert_int_equal(parse("1985-03-15junk", 10, 0, &d, &flags), 0);
    assert_int_equal(d.year, 1985);
    assert_int_equal(parse("1985-03-1", 9, 0, &d, &flags), 0);
    assert_int_equal(d.day, 1);
}

static void
test_valid(void **state)
{
    static const struct {
        struct date d;
        int valid;
    } cases[] = {
        {{1985, 3, 15}, 1}, {{1, 1, 1}, 1},     {{9999, 12, 31}, 1},
        {{2024, 2, 29}, 1}, {{2023, 2, 29}, 0}, {{2000, 2, 29}, 1},
        {{1900, 2, 29}, 0}, {{1985, 4, 30}, 1}, {{1985, 4, 31}, 0},
        {{1985, 0, 1}, 0},  {{1985, 13, 1}, 0}, {{1985, 1, 0}, 0},
        {{0, 1, 1}, 0},     {{10000, 1, 1}, 0}, {{-5, 1, 1}, 0},
        {{1985, 1, 32}, 0}, {{1985, -1, 1}, 0}, {{1985, 12, 31}, 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(date_valid(&cases[i].d), cases[i].valid);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2023, 2), 28);
    assert_int_equal(date_days_in_month(2023, 1), 31);
    assert_int_equal(date_days_in_month(2023, 11), 30);
    assert_int_equal(date_days_in_month(2023, 0), 0);
    assert_int_equal(date_days_in_month(2023, 13), 0);
}

static void
test_format_iso(void **state)
{
    char out[11];
    struct date d = {1985, 3, 5};

    (void)state;
    assert_int_equal(date_format_iso(&d, out), 0);
    assert_string_equal(out, "1985-03-05");
    d = (struct date){1, 1, 1};
    assert_int_equal(date_format_iso(&d, out), 0);
    assert_string_equal(out, "0001-01-01");
    d = (struct date){9999, 12, 31};
    assert_int_equal(date_format_iso(&d, out), 0);
    assert_string_equal(out, "9999-12-31");
    d = (struct date){1985, 2, 30}; /* impossible, shown as given */
    assert_int_equal(date_format_iso(&d, out), 0);
    assert_string_equal(out, "1985-02-30");
    d = (struct date){0, 0, 0};
    assert_int_equal(date_format_iso(&d, out), 0);
    assert_string_equal(out, "0000-00-00");
    d = (struct date){10000, 1, 1};
    assert_int_equal(date_format_iso(&d, out), TOCSIN_EINVAL);
    assert_string_equal(out, "");
    d = (struct date){1985, 100, 1};
    assert_int_equal(date_format_iso(&d, out), TOCSIN_EINVAL);
    d = (struct date){1985, 1, -1};
    assert_int_equal(date_format_iso(&d, out), TOCSIN_EINVAL);
}

static void
test_cmp(void **state)
{
    struct date a = {1985, 3, 15}, b = {1985, 3, 16}, c = {1985, 4, 1},
                d = {1986, 1, 1}, e = {1985, 3, 15};

    (void)state;
    assert_true(date_cmp(&a, &b) < 0);
    assert_true(date_cmp(&b, &a) > 0);
    assert_true(date_cmp(&b, &c) < 0);
    assert_true(date_cmp(&c, &d) < 0);
    assert_true(date_cmp(&d, &a) > 0);
    assert_int_equal(date_cmp(&a, &e), 0);
}

static void
test_add_months(void **state)
{
    static const struct {
        struct date d;
        int months;
        struct date want;
    } cases[] = {
        {{2024, 1, 31}, 1, {2024, 2, 29}},
        {{2023, 1, 31}, 1, {2023, 2, 28}},
        {{2024, 3, 31}, -1, {2024, 2, 29}},
        {{2024, 5, 31}, 1, {2024, 6, 30}},
        {{2024, 12, 15}, 1, {2025, 1, 15}},
        {{2025, 1, 15}, -1, {2024, 12, 15}},
        {{2024, 2, 29}, 12, {2025, 2, 28}},
        {{2024, 2, 29}, 48, {2028, 2, 29}},
        {{1985, 3, 15}, 0, {1985, 3, 15}},
        {{1985, 3, 15}, -24, {1983, 3, 15}},
        {{1985, 3, 15}, 1200, {2085, 3, 15}},
        {{9999, 11, 30}, 1, {9999, 12, 30}},
        {{1, 2, 1}, -1, {1, 1, 1}},
    };
    struct date out, bad = {1985, 2, 30}, max = {9999, 12, 1},
                     min = {1, 1, 31};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(date_add_months(&cases[i].d, cases[i].months, &out),
                         0);
        assert_int_equal(date_cmp(&out, &cases[i].want), 0);
    }
    assert_int_equal(date_add_months(&bad, 1, &out), TOCSIN_EINVAL);
    assert_int_equal(date_add_months(&max, 1, &out), TOCSIN_EINVAL);
    assert_int_equal(date_add_months(&min, -1, &out), TOCSIN_EINVAL);
    assert_int_equal(date_add_months(&min, 2147483647, &out), TOCSIN_EINVAL);
    assert_int_equal(date_add_months(&max, -2147483647 - 1, &out),
                     TOCSIN_EINVAL);
}

static void
test_age_on(void **state)
{
    static const struct {
        struct date birth, on;
        int age;
    } cases[] = {
        {{1985, 3, 15}, {2026, 2, 15}, 40},
        {{1985, 3, 15}, {2026, 3, 14}, 40},
        {{1985, 3, 15}, {2026, 3, 15}, 41},
        {{1985, 3, 15}, {1985, 3, 15}, 0},
        {{2008, 2, 29}, {2026, 2, 28}, 17},
        {{2008, 2, 29}, {2026, 3, 1}, 18},
        {{2008, 2, 29}, {2028, 2, 29}, 20},
        {{2007, 12, 31}, {2025, 12, 31}, 18},
        {{2008, 1, 1}, {2025, 12, 31}, 17},
        {{1, 1, 1}, {9999, 12, 31}, 9998},
    };
    struct date a = {1985, 3, 15}, before = {1985, 3, 14}, bad = {1985, 2, 30};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(date_age_on(&cases[i].birth, &cases[i].on),
                         cases[i].age);
    assert_int_equal(date_age_on(&a, &before), TOCSIN_EINVAL);
    assert_int_equal(date_age_on(&bad, &a), TOCSIN_EINVAL);
    assert_int_equal(date_age_on(&a, &bad), TOCSIN_EINVAL);
}

static void
test_ymd(void **state)
{
    (void)state;
    assert_int_equal(date_ymd("2026-02-07", 10), 20260207);
    assert_int_equal(date_ymd("0001-01-01", 10), 10101);
    assert_int_equal(date_ymd("2026-02-07", 9), 0);
    assert_int_equal(date_ymd("2026-02-07x", 11), 0);
    assert_int_equal(date_ymd("2026/02/07", 10), 0);
    assert_int_equal(date_ymd("2026-0a-07", 10), 0);
    assert_int_equal(date_ymd("20260207", 8), 0);
    assert_int_equal(date_ymd(NULL, 10), 0);
    /* the order of the numbers is the order of the dates */
    assert_true(date_ymd("2025-12-31", 10) < date_ymd("2026-01-01", 10));
}

static void
test_days(void **state)
{
    struct date d = {1970, 1, 1}, next, prev;
    int64_t n;

    (void)state;
    assert_int_equal(date_days(&d), 0);
    d = (struct date){1969, 12, 31};
    assert_int_equal(date_days(&d), -1);
    d = (struct date){2000, 3, 1};
    assert_int_equal(date_days(&d), 11017);
    d = (struct date){1985, 3, 15};
    assert_int_equal(date_days(&d), 5552);
    d = (struct date){2026, 2, 15};
    assert_int_equal(date_days(&d), 20499);
    d = (struct date){1, 1, 1};
    assert_int_equal(date_days(&d), -719162);
    d = (struct date){9999, 12, 31};
    assert_int_equal(date_days(&d), 2932896);

    /* Every day of years 1..9999: round trip and consecutive. */
    assert_int_equal(date_from_days(-719162, &prev), 0);
    for (n = -719161; n <= 2932896; n++) {
        assert_int_equal(date_from_days(n, &next), 0);
        if (!date_valid(&next) || date_cmp(&prev, &next) >= 0 ||
            date_days(&next) != n)
            fail_msg("day %lld", (long long)n);
        prev = next;
    }
    assert_int_equal(date_from_days(-719163, &next), TOCSIN_EINVAL);
    assert_int_equal(date_from_days(2932897, &next), TOCSIN_EINVAL);
    assert_int_equal(date_from_days(INT64_MIN, &next), TOCSIN_EINVAL);
    assert_int_equal(date_from_days(INT64_MAX, &next), TOCSIN_EINVAL);
}

static void
test_spell(void **state)
{
    static const char *const nl[12] = {
        "januari", "februari", "maart",     "april",   "mei",      "juni",
        "juli",    "augustus", "september", "oktober", "november", "december"};
    static const char *const en[12] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    struct date d = {2026, 2, 7};
    char out[64], want[64];
    int m;

    (void)state;
    assert_int_equal(date_spell(&d, 0, out, sizeof(out)), 0);
    assert_string_equal(out, "7 februari 2026");
    assert_int_equal(date_spell(&d, 1, out, sizeof(out)), 0);
    assert_string_equal(out, "7 February 2026");
    assert_int_equal(date_spell(&d, 2, out, sizeof(out)), 0); /* nonzero */
    assert_string_equal(out, "7 February 2026");
    d = (struct date){9, 12, 31}; /* no leading zeros, not checked */
    assert_int_equal(date_spell(&d, 0, out, sizeof(out)), 0);
    assert_string_equal(out, "31 december 9");
    d = (struct date){2023, 2, 30};
    assert_int_equal(date_spell(&d, 1, out, sizeof(out)), 0);
    assert_string_equal(out, "30 February 2023");
    for (m = 1; m <= 12; m++) {
        d = (struct date){2024, m, 1};
        assert_int_equal(date_spell(&d, 0, out, sizeof(out)), 0);
        snprintf(want, sizeof(want), "1 %s 2024", nl[m - 1]);
        assert_string_equal(out, want);
        assert_int_equal(date_spell(&d, 1, out, sizeof(out)), 0);
        snprintf(want, sizeof(want), "1 %s 2024", en[m - 1]);
        assert_string_equal(out, want);
    }
    /* cut like snprintf */
    d = (struct date){2026, 9, 17};
    assert_int_equal(date_spell(&d, 0, out, 8), 0);
    assert_string_equal(out, "17 sept");
    /* no month: out untouched */
    memcpy(out, "xyz", 4);
    d = (struct date){2026, 0, 7};
    assert_int_equal(date_spell(&d, 0, out, sizeof(out)), TOCSIN_EINVAL);
    d = (struct date){2026, 13, 7};
    assert_int_equal(date_spell(&d, 1, out, sizeof(out)), TOCSIN_EINVAL);
    d = (struct date){2026, -1, 7};
    assert_int_equal(date_spell(&d, 1, out, sizeof(out)), TOCSIN_EINVAL);
    assert_string_equal(out, "xyz");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_two_digit_years),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_format_iso),
        cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_age_on),
        cmocka_unit_test(test_ymd),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_spell),
    };

    return cmocka_run_group_tests_name("ingest_date", tests, NULL, NULL);
}
