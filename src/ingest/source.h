/*
 * source.h - the bytes of one input export: a file, standard input or a
 * block of memory, gunzipped on the fly when it is gzip data.
 *
 * gzip is recognised by its magic bytes (1f 8b), never by the file name, and
 * streamed through zlib; a file of several gzip members is read as their
 * concatenation. While the bytes go by, a BLAKE2b-256 hash of the RAW bytes
 * (as stored, before decompression) is computed so that ingest can tell that
 * this exact file was read before.
 *
 * A source is read front to back once. Not thread-safe.
 */
#ifndef TOCSIN_INGEST_SOURCE_H
#define TOCSIN_INGEST_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

/* The size of source_hash()'s output. */
#define SOURCE_HASH_BYTES 32

/* A borrowed run of bytes: what the readers hand out for one field. A NULL
 * ptr means "absent" (a JSON key missing from this row); an empty value has
 * a non-NULL ptr and len 0. */
struct source_span {
    const char *ptr;
    size_t len;
};

struct source;

/*
 * Open path for reading; "-" is standard input (not closed by
 * source_free()). Reads the first bytes to tell gzip from plain data.
 * On success *out is the caller's (source_free()). Errors: TOCSIN_ENOENT
 * (no such file), TOCSIN_EIO (open or read failed, or a directory; errno
 * set), TOCSIN_ENOMEM, TOCSIN_EINVAL (path NULL or empty).
 */
TOCSIN_MUST_CHECK int source_open(const char *path, struct source **out);

/*
 * Open len bytes of memory as a source (tests, fuzzing). The bytes are
 * borrowed: they must outlive the source. name is used in messages (NULL:
 * "memory"). Errors: TOCSIN_ENOMEM, TOCSIN_EINVAL.
 */
TOCSIN_MUST_CHECK int source_open_mem(const void *data, size_t len,
                                      const char *name, struct source **out);

/* Close the file (unless it is standard input) and free s. NULL is fine. */
void source_free(struct source *s);

/*
 * Read up to cap decoded bytes into buf; *got is the number read, 0 only at
 * the end of the data. Reads straight from the file (plain) or inflates
 * straight into buf (gzip): big caps go fast. Errors (sticky: later calls
 * fail the same way): TOCSIN_EIO (read failed, errno set), TOCSIN_EFORMAT
 * (corrupt or truncated gzip data; source_message() says at which raw byte
 * offset). source_message() has the words.
 */
TOCSIN_MUST_CHECK int source_read(struct source *s, void *buf, size_t cap,
                                  size_t *got);

/*
 * Test hook: hand out at most max bytes per source_read() (0: no limit),
 * so that tests and fuzzers reach every buffer boundary of the readers.
 */
void source_set_read_limit(struct source *s, size_t max);

/*
 * Look ahead: make up to want decoded bytes available without consuming
 * them (fewer only at the end of the data); *p is borrowed until the next
 * call on s. The next source_read() returns these bytes first. want is at
 * most 64 KiB (TOCSIN_EINVAL beyond). Errors as source_read().
 */
TOCSIN_MUST_CHECK int source_peek(struct source *s, size_t want,
                                  const void **p, size_t *got);

/*
 * The BLAKE2b-256 hash of all raw bytes. Valid once source_read() has
 * returned the end of the data: TOCSIN_EINVAL before that (or after a read
 * error).
 */
TOCSIN_MUST_CHECK int source_hash(struct source *s,
                                  unsigned char out[SOURCE_HASH_BYTES]);

/* Progress: raw bytes read from the file so far, decoded bytes handed out
 * so far (equal for plain data), and the file size when it is known
 * (a regular file or memory), else -1. */
uint64_t source_raw_bytes(const struct source *s);
uint64_t source_decoded_bytes(const struct source *s);
int64_t source_size(const struct source *s);

/* 1 when the data is gzip, else 0. */
int source_is_gzip(const struct source *s);

/* The name given at open ("-" for standard input): borrowed, may be any
 * bytes: escape it (log_escape) before printing. */
const char *source_name(const struct source *s);

/* Words for the last error (e.g. "gzip data corrupt at byte 1234: invalid
 * block type"), "" when there was none. Contains no input bytes. Borrowed
 * until the next call on s. */
const char *source_message(const struct source *s);

#endif
