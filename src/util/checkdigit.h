/*
 * checkdigit.h - the check-digit schemes of identifiers tocsin meets:
 * ISO 7064 mod 97-10 (IBAN, ISO 13616) and the Dutch 11-check ("elfproef")
 * of the BSN. Pure functions; they never allocate.
 */
#ifndef TOCSIN_UTIL_CHECKDIGIT_H
#define TOCSIN_UTIL_CHECKDIGIT_H

#include <stddef.h>

/*
 * The mod-97 remainder of an IBAN in electronic form (no spaces, upper-case
 * letters): the first four characters moved to the end, letters as 10..35.
 * A valid IBAN gives 1. Returns -1 when s holds a character other than
 * 0-9 or A-Z, or is shorter than 5 characters.
 */
int checkdigit_iban_mod97(const char *s, size_t len);

/*
 * Compute the two check digits of an IBAN from its country code (two
 * upper-case letters) and BBAN (0-9, A-Z) into out[0..1]. Returns 0, or -1
 * on a character outside 0-9, A-Z.
 */
int checkdigit_iban_compute(const char *country, const char *bban,
                            char out[2]);

/*
 * Whether the 9 digits d[0..8] pass the BSN 11-check:
 * 9*d0 + 8*d1 + ... + 2*d7 - 1*d8 is a multiple of 11 and not 0.
 * Returns 1 or 0; 0 also for a non-digit.
 */
int checkdigit_bsn_valid(const char *d);

/*
 * The last digit that makes the 8 digits d[0..7] a valid BSN, or -1 when no
 * digit does (the weighted sum leaves remainder 10) or d holds a non-digit.
 */
int checkdigit_bsn_last(const char *d);

#endif
