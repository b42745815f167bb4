/* Tests of seal.c: the key file, keyed hashes, sealed values, MACs. The
 * expected values are recomputed here from the key file with libsodium, so
 * that the construction itself (subkey ids, domain separation) is pinned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store/seal.h"
#include "util/fsutil.h"
#include "util/limits.h"

struct fixture {
    char dir[64];
    char key[128];
    char key2[128];
    struct seal *s;
    struct seal *s2;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/tocsin-seal-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->key, sizeof(f->key), "%s/case.key", f->dir);
    snprintf(f->key2, sizeof(f->key2), "%s/other.key", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    seal_free(f->s);
    seal_free(f->s2);
    unlink(f->key);
    unlink(f->key2);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Create the key and open it into f->s. */
static void
open_key(struct fixture *f)
{
    assert_int_equal(seal_key_create(f->key), TOCSIN_OK);
    assert_int_equal(seal_open(f->key, &f->s), TOCSIN_OK);
    assert_non_null(f->s);
}

/* The master key in a key file. */
static void
read_master(const char *path, unsigned char master[32])
{
    char *text = NULL;
    size_t len = 0;

    assert_int_equal(fs_read_file(path, 1024, &text, &len), TOCSIN_OK);
    assert_int_equal(len, 78);
    assert_int_equal(
        sodium_hex2bin(master, 32, text + 13, 64, NULL, NULL, NULL), 0);
    free(text);
}

static void
subkey(const char *path, uint64_t id, unsigned char out[32])
{
    unsigned char master[32];

    read_master(path, master);
    assert_int_equal(
        crypto_kdf_derive_from_key(out, 32, id, "tocsin__", master), 0);
}

static void
test_key_file_format_and_mode(void **state)
{
    struct fixture *f = *state;
    struct stat st;
    char *text = NULL;
    size_t len = 0, i;

    assert_int_equal(seal_key_create(f->key), TOCSIN_OK);
    assert_int_equal(stat(f->key, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(fs_read_file(f->key, 1024, &text, &len), TOCSIN_OK);
    assert_int_equal(len, 78);
    assert_memory_equal(text, "tocsin-key-1 ", 13);
    for (i = 13; i < 77; i++)
        assert_true((text[i] >= '0' && text[i] <= '9') ||
                    (text[i] >= 'a' && text[i] <= 'f'));
    assert_int_equal(text[77], '\n');
    free(text);
}

static void
test_key_create_refuses_overwrite(void **state)
{
    struct fixture *f = *state;
    char *a = NULL, *b = NULL;

    assert_int_equal(seal_key_create(f->key), TOCSIN_OK);
    assert_int_equal(fs_read_file(f->key, 1024, &a, NULL), TOCSIN_OK);
    assert_int_equal(seal_key_create(f->key), TOCSIN_EEXIST);
    assert_int_equal(fs_read_file(f->key, 1024, &b, NULL), TOCSIN_OK);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void
test_keys_are_random(void **state)
{
    struct fixture *f = *state;
    char *a = NULL, *b = NULL;

    assert_int_equal(seal_key_create(f->key), TOCSIN_OK);
    assert_int_equal(seal_key_create(f->key2), TOCSIN_OK);
    assert_int_equal(fs_read_file(f->key, 1024, &a, NULL), TOCSIN_OK);
    assert_int_equal(fs_read_file(f->key2, 1024, &b, NULL), TOCSIN_OK);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void
test_open_refuses_readable_by_others(void **state)
{
    struct fixture *f = *state;
    static const mode_t bad[] = {0644, 0640, 0604, 0660, 0602, 0620, 0610};
    struct seal *s = NULL;
    size_t i;

    assert_int_equal(seal_key_create(f->key), TOCSIN_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(chmod(f->key, bad[i]), 0);
        s = (struct seal *)1;
        assert_int_equal(seal_open(f->key, &s), TOCSIN_EKEY);
        assert_null(s);
    }
    assert_int_equal(chmod(f->key, 0400), 0);
    assert_int_equal(seal_open(f->key, &s), TOCSIN_OK);
    seal_free(s);
    assert_int_equal(chmod(f->key, 0600), 0);
    assert_int_equal(seal_open(f->key, &s), TOCSIN_OK);
    seal_free(s);
}

static void
test_open_refuses_malformed(void **state)
{
    struct fixture *f = *state;
    static const char hex[] =
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    char good[128], text[256];
    struct seal *s = NULL;
    const char *bad[12];
    size_t i;

    snprintf(good, sizeof(good), "tocsin-key-1 %s\n", hex);
    bad[0] = "";
    bad[1] = "tocsin-key-1 \n";
    bad[2] = "tocsin-key-2 "
             "00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eeff\n";
    bad[3] = "tocsin-key-1 "
             "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccdd"
             "eeff\n";
    bad[4] = "tocsin-key-1 "
             "00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eefg\n";
    bad[5] = "tocsin-key-1 "
             "00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eef\n";
    bad[6] = "tocsin-key-1 "
             "00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eeff00\n";
    bad[7] = "tocsin-key-1 "
             "00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eeff";
    bad[8] = "tocsin-key-1 "
             "00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eeff\nX";
    bad[9] = "tocsin-key-1  "
             "0112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eeff\n";
    bad[10] = "tocsin-key-1 "
              "00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
              "eeff\r";
    bad[11] = NULL;

    /* The good one opens, so the bad ones fail for their fault alone. */
    assert_int_equal(fs_write_file(f->key, good, strlen(good), 0600, 0),
                     TOCSIN_OK);
    assert_int_equal(seal_open(f->key, &s), TOCSIN_OK);
    seal_free(s);
    for (i = 0; bad[i] != NULL; i++) {
        snprintf(text, sizeof(text), "%s", bad[i]);
        assert_int_equal(fs_write_file(f->key, text, strlen(text), 0600, 0),
                         TOCSIN_OK);
        s = (struct seal *)1;
        assert_int_equal(seal_open(f->key, &s), TOCSIN_EKEY);
        assert_null(s);
    }
    /* Missing, or a directory. */
    assert_int_equal(seal_open(f->key2, &s), TOCSIN_EKEY);
    assert_int_equal(seal_open(f->dir, &s), TOCSIN_EKEY);
}

static void
test_round_trip(void **state)
{
    struct fixture *f = *state;
    static const char value[] = "NL91ABNA0417164300";
    struct buf box, plain;

    open_key(f);
    buf_init(&box, 4096);
    buf_init(&plain, 4096);
    assert_int_equal(
        seal_encrypt(f->s, "record:42:iban", value, strlen(value), &box),
        TOCSIN_OK);
    /* nonce (24) || ciphertext || tag (16) */
    assert_int_equal(buf_len(&box), 24 + strlen(value) + 16);
    assert_null(memmem(buf_str(&box), buf_len(&box), "ABNA", 4));
    assert_int_equal(seal_decrypt(f->s, "record:42:iban", buf_str(&box),
                                  buf_len(&box), &plain),
                     TOCSIN_OK);
    assert_int_equal(buf_len(&plain), strlen(value));
    assert_memory_equal(buf_str(&plain), value, strlen(value));

    /* The plaintext is appended to what the buffer holds. */
    buf_reset(&plain);
    assert_int_equal(buf_appends(&plain, "> "), TOCSIN_OK);
    assert_int_equal(seal_decrypt(f->s, "record:42:iban", buf_str(&box),
                                  buf_len(&box), &plain),
                     TOCSIN_OK);
    assert_string_equal(buf_str(&plain), "> NL91ABNA0417164300");

    /* An empty value round-trips too. */
    buf_reset(&box);
    buf_reset(&plain);
    assert_int_equal(seal_encrypt(f->s, "c", "", 0, &box), TOCSIN_OK);
    assert_int_equal(buf_len(&box), 40);
    assert_int_equal(
        seal_decrypt(f->s, "c", buf_str(&box), buf_len(&box), &plain),
        TOCSIN_OK);
    assert_int_equal(buf_len(&plain), 0);
    buf_wipe(&plain);
    buf_free(&box);
}

static void
test_encrypt_uses_fresh_nonces(void **state)
{
    struct fixture *f = *state;
    struct buf a, b;

    open_key(f);
    buf_init(&a, 4096);
    buf_init(&b, 4096);
    assert_int_equal(seal_encrypt(f->s, "ctx", "same", 4, &a), TOCSIN_OK);
    assert_int_equal(seal_encrypt(f->s, "ctx", "same", 4, &b), TOCSIN_OK);
    assert_int_equal(buf_len(&a), buf_len(&b));
    assert_memory_not_equal(buf_str(&a), buf_str(&b), 24);
    assert_memory_not_equal(buf_str(&a) + 24, buf_str(&b) + 24, 4 + 16);
    buf_free(&a);
    buf_free(&b);
}

static void
test_wrong_context_fails(void **state)
{
    struct fixture *f = *state;
    struct buf box, plain;

    open_key(f);
    buf_init(&box, 4096);
    buf_init(&plain, 4096);
    assert_int_equal(
        seal_encrypt(f->s, "record:42:email", "a@b.example", 11, &box),
        TOCSIN_OK);
    assert_int_equal(seal_decrypt(f->s, "record:43:email", buf_str(&box),
                                  buf_len(&box), &plain),
                     TOCSIN_ECRYPTO);
    assert_int_equal(seal_decrypt(f->s, "record:42:emai", buf_str(&box),
                                  buf_len(&box), &plain),
                     TOCSIN_ECRYPTO);
    assert_int_equal(
        seal_decrypt(f->s, "", buf_str(&box), buf_len(&box), &plain),
        TOCSIN_ECRYPTO);
    assert_int_equal(buf_len(&plain), 0);
    buf_free(&box);
    buf_free(&plain);
}

static void
test_tampered_fails(void **state)
{
    struct fixture *f = *state;
    struct buf box, plain;
    unsigned char copy[128];
    size_t i, n;

    open_key(f);
    buf_init(&box, 4096);
    buf_init(&plain, 4096);
    assert_int_equal(seal_encrypt(f->s, "ctx", "1990-05-17", 10, &box),
                     TOCSIN_OK);
    n = buf_len(&box);
    assert_true(n <= sizeof(copy));
    /* Every byte matters: nonce, ciphertext and tag. */
    for (i = 0; i < n; i++) {
        memcpy(copy, buf_str(&box), n);
        copy[i] ^= 0x01;
        assert_int_equal(seal_decrypt(f->s, "ctx", copy, n, &plain),
                         TOCSIN_ECRYPTO);
    }
    memcpy(copy, buf_str(&box), n);
    assert_int_equal(seal_decrypt(f->s, "ctx", copy, n - 1, &plain),
                     TOCSIN_ECRYPTO);
    assert_int_equal(seal_decrypt(f->s, "ctx", copy, 39, &plain),
                     TOCSIN_ECRYPTO);
    assert_int_equal(seal_decrypt(f->s, "ctx", copy, 0, &plain),
                     TOCSIN_ECRYPTO);
    assert_int_equal(buf_len(&plain), 0);
    assert_int_equal(seal_decrypt(f->s, "ctx", copy, n, &plain), TOCSIN_OK);
    assert_string_equal(buf_str(&plain), "1990-05-17");
    buf_free(&box);
    buf_wipe(&plain);
}

static void
test_other_key_cannot_decrypt(void **state)
{
    struct fixture *f = *state;
    struct buf box, plain;

    open_key(f);
    assert_int_equal(seal_key_create(f->key2), TOCSIN_OK);
    assert_int_equal(seal_open(f->key2, &f->s2), TOCSIN_OK);
    buf_init(&box, 4096);
    buf_init(&plain, 4096);
    assert_int_equal(seal_encrypt(f->s, "ctx", "secret", 6, &box), TOCSIN_OK);
    assert_int_equal(
        seal_decrypt(f->s2, "ctx", buf_str(&box), buf_len(&box), &plain),
        TOCSIN_ECRYPTO);
    buf_free(&box);
    buf_free(&plain);
}

static void
test_limits(void **state)
{
    struct fixture *f = *state;
    struct buf box, small;
    char *big;

    open_key(f);
    big = calloc(1, LIMIT_SEAL_PLAIN + 1);
    assert_non_null(big);
    buf_init(&box, LIMIT_SEAL_PLAIN + 1024);
    assert_int_equal(
        seal_encrypt(f->s, "ctx", big, LIMIT_SEAL_PLAIN + 1, &box),
        TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&box), 0);
    assert_int_equal(seal_encrypt(f->s, "ctx", big, LIMIT_SEAL_PLAIN, &box),
                     TOCSIN_OK);
    assert_int_equal(buf_len(&box), LIMIT_SEAL_PLAIN + 40);

    /* A buffer too small for the box: refused, and left as it was. */
    buf_init(&small, 45);
    assert_int_equal(buf_appends(&small, "keep"), TOCSIN_OK);
    assert_int_equal(seal_encrypt(f->s, "ctx", "0123456789", 10, &small),
                     TOCSIN_ELIMIT);
    assert_string_equal(buf_str(&small), "keep");
    buf_free(&small);
    buf_free(&box);
    free(big);
}

static void
test_hash(void **state)
{
    struct fixture *f = *state;
    unsigned char h1[SEAL_HASH_BYTES], h2[SEAL_HASH_BYTES];
    unsigned char want[SEAL_HASH_BYTES], k[16], master[32];

    open_key(f);
    seal_hash(f->s, "iban", "NL91ABNA0417164300", 18, h1);
    seal_hash(f->s, "iban", "NL91ABNA0417164300", 18, h2);
    assert_memory_equal(h1, h2, sizeof(h1));

    /* SipHash-2-4-128 keyed with 16 bytes of subkey 1, over
     * domain || NUL || value. */
    read_master(f->key, master);
    assert_int_equal(
        crypto_kdf_derive_from_key(k, sizeof(k), 1, "tocsin__", master), 0);
    assert_int_equal(crypto_shorthash_siphashx24(
                         want,
                         (const unsigned char *)"iban\0NL91ABNA0417164300",
                         4 + 1 + 18, k),
                     0);
    assert_memory_equal(h1, want, sizeof(want));

    /* Another domain, another hash. */
    seal_hash(f->s, "phone", "NL91ABNA0417164300", 18, h2);
    assert_memory_not_equal(h1, h2, sizeof(h1));
    /* The boundary between domain and value counts. */
    seal_hash(f->s, "a", "bc", 2, h1);
    seal_hash(f->s, "ab", "c", 1, h2);
    assert_memory_not_equal(h1, h2, sizeof(h1));
    /* Another value, another hash. */
    seal_hash(f->s, "a", "bd", 2, h2);
    assert_memory_not_equal(h1, h2, sizeof(h1));

    /* A long value is hashed too, and differs from its own prefix. */
    {
        char longv[1000];

        memset(longv, 'x', sizeof(longv));
        seal_hash(f->s, "notes", longv, sizeof(longv), h1);
        seal_hash(f->s, "notes", longv, 256, h2);
        assert_memory_not_equal(h1, h2, sizeof(h1));
        seal_hash(f->s, "notes", longv, sizeof(longv), h2);
        assert_memory_equal(h1, h2, sizeof(h1));
    }

    /* Another key, another hash. */
    assert_int_equal(seal_key_create(f->key2), TOCSIN_OK);
    assert_int_equal(seal_open(f->key2, &f->s2), TOCSIN_OK);
    seal_hash(f->s, "iban", "x", 1, h1);
    seal_hash(f->s2, "iban", "x", 1, h2);
    assert_memory_not_equal(h1, h2, sizeof(h1));
}

static void
test_key_check(void **state)
{
    struct fixture *f = *state;
    char c1[SEAL_KEY_CHECK_HEX + 1], c2[SEAL_KEY_CHECK_HEX + 1];
    char want[SEAL_KEY_CHECK_HEX + 1];
    unsigned char k[32], h[16];
    struct seal *again = NULL;

    open_key(f);
    memset(c1, 'x', sizeof(c1));
    seal_key_check(f->s, c1);
    assert_int_equal(strlen(c1), SEAL_KEY_CHECK_HEX);
    /* The first 16 bytes of BLAKE2b keyed with subkey 4 of a fixed text. */
    subkey(f->key, 4, k);
    assert_int_equal(crypto_generichash(h, sizeof(h),
                                        (const unsigned char *)"tocsin key "
                                                               "check",
                                        16, k, sizeof(k)),
                     0);
    sodium_bin2hex(want, sizeof(want), h, sizeof(h));
    assert_string_equal(c1, want);

    /* Stable for the key, different for another. */
    assert_int_equal(seal_open(f->key, &again), TOCSIN_OK);
    seal_key_check(again, c2);
    assert_string_equal(c1, c2);
    seal_free(again);
    assert_int_equal(seal_key_create(f->key2), TOCSIN_OK);
    assert_int_equal(seal_open(f->key2, &f->s2), TOCSIN_OK);
    seal_key_check(f->s2, c2);
    assert_string_not_equal(c1, c2);
}

static void
test_code_mac(void **state)
{
    struct fixture *f = *state;
    unsigned char m1[32], m2[32], want[32], k[32];
    crypto_auth_hmacsha256_state st;

    open_key(f);
    seal_code_mac(f->s, "msg-17", 6, m1);
    seal_code_mac(f->s, "msg-17", 6, m2);
    assert_memory_equal(m1, m2, 32);
    /* HMAC-SHA-256 with subkey 3. */
    subkey(f->key, 3, k);
    assert_int_equal(crypto_auth_hmacsha256_init(&st, k, sizeof(k)), 0);
    assert_int_equal(
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)"msg-17", 6),
        0);
    assert_int_equal(crypto_auth_hmacsha256_final(&st, want), 0);
    assert_memory_equal(m1, want, 32);
    seal_code_mac(f->s, "msg-18", 6, m2);
    assert_memory_not_equal(m1, m2, 32);
    /* The MAC key is not the hash key. */
    seal_hash(f->s, "", "msg-17", 6, m2);
    assert_memory_not_equal(m1, m2, 32);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_key_file_format_and_mode, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_key_create_refuses_overwrite,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_are_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_readable_by_others,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_malformed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encrypt_uses_fresh_nonces, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wrong_context_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tampered_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_key_cannot_decrypt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_mac, setup, teardown),
    };

    return cmocka_run_group_tests_name("seal", tests, NULL, NULL);
}
