#include "jsonl.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../util/limits.h"
#include "../util/utf8.h"

/*
 * The limits from limits.h. A fuzzing build (scripts/fuzz.sh defines
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) shrinks them so that the small
 * inputs a fuzzer makes reach them and every path behind them.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define LINE_LIMIT   ((size_t)4096)
#define COLUMN_LIMIT ((size_t)64)
#else
#define LINE_LIMIT   ((size_t)LIMIT_LINE_BYTES)
#define COLUMN_LIMIT ((size_t)LIMIT_JSONL_COLUMNS)
#endif

/*
 * Lines are found with memchr in a block of decoded bytes buf[pos..len);
 * a line may take WINDOW bytes with its CRLF, so the buffer always has room
 * for one. Each line goes through: NUL and UTF-8 checks, json-c (every
 * line), and scan_object(), which adds stricter checks and takes the keys
 * and values apart.
 */
#define WINDOW     ((size_t)LINE_LIMIT + 2)
#define READ_BLOCK ((size_t)1 << 20)
#define BUF_CAP    (WINDOW + READ_BLOCK) /* the most the buffer grows to */
#define BUF_MIN    ((size_t)64 << 10)    /* the least it starts with */
#define ENT_MIN    32
#define JSON_DEPTH 64

struct entry {
    struct source_span key; /* unescaped */
    struct source_span val; /* ptr NULL for null */
    size_t key_off;         /* offset of the key's opening quote */
    long col;               /* column index, -1 when new */
};

struct jsonl {
    struct source *src;
    unsigned char *buf; /* cap bytes, grows up to BUF_CAP */
    size_t cap;
    size_t pos;
    size_t len;
    uint64_t base_off; /* offset of buf[0] in the decoded input */
    int eof;
    int fatal;
    int skipping; /* skip to after the next LF */
    int partial;  /* the data ended without a LF */
    uint64_t line;
    struct json_tokener *tok;
    char *ubuf; /* unescaped strings of the current line (ucap) */
    size_t ucap;
    size_t ulen;
    struct entry *ent; /* entcap, grows to COLUMN_LIMIT */
    size_t nent;
    size_t *newidx; /* entries with new keys (entcap) */
    long *hint;     /* per entry position: its column in the last row */
    size_t entcap;
    /* Columns: names (malloc'd, NUL-terminated), hash slots (index + 1),
     * the row serial that last used each, this row's values. */
    struct source_span *cols;
    size_t ncols;
    size_t colcap;
    uint32_t *slots;
    size_t nslots;
    uint64_t *stamp;
    struct source_span *vals;
    uint64_t serial;
    struct jsonl_stats st;
};

/* What went wrong in a line. */
struct lerr {
    int reason;
    size_t off; /* 0-based byte offset in the line */
    struct source_span key;
};

const char *
jsonl_strerror(int reason)
{
    switch (reason) {
    case JSONL_OK:
        return "no error";
    case JSONL_ERR_SYNTAX:
        return "not valid JSON";
    case JSONL_ERR_NOT_OBJECT:
        return "not a JSON object";
    case JSONL_ERR_UTF8:
        return "invalid UTF-8 (convert the file to UTF-8)";
    case JSONL_ERR_NUL:
        return "NUL byte or \\u0000 in the data";
    case JSONL_ERR_CONTROL:
        return "raw control character inside a string (escape it)";
    case JSONL_ERR_SURROGATE:
        return "\\u escape of a lone surrogate";
    case JSONL_ERR_NESTED:
        return "nested value (array or object) in a column";
    case JSONL_ERR_DUPLICATE_KEY:
        return "duplicate key in the object";
    case JSONL_ERR_EMPTY_KEY:
        return "empty key";
    case JSONL_ERR_TOO_MANY_COLUMNS:
        return "too many columns";
    case JSONL_ERR_TOO_LONG:
        return "line longer than the line limit";
    }
    return "unknown JSON Lines error";
}

/* Status of the line checks: the line is an error row (*e says why). Not
 * negative, so that it never mixes with TOCSIN_E... codes. */
#define LINE_BAD 1

static int
lerr_set(struct lerr *e, int reason, size_t off)
{
    e->reason = reason;
    e->off = off;
    return LINE_BAD;
}

static int
is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t
skip_ws(const unsigned char *p, size_t n, size_t i)
{
    while (i < n && is_ws(p[i]))
        i++;
    return i;
}

static int
hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits at p[i..i+4), or -1. */
static long
hex4(const unsigned char *p, size_t n, size_t i)
{
    long v = 0;
    size_t k;

    if (i + 4 > n)
        return -1;
    for (k = 0; k < 4; k++) {
        int h = hexval(p[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t
put_utf8(char *d, unsigned long cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xc0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xe0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        d[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (char)(0xf0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    d[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The first quote, backslash or control character in p[k..n), or n. */
static size_t
skip_plain(const unsigned char *p, size_t n, size_t k)
{
#ifdef __SSE2__
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vb = _mm_set1_epi8('\\');
    const __m128i v1f = _mm_set1_epi8(0x1f);

    while (k + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, vb)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, v1f), v)); /* v <= 0x1f */
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits != 0)
            return k + (size_t)__builtin_ctz(bits);
        k += 16;
    }
#endif
    while (k < n && p[k] != '"' && p[k] != '\\' && p[k] >= 0x20)
        k++;
    return k;
}

/*
 * The string whose opening quote is at p[*i]: check it strictly and hand
 * out its text (pointing into the line, or unescaped into ubuf). *i ends
 * after the closing quote. 0, or LINE_BAD with *e set.
 */
static int
scan_string(struct jsonl *j, const unsigned char *p, size_t n, size_t *i,
            struct source_span *out, struct lerr *e)
{
    size_t k = *i + 1, start = k;
    int escaped = 0;
    char *d;

    for (;;) {
        unsigned char c;
        k = skip_plain(p, n, k);
        if (k >= n)
            return lerr_set(e, JSONL_ERR_SYNTAX, n);
        c = p[k];
        if (c == '"')
            break;
        if (c < 0x20)
            return lerr_set(e, JSONL_ERR_CONTROL, k);
        escaped = 1;
        if (k + 1 >= n)
            return lerr_set(e, JSONL_ERR_SYNTAX, n);
        c = p[k + 1];
        if (c == 'u') {
            long u = hex4(p, n, k + 2);
            if (u < 0)
                return lerr_set(e, JSONL_ERR_SYNTAX, k);
            if (u == 0)
                return lerr_set(e, JSONL_ERR_NUL, k);
            if (u >= 0xdc00 && u <= 0xdfff)
                return lerr_set(e, JSONL_ERR_SURROGATE, k);
            if (u >= 0xd800 && u <= 0xdbff) {
                long lo = -1;
                if (k + 7 < n && p[k + 6] == '\\' && p[k + 7] == 'u')
                    lo = hex4(p, n, k + 8);
                if (lo < 0xdc00 || lo > 0xdfff)
                    return lerr_set(e, JSONL_ERR_SURROGATE, k);
                k += 6;
            }
            k += 6;
        } else if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
            k += 2;
        } else {
            return lerr_set(e, JSONL_ERR_SYNTAX, k);
        }
    }
    *i = k + 1;
    if (!escaped) {
        out->ptr = (const char *)p + start;
        out->len = k - start;
        return 0;
    }
    /* Unescape into ubuf: the text only shrinks, and all strings of the
     * line together are shorter than the line. */
    d = j->ubuf + j->ulen;
    out->ptr = d;
    for (size_t s = start; s < k;) {
        if (p[s] != '\\') {
            *d++ = (char)p[s++];
            continue;
        }
        switch (p[s + 1]) {
        case 'b':
            *d++ = '\b';
            break;
        case 'f':
            *d++ = '\f';
            break;
        case 'n':
            *d++ = '\n';
            break;
        case 'r':
            *d++ = '\r';
            break;
        case 't':
            *d++ = '\t';
            break;
        case 'u': {
            unsigned long cp = (unsigned long)hex4(p, n, s + 2);
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned long lo = (unsigned long)hex4(p, n, s + 8);
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                s += 6;
            }
            d += put_utf8(d, cp);
            s += 6;
            continue;
        }
        default: /* " \ / */
            *d++ = (char)p[s + 1];
            break;
        }
        s += 2;
    }
    out->len = (size_t)(d - out->ptr);
    j->ulen += out->len;
    return 0;
}

/* A JSON number at p[*i] (strict grammar); its text is the value. */
static int
scan_number(const unsigned char *p, size_t n, size_t *i,
            struct source_span *out, struct lerr *e)
{
    size_t k = *i, start = k;

    if (k < n && p[k] == '-')
        k++;
    if (k < n && p[k] == '0') {
        k++;
    } else if (k < n && p[k] >= '1' && p[k] <= '9') {
        while (k < n && p[k] >= '0' && p[k] <= '9')
            k++;
    } else {
        return lerr_set(e, JSONL_ERR_SYNTAX, k);
    }
    if (k < n && p[k] == '.') {
        k++;
        if (k >= n || p[k] < '0' || p[k] > '9')
            return lerr_set(e, JSONL_ERR_SYNTAX, k);
        while (k < n && p[k] >= '0' && p[k] <= '9')
            k++;
    }
    if (k < n && (p[k] == 'e' || p[k] == 'E')) {
        k++;
        if (k < n && (p[k] == '+' || p[k] == '-'))
            k++;
        if (k >= n || p[k] < '0' || p[k] > '9')
            return lerr_set(e, JSONL_ERR_SYNTAX, k);
        while (k < n && p[k] >= '0' && p[k] <= '9')
            k++;
    }
    out->ptr = (const char *)p + start;
    out->len = k - start;
    *i = k;
    return 0;
}

/* true, false or null at p[*i]. */
static int
scan_literal(const unsigned char *p, size_t n, size_t *i,
             struct source_span *out, struct lerr *e)
{
    static const char *const lit[3] = {"true", "false", "null"};
    size_t k;

    for (k = 0; k < 3; k++) {
        size_t l = strlen(lit[k]);
        if (n - *i >= l && memcmp(p + *i, lit[k], l) == 0) {
            out->ptr = k == 2 ? NULL : (const char *)p + *i;
            out->len = k == 2 ? 0 : l;
            *i += l;
            return 0;
        }
    }
    return lerr_set(e, JSONL_ERR_SYNTAX, *i);
}

static int
grow_entries(struct jsonl *j)
{
    size_t cap = j->entcap == 0                 ? ENT_MIN
                 : j->entcap * 2 > COLUMN_LIMIT ? COLUMN_LIMIT
                                                : j->entcap * 2;
    struct entry *e = reallocarray(j->ent, cap, sizeof(*e));
    size_t *ni, i;
    long *h;

    if (e == NULL)
        return TOCSIN_ENOMEM;
    j->ent = e;
    ni = reallocarray(j->newidx, cap, sizeof(*ni));
    if (ni == NULL)
        return TOCSIN_ENOMEM;
    j->newidx = ni;
    h = reallocarray(j->hint, cap, sizeof(*h));
    if (h == NULL)
        return TOCSIN_ENOMEM;
    for (i = j->entcap; i < cap; i++)
        h[i] = -1;
    j->hint = h;
    j->entcap = cap;
    return 0;
}

/* Take the object in line p[0..n) apart into j->ent: 0, LINE_BAD (with
 * *e) or TOCSIN_ENOMEM. */
static int
scan_object(struct jsonl *j, const unsigned char *p, size_t n, struct lerr *e)
{
    size_t i = skip_ws(p, n, 0);

    j->nent = 0;
    j->ulen = 0;
    if (i >= n || p[i] != '{')
        return lerr_set(e, JSONL_ERR_NOT_OBJECT, i);
    i = skip_ws(p, n, i + 1);
    if (i < n && p[i] == '}') {
        i++;
        goto tail;
    }
    for (;;) {
        struct entry *en;
        size_t key_off = i;
        unsigned char c;

        if (i >= n || p[i] != '"')
            return lerr_set(e, JSONL_ERR_SYNTAX, i);
        if (j->nent == COLUMN_LIMIT)
            return lerr_set(e, JSONL_ERR_TOO_MANY_COLUMNS, i);
        if (j->nent == j->entcap && grow_entries(j) < 0)
            return TOCSIN_ENOMEM;
        en = &j->ent[j->nent];
        en->key_off = key_off;
        en->col = -1;
        if (scan_string(j, p, n, &i, &en->key, e) != 0)
            return LINE_BAD;
        if (en->key.len == 0)
            return lerr_set(e, JSONL_ERR_EMPTY_KEY, key_off);
        i = skip_ws(p, n, i);
        if (i >= n || p[i] != ':')
            return lerr_set(e, JSONL_ERR_SYNTAX, i);
        i = skip_ws(p, n, i + 1);
        if (i >= n)
            return lerr_set(e, JSONL_ERR_SYNTAX, i);
        c = p[i];
        if (c == '"') {
            if (scan_string(j, p, n, &i, &en->val, e) != 0)
                return LINE_BAD;
        } else if (c == '{' || c == '[') {
            e->key = en->key;
            return lerr_set(e, JSONL_ERR_NESTED, i);
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (scan_number(p, n, &i, &en->val, e) != 0)
                return LINE_BAD;
        } else if (scan_literal(p, n, &i, &en->val, e) != 0) {
            return LINE_BAD;
        }
        j->nent++;
        i = skip_ws(p, n, i);
        if (i < n && p[i] == ',') {
            i = skip_ws(p, n, i + 1);
            continue;
        }
        if (i < n && p[i] == '}') {
            i++;
            break;
        }
        return lerr_set(e, JSONL_ERR_SYNTAX, i);
    }
tail:
    i = skip_ws(p, n, i);
    if (i < n)
        return lerr_set(e, JSONL_ERR_SYNTAX, i);
    return 0;
}

static uint64_t
hash_key(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static long
col_find(const struct jsonl *j, const struct source_span *key)
{
    size_t mask = j->nslots - 1;
    size_t s;

    if (j->nslots == 0)
        return -1;
    s = (size_t)hash_key(key->ptr, key->len) & mask;
    while (j->slots[s] != 0) {
        const struct source_span *c = &j->cols[j->slots[s] - 1];
        if (c->len == key->len && memcmp(c->ptr, key->ptr, key->len) == 0)
            return (long)j->slots[s] - 1;
        s = (s + 1) & mask;
    }
    return -1;
}

static void
slot_put(struct jsonl *j, size_t idx)
{
    size_t mask = j->nslots - 1;
    size_t s = (size_t)hash_key(j->cols[idx].ptr, j->cols[idx].len) & mask;

    while (j->slots[s] != 0)
        s = (s + 1) & mask;
    j->slots[s] = (uint32_t)idx + 1;
}

static int
col_add(struct jsonl *j, const struct source_span *key)
{
    char *name;
    size_t i;

    if (j->ncols == j->colcap) {
        size_t cap = j->colcap ? j->colcap * 2 : 32;
        struct source_span *cols = realloc(j->cols, cap * sizeof(*cols));
        if (cols == NULL)
            return TOCSIN_ENOMEM;
        j->cols = cols;
        uint64_t *stamp = realloc(j->stamp, cap * sizeof(*stamp));
        if (stamp == NULL)
            return TOCSIN_ENOMEM;
        j->stamp = stamp;
        struct source_span *vals = realloc(j->vals, cap * sizeof(*vals));
        if (vals == NULL)
            return TOCSIN_ENOMEM;
        j->vals = vals;
        j->colcap = cap;
    }
    if (2 * (j->ncols + 1) > j->nslots) {
        size_t ns = j->nslots ? j->nslots * 2 : 64;
        uint32_t *slots = calloc(ns, sizeof(*slots));
        if (slots == NULL)
            return TOCSIN_ENOMEM;
        free(j->slots);
        j->slots = slots;
        j->nslots = ns;
        for (i = 0; i < j->ncols; i++)
            slot_put(j, i);
    }
    name = malloc(key->len + 1);
    if (name == NULL)
        return TOCSIN_ENOMEM;
    memcpy(name, key->ptr, key->len);
    name[key->len] = '\0';
    j->cols[j->ncols].ptr = name;
    j->cols[j->ncols].len = key->len;
    j->stamp[j->ncols] = 0;
    slot_put(j, j->ncols);
    j->ncols++;
    return 0;
}

static int
cmp_new(const void *a, const void *b, void *arg)
{
    const struct entry *base = arg;
    const struct entry *x = &base[*(const size_t *)a];
    const struct entry *y = &base[*(const size_t *)b];
    size_t n = x->key.len < y->key.len ? x->key.len : y->key.len;
    int d = memcmp(x->key.ptr, y->key.ptr, n);

    if (d == 0)
        d = (x->key.len > y->key.len) - (x->key.len < y->key.len);
    if (d == 0)
        d = (*(const size_t *)a > *(const size_t *)b) -
            (*(const size_t *)a < *(const size_t *)b);
    return d;
}

/*
 * Map the entries to columns: duplicates are errors (LINE_BAD with *e);
 * new keys become columns only when the row is good. 0, LINE_BAD or
 * TOCSIN_ENOMEM.
 */
static int
map_columns(struct jsonl *j, struct lerr *e)
{
    size_t i, nnew = 0, dup = SIZE_MAX;
    int rc;

    j->serial++;
    for (i = 0; i < j->nent; i++) {
        struct entry *en = &j->ent[i];
        long h = j->hint[i];
        /* Rows mostly repeat the last row's keys in the same order. */
        if (h >= 0 && (size_t)h < j->ncols && j->cols[h].len == en->key.len &&
            memcmp(j->cols[h].ptr, en->key.ptr, en->key.len) == 0)
            en->col = h;
        else
            en->col = j->hint[i] = col_find(j, &en->key);
        if (en->col < 0) {
            j->newidx[nnew++] = i;
            continue;
        }
        if (j->stamp[en->col] == j->serial) {
            dup = i;
            break;
        }
        j->stamp[en->col] = j->serial;
    }
    if (nnew > 1) {
        /* Duplicates among the new keys: sort and compare neighbours. The
         * sort is stable by index, so the later twin is reported. */
        size_t *tmp = malloc(nnew * sizeof(*tmp));
        if (tmp == NULL)
            return TOCSIN_ENOMEM;
        memcpy(tmp, j->newidx, nnew * sizeof(*tmp));
        qsort_r(tmp, nnew, sizeof(*tmp), cmp_new, j->ent);
        for (i = 1; i < nnew; i++) {
            const struct entry *x = &j->ent[tmp[i - 1]];
            const struct entry *y = &j->ent[tmp[i]];
            if (x->key.len == y->key.len &&
                memcmp(x->key.ptr, y->key.ptr, x->key.len) == 0 &&
                tmp[i] < dup)
                dup = tmp[i];
        }
        free(tmp);
    }
    if (dup != SIZE_MAX) {
        e->key = j->ent[dup].key;
        return lerr_set(e, JSONL_ERR_DUPLICATE_KEY, j->ent[dup].key_off);
    }
    if (nnew > COLUMN_LIMIT - j->ncols)
        return lerr_set(e, JSONL_ERR_TOO_MANY_COLUMNS,
                        j->ent[j->newidx[COLUMN_LIMIT - j->ncols]].key_off);
    for (i = 0; i < nnew; i++) {
        struct entry *en = &j->ent[j->newidx[i]];
        rc = col_add(j, &en->key);
        if (rc < 0)
            return rc;
        en->col = (long)j->ncols - 1;
        j->hint[j->newidx[i]] = en->col;
        j->stamp[en->col] = j->serial;
    }
    return 0;
}

static int
refill(struct jsonl *j)
{
    size_t got;
    int rc;

    if (j->pos > 0) {
        memmove(j->buf, j->buf + j->pos, j->len - j->pos);
        j->len -= j->pos;
        j->base_off += j->pos;
        j->pos = 0;
    }
    if (j->len == j->cap) {
        /* A line needs more room; the old block is wiped. */
        size_t cap = j->cap * 2 > BUF_CAP ? BUF_CAP : j->cap * 2;
        unsigned char *nb = malloc(cap);
        if (nb == NULL) {
            j->fatal = TOCSIN_ENOMEM;
            return TOCSIN_ENOMEM;
        }
        memcpy(nb, j->buf, j->len);
        sodium_memzero(j->buf, j->cap);
        free(j->buf);
        j->buf = nb;
        j->cap = cap;
    }
    rc = source_read(j->src, j->buf + j->len, j->cap - j->len, &got);
    if (rc < 0) {
        j->fatal = rc;
        return rc;
    }
    if (got == 0)
        j->eof = 1;
    j->len += got;
    return 0;
}

int
jsonl_open(struct source *src, struct jsonl **out)
{
    struct jsonl *j;
    int rc;

    *out = NULL;
    j = calloc(1, sizeof(*j));
    if (j == NULL)
        return TOCSIN_ENOMEM;
    j->src = src;
    j->line = 1;
    /* Small inputs get a small buffer; it grows when a line needs it. */
    j->cap = BUF_CAP;
    if (source_size(src) >= 0 && (uint64_t)source_size(src) < BUF_CAP)
        j->cap = (size_t)source_size(src) < BUF_MIN ? BUF_MIN
                                                    : (size_t)source_size(src);
    j->buf = malloc(j->cap);
    if (grow_entries(j) < 0) {
        rc = TOCSIN_ENOMEM;
        goto fail;
    }
    j->tok = json_tokener_new_ex(JSON_DEPTH);
    if (j->buf == NULL || j->ent == NULL || j->newidx == NULL ||
        j->tok == NULL) {
        rc = TOCSIN_ENOMEM;
        goto fail;
    }
    json_tokener_set_flags(j->tok,
                           JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    do {
        rc = refill(j);
    } while (rc == 0 && j->len < 3 && !j->eof);
    if (rc < 0)
        goto fail;
    if (j->len >= 3 && memcmp(j->buf, "\xef\xbb\xbf", 3) == 0)
        j->pos = 3;
    *out = j;
    return 0;
fail:
    jsonl_free(j);
    return rc;
}

void
jsonl_free(struct jsonl *j)
{
    size_t i;

    if (j == NULL)
        return;
    if (j->buf != NULL) {
        sodium_memzero(j->buf, j->cap);
        free(j->buf);
    }
    if (j->ubuf != NULL) {
        sodium_memzero(j->ubuf, j->ucap);
        free(j->ubuf);
    }
    if (j->tok != NULL)
        json_tokener_free(j->tok);
    for (i = 0; i < j->ncols; i++)
        free((char *)j->cols[i].ptr);
    free(j->cols);
    free(j->slots);
    free(j->stamp);
    free(j->vals);
    free(j->ent);
    free(j->newidx);
    free(j->hint);
    free(j);
}

void
jsonl_columns(const struct jsonl *j, const struct source_span **names,
              size_t *n)
{
    *names = j->cols;
    *n = j->ncols;
}

/* Whether json-c takes p[0..n) as one JSON text; *end is where it
 * stopped (n when the line ended too soon). */
static int
json_valid(struct jsonl *j, const unsigned char *p, size_t n, size_t *end)
{
    struct json_object *obj;

    json_tokener_reset(j->tok);
    obj = json_tokener_parse_ex(j->tok, (const char *)p, (int)n);
    *end = json_tokener_get_parse_end(j->tok);
    if (obj == NULL) {
        if (json_tokener_get_error(j->tok) == json_tokener_continue)
            *end = n;
        return 0;
    }
    json_object_put(obj);
    /* Only white space may follow. */
    return skip_ws(p, n, *end) == n;
}

/* Check and take apart one line; fills row (values or error). 0 or
 * TOCSIN_ENOMEM. */
static int
do_line(struct jsonl *j, const unsigned char *p, size_t n,
        struct jsonl_row *row)
{
    struct lerr e;
    const unsigned char *nul = memchr(p, '\0', n);
    size_t bad, end, i;
    int rc;

    memset(&e, 0, sizeof(e));
    if (nul != NULL) {
        lerr_set(&e, JSONL_ERR_NUL, (size_t)(nul - p));
        goto bad;
    }
    if ((bad = utf8_valid_prefix(p, n)) != n) {
        lerr_set(&e, JSONL_ERR_UTF8, bad);
        goto bad;
    }
    i = skip_ws(p, n, 0);
    if (i >= n || p[i] != '{') {
        lerr_set(&e, JSONL_ERR_NOT_OBJECT, i);
        goto bad;
    }
    if (j->ucap < n) {
        char *u = malloc(n);
        if (u == NULL)
            return TOCSIN_ENOMEM;
        if (j->ubuf != NULL) {
            sodium_memzero(j->ubuf, j->ucap);
            free(j->ubuf);
        }
        j->ubuf = u;
        j->ucap = n;
    }
    /* json-c parses every line and has the last word on what is JSON at
     * all: a line it rejects is a syntax error where it stopped. */
    if (!json_valid(j, p, n, &end)) {
        lerr_set(&e, JSONL_ERR_SYNTAX, end);
        goto bad;
    }
    /* Then the stricter checks json-c does not make (raw control
     * characters, lone surrogates, duplicate keys, nested values), and the
     * values taken from the line's own bytes, so that a number keeps its
     * exact text (json-c turns -0 into 0 and out-of-range integers into
     * other numbers: a value must never change silently). */
    rc = scan_object(j, p, n, &e);
    if (rc < 0)
        return rc;
    if (rc != 0)
        goto bad;
    rc = map_columns(j, &e);
    if (rc < 0)
        return rc;
    if (rc != 0)
        goto bad;
    for (i = 0; i < j->ncols; i++) {
        j->vals[i].ptr = NULL;
        j->vals[i].len = 0;
    }
    for (i = 0; i < j->nent; i++)
        j->vals[j->ent[i].col] = j->ent[i].val;
    row->values = j->vals;
    row->nvalues = j->ncols;
    return 0;
bad:
    row->error = e.reason;
    row->error_column = (uint64_t)e.off + 1;
    row->error_key = e.key;
    if (e.key.ptr != NULL) {
        long col = col_find(j, &e.key);
        row->error_field = col < 0 ? 0 : (size_t)col + 1;
    }
    return 0;
}

static int
is_blank(const unsigned char *p, size_t n)
{
    return skip_ws(p, n, 0) == n;
}

int
jsonl_next(struct jsonl *j, struct jsonl_row *row)
{
    int rc;

    if (j->fatal)
        return j->fatal;
    for (;;) {
        const unsigned char *base, *lf, *next;
        size_t avail, n, scan;
        int terminated = 1;

        if (j->pos == j->len) {
            if (j->eof) {
                if (j->skipping) /* an over-long last line without LF */
                    j->partial = 1;
                j->skipping = 0;
                return 0;
            }
            rc = refill(j);
            if (rc < 0)
                return rc;
            continue;
        }
        base = j->buf + j->pos;
        avail = j->len - j->pos;
        if (j->skipping) {
            lf = memchr(base, '\n', avail);
            if (lf == NULL) {
                j->pos = j->len;
                continue;
            }
            j->pos = (size_t)(lf - j->buf) + 1;
            j->line++;
            j->skipping = 0;
            continue;
        }
        scan = avail < WINDOW ? avail : WINDOW;
        lf = memchr(base, '\n', scan);
        if (lf == NULL && !j->eof && avail < WINDOW) {
            /* Read until the unread bytes at least double, so that a long
             * line in small reads is not searched again for every read. */
            size_t before = avail;
            do {
                rc = refill(j);
                if (rc < 0 && j->len - j->pos > before) {
                    /* Lines completed so far first: the source's error
                     * is sticky and comes with the next read. */
                    j->fatal = 0;
                    break;
                }
                if (rc < 0)
                    return rc;
            } while (!j->eof && j->len - j->pos < 2 * avail + 1 &&
                     (j->len < j->cap || j->cap < BUF_CAP));
            continue;
        }
        memset(row, 0, sizeof(*row));
        row->line = j->line;
        row->offset = j->base_off + j->pos;
        if (lf == NULL && avail >= WINDOW) {
            /* No line end within the limit. */
            row->raw = (const char *)base;
            row->raw_len = LINE_LIMIT;
            row->raw_truncated = 1;
            row->error = JSONL_ERR_TOO_LONG;
            row->error_column = (uint64_t)LINE_LIMIT + 1;
            j->pos += WINDOW;
            j->skipping = 1;
            j->st.error_rows++;
            return 1;
        }
        if (lf == NULL) { /* the last line, without LF */
            lf = base + avail;
            next = lf;
            terminated = 0;
        } else {
            next = lf + 1;
        }
        n = (size_t)(lf - base);
        if (terminated && n > 0 && base[n - 1] == '\r')
            n--;
        if (is_blank(base, n)) {
            j->st.blank_lines++;
        } else {
            row->raw = (const char *)base;
            row->raw_len = n;
            if (n > LINE_LIMIT) {
                row->raw_len = LINE_LIMIT;
                row->raw_truncated = 1;
                row->error = JSONL_ERR_TOO_LONG;
                row->error_column = (uint64_t)LINE_LIMIT + 1;
            } else {
                rc = do_line(j, base, n, row);
                if (rc < 0) {
                    j->fatal = rc;
                    return rc;
                }
            }
        }
        j->pos = (size_t)(next - j->buf);
        if (terminated)
            j->line++;
        else
            j->partial = 1;
        if (row->raw == NULL)
            continue; /* blank */
        if (row->error)
            j->st.error_rows++;
        else
            j->st.rows++;
        return 1;
    }
}

void
jsonl_stats(const struct jsonl *j, struct jsonl_stats *st)
{
    *st = j->st;
    st->lines = j->line - 1 + (uint64_t)(j->partial != 0);
}
