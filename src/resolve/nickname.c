/*
 * nickname.c - the first-name variant table (nickname.h).
 *
 * The table text stays where it is (the embedded file, or the caller's
 * text for nickname_check()); names point into it. Each distinct name has
 * one entry with its groups inline, found through an open-addressing hash
 * table of 16-bit entry numbers with linear probing, at most half full.
 */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nickname.h"

#include "../store/embedded.h"
#include "../util/log.h"

#define NICK_FILE  "nicknames.txt"
#define NICK_SLOTS (2 * LIMIT_NICKNAME_NAMES)

_Static_assert((NICK_SLOTS & (NICK_SLOTS - 1)) == 0, "slots: power of 2");
_Static_assert(LIMIT_NICKNAME_NAMES < 65535, "entry numbers are 16 bits");
_Static_assert(LIMIT_NICKNAME_GROUPS <= 65535, "group numbers are 16 bits");
_Static_assert(LIMIT_NICKNAME_NAME <= 255, "name lengths are 8 bits");
_Static_assert(LIMIT_NICKNAME_NAME_GROUPS <= 255, "group counts are 8 bits");

struct nick_name {
    const char *s; /* into the table text, not NUL-terminated */
    uint8_t len;
    uint8_t ngroups;
    uint16_t groups[LIMIT_NICKNAME_NAME_GROUPS]; /* ascending */
};

struct nick_table {
    uint16_t slot[NICK_SLOTS]; /* entry number + 1; 0: empty */
    struct nick_name name[LIMIT_NICKNAME_NAMES];
    size_t nnames;
    size_t ngroups;
    size_t nmembers;
    /* per group: bit c - 'a' for the first letter c of each name in it */
    uint32_t initials[LIMIT_NICKNAME_GROUPS + 1];
};

static struct nick_table nick_builtin;
static pthread_once_t nick_once = PTHREAD_ONCE_INIT;

/* FNV-1a, 32 bits. */
static uint32_t
nick_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* The entry of s[0..n), or NULL; with slot_out (may be NULL) the slot where
 * it is or would go. */
static const struct nick_name *
nick_find(const struct nick_table *t, const char *s, size_t n,
          size_t *slot_out)
{
    size_t i;

    if (n == 0 || n > LIMIT_NICKNAME_NAME)
        return NULL;
    i = nick_hash(s, n) & (NICK_SLOTS - 1);
    for (;;) {
        unsigned e = t->slot[i];
        const struct nick_name *nm;

        if (e == 0) {
            if (slot_out != NULL)
                *slot_out = i;
            return NULL;
        }
        nm = &t->name[e - 1];
        if (nm->len == n && memcmp(nm->s, s, n) == 0) {
            if (slot_out != NULL)
                *slot_out = i;
            return nm;
        }
        i = (i + 1) & (NICK_SLOTS - 1);
    }
}

static int
nick_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Add the name s[0..n) to group g. */
static int
nick_add(struct nick_table *t, const char *s, size_t n, size_t g)
{
    struct nick_name *nm;
    size_t slot = 0;

    if (n > LIMIT_NICKNAME_NAME)
        return TOCSIN_ELIMIT;
    nm = (struct nick_name *)nick_find(t, s, n, &slot);
    if (nm == NULL) {
        if (t->nnames >= LIMIT_NICKNAME_NAMES)
            return TOCSIN_ELIMIT;
        nm = &t->name[t->nnames];
        nm->s = s;
        nm->len = (uint8_t)n;
        nm->ngroups = 0;
        t->slot[slot] = (uint16_t)(t->nnames + 1);
        t->nnames++;
    }
    /* Groups come in ascending order, so a repeat is the last one. */
    if (nm->ngroups > 0 && nm->groups[nm->ngroups - 1] == g)
        return TOCSIN_EFORMAT; /* twice on one line */
    if (nm->ngroups >= LIMIT_NICKNAME_NAME_GROUPS)
        return TOCSIN_ELIMIT;
    nm->groups[nm->ngroups++] = (uint16_t)g;
    t->nmembers++;
    if (g <= LIMIT_NICKNAME_GROUPS && s[0] >= 'a' && s[0] <= 'z')
        t->initials[g] |= 1u << (s[0] - 'a');
    return TOCSIN_OK;
}

/* One line (without its newline) that holds names: group t->ngroups + 1. */
static int
nick_line(struct nick_table *t, const char *p, size_t n)
{
    size_t i = 0, count = 0, g;
    int rc;

    if (t->ngroups >= LIMIT_NICKNAME_GROUPS)
        return TOCSIN_ELIMIT;
    g = ++t->ngroups;
    while (i < n) {
        size_t start;

        while (i < n && nick_blank(p[i]))
            i++;
        if (i == n)
            break;
        start = i;
        while (i < n && !nick_blank(p[i])) {
            if (p[i] < 'a' || p[i] > 'z')
                return TOCSIN_EFORMAT;
            i++;
        }
        if (++count > LIMIT_NICKNAME_GROUP_NAMES)
            return TOCSIN_ELIMIT;
        rc = nick_add(t, p + start, i - start, g);
        if (rc != TOCSIN_OK)
            return rc;
    }
    return count >= 2 ? TOCSIN_OK : TOCSIN_EFORMAT;
}

/* Parse text[0..len) into the zeroed table t. */
static int
nick_parse(struct nick_table *t, const char *text, size_t len,
           struct nickname_stats *st)
{
    size_t off = 0, line = 0;
    int rc = TOCSIN_OK;

    while (off < len) {
        const char *p = text + off;
        const char *nl = memchr(p, '\n', len - off);
        size_t n = nl != NULL ? (size_t)(nl - p) : len - off, i;

        line++;
        off += n + (nl != NULL);
        if (n > 0 && p[0] == '#')
            continue;
        for (i = 0; i < n && nick_blank(p[i]); i++)
            ;
        if (i == n)
            continue; /* empty */
        rc = nick_line(t, p, n);
        if (rc != TOCSIN_OK)
            break;
    }
    st->groups = t->ngroups;
    st->names = t->nnames;
    st->memberships = t->nmembers;
    st->line = rc == TOCSIN_OK ? 0 : line;
    return rc;
}

const char *
nickname_table_text(size_t *len)
{
    const struct embedded_file *f;

    for (f = embedded_files; f->name != NULL; f++) {
        if (strcmp(f->name, NICK_FILE) == 0) {
            *len = f->len;
            return f->data;
        }
    }
    *len = 0;
    return NULL;
}

int
nickname_check(const char *text, size_t len, struct nickname_stats *st)
{
    struct nick_table *t;
    int rc;

    memset(st, 0, sizeof(*st));
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return TOCSIN_ENOMEM;
    rc = nick_parse(t, text, len, st);
    free(t);
    return rc;
}

/* A broken built-in table is a bug in the build: say where, and stop. */
static void
nick_init(void)
{
    struct nickname_stats st;
    const char *text;
    size_t len;
    int rc;

    text = nickname_table_text(&len);
    if (text == NULL) {
        log_error("this tocsin was built without %s", NICK_FILE);
        abort();
    }
    rc = nick_parse(&nick_builtin, text, len, &st);
    if (rc != TOCSIN_OK) {
        log_error("built-in %s, line %zu: %s", NICK_FILE, st.line,
                  tocsin_strerror(rc));
        abort();
    }
}

static const struct nick_name *
nick_lookup(const char *key, size_t len)
{
    if (pthread_once(&nick_once, nick_init) != 0)
        abort();
    return nick_find(&nick_builtin, key, len, NULL);
}

size_t
nickname_groups(const char *key, size_t len, uint32_t *out, size_t max)
{
    const struct nick_name *nm = nick_lookup(key, len);
    size_t i;

    if (nm == NULL)
        return 0;
    for (i = 0; i < nm->ngroups && i < max; i++)
        out[i] = nm->groups[i];
    return i;
}

int
nickname_match(const char *a, size_t alen, const char *b, size_t blen)
{
    const struct nick_name *na, *nb;
    size_t i = 0, j = 0;

    if (alen > 0 && alen == blen && memcmp(a, b, alen) == 0)
        return 1;
    na = nick_lookup(a, alen);
    if (na == NULL)
        return 0;
    nb = nick_lookup(b, blen);
    if (nb == NULL)
        return 0;
    /* Both lists ascend: merge. */
    while (i < na->ngroups && j < nb->ngroups) {
        if (na->groups[i] == nb->groups[j])
            return 1;
        if (na->groups[i] < nb->groups[j])
            i++;
        else
            j++;
    }
    return 0;
}

uint32_t
nickname_initials(const char *key, size_t len)
{
    const struct nick_name *nm;
    uint32_t mask = 0;
    size_t i;

    if (len == 0)
        return 0;
    if (key[0] >= 'a' && key[0] <= 'z')
        mask = 1u << (key[0] - 'a');
    nm = nick_lookup(key, len);
    if (nm != NULL)
        for (i = 0; i < nm->ngroups; i++)
            mask |= nick_builtin.initials[nm->groups[i]];
    return mask;
}
