/*
 * fuzz_address.c - libFuzzer harness for postcodes, house numbers and the
 * address key (ingest/address.h).
 *
 * The whole input goes through postcode_normalize(); split at the first
 * NUL or newline into (number, suffix) it goes through housenr_parse(),
 * and, when both succeed, address_key(). Inputs are exact malloc'd copies.
 * The harness aborts when
 *  - a failure leaves output behind or is not TOCSIN_EFORMAT;
 *  - a normalised postcode does not normalise to itself with the same
 *    flags, a Dutch one is not "DDDD LL", or one holds other than A-Z,
 *    0-9, ' ' and '-';
 *  - a house number is outside 1..99999, its suffix is too long or holds
 *    other than A-Z, 0-9 and '-', or (number, suffix) does not parse again
 *    to itself;
 *  - address_key() fails on parsed values or differs from
 *    "POSTCODE-without-spaces|number|suffix".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/address.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
postcode(const char *s, size_t n, struct buf *out, unsigned *flags)
{
    char *p = fuzz_exact(s, n);
    int rc = postcode_normalize(p, n, out, flags);

    free(p);
    return rc;
}

static int
housenr(const char *a, size_t alen, const char *b, size_t blen,
        struct housenr *h, unsigned *flags)
{
    char *pa = fuzz_exact(a, alen), *pb = fuzz_exact(b, blen);
    int rc = housenr_parse(pa, alen, pb, blen, h, flags);

    free(pa);
    free(pb);
    return rc;
}

static int
check_postcode(const char *s, size_t n, struct buf *pc)
{
    struct buf again;
    unsigned flags = 0, f2 = 0;
    const char *p;
    size_t i;
    int rc;

    rc = postcode(s, n, pc, &flags);
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || buf_len(pc) != 0)
            abort();
        return rc;
    }
    p = buf_str(pc);
    if (buf_len(pc) == 0 || buf_len(pc) > n + 1)
        abort();
    for (i = 0; i < buf_len(pc); i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
              p[i] == ' ' || p[i] == '-'))
            abort();
    if (!(flags & POSTCODE_FOREIGN)) {
        if (buf_len(pc) != 7 || p[4] != ' ' || p[5] < 'A' || p[5] > 'Z' ||
            p[6] < 'A' || p[6] > 'Z')
            abort();
        for (i = 0; i < 4; i++)
            if (p[i] < '0' || p[i] > '9')
                abort();
    }
    buf_init(&again, 256);
    if (postcode(buf_str(pc), buf_len(pc), &again, &f2) != 0 || f2 != flags ||
        strcmp(buf_str(&again), p) != 0)
        abort();
    buf_free(&again);
    return 0;
}

static int
check_housenr(const char *a, size_t alen, const char *b, size_t blen,
              struct housenr *h)
{
    struct housenr h2;
    unsigned flags = 0, f2;
    char num[16];
    size_t i, sl;
    int rc;

    rc = housenr(a, alen, b, blen, h, &flags);
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || h->number != 0 || h->suffix[0] != '\0')
            abort();
        return rc;
    }
    if (h->number < 1 || h->number > 99999)
        abort();
    sl = strnlen(h->suffix, sizeof(h->suffix));
    if (sl > LIMIT_HOUSENR_SUFFIX)
        abort();
    for (i = 0; i < sl; i++) {
        char c = h->suffix[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            abort();
    }
    if (sl > 0 && (h->suffix[0] == '-' || h->suffix[sl - 1] == '-'))
        abort();
    /* The canonical pair reads back as itself. */
    snprintf(num, sizeof(num), "%d", h->number);
    if (housenr(num, strlen(num), h->suffix, sl, &h2, &f2) != 0 ||
        h2.number != h->number || strcmp(h2.suffix, h->suffix) != 0)
        abort();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *x = (const char *)data;
    struct buf pc, key, want;
    struct housenr h;
    size_t i;
    int rc_p, rc_h;

    buf_init(&pc, 256);
    buf_init(&key, 512);
    buf_init(&want, 512);
    rc_p = check_postcode(x, size, &pc);
    for (i = 0; i < size; i++)
        if (data[i] == '\0' || data[i] == '\n')
            break;
    if (i < size)
        rc_h = check_housenr(x, i, x + i + 1, size - i - 1, &h);
    else
        rc_h = check_housenr(x, size, x, 0, &h);
    if (rc_p == 0 && rc_h == 0) {
        const char *p = buf_str(&pc);

        if (address_key(p, buf_len(&pc), &h, &key) != 0)
            abort();
        for (i = 0; i < buf_len(&pc); i++)
            if (p[i] != ' ' && buf_appendc(&want, p[i]) != 0)
                abort();
        if (buf_printf(&want, "|%d|%s", h.number, h.suffix) != 0 ||
            strcmp(buf_str(&want), buf_str(&key)) != 0)
            abort();
    }
    {
        /* A house number that was never parsed is refused. */
        struct housenr z = {0, ""};

        if (buf_len(&pc) > 0 &&
            address_key(buf_str(&pc), buf_len(&pc), &z, &key) != TOCSIN_EINVAL)
            abort();
    }
    buf_free(&pc);
    buf_free(&key);
    buf_free(&want);
    return 0;
}
