/*
 * seal.h - the case key and what it protects.
 *
 * A case has one random 32-byte master key in its key file (mode 0600).
 * From it, libsodium's KDF derives separate subkeys for: keyed hashes of
 * identifiers (BLAKE2b), encryption of values kept to reach a person
 * (XChaCha20-Poly1305, bound to where the value belongs), and message
 * verification codes. Nothing in the database is readable without the key.
 *
 * Key file format: one line "tocsin-key-1 " followed by 64 lower-case hex
 * digits and a newline.
 */
#ifndef TOCSIN_STORE_SEAL_H
#define TOCSIN_STORE_SEAL_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

#define SEAL_HASH_BYTES    16
#define SEAL_KEY_CHECK_HEX 32 /* hex digits of seal_key_check() */

struct seal;

/* Create a new random key file at path (mode 0600, never overwrites:
 * TOCSIN_EEXIST). */
TOCSIN_MUST_CHECK int seal_key_create(const char *path);

/*
 * Load the key file at path. Refuses (TOCSIN_EKEY) a malformed file or one
 * readable by group or others. Caller frees with seal_free(), which wipes
 * the key material.
 */
TOCSIN_MUST_CHECK int seal_open(const char *path, struct seal **out);
void seal_free(struct seal *s);

/*
 * A short public fingerprint of the key (hex, SEAL_KEY_CHECK_HEX digits plus
 * NUL into out): stored in the case database, so that a case opened with the
 * wrong key file is refused instead of producing garbage.
 */
void seal_key_check(const struct seal *s, char out[SEAL_KEY_CHECK_HEX + 1]);

/*
 * Keyed hash of value under a domain (the field name, e.g. "iban"), so that
 * equal values of different fields do not hash alike: SipHash-2-4 with a
 * 128-bit output (libsodium's crypto_shorthash_siphashx24), a pseudorandom
 * function under the case's hash subkey. Deterministic for a case; useless
 * without its key. Chosen over a keyed BLAKE2b for speed: ingest hashes
 * several identifiers of every record, and 128 bits leave no practical
 * chance of two values sharing a hash. domain is shorter than 64 bytes.
 */
void seal_hash(const struct seal *s, const char *domain, const void *value,
               size_t len, unsigned char out[SEAL_HASH_BYTES]);

/*
 * Encrypt len bytes of plaintext, bound to context (e.g. "record:42:email"):
 * appends nonce || ciphertext || tag to *out. Decrypting with another
 * context fails. TOCSIN_ECRYPTO, TOCSIN_ELIMIT, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int seal_encrypt(const struct seal *s, const char *context,
                                   const void *plain, size_t len,
                                   struct buf *out);

/* Reverse of seal_encrypt(); appends the plaintext to *out (wipe it after
 * use). TOCSIN_ECRYPTO when the box was altered or the context differs. */
TOCSIN_MUST_CHECK int seal_decrypt(const struct seal *s, const char *context,
                                   const void *box, size_t len,
                                   struct buf *out);

/*
 * Keyed MAC for verification codes: HMAC-SHA-256 of msg with the code
 * subkey, into out (32 bytes).
 */
void seal_code_mac(const struct seal *s, const void *msg, size_t len,
                   unsigned char out[32]);

#endif
