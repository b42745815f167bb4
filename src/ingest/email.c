#include "email.h"

#include <string.h>

#include "../util/limits.h"
#include "../util/utf8.h"

/* ASCII only, independent of the locale. */
static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static char
to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* RFC 5322 atext. */
static int
is_atext(unsigned char c)
{
    if (is_alpha(c) || is_digit(c))
        return 1;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
        return 1;
    default:
        return 0;
    }
}

/* A word and its length, for tables searched per call. */
struct word {
    const char *s;
    size_t n;
};

#define WORD(lit)                                                             \
    {                                                                         \
        lit, sizeof lit - 1                                                   \
    }

static int
in_words(const struct word *w, size_t count, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (w[i].n == n && memcmp(w[i].s, s, n) == 0)
            return 1;
    return 0;
}

/*
 * Code points that never belong in an address although well-formed: C1
 * controls, spaces, invisible formatting characters (soft hyphen, zero
 * width, bidi controls, BOM) and the specials block (U+FFFD ...).
 */
static int
utf8_forbidden(uint32_t cp)
{
    return cp <= 0x9F || cp == 0xA0 || cp == 0xAD || cp == 0x1680 ||
           cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) ||
           cp == 0x3000 || cp == 0xFEFF || (cp >= 0xFFF0 && cp <= 0xFFFF);
}

static int
is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* Does s[0..n) start with the lower-case ASCII word w (any case)? */
static int
starts_with_ci(const char *s, size_t n, const char *w)
{
    size_t i, wl = strlen(w);

    if (n < wl)
        return 0;
    for (i = 0; i < wl; i++)
        if (to_lower(s[i]) != w[i])
            return 0;
    return 1;
}

/* Strip blanks, "mailto:", <> and trailing punctuation until stable. */
static void
trim(const char **ps, size_t *pn, unsigned *flags)
{
    const char *s = *ps;
    size_t n = *pn;
    int changed;

    do {
        changed = 0;
        while (n > 0 && is_blank((unsigned char)s[0])) {
            s++, n--, changed = 1;
        }
        while (n > 0 && is_blank((unsigned char)s[n - 1])) {
            n--, changed = 1;
        }
        if (n >= 2 && (unsigned char)s[0] == 0xC2 &&
            (unsigned char)s[1] == 0xA0) {
            s += 2, n -= 2, changed = 1;
        }
        if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
            (unsigned char)s[n - 1] == 0xA0) {
            n -= 2, changed = 1;
        }
        if (starts_with_ci(s, n, "mailto:")) {
            s += 7, n -= 7, changed = 1;
        }
        if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
            s++, n -= 2, changed = 1;
        }
        if (n > 0 && (s[n - 1] == '.' || s[n - 1] == ';' || s[n - 1] == ',')) {
            n--, changed = 1;
        }
        if (changed)
            *flags |= EMAIL_TRIMMED;
    } while (changed);
    *ps = s;
    *pn = n;
}

/* Check a quoted local part s[0..n), s[0] == '"'; set *end past it. */
static enum email_reason
check_quoted(const char *s, size_t n, size_t *end)
{
    size_t i = 1;
    unsigned char c;

    while (i < n) {
        c = (unsigned char)s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            if (i + 1 >= n)
                return EMAIL_EQUOTE;
            c = (unsigned char)s[i + 1];
            if (c != '\t' && (c < 0x20 || c > 0x7E))
                return EMAIL_ELOCAL_CHAR;
            i += 2;
            continue;
        }
        if (c < 0x20 || c > 0x7E)
            return EMAIL_ELOCAL_CHAR;
        i++;
    }
    if (i >= n || i + 1 >= n || s[i + 1] != '@')
        return EMAIL_EQUOTE; /* unterminated, or text after the quote */
    if (i == 1)
        return EMAIL_ELOCAL_EMPTY;
    *end = i + 1;
    if (*end > LIMIT_EMAIL_LOCAL)
        return EMAIL_ELOCAL_LONG;
    return EMAIL_OK;
}

static enum email_reason
check_local(const char *s, size_t n, unsigned *flags)
{
    size_t i = 0, k;
    unsigned char c;
    uint32_t cp;

    if (n == 0)
        return EMAIL_ELOCAL_EMPTY;
    if (n > LIMIT_EMAIL_LOCAL)
        return EMAIL_ELOCAL_LONG;
    while (i < n) {
        c = (unsigned char)s[i];
        if (c == '.') {
            if (i == 0 || i + 1 == n || s[i + 1] == '.')
                return EMAIL_ELOCAL_DOT;
            i++;
        } else if (c >= 0x80) {
            k = (size_t)utf8_decode((const unsigned char *)s + i, n - i, &cp);
            if (k == 0)
                return EMAIL_EUTF8;
            if (utf8_forbidden(cp))
                return EMAIL_ELOCAL_CHAR;
            *flags |= EMAIL_UTF8_LOCAL;
            i += k;
        } else if (is_atext(c)) {
            i++;
        } else {
            return EMAIL_ELOCAL_CHAR;
        }
    }
    return EMAIL_OK;
}

static enum email_reason
check_domain(const char *s, size_t n, unsigned *flags)
{
    size_t i = 0, start = 0, labels = 0, k;
    int tld_digits = 1;
    unsigned char c;
    uint32_t cp;

    if (n == 0)
        return EMAIL_EDOMAIN_EMPTY;
    if (s[0] == '[')
        return EMAIL_ELITERAL;
    if (n > LIMIT_EMAIL_DOMAIN)
        return EMAIL_EDOMAIN_LONG;
    for (;;) {
        if (i == n || s[i] == '.') {
            if (i == start)
                return EMAIL_ELABEL_EMPTY;
            if (i - start > LIMIT_EMAIL_LABEL)
                return EMAIL_ELABEL_LONG;
            if (s[start] == '-' || s[i - 1] == '-')
                return EMAIL_EHYPHEN;
            labels++;
            if (i == n)
                break;
            i++;
            start = i;
            tld_digits = 1;
            continue;
        }
        c = (unsigned char)s[i];
        if (c >= 0x80) {
            k = (size_t)utf8_decode((const unsigned char *)s + i, n - i, &cp);
            if (k == 0)
                return EMAIL_EUTF8;
            if (utf8_forbidden(cp))
                return EMAIL_EDOMAIN_CHAR;
            *flags |= EMAIL_IDN;
            tld_digits = 0;
            i += k;
            continue;
        }
        if (c == '@')
            return EMAIL_EMANYAT;
        if (!is_alpha(c) && !is_digit(c) && c != '-')
            return EMAIL_EDOMAIN_CHAR;
        if (!is_digit(c))
            tld_digits = 0;
        i++;
    }
    if (labels < 2)
        return EMAIL_ENODOT;
    if (tld_digits)
        return EMAIL_ETLD;
    return EMAIL_OK;
}

/*
 * Well-known typos of the domains Dutch customers use. Real domains that
 * look like typos stay out (hotmail.nl, outlook.nl, live.nl, kpnmail.nl).
 */
static const struct word typo_domains[] = {
    WORD("gmial.com"),   WORD("gmai.com"),    WORD("gmal.com"),
    WORD("gamil.com"),   WORD("gnail.com"),   WORD("gmaill.com"),
    WORD("gmail.co"),    WORD("gmail.cm"),    WORD("gmail.om"),
    WORD("gmail.nl"),    WORD("gmsil.com"),   WORD("gmali.com"),
    WORD("hotmial.com"), WORD("hotmai.com"),  WORD("hotmal.com"),
    WORD("hotmil.com"),  WORD("hotamil.com"), WORD("homail.com"),
    WORD("hotmail.co"),  WORD("hotmail.cm"),  WORD("hotmial.nl"),
    WORD("hotmai.nl"),   WORD("hotmal.nl"),   WORD("hotmil.nl"),
    WORD("homail.nl"),   WORD("hotamil.nl"),  WORD("outlok.com"),
    WORD("outloo.com"),  WORD("outllok.com"), WORD("outlook.co"),
    WORD("outlok.nl"),   WORD("yaho.com"),    WORD("yahooo.com"),
    WORD("yhoo.com"),    WORD("iclod.com"),   WORD("icoud.com"),
    WORD("iclould.com"), WORD("icloud.co"),   WORD("zigo.nl"),
    WORD("kpnmial.nl"),  WORD("kpnmal.nl"),   WORD("xs4al.nl"),
    WORD("planet.nll"),  WORD("hetnet.nll"),
};

/* Top-level labels that are typos of .com and .nl on any domain. */
static const struct word typo_tlds[] = {
    WORD("con"), WORD("cmo"),  WORD("ocm"),  WORD("vom"),
    WORD("xom"), WORD("comm"), WORD("coom"), WORD("nll"),
};

static int
is_typo_domain(const char *d, size_t n)
{
    const char *dot;

    if (in_words(typo_domains, sizeof typo_domains / sizeof typo_domains[0], d,
                 n))
        return 1;
    dot = memrchr(d, '.', n);
    if (dot == NULL)
        return 0;
    return in_words(typo_tlds, sizeof typo_tlds / sizeof typo_tlds[0], dot + 1,
                    n - (size_t)(dot + 1 - d));
}

static unsigned
with_reason(unsigned flags, enum email_reason r)
{
    return flags | ((unsigned)r << EMAIL_REASON_SHIFT);
}

int
email_normalize(const char *in, size_t len, struct buf *out, unsigned *flags)
{
    char tmp[LIMIT_EMAIL_ADDRESS];
    const char *s = in;
    size_t n = len, at, local_end, i;
    enum email_reason r;
    const char *p;
    int rc;

    *flags = 0;
    buf_reset(out);
    if (len > LIMIT_EMAIL_INPUT) {
        *flags = with_reason(0, EMAIL_ETOOLONG);
        return TOCSIN_EFORMAT;
    }
    trim(&s, &n, flags);
    if (n == 0) {
        r = EMAIL_EEMPTY;
        goto bad;
    }
    if (n > LIMIT_EMAIL_ADDRESS) {
        r = EMAIL_ETOOLONG;
        goto bad;
    }
    if (s[0] == '"') {
        r = check_quoted(s, n, &local_end);
        if (r != EMAIL_OK)
            goto bad;
        *flags |= EMAIL_QUOTED;
        at = local_end;
    } else {
        p = memchr(s, '@', n);
        if (p == NULL) {
            r = EMAIL_ENOAT;
            goto bad;
        }
        at = (size_t)(p - s);
        if (memchr(p + 1, '@', n - at - 1) != NULL) {
            r = EMAIL_EMANYAT;
            goto bad;
        }
        r = check_local(s, at, flags);
        if (r != EMAIL_OK)
            goto bad;
    }
    r = check_domain(s + at + 1, n - at - 1, flags);
    if (r != EMAIL_OK)
        goto bad;

    memcpy(tmp, s, at + 1);
    for (i = at + 1; i < n; i++)
        tmp[i] = to_lower(s[i]);
    if (is_typo_domain(tmp + at + 1, n - at - 1))
        *flags |= EMAIL_TYPO_DOMAIN;
    rc = buf_append(out, tmp, n);
    explicit_bzero(tmp, n);
    return rc;

bad:
    *flags = with_reason(*flags, r);
    return TOCSIN_EFORMAT;
}

enum email_reason
email_reason(unsigned flags)
{
    return (enum email_reason)(flags >> EMAIL_REASON_SHIFT);
}

const char *
email_strerror(enum email_reason reason)
{
    switch (reason) {
    case EMAIL_OK:
        return "valid address";
    case EMAIL_EEMPTY:
        return "empty address";
    case EMAIL_ETOOLONG:
        return "address too long";
    case EMAIL_EUTF8:
        return "malformed UTF-8";
    case EMAIL_ENOAT:
        return "no @ in address";
    case EMAIL_EMANYAT:
        return "more than one @ in address";
    case EMAIL_ELOCAL_EMPTY:
        return "nothing before the @";
    case EMAIL_ELOCAL_LONG:
        return "part before the @ longer than 64 characters";
    case EMAIL_ELOCAL_CHAR:
        return "character not allowed before the @";
    case EMAIL_ELOCAL_DOT:
        return "misplaced dot before the @";
    case EMAIL_EQUOTE:
        return "malformed quoted part before the @";
    case EMAIL_EDOMAIN_EMPTY:
        return "nothing after the @";
    case EMAIL_EDOMAIN_LONG:
        return "domain longer than 253 characters";
    case EMAIL_EDOMAIN_CHAR:
        return "character not allowed in the domain";
    case EMAIL_ELITERAL:
        return "address literal instead of a domain";
    case EMAIL_ELABEL_EMPTY:
        return "misplaced dot in the domain";
    case EMAIL_ELABEL_LONG:
        return "domain label longer than 63 characters";
    case EMAIL_EHYPHEN:
        return "domain label starts or ends with a hyphen";
    case EMAIL_ENODOT:
        return "domain without a dot";
    case EMAIL_ETLD:
        return "numeric top-level domain";
    }
    return "unknown reason";
}

/* Providers whose mailboxes take "+tag" (see email.h). */
static const struct word plus_domains[] = {
    WORD("outlook.com"),    WORD("hotmail.com"),   WORD("live.com"),
    WORD("msn.com"),        WORD("hotmail.nl"),    WORD("live.nl"),
    WORD("outlook.nl"),     WORD("icloud.com"),    WORD("me.com"),
    WORD("mac.com"),        WORD("fastmail.com"),  WORD("fastmail.fm"),
    WORD("protonmail.com"), WORD("protonmail.ch"), WORD("proton.me"),
    WORD("pm.me"),
};

int
email_key(const char *norm, size_t len, struct buf *out)
{
    char tmp[LIMIT_EMAIL_ADDRESS];
    const char *at;
    size_t local_len, dom_len, i, k = 0, tag_end;
    int gmail = 0, plus = 0, rc;

    buf_reset(out);
    if (len > LIMIT_EMAIL_ADDRESS)
        return TOCSIN_EINVAL;
    at = memrchr(norm, '@', len);
    if (at == NULL)
        return TOCSIN_EINVAL;
    local_len = (size_t)(at - norm);
    dom_len = len - local_len - 1;
    for (i = 0; i < dom_len; i++)
        tmp[local_len + 1 + i] = to_lower(at[1 + i]);
    if (local_len > 0 && norm[0] != '"') {
        const char *d = tmp + local_len + 1;

        if ((dom_len == 9 && memcmp(d, "gmail.com", 9) == 0) ||
            (dom_len == 14 && memcmp(d, "googlemail.com", 14) == 0))
            gmail = 1;
        else if (in_words(plus_domains,
                          sizeof plus_domains / sizeof plus_domains[0], d,
                          dom_len))
            plus = 1;
    }
    if (!gmail && !plus) {
        for (i = 0; i < local_len; i++)
            tmp[i] = to_lower(norm[i]);
        k = len;
        tmp[local_len] = '@';
        goto done;
    }
    /* The tag starts at the first '+' unless that leaves nothing. */
    tag_end = local_len;
    for (i = 0; i < local_len; i++) {
        if (norm[i] == '+') {
            tag_end = i;
            break;
        }
    }
    for (i = 0; i < tag_end; i++)
        if (!(gmail && norm[i] == '.'))
            tmp[k++] = to_lower(norm[i]);
    if (k == 0) { /* "+tag@" or "...@": keep the local part whole */
        for (i = 0; i < local_len; i++)
            tmp[k++] = to_lower(norm[i]);
    }
    tmp[k++] = '@';
    if (gmail) {
        memcpy(tmp + k, "gmail.com", 9);
        k += 9;
    } else {
        memmove(tmp + k, tmp + local_len + 1, dom_len);
        k += dom_len;
    }
done:
    rc = buf_append(out, tmp, k);
    explicit_bzero(tmp, sizeof tmp);
    return rc;
}

int
email_mask(const char *norm, size_t len, struct buf *out)
{
    const char *at, *local = norm;
    size_t local_len, first, k;
    uint32_t cp;
    int rc;

    buf_reset(out);
    at = memrchr(norm, '@', len);
    if (at == NULL)
        return TOCSIN_EINVAL;
    local_len = (size_t)(at - norm);
    if (local_len >= 2 && norm[0] == '"' && norm[local_len - 1] == '"') {
        local++;
        local_len -= 2;
        if (local_len >= 2 && local[0] == '\\') {
            local++; /* the escaped character is the first one */
            local_len--;
        }
    }
    if (local_len == 0)
        return TOCSIN_EINVAL;
    first = 1;
    if ((unsigned char)local[0] >= 0x80) {
        k = (size_t)utf8_decode((const unsigned char *)local, local_len, &cp);
        first = k ? k : 1;
    }
    if (first >= local_len)
        rc = buf_append(out, "*", 1);
    else if ((rc = buf_append(out, local, first)) == 0)
        rc = buf_append(out, "***", 3);
    if (rc == 0)
        rc = buf_append(out, at, len - (size_t)(at - norm));
    if (rc != 0)
        buf_reset(out);
    return rc;
}
