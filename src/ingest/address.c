#include "address.h"

#include <string.h>

/* Longest digit run read as a house number (leading zeros included). */
#define HOUSENR_DIGITS_MAX 9
#define HOUSENR_MAX        99999

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
is_alpha(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static unsigned char
upper(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - ('a' - 'A')) : c;
}

/* The length of a blank at s[p..e): space, TAB, CR, LF (1) or U+00A0
 * (2); 0 when none. */
static size_t
blank_at(const unsigned char *s, size_t p, size_t e)
{
    if (p >= e)
        return 0;
    if (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' || s[p] == '\n')
        return 1;
    if (s[p] == 0xC2 && p + 1 < e && s[p + 1] == 0xA0)
        return 2;
    return 0;
}

/* Trim blanks from both ends of s[*b..*e). */
static void
trim(const unsigned char *s, size_t *b, size_t *e)
{
    size_t n;

    while ((n = blank_at(s, *b, *e)) > 0)
        *b += n;
    while (*e > *b) {
        if (s[*e - 1] == ' ' || s[*e - 1] == '\t' || s[*e - 1] == '\r' ||
            s[*e - 1] == '\n')
            (*e)--;
        else if (*e - *b >= 2 && s[*e - 2] == 0xC2 && s[*e - 1] == 0xA0)
            *e -= 2;
        else
            break;
    }
}

static size_t
skip_blanks(const unsigned char *s, size_t p, size_t e)
{
    size_t n;

    while ((n = blank_at(s, p, e)) > 0)
        p += n;
    return p;
}

/* Whether s[b..e) has the Dutch shape; the digits and letters to d, l. */
static int
dutch_shape(const unsigned char *s, size_t b, size_t e, unsigned char d[4],
            unsigned char l[2])
{
    size_t p = b, i;

    for (i = 0; i < 4; i++, p++) {
        if (p >= e || !is_digit(s[p]))
            return 0;
        d[i] = s[p];
    }
    p = skip_blanks(s, p, e);
    if (p < e && s[p] == '-')
        p = skip_blanks(s, p + 1, e);
    for (i = 0; i < 2; i++, p++) {
        if (p >= e || !is_alpha(s[p]))
            return 0;
        l[i] = upper(s[p]);
    }
    return p == e;
}

static int
postcode(const unsigned char *s, size_t len, struct buf *out, unsigned *flags)
{
    unsigned char d[4], l[2], c;
    size_t b = 0, e = len, p, n;
    int alnum = 0, space = 0, rc = TOCSIN_OK;

    if (len > LIMIT_POSTCODE_INPUT)
        return TOCSIN_EFORMAT;
    trim(s, &b, &e);
    if (b == e)
        return TOCSIN_EFORMAT;
    if (dutch_shape(s, b, e, d, l)) {
        if (d[0] == '0' ||
            (l[0] == 'S' && (l[1] == 'A' || l[1] == 'D' || l[1] == 'S')))
            *flags |= POSTCODE_INVALID;
        rc = buf_append(out, d, 4);
        if (rc == TOCSIN_OK)
            rc = buf_appendc(out, ' ');
        if (rc == TOCSIN_OK)
            rc = buf_append(out, l, 2);
        return rc;
    }
    for (p = b; p < e && rc == TOCSIN_OK;) {
        if ((n = blank_at(s, p, e)) > 0) {
            space = 1;
            p += n;
            continue;
        }
        c = s[p++];
        if (!is_digit(c) && !is_alpha(c) && c != '-')
            return TOCSIN_EFORMAT;
        alnum |= c != '-';
        if (space)
            rc = buf_appendc(out, ' ');
        space = 0;
        if (rc == TOCSIN_OK)
            rc = buf_appendc(out, (char)upper(c));
    }
    if (rc == TOCSIN_OK && !alnum)
        return TOCSIN_EFORMAT;
    *flags |= POSTCODE_FOREIGN;
    return rc;
}

int
postcode_normalize(const char *in, size_t len, struct buf *out,
                   unsigned *flags)
{
    int rc;

    *flags = 0;
    buf_reset(out);
    rc = postcode((const unsigned char *)in, len, out, flags);
    if (rc != TOCSIN_OK) {
        buf_reset(out);
        *flags = 0;
    }
    return rc;
}

enum run_kind {
    RUN_NONE,
    RUN_LETTER,
    RUN_DIGIT,
};

/* A canonical suffix being built. */
struct suffix {
    char s[LIMIT_HOUSENR_SUFFIX + 1];
    size_t len;
};

static int
suffix_put(struct suffix *x, char c)
{
    if (x->len >= LIMIT_HOUSENR_SUFFIX)
        return TOCSIN_EFORMAT;
    x->s[x->len++] = c;
    x->s[x->len] = '\0';
    return TOCSIN_OK;
}

/* The canonical suffix of the text s[b..e) (see address.h) into *x. */
static int
suffix_canon(const unsigned char *s, size_t b, size_t e, struct suffix *x)
{
    enum run_kind prev = RUN_NONE, kind;
    int sep = 0, rc = TOCSIN_OK;
    size_t n;
    unsigned char c;

    x->len = 0;
    x->s[0] = '\0';
    while (b < e && rc == TOCSIN_OK) {
        if ((n = blank_at(s, b, e)) > 0) {
            sep = 1;
            b += n;
            continue;
        }
        c = s[b++];
        if (c == '-' || c == '/' || c == '.' || c == ',') {
            sep = 1;
            continue;
        }
        if (is_digit(c))
            kind = RUN_DIGIT;
        else if (is_alpha(c))
            kind = RUN_LETTER;
        else
            return TOCSIN_EFORMAT;
        if (sep && kind == prev)
            rc = suffix_put(x, '-');
        if (rc == TOCSIN_OK)
            rc = suffix_put(x, (char)upper(c));
        prev = kind;
        sep = 0;
    }
    return rc;
}

static enum run_kind
kind_of(char c)
{
    return is_digit((unsigned char)c) ? RUN_DIGIT : RUN_LETTER;
}

static int
housenr(const unsigned char *num, size_t nlen, const unsigned char *suf,
        size_t slen, struct housenr *out, unsigned *flags)
{
    struct suffix a, z;
    size_t b = 0, e = nlen, p, i;
    long v = 0;
    int rc;

    if (nlen > LIMIT_HOUSENR_INPUT || slen > LIMIT_HOUSENR_INPUT)
        return TOCSIN_EFORMAT;
    trim(num, &b, &e);
    for (p = b; p < e && is_digit(num[p]); p++) {
        if (p - b >= HOUSENR_DIGITS_MAX)
            return TOCSIN_EFORMAT;
        v = v * 10 + (num[p] - '0');
    }
    if (p == b || v < 1 || v > HOUSENR_MAX)
        return TOCSIN_EFORMAT;
    out->number = (int)v;
    rc = suffix_canon(num, p, e, &a);
    if (rc == TOCSIN_OK)
        rc = suffix_canon(suf, 0, slen, &z);
    if (rc != TOCSIN_OK)
        return rc;
    if (a.len > 0)
        *flags |= HOUSENR_SUFFIX_MOVED;
    if (a.len > 0 && z.len > 0) {
        if (strcmp(a.s, z.s) == 0) {
            *flags |= HOUSENR_SUFFIX_TWICE;
            z.len = 0;
        } else {
            *flags |= HOUSENR_SUFFIX_JOINED;
            if (kind_of(a.s[a.len - 1]) == kind_of(z.s[0]))
                rc = suffix_put(&a, '-');
        }
    }
    for (i = 0; i < z.len && rc == TOCSIN_OK; i++)
        rc = suffix_put(&a, z.s[i]);
    if (rc == TOCSIN_OK)
        memcpy(out->suffix, a.s, a.len + 1);
    return rc;
}

int
housenr_parse(const char *number, size_t nlen, const char *suffix, size_t slen,
              struct housenr *out, unsigned *flags)
{
    int rc;

    *flags = 0;
    memset(out, 0, sizeof(*out));
    rc = housenr((const unsigned char *)number, nlen,
                 (const unsigned char *)suffix, slen, out, flags);
    if (rc != TOCSIN_OK) {
        memset(out, 0, sizeof(*out));
        *flags = 0;
    }
    return rc;
}

int
address_key(const char *postcode, size_t plen, const struct housenr *h,
            struct buf *out)
{
    const unsigned char *s = (const unsigned char *)postcode;
    size_t i, slen;
    int rc = TOCSIN_EINVAL, any = 0;

    buf_reset(out);
    if (h->number < 1 || h->number > HOUSENR_MAX)
        goto out;
    slen = strnlen(h->suffix, sizeof(h->suffix));
    if (slen == sizeof(h->suffix))
        goto out;
    for (i = 0; i < slen; i++)
        if (!is_digit((unsigned char)h->suffix[i]) &&
            !(h->suffix[i] >= 'A' && h->suffix[i] <= 'Z') &&
            h->suffix[i] != '-')
            goto out;
    for (i = 0; i < plen; i++) {
        if (s[i] == ' ')
            continue;
        if (!is_digit(s[i]) && !(s[i] >= 'A' && s[i] <= 'Z') && s[i] != '-') {
            rc = TOCSIN_EINVAL;
            goto out;
        }
        any = 1;
        rc = buf_appendc(out, (char)s[i]);
        if (rc != TOCSIN_OK)
            goto out;
    }
    rc = TOCSIN_EINVAL;
    if (!any)
        goto out;
    rc = buf_printf(out, "|%d|", h->number);
    if (rc == TOCSIN_OK)
        rc = buf_append(out, h->suffix, slen);
out:
    if (rc != TOCSIN_OK)
        buf_reset(out);
    return rc;
}
