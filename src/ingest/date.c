#include "date.h"

#include <stdio.h>
#include <string.h>

/* Longest run of digits any form has (YYYYMMDD). */
#define DATE_RUN_MAX 8

static const struct date placeholders[] = {
    {1, 1, 1},    {1753, 1, 1}, {1899, 12, 30}, {1899, 12, 31},
    {1900, 1, 1}, {1904, 1, 1}, {1970, 1, 1},   {9999, 12, 31},
};

static int
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Read a run of digits at s[*p..e) into *v; returns its length (0 when
 * none, more than DATE_RUN_MAX when too long to be a date part). */
static size_t
digits(const char *s, size_t *p, size_t e, int *v)
{
    size_t start = *p;

    *v = 0;
    while (*p < e && is_digit(s[*p])) {
        if (*p - start < DATE_RUN_MAX)
            *v = *v * 10 + (s[*p] - '0');
        (*p)++;
    }
    return *p - start;
}

/* Exactly n digits at s[*p..e) with value at most max into *v. */
static int
fixed(const char *s, size_t *p, size_t e, size_t n, int max, int *v)
{
    size_t got = digits(s, p, e, v);

    return got == n && *v <= max;
}

/* Exactly two digits at s[*p..e) (more may follow), value at most max. */
static int
two(const char *s, size_t *p, size_t e, int max)
{
    if (e - *p < 2 || !is_digit(s[*p]) || !is_digit(s[*p + 1]))
        return 0;
    *p += 2;
    return (s[*p - 2] - '0') * 10 + (s[*p - 1] - '0') <= max;
}

/* A time of day s[p..e) (see date.h): 1 when it has the right shape. */
static int
time_ok(const char *s, size_t p, size_t e)
{
    size_t n;
    int v;

    n = digits(s, &p, e, &v);
    if (n < 1 || n > 2 || v > 24)
        return 0;
    if (p >= e || s[p++] != ':' || !fixed(s, &p, e, 2, 59, &v))
        return 0;
    if (p < e && s[p] == ':') {
        p++;
        if (!fixed(s, &p, e, 2, 60, &v))
            return 0;
        if (p < e && (s[p] == '.' || s[p] == ',')) {
            p++;
            n = digits(s, &p, e, &v);
            if (n < 1 || n > 9)
                return 0;
        }
    }
    if (p < e && s[p] == 'Z') {
        p++;
    } else if (p < e && (s[p] == '+' || s[p] == '-')) {
        p++;
        if (!two(s, &p, e, 14))
            return 0;
        if (p < e && s[p] == ':') {
            p++;
            if (!two(s, &p, e, 59))
                return 0;
        } else if (p < e && !two(s, &p, e, 59)) {
            return 0;
        }
    }
    return p == e;
}

static int
is_placeholder(const struct date *d)
{
    size_t i;

    for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
        if (date_cmp(d, &placeholders[i]) == 0)
            return 1;
    return 0;
}

/*
 * Parse the trimmed text; *yy2 tells that the year had two digits (its
 * value is then 0..99 in out->year).
 */
static int
parse(const char *s, size_t e, struct date *out, unsigned *flags, int *yy2)
{
    size_t p = 0, n1, n2, n3;
    int v1, v2, v3;
    char sep;

    *yy2 = 0;
    n1 = digits(s, &p, e, &v1);
    if (n1 == 8 && (p == e || s[p] == 'T' || is_blank(s[p]))) {
        out->year = v1 / 10000;
        out->month = v1 / 100 % 100;
        out->day = v1 % 100;
    } else {
        if (p >= e || (s[p] != '-' && s[p] != '/' && s[p] != '.'))
            return TOCSIN_EFORMAT;
        sep = s[p++];
        n2 = digits(s, &p, e, &v2);
        if (p >= e || s[p++] != sep)
            return TOCSIN_EFORMAT;
        n3 = digits(s, &p, e, &v3);
        if (n2 < 1 || n2 > 2)
            return TOCSIN_EFORMAT;
        if (n1 == 4 && n3 >= 1 && n3 <= 2) {
            out->year = v1;
            out->month = v2;
            out->day = v3;
        } else if (n1 >= 1 && n1 <= 2 && (n3 == 4 || n3 == 2)) {
            out->day = v1;
            out->month = v2;
            out->year = v3;
            *yy2 = n3 == 2;
        } else {
            return TOCSIN_EFORMAT;
        }
    }
    if (p < e) {
        if (s[p] == 'T') {
            p++;
        } else if (is_blank(s[p])) {
            while (p < e && is_blank(s[p]))
                p++;
        } else {
            return TOCSIN_EFORMAT;
        }
        if (!time_ok(s, p, e))
            return TOCSIN_EFORMAT;
        *flags |= DATE_TIME_IGNORED;
    }
    return TOCSIN_OK;
}

static int
parse_any(const char *in, size_t len, const struct date *ref, struct date *out,
          unsigned *flags)
{
    size_t b = 0, e = len;
    int yy2, rc, y;
    struct date d;

    memset(out, 0, sizeof(*out));
    *flags = 0;
    if (len > LIMIT_DATE_INPUT)
        return TOCSIN_EFORMAT;
    while (b < e && is_blank(in[b]))
        b++;
    while (e > b && is_blank(in[e - 1]))
        e--;
    rc = parse(in + b, e - b, &d, flags, &yy2);
    if (rc == TOCSIN_OK && yy2) {
        if (ref == NULL) {
            rc = TOCSIN_EFORMAT;
        } else {
            /* The latest year ending in these digits, not after ref. */
            y = ref->year - ((ref->year - d.year) % 100 + 100) % 100;
            d.year = y;
            if (date_cmp(&d, ref) > 0)
                d.year -= 100;
            *flags |= DATE_2DIGIT_YEAR;
        }
    }
    if (rc != TOCSIN_OK) {
        *flags = 0;
        return rc;
    }
    *out = d;
    if (!date_valid(out))
        *flags |= DATE_IMPOSSIBLE;
    else if (is_placeholder(out))
        *flags |= DATE_PLACEHOLDER;
    return TOCSIN_OK;
}

int
date_parse(const char *in, size_t len, struct date *out, unsigned *flags)
{
    return parse_any(in, len, NULL, out, flags);
}

int
date_parse_ref(const char *in, size_t len, const struct date *ref,
               struct date *out, unsigned *flags)
{
    if (!date_valid(ref)) {
        memset(out, 0, sizeof(*out));
        *flags = 0;
        return TOCSIN_EINVAL;
    }
    return parse_any(in, len, ref, out, flags);
}

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
date_days_in_month(int year, int month)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && is_leap(year))
        return 29;
    return dim[month - 1];
}

int
date_valid(const struct date *d)
{
    return d->year >= 1 && d->year <= 9999 && d->day >= 1 &&
           d->day <= date_days_in_month(d->year, d->month);
}

static void
put_digits(char *out, int v, int n)
{
    while (n-- > 0) {
        out[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

int
date_format_iso(const struct date *d, char out[11])
{
    if (d->year < 0 || d->year > 9999 || d->month < 0 || d->month > 99 ||
        d->day < 0 || d->day > 99) {
        out[0] = '\0';
        return TOCSIN_EINVAL;
    }
    put_digits(out, d->year, 4);
    out[4] = '-';
    put_digits(out + 5, d->month, 2);
    out[7] = '-';
    put_digits(out + 8, d->day, 2);
    out[10] = '\0';
    return TOCSIN_OK;
}

int
date_cmp(const struct date *a, const struct date *b)
{
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->month != b->month)
        return a->month < b->month ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return 0;
}

int
date_add_months(const struct date *d, int months, struct date *out)
{
    int64_t total;
    int dim;

    if (!date_valid(d))
        return TOCSIN_EINVAL;
    total = (int64_t)d->year * 12 + (d->month - 1) + months;
    if (total < 12 || total > (int64_t)9999 * 12 + 11)
        return TOCSIN_EINVAL;
    out->year = (int)(total / 12);
    out->month = (int)(total % 12) + 1;
    dim = date_days_in_month(out->year, out->month);
    out->day = d->day < dim ? d->day : dim;
    return TOCSIN_OK;
}

int
date_age_on(const struct date *birth, const struct date *on)
{
    int age;

    if (!date_valid(birth) || !date_valid(on) || date_cmp(on, birth) < 0)
        return TOCSIN_EINVAL;
    age = on->year - birth->year;
    if (on->month < birth->month ||
        (on->month == birth->month && on->day < birth->day))
        age--;
    return age;
}

/* After H. Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
uint32_t
date_ymd(const char *p, size_t len)
{
    uint32_t v = 0;
    size_t i;

    if (p == NULL || len != 10 || p[4] != '-' || p[7] != '-')
        return 0;
    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (uint32_t)(p[i] - '0');
    }
    return v;
}

int64_t
date_days(const struct date *d)
{
    int64_t y = d->year, m = d->month, era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d->day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int
date_from_days(int64_t days, struct date *out)
{
    static const struct date lo = {1, 1, 1}, hi = {9999, 12, 31};
    int64_t z, era, doe, yoe, y, doy, mp, m;

    if (days < date_days(&lo) || days > date_days(&hi))
        return TOCSIN_EINVAL;
    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    m = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)(y + (m <= 2));
    out->month = (int)m;
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    return TOCSIN_OK;
}

int
date_spell(const struct date *d, int english, char *out, size_t size)
{
    static const char *const months[2][12] = {
        {"januari", "februari", "maart", "april", "mei", "juni", "juli",
         "augustus", "september", "oktober", "november", "december"},
        {"January", "February", "March", "April", "May", "June", "July",
         "August", "September", "October", "November", "December"},
    };

    if (d->month < 1 || d->month > 12)
        return TOCSIN_EINVAL;
    snprintf(out, size, "%d %s %d", d->day, months[english != 0][d->month - 1],
             d->year);
    return TOCSIN_OK;
}
