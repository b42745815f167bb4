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

/* The last database error as text, for messages; borrowed. */
const char *store_errmsg(struct store *s);

#endif
