/*
 * compare.h - the comparison primitives of record linkage: string
 * similarity of name keys, capped edit distance, dates and initials.
 *
 * Inputs are (pointer, length) and need not be NUL-terminated; nothing past
 * the length is read. Strings are compared as bytes (name keys from
 * name_key() are lower case without diacritics, but may still hold UTF-8
 * of other scripts; a multi-byte letter then counts as several bytes).
 * Only the first COMPARE_MAX_LEN bytes (limits.h) of each string are
 * looked at; that is a documented cut, not an error, since the functions
 * give a similarity, not a value. Every function is pure, thread-safe,
 * works in fixed stack space and never allocates: they run on tens of
 * millions of record pairs.
 */
#ifndef TOCSIN_RESOLVE_COMPARE_H
#define TOCSIN_RESOLVE_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/limits.h"

/*
 * Jaro-Winkler similarity of a[0..alen) and b[0..blen), in [0, 1]. Jaro
 * with the match window max(alen, blen) / 2 - 1 (at least 0), greedy
 * matching and the out-of-order matches halved rounding down, as in
 * Winkler's strcmp95 (without its other adjustments); Winkler's
 * boost for a common prefix of up to 4 bytes with scale 0.1, applied only
 * when the Jaro value is at least 0.7. Identical non-empty strings give
 * exactly 1.0; two empty strings, or one empty, give 0.0 (no evidence).
 * Exactly symmetric: f(a, b) == f(b, a) bit for bit. Only the first
 * COMPARE_MAX_LEN bytes of each string count. Pointers may be NULL when
 * their length is 0.
 */
double compare_jaro_winkler(const char *a, size_t alen, const char *b,
                            size_t blen);

/*
 * Optimal-string-alignment Damerau-Levenshtein distance between a[0..alen)
 * and b[0..blen): the fewest insertions, deletions, substitutions and
 * transpositions of two adjacent bytes (no substring edited twice), capped:
 * returns min(distance, cap + 1). cap is 0..COMPARE_MAX_CAP; a cap outside
 * that range is a programming error (asserted; in a release build it is
 * clamped). Bytes beyond COMPARE_MAX_LEN are ignored. Computed with
 * Hyyro's bit-vector algorithm: O(len) word operations after a common
 * prefix and suffix are skipped; the answer cap + 1 comes at once when the
 * lengths differ by more than cap, and early when the rest of the string
 * can no longer bring the distance down to cap.
 */
int compare_edit_distance(const char *a, size_t alen, const char *b,
                          size_t blen, int cap);

/*
 * How two dates compare. Dates are packed as y * 10000 + m * 100 + d
 * (19840307 for 7 March 1984), 0 when absent. The first class that holds
 * is returned, in this order.
 */
enum compare_date {
    COMPARE_DATE_MISSING,   /* either is 0 */
    COMPARE_DATE_EXACT,     /* equal */
    COMPARE_DATE_SWAPPED,   /* same year, day and month swapped (d != m) */
    COMPARE_DATE_ONE_DIGIT, /* the 8-digit forms differ in exactly one
                               digit, or by one transposition of two
                               adjacent, different digits */
    COMPARE_DATE_YEAR,      /* same year (a / 10000), otherwise different */
    COMPARE_DATE_DIFFERENT
};

/*
 * Compare two packed dates. The fields are not validated (a date ingest
 * could not parse is 0), but a value above 99999999 has no 8-digit form:
 * it is never SWAPPED or ONE_DIGIT.
 */
enum compare_date compare_dates(uint32_t a, uint32_t b);

/*
 * Whether two initials strings are compatible: 1 when the shorter of
 * a[0..alen) and b[0..blen) is a prefix of the longer ("jp" and "j", "jp"
 * and "jpm", "jp" and "jp"), 0 otherwise, and 0 when either is empty.
 * Initials come from name_initials() (upper case); the caller lower-cases
 * them, but the comparison folds ASCII case anyway. No length limit.
 */
int compare_initials(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Token-aware comparison of two name keys (words separated by single
 * spaces): the best Jaro-Winkler similarity over
 *  (a) the whole keys;
 *  (b) the keys with their spaces removed ("jan peter" and "janpeter": 1.0;
 *      the first COMPARE_MAX_LEN non-space bytes count);
 *  (c) the first word of each ("jan peter" and "jan": 1.0).
 * (b) and (c) are tried only when one key holds a space. Result in [0, 1],
 * symmetric, 0 when either key is empty. Meant for first names: because of
 * (c), surnames with an infix ("van dijk", "van berg") must be compared on
 * their keys without the infix, not through this function.
 */
double compare_name(const char *a, size_t alen, const char *b, size_t blen);

#endif
