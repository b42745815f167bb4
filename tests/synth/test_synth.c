/*
 * test_synth.c - the synthetic breach: structure, truth, ratios and the
 * traps it must contain. One CSV breach of 20 000 persons is generated in
 * the group set-up and parsed with a strict RFC 4180 splitter; the cases
 * read it. Smaller runs check determinism, JSONL and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "synth/synth.h"
#include "util/checkdigit.h"
#include "util/limits.h"

#define N_PERSONS 20000
#define MAXF      64

enum {
    C_ID,
    C_BRAND,
    C_CUSTNO,
    C_SUBTYPE,
    C_FIRST,
    C_INFIX,
    C_LAST,
    C_STREET,
    C_HOUSENO,
    C_SUFFIX,
    C_POSTCODE,
    C_CITY,
    C_PHONE,
    C_EMAIL,
    C_IBAN,
    C_BIRTH,
    C_DOCTYPE,
    C_DOCNO,
    C_DOCEXP,
    C_VAT,
    C_END,
    C_NOTES,
};

/* One truth line and the export lines that belong to it. */
struct group {
    char id[24];
    char person[24];
    int bad;     /* truth says BAD */
    int lines;   /* logical records (CSV) or physical lines (JSONL) */
    int err;     /* a quote or JSON syntax error */
    int nf;      /* fields in the first logical record */
    int utf8_ok; /* every byte sequence valid UTF-8 */
    char **f;    /* the 22 fields of a valid row, else NULL */
};

struct breach {
    char *ex, *tr;
    size_t exlen, trlen;
    struct synth_stats st;
    struct group *g;
    size_t n;
};

static struct breach big;

/* ------------------------------------------------------------------ */
/* Helpers.                                                           */

static int
gen(uint64_t persons, uint64_t seed, int format, struct breach *b)
{
    struct synth_options o = {0};
    FILE *ex, *tr;
    int rc;

    memset(b, 0, sizeof(*b));
    o.persons = persons;
    o.seed = seed;
    o.format = format;
    ex = open_memstream(&b->ex, &b->exlen);
    tr = open_memstream(&b->tr, &b->trlen);
    if (ex == NULL || tr == NULL)
        return -1;
    rc = synth_write(&o, ex, tr, &b->st);
    fclose(ex);
    fclose(tr);
    return rc;
}

/* Strict UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
static int
utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i], cp, need, k;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return 0;
        i += need + 1;
    }
    return 1;
}

/* A growing string for the parsers. */
struct str {
    char *p;
    size_t len, cap;
};

static void
str_add(struct str *s, char c)
{
    if (s->len + 2 > s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->p = realloc(s->p, s->cap);
        assert_non_null(s->p);
    }
    s->p[s->len++] = c;
    s->p[s->len] = '\0';
}

static char *
str_take(struct str *s)
{
    char *p = s->p != NULL ? s->p : strdup("");

    assert_non_null(p);
    s->p = NULL;
    s->len = s->cap = 0;
    return p;
}

/*
 * One logical record of RFC 4180 CSV from *pp: fields into fv (at most
 * MAXF, malloc'd), their count returned. *err is set for a quote inside an
 * unquoted field, text after a closing quote or an unclosed quote; the
 * parse then goes on as a lenient reader would.
 */
static int
csv_record(const char **pp, const char *end, char **fv, int *err)
{
    const char *p = *pp;
    int nf = 0;
    struct str cur = {0};

    *err = 0;
    for (;;) {
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end) {
                    *err = 1;
                    break;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        str_add(&cur, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                str_add(&cur, *p++);
            }
            while (p < end && *p != ',' && *p != '\n') {
                *err = 1;
                str_add(&cur, *p++);
            }
        } else {
            while (p < end && *p != ',' && *p != '\n') {
                if (*p == '"')
                    *err = 1;
                str_add(&cur, *p++);
            }
        }
        if (nf < MAXF)
            fv[nf++] = str_take(&cur);
        else
            free(str_take(&cur));
        if (p >= end)
            break;
        if (*p++ == ',')
            continue;
        break;
    }
    *pp = p;
    return nf;
}

static void
parse_truth(struct breach *b)
{
    const char *p = b->tr, *end = b->tr + b->trlen, *nl;
    size_t cap = 1024;

    b->g = calloc(cap, sizeof(*b->g));
    assert_non_null(b->g);
    nl = memchr(p, '\n', (size_t)(end - p));
    assert_non_null(nl);
    assert_memory_equal(p, "record_id,person_id\n", 20);
    p = nl + 1;
    while (p < end) {
        struct group *g;
        const char *comma;

        nl = memchr(p, '\n', (size_t)(end - p));
        assert_non_null(nl);
        comma = memchr(p, ',', (size_t)(nl - p));
        assert_non_null(comma);
        if (b->n == cap) {
            cap *= 2;
            b->g = realloc(b->g, cap * sizeof(*b->g));
            assert_non_null(b->g);
        }
        g = &b->g[b->n++];
        memset(g, 0, sizeof(*g));
        assert_true(comma - p < 24 && nl - comma - 1 < 24);
        memcpy(g->id, p, (size_t)(comma - p));
        memcpy(g->person, comma + 1, (size_t)(nl - comma - 1));
        g->bad = strcmp(g->person, "BAD") == 0;
        p = nl + 1;
    }
}

static void
free_fields(char **fv, int nf)
{
    int i;

    for (i = 0; i < nf && i < MAXF; i++)
        free(fv[i]);
}

/* Split the CSV export into the truth's groups. */
static void
parse_csv(struct breach *b)
{
    const char *p = b->ex, *end = b->ex + b->exlen;
    char *fv[MAXF];
    size_t ti = 0;
    int nf, err, i;

    parse_truth(b);
    nf = csv_record(&p, end, fv, &err);
    assert_int_equal(nf, SYNTH_NCOLUMNS);
    for (i = 0; i < nf; i++)
        assert_string_equal(fv[i], synth_columns[i]);
    free_fields(fv, nf);
    while (p < end) {
        nf = csv_record(&p, end, fv, &err);
        if (ti < b->n && strcmp(fv[0], b->g[ti].id) == 0) {
            struct group *g = &b->g[ti++];

            g->lines = 1;
            g->err = err;
            g->nf = nf;
            g->utf8_ok = 1;
            for (i = 0; i < nf && i < MAXF; i++)
                if (!utf8_valid((const unsigned char *)fv[i], strlen(fv[i])))
                    g->utf8_ok = 0;
            if (nf == SYNTH_NCOLUMNS && !err && g->utf8_ok) {
                g->f = calloc(SYNTH_NCOLUMNS, sizeof(char *));
                assert_non_null(g->f);
                memcpy(g->f, fv, sizeof(char *) * SYNTH_NCOLUMNS);
                continue;
            }
        } else {
            assert_true(ti > 0); /* the header is followed by R1 */
            b->g[ti - 1].lines++;
        }
        free_fields(fv, nf);
    }
    assert_int_equal(ti, b->n);
}

static int
valid(const struct group *g)
{
    return g->lines == 1 && !g->err && g->nf == SYNTH_NCOLUMNS && g->utf8_ok;
}

static void
breach_free(struct breach *b)
{
    size_t i;
    int k;

    for (i = 0; i < b->n; i++) {
        if (b->g[i].f != NULL) {
            for (k = 0; k < SYNTH_NCOLUMNS; k++)
                free(b->g[i].f[k]);
            free(b->g[i].f);
        }
    }
    free(b->g);
    free(b->ex);
    free(b->tr);
    memset(b, 0, sizeof(*b));
}

static int
setup_big(void **state)
{
    (void)state;
    if (gen(N_PERSONS, 1, SYNTH_FORMAT_CSV, &big) != TOCSIN_OK)
        return -1;
    parse_csv(&big);
    return 0;
}

static int
teardown_big(void **state)
{
    (void)state;
    breach_free(&big);
    return 0;
}

/* Lower-case ASCII copy with spaces and the given characters dropped. */
static void
squeeze(const char *s, const char *drop, char *out, size_t outsz)
{
    size_t n = 0;

    for (; *s != '\0' && n + 1 < outsz; s++) {
        if (*s == ' ' || strchr(drop, *s) != NULL)
            continue;
        out[n++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s + 32) : *s;
    }
    out[n] = '\0';
}

/* A birth date in any of the generator's formats as yyyymmdd, or -1. */
static long
date_norm(const char *s)
{
    int d[3], n[3] = {0, 0, 0}, k = 0;
    size_t len = strlen(s), i;
    char sep = 0;

    if (len == 8 && strspn(s, "0123456789") == 8)
        return strtol(s, NULL, 10);
    d[0] = d[1] = d[2] = 0;
    for (i = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            d[k] = d[k] * 10 + (s[i] - '0');
            n[k]++;
        } else if ((s[i] == '-' || s[i] == '/') && k < 2 &&
                   (sep == 0 || sep == s[i])) {
            sep = s[i];
            k++;
        } else {
            return -1;
        }
    }
    if (k != 2)
        return -1;
    if (n[0] == 4)
        return d[0] * 10000L + d[1] * 100L + d[2];
    if (n[2] == 4)
        return d[2] * 10000L + d[1] * 100L + d[0];
    return -1;
}

/* A Dutch mobile in any format as "06xxxxxxxx" into out, else 0. */
static int
mobile_norm(const char *s, char *out)
{
    char d[32];
    size_t n = 0;
    const char *r;

    for (; *s != '\0' && n + 1 < sizeof(d); s++)
        if ((*s >= '0' && *s <= '9') || (*s == '+' && n == 0))
            d[n++] = *s;
    d[n] = '\0';
    r = d;
    if (strncmp(r, "+31", 3) == 0 || strncmp(r, "0031", 4) == 0) {
        r += r[0] == '+' ? 3 : 4;
        if (*r == '0')
            r++;
    } else if (r[0] == '0') {
        r++;
    } else if (!(r[0] == '6' && strlen(r) == 9)) {
        return 0;
    }
    if (r[0] != '6' || strlen(r) != 9)
        return 0;
    out[0] = '0';
    memcpy(out + 1, r, 10);
    return 1;
}

/* A tiny string -> count/person hash map (open addressing). */
struct kv {
    char *key;
    char person[24];
    int count; /* distinct persons seen */
    int flag;
    long extra;
};

struct map {
    struct kv *t;
    size_t cap, n;
};

static uint64_t
hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct kv *
map_get(struct map *m, const char *key)
{
    size_t i;

    if (m->t == NULL) {
        m->cap = 1 << 17;
        m->t = calloc(m->cap, sizeof(*m->t));
        assert_non_null(m->t);
    }
    assert_true(m->n < m->cap / 2);
    for (i = hash(key) & (m->cap - 1); m->t[i].key != NULL;
         i = (i + 1) & (m->cap - 1))
        if (strcmp(m->t[i].key, key) == 0)
            return &m->t[i];
    m->t[i].key = strdup(key);
    assert_non_null(m->t[i].key);
    m->n++;
    return &m->t[i];
}

/* Note person p under key; a second, different person raises count. */
static struct kv *
map_person(struct map *m, const char *key, const char *person)
{
    struct kv *e = map_get(m, key);

    if (e->count == 0) {
        memcpy(e->person, person, sizeof(e->person));
        e->count = 1;
    } else if (strcmp(e->person, person) != 0) {
        e->count++;
    }
    return e;
}

static void
map_free(struct map *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++)
        free(m->t[i].key);
    free(m->t);
}

/* ------------------------------------------------------------------ */
/* Cases on the big breach.                                           */

static void
csv_rows_match_truth(void **state)
{
    size_t i, bad = 0, nvalid = 0;
    char want[24];

    (void)state;
    assert_int_equal(big.n, big.st.records);
    assert_int_equal(big.st.persons, N_PERSONS);
    assert_int_equal(big.st.export_bytes, big.exlen);
    assert_int_equal(big.st.truth_bytes, big.trlen);
    for (i = 0; i < big.n; i++) {
        const struct group *g = &big.g[i];

        snprintf(want, sizeof(want), "R%08zu", i + 1);
        assert_string_equal(g->id, want);
        if (g->bad) {
            bad++;
            /* every malformed row really is malformed */
            assert_false(valid(g));
        } else {
            /* every other row is perfect: 22 fields, UTF-8, quoting */
            assert_true(valid(g));
            assert_int_equal(g->person[0], 'P');
            assert_int_equal(strlen(g->person), 6); /* P + 5 digits */
            nvalid++;
        }
    }
    assert_int_equal(bad, big.st.bad);
    assert_true(nvalid > 0);
}

static void
every_person_has_a_valid_record(void **state)
{
    unsigned char *seen = calloc(N_PERSONS + 1, 1);
    size_t i, n = 0;

    (void)state;
    assert_non_null(seen);
    for (i = 0; i < big.n; i++) {
        long p;

        if (big.g[i].bad)
            continue;
        p = strtol(big.g[i].person + 1, NULL, 10);
        assert_true(p >= 1 && p <= N_PERSONS);
        if (!seen[p]++)
            n++;
    }
    assert_int_equal(n, N_PERSONS);
    free(seen);
}

static double
share(int (*pred)(char **f))
{
    size_t i, n = 0, k = 0;

    for (i = 0; i < big.n; i++) {
        if (big.g[i].f == NULL)
            continue;
        n++;
        k += pred(big.g[i].f) != 0;
    }
    return (double)k / (double)n;
}

static int
has_doc(char **f)
{
    return f[C_DOCTYPE][0] != '\0';
}

static int
is_ben(char **f)
{
    return strcmp(f[C_BRAND], "Ben") == 0;
}

static int
has_vat(char **f)
{
    return f[C_VAT][0] != '\0';
}

static int
has_notes(char **f)
{
    return f[C_NOTES][0] != '\0';
}

static int
ex_customer(char **f)
{
    return f[C_END][0] != '\0';
}

static int
no_birth(char **f)
{
    return f[C_BIRTH][0] == '\0';
}

static void
ratios_in_range(void **state)
{
    double rpp = (double)(big.st.records - big.st.bad) / N_PERSONS;
    double bad = (double)big.st.bad / (double)big.st.records;
    double v;

    (void)state;
    assert_true(rpp >= 1.45 && rpp <= 1.65);
    assert_true(bad >= 0.001 && bad <= 0.004);
    v = share(has_doc);
    assert_true(v >= 0.28 && v <= 0.38);
    v = share(is_ben);
    assert_true(v >= 0.10 && v <= 0.20);
    v = share(has_vat);
    assert_true(v >= 0.02 && v <= 0.045);
    v = share(has_notes);
    assert_true(v >= 0.04 && v <= 0.08);
    v = share(ex_customer);
    assert_true(v >= 0.12 && v <= 0.18);
    v = share(no_birth);
    assert_true(v >= 0.01 && v <= 0.03);
}

static void
brands_and_subscriptions(void **state)
{
    static const char *const odido[] = {"mobiel", "thuis", "vast", "prepaid",
                                        "zakelijk"};
    size_t i;
    int k, ok;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;

        if (f == NULL)
            continue;
        if (strcmp(f[C_BRAND], "Ben") == 0) {
            assert_true(strcmp(f[C_SUBTYPE], "sim-only") == 0 ||
                        strcmp(f[C_SUBTYPE], "prepaid") == 0);
            assert_int_equal(f[C_CUSTNO][0], 'B');
        } else {
            assert_string_equal(f[C_BRAND], "Odido");
            for (ok = 0, k = 0; k < 5; k++)
                ok |= strcmp(f[C_SUBTYPE], odido[k]) == 0;
            assert_true(ok);
            assert_int_equal(f[C_CUSTNO][0], '1');
        }
        assert_int_equal(strlen(f[C_CUSTNO]), 9);
        assert_int_equal(strspn(f[C_CUSTNO] + 1, "0123456789"), 8);
    }
}

static void
ibans_valid_or_intended_typos(void **state)
{
    size_t i, typos = 0, foreign = 0, grouped = 0, n = 0;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        char ib[64];
        size_t len, k = 0;
        const char *s;

        if (f == NULL)
            continue;
        n++;
        if (f[C_IBAN][0] == '\0')
            continue;
        if (strchr(f[C_IBAN], ' ') != NULL)
            grouped++;
        for (s = f[C_IBAN]; *s != '\0' && k + 1 < sizeof(ib); s++)
            if (*s != ' ')
                ib[k++] = (*s >= 'a' && *s <= 'z') ? (char)(*s - 32) : *s;
        ib[k] = '\0';
        len = strlen(ib);
        if (strncmp(ib, "NL", 2) == 0) {
            assert_int_equal(len, 18);
            assert_int_equal(strspn(ib + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 4);
            assert_int_equal(strspn(ib + 8, "0123456789"), 10);
        } else if (strncmp(ib, "BE", 2) == 0) {
            assert_int_equal(len, 16);
            foreign++;
        } else {
            assert_memory_equal(ib, "DE", 2);
            assert_int_equal(len, 22);
            foreign++;
        }
        if (checkdigit_iban_mod97(ib, len) != 1)
            typos++;
    }
    assert_true(typos > 0);
    assert_true((double)typos / (double)n <= 0.01);
    assert_true(foreign > 0);
    assert_true(grouped > 0);
}

static void
postcodes_match_city_table(void **state)
{
    size_t i, n = 0;

    (void)state;
    assert_true(synth_city_count() >= 100);
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        char pc[16];
        const struct synth_city *c;
        long digits;

        if (f == NULL || f[C_POSTCODE][0] == '\0')
            continue;
        squeeze(f[C_POSTCODE], "", pc, sizeof(pc));
        assert_int_equal(strlen(pc), 6);
        assert_true(pc[0] >= '1' && pc[0] <= '9');
        assert_int_equal(strspn(pc, "0123456789"), 4);
        assert_true(pc[4] >= 'a' && pc[4] <= 'z');
        assert_true(pc[5] >= 'a' && pc[5] <= 'z');
        assert_false(pc[4] == 's' &&
                     (pc[5] == 'a' || pc[5] == 'd' || pc[5] == 's'));
        if (f[C_CITY][0] == '\0')
            continue;
        c = synth_city_find(f[C_CITY]);
        assert_non_null(c);
        digits = strtol(pc, NULL, 10);
        assert_true(digits >= (long)c->pc_lo && digits <= (long)c->pc_hi);
        n++;
    }
    assert_true(n > big.n / 2);
}

/* Same postcode, same street (spelling aside); many streets in all. */
static void
streets_follow_postcodes(void **state)
{
    struct map m = {0}, streets = {0};
    size_t i;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        char pc[16], st[128], *abbr;
        struct kv *e;
        long h;

        if (f == NULL || f[C_POSTCODE][0] == '\0' || f[C_STREET][0] == '\0')
            continue;
        squeeze(f[C_POSTCODE], "", pc, sizeof(pc));
        squeeze(f[C_STREET], "", st, sizeof(st));
        abbr = strstr(st, "str.");
        if (abbr != NULL) { /* Kerkstr. -> kerkstraat */
            memmove(abbr + 6, abbr + 4, strlen(abbr + 4) + 1);
            memcpy(abbr, "straat", 6);
        }
        map_get(&streets, st);
        h = (long)(hash(st) & 0x7fffffff);
        e = map_get(&m, pc);
        if (e->count++ == 0)
            e->extra = h;
        else
            assert_int_equal(e->extra, h);
    }
    assert_true(streets.n >= 100);
    map_free(&m);
    map_free(&streets);
}

static void
mobiles_unique_per_person(void **state)
{
    struct map m = {0}, land = {0};
    size_t i, shared_land = 0, foreign = 0;
    char mob[16];

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;

        if (f == NULL || f[C_PHONE][0] == '\0')
            continue;
        if (mobile_norm(f[C_PHONE], mob)) {
            struct kv *e = map_person(&m, mob, big.g[i].person);

            assert_int_equal(e->count, 1);
        } else if (strncmp(f[C_PHONE], "+32 4", 5) == 0 ||
                   strncmp(f[C_PHONE], "+324", 4) == 0 ||
                   strncmp(f[C_PHONE], "+49 15", 6) == 0 ||
                   strncmp(f[C_PHONE], "+4915", 5) == 0) {
            foreign++;
        } else { /* a landline: 10 digits with the area code's 0 */
            char d[32], *p = d;
            struct kv *e;

            squeeze(f[C_PHONE], "-()+", d, sizeof(d));
            if (strncmp(d, "31", 2) == 0) {
                p = d + 1;
                *p = '0';
            }
            assert_int_equal(strlen(p), 10);
            assert_int_equal(strspn(p, "0123456789"), 10);
            assert_int_equal(p[0], '0');
            assert_true(p[1] != '0' && p[1] != '6');
            e = map_person(&land, p, big.g[i].person);
            if (e->count == 2 && !e->flag) {
                e->flag = 1;
                shared_land++;
            }
        }
    }
    /* ~1% of persons live abroad or have a foreign number */
    assert_true(foreign > 0 && foreign * 50 < big.n);
    assert_true(m.n > N_PERSONS * 8 / 10);
    /* household landlines turn up on the records of several persons */
    assert_true(shared_land > 50);
    map_free(&m);
    map_free(&land);
}

static void
emails_mostly_unique(void **state)
{
    struct map m = {0};
    size_t i, shared = 0;
    char e[160];

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        struct kv *k;

        if (f == NULL || f[C_EMAIL][0] == '\0')
            continue;
        squeeze(f[C_EMAIL], "", e, sizeof(e));
        assert_non_null(strchr(e, '@'));
        k = map_person(&m, e, big.g[i].person);
        if (k->count == 2)
            shared++;
    }
    assert_true(shared > 0); /* family addresses */
    assert_true(shared * 20 < m.n);
    map_free(&m);
}

/* Postcode (squeezed) and the house number's digits. */
static void
address_key(char **f, char *out, size_t outsz)
{
    char pc[16];
    long num = strtol(f[C_HOUSENO], NULL, 10);

    squeeze(f[C_POSTCODE], "", pc, sizeof(pc));
    snprintf(out, outsz, "%s|%ld", pc, num);
}

static void
households_exist(void **state)
{
    struct map m = {0};
    size_t i, shared = 0;
    char key[64];

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        struct kv *e;

        if (f == NULL || f[C_POSTCODE][0] == '\0' || f[C_HOUSENO][0] == '\0')
            continue;
        address_key(f, key, sizeof(key));
        e = map_person(&m, key, big.g[i].person);
        if (e->count == 2)
            shared++;
    }
    assert_true(shared > N_PERSONS / 10);
    map_free(&m);
}

/* Twins: same address, birth date and surname, different initials. Also
 * father and son with the same first name at one address. */
static void
twins_and_namesakes_exist(void **state)
{
    struct map m = {0}, ns = {0};
    size_t i, twins = 0, namesakes = 0;
    char key[512], addr[64], last[96], first[96];

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        long bd;
        struct kv *e;

        if (f == NULL || f[C_POSTCODE][0] == '\0' || f[C_FIRST][0] == '\0' ||
            strchr(f[C_FIRST], '.') != NULL)
            continue;
        bd = date_norm(f[C_BIRTH]);
        if (bd < 0 || bd == 19000101 || bd == 19010101 || bd == 19700101)
            continue; /* placeholders are shared by chance */
        address_key(f, addr, sizeof(addr));
        squeeze(f[C_LAST], "", last, sizeof(last));
        squeeze(f[C_FIRST], "", first, sizeof(first));
        snprintf(key, sizeof(key), "%s|%ld|%s|%s", addr, bd, f[C_INFIX], last);
        e = map_get(&m, key);
        if (e->count == 0) {
            memcpy(e->person, big.g[i].person, sizeof(e->person));
            e->count = 1;
            e->extra = first[0];
        } else if (strcmp(e->person, big.g[i].person) != 0 && !e->flag &&
                   e->extra != first[0]) {
            e->flag = 1;
            twins++;
        }
        snprintf(key, sizeof(key), "%s|%s|%s|%s", addr, first, f[C_INFIX],
                 last);
        e = map_get(&ns, key);
        if (e->count == 0) {
            memcpy(e->person, big.g[i].person, sizeof(e->person));
            e->count = 1;
            e->extra = bd;
        } else if (strcmp(e->person, big.g[i].person) != 0 && !e->flag &&
                   e->extra / 10000 != bd / 10000) {
            e->flag = 1;
            namesakes++;
        }
    }
    /* ~1% of households with children: about 20 pairs here, where
     * chance (siblings or partners born on one day) gives 1 to 3 */
    assert_true(twins >= 10);
    assert_true(namesakes >= 3);
    map_free(&m);
    map_free(&ns);
}

static void
common_names_collide(void **state)
{
    struct map m = {0};
    size_t i, pairs = 0;
    char key[256];

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        struct kv *e;

        if (f == NULL || f[C_CITY][0] == '\0')
            continue;
        snprintf(key, sizeof(key), "%s|%s|%s|%s", f[C_CITY], f[C_FIRST],
                 f[C_INFIX], f[C_LAST]);
        e = map_person(&m, key, big.g[i].person);
        if (e->count == 2)
            pairs++;
    }
    /* two different "Jan de Vries" in one city */
    assert_true(pairs > 30);
    map_free(&m);
}

static int
vat_mod97(const char *v)
{
    int x = (23 * 100 + 21) % 97, i;

    for (i = 2; i < 11; i++)
        x = (x * 10 + (v[i] - '0')) % 97;
    x = (x * 100 + 11) % 97;
    x = (x * 100 + (v[12] - '0') * 10 + (v[13] - '0')) % 97;
    return x;
}

static void
vat_numbers_and_bsn(void **state)
{
    size_t i, old = 0, n = 0;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        const char *v;

        if (f == NULL)
            continue;
        n++;
        v = f[C_VAT];
        if (v[0] == '\0')
            continue;
        assert_int_equal(strlen(v), 14);
        assert_memory_equal(v, "NL", 2);
        assert_int_equal(strspn(v + 2, "0123456789"), 9);
        assert_int_equal(v[11], 'B');
        if (checkdigit_bsn_valid(v + 2)) {
            assert_string_equal(v + 11, "B01"); /* old style: a BSN */
            old++;
        } else {
            assert_int_equal(vat_mod97(v), 1); /* new style */
        }
    }
    assert_true(old > 0);
    assert_true((double)old / (double)n < 0.006);
}

static void
sensitive_notes_present(void **state)
{
    size_t i, sensitive = 0, bsn = 0, multiline = 0, quoted = 0;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        const char *s;

        if (f == NULL || f[C_NOTES][0] == '\0')
            continue;
        s = f[C_NOTES];
        if (strstr(s, "geweld") || strstr(s, "gestalkt") ||
            strstr(s, "schuldhulp") || strstr(s, "ziek") ||
            strstr(s, "Politie") || strstr(s, "bewind"))
            sensitive++;
        if (strchr(s, '\n') != NULL)
            multiline++;
        if (strchr(s, '"') != NULL)
            quoted++;
        for (; *s != '\0'; s++) {
            if (strspn(s, "0123456789") == 9 &&
                (s == f[C_NOTES] || s[-1] == ' ')) {
                assert_true(checkdigit_bsn_valid(s));
                bsn++;
                break;
            }
        }
    }
    assert_true(sensitive > 0);
    assert_true(bsn > 0);
    assert_true(multiline > 0);
    assert_true(quoted > 0);
}

/* A person's records are not next to each other. */
static void
records_are_scattered(void **state)
{
    size_t i, multi = 0, adjacent = 0;
    long *last = malloc((N_PERSONS + 1) * sizeof(long));

    (void)state;
    assert_non_null(last);
    for (i = 0; i <= N_PERSONS; i++)
        last[i] = -1;
    for (i = 0; i < big.n; i++) {
        long p;

        if (big.g[i].bad)
            continue;
        p = strtol(big.g[i].person + 1, NULL, 10);
        if (last[p] >= 0) {
            multi++;
            if ((long)i - last[p] <= 2)
                adjacent++;
        }
        last[p] = (long)i;
    }
    assert_true(multi > N_PERSONS / 3);
    assert_true(adjacent * 100 < multi);
    free(last);
}

static void
names_vary(void **state)
{
    size_t i, glued = 0, comma = 0, initials = 0, upper = 0, diacritics = 0;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;

        if (f == NULL)
            continue;
        if (strncmp(f[C_LAST], "van ", 4) == 0 ||
            strncmp(f[C_LAST], "vd ", 3) == 0)
            glued++;
        if (strstr(f[C_LAST], ", ") != NULL)
            comma++;
        if (strlen(f[C_FIRST]) == 2 && f[C_FIRST][1] == '.')
            initials++;
        if (strlen(f[C_LAST]) > 3 &&
            strspn(f[C_LAST], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
                strlen(f[C_LAST]))
            upper++;
        if (strstr(f[C_FIRST], "\xc3\xab") || strstr(f[C_LAST], "\xc4\xb1") ||
            strstr(f[C_LAST], "\xc5\x9f"))
            diacritics++;
    }
    assert_true(glued > 0);
    assert_true(comma > 0);
    assert_true(initials > 0);
    assert_true(upper > 0);
    assert_true(diacritics > 0);
}

static void
id_documents_well_formed(void **state)
{
    size_t i, expired = 0, current = 0;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        const char *t, *no;
        long exp;

        if (f == NULL || f[C_DOCTYPE][0] == '\0')
            continue;
        t = f[C_DOCTYPE];
        no = f[C_DOCNO];
        if (strcmp(t, "rijbewijs") == 0) {
            assert_int_equal(strlen(no), 10);
            assert_int_equal(strspn(no, "0123456789"), 10);
        } else {
            assert_true(strcmp(t, "paspoort") == 0 ||
                        strcmp(t, "identiteitskaart") == 0);
            assert_int_equal(strlen(no), 9);
            /* two letters, six letters or digits, a digit; no O */
            assert_non_null(strchr("ABCDEFGHIJKLMNPQRSTUVWXYZ", no[0]));
            assert_non_null(strchr("ABCDEFGHIJKLMNPQRSTUVWXYZ", no[1]));
            assert_int_equal(strspn(no, "ABCDEFGHIJKLMNPQRSTUVWXYZ"
                                        "0123456789"),
                             9);
            assert_true(no[8] >= '0' && no[8] <= '9');
        }
        exp = date_norm(f[C_DOCEXP]);
        assert_int_equal(strlen(f[C_DOCEXP]), 10); /* ISO */
        assert_true(exp >= 20240101 && exp <= 20361231);
        if (exp < 20260207)
            expired++;
        else
            current++;
    }
    assert_true(expired > 0 && current > expired);
}

static int
date_valid(long ymd)
{
    static const int dim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = (int)(ymd / 10000), m = (int)(ymd / 100 % 100),
        d = (int)(ymd % 100);

    if (m < 1 || m > 12 || d < 1 || d > dim[m - 1])
        return 0;
    return m != 2 || d < 29 || ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

static void
birth_dates_as_typed(void **state)
{
    size_t i, n = 0, iso = 0, compact = 0, slash = 0, placeholder = 0;
    size_t impossible = 0;

    (void)state;
    for (i = 0; i < big.n; i++) {
        char **f = big.g[i].f;
        const char *b;
        long d;

        if (f == NULL || f[C_BIRTH][0] == '\0')
            continue;
        b = f[C_BIRTH];
        n++;
        d = date_norm(b);
        assert_true(d > 0); /* one of the known formats */
        if (strlen(b) == 10 && b[4] == '-')
            iso++;
        else if (strlen(b) == 8)
            compact++;
        else if (strchr(b, '/') != NULL)
            slash++;
        if (d == 19000101 || d == 19010101 || d == 19700101) {
            placeholder++;
        } else if (!date_valid(d)) {
            impossible++;
        } else {
            /* adults 18-95, children 12-25, at 2026-02-07 (a digit off
             * in the year moves a date by up to nine years) */
            assert_true(d >= 19210101 && d <= 20231231);
        }
    }
    assert_true(iso > n * 45 / 100 && iso < n * 65 / 100);
    assert_true(compact > n * 5 / 100 && compact < n * 15 / 100);
    assert_true(slash > n * 5 / 100 && slash < n * 15 / 100);
    assert_true(placeholder > 0 && placeholder < n / 100);
    assert_true(impossible > 0 && impossible < n / 200);
}

/* ------------------------------------------------------------------ */
/* Smaller runs.                                                      */

static void
same_seed_same_bytes(void **state)
{
    struct breach a, b, c;
    char *truth_csv = NULL;
    size_t truth_len = 0;
    int fmt;

    (void)state;
    for (fmt = SYNTH_FORMAT_CSV; fmt <= SYNTH_FORMAT_JSONL; fmt++) {
        assert_int_equal(gen(3000, 42, fmt, &a), TOCSIN_OK);
        assert_int_equal(gen(3000, 42, fmt, &b), TOCSIN_OK);
        assert_int_equal(gen(3000, 43, fmt, &c), TOCSIN_OK);
        assert_int_equal(a.exlen, b.exlen);
        assert_memory_equal(a.ex, b.ex, a.exlen);
        assert_int_equal(a.trlen, b.trlen);
        assert_memory_equal(a.tr, b.tr, a.trlen);
        assert_true(a.exlen != c.exlen || memcmp(a.ex, c.ex, a.exlen) != 0);
        assert_true(a.trlen != c.trlen || memcmp(a.tr, c.tr, a.trlen) != 0);
        if (fmt == SYNTH_FORMAT_CSV) {
            truth_csv = a.tr;
            truth_len = a.trlen;
            a.tr = NULL;
        } else {
            /* the format changes how rows are written, not who is in them */
            assert_int_equal(a.trlen, truth_len);
            assert_memory_equal(a.tr, truth_csv, truth_len);
        }
        breach_free(&a);
        breach_free(&b);
        breach_free(&c);
    }
    free(truth_csv);
}

/* A strict check of one JSONL line: a flat object of string values whose
 * keys are columns in order, record_id first. */
static int
json_line_ok(const char *p, const char *end, const char *id)
{
    int col = -1, first = 1;

    if (p >= end || *p++ != '{')
        return 0;
    while (p < end && *p != '}') {
        struct str key = {0}, val = {0};
        int k, c;

        if (!first && *p++ != ',')
            return 0;
        first = 0;
        for (k = 0; k < 2; k++) {
            struct str *s = k == 0 ? &key : &val;

            if (p >= end || *p++ != '"')
                goto fail;
            while (p < end && *p != '"') {
                unsigned char ch = (unsigned char)*p;

                if (ch < 0x20)
                    goto fail;
                if (ch == '\\') {
                    if (++p >= end || strchr("\"\\/bfnrtu", *p) == NULL)
                        goto fail;
                    if (*p == 'u') {
                        if (end - p < 5 || strspn(p + 1, "0123456789abcdef"
                                                         "ABCDEF") < 4)
                            goto fail;
                        p += 4;
                    }
                    str_add(s, 'x');
                    p++;
                    continue;
                }
                str_add(s, *p++);
            }
            if (p >= end)
                goto fail;
            p++;
            if (k == 0 && (p >= end || *p++ != ':'))
                goto fail;
        }
        for (c = col + 1; c < SYNTH_NCOLUMNS; c++)
            if (key.p != NULL && strcmp(key.p, synth_columns[c]) == 0)
                break;
        if (c == SYNTH_NCOLUMNS || val.p == NULL ||
            (c == 0 && strcmp(val.p, id) != 0) || (col < 0 && c != 0)) {
        fail:
            free(key.p);
            free(val.p);
            return 0;
        }
        col = c;
        free(key.p);
        free(val.p);
    }
    return p + 1 == end && col >= 0;
}

static void
jsonl_rows_match_truth(void **state)
{
    struct breach b;
    const char *p, *end;
    size_t ti = 0, i, bad = 0;
    char prefix[64];

    (void)state;
    assert_int_equal(gen(5000, 3, SYNTH_FORMAT_JSONL, &b), TOCSIN_OK);
    parse_truth(&b);
    assert_int_equal(b.n, b.st.records);
    p = b.ex;
    end = b.ex + b.exlen;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t plen;

        assert_non_null(nl);
        if (ti < b.n) {
            plen = (size_t)snprintf(prefix, sizeof(prefix),
                                    "{\"record_id\":\"%s\"", b.g[ti].id);
            if ((size_t)(nl - p) >= plen && memcmp(p, prefix, plen) == 0) {
                struct group *g = &b.g[ti++];

                g->lines = 1;
                g->utf8_ok =
                    utf8_valid((const unsigned char *)p, (size_t)(nl - p));
                g->err = !json_line_ok(p, nl, g->id);
                p = nl + 1;
                continue;
            }
        }
        assert_true(ti > 0);
        b.g[ti - 1].lines++;
        p = nl + 1;
    }
    assert_int_equal(ti, b.n);
    for (i = 0; i < b.n; i++) {
        const struct group *g = &b.g[i];
        int ok = g->lines == 1 && !g->err && g->utf8_ok;

        assert_int_equal(ok, !g->bad);
        bad += g->bad;
    }
    assert_int_equal(bad, b.st.bad);
    assert_true(bad > 0);
    breach_free(&b);
}

static void
one_person(void **state)
{
    struct breach b;

    (void)state;
    assert_int_equal(gen(1, 7, SYNTH_FORMAT_CSV, &b), TOCSIN_OK);
    parse_csv(&b);
    assert_int_equal(b.st.persons, 1);
    assert_int_equal(b.st.households, 1);
    assert_true(b.n >= 1 && b.n <= 5);
    assert_string_equal(b.g[0].id, "R00000001");
    if (!b.g[0].bad)
        assert_string_equal(b.g[0].person, "P1");
    breach_free(&b);
}

static void
bad_options_refused(void **state)
{
    struct synth_options o = {0};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    assert_non_null(f);
    o.persons = 0;
    assert_int_equal(synth_write(&o, f, f, NULL), TOCSIN_EINVAL);
    o.persons = LIMIT_SYNTH_PERSONS + 1;
    assert_int_equal(synth_write(&o, f, f, NULL), TOCSIN_ELIMIT);
    o.persons = 10;
    o.format = 7;
    assert_int_equal(synth_write(&o, f, f, NULL), TOCSIN_EINVAL);
    o.format = SYNTH_FORMAT_CSV;
    assert_int_equal(synth_write(NULL, f, f, NULL), TOCSIN_EINVAL);
    assert_int_equal(synth_write(&o, NULL, f, NULL), TOCSIN_EINVAL);
    fclose(f);
    assert_int_equal(len, 0);
    free(buf);
}

static void
write_error_reported(void **state)
{
    struct synth_options o = {0};
    FILE *full = fopen("/dev/full", "w");
    char *buf = NULL;
    size_t len = 0;
    FILE *tr = open_memstream(&buf, &len);

    (void)state;
    if (full == NULL) {
        fclose(tr);
        free(buf);
        skip();
    }
    o.persons = 5000;
    assert_int_equal(synth_write(&o, full, tr, NULL), TOCSIN_EIO);
    fclose(full);
    fclose(tr);
    free(buf);
}

static uint64_t progress_last;
static int progress_calls;

static void
on_progress(void *arg, uint64_t done)
{
    assert_ptr_equal(arg, &progress_last);
    assert_true(done >= progress_last);
    progress_last = done;
    progress_calls++;
}

static void
progress_is_reported(void **state)
{
    struct synth_options o = {0};
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    FILE *ex = open_memstream(&a, &alen), *tr = open_memstream(&b, &blen);

    (void)state;
    o.persons = 10000;
    o.progress = on_progress;
    o.progress_arg = &progress_last;
    assert_int_equal(synth_write(&o, ex, tr, NULL), TOCSIN_OK);
    assert_true(progress_calls >= 2);
    assert_int_equal(progress_last, 10000);
    fclose(ex);
    fclose(tr);
    free(a);
    free(b);
}

static void
tables_answer(void **state)
{
    const struct synth_nickname *n = synth_nickname_find("Johannes");
    const struct synth_city *c;
    size_t i;
    int found = 0;

    (void)state;
    assert_non_null(n);
    for (i = 0; n->nick[i] != NULL; i++)
        found |= strcmp(n->nick[i], "Jan") == 0;
    assert_true(found);
    assert_null(synth_nickname_find("Nobody"));
    assert_non_null(synth_nickname_find("Mohammed"));
    assert_non_null(synth_nickname_at(0));
    assert_null(synth_nickname_at(synth_nickname_count()));

    c = synth_city_find("'s-gravenhage");
    assert_non_null(c);
    assert_string_equal(c->name, "Den Haag");
    assert_string_equal(c->area_code, "070");
    c = synth_city_find("AMSTERDAM");
    assert_non_null(c);
    assert_int_equal(c->pc_lo, 1011);
    assert_int_equal(c->pc_hi, 1109);
    assert_null(synth_city_find("Atlantis"));
    for (i = 0; i < synth_city_count(); i++) {
        c = synth_city_at(i);
        assert_true(c->pc_lo >= 1000 && c->pc_lo <= c->pc_hi &&
                    c->pc_hi <= 9999);
        assert_int_equal(c->area_code[0], '0');
        assert_true(strlen(c->area_code) == 3 || strlen(c->area_code) == 4);
    }
    assert_null(synth_city_at(synth_city_count()));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_rows_match_truth),
        cmocka_unit_test(every_person_has_a_valid_record),
        cmocka_unit_test(ratios_in_range),
        cmocka_unit_test(brands_and_subscriptions),
        cmocka_unit_test(ibans_valid_or_intended_typos),
        cmocka_unit_test(postcodes_match_city_table),
        cmocka_unit_test(streets_follow_postcodes),
        cmocka_unit_test(mobiles_unique_per_person),
        cmocka_unit_test(emails_mostly_unique),
        cmocka_unit_test(households_exist),
        cmocka_unit_test(twins_and_namesakes_exist),
        cmocka_unit_test(common_names_collide),
        cmocka_unit_test(vat_numbers_and_bsn),
        cmocka_unit_test(sensitive_notes_present),
        cmocka_unit_test(records_are_scattered),
        cmocka_unit_test(names_vary),
        cmocka_unit_test(id_documents_well_formed),
        cmocka_unit_test(birth_dates_as_typed),
        cmocka_unit_test(same_seed_same_bytes),
        cmocka_unit_test(jsonl_rows_match_truth),
        cmocka_unit_test(one_person),
        cmocka_unit_test(bad_options_refused),
        cmocka_unit_test(write_error_reported),
        cmocka_unit_test(progress_is_reported),
        cmocka_unit_test(tables_answer),
    };

    return cmocka_run_group_tests_name("synth_synth", tests, setup_big,
                                       teardown_big);
}
