/*
 * mime.c - the notification e-mail (mime.h).
 *
 * Speed matters (millions of messages an hour). The bodies go through a
 * table-driven quoted-printable encoder that copies runs of plain octets
 * 16 or 8 at a time straight into the output buffer and checks UTF-8 on
 * the way (only octets >= 0x80 leave its fast path). The header is checked
 * first, then written with plain stores into a block on the stack whose
 * size follows from the limits, and appended in one piece.
 */
#include "mime.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../util/limits.h"
#include "../util/utf8.h"

/* How qp_plain_run() goes through plain text: 16 octets at a time with
 * SSE2 (every x86-64), else 8 on little-endian machines, else one by one.
 * MIME_SCALAR (for tests) leaves out SSE2. */
#if defined(__SSE2__) && !defined(MIME_SCALAR)
#define QP_SSE2 1
#include <emmintrin.h>
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define QP_SWAR 1
#endif

#define CRLF "\r\n"

/* Header lines are folded at this length where the content allows
 * (RFC 5322 2.1.1); encoded-words are at most 75 (RFC 2047 2). */
#define HDR_LINE 78
#define EW_MAX   75

/* Quoted-printable: at most 76 octets a line (RFC 2045 6.7), counting the
 * '=' of a soft break, so at most QP_MAX of text before it. */
#define QP_MAX 75

/* Input octets the slow path of put_qp() encodes at a time. */
#define QP_SLICE 1024

static const char hex[] = "0123456789ABCDEF";

/* ---- characters ---- */

/* Classes of ASCII characters (cclass[]). */
enum {
    C_ATEXT = 1, /* RFC 5322 atext */
    C_ALNUM = 2, /* letters and digits */
    C_QWORD = 4, /* as is in a Q encoded-word in a phrase, RFC 2047 5(3):
                    letters, digits, "!*+-/" */
    C_HOST = 8,  /* letters, digits, '-' */
    C_LD = 15,   /* a letter or digit: all of the above */
    C_DASH = C_ATEXT | C_QWORD | C_HOST,
    C_QA = C_ATEXT | C_QWORD,
};

#define A C_ATEXT
#define L C_LD
#define Q C_QA
#define D C_DASH
/* clang-format off */
static const unsigned char cclass[256] = {
    /*          sp !  "  #  $  %  &  '  (  )  *  +  ,  -  .  / */
    [0x20] = 0, Q, 0, A, A, A, A, A, 0, 0, Q, Q, 0, D, 0, Q,   /* 0x20 */
             L, L, L, L, L, L, L, L, L, L, 0, 0, 0, A, 0, A,   /* 0x30 */
             0, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,   /* 0x40 */
             L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, A, A,   /* 0x50 */
             A, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,   /* 0x60 */
             L, L, L, L, L, L, L, L, L, L, L, A, A, A, A, 0,   /* 0x70 */
};
/* clang-format on */
#undef A
#undef L
#undef Q
#undef D

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* SWAR: the high bit of each octet of x that is below 0x20 or above
 * 0x7e is set in the result, or another one is (nonzero exactly when
 * some octet is outside printable ASCII and space). */
static uint64_t
swar_unprintable(uint64_t x)
{
    return (((x - ONES * 0x20) & ~x) | ((x + ONES) | x)) & HIGHS;
}

/* Length of the well-formed UTF-8 sequence at s[0..n) whose first octet
 * is >= 0x80, or 0 when it is malformed or truncated (utf8_seq()). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    int k = utf8_seq(s, n);

    return k > 0 ? (size_t)k : 0;
}

/* A header text (subject, display name) s[0..n): TOCSIN_EFORMAT for
 * malformed UTF-8, TOCSIN_EINVAL for a control character (C0 or DEL):
 * a CR or LF would end the header. *ascii: whether all of it is ASCII. */
static int
check_htext(const unsigned char *s, size_t n, int *ascii)
{
    size_t i = 0, k;

    *ascii = 1;
    while (i < n) {
        if (n - i >= 8) {
            uint64_t x;

            memcpy(&x, s + i, 8);
            if (swar_unprintable(x) == 0) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            if (s[i] < 0x20 || s[i] == 0x7f)
                return TOCSIN_EINVAL;
            i++;
            continue;
        }
        k = utf8_len(s + i, n - i);
        if (k == 0)
            return TOCSIN_EFORMAT;
        *ascii = 0;
        i += k;
    }
    return TOCSIN_OK;
}

/* A dot-atom-text: atext with single dots between, 1..max octets. */
static int
is_dot_atom(const char *s, size_t n, size_t max)
{
    size_t i;

    if (n == 0 || n > max || s[0] == '.' || s[n - 1] == '.')
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (s[i + 1] == '.')
                return 0;
        } else if (!(cclass[(unsigned char)s[i]] & C_ATEXT)) {
            return 0;
        }
    }
    return 1;
}

/* A host name: labels of 1..LIMIT_EMAIL_LABEL letters, digits and '-'
 * (no '-' at either end) with single dots between, 1..max octets. */
static int
is_hostname(const char *s, size_t n, size_t max)
{
    const char *p = s, *end = s + n;

    if (n == 0 || n > max)
        return 0;
    for (;;) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        const char *e = dot ? dot : end;
        size_t len = (size_t)(e - p), i;
        unsigned ok = C_HOST;

        if (len == 0 || len > LIMIT_EMAIL_LABEL || p[0] == '-' || e[-1] == '-')
            return 0;
        for (i = 0; i < len; i++)
            ok &= cclass[(unsigned char)p[i]];
        if (!ok)
            return 0;
        if (dot == NULL)
            return 1;
        p = dot + 1;
    }
}

/* A quoted local part "..." of printable ASCII and space, with '\'
 * escaping one printable character. */
static int
is_quoted_local(const char *s, size_t n)
{
    size_t i;

    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return 0;
    for (i = 1; i < n - 1; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\\') {
            if (++i >= n - 1)
                return 0;
            c = (unsigned char)s[i];
        } else if (c == '"') {
            return 0;
        }
        if (c < 0x20 || c > 0x7e)
            return 0;
    }
    return 1;
}

/* An addr-spec as struct mime_address requires: TOCSIN_EINVAL when it is
 * not one, TOCSIN_ELIMIT when it is too long. */
static int
check_addr(const char *s, size_t n)
{
    const char *at;
    size_t local;

    if (n > LIMIT_EMAIL_ADDRESS)
        return TOCSIN_ELIMIT;
    at = memrchr(s, '@', n);
    if (at == NULL)
        return TOCSIN_EINVAL;
    local = (size_t)(at - s);
    if (!is_dot_atom(s, local, LIMIT_EMAIL_LOCAL) &&
        !(local <= LIMIT_EMAIL_LOCAL && is_quoted_local(s, local)))
        return TOCSIN_EINVAL;
    if (!is_hostname(at + 1, n - local - 1, LIMIT_EMAIL_DOMAIN))
        return TOCSIN_EINVAL;
    return TOCSIN_OK;
}

/* ---- quoted-printable ---- */

/* Byte classes of the encoder. */
enum {
    Q_L = 0, /* printable ASCII other than '=': as is */
    Q_E,     /* always =XX: '=', controls, DEL */
    Q_W,     /* space, tab: as is, =XX before a line break or the end */
    Q_C,     /* CR: with LF a line break, else =0D */
    Q_N,     /* LF: a line break */
    Q_H,     /* >= 0x80: a UTF-8 sequence, =XX each byte */
    Q_Z      /* NUL: not text */
};

#define Q16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x

#define L Q_L
#define E Q_E
#define W Q_W
#define H Q_H
/* clang-format off */
static const unsigned char qp_class[256] = {
    Q_Z, E, E, E, E, E, E, E, E, W, Q_N, E, E, Q_C, E, E,   /* 0x00 */
    E,   E, E, E, E, E, E, E, E, E, E,   E, E, E,   E, E,   /* 0x10 */
    W,   L, L, L, L, L, L, L, L, L, L,   L, L, L,   L, L,   /* 0x20 */
    L,   L, L, L, L, L, L, L, L, L, L,   L, L, E,   L, L,   /* 0x30 */
    L,   L, L, L, L, L, L, L, L, L, L,   L, L, L,   L, L,   /* 0x40 */
    L,   L, L, L, L, L, L, L, L, L, L,   L, L, L,   L, L,   /* 0x50 */
    L,   L, L, L, L, L, L, L, L, L, L,   L, L, L,   L, L,   /* 0x60 */
    L,   L, L, L, L, L, L, L, L, L, L,   L, L, L,   L, E,   /* 0x70 */
    Q16(H), Q16(H), Q16(H), Q16(H),                         /* 0x80 */
    Q16(H), Q16(H), Q16(H), Q16(H),                         /* 0xc0 */
};
/* clang-format on */
#undef L
#undef E
#undef W
#undef H

/*
 * Octets the encoder may write for n input octets: 3 per octet at most
 * (a LF gives 2, a CRLF 2 for 2), and a soft break "=\r\n" after every
 * QP_MAX - 2 or more octets of text.
 */
#define QP_BOUND(n) (3 * (n) + 3 * (3 * (n) / (QP_MAX - 2) + 2))

/* Octets that may go as they are inside a line: printable ASCII other
 * than '=', and space (unless it ends the line). */
/* clang-format off */
static const unsigned char qp_plain[256] = {
    [0x20] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x20 */
             1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1,   /* 0x30 */
             Q16(1), Q16(1), Q16(1),                           /* 0x40 */
             1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,   /* 0x70 */
};
/* clang-format on */

/* Whether a line ends at in[i]: the end of the input, LF or CRLF. */
static int
qp_line_end(const unsigned char *in, size_t i, size_t len)
{
    return i == len || in[i] == '\n' ||
           (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n');
}

#ifdef QP_SWAR
/* Bits set in the octets of x (read little-endian) that are not qp_plain:
 * below 0x20, above 0x7e or '='. The lowest set bit is exact (borrows and
 * carries only run upwards from an octet that is itself set). */
static uint64_t
qp_special(uint64_t x)
{
    uint64_t eq = x ^ (ONES * '=');

    return swar_unprintable(x) | ((eq - ONES) & ~eq & HIGHS);
}
#endif

/*
 * Copy the qp_plain octets at the start of in[0..n) to d and return how
 * many. A block at a time (QP_SSE2 16 octets, QP_SWAR 8): load, store,
 * find the first special octet. A block may read and write up to 16
 * octets past n, which the caller allows with avail >= n, the octets of
 * input (and three times as many of output) that may be touched.
 */
static size_t
qp_plain_run(const unsigned char *in, size_t n, size_t avail, char *d)
{
    size_t j = 0;

#if defined(QP_SSE2)
    const __m128i below = _mm_set1_epi8(0x20), above = _mm_set1_epi8(0x7e);
    const __m128i eq = _mm_set1_epi8('=');

    while (j < n && avail - j >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(in + j));
        /* Signed compares: octets >= 0x80 are negative, below 0x20. */
        __m128i sp = _mm_or_si128(
            _mm_or_si128(_mm_cmplt_epi8(v, below), _mm_cmpgt_epi8(v, above)),
            _mm_cmpeq_epi8(v, eq));
        unsigned m = (unsigned)_mm_movemask_epi8(sp);
        size_t k = m ? (size_t)__builtin_ctz(m) : 16;

        _mm_storeu_si128((__m128i *)(void *)(d + j), v);
        if (k < 16 || n - j <= 16)
            return j + (k < n - j ? k : n - j);
        j += 16;
    }
#elif defined(QP_SWAR)
    while (j < n && avail - j >= 8) {
        uint64_t x, m;
        size_t k;

        memcpy(&x, in + j, 8);
        memcpy(d + j, &x, 8);
        m = qp_special(x);
        k = m ? (size_t)__builtin_ctzll(m) / 8 : 8;
        if (k < 8 || n - j <= 8)
            return j + (k < n - j ? k : n - j);
        j += 8;
    }
#else
    (void)avail;
#endif
    while (j < n && qp_plain[in[j]]) {
        d[j] = (char)in[j];
        j++;
    }
    return j;
}

/* The encoder's position: input, next octet, column of the output line. */
struct qp {
    const unsigned char *in;
    size_t len;
    size_t pos;
    unsigned col;
};

/*
 * Encode q->in from q->pos until the position reaches to (a UTF-8
 * sequence or a CRLF may take it up to 3 past to) into *dp, which has room
 * for QP_BOUND(to - q->pos + 3) octets; *dp is moved past the output.
 * TOCSIN_EFORMAT at malformed UTF-8 or a NUL.
 *
 * The rules (RFC 2045 6.7): a line holds at most QP_MAX octets before a
 * soft break; '=' is written only as =XX (two upper-case hex digits) or
 * as the soft break "=" CRLF, never followed by '_', which is what keeps
 * the boundary "=_..." out of every part. A '.' or the 'F' of "From " at
 * the start of an output line is escaped too, so that no SMTP or mbox
 * software alters the line (and DKIM signatures hold).
 */
static int
qp_run(struct qp *q, size_t to, char **dp)
{
    const unsigned char *in = q->in;
    size_t i = q->pos, len = q->len, k, n;
    unsigned col = q->col, w;
    char *d = *dp;
    int rc = TOCSIN_OK;

    while (i < to) {
        unsigned char c;
        unsigned cls;

        /* Fast path: a run of octets written as they are, inside a line
         * (not at its start) and as far as it has room; a blank that
         * turns out to end the line goes back to the slow path. */
        if (col - 1u < QP_MAX - 1u) {
            size_t room = QP_MAX - col, j;

            if (room > to - i)
                room = to - i;
            j = qp_plain_run(in + i, room, to - i, d);
            if (j > 0) {
                i += j;
                d += j;
                col += (unsigned)j;
                if (in[i - 1] != ' ' || !qp_line_end(in, i, len))
                    continue;
                i--;
                d--;
                col--;
            }
        }
        c = in[i];
        cls = qp_class[c];
        switch (cls) {
        case Q_N:
            *d++ = '\r';
            *d++ = '\n';
            col = 0;
            i++;
            continue;
        case Q_C:
            if (i + 1 < len && in[i + 1] == '\n') {
                *d++ = '\r';
                *d++ = '\n';
                col = 0;
                i += 2;
                continue;
            }
            w = 3;
            break;
        case Q_W:
            w = qp_line_end(in, i + 1, len) ? 3 : 1;
            break;
        case Q_L:
            w = col == 0 && (c == '.' || (c == 'F' && len - i >= 5 &&
                                          memcmp(in + i, "From ", 5) == 0))
                    ? 3
                    : 1;
            break;
        case Q_H:
            n = utf8_len(in + i, len - i);
            if (n == 0) {
                rc = TOCSIN_EFORMAT;
                goto done;
            }
            for (k = 0; k < n; k++) {
                if (col > QP_MAX - 3) {
                    *d++ = '=';
                    *d++ = '\r';
                    *d++ = '\n';
                    col = 0;
                }
                *d++ = '=';
                *d++ = hex[in[i + k] >> 4];
                *d++ = hex[in[i + k] & 15];
                col += 3;
            }
            i += n;
            continue;
        case Q_Z:
            rc = TOCSIN_EFORMAT;
            goto done;
        default:
            w = 3;
            break;
        }
        if (col + w > QP_MAX) {
            /* Soft break, then look at the octet again at column 0. */
            *d++ = '=';
            *d++ = '\r';
            *d++ = '\n';
            col = 0;
            continue;
        }
        if (w == 1) {
            *d++ = (char)c;
        } else {
            *d++ = '=';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 15];
        }
        col += w;
        i++;
    }
done:
    q->pos = i;
    q->col = col;
    *dp = d;
    return rc;
}

/*
 * Append text[0..n) quoted-printable to out. Normally one buf_extend() of
 * the worst case and a truncate to what was written; when that would pass
 * out's maximum though the real output might not, slice by slice through
 * a scratch block, so that only real output counts against the maximum.
 */
static int
put_qp(struct buf *out, const char *text, size_t n)
{
    struct qp q = {(const unsigned char *)text, n, 0, 0};
    size_t start = buf_len(out);
    char *d0, *d;
    int rc;

    if (n > LIMIT_MIME_TEXT)
        return TOCSIN_ELIMIT;
    rc = buf_extend(out, QP_BOUND(n), &d0);
    if (rc == TOCSIN_OK) {
        d = d0;
        rc = qp_run(&q, n, &d);
        buf_truncate(out, rc == TOCSIN_OK ? start + (size_t)(d - d0) : start);
        return rc;
    }
    if (rc != TOCSIN_ELIMIT)
        return rc;
    {
        char tmp[QP_BOUND(QP_SLICE + 3)];

        rc = TOCSIN_OK;
        while (rc == TOCSIN_OK && q.pos < n) {
            size_t to = n - q.pos > QP_SLICE ? q.pos + QP_SLICE : n;

            d = tmp;
            rc = qp_run(&q, to, &d);
            if (rc == TOCSIN_OK)
                rc = buf_append(out, tmp, (size_t)(d - tmp));
        }
        explicit_bzero(tmp, sizeof(tmp));
    }
    if (rc != TOCSIN_OK)
        buf_truncate(out, start);
    return rc;
}

int
mime_qp_encode(const char *text, size_t len, struct buf *out)
{
    return put_qp(out, text, len);
}

/* ---- the header ---- */

/*
 * The header is written into a block on the stack with a cursor, after
 * every field has been checked, so that writing cannot fail. The block's
 * size follows from the limits:
 *  - encoded-words of n octets: at most 3 characters an octet, and per
 *    word 12 of "=?UTF-8?Q?" "?=" and 3 of the fold before it; a word
 *    that is not the last holds more than 44 characters (room for at
 *    least 56, a character takes at most 12), so 15 octets or more;
 *  - the quoted form of a name takes at most 2n + 2, atoms n;
 *  - a folded plain subject at most n + 2 per blank.
 * (In builds with assertions cput() checks it.)
 */
#define EW_BOUND(n) (3 * (n) + ((n) / 15 + 1) * 15)
#define ADDR_BOUND                                                            \
    (sizeof("Reply-To: ") + EW_BOUND(LIMIT_MIME_NAME) + 4 +                   \
     LIMIT_EMAIL_ADDRESS + 3)
/* 512: the fixed texts (field names, Date, MIME-Version, Content-Type with
 * the boundary, Auto-Submitted, ...) take under 400. */
#define HDR_BOUND                                                             \
    (512 + 3 * ADDR_BOUND + EW_BOUND(LIMIT_MIME_SUBJECT) +                    \
     LIMIT_MIME_ID_LOCAL + LIMIT_EMAIL_DOMAIN + LIMIT_MIME_LANGUAGE +         \
     LIMIT_MIME_VCODE)

/* A write cursor into a block that is known to be large enough. */
struct cur {
    char *p;
    char *end;
};

static void
cput(struct cur *w, const char *s, size_t n)
{
    assert(n <= (size_t)(w->end - w->p));
    memcpy(w->p, s, n);
    w->p += n;
}

#define CPUTS(w, lit) cput((w), "" lit, sizeof(lit) - 1)

/*
 * Write s[0..n) (checked UTF-8) as Q encoded-words: the first starting at
 * column *col of the current line, the others each on a folded line of
 * their own ("\r\n "), each word at most EW_MAX characters and its line
 * at most HDR_LINE, never splitting a character. *col receives the column
 * after the last word.
 *
 * Q rather than B even where B would be shorter: GMime, for one, joins
 * the base64 of adjacent B words before decoding and loses what follows
 * a word that ends in '=' padding; Q words join safely.
 */
static void
put_words(struct cur *w, const unsigned char *s, size_t n, size_t *col)
{
    size_t i = 0, c = *col;

    while (i < n) {
        size_t room, ci = i;
        char *start, *limit, *co;

        if (i > 0) {
            CPUTS(w, CRLF " ");
            c = 1;
        }
        /* At least 68: the longest header name, "Reply-To", is 8. */
        assert(c <= 10);
        room = HDR_LINE - c < EW_MAX ? HDR_LINE - c : EW_MAX;
        /* The word, and a character too many, fit the block. */
        assert(room + 12 <= (size_t)(w->end - w->p));
        start = w->p;
        limit = start + room - 2; /* the last "?=" */
        CPUTS(w, "=?UTF-8?Q?");
        /* Octet by octet, remembering where the current character began
         * (in and out), to take it back when it does not fit. */
        co = w->p;
        for (; i < n; i++) {
            unsigned char b = s[i];

            if ((b & 0xc0) != 0x80) {
                ci = i;
                co = w->p;
            }
            if (cclass[b] & C_QWORD) {
                *w->p++ = (char)b;
            } else if (b == ' ') {
                *w->p++ = '_';
            } else {
                w->p[0] = '=';
                w->p[1] = hex[b >> 4];
                w->p[2] = hex[b & 15];
                w->p += 3;
            }
            if (w->p > limit) {
                w->p = co;
                i = ci;
                break;
            }
        }
        assert(w->p > start + 10);
        CPUTS(w, "?=");
        c += (size_t)(w->p - start);
    }
    *col = c;
}

/*
 * Whether the ASCII text s[0..n) can be written as is (as atoms or inside
 * quotes) and come back the same from any reader: printable ASCII, no "=?"
 * (a reader would decode it), no blank at either end or two in a row
 * (unfolding and readers may change those).
 */
static int
plain_text(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c > 0x7e)
            return 0;
        if ((c == '=' && s[i + 1] == '?') || (c == ' ' && s[i + 1] == ' '))
            return 0;
    }
    return 1;
}

/* Whether plain_text() s[0..n) can also be folded at its blanks into
 * lines of HDR_LINE: the first word at most first octets, the others at
 * most HDR_LINE - 1 (a folded line starts with the blank). */
static int
plain_foldable(const char *s, size_t n, size_t first)
{
    size_t i, word = 0, limit = first;

    if (!plain_text(s, n))
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] == ' ') {
            word = 0;
            limit = HDR_LINE - 1;
        } else if (++word > limit) {
            return 0;
        }
    }
    return 1;
}

/* Write plain_foldable() text s[0..n) from column *col, folding before a
 * blank where the line would pass HDR_LINE. */
static void
put_folded(struct cur *w, const char *s, size_t n, size_t *col)
{
    size_t i = 0, c = *col;

    while (i < n) {
        const char *sp = memchr(s + i, ' ', n - i);
        size_t wl = (sp ? (size_t)(sp - s) : n) - i;

        if (i > 0) {
            if (c + 1 + wl > HDR_LINE) {
                CPUTS(w, CRLF);
                c = 0;
            }
            CPUTS(w, " ");
            c++;
        }
        cput(w, s + i, wl);
        c += wl;
        i += wl + 1;
    }
    *col = c;
}

/* A checked subject. */
struct subject {
    const char *s;
    size_t n;
    int ascii;
};

static int
check_subject(const char *s, struct subject *out)
{
    if (s == NULL)
        return TOCSIN_EINVAL;
    out->s = s;
    out->n = strlen(s);
    if (out->n > LIMIT_MIME_SUBJECT)
        return TOCSIN_ELIMIT;
    if (out->n == 0)
        return TOCSIN_EINVAL;
    return check_htext((const unsigned char *)s, out->n, &out->ascii);
}

static void
put_subject(struct cur *w, const struct subject *sj)
{
    size_t col = sizeof("Subject: ") - 1;

    CPUTS(w, "Subject: ");
    if (sj->ascii && plain_foldable(sj->s, sj->n, HDR_LINE - col))
        put_folded(w, sj->s, sj->n, &col);
    else
        put_words(w, (const unsigned char *)sj->s, sj->n, &col);
    CPUTS(w, CRLF);
}

/* A checked mailbox: the name without blanks at its ends. */
struct mailbox {
    const char *name;
    size_t nlen;
    const char *addr;
    size_t alen;
    int ascii;
};

static int
check_mailbox(const struct mime_address *a, struct mailbox *mb)
{
    int rc;

    if (a->addr == NULL)
        return TOCSIN_EINVAL;
    mb->addr = a->addr;
    mb->alen = strlen(a->addr);
    rc = check_addr(mb->addr, mb->alen);
    if (rc != TOCSIN_OK)
        return rc;
    mb->name = a->name ? a->name : "";
    mb->nlen = strlen(mb->name);
    if (mb->nlen > LIMIT_MIME_NAME)
        return TOCSIN_ELIMIT;
    rc = check_htext((const unsigned char *)mb->name, mb->nlen, &mb->ascii);
    if (rc != TOCSIN_OK)
        return rc;
    /* Readers drop blanks at the ends of a display name; so do we. */
    while (mb->nlen > 0 && mb->name[0] == ' ')
        mb->name++, mb->nlen--;
    while (mb->nlen > 0 && mb->name[mb->nlen - 1] == ' ')
        mb->nlen--;
    return TOCSIN_OK;
}

/* A plain_text() display name of atoms: atext words, single blanks. */
static int
is_atom_phrase(const char *s, size_t n)
{
    size_t i;

    if (!plain_text(s, n))
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] != ' ' && !(cclass[(unsigned char)s[i]] & C_ATEXT))
            return 0;
    return 1;
}

/* "Name: display name <addr>" CRLF, or "Name: addr" CRLF without a name.
 * The name as atoms when it is that, else in quotes when it is printable
 * ASCII, else (or when either would pass the line) as encoded-words. */
static void
put_mailbox(struct cur *w, const char *hname, const struct mailbox *mb)
{
    size_t hlen = strlen(hname), col = hlen + 2, qlen, i;

    cput(w, hname, hlen);
    CPUTS(w, ": ");
    if (mb->nlen == 0) {
        cput(w, mb->addr, mb->alen);
        CPUTS(w, CRLF);
        return;
    }
    /* The quoted form: two quotes and a '\' before '"' and '\'. */
    qlen = mb->nlen + 2;
    for (i = 0; i < mb->nlen; i++)
        qlen += mb->name[i] == '"' || mb->name[i] == '\\';
    if (mb->ascii && col + mb->nlen <= HDR_LINE &&
        is_atom_phrase(mb->name, mb->nlen)) {
        cput(w, mb->name, mb->nlen);
        col += mb->nlen;
    } else if (mb->ascii && col + qlen <= HDR_LINE &&
               plain_text(mb->name, mb->nlen)) {
        CPUTS(w, "\"");
        for (i = 0; i < mb->nlen; i++) {
            if (mb->name[i] == '"' || mb->name[i] == '\\')
                CPUTS(w, "\\");
            *w->p++ = mb->name[i];
        }
        CPUTS(w, "\"");
        col += qlen;
    } else {
        put_words(w, (const unsigned char *)mb->name, mb->nlen, &col);
    }
    if (col + 2 + mb->alen + 1 > HDR_LINE)
        CPUTS(w, CRLF " <");
    else
        CPUTS(w, " <");
    cput(w, mb->addr, mb->alen);
    CPUTS(w, ">" CRLF);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

/* The date in range: years 1900..9999 in UTC and in the zone. */
static int
check_date(time_t t, int zone)
{
    if (zone < -1439 || zone > 1439)
        return TOCSIN_EINVAL;
    /* 1900-01-02 and 9999-12-30 UTC: a day's margin for the zone. */
    if ((int64_t)t < -2208902400ll || (int64_t)t > 253402214399ll)
        return TOCSIN_EINVAL;
    return TOCSIN_OK;
}

static void
put2(struct cur *w, unsigned v)
{
    *w->p++ = (char)('0' + v / 10);
    *w->p++ = (char)('0' + v % 10);
}

/* "Date: Tue, 10 Feb 2026 14:03:00 +0100" CRLF (RFC 5322 3.3). */
static void
put_date(struct cur *w, time_t t, int zone)
{
    static const char days[] = "ThuFriSatSunMonTueWed";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int64_t s = (int64_t)t + (int64_t)zone * 60, z, y;
    unsigned m, d, sec, az = (unsigned)(zone < 0 ? -zone : zone);

    z = s >= 0 ? s / 86400 : (s - 86399) / 86400;
    sec = (unsigned)(s - z * 86400);
    civil_from_days(z, &y, &m, &d);
    assert(y >= 1900 && y <= 9999);
    CPUTS(w, "Date: ");
    cput(w, days + 3 * (unsigned)(((z % 7) + 7) % 7), 3);
    CPUTS(w, ", ");
    if (d >= 10)
        *w->p++ = (char)('0' + d / 10);
    *w->p++ = (char)('0' + d % 10);
    CPUTS(w, " ");
    cput(w, months + 3 * (m - 1), 3);
    CPUTS(w, " ");
    put2(w, (unsigned)(y / 100));
    put2(w, (unsigned)(y % 100));
    CPUTS(w, " ");
    put2(w, sec / 3600);
    CPUTS(w, ":");
    put2(w, sec / 60 % 60);
    CPUTS(w, ":");
    put2(w, sec % 60);
    *w->p++ = ' ';
    *w->p++ = zone < 0 ? '-' : '+';
    put2(w, az / 60);
    put2(w, az % 60);
    CPUTS(w, CRLF);
}

/* A Content-Language tag: letters, digits, single inner '-', starting
 * with a letter. */
static int
is_language(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > LIMIT_MIME_LANGUAGE ||
        (cclass[(unsigned char)s[0]] & C_ALNUM) == 0 ||
        (s[0] >= '0' && s[0] <= '9') || s[n - 1] == '-')
        return 0;
    for (i = 0; i < n; i++)
        if (!((cclass[(unsigned char)s[i]] & C_ALNUM) ||
              (s[i] == '-' && s[i + 1] != '-')))
            return 0;
    return 1;
}

static int
is_vcode(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > LIMIT_MIME_VCODE)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < 0x21 || s[i] > 0x7e)
            return 0;
    return 1;
}

/* The boundary: "=_tocsin_" and the FNV-1a hash of local "@" domain in
 * 16 hex digits. */
#define BOUNDARY_LEN 25

static void
make_boundary(const char *local, const char *domain, char b[BOUNDARY_LEN + 1])
{
    uint64_t h = 0xcbf29ce484222325ull;
    const char *parts[3] = {local, "@", domain};
    size_t i;
    int k;

    for (i = 0; i < 3; i++) {
        const char *p;

        for (p = parts[i]; *p; p++) {
            h ^= (unsigned char)*p;
            h *= 0x100000001b3ull;
        }
    }
    memcpy(b, "=_tocsin_", 9);
    for (k = 0; k < 16; k++)
        b[9 + k] = "0123456789abcdef"[h >> (60 - 4 * k) & 15];
    b[BOUNDARY_LEN] = '\0';
}

/* The delimiter before a part and the part's header. */
static int
put_part_header(struct buf *out, const char *boundary, int html)
{
    char t[128];
    struct cur w = {t, t + sizeof(t)};

    CPUTS(&w, CRLF "--");
    cput(&w, boundary, BOUNDARY_LEN);
    if (html)
        CPUTS(&w, CRLF "Content-Type: text/html; charset=utf-8" CRLF);
    else
        CPUTS(&w, CRLF "Content-Type: text/plain; charset=utf-8" CRLF);
    CPUTS(&w, "Content-Transfer-Encoding: quoted-printable" CRLF CRLF);
    return buf_append(out, t, (size_t)(w.p - t));
}

static int
write_message(const struct mime_message *m, struct buf *out)
{
    struct mailbox from, reply_to, to;
    struct subject subject;
    char boundary[BOUNDARY_LEN + 1], hdr[HDR_BOUND];
    struct cur w = {hdr, hdr + sizeof(hdr)};
    size_t ll, ld;
    int rc;

    /* Check everything first. */
    if (m->message_id_local == NULL || m->message_id_domain == NULL ||
        (m->text == NULL && m->text_len) || (m->html == NULL && m->html_len))
        return TOCSIN_EINVAL;
    if (m->text_len > LIMIT_MIME_TEXT || m->html_len > LIMIT_MIME_TEXT)
        return TOCSIN_ELIMIT;
    ll = strlen(m->message_id_local);
    ld = strlen(m->message_id_domain);
    if (!is_dot_atom(m->message_id_local, ll, LIMIT_MIME_ID_LOCAL) ||
        !is_hostname(m->message_id_domain, ld, LIMIT_EMAIL_DOMAIN))
        return TOCSIN_EINVAL;
    if (m->language != NULL && !is_language(m->language, strlen(m->language)))
        return TOCSIN_EINVAL;
    if (m->verification != NULL &&
        !is_vcode(m->verification, strlen(m->verification)))
        return TOCSIN_EINVAL;
    rc = check_date(m->date, m->date_zone);
    if (rc == TOCSIN_OK)
        rc = check_mailbox(&m->from, &from);
    if (rc == TOCSIN_OK && m->reply_to.addr != NULL)
        rc = check_mailbox(&m->reply_to, &reply_to);
    if (rc == TOCSIN_OK)
        rc = check_mailbox(&m->to, &to);
    if (rc == TOCSIN_OK)
        rc = check_subject(m->subject, &subject);
    if (rc != TOCSIN_OK)
        return rc;

    /* The header. */
    put_date(&w, m->date, m->date_zone);
    put_mailbox(&w, "From", &from);
    if (m->reply_to.addr != NULL)
        put_mailbox(&w, "Reply-To", &reply_to);
    put_mailbox(&w, "To", &to);
    put_subject(&w, &subject);
    CPUTS(&w, "Message-ID: <");
    cput(&w, m->message_id_local, ll);
    CPUTS(&w, "@");
    cput(&w, m->message_id_domain, ld);
    CPUTS(&w, ">" CRLF);
    make_boundary(m->message_id_local, m->message_id_domain, boundary);
    CPUTS(&w, "MIME-Version: 1.0" CRLF
              "Content-Type: multipart/alternative;" CRLF " boundary=\"");
    cput(&w, boundary, BOUNDARY_LEN);
    CPUTS(&w, "\"" CRLF);
    if (m->language != NULL) {
        CPUTS(&w, "Content-Language: ");
        cput(&w, m->language, strlen(m->language));
        CPUTS(&w, CRLF);
    }
    /* RFC 3834; and no out-of-office replies to the Reply-To mailbox from
     * Exchange (MS-OXCMAIL 2.2.3.2.14). */
    CPUTS(&w, "Auto-Submitted: auto-generated" CRLF
              "X-Auto-Response-Suppress: All" CRLF);
    if (m->verification != NULL) {
        CPUTS(&w, MIME_VERIFICATION_HEADER ": ");
        cput(&w, m->verification, strlen(m->verification));
        CPUTS(&w, CRLF);
    }
    rc = buf_append(out, hdr, (size_t)(w.p - hdr));
    explicit_bzero(hdr, (size_t)(w.p - hdr));

    /* The body. The CRLF before the first delimiter ends the header with
     * an empty line; there is no preamble. */
    if (rc == TOCSIN_OK)
        rc = put_part_header(out, boundary, 0);
    if (rc == TOCSIN_OK)
        rc = put_qp(out, m->text, m->text_len);
    if (rc == TOCSIN_OK)
        rc = put_part_header(out, boundary, 1);
    if (rc == TOCSIN_OK)
        rc = put_qp(out, m->html, m->html_len);
    if (rc == TOCSIN_OK) {
        char t[40];
        struct cur e = {t, t + sizeof(t)};

        CPUTS(&e, CRLF "--");
        cput(&e, boundary, BOUNDARY_LEN);
        CPUTS(&e, "--" CRLF);
        rc = buf_append(out, t, (size_t)(e.p - t));
    }
    return rc;
}

int
mime_write(const struct mime_message *m, struct buf *out)
{
    size_t start = buf_len(out);
    int rc = write_message(m, out);

    if (rc != TOCSIN_OK)
        buf_truncate(out, start);
    return rc;
}

/* ---- SMTP ---- */

int
mime_dot_stuff(const char *in, size_t len, struct buf *out)
{
    size_t start = buf_len(out), span = 0, ncr = 0, nlf = 0;
    const char *p, *end;
    int rc = TOCSIN_OK;

    if (len == 0)
        return buf_append(out, "." CRLF, 3);
    end = in + len;
    /* CRLF only: every LF after a CR, and as many CRs as LFs. */
    for (p = in; (p = memchr(p, '\r', (size_t)(end - p))) != NULL; p++)
        ncr++;
    for (p = in; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
        if (p == in || p[-1] != '\r')
            return TOCSIN_EINVAL;
        nlf++;
    }
    if (ncr != nlf)
        return TOCSIN_EINVAL;

    /* Copy spans; before a line that starts with '.', one '.' more. */
    if (in[0] == '.')
        rc = buf_append(out, ".", 1);
    for (p = in;
         rc == TOCSIN_OK && (p = memchr(p, '\n', (size_t)(end - p))) != NULL;
         p++) {
        if (p + 1 < end && p[1] == '.') {
            size_t to = (size_t)(p + 1 - in);

            rc = buf_append(out, in + span, to - span);
            if (rc == TOCSIN_OK)
                rc = buf_append(out, ".", 1);
            span = to;
        }
    }
    if (rc == TOCSIN_OK)
        rc = buf_append(out, in + span, len - span);
    if (rc == TOCSIN_OK && in[len - 1] != '\n')
        rc = buf_append(out, CRLF, 2);
    if (rc == TOCSIN_OK)
        rc = buf_append(out, "." CRLF, 3);
    if (rc != TOCSIN_OK)
        buf_truncate(out, start);
    return rc;
}

/* ---- case.ini mailboxes ---- */

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int
parse_mailbox(const char *in, size_t len, struct buf *name, struct buf *addr)
{
    const char *s = in, *e = in + len, *lt, *ne;
    int ascii, rc;

    if (len > LIMIT_MIME_MAILBOX)
        return TOCSIN_ELIMIT;
    while (s < e && is_blank(*s))
        s++;
    while (e > s && is_blank(e[-1]))
        e--;
    if (s == e)
        return TOCSIN_EINVAL;
    if (e[-1] != '>') {
        rc = check_addr(s, (size_t)(e - s));
        return rc == TOCSIN_OK ? buf_append(addr, s, (size_t)(e - s)) : rc;
    }
    lt = memrchr(s, '<', (size_t)(e - s));
    if (lt == NULL)
        return TOCSIN_EINVAL;
    rc = check_addr(lt + 1, (size_t)(e - 1 - (lt + 1)));
    if (rc == TOCSIN_OK)
        rc = buf_append(addr, lt + 1, (size_t)(e - 1 - (lt + 1)));
    if (rc != TOCSIN_OK)
        return rc;
    ne = lt;
    while (ne > s && is_blank(ne[-1]))
        ne--;
    if (ne - s >= 2 && s[0] == '"' && ne[-1] == '"') {
        const char *p;

        for (p = s + 1; rc == TOCSIN_OK && p < ne - 1; p++) {
            if (*p == '"')
                return TOCSIN_EINVAL;
            if (*p == '\\' && ++p == ne - 1)
                return TOCSIN_EINVAL;
            rc = buf_append(name, p, 1);
        }
    } else {
        if (memchr(s, '"', (size_t)(ne - s)) != NULL ||
            memchr(s, '<', (size_t)(ne - s)) != NULL ||
            memchr(s, '>', (size_t)(ne - s)) != NULL)
            return TOCSIN_EINVAL;
        rc = buf_append(name, s, (size_t)(ne - s));
    }
    if (rc != TOCSIN_OK)
        return rc;
    if (buf_len(name) > LIMIT_MIME_NAME)
        return TOCSIN_ELIMIT;
    return check_htext((const unsigned char *)buf_str(name), buf_len(name),
                       &ascii);
}

int
mime_mailbox_parse(const char *in, size_t len, struct buf *name,
                   struct buf *addr)
{
    int rc;

    buf_reset(name);
    buf_reset(addr);
    rc = parse_mailbox(in, len, name, addr);
    if (rc != TOCSIN_OK) {
        buf_reset(name);
        buf_reset(addr);
    }
    return rc;
}
