#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest/mapping.h"
#include "util/limits.h"

static void
guesses_english_and_dutch(void **state)
{
    static const struct {
        const char *header;
        enum field field;
    } cases[] = {
        {"record_id", FIELD_RECORD_ID},
        {"Voornaam", FIELD_FIRST_NAME},
        {"tussenvoegsel", FIELD_INFIX},
        {"Achternaam", FIELD_LAST_NAME},
        {"E-mail", FIELD_EMAIL},
        {"e_mail_adres", FIELD_EMAIL},
        {"emailAdres", FIELD_EMAIL},
        {"Telefoonnummer", FIELD_PHONE},
        {"mobiel", FIELD_MOBILE},
        {"IBAN", FIELD_IBAN},
        {"rekeningnummer", FIELD_IBAN},
        {"Geboortedatum", FIELD_BIRTH_DATE},
        {"date of birth", FIELD_BIRTH_DATE},
        {"Klantnummer", FIELD_CUSTOMER_NUMBER},
        {"merk", FIELD_BRAND},
        {"huisnummer", FIELD_HOUSE_NUMBER},
        {"toevoeging", FIELD_HOUSE_NUMBER_SUFFIX},
        {"Postcode", FIELD_POSTCODE},
        {"woonplaats", FIELD_CITY},
        {"straat", FIELD_STREET},
        {"BSN", FIELD_NATIONAL_ID},
        {"btw-nummer", FIELD_VAT_NUMBER},
        {"opmerkingen", FIELD_NOTES},
        {"notes", FIELD_NOTES},
        {"id_doc_number", FIELD_ID_DOC_NUMBER},
        {"Geldig tot", FIELD_ID_DOC_EXPIRY},
        {"einddatum contract", FIELD_CONTRACT_END},
        {"Naam", FIELD_FULL_NAME},
        {"  voornaam ", FIELD_FIRST_NAME},
        {"Woonplaats\xc3\xa9", FIELD_NONE},
        {"internal_code", FIELD_NONE},
        {"", FIELD_NONE},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum field f = mapping_guess(cases[i].header, strlen(cases[i].header));

        if (f != cases[i].field)
            fail_msg("'%s': got %s, want %s", cases[i].header, field_name(f),
                     field_name(cases[i].field));
    }
}

static char *
write_map(const char *text)
{
    char *path = strdup("/tmp/tocsin-map-XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void
map_file_overrides_and_options(void **state)
{
    const char *heads[] = {" rec_id", " given_name", "surname", "code",
                           "email"};
    size_t lens[5];
    enum field fields[5];
    struct mapping *m;
    struct buf why;
    char *path;
    int i;

    (void)state;
    path = write_map("; a comment\n[columns]\nrec_id = record_id\n"
                     "given_name = first_name\ncode = extra\n"
                     "[options]\ncountry = AU\ndelimiter = tab\n");
    buf_init(&why, 1024);
    assert_int_equal(mapping_load(path, &m, &why), TOCSIN_OK);
    for (i = 0; i < 5; i++)
        lens[i] = strlen(heads[i]);
    assert_int_equal(mapping_resolve(m, heads, lens, 5, fields, &why),
                     TOCSIN_OK);
    assert_int_equal(fields[0], FIELD_RECORD_ID);
    assert_int_equal(fields[1], FIELD_FIRST_NAME);
    assert_int_equal(fields[2], FIELD_LAST_NAME); /* built-in alias */
    assert_int_equal(fields[3], FIELD_NONE);
    assert_int_equal(fields[4], FIELD_EMAIL);
    assert_string_equal(mapping_country(m), "AU");
    assert_int_equal(mapping_delimiter(m), '\t');
    mapping_free(m);
    unlink(path);
    free(path);
    buf_free(&why);
}

static void
map_file_errors_name_the_line(void **state)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"[columns]\na = first_nam\n", ":2: unknown field name 'first_nam'"},
        {"[columns]\na = email\n\n[colums]\nb = email\n",
         /* inih reports a section at its first key */
         ":5: unknown section 'colums'"},
        {"[columns]\na = email\na = iban\n", ":3: column 'a' is mapped twice"},
        {"[options]\ncountry = nl\n", ":2: country 'nl' is not"},
        {"[options]\ndelimiter = :\n", ":2: delimiter ':' is not"},
        {"[options]\nencoding = latin1\n", ":2: unknown option 'encoding'"},
        {"[columns]\nno equals sign here\n", ":2: not a valid INI line"},
    };
    struct mapping *m;
    struct buf why;
    size_t i;

    (void)state;
    buf_init(&why, 1024);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *path = write_map(cases[i].text);

        buf_reset(&why);
        assert_int_equal(mapping_load(path, &m, &why), TOCSIN_ECONFIG);
        if (strstr(buf_str(&why), cases[i].want) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, buf_str(&why),
                     cases[i].want);
        assert_non_null(strstr(buf_str(&why), path));
        unlink(path);
        free(path);
    }
    buf_free(&why);
}

/* mapping_load_mem() reads a text as mapping_load() reads it from a file:
 * the same map or the same message after the name, for good and bad maps,
 * a line longer than inih's line buffer, a NUL byte and no final newline.
 * The text is an exact malloc'd copy, so ASan sees a read past its end. */
static void
map_text_loads_like_a_file(void **state)
{
    static const struct {
        const char *text;
        size_t len;
    } cases[] = {
#define T(s) {s, sizeof(s) - 1}
        T("[columns]\nrec_id = record_id\ncode = extra\n"
          "[options]\ncountry = AU\ndelimiter = ;"),
        T("[columns]\na = first_nam\n"),
        T("[columns]\na = email\na = iban\n"),
        T("[options]\ndelimiter = :\n"),
        T("[columns]\nno equals sign here\n"),
        T("[columns]\r\na = email\r\n"),
        T("[columns]\na = email\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx = phone\n"
          "b = iban\n"),
        T("[columns]\na = email\0junk\nb = iban\n"),
        T(""),
#undef T
    };
    const char *heads[] = {"rec_id", "code", "a", "b"};
    size_t lens[] = {6, 4, 1, 1};
    struct buf why_f, why_m;
    size_t i;

    (void)state;
    buf_init(&why_f, 1024);
    buf_init(&why_m, 1024);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *path = strdup("/tmp/tocsin-map-XXXXXX"), *text;
        struct mapping *mf = NULL, *mm = NULL;
        int fd = mkstemp(path), rf, rm;
        size_t n = cases[i].len;

        assert_true(fd >= 0);
        assert_int_equal(write(fd, cases[i].text, n), (ssize_t)n);
        close(fd);
        text = malloc(n ? n : 1);
        assert_non_null(text);
        memcpy(text, cases[i].text, n);
        buf_reset(&why_f);
        buf_reset(&why_m);
        rf = mapping_load(path, &mf, &why_f);
        rm = mapping_load_mem(text, n, "inline", &mm, &why_m);
        free(text);
        if (rf != rm)
            fail_msg("case %zu: file %d, text %d", i, rf, rm);
        if (rf == TOCSIN_OK) {
            enum field ff[4], fm[4];

            assert_int_equal(mapping_resolve(mf, heads, lens, 4, ff, NULL),
                             TOCSIN_OK);
            assert_int_equal(mapping_resolve(mm, heads, lens, 4, fm, NULL),
                             TOCSIN_OK);
            assert_memory_equal(ff, fm, sizeof(ff));
            assert_string_equal(mapping_country(mf), mapping_country(mm));
            assert_int_equal(mapping_delimiter(mf), mapping_delimiter(mm));
        } else {
            assert_int_equal(rf, TOCSIN_ECONFIG);
            assert_null(mm);
            assert_true(strncmp(buf_str(&why_f), path, strlen(path)) == 0);
            assert_true(strncmp(buf_str(&why_m), "inline:", 7) == 0);
            assert_string_equal(buf_str(&why_f) + strlen(path),
                                buf_str(&why_m) + 6);
        }
        mapping_free(mf);
        mapping_free(mm);
        unlink(path);
        free(path);
    }
    buf_free(&why_f);
    buf_free(&why_m);
}

static void
map_text_over_the_limit_is_refused(void **state)
{
    size_t n = (size_t)LIMIT_MAP_BYTES + 1;
    char *text = malloc(n);
    struct mapping *m = NULL;
    struct buf why;

    (void)state;
    assert_non_null(text);
    memset(text, ';', n);
    buf_init(&why, 1024);
    assert_int_equal(mapping_load_mem(text, n, "big", &m, &why),
                     TOCSIN_ECONFIG);
    assert_null(m);
    assert_string_equal(buf_str(&why), "big: map over 1048576 bytes");
    /* One byte less is a map of comments: empty, but good. */
    assert_int_equal(mapping_load_mem(text, n - 1, "big", &m, &why),
                     TOCSIN_OK);
    assert_string_equal(mapping_country(m), "NL");
    mapping_free(m);
    free(text);
    buf_free(&why);
}

static void
two_columns_for_one_field_are_refused(void **state)
{
    const char *heads[] = {"email", "e-mail adres"};
    size_t lens[] = {5, 12};
    enum field fields[2];
    struct mapping *m = mapping_default();
    struct buf why;

    (void)state;
    buf_init(&why, 1024);
    assert_int_equal(mapping_resolve(m, heads, lens, 2, fields, &why),
                     TOCSIN_EINVAL);
    assert_non_null(strstr(buf_str(&why), "columns 1 and 2 are both email"));
    assert_string_equal(mapping_country(m), "NL");
    assert_int_equal(mapping_delimiter(m), 0);
    mapping_free(m);
    buf_free(&why);
}

static void
shipped_febrl_map_loads(void **state)
{
    const char *root = getenv("TOCSIN_SOURCE_ROOT");
    char path[4096];
    struct mapping *m;
    struct buf why;

    (void)state;
    snprintf(path, sizeof(path), "%s/examples/febrl.map",
             root != NULL ? root : ".");
    buf_init(&why, 1024);
    assert_int_equal(mapping_load(path, &m, &why), TOCSIN_OK);
    assert_string_equal(mapping_country(m), "AU");
    mapping_free(m);
    buf_free(&why);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guesses_english_and_dutch),
        cmocka_unit_test(map_file_overrides_and_options),
        cmocka_unit_test(map_file_errors_name_the_line),
        cmocka_unit_test(map_text_loads_like_a_file),
        cmocka_unit_test(map_text_over_the_limit_is_refused),
        cmocka_unit_test(two_columns_for_one_field_are_refused),
        cmocka_unit_test(shipped_febrl_map_loads),
    };

    return cmocka_run_group_tests_name("ingest_mapping", tests, NULL, NULL);
}
