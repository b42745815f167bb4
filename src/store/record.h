/*
 * record.h - what the case keeps of one input record, in the form that is
 * sealed (seal_encrypt) into the database.
 *
 * For each canonical field (field.h): the value as ingest normalised it, or
 * the value as given when it failed validation, and the normaliser's flags
 * (their meaning is defined by the normaliser of that field, e.g. date.h's
 * DATE_PLACEHOLDER; RECORD_INVALID is common to all). And the row exactly as
 * it was read, every column included (extra ones too), so that nothing is
 * lost and a record can always be re-derived.
 *
 * Encoding: a version byte, then per present field: field number (1 byte),
 * flags (LEB128), length (LEB128), bytes; then 0xff, the raw row's length
 * (LEB128) and bytes. Decoding never reads past the given length.
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

struct record {
    const char *val[FIELD_COUNT]; /* NULL: absent or empty */
    size_t len[FIELD_COUNT];
    uint32_t flags[FIELD_COUNT];
    const char *raw; /* the row as read (CSV line(s) or JSON object) */
    size_t raw_len;
};

/* Empty every field of r. */
void record_clear(struct record *r);

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
