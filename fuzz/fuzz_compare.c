/*
 * fuzz_compare.c - libFuzzer harness for the comparison primitives
 * (resolve/compare.h).
 *
 * The input is cut at the first NUL or newline into (a, b) (no such byte:
 * a is the first half, b the rest); each goes in an exact malloc'd copy,
 * so ASan sees a read past a length. The harness aborts when
 *  - compare_jaro_winkler() or compare_name() leaves [0, 1], is not
 *    symmetric bit for bit, is not 1 for a non-empty string with itself,
 *    is not 0 when a string is empty, or is 1 for strings whose first
 *    COMPARE_MAX_LEN bytes differ (Jaro-Winkler);
 *  - compare_name() is below compare_jaro_winkler();
 *  - compare_edit_distance() differs, under any cap 0..COMPARE_MAX_CAP,
 *    from min(d, cap + 1) with d from a plain full-table OSA distance, in
 *    either order, or is not 0 for a string with itself;
 *  - compare_initials() is not 0 or 1, or not symmetric;
 *  - compare_dates() on the input's first 8 bytes read as two integers is
 *    not symmetric, not EXACT with itself, or out of the enum.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resolve/compare.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
cut(size_t n)
{
    return n < COMPARE_MAX_LEN ? n : COMPARE_MAX_LEN;
}

/* Optimal-string-alignment distance over the whole table. */
static int
ref_osa(const char *a, size_t alen, const char *b, size_t blen)
{
    int d[COMPARE_MAX_LEN + 1][COMPARE_MAX_LEN + 1];
    size_t i, j;

    alen = cut(alen);
    blen = cut(blen);
    for (i = 0; i <= alen; i++)
        d[i][0] = (int)i;
    for (j = 0; j <= blen; j++)
        d[0][j] = (int)j;
    for (i = 1; i <= alen; i++) {
        for (j = 1; j <= blen; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[alen][blen];
}

static int
same_double(double x, double y)
{
    return memcmp(&x, &y, sizeof(x)) == 0;
}

static void
check_pair(const char *a, size_t alen, const char *b, size_t blen)
{
    double ab = compare_jaro_winkler(a, alen, b, blen);
    double ba = compare_jaro_winkler(b, blen, a, alen);
    double nab = compare_name(a, alen, b, blen);
    double nba = compare_name(b, blen, a, alen);
    int prefix_equal = cut(alen) == cut(blen) && memcmp(a, b, cut(alen)) == 0;
    int ref, cap, ia, ib;

    if (!(ab >= 0.0 && ab <= 1.0) || !same_double(ab, ba))
        abort();
    if ((alen == 0 || blen == 0) && (ab != 0.0 || nab != 0.0))
        abort();
    if (ab == 1.0 && !prefix_equal)
        abort();
    if (alen > 0 && blen > 0 && prefix_equal && ab != 1.0)
        abort();
    if (!(nab >= 0.0 && nab <= 1.0) || !same_double(nab, nba) || nab < ab)
        abort();

    ref = ref_osa(a, alen, b, blen);
    for (cap = 0; cap <= COMPARE_MAX_CAP; cap++) {
        int want = ref < cap + 1 ? ref : cap + 1;

        if (compare_edit_distance(a, alen, b, blen, cap) != want ||
            compare_edit_distance(b, blen, a, alen, cap) != want)
            abort();
    }

    ia = compare_initials(a, alen, b, blen);
    ib = compare_initials(b, blen, a, alen);
    if ((ia != 0 && ia != 1) || ia != ib)
        abort();
}

static void
check_self(const char *a, size_t alen)
{
    if (alen == 0)
        return;
    if (compare_jaro_winkler(a, alen, a, alen) != 1.0 ||
        compare_name(a, alen, a, alen) != 1.0 ||
        compare_edit_distance(a, alen, a, alen, 0) != 0 ||
        compare_initials(a, alen, a, alen) != 1)
        abort();
}

static void
check_dates(const uint8_t *data, size_t size)
{
    uint32_t x, y;
    enum compare_date r;

    if (size < 8)
        return;
    memcpy(&x, data, 4);
    memcpy(&y, data + 4, 4);
    /* Half of the time near real dates, so that every class comes up. */
    if (data[0] & 1) {
        x = 19000101 + x % 1300000;
        y = data[1] & 1 ? x + y % 100 : 19000101 + y % 1300000;
    }
    r = compare_dates(x, y);
    if (r != compare_dates(y, x) || (unsigned)r > COMPARE_DATE_DIFFERENT)
        abort();
    if (x != 0 && compare_dates(x, x) != COMPARE_DATE_EXACT)
        abort();
    if ((x == 0 || y == 0) != (r == COMPARE_DATE_MISSING))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *x = (const char *)data;
    size_t i, alen, boff;
    char *a, *b;

    for (i = 0; i < size; i++)
        if (data[i] == '\0' || data[i] == '\n')
            break;
    if (i < size) {
        alen = i;
        boff = i + 1;
    } else {
        alen = size / 2;
        boff = alen;
    }
    a = fuzz_exact(x, alen);
    b = fuzz_exact(x + boff, size - boff);
    check_pair(a, alen, b, size - boff);
    check_self(a, alen);
    check_self(b, size - boff);
    free(a);
    free(b);
    check_dates(data, size);
    return 0;
}
