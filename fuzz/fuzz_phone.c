/*
 * fuzz_phone.c - libFuzzer harness for phone numbers (ingest/phone.h).
 *
 * The input goes through phone_normalize() in an exact malloc'd copy; a
 * number that passes goes through phone_mask(), and its E.164 form through
 * phone_normalize() again. The harness aborts when
 *  - a failure is not TOCSIN_EFORMAT with type PHONE_INVALID, e164 "" and
 *    country code 0;
 *  - an E.164 form is not '+' and 7..15 digits, has no valid type or
 *    country code, or does not normalise to itself (same type, country
 *    code, no flags);
 *  - the mask fails or is not "+CC [prefix ]****" and the last four
 *    digits, with the shown digits a prefix of the number and at least
 *    two digits hidden (service numbers aside);
 *  - phone_type_name() returns NULL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
norm(const void *s, size_t n, struct phone *out)
{
    char *p = malloc(n ? n : 1);
    int rc;

    if (p == NULL)
        abort();
    memcpy(p, s, n);
    rc = phone_normalize(p, n, out);
    free(p);
    return rc;
}

static void
check_mask(const struct phone *p)
{
    struct buf m;
    const char *e = p->e164, *s, *stars;
    size_t el = strlen(e), shown = 0, i;

    buf_init(&m, 64);
    if (phone_mask(p, &m) != 0)
        abort();
    s = buf_str(&m);
    stars = strstr(s, "****");
    if (s[0] != '+' || stars == NULL || strlen(stars) != 8 ||
        memcmp(stars + 4, e + el - 4, 4) != 0)
        abort();
    /* The digits before the stars are the number's first digits. */
    for (i = 1; s + i < stars; i++) {
        if (s[i] == ' ')
            continue;
        if (s[i] < '0' || s[i] > '9' || e[1 + shown] != s[i])
            abort();
        shown++;
    }
    /* At least two digits are hidden, except in the shortest service
     * numbers (0800 1234: "+31 800 ****1234"), which are no one's line. */
    if (shown + 4 > el - 1 ||
        (p->type != PHONE_SERVICE && shown + 4 + 2 > el - 1))
        abort();
    buf_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct phone p, q;
    size_t i, el;
    int rc, t;

    for (t = -1; t <= PHONE_FOREIGN + 1; t++)
        if (phone_type_name(t) == NULL)
            abort();
    rc = norm(data, size, &p);
    if (rc != 0) {
        struct buf m;

        if (rc != TOCSIN_EFORMAT || p.type != PHONE_INVALID ||
            p.e164[0] != '\0' || p.country_code != 0)
            abort();
        buf_init(&m, 64);
        if (phone_mask(&p, &m) != TOCSIN_EINVAL)
            abort();
        buf_free(&m);
        return 0;
    }
    el = strnlen(p.e164, sizeof(p.e164));
    if (el >= sizeof(p.e164) || el < 8 || el > 16 || p.e164[0] != '+' ||
        p.type <= PHONE_INVALID || p.type > PHONE_FOREIGN ||
        p.country_code <= 0 || p.country_code > 999)
        abort();
    for (i = 1; i < el; i++)
        if (p.e164[i] < '0' || p.e164[i] > '9')
            abort();
    if ((p.country_code == 31) !=
        (p.type != PHONE_FOREIGN && strncmp(p.e164, "+31", 3) == 0))
        abort();
    if (norm(p.e164, el, &q) != 0 || strcmp(p.e164, q.e164) != 0 ||
        p.type != q.type || p.country_code != q.country_code || q.flags != 0)
        abort();
    check_mask(&p);
    return 0;
}
