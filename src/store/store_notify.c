/*
 * store_notify.c - the journal of messages (see store.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

#include "../util/grow.h"
#include "../util/str.h"

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

/*
 * The journal's summaries (migration 7), kept with every change of state
 * here so that status, the dashboard and the metrics read a few rows
 * instead of every message: message_counts (brand, kind, state),
 * message_domains (recipient domain, state) and message_minutes (sent,
 * accepted and failed per minute). The changes of a group are gathered in
 * a tally and written once, in the caller's transaction.
 */
/* One summary's changes: by a text key (brand or domain) and two numbers
 * (kind and state, or 0 and state). */
struct tally_entry {
    char key[LIMIT_EMAIL_DOMAIN + 1];
    int a, b;
    int64_t d;
};

struct tally_list {
    struct tally_entry *v;
    size_t n, cap;
};

struct tally {
    struct tally_list counts;       /* brand, kind, state */
    struct tally_list domains;      /* domain, 0, state */
    int64_t sent, accepted, failed; /* of the minute written with it */
};

static int
tally_add(struct tally_list *l, const char *key, int a, int b, int64_t d)
{
    struct tally_entry *e;
    size_t i;
    void *p;

    if (key == NULL || key[0] == '\0')
        return TOCSIN_OK;
    for (i = 0; i < l->n; i++) {
        e = &l->v[i];
        if (e->a == a && e->b == b && strcmp(e->key, key) == 0) {
            e->d += d;
            return TOCSIN_OK;
        }
    }
    if ((p = grow(l->v, &l->cap, l->n + 1, sizeof(*l->v), 16)) == NULL)
        return TOCSIN_ENOMEM;
    l->v = p;
    e = &l->v[l->n++];
    str_copy(e->key, sizeof(e->key), key);
    e->a = a;
    e->b = b;
    e->d = d;
    return TOCSIN_OK;
}

/* A message of brand and kind (and recipient domain, or NULL) moves from
 * state `from` (-1: new) to `to`, with domain_to once it is known. */
static int
tally_move(struct tally *t, const char *brand, int kind, const char *domain,
           const char *domain_to, int from, int to)
{
    int rc = TOCSIN_OK;

    if (from == to && (domain_to == NULL || domain == domain_to ||
                       (domain != NULL && strcmp(domain, domain_to) == 0)))
        return TOCSIN_OK;
    if (from >= 0 &&
        ((rc = tally_add(&t->counts, brand, kind, from, -1)) != 0 ||
         (rc = tally_add(&t->domains, domain, 0, from, -1)) != 0))
        return rc;
    if ((rc = tally_add(&t->counts, brand, kind, to, 1)) != 0 ||
        (rc = tally_add(&t->domains, domain_to != NULL ? domain_to : domain, 0,
                        to, 1)) != 0)
        return rc;
    if (from != to) {
        t->sent += to == STORE_MSG_IN_FLIGHT;
        t->accepted += to == STORE_MSG_ACCEPTED;
        t->failed += to == STORE_MSG_FAILED;
    }
    return TOCSIN_OK;
}

/* Run statement k (prepared from sql on first use) with the text a and
 * the integers b, c, d bound to ?1..?4 (b < 0: ?2 is not bound). */
static int
tally_stmt(struct store *s, enum store_stmt k, const char *sql, const char *a,
           int64_t b, int64_t c, int64_t d)
{
    sqlite3_stmt *st;
    int rc;

    if ((rc = store_prepare(s, &s->stmt[k], sql)) != TOCSIN_OK)
        return rc;
    st = s->stmt[k];
    if (sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
        (b >= 0 && sqlite3_bind_int64(st, 2, b) != SQLITE_OK) ||
        sqlite3_bind_int64(st, 3, c) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, d) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

/* Write t's changes; the minute counts under minute ("YYYY-MM-DDTHH:MM",
 * or NULL for none). */
static int
tally_write(struct store *s, const struct tally *t, const char *minute)
{
    size_t i;
    int rc = TOCSIN_OK;

    for (i = 0; i < t->counts.n && rc == TOCSIN_OK; i++)
        if (t->counts.v[i].d != 0)
            rc = tally_stmt(s, STORE_MSG_COUNT_ADD,
                            "INSERT INTO message_counts(brand, kind, state,"
                            " n) VALUES (?1, ?2, ?3, ?4)"
                            " ON CONFLICT(brand, kind, state)"
                            " DO UPDATE SET n = n + excluded.n",
                            t->counts.v[i].key, t->counts.v[i].a,
                            t->counts.v[i].b, t->counts.v[i].d);
    for (i = 0; i < t->domains.n && rc == TOCSIN_OK; i++)
        if (t->domains.v[i].d != 0)
            rc = tally_stmt(s, STORE_MSG_DOMAIN_ADD,
                            "INSERT INTO message_domains(domain, state, n)"
                            " VALUES (?1, ?3, ?4) ON CONFLICT(domain, state)"
                            " DO UPDATE SET n = n + excluded.n",
                            t->domains.v[i].key, -1, t->domains.v[i].b,
                            t->domains.v[i].d);
    if (rc == TOCSIN_OK && minute != NULL &&
        t->sent + t->accepted + t->failed > 0)
        rc = tally_stmt(s, STORE_MSG_MINUTE_ADD,
                        "INSERT INTO message_minutes(minute, sent, accepted,"
                        " failed) VALUES (?1, ?2, ?3, ?4)"
                        " ON CONFLICT(minute) DO UPDATE SET"
                        " sent = sent + excluded.sent,"
                        " accepted = accepted + excluded.accepted,"
                        " failed = failed + excluded.failed",
                        minute, t->sent, t->accepted, t->failed);
    return rc;
}

static void
tally_free(struct tally *t)
{
    free(t->counts.v);
    free(t->domains.v);
}

/* store_msg_queue()'s INSERT: the exposures (not queued yet) of persons
 * after ?4 up to ?5, numbered in (person, brand) order, so that the code
 * of each is written with it: sending then changes only its own row. */
#define STORE_Q_HEAD                                                          \
    "INSERT INTO messages(id, person_id, brand, kind, state, queued_at,"      \
    " vcode) SELECT ?3 + row_number() OVER w, e.person_id, e.brand, 0, "      \
    "0, " STORE_NOW ", "
#define STORE_Q_FROM                                                          \
    " FROM exposures e WHERE e.channel = ?1 AND (e.flags & ?2) = 0"           \
    " AND e.person_id > ?4 AND e.person_id <= ?5"
#define STORE_Q_NEW                                                           \
    " AND NOT EXISTS (SELECT 1 FROM messages m"                               \
    " WHERE m.person_id = e.person_id AND m.brand = e.brand"                  \
    " AND m.kind = 0)"
#define STORE_Q_WINDOW " WINDOW w AS (ORDER BY e.person_id, e.brand)"

/* The notice and code indexes, as migration 6 made them. */
#define STORE_Q_INDEX1                                                        \
    "CREATE UNIQUE INDEX IF NOT EXISTS messages_notice"                       \
    " ON messages(person_id, brand) WHERE kind = 0;"
#define STORE_Q_INDEXES                                                       \
    STORE_Q_INDEX1                                                            \
    "CREATE INDEX IF NOT EXISTS messages_vcode ON messages(vcode)"

/* Of q's exposures after person q->after: skip `skip` of them in person
 * order and put the next one's person into *out (the last person of a
 * part), or with skip < 0 put how many there are. *out stays when there is
 * none. */
static int
store_queue_scan(struct store *s, const struct store_queue *q, int64_t skip,
                 int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int step;

    if (sqlite3_prepare_v2(s->db,
                           skip < 0
                               ? "SELECT count(*) FROM exposures"
                                 " WHERE person_id > ?1 AND channel = ?2"
                                 " AND (flags & ?3) = 0 AND ?4 < 0"
                               : "SELECT person_id FROM exposures"
                                 " WHERE person_id > ?1 AND channel = ?2"
                                 " AND (flags & ?3) = 0 ORDER BY person_id"
                                 " LIMIT 1 OFFSET ?4",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, q->after) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, q->channel) != SQLITE_OK ||
        sqlite3_bind_int64(st, 3, q->skip_flags) != SQLITE_OK ||
        sqlite3_bind_int64(st, 4, skip) != SQLITE_OK ||
        ((step = sqlite3_step(st)) != SQLITE_ROW && step != SQLITE_DONE)) {
        sqlite3_finalize(st);
        return store_fail(s, TOCSIN_EDB);
    }
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return TOCSIN_OK;
}

int
store_msg_queue(struct store *s, struct store_queue *q, size_t max)
{
    struct store_vfill f = {q->vfn, q->ctx};
    sqlite3_stmt *st = NULL;
    uint64_t base = 0, had = 0, brands = 0, added = 0;
    int64_t upto = INT64_MAX, left = 0;
    char sql[512];
    int rc;

    if (q->done)
        return TOCSIN_OK;
    if (!q->started) {
        /* the notice index answers this; a count would read them all */
        if ((rc = store_count(s,
                              "SELECT EXISTS (SELECT 1 FROM messages"
                              " WHERE kind = 0)",
                              &had)) != TOCSIN_OK)
            return rc;
        q->started = 1;
        q->first = had == 0;
        q->after = INT64_MIN;
        /* The first queue is the big one: no notice can be there yet, and
         * the code index is built after it, in one sort, instead of an
         * insert per message at a random place (the codes are random: at
         * millions, each one a page read and written). The notice index
         * grows at its end (persons in order) and stays. A later queue
         * looks for the notices there are (one cut short left them
         * without the code index): in one go. */
        if ((rc = store_exec(s, q->first ? "DROP INDEX IF EXISTS"
                                           " messages_vcode;" STORE_Q_INDEX1
                                         : STORE_Q_INDEXES)) != TOCSIN_OK)
            return rc;
        if (!q->first)
            max = 0;
        else if ((rc = store_queue_scan(s, q, -1, &left)) != TOCSIN_OK)
            return rc;
        q->left = (uint64_t)left;
    }
    if ((rc = store_count(s, "SELECT coalesce(max(id), 0) FROM messages",
                          &base)) != TOCSIN_OK ||
        (max > 0 && (rc = store_queue_scan(s, q, (int64_t)max - 1, &upto)) !=
                        TOCSIN_OK) ||
        (rc = store_vcode_register(s, &f)) != TOCSIN_OK)
        return rc;
    snprintf(sql, sizeof(sql), "%s%s%s%s%s", STORE_Q_HEAD,
             q->vfn != NULL ? "tocsin_vcode(?3 + row_number() OVER w, e.brand)"
                            : "NULL",
             STORE_Q_FROM, q->first ? "" : STORE_Q_NEW, STORE_Q_WINDOW);
    rc = store_msg_step(
        s, &st,
        sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_bind_int64(st, 1, q->channel) == SQLITE_OK &&
            sqlite3_bind_int64(st, 2, q->skip_flags) == SQLITE_OK &&
            sqlite3_bind_int64(st, 3, (sqlite3_int64)base) == SQLITE_OK &&
            sqlite3_bind_int64(st, 4, q->after) == SQLITE_OK &&
            sqlite3_bind_int64(st, 5, upto) == SQLITE_OK,
        &added);
    /* the new ones, per brand, into the counts */
    if (rc == TOCSIN_OK && added > 0)
        rc = store_msg_step(
            s, &st,
            sqlite3_prepare_v2(
                s->db,
                "INSERT INTO message_counts(brand, kind, state, n)"
                " SELECT brand, 0, 0, count(*) FROM messages WHERE id > ?1"
                " GROUP BY brand ON CONFLICT(brand, kind, state)"
                " DO UPDATE SET n = n + excluded.n",
                -1, &st, NULL) == SQLITE_OK &&
                sqlite3_bind_int64(st, 1, (sqlite3_int64)base) == SQLITE_OK,
            &brands);
    if (rc == TOCSIN_OK) {
        q->added += added;
        q->left = q->left > added ? q->left - added : 0;
        q->after = upto;
        if (upto == INT64_MAX) {
            q->done = 1;
            q->left = 0;
            if (q->first)
                rc = store_exec(s, STORE_Q_INDEXES);
        }
    }
    if (store_vcode_register(s, NULL) != TOCSIN_OK && rc == TOCSIN_OK)
        rc = TOCSIN_EDB;
    return rc;
}

int
store_msg_queue_end(struct store *s, struct store_queue *q)
{
    if (!q->started || q->done || !q->first)
        return TOCSIN_OK;
    return store_exec(s, STORE_Q_INDEXES);
}

int
store_msg_move(struct store *s, int from, int to, uint64_t *n)
{
    struct tally t = {0};
    sqlite3_stmt *st = NULL;
    int step = SQLITE_DONE, rc = TOCSIN_OK;

    *n = 0;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE messages SET state = ?2 WHERE state = ?1"
                           " RETURNING brand, kind, domain",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int(st, 1, from) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, to) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    while (rc == TOCSIN_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        (*n)++;
        rc = tally_move(&t, (const char *)sqlite3_column_text(st, 0),
                        sqlite3_column_int(st, 1),
                        (const char *)sqlite3_column_text(st, 2), NULL, from,
                        to);
    }
    if (rc == TOCSIN_OK && step != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    st = NULL;
    /* a move is not an event of any minute */
    if (rc == TOCSIN_OK)
        rc = tally_write(s, &t, NULL);
out:
    sqlite3_finalize(st);
    tally_free(&t);
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
        struct tally t = {0};

        *id = sqlite3_last_insert_rowid(s->db);
        if ((rc = tally_move(&t, brand, STORE_MSG_ANSWER, NULL, NULL, -1,
                             STORE_MSG_QUEUED)) == TOCSIN_OK)
            rc = tally_write(s, &t, NULL);
        tally_free(&t);
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
    " e.contact_record, e.language, r.id, r.sealed, m.domain"                 \
    " FROM messages m"                                                        \
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
        m.domain = (const char *)sqlite3_column_text(st, 22);
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
    struct tally tl = {0};
    sqlite3_stmt *st;
    char now[32], minute[20];
    struct tm tm;
    time_t t = time(NULL);
    size_t i;
    int rc, k;

    /* the time once for the group, as STORE_NOW writes it */
    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(minute, sizeof(minute), "%.16s", now);
    if ((rc = store_prepare(s, &s->stmt[STORE_MSG_STATE],
                            "SELECT state, brand, kind, domain FROM messages"
                            " WHERE id = ?1")) != TOCSIN_OK)
        return rc;
    for (i = 0; i < n; i++) {
        const struct store_msg_update *x = &u[i];

        /* what it leaves, for the summaries: the caller's, or read */
        if (x->known) {
            rc = tally_move(&tl, x->brand, x->kind, x->from_domain, x->domain,
                            x->from, x->state);
        } else {
            st = s->stmt[STORE_MSG_STATE];
            if (sqlite3_bind_int64(st, 1, x->id) != SQLITE_OK ||
                ((k = sqlite3_step(st)) != SQLITE_ROW && k != SQLITE_DONE)) {
                rc = store_fail(s, TOCSIN_EDB);
                store_done(st);
                goto out;
            }
            if (k == SQLITE_ROW)
                rc =
                    tally_move(&tl, (const char *)sqlite3_column_text(st, 1),
                               sqlite3_column_int(st, 2),
                               (const char *)sqlite3_column_text(st, 3),
                               x->domain, sqlite3_column_int(st, 0), x->state);
            store_done(st);
        }
        if (rc != TOCSIN_OK || (rc = store_msg_update_stmt(s, x->vcode != NULL,
                                                           &st)) != TOCSIN_OK)
            goto out;
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
            goto out;
        }
        store_done(st);
    }
    rc = tally_write(s, &tl, minute);
out:
    tally_free(&tl);
    return rc;
}

int
store_msg_counts(struct store *s, uint64_t *counts)
{
    sqlite3_stmt *st = NULL;
    int step, rc = TOCSIN_OK;

    memset(counts, 0, STORE_MSG_NSTATES * sizeof(*counts));
    if (sqlite3_prepare_v2(s->db,
                           "SELECT state, sum(n) FROM message_counts"
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
