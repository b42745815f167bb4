/*
 * grow.h - room in a growing array (the doubling every module wrote out).
 */
#ifndef TOCSIN_UTIL_GROW_H
#define TOCSIN_UTIL_GROW_H

#include <stddef.h>

/*
 * An array of elements of size bytes with room for need of them: p itself
 * when its *cap already holds them, else p grown (realloc) to twice *cap,
 * or to first when p has none yet, or to need when that is more; *cap
 * tells the new room. NULL when memory runs out or need elements would
 * not fit in a size_t: p is then still the caller's, unchanged, and so is
 * *cap. The usual use, before v[n++] = x:
 *
 *     if ((p = grow(v, &cap, n + 1, sizeof(*v), 64)) == NULL)
 *         return TOCSIN_ENOMEM;
 *     v = p;
 */
void *grow(void *p, size_t *cap, size_t need, size_t size, size_t first);

#endif
