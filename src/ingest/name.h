/*
 * name.h - personal names from breach exports: the display form, the
 * matching key, Dutch surname infixes ("tussenvoegsels") and initials.
 *
 * Inputs are (pointer, length) UTF-8 and need not be NUL-terminated;
 * nothing past the length is read, and a NUL byte is an ordinary control
 * character (dropped). The functions are pure and locale-independent (the
 * Unicode data comes from utf8proc), work in fixed stack space and never
 * allocate beyond the caller's struct buf, whose contents they replace (the
 * buffer is left empty on an error). A buffer that may hold NAME_OUT_MAX
 * bytes is always large enough.
 *
 * Errors shared by every function: TOCSIN_EFORMAT for ill-formed UTF-8, for
 * input longer than LIMIT_NAME_INPUT bytes, or when the NFKC decomposition
 * has more than LIMIT_NAME_CODEPOINTS code points; TOCSIN_ELIMIT or
 * TOCSIN_ENOMEM from the buffer.
 */
#ifndef TOCSIN_INGEST_NAME_H
#define TOCSIN_INGEST_NAME_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "../util/limits.h"

/* Bytes of the longest output of any function here. */
#define NAME_OUT_MAX (4 * LIMIT_NAME_CODEPOINTS)

/*
 * Check that in[0..len) is well-formed UTF-8 (Unicode table 3-7: no
 * overlong forms, no encoded surrogates, nothing above U+10FFFF, no stray
 * continuation byte, no truncated sequence). Returns 0 (and *bad_at = len),
 * or TOCSIN_EFORMAT with *bad_at the offset of the first byte of the first
 * ill-formed sequence. bad_at may be NULL. No length limit.
 */
TOCSIN_MUST_CHECK int name_utf8_check(const char *in, size_t len,
                                      size_t *bad_at);

/*
 * The display form of a name into out: NFC; white space (TAB, LF, VT, FF,
 * CR, U+0085 and every Unicode space separator Zs/Zl/Zp, so NBSP too)
 * collapsed to one U+0020 and trimmed at both ends; other control
 * characters (Cc, NUL included) and format characters (Cf: soft hyphen,
 * zero-width space, BOM, bidirectional controls, ...) dropped, except
 * U+200C ZWNJ and U+200D ZWJ, which some scripts need. Case, diacritics and
 * punctuation are kept. Use name_utf8_check() to locate an encoding error.
 */
TOCSIN_MUST_CHECK int name_clean(const char *in, size_t len, struct buf *out);

/*
 * The matching key of a name into out: NFKC case-folded, diacritics
 * stripped (every Mn, Mc, Me mark after decomposition), then
 *  - letters without a decomposition mapped by a table: l-stroke -> l,
 *    o-slash -> o, d-stroke and eth -> d, thorn -> th, ae -> ae, oe -> oe,
 *    dotless i -> i, sharp s -> ss, h-stroke -> h, t-stroke -> t, eng -> ng,
 *    schwa -> a, open e -> e, open o -> o (ij is already "ij" by NFKC);
 *  - apostrophes REMOVED (', U+2018, U+2019, U+201B, U+2032, U+02BB,
 *    U+02BC, U+02B9, U+00B7 and every spacing modifier symbol Sk such as `
 *    and acute): "d'Hondt" -> "dhondt", "in 't Veld" -> "in t veld";
 *  - every other punctuation, symbol, separator or white-space control
 *    (hyphens, dots, commas, slashes, ...) turned into ONE space:
 *    "Jan-Peter" -> "jan peter", "J.P." -> "j p";
 *  - other control and format characters dropped;
 *  - spaces collapsed and trimmed.
 * Letters of other scripts are kept (no transliteration); digits are kept.
 * So "Çelik", "ÇELİK" and "Celik" all give "celik". For every input x,
 * name_key(name_clean(x)) equals name_key(x).
 */
TOCSIN_MUST_CHECK int name_key(const char *in, size_t len, struct buf *out);

/* How name_split() found the infix (bits of name_parts.flags). */
enum name_split_flag {
    NAME_INFIX_SEPARATE = 1u << 0, /* from the separate infix field */
    NAME_INFIX_LEADING = 1u << 1,  /* "van der Berg" */
    NAME_INFIX_REVERSED = 1u << 2, /* "Berg, van der" or "Berg van der" */
    NAME_INFIX_GLUED = 1u << 3,    /* "vanderberg": heuristic, see below */
    NAME_INFIX_ABBREV = 1u << 4,   /* "v.d.", "vd", "v/d", "v." */
    NAME_INFIX_UNKNOWN = 1u << 5,  /* separate infix not in the table */
    NAME_INFIX_DUPLICATE = 1u << 6 /* infix both separate and in the last
                                      name ("van der" + "van der Berg"):
                                      removed from the surname */
};

/*
 * A surname split into infix and surname proper. The buffers belong to the
 * struct: set up with name_parts_init(), release with name_parts_free().
 */
struct name_parts {
    struct buf infix;       /* canonical infix, lower case: "van der",
                               "in 't", "v.d."; "" when none */
    struct buf infix_class; /* matching class: "vd" for van de, van den,
                               van der and every v.d. spelling; "van 't"
                               for "van het" (likewise in/op/uit/aan 't,
                               "'t" for "het"); otherwise the infix */
    struct buf surname;     /* the surname proper, display form */
    struct buf surname_key; /* name_key() of surname */
    struct buf full_key;    /* the unsplit key: key of the infix as
                               written plus key of the surname, all spaces
                               removed ("vandenberg" for "van den Berg",
                               "Berg, van den" and "Vandenberg") */
    unsigned flags;         /* enum name_split_flag bits */
};

void name_parts_init(struct name_parts *p);

/* Wipe and free the buffers; p may be set up again with name_parts_init. */
void name_parts_free(struct name_parts *p);

/*
 * Split a Dutch surname into infix and surname proper. infix[0..ilen) is
 * the separate infix field (ilen 0 when the export has none), last[0..llen)
 * the last-name field. Both are cleaned with name_clean() first.
 *
 * Infixes are recognised from a table of Dutch particles (van, de, der,
 * den, het, 't, te, ten, ter, tot, in, op, uit, aan, bij, onder, over,
 * voor and their combinations such as "van der", "in 't", "uit te de",
 * "voor in 't") plus German (von, von der, zu, zum, zur, vom, von und zu)
 * and Romance ones (de la, de las, de los, del, della, di, da, das, dos,
 * du, des), the Flemish one-word spellings vande, vanden, vander, and the
 * abbreviation "v.d." (vd, v/d, v. d.; class "vd"). d', l', de l' and "v."
 * (class "van") are recognised only in the separate infix field: in a last
 * name "D. Jansen" and "V. Dijk" more likely hold an initial. Particles of
 * other origins (El, Al, Ait, Ben, Bin, Abu, A, Do, Le, La) are never
 * taken as infixes: "El Amrani", "Ait Ahmed" and "Tjon A Fong" stay whole
 * surnames. Words are cut at blanks, after '.' and '/', and after an
 * apostrophe inside a word, so "van't Hof" and "v.d.Berg" split too.
 *
 * Without a separate infix, the last name is searched in this order:
 *  1. reversed with a comma: "Berg, van der" (the part after the comma
 *     must be an infix as a whole);
 *  2. leading: "van der Berg", "VAN DER BERG", "v.d. Berg", "v.d.Berg";
 *     the longest infix wins and at least one word must remain;
 *  3. reversed without a comma: "Berg van der" (trailing words);
 *  4. glued (heuristic, NAME_INFIX_GLUED): a one-word last name with no
 *     capital after its first letter that starts with van der, van den,
 *     van de, op den, op de, uit den or uit de (the longest that fits),
 *     written in plain letters and followed by at least 3 letters:
 *     "vanderberg" and "Vandenberg" split; "VanDenBerg", "VANDENBERG" (all
 *     capitals), "Vander" and "Vandenes" (only 2 letters after "vanden")
 *     do not. This also splits real one-word names such as "Vandenbroucke"
 *     or "Vandeursen" (van Deursen); compare full_key as well to catch
 *     both readings.
 * With a separate infix the last name is kept whole, except that a leading
 * copy of the same infix class is removed (NAME_INFIX_DUPLICATE). A
 * separate infix not in the table is kept as its name_key()
 * (NAME_INFIX_UNKNOWN) with itself as class; one whose key is empty (".")
 * counts as absent.
 *
 * Returns 0 or a shared error; on error every buffer of out is empty.
 */
TOCSIN_MUST_CHECK int name_split(const char *infix, size_t ilen,
                                 const char *last, size_t llen,
                                 struct name_parts *out);

/*
 * The initials of a first-name field into out, upper case, no dots or
 * spaces: "JP" for "J.P.", "J. P.", "JP", "Jan Peter", "Jan-Peter" and
 * "Jan P.". The field is cut into words at spaces, dashes and after every
 * dot; each word gives the first letter of its key (so "Émile" gives "E",
 * "Łukasz" "L", "IJsbrand" "I"), except a run of initials (below), which
 * gives all its letters. An empty field gives "".
 */
TOCSIN_MUST_CHECK int name_initials(const char *in, size_t len,
                                    struct buf *out);

/*
 * Whether a first-name field holds only initials: 1 or 0 (0 also for an
 * empty field or an error). Every word must be one of
 *  - a single letter, with or without a dot: "J", "J.", "j";
 *  - a letter abbreviation ending in a dot: "Th.", "Chr.", "Joh.";
 *  - a run of initials: 2 or 3 letters, all capitals, without a vowel
 *    (a e i o u y after diacritics are stripped): "JP", "HJM".
 * Rule for 2-letter words: "Jo", "Bo", "Ed", "JO", "BO" are names; so is
 * "AJ" (it has a vowel: write "A.J." or "A J" for initials). So "J.",
 * "J.P.", "J P", "JP", "J" give 1 and "Jan", "Jo", "Bo" give 0.
 */
int name_is_initials(const char *in, size_t len);

#endif
