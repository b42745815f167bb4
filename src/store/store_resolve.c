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
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(
            s->db, "SELECT count(*) FROM records r WHERE" STORE_FINISHED, -1,
            &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = (uint64_t)sqlite3_column_int64(st, 0);
    else
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}

/* Fill v from a row of (id, source_id, line, brand, sealed[, person]). */
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
    if (with_person)
        v->person_id = sqlite3_column_int64(st, 5);
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
    static const char plain[] =
        "SELECT r.id, r.source_id, r.line, r.brand, r.sealed FROM records r"
        " WHERE" STORE_FINISHED " ORDER BY r.id";
    static const char persons[] =
        "SELECT r.id, r.source_id, r.line, r.brand, r.sealed, p.person_id"
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
    sqlite3_stmt *st = NULL;
    int rc, rows = 0;

    if (sqlite3_prepare_v2(
            s->db,
            "SELECT r.id, r.source_id, r.line, r.brand,"
            " r.sealed FROM records r WHERE r.id = ?1 AND" STORE_FINISHED,
            -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    rc = store_records_run(s, st, 0, fn, ctx, &rows);
    if (rc == TOCSIN_OK && rows == 0)
        rc = TOCSIN_ENOENT;
out:
    sqlite3_finalize(st);
    return rc;
}

int
store_resolve_clear(struct store *s)
{
    return store_exec(s, "DROP INDEX IF EXISTS person_records_person;"
                         "DELETE FROM person_records;"
                         "DELETE FROM persons;"
                         "DELETE FROM links;");
}

int
store_resolve_indexes(struct store *s)
{
    return store_exec(s, "CREATE INDEX IF NOT EXISTS person_records_person"
                         " ON person_records(person_id)");
}

int
store_person_record_add(struct store *s, int64_t record_id, int64_t person_id)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(s, &s->stmt[STORE_PERSON_RECORD_ADD],
                       "INSERT INTO person_records(record_id, person_id)"
                       " VALUES(?1, ?2)");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_PERSON_RECORD_ADD];
    if (sqlite3_bind_int64(st, 1, record_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, person_id) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

int
store_person_add(struct store *s, const struct store_person *p)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(s, &s->stmt[STORE_PERSON_ADD],
                       "INSERT INTO persons(id, records, brands, confidence)"
                       " VALUES(?1, ?2, ?3, ?4)");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_PERSON_ADD];
    if (sqlite3_bind_int64(st, 1, p->id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)p->records) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, p->brands) != SQLITE_OK ||
        sqlite3_bind_double(st, 4, p->confidence) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

int
store_link_add(struct store *s, const struct store_link *l)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(s, &s->stmt[STORE_LINK_ADD],
                       "INSERT INTO links(a, b, status, weight, probability,"
                       " levels, weights) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_LINK_ADD];
    if (sqlite3_bind_int64(st, 1, l->a) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, l->b) != SQLITE_OK ||
        sqlite3_bind_int(st, 3, l->status) != SQLITE_OK ||
        sqlite3_bind_double(st, 4, l->weight) != SQLITE_OK ||
        sqlite3_bind_double(st, 5, l->probability) != SQLITE_OK ||
        sqlite3_bind_int64(st, 6, (sqlite3_int64)l->levels) != SQLITE_OK ||
        sqlite3_bind_blob(st, 7, l->weights, (int)l->weights_len,
                          SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
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
                           "SELECT id, records, brands, confidence"
                           " FROM persons WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, person_id) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        p->id = sqlite3_column_int64(st, 0);
        p->records = (uint64_t)sqlite3_column_int64(st, 1);
        p->brands = (unsigned)sqlite3_column_int64(st, 2);
        p->confidence = sqlite3_column_double(st, 3);
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
store_person_records_each(struct store *s, int64_t person_id,
                          int (*fn)(void *ctx,
                                    const struct store_record_view *v),
                          void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc, rows;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT r.id, r.source_id, r.line, r.brand,"
                           " r.sealed, p.person_id FROM person_records p"
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
