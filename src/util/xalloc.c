#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
xalloc_die(size_t n)
{
    fprintf(stderr, "tocsin: out of memory allocating %zu bytes\n", n);
    exit(1);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        xalloc_die(n);
    return p;
}

void *
xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);

    if (p == NULL)
        xalloc_die(count * size);
    return p;
}

void *
xreallocarray(void *p, size_t count, size_t size)
{
    void *q;

    if (size != 0 && count > SIZE_MAX / size)
        xalloc_die(SIZE_MAX);
    q = realloc(p, count * size == 0 ? 1 : count * size);
    if (q == NULL)
        xalloc_die(count * size);
    return q;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);

    memcpy(p, s, n);
    return p;
}
