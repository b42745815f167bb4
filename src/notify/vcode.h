/*
 * vcode.h - the verification code printed in every message and checked by
 * the web service: proof that the message came from the case.
 *
 * The code of a message is the first 80 bits of HMAC-SHA-256(key, message
 * id), with a 32-byte key derived from the case key (the caller derives
 * it). It is written as 16 Crockford base32 symbols (0-9 A-Z without
 * I L O U) in groups of four, then a check symbol from the same alphabet:
 *
 *   QGKP-22AD-PBKG-RT2T-X
 *
 * The check symbol is Damm's check over GF(32) (x^5 + x^2 + 1): the
 * interim starts at 0, each symbol s (its value 0..31) makes it 2 * interim
 * + s in GF(32), and the check symbol brings it back to 0. It catches every
 * single wrong symbol and every swap of two neighbouring symbols, the check
 * symbol included, so that vcode_parse() can tell a typo ("check the code
 * you typed") from a code that is well-formed but not genuine.
 *
 * libsodium must be initialised (sodium_init()) before the first call.
 * The functions keep no state; any thread may call them.
 *
 * A sender makes millions of codes with one key: vcode_key_init() hashes
 * the key's HMAC blocks once, and vcode_key_value() then costs two
 * SHA-256 blocks a code instead of four.
 */
#ifndef TOCSIN_NOTIFY_VCODE_H
#define TOCSIN_NOTIFY_VCODE_H

#include <stddef.h>

#include <sodium.h>

#include "../util/error.h"
#include "../util/limits.h"

#define VCODE_KEY_BYTES   32 /* the key */
#define VCODE_VALUE_BYTES 10 /* the 80-bit value */
#define VCODE_SYMBOLS     17 /* 16 value symbols and the check symbol */
#define VCODE_TEXT_LEN    21 /* "XXXX-XXXX-XXXX-XXXX-C" */
#define VCODE_TEXT_MAX    22 /* with the NUL */

/* What vcode_parse() made of typed text. */
enum vcode_status {
    VCODE_OK = 0,        /* 17 symbols with a right check symbol */
    VCODE_TYPO = 1,      /* 17 symbols, but the check symbol disagrees */
    VCODE_MALFORMED = 2, /* not 17 symbols, or a character that is none */
};

/* A key made ready (vcode_key_init()); vcode_key_wipe() when done. */
struct vcode_key {
    crypto_auth_hmacsha256_state st;
};

void vcode_key_init(struct vcode_key *k,
                    const unsigned char key[VCODE_KEY_BYTES]);
void vcode_key_wipe(struct vcode_key *k);

/* vcode_value() and vcode_verify() with a key made ready. */
void vcode_key_value(const struct vcode_key *k, const char *message_id,
                     size_t len, unsigned char value[VCODE_VALUE_BYTES]);
TOCSIN_MUST_CHECK int
vcode_key_verify(const struct vcode_key *k, const char *message_id, size_t len,
                 const unsigned char value[VCODE_VALUE_BYTES]);

/*
 * The 80-bit value of the code of message id message_id[0..len) (any
 * bytes; need not be NUL-terminated) under key, into value. For storing or
 * indexing codes; vcode_make() writes the text.
 */
void vcode_value(const unsigned char key[VCODE_KEY_BYTES],
                 const char *message_id, size_t len,
                 unsigned char value[VCODE_VALUE_BYTES]);

/* Write value as the code text, VCODE_TEXT_LEN characters and a NUL. */
void vcode_format(const unsigned char value[VCODE_VALUE_BYTES],
                  char out[VCODE_TEXT_MAX]);

/*
 * The code text of message id message_id[0..len) under key into out
 * (vcode_value() then vcode_format()). TOCSIN_EINVAL for an empty id (a
 * code must belong to a message); out is "" then.
 */
TOCSIN_MUST_CHECK int vcode_make(const unsigned char key[VCODE_KEY_BYTES],
                                 const char *message_id, size_t len,
                                 char out[VCODE_TEXT_MAX]);

/*
 * Read a code as people type it: in[0..len) (need not be NUL-terminated),
 * upper or lower case, with spaces, tabs, line ends and dashes anywhere
 * (also no-break spaces and the Unicode hyphens and dashes U+2010..U+2015
 * and U+2212, as pasted from a document); I and L are read as 1, O as 0;
 * U is not a symbol. *status says what it is (enum vcode_status); for
 * VCODE_OK the 80-bit value goes to value, otherwise value is zeroed.
 * Returns 0 for VCODE_OK, TOCSIN_EFORMAT otherwise. Input over
 * LIMIT_VCODE_INPUT bytes is VCODE_MALFORMED.
 */
TOCSIN_MUST_CHECK int vcode_parse(const char *in, size_t len,
                                  unsigned char value[VCODE_VALUE_BYTES],
                                  int *status);

/*
 * Whether value is the code of message id message_id[0..len) under key:
 * 1 when it is, 0 when not (also for an empty id). The comparison takes
 * the same time wherever the values differ (sodium_memcmp()).
 */
TOCSIN_MUST_CHECK int
vcode_verify(const unsigned char key[VCODE_KEY_BYTES], const char *message_id,
             size_t len, const unsigned char value[VCODE_VALUE_BYTES]);

#endif
