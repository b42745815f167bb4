/*
 * xalloc.h - allocation for the command-line front end.
 *
 * These never return NULL: on failure they print a message and exit with
 * status 1. Library modules (store, ingest, ...) do not use them; they return
 * TOCSIN_ENOMEM so that callers decide.
 */
#ifndef TOCSIN_UTIL_XALLOC_H
#define TOCSIN_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);

#endif
