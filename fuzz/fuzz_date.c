/*
 * fuzz_date.c - libFuzzer harness for the date parser and date arithmetic
 * (ingest/date.h).
 *
 * The input goes through date_parse() and date_parse_ref() (with a fixed
 * reference date and one taken from the input's length), each in an exact
 * malloc'd copy. The harness aborts when
 *  - a failed parse leaves *out or *flags set, or fails with anything but
 *    TOCSIN_EFORMAT;
 *  - date_parse() accepts what date_parse_ref() reads otherwise;
 *  - a parsed date does not format to ISO, or the ISO text does not parse
 *    back to the same date with the same DATE_IMPOSSIBLE and
 *    DATE_PLACEHOLDER bits;
 *  - DATE_IMPOSSIBLE disagrees with date_valid();
 *  - a two-digit year puts a date after the reference;
 *  - for a valid date: date_days() and date_from_days() do not round-trip,
 *    date_cmp() disagrees with date_days(), date_days_in_month() is below
 *    the day, date_add_months() gives an invalid date or does not undo
 *    itself for days up to 28, or date_age_on() is inconsistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
parse(const void *s, size_t n, const struct date *ref, struct date *out,
      unsigned *flags)
{
    char *p = malloc(n ? n : 1);
    int rc;

    if (p == NULL)
        abort();
    memcpy(p, s, n);
    rc = ref ? date_parse_ref(p, n, ref, out, flags)
             : date_parse(p, n, out, flags);
    free(p);
    return rc;
}

static int
same(const struct date *a, const struct date *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day;
}

static void
check_valid(const struct date *d, int months, const struct date *ref)
{
    struct date e, f;
    int64_t days = date_days(d);
    int age;

    if (date_from_days(days, &e) != 0 || !same(d, &e))
        abort();
    if (date_days_in_month(d->year, d->month) < d->day)
        abort();
    if (date_from_days(days + 1, &e) == 0) {
        if (date_cmp(d, &e) >= 0 || date_cmp(&e, d) <= 0 || !date_valid(&e))
            abort();
    }
    if (date_add_months(d, months, &e) == 0) {
        if (!date_valid(&e))
            abort();
        if (d->day <= 28 &&
            (date_add_months(&e, -months, &f) != 0 || !same(d, &f)))
            abort();
        if ((months > 0 && date_cmp(&e, d) <= 0) ||
            (months < 0 && date_cmp(&e, d) >= 0) ||
            (months == 0 && !same(&e, d)))
            abort();
    }
    age = date_age_on(d, ref);
    if (date_cmp(ref, d) < 0) {
        if (age != TOCSIN_EINVAL)
            abort();
    } else {
        struct date b;

        if (age < 0 || age > 9999)
            abort();
        /* Before the birthday of age + 1. */
        if (date_add_months(d, (age + 1) * 12, &b) == 0 &&
            date_cmp(ref, &b) >= 0 && !(d->month == 2 && d->day == 29))
            abort();
    }
    if (date_age_on(d, d) != 0)
        abort();
}

static void
check_parsed(int rc, const struct date *d, unsigned flags,
             const struct date *ref)
{
    struct date e;
    unsigned eflags;
    char iso[11];

    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || d->year || d->month || d->day || flags)
            abort();
        return;
    }
    if (flags & ~(unsigned)(DATE_IMPOSSIBLE | DATE_PLACEHOLDER |
                            DATE_2DIGIT_YEAR | DATE_TIME_IGNORED))
        abort();
    if (!(flags & DATE_IMPOSSIBLE) != !!date_valid(d))
        abort();
    if ((flags & DATE_PLACEHOLDER) && (flags & DATE_IMPOSSIBLE))
        abort();
    if (date_format_iso(d, iso) != 0 || strlen(iso) != 10)
        abort();
    if (parse(iso, 10, NULL, &e, &eflags) != 0 || !same(d, &e))
        abort();
    if ((eflags & (DATE_IMPOSSIBLE | DATE_PLACEHOLDER)) !=
        (flags & (DATE_IMPOSSIBLE | DATE_PLACEHOLDER)))
        abort();
    if ((flags & DATE_2DIGIT_YEAR) && ref != NULL &&
        !(flags & DATE_IMPOSSIBLE) && date_cmp(d, ref) > 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct date ref0 = {2026, 2, 15};
    struct date d, r, ref1;
    unsigned flags, rflags;
    int rc, rrc, months;

    rc = parse(data, size, NULL, &d, &flags);
    check_parsed(rc, &d, flags, NULL);
    if (rc == 0 && (flags & DATE_2DIGIT_YEAR))
        abort();

    rrc = parse(data, size, &ref0, &r, &rflags);
    check_parsed(rrc, &r, rflags, &ref0);
    if (rc == 0 && (rrc != 0 || !same(&d, &r) || flags != rflags))
        abort();
    if (rc != 0 && rrc == 0 && !(rflags & DATE_2DIGIT_YEAR))
        abort();

    /* A reference that varies with the input. */
    if (date_from_days((int64_t)(size * 7919u % 100000u) - 20000, &ref1) != 0)
        abort();
    rrc = parse(data, size, &ref1, &r, &rflags);
    check_parsed(rrc, &r, rflags, &ref1);
    {
        struct date bad = {2026, 2, 30};

        if (parse(data, size, &bad, &r, &rflags) != TOCSIN_EINVAL)
            abort();
    }

    months = size ? (int)(int8_t)data[size - 1] * 13 : 0;
    if (rc == 0 && date_valid(&d))
        check_valid(&d, months, &ref0);
    if (rrc == 0 && date_valid(&r))
        check_valid(&r, -months, &ref1);
    return 0;
}
