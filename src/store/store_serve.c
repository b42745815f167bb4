/*
 * store_serve.c - the queries of the web service (see store.h). The
 * statements are prepared once per struct store_serve and kept: the
 * verification page runs one indexed query per request.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../util/clock.h"
#include "store_int.h"

enum store_serve_stmt {
    SQ_BY_VCODE,
    SQ_MSG,
    SQ_PERSONS_BY_EMAIL,
    SQ_ANSWERS_DUE,
    SQ_COUNT
};

struct store_serve {
    struct store *s;
    sqlite3_stmt *st[SQ_COUNT];
    double snapshot; /* > 0: reads share a transaction this many seconds */
    double since;    /* when the open one began */
    int in_txn;
};

#define SQ_MSG_COLUMNS                                                        \
    "SELECT m.id, m.person_id, m.brand, m.kind, m.state, m.sent_at,"          \
    " m.done_at, m.rcpt, m.subject, m.vcode, m.rcpt_mask FROM messages m"

int
store_serve_open(struct store *s, struct store_serve **out)
{
    struct store_serve *q = calloc(1, sizeof(*q));

    *out = NULL;
    if (q == NULL)
        return TOCSIN_ENOMEM;
    q->s = s;
    *out = q;
    return TOCSIN_OK;
}

void
store_serve_close(struct store_serve *q)
{
    int i;

    if (q == NULL)
        return;
    for (i = 0; i < SQ_COUNT; i++)
        sqlite3_finalize(q->st[i]);
    store_serve_release(q);
    free(q);
}

void
store_serve_snapshot(struct store_serve *q, double seconds)
{
    q->snapshot = seconds;
}

void
store_serve_release(struct store_serve *q)
{
    if (q->in_txn) {
        q->in_txn = 0;
        (void)store_exec(q->s, "COMMIT"); /* a read: nothing to lose */
    }
}

/* With a snapshot time: make sure a read transaction is open, and not
 * older than that, so that a page's queries do not each begin and end
 * one (a tenth of the time of a /verify). */
static int
sq_read(struct store_serve *q)
{
    double now;
    int rc;

    if (q->snapshot <= 0)
        return TOCSIN_OK;
    now = clock_now();
    if (q->in_txn && now - q->since < q->snapshot)
        return TOCSIN_OK;
    store_serve_release(q);
    if ((rc = store_exec(q->s, "BEGIN")) != TOCSIN_OK)
        return rc;
    q->in_txn = 1;
    q->since = now;
    return TOCSIN_OK;
}

/* The statement of slot k, prepared on first use. */
static int
sq_stmt(struct store_serve *q, enum store_serve_stmt k, const char *sql,
        sqlite3_stmt **st)
{
    int rc = store_prepare(q->s, &q->st[k], sql);

    *st = q->st[k];
    return rc;
}

/* Step st's rows of SQ_MSG_COLUMNS through fn. */
static int
sq_msgs(struct store_serve *q, sqlite3_stmt *st,
        int (*fn)(void *ctx, const struct store_serve_msg *m), void *ctx,
        int *found)
{
    struct store_serve_msg m;
    int step, rc = TOCSIN_OK;

    *found = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&m, 0, sizeof(m));
        m.id = sqlite3_column_int64(st, 0);
        m.person_id = sqlite3_column_int64(st, 1);
        m.brand = (const char *)sqlite3_column_text(st, 2);
        m.kind = sqlite3_column_int(st, 3);
        m.state = sqlite3_column_int(st, 4);
        m.sent_at = (const char *)sqlite3_column_text(st, 5);
        m.done_at = (const char *)sqlite3_column_text(st, 6);
        m.rcpt = sqlite3_column_blob(st, 7);
        m.rcpt_len = (size_t)sqlite3_column_bytes(st, 7);
        m.subject = sqlite3_column_blob(st, 8);
        m.subject_len = (size_t)sqlite3_column_bytes(st, 8);
        m.vcode = sqlite3_column_blob(st, 9);
        m.vcode_len = (size_t)sqlite3_column_bytes(st, 9);
        m.rcpt_mask = (const char *)sqlite3_column_text(st, 10);
        if (m.brand == NULL) {
            rc = store_fail(q->s, TOCSIN_ENOMEM);
            break;
        }
        *found = 1;
        if ((rc = fn(ctx, &m)) != 0)
            break;
    }
    if (rc == TOCSIN_OK && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = store_fail(q->s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

int
store_serve_by_vcode(struct store_serve *q, const void *value, size_t len,
                     int (*fn)(void *ctx, const struct store_serve_msg *m),
                     void *ctx)
{
    sqlite3_stmt *st;
    int rc, found, fresh = 0;

    if (len == 0 || len > 64)
        return TOCSIN_EINVAL;
    for (;;) {
        if ((rc = sq_read(q)) != TOCSIN_OK ||
            (rc = sq_stmt(q, SQ_BY_VCODE, SQ_MSG_COLUMNS " WHERE m.vcode = ?1",
                          &st)) != TOCSIN_OK)
            return rc;
        if (sqlite3_bind_blob(st, 1, value, (int)len, SQLITE_STATIC) !=
            SQLITE_OK) {
            rc = store_fail(q->s, TOCSIN_EDB);
            store_done(st);
            return rc;
        }
        rc = sq_msgs(q, st, fn, ctx, &found);
        /* not in a shared snapshot: maybe younger than it; look again,
         * once, in a fresh one */
        if (rc != TOCSIN_OK || found || !q->in_txn || fresh)
            return rc;
        store_serve_release(q);
        fresh = 1;
    }
}

int
store_serve_msg(struct store_serve *q, int64_t id,
                int (*fn)(void *ctx, const struct store_serve_msg *m),
                void *ctx)
{
    sqlite3_stmt *st;
    int rc, found, fresh = 0;

    for (;;) {
        if ((rc = sq_read(q)) != TOCSIN_OK ||
            (rc = sq_stmt(q, SQ_MSG, SQ_MSG_COLUMNS " WHERE m.id = ?1",
                          &st)) != TOCSIN_OK)
            return rc;
        if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
            rc = store_fail(q->s, TOCSIN_EDB);
            store_done(st);
            return rc;
        }
        rc = sq_msgs(q, st, fn, ctx, &found);
        if (rc != TOCSIN_OK || found)
            return rc;
        if (!q->in_txn || fresh)
            return TOCSIN_ENOENT;
        store_serve_release(q); /* maybe younger than the snapshot */
        fresh = 1;
    }
}

int
store_serve_persons_by_email(struct store_serve *q,
                             const unsigned char hash[STORE_HASH_BYTES],
                             int64_t *ids, size_t max, size_t *n)
{
    sqlite3_stmt *st;
    int step, rc;

    *n = 0;
    if (max >= INT_MAX)
        return TOCSIN_EINVAL;
    rc = sq_stmt(q, SQ_PERSONS_BY_EMAIL,
                 "SELECT DISTINCT pr.person_id FROM records r"
                 " JOIN person_records pr ON pr.record_id = r.id"
                 " JOIN sources so ON so.id = r.source_id"
                 " WHERE r.email_hash = ?1 AND so.finished_at IS NOT NULL"
                 " ORDER BY pr.person_id LIMIT ?2",
                 &st);
    if (rc != TOCSIN_OK)
        return rc;
    if (sqlite3_bind_blob(st, 1, hash, STORE_HASH_BYTES, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)max + 1) != SQLITE_OK) {
        rc = store_fail(q->s, TOCSIN_EDB);
        store_done(st);
        return rc;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n < max)
            ids[*n] = sqlite3_column_int64(st, 0);
        (*n)++;
    }
    if (step != SQLITE_DONE)
        rc = store_fail(q->s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

int
store_serve_answers_due(struct store_serve *q, int64_t now, uint64_t *n)
{
    sqlite3_stmt *st;
    int rc;

    *n = 0;
    rc = sq_stmt(q, SQ_ANSWERS_DUE,
                 /* kind = 1: the answers' own index */
                 "SELECT count(*) FROM messages WHERE kind = 1"
                 " AND state IN (0, 3) AND next_at <= ?1",
                 &st);
    if (rc != TOCSIN_OK)
        return rc;
    if (sqlite3_bind_int64(st, 1, now) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        rc = store_fail(q->s, TOCSIN_EDB);
    else
        *n = (uint64_t)sqlite3_column_int64(st, 0);
    store_done(st);
    return rc;
}

/* The dashboard's queries, prepared at each call (they run seldom): sql
 * with ?1 bound to arg when it has one. */
static int
sq_query(struct store_serve *q, const char *sql, int has_arg, int64_t arg,
         sqlite3_stmt **st)
{
    *st = NULL;
    if (sqlite3_prepare_v2(q->s->db, sql, -1, st, NULL) != SQLITE_OK ||
        (has_arg && sqlite3_bind_int64(*st, 1, arg) != SQLITE_OK)) {
        int rc = store_fail(q->s, TOCSIN_EDB);

        sqlite3_finalize(*st);
        *st = NULL;
        return rc;
    }
    return TOCSIN_OK;
}

/* After the row loop of sq_query()'s st: rc, or the error of the last
 * step when the loop ran to its end (step is not SQLITE_DONE). */
static int
sq_end(struct store_serve *q, sqlite3_stmt *st, int step, int rc)
{
    if (rc == TOCSIN_OK && step != SQLITE_DONE)
        rc = store_fail(q->s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}

int
store_serve_by_brand(struct store_serve *q,
                     int (*fn)(void *ctx, const char *brand, int kind,
                               int state, uint64_t n),
                     void *ctx)
{
    sqlite3_stmt *st;
    int step, rc;

    if ((rc = sq_query(q,
                       /* kept by the journal (migration 7) */
                       "SELECT brand, kind, state, n FROM message_counts"
                       " WHERE n <> 0 ORDER BY brand, kind, state",
                       0, 0, &st)) != TOCSIN_OK)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *brand = (const char *)sqlite3_column_text(st, 0);

        if (brand == NULL) {
            rc = store_fail(q->s, TOCSIN_ENOMEM);
            break;
        }
        rc = fn(ctx, brand, sqlite3_column_int(st, 1),
                sqlite3_column_int(st, 2),
                (uint64_t)sqlite3_column_int64(st, 3));
        if (rc != 0)
            break;
    }
    return sq_end(q, st, step, rc);
}

int
store_serve_domains(struct store_serve *q, size_t max,
                    int (*fn)(void *ctx, const char *domain,
                              const uint64_t *counts),
                    void *ctx)
{
    uint64_t counts[STORE_MSG_NSTATES];
    sqlite3_stmt *st;
    int step, rc, k;

    if (max >= INT_MAX)
        return TOCSIN_EINVAL;
    if ((rc = sq_query(
             q,
             "SELECT domain, sum((state = 0) * n), sum((state = 1) * n),"
             " sum((state = 2) * n), sum((state = 3) * n),"
             " sum((state = 4) * n), sum((state = 5) * n)"
             " FROM message_domains GROUP BY domain HAVING sum(n) > 0"
             " ORDER BY sum(n) DESC, domain LIMIT ?1",
             1, (int64_t)max, &st)) != TOCSIN_OK)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *domain = (const char *)sqlite3_column_text(st, 0);

        if (domain == NULL) {
            rc = store_fail(q->s, TOCSIN_ENOMEM);
            break;
        }
        for (k = 0; k < STORE_MSG_NSTATES; k++)
            counts[k] = (uint64_t)sqlite3_column_int64(st, k + 1);
        if ((rc = fn(ctx, domain, counts)) != 0)
            break;
    }
    return sq_end(q, st, step, rc);
}

int
store_serve_minutes(struct store_serve *q, int minutes,
                    int (*fn)(void *ctx, const char *minute, uint64_t sent,
                              uint64_t accepted, uint64_t failed),
                    void *ctx)
{
    sqlite3_stmt *st;
    int step, rc;

    if (minutes < 1 || minutes > 100000)
        return TOCSIN_EINVAL;
    /* The first minute shown: `minutes - 1` before the last with any
     * activity (ISO text compares like the times it holds). */
    if ((rc = sq_query(
             q,
             "WITH last(t) AS (SELECT max(minute) FROM message_minutes),"
             " first(m) AS (SELECT strftime('%Y-%m-%dT%H:%M', t,"
             " printf('-%d minutes', ?1 - 1)) FROM last WHERE t IS NOT NULL)"
             " SELECT minute, sent, accepted, failed FROM message_minutes,"
             " first WHERE minute >= m ORDER BY minute",
             1, minutes, &st)) != TOCSIN_OK)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *x = (const char *)sqlite3_column_text(st, 0);

        if (x == NULL)
            continue;
        rc = fn(ctx, x, (uint64_t)sqlite3_column_int64(st, 1),
                (uint64_t)sqlite3_column_int64(st, 2),
                (uint64_t)sqlite3_column_int64(st, 3));
        if (rc != 0)
            break;
    }
    return sq_end(q, st, step, rc);
}

int
store_serve_risks(struct store_serve *q, uint64_t counts[4])
{
    sqlite3_stmt *st;
    int step, rc;

    memset(counts, 0, 4 * sizeof(*counts));
    if ((rc = sq_query(q,
                       "SELECT risk, count(*) FROM exposed_persons"
                       " GROUP BY risk",
                       0, 0, &st)) != TOCSIN_OK)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int r = sqlite3_column_int(st, 0);

        counts[r >= 1 && r <= 3 ? r : 0] +=
            (uint64_t)sqlite3_column_int64(st, 1);
    }
    return sq_end(q, st, step, TOCSIN_OK);
}
