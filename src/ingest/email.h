/*
 * email.h - e-mail addresses from breach exports: normal form, matching
 * key and the masked form shown to people.
 *
 * Inputs are (pointer, length) and need not be NUL-terminated; nothing past
 * the length is read. The functions never allocate beyond the caller's
 * struct buf, whose contents they replace. They are locale-independent:
 * only ASCII letters change case; UTF-8 bytes are kept as they are.
 */
#ifndef TOCSIN_INGEST_EMAIL_H
#define TOCSIN_INGEST_EMAIL_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

/* Flag bits set by email_normalize(); the top byte holds the reason. */
enum email_flag {
    EMAIL_TRIMMED = 1u << 0,     /* blanks, "mailto:", <>, or a trailing
                                    . ; , were removed */
    EMAIL_QUOTED = 1u << 1,      /* quoted local part ("a b"@x.nl): rare */
    EMAIL_IDN = 1u << 2,         /* UTF-8 in the domain (not punycoded) */
    EMAIL_UTF8_LOCAL = 1u << 3,  /* UTF-8 in the local part (RFC 6531) */
    EMAIL_TYPO_DOMAIN = 1u << 4, /* a well-known typo (gmial.com,
                                    hotmail.con): flagged, never fixed */
};

#define EMAIL_REASON_SHIFT 24

/* Why email_normalize() rejected an address (see email_strerror()). */
enum email_reason {
    EMAIL_OK = 0,
    EMAIL_EEMPTY,        /* nothing left after trimming */
    EMAIL_ETOOLONG,      /* input or address over its limit */
    EMAIL_EUTF8,         /* malformed UTF-8 */
    EMAIL_ENOAT,         /* no @ */
    EMAIL_EMANYAT,       /* more than one @ */
    EMAIL_ELOCAL_EMPTY,  /* nothing before the @ */
    EMAIL_ELOCAL_LONG,   /* local part over 64 octets */
    EMAIL_ELOCAL_CHAR,   /* a character not allowed in the local part */
    EMAIL_ELOCAL_DOT,    /* local part starts or ends with a dot, or ".." */
    EMAIL_EQUOTE,        /* quoted local part unterminated or malformed */
    EMAIL_EDOMAIN_EMPTY, /* nothing after the @ */
    EMAIL_EDOMAIN_LONG,  /* domain over 253 octets */
    EMAIL_EDOMAIN_CHAR,  /* a character not allowed in a domain */
    EMAIL_ELITERAL,      /* address literal ([192.0.2.1]): not accepted */
    EMAIL_ELABEL_EMPTY,  /* empty label: leading, trailing or double dot */
    EMAIL_ELABEL_LONG,   /* a label over 63 octets */
    EMAIL_EHYPHEN,       /* a label starts or ends with a hyphen */
    EMAIL_ENODOT,        /* domain without a dot */
    EMAIL_ETLD,          /* top-level domain all digits */
};

/*
 * Normalise one e-mail field in[0..len) into out.
 *
 * Trimming (repeated until nothing changes, sets EMAIL_TRIMMED): blanks
 * (space, tab, CR, LF, VT, FF, U+00A0) at both ends, a "mailto:" prefix
 * (any case), a surrounding <...>, trailing '.', ';' and ','.
 *
 * Checks (practical RFC 5321/5322): exactly one @ (outside a quoted local
 * part); local part 1..64 octets of atext and dots, no leading, trailing
 * or double dot, or a quoted string (accepted, EMAIL_QUOTED); UTF-8 in the
 * local part is accepted when well-formed (EMAIL_UTF8_LOCAL); domain
 * 1..253 octets, at least two labels of 1..63 octets of letters, digits
 * and hyphens, no hyphen at either end of a label, top-level label not all
 * digits; well-formed UTF-8 in labels is accepted as an IDN (EMAIL_IDN;
 * IDNA2008 rules are not applied). UTF-8 for a C1 control, a space or an
 * invisible formatting character (U+00A0, U+00AD, U+200B, bidi controls,
 * U+FEFF, U+FFF0..FFFF) is a character error. The address is at most
 * LIMIT_EMAIL_ADDRESS octets, the input at most LIMIT_EMAIL_INPUT.
 *
 * Result: local part as given (case is significant), "@", domain with
 * ASCII letters lower-cased. Well-known domain typos set
 * EMAIL_TYPO_DOMAIN.
 *
 * *flags receives the flag bits and, on TOCSIN_EFORMAT, the reason in bits
 * 24..31 (email_reason()). Returns 0, TOCSIN_EFORMAT (out empty),
 * TOCSIN_ELIMIT or TOCSIN_ENOMEM from the buffer.
 */
TOCSIN_MUST_CHECK int email_normalize(const char *in, size_t len,
                                      struct buf *out, unsigned *flags);

/* The reason held in flags from email_normalize(); EMAIL_OK when none. */
enum email_reason email_reason(unsigned flags);

/* A short English description of a reason; never NULL. */
const char *email_strerror(enum email_reason reason);

/*
 * The matching key of a normalised address norm[0..len) into out: the
 * whole address with ASCII letters lower-cased, and
 *  - gmail.com and googlemail.com (one mailbox): dots and a "+tag" dropped
 *    from the local part, domain written gmail.com;
 *  - providers documented to deliver "user+tag" to "user": the +tag
 *    dropped. The list: outlook.com, hotmail.com, live.com, msn.com,
 *    hotmail.nl, live.nl, outlook.nl (Microsoft consumer mail), icloud.com,
 *    me.com, mac.com (Apple), fastmail.com, fastmail.fm, protonmail.com,
 *    protonmail.ch, proton.me, pm.me.
 * A quoted local part is only lower-cased. A tag is not dropped when the
 * rest would be empty. Returns 0, TOCSIN_EINVAL when norm has no @ or is
 * longer than LIMIT_EMAIL_ADDRESS, or a buffer error.
 */
TOCSIN_MUST_CHECK int email_key(const char *norm, size_t len, struct buf *out);

/*
 * The masked form of a normalised address into out: the first character
 * of the local part (a whole UTF-8 sequence; inside the quotes for a
 * quoted local part), "***@" and the full domain: "j***@gmail.com". A
 * local part of one character gives "*@gmail.com". Returns 0,
 * TOCSIN_EINVAL when norm has no @ or an empty local part, or a buffer
 * error.
 */
TOCSIN_MUST_CHECK int email_mask(const char *norm, size_t len,
                                 struct buf *out);

#endif
