#include "csv.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#if defined(__SSE2__) && !defined(CSV_SCALAR)
#include <emmintrin.h>
#define CSV_SSE2 1
#endif

#include "../util/limits.h"
#include "../util/utf8.h"

/*
 * The limits from limits.h. A fuzzing build (scripts/fuzz.sh defines
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) shrinks them so that the small
 * inputs a fuzzer makes reach them and every path behind them.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define LINE_LIMIT  ((size_t)4096)
#define FIELD_LIMIT ((size_t)64)
#else
#define LINE_LIMIT  ((size_t)LIMIT_LINE_BYTES)
#define FIELD_LIMIT ((size_t)LIMIT_CSV_FIELDS)
#endif

/*
 * The reader keeps a block of decoded bytes in buf[pos..len). A record is
 * parsed in place; when it runs past the end of the data the unread tail
 * moves to the front, more is read behind it and the record is parsed again
 * from its start. A record may take at most WINDOW bytes including its line
 * end, so the buffer always has room to complete one.
 *
 * The hot loop finds the interesting bytes (delimiter, quote, a byte below
 * 0x0e: NUL, TAB, LF, CR, ...; a byte >= 0x80) as a bit mask over 64 bytes
 * at a time (SSE2; a table without it), walks the set bits and dispatches
 * on a class table. A NUL sentinel at the end of the data stops every
 * scan, so the scans need no bounds checks; a real NUL in the data is told
 * apart by its position.
 */
#define WINDOW     ((size_t)LINE_LIMIT + 2)
#define READ_BLOCK ((size_t)1 << 20)
#define BUF_CAP    (WINDOW + READ_BLOCK) /* the most the buffer grows to */
#define BUF_MIN    ((size_t)64 << 10)    /* the least it starts with */
#define BUF_PAD    128                   /* sentinel plus mask64() over-read */
#define FIELDS_MIN 64

enum byte_class {
    C_TEXT = 0,
    C_DELIM,
    C_QUOTE,
    C_LF,
    C_CR,
    C_NUL,
    C_HIGH,
};

enum parse_result {
    P_OK,
    P_MORE,
    P_ERR,
    P_NOMEM,
};

struct csv {
    struct source *src;
    unsigned char *buf; /* cap + BUF_PAD bytes */
    size_t cap;         /* grows up to BUF_CAP when a record needs it */
    size_t pos;
    size_t len;
    uint64_t base_off; /* offset of buf[0] in the decoded input */
    int eof;           /* the source has no more bytes */
    int fatal;         /* sticky error status */
    int skipping;      /* 1: skip to the next line break; 2: skip one LF */
    int partial;       /* the data ended without a line break */
    uint64_t line;
    unsigned char delim;
    unsigned char cls[256];
#ifndef CSV_SSE2
    unsigned char stop_u[256]; /* scan stops, unquoted field */
    unsigned char stop_q[256]; /* scan stops, quoted field */
#endif
    struct source_span *fields; /* fcap, grows to FIELD_LIMIT */
    size_t *esc;                /* fields with doubled quotes (fcap) */
    size_t fcap;
    size_t nesc;
    char *ubuf; /* unquoted copies of those fields (ucap bytes) */
    size_t ucap;
    struct source_span *names;
    size_t nnames;
    char *name_store;
    size_t name_store_len;
    struct csv_stats st;
};

/* What parse() found. */
struct parse {
    size_t nf;
    const unsigned char *content_end; /* good record: end of its bytes */
    const unsigned char *next;        /* good record: after the line end */
    int terminated;                   /* it had a line end */
    uint64_t nl;                      /* line breaks inside the record */
    /* Structural error. */
    int reason;
    const unsigned char *errpos;
    uint64_t err_nl;
    uint64_t err_col;
    size_t err_field;
    /* First NUL or UTF-8 problem. */
    int creason;
    uint64_t c_nl;
    uint64_t c_col;
    size_t c_field;
};

const char *
csv_strerror(int reason)
{
    switch (reason) {
    case CSV_OK:
        return "no error";
    case CSV_ERR_QUOTE_IN_FIELD:
        return "quote inside an unquoted field (quote the field and double "
               "the quote)";
    case CSV_ERR_TEXT_AFTER_QUOTE:
        return "text after the closing quote of a field";
    case CSV_ERR_UNTERMINATED:
        return "unterminated quoted field";
    case CSV_ERR_TOO_LONG:
        return "record longer than the line limit";
    case CSV_ERR_TOO_MANY_FIELDS:
        return "too many fields in the record";
    case CSV_ERR_UTF8:
        return "invalid UTF-8 (convert the file to UTF-8)";
    case CSV_ERR_NUL:
        return "NUL byte in the data";
    }
    return "unknown CSV error";
}

/*
 * mask64(c, p): bit i set when p[i] may end an unquoted field or needs a
 * look: the delimiter, a quote, a byte below 0x0e or from 0x80 up. Reads
 * p[0..64), so the buffer has BUF_PAD bytes after the sentinel.
 */
#ifdef CSV_SSE2
static inline uint64_t
mask16(const unsigned char *p, __m128i vd)
{
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vlow = _mm_set1_epi8(0x0e);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vq)),
        _mm_cmplt_epi8(v, vlow)); /* also bytes >= 0x80 */

    return (uint64_t)(unsigned)_mm_movemask_epi8(m);
}

static inline uint64_t
mask64(const struct csv *c, const unsigned char *p)
{
    const __m128i vd = _mm_set1_epi8((char)c->delim);

    return mask16(p, vd) | mask16(p + 16, vd) << 16 |
           mask16(p + 32, vd) << 32 | mask16(p + 48, vd) << 48;
}

/* The next quote, byte below 0x0e or from 0x80 up at or after p. */
static inline const unsigned char *
scan_quoted(const struct csv *c, const unsigned char *p)
{
    const __m128i vq = _mm_set1_epi8('"');
    const __m128i vlow = _mm_set1_epi8(0x0e);

    (void)c;
    for (;;) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m =
            _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmplt_epi8(v, vlow));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits != 0)
            return p + __builtin_ctz(bits);
        p += 16;
    }
}
#else
static inline uint64_t
mask64(const struct csv *c, const unsigned char *p)
{
    uint64_t m = 0;
    int i;

    for (i = 63; i >= 0; i--)
        m = m << 1 | c->stop_u[p[i]];
    return m;
}

static inline const unsigned char *
scan_quoted(const struct csv *c, const unsigned char *p)
{
    while (!c->stop_q[*p])
        p++;
    return p;
}
#endif

static void
set_delim(struct csv *c, unsigned char d)
{
    int i;

    c->delim = d;
    memset(c->cls, C_TEXT, sizeof(c->cls));
    for (i = 0x80; i < 0x100; i++)
        c->cls[i] = C_HIGH;
    c->cls[d] = C_DELIM;
    c->cls['"'] = C_QUOTE;
    c->cls['\n'] = C_LF;
    c->cls['\r'] = C_CR;
    c->cls[0] = C_NUL;
#ifndef CSV_SSE2
    for (i = 0; i < 0x100; i++) {
        c->stop_q[i] = (unsigned char)(i < 0x0e || i >= 0x80 || i == '"');
        c->stop_u[i] = (unsigned char)(c->stop_q[i] || i == d);
    }
#endif
}

/* A bigger buffer; the old one is wiped (it held export bytes). */
static int
grow_buf(struct csv *c)
{
    size_t cap = c->cap * 2 > BUF_CAP ? BUF_CAP : c->cap * 2;
    unsigned char *nb = calloc(1, cap + BUF_PAD);

    if (nb == NULL)
        return TOCSIN_ENOMEM;
    memcpy(nb, c->buf, c->len);
    sodium_memzero(c->buf, c->cap + BUF_PAD);
    free(c->buf);
    c->buf = nb;
    c->cap = cap;
    return 0;
}

/* Move the unread bytes to the front and read more behind them. */
static int
refill(struct csv *c)
{
    size_t got;
    int rc;

    if (c->pos > 0) {
        memmove(c->buf, c->buf + c->pos, c->len - c->pos);
        c->len -= c->pos;
        c->base_off += c->pos;
        c->pos = 0;
    }
    if (c->len == c->cap) {
        assert(c->cap < BUF_CAP);
        rc = grow_buf(c);
        if (rc < 0) {
            c->fatal = rc;
            return rc;
        }
    }
    rc = source_read(c->src, c->buf + c->len, c->cap - c->len, &got);
    if (rc < 0) {
        c->fatal = rc;
        return rc;
    }
    if (got == 0)
        c->eof = 1;
    c->len += got;
    c->buf[c->len] = 0; /* the sentinel, see parse() */
    return 0;
}

/* A record runs past the data: read until the unread bytes at least
 * double (or the buffer is full, or the data ends), so that a long record
 * that arrives in small reads is not parsed again for every read. */
static int
refill_more(struct csv *c)
{
    size_t want = 2 * (c->len - c->pos) + 1;
    int rc, first = 1;

    assert(!c->eof);
    do {
        rc = refill(c);
        if (rc < 0 && !first) {
            /* The rows the earlier reads completed come first; the
             * source's error is sticky and comes with the next read. */
            c->fatal = 0;
            return 0;
        }
        if (rc < 0)
            return rc;
        first = 0;
    } while (!c->eof && c->len - c->pos < want &&
             (c->len < c->cap || c->cap < BUF_CAP));
    return 0;
}

/* Room for more fields (at most FIELD_LIMIT). */
static int
grow_fields(struct csv *c)
{
    size_t cap = c->fcap * 2 > FIELD_LIMIT ? FIELD_LIMIT : c->fcap * 2;
    struct source_span *f = reallocarray(c->fields, cap, sizeof(*f));
    size_t *e;

    if (f == NULL)
        return TOCSIN_ENOMEM;
    c->fields = f;
    e = reallocarray(c->esc, cap, sizeof(*e));
    if (e == NULL)
        return TOCSIN_ENOMEM;
    c->esc = e;
    c->fcap = cap;
    return 0;
}

static void
content_error(struct parse *r, int reason, const unsigned char *p,
              const unsigned char *line_start, uint64_t nl, size_t field)
{
    if (r->creason)
        return;
    r->creason = reason;
    r->c_nl = nl;
    r->c_col = (uint64_t)(p - line_start) + 1;
    r->c_field = field;
}

/* A structural error at p (on the line starting at line_start, nl line
 * breaks into the record); cur_nl line breaks were crossed so far. */
static int
struct_error(struct parse *r, int reason, const unsigned char *p,
             const unsigned char *line_start, uint64_t nl, size_t field,
             uint64_t cur_nl)
{
    r->reason = reason;
    r->errpos = p;
    r->err_nl = nl;
    r->err_col = (uint64_t)(p - line_start) + 1;
    r->err_field = field;
    r->nl = cur_nl;
    return P_ERR;
}

/*
 * Parse one record at buf[pos]; end is the end of the data, holding the
 * NUL sentinel. A stop at or after wend (the end of the window) means the
 * record is too long. more: bytes after end may still be read.
 */
static int
parse_in(struct csv *c, struct parse *r, const unsigned char *end,
         const unsigned char *wend, int more)
{
    const unsigned char *const base = c->buf + c->pos;
    const unsigned char *p = base;
    const unsigned char *line_start = base;
    const unsigned char *fstart;
    const unsigned char *blk = base; /* m: mask64() of blk, bits before p
                                        cleared */
    uint64_t m;
    struct source_span *fields = c->fields;
    size_t fcap = c->fcap;
    const unsigned char delim = c->delim;
    uint64_t nl = 0;
    size_t nf = 0;
    int n;

    c->nesc = 0;
    m = mask64(c, blk);
    for (;;) {
        fstart = p;
        if (nf == FIELD_LIMIT)
            return struct_error(r, CSV_ERR_TOO_MANY_FIELDS, p, line_start, nl,
                                nf + 1, nl);
        if (nf == fcap) {
            if (grow_fields(c) < 0)
                return P_NOMEM;
            fields = c->fields;
            fcap = c->fcap;
        }
        if (*p == '"') {
            const unsigned char *q = p; /* the opening quote */
            const unsigned char *q_ls = line_start;
            uint64_t q_nl = nl;
            unsigned flines = 0;
            int esc = 0;

            p++;
            for (;;) {
                p = scan_quoted(c, p);
                if (p >= wend) {
                    if (nl == 0)
                        goto too_long;
                    return struct_error(r, CSV_ERR_UNTERMINATED, q, q_ls, q_nl,
                                        nf + 1, nl);
                }
                switch (c->cls[*p]) {
                case C_QUOTE:
                    if (p + 1 == end) {
                        if (more)
                            return P_MORE;
                        goto closed; /* at the end of the data */
                    }
                    if (p[1] == '"') {
                        esc = 1;
                        p += 2;
                        continue;
                    }
                    goto closed;
                case C_CR:
                    if (p + 1 == end && more)
                        return P_MORE;
                    p += p[1] == '\n' ? 2 : 1;
                    goto quoted_break;
                case C_LF:
                    p++;
                quoted_break:
                    nl++;
                    flines++;
                    line_start = p;
                    if (flines >= LIMIT_CSV_QUOTED_LINES)
                        return struct_error(r, CSV_ERR_UNTERMINATED, q, q_ls,
                                            q_nl, nf + 1, nl);
                    continue;
                case C_HIGH:
                    n = utf8_seq(p, (size_t)(end - p));
                    if (n > 0) {
                        p += n;
                        continue;
                    }
                    if (n < 0 && more)
                        return P_MORE;
                    content_error(r, CSV_ERR_UTF8, p, line_start, nl, nf + 1);
                    p++;
                    continue;
                case C_NUL:
                    if (p == end) {
                        if (more)
                            return P_MORE;
                        return struct_error(r, CSV_ERR_UNTERMINATED, q, q_ls,
                                            q_nl, nf + 1, nl);
                    }
                    content_error(r, CSV_ERR_NUL, p, line_start, nl, nf + 1);
                    p++;
                    continue;
                default:
                    p++;
                    continue;
                }
            }
        closed:
            fields[nf].ptr = (const char *)q + 1;
            fields[nf].len = (size_t)(p - q - 1);
            if (esc)
                c->esc[c->nesc++] = nf;
            nf++;
            p++;
            if (p >= wend)
                goto too_long;
            switch (c->cls[*p]) {
            case C_DELIM:
                p++;
                blk = p;
                m = mask64(c, blk);
                continue;
            case C_LF:
            case C_CR:
                goto record_end;
            case C_NUL:
                if (p == end) {
                    if (more)
                        return P_MORE;
                    goto record_end;
                }
                break;
            default:
                break;
            }
            if (flines > 0) /* most likely a stray opening quote */
                return struct_error(r, CSV_ERR_UNTERMINATED, q, q_ls, q_nl, nf,
                                    nl);
            return struct_error(r, CSV_ERR_TEXT_AFTER_QUOTE, p, line_start, nl,
                                nf, nl);
        }
        for (;;) {
            while (m == 0) {
                blk += 64;
                m = mask64(c, blk);
            }
            p = blk + __builtin_ctzll(m);
            m &= m - 1;
            if (p >= wend)
                goto too_long;
            if (*p == delim) { /* the common case first */
                fields[nf].ptr = (const char *)fstart;
                fields[nf].len = (size_t)(p - fstart);
                nf++;
                p++;
                goto next_field;
            }
            switch (c->cls[*p]) {
            case C_LF:
            case C_CR:
                fields[nf].ptr = (const char *)fstart;
                fields[nf].len = (size_t)(p - fstart);
                nf++;
                goto record_end;
            case C_QUOTE:
                return struct_error(r, CSV_ERR_QUOTE_IN_FIELD, p, line_start,
                                    nl, nf + 1, nl);
            case C_HIGH:
                n = utf8_seq(p, (size_t)(end - p));
                if (n < 0 && more)
                    return P_MORE;
                if (n <= 0) {
                    content_error(r, CSV_ERR_UTF8, p, line_start, nl, nf + 1);
                    n = 1;
                }
                blk = p + n;
                m = mask64(c, blk);
                continue;
            case C_NUL:
                if (p == end) {
                    if (more)
                        return P_MORE;
                    fields[nf].ptr = (const char *)fstart;
                    fields[nf].len = (size_t)(p - fstart);
                    nf++;
                    goto record_end;
                }
                content_error(r, CSV_ERR_NUL, p, line_start, nl, nf + 1);
                continue;
            default:
                continue;
            }
        }
    next_field:;
    }

record_end:
    /* p is at the line end, or at the end of the data. */
    if ((size_t)(p - base) > LINE_LIMIT) {
        nf--; /* the limit was passed in the last field */
        goto too_long;
    }
    r->nf = nf;
    r->nl = nl;
    r->content_end = p;
    if (p == end) {
        r->terminated = 0;
        r->next = p;
    } else if (*p == '\r') {
        if (p + 1 == end && more)
            return P_MORE;
        r->terminated = 1;
        r->next = p + (p[1] == '\n' ? 2 : 1);
    } else {
        r->terminated = 1;
        r->next = p + 1;
    }
    return P_OK;

too_long:
    /* Where the record passes the limit, not where the scan stopped
     * beyond it: that depends on how much of the input has been read. A
     * record whose line breaks carried it past the limit: at the start of
     * its last line. */
    if (nl == 0)
        return struct_error(r, CSV_ERR_TOO_LONG, base + LINE_LIMIT, base, 0,
                            nf + 1, nl);
    p = base + LINE_LIMIT > line_start ? base + LINE_LIMIT : line_start;
    return struct_error(r, CSV_ERR_TOO_LONG, p, line_start, nl, nf + 1, nl);
}

/*
 * Parse the record at buf[pos]. The NUL sentinel stands at the end of the
 * data (refill() puts it there: writing it next to each record, a
 * megabyte ahead, would cost a cache miss per record); the window end is
 * checked at each byte the scans stop at.
 */
static int
parse(struct csv *c, struct parse *r)
{
    const unsigned char *base = c->buf + c->pos;
    const unsigned char *dend = c->buf + c->len;
    size_t avail = c->len - c->pos;

    r->reason = 0;
    r->creason = 0;
    if (avail > WINDOW) /* the record cannot end beyond the window */
        return parse_in(c, r, dend, base + WINDOW, 0);
    return parse_in(c, r, dend, dend + 1, !c->eof);
}

/* The first line break in [p, end), or NULL. */
static const unsigned char *
find_break(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *lf, *cr;

    if (p >= end)
        return NULL;
    lf = memchr(p, '\n', (size_t)(end - p));
    cr = memchr(p, '\r', (size_t)((lf ? lf : end) - p));
    return cr ? cr : lf;
}

static void
fill_error(struct csv *c, struct csv_row *row, int reason, uint64_t nl,
           uint64_t col, size_t field)
{
    memset(row, 0, sizeof(*row));
    row->line = c->line;
    row->lines = 1;
    row->offset = c->base_off + c->pos;
    row->error = reason;
    row->error_line = c->line + nl;
    row->error_column = col;
    row->error_field = field;
}

static void
set_raw(struct csv_row *row, const unsigned char *base, size_t len)
{
    row->raw = (const char *)base;
    if (len > LINE_LIMIT) {
        row->raw_len = LINE_LIMIT;
        row->raw_truncated = 1;
    } else {
        row->raw_len = len;
    }
}

/*
 * After a structural error: make the error row and find where reading
 * goes on (see csv.h). P_OK or P_MORE.
 */
static int
resync(struct csv *c, const struct parse *r, struct csv_row *row)
{
    const unsigned char *base = c->buf + c->pos;
    const unsigned char *dend = c->buf + c->len;
    const unsigned char *lim = c->len - c->pos > WINDOW ? base + WINDOW : dend;
    const unsigned char *from = r->nl > 0 ? base : r->errpos;
    const unsigned char *lb, *next;

    if (from > lim)
        from = lim;
    lb = find_break(from, lim);
    if (lb == NULL) {
        if (lim == dend && !c->eof)
            return P_MORE;
        fill_error(c, row, r->reason, r->err_nl, r->err_col, r->err_field);
        set_raw(row, base, (size_t)(lim - base));
        if (lim == dend) {
            c->partial = 1;
            c->pos = c->len;
        } else {
            c->pos = (size_t)(lim - c->buf);
            c->skipping = 1;
        }
        return P_OK;
    }
    if (*lb == '\r') {
        if (lb + 1 < dend)
            next = lb + (lb[1] == '\n' ? 2 : 1);
        else if (c->eof)
            next = lb + 1;
        else
            return P_MORE;
    } else {
        next = lb + 1;
    }
    fill_error(c, row, r->reason, r->err_nl, r->err_col, r->err_field);
    set_raw(row, base, (size_t)(lb - base));
    c->line++;
    c->pos = (size_t)(next - c->buf);
    return P_OK;
}

/* Skip to after the next line break (after an over-long record). */
static int
skip_line(struct csv *c)
{
    int rc;

    while (c->skipping) {
        const unsigned char *lb;

        if (c->pos == c->len) {
            if (c->eof) {
                if (c->skipping == 1)
                    c->partial = 1;
                c->skipping = 0;
                return 0;
            }
            rc = refill(c);
            if (rc < 0)
                return rc;
            continue;
        }
        if (c->skipping == 2) {
            if (c->buf[c->pos] == '\n')
                c->pos++;
            c->skipping = 0;
            return 0;
        }
        lb = find_break(c->buf + c->pos, c->buf + c->len);
        if (lb == NULL) {
            c->pos = c->len;
            continue;
        }
        c->line++;
        c->pos = (size_t)(lb - c->buf) + 1;
        c->skipping = *lb == '\r' ? 2 : 0;
    }
    return 0;
}

/* Copy the fields with doubled quotes to ubuf, undoubled. */
static int
unquote_fields(struct csv *c, size_t reclen)
{
    size_t i, o = 0;

    if (c->ucap < reclen) {
        char *u = malloc(reclen);
        if (u == NULL)
            return TOCSIN_ENOMEM;
        if (c->ubuf != NULL) {
            sodium_memzero(c->ubuf, c->ucap);
            free(c->ubuf);
        }
        c->ubuf = u;
        c->ucap = reclen;
    }
    for (i = 0; i < c->nesc; i++) {
        struct source_span *f = &c->fields[c->esc[i]];
        const char *s = f->ptr, *e = f->ptr + f->len;
        char *d = c->ubuf + o;
        size_t k = 0;

        while (s < e) {
            const char *q = memchr(s, '"', (size_t)(e - s));
            size_t run = (size_t)((q ? q + 1 : e) - s);
            assert(o + k + run <= c->ucap);
            memcpy(d + k, s, run);
            k += run;
            s += run;
            if (q)
                s++; /* the second quote of the pair */
        }
        f->ptr = d;
        f->len = k;
        o += k;
    }
    return 0;
}

/* The next record, good or error row: 1, 0 at the end, <0 fatal. */
static int
next_record(struct csv *c, struct csv_row *row)
{
    struct parse r;
    int rc, res;

    if (c->fatal)
        return c->fatal;
    for (;;) {
        if (c->skipping) {
            rc = skip_line(c);
            if (rc < 0)
                return rc;
            continue;
        }
        if (c->pos == c->len) {
            if (c->eof)
                return 0;
            rc = refill(c);
            if (rc < 0)
                return rc;
            continue;
        }
        res = parse(c, &r);
        if (res == P_NOMEM) {
            c->fatal = TOCSIN_ENOMEM;
            return c->fatal;
        }
        if (res == P_ERR) {
            res = resync(c, &r, row);
            if (res == P_OK)
                return 1;
        } else if (res == P_OK && r.content_end == c->buf + c->pos) {
            /* A blank line. */
            c->st.blank_lines++;
            c->line++;
            c->pos = (size_t)(r.next - c->buf);
            continue;
        } else if (res == P_OK) {
            const unsigned char *base = c->buf + c->pos;
            memset(row, 0, sizeof(*row));
            row->line = c->line;
            row->lines = r.nl + 1;
            row->offset = c->base_off + c->pos;
            row->raw = (const char *)base;
            row->raw_len = (size_t)(r.content_end - base);
            if (r.creason) {
                row->error = r.creason;
                row->error_line = c->line + r.c_nl;
                row->error_column = r.c_col;
                row->error_field = r.c_field;
            } else {
                row->fields = c->fields;
                row->nfields = r.nf;
                if (c->nesc > 0) {
                    rc = unquote_fields(c, row->raw_len);
                    if (rc < 0) {
                        c->fatal = rc;
                        return rc;
                    }
                }
            }
            c->line += r.nl + (uint64_t)r.terminated;
            if (!r.terminated)
                c->partial = 1;
            c->pos = (size_t)(r.next - c->buf);
            return 1;
        }
        if (res == P_MORE) {
            rc = refill_more(c);
            if (rc < 0)
                return rc;
        }
    }
}

/* Choose the delimiter from the header line: the candidate seen most often
 * outside quotes; ties go to the earlier one in ", ; TAB |". A header line
 * without an end within WINDOW bytes (no record is longer) is judged by
 * its first WINDOW bytes, however the input arrives: reads of another size
 * must not choose another delimiter. */
static int
detect_delimiter(struct csv *c)
{
    static const unsigned char cand[4] = {',', ';', '\t', '|'};
    for (;;) {
        size_t avail = c->len - c->pos;
        const unsigned char *p = c->buf + c->pos;
        const unsigned char *end = p + (avail < WINDOW ? avail : WINDOW);
        size_t count[4] = {0, 0, 0, 0};
        int inq = 0, i, best = 0, done = 0;
        int rc;

        while (p < end && (*p == '\n' || *p == '\r'))
            p++; /* blank lines before the header */
        while (p < end) {
            unsigned char ch = *p++;
            if (ch == '"') {
                inq = !inq;
            } else if (!inq) {
                if (ch == '\n' || ch == '\r') {
                    done = 1;
                    break;
                }
                for (i = 0; i < 4; i++)
                    count[i] += ch == cand[i];
            }
        }
        if (!done && !c->eof && avail < WINDOW) {
            rc = refill(c);
            if (rc < 0)
                return rc;
            continue;
        }
        for (i = 1; i < 4; i++)
            if (count[i] > count[best])
                best = i;
        set_delim(c, cand[best]);
        return 0;
    }
}

static void set_msg(char *msg, size_t msgsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_msg(char *msg, size_t msgsz, const char *fmt, ...)
{
    va_list ap;

    if (msg == NULL || msgsz == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, msgsz, fmt, ap);
    va_end(ap);
}

static int
cmp_names(const void *a, const void *b)
{
    const struct source_span *x = *(const struct source_span *const *)a;
    const struct source_span *y = *(const struct source_span *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int d = memcmp(x->ptr, y->ptr, n);

    if (d != 0)
        return d;
    return (x->len > y->len) - (x->len < y->len);
}

/* Keep the header's names and check them. */
static int
take_header(struct csv *c, const struct csv_row *row, char *msg, size_t msgsz)
{
    const struct source_span **sorted = NULL;
    size_t i, total = 0;
    char *d;
    int rc = 0;

    for (i = 0; i < row->nfields; i++) {
        if (row->fields[i].len == 0) {
            set_msg(msg, msgsz,
                    "line %llu: header: column %zu has an empty name",
                    (unsigned long long)row->line, i + 1);
            return TOCSIN_EFORMAT;
        }
        total += row->fields[i].len + 1; /* <= WINDOW + FIELD_LIMIT */
    }
    c->names = calloc(row->nfields, sizeof(*c->names));
    c->name_store = malloc(total);
    sorted = calloc(row->nfields, sizeof(*sorted));
    if (c->names == NULL || c->name_store == NULL || sorted == NULL) {
        rc = TOCSIN_ENOMEM;
        goto out;
    }
    c->name_store_len = total;
    d = c->name_store;
    for (i = 0; i < row->nfields; i++) {
        memcpy(d, row->fields[i].ptr, row->fields[i].len);
        d[row->fields[i].len] = '\0';
        c->names[i].ptr = d;
        c->names[i].len = row->fields[i].len;
        d += row->fields[i].len + 1;
        sorted[i] = &c->names[i];
    }
    c->nnames = row->nfields;
    qsort(sorted, row->nfields, sizeof(*sorted), cmp_names);
    for (i = 1; i < row->nfields; i++) {
        if (cmp_names(&sorted[i - 1], &sorted[i]) == 0) {
            size_t a = (size_t)(sorted[i - 1] - c->names) + 1;
            size_t b = (size_t)(sorted[i] - c->names) + 1;
            set_msg(msg, msgsz,
                    "line %llu: header: columns %zu and %zu have the same "
                    "name",
                    (unsigned long long)row->line, a < b ? a : b,
                    a < b ? b : a);
            rc = TOCSIN_EFORMAT;
            goto out;
        }
    }
out:
    free(sorted);
    return rc;
}

int
csv_open(struct source *src, const struct csv_options *opts, struct csv **out,
         char *msg, size_t msgsz)
{
    struct csv *c = NULL;
    struct csv_row row;
    int rc;
    unsigned char d = opts ? (unsigned char)opts->delimiter : 0;

    *out = NULL;
    set_msg(msg, msgsz, "%s", "");
    if (d != 0 && d != '\t' && (d < 0x20 || d >= 0x7f || d == '"')) {
        set_msg(msg, msgsz, "invalid CSV delimiter 0x%02x", d);
        return TOCSIN_EINVAL;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return TOCSIN_ENOMEM;
    c->src = src;
    c->line = 1;
    /* Small inputs get a small buffer; it grows when a record needs it. */
    c->cap = BUF_CAP;
    if (source_size(src) >= 0 && (uint64_t)source_size(src) < BUF_CAP)
        c->cap = (size_t)source_size(src) < BUF_MIN ? BUF_MIN
                                                    : (size_t)source_size(src);
    c->buf = calloc(1, c->cap + BUF_PAD);
    c->fcap = FIELDS_MIN;
    c->fields = calloc(c->fcap, sizeof(*c->fields));
    c->esc = calloc(c->fcap, sizeof(*c->esc));
    if (c->buf == NULL || c->fields == NULL || c->esc == NULL) {
        rc = TOCSIN_ENOMEM;
        goto fail;
    }
    rc = refill(c);
    while (rc == 0 && c->len < 3 && !c->eof)
        rc = refill(c);
    if (rc < 0)
        goto fail_src;
    if (c->len >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0)
        c->pos = 3;
    if (d == 0) {
        rc = detect_delimiter(c);
        if (rc < 0)
            goto fail_src;
    } else {
        set_delim(c, d);
    }
    rc = next_record(c, &row);
    if (rc < 0)
        goto fail_src;
    if (rc > 0) {
        if (row.error) {
            set_msg(msg, msgsz, "line %llu, column %llu: header: %s",
                    (unsigned long long)row.error_line,
                    (unsigned long long)row.error_column,
                    csv_strerror(row.error));
            rc = TOCSIN_EFORMAT;
            goto fail;
        }
        rc = take_header(c, &row, msg, msgsz);
        if (rc < 0)
            goto fail;
    }
    *out = c;
    return 0;
fail_src:
    set_msg(msg, msgsz, "%s", source_message(src));
fail:
    csv_free(c);
    return rc;
}

void
csv_free(struct csv *c)
{
    if (c == NULL)
        return;
    if (c->buf != NULL) {
        sodium_memzero(c->buf, c->cap + BUF_PAD);
        free(c->buf);
    }
    if (c->ubuf != NULL) {
        sodium_memzero(c->ubuf, c->ucap);
        free(c->ubuf);
    }
    if (c->name_store != NULL) {
        sodium_memzero(c->name_store, c->name_store_len);
        free(c->name_store);
    }
    free(c->names);
    free(c->fields);
    free(c->esc);
    free(c);
}

void
csv_header(const struct csv *c, const struct source_span **names, size_t *n)
{
    *names = c->names;
    *n = c->nnames;
}

char
csv_delimiter(const struct csv *c)
{
    return (char)c->delim;
}

int
csv_next(struct csv *c, struct csv_row *row)
{
    int rc = next_record(c, row);

    if (rc > 0) {
        if (row->error)
            c->st.error_rows++;
        else
            c->st.rows++;
    }
    return rc;
}

void
csv_stats(const struct csv *c, struct csv_stats *st)
{
    *st = c->st;
    st->lines = c->line - 1 + (uint64_t)(c->partial != 0);
}
