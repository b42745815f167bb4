#include "record.h"

#include <string.h>

#define RECORD_VERSION 1
#define RECORD_RAW     0xff

void
record_clear(struct record *r)
{
    memset(r, 0, sizeof(*r));
}

static int
record_put_uint(struct buf *out, uint64_t v)
{
    unsigned char b[10];
    size_t n = 0;

    do {
        b[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v != 0)
            b[n] |= 0x80;
        n++;
    } while (v != 0);
    return buf_append(out, b, n);
}

int
record_encode(const struct record *r, struct buf *out)
{
    unsigned char c = RECORD_VERSION;
    int f, rc;

    if ((rc = buf_append(out, &c, 1)) != TOCSIN_OK)
        return rc;
    for (f = 0; f < FIELD_COUNT; f++) {
        if (r->val[f] == NULL)
            continue;
        c = (unsigned char)f;
        if ((rc = buf_append(out, &c, 1)) != TOCSIN_OK ||
            (rc = record_put_uint(out, r->flags[f])) != TOCSIN_OK ||
            (rc = record_put_uint(out, r->len[f])) != TOCSIN_OK ||
            (rc = buf_append(out, r->val[f], r->len[f])) != TOCSIN_OK)
            return rc;
    }
    c = RECORD_RAW;
    if ((rc = buf_append(out, &c, 1)) != TOCSIN_OK ||
        (rc = record_put_uint(out, r->raw_len)) != TOCSIN_OK)
        return rc;
    return buf_append(out, r->raw != NULL ? r->raw : "", r->raw_len);
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

int
record_decode(const void *data, size_t len, struct record *r)
{
    const unsigned char *p = data, *end = p + len;
    uint64_t flags, n;
    int f;

    record_clear(r);
    if (len < 1 || *p++ != RECORD_VERSION)
        return TOCSIN_EFORMAT;
    while (p < end) {
        f = *p++;
        if (f == RECORD_RAW) {
            if (record_get_uint(&p, end, &n) != 0 || n != (uint64_t)(end - p))
                return TOCSIN_EFORMAT;
            r->raw = (const char *)p;
            r->raw_len = (size_t)n;
            return TOCSIN_OK;
        }
        if (f >= FIELD_COUNT || r->val[f] != NULL ||
            record_get_uint(&p, end, &flags) != 0 || flags > UINT32_MAX ||
            record_get_uint(&p, end, &n) != 0 || n > (uint64_t)(end - p))
            return TOCSIN_EFORMAT;
        r->val[f] = (const char *)p;
        r->len[f] = (size_t)n;
        r->flags[f] = (uint32_t)flags;
        p += n;
    }
    return TOCSIN_EFORMAT; /* the raw row is missing */
}
