/*
 * reader.h - one row interface over the input readers: opens a file (plain
 * or gzip), picks CSV or JSON Lines and hands out rows by column index.
 *
 * Format detection (READER_AUTO): the first byte that is not white space
 * (after a UTF-8 BOM, after gunzip) is '{': JSON Lines; anything else
 * (or nothing): CSV. See csv.h and jsonl.h for what each accepts and how
 * bad rows are reported.
 */
#ifndef TOCSIN_INGEST_READER_H
#define TOCSIN_INGEST_READER_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "source.h"

enum reader_format {
    READER_AUTO = 0,
    READER_CSV = 1,
    READER_JSONL = 2,
};

struct reader_options {
    enum reader_format format; /* READER_AUTO: detect */
    char delimiter;            /* CSV: 0 detects; see csv_options */
};

/*
 * One row; everything it points to is borrowed until the next
 * reader_next() or reader_free().
 */
struct reader_row {
    /* fields[i] is the value of column i; ptr NULL: absent (JSON key
     * missing or null). Not NUL-terminated. For CSV nfields is the record's
     * field count, which may differ from the number of columns: the caller
     * decides (rejects) such rows. NULL on error rows. */
    const struct source_span *fields;
    size_t nfields;
    uint64_t line;   /* physical line (1-based) where the row starts */
    uint64_t lines;  /* physical lines it spans */
    uint64_t offset; /* byte offset of its first byte in the decoded input
                        (after gunzip; a BOM counts) */
    /* The row's bytes as they stand in the input (without the line end),
     * for rejects; raw_truncated: only its first LIMIT_LINE_BYTES. */
    const char *raw;
    size_t raw_len;
    int raw_truncated;
    /* Error rows: error != 0 (an enum csv_error or enum jsonl_error,
     * according to reader_format()), error_text its words, where the
     * problem is (physical line, 1-based byte column in that line), the
     * 1-based field/column index when known (else 0) and for JSON key
     * problems the key (borrowed; input text: escape before printing). */
    int error;
    const char *error_text;
    uint64_t error_line;
    uint64_t error_column;
    size_t error_field;
    struct source_span error_key;
};

struct reader_stats {
    uint64_t raw_bytes;   /* bytes read from the file */
    uint64_t bytes;       /* decoded bytes (after gunzip) */
    int64_t size;         /* file size, -1 when unknown (a pipe) */
    uint64_t lines;       /* physical lines */
    uint64_t rows;        /* good rows */
    uint64_t error_rows;  /* error rows */
    uint64_t blank_lines; /* blank lines skipped */
};

struct reader;

/*
 * Open path ("-": standard input) with opts (NULL: defaults). CSV reads
 * its header here. On success *out is the caller's (reader_free()).
 * Errors: TOCSIN_ENOENT, TOCSIN_EIO (errno set), TOCSIN_EFORMAT (corrupt
 * gzip, bad CSV header), TOCSIN_EINVAL (bad options), TOCSIN_ENOMEM. msg
 * (may be NULL) receives words for the user, without input bytes.
 */
TOCSIN_MUST_CHECK int reader_open(const char *path,
                                  const struct reader_options *opts,
                                  struct reader **out, char *msg,
                                  size_t msgsz);

/* As reader_open() on an open source, which the reader takes over: it is
 * freed with the reader, or here on failure. */
TOCSIN_MUST_CHECK int reader_open_source(struct source *src,
                                         const struct reader_options *opts,
                                         struct reader **out, char *msg,
                                         size_t msgsz);

/* Free the reader and its source. NULL is fine. */
void reader_free(struct reader *r);

/* READER_CSV or READER_JSONL. */
enum reader_format reader_format(const struct reader *r);

/* The columns: the CSV header, or the JSON keys seen so far (grows as rows
 * are read). Names NUL-terminated, borrowed until the next reader_next()
 * or reader_free(). */
void reader_columns(const struct reader *r, const struct source_span **names,
                    size_t *n);

/*
 * The next row: 1 a row (check row->error), 0 the end of the data, <0 a
 * fatal error (TOCSIN_EIO, TOCSIN_EFORMAT for corrupt gzip,
 * TOCSIN_ENOMEM): reader_message() has the words; it fails again after.
 */
TOCSIN_MUST_CHECK int reader_next(struct reader *r, struct reader_row *row);

/* The BLAKE2b-256 of the raw file; TOCSIN_EINVAL before the end. */
TOCSIN_MUST_CHECK int reader_hash(struct reader *r,
                                  unsigned char out[SOURCE_HASH_BYTES]);

/* Counters so far. */
void reader_stats(const struct reader *r, struct reader_stats *st);

/* Words for the last fatal error, "" when none. */
const char *reader_message(const struct reader *r);

/* The source (borrowed), e.g. for its name. */
struct source *reader_source(const struct reader *r);

#endif
