/*
 * store_int.h - what the files of the store module share; not part of its
 * interface. store.c holds the connection and the schema; store_*.c hold
 * the queries of one stage's tables each.
 */
#ifndef TOCSIN_STORE_STORE_INT_H
#define TOCSIN_STORE_STORE_INT_H

#include <sqlite3.h>

#include "../util/limits.h"
#include "store.h"

/* Rows per statement of a bulk insert: one statement per row is most of
 * the cost of a bulk load. */
#define STORE_BULK_ROWS 64
/* Columns of a bulk-inserted table, at most. */
#define STORE_BULK_COLS 16

/* UTC now as ISO 8601, in SQL. */
#define STORE_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* Statements prepared once and kept for the life of the connection. */
enum store_stmt {
    STORE_BEGIN, /* BEGIN, or BEGIN IMMEDIATE on a writable store */
    STORE_COMMIT,
    STORE_META_GET,
    STORE_META_SET,
    STORE_RUN_BEGIN,
    STORE_RUN_END,
    STORE_RECORD_ADD,
    STORE_REJECT_ADD,
    STORE_PERSON_RECORD_ADD,   /* one row */
    STORE_PERSON_RECORD_ADD_N, /* STORE_BULK_ROWS rows */
    STORE_LINK_ADD,
    STORE_LINK_ADD_N,
    STORE_EXPOSURE_ADD,
    STORE_EXPOSURE_ADD_N,
    STORE_EXPOSED_PERSON_ADD,
    STORE_EXPOSED_PERSON_ADD_N,
    STORE_MSG_UPDATE,
    STORE_MSG_UPDATE_VCODE,
    STORE_MSG_DUE,
    STORE_MSG_DUE_ANSWERS,
    STORE_MSG_STATE,
    STORE_MSG_COUNT_ADD,
    STORE_MSG_DOMAIN_ADD,
    STORE_MSG_MINUTE_ADD,
    STORE_RECORD_GET,
    STORE_PERSON_EXPOSURES,
    STORE_NSTMT
};

struct store {
    sqlite3 *db;
    int readonly;
    int in_tx;
    sqlite3_stmt *stmt[STORE_NSTMT];
    char errmsg[LIMIT_STORE_ERRMSG];
};

/* Keep the database's error text (or text) for store_errmsg(); returns
 * rc. */
int store_fail(struct store *s, int rc);
int store_fail_text(struct store *s, int rc, const char *text);

/* Run sql (no results). */
int store_exec(struct store *s, const char *sql);

/* Prepare sql into *slot once; later calls reuse it. */
int store_prepare(struct store *s, sqlite3_stmt **slot, const char *sql);

/* Make a statement ready for its next use. */
void store_done(sqlite3_stmt *st);

/* Step sql, a query of one row and one integer ("SELECT count(*) ..."),
 * into *out. */
int store_count(struct store *s, const char *sql, uint64_t *out);

/*
 * Insert n rows (head: "INSERT INTO t(a, b)", ncols <= STORE_BULK_COLS),
 * STORE_BULK_ROWS per statement where it can, with the statements kept in
 * slots one (one row) and many: bind(st, col, i, ctx) binds row i's values
 * from column col on and returns the next column, or 0 on a failure.
 */
int store_bulk_insert(struct store *s, enum store_stmt one,
                      enum store_stmt many, const char *head, int ncols,
                      size_t n,
                      int (*bind)(sqlite3_stmt *st, int col, size_t i,
                                  const void *ctx),
                      const void *ctx);

#endif
