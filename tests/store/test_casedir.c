/* Tests of casedir.c: making a case (files, modes, meta, refusals, undo on
 * failure) and opening one (config, key and schema checks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/casedir.h"
#include "store/embedded.h"
#include "util/fsutil.h"

struct fixture {
    char root[64];
    char dir[128];  /* root/case: the case under test */
    char dir2[128]; /* root/other: a second case */
    struct buf why;
    struct casedir *c;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    test_tmpdir(f->root, sizeof(f->root), "casedir");
    snprintf(f->dir, sizeof(f->dir), "%s/case", f->root);
    snprintf(f->dir2, sizeof(f->dir2), "%s/other", f->root);
    buf_init(&f->why, 8192);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    casedir_close(f->c);
    buf_free(&f->why);
    test_rmtree(f->root);
    free(f);
    return 0;
}

static void
path_in(char *out, size_t outsz, const char *dir, const char *name)
{
    assert_int_equal(fs_join(out, outsz, dir, name), TOCSIN_OK);
}

static mode_t
mode_of(const char *dir, const char *name)
{
    char path[512];
    struct stat st;

    path_in(path, sizeof(path), dir, name);
    if (stat(path, &st) != 0)
        fail_msg("%s: missing", path);
    return st.st_mode & 07777;
}

/* Entries in dir besides . and .. */
static int
count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void
init_ok(struct fixture *f, const char *dir)
{
    buf_reset(&f->why);
    if (casedir_init(dir, &f->why) != TOCSIN_OK)
        fail_msg("init %s: %s", dir, buf_str(&f->why));
}

static void
expect_why(struct fixture *f, const char *what)
{
    if (strstr(buf_str(&f->why), what) == NULL)
        fail_msg("want \"%s\" in \"%s\"", what, buf_str(&f->why));
}

static int
is_hex(const char *s, size_t n)
{
    size_t i;

    if (strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static void
test_init_creates_files(void **state)
{
    struct fixture *f = *state;
    const struct embedded_file *e;
    char path[512], check[SEAL_KEY_CHECK_HEX + 1];
    struct buf v;
    int ntemplates = 0;

    umask(022);
    init_ok(f, f->dir);
    assert_true(casedir_is_case(f->dir));
    assert_int_equal(mode_of(f->root, "case"), 0700);
    assert_int_equal(mode_of(f->dir, CASEDIR_CONFIG), 0600);
    assert_int_equal(mode_of(f->dir, CASEDIR_KEY), 0600);
    assert_int_equal(mode_of(f->dir, CASEDIR_DB), 0600);
    assert_int_equal(mode_of(f->dir, CASEDIR_TEMPLATES), 0700);
    /* Exactly the case files, the templates, and no leftovers (WAL). */
    assert_int_equal(count_entries(f->dir), 4);

    /* Every embedded file is there, byte for byte; templates 0600. */
    for (e = embedded_files; e->name != NULL; e++) {
        char *data = NULL;
        size_t len = 0;

        if (strncmp(e->name, "templates/", 10) == 0)
            ntemplates++;
        else if (strcmp(e->name, CASEDIR_CONFIG) != 0)
            continue;
        path_in(path, sizeof(path), f->dir, e->name);
        assert_int_equal(fs_read_file(path, 1u << 20, &data, &len), TOCSIN_OK);
        if (strcmp(e->name, CASEDIR_CONFIG) == 0) {
            /* the default, with a random secret for the web service's
             * dashboard after "token =" in [serve] (43 of base64url) */
            const char *at = strstr(e->data, "\n[serve]\n");
            size_t off, i;

            assert_non_null(at);
            at = strstr(at, "\ntoken =\n");
            assert_non_null(at);
            off = (size_t)(at - e->data) + 8;
            assert_int_equal(len, e->len + 44);
            assert_memory_equal(data, e->data, off);
            assert_int_equal(data[off], ' ');
            for (i = off + 1; i < off + 44; i++)
                assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                                       "klmnopqrstuvwxyz0123456789-_",
                                       data[i]));
            assert_memory_equal(data + off + 44, e->data + off, e->len - off);
        } else {
            assert_int_equal(len, e->len);
            assert_memory_equal(data, e->data, len);
        }
        free(data);
        assert_int_equal(mode_of(f->dir, e->name), 0600);
    }
    assert_true(ntemplates >= 6); /* nl and en: subject, text, html */
    assert_int_equal(mode_of(f->dir, "templates/nl"), 0700);
    assert_int_equal(mode_of(f->dir, "templates/en"), 0700);

    /* The facts in the database. */
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_OK);
    buf_init(&v, 256);
    assert_int_equal(store_meta_get(casedir_store(f->c), "case_id", &v),
                     TOCSIN_OK);
    assert_true(is_hex(buf_str(&v), 32));
    buf_reset(&v);
    assert_int_equal(store_meta_get(casedir_store(f->c), "created_at", &v),
                     TOCSIN_OK);
    assert_int_equal(buf_len(&v), 20);
    assert_int_equal(buf_str(&v)[10], 'T');
    assert_int_equal(buf_str(&v)[19], 'Z');
    buf_reset(&v);
    assert_int_equal(store_meta_get(casedir_store(f->c), "tocsin_version", &v),
                     TOCSIN_OK);
    assert_string_equal(buf_str(&v), TOCSIN_VERSION);
    buf_reset(&v);
    assert_int_equal(store_meta_get(casedir_store(f->c), "key_check", &v),
                     TOCSIN_OK);
    seal_key_check(casedir_seal(f->c), check);
    assert_string_equal(buf_str(&v), check);
    buf_free(&v);
}

static void
test_init_ids_differ(void **state)
{
    struct fixture *f = *state;
    struct casedir *c2 = NULL;
    struct buf a, b;

    init_ok(f, f->dir);
    init_ok(f, f->dir2);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_OK);
    assert_int_equal(casedir_open(f->dir2, 0, &c2, &f->why), TOCSIN_OK);
    buf_init(&a, 256);
    buf_init(&b, 256);
    assert_int_equal(store_meta_get(casedir_store(f->c), "case_id", &a),
                     TOCSIN_OK);
    assert_int_equal(store_meta_get(casedir_store(c2), "case_id", &b),
                     TOCSIN_OK);
    assert_string_not_equal(buf_str(&a), buf_str(&b));
    buf_free(&a);
    buf_free(&b);
    casedir_close(c2);
}

static void
test_init_refuses_twice(void **state)
{
    struct fixture *f = *state;
    char path[512], *before = NULL, *after = NULL;

    init_ok(f, f->dir);
    path_in(path, sizeof(path), f->dir, CASEDIR_KEY);
    assert_int_equal(fs_read_file(path, 1024, &before, NULL), TOCSIN_OK);
    buf_reset(&f->why);
    assert_int_equal(casedir_init(f->dir, &f->why), TOCSIN_EEXIST);
    expect_why(f, "is a case already");
    assert_int_equal(fs_read_file(path, 1024, &after, NULL), TOCSIN_OK);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_OK);
}

static void
test_init_refuses_non_empty(void **state)
{
    struct fixture *f = *state;
    char path[512];

    assert_int_equal(mkdir(f->dir, 0755), 0);
    path_in(path, sizeof(path), f->dir, "notes.txt");
    assert_int_equal(fs_write_file(path, "x", 1, 0644, 0), TOCSIN_OK);
    assert_int_equal(casedir_init(f->dir, &f->why), TOCSIN_EEXIST);
    expect_why(f, "exists and is not empty");
    assert_int_equal(count_entries(f->dir), 1);
    assert_int_equal(mode_of(f->root, "case"), 0755);

    /* A file where the directory should be. */
    buf_reset(&f->why);
    assert_int_equal(casedir_init(path, &f->why), TOCSIN_EEXIST);
    expect_why(f, "exists and is not a directory");

    /* A missing parent. */
    buf_reset(&f->why);
    path_in(path, sizeof(path), f->root, "no/such/dir");
    assert_int_equal(casedir_init(path, &f->why), TOCSIN_EIO);
    expect_why(f, "No such file or directory");
}

static void
test_init_accepts_empty_dir(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(mkdir(f->dir, 0755), 0);
    init_ok(f, f->dir);
    assert_int_equal(mode_of(f->root, "case"), 0700);
    assert_true(casedir_is_case(f->dir));
    /* A trailing slash is the same directory. */
    buf_reset(&f->why);
    assert_int_equal(mkdir(f->dir2, 0700), 0);
    {
        char slash[160];

        snprintf(slash, sizeof(slash), "%s/", f->dir2);
        init_ok(f, slash);
        assert_int_equal(casedir_open(slash, 0, &f->c, &f->why), TOCSIN_OK);
    }
}

/* Run casedir_init with files limited to limit bytes: it fails. */
static int
init_with_fsize(struct fixture *f, const char *dir, rlim_t limit)
{
    struct rlimit old, lim;
    void (*old_handler)(int);
    int rc;

    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = limit;
    old_handler = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    buf_reset(&f->why);
    rc = casedir_init(dir, &f->why);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
    return rc;
}

static void
test_init_undoes_on_failure(void **state)
{
    struct fixture *f = *state;
    const struct embedded_file *e;
    size_t biggest = 0;

    /* The first file cannot be written: the new directory goes again. */
    assert_int_not_equal(init_with_fsize(f, f->dir, 1), TOCSIN_OK);
    assert_int_equal(access(f->dir, F_OK), -1);
    /* An existing empty directory stays, empty, with its mode. */
    assert_int_equal(mkdir(f->dir, 0750), 0);
    assert_int_not_equal(init_with_fsize(f, f->dir, 1), TOCSIN_OK);
    assert_int_equal(count_entries(f->dir), 0);
    assert_int_equal(mode_of(f->root, "case"), 0750);

    /* Every default file fits but the database (over 16 KiB with its
     * WAL) does not: the templates and the key go again too. */
    for (e = embedded_files; e->name != NULL; e++)
        if (e->len > biggest)
            biggest = e->len;
    biggest += 44; /* case.ini gets the dashboard's secret */
    if (biggest + 1 >= 16000) {
        print_message("# defaults too large for the database case\n");
        return;
    }
    assert_int_not_equal(init_with_fsize(f, f->dir, biggest + 1), TOCSIN_OK);
    expect_why(f, "database");
    assert_int_equal(count_entries(f->dir), 0);
    /* And afterwards, with room, the same directory becomes a case. */
    init_ok(f, f->dir);
}

static void
test_open(void **state)
{
    struct fixture *f = *state;
    const struct case_config *cfg;
    struct casedir *ro = NULL;
    struct buf v;

    init_ok(f, f->dir);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_OK);
    assert_string_equal(casedir_path(f->c), f->dir);
    cfg = casedir_config(f->c);
    assert_non_null(cfg);
    assert_string_equal(cfg->organisation, "Odido Netherlands B.V.");
    assert_int_equal(cfg->nbrands, 2);
    assert_non_null(casedir_seal(f->c));
    assert_int_equal(store_schema_version(casedir_store(f->c)),
                     store_schema_latest());
    assert_int_equal(store_meta_set(casedir_store(f->c), "x", "1"), TOCSIN_OK);

    /* Read-only beside it: sees the data, cannot write. */
    assert_int_equal(casedir_open(f->dir, CASEDIR_READONLY, &ro, &f->why),
                     TOCSIN_OK);
    buf_init(&v, 64);
    assert_int_equal(store_meta_get(casedir_store(ro), "x", &v), TOCSIN_OK);
    assert_string_equal(buf_str(&v), "1");
    buf_free(&v);
    assert_int_equal(store_meta_set(casedir_store(ro), "x", "2"), TOCSIN_EDB);
    casedir_close(ro);
}

static void
test_open_swapped_key(void **state)
{
    struct fixture *f = *state;
    char mine[512], theirs[512], *data = NULL;
    size_t len = 0;

    init_ok(f, f->dir);
    init_ok(f, f->dir2);
    path_in(mine, sizeof(mine), f->dir, CASEDIR_KEY);
    path_in(theirs, sizeof(theirs), f->dir2, CASEDIR_KEY);
    assert_int_equal(fs_read_file(theirs, 1024, &data, &len), TOCSIN_OK);
    assert_int_equal(fs_write_file(mine, data, len, 0600, 0), TOCSIN_OK);
    free(data);
    buf_reset(&f->why);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_EKEY);
    assert_null(f->c);
    expect_why(f, "case.key is not the key of this case");
    assert_int_equal(casedir_open(f->dir, CASEDIR_READONLY, &f->c, &f->why),
                     TOCSIN_EKEY);
}

static void
test_open_key_readable_by_others(void **state)
{
    struct fixture *f = *state;
    char key[512];

    init_ok(f, f->dir);
    path_in(key, sizeof(key), f->dir, CASEDIR_KEY);
    assert_int_equal(chmod(key, 0644), 0);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_EKEY);
    expect_why(f, "may be read by others (mode 0644)");
    expect_why(f, "chmod 600");

    /* A malformed key. */
    assert_int_equal(fs_write_file(key, "tocsin-key-1 00\n", 16, 0600, 0),
                     TOCSIN_OK);
    buf_reset(&f->why);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_EKEY);
    expect_why(f, "not a tocsin key file");
}

static void
test_open_broken_config(void **state)
{
    struct fixture *f = *state;
    char path[512], want[600], *text = NULL, *edited;
    const char *at;
    size_t len = 0;
    int line = 1;

    init_ok(f, f->dir);
    path_in(path, sizeof(path), f->dir, CASEDIR_CONFIG);
    assert_int_equal(fs_read_file(path, 1u << 20, &text, &len), TOCSIN_OK);
    at = strstr(text, "[incident]\n");
    assert_non_null(at);
    at += strlen("[incident]\n");
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    edited = malloc(len + 32);
    assert_non_null(edited);
    snprintf(edited, len + 32, "%.*sbogus = 1\n%s", (int)(at - text), text,
             at);
    assert_int_equal(fs_write_file(path, edited, strlen(edited), 0600, 0),
                     TOCSIN_OK);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_ECONFIG);
    assert_null(f->c);
    snprintf(want, sizeof(want), "%s:%d: unknown key 'bogus' in [incident]",
             path, line);
    expect_why(f, want);
    free(text);
    free(edited);
}

static void
test_open_not_a_case(void **state)
{
    struct fixture *f = *state;
    char path[512];

    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_ENOTCASE);
    expect_why(f, "is not a tocsin case (no such directory)");
    assert_int_equal(mkdir(f->dir, 0700), 0);
    buf_reset(&f->why);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_ENOTCASE);
    expect_why(f, "missing: case.ini, case.key, case.db");
    assert_false(casedir_is_case(f->dir));

    /* A case that lost its database is no case. */
    rmdir(f->dir);
    init_ok(f, f->dir);
    path_in(path, sizeof(path), f->dir, CASEDIR_DB);
    assert_int_equal(unlink(path), 0);
    assert_false(casedir_is_case(f->dir));
    buf_reset(&f->why);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_ENOTCASE);
    expect_why(f, "missing: case.db)");
}

static void
test_open_schema(void **state)
{
    struct fixture *f = *state;
    char path[512], sql[64];
    sqlite3 *h;

    init_ok(f, f->dir);
    path_in(path, sizeof(path), f->dir, CASEDIR_DB);
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
             store_schema_latest() + 1);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(casedir_open(f->dir, 0, &f->c, &f->why), TOCSIN_ESCHEMA);
    assert_int_equal(casedir_open(f->dir, CASEDIR_READONLY, &f->c, &f->why),
                     TOCSIN_ESCHEMA);

    /* Older than this program: read-only cannot migrate, so says so. */
    assert_int_equal(
        sqlite3_exec(h, "PRAGMA user_version = 0", NULL, NULL, NULL),
        SQLITE_OK);
    buf_reset(&f->why);
    assert_int_equal(casedir_open(f->dir, CASEDIR_READONLY, &f->c, &f->why),
                     TOCSIN_ESCHEMA);
    expect_why(f, "is at schema version 0");
    sqlite3_close(h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_creates_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_init_ids_differ, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_refuses_twice, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_init_refuses_non_empty, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_init_accepts_empty_dir, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_init_undoes_on_failure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_swapped_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_key_readable_by_others,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_broken_config, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_not_a_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_schema, setup, teardown),
    };

    return cmocka_run_group_tests_name("casedir", tests, NULL, NULL);
}
