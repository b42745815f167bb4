/*
 * test_mime.c - the notification e-mail writer (notify/mime.h), checked by
 * parsing what it writes with GMime, an independent MIME parser (strict
 * RFC 2047, address and parameter modes; any parser warning fails):
 * every header and its decoded value, the multipart/alternative structure
 * and the decoded bodies byte for byte; and on the raw bytes: CRLF only,
 * lines at most 998 octets, header lines at most 78, quoted-printable
 * lines at most 76, encoded-words at most 75 and each valid UTF-8 on its
 * own. Also header injection, malformed UTF-8, field checks, the buffer
 * limit and allocation failures, SMTP dot-stuffing, case.ini mailboxes,
 * and a timing line (no assertion) of messages a second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "notify/mime.h"
#include "testutil.h"
#include "util/limits.h"

/* 2026-02-10 14:03:00 +0100 */
#define T0 1770728580

static const char dutch_text[] =
    "Beste Zo\xc3\xab de Vries,\n"
    "\n"
    "Op 7 februari 2026 hebben aanvallers gegevens van klanten van Odido\n"
    "gestolen. Daarbij zijn ook uw gegevens: naam, adres, IBAN (NL** ****\n"
    "**** **** 4300) en geboortedatum. Wij raden u aan alert te zijn op\n"
    "phishing: wij vragen u nooit om een code of betaling. \xc3\xa9\xc3\xa9n\n"
    "ding nog: caf\xc3\xa9-rekeningen \xe2\x82\xac 12,50 \xf0\x9f\x94\x92\n"
    "\n"
    "Met vriendelijke groet,\n"
    "Odido\n";

static const char dutch_html[] =
    "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
    "<title>Datalek</title></head>\n<body>\n<p>Beste Zo&euml; de Vries,</p>"
    "\n<p class=\"intro\">Op 7 februari 2026 hebben aanvallers gegevens "
    "van klanten van Odido gestolen. \xc3\xa9\xc3\xa9n ding: "
    "caf\xc3\xa9 \xf0\x9f\x94\x92</p>\n</body></html>\n";

static const char dutch_subject[] =
    "Belangrijk: uw gegevens zijn gelekt bij Odido \xe2\x80\x93 "
    "wat u nu kunt doen \xf0\x9f\x94\x92";

/* ---- GMime ---- */

static int gmime_warnings;

static void
on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
           gpointer data)
{
    (void)data;
    print_message("# GMime warning %d at %lld: %s\n", (int)code,
                  (long long)offset, item ? item : "");
    gmime_warnings++;
}

static int
setup_gmime(void **state)
{
    (void)state;
    g_mime_init();
    return 0;
}

static int
teardown_gmime(void **state)
{
    (void)state;
    g_mime_shutdown();
    return 0;
}

/* Parse s[0..n) strictly; no warning allowed. Caller unrefs. */
static GMimeMessage *
parse(const char *s, size_t n)
{
    GMimeParserOptions *opt = g_mime_parser_options_new();
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(s, n);
    GMimeParser *p = g_mime_parser_new_with_stream(st);
    GMimeMessage *msg;

    g_mime_parser_options_set_rfc2047_compliance_mode(
        opt, GMIME_RFC_COMPLIANCE_STRICT);
    g_mime_parser_options_set_address_compliance_mode(
        opt, GMIME_RFC_COMPLIANCE_STRICT);
    g_mime_parser_options_set_parameter_compliance_mode(
        opt, GMIME_RFC_COMPLIANCE_STRICT);
    g_mime_parser_options_set_warning_callback(opt, on_warning, NULL);
    gmime_warnings = 0;
    msg = g_mime_parser_construct_message(p, opt);
    assert_non_null(msg);
    assert_int_equal(gmime_warnings, 0);
    g_object_unref(p);
    g_object_unref(st);
    g_mime_parser_options_free(opt);
    return msg;
}

/* The one mailbox of an address header. */
static void
check_mailbox(InternetAddressList *l, const char *name, const char *addr)
{
    InternetAddress *ia;
    const char *got;

    assert_non_null(l);
    assert_int_equal(internet_address_list_length(l), 1);
    ia = internet_address_list_get_address(l, 0);
    assert_true(INTERNET_ADDRESS_IS_MAILBOX(ia));
    assert_string_equal(
        internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)), addr);
    got = internet_address_get_name(ia);
    if (name == NULL || *name == '\0')
        assert_true(got == NULL || *got == '\0');
    else
        assert_string_equal(got, name);
}

/* The decoded content of a leaf part, into out (replaced). */
static void
decoded(GMimeObject *o, struct buf *out)
{
    GMimeDataWrapper *w;
    GMimeStream *ms;
    GByteArray *ba;

    assert_true(GMIME_IS_PART(o));
    w = g_mime_part_get_content(GMIME_PART(o));
    assert_non_null(w);
    ms = g_mime_stream_mem_new();
    assert_true(g_mime_data_wrapper_write_to_stream(w, ms) >= 0);
    ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
    buf_reset(out);
    assert_int_equal(buf_append(out, ba->data, ba->len), 0);
    g_object_unref(ms);
}

/* in[0..n) with every LF not after a CR made CRLF: what a part decodes
 * to (mime.h). */
static void
crlf_form(const char *in, size_t n, struct buf *out)
{
    size_t i;

    buf_reset(out);
    for (i = 0; i < n; i++) {
        if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
            assert_int_equal(buf_appendc(out, '\r'), 0);
        assert_int_equal(buf_appendc(out, in[i]), 0);
    }
}

/* A part: the type, charset utf-8, quoted-printable, the two headers and
 * nothing else, and the decoded content equal to want[0..wn). */
static void
check_part(GMimeObject *o, const char *subtype, const char *want, size_t wn)
{
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    GMimeHeaderList *hl = g_mime_object_get_header_list(o);
    struct buf got;

    assert_true(g_mime_content_type_is_type(ct, "text", subtype));
    assert_string_equal(g_mime_content_type_get_parameter(ct, "charset"),
                        "utf-8");
    assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(o)),
                     GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    assert_int_equal(g_mime_header_list_get_count(hl), 2);
    assert_string_equal(
        g_mime_header_get_name(g_mime_header_list_get_header_at(hl, 0)),
        "Content-Type");
    assert_string_equal(
        g_mime_header_get_name(g_mime_header_list_get_header_at(hl, 1)),
        "Content-Transfer-Encoding");
    buf_init(&got, 1u << 24);
    decoded(o, &got);
    assert_int_equal(buf_len(&got), wn);
    assert_memory_equal(buf_str(&got), want, wn);
    buf_free(&got);
}

/* The two parts of the multipart/alternative body. */
static void
check_body(GMimeMessage *msg, const char *text, size_t tn, const char *html,
           size_t hn)
{
    GMimeObject *top = g_mime_message_get_mime_part(msg);
    struct buf want;

    assert_non_null(top);
    assert_true(GMIME_IS_MULTIPART(top));
    assert_true(g_mime_content_type_is_type(
        g_mime_object_get_content_type(top), "multipart", "alternative"));
    assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(top)), 2);
    buf_init(&want, 1u << 24);
    crlf_form(text, tn, &want);
    check_part(g_mime_multipart_get_part(GMIME_MULTIPART(top), 0), "plain",
               buf_str(&want), buf_len(&want));
    crlf_form(html, hn, &want);
    check_part(g_mime_multipart_get_part(GMIME_MULTIPART(top), 1), "html",
               buf_str(&want), buf_len(&want));
    buf_free(&want);
}

/* ---- raw checks ---- */

/* Decode the encoded-word payload p[0..n) (B or Q) into out. */
static void
decode_word(char enc, const char *p, size_t n, struct buf *out)
{
    size_t i;

    buf_reset(out);
    if (enc == 'B') {
        char *z = g_strndup(p, n);
        gsize len;
        guchar *d;

        assert_int_equal(n % 4, 0);
        d = g_base64_decode(z, &len);
        assert_int_equal(buf_append(out, d, len), 0);
        g_free(d);
        g_free(z);
        return;
    }
    for (i = 0; i < n; i++) {
        if (p[i] == '_') {
            assert_int_equal(buf_appendc(out, ' '), 0);
        } else if (p[i] == '=') {
            assert_true(i + 2 < n);
            assert_true(g_ascii_isxdigit(p[i + 1]) &&
                        g_ascii_isxdigit(p[i + 2]));
            assert_int_equal(
                buf_appendc(out, (char)(g_ascii_xdigit_value(p[i + 1]) * 16 +
                                        g_ascii_xdigit_value(p[i + 2]))),
                0);
            i += 2;
        } else {
            /* RFC 2047 5(3): the characters allowed in a phrase. */
            assert_true(g_ascii_isalnum(p[i]) || strchr("!*+-/", p[i]));
            assert_int_equal(buf_appendc(out, p[i]), 0);
        }
    }
}

/* Every encoded-word in the header s[0..n): at most 75 characters, upper
 * case UTF-8, and valid UTF-8 on its own (no character split). */
static void
check_words(const char *s, size_t n)
{
    const char *p = s, *e = s + n;
    struct buf d;

    buf_init(&d, 4096);
    while ((p = memmem(p, (size_t)(e - p), "=?", 2)) != NULL) {
        const char *q, *end;
        char enc;

        assert_true(e - p > 10);
        assert_memory_equal(p, "=?UTF-8?", 8);
        enc = p[8];
        assert_true(enc == 'B' || enc == 'Q');
        assert_int_equal(p[9], '?');
        q = p + 10;
        end = memmem(q, (size_t)(e - q), "?=", 2);
        assert_non_null(end);
        assert_true(end + 2 - p <= 75);
        decode_word(enc, q, (size_t)(end - q), &d);
        assert_true(buf_len(&d) > 0);
        assert_true(g_utf8_validate(buf_str(&d), (gssize)buf_len(&d), NULL));
        p = end + 2;
    }
    buf_free(&d);
}

/*
 * The raw message s[0..n): CRLF only; every line at most 998 octets;
 * header lines at most hdr_max (and encoded-words checked); the body:
 * boundary lines "--=_tocsin_" + 16 hex (+ "--" at the end), part header
 * lines, and quoted-printable lines of at most 76 octets that neither
 * start with '.' or "From " nor hold "=_" or an '=' that is not "=XX" or
 * a final soft break. Returns the number of boundary lines.
 */
static int
check_raw(const char *s, size_t n, size_t hdr_max)
{
    size_t i = 0, hend;
    const char *h;
    char boundary[32] = "";
    int in_part_hdr = 0, nb = 0;

    if (s == NULL)
        abort();
    for (i = 0; i < n; i++) {
        if (s[i] == '\r')
            assert_true(i + 1 < n && s[i + 1] == '\n');
        if (s[i] == '\n')
            assert_true(i > 0 && s[i - 1] == '\r');
        assert_true((unsigned char)s[i] < 0x80 && s[i] != 0);
    }
    assert_true(n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n');
    h = memmem(s, n, "\r\n\r\n", 4);
    assert_non_null(h);
    hend = (size_t)(h - s) + 2;
    check_words(s, hend);
    for (i = 0; i < n;) {
        const char *eol = memmem(s + i, n - i, "\r\n", 2);
        size_t len, k;
        const char *l = s + i;

        if (eol == NULL)
            abort(); /* the last line ends in CRLF (checked above) */
        len = (size_t)(eol - (s + i));

        assert_true(len <= 998);
        if (i < hend) {
            assert_true(len <= hdr_max);
            assert_true(len > 0);
            if (strncmp(l, " boundary=\"", 11) == 0 && i >= 38 &&
                memcmp(l - 38, "Content-Type: multipart/alternative;", 36) ==
                    0) {
                assert_int_equal(len, 11 + 25 + 1);
                memcpy(boundary, l + 11, 25);
                boundary[25] = '\0';
            }
        } else if ((len == 27 || len == 29) && l[0] == '-' && l[1] == '-' &&
                   memcmp(l + 2, boundary, 25) == 0) {
            assert_int_equal(strncmp(l + 2, "=_tocsin_", 9), 0);
            assert_true(len == 27 || (len == 29 && l[27] == '-' &&
                                      l[28] == '-' && eol + 2 == s + n));
            for (k = 11; k < 27; k++)
                assert_true(strchr("0123456789abcdef", l[k]) != NULL);
            in_part_hdr = len == 27;
            nb++;
        } else if (in_part_hdr) {
            if (len == 0)
                in_part_hdr = 0;
            else
                assert_true(strncmp(l, "Content-", 8) == 0);
        } else if (i > hend) {
            assert_true(nb > 0);
            assert_true(len <= 76);
            assert_true(len == 0 || l[0] != '.');
            assert_false(len >= 5 && memcmp(l, "From ", 5) == 0);
            assert_null(memmem(l, len, "=_", 2));
            for (k = 0; k < len; k++) {
                if (l[k] != '=')
                    continue;
                if (k + 1 == len)
                    break; /* soft break */
                assert_true(k + 2 < len);
                assert_true(strchr("0123456789ABCDEF", l[k + 1]) &&
                            strchr("0123456789ABCDEF", l[k + 2]));
            }
            if (len > 0) {
                /* No blank before the line end. */
                assert_true(l[len - 1] != ' ' && l[len - 1] != '\t');
            }
        }
        i += len + 2;
    }
    assert_int_equal(nb, 3);
    return nb;
}

/* The names of the message's header fields in order, from the raw text
 * (GMime files the Content-* fields under the body part), joined by
 * commas into out. */
static void
header_names(const char *s, struct buf *out)
{
    const char *end = strstr(s, "\r\n\r\n"), *p = s;

    assert_non_null(end);
    buf_reset(out);
    while (p < end + 2) {
        const char *eol = strstr(p, "\r\n");

        if (*p != ' ') {
            const char *colon = memchr(p, ':', (size_t)(eol - p));

            assert_non_null(colon);
            if (buf_len(out) > 0)
                assert_int_equal(buf_appendc(out, ','), 0);
            assert_int_equal(buf_append(out, p, (size_t)(colon - p)), 0);
        }
        p = eol + 2;
    }
}

/* ---- fixtures ---- */

static struct mime_message
sample(void)
{
    struct mime_message m;

    memset(&m, 0, sizeof(m));
    m.from.name = "Odido";
    m.from.addr = "noreply@odido.example";
    m.reply_to.name = "Odido Privacy";
    m.reply_to.addr = "privacy@odido.example";
    m.to.name = "Zo\xc3\xab de Vries";
    m.to.addr = "zoe.devries@example.nl";
    m.subject = dutch_subject;
    m.message_id_local = "t1.p42.odido";
    m.message_id_domain = "mail.odido.example";
    m.language = "nl";
    m.verification = "K7QM-2XRT-9FHD";
    m.date = T0;
    m.date_zone = 60;
    m.text = dutch_text;
    m.text_len = strlen(dutch_text);
    m.html = dutch_html;
    m.html_len = strlen(dutch_html);
    return m;
}

/* Write m; check the raw form and parse it. Caller unrefs; *out filled. */
static GMimeMessage *
write_parse(const struct mime_message *m, struct buf *out, size_t hdr_max)
{
    char *text = test_exact(m->text ? m->text : "", m->text_len);
    char *html = test_exact(m->html ? m->html : "", m->html_len);
    struct mime_message c = *m;
    GMimeMessage *msg;

    c.text = text;
    c.html = html;
    buf_reset(out);
    assert_int_equal(mime_write(&c, out), 0);
    free(text);
    free(html);
    check_raw(buf_str(out), buf_len(out), hdr_max);
    msg = parse(buf_str(out), buf_len(out));
    return msg;
}

/* ---- tests ---- */

static void
full_message(void **state)
{
    struct mime_message m = sample();
    GMimeMessage *msg;
    GMimeObject *top;
    GDateTime *dt;
    struct buf out, names;

    (void)state;
    buf_init(&out, 1u << 20);
    buf_init(&names, 4096);
    msg = write_parse(&m, &out, 78);

    /* Every header, in this order, once. */
    header_names(buf_str(&out), &names);
    assert_string_equal(buf_str(&names),
                        "Date,From,Reply-To,To,Subject,Message-ID,"
                        "MIME-Version,Content-Type,Content-Language,"
                        "Auto-Submitted,X-Auto-Response-Suppress,"
                        "X-Tocsin-Verification-Code");
    top = g_mime_message_get_mime_part(msg);
    assert_int_equal(
        g_mime_header_list_get_count(
            g_mime_object_get_header_list(GMIME_OBJECT(msg))) +
            g_mime_header_list_get_count(g_mime_object_get_header_list(top)),
        12);
    check_mailbox(g_mime_message_get_from(msg), "Odido",
                  "noreply@odido.example");
    check_mailbox(g_mime_message_get_reply_to(msg), "Odido Privacy",
                  "privacy@odido.example");
    check_mailbox(g_mime_message_get_to(msg), "Zo\xc3\xab de Vries",
                  "zoe.devries@example.nl");
    assert_string_equal(g_mime_message_get_subject(msg), dutch_subject);
    dt = g_mime_message_get_date(msg);
    assert_non_null(dt);
    assert_int_equal(g_date_time_to_unix(dt), T0);
    assert_int_equal(g_date_time_get_utc_offset(dt),
                     3600 * G_TIME_SPAN_SECOND);
    assert_string_equal(g_mime_message_get_message_id(msg),
                        "t1.p42.odido@mail.odido.example");
    assert_string_equal(
        g_mime_object_get_header(GMIME_OBJECT(msg), "MIME-Version"), "1.0");
    assert_string_equal(g_mime_object_get_header(top, "Content-Language"),
                        "nl");
    assert_string_equal(g_mime_multipart_get_boundary(GMIME_MULTIPART(top)),
                        "=_tocsin_37e69fd43aef0397");
    assert_string_equal(
        g_mime_object_get_header(GMIME_OBJECT(msg), "Auto-Submitted"),
        "auto-generated");
    assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg),
                                                 "X-Auto-Response-Suppress"),
                        "All");
    assert_string_equal(
        g_mime_object_get_header(GMIME_OBJECT(msg), MIME_VERIFICATION_HEADER),
        "K7QM-2XRT-9FHD");
    assert_null(
        g_mime_object_get_header(GMIME_OBJECT(msg), "List-Unsubscribe"));
    check_body(msg, m.text, m.text_len, m.html, m.html_len);

    /* The first lines, exactly. */
    {
        static const char start[] =
            "Date: Tue, 10 Feb 2026 14:03:00 +0100\r\n"
            "From: Odido <noreply@odido.example>\r\n"
            "Reply-To: Odido Privacy <privacy@odido.example>\r\n"
            "To: =?UTF-8?Q?Zo=C3=AB_de_Vries?= <zoe.devries@example.nl>\r\n"
            "Subject: =?UTF-8?Q?";

        assert_memory_equal(buf_str(&out), start, sizeof(start) - 1);
    }
    g_object_unref(msg);
    buf_free(&out);
    buf_free(&names);
}

static void
optional_headers_left_out(void **state)
{
    struct mime_message m = sample();
    GMimeMessage *msg;
    struct buf out, names;

    (void)state;
    m.reply_to.addr = NULL;
    m.language = NULL;
    m.verification = NULL;
    m.from.name = NULL;
    m.to.name = "";
    buf_init(&out, 1u << 20);
    buf_init(&names, 4096);
    msg = write_parse(&m, &out, 78);
    header_names(buf_str(&out), &names);
    assert_string_equal(buf_str(&names),
                        "Date,From,To,Subject,Message-ID,MIME-Version,"
                        "Content-Type,Auto-Submitted,"
                        "X-Auto-Response-Suppress");
    assert_null(g_mime_object_get_header(GMIME_OBJECT(msg), "Reply-To"));
    assert_null(g_mime_object_get_header(g_mime_message_get_mime_part(msg),
                                         "Content-Language"));
    assert_null(
        g_mime_object_get_header(GMIME_OBJECT(msg), MIME_VERIFICATION_HEADER));
    check_mailbox(g_mime_message_get_from(msg), NULL, "noreply@odido.example");
    check_mailbox(g_mime_message_get_to(msg), NULL, "zoe.devries@example.nl");
    assert_non_null(strstr(buf_str(&out), "\r\nFrom: noreply@odido.example\r\n"
                                          "To: zoe.devries@example.nl\r\n"));
    g_object_unref(msg);
    buf_free(&out);
    buf_free(&names);
}

static void
subjects(void **state)
{
    static char long_ascii[201], long_dutch[1024], long_word[201],
        at_limit[LIMIT_MIME_SUBJECT + 1];
    const char *cases[] = {
        "Uw gegevens zijn gelekt",
        "Belangrijk: \xc3\xab, \xc3\xa9 en \xc3\xaf in \xc3\xa9\xc3\xa9n "
        "bericht",
        "\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
        "\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
        "\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
        "\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
        "\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92",
        long_ascii,
        long_dutch,
        long_word,
        at_limit,
        "=?UTF-8?Q?not_an_encoded_word?=",
        " leading and trailing blanks ",
        "two  blanks",
        "under_score, question? equals= \"quotes\" (parens) <angle>",
        "x",
        "caf\xc3\xa9",
    };
    struct mime_message m = sample();
    struct buf out;
    size_t i, k;

    (void)state;
    for (i = 0; i < 200; i++)
        long_ascii[i] = i % 9 == 8 ? ' ' : (char)('a' + i % 26);
    long_ascii[200] = '\0';
    /* 200 characters of Dutch with diaereses and euro signs. */
    for (i = 0, k = 0; i < 40; i++) {
        const char *w = i % 3 ? "Zo\xc3\xab " : "\xe2\x82\xac\xc3\xa9 ";

        memcpy(long_dutch + k, w, strlen(w));
        k += strlen(w);
    }
    long_dutch[k - 1] = '\0';
    for (i = 0; i < 200; i++)
        long_word[i] = (char)('A' + i % 26);
    long_word[200] = '\0';
    /* LIMIT_MIME_SUBJECT bytes: "\xc3\xa9\xc3\xa9 " repeated, an 'x' last. */
    for (i = 0; i + 5 <= LIMIT_MIME_SUBJECT; i += 5)
        memcpy(at_limit + i, "\xc3\xa9\xc3\xa9 ", 5);
    for (; i < LIMIT_MIME_SUBJECT; i++)
        at_limit[i] = 'x';
    at_limit[LIMIT_MIME_SUBJECT] = '\0';

    buf_init(&out, 1u << 20);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        GMimeMessage *msg;

        m.subject = cases[i];
        msg = write_parse(&m, &out, 78);
        assert_string_equal(g_mime_message_get_subject(msg), cases[i]);
        g_object_unref(msg);
    }
    /* A plain ASCII subject is written as it is. */
    m.subject = "Uw gegevens zijn gelekt";
    assert_int_equal(mime_write(&m, &out), 0);
    assert_non_null(strstr(buf_str(&out), "\r\nSubject: Uw gegevens zijn "
                                          "gelekt\r\nMessage-ID: "));
    buf_free(&out);
}

static void
display_names(void **state)
{
    static char long_name[LIMIT_MIME_NAME + 1];
    const char *cases[] = {
        "Jan de Vries",
        "Vries, Jan de",
        "Jan \"JJ\" de Vries",
        "back\\slash",
        "J. O'Brien-Smith",
        "Zo\xc3\xab \xc3\x8blberg",
        "\xf0\x9f\x94\x92 Odido",
        "=?UTF-8?B?SmFu?=",
        " blank ",
        "double  blank",
        long_name,
    };
    struct mime_message m = sample();
    struct buf out;
    size_t i;

    (void)state;
    for (i = 0; i < LIMIT_MIME_NAME; i++)
        long_name[i] = i % 11 == 10 ? ' ' : (char)('a' + i % 26);
    long_name[LIMIT_MIME_NAME] = '\0';
    buf_init(&out, 1u << 20);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        GMimeMessage *msg;
        const char *want;

        m.to.name = cases[i];
        m.from.name = cases[i];
        m.reply_to.name = cases[i];
        /* Blanks at the ends are dropped. */
        want = strcmp(cases[i], " blank ") == 0 ? "blank" : cases[i];
        msg = write_parse(&m, &out, 78);
        check_mailbox(g_mime_message_get_to(msg), want,
                      "zoe.devries@example.nl");
        check_mailbox(g_mime_message_get_from(msg), want,
                      "noreply@odido.example");
        check_mailbox(g_mime_message_get_reply_to(msg), want,
                      "privacy@odido.example");
        g_object_unref(msg);
    }
    /* Quoted when it has specials; atoms as they are. */
    m.to.name = "Vries, Jan \"JJ\"";
    assert_int_equal(mime_write(&m, &out), 0);
    assert_non_null(strstr(buf_str(&out), "\r\nTo: \"Vries, Jan \\\"JJ\\\"\" "
                                          "<zoe.devries@example.nl>\r\n"));
    /* A quoted local part and a long address on a line of its own. */
    m.to.name = "Jan de Vries";
    m.to.addr = "\"jan de vries\"@example.nl";
    {
        GMimeMessage *msg = write_parse(&m, &out, 78);

        check_mailbox(g_mime_message_get_to(msg), "Jan de Vries",
                      "\"jan de vries\"@example.nl");
        g_object_unref(msg);
    }
    m.to.addr =
        "a.very.long.local.part.of.exactly.sixty.four.characters.xxxxxxx@"
        "example.nl";
    {
        GMimeMessage *msg = write_parse(&m, &out, 79);

        check_mailbox(g_mime_message_get_to(msg), "Jan de Vries", m.to.addr);
        g_object_unref(msg);
    }
    buf_free(&out);
}

/* Body texts and how they must decode. */
static void
bodies(void **state)
{
    static char long_line[3000], long_utf8[4001], every[256], ws_soft[200];
    const char *cases[] = {
        "",
        "no line break at the end",
        "ends in a blank ",
        "ends in a tab\t",
        "trailing blanks   \nand tabs\t\t\nand CRLF  \r\nend\n",
        ".\n",
        "a line with only a dot:\n.\nand two:\n..\n",
        "From the start\nFrom here\n>From quoted\nFrom",
        "CRLF line\r\nanother\r\n",
        "mixed LF\nand CRLF\r\nlines\n",
        "bare CR\rinside\r",
        "\r\r\n\n\r",
        "equals = sign ==3D and =?UTF-8?Q?x?= and --=_tocsin_0123456789abcdef",
        "--=_tocsin_e7f4c2a1b0d9e8f7--\n",
        "tab\tinside and \t mixed \t\n",
        long_line,
        long_utf8,
        every,
        ws_soft,
        "\xf0\x9f\x94\x92\xf0\x9f\x94\x92 emoji and caf\xc3\xa9\n",
    };
    struct mime_message m = sample();
    struct buf out;
    size_t i, k = 0;

    (void)state;
    for (i = 0; i < sizeof(long_line); i++)
        long_line[i] = (char)('a' + i % 26);
    long_line[sizeof(long_line) - 1] = '\0';
    for (i = 0; i + 2 < sizeof(long_utf8); i += 2)
        memcpy(long_utf8 + i, "\xc3\xa9", 2);
    long_utf8[i] = '\0';
    /* Every byte value that is text: printable ASCII, TAB, LF, and the
     * UTF-8 for U+0080..U+00BF. */
    for (i = 1; i < 128; i++)
        if (i != '\r')
            every[k++] = (char)i;
    for (i = 0x80; i < 0xc0 && k + 2 < sizeof(every); i++) {
        every[k++] = (char)0xc2;
        every[k++] = (char)i;
    }
    every[k] = '\0';
    /* A blank at every column near the soft break. */
    memset(ws_soft, 'x', sizeof(ws_soft) - 1);
    for (i = 70; i < 80; i += 2)
        ws_soft[i] = ' ';
    ws_soft[74] = '.';
    ws_soft[150] = 'F';
    ws_soft[sizeof(ws_soft) - 1] = '\0';

    buf_init(&out, 1u << 20);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        GMimeMessage *msg;
        size_t j;

        m.text = cases[i];
        m.text_len = strlen(cases[i]);
        /* The HTML gets the same text, shifted by one column. */
        m.html = cases[(i + 1) % (sizeof(cases) / sizeof(cases[0]))];
        m.html_len = strlen(m.html);
        msg = write_parse(&m, &out, 78);
        check_body(msg, m.text, m.text_len, m.html, m.html_len);
        g_object_unref(msg);
        /* At every offset, so that soft breaks fall everywhere. */
        for (j = 1; j < 80 && j < m.text_len; j += 7) {
            struct mime_message c = m;

            c.text = cases[i] + j;
            c.text_len = m.text_len - j;
            if ((unsigned char)c.text[0] >= 0x80 &&
                (unsigned char)c.text[0] < 0xc0)
                continue; /* inside a UTF-8 sequence */
            msg = write_parse(&c, &out, 78);
            check_body(msg, c.text, c.text_len, c.html, c.html_len);
            g_object_unref(msg);
        }
    }
    buf_free(&out);
}

/* Random texts (a fixed seed): printable, blanks, line breaks of both
 * kinds, bare CR, '=', '.', "From ", UTF-8 of 2, 3 and 4 bytes. */
static void
random_bodies(void **state)
{
    static const char *const pieces[] = {
        "a",
        "Z",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "=",
        ".",
        "From ",
        "\xc3\xab",
        "\xe2\x82\xac",
        "-",
        "=_",
        "--",
        "?=",
        "\xf0\x9f\x94\x92",
    };
    struct mime_message m = sample();
    struct buf out, text;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int round;

    (void)state;
    buf_init(&out, 1u << 20);
    buf_init(&text, 1u << 20);
    for (round = 0; round < 300; round++) {
        GMimeMessage *msg;
        size_t n, j;

        buf_reset(&text);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        n = (size_t)(x % 400);
        for (j = 0; j < n; j++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* runs of plain letters make long lines */
            if (x % 5 != 0)
                assert_int_equal(buf_appendc(&text, (char)('a' + x % 26)), 0);
            else
                assert_int_equal(
                    buf_appends(&text, pieces[(x >> 8) % (sizeof(pieces) /
                                                          sizeof(pieces[0]))]),
                    0);
        }
        m.text = buf_str(&text);
        m.text_len = buf_len(&text);
        m.html = m.text;
        m.html_len = m.text_len;
        msg = write_parse(&m, &out, 78);
        check_body(msg, m.text, m.text_len, m.html, m.html_len);
        g_object_unref(msg);
    }
    buf_free(&text);
    buf_free(&out);
}

static void
qp_exact(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"abc", "abc"},
        {"a=b", "a=3Db"},
        {"x \n", "x=20\r\n"},
        {"x\t\r\ny", "x=09\r\ny"},
        {"x ", "x=20"},
        {"a b", "a b"},
        {"caf\xc3\xa9", "caf=C3=A9"},
        {".\n.x\n", "=2E\r\n=2Ex\r\n"},
        {"From me\nFrom\nFromage", "=46rom me\r\nFrom\r\nFromage"},
        {"a\rb", "a=0Db"},
        {"\x01\x7f", "=01=7F"},
        /* 75 characters fit; the 76th goes after a soft break. */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaab",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa=\r\nb"},
        /* An escape is never split: 24 x "=C3=A9" is 72, the 25th pair
         * would pass 75. */
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
         "=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9=C3=A9"
         "=C3=A9=C3=\r\n=A9"},
        /* A '.' after a soft break is escaped too. */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa.",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa=\r\n=2E"},
    };
    struct buf out;
    size_t i;

    (void)state;
    buf_init(&out, 4096);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].in);
        char *in = test_exact(cases[i].in, n);

        buf_reset(&out);
        assert_int_equal(mime_qp_encode(in, n, &out), 0);
        assert_string_equal(buf_str(&out), cases[i].out);
        free(in);
    }
    /* Appends; errors leave out as it was. */
    assert_int_equal(mime_qp_encode("\xc3", 1, &out), TOCSIN_EFORMAT);
    assert_string_equal(buf_str(&out), cases[i - 1].out);
    buf_free(&out);
}

static void
header_injection(void **state)
{
    static const char *const bad_text[] = {
        "Subject\r\nBcc: victim@example.org",
        "Subject\nBcc: victim@example.org",
        "Subject\rX",
        "tab\there",
        "del\x7f",
        "esc\x1b[31m",
    };
    static const char *const bad_addr[] = {
        "a@example.nl\r\nBcc: victim@example.org",
        "a@example.nl\n",
        "a@example.nl>, <victim@example.org",
        "a@example.nl, victim@example.org",
        "<a@example.nl>",
        "a b@example.nl",
        "a@exa mple.nl",
        "a@@example.nl",
        "a@",
        "@example.nl",
        "a",
        "",
        ".a@example.nl",
        "a..b@example.nl",
        "a@-example.nl",
        "a@example..nl",
        "a@example.nl.",
        "\"a\"b\"@example.nl",
        "\"a\r\n\"@example.nl",
        "zo\xc3\xab@example.nl",
        "a@b\xc3\xbcro.example",
        "(comment)a@example.nl",
    };
    static const char *const bad_id[] = {
        "a\r\nBcc: x", "a b", "a>", ".a", "a..b", "a@b", "", "a<",
    };
    struct mime_message m = sample(), c;
    struct buf out;
    size_t i;

    (void)state;
    buf_init(&out, 1u << 20);
    assert_int_equal(buf_appends(&out, "kept"), 0);
    for (i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
        c = m;
        c.subject = bad_text[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
        c = m;
        c.to.name = bad_text[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
        c = m;
        c.from.name = bad_text[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
        c = m;
        c.reply_to.name = bad_text[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    }
    for (i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
        c = m;
        c.to.addr = bad_addr[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
        c = m;
        c.from.addr = bad_addr[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
        c = m;
        c.reply_to.addr = bad_addr[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    }
    for (i = 0; i < sizeof(bad_id) / sizeof(bad_id[0]); i++) {
        c = m;
        c.message_id_local = bad_id[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
        c = m;
        c.message_id_domain = bad_id[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
        c = m;
        c.language = bad_id[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    }
    c = m;
    c.verification = "ABCD\r\nBcc: x";
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.verification = "ABCD EFGH";
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.verification = "";
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    /* Nothing was written by any of them. */
    assert_string_equal(buf_str(&out), "kept");

    /* Texts that look like headers stay in the subject and the body. */
    c = m;
    c.subject = "x Bcc: victim@example.org";
    c.text = "\r\n\r\nBcc: victim@example.org\r\n\r\n--";
    c.text_len = strlen(c.text);
    buf_reset(&out);
    {
        GMimeMessage *msg = write_parse(&c, &out, 78);

        assert_null(g_mime_object_get_header(GMIME_OBJECT(msg), "Bcc"));
        assert_string_equal(g_mime_message_get_subject(msg), c.subject);
        check_body(msg, c.text, c.text_len, c.html, c.html_len);
        g_object_unref(msg);
    }
    buf_free(&out);
}

static void
malformed_utf8(void **state)
{
    static const char *const bad[] = {
        "\xc3",             /* truncated */
        "a\xc3(",           /* bad continuation */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong */
        "\xed\xa0\x80",     /* surrogate U+D800 */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf5\x80\x80\x80", /* no such lead byte */
        "\x80",             /* stray continuation */
        "\xff",
        "ok \xe2\x82", /* truncated at the end */
    };
    struct mime_message m = sample(), c;
    struct buf out;
    size_t i;

    (void)state;
    buf_init(&out, 1u << 20);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = m;
        c.text = bad[i];
        c.text_len = strlen(bad[i]);
        assert_int_equal(mime_write(&c, &out), TOCSIN_EFORMAT);
        c = m;
        c.html = bad[i];
        c.html_len = strlen(bad[i]);
        assert_int_equal(mime_write(&c, &out), TOCSIN_EFORMAT);
        c = m;
        c.subject = bad[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EFORMAT);
        c = m;
        c.to.name = bad[i];
        assert_int_equal(mime_write(&c, &out), TOCSIN_EFORMAT);
    }
    /* A NUL byte is not text. */
    c = m;
    c.text = "a\0b";
    c.text_len = 3;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EFORMAT);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
}

static void
fields_checked(void **state)
{
    static char big[LIMIT_MIME_TEXT + 1], subject[LIMIT_MIME_SUBJECT + 2],
        name[LIMIT_MIME_NAME + 2], addr[LIMIT_EMAIL_ADDRESS + 2];
    struct mime_message m = sample(), c;
    struct buf out;

    (void)state;
    buf_init(&out, 16u << 20);
    c = m;
    c.from.addr = NULL;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.to.addr = NULL;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.subject = NULL;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.subject = "";
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.message_id_local = NULL;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.message_id_domain = NULL;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.text = NULL;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.date_zone = 1440;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.date_zone = -1440;
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.date = (time_t)-2208988800ll; /* 1900-01-01 00:00 UTC */
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.date = (time_t)253402300800ll; /* 10000-01-01 */
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c = m;
    c.language = "nl--NL";
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.language = "-nl";
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.language = "1nl";
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    c.language = "nl-NL";
    assert_int_equal(mime_write(&c, &out), 0);
    buf_reset(&out);

    /* Limits: at the limit fine, one more TOCSIN_ELIMIT. */
    memset(big, 'a', sizeof(big));
    c = m;
    c.text = big;
    c.text_len = LIMIT_MIME_TEXT;
    assert_int_equal(mime_write(&c, &out), 0);
    buf_reset(&out);
    c.text_len = LIMIT_MIME_TEXT + 1;
    assert_int_equal(mime_write(&c, &out), TOCSIN_ELIMIT);
    c = m;
    c.html = big;
    c.html_len = LIMIT_MIME_TEXT + 1;
    assert_int_equal(mime_write(&c, &out), TOCSIN_ELIMIT);
    memset(subject, 'a', sizeof(subject) - 1);
    c = m;
    c.subject = subject;
    assert_int_equal(mime_write(&c, &out), TOCSIN_ELIMIT);
    memset(name, 'a', sizeof(name) - 1);
    c = m;
    c.to.name = name;
    assert_int_equal(mime_write(&c, &out), TOCSIN_ELIMIT);
    name[LIMIT_MIME_NAME] = '\0';
    assert_int_equal(mime_write(&c, &out), 0);
    buf_reset(&out);
    memset(addr, 'a', sizeof(addr) - 1);
    memcpy(addr + 10, "@example.", 9);
    c = m;
    c.to.addr = addr;
    assert_int_equal(mime_write(&c, &out), TOCSIN_ELIMIT);
    c.to.addr =
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "@example.nl"; /* local part of 65 */
    assert_int_equal(mime_write(&c, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
}

static void
dates(void **state)
{
    static const struct {
        long long t;
        int zone;
        const char *want;
    } cases[] = {
        {0, 0, "Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n"},
        {T0, 60, "Date: Tue, 10 Feb 2026 14:03:00 +0100\r\n"},
        {T0, -210, "Date: Tue, 10 Feb 2026 09:33:00 -0330\r\n"},
        {1709251199, 0, "Date: Thu, 29 Feb 2024 23:59:59 +0000\r\n"},
        {1709251199, 1, "Date: Fri, 1 Mar 2024 00:00:59 +0001\r\n"},
        {-1, 0, "Date: Wed, 31 Dec 1969 23:59:59 +0000\r\n"},
        {951782400, 120, "Date: Tue, 29 Feb 2000 02:00:00 +0200\r\n"},
        {4102444800ll, -1439, "Date: Thu, 31 Dec 2099 00:01:00 -2359\r\n"},
        {-2208902400ll, 0, "Date: Tue, 2 Jan 1900 00:00:00 +0000\r\n"},
        {253402128000ll, 0, "Date: Thu, 30 Dec 9999 00:00:00 +0000\r\n"},
    };
    struct mime_message m = sample();
    struct buf out;
    size_t i;

    (void)state;
    buf_init(&out, 1u << 20);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        GMimeMessage *msg;
        GDateTime *dt;

        m.date = (time_t)cases[i].t;
        m.date_zone = cases[i].zone;
        msg = write_parse(&m, &out, 78);
        assert_memory_equal(buf_str(&out), cases[i].want,
                            strlen(cases[i].want));
        g_object_unref(msg);
        if (cases[i].t < 0)
            continue; /* GMime reads no date before 1970 */
        msg = parse(buf_str(&out), buf_len(&out));
        dt = g_mime_message_get_date(msg);
        assert_non_null(dt);
        assert_int_equal(g_date_time_to_unix(dt), cases[i].t);
        assert_int_equal(g_date_time_get_utc_offset(dt),
                         (GTimeSpan)cases[i].zone * 60 * G_TIME_SPAN_SECOND);
        g_object_unref(msg);
    }
    buf_free(&out);
}

static void
boundary_deterministic(void **state)
{
    struct mime_message m = sample();
    struct buf a, b;
    const char *p;
    char text[64];

    (void)state;
    buf_init(&a, 1u << 20);
    buf_init(&b, 1u << 20);
    assert_int_equal(mime_write(&m, &a), 0);
    assert_int_equal(mime_write(&m, &b), 0);
    assert_int_equal(buf_len(&a), buf_len(&b));
    assert_memory_equal(buf_str(&a), buf_str(&b), buf_len(&a));
    p = strstr(buf_str(&a), "boundary=\"=_tocsin_");
    assert_non_null(p);
    /* The body quoting the boundary itself still has two parts. */
    snprintf(text, sizeof(text), "\r\n--%.25s\r\n--%.25s--\r\n", p + 10,
             p + 10);
    m.text = text;
    m.text_len = strlen(text);
    {
        GMimeMessage *msg = write_parse(&m, &b, 78);

        check_body(msg, m.text, m.text_len, m.html, m.html_len);
        g_object_unref(msg);
    }
    assert_int_equal(memcmp(strstr(buf_str(&b), "boundary="), p, 35), 0);
    /* Another Message-ID, another boundary. */
    m.message_id_local = "t1.p43.odido";
    buf_reset(&b);
    assert_int_equal(mime_write(&m, &b), 0);
    assert_int_not_equal(memcmp(strstr(buf_str(&b), "boundary="), p, 35), 0);
    buf_free(&a);
    buf_free(&b);
}

/* Undo mime_dot_stuff(): drop the final ".\r\n" and one '.' at the start
 * of each line. */
static void
unstuff(const char *s, size_t n, struct buf *out)
{
    size_t i = 0;

    buf_reset(out);
    assert_true(n >= 3 && memcmp(s + n - 3, ".\r\n", 3) == 0);
    assert_true(n == 3 || s[n - 4] == '\n');
    n -= 3;
    while (i < n) {
        const char *eol = memmem(s + i, n - i, "\r\n", 2);
        size_t len = (size_t)(eol - (s + i)) + 2;

        assert_non_null(eol);
        if (s[i] == '.') {
            assert_true(len > 2 && s[i + 1] == '.');
            i++;
            len--;
        }
        assert_int_equal(buf_append(out, s + i, len), 0);
        i += len;
    }
}

static void
dot_stuffing(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ".\r\n"},
        {"a", "a\r\n.\r\n"},
        {"a\r\n", "a\r\n.\r\n"},
        {".", "..\r\n.\r\n"},
        {".\r\n", "..\r\n.\r\n"},
        {"a\r\n.\r\n..\r\n.b\r\nc.\r\n",
         "a\r\n..\r\n...\r\n..b\r\nc.\r\n.\r\n"},
        {"\r\n.", "\r\n..\r\n.\r\n"},
    };
    static const char *const bad[] = {"a\n", "a\rb",    "\r",
                                      "\n",  "a\r\r\n", "a\r\n\n"};
    struct mime_message m = sample();
    struct buf msg, st, back;
    size_t i;

    (void)state;
    buf_init(&msg, 1u << 20);
    buf_init(&st, 1u << 20);
    buf_init(&back, 1u << 20);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].in);
        char *in = test_exact(cases[i].in, n);

        buf_reset(&st);
        assert_int_equal(mime_dot_stuff(in, n, &st), 0);
        assert_string_equal(buf_str(&st), cases[i].out);
        free(in);
    }
    buf_reset(&st);
    assert_int_equal(mime_dot_stuff(NULL, 0, &st), 0);
    assert_string_equal(buf_str(&st), ".\r\n");
    buf_reset(&st);
    assert_int_equal(buf_appends(&st, "kept"), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(mime_dot_stuff(bad[i], strlen(bad[i]), &st),
                         TOCSIN_EINVAL);
    assert_string_equal(buf_str(&st), "kept");

    /* A whole message, with dots at line starts in the texts. */
    m.text = ".\n..\n.x\nFrom .\n";
    m.text_len = strlen(m.text);
    assert_int_equal(mime_write(&m, &msg), 0);
    buf_reset(&st);
    assert_int_equal(mime_dot_stuff(buf_str(&msg), buf_len(&msg), &st), 0);
    unstuff(buf_str(&st), buf_len(&st), &back);
    assert_int_equal(buf_len(&back), buf_len(&msg));
    assert_memory_equal(buf_str(&back), buf_str(&msg), buf_len(&msg));
    /* And a text made of dot lines, CRLF already. */
    buf_reset(&msg);
    assert_int_equal(buf_appends(&msg, ".\r\n..\r\nx\r\n.\r\n\r\n.y\r\n"), 0);
    buf_reset(&st);
    assert_int_equal(mime_dot_stuff(buf_str(&msg), buf_len(&msg), &st), 0);
    unstuff(buf_str(&st), buf_len(&st), &back);
    assert_string_equal(buf_str(&back), buf_str(&msg));
    buf_free(&msg);
    buf_free(&st);
    buf_free(&back);
}

static void
mailbox_parse(void **state)
{
    static const struct {
        const char *in, *name, *addr;
    } good[] = {
        {"Odido <noreply@odido.example>", "Odido", "noreply@odido.example"},
        {"privacy@odido.example", "", "privacy@odido.example"},
        {"  Ben \t <noreply@ben.example>  ", "Ben", "noreply@ben.example"},
        {"\"Odido, B.V.\" <a@odido.example>", "Odido, B.V.",
         "a@odido.example"},
        {"\"say \\\"hi\\\"\" <a@b.example>", "say \"hi\"", "a@b.example"},
        {"<a@b.example>", "", "a@b.example"},
        {"Zo\xc3\xab Odido <z@odido.example>", "Zo\xc3\xab Odido",
         "z@odido.example"},
    };
    static const struct {
        const char *in;
        int rc;
    } bad[] = {
        {"", TOCSIN_EINVAL},
        {"   ", TOCSIN_EINVAL},
        {"Odido noreply@odido.example", TOCSIN_EINVAL},
        {"Odido <noreply@odido.example", TOCSIN_EINVAL},
        {"Odido noreply@odido.example>", TOCSIN_EINVAL},
        {"Odido <>", TOCSIN_EINVAL},
        {"Odido <a@b.example\r\nBcc: x@y.example>", TOCSIN_EINVAL},
        {"Od\r\nido <a@b.example>", TOCSIN_EINVAL},
        {"\"Odido <a@b.example>", TOCSIN_EINVAL},
        {"\"a\"b\" <a@b.example>", TOCSIN_EINVAL},
        {"\"a\\\" <a@b.example>", TOCSIN_EINVAL},
        {"a<b <c@d.example>", TOCSIN_EINVAL},
        {"Zo\xc3 <z@odido.example>", TOCSIN_EFORMAT},
    };
    struct buf name, addr;
    char big[LIMIT_MIME_MAILBOX + 2];
    size_t i;

    (void)state;
    buf_init(&name, 4096);
    buf_init(&addr, 4096);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        size_t n = strlen(good[i].in);
        char *in = test_exact(good[i].in, n);

        assert_int_equal(mime_mailbox_parse(in, n, &name, &addr), 0);
        assert_string_equal(buf_str(&name), good[i].name);
        assert_string_equal(buf_str(&addr), good[i].addr);
        free(in);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = strlen(bad[i].in);
        char *in = test_exact(bad[i].in, n);

        assert_int_equal(mime_mailbox_parse(in, n, &name, &addr), bad[i].rc);
        assert_int_equal(buf_len(&name), 0);
        assert_int_equal(buf_len(&addr), 0);
        free(in);
    }
    memset(big, 'a', sizeof(big));
    memcpy(big + sizeof(big) - 15, " <a@b.example>", 14);
    assert_int_equal(mime_mailbox_parse(big, sizeof(big) - 1, &name, &addr),
                     TOCSIN_ELIMIT);
    assert_int_equal(
        mime_mailbox_parse(big + 1, sizeof(big) - 2, &name, &addr),
        TOCSIN_ELIMIT); /* a name over LIMIT_MIME_NAME */
    buf_free(&name);
    buf_free(&addr);
}

/* A buffer whose maximum is the exact size works (the slow path of the
 * encoder); one octet less is TOCSIN_ELIMIT with the buffer as it was. */
static void
buffer_limit(void **state)
{
    struct mime_message m = sample();
    struct buf full, out;
    static char text[20000];
    size_t i, n;

    (void)state;
    for (i = 0; i + 1 < sizeof(text); i++)
        text[i] = i % 50 == 49 ? '\n' : "ab=\xc3\xa9 "[i % 6];
    text[sizeof(text) - 1] = '\0';
    /* Keep the UTF-8 whole: the pattern puts C3 A9 together except where
     * the newline cuts it. */
    for (i = 0; i + 1 < sizeof(text); i++)
        if ((unsigned char)text[i] == 0xc3 &&
            (unsigned char)text[i + 1] != 0xa9)
            text[i] = 'c';
        else if ((unsigned char)text[i] == 0xa9 &&
                 (i == 0 || (unsigned char)text[i - 1] != 0xc3))
            text[i] = 'c';
    m.text = text;
    m.text_len = strlen(text);
    buf_init(&full, 1u << 20);
    assert_int_equal(mime_write(&m, &full), 0);
    n = buf_len(&full);

    buf_init(&out, n);
    assert_int_equal(mime_write(&m, &out), 0);
    assert_int_equal(buf_len(&out), n);
    assert_memory_equal(buf_str(&out), buf_str(&full), n);
    buf_free(&out);

    buf_init(&out, n - 1);
    assert_int_equal(mime_write(&m, &out), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);

    /* With something in the buffer already. */
    buf_init(&out, n + 4);
    assert_int_equal(buf_appends(&out, "pre:"), 0);
    assert_int_equal(mime_write(&m, &out), 0);
    assert_memory_equal(buf_str(&out) + 4, buf_str(&full), n);
    assert_int_equal(mime_write(&m, &out), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&out), n + 4);
    buf_free(&out);
    for (i = 1; i < n; i += n / 37 + 1) {
        buf_init(&out, i);
        assert_int_equal(mime_write(&m, &out), TOCSIN_ELIMIT);
        assert_int_equal(buf_len(&out), 0);
        buf_free(&out);
    }
    buf_free(&full);
}

static int fail_after;

static void *
failing_realloc(void *p, size_t n)
{
    if (fail_after-- <= 0)
        return NULL;
    return realloc(p, n);
}

/* Every header field at its limit at once, the worst case for the
 * header block (4-byte characters take the most room encoded). */
static void
worst_case_header(void **state)
{
    static char name[LIMIT_MIME_NAME + 1], subject[LIMIT_MIME_SUBJECT + 1],
        addr[3][LIMIT_EMAIL_ADDRESS + 1], local[LIMIT_MIME_ID_LOCAL + 1],
        domain[LIMIT_EMAIL_DOMAIN + 1], lang[LIMIT_MIME_LANGUAGE + 1],
        vcode[LIMIT_MIME_VCODE + 1];
    struct mime_message m = sample();
    GMimeMessage *msg;
    struct buf out;
    size_t i, k;

    (void)state;
    for (i = 0; i + 4 <= LIMIT_MIME_NAME; i += 4)
        memcpy(name + i, "\xf0\x9f\x94\x92", 4);
    for (i = 0; i + 4 <= LIMIT_MIME_SUBJECT; i += 4)
        memcpy(subject + i, "\xf0\x9f\x94\x92", 4);
    /* 64 + '@' + 63.63.63.61 = 254 */
    for (k = 0; k < 3; k++) {
        memset(addr[k], 'a' + (int)k, LIMIT_EMAIL_ADDRESS);
        addr[k][64] = '@';
        addr[k][128] = addr[k][192] = addr[k][256 - 1 - 3] = '.';
    }
    memset(local, 'x', LIMIT_MIME_ID_LOCAL);
    memset(domain, 'd', LIMIT_EMAIL_DOMAIN);
    domain[63] = domain[127] = domain[191] = '.';
    memset(lang, 'a', LIMIT_MIME_LANGUAGE);
    for (i = 1; i < LIMIT_MIME_LANGUAGE; i += 2)
        lang[i] = '-';
    memset(vcode, 'Z', LIMIT_MIME_VCODE);
    m.from.name = m.reply_to.name = m.to.name = name;
    m.from.addr = addr[0];
    m.reply_to.addr = addr[1];
    m.to.addr = addr[2];
    m.subject = subject;
    m.message_id_local = local;
    m.message_id_domain = domain;
    m.language = lang;
    m.verification = vcode;
    buf_init(&out, 1u << 20);
    msg = write_parse(&m, &out, 998); /* the Message-ID line: 332 */
    check_mailbox(g_mime_message_get_from(msg), name, addr[0]);
    check_mailbox(g_mime_message_get_reply_to(msg), name, addr[1]);
    check_mailbox(g_mime_message_get_to(msg), name, addr[2]);
    assert_string_equal(g_mime_message_get_subject(msg), subject);
    assert_string_equal(
        g_mime_object_get_header(GMIME_OBJECT(msg), MIME_VERIFICATION_HEADER),
        vcode);
    g_object_unref(msg);
    buf_free(&out);
}

static void
allocation_failure(void **state)
{
    struct mime_message m = sample();
    struct buf out;
    int k, ok = 0;

    (void)state;
    for (k = 0; k < 40 && !ok; k++) {
        int rc;

        buf_init(&out, 1u << 20);
        fail_after = k;
        buf_set_realloc(failing_realloc);
        rc = mime_write(&m, &out);
        buf_set_realloc(NULL);
        if (rc == 0) {
            ok = 1;
            check_raw(buf_str(&out), buf_len(&out), 78);
        } else {
            assert_int_equal(rc, TOCSIN_ENOMEM);
            assert_int_equal(buf_len(&out), 0);
        }
        buf_free(&out);
    }
    assert_true(ok);
    assert_true(k > 1);
}

/* Time mime_write() on m and print messages a second (process CPU time,
 * so that other load on the machine counts less). */
static void
time_messages(const char *what, const struct mime_message *m)
{
    struct buf out;
    struct timespec t0, t1;
    double secs;
    size_t bytes = 0;
    int i, n = 20000;

    buf_init(&out, 1u << 20);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (i = 0; i < n; i++) {
        buf_reset(&out);
        assert_int_equal(mime_write(m, &out), 0);
        bytes += buf_len(&out);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("# mime_write, %s: %zu + %zu bytes in, %zu out: %.0f "
                  "messages/s (%.2f us each), %.0f MB/s\n",
                  what, m->text_len, m->html_len, bytes / (size_t)n, n / secs,
                  secs / n * 1e6, bytes / secs / 1e6);
    buf_free(&out);
}

/* A text file of the source tree into b (replaced); 0 when unreadable. */
static int
read_source(const char *rel, struct buf *b)
{
    const char *root = getenv("TOCSIN_SOURCE_ROOT");
    char path[4096], chunk[4096];
    FILE *f;
    size_t got;

    snprintf(path, sizeof(path), "%s/%s", root ? root : ".", rel);
    f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    buf_reset(b);
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(buf_append(b, chunk, got), 0);
    fclose(f);
    return 1;
}

/* Messages a second (printed, not asserted: the suite runs under
 * sanitizers and on shared machines): the Dutch sample four times
 * (about 2.5 KB of text), and the default Dutch templates as they are
 * (the size of a real message, tags and all). */
static void
speed(void **state)
{
    struct mime_message m = sample();
    struct buf text, html;
    int i;

    (void)state;
    buf_init(&text, 1u << 20);
    buf_init(&html, 1u << 20);
    for (i = 0; i < 4; i++) {
        assert_int_equal(buf_appends(&text, dutch_text), 0);
        assert_int_equal(buf_appends(&html, dutch_html), 0);
    }
    m.text = buf_str(&text);
    m.text_len = buf_len(&text);
    m.html = buf_str(&html);
    m.html_len = buf_len(&html);
    time_messages("sample", &m);
    if (read_source("data/templates/nl/body.txt", &text) &&
        read_source("data/templates/nl/body.html", &html)) {
        m.text = buf_str(&text);
        m.text_len = buf_len(&text);
        m.html = buf_str(&html);
        m.html_len = buf_len(&html);
        time_messages("nl templates", &m);
    }
    buf_free(&text);
    buf_free(&html);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_message),
        cmocka_unit_test(optional_headers_left_out),
        cmocka_unit_test(subjects),
        cmocka_unit_test(display_names),
        cmocka_unit_test(bodies),
        cmocka_unit_test(random_bodies),
        cmocka_unit_test(qp_exact),
        cmocka_unit_test(header_injection),
        cmocka_unit_test(malformed_utf8),
        cmocka_unit_test(fields_checked),
        cmocka_unit_test(dates),
        cmocka_unit_test(boundary_deterministic),
        cmocka_unit_test(dot_stuffing),
        cmocka_unit_test(mailbox_parse),
        cmocka_unit_test(buffer_limit),
        cmocka_unit_test(worst_case_header),
        cmocka_unit_test(allocation_failure),
        cmocka_unit_test(speed),
    };

    return cmocka_run_group_tests_name("notify_mime", tests, setup_gmime,
                                       teardown_gmime);
}
