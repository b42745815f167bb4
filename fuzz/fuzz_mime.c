/*
 * fuzz_mime.c - libFuzzer harness for the notification e-mail writer
 * (notify/mime.h).
 *
 * The input is cut at its first four NUL bytes into subject, display
 * name, address, text and HTML (missing parts take fixed valid values);
 * the name goes to From, Reply-To and To, the address to To; the date and
 * zone come from the input's hash. Every text goes in an exact malloc'd
 * copy, so ASan sees a read past a length. The harness aborts when
 *  - mime_write() fails with other than TOCSIN_EINVAL, TOCSIN_EFORMAT or
 *    TOCSIN_ELIMIT, or leaves anything in the buffer; fails with
 *    TOCSIN_EFORMAT though every text is well-formed UTF-8 (no NUL in
 *    the bodies); or fails with TOCSIN_EINVAL though every text is
 *    free of control characters, the address was accepted by
 *    mime_mailbox_parse() and the name is not over its limit;
 *  - a written message is not CRLF-only 7-bit text, has a line over 998
 *    octets, a header line over 78 that does not carry the address, a
 *    header field other than the ones written, a quoted-printable line
 *    over 76, starting with '.' or "From ", holding "=_" or a blank
 *    before its end, or an '=' that is not "=XX" or a soft break;
 *  - the Subject, unfolded and its encoded-words (each at most 75
 *    characters) decoded, is not the subject; the To display name is not
 *    the name (without blanks at its ends);
 *  - a part, quoted-printable decoded, is not its text with bare LF made
 *    CRLF; mime_qp_encode() of the text decodes to something else;
 *  - mime_dot_stuff() of the message does not undo to the message;
 *  - the output differs between two calls (it must be deterministic).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "notify/mime.h"
#include "util/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX (16u << 20)

static void
put(struct buf *b, const void *p, size_t n)
{
    if (buf_append(b, p, n) != 0)
        abort();
}

/* Well-formed UTF-8 (an independent, plain reading of RFC 3629). */
static int
utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i], cp, k, need;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, cp = c & 0x07;
        else
            return 0;
        if (n - i <= need)
            return 0;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

static int
has_control(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode quoted-printable q[0..n) (CRLF lines) into out, checking each
 * line as the writer promises. */
static void
qp_decode(const char *q, size_t n, struct buf *out)
{
    size_t i = 0;

    buf_reset(out);
    while (i <= n) {
        const char *eol = memmem(q + i, n - i, "\r\n", 2);
        size_t len = eol ? (size_t)(eol - (q + i)) : n - i, k;
        const char *l = q + i;
        int soft = 0;

        if (len > 76 || (len > 0 && l[0] == '.') ||
            (len >= 5 && memcmp(l, "From ", 5) == 0) ||
            memmem(l, len, "=_", 2) != NULL ||
            (len > 0 && (l[len - 1] == ' ' || l[len - 1] == '\t')))
            abort();
        for (k = 0; k < len; k++) {
            if (l[k] != '=') {
                put(out, l + k, 1);
                continue;
            }
            if (k + 1 == len) {
                soft = 1;
                break;
            }
            if (k + 2 >= len)
                abort();
            if (hexval(l[k + 1]) < 0 || hexval(l[k + 2]) < 0)
                abort();
            {
                char c = (char)(hexval(l[k + 1]) * 16 + hexval(l[k + 2]));

                put(out, &c, 1);
            }
            k += 2;
        }
        if (eol == NULL) {
            if (soft)
                abort(); /* the writer never ends on a soft break */
            break;
        }
        if (!soft)
            put(out, "\r\n", 2);
        i += len + 2;
    }
}

/* in[0..n) with every LF not after a CR made CRLF. */
static void
crlf_form(const char *in, size_t n, struct buf *out)
{
    size_t i;

    buf_reset(out);
    for (i = 0; i < n; i++) {
        if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
            put(out, "\r", 1);
        put(out, in + i, 1);
    }
}

static void
expect_equal(const struct buf *a, const char *b, size_t n)
{
    if (buf_len(a) != n || memcmp(buf_str(a), b, n) != 0)
        abort();
}

/* The value of header field name in the header h[0..n), unfolded
 * (CRLF before a blank removed), into out; 0 when it is not there. */
static int
header_value(const char *h, size_t n, const char *name, struct buf *out)
{
    size_t nl = strlen(name), i = 0;

    buf_reset(out);
    while (i < n) {
        const char *eol = memmem(h + i, n - i, "\r\n", 2);
        size_t len;

        if (eol == NULL)
            abort();
        len = (size_t)(eol - (h + i));

        if (len > nl + 1 && memcmp(h + i, name, nl) == 0 && h[i + nl] == ':' &&
            h[i + nl + 1] == ' ') {
            put(out, h + i + nl + 2, len - nl - 2);
            i += len + 2;
            while (i < n && h[i] == ' ') {
                eol = memmem(h + i, n - i, "\r\n", 2);
                if (eol == NULL)
                    abort();
                len = (size_t)(eol - (h + i));
                put(out, h + i, len);
                i += len + 2;
            }
            return 1;
        }
        i += len + 2;
    }
    return 0;
}

/* Decode an unfolded header text: encoded-words "=?UTF-8?Q?...?="
 * separated by single blanks (the blanks dropped), or plain text. */
static void
decode_text(const char *v, size_t n, struct buf *out)
{
    size_t i = 0;

    buf_reset(out);
    if (n < 2 || memcmp(v, "=?", 2) != 0) {
        put(out, v, n);
        return;
    }
    while (i < n) {
        const char *end;
        size_t k;

        if (n - i < 12 || memcmp(v + i, "=?UTF-8?Q?", 10) != 0)
            abort();
        end = memmem(v + i + 10, n - i - 10, "?=", 2);
        if (end == NULL || end + 2 - (v + i) > 75)
            abort();
        for (k = i + 10; v + k < end; k++) {
            if (v[k] == '_') {
                put(out, " ", 1);
            } else if (v[k] == '=') {
                char c;

                if (v + k + 2 >= end || hexval(v[k + 1]) < 0 ||
                    hexval(v[k + 2]) < 0)
                    abort();
                c = (char)(hexval(v[k + 1]) * 16 + hexval(v[k + 2]));
                put(out, &c, 1);
                k += 2;
            } else {
                put(out, v + k, 1);
            }
        }
        i = (size_t)(end + 2 - v);
        if (i < n) {
            if (v[i] != ' ')
                abort();
            i++;
        }
    }
}

/* Check the message s[0..n) written from these inputs. */
static void
check_message(const char *s, size_t n, const struct mime_message *m)
{
    static const char *const fields[] = {
        "Date",
        "From",
        "Reply-To",
        "To",
        "Subject",
        "Message-ID",
        "MIME-Version",
        "Content-Type",
        "Content-Language",
        "Auto-Submitted",
        "X-Auto-Response-Suppress",
        MIME_VERIFICATION_HEADER,
    };
    const char *hend, *p, *bnd;
    struct buf v, d, want;
    size_t i, hn, k;
    char delim[40];

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == 0 || c >= 0x80 ||
            (c == '\r' && (i + 1 == n || s[i + 1] != '\n')) ||
            (c == '\n' && (i == 0 || s[i - 1] != '\r')))
            abort();
    }
    for (i = 0; i < n;) {
        p = memmem(s + i, n - i, "\r\n", 2);
        if (p == NULL || p - (s + i) > 998)
            abort();
        i = (size_t)(p - s) + 2;
    }
    hend = memmem(s, n, "\r\n\r\n", 4);
    if (hend == NULL)
        abort();
    hn = (size_t)(hend - s) + 2;
    for (i = 0; i < hn;) {
        size_t len;

        p = memmem(s + i, hn - i, "\r\n", 2);
        if (p == NULL)
            abort();
        len = (size_t)(p - (s + i));
        if (len > 78 &&
            memmem(s + i, len, m->to.addr, strlen(m->to.addr)) == NULL)
            abort();
        if (s[i] != ' ') {
            const char *colon = memchr(s + i, ':', len);

            if (colon == NULL)
                abort();
            for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
                if (strlen(fields[k]) == (size_t)(colon - (s + i)) &&
                    memcmp(fields[k], s + i, strlen(fields[k])) == 0)
                    break;
            if (k == sizeof(fields) / sizeof(fields[0]))
                abort();
        }
        i += len + 2;
    }

    buf_init(&v, OUT_MAX);
    buf_init(&d, OUT_MAX);
    buf_init(&want, OUT_MAX);
    if (!header_value(s, hn, "Subject", &v))
        abort();
    decode_text(buf_str(&v), buf_len(&v), &d);
    expect_equal(&d, m->subject, strlen(m->subject));
    if (!header_value(s, hn, "To", &v))
        abort();
    {
        /* "name <addr>" or "addr" */
        const char *t = buf_str(&v), *lt = NULL;
        const char *nm = m->to.name;
        size_t nl = strlen(nm), vl = buf_len(&v), al = strlen(m->to.addr);

        if (vl >= al + 3 && t[vl - 1] == '>' &&
            memcmp(t + vl - 1 - al, m->to.addr, al) == 0)
            lt = t + vl - 2 - al;

        while (nl > 0 && nm[0] == ' ')
            nm++, nl--;
        while (nl > 0 && nm[nl - 1] == ' ')
            nl--;
        if (nl == 0) {
            if (strcmp(t, m->to.addr) != 0)
                abort();
        } else {
            size_t tl;

            if (lt == NULL || *lt != '<' || lt == t || lt[-1] != ' ')
                abort();
            tl = (size_t)(lt - 1 - t);
            if (t[0] == '"') {
                /* a quoted string: drop the quotes and the '\' */
                buf_reset(&d);
                for (k = 1; k + 1 < tl; k++) {
                    if (t[k] == '\\')
                        k++;
                    put(&d, t + k, 1);
                }
            } else {
                decode_text(t, tl, &d);
            }
            expect_equal(&d, nm, nl);
        }
    }

    /* The boundary and the two parts. */
    /* At a line start (a subject may hold the same words folded). */
    bnd = memmem(s, hn,
                 "\r\nContent-Type: multipart/alternative;\r\n"
                 " boundary=\"=_tocsin_",
                 60);
    if (bnd == NULL)
        abort();
    bnd += 41;
    delim[0] = '\r';
    delim[1] = '\n';
    delim[2] = '-';
    delim[3] = '-';
    memcpy(delim + 4, bnd + 10, 25);
    if (memcmp(s + hn, delim, 29) != 0)
        abort();
    p = s + hn;
    for (k = 0; k < 2; k++) {
        const char *body, *next;

        body = memmem(p, (size_t)(s + n - p), "\r\n\r\n", 4);
        if (body == NULL)
            abort();
        body += 4;
        next = memmem(body, (size_t)(s + n - body), delim, 29);
        if (next == NULL)
            abort();
        qp_decode(body, (size_t)(next - body), &d);
        if (k == 0)
            crlf_form(m->text, m->text_len, &want);
        else
            crlf_form(m->html, m->html_len, &want);
        expect_equal(&d, buf_str(&want), buf_len(&want));
        p = next + 29;
    }
    if ((size_t)(s + n - p) != 4 || memcmp(p, "--\r\n", 4) != 0)
        abort();
    buf_free(&v);
    buf_wipe(&d);
    buf_wipe(&want);
}

/* Undo mime_dot_stuff(). */
static void
unstuff(const char *s, size_t n, struct buf *out)
{
    size_t i = 0;

    buf_reset(out);
    if (n < 3 || memcmp(s + n - 3, ".\r\n", 3) != 0)
        abort();
    n -= 3;
    while (i < n) {
        const char *eol = memmem(s + i, n - i, "\r\n", 2);
        size_t len;

        if (eol == NULL)
            abort();
        len = (size_t)(eol - (s + i)) + 2;
        if (s[i] == '.') {
            if (len < 3 || s[i + 1] != '.')
                abort();
            i++;
            len--;
        }
        put(out, s + i, len);
        i += len;
    }
}

/* The next part of the input, cut at a NUL (def when there is none) in
 * a malloc'd copy: with a NUL after it when cstr (for the C strings of
 * the interface), else exactly its bytes. */
static char *
field(const uint8_t *data, size_t size, size_t *pos, const char *def, int cstr,
      size_t *len)
{
    const uint8_t *z, *from = (const uint8_t *)def;
    char *s;

    if (*pos > size) {
        *len = strlen(def);
    } else {
        z = memchr(data + *pos, 0, size - *pos);
        *len = z ? (size_t)(z - (data + *pos)) : size - *pos;
        from = data + *pos;
        *pos += *len + 1;
    }
    if (!cstr)
        return fuzz_exact(from, *len);
    s = malloc(*len + 1);
    if (s == NULL)
        abort();
    memcpy(s, from, *len);
    s[*len] = '\0';
    return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mime_message m;
    struct buf out, again, st, back, name, addr;
    size_t sl, nl, al, tl, pos = 0;
    char *subject, *nm, *ad, *text, *html;
    uint64_t h = fuzz_mix(0xcbf29ce484222325ull, data, size);
    int rc, addr_ok;

    memset(&m, 0, sizeof(m));
    subject = field(data, size, &pos, "Uw gegevens zijn gelekt", 1, &sl);
    nm = field(data, size, &pos, "Zo\xc3\xab de Vries", 1, &nl);
    ad = field(data, size, &pos, "zoe@example.nl", 1, &al);
    text = field(data, size, &pos, "Beste klant,\n\nuw gegevens.\n", 0, &tl);
    if (pos > size) {
        html = fuzz_exact("<p>x</p>", 8);
        m.html_len = 8;
    } else {
        m.html_len = size - pos;
        html = fuzz_exact(data + pos, m.html_len);
    }

    m.from.name = nm;
    m.from.addr = "noreply@odido.example";
    m.reply_to.name = nm;
    m.reply_to.addr = "privacy@odido.example";
    m.to.name = nm;
    m.to.addr = ad;
    m.subject = subject;
    m.message_id_local = "f.123";
    m.message_id_domain = "mail.odido.example";
    m.language = h & 1 ? "nl" : NULL;
    m.verification = h & 2 ? "ABCD-EFGH" : NULL;
    m.date = (time_t)(h % 8000000000ull);
    m.date_zone = (int)(h >> 32 & 0xfff) % 2879 - 1439;
    m.text = text;
    m.text_len = tl;
    m.html = html;

    buf_init(&out, OUT_MAX);
    buf_init(&again, OUT_MAX);
    buf_init(&st, OUT_MAX);
    buf_init(&back, OUT_MAX);
    buf_init(&name, LIMIT_MIME_MAILBOX);
    buf_init(&addr, LIMIT_MIME_MAILBOX);

    /* Does the address pass on its own? */
    rc = mime_mailbox_parse(ad, al, &name, &addr);
    if (rc != 0 && rc != TOCSIN_EINVAL && rc != TOCSIN_ELIMIT &&
        rc != TOCSIN_EFORMAT)
        abort();
    addr_ok =
        rc == 0 && strcmp(buf_str(&addr), ad) == 0 && buf_len(&name) == 0;

    rc = mime_write(&m, &out);
    if (rc != 0) {
        if ((rc != TOCSIN_EINVAL && rc != TOCSIN_EFORMAT &&
             rc != TOCSIN_ELIMIT) ||
            buf_len(&out) != 0)
            abort();
        if (rc == TOCSIN_EFORMAT &&
            utf8_ok((const unsigned char *)subject, sl) &&
            utf8_ok((const unsigned char *)nm, nl) &&
            utf8_ok((const unsigned char *)text, tl) &&
            utf8_ok((const unsigned char *)html, m.html_len) &&
            memchr(text, 0, tl) == NULL && memchr(html, 0, m.html_len) == NULL)
            abort();
        if (rc == TOCSIN_EINVAL && addr_ok && sl > 0 &&
            sl == strlen(subject) && nl == strlen(nm) &&
            !has_control(subject, sl) && !has_control(nm, nl))
            abort();
        goto done;
    }
    if (!addr_ok)
        abort(); /* mime_write() took an address mailbox_parse() refused */
    check_message(buf_str(&out), buf_len(&out), &m);

    /* Deterministic. */
    if (mime_write(&m, &again) != 0 || buf_len(&again) != buf_len(&out) ||
        memcmp(buf_str(&again), buf_str(&out), buf_len(&out)) != 0)
        abort();

    /* mime_qp_encode() alone. */
    buf_reset(&again);
    if (mime_qp_encode(text, tl, &again) != 0)
        abort();
    qp_decode(buf_str(&again), buf_len(&again), &back);
    crlf_form(text, tl, &st);
    expect_equal(&back, buf_str(&st), buf_len(&st));

    /* SMTP dot-stuffing round trip. */
    buf_reset(&st);
    if (mime_dot_stuff(buf_str(&out), buf_len(&out), &st) != 0)
        abort();
    unstuff(buf_str(&st), buf_len(&st), &back);
    expect_equal(&back, buf_str(&out), buf_len(&out));

done:
    /* The raw input through the dot-stuffer and the mailbox parser:
     * errors only, never a crash; a stuffed text undoes. */
    buf_reset(&st);
    rc = mime_dot_stuff((const char *)data, size, &st);
    if (rc == 0) {
        unstuff(buf_str(&st), buf_len(&st), &back);
        if (buf_len(&back) < size || memcmp(buf_str(&back), data, size) != 0)
            abort();
    } else if (rc != TOCSIN_EINVAL || buf_len(&st) != 0) {
        abort();
    }
    {
        char *raw = fuzz_exact(data, size);

        rc = mime_mailbox_parse(raw, size, &name, &addr);
        if (rc != 0 && (buf_len(&name) != 0 || buf_len(&addr) != 0))
            abort();
        free(raw);
    }
    buf_wipe(&out);
    buf_wipe(&again);
    buf_wipe(&st);
    buf_wipe(&back);
    buf_wipe(&name);
    buf_wipe(&addr);
    free(subject);
    free(nm);
    free(ad);
    free(text);
    free(html);
    return 0;
}
