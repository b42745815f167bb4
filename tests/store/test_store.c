/* Tests of store.c: open, schema versions, meta, run log, transactions,
 * read-only access beside a writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/fsutil.h"

struct fixture {
    char dir[64];
    char db[128];
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    test_tmpdir(f->dir, sizeof(f->dir), "store");
    snprintf(f->db, sizeof(f->db), "%s/case.db", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    test_rmtree(f->dir);
    free(f);
    return 0;
}

/* Run one SQL statement on the file directly, outside the store. */
static void
raw_exec(const char *db, const char *sql)
{
    sqlite3 *h;

    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

/* The first column of the first row of sql, as text, into out. */
static void
raw_query(const char *db, const char *sql, char *out, size_t outsz)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    const unsigned char *v;

    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_text(st, 0);
    snprintf(out, outsz, "%s", v != NULL ? (const char *)v : "(null)");
    sqlite3_finalize(st);
    sqlite3_close(h);
}

static void
expect_meta(struct store *s, const char *key, const char *want)
{
    struct buf b;

    buf_init(&b, 1024);
    assert_int_equal(store_meta_get(s, key, &b), TOCSIN_OK);
    assert_string_equal(buf_str(&b), want);
    buf_free(&b);
}

static void
test_create_and_reopen(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    struct stat st;
    char out[64], want[16];

    /* Migration 1 exists; later stages append more. */
    assert_true(store_schema_latest() >= 1);
    snprintf(want, sizeof(want), "%d", store_schema_latest());
    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    assert_non_null(s);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    assert_int_equal(store_meta_set(s, "case_id", "abc"), TOCSIN_OK);
    store_close(s);

    /* Private from the start, and in WAL mode. */
    assert_int_equal(stat(f->db, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    raw_query(f->db, "PRAGMA journal_mode", out, sizeof(out));
    assert_string_equal(out, "wal");
    raw_query(f->db, "PRAGMA user_version", out, sizeof(out));
    assert_string_equal(out, want);
    raw_query(f->db,
              "SELECT group_concat(name, ',') FROM (SELECT name FROM "
              "sqlite_schema WHERE name IN ('meta', 'runs') ORDER BY name)",
              out, sizeof(out));
    assert_string_equal(out, "meta,runs");

    s = NULL;
    assert_int_equal(store_open(f->db, 0, &s), TOCSIN_OK);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    expect_meta(s, "case_id", "abc");
    store_close(s);
}

static void
test_open_missing(void **state)
{
    struct fixture *f = *state;
    struct store *s = (struct store *)1;

    assert_int_equal(store_open(f->db, 0, &s), TOCSIN_ENOENT);
    assert_null(s);
    assert_int_equal(access(f->db, F_OK), -1);
    s = (struct store *)1;
    assert_int_equal(store_open(f->db, STORE_READONLY, &s), TOCSIN_ENOENT);
    assert_null(s);
    assert_int_equal(access(f->db, F_OK), -1);
    assert_int_equal(store_open(f->db, STORE_CREATE | STORE_READONLY, &s),
                     TOCSIN_EINVAL);
}

static void
test_not_a_database(void **state)
{
    struct fixture *f = *state;
    static const char junk[] = "this is not an SQLite database, not at all; "
                               "it is long enough to hold a header though.";
    struct store *s = NULL;

    assert_int_equal(fs_write_file(f->db, junk, sizeof(junk), 0600, 0),
                     TOCSIN_OK);
    assert_int_equal(store_open(f->db, 0, &s), TOCSIN_EDB);
    assert_null(s);
}

static void
test_migrate_idempotent(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    char before[8192], after[8192];
    int fd;

    /* An empty file is a database at version 0: open leaves it there. */
    fd = open(f->db, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(store_open(f->db, 0, &s), TOCSIN_OK);
    assert_int_equal(store_schema_version(s), 0);
    assert_int_equal(store_migrate(s), TOCSIN_OK);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    assert_int_equal(store_migrate(s), TOCSIN_OK);
    assert_int_equal(store_migrate(s), TOCSIN_OK);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    assert_int_equal(store_meta_set(s, "k", "v"), TOCSIN_OK);
    store_close(s);
    raw_query(f->db, "SELECT group_concat(sql, ';') FROM sqlite_schema",
              before, sizeof(before));

    /* Opening with STORE_CREATE again migrates nothing and keeps data. */
    s = NULL;
    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    expect_meta(s, "k", "v");
    store_close(s);
    raw_query(f->db, "SELECT group_concat(sql, ';') FROM sqlite_schema", after,
              sizeof(after));
    assert_string_equal(before, after);
}

static void
test_migrate_in_transaction(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;

    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_migrate(s), TOCSIN_EINVAL);
    store_rollback(s);
    store_close(s);
}

static void
test_meta(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    struct buf b;

    buf_init(&b, 1024);
    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    assert_int_equal(store_meta_get(s, "missing", &b), TOCSIN_ENOENT);
    assert_int_equal(buf_len(&b), 0);

    assert_int_equal(store_meta_set(s, "created_at", "2026-02-09T10:00:00Z"),
                     TOCSIN_OK);
    expect_meta(s, "created_at", "2026-02-09T10:00:00Z");
    assert_int_equal(store_meta_set(s, "created_at", "later"), TOCSIN_OK);
    expect_meta(s, "created_at", "later");
    assert_int_equal(store_meta_set(s, "empty", ""), TOCSIN_OK);
    expect_meta(s, "empty", "");

    /* The value is appended to what the buffer holds. */
    assert_int_equal(buf_appends(&b, "x:"), TOCSIN_OK);
    assert_int_equal(store_meta_get(s, "created_at", &b), TOCSIN_OK);
    assert_string_equal(buf_str(&b), "x:later");

    /* A value larger than the buffer's maximum is refused, not cut. */
    buf_free(&b);
    buf_init(&b, 3);
    assert_int_equal(store_meta_get(s, "created_at", &b), TOCSIN_ELIMIT);
    assert_int_equal(buf_len(&b), 0);
    buf_free(&b);
    store_close(s);
}

static void
test_run_log(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    int64_t a = 0, b = 0;
    char out[256];

    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    assert_int_equal(store_run_begin(s, "run", &a), TOCSIN_OK);
    assert_int_equal(store_run_begin(s, "notify", &b), TOCSIN_OK);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(store_run_end(s, a, 0, "{\"files\":2}"), TOCSIN_OK);
    /* Ending a run twice, or one that does not exist: ENOENT. */
    assert_int_equal(store_run_end(s, a, 1, "{}"), TOCSIN_ENOENT);
    assert_int_equal(store_run_end(s, 99, 0, "{}"), TOCSIN_ENOENT);
    store_close(s);

    raw_query(f->db, "SELECT command FROM runs WHERE id = 1", out,
              sizeof(out));
    assert_string_equal(out, "run");
    raw_query(f->db, "SELECT status FROM runs WHERE id = 1", out, sizeof(out));
    assert_string_equal(out, "0");
    raw_query(f->db, "SELECT summary FROM runs WHERE id = 1", out,
              sizeof(out));
    assert_string_equal(out, "{\"files\":2}");
    /* UTC ISO 8601 timestamps, ended not before started. */
    raw_query(f->db,
              "SELECT started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-"
              "[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"
              " AND ended_at >= started_at FROM runs WHERE id = 1",
              out, sizeof(out));
    assert_string_equal(out, "1");
    raw_query(f->db, "SELECT ended_at FROM runs WHERE id = 2", out,
              sizeof(out));
    assert_string_equal(out, "(null)");
    raw_query(f->db, "SELECT command FROM runs WHERE id = 2", out,
              sizeof(out));
    assert_string_equal(out, "notify");
}

static void
test_refuse_newer_schema(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    char sql[64];

    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    store_close(s);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
             store_schema_latest() + 1);
    raw_exec(f->db, sql);

    s = (struct store *)1;
    assert_int_equal(store_open(f->db, 0, &s), TOCSIN_ESCHEMA);
    assert_null(s);
    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_ESCHEMA);
    assert_int_equal(store_open(f->db, STORE_READONLY, &s), TOCSIN_ESCHEMA);
    /* And nothing was changed by trying. */
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
             store_schema_latest());
    raw_exec(f->db, sql);
    assert_int_equal(store_open(f->db, 0, &s), TOCSIN_OK);
    assert_int_equal(store_schema_version(s), store_schema_latest());
    store_close(s);
}

static void
test_readonly_beside_writer(void **state)
{
    struct fixture *f = *state;
    struct store *w = NULL, *r = NULL;
    struct buf b;
    int64_t id;

    buf_init(&b, 1024);
    assert_int_equal(store_open(f->db, STORE_CREATE, &w), TOCSIN_OK);
    assert_int_equal(store_meta_set(w, "k", "one"), TOCSIN_OK);

    /* The writer stays open; the reader sees what was committed. */
    assert_int_equal(store_open(f->db, STORE_READONLY, &r), TOCSIN_OK);
    expect_meta(r, "k", "one");
    assert_int_equal(store_meta_set(w, "k", "two"), TOCSIN_OK);
    expect_meta(r, "k", "two");

    /* A write transaction in progress neither blocks nor shows. */
    assert_int_equal(store_begin(w), TOCSIN_OK);
    assert_int_equal(store_meta_set(w, "k", "three"), TOCSIN_OK);
    expect_meta(r, "k", "two");
    assert_int_equal(store_commit(w), TOCSIN_OK);
    expect_meta(r, "k", "three");

    /* A reader's transaction is a snapshot. */
    assert_int_equal(store_begin(r), TOCSIN_OK);
    expect_meta(r, "k", "three");
    assert_int_equal(store_meta_set(w, "k", "four"), TOCSIN_OK);
    expect_meta(r, "k", "three");
    assert_int_equal(store_commit(r), TOCSIN_OK);
    expect_meta(r, "k", "four");

    /* The reader cannot write. */
    assert_int_equal(store_meta_set(r, "k", "five"), TOCSIN_EDB);
    assert_non_null(strstr(store_errmsg(r), "readonly"));
    assert_int_equal(store_run_begin(r, "run", &id), TOCSIN_EDB);
    assert_int_equal(store_migrate(r), TOCSIN_OK); /* nothing to do */
    expect_meta(w, "k", "four");
    store_close(r);
    store_close(w);
    buf_free(&b);
}

static void
test_transactions(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    struct buf b;

    buf_init(&b, 1024);
    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    assert_int_equal(store_commit(s), TOCSIN_EINVAL);

    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_begin(s), TOCSIN_EINVAL); /* not nested */
    assert_int_equal(store_meta_set(s, "a", "1"), TOCSIN_OK);
    assert_int_equal(store_meta_set(s, "b", "2"), TOCSIN_OK);
    assert_int_equal(store_commit(s), TOCSIN_OK);

    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_meta_set(s, "a", "changed"), TOCSIN_OK);
    assert_int_equal(store_meta_set(s, "c", "3"), TOCSIN_OK);
    expect_meta(s, "a", "changed");
    store_rollback(s);
    store_rollback(s); /* no transaction: a no-op */

    expect_meta(s, "a", "1");
    assert_int_equal(store_meta_get(s, "c", &b), TOCSIN_ENOENT);

    /* Closing with a transaction open rolls it back. */
    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_meta_set(s, "d", "4"), TOCSIN_OK);
    store_close(s);
    s = NULL;
    assert_int_equal(store_open(f->db, 0, &s), TOCSIN_OK);
    expect_meta(s, "a", "1");
    expect_meta(s, "b", "2");
    assert_int_equal(store_meta_get(s, "d", &b), TOCSIN_ENOENT);
    store_close(s);
    buf_free(&b);
}

/* The notices of n persons (two brands each from person 3 on) as e-mail
 * exposures. */
static void
add_exposures(struct store *s, int n)
{
    struct store_exposure e[16];
    int i, k = 0;

    assert_true(n <= 8);
    memset(e, 0, sizeof(e));
    for (i = 1; i <= n; i++) {
        e[k].person_id = i;
        e[k].brand = "odido";
        e[k].channel = 1;
        e[k].language = "nl";
        k++;
        if (i >= 3) {
            e[k] = e[k - 1];
            e[k].brand = "ben";
            k++;
        }
    }
    assert_int_equal(store_exposures_add(s, e, (size_t)k), TOCSIN_OK);
}

static void
expect_count(const char *db, const char *sql, const char *want)
{
    char got[64];

    raw_query(db, sql, got, sizeof(got));
    assert_string_equal(got, want);
}

/* The first queue goes in parts without the code index and builds it at
 * the end; one cut short builds it when it stops, and the next run queues
 * the rest in one part, each exposure once. */
static void
test_queue_in_parts(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;
    struct store_queue q;
    uint64_t counts[STORE_MSG_NSTATES];

    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    add_exposures(s, 6); /* 10 exposures */
    memset(&q, 0, sizeof(q));
    q.channel = 1;
    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_msg_queue(s, &q, 3), TOCSIN_OK);
    assert_int_equal(store_commit(s), TOCSIN_OK);
    /* persons 1, 2 and 3: a person's brands go in the same part */
    assert_true(q.first && !q.done);
    assert_int_equal(q.added, 4);
    assert_int_equal(q.left, 6);
    expect_count(f->db,
                 "SELECT group_concat(name) FROM sqlite_master WHERE name IN"
                 " ('messages_notice', 'messages_vcode')",
                 "messages_notice"); /* the code index comes at the end */
    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_msg_queue(s, &q, 3), TOCSIN_OK);
    assert_int_equal(store_msg_queue_end(s, &q), TOCSIN_OK); /* a stop */
    assert_int_equal(store_commit(s), TOCSIN_OK);
    assert_int_equal(q.added, 8);
    assert_false(q.done);
    expect_count(f->db,
                 "SELECT count(*) FROM sqlite_master WHERE name IN"
                 " ('messages_notice', 'messages_vcode')",
                 "2");

    /* the next run: in one part, the rest only */
    memset(&q, 0, sizeof(q));
    q.channel = 1;
    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_msg_queue(s, &q, 3), TOCSIN_OK);
    assert_int_equal(store_commit(s), TOCSIN_OK);
    assert_true(!q.first && q.done);
    assert_int_equal(q.added, 2);
    expect_count(f->db,
                 "SELECT count(*) || ' ' || count(DISTINCT person_id || brand)"
                 " || ' ' || max(id) FROM messages",
                 "10 10 10");
    assert_int_equal(store_msg_counts(s, counts), TOCSIN_OK);
    assert_int_equal(counts[STORE_MSG_QUEUED], 10);
    store_close(s);
}

static void
test_errmsg(void **state)
{
    struct fixture *f = *state;
    struct store *s = NULL;

    assert_string_equal(store_errmsg(NULL), "no database");
    assert_int_equal(store_open(f->db, STORE_CREATE, &s), TOCSIN_OK);
    assert_string_equal(store_errmsg(s), "no error");
    assert_int_equal(store_begin(s), TOCSIN_OK);
    assert_int_equal(store_begin(s), TOCSIN_EINVAL);
    assert_string_equal(store_errmsg(s), "transaction already open");
    store_rollback(s);
    store_close(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_and_reopen, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_migrate_in_transaction, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_newer_schema, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_readonly_beside_writer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_in_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errmsg, setup, teardown),
    };

    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
