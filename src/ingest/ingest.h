/*
 * ingest.h - the ingest stage: an export file into the case's sealed
 * records, every row accounted for.
 *
 * A file is read by reader.h (CSV or JSON Lines, plain or gzip), its columns
 * mapped to fields (mapping.h), each value normalised and validated by the
 * field's normaliser, and the record sealed (record.h, seal.h) into the
 * case together with keyed hashes of the identifiers used for lookups and
 * the masked forms used in messages. A value that fails validation is kept
 * as given and flagged; a row that cannot be read as a record (broken
 * quoting, bytes that are not UTF-8, a wrong number of fields) is kept,
 * sealed, as a reject with its line, byte offset and reason. For every file
 * rows_read = accepted + rejected.
 *
 * A file whose content is already in the case is not read again. An
 * interrupted ingest leaves an unfinished source that the next ingest
 * removes before it starts. Reading and normalising run in one thread,
 * the database writes in the calling one.
 */
#ifndef TOCSIN_INGEST_INGEST_H
#define TOCSIN_INGEST_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "../store/casedir.h"
#include "../store/field.h"
#include "../util/buf.h"
#include "../util/error.h"
#include "reader.h"

/* Flag on a first name (record.h flags) that holds initials only. */
#define INGEST_INITIALS 0x1u
/* Flag on an identifier that passed its country's check (a BSN's
 * 11-check): two different checked values are two different people. */
#define INGEST_CHECKED 0x10000000u

struct ingest_options {
    const char *map_path;      /* NULL: built-in column names */
    const char *brand;         /* NULL: from the data; else a brand id */
    enum reader_format format; /* READER_AUTO detects */
    char delimiter;            /* 0 detects; overrides the map */
    int64_t run_id;            /* the run log entry, or 0 */
    int progress;              /* draw a progress line on a terminal */
};

/* One kind of problem with one field, and how often it occurred. */
struct ingest_problem {
    enum field field;
    const char *what; /* static text */
    uint64_t count;
};

struct ingest_result {
    int duplicate;        /* the content was ingested before: nothing done */
    int64_t source_id;    /* the new source, or the earlier one */
    uint64_t rows_read;   /* rows and error rows the reader produced */
    uint64_t accepted;    /* records stored */
    uint64_t rejected;    /* rejects stored */
    uint64_t blank_lines; /* blank lines skipped (not rows) */
    uint64_t bytes;       /* raw bytes read */
    double seconds;
    struct ingest_problem *problems; /* sorted by field, then count */
    size_t nproblems;
    char **columns;     /* every column name as read (escaped for printing) */
    enum field *fields; /* the field of each column; FIELD_NONE: extra */
    size_t ncolumns;
};

/*
 * Ingest the file at path ("-": standard input) into the open case c.
 * res is filled in (free with ingest_result_free(), also after an error).
 * Errors: TOCSIN_ENOENT, TOCSIN_EIO, TOCSIN_EFORMAT (not readable at all:
 * a corrupt gzip stream, no header), TOCSIN_EINVAL (a column mapping or
 * brand problem), TOCSIN_ECONFIG (map file), TOCSIN_EDB, TOCSIN_ENOMEM;
 * *why gets the words, with the file name.
 */
TOCSIN_MUST_CHECK int ingest_file(struct casedir *c, const char *path,
                                  const struct ingest_options *o,
                                  struct ingest_result *res, struct buf *why);

void ingest_result_free(struct ingest_result *res);

/*
 * Append res as a JSON object to *out: rows_read, accepted, rejected,
 * blank_lines, duplicate, bytes, seconds, columns (name and field) and
 * flags ({"field": {"problem": count}}). Counts and column names only.
 */
TOCSIN_MUST_CHECK int ingest_result_json(const struct ingest_result *res,
                                         struct buf *out);

#endif
