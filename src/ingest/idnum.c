#include "idnum.h"

#include <string.h>

#include "../util/checkdigit.h"

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int
is_alpha(unsigned char c)
{
    return is_upper(c) || (c >= 'a' && c <= 'z');
}

static char
to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static char
to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int
is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim(const char **ps, size_t *pn)
{
    const char *s = *ps;
    size_t n = *pn;

    while (n > 0 && is_blank((unsigned char)s[0]))
        s++, n--;
    while (n > 0 && is_blank((unsigned char)s[n - 1]))
        n--;
    *ps = s;
    *pn = n;
}

/* 123456782 and ddddddddd0 (8 equal digits and a 0) are examples. */
static int
bsn_is_example(const char *d)
{
    int i;

    if (memcmp(d, "123456782", 9) == 0)
        return 1;
    for (i = 1; i < 8; i++)
        if (d[i] != d[0])
            return 0;
    return d[8] == '0';
}

int
bsn_normalize(const char *in, size_t len, char out[10], unsigned *flags)
{
    char d[9];
    const char *s = in;
    size_t n = len, i;
    int nd = 0, rc = TOCSIN_EFORMAT;
    unsigned char c;

    out[0] = '\0';
    *flags = 0;
    if (len > LIMIT_IDNUM_INPUT)
        return TOCSIN_EFORMAT;
    trim(&s, &n);
    if (n == 0 || !is_digit((unsigned char)s[0]) ||
        !is_digit((unsigned char)s[n - 1]))
        goto done;
    for (i = 0; i < n; i++) {
        c = (unsigned char)s[i];
        if (is_digit(c)) {
            if (nd == 9)
                goto done;
            d[nd++] = (char)c;
        } else if (c != '.' && c != '-' && c != ' ') {
            goto done;
        }
    }
    if (nd == 8) {
        memmove(d + 1, d, 8);
        d[0] = '0';
        *flags |= BSN_PADDED;
    } else if (nd != 9) {
        goto done;
    }
    if (!checkdigit_bsn_valid(d))
        goto done;
    if (bsn_is_example(d))
        *flags |= BSN_EXAMPLE;
    memcpy(out, d, 9);
    out[9] = '\0';
    rc = 0;
done:
    if (rc != 0)
        *flags = 0;
    explicit_bzero(d, sizeof d);
    return rc;
}

/* Length of the run of digits at t[i..len). */
static size_t
digit_run(const char *t, size_t len, size_t i)
{
    size_t k = i;

    while (k < len && is_digit((unsigned char)t[k]))
        k++;
    return k - i;
}

static int
is_sep(char c)
{
    return c == '.' || c == ' ' || c == '-';
}

/*
 * Try a grouped BSN (3-3-3, 4-2-3, 3-2-3) starting at t[i], whose first
 * group has r1 digits. Returns the match length or 0.
 */
static size_t
grouped_at(const char *t, size_t len, size_t i, size_t r1)
{
    size_t p = i + r1, r2, r3, end;
    char sep;

    if (p + 1 >= len || !is_sep(t[p]))
        return 0;
    sep = t[p];
    r2 = digit_run(t, len, p + 1);
    if (!((r1 == 3 && (r2 == 3 || r2 == 2)) || (r1 == 4 && r2 == 2)))
        return 0;
    p += 1 + r2;
    if (p + 1 >= len || t[p] != sep)
        return 0;
    r3 = digit_run(t, len, p + 1);
    if (r3 != 3)
        return 0;
    end = p + 1 + r3;
    /* Not one group of a longer grouped number. */
    if (i >= 2 && t[i - 1] == sep && is_digit((unsigned char)t[i - 2]))
        return 0;
    if (end + 1 < len && t[end] == sep && is_digit((unsigned char)t[end + 1]))
        return 0;
    return end - i;
}

/* The digits of t[i..i+n) (8 read with a leading 0) pass the 11-check. */
static int
bsn_valid_at(const char *t, size_t i, size_t n)
{
    char d[9];
    size_t k, nd = 0;
    int ok = 0;

    for (k = i; k < i + n; k++)
        if (is_digit((unsigned char)t[k]) && nd < 9)
            d[nd++] = t[k];
    if (nd == 8) {
        memmove(d + 1, d, 8);
        d[0] = '0';
        nd = 9;
    }
    if (nd == 9)
        ok = checkdigit_bsn_valid(d);
    explicit_bzero(d, sizeof d);
    return ok;
}

int
bsn_scan(const char *text, size_t len,
         int (*cb)(size_t off, size_t len, void *ctx), void *ctx)
{
    size_t i = 0, r1, m;
    int rc;

    while (i < len) {
        if (!is_digit((unsigned char)text[i])) {
            i++;
            continue;
        }
        r1 = digit_run(text, len, i);
        m = 0;
        if (r1 == 9)
            m = 9;
        else if (r1 == 3 || r1 == 4)
            m = grouped_at(text, len, i, r1);
        if (m > 0 && bsn_valid_at(text, i, m)) {
            rc = cb(i, m, ctx);
            if (rc != 0)
                return rc;
            i += m;
        } else {
            i += r1;
        }
    }
    return 0;
}

/* The shapes of VAT numbers after the country prefix (VIES): 'd' digit,
 * 'a' letter, 'x' letter or digit, other characters literal; '|'
 * separates alternatives. */
static const struct vat_country {
    char cc[3];
    const char *shape;
} vat_shapes[] = {
    {"AT", "Udddddddd"},
    {"BE", "dddddddddd"},
    {"BG", "ddddddddd|dddddddddd"},
    {"CH", "Eddddddddd|EdddddddddMWST|EdddddddddTVA|EdddddddddIVA"},
    {"CY", "dddddddda"},
    {"CZ", "dddddddd|ddddddddd|dddddddddd"},
    {"DE", "ddddddddd"},
    {"DK", "dddddddd"},
    {"EE", "ddddddddd"},
    {"EL", "ddddddddd"},
    {"ES", "xdddddddx"},
    {"FI", "dddddddd"},
    {"FR", "xxddddddddd"},
    {"GB", "ddddddddd|dddddddddddd|GDddd|HAddd"},
    {"HR", "ddddddddddd"},
    {"HU", "dddddddd"},
    {"IE", "ddddddda|dddddddaa|dxddddda"},
    {"IT", "ddddddddddd"},
    {"LT", "ddddddddd|dddddddddddd"},
    {"LU", "dddddddd"},
    {"LV", "ddddddddddd"},
    {"MT", "dddddddd"},
    {"NO", "ddddddddd|dddddddddMVA"},
    {"PL", "dddddddddd"},
    {"PT", "ddddddddd"},
    {"RO", "dd|ddd|dddd|ddddd|dddddd|ddddddd|dddddddd|ddddddddd|dddddddddd"},
    {"SE", "dddddddddddd"},
    {"SI", "dddddddd"},
    {"SK", "dddddddddd"},
    {"XI", "ddddddddd|dddddddddddd|GDddd|HAddd"},
};

/* Does s[0..n) match one alternative of shape? */
static int
shape_match(const char *shape, const char *s, size_t n)
{
    const char *alt = shape;

    for (;;) {
        const char *bar = strchr(alt, '|');
        size_t al = bar ? (size_t)(bar - alt) : strlen(alt), i;
        int ok = al == n;

        for (i = 0; ok && i < n; i++) {
            unsigned char c = (unsigned char)s[i];

            switch (alt[i]) {
            case 'd':
                ok = is_digit(c);
                break;
            case 'a':
                ok = is_upper(c);
                break;
            case 'x':
                ok = is_digit(c) || is_upper(c);
                break;
            default:
                ok = c == (unsigned char)alt[i];
                break;
            }
        }
        if (ok)
            return 1;
        if (bar == NULL)
            return 0;
        alt = bar + 1;
    }
}

/* The 2020 NL check: N=23 L=21 B=11, digits as they are, mod 97 == 1. */
static int
vat_nl_mod97(const char *v)
{
    unsigned r = 0;
    int i;

    for (i = 0; i < 14; i++) {
        unsigned char c = (unsigned char)v[i];

        if (is_digit(c))
            r = (r * 10 + (c - '0')) % 97;
        else
            r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    return r == 1;
}

int
vat_normalize(const char *in, size_t len, struct buf *out, unsigned *flags,
              char bsn_out[10])
{
    char v[LIMIT_IDNUM_INPUT];
    const char *s = in;
    size_t n = len, i, k = 0;
    int rc = TOCSIN_EFORMAT;
    unsigned char c;

    *flags = 0;
    if (bsn_out != NULL)
        bsn_out[0] = '\0';
    buf_reset(out);
    if (len > LIMIT_IDNUM_INPUT)
        return TOCSIN_EFORMAT;
    trim(&s, &n);
    for (i = 0; i < n; i++) {
        c = (unsigned char)s[i];
        if (is_digit(c) || is_alpha(c))
            v[k++] = to_upper((char)c);
        else if (c != ' ' && c != '.' && c != '-')
            goto done;
    }
    if (k < 4 || !is_upper((unsigned char)v[0]) ||
        !is_upper((unsigned char)v[1]))
        goto done;
    if (v[0] == 'G' && v[1] == 'R')
        v[0] = 'E', v[1] = 'L';

    if (v[0] == 'N' && v[1] == 'L') {
        if (k != 14 || !shape_match("dddddddddBdd", v + 2, 12))
            goto done;
        if (checkdigit_bsn_valid(v + 2)) {
            *flags |= VAT_CONTAINS_BSN;
            if (bsn_out != NULL) {
                memcpy(bsn_out, v + 2, 9);
                bsn_out[9] = '\0';
            }
        } else if (vat_nl_mod97(v)) {
            *flags |= VAT_NL_NEW;
        } else {
            goto done;
        }
    } else {
        for (i = 0; i < sizeof vat_shapes / sizeof vat_shapes[0]; i++)
            if (vat_shapes[i].cc[0] == v[0] && vat_shapes[i].cc[1] == v[1])
                break;
        if (i == sizeof vat_shapes / sizeof vat_shapes[0] ||
            !shape_match(vat_shapes[i].shape, v + 2, k - 2))
            goto done;
        *flags |= VAT_FOREIGN;
    }
    rc = buf_append(out, v, k);
done:
    if (rc != 0) {
        *flags = 0;
        if (bsn_out != NULL)
            explicit_bzero(bsn_out, 10);
        buf_reset(out);
    }
    explicit_bzero(v, sizeof v);
    return rc;
}

/* Type words after folding (lower case, separators removed). */
static const struct iddoc_word {
    const char *word;
    int type;
} iddoc_words[] = {
    {"identiteitskaart", IDDOC_ID_CARD},
    {"idkaart", IDDOC_ID_CARD},
    {"nik", IDDOC_ID_CARD},
    {"idcard", IDDOC_ID_CARD},
    {"identitycard", IDDOC_ID_CARD},
    {"nationalidentitycard", IDDOC_ID_CARD},
    {"nationalidcard", IDDOC_ID_CARD},
    {"europeseidentiteitskaart", IDDOC_ID_CARD},
    {"nederlandseidentiteitskaart", IDDOC_ID_CARD},
    {"rijbewijs", IDDOC_DRIVING_LICENCE},
    {"drivinglicence", IDDOC_DRIVING_LICENCE},
    {"drivinglicense", IDDOC_DRIVING_LICENCE},
    {"driverslicence", IDDOC_DRIVING_LICENCE},
    {"driverslicense", IDDOC_DRIVING_LICENCE},
    {"driverlicence", IDDOC_DRIVING_LICENCE},
    {"driverlicense", IDDOC_DRIVING_LICENCE},
    {"verblijfsvergunning", IDDOC_OTHER},
    {"verblijfsdocument", IDDOC_OTHER},
    {"vreemdelingendocument", IDDOC_OTHER},
    {"residencepermit", IDDOC_OTHER},
};

static int
ends_with(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);

    return n >= wl && memcmp(s + n - wl, w, wl) == 0;
}

/* The type of a type word; -1 when not recognised. */
static int
iddoc_type_of(const char *s, size_t n)
{
    char f[LIMIT_IDDOC_TYPE];
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        char c = s[i];

        if (is_blank((unsigned char)c) || c == '-' || c == '_' || c == '.' ||
            c == '\'')
            continue;
        f[k++] = to_lower(c);
    }
    if (k == 0)
        return -1;
    if (ends_with(f, k, "paspoort") || ends_with(f, k, "passport"))
        return IDDOC_PASSPORT;
    for (i = 0; i < sizeof iddoc_words / sizeof iddoc_words[0]; i++)
        if (strlen(iddoc_words[i].word) == k &&
            memcmp(iddoc_words[i].word, f, k) == 0)
            return iddoc_words[i].type;
    return -1;
}

/* The 2014 scheme of Dutch passport and ID-card numbers. */
static int
nl_doc_2014(const char *s, size_t n)
{
    size_t i;

    if (n != 9 || !is_upper((unsigned char)s[0]) ||
        !is_upper((unsigned char)s[1]) || !is_digit((unsigned char)s[8]))
        return 0;
    for (i = 0; i < 9; i++)
        if (s[i] == 'O')
            return 0;
    return 1;
}

int
iddoc_normalize(const char *type_in, size_t tlen, const char *number_in,
                size_t nlen, struct iddoc *out, unsigned *flags)
{
    char num[LIMIT_IDDOC_NUMBER];
    size_t i, k = 0;
    int type, rc = TOCSIN_EFORMAT;
    unsigned char c;

    *flags = 0;
    out->type = IDDOC_OTHER;
    out->number[0] = '\0';
    if (tlen > LIMIT_IDDOC_TYPE)
        type = -1;
    else
        type = iddoc_type_of(type_in, tlen);
    if (type < 0) {
        *flags |= IDDOC_TYPE_UNKNOWN;
        type = IDDOC_OTHER;
    }
    out->type = type;
    if (nlen > LIMIT_IDNUM_INPUT)
        goto done;
    for (i = 0; i < nlen; i++) {
        c = (unsigned char)number_in[i];
        if (is_digit(c) || is_alpha(c)) {
            if (k == LIMIT_IDDOC_NUMBER)
                goto done;
            num[k++] = to_upper((char)c);
        } else if (!is_blank(c) && c != '-' && c != '.') {
            goto done;
        }
    }
    if (k == 0)
        goto done;
    switch (type) {
    case IDDOC_PASSPORT:
    case IDDOC_ID_CARD:
        if (!nl_doc_2014(num, k)) {
            if (k < 8 || k > 9)
                goto done;
            *flags |= IDDOC_OLD_FORMAT;
        }
        break;
    case IDDOC_DRIVING_LICENCE:
        if (k != 10)
            goto done;
        for (i = 0; i < k; i++)
            if (!is_digit((unsigned char)num[i]))
                goto done;
        break;
    default:
        break;
    }
    memcpy(out->number, num, k);
    out->number[k] = '\0';
    rc = 0;
done:
    if (rc != 0)
        *flags &= IDDOC_TYPE_UNKNOWN;
    explicit_bzero(num, sizeof num);
    return rc;
}

const char *
iddoc_type_name(int type)
{
    switch (type) {
    case IDDOC_PASSPORT:
        return "PASSPORT";
    case IDDOC_ID_CARD:
        return "ID_CARD";
    case IDDOC_DRIVING_LICENCE:
        return "DRIVING_LICENCE";
    default:
        return "OTHER";
    }
}

int
iddoc_mask(const char *number, size_t len, struct buf *out)
{
    static const char stars[] = "********************************";
    size_t hidden = len < 4 ? len : len - 2, chunk, done = 0;
    int rc = 0;

    buf_reset(out);
    if (len == 0)
        return TOCSIN_EINVAL;
    while (rc == 0 && done < hidden) {
        chunk = hidden - done;
        if (chunk > sizeof stars - 1)
            chunk = sizeof stars - 1;
        rc = buf_append(out, stars, chunk);
        done += chunk;
    }
    if (rc == 0 && hidden < len)
        rc = buf_append(out, number + hidden, len - hidden);
    if (rc != 0)
        buf_reset(out);
    return rc;
}
