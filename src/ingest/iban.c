#include "iban.h"

#include <string.h>

#include "../util/checkdigit.h"
#include "../util/limits.h"

/*
 * The SWIFT IBAN registry (release 100, 2025): every country with its IBAN
 * length. Territories that use another country's code (AX -> FI; GF, GP,
 * MQ, RE, ... -> FR; GG, IM, JE -> GB) have no entry of their own.
 * Sorted by code for the binary search.
 */
static const struct iban_country {
    char cc[2];
    unsigned char len;
} registry[] = {
    {{'A', 'D'}, 24}, {{'A', 'E'}, 23}, {{'A', 'L'}, 28}, {{'A', 'T'}, 20},
    {{'A', 'Z'}, 28}, {{'B', 'A'}, 20}, {{'B', 'E'}, 16}, {{'B', 'G'}, 22},
    {{'B', 'H'}, 22}, {{'B', 'I'}, 27}, {{'B', 'R'}, 29}, {{'B', 'Y'}, 28},
    {{'C', 'H'}, 21}, {{'C', 'R'}, 22}, {{'C', 'Y'}, 28}, {{'C', 'Z'}, 24},
    {{'D', 'E'}, 22}, {{'D', 'J'}, 27}, {{'D', 'K'}, 18}, {{'D', 'O'}, 28},
    {{'E', 'E'}, 20}, {{'E', 'G'}, 29}, {{'E', 'S'}, 24}, {{'F', 'I'}, 18},
    {{'F', 'K'}, 18}, {{'F', 'O'}, 18}, {{'F', 'R'}, 27}, {{'G', 'B'}, 22},
    {{'G', 'E'}, 22}, {{'G', 'I'}, 23}, {{'G', 'L'}, 18}, {{'G', 'R'}, 27},
    {{'G', 'T'}, 28}, {{'H', 'N'}, 28}, {{'H', 'R'}, 21}, {{'H', 'U'}, 28},
    {{'I', 'E'}, 22}, {{'I', 'L'}, 23}, {{'I', 'Q'}, 23}, {{'I', 'S'}, 26},
    {{'I', 'T'}, 27}, {{'J', 'O'}, 30}, {{'K', 'W'}, 30}, {{'K', 'Z'}, 20},
    {{'L', 'B'}, 28}, {{'L', 'C'}, 32}, {{'L', 'I'}, 21}, {{'L', 'T'}, 20},
    {{'L', 'U'}, 20}, {{'L', 'V'}, 21}, {{'L', 'Y'}, 25}, {{'M', 'C'}, 27},
    {{'M', 'D'}, 24}, {{'M', 'E'}, 22}, {{'M', 'K'}, 19}, {{'M', 'N'}, 20},
    {{'M', 'R'}, 27}, {{'M', 'T'}, 31}, {{'M', 'U'}, 30}, {{'N', 'I'}, 28},
    {{'N', 'L'}, 18}, {{'N', 'O'}, 15}, {{'O', 'M'}, 23}, {{'P', 'K'}, 24},
    {{'P', 'L'}, 28}, {{'P', 'S'}, 29}, {{'P', 'T'}, 25}, {{'Q', 'A'}, 29},
    {{'R', 'O'}, 24}, {{'R', 'S'}, 22}, {{'R', 'U'}, 33}, {{'S', 'A'}, 24},
    {{'S', 'C'}, 31}, {{'S', 'D'}, 18}, {{'S', 'E'}, 24}, {{'S', 'I'}, 19},
    {{'S', 'K'}, 24}, {{'S', 'M'}, 27}, {{'S', 'O'}, 23}, {{'S', 'T'}, 25},
    {{'S', 'V'}, 28}, {{'T', 'L'}, 23}, {{'T', 'N'}, 24}, {{'T', 'R'}, 26},
    {{'U', 'A'}, 29}, {{'V', 'A'}, 22}, {{'V', 'G'}, 24}, {{'X', 'K'}, 20},
    {{'Y', 'E'}, 30},
};

/* Example IBANs printed in standards, bank leaflets and manuals. */
static const struct iban_example {
    const char *s;
    size_t n;
} examples[] = {
    {"NL91ABNA0417164300", sizeof "NL91ABNA0417164300" - 1},
    {"NL02ABNA0123456789", sizeof "NL02ABNA0123456789" - 1},
    {"NL20INGB0001234567", sizeof "NL20INGB0001234567" - 1},
    {"DE89370400440532013000", sizeof "DE89370400440532013000" - 1},
    {"GB82WEST12345698765432", sizeof "GB82WEST12345698765432" - 1},
    {"GB29NWBK60161331926819", sizeof "GB29NWBK60161331926819" - 1},
    {"BE68539007547034", sizeof "BE68539007547034" - 1},
    {"FR1420041010050500013M02606", sizeof "FR1420041010050500013M02606" - 1},
};

static int
is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int
is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
iban_country_length(const char *cc)
{
    size_t lo = 0, hi = sizeof registry / sizeof registry[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d =
            registry[mid].cc[0] != cc[0]
                ? (unsigned char)registry[mid].cc[0] - (unsigned char)cc[0]
                : (unsigned char)registry[mid].cc[1] - (unsigned char)cc[1];

        if (d == 0)
            return registry[mid].len;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The NL BBAN: 4 letters (bank) and 10 digits (account). */
static int
nl_bban_ok(const char *e)
{
    int i;

    for (i = 4; i < 8; i++)
        if (!is_upper((unsigned char)e[i]))
            return 0;
    for (i = 8; i < 18; i++)
        if (!is_digit((unsigned char)e[i]))
            return 0;
    return 1;
}

static int
is_example(const char *e, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof examples / sizeof examples[0]; i++)
        if (examples[i].n == n && memcmp(examples[i].s, e, n) == 0)
            return 1;
    return 0;
}

static enum iban_reason
check(const char *e, size_t n)
{
    int want;

    if (n < 2 || !is_upper((unsigned char)e[0]) ||
        !is_upper((unsigned char)e[1]))
        return IBAN_ECOUNTRY;
    want = iban_country_length(e);
    if (want == 0)
        return IBAN_ECOUNTRY;
    if (n != (size_t)want)
        return IBAN_ELENGTH;
    if (!is_digit((unsigned char)e[2]) || !is_digit((unsigned char)e[3]))
        return IBAN_ECHECK;
    if (e[0] == 'N' && e[1] == 'L' && !nl_bban_ok(e))
        return IBAN_EBBAN;
    if ((e[2] == '0' && e[3] <= '1') || (e[2] == '9' && e[3] == '9'))
        return IBAN_ECHECK;
    if (checkdigit_iban_mod97(e, n) != 1)
        return IBAN_ECHECK;
    return IBAN_OK;
}

int
iban_normalize(const char *in, size_t len, struct buf *out, unsigned *flags)
{
    char e[LIMIT_IBAN_INPUT];
    const char *s = in;
    size_t n = len, i, k = 0;
    enum iban_reason r = IBAN_OK;
    unsigned char c;
    int rc = TOCSIN_EFORMAT;

    *flags = 0;
    buf_reset(out);
    if (len > LIMIT_IBAN_INPUT) {
        r = IBAN_ETOOLONG;
        goto done;
    }
    while (n > 0 && is_blank((unsigned char)s[0]))
        s++, n--;
    while (n > 0 && is_blank((unsigned char)s[n - 1]))
        n--;
    if (n >= 4 && (s[0] | 0x20) == 'i' && (s[1] | 0x20) == 'b' &&
        (s[2] | 0x20) == 'a' && (s[3] | 0x20) == 'n') {
        s += 4, n -= 4;
        *flags |= IBAN_PREFIX;
        if (n > 0 && s[0] == ':')
            s++, n--;
        while (n > 0 && is_blank((unsigned char)s[0]))
            s++, n--;
    }
    for (i = 0; i < n; i++) {
        c = (unsigned char)s[i];
        if (is_upper(c) || is_digit(c)) {
            e[k++] = (char)c;
        } else if (is_lower(c)) {
            e[k++] = (char)(c - 'a' + 'A');
            *flags |= IBAN_LOWER;
        } else if (c == ' ' || c == '\t' || c == '-' || c == '.') {
            *flags |= IBAN_PAPER;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            *flags |= IBAN_PAPER;
            i++;
        } else {
            r = IBAN_ECHAR;
            goto done;
        }
    }
    if (k == 0) {
        r = IBAN_EEMPTY;
        goto done;
    }
    r = check(e, k);
    rc = buf_append(out, e, k);
    if (rc != 0)
        goto done;
    if (r == IBAN_OK && is_example(e, k))
        *flags |= IBAN_EXAMPLE;
    rc = r == IBAN_OK ? 0 : TOCSIN_EFORMAT;
done:
    if (r != IBAN_OK)
        *flags |= (unsigned)r << IBAN_REASON_SHIFT;
    explicit_bzero(e, sizeof e);
    return rc;
}

enum iban_reason
iban_reason(unsigned flags)
{
    return (enum iban_reason)(flags >> IBAN_REASON_SHIFT);
}

const char *
iban_strerror(enum iban_reason reason)
{
    switch (reason) {
    case IBAN_OK:
        return "valid IBAN";
    case IBAN_EEMPTY:
        return "empty IBAN";
    case IBAN_ETOOLONG:
        return "IBAN field too long";
    case IBAN_ECHAR:
        return "character not allowed in an IBAN";
    case IBAN_ECOUNTRY:
        return "country code without IBAN";
    case IBAN_ELENGTH:
        return "wrong length for the country";
    case IBAN_EBBAN:
        return "account part malformed for the country";
    case IBAN_ECHECK:
        return "check digits do not match";
    }
    return "unknown reason";
}

int
iban_bank_code(const char *norm, size_t len, char out[5])
{
    int i;

    out[0] = '\0';
    if (len != 18 || norm[0] != 'N' || norm[1] != 'L')
        return TOCSIN_EINVAL;
    for (i = 0; i < 4; i++)
        if (!is_upper((unsigned char)norm[4 + i]))
            return TOCSIN_EINVAL;
    memcpy(out, norm + 4, 4);
    out[4] = '\0';
    return 0;
}

int
iban_mask(const char *norm, size_t len, struct buf *out)
{
    static const char pattern[] = "** **** **** **** ";
    int rc;

    buf_reset(out);
    if (len < 8 || !is_upper((unsigned char)norm[0]) ||
        !is_upper((unsigned char)norm[1]))
        return TOCSIN_EINVAL;
    rc = buf_append(out, norm, 2);
    if (rc == 0)
        rc = buf_append(out, pattern, sizeof pattern - 1);
    if (rc == 0)
        rc = buf_append(out, norm + len - 4, 4);
    if (rc != 0)
        buf_reset(out);
    return rc;
}
