/*
 * grow.c - room in a growing array (grow.h).
 */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *
grow(void *p, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t n;
    void *q;

    if (need <= *cap)
        return p;
    n = *cap > 0 ? *cap : first;
    if (*cap > 0)
        n = *cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * *cap;
    if (n < need)
        n = need;
    if (size == 0 || n > SIZE_MAX / size)
        return NULL;
    q = realloc(p, n * size);
    if (q == NULL)
        return NULL;
    *cap = n;
    return q;
}
