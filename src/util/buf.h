/*
 * buf.h - the one growable byte buffer (the idea of curl's dynbuf).
 *
 * A buffer has a maximum fixed at buf_init(); an append that would pass it
 * fails with TOCSIN_ELIMIT and leaves the buffer as it was. The contents are
 * always NUL-terminated, so buf_str() is a C string when no NUL was appended.
 * The members are visible only so that a buffer can live inside other
 * structs; read them through the functions below.
 */
#ifndef TOCSIN_UTIL_BUF_H
#define TOCSIN_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

/* Set up an empty buffer that may grow to max bytes (excluding the NUL). */
void buf_init(struct buf *b, size_t max);

/* Release the memory; the buffer may be used again after buf_init(). */
void buf_free(struct buf *b);

/* As buf_free(), but first overwrite the contents (plaintext PII, keys). */
void buf_wipe(struct buf *b);

/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Zero the bytes the buffer held and empty it, keeping its memory (for
 * a buffer reused for one secret after another). */
void buf_scrub(struct buf *b);

/* Append bytes; TOCSIN_ELIMIT past the maximum, TOCSIN_ENOMEM. */
TOCSIN_MUST_CHECK int buf_append(struct buf *b, const void *p, size_t n);
TOCSIN_MUST_CHECK int buf_appends(struct buf *b, const char *s);

/* Append each of the NUL-terminated strings that follow b, up to a NULL:
 * buf_cat(b, "<h1>", title, "</h1>\n", NULL). Faster than buf_printf()
 * for text that only joins strings. On error b is as it was. */
TOCSIN_MUST_CHECK int buf_cat(struct buf *b, ...) __attribute__((sentinel));
TOCSIN_MUST_CHECK int buf_appendc(struct buf *b, char c);
TOCSIN_MUST_CHECK int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
TOCSIN_MUST_CHECK int buf_vprintf(struct buf *b, const char *fmt, va_list ap);

/* Replace the contents with a formatted message: for the `why` buffers of
 * fallible functions. b may be NULL (nothing done); when the text does not
 * fit, b is left empty. Never fails. */
void buf_setf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Make the buffer n bytes longer and point *p at the new bytes, which the
 * caller then fills (they are not initialised). For writers that know a
 * size up front and would otherwise append piece by piece.
 * TOCSIN_ELIMIT past the maximum, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int buf_extend(struct buf *b, size_t n, char **p);

/* Contents and length; buf_str() of an empty buffer is "". Borrowed until
 * the next change to the buffer. */
const char *buf_str(const struct buf *b);
size_t buf_len(const struct buf *b);

/* Shorten to n bytes (n <= length). */
void buf_truncate(struct buf *b, size_t n);

/* Take the contents out as a malloc'd NUL-terminated string (caller frees);
 * the buffer is left empty. NULL when out of memory. */
char *buf_detach(struct buf *b, size_t *len);

/* Test hook: the realloc() the buffers use, to inject allocation failures.
 * NULL restores the C library's. */
void buf_set_realloc(void *(*fn)(void *, size_t));

#endif
