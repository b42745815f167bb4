/*
 * jsonl.h - streaming JSON Lines reader: one flat JSON object per line.
 *
 * Each line is taken apart by a strict scan of our own, because json-c
 * alone accepts control characters in strings, lone surrogate escapes,
 * duplicate keys and single quotes, and would turn out-of-range integers
 * into other numbers (and building its object tree for every line is
 * slow). A line the scan rejects goes to json-c (strict mode): when json-c
 * rejects it too, the row is a syntax error at json-c's offset. Whatever
 * the scan accepts, json-c accepts (the fuzzing build checks that). Values
 * come out as:
 * strings as their (unescaped) UTF-8 text; numbers and true/false as their
 * JSON text exactly as written; null as absent. Columns are the union of
 * the keys in order of first appearance; jsonl_columns() grows as rows
 * are read. Lines may end in LF or CRLF; a UTF-8 BOM at the start is
 * skipped; blank lines (only spaces, tabs, CR) are skipped and counted.
 *
 * A bad line becomes an ERROR ROW (jsonl_row.error != 0) with its line,
 * 1-based byte column, reason and raw bytes, and reading goes on with the
 * next line: not valid JSON, not an object, invalid UTF-8, a NUL byte or
 * \u0000, a raw control character inside a string, a lone surrogate
 * escape, an array or object as a value, a duplicate or empty key, more
 * than LIMIT_JSONL_COLUMNS columns, a line over LIMIT_LINE_BYTES.
 * Keys of error rows do not become columns.
 */
#ifndef TOCSIN_INGEST_JSONL_H
#define TOCSIN_INGEST_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "source.h"

/* Why a line is an error row; jsonl_strerror() gives the words. */
enum jsonl_error {
    JSONL_OK = 0,
    JSONL_ERR_SYNTAX = 1,            /* not valid JSON */
    JSONL_ERR_NOT_OBJECT = 2,        /* valid JSON, but not an object */
    JSONL_ERR_UTF8 = 3,              /* invalid UTF-8 */
    JSONL_ERR_NUL = 4,               /* NUL byte, or \u0000 in a string */
    JSONL_ERR_CONTROL = 5,           /* raw control character in a string */
    JSONL_ERR_SURROGATE = 6,         /* \u escape of a lone surrogate */
    JSONL_ERR_NESTED = 7,            /* an array or object as a value */
    JSONL_ERR_DUPLICATE_KEY = 8,     /* a key twice in one object */
    JSONL_ERR_EMPTY_KEY = 9,         /* the key "" */
    JSONL_ERR_TOO_MANY_COLUMNS = 10, /* over LIMIT_JSONL_COLUMNS keys */
    JSONL_ERR_TOO_LONG = 11,         /* line over LIMIT_LINE_BYTES */
};

/*
 * One line. Everything it points to is borrowed until the next
 * jsonl_next() or jsonl_free(). Values are NOT NUL-terminated (they never
 * contain NUL).
 */
struct jsonl_row {
    /* values[i] belongs to column i (jsonl_columns()); nvalues is the
     * number of columns when the row was read; ptr NULL: absent or null.
     * NULL on error rows. */
    const struct source_span *values;
    size_t nvalues;
    uint64_t line;   /* physical line, 1-based */
    uint64_t offset; /* byte offset of the line in the decoded input
                        (after gunzip; a BOM counts) */
    /* The line as it stands in the input, without LF or CRLF.
     * raw_truncated: it was longer than LIMIT_LINE_BYTES and raw holds its
     * first LIMIT_LINE_BYTES bytes. */
    const char *raw;
    size_t raw_len;
    int raw_truncated;
    /* Error rows only: reason (enum jsonl_error), 1-based byte column of
     * the problem, and for key-related reasons (nested, duplicate) the key
     * (unescaped, borrowed) and its column index + 1 when the key is a
     * known column (else 0). */
    int error;
    uint64_t error_column;
    struct source_span error_key;
    size_t error_field;
};

struct jsonl_stats {
    uint64_t lines;       /* physical lines read so far */
    uint64_t rows;        /* good rows handed out */
    uint64_t error_rows;  /* error rows handed out */
    uint64_t blank_lines; /* blank lines skipped */
};

struct jsonl;

/*
 * Start reading JSON Lines from src (borrowed: it must outlive the
 * reader). On success *out is the caller's (jsonl_free()).
 * Errors: TOCSIN_ENOMEM, and the source's (TOCSIN_EIO, TOCSIN_EFORMAT).
 */
TOCSIN_MUST_CHECK int jsonl_open(struct source *src, struct jsonl **out);

/* Free the reader (not its source) and wipe its buffers. NULL is fine. */
void jsonl_free(struct jsonl *j);

/* The columns seen so far: n names, NUL-terminated, borrowed until the
 * next jsonl_next() or jsonl_free(). */
void jsonl_columns(const struct jsonl *j, const struct source_span **names,
                   size_t *n);

/*
 * Read the next row: 1 a row (good or error row), 0 the end of the data,
 * <0 a fatal error from the source (see source_message()) or
 * TOCSIN_ENOMEM; after that it fails again.
 */
TOCSIN_MUST_CHECK int jsonl_next(struct jsonl *j, struct jsonl_row *row);

/* Counters so far. */
void jsonl_stats(const struct jsonl *j, struct jsonl_stats *st);

/* Words for an enum jsonl_error; never NULL. */
const char *jsonl_strerror(int reason);

#endif
