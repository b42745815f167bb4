/*
 * idnum.h - Dutch identity numbers in breach exports: the citizen service
 * number (BSN), VAT numbers (which may contain a BSN) and identity
 * documents; plus a scanner that finds BSNs in free text.
 *
 * Inputs are (pointer, length), not NUL-terminated; nothing past the
 * length is read. No allocation beyond the caller's struct buf (whose
 * contents are replaced), no locale. Local copies of numbers are wiped.
 */
#ifndef TOCSIN_INGEST_IDNUM_H
#define TOCSIN_INGEST_IDNUM_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "../util/limits.h"

/* Flag bits set by bsn_normalize(). */
enum bsn_flag {
    BSN_PADDED = 1u << 0,  /* 8 digits given, a leading 0 added */
    BSN_EXAMPLE = 1u << 1, /* a well-known example or test number:
                              123456782 and ddddddddd0 (111111110 ...) */
};

/*
 * Normalise a BSN in[0..len) into out: 9 digits and a NUL. Blanks around
 * are removed; '.', '-' and ' ' are allowed between digits ("1234.56.782",
 * "123 456 782"); 8 digits get a leading 0 (BSN_PADDED). The 11-check
 * (checkdigit_bsn_valid()) must pass. Returns 0, or TOCSIN_EFORMAT (out
 * "") for anything else, input over LIMIT_IDNUM_INPUT bytes included.
 */
TOCSIN_MUST_CHECK int bsn_normalize(const char *in, size_t len, char out[10],
                                    unsigned *flags);

/*
 * Find BSN-like numbers in free text text[0..len): 9 digits in a row, or
 * grouped 3-3-3, 4-2-3 or 3-2-3 (8 digits, read with a leading 0) with one
 * '.', ' ' or '-' (the same one) between the groups; not part of a longer
 * run of digits (nor, for a grouped form, followed or preceded by the same
 * separator and a digit); passing the 11-check. Letters next to the number
 * do not matter, so "BSN:123456782" and the BSN inside an old VAT number
 * (NL123456782B01) are found; 10-digit phone numbers and the 10-digit
 * account of a Dutch IBAN are not.
 *
 * cb is called for each match with its byte offset and length (from the
 * first to the last digit) and ctx. A non-zero return stops the scan and
 * becomes bsn_scan()'s result; otherwise bsn_scan() returns 0.
 */
int bsn_scan(const char *text, size_t len,
             int (*cb)(size_t off, size_t len, void *ctx), void *ctx);

/* Flag bits set by vat_normalize(). */
enum vat_flag {
    VAT_CONTAINS_BSN = 1u << 0, /* old NL form whose 9 digits pass the
                                   11-check: a sole trader's BSN (an RSIN
                                   of a legal entity passes it too) */
    VAT_NL_NEW = 1u << 1,       /* NL form of 2020: mod-97 check passes */
    VAT_FOREIGN = 1u << 2,      /* another country's VAT number */
};

/*
 * Normalise a VAT number in[0..len) into out: country prefix and number,
 * upper-case, blanks, '.' and '-' removed ("NL123456782B01").
 *  - NL: "NL" + 9 digits + "B" + 2 digits. When the 9 digits pass the
 *    11-check they are the owner's BSN (sole traders before 2020):
 *    VAT_CONTAINS_BSN, and bsn_out (if not NULL) receives them. Otherwise
 *    the number must pass the 2020 check: the whole string with N=23,
 *    L=21, B=11 read as a number mod 97 == 1 (VAT_NL_NEW).
 *  - Other EU countries (and EL written GR, XI, GB, CH, NO): the
 *    country's published shape of digits and letters (VIES formats, no
 *    check digits): VAT_FOREIGN. GR is written EL.
 * bsn_out is "" unless VAT_CONTAINS_BSN. Returns 0, TOCSIN_EFORMAT (out
 * empty) for anything else, or a buffer error.
 */
TOCSIN_MUST_CHECK int vat_normalize(const char *in, size_t len,
                                    struct buf *out, unsigned *flags,
                                    char bsn_out[10]);

enum iddoc_type {
    IDDOC_OTHER = 0,       /* residence permit, foreign or unknown */
    IDDOC_PASSPORT,        /* paspoort, passport (any kind) */
    IDDOC_ID_CARD,         /* identiteitskaart, ID-kaart, NIK, id card */
    IDDOC_DRIVING_LICENCE, /* rijbewijs, driving licence/license */
};

/* Flag bits set by iddoc_normalize(). */
enum iddoc_flag {
    IDDOC_OLD_FORMAT = 1u << 0,   /* passport/ID card number not in the
                                     2014 scheme, 8-9 letters and digits */
    IDDOC_TYPE_UNKNOWN = 1u << 1, /* type word empty or not recognised */
};

struct iddoc {
    int type;                            /* enum iddoc_type */
    char number[LIMIT_IDDOC_NUMBER + 1]; /* upper-case, no separators */
};

/*
 * Normalise an identity document: the type word type_in[0..tlen) and
 * number number_in[0..nlen) into *out.
 * Type words (any case, blanks, '-', '_', '.' and apostrophes ignored):
 * paspoort, passport and words ending in them (nationaal paspoort,
 * zakenpaspoort); identiteitskaart, idkaart, nik, idcard, identitycard,
 * (national/european) identity card; rijbewijs, drivinglicence/license,
 * drivers licence/license; verblijfsvergunning, verblijfsdocument,
 * vreemdelingendocument, residence permit (IDDOC_OTHER). Other words give
 * IDDOC_OTHER and IDDOC_TYPE_UNKNOWN.
 * Number: upper-cased, blanks, '-' and '.' removed, letters and digits
 * only. Passport and ID card: 9 characters, 1-2 letters, 3-8 letters or
 * digits, 9 a digit, no letter O (the 2014 scheme); other 8-9 character
 * numbers are accepted with IDDOC_OLD_FORMAT. Driving licence: 10 digits.
 * Other: 1..LIMIT_IDDOC_NUMBER letters and digits.
 * Returns 0, or TOCSIN_EFORMAT (out->number "", out->type still set).
 */
TOCSIN_MUST_CHECK int iddoc_normalize(const char *type_in, size_t tlen,
                                      const char *number_in, size_t nlen,
                                      struct iddoc *out, unsigned *flags);

/* "PASSPORT", "ID_CARD", "DRIVING_LICENCE" or "OTHER". */
const char *iddoc_type_name(int type);

/*
 * The masked form of a normalised document number into out: a star for
 * every character but the last two, which are kept: "*******K1". Numbers
 * of fewer than 4 characters are all stars. Returns 0, TOCSIN_EINVAL for
 * an empty number, or a buffer error.
 */
TOCSIN_MUST_CHECK int iddoc_mask(const char *number, size_t len,
                                 struct buf *out);

#endif
