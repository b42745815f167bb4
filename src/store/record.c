#include "record.h"

/* Columns record_decode() keeps the place of. */
#define RECORD_FAST_COLS 64

#include <string.h>

#define RECORD_VERSION 1
#define RECORD_END     0xff /* after the last field */

void
record_clear(struct record *r)
{
    int f;

    memset(r, 0, sizeof(*r));
    for (f = 0; f < FIELD_COUNT; f++)
        r->col[f] = -1;
}

/* Bytes of v in LEB128. */
static size_t
record_uint_len(uint64_t v)
{
    size_t n = 1;

    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *
record_put_uint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

int
record_encode(const struct record *r, struct buf *out)
{
    size_t need = 1 + record_uint_len(r->ncols) + 1, i;
    unsigned char *p;
    char *at;
    int f, rc;

    /* One size computation and one extension: this runs for every record
     * of a breach. */
    for (i = 0; i < r->ncols; i++)
        need += r->colv[i] == NULL
                    ? 1
                    : record_uint_len(r->coll[i] + 1) + r->coll[i];
    for (f = 0; f < FIELD_COUNT; f++) {
        if (r->val[f] == NULL)
            continue;
        if (r->col[f] >= 0)
            need += 1 + record_uint_len(r->flags[f] | RECORD_SAME) +
                    record_uint_len((uint64_t)r->col[f]);
        else
            need += 1 + record_uint_len(r->flags[f] & ~RECORD_SAME) +
                    record_uint_len(r->len[f]) + r->len[f];
    }
    if ((rc = buf_extend(out, need, &at)) != TOCSIN_OK)
        return rc;
    p = (unsigned char *)at;
    *p++ = RECORD_VERSION;
    p = record_put_uint(p, r->ncols);
    for (i = 0; i < r->ncols; i++) {
        if (r->colv[i] == NULL) {
            *p++ = 0;
            continue;
        }
        p = record_put_uint(p, r->coll[i] + 1);
        if (r->coll[i] > 0)
            memcpy(p, r->colv[i], r->coll[i]);
        p += r->coll[i];
    }
    for (f = 0; f < FIELD_COUNT; f++) {
        if (r->val[f] == NULL)
            continue;
        *p++ = (unsigned char)f;
        if (r->col[f] >= 0) {
            p = record_put_uint(p, r->flags[f] | RECORD_SAME);
            p = record_put_uint(p, (uint64_t)r->col[f]);
            continue;
        }
        p = record_put_uint(p, r->flags[f] & ~RECORD_SAME);
        p = record_put_uint(p, r->len[f]);
        if (r->len[f] > 0)
            memcpy(p, r->val[f], r->len[f]);
        p += r->len[f];
    }
    *p++ = RECORD_END;
    /* the size computation and the writing agree */
    if ((char *)p != at + need)
        return TOCSIN_EINVAL;
    return TOCSIN_OK;
}

/* Read a LEB128 number of at most 64 bits; 0 or -1. */
static int
record_get_uint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t x = 0;
    int shift;

    for (shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        x |= (uint64_t)(**p & 0x7f) << shift;
        if ((*(*p)++ & 0x80) == 0) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

/* Walk the columns block to column i. */
static int
record_seek(const unsigned char *p, const unsigned char *end, size_t i,
            const char **val, size_t *len)
{
    uint64_t n;
    size_t k;

    for (k = 0;; k++) {
        if (record_get_uint(&p, end, &n) != 0 ||
            (n > 0 && n - 1 > (uint64_t)(end - p)))
            return TOCSIN_EFORMAT;
        if (k == i) {
            *val = n == 0 ? NULL : (const char *)p;
            *len = n == 0 ? 0 : (size_t)(n - 1);
            return n == 0 ? 0 : 1;
        }
        if (n > 0)
            p += n - 1;
    }
}

int
record_column(const struct record *r, size_t i, const char **p, size_t *len)
{
    if (i >= r->ncols)
        return TOCSIN_EINVAL;
    return record_seek(r->cols, r->cols + r->cols_len, i, p, len);
}

int
record_decode(const void *data, size_t len, struct record *r)
{
    const unsigned char *p = data, *end = p + len;
    /* where the first columns start, so that a field that refers to its
     * column is found without walking the columns again */
    const unsigned char *colp[RECORD_FAST_COLS];
    uint64_t coll[RECORD_FAST_COLS];
    uint64_t flags, n, ncols, k;
    int f, rc;

    record_clear(r);
    if (len < 1 || *p++ != RECORD_VERSION)
        return TOCSIN_EFORMAT;
    if (record_get_uint(&p, end, &ncols) != 0 || ncols > (uint64_t)(end - p))
        return TOCSIN_EFORMAT;
    r->cols = p;
    for (k = 0; k < ncols; k++) {
        if (record_get_uint(&p, end, &n) != 0 ||
            (n > 0 && n - 1 > (uint64_t)(end - p)))
            return TOCSIN_EFORMAT;
        if (k < RECORD_FAST_COLS) {
            colp[k] = p;
            coll[k] = n;
        }
        if (n > 0)
            p += n - 1;
    }
    r->ncols = (size_t)ncols;
    r->cols_len = (size_t)(p - r->cols);
    while (p < end) {
        f = *p++;
        if (f == RECORD_END)
            return p == end ? TOCSIN_OK : TOCSIN_EFORMAT;
        if (f >= FIELD_COUNT || r->val[f] != NULL ||
            record_get_uint(&p, end, &flags) != 0 || flags > UINT32_MAX ||
            record_get_uint(&p, end, &n) != 0)
            return TOCSIN_EFORMAT;
        if (flags & RECORD_SAME) {
            if (n >= ncols)
                return TOCSIN_EFORMAT;
            if (n < RECORD_FAST_COLS) {
                if (coll[n] == 0)
                    return TOCSIN_EFORMAT; /* an absent column */
                r->val[f] = (const char *)colp[n];
                r->len[f] = (size_t)(coll[n] - 1);
            } else {
                rc = record_seek(r->cols, r->cols + r->cols_len, (size_t)n,
                                 &r->val[f], &r->len[f]);
                if (rc != 1)
                    return TOCSIN_EFORMAT; /* an absent column */
            }
            r->flags[f] = (uint32_t)(flags & ~RECORD_SAME);
            continue;
        }
        if (n > (uint64_t)(end - p))
            return TOCSIN_EFORMAT;
        r->val[f] = (const char *)p;
        r->len[f] = (size_t)n;
        r->flags[f] = (uint32_t)flags;
        p += n;
    }
    return TOCSIN_EFORMAT; /* the end marker is missing */
}
