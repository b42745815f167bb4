#include "utf8.h"

#include <stdint.h>
#include <string.h>

int
utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    unsigned lo = 0x80, hi = 0xbf;
    size_t need, i;

    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    } else {
        return 0;
    }
    for (i = 1; i < need; i++) {
        if (i >= n)
            return -1;
        if (p[i] < lo || p[i] > hi)
            return 0;
        lo = 0x80;
        hi = 0xbf;
    }
    return (int)need;
}

int
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    static const unsigned char lead[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    int len, i;

    *cp = 0;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((len = utf8_seq(p, n)) <= 0)
        return 0;
    *cp = p[0] & lead[len];
    for (i = 1; i < len; i++)
        *cp = (*cp << 6) | (p[i] & 0x3fu);
    return len;
}

size_t
utf8_valid_prefix(const void *s, size_t n)
{
    const unsigned char *p = s;
    size_t i = 0;

    while (i < n) {
        /* ASCII runs a word at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        while (i < n && p[i] < 0x80)
            i++;
        if (i < n) {
            int len = utf8_seq(p + i, n - i);
            if (len <= 0)
                return i;
            i += (size_t)len;
        }
    }
    return n;
}
