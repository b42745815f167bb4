/*
 * store_resolve.c - the resolve tables: persons, the records of each, and
 * the links between records (see store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* Records of finished sources only: an interrupted ingest's records are
 * not the case's until a later ingest cleans them up. */
#define STORE_FINISHED                                                        \
    " r.source_id IN (SELECT id FROM sources WHERE finished_at IS NOT NULL)"

int
store_record_count(struct store *s, uint64_t *n)
{
    return store_count(
        s, "SELECT count(*) FROM records r WHERE" STORE_FINISHED, n);
}

/* Fill v from a row of (id, source_id, line, brand, sealed, present[,
 * person]). */
static void
store_record_row(sqlite3_stmt *st, int with_person,
                 struct store_record_view *v)
{
    memset(v, 0, sizeof(*v));
    v->id = sqlite3_column_int64(st, 0);
    v->source_id = sqlite3_column_int64(st, 1);
    v->line = (uint64_t)sqlite3_column_int64(st, 2);
    v->brand = (const char *)sqlite3_column_text(st, 3);
    v->sealed = sqlite3_column_blob(st, 4);
    v->sealed_len = (size_t)sqlite3_column_bytes(st, 4);
    v->present = (uint32_t)sqlite3_column_int64(st, 5);
    if (with_person)
        v->person_id = sqlite3_column_int64(st, 6);
}

/* Step st to its end, calling fn per row. */
static int
store_records_run(struct store *s, sqlite3_stmt *st, int with_person,
                  int (*fn)(void *ctx, const struct store_record_view *v),
                  void *ctx, int *rows)
{
    struct store_record_view v;
    int step, rc;

    *rows = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        store_record_row(st, with_person, &v);
        ++*rows;
        if ((rc = fn(ctx, &v)) != 0)
            return rc;
    }
    if (step != SQLITE_DONE)
        return store_fail(s, TOCSIN_EDB);
    return TOCSIN_OK;
}

int
store_records_each(struct store *s, int flags,
                   int (*fn)(void *ctx, const struct store_record_view *v),
                   void *ctx)
{
    static const char plain[] = "SELECT r.id, r.source_id, r.line, r.brand, "
                                "r.sealed, r.present FROM records r"
                                " WHERE" STORE_FINISHED " ORDER BY r.id";
    static const char persons[] =
        "SELECT r.id, r.source_id, r.line, r.brand, r.sealed, r.present, "
        "p.person_id"
        " FROM records r JOIN person_records p ON p.record_id = r.id"
        " WHERE" STORE_FINISHED " ORDER BY r.id";
    int with = (flags & STORE_EACH_PERSONS) != 0, rc, rows;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(s->db, with ? persons : plain, -1, &st, NULL) !=
        SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    rc = store_records_run(s, st, with, fn, ctx, &rows);
    sqlite3_finalize(st);
    return rc;
}

int
store_records_by_rid(struct store *s, const unsigned char *rid_hash,
                     int64_t *ids, size_t max, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int step, rc = TOCSIN_OK;

    *n = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT r.id FROM records r WHERE r.rid_hash = ?1"
                           " AND" STORE_FINISHED " ORDER BY r.id",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_blob(st, 1, rid_hash, STORE_HASH_BYTES, SQLITE_STATIC) !=
            SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n < max)
            ids[*n] = sqlite3_column_int64(st, 0);
        ++*n;
    }
    if (step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
out:
    sqlite3_finalize(st);
    return rc;
}

int
store_record_get(struct store *s, int64_t id,
                 int (*fn)(void *ctx, const struct store_record_view *v),
                 void *ctx)
{
    sqlite3_stmt *st;
    int rc, rows = 0;

    /* prepared once: notify looks up a record per message */
    rc = store_prepare(s, &s->stmt[STORE_RECORD_GET],
                       "SELECT r.id, r.source_id, r.line, r.brand,"
                       " r.sealed, r.present FROM records r WHERE r.id = "
                       "?1 AND" STORE_FINISHED);
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_RECORD_GET];
    if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
        rc = store_fail(s, TOCSIN_EDB);
    else
        rc = store_records_run(s, st, 0, fn, ctx, &rows);
    if (rc == TOCSIN_OK && rows == 0)
        rc = TOCSIN_ENOENT;
    store_done(st);
    return rc;
}

int
store_resolve_clear(struct store *s)
{
    return store_exec(s, "DROP INDEX IF EXISTS person_records_person;"
                         "DELETE FROM person_records;"
                         "DELETE FROM links;");
}

int
store_resolve_indexes(struct store *s)
{
    /* a bulk index build: sorter threads and a larger cache, then back */
    int rc = store_exec(s, "PRAGMA threads = 2; PRAGMA cache_size = -524288;"
                           "CREATE INDEX IF NOT EXISTS person_records_person"
                           " ON person_records(person_id)");

    if (store_exec(s, "PRAGMA threads = 0; PRAGMA cache_size = -65536") !=
            TOCSIN_OK &&
        rc == TOCSIN_OK)
        rc = TOCSIN_EDB;
    return rc;
}

static int
store_bind_person_record(sqlite3_stmt *st, int col, size_t i, const void *ctx)
{
    const struct store_person_record *p =
        (const struct store_person_record *)ctx + i;

    if (sqlite3_bind_int64(st, col, p->record_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, col + 1, p->person_id) != SQLITE_OK ||
        sqlite3_bind_double(st, col + 2, p->confidence) != SQLITE_OK)
        return 0;
    return col + 3;
}

int
store_person_records_add(struct store *s, const struct store_person_record *v,
                         size_t n)
{
    return store_bulk_insert(s, STORE_PERSON_RECORD_ADD,
                             STORE_PERSON_RECORD_ADD_N,
                             "INSERT INTO person_records(record_id,"
                             " person_id, confidence)",
                             3, n, store_bind_person_record, v);
}

static int
store_bind_link(sqlite3_stmt *st, int col, size_t i, const void *ctx)
{
    const struct store_link *p = (const struct store_link *)ctx + i;

    if (sqlite3_bind_int64(st, col, p->a) != SQLITE_OK ||
        sqlite3_bind_int64(st, col + 1, p->b) != SQLITE_OK ||
        sqlite3_bind_int(st, col + 2, p->status) != SQLITE_OK ||
        sqlite3_bind_double(st, col + 3, p->weight) != SQLITE_OK ||
        sqlite3_bind_double(st, col + 4, p->probability) != SQLITE_OK ||
        sqlite3_bind_int64(st, col + 5, (sqlite3_int64)p->levels) !=
            SQLITE_OK ||
        sqlite3_bind_blob(st, col + 6, p->weights, (int)p->weights_len,
                          SQLITE_STATIC) != SQLITE_OK)
        return 0;
    return col + 7;
}

int
store_links_add(struct store *s, const struct store_link *l, size_t n)
{
    return store_bulk_insert(s, STORE_LINK_ADD, STORE_LINK_ADD_N,
                             "INSERT INTO links(a, b, status, weight,"
                             " probability, levels, weights)",
                             7, n, store_bind_link, l);
}

int
store_person_of(struct store *s, int64_t record_id, int64_t *person_id)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT person_id FROM person_records"
                           " WHERE record_id = ?1",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, record_id) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        *person_id = sqlite3_column_int64(st, 0);
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
store_person_get(struct store *s, int64_t person_id, struct store_person *p)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT count(*), min(p.confidence),"
                           " count(DISTINCT r.brand) FROM person_records p"
                           " JOIN records r ON r.id = p.record_id"
                           " WHERE p.person_id = ?1",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, person_id) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    p->id = person_id;
    p->records = (uint64_t)sqlite3_column_int64(st, 0);
    p->confidence = sqlite3_column_double(st, 1);
    p->brands = (unsigned)sqlite3_column_int64(st, 2);
    if (p->records == 0)
        rc = TOCSIN_ENOENT;
out:
    sqlite3_finalize(st);
    return rc;
}

int
store_person_records_each(struct store *s, int64_t person_id,
                          int (*fn)(void *ctx,
                                    const struct store_record_view *v),
                          void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc, rows;

    if (sqlite3_prepare_v2(
            s->db,
            "SELECT r.id, r.source_id, r.line, r.brand,"
            " r.sealed, r.present, p.person_id FROM person_records p"
            " JOIN records r ON r.id = p.record_id"
            " WHERE p.person_id = ?1 ORDER BY r.id",
            -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, person_id) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    rc = store_records_run(s, st, 1, fn, ctx, &rows);
out:
    sqlite3_finalize(st);
    return rc;
}

int
store_person_links_each(struct store *s, int64_t person_id,
                        int (*fn)(void *ctx, const struct store_link *l),
                        void *ctx)
{
    struct store_link l;
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK, step;

    if (sqlite3_prepare_v2(
            s->db,
            "SELECT l.a, l.b, l.status, l.weight, l.probability, l.levels,"
            " l.weights FROM links l WHERE l.a IN (SELECT record_id FROM"
            " person_records WHERE person_id = ?1) UNION SELECT l.a, l.b,"
            " l.status, l.weight, l.probability, l.levels, l.weights FROM"
            " links l WHERE l.b IN (SELECT record_id FROM person_records"
            " WHERE person_id = ?1) ORDER BY 4 DESC, 1, 2",
            -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, person_id) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        l.a = sqlite3_column_int64(st, 0);
        l.b = sqlite3_column_int64(st, 1);
        l.status = sqlite3_column_int(st, 2);
        l.weight = sqlite3_column_double(st, 3);
        l.probability = sqlite3_column_double(st, 4);
        l.levels = (uint64_t)sqlite3_column_int64(st, 5);
        l.weights = sqlite3_column_blob(st, 6);
        l.weights_len = (size_t)sqlite3_column_bytes(st, 6);
        if ((rc = fn(ctx, &l)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
out:
    sqlite3_finalize(st);
    return rc;
}
