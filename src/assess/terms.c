/*
 * terms.c - sensitive terms in free text.
 *
 * Terms and text are folded the same way into lower-case words joined by
 * single spaces ("Klant ligt in 't ZIEKENHUÏS!" -> "klant ligt in t
 * ziekenhuis"). The folded terms are kept in one table sorted by their
 * bytes, phrases and prefixes alike; each entry knows its parent, the
 * longest other entry that is a byte prefix of it.
 *
 * At each word of the folded text, a binary search finds the last entry
 * not after the rest of the text. Every entry that is a prefix of the rest
 * is that entry or one of its ancestors (an entry between a prefix p of
 * the rest and the rest itself starts with p), so walking the parent chain
 * finds them all: a prefix term matches as it is, a whole-word term when
 * the rest goes on with a space or ends there. One search of about
 * log2(terms) short comparisons per word, nothing allocated, nothing
 * written but the caller's scratch buffer.
 */
#include "terms.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#define TERMS_NONE ((size_t)-1)

/* Case fold, compatibility forms (ligatures, full-width letters), accents
 * and other marks off, soft hyphens and zero-width characters dropped. */
#define TERMS_FOLD                                                            \
    (UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |               \
     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

/* Code points one character folds to at most (18 for U+FDFA). */
#define TERMS_FOLD_CPS 32

struct terms_entry {
    char *s;         /* folded: words joined by one space */
    size_t len;      /* of s */
    unsigned exact;  /* topics whose term is s, as whole words */
    unsigned prefix; /* topics whose term is s followed by '*' */
    size_t parent;   /* longest other entry that is a prefix of s */
};

struct terms {
    char *topic[CONFIG_MAX_TOPICS];
    size_t ntopics;
    struct terms_entry *e; /* sorted by the bytes of s */
    size_t n;
    /* The entries that start with byte c: e[first[c]..first[c + 1]). */
    size_t first[257];
    /* Bit (b0 << 8 | b1) set when an entry may match a text that starts
     * with bytes b0 b1 (b1 is 0 for a one-byte word at the end): most
     * words are ruled out by this alone. */
    uint64_t pair[65536 / 64];
};

/* ---- folding ---- */

static int
terms_is_word(utf8proc_int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);

    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/*
 * Fold text[0..len) into b (appended): lower-case words, one space apart,
 * no space at either end. The output is built in a local block and
 * appended to b whenever the block is nearly full; the loop state stays
 * in locals, for the ASCII fast path.
 */
static int
terms_fold(const char *text, size_t len, struct buf *b)
{
    /* Room a character may need: a space and TERMS_FOLD_CPS code points of
     * up to 4 bytes. */
    enum { TERMS_CHAR_ROOM = 1 + 4 * TERMS_FOLD_CPS };
    const unsigned char *s = (const unsigned char *)text;
    unsigned char tmp[4096];
    size_t i = 0, at = 0;
    int sep = 0, any = 0, rc;

    while (i < len) {
        unsigned c = s[i];
        utf8proc_int32_t cp, d[TERMS_FOLD_CPS];
        utf8proc_ssize_t k, n, j;
        int boundclass = 0;

        if (at > sizeof(tmp) - TERMS_CHAR_ROOM) {
            rc = buf_append(b, tmp, at);
            if (rc != TOCSIN_OK)
                return rc;
            at = 0;
        }
        if (c < 0x80) {
            /* The common case: ASCII letters and digits. */
            if (c - 'A' < 26u)
                c += 'a' - 'A';
            else if (c - 'a' >= 26u && c - '0' >= 10u)
                c = 0;
            if (c == 0) {
                sep = 1;
            } else {
                if (sep && any)
                    tmp[at++] = ' ';
                sep = 0;
                any = 1;
                tmp[at++] = (unsigned char)c;
            }
            i++;
            continue;
        }
        k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) { /* not UTF-8: one byte that is not a letter */
            sep = 1;
            i++;
            continue;
        }
        i += (size_t)k;
        n = utf8proc_decompose_char(cp, d, TERMS_FOLD_CPS, TERMS_FOLD,
                                    &boundclass);
        if (n < 0 || n > TERMS_FOLD_CPS) {
            sep = 1;
            continue;
        }
        for (j = 0; j < n; j++) {
            if (!terms_is_word(d[j])) {
                sep = 1;
                continue;
            }
            if (sep && any)
                tmp[at++] = ' ';
            sep = 0;
            any = 1;
            at += (size_t)utf8proc_encode_char(d[j], tmp + at);
        }
    }
    return at > 0 ? buf_append(b, tmp, at) : TOCSIN_OK;
}

/* ---- the table ---- */

static int
terms_entry_cmp(const void *a, const void *b)
{
    const struct terms_entry *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);

    if (c != 0)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/* Fold one configured term into *e (one topic bit). */
static int
terms_entry(const char *term, unsigned bit, struct buf *tmp,
            struct terms_entry *e)
{
    size_t len = strlen(term);
    int prefix = len > 0 && term[len - 1] == '*';
    int rc;

    if (len > LIMIT_CONFIG_TERM)
        return TOCSIN_ELIMIT;
    buf_reset(tmp);
    rc = terms_fold(term, len - (size_t)prefix, tmp);
    if (rc != TOCSIN_OK)
        return rc;
    if (buf_len(tmp) == 0)
        return TOCSIN_EINVAL; /* no letter or digit: would match anything */
    e->len = buf_len(tmp);
    e->s = malloc(e->len + 1);
    if (e->s == NULL)
        return TOCSIN_ENOMEM;
    memcpy(e->s, buf_str(tmp), e->len + 1);
    e->exact = prefix ? 0 : bit;
    e->prefix = prefix ? bit : 0;
    e->parent = TERMS_NONE;
    return TOCSIN_OK;
}

/* Sort, merge equal strings, link parents. */
static int
terms_index(struct terms *t)
{
    size_t *stack = NULL, depth = 0, i, n = 0;

    if (t->n == 0)
        return TOCSIN_OK;
    qsort(t->e, t->n, sizeof(*t->e), terms_entry_cmp);
    for (i = 0; i < t->n; i++) {
        if (n > 0 && terms_entry_cmp(&t->e[n - 1], &t->e[i]) == 0) {
            t->e[n - 1].exact |= t->e[i].exact;
            t->e[n - 1].prefix |= t->e[i].prefix;
            free(t->e[i].s);
            t->e[i].s = NULL;
        } else {
            t->e[n++] = t->e[i];
        }
    }
    t->n = n;

    /* The stack holds the previous entry and its ancestors: the longest
     * earlier prefix of an entry is among them. */
    stack = malloc(n * sizeof(*stack));
    if (stack == NULL)
        return TOCSIN_ENOMEM;
    for (i = 0; i < n; i++) {
        struct terms_entry *e = &t->e[i];

        while (depth > 0) {
            const struct terms_entry *top = &t->e[stack[depth - 1]];

            if (top->len < e->len && memcmp(top->s, e->s, top->len) == 0)
                break;
            depth--;
        }
        e->parent = depth > 0 ? stack[depth - 1] : TERMS_NONE;
        stack[depth++] = i;
    }
    free(stack);

    for (i = 0; i < n; i++) {
        unsigned char b0 = (unsigned char)t->e[i].s[0];
        unsigned b1;

        t->first[b0 + 1] = i + 1;
        if (t->e[i].len > 1) {
            b1 = t->e[i].s[1] == ' ' ? 0 : (unsigned char)t->e[i].s[1];
            t->pair[(b0 << 8 | b1) / 64] |= 1ull << ((b0 << 8 | b1) % 64);
        } else {
            /* A one-byte entry is a prefix of every word it starts. */
            for (b1 = 0; b1 < 256; b1++)
                t->pair[(b0 << 8 | b1) / 64] |= 1ull << ((b0 << 8 | b1) % 64);
        }
    }
    for (i = 1; i <= 256; i++)
        if (t->first[i] < t->first[i - 1])
            t->first[i] = t->first[i - 1];
    return TOCSIN_OK;
}

/* The topic number of name, added if new. */
static int
terms_topic(struct terms *t, const char *name, size_t *index)
{
    size_t i;

    for (i = 0; i < t->ntopics; i++) {
        if (strcmp(t->topic[i], name) == 0) {
            *index = i;
            return TOCSIN_OK;
        }
    }
    if (t->ntopics >= CONFIG_MAX_TOPICS)
        return TOCSIN_EINVAL;
    t->topic[t->ntopics] = strdup(name);
    if (t->topic[t->ntopics] == NULL)
        return TOCSIN_ENOMEM;
    *index = t->ntopics++;
    return TOCSIN_OK;
}

int
terms_compile(const struct case_config *cfg, struct terms **out)
{
    struct terms *t;
    struct buf tmp;
    size_t total = 0, i, j;
    int rc = TOCSIN_OK;

    *out = NULL;
    for (i = 0; i < cfg->nterms; i++) {
        if (cfg->terms[i].count > SIZE_MAX / sizeof(*t->e) - total)
            return TOCSIN_ELIMIT;
        total += cfg->terms[i].count;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return TOCSIN_ENOMEM;
    buf_init(&tmp, (size_t)TERMS_FOLD_FACTOR * LIMIT_CONFIG_TERM);
    if (total > 0) {
        t->e = calloc(total, sizeof(*t->e));
        if (t->e == NULL) {
            rc = TOCSIN_ENOMEM;
            goto out;
        }
    }
    for (i = 0; i < cfg->nterms; i++) {
        const struct config_terms *ct = &cfg->terms[i];
        size_t topic;

        rc = terms_topic(t, ct->topic, &topic);
        if (rc != TOCSIN_OK)
            goto out;
        for (j = 0; j < ct->count; j++) {
            rc = terms_entry(ct->terms[j], 1u << topic, &tmp, &t->e[t->n]);
            if (rc != TOCSIN_OK)
                goto out;
            t->n++;
        }
    }
    rc = terms_index(t);
out:
    buf_free(&tmp);
    if (rc != TOCSIN_OK) {
        terms_free(t);
        return rc;
    }
    *out = t;
    return TOCSIN_OK;
}

void
terms_free(struct terms *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->ntopics; i++)
        free(t->topic[i]);
    for (i = 0; i < t->n; i++)
        free(t->e[i].s);
    free(t->e);
    free(t);
}

size_t
terms_topic_count(const struct terms *t)
{
    return t->ntopics;
}

const char *
terms_topic_name(const struct terms *t, size_t i)
{
    return i < t->ntopics ? t->topic[i] : NULL;
}

/* ---- matching ---- */

/* entry against the text rest[0..n): <0, 0, >0 as for memcmp. */
static int
terms_cmp_rest(const struct terms_entry *e, const char *rest, size_t n)
{
    int c = memcmp(e->s, rest, e->len < n ? e->len : n);

    if (c != 0)
        return c;
    return (e->len > n) - (e->len < n);
}

/* The topics of the terms that match at the start of rest[0..n), which
 * starts a word of the folded text. */
static unsigned
terms_at(const struct terms *t, const char *rest, size_t n)
{
    unsigned b0 = (unsigned char)rest[0];
    unsigned b1 = n > 1 ? (unsigned char)rest[1] : 0;
    size_t lo, hi, k, l = 0;
    unsigned mask = 0;

    if (b1 == ' ')
        b1 = 0;
    if ((t->pair[(b0 << 8 | b1) / 64] & (1ull << ((b0 << 8 | b1) % 64))) == 0)
        return 0;
    /* Every prefix of rest starts with its first byte: search only the
     * entries that do. lo: the first entry after rest. */
    lo = t->first[b0];
    hi = t->first[b0 + 1];
    if (lo == hi)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (terms_cmp_rest(&t->e[mid], rest, n) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == t->first[b0])
        return 0;
    k = lo - 1;
    while (l < t->e[k].len && l < n && t->e[k].s[l] == rest[l])
        l++;
    /* Only ancestors no longer than the common part are prefixes. */
    while (k != TERMS_NONE && t->e[k].len > l)
        k = t->e[k].parent;
    for (; k != TERMS_NONE; k = t->e[k].parent) {
        const struct terms_entry *e = &t->e[k];

        mask |= e->prefix;
        if (e->len == n || rest[e->len] == ' ')
            mask |= e->exact;
    }
    return mask;
}

int
terms_match(const struct terms *t, const char *text, size_t len,
            struct buf *scratch, unsigned *topics)
{
    const char *s, *space;
    size_t n, i = 0;
    unsigned mask = 0;
    int rc;

    *topics = 0;
    if (len > LIMIT_TERMS_TEXT)
        return TOCSIN_ELIMIT;
    buf_reset(scratch);
    if (t->n == 0)
        return TOCSIN_OK;
    rc = terms_fold(text, len, scratch);
    if (rc != TOCSIN_OK)
        return rc;
    s = buf_str(scratch);
    n = buf_len(scratch);
    while (i < n) {
        mask |= terms_at(t, s + i, n - i);
        space = memchr(s + i, ' ', n - i);
        if (space == NULL)
            break;
        i = (size_t)(space - s) + 1;
    }
    *topics = mask;
    return TOCSIN_OK;
}
