/*
 * date.h - calendar dates from breach exports (birth dates, contract
 * dates): parsing the written forms Dutch exports use, validation, and the
 * arithmetic the later stages need.
 *
 * Dates are proleptic Gregorian, years 1..9999. Inputs are (pointer,
 * length) and need not be NUL-terminated; nothing past the length is read.
 * Pure, locale-independent, no allocation, no clock: the caller passes any
 * reference date.
 */
#ifndef TOCSIN_INGEST_DATE_H
#define TOCSIN_INGEST_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/limits.h"

struct date {
    int year;  /* 1..9999 when valid */
    int month; /* 1..12 */
    int day;   /* 1..31 */
};

/* Flag bits set by date_parse(): the text parsed, but the value is odd. */
enum date_flag {
    DATE_IMPOSSIBLE = 1u << 0,   /* no such day: 1985-02-30, month 13, day
                                    0, year 0 */
    DATE_PLACEHOLDER = 1u << 1,  /* a value systems write for "unknown"
                                    (list below): suspect, not wrong */
    DATE_2DIGIT_YEAR = 1u << 2,  /* year written with two digits, resolved
                                    by date_parse_ref() */
    DATE_TIME_IGNORED = 1u << 3, /* a time of day followed and was ignored */
};

/*
 * Parse a date in[0..len). Leading and trailing blanks (space, TAB, CR,
 * LF) are trimmed. Accepted forms (D and M one or two digits, Y four):
 *   Y-M-D, Y/M/D, Y.M.D   ISO order: "1985-03-15", "1985/3/5"
 *   D-M-Y, D/M/Y, D.M.Y   Dutch order: "15-3-1985", "15/03/1985"
 *   YYYYMMDD              "19850315"
 * Both separators must be the same. Day-month order is ALWAYS Dutch
 * (D-M-Y); M-D-Y is never guessed, so "03/15/1985" is DATE_IMPOSSIBLE.
 * A time of day may follow, after 'T' or blanks: H:MM, H:MM:SS,
 * H:MM:SS.fff, then an optional "Z" or +HH, +HHMM, +HH:MM (or -); it is
 * checked for shape and range and ignored (DATE_TIME_IGNORED).
 *
 * D-M-YY (a two-digit year) needs a reference date: date_parse() rejects
 * it with TOCSIN_EFORMAT; date_parse_ref() accepts it (see there).
 *
 * A parsed value that is no calendar day sets DATE_IMPOSSIBLE (*out holds
 * the numbers as written); a valid one that is a known placeholder sets
 * DATE_PLACEHOLDER. The placeholder set, kept small on purpose:
 *   0001-01-01  minimum of .NET DateTime, Java LocalDate defaults, ISO min
 *   1753-01-01  minimum of SQL Server datetime
 *   1899-12-30  day 0 of OLE Automation / Excel dates (Windows)
 *   1899-12-31  day 0 of the Excel 1900 date system as Excel displays it
 *   1900-01-01  day 1 of Excel, zero of SQL Server smalldatetime and the
 *               most common typed-in "unknown"
 *   1904-01-01  day 0 of the Excel 1904 (Mac) date system
 *   1970-01-01  Unix time 0: what an empty timestamp becomes
 *   9999-12-31  maximum of most databases; "open end"
 * 1970-01-01 and 1900-01-01 are real birth dates for a few people; the flag
 * means "do not trust alone", not "wrong". 1901-01-01 and 2000-01-01 are
 * not in the set: no common system writes them as a default.
 *
 * *flags receives the bits (0 when none). Returns 0 or TOCSIN_EFORMAT
 * for text that is none of the forms or is longer than LIMIT_DATE_INPUT
 * (then *out is zero and *flags 0).
 */
TOCSIN_MUST_CHECK int date_parse(const char *in, size_t len, struct date *out,
                                 unsigned *flags);

/*
 * As date_parse(), but a two-digit year is accepted (DATE_2DIGIT_YEAR) in
 * the D-M-YY forms and read as a birth date relative to the valid date
 * *ref (for instance the date of the export): the latest year ending in
 * those digits that does not put the date after *ref. With ref 2026-02-15,
 * "15-3-85" is 1985-03-15, "1-1-26" 2026-01-01 and "1-3-26" 1926-03-01.
 * TOCSIN_EINVAL when ref is not valid.
 */
TOCSIN_MUST_CHECK int date_parse_ref(const char *in, size_t len,
                                     const struct date *ref, struct date *out,
                                     unsigned *flags);

/* 1 when d is a calendar day of years 1..9999 (leap years by the Gregorian
 * rule), else 0. */
int date_valid(const struct date *d);

/* Days in a month of a year (28..31), or 0 for a month outside 1..12. */
int date_days_in_month(int year, int month);

/*
 * Write d as "YYYY-MM-DD" and a NUL into out. Values that are not valid
 * but fit the pattern (year 0..9999, month and day 0..99) are written as
 * they are, so that a DATE_IMPOSSIBLE date can be shown as given. Returns
 * 0 or TOCSIN_EINVAL (out is then "").
 */
TOCSIN_MUST_CHECK int date_format_iso(const struct date *d, char out[11]);

/* <0, 0 or >0 as a is before, equal to or after b (by year, month, day;
 * defined for any values). */
int date_cmp(const struct date *a, const struct date *b);

/*
 * d moved by months (negative: back); the day is clamped to the end of
 * the target month (2024-01-31 + 1 month = 2024-02-29). Returns 0, or
 * TOCSIN_EINVAL when d is not valid or the result leaves years 1..9999.
 */
TOCSIN_MUST_CHECK int date_add_months(const struct date *d, int months,
                                      struct date *out);

/*
 * Age in whole years on date *on of a person born on *birth: the number of
 * birthdays passed. One born on 29 February has the birthday on 1 March in
 * common years. Returns the age (>= 0), or TOCSIN_EINVAL when either date
 * is not valid or on is before birth.
 */
TOCSIN_MUST_CHECK int date_age_on(const struct date *birth,
                                  const struct date *on);

/*
 * Days from 1970-01-01 to d (negative before). Exact for valid dates; for
 * other values the result is defined but meaningless.
 */
int64_t date_days(const struct date *d);

/*
 * The number YYYYMMDD of a value in the normalised form "YYYY-MM-DD"
 * (exactly len 10), for fast comparisons of many dates; 0 when it is not
 * that form. Does not check that the day exists.
 */
uint32_t date_ymd(const char *p, size_t len);

/* The date days after 1970-01-01. TOCSIN_EINVAL outside years 1..9999. */
TOCSIN_MUST_CHECK int date_from_days(int64_t days, struct date *out);

/*
 * d spelt out for a reader into out: "7 februari 2026" (english
 * 0) or "7 February 2026" (english nonzero); day and year as decimal
 * numbers without leading zeros, not checked further. Like snprintf, at
 * most size bytes with the NUL (cut when out is too small). Returns 0, or
 * TOCSIN_EINVAL (out untouched) when the month is not 1..12.
 */
TOCSIN_MUST_CHECK int date_spell(const struct date *d, int english, char *out,
                                 size_t size);

#endif
