/*
 * vcode.c - verification codes: HMAC-SHA-256 truncated to 80 bits,
 * Crockford base32, Damm check symbol over GF(32) (vcode.h).
 */
#include "vcode.h"

#include <string.h>

#include <sodium.h>

static const char alphabet[32] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* 2 * x in GF(32) with the polynomial x^5 + x^2 + 1. */
static unsigned
gf_double(unsigned x)
{
    x <<= 1;
    if (x & 0x20)
        x ^= 0x25;
    return x;
}

/* The Damm interim after the symbols s[0..n) (values 0..31). */
static unsigned
damm(const unsigned char *s, size_t n)
{
    unsigned interim = 0;
    size_t i;

    for (i = 0; i < n; i++)
        interim = gf_double(interim) ^ s[i];
    return interim;
}

/* The 16 symbols (5 bits each, most significant first) of an 80-bit
 * value, and back. */
static void
to_symbols(const unsigned char value[VCODE_VALUE_BYTES], unsigned char s[16])
{
    size_t i;

    for (i = 0; i < 2; i++) {
        const unsigned char *v = value + 5 * i;
        unsigned long long w = 0;
        size_t k;

        for (k = 0; k < 5; k++)
            w = (w << 8) | v[k];
        for (k = 0; k < 8; k++)
            s[8 * i + k] = (unsigned char)((w >> (35 - 5 * k)) & 31);
    }
}

static void
from_symbols(const unsigned char s[16], unsigned char value[VCODE_VALUE_BYTES])
{
    size_t i;

    for (i = 0; i < 2; i++) {
        unsigned long long w = 0;
        size_t k;

        for (k = 0; k < 8; k++)
            w = (w << 5) | s[8 * i + k];
        for (k = 0; k < 5; k++)
            value[5 * i + k] = (unsigned char)(w >> (32 - 8 * k));
    }
}

void
vcode_key_init(struct vcode_key *k, const unsigned char key[VCODE_KEY_BYTES])
{
    crypto_auth_hmacsha256_init(&k->st, key, VCODE_KEY_BYTES);
}

void
vcode_key_wipe(struct vcode_key *k)
{
    sodium_memzero(k, sizeof(*k));
}

void
vcode_key_value(const struct vcode_key *k, const char *message_id, size_t len,
                unsigned char value[VCODE_VALUE_BYTES])
{
    crypto_auth_hmacsha256_state st = k->st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256_update(&st, (const unsigned char *)message_id, len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(value, mac, VCODE_VALUE_BYTES);
    sodium_memzero(mac, sizeof(mac));
    sodium_memzero(&st, sizeof(st));
}

void
vcode_value(const unsigned char key[VCODE_KEY_BYTES], const char *message_id,
            size_t len, unsigned char value[VCODE_VALUE_BYTES])
{
    struct vcode_key k;

    vcode_key_init(&k, key);
    vcode_key_value(&k, message_id, len, value);
    vcode_key_wipe(&k);
}

void
vcode_format(const unsigned char value[VCODE_VALUE_BYTES],
             char out[VCODE_TEXT_MAX])
{
    unsigned char s[VCODE_SYMBOLS];
    size_t i, o = 0;

    to_symbols(value, s);
    s[16] = (unsigned char)gf_double(damm(s, 16));
    for (i = 0; i < VCODE_SYMBOLS; i++) {
        if (i > 0 && i % 4 == 0)
            out[o++] = '-';
        out[o++] = alphabet[s[i]];
    }
    out[o] = '\0';
}

int
vcode_make(const unsigned char key[VCODE_KEY_BYTES], const char *message_id,
           size_t len, char out[VCODE_TEXT_MAX])
{
    unsigned char value[VCODE_VALUE_BYTES];

    out[0] = '\0';
    if (message_id == NULL || len == 0)
        return TOCSIN_EINVAL;
    vcode_value(key, message_id, len, value);
    vcode_format(value, out);
    return TOCSIN_OK;
}

/* The value of a typed symbol character, -1 for one to skip, -2 for none. */
static int
symbol_value(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        c = (unsigned char)(c - 'a' + 'A');
    if (c >= '0' && c <= '9')
        return c - '0';
    switch (c) {
    case 'I':
    case 'L':
        return 1;
    case 'O':
        return 0;
    case 'U':
        return -2;
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '-':
        return -1;
    default:
        break;
    }
    if (c >= 'A' && c <= 'Z') {
        const char *p = memchr(alphabet, c, sizeof(alphabet));

        return p != NULL ? (int)(p - alphabet) : -2;
    }
    return -2;
}

/* The length of a UTF-8 separator (no-break space, narrow no-break space,
 * U+2010..U+2015, U+2212) at in[0..n), or 0. */
static size_t
utf8_separator(const unsigned char *in, size_t n)
{
    if (n >= 2 && in[0] == 0xc2 && in[1] == 0xa0)
        return 2;
    if (n >= 3 && in[0] == 0xe2 && in[1] == 0x80 &&
        ((in[2] >= 0x90 && in[2] <= 0x95) || in[2] == 0xaf))
        return 3;
    if (n >= 3 && in[0] == 0xe2 && in[1] == 0x88 && in[2] == 0x92)
        return 3;
    return 0;
}

int
vcode_parse(const char *in, size_t len, unsigned char value[VCODE_VALUE_BYTES],
            int *status)
{
    const unsigned char *p = (const unsigned char *)in;
    unsigned char s[VCODE_SYMBOLS];
    size_t i = 0, n = 0;

    memset(value, 0, VCODE_VALUE_BYTES);
    *status = VCODE_MALFORMED;
    if (len > LIMIT_VCODE_INPUT || (in == NULL && len > 0))
        return TOCSIN_EFORMAT;
    while (i < len) {
        int v = symbol_value(p[i]);
        size_t sep;

        if (v >= 0) {
            if (n == VCODE_SYMBOLS)
                return TOCSIN_EFORMAT;
            s[n++] = (unsigned char)v;
            i++;
        } else if (v == -1) {
            i++;
        } else if ((sep = utf8_separator(p + i, len - i)) > 0) {
            i += sep;
        } else {
            return TOCSIN_EFORMAT;
        }
    }
    if (n != VCODE_SYMBOLS)
        return TOCSIN_EFORMAT;
    if (damm(s, VCODE_SYMBOLS) != 0) {
        *status = VCODE_TYPO;
        return TOCSIN_EFORMAT;
    }
    from_symbols(s, value);
    *status = VCODE_OK;
    return TOCSIN_OK;
}

int
vcode_key_verify(const struct vcode_key *k, const char *message_id, size_t len,
                 const unsigned char value[VCODE_VALUE_BYTES])
{
    unsigned char want[VCODE_VALUE_BYTES];
    int same;

    if (message_id == NULL || len == 0)
        return 0;
    vcode_key_value(k, message_id, len, want);
    same = sodium_memcmp(want, value, VCODE_VALUE_BYTES) == 0;
    sodium_memzero(want, sizeof(want));
    return same;
}

int
vcode_verify(const unsigned char key[VCODE_KEY_BYTES], const char *message_id,
             size_t len, const unsigned char value[VCODE_VALUE_BYTES])
{
    struct vcode_key k;
    int same;

    vcode_key_init(&k, key);
    same = vcode_key_verify(&k, message_id, len, value);
    vcode_key_wipe(&k);
    return same;
}
