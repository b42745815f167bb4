/*
 * store_notify.c - the journal of messages (see store.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* store_msg_fill_vcodes()'s and store_msg_queue()'s SQL function
 * tocsin_vcode(id, brand). */
struct store_vfill {
    void (*fn)(void *ctx, int64_t id, const char *brand, unsigned char *value);
    void *ctx;
};

static void
store_vcode_sql(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
    struct store_vfill *f = sqlite3_user_data(sc);
    const char *brand = (const char *)sqlite3_value_text(argv[1]);
    unsigned char v[STORE_VCODE_BYTES];

    (void)argc;
    if (brand == NULL) {
        sqlite3_result_error_nomem(sc);
        return;
    }
    f->fn(f->ctx, sqlite3_value_int64(argv[0]), brand, v);
    sqlite3_result_blob(sc, v, sizeof(v), SQLITE_TRANSIENT);
}

/* Register tocsin_vcode() for f (NULL: remove it: it points into the
 * caller's frame). */
static int
store_vcode_register(struct store *s, struct store_vfill *f)
{
    if (sqlite3_create_function(
            s->db, "tocsin_vcode", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY, f,
            f != NULL ? store_vcode_sql : NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    return TOCSIN_OK;
}

/* Step *st once, when ok (prepared and bound: ok is worked out before
 * *st is read, hence the pointer), and finalize it: *changes gets the rows
 * it changed. */
static int
store_msg_step(struct store *s, sqlite3_stmt **st, int ok, uint64_t *changes)
{
    int rc = TOCSIN_OK;

    if (!ok || sqlite3_step(*st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    else
        *changes = (uint64_t)sqlite3_changes(s->db);
    sqlite3_finalize(*st);
    *st = NULL;
    return rc;
}

/* Add delta to the count of messages in state (message_counts, which
 * every change of state here keeps: migration 7). In the caller's
 * transaction. */
static int
store_msg_count_add(struct store *s, int state, int64_t delta)
{
    sqlite3_stmt *st;
    int rc;

    if (delta == 0)
        return TOCSIN_OK;
    if ((rc = store_prepare(s, &s->stmt[STORE_MSG_COUNT_ADD],
                            "INSERT INTO message_counts(state, n)"
                            " VALUES (?1, ?2) ON CONFLICT(state)"
                            " DO UPDATE SET n = n + excluded.n")) != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_MSG_COUNT_ADD];
    if (sqlite3_bind_int(st, 1, state) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, delta) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

/* store_msg_queue()'s INSERT: the exposures (not queued yet), numbered in
 * (person, brand) order, so that the code of each is written with it:
 * sending then changes only its own row. */
#define STORE_Q_HEAD                                                          \
    "INSERT INTO messages(id, person_id, brand, kind, state, queued_at,"      \
    " vcode) SELECT ?3 + row_number() OVER w, e.person_id, e.brand, 0, "      \
    "0, " STORE_NOW ", "
#define STORE_Q_FROM                                                          \
    " FROM exposures e WHERE e.channel = ?1 AND (e.flags & ?2) = 0"
#define STORE_Q_NEW                                                           \
    " AND NOT EXISTS (SELECT 1 FROM messages m"                               \
    " WHERE m.person_id = e.person_id AND m.brand = e.brand"                  \
    " AND m.kind = 0)"
#define STORE_Q_WINDOW " WINDOW w AS (ORDER BY e.person_id, e.brand)"

int
store_msg_queue(struct store *s, uint32_t channel, uint32_t skip_flags,
                void (*vfn)(void *ctx, int64_t id, const char *brand,
                            unsigned char *value),
                void *ctx, uint64_t *added)
{
    struct store_vfill f = {vfn, ctx};
    sqlite3_stmt *st = NULL;
    uint64_t base = 0, had = 0;
    char sql[512];
    int rc;

    *added = 0;
    if ((rc = store_count(s, "SELECT coalesce(max(id), 0) FROM messages",
                          &base)) != TOCSIN_OK ||
        /* the notice index answers this; a count would read them all */
        (rc = store_count(s,
                          "SELECT EXISTS (SELECT 1 FROM messages"
                          " WHERE kind = 0)",
                          &had)) != TOCSIN_OK ||
        (rc = store_vcode_register(s, &f)) != TOCSIN_OK)
        return rc;
    /* The first queue is the big one: no notice can be there yet, and the
     * notice and code indexes are built after it, in one sort each,
     * instead of an insert into each per message (all in the caller's
     * transaction). */
    if (had == 0 &&
        (rc = store_exec(s, "DROP INDEX IF EXISTS messages_vcode;"
                            "DROP INDEX IF EXISTS messages_notice")) !=
            TOCSIN_OK)
        goto out;
    snprintf(sql, sizeof(sql), "%s%s%s%s%s", STORE_Q_HEAD,
             vfn != NULL ? "tocsin_vcode(?3 + row_number() OVER w, e.brand)"
                         : "NULL",
             STORE_Q_FROM, had ? STORE_Q_NEW : "", STORE_Q_WINDOW);
    rc = store_msg_step(
        s, &st,
        sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_bind_int64(st, 1, channel) == SQLITE_OK &&
            sqlite3_bind_int64(st, 2, skip_flags) == SQLITE_OK &&
            sqlite3_bind_int64(st, 3, (sqlite3_int64)base) == SQLITE_OK,
        added);
    if (rc == TOCSIN_OK)
        rc = store_msg_count_add(s, STORE_MSG_QUEUED, (int64_t)*added);
    /* as migration 6 made them */
    if (rc == TOCSIN_OK && had == 0)
        rc = store_exec(s, "CREATE UNIQUE INDEX IF NOT EXISTS messages_notice"
                           " ON messages(person_id, brand) WHERE kind = 0;"
                           "CREATE INDEX IF NOT EXISTS messages_vcode"
                           " ON messages(vcode)");
out:
    if (store_vcode_register(s, NULL) != TOCSIN_OK && rc == TOCSIN_OK)
        rc = TOCSIN_EDB;
    return rc;
}

int
store_msg_move(struct store *s, int from, int to, uint64_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *n = 0;
    rc = store_msg_step(
        s, &st,
        sqlite3_prepare_v2(s->db,
                           "UPDATE messages SET state = ?2 WHERE state = ?1",
                           -1, &st, NULL) == SQLITE_OK &&
            sqlite3_bind_int(st, 1, from) == SQLITE_OK &&
            sqlite3_bind_int(st, 2, to) == SQLITE_OK,
        n);
    if (rc == TOCSIN_OK && *n > 0 &&
        (rc = store_msg_count_add(s, from, -(int64_t)*n)) == TOCSIN_OK)
        rc = store_msg_count_add(s, to, (int64_t)*n);
    return rc;
}

int
store_msg_answer(struct store *s, int64_t person_id, const char *brand,
                 const void *rcpt, size_t rcpt_len, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    uint64_t n = 0;
    int rc;

    *id = 0;
    if (rcpt_len == 0 || rcpt_len > INT_MAX)
        return TOCSIN_EINVAL;
    rc = store_msg_step(
        s, &st,
        sqlite3_prepare_v2(
            s->db,
            "INSERT INTO messages(person_id, brand, kind,"
            " state, queued_at, rcpt) VALUES (?1, ?2, 1, 0, " STORE_NOW
            ", ?3)",
            -1, &st, NULL) == SQLITE_OK &&
            sqlite3_bind_int64(st, 1, person_id) == SQLITE_OK &&
            sqlite3_bind_text(st, 2, brand, -1, SQLITE_STATIC) == SQLITE_OK &&
            sqlite3_bind_blob(st, 3, rcpt, (int)rcpt_len, SQLITE_STATIC) ==
                SQLITE_OK,
        &n);
    if (rc == TOCSIN_OK) {
        *id = sqlite3_last_insert_rowid(s->db);
        rc = store_msg_count_add(s, STORE_MSG_QUEUED, 1);
    }
    return rc;
}

int
store_msg_fill_vcodes(struct store *s,
                      void (*fn)(void *ctx, int64_t id, const char *brand,
                                 unsigned char *value),
                      void *ctx, uint64_t *n)
{
    struct store_vfill f = {fn, ctx};
    uint64_t todo = 0;
    int rc, many;

    *n = 0;
    if ((rc = store_count(s,
                          "SELECT count(*) FROM messages WHERE vcode IS NULL",
                          &todo)) != TOCSIN_OK ||
        todo == 0)
        return rc;
    if ((rc = store_vcode_register(s, &f)) != TOCSIN_OK)
        return rc;
    many = todo > 50000;
    if (many && (rc = store_exec(s, "DROP INDEX IF EXISTS messages_vcode")) !=
                    TOCSIN_OK)
        goto out;
    if ((rc = store_exec(s, "UPDATE messages SET vcode = tocsin_vcode(id,"
                            " brand) WHERE vcode IS NULL")) != TOCSIN_OK)
        goto out;
    *n = (uint64_t)sqlite3_changes(s->db);
    if (many)
        rc = store_exec(s, "CREATE INDEX messages_vcode ON messages(vcode)");
out:
    if (store_vcode_register(s, NULL) != TOCSIN_OK && rc == TOCSIN_OK)
        rc = TOCSIN_EDB;
    return rc;
}

int
store_msg_due(struct store *s, int64_t now, int64_t after_id, int kind,
              size_t max, int (*fn)(void *ctx, const struct store_msg *m),
              void *ctx)
{
    struct store_msg m;
    sqlite3_stmt *st;
    enum store_stmt k;
    int step = SQLITE_DONE, rc;

    /* Prepared once each: the composer asks for every batch. All
     * messages: walk the table from the cursor (the due ones are most of
     * it). Answers only (the web service's delivery, which asks often):
     * through their own index, not past every notice. */
#define STORE_MSG_DUE_SQL(where)                                              \
    "SELECT m.id, m.person_id, m.brand, m.state, m.attempts, m.kind,"         \
    " m.rcpt, m.vcode, e.person_id, e.records, e.categories, e.risk,"         \
    " e.reasons, e.flags, e.topics, e.channel, e.why, e.past_retention,"      \
    " e.contact_record, e.language, r.id, r.sealed FROM messages m"           \
    " LEFT JOIN exposures e ON e.person_id = m.person_id"                     \
    " AND e.brand = m.brand"                                                  \
    " LEFT JOIN records r ON r.id = e.contact_record WHERE " where            \
    " ORDER BY m.id LIMIT ?2"
    k = kind == STORE_MSG_ANSWER ? STORE_MSG_DUE_ANSWERS : STORE_MSG_DUE;
    if ((rc = store_prepare(
             s, &s->stmt[k],
             k == STORE_MSG_DUE
                 ? STORE_MSG_DUE_SQL("m.id > ?3 AND +m.state IN (0, 3)"
                                     " AND +m.next_at <= ?1"
                                     " AND (?4 < 0 OR m.kind = ?4)")
                 : STORE_MSG_DUE_SQL("m.kind = 1 AND m.state IN (0, 3)"
                                     " AND m.next_at <= ?1 AND m.id > ?3"
                                     " AND ?4 = 1"))) != TOCSIN_OK)
        return rc;
#undef STORE_MSG_DUE_SQL
    st = s->stmt[k];
    if (sqlite3_bind_int64(st, 1, now) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, (sqlite3_int64)max) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, after_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 4, kind) != SQLITE_OK) {
        store_done(st);
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
        m.vcode = sqlite3_column_bytes(st, 7) == STORE_VCODE_BYTES
                      ? sqlite3_column_blob(st, 7)
                      : NULL;
        memset(&m.e, 0, sizeof(m.e));
        m.has_exposure = sqlite3_column_type(st, 8) != SQLITE_NULL;
        if (m.has_exposure) {
            m.e.person_id = sqlite3_column_int64(st, 8);
            m.e.brand = m.brand;
            m.e.records = (uint32_t)sqlite3_column_int64(st, 9);
            m.e.categories = (uint32_t)sqlite3_column_int64(st, 10);
            m.e.risk = (uint32_t)sqlite3_column_int64(st, 11);
            m.e.reasons = (uint32_t)sqlite3_column_int64(st, 12);
            m.e.flags = (uint32_t)sqlite3_column_int64(st, 13);
            m.e.topics = (uint32_t)sqlite3_column_int64(st, 14);
            m.e.channel = (uint32_t)sqlite3_column_int64(st, 15);
            m.e.why = (uint32_t)sqlite3_column_int64(st, 16);
            m.e.past_retention = (uint32_t)sqlite3_column_int64(st, 17);
            m.e.contact_record = sqlite3_column_int64(st, 18);
            m.e.language = (const char *)sqlite3_column_text(st, 19);
            if (m.e.language == NULL) {
                rc = store_fail(s, TOCSIN_ENOMEM);
                break;
            }
        }
        m.record_id = sqlite3_column_int64(st, 20);
        m.sealed = sqlite3_column_blob(st, 21);
        m.sealed_len = (size_t)sqlite3_column_bytes(st, 21);
        if (m.sealed_len == 0)
            m.sealed = NULL;
        if (m.brand == NULL) {
            rc = store_fail(s, TOCSIN_ENOMEM);
            break;
        }
        if ((rc = fn(ctx, &m)) != 0)
            break;
    }
    if (rc == TOCSIN_OK && step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

/* The statement of store_msg_update(): with the verification code or
 * without. A SET that names a column rewrites the index entries of that
 * column even when the value stays: an update that does not change the
 * code must not name it, or every journal commit writes pages of the code
 * index (random pages: the codes are random). */
static int
store_msg_update_stmt(struct store *s, int vcode, sqlite3_stmt **st)
{
#define STORE_MSG_SET                                                         \
    "UPDATE messages SET state = ?2, attempts = ?3, next_at = ?4,"            \
    " domain = coalesce(?5, domain), code = coalesce(?7, code),"              \
    " reply = coalesce(?8, reply), subject = coalesce(?9, subject),"          \
    " rcpt_mask = coalesce(?11, rcpt_mask),"                                  \
    " sent_at = CASE WHEN ?2 = 1 THEN ?10 ELSE sent_at END,"                  \
    " done_at = CASE WHEN ?2 IN (2, 4) THEN ?10 ELSE done_at END"
    enum store_stmt k = vcode ? STORE_MSG_UPDATE_VCODE : STORE_MSG_UPDATE;
    int rc = store_prepare(s, &s->stmt[k],
                           vcode ? STORE_MSG_SET ", vcode = ?6 WHERE id = ?1"
                                 : STORE_MSG_SET " WHERE id = ?1");
#undef STORE_MSG_SET
    *st = s->stmt[k];
    return rc;
}

int
store_msg_update(struct store *s, const struct store_msg_update *u, size_t n)
{
    sqlite3_stmt *st;
    int64_t delta[STORE_MSG_NSTATES] = {0};
    char now[32];
    struct tm tm;
    time_t t = time(NULL);
    size_t i;
    int rc, k, old;

    /* the time once for the group, as STORE_NOW writes it */
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if ((rc = store_prepare(s, &s->stmt[STORE_MSG_STATE],
                            "SELECT state FROM messages WHERE id = ?1")) !=
        TOCSIN_OK)
        return rc;
    for (i = 0; i < n; i++) {
        const struct store_msg_update *x = &u[i];

        /* the state it leaves, for the counts */
        st = s->stmt[STORE_MSG_STATE];
        if (sqlite3_bind_int64(st, 1, x->id) != SQLITE_OK ||
            ((k = sqlite3_step(st)) != SQLITE_ROW && k != SQLITE_DONE)) {
            rc = store_fail(s, TOCSIN_EDB);
            store_done(st);
            return rc;
        }
        old = k == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        store_done(st);
        if (old >= 0 && old < STORE_MSG_NSTATES && x->state >= 0 &&
            x->state < STORE_MSG_NSTATES) {
            delta[old]--;
            delta[x->state]++;
        }
        if ((rc = store_msg_update_stmt(s, x->vcode != NULL, &st)) !=
            TOCSIN_OK)
            return rc;
        if (sqlite3_bind_int64(st, 1, x->id) != SQLITE_OK ||
            sqlite3_bind_int(st, 2, x->state) != SQLITE_OK ||
            sqlite3_bind_int64(st, 3, x->attempts) != SQLITE_OK ||
            sqlite3_bind_int64(st, 4, x->next_at) != SQLITE_OK ||
            (x->domain != NULL
                 ? sqlite3_bind_text(st, 5, x->domain, -1, SQLITE_STATIC)
                 : sqlite3_bind_null(st, 5)) != SQLITE_OK ||
            (x->vcode != NULL &&
             sqlite3_bind_blob(st, 6, x->vcode, (int)x->vcode_len,
                               SQLITE_STATIC) != SQLITE_OK) ||
            (x->code != 0 ? sqlite3_bind_int(st, 7, x->code)
                          : sqlite3_bind_null(st, 7)) != SQLITE_OK ||
            (x->reply != NULL
                 ? sqlite3_bind_text(st, 8, x->reply, -1, SQLITE_STATIC)
                 : sqlite3_bind_null(st, 8)) != SQLITE_OK ||
            (x->subject != NULL
                 ? sqlite3_bind_blob(st, 9, x->subject, (int)x->subject_len,
                                     SQLITE_STATIC)
                 : sqlite3_bind_null(st, 9)) != SQLITE_OK ||
            sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC) != SQLITE_OK ||
            (x->rcpt_mask != NULL
                 ? sqlite3_bind_text(st, 11, x->rcpt_mask, -1, SQLITE_STATIC)
                 : sqlite3_bind_null(st, 11)) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_DONE) {
            rc = store_fail(s, TOCSIN_EDB);
            store_done(st);
            return rc;
        }
        store_done(st);
    }
    for (k = 0; k < STORE_MSG_NSTATES; k++)
        if ((rc = store_msg_count_add(s, k, delta[k])) != TOCSIN_OK)
            return rc;
    return TOCSIN_OK;
}

int
store_msg_counts(struct store *s, uint64_t *counts)
{
    sqlite3_stmt *st = NULL;
    int step, rc = TOCSIN_OK;

    memset(counts, 0, STORE_MSG_NSTATES * sizeof(*counts));
    if (sqlite3_prepare_v2(s->db, "SELECT state, n FROM message_counts", -1,
                           &st, NULL) != SQLITE_OK)
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
