/*
 * str.h - copying C strings into fixed buffers.
 */
#ifndef TOCSIN_UTIL_STR_H
#define TOCSIN_UTIL_STR_H

#include <stddef.h>
#include <string.h>

/* Copy src into dst of size bytes (size > 0), cut to fit, ended with a
 * NUL; returns dst. What snprintf(dst, size, "%s", src) does, without the
 * format machinery: that showed in the profile of notify's composer, which
 * copies a dozen strings per message. */
static inline char *
str_copy(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
    return dst;
}

#endif
