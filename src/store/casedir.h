/*
 * casedir.h - a case: the directory that holds one incident's response.
 *
 *   DIR/case.ini     configuration (see config.h), commented, edited by people
 *   DIR/case.key     the random master key, mode 0600 (see seal.h)
 *   DIR/case.db      the SQLite database every stage reads and writes
 *   DIR/templates/   message templates per language, copied from the
 *                    built-in defaults by casedir_init(), then the case's
 *                    own
 *
 * The directory is 0700. A directory is a case when case.ini, case.key
 * and case.db are all present.
 */
#ifndef TOCSIN_STORE_CASEDIR_H
#define TOCSIN_STORE_CASEDIR_H

#include "../util/buf.h"
#include "../util/error.h"
#include "config.h"
#include "seal.h"
#include "store.h"

#define CASEDIR_CONFIG    "case.ini"
#define CASEDIR_KEY       "case.key"
#define CASEDIR_DB        "case.db"
#define CASEDIR_TEMPLATES "templates"

struct casedir;

/*
 * Create a new case in dir: the directory itself (or an existing empty
 * one), the default configuration and templates, a fresh key and the
 * database at the latest schema. Refuses with TOCSIN_EEXIST when dir is
 * already a case or is not empty; *why (may be NULL) says why in words.
 * A half-made case is removed again on failure.
 */
TOCSIN_MUST_CHECK int casedir_init(const char *dir, struct buf *why);

/* 1 when dir looks like a case (the three files exist), else 0. */
int casedir_is_case(const char *dir);

/* Flags for casedir_open(). */
#define CASEDIR_READONLY 1 /* open the database read-only */

/*
 * Open the case in dir: load and validate the configuration, the key, and
 * the database, checking that the key is this case's and migrating the
 * schema (unless read-only). Caller frees with casedir_close(). Errors:
 * TOCSIN_ENOTCASE, TOCSIN_ECONFIG, TOCSIN_EKEY, TOCSIN_EDB, TOCSIN_ESCHEMA,
 * with details in *why (may be NULL).
 */
TOCSIN_MUST_CHECK int casedir_open(const char *dir, int flags,
                                   struct casedir **out, struct buf *why);
void casedir_close(struct casedir *c);

/* Borrowed until casedir_close(). */
const char *casedir_path(const struct casedir *c);
const struct case_config *casedir_config(const struct casedir *c);
const struct seal *casedir_seal(const struct casedir *c);
struct store *casedir_store(struct casedir *c);

#endif
