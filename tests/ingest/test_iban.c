/* Tests of ingest/iban.h: registry, electronic form, reasons, mask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/iban.h"
#include "util/checkdigit.h"
#include "util/limits.h"

#define FLAG_MASK ((1u << IBAN_REASON_SHIFT) - 1)

static int
norm(const char *s, size_t n, struct buf *out, unsigned *flags)
{
    char *p = test_exact(s, n);
    int rc = iban_normalize(p, n, out, flags);

    free(p);
    return rc;
}

/*
 * The SWIFT IBAN registry (release 100): 89 countries, their lengths and,
 * where known, the registry's own example. Examples left NULL are made in
 * the test with checkdigit_iban_compute().
 */
static const struct country {
    const char *cc;
    int len;
    const char *example;
} countries[] = {
    {"AD", 24, "AD1200012030200359100100"},
    {"AE", 23, "AE070331234567890123456"},
    {"AL", 28, "AL47212110090000000235698741"},
    {"AT", 20, "AT611904300234573201"},
    {"AZ", 28, "AZ21NABZ00000000137010001944"},
    {"BA", 20, "BA391290079401028494"},
    {"BE", 16, "BE68539007547034"},
    {"BG", 22, "BG80BNBG96611020345678"},
    {"BH", 22, "BH67BMAG00001299123456"},
    {"BI", 27, NULL},
    {"BR", 29, "BR1800360305000010009795493C1"},
    {"BY", 28, "BY13NBRB3600900000002Z00AB00"},
    {"CH", 21, "CH9300762011623852957"},
    {"CR", 22, "CR05015202001026284066"},
    {"CY", 28, "CY17002001280000001200527600"},
    {"CZ", 24, "CZ6508000000192000145399"},
    {"DE", 22, "DE89370400440532013000"},
    {"DJ", 27, NULL},
    {"DK", 18, "DK5000400440116243"},
    {"DO", 28, "DO28BAGR00000001212453611324"},
    {"EE", 20, "EE382200221020145685"},
    {"EG", 29, "EG380019000500000000263180002"},
    {"ES", 24, "ES9121000418450200051332"},
    {"FI", 18, "FI2112345600000785"},
    {"FK", 18, NULL},
    {"FO", 18, "FO6264600001631634"},
    {"FR", 27, "FR1420041010050500013M02606"},
    {"GB", 22, "GB29NWBK60161331926819"},
    {"GE", 22, "GE29NB0000000101904917"},
    {"GI", 23, "GI75NWBK000000007099453"},
    {"GL", 18, "GL8964710001000206"},
    {"GR", 27, "GR1601101250000000012300695"},
    {"GT", 28, "GT82TRAJ01020000001210029690"},
    {"HN", 28, NULL},
    {"HR", 21, "HR1210010051863000160"},
    {"HU", 28, "HU42117730161111101800000000"},
    {"IE", 22, "IE29AIBK93115212345678"},
    {"IL", 23, "IL620108000000099999999"},
    {"IQ", 23, "IQ98NBIQ850123456789012"},
    {"IS", 26, "IS140159260076545510730339"},
    {"IT", 27, "IT60X0542811101000000123456"},
    {"JO", 30, "JO94CBJO0010000000000131000302"},
    {"KW", 30, "KW81CBKU0000000000001234560101"},
    {"KZ", 20, "KZ86125KZT5004100100"},
    {"LB", 28, "LB62099900000001001901229114"},
    {"LC", 32, "LC55HEMM000100010012001200023015"},
    {"LI", 21, "LI21088100002324013AA"},
    {"LT", 20, "LT121000011101001000"},
    {"LU", 20, "LU280019400644750000"},
    {"LV", 21, "LV80BANK0000435195001"},
    {"LY", 25, NULL},
    {"MC", 27, "MC5811222000010123456789030"},
    {"MD", 24, "MD24AG000225100013104168"},
    {"ME", 22, "ME25505000012345678951"},
    {"MK", 19, "MK07250120000058984"},
    {"MN", 20, NULL},
    {"MR", 27, "MR1300020001010000123456753"},
    {"MT", 31, "MT84MALT011000012345MTLCAST001S"},
    {"MU", 30, "MU17BOMM0101101030300200000MUR"},
    {"NI", 28, NULL},
    {"NL", 18, "NL91ABNA0417164300"},
    {"NO", 15, "NO9386011117947"},
    {"OM", 23, NULL},
    {"PK", 24, "PK36SCBL0000001123456702"},
    {"PL", 28, "PL61109010140000071219812874"},
    {"PS", 29, "PS92PALS000000000400123456702"},
    {"PT", 25, "PT50000201231234567890154"},
    {"QA", 29, "QA58DOHB00001234567890ABCDEFG"},
    {"RO", 24, "RO49AAAA1B31007593840000"},
    {"RS", 22, "RS35260005601001611379"},
    {"RU", 33, NULL},
    {"SA", 24, "SA0380000000608010167519"},
    {"SC", 31, "SC18SSCB11010000000000001497USD"},
    {"SD", 18, NULL},
    {"SE", 24, "SE4550000000058398257466"},
    {"SI", 19, "SI56263300012039086"},
    {"SK", 24, "SK3112000000198742637541"},
    {"SM", 27, "SM86U0322509800000000270100"},
    {"SO", 23, NULL},
    {"ST", 25, "ST23000100010051845310146"},
    {"SV", 28, "SV62CENR00000000000000700025"},
    {"TL", 23, "TL380080012345678910157"},
    {"TN", 24, "TN5910006035183598478831"},
    {"TR", 26, "TR330006100519786457841326"},
    {"UA", 29, "UA213223130000026007233566001"},
    {"VA", 22, "VA59001123000012345678"},
    {"VG", 24, "VG96VPVG0000012345678901"},
    {"XK", 20, "XK051212012345678906"},
    {"YE", 30, NULL},
};

#define NCOUNTRIES (sizeof countries / sizeof countries[0])

/* A valid IBAN of the country: its example, or one made with a BBAN of
 * digits. */
static void
make_iban(const struct country *c, char *out)
{
    char bban[40];
    int i, n = c->len - 4;

    if (c->example != NULL) {
        memcpy(out, c->example, (size_t)c->len + 1);
        return;
    }
    for (i = 0; i < n; i++)
        bban[i] = (char)('0' + (7 * i + 3) % 10);
    bban[n] = '\0';
    out[0] = c->cc[0];
    out[1] = c->cc[1];
    assert_int_equal(checkdigit_iban_compute(c->cc, bban, out + 2), 0);
    memcpy(out + 4, bban, (size_t)n + 1);
}

static void
test_registry(void **state)
{
    char cc[2];
    int a, b, found = 0;
    size_t i;

    (void)state;
    assert_int_equal(NCOUNTRIES, 89);
    for (i = 0; i < NCOUNTRIES; i++)
        assert_int_equal(iban_country_length(countries[i].cc),
                         countries[i].len);
    /* no other two-letter code has an IBAN */
    for (a = 'A'; a <= 'Z'; a++) {
        for (b = 'A'; b <= 'Z'; b++) {
            cc[0] = (char)a;
            cc[1] = (char)b;
            if (iban_country_length(cc) != 0)
                found++;
        }
    }
    assert_int_equal(found, 89);
    assert_int_equal(iban_country_length("GF"), 0); /* uses FR */
    assert_int_equal(iban_country_length("JE"), 0); /* uses GB */
    assert_int_equal(iban_country_length("US"), 0);
}

/* Every country's example passes; one character more or less fails with
 * IBAN_ELENGTH and keeps the electronic form. */
static void
test_every_country(void **state)
{
    char iban[40], longer[41];
    struct buf out;
    unsigned flags;
    size_t i;

    (void)state;
    buf_init(&out, 128);
    for (i = 0; i < NCOUNTRIES; i++) {
        const struct country *c = &countries[i];
        size_t n = (size_t)c->len;

        make_iban(c, iban);
        assert_int_equal(strlen(iban), n);
        assert_int_equal(checkdigit_iban_mod97(iban, n), 1);
        if (norm(iban, n, &out, &flags) != 0)
            print_error("%s: %s\n", iban, iban_strerror(iban_reason(flags)));
        assert_int_equal(norm(iban, n, &out, &flags), 0);
        assert_string_equal(buf_str(&out), iban);
        assert_int_equal(iban_reason(flags), IBAN_OK);

        assert_int_equal(norm(iban, n - 1, &out, &flags), TOCSIN_EFORMAT);
        assert_int_equal(iban_reason(flags), IBAN_ELENGTH);
        assert_int_equal(buf_len(&out), n - 1);

        memcpy(longer, iban, n);
        longer[n] = '0';
        assert_int_equal(norm(longer, n + 1, &out, &flags), TOCSIN_EFORMAT);
        assert_int_equal(iban_reason(flags), IBAN_ELENGTH);
        assert_int_equal(buf_len(&out), n + 1);

        /* one digit changed: the check fails, the form is kept */
        iban[n - 1] = iban[n - 1] == '1' ? '2' : '1';
        assert_int_equal(norm(iban, n, &out, &flags), TOCSIN_EFORMAT);
        assert_int_equal(iban_reason(flags), IBAN_ECHECK);
        assert_string_equal(buf_str(&out), iban);
    }
    buf_free(&out);
}

struct ok_case {
    const char *in;
    const char *want;
    unsigned flags;
};

static const struct ok_case ok_cases[] = {
    {"NL91ABNA0417164300", "NL91ABNA0417164300", IBAN_EXAMPLE},
    {"NL91 ABNA 0417 1643 00", "NL91ABNA0417164300",
     IBAN_PAPER | IBAN_EXAMPLE},
    {"nl91abna0417164300", "NL91ABNA0417164300", IBAN_LOWER | IBAN_EXAMPLE},
    {"IBAN NL91ABNA0417164300", "NL91ABNA0417164300",
     IBAN_PREFIX | IBAN_EXAMPLE},
    {"iban: NL91-ABNA-0417-1643-00", "NL91ABNA0417164300",
     IBAN_PREFIX | IBAN_PAPER | IBAN_EXAMPLE},
    {"NL91.ABNA.0417.1643.00", "NL91ABNA0417164300",
     IBAN_PAPER | IBAN_EXAMPLE},
    {"NL91\xc2\xa0"
     "ABNA\xc2\xa0"
     "0417164300",
     "NL91ABNA0417164300", IBAN_PAPER | IBAN_EXAMPLE},
    {"  NL39RABO0300065264\t", "NL39RABO0300065264", 0},
    {"NL39 rabo 0300 0652 64", "NL39RABO0300065264", IBAN_PAPER | IBAN_LOWER},
    {"NL02RABO3000000014", "NL02RABO3000000014", 0},
    {"NL97RABO3000000050", "NL97RABO3000000050", 0},
    {"NL98RABO3000000032", "NL98RABO3000000032", 0},
    {"NL20INGB0001234567", "NL20INGB0001234567", IBAN_EXAMPLE},
    {"DE89 3704 0044 0532 0130 00", "DE89370400440532013000",
     IBAN_PAPER | IBAN_EXAMPLE},
    {"BE68 5390 0754 7034", "BE68539007547034", IBAN_PAPER | IBAN_EXAMPLE},
    {"GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432",
     IBAN_PAPER | IBAN_EXAMPLE},
    {"FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606",
     IBAN_PAPER | IBAN_EXAMPLE},
    {"LC55 HEMM 0001 0001 0012 0012 0002 3015",
     "LC55HEMM000100010012001200023015", IBAN_PAPER},
};

static void
test_valid(void **state)
{
    struct buf out;
    unsigned flags;
    size_t i;

    (void)state;
    buf_init(&out, 128);
    for (i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
        const struct ok_case *c = &ok_cases[i];
        int rc = norm(c->in, strlen(c->in), &out, &flags);

        if (rc != 0 || flags != c->flags)
            print_error("case %zu: rc %d '%s' flags %#x\n", i, rc,
                        buf_str(&out), flags);
        assert_int_equal(rc, 0);
        assert_string_equal(buf_str(&out), c->want);
        assert_int_equal(flags, c->flags);
    }
    buf_free(&out);
}

struct bad_case {
    const char *in;
    size_t len;       /* 0: strlen(in) */
    const char *kept; /* electronic form left in out; NULL: empty */
    enum iban_reason reason;
};

static const struct bad_case bad_cases[] = {
    {"", 0, NULL, IBAN_EEMPTY},
    {"   ", 0, NULL, IBAN_EEMPTY},
    {"IBAN", 0, NULL, IBAN_EEMPTY},
    {" - . ", 0, NULL, IBAN_EEMPTY},
    {"NL91ABNA0417164300!", 0, NULL, IBAN_ECHAR},
    {"NL91_ABNA_0417_1643_00", 0, NULL, IBAN_ECHAR},
    {"NL91/ABNA/0417164300", 0, NULL, IBAN_ECHAR},
    {"NL91ABNA\0"
     "0417164300",
     19, NULL, IBAN_ECHAR},
    {"NL91ABNA0417164300\0", 19, NULL, IBAN_ECHAR},
    {"NL91ABN\xc3\x84"
     "0417164300",
     0, NULL, IBAN_ECHAR},
    {"XX91ABNA0417164300", 0, "XX91ABNA0417164300", IBAN_ECOUNTRY},
    {"US91ABNA0417164300", 0, "US91ABNA0417164300", IBAN_ECOUNTRY},
    {"1291ABNA0417164300", 0, "1291ABNA0417164300", IBAN_ECOUNTRY},
    {"N", 0, "N", IBAN_ECOUNTRY},
    {"NL91ABNA041716430", 0, "NL91ABNA041716430", IBAN_ELENGTH},
    {"NL91ABNA04171643000", 0, "NL91ABNA04171643000", IBAN_ELENGTH},
    {"NL", 0, "NL", IBAN_ELENGTH},
    {"NL91ABNA0417164301", 0, "NL91ABNA0417164301", IBAN_ECHECK},
    {"NL19ABNA0417164300", 0, "NL19ABNA0417164300", IBAN_ECHECK},
    {"NLX1ABNA0417164300", 0, "NLX1ABNA0417164300", IBAN_ECHECK},
    {"NL91ABNA04171643O0", 0, "NL91ABNA04171643O0", IBAN_EBBAN},
    {"NL91AB1A0417164300", 0, "NL91AB1A0417164300", IBAN_EBBAN},
    /* check digits 99, 00, 01 pass mod-97 but are outside 02..98 */
    {"NL99RABO3000000014", 0, "NL99RABO3000000014", IBAN_ECHECK},
    {"NL00RABO3000000050", 0, "NL00RABO3000000050", IBAN_ECHECK},
    {"NL01RABO3000000032", 0, "NL01RABO3000000032", IBAN_ECHECK},
    /* only the first 17 bytes count */
    {"NL91ABNA0417164300", 17, "NL91ABNA041716430", IBAN_ELENGTH},
};

static void
test_invalid(void **state)
{
    struct buf out;
    unsigned flags;
    size_t i;

    (void)state;
    buf_init(&out, 128);
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        size_t n = c->len ? c->len : strlen(c->in);
        int rc = norm(c->in, n, &out, &flags);

        if (rc != TOCSIN_EFORMAT || iban_reason(flags) != c->reason)
            print_error("case %zu: rc %d reason %d\n", i, rc,
                        iban_reason(flags));
        assert_int_equal(rc, TOCSIN_EFORMAT);
        assert_int_equal(iban_reason(flags), c->reason);
        assert_string_equal(buf_str(&out), c->kept ? c->kept : "");
        assert_int_equal(flags & IBAN_EXAMPLE, 0);
    }
    /* the 99/00/01 cases above do pass the bare mod-97 */
    assert_int_equal(checkdigit_iban_mod97("NL99RABO3000000014", 18), 1);
    assert_int_equal(checkdigit_iban_mod97("NL00RABO3000000050", 18), 1);
    assert_int_equal(checkdigit_iban_mod97("NL01RABO3000000032", 18), 1);
    buf_free(&out);
}

static void
test_limits(void **state)
{
    char in[LIMIT_IBAN_INPUT + 8];
    struct buf out;
    unsigned flags;

    (void)state;
    buf_init(&out, 128);
    /* input limit counts blanks: never cut, never skipped */
    memset(in, ' ', sizeof in);
    memcpy(in, "NL91ABNA0417164300", 18);
    assert_int_equal(norm(in, LIMIT_IBAN_INPUT, &out, &flags), 0);
    assert_int_equal(norm(in, LIMIT_IBAN_INPUT + 1, &out, &flags),
                     TOCSIN_EFORMAT);
    assert_int_equal(iban_reason(flags), IBAN_ETOOLONG);
    assert_int_equal(buf_len(&out), 0);

    /* 64 valid characters: wrong length, kept whole */
    memset(in, '1', sizeof in);
    memcpy(in, "NL", 2);
    assert_int_equal(norm(in, LIMIT_IBAN_INPUT, &out, &flags), TOCSIN_EFORMAT);
    assert_int_equal(iban_reason(flags), IBAN_ELENGTH);
    assert_int_equal(buf_len(&out), LIMIT_IBAN_INPUT);

    /* a buffer that cannot hold the result: its error */
    buf_free(&out);
    buf_init(&out, 10);
    assert_int_equal(norm("NL91ABNA0417164300", 18, &out, &flags),
                     TOCSIN_ELIMIT);
    buf_free(&out);
}

static void
test_strerror(void **state)
{
    int r, s;

    (void)state;
    for (r = IBAN_OK; r <= IBAN_ECHECK; r++) {
        const char *m = iban_strerror((enum iban_reason)r);

        assert_string_not_equal(m, "unknown reason");
        for (s = IBAN_OK; s < r; s++)
            assert_string_not_equal(m, iban_strerror((enum iban_reason)s));
    }
    assert_string_equal(iban_strerror((enum iban_reason)77), "unknown reason");
    assert_string_equal(iban_strerror(IBAN_ECHECK),
                        "check digits do not match");
}

static void
test_bank_code(void **state)
{
    char bank[5];

    (void)state;
    assert_int_equal(iban_bank_code("NL91ABNA0417164300", 18, bank), 0);
    assert_string_equal(bank, "ABNA");
    assert_int_equal(iban_bank_code("NL39RABO0300065264", 18, bank), 0);
    assert_string_equal(bank, "RABO");
    memcpy(bank, "XXXX", 5);
    assert_int_equal(iban_bank_code("DE89370400440532013000", 22, bank),
                     TOCSIN_EINVAL);
    assert_string_equal(bank, "");
    assert_int_equal(iban_bank_code("NL91ABNA041716430", 17, bank),
                     TOCSIN_EINVAL);
    assert_int_equal(iban_bank_code("NL91AB1A0417164300", 18, bank),
                     TOCSIN_EINVAL);
}

struct mask_case {
    const char *in;
    const char *want;
};

static const struct mask_case mask_cases[] = {
    {"NL91ABNA0417164300", "NL** **** **** **** 4300"},
    {"DE89370400440532013000", "DE** **** **** **** 3000"},
    {"BE68539007547034", "BE** **** **** **** 7034"},
    {"NO9386011117947", "NO** **** **** **** 7947"},
    {"LC55HEMM000100010012001200023015", "LC** **** **** **** 3015"},
    {"MT84MALT011000012345MTLCAST001S", "MT** **** **** **** 001S"},
};

static void
test_mask(void **state)
{
    struct buf out;
    size_t i;
    char *p;

    (void)state;
    buf_init(&out, 128);
    for (i = 0; i < sizeof mask_cases / sizeof mask_cases[0]; i++) {
        size_t n = strlen(mask_cases[i].in);

        p = test_exact(mask_cases[i].in, n);
        assert_int_equal(iban_mask(p, n, &out), 0);
        assert_string_equal(buf_str(&out), mask_cases[i].want);
        free(p);
    }
    assert_int_equal(iban_mask("NL91ABN", 7, &out), TOCSIN_EINVAL);
    assert_int_equal(iban_mask("1291ABNA0417164300", 18, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),  cmocka_unit_test(test_every_country),
        cmocka_unit_test(test_valid),     cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_limits),    cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_bank_code), cmocka_unit_test(test_mask),
    };

    return cmocka_run_group_tests_name("ingest_iban", tests, NULL, NULL);
}
