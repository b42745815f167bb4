/*
 * utf8.h - checking UTF-8 sequences: the one primitive every reader and
 * writer of text uses (the CSV and JSONL readers, the template compiler,
 * the MIME writer, the configuration, the web service).
 *
 * Well-formed means as in Unicode 15, table 3-7: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. What a caller
 * refuses besides (NUL, control characters) is its own rule.
 */
#ifndef TOCSIN_UTIL_UTF8_H
#define TOCSIN_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the well-formed UTF-8 sequence at p[0..n) whose first octet
 * p[0] is >= 0x80 (n >= 1): 2, 3 or 4; 0 when it is malformed (a stray
 * continuation octet, C0, C1, F5..FF, an overlong form, a surrogate, above
 * U+10FFFF); -1 when p[0..n) is a well-formed but incomplete start of a
 * sequence (more octets needed). Reads at most p[0..min(n, 4)).
 */
int utf8_seq(const unsigned char *p, size_t n);

/*
 * Offset of the first octet of s[0..n) that does not begin a well-formed
 * UTF-8 sequence inside s[0..n) (an incomplete sequence at the end counts
 * as malformed), or n when all of it is well-formed. NUL and other
 * controls are well-formed. ASCII runs are checked a word at a time.
 */
size_t utf8_valid_prefix(const void *s, size_t n);

/*
 * The code point of the well-formed sequence at p[0..n) (n >= 1; ASCII
 * too) into *cp, and its length, 1 to 4; 0 when it is malformed or cut
 * short (*cp is then 0).
 */
int utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

#endif
