/*
 * fuzz_name.c - libFuzzer harness for the name normalisers (ingest/name.h).
 *
 * The whole input x goes through name_utf8_check(), name_clean(),
 * name_key(), name_initials() and name_is_initials(); split at the first
 * NUL or newline into (infix, last), it goes through name_split(). Every
 * input is passed in an exact malloc'd copy (no NUL after it), so ASan sees
 * a read past the length. The harness aborts when
 *  - clean and key disagree about the encoding, or fail on valid UTF-8 of
 *    an allowed size with anything but TOCSIN_EFORMAT, or overflow a
 *    NAME_OUT_MAX buffer;
 *  - name_key(name_clean(x)) != name_key(x), name_key is not idempotent,
 *    name_clean is not idempotent;
 *  - a key holds an ASCII capital, a leading, trailing or double space;
 *  - name_split leaves a buffer filled on error, or its surname_key is not
 *    name_key(surname), or full_key holds a space;
 *  - initials are not upper case without dots or spaces, or
 *    name_is_initials() returns other than 0 or 1.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/name.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* f(x) with x in an exact copy. */
static int
call(int (*f)(const char *, size_t, struct buf *), const char *s, size_t n,
     struct buf *out)
{
    char *p = fuzz_exact(s, n);
    int rc = f(p, n, out);

    free(p);
    return rc;
}

static int
same(const struct buf *a, const struct buf *b)
{
    return buf_len(a) == buf_len(b) &&
           memcmp(buf_str(a), buf_str(b), buf_len(a)) == 0;
}

static void
check_key_shape(const struct buf *k)
{
    const char *s = buf_str(k);
    size_t i, n = buf_len(k);

    if (n > NAME_OUT_MAX || strlen(s) != n)
        abort();
    if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
        abort();
    for (i = 0; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z')
            abort();
        if (s[i] == ' ' && i > 0 && s[i - 1] == ' ')
            abort();
    }
}

static void
check_whole(const char *x, size_t n)
{
    struct buf c, k, k2, t;
    size_t bad;
    int rc_u, rc_c, rc_k, rc;

    buf_init(&c, NAME_OUT_MAX);
    buf_init(&k, NAME_OUT_MAX);
    buf_init(&k2, NAME_OUT_MAX);
    buf_init(&t, NAME_OUT_MAX);

    {
        char *p = fuzz_exact(x, n);
        rc_u = name_utf8_check(p, n, &bad);
        free(p);
    }
    if (rc_u == 0 ? bad != n : (rc_u != TOCSIN_EFORMAT || bad >= n))
        abort();
    rc_c = call(name_clean, x, n, &c);
    rc_k = call(name_key, x, n, &k);
    if (rc_c != 0 && rc_c != TOCSIN_EFORMAT)
        abort();
    if (rc_k != 0 && rc_k != TOCSIN_EFORMAT)
        abort();
    if (rc_u != 0 && (rc_c == 0 || rc_k == 0))
        abort();
    if (rc_c != 0 && buf_len(&c) != 0)
        abort();
    if (rc_k != 0 && buf_len(&k) != 0)
        abort();
    if (rc_u == 0 && n <= LIMIT_NAME_INPUT && rc_c != rc_k)
        abort();
    if (rc_k == 0) {
        check_key_shape(&k);
        /* Idempotent. */
        if (call(name_key, buf_str(&k), buf_len(&k), &k2) != 0 ||
            !same(&k, &k2))
            abort();
    }
    if (rc_c == 0) {
        if (buf_len(&c) > NAME_OUT_MAX || strlen(buf_str(&c)) != buf_len(&c))
            abort();
        /* name_key(name_clean(x)) == name_key(x). */
        rc = call(name_key, buf_str(&c), buf_len(&c), &k2);
        if (rc != 0 && rc != TOCSIN_EFORMAT)
            abort();
        if (rc == 0 && rc_k == 0 && !same(&k, &k2))
            abort();
        /* The display form is a fixed point (when short enough to be
         * taken again). */
        if (buf_len(&c) <= LIMIT_NAME_INPUT) {
            if (call(name_clean, buf_str(&c), buf_len(&c), &t) != 0 ||
                !same(&c, &t))
                abort();
        }
    }

    rc = call(name_initials, x, n, &t);
    if (rc == 0) {
        const char *s = buf_str(&t);
        size_t i;

        for (i = 0; i < buf_len(&t); i++)
            if (s[i] == '.' || s[i] == ' ' || (s[i] >= 'a' && s[i] <= 'z'))
                abort();
    } else if (rc != TOCSIN_EFORMAT || buf_len(&t) != 0) {
        abort();
    }
    {
        char *p = fuzz_exact(x, n);
        int r = name_is_initials(p, n);

        free(p);
        if (r != 0 && r != 1)
            abort();
        if (r == 1 && rc != 0)
            abort();
    }
    buf_wipe(&c);
    buf_wipe(&k);
    buf_wipe(&k2);
    buf_wipe(&t);
}

static void
check_split(const char *a, size_t alen, const char *b, size_t blen)
{
    struct name_parts p;
    struct buf k;
    char *pa = fuzz_exact(a, alen), *pb = fuzz_exact(b, blen);
    int rc;

    name_parts_init(&p);
    buf_init(&k, NAME_OUT_MAX);
    rc = name_split(pa, alen, pb, blen, &p);
    free(pa);
    free(pb);
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || buf_len(&p.infix) ||
            buf_len(&p.infix_class) || buf_len(&p.surname) ||
            buf_len(&p.surname_key) || buf_len(&p.full_key))
            abort();
    } else {
        if (buf_len(&p.surname) <= LIMIT_NAME_INPUT) {
            if (call(name_key, buf_str(&p.surname), buf_len(&p.surname), &k) !=
                    0 ||
                !same(&k, &p.surname_key))
                abort();
        }
        check_key_shape(&p.surname_key);
        if (memchr(buf_str(&p.full_key), ' ', buf_len(&p.full_key)) != NULL)
            abort();
        if (buf_len(&p.infix) == 0 && buf_len(&p.infix_class) != 0)
            abort();
    }
    buf_wipe(&k);
    name_parts_free(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *x = (const char *)data;
    size_t i;

    check_whole(x, size);
    for (i = 0; i < size; i++)
        if (data[i] == '\0' || data[i] == '\n')
            break;
    if (i < size)
        check_split(x, i, x + i + 1, size - i - 1);
    else
        check_split(x, 0, x, size);
    return 0;
}
