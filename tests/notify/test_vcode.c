/* Tests of vcode.c: known vectors (HMAC-SHA-256 from RFC 4231 and codes
 * computed once with an independent Python script), the check symbol
 * catching every single substitution and adjacent transposition (brute
 * force over thousands of codes), the reading of typed codes, and that
 * verification compares with sodium_memcmp(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "notify/vcode.h"
#include "testutil.h"

/*
 * sodium_memcmp() interposed: the test binary's definition wins over
 * libsodium's, so the calls vcode_verify() makes are counted. It compares
 * in constant time itself and returns what libsodium's would.
 */
static int memcmp_calls;
static size_t memcmp_len;

int
sodium_memcmp(const void *const a, const void *const b, size_t len)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char d = 0;
    size_t i;

    memcmp_calls++;
    memcmp_len = len;
    for (i = 0; i < len; i++)
        d |= x[i] ^ y[i];
    return d == 0 ? 0 : -1;
}

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
key_seq(unsigned char key[VCODE_KEY_BYTES])
{
    size_t i;

    for (i = 0; i < VCODE_KEY_BYTES; i++)
        key[i] = (unsigned char)i;
}

static void
hex(const unsigned char *v, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", v[i]);
}

static int
setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

/* HMAC-SHA-256 truncated to 80 bits: RFC 4231 test cases 1 and 2 (a key
 * shorter than 32 bytes is the same key padded with zero bytes). */
static void
test_value_rfc4231(void **state)
{
    unsigned char key[VCODE_KEY_BYTES] = {0}, v[VCODE_VALUE_BYTES];
    char h[2 * VCODE_VALUE_BYTES + 1], text[VCODE_TEXT_MAX];

    (void)state;
    memset(key, 0x0b, 20);
    vcode_value(key, "Hi There", 8, v);
    hex(v, sizeof(v), h);
    assert_string_equal(h, "b0344c61d8db38535ca8");
    assert_int_equal(vcode_make(key, "Hi There", 8, text), TOCSIN_OK);
    assert_string_equal(text, "P0T4-RRER-VCW5-6Q58-D");

    memset(key, 0, sizeof(key));
    memcpy(key, "Jefe", 4);
    vcode_value(key, "what do ya want for nothing?", 28, v);
    hex(v, sizeof(v), h);
    assert_string_equal(h, "5bdcc146bf60754e6a04");
    assert_int_equal(vcode_make(key, "what do ya want for nothing?", 28, text),
                     TOCSIN_OK);
    assert_string_equal(text, "BFEC-2HNZ-C1TM-WTG4-X");
}

/* Codes computed once by an independent implementation (Python hmac and
 * its own base32 and Damm code) and written in. */
static void
test_make_vectors(void **state)
{
    static const struct {
        unsigned char fill; /* 0: key 00 01 .. 1f */
        const char *id;
        const char *value;
        const char *code;
    } v[] = {
        {0, "msg-000001", "bc2761094db2e70c685a", "QGKP-22AD-PBKG-RT2T-X"},
        {0, "odido:1234567:nl", "20296481b752c2e920fc",
         "40MP-90DQ-AB1E-J87W-7"},
        {0, "x", "b3fb46c7f2e3cc97b59a", "PFXM-DHZJ-WF69-FDCT-1"},
        {0, "01HZY3N6Q4S7T8V9W0X1Y2Z3A4", "5bb77f4584a439734bcc",
         "BEVQ-YHC4-MGWQ-6JYC-9"},
        {0xa5, "msg-000001", "6b636cfa86755e9c7fd1", "DDHP-SYM6-ENF9-RZYH-F"},
        {0xa5, "odido:1234567:nl", "ac230ae2244203248a39",
         "NGHG-NRH4-881J-92HS-Z"},
        {0xa5, "x", "38d06dc721e7f973f61c", "7386-VHS1-WZWQ-7XGW-B"},
        {0xa5, "01HZY3N6Q4S7T8V9W0X1Y2Z3A4", "5073bb49eb027a43a853",
         "A1SV-PJFB-09X4-7A2K-Q"},
    };
    unsigned char key[VCODE_KEY_BYTES], val[VCODE_VALUE_BYTES];
    char h[2 * VCODE_VALUE_BYTES + 1], text[VCODE_TEXT_MAX];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t len = strlen(v[i].id);
        char *id = test_exact(v[i].id, len);
        int status = -1;

        if (v[i].fill == 0)
            key_seq(key);
        else
            memset(key, v[i].fill, sizeof(key));
        vcode_value(key, id, len, val);
        hex(val, sizeof(val), h);
        assert_string_equal(h, v[i].value);
        memset(text, 'x', sizeof(text));
        assert_int_equal(vcode_make(key, id, len, text), TOCSIN_OK);
        assert_string_equal(text, v[i].code);
        assert_int_equal(strlen(text), VCODE_TEXT_LEN);
        /* and back */
        assert_int_equal(vcode_parse(text, strlen(text), val, &status),
                         TOCSIN_OK);
        assert_int_equal(status, VCODE_OK);
        hex(val, sizeof(val), h);
        assert_string_equal(h, v[i].value);
        assert_int_equal(vcode_verify(key, id, len, val), 1);
        /* the same with the key made ready once, as a sender does */
        {
            struct vcode_key k;
            unsigned char again[VCODE_VALUE_BYTES];

            vcode_key_init(&k, key);
            vcode_key_value(&k, id, len, again);
            hex(again, sizeof(again), h);
            assert_string_equal(h, v[i].value);
            /* a second code from the same ready key is just as right */
            vcode_key_value(&k, id, len, again);
            hex(again, sizeof(again), h);
            assert_string_equal(h, v[i].value);
            assert_int_equal(vcode_key_verify(&k, id, len, val), 1);
            again[0] ^= 1;
            assert_int_equal(vcode_key_verify(&k, id, len, again), 0);
            vcode_key_wipe(&k);
        }
        free(id);
    }
}

static void
test_format_vectors(void **state)
{
    static const unsigned char zero[VCODE_VALUE_BYTES] = {0};
    static const unsigned char one[VCODE_VALUE_BYTES] = {0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 1};
    static const unsigned char seq[VCODE_VALUE_BYTES] = {
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23};
    unsigned char ff[VCODE_VALUE_BYTES];
    char text[VCODE_TEXT_MAX];

    (void)state;
    memset(ff, 0xff, sizeof(ff));
    vcode_format(zero, text);
    assert_string_equal(text, "0000-0000-0000-0000-0");
    vcode_format(ff, text);
    assert_string_equal(text, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-M");
    vcode_format(one, text);
    assert_string_equal(text, "0000-0000-0000-0001-2");
    vcode_format(seq, text);
    assert_string_equal(text, "04HM-ASW9-NF6Y-Y093-X");
}

static void
test_make_empty_id(void **state)
{
    unsigned char key[VCODE_KEY_BYTES], v[VCODE_VALUE_BYTES] = {0};
    char text[VCODE_TEXT_MAX] = "junk";

    (void)state;
    key_seq(key);
    assert_int_equal(vcode_make(key, "", 0, text), TOCSIN_EINVAL);
    assert_string_equal(text, "");
    assert_int_equal(vcode_make(key, NULL, 0, text), TOCSIN_EINVAL);
    vcode_value(key, "", 0, v);
    assert_int_equal(vcode_verify(key, "", 0, v), 0);
}

/* Parse text (an exact copy, so that ASan sees any overread); returns the
 * status and checks the return value agrees with it. */
static int
parse(const char *text, size_t len, unsigned char v[VCODE_VALUE_BYTES])
{
    char *p = test_exact(text, len);
    int status = -1, rc;

    rc = vcode_parse(p, len, v, &status);
    free(p);
    assert_int_equal(rc, status == VCODE_OK ? TOCSIN_OK : TOCSIN_EFORMAT);
    return status;
}

static int
parses(const char *text)
{
    unsigned char v[VCODE_VALUE_BYTES];

    return parse(text, strlen(text), v);
}

/* What people type: "QGKP-22AD-PBKG-RT2T-X" (value bc2761094db2e70c685a,
 * key 00..1f, id msg-000001) in many spellings. */
static void
test_parse_typed(void **state)
{
    static const char *const ok[] = {
        "QGKP-22AD-PBKG-RT2T-X",
        "qgkp-22ad-pbkg-rt2t-x",
        "QGKP22ADPBKGRT2TX",
        "qgkp 22ad pbkg rt2t x",
        "  QGKP - 22AD - PBKG - RT2T - X  \r\n",
        "Q-G-K-P-2-2-A-D-P-B-K-G-R-T-2-T-X",
        "---QGKP22AD\tPBKGRT2TX---",
        "QgKp-22aD-PbKg-Rt2T-x",
        "QGKP\xc2\xa0"
        "22AD\xe2\x80\x93PBKG\xe2\x80\x94RT2T\xe2\x88\x92X",
        "QGKP\xe2\x80\x90"
        "22AD\xe2\x80\x91PBKG\xe2\x80\x92RT2T\xe2\x80\x95X\xe2\x80\xaf",
    };
    unsigned char v[VCODE_VALUE_BYTES];
    char h[2 * VCODE_VALUE_BYTES + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        memset(v, 0x55, sizeof(v));
        assert_int_equal(parse(ok[i], strlen(ok[i]), v), VCODE_OK);
        hex(v, sizeof(v), h);
        assert_string_equal(h, "bc2761094db2e70c685a");
    }
}

/* I and L are read as 1, O as 0: "40MP-90DQ-AB1E-J87W-7" typed with I,
 * L or i for the 1 and O or o for the 0s. */
static void
test_parse_aliases(void **state)
{
    static const char *const ok[] = {
        "4OMP-9ODQ-ABIE-J87W-7",
        "4oMP-9oDQ-ABlE-J87W-7",
        "4OMP-90DQ-ABLE-J87W-7",
        "40mp-90dq-abie-j87w-7",
    };
    unsigned char v[VCODE_VALUE_BYTES];
    char h[2 * VCODE_VALUE_BYTES + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(parse(ok[i], strlen(ok[i]), v), VCODE_OK);
        hex(v, sizeof(v), h);
        assert_string_equal(h, "20296481b752c2e920fc");
    }
    /* "0000-0000-0000-0001-2" with letters for every digit they stand
     * for. */
    assert_int_equal(parses("oooo-OOOO-oooo-oooI-2"), VCODE_OK);
    assert_int_equal(parses("oooo-OOOO-oooo-oool-2"), VCODE_OK);
}

static void
test_parse_malformed(void **state)
{
    static const char *const bad[] = {
        "",
        "----",
        "QGKP-22AD-PBKG-RT2T",          /* no check symbol: 16 */
        "QGKP-22AD-PBKG-RT2T-XX",       /* 18 */
        "QGKP-22AD-PBKG-RT2T-X0000000", /* far too long */
        "QGKU-22AD-PBKG-RT2T-X",        /* U is no symbol */
        "QGKP-22AD-PBKG-RT2T-u",        /* nor u */
        "QGKP-22AD-PBKG-RT2T-*",        /* Crockford's extra check symbols */
        "QGKP-22AD-PBKG-RT2T-~",
        "QGKP_22AD_PBKG_RT2T_X", /* underscore */
        "QGKP.22AD.PBKG.RT2T.X",
        "QGKP-22AD-PBKG-RT2T-X!",
        "QGKP-22AD-PBKG-RT2T-\xc3\x89",      /* É */
        "QGKP-22AD-PBKG-RT2T-X\xe2\x80",     /* cut UTF-8 dash */
        "QGKP-22AD-PBKG-RT2T-X\xc2",         /* cut no-break space */
        "QGKP-22AD-PBKG-RT2T-X\xe2\x80\x96", /* U+2016 is not a dash */
    };
    unsigned char v[VCODE_VALUE_BYTES];
    char long_in[LIMIT_VCODE_INPUT + 2];
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(v, 0x55, sizeof(v));
        assert_int_equal(parse(bad[i], strlen(bad[i]), v), VCODE_MALFORMED);
        for (n = 0; n < sizeof(v); n++)
            assert_int_equal(v[n], 0);
    }
    /* A NUL byte inside. */
    assert_int_equal(parse("QGKP-22AD\0PBKG-RT2T-X", 21, v), VCODE_MALFORMED);

    /* Input over LIMIT_VCODE_INPUT bytes is refused even when it is a code
     * padded with blanks; at the limit it is read. */
    memset(long_in, ' ', sizeof(long_in));
    memcpy(long_in, "QGKP-22AD-PBKG-RT2T-X", 21);
    assert_int_equal(parse(long_in, LIMIT_VCODE_INPUT, v), VCODE_OK);
    assert_int_equal(parse(long_in, LIMIT_VCODE_INPUT + 1, v),
                     VCODE_MALFORMED);
}

static void
test_parse_typo(void **state)
{
    unsigned char v[VCODE_VALUE_BYTES];
    size_t n;

    (void)state;
    memset(v, 0x55, sizeof(v));
    /* one symbol wrong, two neighbours swapped, wrong check symbol */
    assert_int_equal(parse("QGKP-22AD-PBKG-RT3T-X", 21, v), VCODE_TYPO);
    for (n = 0; n < sizeof(v); n++)
        assert_int_equal(v[n], 0);
    assert_int_equal(parses("QGKP-22AD-PBGK-RT2T-X"), VCODE_TYPO);
    assert_int_equal(parses("QGKP-22AD-PBKG-RT2X-T"), VCODE_TYPO);
    assert_int_equal(parses("QGKP-22AD-PBKG-RT2T-Y"), VCODE_TYPO);
    assert_int_equal(parses("QGKP-22AD-PBKG-RT2T-x"), VCODE_OK);
}

/*
 * The proof by brute force: for 3000 codes, every one of the 17 symbols
 * replaced by each of the 31 other symbols is a typo, and so is every swap
 * of two different neighbouring symbols (the check symbol included). A
 * symbol replaced by a character that is none (U) is malformed.
 */
static void
test_typo_detection(void **state)
{
    enum { CODES = 3000 };
    unsigned char key[VCODE_KEY_BYTES], v[VCODE_VALUE_BYTES];
    size_t subst = 0, swaps = 0, i, pos, k;

    (void)state;
    key_seq(key);
    for (i = 0; i < CODES; i++) {
        char id[32], text[VCODE_TEXT_MAX], s[VCODE_SYMBOLS], t[VCODE_SYMBOLS];
        size_t n = 0;
        int status;

        snprintf(id, sizeof(id), "message-%zu", i);
        assert_int_equal(vcode_make(key, id, strlen(id), text), TOCSIN_OK);
        for (k = 0; text[k] != '\0'; k++) {
            if (text[k] != '-')
                s[n++] = text[k];
        }
        assert_int_equal(n, VCODE_SYMBOLS);
        assert_int_equal(vcode_parse(s, n, v, &status), TOCSIN_OK);
        assert_int_equal(status, VCODE_OK);

        for (pos = 0; pos < VCODE_SYMBOLS; pos++) {
            for (k = 0; k < 32; k++) {
                if (alphabet[k] == s[pos])
                    continue;
                memcpy(t, s, sizeof(t));
                t[pos] = alphabet[k];
                assert_int_equal(vcode_parse(t, n, v, &status),
                                 TOCSIN_EFORMAT);
                assert_int_equal(status, VCODE_TYPO);
                subst++;
            }
            memcpy(t, s, sizeof(t));
            t[pos] = 'U';
            assert_int_equal(vcode_parse(t, n, v, &status), TOCSIN_EFORMAT);
            assert_int_equal(status, VCODE_MALFORMED);
        }
        for (pos = 0; pos + 1 < VCODE_SYMBOLS; pos++) {
            if (s[pos] == s[pos + 1])
                continue;
            memcpy(t, s, sizeof(t));
            t[pos] = s[pos + 1];
            t[pos + 1] = s[pos];
            assert_int_equal(vcode_parse(t, n, v, &status), TOCSIN_EFORMAT);
            assert_int_equal(status, VCODE_TYPO);
            swaps++;
        }
    }
    assert_int_equal(subst, (size_t)CODES * VCODE_SYMBOLS * 31);
    /* About 31/32 of the 16 neighbour pairs differ. */
    assert_true(swaps > (size_t)CODES * 16 * 30 / 32);
    print_message("# %zu substitutions and %zu transpositions all caught\n",
                  subst, swaps);
}

static void
test_verify(void **state)
{
    unsigned char key[VCODE_KEY_BYTES], other[VCODE_KEY_BYTES];
    unsigned char v[VCODE_VALUE_BYTES], w[VCODE_VALUE_BYTES];
    size_t i, bit;

    (void)state;
    key_seq(key);
    memcpy(other, key, sizeof(other));
    other[31] ^= 1;
    vcode_value(key, "msg-000001", 10, v);
    assert_int_equal(vcode_verify(key, "msg-000001", 10, v), 1);
    assert_int_equal(vcode_verify(key, "msg-000002", 10, v), 0);
    assert_int_equal(vcode_verify(key, "msg-00000", 9, v), 0);
    assert_int_equal(vcode_verify(other, "msg-000001", 10, v), 0);
    assert_int_equal(vcode_verify(key, NULL, 0, v), 0);
    for (i = 0; i < sizeof(v); i++) {
        for (bit = 0; bit < 8; bit++) {
            memcpy(w, v, sizeof(w));
            w[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(vcode_verify(key, "msg-000001", 10, w), 0);
        }
    }
}

/* vcode_verify() compares through sodium_memcmp(), all 10 bytes, once per
 * call, whether the values agree or not. */
static void
test_verify_constant_time(void **state)
{
    unsigned char key[VCODE_KEY_BYTES], v[VCODE_VALUE_BYTES];

    (void)state;
    key_seq(key);
    vcode_value(key, "msg-000001", 10, v);
    memcmp_calls = 0;
    memcmp_len = 0;
    assert_int_equal(vcode_verify(key, "msg-000001", 10, v), 1);
    assert_int_equal(memcmp_calls, 1);
    assert_int_equal(memcmp_len, VCODE_VALUE_BYTES);
    v[0] ^= 0x80;
    assert_int_equal(vcode_verify(key, "msg-000001", 10, v), 0);
    assert_int_equal(memcmp_calls, 2);
    v[0] ^= 0x80;
    v[9] ^= 0x01;
    assert_int_equal(vcode_verify(key, "msg-000001", 10, v), 0);
    assert_int_equal(memcmp_calls, 3);
    assert_int_equal(memcmp_len, VCODE_VALUE_BYTES);
}

/* Every 80-bit value survives format and parse: random values. */
static void
test_roundtrip_random(void **state)
{
    unsigned char v[VCODE_VALUE_BYTES], w[VCODE_VALUE_BYTES];
    char text[VCODE_TEXT_MAX];
    size_t i;
    int status;

    (void)state;
    for (i = 0; i < 10000; i++) {
        randombytes_buf(v, sizeof(v));
        vcode_format(v, text);
        assert_int_equal(strlen(text), VCODE_TEXT_LEN);
        assert_int_equal(text[4], '-');
        assert_int_equal(text[9], '-');
        assert_int_equal(text[14], '-');
        assert_int_equal(text[19], '-');
        assert_null(strpbrk(text, "ILOU"));
        assert_int_equal(vcode_parse(text, VCODE_TEXT_LEN, w, &status),
                         TOCSIN_OK);
        assert_int_equal(status, VCODE_OK);
        assert_memory_equal(v, w, sizeof(v));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_rfc4231),
        cmocka_unit_test(test_make_vectors),
        cmocka_unit_test(test_format_vectors),
        cmocka_unit_test(test_make_empty_id),
        cmocka_unit_test(test_parse_typed),
        cmocka_unit_test(test_parse_aliases),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_parse_typo),
        cmocka_unit_test(test_typo_detection),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_verify_constant_time),
        cmocka_unit_test(test_roundtrip_random),
    };

    return cmocka_run_group_tests_name("vcode", tests, setup, NULL);
}
