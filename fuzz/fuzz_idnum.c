/*
 * fuzz_idnum.c - libFuzzer harness for BSNs, VAT numbers and identity
 * documents (ingest/idnum.h).
 *
 * The whole input goes through bsn_normalize(), bsn_scan() and
 * vat_normalize(); split at the first NUL or newline into (type, number)
 * it goes through iddoc_normalize() and the number through iddoc_mask().
 * Inputs are exact malloc'd copies. The harness aborts when
 *  - a failure is not TOCSIN_EFORMAT or leaves output;
 *  - a normalised BSN is not 9 digits passing the 11-check or does not
 *    normalise to itself;
 *  - a bsn_scan() match is out of bounds, does not start and end with a
 *    digit, or its text does not pass bsn_normalize();
 *  - a VAT number does not normalise to itself with the same flags, or
 *    VAT_CONTAINS_BSN and bsn_out disagree;
 *  - a document number is empty, not upper-case letters and digits, or
 *    does not normalise to itself; a mask is not stars and the last two
 *    characters (all stars below 4 characters).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/idnum.h"
#include "fuzz_util.h"
#include "util/checkdigit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
bsn(const void *s, size_t n, char out[10], unsigned *flags)
{
    char *p = fuzz_exact(s, n);
    int rc = bsn_normalize(p, n, out, flags);

    free(p);
    return rc;
}

static int
vat(const void *s, size_t n, struct buf *out, unsigned *flags, char b[10])
{
    char *p = fuzz_exact(s, n);
    int rc = vat_normalize(p, n, out, flags, b);

    free(p);
    return rc;
}

static int
iddoc(const void *t, size_t tl, const void *s, size_t n, struct iddoc *out,
      unsigned *flags)
{
    char *pt = fuzz_exact(t, tl), *p = fuzz_exact(s, n);
    int rc = iddoc_normalize(pt, tl, p, n, out, flags);

    free(pt);
    free(p);
    return rc;
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void
check_bsn(const char *b)
{
    char again[10];
    unsigned f;
    size_t i;

    if (strlen(b) != 9 || !checkdigit_bsn_valid(b))
        abort();
    for (i = 0; i < 9; i++)
        if (!is_digit(b[i]))
            abort();
    if (bsn(b, 9, again, &f) != 0 || strcmp(again, b) != 0)
        abort();
}

struct scan {
    const char *text;
    size_t len;
    size_t last_end;
};

static int
on_match(size_t off, size_t len, void *ctx)
{
    struct scan *s = ctx;
    char out[10];
    unsigned f;

    if (off > s->len || len > s->len - off || len < 8 || len > 11 ||
        off < s->last_end)
        abort();
    if (!is_digit(s->text[off]) || !is_digit(s->text[off + len - 1]))
        abort();
    if (bsn(s->text + off, len, out, &f) != 0)
        abort();
    check_bsn(out);
    s->last_end = off + len;
    return 0;
}

static void
check_iddoc(const char *t, size_t tl, const char *s, size_t n)
{
    struct iddoc d, d2;
    struct buf m;
    unsigned flags = 0, f2;
    size_t i, nl;
    int rc;

    rc = iddoc(t, tl, s, n, &d, &flags);
    if (iddoc_type_name(d.type) == NULL || d.type < IDDOC_OTHER ||
        d.type > IDDOC_DRIVING_LICENCE)
        abort();
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || d.number[0] != '\0')
            abort();
        return;
    }
    nl = strnlen(d.number, sizeof(d.number));
    if (nl == 0 || nl > LIMIT_IDDOC_NUMBER)
        abort();
    for (i = 0; i < nl; i++)
        if (!is_digit(d.number[i]) &&
            !(d.number[i] >= 'A' && d.number[i] <= 'Z'))
            abort();
    if (iddoc(t, tl, d.number, nl, &d2, &f2) != 0 ||
        strcmp(d.number, d2.number) != 0 || d.type != d2.type || f2 != flags)
        abort();
    buf_init(&m, 64);
    if (iddoc_mask(d.number, nl, &m) != 0 || buf_len(&m) != nl)
        abort();
    for (i = 0; i < nl; i++) {
        char c = buf_str(&m)[i];

        if (nl >= 4 && i >= nl - 2 ? c != d.number[i] : c != '*')
            abort();
    }
    buf_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *x = (const char *)data;
    char b[10], vb[10];
    struct buf v, v2;
    struct scan sc = {NULL, size, 0};
    unsigned flags = 0, f2 = 0;
    size_t i;
    int rc;

    rc = bsn(x, size, b, &flags);
    if (rc == 0)
        check_bsn(b);
    else if (rc != TOCSIN_EFORMAT || b[0] != '\0')
        abort();

    sc.text = fuzz_exact(x, size);
    if (bsn_scan(sc.text, size, on_match, &sc) != 0)
        abort();
    free((void *)sc.text);

    buf_init(&v, 128);
    buf_init(&v2, 128);
    rc = vat(x, size, &v, &flags, vb);
    if (rc != 0) {
        if (rc != TOCSIN_EFORMAT || buf_len(&v) != 0)
            abort();
    } else {
        if (flags & VAT_CONTAINS_BSN)
            check_bsn(vb);
        else if (vb[0] != '\0')
            abort();
        if (vat(buf_str(&v), buf_len(&v), &v2, &f2, b) != 0 ||
            strcmp(buf_str(&v), buf_str(&v2)) != 0 || f2 != flags ||
            strcmp(b, vb) != 0)
            abort();
    }
    buf_wipe(&v);
    buf_wipe(&v2);

    {
        struct buf m;

        buf_init(&m, 64);
        rc = iddoc_mask(x, size, &m);
        if (rc != 0 && rc != TOCSIN_EINVAL && rc != TOCSIN_ELIMIT)
            abort();
        buf_free(&m);
    }
    for (i = 0; i < size; i++)
        if (data[i] == '\0' || data[i] == '\n')
            break;
    if (i < size)
        check_iddoc(x, i, x + i + 1, size - i - 1);
    else
        check_iddoc(x, 0, x, size);
    return 0;
}
