/* Tests of ingest/name.h: UTF-8 check, display form, key, infixes and
 * initials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/name.h"
#include "util/limits.h"

/* A literal and its length, NULs inside included. */
#define IN(s) s, sizeof(s) - 1

static int
clean(const char *s, size_t n, struct buf *out)
{
    char *p = test_exact(s, n);
    int rc = name_clean(p, n, out);

    free(p);
    return rc;
}

static int
key(const char *s, size_t n, struct buf *out)
{
    char *p = test_exact(s, n);
    int rc = name_key(p, n, out);

    free(p);
    return rc;
}

static int
split(const char *infix, const char *last, struct name_parts *out)
{
    size_t il = strlen(infix), ll = strlen(last);
    char *pi = test_exact(infix, il), *pl = test_exact(last, ll);
    int rc = name_split(pi, il, pl, ll, out);

    free(pi);
    free(pl);
    return rc;
}

/* Compare and name the case on a mismatch. */
static void
expect_str(const char *what, const char *in, const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        print_message("%s(\"%s\"): got \"%s\", want \"%s\"\n", what, in, got,
                      want);
    assert_string_equal(got, want);
}

/* --- name_utf8_check --------------------------------------------------- */

struct utf8_case {
    const char *name;
    const char *in;
    size_t len;
    int rc;
    size_t bad_at;
};

static const struct utf8_case utf8_cases[] = {
    {"empty", IN(""), 0, 0},
    {"ascii", IN("Jansen"), 0, 6},
    {"embedded NUL", IN("Jan\0sen"), 0, 7},
    {"2-byte", IN("Zo\xc3\xab"), 0, 4},
    {"3-byte", IN("\xe2\x82\xac"), 0, 3},
    {"4-byte", IN("\xf0\x9f\x98\x80"), 0, 4},
    {"U+10FFFF", IN("\xf4\x8f\xbf\xbf"), 0, 4},
    {"U+D7FF", IN("\xed\x9f\xbf"), 0, 3},
    {"U+E000", IN("\xee\x80\x80"), 0, 3},
    {"lone continuation", IN("ab\x80"), TOCSIN_EFORMAT, 2},
    {"continuation first", IN("\xbf"), TOCSIN_EFORMAT, 0},
    {"overlong slash C0", IN("a\xc0\xaf"), TOCSIN_EFORMAT, 1},
    {"overlong C1", IN("\xc1\xbf"), TOCSIN_EFORMAT, 0},
    {"overlong 3-byte", IN("x\xe0\x80\xaf"), TOCSIN_EFORMAT, 1},
    {"overlong 3-byte max", IN("\xe0\x9f\xbf"), TOCSIN_EFORMAT, 0},
    {"overlong 4-byte", IN("\xf0\x80\x80\xaf"), TOCSIN_EFORMAT, 0},
    {"overlong 4-byte max", IN("\xf0\x8f\xbf\xbf"), TOCSIN_EFORMAT, 0},
    {"surrogate D800", IN("ok\xed\xa0\x80"), TOCSIN_EFORMAT, 2},
    {"surrogate DFFF", IN("\xed\xbf\xbf"), TOCSIN_EFORMAT, 0},
    {"surrogate pair", IN("\xed\xa0\xbd\xed\xb8\x80"), TOCSIN_EFORMAT, 0},
    {"above U+10FFFF", IN("\xf4\x90\x80\x80"), TOCSIN_EFORMAT, 0},
    {"F5 lead", IN("\xf5\x80\x80\x80"), TOCSIN_EFORMAT, 0},
    {"FE byte", IN("a\xfe"), TOCSIN_EFORMAT, 1},
    {"FF byte", IN("\xff"), TOCSIN_EFORMAT, 0},
    {"truncated 2-byte at end", IN("Zo\xc3"), TOCSIN_EFORMAT, 2},
    {"truncated 3-byte at end", IN("\xe2\x82"), TOCSIN_EFORMAT, 0},
    {"truncated 4-byte at end", IN("a\xf0\x9f\x98"), TOCSIN_EFORMAT, 1},
    {"truncated 3-byte mid", IN("\xe2\202A"), TOCSIN_EFORMAT, 0},
    {"truncated before NUL", IN("\xc3\0"), TOCSIN_EFORMAT, 0},
    {"bad after good", IN("Zo\xc3\xab\xc3\x28"), TOCSIN_EFORMAT, 4},
};

static void
test_utf8_check(void **state)
{
    size_t i, bad;
    char *p;
    int rc;

    (void)state;
    for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
        const struct utf8_case *c = &utf8_cases[i];

        p = test_exact(c->in, c->len);
        bad = 12345;
        rc = name_utf8_check(p, c->len, &bad);
        if (rc != c->rc || bad != c->bad_at)
            print_message("case %s: rc %d bad_at %zu\n", c->name, rc, bad);
        assert_int_equal(rc, c->rc);
        assert_int_equal(bad, c->bad_at);
        assert_int_equal(name_utf8_check(p, c->len, NULL), c->rc);
        free(p);
    }
}

/* Every function refuses ill-formed UTF-8 and leaves its output empty. */
static void
test_invalid_utf8_everywhere(void **state)
{
    struct buf out;
    struct name_parts parts;
    size_t i;
    char *p;

    (void)state;
    buf_init(&out, NAME_OUT_MAX);
    name_parts_init(&parts);
    for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
        const struct utf8_case *c = &utf8_cases[i];

        if (c->rc == 0)
            continue;
        p = test_exact(c->in, c->len);
        assert_int_equal(buf_appends(&out, "stale"), 0);
        assert_int_equal(name_clean(p, c->len, &out), TOCSIN_EFORMAT);
        assert_int_equal(buf_len(&out), 0);
        assert_int_equal(buf_appends(&out, "stale"), 0);
        assert_int_equal(name_key(p, c->len, &out), TOCSIN_EFORMAT);
        assert_int_equal(buf_len(&out), 0);
        assert_int_equal(buf_appends(&out, "stale"), 0);
        assert_int_equal(name_initials(p, c->len, &out), TOCSIN_EFORMAT);
        assert_int_equal(buf_len(&out), 0);
        assert_int_equal(name_is_initials(p, c->len), 0);
        assert_int_equal(name_split("", 0, p, c->len, &parts), TOCSIN_EFORMAT);
        assert_int_equal(buf_len(&parts.surname), 0);
        assert_int_equal(name_split(p, c->len, "Berg", 4, &parts),
                         TOCSIN_EFORMAT);
        assert_int_equal(buf_len(&parts.surname), 0);
        assert_int_equal(parts.flags, 0);
        free(p);
    }
    name_parts_free(&parts);
    buf_free(&out);
}

/* --- name_clean -------------------------------------------------------- */

struct str_case {
    const char *in;
    size_t len;
    const char *want;
};

static const struct str_case clean_cases[] = {
    {IN(""), ""},
    {IN("Jansen"), "Jansen"},
    {IN("  Jan   Peter  "), "Jan Peter"},
    {IN("\tJan\r\nPeter\n"), "Jan Peter"},
    {IN("Jan\x0bPeter\x0c"), "Jan Peter"},
    {IN("   "), ""},
    {IN("Jan\0sen"), "Jansen"},
    {IN("Zo\xc3\xab\0x\x01"), "Zo\xc3\253x"},
    {IN("Ja\x01n\x1b[31m\x7f"), "Jan[31m"},
    {IN("van\xc2\240der\xc2\240Berg"), "van der Berg"}, /* NBSP */
    {IN("Anna\xe3\x80\x80Li"), "Anna Li"},              /* ideographic space */
    {IN("Anna\xe2\x80\xa8Li\xe2\x80\xa9"), "Anna Li"},  /* LS, PS */
    {IN("Anna\xc2\x85Li"), "Anna Li"},                  /* NEL */
    {IN("\xe2\x80\x83Jan\xe2\x80\xaf"), "Jan"},         /* em space, NNBSP */
    {IN("Jan\xe2\x80\x8bsen"), "Jansen"},               /* ZWSP */
    {IN("Jan\xc2\xadsen"), "Jansen"},                   /* soft hyphen */
    {IN("\xef\xbb\xbfJansen"), "Jansen"},               /* BOM */
    {IN("\xe2\x80\xaeneslaJ\xe2\x80\xac"), "neslaJ"},   /* RLO, PDF */
    {IN("Jan\xe2\x81\xa6sen\xe2\x81\xa9"), "Jansen"},   /* LRI, PDI */
    {IN("\xd9\x85\xe2\x80\x8c\xd9\x86"),
     "\xd9\x85\xe2\x80\x8c\xd9\x86"},  /* ZWNJ kept */
    {IN("Zoe\xcc\x88"), "Zo\xc3\xab"}, /* NFC */
    {IN("Zo\xc3\xab"), "Zo\xc3\xab"},
    {IN("C\xcc\247elik"), "\xc3\207elik"},
    {IN("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab"), "\xed\x95\x9c"}, /* jamo */
    {IN("\xe2\x84\xab"), "\xc3\x85"},           /* angstrom sign: canonical */
    {IN("\xef\xac\201ona"), "\xef\xac\201ona"}, /* fi ligature: compat, kept */
    {IN("O'Brien-Smith, Jr."), "O'Brien-Smith, Jr."},
    {IN("D\xe2\x80\x99Hondt"), "D\xe2\x80\x99Hondt"},
    {IN("\xc3\207ELIK"), "\xc3\207ELIK"},
    /* marks reordered after a dropped format character between them */
    {IN("a\xcc\x81\xe2\x80\x8b\xcc\xa3"), "\xe1\xba\xa1\xcc\x81"},
    {IN("e\xe2\x80\x8b\xcc\x81"), "\xc3\xa9"},
};

static void
test_clean(void **state)
{
    struct buf out;
    size_t i;

    (void)state;
    buf_init(&out, NAME_OUT_MAX);
    for (i = 0; i < sizeof(clean_cases) / sizeof(clean_cases[0]); i++) {
        assert_int_equal(buf_appends(&out, "stale"), 0);
        assert_int_equal(clean(clean_cases[i].in, clean_cases[i].len, &out),
                         0);
        expect_str("clean", clean_cases[i].in, buf_str(&out),
                   clean_cases[i].want);
    }
    buf_free(&out);
}

/* --- name_key ---------------------------------------------------------- */

static const struct str_case key_cases[] = {
    {IN(""), ""},
    {IN("   "), ""},
    {IN("Jansen"), "jansen"},
    {IN("\xc3\207elik"), "celik"},
    {IN("\xc3\207EL\xc4\xb0K"), "celik"},
    {IN("Celik"), "celik"},
    {IN("C\xcc\247elik"), "celik"},
    {IN("Zo\xc3\xab"), "zoe"},
    {IN("Zoe\xcc\x88"), "zoe"},
    {IN("Wi\xc5\x9bniewska"), "wisniewska"},
    {IN("d'Hondt"), "dhondt"},
    {IN("D'hondt"), "dhondt"},
    {IN("D\xe2\x80\x99Hondt"), "dhondt"},
    {IN("d\xc2\xb4Hondt"), "dhondt"},
    {IN("d`Hondt"), "dhondt"},
    {IN("d\xca\xbcHondt"), "dhondt"},
    {IN("O'Brien"), "obrien"},
    {IN("in 't Veld"), "in t veld"},
    {IN("Jan-Peter"), "jan peter"},
    {IN("Jan\xe2\x80\x90Peter"), "jan peter"}, /* U+2010 hyphen */
    {IN("J.P."), "j p"},
    {IN("Berg, van der"), "berg van der"},
    {IN("v/d Berg"), "v d berg"},
    {IN("  M\xc3\xbcller\t"), "muller"},
    {IN("\xc5\x81ukasz"), "lukasz"},
    {IN("\xc3\x98ster"), "oster"},
    {IN("\xc3\270ster"), "oster"},
    {IN("\xc4\x90or\xc4\221evi\xc4\x87"), "dordevic"},
    {IN("Stra\xc3\237e"), "strasse"},
    {IN("STRA\xe1\xba\236E"), "strasse"},
    {IN("\xc3\x86sir"), "aesir"},
    {IN("\xc5\x92uvre"), "oeuvre"},
    {IN("Yald\xc4\xb1z"), "yaldiz"},
    {IN("\xc4\xb2sselmeer"), "ijsselmeer"},
    {IN("\xc3\x9e\xc3\xb3r"), "thor"},
    {IN("Gu\xc3\xb0r\xc3\xban"), "gudrun"},
    {IN("\xc6\x8fliyev"), "aliyev"},
    {IN("Nguy\xe1\xbb\x85n"), "nguyen"},
    {IN("\xc8\x98tefan"), "stefan"},
    {IN("\xef\xac\x81ona"), "fiona"},                    /* NFKC ligature */
    {IN("\xef\xbc\xaa\xef\xbd\x81\xef\xbd\x8e"), "jan"}, /* fullwidth */
    {IN("Para\xc5\x80lel"), "parallel"}, /* l with middle dot */
    {IN("Jan\0sen"), "jansen"},
    {IN("Zo\xc3\xab\0x\x01"), "zoex"},
    {IN("Jan\xe2\x80\x8bsen"), "jansen"},
    {IN("Jan\xc2\xa0Peter"), "jan peter"},
    {IN("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"),
     "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd"},
    {IN("\xed\x95\x9c"), "\xed\x95\x9c"}, /* Hangul recomposed */
    {IN("Smith & Sons"), "smith sons"},
    {IN("A^B"), "ab"},
    {IN("R2-D2"), "r2 d2"},
};

static void
test_key(void **state)
{
    struct buf out;
    size_t i;

    (void)state;
    buf_init(&out, NAME_OUT_MAX);
    for (i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
        assert_int_equal(buf_appends(&out, "stale"), 0);
        assert_int_equal(key(key_cases[i].in, key_cases[i].len, &out), 0);
        expect_str("key", key_cases[i].in, buf_str(&out), key_cases[i].want);
    }
    buf_free(&out);
}

/* name_key(name_clean(x)) == name_key(x) on every case above. */
static void
test_key_of_clean(void **state)
{
    const struct str_case *sets[] = {clean_cases, key_cases};
    const size_t n[] = {sizeof(clean_cases) / sizeof(clean_cases[0]),
                        sizeof(key_cases) / sizeof(key_cases[0])};
    struct buf c, k1, k2;
    size_t s, i;

    (void)state;
    buf_init(&c, NAME_OUT_MAX);
    buf_init(&k1, NAME_OUT_MAX);
    buf_init(&k2, NAME_OUT_MAX);
    for (s = 0; s < 2; s++) {
        for (i = 0; i < n[s]; i++) {
            assert_int_equal(key(sets[s][i].in, sets[s][i].len, &k1), 0);
            assert_int_equal(clean(sets[s][i].in, sets[s][i].len, &c), 0);
            assert_int_equal(key(buf_str(&c), buf_len(&c), &k2), 0);
            expect_str("key(clean)", sets[s][i].in, buf_str(&k2),
                       buf_str(&k1));
        }
    }
    buf_free(&c);
    buf_free(&k1);
    buf_free(&k2);
}

/*
 * The ASCII fast path and the Unicode path agree: for every ASCII byte b,
 * the key of "e" b "y" (fast) equals that of "e-acute" b "y" (utf8proc),
 * and likewise for the display form of "x" b "y" and "x" b "y" + U+00E9.
 */
static void
test_ascii_paths_agree(void **state)
{
    struct buf a, u;
    char fast[3], slow[4], cfast[5], cslow[5];
    int b;

    (void)state;
    buf_init(&a, NAME_OUT_MAX);
    buf_init(&u, NAME_OUT_MAX);
    for (b = 0; b < 0x80; b++) {
        fast[0] = 'e';
        fast[1] = (char)b;
        fast[2] = 'y';
        slow[0] = '\xc3';
        slow[1] = '\xa9';
        slow[2] = (char)b;
        slow[3] = 'y';
        assert_int_equal(key(fast, 3, &a), 0);
        assert_int_equal(key(slow, 4, &u), 0);
        if (strcmp(buf_str(&a), buf_str(&u)) != 0)
            print_message("byte 0x%02x: \"%s\" vs \"%s\"\n", b, buf_str(&a),
                          buf_str(&u));
        assert_string_equal(buf_str(&a), buf_str(&u));

        memcpy(cfast, "x?y", 3);
        cfast[1] = (char)b;
        memcpy(cslow, "x?y\xc3\xa9", 5);
        cslow[1] = (char)b;
        assert_int_equal(clean(cfast, 3, &a), 0);
        assert_int_equal(clean(cslow, 5, &u), 0);
        assert_int_equal(buf_len(&u), buf_len(&a) + 2);
        assert_memory_equal(buf_str(&a), buf_str(&u), buf_len(&a));
    }
    buf_free(&a);
    buf_free(&u);
}

static void
test_limits(void **state)
{
    char *big = malloc(LIMIT_NAME_INPUT + 1);
    struct buf out, small;
    size_t i;

    (void)state;
    assert_non_null(big);
    buf_init(&out, NAME_OUT_MAX);
    memset(big, 'a', LIMIT_NAME_INPUT + 1);
    /* Exactly at the limit: accepted, all of it. */
    assert_int_equal(name_clean(big, LIMIT_NAME_INPUT, &out), 0);
    assert_int_equal(buf_len(&out), LIMIT_NAME_INPUT);
    assert_int_equal(name_key(big, LIMIT_NAME_INPUT, &out), 0);
    assert_int_equal(buf_len(&out), LIMIT_NAME_INPUT);
    /* One byte over: malformed, never cut. */
    assert_int_equal(name_clean(big, LIMIT_NAME_INPUT + 1, &out),
                     TOCSIN_EFORMAT);
    assert_int_equal(buf_len(&out), 0);
    assert_int_equal(name_key(big, LIMIT_NAME_INPUT + 1, &out),
                     TOCSIN_EFORMAT);
    assert_int_equal(name_is_initials(big, LIMIT_NAME_INPUT + 1), 0);

    /* U+FDFA decomposes to 18 code points under NFKC: 170 of them (510
     * bytes) pass the byte limit but not LIMIT_NAME_CODEPOINTS. */
    for (i = 0; i + 3 <= LIMIT_NAME_INPUT; i += 3)
        memcpy(big + i, "\xef\xb7\xba", 3);
    assert_int_equal(name_key(big, i, &out), TOCSIN_EFORMAT);
    assert_int_equal(buf_len(&out), 0);
    assert_int_equal(name_clean(big, i, &out), 0); /* NFC keeps it */
    assert_int_equal(buf_len(&out), i);
    /* 100 of them (1800 code points) fit. */
    assert_int_equal(name_key(big, 300, &out), 0);
    assert_int_equal(buf_len(&out), 100 * 33);

    /* Output buffer too small: TOCSIN_ELIMIT and empty. */
    buf_init(&small, 4);
    assert_int_equal(name_clean("Jansen", 6, &small), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&small), 0);
    assert_int_equal(name_key("Jan", 3, &small), 0);
    assert_string_equal(buf_str(&small), "jan");
    assert_int_equal(name_initials("A B C D E", 9, &small), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&small), 0);
    buf_free(&small);
    buf_free(&out);
    free(big);
}

/* --- name_split -------------------------------------------------------- */

struct split_case {
    const char *infix, *last;
    const char *want_infix, *want_class, *want_surname, *want_key, *want_full;
    unsigned flags;
};

static const struct split_case split_cases[] = {
    /* separate infix */
    {"van der", "Berg", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_SEPARATE},
    {"Van Der", "BERG", "van der", "vd", "BERG", "berg", "vanderberg",
     NAME_INFIX_SEPARATE},
    {"v.d.", "Berg", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_SEPARATE | NAME_INFIX_ABBREV},
    {"v.", "Dijk", "v.", "van", "Dijk", "dijk", "vdijk",
     NAME_INFIX_SEPARATE | NAME_INFIX_ABBREV},
    {"'t", "Hart", "'t", "'t", "Hart", "hart", "thart", NAME_INFIX_SEPARATE},
    {"d'", "Hondt", "d'", "d'", "Hondt", "hondt", "dhondt",
     NAME_INFIX_SEPARATE},
    {"van der", "van der Berg", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_SEPARATE | NAME_INFIX_DUPLICATE},
    {"van der", "v.d. Berg", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_SEPARATE | NAME_INFIX_DUPLICATE},
    {"de", "van Berg", "de", "de", "van Berg", "van berg", "devanberg",
     NAME_INFIX_SEPARATE},
    {"El", "Amrani", "el", "el", "Amrani", "amrani", "elamrani",
     NAME_INFIX_SEPARATE | NAME_INFIX_UNKNOWN},
    {" . ", "Berg", "", "", "Berg", "berg", "berg", 0},
    {"van", "", "van", "van", "", "", "van", NAME_INFIX_SEPARATE},
    /* leading, any case */
    {"", "van der Berg", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_LEADING},
    {"", "Van Der Berg", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_LEADING},
    {"", "VAN DER BERG", "van der", "vd", "BERG", "berg", "vanderberg",
     NAME_INFIX_LEADING},
    {"", "  van  den\tBerg ", "van den", "vd", "Berg", "berg", "vandenberg",
     NAME_INFIX_LEADING},
    {"", "van de Velde", "van de", "vd", "Velde", "velde", "vandevelde",
     NAME_INFIX_LEADING},
    {"", "de Jong", "de", "de", "Jong", "jong", "dejong", NAME_INFIX_LEADING},
    {"", "in 't Veld", "in 't", "in 't", "Veld", "veld", "intveld",
     NAME_INFIX_LEADING},
    {"", "in het Veld", "in het", "in 't", "Veld", "veld", "inhetveld",
     NAME_INFIX_LEADING},
    {"", "van 't Hof", "van 't", "van 't", "Hof", "hof", "vanthof",
     NAME_INFIX_LEADING},
    {"", "van\xe2\x80\x99t Hof", "van 't", "van 't", "Hof", "hof", "vanthof",
     NAME_INFIX_LEADING},
    {"", "in't Veld", "in 't", "in 't", "Veld", "veld", "intveld",
     NAME_INFIX_LEADING},
    {"", "van \xe2\x80\x99t Hof", "van 't", "van 't", "Hof", "hof", "vanthof",
     NAME_INFIX_LEADING},
    {"", "'t Hart", "'t", "'t", "Hart", "hart", "thart", NAME_INFIX_LEADING},
    {"", "ter Horst", "ter", "ter", "Horst", "horst", "terhorst",
     NAME_INFIX_LEADING},
    {"", "ten Cate", "ten", "ten", "Cate", "cate", "tencate",
     NAME_INFIX_LEADING},
    {"", "te Riele", "te", "te", "Riele", "riele", "teriele",
     NAME_INFIX_LEADING},
    {"", "op de Beeck", "op de", "op de", "Beeck", "beeck", "opdebeeck",
     NAME_INFIX_LEADING},
    {"", "uit de Bos", "uit de", "uit de", "Bos", "bos", "uitdebos",
     NAME_INFIX_LEADING},
    {"", "de la Cruz", "de la", "de la", "Cruz", "cruz", "delacruz",
     NAME_INFIX_LEADING},
    {"", "Del Piero", "del", "del", "Piero", "piero", "delpiero",
     NAME_INFIX_LEADING},
    {"", "da Silva", "da", "da", "Silva", "silva", "dasilva",
     NAME_INFIX_LEADING},
    {"", "von Braun", "von", "von", "Braun", "braun", "vonbraun",
     NAME_INFIX_LEADING},
    {"", "zu Guttenberg", "zu", "zu", "Guttenberg", "guttenberg",
     "zuguttenberg", NAME_INFIX_LEADING},
    {"", "von und zu Liechtenstein", "von und zu", "von und zu",
     "Liechtenstein", "liechtenstein", "vonundzuliechtenstein",
     NAME_INFIX_LEADING},
    {"", "voor in 't Holt", "voor in 't", "voor in 't", "Holt", "holt",
     "voorintholt", NAME_INFIX_LEADING},
    {"", "van der Berg-de Vries", "van der", "vd", "Berg-de Vries",
     "berg de vries", "vanderbergdevries", NAME_INFIX_LEADING},
    {"", "Vanden Bossche", "van den", "vd", "Bossche", "bossche",
     "vandenbossche", NAME_INFIX_LEADING},
    /* abbreviated */
    {"", "vd Berg", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_LEADING | NAME_INFIX_ABBREV},
    {"", "v.d. Berg", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_LEADING | NAME_INFIX_ABBREV},
    {"", "Vd. Berg", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_LEADING | NAME_INFIX_ABBREV},
    {"", "V.D. BERG", "v.d.", "vd", "BERG", "berg", "vdberg",
     NAME_INFIX_LEADING | NAME_INFIX_ABBREV},
    {"", "v/d Berg", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_LEADING | NAME_INFIX_ABBREV},
    {"", "v.d.Berg", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_LEADING | NAME_INFIX_ABBREV},
    {"", "v. d. Berg", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_LEADING | NAME_INFIX_ABBREV},
    /* reversed */
    {"", "Berg, van der", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_REVERSED},
    {"", "Berg ,van der ", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_REVERSED},
    {"", "Berg van der", "van der", "vd", "Berg", "berg", "vanderberg",
     NAME_INFIX_REVERSED},
    {"", "Berg, v.d.", "v.d.", "vd", "Berg", "berg", "vdberg",
     NAME_INFIX_REVERSED | NAME_INFIX_ABBREV},
    {"", "Hart, 't", "'t", "'t", "Hart", "hart", "thart", NAME_INFIX_REVERSED},
    {"", "Vries de", "de", "de", "Vries", "vries", "devries",
     NAME_INFIX_REVERSED},
    {"", "Jansen, Piet", "", "", "Jansen, Piet", "jansen piet", "jansenpiet",
     0},
    /* glued */
    {"", "vanderberg", "van der", "vd", "berg", "berg", "vanderberg",
     NAME_INFIX_GLUED},
    {"", "Vandenberg", "van den", "vd", "berg", "berg", "vandenberg",
     NAME_INFIX_GLUED},
    {"", "Vandevelde", "van de", "vd", "velde", "velde", "vandevelde",
     NAME_INFIX_GLUED},
    {"", "Opdebeeck", "op de", "op de", "beeck", "beeck", "opdebeeck",
     NAME_INFIX_GLUED},
    {"", "Uitdenbogaard", "uit den", "uit den", "bogaard", "bogaard",
     "uitdenbogaard", NAME_INFIX_GLUED},
    {"", "VanDenBerg", "", "", "VanDenBerg", "vandenberg", "vandenberg", 0},
    {"", "VANDENBERG", "", "", "VANDENBERG", "vandenberg", "vandenberg", 0},
    {"", "Vanderbo", "", "", "Vanderbo", "vanderbo", "vanderbo", 0},
    {"", "Vandenes", "", "", "Vandenes", "vandenes", "vandenes", 0},
    {"", "Vander", "", "", "Vander", "vander", "vander", 0},
    {"", "Vandam", "", "", "Vandam", "vandam", "vandam", 0},
    /* not infixes */
    {"", "Jansen", "", "", "Jansen", "jansen", "jansen", 0},
    {"", "El Amrani", "", "", "El Amrani", "el amrani", "elamrani", 0},
    {"", "Ait Ahmed", "", "", "Ait Ahmed", "ait ahmed", "aitahmed", 0},
    {"", "Tjon A Fong", "", "", "Tjon A Fong", "tjon a fong", "tjonafong", 0},
    {"", "Ben Ali", "", "", "Ben Ali", "ben ali", "benali", 0},
    {"", "Le Clercq", "", "", "Le Clercq", "le clercq", "leclercq", 0},
    {"", "d'Hondt", "", "", "d'Hondt", "dhondt", "dhondt", 0},
    {"", "D. Jansen", "", "", "D. Jansen", "d jansen", "djansen", 0},
    {"", "Smit-van der Berg", "", "", "Smit-van der Berg", "smit van der berg",
     "smitvanderberg", 0},
    {"", "De", "", "", "De", "de", "de", 0},
    {"", "van der", "van", "van", "der", "der", "vander", NAME_INFIX_LEADING},
    {"", "", "", "", "", "", "", 0},
    {"", "\xc3\207elik", "", "", "\xc3\207elik", "celik", "celik", 0},
    {"", "van der B\xc3\xbcrgh", "van der", "vd", "B\xc3\xbcrgh", "burgh",
     "vanderburgh", NAME_INFIX_LEADING},
};

static void
test_split(void **state)
{
    struct name_parts p;
    size_t i;

    (void)state;
    name_parts_init(&p);
    for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
        const struct split_case *c = &split_cases[i];

        assert_int_equal(split(c->infix, c->last, &p), 0);
        expect_str("split infix", c->last, buf_str(&p.infix), c->want_infix);
        expect_str("split class", c->last, buf_str(&p.infix_class),
                   c->want_class);
        expect_str("split surname", c->last, buf_str(&p.surname),
                   c->want_surname);
        expect_str("split key", c->last, buf_str(&p.surname_key), c->want_key);
        expect_str("split full", c->last, buf_str(&p.full_key), c->want_full);
        if (p.flags != c->flags)
            print_message("split(\"%s\", \"%s\"): flags %#x, want %#x\n",
                          c->infix, c->last, p.flags, c->flags);
        assert_int_equal(p.flags, c->flags);
    }
    name_parts_free(&p);
}

/* Every infix of the table is found in its canonical spelling. */
static void
test_split_table(void **state)
{
    static const char *const leading[] = {
        "aan",      "aan de",   "aan den",  "aan der",    "aan het",
        "aan 't",   "bij",      "bij de",   "bij den",    "bij het",
        "bij 't",   "da",       "das",      "de",         "de la",
        "de las",   "de los",   "del",      "della",      "den",
        "der",      "des",      "di",       "dos",        "du",
        "het",      "in",       "in de",    "in den",     "in der",
        "in het",   "in 't",    "onder",    "onder de",   "onder den",
        "op",       "op de",    "op den",   "op der",     "op het",
        "op 't",    "op ten",   "over",     "over de",    "over den",
        "over het", "over 't",  "'t",       "te",         "ten",
        "ter",      "toe",      "tot",      "uit",        "uit de",
        "uit den",  "uit het",  "uit 't",   "uit te de",  "uit ten",
        "v.d.",     "van",      "van de",   "van den",    "van der",
        "van het",  "van 't",   "van ter",  "vom",        "von",
        "von dem",  "von den",  "von der",  "von und zu", "voor",
        "voor de",  "voor den", "voor het", "voor in 't", "voor 't",
        "zu",       "zum",      "zur",
    };
    /* Only recognised in the separate field; in the last name "D. Jansen"
     * and "V. Dijk" are more likely initials, "d'" and "l'" glued. */
    static const char *const separate_only[][2] = {
        {"d'", ""}, {"de l'", "de"}, {"l'", ""}, {"v.", ""}};
    struct name_parts p;
    char last[64];
    size_t i;

    (void)state;
    name_parts_init(&p);
    for (i = 0; i < sizeof(leading) / sizeof(leading[0]); i++) {
        snprintf(last, sizeof(last), "%s Berg", leading[i]);
        assert_int_equal(split("", last, &p), 0);
        expect_str("table", last, buf_str(&p.infix), leading[i]);
        expect_str("table", last, buf_str(&p.surname), "Berg");
        assert_true(p.flags & NAME_INFIX_LEADING);
        /* and as the separate field */
        assert_int_equal(split(leading[i], "Berg", &p), 0);
        expect_str("table", leading[i], buf_str(&p.infix), leading[i]);
        assert_int_equal(p.flags & NAME_INFIX_UNKNOWN, 0);
    }
    for (i = 0; i < sizeof(separate_only) / sizeof(separate_only[0]); i++) {
        assert_int_equal(split(separate_only[i][0], "Berg", &p), 0);
        expect_str("table", separate_only[i][0], buf_str(&p.infix),
                   separate_only[i][0]);
        assert_int_equal(p.flags & NAME_INFIX_UNKNOWN, 0);
        snprintf(last, sizeof(last), "%s Berg", separate_only[i][0]);
        assert_int_equal(split("", last, &p), 0);
        expect_str("table", last, buf_str(&p.infix), separate_only[i][1]);
    }
    name_parts_free(&p);
}

/* The spellings a resolver must see as one surname. */
static void
test_split_matches(void **state)
{
    static const char *const same[][2] = {
        {"", "van der Berg"}, {"van der", "Berg"}, {"", "Berg, van der"},
        {"", "v.d. Berg"},    {"", "vd Berg"},     {"", "Vanderberg"},
        {"", "VAN DER BERG"}, {"V.D.", "berg"},    {"", "Berg v/d"},
    };
    struct name_parts a, b;
    size_t i;

    (void)state;
    name_parts_init(&a);
    name_parts_init(&b);
    assert_int_equal(split(same[0][0], same[0][1], &a), 0);
    for (i = 1; i < sizeof(same) / sizeof(same[0]); i++) {
        assert_int_equal(split(same[i][0], same[i][1], &b), 0);
        expect_str("class", same[i][1], buf_str(&b.infix_class),
                   buf_str(&a.infix_class));
        expect_str("surname key", same[i][1], buf_str(&b.surname_key),
                   buf_str(&a.surname_key));
    }
    /* A one-word spelling with capitals is compared through full_key. */
    assert_int_equal(split("", "VanDerBerg", &b), 0);
    assert_string_equal(buf_str(&b.full_key), buf_str(&a.full_key));
    assert_string_not_equal(buf_str(&b.surname_key), buf_str(&a.surname_key));
    name_parts_free(&a);
    name_parts_free(&b);
}

static void
test_split_limits(void **state)
{
    struct name_parts p;
    char *big = malloc(LIMIT_NAME_INPUT + 1);
    size_t i;

    (void)state;
    assert_non_null(big);
    name_parts_init(&p);
    /* Many words: no infix search beyond NAME_TOKENS, but no error. */
    for (i = 0; i + 2 <= LIMIT_NAME_INPUT; i += 2)
        memcpy(big + i, "a ", 2);
    memcpy(big, "de ", 3);
    assert_int_equal(name_split("", 0, big, LIMIT_NAME_INPUT, &p), 0);
    assert_int_equal(buf_len(&p.surname), 2 + 2 * 254);
    assert_int_equal(p.flags, 0);
    /* Over the limit in either field. */
    assert_int_equal(name_split("", 0, big, LIMIT_NAME_INPUT + 1, &p),
                     TOCSIN_EFORMAT);
    assert_int_equal(name_split(big, LIMIT_NAME_INPUT + 1, "Berg", 4, &p),
                     TOCSIN_EFORMAT);
    assert_int_equal(buf_len(&p.surname), 0);
    /* A long single word is no infix but stays whole. */
    memset(big, 'x', LIMIT_NAME_INPUT);
    memcpy(big, "vander", 6);
    assert_int_equal(name_split("", 0, big, LIMIT_NAME_INPUT, &p), 0);
    assert_int_equal(p.flags, NAME_INFIX_GLUED);
    assert_int_equal(buf_len(&p.surname), LIMIT_NAME_INPUT - 6);
    name_parts_free(&p);
    free(big);
}

/* --- initials ---------------------------------------------------------- */

struct initials_case {
    const char *in;
    const char *want;
    int is_initials;
};

static const struct initials_case initials_cases[] = {
    {"J.P.", "JP", 1},
    {"J. P.", "JP", 1},
    {"JP", "JP", 1},
    {"J P", "JP", 1},
    {"J", "J", 1},
    {"J.", "J", 1},
    {"j.p.", "JP", 1},
    {"A.J.M.", "AJM", 1},
    {"HJM", "HJM", 1},
    {"Th.J.", "TJ", 1},
    {"Chr.", "C", 1},
    {"J.-P.", "JP", 1},
    {" J.P. ", "JP", 1},
    {"Jan Peter", "JP", 0},
    {"Jan-Peter", "JP", 0},
    {"Jean\xe2\x80\x93Pierre", "JP", 0}, /* en dash */
    {"Jan P.", "JP", 0},
    {"Jan", "J", 0},
    {"Jo", "J", 0},
    {"Bo", "B", 0},
    {"JO", "J", 0},
    {"BO", "B", 0},
    {"AJ", "A", 0},
    {"Jp", "J", 0},
    {"JAN", "J", 0},
    {"Johannes Petrus Maria", "JPM", 0},
    {"\xc3\x89mile", "E", 0},
    {"\xc5\x81ukasz", "L", 0},
    {"IJsbrand", "I", 0},
    {"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", "\xd0\x98", 0},
    {"Mary-Ann O'Neil", "MAO", 0},
    {"", "", 0},
    {"   ", "", 0},
    {". -", "", 0},
};

static void
test_initials(void **state)
{
    struct buf out;
    size_t i, n;
    char *p;

    (void)state;
    buf_init(&out, NAME_OUT_MAX);
    for (i = 0; i < sizeof(initials_cases) / sizeof(initials_cases[0]); i++) {
        const struct initials_case *c = &initials_cases[i];

        n = strlen(c->in);
        p = test_exact(c->in, n);
        assert_int_equal(buf_appends(&out, "stale"), 0);
        assert_int_equal(name_initials(p, n, &out), 0);
        expect_str("initials", c->in, buf_str(&out), c->want);
        if (name_is_initials(p, n) != c->is_initials)
            print_message("is_initials(\"%s\") != %d\n", c->in,
                          c->is_initials);
        assert_int_equal(name_is_initials(p, n), c->is_initials);
        free(p);
    }
    buf_free(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_invalid_utf8_everywhere),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_key_of_clean),
        cmocka_unit_test(test_ascii_paths_agree),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_split_table),
        cmocka_unit_test(test_split_matches),
        cmocka_unit_test(test_split_limits),
        cmocka_unit_test(test_initials),
    };

    return cmocka_run_group_tests_name("ingest_name", tests, NULL, NULL);
}
