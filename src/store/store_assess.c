/*
 * store_assess.c - the assess tables: exposures per person and brand, and
 * exposed persons (see store.h); and the resolve figures the report
 * shows.
 */
#include <string.h>

#include "store_int.h"

int
store_resolve_figures(struct store *s, struct store_resolve_figures *f)
{
    sqlite3_stmt *st = NULL;
    int rc;

    memset(f, 0, sizeof(*f));
    f->lowest_confidence = 1;
    if ((rc = store_count(s, "SELECT count(*) FROM person_records",
                          &f->resolved)) != TOCSIN_OK ||
        (rc = store_count(s, "SELECT count(*) FROM links WHERE status = 1",
                          &f->joined)) != TOCSIN_OK ||
        (rc = store_count(s,
                          "SELECT count(*) FROM links WHERE status = 1"
                          " AND probability < 0.99",
                          &f->uncertain)) != TOCSIN_OK ||
        (rc = store_count(s, "SELECT count(*) FROM links WHERE status = 0",
                          &f->refused)) != TOCSIN_OK)
        return rc;
    if (sqlite3_prepare_v2(s->db, "SELECT min(confidence) FROM person_records",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = store_fail(s, TOCSIN_EDB);
    else if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        f->lowest_confidence = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return rc;
}

int
store_assess_clear(struct store *s)
{
    return store_exec(s, "DELETE FROM exposures; DELETE FROM exposed_persons");
}

static int
store_bind_exposure(sqlite3_stmt *st, int col, size_t i, const void *ctx)
{
    const struct store_exposure *e = (const struct store_exposure *)ctx + i;
    const uint32_t v[] = {e->records, e->categories, e->risk,
                          e->reasons, e->flags,      e->topics,
                          e->channel, e->why,        e->past_retention};
    size_t k;

    if (sqlite3_bind_int64(st, col++, e->person_id) != SQLITE_OK ||
        sqlite3_bind_text(st, col++, e->brand, -1, SQLITE_STATIC) != SQLITE_OK)
        return 0;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
        if (sqlite3_bind_int64(st, col++, v[k]) != SQLITE_OK)
            return 0;
    if ((e->contact_record != 0
             ? sqlite3_bind_int64(st, col, e->contact_record)
             : sqlite3_bind_null(st, col)) != SQLITE_OK ||
        sqlite3_bind_text(st, col + 1, e->language, -1, SQLITE_STATIC) !=
            SQLITE_OK)
        return 0;
    return col + 2;
}

int
store_exposures_add(struct store *s, const struct store_exposure *e, size_t n)
{
    return store_bulk_insert(
        s, STORE_EXPOSURE_ADD, STORE_EXPOSURE_ADD_N,
        "INSERT INTO exposures(person_id, brand, records, categories, risk,"
        " reasons, flags, topics, channel, why, past_retention,"
        " contact_record, language)",
        13, n, store_bind_exposure, e);
}

static int
store_bind_exposed(sqlite3_stmt *st, int col, size_t i, const void *ctx)
{
    const struct store_exposed_person *p =
        (const struct store_exposed_person *)ctx + i;
    const uint32_t v[] = {p->brands, p->records,       p->categories,
                          p->risk,   p->reasons,       p->flags,
                          p->topics, p->past_retention};
    size_t k;

    if (sqlite3_bind_int64(st, col++, p->person_id) != SQLITE_OK)
        return 0;
    for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
        if (sqlite3_bind_int64(st, col++, v[k]) != SQLITE_OK)
            return 0;
    return col;
}

int
store_exposed_persons_add(struct store *s,
                          const struct store_exposed_person *p, size_t n)
{
    return store_bulk_insert(
        s, STORE_EXPOSED_PERSON_ADD, STORE_EXPOSED_PERSON_ADD_N,
        "INSERT INTO exposed_persons(person_id, brands, records, categories,"
        " risk, reasons, flags, topics, past_retention)",
        9, n, store_bind_exposed, p);
}

static uint32_t
store_u32(sqlite3_stmt *st, int col)
{
    return (uint32_t)sqlite3_column_int64(st, col);
}

/* Step st (the columns of exposures in table order), calling fn. */
static int
store_exposures_run(struct store *s, sqlite3_stmt *st,
                    int (*fn)(void *ctx, const struct store_exposure *e),
                    void *ctx)
{
    struct store_exposure e;
    int step, rc = TOCSIN_OK;

    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        e.person_id = sqlite3_column_int64(st, 0);
        e.brand = (const char *)sqlite3_column_text(st, 1);
        e.records = store_u32(st, 2);
        e.categories = store_u32(st, 3);
        e.risk = store_u32(st, 4);
        e.reasons = store_u32(st, 5);
        e.flags = store_u32(st, 6);
        e.topics = store_u32(st, 7);
        e.channel = store_u32(st, 8);
        e.why = store_u32(st, 9);
        e.past_retention = store_u32(st, 10);
        e.contact_record = sqlite3_column_int64(st, 11);
        e.language = (const char *)sqlite3_column_text(st, 12);
        if (e.brand == NULL || e.language == NULL) {
            rc = store_fail(s, TOCSIN_ENOMEM);
            break;
        }
        if ((rc = fn(ctx, &e)) != 0)
            break;
    }
    if (rc == TOCSIN_OK && step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    return rc;
}

#define STORE_EXPOSURE_COLS                                                   \
    "SELECT person_id, brand, records, categories, risk, reasons, flags,"     \
    " topics, channel, why, past_retention, contact_record, language"         \
    " FROM exposures"

int
store_exposures_each(struct store *s,
                     int (*fn)(void *ctx, const struct store_exposure *e),
                     void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           STORE_EXPOSURE_COLS " ORDER BY person_id, brand",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    rc = store_exposures_run(s, st, fn, ctx);
    sqlite3_finalize(st);
    return rc;
}

int
store_person_exposures_each(struct store *s, int64_t person_id,
                            int (*fn)(void *ctx,
                                      const struct store_exposure *e),
                            void *ctx)
{
    sqlite3_stmt *st;
    int rc;

    /* prepared once: notify looks up the exposure per message */
    rc = store_prepare(s, &s->stmt[STORE_PERSON_EXPOSURES],
                       STORE_EXPOSURE_COLS
                       " WHERE person_id = ?1 ORDER BY brand");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_PERSON_EXPOSURES];
    if (sqlite3_bind_int64(st, 1, person_id) != SQLITE_OK)
        rc = store_fail(s, TOCSIN_EDB);
    else
        rc = store_exposures_run(s, st, fn, ctx);
    store_done(st);
    return rc;
}

int
store_exposed_persons_each(struct store *s,
                           int (*fn)(void *ctx,
                                     const struct store_exposed_person *p),
                           void *ctx)
{
    struct store_exposed_person p;
    sqlite3_stmt *st = NULL;
    int step, rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT person_id, brands, records, categories,"
                           " risk, reasons, flags, topics, past_retention"
                           " FROM exposed_persons ORDER BY person_id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        p.person_id = sqlite3_column_int64(st, 0);
        p.brands = store_u32(st, 1);
        p.records = store_u32(st, 2);
        p.categories = store_u32(st, 3);
        p.risk = store_u32(st, 4);
        p.reasons = store_u32(st, 5);
        p.flags = store_u32(st, 6);
        p.topics = store_u32(st, 7);
        p.past_retention = store_u32(st, 8);
        if ((rc = fn(ctx, &p)) != 0)
            break;
    }
    if (rc == TOCSIN_OK && step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}
