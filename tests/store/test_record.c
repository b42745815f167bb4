#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/field.h"
#include "store/record.h"

static void
round_trip(void **state)
{
    struct record r, d;
    struct buf b;

    (void)state;
    record_clear(&r);
    r.val[FIELD_FIRST_NAME] = "Zoë";
    r.len[FIELD_FIRST_NAME] = strlen("Zoë");
    r.val[FIELD_IBAN] = "NL91ABNA0417164300";
    r.len[FIELD_IBAN] = 18;
    r.flags[FIELD_IBAN] = 5;
    r.val[FIELD_NOTES] = "";
    r.len[FIELD_NOTES] = 0;
    r.flags[FIELD_NOTES] = RECORD_INVALID | 300;
    {
        static const char *const colv[] = {"Zo\xc3\xab", NULL, "x", ""};
        static const size_t coll[] = {4, 0, 1, 0};

        r.ncols = 4;
        r.colv = colv;
        r.coll = coll;
    }
    r.col[FIELD_FIRST_NAME] = 0; /* kept as a reference to column 0 */
    buf_init(&b, 1 << 20);
    assert_int_equal(record_encode(&r, &b), TOCSIN_OK);
    assert_int_equal(record_decode(buf_str(&b), buf_len(&b), &d), TOCSIN_OK);
    assert_int_equal(d.len[FIELD_FIRST_NAME], strlen("Zoë"));
    assert_memory_equal(d.val[FIELD_FIRST_NAME], "Zoë", strlen("Zoë"));
    assert_memory_equal(d.val[FIELD_IBAN], "NL91ABNA0417164300", 18);
    assert_int_equal(d.flags[FIELD_IBAN], 5);
    assert_non_null(d.val[FIELD_NOTES]);
    assert_int_equal(d.len[FIELD_NOTES], 0);
    assert_int_equal(d.flags[FIELD_NOTES], RECORD_INVALID | 300);
    assert_null(d.val[FIELD_EMAIL]);
    {
        const char *p;
        size_t n;

        assert_int_equal(d.ncols, 4);
        assert_int_equal(record_column(&d, 0, &p, &n), 1);
        assert_int_equal(n, 4);
        assert_memory_equal(p, "Zo\xc3\xab", 4);
        /* the field was stored by reference and reads the same */
        assert_ptr_equal(d.val[FIELD_FIRST_NAME], p);
        assert_int_equal(record_column(&d, 1, &p, &n), 0);
        assert_int_equal(record_column(&d, 2, &p, &n), 1);
        assert_memory_equal(p, "x", 1);
        assert_int_equal(record_column(&d, 3, &p, &n), 1);
        assert_int_equal(n, 0);
        assert_int_equal(record_column(&d, 4, &p, &n), TOCSIN_EINVAL);
    }
    buf_free(&b);
}

static void
every_truncation_is_refused(void **state)
{
    struct record r, d;
    struct buf b;
    size_t n;

    static const char *const colv[] = {"j@x.nl"};
    static const size_t coll[] = {6};

    (void)state;
    record_clear(&r);
    r.val[FIELD_EMAIL] = "j@x.nl";
    r.len[FIELD_EMAIL] = 6;
    r.ncols = 1;
    r.colv = colv;
    r.coll = coll;
    buf_init(&b, 1 << 20);
    assert_int_equal(record_encode(&r, &b), TOCSIN_OK);
    for (n = 0; n < buf_len(&b); n++)
        assert_int_equal(record_decode(buf_str(&b), n, &d), TOCSIN_EFORMAT);
    buf_free(&b);
}

static void
garbage_is_refused(void **state)
{
    struct record d;
    /* version 1, no columns, field 200 (no such field) */
    static const unsigned char bad_field[] = {1, 0, 200, 0, 0, 0xff};
    /* version 1, no columns, field 0 twice */
    static const unsigned char twice[] = {1, 0, 0, 0,   1,   'a',
                                          0, 0, 1, 'b', 0xff};
    /* version 2 */
    static const unsigned char version[] = {2, 0, 0xff};
    /* an over-long length */
    static const unsigned char len[] = {1,    0,    0,    0,    0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0x7f, 0xff};
    /* a reference to column 1 of 1 column */
    static const unsigned char ref[] = {1,    1,    2,    'a',  0, 0x80,
                                        0x80, 0x80, 0x80, 0x04, 1, 0xff};
    /* a reference to an absent column */
    static const unsigned char absent[] = {1,    1,    0,    0, 0x80, 0x80,
                                           0x80, 0x80, 0x04, 0, 0xff};
    /* bytes after the end marker */
    static const unsigned char after[] = {1, 0, 0xff, 0};

    (void)state;
    assert_int_equal(record_decode(bad_field, sizeof(bad_field), &d),
                     TOCSIN_EFORMAT);
    assert_int_equal(record_decode(twice, sizeof(twice), &d), TOCSIN_EFORMAT);
    assert_int_equal(record_decode(version, sizeof(version), &d),
                     TOCSIN_EFORMAT);
    assert_int_equal(record_decode(len, sizeof(len), &d), TOCSIN_EFORMAT);
    assert_int_equal(record_decode(ref, sizeof(ref), &d), TOCSIN_EFORMAT);
    assert_int_equal(record_decode(after, sizeof(after), &d), TOCSIN_EFORMAT);
    assert_int_equal(record_decode(absent, sizeof(absent), &d),
                     TOCSIN_EFORMAT);
}

static void
field_vocabulary(void **state)
{
    int f;

    (void)state;
    for (f = 0; f < FIELD_COUNT; f++) {
        const char *n = field_name((enum field)f);

        assert_int_equal(field_by_name(n, strlen(n)), f);
    }
    assert_int_equal(field_by_name("first_nam", 9), FIELD_NONE);
    assert_string_equal(field_name(FIELD_COUNT), "?");
    assert_int_equal(field_category(FIELD_MOBILE), CATEGORY_PHONE);
    assert_int_equal(field_category(FIELD_ID_DOC_EXPIRY),
                     CATEGORY_ID_DOCUMENT);
    assert_int_equal(field_category(FIELD_RECORD_ID), CATEGORY_NONE);
    assert_string_equal(category_name(CATEGORY_ID_DOCUMENT), "id_document");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(every_truncation_is_refused),
        cmocka_unit_test(garbage_is_refused),
        cmocka_unit_test(field_vocabulary),
    };

    return cmocka_run_group_tests_name("store_record", tests, NULL, NULL);
}
