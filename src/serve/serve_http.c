/*
 * serve_http.c - reading requests: the target, form parameters, the
 * language, credentials and the client's address; writing HTML and JSON
 * text safely. Everything here takes attacker-controlled bytes: lengths
 * are checked against limits.h before use, and nothing is cut silently.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "../ingest/date.h"
#include "../util/utf8.h"
#include "serve_int.h"

int
serve_split_target(const char *t, size_t len, const char **path, size_t *plen,
                   const char **query, size_t *qlen)
{
    const char *q;

    if (len == 0 || t[0] != '/')
        return TOCSIN_EFORMAT;
    q = memchr(t, '?', len);
    *path = t;
    if (q == NULL) {
        *plen = len;
        *query = t + len;
        *qlen = 0;
    } else {
        *plen = (size_t)(q - t);
        *query = q + 1;
        *qlen = len - *plen - 1;
    }
    /* a fragment is never sent; one that is: not part of the query */
    q = memchr(*query, '#', *qlen);
    if (q != NULL)
        *qlen = (size_t)(q - *query);
    return TOCSIN_OK;
}

static int
serve_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode one form value v[0..n) into out (replaced). */
static int
serve_decode(const char *v, size_t n, struct buf *out)
{
    size_t i;
    int rc, hi, lo;
    unsigned char c;

    buf_reset(out);
    for (i = 0; i < n; i++) {
        c = (unsigned char)v[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (n - i < 3 || (hi = serve_hex(v[i + 1])) < 0 ||
                (lo = serve_hex(v[i + 2])) < 0)
                return TOCSIN_EFORMAT;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
            return TOCSIN_EFORMAT;
        if (buf_len(out) >= LIMIT_SERVE_PARAM)
            return TOCSIN_ELIMIT;
        if ((rc = buf_appendc(out, (char)c)) != TOCSIN_OK)
            return rc;
    }
    if (utf8_valid_prefix(buf_str(out), buf_len(out)) != buf_len(out))
        return TOCSIN_EFORMAT;
    return TOCSIN_OK;
}

int
serve_param(const char *s, size_t len, const char *name, struct buf *out)
{
    size_t nlen = strlen(name), i = 0, end, klen;
    const char *eq;
    int rc;

    buf_reset(out);
    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);

        end = amp != NULL ? (size_t)(amp - s) : len;
        eq = memchr(s + i, '=', end - i);
        klen = eq != NULL ? (size_t)(eq - (s + i)) : end - i;
        if (klen == nlen && memcmp(s + i, name, nlen) == 0) {
            if (eq == NULL)
                return 1; /* "name" alone: an empty value */
            rc = serve_decode(eq + 1, (size_t)(s + end - (eq + 1)), out);
            if (rc != TOCSIN_OK) {
                buf_reset(out);
                return rc;
            }
            return 1;
        }
        i = end + 1;
    }
    return 0;
}

/* The language of one Accept-Language range, or -1: "nl", "nl-BE", "en",
 * "en-GB"... */
static int
serve_lang_of(const char *p, size_t n)
{
    if (n >= 2 && (n == 2 || p[2] == '-')) {
        if (strncasecmp(p, "nl", 2) == 0)
            return SERVE_NL;
        if (strncasecmp(p, "en", 2) == 0)
            return SERVE_EN;
    }
    return -1;
}

/* q of the parameters after a range (";q=0.8"): 0..1000. */
static int
serve_q(const char *p, size_t n)
{
    size_t i = 0;
    int q = 1000, scale = 100;

    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ';'))
        i++;
    if (n - i < 2 || (p[i] != 'q' && p[i] != 'Q') || p[i + 1] != '=')
        return q;
    i += 2;
    if (i < n && p[i] == '1')
        return 1000;
    if (i >= n || p[i] != '0')
        return 0;
    q = 0;
    for (i++, i += i < n && p[i] == '.'; i < n && scale > 0; i++) {
        if (p[i] < '0' || p[i] > '9')
            break;
        q += (p[i] - '0') * scale;
        scale /= 10;
    }
    return q;
}

int
serve_language(const char *query, size_t qlen, const char *accept_language,
               const char *fallback)
{
    char v[8];
    struct buf b;
    int found, best = -1, bestq = 0;
    size_t n, i = 0;

    buf_init(&b, LIMIT_SERVE_PARAM);
    found = serve_param(query, qlen, "lang", &b);
    if (found == 1 && buf_len(&b) == 2) {
        memcpy(v, buf_str(&b), 3);
        buf_free(&b);
        if (strcasecmp(v, "en") == 0)
            return SERVE_EN;
        if (strcasecmp(v, "nl") == 0)
            return SERVE_NL;
    } else {
        buf_free(&b);
    }
    if (accept_language != NULL &&
        (n = strlen(accept_language)) <= LIMIT_SERVE_HEADER) {
        while (i < n) {
            const char *p = accept_language + i, *comma, *semi;
            size_t len, rl;
            int l, q;

            comma = memchr(p, ',', n - i);
            len = comma != NULL ? (size_t)(comma - p) : n - i;
            while (len > 0 && (*p == ' ' || *p == '\t')) {
                p++;
                len--;
                i++;
            }
            semi = memchr(p, ';', len);
            rl = semi != NULL ? (size_t)(semi - p) : len;
            while (rl > 0 && (p[rl - 1] == ' ' || p[rl - 1] == '\t'))
                rl--;
            l = serve_lang_of(p, rl);
            q = semi != NULL ? serve_q(semi, (size_t)(p + len - semi)) : 1000;
            if (l >= 0 && q > bestq) {
                best = l;
                bestq = q;
            }
            i += len + 1;
        }
    }
    if (best >= 0)
        return best;
    return fallback != NULL && strcmp(fallback, "en") == 0 ? SERVE_EN
                                                           : SERVE_NL;
}

int
serve_auth_ok(const char *authorization, const unsigned char hash[32])
{
    unsigned char raw[LIMIT_SERVE_HEADER], h[32];
    const char *secret = NULL;
    size_t n, rawlen = 0, slen = 0;
    int ok;

    if (authorization == NULL ||
        (n = strlen(authorization)) > LIMIT_SERVE_HEADER)
        return 0;
    if (n > 6 && strncasecmp(authorization, "Basic ", 6) == 0) {
        const char *p = authorization + 6, *colon;

        while (*p == ' ')
            p++;
        if (sodium_base642bin(raw, sizeof(raw) - 1, p, strlen(p), " ", &rawlen,
                              NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
            return 0;
        colon = memchr(raw, ':', rawlen);
        if (colon == NULL)
            return 0;
        secret = colon + 1;
        slen = rawlen - (size_t)(colon + 1 - (const char *)raw);
    } else if (n > 7 && strncasecmp(authorization, "Bearer ", 7) == 0) {
        secret = authorization + 7;
        while (*secret == ' ')
            secret++;
        slen = strlen(secret);
    } else {
        return 0;
    }
    crypto_generichash(h, sizeof(h), (const unsigned char *)secret, slen, NULL,
                       0);
    ok = sodium_memcmp(h, hash, sizeof(h)) == 0;
    sodium_memzero(raw, sizeof(raw));
    sodium_memzero(h, sizeof(h));
    return ok;
}

/* The key of an address: 4 = IPv4 (4 bytes), 6 = IPv6 (its /64). */
static void
serve_key_of(int family, const unsigned char *a, unsigned char key[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xff, 0xff};

    memset(key, 0, 16);
    if (family == AF_INET6 && memcmp(a, mapped, 12) == 0) {
        family = AF_INET;
        a += 12;
    }
    if (family == AF_INET) {
        key[0] = 4;
        memcpy(key + 1, a, 4);
    } else {
        key[0] = 6;
        memcpy(key + 1, a, 8);
    }
}

static int
serve_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

        return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

        return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
               (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
                s6->sin6_addr.s6_addr[12] == 127);
    }
    return 0;
}

/* The last address of an X-Forwarded-For list into key; 0 when none
 * parses. */
static int
serve_forwarded(const char *v, unsigned char key[16])
{
    char one[INET6_ADDRSTRLEN + 8];
    unsigned char a[16];
    const char *p, *e;
    size_t n;

    if (v == NULL || (n = strlen(v)) > LIMIT_SERVE_HEADER)
        return 0;
    p = memrchr(v, ',', n);
    p = p != NULL ? p + 1 : v;
    while (*p == ' ' || *p == '\t')
        p++;
    e = v + n;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if ((size_t)(e - p) >= sizeof(one))
        return 0;
    memcpy(one, p, (size_t)(e - p));
    one[e - p] = '\0';
    if (inet_pton(AF_INET, one, a) == 1)
        serve_key_of(AF_INET, a, key);
    else if (inet_pton(AF_INET6, one, a) == 1)
        serve_key_of(AF_INET6, a, key);
    else
        return 0;
    return 1;
}

void
serve_client_key(const struct serve_request *rq, int trust_proxy,
                 unsigned char key[16])
{
    const struct sockaddr *sa = rq->peer;

    memset(key, 0, 16);
    if (sa == NULL)
        return;
    if (trust_proxy && serve_is_loopback(sa) &&
        serve_forwarded(rq->forwarded_for, key))
        return;
    if (sa->sa_family == AF_INET)
        serve_key_of(
            AF_INET,
            (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr,
            key);
    else if (sa->sa_family == AF_INET6)
        serve_key_of(AF_INET6,
                     ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr,
                     key);
}

int
serve_htmln(struct buf *b, const char *s, size_t n)
{
    size_t i, run = 0;
    int rc;

    for (i = 0; i < n; i++) {
        const char *ent;

        switch (s[i]) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        if ((rc = buf_append(b, s + run, i - run)) != TOCSIN_OK ||
            (rc = buf_appends(b, ent)) != TOCSIN_OK)
            return rc;
        run = i + 1;
    }
    return buf_append(b, s + run, n - run);
}

int
serve_html(struct buf *b, const char *s)
{
    return serve_htmln(b, s, strlen(s));
}

int
serve_json(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i;
    int rc;

    for (i = 0; p[i] != '\0'; i++) {
        char esc[8];

        if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\' && p[i] != 0x7f)
            continue;
        if ((rc = buf_append(b, s + run, i - run)) != TOCSIN_OK)
            return rc;
        if (p[i] == '"' || p[i] == '\\')
            snprintf(esc, sizeof(esc), "\\%c", p[i]);
        else
            snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
        if ((rc = buf_appends(b, esc)) != TOCSIN_OK)
            return rc;
        run = i + 1;
    }
    return buf_append(b, s + run, i - run);
}

void
serve_date(const char *iso, int lang, char *out, size_t size)
{
    static const int digits[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15};
    struct date d;
    int hh, mm, i, date_only;
    size_t n;

    if (iso == NULL) {
        snprintf(out, size, "?");
        return;
    }
    date_only = strlen(iso) == 10;
    if ((!date_only &&
         (strlen(iso) < 16 || iso[10] != 'T' || iso[13] != ':')) ||
        iso[4] != '-' || iso[7] != '-')
        goto raw;
    for (i = 0; i < (date_only ? 8 : 12); i++)
        if (iso[digits[i]] < '0' || iso[digits[i]] > '9')
            goto raw;
    d.year = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 +
             (iso[2] - '0') * 10 + (iso[3] - '0');
    d.month = (iso[5] - '0') * 10 + (iso[6] - '0');
    d.day = (iso[8] - '0') * 10 + (iso[9] - '0');
    if (date_spell(&d, lang == SERVE_EN, out, size) != TOCSIN_OK)
        goto raw; /* no month 1..12 */
    if (date_only)
        return;
    hh = (iso[11] - '0') * 10 + (iso[12] - '0');
    mm = (iso[14] - '0') * 10 + (iso[15] - '0');
    n = strlen(out);
    snprintf(out + n, size - n, ", %02d:%02d UTC", hh, mm);
    return;
raw:
    snprintf(out, size, "%.32s", iso);
}
