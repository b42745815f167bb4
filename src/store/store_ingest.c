/*
 * store_ingest.c - the ingest stage's tables: sources, records, rejects.
 */
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_int.h"

/* Bind a blob of STORE_HASH_BYTES, or NULL. */
static int
store_bind_hash(sqlite3_stmt *st, int col, const unsigned char *h)
{
    if (h == NULL)
        return sqlite3_bind_null(st, col);
    return sqlite3_bind_blob(st, col, h, STORE_HASH_BYTES, SQLITE_STATIC);
}

static int
store_bind_text(sqlite3_stmt *st, int col, const char *text)
{
    if (text == NULL)
        return sqlite3_bind_null(st, col);
    return sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
}

int
store_source_find(struct store *s, const unsigned char *quick_hash,
                  const unsigned char *content_hash, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    const char *sql = content_hash != NULL
                          ? "SELECT id FROM sources WHERE content_hash = ?1"
                            " AND finished_at IS NOT NULL ORDER BY id LIMIT 1"
                          : "SELECT id FROM sources WHERE quick_hash = ?1"
                            " AND finished_at IS NOT NULL ORDER BY id LIMIT 1";
    int rc;

    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (content_hash != NULL)
        rc = sqlite3_bind_blob(st, 1, content_hash, 32, SQLITE_STATIC);
    else
        rc = store_bind_hash(st, 1, quick_hash);
    if (rc != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        *id = sqlite3_column_int64(st, 0);
        rc = TOCSIN_OK;
        break;
    case SQLITE_DONE:
        rc = TOCSIN_ENOENT;
        break;
    default:
        rc = store_fail(s, TOCSIN_EDB);
    }
out:
    sqlite3_finalize(st);
    return rc;
}

int
store_source_cleanup(struct store *s, int *removed)
{
    int rc;

    rc = store_exec(s, "DELETE FROM records WHERE source_id IN"
                       " (SELECT id FROM sources WHERE finished_at IS NULL);"
                       "DELETE FROM rejects WHERE source_id IN"
                       " (SELECT id FROM sources WHERE finished_at IS NULL);"
                       "DELETE FROM sources WHERE finished_at IS NULL");
    if (rc == TOCSIN_OK)
        *removed = sqlite3_changes(s->db);
    return rc;
}

int
store_source_remove(struct store *s, int64_t id)
{
    static const char *const sql[] = {
        "DELETE FROM records WHERE source_id = ?1",
        "DELETE FROM rejects WHERE source_id = ?1",
        "DELETE FROM sources WHERE id = ?1",
    };
    sqlite3_stmt *st;
    size_t i;

    for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) != SQLITE_OK)
            return store_fail(s, TOCSIN_EDB);
        if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_DONE) {
            int rc = store_fail(s, TOCSIN_EDB);

            sqlite3_finalize(st);
            return rc;
        }
        sqlite3_finalize(st);
    }
    return TOCSIN_OK;
}

int
store_source_add(struct store *s, const struct store_source *src, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(
            s->db,
            "INSERT INTO sources(name, quick_hash, format, compressed, brand,"
            " run_id, started_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
            " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (sqlite3_bind_text(st, 1, src->name, -1, SQLITE_STATIC) != SQLITE_OK ||
        store_bind_hash(st, 2, src->quick_hash) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, src->format, -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_int(st, 4, src->compressed) != SQLITE_OK ||
        store_bind_text(st, 5, src->brand) != SQLITE_OK ||
        (src->run_id > 0 ? sqlite3_bind_int64(st, 6, src->run_id)
                         : sqlite3_bind_null(st, 6)) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    else
        *id = sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    return rc;
}

int
store_source_finish(struct store *s, int64_t id,
                    const unsigned char *content_hash, uint64_t bytes,
                    uint64_t rows_read, uint64_t accepted, uint64_t rejected,
                    const char *summary_json)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(
            s->db,
            "UPDATE sources SET content_hash = ?2, bytes = ?3,"
            " rows_read = ?4, accepted = ?5, rejected = ?6, summary = ?7,"
            " finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
            " WHERE id = ?1",
            -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
        sqlite3_bind_blob(st, 2, content_hash, 32, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_int64(st, 3, (sqlite3_int64)bytes) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, (sqlite3_int64)rows_read) != SQLITE_OK ||
        sqlite3_bind_int64(st, 5, (sqlite3_int64)accepted) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, (sqlite3_int64)rejected) != SQLITE_OK ||
        sqlite3_bind_text(st, 7, summary_json, -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}

int
store_record_max_id(struct store *s, int64_t *id)
{
    uint64_t v = 0;
    int rc = store_count(s, "SELECT coalesce(max(id), 0) FROM records", &v);

    *id = (int64_t)v;
    return rc;
}

int
store_record_add(struct store *s, const struct store_record *r)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(
        s, &s->stmt[STORE_RECORD_ADD],
        "INSERT INTO records(id, source_id, line, brand, present, problems,"
        " rid_hash, email_hash, phone_hash, mobile_hash, iban_hash,"
        " email_mask, phone_mask, iban_mask, sealed)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15)");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_RECORD_ADD];
    if (sqlite3_bind_int64(st, 1, r->id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, r->source_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, (sqlite3_int64)r->line) != SQLITE_OK ||
        store_bind_text(st, 4, r->brand) != SQLITE_OK ||
        sqlite3_bind_int64(st, 5, r->present) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, r->problems) != SQLITE_OK ||
        store_bind_hash(st, 7, r->rid_hash) != SQLITE_OK ||
        store_bind_hash(st, 8, r->email_hash) != SQLITE_OK ||
        store_bind_hash(st, 9, r->phone_hash) != SQLITE_OK ||
        store_bind_hash(st, 10, r->mobile_hash) != SQLITE_OK ||
        store_bind_hash(st, 11, r->iban_hash) != SQLITE_OK ||
        store_bind_text(st, 12, r->email_mask) != SQLITE_OK ||
        store_bind_text(st, 13, r->phone_mask) != SQLITE_OK ||
        store_bind_text(st, 14, r->iban_mask) != SQLITE_OK ||
        sqlite3_bind_blob(st, 15, r->sealed, (int)r->sealed_len,
                          SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

int
store_reject_add(struct store *s, const struct store_reject *r)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(s, &s->stmt[STORE_REJECT_ADD],
                       "INSERT INTO rejects(source_id, line, byte_offset,"
                       " col, reason, sealed)"
                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_REJECT_ADD];
    if (sqlite3_bind_int64(st, 1, r->source_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)r->line) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, (sqlite3_int64)r->byte_offset) !=
            SQLITE_OK ||
        sqlite3_bind_int64(st, 4, (sqlite3_int64)r->column) != SQLITE_OK ||
        sqlite3_bind_text(st, 5, r->reason, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_blob(st, 6, r->sealed, (int)r->sealed_len,
                          SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

int
store_ingest_indexes(struct store *s)
{
    return store_exec(
        s, "CREATE INDEX IF NOT EXISTS records_rid ON records(rid_hash);"
           "CREATE INDEX IF NOT EXISTS records_email ON records(email_hash);"
           "CREATE INDEX IF NOT EXISTS records_phone ON records(phone_hash);"
           "CREATE INDEX IF NOT EXISTS records_mobile"
           " ON records(mobile_hash)");
}

int
store_rejects_each(struct store *s,
                   int (*fn)(void *ctx, const struct store_reject_view *v),
                   void *ctx)
{
    struct store_reject_view v;
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK, step;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT r.id, s.name, r.line, r.byte_offset,"
                           " r.col, r.reason, r.sealed FROM rejects r"
                           " JOIN sources s ON s.id = r.source_id"
                           " WHERE s.finished_at IS NOT NULL ORDER BY r.id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        v.id = sqlite3_column_int64(st, 0);
        v.source = (const char *)sqlite3_column_text(st, 1);
        v.line = (uint64_t)sqlite3_column_int64(st, 2);
        v.byte_offset = (uint64_t)sqlite3_column_int64(st, 3);
        v.column = (uint64_t)sqlite3_column_int64(st, 4);
        v.reason = (const char *)sqlite3_column_text(st, 5);
        v.sealed = sqlite3_column_blob(st, 6);
        v.sealed_len = (size_t)sqlite3_column_bytes(st, 6);
        if (v.source == NULL || v.reason == NULL) {
            rc = store_fail(s, TOCSIN_ENOMEM);
            break;
        }
        rc = fn(ctx, &v);
        if (rc != 0)
            break;
    }
    if (rc == TOCSIN_OK && step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}

int
store_ingest_totals(struct store *s, struct store_ingest_totals *t)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT count(*), coalesce(sum(rows_read), 0),"
                           " coalesce(sum(accepted), 0),"
                           " coalesce(sum(rejected), 0) FROM sources"
                           " WHERE finished_at IS NOT NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (sqlite3_step(st) == SQLITE_ROW) {
        t->sources = (uint64_t)sqlite3_column_int64(st, 0);
        t->rows_read = (uint64_t)sqlite3_column_int64(st, 1);
        t->accepted = (uint64_t)sqlite3_column_int64(st, 2);
        t->rejected = (uint64_t)sqlite3_column_int64(st, 3);
    } else {
        rc = store_fail(s, TOCSIN_EDB);
    }
    sqlite3_finalize(st);
    return rc;
}
