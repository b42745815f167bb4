/*
 * store_notify.c - the journal of messages (see store.h).
 */
#include <limits.h>
#include <string.h>

#include "store_int.h"

static const char *const store_msg_states[STORE_MSG_NSTATES] = {
    "queued", "in_flight", "accepted", "deferred", "failed", "uncertain"};

const char *
store_msg_state_name(int state)
{
    if (state < 0 || state >= STORE_MSG_NSTATES)
        return "?";
    return store_msg_states[state];
}

int
store_msg_queue(struct store *s, uint32_t channel, uint32_t skip_flags,
                uint64_t *added)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    *added = 0;
    if (sqlite3_prepare_v2(
            s->db,
            "INSERT OR IGNORE INTO messages(person_id, brand, state,"
            " queued_at) SELECT person_id, brand, 0, " STORE_NOW
            " FROM exposures WHERE channel = ?1 AND (flags & ?2) = 0"
            " ORDER BY person_id, brand",
            -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, channel) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, skip_flags) != SQLITE_OK) {
        sqlite3_finalize(st);
        return store_fail(s, TOCSIN_EDB);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    else
        *added = (uint64_t)sqlite3_changes(s->db);
    sqlite3_finalize(st);
    return rc;
}

int
store_msg_move(struct store *s, int from, int to, uint64_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    *n = 0;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE messages SET state = ?2 WHERE state = ?1",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int(st, 1, from) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, to) != SQLITE_OK) {
        sqlite3_finalize(st);
        return store_fail(s, TOCSIN_EDB);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    else
        *n = (uint64_t)sqlite3_changes(s->db);
    sqlite3_finalize(st);
    return rc;
}

int
store_msg_answer(struct store *s, int64_t person_id, const char *brand,
                 const void *rcpt, size_t rcpt_len, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    *id = 0;
    if (rcpt_len == 0 || rcpt_len > INT_MAX)
        return TOCSIN_EINVAL;
    if (sqlite3_prepare_v2(
            s->db,
            "INSERT INTO messages(person_id, brand, kind,"
            " state, queued_at, rcpt) VALUES (?1, ?2, 1, 0, " STORE_NOW
            ", ?3)",
            -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, person_id) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, brand, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_blob(st, 3, rcpt, (int)rcpt_len, SQLITE_STATIC) !=
            SQLITE_OK) {
        sqlite3_finalize(st);
        return store_fail(s, TOCSIN_EDB);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    else
        *id = sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    return rc;
}

int
store_msg_due(struct store *s, int64_t now, int64_t after_id, int kind,
              size_t max, int (*fn)(void *ctx, const struct store_msg *m),
              void *ctx)
{
    struct store_msg m;
    sqlite3_stmt *st = NULL;
    int step, rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, person_id, brand, state, attempts,"
                           " kind, rcpt FROM messages WHERE id > ?3"
                           /* '+': walk the table from the cursor, not the
                            * state index (which would sort every
                            * queued message for each batch) */
                           " AND +state IN (0, 3) AND +next_at <= ?1"
                           " AND (?4 < 0 OR kind = ?4)"
                           " ORDER BY id LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, now) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)max) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, after_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 4, kind) != SQLITE_OK) {
        sqlite3_finalize(st);
        return store_fail(s, TOCSIN_EDB);
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        m.id = sqlite3_column_int64(st, 0);
        m.person_id = sqlite3_column_int64(st, 1);
        m.brand = (const char *)sqlite3_column_text(st, 2);
        m.state = sqlite3_column_int(st, 3);
        m.attempts = (uint32_t)sqlite3_column_int64(st, 4);
        m.kind = sqlite3_column_int(st, 5);
        m.rcpt = sqlite3_column_blob(st, 6);
        m.rcpt_len = (size_t)sqlite3_column_bytes(st, 6);
        if (m.brand == NULL) {
            rc = store_fail(s, TOCSIN_ENOMEM);
            break;
        }
        if ((rc = fn(ctx, &m)) != 0)
            break;
    }
    if (rc == TOCSIN_OK && step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}

int
store_msg_update(struct store *s, const struct store_msg_update *u, size_t n)
{
    sqlite3_stmt *st;
    size_t i;
    int rc;

    rc = store_prepare(
        s, &s->stmt[STORE_MSG_UPDATE],
        "UPDATE messages SET state = ?2, attempts = ?3, next_at = ?4,"
        " domain = coalesce(?5, domain), vcode = coalesce(?6, vcode),"
        " code = coalesce(?7, code), reply = coalesce(?8, reply),"
        " subject = coalesce(?9, subject),"
        " sent_at = CASE WHEN ?2 = 1 THEN " STORE_NOW " ELSE sent_at END,"
        " done_at = CASE WHEN ?2 IN (2, 4) THEN " STORE_NOW
        " ELSE done_at END WHERE id = ?1");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_MSG_UPDATE];
    for (i = 0; i < n; i++) {
        const struct store_msg_update *x = &u[i];

        if (sqlite3_bind_int64(st, 1, x->id) != SQLITE_OK ||
            sqlite3_bind_int(st, 2, x->state) != SQLITE_OK ||
            sqlite3_bind_int64(st, 3, x->attempts) != SQLITE_OK ||
            sqlite3_bind_int64(st, 4, x->next_at) != SQLITE_OK ||
            (x->domain != NULL
                 ? sqlite3_bind_text(st, 5, x->domain, -1, SQLITE_STATIC)
                 : sqlite3_bind_null(st, 5)) != SQLITE_OK ||
            (x->vcode != NULL
                 ? sqlite3_bind_blob(st, 6, x->vcode, (int)x->vcode_len,
                                     SQLITE_STATIC)
                 : sqlite3_bind_null(st, 6)) != SQLITE_OK ||
            (x->code != 0 ? sqlite3_bind_int(st, 7, x->code)
                          : sqlite3_bind_null(st, 7)) != SQLITE_OK ||
            (x->reply != NULL
                 ? sqlite3_bind_text(st, 8, x->reply, -1, SQLITE_STATIC)
                 : sqlite3_bind_null(st, 8)) != SQLITE_OK ||
            (x->subject != NULL
                 ? sqlite3_bind_blob(st, 9, x->subject, (int)x->subject_len,
                                     SQLITE_STATIC)
                 : sqlite3_bind_null(st, 9)) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_DONE) {
            rc = store_fail(s, TOCSIN_EDB);
            store_done(st);
            return rc;
        }
        store_done(st);
    }
    return TOCSIN_OK;
}

int
store_msg_counts(struct store *s, uint64_t *counts)
{
    sqlite3_stmt *st = NULL;
    int step, rc = TOCSIN_OK;

    memset(counts, 0, STORE_MSG_NSTATES * sizeof(*counts));
    if (sqlite3_prepare_v2(s->db,
                           "SELECT state, count(*) FROM messages"
                           " GROUP BY state",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int k = sqlite3_column_int(st, 0);

        if (k >= 0 && k < STORE_MSG_NSTATES)
            counts[k] = (uint64_t)sqlite3_column_int64(st, 1);
    }
    if (step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}

int
store_msg_next_at(struct store *s, int64_t *t)
{
    uint64_t v = 0;
    int rc = store_count(
        s, "SELECT coalesce(min(next_at), 0) FROM messages WHERE state = 3",
        &v);

    *t = (int64_t)v;
    return rc;
}
