/* Tests of ingest/email.h: normal form, reasons, key and mask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "ingest/email.h"
#include "util/limits.h"

#define FLAG_MASK ((1u << EMAIL_REASON_SHIFT) - 1)

static int
norm(const char *s, size_t n, struct buf *out, unsigned *flags)
{
    char *p = test_exact(s, n);
    int rc = email_normalize(p, n, out, flags);

    free(p);
    return rc;
}

struct ok_case {
    const char *in;
    const char *want;
    unsigned flags;
};

static const struct ok_case ok_cases[] = {
    {"jan.devries@gmail.com", "jan.devries@gmail.com", 0},
    {"Jan.DeVries@Gmail.COM", "Jan.DeVries@gmail.com", 0},
    {"JAN@EXAMPLE.NL", "JAN@example.nl", 0},
    {"  jan@ziggo.nl  ", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"\tjan@ziggo.nl\r\n", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"\xc2\xa0jan@ziggo.nl\xc2\xa0", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"jan@ziggo.nl.", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"jan@ziggo.nl;", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"jan@ziggo.nl,", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"jan@ziggo.nl ; ", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"mailto:jan@ziggo.nl", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"<jan@ziggo.nl>", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"MAILTO:<jan@ziggo.nl>;", "jan@ziggo.nl", EMAIL_TRIMMED},
    {"<mailto:Jan@Ziggo.NL>", "Jan@ziggo.nl", EMAIL_TRIMMED},
    {"\"jan de vries\"@example.nl", "\"jan de vries\"@example.nl",
     EMAIL_QUOTED},
    {"\"a\\\"b@c\"@example.nl", "\"a\\\"b@c\"@example.nl", EMAIL_QUOTED},
    {"jan+odido@gmail.com", "jan+odido@gmail.com", 0},
    {"o'brien@example.ie", "o'brien@example.ie", 0},
    {"a!#$%&'*+-/=?^_`{|}~z@example.com", "a!#$%&'*+-/=?^_`{|}~z@example.com",
     0},
    {"jan@M\xc3\xbcnchen.de", "jan@m\xc3\xbcnchen.de", EMAIL_IDN},
    {"j\xc3\xb6ran@example.se", "j\xc3\xb6ran@example.se", EMAIL_UTF8_LOCAL},
    {"jan@xn--mnchen-3ya.de", "jan@xn--mnchen-3ya.de", 0},
    {"jan@mail.example.co.uk", "jan@mail.example.co.uk", 0},
    {"j@x.io", "j@x.io", 0},
    {"a@b-c.nl", "a@b-c.nl", 0},
    {"jan@example.123a", "jan@example.123a", 0},
    {"jan@gmial.com", "jan@gmial.com", EMAIL_TYPO_DOMAIN},
    {"jan@GMAIL.CON", "jan@gmail.con", EMAIL_TYPO_DOMAIN},
    {"jan@hotmial.com", "jan@hotmial.com", EMAIL_TYPO_DOMAIN},
    {"jan@gmail.cm", "jan@gmail.cm", EMAIL_TYPO_DOMAIN},
    {"piet@yahoo.con", "piet@yahoo.con", EMAIL_TYPO_DOMAIN},
    {"piet@ziggo.nll", "piet@ziggo.nll", EMAIL_TYPO_DOMAIN},
    {"jan@hotmail.nl", "jan@hotmail.nl", 0},
    {"jan@outlook.nl", "jan@outlook.nl", 0},
    {"jan@live.nl", "jan@live.nl", 0},
    {"jan@kpnmail.nl", "jan@kpnmail.nl", 0},
};

static void
test_valid(void **state)
{
    struct buf out;
    unsigned flags;
    size_t i;

    (void)state;
    buf_init(&out, 1024);
    for (i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
        const struct ok_case *c = &ok_cases[i];
        int rc = norm(c->in, strlen(c->in), &out, &flags);

        if (rc != 0 || strcmp(buf_str(&out), c->want) != 0 ||
            flags != c->flags)
            print_error("case %zu: rc %d out '%s' flags %#x\n", i, rc,
                        buf_str(&out), flags);
        assert_int_equal(rc, 0);
        assert_string_equal(buf_str(&out), c->want);
        assert_int_equal(flags, c->flags);
        assert_int_equal(email_reason(flags), EMAIL_OK);
    }
    buf_free(&out);
}

struct bad_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
    enum email_reason reason;
};

static const struct bad_case bad_cases[] = {
    {"", 0, EMAIL_EEMPTY},
    {"   ", 0, EMAIL_EEMPTY},
    {"mailto:", 0, EMAIL_EEMPTY},
    {"<>", 0, EMAIL_EEMPTY},
    {" ;. ", 0, EMAIL_EEMPTY},
    {"jan.ziggo.nl", 0, EMAIL_ENOAT},
    {"jan(at)ziggo.nl", 0, EMAIL_ENOAT},
    {"jan@@ziggo.nl", 0, EMAIL_EMANYAT},
    {"a@b@c.nl", 0, EMAIL_EMANYAT},
    {"\"a\"@b@c.nl", 0, EMAIL_EMANYAT},
    {"@ziggo.nl", 0, EMAIL_ELOCAL_EMPTY},
    {"\"\"@ziggo.nl", 0, EMAIL_ELOCAL_EMPTY},
    {"jan de vries@x.nl", 0, EMAIL_ELOCAL_CHAR},
    {"jan,piet@x.nl", 0, EMAIL_ELOCAL_CHAR},
    {"jan\"x@x.nl", 0, EMAIL_ELOCAL_CHAR},
    {"jan\0@x.nl", 9, EMAIL_ELOCAL_CHAR},
    {".jan@x.nl", 0, EMAIL_ELOCAL_DOT},
    {"jan.@x.nl", 0, EMAIL_ELOCAL_DOT},
    {"jan..devries@x.nl", 0, EMAIL_ELOCAL_DOT},
    {"\"jan@x.nl", 0, EMAIL_EQUOTE},
    {"\"jan\"x@x.nl", 0, EMAIL_EQUOTE},
    {"\"ja\x01n\"@x.nl", 0, EMAIL_ELOCAL_CHAR},
    {"jan@", 0, EMAIL_EDOMAIN_EMPTY},
    {"jan@[192.0.2.1]", 0, EMAIL_ELITERAL},
    {"jan@exa_mple.nl", 0, EMAIL_EDOMAIN_CHAR},
    {"jan@exa mple.nl", 0, EMAIL_EDOMAIN_CHAR},
    {"jan@x\0.nl", 9, EMAIL_EDOMAIN_CHAR},
    {"jan@x..nl", 0, EMAIL_ELABEL_EMPTY},
    {"jan@.x.nl", 0, EMAIL_ELABEL_EMPTY},
    {"jan@-x.nl", 0, EMAIL_EHYPHEN},
    {"jan@x-.nl", 0, EMAIL_EHYPHEN},
    {"jan@localhost", 0, EMAIL_ENODOT},
    {"jan@192.168.1.1", 0, EMAIL_ETLD},
    {"j\xc3@x.nl", 0, EMAIL_EUTF8},
    {"\xc0\xaf@x.nl", 0, EMAIL_EUTF8},
    {"jan@x\xff.nl", 0, EMAIL_EUTF8},
    {"jan@\xed\xa0\x80.nl", 0, EMAIL_EUTF8},      /* surrogate */
    {"jan@x\xc2\x85y.nl", 0, EMAIL_EDOMAIN_CHAR}, /* C1 control */
    {"jan\xc2\xa0"
     "de@x.nl",
     0, EMAIL_ELOCAL_CHAR},                          /* U+00A0 inside */
    {"jan\xe2\x80\x8b@x.nl", 0, EMAIL_ELOCAL_CHAR},  /* U+200B */
    {"jan@x\xe2\x80\xae.nl", 0, EMAIL_EDOMAIN_CHAR}, /* U+202E bidi */
    {"jan@x\xef\xbb\xbf.nl", 0, EMAIL_EDOMAIN_CHAR}, /* U+FEFF */
    {"jan@\xf4\x90\x80\x80.nl", 0, EMAIL_EUTF8},     /* > U+10FFFF */
    {"jan@\xe0\x80\xaf.nl", 0, EMAIL_EUTF8},         /* overlong */
    {"jan@x\xe2\x82.nl", 0, EMAIL_EUTF8},            /* truncated */
    /* Only the first 6 bytes count: "jan@x." -> "jan@x". */
    {"jan@x.nl", 6, EMAIL_ENODOT},
};

static void
test_invalid(void **state)
{
    struct buf out;
    unsigned flags;
    size_t i;

    (void)state;
    buf_init(&out, 1024);
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        size_t n = c->len ? c->len : strlen(c->in);
        int rc = norm(c->in, n, &out, &flags);

        if (rc != TOCSIN_EFORMAT || email_reason(flags) != c->reason)
            print_error("case %zu: rc %d reason %d (%s)\n", i, rc,
                        email_reason(flags),
                        email_strerror(email_reason(flags)));
        assert_int_equal(rc, TOCSIN_EFORMAT);
        assert_int_equal(email_reason(flags), c->reason);
        assert_int_equal(buf_len(&out), 0);
    }
    buf_free(&out);
}

static void
test_limits(void **state)
{
    char local[80], label[80], addr[600];
    struct buf out;
    unsigned flags;
    int n;

    (void)state;
    buf_init(&out, 1024);
    memset(local, 'a', sizeof local);
    memset(label, 'b', sizeof label);

    /* local part: 64 octets pass, 65 do not */
    n = snprintf(addr, sizeof addr, "%.64s@x.nl", local);
    assert_int_equal(norm(addr, (size_t)n, &out, &flags), 0);
    assert_int_equal(buf_len(&out), 69);
    n = snprintf(addr, sizeof addr, "%.65s@x.nl", local);
    assert_int_equal(norm(addr, (size_t)n, &out, &flags), TOCSIN_EFORMAT);
    assert_int_equal(email_reason(flags), EMAIL_ELOCAL_LONG);
    n = snprintf(addr, sizeof addr, "\"%.63s\"@x.nl", local);
    assert_int_equal(norm(addr, (size_t)n, &out, &flags), TOCSIN_EFORMAT);
    assert_int_equal(email_reason(flags), EMAIL_ELOCAL_LONG);

    /* label: 63 octets pass, 64 do not */
    n = snprintf(addr, sizeof addr, "a@%.63s.nl", label);
    assert_int_equal(norm(addr, (size_t)n, &out, &flags), 0);
    n = snprintf(addr, sizeof addr, "a@%.64s.nl", label);
    assert_int_equal(norm(addr, (size_t)n, &out, &flags), TOCSIN_EFORMAT);
    assert_int_equal(email_reason(flags), EMAIL_ELABEL_LONG);

    /* whole address: 254 octets pass, 255 do not (never cut) */
    n = snprintf(addr, sizeof addr, "%.60s@%.63s.%.63s.%.62s.nl", local, label,
                 label, label);
    assert_int_equal(n, 254);
    assert_int_equal(norm(addr, (size_t)n, &out, &flags), 0);
    assert_int_equal(buf_len(&out), 254);
    n = snprintf(addr, sizeof addr, "%.61s@%.63s.%.63s.%.62s.nl", local, label,
                 label, label);
    assert_int_equal(n, 255);
    assert_int_equal(norm(addr, (size_t)n, &out, &flags), TOCSIN_EFORMAT);
    assert_int_equal(email_reason(flags), EMAIL_ETOOLONG);
    assert_int_equal(buf_len(&out), 0);

    /* raw input over LIMIT_EMAIL_INPUT, even if mostly blanks */
    memset(addr, ' ', sizeof addr);
    memcpy(addr, "jan@x.nl", 8);
    assert_int_equal(norm(addr, LIMIT_EMAIL_INPUT, &out, &flags), 0);
    assert_int_equal(norm(addr, LIMIT_EMAIL_INPUT + 1, &out, &flags),
                     TOCSIN_EFORMAT);
    assert_int_equal(email_reason(flags), EMAIL_ETOOLONG);

    /* a buffer too small: the buffer's error, not a cut */
    buf_free(&out);
    buf_init(&out, 5);
    assert_int_equal(norm("jan@x.nl", 8, &out, &flags), TOCSIN_ELIMIT);
    buf_free(&out);
}

static void
test_strerror(void **state)
{
    int r, s;

    (void)state;
    for (r = EMAIL_OK; r <= EMAIL_ETLD; r++) {
        const char *m = email_strerror((enum email_reason)r);

        assert_non_null(m);
        assert_string_not_equal(m, "unknown reason");
        for (s = EMAIL_OK; s < r; s++)
            assert_string_not_equal(m, email_strerror((enum email_reason)s));
    }
    assert_string_equal(email_strerror((enum email_reason)99),
                        "unknown reason");
    assert_string_equal(email_strerror(EMAIL_ENOAT), "no @ in address");
}

struct pair {
    const char *in;
    const char *want;
};

static const struct pair key_cases[] = {
    {"Jan.De.Vries+odido@gmail.com", "jandevries@gmail.com"},
    {"jan.devries@googlemail.com", "jandevries@gmail.com"},
    {"JanDeVries@gmail.com", "jandevries@gmail.com"},
    {"J.DeVries+news@outlook.com", "j.devries@outlook.com"},
    {"j.devries+x+y@hotmail.com", "j.devries@hotmail.com"},
    {"Jan+odido@hotmail.nl", "jan@hotmail.nl"},
    {"jan+2024@icloud.com", "jan@icloud.com"},
    {"jan+tag@proton.me", "jan@proton.me"},
    {"Jan+tag@ziggo.nl", "jan+tag@ziggo.nl"},
    {"Jan.Devries@kpnmail.nl", "jan.devries@kpnmail.nl"},
    {"+tag@gmail.com", "+tag@gmail.com"},
    {"\"Jan.X+y\"@gmail.com", "\"jan.x+y\"@gmail.com"},
    {"J\xc3\x96ran@example.se", "j\xc3\x96ran@example.se"},
    {"jan@M\xc3\x9cNCHEN.de", "jan@m\xc3\x9cnchen.de"},
};

static void
test_key(void **state)
{
    struct buf out;
    size_t i;
    char *p;

    (void)state;
    buf_init(&out, 1024);
    for (i = 0; i < sizeof key_cases / sizeof key_cases[0]; i++) {
        size_t n = strlen(key_cases[i].in);

        p = test_exact(key_cases[i].in, n);
        assert_int_equal(email_key(p, n, &out), 0);
        assert_string_equal(buf_str(&out), key_cases[i].want);
        free(p);
    }
    assert_int_equal(email_key("noat", 4, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
}

static const struct pair mask_cases[] = {
    {"jan@gmail.com", "j***@gmail.com"},
    {"Jan.DeVries@ziggo.nl", "J***@ziggo.nl"},
    {"jo@x.nl", "j***@x.nl"},
    {"j@gmail.com", "*@gmail.com"},
    {"j\xc3\xb6ran@x.se", "j***@x.se"},
    {"\xc3\xb6rjan@x.se", "\xc3\xb6***@x.se"},
    {"\xc3\xb6@x.se", "*@x.se"},
    {"\"jan de vries\"@x.nl", "j***@x.nl"},
    {"\"j\"@x.nl", "*@x.nl"},
    {"jan@m\xc3\xbcnchen.de", "j***@m\xc3\xbcnchen.de"},
};

static void
test_mask(void **state)
{
    struct buf out;
    size_t i;
    char *p;

    (void)state;
    buf_init(&out, 1024);
    for (i = 0; i < sizeof mask_cases / sizeof mask_cases[0]; i++) {
        size_t n = strlen(mask_cases[i].in);

        p = test_exact(mask_cases[i].in, n);
        assert_int_equal(email_mask(p, n, &out), 0);
        assert_string_equal(buf_str(&out), mask_cases[i].want);
        free(p);
    }
    assert_int_equal(email_mask("noat", 4, &out), TOCSIN_EINVAL);
    assert_int_equal(email_mask("@x.nl", 5, &out), TOCSIN_EINVAL);
    assert_int_equal(buf_len(&out), 0);
    buf_free(&out);
}

/* Normalise, key and mask chained as ingest will use them. */
static void
test_pipeline(void **state)
{
    static const char in[] = " <MailTo:Jan.De.Vries+Odido@GoogleMail.COM>; ";
    struct buf n, k, m;
    unsigned flags;

    (void)state;
    buf_init(&n, 1024);
    buf_init(&k, 1024);
    buf_init(&m, 1024);
    assert_int_equal(norm(in, sizeof in - 1, &n, &flags), 0);
    assert_string_equal(buf_str(&n), "Jan.De.Vries+Odido@googlemail.com");
    assert_int_equal(flags & FLAG_MASK, EMAIL_TRIMMED);
    assert_int_equal(email_key(buf_str(&n), buf_len(&n), &k), 0);
    assert_string_equal(buf_str(&k), "jandevries@gmail.com");
    assert_int_equal(email_mask(buf_str(&n), buf_len(&n), &m), 0);
    assert_string_equal(buf_str(&m), "J***@googlemail.com");
    buf_wipe(&n);
    buf_wipe(&k);
    buf_wipe(&m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),    cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_limits),   cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_key),      cmocka_unit_test(test_mask),
        cmocka_unit_test(test_pipeline),
    };

    return cmocka_run_group_tests_name("ingest_email", tests, NULL, NULL);
}
