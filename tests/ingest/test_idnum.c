/* Tests of ingest/idnum.h: BSN, BSN scanning, VAT numbers, ID documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/idnum.h"
#include "util/checkdigit.h"
#include "util/limits.h"

/* ---- bsn_normalize ---- */

struct bsn_ok {
    const char *in;
    const char *want;
    unsigned flags;
};

static const struct bsn_ok bsn_ok_cases[] = {
    {"123456782", "123456782", BSN_EXAMPLE},
    {"1234.56.782", "123456782", BSN_EXAMPLE},
    {"123 456 782", "123456782", BSN_EXAMPLE},
    {"123-456-782", "123456782", BSN_EXAMPLE},
    {" 123456782\t", "123456782", BSN_EXAMPLE},
    {"111111110", "111111110", BSN_EXAMPLE},
    {"999999990", "999999990", BSN_EXAMPLE},
    {"249566758", "249566758", 0},
    {"799642630", "799642630", 0},
    {"578230859", "578230859", 0},
    {"1328.45.751", "132845751", 0},
    {"570 178 216", "570178216", 0},
    {"76546792", "076546792", BSN_PADDED},
    {"8905.45.44", "089054544", BSN_PADDED},
    {"14633978", "014633978", BSN_PADDED},
};

static void
test_bsn_valid(void **state)
{
    char out[10];
    unsigned flags;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bsn_ok_cases / sizeof bsn_ok_cases[0]; i++) {
        const struct bsn_ok *c = &bsn_ok_cases[i];
        size_t n = strlen(c->in);
        char *p = test_exact(c->in, n);

        if (bsn_normalize(p, n, out, &flags) != 0)
            print_error("case %zu '%s'\n", i, c->in);
        assert_int_equal(bsn_normalize(p, n, out, &flags), 0);
        assert_string_equal(out, c->want);
        assert_int_equal(flags, c->flags);
        assert_true(checkdigit_bsn_valid(out));
        free(p);
    }
}

struct bad {
    const char *in;
    size_t len; /* 0: strlen(in) */
};

static const struct bad bsn_bad_cases[] = {
    {"", 0},
    {"   ", 0},
    {"123456789", 0}, /* fails the 11-check */
    {"000000000", 0}, /* sum 0 */
    {"00000000", 0},
    {"123456783", 0},
    {"1234567", 0},
    {"1234567890", 0},
    {"12345678a", 0},
    {"BSN 123456782", 0},
    {".123456782", 0},
    {"123456782.", 0},
    {"+123456782", 0},
    {"123_456_782", 0},
    {"123/456/782", 0},
    {"123\0"
     "456782",
     10},
    {"123456782\0", 10},
    {"1234567820", 0},
    {"123456782", 8}, /* only "12345678" is seen: padded fails */
};

static void
test_bsn_invalid(void **state)
{
    char out[10];
    unsigned flags;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bsn_bad_cases / sizeof bsn_bad_cases[0]; i++) {
        const struct bad *c = &bsn_bad_cases[i];
        size_t n = c->len ? c->len : strlen(c->in);
        char *p = test_exact(c->in, n);

        memcpy(out, "XXXXXXXXX", 10);
        if (bsn_normalize(p, n, out, &flags) != TOCSIN_EFORMAT)
            print_error("case %zu '%s'\n", i, c->in);
        assert_int_equal(bsn_normalize(p, n, out, &flags), TOCSIN_EFORMAT);
        assert_string_equal(out, "");
        assert_int_equal(flags, 0);
        free(p);
    }
}

static void
test_bsn_limits(void **state)
{
    char in[LIMIT_IDNUM_INPUT + 2], out[10];
    unsigned flags;

    (void)state;
    memset(in, ' ', sizeof in);
    memcpy(in, "123456782", 9);
    assert_int_equal(bsn_normalize(in, LIMIT_IDNUM_INPUT, out, &flags), 0);
    assert_int_equal(bsn_normalize(in, LIMIT_IDNUM_INPUT + 1, out, &flags),
                     TOCSIN_EFORMAT);
}

/* ---- bsn_scan ---- */

struct hits {
    size_t n;
    size_t off[8];
    size_t len[8];
    int stop_after; /* 0: never stop */
};

static int
collect(size_t off, size_t len, void *ctx)
{
    struct hits *h = ctx;

    assert_true(h->n < 8);
    h->off[h->n] = off;
    h->len[h->n] = len;
    h->n++;
    return h->stop_after && (int)h->n == h->stop_after ? 7 : 0;
}

struct scan_case {
    const char *text;
    size_t n; /* expected matches */
    size_t off[2];
    size_t len[2];
};

static const struct scan_case scan_cases[] = {
    {"BSN: 123456782", 1, {5}, {9}},
    {"BSN 123456782 genoteerd bij verificatie", 1, {4}, {9}},
    {"bsn:123456782", 1, {4}, {9}},
    {"BSN123456782", 1, {3}, {9}},
    {"123456782", 1, {0}, {9}},
    {"klant 1234.56.782 gebeld", 1, {6}, {11}},
    {"nr 123 456 782.", 1, {3}, {11}},
    {"nr 123-456-782", 1, {3}, {11}},
    {"sofi 765.46.792", 1, {5}, {10}},
    {"NL123456782B01", 1, {2}, {9}},
    {"a 123456782 b 799642630", 2, {2, 14}, {9, 9}},
    {"123456782,111111110", 2, {0, 10}, {9, 9}},
    /* no match */
    {"", 0, {0}, {0}},
    {"tel 0612345678", 0, {0}, {0}},
    {"tel 06-12345678", 0, {0}, {0}},
    {"tel +31612345678", 0, {0}, {0}},
    {"IBAN NL91ABNA0417164300", 0, {0}, {0}},
    {"IBAN NL91 ABNA 0417 1643 00", 0, {0}, {0}},
    {"IBAN NL02ABNA0123456789", 0, {0}, {0}},
    {"123456789", 0, {0}, {0}},          /* fails the 11-check */
    {"1234567820", 0, {0}, {0}},         /* longer run */
    {"0123456782", 0, {0}, {0}},         /* longer run */
    {"123456782123456782", 0, {0}, {0}}, /* longer run */
    {"06 123 456 782", 0, {0}, {0}},     /* part of a longer group */
    {"123 456 782 12", 0, {0}, {0}},     /* part of a longer group */
    {"1.123.456.782", 0, {0}, {0}},      /* an amount */
    {"123.456-782", 0, {0}, {0}},        /* mixed separators */
    {"123  456 782", 0, {0}, {0}},       /* two separators */
    {"12345.67.82", 0, {0}, {0}},
};

static void
test_scan(void **state)
{
    struct hits h;
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof scan_cases / sizeof scan_cases[0]; i++) {
        const struct scan_case *c = &scan_cases[i];
        size_t n = strlen(c->text);
        char *p = test_exact(c->text, n);

        memset(&h, 0, sizeof h);
        assert_int_equal(bsn_scan(p, n, collect, &h), 0);
        if (h.n != c->n)
            print_error("case %zu '%s': %zu matches\n", i, c->text, h.n);
        assert_int_equal(h.n, c->n);
        for (k = 0; k < c->n; k++) {
            assert_int_equal(h.off[k], c->off[k]);
            assert_int_equal(h.len[k], c->len[k]);
        }
        free(p);
    }
}

static void
test_scan_stop(void **state)
{
    static const char text[] = "123456782 en 799642630 en 111111110";
    struct hits h;

    (void)state;
    memset(&h, 0, sizeof h);
    h.stop_after = 2;
    assert_int_equal(bsn_scan(text, sizeof text - 1, collect, &h), 7);
    assert_int_equal(h.n, 2);
    /* the length bounds the scan: the last number is cut to 8 digits */
    memset(&h, 0, sizeof h);
    assert_int_equal(bsn_scan(text, sizeof text - 2, collect, &h), 0);
    assert_int_equal(h.n, 2);
}

/* ---- vat_normalize ---- */

struct vat_ok {
    const char *in;
    const char *want;
    unsigned flags;
    const char *bsn;
};

static const struct vat_ok vat_ok_cases[] = {
    {"NL123456782B01", "NL123456782B01", VAT_CONTAINS_BSN, "123456782"},
    {"nl 1234.56.782.b01", "NL123456782B01", VAT_CONTAINS_BSN, "123456782"},
    {"NL799642630B02", "NL799642630B02", VAT_CONTAINS_BSN, "799642630"},
    {"NL000099998B57", "NL000099998B57", VAT_NL_NEW, ""},
    {" NL0000 99998 B57 ", "NL000099998B57", VAT_NL_NEW, ""},
    {"NL002455799B11", "NL002455799B11", VAT_NL_NEW, ""},
    {"BE0123456789", "BE0123456789", VAT_FOREIGN, ""},
    {"BE 0123.456.789", "BE0123456789", VAT_FOREIGN, ""},
    {"DE123456789", "DE123456789", VAT_FOREIGN, ""},
    {"ATU12345678", "ATU12345678", VAT_FOREIGN, ""},
    {"FR40303265045", "FR40303265045", VAT_FOREIGN, ""},
    {"ESX1234567X", "ESX1234567X", VAT_FOREIGN, ""},
    {"GR123456789", "EL123456789", VAT_FOREIGN, ""},
    {"EL123456789", "EL123456789", VAT_FOREIGN, ""},
    {"IE1234567T", "IE1234567T", VAT_FOREIGN, ""},
    {"IE1234567TW", "IE1234567TW", VAT_FOREIGN, ""},
    {"GB123456789", "GB123456789", VAT_FOREIGN, ""},
    {"XIGD123", "XIGD123", VAT_FOREIGN, ""},
    {"CHE-123.456.789 MWST", "CHE123456789MWST", VAT_FOREIGN, ""},
    {"NO123456789MVA", "NO123456789MVA", VAT_FOREIGN, ""},
    {"SE123456789701", "SE123456789701", VAT_FOREIGN, ""},
    {"RO12", "RO12", VAT_FOREIGN, ""},
};

static void
test_vat_valid(void **state)
{
    struct buf out;
    char bsn[10];
    unsigned flags;
    size_t i;

    (void)state;
    buf_init(&out, 64);
    for (i = 0; i < sizeof vat_ok_cases / sizeof vat_ok_cases[0]; i++) {
        const struct vat_ok *c = &vat_ok_cases[i];
        size_t n = strlen(c->in);
        char *p = test_exact(c->in, n);
        int rc = vat_normalize(p, n, &out, &flags, bsn);

        if (rc != 0)
            print_error("case %zu '%s'\n", i, c->in);
        assert_int_equal(rc, 0);
        assert_string_equal(buf_str(&out), c->want);
        assert_int_equal(flags, c->flags);
        assert_string_equal(bsn, c->bsn);
        free(p);
    }
    /* bsn_out may be NULL */
    assert_int_equal(vat_normalize("NL123456782B01", 14, &out, &flags, NULL),
                     0);
    assert_int_equal(flags, VAT_CONTAINS_BSN);
    buf_free(&out);
}

static const struct bad vat_bad_cases[] = {
    {"", 0},
    {"hello", 0},
    {"NL", 0},
    {"NL123456789B01", 0}, /* neither 11-check nor mod 97 */
    {"NL000099998B58", 0},
    {"NL12345678B01", 0},
    {"NL123456782B1", 0},
    {"NL123456782C01", 0},
    {"NL123456782B012", 0},
    {"NLX23456782B01", 0},
    {"123456782B01", 0},
    {"DE12345678", 0},
    {"DE1234567890", 0},
    {"DEX23456789", 0},
    {"AT12345678", 0},
    {"XX123456789", 0},
    {"US123456789", 0},
    {"DE123456789!", 0},
    {"DE123_456_789", 0},
    {"DE12345\0"
     "6789",
     12},
    {"NL123456782B01", 13},
};

static void
test_vat_invalid(void **state)
{
    struct buf out;
    char bsn[10];
    unsigned flags;
    size_t i;

    (void)state;
    buf_init(&out, 64);
    for (i = 0; i < sizeof vat_bad_cases / sizeof vat_bad_cases[0]; i++) {
        const struct bad *c = &vat_bad_cases[i];
        size_t n = c->len ? c->len : strlen(c->in);
        char *p = test_exact(c->in, n);

        memcpy(bsn, "XXXXXXXXX", 10);
        if (vat_normalize(p, n, &out, &flags, bsn) != TOCSIN_EFORMAT)
            print_error("case %zu '%s'\n", i, c->in);
        assert_int_equal(vat_normalize(p, n, &out, &flags, bsn),
                         TOCSIN_EFORMAT);
        assert_int_equal(buf_len(&out), 0);
        assert_int_equal(flags, 0);
        assert_string_equal(bsn, "");
        free(p);
    }
    buf_free(&out);
}

static void
test_vat_limits(void **state)
{
    char in[LIMIT_IDNUM_INPUT + 2];
    struct buf out;
    unsigned flags;

    (void)state;
    buf_init(&out, 64);
    memset(in, ' ', sizeof in);
    memcpy(in, "DE123456789", 11);
    assert_int_equal(vat_normalize(in, LIMIT_IDNUM_INPUT, &out, &flags, NULL),
                     0);
    assert_int_equal(
        vat_normalize(in, LIMIT_IDNUM_INPUT + 1, &out, &flags, NULL),
        TOCSIN_EFORMAT);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
}

/* ---- iddoc ---- */

struct doc_ok {
    const char *type;
    const char *number;
    int want_type;
    const char *want;
    unsigned flags;
};

static const struct doc_ok doc_ok_cases[] = {
    {"paspoort", "NW3C4R7K1", IDDOC_PASSPORT, "NW3C4R7K1", 0},
    {"Paspoort", "nw3c4r7k1", IDDOC_PASSPORT, "NW3C4R7K1", 0},
    {"PASSPORT", "NW 3C4 R7K1", IDDOC_PASSPORT, "NW3C4R7K1", 0},
    {"nationaal paspoort", "BX1234567", IDDOC_PASSPORT, "BX1234567", 0},
    {"zakenpaspoort", "BX1234567", IDDOC_PASSPORT, "BX1234567", 0},
    {"identiteitskaart", "IX12AB3C4", IDDOC_ID_CARD, "IX12AB3C4", 0},
    {"ID-kaart", "ab-12cd-3e4", IDDOC_ID_CARD, "AB12CD3E4", 0},
    {"NIK", "IX12AB3C4", IDDOC_ID_CARD, "IX12AB3C4", 0},
    {"id card", "IX12AB3C4", IDDOC_ID_CARD, "IX12AB3C4", 0},
    {"Identity Card", "IX12AB3C4", IDDOC_ID_CARD, "IX12AB3C4", 0},
    {"rijbewijs", "1234567890", IDDOC_DRIVING_LICENCE, "1234567890", 0},
    {"Rijbewijs", "1234 567 890", IDDOC_DRIVING_LICENCE, "1234567890", 0},
    {"driving licence", "1234567890", IDDOC_DRIVING_LICENCE, "1234567890", 0},
    {"driving license", "1234567890", IDDOC_DRIVING_LICENCE, "1234567890", 0},
    {"Driver's License", "1234567890", IDDOC_DRIVING_LICENCE, "1234567890", 0},
    /* before 2014: letter O, or 8 characters */
    {"paspoort", "NO3C4R7K1", IDDOC_PASSPORT, "NO3C4R7K1", IDDOC_OLD_FORMAT},
    {"paspoort", "N1234567", IDDOC_PASSPORT, "N1234567", IDDOC_OLD_FORMAT},
    {"identiteitskaart", "123456789", IDDOC_ID_CARD, "123456789",
     IDDOC_OLD_FORMAT},
    {"verblijfsvergunning", "V1234567", IDDOC_OTHER, "V1234567", 0},
    {"", "AB1234567", IDDOC_OTHER, "AB1234567", IDDOC_TYPE_UNKNOWN},
    {"kaartje", "X1", IDDOC_OTHER, "X1", IDDOC_TYPE_UNKNOWN},
};

static void
test_iddoc_valid(void **state)
{
    struct iddoc d;
    unsigned flags;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof doc_ok_cases / sizeof doc_ok_cases[0]; i++) {
        const struct doc_ok *c = &doc_ok_cases[i];
        size_t tl = strlen(c->type), nl = strlen(c->number);
        char *t = test_exact(c->type, tl), *n = test_exact(c->number, nl);
        int rc = iddoc_normalize(t, tl, n, nl, &d, &flags);

        if (rc != 0)
            print_error("case %zu '%s' '%s'\n", i, c->type, c->number);
        assert_int_equal(rc, 0);
        assert_int_equal(d.type, c->want_type);
        assert_string_equal(d.number, c->want);
        assert_int_equal(flags, c->flags);
        free(t);
        free(n);
    }
}

struct doc_bad {
    const char *type;
    const char *number;
    size_t nlen; /* 0: strlen */
    int want_type;
};

static const struct doc_bad doc_bad_cases[] = {
    {"paspoort", "NW3C4R7", 0, IDDOC_PASSPORT},
    {"paspoort", "NW3C4R7K12", 0, IDDOC_PASSPORT},
    {"paspoort", "NW3C4R7K1!", 0, IDDOC_PASSPORT},
    {"paspoort", "", 0, IDDOC_PASSPORT},
    {"paspoort", " - ", 0, IDDOC_PASSPORT},
    {"paspoort", "NW3C4\0R7K1", 10, IDDOC_PASSPORT},
    {"ID-kaart", "NW3C4R7K", 7, IDDOC_ID_CARD},
    {"rijbewijs", "123456789", 0, IDDOC_DRIVING_LICENCE},
    {"rijbewijs", "12345678901", 0, IDDOC_DRIVING_LICENCE},
    {"rijbewijs", "12345678AB", 0, IDDOC_DRIVING_LICENCE},
    {"other", "ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567", 0, IDDOC_OTHER},
};

static void
test_iddoc_invalid(void **state)
{
    char big[LIMIT_IDNUM_INPUT + 2];
    struct iddoc d;
    unsigned flags;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof doc_bad_cases / sizeof doc_bad_cases[0]; i++) {
        const struct doc_bad *c = &doc_bad_cases[i];
        size_t tl = strlen(c->type),
               nl = c->nlen ? c->nlen : strlen(c->number);
        char *t = test_exact(c->type, tl), *n = test_exact(c->number, nl);
        int rc = iddoc_normalize(t, tl, n, nl, &d, &flags);

        if (rc != TOCSIN_EFORMAT)
            print_error("case %zu '%s' '%s'\n", i, c->type, c->number);
        assert_int_equal(rc, TOCSIN_EFORMAT);
        assert_int_equal(d.type, c->want_type);
        assert_string_equal(d.number, "");
        assert_int_equal(flags & IDDOC_OLD_FORMAT, 0);
        free(t);
        free(n);
    }
    /* number field over the input limit, even as blanks */
    memset(big, ' ', sizeof big);
    memcpy(big, "NW3C4R7K1", 9);
    assert_int_equal(
        iddoc_normalize("paspoort", 8, big, LIMIT_IDNUM_INPUT, &d, &flags), 0);
    assert_int_equal(
        iddoc_normalize("paspoort", 8, big, LIMIT_IDNUM_INPUT + 1, &d, &flags),
        TOCSIN_EFORMAT);
    /* 32 characters pass as OTHER, 33 do not (never cut) */
    assert_int_equal(iddoc_normalize("x", 1,
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456", 32,
                                     &d, &flags),
                     0);
    assert_int_equal(strlen(d.number), 32);
    /* an overlong type word is unknown, the number still counts */
    memset(big, 'a', sizeof big);
    assert_int_equal(
        iddoc_normalize(big, LIMIT_IDDOC_TYPE + 1, "X1", 2, &d, &flags), 0);
    assert_int_equal(d.type, IDDOC_OTHER);
    assert_int_equal(flags, IDDOC_TYPE_UNKNOWN);
}

static void
test_iddoc_mask(void **state)
{
    struct buf out;

    (void)state;
    buf_init(&out, 64);
    assert_int_equal(iddoc_mask("NW3C4R7K1", 9, &out), 0);
    assert_string_equal(buf_str(&out), "*******K1");
    assert_int_equal(iddoc_mask("1234567890", 10, &out), 0);
    assert_string_equal(buf_str(&out), "********90");
    assert_int_equal(iddoc_mask("ABCD", 4, &out), 0);
    assert_string_equal(buf_str(&out), "**CD");
    assert_int_equal(iddoc_mask("ABC", 3, &out), 0);
    assert_string_equal(buf_str(&out), "***");
    assert_int_equal(
        iddoc_mask("ABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890", 36, &out), 0);
    assert_string_equal(buf_str(&out), "**********************************90");
    assert_int_equal(iddoc_mask("", 0, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);

    assert_string_equal(iddoc_type_name(IDDOC_PASSPORT), "PASSPORT");
    assert_string_equal(iddoc_type_name(IDDOC_ID_CARD), "ID_CARD");
    assert_string_equal(iddoc_type_name(IDDOC_DRIVING_LICENCE),
                        "DRIVING_LICENCE");
    assert_string_equal(iddoc_type_name(IDDOC_OTHER), "OTHER");
    assert_string_equal(iddoc_type_name(99), "OTHER");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bsn_valid),
        cmocka_unit_test(test_bsn_invalid),
        cmocka_unit_test(test_bsn_limits),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_scan_stop),
        cmocka_unit_test(test_vat_valid),
        cmocka_unit_test(test_vat_invalid),
        cmocka_unit_test(test_vat_limits),
        cmocka_unit_test(test_iddoc_valid),
        cmocka_unit_test(test_iddoc_invalid),
        cmocka_unit_test(test_iddoc_mask),
    };

    return cmocka_run_group_tests_name("ingest_idnum", tests, NULL, NULL);
}
