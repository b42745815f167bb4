/*
 * fuzz_email.c - libFuzzer harness for e-mail addresses (ingest/email.h).
 *
 * The input goes through email_normalize(), and the raw input as well as
 * the normal form through email_key() and email_mask(), each in an exact
 * malloc'd copy. The harness aborts when
 *  - a failure is not TOCSIN_EFORMAT with a reason, or leaves output;
 *    a success carries a reason;
 *  - a normal form does not normalise to itself with the same flags
 *    (EMAIL_TRIMMED aside), is over LIMIT_EMAIL_ADDRESS, has other than
 *    one @ outside quotes, or holds an ASCII capital in the domain;
 *  - email_key() fails on a normal form, is not idempotent, or its key
 *    holds an ASCII capital;
 *  - email_mask() fails on a normal form or is not "C***@domain" (or
 *    "*@domain" for a one-character local part): nothing of the local
 *    part but its first character is shown.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/email.h"
#include "util/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
call(int (*f)(const char *, size_t, struct buf *), const char *s, size_t n,
     struct buf *out)
{
    char *p = malloc(n ? n : 1);
    int rc;

    if (p == NULL)
        abort();
    memcpy(p, s, n);
    rc = f(p, n, out);
    free(p);
    return rc;
}

static int
norm(const char *s, size_t n, struct buf *out, unsigned *flags)
{
    char *p = malloc(n ? n : 1);
    int rc;

    if (p == NULL)
        abort();
    memcpy(p, s, n);
    rc = email_normalize(p, n, out, flags);
    free(p);
    return rc;
}

/* Length in bytes of the UTF-8 sequence starting with byte c (1 for
 * ASCII and stray bytes). */
static size_t
seqlen(unsigned char c)
{
    if (c >= 0xf0)
        return 4;
    if (c >= 0xe0)
        return 3;
    if (c >= 0xc0)
        return 2;
    return 1;
}

static void
check_mask(const char *e, size_t n, const struct buf *m)
{
    const char *at = memrchr(e, '@', n), *lp = e, *ms = buf_str(m);
    size_t llen, dlen, first, ml = buf_len(m);

    if (at == NULL)
        abort();
    llen = (size_t)(at - e);
    dlen = n - llen - 1;
    if (llen >= 2 && e[0] == '"' && e[llen - 1] == '"') {
        lp = e + 1;
        llen -= 2;
        if (llen >= 2 && lp[0] == '\\') {
            lp++; /* the first character is the escaped one */
            llen--;
        }
    }
    /* The domain in full after the last '@'. */
    if (ml < dlen + 2 || memcmp(ms + ml - dlen, at + 1, dlen) != 0 ||
        ms[ml - dlen - 1] != '@')
        abort();
    first = llen > 0 ? seqlen((unsigned char)lp[0]) : 0;
    if (first > llen)
        abort();
    if (ml == dlen + 2) {
        /* "*@domain": only for a one-character local part. */
        if (ms[0] != '*' || first != llen)
            abort();
        return;
    }
    if (ml != first + 4 + dlen || memcmp(ms, lp, first) != 0 ||
        memcmp(ms + first, "***", 3) != 0 || first == llen)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *x = (const char *)data;
    struct buf e, e2, k, k2, m;
    unsigned flags = 0, f2 = 0;
    int rc;

    buf_init(&e, LIMIT_EMAIL_INPUT);
    buf_init(&e2, LIMIT_EMAIL_INPUT);
    buf_init(&k, LIMIT_EMAIL_INPUT);
    buf_init(&k2, LIMIT_EMAIL_INPUT);
    buf_init(&m, LIMIT_EMAIL_INPUT);

    /* Raw text straight into key and mask: errors only, no crash (the
     * mask of a long text may not fit the buffer). */
    rc = call(email_key, x, size, &k);
    if (rc != 0 && rc != TOCSIN_EINVAL)
        abort();
    rc = call(email_mask, x, size, &m);
    if (rc != 0 && rc != TOCSIN_EINVAL && rc != TOCSIN_ELIMIT)
        abort();

    rc = norm(x, size, &e, &flags);
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || buf_len(&e) != 0 ||
            email_reason(flags) == EMAIL_OK ||
            email_strerror(email_reason(flags)) == NULL)
            abort();
        goto done;
    }
    if (email_reason(flags) != EMAIL_OK || buf_len(&e) == 0 ||
        buf_len(&e) > LIMIT_EMAIL_ADDRESS ||
        strlen(buf_str(&e)) != buf_len(&e))
        abort();
    {
        const char *s = buf_str(&e), *at = strrchr(s, '@');
        const char *d;

        if (at == NULL || at == s)
            abort();
        if (!(flags & EMAIL_QUOTED) && strchr(s, '@') != at)
            abort();
        for (d = at + 1; *d; d++)
            if ((*d >= 'A' && *d <= 'Z') || *d == '@')
                abort();
    }
    /* A fixed point. */
    if (norm(buf_str(&e), buf_len(&e), &e2, &f2) != 0 ||
        strcmp(buf_str(&e), buf_str(&e2)) != 0 ||
        (f2 | EMAIL_TRIMMED) != (flags | EMAIL_TRIMMED) ||
        (f2 & EMAIL_TRIMMED))
        abort();
    if (call(email_key, buf_str(&e), buf_len(&e), &k) != 0)
        abort();
    {
        const char *s = buf_str(&k);
        size_t i;

        for (i = 0; i < buf_len(&k); i++)
            if (s[i] >= 'A' && s[i] <= 'Z')
                abort();
    }
    if (call(email_key, buf_str(&k), buf_len(&k), &k2) != 0 ||
        strcmp(buf_str(&k), buf_str(&k2)) != 0)
        abort();
    if (call(email_mask, buf_str(&e), buf_len(&e), &m) != 0)
        abort();
    check_mask(buf_str(&e), buf_len(&e), &m);
done:
    buf_wipe(&e);
    buf_wipe(&e2);
    buf_wipe(&k);
    buf_wipe(&k2);
    buf_wipe(&m);
    return 0;
}
