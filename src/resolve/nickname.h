/*
 * nickname.h - first-name variants: "jan", "johannes", "hans", "johan" and
 * "joop" are one name; "bert" may be albert, robert, gilbert, herbert or
 * hubert.
 *
 * The table is data/nicknames.txt, built into the binary (store/embedded.h;
 * its format is described at the top of that file): one group per line,
 * the formal name first. Groups are numbered from 1 in file order; a name
 * may be in several groups (at most NICKNAME_MAX_GROUPS). Names are name
 * keys (name_key(): lower case ASCII letters, one word).
 *
 * The built-in table is parsed on first use, once, thread-safely
 * (pthread_once), into an open-addressing hash table in static storage;
 * lookups never allocate and are safe from any number of threads. A
 * built-in table that does not parse is a bug: the first lookup logs the
 * line and aborts (the unit test checks the table with nickname_check()).
 */
#ifndef TOCSIN_RESOLVE_NICKNAME_H
#define TOCSIN_RESOLVE_NICKNAME_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/limits.h"

/* An out[] of this many entries always holds every group of a name. */
#define NICKNAME_MAX_GROUPS LIMIT_NICKNAME_NAME_GROUPS

/*
 * The groups the name key[0..len) belongs to, into out[0..max), ascending
 * (group numbers >= 1). Returns how many were stored: 0 when the key is
 * not in the table (or is empty, or holds a space or a capital: keys are
 * compared as bytes); at most max, so pass NICKNAME_MAX_GROUPS to get
 * them all. key need not be NUL-terminated.
 */
size_t nickname_groups(const char *key, size_t len, uint32_t *out, size_t max);

/*
 * 1 when the name keys a[0..alen) and b[0..blen) share a group, or are
 * equal and non-empty (also when not in the table); 0 otherwise.
 */
int nickname_match(const char *a, size_t alen, const char *b, size_t blen);

/*
 * The first letters the name key[0..len) may be written with as an
 * initial: bit c - 'a' for its own first letter and for the first letter
 * of every name that shares a group with it ("jacobus": j, k for Koos,
 * s for Sjaak). 0 for an empty key; only a-z count.
 */
uint32_t nickname_initials(const char *key, size_t len);

/* What nickname_check() found. */
struct nickname_stats {
    size_t groups;      /* lines with names */
    size_t names;       /* distinct names */
    size_t memberships; /* (name, group) pairs */
    size_t line;        /* on an error: the 1-based line at fault */
};

/*
 * Parse a table in the nicknames.txt format from text[0..len) without
 * installing it, and count what it holds into *st. A line is well formed
 * when it is empty, a comment ('#' first), or names of 'a'..'z' separated
 * by blanks (spaces or tabs), at least two of them, none twice. Errors:
 * TOCSIN_EFORMAT for a malformed line (a byte other than a-z, blank or
 * newline, CR included; one name only; a name twice on one line);
 * TOCSIN_ELIMIT when a LIMIT_NICKNAME_* limit is passed; in both cases
 * st->line is the 1-based line at fault (0 on success) and the counts are
 * those up to it. TOCSIN_ENOMEM. Allocates a work table (about 100 KiB)
 * and frees it; not for hot paths.
 */
TOCSIN_MUST_CHECK int nickname_check(const char *text, size_t len,
                                     struct nickname_stats *st);

/* The built-in table's text (NUL-terminated, static), or NULL when the
 * build has none; *len receives its length. */
const char *nickname_table_text(size_t *len);

#endif
