#include "checkdigit.h"

/* Feed one character into a running mod-97 remainder. */
static int
mod97_step(int r, char c)
{
    if (c >= '0' && c <= '9')
        return (r * 10 + (c - '0')) % 97;
    if (c >= 'A' && c <= 'Z')
        return (r * 100 + (c - 'A' + 10)) % 97;
    return -1;
}

int
checkdigit_iban_mod97(const char *s, size_t len)
{
    int r = 0;
    size_t i;

    if (len < 5)
        return -1;
    for (i = 4; i < len + 4; i++) {
        r = mod97_step(r, s[i % len]);
        if (r < 0)
            return -1;
    }
    return r;
}

int
checkdigit_iban_compute(const char *country, const char *bban, char out[2])
{
    int r = 0, i, check;
    const char *p;

    for (p = bban; *p != '\0'; p++)
        if ((r = mod97_step(r, *p)) < 0)
            return -1;
    for (i = 0; i < 2; i++)
        if ((r = mod97_step(r, country[i])) < 0)
            return -1;
    r = (r * 100) % 97; /* the "00" placeholder check digits */
    check = 98 - r;
    out[0] = (char)('0' + check / 10);
    out[1] = (char)('0' + check % 10);
    return 0;
}

static int
bsn_sum8(const char *d)
{
    int sum = 0, i;

    for (i = 0; i < 8; i++) {
        if (d[i] < '0' || d[i] > '9')
            return -1;
        sum += (9 - i) * (d[i] - '0');
    }
    return sum;
}

int
checkdigit_bsn_valid(const char *d)
{
    int sum = bsn_sum8(d);

    if (sum < 0 || d[8] < '0' || d[8] > '9')
        return 0;
    sum -= d[8] - '0';
    return sum != 0 && sum % 11 == 0;
}

int
checkdigit_bsn_last(const char *d)
{
    int sum = bsn_sum8(d), last;

    if (sum < 0)
        return -1;
    last = sum % 11;
    if (last == 10 || sum - last == 0)
        return -1;
    return last;
}
