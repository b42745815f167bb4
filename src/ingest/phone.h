/*
 * phone.h - telephone numbers from breach exports: E.164 normal form, the
 * kind of number, and the masked form shown to people.
 *
 * Dutch numbers are checked against the national numbering plan (ACM):
 * nine national significant digits (NSN) after +31 or the trunk 0, except
 * service numbers (0800/0900/0906/0909: 7 or 10) and M2M numbers (097:
 * 11). Other numbers are kept in E.164 when written with + or 00 and pass
 * a plausibility check (known calling code, 6 or more national digits, 15
 * digits at most; NANP +1: exactly 10). Inputs are (pointer, length), not
 * NUL-terminated; nothing past the length is read. No allocation, no
 * locale.
 */
#ifndef TOCSIN_INGEST_PHONE_H
#define TOCSIN_INGEST_PHONE_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

enum phone_type {
    PHONE_INVALID = 0, /* not a number we accept */
    PHONE_MOBILE,      /* NL 06-1..06-5, 06-8; BE +32 4[5-9]; DE +49 15-17 */
    PHONE_FIXED,       /* NL geographic: area codes 01-05, 07 */
    PHONE_SERVICE,     /* NL 0800, 0900, 0906, 0909 */
    PHONE_OTHER,       /* NL 066 pagers, 067, 082, 084, 085, 087, 088, 091,
                          097 (M2M) */
    PHONE_FOREIGN,     /* another country; kind unknown */
};

/* Flag bits in struct phone's flags: how the number was written. */
enum phone_flag {
    PHONE_NO_PLUS = 1u << 0,       /* 31612345678: NL without + or 00 */
    PHONE_NO_TRUNK = 1u << 1,      /* 612345678: NL without the leading 0
                                      (numeric spreadsheet column) */
    PHONE_TRUNK_IN_INTL = 1u << 2, /* +31 06...: a trunk 0 after the country
                                      code was dropped */
    PHONE_EXTENSION = 1u << 3,     /* an extension was stripped */
};

struct phone {
    char e164[17];    /* "+31612345678"; "" when invalid */
    int type;         /* enum phone_type */
    int country_code; /* 31; 0 when invalid */
    unsigned flags;   /* enum phone_flag bits */
};

/*
 * Normalise one phone field in[0..len) into *out.
 *
 * Accepted: blanks around; an optional "tel:" prefix; a leading + or 00;
 * digits separated by spaces, tabs, U+00A0, '-', '.', '/', one pair of
 * parentheses; "(0)" after the country code (+31 (0)6 ...) is the trunk
 * prefix and dropped. Dutch numbers in national form (0612345678, 010-123
 * 45 67, (0229) 123456), international form (+31 6 12345678, 0031 ...),
 * 11 digits starting 31 (PHONE_NO_PLUS) and 9 digits not starting 0
 * (PHONE_NO_TRUNK). Extensions: a trailing "x", "ext", "ext.",
 * "extension", "tst", "tst.", "toestel" or "#" (any case) followed by 1..6
 * digits is stripped (the extension is not kept) and PHONE_EXTENSION set:
 * the number reaches the person's line. Any other letter, a second +, or
 * text after the number is an error. Unassigned Dutch ranges (060, 069,
 * 081, ...) are errors.
 *
 * Returns 0, or TOCSIN_EFORMAT with out->type PHONE_INVALID and e164 ""
 * (input over LIMIT_PHONE_INPUT bytes included).
 */
TOCSIN_MUST_CHECK int phone_normalize(const char *in, size_t len,
                                      struct phone *out);

/*
 * The masked form of a normalised number into out (contents replaced):
 * "+CC ", for NL the mobile "6" or the area or service code and a space,
 * then always "****" and the last four digits: "+31 6 ****5678",
 * "+31 10 ****4567", "+31 229 ****3456", "+31 800 ****1234",
 * "+32 ****3456". Returns 0, TOCSIN_EINVAL for a number that is not valid,
 * or a buffer error.
 */
TOCSIN_MUST_CHECK int phone_mask(const struct phone *p, struct buf *out);

/* "mobile", "fixed", "service", "other", "foreign" or "invalid". */
const char *phone_type_name(int type);

#endif
