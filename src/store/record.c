#include "record.h"

#include <string.h>

#define RECORD_VERSION 1
#define RECORD_RAW     0xff

void
record_clear(struct record *r)
{
    memset(r, 0, sizeof(*r));
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
    size_t need = 1 + 1 + record_uint_len(r->raw_len) + r->raw_len;
    unsigned char *p;
    char *at;
    int f, rc;

    /* One size computation and one extension: this runs for every record
     * of a breach. */
    for (f = 0; f < FIELD_COUNT; f++)
        if (r->val[f] != NULL)
            need += 1 + record_uint_len(r->flags[f]) +
                    record_uint_len(r->len[f]) + r->len[f];
    if ((rc = buf_extend(out, need, &at)) != TOCSIN_OK)
        return rc;
    p = (unsigned char *)at;
    *p++ = RECORD_VERSION;
    for (f = 0; f < FIELD_COUNT; f++) {
        if (r->val[f] == NULL)
            continue;
        *p++ = (unsigned char)f;
        p = record_put_uint(p, r->flags[f]);
        p = record_put_uint(p, r->len[f]);
        if (r->len[f] > 0)
            memcpy(p, r->val[f], r->len[f]);
        p += r->len[f];
    }
    *p++ = RECORD_RAW;
    p = record_put_uint(p, r->raw_len);
    if (r->raw_len > 0)
        memcpy(p, r->raw, r->raw_len);
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
