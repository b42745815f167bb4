/*
 * csv.h - streaming RFC 4180 reader for exports: fast, strict, and never
 * loses or silently alters a row.
 *
 * Accepted: a UTF-8 BOM (skipped); CRLF, LF or lone CR line ends; the
 * delimiter , ; TAB or | (detected from the header line: the one found most
 * often outside quotes, ties in that order, none: ','); quoted fields with
 * delimiters, doubled quotes and line breaks inside. The first non-blank
 * record is the header and must have unique, non-empty names. Blank lines
 * (nothing between two line ends) are skipped and counted.
 *
 * A malformed record becomes an ERROR ROW (csv_row.error != 0) with its
 * position, a reason and its raw bytes, and reading goes on:
 *  - a problem on the record's first physical line (stray quote, text after
 *    a closing quote, too many fields, too long): the record ends at the
 *    next line break after the problem (quotes no longer count);
 *  - a problem after a quoted field ran over a line break (most often a
 *    stray opening quote) and a quoted field not closed within
 *    LIMIT_CSV_QUOTED_LINES physical lines, LIMIT_LINE_BYTES bytes or before
 *    the end of the data: only the record's first physical line is the
 *    error row; reading resumes on the next line, so good rows after a
 *    stray quote are not swallowed;
 *  - NUL bytes and invalid UTF-8 in a well-formed record: the whole record
 *    is the error row.
 * When a record has several problems, the structural one (quotes, limits)
 * is reported, else the first NUL or UTF-8 problem.
 * A field count that differs from the header's is not an error here: the
 * row reports its count and the caller decides.
 */
#ifndef TOCSIN_INGEST_CSV_H
#define TOCSIN_INGEST_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "source.h"

/* Why a row is an error row; csv_strerror() gives the words. */
enum csv_error {
    CSV_OK = 0,
    CSV_ERR_QUOTE_IN_FIELD = 1,   /* a quote inside an unquoted field */
    CSV_ERR_TEXT_AFTER_QUOTE = 2, /* text after a closing quote */
    CSV_ERR_UNTERMINATED = 3,     /* quoted field not closed */
    CSV_ERR_TOO_LONG = 4,         /* record over LIMIT_LINE_BYTES */
    CSV_ERR_TOO_MANY_FIELDS = 5,  /* more than LIMIT_CSV_FIELDS fields */
    CSV_ERR_UTF8 = 6,             /* invalid UTF-8 */
    CSV_ERR_NUL = 7,              /* a NUL byte */
};

struct csv_options {
    char delimiter; /* 0: detect from the header; else , ; TAB | or any
                       printable ASCII other than '"' */
};

/*
 * One record. Everything it points to is borrowed until the next
 * csv_next() or csv_free(). Field bytes are NOT NUL-terminated (they never
 * contain NUL: that is an error row); an empty field has a non-NULL ptr.
 */
struct csv_row {
    const struct source_span *fields; /* nfields values; NULL on errors */
    size_t nfields;
    uint64_t line;   /* physical line (1-based) where the record starts */
    uint64_t lines;  /* physical lines the record (or error row) spans */
    uint64_t offset; /* byte offset of its first byte in the decoded
                        input (after gunzip; a BOM counts) */
    /* The record as it stands in the input, without its line end: for the
     * caller's rejects. raw_truncated: the record was longer than
     * LIMIT_LINE_BYTES and raw holds its first LIMIT_LINE_BYTES bytes. */
    const char *raw;
    size_t raw_len;
    int raw_truncated;
    /* Error rows only: reason (enum csv_error), and where the problem is:
     * physical line, 1-based byte column within that line, 1-based field
     * index. For CSV_ERR_UNTERMINATED that is the opening quote. */
    int error;
    uint64_t error_line;
    uint64_t error_column;
    size_t error_field;
};

struct csv_stats {
    uint64_t lines;       /* physical lines read so far */
    uint64_t rows;        /* good rows handed out (header not counted) */
    uint64_t error_rows;  /* error rows handed out */
    uint64_t blank_lines; /* blank lines skipped */
};

struct csv;

/*
 * Start reading CSV from src (borrowed: it must outlive the reader) with
 * opts (NULL: defaults) and read the header. An empty input is fine (no
 * columns, no rows). On success *out is the caller's (csv_free()).
 * Errors: TOCSIN_EFORMAT (malformed header, empty or duplicate column
 * name), TOCSIN_EINVAL (bad delimiter option), TOCSIN_ENOMEM, and the
 * source's errors (TOCSIN_EIO, TOCSIN_EFORMAT for bad gzip). When msg is
 * not NULL it receives words for the user (NUL-terminated, cut to msgsz;
 * never header or record contents).
 */
TOCSIN_MUST_CHECK int csv_open(struct source *src,
                               const struct csv_options *opts,
                               struct csv **out, char *msg, size_t msgsz);

/* Free the reader (not its source) and wipe its buffers. NULL is fine. */
void csv_free(struct csv *c);

/*
 * The header: n names, each NUL-terminated, borrowed until csv_free().
 */
void csv_header(const struct csv *c, const struct source_span **names,
                size_t *n);

/* The delimiter in use. */
char csv_delimiter(const struct csv *c);

/*
 * Read the next row into *row: 1 a row (good or error row), 0 the end of
 * the data, <0 a fatal error from the source (TOCSIN_EIO, TOCSIN_EFORMAT:
 * see source_message()) or TOCSIN_ENOMEM; after that it fails again.
 */
TOCSIN_MUST_CHECK int csv_next(struct csv *c, struct csv_row *row);

/* Counters so far. */
void csv_stats(const struct csv *c, struct csv_stats *st);

/* Words for an enum csv_error; never NULL. */
const char *csv_strerror(int reason);

#endif
