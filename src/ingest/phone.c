#include "phone.h"

#include <string.h>

#include "../util/limits.h"

/*
 * ITU-T E.164 country calling codes in use (ITU Operational Bulletin list;
 * spare and reserved codes left out). The set is prefix-free, so a number
 * has at most one code. Sorted for the binary search.
 */
static const unsigned short calling_codes[] = {
    1,   7,   20,  27,  30,  31,  32,  33,  34,  36,  39,  40,  41,  43,  44,
    45,  46,  47,  48,  49,  51,  52,  53,  54,  55,  56,  57,  58,  60,  61,
    62,  63,  64,  65,  66,  81,  82,  84,  86,  90,  91,  92,  93,  94,  95,
    98,  211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228,
    229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243,
    244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258,
    260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298, 299,
    350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374,
    375, 376, 377, 378, 379, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421,
    423, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593,
    594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679,
    680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850,
    852, 853, 855, 856, 870, 880, 881, 882, 883, 886, 960, 961, 962, 963, 964,
    965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993,
    994, 995, 996, 998,
};

/* Dutch area codes of two digits after the trunk 0 (010, 020, ...); all
 * other geographic area codes have three (0229). */
static const char nl_area2[][2] = {
    {'1', '0'}, {'1', '3'}, {'1', '5'}, {'2', '0'}, {'2', '3'}, {'2', '4'},
    {'2', '6'}, {'3', '0'}, {'3', '3'}, {'3', '5'}, {'3', '6'}, {'3', '8'},
    {'4', '0'}, {'4', '3'}, {'4', '5'}, {'4', '6'}, {'5', '0'}, {'5', '3'},
    {'5', '5'}, {'5', '8'}, {'7', '0'}, {'7', '1'}, {'7', '2'}, {'7', '3'},
    {'7', '4'}, {'7', '5'}, {'7', '6'}, {'7', '7'}, {'7', '8'}, {'7', '9'},
};

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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

static int
is_calling_code(unsigned code)
{
    size_t lo = 0, hi = sizeof calling_codes / sizeof calling_codes[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (calling_codes[mid] == code)
            return 1;
        if (calling_codes[mid] < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int
is_nl_area2(const char *nsn)
{
    size_t i;

    for (i = 0; i < sizeof nl_area2 / sizeof nl_area2[0]; i++)
        if (nl_area2[i][0] == nsn[0] && nl_area2[i][1] == nsn[1])
            return 1;
    return 0;
}

/* Does s[0..n) equal the lower-case ASCII word w, in any case? */
static int
equals_ci(const char *s, size_t n, const char *w)
{
    size_t i;

    if (strlen(w) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (to_lower(s[i]) != w[i])
            return 0;
    return 1;
}

/*
 * When s[p..n) is an extension ("x 12", "ext. 12", "#12") return the
 * length of the number before it (blanks dropped), else 0.
 */
static size_t
extension_at(const char *s, size_t n, size_t p)
{
    static const char *const markers[] = {
        "x", "ext", "ext.", "extension", "tst", "tst.", "toestel", "#",
    };
    size_t q = p, i, digits = 0;

    while (q < n &&
           (is_alpha((unsigned char)s[q]) || s[q] == '.' || s[q] == '#'))
        q++;
    for (i = 0; i < sizeof markers / sizeof markers[0]; i++)
        if (equals_ci(s + p, q - p, markers[i]))
            break;
    if (i == sizeof markers / sizeof markers[0])
        return 0;
    while (q < n && is_blank((unsigned char)s[q]))
        q++;
    while (q < n && is_digit((unsigned char)s[q]))
        q++, digits++;
    if (q != n || digits < 1 || digits > 6)
        return 0;
    while (p > 0 && is_blank((unsigned char)s[p - 1]))
        p--;
    return p;
}

/*
 * Collect the digits of s[0..n) into d (at most LIMIT_PHONE_DIGITS).
 * *plus: the number started with '+'. Returns the digit count or -1.
 */
static int
collect(const char *s, size_t n, char *d, int *plus)
{
    size_t i = 0;
    int nd = 0, open = -1, pairs = 0;
    unsigned char c;

    *plus = 0;
    if (n > 0 && s[0] == '+') {
        *plus = 1;
        i = 1;
    }
    for (; i < n; i++) {
        c = (unsigned char)s[i];
        if (is_digit(c)) {
            if (nd == LIMIT_PHONE_DIGITS)
                return -1;
            d[nd++] = (char)c;
        } else if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/') {
            continue;
        } else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            i++; /* U+00A0 no-break space */
        } else if (c == '(') {
            if (open >= 0 || pairs > 0)
                return -1;
            open = nd;
        } else if (c == ')') {
            if (open < 0)
                return -1;
            /* "+31 (0)6 ...": the trunk prefix in brackets */
            if (*plus && nd - open == 1 && d[open] == '0' && open > 0)
                nd--;
            else if (nd == open)
                return -1; /* "()" */
            open = -1;
            pairs++;
        } else {
            return -1;
        }
    }
    if (open >= 0)
        return -1;
    return nd;
}

/* Classify and check a Dutch NSN; PHONE_INVALID when not in the plan. */
static int
nl_type(const char *nsn, int n)
{
    if (n < 7)
        return PHONE_INVALID; /* also makes nsn[0..2] safe to read */
    switch (nsn[0]) {
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '7':
        return n == 9 ? PHONE_FIXED : PHONE_INVALID;
    case '6':
        if (n != 9)
            return PHONE_INVALID;
        if ((nsn[1] >= '1' && nsn[1] <= '5') || nsn[1] == '8')
            return PHONE_MOBILE;
        if (nsn[1] == '6' || nsn[1] == '7')
            return PHONE_OTHER;
        return PHONE_INVALID;
    case '8':
        if (nsn[1] == '0' && nsn[2] == '0')
            return (n == 7 || n == 10) ? PHONE_SERVICE : PHONE_INVALID;
        if (nsn[1] == '2' || nsn[1] == '4' || nsn[1] == '5' || nsn[1] == '7' ||
            nsn[1] == '8')
            return n == 9 ? PHONE_OTHER : PHONE_INVALID;
        return PHONE_INVALID;
    case '9':
        if (nsn[1] == '0' && (nsn[2] == '0' || nsn[2] == '6' || nsn[2] == '9'))
            return (n == 7 || n == 10) ? PHONE_SERVICE : PHONE_INVALID;
        if (nsn[1] == '1')
            return n == 9 ? PHONE_OTHER : PHONE_INVALID;
        if (nsn[1] == '7')
            return n == 11 ? PHONE_OTHER : PHONE_INVALID;
        return PHONE_INVALID;
    default:
        return PHONE_INVALID;
    }
}

static int
foreign_type(unsigned cc, const char *nsn, int n)
{
    if (cc == 32 && n == 9 && nsn[0] == '4' && nsn[1] >= '5')
        return PHONE_MOBILE;
    if (cc == 49 && n >= 10 && nsn[0] == '1' && nsn[1] >= '5' && nsn[1] <= '7')
        return PHONE_MOBILE;
    return PHONE_FOREIGN;
}

static void
put_e164(struct phone *out, unsigned cc, const char *nsn, int n)
{
    char ccs[3];
    int k = 0, m = 0;

    do {
        ccs[m++] = (char)('0' + cc % 10);
        cc /= 10;
    } while (cc > 0);
    out->e164[k++] = '+';
    while (m > 0)
        out->e164[k++] = ccs[--m];
    memcpy(out->e164 + k, nsn, (size_t)n);
    out->e164[k + n] = '\0';
}

int
phone_normalize(const char *in, size_t len, struct phone *out)
{
    char d[LIMIT_PHONE_DIGITS];
    const char *s = in, *nsn;
    size_t n = len, i, ext;
    int nd, plus, n_nsn, type, cclen = 0, rc = TOCSIN_EFORMAT;
    unsigned cc = 0, flags = 0;

    memset(out, 0, sizeof *out);
    if (len > LIMIT_PHONE_INPUT)
        return TOCSIN_EFORMAT;
    while (n > 0 && is_blank((unsigned char)s[0]))
        s++, n--;
    while (n > 0 && is_blank((unsigned char)s[n - 1]))
        n--;
    if (n >= 4 && equals_ci(s, 4, "tel:"))
        s += 4, n -= 4;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (is_alpha(c) || c == '#') {
            ext = extension_at(s, n, i);
            if (ext == 0)
                return TOCSIN_EFORMAT;
            n = ext;
            flags |= PHONE_EXTENSION;
            break;
        }
    }
    nd = collect(s, n, d, &plus);
    if (nd <= 0)
        goto done;

    if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') {
        plus = 1;
        memmove(d, d + 2, (size_t)nd - 2);
        nd -= 2;
    }
    if (plus) {
        for (cclen = 1; cclen <= 3 && cclen < nd; cclen++) {
            cc = cc * 10 + (unsigned)(d[cclen - 1] - '0');
            if (d[0] != '0' && is_calling_code(cc))
                break;
        }
        if (cclen > 3 || cclen >= nd)
            goto done;
        nsn = d + cclen;
        n_nsn = nd - cclen;
        if (nsn[0] == '0' && cc != 39 && cc != 378 && cc != 379) {
            nsn++, n_nsn--; /* +31 06 ..., +49 0171 ...: trunk 0 */
            flags |= PHONE_TRUNK_IN_INTL;
        }
    } else if (d[0] == '0') {
        cc = 31;
        nsn = d + 1;
        n_nsn = nd - 1;
    } else if (nd == 11 && d[0] == '3' && d[1] == '1') {
        cc = 31;
        nsn = d + 2;
        n_nsn = 9;
        flags |= PHONE_NO_PLUS;
    } else if (nd == 9) {
        cc = 31;
        nsn = d;
        n_nsn = 9;
        flags |= PHONE_NO_TRUNK;
    } else {
        goto done;
    }
    if (n_nsn < 1)
        goto done;

    if (cc == 31) {
        type = nl_type(nsn, n_nsn);
    } else {
        if (n_nsn < 6 || cclen + n_nsn > 15)
            goto done;
        if (nsn[0] == '0' && cc != 39 && cc != 378 && cc != 379)
            goto done;
        if (cc == 1 && n_nsn != 10)
            goto done;
        type = foreign_type(cc, nsn, n_nsn);
    }
    if (type == PHONE_INVALID)
        goto done;
    put_e164(out, cc, nsn, n_nsn);
    out->type = type;
    out->country_code = (int)cc;
    out->flags = flags;
    rc = 0;
done:
    explicit_bzero(d, sizeof d);
    return rc;
}

int
phone_mask(const struct phone *p, struct buf *out)
{
    size_t len = strnlen(p->e164, sizeof p->e164), cclen, plen = 0;
    const char *nsn;
    unsigned cc;
    int rc;

    buf_reset(out);
    if (p->type == PHONE_INVALID || len < 7 || len >= sizeof p->e164 ||
        p->e164[0] != '+' || p->country_code <= 0)
        return TOCSIN_EINVAL;
    for (cc = (unsigned)p->country_code, cclen = 0; cc > 0; cc /= 10)
        cclen++;
    if (cclen + 5 > len)
        return TOCSIN_EINVAL;
    nsn = p->e164 + 1 + cclen;
    if (p->country_code == 31) {
        switch (p->type) {
        case PHONE_MOBILE:
            plen = 1;
            break;
        case PHONE_FIXED:
            plen = is_nl_area2(nsn) ? 2 : 3;
            break;
        case PHONE_SERVICE:
            plen = 3;
            break;
        default:
            plen = 2;
            break;
        }
    }
    rc = buf_append(out, p->e164, 1 + cclen);
    if (rc == 0)
        rc = buf_append(out, " ", 1);
    if (rc == 0 && plen > 0) {
        rc = buf_append(out, nsn, plen);
        if (rc == 0)
            rc = buf_append(out, " ", 1);
    }
    if (rc == 0)
        rc = buf_append(out, "****", 4);
    if (rc == 0)
        rc = buf_append(out, p->e164 + len - 4, 4);
    if (rc != 0)
        buf_reset(out);
    return rc;
}

const char *
phone_type_name(int type)
{
    switch (type) {
    case PHONE_MOBILE:
        return "mobile";
    case PHONE_FIXED:
        return "fixed";
    case PHONE_SERVICE:
        return "service";
    case PHONE_OTHER:
        return "other";
    case PHONE_FOREIGN:
        return "foreign";
    default:
        return "invalid";
    }
}
