/*
 * record.h - what the case keeps of one input record, in the form that is
 * sealed (seal_encrypt) into the database.
 *
 * For each canonical field (field.h): the value as ingest normalised it, or
 * the value as given when it failed validation, and the normaliser's flags
 * (their meaning is defined by the normaliser of that field, e.g. date.h's
 * DATE_PLACEHOLDER; RECORD_INVALID is common to all). And every column of
 * the row as it was given (extra columns too), so that nothing is lost and
 * a record can always be re-derived. A field whose value is byte for byte
 * its column's is kept once, as a reference to the column: most are, and
 * every byte less is a byte less to seal and store.
 *
 * Encoding: a version byte; the number of columns (LEB128) and per column
 * its length + 1 (LEB128; 0: absent) and bytes; then per present field:
 * field number (1 byte), flags (LEB128), and either the column number
 * (LEB128, when flags has RECORD_SAME) or the length (LEB128) and bytes;
 * then 0xff. Decoding never reads past the given length.
 */
#ifndef TOCSIN_STORE_RECORD_H
#define TOCSIN_STORE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "field.h"

/* Flag bit common to every field: the value failed validation and is kept
 * as given. Normalisers' own flags use the lower bits. */
#define RECORD_INVALID 0x80000000u
/* In the encoding only: the value is its column's (never in decoded
 * flags). */
#define RECORD_SAME 0x40000000u

struct record {
    const char *val[FIELD_COUNT]; /* NULL: absent or empty */
    size_t len[FIELD_COUNT];
    uint32_t flags[FIELD_COUNT];
    /* Encoding: the column a field's value came from unchanged, or -1.
     * record_clear() sets -1. */
    int col[FIELD_COUNT];
    /* The row's columns as given. Encoding: ncols values colv[i] (NULL:
     * absent) of coll[i] bytes, the caller's. Decoding: ncols, and the
     * block that record_column() reads. */
    size_t ncols;
    const char *const *colv;
    const size_t *coll;
    const unsigned char *cols;
    size_t cols_len;
};

/* Empty every field of r. */
void record_clear(struct record *r);

/*
 * Column i of a decoded record: 1 and *p, *len; 0 when the column was
 * absent (a JSON key missing); TOCSIN_EINVAL when i >= r->ncols.
 */
TOCSIN_MUST_CHECK int record_column(const struct record *r, size_t i,
                                    const char **p, size_t *len);

/* Append the encoding of r to *out. TOCSIN_ELIMIT, TOCSIN_ENOMEM. */
TOCSIN_MUST_CHECK int record_encode(const struct record *r, struct buf *out);

/*
 * Decode data[0..len) into r, whose pointers then point into data
 * (borrowed: valid while data is). The values are not NUL-terminated.
 * TOCSIN_EFORMAT on anything malformed.
 */
TOCSIN_MUST_CHECK int record_decode(const void *data, size_t len,
                                    struct record *r);

#endif
