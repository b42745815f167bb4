/*
 * seal.c - the case key and what it protects, on libsodium.
 *
 * The master key is read once and never used directly: four subkeys are
 * derived from it with crypto_kdf (context "tocsin__"), one per purpose, so
 * that a value hashed for matching can never be confused with a MAC or a
 * ciphertext key. All key material lives in one sodium_malloc'd block
 * (guard pages, locked, wiped on free) that is read-only after setup.
 */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../util/fsutil.h"
#include "../util/limits.h"

#define SEAL_MAGIC     "tocsin-key-1 "
#define SEAL_MAGIC_LEN (sizeof(SEAL_MAGIC) - 1)
#define SEAL_KEY_BYTES 32
#define SEAL_FILE_LEN  (SEAL_MAGIC_LEN + 2 * SEAL_KEY_BYTES + 1)

#define SEAL_KDF_CONTEXT "tocsin__"

/* Values up to this long are hashed as they are (see seal_hash). */
#define SEAL_HASH_INLINE 256

/* Subkey ids for crypto_kdf_derive_from_key(); never renumber. */
enum seal_subkey {
    SEAL_SUBKEY_HASH = 1,
    SEAL_SUBKEY_ENCRYPT = 2,
    SEAL_SUBKEY_CODE = 3,
    SEAL_SUBKEY_CHECK = 4,
};

#define SEAL_CHECK_TEXT "tocsin key check"

struct seal_keys {
    crypto_auth_hmacsha256_state code_state; /* likewise for the MAC */
    unsigned char hash[crypto_shorthash_siphashx24_KEYBYTES];
    unsigned char encrypt[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    unsigned char code[crypto_auth_hmacsha256_KEYBYTES];
    unsigned char check[crypto_generichash_KEYBYTES];
};

struct seal {
    struct seal_keys *keys; /* sodium_malloc'd, read-only once made */
    /* Nonces: a random prefix chosen when the key is opened and a counter,
     * so that sealing millions of values needs no system call each; 128
     * random bits keep the prefixes of different openings apart. The
     * counter changes under a const pointer, atomically: the object itself
     * is never const (it is allocated by seal_open). */
    unsigned char nonce_prefix[16];
    uint64_t nonce_counter;
};

static int
seal_init(void)
{
    return sodium_init() < 0 ? TOCSIN_ECRYPTO : TOCSIN_OK;
}

int
seal_key_create(const char *path)
{
    unsigned char key[SEAL_KEY_BYTES];
    char text[SEAL_FILE_LEN + 1];
    int rc;

    rc = seal_init();
    if (rc != TOCSIN_OK)
        return rc;
    randombytes_buf(key, sizeof(key));
    memcpy(text, SEAL_MAGIC, SEAL_MAGIC_LEN);
    sodium_bin2hex(text + SEAL_MAGIC_LEN, 2 * SEAL_KEY_BYTES + 1, key,
                   sizeof(key));
    text[SEAL_FILE_LEN - 1] = '\n';
    text[SEAL_FILE_LEN] = '\0';
    rc = fs_write_file(path, text, SEAL_FILE_LEN, 0600, FS_EXCL);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(text, sizeof(text));
    return rc;
}

/* Read the key file into text (exactly SEAL_FILE_LEN bytes), refusing a
 * file that is not private to its owner. */
static int
seal_read_file(const char *path, char text[SEAL_FILE_LEN + 1])
{
    struct stat st;
    size_t got = 0;
    int fd, rc = TOCSIN_OK;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return TOCSIN_EKEY;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        close(fd);
        return TOCSIN_EKEY;
    }
    /* One byte more than a key file has, to notice trailing content. */
    while (got < SEAL_FILE_LEN + 1) {
        ssize_t n = read(fd, text + got, SEAL_FILE_LEN + 1 - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = TOCSIN_EKEY;
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (rc == TOCSIN_OK && got != SEAL_FILE_LEN)
        rc = TOCSIN_EKEY;
    return rc;
}

/* Check the text of a key file and decode the key. */
static int
seal_parse(const char *text, unsigned char key[SEAL_KEY_BYTES])
{
    const char *hex = text + SEAL_MAGIC_LEN;
    size_t i, n;

    if (memcmp(text, SEAL_MAGIC, SEAL_MAGIC_LEN) != 0 ||
        text[SEAL_FILE_LEN - 1] != '\n')
        return TOCSIN_EKEY;
    for (i = 0; i < 2 * SEAL_KEY_BYTES; i++)
        if (!((hex[i] >= '0' && hex[i] <= '9') ||
              (hex[i] >= 'a' && hex[i] <= 'f')))
            return TOCSIN_EKEY;
    if (sodium_hex2bin(key, SEAL_KEY_BYTES, hex, 2 * SEAL_KEY_BYTES, NULL, &n,
                       NULL) != 0 ||
        n != SEAL_KEY_BYTES)
        return TOCSIN_EKEY;
    return TOCSIN_OK;
}

int
seal_open(const char *path, struct seal **out)
{
    char text[SEAL_FILE_LEN + 1];
    unsigned char *master = NULL;
    struct seal *s = NULL;
    int rc;

    *out = NULL;
    rc = seal_init();
    if (rc != TOCSIN_OK)
        return rc;
    s = calloc(1, sizeof(*s));
    master = sodium_malloc(SEAL_KEY_BYTES);
    if (s != NULL)
        s->keys = sodium_malloc(sizeof(*s->keys));
    if (s == NULL || master == NULL || s->keys == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    randombytes_buf(s->nonce_prefix, sizeof(s->nonce_prefix));
    rc = seal_read_file(path, text);
    if (rc == TOCSIN_OK)
        rc = seal_parse(text, master);
    sodium_memzero(text, sizeof(text));
    if (rc != TOCSIN_OK)
        goto out;
    if (crypto_kdf_derive_from_key(s->keys->hash, sizeof(s->keys->hash),
                                   SEAL_SUBKEY_HASH, SEAL_KDF_CONTEXT,
                                   master) != 0 ||
        crypto_kdf_derive_from_key(s->keys->encrypt, sizeof(s->keys->encrypt),
                                   SEAL_SUBKEY_ENCRYPT, SEAL_KDF_CONTEXT,
                                   master) != 0 ||
        crypto_kdf_derive_from_key(s->keys->code, sizeof(s->keys->code),
                                   SEAL_SUBKEY_CODE, SEAL_KDF_CONTEXT,
                                   master) != 0 ||
        crypto_kdf_derive_from_key(s->keys->check, sizeof(s->keys->check),
                                   SEAL_SUBKEY_CHECK, SEAL_KDF_CONTEXT,
                                   master) != 0) {
        rc = TOCSIN_ECRYPTO;
        goto out;
    }
    if (crypto_auth_hmacsha256_init(&s->keys->code_state, s->keys->code,
                                    sizeof(s->keys->code)) != 0) {
        rc = TOCSIN_ECRYPTO;
        goto out;
    }
    sodium_mprotect_readonly(s->keys);
    *out = s;
    s = NULL;
out:
    sodium_free(master); /* wipes; NULL is a no-op */
    seal_free(s);
    return rc;
}

void
seal_free(struct seal *s)
{
    if (s == NULL)
        return;
    sodium_free(s->keys); /* wipes */
    free(s);
}

void
seal_key_check(const struct seal *s, char out[SEAL_KEY_CHECK_HEX + 1])
{
    unsigned char h[SEAL_KEY_CHECK_HEX / 2];

    crypto_generichash(h, sizeof(h), (const unsigned char *)SEAL_CHECK_TEXT,
                       sizeof(SEAL_CHECK_TEXT) - 1, s->keys->check,
                       sizeof(s->keys->check));
    sodium_bin2hex(out, SEAL_KEY_CHECK_HEX + 1, h, sizeof(h));
}

void
seal_hash(const struct seal *s, const char *domain, const void *value,
          size_t len, unsigned char out[SEAL_HASH_BYTES])
{
    unsigned char in[SEAL_HASH_INLINE + 64];
    size_t dlen = strlen(domain);

    /* SipHash-2-4 with 128-bit output, over domain || NUL || value. The
     * domain is a C string, so the NUL after it cannot occur inside it:
     * (domain, value) pairs map to distinct inputs. A longer value is first
     * reduced to its BLAKE2b-256, marked by 0x01 instead of the NUL. */
    assert(dlen < 64);
    memcpy(in, domain, dlen);
    if (len <= SEAL_HASH_INLINE) {
        in[dlen] = 0;
        if (len > 0)
            memcpy(in + dlen + 1, value, len);
        crypto_shorthash_siphashx24(out, in, dlen + 1 + len, s->keys->hash);
    } else {
        in[dlen] = 1;
        crypto_generichash(in + dlen + 1, 32, value, len, NULL, 0);
        crypto_shorthash_siphashx24(out, in, dlen + 1 + 32, s->keys->hash);
    }
    sodium_memzero(in, dlen + 1 + (len <= SEAL_HASH_INLINE ? len : 32));
}

#define SEAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES

int
seal_encrypt(const struct seal *s, const char *context, const void *plain,
             size_t len, struct buf *out)
{
    unsigned char nonce[SEAL_NONCE];
    unsigned long long blen;
    unsigned char *box;
    size_t at = buf_len(out);
    uint64_t n;
    int rc;

    if (len > LIMIT_SEAL_PLAIN)
        return TOCSIN_ELIMIT;
    n = __atomic_fetch_add((uint64_t *)&s->nonce_counter, 1, __ATOMIC_RELAXED);
    memcpy(nonce, s->nonce_prefix, sizeof(s->nonce_prefix));
    memcpy(nonce + sizeof(s->nonce_prefix), &n, sizeof(n));
    /* nonce, then the plaintext encrypted in place, then the tag */
    if ((rc = buf_append(out, nonce, sizeof(nonce))) != TOCSIN_OK ||
        (rc = buf_append(out, plain, len)) != TOCSIN_OK ||
        (rc = buf_append(out, nonce, SEAL_TAG)) != TOCSIN_OK) {
        buf_truncate(out, at);
        return rc;
    }
    box = (unsigned char *)out->data + at + SEAL_NONCE;
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(
            box, &blen, box, len, (const unsigned char *)context,
            strlen(context), NULL, nonce, s->keys->encrypt) != 0 ||
        blen != len + SEAL_TAG) {
        sodium_memzero(box, len);
        buf_truncate(out, at);
        return TOCSIN_ECRYPTO;
    }
    return TOCSIN_OK;
}

int
seal_decrypt(const struct seal *s, const char *context, const void *box,
             size_t len, struct buf *out)
{
    const unsigned char *b = box;
    unsigned long long plen;
    size_t start = buf_len(out), n;
    char *plain;
    int rc;

    if (len < SEAL_NONCE + SEAL_TAG)
        return TOCSIN_ECRYPTO;
    n = len - SEAL_NONCE - SEAL_TAG;
    if (n > LIMIT_SEAL_PLAIN)
        return TOCSIN_ELIMIT;
    /* straight into the caller's buffer: no copy of the plaintext left
     * behind elsewhere */
    if ((rc = buf_extend(out, n, &plain)) != TOCSIN_OK)
        return rc;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            (unsigned char *)plain, &plen, NULL, b + SEAL_NONCE,
            len - SEAL_NONCE, (const unsigned char *)context, strlen(context),
            b, s->keys->encrypt) != 0) {
        sodium_memzero(plain, n);
        buf_truncate(out, start);
        return TOCSIN_ECRYPTO;
    }
    buf_truncate(out, start + (size_t)plen);
    return TOCSIN_OK;
}

void
seal_code_mac(const struct seal *s, const void *msg, size_t len,
              unsigned char out[32])
{
    crypto_auth_hmacsha256_state st;

    memcpy(&st, &s->keys->code_state, sizeof(st));
    crypto_auth_hmacsha256_update(&st, msg, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof(st));
}
