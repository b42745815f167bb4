/*
 * mime.h - the notification e-mail as an RFC 5322 / MIME message.
 *
 * One message is multipart/alternative: text/plain first, then text/html,
 * both UTF-8 and quoted-printable, with the headers the notification needs
 * (From, Reply-To, To, Subject, Date, Message-ID, MIME-Version,
 * Content-Language, Auto-Submitted, X-Auto-Response-Suppress and the
 * verification code for support staff). The output is CRLF throughout,
 * every line at most 998 octets (headers are folded to 78 where the
 * content allows, quoted-printable lines at most 76) and 7-bit. No line
 * starts with a '.' (header lines start with a field name or a blank,
 * quoted-printable writes such a dot as =2E, boundary lines start with
 * "--"), so the output followed by "." CRLF is its SMTP DATA form, with no
 * dot-stuffing needed (mime_dot_stuff() is for other text); for a Maildir
 * file, turn CRLF into LF.
 *
 * There is no List-Unsubscribe and no tracking by design: these are
 * transactional legal notices (GDPR art. 34), not a mailing list.
 *
 * No text given to these functions can add a header or a MIME part: CR,
 * LF and other control characters in header fields are refused, header
 * texts with non-ASCII or a "=?" are written as RFC 2047 encoded-words
 * (Q, UTF-8, at most 75 characters, folded lines at most 78, a character
 * never split between words), and the bodies are quoted-printable, which
 * never writes the boundary.
 *
 * The functions are pure (no global state, no locale, no time zone
 * database): the same input gives the same bytes.
 */
#ifndef TOCSIN_NOTIFY_MIME_H
#define TOCSIN_NOTIFY_MIME_H

#include <stddef.h>
#include <time.h>

#include "../util/buf.h"
#include "../util/error.h"

/* The header that carries the message's verification code, with which
 * support staff check that a message someone forwards or reads out is one
 * tocsin sent. "X-" plus the product so that it collides with nobody's. */
#define MIME_VERIFICATION_HEADER "X-Tocsin-Verification-Code"

/*
 * A mailbox: an optional display name and an address.
 *  name  UTF-8, at most LIMIT_MIME_NAME bytes, no control characters;
 *        NULL or "" for none. Blanks at its ends are dropped (readers
 *        drop them too). Written as atoms ("Jan de Vries"), else as a
 *        quoted string when it is printable ASCII ("\"Vries, Jan\""),
 *        else (non-ASCII, "=?", two blanks in a row, or too long for the
 *        line) as encoded-words.
 *  addr  the addr-spec local@domain, ASCII only, at most
 *        LIMIT_EMAIL_ADDRESS octets: a dot-atom or quoted local part
 *        (at most LIMIT_EMAIL_LOCAL octets) and a domain of letters,
 *        digits, '-' and dots. Addresses with UTF-8 (IDN domains,
 *        RFC 6531 local parts) are refused: they need punycode or
 *        SMTPUTF8, which this writer does not do.
 */
struct mime_address {
    const char *name;
    const char *addr;
};

/*
 * One message. All strings are NUL-terminated and borrowed for the call;
 * the bodies are (pointer, length) and need not be.
 *  from, to          required.
 *  reply_to          optional: addr NULL for no Reply-To.
 *  subject           required, UTF-8, one line (no CR, LF, tab or other
 *                    control character: the caller strips the line break
 *                    a template ends with), 1 to LIMIT_MIME_SUBJECT bytes.
 *                    Printable ASCII that folds at its blanks goes as it
 *                    is, anything else as encoded-words; a reader gets
 *                    the subject back exactly.
 *  message_id_local  left of the @ in the Message-ID: a dot-atom (atext
 *                    and single inner dots), at most LIMIT_MIME_ID_LOCAL.
 *                    Unique per message; the MIME boundary derives from it
 *                    and the domain.
 *  message_id_domain right of the @: a host name (letters, digits, '-',
 *                    single inner dots), at most LIMIT_EMAIL_DOMAIN.
 *  language          optional Content-Language tag (RFC 5646 shape:
 *                    letters, digits, inner single '-'), at most
 *                    LIMIT_MIME_LANGUAGE; NULL for none.
 *  verification      optional value of MIME_VERIFICATION_HEADER: visible
 *                    ASCII (0x21-0x7e), at most LIMIT_MIME_VCODE; NULL for
 *                    none.
 *  date, date_zone   the Date: a time and the sender's offset from UTC in
 *                    minutes (-1439..1439; +60 for Amsterdam in winter),
 *                    written as local time with that numeric zone. Years
 *                    1900..9999.
 *  text, html        the bodies, valid UTF-8 without NUL bytes, at most
 *                    LIMIT_MIME_TEXT bytes each; may be empty.
 */
struct mime_message {
    struct mime_address from;
    struct mime_address reply_to;
    struct mime_address to;
    const char *subject;
    const char *message_id_local;
    const char *message_id_domain;
    const char *language;
    const char *verification;
    time_t date;
    int date_zone;
    const char *text;
    size_t text_len;
    const char *html;
    size_t html_len;
};

/*
 * Append the complete message m (header, blank line, body) to out, CRLF
 * line ends throughout. The header fields, in this order: Date, From,
 * Reply-To, To, Subject, Message-ID, MIME-Version: 1.0, Content-Type:
 * multipart/alternative, Content-Language, Auto-Submitted: auto-generated
 * (RFC 3834), X-Auto-Response-Suppress: All (no out-of-office replies
 * from Exchange to the Reply-To mailbox), MIME_VERIFICATION_HEADER. The
 * body: no preamble, the text/plain part, the text/html part, each with
 * Content-Type (charset=utf-8) and Content-Transfer-Encoding only.
 *
 * Bodies: a line break in the input is LF or CRLF and becomes a CRLF line
 * break of the part, so a decoded part equals the input with every bare LF
 * turned into CRLF (RFC 2046 4.1.1: text lines end in CRLF). A CR not
 * before LF is kept as =0D. Quoted-printable also encodes '=', controls,
 * DEL and every octet >= 0x80, a space or tab before a line break or at
 * the end, and a '.' or the 'F' of "From " at the start of a line (so
 * that neither SMTP nor mbox software changes a line, and DKIM holds);
 * lines are at most 76 octets, long input lines get soft breaks.
 *
 * The MIME boundary is "=_tocsin_" and 16 hex digits of a hash of the
 * Message-ID: deterministic, and never inside a part, because
 * quoted-printable writes '=' only before two hex digits or a line break,
 * so its output never holds "=_".
 *
 * Returns 0; TOCSIN_EINVAL for a missing field, an address, Message-ID,
 * language, verification code, date or zone out of shape, or a control
 * character in the subject or a display name (header injection);
 * TOCSIN_EFORMAT for malformed UTF-8 in a text or a NUL byte in a body;
 * TOCSIN_ELIMIT for a field over its limit or an out that would pass its
 * maximum; TOCSIN_ENOMEM. On error out is as it was.
 *
 * The output holds personal data: the caller wipes out (buf_wipe()).
 */
TOCSIN_MUST_CHECK int mime_write(const struct mime_message *m,
                                 struct buf *out);

/*
 * Append the SMTP DATA form of a message in[0..len) to out (RFC 5321
 * 4.5.2): a '.' that starts a line is doubled, and the data ends in
 * CRLF "." CRLF; a CRLF is added first when in does not end in one.
 * Empty input (in may then be NULL) gives ".\r\n". in must use CRLF line
 * ends only: TOCSIN_EINVAL for a bare CR or LF. TOCSIN_ELIMIT and
 * TOCSIN_ENOMEM from out. On error out is as it was.
 */
TOCSIN_MUST_CHECK int mime_dot_stuff(const char *in, size_t len,
                                     struct buf *out);

/*
 * Split a mailbox as case.ini writes it, "addr", "Name <addr>" or
 * "\"Name, Quoted\" <addr>", in[0..len) into the display name (unquoted;
 * empty when there is none) and the address, replacing the contents of
 * name and addr (both NUL-terminated after the call, for a struct
 * mime_address). Blanks around the parts are dropped. The address is
 * checked as struct mime_address requires.
 * Returns 0; TOCSIN_EINVAL when in is not of that shape, or the address or
 * name is not acceptable (a control character); TOCSIN_EFORMAT for
 * malformed UTF-8; TOCSIN_ELIMIT for in over LIMIT_MIME_MAILBOX or a buffer
 * maximum; TOCSIN_ENOMEM. On error both buffers are empty.
 */
TOCSIN_MUST_CHECK int mime_mailbox_parse(const char *in, size_t len,
                                         struct buf *name, struct buf *addr);

/*
 * Append text[0..len) quoted-printable encoded to out, as mime_write()
 * encodes a body (line breaks, escapes and line lengths as described
 * there; a text without a final line break ends without one). The text
 * must be UTF-8 without NUL: TOCSIN_EFORMAT otherwise; TOCSIN_ELIMIT for
 * len over LIMIT_MIME_TEXT or from out; TOCSIN_ENOMEM. On error out is as
 * it was.
 */
TOCSIN_MUST_CHECK int mime_qp_encode(const char *text, size_t len,
                                     struct buf *out);

#endif
