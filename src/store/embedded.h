/*
 * embedded.h - the default case files built into the binary from data/
 * (case.ini, templates/...), generated at build time by tools/embed.c.
 */
#ifndef TOCSIN_STORE_EMBEDDED_H
#define TOCSIN_STORE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* path relative to data/, e.g. "templates/nl/..." */
    const char *data; /* NUL-terminated for convenience */
    size_t len;       /* without the NUL */
};

/* All files, ending with an entry whose name is NULL. */
extern const struct embedded_file embedded_files[];

#endif
