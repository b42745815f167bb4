/*
 * address.h - Dutch postcodes and house numbers from breach exports, and
 * the matching key of an address (postcode + house number + suffix, which
 * identifies a Dutch address without street or town).
 *
 * Inputs are (pointer, length) and need not be NUL-terminated; nothing past
 * the length is read. Pure, locale-independent (ASCII rules only), no
 * allocation beyond the caller's struct buf, whose contents the functions
 * replace (left empty on an error). A field longer than its input limit in
 * limits.h is malformed: TOCSIN_EFORMAT.
 */
#ifndef TOCSIN_INGEST_ADDRESS_H
#define TOCSIN_INGEST_ADDRESS_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "../util/limits.h"

/* Flag bits set by postcode_normalize(). */
enum postcode_flag {
    POSTCODE_INVALID = 1u << 0, /* Dutch shape, but never issued: first
                                   digit 0, or letters SA, SD or SS */
    POSTCODE_FOREIGN = 1u << 1, /* not the Dutch shape (Belgian "1000",
                                   German "10115", British "SW1A 1AA") */
};

/*
 * Normalise a postcode field in[0..len) into out.
 * Blanks (space, TAB, CR, LF, U+00A0) at both ends are trimmed. The Dutch
 * shape is four digits, optional blanks or one '-', two letters of either
 * case: "1234AB", "1234 ab", " 1234-AB ", "1234  AB" all give "1234 AB".
 * A Dutch-shaped code that is never issued (first digit 0; SA, SD, SS) is
 * kept in that form and flagged POSTCODE_INVALID. Anything else made of
 * ASCII letters, digits, blanks and '-' with at least one digit or letter
 * is kept upper-cased with each run of blanks as one space and flagged
 * POSTCODE_FOREIGN (not an error). *flags receives the bits.
 * Returns 0, TOCSIN_EFORMAT for an empty field, any other character or
 * input longer than LIMIT_POSTCODE_INPUT, or a buffer error.
 */
TOCSIN_MUST_CHECK int postcode_normalize(const char *in, size_t len,
                                         struct buf *out, unsigned *flags);

/* A house number: number 1..99999 and a canonical suffix ("" when none). */
struct housenr {
    int number;
    char suffix[LIMIT_HOUSENR_SUFFIX + 1];
};

/* Flag bits set by housenr_parse(). */
enum housenr_flag {
    HOUSENR_SUFFIX_MOVED = 1u << 0, /* the suffix was in the number field */
    HOUSENR_SUFFIX_TWICE = 1u << 1, /* both fields had the same suffix
                                       ("12A" and "A"): kept once */
    HOUSENR_SUFFIX_JOINED = 1u << 2 /* both fields had different suffix
                                       text ("12A" and "1"): joined */
};

/*
 * Parse a house number from the number field number[0..nlen) and the
 * suffix field suffix[0..slen) (slen 0 when the export has none).
 * The number field starts (after blanks) with 1..5 digits of value
 * 1..99999; what follows is suffix text: "12A", "12 a", "12-A" -> 12 "A".
 * The suffix text of both fields is cut into runs of letters and runs of
 * digits, at the separators blank, '-', '/', '.', ',' and where letters
 * meet digits; the canonical suffix is the runs upper-cased, written with
 * '-' between two runs of the same kind and nothing between a letter run
 * and a digit run:
 *   "12-1" -> "1", "12 bis" -> "BIS", "12 hs" -> "HS", "12-rood" -> "ROOD",
 *   "12 II" -> "II", "12a-1", "12 A 1", "12a1" -> "A1", "3 hoog" -> "3HOOG",
 *   "1-2", "1 2", "1/2" -> "1-2".
 * Returns 0, or TOCSIN_EFORMAT (out zeroed) when the number field does not
 * start with a digit, the number is 0 or above 99999, a character is not
 * an ASCII letter, digit or separator, the canonical suffix is longer than
 * LIMIT_HOUSENR_SUFFIX, or a field is longer than LIMIT_HOUSENR_INPUT.
 * *flags receives the bits.
 */
TOCSIN_MUST_CHECK int housenr_parse(const char *number, size_t nlen,
                                    const char *suffix, size_t slen,
                                    struct housenr *out, unsigned *flags);

/*
 * The matching key of an address into out: the canonical postcode
 * postcode[0..plen) (from postcode_normalize()) without spaces, '|', the
 * number, '|', the suffix: "1234AB|12|A", "1234AB|7|". Returns 0,
 * TOCSIN_EINVAL when the postcode is empty or holds anything but A-Z, 0-9,
 * space and '-', or h is not a parsed house number; or a buffer error.
 */
TOCSIN_MUST_CHECK int address_key(const char *postcode, size_t plen,
                                  const struct housenr *h, struct buf *out);

#endif
