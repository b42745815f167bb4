/*
 * store.h - the case database: the one interface every stage reads and
 * writes through.
 *
 * SQLite (WAL) is the embedded backend; the interface is kept free of SQLite
 * types so that another backend (PostgreSQL, for several sending machines)
 * can stand behind it later. The schema is versioned: opening with
 * STORE_CREATE applies every pending migration in one transaction, and a
 * database newer than this program is refused (TOCSIN_ESCHEMA).
 *
 * A store is used by one thread at a time. Error texts from the database
 * (store_errmsg) never hold record contents.
 */
#ifndef TOCSIN_STORE_STORE_H
#define TOCSIN_STORE_STORE_H

#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"

struct store;

/* Flags for store_open(). */
#define STORE_CREATE   1 /* create the database if missing, and migrate */
#define STORE_READONLY 2 /* open read-only (a reader beside a writer) */

/*
 * Open the database at path. Without STORE_CREATE the file must exist and
 * be at the latest schema version, or be migrated first (store_migrate).
 * Caller frees *out with store_close(). Errors: TOCSIN_EDB, TOCSIN_ESCHEMA,
 * TOCSIN_ENOENT, TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int store_open(const char *path, int flags,
                                 struct store **out);
void store_close(struct store *s);

/* Bring the schema to the latest version; a no-op when it is there. */
TOCSIN_MUST_CHECK int store_migrate(struct store *s);

/* The schema version of the open database, and the one this program
 * writes. */
int store_schema_version(struct store *s);
int store_schema_latest(void);

/* Transactions (not nested). */
TOCSIN_MUST_CHECK int store_begin(struct store *s);
TOCSIN_MUST_CHECK int store_commit(struct store *s);
void store_rollback(struct store *s);

/* Case-wide key/value facts (case id, creation time, key check...).
 * store_meta_get appends the value to *value; TOCSIN_ENOENT if absent. */
TOCSIN_MUST_CHECK int store_meta_get(struct store *s, const char *key,
                                     struct buf *value);
TOCSIN_MUST_CHECK int store_meta_set(struct store *s, const char *key,
                                     const char *value);

/*
 * The run log: every command that changes the case records when it started
 * and how it ended, with a JSON summary (counts only, never personal data).
 */
TOCSIN_MUST_CHECK int store_run_begin(struct store *s, const char *command,
                                      int64_t *run_id);
TOCSIN_MUST_CHECK int store_run_end(struct store *s, int64_t run_id,
                                    int status, const char *summary_json);

/*
 * Ingest: the input files (sources), the records read from them and the
 * rows that could not be read (rejects). Record contents are sealed by the
 * caller (seal.h); the store keeps opaque boxes, keyed hashes
 * (seal_hash, STORE_HASH_BYTES == SEAL_HASH_BYTES) and masked forms.
 */
#define STORE_HASH_BYTES 16

struct store_source {
    const char *name;
    const unsigned char *quick_hash; /* STORE_HASH_BYTES or NULL */
    const char *format;              /* "csv" | "jsonl" */
    int compressed;
    const char *brand; /* or NULL */
    int64_t run_id;
};

/*
 * The finished source with this quick hash (or, when content_hash is not
 * NULL, this content hash): *id, or TOCSIN_ENOENT.
 */
TOCSIN_MUST_CHECK int store_source_find(struct store *s,
                                        const unsigned char *quick_hash,
                                        const unsigned char *content_hash,
                                        int64_t *id);

/*
 * Remove what interrupted ingests left (sources never finished, with their
 * records and rejects); *removed counts the sources. Call in a transaction.
 */
TOCSIN_MUST_CHECK int store_source_cleanup(struct store *s, int *removed);

/* Add a source, unfinished; *id is its number. */
TOCSIN_MUST_CHECK int
store_source_add(struct store *s, const struct store_source *src, int64_t *id);

/* Mark a source finished with its content hash (32 bytes), counts and a
 * JSON summary (counts and column names only). */
TOCSIN_MUST_CHECK int store_source_finish(struct store *s, int64_t id,
                                          const unsigned char *content_hash,
                                          uint64_t bytes, uint64_t rows_read,
                                          uint64_t accepted, uint64_t rejected,
                                          const char *summary_json);

/* Remove a source with its records and rejects (a duplicate found only at
 * its end, when it came from a pipe). */
TOCSIN_MUST_CHECK int store_source_remove(struct store *s, int64_t id);

/* The highest record id so far (0 for none). */
TOCSIN_MUST_CHECK int store_record_max_id(struct store *s, int64_t *id);

struct store_record {
    int64_t id; /* chosen by the caller: store_record_max_id() + 1, ... */
    int64_t source_id;
    uint64_t line;
    const char *brand; /* brand id or NULL */
    uint32_t present;  /* 1 << enum category, for each with a value */
    uint32_t problems; /* 1 << enum field, for each failing validation */
    const unsigned char *rid_hash, *email_hash, *phone_hash, *mobile_hash,
        *iban_hash; /* STORE_HASH_BYTES each, or NULL */
    const char *email_mask, *phone_mask, *iban_mask; /* or NULL */
    const void *sealed;
    size_t sealed_len;
};

TOCSIN_MUST_CHECK int store_record_add(struct store *s,
                                       const struct store_record *r);

struct store_reject {
    int64_t source_id;
    uint64_t line;
    uint64_t byte_offset;
    uint64_t column;
    const char *reason; /* words without input bytes */
    const void *sealed; /* the raw bytes, sealed */
    size_t sealed_len;
};

TOCSIN_MUST_CHECK int store_reject_add(struct store *s,
                                       const struct store_reject *r);

/* Make the lookup indexes on records (idempotent). Ingest does not make
 * them (a bulk load is faster without); the stages that look records up
 * by a hash call this first. */
TOCSIN_MUST_CHECK int store_ingest_indexes(struct store *s);

/* A reject as listed: pointers borrowed for the callback's duration. */
struct store_reject_view {
    int64_t id;
    const char *source;
    uint64_t line, byte_offset, column;
    const char *reason;
    const void *sealed;
    size_t sealed_len;
};

/* Call fn for every reject in order; a non-zero return from fn stops and
 * is returned. */
TOCSIN_MUST_CHECK int
store_rejects_each(struct store *s,
                   int (*fn)(void *ctx, const struct store_reject_view *v),
                   void *ctx);

/* Counts over all finished sources. */
struct store_ingest_totals {
    uint64_t sources, rows_read, accepted, rejected;
};
TOCSIN_MUST_CHECK int store_ingest_totals(struct store *s,
                                          struct store_ingest_totals *t);

/* The last database error as text, for messages; borrowed. */
const char *store_errmsg(struct store *s);

#endif
