/*
 * store.c - the case database on SQLite.
 *
 * The connection runs in WAL mode (readers do not block the writer), with
 * synchronous=NORMAL (a commit is durable once checkpointed; a power cut
 * loses at most the last transactions, never consistency), foreign keys on
 * and a busy timeout so that a reader beside a writer waits instead of
 * failing. Statements that are reused are prepared once and kept.
 */
#include "store.h"
#include "store_int.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../util/limits.h"

/*
 * The schema, as an ordered list of migrations: migrations[i] takes a
 * database from user_version i to i + 1, and the latest version is the
 * length of this array. To change the schema, append one string at the end.
 * RULE: never edit, reorder or remove a migration once it has been
 * released: databases in the field are already past it, and only the
 * migrations after their version will ever run on them.
 */
static const char *const store_migrations[] = {
    /* 1: case-wide facts and the run log. */
    "CREATE TABLE meta(\n"
    "    key TEXT PRIMARY KEY,\n"
    "    value TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE runs(\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    command TEXT NOT NULL,\n"
    "    started_at TEXT NOT NULL,\n" /* UTC, ISO 8601 */
    "    ended_at TEXT,\n"            /* NULL while running or crashed */
    "    status INTEGER,\n"
    "    summary TEXT\n" /* JSON: counts only */
    ");\n",

    /* 2: ingest: input files, records (sealed), rejected rows (sealed).
     * Lookup indexes on records are made by store_ingest_indexes() after
     * a bulk load, not here. */
    "CREATE TABLE sources(\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    name TEXT NOT NULL,\n"   /* the path as given */
    "    quick_hash BLOB,\n"      /* size + first and last MiB */
    "    content_hash BLOB,\n"    /* BLAKE2b-256 of the raw bytes */
    "    format TEXT NOT NULL,\n" /* csv | jsonl */
    "    compressed INTEGER NOT NULL,\n"
    "    brand TEXT,\n" /* --brand, when given */
    "    run_id INTEGER REFERENCES runs(id),\n"
    "    started_at TEXT NOT NULL,\n"
    "    finished_at TEXT,\n" /* NULL: interrupted */
    "    bytes INTEGER,\n"
    "    rows_read INTEGER,\n"
    "    accepted INTEGER,\n"
    "    rejected INTEGER,\n"
    "    summary TEXT\n" /* JSON: columns, flags (counts) */
    ");\n"
    "CREATE INDEX sources_quick ON sources(quick_hash);\n"
    "CREATE TABLE records(\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    source_id INTEGER NOT NULL REFERENCES sources(id),\n"
    "    line INTEGER NOT NULL,\n"
    "    brand TEXT,\n" /* brand id from case.ini; NULL unknown */
    "    present INTEGER NOT NULL,\n"  /* bit per category with a value */
    "    problems INTEGER NOT NULL,\n" /* bit per field failing validation */
    "    rid_hash BLOB,\n"             /* keyed hashes (store.h) */
    "    email_hash BLOB,\n"
    "    phone_hash BLOB,\n"
    "    mobile_hash BLOB,\n"
    "    iban_hash BLOB,\n"
    "    email_mask TEXT,\n" /* masked display forms */
    "    phone_mask TEXT,\n"
    "    iban_mask TEXT,\n"
    "    sealed BLOB NOT NULL\n" /* record.h encoding, sealed */
    ");\n"
    "CREATE TABLE rejects(\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    source_id INTEGER NOT NULL REFERENCES sources(id),\n"
    "    line INTEGER NOT NULL,\n"
    "    byte_offset INTEGER NOT NULL,\n"
    "    col INTEGER NOT NULL,\n"
    "    reason TEXT NOT NULL,\n" /* words, no input bytes */
    "    sealed BLOB NOT NULL\n"  /* the raw bytes, sealed */
    ");\n"
    "CREATE INDEX rejects_source ON rejects(source_id);\n",

    /* 3: resolve: which records are one person, and the links that made
     * them so (for explain). Rebuilt whole by every resolve; the indexes
     * are made on demand (store_resolve_indexes). */
    "CREATE TABLE person_records(\n"
    "    record_id INTEGER PRIMARY KEY,\n" /* records.id */
    "    person_id INTEGER NOT NULL,\n"    /* its smallest record id */
    "    confidence REAL NOT NULL\n"       /* the person's: the lowest
                                             probability of its links */
    ");\n"
    "CREATE VIEW persons AS SELECT person_id AS id, count(*) AS records,"
    " min(confidence) AS confidence FROM person_records GROUP BY person_id;\n"
    "CREATE TABLE links(\n"
    "    a INTEGER NOT NULL,\n" /* records.id, a < b */
    "    b INTEGER NOT NULL,\n"
    "    status INTEGER NOT NULL,\n" /* store.h: STORE_LINK_* */
    "    weight REAL NOT NULL,\n"    /* match weight, bits */
    "    probability REAL NOT NULL,\n"
    "    levels INTEGER NOT NULL,\n" /* comparison levels, 4 bits each */
    "    weights BLOB NOT NULL,\n"   /* per comparison: int16 centibits */
    "    PRIMARY KEY(a, b)\n"
    ") WITHOUT ROWID;\n",

    /* 4: assess: what leaked of whom, per person and brand (one notice
     * each) and per person. Rebuilt whole by every assess; the meanings of
     * the bit fields are assess.h's, the names of rules and topics are in
     * meta 'assess'. No personal data: numbers and bits. */
    "CREATE TABLE exposures(\n"
    "    person_id INTEGER NOT NULL,\n"
    "    brand TEXT NOT NULL,\n" /* '' for records without one */
    "    records INTEGER NOT NULL,\n"
    "    categories INTEGER NOT NULL,\n"     /* 1 << category */
    "    risk INTEGER NOT NULL,\n"           /* 1 low, 2 medium, 3 high */
    "    reasons INTEGER NOT NULL,\n"        /* 1 << risk rule */
    "    flags INTEGER NOT NULL,\n"          /* ASSESS_F_* */
    "    topics INTEGER NOT NULL,\n"         /* 1 << sensitive topic */
    "    channel INTEGER NOT NULL,\n"        /* ASSESS_CHANNEL_* */
    "    why INTEGER NOT NULL,\n"            /* ASSESS_WHY_* */
    "    past_retention INTEGER NOT NULL,\n" /* records kept too long */
    "    contact_record INTEGER,\n" /* whose contact data the channel uses */
    "    language TEXT NOT NULL,\n"
    "    PRIMARY KEY(person_id, brand)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE exposed_persons(\n"
    "    person_id INTEGER PRIMARY KEY,\n"
    "    brands INTEGER NOT NULL,\n"
    "    records INTEGER NOT NULL,\n"
    "    categories INTEGER NOT NULL,\n" /* over all brands */
    "    risk INTEGER NOT NULL,\n"       /* rules over all brands' data */
    "    reasons INTEGER NOT NULL,\n"
    "    flags INTEGER NOT NULL,\n"
    "    topics INTEGER NOT NULL,\n"
    "    past_retention INTEGER NOT NULL\n"
    ");\n",

    /* 5: notify: the journal, one message per person and brand, and every
     * change of its state (store.h STORE_MSG_*). A message is marked in
     * flight, and committed, before its payload is handed over. No
     * personal data: numbers, the recipient's domain, the server's reply
     * without addresses, and the verification code's value (a keyed MAC
     * of the message number). */
    "CREATE TABLE messages(\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    person_id INTEGER NOT NULL,\n"
    "    brand TEXT NOT NULL,\n"
    "    state INTEGER NOT NULL,\n"
    "    attempts INTEGER NOT NULL DEFAULT 0,\n"
    "    next_at INTEGER NOT NULL DEFAULT 0,\n" /* unix time: not before */
    "    domain TEXT,\n"                        /* of the recipient */
    "    vcode BLOB,\n"
    "    code INTEGER,\n" /* the last reply code */
    "    reply TEXT,\n"
    "    queued_at TEXT NOT NULL,\n"
    "    sent_at TEXT,\n"
    "    done_at TEXT,\n"
    "    UNIQUE(person_id, brand)\n"
    ");\n"
    "CREATE INDEX messages_state ON messages(state, next_at);\n"
    "CREATE INDEX messages_vcode ON messages(vcode);\n",

    /* 6: answers to "am I affected?" (serve): a message of kind 1 to the
     * address that was asked about, sealed in rcpt, beside the one notice
     * (kind 0) per person and brand; the subject as sent, sealed, and the
     * recipient masked, for the verification page. The table is rebuilt: the
     * unique constraint of migration 5 becomes a partial index over the
     * notices. */
    "CREATE TABLE messages6(\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    person_id INTEGER NOT NULL,\n"
    "    brand TEXT NOT NULL,\n"
    "    kind INTEGER NOT NULL DEFAULT 0,\n" /* STORE_MSG_NOTICE, _ANSWER */
    "    state INTEGER NOT NULL,\n"
    "    attempts INTEGER NOT NULL DEFAULT 0,\n"
    "    next_at INTEGER NOT NULL DEFAULT 0,\n"
    "    domain TEXT,\n"
    "    vcode BLOB,\n"
    "    code INTEGER,\n"
    "    reply TEXT,\n"
    "    queued_at TEXT NOT NULL,\n"
    "    sent_at TEXT,\n"
    "    done_at TEXT,\n"
    "    rcpt BLOB,\n"     /* answers: the address asked about, sealed */
    "    subject BLOB,\n"  /* as sent, sealed */
    "    rcpt_mask TEXT\n" /* the recipient masked (j***@gmail.com) */
    ");\n"
    "INSERT INTO messages6(id, person_id, brand, kind, state, attempts,"
    " next_at, domain, vcode, code, reply, queued_at, sent_at, done_at)"
    " SELECT id, person_id, brand, 0, state, attempts, next_at, domain,"
    " vcode, code, reply, queued_at, sent_at, done_at FROM messages;\n"
    "DROP TABLE messages;\n"
    "ALTER TABLE messages6 RENAME TO messages;\n"
    "CREATE UNIQUE INDEX messages_notice ON messages(person_id, brand)"
    " WHERE kind = 0;\n"
    "CREATE INDEX messages_state ON messages(state, next_at);\n"
    "CREATE INDEX messages_vcode ON messages(vcode);\n",

    /* 7: no index over every message's state. The journal moves each
     * message twice (in flight, then accepted), and each move rewrote two
     * entries of that index: about a third of the journal's work. What
     * needs the state by index is small: the deferred messages (when the
     * next comes due) and the answers (the web service's delivery asks
     * often); finding what a dead sender left in flight reads the table
     * once. What status, the dashboard and the metrics show is kept beside
     * the messages, by every change of state (store_notify.c): the number
     * per brand, kind and state, per recipient domain and state, and the
     * messages sent, accepted and failed per minute; a few rows to read
     * instead of millions. */
    "DROP INDEX messages_state;\n"
    "CREATE TABLE message_counts(\n"
    "    brand TEXT NOT NULL,\n"
    "    kind INTEGER NOT NULL,\n"
    "    state INTEGER NOT NULL,\n"
    "    n INTEGER NOT NULL,\n"
    "    PRIMARY KEY(brand, kind, state)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO message_counts(brand, kind, state, n)"
    " SELECT brand, kind, state, count(*) FROM messages"
    " GROUP BY brand, kind, state;\n"
    "CREATE TABLE message_domains(\n"
    "    domain TEXT NOT NULL,\n"
    "    state INTEGER NOT NULL,\n"
    "    n INTEGER NOT NULL,\n"
    "    PRIMARY KEY(domain, state)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO message_domains(domain, state, n)"
    " SELECT domain, state, count(*) FROM messages"
    " WHERE domain IS NOT NULL AND domain <> '' GROUP BY domain, state;\n"
    "CREATE TABLE message_minutes(\n"
    "    minute TEXT PRIMARY KEY,\n" /* YYYY-MM-DDTHH:MM, UTC */
    "    sent INTEGER NOT NULL,\n"
    "    accepted INTEGER NOT NULL,\n"
    "    failed INTEGER NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO message_minutes(minute, sent, accepted, failed)"
    " SELECT x, sum(s), sum(a), sum(f) FROM ("
    " SELECT substr(sent_at, 1, 16) AS x, 1 AS s, 0 AS a, 0 AS f"
    " FROM messages WHERE sent_at IS NOT NULL"
    " UNION ALL SELECT substr(done_at, 1, 16), 0, state = 2, state = 4"
    " FROM messages WHERE done_at IS NOT NULL) GROUP BY x;\n"
    "CREATE INDEX messages_deferred ON messages(next_at) WHERE state = 3;\n"
    "CREATE INDEX messages_answers ON messages(state, next_at)"
    " WHERE kind = 1;\n",
};

#define STORE_NMIGRATIONS                                                     \
    ((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* Keep the database's error text (later calls would overwrite it). */
int
store_fail(struct store *s, int rc)
{
    const char *msg = s->db != NULL ? sqlite3_errmsg(s->db) : NULL;

    snprintf(s->errmsg, sizeof(s->errmsg), "%s",
             msg != NULL ? msg : "database error");
    return rc;
}

int
store_fail_text(struct store *s, int rc, const char *text)
{
    snprintf(s->errmsg, sizeof(s->errmsg), "%s", text);
    return rc;
}

const char *
store_errmsg(struct store *s)
{
    if (s == NULL)
        return "no database";
    return s->errmsg[0] != '\0' ? s->errmsg : "no error";
}

int
store_exec(struct store *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    return TOCSIN_OK;
}

/* Prepare sql into *slot once; later calls reuse it. */
int
store_prepare(struct store *s, sqlite3_stmt **slot, const char *sql)
{
    if (*slot != NULL)
        return TOCSIN_OK;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot,
                           NULL) != SQLITE_OK) {
        *slot = NULL;
        return store_fail(s, TOCSIN_EDB);
    }
    return TOCSIN_OK;
}

/* Make a statement ready for its next use. */
void
store_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static int
store_read_version(struct store *s, int *version)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
        SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = store_fail(s, TOCSIN_EDB);
        sqlite3_finalize(st);
        return rc;
    }
    *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return TOCSIN_OK;
}

/* Switch to WAL; some file systems cannot, which is an error. */
static int
store_wal(struct store *s)
{
    sqlite3_stmt *st = NULL;
    const unsigned char *mode;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
                           NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = store_fail(s, TOCSIN_EDB);
    else if ((mode = sqlite3_column_text(st, 0)) == NULL ||
             strcmp((const char *)mode, "wal") != 0)
        rc = store_fail_text(s, TOCSIN_EDB,
                             "cannot switch the database to WAL mode");
    sqlite3_finalize(st);
    return rc;
}

int
store_schema_latest(void)
{
    return STORE_NMIGRATIONS;
}

int
store_schema_version(struct store *s)
{
    int v = -1;

    if (store_read_version(s, &v) != TOCSIN_OK)
        return -1;
    return v;
}

int
store_migrate(struct store *s)
{
    char sql[64];
    int rc, v, i;

    if (s->in_tx)
        return store_fail_text(s, TOCSIN_EINVAL,
                               "migration inside a transaction");
    rc = store_read_version(s, &v);
    if (rc != TOCSIN_OK)
        return rc;
    if (v > STORE_NMIGRATIONS)
        return store_fail_text(s, TOCSIN_ESCHEMA,
                               "database schema is newer than this program");
    if (v == STORE_NMIGRATIONS)
        return TOCSIN_OK;
    if (s->readonly)
        return store_fail_text(s, TOCSIN_ESCHEMA,
                               "database schema is older than this program "
                               "and the database is open read-only");

    /* IMMEDIATE: take the write lock now, then look again, since another
     * process may have migrated in the meantime. */
    rc = store_exec(s, "BEGIN IMMEDIATE");
    if (rc != TOCSIN_OK)
        return rc;
    rc = store_read_version(s, &v);
    if (rc != TOCSIN_OK)
        goto out;
    if (v > STORE_NMIGRATIONS) {
        rc = store_fail_text(s, TOCSIN_ESCHEMA,
                             "database schema is newer than this program");
        goto out;
    }
    for (i = v; i < STORE_NMIGRATIONS; i++) {
        rc = store_exec(s, store_migrations[i]);
        if (rc != TOCSIN_OK)
            goto out;
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_NMIGRATIONS);
    rc = store_exec(s, sql);
    if (rc != TOCSIN_OK)
        goto out;
    rc = store_exec(s, "COMMIT");
out:
    if (rc != TOCSIN_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Before SQLite's first use: no memory statistics, which it keeps under
 * one process-wide mutex taken by every allocation of every connection
 * (notify has three threads at work). Nothing here reads them. */
static void
store_global_init(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
store_open(const char *path, int flags, struct store **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    struct store *s;
    struct stat st;
    int oflags, rc, v;

    *out = NULL;
    (void)pthread_once(&once, store_global_init);
    if ((flags & STORE_CREATE) && (flags & STORE_READONLY))
        return TOCSIN_EINVAL;
    if (!(flags & STORE_CREATE) && stat(path, &st) != 0)
        return errno == ENOENT ? TOCSIN_ENOENT : TOCSIN_EDB;
    if (flags & STORE_CREATE) {
        /* The database holds sealed personal data: private from the
         * start (SQLite would use 0644 less the umask; its -wal and -shm
         * files take the mode of the database). An empty file is a new
         * database to SQLite. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

        if (fd >= 0)
            close(fd);
        else if (errno != EEXIST)
            return TOCSIN_EDB;
    }

    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return TOCSIN_ENOMEM;
    s->readonly = (flags & STORE_READONLY) != 0;
    oflags = SQLITE_OPEN_NOMUTEX;
    if (s->readonly)
        oflags |= SQLITE_OPEN_READONLY;
    else
        oflags |= SQLITE_OPEN_READWRITE;
    if (flags & STORE_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        rc = rc == SQLITE_NOMEM ? TOCSIN_ENOMEM : TOCSIN_EDB;
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, LIMIT_STORE_BUSY_MS);

    /* Reading the version also checks that this is a database at all. */
    rc = store_read_version(s, &v);
    if (rc != TOCSIN_OK)
        goto fail;
    if (v > STORE_NMIGRATIONS) {
        rc = TOCSIN_ESCHEMA;
        goto fail;
    }
    /* Records are sealed blobs of several hundred bytes: larger pages
     * than the default 4 KiB waste less and write faster. Only takes
     * effect on a database that is still empty. */
    if ((flags & STORE_CREATE) &&
        (rc = store_exec(s, "PRAGMA page_size = 16384")) != TOCSIN_OK)
        goto fail;
    if (!s->readonly) {
        rc = store_wal(s);
        if (rc != TOCSIN_OK)
            goto fail;
    }
    rc = store_exec(s, "PRAGMA synchronous = NORMAL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA cache_size = -65536;" /* KiB: 64 MiB */
                       "PRAGMA temp_store = MEMORY;"
                       /* reads of whole tables (resolve, assess) from the
                        * mapped file, not copied through read(): about a
                        * third less time; SQLite caps it at 2 GB */
                       "PRAGMA mmap_size = 2147418112");
    if (rc != TOCSIN_OK)
        goto fail;
    if (flags & STORE_CREATE) {
        rc = store_migrate(s);
        if (rc != TOCSIN_OK)
            goto fail;
    }
    s->errmsg[0] = '\0';
    *out = s;
    return TOCSIN_OK;
fail:
    store_close(s);
    return rc;
}

void
store_interrupt(struct store *s)
{
    if (s != NULL && s->db != NULL)
        sqlite3_interrupt(s->db);
}

void
store_close(struct store *s)
{
    int i;

    if (s == NULL)
        return;
    if (s->in_tx)
        store_rollback(s);
    for (i = 0; i < STORE_NSTMT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db); /* NULL is a no-op */
    free(s);
}

/* Run statement k, prepared from sql once (a transaction's BEGIN or
 * COMMIT: each is run thousands of times a second by the notify journal,
 * and parsing it again each time cost a tenth of the journal's time). */
static int
store_step(struct store *s, enum store_stmt k, const char *sql)
{
    int rc;

    if ((rc = store_prepare(s, &s->stmt[k], sql)) != TOCSIN_OK)
        return rc;
    rc = sqlite3_step(s->stmt[k]) == SQLITE_DONE ? TOCSIN_OK
                                                 : store_fail(s, TOCSIN_EDB);
    store_done(s->stmt[k]);
    return rc;
}

int
store_begin(struct store *s)
{
    int rc;

    if (s->in_tx)
        return store_fail_text(s, TOCSIN_EINVAL, "transaction already open");
    /* A writer takes its lock up front (no deadlock on upgrade); a reader
     * gets a consistent snapshot. Another writer that kept the lock past
     * the busy timeout: TOCSIN_EBUSY, the caller may try again. */
    rc = store_step(s, STORE_BEGIN, s->readonly ? "BEGIN" : "BEGIN IMMEDIATE");
    if (rc == TOCSIN_OK)
        s->in_tx = 1;
    else if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_BUSY)
        rc = TOCSIN_EBUSY;
    return rc;
}

int
store_commit(struct store *s)
{
    int rc;

    if (!s->in_tx)
        return store_fail_text(s, TOCSIN_EINVAL, "no transaction open");
    rc = store_step(s, STORE_COMMIT, "COMMIT");
    if (rc != TOCSIN_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
    return rc;
}

void
store_rollback(struct store *s)
{
    if (!s->in_tx)
        return;
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
}

int
store_meta_get(struct store *s, const char *key, struct buf *value)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(s, &s->stmt[STORE_META_GET],
                       "SELECT value FROM meta WHERE key = ?1");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_META_GET];
    if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = store_fail(s, TOCSIN_EDB);
        goto out;
    }
    switch (sqlite3_step(st)) {
    case SQLITE_ROW: {
        const unsigned char *v = sqlite3_column_text(st, 0);
        int n = sqlite3_column_bytes(st, 0);

        if (v == NULL) {
            rc = store_fail(s, TOCSIN_ENOMEM);
            break;
        }
        rc = buf_append(value, v, (size_t)n);
        break;
    }
    case SQLITE_DONE:
        rc = TOCSIN_ENOENT;
        break;
    default:
        rc = store_fail(s, TOCSIN_EDB);
        break;
    }
out:
    store_done(st);
    return rc;
}

int
store_meta_set(struct store *s, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(
        s, &s->stmt[STORE_META_SET],
        "INSERT INTO meta(key, value) VALUES(?1, ?2)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_META_SET];
    if (sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    store_done(st);
    return rc;
}

int
store_run_begin(struct store *s, const char *command, int64_t *run_id)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(s, &s->stmt[STORE_RUN_BEGIN],
                       "INSERT INTO runs(command, started_at)"
                       " VALUES(?1, " STORE_NOW ")");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_RUN_BEGIN];
    if (sqlite3_bind_text(st, 1, command, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    else
        *run_id = sqlite3_last_insert_rowid(s->db);
    store_done(st);
    return rc;
}

int
store_run_end(struct store *s, int64_t run_id, int status,
              const char *summary_json)
{
    sqlite3_stmt *st;
    int rc;

    rc = store_prepare(s, &s->stmt[STORE_RUN_END],
                       "UPDATE runs SET ended_at = " STORE_NOW
                       ", status = ?2, summary = ?3"
                       " WHERE id = ?1 AND ended_at IS NULL");
    if (rc != TOCSIN_OK)
        return rc;
    st = s->stmt[STORE_RUN_END];
    if (sqlite3_bind_int64(st, 1, run_id) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, status) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, summary_json, -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, TOCSIN_EDB);
    else if (sqlite3_changes(s->db) != 1)
        rc = store_fail_text(s, TOCSIN_ENOENT, "no such open run");
    store_done(st);
    return rc;
}

/* "INSERT INTO table(cols) VALUES(?,...),(?,...)...": rows rows of
 * ncols values, into out. */
static void
store_bulk_sql(char *out, size_t size, const char *head, int ncols, int rows)
{
    size_t n = (size_t)snprintf(out, size, "%s VALUES", head);
    int r, c;

    for (r = 0; r < rows && n + 4 * (size_t)ncols + 4 < size; r++) {
        out[n++] = r > 0 ? ',' : ' ';
        out[n++] = '(';
        for (c = 0; c < ncols; c++) {
            if (c > 0)
                out[n++] = ',';
            out[n++] = '?';
        }
        out[n++] = ')';
    }
    out[n] = '\0';
}

/* The statement for one row or for STORE_BULK_ROWS rows. */
static int
store_bulk_stmt(struct store *s, enum store_stmt one, enum store_stmt many,
                const char *head, int ncols, int bulk, sqlite3_stmt **st)
{
    char sql[STORE_BULK_ROWS * (2 * STORE_BULK_COLS + 3) + 256];
    enum store_stmt slot = bulk ? many : one;
    int rc;

    if (s->stmt[slot] == NULL) {
        store_bulk_sql(sql, sizeof(sql), head, ncols,
                       bulk ? STORE_BULK_ROWS : 1);
        if ((rc = store_prepare(s, &s->stmt[slot], sql)) != TOCSIN_OK)
            return rc;
    }
    *st = s->stmt[slot];
    return TOCSIN_OK;
}

int
store_bulk_insert(struct store *s, enum store_stmt one, enum store_stmt many,
                  const char *head, int ncols, size_t n,
                  int (*bind)(sqlite3_stmt *st, int col, size_t i,
                              const void *ctx),
                  const void *ctx)
{
    sqlite3_stmt *st;
    size_t i, k, rows;
    int rc, col;

    assert(ncols > 0 && ncols <= STORE_BULK_COLS);

    for (i = 0; i < n; i += rows) {
        rows = n - i >= STORE_BULK_ROWS ? STORE_BULK_ROWS : 1;
        rc = store_bulk_stmt(s, one, many, head, ncols, rows > 1, &st);
        if (rc != TOCSIN_OK)
            return rc;
        for (k = 0, col = 1; k < rows && col > 0; k++)
            col = bind(st, col, i + k, ctx);
        if (col == 0 || sqlite3_step(st) != SQLITE_DONE)
            rc = store_fail(s, TOCSIN_EDB);
        sqlite3_reset(st);
        if (rc != TOCSIN_OK)
            return rc;
    }
    return TOCSIN_OK;
}

/* Step a one-row "SELECT count(*)"-like statement into *out. */
int
store_count(struct store *s, const char *sql, uint64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = TOCSIN_OK;

    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, TOCSIN_EDB);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = (uint64_t)sqlite3_column_int64(st, 0);
    else
        rc = store_fail(s, TOCSIN_EDB);
    sqlite3_finalize(st);
    return rc;
}
