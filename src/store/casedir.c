/*
 * casedir.c - making and opening a case directory.
 *
 * casedir_init() writes every file durably (fsync of files and
 * directories) and keeps a list of what it made, so that a failure halfway
 * removes exactly those files and nothing the user had.
 */
#include "casedir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../util/fsutil.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "embedded.h"

struct casedir {
    char *path;
    struct case_config *cfg;
    struct seal *seal;
    struct store *store;
};

/* Append a message to why (which may be NULL); a message that does not fit
 * is dropped: the status code still says what happened. */
static void casedir_why(struct buf *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
casedir_why(struct buf *why, const char *fmt, ...)
{
    va_list ap;

    if (why == NULL)
        return;
    va_start(ap, fmt);
    if (buf_vprintf(why, fmt, ap) != TOCSIN_OK) {
        /* dropped */
    }
    va_end(ap);
}

int
casedir_is_case(const char *dir)
{
    static const char *const files[] = {CASEDIR_CONFIG, CASEDIR_KEY,
                                        CASEDIR_DB};
    char path[LIMIT_PATH];
    size_t i;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (fs_join(path, sizeof(path), dir, files[i]) != TOCSIN_OK ||
            !fs_is_file(path))
            return 0;
    return 1;
}

/* ---- init ---- */

/* What casedir_init() made, to undo it on failure (in reverse order). */
struct casedir_made {
    char *path[LIMIT_CASE_FILES];
    int is_dir[LIMIT_CASE_FILES];
    size_t n;
};

static int
casedir_made_add(struct casedir_made *m, const char *path, int is_dir)
{
    if (m->n >= LIMIT_CASE_FILES)
        return TOCSIN_ELIMIT;
    m->path[m->n] = strdup(path);
    if (m->path[m->n] == NULL)
        return TOCSIN_ENOMEM;
    m->is_dir[m->n++] = is_dir;
    return TOCSIN_OK;
}

static void
casedir_made_undo(struct casedir_made *m)
{
    while (m->n > 0) {
        m->n--;
        if (m->is_dir[m->n])
            rmdir(m->path[m->n]);
        else
            unlink(m->path[m->n]);
        free(m->path[m->n]);
    }
}

static void
casedir_made_free(struct casedir_made *m)
{
    while (m->n > 0)
        free(m->path[--m->n]);
}

/* The directory that holds path ("." when none), into out. */
static int
casedir_parent(const char *path, char *out, size_t outsz)
{
    size_t n = strlen(path);

    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0) {
        n = 1;
        path = ".";
    }
    if (n + 1 > outsz)
        return TOCSIN_ELIMIT;
    memcpy(out, path, n);
    out[n] = '\0';
    return TOCSIN_OK;
}

/* 1 when the directory has no entries besides . and .., 0 when it has,
 * negative on error. */
static int
casedir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int empty = 1;

    if (d == NULL)
        return TOCSIN_EIO;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    }
    closedir(d);
    return empty;
}

/* Make dir (0700) or take an existing empty one; refusals in words. */
static int
casedir_make_dir(const char *dir, const char *esc, struct casedir_made *m,
                 mode_t *old_mode, struct buf *why)
{
    char parent[LIMIT_PATH];
    struct stat st;
    int rc;

    *old_mode = 0;
    if (mkdir(dir, 0700) == 0) {
        rc = casedir_made_add(m, dir, 1);
        if (rc == TOCSIN_OK)
            rc = casedir_parent(dir, parent, sizeof(parent));
        if (rc == TOCSIN_OK && fs_sync_dir(parent) != TOCSIN_OK)
            rc = TOCSIN_EIO;
        if (rc != TOCSIN_OK)
            casedir_why(why, "%s: cannot create the directory", esc);
        return rc;
    }
    if (errno != EEXIST) {
        casedir_why(why, "%s: %s", esc, strerror(errno));
        return TOCSIN_EIO;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        casedir_why(why, "%s exists and is not a directory", esc);
        return TOCSIN_EEXIST;
    }
    if (casedir_is_case(dir)) {
        casedir_why(why, "%s is a case already; tocsin never overwrites one",
                    esc);
        return TOCSIN_EEXIST;
    }
    rc = casedir_is_empty(dir);
    if (rc < 0) {
        casedir_why(why, "%s: %s", esc, strerror(errno));
        return rc;
    }
    if (rc == 0) {
        casedir_why(why,
                    "%s exists and is not empty; name a new directory or an "
                    "empty one",
                    esc);
        return TOCSIN_EEXIST;
    }
    /* The case holds personal data: only its owner may enter. */
    if (chmod(dir, 0700) != 0) {
        casedir_why(why, "%s: cannot make it private: %s", esc,
                    strerror(errno));
        return TOCSIN_EIO;
    }
    *old_mode = st.st_mode & 07777;
    return TOCSIN_OK;
}

/* Write one embedded file below dir, making its directories (0700). */
static int
casedir_write_embedded(const char *dir, const struct embedded_file *f,
                       struct casedir_made *m)
{
    char path[LIMIT_PATH];
    const char *slash;
    size_t off = 0;
    int rc;

    if (strstr(f->name, "..") != NULL || f->name[0] == '/')
        return TOCSIN_EINVAL; /* the build put something odd in */
    /* Each directory on the way: "templates", "templates/nl", ... */
    while ((slash = strchr(f->name + off, '/')) != NULL) {
        char sub[LIMIT_PATH];
        size_t n = (size_t)(slash - f->name);

        if (n + 1 > sizeof(sub))
            return TOCSIN_ELIMIT;
        memcpy(sub, f->name, n);
        sub[n] = '\0';
        rc = fs_join(path, sizeof(path), dir, sub);
        if (rc != TOCSIN_OK)
            return rc;
        if (!fs_is_dir(path)) {
            if (mkdir(path, 0700) != 0)
                return TOCSIN_EIO;
            rc = casedir_made_add(m, path, 1);
            if (rc != TOCSIN_OK)
                return rc;
        }
        off = n + 1;
    }
    rc = fs_join(path, sizeof(path), dir, f->name);
    if (rc != TOCSIN_OK)
        return rc;
    rc = fs_write_file(path, f->data, f->len, 0600, FS_EXCL);
    if (rc != TOCSIN_OK)
        return rc;
    return casedir_made_add(m, path, 0);
}

/*
 * The default case.ini with a fresh random secret for the web service's
 * dashboard: "token =" in [serve] becomes "token = " and 43 characters of
 * base64url (256 bits). A default without that line is written as it is.
 */
static int
casedir_write_config(const char *dir, const struct embedded_file *f,
                     struct casedir_made *m)
{
    static const char key[] = "\ntoken =\n";
    unsigned char raw[32];
    char token[sodium_base64_ENCODED_LEN(
        32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    const char *serve = strstr(f->data, "\n[serve]\n"), *at;
    struct embedded_file copy;
    struct buf b;
    size_t off;
    int rc;

    at = serve != NULL ? strstr(serve, key) : NULL;
    if (at == NULL)
        return casedir_write_embedded(dir, f, m);
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    off = (size_t)(at - f->data) + sizeof(key) - 2; /* before the '\n' */
    buf_init(&b, f->len + sizeof(token) + 2);
    if ((rc = buf_append(&b, f->data, off)) == TOCSIN_OK &&
        (rc = buf_printf(&b, " %s", token)) == TOCSIN_OK &&
        (rc = buf_append(&b, f->data + off, f->len - off)) == TOCSIN_OK) {
        copy = *f;
        copy.data = buf_str(&b);
        copy.len = buf_len(&b);
        rc = casedir_write_embedded(dir, &copy, m);
    }
    sodium_memzero(token, sizeof(token));
    buf_wipe(&b);
    return rc;
}

/* fsync every directory made (the files synced themselves). */
static int
casedir_sync_dirs(const struct casedir_made *m)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        if (m->is_dir[i] && fs_sync_dir(m->path[i]) != TOCSIN_OK)
            return TOCSIN_EIO;
    return TOCSIN_OK;
}

static int
casedir_sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = TOCSIN_OK;

    if (fd < 0)
        return TOCSIN_EIO;
    if (fsync(fd) != 0)
        rc = TOCSIN_EIO;
    close(fd);
    return rc;
}

/* The facts every case starts with. */
static int
casedir_meta(struct store *st, const struct seal *seal)
{
    unsigned char id[16];
    char id_hex[sizeof(id) * 2 + 1], check[SEAL_KEY_CHECK_HEX + 1];
    char created[32];
    struct tm tm;
    time_t now = time(NULL);
    int rc;

    randombytes_buf(id, sizeof(id));
    sodium_bin2hex(id_hex, sizeof(id_hex), id, sizeof(id));
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return TOCSIN_EIO;
    seal_key_check(seal, check);

    rc = store_begin(st);
    if (rc != TOCSIN_OK)
        return rc;
    rc = store_meta_set(st, "case_id", id_hex);
    if (rc == TOCSIN_OK)
        rc = store_meta_set(st, "created_at", created);
    if (rc == TOCSIN_OK)
        rc = store_meta_set(st, "tocsin_version", TOCSIN_VERSION);
    if (rc == TOCSIN_OK)
        rc = store_meta_set(st, "key_check", check);
    if (rc == TOCSIN_OK)
        return store_commit(st);
    store_rollback(st);
    return rc;
}

int
casedir_init(const char *dir, struct buf *why)
{
    static const char *const db_files[] = {CASEDIR_DB, CASEDIR_DB "-wal",
                                           CASEDIR_DB "-shm",
                                           CASEDIR_DB "-journal"};
    char esc[LIMIT_LOG_FIELD + 8], path[LIMIT_PATH];
    struct casedir_made made = {0};
    const struct embedded_file *f;
    struct seal *seal = NULL;
    struct store *st = NULL;
    mode_t old_mode = 0;
    size_t i;
    int rc, have_config = 0;

    log_escape(dir, esc, sizeof(esc));
    if (sodium_init() < 0) {
        casedir_why(why, "cannot initialise libsodium");
        return TOCSIN_ECRYPTO;
    }
    /* Refuse early when a path inside would not fit. */
    rc = fs_join(path, sizeof(path), dir, "templates/xx/yyyyyyyyyyyyyyyy");
    if (rc != TOCSIN_OK) {
        casedir_why(why, "%s: path too long", esc);
        return rc;
    }
    rc = casedir_make_dir(dir, esc, &made, &old_mode, why);
    if (rc != TOCSIN_OK) {
        casedir_made_undo(&made);
        return rc;
    }

    /* case.ini and the templates, from the defaults in the binary. */
    for (f = embedded_files; f->name != NULL; f++) {
        if (strcmp(f->name, CASEDIR_CONFIG) == 0)
            have_config = 1;
        else if (strncmp(f->name, CASEDIR_TEMPLATES "/",
                         sizeof(CASEDIR_TEMPLATES)) != 0)
            continue;
        if (strcmp(f->name, CASEDIR_CONFIG) == 0)
            rc = casedir_write_config(dir, f, &made);
        else
            rc = casedir_write_embedded(dir, f, &made);
        if (rc != TOCSIN_OK) {
            casedir_why(why, "%s: cannot write %s: %s", esc, f->name,
                        tocsin_strerror(rc));
            goto fail;
        }
    }
    if (!have_config) {
        rc = TOCSIN_EINVAL;
        casedir_why(why, "this tocsin was built without a default case.ini");
        goto fail;
    }

    /* The key. */
    rc = fs_join(path, sizeof(path), dir, CASEDIR_KEY);
    if (rc == TOCSIN_OK)
        rc = seal_key_create(path);
    if (rc == TOCSIN_OK)
        rc = casedir_made_add(&made, path, 0);
    if (rc == TOCSIN_OK)
        rc = seal_open(path, &seal);
    if (rc != TOCSIN_OK) {
        casedir_why(why, "%s: cannot create the key: %s", esc,
                    tocsin_strerror(rc));
        goto fail;
    }

    /* The database; its side files go too if anything fails. */
    for (i = 0; i < sizeof(db_files) / sizeof(db_files[0]); i++) {
        rc = fs_join(path, sizeof(path), dir, db_files[i]);
        if (rc == TOCSIN_OK && access(path, F_OK) == 0)
            rc = TOCSIN_EEXIST; /* appeared while we worked */
        if (rc == TOCSIN_OK)
            rc = casedir_made_add(&made, path, 0);
        if (rc != TOCSIN_OK) {
            casedir_why(why, "%s: cannot create the database: %s", esc,
                        tocsin_strerror(rc));
            goto fail;
        }
    }
    rc = fs_join(path, sizeof(path), dir, CASEDIR_DB);
    if (rc == TOCSIN_OK)
        rc = store_open(path, STORE_CREATE, &st);
    if (rc == TOCSIN_OK) {
        rc = casedir_meta(st, seal);
        if (rc != TOCSIN_OK)
            casedir_why(why, "%s: cannot write the database: %s", esc,
                        store_errmsg(st));
    } else {
        casedir_why(why, "%s: cannot create the database: %s", esc,
                    tocsin_strerror(rc));
    }
    store_close(st); /* checkpoints the WAL into case.db */
    st = NULL;
    if (rc != TOCSIN_OK)
        goto fail;

    if (casedir_sync_file(path) != TOCSIN_OK ||
        casedir_sync_dirs(&made) != TOCSIN_OK || fs_sync_dir(dir) != 0) {
        rc = TOCSIN_EIO;
        casedir_why(why, "%s: cannot sync: %s", esc, strerror(errno));
        goto fail;
    }
    seal_free(seal);
    casedir_made_free(&made);
    return TOCSIN_OK;

fail:
    seal_free(seal);
    store_close(st);
    casedir_made_undo(&made);
    if (old_mode != 0 && chmod(dir, old_mode) != 0) {
        /* the directory stays private; nothing else to do */
    }
    return rc;
}

/* ---- open ---- */

static void
casedir_why_missing(const char *dir, const char *esc, struct buf *why)
{
    static const char *const files[] = {CASEDIR_CONFIG, CASEDIR_KEY,
                                        CASEDIR_DB};
    char path[LIMIT_PATH];
    const char *sep = "";
    size_t i;

    if (!fs_is_dir(dir)) {
        casedir_why(why,
                    "%s is not a tocsin case (no such directory); create "
                    "one with 'tocsin init DIR'",
                    esc);
        return;
    }
    casedir_why(why, "%s is not a tocsin case (missing: ", esc);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (fs_join(path, sizeof(path), dir, files[i]) == TOCSIN_OK &&
            fs_is_file(path))
            continue;
        casedir_why(why, "%s%s", sep, files[i]);
        sep = ", ";
    }
    casedir_why(why, "); create one with 'tocsin init DIR'");
}

/* Why the key file was refused, in words. */
static void
casedir_why_key(const char *path, struct buf *why)
{
    char esc[LIMIT_LOG_FIELD + 8];
    struct stat st;

    log_escape(path, esc, sizeof(esc));
    if (stat(path, &st) != 0)
        casedir_why(why, "%s: %s", esc, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        casedir_why(why, "%s is not a regular file", esc);
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        casedir_why(why,
                    "%s may be read by others (mode %04o); make it private "
                    "with 'chmod 600 %s'",
                    esc, (unsigned)(st.st_mode & 07777), esc);
    else
        casedir_why(why,
                    "%s is unreadable or not a tocsin key file (one line: "
                    "tocsin-key-1 and 64 hex digits)",
                    esc);
}

int
casedir_open(const char *dir, int flags, struct casedir **out, struct buf *why)
{
    char esc[LIMIT_LOG_FIELD + 8], path[LIMIT_PATH];
    char check[SEAL_KEY_CHECK_HEX + 1];
    struct casedir *c;
    struct buf stored;
    int rc, v;

    *out = NULL;
    log_escape(dir, esc, sizeof(esc));
    if (!casedir_is_case(dir)) {
        casedir_why_missing(dir, esc, why);
        return TOCSIN_ENOTCASE;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return TOCSIN_ENOMEM;
    buf_init(&stored, 256);
    c->path = strdup(dir);
    if (c->path == NULL) {
        rc = TOCSIN_ENOMEM;
        goto fail;
    }

    rc = fs_join(path, sizeof(path), dir, CASEDIR_CONFIG);
    if (rc == TOCSIN_OK)
        rc = config_load(path, &c->cfg, why);
    if (rc != TOCSIN_OK)
        goto fail;

    rc = fs_join(path, sizeof(path), dir, CASEDIR_KEY);
    if (rc == TOCSIN_OK)
        rc = seal_open(path, &c->seal);
    if (rc != TOCSIN_OK) {
        if (rc == TOCSIN_EKEY)
            casedir_why_key(path, why);
        goto fail;
    }

    rc = fs_join(path, sizeof(path), dir, CASEDIR_DB);
    if (rc == TOCSIN_OK)
        rc = store_open(path, (flags & CASEDIR_READONLY) ? STORE_READONLY : 0,
                        &c->store);
    if (rc != TOCSIN_OK) {
        casedir_why(why, "%s/%s: %s", esc, CASEDIR_DB, tocsin_strerror(rc));
        goto fail;
    }
    if (!(flags & CASEDIR_READONLY)) {
        rc = store_migrate(c->store);
        if (rc != TOCSIN_OK) {
            casedir_why(why, "%s/%s: cannot bring the schema up to date: %s",
                        esc, CASEDIR_DB, store_errmsg(c->store));
            goto fail;
        }
    } else if ((v = store_schema_version(c->store)) != store_schema_latest()) {
        rc = v < 0 ? TOCSIN_EDB : TOCSIN_ESCHEMA;
        casedir_why(why,
                    "%s/%s is at schema version %d, this tocsin writes %d; "
                    "run a command that writes to the case (tocsin run) "
                    "to bring it up to date",
                    esc, CASEDIR_DB, v, store_schema_latest());
        goto fail;
    }

    rc = store_meta_get(c->store, "key_check", &stored);
    if (rc != TOCSIN_OK) {
        casedir_why(why, "%s/%s: no key check stored (%s)", esc, CASEDIR_DB,
                    rc == TOCSIN_ENOENT ? "not made by tocsin init?"
                                        : store_errmsg(c->store));
        rc = rc == TOCSIN_ENOENT ? TOCSIN_EDB : rc;
        goto fail;
    }
    seal_key_check(c->seal, check);
    if (strcmp(buf_str(&stored), check) != 0) {
        rc = TOCSIN_EKEY;
        casedir_why(why, "%s/%s is not the key of this case", esc,
                    CASEDIR_KEY);
        goto fail;
    }
    buf_free(&stored);
    *out = c;
    return TOCSIN_OK;
fail:
    buf_free(&stored);
    casedir_close(c);
    return rc;
}

void
casedir_close(struct casedir *c)
{
    if (c == NULL)
        return;
    store_close(c->store);
    seal_free(c->seal);
    config_free(c->cfg);
    free(c->path);
    free(c);
}

const char *
casedir_path(const struct casedir *c)
{
    return c->path;
}

const struct case_config *
casedir_config(const struct casedir *c)
{
    return c->cfg;
}

const struct seal *
casedir_seal(const struct casedir *c)
{
    return c->seal;
}

struct store *
casedir_store(struct casedir *c)
{
    return c->store;
}
