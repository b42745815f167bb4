#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*buf_realloc)(void *, size_t) = realloc;

void
buf_set_realloc(void *(*fn)(void *, size_t))
{
    buf_realloc = fn ? fn : realloc;
}

void
buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
buf_free(struct buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void
buf_wipe(struct buf *b)
{
    if (b->data != NULL)
        explicit_bzero(b->data, b->cap);
    buf_free(b);
}

void
buf_scrub(struct buf *b)
{
    if (b->data != NULL)
        explicit_bzero(b->data, b->len);
    buf_reset(b);
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Make room for n more bytes plus the terminating NUL. */
static int
buf_grow(struct buf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (n > b->max || b->len > b->max - n)
        return TOCSIN_ELIMIT;
    need = b->len + n + 1;
    if (need <= b->cap)
        return TOCSIN_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->max < SIZE_MAX && cap > b->max + 1)
        cap = b->max + 1;
    p = buf_realloc(b->data, cap);
    if (p == NULL)
        return TOCSIN_ENOMEM;
    b->data = p;
    b->cap = cap;
    return TOCSIN_OK;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
    int rc = buf_grow(b, n);

    if (rc != TOCSIN_OK)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TOCSIN_OK;
}

int
buf_extend(struct buf *b, size_t n, char **p)
{
    int rc = buf_grow(b, n);

    if (rc != TOCSIN_OK)
        return rc;
    *p = b->data + b->len;
    b->len += n;
    b->data[b->len] = '\0';
    return TOCSIN_OK;
}

int
buf_appends(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int
buf_cat(struct buf *b, ...)
{
    size_t start = b->len;
    const char *s;
    va_list ap;
    int rc = TOCSIN_OK;

    va_start(ap, b);
    while (rc == TOCSIN_OK && (s = va_arg(ap, const char *)) != NULL)
        rc = buf_append(b, s, strlen(s));
    va_end(ap);
    if (rc != TOCSIN_OK)
        buf_truncate(b, start);
    return rc;
}

int
buf_appendc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    va_list aq;
    int n, rc;

    /* Format once into the room there is (a reused buffer mostly has
     * enough); only when it does not fit, grow and format again. */
    va_copy(aq, ap);
    n = vsnprintf(room > 0 ? b->data + b->len : NULL, room, fmt, aq);
    va_end(aq);
    if (n >= 0 && (size_t)n < room) {
        /* cap <= max + 1 (buf_grow), so this is within max */
        b->len += (size_t)n;
        return TOCSIN_OK;
    }
    if (room > 0) {
        /* what did not fit may hold personal data: buf_scrub() clears
         * only up to len */
        explicit_bzero(b->data + b->len, room);
        b->data[b->len] = '\0';
    }
    if (n < 0)
        return TOCSIN_EINVAL;
    rc = buf_grow(b, (size_t)n);
    if (rc != TOCSIN_OK)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return TOCSIN_OK;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void
buf_setf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    if (b == NULL)
        return;
    buf_reset(b);
    va_start(ap, fmt);
    if (buf_vprintf(b, fmt, ap) != TOCSIN_OK)
        buf_reset(b);
    va_end(ap);
}

const char *
buf_str(const struct buf *b)
{
    return b->data ? b->data : "";
}

size_t
buf_len(const struct buf *b)
{
    return b->len;
}

void
buf_truncate(struct buf *b, size_t n)
{
    if (n < b->len) {
        b->len = n;
        b->data[n] = '\0';
    }
}

char *
buf_detach(struct buf *b, size_t *len)
{
    char *p = b->data;

    if (p == NULL) {
        p = malloc(1);
        if (p == NULL)
            return NULL;
        p[0] = '\0';
    }
    if (len != NULL)
        *len = b->len;
    buf_init(b, b->max);
    return p;
}
