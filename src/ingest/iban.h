/*
 * iban.h - IBANs (ISO 13616) from breach exports: electronic form,
 * validation against the SWIFT IBAN registry, the Dutch bank code and the
 * masked form shown to people.
 *
 * Inputs are (pointer, length), not NUL-terminated; nothing past the
 * length is read. The functions never allocate beyond the caller's struct
 * buf, whose contents they replace, and do not depend on the locale.
 */
#ifndef TOCSIN_INGEST_IBAN_H
#define TOCSIN_INGEST_IBAN_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

#define IBAN_MAX_LEN 34 /* ISO 13616: electronic form, 2 letters + 2 + 30 */

/* Flag bits set by iban_normalize(); the top byte holds the reason. */
enum iban_flag {
    IBAN_PAPER = 1u << 0,   /* written with spaces, dashes or dots */
    IBAN_PREFIX = 1u << 1,  /* an "IBAN" or "IBAN:" prefix was removed */
    IBAN_LOWER = 1u << 2,   /* lower-case letters were upper-cased */
    IBAN_EXAMPLE = 1u << 3, /* a published example (NL91ABNA0417164300) */
};

#define IBAN_REASON_SHIFT 24

/* Why iban_normalize() rejected a value (see iban_strerror()). */
enum iban_reason {
    IBAN_OK = 0,
    IBAN_EEMPTY,   /* nothing left after removing blanks */
    IBAN_ETOOLONG, /* input over LIMIT_IBAN_INPUT bytes */
    IBAN_ECHAR,    /* a character other than letters, digits, separators */
    IBAN_ECOUNTRY, /* country code not in the IBAN registry */
    IBAN_ELENGTH,  /* length differs from the registry's for the country */
    IBAN_EBBAN,    /* account part has the wrong shape (NL: 4 letters and
                      10 digits) */
    IBAN_ECHECK,   /* check digits not 02..98 or mod-97 is not 1 */
};

/*
 * Normalise one IBAN field in[0..len) to the electronic form in out.
 *
 * Blanks at both ends and an "IBAN" prefix (any case, optionally followed
 * by ':') are removed; spaces, tabs, U+00A0, '-' and '.' between the
 * characters are dropped (IBAN_PAPER); letters upper-cased. Checks: the
 * country code is one of the 89 of the SWIFT IBAN registry (release 100,
 * 2025) with its exact length; letters and digits only; for NL the BBAN is
 * 4 letters and 10 digits; check digits 02..98 and mod-97 == 1
 * (checkdigit_iban_mod97()).
 *
 * *flags receives flag bits and, on TOCSIN_EFORMAT, the reason in bits
 * 24..31 (iban_reason()). On IBAN_ECOUNTRY, IBAN_ELENGTH, IBAN_EBBAN and
 * IBAN_ECHECK out still holds the electronic form (the caller keeps the
 * value as given and flagged); on the other reasons out is empty.
 * Returns 0, TOCSIN_EFORMAT, or TOCSIN_ELIMIT / TOCSIN_ENOMEM from out.
 */
TOCSIN_MUST_CHECK int iban_normalize(const char *in, size_t len,
                                     struct buf *out, unsigned *flags);

/* The reason held in flags from iban_normalize(); IBAN_OK when none. */
enum iban_reason iban_reason(unsigned flags);

/* A short English description of a reason; never NULL. */
const char *iban_strerror(enum iban_reason reason);

/*
 * The registry length of IBANs of the country cc[0..1] (upper-case
 * letters), or 0 when the country has no IBAN in the registry.
 */
int iban_country_length(const char *cc);

/*
 * The bank code of a normalised Dutch IBAN norm[0..len) (characters 5-8,
 * four letters: "ABNA") into out as a C string. Returns 0, or
 * TOCSIN_EINVAL (out "") when norm is not an 18-character NL IBAN with
 * four letters there.
 */
TOCSIN_MUST_CHECK int iban_bank_code(const char *norm, size_t len,
                                     char out[5]);

/*
 * The masked form of a normalised IBAN into out: the two country letters,
 * the fixed pattern "** **** **** **** " and the last four characters:
 * "NL** **** **** **** 4300". The shape is the same for every country, so
 * that it does not tell the length. Returns 0, TOCSIN_EINVAL when norm is
 * shorter than 8 characters or does not start with two letters, or a
 * buffer error.
 */
TOCSIN_MUST_CHECK int iban_mask(const char *norm, size_t len, struct buf *out);

#endif
