/*
 * fuzz_mapping.c - libFuzzer harness for the map file parser and column
 * mapping (ingest/mapping.h).
 *
 * The input up to the first NUL is a map file, read with
 * mapping_load_mem() from an exact malloc'd copy; what follows the NUL is
 * a header row (fields cut at ',' and newlines), resolved with
 * mapping_resolve() against the loaded map and against the default map.
 * The harness aborts when
 *  - loading fails with other than TOCSIN_ECONFIG, or without a message;
 *  - a loaded map has a country other than two capitals or a delimiter
 *    other than 0 , ; | TAB;
 *  - resolving fails with other than TOCSIN_EINVAL or without a message,
 *    or succeeds with one field on two columns;
 *  - with the default map, a column's field is not mapping_guess() of
 *    the trimmed header;
 *  - mapping_guess() does not know a canonical field name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/mapping.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 64

static void
trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static void
check_resolve(const struct mapping *m, int is_default, const char *row,
              size_t len)
{
    const char *hdr[MAX_HEADERS];
    char *copy[MAX_HEADERS];
    size_t lens[MAX_HEADERS], n = 0, i, j, start = 0;
    enum field fields[MAX_HEADERS];
    struct buf why;
    int rc;

    for (i = 0; i <= len && n < MAX_HEADERS; i++) {
        if (i == len || row[i] == ',' || row[i] == '\n') {
            copy[n] = fuzz_exact(row + start, i - start);
            hdr[n] = copy[n];
            lens[n] = i - start;
            n++;
            start = i + 1;
        }
    }
    buf_init(&why, 4096);
    rc = mapping_resolve(m, hdr, lens, n, fields, &why);
    if (rc != 0) {
        if (rc != TOCSIN_EINVAL || buf_len(&why) == 0)
            abort();
    } else {
        for (i = 0; i < n; i++) {
            if (fields[i] < FIELD_NONE || fields[i] >= FIELD_COUNT)
                abort();
            for (j = 0; j < i; j++)
                if (fields[i] != FIELD_NONE && fields[i] == fields[j])
                    abort();
            if (is_default) {
                const char *h = hdr[i];
                size_t hl = lens[i];

                trim(&h, &hl);
                if (mapping_guess(h, hl) != fields[i])
                    abort();
            }
        }
    }
    for (i = 0; i < n; i++) {
        enum field f = mapping_guess(copy[i], lens[i]);

        if (f < FIELD_NONE || f >= FIELD_COUNT)
            abort();
        free(copy[i]);
    }
    buf_free(&why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int names_checked;
    const char *x = (const char *)data, *nul;
    struct mapping *m = NULL, *d;
    struct buf why;
    size_t mlen;
    char *text;
    int rc, f;

    /* Once: it does not depend on the input and is slow to repeat. */
    for (f = 0; !names_checked && f < FIELD_COUNT; f++) {
        const char *name = field_name((enum field)f);

        if (mapping_guess(name, strlen(name)) != (enum field)f)
            abort();
    }
    names_checked = 1;
    nul = memchr(x, '\0', size);
    mlen = nul ? (size_t)(nul - x) : size;
    text = fuzz_exact(x, mlen);
    buf_init(&why, 4096);
    rc = mapping_load_mem(text, mlen, "fuzz.map", &m, &why);
    free(text);
    if (rc != 0) {
        if (rc != TOCSIN_ECONFIG || m != NULL || buf_len(&why) == 0 ||
            strncmp(buf_str(&why), "fuzz.map:", 9) != 0)
            abort();
    } else {
        const char *c = mapping_country(m);
        int dl = mapping_delimiter(m);

        if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' ||
            c[1] > 'Z')
            abort();
        if (dl != 0 && dl != ',' && dl != ';' && dl != '|' && dl != '\t')
            abort();
    }
    buf_free(&why);
    if (nul != NULL) {
        size_t off = mlen + 1;

        if (m != NULL)
            check_resolve(m, 0, x + off, size - off);
        d = mapping_default();
        check_resolve(d, 1, x + off, size - off);
        mapping_free(d);
    }
    mapping_free(m);
    return 0;
}
